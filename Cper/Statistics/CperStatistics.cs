using System.Runtime.InteropServices;
using ApeiKit.Cper.Streaming;

namespace ApeiKit.Cper.Statistics;

/// <summary>
/// Counts over CPER records, in one pass through the views (no model, no rendering, nothing kept per record): records
/// by severity, section type, notification type and creator; memory errors by page, by node/card/module and by DIMM
/// where the platform memory section's validation bits say those fields hold meaning (UEFI 2.10 N.2.5, Table N-31).
/// What <c>apeikit stats</c> prints; error status blocks are counted through <c>ApeiKit.Ghes.CperStatisticsBlocks</c>.
/// Not thread-safe: one instance per counting thread.
/// </summary>
public sealed class CperStatistics
{
    /// <summary>Node, card and module of a memory error (-1 where the validation bit is clear).</summary>
    /// <param name="Node">Node (validation bit 3), or -1.</param>
    /// <param name="Card">Card (validation bit 4), or -1.</param>
    /// <param name="Module">Module (validation bit 5), or -1.</param>
    public readonly record struct MemoryLocation(int Node, int Card, int Module);

    /// <summary>Distinct pages counted exactly by default (about 10 MB); beyond that <see cref="Pages"/> keeps the heavy hitters.</summary>
    public const int DefaultPageCapacity = 1 << 18;

    // A platform memory error section shorter than this (the fields up to the module) is not counted as a memory error.
    private const int MemoryMinimum = 40;

    private readonly Dictionary<uint, long> _severity = [];
    private readonly Dictionary<Guid, long> _sectionTypes = [];
    private readonly Dictionary<Guid, long> _notificationTypes = [];
    private readonly Dictionary<Guid, long> _creators = [];
    private readonly Dictionary<MemoryLocation, long> _locations = [];
    private readonly Dictionary<ushort, long> _dimms = [];
    private byte[]? _scratch;

    /// <summary>Creates empty counts that keep at most <paramref name="pageCapacity"/> distinct pages exactly.</summary>
    /// <param name="pageCapacity">Distinct pages counted exactly (bounded memory; see <see cref="HeavyHitters{TKey}"/>).</param>
    public CperStatistics(int pageCapacity = DefaultPageCapacity) => Pages = new HeavyHitters<ulong>(pageCapacity);

    /// <summary>The decode options records are read with (the limits on RecordLength and SectionCount); default <see cref="CperDecodeOptions.Default"/>.</summary>
    public CperDecodeOptions Options { get; init; } = CperDecodeOptions.Default;

    /// <summary>Records counted (well-formed or not).</summary>
    public long Records { get; private set; }
    /// <summary>Bytes of the records counted.</summary>
    public long Bytes { get; private set; }
    /// <summary>Records whose header could not be read, whose descriptors or sections lie outside the record, or that
    /// hold fewer descriptors than the header's section count.</summary>
    public long Malformed { get; private set; }
    /// <summary>Platform memory error sections counted.</summary>
    public long MemoryErrors { get; private set; }
    /// <summary>What the inputs' framings covered (add each reader's <see cref="CperStreamReader.Accounting"/>).</summary>
    public StreamAccounting Accounting { get; } = new();
    /// <summary>Records by header severity (UEFI N.2.1: 0 recoverable, 1 fatal, 2 corrected, 3 informational).</summary>
    public IReadOnlyDictionary<uint, long> Severity => _severity;
    /// <summary>Sections by section type GUID.</summary>
    public IReadOnlyDictionary<Guid, long> SectionTypes => _sectionTypes;
    /// <summary>Records by notification type GUID.</summary>
    public IReadOnlyDictionary<Guid, long> NotificationTypes => _notificationTypes;
    /// <summary>Records by creator GUID.</summary>
    public IReadOnlyDictionary<Guid, long> Creators => _creators;
    /// <summary>Memory errors by 4 KiB page (validation bit 1): exact up to the page capacity, then the most frequent pages.</summary>
    public HeavyHitters<ulong> Pages { get; }
    /// <summary>Memory errors by node/card/module, where any of validation bits 3-5 is set.</summary>
    public IReadOnlyDictionary<MemoryLocation, long> Locations => _locations;
    /// <summary>Memory errors by Module Handle (the DIMM's SMBIOS type 17 handle), where validation bit 17 is set.</summary>
    public IReadOnlyDictionary<ushort, long> Dimms => _dimms;

    /// <summary>Counts every record <paramref name="reader"/> returns and completes it; the reader's accounting is added.</summary>
    /// <param name="reader">A reader over concatenated CPER records.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    public async Task AddAsync(CperStreamReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) Add(reader.Current);
        reader.Complete();
        Accounting.Add(reader.Accounting);
    }

    /// <summary>Counts one stream item when it is a record (other kinds are in the reader's accounting).</summary>
    /// <param name="item">The item, valid until the reader moves on.</param>
    public void Add(in CperStreamItem item)
    {
        if (item.Kind != CperStreamItemKind.Record) return;
        Add(item.GetSpan(ref _scratch), item.Offset);
    }

    /// <summary>Counts something that should have been a record but is not one (an error status block that does not
    /// decode, say): one malformed record of <paramref name="bytes"/> bytes.</summary>
    /// <param name="bytes">How many bytes it occupied.</param>
    public void AddMalformed(long bytes)
    {
        Records++;
        Bytes += bytes;
        Malformed++;
    }

    /// <summary>Counts one record (the bytes present; a record cut short counts as malformed where it matters).</summary>
    /// <param name="record">The record's bytes.</param>
    /// <param name="offset">Its absolute offset in the input (for error positions).</param>
    public void Add(ReadOnlySpan<byte> record, long offset)
    {
        Records++;
        Bytes += record.Length;
        CperRecordView view;
        try
        {
            view = CperRecordView.ReadPrefix(record, out _, offset, Options);
        }
        catch (ApeiContentException)
        {
            Malformed++;
            return;
        }
        var h = view.Header;
        Increment(_severity, h.Severity);
        Increment(_notificationTypes, h.NotificationType);
        Increment(_creators, h.CreatorId);
        bool malformed = view.DescriptorCount < h.SectionCount;
        for (int i = 0; i < view.DescriptorCount; i++)
        {
            var d = view.GetDescriptor(i);
            var type = d.SectionType;
            Increment(_sectionTypes, type);
            ulong end = (ulong)d.SectionOffset + d.SectionLength;
            if (end > (ulong)view.Bytes.Length) { malformed = true; continue; }
            if (type != CperGuids.PlatformMemory || d.SectionLength < MemoryMinimum) continue;
            if (!MemoryErrorSectionView.TryRead(view.Bytes.Slice((int)d.SectionOffset, (int)d.SectionLength), out var memory)) continue;
            MemoryErrors++;
            if (memory.HasPhysicalAddress) Pages.Add(memory.PhysicalAddress & ~0xFFFUL);
            if (memory.HasNode || memory.HasCard || memory.HasModule)
                Increment(_locations, new MemoryLocation(memory.HasNode ? memory.Node : -1, memory.HasCard ? memory.Card : -1, memory.HasModule ? memory.Module : -1));
            if (memory.HasModuleHandle) Increment(_dimms, memory.ModuleHandle);
        }
        if (malformed) Malformed++;
    }

    private static void Increment<TKey>(Dictionary<TKey, long> counts, TKey key) where TKey : notnull
        => CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _)++;
}
