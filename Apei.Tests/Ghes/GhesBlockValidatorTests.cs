using ApeiKit.Ghes;

namespace ApeiKit.Tests.Ghes;

/// <summary>The Linux consumer checks (ghes_read_estatus, cper_estatus_check_header, cper_estatus_check) on hostile blocks.</summary>
public class GhesBlockValidatorTests
{
    private static GhesFinding Single(GhesValidationResult r, GhesFindingKind kind)
    {
        var f = Assert.Single(r.Findings, x => x.Kind == kind);
        return f;
    }

    [Fact]
    public void A_well_formed_block_has_no_findings()
    {
        var r = GhesBlockValidator.Validate(GhesTestBlocks.TwoEntryBytes(), 1024);
        Assert.Empty(r.Findings);
        Assert.Equal(2, r.EntryCount);
    }

    [Fact]
    public void Block_status_zero_means_empty_and_nothing_else_is_read()
    {
        var bytes = GhesTestBlocks.With(GhesTestBlocks.TwoEntryBytes(), 0, 0);
        bytes[12] = 0xFF; bytes[13] = 0xFF; bytes[14] = 0xFF; bytes[15] = 0xFF; // would be an error if read
        var r = GhesBlockValidator.Validate(bytes);
        Assert.True(r.IsEmpty);
        Assert.True(r.IsValid);
        Assert.Equal(GhesFindingKind.Empty, Assert.Single(r.Findings).Kind);
    }

    [Fact]
    public void Data_length_larger_than_the_block_is_an_error_at_the_data_length_field()
    {
        var bytes = GhesTestBlocks.TwoEntryBytes();
        var bad = GhesTestBlocks.With(bytes, 12, (uint)bytes.Length); // 20 + length > bytes present
        var f = Single(GhesBlockValidator.Validate(bad), GhesFindingKind.DataLengthExceedsBlock);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Equal("DataLength", f.Field);
        Assert.Equal(12, f.Offset);
        Assert.Throws<ApeiContentException>(() => ErrorStatusBlockView.Read(bad.Concat(new byte[100]).ToArray(), out _));
    }

    [Fact]
    public void A_block_longer_than_the_sources_error_status_block_length_is_an_error()
    {
        var bytes = GhesTestBlocks.TwoEntryBytes(); // 248 bytes
        var r = GhesBlockValidator.Validate(bytes.Concat(new byte[1000]).ToArray(), errorStatusBlockLength: 128);
        var f = Single(r, GhesFindingKind.BlockLongerThanSourceLength);
        Assert.Contains("128", f.Expected, StringComparison.Ordinal);
        Assert.Equal("248 bytes", f.Found);
        Assert.Equal(GhesFindingKind.DataLengthExceedsBlock, r.Findings[1].Kind); // and the entries are not walked past 128
        Assert.Equal(0, r.EntryCount);
    }

    [Fact]
    public void Data_length_smaller_than_one_entry_header_is_an_error()
    {
        var bad = GhesTestBlocks.With(GhesTestBlocks.TwoEntryBytes(), 12, 63);
        var f = Single(GhesBlockValidator.Validate(bad), GhesFindingKind.DataLengthTooSmall);
        Assert.Equal("63", f.Found);
    }

    [Fact]
    public void An_entry_longer_than_what_remains_is_an_error_at_its_error_data_length()
    {
        var bytes = GhesTestBlocks.TwoEntryBytes();
        int second = 20 + 72 + 80;
        var bad = GhesTestBlocks.With(bytes, second + 24, 13); // 12 bytes remain after its 64-byte header
        var f = Single(GhesBlockValidator.Validate(bad), GhesFindingKind.EntryLongerThanRemaining);
        Assert.Equal("Generic Error Data Entry #1", f.Structure);
        Assert.Equal("ErrorDataLength", f.Field);
        Assert.Equal(second + 24, f.Offset);
        Assert.Equal("13", f.Found);
        var huge = GhesTestBlocks.With(bytes, 20 + 24, 0xFFFFFFF0); // no overflow: 64-bit arithmetic
        Assert.Equal(GhesFindingKind.EntryLongerThanRemaining, GhesBlockValidator.Validate(huge).FirstError!.Kind);
    }

