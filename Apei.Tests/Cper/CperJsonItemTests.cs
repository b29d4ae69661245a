using System.Text;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// <see cref="CperJsonReader.ReadItems(ReadOnlySpan{byte})"/>: every top-level item of decode's JSON of a stream in order
/// (records, bytes that are not records, zero padding), written back to the stream's bytes;
/// <see cref="CperJsonReader.ReadRecords(ReadOnlySpan{byte})"/> keeps giving records only.
/// </summary>
public class CperJsonItemTests
{
    private static List<CperJsonItem> Items(string json, List<CperJsonWarning>? warnings = null) => CperJsonReader.ReadItems(Encoding.UTF8.GetBytes(json), warnings);

    /// <summary>decode's JSON of a real capture with junk, zeros and a cut copy: the items in order, and the stream back.</summary>
    [Theory]
    [InlineData("cper/whea/TestErrorMultiple3.bin")]
    [InlineData("cper/whea-edk2/whea_10.bin")]
    public void ReadItems_gives_every_item_of_decodes_json_in_order(string capture)
    {
        var bytes = StreamRoundTripTests.Stream(capture, "junk-first-and-all");
        using var temp = TempFile.Of(bytes);
        var decoded = CliRunner.Run("decode", "-f", "json", temp.Path);
        var warnings = new List<CperJsonWarning>();

        var items = Items(decoded.Out, warnings);

        Assert.Equal(
            [CperJsonItemKind.Bytes, CperJsonItemKind.Record, CperJsonItemKind.Bytes, CperJsonItemKind.Record, CperJsonItemKind.ZeroPadding, CperJsonItemKind.Record, CperJsonItemKind.CutRecord],
            items.Select(i => i.Kind));
        Assert.Equal(["$[0]", "$[1]", "$[2]", "$[3]", "$[4]", "$[5]", "$[6]"], items.Select(i => i.Path));
        Assert.Equal("$[6].data", Assert.Single(warnings).Path); // the cut record: its bytes are written, not its members
        Assert.NotNull(items[6].Record); // its decoded members, read and checked
        long at = 0;
        foreach (var i in items)
        {
            if (i.Offset is { } o) Assert.Equal(at, o);
            at += i.Length;
        }
        Assert.Equal(bytes.Length, at);
        Assert.Null(items[4].Record);
        Assert.True(items[4].Data.IsEmpty);
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(DecodedJson.WriteBack(items)));
    }

    [Fact]
    public void ReadRecords_skips_the_items_that_are_not_records()
    {
        var f = Fixtures.Binary("cper/whea/TestErrorMemory1.bin");
        using var temp = TempFile.Of([.. "JUNK"u8.ToArray(), .. f, .. new byte[40], .. f]);
        var decoded = CliRunner.Run("decode", "-f", "json", temp.Path);

        var records = CperJsonReader.ReadRecords(Encoding.UTF8.GetBytes(decoded.Out));

        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(Convert.ToHexString(f), Convert.ToHexString(r.Encode())));
    }

    [Fact]
    public void Hand_written_items_without_offsets_are_read()
    {
        var items = Items("""[{"header": {"recordId": 7}}, {"padding": "zero", "length": 3}, {"data": "c0ffee"}, {"error": {"message": "m", "structure": "input", "offset": 0}, "data": "01"}]""");

        Assert.Equal([CperJsonItemKind.Record, CperJsonItemKind.ZeroPadding, CperJsonItemKind.Bytes, CperJsonItemKind.Bytes], items.Select(i => i.Kind));
        Assert.All(items, i => Assert.Null(i.Offset));
        Assert.Equal(7ul, items[0].Record!.RecordId);
        var bytes = DecodedJson.WriteBack(items);
        Assert.Equal(CperRecordHeader.Size + 3 + 3 + 1, bytes.Length);
        Assert.Equal("000000C0FFEE01", Convert.ToHexString(bytes.AsSpan(CperRecordHeader.Size)));
    }

    [Theory]
    [InlineData("""[{"header": {}}, {"offset": 128, "length": 9000, "error": {"message": "m", "structure": "input", "offset": 128}, "dataOmitted": "too many"}]""", "$[1].dataOmitted", "decode did not keep these 9000 bytes: too many")]
    [InlineData("""{"offset": 0, "length": 3, "error": {"message": "m", "structure": "input", "offset": 0}, "data": "0102"}""", "$.length", "expected the 2 bytes \"data\" holds, found 3")]
    [InlineData("""{"offset": 0, "length": 3, "error": {"message": "m", "structure": "input", "offset": 0}}""", "$.data", "required member missing")]
    [InlineData("""{"padding": "ff", "length": 3}""", "$.padding", "expected \"zero\"")]
    [InlineData("""{"padding": "zero"}""", "$.length", "required member missing")]
    [InlineData("""{"padding": "zero", "length": -1}""", "$.length", "expected a non-negative integer, found -1")]
    [InlineData("""{"padding": "zero", "length": 2147483648}""", "$.length", "expected at most 1073741824 bytes of padding, found 2147483648")]
    [InlineData("""{"padding": "zero", "length": 4, "data": "00"}""", "$.data", "unknown member")]
    [InlineData("""{"error": {"message": "m", "structure": "input", "offset": 0}, "data": "01", "sections": 1}""", "$.error", "unknown member")] // with "sections" it is a record
    public void Items_that_cannot_be_written_back_are_refused_with_the_path(string json, string path, string message)
    {
        var e = Assert.Throws<CperJsonException>(() => Items(json));

        Assert.Equal(path, e.Path);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_offset_that_disagrees_is_a_warning_and_the_item_is_written_where_it_falls()
    {
        var warnings = new List<CperJsonWarning>();
        var items = Items("""[{"offset": 0, "length": 2, "padding": "zero"}, {"offset": 5, "length": 1, "error": {"message": "m", "structure": "input", "offset": 5}, "data": "aa"}]""", warnings);

        var w = Assert.Single(warnings);
        Assert.Equal("$[1].offset", w.Path);
        Assert.Equal("the item says offset 5, but the items before it take 2 bytes: it is written at 2", w.Message);
        Assert.Equal("0000AA", Convert.ToHexString(DecodedJson.WriteBack(items)));
    }

    /// <summary>A record item's Length is its encoded length when asked, so it follows an edit to the record.</summary>
    [Fact]
    public void A_record_items_length_follows_edits_to_the_record()
    {
        var f = Fixtures.Binary("cper/whea/TestErrorMemory1.bin");
        using var temp = TempFile.Of(f);
        var item = Assert.Single(Items(CliRunner.Run("decode", "-f", "json", temp.Path).Out));
        Assert.Equal(f.Length, item.Length);

        var record = item.Record!;
        record.RecordLength = null;
        record.SectionCount = null;
        record.Sections.Clear();

        Assert.Equal(CperRecordHeader.Size, item.Length);
        Assert.Equal(item.Length, DecodedJson.WriteBack([item]).Length);
    }
}
