namespace ApeiKit.Hest;

/// <summary>Error source structure types (ACPI 6.5 §18.3.2, the error source structure types).</summary>
public enum HestSourceType : ushort
{
    /// <summary>IA-32 Architecture Machine Check Exception (§18.3.2.1).</summary>
    Ia32MachineCheck = 0,
    /// <summary>IA-32 Architecture Corrected Machine Check (§18.3.2.2).</summary>
    Ia32CorrectedMachineCheck = 1,
    /// <summary>IA-32 Architecture Non-Maskable Interrupt (§18.3.2.3).</summary>
    Ia32Nmi = 2,
    /// <summary>PCI Express Root Port AER (§18.3.2.4).</summary>
    PcieRootPortAer = 6,
    /// <summary>PCI Express Device AER (§18.3.2.5).</summary>
    PcieDeviceAer = 7,
    /// <summary>PCI Express/PCI-X Bridge AER (§18.3.2.6).</summary>
    PcieBridgeAer = 8,
    /// <summary>Generic Hardware Error Source (§18.3.2.7).</summary>
    Ghes = 9,
    /// <summary>Generic Hardware Error Source version 2 (§18.3.2.8).</summary>
    GhesV2 = 10,
    /// <summary>IA-32 Architecture Deferred Machine Check (ACPI 6.5 §18.3.2; same layout as type 1).</summary>
    Ia32DeferredMachineCheck = 11,
}

/// <summary>Hardware error notification types (ACPI 6.5 §18.3.2, Hardware Error Notification structure, Type field).</summary>
public enum NotificationType : byte
{
    /// <summary>Polled.</summary>
    Polled = 0,
    /// <summary>External interrupt.</summary>
    ExternalInterrupt = 1,
    /// <summary>Local interrupt.</summary>
    LocalInterrupt = 2,
    /// <summary>SCI.</summary>
    Sci = 3,
    /// <summary>NMI.</summary>
    Nmi = 4,
    /// <summary>CMCI.</summary>
    Cmci = 5,
    /// <summary>MCE.</summary>
    Mce = 6,
    /// <summary>GPIO-Signal.</summary>
    Gpio = 7,
    /// <summary>ARMv8 SEA (synchronous external abort).</summary>
    Sea = 8,
    /// <summary>ARMv8 SEI (SError interrupt).</summary>
    Sei = 9,
    /// <summary>External Interrupt - GSIV.</summary>
    Gsiv = 10,
    /// <summary>Software Delegated Exception (SDEI).</summary>
    Sdei = 11,
}

/// <summary>Flags byte of the machine check (0, 1, 11) and PCIe AER (6, 7, 8) error source structures (ACPI 6.5 §18.3.2).</summary>
[Flags]
public enum HestSourceFlags : byte
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary>Bit 0, FIRMWARE_FIRST: firmware handles the errors first (OSPM does not program the source).</summary>
    FirmwareFirst = 1,
    /// <summary>Bit 1, GLOBAL (AER types only): the settings apply to every device of the type; Bus/Device/Function are ignored.</summary>
    Global = 2,
    /// <summary>Bit 2, GHES_ASSIST (machine check types only): a GHES whose Related Source Id names this source carries extra information.</summary>
    GhesAssist = 4,
}

/// <summary>Configuration Write Enable bits of the hardware error notification: which fields OSPM may change (bits 6-15 reserved).</summary>
[Flags]
public enum NotificationWriteEnable : ushort
{
    /// <summary>OSPM may change nothing.</summary>
    None = 0,
    /// <summary>Bit 0: Type.</summary>
    Type = 1,
    /// <summary>Bit 1: Poll Interval.</summary>
    PollInterval = 2,
    /// <summary>Bit 2: Switch To Polling Threshold Value.</summary>
    SwitchToPollingThresholdValue = 4,
    /// <summary>Bit 3: Switch To Polling Threshold Window.</summary>
    SwitchToPollingThresholdWindow = 8,
    /// <summary>Bit 4: Error Threshold Value.</summary>
    ErrorThresholdValue = 16,
    /// <summary>Bit 5: Error Threshold Window.</summary>
    ErrorThresholdWindow = 32,
}

