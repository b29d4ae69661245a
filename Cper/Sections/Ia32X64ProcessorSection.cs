using System.Buffers.Binary;
using ApeiKit.Declarations;

namespace ApeiKit.Cper;

/// <summary>
/// IA32/X64 processor error section (UEFI 2.10 N.2.4.2): a 64-byte header whose validation bits carry the number of
/// error-information structures (bits 2-7) and context-information structures (bits 8-13), then that many
/// 64-byte error-information structures (N.2.4.2.1) and context-information structures (N.2.4.2.2, 16-byte header
/// and a register array of the size it declares). The section has no length of its own: bytes after the last
/// context structure are kept as <see cref="TrailingBytes"/>, so decode then encode gives the same bytes.
/// </summary>
/// <example>
/// <code>
/// var x86 = new Ia32X64ProcessorSection { LocalApicId = 2 };
/// x86.ErrorInfo.Add(new Ia32X64ErrorInfo(CperGuids.CheckCache, checkInfo: 0x0000_0000_0407_0006) { InstructionPointer = 0xFFFF_8000_1234_0000 });
/// </code>
/// </example>
[Layout(StructureName, HeaderSize, "UEFI 2.10 N.2.4.2, Table N-19", ValidationField = nameof(ValidationBits))]
public sealed partial class Ia32X64ProcessorSection : CperSectionBody
{
    /// <summary>Size of the header.</summary>
    public const int HeaderSize = 64;
    /// <summary>Largest count the 6-bit ERROR_INFO_NUM and CONTEXT_INFO_NUM fields hold.</summary>
    public const int MaxCount = 63;
    internal const string StructureName = "IA32/X64 processor error section";
    private const ulong CountMask = 0x3F;

