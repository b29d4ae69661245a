using System.Buffers;
using System.Buffers.Binary;
using ApeiKit.Cper;
using ApeiKit.Cper.Streaming;

namespace ApeiKit.Cli;

/// <summary>
/// Counts over a stream of CPER records, in one pass through the views (no model, no rendering): records by
/// severity, section type, notification type and creator; memory errors by page and by node/card/module where
/// the platform memory section's validation bits say those fields hold meaning (UEFI 2.10 N.2.5, Table N-31).
/// </summary>
internal sealed class CperStats
{
    /// <summary>Node, card and module of a memory error (-1 where the validation bit is clear).</summary>
    public readonly record struct MemoryLocation(int Node, int Card, int Module);

    public int Files { get; set; }
    public long Records { get; private set; }
    public long Bytes { get; private set; }
    /// <summary>What the inputs' items covered (the framing's own accounting, the same decode and convert report).</summary>
    public StreamAccounting Accounting { get; } = new();
    public long SkippedRanges => Accounting.SkippedRanges;
    public long SkippedBytes => Accounting.SkippedBytes;
    public long Oversized => Accounting.OversizedRecords;
    public long Truncated => Accounting.TruncatedRecords;
    public long Malformed { get; private set; }
    /// <summary>Inputs whose hex or base64 text stopped being valid.</summary>
    public int TextErrors { get; set; }
    public long MemoryErrors { get; private set; }
    public Dictionary<uint, long> Severity { get; } = [];
    public Dictionary<Guid, long> SectionTypes { get; } = [];
    public Dictionary<Guid, long> NotificationTypes { get; } = [];
    public Dictionary<Guid, long> Creators { get; } = [];
    /// <summary>Memory errors by page: exact up to <see cref="PageCapacity"/> distinct pages, then the most frequent ones (bounded memory).</summary>
    public HeavyHitters<ulong> Pages { get; }
    /// <summary>Distinct pages counted exactly (≈10 MB); beyond that <see cref="Pages"/> keeps the heavy hitters.</summary>
    public const int PageCapacity = 1 << 18;

    public CperStats(int pageCapacity = PageCapacity) => Pages = new HeavyHitters<ulong>(pageCapacity);

    public Dictionary<MemoryLocation, long> Locations { get; } = [];
    /// <summary>Memory errors by Module Handle (the DIMM's SMBIOS type 17 handle), where validation bit 17 is set.</summary>
    public Dictionary<ushort, long> Dimms { get; } = [];

    private byte[]? _scratch;

    /// <summary>Counts everything <paramref name="reader"/> returns (CPER records, or error status blocks when <paramref name="blocks"/>); the caller adds the reader's <see cref="CperStreamReader.Accounting"/>.</summary>
    public async Task AddAsync(CperStreamReader reader, bool blocks = false, CancellationToken cancellationToken = default)
    {
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) Add(reader.Current, blocks);
        reader.Complete();
    }

    /// <summary>Counts one stream item: the contents of a record or block (the kinds of items are in the reader's accounting).</summary>
    public void Add(in CperStreamItem item, bool blocks = false)
    {
        if (item.Kind != CperStreamItemKind.Record) return;
        var bytes = item.GetSpan(ref _scratch);
        if (!blocks)
        {
            Add(bytes, item.Offset);
            return;
        }
        try
        {
            var block = ApeiKit.Ghes.ErrorStatusBlock.Decode(bytes, out _, item.Offset);
            AddBlocks([block]);
        }
        catch (ApeiContentException)
        {
            Records++;
            Bytes += bytes.Length;
            Malformed++;
        }
    }

    /// <summary>Counts error status blocks as the CPER records they convert to (one per block).</summary>
    public void AddBlocks(IEnumerable<ApeiKit.Ghes.ErrorStatusBlock> blocks)
    {
        foreach (var block in blocks)
        {
            var record = ApeiKit.Ghes.CperConversion.ToCperRecord(block, Guid.Empty).Encode();
            Add(record, 0);
        }
    }

    /// <summary>Counts one record (the bytes present).</summary>
    public void Add(ReadOnlySpan<byte> record, long offset)
    {
        Records++;
        Bytes += record.Length;
        CperRecordView view;
        try
        {
            view = CperRecordView.ReadPrefix(record, out _, offset);
        }
        catch (ApeiContentException)
        {
            Malformed++;
            return;
        }
        var h = view.Header;
        Increment(Severity, h.Severity);
        Increment(NotificationTypes, h.NotificationType);
        Increment(Creators, h.CreatorId);
        bool malformed = view.DescriptorCount < h.SectionCount;
        for (int i = 0; i < view.DescriptorCount; i++)
        {
            var d = view.GetDescriptor(i);
            var type = d.SectionType;
            Increment(SectionTypes, type);
            ulong end = (ulong)d.SectionOffset + d.SectionLength;
            if (end > (ulong)view.Bytes.Length) { malformed = true; continue; }
            if (type != CperGuids.PlatformMemory || d.SectionLength < 40) continue;
            var body = view.Bytes.Slice((int)d.SectionOffset, (int)d.SectionLength);
            MemoryErrors++;
            ulong valid = BinaryPrimitives.ReadUInt64LittleEndian(body);
            if ((valid & (1 << 1)) != 0) Pages.Add(BinaryPrimitives.ReadUInt64LittleEndian(body[16..]) & ~0xFFFUL);
            if ((valid & (0b111 << 3)) != 0)
            {
                var location = new MemoryLocation(
                    (valid & (1 << 3)) != 0 ? BinaryPrimitives.ReadUInt16LittleEndian(body[32..]) : -1,
                    (valid & (1 << 4)) != 0 ? BinaryPrimitives.ReadUInt16LittleEndian(body[34..]) : -1,
                    (valid & (1 << 5)) != 0 ? BinaryPrimitives.ReadUInt16LittleEndian(body[36..]) : -1);
                Increment(Locations, location);
            }
            if ((valid & (1 << 17)) != 0 && body.Length >= 80) Increment(Dimms, BinaryPrimitives.ReadUInt16LittleEndian(body[78..]));
        }
        if (malformed) Malformed++;
    }

    private static void Increment<TKey>(Dictionary<TKey, long> counts, TKey key) where TKey : notnull
        => System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _)++;
}
