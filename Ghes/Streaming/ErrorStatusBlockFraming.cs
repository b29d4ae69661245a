using System.Buffers;
using System.Buffers.Binary;
using ApeiKit.Cper.Streaming;

namespace ApeiKit.Ghes.Streaming;

/// <summary>
/// Framing of a sequence of Generic Error Status Blocks (ACPI 6.5 Table 18.11) for
/// <see cref="CperStreamReader"/>: a 20-byte header, the block's length from Data Length (or Raw Data Offset +
/// Raw Data Length when raw data is present), no signature (resynchronising tries every offset). The same framing
/// walks BERT boot error regions (<see cref="BootErrorRegion"/>), which are such sequences.
/// </summary>
public sealed class ErrorStatusBlockFraming : RecordFraming
{
    /// <summary>The one instance.</summary>
    public static ErrorStatusBlockFraming Instance { get; } = new();

    private ErrorStatusBlockFraming() { }

    /// <inheritdoc/>
    public override int HeaderSize => GenericErrorStatus.BlockHeaderSize;

    /// <inheritdoc/>
    public override ReadOnlySpan<byte> Signature => default;

    /// <inheritdoc/>
    public override FrameCheck Check(ReadOnlySpan<byte> header, out long length, out string? problem)
    {
        uint status = BinaryPrimitives.ReadUInt32LittleEndian(header);
        uint severity = BinaryPrimitives.ReadUInt32LittleEndian(header[GenericErrorStatus.BlockSeverityOffset..]);
        length = (long)Math.Max(GenericErrorStatus.BlockLength(header), (ulong)GenericErrorStatus.BlockHeaderSize);
        if ((status & GenericErrorStatus.BlockStatusReservedMask) != 0)
        {
            problem = $"Block Status 0x{status:X8} has reserved bits set";
            return FrameCheck.Corrupt;
        }
        if (severity > 3)
        {
            problem = $"Error Severity {severity} (0-3)";
            return FrameCheck.Corrupt;
        }
        problem = null;
        return FrameCheck.Ok;
    }

    /// <inheritdoc/>
    /// <remarks>A non-empty status with reserved bits clear, severity 0-3, a Data Length that holds at least one entry header, a length within the limit.</remarks>
    public override bool IsPlausible(ReadOnlySpan<byte> header, long maxRecordSize)
    {
        uint status = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (status == 0 || (status & GenericErrorStatus.BlockStatusReservedMask) != 0) return false;
        uint severity = BinaryPrimitives.ReadUInt32LittleEndian(header[GenericErrorStatus.BlockSeverityOffset..]);
        uint dataLength = BinaryPrimitives.ReadUInt32LittleEndian(header[GenericErrorStatus.DataLengthOffset..]);
        if (severity > 3 || dataLength < GenericErrorStatus.EntryHeaderSize) return false;
        ulong length = GenericErrorStatus.BlockLength(header);
        return length >= GenericErrorStatus.BlockHeaderSize + (ulong)dataLength && length <= (ulong)maxRecordSize;
    }

    /// <inheritdoc/>
    public override bool IsRecordPrefix(ReadOnlySpan<byte> tail) => false;

