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
    private readonly JsonSink _s;
    private readonly CompactJsonSink? _compact; // _s when this renderer writes compact JSON itself
    // The open containers: whether each is an array, and how many errors it holds (error, error2, ...). A plain array
    // and a depth, not a Stack<T> (its Push/Pop/Peek were 1% of a profile: version checks and no inlining in Native AOT).
    private (bool IsArray, int Errors)[] _containers = new (bool, int)[16];
    private int _depth;

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
    // Which of the two encoders whose output is kept ahead (0 default, 1 relaxed: a JsonName's encodings, and the compiled
    // layouts of CompiledJsonLayout.Encoders) this renderer's encoder is, or -1: neither.
    private readonly int _encoderIndex;

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

    /// <summary>Renders to <paramref name="writer"/> (any options; the writer's encoder escapes the text).</summary>
    public JsonRenderer(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Writer = writer;
        _s = new Utf8JsonWriterSink(writer);
        _encoder = writer.Options.Encoder;
        (_cache, _encoderIndex) = CacheFor(_encoder);
    }

    /// <summary>
    /// Renders compact JSON straight into <paramref name="output"/>: the same bytes as a <see cref="Utf8JsonWriter"/> with
    /// <c>Indented = false</c> and <paramref name="encoder"/> would write, about twice as fast (no writer state checks per
    /// token; benchmarks/README.md). Call <see cref="Flush"/> when a walk is done; <see cref="Reset(IBufferWriter{byte})"/>
    /// moves to another output.
    /// </summary>
    public JsonRenderer(IBufferWriter<byte> output, JavaScriptEncoder? encoder = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _s = _compact = new CompactJsonSink(output, encoder);
        _encoder = encoder;
        (_cache, _encoderIndex) = CacheFor(_encoder);
    }

    private static (Cache? Cache, int Index) CacheFor(JavaScriptEncoder? encoder)
        => encoder is null || ReferenceEquals(encoder, JavaScriptEncoder.Default) ? (s_default, 0)
            : ReferenceEquals(encoder, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) ? (s_relaxed, 1) : (null, -1);

    /// <summary>The writer given to the constructor, or null for a renderer that writes compact JSON itself.</summary>
    public Utf8JsonWriter? Writer { get; }

    /// <summary>Hands what was written to the output: the compact renderer's buffered bytes, or <see cref="Utf8JsonWriter.Flush"/>.</summary>
    public void Flush()
    {
        if (_s is CompactJsonSink c) c.Flush(); else Writer!.Flush();
    }

    /// <summary>
    /// For the compact renderer: writes what follows to <paramref name="output"/> (unflushed bytes are dropped) and
    /// forgets open containers, so one renderer serves many records.
    /// </summary>
    /// <exception cref="InvalidOperationException">This renderer writes through a <see cref="Utf8JsonWriter"/> (reset the writer, then <see cref="Reset()"/>).</exception>
    public void Reset(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_s is not CompactJsonSink c) throw new InvalidOperationException("This renderer writes through a Utf8JsonWriter: reset the writer and call Reset().");
        c.Reset(output);
        _depth = 0;
    }

    /// <inheritdoc/>
    public override bool WantsLabels => false;

    /// <summary>
    /// When set, every content error rendered is also added here (once), as <see cref="ErrorCollector"/> would keep it,
    /// without a second visitor in the walk (the streamed decode renders hundreds of thousands of records).
    /// </summary>
    public ICollection<ApeiContentException>? ErrorSink { get; set; }

    // What ErrorSink holds, by reference, so keeping each error once costs O(1) and not a scan of the sink
    // (ICollection.Contains on a List: quadratic in a block of 100,000 bad entries). Rebuilt when the caller
    // swapped or changed the sink (cleared it between records): the counts then differ.
    private readonly HashSet<ApeiContentException> _sunk = new(ReferenceEqualityComparer.Instance);
    private ICollection<ApeiContentException>? _sunkFor;

    private void AddToSink(ICollection<ApeiContentException> sink, ApeiContentException error)
    {
        if (!ReferenceEquals(sink, _sunkFor) || sink.Count != _sunk.Count)
        {
            _sunk.Clear();
            foreach (var e in sink) _sunk.Add(e);
            _sunkFor = sink;
        }
        if (_sunk.Add(error)) sink.Add(error);
    }

    /// <summary>Forgets containers a walk left open (one that stopped on an exception), so the renderer can be reused after <see cref="Utf8JsonWriter.Reset(IBufferWriter{byte})"/>.</summary>
    public void Reset() => _depth = 0;

    private bool InArray => _depth > 0 && _containers[_depth - 1].IsArray;

    private void Push(bool isArray, int errors)
    {
        if (_depth == _containers.Length) Array.Resize(ref _containers, 2 * _depth);
        _containers[_depth++] = (isArray, errors);
    }

    // Pop on an empty stack threw (Stack<T>.Pop) and still does: a walk that ends more than it began is a describer's bug.
    private (bool IsArray, int Errors) Pop() => _depth > 0 ? _containers[--_depth] : throw new InvalidOperationException("No container is open.");

    // A name encoded when it was declared (JsonName), for this renderer's encoder when it is one of the two a JsonName
    // keeps (index _encoderIndex); else encoded here (from the cache or not, as a string name).
    private JsonEncodedText N(JsonName name) => _encoderIndex >= 0 && name.Encoded(_encoderIndex) is { } e ? e : N(name.Text);

    // The same name's member prefix encoded once (,"name": for the compact sink), under the same condition; else null (write N(name)).
    private byte[]? M(JsonName name) => _encoderIndex >= 0 ? name.Member(_encoderIndex) : null;

    /// <inheritdoc/>
    public override void BeginObject(string? json, string label, long offset, long length)
    {
        if (_compact is { } c)
        {
            if (json is null || InArray) c.StartObject(); else c.StartObject(N(json));
        }
        else if (json is null || InArray) _s.StartObject(); else _s.StartObject(N(json));
        Push(false, 0);
    }

    /// <summary>Starts an object named by a name encoded once: its bytes are written as they are (no cache lookup).</summary>
    public override void BeginObject(JsonName json, string label, long offset, long length)
    {
        if (_compact is { } c)
        {
            if (json.Text is null || InArray) c.StartObject();
            else if (M(json) is { } member) c.StartObject(member); // ,"name": encoded once: one copy
            else c.StartObject(N(json));
        }
        else if (json.Text is null || InArray) _s.StartObject(); else _s.StartObject(N(json));
        Push(false, 0);
    }

    /// <inheritdoc/>
    public override void EndObject()
    {
        Pop();
        if (_compact is { } c) c.EndObject(); else _s.EndObject();
    }

    /// <inheritdoc/>
    public override void BeginArray(string json, string label, long offset, long length)
    {
        _s.StartArray(N(json));
        Push(true, 0);
    }

    /// <summary>Starts an array named by a name encoded once: its bytes are written as they are (no cache lookup).</summary>
    public override void BeginArray(JsonName json, string label, long offset, long length)
    {
        if (_compact is { } c)
        {
            if (M(json) is { } member) c.StartArray(member); else c.StartArray(N(json));
        }
        else _s.StartArray(N(json));
        Push(true, 0);
    }

    /// <inheritdoc/>
    public override void EndArray()
    {
        Pop();
        if (_compact is { } c) c.EndArray(); else _s.EndArray();
    }

    /// <summary>
    /// Writes the fields of a fixed layout. The compact renderer (with the default or the relaxed encoder) writes them
    /// from the layout compiled once (<c>CompiledJsonLayout</c>: pre-encoded names and value texts, one loop, no call per
    /// field); otherwise, field by field as <see cref="StructureVisitor.Layout"/> does. The bytes are the same.
    /// </summary>
    public override void Layout(StructDef layout, ReadOnlySpan<byte> structure, long baseOffset)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (_compact is not null && _encoderIndex >= 0) _compact.Layout(layout.CompiledJson(_encoderIndex), structure, baseOffset, this);
        else base.Layout(layout, structure, baseOffset);
    }

    /// <summary>
    /// Writes the fields of a nested structure: from its compiled layout, every field valid or not as
    /// <paramref name="valid"/> says, by the compact renderer; otherwise field by field as <see cref="StructureVisitor.NestedLayout"/> does.
    /// </summary>
    public override void NestedLayout(StructDef layout, ReadOnlySpan<byte> structure, long baseOffset, bool valid)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (_compact is not null && _encoderIndex >= 0) _compact.Layout(layout.CompiledJson(_encoderIndex), structure, baseOffset, this, valid ? 1 : 0);
        else base.NestedLayout(layout, structure, baseOffset, valid);
    }

    /// <inheritdoc/>
    public override void Field(FieldDef f, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
        => WriteField(f, offset, raw, valid, validationBits);

    /// <summary>What <see cref="Field"/> writes (called without a virtual call by the compiled layouts for Ascii fields whose text alone would lose bytes).</summary>
    internal void WriteField(FieldDef f, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
    {
        var name = N(f.Json, f.EncodedJson);
        if ((!valid || f.Kind == FieldKind.Reserved) && FieldFormat.IsZero(raw))
        {
            // Text-like fields stay present (null) so scripts can rely on the key; numbers are left out.
            if (f.Kind is FieldKind.Guid or FieldKind.Ascii or FieldKind.Timestamp) _s.Null(name);
            return;
        }
        switch (f.Kind)
        {
            case FieldKind.UInt:
            case FieldKind.Hex:
                _s.Number(name, FieldDef.ReadLittleEndian(raw));
                break;
            case FieldKind.Enum:
                NamedValue(name, FieldDef.ReadLittleEndian(raw), f.Names);
                break;
            case FieldKind.Flags:
            {
                ulong v = FieldDef.ReadLittleEndian(raw);
                _s.StartObject(name);
                _s.Number(s_value, v);
                _s.StartArray(s_namesArray);
                // Same names, in the same order, as FlagTable.NamesOf, without building the list.
                for (int bit = 0; bit < 64 && v >> bit != 0; bit++)
                {
                    if ((v >> bit & 1) == 0) continue;
                    if (f.FlagNames?.Lookup(bit, out var pre) is { } known) _s.StringValue(V(known, pre));
                    else if (f.FlagNames is not null) WriteBitName(bit);
                }
                _s.EndArray();
                _s.EndObject();
                break;
            }
            case FieldKind.Bits:
            {
                ulong v = FieldDef.ReadLittleEndian(raw);
                _s.StartObject(name);
                _s.Number(s_value, v);
                var bits = f.BitFields ?? [];
                for (int i = 0; i < bits.Count; i++)
                {
                    var b = bits[i];
                    ulong bv = b.Extract(v);
                    bool bitValid = b.ValidBit < 0 || (validationBits >> b.ValidBit & 1) != 0;
                    if (!bitValid && bv == 0) continue;
                    var bn = N(b.Json, b.EncodedJson);
                    if (b.Names is not null) NamedValue(bn, bv, b.Names);
                    else if (b.Width == 1) _s.Boolean(bn, bv != 0);
                    else if (b.IsBcd && !BitFieldDef.TryFromBcd(bv, out _)) _s.String(bn, FieldFormat.Hex(bv, (b.Width + 7) / 8)); // not BCD: the raw value
                    else if (b.IsBcd) { BitFieldDef.TryFromBcd(bv, out ulong d); _s.Number(bn, d); }
                    else _s.Number(bn, bv);
                }
                _s.EndObject();
                break;
            }
            case FieldKind.Guid:
                _s.String(name, new Guid(raw)); // "D" format, lower case: EfiGuid.ToText
                break;
            case FieldKind.Ascii:
            {
                Span<char> text = raw.Length <= 256 ? stackalloc char[raw.Length] : new char[raw.Length];
                text = text[..AsciiField.Decode(raw, text)];
                _s.String(name, text);
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
                // "s" is yyyy-MM-ddTHH:mm:ss (a formatting fast path); the Z says UTC.
                if (valid && ts.TryDecode(PreferBinaryTimestamps, out var dt, out var enc) && dt.TryFormat(text, out int written, "s", CultureInfo.InvariantCulture))
                {
                    text[written++] = 'Z';
                    _s.SafeAscii(name, text[..written]); // digits, '-', ':', 'T', 'Z'
                    _s.String(names.Encoding, enc == TimestampEncoding.Binary ? s_binary : s_bcd);
                }
                else
                {
                    _s.Null(name);
                }
                _s.Boolean(names.Precise, ts.IsPrecise);
                "0x".CopyTo(text);
                ts.Raw.TryFormat(text[2..], out int hex, "X16", CultureInfo.InvariantCulture);
                _s.SafeAscii(names.Raw, text[..(2 + hex)]); // "0x" and hex digits
                break;
            }
            case FieldKind.Reserved:
                if (raw.Length is 1 or 2 or 4 or 8) _s.Number(name, FieldDef.ReadLittleEndian(raw));
                else WriteCompactHex(name, raw);
                break;
            default:
                WriteCompactHex(name, raw);
                break;
        }
    }

    // {"value": v, "name": its name or null}: an Enum field, or a bit field with names.
    private void NamedValue(JsonEncodedText name, ulong v, NameTable? names)
    {
        _s.StartObject(name);
        _s.Number(s_value, v);
        if (names?.Lookup(v, out var pre) is { } n) _s.String(s_name, V(n, pre)); else _s.Null(s_name);
        _s.EndObject();
    }

    private static bool ReEncodes(ReadOnlySpan<char> text, ReadOnlySpan<byte> raw, Span<byte> scratch)
    {
        AsciiField.Encode(scratch, text);
        return scratch.SequenceEqual(raw);
    }

    private void WriteBitName(int bit)
    {
        Span<char> text = stackalloc char[8];
        "bit".CopyTo(text);
        bit.TryFormat(text[3..], out int n, default, CultureInfo.InvariantCulture);
        _s.StringValue(text[..(3 + n)]);
    }

    // Lower-case hex: FieldFormat.CompactHex's text, written by the sink (the compact one straight into its buffer, no escaping check).
    private void WriteCompactHex(JsonEncodedText name, ReadOnlySpan<byte> raw) => _s.LowerHex(name, raw);

    /// <inheritdoc/>
    public override void Info(string json, string label, string? value)
    {
        if (_compact is { } c)
        {
            if (value is null) c.Null(N(json)); else c.String(N(json), value);
        }
        else if (value is null) _s.Null(N(json)); else _s.String(N(json), value);
    }

    /// <summary>A derived text that is a fixed text encoded once, under a name encoded once: written as <see cref="Info(string, string, string)"/> writes its texts, without encoding or a cache lookup per call.</summary>
    public override void Info(JsonName json, string label, JsonName value) => JsonOnly(json, value);

    /// <inheritdoc/>
    public override void Info(string json, string label, long value)
    {
        if (_compact is { } c) c.Number(N(json), value); else _s.Number(N(json), value);
    }

    /// <inheritdoc/>
    public override void JsonOnly(string json, string? value) => JsonOnlyText(N(json), value);

    /// <summary>A JSON-only value under a name encoded once (no cache lookup for the name).</summary>
    public override void JsonOnly(JsonName json, string? value) => JsonOnlyText(N(json), value);

    private void JsonOnlyText(JsonEncodedText name, string? value)
    {
        if (_compact is { } c)
        {
            if (value is null) c.Null(name); else c.String(name, V(value));
        }
        else if (value is null) _s.Null(name); else _s.String(name, V(value));
    }

    /// <summary>A JSON-only value that is a name encoded once, under a name encoded once: no encoding and no cache lookup per call.</summary>
    public override void JsonOnly(JsonName json, JsonName value)
    {
        if (_compact is { } c)
        {
            if (M(json) is { } member)
            {
                if (value.Text is null) c.Null(member); else c.String(member, N(value));
            }
            else if (value.Text is null) c.Null(N(json));
            else c.String(N(json), N(value));
        }
        else if (value.Text is null) _s.Null(N(json)); else _s.String(N(json), N(value));
    }

    /// <inheritdoc/>
    public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes) => WriteCompactHex(N(json), bytes);

    /// <inheritdoc/>
    protected override void OnError(ApeiContentException error)
    {
        if (ErrorSink is { } sink) AddToSink(sink, error);
        if (InArray)
        {
            _s.StartObject();
        }
        else
        {
            int previous = 0;
            if (_depth > 0) previous = Pop().Errors;
            _s.StartObject(N(previous == 0 ? "error" : string.Create(CultureInfo.InvariantCulture, $"error{previous + 1}")));
            Push(false, previous + 1);
        }
        _s.String(N("message"), error.Message);
        _s.String(N("structure"), error.Structure);
        if (error.Field is not null) _s.String(N("field"), error.Field);
        _s.Number(N("offset"), error.Offset);
        if (error.Expected is not null) _s.String(N("expected"), error.Expected);
        if (error.Found is not null) _s.String(N("found"), error.Found);
        _s.EndObject();
    }
}
