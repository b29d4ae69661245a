namespace ApeiKit.Hest;

/// <summary>A structure embedded in an error source at a fixed offset (a Generic Address Structure or the notification structure).</summary>
/// <param name="Offset">Offset in the error source structure.</param>
/// <param name="Json">JSON name.</param>
/// <param name="Label">Human label.</param>
/// <param name="Layout">Its layout.</param>
public sealed record HestNestedPart(int Offset, string Json, string Label, StructDef Layout);

/// <summary>
/// What ApeiKit knows about one error source type: its fixed size, its layout (nested structures listed
/// apart), where its bank count and notification structure sit. Error source structures carry no length
/// field: the type fixes the size, plus 28 bytes per machine check bank for types 0, 1 and 11.
/// </summary>
/// <param name="Type">The type code.</param>
/// <param name="Name">Human name.</param>
/// <param name="Layout">Layout of the fixed part, without the nested structures.</param>
/// <param name="Nested">Nested structures in offset order.</param>
/// <param name="BankCountOffset">Offset of the one-byte Number Of Hardware Banks, or -1.</param>
/// <param name="NotificationOffset">Offset of the 28-byte notification structure, or -1.</param>
public sealed record HestSourceKind(HestSourceType Type, string Name, StructDef Layout, IReadOnlyList<HestNestedPart> Nested, int BankCountOffset, int NotificationOffset)
{
    /// <summary>Size of the fixed part in bytes.</summary>
    public int FixedSize => Layout.Size;

    /// <summary>True for the types followed by machine check bank structures (0, 1, 11).</summary>
    public bool HasBanks => BankCountOffset >= 0;
}

/// <summary>
/// The HEST layout tables (ACPI 6.5 §18.3.2): the table body, every error source structure, the
/// machine check bank and the hardware error notification structure. Offsets are from the start of each structure.
/// </summary>
public static class HestLayouts
{
    /// <summary>Size of the HEST header: the 36-byte ACPI header plus the u32 Error Source Count.</summary>
    public const int TableHeaderSize = 40;
    /// <summary>Offset of Error Source Count in the table.</summary>
    public const int ErrorSourceCountOffset = 36;
    /// <summary>Size of a machine check error bank structure.</summary>
    public const int BankSize = 28;
    /// <summary>Size of the hardware error notification structure (and the value of its Length field).</summary>
    public const int NotificationSize = 28;
    /// <summary>Size of the generic error status block header (ACPI 6.5 §18.3.2.7.1): the least an error status block can hold.</summary>
    public const int GenericErrorStatusBlockHeaderSize = 20;

    /// <summary>The Error Source Count field of the table.</summary>
    public static FieldDef ErrorSourceCountField { get; } = FieldDef.UInt("errorSourceCount", "Error source count", ErrorSourceCountOffset, 4);

    /// <summary>Hardware error notification structure (28 bytes).</summary>
    public static StructDef Notification { get; } = new("Hardware error notification", NotificationSize,
    [
        FieldDef.Enum("type", "Notification type", 0, 1, HestNames.NotificationTypes),
        FieldDef.UInt("length", "Length", 1, 1, unit: "bytes"),
        FieldDef.Flags("configurationWriteEnable", "Configuration write enable", 2, 2, HestNames.ConfigurationWriteEnable),
        FieldDef.UInt("pollInterval", "Poll interval", 4, 4, unit: "ms"),
        FieldDef.UInt("vector", "Vector", 8, 4),
        FieldDef.UInt("switchToPollingThresholdValue", "Switch to polling threshold value", 12, 4),
        FieldDef.UInt("switchToPollingThresholdWindow", "Switch to polling threshold window", 16, 4, unit: "ms"),
        FieldDef.UInt("errorThresholdValue", "Error threshold value", 20, 4),
        FieldDef.UInt("errorThresholdWindow", "Error threshold window", 24, 4, unit: "ms"),
    ]);

    /// <summary>Machine check error bank structure (28 bytes).</summary>
    public static StructDef Bank { get; } = new("Machine check error bank", BankSize,
    [
        FieldDef.UInt("bankNumber", "Bank number", 0, 1),
        FieldDef.Enum("clearStatusOnInitialization", "Clear status on initialization", 1, 1, HestNames.ClearStatusOnInitialization),
        FieldDef.Enum("statusDataFormat", "Status data format", 2, 1, HestNames.StatusDataFormat),
        FieldDef.Reserved("reserved", 3, 1),
        FieldDef.Hex("controlRegisterMsrAddress", "Control register MSR address", 4, 4),
        FieldDef.Hex("controlInitData", "Control init data", 8, 8),
        FieldDef.Hex("statusRegisterMsrAddress", "Status register MSR address", 16, 4),
        FieldDef.Hex("addressRegisterMsrAddress", "Address register MSR address", 20, 4),
        FieldDef.Hex("miscRegisterMsrAddress", "Misc register MSR address", 24, 4),
    ]);

