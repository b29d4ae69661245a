using System.Buffers.Binary;
using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// UEFI 2.10 appendix N sections decoded from libcper-generated and real WHEA fixtures: fields checked by hand
/// against the bytes (offsets in the comments are absolute, as <c>xxd</c> shows them), and hostile counts and
/// lengths that must give <see cref="ApeiContentException"/>, never another exception.
/// </summary>
public class AppendixNSectionTests
{
    /// <summary>Absolute offset of the first section body in the libcper fixtures (128-byte header + one descriptor).</summary>
    private const int LibcperBody = 0xC8;

    private static T Section<T>(string fixture, int index = 0) where T : CperSectionBody => CperTestRecords.FixtureSection<T>(fixture, index);

    /// <summary>What the text renderer shows for <paramref name="section"/>.</summary>
    private static string Text(CperSectionBody section)
    {
        var sw = new StringWriter { NewLine = "\n" };
        section.Describe(new TextRenderer(sw));
        return sw.ToString();
    }

    private static byte[] Body(string fixture, int start, int length) => Fixtures.Binary(fixture).AsSpan(start, length).ToArray();

    /// <summary>Decoding must throw ApeiContentException; describing reports it and goes on (or throws the same kind when nothing can be described).</summary>
    private static ApeiContentException Hostile(SectionDecoder decode, SectionDescriber describe, byte[] body, long baseOffset)
    {
        var e = Assert.Throws<ApeiContentException>(() => decode(body, baseOffset));
        var sw = new StringWriter();
        var text = new TextRenderer(sw);
        text.BeginObject("section", "Section", baseOffset, body.Length);
        try
        {
            describe(body, baseOffset, text);
            Assert.Contains(e.Field ?? "", sw.ToString(), StringComparison.Ordinal); // reported, and the walk went on
        }
        catch (ApeiContentException)
        {
            // Only when there is no header to describe at all.
            Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        }
        return e;
    }

    [Fact]
    public void Edk2_x64_register_state_without_cr8_is_named_register_by_register()
    {
        var x = new Ia32X64ProcessorSection();
        var array = new byte[236];
        BinaryPrimitives.WriteUInt64LittleEndian(array.AsSpan(152), 0xFFFF_8000_0000_1234); // RIP
        BinaryPrimitives.WriteUInt64LittleEndian(array.AsSpan(192), 0x3406F8);              // CR4, then GDTR (no CR8)
        x.ContextInfo.Add(new Ia32X64ContextInfo(3, array));
        string text = Text(x);
        TextAssert.ContainsAll(text,
            "edk2 layout, no CR8",
            "RIP: 0xFFFF800000001234",
            "CR4: 0x00000000003406F8");
        Assert.DoesNotContain("CR8: ", text, StringComparison.Ordinal);
    }

    // ---- IA32/X64 (N.2.4.2) ----

    [Fact]
    public void Libcper_ia32x64_header_error_info_and_contexts_match_the_bytes()
    {
        // 0xC8: validation 06 04 (0x406: CPUID valid, 1 error info, 4 contexts). 0x108: TLB check GUID b5 35 06 fc,
        // validation 0x15, check info ff 00 df 3f (0x3FDF00FF). 0x148: context 0 type 0 size 0x40.
        var x = Section<Ia32X64ProcessorSection>("cper/libcper/ia32x64.cperhex");
        Assert.Equal(0x406ul, x.ValidationBits);
        var info = Assert.Single(x.ErrorInfo);
        Assert.Equal(CperGuids.CheckTlb, info.ErrorType);
        Assert.Equal(0x15ul, info.ValidationBits);
        Assert.Equal(0x3FDF00FFul, info.CheckInfo);
        Assert.Equal(0x806E5A4C76B95FF4ul, info.RequestorId);
        Assert.Equal(4, x.ContextInfo.Count);
        Assert.Equal([0, 0, 1, 3], x.ContextInfo.Select(c => (int)c.RegisterContextType));
        Assert.Equal([64, 160, 64, 244], x.ContextInfo.Select(c => c.RegisterArray.Length));
        Assert.Equal(0xBEEFAC5Au, x.ContextInfo[2].MsrAddress);
        Assert.Equal(0xD6D3260D20BFC3EAul, x.ContextInfo[3].GetRegister("RAX"));
        Assert.Equal(0xEDDC7CE11ADC511Dul, x.ContextInfo[3].GetRegister("rip"));
        Assert.Equal(0xC167ul, x.ContextInfo[3].GetRegister("TR"));
        Assert.Empty(x.TrailingBytes);
    }

