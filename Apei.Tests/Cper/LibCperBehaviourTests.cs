using System.Text.Json;
using System.Text.Json.Nodes;
using ApeiKit.Cper;
using ApeiKit.Cper.LibCper;
using ApeiKit.Cper.Vendors;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// libcper mode against libcper's own output (issue #12 item 7): each pair in <c>fixtures/cper/libcper-behaviour/</c> is a
/// record built to show one place where libcper reads differently, with the JSON libcper's <c>cper-convert</c> printed for
/// it (openbmc/libcper @ 7c410e29164b; the folder's README). Our rendering must equal libcper's, and libcper's JSON must
/// read back to the record byte for byte.
/// </summary>
public class LibCperBehaviourTests
{
    public static TheoryData<string> Pairs() => new(Fixtures.Files("cper/libcper-behaviour", "*.cperhex").Select(f => System.IO.Path.GetFileNameWithoutExtension(f)));

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Our_libcper_json_equals_libcpers(string name)
    {
        var bytes = Fixtures.Binary($"cper/libcper-behaviour/{name}.cperhex");
        using var expected = JsonDocument.Parse(File.ReadAllText(Fixtures.Path($"cper/libcper-behaviour/{name}.json")));
        using var actual = JsonDocument.Parse(LibCperJsonWriter.Write(bytes));
        string? diff = JsonDiff.First(expected.RootElement, actual.RootElement, "$");
        Assert.True(diff is null, $"{name}: {diff}");
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Libcper_json_reads_back_to_the_record(string name)
    {
        var bytes = Fixtures.Binary($"cper/libcper-behaviour/{name}.cperhex");
        byte[] encoded = LibCperJsonReader.ToBinary(File.ReadAllText(Fixtures.Path($"cper/libcper-behaviour/{name}.json")));
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(encoded));
    }

    private static JsonNode Section(string name, string key)
        => JsonNode.Parse(LibCperJsonWriter.Write(Fixtures.Binary($"cper/libcper-behaviour/{name}.cperhex")))!["sections"]![0]![key]!;

    [Fact]
    public void Pcie_device_id_names_the_class_code_first_as_libcper_does()
    {
        // sections/cper-section-pcie.c:360-369: "class" is the device ID's first member when libcper's class code table
        // (lines 22-279) has the code: an exact entry (0x0C0330), or a base/sub-class entry for any interface (0x01018A);
        // 0x030201 has none, so pcie-device-id-hex has no "class".
        Assert.Equal("class", Section("pcie-class-name", "Pcie")["deviceID"]!.AsObject().First().Key);
        Assert.Equal("USB3 host controller - Intel xHCI", Section("pcie-class-name", "Pcie")["deviceID"]!["class"]!.GetValue<string>());
        Assert.Equal("IDE controller", Section("pcie-class-any", "Pcie")["deviceID"]!["class"]!.GetValue<string>());
        Assert.False(Section("pcie-device-id-hex", "Pcie")["deviceID"]!.AsObject().ContainsKey("class"));
    }

    [Fact]
    public void Arm_misc_register_context_is_libcpers_packed_10_byte_structure()
    {
        // include/libcper/Cper.h:1694-1701 under #pragma pack(push, 1) (line 23): op2:3 crm:4 crn:4 op1:3 o0:2, Value:64 at
        // byte 2; sections/cper-section-arm.c:828-841 renders a 10-byte array (it refused nothing here; ApeiKit used to
        // show the section as Unknown and read the value at byte 8 of a 16-byte array).
        var contexts = Section("arm-misc-context", "ArmProcessor")["contextInfo"]!.AsArray();
        Assert.Equal(0x1122334455667788UL, contexts[0]!["registerArray"]!["value"]!.GetValue<ulong>());
        Assert.Equal(3UL, contexts[0]!["registerArray"]!["mrsEncoding"]!["o0"]!.GetValue<ulong>());
        var wide = Section("arm-misc-context-16", "ArmProcessor")["contextInfo"]![0]!;
        Assert.Equal(0x8877665544332211UL, wide["registerArray"]!["value"]!.GetValue<ulong>());
    }

