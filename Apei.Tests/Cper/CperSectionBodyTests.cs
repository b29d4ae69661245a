using ApeiKit.Cper;
using ApeiKit.Cper.Windows;

namespace ApeiKit.Tests.Cper;

/// <summary>Processor generic, PCI Express and firmware error record reference sections, on real and generated fixtures.</summary>
public class CperSectionBodyTests
{
    // The sections this file tests and those AppendixNSectionTests does (IA32/X64, memory 2, PCI/PCI-X, DMAR, CCIX, CXL).
    private static readonly Guid[] s_structured =
    [
        CperGuids.ProcessorGeneric, CperGuids.ProcessorArm, CperGuids.PciExpress, CperGuids.FirmwareErrorRecordReference,
        CperGuids.ProcessorIa32X64, CperGuids.PlatformMemory2, CperGuids.PciBus, CperGuids.PciComponent, CperGuids.DmarGeneric,
        CperGuids.DmarVtd, CperGuids.DmarIommu, CperGuids.CcixPer, CperGuids.CxlProtocol, CperGuids.CxlGeneralMedia, CperGuids.CxlDram,
        CperGuids.CxlMemoryModule,
    ];

    [Theory]
    [MemberData(nameof(Fixtures.CperRecordCases), MemberType = typeof(Fixtures))]
    public void Every_fixture_section_of_these_types_decodes_to_its_model_not_raw_bytes(string fixture)
    {
        foreach (var (_, _, record) in CperTestRecords.DecodeEach(Fixtures.Binary(fixture)))
        {
            foreach (var s in record.Sections.Where(s => s_structured.Contains(s.Body.SectionType)))
            {
                if (s_cutBodies.Contains(fixture)) Assert.IsType<RawSectionBody>(s.Body);
                else Assert.IsNotType<RawSectionBody>(s.Body);
            }
        }
    }

    // Bodies cut where a count or length no longer fits (libcper's reader wrote them: fixtures/README.md): the model holds
    // whole structures only, so they stay raw bytes (decode and the JSON show the cut part as "undecoded").
    private static readonly HashSet<string> s_cutBodies =
    [
        "cper/libcper-ir-to-cper/ia32x64-null-ctx.bin",
        "cper/libcper-ir-to-cper/ia32x64-type2-short.bin",
    ];

    [Fact]
    public void Whea_processor_generic_capture_fields_match_the_bytes()
    {
        // whea-edk2/whea_01.bin section 1 at 0x1A1: validation 57 01 (0x157), type 00, ISA 02 at 0x1AA,
        // CPU version f1 06 04 00 at 0x1B1, processor ID 72 at 0x239.
        var p = CperTestRecords.FixtureSection<ProcessorGenericSection>("cper/whea-edk2/whea_01.bin", 1);
        Assert.Equal(0x157ul, p.ValidationBits);
        Assert.Equal(0, p.ProcessorType);
        Assert.Equal(2, p.ProcessorIsa);
        Assert.Equal(0, p.ErrorType);
        Assert.Equal(0x406F1ul, p.CpuVersion);
        Assert.Equal(0x72ul, p.ProcessorId);
        Assert.Equal("", p.CpuBrandString);
    }

    [Fact]
    public void Libcper_processor_generic_fields_match_libcper_where_it_follows_the_spec()
    {
        var p = CperTestRecords.FixtureSection<ProcessorGenericSection>("cper/libcper/generic.cperhex");
        Assert.Equal(0x1555ul, p.ValidationBits);
        Assert.Equal(0x45831F16C121D261ul, p.CpuVersion);
        Assert.Equal(0xE37557F4EEC8423Eul, p.InstructionIp);
        Assert.StartsWith("aJ1", p.CpuBrandString, StringComparison.Ordinal);
        Assert.Equal(192, p.GetEncodedLength());
    }

