namespace ApeiKit.Cper;

/// <summary>
/// PCI Express error section (UEFI 2.10 N.2.7, Table N-35): 208 bytes. The device ID (16 bytes at 24),
/// the PCI Express capability structure (60 bytes at 52) and the AER extended capability (96 bytes at 112)
/// are described as named registers. Bytes beyond the layout are kept.
/// </summary>
/// <remarks>
/// Command/Status follows the specification, Linux and edk2: the command register in bits 0-15, the status register in
/// bits 16-31. The Windows WHEA captures in <c>fixtures/cper/whea-edk2</c> hold values that look the other way round
/// (0x0010 or 0x4010 low, 0x0547 high: a status with "capabilities list" and a typical root-port command); they are
/// shown as the specification says, not swapped.
/// </remarks>
public sealed class PcieErrorSection : FixedSectionBody
{
    /// <summary>Layout size.</summary>
    public const int Size = 208;
    private const string StructureName = "PCI Express error section";
    private const int DeviceIdOffset = 24;     // N.2.7, Device ID
    private const int CapabilityOffset = 52;   // N.2.7, Capability Structure (60 bytes)
    private const int AerInfoOffset = 112;     // N.2.7, AER Info (96 bytes)

    /// <summary>Port Type (N.2.7), the PCI Express device/port type.</summary>
    public static NameTable PortTypes { get; } = [
        new(0, "PCI Express endpoint"), new(1, "legacy PCI endpoint"), new(4, "root port"), new(5, "upstream switch port"),
        new(6, "downstream switch port"), new(7, "PCI Express to PCI/PCI-X bridge"), new(8, "PCI/PCI-X to PCI Express bridge"),
        new(9, "root complex integrated endpoint"), new(10, "root complex event collector"),
    ];

    private static readonly FlagTable s_validation = [
        new(0, "portType"), new(1, "version"), new(2, "commandStatus"), new(3, "deviceId"), new(4, "deviceSerialNumber"),
        new(5, "bridgeControlStatus"), new(6, "capabilityStructure"), new(7, "aerInfo"),
    ];

    private static readonly FlagTable s_command = [
        new(0, "ioSpace"), new(1, "memorySpace"), new(2, "busMaster"), new(3, "specialCycles"), new(4, "memoryWriteInvalidate"),
        new(5, "vgaPaletteSnoop"), new(6, "parityErrorResponse"), new(8, "serrEnable"), new(9, "fastBackToBack"), new(10, "interruptDisable"),
    ];

    private static readonly FlagTable s_status = [
        new(3, "interruptStatus"), new(4, "capabilitiesList"), new(5, "66MHzCapable"), new(7, "fastBackToBackCapable"),
        new(8, "masterDataParityError"), new(11, "signaledTargetAbort"), new(12, "receivedTargetAbort"), new(13, "receivedMasterAbort"),
        new(14, "signaledSystemError"), new(15, "detectedParityError"),
    ];

    private static readonly FlagTable s_secondaryStatus = [
        new(8, "masterDataParityError"), new(11, "signaledTargetAbort"), new(12, "receivedTargetAbort"), new(13, "receivedMasterAbort"),
        new(14, "receivedSystemError"), new(15, "detectedParityError"),
    ];

    private static readonly FlagTable s_bridgeControl = [
        new(0, "parityErrorResponse"), new(1, "serrEnable"), new(2, "isaEnable"), new(3, "vgaEnable"), new(4, "vga16BitDecode"),
        new(5, "masterAbortMode"), new(6, "secondaryBusReset"), new(7, "fastBackToBack"),
    ];

