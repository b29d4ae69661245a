namespace ApeiKit.Cper;

/// <summary>
/// Memory error section 2 (UEFI 2.10 N.2.6): 96 bytes. Unlike the platform memory error section (N.2.5) the device,
/// row, column, rank and bit position are 32-bit, chip identification and the memory error type have bytes of their
/// own, a Status byte follows, and the card and module SMBIOS handles are 32-bit. Bytes beyond the layout are kept.
/// </summary>
public sealed class MemoryError2Section : FixedSectionBody
{
    /// <summary>Layout size.</summary>
    public const int Size = 96;
    private const string StructureName = "Memory error section 2";

    private static readonly FlagTable s_validation = [
        new(0, "errorStatus"), new(1, "physicalAddress"), new(2, "physicalAddressMask"), new(3, "node"), new(4, "card"), new(5, "module"),
        new(6, "bank"), new(7, "device"), new(8, "row"), new(9, "column"), new(10, "rank"), new(11, "bitPosition"), new(12, "chipId"),
        new(13, "memoryErrorType"), new(14, "status"), new(15, "requestorId"), new(16, "responderId"), new(17, "targetId"),
        new(18, "cardHandle"), new(19, "moduleHandle"), new(20, "bankGroup"), new(21, "bankAddress"),
    ];

    /// <summary>Validation bits (UEFI 2.10 N.2.6): byte offset 0, 8 bytes: which fields hold meaning.</summary>
    public static readonly FieldDef ValidationBitsField = FieldDef.Flags("validationBits", "Validation bits", 0, 8, s_validation);
    /// <summary>Error status (UEFI 2.10 N.2.6): byte offset 8, 8 bytes, valid with validation bit 0.</summary>
    public static readonly FieldDef ErrorStatusField = FieldDef.Bits("errorStatus", "Error status", 8, 8, CperNames.ErrorStatusBits, validBit: 0);
    /// <summary>Physical address (UEFI 2.10 N.2.6): byte offset 16, 8 bytes, valid with validation bit 1.</summary>
    public static readonly FieldDef PhysicalAddressField = FieldDef.Hex("physicalAddress", "Physical address", 16, 8, validBit: 1);
    /// <summary>Physical address mask (UEFI 2.10 N.2.6): byte offset 24, 8 bytes, valid with validation bit 2.</summary>
    public static readonly FieldDef PhysicalAddressMaskField = FieldDef.Hex("physicalAddressMask", "Physical address mask", 24, 8, validBit: 2);
    /// <summary>Node (UEFI 2.10 N.2.6): byte offset 32, 2 bytes, valid with validation bit 3.</summary>
    public static readonly FieldDef NodeField = FieldDef.UInt("node", "Node", 32, 2, validBit: 3);
    /// <summary>Card (UEFI 2.10 N.2.6): byte offset 34, 2 bytes, valid with validation bit 4.</summary>
    public static readonly FieldDef CardField = FieldDef.UInt("card", "Card", 34, 2, validBit: 4);
    /// <summary>Module (UEFI 2.10 N.2.6): byte offset 36, 2 bytes, valid with validation bit 5.</summary>
    public static readonly FieldDef ModuleField = FieldDef.UInt("module", "Module", 36, 2, validBit: 5);
    /// <summary>Bank (UEFI 2.10 N.2.6): byte offset 38, 2 bytes, valid with validation bit 6.</summary>
    public static readonly FieldDef BankField = FieldDef.Bits("bank", "Bank", 38, 2,
        [new("bankAddress", "Bank address", 0, 8, ValidBit: 21), new("bankGroup", "Bank group", 8, 8, ValidBit: 20)], validBit: 6);
    /// <summary>Device (UEFI 2.10 N.2.6): byte offset 40, 4 bytes, valid with validation bit 7.</summary>
    public static readonly FieldDef DeviceField = FieldDef.UInt("device", "Device", 40, 4, validBit: 7);
    /// <summary>Row (UEFI 2.10 N.2.6): byte offset 44, 4 bytes, valid with validation bit 8.</summary>
    public static readonly FieldDef RowField = FieldDef.UInt("row", "Row", 44, 4, validBit: 8);
    /// <summary>Column (UEFI 2.10 N.2.6): byte offset 48, 4 bytes, valid with validation bit 9.</summary>
    public static readonly FieldDef ColumnField = FieldDef.UInt("column", "Column", 48, 4, validBit: 9);
    /// <summary>Rank (UEFI 2.10 N.2.6): byte offset 52, 4 bytes, valid with validation bit 10.</summary>
    public static readonly FieldDef RankField = FieldDef.UInt("rank", "Rank", 52, 4, validBit: 10);
    /// <summary>Bit position (UEFI 2.10 N.2.6): byte offset 56, 4 bytes, valid with validation bit 11.</summary>
    public static readonly FieldDef BitPositionField = FieldDef.UInt("bitPosition", "Bit position", 56, 4, validBit: 11);
    /// <summary>Chip identification (UEFI 2.10 N.2.6): byte offset 60, 1 byte, valid with validation bit 12.</summary>
    public static readonly FieldDef ChipIdField = FieldDef.UInt("chipId", "Chip identification", 60, 1, validBit: 12);
    /// <summary>Memory error type (UEFI 2.10 N.2.6): byte offset 61, 1 byte, valid with validation bit 13.</summary>
    public static readonly FieldDef MemoryErrorTypeField = FieldDef.Enum("memoryErrorType", "Memory error type", 61, 1, MemoryErrorSection.MemoryErrorTypes, validBit: 13);
    /// <summary>Status (UEFI 2.10 N.2.6): byte offset 62, 1 byte, valid with validation bit 14.</summary>
    public static readonly FieldDef StatusField = FieldDef.Hex("status", "Status", 62, 1, validBit: 14);
    /// <summary>Requestor ID (UEFI 2.10 N.2.6): byte offset 64, 8 bytes, valid with validation bit 15.</summary>
    public static readonly FieldDef RequestorIdField = FieldDef.Hex("requestorId", "Requestor ID", 64, 8, validBit: 15);
    /// <summary>Responder ID (UEFI 2.10 N.2.6): byte offset 72, 8 bytes, valid with validation bit 16.</summary>
    public static readonly FieldDef ResponderIdField = FieldDef.Hex("responderId", "Responder ID", 72, 8, validBit: 16);
    /// <summary>Target ID (UEFI 2.10 N.2.6): byte offset 80, 8 bytes, valid with validation bit 17.</summary>
    public static readonly FieldDef TargetIdField = FieldDef.Hex("targetId", "Target ID", 80, 8, validBit: 17);
    /// <summary>Card handle (SMBIOS type 16) (UEFI 2.10 N.2.6): byte offset 88, 4 bytes, valid with validation bit 18.</summary>
    public static readonly FieldDef CardHandleField = FieldDef.Hex("cardHandle", "Card handle (SMBIOS type 16)", 88, 4, validBit: 18);
    /// <summary>Module handle (SMBIOS type 17) (UEFI 2.10 N.2.6): byte offset 92, 4 bytes, valid with validation bit 19.</summary>
    public static readonly FieldDef ModuleHandleField = FieldDef.Hex("moduleHandle", "Module handle (SMBIOS type 17)", 92, 4, validBit: 19);

