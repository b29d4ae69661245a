namespace ApeiKit.Cper;

/// <summary>
/// Platform memory error section (UEFI 2.10 N.2.5, Table N-31): 80 bytes, or 73 bytes as UEFI 2.1/2.2
/// firmware wrote it (through Memory Error Type). Real Windows captures carry 77 bytes (73 + padding);
/// bytes beyond the layout are kept.
/// </summary>
public sealed class MemoryErrorSection : FixedSectionBody
{
    /// <summary>Full layout size (UEFI 2.3 and later).</summary>
    public const int Size = 80;
    /// <summary>Size of the UEFI 2.1/2.2 layout, which ends after Memory Error Type.</summary>
    public const int LegacySize = 73;

    /// <summary>Memory error types (N.2.5, Memory Error Type).</summary>
    public static NameTable MemoryErrorTypes { get; } = [
        new(0, "unknown"), new(1, "no error"), new(2, "single-bit ECC"), new(3, "multi-bit ECC"), new(4, "single-symbol ChipKill ECC"),
        new(5, "multi-symbol ChipKill ECC"), new(6, "master abort"), new(7, "target abort"), new(8, "parity error"), new(9, "watchdog timeout"),
        new(10, "invalid address"), new(11, "mirror broken"), new(12, "memory sparing"), new(13, "scrub corrected error"),
        new(14, "scrub uncorrected error"), new(15, "physical memory map-out event"),
    ];

    private static readonly FlagTable s_validation = [
        new(0, "errorStatus"), new(1, "physicalAddress"), new(2, "physicalAddressMask"), new(3, "node"), new(4, "card"), new(5, "module"),
        new(6, "bank"), new(7, "device"), new(8, "row"), new(9, "column"), new(10, "bitPosition"), new(11, "requestorId"), new(12, "responderId"),
        new(13, "targetId"), new(14, "memoryErrorType"), new(15, "rankNumber"), new(16, "cardHandle"), new(17, "moduleHandle"),
        new(18, "extendedRow"), new(19, "bankGroup"), new(20, "bankAddress"), new(21, "chipIdentification"),
    ];

