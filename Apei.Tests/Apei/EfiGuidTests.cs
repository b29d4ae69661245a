namespace ApeiKit.Tests.Apei;

public sealed class EfiGuidTests
{
    [Theory]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")]
    [InlineData("0123456789ABCDEFFEDCBA9876543210")]
    [InlineData("5454EBE1B86D3845B11B4DF8A3A9D7E5")] // a section type GUID as it lies in a record
    public void WriteUtf8_writes_what_the_BCL_prints_for_the_same_bytes(string hex)
    {
        byte[] raw = Convert.FromHexString(hex);
        var text = new byte[EfiGuid.Utf8Length];
        EfiGuid.WriteUtf8(raw, text);
        Assert.Equal(new Guid(raw).ToString("D"), System.Text.Encoding.ASCII.GetString(text));
    }

    [Fact]
    public void WriteUtf8_refuses_short_spans()
    {
        Assert.Throws<ArgumentException>(() => EfiGuid.WriteUtf8(new byte[15], new byte[EfiGuid.Utf8Length]));
        Assert.Throws<ArgumentException>(() => EfiGuid.WriteUtf8(new byte[16], new byte[EfiGuid.Utf8Length - 1]));
    }
}
