namespace ApeiKit.Cper;

/// <summary>PCI/PCI-X bus error section (UEFI 2.10 N.2.8): 72 bytes. Bytes beyond the layout are kept.</summary>
public sealed class PciBusErrorSection : FixedSectionBody
{
    /// <summary>Layout size.</summary>
    public const int Size = 72;

    /// <summary>Bus error types (N.2.8, Error Type).</summary>
    public static NameTable ErrorTypes { get; } = [
        new(0, "unknown or OEM system specific"), new(1, "data parity error"), new(2, "system error"), new(3, "master abort"), new(4, "bus time out or no device present"),
        new(5, "master data parity error"), new(6, "address parity error"), new(7, "command parity error"),
    ];

    private static readonly FlagTable s_validation = [
        new(0, "errorStatus"), new(1, "errorType"), new(2, "busId"), new(3, "busAddress"), new(4, "busData"), new(5, "busCommand"),
        new(6, "requestorId"), new(7, "completerId"), new(8, "targetId"),
    ];

    /// <summary>Layout (UEFI 2.10 N.2.8, PCI/PCI-X Bus Error Section).</summary>
    public static StructDef LayoutDef { get; } = new("PCI/PCI-X bus error section", Size,
    [
        FieldDef.Flags("validationBits", "Validation bits", 0, 8, s_validation),
        FieldDef.Bits("errorStatus", "Error status", 8, 8, CperNames.ErrorStatusBits, validBit: 0),
        FieldDef.Enum("errorType", "Error type", 16, 2, ErrorTypes, validBit: 1),
        FieldDef.Bits("busId", "Bus ID", 18, 2, [new("busNumber", "Bus number", 0, 8), new("segmentNumber", "Segment number", 8, 8)], validBit: 2),
        FieldDef.Reserved("reserved", 20, 4),
        FieldDef.Hex("busAddress", "Bus address", 24, 8, validBit: 3),
        FieldDef.Hex("busData", "Bus data", 32, 8, validBit: 4),
        FieldDef.Bits("busCommand", "Bus command", 40, 8,
            [new("command", "Command", 0, 56), new("commandType", "Command type", 56, 1, [new(0, "PCI"), new(1, "PCI-X")])], validBit: 5),
        FieldDef.Hex("requestorId", "Bus requestor ID", 48, 8, validBit: 6),
        FieldDef.Hex("completerId", "Bus completer ID", 56, 8, validBit: 7),
        FieldDef.Hex("targetId", "Target ID", 64, 8, validBit: 8),
    ], validationField: "validationBits");

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.PciBus, "PCI/PCI-X Bus", Describe, (b, o) => Decode(b, o));

    /// <summary>A new, zeroed section.</summary>
    public PciBusErrorSection() : base(LayoutDef) { }

    private PciBusErrorSection(ReadOnlySpan<byte> bytes) : base(LayoutDef, bytes) { }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.PciBus;

    /// <summary>Decodes a body of at least 72 bytes.</summary>
    /// <exception cref="ApeiContentException">Fewer than 72 bytes.</exception>
    public static PciBusErrorSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        FixedSections.CheckLength(body, baseOffset, LayoutDef.Name, Size);
        return new PciBusErrorSection(body);
    }

    /// <summary>Describes the body, then any trailing bytes.</summary>
    /// <exception cref="ApeiContentException">Fewer than 72 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor) => FixedSections.Describe(LayoutDef, body, baseOffset, visitor);

    /// <summary>Validation bits.</summary>
    public ulong ValidationBits { get => GetField("validationBits"); set => SetField("validationBits", value); }
    /// <summary>Error type (see <see cref="ErrorTypes"/>).</summary>
    public ushort ErrorType { get => (ushort)GetField("errorType"); set => SetField("errorType", value); }
    /// <summary>Bus ID: bus number in bits 7:0, segment in 15:8.</summary>
    public ushort BusId { get => (ushort)GetField("busId"); set => SetField("busId", value); }
    /// <summary>Bus address.</summary>
    public ulong BusAddress { get => GetField("busAddress"); set => SetField("busAddress", value); }
    /// <summary>Bus data.</summary>
    public ulong BusData { get => GetField("busData"); set => SetField("busData", value); }
    /// <summary>Bus command (bit 56: 0 PCI, 1 PCI-X).</summary>
    public ulong BusCommand { get => GetField("busCommand"); set => SetField("busCommand", value); }
    /// <summary>Bus requestor ID.</summary>
    public ulong RequestorId { get => GetField("requestorId"); set => SetField("requestorId", value); }
    /// <summary>Bus completer ID.</summary>
    public ulong CompleterId { get => GetField("completerId"); set => SetField("completerId", value); }
    /// <summary>Target ID.</summary>
    public ulong TargetId { get => GetField("targetId"); set => SetField("targetId", value); }
}
