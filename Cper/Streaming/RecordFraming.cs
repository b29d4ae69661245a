using System.Buffers;
using System.Buffers.Binary;

namespace ApeiKit.Cper.Streaming;

/// <summary>What <see cref="RecordFraming.Check"/> found at a record boundary.</summary>
public enum FrameCheck
{
    /// <summary>A header that says how long the record is.</summary>
    Ok,
    /// <summary>Not a header (or one that cannot be believed): the reader resynchronises from the next byte.</summary>
    Corrupt,
}

/// <summary>What <see cref="RecordFraming.FindBreak"/> found inside a record's declared range.</summary>
public enum BreakSearch
{
    /// <summary>No later record starts inside the range searched.</summary>
    None,
    /// <summary>A later record starts inside the declared range: the record was cut short there.</summary>
    Found,
    /// <summary>A candidate needs more bytes than are buffered to be judged: read more and search again.</summary>
    NeedMore,
}

/// <summary>
/// How a stream of length-prefixed structures is framed: the fixed header size, the signature used to look for
/// the next header after a corrupt one, the checks on a header, and where a record cut short ends (the start of the
/// record that follows it inside its declared length). <see cref="CperStreamReader"/> does the rest, for every input
/// form: the CLI, the library's readers and every input encoding go through one framing per format.
/// </summary>
public abstract class RecordFraming
{
    /// <summary>Bytes needed to read a header (and its length).</summary>
    public abstract int HeaderSize { get; }

    /// <summary>The bytes every header starts with (empty when there is none: every offset is tried when resynchronising).</summary>
    public abstract ReadOnlySpan<byte> Signature { get; }

    /// <summary>
    /// Checks a header at a record boundary (leniently: a record whose content is bad is still framed so its decoder
    /// can report what is wrong) and gives the record's length.
    /// </summary>
    /// <param name="header">Exactly <see cref="HeaderSize"/> bytes.</param>
    /// <param name="length">The record's length, header included (when <see cref="FrameCheck.Ok"/>).</param>
    /// <param name="problem">Why the header was rejected (when <see cref="FrameCheck.Corrupt"/>).</param>
    public abstract FrameCheck Check(ReadOnlySpan<byte> header, out long length, out string? problem);

    /// <summary>
    /// Stricter test used when resynchronising inside bytes that are known to be bad: true only when the header is
    /// one a writer would plausibly have produced, so a stray signature inside garbage is not taken for a record.
    /// </summary>
    /// <param name="header">Exactly <see cref="HeaderSize"/> bytes.</param>
    /// <param name="maxRecordSize">The reader's limit (a plausible header declares a length at most this).</param>
    public abstract bool IsPlausible(ReadOnlySpan<byte> header, long maxRecordSize);

    /// <summary>
    /// Whether a record plausibly starts at <paramref name="at"/> of <paramref name="bytes"/>: the test used both when
    /// resynchronising after bytes that are not a record and when looking for a break inside a record
    /// (<see cref="FindBreak"/>). The default is <see cref="IsPlausible"/> on the header; a framing without a signature
    /// looks further (its first structures) and may need more bytes than are buffered.
    /// </summary>
    /// <param name="bytes">Buffered bytes.</param>
    /// <param name="at">Candidate offset in <paramref name="bytes"/> (at least <see cref="HeaderSize"/> bytes follow it).</param>
    /// <param name="endOfStream">No more bytes will come (judge on what is there).</param>
    /// <param name="maxRecordSize">The reader's record size limit.</param>
    /// <returns>True, false, or null when more bytes are needed to judge.</returns>
    public virtual bool? IsPlausibleAt(in ReadOnlySequence<byte> bytes, long at, bool endOfStream, long maxRecordSize)
    {
        Span<byte> scratch = stackalloc byte[256];
        return IsPlausible(Slice(bytes, at, HeaderSize, scratch), maxRecordSize);
    }

    /// <summary>
    /// True when the bytes left at the end of the stream, fewer than <see cref="HeaderSize"/>, are the start of a record
    /// (a record cut short inside its header) rather than unrecognised bytes.
    /// </summary>
    public virtual bool IsRecordPrefix(ReadOnlySpan<byte> tail) => !Signature.IsEmpty && tail.StartsWith(Signature);