    /// <summary>Validation bits (UEFI 2.10 N.2.5, Table N-31): byte offset 0, 8 bytes: which fields hold meaning.</summary>
    public static readonly FieldDef ValidationBitsField = FieldDef.Flags("validationBits", "Validation bits", 0, 8, s_validation);
    /// <summary>Error status (UEFI 2.10 N.2.5, Table N-31): byte offset 8, 8 bytes, valid with validation bit 0.</summary>
    public static readonly FieldDef ErrorStatusField = FieldDef.Bits("errorStatus", "Error status", 8, 8, CperNames.ErrorStatusBits, validBit: 0);
    /// <summary>Physical address (UEFI 2.10 N.2.5, Table N-31): byte offset 16, 8 bytes, valid with validation bit 1.</summary>
    public static readonly FieldDef PhysicalAddressField = FieldDef.Hex("physicalAddress", "Physical address", 16, 8, validBit: 1);
    /// <summary>Physical address mask (UEFI 2.10 N.2.5, Table N-31): byte offset 24, 8 bytes, valid with validation bit 2.</summary>
    public static readonly FieldDef PhysicalAddressMaskField = FieldDef.Hex("physicalAddressMask", "Physical address mask", 24, 8, validBit: 2);
    /// <summary>Node (UEFI 2.10 N.2.5, Table N-31): byte offset 32, 2 bytes, valid with validation bit 3.</summary>
    public static readonly FieldDef NodeField = FieldDef.UInt("node", "Node", 32, 2, validBit: 3);
    /// <summary>Card (UEFI 2.10 N.2.5, Table N-31): byte offset 34, 2 bytes, valid with validation bit 4.</summary>
    public static readonly FieldDef CardField = FieldDef.UInt("card", "Card", 34, 2, validBit: 4);
    /// <summary>Module (UEFI 2.10 N.2.5, Table N-31): byte offset 36, 2 bytes, valid with validation bit 5.</summary>
    public static readonly FieldDef ModuleField = FieldDef.UInt("module", "Module", 36, 2, validBit: 5);
    /// <summary>Bank (UEFI 2.10 N.2.5, Table N-31): byte offset 38, 2 bytes, valid with validation bit 6.</summary>
    public static readonly FieldDef BankField = FieldDef.Bits("bank", "Bank", 38, 2,
        [new("bankAddress", "Bank address", 0, 8, ValidBit: 20), new("bankGroup", "Bank group", 8, 8, ValidBit: 19)], validBit: 6);
    /// <summary>Device (UEFI 2.10 N.2.5, Table N-31): byte offset 40, 2 bytes, valid with validation bit 7.</summary>
    public static readonly FieldDef DeviceField = FieldDef.UInt("device", "Device", 40, 2, validBit: 7);
    /// <summary>Extended (UEFI 2.10 N.2.5, Table N-31): byte offset 73, 1 byte.</summary>
    public static readonly FieldDef ExtendedField = FieldDef.Bits("extended", "Extended", 73, 1,
        [new("rowBit16", "Row bit 16", 0, 1, ValidBit: 18), new("rowBit17", "Row bit 17", 1, 1, ValidBit: 18), new("chipIdentification", "Chip identification", 5, 3, ValidBit: 21)]);
    /// <summary>Row (bits 0-15) (UEFI 2.10 N.2.5, Table N-31): byte offset 42, 2 bytes, valid with validation bit 8.</summary>
    /// <remarks>A row of up to 18 bits given whole is split: bits 16-17 go to <see cref="ExtendedField"/> bits 0-1, valid with bit 18 (N.2.5).</remarks>
    public static readonly FieldDef RowField = FieldDef.UInt("row", "Row (bits 0-15)", 42, 2, validBit: 8) with { Spill = new FieldSpill(ExtendedField, 0, 2, 18) };
    /// <summary>Column (UEFI 2.10 N.2.5, Table N-31): byte offset 44, 2 bytes, valid with validation bit 9.</summary>
    public static readonly FieldDef ColumnField = FieldDef.UInt("column", "Column", 44, 2, validBit: 9);
    /// <summary>Bit position (UEFI 2.10 N.2.5, Table N-31): byte offset 46, 2 bytes, valid with validation bit 10.</summary>
    public static readonly FieldDef BitPositionField = FieldDef.UInt("bitPosition", "Bit position", 46, 2, validBit: 10);
    /// <summary>Requestor ID (UEFI 2.10 N.2.5, Table N-31): byte offset 48, 8 bytes, valid with validation bit 11.</summary>
    public static readonly FieldDef RequestorIdField = FieldDef.Hex("requestorId", "Requestor ID", 48, 8, validBit: 11);
    /// <summary>Responder ID (UEFI 2.10 N.2.5, Table N-31): byte offset 56, 8 bytes, valid with validation bit 12.</summary>
    public static readonly FieldDef ResponderIdField = FieldDef.Hex("responderId", "Responder ID", 56, 8, validBit: 12);
    /// <summary>Target ID (UEFI 2.10 N.2.5, Table N-31): byte offset 64, 8 bytes, valid with validation bit 13.</summary>
    public static readonly FieldDef TargetIdField = FieldDef.Hex("targetId", "Target ID", 64, 8, validBit: 13);
    /// <summary>Memory error type (UEFI 2.10 N.2.5, Table N-31): byte offset 72, 1 byte, valid with validation bit 14.</summary>
    public static readonly FieldDef MemoryErrorTypeField = FieldDef.Enum("memoryErrorType", "Memory error type", 72, 1, MemoryErrorTypes, validBit: 14);
    /// <summary>Rank number (UEFI 2.10 N.2.5, Table N-31): byte offset 74, 2 bytes, valid with validation bit 15.</summary>
    public static readonly FieldDef RankNumberField = FieldDef.UInt("rankNumber", "Rank number", 74, 2, validBit: 15);
    /// <summary>Card handle (SMBIOS type 16) (UEFI 2.10 N.2.5, Table N-31): byte offset 76, 2 bytes, valid with validation bit 16.</summary>
    public static readonly FieldDef CardHandleField = FieldDef.Hex("cardHandle", "Card handle (SMBIOS type 16)", 76, 2, validBit: 16);
    /// <summary>Module handle (SMBIOS type 17) (UEFI 2.10 N.2.5, Table N-31): byte offset 78, 2 bytes, valid with validation bit 17.</summary>
    public static readonly FieldDef ModuleHandleField = FieldDef.Hex("moduleHandle", "Module handle (SMBIOS type 17)", 78, 2, validBit: 17);

