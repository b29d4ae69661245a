using System.Buffers.Binary;
using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.Windows;

namespace ApeiKit.Tests.Cper;

/// <summary>The Windows WHEA (non-UEFI) section decoders, checked against real captures read by hand with xxd.</summary>
public class WindowsSectionTests
{
    private static (byte[] Body, long Offset) Section(string fixture, int index)
    {
        var bytes = Fixtures.Binary(fixture);
        var record = CperRecordView.Read(bytes, out _);
        var d = record.GetDescriptor(index);
        return (record.GetSectionBody(index).ToArray(), d.SectionOffset);
    }

    [Fact]
    public void Xpf_mca_version_4_intel_fields_match_the_bytes()
    {
        // TestErrorMultiple4.bin section 2 at 0x2F8, 1192 bytes: 04 00 00 00 | 01 00 00 00 | 18 92 75 12 2c ea db 01
        // | 03 00 00 00 ... status at +0x28: 50 01 04 00 40 00 00 94, address 18 8a ef b7 07 f8 01 00, APIC ID 3 at +0x44.
        var (body, offset) = Section("cper/whea/TestErrorMultiple4.bin", 2);
        Assert.Equal(0x2F8, offset);
        var mca = XpfMcaSection.Decode(body, offset);
        Assert.Equal(4u, mca.VersionNumber);
        Assert.Equal(1u, mca.CpuVendor);
        Assert.Equal(0x01DBEA2C12759218L, mca.Timestamp);
        Assert.Equal("2025-07-01 02:01:34.6717208 UTC", XpfMcaSection.SystemTimeText(mca.Timestamp));
        Assert.Equal(3u, mca.ProcessorNumber);
        Assert.Equal(0ul, mca.GlobalStatus);
        Assert.Equal(0u, mca.BankNumber);
        Assert.Equal(0x9400004000040150ul, mca.Status);
        Assert.True(mca.IsValid);
        Assert.False(mca.IsUncorrected);
        Assert.Equal(0x0150, mca.McaErrorCode);
        Assert.Equal("cache hierarchy error: instruction fetch, instruction, level 0", McaRegisters.DescribeErrorCode(mca.McaErrorCode));
        Assert.Equal(0x0001F807B7EF8A18ul, mca.Address);
        Assert.Equal(0ul, mca.Misc);
        Assert.Equal(0u, mca.ExtendedRegisterCount);
        Assert.Equal(3u, mca.ApicId);
        Assert.Equal(0u, mca.ExBankCount);
        Assert.Equal(XpfMcaSection.SizeV4, mca.DocumentedLength);
        Assert.Equal(body, mca.Encode());
    }

    [Fact]
    public void Xpf_mca_version_2_amd_exposes_the_named_amd_registers()
    {
        // TestErrorMultiple2.bin section 2 at 0x298, 272 bytes: version 2, vendor 2 (AMD), bank 27 (0x1b at +0x24),
        // status 0b 08 02 00 00 00 20 98, misc 00 00 00 00 fe 0f 1a d0; at +0x48 IPID 00 05 00 00 2e 00 01 00,
        // SYND 01 00 02 5a ..., CONFIG 7d 00 00 00 27 00 00 00, and RasCap 3b 00 .. as the tenth register (+0x90).
        var (body, offset) = Section("cper/whea/TestErrorMultiple2.bin", 2);
        var mca = XpfMcaSection.Decode(body, offset);
        Assert.Equal(2u, mca.VersionNumber);
        Assert.Equal(2u, mca.CpuVendor);
        Assert.Equal(27u, mca.BankNumber);
        Assert.Equal(0x982000000002080Bul, mca.Status);
        Assert.Equal(0xD01A0FFE00000000ul, mca.Misc);
        Assert.Equal(0x0001002E00000500ul, mca.GetExtendedRegister(0)); // IPID
        Assert.Equal(0x000000005A020001ul, mca.GetExtendedRegister(1)); // SYND
        Assert.Equal(0x000000270000007Dul, mca.GetExtendedRegister(2)); // CONFIG
        Assert.Equal(0x3Bul, mca.GetExtendedRegister(9)); // RasCap
        Assert.Equal(XpfMcaSection.SizeV2, mca.DocumentedLength);

        var text = Render(body, offset, XpfMcaSection.Describe);
        TextAssert.ContainsAll(text,
            "AMD extended registers",
            "IPID (MCA_IPID: bank instance and hardware ID): 0x0001002E00000500",
            "CPU vendor: AMD (2)");
    }

