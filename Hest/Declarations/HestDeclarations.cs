using ApeiKit.Declarations;

namespace ApeiKit.Hest;

// The HEST structures (ACPI 6.5 §18.3.2), each declared once: one [Field] line per field, shared prefixes as
// [LayoutFragment] interfaces. ApeiKit.Generators derives the FieldDef statics, LayoutDef and a zero-copy view from each;
// HestLayouts hands the LayoutDefs out (HestLayouts.Kinds, Bank, Notification). The nested structures of an error
// source (Generic Address Structures, the notification structure) are nested fields ([Field(offset, size, Nested = ...)]):
// the generator lists them in NestedParts, from which HestLayouts.Kinds makes its HestNestedParts, and keeps them out of
// the flat LayoutDef (the describer walks each as an object of its own). docs/DESIGN.md "HEST (`Hest/`)".

/// <summary>The fields every error source type starts with or holds at the same offsets (ACPI 6.5 §18.3.2.1-§18.3.2.10).</summary>
[LayoutFragment]
internal interface IHestSourceHeader
{
    /// <summary>Type (ACPI 6.5 §18.3.2, error source structure types).</summary>
    [Field(0, 2, FieldKind.Enum, Names = "HestNames.SourceTypes")] ushort Type { get; set; }
    /// <summary>Source ID: unique among the table's error sources.</summary>
    [Field(2, 2, FieldKind.UInt)] ushort SourceId { get; set; }
    /// <summary>Number of error records to pre-allocate (at least 1).</summary>
    [Field(8, 4, FieldKind.UInt, Label = "Records to pre-allocate")] uint NumberOfRecordsToPreAllocate { get; set; }
    /// <summary>Max sections per record (at least 1).</summary>
    [Field(12, 4, FieldKind.UInt)] uint MaxSectionsPerRecord { get; set; }
}

/// <summary>Enabled (offset 7), in every type but NMI (ACPI 6.5 §18.3.2.3 has Reserved there).</summary>
[LayoutFragment]
internal interface IHestEnabled
{
    /// <summary>Enabled: 1 enabled, 0 disabled.</summary>
    [Field(7, 1, FieldKind.Enum, Names = "HestNames.Enabled")] byte Enabled { get; set; }
}

/// <summary>The machine check types' flags (ACPI 6.5 §18.3.2.1, §18.3.2.2, §18.3.2.10): bit 0 FIRMWARE_FIRST, bit 2 GHES_ASSIST.</summary>
[LayoutFragment]
[Reserved(4, 2, Json = "reserved1")]
internal interface IMachineCheckFlags
{
    /// <summary>Flags.</summary>
    [Field(6, 1, FieldKind.Flags, Flags = "HestNames.MachineCheckFlags")] byte Flags { get; set; }
}

/// <summary>Types 1 and 11 after the notification structure at 16 (ACPI 6.5 §18.3.2.2, §18.3.2.10): one layout, two types.</summary>
[LayoutFragment]
[Reserved(45, 3, Json = "reserved2")]
internal interface INotifiedMachineCheck
{
    /// <summary>Notification structure (ACPI 6.5 §18.3.2.9).</summary>
    [Field(16, 28, Nested = "HardwareErrorNotificationDeclaration")] byte[] Notification { get; set; }
    /// <summary>Number of hardware banks (the Machine Check Bank structures that follow the 48 bytes).</summary>
    [Field(44, 1, FieldKind.UInt)] byte NumberOfHardwareBanks { get; set; }
}

/// <summary>The PCI Express AER types' common part (ACPI 6.5 §18.3.2.4-§18.3.2.6).</summary>
[LayoutFragment]
[Reserved(4, 2, Json = "reserved1")]
[Reserved(26, 2, Json = "reserved2")]
internal interface IPcieAer
{
    /// <summary>Flags: bit 0 FIRMWARE_FIRST, bit 1 GLOBAL.</summary>
    [Field(6, 1, FieldKind.Flags, Flags = "HestNames.AerFlags")] byte Flags { get; set; }
    /// <summary>Bus: bus number in bits 7:0, PCI segment in bits 23:8, bits 31:24 zero.</summary>
    [Field(16, 4, FieldKind.Bits)]
    [Bit("bus", 0, 8, Label = "Bus number")]
    [Bit("segment", 8, 16)]
    [Bit("reserved", 24, 8)]
    uint Bus { get; set; }
    /// <summary>Device number.</summary>
    [Field(20, 2, FieldKind.UInt)] ushort Device { get; set; }
    /// <summary>Function number.</summary>
    [Field(22, 2, FieldKind.UInt)] ushort Function { get; set; }
    /// <summary>Device control register value to program.</summary>
    [Field(24, 2, FieldKind.Hex)] ushort DeviceControl { get; set; }
    /// <summary>Uncorrectable error mask.</summary>
    [Field(28, 4, FieldKind.Hex)] uint UncorrectableErrorMask { get; set; }
    /// <summary>Uncorrectable error severity.</summary>
    [Field(32, 4, FieldKind.Hex)] uint UncorrectableErrorSeverity { get; set; }
    /// <summary>Correctable error mask.</summary>
    [Field(36, 4, FieldKind.Hex)] uint CorrectableErrorMask { get; set; }
    /// <summary>Advanced error capabilities and control.</summary>
    [Field(40, 4, FieldKind.Hex, Label = "Adv. error capabilities/control")] uint AdvancedErrorCapabilitiesAndControl { get; set; }
}

