using ApeiKit.Declarations;

namespace ApeiKit.Cper.Windows;

/// <summary>
/// Windows PCI Express DPC capability section (GUID ec49534b-30e7-4358-972f-eca6958fae3b): a copy of the
/// port's Downstream Port Containment extended capability (PCI_EXPRESS_DPC_CAPABILITY, 68 bytes) that
/// pci.sys attaches to a PCIe error record.
/// </summary>
/// <remarks>
/// Section layout (the register block, 68 bytes from the extended capability header through the RP PIO TLP
/// prefix log): ralish/DecodeWheaRecord (src/DecodeWheaRecord/Errors/Microsoft/PciDpc.cs). Register offsets and
/// bits: PCI Express Base Specification, "Downstream Port Containment Extended Capability" (r5.0 7.9.15),
/// as mirrored in Linux include/uapi/linux/pci_regs.h (PCI_EXP_DPC_*). Bytes past 68 are kept and shown raw.
/// </remarks>
[Layout("Windows PCI Express DPC capability section", Size, "PCI Express Base r5.0 7.9.15, DPC extended capability", SectionGuid = "ec49534b-30e7-4358-972f-eca6958fae3b", GuidName = "WindowsPcieDpc", DisplayName = "PCI Express DPC Capability (Windows WHEA)", GuidSource = "Windows cperguid.h", TrailingLabel = "Bytes past the documented layout")]
public sealed partial class PcieDpcSection : FixedSectionBody
{
    /// <summary>Section size.</summary>
    public const int Size = 68;

    private static readonly NameTable s_triggerEnable = [new(0, "disabled"), new(1, "on ERR_FATAL"), new(2, "on ERR_NONFATAL or ERR_FATAL"), new(3, "reserved")];
    private static readonly NameTable s_triggerReason = [new(0, "unmasked uncorrectable error"), new(1, "ERR_NONFATAL received"), new(2, "ERR_FATAL received"), new(3, "see trigger reason extension")];
    private static readonly NameTable s_triggerReasonExt = [new(0, "RP PIO error"), new(1, "DPC software trigger"), new(2, "reserved"), new(3, "reserved")];

    /// <summary>RP PIO error bits (Status, Mask, Severity, SysError and Exception registers share them).</summary>
    public static FlagTable RpPioBits { get; } = [
        new(0, "cfgUrCpl"), new(1, "cfgCaCpl"), new(2, "cfgCto"), new(8, "ioUrCpl"), new(9, "ioCaCpl"), new(10, "ioCto"), new(16, "memUrCpl"), new(17, "memCaCpl"), new(18, "memCto"),
    ];

    // The declaration (PCI Express Base r5.0 7.9.15, Downstream Port Containment Extended Capability; section layout per
    // ralish/DecodeWheaRecord PciDpc.cs): one line per field; FieldDef statics, LayoutDef, property bodies and
    // PcieDpcSectionView are generated from it.

