using System.Buffers.Binary;
using System.Globalization;

namespace ApeiKit.Ghes;

/// <summary>What a <see cref="GhesFinding"/> is about.</summary>
public enum GhesFindingKind
{
    /// <summary>Fewer than the 20 header bytes.</summary>
    HeaderTruncated,
    /// <summary>Block Status is zero: the block holds no error (Linux: <c>-ENOENT</c>, nothing to read). Not a fault.</summary>
    Empty,
    /// <summary>The block (20 + data length, or raw data end) is longer than the error source's ErrorStatusBlockLength.</summary>
    BlockLongerThanSourceLength,
    /// <summary>20 + Data Length runs past the bytes of the block (or of the source's ErrorStatusBlockLength).</summary>
    DataLengthExceedsBlock,
    /// <summary>Data Length is non-zero but smaller than one 64-byte entry header (Linux <c>cper_estatus_check_header</c>).</summary>
    DataLengthTooSmall,
    /// <summary>Raw data starts inside the header or the entries (Linux <c>cper_estatus_check_header</c>).</summary>
    RawDataOverlapsData,
    /// <summary>Raw data ends past the bytes of the block (or of the source's ErrorStatusBlockLength).</summary>
    RawDataOutsideBlock,
    /// <summary>An entry's header (64 or 72 bytes) does not fit in what remains of Data Length; for revision 0x300 this is the timestamp cut off.</summary>
    EntryHeaderTruncated,
    /// <summary>An entry's Error Data Length runs past what remains of Data Length.</summary>
    EntryLongerThanRemaining,
    /// <summary>Bytes left over after the last entry that cannot hold another entry header.</summary>
    LeftoverBytes,
    /// <summary>Block Status' entry count (bits 4-13) differs from the entries present. The spec requires it; Linux does not check it.</summary>
    EntryCountMismatch,
    /// <summary>Block Status bits 14-31 are reserved but set.</summary>
    ReservedBitsSet,
    /// <summary>A severity outside 0-3.</summary>
    SeverityOutOfRange,
    /// <summary>An ACPI table's bytes do not sum to zero.</summary>
    ChecksumMismatch,
    /// <summary>A BERT's Boot Error Region Length is larger than the region bytes at hand.</summary>
    RegionTruncated,
    /// <summary>A block of a sequence (a BERT region) whose Data Length runs past the start of the next block: it was cut short there.</summary>
    BlockCutShort,
    /// <summary>An ACPI table's Length is past the bytes present (its checksum then cannot be checked).</summary>
    LengthPastBytes,
    /// <summary>An ACPI table's bytes go on after its Length: those bytes are not the table's and are ignored.</summary>
    BytesAfterLength,
    /// <summary>An ACPI table's header has a Signature not the table's, or a Length below the table's size: the table cannot be read.</summary>
    HeaderInvalid,
}

/// <summary>One result of <see cref="GhesBlockValidator"/>: what, where (structure, field, absolute offset) and expected vs found.</summary>
/// <remarks>Severity: <see cref="FindingSeverity.Error"/> when Linux rejects the block (or reading on would leave the
/// block's bytes), <see cref="FindingSeverity.Warning"/> when the specification is not followed but Linux reads the block
/// anyway, <see cref="FindingSeverity.Info"/> for a state worth knowing (an empty block).</remarks>
public sealed record GhesFinding(GhesFindingKind Kind, FindingSeverity Severity, string Structure, string? Field, long Offset, string? Expected, string? Found)
    : ApeiFinding(Severity, Offset, Structure, Field)
{
    /// <inheritdoc/>
    public override string Message => Summary;

    /// <summary>The finding as the one content exception type (for renderers and strict decoders).</summary>
    public ApeiContentException ToException() => new(Structure, Field, Offset, Expected, Found, Summary);

    /// <summary>A few words saying what is wrong.</summary>
    public string Summary => Kind switch
    {
        GhesFindingKind.HeaderTruncated => "truncated",
        GhesFindingKind.Empty => "empty block",
        GhesFindingKind.BlockLongerThanSourceLength => "block longer than the source's ErrorStatusBlockLength",
        GhesFindingKind.DataLengthExceedsBlock => "data length runs past the block",
        GhesFindingKind.DataLengthTooSmall => "data length too small for one entry",
        GhesFindingKind.RawDataOverlapsData => "raw data overlaps the entries",
        GhesFindingKind.RawDataOutsideBlock => "raw data outside the block",
        GhesFindingKind.EntryHeaderTruncated => "entry header cut off",
        GhesFindingKind.EntryLongerThanRemaining => "entry longer than what remains of the data",
        GhesFindingKind.LeftoverBytes => "bytes left over after the entries",
        GhesFindingKind.EntryCountMismatch => "entry count does not match the entries",
        GhesFindingKind.ReservedBitsSet => "reserved bits set",
        GhesFindingKind.SeverityOutOfRange => "severity out of range",
        GhesFindingKind.ChecksumMismatch => "checksum mismatch",
        GhesFindingKind.RegionTruncated => "region shorter than its declared length",
        GhesFindingKind.LengthPastBytes => "Length is past the bytes present",
        GhesFindingKind.BytesAfterLength => "the bytes after Length are ignored",
        GhesFindingKind.HeaderInvalid => "invalid table header",
        _ => Kind.ToString(),
    };

    /// <inheritdoc/>
    public override string ToString() => $"{Severity}: {ToException().Message}";
}