    private readonly byte[] _header = new byte[HeaderSize];

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.ProcessorIa32X64, "IA32/X64 Processor", Describe, (b, o) => Decode(b, o));

    /// <summary>A new section: header zero, no structures.</summary>
    public Ia32X64ProcessorSection()
    {
    }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.ProcessorIa32X64;

    // The header's declaration (UEFI 2.10 N.2.4.2, Table N-19): one line per field; LayoutDef (HeaderLayout), the XField
    // statics, the property bodies and Ia32X64ProcessorSectionView's header accessors are generated from it. The counted
    // arrays after it are walked by hand over Ia32X64ErrorInfo's and Ia32X64ContextInfo's declarations.

    /// <summary>
    /// Validation bits: 0 local APIC ID valid, 1 CPUID information valid, 2-7 error-information count,
    /// 8-13 context-information count (the counts are rewritten from the lists when encoding).
    /// </summary>
    [Field(0, 8, FieldKind.Bits, Bits = nameof(HeaderValidationBits))] public partial ulong ValidationBits { get; set; }

    /// <summary>Local APIC ID (sets validation bit 0).</summary>
    [Field(8, 8, FieldKind.Hex, ValidBit = 0, Label = "Local APIC ID", LibCper = "localAPICID")] public partial ulong LocalApicId { get; set; }

    // CPUID Info is 48 bytes; firmware and Windows store CPUID leaf 1 as four 32-bit registers (the APIC ID in
    // EBX[31:24] matches Local APIC ID in real captures). libcper writes four 64-bit values instead.
    [Field(16, 4, FieldKind.Hex, ValidBit = 1, ValidationName = "cpuIdInfo", Label = "CPUID.1 EAX")] internal uint CpuIdEax => (uint)Get(CpuIdEaxField);
    [Field(20, 4, FieldKind.Hex, ValidBit = 1, ValidationName = "cpuIdInfo", Label = "CPUID.1 EBX")] internal uint CpuIdEbx => (uint)Get(CpuIdEbxField);
    [Field(24, 4, FieldKind.Hex, ValidBit = 1, ValidationName = "cpuIdInfo", Label = "CPUID.1 ECX")] internal uint CpuIdEcx => (uint)Get(CpuIdEcxField);
    [Field(28, 4, FieldKind.Hex, ValidBit = 1, ValidationName = "cpuIdInfo", Label = "CPUID.1 EDX")] internal uint CpuIdEdx => (uint)Get(CpuIdEdxField);
    [Field(32, 32, FieldKind.Bytes, ValidBit = 1, ValidationName = "cpuIdInfo", Label = "CPUID information, bytes 16-47")]
    internal byte[] CpuIdRest => _header.AsSpan(CpuIdRestField.Offset, CpuIdRestField.Size).ToArray();

    /// <summary>CPUID information, 48 bytes (real captures hold EAX, EBX, ECX, EDX of CPUID leaf 1 as 32-bit values first); setting sets validation bit 1.</summary>
    public byte[] CpuIdInfo
    {
        get => _header.AsSpan(CpuIdEaxField.Offset, CpuIdInfoSize).ToArray();
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Length != CpuIdInfoSize) throw new ArgumentException("CPUID information is 48 bytes.", nameof(value));
            value.CopyTo(_header, CpuIdEaxField.Offset);
            ValidationBits |= 1UL << CpuIdEaxField.ValidBit;
        }
    }

    /// <summary>Bytes of CPUID Info (N.2.4.2): the four CPUID.1 registers and the 32 bytes after them.</summary>
    internal const int CpuIdInfoSize = 48;

    // N.2.4.2 Table N-19: bits 2-7 ERROR_INFO_NUM, bits 8-13 CONTEXT_INFO_NUM; an encoder counts the structures given.
    private static BitFieldDef[] HeaderValidationBits { get; } =
    [
        new("localApicIdValid", "Local APIC ID valid", 0, 1), new("cpuIdInfoValid", "CPUID information valid", 1, 1),
        new("errorInfoNum", "Error information structures", 2, 6) { Derive = FieldDerivation.CountOf("errorInfo") },
        new("contextInfoNum", "Context information structures", 8, 6) { Derive = FieldDerivation.CountOf("contextInfo") },
    ];

    private static int ErrorInfoNumShift => HeaderValidationBits[2].Bit;
    private static int ContextInfoNumShift => HeaderValidationBits[3].Bit;

    /// <summary>Header layout (UEFI 2.10 N.2.4.2), generated from the declaration (<see cref="LayoutDef"/>).</summary>
    public static StructDef HeaderLayout => LayoutDef;

    private ulong Get(FieldDef field) => field.ReadValue(_header);

    // A setter writes the field and sets its validation bit (a value set is a value meant).
    private void Set(FieldDef field, ulong value) => SectionWalk.WriteMarkingValid(_header, field, value, ValidationBitsField);

    /// <summary>Error-information structures (at most 63).</summary>
    public List<Ia32X64ErrorInfo> ErrorInfo { get; } = [];

    /// <summary>Context-information structures (at most 63).</summary>
    public List<Ia32X64ContextInfo> ContextInfo { get; } = [];

    /// <summary>Bytes after the last context structure (kept for round trip; new sections have none).</summary>
    public byte[] TrailingBytes { get; set; } = [];

    /// <inheritdoc/>
    public override int GetEncodedLength()
    {
        long n = HeaderSize + (long)ErrorInfo.Count * Ia32X64ErrorInfo.Size + TrailingBytes.Length;
        foreach (var c in ContextInfo) n += c.EncodedLength;
        return checked((int)n);
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">More than 63 structures of a kind, or a register array over 65535 bytes.</exception>
    public override bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (ErrorInfo.Count > MaxCount || ContextInfo.Count > MaxCount)
            throw new InvalidOperationException("The error-information and context-information counts are 6-bit fields (at most 63).");
        foreach (var c in ContextInfo)
        {
            if (c.RegisterArray.Length > ushort.MaxValue) throw new InvalidOperationException("Register Array Size is a 16-bit field.");
        }
        int total = GetEncodedLength();
        if (destination.Length < total) return false;
        _header.CopyTo(destination);
        ulong valid = ValidationBits & ~((CountMask << ErrorInfoNumShift) | (CountMask << ContextInfoNumShift));
        valid |= (ulong)ErrorInfo.Count << ErrorInfoNumShift | (ulong)ContextInfo.Count << ContextInfoNumShift;
        BinaryPrimitives.WriteUInt64LittleEndian(destination, valid);
        int pos = HeaderSize;
        foreach (var e in ErrorInfo)
        {
            e.Span.CopyTo(destination[pos..]);
            pos += Ia32X64ErrorInfo.Size;
        }
        foreach (var c in ContextInfo) pos += c.WriteTo(destination[pos..]);
        TrailingBytes.CopyTo(destination[pos..]);
        bytesWritten = total;
        return true;
    }

    /// <summary>Decodes the section, checking the counts and every register array size against the body first.</summary>
    /// <param name="body">The section body (the descriptor's SectionLength bytes).</param>
    /// <param name="baseOffset">Absolute offset of the body, for error offsets.</param>
    /// <exception cref="ApeiContentException">
    /// Fewer than 64 bytes; error-information structures that do not fit; a context header or register array that
    /// does not fit in what is left of the body.
    /// </exception>
    public static Ia32X64ProcessorSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        var walk = Walk.Start(body, baseOffset);
        if (walk.CountError is { } e) throw e;
        var section = new Ia32X64ProcessorSection();
        body[..HeaderSize].CopyTo(section._header);
        for (int i = 0; i < walk.ErrorInfoCount; i++)
            section.ErrorInfo.Add(new Ia32X64ErrorInfo(body.Slice(HeaderSize + i * Ia32X64ErrorInfo.Size, Ia32X64ErrorInfo.Size)));
        int pos = walk.ContextStart;
        for (int j = 0; j < walk.ContextCount; j++)
        {
            if (CheckContext(body, pos, j, baseOffset, out int size) is { } bad) throw bad;
            section.ContextInfo.Add(new Ia32X64ContextInfo(body.Slice(pos, Ia32X64ContextInfo.HeaderSize + size)));
            pos += Ia32X64ContextInfo.HeaderSize + size;
        }
        section.TrailingBytes = body[pos..].ToArray();
        return section;
    }

    /// <summary>The header checks shared by the decoder and the describer.</summary>
    private readonly ref struct Walk
    {
        public int ErrorInfoCount { get; init; }
        public int ContextCount { get; init; }
        public int ContextStart => HeaderSize + ErrorInfoCount * Ia32X64ErrorInfo.Size;
        public ApeiContentException? CountError { get; init; }

        public static Walk Start(ReadOnlySpan<byte> body, long baseOffset)
        {
            if (body.Length < HeaderSize) ThrowHelper.ThrowTruncated(StructureName, baseOffset, HeaderSize, body.Length);
            if (Measure(body, out int infoNum, out int fits, out int contextNum))
                return new Walk { ErrorInfoCount = infoNum, ContextCount = contextNum };
            int room = body.Length - HeaderSize;
            return new Walk
            {
                ErrorInfoCount = fits,
                CountError = new ApeiContentException(StructureName, "ValidationBits.ErrorInfoNum", baseOffset,
                    FormattableString.Invariant($"at most {fits} error-information structures of 64 bytes in the {room} bytes after the header"), FormattableString.Invariant($"{infoNum}")),
            };
        }
    }

    /// <summary>
    /// The counts in the validation bits (UEFI 2.10 N.2.4.2, bits 2-7 and 8-13) against the body, which holds the whole
    /// header: false when ERROR_INFO_NUM structures do not fit (<paramref name="fits"/> is how many do; no context count
    /// is trusted then). Allocates nothing: the view walks with it too.
    /// </summary>
    internal static bool Measure(ReadOnlySpan<byte> body, out int infoNum, out int fits, out int contextNum)
    {
        ulong valid = ValidationBitsField.ReadValue(body);
        infoNum = (int)(valid >> ErrorInfoNumShift & CountMask);
        contextNum = (int)(valid >> ContextInfoNumShift & CountMask);
        int room = body.Length - HeaderSize;
        fits = Math.Min(infoNum, room / Ia32X64ErrorInfo.Size);
        if (fits == infoNum) return true;
        contextNum = 0;
        return false;
    }

    /// <summary>The register array size of the context structure at <paramref name="pos"/>, when its header and array fit in the body.</summary>
    internal static bool TryMeasureContext(ReadOnlySpan<byte> body, int pos, out int size)
    {
        size = 0;
        int left = body.Length - pos;
        if (left < Ia32X64ContextInfo.HeaderSize) return false;
        int declared = (int)Ia32X64ContextInfo.RegisterArraySizeField.ReadValue(body[pos..]);
        if (declared > left - Ia32X64ContextInfo.HeaderSize) return false;
        size = declared;
        return true;
    }

    private static ApeiContentException? CheckContext(ReadOnlySpan<byte> body, int pos, int index, long baseOffset, out int size)
    {
        if (TryMeasureContext(body, pos, out size)) return null;
        string name = FormattableString.Invariant($"IA32/X64 context information #{index}");
        int left = body.Length - pos;
        if (left < Ia32X64ContextInfo.HeaderSize)
            return ApeiContentException.Truncated(name, baseOffset + pos, Ia32X64ContextInfo.HeaderSize, left);
        ushort declared = (ushort)Ia32X64ContextInfo.RegisterArraySizeField.ReadValue(body[pos..]);
        int room = left - Ia32X64ContextInfo.HeaderSize;
        if (declared > room)
        {
            return new ApeiContentException(name, "RegisterArraySize", baseOffset + pos + Ia32X64ContextInfo.RegisterArraySizeField.Offset,
                FormattableString.Invariant($"at most {room} bytes (left in the section)"), FormattableString.Invariant($"{declared} bytes"));
        }
        return null; // not reached: TryMeasureContext said it does not fit
    }
}

