using System.Text.Json;

namespace ApeiKit;

/// <summary>
/// JSON with <see cref="Utf8JsonWriter"/>, written while walking (no object graph). Field names are
/// camelCase after the specifications. Enumerations are <c>{"value": n, "name": "..."}</c>, flags
/// <c>{"value": n, "names": [...]}</c>, GUIDs lower-case strings, bytes hex strings. Fields whose
/// validation bit is clear are left out unless they hold a non-zero value (so nothing is lost).
/// </summary>
public sealed class JsonRenderer : StructureVisitor
{
    private readonly Utf8JsonWriter _w;
    private readonly Stack<(bool IsArray, int Errors)> _containers = new();

    /// <summary>Renders to <paramref name="writer"/>.</summary>
    public JsonRenderer(Utf8JsonWriter writer) => _w = writer;

    /// <summary>The underlying writer.</summary>
    public Utf8JsonWriter Writer => _w;

    /// <inheritdoc/>
    public override void BeginObject(string? json, string label, long offset, long length)
    {
        if (json is null || (_containers.Count > 0 && _containers.Peek().IsArray)) _w.WriteStartObject(); else _w.WriteStartObject(json);
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
        _w.WriteStartArray(json);
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
        if ((!valid || f.Kind == FieldKind.Reserved) && FieldFormat.IsZero(raw))
        {
            // Text-like fields stay present (null) so scripts can rely on the key; numbers are left out.
            if (f.Kind is FieldKind.Guid or FieldKind.Ascii or FieldKind.Timestamp) _w.WriteNull(f.Json);
            return;
        }
        switch (f.Kind)
        {
            case FieldKind.UInt:
            case FieldKind.Hex:
                _w.WriteNumber(f.Json, FieldDef.ReadLittleEndian(raw));
                break;
            case FieldKind.Enum:
            {
                ulong v = FieldDef.ReadLittleEndian(raw);
                _w.WriteStartObject(f.Json);
                _w.WriteNumber("value", v);
                if (f.Names?[v] is { } n) _w.WriteString("name", n); else _w.WriteNull("name");
                _w.WriteEndObject();
                break;
            }
            case FieldKind.Flags:
            {
                ulong v = FieldDef.ReadLittleEndian(raw);
                _w.WriteStartObject(f.Json);
                _w.WriteNumber("value", v);
                _w.WriteStartArray("names");
                foreach (var n in f.FlagNames?.NamesOf(v) ?? []) _w.WriteStringValue(n);
                _w.WriteEndArray();
                _w.WriteEndObject();
                break;
            }
            case FieldKind.Bits:
            {
                ulong v = FieldDef.ReadLittleEndian(raw);
                _w.WriteStartObject(f.Json);
                _w.WriteNumber("value", v);
                foreach (var b in f.BitFields ?? [])
                {
                    ulong bv = b.Extract(v);
                    bool bitValid = b.ValidBit < 0 || (validationBits >> b.ValidBit & 1) != 0;
                    if (!bitValid && bv == 0) continue;
                    if (b.Names is not null)
                    {
                        _w.WriteStartObject(b.Json);
                        _w.WriteNumber("value", bv);
                        if (b.Names[bv] is { } n) _w.WriteString("name", n); else _w.WriteNull("name");
                        _w.WriteEndObject();
                    }
                    else if (b.Width == 1) _w.WriteBoolean(b.Json, bv != 0);
                    else _w.WriteNumber(b.Json, bv);
                }
                _w.WriteEndObject();
                break;
            }
            case FieldKind.Guid:
                _w.WriteString(f.Json, EfiGuid.ToText(new Guid(raw)));
                break;
            case FieldKind.Ascii:
            {
                string text = AsciiField.Decode(raw);
                _w.WriteString(f.Json, text);
                // The text alone loses bytes after the NUL and non-printable ones: keep them so the JSON re-encodes exactly.
                Span<byte> again = stackalloc byte[raw.Length <= 256 ? raw.Length : 0];
                if (raw.Length > 256 || !ReEncodes(text, raw, again)) _w.WriteString(f.Json + "Raw", FieldFormat.CompactHex(raw));
                break;
            }
            case FieldKind.Timestamp:
            {
                var ts = CperTimestamp.Read(raw);
                if (valid && ts.TryDecode(PreferBinaryTimestamps, out var dt, out var enc))
                {
                    _w.WriteString(f.Json, dt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
                    _w.WriteString(f.Json + "Encoding", enc == TimestampEncoding.Binary ? "binary" : "bcd");
                }
                else
                {
                    _w.WriteNull(f.Json);
                }
                _w.WriteBoolean(f.Json + "Precise", ts.IsPrecise);
                _w.WriteString(f.Json + "Raw", FieldFormat.Hex(ts.Raw, 8));
                break;
            }
            case FieldKind.Reserved:
                if (raw.Length is 1 or 2 or 4 or 8) _w.WriteNumber(f.Json, FieldDef.ReadLittleEndian(raw));
                else _w.WriteString(f.Json, FieldFormat.CompactHex(raw));
                break;
            default:
                _w.WriteString(f.Json, FieldFormat.CompactHex(raw));
                break;
        }
    }

    private static bool ReEncodes(string text, ReadOnlySpan<byte> raw, Span<byte> scratch)
    {
        AsciiField.Encode(scratch, text);
        return scratch.SequenceEqual(raw);
    }

    /// <inheritdoc/>
    public override void Info(string json, string label, string? value)
    {
        if (value is null) _w.WriteNull(json); else _w.WriteString(json, value);
    }

    /// <inheritdoc/>
    public override void Info(string json, string label, long value) => _w.WriteNumber(json, value);

    /// <inheritdoc/>
    public override void JsonOnly(string json, string? value)
    {
        if (value is null) _w.WriteNull(json); else _w.WriteString(json, value);
    }

    /// <inheritdoc/>
    public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes) => _w.WriteString(json, FieldFormat.CompactHex(bytes));

    /// <inheritdoc/>
    public override void Error(ApeiContentException error)
    {
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
