using ApeiKit.Cper;
using ApeiKit.Ghes;

namespace ApeiKit.Tests.Ghes;

public class CperConversionTests
{
    [Theory]
    [MemberData(nameof(Fixtures.WheaRecordCases), MemberType = typeof(Fixtures))]
    public void Cper_to_error_status_block_and_back_keeps_what_both_carry(string fixture)
    {
        var original = CperRecord.Decode(Fixtures.Binary(fixture), out _, new List<ApeiContentException>());
        var block = CperConversion.ToErrorStatusBlock(original, dropHighFlags: true);
        var bytes = block.Encode();
        var check = GhesBlockValidator.Validate(bytes);
        Assert.Empty(check.Findings);

        var decoded = ErrorStatusBlock.Decode(bytes, out _, new List<ApeiContentException>());
        var back = CperConversion.ToCperRecord(decoded, original.NotificationType, original.CreatorId, original.RecordId);
        var reread = CperRecord.Decode(back.Encode(), out _, new List<ApeiContentException>());

        Assert.Equal(original.Severity, reread.Severity);
        Assert.Equal((original.ValidationBits & 2) != 0, (reread.ValidationBits & 2) != 0);
        if ((original.ValidationBits & 2) != 0) Assert.Equal(original.Timestamp, reread.Timestamp);
        var kept = original.Sections.Where(s => !s.Orphaned).ToList();
        Assert.Equal(kept.Count, reread.Sections.Count);
        for (int i = 0; i < kept.Count; i++)
        {
            var a = kept[i];
            var b = reread.Sections[i];
            Assert.Equal(a.EffectiveSectionType, b.EffectiveSectionType);
            Assert.Equal(a.Severity, b.Severity);
            Assert.Equal(a.ValidationBits & 3, b.ValidationBits);
            Assert.Equal(a.Flags & 0xFF, b.Flags);
            Assert.Equal(a.FruId, b.FruId);
            Assert.Equal(a.FruText, b.FruText);
            Assert.Equal(a.Body.Encode(), b.Body.Encode());
        }
    }

    [Fact]
    public void Block_to_cper_and_back_keeps_entries_and_the_first_valid_timestamp()
    {
        var block = GhesTestBlocks.TwoEntries();
        var record = CperConversion.ToCperRecord(block, CperGuids.NotifyBoot);
        var bytes = record.Encode();
        var view = CperRecordView.Read(bytes, out _);
        view.Validate();
        Assert.Equal(2, view.Header.SectionCount);
        Assert.Equal(2u, view.Header.ValidationBits);
        Assert.Equal(GhesTestBlocks.Timestamp, view.Header.Timestamp);
        Assert.Equal(CperGuids.NotifyBoot, view.Header.NotificationType);

        var again = CperConversion.ToErrorStatusBlock(CperRecord.Decode(bytes, out _));
        Assert.Equal(block.ErrorSeverity, again.ErrorSeverity);
        Assert.Equal(2, again.Entries.Count);
        Assert.Equal(block.Entries[0].Body.Encode(), again.Entries[0].Body.Encode());
        Assert.Equal(block.Entries[1].FruId, again.Entries[1].FruId);
        Assert.Equal(block.Entries[0].FruText, again.Entries[0].FruText);
        Assert.Equal(block.Entries[0].Flags, again.Entries[0].Flags);
    }

    [Fact]
    public void Section_flags_above_bit_7_are_refused_unless_dropping_is_asked_for()
    {
        var record = new CperRecord { Severity = 2 };
        record.Sections.Add(new CperSection { Flags = 0x100, Body = GhesTestBlocks.Memory() });
        Assert.Throws<ArgumentException>(() => CperConversion.ToErrorStatusBlock(record));
        Assert.Equal(0, CperConversion.ToErrorStatusBlock(record, dropHighFlags: true).Entries[0].Flags);
    }

    [Fact]
    public void Bert_fixture_converts_to_a_cper_record_with_both_entries()
    {
        var block = ErrorStatusBlock.Decode(GhesTestBlocks.BertRegionBytes, out _);
        var record = CperConversion.ToCperRecord(block, CperGuids.NotifyBoot);
        var reread = CperRecord.Decode(record.Encode(), out _);
        Assert.Equal(1u, reread.Severity);
        Assert.Equal(2, reread.Sections.Count);
        Assert.All(reread.Sections, s => Assert.Equal(CperGuids.FirmwareErrorRecordReference, s.EffectiveSectionType));
        Assert.Equal(864, reread.Sections[0].Body.GetEncodedLength());
        var back = CperConversion.ToErrorStatusBlock(reread);
        // Only the block status differs: the converter computes it from the two recoverable entries
        // (uncorrectable + multiple uncorrectable + count 2 = 0x25) where the fixture says 0x01 (count 0).
        var expected = (byte[])GhesTestBlocks.BertRegionBytes.Clone();
        expected[0] = 0x25;
        Assert.Equal(expected, back.Encode());
    }
}