/// <summary>The one place HEST names live: types, notification types, flags and enumerations.</summary>
public static class HestNames
{
    /// <summary>Error source type names (ACPI 6.5 §18.3.2).</summary>
    public static NameTable SourceTypes { get; } = [
        new(0, "IA-32 Machine Check Exception"), new(1, "IA-32 Corrected Machine Check"), new(2, "IA-32 Non-Maskable Interrupt"),
        new(6, "PCI Express Root Port AER"), new(7, "PCI Express Device AER"), new(8, "PCI Express/PCI-X Bridge AER"),
        new(9, "Generic Hardware Error Source"), new(10, "Generic Hardware Error Source version 2"), new(11, "IA-32 Deferred Machine Check"),
    ];

    /// <summary>Short names used in JSON build specs (<c>"type": "ghesv2"</c>); the numbers are accepted too.</summary>
    public static NameTable SourceTypeKeys { get; } = [
        new(0, "ia32-mce"), new(1, "ia32-cmc"), new(2, "ia32-nmi"), new(6, "pcie-root-port-aer"), new(7, "pcie-device-aer"),
        new(8, "pcie-bridge-aer"), new(9, "ghes"), new(10, "ghesv2"), new(11, "ia32-deferred-mc"),
    ];

    /// <summary>Notification type names (Hardware Error Notification structure).</summary>
    public static NameTable NotificationTypes { get; } = [
        new(0, "Polled"), new(1, "External interrupt"), new(2, "Local interrupt"), new(3, "SCI"), new(4, "NMI"), new(5, "CMCI"), new(6, "MCE"),
        new(7, "GPIO-Signal"), new(8, "ARMv8 SEA"), new(9, "ARMv8 SEI"), new(10, "External interrupt - GSIV"), new(11, "Software Delegated Exception"),
    ];

    /// <summary>Short notification names used in JSON build specs.</summary>
    public static NameTable NotificationTypeKeys { get; } = [
        new(0, "polled"), new(1, "external-interrupt"), new(2, "local-interrupt"), new(3, "sci"), new(4, "nmi"), new(5, "cmci"), new(6, "mce"),
        new(7, "gpio"), new(8, "sea"), new(9, "sei"), new(10, "gsiv"), new(11, "sdei"),
    ];

    /// <summary>Configuration Write Enable bits (Hardware Error Notification structure): which notification fields OSPM may change. Bits 6-15 reserved.</summary>
    public static FlagTable ConfigurationWriteEnable { get; } = [
        new(0, "type"), new(1, "pollInterval"), new(2, "switchToPollingThresholdValue"), new(3, "switchToPollingThresholdWindow"),
        new(4, "errorThresholdValue"), new(5, "errorThresholdWindow"),
    ];

    /// <summary>Flags of the machine check structures (types 0, 1, 11): bit 0 FIRMWARE_FIRST, bit 2 GHES_ASSIST.</summary>
    public static FlagTable MachineCheckFlags { get; } = [new(0, "firmwareFirst"), new(2, "ghesAssist")];

    /// <summary>Flags of the AER structures (types 6, 7, 8): bit 0 FIRMWARE_FIRST, bit 1 GLOBAL.</summary>
    public static FlagTable AerFlags { get; } = [new(0, "firmwareFirst"), new(1, "global")];

    /// <summary>Enabled field values.</summary>
    public static NameTable Enabled { get; } = [new(0, "disabled"), new(1, "enabled")];

    /// <summary>Machine check bank Clear Status On Initialization (Machine Check Error Bank structure).</summary>
    public static NameTable ClearStatusOnInitialization { get; } = [new(0, "clear"), new(1, "don't clear")];

    /// <summary>Machine check bank Status Data Format (Machine Check Error Bank structure).</summary>
    public static NameTable StatusDataFormat { get; } = [new(0, "IA-32 MCA"), new(1, "Intel 64 MCA"), new(2, "AMD64 MCA")];

    /// <summary>Related Source Id: 0xFFFF means none.</summary>
    public static NameTable RelatedSourceId { get; } = [new(0xFFFF, "none")];
}