    /// <summary>Extended capability header.</summary>
    [Field(0, 4, FieldKind.Bits, Label = "Extended capability header")]
    [Bit("capabilityId", 0, 16, Label = "Capability ID (0x1D = DPC)")]
    [Bit("version", 16, 4, Label = "Capability version")]
    [Bit("nextCapabilityOffset", 20, 12)]
    public partial uint Header { get; set; }
    /// <summary>DPC Capability register.</summary>
    [Field(4, 2, FieldKind.Bits, Json = "dpcCapability", Label = "DPC capability")]
    [Bit("interruptMessageNumber", 0, 5, Label = "DPC interrupt message number")]
    [Bit("rpExtensions", 5, 1, Label = "RP extensions for DPC")]
    [Bit("poisonedTlpEgressBlocking", 6, 1, Label = "Poisoned TLP egress blocking supported")]
    [Bit("softwareTriggering", 7, 1, Label = "DPC software triggering supported")]
    [Bit("rpPioLogSize", 8, 4, Label = "RP PIO log size (DWORDs)")]
    [Bit("dlActiveErrCor", 12, 1, Label = "DL_Active ERR_COR signaling supported")]
    public partial ushort Capability { get; set; }
    /// <summary>DPC Control register.</summary>
    [Field(6, 2, FieldKind.Bits, Json = "dpcControl", Label = "DPC control")]
    [Bit("triggerEnable", 0, 2, Label = "DPC trigger enable", Names = nameof(s_triggerEnable))]
    [Bit("completionControl", 2, 1, Label = "DPC completion control (1 = UR completions)")]
    [Bit("interruptEnable", 3, 1, Label = "DPC interrupt enable")]
    [Bit("errCorEnable", 4, 1, Label = "DPC ERR_COR enable")]
    [Bit("poisonedTlpEgressBlockingEnable", 5, 1, Label = "Poisoned TLP egress blocking enable")]
    [Bit("softwareTrigger", 6, 1, Label = "DPC software trigger")]
    [Bit("dlActiveErrCorEnable", 7, 1, Label = "DL_Active ERR_COR enable")]
    public partial ushort Control { get; set; }
    /// <summary>DPC Status register.</summary>
    [Field(8, 2, FieldKind.Bits, Json = "dpcStatus", Label = "DPC status")]
    [Bit("triggerStatus", 0, 1, Label = "DPC trigger status (port contained)")]
    [Bit("triggerReason", 1, 2, Label = "DPC trigger reason", Names = nameof(s_triggerReason))]
    [Bit("interruptStatus", 3, 1, Label = "DPC interrupt status")]
    [Bit("rpBusy", 4, 1, Label = "DPC RP busy")]
    [Bit("triggerReasonExtension", 5, 2, Label = "DPC trigger reason extension", Names = nameof(s_triggerReasonExt))]
    [Bit("rpPioFirstErrorPointer", 8, 5, Label = "RP PIO first error pointer")]
    public partial ushort Status { get; set; }
    /// <summary>DPC Error Source ID: requester ID of the ERR_FATAL/ERR_NONFATAL message.</summary>
    [Field(10, 2, FieldKind.Bits, Json = "dpcErrorSourceId", Label = "DPC error source ID")]
    [Bit("function", 0, 3)]
    [Bit("device", 3, 5)]
    [Bit("bus", 8, 8)]
    public partial ushort ErrorSourceId { get; set; }
    /// <summary>RP PIO Status register (see <see cref="RpPioBits"/>).</summary>
    [Field(12, 4, FieldKind.Flags, Flags = nameof(RpPioBits), Label = "RP PIO status")] public partial uint RpPioStatus { get; set; }
    /// <summary>RP PIO Mask register.</summary>
    [Field(16, 4, FieldKind.Flags, Flags = nameof(RpPioBits), Label = "RP PIO mask")] public partial uint RpPioMask { get; set; }
    /// <summary>RP PIO Severity register.</summary>
    [Field(20, 4, FieldKind.Flags, Flags = nameof(RpPioBits), Label = "RP PIO severity")] public partial uint RpPioSeverity { get; set; }
    /// <summary>RP PIO SysError register.</summary>
    [Field(24, 4, FieldKind.Flags, Flags = nameof(RpPioBits), Label = "RP PIO SysError")] public partial uint RpPioSysError { get; set; }
    /// <summary>RP PIO Exception register.</summary>
    [Field(28, 4, FieldKind.Flags, Flags = nameof(RpPioBits), Label = "RP PIO exception")] public partial uint RpPioException { get; set; }
    /// <summary>RP PIO Header Log (16 bytes).</summary>
    [Field(32, 16, FieldKind.Bytes, Label = "RP PIO header log")] public partial byte[] RpPioHeaderLog { get; set; }
    /// <summary>RP PIO ImpSpec Log.</summary>
    [Field(48, 4, FieldKind.Hex, Label = "RP PIO implementation-specific log")] public partial uint RpPioImpSpecLog { get; set; }
    /// <summary>RP PIO TLP Prefix Log (16 bytes).</summary>
    [Field(52, 16, FieldKind.Bytes, Label = "RP PIO TLP prefix log")] public partial byte[] RpPioTlpPrefixLog { get; set; }
    /// <summary>DPC Status bits 2:1, the trigger reason (0 uncorrectable error, 1 ERR_NONFATAL, 2 ERR_FATAL, 3 see extension).</summary>
    public int TriggerReason => Status >> 1 & 3;
    /// <summary>DPC Status bits 6:5, the trigger reason extension (0 RP PIO error, 1 software trigger).</summary>
    public int TriggerReasonExtension => Status >> 5 & 3;
}