    private static readonly FieldDef s_validationBits = FieldDef.Flags("validationBits", "Validation bits", 0, 8, s_validation);
    private static readonly FieldDef s_portType = FieldDef.Enum("portType", "Port type", 8, 4, PortTypes, validBit: 0);
    private static readonly FieldDef s_version = FieldDef.Bits("version", "PCI Express version", 12, 4,
        [new("minor", "Minor (BCD)", 0, 8, IsBcd: true), new("major", "Major (BCD)", 8, 8, IsBcd: true)], validBit: 1);
    private static readonly FieldDef s_commandField = FieldDef.Flags("command", "Command register", 16, 2, s_command, validBit: 2);
    private static readonly FieldDef s_statusField = FieldDef.Flags("status", "Status register", 18, 2, s_status, validBit: 2);
    private static readonly FieldDef s_reserved = FieldDef.Reserved("reserved", 20, 4);
    private static readonly FieldDef s_deviceId = FieldDef.Bytes("deviceId", "Device ID", DeviceIdOffset, 16, validBit: 3);
    private static readonly FieldDef s_serial = FieldDef.Hex("deviceSerialNumber", "Device serial number", 40, 8, validBit: 4);
    private static readonly FieldDef s_secondaryStatusField = FieldDef.Flags("secondaryStatus", "Bridge secondary status", 48, 2, s_secondaryStatus, validBit: 5);
    private static readonly FieldDef s_bridgeControlField = FieldDef.Flags("bridgeControl", "Bridge control", 50, 2, s_bridgeControl, validBit: 5);
    private static readonly FieldDef s_capability = FieldDef.Bytes("capabilityStructure", "Capability structure", CapabilityOffset, 60, validBit: 6);
    private static readonly FieldDef s_aer = FieldDef.Bytes("aerInfo", "AER info", AerInfoOffset, 96, validBit: 7);

    /// <summary>Layout of the whole section (UEFI 2.10 Table N-35); the three blocks are byte fields here and have their own layouts.</summary>
    public static StructDef LayoutDef { get; } = new(StructureName, Size,
    [
        s_validationBits, s_portType, s_version, s_commandField, s_statusField, s_reserved, s_deviceId, s_serial,
        s_secondaryStatusField, s_bridgeControlField, s_capability, s_aer,
    ], validationField: "validationBits");

    // Device ID (N.2.7, 16 bytes).
    private static readonly FieldDef s_vendorId = FieldDef.Hex("vendorId", "Vendor ID", 0, 2);
    private static readonly FieldDef s_devId = FieldDef.Hex("deviceId", "Device ID", 2, 2);
    private static readonly FieldDef s_classCode = FieldDef.Hex("classCode", "Class code", 4, 3);
    private static readonly FieldDef s_function = FieldDef.UInt("functionNumber", "Function number", 7, 1);
    private static readonly FieldDef s_device = FieldDef.UInt("deviceNumber", "Device number", 8, 1);
    private static readonly FieldDef s_segment = FieldDef.Hex("segmentNumber", "Segment number", 9, 2);
    private static readonly FieldDef s_bus = FieldDef.Hex("primaryBusNumber", "Root port/bridge primary bus number", 11, 1);
    private static readonly FieldDef s_secondaryBus = FieldDef.Hex("secondaryBusNumber", "Root port/bridge secondary bus number", 12, 1);
    private static readonly FieldDef s_slot = FieldDef.Bits("slot", "Slot", 13, 2, [new("slotNumber", "Slot number", 3, 13)]);
    private static readonly FieldDef s_deviceIdReserved = FieldDef.Reserved("reserved", 15, 1);

    /// <summary>Layout of the device ID block (UEFI 2.10 N.2.7, Device ID).</summary>
    /// <remarks>Valid with bit 3 of the section's validation bits (N.2.7): an encoder given the device ID sets it.</remarks>
    public static StructDef DeviceIdLayout { get; } = new("PCI Express device ID", 16,
        [s_vendorId, s_devId, s_classCode, s_function, s_device, s_segment, s_bus, s_secondaryBus, s_slot, s_deviceIdReserved], parentValidBit: 3);

