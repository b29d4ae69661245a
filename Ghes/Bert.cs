using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using ApeiKit.Cper;
using ApeiKit.Hest;

namespace ApeiKit.Ghes;

/// <summary>
/// Zero-copy view of the Boot Error Record Table (ACPI 6.5 §18.3.1, Table 18.2): the 36-byte ACPI header, Boot
/// Error Region Length (u32) and Boot Error Region (u64 physical address). The region itself is a Generic Error
/// Status Block (Linux walks several blocks one after another until one is empty).
/// </summary>
public readonly ref struct BertTable
{
    /// <summary>Size of the table.</summary>
    public const int Size = BertDeclaration.Declared.Size;
    /// <summary>Offset of Boot Error Region Length.</summary>
    public const int RegionLengthOffset = BertDeclaration.Declared.BootErrorRegionLengthOffset;
    /// <summary>Offset of Boot Error Region (address).</summary>
    public const int RegionAddressOffset = BertDeclaration.Declared.BootErrorRegionOffset;
    /// <summary>"BERT".</summary>
    public static ReadOnlySpan<byte> Signature => "BERT"u8;

    /// <summary>Layout of the fields after the ACPI header (offsets relative to the table; declared in Declarations/GhesDeclarations.cs).</summary>
    public static StructDef Layout => BertDeclaration.LayoutDef;

    private readonly ReadOnlySpan<byte> _bytes;

    private BertTable(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>True when <paramref name="source"/> starts with the signature "BERT".</summary>
    public static bool HasSignature(ReadOnlySpan<byte> source) => source.StartsWith(Signature);

    /// <summary>
    /// Makes a view of the BERT at the start of <paramref name="source"/> without throwing:
    /// <see cref="System.Buffers.OperationStatus.Done"/>, <see cref="System.Buffers.OperationStatus.NeedMoreData"/> when too few bytes
    /// are present, or <see cref="System.Buffers.OperationStatus.InvalidData"/> with <paramref name="error"/> saying what is wrong,
    /// for what the bool overload throws for.
    /// </summary>
    /// <param name="source">Bytes starting at the BERT.</param>
    /// <param name="table">The view when <see cref="System.Buffers.OperationStatus.Done"/>.</param>
    /// <param name="error">The content error when <see cref="System.Buffers.OperationStatus.InvalidData"/>, else null.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> in the input (for error positions).</param>
    public static System.Buffers.OperationStatus TryRead(ReadOnlySpan<byte> source, out BertTable table, out ApeiContentException? error, long baseOffset = 0)
        => ContentStatus.ToStatus(error = Check(source, out table, baseOffset, out bool complete), complete);

    /// <summary>Makes a view over the first 48 bytes; false when fewer are present.</summary>
    /// <exception cref="ApeiContentException">The signature is not "BERT", or the header's Length is below 48.</exception>
    public static bool TryRead(ReadOnlySpan<byte> source, out BertTable table, long baseOffset = 0)
        => ContentStatus.ThrowIfInvalid(Check(source, out table, baseOffset, out bool complete), complete);

    // The one check behind both TryRead overloads: the content error, or null (then complete says whether the view was made).
    private static ApeiContentException? Check(ReadOnlySpan<byte> source, out BertTable table, long baseOffset, out bool complete)
    {
        table = default;
        complete = false;
        if (source.Length >= 4 && !HasSignature(source))
            return ApeiContentException.Invalid("BERT", "Signature", baseOffset, "\"BERT\"", FieldFormat.HexBytes(source[..4]));
        if (source.Length < Size) return null;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(source[AcpiTableHeader.LengthOffset..]);
        if (length < Size)
            return ApeiContentException.Invalid("BERT", "Length", baseOffset + AcpiTableHeader.LengthOffset, $">= {Size}", length.ToString(CultureInfo.InvariantCulture));
        table = new BertTable(source[..Size]);
        complete = true;
        return null;
    }

    /// <summary>Reads the table; throws when truncated or malformed.</summary>
    /// <exception cref="ApeiContentException">Truncated table, bad signature or length.</exception>
    public static BertTable Read(ReadOnlySpan<byte> source, long baseOffset = 0)
    {
        if (!TryRead(source, out var t, baseOffset)) ThrowHelper.ThrowTruncated("BERT", baseOffset, Size, source.Length);
        return t;
    }

    /// <summary>The 48 table bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;
    /// <summary>The ACPI header.</summary>
    public AcpiTableHeader Header => AcpiTableHeader.Read(_bytes);
    /// <summary>Boot Error Region Length.</summary>
    public uint RegionLength => Body.BootErrorRegionLength;
    /// <summary>Boot Error Region physical address.</summary>
    public ulong RegionAddress => Body.BootErrorRegion;
    /// <summary>True when the table's bytes sum to zero.</summary>
    public bool IsChecksumValid => Checksum.IsValid(_bytes);

    // The declared body (Declarations/GhesDeclarations.cs) over the 48 bytes: the fields are read through its generated view.
    private BertBodyView Body => BertBodyView.Of(_bytes); // no validation field: a view of any bytes
}

/// <summary>An editable BERT (ACPI 6.5 §18.3.1): header values and the boot error region pointer. Encodes 48 bytes with a correct checksum.</summary>
public sealed class BertTableData : IApeiEncodable
{
    /// <summary>ACPI header values (signature "BERT").</summary>
    public AcpiTableHeaderData Header { get; set; } = new() { Signature = "BERT", Revision = 1 };
    /// <summary>Boot Error Region Length.</summary>
    public uint RegionLength { get; set; }
    /// <summary>Boot Error Region address.</summary>
    public ulong RegionAddress { get; set; }
    /// <summary>The checksum byte to write; null computes the correct one (decode keeps the original so round trips are exact).</summary>
    public byte? ChecksumByte { get; set; }

    /// <summary>Decodes the 48-byte table.</summary>
    /// <exception cref="ApeiContentException">Truncated or malformed.</exception>
    public static BertTableData Decode(ReadOnlySpan<byte> source, long baseOffset = 0)
    {
        var t = BertTable.Read(source, baseOffset);
        var decoded = DecodedAcpiHeader.Of(t.Header, t.Bytes);
        return new BertTableData
        {
            Header = decoded.Values, RegionLength = t.RegionLength, RegionAddress = t.RegionAddress,
            ChecksumByte = t.IsChecksumValid ? null : t.Header.Checksum,
            _decoded = decoded,
        };
    }

    // The header as decoded, written back verbatim while Header is unchanged, its Length too (a Length other than 48
    // survives; the HEST and ERST/EINJ models write the encoded length instead).
    private DecodedAcpiHeader? _decoded;

    /// <summary>48 (<see cref="BertTable.Size"/>).</summary>
    public int GetEncodedLength() => BertTable.Size;

    /// <summary>Encodes the table; false when <paramref name="destination"/> is too small.</summary>
    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        if (!ApeiEncodable.TryTake(destination, BertTable.Size, out var d, out bytesWritten)) return false;
        DecodedAcpiHeader.Write(_decoded, Header, d, BertTable.Size, keepLength: true);
        BinaryPrimitives.WriteUInt32LittleEndian(d[BertTable.RegionLengthOffset..], RegionLength);
        BinaryPrimitives.WriteUInt64LittleEndian(d[BertTable.RegionAddressOffset..], RegionAddress);
        d[AcpiTableHeader.ChecksumOffset] = ChecksumByte ?? Checksum.Compute(d, AcpiTableHeader.ChecksumOffset);
        bytesWritten = BertTable.Size;
        return true;
    }
}

