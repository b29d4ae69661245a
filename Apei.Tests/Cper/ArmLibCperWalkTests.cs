using System.Buffers.Binary;
using System.Text.Json.Nodes;
using ApeiKit.Cper;
using ApeiKit.Cper.LibCper;
using Xunit;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The ARM processor and ARM RAS sections in libcper mode, both directions, on the records of fixtures/libcper-walk
/// (libcper's own lines for them are pinned byte for byte by LibCperStreamedWriterTests): what is read back from
/// libcper's JSON for the cases where libcper's walk departs from UEFI's.
/// </summary>
public class ArmLibCperWalkTests
{
    private static byte[] Walk(string name)
        => Fixtures.HexText($"libcper-walk/{name}.hex");

    private static ReadOnlySpan<byte> Body(byte[] record)
    {
        int offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(CperRecordHeader.Size + CperSectionDescriptor.SectionOffsetOffset));
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(CperRecordHeader.Size + CperSectionDescriptor.SectionLengthOffset));
        return record.AsSpan(offset, length);
    }

    private static JsonNode Section(byte[] record) => JsonNode.Parse(LibCperJsonWriter.Write(record))!["sections"]![0]!;

    // libcper's own line for the pair (fixtures/libcper-walk/NAME.json, printed by libcper): reading back starts from what
    // libcper wrote, not from ApeiKit's rendering of it (the forward direction is pinned byte for byte elsewhere).
    private static string Libcper(string name) => File.ReadAllText(Fixtures.Path($"libcper-walk/{name}.json")).TrimEnd('\n');

    [Fact]
    public void The_error_affinity_is_read_back_with_the_reserved_bytes_libcper_prints_in_it()
    {
        // libcper's ErrorAffinityLevel is a UINT32 (UEFI Table N-16: a byte and 3 reserved bytes): 0xDD02 prints 56578.
        var record = Walk("arm-affinity-32bit");
        Assert.Equal(56578, Section(record)["ArmProcessor"]!["errorAffinity"]!["value"]!.GetValue<int>());
        var again = LibCperJsonReader.ToBinary(Libcper("arm-affinity-32bit"));
        Assert.Equal(Body(record)[12..16].ToArray(), Body(again)[12..16].ToArray());
    }

    [Fact]
    public void A_level_above_2_to_the_31_is_printed_negative_and_read_back_whole()
    {
        var record = Walk("arm-affinity-32bit");
        int at = (int)BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(CperRecordHeader.Size + CperSectionDescriptor.SectionOffsetOffset)) + 12;
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(at), 0xFFFF_FF01);
        Assert.Equal(-255, Section(record)["ArmProcessor"]!["errorAffinity"]!["value"]!.GetValue<int>()); // add_int: signed 32-bit
        Assert.Equal(0xFFFF_FF01u, BinaryPrimitives.ReadUInt32LittleEndian(Body(LibCperJsonReader.ToBinary(LibCperJsonWriter.Write(record)))[12..]));
    }

    [Theory]
    [InlineData("arm-info-length")]
    [InlineData("arm-sectionlength-over")]
    [InlineData("arm-sectionlength-under")]
    public void A_body_the_model_refuses_is_walked_and_reads_back_to_a_section_ApeiKit_decodes(string name)
    {
        // libcper walks these (the body bounds it, not SectionLength or an entry's Length); ApeiKit's own decoder refuses
        // them. Read back, they become a well-formed section (Length 32, SectionLength derived) whose libcper line is the same
        // but for those two members.
        var record = Walk(name);
        Assert.Throws<ApeiContentException>(() => ArmProcessorSection.Decode(Body(record)));
        var arm = Section(record)["ArmProcessor"]!.AsObject();
        var again = LibCperJsonReader.ToBinary(Libcper(name));
        var section = ArmProcessorSection.Decode(Body(again));
        Assert.Equal(arm["errorInfo"]!.AsArray().Count, section.ErrorInfo.Count);
        Assert.Equal(arm["contextInfo"]!.AsArray().Count, section.ContextInfo.Count);
        var reread = Section(again)["ArmProcessor"]!.AsObject();
        foreach (var drop in new[] { "sectionLength" }) { arm.Remove(drop); reread.Remove(drop); }
        foreach (var e in arm["errorInfo"]!.AsArray()) e!.AsObject().Remove("length");
        foreach (var e in reread["errorInfo"]!.AsArray()) e!.AsObject().Remove("length");
        Assert.Equal(arm.ToJsonString(), reread.ToJsonString());
    }

    [Theory]
    [InlineData("arm-ras-revision", "ARM RAS (empty): unsupported ARM RAS revision: 33")]
    [InlineData("arm-ras-offsets", "ARM RAS (empty): invalid ARM RAS offsets")]
    [InlineData("arm-ras-syndromes-over", "ARM RAS (empty): descriptor array out of range")]
    [InlineData("arm-ras-short", "ARM RAS (empty): invalid/too small 40 < 80")]
    public void A_node_libcper_does_not_read_is_an_empty_object_with_its_reason_and_reads_back_as_a_zero_node(string name, string message)
    {
        var section = Section(Walk(name));
        Assert.Equal(message, section["message"]!.GetValue<string>());
        Assert.Empty(section["ArmRas"]!.AsObject());
        // Nothing is read from an empty object: a zero node (revision 0, no syndromes, the syndrome offset the model
        // writes: 80), the section the descriptor's length long.
        var record = Walk(name);
        var body = Body(LibCperJsonReader.ToBinary(Libcper(name))).ToArray();
        Assert.Equal(Body(record).Length, body.Length);
        Assert.Equal(ArmRasSection.NodeSize, BinaryPrimitives.ReadUInt16LittleEndian(body.AsSpan(12)));
        body[12] = 0;
        Assert.DoesNotContain(body, b => b != 0);
    }

    [Fact]
    public void The_MPAM_PARTID_pair_reads_back_with_its_16_bits()
    {
        var record = Walk("arm-ras-mpam");
        var pair = Section(record)["ArmRas"]!["auxData"]!["keyValuePairs"]![1]!;
        Assert.Equal("ebb45182-fb03-4bf9-9aca-8613709fd789", pair["key"]!.GetValue<string>());
        Assert.Equal(64959, pair["mpamPartId"]!.GetValue<int>());
        var aux = ArmRasSection.Decode(Body(LibCperJsonReader.ToBinary(Libcper("arm-ras-mpam")))).AuxiliaryData!;
        Assert.Equal((new Guid("ebb45182-fb03-4bf9-9aca-8613709fd789"), 64959UL), aux.Pairs[1]);
    }

    [Fact]
    public void Auxiliary_data_whose_pairs_do_not_fit_shows_its_contexts_and_no_pairs()
    {
        var aux = Section(Walk("arm-ras-aux-pairs-over"))["ArmRas"]!["auxData"]!.AsObject();
        Assert.Equal(["version", "contexts"], aux.Select(m => m.Key));
        Assert.Equal(3, aux["contexts"]!.AsArray().Count);
        var only = Section(Walk("arm-ras-aux-contexts-over"))["ArmRas"]!["auxData"]!.AsObject();
        Assert.Equal(["version"], only.Select(m => m.Key));
    }
}