    /// <summary>Layout of the 60-byte PCI Express capability structure (PCI Express Base 4.0 section 7.5.3, capability ID 0x10).</summary>
    /// <remarks>Valid with bit 6 of the section's validation bits (N.2.7): an encoder given the structure sets it.</remarks>
    public static StructDef CapabilityLayout { get; } = new("PCI Express capability structure", 60,
    [
        FieldDef.Hex("capabilityId", "Capability ID (0x10)", 0, 1),
        FieldDef.Hex("nextCapabilityPointer", "Next capability pointer", 1, 1),
        FieldDef.Bits("pcieCapabilities", "PCI Express capabilities", 2, 2,
            [new("version", "Capability version", 0, 4), new("devicePortType", "Device/port type", 4, 4),
             new("slotImplemented", "Slot implemented", 8, 1), new("interruptMessageNumber", "Interrupt message number", 9, 5)]),
        FieldDef.Hex("deviceCapabilities", "Device capabilities", 4, 4),
        FieldDef.Bits("deviceControl", "Device control", 8, 2,
            [new("correctableReporting", "Correctable error reporting enable", 0, 1), new("nonFatalReporting", "Non-fatal error reporting enable", 1, 1),
             new("fatalReporting", "Fatal error reporting enable", 2, 1), new("unsupportedRequestReporting", "Unsupported request reporting enable", 3, 1),
             new("maxPayloadSize", "Max payload size (128 << n bytes)", 5, 3), new("maxReadRequestSize", "Max read request size (128 << n bytes)", 12, 3)]),
        FieldDef.Bits("deviceStatus", "Device status", 10, 2,
            [new("correctableErrorDetected", "Correctable error detected", 0, 1), new("nonFatalErrorDetected", "Non-fatal error detected", 1, 1),
             new("fatalErrorDetected", "Fatal error detected", 2, 1), new("unsupportedRequestDetected", "Unsupported request detected", 3, 1),
             new("auxPowerDetected", "AUX power detected", 4, 1), new("transactionsPending", "Transactions pending", 5, 1)]),
        FieldDef.Bits("linkCapabilities", "Link capabilities", 12, 4,
            [new("maxLinkSpeed", "Max link speed", 0, 4), new("maxLinkWidth", "Max link width", 4, 6), new("portNumber", "Port number", 24, 8)]),
        FieldDef.Hex("linkControl", "Link control", 16, 2),
        FieldDef.Bits("linkStatus", "Link status", 18, 2,
            [new("currentLinkSpeed", "Current link speed", 0, 4), new("negotiatedLinkWidth", "Negotiated link width", 4, 6),
             new("linkTraining", "Link training", 11, 1), new("dataLinkLayerActive", "Data link layer link active", 13, 1)]),
        FieldDef.Hex("slotCapabilities", "Slot capabilities", 20, 4),
        FieldDef.Hex("slotControl", "Slot control", 24, 2),
        FieldDef.Hex("slotStatus", "Slot status", 26, 2),
        FieldDef.Hex("rootControl", "Root control", 28, 2),
        FieldDef.Hex("rootCapabilities", "Root capabilities", 30, 2),
        FieldDef.Hex("rootStatus", "Root status", 32, 4),
        FieldDef.Hex("deviceCapabilities2", "Device capabilities 2", 36, 4),
        FieldDef.Hex("deviceControl2", "Device control 2", 40, 2),
        FieldDef.Hex("deviceStatus2", "Device status 2", 42, 2),
        FieldDef.Hex("linkCapabilities2", "Link capabilities 2", 44, 4),
        FieldDef.Hex("linkControl2", "Link control 2", 48, 2),
        FieldDef.Hex("linkStatus2", "Link status 2", 50, 2),
        FieldDef.Hex("slotCapabilities2", "Slot capabilities 2", 52, 4),
        FieldDef.Hex("slotControl2", "Slot control 2", 56, 2),
        FieldDef.Hex("slotStatus2", "Slot status 2", 58, 2),
    ], parentValidBit: 6);

    /// <summary>AER uncorrectable error bits (PCI Express Base 4.0 section 7.8.4.2).</summary>
    public static FlagTable UncorrectableErrors { get; } = [
        new(4, "dataLinkProtocolError"), new(5, "surpriseDown"), new(12, "poisonedTlp"), new(13, "flowControlProtocolError"),
        new(14, "completionTimeout"), new(15, "completerAbort"), new(16, "unexpectedCompletion"), new(17, "receiverOverflow"),
        new(18, "malformedTlp"), new(19, "ecrcError"), new(20, "unsupportedRequest"), new(21, "acsViolation"),
        new(22, "uncorrectableInternalError"), new(23, "mcBlockedTlp"), new(24, "atomicOpEgressBlocked"), new(25, "tlpPrefixBlocked"),
        new(26, "poisonedTlpEgressBlocked"),
    ];

