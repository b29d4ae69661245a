using System.Buffers.Binary;

namespace ApeiKit.Hest;

/// <summary>
/// Zero-copy view of a Hardware Error Source Table (ACPI 6.5 §18.3.2): the 36-byte ACPI header, the u32
/// Error Source Count, then error source structures back to back until the table's Length. Enumerating
/// gives <see cref="HestErrorSource"/> views; the walk stops at the first structure it cannot size (an
/// unknown type) or that runs past the end, and says why in <see cref="Enumerator.Error"/>.
/// </summary>
public readonly ref struct HestTable
{
    /// <summary>"HEST".</summary>
    public static ReadOnlySpan<byte> Signature => "HEST"u8;

    /// <summary>
    /// The HEST length limit: the largest Length accepted (1 MiB), the one every reader of a HEST applies. A GHESv2
    /// structure is 92 bytes, so 1 MiB holds over 11,000 error sources; real tables hold a few to a few hundred. A view
    /// never covers more than this many bytes, and a Length above it is the same content error (HEST header, field
    /// Length, "at most 1048576 (the HEST length limit)") from each reader, as a truncated table's is: the strict ones
    /// (<see cref="HestTableModel.Decode"/>, the GHES source reader, the virtual platform's host and guest, which map no
    /// more than the limit) throw it, the describer reports it and shows the bytes present, the validator lists it as a
    /// <c>length</c> finding and checks what is there.
    /// </summary>
    public const int MaxLength = 1 << 20;

    /// <summary>The Expected text of the error for a Length above <see cref="MaxLength"/>.</summary>
    internal static readonly string MaxLengthExpected = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"at most {MaxLength} (the HEST length limit)");

    private readonly ReadOnlySpan<byte> _bytes;

    private HestTable(ReadOnlySpan<byte> bytes, uint declaredLength)
    {
        _bytes = bytes;
        DeclaredLength = declaredLength;
    }

    /// <summary>
    /// Makes a view of the HEST at the start of <paramref name="source"/> without throwing:
    /// <see cref="System.Buffers.OperationStatus.Done"/>, <see cref="System.Buffers.OperationStatus.NeedMoreData"/> when too few bytes
    /// are present, or <see cref="System.Buffers.OperationStatus.InvalidData"/> with <paramref name="error"/> saying what is wrong,
    /// for what the bool overload throws for.
    /// </summary>
    /// <param name="source">Bytes starting at the HEST.</param>
    /// <param name="table">The view when <see cref="System.Buffers.OperationStatus.Done"/>.</param>
    /// <param name="error">The content error when <see cref="System.Buffers.OperationStatus.InvalidData"/>, else null.</param>
    public static System.Buffers.OperationStatus TryRead(ReadOnlySpan<byte> source, out HestTable table, out ApeiContentException? error)
        => ContentStatus.ToStatus(error = Check(source, out table, out bool complete), complete);

    /// <summary>
    /// Makes a view. False only when fewer than 40 bytes are present. The view covers the table's Length,
    /// or the bytes present when Length claims more (see <see cref="IsTruncated"/>).
    /// </summary>
    /// <exception cref="ApeiContentException">The signature is not "HEST", or Length is smaller than the 40-byte header.</exception>
    public static bool TryRead(ReadOnlySpan<byte> source, out HestTable table)
        => ContentStatus.ThrowIfInvalid(Check(source, out table, out bool complete), complete);

    // The one check behind both TryRead overloads: the content error, or null (then complete says whether the view was made).
    private static ApeiContentException? Check(ReadOnlySpan<byte> source, out HestTable table, out bool complete)
    {
        table = default;
        complete = false;
        if (source.Length < HestLayouts.TableHeaderSize) return null;
        if (!source.StartsWith(Signature))
            return ApeiContentException.Invalid("HEST header", "Signature", 0, "\"HEST\"", "\"" + AsciiField.Decode(source[..4]) + "\"");
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(source[AcpiTableHeader.LengthOffset..]);
        if (length < HestLayouts.TableHeaderSize)
            return ApeiContentException.Invalid("HEST header", "Length", AcpiTableHeader.LengthOffset, "at least 40 (header and Error Source Count)", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        int present = (int)Math.Min(Math.Min(length, (uint)source.Length), MaxLength);
        table = new HestTable(source[..present], length);
        complete = true;
        return null;
    }

    /// <summary>Makes a view; throws <see cref="ApeiContentException"/> when fewer than 40 bytes are present or the header is wrong.</summary>
    public static HestTable Read(ReadOnlySpan<byte> source) => ReadAt(source, 0);

    // Read with error offsets moved by baseOffset (where the caller found the table in its input).
    internal static HestTable ReadAt(ReadOnlySpan<byte> source, long baseOffset)
    {
        ContentStatus.ThrowUnlessComplete(Check(source, out var t, out bool complete), complete, baseOffset, "HEST header", HestLayouts.TableHeaderSize, source.Length);
        return t;
    }

    /// <summary>The table bytes the view covers.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;
    /// <summary>The ACPI header.</summary>
    public AcpiTableHeader Header => AcpiTableHeader.Read(_bytes);
    /// <summary>The Length field.</summary>
    public uint DeclaredLength { get; }
    /// <summary>True when Length claims more bytes than were present (or than <see cref="MaxLength"/>).</summary>
    public bool IsTruncated => DeclaredLength > (uint)_bytes.Length;

    /// <summary>The error for a Length above <see cref="MaxLength"/> (offset in the table), or null: what every reader reports for it.</summary>
    internal ApeiContentException? LengthLimitError => DeclaredLength > MaxLength
        ? ApeiContentException.Invalid("HEST header", "Length", AcpiTableHeader.LengthOffset, MaxLengthExpected, DeclaredLength.ToString(System.Globalization.CultureInfo.InvariantCulture))
        : null;
    /// <summary>Error Source Count as declared (it may disagree with the structures present; the validator reports it).</summary>
    public uint ErrorSourceCount => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[HestLayouts.ErrorSourceCountOffset..]);
    /// <summary>True when the bytes sum to zero.</summary>
    public bool IsChecksumValid => Checksum.IsValid(_bytes);
    /// <summary>The bytes after the header where error source structures live.</summary>
    public ReadOnlySpan<byte> Body => _bytes[HestLayouts.TableHeaderSize..];

    /// <summary>Walks the error source structures.</summary>
    public Enumerator GetEnumerator() => new(_bytes);

    /// <summary>Counts the structures that decode, and reports why the walk stopped early (null when it reached the end cleanly).</summary>
    public int CountSources(out ApeiContentException? error)
    {
        int n = 0;
        var e = GetEnumerator();
        while (e.MoveNext()) n++;
        error = e.Error;
        return n;
    }

    /// <summary>Walks error source structures from offset 40 to the end of the table.</summary>
    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _table;
        private int _offset;
        private HestErrorSource _current;

        internal Enumerator(ReadOnlySpan<byte> table)
        {
            _table = table;
            _offset = HestLayouts.TableHeaderSize;
            _current = default;
            Error = null;
            Index = -1;
        }

        /// <summary>The current structure.</summary>
        public readonly HestErrorSource Current => _current;
        /// <summary>Index of the current structure.</summary>
        public int Index { get; private set; }
        /// <summary>Offset where the walk stands (the next structure's offset after <see cref="MoveNext"/> returned false).</summary>
        public readonly int Offset => _offset;
        /// <summary>Why the walk stopped before the end of the table, or null.</summary>
        public ApeiContentException? Error { get; private set; }

        /// <summary>Moves to the next structure; false at the end or when the next structure cannot be read (<see cref="Error"/> says why).</summary>
        public bool MoveNext()
        {
            if (Error is not null || _offset >= _table.Length) return false;
            var rest = _table[_offset..];
            try
            {
                if (!HestErrorSource.TryRead(rest, out _current, out int size, _offset))
                {
                    Error = HestErrorSource.Overrun(rest, _offset);
                    return false;
                }
                _offset += size;
                Index++;
                return true;
            }
            catch (ApeiContentException e)
            {
                Error = e;
                return false;
            }
        }
    }
}
