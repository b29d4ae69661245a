using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The libcper dialect's compact writer (<see cref="LcWriter"/>, issue #15) against what it replaces: a compact
/// <see cref="Utf8JsonWriter"/> with <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>, making the same calls. Strings
/// on every byte 0-255, every UTF-16 code unit, and invalid UTF-8; numbers at their limits; hex, GUIDs, base64 and the
/// commas of nested containers. Its indented form against an indented <see cref="Utf8JsonWriter"/> (line breaks,
/// indentation, empty containers), and records rendered indented against the compact rendering re-written by the writer.
/// </summary>
public class LibCperWriterTests
{
    private static readonly JsonWriterOptions s_relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions s_indented = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true };
    private static readonly JsonEncodedText s_name = JsonEncodedText.Encode("name"), s_other = JsonEncodedText.Encode("other");

    /// <summary>Both writers' bytes for the same calls, or the exception type each threw.</summary>
    private static (string Ours, string Theirs) Both(Action<LcWriter> ours, Action<Utf8JsonWriter> theirs, bool indented = false)
    {
        string a, b;
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            var w = new LcWriter();
            w.Reset(buffer, indented);
            ours(w);
            w.Flush();
            a = Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        catch (ArgumentException e)
        {
            a = e.GetType().Name;
        }
        var reference = new ArrayBufferWriter<byte>();
        try
        {
            using var u = new Utf8JsonWriter(reference, indented ? s_indented : s_relaxed);
            theirs(u);
            u.Flush();
            b = Encoding.UTF8.GetString(reference.WrittenSpan);
        }
        catch (ArgumentException e)
        {
            b = e.GetType().Name;
        }
        return (a, b);
    }

    private static void Same(Action<LcWriter> ours, Action<Utf8JsonWriter> theirs, bool indented = false)
    {
        var (a, b) = Both(ours, theirs, indented);
        Assert.Equal(b, a);
    }

    private static void SameUtf8(byte[] value) => Same(
        w => { w.WriteStartObject(); w.WriteString(s_name, value); w.WriteEndObject(); },
        u => { u.WriteStartObject(); u.WriteString(s_name, value); u.WriteEndObject(); });

    private static void SameChars(string value) => Same(
        w => { w.WriteStartObject(); w.WriteString(s_name, value); w.WriteEndObject(); },
        u => { u.WriteStartObject(); u.WriteString(s_name, value); u.WriteEndObject(); });

    [Fact]
    public void Every_byte_is_escaped_as_Utf8JsonWriter_escapes_it()
    {
        for (int b = 0; b < 256; b++)
        {
            SameUtf8([(byte)b]);
            SameUtf8([(byte)'a', (byte)b, (byte)'z']);
        }
    }

    [Fact]
    public void Every_UTF16_code_unit_is_escaped_as_Utf8JsonWriter_escapes_it()
    {
        var differ = new List<int>();
        for (int c = 0; c < 0x10000; c++)
        {
            string s = "a" + (char)c + "z";
            var (a, b) = Both(
                w => { w.WriteStartObject(); w.WriteString(s_name, s); w.WriteEndObject(); },
                u => { u.WriteStartObject(); u.WriteString(s_name, s); u.WriteEndObject(); });
            if (a != b) differ.Add(c);
        }
        Assert.Empty(differ);
    }

    public static TheoryData<string> InvalidUtf8() =>
    [
        "80", "BF", "C0 80", "C1 BF", "C2", "C2 41", "E0 80 80", "E0 A0", "ED A0 80", "ED BF BF", "EF BF", "F0 80 80 80",
        "F0 90 80", "F4 90 80 80", "F5 80 80 80", "FE", "FF", "41 80 42 C3 28 43", "E2 82 AC F0 9F 98", "F0 9F 98 80 80",
    ];

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void Invalid_UTF8_is_handled_as_Utf8JsonWriter_handles_it(string hex)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
        SameUtf8(bytes);
        SameUtf8([(byte)'x', .. bytes, (byte)'"']);
    }

    [Theory]
    [InlineData("plain ASCII <>&'+/`=")]
    [InlineData("quote \" backslash \\ tab \t newline \n")]
    [InlineData("é ü ß — € U+2028 \u2028 U+00A0 \u00a0 U+FFFD \ufffd")]
    [InlineData("😀 emoji, \U0001F600 again")]
    [InlineData("lone \ud800 high, lone \udc00 low, reversed \udc00\ud800")]
    [InlineData("")]
    public void Text_is_escaped_as_Utf8JsonWriter_escapes_it(string text)
    {
        SameChars(text);
        SameUtf8(Encoding.UTF8.GetBytes(text));
        SameChars(text + new string('x', 700) + text); // past the stack buffer of the UTF-16 path
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Numbers_hex_GUIDs_base64_and_literals_are_what_Utf8JsonWriter_writes(bool indented)
    {
        long[] signed = [0, 1, -1, 9, 10, 99, 100, -100, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue, 1234567890123];
        ulong[] unsigned = [0, 9, 10, ulong.MaxValue, ulong.MaxValue / 10, 10000000000000000000, uint.MaxValue];
        var guid = new Guid("0123abcd-4567-89ef-fedc-ba9876543210");
        byte[] raw = guid.ToByteArray();
        Same(
            w =>
            {
                w.WriteStartObject();
                foreach (var v in signed) w.WriteNumber(s_name, v);
                foreach (var v in unsigned) w.WriteNumber(s_other, v);
                w.WriteStartArray(s_name);
                foreach (var v in unsigned) w.WriteNumberValue(v);
                w.WriteNullValue();
                w.WriteStartObject();
                w.WriteEndObject();
                w.WriteStartArray();
                w.WriteEndArray();
                w.WriteStringValue("x");
                w.WriteEndArray();
                w.WriteBoolean(s_name, true);
                w.WriteBoolean(s_other, false);
                w.WriteString(s_name, (string?)null);
                w.WriteGuid(s_name, raw);
                for (int n = 0; n < 7; n++) w.WriteBase64String(s_other, [.. Enumerable.Range(250, n).Select(i => (byte)i)]);
                w.WriteString(s_name, JsonEncodedText.Encode("pre-encoded"));
                w.WritePropertyName(s_other);
                w.WriteStartObject();
                w.WriteEndObject();
                w.WriteEndObject();
            },
            u =>
            {
                u.WriteStartObject();
                foreach (var v in signed) u.WriteNumber(s_name, v);
                foreach (var v in unsigned) u.WriteNumber(s_other, v);
                u.WriteStartArray(s_name);
                foreach (var v in unsigned) u.WriteNumberValue(v);
                u.WriteNullValue();
                u.WriteStartObject();
                u.WriteEndObject();
                u.WriteStartArray();
                u.WriteEndArray();
                u.WriteStringValue("x");
                u.WriteEndArray();
                u.WriteBoolean(s_name, true);
                u.WriteBoolean(s_other, false);
                u.WriteString(s_name, (string?)null);
                u.WriteString(s_name, guid);
                for (int n = 0; n < 7; n++) u.WriteBase64String(s_other, [.. Enumerable.Range(250, n).Select(i => (byte)i)]);
                u.WriteString(s_name, JsonEncodedText.Encode("pre-encoded"));
                u.WritePropertyName(s_other);
                u.WriteStartObject();
                u.WriteEndObject();
                u.WriteEndObject();
            }, indented);
    }

    /// <summary>The same token sequence through both writers, indented: <paramref name="calls"/> makes each call on each writer.</summary>
    private static void SameIndented(Action<ITokens> calls) => Same(w => calls(new Ours(w)), u => calls(new Theirs(u)), indented: true);

    /// <summary>The calls the indented tests make, once for each writer.</summary>
    private interface ITokens
    {
        void StartObject(JsonEncodedText? name = null);
        void EndObject();
        void StartArray(JsonEncodedText? name = null);
        void EndArray();
        void Name(JsonEncodedText name);
        void String(JsonEncodedText name, string text);
        void StringValue(string text);
        void Utf8(JsonEncodedText name, byte[] text);
        void Number(JsonEncodedText name, long value);
        void NumberValue(ulong value);
        void Boolean(JsonEncodedText name, bool value);
        void Null();
        void Base64(JsonEncodedText name, byte[] bytes);
    }

    private sealed class Ours(LcWriter w) : ITokens
    {
        public void StartObject(JsonEncodedText? name = null) { if (name is { } n) w.WriteStartObject(n); else w.WriteStartObject(); }
        public void EndObject() => w.WriteEndObject();
        public void StartArray(JsonEncodedText? name = null) { if (name is { } n) w.WriteStartArray(n); else w.WriteStartArray(); }
        public void EndArray() => w.WriteEndArray();
        public void Name(JsonEncodedText name) => w.WritePropertyName(name);
        public void String(JsonEncodedText name, string text) => w.WriteString(name, text);
        public void StringValue(string text) => w.WriteStringValue(text);
        public void Utf8(JsonEncodedText name, byte[] text) => w.WriteString(name, text);
        public void Number(JsonEncodedText name, long value) => w.WriteNumber(name, value);
        public void NumberValue(ulong value) => w.WriteNumberValue(value);
        public void Boolean(JsonEncodedText name, bool value) => w.WriteBoolean(name, value);
        public void Null() => w.WriteNullValue();
        public void Base64(JsonEncodedText name, byte[] bytes) => w.WriteBase64String(name, bytes);
    }

    private sealed class Theirs(Utf8JsonWriter u) : ITokens
    {
        public void StartObject(JsonEncodedText? name = null) { if (name is { } n) u.WriteStartObject(n); else u.WriteStartObject(); }
        public void EndObject() => u.WriteEndObject();
        public void StartArray(JsonEncodedText? name = null) { if (name is { } n) u.WriteStartArray(n); else u.WriteStartArray(); }
        public void EndArray() => u.WriteEndArray();
        public void Name(JsonEncodedText name) => u.WritePropertyName(name);
        public void String(JsonEncodedText name, string text) => u.WriteString(name, text);
        public void StringValue(string text) => u.WriteStringValue(text);
        public void Utf8(JsonEncodedText name, byte[] text) => u.WriteString(name, text);
        public void Number(JsonEncodedText name, long value) => u.WriteNumber(name, value);
        public void NumberValue(ulong value) => u.WriteNumberValue(value);
        public void Boolean(JsonEncodedText name, bool value) => u.WriteBoolean(name, value);
        public void Null() => u.WriteNullValue();
        public void Base64(JsonEncodedText name, byte[] bytes) => u.WriteBase64String(name, bytes);
    }

    [Fact]
    public void Indented_containers_empty_and_nested_are_what_an_indented_Utf8JsonWriter_writes()
    {
        SameIndented(t => { t.StartObject(); t.EndObject(); });
        SameIndented(t => { t.StartArray(); t.EndArray(); });
        SameIndented(t => { t.StartArray(); t.NumberValue(1); t.EndArray(); });
        SameIndented(t =>
        {
            t.StartObject();
            t.StartObject(s_name); t.EndObject(); // "name": {}
            t.StartArray(s_other); t.EndArray(); // "other": []
            t.StartObject(s_name);
            t.StartObject(s_other);
            t.StartArray(s_name);
            t.StartArray(); t.EndArray();
            t.StartObject(); t.EndObject();
            t.StartArray(); t.StartArray(); t.StartObject(); t.Number(s_name, -5); t.EndObject(); t.EndArray(); t.EndArray();
            t.StartObject(); t.StartObject(s_name); t.StartArray(s_other); t.NumberValue(0); t.Null(); t.EndArray(); t.EndObject(); t.EndObject();
            t.NumberValue(ulong.MaxValue);
            t.StringValue("value \"in\" an array\n");
            t.Null();
            t.EndArray();
            t.Boolean(s_other, true);
            t.EndObject();
            t.EndObject();
            t.StartArray(s_name);
            for (int i = 0; i < 3; i++) { t.StartObject(); t.Number(s_name, i); t.String(s_other, "x"); t.EndObject(); }
            t.EndArray();
            t.Name(s_name); t.StartObject(); t.EndObject(); // a name alone, then its value on the same line
            t.Name(s_other); t.StartArray(); t.StringValue("a"); t.EndArray();
            t.Name(s_name); t.StringValue("after a name");
            t.Name(s_other); t.NumberValue(7);
            t.Name(s_name); t.Null();
            t.EndObject();
        });
        // Deeper than the writer's table of indentation (64 spaces): the rest is filled.
        SameIndented(t =>
        {
            for (int i = 0; i < 40; i++) { t.StartObject(i == 0 ? null : s_name); t.Number(s_other, i); }
            t.StartArray(s_name); t.EndArray();
            for (int i = 0; i < 40; i++) t.EndObject();
        });
    }

    [Theory]
    [InlineData("quote \" backslash \\ tab \t newline \n control \u0001 del \u007f")]
    [InlineData("\u00e9t\u00e9 \u2028 \ud83d\ude00 <tag> & 'apostrophe' +")]
    [InlineData("lone \ud800 surrogate")]
    [InlineData("")]
    public void Indented_strings_needing_escapes_are_what_an_indented_Utf8JsonWriter_writes(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        SameIndented(t =>
        {
            t.StartObject();
            t.String(s_name, text);
            t.Utf8(s_other, utf8);
            t.StartArray(s_name); t.StringValue(text); t.StringValue(text + new string('x', 700)); t.EndArray();
            t.Base64(s_other, utf8);
            t.EndObject();
        });
    }

    [Fact]
    public void Records_rendered_indented_are_the_compact_rendering_rewritten_by_an_indented_Utf8JsonWriter()
    {
        // The old path (c63fc95's Utf8JsonWriter, then compact + re-written): each fixture record, and the families'
        // examples, through every indented entry point.
        int compared = 0;
        foreach (var fixture in Fixtures.CperRecords())
        {
            var bytes = Fixtures.Binary(fixture);
            if (bytes.Length < CperRecordHeader.Size || !bytes.AsSpan(0, 4).SequenceEqual("CPER"u8)) continue;
            compared++;
            var rewritten = new ArrayBufferWriter<byte>();
            using (var doc = JsonDocument.Parse(LibCperJsonWriter.Write(bytes, indented: false)))
            using (var u = new Utf8JsonWriter(rewritten, s_indented))
                doc.WriteTo(u);
            string expected = Encoding.UTF8.GetString(rewritten.WrittenSpan);
            Assert.Equal(expected, LibCperJsonWriter.Write(bytes, indented: true));
            var direct = new ArrayBufferWriter<byte>();
            direct.Write("x"u8);
            LibCperJsonWriter.Write(bytes, direct, indented: true);
            Assert.Equal("x" + expected, Encoding.UTF8.GetString(direct.WrittenSpan));
            var viaWriter = new ArrayBufferWriter<byte>();
            using (var u = new Utf8JsonWriter(viaWriter, s_indented)) LibCperJsonWriter.Write(bytes, u);
            Assert.Equal(expected, Encoding.UTF8.GetString(viaWriter.WrittenSpan));
            // Inside a larger document the writer's own indentation is kept (the record is re-written through it).
            var nested = new ArrayBufferWriter<byte>();
            var nestedExpected = new ArrayBufferWriter<byte>();
            using (var u = new Utf8JsonWriter(nested, s_indented))
            {
                u.WriteStartArray();
                LibCperJsonWriter.Write(bytes, u);
                u.WriteEndArray();
            }
            using (var doc = JsonDocument.Parse(expected))
            using (var u = new Utf8JsonWriter(nestedExpected, s_indented))
            {
                u.WriteStartArray();
                doc.WriteTo(u);
                u.WriteEndArray();
            }
            Assert.Equal(Encoding.UTF8.GetString(nestedExpected.WrittenSpan), Encoding.UTF8.GetString(nested.WrittenSpan));
        }
        Assert.True(compared >= 20, $"only {compared} CPER fixtures compared");
    }

    [Theory]
    [InlineData("Unknown (Reserved)")]
    [InlineData("")]
    [InlineData("a \"quoted\" back\\slash <tag> & 'apostrophe' +")]
    [InlineData("tab\tnewline\ncontrol\u0001 del\u007f")]
    [InlineData("\u00e9t\u00e9 \u00b5s \u2028 \ud83d\ude00")]
    [InlineData("lone \ud800 surrogate")]
    [InlineData("A name longer than thirty-two bytes, copied in one piece")]
    public void A_text_encoded_once_is_written_as_the_string_would_be(string text)
    {
        // Table texts (libcper's value names, type names) are encoded once and copied per record: the same bytes as the string.
        var encoded = LcWriter.Encode(text);
        Same(
            w => { w.WriteStartObject(); w.WriteEncoded(s_name, encoded); w.WriteEncoded(s_other, encoded); w.WriteEndObject(); },
            u => { u.WriteStartObject(); u.WriteString(s_name, text); u.WriteString(s_other, text); u.WriteEndObject(); });
    }

    [Fact]
    public void Name_tables_give_the_encoded_text_of_each_value_dense_sparse_and_missing()
    {
        var names = LcNames.Libcper([(0, "Zero", null), (2, "Two \"2\"", "second"), (255, "Last dense", null), (256, "First sparse", null),
            (0x1_0000_0000, "Far \u00e9", "far away")], "Unknown");
        foreach (ulong v in (ulong[])[0, 1, 2, 3, 254, 255, 256, 257, 1000, 0x1_0000_0000, ulong.MaxValue])
        {
            bool known = names.TryGet(v, out var text, out var description);
            Assert.Equal(LcWriter.Encode(known ? text : "Unknown"), names.EncodedNameOf(v));
            Assert.Equal(LcWriter.Encode(text), names.EncodedNameOf(v, out var encodedDescription));
            Assert.Equal(description is null ? null : LcWriter.Encode(description), encodedDescription);
        }
        Assert.Equal("\"Two \\\"2\\\"\"", Encoding.UTF8.GetString(names.EncodedNameOf(2)));
        Assert.Equal("\"First sparse\"", Encoding.UTF8.GetString(names.EncodedNameOf(256)));
        Assert.Equal("\"Unknown\"", Encoding.UTF8.GetString(names.EncodedNameOf(1)));
        Assert.Equal("\"Unknown\"", Encoding.UTF8.GetString(names.EncodedNameOf(257)));
    }

    [Fact]
    public void Guid_tables_find_each_key_from_its_bytes_and_nothing_else()
    {
        var random = new Random(15);
        var keys = Enumerable.Range(0, 200).Select(_ => { var b = new byte[16]; random.NextBytes(b); return new Guid(b); }).ToArray();
        var table = new LcGuidTable<string>(keys.Select(k => KeyValuePair.Create(k, k.ToString())));
        var raw = new byte[16];
        foreach (var k in keys)
        {
            Assert.True(k.TryWriteBytes(raw));
            Assert.Equal(k.ToString(), table.Find(raw));
            for (int i = 0; i < 16; i++)
            {
                raw[i] ^= 0x01;
                Assert.Null(table.Find(raw));
                raw[i] ^= 0x01;
            }
        }
        // The families the record writer finds from a descriptor's bytes are the ones found by GUID; likewise notification types.
        foreach (var map in LibCperSections.Maps)
        {
            Assert.True(map.SectionType.TryWriteBytes(raw));
            Assert.Same(LibCperSections.Find(map.SectionType), LibCperSections.Find(raw));
        }
        Assert.True(CperGuids.NotifyPcie.TryWriteBytes(raw));
        Assert.Equal("\"PCIe\"", Encoding.UTF8.GetString(LibCperNames.EncodedNotificationType(raw)));
        Assert.Equal("\"Unknown\"", Encoding.UTF8.GetString(LibCperNames.EncodedNotificationType(new byte[16])));
    }

    [Theory]
    [InlineData(0UL, 0, "0x0")]
    [InlineData(0UL, 2, "0x00")]
    [InlineData(0xABUL, 1, "0xAB")]
    [InlineData(0xABUL, 8, "0x000000AB")]
    [InlineData(ulong.MaxValue, 16, "0xFFFFFFFFFFFFFFFF")]
    [InlineData(0x1000000000000000UL, 0, "0x1000000000000000")]
    public void Hex_is_libcpers_0x_form(ulong value, int digits, string expected)
    {
        // libcper's "0x%0*llX" (and what the writer wrote before: the "X<digits>" format of the value).
        Assert.Equal("0x" + value.ToString("X" + digits, System.Globalization.CultureInfo.InvariantCulture), expected);
        var buffer = new ArrayBufferWriter<byte>();
        var w = new LcWriter();
        w.Reset(buffer);
        w.WriteStartObject();
        w.WriteHex(s_name, value, digits);
        w.WriteEndObject();
        w.Flush();
        Assert.Equal($"{{\"name\":\"{expected}\"}}", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    // Names of every length 0-40 (the name copy's branches: under 4, 4-7, 8-15, 16-32, longer), some with characters to escape.
    private static readonly JsonEncodedText[] s_names =
        [.. Enumerable.Range(0, 41).Select(n => JsonEncodedText.Encode(string.Concat(Enumerable.Range(0, n).Select(i => (char)('a' + i % 26))), JavaScriptEncoder.UnsafeRelaxedJsonEscaping)),
         JsonEncodedText.Encode("q\"uote", JavaScriptEncoder.UnsafeRelaxedJsonEscaping), JsonEncodedText.Encode("tab\there", JavaScriptEncoder.UnsafeRelaxedJsonEscaping)];

    private static readonly string[] s_texts = ["", "x", "plain text", "needs \"escaping\"\n", "caf\u00e9", new string('z', 40), "\u0001", "0x1F"];

    /// <summary>
    /// A random, well-formed sequence of every call the section writers make (names of every length, numbers at and
    /// around the single-digit path, strings plain and escaped, pre-encoded texts, GUIDs, hex, base64, nested containers,
    /// a name written alone before its value) made on both writers: <paramref name="ours"/> for <see cref="LcWriter"/>,
    /// <paramref name="theirs"/> for <see cref="Utf8JsonWriter"/>.
    /// </summary>
    private static void RandomCalls(Random random, out Action<LcWriter> ours, out Action<Utf8JsonWriter> theirs)
    {
        var a = new List<Action<LcWriter>>();
        var b = new List<Action<Utf8JsonWriter>>();
        var open = new Stack<bool>(); // true: an object
        a.Add(w => w.WriteStartObject());
        b.Add(u => u.WriteStartObject());
        open.Push(true);
        int calls = random.Next(1, 120);
        for (int c = 0; c < calls || open.Count > 0; c++)
        {
            bool end = c >= calls || (open.Count > 1 && random.Next(6) == 0);
            if (end)
            {
                if (open.Pop()) { a.Add(w => w.WriteEndObject()); b.Add(u => u.WriteEndObject()); }
                else { a.Add(w => w.WriteEndArray()); b.Add(u => u.WriteEndArray()); }
                continue;
            }
            bool nest = open.Count < 8;
            if (!open.Peek())
            {
                switch (random.Next(nest ? 6 : 4))
                {
                    case 0: { ulong v = Number(random); a.Add(w => w.WriteNumberValue(v)); b.Add(u => u.WriteNumberValue(v)); break; }
                    case 1: a.Add(w => w.WriteNullValue()); b.Add(u => u.WriteNullValue()); break;
                    case 2:
                    case 3: { string t = s_texts[random.Next(s_texts.Length)]; a.Add(w => w.WriteStringValue(t)); b.Add(u => u.WriteStringValue(t)); break; }
                    case 4: a.Add(w => w.WriteStartObject()); b.Add(u => u.WriteStartObject()); open.Push(true); break;
                    default: a.Add(w => w.WriteStartArray()); b.Add(u => u.WriteStartArray()); open.Push(false); break;
                }
                continue;
            }
            var name = s_names[random.Next(s_names.Length)];
            switch (random.Next(nest ? 15 : 12))
            {
                case 0: { long v = random.Next(3) == 0 ? -(long)Number(random) / 2 : (long)(Number(random) >> 1); a.Add(w => w.WriteNumber(name, v)); b.Add(u => u.WriteNumber(name, v)); break; }
                case 1: { ulong v = Number(random); a.Add(w => w.WriteNumber(name, v)); b.Add(u => u.WriteNumber(name, v)); break; }
                case 2: { bool v = random.Next(2) == 0; a.Add(w => w.WriteBoolean(name, v)); b.Add(u => u.WriteBoolean(name, v)); break; }
                case 3: { string t = s_texts[random.Next(s_texts.Length)]; a.Add(w => w.WriteString(name, t)); b.Add(u => u.WriteString(name, t)); break; }
                case 4: { byte[] t = Encoding.UTF8.GetBytes(s_texts[random.Next(s_texts.Length)]); a.Add(w => w.WriteString(name, (ReadOnlySpan<byte>)t)); b.Add(u => u.WriteString(name, t)); break; }
                case 5: { var t = JsonEncodedText.Encode(s_texts[random.Next(s_texts.Length)], JavaScriptEncoder.UnsafeRelaxedJsonEscaping); a.Add(w => w.WriteString(name, t)); b.Add(u => u.WriteString(name, t)); break; }
                case 6: { string t = s_texts[random.Next(s_texts.Length)]; byte[] e = LcWriter.Encode(t); a.Add(w => w.WriteEncoded(name, e)); b.Add(u => u.WriteString(name, t)); break; }
                case 7: { string t = Number(random).ToString(System.Globalization.CultureInfo.InvariantCulture) + "-T:+"; byte[] e = Encoding.ASCII.GetBytes(t); a.Add(w => w.WriteAscii(name, e)); b.Add(u => u.WriteString(name, t)); break; }
                case 8: { var g = new Guid(Enumerable.Range(0, 16).Select(_ => (byte)random.Next(256)).ToArray()); byte[] raw = g.ToByteArray(); a.Add(w => w.WriteGuid(name, raw)); b.Add(u => u.WriteString(name, g)); break; }
                case 9: { ulong v = Number(random); int digits = random.Next(0, 17); string t = "0x" + v.ToString("X" + digits, System.Globalization.CultureInfo.InvariantCulture); a.Add(w => w.WriteHex(name, v, digits)); b.Add(u => u.WriteString(name, t)); break; }
                case 10: { byte[] bytes = [.. Enumerable.Range(0, random.Next(0, 40)).Select(_ => (byte)random.Next(256))]; a.Add(w => w.WriteBase64String(name, bytes)); b.Add(u => u.WriteBase64String(name, bytes)); break; }
                case 11: a.Add(w => w.WriteString(name, (string?)null)); b.Add(u => u.WriteNull(name)); break;
                case 12: a.Add(w => w.WriteStartObject(name)); b.Add(u => u.WriteStartObject(name)); open.Push(true); break;
                case 13: a.Add(w => w.WriteStartArray(name)); b.Add(u => u.WriteStartArray(name)); open.Push(false); break;
                default:
                    // A name alone, then a value without one.
                    a.Add(w => w.WritePropertyName(name));
                    b.Add(u => u.WritePropertyName(name));
                    switch (random.Next(4))
                    {
                        case 0: a.Add(w => w.WriteStartObject()); b.Add(u => u.WriteStartObject()); open.Push(true); break;
                        case 1: a.Add(w => w.WriteStartArray()); b.Add(u => u.WriteStartArray()); open.Push(false); break;
                        case 2: a.Add(w => w.WriteNullValue()); b.Add(u => u.WriteNullValue()); break;
                        default: { ulong v = Number(random); a.Add(w => w.WriteNumberValue(v)); b.Add(u => u.WriteNumberValue(v)); break; }
                    }
                    break;
            }
        }
        ours = w => a.ForEach(f => f(w));
        theirs = u => b.ForEach(f => f(u));

        // Single digits (written without the call), small, large and the limits.
        static ulong Number(Random random) => random.Next(5) switch
        {
            0 => (ulong)random.Next(10),
            1 => (ulong)random.Next(10, 1000),
            2 => (ulong)random.NextInt64(),
            3 => ulong.MaxValue - (ulong)random.Next(3),
            _ => (ulong)random.Next(),
        };
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Random_call_sequences_write_what_Utf8JsonWriter_writes(bool indented)
    {
        var random = new Random(indented ? 1501 : 1500);
        for (int i = 0; i < 400; i++)
        {
            RandomCalls(random, out var ours, out var theirs);
            var (a, b) = Both(ours, theirs, indented);
            Assert.Equal(b, a);
            // Into an output of small pieces that are not arrays (the copy path, a new piece mid-record).
            var pieces = new SmallPieces();
            var w = new LcWriter();
            w.Reset(pieces, indented);
            ours(w);
            w.Flush();
            Assert.Equal(b, Encoding.UTF8.GetString([.. pieces.Written]));
        }
    }

    [Fact]
    public void A_writer_reset_to_the_other_form_writes_that_form()
    {
        // The form is part of the separator state: a reset starts each form afresh, whatever the writer wrote before.
        var random = new Random(1502);
        var w = new LcWriter();
        for (int i = 0; i < 40; i++)
        {
            bool indented = i % 3 == 1;
            RandomCalls(random, out var ours, out var theirs);
            var output = new ArrayBufferWriter<byte>();
            w.Reset(output, indented);
            Assert.Equal(indented, w.Indented);
            ours(w);
            w.Flush();
            var (_, expected) = Both(ours, theirs, indented);
            Assert.Equal(expected, Encoding.UTF8.GetString(output.WrittenSpan));
        }
    }

    [Fact]
    public void A_long_value_grows_the_output_and_stays_whole()
    {
        // The output hands out small pieces of memory (as a pipe's buffer does): every write still lands whole and in order.
        var text = new string('a', 10000) + "\u00e9\n" + new string('b', 5000);
        var bytes = Enumerable.Range(0, 30000).Select(i => (byte)i).ToArray();
        var output = new SmallPieces();
        var w = new LcWriter();
        w.Reset(output);
        w.WriteStartObject();
        for (int i = 0; i < 200; i++) w.WriteNumber(s_name, i);
        w.WriteString(s_name, text);
        w.WriteBase64String(s_other, bytes);
        w.WriteEndObject();
        w.Flush();
        var reference = new ArrayBufferWriter<byte>();
        using (var u = new Utf8JsonWriter(reference, s_relaxed))
        {
            u.WriteStartObject();
            for (int i = 0; i < 200; i++) u.WriteNumber(s_name, i);
            u.WriteString(s_name, text);
            u.WriteBase64String(s_other, bytes);
            u.WriteEndObject();
        }
        Assert.Equal(Encoding.UTF8.GetString(reference.WrittenSpan), Encoding.UTF8.GetString([.. output.Written]));
    }

    /// <summary>An output whose memory is not an array (the writer's copy path) and comes in pieces of at most 100 bytes beyond what is asked.</summary>
    private sealed class SmallPieces : IBufferWriter<byte>
    {
        private readonly List<byte> _written = [];
        private byte[] _piece = [];
        public IReadOnlyList<byte> Written => _written;
        public void Advance(int count) => _written.AddRange(_piece.AsSpan(0, count).ToArray());
        public Memory<byte> GetMemory(int sizeHint = 0) => new NativeMemory(_piece = new byte[Math.Max(sizeHint, 1) + 100]).Memory;
        public Span<byte> GetSpan(int sizeHint = 0) => _piece = new byte[Math.Max(sizeHint, 1) + 100];
    }

    /// <summary>Memory over an array that <see cref="System.Runtime.InteropServices.MemoryMarshal.TryGetArray{T}"/> does not see through.</summary>
    private sealed class NativeMemory(byte[] array) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => array;
        public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();
        public override void Unpin() { }
        protected override void Dispose(bool disposing) { }
    }

    [Fact]
    public void The_buffer_overload_writes_the_Utf8JsonWriter_overloads_bytes()
    {
        int compared = 0;
        foreach (var fixture in Fixtures.CperRecords())
        {
            var bytes = Fixtures.Binary(fixture);
            if (bytes.Length < CperRecordHeader.Size || !bytes.AsSpan(0, 4).SequenceEqual("CPER"u8)) continue;
            compared++;
            var direct = new ArrayBufferWriter<byte>();
            direct.Write("x"u8); // appended after what is there
            LibCperJsonWriter.Write(bytes, direct);
            var viaWriter = new ArrayBufferWriter<byte>();
            using (var u = new Utf8JsonWriter(viaWriter, s_relaxed)) LibCperJsonWriter.Write(bytes, u);
            Assert.Equal("x" + Encoding.UTF8.GetString(viaWriter.WrittenSpan), Encoding.UTF8.GetString(direct.WrittenSpan));
            Assert.Equal(Encoding.UTF8.GetString(viaWriter.WrittenSpan), LibCperJsonWriter.Write(bytes, indented: false));
        }
        Assert.True(compared >= 20, $"only {compared} CPER fixtures compared"); // the WHEA and EDK2 captures at least
    }

    [Fact]
    public void The_buffer_overload_writes_nothing_for_a_record_without_a_header()
    {
        var buffer = new ArrayBufferWriter<byte>();
        Assert.Throws<ApeiContentException>(() => LibCperJsonWriter.Write("CPE"u8, buffer));
        Assert.Equal(0, buffer.WrittenCount);
    }
}
