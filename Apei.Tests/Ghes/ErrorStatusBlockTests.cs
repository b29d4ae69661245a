using ApeiKit.Cper;
using ApeiKit.Ghes;

namespace ApeiKit.Tests.Ghes;

public class ErrorStatusBlockTests
{
    [Fact]
    public void Bert_fixture_region_has_the_fields_read_by_hand_from_the_bytes()
    {
        // xxd of fixtures/bert/dummy.bert from 0x30: 01000000 00000000 00000000 38040000 01000000,
        // then two entries of type 81212a96-... (firmware error record reference), revision 0x0300.
        var region = GhesTestBlocks.BertRegionBytes;
        Assert.Equal(1100, region.Length);
        var view = ErrorStatusBlockView.Read(region, out int consumed, baseOffset: 48);
        Assert.Equal(1100, consumed);
        Assert.Equal(1u, view.BlockStatus);        // uncorrectable only; entry count bits 4-13 say 0
        Assert.Equal(0, view.DeclaredEntryCount);
        Assert.Equal(0u, view.RawDataOffset);
        Assert.Equal(0u, view.RawDataLength);
        Assert.Equal(0x438u, view.DataLength);     // 1080 = (72 + 864) + (72 + 72)
        Assert.Equal(1u, view.ErrorSeverity);      // fatal
        Assert.Equal(2, view.EntryCount);

        var sizes = new List<(Guid Type, ushort Revision, uint Length, int Offset, uint Severity, byte Valid)>();
        foreach (var e in view.Entries) sizes.Add((e.SectionType, e.Revision, e.ErrorDataLength, e.OffsetInBlock, e.ErrorSeverity, e.ValidationBits));
        Assert.Equal(
        [
            (CperGuids.FirmwareErrorRecordReference, (ushort)0x0300, 0x360u, 20, 0u, (byte)0),
            (CperGuids.FirmwareErrorRecordReference, (ushort)0x0300, 0x48u, 20 + 72 + 0x360, 0u, (byte)0),
        ], sizes);
        var first = default(ErrorDataEntryView);
        foreach (var e in view.Entries) { first = e; break; }
        Assert.Equal(72, first.HeaderSize);
        Assert.True(first.Timestamp.IsZero);
        Assert.Equal(new byte[] { 0x02, 0x02 }, first.Data[..2].ToArray()); // firmware error record: type 2, revision 2
    }

    [Fact]
    public void Bert_fixture_region_decodes_and_encodes_byte_identical()
    {
        var region = GhesTestBlocks.BertRegionBytes;
        var block = ErrorStatusBlock.Decode(region, out int consumed);
        Assert.Equal(region.Length, consumed);
        Assert.Equal(2, block.Entries.Count);
        Assert.Equal(region, block.Encode());
        var boot = BootErrorRegion.Decode(region);
        Assert.Single(boot.Blocks);
        Assert.Empty(boot.Trailing);
        Assert.Equal(region, boot.Encode());
    }

    [Fact]
    public void Bert_table_decodes_and_encodes_byte_identical()
    {
        var table = GhesTestBlocks.BertTableBytes;
        var t = BertTable.Read(table);
        Assert.Equal("BERT", t.Header.Signature);
        Assert.Equal(48u, t.Header.Length);
        Assert.Equal(1100u, t.RegionLength);
        Assert.Equal(0ul, t.RegionAddress);
        Assert.Equal("INTEL ", t.Header.OemId); // space padded, as firmware writes it
        var data = BertTableData.Decode(table);
        Assert.Equal(table, data.Encode());
    }

    [Fact]
    public void A_built_block_gets_its_status_lengths_and_raw_offset_computed()
    {
        var bytes = GhesTestBlocks.TwoEntries(raw: [0xAA, 0xBB, 0xCC]).Encode();
        var view = ErrorStatusBlockView.Read(bytes, out int consumed);
        Assert.Equal(bytes.Length, consumed);
        // uncorrectable (fatal entry) + correctable (corrected entry), 2 entries
        Assert.Equal(0x3u | (2u << 4), view.BlockStatus);
        Assert.Equal((uint)(72 + 80 + 64 + 12), view.DataLength);
        Assert.Equal(20u + view.DataLength, view.RawDataOffset);
        Assert.Equal(new byte[] { 0xAA, 0xBB, 0xCC }, view.RawData.ToArray());
        Assert.True(GhesBlockValidator.Validate(bytes).Findings.Count == 0);

        var decoded = ErrorStatusBlock.Decode(bytes, out _);
        Assert.IsType<MemoryErrorSection>(decoded.Entries[0].Body);
        Assert.Equal(GhesTestBlocks.Timestamp, decoded.Entries[0].Timestamp);
        Assert.Equal("DIMM A1", AsciiField.Decode(decoded.Entries[0].FruText));
        Assert.Equal(64, decoded.Entries[1].HeaderSize);
        Assert.Equal(bytes, decoded.Encode());
    }