    [Fact]
    public void Whea_ia32x64_capture_holds_cpuid_leaf_1_as_32_bit_registers_and_a_bus_check()
    {
        // whea-edk2/whea_02.bin section 1 at 0x218: validation 07, APIC ID 0x40, CPUID f1 06 04 00 | 00 08 40 40 at 0x228
        // (EBX[31:24] = 0x40, the APIC ID again), bus check GUID b3 f8 f3 1c at 0x258, check info 9e 07 c0 e0 06 at 0x270.
        var x = Section<Ia32X64ProcessorSection>("cper/whea-edk2/whea_02.bin", 1);
        Assert.Equal(7ul, x.ValidationBits);
        Assert.Equal(0x40ul, x.LocalApicId);
        Assert.Equal(0x000406F1u, BinaryPrimitives.ReadUInt32LittleEndian(x.CpuIdInfo));
        Assert.Equal(0x40u, BinaryPrimitives.ReadUInt32LittleEndian(x.CpuIdInfo.AsSpan(4)) >> 24);
        var info = Assert.Single(x.ErrorInfo);
        Assert.Equal(CperGuids.CheckBus, info.ErrorType);
        Assert.Equal(0x6E0C0079Eul, info.CheckInfo);
        Assert.Empty(x.ContextInfo);
        Assert.Contains("Participation type: generic (3)", Text(x), StringComparison.Ordinal);
    }

