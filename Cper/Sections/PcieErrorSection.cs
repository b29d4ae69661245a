using ApeiKit.Declarations;

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
[Layout("PCI Express error section", Size, "UEFI 2.10 N.2.7, Table N-35", ValidationField = nameof(ValidationBits))]
[Reserved(20, 4)]
public sealed partial class PcieErrorSection : FixedSectionBody
{
    /// <summary>Layout size.</summary>
    public const int Size = 208;
    private const string StructureName = "PCI Express error section";
    private const int DeviceIdOffset = 24;     // N.2.7, Device ID
    private const int CapabilityOffset = 52;   // N.2.7, Capability Structure (60 bytes)
    private const int AerInfoOffset = 112;     // N.2.7, AER Info (96 bytes)
    // N.2.7 validation bits of the three blocks: the section's [Field] lines and the blocks' ParentValidBit both name these.
    internal const int DeviceIdValidBit = 3;
    internal const int CapabilityValidBit = 6;
    internal const int AerInfoValidBit = 7;

    /// <summary>Port Type (N.2.7), the PCI Express device/port type.</summary>
    public static NameTable PortTypes { get; } = [
        new(0, "PCI Express endpoint"), new(1, "legacy PCI endpoint"), new(4, "root port"), new(5, "upstream switch port"),
        new(6, "downstream switch port"), new(7, "PCI Express to PCI/PCI-X bridge"), new(8, "PCI/PCI-X to PCI Express bridge"),
        new(9, "root complex integrated endpoint"), new(10, "root complex event collector"),
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

    // The declaration (UEFI 2.10 N.2.7, Table N-35): one line per field; FieldDef statics, LayoutDef, property bodies and
    // PcieErrorSectionView are generated from it. The three blocks are byte fields here, each declared once as its own
    // layout below (PcieDeviceId, PcieCapabilityStructure, PcieAerInfo); Describe walks them as named registers.

    /// <summary>Validation bits (bit 0 port type ... bit 7 AER info).</summary>
    [Field(0, 8, FieldKind.Flags)] public partial ulong ValidationBits { get; set; }
    /// <summary>Port type (see <see cref="PortTypes"/>).</summary>
    [Field(8, 4, FieldKind.Enum, ValidBit = 0, Names = nameof(PortTypes), LibCper = "", LibCperNames = "LibCper.LcPcie.PortTypes")] public partial uint PortType { get; set; }
    /// <summary>PCI Express version: minor in bits 0-7, major in bits 8-15 (BCD).</summary>
    [Field(12, 4, FieldKind.Bits, ValidBit = 1, Label = "PCI Express version", LibCperObject = "version")]
    [Bit("minor", 0, 8, Label = "Minor (BCD)", IsBcd = true, LibCper = ":Bcd")]
    [Bit("major", 8, 8, Label = "Major (BCD)", IsBcd = true, LibCper = ":Bcd")]
    public partial uint Version { get; set; }
    /// <summary>PCI command register.</summary>
    [Field(16, 2, FieldKind.Flags, ValidBit = 2, ValidationName = "commandStatus", Flags = nameof(s_command), Label = "Command register", LibCper = "commandRegister", LibCperObject = "commandStatus")] public partial ushort Command { get; set; }
    /// <summary>PCI status register.</summary>
    [Field(18, 2, FieldKind.Flags, ValidBit = 2, ValidationName = "commandStatus", Flags = nameof(s_status), Label = "Status register", LibCper = "statusRegister", LibCperObject = "commandStatus")] public partial ushort Status { get; set; }
    /// <summary>The 16-byte device ID block (a copy; its registers are <see cref="PcieDeviceId"/>'s fields).</summary>
    [Field(DeviceIdOffset, PcieDeviceId.Size, FieldKind.Bytes, ValidBit = DeviceIdValidBit, Json = "deviceId", Label = "Device ID")] public partial byte[] DeviceIdBlock { get; }
    /// <summary>Device serial number.</summary>
    [Field(40, 8, FieldKind.Hex, ValidBit = 4, LibCper = "")] public partial ulong DeviceSerialNumber { get; set; }
    /// <summary>Bridge secondary status register.</summary>
    [Field(48, 2, FieldKind.Flags, ValidBit = 5, ValidationName = "bridgeControlStatus", Flags = nameof(s_secondaryStatus), Label = "Bridge secondary status", LibCper = "secondaryStatusRegister", LibCperObject = "bridgeControlStatus")] public partial ushort SecondaryStatus { get; set; }
    /// <summary>Bridge control register.</summary>
    [Field(50, 2, FieldKind.Flags, ValidBit = 5, ValidationName = "bridgeControlStatus", Flags = nameof(s_bridgeControl), Label = "Bridge control", LibCper = "controlRegister", LibCperObject = "bridgeControlStatus")] public partial ushort BridgeControl { get; set; }

    /// <summary>The 60-byte capability structure (a copy; set to replace, which sets validation bit 6).</summary>
    [Field(CapabilityOffset, PcieCapabilityStructure.Size, FieldKind.Bytes, ValidBit = CapabilityValidBit)]
    public byte[] CapabilityStructure
    {
        get => GetBytes(CapabilityStructureField);
        set => CopyBlock(value, CapabilityStructureField);
    }

    /// <summary>The 96-byte AER info (a copy; set to replace, which sets validation bit 7).</summary>
    [Field(AerInfoOffset, PcieAerInfo.Size, FieldKind.Bytes, ValidBit = AerInfoValidBit, Label = "AER info")]
    public byte[] AerInfo
    {
        get => GetBytes(AerInfoField);
        set => CopyBlock(value, AerInfoField);
    }

    /// <summary>Layout of the device ID block (UEFI 2.10 N.2.7, Device ID): <see cref="PcieDeviceId.LayoutDef"/>.</summary>
    /// <remarks>Valid with bit 3 of the section's validation bits (N.2.7): an encoder given the device ID sets it.</remarks>
    public static StructDef DeviceIdLayout => PcieDeviceId.LayoutDef;

    /// <summary>Layout of the 60-byte PCI Express capability structure: <see cref="PcieCapabilityStructure.LayoutDef"/>.</summary>
    /// <remarks>Valid with bit 6 of the section's validation bits (N.2.7): an encoder given the structure sets it.</remarks>
    public static StructDef CapabilityLayout => PcieCapabilityStructure.LayoutDef;

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

    /// <summary>Layout of the 96-byte AER info: <see cref="PcieAerInfo.LayoutDef"/>.</summary>
    /// <remarks>Valid with bit 7 of the section's validation bits (N.2.7): an encoder given the AER info sets it.</remarks>
    public static StructDef AerLayout => PcieAerInfo.LayoutDef;

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

    // The section's own fields as two parts of the generated layout (UEFI 2.10 N.2.7, Table N-35: bytes 0-23 and 40-51),
    // validated by the section's validation bits, between which and after which the three blocks are described as their
    // declared layouts: the visitor gets whole layouts, so the compact JSON renderer writes the section from compiled
    // forms (issue #15), as ARM and IA32/X64 entries are; other visitors get the same fields one by one, as before.
    // (A nested class: its statics are made on first use, after the generated LayoutDef, which lives in another file.)
    private static class Parts
    {
        public static readonly StructDef Head = Part(0, DeviceIdOffset), Middle = Part(DeviceIdOffset + PcieDeviceId.Size, CapabilityOffset);

        private static StructDef Part(int from, int to)
            => new(StructureName, Size, [.. LayoutDef.Fields.Where(f => f.Offset >= from && f.End <= to)], ValidationBitsField);
    }

    /// <summary>Describes the section: its own fields, then the device ID, capability structure and AER info as named registers.</summary>
    /// <exception cref="ApeiContentException">Fewer than 208 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        CheckLength(body, baseOffset);
        var s = body[..Size];
        ulong valid = LayoutDef.ReadValidationBits(s);
        Parts.Head.Describe(s, baseOffset, visitor);
        Block(s_deviceId, "Device ID", DeviceIdLayout, s, DeviceIdOffset, baseOffset, visitor, StructDef.IsValid(DeviceIdBlockField, valid));
        Parts.Middle.Describe(s, baseOffset, visitor);
        Block(s_capabilityStructure, "PCI Express capability structure", CapabilityLayout, s, CapabilityOffset, baseOffset, visitor, StructDef.IsValid(CapabilityStructureField, valid));
        Block(s_aerInfo, "AER info", AerLayout, s, AerInfoOffset, baseOffset, visitor, StructDef.IsValid(AerInfoField, valid));
        if (body.Length > Size) visitor.Data(CperRecordDescriber.TrailingMember, "Trailing bytes", baseOffset + Size, body[Size..]);
    }