    [Fact]
    public void Whea_pcie_capture_fields_match_the_bytes()
    {
        // whea-edk2/whea_04.bin section 0 at 0x110 (xxd): validation df 00 (0xDF), port type 04, version 01 01,
        // vendor 86 80 device 30 20 at 0x128, class 00 04 03, bus 17 17 at 0x133, capability 10 e0 42 01 at 0x144,
        // AER header 01 00 01 1d at 0x180, severity 10 20 06 00 at 0x18C, correctable status 01 at 0x190.
        var p = CperTestRecords.FixtureSection<PcieErrorSection>("cper/whea-edk2/whea_04.bin");
        Assert.Equal(0xDFul, p.ValidationBits);
        Assert.Equal(4u, p.PortType);
        Assert.Equal(0x101u, p.Version);
        Assert.Equal(0x8086, p.VendorId);
        Assert.Equal(0x2030, p.DeviceId);
        Assert.Equal(0x030400u, p.ClassCode);
        Assert.Equal(0x17, p.PrimaryBusNumber);
        Assert.Equal(0x17, p.SecondaryBusNumber);
        Assert.Equal(0x10, p.CapabilityStructure[0]);
        Assert.Equal(0x1D010001u, p.GetAerRegister("capabilityHeader"));
        Assert.Equal(0x62010u, p.GetAerRegister("uncorrectableErrorSeverity"));
        Assert.Equal(1u, p.GetAerRegister("correctableErrorStatus"));
        Assert.Equal(0xA0u, p.GetAerRegister("capabilitiesControl"));
    }

    [Fact]
    public void Libcper_pcie_command_and_status_match_libcper()
    {
        var p = CperTestRecords.FixtureSection<PcieErrorSection>("cper/libcper/pcie.cperhex");
        Assert.Equal(49788, p.Command);  // libcper's commandRegister
        Assert.Equal(63572, p.Status);   // libcper's statusRegister
    }

    [Fact]
    public void Pcie_section_built_from_scratch_encodes_its_fields_at_the_spec_offsets()
    {
        var p = new PcieErrorSection { ValidationBits = 0x89, PortType = 4, VendorId = 0x8086, DeviceId = 0x2030, SlotNumber = 5 };
        p.SetAerRegister("uncorrectableErrorStatus", 1u << 12);
        var bytes = p.Encode();
        Assert.Equal(208, bytes.Length);
        Assert.Equal("86803020", Convert.ToHexString(bytes, 24, 4));
        Assert.Equal("2800", Convert.ToHexString(bytes, 24 + 13, 2)); // slot 5 in bits 3-15
        Assert.Equal("00100000", Convert.ToHexString(bytes, 112 + 4, 4));
    }

    [Fact]
    public void Pcie_section_shorter_than_208_bytes_is_truncated()
    {
        var bytes = CperRecord.Decode(Fixtures.Binary("cper/whea-edk2/whea_04.bin"), out _).Sections[0].Body.Encode();
        var e = Assert.Throws<ApeiContentException>(() => PcieErrorSection.Decode(bytes.AsSpan(0, 200), 0x110));
        ContentError.AssertSays(e, "PCI Express error section", 0x110, "208 bytes", "200 bytes");
        Assert.Throws<ApeiContentException>(() => PcieErrorSection.Describe(bytes.AsSpan(0, 200), 0, new TextRenderer(TextWriter.Null)));
    }

    [Fact]
    public void Whea_firmware_reference_keeps_its_payload_and_round_trips()
    {
        // whea/TestErrorFirmware1.bin section 0 at 0x158: 02 02 (type 2, revision 2), record id 0,
        // GUID 11 f3 87 8f 98 c9 9e 4d a0 c4 60 65 51 8c 4f 6d at 0x168, payload from 0x178 (05 73 03 41 ...).
        var bytes = Fixtures.Binary("cper/whea/TestErrorFirmware1.bin");
        var record = CperRecord.Decode(bytes, out _);
        var f = Assert.IsType<FirmwareErrorRecordReferenceSection>(record.Sections[0].Body);
        Assert.Equal(2, f.RecordType);
        Assert.Equal(2, f.Revision);
        Assert.Equal(0ul, f.RecordIdentifier);
        Assert.Equal(new Guid("8f87f311-c998-4d9e-a0c4-6065518c4f6d"), f.RecordIdentifierGuid);
        Assert.Equal(2592 - 32, f.Payload.Length);
        Assert.Equal("05730341", Convert.ToHexString(f.Payload, 0, 4));
        Assert.Equal(72 - 32, Assert.IsType<FirmwareErrorRecordReferenceSection>(record.Sections[2].Body).Payload.Length);
        Assert.Equal(bytes, record.Encode());
    }