/// <summary>
/// The boot error region a BERT points at: Generic Error Status Blocks one after another (Linux <c>bert_print_all</c>
/// walks them until fewer than 20 bytes remain or a block is empty), then whatever bytes fill the rest of the
/// region (kept, so the region re-encodes to exactly its length).
/// </summary>
public sealed class BootErrorRegion : IApeiEncodable
{
    /// <summary>The non-empty blocks, in order.</summary>
    public List<ErrorStatusBlock> Blocks { get; } = [];
    /// <summary>The bytes after the last block (an empty block's header and the padding), kept verbatim.</summary>
    public byte[] Trailing { get; set; } = [];

    /// <summary>
    /// Where the block at <paramref name="pos"/> of a region ends: its declared length (Data Length, or the raw data's
    /// end), or, when a later block starts inside that (<see cref="Streaming.ErrorStatusBlockFraming.FindBreak"/>, the rule
    /// every sequence of blocks is framed by), the start of that block: the block was cut short (<paramref name="cut"/>).
    /// The one walk of a region's blocks: the describer, the validator and <see cref="Decode"/> step with it.
    /// </summary>
    /// <param name="region">The region (at most its Boot Error Region Length).</param>
    /// <param name="pos">Offset of a block header (at least 20 bytes left).</param>
    /// <param name="cut">The block was cut short by the next one.</param>
    /// <returns>The bytes to step over: at most what is left of the region.</returns>
    public static int BlockExtent(ReadOnlySpan<byte> region, int pos, out bool cut)
    {
        cut = false;
        var rest = region[pos..];
        ulong declared = Math.Max(GenericErrorStatus.BlockLength(rest), (ulong)GenericErrorStatus.BlockHeaderSize);
        int window = (int)Math.Min(declared, (ulong)rest.Length);
        // The candidate block after the break is judged on its own bytes too: copy the declared extent and a block's worth beyond it.
        int copy = (int)Math.Min((ulong)rest.Length, declared + GenericErrorStatus.BlockHeaderSize + GenericErrorStatus.EntryHeaderSizeWithTimestamp + 4096);
        var bytes = new System.Buffers.ReadOnlySequence<byte>(rest[..copy].ToArray());
        long from = 0;
        var search = Streaming.ErrorStatusBlockFraming.Instance.FindBreak(bytes, 0, (long)declared, ref from, window, endOfStream: true, maxRecordSize: long.MaxValue, out long at);
        if (search == Cper.Streaming.BreakSearch.Found)
        {
            cut = true;
            return (int)at;
        }
        return window;
    }

