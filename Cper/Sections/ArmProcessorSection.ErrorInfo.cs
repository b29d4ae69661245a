using System.Globalization;
using ApeiKit.Declarations;

namespace ApeiKit.Cper;

/// <summary>What an ARM error-information structure describes (UEFI 2.10 N.2.4.4, Table N-17, Type).</summary>
public enum ArmErrorKind
{
    /// <summary>The Type byte names no known kind under the encoding assumed.</summary>
    Unknown,
    /// <summary>Cache error.</summary>
    Cache,
    /// <summary>TLB error.</summary>
    Tlb,
    /// <summary>Bus error.</summary>
    Bus,
    /// <summary>Micro-architectural (vendor) error.</summary>
    MicroArchitectural,
    /// <summary>More than one type bit set (bit-flag encoding only); the error information is shown raw.</summary>
    Multiple,
}

/// <summary>
/// How the Type byte of an ARM error-information structure is encoded. Three encodings are in use
/// (see docs/DESIGN.md, ARM notes): the current UEFI specification's bit flags (read by default, see
/// <see cref="ArmErrorTypeSetting"/>), the older UEFI 2.6-2.9 enumeration, and libcper's 1/2/4/8.
/// </summary>
public enum ArmErrorTypeEncoding
{
    /// <summary>UEFI 2.9A and later (Linux, rasdaemon, QEMU): bit 1 cache, bit 2 TLB, bit 3 bus, bit 4 micro-architectural (0x02/0x04/0x08/0x10).</summary>
    BitFlags,
    /// <summary>UEFI 2.6-2.9 enumeration (edk2 Cper.h, Windows): 0 cache, 1 TLB, 2 bus, 3 micro-architectural.</summary>
    Enumeration,
    /// <summary>libcper (since late 2025): 1 cache, 2 TLB, 4 bus, 8 micro-architectural.</summary>
    LibCper,
}

/// <summary>
/// One ARM processor error-information structure (UEFI 2.10 N.2.4.4, Table N-17): 32 bytes, kept as bytes so
/// that unknown bits and the original Type byte survive a round trip.
/// </summary>
[Layout("ARM error information", Size, "UEFI 2.10 N.2.4.4, Table N-17", ValidationField = nameof(ValidationBits))]
public sealed partial class ArmErrorInfo
{
    /// <summary>Size of the structure (and the only Length the specification allows).</summary>
    public const int Size = 32;

    private readonly byte[] _bytes;

    /// <summary>A new structure: version 0, length 32, everything else zero.</summary>
    public ArmErrorInfo()
    {
        _bytes = new byte[Size];
        _bytes[LengthField.Offset] = Size;
    }

    /// <summary>
    /// A new structure of <paramref name="kind"/> with <paramref name="errorInformation"/> (build it with
    /// <see cref="ArmErrorInformation"/>), its Type written in <paramref name="encoding"/> (the current specification's bit flags by default).
    /// The validation bits mark the error information valid, and the fault addresses valid when given.
    /// </summary>
    public ArmErrorInfo(ArmErrorKind kind, ulong errorInformation, ulong? virtualFaultAddress = null, ulong? physicalFaultAddress = null,
        ArmErrorTypeEncoding encoding = ArmErrorTypeEncoding.BitFlags) : this()
    {
        Type = EncodeType(kind, encoding);
        ErrorInformation = errorInformation;
        ulong valid = 1UL << ErrorInformationField.ValidBit;
        if (virtualFaultAddress is { } va) { VirtualFaultAddress = va; valid |= 1UL << VirtualFaultAddressField.ValidBit; }
        if (physicalFaultAddress is { } pa) { PhysicalFaultAddress = pa; valid |= 1UL << PhysicalFaultAddressField.ValidBit; }
        ValidationBits = (ushort)valid;
    }

    internal ArmErrorInfo(ReadOnlySpan<byte> bytes) => _bytes = bytes[..Size].ToArray();

