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
        return TryParseHeading(Encoding.ASCII.GetString(line), out _, out _);
    }

    /// <summary>Parses every table in the text.</summary>
    /// <exception cref="ApeiContentException">A hex line that does not parse, or whose offset does not follow on; <see cref="ApeiContentException.Offset"/> is the byte offset of the line in the text.</exception>
    public static List<AcpiDumpTable> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tables = new List<AcpiDumpTable>();
        string? name = null;
        ulong address = 0;
        int headingLine = 0;
        var bytes = new List<byte>();
        int lineNo = 0;
        long lineOffset = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNo++;
            long thisOffset = lineOffset;
            lineOffset += rawLine.Length + 1;
            var line = rawLine.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (TryParseHeading(line, out var n, out var a))
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

    private static bool TryParseHeading(string line, out string name, out ulong address)
    {
        name = "";
        address = 0;
        int at = line.IndexOf(" @ ", StringComparison.Ordinal);
        if (at <= 0 || char.IsWhiteSpace(line[0])) return false;
        name = line[..at].Trim();
        if (name.Length is 0 or > 16 || name.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_')) return false;
        var addr = line[(at + 3)..].Trim();
        if (addr.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) addr = addr[2..];
        return ulong.TryParse(addr, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out address);
    }

    private static void ParseHexLine(string line, int lineNo, long textOffset, List<byte> bytes)
    {
        var trimmed = line.TrimStart();
        int colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !int.TryParse(trimmed.AsSpan(0, colon), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int offset))
            throw new ApeiContentException("acpidump text", $"line {lineNo}", textOffset, "'OFFS: xx xx ...' hex line", Quote(line));
        if (offset != bytes.Count)
            throw new ApeiContentException("acpidump text", $"line {lineNo}", textOffset, $"offset 0x{bytes.Count:X4} (following on)", $"0x{offset:X4}");
        // Up to 16 two-digit hex groups separated by single spaces; the ASCII column follows after two or more spaces.
        var rest = trimmed.AsSpan(colon + 1);
        int count = 0;
        int i = 0;
        while (count < 16)
        {
            if (i >= rest.Length || rest[i] != ' ') break;
            if (i + 2 >= rest.Length || !char.IsAsciiHexDigit(rest[i + 1]) || !char.IsAsciiHexDigit(rest[i + 2])) break;
            if (i + 3 < rest.Length && rest[i + 3] != ' ') break;
            bytes.Add(byte.Parse(rest.Slice(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
            count++;
            i += 3;
        }
        if (count == 0)
            throw new ApeiContentException("acpidump text", $"line {lineNo}", textOffset, "1 to 16 hex bytes after the offset", Quote(line));
    }

    private static string Quote(string line) => "\"" + (line.Length > 60 ? line[..60] + "..." : line) + "\"";
}
