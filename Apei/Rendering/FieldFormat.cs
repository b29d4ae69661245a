using System.Globalization;
using System.Text;

namespace ApeiKit;

/// <summary>Shared text formatting of field values for the text and layout renderers.</summary>
public static class FieldFormat
{
    /// <summary>Hex with the field's natural width, e.g. <c>0x0000FFFF</c>.</summary>
    public static string Hex(ulong value, int size) => "0x" + value.ToString("X" + Math.Clamp(size * 2, 1, 16).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Space-separated hex bytes, truncated after <paramref name="max"/> bytes with "…".</summary>
    public static string HexBytes(ReadOnlySpan<byte> bytes, int max = int.MaxValue)
    {
        var sb = new StringBuilder(Math.Min(bytes.Length, max) * 3);
        for (int i = 0; i < bytes.Length && i < max; i++)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
        }
        if (bytes.Length > max) sb.Append(" …");
        return sb.ToString();
    }

    /// <summary>Compact lower-case hex (JSON form of byte fields).</summary>
    public static string CompactHex(ReadOnlySpan<byte> bytes) => ApeiKit.Text.HexText.Lower(bytes);

    /// <summary>The decoded value of a field as one line of text.</summary>
    public static string Value(FieldDef f, ReadOnlySpan<byte> raw, bool preferBinaryTimestamps)
    {
        switch (f.Kind)
        {
            case FieldKind.UInt:
            {
                ulong v = FieldDef.ReadLittleEndian(raw);
                var s = v.ToString(CultureInfo.InvariantCulture);
                if (f.Names?[v] is { } n) s += $" ({n})";
                return f.Unit is null ? s : s + " " + f.Unit;
            }
            case FieldKind.Hex:
            {
                ulong v = FieldDef.ReadLittleEndian(raw);
                var s = Hex(v, raw.Length);
                return f.Names?[v] is { } n ? $"{s} ({n})" : s;
            }
            case FieldKind.Enum:
            {
                ulong v = FieldDef.ReadLittleEndian(raw);
                return Named(f.Names?[v], v);
            }
            case FieldKind.Flags:
            {
                ulong v = FieldDef.ReadLittleEndian(raw);
                var names = f.FlagNames?.NamesOf(v) ?? [];
                return names.Count == 0 ? Hex(v, raw.Length) : $"{Hex(v, raw.Length)} ({string.Join(", ", names)})";
            }
            case FieldKind.Bits:
                return Hex(FieldDef.ReadLittleEndian(raw), raw.Length);
            case FieldKind.Guid:
            {
                var g = new Guid(raw);
                return f.GuidNames?.Invoke(g) is { } n ? $"{EfiGuid.ToText(g)} ({n})" : EfiGuid.ToText(g);
            }
            case FieldKind.Ascii:
                return "\"" + AsciiField.Decode(raw) + "\"";
            case FieldKind.Timestamp:
            {
                var ts = CperTimestamp.Read(raw);
                if (ts.TryDecode(preferBinaryTimestamps, out var dt, out var enc))
                    return dt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + (enc == TimestampEncoding.Binary ? " (binary encoding, as Windows writes)" : " (BCD)") + (ts.IsPrecise ? ", precise" : "");
                return ts.IsZero ? "none (all zero)" : $"not a valid date ({Hex(ts.Raw, 8)})";
            }
            case FieldKind.Reserved:
                return raw.Length is 1 or 2 or 4 or 8 ? Hex(FieldDef.ReadLittleEndian(raw), raw.Length) : HexBytes(raw, 16);
            default:
                return HexBytes(raw, 32);
        }
    }

    /// <summary>Text of one bit field's value.</summary>
    public static string BitValue(BitFieldDef b, ulong whole)
    {
        ulong v = b.Extract(whole);
        // A value its table does not name (a reserved one, e.g. MS check error type 6-7, UEFI 2.10 N.2.4.2.1), shown as
        // an enumerated field shows one: the number and "(unknown)", not a bare number that reads as a count.
        if (b.Names is not null) return Named(b.Names[v], v);
        if (b.Width == 1) return v != 0 ? "yes" : "no";
        if (b.IsBcd) return BitFieldDef.TryFromBcd(v, out ulong d) ? d.ToString(CultureInfo.InvariantCulture) : Hex(v, (b.Width + 7) / 8) + " (not BCD)";
        return b.Width > 8 && !b.IsCount ? Hex(v, (b.Width + 7) / 8) : v.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A value of an enumeration that its table does not name: the number and "(unknown)" (<c>7 (unknown)</c>), the one
    /// rendering of such a value (fields, bit fields, and the names other tables give).
    /// </summary>
    public static string Unknown(ulong value) => value.ToString(CultureInfo.InvariantCulture) + " (unknown)";

    /// <summary>An enumerated value with its name (<c>fatal (1)</c>), or <see cref="Unknown"/> when it has none.</summary>
    private static string Named(string? name, ulong value)
        => name is null ? Unknown(value) : $"{name} ({value.ToString(CultureInfo.InvariantCulture)})";

    /// <summary>A byte offset as messages give it: hex first, then decimal (<c>0x115 (277)</c>).</summary>
    public static string Offset(long offset) => string.Create(CultureInfo.InvariantCulture, $"0x{offset:X} ({offset})");

    /// <summary>True when all bytes are zero.</summary>
    public static bool IsZero(ReadOnlySpan<byte> raw) => !raw.ContainsAnyExcept((byte)0);
}
