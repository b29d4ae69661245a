namespace ApeiKit;

/// <summary>Forwards a walk to another visitor and keeps the content errors reported on the way.</summary>
public sealed class ErrorCollector(StructureVisitor inner) : ForwardingVisitor(inner)
{
    // Reported errors by reference: the same exception reported twice (a describer that reports, then a caller that
    // reports what it caught) is kept once. A set, not List.Contains: a block of 100,000 bad entries reports 100,000 errors.
    private readonly HashSet<ApeiContentException> _seen = new(ReferenceEqualityComparer.Instance);

    /// <summary>The errors reported so far, each exception once, in the order reported.</summary>
    public List<ApeiContentException> Errors { get; } = [];

    /// <summary>Passes whole layouts on (the inner visitor sees what it would see without the collector; a layout reports no errors).</summary>
    protected override bool ForwardsLayouts => true;

    /// <inheritdoc/>
    protected override void OnError(ApeiContentException error)
    {
        if (_seen.Add(error)) Errors.Add(error);
        Inner.Error(error);
    }
}

/// <summary>
/// Turns a list of content errors into the lines to print, with repeats capped: errors that differ only in their
/// offset (same structure, field, expected and found) are listed <c>maxAlike</c> times, and the rest of them become
/// one line "... and N more like this". A block of 100,000 identical bad entries prints a handful of lines, not 100,000.
/// </summary>
public static class ErrorListing
{
    /// <summary>How many errors of one kind are listed by default before the rest are counted.</summary>
    public const int DefaultMaxAlike = 3;

    /// <summary>The lines for <paramref name="errors"/> (each error's message, then one count line per capped kind), in the order first reported.</summary>
    public static List<string> Lines(IEnumerable<ApeiContentException> errors, int maxAlike = DefaultMaxAlike)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAlike, 1);
        var lines = new List<string>();
        var counts = new Dictionary<(string, string?, string?, string?), int>();
        var order = new List<(ApeiContentException First, (string, string?, string?, string?) Key)>();
        foreach (var e in errors)
        {
            var key = (e.Structure, e.Field, e.Expected, e.Found);
            ref int n = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out bool existed);
            if (!existed) order.Add((e, key));
            if (++n <= maxAlike) lines.Add(e.Message);
        }
        foreach (var (first, key) in order)
        {
            int n = counts[key];
            if (n > maxAlike)
                lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"... and {n - maxAlike} more like this ({first.Structure}{(first.Field is null ? "" : ", " + first.Field)}: expected {first.Expected}, found {first.Found}), {n} in all"));
        }
        return lines;
    }
}