    // The declaration (UEFI 2.10 N.2.4.4, Table N-17): one line per field; LayoutDef (ArmProcessorSection.ErrorInfoLayout),
    // the XField statics, the property bodies and ArmErrorInfoView are generated from it. Setters write the bytes only
    // (the validation bits are the caller's, as they always were for this structure). Type and Error Information are
    // shown by the encoding and kind found (ArmProcessorSection.Describe): their variants are this declaration's fields
    // with other names and bit fields, in ArmProcessorSection.Describe.cs.

    /// <summary>Version (0 in UEFI 2.10).</summary>
    [Field(0, 1, FieldKind.UInt, LibCper = "")] public partial byte Version { get; set; }
    /// <summary>Length (32).</summary>
    [Field(1, 1, FieldKind.UInt, Unit = "bytes", Derive = nameof(LengthDerivation), LibCper = "")] public partial byte Length { get; }
    /// <summary>Validation bits: 0 multiple error, 1 flags, 2 error information, 3 virtual fault address, 4 physical fault address.</summary>
    [Field(2, 2, FieldKind.Flags)] public partial ushort ValidationBits { get; set; }
    /// <summary>The Type byte as stored (its meaning depends on <see cref="ArmErrorTypeEncoding"/>).</summary>
    [Field(4, 1, FieldKind.Hex, LibCper = "errorType", LibCperNames = "LibCper.LcArm.ErrorTypes")] public partial byte Type { get; set; }
    /// <summary>Multiple error: 0 single error, 1 multiple errors, larger values the number of errors.</summary>
    [Field(5, 2, FieldKind.UInt, ValidBit = 0, Label = "Multiple error (count when > 1)", Names = nameof(MultipleErrorNames))]
    public partial ushort MultipleError { get; set; }
    /// <summary>Flags: 0 first error captured, 1 last error captured, 2 propagated, 3 overflow.</summary>
    [Field(7, 1, FieldKind.Flags, ValidBit = 1, Flags = nameof(ErrorFlagNames), LibCper = ":Bits", LibCperNames = "LibCper.LcArm.Flags")] public partial byte Flags { get; set; }
    /// <summary>Error information (Tables N-18 to N-20; see <see cref="ArmErrorInformation"/>).</summary>
    [Field(8, 8, FieldKind.Hex, ValidBit = 2)] public partial ulong ErrorInformation { get; set; }
    /// <summary>Virtual fault address.</summary>
    [Field(16, 8, FieldKind.Hex, ValidBit = 3, LibCper = "")] public partial ulong VirtualFaultAddress { get; set; }
    /// <summary>Physical fault address.</summary>
    [Field(24, 8, FieldKind.Hex, ValidBit = 4, LibCper = "")] public partial ulong PhysicalFaultAddress { get; set; }

    private static FieldDerivation LengthDerivation { get; } = FieldDerivation.Constant(Size); // N.2.4.4 Table N-17: 32
    private static NameTable MultipleErrorNames { get; } = [new(0, "single error"), new(1, "multiple errors, count unknown")];
    private static FlagTable ErrorFlagNames { get; } = [new(0, "firstErrorCaptured"), new(1, "lastErrorCaptured"), new(2, "propagated"), new(3, "overflow")];

    private ulong Get(FieldDef f) => f.ReadValue(_bytes);
    private void Set(FieldDef f, ulong v) => f.WriteValue(_bytes, v);

    /// <summary>The kind named by <see cref="Type"/> under <paramref name="encoding"/>.</summary>
    public ArmErrorKind KindUnder(ArmErrorTypeEncoding encoding) => DecodeType(Type, encoding);

    /// <summary>Sets <see cref="Type"/> to <paramref name="kind"/> written in <paramref name="encoding"/>.</summary>
    public void SetKind(ArmErrorKind kind, ArmErrorTypeEncoding encoding = ArmErrorTypeEncoding.BitFlags) => Type = EncodeType(kind, encoding);

    /// <summary>The 32 bytes (a copy).</summary>
    public byte[] ToArray() => (byte[])_bytes.Clone();

