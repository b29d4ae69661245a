using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json.Nodes;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The converter kinds and nested members of <c>Cper/LibCper/LibCperMap.Kinds.cs</c> (issue #12): the BCD kind against
/// libcper's <c>bcd_to_int</c>/<c>int_to_bcd</c> (common-utils.c) and its own line for a PCIe version
/// (fixtures/libcper-walk/pcie-version-bcd), the nested device ID read back from libcper's numbers.
/// </summary>
public class LibCperKindsTests
{
    private static byte[] Walk(string name) => LibcperWalk.Record(name);

    private static string Libcper(string name) => LibcperWalk.Line(name);

    private static int BodyOffset(byte[] record) => (int)BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(CperRecordHeader.Size + CperSectionDescriptor.SectionOffsetOffset));

    [Theory]
    [InlineData(0x19UL, 8, 19UL)]
    [InlineData(0x0AUL, 8, 10UL)] // a digit above 9 is taken as it is: 0 * 10 + 10
    [InlineData(0xFFUL, 8, 165UL)]
    [InlineData(0x1234UL, 16, 1234UL)]
    public void A_bcd_value_reads_as_each_digit_times_its_power_of_ten(ulong bcd, int width, ulong value)
        => Assert.Equal(value, LibCperMap.FromBcd(bcd, width));

    [Theory]
    [InlineData(19UL, 8, 0x19UL)]
    [InlineData(10UL, 8, 0x10UL)]
    [InlineData(99UL, 8, 0x99UL)]
    [InlineData(1234UL, 16, 0x1234UL)]
    // 123 into 8 bits (int_to_bcd's low two digits, 0x23) is refused instead: LibCperReadBackRefusalTests.
    public void A_number_is_written_back_as_its_decimal_digits(ulong value, int width, ulong bcd)
        => Assert.Equal(bcd, LibCperMap.ReadBcd(System.Text.Json.Nodes.JsonNode.Parse(value.ToString(System.Globalization.CultureInfo.InvariantCulture)), width));

    [Fact]
    public void The_pcie_version_reads_back_from_libcpers_numbers()
    {
        // libcper printed the version 0x0A19 as {minor: 19, major: 10} (the line is pinned byte for byte by
        // LibCperStreamedWriterTests); reading its line back gives int_to_bcd of each: 0x19 and 0x10. Every other byte is
        // the record's (pcie-class-any, which reads back byte for byte, with validation bit 1 and the version set).
        var record = Walk("pcie-version-bcd");
        int body = BodyOffset(record);
        var expected = (byte[])record.Clone();
        expected[body + PcieErrorSection.VersionField.Offset + 1] = 0x10;
        Assert.Equal(0x0A19UL, PcieErrorSection.VersionField.ReadValue(record.AsSpan(body)));
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(LibCperJsonReader.ToBinary(Libcper("pcie-version-bcd"))));
    }

    [Fact]
    public void A_null_device_id_reads_as_zeros_and_anything_but_an_object_is_refused()
    {
        var doc = JsonNode.Parse(Libcper("pcie-version-bcd"))!.AsObject();
        doc["sections"]![0]!["Pcie"]!["deviceID"] = null;
        var bytes = LibCperJsonReader.ToBinary(doc.ToJsonString());
        int body = BodyOffset(bytes);
        var id = PcieErrorSection.DeviceIdBlockField;
        Assert.All(bytes.AsSpan(body + id.Offset, id.Size).ToArray(), b => Assert.Equal(0, b));
        Assert.Equal(1UL, (PcieErrorSection.ValidationBitsField.ReadValue(bytes.AsSpan(body)) >> 3) & 1); // present: bit 3 set
        LibcperExample.AssertDocumentRefused("pcie", d => d["sections"]![0]!["Pcie"]!["deviceID"] = 5, "sections[0].Pcie.deviceID", "expected an object", "found 5");
    }

    private static string Written(LcMember[] members, byte[] body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new LcWriter();
        w.Reset(buffer);
        w.WriteStartObject();
        LibCperMap.WriteMembers(w, members, body, 0);
        w.WriteEndObject();
        w.Flush();
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void A_dict_shows_the_raw_number_and_its_name_only_where_the_table_has_one()
    {
        // libcper's add_dict (cper-utils.c): {"raw": v} and "value" only for v below the table's size.
        LcMember[] dict = [Lm.Dict("d", new FieldDef("d", "D", 0, 1, FieldKind.UInt), LcNames.Libcper(["A", "B"]))];
        Assert.Equal("""{"d":{"raw":1,"value":"B"}}""", Written(dict, [1]));
        Assert.Equal("""{"d":{"raw":5}}""", Written(dict, [5]));
        var back = new byte[1];
        LibCperMap.ReadMembers(JsonNode.Parse("""{"d":{"raw":5,"value":"A"}}""")!.AsObject(), dict, back);
        Assert.Equal(5, back[0]); // the number, not the name
    }

    [Fact]
    public void A_variant_shows_the_members_its_selector_names_and_reads_them_back_after_it()
    {
        var selector = new FieldDef("format", "Format", 0, 1, FieldKind.UInt);
        var field = new FieldDef("part", "Part", 1, 2, FieldKind.Bytes);
        LcMember[] members =
        [
            Lm.Int("format", selector),
            Lm.Variant("part", field, selector, [Lm.Int("word", new FieldDef("word", "Word", 0, 2, FieldKind.UInt))], [Lm.Hex("low", new FieldDef("low", "Low", 0, 1, FieldKind.Hex), 2)]),
        ];
        Assert.Equal("""{"format":0,"part":{"word":513}}""", Written(members, [0, 1, 2]));
        Assert.Equal("""{"format":1,"part":{"low":"0x01"}}""", Written(members, [1, 1, 2]));
        Assert.Equal("""{"format":2,"part":{}}""", Written(members, [2, 1, 2]));
        var back = new byte[3];
        LibCperMap.ReadMembers(JsonNode.Parse("""{"format":1,"part":{"low":"0x7F"}}""")!.AsObject(), members, back);
        Assert.Equal(new byte[] { 1, 0x7F, 0 }, back);
        // A member of another variant is refused with its path, not dropped (libcper's reader would read it over the union).
        var e = Assert.Throws<CperJsonException>(() => LibCperMap.ReadMembers(JsonNode.Parse("""{"format":1,"part":{"word":999,"low":"0x7F"}}""")!.AsObject(), members, back));
        Assert.Equal("$.part.word", e.Path);
        e = Assert.Throws<CperJsonException>(() => LibCperMap.ReadMembers(JsonNode.Parse("""{"format":2,"part":{"low":"0x7F"}}""")!.AsObject(), members, new byte[3]));
        Assert.Equal("$.part.low", e.Path);
    }
}