    [Fact]
    public void Xpf_mca_version_3_amd_has_a_register_count_and_recovery_info()
    {
        // TestErrorMultiple1.bin section 2 at 0x2B0, 292 bytes: version 3, AMD, processor 0x0b, status
        // 35 01 0c 00 00 00 a0 ba (VAL, UC, EN, MISCV, PCC), count 0x0a at +0x40, APIC ID 0x0b, SYND 14 00 00 4d.
        var (body, offset) = Section("cper/whea/TestErrorMultiple1.bin", 2);
        Assert.Equal(0x2B0, offset);
        var mca = XpfMcaSection.Decode(body, offset);
        Assert.Equal(3u, mca.VersionNumber);
        Assert.Equal(11u, mca.ProcessorNumber);
        Assert.Equal(0xBAA00000000C0135ul, mca.Status);
        Assert.True(mca.IsUncorrected);
        Assert.Equal(10u, mca.ExtendedRegisterCount);
        Assert.Equal(11u, mca.ApicId);
        Assert.Equal(0x001000B000000000ul, mca.GetExtendedRegister(0));
        Assert.Equal(0x4D000014ul, mca.GetExtendedRegister(1));
        Assert.Equal(0ul, mca.GetRecoveryInfo("failureReason"));
        // An unknown name is the caller's mistake, told with the names there are.
        var unknown = Assert.Throws<ArgumentException>("json", () => mca.GetRecoveryInfo("noSuchField"));
        Assert.StartsWith("'noSuchField' is not a recovery information field; they are: failureReason, action, actionRequired, recoverySucceeded, recoveryKernel", unknown.Message, StringComparison.Ordinal);
        var text = Render(body, offset, XpfMcaSection.Describe);
        TextAssert.ContainsAll(text,
            "PCC (processor context corrupt): yes",
            "UC (uncorrected error): yes",
            "Recovery information (XPF_RECOVERY_INFO) (at 0x3C0, 20 bytes)");
    }