    private static readonly JsonName s_deviceId = new("deviceId"), s_capabilityStructure = new("capabilityStructure"), s_aerInfo = new("aerInfo");

    private static void Block(JsonName json, string label, StructDef def, ReadOnlySpan<byte> section, int at, long baseOffset, StructureVisitor visitor, bool valid)
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

    // The device ID accessors read through the declared block's generated view (PcieDeviceIdView) and write through its
    // FieldDefs: the block's layout is written once, in PcieDeviceId.

    /// <summary>Device ID: vendor ID.</summary>
    public ushort VendorId { get => DeviceIdView.VendorId; set => SetId(PcieDeviceId.VendorIdField, value); }
    /// <summary>Device ID: device ID.</summary>
    public ushort DeviceId { get => DeviceIdView.DeviceId; set => SetId(PcieDeviceId.DeviceIdField, value); }
    /// <summary>Device ID: 24-bit class code.</summary>
    public uint ClassCode { get => DeviceIdView.ClassCode; set => SetId(PcieDeviceId.ClassCodeField, value & 0xFFFFFF); }
    /// <summary>Device ID: function number.</summary>
    public byte FunctionNumber { get => DeviceIdView.FunctionNumber; set => SetId(PcieDeviceId.FunctionNumberField, value); }
    /// <summary>Device ID: device number.</summary>
    public byte DeviceNumber { get => DeviceIdView.DeviceNumber; set => SetId(PcieDeviceId.DeviceNumberField, value); }
    /// <summary>Device ID: segment number.</summary>
    public ushort SegmentNumber { get => DeviceIdView.SegmentNumber; set => SetId(PcieDeviceId.SegmentNumberField, value); }
    /// <summary>Device ID: root port/bridge primary bus number.</summary>
    public byte PrimaryBusNumber { get => DeviceIdView.PrimaryBusNumber; set => SetId(PcieDeviceId.PrimaryBusNumberField, value); }
    /// <summary>Device ID: root port/bridge secondary bus number.</summary>
    public byte SecondaryBusNumber { get => DeviceIdView.SecondaryBusNumber; set => SetId(PcieDeviceId.SecondaryBusNumberField, value); }
    /// <summary>Device ID: slot number (bits 3-15 of the slot field, its declared <c>slotNumber</c> bit field).</summary>
    public ushort SlotNumber
    {
        get => (ushort)s_slotNumber.Extract(DeviceIdView.Slot);
        set => SetId(PcieDeviceId.SlotField, s_slotNumber.Insert(DeviceIdView.Slot, value));
    }

