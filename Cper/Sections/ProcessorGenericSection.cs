namespace ApeiKit.Cper;

/// <summary>
/// Processor generic error section (UEFI 2.10 N.2.4.1, Table N-15): 192 bytes describing a processor error
/// independently of the architecture. Bytes beyond the layout are kept.
/// </summary>
public sealed class ProcessorGenericSection : FixedSectionBody
{
    /// <summary>Layout size.</summary>
    public const int Size = 192;
    private const string StructureName = "Processor generic error section";

    /// <summary>Processor Type (N.2.4.1).</summary>
    public static NameTable ProcessorTypes { get; } = [new(0, "IA32/X64"), new(1, "IA64"), new(2, "ARM")];

    /// <summary>Processor ISA (N.2.4.1).</summary>
    public static NameTable ProcessorIsas { get; } = [new(0, "IA32"), new(1, "IA64"), new(2, "X64"), new(3, "ARM A32/T32"), new(4, "ARM A64")];

    /// <summary>Processor Error Type (N.2.4.1).</summary>
    public static NameTable ErrorTypes { get; } = [
        new(0x00, "unknown"), new(0x01, "cache error"), new(0x02, "TLB error"), new(0x04, "bus error"), new(0x08, "micro-architectural error"),
    ];

    /// <summary>Operation (N.2.4.1).</summary>
    public static NameTable Operations { get; } = [
        new(0, "unknown or generic"), new(1, "data read"), new(2, "data write"), new(3, "instruction execution"),
    ];

    private static readonly FlagTable s_flags = [new(0, "restartable"), new(1, "preciseIp"), new(2, "overflow"), new(3, "corrected")];

    private static readonly FlagTable s_validation = [
        new(0, "processorType"), new(1, "processorIsa"), new(2, "errorType"), new(3, "operation"), new(4, "flags"), new(5, "level"),
        new(6, "cpuVersion"), new(7, "cpuBrandString"), new(8, "processorId"), new(9, "targetAddress"), new(10, "requestorId"),
        new(11, "responderId"), new(12, "instructionIp"),
    ];

    private static readonly FieldDef s_validationBits = FieldDef.Flags("validationBits", "Validation bits", 0, 8, s_validation);
    private static readonly FieldDef s_processorType = FieldDef.Enum("processorType", "Processor type", 8, 1, ProcessorTypes, validBit: 0);
    private static readonly FieldDef s_isa = FieldDef.Enum("processorIsa", "Processor ISA", 9, 1, ProcessorIsas, validBit: 1);
    private static readonly FieldDef s_errorType = FieldDef.Enum("errorType", "Error type", 10, 1, ErrorTypes, validBit: 2);
    private static readonly FieldDef s_operation = FieldDef.Enum("operation", "Operation", 11, 1, Operations, validBit: 3);
    private static readonly FieldDef s_flagsField = FieldDef.Flags("flags", "Flags", 12, 1, s_flags, validBit: 4);
    private static readonly FieldDef s_level = FieldDef.UInt("level", "Level (cache level of the error)", 13, 1, validBit: 5);
    private static readonly FieldDef s_reserved = FieldDef.Reserved("reserved", 14, 2);
    private static readonly FieldDef s_cpuVersion = FieldDef.Hex("cpuVersion", "CPU version info (CPUID/MIDR)", 16, 8, validBit: 6);
    private static readonly FieldDef s_brand = FieldDef.Ascii("cpuBrandString", "CPU brand string", 24, 128, validBit: 7);
    private static readonly FieldDef s_processorId = FieldDef.Hex("processorId", "Processor ID (APIC ID / MPIDR)", 152, 8, validBit: 8);
    private static readonly FieldDef s_target = FieldDef.Hex("targetAddress", "Target address", 160, 8, validBit: 9);
    private static readonly FieldDef s_requestor = FieldDef.Hex("requestorId", "Requestor ID", 168, 8, validBit: 10);
    private static readonly FieldDef s_responder = FieldDef.Hex("responderId", "Responder ID", 176, 8, validBit: 11);
    private static readonly FieldDef s_ip = FieldDef.Hex("instructionIp", "Instruction IP", 184, 8, validBit: 12);

