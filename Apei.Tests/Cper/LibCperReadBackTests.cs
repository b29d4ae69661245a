using System.Buffers.Binary;
using System.Text.Json.Nodes;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The read direction of the ARM and IA32/X64 libcper mapping (libcper's JSON → bytes) held against what libcper itself
/// wrote: its JSON read back gives the section body libcper's own reader builds from it (fixtures/libcper-readback), and
/// the bytes read back render to libcper's JSON again.
/// </summary>
public class LibCperReadBackTests
{
    private static string Json(string name) => File.ReadAllText(Fixtures.Path(name + ".json"));

    /// <summary>The first section's body (UEFI 2.10 N.2.2: the first descriptor follows the 128-byte header; SectionOffset, then SectionLength).</summary>
    private static byte[] Body(byte[] record)
    {
        int d = CperRecordHeader.Size;
        int offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(d + CperSectionDescriptor.SectionOffsetOffset));
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(d + CperSectionDescriptor.SectionLengthOffset));
        return record.AsSpan(offset, length).ToArray();
    }

    [Theory]
    [InlineData("libcper-walk/arm-affinity-32bit")]
    [InlineData("libcper-walk/arm-context-unknown-empty")]
    [InlineData("libcper-walk/arm-message-long")]
    [InlineData("libcper-walk/ia32x64-normal")]
    [InlineData("libcper-walk/ia32x64-null-ctx")]
    [InlineData("libcper-walk/ia32x64-type2-short")]
    [InlineData("libcper-walk/ia32x64-type9")]
    [InlineData("cper/libcper/arm")]
    [InlineData("cper/libcper/ia32x64")]
    public void Libcper_JSON_reads_back_to_the_body_libcper_reads_it_to(string name)
    {
        byte[] ours = LibCperJsonReader.ToBinary(Json(name));
        byte[] libcpers = Fixtures.HexText($"libcper-readback/{Path.GetFileName(name)}.hex");
        Assert.Equal(Body(libcpers), Body(ours));
    }

    [Theory]
    [InlineData("libcper-walk/arm-affinity-32bit")]
    [InlineData("libcper-walk/arm-bus-access-mode")]
    [InlineData("libcper-walk/arm-bus-error")]
    [InlineData("libcper-walk/arm-context-unknown-empty")]
    [InlineData("libcper-walk/arm-padded-contexts")]
    [InlineData("libcper-walk/arm-vendor-short")]
    [InlineData("libcper-walk/ia32x64-normal")]
    [InlineData("libcper-walk/ia32x64-trailing")]
    [InlineData("libcper-walk/ia32x64-type9")]
    [InlineData("cper/libcper/arm")]
    [InlineData("cper/libcper/ia32x64")]
    public void Libcper_JSON_read_back_renders_to_the_same_JSON(string name)
    {
        // Each document libcper wrote for a body it walks as UEFI does: every member read back lands where libcper's
        // writer reads it from, so the bytes render to libcper's own line again.
        string json = Json(name);
        var again = LibCperJsonWriter.ToJsonNode(LibCperJsonReader.ToBinary(json));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), again), again.ToJsonString());
    }

    [Fact]
    public void Counts_and_lengths_come_from_what_is_read_not_from_the_document()
    {
        // libcper's ARM document with its counts, section length and a context's registerArraySize wrong: the bytes
        // read back take them from the entries, contexts and registers read (the declarations' derivations).
        var doc = JsonNode.Parse(Json("cper/libcper/arm"))!;
        var arm = doc["sections"]![0]!["ArmProcessor"]!.AsObject();
        int infos = arm["errorInfo"]!.AsArray().Count, contexts = arm["contextInfo"]!.AsArray().Count;
        arm["errorInfoNum"] = 60;
        arm["contextInfoNum"] = 0;
        arm["sectionLength"] = 7;
        foreach (var e in arm["errorInfo"]!.AsArray()) e!["length"] = 3;
        foreach (var c in arm["contextInfo"]!.AsArray()) c!["registerArraySize"] = 1;
        byte[] expected = Body(LibCperJsonReader.ToBinary(Json("cper/libcper/arm")));
        byte[] body = Body(LibCperJsonReader.ToBinary(doc.ToJsonString()));
        Assert.Equal(expected, body);
        // UEFI 2.10 Table N-16: ERR_INFO_NUM at 4, CONTEXT_INFO_NUM at 6, SectionLength at 8.
        Assert.Equal(infos, BinaryPrimitives.ReadUInt16LittleEndian(body.AsSpan(4)));
        Assert.Equal(contexts, BinaryPrimitives.ReadUInt16LittleEndian(body.AsSpan(6)));
        Assert.Equal((uint)body.Length, BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(8)));
    }

    [Fact]
    public void An_array_its_count_field_cannot_hold_is_refused_at_the_array()
    {
        // IA32/X64 keeps ERROR_INFO_NUM in 6 bits of the validation bits (UEFI 2.10 Table N-19): 64 entries do not fit.
        var doc = JsonNode.Parse(Json("cper/libcper/ia32x64"))!;
        var entries = doc["sections"]![0]!["Ia32x64Processor"]!["processorErrorInfo"]!.AsArray();
        var first = entries[0]!.ToJsonString();
        while (entries.Count < 64) entries.Add(JsonNode.Parse(first));
        var e = Assert.Throws<CperJsonException>(() => LibCperJsonReader.ToBinary(doc.ToJsonString()));
        Assert.Contains("processorErrorInfo", e.Message);
        Assert.Contains("at most 63", e.Message);
    }

    [Fact]
    public void A_structure_reads_nested_arrays_and_its_part_deriving_counts_lengths_and_bits()
    {
        // An outer layout (count, validation bits, length, a gated value), two items each with its own counted array of
        // 2-byte values, then a base64 part gated by bit 0: what the declarations derive comes from what was read.
        var sub = new StructDef("sub", 2, [FieldDef.UInt("v", "v", 0, 2)]);
        var item = new StructDef("item", 4, [FieldDef.UInt("n", "n", 0, 2) with { Derive = FieldDerivation.CountOf("subs") }, FieldDef.UInt("tag", "tag", 2, 2)]);
        var outer = new StructDef("outer", 12,
        [
            FieldDef.UInt("count", "count", 0, 2) with { Derive = FieldDerivation.CountOf("items") },
            new FieldDef("valid", "valid", 2, 2, FieldKind.Flags),
            FieldDef.UInt("length", "length", 4, 4) with { Derive = FieldDerivation.StructureLength },
            FieldDef.UInt("x", "x", 8, 4, validBit: 1),
        ], "valid");
        var structure = new LcStructure(outer, [Lm.Int("x", outer.Fields[3])])
        {
            Arrays = [new("items", "items", new LcStructure(item, [Lm.Int("tag", item.Fields[1])]) { Arrays = [new("subs", "subs", new LcStructure(sub, [Lm.Int("v", sub.Fields[0])]))] })],
            Part = LcPart.Base64("tail", 0),
        };
        var bytes = structure.Read(JsonNode.Parse("""{"x":5,"items":[{"tag":7,"subs":[{"v":1},{"v":2}]},{"tag":9,"subs":[]}],"tail":{"data":"AQI="}}""")!.AsObject());
        Assert.Equal(Convert.FromHexString("0200" + "0300" + "1A000000" + "05000000" + "02000700" + "0100" + "0200" + "00000900" + "0102"), bytes);
    }
}