    internal ReadOnlySpan<byte> Span => _bytes;

    /// <summary>The Type byte for <paramref name="kind"/> in <paramref name="encoding"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not one of the four kinds.</exception>
    public static byte EncodeType(ArmErrorKind kind, ArmErrorTypeEncoding encoding)
    {
        int index = kind switch
        {
            ArmErrorKind.Cache => 0,
            ArmErrorKind.Tlb => 1,
            ArmErrorKind.Bus => 2,
            ArmErrorKind.MicroArchitectural => 3,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only cache, TLB, bus and micro-architectural have a Type value."),
        };
        return encoding switch
        {
            ArmErrorTypeEncoding.Enumeration => (byte)index,
            ArmErrorTypeEncoding.LibCper => (byte)(1 << index),
            _ => (byte)(2 << index),
        };
    }

    /// <summary>The kind a Type byte names under <paramref name="encoding"/>.</summary>
    public static ArmErrorKind DecodeType(byte type, ArmErrorTypeEncoding encoding)
    {
        switch (encoding)
        {
            case ArmErrorTypeEncoding.Enumeration:
                return type switch { 0 => ArmErrorKind.Cache, 1 => ArmErrorKind.Tlb, 2 => ArmErrorKind.Bus, 3 => ArmErrorKind.MicroArchitectural, _ => ArmErrorKind.Unknown };
            case ArmErrorTypeEncoding.LibCper:
                return type switch { 1 => ArmErrorKind.Cache, 2 => ArmErrorKind.Tlb, 4 => ArmErrorKind.Bus, 8 => ArmErrorKind.MicroArchitectural, _ => ArmErrorKind.Unknown };
            default:
                if ((type & 0xE1) != 0 || type == 0) return ArmErrorKind.Unknown; // bit 0 and bits 5-7 are reserved
                return type switch { 0x02 => ArmErrorKind.Cache, 0x04 => ArmErrorKind.Tlb, 0x08 => ArmErrorKind.Bus, 0x10 => ArmErrorKind.MicroArchitectural, _ => ArmErrorKind.Multiple };
        }
    }

    /// <summary>
    /// Picks the encoding of a section's Type bytes: the current specification's bit flags when every value is
    /// valid as bit flags, else the enumeration when every value is 0-3, else libcper's when every value is 1, 2, 4
    /// or 8; bit flags otherwise (unknown values are then shown as numbers). One encoding per section: a writer
    /// uses one.
    /// </summary>
    public static ArmErrorTypeEncoding DetectEncoding(IEnumerable<byte> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return DetectEncoding([.. types]);
    }

    /// <summary><see cref="DetectEncoding(IEnumerable{byte})"/> over Type bytes in a span (the describer's, from the stack).</summary>
    public static ArmErrorTypeEncoding DetectEncoding(ReadOnlySpan<byte> types)
    {
        bool flags = true, enumeration = true, libcper = true;
        foreach (byte t in types)
        {
            flags &= DecodeType(t, ArmErrorTypeEncoding.BitFlags) != ArmErrorKind.Unknown;
            enumeration &= t <= 3;
            libcper &= t is 1 or 2 or 4 or 8;
        }
        return flags ? ArmErrorTypeEncoding.BitFlags : enumeration ? ArmErrorTypeEncoding.Enumeration : libcper ? ArmErrorTypeEncoding.LibCper : ArmErrorTypeEncoding.BitFlags;
    }

    /// <summary>A readable description of an encoding (used in renderings as <c>typeEncoding</c>).</summary>
    public static string Describe(ArmErrorTypeEncoding encoding) => encoding switch
    {
        ArmErrorTypeEncoding.Enumeration => "enumeration 0-3 (cache, TLB, bus, micro-architectural), as edk2 and Windows write it",
        ArmErrorTypeEncoding.LibCper => "libcper 1/2/4/8 (cache, TLB, bus, micro-architectural)",
        _ => "bit flags 0x02/0x04/0x08/0x10 (cache, TLB, bus, micro-architectural), UEFI 2.9A and later",
    };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"ARM error info type 0x{Type:X2}, info 0x{ErrorInformation:X16}");
}

