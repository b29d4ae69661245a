using System.Buffers.Binary;

namespace ApeiKit.Ghes;

/// <summary>
/// Zero-copy view of a Generic Error Status Block (ACPI 6.5 §18.3.2.7.1, Table 18.11): the header fields, the
/// Generic Error Data Entries (enumerated without copying) and the raw data. Creating the view runs the
/// structural checks of <see cref="GhesBlockValidator"/> once; afterwards every slice is known to be in bounds.
/// </summary>
public readonly ref struct ErrorStatusBlockView
{
    private readonly ReadOnlySpan<byte> _bytes;

    private ErrorStatusBlockView(ReadOnlySpan<byte> bytes, int entryCount)
    {
        _bytes = bytes;
        EntryCount = entryCount;
    }

    /// <summary>
    /// Reads the error status block at the start of <paramref name="source"/> without throwing: <see cref="System.Buffers.OperationStatus.Done"/>
    /// with the block, <see cref="System.Buffers.OperationStatus.NeedMoreData"/> when too few bytes are present (read more and call
    /// again), or <see cref="System.Buffers.OperationStatus.InvalidData"/> with <paramref name="error"/> saying what is wrong (structure,
    /// offset, expected, found), for malformed content the bool overload throws for.
    /// </summary>
    /// <param name="source">Bytes starting at the error status block.</param>
    /// <param name="block">The view when <see cref="System.Buffers.OperationStatus.Done"/>.</param>
    /// <param name="bytesConsumed">Bytes the error status block occupies when <see cref="System.Buffers.OperationStatus.Done"/>, else 0.</param>
    /// <param name="error">The content error when <see cref="System.Buffers.OperationStatus.InvalidData"/>, else null.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> in the input (for error positions).</param>
    public static System.Buffers.OperationStatus TryRead(ReadOnlySpan<byte> source, out ErrorStatusBlockView block, out int bytesConsumed, out ApeiContentException? error, long baseOffset = 0)
        => ContentStatus.ToStatus(error = Check(source, out block, out bytesConsumed, baseOffset), bytesConsumed > 0);

    /// <summary>
    /// Reads the block at the start of <paramref name="source"/>. False only when too few bytes are present
    /// (fewer than 20, or fewer than the block's length): read more and call again.
    /// </summary>
    /// <exception cref="ApeiContentException">The block is malformed (see <see cref="GhesBlockValidator"/>); an empty block (Block Status zero) is not an error.</exception>
    public static bool TryRead(ReadOnlySpan<byte> source, out ErrorStatusBlockView block, out int bytesConsumed, long baseOffset = 0)
        => ContentStatus.ThrowIfInvalid(Check(source, out block, out bytesConsumed, baseOffset), bytesConsumed > 0);

    // The one check behind both TryRead overloads: the content error, or null (then bytesConsumed is 0 when more bytes
    // are needed; a block is at least 20 bytes).
    private static ApeiContentException? Check(ReadOnlySpan<byte> source, out ErrorStatusBlockView block, out int bytesConsumed, long baseOffset)
    {
        block = default;
        bytesConsumed = 0;
        if (source.Length < GenericErrorStatus.BlockHeaderSize) return null;
        ulong length = GenericErrorStatus.BlockLength(source);
        if (ErrorStatusBlockHeaderView.Of(source).BlockStatus == 0)
        {
            // Empty: only the header means anything.
            int n = (int)Math.Min(length, (ulong)source.Length);
            n = Math.Max(n, GenericErrorStatus.BlockHeaderSize);
            block = new ErrorStatusBlockView(source[..n], 0);
            bytesConsumed = n;
            return null;
        }
        // The checks run without findings first: a valid block (or one that needs more bytes) allocates nothing, and the
        // validator builds its findings only for a block that is wrong, to say what.
        if (length > (ulong)source.Length)
        {
            // Too few bytes, unless the header is malformed in a way more bytes cannot fix.
            if (!GhesBlockValidator.HeaderCannotHoldEntries(ErrorStatusBlockHeaderView.Of(source))) return null;
            var early = GhesBlockValidator.Validate(source[..GenericErrorStatus.BlockHeaderSize], null, baseOffset);
            var fatal = early.Findings.Find(f => f.Kind is GhesFindingKind.DataLengthTooSmall or GhesFindingKind.RawDataOverlapsData);
            return fatal?.ToException();
        }
        var bytes = source[..(int)length];
        if (!GhesBlockValidator.TryCountEntries(bytes, out int entryCount))
        {
            var result = GhesBlockValidator.Validate(bytes, null, baseOffset);
            if (result.FirstError is { } error) return error.ToException();
            entryCount = result.EntryCount; // not reached: TryCountEntries is Validate's own walk, failing only where it finds an error
        }
        block = new ErrorStatusBlockView(bytes, entryCount);
        bytesConsumed = (int)length;
        return null;
    }

    /// <summary>Reads the block; throws when bytes are missing or the block is malformed.</summary>
    /// <exception cref="ApeiContentException">Truncated or malformed block.</exception>
    public static ErrorStatusBlockView Read(ReadOnlySpan<byte> source, out int bytesConsumed, long baseOffset = 0)
    {
        if (TryRead(source, out var block, out bytesConsumed, baseOffset)) return block;
        long needed = source.Length < GenericErrorStatus.BlockHeaderSize ? GenericErrorStatus.BlockHeaderSize : (long)Math.Min(GenericErrorStatus.BlockLength(source), long.MaxValue);
        throw ApeiContentException.Truncated("Generic Error Status Block", baseOffset, needed, source.Length);
    }

    /// <summary>The bytes of the block (its header, entries and raw data).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;
    /// <summary>Block Status (bits 0-3 error kinds, bits 4-13 entry count).</summary>
    public uint BlockStatus => Header.BlockStatus;
    /// <summary>True when Block Status is zero: no error recorded.</summary>
    public bool IsEmpty => BlockStatus == 0;
    /// <summary>The entry count that Block Status declares (bits 4-13).</summary>
    public int DeclaredEntryCount => (int)((BlockStatus >> GenericErrorStatus.EntryCountShift) & GenericErrorStatus.EntryCountMask);
    /// <summary>Number of entries actually present in Data Length.</summary>
    public int EntryCount { get; }
    /// <summary>Raw Data Offset (from the start of the block).</summary>
    public uint RawDataOffset => Header.RawDataOffset;
    /// <summary>Raw Data Length.</summary>
    public uint RawDataLength => Header.RawDataLength;
    /// <summary>Data Length (all entries).</summary>
    public uint DataLength => Header.DataLength;
    /// <summary>Error Severity (0 recoverable, 1 fatal, 2 corrected, 3 informational).</summary>
    public uint ErrorSeverity => Header.ErrorSeverity;
    /// <summary>The raw data (empty when Raw Data Length is zero or the block is empty).</summary>
    public ReadOnlySpan<byte> RawData => IsEmpty || RawDataLength == 0 ? default : _bytes.Slice((int)RawDataOffset, (int)RawDataLength);
    /// <summary>The entries, in order (none for an empty block).</summary>
    public EntryEnumerator Entries => new(IsEmpty ? default : _bytes.Slice(GenericErrorStatus.BlockHeaderSize, (int)DataLength));

    // The declared header (Declarations/GhesDeclarations.cs) over the block's bytes: the fields above read through it.
    private ErrorStatusBlockHeaderView Header => ErrorStatusBlockHeaderView.Of(_bytes);

    /// <summary>Enumerates the entries of a checked block without copying.</summary>
    public ref struct EntryEnumerator
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _next;
        private ErrorDataEntryView _current;

        internal EntryEnumerator(ReadOnlySpan<byte> data)
        {
            _data = data;
            _next = 0;
            _current = default;
        }

        /// <summary>For <c>foreach</c>.</summary>
        public readonly EntryEnumerator GetEnumerator() => this;

        /// <summary>The current entry.</summary>
        public readonly ErrorDataEntryView Current => _current;

        /// <summary>Moves to the next entry.</summary>
        public bool MoveNext()
        {
            if (_next >= _data.Length) return false;
            _current = ErrorDataEntryView.Create(_data[_next..], GenericErrorStatus.BlockHeaderSize + _next);
            _next += _current.Length;
            return true;
        }
    }
}

