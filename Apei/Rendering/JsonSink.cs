using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ApeiKit;

/// <summary>
/// The writes <see cref="JsonRenderer"/> makes: property names are always pre-encoded, values are numbers, booleans,
/// null, GUIDs, pre-encoded text or text still to be escaped. Two implementations: over a <see cref="Utf8JsonWriter"/>
/// (any options, indented or not), and <see cref="CompactJsonSink"/>, which writes compact JSON straight into a buffer.
/// </summary>
internal abstract class JsonSink
{
    public abstract void StartObject();
    public abstract void StartObject(JsonEncodedText name);
    public abstract void EndObject();
    public abstract void StartArray(JsonEncodedText name);
    public abstract void EndArray();
    public abstract void Number(JsonEncodedText name, ulong value);
    public abstract void Number(JsonEncodedText name, long value);
    public abstract void Boolean(JsonEncodedText name, bool value);
    public abstract void Null(JsonEncodedText name);
    public abstract void String(JsonEncodedText name, JsonEncodedText value);
    public abstract void String(JsonEncodedText name, ReadOnlySpan<char> value);
    public abstract void String(JsonEncodedText name, Guid value);
    public abstract void StringValue(JsonEncodedText value);
    public abstract void StringValue(ReadOnlySpan<char> value);
}

/// <summary>Writes through a <see cref="Utf8JsonWriter"/>.</summary>
internal sealed class Utf8JsonWriterSink(Utf8JsonWriter w) : JsonSink
{
    public Utf8JsonWriter Writer => w;
    public override void StartObject() => w.WriteStartObject();
    public override void StartObject(JsonEncodedText name) => w.WriteStartObject(name);
    public override void EndObject() => w.WriteEndObject();
    public override void StartArray(JsonEncodedText name) => w.WriteStartArray(name);
    public override void EndArray() => w.WriteEndArray();
    public override void Number(JsonEncodedText name, ulong value) => w.WriteNumber(name, value);
    public override void Number(JsonEncodedText name, long value) => w.WriteNumber(name, value);
    public override void Boolean(JsonEncodedText name, bool value) => w.WriteBoolean(name, value);
    public override void Null(JsonEncodedText name) => w.WriteNull(name);
    public override void String(JsonEncodedText name, JsonEncodedText value) => w.WriteString(name, value);
    public override void String(JsonEncodedText name, ReadOnlySpan<char> value) => w.WriteString(name, value);
    public override void String(JsonEncodedText name, Guid value) => w.WriteString(name, value);
    public override void StringValue(JsonEncodedText value) => w.WriteStringValue(value);
    public override void StringValue(ReadOnlySpan<char> value) => w.WriteStringValue(value);
}

/// <summary>
/// Compact JSON written straight into an <see cref="IBufferWriter{T}"/>: the bytes <see cref="Utf8JsonWriter"/> writes
/// with <c>Indented = false</c> and the same encoder, without its per-call state checks (the caller,
/// <see cref="JsonRenderer"/>, keeps the structure well-formed). Text is escaped by the same encoder: plain ASCII that the
/// encoder leaves alone is copied, anything else goes through <see cref="JsonEncodedText.Encode(ReadOnlySpan{char}, JavaScriptEncoder?)"/>.
/// Written into a scratch chunk and handed to the output on <see cref="Flush"/> (or when the chunk is full).
/// </summary>
internal sealed class CompactJsonSink : JsonSink
{
    private readonly JavaScriptEncoder? _encoder;
    private readonly JavaScriptEncoder _check;
    private IBufferWriter<byte> _output;
    private byte[] _chunk;
    private int _used;
    private bool _comma; // a value came before: the next one needs a separator

    public CompactJsonSink(IBufferWriter<byte> output, JavaScriptEncoder? encoder)
    {
        _output = output;
        _encoder = encoder;
        _check = encoder ?? JavaScriptEncoder.Default;
        _chunk = new byte[16 << 10]; // one per renderer, kept for its life (a renderer serves many records)
    }

    /// <summary>Starts writing to <paramref name="output"/>; what was written before and not flushed is dropped.</summary>
    public void Reset(IBufferWriter<byte> output)
    {
        _output = output;
        _used = 0;
        _comma = false;
    }

    /// <summary>Hands what was written to the output.</summary>
    public void Flush()
    {
        if (_used == 0) return;
        _chunk.AsSpan(0, _used).CopyTo(_output.GetSpan(_used));
        _output.Advance(_used);
        _used = 0;
    }

    private Span<byte> Free => _chunk.AsSpan(_used);

    /// <summary>Makes room for <paramref name="bytes"/> more (flushing first when the chunk is full).</summary>
    private void Room(int bytes)
    {
        if (_chunk.Length - _used >= bytes) return;
        Flush();
        if (_chunk.Length < bytes) _chunk = new byte[Math.Max(bytes, 2 * _chunk.Length)];
    }