/// <summary>
/// One IA32/X64 processor error-information structure (UEFI 2.10 N.2.4.2.1): 64 bytes, an error type GUID
/// (cache, TLB, bus or micro-architecture check, <see cref="CperGuids.CheckCache"/> and neighbours), validation
/// bits, the check information whose bit fields depend on the type, and four identifiers.
/// </summary>
[Layout("IA32/X64 error information", Size, "UEFI 2.10 N.2.4.2.1, Table N-20", ValidationField = nameof(ValidationBits))]
public sealed partial class Ia32X64ErrorInfo
{
    /// <summary>Size of the structure.</summary>
    public const int Size = 64;

    private readonly byte[] _bytes = new byte[Size];

    /// <summary>A new structure of <paramref name="errorType"/> with check information (sets validation bit 0).</summary>
    public Ia32X64ErrorInfo(Guid errorType, ulong checkInfo)
    {
        ErrorType = errorType;
        CheckInfo = checkInfo;
    }

    internal Ia32X64ErrorInfo(ReadOnlySpan<byte> bytes) => bytes.CopyTo(_bytes);

    internal ReadOnlySpan<byte> Span => _bytes;

    // The declaration (UEFI 2.10 N.2.4.2.1, Table N-20): one line per field; LayoutDef (Ia32X64ProcessorSection.ErrorInfoLayout),
    // the XField statics, the property bodies and Ia32X64ErrorInfoView are generated from it. A setter sets the field's
    // validation bit. The check information is shown by the error type: its variants are CheckInfoField with the
    // type's bit fields (Ia32X64ProcessorSection.CheckInfoField).

