// [lc-audit E] converters libcper's NVIDIA sections print, for any map: major.minor, colon-separated hex bytes, a text with an empty default
using System.Globalization;
using System.Text.Json.Nodes;
using ApeiKit.Cper.Json;

namespace ApeiKit.Cper.LibCper;

internal static partial class Lm
{
    /// <summary><c>"major.minor"</c> (<see cref="LcKind.MajorMinor"/>).</summary>
    public static LcMember MajorMinor(string name, FieldDef f) => new(name, LcKind.MajorMinor, f);
    /// <summary>Colon-separated hex bytes (<see cref="LcKind.ColonHex"/>).</summary>
    public static LcMember ColonHex(string name, FieldDef f) => new(name, LcKind.ColonHex, f);
    /// <summary>A text that is <c>""</c> where libcper's untrusted string prints nothing (<see cref="LcKind.UntrustedOrEmpty"/>).</summary>
    public static LcMember UntrustedOrEmpty(string name, FieldDef f) => new(name, LcKind.UntrustedOrEmpty, f);
}

internal sealed partial class LibCperMap
{
    /// <summary>The high half of the value, '.', the low half, both in decimal (a 16-bit field: its two bytes).</summary>
    private static void WriteMajorMinor(LcWriter w, LcMember m, ReadOnlySpan<byte> body)
    {
        int half = m.Width / 2;
        ulong v = m.Value(body);
        Span<byte> text = stackalloc byte[41]; // two 64-bit decimals at most and the dot
        int n = Lc.Dec(text, 0, v >> half);
        text[n++] = (byte)'.';
        n += Lc.Dec(text, n, v & ((1UL << half) - 1));
        w.WriteAscii(m.Encoded, text[..n]);
    }

    /// <summary><c>"major.minor"</c> back: two decimal numbers, each within half of <paramref name="width"/> bits.</summary>
    /// <exception cref="CperJsonException">Not a string of that form.</exception>
    internal static ulong ReadMajorMinor(JsonNode? n, int width)
    {
        if (n is null) return 0; // null reads as zero, as libcper's getters do
        int half = width / 2;
        string s = Lc.Str(n)!;
        int dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && Half(s.AsSpan(0, dot), half, out ulong major) && Half(s.AsSpan(dot + 1), half, out ulong minor))
            return (major << half) | minor;
        throw new CperJsonException(n!.GetPath(), $"expected \"major.minor\" (two decimal numbers of at most {half} bits), found {Lc.Show(n)}");

        static bool Half(ReadOnlySpan<char> digits, int bits, out ulong value)
            => ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >> bits == 0;
    }

    /// <summary>The field's bytes from the most significant down, "XX:XX:…" (libcper's PDI: <c>"%02X:%02X:…"</c>).</summary>
    private static void WriteColonHex(LcWriter w, LcMember m, ReadOnlySpan<byte> body)
    {
        int size = m.Field!.Size;
        ulong v = m.Value(body);
        Span<byte> text = stackalloc byte[23]; // 8 bytes at most (a FieldDef value)
        for (int i = 0; i < size; i++)
        {
            Lc.Hex(text, 3 * i, (byte)(v >> (8 * (size - 1 - i))), 2);
            if (i < size - 1) text[3 * i + 2] = (byte)':';
        }
        w.WriteAscii(m.Encoded, text[..(3 * size - 1)]);
    }

    /// <summary>"XX:XX:…" back: exactly <paramref name="size"/> hex bytes, the most significant first.</summary>
    /// <exception cref="CperJsonException">Another number of parts, or a part that is not one or two hex digits.</exception>
    private static ulong ReadColonHex(JsonNode? n, int size)
    {
        if (n is null) return 0;
        string s = Lc.Str(n)!;
        ulong v = 0;
        int at = 0;
        for (int i = 0; i < size; i++)
        {
            int end = s.IndexOf(':', at);
            if (i == size - 1 ? end >= 0 : end < 0) end = -1; // a ':' after every part but the last, none after it
            else if (end < 0) end = s.Length;
            if (end < 0 || end - at is 0 or > 2 || !byte.TryParse(s.AsSpan(at, end - at), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
                throw new CperJsonException(n!.GetPath(), $"expected {size} hex bytes joined by ':' (\"XX:XX:...\"), found {Lc.Show(n)}");
            v = (v << 8) | b;
            at = end + 1;
        }
        return v;
    }

    /// <summary>
    /// libcper's <c>add_string(…, "")</c> then <c>add_untrusted_string</c>: the printable text before the NUL, else
    /// <c>""</c>, over the field's bytes the body holds (a structure cut to its data size gives the text only those bytes,
    /// as libcper's legacy XID message does). Read back as <see cref="LcKind.Untrusted"/>.
    /// </summary>
    private static void WriteUntrustedOrEmpty(LcWriter w, LcMember m, ReadOnlySpan<byte> body)
    {
        var f = m.Field!;
        var text = body.Length > f.Offset ? body.Slice(f.Offset, Math.Min(body.Length - f.Offset, f.Size)) : default;
        w.WriteString(m.Encoded, Lc.PrintableLength(text) is int length and >= 0 ? text[..length] : default);
    }
}