    [Fact]
    public void Xpf_mca_version_3_cut_at_289_bytes_decodes_whole_fields_and_keeps_the_rest()
    {
        // whea-edk2/whea_06.bin section 2 at 0x2B0, 289 bytes (3 short of version 3's 292): Intel, processor 16,
        // bank 7, status 92 00 01 01 40 00 00 9c, address 00 7c 3e 6b, misc 86 10 20 b0 c2 05 08 20, APIC ID 0x12.
        var (body, offset) = Section("cper/whea-edk2/whea_06.bin", 2);
        Assert.Equal(289, body.Length);
        var mca = XpfMcaSection.Decode(body, offset);
        Assert.Equal(3u, mca.VersionNumber);
        Assert.Equal(1u, mca.CpuVendor);
        Assert.Equal(16u, mca.ProcessorNumber);
        Assert.Equal(7u, mca.BankNumber);
        Assert.Equal(0x9C00004001010092ul, mca.Status);
        Assert.Equal("memory controller error: read, channel 2", McaRegisters.DescribeErrorCode(mca.McaErrorCode));
        Assert.Equal(0x6B3E7C00ul, mca.Address);
        Assert.Equal(0x200805C2B0201086ul, mca.Misc);
        Assert.Equal(0x12u, mca.ApicId);
        Assert.Equal(body, mca.Encode());
        var text = Render(body, offset, XpfMcaSection.Describe);
        Assert.Contains("version 3, 292 bytes; the section holds 289", text, StringComparison.Ordinal);
        Assert.Contains("Start of a field cut short by the section end (at 0x3D0, 1 bytes)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_recovery_info_fields_match_the_bytes()
    {
        // TestErrorMultiple4.bin section 3 at 0x7A0, 39 bytes: 00 | 01 00 00 00 00 00 00 00 | 00 00 00 00 | ff | 00 | 00 00 00 00 | 20 x 00.
        var (body, offset) = Section("cper/whea/TestErrorMultiple4.bin", 3);
        var info = ErrorRecoveryInfoSection.Decode(body, offset);
        Assert.False(info.RecoveryKernel);
        Assert.Equal(1ul, info.RecoveryAction);
        Assert.Equal(0u, info.RecoveryType);
        Assert.Equal(0xFF, info.Irql);
        Assert.False(info.RecoverySucceeded);
        Assert.Equal(0u, info.FailureReason);
        Assert.Equal("", info.ProcessName);
        Assert.Contains("Recovery action: 0x0000000000000001 (noneAttempted)", Render(body, offset, ErrorRecoveryInfoSection.Describe), StringComparison.Ordinal);
    }

    [Fact]
    public void Error_recovery_info_of_38_bytes_keeps_the_undocumented_bytes()
    {
        var (body, offset) = Section("cper/whea-edk2/whea_06.bin", 3);
        Assert.Equal(38, body.Length);
        var info = ErrorRecoveryInfoSection.Decode(body, offset);
        Assert.Equal(1ul, info.RecoveryAction);
        Assert.Equal(body, info.Encode());
        info.ProcessName = "svchost.exe";
        Assert.Equal(ErrorRecoveryInfoSection.Size, info.GetEncodedLength());
        Assert.Equal("svchost.exe", info.ProcessName);
    }

    [Fact]
    public void Memory_error_extension_fields_match_the_bytes()
    {
        // TestErrorMultiple4.bin section 4 at 0x7C7, 166 bytes: flags 02 00 .. (PRM translation failed), all else zero.
        var (body, offset) = Section("cper/whea/TestErrorMultiple4.bin", 4);
        Assert.Equal(166, body.Length);
        var ext = MemoryErrorExtIntelSection.Decode(body, offset);
        Assert.Equal(2ul, ext.Flags);
        Assert.Equal(0ul, ext.ValidBits);
        Assert.Equal(0ul, ext["channelId"]);
        Assert.Contains("Flags: 0x0000000000000002 (addressTranslationByPrmFailed)", Render(body, offset, MemoryErrorExtIntelSection.Describe), StringComparison.Ordinal);

        ext.ValidBits = 1u << 10 | 1u << 1;
        ext["channelId"] = 3;
        ext.SystemAddress = 0x1234_5000;
        var text = Render(ext.Encode(), 0, MemoryErrorExtIntelSection.Describe);
        Assert.Contains("Channel: 3", text, StringComparison.Ordinal);
        Assert.Contains("System address: 0x0000000012345000", text, StringComparison.Ordinal);
        Assert.Equal(3, ext.Encode()[64]); // ChannelId is the byte at offset 64
    }

    [Fact]
    public void Pcie_dpc_fields_match_the_bytes()
    {
        // whea-edk2/whea_03.bin section 2 at 0x2E8, 68 bytes: 1d 00 01 40 | e0 16 | 09 00 | 2f 1f | 00 00 ...
        var (body, offset) = Section("cper/whea-edk2/whea_03.bin", 2);
        var dpc = PcieDpcSection.Decode(body, offset);
        Assert.Equal(0x4001001Du, dpc.Header);
        Assert.Equal(0x16E0, dpc.Capability);
        Assert.Equal(0x0009, dpc.Control);
        Assert.Equal(0x1F2F, dpc.Status);
        Assert.Equal(3, dpc.TriggerReason);
        Assert.Equal(1, dpc.TriggerReasonExtension);
        var text = Render(body, offset, PcieDpcSection.Describe);
        Assert.Contains("DPC trigger reason extension: DPC software trigger (1)", text, StringComparison.Ordinal);
        Assert.Contains("DPC trigger enable: on ERR_FATAL (1)", text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Fixtures.WheaRecordCases), MemberType = typeof(Fixtures))]
    public void Windows_sections_decode_to_their_models_and_only_device_driver_and_unknown_sections_stay_raw(string fixture)
    {
        var bytes = Fixtures.Binary(fixture);
        var errors = new List<ApeiContentException>();
        var record = CperRecord.Decode(bytes, out _, errors);
        Assert.Empty(errors);
        foreach (var section in record.Sections)
        {
            var type = section.EffectiveSectionType;
            Type? expected =
                type == CperGuids.WindowsXpfMca ? typeof(XpfMcaSection) :
                type == CperGuids.WindowsErrorRecoveryInfo ? typeof(ErrorRecoveryInfoSection) :
                type == CperGuids.WindowsMemoryErrorExtIntel ? typeof(MemoryErrorExtIntelSection) :
                type == CperGuids.WindowsPcieDpc ? typeof(PcieDpcSection) : null;
            if (expected is not null) Assert.IsType(expected, section.Body);
        }
        Assert.Equal(bytes, record.Encode());

        var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
            CperRecordDescriber.Describe(bytes, 0, new JsonRenderer(writer), "r", out _);
        using var doc = JsonDocument.Parse(stream.ToArray());
    }

    [Fact]
    public void Json_names_the_mci_status_bits()
    {
        var (body, offset) = Section("cper/whea/TestErrorMultiple4.bin", 2);
        var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            XpfMcaSection.Describe(body, offset, new JsonRenderer(writer));
            writer.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(stream.ToArray());
        var status = doc.RootElement.GetProperty("status");
        Assert.Equal(0x9400004000040150ul, status.GetProperty("value").GetUInt64());
        Assert.True(status.GetProperty("val").GetBoolean());
        Assert.False(status.GetProperty("uc").GetBoolean());
        Assert.Equal(0x150, status.GetProperty("mcaErrorCode").GetInt32());
        Assert.Equal("Intel", doc.RootElement.GetProperty("cpuVendor").GetProperty("name").GetString());
    }

    // ---- hostile input ----

    [Theory]
    [InlineData("XPF MCA", 71, 72)]
    [InlineData("recovery", 18, 19)]
    [InlineData("memory ext", 165, 166)]
    [InlineData("DPC", 67, 68)]
    public void A_section_shorter_than_its_layout_is_a_content_error(string which, int length, int needed)
    {
        var body = new byte[length];
        SectionDecoder decode = which switch
        {
            "XPF MCA" => (b, o) => XpfMcaSection.Decode(b, o),
            "recovery" => (b, o) => ErrorRecoveryInfoSection.Decode(b, o),
            "memory ext" => (b, o) => MemoryErrorExtIntelSection.Decode(b, o),
            _ => (b, o) => PcieDpcSection.Decode(b, o),
        };
        var e = Assert.Throws<ApeiContentException>(() => decode(body, 0x500));
        Assert.Equal(0x500, e.Offset);
        Assert.Equal($"{needed} bytes", e.Expected);
        Assert.Equal($"{length} bytes", e.Found);
        Assert.StartsWith("Windows ", e.Structure, StringComparison.Ordinal);
    }

    [Fact]
    public void An_extended_register_count_past_the_section_is_a_content_error()
    {
        // A version-1 section cut to 120 bytes that claims 10 extended registers (80 bytes from offset 72).
        var body = new byte[120];
        body[0] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(64), 10);
        var e = Assert.Throws<ApeiContentException>(() => XpfMcaSection.Decode(body, 0x1000));
        ContentError.AssertSays(e, "Windows XPF MCA section", "ExtendedRegisters (ExtendedRegisterCount = 10)", 0x1000 + 72, "80 bytes", "48 bytes");

        // The describer reports it and carries on: the header is still shown, the register bytes are shown raw.
        var text = Render(body, 0x1000, XpfMcaSection.Describe);
        Assert.Contains("ERROR: Windows XPF MCA section, field ExtendedRegisters (ExtendedRegisterCount = 10), at offset 0x1048", text, StringComparison.Ordinal);
        Assert.Contains("Extended register bytes (at 0x1048, 48 bytes)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_extended_register_count_above_the_array_is_a_content_error()
    {
        var body = new byte[XpfMcaSection.SizeV1];
        body[0] = 2;
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(64), 25);
        var e = Assert.Throws<ApeiContentException>(() => XpfMcaSection.Decode(body, 0));
        Assert.Equal("ExtendedRegisterCount", e.Field);
        Assert.Equal(64, e.Offset);
        Assert.Equal("at most 24", e.Expected);
        Assert.Equal("25", e.Found);
    }

    [Fact]
    public void A_further_bank_count_past_the_section_is_a_content_error()
    {
        var body = new byte[XpfMcaSection.SizeV4 - 8];
        body[0] = 4;
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(292), 32);
        var e = Assert.Throws<ApeiContentException>(() => XpfMcaSection.Decode(body, 0));
        Assert.Equal("BankNumberEx/StatusEx/AddressEx/MiscEx (ExBankCount = 32)", e.Field);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(292), 33);
        e = Assert.Throws<ApeiContentException>(() => XpfMcaSection.Decode(body, 0));
        Assert.Equal("ExBankCount", e.Field);
    }

    [Fact]
    public void A_record_whose_section_count_is_bad_keeps_the_section_raw_and_round_trips()
    {
        var bytes = Fixtures.Binary("cper/whea/TestErrorMultiple4.bin");
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x2F8 + 64), 0xFFFFFFFF);
        var errors = new List<ApeiContentException>();
        var record = CperRecord.Decode(bytes, out _, errors);
        var e = Assert.Single(errors);
        Assert.Equal(0x2F8 + 64, e.Offset);
        Assert.IsType<RawSectionBody>(record.Sections[2].Body);
        Assert.Equal(bytes, record.Encode());
    }

    [Fact]
    public void Version_4_further_banks_are_decoded_and_round_trip()
    {
        var mca = new XpfMcaSection { CpuVendor = 1, ExBankCount = 2 };
        mca.SetExBank(1, new XpfMcaBank(5, 0xBD80000000100134, 0x1000, 0x86));
        var copy = XpfMcaSection.Decode(mca.Encode());
        Assert.Equal(new XpfMcaBank(5, 0xBD80000000100134, 0x1000, 0x86), copy.GetExBank(1));
        var text = Render(mca.Encode(), 0, XpfMcaSection.Describe);
        TextAssert.ContainsAll(text,
            "Further banks:",
            "Bank entry 1",
            "AR (recovery action required): yes");
    }

    [Fact]
    public void Text_rendering_of_TestErrorMultiple4_matches_its_snapshot()
    {
        var bytes = Fixtures.Binary("cper/whea/TestErrorMultiple4.bin");
        var sw = new StringWriter();
        CperRecordDescriber.Describe(bytes, 0, new TextRenderer(sw), "CPER record", out _);
        Snapshot.Verify(sw.ToString());
    }

    private static string Render(byte[] body, long offset, SectionDescriber describe)
    {
        var sw = new StringWriter();
        describe(body, offset, new TextRenderer(sw));
        return sw.ToString();
    }
}
