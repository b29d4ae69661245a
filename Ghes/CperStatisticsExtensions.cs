using ApeiKit.Cper.Statistics;
using ApeiKit.Cper.Streaming;

namespace ApeiKit.Ghes;

/// <summary>
/// Counting what this package reads in <see cref="CperStatistics"/>: Generic Error Status Blocks (ACPI 6.5 §18.3.2.7.1),
/// each as the CPER record it converts to (<see cref="CperConversion.ToCperRecord"/>, one record per block, its data
/// entries as sections; a block that does not decode, or does not convert, counts as one malformed record), and the live records of a QEMU
/// acpi-erst store.
/// </summary>
public static class CperStatisticsExtensions
{
    /// <summary>Counts every error status block <paramref name="reader"/> returns (a reader framing blocks, not records) and completes it.</summary>
    /// <param name="statistics">The counts.</param>
    /// <param name="reader">A reader over concatenated error status blocks.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    public static async Task AddBlocksAsync(this CperStatistics statistics, CperStreamReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(reader);
        byte[]? scratch = null;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.Current.Kind != CperStreamItemKind.Record) continue;
            statistics.AddBlock(reader.Current.GetSpan(ref scratch), reader.Current.Offset);
        }
        reader.Complete();
        statistics.Accounting.Add(reader.Accounting);
    }

    /// <summary>Counts one error status block.</summary>
    /// <param name="statistics">The counts.</param>
    /// <param name="block">The block's bytes.</param>
    /// <param name="offset">Its absolute offset in the input.</param>
    public static void AddBlock(this CperStatistics statistics, ReadOnlySpan<byte> block, long offset)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ErrorStatusBlock decoded;
        try
        {
            decoded = ErrorStatusBlock.Decode(block, out _, offset, statistics.Options);
        }
        catch (ApeiContentException)
        {
            statistics.AddMalformed(block.Length);
            return;
        }
        Count(statistics, decoded, block.Length);
    }

    // Counts a decoded block as the CPER record it converts to, or as one malformed record of malformedLength bytes.
    private static void Count(CperStatistics statistics, ErrorStatusBlock block, int malformedLength)
    {
        byte[] record;
        try
        {
            record = ToRecord(block);
        }
        catch (ApeiContentException)
        {
            statistics.AddMalformed(malformedLength);
            return;
        }
        statistics.Add(record, 0);
    }

    // The block as the CPER record it converts to. Decoding a block is lenient where a CPER record is not (an entry's
    // Error Severity past 3 decodes, UEFI 2.10 N.2.2 refuses it in a section descriptor): the conversion's own checks
    // throw ApeiContentException then, and the block counts as malformed like one that does not decode.
    private static byte[] ToRecord(ErrorStatusBlock block) => CperConversion.ToCperRecord(block, Guid.Empty).Encode();

    /// <summary>Counts decoded error status blocks (a BERT region's, say).</summary>
    /// <param name="statistics">The counts.</param>
    /// <param name="blocks">The blocks.</param>
    public static void AddBlocks(this CperStatistics statistics, IEnumerable<ErrorStatusBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(blocks);
        foreach (var block in blocks) Count(statistics, block, block.GetEncodedLength());
    }

    /// <summary>
    /// Counts the live records of a QEMU acpi-erst store (cleared records are deleted: a decode shows them, statistics do
    /// not count them); a live slot that holds no CPER record counts as a malformed record (its first 128 bytes).
    /// </summary>
    /// <param name="statistics">The counts.</param>
    /// <param name="store">The store.</param>
    public static void AddStore(this CperStatistics statistics, ErstStoreView store)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        for (int i = store.FirstRecordSlot; i < store.SlotCount; i++)
        {
            if (store.StateOf(i) != ErstSlotState.Live) continue;
            var record = store.RecordIn(i);
            statistics.Add(record.IsEmpty ? store.Slot(i)[..Math.Min(128, store.Slot(i).Length)] : record, store.SlotOffset(i));
        }
    }
}