    [Fact]
    public void An_ms_check_error_type_without_a_name_shows_as_unknown()
    {
        // libcper's reader's record (fixtures/cper/libcper-ir-to-cper): an MS check whose error type is 7, which UEFI 2.10
        // N.2.4.2.1 leaves undefined (0-5 named). Shown as an enumerated field shows such a value, not as a bare number.
        var x = Section<Ia32X64ProcessorSection>("cper/libcper-ir-to-cper/ia32x64-normal.bin");
        string text = Text(x);
        Assert.Contains("Error type: 7 (unknown)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Error type: 7\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Hand_built_ia32x64_section_round_trips_and_writes_its_counts_into_the_validation_bits()
    {
        var x = new Ia32X64ProcessorSection { LocalApicId = 3 };
        x.ErrorInfo.Add(new Ia32X64ErrorInfo(CperGuids.CheckCache, 0x0000_0000_0407_0007) { InstructionPointer = 0xFFFF_8000_1000_0000 });
        var ctx = new Ia32X64ContextInfo(Ia32X64RegisterContextType.X64Context);
        ctx.SetRegister("RIP", 0xFFFF_8000_1000_0000);
        x.ContextInfo.Add(ctx);
        x.ContextInfo.Add(new Ia32X64ContextInfo(1, new byte[16]) { MsrAddress = 0x179 });
        var bytes = x.Encode();
        Assert.Equal(64 + 64 + 16 + 244 + 16 + 16, bytes.Length);
        Assert.Equal(0x1UL | 1 << 2 | 2 << 8, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        var back = Ia32X64ProcessorSection.Decode(bytes);
        Assert.Equal(bytes, back.Encode());
        Assert.Equal(0xFFFF_8000_1000_0000ul, back.ContextInfo[0].GetRegister("rip"));
    }

    [Fact]
    public void Ia32x64_error_info_count_beyond_the_section_is_a_content_error()
    {
        var body = Body("cper/libcper/ia32x64.cperhex", LibcperBody, 724);
        body[0] = 0x3E; // 15 error-information structures (960 bytes) in 724
        var e = Hostile(Ia32X64ProcessorSection.Decode, Ia32X64ProcessorSection.Describe, body, LibcperBody);
        Assert.Equal("ValidationBits.ErrorInfoNum", e.Field);
        Assert.Equal(LibcperBody, e.Offset);
    }

    [Fact]
    public void Ia32x64_register_array_size_beyond_the_section_is_a_content_error()
    {
        var body = Body("cper/libcper/ia32x64.cperhex", LibcperBody, 724);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(0x298 - LibcperBody + 2), 0x1000); // context 3 claims 4096 bytes
        var e = Hostile(Ia32X64ProcessorSection.Decode, Ia32X64ProcessorSection.Describe, body, LibcperBody);
        Assert.Equal("RegisterArraySize", e.Field);
        Assert.Equal(0x298 + 2, e.Offset);
        Assert.Throws<ApeiContentException>(() => Ia32X64ProcessorSection.Decode(body.AsSpan(0, 63), 0));
    }

    [Fact]
    public void Ia32x64_text_rendering_matches_its_snapshot()
    {
        var sw = new StringWriter { NewLine = "\n" };
        CperRecordDescriber.Describe(Fixtures.Binary("cper/libcper/ia32x64.cperhex"), 0, new TextRenderer(sw), "CPER record", out _);
        Snapshot.Verify(sw.ToString());
    }

    // ---- Fixed-size sections: memory error 2 (N.2.6), PCI/PCI-X bus (N.2.8), DMAr (N.2.11) ----

    [Fact]
    public void Libcper_memory2_fields_match_the_bytes_and_the_96_byte_layout()
    {
        // 0xC8: validation 55 55 05 (0x55555), bank 3b 92 at 0xEE, row dc .. at 0xF4 (0x2FFB4EDC), rank at 0xFC,
        // chip ID 7d at 0x104, status 01 at 0x106, card handle 56 7a cf 77 at 0x120.
        var m = Section<MemoryError2Section>("cper/libcper/memory2.cperhex");
        Assert.Equal(0x55555ul, m.ValidationBits);
        Assert.Equal(0x8CCA3D6506B3101Bul, m.PhysicalAddress);
        Assert.Equal(59165, m.Card);
        Assert.Equal(0x923B, m.Bank);
        Assert.Equal(805005788u, m.Row);
        Assert.Equal(390551744u, m.Rank);
        Assert.Equal(125, m.ChipId);
        Assert.Equal(1, m.Status);
        Assert.Equal(0x81B6627EB73317FEul, m.ResponderId);
        Assert.Equal(0x77CF7A56u, m.CardHandle);
        Assert.Equal(96, m.GetEncodedLength());
    }

    [Fact]
    public void Libcper_pci_bus_fields_match_the_bytes()
    {
        // 0xC8: validation 55 01, bus ID ef 3b at 0xDA (bus 239, segment 59), requestor ID 7c cf 35 b3 at 0xF8.
        var p = Section<PciBusErrorSection>("cper/libcper/pcibus.cperhex");
        Assert.Equal(0x155ul, p.ValidationBits);
        Assert.Equal(0x3BEF, p.BusId);
        Assert.Equal(0x541705D168430DC7ul, p.BusData);
        Assert.Equal(0xD3127E66B335CF7Cul, p.RequestorId);
        Assert.Equal(0x573C71D550C225A0ul, p.TargetId);
    }

    [Fact]
    public void Libcper_dmar_sections_match_the_bytes()
    {
        var g = Section<DmarGenericSection>("cper/libcper/dmargeneric.cperhex");
        Assert.Equal(49001, g.RequesterId);
        Assert.Equal(52187, g.SegmentNumber);
        Assert.Equal(6, g.FaultReason);
        Assert.Equal(1, g.ArchitectureType); // UEFI: 1 = VT-d (libcper names it IOMMU)
        Assert.Equal(14267036294098112665ul, g.DeviceAddress);
        var v = Section<DmarVtdSection>("cper/libcper/dmarvtd.cperhex");
        Assert.Equal(239ul, v.GetField("version"));
        Assert.Equal(3940572565915059456ul, v.Capability);
        Assert.Equal(885024238u, v.FaultStatus);
        Assert.Equal(13000931170008304901ul, v.GetField("pteLevel1"));
        var i = Section<DmarIommuSection>("cper/libcper/dmariommu.cperhex");
        Assert.Equal(64ul, i.GetField("revision"));
        Assert.Equal(9030158918527202780ul, i.Control);
        Assert.Equal(976153290216017817ul, i.Status);
        Assert.Equal(1489201232748559868ul, i.GetField("pteLevel1"));
    }

    [Theory]
    [InlineData("cper/libcper/memory2.cperhex", 96)]
    [InlineData("cper/libcper/pcibus.cperhex", 72)]
    [InlineData("cper/libcper/dmargeneric.cperhex", 32)]
    [InlineData("cper/libcper/dmarvtd.cperhex", 144)]
    [InlineData("cper/libcper/dmariommu.cperhex", 144)]
    public void Fixed_section_shorter_than_its_layout_is_a_content_error(string fixture, int size)
    {
        var record = CperRecord.Decode(Fixtures.Binary(fixture), out _);
        var codec = CperSections.Find(record.Sections[0].Body.SectionType)!;
        var body = Body(fixture, LibcperBody, size - 1);
        var e = Hostile(codec.Decode, codec.Describe, body, LibcperBody);
        Assert.Equal(LibcperBody, e.Offset);
    }

    // ---- PCI/PCI-X component (N.2.9) and CCIX PER log (N.2.12) ----

    [Fact]
    public void Libcper_pci_component_counts_and_register_pairs_match_the_bytes()
    {
        // 0xC8: validation 15, vendor 84 3c at 0xD8, memory number 02 at 0xE8, IO number 03 at 0xEC, pair 0 at 0xF0.
        var p = Section<PciComponentErrorSection>("cper/libcper/pcidev.cperhex");
        Assert.Equal(0x15ul, p.ValidationBits);
        Assert.Equal(0x3C84, p.VendorId);
        Assert.Equal(0xA9D4, p.DeviceId);
        Assert.Equal(0xC574ABu, p.ClassCode);
        Assert.Equal(2, p.MemoryRegisterCount);
        Assert.Equal(5, p.RegisterPairs.Count);
        Assert.Equal((18382986505221715575ul, 16983268706008349791ul), p.RegisterPairs[0]);
        Assert.Equal((885844574751927713ul, 11608792315963218900ul), p.RegisterPairs[4]);
        Assert.Empty(p.TrailingBytes);
    }

    [Fact]
    public void Pci_component_register_counts_beyond_the_section_are_a_content_error()
    {
        var body = Body("cper/libcper/pcidev.cperhex", LibcperBody, 120);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(36), 0xFFFF_FFFF); // IO Number: 4 billion pairs
        var e = Hostile(PciComponentErrorSection.Decode, PciComponentErrorSection.Describe, body, LibcperBody);
        Assert.Equal("MemoryNumber + IONumber", e.Field);
        Assert.Equal(LibcperBody + 32, e.Offset);
        Assert.Equal("4294967297", e.Found);
    }

    [Fact]
    public void Libcper_ccix_per_log_matches_the_bytes()
    {
        // 0xC8: length 70 00 00 00 (112), validation 05, source ID b1 at 0xD4, log from 0xD8 (96 bytes, 7f 56 b0 dc ...).
        var c = Section<CcixPerSection>("cper/libcper/ccixper.cperhex");
        Assert.Equal(5ul, c.ValidationBits);
        Assert.Equal(0xB1, c.SourceId);
        Assert.Equal(96, c.PerLog.Length);
        Assert.Equal(0x7F, c.PerLog[0]);
        Assert.Empty(c.TrailingBytes);
    }

    [Theory]
    [InlineData(113u)]
    [InlineData(15u)]
    public void Ccix_length_outside_the_section_is_a_content_error(uint length)
    {
        var body = Body("cper/libcper/ccixper.cperhex", LibcperBody, 112);
        BinaryPrimitives.WriteUInt32LittleEndian(body, length);
        var e = Hostile(CcixPerSection.Decode, CcixPerSection.Describe, body, LibcperBody);
        Assert.Equal("Length", e.Field);
        Assert.Equal(LibcperBody, e.Offset);
    }

    // ---- CXL protocol error (N.2.13) and CXL component event (N.2.14) ----

    [Fact]
    public void Libcper_cxl_protocol_device_id_and_lengths_match_the_bytes()
    {
        // 0xC8: validation 3d, agent type 00, vendor b6 71 at 0xE0, slot 20 50 at 0xEA (slot number 0x5020 >> 3),
        // serial c1 54 1d 7c at 0xF0, DVSEC length 01 00 at 0x134, error log length 26 00 at 0x136, DVSEC 95 at 0x13C.
        var c = Section<CxlProtocolErrorSection>("cper/libcper/cxlprotocol.cperhex");
        Assert.Equal(0x3Dul, c.ValidationBits);
        Assert.Equal(0, c.AgentType);
        Assert.Equal(29110, c.VendorId);
        Assert.Equal(10621, c.DeviceId);
        Assert.Equal(2564, c.SlotNumber);
        Assert.Equal(443063695851738305ul, c.DeviceSerialNumber);
        Assert.Equal(0x38, c.CapabilityStructure[0]);
        Assert.Equal([0x95], c.Dvsec);
        Assert.Equal(38, c.ErrorLog.Length);
        Assert.Empty(c.TrailingBytes);
    }

    [Theory]
    [InlineData(108, 40, "CxlDvsecLength")]
    [InlineData(110, 39, "CxlErrorLogLength")]
    public void Cxl_protocol_lengths_beyond_the_section_are_a_content_error(int at, int value, string field)
    {
        var body = Body("cper/libcper/cxlprotocol.cperhex", LibcperBody, 155);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(at), (ushort)value); // 39 bytes follow the fixed part
        var e = Hostile(CxlProtocolErrorSection.Decode, CxlProtocolErrorSection.Describe, body, LibcperBody);
        Assert.Equal(field, e.Field);
        Assert.Equal(LibcperBody + at, e.Offset);
    }

