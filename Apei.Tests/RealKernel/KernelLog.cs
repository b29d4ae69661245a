using System.Globalization;
using System.Text.RegularExpressions;

namespace ApeiKit.Tests.RealKernel;

/// <summary>One section as Linux printed it (cper_estatus_print_section): its fields by key, its hex dumps by group.</summary>
internal sealed class KernelSection
{
    public List<(string Key, string Value)> Fields { get; } = [];
    public Dictionary<string, List<byte>> Hex { get; } = [];
    public List<string> Lines { get; } = [];
}

/// <summary>One record as Linux printed it: GHES ({N} sequence, source id) or BERT.</summary>
internal sealed class KernelRecord
{
    public int? SourceId { get; set; }
    public List<(string Key, string Value)> Fields { get; } = [];
    public List<KernelSection> Sections { get; } = [];
    public List<string> Lines { get; } = [];
}

/// <summary>Reads what Linux printed for hardware errors out of dmesg (drivers/firmware/efi/cper.c, cper-x86.c, ghes.c, bert.c).</summary>
internal static partial class KernelLog
{
    [GeneratedRegex(@"\[\s*\d+\.\d+\] \{(\d+)\}\[Hardware Error\]: ?(.*)$")]
    private static partial Regex GhesLine();

    [GeneratedRegex(@"(?:^|\x1B\[[0-9;?]*[a-zA-Z]|\s)\[\s*\d+\.\d+\] \[Hardware Error\]: ?(.*)$")]
    private static partial Regex BertLine();

    [GeneratedRegex(@"^([0-9a-f]{8}): ((?:[0-9a-f]{8} ?){1,4})")]
    private static partial Regex HexLine();

    [GeneratedRegex(@"^Hardware error from APEI Generic Hardware Error Source: (\d+)$")]
    private static partial Regex SourceLine();

    [GeneratedRegex(@"^Error (\d+), type: (.*)$")]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"^(Error|Context) Info(rmation)? Structure \d+:$", RegexOptions.IgnoreCase)]
    private static partial Regex TopGroup();

    /// <summary>GHES records, in the order printed.</summary>
    public static List<KernelRecord> Ghes(IEnumerable<string> dmesg)
    {
        var records = new List<List<string>>();
        var current = new Dictionary<int, List<string>>(); // by sequence number: the record its lines go to now
        foreach (var line in dmesg)
        {
            var m = GhesLine().Match(line);
            if (!m.Success) continue;
            int seq = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            string text = m.Groups[2].Value;
            // A block read again (a flash bank that ignores the guest's clear) can be printed again under the same number.
            if (!current.TryGetValue(seq, out var lines) || SourceLine().IsMatch(text.Trim()) && lines.Exists(l => SourceLine().IsMatch(l.Trim())))
            {
                current[seq] = lines = [];
                records.Add(lines);
            }
            lines.Add(text);
        }
        return records.Select(Parse).ToList();
    }

    /// <summary>BERT records (lines without a sequence number and without a "mce: "/"BERT: " prefix), split at "event severity".</summary>
    public static List<KernelRecord> Bert(IEnumerable<string> dmesg)
    {
        var records = new List<List<string>>();
        List<string>? current = null;
        foreach (var line in dmesg)
        {
            var m = BertLine().Match(line);
            if (!m.Success) continue;
            string text = m.Groups[1].Value;
            if (text.StartsWith("It has been corrected", StringComparison.Ordinal) || text.StartsWith("event severity:", StringComparison.Ordinal) && current is not null && current.Exists(l => l.StartsWith("event severity:", StringComparison.Ordinal)))
            {
                current = [];
                records.Add(current);
            }
            if (current is null)
            {
                current = [];
                records.Add(current);
            }
            current.Add(text);
        }
        return records.Select(Parse).ToList();
    }

    private static KernelRecord Parse(List<string> lines)
    {
        var record = new KernelRecord();
        record.Lines.AddRange(lines);
        KernelSection? section = null;
        string? top = null, hexGroup = null, lastKey = null;
        foreach (var raw in lines)
        {
            string line = raw.Trim();
            if (line.Length == 0) continue;
            if (SourceLine().Match(line) is { Success: true } s)
            {
                record.SourceId = int.Parse(s.Groups[1].Value, CultureInfo.InvariantCulture);
                continue;
            }
            if (line.StartsWith("It has been corrected", StringComparison.Ordinal)) continue;
            if (ErrorLine().Match(line) is { Success: true } e)
            {
                section = new KernelSection();
                record.Sections.Add(section);
                section.Fields.Add(($"Error {e.Groups[1].Value}, type", e.Groups[2].Value));
                top = hexGroup = lastKey = null;
                continue;
            }
            var fields = section?.Fields ?? record.Fields;
            section?.Lines.Add(line);
            if (HexLine().Match(line) is { Success: true } h && section is not null)
            {
                string group = (top is null ? "" : top + "/") + (hexGroup ?? "hex");
                if (!section.Hex.TryGetValue(group, out var bytes)) section.Hex[group] = bytes = [];
                foreach (var word in h.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    uint v = uint.Parse(word, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                    bytes.AddRange(BitConverter.GetBytes(v)); // printed as little-endian 32-bit words
                }
                continue;
            }
            if (TopGroup().IsMatch(line))
            {
                top = line.TrimEnd(':');
                hexGroup = null;
                continue;
            }
            if (line.EndsWith(':'))
            {
                hexGroup = line.TrimEnd(':');
                continue;
            }
            int colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
            {
                lastKey = (top is null ? "" : top + "/") + line[..colon];
                fields.Add((lastKey, line[(colon + 2)..]));
                continue;
            }
            if (line.Contains(':', StringComparison.Ordinal))
            {
                // cper_mem_err_location: "node:1 card:2 module:3 ..."
                foreach (var token in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    int c = token.IndexOf(':', StringComparison.Ordinal);
                    if (c > 0) fields.Add((token[..c], token[(c + 1)..]));
                }
                continue;
            }
            // A name printed on its own line under a bit field (processor generic error_type, flags).
            fields.Add(((lastKey ?? "") + ".names", line));
        }
        return record;
    }
}