    private static readonly BitFieldDef s_slotNumber = PcieDeviceId.SlotField.BitFields!.Single(b => b.Json == "slotNumber");

    private PcieDeviceIdView DeviceIdView
    {
        get
        {
            PcieDeviceIdView.TryRead(Bytes.AsSpan(DeviceIdOffset, PcieDeviceId.Size), out var view); // no validation field: never false
            return view;
        }
    }

    /// <summary>Reads a register of the capability structure by its JSON name in <see cref="CapabilityLayout"/> (e.g. "deviceControl").</summary>
    public uint GetCapabilityRegister(string json)
    {
        var f = CapabilityLayout.Find(json);
        if (f is null || !f.IsNumeric) throw new ArgumentException($"No capability register '{json}'.", nameof(json));
        return (uint)f.ReadValue(Bytes.AsSpan(CapabilityOffset, PcieCapabilityStructure.Size));
    }

    /// <summary>Reads a register of the AER info by its JSON name in <see cref="AerLayout"/> (e.g. "uncorrectableErrorStatus").</summary>
    public uint GetAerRegister(string json) => (uint)(AerLayout.Find(json) ?? throw new ArgumentException($"No AER register '{json}'.", nameof(json))).ReadValue(Bytes.AsSpan(AerInfoOffset, PcieAerInfo.Size));

    /// <summary>Writes a register of the AER info by its JSON name in <see cref="AerLayout"/> (sets validation bit 7).</summary>
    public void SetAerRegister(string json, uint value)
    {
        (AerLayout.Find(json) ?? throw new ArgumentException($"No AER register '{json}'.", nameof(json))).WriteValue(Bytes.AsSpan(AerInfoOffset, PcieAerInfo.Size), value);
        MarkValid(AerLayout.ParentValidBit); // N.2.7: bit 7, AER Info valid
    }