    // [,]"name":  with room for valueBytes after it
    private void Name(ReadOnlySpan<byte> encodedName, int valueBytes)
    {
        Room(encodedName.Length + 4 + valueBytes);
        var s = Free;
        int i = 0;
        if (_comma) s[i++] = (byte)',';
        s[i++] = (byte)'"';
        encodedName.CopyTo(s[i..]);
        i += encodedName.Length;
        s[i++] = (byte)'"';
        s[i++] = (byte)':';
        _used += i;
    }

    private void Put(byte b)
    {
        Room(1);
        _chunk[_used++] = b;
    }

    public override void StartObject()
    {
        if (_comma) Put((byte)',');
        Put((byte)'{');
        _comma = false;
    }

    public override void StartObject(JsonEncodedText name) => Open(name, (byte)'{');

    public override void EndObject() => Close((byte)'}');

    public override void StartArray(JsonEncodedText name) => Open(name, (byte)'[');

    public override void EndArray() => Close((byte)']');

    private void Open(JsonEncodedText name, byte bracket)
    {
        Name(name.EncodedUtf8Bytes, 1);
        _chunk[_used++] = bracket;
        _comma = false;
    }

    private void Close(byte bracket)
    {
        Put(bracket);
        _comma = true;
    }

    // Utf8Formatter: plain decimal digits (and '-'), what Utf8JsonWriter writes for an integer.
    public override void Number(JsonEncodedText name, ulong value)
    {
        Name(name.EncodedUtf8Bytes, 20);
        Utf8Formatter.TryFormat(value, Free, out int n);
        Committed(n);
    }

    public override void Number(JsonEncodedText name, long value)
    {
        Name(name.EncodedUtf8Bytes, 20);
        Utf8Formatter.TryFormat(value, Free, out int n);
        Committed(n);
    }

    private void Committed(int valueBytes)
    {
        _used += valueBytes;
        _comma = true;
    }

    private void Literal(JsonEncodedText name, ReadOnlySpan<byte> literal)
    {
        Name(name.EncodedUtf8Bytes, literal.Length);
        literal.CopyTo(Free);
        _used += literal.Length;
        _comma = true;
    }

    public override void Boolean(JsonEncodedText name, bool value) => Literal(name, value ? "true"u8 : "false"u8);

    public override void Null(JsonEncodedText name) => Literal(name, "null"u8);

    public override void String(JsonEncodedText name, JsonEncodedText value)
    {
        Name(name.EncodedUtf8Bytes, value.EncodedUtf8Bytes.Length + 2);
        Quoted(value.EncodedUtf8Bytes);
    }

    public override void String(JsonEncodedText name, Guid value)
    {
        Name(name.EncodedUtf8Bytes, 38);
        var s = Free;
        s[0] = (byte)'"';
        Utf8Formatter.TryFormat(value, s[1..], out int n); // "D", lower case: what Utf8JsonWriter writes for a Guid
        s[n + 1] = (byte)'"';
        _used += n + 2;
        _comma = true;
    }

    public override void String(JsonEncodedText name, ReadOnlySpan<char> value)
    {
        if (Ascii.IsValid(value))
        {
            // Room for all of it first, so nothing is flushed between the mark and a roll-back.
            Room(name.EncodedUtf8Bytes.Length + value.Length + 6);
            int mark = _used;
            bool comma = _comma;
            Name(name.EncodedUtf8Bytes, value.Length + 2);
            if (TryQuotedAscii(value)) return;
            _used = mark;
            _comma = comma;
        }
        String(name, JsonEncodedText.Encode(value, _encoder)); // escaped (or an exception for invalid UTF-16), as the writer would
    }

    public override void StringValue(JsonEncodedText value)
    {
        Room(value.EncodedUtf8Bytes.Length + 3);
        if (_comma) _chunk[_used++] = (byte)',';
        Quoted(value.EncodedUtf8Bytes);
    }

    public override void StringValue(ReadOnlySpan<char> value)
    {
        if (Ascii.IsValid(value))
        {
            Room(value.Length + 3);
            int mark = _used;
            bool comma = _comma;
            if (_comma) _chunk[_used++] = (byte)',';
            if (TryQuotedAscii(value)) return;
            _used = mark;
            _comma = comma;
        }
        StringValue(JsonEncodedText.Encode(value, _encoder));
    }

    private void Quoted(ReadOnlySpan<byte> encoded)
    {
        var s = Free;
        s[0] = (byte)'"';
        encoded.CopyTo(s[1..]);
        s[encoded.Length + 1] = (byte)'"';
        _used += encoded.Length + 2;
        _comma = true;
    }

    // ASCII the encoder leaves as it is goes in unchanged; false (nothing committed) when a character needs escaping.
    private bool TryQuotedAscii(ReadOnlySpan<char> value)
    {
        var s = Free;
        s[0] = (byte)'"';
        Ascii.FromUtf16(value, s[1..], out int n);
        if (_check.FindFirstCharacterToEncodeUtf8(s.Slice(1, n)) >= 0) return false;
        s[n + 1] = (byte)'"';
        _used += n + 2;
        _comma = true;
        return true;
    }
}