    /// <summary>
    /// Looks for the start of a later record inside a record's declared range: a record cut short and followed by the
    /// next one must not swallow it. <paramref name="record"/> starts at the record's first byte and holds what is
    /// buffered; positions from <paramref name="searchFrom"/> up to <paramref name="searchTo"/> are tried.
    /// </summary>
    /// <param name="record">The buffered bytes of the record, from its byte <paramref name="recordOffset"/>.</param>
    /// <param name="recordOffset">Where <paramref name="record"/> starts in the record: 0, or more while an oversized record's bytes are skipped (then the header is no longer at hand).</param>
    /// <param name="declaredLength">The length its header declares.</param>
    /// <param name="searchFrom">First position in <paramref name="record"/> to try; on return, where the next search can resume.</param>
    /// <param name="searchTo">End of the positions to try (exclusive), in <paramref name="record"/>.</param>
    /// <param name="endOfStream">No more bytes will come.</param>
    /// <param name="maxRecordSize">The reader's record size limit.</param>
    /// <param name="breakAt">Where the later record starts in <paramref name="record"/> (when <see cref="BreakSearch.Found"/>).</param>
    public abstract BreakSearch FindBreak(in ReadOnlySequence<byte> record, long recordOffset, long declaredLength, ref long searchFrom, long searchTo, bool endOfStream, long maxRecordSize, out long breakAt);

    /// <summary>Copies <paramref name="size"/> bytes at <paramref name="at"/> into <paramref name="scratch"/> when they span segments.</summary>
    protected static ReadOnlySpan<byte> Slice(in ReadOnlySequence<byte> bytes, long at, int size, Span<byte> scratch)
    {
        var first = bytes.FirstSpan;
        if (at + size <= first.Length) return first.Slice((int)at, size);
        bytes.Slice(at, size).CopyTo(scratch);
        return scratch[..size];
    }

    /// <summary>Offset of the first occurrence of <paramref name="signature"/> at or after <paramref name="from"/> and before <paramref name="to"/> (it may end after <paramref name="to"/>), or -1.</summary>
    protected static long IndexOf(in ReadOnlySequence<byte> bytes, ReadOnlySpan<byte> signature, long from, long to)
    {
        if (from >= to) return -1;
        long end = Math.Min(to + signature.Length - 1, bytes.Length);
        if (bytes.IsSingleSegment)
        {
            int i = bytes.FirstSpan[(int)from..(int)end].IndexOf(signature);
            return i < 0 || from + i >= to ? -1 : from + i;
        }
        // Segment by segment, carrying the last signature-length-1 bytes across boundaries.
        Span<byte> carry = stackalloc byte[16 + signature.Length * 2];
        long pos = 0;
        int carried = 0;
        long carryStart = 0;
        foreach (var memory in bytes.Slice(from, end - from))
        {
            var span = memory.Span;
            if (carried > 0)
            {
                int take = Math.Min(signature.Length - 1, span.Length);
                span[..take].CopyTo(carry[carried..]);
                int j = carry[..(carried + take)].IndexOf(signature);
                if (j >= 0 && from + carryStart + j < to) return from + carryStart + j;
            }
            int k = span.IndexOf(signature);
            if (k >= 0) return from + pos + k < to ? from + pos + k : -1;
            carried = Math.Min(signature.Length - 1, span.Length);
            span[^carried..].CopyTo(carry);
            carryStart = pos + span.Length - carried;
            pos += span.Length;
        }
        return -1;
    }
}

/// <summary>Framing of concatenated CPER records (UEFI 2.10 N.2.1: "CPER" at offset 0, RecordLength at offset 20).</summary>
public sealed class CperRecordFraming : RecordFraming
{
    /// <summary>The one instance.</summary>
    public static CperRecordFraming Instance { get; } = new();

    private CperRecordFraming() { }

    /// <inheritdoc/>
    public override int HeaderSize => CperRecordHeader.Size;

    /// <inheritdoc/>
    public override ReadOnlySpan<byte> Signature => CperRecordHeader.Signature;

