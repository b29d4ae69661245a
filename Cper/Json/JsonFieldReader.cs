using System.Globalization;
using System.Text.Json;

namespace ApeiKit.Cper.Json;

/// <summary>
/// Reads one <see cref="FieldDef"/> from JSON: the inverse of <see cref="JsonRenderer.Field"/>. Accepts what the renderer
/// writes (<c>{"value": n, "name": ..}</c> for enumerations, <c>{"value": n, "names": [..]}</c> for flags, <c>{"value": n,
/// sub: ..}</c> for bit fields, GUID strings, hex strings for bytes, the timestamp with its <c>Raw</c> companion) and the
/// short forms a person writes: a plain number (or <c>"0x.."</c> string) for any integer, a name for an enumeration,
/// an array of names for flags, sub-fields without <c>value</c> for bit fields.
/// </summary>
public static class JsonFieldReader
{
    /// <summary>
    /// Writes the value of <paramref name="field"/> held by <paramref name="parent"/> into <paramref name="raw"/> (the field's
    /// bytes). Returns false when the member is absent or null (the bytes are left as they are).
    /// </summary>
    /// <param name="field">The layout entry.</param>
    /// <param name="parent">The JSON object holding the field's member(s).</param>
    /// <param name="parentPath">JSON path of <paramref name="parent"/>.</param>
    /// <param name="raw">The field's bytes (exactly <see cref="FieldDef.Size"/>).</param>
    /// <param name="validBits">Receives the validation bits of bit sub-fields that were given.</param>
    /// <exception cref="CperJsonException">The member does not hold a value of the field's kind, or it does not fit.</exception>
    public static bool TryRead(FieldDef field, JsonElement parent, string parentPath, Span<byte> raw, out ulong validBits)
    {
        ArgumentNullException.ThrowIfNull(field);
        validBits = 0;
        string path = parentPath + "." + field.Json;
        bool has = parent.TryGetProperty(field.Json, out var v) && v.ValueKind != JsonValueKind.Null;
        if (field.Kind == FieldKind.Timestamp)
        {
            // Raw wins: it keeps bytes the ISO form cannot (invalid dates, flags).
            if (parent.TryGetProperty(field.Json + "Raw", out var r) && r.ValueKind != JsonValueKind.Null)
            {
                FieldDef.WriteLittleEndian(raw, Integer(r, path + "Raw", 8));
                return true;
            }
            if (!has) return false;
            if (v.ValueKind != JsonValueKind.String || !DateTime.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dt))
                throw new CperJsonException(path, $"expected an ISO 8601 date and time (\"2024-05-01T12:34:56Z\"), found {Show(v)}");
            var encoding = TimestampEncoding.Bcd;
            if (parent.TryGetProperty(field.Json + "Encoding", out var e) && e.ValueKind != JsonValueKind.Null)
            {
                encoding = e.ValueKind == JsonValueKind.String ? e.GetString() switch
                {
                    "bcd" => TimestampEncoding.Bcd,
                    "binary" => TimestampEncoding.Binary,
                    _ => throw new CperJsonException(path + "Encoding", $"expected \"bcd\" or \"binary\", found {Show(e)}"),
                } : throw new CperJsonException(path + "Encoding", $"expected \"bcd\" or \"binary\", found {Show(e)}");
            }
            bool precise = false;
            if (parent.TryGetProperty(field.Json + "Precise", out var p) && p.ValueKind != JsonValueKind.Null)
                precise = p.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw new CperJsonException(path + "Precise", $"expected true or false, found {Show(p)}") };
            CperTimestamp.FromDateTime(dt, encoding, precise).Write(raw);
            return true;
        }
        if (field.Kind == FieldKind.Ascii)
        {
            if (parent.TryGetProperty(field.Json + "Raw", out var r) && r.ValueKind != JsonValueKind.Null)
            {
                var bytes = Hex(r, path + "Raw");
                if (bytes.Length != raw.Length) throw new CperJsonException(path + "Raw", $"expected {raw.Length} bytes, found {bytes.Length}");
                bytes.CopyTo(raw);
                return true;
            }
            if (!has) return false;
            if (v.ValueKind != JsonValueKind.String) throw new CperJsonException(path, $"expected a string of up to {raw.Length} ASCII characters, found {Show(v)}");
            string text = v.GetString()!;
            if (text.Length > raw.Length || text.Any(c => c > 0x7E)) throw new CperJsonException(path, $"expected up to {raw.Length} ASCII characters, found {Quote(text)}");
            AsciiField.Encode(raw, text);
            return true;
        }
        if (!has) return false;
        switch (field.Kind)
        {
            case FieldKind.Guid:
                if (v.ValueKind != JsonValueKind.String || !Guid.TryParse(v.GetString(), out var g))
                    throw new CperJsonException(path, $"expected a GUID (\"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\"), found {Show(v)}");
                EfiGuid.Write(raw, g);
                return true;
            case FieldKind.Bytes:
            case FieldKind.Reserved when !field.IsNumeric || v.ValueKind == JsonValueKind.String:
            case FieldKind.UInt or FieldKind.Hex when raw.Length > 8:
            {
                if (field.Kind is FieldKind.UInt or FieldKind.Hex && v.ValueKind == JsonValueKind.Number)
                {
                    FieldDef.WriteLittleEndian(raw, Integer(v, path, 8));
                    return true;
                }
                var bytes = Hex(v, path);
                if (bytes.Length != raw.Length) throw new CperJsonException(path, $"expected {raw.Length} bytes as a hex string, found {bytes.Length} bytes");
                bytes.CopyTo(raw);
                return true;
            }
            case FieldKind.Enum:
                FieldDef.WriteLittleEndian(raw, EnumValue(field.Names, v, path, raw.Length));
                return true;
            case FieldKind.Flags:
                FieldDef.WriteLittleEndian(raw, FlagsValue(field.FlagNames, v, path, raw.Length));
                return true;
            case FieldKind.Bits:
                FieldDef.WriteLittleEndian(raw, BitsValue(field, v, path, raw.Length, out validBits));
                return true;
            default:
                FieldDef.WriteLittleEndian(raw, Integer(v, path, raw.Length));
                return true;
        }
    }

    /// <summary>The members a field may add beside its own (timestamp companions, the raw form of text).</summary>
    public static IEnumerable<string> CompanionMembers(FieldDef field)
    {
        ArgumentNullException.ThrowIfNull(field);
        yield return field.Json;
        if (field.Kind == FieldKind.Timestamp)
        {
            yield return field.Json + "Encoding";
            yield return field.Json + "Precise";
            yield return field.Json + "Raw";
        }
        else if (field.Kind == FieldKind.Ascii)
        {
            yield return field.Json + "Raw";
        }
    }

    /// <summary>An unsigned integer of <paramref name="size"/> bytes: a JSON number, or a string in decimal or <c>0x</c> hex.</summary>
    /// <exception cref="CperJsonException">Not an integer, or too large.</exception>
    public static ulong Integer(JsonElement v, string path, int size)
    {
        if (!TryUnsigned(v, out ulong value))
            throw new CperJsonException(path, v.ValueKind == JsonValueKind.String
                ? $"expected an unsigned integer of {size} byte(s) (number, or \"0x..\" string), found {Show(v)}"
                : $"expected an unsigned integer of {size} byte(s), found {Show(v)}");
        if (size < 8 && value >> (8 * size) != 0) throw new CperJsonException(path, $"expected an unsigned integer of {size} byte(s) (at most {(1UL << (8 * size)) - 1}), found {value}");
        return value;
    }

    /// <summary>
    /// A count, offset or length of bytes (the <c>"offset"</c> and <c>"length"</c> decode writes beside an item, a gap's
    /// <c>"offset"</c>): a non-negative integer that fits in a <see cref="long"/>, in the forms <see cref="Integer"/> reads (a
    /// JSON number, or a string in decimal or <c>0x</c> hex: what a person copies from decode's text output, which shows
    /// offsets in hex).
    /// </summary>
    /// <exception cref="CperJsonException">Not such an integer.</exception>
    internal static long Count(JsonElement v, string path)
        => TryUnsigned(v, out ulong n) && n <= long.MaxValue ? (long)n
            : throw new CperJsonException(path, v.ValueKind == JsonValueKind.String
                ? $"expected a non-negative integer (number, or decimal or \"0x..\" string), found {Show(v)}"
                : $"expected a non-negative integer, found {Show(v)}");

    /// <summary>An unsigned 64-bit integer: a JSON number, or a string in decimal or <c>0x</c> hex (the one parse of <see cref="Integer"/> and <see cref="Count"/>).</summary>
    private static bool TryUnsigned(JsonElement v, out ulong value)
    {
        value = 0;
        if (v.ValueKind == JsonValueKind.Number) return v.TryGetUInt64(out value);
        if (v.ValueKind != JsonValueKind.String) return false;
        string s = v.GetString()!;
        return s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Bytes from a hex string (spaces allowed, optional <c>0x</c>).</summary>
    /// <exception cref="CperJsonException">Not a string of hex digit pairs.</exception>
    public static byte[] Hex(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.String) throw new CperJsonException(path, $"expected a hex string, found {Show(v)}");
        string s = v.GetString()!.Replace(" ", "", StringComparison.Ordinal);
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) s = s[2..];
        if (s.Length % 2 != 0 || !s.All(char.IsAsciiHexDigit)) throw new CperJsonException(path, $"expected a hex string (pairs of hex digits), found {Show(v)}");
        return Convert.FromHexString(s);
    }

    private static ulong EnumValue(NameTable? names, JsonElement v, string path, int size)
    {
        if (v.ValueKind == JsonValueKind.String && !v.GetString()!.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && !v.GetString()!.All(char.IsAsciiDigit))
        {
            if (names is not null && names.TryGetValue(v.GetString()!, out ulong byName)) return byName;
            throw new CperJsonException(path, $"unknown name {Show(v)}{Known(names)}");
        }
        if (v.ValueKind != JsonValueKind.Object) return Integer(v, path, size);
        // The value wins over its names, in either form: a describer that picks the field's kind from the bytes (the ARM
        // error-information Type, bit flags or an enumeration) walks a half-built buffer with the other kind first.
        if (v.TryGetProperty("value", out var value) && value.ValueKind != JsonValueKind.Null)
        {
            Only(v, path, "value", "name", "names");
            return Integer(value, path + ".value", size);
        }
        Only(v, path, "value", "name");
        if (v.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            if (names is not null && names.TryGetValue(name.GetString()!, out ulong byName)) return byName;
            throw new CperJsonException(path + ".name", $"unknown name {Show(name)}{Known(names)}");
        }
        throw new CperJsonException(path, "expected \"value\" (a number) or \"name\"");
    }

    private static ulong FlagsValue(FlagTable? names, JsonElement v, string path, int size)
    {
        JsonElement list;
        string listPath;
        if (v.ValueKind == JsonValueKind.Array) { list = v; listPath = path; }
        else if (v.ValueKind != JsonValueKind.Object) return Integer(v, path, size);
        else
        {
            if (v.TryGetProperty("value", out var value) && value.ValueKind != JsonValueKind.Null)
            {
                Only(v, path, "value", "names", "name"); // the value wins (see EnumValue)
                return Integer(value, path + ".value", size);
            }
            Only(v, path, "value", "names");
            if (!v.TryGetProperty("names", out list)) throw new CperJsonException(path, "expected \"value\" (a number) or \"names\"");
            listPath = path + ".names";
            if (list.ValueKind != JsonValueKind.Array) throw new CperJsonException(listPath, $"expected an array of flag names, found {Show(list)}");
        }
        ulong result = 0;
        int i = 0;
        foreach (var n in list.EnumerateArray())
        {
            string at = $"{listPath}[{i++}]";
            if (n.ValueKind != JsonValueKind.String) throw new CperJsonException(at, $"expected a flag name, found {Show(n)}");
            if (names is null || !names.TryGetBit(n.GetString()!, out int bit))
            {
                if (n.GetString()!.StartsWith("bit", StringComparison.Ordinal) && int.TryParse(n.GetString().AsSpan(3), CultureInfo.InvariantCulture, out bit) && bit is >= 0 and < 64) { }
                else throw new CperJsonException(at, $"unknown flag {Show(n)}{(names is null ? "" : " (known: " + string.Join(", ", names.Select(kv => kv.Value)) + ")")}");
            }
            if (bit >= 8 * size) throw new CperJsonException(at, $"flag bit {bit} does not fit in {size} byte(s)");
            result |= 1UL << bit;
        }
        return result;
    }

    private static ulong BitsValue(FieldDef field, JsonElement v, string path, int size, out ulong validBits)
    {
        validBits = 0;
        if (v.ValueKind != JsonValueKind.Object) return Integer(v, path, size);
        var subs = field.BitFields ?? [];
        Only(v, path, ["value", .. subs.Select(b => b.Json)]);
        bool hasValue = v.TryGetProperty("value", out var whole) && whole.ValueKind != JsonValueKind.Null;
        ulong result = hasValue ? Integer(whole, path + ".value", size) : 0;
        foreach (var b in subs)
        {
            if (!v.TryGetProperty(b.Json, out var s) || s.ValueKind == JsonValueKind.Null) continue;
            string at = path + "." + b.Json;
            ulong sub = s.ValueKind switch
            {
                JsonValueKind.True => 1,
                JsonValueKind.False => 0,
                _ when b.Names is not null => EnumValue(b.Names, s, at, 8),
                // BCD: the decimal number shown (30 is 0x30); a "0x.." string is the raw value (what the renderer writes when it is not BCD).
                JsonValueKind.Number when b.IsBcd => BitFieldDef.ToBcd(Integer(s, at, 8)),
                _ => Integer(s, at, 8),
            };
            if (b.Width < 64 && sub >> b.Width != 0) throw new CperJsonException(at, $"expected a value of {b.Width} bit(s), found {sub}");
            if (b.ValidBit >= 0) validBits |= 1UL << b.ValidBit;
            // The whole value wins when both are given (it is what the renderer writes; sub-fields are derived from it).
            if (!hasValue) result |= sub << b.Bit;
        }
        if (size < 8 && result >> (8 * size) != 0) throw new CperJsonException(path, $"value does not fit in {size} byte(s)");
        return result;
    }

    /// <summary>Throws for the first member of <paramref name="obj"/> not in <paramref name="allowed"/>.</summary>
    /// <exception cref="CperJsonException">An unknown member.</exception>
    public static void Only(JsonElement obj, string path, params ReadOnlySpan<string> allowed)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (!allowed.Contains(p.Name)) throw new CperJsonException(path + "." + p.Name, $"unknown member (expected one of: {string.Join(", ", allowed.ToArray())})");
        }
    }

    private static string Known(NameTable? names)
        => names is null ? "" : " (known: " + string.Join(", ", names.Select(kv => $"\"{kv.Value}\"").Take(20)) + ")";

    /// <summary>Longest string quoted whole in a message.</summary>
    internal const int MaxQuoted = 80;

    /// <summary><paramref name="text"/> in quotes, cut after <see cref="MaxQuoted"/> characters with its full length said ("… (N bytes)").</summary>
    internal static string Quote(string text)
        => text.Length <= MaxQuoted ? $"\"{text}\"" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\"{text[..MaxQuoted]}…\" ({System.Text.Encoding.UTF8.GetByteCount(text)} bytes)");

    /// <summary>A <see cref="JsonException"/>'s message without System.Text.Json's "Path: $ | LineNumber: 0 | BytePositionInLine: 55." tail (the caller says where in plain words).</summary>
    internal static string PlainJsonMessage(JsonException e)
    {
        string m = e.Message;
        int cut = m.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0) cut = m.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        return (cut < 0 ? m : m[..cut]).Trim().TrimEnd('.');
    }

    /// <summary>A short rendering of a JSON value for messages.</summary>
    public static string Show(JsonElement v)
    {
        string s = v.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.Null => "null",
            _ => v.GetRawText(),
        };
        return s.Length > 60 ? s[..57] + "..." : s;
    }
}
