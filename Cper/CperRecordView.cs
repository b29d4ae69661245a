using System.Buffers.Binary;

namespace ApeiKit.Cper;

/// <summary>
/// Zero-copy view of one CPER record (UEFI 2.10 N.2): the header, the descriptors that fit, and
/// section bodies sliced on demand. Creating the view checks the header and that the descriptor
/// table lies within the record; each section body is checked against the record when asked for.
/// </summary>
public readonly ref struct CperRecordView
{
    private readonly ReadOnlySpan<byte> _bytes;

    private CperRecordView(ReadOnlySpan<byte> bytes, uint declaredLength)
    {
        _bytes = bytes;
        DeclaredLength = declaredLength;
    }

    /// <summary>The record bytes present (the declared length, or fewer for a truncated record).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The header.</summary>
    public CperRecordHeader Header
    {
        get
        {
            CperRecordHeader.TryRead(_bytes, out var h);
            return h;
        }
    }

    /// <summary>RecordLength as the header declares it.</summary>
    public uint DeclaredLength { get; }

    /// <summary>True when fewer bytes were present than RecordLength declares (see <see cref="ReadPrefix"/>).</summary>
    public bool IsTruncated => _bytes.Length < DeclaredLength;

    /// <summary>Number of descriptors that lie within the bytes present (at most SectionCount).</summary>
    public int DescriptorCount => (int)Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(_bytes[CperRecordHeader.SectionCountOffset..]),
        (uint)(_bytes.Length - CperRecordHeader.Size) / CperSectionDescriptor.Size);

    /// <summary>
    /// Reads the record at the start of <paramref name="source"/>. Returns false only when too few bytes
    /// are present (less than the header, or less than RecordLength): read more and call again.
    /// </summary>
    /// <exception cref="ApeiContentException">Bad signature, RecordLength smaller than the header, or a descriptor table that does not fit in RecordLength; RecordLength or SectionCount above <see cref="CperDecodeOptions.Limits"/>.</exception>
    /// <param name="source">Bytes starting at the record.</param>
    /// <param name="record">The view when true.</param>
    /// <param name="bytesConsumed">Bytes the record occupies when true, else 0.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> in the input (for error positions).</param>
    /// <param name="options">The limits on RecordLength and SectionCount; null: the defaults.</param>
    public static bool TryRead(ReadOnlySpan<byte> source, out CperRecordView record, out int bytesConsumed, long baseOffset = 0, CperDecodeOptions? options = null)
        => ContentStatus.ThrowIfInvalid(Check(source, out record, out bytesConsumed, baseOffset, options, out bool complete), complete);

    /// <summary>
    /// Reads the record at the start of <paramref name="source"/> without throwing: <see cref="System.Buffers.OperationStatus.Done"/>
    /// with the record, <see cref="System.Buffers.OperationStatus.NeedMoreData"/> when too few bytes are present (read more and call
    /// again), or <see cref="System.Buffers.OperationStatus.InvalidData"/> with <paramref name="error"/> saying what is wrong (structure,
    /// offset, expected, found), for malformed content the bool overload throws for.
    /// </summary>
    /// <param name="source">Bytes starting at the record.</param>
    /// <param name="record">The view when <see cref="System.Buffers.OperationStatus.Done"/>.</param>
    /// <param name="bytesConsumed">Bytes the record occupies when <see cref="System.Buffers.OperationStatus.Done"/>, else 0.</param>
    /// <param name="error">The content error when <see cref="System.Buffers.OperationStatus.InvalidData"/>, else null.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> in the input (for error positions).</param>
    /// <param name="options">The limits on RecordLength and SectionCount; null: the defaults.</param>
    public static System.Buffers.OperationStatus TryRead(ReadOnlySpan<byte> source, out CperRecordView record, out int bytesConsumed, out ApeiContentException? error, long baseOffset = 0, CperDecodeOptions? options = null)
        => ContentStatus.ToStatus(error = Check(source, out record, out bytesConsumed, baseOffset, options, out bool complete), complete);

    // The one check behind both TryRead overloads: the content error, or null (then complete says whether the view was made).
    private static ApeiContentException? Check(ReadOnlySpan<byte> source, out CperRecordView record, out int bytesConsumed, long baseOffset, CperDecodeOptions? options, out bool complete)
    {
        record = default;
        bytesConsumed = 0;
        complete = false;
        if (source.Length < CperRecordHeader.Size) return null;
        if (CheckHeader(source, baseOffset, options, allowShort: false, out uint length) is { } error) return error;
        if ((ulong)source.Length < length) return null;
        record = new CperRecordView(source[..(int)length], length);
        bytesConsumed = (int)length;
        complete = true;
        return null;
    }

    /// <summary>Reads the record; throws when bytes are missing or content is malformed.</summary>
    /// <param name="source">Bytes starting at the record.</param>
    /// <param name="bytesConsumed">Bytes the record occupies.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> in the input (for error positions).</param>
    /// <param name="options">The limits on RecordLength and SectionCount; null: the defaults.</param>
    /// <exception cref="ApeiContentException">Truncated or malformed record.</exception>
    public static CperRecordView Read(ReadOnlySpan<byte> source, out int bytesConsumed, long baseOffset = 0, CperDecodeOptions? options = null)
    {
        if (TryRead(source, out var record, out bytesConsumed, baseOffset, options)) return record;
        long needed = source.Length < CperRecordHeader.Size ? CperRecordHeader.Size : BinaryPrimitives.ReadUInt32LittleEndian(source[CperRecordHeader.RecordLengthOffset..]);
        throw ApeiContentException.Truncated("CPER record", baseOffset, needed, source.Length, "RecordLength");
    }

    /// <summary>
    /// Reads a record that may be shorter than its RecordLength (a capture cut short, or a generator's
    /// wrong length): the view covers the bytes present and <see cref="IsTruncated"/> says so.
    /// Sections beyond the bytes present fail when asked for. Consumes everything up to RecordLength.
    /// </summary>
    /// <exception cref="ApeiContentException">Fewer than 128 bytes, bad signature, RecordLength smaller than the header; RecordLength or SectionCount above <see cref="CperDecodeOptions.Limits"/>.</exception>
    /// <param name="source">Bytes starting at the record.</param>
    /// <param name="bytesConsumed">Bytes of the record present (up to RecordLength).</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> in the input (for error positions).</param>
    /// <param name="options">The limits on RecordLength and SectionCount; null: the defaults.</param>
    public static CperRecordView ReadPrefix(ReadOnlySpan<byte> source, out int bytesConsumed, long baseOffset = 0, CperDecodeOptions? options = null)
    {
        if (source.Length < CperRecordHeader.Size)
            ThrowHelper.ThrowTruncated("CPER record header", baseOffset, CperRecordHeader.Size, source.Length);
        if (CheckHeader(source, baseOffset, options, allowShort: true, out uint length) is { } error) throw error;
        int present = (int)Math.Min(length, (uint)source.Length);
        bytesConsumed = present;
        return new CperRecordView(source[..present], length);
    }

    // The header checks (signature, RecordLength, SectionCount against the limits and, unless allowShort, the descriptor table
    // against RecordLength; UEFI 2.10 N.2.1): the content error with absolute offsets, or null with the declared length.
    private static ApeiContentException? CheckHeader(ReadOnlySpan<byte> source, long baseOffset, CperDecodeOptions? options, bool allowShort, out uint length)
    {
        length = BinaryPrimitives.ReadUInt32LittleEndian(source[CperRecordHeader.RecordLengthOffset..]);
        if (!source[..4].SequenceEqual(CperRecordHeader.Signature))
            return ApeiContentException.Invalid("CPER record header", "SignatureStart", baseOffset, "\"CPER\"", FieldFormat.HexBytes(source[..4]));
        ushort count = BinaryPrimitives.ReadUInt16LittleEndian(source[CperRecordHeader.SectionCountOffset..]);
        if (length < CperRecordHeader.Size)
            return ApeiContentException.Invalid("CPER record header", "RecordLength", baseOffset + CperRecordHeader.RecordLengthOffset, $">= {CperRecordHeader.Size}", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var limits = (options ?? CperDecodeOptions.Default).Limits;
        if (length > (uint)limits.MaxRecordSize)
            return ApeiContentException.Invalid("CPER record header", "RecordLength", baseOffset + CperRecordHeader.RecordLengthOffset,
                DecoderLimits.Describe(limits.MaxRecordSize, nameof(DecoderLimits.MaxRecordSize)), length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (count > limits.MaxSectionsPerRecord)
            return ApeiContentException.Invalid("CPER record header", "SectionCount", baseOffset + CperRecordHeader.SectionCountOffset,
                DecoderLimits.Describe(limits.MaxSectionsPerRecord, nameof(DecoderLimits.MaxSectionsPerRecord)), count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ulong tableEnd = CperRecordHeader.Size + (ulong)count * CperSectionDescriptor.Size;
        if (tableEnd > length && !allowShort)
            return ApeiContentException.Invalid("CPER record header", "SectionCount", baseOffset + CperRecordHeader.SectionCountOffset,
                $"at most {(length - CperRecordHeader.Size) / CperSectionDescriptor.Size} descriptors in RecordLength {length}", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return null;
    }

    /// <summary>The descriptor at <paramref name="index"/> (0 ≤ index &lt; <see cref="DescriptorCount"/>).</summary>
    public CperSectionDescriptor GetDescriptor(int index)
    {
        if ((uint)index >= (uint)DescriptorCount) throw new ArgumentOutOfRangeException(nameof(index));
        CperSectionDescriptor.TryRead(_bytes.Slice(CperRecordHeader.Size + index * CperSectionDescriptor.Size), out var d);
        return d;
    }

    /// <summary>Absolute offset (within the record) of descriptor <paramref name="index"/>.</summary>
    public static int DescriptorOffset(int index) => CperRecordHeader.Size + index * CperSectionDescriptor.Size;

    /// <summary>The body of section <paramref name="index"/>, checked against the record.</summary>
    /// <exception cref="ApeiContentException">The descriptor's offset and length do not lie within the record.</exception>
    public ReadOnlySpan<byte> GetSectionBody(int index, long baseOffset = 0)
    {
        var d = GetDescriptor(index);
        ulong start = d.SectionOffset, end = start + d.SectionLength;
        if (end > (ulong)_bytes.Length)
        {
            throw new ApeiContentException($"CPER section descriptor #{index}", "SectionOffset+SectionLength",
                baseOffset + DescriptorOffset(index),
                $"within the record's {_bytes.Length} bytes{(IsTruncated ? $" (RecordLength says {DeclaredLength})" : "")}",
                $"0x{start:X}+0x{d.SectionLength:X} = 0x{end:X}");
        }
        int tableEnd = DescriptorOffset(DescriptorCount);
        if (start < (ulong)tableEnd && d.SectionLength != 0)
        {
            throw new ApeiContentException($"CPER section descriptor #{index}", "SectionOffset", baseOffset + DescriptorOffset(index),
                $">= 0x{tableEnd:X} (after the header and descriptor table)", $"0x{start:X}");
        }
        return _bytes.Slice((int)start, (int)d.SectionLength);
    }

    /// <summary>
    /// For each descriptor, the index of an earlier-placed section whose bytes it shares, or -1. Overlapping
    /// sections are malformed, and decoding each one separately would let a small input claim the same bytes
    /// hundreds of times; callers report them and decode the bytes once.
    /// </summary>
    public int[] FindOverlaps()
    {
        var result = new int[DescriptorCount];
        FindOverlaps(result);
        return result;
    }

    /// <summary>
    /// <see cref="FindOverlaps()"/> into <paramref name="result"/> (at least <see cref="DescriptorCount"/> long): allocates
    /// nothing for records of up to 32 sections, so a streamed decode can check every record.
    /// </summary>
    public void FindOverlaps(Span<int> result)
    {
        int n = DescriptorCount;
        if (result.Length < n) throw new ArgumentException($"needs room for {n} entries", nameof(result));
        result[..n].Fill(-1);
        if (n < 2) return;
        const int StackSpans = 32;
        Span<SectionSpan> spans = n <= StackSpans ? stackalloc SectionSpan[StackSpans] : new SectionSpan[n];
        spans = spans[..n];
        for (int i = 0; i < n; i++)
        {
            var d = GetDescriptor(i);
            spans[i] = new(d.SectionOffset, d.SectionOffset + (ulong)d.SectionLength, i);
        }
        // An insertion sort for the few sections records have: Span.Sort's comparer delegate was an allocation per record
        // in the Native AOT build (issue #15: 0.7% of a profile, plus its GC).
        if (n <= StackSpans) InsertionSort(spans); else spans.Sort();
        ulong maxEnd = 0;
        int owner = -1;
        foreach (var (start, end, index) in spans)
        {
            if (end == start) continue;
            if (owner >= 0 && start < maxEnd) result[index] = owner;
            if (end > maxEnd) { maxEnd = end; owner = index; }
        }
    }

    private static void InsertionSort(Span<SectionSpan> spans)
    {
        for (int i = 1; i < spans.Length; i++)
        {
            var x = spans[i];
            int j = i - 1;
            for (; j >= 0 && spans[j].CompareTo(x) > 0; j--) spans[j + 1] = spans[j];
            spans[j + 1] = x;
        }
    }

    /// <summary>A section's byte range, ordered by start then descriptor index.</summary>
    private readonly record struct SectionSpan(ulong Start, ulong End, int Index) : IComparable<SectionSpan>
    {
        public int CompareTo(SectionSpan other) => Start != other.Start ? Start.CompareTo(other.Start) : Index.CompareTo(other.Index);
    }

    /// <summary>
    /// Checks everything a walker relies on without decoding bodies: all SectionCount descriptors present,
    /// every section inside the record. Allocates nothing unless it throws.
    /// </summary>
    /// <exception cref="ApeiContentException">The first problem found.</exception>
    public void Validate(long baseOffset = 0)
    {
        int declared = BinaryPrimitives.ReadUInt16LittleEndian(_bytes[CperRecordHeader.SectionCountOffset..]);
        if (DescriptorCount < declared)
            throw ApeiContentException.Truncated($"CPER section descriptor #{DescriptorCount}", baseOffset + DescriptorOffset(DescriptorCount),
                CperSectionDescriptor.Size, _bytes.Length - DescriptorOffset(DescriptorCount));
        for (int i = 0; i < declared; i++) GetSectionBody(i, baseOffset);
    }
}
