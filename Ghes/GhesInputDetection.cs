using System.Buffers.Binary;

namespace ApeiKit.Ghes;

/// <summary>
/// Recognising what a buffer of APEI bytes is, and pairing a BERT with its boot error region: the logic a tool needs
/// before it can decode input it was not told the kind of (a dump, a file from /sys/firmware/acpi/tables, a region
/// saved by a VMM). Moved out of the <c>apeikit</c> command so that library users read input exactly as the tool does.
/// </summary>
public static class GhesInputDetection
{
    /// <summary>
    /// True when the bytes plausibly are a Generic Error Status Block (ACPI 6.5 §18.3.2.7.1, Table 18.11): not a CPER
    /// record ("CPER" signature), a non-zero Block Status with reserved bits 14-31 clear, a block Error Severity of 0-3
    /// (UEFI 2.10 N.2.1 values), a Data Length that holds at least one Generic Error Data Entry (Table 18.12) and fits
    /// in the bytes, and a first entry with severity 0-3, revision major at most 3, and lengths that fit the Data Length.
    /// A heuristic for unlabelled input; <see cref="GhesBlockValidator"/> is the full check.
    /// </summary>
    public static bool LooksLikeErrorStatusBlock(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < GenericErrorStatus.BlockHeaderSize + GenericErrorStatus.EntryHeaderSize || bytes.StartsWith("CPER"u8)) return false;
        var header = ErrorStatusBlockHeaderView.Of(bytes);
        uint status = header.BlockStatus;
        uint dataLength = header.DataLength;
        uint severity = header.ErrorSeverity;
        if (status == 0 || (status & GenericErrorStatus.BlockStatusReservedMask) != 0 || severity > 3) return false;
        if (dataLength < GenericErrorStatus.EntryHeaderSize || GenericErrorStatus.BlockHeaderSize + (ulong)dataLength > (ulong)bytes.Length) return false;
        return FirstEntryFits(bytes, dataLength);
    }

    /// <summary>
    /// True when the first bytes of a stream plausibly start a Generic Error Status Block: a block header the streamed
    /// framing accepts (<see cref="Streaming.ErrorStatusBlockFraming.IsPlausible"/>) followed by a first Generic Error
    /// Data Entry header (ACPI 6.5 Table 18.12) with severity 0-3, revision major at most 3 and lengths that fit the
    /// block's Data Length. Unlike <see cref="LooksLikeErrorStatusBlock"/>, the rest of the block need not be here yet.
    /// </summary>
    /// <param name="head">The first bytes (at least the block header and an entry header, else false).</param>
    public static bool LooksLikeErrorStatusBlockStart(ReadOnlySpan<byte> head)
    {
        if (head.Length < GenericErrorStatus.BlockHeaderSize + GenericErrorStatus.EntryHeaderSize) return false;
        if (!Streaming.ErrorStatusBlockFraming.Instance.IsPlausible(head[..GenericErrorStatus.BlockHeaderSize], long.MaxValue)) return false;
        return FirstEntryFits(head, ErrorStatusBlockHeaderView.Of(head).DataLength);
    }

    /// <summary>The first entry header (at BlockHeaderSize, whole in <paramref name="bytes"/>): severity 0-3, revision major at most 3, header and Error Data Length within <paramref name="dataLength"/>.</summary>
    private static bool FirstEntryFits(ReadOnlySpan<byte> bytes, uint dataLength)
    {
        var entry = ErrorDataEntryHeaderView.Of(bytes[GenericErrorStatus.BlockHeaderSize..]);
        return entry.ErrorSeverity <= 3 && (entry.Revision >> 8) <= 0x03 && (ulong)entry.HeaderSize + entry.ErrorDataLength <= dataLength;
    }

    /// <summary>
    /// For bytes that start with the "BERT" signature (ACPI 6.5 §18.3.1, Table 18.2), possibly followed by the boot
    /// error region (the table and <c>tables/data/BERT</c> saved as one file): the length of the table part, from the
    /// header's Length field, at least the 48-byte table and at most the bytes given (all of them when the header is cut
    /// before its Length). The rest, <c>bytes[tableLength..]</c>, is the region. False when the signature is absent.
    /// </summary>
    public static bool TrySplitBert(ReadOnlySpan<byte> bytes, out int tableLength)
    {
        tableLength = 0;
        if (bytes.Length < 4 || !BertTable.HasSignature(bytes)) return false;
        tableLength = bytes.Length >= 8
            ? (int)Math.Min(Math.Max(BinaryPrimitives.ReadUInt32LittleEndian(bytes[AcpiTableHeader.LengthOffset..]), (uint)BertTable.Size), (uint)bytes.Length)
            : bytes.Length;
        return true;
    }

    /// <summary>
    /// The part of <paramref name="region"/> that <paramref name="table"/> declares: its first Boot Error Region Length
    /// bytes (ACPI 6.5 Table 18.2), or all of it when fewer were given. Bytes after that length are not the region's.
    /// </summary>
    /// <param name="table">The BERT (at least its 48 bytes; what follows is ignored).</param>
    /// <param name="region">The boot error region as read (e.g. <c>/sys/firmware/acpi/tables/data/BERT</c>).</param>
    /// <exception cref="ApeiContentException">The table is not a BERT or is cut short.</exception>
    public static ReadOnlySpan<byte> PairBertRegion(ReadOnlySpan<byte> table, ReadOnlySpan<byte> region)
    {
        var t = BertTable.Read(table);
        return region[..(int)Math.Min(t.RegionLength, (uint)region.Length)];
    }

    /// <summary>
    /// Decodes the boot error region paired with its BERT (<see cref="PairBertRegion"/>): the error status blocks the
    /// firmware left from the previous boot.
    /// </summary>
    /// <param name="table">The BERT.</param>
    /// <param name="region">The boot error region as read.</param>
    /// <param name="regionOffset">Offset reported for the region's first byte in errors.</param>
    /// <exception cref="ApeiContentException">The table or a block is malformed.</exception>
    public static BootErrorRegion DecodeBertRegion(ReadOnlySpan<byte> table, ReadOnlySpan<byte> region, long regionOffset = 0)
        => BootErrorRegion.Decode(PairBertRegion(table, region), regionOffset);
}
