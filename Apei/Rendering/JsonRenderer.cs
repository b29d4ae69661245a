using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ApeiKit;

/// <summary>
/// JSON with <see cref="Utf8JsonWriter"/>, written while walking (no object graph). Field names are
/// camelCase after the specifications. Enumerations are <c>{"value": n, "name": "..."}</c>, flags
/// <c>{"value": n, "names": [...]}</c>, GUIDs lower-case strings, bytes hex strings. Fields whose
/// validation bit is clear are left out unless they hold a non-zero value (so nothing is lost).
/// Property names are encoded once and cached (<see cref="JsonEncodedText"/>), and values are formatted into
/// stack buffers, so rendering a record allocates little beyond what the describers do.
/// </summary>
public sealed class JsonRenderer : StructureVisitor
{
    private readonly Utf8JsonWriter _w;
    private readonly Stack<(bool IsArray, int Errors)> _containers = new();

    // Names are literals from the layout tables and describers, and enumeration, flag and registry names are stable
    // strings too: each is encoded once (UTF-16 to UTF-8 and escaping, with the writer's encoder) and cached by
    // instance. Caches exist for the two encoders in use (default and relaxed); another encoder encodes every time.
    private sealed class Cache(JavaScriptEncoder encoder)
    {
        public readonly IdentityCache<JsonEncodedText> Text = new(t => JsonEncodedText.Encode(t, encoder));
        public readonly IdentityCache<(JsonEncodedText Encoding, JsonEncodedText Precise, JsonEncodedText Raw)> Timestamps =
            new(n => (JsonEncodedText.Encode(n + "Encoding", encoder), JsonEncodedText.Encode(n + "Precise", encoder), JsonEncodedText.Encode(n + "Raw", encoder)), 256);
    }