    [Fact]
    public void Crash_log_firmware_references_carry_their_payload_guids()
    {
        var record = CperRecord.Decode(Fixtures.Binary("cper/crashlog/cper.whea"), out _);
        Assert.Equal(5, record.Sections.Count);
        var sections = record.Sections.Select(s => Assert.IsType<FirmwareErrorRecordReferenceSection>(s.Body)).ToList();
        Assert.All(sections, s => Assert.Equal(2, s.Revision));
        Assert.Equal(new Guid("26d769a7-c31a-43d0-9378-3c6c872eea4d"), sections[1].RecordIdentifierGuid);
        Assert.Equal(4128 - 32, sections[1].Payload.Length);
        Assert.Equal(7200 - 32, sections[0].Payload.Length);
    }

    [Fact]
    public void Libcper_firmware_reference_matches_libcper()
    {
        var f = CperTestRecords.FixtureSection<FirmwareErrorRecordReferenceSection>("cper/libcper/firmware.cperhex");
        Assert.Equal(0, f.RecordType);
        Assert.Equal(2, f.Revision);
        Assert.Equal(new Guid("ed782c67-8094-48bd-bfca-5dc5a0619384"), f.RecordIdentifierGuid);
        Assert.Empty(f.Payload);
    }

    [Theory]
    [InlineData("revision 2 needs the GUID: 20 of 32 bytes", "0202000000000000" + "0000000000000000" + "11F3878F", "RecordIdentifierGuid", 16, "32 bytes for revision 2", "20 bytes")]
    [InlineData("revision 1 needs the GUID too", "0201000000000000" + "0000000000000000", "RecordIdentifierGuid", 16, "32 bytes for revision 1", "16 bytes")]
    [InlineData("revision 0 needs the record identifier", "0000000000000000" + "0102", "RecordIdentifier", 8, "16 bytes for revision 0", "10 bytes")]
    public void Firmware_reference_shorter_than_its_revision_layout_names_the_missing_field(string reason, string hex, string field, int offset, string expected, string found)
    {
        var e = Assert.Throws<ApeiContentException>(() => FirmwareErrorRecordReferenceSection.Decode(Convert.FromHexString(hex), 1000));
        Assert.True(field == e.Field, reason);
        ContentError.AssertSays(e, "Firmware error record reference", field, 1000 + offset, expected, found);
    }

    [Fact]
    public void Firmware_reference_revision_0_is_16_bytes_and_keeps_what_follows()
    {
        var body = Convert.FromHexString("0000AABBCCDDEEFF" + "2A00000000000000" + "DEADBEEF");
        var f = FirmwareErrorRecordReferenceSection.Decode(body);
        Assert.Equal(42ul, f.RecordIdentifier);
        Assert.Equal(Guid.Empty, f.RecordIdentifierGuid);
        Assert.Equal("DEADBEEF", Convert.ToHexString(f.Payload));
        Assert.Equal(body, f.Encode());
    }

    [Fact]
    public void Byte_field_setters_zero_fill_short_input_and_cut_long_input()
    {
        // FieldDef.WriteBytes, the one rule behind every model's byte setter: the firmware reference's own header (6 reserved
        // bytes at 2-7, the record identifier after them) and a FixedSectionBody (the DPC section's 16-byte RP PIO header log at 32).
        var f = new FirmwareErrorRecordReferenceSection { RecordIdentifier = 0x1122_3344_5566_7788 };
        f.Reserved = [0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF];
        f.Reserved = [1, 2];
        Assert.Equal([1, 2, 0, 0, 0, 0], f.Reserved);
        f.Reserved = [1, 2, 3, 4, 5, 6, 7, 8];
        Assert.Equal([1, 2, 3, 4, 5, 6], f.Reserved);
        Assert.Equal(0x1122_3344_5566_7788ul, f.RecordIdentifier);

        var dpc = new PcieDpcSection { RpPioHeaderLog = [.. Enumerable.Repeat((byte)0xEE, 16)], RpPioTlpPrefixLog = [.. Enumerable.Repeat((byte)0x77, 16)] };
        dpc.RpPioHeaderLog = [9];
        Assert.Equal([9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], dpc.RpPioHeaderLog);
        dpc.RpPioHeaderLog = [.. Enumerable.Range(1, 40).Select(i => (byte)i)];
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (byte)i), dpc.RpPioHeaderLog);
        Assert.Equal(Enumerable.Repeat((byte)0x77, 16), dpc.RpPioTlpPrefixLog);
    }
}