    private static FieldDef TypeField => FieldDef.Enum("type", "Type", 0, 2, HestNames.SourceTypes);
    private static FieldDef SourceIdField => FieldDef.UInt("sourceId", "Source ID", 2, 2);
    private static FieldDef EnabledField => FieldDef.Enum("enabled", "Enabled", 7, 1, HestNames.Enabled);
    private static FieldDef RecordsField => FieldDef.UInt("numberOfRecordsToPreAllocate", "Records to pre-allocate", 8, 4);
    private static FieldDef SectionsField => FieldDef.UInt("maxSectionsPerRecord", "Max sections per record", 12, 4);

    private static HestNestedPart NotificationAt(int offset) => new(offset, "notification", "Notification", Notification);

    private static StructDef MachineCheck { get; } = new("IA-32 machine check exception", 40,
    [
        TypeField, SourceIdField, FieldDef.Reserved("reserved1", 4, 2),
        FieldDef.Flags("flags", "Flags", 6, 1, HestNames.MachineCheckFlags), EnabledField, RecordsField, SectionsField,
        FieldDef.Hex("globalCapabilityInitData", "Global capability init data", 16, 8),
        FieldDef.Hex("globalControlInitData", "Global control init data", 24, 8),
        FieldDef.UInt("numberOfHardwareBanks", "Number of hardware banks", 32, 1),
        FieldDef.Reserved("reserved2", 33, 7),
    ]);

    private static StructDef CorrectedMachineCheck(string name) => new(name, 48,
    [
        TypeField, SourceIdField, FieldDef.Reserved("reserved1", 4, 2),
        FieldDef.Flags("flags", "Flags", 6, 1, HestNames.MachineCheckFlags), EnabledField, RecordsField, SectionsField,
        // 16..43: notification structure
        FieldDef.UInt("numberOfHardwareBanks", "Number of hardware banks", 44, 1),
        FieldDef.Reserved("reserved2", 45, 3),
    ]);

    private static StructDef Nmi { get; } = new("IA-32 non-maskable interrupt", 20,
    [
        TypeField, SourceIdField, FieldDef.Reserved("reserved1", 4, 4), RecordsField, SectionsField,
        FieldDef.UInt("maxRawDataLength", "Max raw data length", 16, 4, unit: "bytes"),
    ]);

    /// <summary>The Bus field of the AER structures: bus in bits 7:0, PCI segment in bits 23:8, bits 31:24 zero.</summary>
    public static IReadOnlyList<BitFieldDef> BusBits { get; } =
        [new("bus", "Bus number", 0, 8), new("segment", "Segment", 8, 16), new("reserved", "Reserved", 24, 8)];

    private static StructDef Aer(string name, int size, params FieldDef[] extra) => new(name, size,
    [
        TypeField, SourceIdField, FieldDef.Reserved("reserved1", 4, 2),
        FieldDef.Flags("flags", "Flags", 6, 1, HestNames.AerFlags), EnabledField, RecordsField, SectionsField,
        FieldDef.Bits("bus", "Bus", 16, 4, BusBits),
        FieldDef.UInt("device", "Device", 20, 2),
        FieldDef.UInt("function", "Function", 22, 2),
        FieldDef.Hex("deviceControl", "Device control", 24, 2),
        FieldDef.Reserved("reserved2", 26, 2),
        FieldDef.Hex("uncorrectableErrorMask", "Uncorrectable error mask", 28, 4),
        FieldDef.Hex("uncorrectableErrorSeverity", "Uncorrectable error severity", 32, 4),
        FieldDef.Hex("correctableErrorMask", "Correctable error mask", 36, 4),
        FieldDef.Hex("advancedErrorCapabilitiesAndControl", "Adv. error capabilities/control", 40, 4),
        .. extra,
    ]);

    private static StructDef Ghes(string name, int size, params FieldDef[] extra) => new(name, size,
    [
        TypeField, SourceIdField,
        FieldDef.Hex("relatedSourceId", "Related source ID", 4, 2) with { Names = HestNames.RelatedSourceId },
        new FieldDef("flags", "Flags (reserved)", 6, 1, FieldKind.Reserved), EnabledField, RecordsField, SectionsField,
        FieldDef.UInt("maxRawDataLength", "Max raw data length", 16, 4, unit: "bytes"),
        // 20..31: error status address (GAS); 32..59: notification structure
        FieldDef.UInt("errorStatusBlockLength", "Error status block length", 60, 4, unit: "bytes"),
        // 64..75 (v2): read ack register (GAS)
        .. extra,
    ]);