/// <summary>The findings for one block, and what the walk could establish.</summary>
public sealed class GhesValidationResult
{
    /// <summary>All findings in the order found.</summary>
    public List<GhesFinding> Findings { get; } = [];
    /// <summary>Block Status is zero.</summary>
    public bool IsEmpty => Findings.Exists(f => f.Kind == GhesFindingKind.Empty);
    /// <summary>No finding of level <see cref="FindingSeverity.Error"/>.</summary>
    public bool IsValid => !Findings.Exists(f => f.Severity == FindingSeverity.Error);
    /// <summary>The bytes the block occupies (Linux <c>cper_estatus_len</c>), when the header was readable.</summary>
    public ulong BlockLength { get; internal set; }
    /// <summary>Entries walked without a fault.</summary>
    public int EntryCount { get; internal set; }
    /// <summary>The first error, or null.</summary>
    public GhesFinding? FirstError => Findings.Find(f => f.Severity == FindingSeverity.Error);
    /// <summary>Throws the first error as <see cref="ApeiContentException"/>.</summary>
    /// <exception cref="ApeiContentException">There is an error finding.</exception>
    public void ThrowIfInvalid()
    {
        if (FirstError is { } e) throw e.ToException();
    }
}

/// <summary>
/// The checks an OS consumer makes before trusting a Generic Error Status Block, after Linux
/// <c>ghes_read_estatus</c>, <c>cper_estatus_check_header</c> and <c>cper_estatus_check</c>, plus the spec's
/// entry count (ACPI 6.5 §18.3.2.7.1). Every length is checked in 64-bit arithmetic against the bytes present
/// and, when given, the source's ErrorStatusBlockLength before anything is read at that position: a failing
/// block is reported precisely and never read past.
/// </summary>
public static class GhesBlockValidator
{
    private const string Block = "Generic Error Status Block";

    /// <summary>Checks the block at the start of <paramref name="block"/>.</summary>
    /// <param name="block">The bytes of the block; more may follow (they are not read).</param>
    /// <param name="errorStatusBlockLength">The error source's ErrorStatusBlockLength (HEST GHES field), or null when unknown (BERT gives its region length).</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="block"/> in the input, for the findings.</param>
    public static GhesValidationResult Validate(ReadOnlySpan<byte> block, ulong? errorStatusBlockLength = null, long baseOffset = 0)
    {
        var r = new GhesValidationResult();
        Walk(block, errorStatusBlockLength, baseOffset, r, out _);
        return r;
    }

    /// <summary>
    /// The entries of the block at the start of <paramref name="block"/> when <see cref="Validate"/> (with no
    /// ErrorStatusBlockLength) finds no error in it, else false; an empty block (Block Status zero) is valid with no
    /// entries, as <see cref="Validate"/> says. It is the same walk as <see cref="Validate"/>'s, run without a result:
    /// it stops at the first error and builds no finding or message, so a reader of a valid block allocates nothing and
    /// runs <see cref="Validate"/> only to say what is wrong.
    /// </summary>
    internal static bool TryCountEntries(ReadOnlySpan<byte> block, out int entryCount)
        => Walk(block, null, 0, null, out entryCount);

