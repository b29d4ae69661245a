using ApeiKit.Declarations;

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
[Layout("Windows memory error extension section (Intel)", Size, "WHEA_MEMORY_ERROR_EXT_SECTION_INTEL", ValidationField = nameof(ValidBits), SectionGuid = "e16edb28-6113-4263-a41d-e53f8de78751", GuidName = "WindowsMemoryErrorExtIntel", DisplayName = "Memory Error Extension, Intel (Windows WHEA)", GuidSource = "Windows cperguid.h", TrailingLabel = "Bytes past the documented layout")]
[Reserved(86, 40, Json = "hardwareAddressReserved")]
[Reserved(126, 40)]
public sealed partial class MemoryErrorExtIntelSection : FixedSectionBody
{
    /// <summary>Section size.</summary>
    public const int Size = 166;

    /// <summary>WHEA_MEMORY_ERROR_EXT_SECTION_FLAGS: how the address translation was done.</summary>
    public static FlagTable TranslationFlags { get; } = [
        new(0, "addressTranslationByPrmSuccess"), new(1, "addressTranslationByPrmFailed"), new(2, "addressTranslationByPrmNotSupported"),
        new(3, "addressTranslationByPluginSuccess"), new(4, "addressTranslationByPluginFailed"), new(5, "addressTranslationByPluginNotSupported"),
    ];

    /// <summary>WHEA_MEMORY_DEFINITION: which kind of memory the address belongs to.</summary>
    public static NameTable MemoryDefinitions { get; } = [new(0, "undefined"), new(1, "far memory"), new(2, "near memory"), new(3, "high-bandwidth memory")];

    /// <summary>A field of the layout by JSON name (e.g. <c>channelId</c>, <c>row</c>).</summary>
    public ulong this[string json]
    {
        get => Get(LayoutDef.Find(json) ?? throw new KeyNotFoundException(json));
        set => Set(LayoutDef.Find(json) ?? throw new KeyNotFoundException(json), value);
    }

    // The declaration (WHEA_MEMORY_ERROR_EXT_SECTION_INTEL, packed; ralish/DecodeWheaRecord MemoryExtIntel.cs): one line
    // per field; FieldDef statics, LayoutDef, property bodies and MemoryErrorExtIntelSectionView are generated from it.

    /// <summary>Flags (see <see cref="TranslationFlags"/>).</summary>
    [Field(0, 8, FieldKind.Flags, Flags = nameof(TranslationFlags))] public partial ulong Flags { get; set; }
    /// <summary>ValidBits.</summary>
    [Field(8, 8, FieldKind.Flags, Label = "Validation bits")] public partial ulong ValidBits { get; set; }
    /// <summary>Memory definition (see <see cref="MemoryDefinitions"/>).</summary>
    [Field(16, 4, FieldKind.Enum, ValidBit = 0, Names = nameof(MemoryDefinitions), Label = "Memory definition")] public partial uint MemDef { get; set; }
    /// <summary>SystemAddress (valid when ValidBits bit 1 is set).</summary>
    [Field(20, 8, FieldKind.Hex, ValidBit = 1)] public partial ulong SystemAddress { get; set; }
    /// <summary>Spare system address.</summary>
    [Field(28, 8, FieldKind.Hex, ValidBit = 2)] public partial ulong SpareSystemAddress { get; set; }
    /// <summary>Device physical address.</summary>
    [Field(36, 8, FieldKind.Hex, ValidBit = 3)] public partial ulong DevicePhysicalAddress { get; set; }
    /// <summary>Channel address.</summary>
    [Field(44, 8, FieldKind.Hex, ValidBit = 4)] public partial ulong ChannelAddress { get; set; }
    /// <summary>Rank address.</summary>
    [Field(52, 8, FieldKind.Hex, ValidBit = 5)] public partial ulong RankAddress { get; set; }
    /// <summary>Processor socket.</summary>
    [Field(60, 1, FieldKind.UInt, ValidBit = 6, Label = "Processor socket")] public partial byte ProcessorSocketId { get; set; }
    /// <summary>Memory controller.</summary>
    [Field(61, 1, FieldKind.UInt, ValidBit = 7, Label = "Memory controller")] public partial byte MemoryControllerId { get; set; }
    /// <summary>Target.</summary>
    [Field(62, 1, FieldKind.UInt, ValidBit = 8, Label = "Target")] public partial byte TargetId { get; set; }
    /// <summary>Logical channel.</summary>
    [Field(63, 1, FieldKind.UInt, ValidBit = 9, Label = "Logical channel")] public partial byte LogicalChannelId { get; set; }
    /// <summary>Channel.</summary>
    [Field(64, 1, FieldKind.UInt, ValidBit = 10, Label = "Channel")] public partial byte ChannelId { get; set; }
    /// <summary>Sub-channel.</summary>
    [Field(65, 1, FieldKind.UInt, ValidBit = 11, Label = "Sub-channel")] public partial byte SubChannelId { get; set; }
    /// <summary>Physical rank.</summary>
    [Field(66, 1, FieldKind.UInt, ValidBit = 12, Label = "Physical rank")] public partial byte PhysicalRankId { get; set; }
    /// <summary>DIMM slot.</summary>
    [Field(67, 1, FieldKind.UInt, ValidBit = 13, Label = "DIMM slot")] public partial byte DimmSlotId { get; set; }
    /// <summary>DIMM rank.</summary>
    [Field(68, 1, FieldKind.UInt, ValidBit = 14, Label = "DIMM rank")] public partial byte DimmRankId { get; set; }
    /// <summary>Bank.</summary>
    [Field(69, 1, FieldKind.UInt, ValidBit = 15)] public partial byte Bank { get; set; }
    /// <summary>Bank group.</summary>
    [Field(70, 1, FieldKind.UInt, ValidBit = 16)] public partial byte BankGroup { get; set; }
    /// <summary>Row.</summary>
    [Field(71, 4, FieldKind.Hex, ValidBit = 17)] public partial uint Row { get; set; }
    /// <summary>Column.</summary>
    [Field(75, 4, FieldKind.Hex, ValidBit = 18)] public partial uint Column { get; set; }
    /// <summary>Lock-step rank.</summary>
    [Field(79, 1, FieldKind.UInt, ValidBit = 19, Label = "Lock-step rank")] public partial byte LockStepRank { get; set; }
    /// <summary>Lock-step physical rank.</summary>
    [Field(80, 1, FieldKind.UInt, ValidBit = 20, Label = "Lock-step physical rank")] public partial byte LockStepPhysicalRank { get; set; }
    /// <summary>Lock-step bank.</summary>
    [Field(81, 1, FieldKind.UInt, ValidBit = 21, Label = "Lock-step bank")] public partial byte LockStepBank { get; set; }
    /// <summary>Lock-step bank group.</summary>
    [Field(82, 1, FieldKind.UInt, ValidBit = 22, Label = "Lock-step bank group")] public partial byte LockStepBankGroup { get; set; }
    /// <summary>Chip select.</summary>
    [Field(83, 1, FieldKind.UInt, ValidBit = 23)] public partial byte ChipSelect { get; set; }
    /// <summary>Node.</summary>
    [Field(84, 1, FieldKind.UInt, ValidBit = 24)] public partial byte Node { get; set; }
    /// <summary>Chip ID.</summary>
    [Field(85, 1, FieldKind.UInt, ValidBit = 25, Label = "Chip ID")] public partial byte ChipId { get; set; }
}