    private void SetId(FieldDef f, ulong value)
    {
        SectionWalk.Write(Bytes, DeviceIdOffset, f, value);
        MarkValid(DeviceIdLayout.ParentValidBit); // N.2.7: bit 3, Device ID valid
    }

    private void CopyBlock(byte[] value, FieldDef block)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != block.Size) throw new ArgumentException($"Expected {block.Size} bytes.", nameof(value));
        value.CopyTo(Bytes, block.Offset);
        MarkValid(block.ValidBit);
    }
}

/// <summary>
/// The device ID block of the PCI Express error section (UEFI 2.10 N.2.7, Device ID): 16 bytes at offset 24, valid with
/// bit 3 of the section's validation bits. A read-only copy of the block's bytes; <see cref="PcieDeviceIdView"/> reads them in place.
/// </summary>
[Layout("PCI Express device ID", Size, "UEFI 2.10 N.2.7, Device ID", ParentValidBit = PcieErrorSection.DeviceIdValidBit)]
[Reserved(15, 1)]
public sealed partial class PcieDeviceId : DeclaredBlock
{
    /// <summary>Block size.</summary>
    public const int Size = 16;

    /// <summary>A copy of <paramref name="bytes"/> (shorter input is zero-filled, longer input is cut to the block).</summary>
    public PcieDeviceId(ReadOnlySpan<byte> bytes) : base(bytes, Size) { }

    // The declaration: one line per register; statics, LayoutDef (with its parent validation bit) and the view are generated.

    /// <summary>Vendor ID.</summary>
    [Field(0, 2, FieldKind.Hex, LibCper = "vendorID_Hex:Hex:4; vendorID")] public partial ushort VendorId { get; }
    /// <summary>Device ID.</summary>
    [Field(2, 2, FieldKind.Hex, LibCper = "deviceID_Hex:Hex:4; deviceID")] public partial ushort DeviceId { get; }
    /// <summary>24-bit class code.</summary>
    [Field(4, 3, FieldKind.Hex, LibCper = "classCode_Hex:Hex:6; classCode")] public partial uint ClassCode { get; }
    /// <summary>Function number.</summary>
    [Field(7, 1, FieldKind.UInt, LibCper = "functionNumber_Hex:Hex:2; functionNumber")] public partial byte FunctionNumber { get; }
    /// <summary>Device number.</summary>
    [Field(8, 1, FieldKind.UInt, LibCper = "deviceNumber_Hex:Hex:2; deviceNumber")] public partial byte DeviceNumber { get; }
    /// <summary>Segment number.</summary>
    [Field(9, 2, FieldKind.Hex, LibCper = "")] public partial ushort SegmentNumber { get; }
    /// <summary>Root port/bridge primary bus number.</summary>
    [Field(11, 1, FieldKind.Hex, Label = "Root port/bridge primary bus number", LibCper = "primaryOrDeviceBusNumber_Hex:Hex:2; primaryOrDeviceBusNumber")] public partial byte PrimaryBusNumber { get; }
    /// <summary>Root port/bridge secondary bus number.</summary>
    [Field(12, 1, FieldKind.Hex, Label = "Root port/bridge secondary bus number", LibCper = "secondaryBusNumber_Hex:Hex:2; secondaryBusNumber")] public partial byte SecondaryBusNumber { get; }
    /// <summary>Slot: the slot number in bits 3-15.</summary>
    [Field(13, 2, FieldKind.Bits)]
    [Bit("slotNumber", 3, 13, LibCper = "")]
    public partial ushort Slot { get; }
}

/// <summary>
/// The 60-byte PCI Express capability structure in the PCI Express error section (UEFI 2.10 N.2.7, Capability Structure;
/// registers per PCI Express Base 4.0 section 7.5.3, capability ID 0x10), valid with bit 6 of the section's validation
/// bits. A read-only copy; <see cref="PcieCapabilityStructureView"/> reads the bytes in place.
/// </summary>
[Layout("PCI Express capability structure", Size, "UEFI 2.10 N.2.7, Capability Structure", ParentValidBit = PcieErrorSection.CapabilityValidBit)]
public sealed partial class PcieCapabilityStructure : DeclaredBlock
{
    /// <summary>Structure size.</summary>
    public const int Size = 60;

    /// <summary>A copy of <paramref name="bytes"/> (shorter input is zero-filled, longer input is cut to the structure).</summary>
    public PcieCapabilityStructure(ReadOnlySpan<byte> bytes) : base(bytes, Size) { }

