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
        if (!header.ContainsAnyExcept((byte)0))
        {
            // All zero: padding between or after blocks, not an empty block (an empty block keeps some field).
            problem = null;
            return FrameCheck.Corrupt;
        }
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
    /// Blocks carry no signature, so a candidate must pass <see cref="IsPlausibleAt"/> (its header and its entries), as
    /// after bytes that are not a block; like a CPER record, a block carried inside an entry's data would be split.
    /// </remarks>
    public override BreakSearch FindBreak(in ReadOnlySequence<byte> record, long recordOffset, long declaredLength, ref long searchFrom, long searchTo, bool endOfStream, long maxRecordSize, out long breakAt)
    {
        breakAt = 0;
        Span<byte> scratch = stackalloc byte[GenericErrorStatus.EntryHeaderSizeWithTimestamp];
        for (long p = Math.Max(searchFrom, recordOffset == 0 ? 1 : 0); p < searchTo; p++)
        {
            if (record.Length - p < GenericErrorStatus.BlockHeaderSize)
            {
                if (endOfStream) break;
                searchFrom = p;
                return BreakSearch.NeedMore;
            }
            switch (IsPlausibleAt(record, p, endOfStream, maxRecordSize))
            {
                case null:
                    searchFrom = p;
                    return BreakSearch.NeedMore;
                case false:
                    continue;
            }
            breakAt = p;
            return BreakSearch.Found;
        }
        searchFrom = Math.Max(searchFrom, searchTo);
        return BreakSearch.None;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A plausible header (<see cref="IsPlausible"/>) whose entries tile its Data Length exactly, each with a section type
    /// that is not all zero, revision major at most 3, severity 0-3 and the reserved validation bits (3-7, ACPI 6.5
    /// Table 18.12) clear, and a Block Status entry count (bits 4-13) that is 0 (as Linux and QEMU leave it) or the
    /// number of entries. Blocks have no signature, so this is what keeps a block's own bytes from passing for a block.
    /// </remarks>
    public override bool? IsPlausibleAt(in ReadOnlySequence<byte> bytes, long at, bool endOfStream, long maxRecordSize)
    {
        Span<byte> scratch = stackalloc byte[GenericErrorStatus.EntryHeaderSizeWithTimestamp];
        var header = Slice(bytes, at, GenericErrorStatus.BlockHeaderSize, scratch);
        if (!IsPlausible(header, maxRecordSize)) return false;
        uint dataLength = BinaryPrimitives.ReadUInt32LittleEndian(header[GenericErrorStatus.DataLengthOffset..]);
        uint count = (BinaryPrimitives.ReadUInt32LittleEndian(header) >> GenericErrorStatus.EntryCountShift) & GenericErrorStatus.EntryCountMask;
        return EntriesTile(bytes, at, dataLength, count, endOfStream, scratch) switch
        {
            Tiling.Yes => true,
            Tiling.No => false,
            _ => null,
        };
    }

    private enum Tiling { Yes, No, NeedMore }

    /// <summary>Whether the entries of a candidate block at <paramref name="at"/> tile its Data Length (as far as the bytes go at the end of the stream).</summary>
    private static Tiling EntriesTile(in ReadOnlySequence<byte> bytes, long at, uint dataLength, uint count, bool endOfStream, Span<byte> scratch)
    {
        long pos = at + GenericErrorStatus.BlockHeaderSize, end = pos + dataLength;
        uint entries = 0;
        while (pos < end)
        {
            if (bytes.Length - pos < GenericErrorStatus.EntryHeaderSize)
                return endOfStream ? (pos == at + GenericErrorStatus.BlockHeaderSize ? Tiling.No : Tiling.Yes) : Tiling.NeedMore;
            var entry = Slice(bytes, pos, GenericErrorStatus.EntryHeaderSize, scratch);
            ushort revision = BinaryPrimitives.ReadUInt16LittleEndian(entry[GenericErrorStatus.RevisionOffset..]);
            uint severity = BinaryPrimitives.ReadUInt32LittleEndian(entry[GenericErrorStatus.EntrySeverityOffset..]);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(entry[GenericErrorStatus.ErrorDataLengthOffset..]);
            if (revision >> 8 > 3 || severity > 3 || (entry[GenericErrorStatus.ValidationBitsOffset] & 0xF8) != 0) return Tiling.No;
            if (!entry[..16].ContainsAnyExcept((byte)0)) return Tiling.No; // no section type
            long next = pos + GenericErrorStatus.EntryHeaderSizeFor(revision) + (long)length;
            if (next > end) return Tiling.No;
            pos = next;
            entries++;
        }
        return count == 0 || count == entries ? Tiling.Yes : Tiling.No;
    }
}
