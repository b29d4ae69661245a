using System.Globalization;
using System.Text;

namespace ApeiKit;

/// <summary>One table found in <c>acpidump</c> text output.</summary>
/// <param name="Name">The name on the table's heading line (normally the signature, e.g. <c>HEST</c>; <c>SSDT1</c> style suffixes are kept).</param>
/// <param name="Address">The physical address on the heading line (0 when acpidump did not know it).</param>
/// <param name="Bytes">The table bytes, reassembled from the hex lines.</param>
/// <param name="Line">1-based line number of the heading in the text.</param>
public sealed record AcpiDumpTable(string Name, ulong Address, byte[] Bytes, int Line)
{
    /// <summary>The 4-character signature: the first four bytes when they are printable, else the name's first four characters.</summary>
    public string Signature => Bytes.Length >= 4 && Bytes.AsSpan(0, 4).IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) < 0
        ? Encoding.ASCII.GetString(Bytes, 0, 4)
        : Name.Length >= 4 ? Name[..4] : Name;
}

/// <summary>
/// Reads the text that ACPICA's <c>acpidump</c> prints (and <c>fwts</c> stores): for each table a heading
/// <c>NAME @ 0xADDRESS</c>, then lines <c>  OFFS: xx xx ... xx  ascii</c> of up to 16 bytes, a blank line
/// between tables. Offsets must follow on from the previous line; gaps and overlaps are content errors.
/// </summary>
public static class AcpiDumpText
{
    /// <summary>True when <paramref name="text"/> starts (after blank lines) with an acpidump heading line.</summary>
    public static bool LooksLikeAcpiDump(ReadOnlySpan<byte> text)
    {
        int i = 0;
        while (i < text.Length && text[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i++;
        int end = text[i..].IndexOf((byte)'\n');
        var line = (end < 0 ? text[i..] : text.Slice(i, end)).TrimEnd((byte)'\r');
        if (line.Length > 200 || line.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) >= 0) return false;
        return TryParseHeading(line, out _, out _);
    }

    /// <summary>Parses every table in the text.</summary>
    /// <exception cref="ApeiContentException">A hex line that does not parse, or whose offset does not follow on; <see cref="ApeiContentException.Offset"/> is the byte offset of the line in the text.</exception>
    public static List<AcpiDumpTable> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(Encoding.ASCII.GetBytes(text));
    }

    /// <summary>
    /// Parses every table in the text as bytes (ASCII), line by line over the input without copying it: memory is the
    /// tables' bytes (a third of the hex text) plus a constant; a 50 MB line costs no more than 50 MB of short ones.
    /// </summary>
    /// <exception cref="ApeiContentException">A hex line that does not parse, or whose offset does not follow on; <see cref="ApeiContentException.Offset"/> is the byte offset of the line in the text.</exception>
    public static List<AcpiDumpTable> Parse(ReadOnlySpan<byte> text)
    {
        var tables = new List<AcpiDumpTable>();
        string? name = null;
        ulong address = 0;
        int headingLine = 0;
        var bytes = new List<byte>();
        int lineNo = 0;
        long lineOffset = 0;
        while (lineOffset <= text.Length)
        {
            lineNo++;
            long thisOffset = lineOffset;
            var rest = text[(int)lineOffset..];
            int nl = rest.IndexOf((byte)'\n');
            var rawLine = nl < 0 ? rest : rest[..nl];
            lineOffset += rawLine.Length + 1;
            var line = rawLine.TrimEnd((byte)'\r');
            if (line.Trim(Space).IsEmpty) continue;
            if (line.Length <= MaxHeadingLength && TryParseHeading(line, out var n, out var a))
            {
                Flush();
                name = n;
                address = a;
                headingLine = lineNo;
                continue;
            }
            if (name is null)
                throw new ApeiContentException("acpidump text", $"line {lineNo}", thisOffset, "a heading 'NAME @ 0xADDRESS'", Quote(line));
            ParseHexLine(line, lineNo, thisOffset, bytes);
        }
        Flush();
        return tables;

        void Flush()
        {
            if (name is not null) tables.Add(new AcpiDumpTable(name, address, [.. bytes], headingLine));
            bytes.Clear();
            name = null;
        }
    }

    // A heading is "NAME @ 0x" and 16 hex digits at most, with some spaces: longer lines are not read as one.
    private const int MaxHeadingLength = 200;

    private static bool TryParseHeading(ReadOnlySpan<byte> line, out string name, out ulong address)
    {
        name = "";
        address = 0;
        int at = line.IndexOf(" @ "u8);
        if (at <= 0 || IsSpace(line[0])) return false;
        var n = line[..at].Trim(Space);
        if (n.Length is 0 or > 16 || n.ContainsAnyExcept(NameChars)) return false;
        var addr = line[(at + 3)..].Trim(Space);
        if (addr.Length >= 2 && addr[0] == '0' && (addr[1] | 0x20) == 'x') addr = addr[2..];
        if (!ulong.TryParse(addr, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out address)) return false;
        name = Encoding.ASCII.GetString(n);
        return true;
    }

    private static ReadOnlySpan<byte> Space => " \t\r\n\f\v"u8;
    private static bool IsSpace(byte b) => Space.Contains(b);
    private static readonly System.Buffers.SearchValues<byte> NameChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"u8);

    private static void ParseHexLine(ReadOnlySpan<byte> line, int lineNo, long textOffset, List<byte> bytes)
    {
        var trimmed = line.TrimStart(" \t"u8);
        int colon = trimmed.IndexOf((byte)':');
        if (colon <= 0 || !int.TryParse(trimmed[..colon], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int offset))
            throw new ApeiContentException("acpidump text", $"line {lineNo}", textOffset, "'OFFS: xx xx ...' hex line", Quote(line));
        if (offset != bytes.Count)
            throw new ApeiContentException("acpidump text", $"line {lineNo}", textOffset, $"offset 0x{bytes.Count:X4} (following on)", $"0x{offset:X4}");
        // Up to 16 two-digit hex groups separated by single spaces; the ASCII column follows after two or more spaces.
        var rest = trimmed[(colon + 1)..];
        int count = 0;
        int i = 0;
        while (count < 16)
        {
            if (i >= rest.Length || rest[i] != ' ') break;
            if (i + 2 >= rest.Length || !char.IsAsciiHexDigit((char)rest[i + 1]) || !char.IsAsciiHexDigit((char)rest[i + 2])) break;
            if (i + 3 < rest.Length && rest[i + 3] != ' ') break;
            bytes.Add((byte)(HexValue(rest[i + 1]) << 4 | HexValue(rest[i + 2])));
            count++;
            i += 3;
        }
        if (count == 0)
            throw new ApeiContentException("acpidump text", $"line {lineNo}", textOffset, "1 to 16 hex bytes after the offset", Quote(line));
    }

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static string Quote(ReadOnlySpan<byte> line) => "\"" + (line.Length > 60 ? Encoding.ASCII.GetString(line[..60]) + "..." : Encoding.ASCII.GetString(line)) + "\"";

}
