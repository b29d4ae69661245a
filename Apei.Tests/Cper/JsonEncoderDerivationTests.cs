using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Tests.Cli;
using ApeiKit.Tests.RealKernel;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// What the encoder derives from the JSON it is given (issue #12 item 3): validation bits from the fields present,
/// counts, lengths and split values, each case one a real Linux kernel met when it read ApeiKit-encoded records. The
/// expected bytes are written from the UEFI 2.10 appendix N clause cited, not from the encoder.
/// </summary>
public class JsonEncoderDerivationTests
{
    private static byte[] Body(Guid type, string json, int? length = null)
    {
        using var doc = JsonDocument.Parse(json);
        return JsonGuidedBuilder.Build(doc.RootElement, "$.body", length, (b, v) => CperSections.DescribeBody(type, b, 0, v));
    }

    /// <summary>The builder's walks over the body (the describer is run once per walk).</summary>
    private static int Walks(Guid type, string json, int length)
    {
        using var doc = JsonDocument.Parse(json);
        int walks = 0;
        JsonGuidedBuilder.Build(doc.RootElement, "$.body", length, (b, v) => { walks++; CperSections.DescribeBody(type, b, 0, v); });
        return walks;
    }

    private static CperRecord Record(Guid type, string body)
        => Assert.Single(CperJsonReader.ReadRecords(Encoding.UTF8.GetBytes($$"""{"sections": [{"descriptor": {"sectionType": "{{type}}"}, "body": {{body}}}]}""")));

    private static JsonElement DecodedJson(byte[] record)
    {
        var decoded = CliRunner.RunWithStdin(record, "decode", "--format", "json", "-");
        Assert.True(decoded.ExitCode == 0, decoded.Error);
        using var doc = JsonDocument.Parse(decoded.Out);
        return doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement[0].Clone() : doc.RootElement.Clone();
    }

    private static void AssertRoundTrips(byte[] record)
    {
        var again = CperJsonReader.ReadRecords(Encoding.UTF8.GetBytes(DecodedJson(record).GetRawText()));
        Assert.Equal(Convert.ToHexString(record), Convert.ToHexString(Assert.Single(again).Encode()));
    }