    /// <summary>Layout (UEFI 2.10 Table N-31).</summary>
    public static StructDef LayoutDef { get; } = new("Platform memory error section", Size,
    [
        ValidationBitsField, ErrorStatusField, PhysicalAddressField, PhysicalAddressMaskField, NodeField, CardField, ModuleField,
        BankField, DeviceField, RowField, ColumnField, BitPositionField, RequestorIdField, ResponderIdField, TargetIdField,
        MemoryErrorTypeField, ExtendedField, RankNumberField, CardHandleField, ModuleHandleField,
    ], validationField: "validationBits");

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.PlatformMemory, "Platform Memory", Describe, (b, o) => Decode(b, o));

    /// <summary>A new, zeroed 80-byte section.</summary>
    public MemoryErrorSection() : base(LayoutDef) { }

    private MemoryErrorSection(ReadOnlySpan<byte> bytes) : base(LayoutDef, bytes) { }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.PlatformMemory;

    /// <summary>Decodes a body of at least 73 bytes.</summary>
    /// <exception cref="ApeiContentException">Fewer than 73 bytes.</exception>
    public static MemoryErrorSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        CheckLength(body, baseOffset);
        return new MemoryErrorSection(body);
    }

    /// <summary>Describes the body: the 80-byte layout, or the 73-byte one, then any trailing padding.</summary>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        CheckLength(body, baseOffset);
        visitor.Info("layout", "Layout", body.Length >= Size ? "UEFI 2.3+ (80 bytes)" : "UEFI 2.1/2.2 (73 bytes)");
        int used = body.Length >= Size ? Size : LegacySize;
        LayoutDef.Describe(body[..used], baseOffset, visitor);
        if (body.Length > used) visitor.Data("trailingBytes", "Trailing bytes", baseOffset + used, body[used..]);
    }

    private static void CheckLength(ReadOnlySpan<byte> body, long baseOffset)
    {
        if (body.Length < LegacySize)
            ThrowHelper.ThrowTruncated("Platform memory error section", baseOffset, LegacySize, body.Length);
    }

    /// <summary>True when the body uses the 73-byte UEFI 2.1/2.2 layout.</summary>
    public bool IsLegacyLayout => Bytes.Length < Size;
    /// <summary>Validation bits (N.2.5).</summary>
    public ulong ValidationBits { get => Get(ValidationBitsField); set => Set(ValidationBitsField, value); }
    /// <summary>Error status (N "Error Status Fields").</summary>
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
    /// <summary>Bank (bank group in bits 15:8 and bank address in 7:0 when validation bits 19/20 say so).</summary>
    public ushort Bank { get => (ushort)Get(BankField); set => Set(BankField, value); }
    /// <summary>Device.</summary>
    public ushort Device { get => (ushort)Get(DeviceField); set => Set(DeviceField, value); }
    /// <summary>Row, bits 0-15 (bits 16-17 are in <see cref="Extended"/>).</summary>
    public ushort Row { get => (ushort)Get(RowField); set => Set(RowField, value); }
    /// <summary>Column.</summary>
    public ushort Column { get => (ushort)Get(ColumnField); set => Set(ColumnField, value); }
    /// <summary>Bit position.</summary>
    public ushort BitPosition { get => (ushort)Get(BitPositionField); set => Set(BitPositionField, value); }
    /// <summary>Requestor ID.</summary>
    public ulong RequestorId { get => Get(RequestorIdField); set => Set(RequestorIdField, value); }
    /// <summary>Responder ID.</summary>
    public ulong ResponderId { get => Get(ResponderIdField); set => Set(ResponderIdField, value); }
    /// <summary>Target ID.</summary>
    public ulong TargetId { get => Get(TargetIdField); set => Set(TargetIdField, value); }
    /// <summary>Memory error type (see <see cref="MemoryErrorTypes"/>).</summary>
    public byte MemoryErrorType { get => (byte)Get(MemoryErrorTypeField); set => Set(MemoryErrorTypeField, value); }
    /// <summary>Extended: row bits 16-17 and chip identification (bits 5-7).</summary>
    public byte Extended { get => (byte)Get(ExtendedField); set => Set(ExtendedField, value); }
    /// <summary>Rank number.</summary>
    public ushort RankNumber { get => (ushort)Get(RankNumberField); set => Set(RankNumberField, value); }
    /// <summary>Card handle (SMBIOS type 16).</summary>
    public ushort CardHandle { get => (ushort)Get(CardHandleField); set => Set(CardHandleField, value); }
    /// <summary>Module handle (SMBIOS type 17).</summary>
    public ushort ModuleHandle { get => (ushort)Get(ModuleHandleField); set => Set(ModuleHandleField, value); }
}
