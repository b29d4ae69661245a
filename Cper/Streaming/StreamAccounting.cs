using System.Globalization;

namespace ApeiKit.Cper.Streaming;

/// <summary>
/// What the items of a framed stream cover, kept as they are read: every byte of the input lies in exactly one item
/// (a record, a record cut short, an oversized record, skipped bytes or zero padding), and the items follow each
/// other without gaps or overlaps. <see cref="CperStreamReader.Accounting"/> keeps one; <c>decode</c>, <c>stats</c> and
/// <c>convert</c> report from it, so they give the same counts for the same input.
/// </summary>
public sealed class StreamAccounting
{
    /// <summary>Whole records (not cut short).</summary>
    public long Records { get; private set; }
    /// <summary>Records cut short (by the end of the input, or where the next record starts inside them).</summary>
    public long TruncatedRecords { get; private set; }
    /// <summary>Records whose header declares more than the record size limit (reported, bytes skipped unread).</summary>
    public long OversizedRecords { get; private set; }
    /// <summary>Ranges of bytes that are not records (not counting zero padding).</summary>
    public long SkippedRanges { get; private set; }
    /// <summary>Bytes in <see cref="SkippedRanges"/>.</summary>
    public long SkippedBytes { get; private set; }
    /// <summary>Ranges of zero bytes between or after records.</summary>
    public long PaddingRanges { get; private set; }
    /// <summary>Bytes in <see cref="PaddingRanges"/>.</summary>
    public long PaddingBytes { get; private set; }
    /// <summary>Bytes in records (whole and cut short).</summary>
    public long RecordBytes { get; private set; }
    /// <summary>Bytes in oversized records (those present in the input).</summary>
    public long OversizedBytes { get; private set; }
    /// <summary>Bytes covered by items so far: the end of the last item.</summary>
    public long Bytes { get; private set; }
    /// <summary>False when an item did not start where the previous one ended (a framing bug: never expected).</summary>
    public bool IsContiguous { get; private set; } = true;

    /// <summary>Records of every kind: whole, cut short and oversized.</summary>
    public long AllRecords => Records + TruncatedRecords + OversizedRecords;

    /// <summary>True when anything was cut short, oversized or skipped.</summary>
    public bool HasProblems => TruncatedRecords + OversizedRecords + SkippedRanges > 0;

    /// <summary>Counts one item.</summary>
    public void Add(in CperStreamItem item)
    {
        if (item.Offset != Bytes) IsContiguous = false;
        Bytes = item.Offset + item.Length;
        switch (item.Kind)
        {
            case CperStreamItemKind.Record:
                if (item.IsTruncated) TruncatedRecords++; else Records++;
                RecordBytes += item.Length;
                break;
            case CperStreamItemKind.Oversized:
                OversizedRecords++;
                OversizedBytes += item.Length;
                break;
            default:
                if (item.IsAllZero) { PaddingRanges++; PaddingBytes += item.Length; }
                else { SkippedRanges++; SkippedBytes += item.Length; }
                break;
        }
    }

    /// <summary>Adds another input's counts (several files).</summary>
    public void Add(StreamAccounting other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Records += other.Records;
        TruncatedRecords += other.TruncatedRecords;
        OversizedRecords += other.OversizedRecords;
        SkippedRanges += other.SkippedRanges;
        SkippedBytes += other.SkippedBytes;
        PaddingRanges += other.PaddingRanges;
        PaddingBytes += other.PaddingBytes;
        RecordBytes += other.RecordBytes;
        OversizedBytes += other.OversizedBytes;
        Bytes += other.Bytes;
        IsContiguous &= other.IsContiguous;
    }

    /// <summary>One line: "12 records (1 cut short, 0 oversized), 1 skipped range (24 bytes), 0 bytes of padding, in 4096 bytes", with <paramref name="noun"/> for records.</summary>
    public string Summary(string noun = "record")
    {
        var ci = CultureInfo.InvariantCulture;
        long all = AllRecords;
        return string.Create(ci, $"{all} {noun}{(all == 1 ? "" : "s")} ({TruncatedRecords} cut short, {OversizedRecords} oversized), {SkippedRanges} skipped range{(SkippedRanges == 1 ? "" : "s")} ({SkippedBytes} bytes), {PaddingBytes} bytes of zero padding, in {Bytes} bytes");
    }
}
