using System.Globalization;
using ApeiKit.Cper;

namespace ApeiKit.Ghes;

/// <summary>
/// What a conversion between a CPER record (UEFI 2.10 N.2.1 Record Header, N.2.2 Section Descriptor) and a Generic Error
/// Status Block (ACPI 6.5 Table 18.11 block header, Table 18.12 Generic Error Data Entry) could not carry: each flag is
/// a field that held a non-default value in the source and has no place in the target framing (see
/// <see cref="CperConversion.LossToErrorStatusBlock"/> and <see cref="CperConversion.LossToCperRecord"/>).
/// </summary>
[Flags]
public enum ConversionLoss
{
    /// <summary>Nothing was lost.</summary>
    None = 0,

    // CPER record -> error status block (a data entry has no record header).
    /// <summary>The record's Platform ID (or its validation bit).</summary>
    PlatformId = 1 << 0,
    /// <summary>The record's Partition ID (or its validation bit).</summary>
    PartitionId = 1 << 1,
    /// <summary>The record's Creator ID.</summary>
    CreatorId = 1 << 2,
    /// <summary>The record's Notification Type.</summary>
    NotificationType = 1 << 3,
    /// <summary>The record's Record ID.</summary>
    RecordId = 1 << 4,
    /// <summary>The record's Flags (recovered, previous error, simulated, ...).</summary>
    RecordFlags = 1 << 5,
    /// <summary>The record's Persistence Information.</summary>
    PersistenceInformation = 1 << 6,
    /// <summary>The record's Revision other than 0x0210 (or its Signature End other than 0xFFFFFFFF).</summary>
    RecordRevision = 1 << 7,
    /// <summary>Non-zero reserved bytes of the record header or a section descriptor.</summary>
    ReservedBytes = 1 << 8,
    /// <summary>A section descriptor's Revision other than 0x0300 (the data entry's revision is its own).</summary>
    SectionRevision = 1 << 9,
    /// <summary>Section flags bits 8-31 (a data entry's flags are 8 bits).</summary>
    SectionFlagsHigh = 1 << 10,
    /// <summary>The record's timestamp: entries before revision 0x300 have none, or its validation bit was clear.</summary>
    Timestamp = 1 << 11,
    /// <summary>Sections whose descriptor points outside the record (no body to carry).</summary>
    OrphanedSections = 1 << 12,
    /// <summary>Non-zero bytes of the record outside its header, descriptors and sections.</summary>
    RecordGapBytes = 1 << 13,

    // Error status block -> CPER record (a record has no block header and one timestamp).
    /// <summary>The block's raw data.</summary>
    RawData = 1 << 16,
    /// <summary>A Block Status other than the one computed from the entries (it is recomputed).</summary>
    BlockStatus = 1 << 17,
    /// <summary>Entry timestamps other than the one that becomes the record's.</summary>
    EntryTimestamps = 1 << 18,
    /// <summary>Entry revisions other than 0x0300.</summary>
    EntryRevision = 1 << 19,
    /// <summary>Bytes between the entries and the raw data, or past the data length.</summary>
    GapBytes = 1 << 20,
}

/// <summary>What a conversion should warn about although nothing was dropped.</summary>
[Flags]
public enum ConversionWarning
{
    /// <summary>Nothing.</summary>
    None = 0,
    /// <summary>
    /// The timestamp carried into the data entries is not BCD (Windows writes binary timestamps); Linux
    /// (<c>cper_estatus_print_section</c>, <c>cper_print_tstamp</c>) reads an entry's timestamp as BCD.
    /// </summary>
    TimestampNotBcd = 1 << 0,
    /// <summary>A binary timestamp was rewritten as BCD (the same instant) for the data entries, as asked (<see cref="CperConversion.TryBcdTimestamp"/>).</summary>
    TimestampRewrittenAsBcd = 1 << 1,
}

/// <summary>
/// Counts, over a run of conversions, how many records (or blocks) lost each field, and words it once per run:
/// <c>10031 records: creator ID, record ID and notification type have no place in an error status block and were dropped</c>.
/// </summary>
public sealed class ConversionLossTally
{
    private readonly Dictionary<ConversionLoss, long> _losses = [];
    private readonly Dictionary<ConversionWarning, long> _warnings = [];

    /// <summary>The target framing: true for error status blocks (CPER in), false for CPER records (blocks in).</summary>
    public ConversionLossTally(bool toErrorStatusBlock) => ToErrorStatusBlock = toErrorStatusBlock;

    /// <summary>Whether the conversion goes to error status blocks.</summary>
    public bool ToErrorStatusBlock { get; }