    private static readonly Cache s_default = new(JavaScriptEncoder.Default), s_relaxed = new(JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
    private readonly Cache? _cache;
    private readonly JavaScriptEncoder? _encoder;

    private JsonEncodedText N(string name) => _cache is not null ? _cache.Text.Get(name) : JsonEncodedText.Encode(name, _encoder);

    // Names and values encoded when the layout tables were built: usable when this writer's encoder is one that writes them the same way.
    private JsonEncodedText N(string name, JsonEncodedText? pre) => pre is { } e && _cache is not null ? e : N(name);

    private JsonEncodedText V(string value) => N(value);

    private JsonEncodedText V(string value, JsonEncodedText? pre) => N(value, pre);

    private (JsonEncodedText Encoding, JsonEncodedText Precise, JsonEncodedText Raw) TimestampNames(string name)
        => _cache is not null ? _cache.Timestamps.Get(name)
            : (JsonEncodedText.Encode(name + "Encoding", _encoder), JsonEncodedText.Encode(name + "Precise", _encoder), JsonEncodedText.Encode(name + "Raw", _encoder));

    private static readonly JsonEncodedText s_value = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText s_name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText s_namesArray = JsonEncodedText.Encode("names");
    private static readonly JsonEncodedText s_binary = JsonEncodedText.Encode("binary");
    private static readonly JsonEncodedText s_bcd = JsonEncodedText.Encode("bcd");

    /// <summary>Renders to <paramref name="writer"/>.</summary>
    public JsonRenderer(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _w = writer;
        _encoder = writer.Options.Encoder;
        _cache = _encoder is null || ReferenceEquals(_encoder, JavaScriptEncoder.Default) ? s_default
            : ReferenceEquals(_encoder, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) ? s_relaxed : null;
    }

    /// <inheritdoc/>
    public override bool WantsLabels => false;

    /// <summary>The underlying writer.</summary>
    public Utf8JsonWriter Writer => _w;

    /// <summary>
    /// When set, every content error rendered is also added here (once), as <see cref="ErrorCollector"/> would keep it,
    /// without a second visitor in the walk (the streamed decode renders hundreds of thousands of records).
    /// </summary>
    public ICollection<ApeiContentException>? ErrorSink { get; set; }

    /// <summary>Forgets containers a walk left open (one that stopped on an exception), so the renderer can be reused after <see cref="Utf8JsonWriter.Reset(IBufferWriter{byte})"/>.</summary>
    public void Reset() => _containers.Clear();

    /// <inheritdoc/>
    public override void BeginObject(string? json, string label, long offset, long length)
    {
        if (json is null || (_containers.Count > 0 && _containers.Peek().IsArray)) _w.WriteStartObject(); else _w.WriteStartObject(N(json));
        _containers.Push((false, 0));
    }

    /// <inheritdoc/>
    public override void EndObject()
    {
        _containers.Pop();
        _w.WriteEndObject();
    }

    /// <inheritdoc/>
    public override void BeginArray(string json, string label, long offset, long length)
    {
        _w.WriteStartArray(N(json));
        _containers.Push((true, 0));
    }

    /// <inheritdoc/>
    public override void EndArray()
    {
        _containers.Pop();
        _w.WriteEndArray();
    }

    /// <inheritdoc/>
    public override void Field(FieldDef f, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
    {
        var name = N(f.Json, f.EncodedJson);
        if ((!valid || f.Kind == FieldKind.Reserved) && FieldFormat.IsZero(raw))
        {
            // Text-like fields stay present (null) so scripts can rely on the key; numbers are left out.
            if (f.Kind is FieldKind.Guid or FieldKind.Ascii or FieldKind.Timestamp) _w.WriteNull(name);
            return;
        }
        switch (f.Kind)
        {
            case FieldKind.UInt:
            case FieldKind.Hex:
                _w.WriteNumber(name, FieldDef.ReadLittleEndian(raw));
                break;
            case FieldKind.Enum:
            {
                ulong v = FieldDef.ReadLittleEndian(raw);
                _w.WriteStartObject(name);
                _w.WriteNumber(s_value, v);
                if (f.Names?.Lookup(v, out var pre) is { } n) _w.WriteString(s_name, V(n, pre)); else _w.WriteNull(s_name);
                _w.WriteEndObject();
                break;
            }
            case FieldKind.Flags:
            {
                ulong v = FieldDef.ReadLittleEndian(raw);
                _w.WriteStartObject(name);
                _w.WriteNumber(s_value, v);
                _w.WriteStartArray(s_namesArray);
                // Same names, in the same order, as FlagTable.NamesOf, without building the list.
                for (int bit = 0; bit < 64 && v >> bit != 0; bit++)
                {
                    if ((v >> bit & 1) == 0) continue;
                    if (f.FlagNames?.Lookup(bit, out var pre) is { } known) _w.WriteStringValue(V(known, pre));
                    else if (f.FlagNames is not null) WriteBitName(bit);
                }
                _w.WriteEndArray();
                _w.WriteEndObject();
                break;
            }
            case FieldKind.Bits:
            {
                ulong v = FieldDef.ReadLittleEndian(raw);
                _w.WriteStartObject(name);
                _w.WriteNumber(s_value, v);
                var bits = f.BitFields ?? [];
                for (int i = 0; i < bits.Count; i++)
                {
                    var b = bits[i];
                    ulong bv = b.Extract(v);
                    bool bitValid = b.ValidBit < 0 || (validationBits >> b.ValidBit & 1) != 0;
                    if (!bitValid && bv == 0) continue;
                    var bn = N(b.Json, b.EncodedJson);
                    if (b.Names is not null)
                    {
                        _w.WriteStartObject(bn);
                        _w.WriteNumber(s_value, bv);
                        if (b.Names.Lookup(bv, out var pre) is { } n) _w.WriteString(s_name, V(n, pre)); else _w.WriteNull(s_name);
                        _w.WriteEndObject();
                    }
                    else if (b.Width == 1) _w.WriteBoolean(bn, bv != 0);
                    else _w.WriteNumber(bn, bv);
                }
                _w.WriteEndObject();
                break;
            }
            case FieldKind.Guid:
                _w.WriteString(name, new Guid(raw)); // "D" format, lower case: EfiGuid.ToText
                break;
            case FieldKind.Ascii:
            {
                string text = AsciiField.Decode(raw);
                _w.WriteString(name, text);
                // The text alone loses bytes after the NUL and non-printable ones: keep them so the JSON re-encodes exactly.
                Span<byte> again = stackalloc byte[raw.Length <= 256 ? raw.Length : 0];
                if (raw.Length > 256 || !ReEncodes(text, raw, again)) WriteCompactHex(N(f.Json + "Raw"), raw);
                break;
            }
            case FieldKind.Timestamp:
            {
                var ts = CperTimestamp.Read(raw);
                var names = TimestampNames(f.Json);
                Span<char> text = stackalloc char[32];
                if (valid && ts.TryDecode(PreferBinaryTimestamps, out var dt, out var enc) && dt.TryFormat(text, out int written, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
                {
                    _w.WriteString(name, text[..written]);
                    _w.WriteString(names.Encoding, enc == TimestampEncoding.Binary ? s_binary : s_bcd);
                }
                else
                {
                    _w.WriteNull(name);
                }
                _w.WriteBoolean(names.Precise, ts.IsPrecise);
                "0x".CopyTo(text);
                ts.Raw.TryFormat(text[2..], out int hex, "X16", CultureInfo.InvariantCulture);
                _w.WriteString(names.Raw, text[..(2 + hex)]);
                break;
            }
            case FieldKind.Reserved:
                if (raw.Length is 1 or 2 or 4 or 8) _w.WriteNumber(name, FieldDef.ReadLittleEndian(raw));
                else WriteCompactHex(name, raw);
                break;
            default:
                WriteCompactHex(name, raw);
                break;
        }
    }

    private static bool ReEncodes(string text, ReadOnlySpan<byte> raw, Span<byte> scratch)
    {
        AsciiField.Encode(scratch, text);
        return scratch.SequenceEqual(raw);
    }

    private void WriteBitName(int bit)
    {
        Span<char> text = stackalloc char[8];
        "bit".CopyTo(text);
        bit.TryFormat(text[3..], out int n, default, CultureInfo.InvariantCulture);
        _w.WriteStringValue(text[..(3 + n)]);
    }

    private void WriteCompactHex(JsonEncodedText name, ReadOnlySpan<byte> raw)
    {
        if (raw.Length > 256)
        {
            _w.WriteString(name, FieldFormat.CompactHex(raw));
            return;
        }
        Span<char> text = stackalloc char[512];
        Convert.TryToHexStringLower(raw, text, out int n);
        _w.WriteString(name, text[..n]);
    }

    /// <inheritdoc/>
    public override void Info(string json, string label, string? value)
    {
        if (value is null) _w.WriteNull(N(json)); else _w.WriteString(N(json), value);
    }

    /// <inheritdoc/>
    public override void Info(string json, string label, long value) => _w.WriteNumber(N(json), value);

    /// <inheritdoc/>
    public override void JsonOnly(string json, string? value)
    {
        if (value is null) _w.WriteNull(N(json)); else _w.WriteString(N(json), V(value));
    }

    /// <inheritdoc/>
    public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes) => WriteCompactHex(N(json), bytes);

    /// <inheritdoc/>
    protected override void OnError(ApeiContentException error)
    {
        if (ErrorSink is { } sink && !sink.Contains(error)) sink.Add(error);
        if (_containers.Count > 0 && _containers.Peek().IsArray)
        {
            _w.WriteStartObject();
        }
        else
        {
            int previous = 0;
            if (_containers.Count > 0) previous = _containers.Pop().Errors;
            _w.WriteStartObject(previous == 0 ? "error" : $"error{previous + 1}");
            _containers.Push((false, previous + 1));
        }
        _w.WriteString("message", error.Message);
        _w.WriteString("structure", error.Structure);
        if (error.Field is not null) _w.WriteString("field", error.Field);
        _w.WriteNumber("offset", error.Offset);
        if (error.Expected is not null) _w.WriteString("expected", error.Expected);
        if (error.Found is not null) _w.WriteString("found", error.Found);
        _w.WriteEndObject();
    }
}
