using ApeiKit.Declarations;

namespace ApeiKit.Cper;

/// <summary>PCI/PCI-X bus error section (UEFI 2.10 N.2.8): 72 bytes. Bytes beyond the layout are kept.</summary>
[Layout("PCI/PCI-X bus error section", Size, "UEFI 2.10 N.2.8", ValidationField = nameof(ValidationBits), SectionGuid = "c5753963-3b84-4095-bf78-eddad3f9c9dd", GuidName = "PciBus", DisplayName = "PCI/PCI-X Bus")]
[Reserved(20, 4)]
public sealed partial class PciBusErrorSection : FixedSectionBody
{
    /// <summary>Layout size.</summary>
    public const int Size = 72;

    /// <summary>Bus error types (N.2.8, Error Type).</summary>
    public static NameTable ErrorTypes { get; } = [
        new(0, "unknown or OEM system specific"), new(1, "data parity error"), new(2, "system error"), new(3, "master abort"), new(4, "bus time out or no device present"),
        new(5, "master data parity error"), new(6, "address parity error"), new(7, "command parity error"),
    ];

    private static readonly NameTable s_commandTypes = [new(0, "PCI"), new(1, "PCI-X")];

    // The declaration (UEFI 2.10 N.2.8): one line per field; FieldDef statics, LayoutDef, property bodies and
    // PciBusErrorSectionView are generated from it.

    /// <summary>Validation bits.</summary>
    [Field(0, 8, FieldKind.Flags)] public partial ulong ValidationBits { get; set; }
    /// <summary>Error status (UEFI N "Error Status Fields").</summary>
    [Field(8, 8, FieldKind.Bits, ValidBit = 0, Bits = "CperNames.ErrorStatusBits", LibCper = ":Status")] public partial ulong ErrorStatus { get; set; }
    /// <summary>Error type (see <see cref="ErrorTypes"/>).</summary>
    [Field(16, 2, FieldKind.Enum, ValidBit = 1, Names = nameof(ErrorTypes), LibCper = "", LibCperNames = "LibCper.LcFixed.PciBusErrorTypes")] public partial ushort ErrorType { get; set; }
    /// <summary>Bus ID: bus number in bits 7:0, segment in 15:8.</summary>
    [Field(18, 2, FieldKind.Bits, ValidBit = 2, LibCperObject = "busID")]
    [Bit("busNumber", 0, 8, LibCper = "")]
    [Bit("segmentNumber", 8, 8, LibCper = "")]
    public partial ushort BusId { get; set; }
    /// <summary>Bus address.</summary>
    [Field(24, 8, FieldKind.Hex, ValidBit = 3, LibCper = "")] public partial ulong BusAddress { get; set; }
    /// <summary>Bus data.</summary>
    [Field(32, 8, FieldKind.Hex, ValidBit = 4, LibCper = "")] public partial ulong BusData { get; set; }
    /// <summary>Bus command (bit 56: 0 PCI, 1 PCI-X).</summary>
    [Field(40, 8, FieldKind.Bits, ValidBit = 5)]
    [Bit("command", 0, 56)]
    [Bit("commandType", 56, 1, Names = nameof(s_commandTypes), LibCper = "busCommandType:Name")]
    public partial ulong BusCommand { get; set; }
    /// <summary>Bus requestor ID.</summary>
    [Field(48, 8, FieldKind.Hex, ValidBit = 6, Label = "Bus requestor ID", LibCper = "busRequestorID; busRequestorIDHex:Hex")] public partial ulong RequestorId { get; set; }
    /// <summary>Bus completer ID.</summary>
    [Field(56, 8, FieldKind.Hex, ValidBit = 7, Label = "Bus completer ID", LibCper = "busCompleterID; busCompleterIDHex:Hex")] public partial ulong CompleterId { get; set; }
    /// <summary>Target ID.</summary>
    [Field(64, 8, FieldKind.Hex, ValidBit = 8, LibCper = "")] public partial ulong TargetId { get; set; }
}