    [Fact]
    public void Arm_misc_register_context_read_back_keeps_the_array_size()
    {
        // A 10-byte array reads back as 10 bytes (libcper's fwrite of the packed structure, cper-section-arm.c:1394-1419),
        // so sectionLength still matches the body: the strict decoder accepts the result.
        foreach (var (name, size) in new[] { ("arm-misc-context", 10), ("arm-misc-context-16", 16) })
        {
            string json = File.ReadAllText(Fixtures.Path($"cper/libcper-behaviour/{name}.json"));
            var record = CperRecord.Decode(LibCperJsonReader.ToBinary(json), out _);
            var arm = Assert.IsType<ArmProcessorSection>(record.Sections[0].Body);
            Assert.Equal(size, arm.ContextInfo[0].RegisterArray.Length);
        }
    }

    [Theory]
    [InlineData(0, "32-bit Mode Debug Registers")]
    [InlineData(1, "64-bit Mode Debug Registers")]
    [InlineData(2, "Memory Mapper Registers")]
    public void Ia32x64_context_types_5_to_7_carry_libcpers_names(int index, string name)
    {
        // include/libcper/sections/cper-section-ia32x64.h:59-67.
        var c = Section("ia32x64-context-names", "Ia32x64Processor")["processorContextInfo"]![index]!;
        Assert.Equal(name, c["registerContextType"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Nvidia_cmet_disabled_reason_is_bits_35_to_36_and_error_count_is_signed()
    {
        // include/libcper/Cper.h:1370-1377 (ErrorCount:32, Enabled:1, Spare:1, PermanentlyDisabled:1, DisabledReason:2);
        // sections/cper-section-nvidia.c:27 prints ErrorCount with add_int (a signed 32-bit json-c integer).
        var cmet = Section("nvidia-cmet-disabled-reason", "Nvidia")["CMETInfo"]!.AsArray();
        Assert.Equal(3UL, cmet[0]!["DisabledReason"]!["raw"]!.GetValue<ulong>());
        Assert.Equal("Threshold of bad pages exceeded", cmet[0]!["DisabledReason"]!["value"]!.GetValue<string>());
        Assert.Equal(-1, cmet[1]!["ErrorCount"]!.GetValue<int>());
    }

    [Fact]
    public void Pci_bus_error_type_4_is_libcpers_name()
    {
        // include/libcper/sections/cper-section-pci-bus.h:24.
        Assert.Equal("Bus Timeout/No Device Present (No DEVSEL#)", Section("pcibus-timeout", "PciBus")["errorType"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Pcie_segment_and_slot_hex_are_the_low_byte_as_libcper_prints_them()
    {
        // sections/cper-section-pcie.c:379-386: add_int_hex_8 takes a UINT8. Reproduced (docs/libcper-compat.md).
        var id = Section("pcie-device-id-hex", "Pcie")["deviceID"]!;
        Assert.Equal("0x34", id["segmentNumber_Hex"]!.GetValue<string>());
        Assert.Equal(0x1234UL, id["segmentNumber"]!.GetValue<ulong>());
        Assert.Equal("0xBC", id["slotNumber_Hex"]!.GetValue<string>());
    }

    [Fact]
    public void Ampere_section_is_decoded_by_apeikit_and_by_the_libcper_mapping()
    {
        var bytes = Fixtures.Binary("cper/libcper-behaviour/ampere.cperhex");
        var ampere = Assert.IsType<AmpereSection>(CperRecord.Decode(bytes, out _).Sections[0].Body);
        Assert.Equal((10, 1, 0x80000001u), (ampere.TypeId, ampere.SubtypeId, ampere.InstanceId));
        var ir = Section("ampere", "Ampere");
        Assert.Equal(-2147483647, ir["instanceId"]!.GetValue<int>());
        Assert.Equal("Ampere", JsonNode.Parse(LibCperJsonWriter.Write(bytes))!["sectionDescriptors"]![0]!["sectionType"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Ampere_section_shorter_than_8_bytes_is_unknown_as_in_libcper()
    {
        // sections/cper-section-ampere.c:15 refuses a body shorter than EFI_AMPERE_ERROR_DATA.
        Assert.Throws<ApeiContentException>(() => AmpereSection.Decode(new byte[7]));
    }
}
