using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using ApeiKit.Cper;

namespace ApeiKit.Tests.Rendering;

/// <summary>
/// Names encoded once (<see cref="JsonName"/>, issue #15) write the bytes the same names given as strings write, with
/// every encoder and both renderers, and reach visitors that only know the string overloads.
/// </summary>
public class JsonNameTests
{
    private static readonly JavaScriptEncoder s_strict = JavaScriptEncoder.Create(UnicodeRanges.None); // escapes every letter: no compiled layouts, no pre-encoded bytes

    public static TheoryData<string> Names() => ["header", "a<b>&'c'", "quote\" back\\slash", "né 漢字", "+plus `tick`"];

    private static void Walk(StructureVisitor v, bool pre, string name)
    {
        var n = new JsonName(name);
        v.BeginObject(null, "root", 0, 0);
        if (pre) v.BeginObject(n, "Object", 0, 0); else v.BeginObject(name, "Object", 0, 0);
        if (pre) v.JsonOnly(n, "value <&>"); else v.JsonOnly(name, "value <&>");
        if (pre) v.JsonOnly(new JsonName(name + "2"), null); else v.JsonOnly(name + "2", null);
        if (pre) v.JsonOnly(new JsonName(name + "3"), new JsonName("value " + name)); else v.JsonOnly(name + "3", "value " + name); // a value encoded once too
        // A derived text encoded once ('+' is escaped by the default encoder only: each encoder's own bytes), and null.
        if (pre) v.Info(new JsonName(name + "4"), "Info", new JsonName("UEFI 2.3+ " + name)); else v.Info(name + "4", "Info", "UEFI 2.3+ " + name);
        if (pre) v.Info(new JsonName(name + "5"), "Info", default); else v.Info(name + "5", "Info", (string?)null);
        v.EndObject();
        if (pre) v.BeginArray(new JsonName(name + "List"), "Array", 0, 0); else v.BeginArray(name + "List", "Array", 0, 0);
        if (pre) v.BeginObject(n, $"Element {1}", 0, 0); else v.BeginObject(name, $"Element {1}", 0, 0); // in an array: no name either way
        v.Info("x", "X", 1);
        v.EndObject();
        v.EndArray();
        v.EndObject();
    }

    private static string Compact(JavaScriptEncoder? encoder, Action<StructureVisitor> walk)
    {
        var output = new ArrayBufferWriter<byte>();
        var r = new JsonRenderer(output, encoder);
        walk(r);
        r.Flush();
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string Writer(JavaScriptEncoder? encoder, Action<StructureVisitor> walk)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = encoder })) walk(new JsonRenderer(w));
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_pre_encoded_name_writes_what_the_string_name_writes(string name)
    {
        foreach (var encoder in new[] { null, JavaScriptEncoder.Default, JavaScriptEncoder.UnsafeRelaxedJsonEscaping, s_strict })
        {
            string expected = Writer(encoder, v => Walk(v, pre: false, name));
            Assert.Equal(expected, Writer(encoder, v => Walk(v, pre: true, name)));
            Assert.Equal(expected, Compact(encoder, v => Walk(v, pre: false, name)));
            Assert.Equal(expected, Compact(encoder, v => Walk(v, pre: true, name)));
            using var doc = JsonDocument.Parse(expected);
            Assert.Equal("value <&>", doc.RootElement.GetProperty(name).GetProperty(name).GetString());
            Assert.Equal("value " + name, doc.RootElement.GetProperty(name).GetProperty(name + "3").GetString());
            Assert.Equal("UEFI 2.3+ " + name, doc.RootElement.GetProperty(name).GetProperty(name + "4").GetString());
            Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty(name).GetProperty(name + "5").ValueKind);
            Assert.Equal(1, doc.RootElement.GetProperty(name + "List")[0].GetProperty("x").GetInt32());
        }
    }

    [Fact]
    public void Visitors_that_know_only_string_names_see_the_same_walk()
    {
        // TextRenderer and LayoutRenderer override only the string overloads: the JsonName ones pass the text on.
        foreach (bool layout in new[] { false, true })
        {
            string Render(bool pre)
            {
                var sw = new StringWriter();
                StructureVisitor v = layout ? new LayoutRenderer(sw) : new TextRenderer(sw);
                Walk(v, pre, "name");
                return sw.ToString();
            }
            Assert.Equal(Render(false), Render(true));
            Assert.Contains("Element 1", Render(true), StringComparison.Ordinal);
        }
        Assert.Equal("name", new JsonName("name").ToString());
        Assert.Equal("", default(JsonName).ToString());
        Assert.Throws<ArgumentNullException>(() => new JsonName(null!));
    }

    [Fact]
    public void Records_render_the_same_through_an_encoder_that_escapes_letters()
    {
        // Hex, GUID and timestamp text skip the escaping check only for the default and relaxed encoders; any other is asked.
        foreach (var fixture in Fixtures.CperRecords().Take(8))
        {
            var bytes = Fixtures.Binary(fixture);
            void Walk(StructureVisitor v) => CperRecordDescriber.Describe(bytes, 0, v, "CPER record", out _);
            string writer = Writer(s_strict, Walk), compact = Compact(s_strict, Walk);
            Assert.Equal(writer, compact);
            Assert.Contains("\\u0068\\u0065\\u0061\\u0064\\u0065\\u0072", compact, StringComparison.Ordinal); // "header", every letter escaped
        }
    }
}
