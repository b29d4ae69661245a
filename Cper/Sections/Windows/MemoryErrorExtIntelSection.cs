namespace ApeiKit.Cper.Windows;

/// <summary>
/// Windows memory error extension section for Intel platforms (WHEA_MEMORY_ERROR_EXT_SECTION_INTEL, GUID
/// e16edb28-6113-4263-a41d-e53f8de78751): how the platform translated the failing system address into DRAM
/// coordinates (socket, memory controller, channel, DIMM, rank, bank, row, column). 166 bytes, packed:
/// Flags (8), ValidBits (8), WHEA_MEMORY_HARDWARE_ADDRESS_INTEL (110, its last 40 bytes reserved), Reserved (40).
/// </summary>
/// <remarks>
/// Layout, valid bits and flag names: ralish/DecodeWheaRecord
/// (src/DecodeWheaRecord/Errors/Microsoft/MemoryExtIntel.cs), which follows the Windows SDK ntddk.h definitions.
/// Bytes past 166 are kept and shown raw.
/// </remarks>
public sealed class MemoryErrorExtIntelSection : FixedSectionBody
{
    /// <summary>Section size.</summary>
    public const int Size = 166;

    /// <summary>WHEA_MEMORY_ERROR_EXT_SECTION_FLAGS: how the address translation was done.</summary>
    public static FlagTable TranslationFlags { get; } = [
        new(0, "addressTranslationByPrmSuccess"), new(1, "addressTranslationByPrmFailed"), new(2, "addressTranslationByPrmNotSupported"),
        new(3, "addressTranslationByPluginSuccess"), new(4, "addressTranslationByPluginFailed"), new(5, "addressTranslationByPluginNotSupported"),
    ];

    private static readonly FlagTable s_validBits = [
        new(0, "memDef"), new(1, "systemAddress"), new(2, "spareSystemAddress"), new(3, "devicePhysicalAddress"), new(4, "channelAddress"),
        new(5, "rankAddress"), new(6, "processorSocketId"), new(7, "memoryControllerId"), new(8, "targetId"), new(9, "logicalChannelId"),
        new(10, "channelId"), new(11, "subChannelId"), new(12, "physicalRankId"), new(13, "dimmSlotId"), new(14, "dimmRankId"), new(15, "bank"),
        new(16, "bankGroup"), new(17, "row"), new(18, "column"), new(19, "lockStepRank"), new(20, "lockStepPhysicalRank"), new(21, "lockStepBank"),
        new(22, "lockStepBankGroup"), new(23, "chipSelect"), new(24, "node"), new(25, "chipId"),
    ];

    /// <summary>WHEA_MEMORY_DEFINITION: which kind of memory the address belongs to.</summary>
    public static NameTable MemoryDefinitions { get; } = [new(0, "undefined"), new(1, "far memory"), new(2, "near memory"), new(3, "high-bandwidth memory")];

    /// <summary>Flags (offset 0).</summary>
    public static readonly FieldDef FlagsField = FieldDef.Flags("flags", "Flags", 0, 8, TranslationFlags);
    /// <summary>ValidBits (offset 8).</summary>
    public static readonly FieldDef ValidBitsField = FieldDef.Flags("validBits", "Validation bits", 8, 8, s_validBits);
    /// <summary>SystemAddress (offset 20).</summary>
    public static readonly FieldDef SystemAddressField = FieldDef.Hex("systemAddress", "System address", 20, 8, validBit: 1);