    /// <inheritdoc/>
    /// <remarks>Accepts what <c>apeikit decode</c> always accepted: the signature and a RecordLength of at least 128.</remarks>
    public override FrameCheck Check(ReadOnlySpan<byte> header, out long length, out string? problem)
    {
        length = BinaryPrimitives.ReadUInt32LittleEndian(header[CperRecordHeader.RecordLengthOffset..]);
        if (!header.StartsWith(CperRecordHeader.Signature))
        {
            problem = null; // not a record at all: plain unrecognised bytes
            return FrameCheck.Corrupt;
        }
        if (length < CperRecordHeader.Size)
        {
            problem = $"CPER record header with RecordLength {length} (less than the 128-byte header)";
            return FrameCheck.Corrupt;
        }
        problem = null;
        return FrameCheck.Ok;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Signature and Signature End; Revision major at most 3 (seen: 0x0100, 0x0101, 0x0210, 0); RecordLength from
    /// 128 to the limit; the descriptor table (SectionCount × 72 bytes) inside RecordLength.
    /// </remarks>
    public override bool IsPlausible(ReadOnlySpan<byte> header, long maxRecordSize)
        => IsPlausiblePrefix(header, maxRecordSize) && header.Length >= CperRecordHeader.Size;

    /// <summary>The checks of <see cref="IsPlausible"/> on the fields that <paramref name="header"/> (possibly shorter than a header) holds.</summary>
    private static bool IsPlausiblePrefix(ReadOnlySpan<byte> header, long maxRecordSize)
    {
        if (!header.StartsWith(CperRecordHeader.Signature)) return false;
        if (header.Length >= CperRecordHeader.RevisionOffset + 2 && BinaryPrimitives.ReadUInt16LittleEndian(header[CperRecordHeader.RevisionOffset..]) >> 8 > 3) return false;
        if (header.Length >= CperRecordHeader.SignatureEndOffset + 4
            && BinaryPrimitives.ReadUInt32LittleEndian(header[CperRecordHeader.SignatureEndOffset..]) != CperRecordHeader.SignatureEndValue) return false;
        if (header.Length < CperRecordHeader.RecordLengthOffset + 4) return true;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header[CperRecordHeader.RecordLengthOffset..]);
        if (length < CperRecordHeader.Size || length > maxRecordSize) return false;
        if (header.Length < CperRecordHeader.SectionCountOffset + 2) return true;
        ushort count = BinaryPrimitives.ReadUInt16LittleEndian(header[CperRecordHeader.SectionCountOffset..]);
        return CperRecordHeader.Size + (ulong)count * CperSectionDescriptor.Size <= length;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A candidate is a "CPER" whose header <see cref="IsPlausible"/> (signature, Signature End, revision, length, descriptor
    /// table): a record cut short and followed by the next one is far more common in captures than a whole record carried
    /// inside a section body, which this rule would split (no standard section carries one). At the end of the stream, a candidate with fewer than 128 bytes left counts
    /// when the fields it holds are plausible and the record around it is short of its declared length.
    /// </remarks>
    public override BreakSearch FindBreak(in ReadOnlySequence<byte> record, long recordOffset, long declaredLength, ref long searchFrom, long searchTo, bool endOfStream, long maxRecordSize, out long breakAt)
    {
        breakAt = 0;
        Span<byte> scratch = stackalloc byte[CperRecordHeader.Size];
        var sig = CperRecordHeader.Signature;
        long from = Math.Max(searchFrom, recordOffset == 0 ? 1 : 0);
        while (true)
        {
            long p = IndexOf(record, sig, from, searchTo);
            if (p < 0)
            {
                // Resume where a signature could still start (the last 3 bytes may begin one that is not complete yet).
                searchFrom = Math.Max(from, searchTo - (sig.Length - 1));
                return BreakSearch.None;
            }
            long available = record.Length - p;
            if (available < CperRecordHeader.Size)
            {
                if (!endOfStream)
                {
                    searchFrom = p;
                    return BreakSearch.NeedMore;
                }
                if (recordOffset + record.Length < declaredLength && IsPlausiblePrefix(Slice(record, p, (int)available, scratch), maxRecordSize))
                {
                    breakAt = p;
                    return BreakSearch.Found;
                }
            }
            else if (IsPlausible(Slice(record, p, CperRecordHeader.Size, scratch), maxRecordSize))
            {
                breakAt = p;
                return BreakSearch.Found;
            }
            from = p + 1;
        }
    }
}