    /// <summary>
    /// The one walk behind <see cref="Validate"/> and <see cref="TryCountEntries"/> (ACPI 6.5 §18.3.2.7.1, Tables 18.11
    /// and 18.12; Linux <c>cper_estatus_check_header</c> and <c>cper_estatus_check</c>): with <paramref name="r"/> every
    /// finding is added to it; without, the walk returns false at the first check that would add an error finding, and
    /// no finding or text is built (warnings and the empty block's note are only made for <paramref name="r"/>).
    /// True when no error was found; <paramref name="entryCount"/> is then the entries walked (else 0).
    /// </summary>
    private static bool Walk(ReadOnlySpan<byte> block, ulong? errorStatusBlockLength, long baseOffset, GhesValidationResult? r, out int entryCount)
    {
        entryCount = 0;
        bool ok = true;
        if (block.Length < GenericErrorStatus.BlockHeaderSize)
        {
            r?.Findings.Add(new(GhesFindingKind.HeaderTruncated, FindingSeverity.Error, Block, null, baseOffset, "20 bytes", $"{block.Length} bytes"));
            return false;
        }
        var header = ErrorStatusBlockHeaderView.Of(block);
        uint status = header.BlockStatus;
        uint rawOffset = header.RawDataOffset;
        uint rawLength = header.RawDataLength;
        uint dataLength = header.DataLength;
        ulong blockLength = GenericErrorStatus.BlockLength(block);
        if (r is not null) r.BlockLength = blockLength;
        if (status == 0)
        {
            r?.Findings.Add(new(GhesFindingKind.Empty, FindingSeverity.Info, Block, "BlockStatus", baseOffset, "non-zero when an error is recorded", "0 (empty: nothing to read)"));
            return true;
        }
        if (r is not null)
        {
            uint severity = header.ErrorSeverity;
            if ((status & GenericErrorStatus.BlockStatusReservedMask) != 0)
                r.Findings.Add(new(GhesFindingKind.ReservedBitsSet, FindingSeverity.Warning, Block, "BlockStatus", baseOffset, "bits 14-31 zero", Hex(status)));
            if (severity > 3)
                r.Findings.Add(new(GhesFindingKind.SeverityOutOfRange, FindingSeverity.Warning, Block, "ErrorSeverity", baseOffset + GenericErrorStatus.BlockSeverityOffset, "0-3", Dec(severity)));
        }

        // The limit nothing may pass: the bytes present, and the source's declared block length.
        ulong limit = (ulong)block.Length;
        if (errorStatusBlockLength is { } esbl)
        {
            if (blockLength > esbl)
            {
                if (r is null) return false;
                ok = false;
                r.Findings.Add(new(GhesFindingKind.BlockLongerThanSourceLength, FindingSeverity.Error, Block, rawLength != 0 ? "RawDataOffset+RawDataLength" : "DataLength",
                    baseOffset + (rawLength != 0 ? GenericErrorStatus.RawDataOffsetOffset : GenericErrorStatus.DataLengthOffset),
                    $"a block of at most ErrorStatusBlockLength = {esbl} bytes", $"{blockLength} bytes"));
            }
            if (esbl < limit) limit = esbl;
        }
        ulong dataEnd = GenericErrorStatus.BlockHeaderSize + (ulong)dataLength;
        bool dataFits = dataEnd <= limit;
        if (!dataFits)
        {
            if (r is null) return false;
            ok = false;
            r.Findings.Add(new(GhesFindingKind.DataLengthExceedsBlock, FindingSeverity.Error, Block, "DataLength", baseOffset + GenericErrorStatus.DataLengthOffset,
                $"20 + DataLength within {LimitText(block.Length, errorStatusBlockLength)}", $"20 + {dataLength} = {dataEnd}"));
        }
        if (DataLengthTooSmall(dataLength))
        {
            if (r is null) return false;
            ok = false;
            r.Findings.Add(new(GhesFindingKind.DataLengthTooSmall, FindingSeverity.Error, Block, "DataLength", baseOffset + GenericErrorStatus.DataLengthOffset,
                "0, or at least one 64-byte entry header", Dec(dataLength)));
        }
        if (rawLength != 0)
        {
            if (RawDataOverlapsData(rawOffset, rawLength, dataLength))
            {
                if (r is null) return false;
                ok = false;
                r.Findings.Add(new(GhesFindingKind.RawDataOverlapsData, FindingSeverity.Error, Block, "RawDataOffset", baseOffset + GenericErrorStatus.RawDataOffsetOffset,
                    $">= 20 + DataLength = {dataEnd} (after the entries)", Dec(rawOffset)));
            }
            ulong rawEnd = (ulong)rawOffset + rawLength;
            if (rawEnd > limit)
            {
                if (r is null) return false;
                ok = false;
                r.Findings.Add(new(GhesFindingKind.RawDataOutsideBlock, FindingSeverity.Error, Block, "RawDataOffset+RawDataLength", baseOffset + GenericErrorStatus.RawDataOffsetOffset,
                    $"raw data within {LimitText(block.Length, errorStatusBlockLength)}", $"0x{rawOffset:X}+0x{rawLength:X} = {rawEnd}"));
            }
        }
        if (!dataFits) return false; // never walk entries past the block

        // cper_estatus_check: walk the entries within Data Length.
        var data = block.Slice(GenericErrorStatus.BlockHeaderSize, (int)dataLength);
        int pos = 0, index = 0;
        while (pos < data.Length)
        {
            int remaining = data.Length - pos;
            long at = baseOffset + GenericErrorStatus.BlockHeaderSize + pos;
            if (remaining < GenericErrorStatus.EntryHeaderSize)
            {
                r?.Findings.Add(new(GhesFindingKind.LeftoverBytes, FindingSeverity.Error, Block, "DataLength", at,
                    index == 0 ? "entries that fill DataLength exactly" : $"DataLength to end after entry #{index - 1}", $"{remaining} bytes left over, too few for a 64-byte entry header"));
                return false;
            }
            var entryHeader = ErrorDataEntryHeaderView.Of(data[pos..]);
            int headerSize = entryHeader.HeaderSize;
            if (headerSize > remaining)
            {
                r?.Findings.Add(new(GhesFindingKind.EntryHeaderTruncated, FindingSeverity.Error, EntryName(index), "Timestamp", at + GenericErrorStatus.TimestampOffset,
                    $"{headerSize} header bytes (revision 0x{entryHeader.Revision:X4} carries the timestamp)", $"{remaining} bytes left in DataLength"));
                return false;
            }
            uint length = entryHeader.ErrorDataLength;
            if (length > (uint)(remaining - headerSize))
            {
                r?.Findings.Add(new(GhesFindingKind.EntryLongerThanRemaining, FindingSeverity.Error, EntryName(index), "ErrorDataLength", at + GenericErrorStatus.ErrorDataLengthOffset,
                    $"at most {remaining - headerSize} bytes (what remains of DataLength after the {headerSize}-byte header)", Dec(length)));
                return false;
            }
            uint entrySeverity = entryHeader.ErrorSeverity;
            if (r is not null && entrySeverity > 3)
                r.Findings.Add(new(GhesFindingKind.SeverityOutOfRange, FindingSeverity.Warning, EntryName(index), "ErrorSeverity", at + GenericErrorStatus.EntrySeverityOffset, "0-3", Dec(entrySeverity)));
            pos += headerSize + (int)length;
            index++;
        }
        if (r is not null)
        {
            r.EntryCount = index;
            uint declared = (status >> GenericErrorStatus.EntryCountShift) & GenericErrorStatus.EntryCountMask;
            if (declared != (uint)index)
                r.Findings.Add(new(GhesFindingKind.EntryCountMismatch, FindingSeverity.Warning, Block, "BlockStatus.ErrorDataEntryCount", baseOffset,
                    $"{index} (the entries in DataLength)", Dec(declared)));
        }
        if (!ok) return false;
        entryCount = index;
        return true;
    }