    /// <summary>Layout.</summary>
    public static StructDef LayoutDef { get; } = new("Windows memory error extension section (Intel)", Size,
    [
        FlagsField, ValidBitsField,
        FieldDef.Enum("memDef", "Memory definition", 16, 4, MemoryDefinitions, validBit: 0),
        SystemAddressField,
        FieldDef.Hex("spareSystemAddress", "Spare system address", 28, 8, validBit: 2),
        FieldDef.Hex("devicePhysicalAddress", "Device physical address", 36, 8, validBit: 3),
        FieldDef.Hex("channelAddress", "Channel address", 44, 8, validBit: 4),
        FieldDef.Hex("rankAddress", "Rank address", 52, 8, validBit: 5),
        FieldDef.UInt("processorSocketId", "Processor socket", 60, 1, validBit: 6),
        FieldDef.UInt("memoryControllerId", "Memory controller", 61, 1, validBit: 7),
        FieldDef.UInt("targetId", "Target", 62, 1, validBit: 8),
        FieldDef.UInt("logicalChannelId", "Logical channel", 63, 1, validBit: 9),
        FieldDef.UInt("channelId", "Channel", 64, 1, validBit: 10),
        FieldDef.UInt("subChannelId", "Sub-channel", 65, 1, validBit: 11),
        FieldDef.UInt("physicalRankId", "Physical rank", 66, 1, validBit: 12),
        FieldDef.UInt("dimmSlotId", "DIMM slot", 67, 1, validBit: 13),
        FieldDef.UInt("dimmRankId", "DIMM rank", 68, 1, validBit: 14),
        FieldDef.UInt("bank", "Bank", 69, 1, validBit: 15),
        FieldDef.UInt("bankGroup", "Bank group", 70, 1, validBit: 16),
        FieldDef.Hex("row", "Row", 71, 4, validBit: 17),
        FieldDef.Hex("column", "Column", 75, 4, validBit: 18),
        FieldDef.UInt("lockStepRank", "Lock-step rank", 79, 1, validBit: 19),
        FieldDef.UInt("lockStepPhysicalRank", "Lock-step physical rank", 80, 1, validBit: 20),
        FieldDef.UInt("lockStepBank", "Lock-step bank", 81, 1, validBit: 21),
        FieldDef.UInt("lockStepBankGroup", "Lock-step bank group", 82, 1, validBit: 22),
        FieldDef.UInt("chipSelect", "Chip select", 83, 1, validBit: 23),
        FieldDef.UInt("node", "Node", 84, 1, validBit: 24),
        FieldDef.UInt("chipId", "Chip ID", 85, 1, validBit: 25),
        FieldDef.Reserved("hardwareAddressReserved", 86, 40),
        FieldDef.Reserved("reserved", 126, 40),
    ], validationField: "validBits");

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.WindowsMemoryErrorExtIntel, CperGuids.SectionName(CperGuids.WindowsMemoryErrorExtIntel)!, Describe, (b, o) => Decode(b, o));

    /// <summary>A new, zeroed 166-byte section.</summary>
    public MemoryErrorExtIntelSection() : base(LayoutDef) { }

    private MemoryErrorExtIntelSection(ReadOnlySpan<byte> bytes) : base(LayoutDef, bytes) { }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.WindowsMemoryErrorExtIntel;

    /// <summary>Decodes a body of at least 166 bytes.</summary>
    /// <exception cref="ApeiContentException">Fewer than 166 bytes.</exception>
    public static MemoryErrorExtIntelSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        CheckLength(body, baseOffset);
        return new MemoryErrorExtIntelSection(body);
    }

    /// <summary>Describes the 166-byte layout, then any trailing bytes.</summary>
    /// <exception cref="ApeiContentException">Fewer than 166 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        CheckLength(body, baseOffset);
        LayoutDef.Describe(body[..Size], baseOffset, visitor);
        if (body.Length > Size) visitor.Data("trailingBytes", "Bytes past the documented layout", baseOffset + Size, body[Size..]);
    }

    private static void CheckLength(ReadOnlySpan<byte> body, long baseOffset)
    {
        if (body.Length < Size) ThrowHelper.ThrowTruncated("Windows memory error extension section (Intel)", baseOffset, Size, body.Length);
    }

    /// <summary>A field of the layout by JSON name (e.g. <c>channelId</c>, <c>row</c>).</summary>
    public ulong this[string json]
    {
        get => Get(LayoutDef.Find(json) ?? throw new KeyNotFoundException(json));
        set => Set(LayoutDef.Find(json) ?? throw new KeyNotFoundException(json), value);
    }

    /// <summary>Flags (see <see cref="TranslationFlags"/>).</summary>
    public ulong Flags { get => Get(FlagsField); set => Set(FlagsField, value); }
    /// <summary>ValidBits.</summary>
    public ulong ValidBits { get => Get(ValidBitsField); set => Set(ValidBitsField, value); }
    /// <summary>SystemAddress (valid when ValidBits bit 1 is set).</summary>
    public ulong SystemAddress { get => Get(SystemAddressField); set => Set(SystemAddressField, value); }
}