/// <summary>The generic hardware error source's fields (ACPI 6.5 §18.3.2.7), which GHESv2 (§18.3.2.8) starts with.</summary>
[LayoutFragment]
internal interface IGhes
{
    /// <summary>Related source ID: the non-GHES source this one stands in for, 0xFFFF none.</summary>
    [Field(4, 2, FieldKind.Hex, Names = "HestNames.RelatedSourceId")] ushort RelatedSourceId { get; set; }
    /// <summary>The flags byte, reserved for GHES.</summary>
    [Field(6, 1, FieldKind.Reserved, Json = "flags", Label = "Flags (reserved)")] byte ReservedFlags { get; set; }
    /// <summary>Max raw data length.</summary>
    [Field(16, 4, FieldKind.UInt, Unit = "bytes")] uint MaxRawDataLength { get; set; }
    /// <summary>Error Status Address: the Generic Address Structure of the register holding the error status block's address.</summary>
    [Field(20, 12, Nested = "GenericAddress")] byte[] ErrorStatusAddress { get; set; }
    /// <summary>Notification structure (ACPI 6.5 §18.3.2.9).</summary>
    [Field(32, 28, Nested = "HardwareErrorNotificationDeclaration")] byte[] Notification { get; set; }
    /// <summary>Error status block length (at least 20).</summary>
    [Field(60, 4, FieldKind.UInt, Unit = "bytes")] uint ErrorStatusBlockLength { get; set; }
}

/// <summary>The HEST after its ACPI header (ACPI 6.5 §18.3.2): the Error Source Count; the error source structures follow.</summary>
[Layout("HEST", 40, "ACPI 6.5 §18.3.2", View = "")]
internal sealed partial class HestTableDeclaration : DeclaredStructure
{
    public HestTableDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Error source count.</summary>
    [Field(36, 4, FieldKind.UInt)] public partial uint ErrorSourceCount { get; set; }
}

/// <summary>
/// The first 16 bytes every error source type holds at the same offsets (ACPI 6.5 §18.3.2.1-§18.3.2.10): Type, Source ID,
/// the flags byte at 6 (machine check and AER types; reserved in GHES and NMI), Enabled at 7 (all but NMI), records to
/// pre-allocate and max sections. <see cref="HestErrorSource"/> reads an error source of any type through it.
/// </summary>
[Layout("HEST error source header", 16, "ACPI 6.5 §18.3.2", View = "HestSourceHeaderView")]
[Reserved(4, 2)]
internal sealed partial class HestSourceHeaderDeclaration : DeclaredStructure, IHestSourceHeader, IHestEnabled
{
    public HestSourceHeaderDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Flags byte: machine check flags (types 0, 1, 11) or AER flags (6-8); reserved in GHES, part of Reserved in NMI.</summary>
    [Field(6, 1, FieldKind.Hex)] public partial byte Flags { get; set; }
}

/// <summary>Hardware error notification structure (ACPI 6.5 §18.3.2.9, Table 18.14): 28 bytes.</summary>
[Layout("Hardware error notification", 28, "ACPI 6.5 §18.3.2.9, Table 18.14", View = "HardwareErrorNotificationView")]
internal sealed partial class HardwareErrorNotificationDeclaration : DeclaredStructure
{
    public HardwareErrorNotificationDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Notification type.</summary>
    [Field(0, 1, FieldKind.Enum, Names = "HestNames.NotificationTypes", Label = "Notification type")] public partial byte Type { get; set; }
    /// <summary>Length: 28.</summary>
    [Field(1, 1, FieldKind.UInt, Unit = "bytes")] public partial byte Length { get; set; }
    /// <summary>Configuration write enable.</summary>
    [Field(2, 2, FieldKind.Flags, Flags = "HestNames.ConfigurationWriteEnable")] public partial ushort ConfigurationWriteEnable { get; set; }
    /// <summary>Poll interval.</summary>
    [Field(4, 4, FieldKind.UInt, Unit = "ms")] public partial uint PollInterval { get; set; }
    /// <summary>Vector.</summary>
    [Field(8, 4, FieldKind.UInt)] public partial uint Vector { get; set; }
    /// <summary>Switch to polling threshold value.</summary>
    [Field(12, 4, FieldKind.UInt)] public partial uint SwitchToPollingThresholdValue { get; set; }
    /// <summary>Switch to polling threshold window.</summary>
    [Field(16, 4, FieldKind.UInt, Unit = "ms")] public partial uint SwitchToPollingThresholdWindow { get; set; }
    /// <summary>Error threshold value.</summary>
    [Field(20, 4, FieldKind.UInt)] public partial uint ErrorThresholdValue { get; set; }
    /// <summary>Error threshold window.</summary>
    [Field(24, 4, FieldKind.UInt, Unit = "ms")] public partial uint ErrorThresholdWindow { get; set; }
}