    [Fact]
    public void Arm_counts_lengths_and_validation_bits_come_from_what_is_given()
    {
        var bytes = Body(CperGuids.ProcessorArm, """
            {"mpidr": 257, "errorInfo": [{"type": 2, "errorInformation": {"level": 2, "corrected": true}, "physicalFaultAddress": 4096}]}
            """);
        // UEFI 2.10 N.2.4.4 Table N-16: validation bit 0 (MPIDR), ERR_INFO_NUM 1 at 4, CONTEXT_INFO_NUM 0 at 6, Section
        // Length at 8 = 40-byte header + one 32-byte error-information structure; MPIDR_EL1 at 16.
        var expected = new byte[72];
        BinaryPrimitives.WriteUInt32LittleEndian(expected, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(expected.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(expected.AsSpan(8), 72);
        BinaryPrimitives.WriteUInt64LittleEndian(expected.AsSpan(16), 257);
        // Table N-17 at 40: Version 0, Length 32, validation bits 2 (error information) and 4 (physical fault address),
        // Type 2 (bit 1: cache error), Error Information (Table N-18, cache: bits 0-15 validate the fields above them:
        // level (bit 2, value in 22-24), corrected (bit 4, value at 26)), physical fault address at 24.
        expected[41] = 32;
        BinaryPrimitives.WriteUInt16LittleEndian(expected.AsSpan(42), (1 << 2) | (1 << 4));
        expected[44] = 2;
        BinaryPrimitives.WriteUInt64LittleEndian(expected.AsSpan(48), (1ul << 2) | (1ul << 4) | (2ul << 22) | (1ul << 26));
        BinaryPrimitives.WriteUInt64LittleEndian(expected.AsSpan(64), 4096);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(bytes));
        // ApeiKit's own strict decoder takes it (without Section Length it used to refuse what it wrote).
        var arm = ArmProcessorSection.Decode(bytes);
        Assert.Single(arm.ErrorInfo);

        // What Linux cper-arm.c prints for it: the cache level and "corrected" only appear because the error
        // information's own validation bits (2, 4) are set; the physical fault address because entry bit 4 is.
        var record = Record(CperGuids.ProcessorArm, """
            {"mpidr": 257, "errorInfo": [{"type": 2, "errorInformation": {"level": 2, "corrected": true}, "physicalFaultAddress": 4096}]}
            """).Encode();
        var lines = Assert.Single(KernelExpectations.For(DecodedJson(record), record).Sections);
        Assert.Contains(lines, l => l.Key == "Error info structure 0/cache level" && l.Value == "2");
        Assert.Contains(lines, l => l.Key == "the error has been corrected");
        Assert.Contains(lines, l => l.Key == "Error info structure 0/physical fault address" && l.Value == "0x0000000000001000");
        Assert.Contains(lines, l => l.Key == "Multiprocessor Affinity Register (MPIDR)");
    }

    [Fact]
    public void Arm_error_information_entry_gets_bits_from_its_own_fields_not_the_nested_ones()
    {
        var bytes = Body(CperGuids.ProcessorArm, """{"errorInfo": [{"type": 2, "errorInformation": {"validationBits": 127, "level": 1}}]}""");
        // N.2.4.4 Table N-17: the entry's validation bits say which of its own fields are valid: only bit 2 (error
        // information) here. The nested 0x7F belongs to the cache error information (Table N-18) and stays there.
        Assert.Equal(1 << 2, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(40 + 2)));
        Assert.Equal(127ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(40 + 8)) & 0xFFFF);
        Assert.Equal(1ul, (BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(40 + 8)) >> 22) & 7);
    }

    [Fact]
    public void Two_unpadded_arm_context_structures_encode_and_round_trip()
    {
        // Two context structures of 8 + 12 bytes each (not a multiple of 16) written back to back, as libcper writes
        // them; decode shows that as "padding": "none: ...". UEFI N.2.4.4 would pad each with 12 zero bytes.
        const string note = "none: the next bytes follow the register array directly (UEFI pads each context structure with zeros to a multiple of 16 bytes)";
        var json = $$"""
            {"contextInfo": [
              {"registerContextType": 5, "registerArray": "0102030405060708090a0b0c", "padding": "{{note}}"},
              {"registerContextType": 6, "registerArray": "1112131415161718191a1b1c", "padding": "{{note}}"}]}
            """;
        var bytes = Body(CperGuids.ProcessorArm, json);
        var expected = new byte[40 + 20 + 20];
        BinaryPrimitives.WriteUInt16LittleEndian(expected.AsSpan(6), 2);              // CONTEXT_INFO_NUM
        BinaryPrimitives.WriteUInt32LittleEndian(expected.AsSpan(8), 80);             // Section Length
        BinaryPrimitives.WriteUInt16LittleEndian(expected.AsSpan(40 + 2), 5);         // Table N-21: type at 2
        BinaryPrimitives.WriteUInt32LittleEndian(expected.AsSpan(40 + 4), 12);        // Register Array Size at 4
        Convert.FromHexString("0102030405060708090a0b0c").CopyTo(expected, 48);
        BinaryPrimitives.WriteUInt16LittleEndian(expected.AsSpan(60 + 2), 6);
        BinaryPrimitives.WriteUInt32LittleEndian(expected.AsSpan(60 + 4), 12);
        Convert.FromHexString("1112131415161718191a1b1c").CopyTo(expected, 68);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(bytes));
        var arm = ArmProcessorSection.Decode(bytes);
        Assert.Equal(2, arm.ContextInfo.Count);

        var record = Record(CperGuids.ProcessorArm, json).Encode();
        AssertRoundTrips(record);
    }

    [Fact]
    public void Arm_padded_contexts_take_the_padding_the_specification_asks_for()
    {
        var bytes = Body(CperGuids.ProcessorArm, """{"contextInfo": [{"registerContextType": 5, "registerArray": "0102030405060708090a0b0c"}, {"registerContextType": 6, "registerArray": "11121314"}]}""");
        // N.2.4.4: each context structure is padded with zeros to a multiple of 16 bytes: 20 -> 32, 12 -> 16.
        Assert.Equal(40 + 32 + 16, bytes.Length);
        Assert.Equal(88u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(6, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(72 + 2)));
        Assert.Equal(4u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(72 + 4)));
    }

    [Fact]
    public void Arm_named_registers_size_their_register_array()
    {
        // Type 4 (AArch64 GPRs, N.2.4.4: X0-X30 and SP, 32 x 8 = 256 bytes): the size follows from the type.
        var bytes = Body(CperGuids.ProcessorArm, """{"contextInfo": [{"registerContextType": 4, "registers": {"x0": 1}}]}""");
        Assert.Equal(256u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40 + 4)));
        Assert.Equal(40 + 8 + 256 + 8, bytes.Length); // padded to a multiple of 16 (N.2.4.4)
        Assert.Equal(1ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(48)));
    }

    [Fact]
    public void Ia32_counts_error_info_and_check_info_validation_bits()
    {
        var bytes = Body(CperGuids.ProcessorIa32X64, $$"""
            {"localApicId": 5,
             "errorInfo": [{"errorType": "{{CperGuids.CheckCache}}", "checkInfo": {"level": 1, "uncorrected": true},
                            "targetId": 16, "requestorId": 1, "responderId": 2, "instructionPointer": 3}],
             "contextInfo": [{"registerContextType": 1, "msrAddress": 16, "registers": [{"value": 1}, {"value": 2}]}]}
            """);
        // UEFI 2.10 N.2.4.2 Table N-19: validation bit 0 (local APIC ID), ERROR_INFO_NUM 1 in bits 2-7,
        // CONTEXT_INFO_NUM 1 in bits 8-13.
        var expected = new byte[64 + 64 + 16 + 16];
        BinaryPrimitives.WriteUInt64LittleEndian(expected, 1 | (1 << 2) | (1 << 8));
        BinaryPrimitives.WriteUInt64LittleEndian(expected.AsSpan(8), 5);
        // N.2.4.2.1 Table N-20 at 64: the check type GUID; validation bits 0-4 (check info, target, requestor, responder,
        // IP) and never the reserved bits 5-63; Table N-21 cache check: bits 0-15 validate its own fields (level bit 2,
        // uncorrected bit 4), level in 22-24, uncorrected at 26.
        CperGuids.CheckCache.TryWriteBytes(expected.AsSpan(64));
        BinaryPrimitives.WriteUInt64LittleEndian(expected.AsSpan(64 + 16), 0x1F);
        BinaryPrimitives.WriteUInt64LittleEndian(expected.AsSpan(64 + 24), (1ul << 2) | (1ul << 4) | (1ul << 22) | (1ul << 26));
        BinaryPrimitives.WriteUInt64LittleEndian(expected.AsSpan(64 + 32), 16);
        BinaryPrimitives.WriteUInt64LittleEndian(expected.AsSpan(64 + 40), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(expected.AsSpan(64 + 48), 2);
        BinaryPrimitives.WriteUInt64LittleEndian(expected.AsSpan(64 + 56), 3);
        // N.2.4.2.2 Table N-24 at 128: type 1 (MSR registers), Register Array Size 16 (two MSRs), MSR address 16.
        BinaryPrimitives.WriteUInt16LittleEndian(expected.AsSpan(128), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(expected.AsSpan(130), 16);
        BinaryPrimitives.WriteUInt32LittleEndian(expected.AsSpan(132), 16);
        BinaryPrimitives.WriteUInt64LittleEndian(expected.AsSpan(144), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(expected.AsSpan(152), 2);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(bytes));
    }

    [Fact]
    public void Pcie_device_id_and_aer_info_set_their_validation_bits_and_the_kernel_prints_the_device()
    {
        const string body = """
            {"deviceId": {"vendorId": 32902, "deviceId": 4660, "classCode": 394240, "primaryBusNumber": 3, "deviceNumber": 0, "functionNumber": 1},
             "aerInfo": {"uncorrectableErrorStatus": 16}}
            """;
        var bytes = Body(CperGuids.PciExpress, body);
        // UEFI 2.10 N.2.7 Table N-35: bit 3 Device ID valid, bit 7 AER Info valid.
        Assert.Equal((1ul << 3) | (1ul << 7), BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal(0x8086, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(24)));
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(112 + 4)));

        // Linux cper_print_pcie prints device_id and vendor_id only when bit 3 is set.
        var record = Record(CperGuids.PciExpress, body).Encode();
        var kernel = KernelExpectations.For(DecodedJson(record), record);
        var lines = Assert.Single(kernel.Sections);
        Assert.Contains(lines, l => l.Key == "device_id" && l.Value == "0000:03:00.1");
        Assert.Contains(lines, l => l.Key == "vendor_id" && l.Value == "0x8086, device_id: 0x1234");
    }

    [Fact]
    public void Memory_bank_group_and_address_do_not_set_the_plain_bank_bit()
    {
        var bytes = Body(CperGuids.PlatformMemory, """{"bank": {"bankGroup": 3, "bankAddress": 1}}""");
        // N.2.5 Table N-31: bit 19 bank group, bit 20 bank address; bit 6 (Bank as one number) stays clear.
        Assert.Equal((1ul << 19) | (1ul << 20), BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal(0x0301, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(38)));
        // The plain form still means bit 6.
        Assert.Equal(1ul << 6, BinaryPrimitives.ReadUInt64LittleEndian(Body(CperGuids.PlatformMemory, """{"bank": 769}""")));
        // Linux prints "bank:" only for bit 6, so a kernel would not print the packed 769 as a bank number.
        var record = Record(CperGuids.PlatformMemory, """{"bank": {"bankGroup": 3, "bankAddress": 1}}""").Encode();
        Assert.DoesNotContain(Assert.Single(KernelExpectations.For(DecodedJson(record), record).Sections), l => l.Key == "bank");
    }

    [Fact]
    public void Memory_row_of_18_bits_is_split_into_the_extended_row_bits()
    {
        var bytes = Body(CperGuids.PlatformMemory, """{"row": 174029}"""); // 0x2A7CD
        // N.2.5 Table N-31: Row (offset 42) holds bits 0-15; Extended (offset 73) bit 0 is row bit 16, bit 1 row bit 17;
        // validation bit 8 (row) and bit 18 (extended row bits 16 and 17) are set.
        Assert.Equal((1ul << 8) | (1ul << 18), BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal(0xA7CD, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(42)));
        Assert.Equal(0b10, bytes[73]);
        // A 16-bit row needs no extension.
        var small = Body(CperGuids.PlatformMemory, """{"row": 65535}""");
        Assert.Equal(1ul << 8, BinaryPrimitives.ReadUInt64LittleEndian(small));
        Assert.Equal(0, small[73]);
        // 19 bits do not fit the 18 the specification gives a row.
        using var doc = JsonDocument.Parse("""{"row": 262144}""");
        var e = Assert.Throws<CperJsonException>(() => JsonGuidedBuilder.Build(doc.RootElement, "$.body", null, (b, v) => CperSections.DescribeBody(CperGuids.PlatformMemory, b, 0, v)));
        Assert.Equal("$.body.row", e.Path);
        Assert.Contains("18 bits", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_validation_bits_win_and_a_mismatch_is_a_warning()
    {
        using var doc = JsonDocument.Parse("""{"validationBits": 2, "node": 3}""");
        var warnings = new List<CperJsonWarning>();
        var bytes = JsonGuidedBuilder.Build(doc.RootElement, "$.body", null, (b, v) => CperSections.DescribeBody(CperGuids.PlatformMemory, b, 0, v), null, warnings);
        Assert.Equal(2ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(32)));
        Assert.Contains(warnings, w => w.Path == "$.body.validationBits" && w.Message.Contains("bit 1 (physicalAddress)", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Path == "$.body.node" && w.Message.Contains("bit 3", StringComparison.Ordinal));
        Assert.Equal(2, warnings.Count);
    }

    [Theory]
    [MemberData(nameof(Fixtures.CperRecordCases), MemberType = typeof(Fixtures))]
    public void Decode_output_reads_back_without_warnings(string fixture)
    {
        var decoded = CliRunner.Run("decode", "--format", "json", Fixtures.Path(fixture));
        var warnings = new List<CperJsonWarning>();
        try
        {
            CperJsonReader.ReadRecords(Encoding.UTF8.GetBytes(decoded.Out), warnings);
        }
        catch (CperJsonException)
        {
            return; // JsonRoundTripTests' concern
        }
        Assert.True(warnings.Count == 0, string.Join('\n', warnings));
    }

    [Fact]
    public void Encode_prints_the_warnings_and_still_writes_the_record()
    {
        using var json = TempFile.Of("""{"sections": [{"descriptor": {"sectionType": "a5bc1114-6f64-4ede-b863-3e83ed7c83b1"}, "body": {"validationBits": 2, "node": 3}}]}""", ".json");
        using var bin = TempFile.Named();
        var r = CliRunner.Run("encode", json.Path, "-o", bin.Path);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"{Path.GetFileName(json.Path)}: warning: $.sections[0].body.node: given, but validationBits leaves bit 3 clear", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
        Assert.Equal(128 + 72 + 80, new FileInfo(bin.Path).Length);
    }

    [Theory]
    [InlineData("arm with two unpadded contexts")]
    [InlineData("ia32 with error info and an msr context")]
    [InlineData("memory")]
    public void Sections_whose_describers_announce_what_they_read_build_in_one_walk_and_confirm_in_a_second(string what)
    {
        var (type, json, length) = what switch
        {
            "arm with two unpadded contexts" => (CperGuids.ProcessorArm, """
                {"errorInfo": [{"type": 2, "errorInformation": {"level": 1}}, {"type": 4, "errorInformation": 5}],
                 "contextInfo": [{"registerContextType": 5, "registerArray": "0102030405060708090a0b0c", "padding": "none: x y"},
                                 {"registerContextType": 6, "registerArray": "1112131415161718191a1b1c", "padding": "none: x y"}],
                 "vendorSpecificInfo": "aabb"}
                """, 40 + 64 + 40 + 2),
            "ia32 with error info and an msr context" => (CperGuids.ProcessorIa32X64, $$$"""
                {"errorInfo": [{"errorType": "{{{CperGuids.CheckBus}}}", "checkInfo": {"timeOut": true}}],
                 "contextInfo": [{"registerContextType": 1, "registers": [{"value": 1}]}, {"registerContextType": 2, "registers": {"eax": 1}}]}
                """, 64 + 64 + 16 + 8 + 16 + 92),
            _ => (CperGuids.PlatformMemory, """{"row": 174029, "bank": {"bankGroup": 1}}""", 80),
        };
        Assert.Equal(2, Walks(type, json, length));
    }

    /// <summary>libcper's ARM RAS walk record (an MPAM key/value pair, three contexts) decoded to ApeiKit JSON, its body to edit.</summary>
    private static (System.Text.Json.Nodes.JsonNode Record, System.Text.Json.Nodes.JsonObject Body) ArmRasMpam(byte[] record)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(DecodedJson(record).GetRawText())!;
        return (json, json["sections"]![0]!["body"]!.AsObject());
    }

    private static byte[] Encoded(System.Text.Json.Nodes.JsonNode record)
        => Assert.Single(CperJsonReader.ReadRecords(Encoding.UTF8.GetBytes(record.ToJsonString()))).Encode();

    [Fact]
    public void Arm_ras_counts_and_auxiliary_data_size_come_from_what_is_given()
    {
        // Arm DEN0085 (ARM RAS CPER section): the syndrome, context, key/value pair and register counts are the array
        // lengths; the auxiliary data size is the bytes from its offset to the section's end (nothing follows it here).
        var record = LibcperWalk.Record("arm-ras-mpam");
        var (json, body) = ArmRasMpam(record);
        var aux = body["auxiliaryData"]!.AsObject();
        Assert.True(body.Remove("errorSyndromeCount") & aux.Remove("contextCount") & aux.Remove("keyValuePairCount"));
        foreach (var c in aux["contexts"]!.AsArray()) Assert.True(c!.AsObject().Remove("registerCount"));
        Assert.Equal(Convert.ToHexString(record), Convert.ToHexString(Encoded(json)));
        Assert.True(aux.Remove("size"));
        Assert.Equal(Convert.ToHexString(record), Convert.ToHexString(Encoded(json)));
    }

    [Fact]
    public void Arm_ras_key_value_pairs_past_the_auxiliary_data_size_are_said_not_to_fit()
    {
        // A third pair with its count left out: 3 pairs of 24 bytes from offset 176 pass the size 224 the JSON gives. The
        // message is the walk's (field, expected, found), at the pairs' path, not "unknown member".
        var (json, body) = ArmRasMpam(LibcperWalk.Record("arm-ras-mpam"));
        var aux = body["auxiliaryData"]!.AsObject();
        Assert.Equal((224, 176), ((int)aux["size"]!, (int)aux["keyValuePairOffset"]!));
        aux.Remove("keyValuePairCount");
        var pairs = aux["keyValuePairs"]!.AsArray();
        pairs.Add(pairs[0]!.DeepClone());
        var e = Assert.Throws<CperJsonException>(() => Encoded(json));
        Assert.Equal("$.sections[0].body.auxiliaryData.keyValuePairs", e.Path);
        Assert.Contains("does not fit", e.Message, StringComparison.Ordinal);
        Assert.Contains("KeyValuePairArrayOffset", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected 16 to 224 with 3 pairs of 24 bytes fitting before 224, found 176", e.Message, StringComparison.Ordinal);
    }
}