    /// <summary>How many units were converted.</summary>
    public long Count { get; private set; }

    /// <summary>Adds one converted record or block.</summary>
    public void Add(ConversionLoss loss, ConversionWarning warning = ConversionWarning.None)
    {
        Count++;
        foreach (ConversionLoss flag in Enum.GetValues<ConversionLoss>())
            if (flag != ConversionLoss.None && loss.HasFlag(flag)) _losses[flag] = _losses.GetValueOrDefault(flag) + 1;
        foreach (ConversionWarning flag in Enum.GetValues<ConversionWarning>())
            if (flag != ConversionWarning.None && warning.HasFlag(flag)) _warnings[flag] = _warnings.GetValueOrDefault(flag) + 1;
    }

    /// <summary>How many units lost <paramref name="flag"/>.</summary>
    public long CountOf(ConversionLoss flag) => _losses.GetValueOrDefault(flag);

    /// <summary>How many units carry <paramref name="flag"/>.</summary>
    public long CountOf(ConversionWarning flag) => _warnings.GetValueOrDefault(flag);

    /// <summary>
    /// One sentence per group of fields lost by the same number of units (most first), then the warnings; empty when
    /// nothing was lost.
    /// </summary>
    public IEnumerable<string> Messages()
    {
        string unit = ToErrorStatusBlock ? "record" : "error status block";
        string target = ToErrorStatusBlock ? "an error status block" : "a CPER record";
        foreach (var group in _losses.GroupBy(kv => kv.Value).OrderByDescending(g => g.Key))
        {
            var names = group.OrderBy(kv => (int)kv.Key).Select(kv => Name(kv.Key)).ToList();
            string list = names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1];
            yield return string.Create(CultureInfo.InvariantCulture, $"{group.Key} {unit}{(group.Key == 1 ? "" : "s")}: {list} {(names.Count == 1 && !Plural(group.First().Key) ? "has" : "have")} no place in {target} and {(names.Count == 1 && !Plural(group.First().Key) ? "was" : "were")} dropped");
        }
        if (CountOf(ConversionWarning.TimestampNotBcd) is var n and > 0)
            yield return string.Create(CultureInfo.InvariantCulture, $"warning: {n} {unit}{(n == 1 ? "" : "s")}: the timestamp is not BCD (binary, as Windows writes it); Linux reads a data entry's timestamp as BCD and will show a wrong or no time");
        if (CountOf(ConversionWarning.TimestampRewrittenAsBcd) is var r and > 0)
            yield return string.Create(CultureInfo.InvariantCulture, $"{r} {unit}{(r == 1 ? "" : "s")}: the binary timestamp (as Windows writes it) was rewritten as BCD, the same instant, because Linux reads a data entry's timestamp as BCD");
    }

    private static bool Plural(ConversionLoss flag) => flag is ConversionLoss.ReservedBytes or ConversionLoss.SectionFlagsHigh or ConversionLoss.OrphanedSections
        or ConversionLoss.EntryTimestamps or ConversionLoss.EntryRevision or ConversionLoss.GapBytes or ConversionLoss.RecordFlags
        or ConversionLoss.RecordGapBytes;

    /// <summary>The field's name in messages.</summary>
    public static string Name(ConversionLoss flag) => flag switch
    {
        ConversionLoss.PlatformId => "platform ID",
        ConversionLoss.PartitionId => "partition ID",
        ConversionLoss.CreatorId => "creator ID",
        ConversionLoss.NotificationType => "notification type",
        ConversionLoss.RecordId => "record ID",
        ConversionLoss.RecordFlags => "record flags",
        ConversionLoss.PersistenceInformation => "persistence information",
        ConversionLoss.RecordRevision => "record revision",
        ConversionLoss.ReservedBytes => "non-zero reserved bytes",
        ConversionLoss.SectionRevision => "section descriptor revision",
        ConversionLoss.SectionFlagsHigh => "section flags above bit 7",
        ConversionLoss.Timestamp => "timestamp",
        ConversionLoss.OrphanedSections => "sections outside the record",
        ConversionLoss.RecordGapBytes => "bytes between or after the sections",
        ConversionLoss.RawData => "raw data",
        ConversionLoss.BlockStatus => "block status",
        ConversionLoss.EntryTimestamps => "entry timestamps other than the first",
        ConversionLoss.EntryRevision => "entry revisions other than 0x300",
        ConversionLoss.GapBytes => "bytes between the entries and the raw data",
        _ => flag.ToString(),
    };
}