    [Fact]
    public void Libcper_cxl_component_header_matches_the_bytes_and_its_short_log_stays_raw()
    {
        // 0xC8: length 33 (51), validation 05, vendor 3e d6, function f1, segment ad 0f at 0xDB, slot 28 e3 at 0xDD,
        // event log from 0xE8: 19 bytes, shorter than the 48-byte event record header (libcper writes random bytes).
        var c = Section<CxlComponentEventSection>("cper/libcper/cxlcomponent-media.cperhex");
        Assert.Equal(CperGuids.CxlGeneralMedia, c.SectionType);
        Assert.Equal(5ul, c.ValidationBits);
        Assert.Equal(54846, c.VendorId);
        Assert.Equal(8598, c.DeviceId);
        Assert.Equal(4013, c.SegmentNumber);
        Assert.Equal(7269, c.SlotNumber);
        Assert.Equal(19, c.EventLog.Length);
        Assert.Equal(0x0E, c.EventLog[0]);
    }

    [Fact]
    public void Hand_built_cxl_general_media_record_is_described_field_by_field_and_round_trips()
    {
        var log = new byte[128];
        CperGuids.CxlGeneralMedia.TryWriteBytes(log);
        log[16] = 128;
        log[17] = 0x0A; // failure, maintenance needed
        BinaryPrimitives.WriteUInt64LittleEndian(log.AsSpan(0x30), 0x1234_5000);
        log[0x38] = 1;   // uncorrectable
        log[0x3A] = 1;   // host read
        log[0x3B] = 0x3; // channel and rank valid
        log[0x3D] = 2;
        log[0x3E] = 1;
        var c = new CxlComponentEventSection(CperGuids.CxlGeneralMedia) { ValidationBits = 5, VendorId = 0x8086, EventLog = log };
        var bytes = c.Encode();
        Assert.Equal(160u, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
        var back = CxlComponentEventSection.Decode(bytes, CperGuids.CxlGeneralMedia, 0);
        Assert.Equal(bytes, back.Encode());
        Assert.Equal(CperGuids.CxlGeneralMedia, back.EventRecordType);
        string text = Text(back);
        TextAssert.ContainsAll(text,
            "Physical address (DPA): 0x0000000012345000",
            "Event record severity: failure (2)",
            "Transaction type: host read (1)",
            "Channel: 2");
    }

    [Fact]
    public void Cxl_component_length_beyond_the_section_is_a_content_error()
    {
        var body = Body("cper/libcper/cxlcomponent-media.cperhex", LibcperBody, 51);
        body[0] = 52;
        var e = Hostile((b, o) => CxlComponentEventSection.Decode(b, CperGuids.CxlGeneralMedia, o), CxlComponentEventSection.Describe, body, LibcperBody);
        Assert.Equal("Length", e.Field);
    }
}