/// <summary>
/// Builds the 64-bit Error Information value of an ARM error-information structure (UEFI 2.10 N.2.4.4,
/// Table N-18 cache, N-19 TLB, N-20 bus). Each argument given sets its field and its validation bit (bits 0-15).
/// </summary>
public static class ArmErrorInformation
{
    /// <summary>Transaction type (bits 16-17): instruction.</summary>
    public const int TransactionInstruction = 0;
    /// <summary>Transaction type: data access.</summary>
    public const int TransactionDataAccess = 1;
    /// <summary>Transaction type: generic.</summary>
    public const int TransactionGeneric = 2;

    /// <summary>A cache error (Table N-18). Operation 0-10: generic error, generic read, generic write, data read, data write, instruction fetch, prefetch, eviction, snooping, snooped, management.</summary>
    public static ulong Cache(int? transactionType = null, int? operation = null, int? level = null, bool? processorContextCorrupt = null,
        bool? corrected = null, bool? precisePc = null, bool? restartablePc = null)
        => Common(transactionType, operation, level, processorContextCorrupt, corrected, precisePc, restartablePc);

    /// <summary>A TLB error (Table N-19). Operation 0-8: generic error, generic read, generic write, data read, data write, instruction fetch, prefetch, local management, external management.</summary>
    public static ulong Tlb(int? transactionType = null, int? operation = null, int? level = null, bool? processorContextCorrupt = null,
        bool? corrected = null, bool? precisePc = null, bool? restartablePc = null)
        => Common(transactionType, operation, level, processorContextCorrupt, corrected, precisePc, restartablePc);

    /// <summary>
    /// A bus error (Table N-20): the cache/TLB fields plus participation type (0 originated request, 1 responded,
    /// 2 observed, 3 generic), time out, address space (0 external memory, 1 internal memory, 2 reserved, 3 device memory; UEFI N.2.4.4),
    /// memory access attributes (9 bits) and access mode (0 secure, 1 normal).
    /// </summary>
    public static ulong Bus(int? transactionType = null, int? operation = null, int? level = null, bool? processorContextCorrupt = null,
        bool? corrected = null, bool? precisePc = null, bool? restartablePc = null, int? participationType = null, bool? timeOut = null,
        int? addressSpace = null, int? memoryAttributes = null, int? accessMode = null)
    {
        ulong v = Common(transactionType, operation, level, processorContextCorrupt, corrected, precisePc, restartablePc);
        Put(ref v, 7, 29, 2, participationType);
        Put(ref v, 8, 31, 1, Bit(timeOut));
        Put(ref v, 9, 32, 2, addressSpace);
        Put(ref v, 10, 34, 9, memoryAttributes);
        Put(ref v, 11, 43, 1, accessMode);
        return v;
    }

    private static ulong Common(int? transactionType, int? operation, int? level, bool? corrupt, bool? corrected, bool? precisePc, bool? restartablePc)
    {
        ulong v = 0;
        Put(ref v, 0, 16, 2, transactionType);
        Put(ref v, 1, 18, 4, operation);
        Put(ref v, 2, 22, 3, level);
        Put(ref v, 3, 25, 1, Bit(corrupt));
        Put(ref v, 4, 26, 1, Bit(corrected));
        Put(ref v, 5, 27, 1, Bit(precisePc));
        Put(ref v, 6, 28, 1, Bit(restartablePc));
        return v;
    }

    private static int? Bit(bool? b) => b is { } x ? (x ? 1 : 0) : null;

    private static void Put(ref ulong v, int validBit, int shift, int width, int? value)
    {
        if (value is not { } x) return;
        ulong mask = (1UL << width) - 1;
        if ((ulong)(uint)x > mask) throw new ArgumentOutOfRangeException(nameof(value), x, $"Field at bit {shift} holds {width} bits.");
        v |= 1UL << validBit | ((ulong)(uint)x & mask) << shift;
    }
}
