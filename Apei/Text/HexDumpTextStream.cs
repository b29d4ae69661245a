using System.Globalization;

namespace ApeiKit.Text;

/// <summary>
/// The bytes of a hex dump as <c>xxd</c> (default output: <c>00000000: 4350 4552 ...  CPER....</c>, any <c>-g</c>/<c>-c</c>)
/// and <c>hexdump -C</c> (<c>00000000  43 50 45 52 ...  |CPER....|</c>) print it, decoded line by line as the text is
/// read. The ASCII column is ignored (a "CPER" there is not a record). Offsets are checked: every line must start where
/// the previous one ended (a missing, repeated or reordered line is an error naming its line number); a <c>*</c> line
/// (hexdump -C, xxd -a: the previous line repeats) is expanded up to the offset of the line after it; hexdump -C's
/// closing line (the offset alone) must equal the length decoded.
/// </summary>
public sealed class HexDumpTextStream(Stream inner, bool leaveOpen = false) : TextDecodingStream(inner, leaveOpen)
{
    /// <summary>Longest line accepted (xxd -c 256 prints about 1,200 characters).</summary>
    public const int MaxLineLength = 4000;

    private enum Style { Unknown, Xxd, HexdumpC }

    private Style _style;
    private long _line; // lines consumed so far
    private long _expected = -1; // offset the next line must start at (-1: the first line sets it)
    private readonly byte[] _last = new byte[MaxLineLength / 2];
    private int _lastLength;
    private bool _star; // a '*' line was read: the previous line repeats up to the next offset
    private long _repeat; // bytes of repetition still to write
    private int _repeatPhase;
    private readonly byte[] _lineBytes = new byte[MaxLineLength / 2];

    /// <summary>
    /// True when <paramref name="head"/> (the first bytes of a text) starts with an xxd or hexdump -C line at offset 0
    /// (<c>00000000: 4350 ...</c> or <c>00000000  43 50 ...</c>). Plain hex that happens to start with 8 digits and two
    /// spaces is not taken for a dump unless those digits are zeros and the bytes are in hexdump -C's "xx " groups.
    /// </summary>
    public static bool LooksLikeHexDump(ReadOnlySpan<byte> head)
    {
        int nl = head.IndexOf((byte)'\n');
        var line = nl < 0 ? head : head[..nl];
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        int i = 0;
        while (i < line.Length && char.IsAsciiHexDigit((char)line[i])) i++;
        if (i < 4 || i > 16 || line[..i].IndexOfAnyExcept((byte)'0') >= 0) return false;
        bool xxd = line[i..].StartsWith(": "u8);
        if (!xxd && !line[i..].StartsWith("  "u8)) return false;
        i += 2;
        if (i + 2 > line.Length || !char.IsAsciiHexDigit((char)line[i]) || !char.IsAsciiHexDigit((char)line[i + 1])) return false;
        return xxd || (i + 3 <= line.Length && line[i + 2] == (byte)' ') || i + 2 == line.Length;
    }