    /// <summary>AER correctable error bits (PCI Express Base 4.0 section 7.8.4.5).</summary>
    public static FlagTable CorrectableErrors { get; } = [
        new(0, "receiverError"), new(6, "badTlp"), new(7, "badDllp"), new(8, "replayNumRollover"), new(12, "replayTimerTimeout"),
        new(13, "advisoryNonFatal"), new(14, "correctedInternalError"), new(15, "headerLogOverflow"),
    ];

    private static readonly FlagTable s_rootCommand = [new(0, "correctableReportingEnable"), new(1, "nonFatalReportingEnable"), new(2, "fatalReportingEnable")];

    /// <summary>Layout of the 96-byte AER info: the AER extended capability (PCI Express Base 4.0 section 7.8.4) and its reserved tail.</summary>
    /// <remarks>Valid with bit 7 of the section's validation bits (N.2.7): an encoder given the AER info sets it.</remarks>
    public static StructDef AerLayout { get; } = new("AER info", 96,
    [
        FieldDef.Bits("capabilityHeader", "AER capability header", 0, 4,
            [new("capabilityId", "Extended capability ID (0x0001)", 0, 16), new("version", "Capability version", 16, 4), new("nextOffset", "Next capability offset", 20, 12)]),
        FieldDef.Flags("uncorrectableErrorStatus", "Uncorrectable error status", 4, 4, UncorrectableErrors),
        FieldDef.Flags("uncorrectableErrorMask", "Uncorrectable error mask", 8, 4, UncorrectableErrors),
        FieldDef.Flags("uncorrectableErrorSeverity", "Uncorrectable error severity (1 = fatal)", 12, 4, UncorrectableErrors),
        FieldDef.Flags("correctableErrorStatus", "Correctable error status", 16, 4, CorrectableErrors),
        FieldDef.Flags("correctableErrorMask", "Correctable error mask", 20, 4, CorrectableErrors),
        FieldDef.Bits("capabilitiesControl", "Advanced error capabilities and control", 24, 4,
            [new("firstErrorPointer", "First error pointer", 0, 5), new("ecrcGenerationCapable", "ECRC generation capable", 5, 1),
             new("ecrcGenerationEnable", "ECRC generation enable", 6, 1), new("ecrcCheckCapable", "ECRC check capable", 7, 1),
             new("ecrcCheckEnable", "ECRC check enable", 8, 1), new("multipleHeaderCapable", "Multiple header recording capable", 9, 1),
             new("multipleHeaderEnable", "Multiple header recording enable", 10, 1), new("tlpPrefixLogPresent", "TLP prefix log present", 11, 1)]),
        FieldDef.Hex("headerLog0", "Header log DW0", 28, 4),
        FieldDef.Hex("headerLog1", "Header log DW1", 32, 4),
        FieldDef.Hex("headerLog2", "Header log DW2", 36, 4),
        FieldDef.Hex("headerLog3", "Header log DW3", 40, 4),
        FieldDef.Flags("rootErrorCommand", "Root error command", 44, 4, s_rootCommand),
        FieldDef.Bits("rootErrorStatus", "Root error status", 48, 4,
            [new("errCorReceived", "ERR_COR received", 0, 1), new("multipleErrCorReceived", "Multiple ERR_COR received", 1, 1),
             new("errFatalNonFatalReceived", "ERR_FATAL/NONFATAL received", 2, 1), new("multipleErrFatalNonFatalReceived", "Multiple ERR_FATAL/NONFATAL received", 3, 1),
             new("firstUncorrectableFatal", "First uncorrectable fatal", 4, 1), new("nonFatalMessagesReceived", "Non-fatal error messages received", 5, 1),
             new("fatalMessagesReceived", "Fatal error messages received", 6, 1), new("interruptMessageNumber", "AER interrupt message number", 27, 5)]),
        FieldDef.Bits("errorSourceId", "Error source identification", 52, 4,
            [new("errCorSourceId", "ERR_COR source ID", 0, 16), new("errFatalNonFatalSourceId", "ERR_FATAL/NONFATAL source ID", 16, 16)]),
        FieldDef.Bytes("tlpPrefixLog", "TLP prefix log", 56, 16),
        FieldDef.Reserved("reserved", 72, 24),
    ], parentValidBit: 7);

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.PciExpress, "PCI Express", Describe, (b, o) => Decode(b, o));

    /// <summary>A new, zeroed 208-byte section.</summary>
    public PcieErrorSection() : base(LayoutDef) { }

    private PcieErrorSection(ReadOnlySpan<byte> bytes) : base(LayoutDef, bytes) { }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.PciExpress;

    /// <summary>Decodes a body of at least 208 bytes (trailing bytes are kept).</summary>
    /// <exception cref="ApeiContentException">Fewer than 208 bytes.</exception>
    public static PcieErrorSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        CheckLength(body, baseOffset);
        return new PcieErrorSection(body);
    }

    /// <summary>Describes the section: its own fields, then the device ID, capability structure and AER info as named registers.</summary>
    /// <exception cref="ApeiContentException">Fewer than 208 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        CheckLength(body, baseOffset);
        var s = body[..Size];
        ulong valid = LayoutDef.ReadValidationBits(s);
        foreach (var f in LayoutDef.Fields)
        {
            bool ok = StructDef.IsValid(f, valid);
            if (ReferenceEquals(f, s_deviceId)) Block("deviceId", "Device ID", DeviceIdLayout, s, DeviceIdOffset, baseOffset, visitor, ok);
            else if (ReferenceEquals(f, s_capability)) Block("capabilityStructure", "PCI Express capability structure", CapabilityLayout, s, CapabilityOffset, baseOffset, visitor, ok);
            else if (ReferenceEquals(f, s_aer)) Block("aerInfo", "AER info", AerLayout, s, AerInfoOffset, baseOffset, visitor, ok);
            else visitor.Field(f, baseOffset + f.Offset, s.Slice(f.Offset, f.Size), ok, valid);
        }
        if (body.Length > Size) visitor.Data("trailingBytes", "Trailing bytes", baseOffset + Size, body[Size..]);
    }

    private static void Block(string json, string label, StructDef def, ReadOnlySpan<byte> section, int at, long baseOffset, StructureVisitor visitor, bool valid)
    {
        var bytes = section.Slice(at, def.Size);
        if (!valid && FieldFormat.IsZero(bytes) && !visitor.ReportsZeroParts) return;
        visitor.BeginObject(json, valid ? label : label + " (not marked valid)", baseOffset + at, def.Size);
        SectionWalk.Fields(def, bytes, baseOffset + at, visitor, valid);
        visitor.EndObject();
    }

    private static void CheckLength(ReadOnlySpan<byte> body, long baseOffset)
    {
        if (body.Length < Size) ThrowHelper.ThrowTruncated(StructureName, baseOffset, Size, body.Length);
    }

    /// <summary>Validation bits (bit 0 port type ... bit 7 AER info).</summary>
    public ulong ValidationBits { get => Get(s_validationBits); set => Set(s_validationBits, value); }
    /// <summary>Port type (see <see cref="PortTypes"/>).</summary>
    public uint PortType { get => (uint)Get(s_portType); set => Set(s_portType, value); }
    /// <summary>PCI Express version: minor in bits 0-7, major in bits 8-15 (BCD).</summary>
    public uint Version { get => (uint)Get(s_version); set => Set(s_version, value); }
    /// <summary>PCI command register.</summary>
    public ushort Command { get => (ushort)Get(s_commandField); set => Set(s_commandField, value); }
    /// <summary>PCI status register.</summary>
    public ushort Status { get => (ushort)Get(s_statusField); set => Set(s_statusField, value); }
    /// <summary>Device serial number.</summary>
    public ulong DeviceSerialNumber { get => Get(s_serial); set => Set(s_serial, value); }
    /// <summary>Bridge secondary status register.</summary>
    public ushort SecondaryStatus { get => (ushort)Get(s_secondaryStatusField); set => Set(s_secondaryStatusField, value); }
    /// <summary>Bridge control register.</summary>
    public ushort BridgeControl { get => (ushort)Get(s_bridgeControlField); set => Set(s_bridgeControlField, value); }
    /// <summary>Device ID: vendor ID.</summary>
    public ushort VendorId { get => (ushort)GetId(s_vendorId); set => SetId(s_vendorId, value); }
    /// <summary>Device ID: device ID.</summary>
    public ushort DeviceId { get => (ushort)GetId(s_devId); set => SetId(s_devId, value); }
    /// <summary>Device ID: 24-bit class code.</summary>
    public uint ClassCode { get => (uint)GetId(s_classCode); set => SetId(s_classCode, value & 0xFFFFFF); }
    /// <summary>Device ID: function number.</summary>
    public byte FunctionNumber { get => (byte)GetId(s_function); set => SetId(s_function, value); }
    /// <summary>Device ID: device number.</summary>
    public byte DeviceNumber { get => (byte)GetId(s_device); set => SetId(s_device, value); }
    /// <summary>Device ID: segment number.</summary>
    public ushort SegmentNumber { get => (ushort)GetId(s_segment); set => SetId(s_segment, value); }
    /// <summary>Device ID: root port/bridge primary bus number.</summary>
    public byte PrimaryBusNumber { get => (byte)GetId(s_bus); set => SetId(s_bus, value); }
    /// <summary>Device ID: root port/bridge secondary bus number.</summary>
    public byte SecondaryBusNumber { get => (byte)GetId(s_secondaryBus); set => SetId(s_secondaryBus, value); }
    /// <summary>Device ID: slot number (bits 3-15 of the slot field).</summary>
    public ushort SlotNumber
    {
        get => (ushort)(GetId(s_slot) >> 3);
        set => SetId(s_slot, (GetId(s_slot) & 0x7) | ((ulong)value << 3 & 0xFFFF));
    }

    /// <summary>The 60-byte capability structure (a copy; set to replace, which sets validation bit 6).</summary>
    public byte[] CapabilityStructure
    {
        get => Bytes.AsSpan(CapabilityOffset, 60).ToArray();
        set => CopyBlock(value, CapabilityOffset, 60, CapabilityLayout.ParentValidBit);
    }

    /// <summary>The 96-byte AER info (a copy; set to replace, which sets validation bit 7).</summary>
    public byte[] AerInfo
    {
        get => Bytes.AsSpan(AerInfoOffset, 96).ToArray();
        set => CopyBlock(value, AerInfoOffset, 96, AerLayout.ParentValidBit);
    }

    /// <summary>Reads a register of the capability structure by its JSON name in <see cref="CapabilityLayout"/> (e.g. "deviceControl").</summary>
    public uint GetCapabilityRegister(string json)
    {
        var f = CapabilityLayout.Find(json);
        if (f is null || !f.IsNumeric) throw new ArgumentException($"No capability register '{json}'.", nameof(json));
        return (uint)f.ReadValue(Bytes.AsSpan(CapabilityOffset, 60));
    }

    /// <summary>Reads a register of the AER info by its JSON name in <see cref="AerLayout"/> (e.g. "uncorrectableErrorStatus").</summary>
    public uint GetAerRegister(string json) => (uint)(AerLayout.Find(json) ?? throw new ArgumentException($"No AER register '{json}'.", nameof(json))).ReadValue(Bytes.AsSpan(AerInfoOffset, 96));

    /// <summary>Writes a register of the AER info by its JSON name in <see cref="AerLayout"/> (sets validation bit 7).</summary>
    public void SetAerRegister(string json, uint value)
    {
        (AerLayout.Find(json) ?? throw new ArgumentException($"No AER register '{json}'.", nameof(json))).WriteValue(Bytes.AsSpan(AerInfoOffset, 96), value);
        MarkValid(AerLayout.ParentValidBit); // N.2.7: bit 7, AER Info valid
    }

    private ulong GetId(FieldDef f) => SectionWalk.Read(Bytes, DeviceIdOffset, f);

    private void SetId(FieldDef f, ulong value)
    {
        SectionWalk.Write(Bytes, DeviceIdOffset, f, value);
        MarkValid(DeviceIdLayout.ParentValidBit); // N.2.7: bit 3, Device ID valid
    }

    private void CopyBlock(byte[] value, int at, int size, int validBit)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != size) throw new ArgumentException($"Expected {size} bytes.", nameof(value));
        value.CopyTo(Bytes, at);
        MarkValid(validBit);
    }
}