/// <summary>Machine check error bank structure (ACPI 6.5 §18.3.2.1.1): 28 bytes.</summary>
[Layout("Machine check error bank", 28, "ACPI 6.5 §18.3.2.1.1", View = "MachineCheckBankView")]
[Reserved(3, 1)]
internal sealed partial class MachineCheckBankDeclaration : DeclaredStructure
{
    public MachineCheckBankDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Bank number.</summary>
    [Field(0, 1, FieldKind.UInt)] public partial byte BankNumber { get; set; }
    /// <summary>Clear status on initialization: 0 clear, 1 don't clear.</summary>
    [Field(1, 1, FieldKind.Enum, Names = "HestNames.ClearStatusOnInitialization")] public partial byte ClearStatusOnInitialization { get; set; }
    /// <summary>Status data format: 0 IA-32 MCA, 1 Intel 64 MCA, 2 AMD64 MCA.</summary>
    [Field(2, 1, FieldKind.Enum, Names = "HestNames.StatusDataFormat")] public partial byte StatusDataFormat { get; set; }
    /// <summary>Control register MSR address.</summary>
    [Field(4, 4, FieldKind.Hex, Label = "Control register MSR address")] public partial uint ControlRegisterMsrAddress { get; set; }
    /// <summary>Control init data.</summary>
    [Field(8, 8, FieldKind.Hex)] public partial ulong ControlInitData { get; set; }
    /// <summary>Status register MSR address.</summary>
    [Field(16, 4, FieldKind.Hex, Label = "Status register MSR address")] public partial uint StatusRegisterMsrAddress { get; set; }
    /// <summary>Address register MSR address.</summary>
    [Field(20, 4, FieldKind.Hex, Label = "Address register MSR address")] public partial uint AddressRegisterMsrAddress { get; set; }
    /// <summary>Misc register MSR address.</summary>
    [Field(24, 4, FieldKind.Hex, Label = "Misc register MSR address")] public partial uint MiscRegisterMsrAddress { get; set; }
}

/// <summary>Type 0, IA-32 Architecture Machine Check Exception (ACPI 6.5 §18.3.2.1): 40 bytes, then the banks.</summary>
[Layout("IA-32 machine check exception", 40, "ACPI 6.5 §18.3.2.1", View = "Ia32MachineCheckView")]
[Reserved(33, 7, Json = "reserved2")]
internal sealed partial class Ia32MachineCheckDeclaration : DeclaredStructure, IHestSourceHeader, IHestEnabled, IMachineCheckFlags
{
    public Ia32MachineCheckDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Global capability init data (IA32_MCG_CAP).</summary>
    [Field(16, 8, FieldKind.Hex)] public partial ulong GlobalCapabilityInitData { get; set; }
    /// <summary>Global control init data (IA32_MCG_CTL).</summary>
    [Field(24, 8, FieldKind.Hex)] public partial ulong GlobalControlInitData { get; set; }
    /// <summary>Number of hardware banks (the Machine Check Bank structures that follow the 40 bytes).</summary>
    [Field(32, 1, FieldKind.UInt)] public partial byte NumberOfHardwareBanks { get; set; }
}

/// <summary>Type 1, IA-32 Architecture Corrected Machine Check (ACPI 6.5 §18.3.2.2): 48 bytes, then the banks.</summary>
[Layout("IA-32 corrected machine check", 48, "ACPI 6.5 §18.3.2.2", View = "Ia32CorrectedMachineCheckView")]
internal sealed partial class Ia32CorrectedMachineCheckDeclaration : DeclaredStructure, IHestSourceHeader, IHestEnabled, IMachineCheckFlags, INotifiedMachineCheck
{
    public Ia32CorrectedMachineCheckDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }
}