    private static string EntryName(int index) => $"Generic Error Data Entry #{index}";

    private static string LimitText(int present, ulong? errorStatusBlockLength)
        => errorStatusBlockLength is { } esbl && esbl < (ulong)present ? $"ErrorStatusBlockLength ({esbl} bytes)" : $"the {present} bytes present";

    // Linux cper_estatus_check_header: a non-zero Data Length smaller than one entry header.
    private static bool DataLengthTooSmall(uint dataLength) => dataLength != 0 && dataLength < GenericErrorStatus.EntryHeaderSize;

    // Linux cper_estatus_check_header: raw data that starts inside the header or the entries.
    private static bool RawDataOverlapsData(uint rawOffset, uint rawLength, uint dataLength)
        => rawLength != 0 && rawOffset < GenericErrorStatus.BlockHeaderSize + (ulong)dataLength;

    /// <summary>
    /// True when the header alone is malformed in a way no more bytes can fix (<see cref="GhesFindingKind.DataLengthTooSmall"/>
    /// or <see cref="GhesFindingKind.RawDataOverlapsData"/>): Data Length below one entry header, or raw data that starts
    /// inside the entries. The same two conditions the walk checks.
    /// </summary>
    internal static bool HeaderCannotHoldEntries(ErrorStatusBlockHeaderView header)
        => DataLengthTooSmall(header.DataLength) || RawDataOverlapsData(header.RawDataOffset, header.RawDataLength, header.DataLength);

    private static string Dec(uint v) => v.ToString(CultureInfo.InvariantCulture);
    private static string Hex(uint v) => "0x" + v.ToString("X8", CultureInfo.InvariantCulture);
}