    /// <summary>Decodes a region of exactly <paramref name="source"/>'s length.</summary>
    /// <param name="source">The boot error region's bytes.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> (for error offsets).</param>
    /// <param name="options">The section codecs (vendor codecs added), limits and ARM error-type reading; null: <see cref="CperDecodeOptions.Default"/>.</param>
    /// <exception cref="ApeiContentException">A block is malformed or overruns the region.</exception>
    public static BootErrorRegion Decode(ReadOnlySpan<byte> source, long baseOffset = 0, CperDecodeOptions? options = null)
    {
        ReadOnlySpan<byte> region = source;
        var r = new BootErrorRegion();
        int pos = 0;
        while (region.Length - pos >= GenericErrorStatus.BlockHeaderSize && ErrorStatusBlockHeaderView.Of(region[pos..]).BlockStatus != 0)
        {
            int extent = BlockExtent(region, pos, out bool cut);
            if (cut)
                throw new ApeiContentException("Generic Error Status Block", "DataLength", baseOffset + pos + GenericErrorStatus.DataLengthOffset,
                    $"a block that ends before the next one (at offset {baseOffset + pos + extent})", "a block cut short: the next block starts inside it");
            var check = GhesBlockValidator.Validate(region[pos..], (ulong)(region.Length - pos), baseOffset + pos);
            check.ThrowIfInvalid();
            r.Blocks.Add(ErrorStatusBlock.Decode(region[pos..], out int n, baseOffset + pos, options));
            pos += n;
        }
        r.Trailing = region[pos..].ToArray();
        return r;
    }

    /// <summary>Encoded length: the blocks plus the trailing bytes.</summary>
    public int GetEncodedLength()
    {
        long n = Trailing.Length;
        foreach (var b in Blocks) n += b.GetEncodedLength();
        return ApeiEncodable.Length(n, "region");
    }

    /// <summary>Writes the blocks and the trailing bytes; false (and nothing written) when <paramref name="destination"/> is too small.</summary>
    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        int length = GetEncodedLength();
        if (destination.Length < length) return false;
        int pos = 0;
        foreach (var b in Blocks)
        {
            if (!b.TryEncode(destination[pos..], out int n)) return false;
            pos += n;
        }
        Trailing.CopyTo(destination[pos..]);
        bytesWritten = length;
        return true;
    }
}