    /// <summary>Error structure type GUID.</summary>
    [Field(0, 16, FieldKind.Guid, Guids = "CperGuids.ProcessorCheckName", Label = "Error type")]
    public Guid ErrorType
    {
        get => new(_bytes.AsSpan(ErrorTypeField.Offset, ErrorTypeField.Size));
        set => value.TryWriteBytes(_bytes.AsSpan(ErrorTypeField.Offset, ErrorTypeField.Size));
    }

    /// <summary>Validation bits: 0 check info, 1 target ID, 2 requestor ID, 3 responder ID, 4 instruction pointer.</summary>
    [Field(16, 8, FieldKind.Flags)] public partial ulong ValidationBits { get; set; }
    /// <summary>Check information (bit fields per the error type; sets validation bit 0).</summary>
    [Field(24, 8, FieldKind.Hex, ValidBit = 0, Label = "Check information")] public partial ulong CheckInfo { get; set; }
    /// <summary>Target address identifier (sets validation bit 1).</summary>
    [Field(32, 8, FieldKind.Hex, ValidBit = 1, Label = "Target address ID", LibCper = "targetAddressID")] public partial ulong TargetId { get; set; }
    /// <summary>Requestor identifier (sets validation bit 2).</summary>
    [Field(40, 8, FieldKind.Hex, ValidBit = 2, Label = "Requestor ID", LibCper = "")] public partial ulong RequestorId { get; set; }
    /// <summary>Responder identifier (sets validation bit 3).</summary>
    [Field(48, 8, FieldKind.Hex, ValidBit = 3, Label = "Responder ID", LibCper = "")] public partial ulong ResponderId { get; set; }
    /// <summary>Instruction pointer (sets validation bit 4).</summary>
    [Field(56, 8, FieldKind.Hex, ValidBit = 4, Label = "Instruction pointer", LibCper = "")] public partial ulong InstructionPointer { get; set; }

