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
public sealed class PcieDpcSection : FixedSectionBody
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

    /// <summary>Extended capability header (offset 0).</summary>
    public static readonly FieldDef HeaderField = FieldDef.Bits("header", "Extended capability header", 0, 4,
        [new("capabilityId", "Capability ID (0x1D = DPC)", 0, 16), new("version", "Capability version", 16, 4), new("nextCapabilityOffset", "Next capability offset", 20, 12)]);
    /// <summary>DPC Capability register (offset 4).</summary>
    public static readonly FieldDef CapabilityField = FieldDef.Bits("dpcCapability", "DPC capability", 4, 2,
    [
        new("interruptMessageNumber", "DPC interrupt message number", 0, 5),
        new("rpExtensions", "RP extensions for DPC", 5, 1),
        new("poisonedTlpEgressBlocking", "Poisoned TLP egress blocking supported", 6, 1),
        new("softwareTriggering", "DPC software triggering supported", 7, 1),
        new("rpPioLogSize", "RP PIO log size (DWORDs)", 8, 4),
        new("dlActiveErrCor", "DL_Active ERR_COR signaling supported", 12, 1),
    ]);
    /// <summary>DPC Control register (offset 6).</summary>
    public static readonly FieldDef ControlField = FieldDef.Bits("dpcControl", "DPC control", 6, 2,
    [
        new("triggerEnable", "DPC trigger enable", 0, 2, s_triggerEnable),
        new("completionControl", "DPC completion control (1 = UR completions)", 2, 1),
        new("interruptEnable", "DPC interrupt enable", 3, 1),
        new("errCorEnable", "DPC ERR_COR enable", 4, 1),
        new("poisonedTlpEgressBlockingEnable", "Poisoned TLP egress blocking enable", 5, 1),
        new("softwareTrigger", "DPC software trigger", 6, 1),
        new("dlActiveErrCorEnable", "DL_Active ERR_COR enable", 7, 1),
    ]);
    /// <summary>DPC Status register (offset 8).</summary>
    public static readonly FieldDef StatusField = FieldDef.Bits("dpcStatus", "DPC status", 8, 2,
    [
        new("triggerStatus", "DPC trigger status (port contained)", 0, 1),
        new("triggerReason", "DPC trigger reason", 1, 2, s_triggerReason),
        new("interruptStatus", "DPC interrupt status", 3, 1),
        new("rpBusy", "DPC RP busy", 4, 1),
        new("triggerReasonExtension", "DPC trigger reason extension", 5, 2, s_triggerReasonExt),
        new("rpPioFirstErrorPointer", "RP PIO first error pointer", 8, 5),
    ]);
    /// <summary>DPC Error Source ID (offset 10): requester ID of the ERR_FATAL/ERR_NONFATAL message.</summary>
    public static readonly FieldDef ErrorSourceIdField = FieldDef.Bits("dpcErrorSourceId", "DPC error source ID", 10, 2,
        [new("function", "Function", 0, 3), new("device", "Device", 3, 5), new("bus", "Bus", 8, 8)]);

    /// <summary>Layout.</summary>
    public static StructDef LayoutDef { get; } = new("Windows PCI Express DPC capability section", Size,
    [
        HeaderField, CapabilityField, ControlField, StatusField, ErrorSourceIdField,
        FieldDef.Flags("rpPioStatus", "RP PIO status", 12, 4, RpPioBits),
        FieldDef.Flags("rpPioMask", "RP PIO mask", 16, 4, RpPioBits),
        FieldDef.Flags("rpPioSeverity", "RP PIO severity", 20, 4, RpPioBits),
        FieldDef.Flags("rpPioSysError", "RP PIO SysError", 24, 4, RpPioBits),
        FieldDef.Flags("rpPioException", "RP PIO exception", 28, 4, RpPioBits),
        FieldDef.Bytes("rpPioHeaderLog", "RP PIO header log", 32, 16),
        FieldDef.Hex("rpPioImpSpecLog", "RP PIO implementation-specific log", 48, 4),
        FieldDef.Bytes("rpPioTlpPrefixLog", "RP PIO TLP prefix log", 52, 16),
    ]);

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.WindowsPcieDpc, CperGuids.SectionName(CperGuids.WindowsPcieDpc)!, Describe, (b, o) => Decode(b, o));

    /// <summary>A new, zeroed 68-byte section.</summary>
    public PcieDpcSection() : base(LayoutDef) { }

    private PcieDpcSection(ReadOnlySpan<byte> bytes) : base(LayoutDef, bytes) { }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.WindowsPcieDpc;

    /// <summary>Decodes a body of at least 68 bytes.</summary>
    /// <exception cref="ApeiContentException">Fewer than 68 bytes.</exception>
    public static PcieDpcSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        CheckLength(body, baseOffset);
        return new PcieDpcSection(body);
    }

    /// <summary>Describes the 68-byte register block, then any trailing bytes.</summary>
    /// <exception cref="ApeiContentException">Fewer than 68 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        CheckLength(body, baseOffset);
        LayoutDef.Describe(body[..Size], baseOffset, visitor);
        if (body.Length > Size) visitor.Data("trailingBytes", "Bytes past the documented layout", baseOffset + Size, body[Size..]);
    }

    private static void CheckLength(ReadOnlySpan<byte> body, long baseOffset)
    {
        if (body.Length < Size) ThrowHelper.ThrowTruncated("Windows PCI Express DPC capability section", baseOffset, Size, body.Length);
    }

    /// <summary>Extended capability header.</summary>
    public uint Header { get => (uint)Get(HeaderField); set => Set(HeaderField, value); }
    /// <summary>DPC Capability register.</summary>
    public ushort Capability { get => (ushort)Get(CapabilityField); set => Set(CapabilityField, value); }
    /// <summary>DPC Control register.</summary>
    public ushort Control { get => (ushort)Get(ControlField); set => Set(ControlField, value); }
    /// <summary>DPC Status register.</summary>
    public ushort Status { get => (ushort)Get(StatusField); set => Set(StatusField, value); }
    /// <summary>DPC Error Source ID.</summary>
    public ushort ErrorSourceId { get => (ushort)Get(ErrorSourceIdField); set => Set(ErrorSourceIdField, value); }
    /// <summary>DPC Status bits 2:1, the trigger reason (0 uncorrectable error, 1 ERR_NONFATAL, 2 ERR_FATAL, 3 see extension).</summary>
    public int TriggerReason => Status >> 1 & 3;
    /// <summary>DPC Status bits 6:5, the trigger reason extension (0 RP PIO error, 1 software trigger).</summary>
    public int TriggerReasonExtension => Status >> 5 & 3;
}