/// <summary>Checks a BERT and its region the way Linux <c>bert_check_table</c> and <c>bert_print_all</c> do, plus the checksum and the spec's rules.</summary>
public static class BertValidator
{
    /// <summary>Checks the table (and the region, when given).</summary>
    /// <param name="table">The table bytes.</param>
    /// <param name="region">The region bytes (from <c>/sys/firmware/acpi/tables/data/BERT</c> or after the table), or empty when not at hand.</param>
    /// <param name="tableOffset">Absolute offset of the table in the input.</param>
    /// <param name="regionOffset">Absolute offset of the region in the input.</param>
    /// <returns>Findings of the table, then of each block walked.</returns>
    public static List<GhesFinding> Validate(ReadOnlySpan<byte> table, ReadOnlySpan<byte> region, long tableOffset = 0, long regionOffset = 0)
    {
        var findings = new List<GhesFinding>();
        if (HeaderFinding(table, tableOffset, out var t, out _) is { } headerFinding)
        {
            findings.Add(headerFinding);
            return findings;
        }
        // The checksum covers the table's Length (ACPI 6.5 §5.2.6), which may be more than the 48 bytes the BERT defines;
        // when those bytes are not all at hand there is no sum to check.
        uint declared = t.Header.Length;
        // Length against the bytes present, the rule HEST, ERST and EINJ follow: past them an error, short of them a warning.
        if (declared > (uint)table.Length)
            findings.Add(new(GhesFindingKind.LengthPastBytes, FindingSeverity.Error, "BERT", "Length", tableOffset + AcpiTableHeader.LengthOffset,
                $"at most the {table.Length} bytes present", declared.ToString(CultureInfo.InvariantCulture)));
        else if (declared < (uint)table.Length)
            findings.Add(new(GhesFindingKind.BytesAfterLength, FindingSeverity.Warning, "BERT", "Length", tableOffset + AcpiTableHeader.LengthOffset,
                $"{table.Length} (the bytes present; the {table.Length - declared} bytes after Length are ignored)", declared.ToString(CultureInfo.InvariantCulture)));
        if (declared <= (uint)table.Length && !Checksum.IsValid(table[..(int)declared]))
            findings.Add(new(GhesFindingKind.ChecksumMismatch, FindingSeverity.Warning, "BERT", "Checksum", tableOffset + AcpiTableHeader.ChecksumOffset,
                $"0x{Checksum.Compute(table[..(int)declared], AcpiTableHeader.ChecksumOffset):X2} (bytes summing to 0)", $"0x{t.Header.Checksum:X2}"));
        if (region.IsEmpty) return findings;
        uint length = t.RegionLength;
        if (region.Length < length)
            findings.Add(new(GhesFindingKind.RegionTruncated, FindingSeverity.Error, "BERT", "BootErrorRegionLength", tableOffset + BertTable.RegionLengthOffset,
                $"at most the {region.Length} region bytes present", length.ToString(CultureInfo.InvariantCulture)));
        var r = region[..(int)Math.Min(length, (uint)region.Length)];
        if (RegionTooShort(r, regionOffset) is { } tooShort) findings.Add(tooShort);
        int pos = 0, index = 0;
        while (r.Length - pos >= GenericErrorStatus.BlockHeaderSize)
        {
            int extent = BootErrorRegion.BlockExtent(r, pos, out bool cut);
            if (cut)
            {
                // Cut short by the next block: report it and go on with that block (nothing after it is lost).
                findings.Add(CutShort(r, pos, extent, regionOffset));
                pos += extent;
                index++;
                continue;
            }
            var result = GhesBlockValidator.Validate(r[pos..], (ulong)(r.Length - pos), regionOffset + pos);
            if (result.IsEmpty)
            {
                if (index == 0) findings.AddRange(result.Findings);
                break;
            }
            findings.AddRange(result.Findings);
            if (!result.IsValid) break;
            pos += (int)result.BlockLength;
            index++;
        }
        return findings;
    }