    /// <summary>Capability ID (0x10).</summary>
    [Field(0, 1, FieldKind.Hex, Label = "Capability ID (0x10)")] public partial byte CapabilityId { get; }
    /// <summary>Next capability pointer.</summary>
    [Field(1, 1, FieldKind.Hex)] public partial byte NextCapabilityPointer { get; }
    /// <summary>PCI Express capabilities register.</summary>
    [Field(2, 2, FieldKind.Bits, Label = "PCI Express capabilities")]
    [Bit("version", 0, 4, Label = "Capability version")]
    [Bit("devicePortType", 4, 4, Label = "Device/port type")]
    [Bit("slotImplemented", 8, 1)]
    [Bit("interruptMessageNumber", 9, 5)]
    public partial ushort PcieCapabilities { get; }
    /// <summary>Device capabilities register.</summary>
    [Field(4, 4, FieldKind.Hex)] public partial uint DeviceCapabilities { get; }
    /// <summary>Device control register.</summary>
    [Field(8, 2, FieldKind.Bits)]
    [Bit("correctableReporting", 0, 1, Label = "Correctable error reporting enable")]
    [Bit("nonFatalReporting", 1, 1, Label = "Non-fatal error reporting enable")]
    [Bit("fatalReporting", 2, 1, Label = "Fatal error reporting enable")]
    [Bit("unsupportedRequestReporting", 3, 1, Label = "Unsupported request reporting enable")]
    [Bit("maxPayloadSize", 5, 3, Label = "Max payload size (128 << n bytes)")]
    [Bit("maxReadRequestSize", 12, 3, Label = "Max read request size (128 << n bytes)")]
    public partial ushort DeviceControl { get; }
    /// <summary>Device status register.</summary>
    [Field(10, 2, FieldKind.Bits)]
    [Bit("correctableErrorDetected", 0, 1)]
    [Bit("nonFatalErrorDetected", 1, 1, Label = "Non-fatal error detected")]
    [Bit("fatalErrorDetected", 2, 1)]
    [Bit("unsupportedRequestDetected", 3, 1)]
    [Bit("auxPowerDetected", 4, 1, Label = "AUX power detected")]
    [Bit("transactionsPending", 5, 1)]
    public partial ushort DeviceStatus { get; }
    /// <summary>Link capabilities register.</summary>
    [Field(12, 4, FieldKind.Bits)]
    [Bit("maxLinkSpeed", 0, 4)]
    [Bit("maxLinkWidth", 4, 6)]
    [Bit("portNumber", 24, 8)]
    public partial uint LinkCapabilities { get; }
    /// <summary>Link control register.</summary>
    [Field(16, 2, FieldKind.Hex)] public partial ushort LinkControl { get; }
    /// <summary>Link status register.</summary>
    [Field(18, 2, FieldKind.Bits)]
    [Bit("currentLinkSpeed", 0, 4)]
    [Bit("negotiatedLinkWidth", 4, 6)]
    [Bit("linkTraining", 11, 1)]
    [Bit("dataLinkLayerActive", 13, 1, Label = "Data link layer link active")]
    public partial ushort LinkStatus { get; }
    /// <summary>Slot capabilities register.</summary>
    [Field(20, 4, FieldKind.Hex)] public partial uint SlotCapabilities { get; }
    /// <summary>Slot control register.</summary>
    [Field(24, 2, FieldKind.Hex)] public partial ushort SlotControl { get; }
    /// <summary>Slot status register.</summary>
    [Field(26, 2, FieldKind.Hex)] public partial ushort SlotStatus { get; }
    /// <summary>Root control register.</summary>
    [Field(28, 2, FieldKind.Hex)] public partial ushort RootControl { get; }
    /// <summary>Root capabilities register.</summary>
    [Field(30, 2, FieldKind.Hex)] public partial ushort RootCapabilities { get; }
    /// <summary>Root status register.</summary>
    [Field(32, 4, FieldKind.Hex)] public partial uint RootStatus { get; }
    /// <summary>Device capabilities 2 register.</summary>
    [Field(36, 4, FieldKind.Hex, Label = "Device capabilities 2")] public partial uint DeviceCapabilities2 { get; }
    /// <summary>Device control 2 register.</summary>
    [Field(40, 2, FieldKind.Hex, Label = "Device control 2")] public partial ushort DeviceControl2 { get; }
    /// <summary>Device status 2 register.</summary>
    [Field(42, 2, FieldKind.Hex, Label = "Device status 2")] public partial ushort DeviceStatus2 { get; }
    /// <summary>Link capabilities 2 register.</summary>
    [Field(44, 4, FieldKind.Hex, Label = "Link capabilities 2")] public partial uint LinkCapabilities2 { get; }
    /// <summary>Link control 2 register.</summary>
    [Field(48, 2, FieldKind.Hex, Label = "Link control 2")] public partial ushort LinkControl2 { get; }
    /// <summary>Link status 2 register.</summary>
    [Field(50, 2, FieldKind.Hex, Label = "Link status 2")] public partial ushort LinkStatus2 { get; }
    /// <summary>Slot capabilities 2 register.</summary>
    [Field(52, 4, FieldKind.Hex, Label = "Slot capabilities 2")] public partial uint SlotCapabilities2 { get; }
    /// <summary>Slot control 2 register.</summary>
    [Field(56, 2, FieldKind.Hex, Label = "Slot control 2")] public partial ushort SlotControl2 { get; }
    /// <summary>Slot status 2 register.</summary>
    [Field(58, 2, FieldKind.Hex, Label = "Slot status 2")] public partial ushort SlotStatus2 { get; }
}