/// <summary>
/// Zero-copy view of one Generic Error Data Entry (ACPI 6.5 Table 18.12): 64 header bytes, 72 from revision
/// 0x300 (the timestamp), then Error Data Length bytes of a CPER section body.
/// </summary>
public readonly ref struct ErrorDataEntryView
{
    private readonly ReadOnlySpan<byte> _bytes;

    private ErrorDataEntryView(ReadOnlySpan<byte> bytes, int offsetInBlock)
    {
        _bytes = bytes;
        OffsetInBlock = offsetInBlock;
    }

    // The caller (a checked block) guarantees header and data are present.
    internal static ErrorDataEntryView Create(ReadOnlySpan<byte> rest, int offsetInBlock)
    {
        var declared = ErrorDataEntryHeaderView.Of(rest);
        int header = declared.HeaderSize;
        uint length = declared.ErrorDataLength;
        return new ErrorDataEntryView(rest[..(header + (int)length)], offsetInBlock);
    }

    /// <summary>Offset of the entry from the start of its block.</summary>
    public int OffsetInBlock { get; }
    /// <summary>Header plus data bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;
    /// <summary>Header plus data length.</summary>
    public int Length => _bytes.Length;
    /// <summary>Header size: 64, or 72 from revision 0x300.</summary>
    public int HeaderSize => GenericErrorStatus.EntryHeaderSizeFor(Revision);
    /// <summary>The header bytes.</summary>
    public ReadOnlySpan<byte> Header => _bytes[..HeaderSize];
    /// <summary>Section Type (a CPER section GUID).</summary>
    public Guid SectionType => Declared.SectionType;
    /// <summary>Error Severity.</summary>
    public uint ErrorSeverity => Declared.ErrorSeverity;
    /// <summary>Revision.</summary>
    public ushort Revision => Declared.Revision;
    /// <summary>Validation Bits: bit 0 FRU Id, bit 1 FRU String, bit 2 Timestamp.</summary>
    public byte ValidationBits => (byte)Declared.ValidationBits;
    /// <summary>Flags (the CPER section descriptor flags, low byte).</summary>
    public byte Flags => Declared.Flags;
    /// <summary>Error Data Length.</summary>
    public uint ErrorDataLength => Declared.ErrorDataLength;
    /// <summary>FRU Id.</summary>
    public Guid FruId => Declared.FruId;
    /// <summary>FRU Text bytes (20, not necessarily NUL-terminated).</summary>
    public ReadOnlySpan<byte> FruTextBytes => Declared.FruText;
    /// <summary>FRU Text up to the first NUL.</summary>
    public string FruText => AsciiField.Decode(FruTextBytes);
    /// <summary>True when the header carries a timestamp (revision 0x300 or later).</summary>
    public bool HasTimestampField => Revision >= GenericErrorStatus.TimestampRevision;
    /// <summary>The timestamp (zero when the revision has none).</summary>
    public CperTimestamp Timestamp => HasTimestampField ? CperTimestamp.Read(_bytes[GenericErrorStatus.TimestampOffset..]) : default;
    /// <summary>The section body (Error Data Length bytes).</summary>
    public ReadOnlySpan<byte> Data => _bytes[HeaderSize..];

    // The declared entry header (Declarations/GhesDeclarations.cs) over the entry's bytes: the fields above read through it.
    private ErrorDataEntryHeaderView Declared => ErrorDataEntryHeaderView.Of(_bytes);
}