    /// <summary>
    /// The finding for a table the BERT view cannot be made over, or null with the view: fewer than its 48 bytes, or a
    /// header no BERT has (Signature not "BERT", Length below 48: ACPI 6.5 Table 18.2). <paramref name="error"/> is the
    /// content error to report (never thrown).
    /// </summary>
    internal static GhesFinding? HeaderFinding(ReadOnlySpan<byte> table, long tableOffset, out BertTable view, out ApeiContentException error)
    {
        view = default;
        if (table.Length < BertTable.Size)
        {
            error = ApeiContentException.Truncated("BERT", tableOffset, BertTable.Size, table.Length);
            return new(GhesFindingKind.HeaderTruncated, FindingSeverity.Error, "BERT", null, tableOffset, $"{BertTable.Size} bytes", $"{table.Length} bytes");
        }
        if (BertTable.TryRead(table, out view, out var invalid, tableOffset) == OperationStatus.Done)
        {
            error = null!;
            return null;
        }
        error = invalid!;
        return new(GhesFindingKind.HeaderInvalid, FindingSeverity.Error, invalid!.Structure, invalid.Field, invalid.Offset, invalid.Expected, invalid.Found);
    }

    /// <summary>
    /// The finding for a boot error region (within its Boot Error Region Length) holding bytes but fewer than one Generic
    /// Error Status Block header (20 bytes, ACPI 6.5 Table 18.11), or null: no block can be read from it.
    /// </summary>
    internal static GhesFinding? RegionTooShort(ReadOnlySpan<byte> region, long regionOffset)
        => region.Length is > 0 and < GenericErrorStatus.BlockHeaderSize
            ? new(GhesFindingKind.HeaderTruncated, FindingSeverity.Error, "Generic Error Status Block", null, regionOffset,
                string.Create(CultureInfo.InvariantCulture, $"at least {GenericErrorStatus.BlockHeaderSize} bytes (a block header; the region is shorter)"),
                string.Create(CultureInfo.InvariantCulture, $"{region.Length} bytes"))
            : null;

    /// <summary>The finding for a block of a region cut short by the next block.</summary>
    internal static GhesFinding CutShort(ReadOnlySpan<byte> region, int pos, int extent, long regionOffset)
        => new(GhesFindingKind.BlockCutShort, FindingSeverity.Error, "Generic Error Status Block", "DataLength", regionOffset + pos + GenericErrorStatus.DataLengthOffset,
            string.Create(CultureInfo.InvariantCulture, $"at most {extent - GenericErrorStatus.BlockHeaderSize} (the next block starts at offset {regionOffset + pos + extent})"),
            ErrorStatusBlockHeaderView.Of(region[pos..]).DataLength.ToString(CultureInfo.InvariantCulture));
}

/// <summary>A BERT and the boot error region it points at, built from error status blocks (<see cref="BertBuilder"/>).</summary>
/// <param name="Table">The 48-byte BERT (checksum set).</param>
/// <param name="Region">The region: the blocks one after another.</param>
/// <param name="RegionAddress">The physical address the table points at.</param>
public sealed record BertBuildResult(byte[] Table, byte[] Region, ulong RegionAddress);

/// <summary>
/// Builds a BERT (ACPI 6.5 §18.3.1) and its boot error region: one Generic Error Status Block per record, one after
/// another, which is what Linux <c>bert_print_all</c> walks (until fewer than 20 bytes remain or a block is empty) and
/// what <see cref="BootErrorRegion.Decode"/> reads back.
/// </summary>
public static class BertBuilder
{
    /// <summary>Builds the table and region for <paramref name="blocks"/> at <paramref name="regionAddress"/>.</summary>
    /// <exception cref="ArgumentException">No blocks, an empty block (it would end Linux's walk), or a region over 4 GiB.</exception>
    public static BertBuildResult Build(IReadOnlyList<ErrorStatusBlock> blocks, ulong regionAddress, AcpiTableHeaderData? header = null)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count == 0) throw new ArgumentException("A boot error region needs at least one record.", nameof(blocks));
        var region = new BootErrorRegion();
        for (int i = 0; i < blocks.Count; i++)
        {
            if (blocks[i].Entries.Count == 0 && (blocks[i].BlockStatus ?? 0) == 0)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Record {i + 1} is an empty block (Block Status 0): Linux would stop reading the region there."), nameof(blocks));
            region.Blocks.Add(blocks[i]);
        }
        var bytes = region.Encode();
        var table = new BertTableData { RegionLength = checked((uint)bytes.Length), RegionAddress = regionAddress };
        if (header is not null) table.Header = header with { Signature = "BERT" };
        return new BertBuildResult(table.Encode(), bytes, regionAddress);
    }
}
