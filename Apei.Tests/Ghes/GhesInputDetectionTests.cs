using ApeiKit.Ghes;

namespace ApeiKit.Tests.Ghes;

/// <summary>
/// The input recognition and BERT pairing moved from the <c>apeikit</c> command into Ghes, held against the crashlog
/// BERT fixture (fixtures/bert/dummy.bert: a 48-byte table whose Boot Error Region Length, 0x44C at byte 36, is the
/// 1100 bytes that follow) and a CPER record fixture.
/// </summary>
public class GhesInputDetectionTests
{
    [Fact]
    public void A_bert_file_splits_at_its_header_length_and_the_rest_is_the_region()
    {
        byte[] file = GhesTestBlocks.BertFile;
        Assert.True(GhesInputDetection.TrySplitBert(file, out int tableLength));
        Assert.Equal(48, tableLength); // header Length 0x30 at byte 4
        Assert.Equal(1100, file.Length - tableLength);
        Assert.True(GhesInputDetection.LooksLikeErrorStatusBlock(file.AsSpan(tableLength)));
        Assert.False(GhesInputDetection.LooksLikeErrorStatusBlock(file)); // "BERT" read as Block Status sets reserved bits
    }

    [Fact]
    public void Bytes_after_the_declared_region_length_are_not_the_regions()
    {
        byte[] file = [.. GhesTestBlocks.BertFile, .. new byte[16]];
        var table = file.AsSpan(0, 48);
        Assert.Equal(1100, GhesInputDetection.PairBertRegion(table, file.AsSpan(48)).Length);
        Assert.Equal(1000, GhesInputDetection.PairBertRegion(table, file.AsSpan(48, 1000)).Length); // fewer given: all of them
        var region = GhesInputDetection.DecodeBertRegion(table, file.AsSpan(48), regionOffset: 48);
        Assert.Equal(2, Assert.Single(region.Blocks).Entries.Count);
    }

    [Fact]
    public void A_header_cut_before_its_length_is_all_table_and_a_missing_signature_is_no_bert()
    {
        Assert.True(GhesInputDetection.TrySplitBert("BERT\x30\x00"u8, out int cut));
        Assert.Equal(6, cut);
        Assert.False(GhesInputDetection.TrySplitBert("BER"u8, out _));
        foreach (string fixture in Fixtures.CperRecords())
        {
            byte[] cper = Fixtures.Binary(fixture);
            Assert.False(GhesInputDetection.TrySplitBert(cper, out _), fixture);
            Assert.False(GhesInputDetection.LooksLikeErrorStatusBlock(cper), fixture); // a CPER record is not a block
        }
    }

    [Fact]
    public void Pairing_a_table_that_is_not_a_bert_is_a_content_error()
    {
        byte[] notBert = [.. "HEST"u8, .. GhesTestBlocks.BertFile.AsSpan(4, 44)];
        Assert.Throws<ApeiContentException>(() => GhesInputDetection.PairBertRegion(notBert, GhesTestBlocks.BertRegionBytes).Length);
    }
}