    private static readonly HestNestedPart s_errorStatusAddress = new(20, "errorStatusAddress", "Error status address", GenericAddress.Layout);
    private static readonly HestNestedPart s_readAckRegister = new(64, "readAckRegister", "Read ack register", GenericAddress.Layout);

    /// <summary>Every error source type ApeiKit knows, by type code.</summary>
    public static IReadOnlyDictionary<HestSourceType, HestSourceKind> Kinds { get; } = new Dictionary<HestSourceType, HestSourceKind>
    {
        [HestSourceType.Ia32MachineCheck] = new(HestSourceType.Ia32MachineCheck, "IA-32 Machine Check Exception", MachineCheck, [], 32, -1),
        [HestSourceType.Ia32CorrectedMachineCheck] = new(HestSourceType.Ia32CorrectedMachineCheck, "IA-32 Corrected Machine Check",
            CorrectedMachineCheck("IA-32 corrected machine check"), [NotificationAt(16)], 44, 16),
        [HestSourceType.Ia32Nmi] = new(HestSourceType.Ia32Nmi, "IA-32 Non-Maskable Interrupt", Nmi, [], -1, -1),
        [HestSourceType.PcieRootPortAer] = new(HestSourceType.PcieRootPortAer, "PCI Express Root Port AER",
            Aer("PCI Express root port AER", 48, FieldDef.Hex("rootErrorCommand", "Root error command", 44, 4)), [], -1, -1),
        [HestSourceType.PcieDeviceAer] = new(HestSourceType.PcieDeviceAer, "PCI Express Device AER", Aer("PCI Express device AER", 44), [], -1, -1),
        [HestSourceType.PcieBridgeAer] = new(HestSourceType.PcieBridgeAer, "PCI Express/PCI-X Bridge AER",
            Aer("PCI Express/PCI-X bridge AER", 56,
                FieldDef.Hex("secondaryUncorrectableErrorMask", "Secondary uncorrectable error mask", 44, 4),
                FieldDef.Hex("secondaryUncorrectableErrorSeverity", "Secondary uncorrectable severity", 48, 4),
                FieldDef.Hex("secondaryAdvancedErrorCapabilitiesAndControl", "Secondary adv. error caps/control", 52, 4)), [], -1, -1),
        [HestSourceType.Ghes] = new(HestSourceType.Ghes, "Generic Hardware Error Source", Ghes("Generic hardware error source", 64),
            [s_errorStatusAddress, NotificationAt(32)], -1, 32),
        [HestSourceType.GhesV2] = new(HestSourceType.GhesV2, "Generic Hardware Error Source version 2",
            Ghes("Generic hardware error source v2", 92,
                FieldDef.Hex("readAckPreserve", "Read ack preserve", 76, 8),
                FieldDef.Hex("readAckWrite", "Read ack write", 84, 8)),
            [s_errorStatusAddress, NotificationAt(32), s_readAckRegister], -1, 32),
        [HestSourceType.Ia32DeferredMachineCheck] = new(HestSourceType.Ia32DeferredMachineCheck, "IA-32 Deferred Machine Check",
            CorrectedMachineCheck("IA-32 deferred machine check"), [NotificationAt(16)], 44, 16),
    };

    /// <summary>The kind of a type code, or null for a type ApeiKit does not know (whose size therefore cannot be known).</summary>
    public static HestSourceKind? Find(ushort type) => Kinds.GetValueOrDefault((HestSourceType)type);

    /// <summary>
    /// Describes a fixed structure with nested structures to a visitor: flat fields in offset order, each nested
    /// structure as an object where its offset falls.
    /// </summary>
    public static void DescribeFixed(StructDef layout, IReadOnlyList<HestNestedPart> nested, ReadOnlySpan<byte> structure, long baseOffset, StructureVisitor visitor)
    {
        int n = 0;
        foreach (var f in layout.Fields)
        {
            while (n < nested.Count && nested[n].Offset < f.Offset) DescribeNested(nested[n++], structure, baseOffset, visitor);
            if (f.End > structure.Length) break;
            visitor.Field(f, baseOffset + f.Offset, structure.Slice(f.Offset, f.Size), true, ulong.MaxValue);
        }
        while (n < nested.Count) DescribeNested(nested[n++], structure, baseOffset, visitor);
    }

    private static void DescribeNested(HestNestedPart part, ReadOnlySpan<byte> structure, long baseOffset, StructureVisitor visitor)
    {
        if (part.Offset + part.Layout.Size > structure.Length) return;
        visitor.BeginObject(part.Json, part.Label, baseOffset + part.Offset, part.Layout.Size);
        part.Layout.Describe(structure.Slice(part.Offset, part.Layout.Size), baseOffset + part.Offset, visitor);
        visitor.EndObject();
    }
}
