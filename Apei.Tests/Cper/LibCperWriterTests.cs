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
/// commas of nested containers.
/// </summary>
public class LibCperWriterTests
{
    private static readonly JsonWriterOptions s_relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonEncodedText s_name = JsonEncodedText.Encode("name"), s_other = JsonEncodedText.Encode("other");

    /// <summary>Both writers' bytes for the same calls, or the exception type each threw.</summary>
    private static (string Ours, string Theirs) Both(Action<LcWriter> ours, Action<Utf8JsonWriter> theirs)
    {
        string a, b;
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            var w = new LcWriter();
            w.Reset(buffer);
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
            using var u = new Utf8JsonWriter(reference, s_relaxed);
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

    private static void Same(Action<LcWriter> ours, Action<Utf8JsonWriter> theirs)
    {
        var (a, b) = Both(ours, theirs);
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

    [Fact]
    public void Numbers_hex_GUIDs_base64_and_literals_are_what_Utf8JsonWriter_writes()
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
            });
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
        foreach (var fixture in Fixtures.CperRecords())
        {
            var bytes = Fixtures.Binary(fixture);
            if (bytes.Length < CperRecordHeader.Size || !bytes.AsSpan(0, 4).SequenceEqual("CPER"u8)) continue;
            var direct = new ArrayBufferWriter<byte>();
            direct.Write("x"u8); // appended after what is there
            LibCperJsonWriter.Write(bytes, direct);
            var viaWriter = new ArrayBufferWriter<byte>();
            using (var u = new Utf8JsonWriter(viaWriter, s_relaxed)) LibCperJsonWriter.Write(bytes, u);
            Assert.Equal("x" + Encoding.UTF8.GetString(viaWriter.WrittenSpan), Encoding.UTF8.GetString(direct.WrittenSpan));
            Assert.Equal(Encoding.UTF8.GetString(viaWriter.WrittenSpan), LibCperJsonWriter.Write(bytes, indented: false));
        }
    }

    [Fact]
    public void The_buffer_overload_writes_nothing_for_a_record_without_a_header()
    {
        var buffer = new ArrayBufferWriter<byte>();
        Assert.Throws<ApeiContentException>(() => LibCperJsonWriter.Write("CPE"u8, buffer));
        Assert.Equal(0, buffer.WrittenCount);
    }
}