    private ulong Get(FieldDef f) => f.ReadValue(_bytes);

    private void Set(FieldDef f, ulong value) => SectionWalk.WriteMarkingValid(_bytes, f, value, ValidationBitsField);
}

/// <summary>Register context types of IA32/X64 context-information structures (UEFI 2.10 N.2.4.2.2).</summary>
public enum Ia32X64RegisterContextType : ushort
{
    /// <summary>Unclassified data.</summary>
    Unclassified = 0,
    /// <summary>MSR registers: 64-bit values of consecutive MSRs starting at the MSR address.</summary>
    Msr = 1,
    /// <summary>32-bit mode execution context (IA32 register state, 92 bytes).</summary>
    Ia32Context = 2,
    /// <summary>64-bit mode execution context (x64 register state, 244 bytes).</summary>
    X64Context = 3,
    /// <summary>FXSAVE context (512 bytes).</summary>
    FxSave = 4,
    /// <summary>32-bit debug registers DR0-DR7.</summary>
    Debug32 = 5,
    /// <summary>64-bit debug registers DR0-DR7.</summary>
    Debug64 = 6,
    /// <summary>Memory-mapped registers starting at the MM register address.</summary>
    MemoryMapped = 7,
}

/// <summary>
/// One IA32/X64 context-information structure (UEFI 2.10 N.2.4.2.2): register context type, register array size,
/// MSR address, memory-mapped register address and the register array. The array size written is the array's length.
/// </summary>
[Layout("IA32/X64 context information", HeaderSize, "UEFI 2.10 N.2.4.2.2, Table N-24")]
public sealed partial class Ia32X64ContextInfo
{
    /// <summary>Size of the header before the register array.</summary>
    public const int HeaderSize = 16;

    /// <summary>A new structure of <paramref name="type"/> with a zeroed register array of the type's size (empty when the size is not fixed).</summary>
    public Ia32X64ContextInfo(Ia32X64RegisterContextType type)
    {
        RegisterContextType = (ushort)type;
        RegisterArray = new byte[Ia32X64ProcessorSection.RegisterLayout((ushort)type)?.Size ?? 0];
    }

    /// <summary>A new structure with an explicit register array.</summary>
    public Ia32X64ContextInfo(ushort registerContextType, byte[] registerArray)
    {
        RegisterContextType = registerContextType;
        RegisterArray = registerArray ?? throw new ArgumentNullException(nameof(registerArray));
    }

    internal Ia32X64ContextInfo(ReadOnlySpan<byte> bytes)
    {
        RegisterContextType = (ushort)RegisterContextTypeField.ReadValue(bytes);
        MsrAddress = (uint)MsrAddressField.ReadValue(bytes);
        MmRegisterAddress = MmRegisterAddressField.ReadValue(bytes);
        RegisterArray = bytes[HeaderSize..].ToArray();
    }

