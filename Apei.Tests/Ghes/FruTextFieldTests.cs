using ApeiKit.Ghes;

namespace ApeiKit.Tests.Ghes;

/// <summary>
/// A Generic Error Data Entry's FRU Text is a 20-byte field (ACPI 6.5 Table 18.12). The encoder used to write the
/// first 20 bytes of a longer text and drop the rest without a word; it now refuses it (structure, field, offset,
/// expected, found), and a shorter text is NUL padded.
/// </summary>
public class FruTextFieldTests
{
    [Fact]
    public void A_text_longer_than_the_field_is_refused_not_cut()
    {
        var entry = new ErrorDataEntry { FruText = "DIMM A1, channel 3, slot 12"u8.ToArray() };
        var e = Assert.Throws<ApeiContentException>(() => entry.TryEncode(new byte[entry.GetEncodedLength()], out _));
        ContentError.AssertSays(e, "Generic Error Data Entry", "FruText", GenericErrorStatus.FruTextOffset, "at most 20 bytes (the FRU Text field)", "27 bytes");
    }

    [Fact]
    public void In_a_block_the_error_names_the_entry_and_its_offset_in_the_block()
    {
        // It used to say "Generic Error Data Entry" at the entry-relative offset 44, whichever entry it was.
        var block = GhesTestBlocks.TwoEntries();
        block.Entries[1].FruText = "DIMM A1, channel 3, slot 12"u8.ToArray();
        var e = Assert.Throws<ApeiContentException>(() => block.Encode());
        long at = GenericErrorStatus.BlockHeaderSize + block.Entries[0].GetEncodedLength() + GenericErrorStatus.FruTextOffset;
        ContentError.AssertSays(e, "Generic Error Data Entry #1", "FruText", at, "at most 20 bytes (the FRU Text field)", "27 bytes");
    }

    [Fact]
    public void A_shorter_text_is_nul_padded_even_over_old_bytes()
    {
        var entry = new ErrorDataEntry { FruText = "CPU 3"u8.ToArray() };
        var destination = Enumerable.Repeat((byte)0xEE, entry.GetEncodedLength()).ToArray();
        Assert.True(entry.TryEncode(destination, out _));
        Assert.Equal("CPU 3\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"u8.ToArray(), destination.AsSpan(GenericErrorStatus.FruTextOffset, 20).ToArray());
        var twenty = new ErrorDataEntry { FruText = "ABCDEFGHIJKLMNOPQRST"u8.ToArray() };
        Assert.Equal("ABCDEFGHIJKLMNOPQRST"u8.ToArray(), ErrorStatusBlock.Decode(new ErrorStatusBlock { ErrorSeverity = 2, Entries = { twenty } }.Encode(), out _).Entries[0].FruText);
    }
}