    /// <inheritdoc/>
    /// <remarks>
    /// Blocks carry no signature, so a candidate must pass more than <see cref="IsPlausible"/>: its entries (ACPI 6.5
    /// Table 18.12: revision major at most 3, severity 0-3, header and Error Data Length inside Data Length) must tile its
    /// Data Length exactly, and it must not lie wholly inside the data of one of the block's own entries (entries whose
    /// headers come before the candidate).
    /// </remarks>
    public override BreakSearch FindBreak(in ReadOnlySequence<byte> record, long recordOffset, long declaredLength, ref long searchFrom, long searchTo, bool endOfStream, long maxRecordSize, out long breakAt)
    {
        breakAt = 0;
        Span<byte> scratch = stackalloc byte[GenericErrorStatus.EntryHeaderSizeWithTimestamp];
        for (long p = Math.Max(searchFrom, GenericErrorStatus.BlockHeaderSize - recordOffset); p < searchTo; p++)
        {
            if (record.Length - p < GenericErrorStatus.BlockHeaderSize)
            {
                if (endOfStream) break;
                searchFrom = p;
                return BreakSearch.NeedMore;
            }
            var header = Slice(record, p, GenericErrorStatus.BlockHeaderSize, scratch);
            if (!IsPlausible(header, maxRecordSize)) continue;
            long candidateLength = (long)GenericErrorStatus.BlockLength(header);
            uint dataLength = BinaryPrimitives.ReadUInt32LittleEndian(header[GenericErrorStatus.DataLengthOffset..]);
            switch (EntriesTile(record, p, dataLength, endOfStream, scratch))
            {
                case Tiling.NeedMore:
                    searchFrom = p;
                    return BreakSearch.NeedMore;
                case Tiling.No:
                    continue;
            }
            if (recordOffset == 0 && InsideOwnEntry(record, p, candidateLength, scratch)) continue;
            breakAt = p;
            return BreakSearch.Found;
        }
        searchFrom = Math.Max(searchFrom, searchTo);
        return BreakSearch.None;
    }

    private enum Tiling { Yes, No, NeedMore }

    /// <summary>Whether the entries of a candidate block at <paramref name="at"/> tile its Data Length (as far as the bytes go at the end of the stream).</summary>
    private static Tiling EntriesTile(in ReadOnlySequence<byte> bytes, long at, uint dataLength, bool endOfStream, Span<byte> scratch)
    {
        long pos = at + GenericErrorStatus.BlockHeaderSize, end = pos + dataLength;
        while (pos < end)
        {
            if (bytes.Length - pos < GenericErrorStatus.EntryHeaderSize)
                return endOfStream ? (pos == at + GenericErrorStatus.BlockHeaderSize ? Tiling.No : Tiling.Yes) : Tiling.NeedMore;
            var entry = Slice(bytes, pos, GenericErrorStatus.EntryHeaderSize, scratch);
            ushort revision = BinaryPrimitives.ReadUInt16LittleEndian(entry[GenericErrorStatus.RevisionOffset..]);
            uint severity = BinaryPrimitives.ReadUInt32LittleEndian(entry[GenericErrorStatus.EntrySeverityOffset..]);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(entry[GenericErrorStatus.ErrorDataLengthOffset..]);
            if (revision >> 8 > 3 || severity > 3) return Tiling.No;
            long next = pos + GenericErrorStatus.EntryHeaderSizeFor(revision) + (long)length;
            if (next > end) return Tiling.No;
            pos = next;
        }
        return Tiling.Yes;
    }

    /// <summary>True when [p, p + length) lies inside the data of one entry of the block at 0 whose header precedes p.</summary>
    private static bool InsideOwnEntry(in ReadOnlySequence<byte> record, long p, long length, Span<byte> scratch)
    {
        var header = Slice(record, 0, GenericErrorStatus.BlockHeaderSize, scratch);
        long pos = GenericErrorStatus.BlockHeaderSize, end = pos + BinaryPrimitives.ReadUInt32LittleEndian(header[GenericErrorStatus.DataLengthOffset..]);
        while (pos < end && pos + GenericErrorStatus.EntryHeaderSize <= p)
        {
            var entry = Slice(record, pos, GenericErrorStatus.EntryHeaderSize, scratch);
            ushort revision = BinaryPrimitives.ReadUInt16LittleEndian(entry[GenericErrorStatus.RevisionOffset..]);
            long dataStart = pos + GenericErrorStatus.EntryHeaderSizeFor(revision);
            long dataEnd = dataStart + BinaryPrimitives.ReadUInt32LittleEndian(entry[GenericErrorStatus.ErrorDataLengthOffset..]);
            if (dataStart <= p && p + length <= dataEnd) return true;
            if (dataEnd <= pos) return false;
            pos = dataEnd;
        }
        return false;
    }
}