/// <summary>Type 11, IA-32 Architecture Deferred Machine Check (ACPI 6.5 §18.3.2.10): type 1's layout.</summary>
[Layout("IA-32 deferred machine check", 48, "ACPI 6.5 §18.3.2.10", View = "Ia32DeferredMachineCheckView")]
internal sealed partial class Ia32DeferredMachineCheckDeclaration : DeclaredStructure, IHestSourceHeader, IHestEnabled, IMachineCheckFlags, INotifiedMachineCheck
{
    public Ia32DeferredMachineCheckDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }
}

/// <summary>Type 2, IA-32 Architecture Non-Maskable Interrupt (ACPI 6.5 §18.3.2.3): 20 bytes.</summary>
[Layout("IA-32 non-maskable interrupt", 20, "ACPI 6.5 §18.3.2.3", View = "Ia32NmiView")]
[Reserved(4, 4, Json = "reserved1")]
internal sealed partial class Ia32NmiDeclaration : DeclaredStructure, IHestSourceHeader
{
    public Ia32NmiDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Max raw data length.</summary>
    [Field(16, 4, FieldKind.UInt, Unit = "bytes")] public partial uint MaxRawDataLength { get; set; }
}

/// <summary>Type 6, PCI Express Root Port AER (ACPI 6.5 §18.3.2.4): 48 bytes.</summary>
[Layout("PCI Express root port AER", 48, "ACPI 6.5 §18.3.2.4", View = "PcieRootPortAerView")]
internal sealed partial class PcieRootPortAerDeclaration : DeclaredStructure, IHestSourceHeader, IHestEnabled, IPcieAer
{
    public PcieRootPortAerDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Root error command register value.</summary>
    [Field(44, 4, FieldKind.Hex)] public partial uint RootErrorCommand { get; set; }
}

/// <summary>Type 7, PCI Express Device AER (ACPI 6.5 §18.3.2.5): 44 bytes.</summary>
[Layout("PCI Express device AER", 44, "ACPI 6.5 §18.3.2.5", View = "PcieDeviceAerView")]
internal sealed partial class PcieDeviceAerDeclaration : DeclaredStructure, IHestSourceHeader, IHestEnabled, IPcieAer
{
    public PcieDeviceAerDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }
}

/// <summary>Type 8, PCI Express/PCI-X Bridge AER (ACPI 6.5 §18.3.2.6): 56 bytes.</summary>
[Layout("PCI Express/PCI-X bridge AER", 56, "ACPI 6.5 §18.3.2.6", View = "PcieBridgeAerView")]
internal sealed partial class PcieBridgeAerDeclaration : DeclaredStructure, IHestSourceHeader, IHestEnabled, IPcieAer
{
    public PcieBridgeAerDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Secondary uncorrectable error mask.</summary>
    [Field(44, 4, FieldKind.Hex)] public partial uint SecondaryUncorrectableErrorMask { get; set; }
    /// <summary>Secondary uncorrectable error severity.</summary>
    [Field(48, 4, FieldKind.Hex, Label = "Secondary uncorrectable severity")] public partial uint SecondaryUncorrectableErrorSeverity { get; set; }
    /// <summary>Secondary advanced error capabilities and control.</summary>
    [Field(52, 4, FieldKind.Hex, Label = "Secondary adv. error caps/control")] public partial uint SecondaryAdvancedErrorCapabilitiesAndControl { get; set; }
}

/// <summary>Type 9, Generic Hardware Error Source (ACPI 6.5 §18.3.2.7): 64 bytes.</summary>
[Layout("Generic hardware error source", 64, "ACPI 6.5 §18.3.2.7", View = "GhesView")]
internal sealed partial class GhesDeclaration : DeclaredStructure, IHestSourceHeader, IHestEnabled, IGhes
{
    public GhesDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }
}

/// <summary>Type 10, Generic Hardware Error Source version 2 (ACPI 6.5 §18.3.2.8, Table 18.13): GHES plus the read ack register at 64.</summary>
[Layout("Generic hardware error source v2", 92, "ACPI 6.5 §18.3.2.8, Table 18.13", View = "GhesV2View")]
internal sealed partial class GhesV2Declaration : DeclaredStructure, IHestSourceHeader, IHestEnabled, IGhes
{
    public GhesV2Declaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Read Ack Register: the Generic Address Structure of the register OSPM acknowledges the block through.</summary>
    [Field(64, 12, Nested = "GenericAddress")] public partial byte[] ReadAckRegister { get; set; }
    /// <summary>Read ack preserve mask.</summary>
    [Field(76, 8, FieldKind.Hex)] public partial ulong ReadAckPreserve { get; set; }
    /// <summary>Read ack write mask.</summary>
    [Field(84, 8, FieldKind.Hex)] public partial ulong ReadAckWrite { get; set; }
}
