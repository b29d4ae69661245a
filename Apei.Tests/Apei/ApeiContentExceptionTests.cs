namespace ApeiKit.Tests.Apei;

public sealed class ApeiContentExceptionTests
{
    [Fact]
    public void Rebase_moves_the_offset_and_keeps_every_other_detail()
    {
        var e = ApeiContentException.Truncated("Generic Error Status Block", 4, 20, 12, "BlockStatus");
        var moved = e.Rebase(0x100);

        Assert.Equal(0x104, moved.Offset);
        Assert.Equal((e.Structure, e.Field, e.Expected, e.Found, e.Detail), (moved.Structure, moved.Field, moved.Expected, moved.Found, moved.Detail));
        Assert.Equal("truncated", moved.Detail);
        Assert.Equal("Generic Error Status Block, field BlockStatus, at offset 0x104 (260): truncated: expected 20 bytes, found 12 bytes", moved.Message);
    }

    [Fact]
    public void A_reader_on_a_slice_reports_truncation_as_truncation()
    {
        // ThrowUnlessComplete rebases the truncation it makes to where the caller found the bytes.
        var e = Assert.Throws<ApeiContentException>(() => ContentStatus.ThrowUnlessComplete(null, false, 0x40, "HEST", 36, 10));
        Assert.Equal(0x40, e.Offset);
        Assert.Contains(": truncated: expected 36 bytes, found 10 bytes", e.Message, StringComparison.Ordinal);
    }
}