    [Fact]
    public void An_empty_block_is_not_an_error_and_round_trips()
    {
        var bytes = new byte[64];
        bytes[16] = 2; // severity kept although the block is empty
        var view = ErrorStatusBlockView.Read(bytes, out int consumed);
        Assert.True(view.IsEmpty);
        Assert.Equal(0, view.EntryCount);
        Assert.Equal(20, consumed);
        var result = GhesBlockValidator.Validate(bytes);
        Assert.True(result.IsEmpty);
        Assert.True(result.IsValid);
        Assert.Equal(bytes[..20], ErrorStatusBlock.Decode(bytes, out _).Encode());
    }

    [Fact]
    public void TryRead_returns_false_only_for_too_few_bytes()
    {
        var bytes = GhesTestBlocks.TwoEntryBytes();
        Assert.False(ErrorStatusBlockView.TryRead(bytes.AsSpan(0, 19), out _, out _));
        Assert.False(ErrorStatusBlockView.TryRead(bytes.AsSpan(0, bytes.Length - 1), out _, out _));
        Assert.True(ErrorStatusBlockView.TryRead(bytes, out _, out int n));
        Assert.Equal(bytes.Length, n);
        var bad = GhesTestBlocks.With(bytes, 12, 10); // data length 10: malformed whatever follows
        Assert.Throws<ApeiContentException>(() => ErrorStatusBlockView.TryRead(bad, out _, out _));
    }

    [Fact]
    public void Buffer_writer_encoding_matches_array_encoding()
    {
        var block = GhesTestBlocks.TwoEntries();
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        block.Encode(writer);
        Assert.Equal(block.Encode(), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Random_flips_and_truncations_of_the_bert_file_never_escape_as_other_exceptions()
    {
        var rng = new Random(8);
        var file = GhesTestBlocks.BertFile;
        for (int i = 0; i < 1000; i++)
        {
            var b = (byte[])file.Clone();
            for (int k = rng.Next(1, 4); k > 0; k--) b[rng.Next(0x90)] ^= (byte)rng.Next(1, 256);
            int n = rng.Next(2) == 0 ? b.Length : rng.Next(b.Length);
            var input = b.AsSpan(0, n);
            int split = Math.Min(48, n);
            try
            {
                BertValidator.Validate(input[..split], input[split..]);
                BertDescriber.Describe(input[..split], 0, input[split..], split, new LayoutRenderer(TextWriter.Null), "BERT");
                BootErrorRegion.Decode(input[split..]);
            }
            catch (ApeiContentException)
            {
            }
        }
    }

    [Fact]
    public void Random_flips_and_truncations_give_a_block_or_a_content_error()
    {
        var rng = new Random(4);
        var sources = new[] { GhesTestBlocks.TwoEntryBytes(), GhesTestBlocks.BertRegionBytes };
        for (int i = 0; i < 2000; i++)
        {
            var b = (byte[])sources[i % 2].Clone();
            for (int k = rng.Next(1, 4); k > 0; k--) b[rng.Next(Math.Min(b.Length, 240))] ^= (byte)rng.Next(1, 256);
            var input = b.AsSpan(0, rng.Next(2) == 0 ? b.Length : rng.Next(b.Length));
            try
            {
                GhesBlockValidator.Validate(input, 2048);
                if (ErrorStatusBlockView.TryRead(input, out var v, out _))
                {
                    foreach (var e in v.Entries) _ = e.Data.Length;
                    ErrorStatusBlock.Decode(input, out _, new List<ApeiContentException>());
                }
                ErrorStatusBlockDescriber.Describe(input, 0, new TextRenderer(TextWriter.Null), "block", 2048);
            }
            catch (ApeiContentException)
            {
            }
        }
    }
}