    /// <summary>Layout (UEFI 2.10 N.2.6, Memory Error Section 2).</summary>
    public static StructDef LayoutDef { get; } = new(StructureName, Size,
    [
        ValidationBitsField, ErrorStatusField, PhysicalAddressField, PhysicalAddressMaskField, NodeField, CardField, ModuleField, BankField,
        DeviceField, RowField, ColumnField, RankField, BitPositionField, ChipIdField, MemoryErrorTypeField, StatusField,
        FieldDef.Reserved("reserved", 63, 1), RequestorIdField, ResponderIdField, TargetIdField, CardHandleField, ModuleHandleField,
    ], validationField: "validationBits");

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.PlatformMemory2, "Platform Memory 2", Describe, (b, o) => Decode(b, o));

    /// <summary>A new, zeroed 96-byte section.</summary>
    public MemoryError2Section() : base(LayoutDef) { }

    private MemoryError2Section(ReadOnlySpan<byte> bytes) : base(LayoutDef, bytes) { }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.PlatformMemory2;

    /// <summary>Decodes a body of at least 96 bytes.</summary>
    /// <exception cref="ApeiContentException">Fewer than 96 bytes.</exception>
    public static MemoryError2Section Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        FixedSections.CheckLength(body, baseOffset, StructureName, Size);
        return new MemoryError2Section(body);
    }

    /// <summary>Describes the body, then any trailing bytes.</summary>
    /// <exception cref="ApeiContentException">Fewer than 96 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
        => FixedSections.Describe(LayoutDef, body, baseOffset, visitor);

    /// <summary>Validation bits.</summary>
    public ulong ValidationBits { get => Get(ValidationBitsField); set => Set(ValidationBitsField, value); }
    /// <summary>Error status.</summary>
    public ulong ErrorStatus { get => Get(ErrorStatusField); set => Set(ErrorStatusField, value); }
    /// <summary>Physical address.</summary>
    public ulong PhysicalAddress { get => Get(PhysicalAddressField); set => Set(PhysicalAddressField, value); }
    /// <summary>Physical address mask.</summary>
    public ulong PhysicalAddressMask { get => Get(PhysicalAddressMaskField); set => Set(PhysicalAddressMaskField, value); }
    /// <summary>Node.</summary>
    public ushort Node { get => (ushort)Get(NodeField); set => Set(NodeField, value); }
    /// <summary>Card.</summary>
    public ushort Card { get => (ushort)Get(CardField); set => Set(CardField, value); }
    /// <summary>Module.</summary>
    public ushort Module { get => (ushort)Get(ModuleField); set => Set(ModuleField, value); }
    /// <summary>Bank (bank group in bits 15:8, bank address in 7:0 when validation bits 20/21 say so).</summary>
    public ushort Bank { get => (ushort)Get(BankField); set => Set(BankField, value); }
    /// <summary>Device.</summary>
    public uint Device { get => (uint)Get(DeviceField); set => Set(DeviceField, value); }
    /// <summary>Row.</summary>
    public uint Row { get => (uint)Get(RowField); set => Set(RowField, value); }
    /// <summary>Column.</summary>
    public uint Column { get => (uint)Get(ColumnField); set => Set(ColumnField, value); }
    /// <summary>Rank.</summary>
    public uint Rank { get => (uint)Get(RankField); set => Set(RankField, value); }
    /// <summary>Bit position.</summary>
    public uint BitPosition { get => (uint)Get(BitPositionField); set => Set(BitPositionField, value); }
    /// <summary>Chip identification.</summary>
    public byte ChipId { get => (byte)Get(ChipIdField); set => Set(ChipIdField, value); }
    /// <summary>Memory error type (see <see cref="MemoryErrorSection.MemoryErrorTypes"/>).</summary>
    public byte MemoryErrorType { get => (byte)Get(MemoryErrorTypeField); set => Set(MemoryErrorTypeField, value); }
    /// <summary>Status.</summary>
    public byte Status { get => (byte)Get(StatusField); set => Set(StatusField, value); }
    /// <summary>Requestor ID.</summary>
    public ulong RequestorId { get => Get(RequestorIdField); set => Set(RequestorIdField, value); }
    /// <summary>Responder ID.</summary>
    public ulong ResponderId { get => Get(ResponderIdField); set => Set(ResponderIdField, value); }
    /// <summary>Target ID.</summary>
    public ulong TargetId { get => Get(TargetIdField); set => Set(TargetIdField, value); }
    /// <summary>Card handle (SMBIOS type 16).</summary>
    public uint CardHandle { get => (uint)Get(CardHandleField); set => Set(CardHandleField, value); }
    /// <summary>Module handle (SMBIOS type 17).</summary>
    public uint ModuleHandle { get => (uint)Get(ModuleHandleField); set => Set(ModuleHandleField, value); }
}

/// <summary>Checks and describers shared by the fixed-size sections.</summary>
internal static class FixedSections
{
    /// <summary>Throws when the body is shorter than the layout.</summary>
    public static void CheckLength(ReadOnlySpan<byte> body, long baseOffset, string structure, int size)
    {
        if (body.Length < size) ThrowHelper.ThrowTruncated(structure, baseOffset, size, body.Length);
    }

    /// <summary>Describes the layout over the body, then any bytes beyond it.</summary>
    public static void Describe(StructDef layout, ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        CheckLength(body, baseOffset, layout.Name, layout.Size);
        layout.Describe(body[..layout.Size], baseOffset, visitor);
        if (body.Length > layout.Size) visitor.Data("trailingBytes", "Bytes after the layout", baseOffset + layout.Size, body[layout.Size..]);
    }
}