    /// <summary>Layout (UEFI 2.10 Table N-15).</summary>
    public static StructDef LayoutDef { get; } = new(StructureName, Size,
    [
        s_validationBits, s_processorType, s_isa, s_errorType, s_operation, s_flagsField, s_level, s_reserved,
        s_cpuVersion, s_brand, s_processorId, s_target, s_requestor, s_responder, s_ip,
    ], validationField: "validationBits");

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.ProcessorGeneric, "Processor Generic", Describe, (b, o) => Decode(b, o));

    /// <summary>A new, zeroed 192-byte section.</summary>
    public ProcessorGenericSection() : base(LayoutDef) { }

    private ProcessorGenericSection(ReadOnlySpan<byte> bytes) : base(LayoutDef, bytes) { }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.ProcessorGeneric;

    /// <summary>Decodes a body of at least 192 bytes (trailing bytes are kept).</summary>
    /// <exception cref="ApeiContentException">Fewer than 192 bytes.</exception>
    public static ProcessorGenericSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        CheckLength(body, baseOffset);
        return new ProcessorGenericSection(body);
    }

    /// <summary>Describes the body: the 192-byte layout, then any trailing bytes.</summary>
    /// <exception cref="ApeiContentException">Fewer than 192 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        CheckLength(body, baseOffset);
        LayoutDef.Describe(body[..Size], baseOffset, visitor);
        if (body.Length > Size) visitor.Data("trailingBytes", "Trailing bytes", baseOffset + Size, body[Size..]);
    }

    private static void CheckLength(ReadOnlySpan<byte> body, long baseOffset)
    {
        if (body.Length < Size) ThrowHelper.ThrowTruncated(StructureName, baseOffset, Size, body.Length);
    }

    /// <summary>Validation bits: bit 0 processor type ... bit 12 instruction IP.</summary>
    public ulong ValidationBits { get => Get(s_validationBits); set => Set(s_validationBits, value); }
    /// <summary>Processor type (see <see cref="ProcessorTypes"/>).</summary>
    public byte ProcessorType { get => (byte)Get(s_processorType); set => Set(s_processorType, value); }
    /// <summary>Processor ISA (see <see cref="ProcessorIsas"/>).</summary>
    public byte ProcessorIsa { get => (byte)Get(s_isa); set => Set(s_isa, value); }
    /// <summary>Processor error type (see <see cref="ErrorTypes"/>).</summary>
    public byte ErrorType { get => (byte)Get(s_errorType); set => Set(s_errorType, value); }
    /// <summary>Operation (see <see cref="Operations"/>).</summary>
    public byte Operation { get => (byte)Get(s_operation); set => Set(s_operation, value); }
    /// <summary>Flags: bit 0 restartable, 1 precise IP, 2 overflow, 3 corrected.</summary>
    public byte Flags { get => (byte)Get(s_flagsField); set => Set(s_flagsField, value); }
    /// <summary>Cache level.</summary>
    public byte Level { get => (byte)Get(s_level); set => Set(s_level, value); }
    /// <summary>CPU version information (CPUID leaf 1 EAX on x86, MIDR on ARM).</summary>
    public ulong CpuVersion { get => Get(s_cpuVersion); set => Set(s_cpuVersion, value); }
    /// <summary>Processor ID (local APIC ID on x86, MPIDR on ARM).</summary>
    public ulong ProcessorId { get => Get(s_processorId); set => Set(s_processorId, value); }
    /// <summary>Target address.</summary>
    public ulong TargetAddress { get => Get(s_target); set => Set(s_target, value); }
    /// <summary>Requestor ID.</summary>
    public ulong RequestorId { get => Get(s_requestor); set => Set(s_requestor, value); }
    /// <summary>Responder ID.</summary>
    public ulong ResponderId { get => Get(s_responder); set => Set(s_responder, value); }
    /// <summary>Instruction IP.</summary>
    public ulong InstructionIp { get => Get(s_ip); set => Set(s_ip, value); }

    /// <summary>CPU brand string (128 bytes of ASCII, NUL padded). Setting truncates to 128 bytes.</summary>
    public string CpuBrandString
    {
        get => AsciiField.Decode(Bytes.AsSpan(s_brand.Offset, s_brand.Size));
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            var dst = Bytes.AsSpan(s_brand.Offset, s_brand.Size);
            dst.Clear();
            for (int i = 0; i < value.Length && i < dst.Length; i++) dst[i] = value[i] < 0x80 ? (byte)value[i] : (byte)'?';
        }
    }
}