/// <summary>
/// The 96-byte AER info in the PCI Express error section (UEFI 2.10 N.2.7, AER Info): the AER extended capability (PCI
/// Express Base 4.0 section 7.8.4) and its reserved tail, valid with bit 7 of the section's validation bits. A read-only
/// copy; <see cref="PcieAerInfoView"/> reads the bytes in place.
/// </summary>
[Layout("AER info", Size, "UEFI 2.10 N.2.7, AER Info", ParentValidBit = PcieErrorSection.AerInfoValidBit)]
[Reserved(72, 24)]
public sealed partial class PcieAerInfo : DeclaredBlock
{
    /// <summary>Block size.</summary>
    public const int Size = 96;

    private static readonly FlagTable s_rootCommand = [new(0, "correctableReportingEnable"), new(1, "nonFatalReportingEnable"), new(2, "fatalReportingEnable")];

    /// <summary>A copy of <paramref name="bytes"/> (shorter input is zero-filled, longer input is cut to the block).</summary>
    public PcieAerInfo(ReadOnlySpan<byte> bytes) : base(bytes, Size) { }

    /// <summary>AER capability header.</summary>
    [Field(0, 4, FieldKind.Bits, Label = "AER capability header")]
    [Bit("capabilityId", 0, 16, Label = "Extended capability ID (0x0001)")]
    [Bit("version", 16, 4, Label = "Capability version")]
    [Bit("nextOffset", 20, 12, Label = "Next capability offset")]
    public partial uint CapabilityHeader { get; }
    /// <summary>Uncorrectable error status register.</summary>
    [Field(4, 4, FieldKind.Flags, Flags = "PcieErrorSection.UncorrectableErrors")] public partial uint UncorrectableErrorStatus { get; }
    /// <summary>Uncorrectable error mask register.</summary>
    [Field(8, 4, FieldKind.Flags, Flags = "PcieErrorSection.UncorrectableErrors")] public partial uint UncorrectableErrorMask { get; }
    /// <summary>Uncorrectable error severity register (1 = fatal).</summary>
    [Field(12, 4, FieldKind.Flags, Flags = "PcieErrorSection.UncorrectableErrors", Label = "Uncorrectable error severity (1 = fatal)")] public partial uint UncorrectableErrorSeverity { get; }
    /// <summary>Correctable error status register.</summary>
    [Field(16, 4, FieldKind.Flags, Flags = "PcieErrorSection.CorrectableErrors")] public partial uint CorrectableErrorStatus { get; }
    /// <summary>Correctable error mask register.</summary>
    [Field(20, 4, FieldKind.Flags, Flags = "PcieErrorSection.CorrectableErrors")] public partial uint CorrectableErrorMask { get; }
    /// <summary>Advanced error capabilities and control register.</summary>
    [Field(24, 4, FieldKind.Bits, Label = "Advanced error capabilities and control")]
    [Bit("firstErrorPointer", 0, 5)]
    [Bit("ecrcGenerationCapable", 5, 1, Label = "ECRC generation capable")]
    [Bit("ecrcGenerationEnable", 6, 1, Label = "ECRC generation enable")]
    [Bit("ecrcCheckCapable", 7, 1, Label = "ECRC check capable")]
    [Bit("ecrcCheckEnable", 8, 1, Label = "ECRC check enable")]
    [Bit("multipleHeaderCapable", 9, 1, Label = "Multiple header recording capable")]
    [Bit("multipleHeaderEnable", 10, 1, Label = "Multiple header recording enable")]
    [Bit("tlpPrefixLogPresent", 11, 1, Label = "TLP prefix log present")]
    public partial uint CapabilitiesControl { get; }
    /// <summary>Header log, first dword.</summary>
    [Field(28, 4, FieldKind.Hex, Label = "Header log DW0")] public partial uint HeaderLog0 { get; }
    /// <summary>Header log, second dword.</summary>
    [Field(32, 4, FieldKind.Hex, Label = "Header log DW1")] public partial uint HeaderLog1 { get; }
    /// <summary>Header log, third dword.</summary>
    [Field(36, 4, FieldKind.Hex, Label = "Header log DW2")] public partial uint HeaderLog2 { get; }
    /// <summary>Header log, fourth dword.</summary>
    [Field(40, 4, FieldKind.Hex, Label = "Header log DW3")] public partial uint HeaderLog3 { get; }
    /// <summary>Root error command register.</summary>
    [Field(44, 4, FieldKind.Flags, Flags = nameof(s_rootCommand))] public partial uint RootErrorCommand { get; }
    /// <summary>Root error status register.</summary>
    [Field(48, 4, FieldKind.Bits)]
    [Bit("errCorReceived", 0, 1, Label = "ERR_COR received")]
    [Bit("multipleErrCorReceived", 1, 1, Label = "Multiple ERR_COR received")]
    [Bit("errFatalNonFatalReceived", 2, 1, Label = "ERR_FATAL/NONFATAL received")]
    [Bit("multipleErrFatalNonFatalReceived", 3, 1, Label = "Multiple ERR_FATAL/NONFATAL received")]
    [Bit("firstUncorrectableFatal", 4, 1)]
    [Bit("nonFatalMessagesReceived", 5, 1, Label = "Non-fatal error messages received")]
    [Bit("fatalMessagesReceived", 6, 1, Label = "Fatal error messages received")]
    [Bit("interruptMessageNumber", 27, 5, Label = "AER interrupt message number")]
    public partial uint RootErrorStatus { get; }
    /// <summary>Error source identification register.</summary>
    [Field(52, 4, FieldKind.Bits, Label = "Error source identification")]
    [Bit("errCorSourceId", 0, 16, Label = "ERR_COR source ID")]
    [Bit("errFatalNonFatalSourceId", 16, 16, Label = "ERR_FATAL/NONFATAL source ID")]
    public partial uint ErrorSourceId { get; }
    /// <summary>TLP prefix log (16 bytes).</summary>
    [Field(56, 16, FieldKind.Bytes, Label = "TLP prefix log")] public partial byte[] TlpPrefixLog { get; }
}

