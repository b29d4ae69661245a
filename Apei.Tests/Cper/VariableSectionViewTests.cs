using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.Vendors;
using static ApeiKit.Tests.LibcperExample;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The views of the sections declared with a variable tail (PCIe with its nested blocks, PCI component with its register
/// pairs, CCIX PER, CXL protocol, CXL component) and of two fixed sections (PCI bus, processor generic), read in place from libcper's example records and held against the JSON
/// libcper itself produced for them (fixtures/cper/libcper/*.json, its own output, not ours): the values come from the
/// bytes through the generated accessors and the hand-written tails, the expected values from libcper's parser.
/// </summary>
public sealed class VariableSectionViewTests
{
    private static (byte[] Body, JsonElement Section) Load(string name, string member) => LibcperExample.FirstSection($"cper/libcper/{name}", member);

    /// <summary>The (address, value) pairs a view walked are libcper's array entry for entry, under its member names.</summary>
    private static void AssertPairs(JsonElement expected, string addressName, string valueName, List<(ulong Address, ulong Value)> read)
    {
        Assert.Equal(expected.GetArrayLength(), read.Count);
        for (int i = 0; i < read.Count; i++)
        {
            Assert.Equal(expected[i].GetProperty(addressName).GetUInt64(), read[i].Address);
            Assert.Equal(expected[i].GetProperty(valueName).GetUInt64(), read[i].Value);
        }
    }

    /// <summary>
    /// The device ID both CXL sections carry (UEFI 2.10 N.2.13, N.2.14): present, and vendor, device and slot number (bits
    /// 15:3 of the slot field) as libcper's <c>deviceID</c> reads them.
    /// </summary>
    private static void AssertDeviceId(JsonElement id, bool hasVendorId, ulong vendorId, ulong deviceId, ulong slot)
    {
        Assert.True(hasVendorId);
        Assert.Equal(id.GetProperty("vendorID").GetUInt16(), vendorId);
        Assert.Equal(id.GetProperty("deviceID").GetUInt16(), deviceId);
        Assert.Equal(id.GetProperty("slotNumber").GetUInt16(), slot >> 3);
    }

    /// <summary>
    /// A member libcper printed (it prints one only when its validation bit is set): the view says it is valid, and reads
    /// libcper's value (the member itself, or its <paramref name="valueMember"/>).
    /// </summary>
    private static void AssertMember(JsonElement section, string member, bool has, ulong value, string? valueMember = null)
    {
        Assert.True(has, $"the view says {member} is not valid");
        AssertMemberWhenValid(section, member, has, value, valueMember);
    }

    [Fact]
    public void Pcie_view_and_its_blocks_read_what_libcper_reads()
    {
        var (body, s) = Load("pcie", "Pcie");
        Assert.True(PcieErrorSectionView.TryRead(body, out var v));
        Assert.True(v.HasPortType);
        Assert.Equal(s.GetProperty("portType").GetProperty("value").GetUInt32(), v.PortType);
        Assert.Equal(s.GetProperty("commandStatus").GetProperty("commandRegister").GetUInt16(), v.Command);
        Assert.Equal(s.GetProperty("commandStatus").GetProperty("statusRegister").GetUInt16(), v.Status);
        Assert.Equal(s.GetProperty("deviceSerialNumber").GetUInt64(), v.DeviceSerialNumber);
        // libcper leaves the device ID out when its validation bit is clear; so does the view.
        Assert.Equal(s.TryGetProperty("deviceID", out _), v.HasDeviceIdBlock);

        Assert.True(v.HasCapabilityStructure);
        Assert.True(PcieCapabilityStructureView.TryRead(v.CapabilityStructure, out var cap));
        Assert.Equal(Convert.FromBase64String(s.GetProperty("capabilityStructure").GetProperty("data").GetString()!), cap.Bytes.ToArray());
        // PCI Express Base 4.0 7.5.3.3: Max_Payload_Size Supported is bits 2:0 of Device Capabilities.
        Assert.Equal(s.GetProperty("capabilityStructure").GetProperty("device_capabilities").GetProperty("max_payload_size_supported").GetUInt32(), cap.DeviceCapabilities & 7);

        Assert.True(v.HasAerInfo);
        Assert.True(PcieAerInfoView.TryRead(v.AerInfo, out var aer));
        var header = s.GetProperty("aerInfo").GetProperty("capability_header");
        Assert.Equal(header.GetProperty("capability_id").GetUInt32(), aer.CapabilityHeader & 0xFFFF);
        Assert.Equal(header.GetProperty("capability_version").GetUInt32(), aer.CapabilityHeader >> 16 & 0xF);
        Assert.Equal(header.GetProperty("next_capability_offset").GetUInt32(), aer.CapabilityHeader >> 20);
        var source = s.GetProperty("aerInfo").GetProperty("error_source_id");
        Assert.Equal(source.GetProperty("err_cor_source_identification").GetUInt32(), aer.ErrorSourceId & 0xFFFF);
        Assert.Equal(source.GetProperty("err_fatal_nonfatal_source_identification").GetUInt32(), aer.ErrorSourceId >> 16);
    }

    [Fact]
    public void Pci_component_view_enumerates_the_register_pairs_libcper_reads()
    {
        var (body, s) = Load("pcidev", "PciComponent");
        Assert.True(PciComponentErrorSectionView.TryRead(body, out var v));
        Assert.True(v.HasErrorStatus);
        Assert.Equal(s.GetProperty("errorStatus").GetProperty("errorType").GetProperty("value").GetUInt64(), v.ErrorStatus >> 8 & 0xFF); // UEFI N "Error Status Fields": bits 15:8
        Assert.Equal(s.GetProperty("memoryNumber").GetUInt32(), v.MemoryNumber);
        var pairs = s.GetProperty("registerDataPairs");
        Assert.Equal(pairs.GetArrayLength(), v.RegisterPairCount);
        var read = new List<(ulong, ulong)>();
        foreach (var pair in v.RegisterPairs) read.Add((pair.Address, pair.Value));
        AssertPairs(pairs, "firstHalf", "secondHalf", read);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            Assert.True(PciComponentErrorSectionView.TryRead(body, out var w));
            return w.GetRegisterPair(w.RegisterPairCount).Address;
        });
    }

    [Fact]
    public void Ccix_per_view_reads_the_log_libcper_reads()
    {
        var (body, s) = Load("ccixper", "CcixPer");
        Assert.True(CcixPerSectionView.TryRead(body, out var v));
        Assert.Equal(s.GetProperty("length").GetUInt32(), v.Length);
        Assert.True(v.HasSourceId);
        Assert.Equal(s.GetProperty("ccixSourceID").GetByte(), v.SourceId);
        Assert.Equal(s.TryGetProperty("ccixPortID", out _), v.HasPortId);
        Assert.True(v.HasValidLength);
        Assert.Equal(Convert.FromBase64String(s.GetProperty("ccixPERLog").GetString()!), v.PerLog.ToArray());
    }

    [Fact]
    public void Cxl_protocol_view_reads_the_device_and_dvsec_libcper_reads()
    {
        var (body, s) = Load("cxlprotocol", "CxlProtocol");
        Assert.True(CxlProtocolErrorSectionView.TryRead(body, out var v));
        Assert.Equal(s.GetProperty("agentType").GetProperty("value").GetByte(), v.AgentType);
        var id = s.GetProperty("deviceID");
        AssertDeviceId(id, v.HasVendorId, v.VendorId, v.DeviceId, v.Slot);
        Assert.Equal(id.GetProperty("subsystemVendorID").GetUInt16(), v.SubsystemVendorId);
        Assert.Equal(id.GetProperty("subsystemDeviceID").GetUInt16(), v.SubsystemId);
        Assert.Equal(id.GetProperty("classCode").GetUInt16(), v.ClassCode);
        Assert.Equal(s.GetProperty("deviceSerial").GetUInt64(), v.DeviceSerialNumber);
        Assert.Equal(s.GetProperty("dvsecLength").GetUInt16(), v.CxlDvsecLength);
        Assert.Equal(Convert.FromBase64String(s.GetProperty("cxlDVSEC").GetString()!), v.Dvsec.ToArray());
    }

    [Fact]
    public void Cxl_component_view_reads_the_device_and_event_log_libcper_reads()
    {
        var (body, s) = Load("cxlcomponent-media", "CxlComponent");
        Assert.True(CxlComponentEventSectionView.TryRead(body, out var v));
        Assert.Equal(s.GetProperty("length").GetUInt32(), v.Length);
        var id = s.GetProperty("deviceID");
        AssertDeviceId(id, v.HasVendorId, v.VendorId, v.DeviceId, v.Slot);
        Assert.Equal(id.GetProperty("functionNumber").GetByte(), v.FunctionNumber);
        Assert.Equal(id.GetProperty("deviceNumber").GetByte(), v.DeviceNumber);
        Assert.Equal(id.GetProperty("busNumber").GetByte(), v.BusNumber);
        Assert.Equal(id.GetProperty("segmentNumber").GetUInt16(), v.SegmentNumber);
        Assert.True(v.HasValidLength);
        Assert.Equal(Convert.FromBase64String(s.GetProperty("cxlComponentEventLog").GetProperty("data").GetString()!), v.EventLog.ToArray());
    }

    [Fact]
    public void Firmware_reference_view_reads_what_libcper_reads()
    {
        var (body, s) = Load("firmware", "Firmware");
        Assert.True(FirmwareErrorRecordReferenceSectionView.TryRead(body, out var v));
        Assert.Equal(s.GetProperty("errorRecordType").GetProperty("value").GetByte(), v.RecordType);
        Assert.Equal(s.GetProperty("revision").GetByte(), v.Revision);
        Assert.Equal(s.GetProperty("recordID").GetUInt64(), v.RecordIdentifier);
        Assert.True(v.HasRecordIdentifierGuid);
        Assert.Equal(Guid.Parse(s.GetProperty("recordIDGUID").GetString()!), v.RecordIdentifierGuid);
        Assert.Equal(body.Length - FirmwareErrorRecordReferenceSection.Size, v.Payload.Length);

        // Revision 0 (16 bytes): what follows the record identifier is payload, not a GUID, whatever the body's length.
        body[1] = 0;
        Assert.True(FirmwareErrorRecordReferenceSectionView.TryRead(body, out var old));
        Assert.False(old.HasRecordIdentifierGuid);
        Assert.Equal(body.AsSpan(FirmwareErrorRecordReferenceSection.Revision0Size).ToArray(), old.Payload.ToArray());
        Assert.False(FirmwareErrorRecordReferenceSectionView.TryRead(body.AsSpan(0, 15), out _));
    }

    [Fact]
    public void Pci_bus_view_reads_what_libcper_reads()
    {
        var (body, s) = Load("pcibus", "PciBus");
        Assert.True(PciBusErrorSectionView.TryRead(body, out var v));
        // libcper prints a member only when its validation bit is set; the view's HasX must say the same.
        Assert.Equal(s.TryGetProperty("busID", out var bus), v.HasBusId);
        Assert.Equal(bus.GetProperty("busNumber").GetUInt32(), v.BusId & 0xFFu);
        Assert.Equal(bus.GetProperty("segmentNumber").GetUInt32(), (uint)v.BusId >> 8);
        AssertMember(s, "busData", v.HasBusData, v.BusData);
        AssertMember(s, "busRequestorID", v.HasRequestorId, v.RequestorId);
        AssertMember(s, "targetID", v.HasTargetId, v.TargetId);
        Assert.Equal(s.TryGetProperty("busAddress", out _), v.HasBusAddress);
        Assert.Equal(s.TryGetProperty("busCompleterID", out _), v.HasCompleterId);
        Assert.Equal(s.GetProperty("errorStatus").GetProperty("errorType").GetProperty("value").GetUInt64(), v.ErrorStatus >> 8 & 0xFF); // UEFI 2.10 N.2.2: Error Type is bits 8-15 of Error Status
    }

    [Fact]
    public void Processor_generic_view_reads_what_libcper_reads()
    {
        var (body, s) = Load("generic", "GenericProcessor");
        Assert.True(ProcessorGenericSectionView.TryRead(body, out var v));
        AssertMember(s, "processorType", v.HasProcessorType, v.ProcessorType, "value");
        AssertMember(s, "errorType", v.HasErrorType, v.ErrorType, "value");
        AssertMember(s, "cpuVersionInfo", v.HasCpuVersion, v.CpuVersion);
        AssertMember(s, "processorID", v.HasProcessorId, v.ProcessorId);
        AssertMember(s, "requestorID", v.HasRequestorId, v.RequestorId);
        AssertMember(s, "instructionIP", v.HasInstructionIp, v.InstructionIp);
        Assert.Equal(s.TryGetProperty("processorISA", out _), v.HasProcessorIsa);
        Assert.Equal(s.TryGetProperty("targetAddress", out _), v.HasTargetAddress);
        var flags = s.GetProperty("flags");
        Assert.Equal(flags.GetProperty("restartable").GetBoolean(), (v.Flags & 1) != 0);
        Assert.Equal(flags.GetProperty("overflow").GetBoolean(), (v.Flags & 4) != 0);
    }

    [Fact]
    public void Nvidia_view_reads_the_header_and_registers_libcper_reads()
    {
        var (body, s) = Load("nvidia", "Nvidia");
        Assert.True(NvidiaSectionView.TryRead(body, out var v));
        Assert.Equal(s.GetProperty("signature").GetString(), AsciiField.Decode(v.Signature));
        Assert.Equal(s.GetProperty("severity").GetProperty("code").GetByte(), v.Severity);
        Assert.Equal(s.GetProperty("errorType").GetUInt16(), v.ErrorType);
        Assert.Equal(s.GetProperty("errorInstance").GetUInt16(), v.ErrorInstance);
        Assert.Equal(s.GetProperty("socket").GetByte(), v.Socket);
        Assert.Equal(s.GetProperty("registerCount").GetByte(), v.DeclaredRegisterCount);
        Assert.Equal(s.GetProperty("instanceBase").GetUInt64(), v.InstanceBase);
        var registers = s.GetProperty("registers");
        Assert.True(v.RegistersComplete);
        Assert.Equal(registers.GetArrayLength(), v.RegisterCount);
        var read = new List<(ulong, ulong)>();
        foreach (var r in v.Registers) read.Add((r.Address, r.Value));
        AssertPairs(registers, "address", "value", read);
        // A count byte above what the body holds: the view walks the whole entries only and says so.
        body[NvidiaSection.LayoutDef.Find("registerCount")!.Offset]++;
        Assert.True(NvidiaSectionView.TryRead(body, out var over));
        Assert.False(over.RegistersComplete);
        Assert.Equal(registers.GetArrayLength(), over.RegisterCount);
    }

    [Fact]
    public void Nvidia_view_reads_the_cmet_channels_libcper_reads()
    {
        var (body, s) = Load("nvidia_cmet_info", "Nvidia");
        Assert.True(NvidiaSectionView.TryRead(body, out var v));
        Assert.Equal("CMET-INFO", AsciiField.Decode(v.Signature));
        var channels = s.GetProperty("CMETInfo");
        int i = 0;
        foreach (var r in v.Registers)
        {
            var c = channels[i++];
            // libcper's EFI_NVIDIA_CMET_CHANNEL_INFO: ErrorCount bits 0-31, ChannelEnabled 32, ChannelIsSpare 33, DisabledReason 35-36.
            Assert.Equal(Convert.ToUInt64(c.GetProperty("ChannelAddress").GetString(), 16), r.Address);
            Assert.Equal(c.GetProperty("ErrorCount").GetInt32(), (int)(uint)r.Value);
            Assert.Equal(c.GetProperty("ChannelEnabled").GetBoolean(), (r.Value >> 32 & 1) != 0);
            Assert.Equal(c.GetProperty("ChannelIsSpare").GetBoolean(), (r.Value >> 33 & 1) != 0);
            Assert.Equal(c.GetProperty("DisabledReason").GetProperty("raw").GetUInt64(), r.Value >> 35 & 3);
        }
        Assert.Equal(channels.GetArrayLength(), i);
        Assert.True(v.TrailingBytes.IsEmpty);
    }

    /// <summary>A section body holding one 128-byte CXL event record of <paramref name="type"/>, its other bytes random.</summary>
    private static byte[] CxlRecordBody(Guid type, int seed)
    {
        var body = new byte[CxlComponentEventSection.HeaderSize + 128];
        new Random(seed).NextBytes(body);
        BitConverter.TryWriteBytes(body.AsSpan(0), (uint)body.Length); // N.2.14: Length of the whole section
        type.TryWriteBytes(body.AsSpan(32));
        return body;
    }

    // The record views held to CXL 2.0's tables (offsets typed here from the spec, not from the declarations): Table 153
    // (common header), 154 (general media), 155 (DRAM), 156 (memory module).
    [Fact]
    public void Cxl_event_record_views_read_the_spec_offsets()
    {
        static ulong At(byte[] r, int offset, int size) => FieldDef.ReadLittleEndian(r.AsSpan(offset, size));
        for (int seed = 0; seed < 8; seed++)
        {
            var body = CxlRecordBody(CperGuids.CxlGeneralMedia, seed);
            var r = body[32..];
            Assert.True(CxlComponentEventSectionView.TryRead(body, out var v));
            Assert.True(v.HasEventRecordHeader);
            var h = v.EventRecordHeader;
            Assert.Equal(CperGuids.CxlGeneralMedia, h.EventRecordIdentifier);
            Assert.Equal(At(r, 16, 1), h.EventRecordLength);
            Assert.Equal(At(r, 17, 3), h.EventRecordFlags);
            Assert.Equal(At(r, 20, 2), h.EventRecordHandle);
            Assert.Equal(At(r, 22, 2), h.RelatedEventRecordHandle);
            Assert.Equal(At(r, 24, 8), h.EventRecordTimestamp);
            Assert.Equal(At(r, 32, 1), h.MaintenanceOperationClass);
            Assert.True(v.TryGetGeneralMediaEvent(out var gm));
            Assert.False(v.TryGetDramEvent(out _));
            Assert.Equal(At(r, 0x30, 8), gm.PhysicalAddress);
            Assert.Equal(At(r, 0x38, 1), gm.MemoryEventDescriptor);
            Assert.Equal(At(r, 0x39, 1), gm.MemoryEventType);
            Assert.Equal(At(r, 0x3A, 1), gm.TransactionType);
            ulong validity = At(r, 0x3B, 2);
            Assert.Equal(validity, gm.ValidationBits);
            Assert.Equal((validity & 1) != 0, gm.HasChannel);
            Assert.Equal(At(r, 0x3D, 1), gm.Channel);
            Assert.Equal((validity & 2) != 0, gm.HasRank);
            Assert.Equal(At(r, 0x3E, 1), gm.Rank);
            Assert.Equal((validity & 4) != 0, gm.HasDevice);
            Assert.Equal(At(r, 0x3F, 3), gm.Device);
            Assert.Equal((validity & 8) != 0, gm.HasComponentIdentifier);
            Assert.Equal(r.AsSpan(0x42, 16).ToArray(), gm.ComponentIdentifier.ToArray());

            body = CxlRecordBody(CperGuids.CxlDram, seed);
            r = body[32..];
            Assert.True(CxlComponentEventSectionView.TryRead(body, out v));
            Assert.True(v.TryGetDramEvent(out var dram));
            Assert.False(v.TryGetGeneralMediaEvent(out _));
            Assert.Equal(At(r, 0x30, 8), dram.PhysicalAddress);
            validity = At(r, 0x3B, 2);
            Assert.Equal(validity, dram.ValidationBits);
            Assert.Equal(At(r, 0x3F, 3), dram.NibbleMask);
            Assert.Equal((validity & 8) != 0, dram.HasBankGroup);
            Assert.Equal(At(r, 0x42, 1), dram.BankGroup);
            Assert.Equal(At(r, 0x43, 1), dram.Bank);
            Assert.Equal((validity & 0x20) != 0, dram.HasRow);
            Assert.Equal(At(r, 0x44, 3), dram.Row);
            Assert.Equal(At(r, 0x47, 2), dram.Column);
            Assert.Equal((validity & 0x80) != 0, dram.HasCorrectionMask);
            Assert.Equal(r.AsSpan(0x49, 32).ToArray(), dram.CorrectionMask.ToArray());

            body = CxlRecordBody(CperGuids.CxlMemoryModule, seed);
            r = body[32..];
            Assert.True(CxlComponentEventSectionView.TryRead(body, out v));
            Assert.True(v.TryGetMemoryModuleEvent(out var module));
            Assert.Equal(At(r, 0x30, 1), module.DeviceEventType);
            Assert.Equal(r.AsSpan(0x31, 0x12).ToArray(), module.DeviceHealthInformation.ToArray());
            Assert.Equal(At(r, 24, 8), module.EventRecordTimestamp);

            // A log one byte short of a record: the header only, no record view (the describer's rule).
            Assert.True(CxlComponentEventSectionView.TryRead(body.AsSpan(0, body.Length - 1), out var cut) && cut.HasEventRecordHeader);
            Assert.False(cut.TryGetMemoryModuleEvent(out _));
        }
    }

    [Fact]
    public void Memory2_view_reads_what_libcper_reads()
    {
        var (body, s) = Load("memory2", "Memory2");
        Assert.True(MemoryError2SectionView.TryRead(body, out var v));
        // libcper prints each of these only with its UEFI 2.10 N.2.6 validation bit (sections/cper-section-memory.c).
        AssertMemberWhenValid(s, "physicalAddressMask", v.HasPhysicalAddressMask, v.PhysicalAddressMask);
        AssertMemberWhenValid(s, "node", v.HasNode, v.Node);
        AssertMemberWhenValid(s, "card", v.HasCard, v.Card);
        AssertMemberWhenValid(s, "module", v.HasModule, v.Module);
        AssertMemberWhenValid(s, "device", v.HasDevice, v.Device);
        AssertMemberWhenValid(s, "row", v.HasRow, v.Row);
        AssertMemberWhenValid(s, "column", v.HasColumn, v.Column);
        AssertMemberWhenValid(s, "rank", v.HasRank, v.Rank);
        AssertMemberWhenValid(s, "bitPosition", v.HasBitPosition, v.BitPosition);
        AssertMemberWhenValid(s, "chipID", v.HasChipId, v.ChipId);
        AssertMemberWhenValid(s, "requestorID", v.HasRequestorId, v.RequestorId);
        AssertMemberWhenValid(s, "responderID", v.HasResponderId, v.ResponderId);
        AssertMemberWhenValid(s, "targetID", v.HasTargetId, v.TargetId);
        AssertMemberWhenValid(s, "cardSmbiosHandle", v.HasCardHandle, v.CardHandle);
        AssertMemberWhenValid(s, "moduleSmbiosHandle", v.HasModuleHandle, v.ModuleHandle);
        AssertMemberWhenValid(s, "memoryErrorType", v.HasMemoryErrorType, v.MemoryErrorType, "value");
        AssertMemberWhenValid(s, "status", v.HasStatus, v.Status, "value");
        // Bank: libcper prints the whole value with bit 6, else the address/group split.
        AssertMemberWhenValid(s.GetProperty("bank"), "value", v.HasBank, v.Bank);
        // libcper prints the physical address under bit 0 (its reading, docs/libcper-compat.md); the value is the same bytes.
        Assert.Equal(s.GetProperty("physicalAddress").GetUInt64(), v.PhysicalAddress);
    }

    [Fact]
    public void Dmar_views_read_what_libcper_reads()
    {
        var (body, s) = Load("dmargeneric", "GenericDmar");
        {
            Assert.True(DmarGenericSectionView.TryRead(body, out var v));
            // No validation bits (UEFI 2.10 N.2.11.1): libcper prints every member, every HasX is true.
            Assert.True(v.HasRequesterId && v.HasSegmentNumber && v.HasFaultReason && v.HasAccessType && v.HasAddressType && v.HasArchitectureType && v.HasDeviceAddress);
            Assert.Equal(s.GetProperty("requesterID").GetUInt64(), v.RequesterId);
            Assert.Equal(s.GetProperty("segmentNumber").GetUInt64(), v.SegmentNumber);
            Assert.Equal(s.GetProperty("faultReason").GetProperty("value").GetUInt64(), v.FaultReason);
            Assert.Equal(s.GetProperty("accessType").GetProperty("value").GetUInt64(), v.AccessType);
            Assert.Equal(s.GetProperty("addressType").GetProperty("value").GetUInt64(), v.AddressType);
            Assert.Equal(s.GetProperty("architectureType").GetProperty("value").GetUInt64(), v.ArchitectureType);
            Assert.Equal(s.GetProperty("deviceAddress").GetUInt64(), v.DeviceAddress);
        }

        (body, s) = Load("dmarvtd", "VtdDmar");
        {
            Assert.True(DmarVtdSectionView.TryRead(body, out var v));
            Assert.Equal(s.GetProperty("version").GetUInt64(), v.Version);
            Assert.Equal(s.GetProperty("revision").GetUInt64(), v.Revision);
            Assert.Equal(s.GetProperty("oemID").GetUInt64(), FieldDef.ReadLittleEndian(v.OemId)); // 6 bytes, N.2.11.2
            Assert.Equal(s.GetProperty("capabilityRegister").GetUInt64(), v.Capability);
            Assert.Equal(s.GetProperty("extendedCapabilityRegister").GetUInt64(), v.ExtendedCapability);
            Assert.Equal(s.GetProperty("globalCommandRegister").GetUInt64(), v.GlobalCommand);
            Assert.Equal(s.GetProperty("globalStatusRegister").GetUInt64(), v.GlobalStatus);
            Assert.Equal(s.GetProperty("faultStatusRegister").GetUInt64(), v.FaultStatus);
            Assert.Equal(Convert.FromBase64String(s.GetProperty("rootEntry").GetString()!), v.RootEntry.ToArray());
            Assert.Equal(Convert.FromBase64String(s.GetProperty("contextEntry").GetString()!), v.ContextEntry.ToArray());
            // VT-d 7.2.3 fault recording register: Fault Reason is bits 103:96 of the 128-bit record.
            Assert.Equal(s.GetProperty("faultRecord").GetProperty("faultReason").GetUInt64(), v.FaultRecord[12]);
            Assert.Equal(s.GetProperty("pageTableEntry_Level6").GetUInt64(), v.PteLevel6);
            Assert.Equal(s.GetProperty("pageTableEntry_Level1").GetUInt64(), v.PteLevel1);
        }

        (body, s) = Load("dmariommu", "IommuDmar");
        {
            Assert.True(DmarIommuSectionView.TryRead(body, out var v));
            Assert.Equal(s.GetProperty("revision").GetUInt64(), v.Revision);
            Assert.Equal(s.GetProperty("controlRegister").GetUInt64(), v.Control);
            Assert.Equal(s.GetProperty("statusRegister").GetUInt64(), v.Status);
            Assert.Equal(Convert.FromBase64String(s.GetProperty("eventLogEntry").GetString()!), v.EventLogEntry.ToArray());
            Assert.Equal(Convert.FromBase64String(s.GetProperty("deviceTableEntry").GetString()!), v.DeviceTableEntry.ToArray());
            Assert.Equal(s.GetProperty("pageTableEntry_Level5").GetUInt64(), v.PteLevel5);
            Assert.Equal(s.GetProperty("pageTableEntry_Level2").GetUInt64(), v.PteLevel2);
        }
    }

    [Fact]
    public void Ampere_view_reads_what_libcper_reads()
    {
        var (body, s) = LibcperExample.FirstSection("cper/libcper-behaviour/ampere", "Ampere");
        Assert.True(AmpereSectionView.TryRead(body, out var v));
        Assert.True(v.HasTypeId && v.HasSubtypeId && v.HasInstanceId);
        Assert.Equal(s.GetProperty("typeId").GetInt32(), v.TypeId);
        Assert.Equal(s.GetProperty("subTypeId").GetInt32(), v.SubtypeId);
        // libcper prints the instance ID as a signed 32-bit number.
        Assert.Equal(s.GetProperty("instanceId").GetInt32(), (int)v.InstanceId);
    }
}
