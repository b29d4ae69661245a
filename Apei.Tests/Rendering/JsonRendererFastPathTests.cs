using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ApeiKit.Cli;
using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Hest;

namespace ApeiKit.Tests.Rendering;

/// <summary>
/// The streamed decode's fast paths must not change a byte of output: the compact renderer against Utf8JsonWriter,
/// pre-encoded names against encoding on the fly, labels skipped for JSON, errors counted without a collector.
/// </summary>
public class JsonRendererFastPathTests
{
    public static TheoryData<string> CperFixtures() => [.. Fixtures.CperRecords()];

    private delegate void Walk(ReadOnlySpan<byte> input, StructureVisitor visitor);

    private static (string Writer, string Compact) RenderBoth(ReadOnlySpan<byte> input, Walk walk, JavaScriptEncoder? encoder)
    {
        var a = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(a, new JsonWriterOptions { Encoder = encoder }))
        {
            walk(input, new JsonRenderer(w));
        }
        var b = new ArrayBufferWriter<byte>();
        var compact = new JsonRenderer(b, encoder);
        walk(input, compact);
        compact.Flush();
        return (Encoding.UTF8.GetString(a.WrittenSpan), Encoding.UTF8.GetString(b.WrittenSpan));
    }

    private static void DescribeAllRecords(ReadOnlySpan<byte> input, StructureVisitor v)
    {
        v.BeginObject(null, "all", 0, input.Length);
        v.BeginArray("records", "Records", 0, input.Length);
        RecordWalk.DescribeRecords(input, v, "CPER record");
        v.EndArray();
        v.EndObject();
    }

    [Theory]
    [MemberData(nameof(CperFixtures))]
    public void Compact_renderer_writes_what_Utf8JsonWriter_writes_for_every_cper_fixture(string fixture)
    {
        var bytes = Fixtures.Binary(fixture);
        foreach (var encoder in new[] { null, JavaScriptEncoder.Default, JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
        {
            var (writer, compact) = RenderBoth(bytes, DescribeAllRecords, encoder);
            Assert.Equal(writer, compact);
        }
    }

    [Fact]
    public void Compact_renderer_matches_for_hest_and_generated_dumps()
    {
        var hest = AcpiDumpText.Parse(File.ReadAllText(Fixtures.Path("acpidump/hest-acpidump-0001.log"))).First(t => t.Signature == "HEST").Bytes;
        var (w1, c1) = RenderBoth(hest, static (b, v) => HestDescriber.Describe(b, 0, v), JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        Assert.Equal(w1, c1);
        Assert.Contains("\"errorSources\"", c1, StringComparison.Ordinal);

        var hostile = Fixtures.Bytes("hostile/hest-validator-allocation-budget.bin");
        var (w2, c2) = RenderBoth(hostile, static (b, v) => HestDescriber.Describe(b, 0, v), null);
        Assert.Equal(w2, c2);

        var (w3, c3) = RenderBoth(GeneratedDump.Bytes(256 << 10, seed: 9), DescribeAllRecords, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        Assert.Equal(w3, c3);
    }

    [Theory]
    [InlineData("plain ascii")]
    [InlineData("quote \" backslash \\ tab \t")]
    [InlineData("<html> & 'apostrophe' +plus `tick`")]
    [InlineData("non-ASCII é ü 漢字 and an emoji 😀")]
    [InlineData("control \u0001\u001f and DEL \u007f")]
    [InlineData("")]
    public void Text_needing_escapes_is_escaped_as_the_writer_escapes_it(string text)
    {
        foreach (var encoder in new[] { null, JavaScriptEncoder.Default, JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
        {
            var (writer, compact) = RenderBoth(default, (_, v) =>
            {
                v.BeginObject(null, "x", 0, 0);
                v.Info("text", "Text", text);
                v.Info("none", "None", (string?)null);
                v.Info("number", "Number", -42);
                v.JsonOnly("jsonOnly", text);
                v.Error(new ApeiContentException(text, "Field" + text, 8, "expected " + text, "found " + text));
                v.Error(new ApeiContentException("second", null, 9, null, null));
                v.BeginArray("list", "List", 0, 0);
                v.Error(new ApeiContentException("in array", null, 10, null, null));
                v.EndArray();
                v.EndObject();
            }, encoder);
            Assert.Equal(writer, compact);
            using var doc = JsonDocument.Parse(compact);
            Assert.Equal(text, doc.RootElement.GetProperty("text").GetString());
        }
    }

    [Fact]
    public void Compact_renderer_grows_past_its_scratch_chunk_and_can_be_reset()
    {
        var big = new string('a', 100_000);
        var first = new ArrayBufferWriter<byte>();
        var r = new JsonRenderer(first);
        r.BeginObject(null, "x", 0, 0);
        for (int i = 0; i < 2000; i++) r.Info("n", "N", i);
        r.Info("big", "Big", big);
        r.EndObject();
        r.Flush();
        using (var doc = JsonDocument.Parse(first.WrittenMemory))
            Assert.Equal(big, doc.RootElement.GetProperty("big").GetString());

        var second = new ArrayBufferWriter<byte>();
        r.Reset(second);
        r.BeginObject(null, "y", 0, 0);
        r.Info("k", "K", 1);
        r.EndObject();
        r.Flush();
        Assert.Equal("{\"k\":1}", Encoding.UTF8.GetString(second.WrittenSpan));
        Assert.Null(r.Writer);
        using var w = new Utf8JsonWriter(new ArrayBufferWriter<byte>());
        Assert.Throws<InvalidOperationException>(() => new JsonRenderer(w).Reset(second));
    }

    [Fact]
    public void A_field_renamed_with_a_with_expression_renders_under_its_new_name()
    {
        var original = FieldDef.UInt("count", "Count", 0, 4);
        var renamed = original with { Json = "renamed" };
        var bits = new BitFieldDef("low", "Low", 0, 4) with { Json = "lowNibble" };
        var packed = FieldDef.Bits("packed", "Packed", 4, 4, [bits]);
        var (_, compact) = RenderBoth([7, 0, 0, 0, 0x35, 0, 0, 0], (b, v) =>
        {
            v.BeginObject(null, "x", 0, 8);
            v.Field(original, b, 0);
            v.Field(renamed, b, 0);
            v.Field(packed, b, 0);
            v.EndObject();
        }, null);
        Assert.Equal("{\"count\":7,\"renamed\":7,\"packed\":{\"value\":53,\"lowNibble\":5}}", compact);
        Assert.NotEqual(original, renamed);
        Assert.Equal(original, original with { }); // value equality still holds with the cached encoding
    }

    [Fact]
    public void Names_cache_stays_correct_when_thousands_of_names_evict_each_other()
    {
        // More distinct name instances than the renderer's name cache has slots: entries are replaced, never mixed up.
        var names = Enumerable.Range(0, 10_000).Select(i => "name" + i).ToArray();
        for (int round = 0; round < 2; round++)
        {
            var output = new ArrayBufferWriter<byte>();
            var r = new JsonRenderer(output);
            r.BeginObject(null, "x", 0, 0);
            for (int i = 0; i < names.Length; i++) r.Info(names[i], "N", i);
            r.EndObject();
            r.Flush();
            using var doc = JsonDocument.Parse(output.WrittenMemory);
            int k = 0;
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                Assert.Equal("name" + k, p.Name);
                Assert.Equal(k++, p.Value.GetInt32());
            }
            Assert.Equal(names.Length, k);
        }
    }

    [Fact]
    public void Labels_are_not_formatted_for_json()
    {
        int formatted = 0;
        string Count() { formatted++; return "x"; }
        var json = new JsonRenderer(new ArrayBufferWriter<byte>());
        json.BeginObject(null, $"Element {Count()}", 0, 0);
        json.EndObject();
        Assert.Equal(0, formatted);

        var text = new StringWriter();
        var renderer = new TextRenderer(text);
        renderer.BeginObject(null, $"Element {Count()} #{1234.5}", 0, 0);
        renderer.EndObject();
        Assert.Equal(1, formatted);
        Assert.Contains("Element x #1234.5", text.ToString(), StringComparison.Ordinal); // invariant culture
    }

    [Fact]
    public void Errors_reported_are_counted_by_the_visitor()
    {
        var sink = new List<ApeiContentException>();
        var r = new JsonRenderer(new ArrayBufferWriter<byte>()) { ErrorSink = sink };
        var e = new ApeiContentException("s", null, 0, null, null);
        r.BeginObject(null, "x", 0, 0);
        r.Error(e);
        r.Error(e);
        r.Error(new ApeiContentException("t", null, 1, null, null));
        r.EndObject();
        Assert.Equal(3, r.ErrorsReported);
        Assert.Equal(2, sink.Count); // the same exception is kept once, as ErrorCollector keeps it
    }
}