    /// <inheritdoc/>
    protected override string? Decode(ReadOnlySpan<byte> text, long textOffset, Span<byte> output, bool final, out int consumed, out int written)
    {
        int i = 0, w = 0;
        while (true)
        {
            if (_repeat > 0)
            {
                while (_repeat > 0 && w < output.Length)
                {
                    int n = (int)Math.Min(Math.Min(_repeat, _lastLength - _repeatPhase), output.Length - w);
                    _last.AsSpan(_repeatPhase, n).CopyTo(output[w..]);
                    w += n;
                    _repeat -= n;
                    _expected += n;
                    _repeatPhase = (_repeatPhase + n) % _lastLength;
                }
                if (_repeat > 0) break; // output full
            }
            if (i >= text.Length) break;
            var rest = text[i..];
            int nl = rest.IndexOf((byte)'\n');
            if (nl < 0 && !final)
            {
                if (rest.Length > MaxLineLength) return Fail(i, w, $"line {_line + 1} is longer than {MaxLineLength} characters: not an xxd or hexdump -C line", out consumed, out written);
                break; // the rest of the line comes with the next read
            }
            var line = nl < 0 ? rest : rest[..nl];
            int lineEnd = nl < 0 ? rest.Length : nl + 1;
            if (line.Length > MaxLineLength) return Fail(i, w, $"line {_line + 1} is longer than {MaxLineLength} characters: not an xxd or hexdump -C line", out consumed, out written);
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
            var trimmed = line.Trim((byte)' ');
            if (trimmed.Length == 0)
            {
                i += lineEnd;
                _line++;
                continue;
            }
            if (trimmed.SequenceEqual("*"u8))
            {
                if (_lastLength == 0) return Fail(i, w, $"line {_line + 1}: '*' (the previous line repeats) before any line of bytes", out consumed, out written);
                _star = true;
                i += lineEnd;
                _line++;
                continue;
            }
            if (ParseLine(line, out long lineOffset, out int count) is { } bad)
                return Fail(i, w, $"line {_line + 1}: {bad}", out consumed, out written);
            if (_star)
            {
                long gap = lineOffset - _expected;
                if (gap <= 0 || gap % _lastLength != 0)
                    return Fail(i, w, string.Create(CultureInfo.InvariantCulture,
                        $"line {_line + 1}: offset 0x{lineOffset:x} after '*' is not a whole number of repeated {_lastLength}-byte lines after 0x{_expected:x}"), out consumed, out written);
                _star = false;
                _repeat = gap;
                _repeatPhase = 0;
                continue; // write the repetition, then this line (not consumed yet)
            }
            if (_expected >= 0 && lineOffset != _expected)
                return Fail(i, w, string.Create(CultureInfo.InvariantCulture,
                    $"line {_line + 1}: offset 0x{lineOffset:x} where 0x{_expected:x} was expected ({(lineOffset > _expected ? "a gap: a line is missing" : "out of order: a line is repeated or moved")})"), out consumed, out written);
            if (count > output.Length - w) break; // no room: this line goes out with the next read
            _lineBytes.AsSpan(0, count).CopyTo(output[w..]);
            w += count;
            _expected = lineOffset + count;
            if (count > 0)
            {
                _lineBytes.AsSpan(0, count).CopyTo(_last);
                _lastLength = count;
            }
            i += lineEnd;
            _line++;
        }
        if (final && i >= text.Length && _repeat == 0 && _star)
            return Fail(i, w, $"the text ends after '*' (line {_line}) without the offset that says how far the repeated line goes", out consumed, out written);
        consumed = i;
        written = w;
        return null;
    }

    private static string? Fail(int i, int w, string message, out int consumed, out int written)
    {
        consumed = i;
        written = w;
        return message;
    }

    /// <summary>Parses one line into <see cref="_lineBytes"/>: the offset, then the hex columns (the ASCII column ignored).</summary>
    private string? ParseLine(ReadOnlySpan<byte> line, out long offset, out int count)
    {
        offset = 0;
        count = 0;
        int i = 0;
        while (i < line.Length && char.IsAsciiHexDigit((char)line[i]))
        {
            if (i >= 15) return "the offset has more than 15 digits";
            offset = offset << 4 | (long)HexValue(line[i]);
            i++;
        }
        if (i == 0) return $"\"{Show(line)}\" does not start with an offset (hex digits)";
        var style = i < line.Length && line[i] == (byte)':' ? Style.Xxd : Style.HexdumpC;
        if (style == Style.Xxd) i++;
        if (_style == Style.Unknown) _style = style;
        else if (_style != style) return $"\"{Show(line)}\" is {(style == Style.Xxd ? "an xxd" : "a hexdump -C")} line in a {(_style == Style.Xxd ? "xxd" : "hexdump -C")} dump";
        if (style == Style.HexdumpC && i < line.Length && line[i] != (byte)' ') return $"\"{Show(line)}\": the offset is not followed by spaces";
        int high = -1;
        while (i < line.Length)
        {
            byte c = line[i];
            if (c == (byte)' ')
            {
                if (high >= 0) return $"an odd number of hex digits in a group at column {i + 1}";
                // xxd: two spaces end the hex columns (the ASCII column follows); hexdump -C: '|' starts it.
                if (style == Style.Xxd && i + 1 < line.Length && line[i + 1] == (byte)' ') break;
                i++;
                continue;
            }
            if (style == Style.HexdumpC && c == (byte)'|') break;
            int v = HexValue(c);
            if (v < 0) return $"'{(c is >= 0x20 and < 0x7F ? (char)c : '?')}' at column {i + 1} is not a hex digit";
            if (high < 0) high = v;
            else
            {
                _lineBytes[count++] = (byte)(high << 4 | v);
                high = -1;
                if (style == Style.HexdumpC && i + 1 < line.Length && line[i + 1] != (byte)' ') return $"column {i + 2}: hexdump -C separates bytes with spaces";
            }
            i++;
        }
        if (high >= 0) return "an odd number of hex digits";
        return null;
    }

    private static string Show(ReadOnlySpan<byte> line)
    {
        var chars = new char[Math.Min(line.Length, 40)];
        for (int i = 0; i < chars.Length; i++) chars[i] = line[i] is >= 0x20 and < 0x7F ? (char)line[i] : '.';
        return line.Length > 40 ? new string(chars) + "..." : new string(chars);
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