    // The header's declaration (UEFI 2.10 N.2.4.2.2, Table N-24): LayoutDef (Ia32X64ProcessorSection.ContextHeaderLayout),
    // the XField statics and Ia32X64ContextInfoView are generated from it. The model keeps the header as values (the
    // array size is the array's length), so its accessors are written here.

    /// <summary>Register context type (see <see cref="Ia32X64RegisterContextType"/>).</summary>
    [Field(0, 2, FieldKind.Enum, Names = nameof(RegisterContextTypeNames), LibCper = "", LibCperNames = "LibCper.LcIa32X64.ContextTypes")] public ushort RegisterContextType { get; set; }
    // N.2.4.2.2 Table N-24: Register Array Size, the bytes of the register array that follows; derived from the array
    // given (hex bytes, the named registers of the type's layout, or MSR values of 8 bytes each).
    [Field(2, 2, FieldKind.UInt, Unit = "bytes", Derive = nameof(RegisterArraySizeDerivation), LibCper = "")]
    internal ushort RegisterArraySize => (ushort)RegisterArray.Length;
    /// <summary>MSR address (the first MSR of an MSR context).</summary>
    [Field(4, 4, FieldKind.Hex, Label = "MSR address", LibCper = "")] public uint MsrAddress { get; set; }
    /// <summary>Memory-mapped register address (for memory-mapped register contexts).</summary>
    [Field(8, 8, FieldKind.Hex, Label = "Memory-mapped register address", LibCper = "")] public ulong MmRegisterAddress { get; set; }

    /// <summary>Register context type names (N.2.4.2.2).</summary>
    internal static NameTable RegisterContextTypeNames { get; } = [
        new(0, "unclassified data"), new(1, "MSR registers"), new(2, "32-bit mode execution context"), new(3, "64-bit mode execution context"),
        new(4, "FXSAVE context"), new(5, "32-bit debug registers (DR0-DR7)"), new(6, "64-bit debug registers (DR0-DR7)"), new(7, "memory-mapped registers"),
    ];

    // Evaluated in the generated static constructor, after RegisterContextTypeField (offset 0) is assigned.
    private static FieldDerivation RegisterArraySizeDerivation
        => FieldDerivation.LengthOf(RegisterContextTypeField,
            t => t == (ulong)Ia32X64RegisterContextType.Msr ? Ia32X64ProcessorSection.MsrElement : t <= ushort.MaxValue ? Ia32X64ProcessorSection.RegisterLayout((ushort)t) : null,
            "registerArray", "registers");
    /// <summary>The register array (its length is written as Register Array Size).</summary>
    public byte[] RegisterArray { get; set; }

    /// <summary>Bytes this structure encodes to.</summary>
    public int EncodedLength => HeaderSize + RegisterArray.Length;

    /// <summary>Reads a named register ("RIP", "CR3", "DR7" or the JSON name) of a 32/64-bit context or debug type.</summary>
    /// <exception cref="ArgumentException">No such register, or the array is not the type's size.</exception>
    public ulong GetRegister(string name) => FindRegister(name).ReadValue(RegisterArray);

    /// <summary>Writes a named register of a 32/64-bit context or debug type.</summary>
    /// <exception cref="ArgumentException">No such register, or the array is not the type's size.</exception>
    public void SetRegister(string name, ulong value) => FindRegister(name).WriteValue(RegisterArray, value);

    private FieldDef FindRegister(string name)
        => SectionWalk.FindRegister(Ia32X64ProcessorSection.RegisterLayout(RegisterContextType), RegisterContextType, RegisterArray.Length, name);

    internal int WriteTo(Span<byte> destination)
    {
        RegisterContextTypeField.WriteValue(destination, RegisterContextType);
        RegisterArraySizeField.WriteValue(destination, RegisterArraySize);
        MsrAddressField.WriteValue(destination, MsrAddress);
        MmRegisterAddressField.WriteValue(destination, MmRegisterAddress);
        RegisterArray.CopyTo(destination[HeaderSize..]);
        return EncodedLength;
    }
}