    [Fact]
    public void Leftover_bytes_after_the_last_entry_are_an_error()
    {
        var block = GhesTestBlocks.TwoEntries();
        var bytes = block.Encode().Concat(new byte[10]).ToArray();
        var bad = GhesTestBlocks.With(bytes, 12, (uint)(bytes.Length - 20)); // data length covers 10 extra bytes
        var f = Single(GhesBlockValidator.Validate(bad), GhesFindingKind.LeftoverBytes);
        Assert.Equal(bytes.Length - 10, f.Offset);
        Assert.Contains("10 bytes left over", f.Found, StringComparison.Ordinal);
    }

    [Fact]
    public void Raw_data_outside_the_block_is_an_error()
    {
        var bytes = GhesTestBlocks.TwoEntries(raw: [1, 2, 3, 4]).Encode();
        var bad = GhesTestBlocks.With(bytes, 8, 400); // raw data length runs past the bytes
        var f = Single(GhesBlockValidator.Validate(bad), GhesFindingKind.RawDataOutsideBlock);
        Assert.Equal("RawDataOffset+RawDataLength", f.Field);
        var r = GhesBlockValidator.Validate(bytes.Concat(new byte[1000]).ToArray(), errorStatusBlockLength: (ulong)bytes.Length - 1);
        Assert.Contains(r.Findings, x => x.Kind == GhesFindingKind.RawDataOutsideBlock);
    }

    [Fact]
    public void Raw_data_that_overlaps_the_entries_is_an_error()
    {
        var bytes = GhesTestBlocks.TwoEntries(raw: [1, 2, 3, 4]).Encode();
        var bad = GhesTestBlocks.With(bytes, 4, 100);
        Single(GhesBlockValidator.Validate(bad), GhesFindingKind.RawDataOverlapsData);
    }

    [Fact]
    public void An_entry_count_that_disagrees_with_the_entries_is_a_warning_as_linux_ignores_it()
    {
        var bytes = GhesTestBlocks.With(GhesTestBlocks.TwoEntryBytes(), 0, 0x3 | (5 << 4));
        var r = GhesBlockValidator.Validate(bytes);
        var f = Single(r, GhesFindingKind.EntryCountMismatch);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.Equal("5", f.Found);
        Assert.True(r.IsValid);
        // The real BERT fixture says 0 entries and holds 2.
        var bert = GhesBlockValidator.Validate(GhesTestBlocks.BertRegionBytes, 1100);
        Assert.Equal(GhesFindingKind.EntryCountMismatch, Assert.Single(bert.Findings).Kind);
    }

    [Fact]
    public void A_revision_0x300_entry_truncated_before_its_timestamp_is_an_error()
    {
        // One revision-0x300 entry with no data: 72 header bytes, but Data Length says 64.
        var block = new ErrorStatusBlock { ErrorSeverity = 2 };
        block.Entries.Add(new ErrorDataEntry { ErrorSeverity = 2, Body = new ApeiKit.Cper.RawSectionBody(Guid.NewGuid(), []) });
        var bytes = block.Encode();
        Assert.Equal(92, bytes.Length);
        var bad = GhesTestBlocks.With(bytes, 12, 64);
        var f = Single(GhesBlockValidator.Validate(bad), GhesFindingKind.EntryHeaderTruncated);
        Assert.Equal("Timestamp", f.Field);
        Assert.Equal(20 + 64, f.Offset);
        Assert.Equal("64 bytes left in DataLength", f.Found);
        Assert.Throws<ApeiContentException>(() => ErrorStatusBlock.Decode(bad, out _));
    }

    [Fact]
    public void Fewer_than_20_bytes_is_a_truncated_header()
    {
        var r = GhesBlockValidator.Validate(new byte[19], baseOffset: 0x100);
        var f = Single(r, GhesFindingKind.HeaderTruncated);
        Assert.Equal(0x100, f.Offset);
    }

    [Fact]
    public void A_failing_block_is_never_read_past_its_bytes()
    {
        // Data Length claims 4 GiB inside a 100-byte buffer: the validator reports and stops.
        var bytes = GhesTestBlocks.With(new byte[100], 0, 1);
        bytes = GhesTestBlocks.With(bytes, 12, 0xFFFFFFFF);
        var r = GhesBlockValidator.Validate(bytes);
        Assert.Equal(GhesFindingKind.DataLengthExceedsBlock, r.FirstError!.Kind);
        Assert.Equal(0, r.EntryCount);
    }
}