/// <summary>
/// The bytes behind a read-only block declared with ApeiKit.Generators inside a section (the PCI Express error section's
/// device ID, capability structure and AER info; the register entries of the PCI/PCI-X component, ARM RAS and NVIDIA
/// sections; the ARM RAS IP instances, IP type and key/value pair; the CXL event records): a copy of the block, which the
/// generated property bodies read through by the generated <c>XField</c> statics.
/// </summary>
public abstract class DeclaredBlock
{
    private readonly byte[] _bytes;

    private protected DeclaredBlock(ReadOnlySpan<byte> bytes, int size)
    {
        _bytes = new byte[size];
        bytes[..Math.Min(bytes.Length, size)].CopyTo(_bytes);
    }

    private protected ulong Get(FieldDef field) => field.ReadValue(_bytes);

    private protected byte[] GetBytes(FieldDef field) => _bytes.AsSpan(field.Offset, field.Size).ToArray();

    /// <summary>The bytes of <paramref name="field"/> in place (a GUID getter reads these; nothing copied).</summary>
    private protected ReadOnlySpan<byte> Span(FieldDef field) => _bytes.AsSpan(field.Offset, field.Size);

    /// <summary>The bytes a generated GUID getter reads, in place (Guid's span constructor: no array per read).</summary>
    private protected ReadOnlySpan<byte> GuidBytes(FieldDef field) => Span(field);
}
