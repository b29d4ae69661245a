using ApeiKit.Ghes;

namespace ApeiKit.Tests.Ghes;

public class BertTests
{
    [Fact]
    public void A_region_with_two_blocks_then_an_empty_one_is_walked_like_linux_does()
    {
        var a = GhesTestBlocks.TwoEntryBytes();
        var b = GhesTestBlocks.TwoEntries(raw: [7, 7]).Encode();
        var region = a.Concat(b).Concat(new byte[40]).ToArray(); // then an empty block header and padding
        var decoded = BootErrorRegion.Decode(region);
        Assert.Equal(2, decoded.Blocks.Count);
        Assert.Equal(new byte[] { 7, 7 }, decoded.Blocks[1].RawData);
        Assert.Equal(40, decoded.Trailing.Length);
        Assert.Equal(region, decoded.Encode());

        var table = new BertTableData { RegionLength = (uint)region.Length, RegionAddress = 0x7AB0_0000 }.Encode();
        Assert.True(Checksum.IsValid(table));
        Assert.Empty(BertValidator.Validate(table, region));
        var text = new StringWriter();
        BertDescriber.Describe(table, 0, region, 48, new TextRenderer(text), "BERT");
        Assert.Contains("Error status block 1 (at 0x128, 250 bytes)", text.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Error status block 2", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_region_length_beyond_the_region_bytes_and_a_bad_checksum_are_reported()
    {
        var table = (byte[])GhesTestBlocks.BertTableBytes.Clone();
        table[36] = 0xFF; // region length 0x4FF > 1100 bytes present; checksum now wrong too
        var findings = BertValidator.Validate(table, GhesTestBlocks.BertRegionBytes);
        Assert.Contains(findings, f => f.Kind == GhesFindingKind.ChecksumMismatch && f.Severity == FindingSeverity.Warning && f.Offset == 9);
        var truncated = Assert.Single(findings, f => f.Kind == GhesFindingKind.RegionTruncated);
        Assert.Equal(36, truncated.Offset);
        Assert.Equal(FindingSeverity.Error, truncated.Severity);
        // The table still round-trips, wrong checksum included.
        Assert.Equal(table, BertTableData.Decode(table).Encode());
    }

    [Fact]
    public void A_block_that_overruns_the_region_stops_the_walk_with_an_error()
    {
        var region = GhesTestBlocks.BertRegionBytes;
        var findings = BertValidator.Validate(GhesTestBlocks.BertTableBytes, region[..600]);
        Assert.Contains(findings, f => f.Kind == GhesFindingKind.RegionTruncated);
        Assert.Contains(findings, f => f.Kind == GhesFindingKind.DataLengthExceedsBlock);
        Assert.Throws<ApeiContentException>(() => BootErrorRegion.Decode(region[..600]));
    }

    [Fact]
    public void A_table_that_is_not_a_bert_is_a_content_error_and_a_short_one_is_too_few_bytes()
    {
        Assert.Throws<ApeiContentException>(() => BertTable.TryRead("HEST"u8.ToArray().Concat(new byte[44]).ToArray(), out _));
        Assert.False(BertTable.TryRead(GhesTestBlocks.BertTableBytes.AsSpan(0, 47), out _));
        var small = GhesTestBlocks.With(GhesTestBlocks.BertTableBytes, 4, 40);
        Assert.Throws<ApeiContentException>(() => BertTable.Read(small));
    }
}
