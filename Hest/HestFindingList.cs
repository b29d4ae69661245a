using System.Globalization;
using System.Runtime.CompilerServices;

namespace ApeiKit.Hest;

/// <summary>
/// The findings <see cref="HestValidator"/> collects: at most <c>maxPerRule</c> of one rule and severity are listed,
/// the rest are counted and stand as one summary finding (<see cref="HestFinding.Omitted"/>). A message for a
/// finding that will not be listed is never formatted (<see cref="HestFindingMessage"/>), so a hostile table of
/// thousands of tiny broken structures costs a counter per finding, not a string.
/// </summary>
internal sealed class HestFindingList(int maxPerRule, string table = "HEST")
{
    private readonly List<HestFinding> _listed = [];
    private readonly Dictionary<(string Rule, FindingSeverity Severity), (int Count, long FirstOmittedOffset)> _counts = [];

    /// <summary>Counts one finding of <paramref name="rule"/>; true when it is to be listed.</summary>
    public bool Take(FindingSeverity severity, string rule, long offset)
    {
        var key = (rule, severity);
        var (count, first) = _counts.GetValueOrDefault(key, (0, -1));
        count++;
        if (count > maxPerRule && first < 0) first = offset;
        _counts[key] = (count, first);
        return count <= maxPerRule;
    }

    /// <summary>Adds a finding whose message is formatted only when it is listed.</summary>
    public void Add(FindingSeverity severity, string rule, long offset, string structure, string? field,
        [InterpolatedStringHandlerArgument("", "severity", "rule", "offset")] ref HestFindingMessage message)
    {
        if (message.Enabled) _listed.Add(new(severity, rule, offset, structure, field, message.ToStringAndClear()));
    }

    /// <summary>Adds a finding with a fixed message.</summary>
    public void Add(FindingSeverity severity, string rule, long offset, string structure, string? field, string message)
    {
        if (Take(severity, rule, offset)) _listed.Add(new(severity, rule, offset, structure, field, message));
    }

    /// <summary>The listed findings and one summary per rule that went over the cap, ordered by offset.</summary>
    public List<HestFinding> ToList()
    {
        var all = new List<HestFinding>(_listed);
        foreach (var ((rule, severity), (count, first)) in _counts)
        {
            if (count <= maxPerRule) continue;
            int omitted = count - maxPerRule;
            all.Add(new(severity, rule, first, table, null, string.Create(CultureInfo.InvariantCulture,
                $"{omitted} more {(severity == FindingSeverity.Error ? "error" : "warning")}(s) of this rule from this offset on are not listed (only the first {maxPerRule} are)"))
            { Omitted = omitted });
        }
        return [.. all.OrderBy(x => x.Offset)];
    }
}

/// <summary>
/// Interpolated string handler for <see cref="HestFindingList.Add(FindingSeverity, string, long, string, string?, ref HestFindingMessage)"/>:
/// counts the finding and formats its message (invariant culture) only when the finding will be listed.
/// </summary>
[InterpolatedStringHandler]
internal ref struct HestFindingMessage
{
    private DefaultInterpolatedStringHandler _inner;

    public HestFindingMessage(int literalLength, int formattedCount, HestFindingList list, FindingSeverity severity, string rule, long offset, out bool enabled)
    {
        Enabled = enabled = list.Take(severity, rule, offset);
        _inner = enabled ? new DefaultInterpolatedStringHandler(literalLength, formattedCount, CultureInfo.InvariantCulture) : default;
    }

    /// <summary>Whether the message is being formatted (the finding will be listed).</summary>
    public bool Enabled { get; }

    public void AppendLiteral(string value) => _inner.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _inner.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => _inner.AppendFormatted(value, format);

    public void AppendFormatted(ReadOnlySpan<char> value) => _inner.AppendFormatted(value);

    public void AppendFormatted(string? value) => _inner.AppendFormatted(value);

    public string ToStringAndClear() => _inner.ToStringAndClear();
}
