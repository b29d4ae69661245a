using ApeiKit.Declarations;

namespace ApeiKit.Cper;

/// <summary>
/// Processor generic error section (UEFI 2.10 N.2.4.1, Table N-15): 192 bytes describing a processor error
/// independently of the architecture. Bytes beyond the layout are kept.
/// </summary>
[Layout(StructureName, Size, "UEFI 2.10 N.2.4.1, Table N-15", ValidationField = nameof(ValidationBits), SectionGuid = "9876ccad-47b4-4bdb-b65e-16f193c4f3db", GuidName = "ProcessorGeneric", DisplayName = "Processor Generic", TrailingLabel = "Trailing bytes")]
[Reserved(14, 2)]
public sealed partial class ProcessorGenericSection : FixedSectionBody
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

    // The declaration (UEFI 2.10 N.2.4.1, Table N-15): one line per field; FieldDef statics, LayoutDef, property
    // bodies and ProcessorGenericSectionView are generated from it.

    /// <summary>Validation bits: bit 0 processor type ... bit 12 instruction IP.</summary>
    [Field(0, 8, FieldKind.Flags)] public partial ulong ValidationBits { get; set; }
    /// <summary>Processor type (see <see cref="ProcessorTypes"/>).</summary>
    [Field(8, 1, FieldKind.Enum, ValidBit = 0, Names = nameof(ProcessorTypes), LibCper = "", LibCperNames = "LibCper.LcFixed.GenericProcessorTypes")] public partial byte ProcessorType { get; set; }
    /// <summary>Processor ISA (see <see cref="ProcessorIsas"/>).</summary>
    [Field(9, 1, FieldKind.Enum, ValidBit = 1, Names = nameof(ProcessorIsas), Label = "Processor ISA", LibCper = "", LibCperNames = "LibCper.LcFixed.GenericIsas")] public partial byte ProcessorIsa { get; set; }
    /// <summary>Processor error type (see <see cref="ErrorTypes"/>).</summary>
    [Field(10, 1, FieldKind.Enum, ValidBit = 2, Names = nameof(ErrorTypes), LibCper = "", LibCperNames = "LibCper.LcFixed.GenericErrorTypes")] public partial byte ErrorType { get; set; }
    /// <summary>Operation (see <see cref="Operations"/>).</summary>
    [Field(11, 1, FieldKind.Enum, ValidBit = 3, Names = nameof(Operations), LibCper = "", LibCperNames = "LibCper.LcFixed.GenericOperations")] public partial byte Operation { get; set; }
    /// <summary>Flags: bit 0 restartable, 1 precise IP, 2 overflow, 3 corrected.</summary>
    [Field(12, 1, FieldKind.Flags, ValidBit = 4, Flags = nameof(s_flags), LibCper = ":Bits", LibCperNames = "LibCper.LcFixed.GenericFlags")] public partial byte Flags { get; set; }
    /// <summary>Cache level.</summary>
    [Field(13, 1, FieldKind.UInt, ValidBit = 5, Label = "Level (cache level of the error)", LibCper = "")] public partial byte Level { get; set; }
    /// <summary>CPU version information (CPUID leaf 1 EAX on x86, MIDR on ARM).</summary>
    [Field(16, 8, FieldKind.Hex, ValidBit = 6, Label = "CPU version info (CPUID/MIDR)", LibCper = "cpuVersionInfo")] public partial ulong CpuVersion { get; set; }
    /// <summary>CPU brand string (128 bytes of ASCII, NUL padded). Setting truncates to 128 bytes and sets validation bit 7.</summary>
    [Field(24, 128, FieldKind.Ascii, ValidBit = 7, Label = "CPU brand string", LibCper = ":Untrusted")] public partial string CpuBrandString { get; set; }
    /// <summary>Processor ID (local APIC ID on x86, MPIDR on ARM).</summary>
    [Field(152, 8, FieldKind.Hex, ValidBit = 8, Label = "Processor ID (APIC ID / MPIDR)", LibCper = "")] public partial ulong ProcessorId { get; set; }
    /// <summary>Target address.</summary>
    [Field(160, 8, FieldKind.Hex, ValidBit = 9, LibCper = "")] public partial ulong TargetAddress { get; set; }
    /// <summary>Requestor ID.</summary>
    [Field(168, 8, FieldKind.Hex, ValidBit = 10, LibCper = "")] public partial ulong RequestorId { get; set; }
    /// <summary>Responder ID.</summary>
    [Field(176, 8, FieldKind.Hex, ValidBit = 11, LibCper = "")] public partial ulong ResponderId { get; set; }
    /// <summary>Instruction IP.</summary>
    [Field(184, 8, FieldKind.Hex, ValidBit = 12, LibCper = "")] public partial ulong InstructionIp { get; set; }
}
