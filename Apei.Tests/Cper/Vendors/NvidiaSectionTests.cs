using ApeiKit.Cper;
using ApeiKit.Cper.Vendors;

namespace ApeiKit.Tests.Cper.Vendors;

public class NvidiaSectionTests
{
    private static byte[] Body(string fixture)
    {
        var record = CperRecord.Decode(Fixtures.Binary(fixture), out _);
        return record.Sections[0].Body.Encode();
    }

    [Fact]
    public void Libcper_nvidia_example_decodes_with_its_registers()
    {
        var record = CperRecord.Decode(Fixtures.Binary("cper/libcper/nvidia.cperhex"), out _);
        var s = Assert.IsType<NvidiaSection>(record.Sections[0].Body);
        Assert.Equal("HSS-BUSY", s.Signature);
        Assert.Equal(31677, s.ErrorType);
        Assert.Equal(25928, s.ErrorInstance);
        Assert.Equal(214, s.Socket);
        Assert.Equal(3, s.Severity);
        Assert.Equal(6, s.Registers.Count);
        Assert.Equal(2004045230850847303UL, s.Registers[0].Address);
        Assert.Empty(s.TrailingBytes);
    }

    [Fact]
    public void Decode_then_encode_is_byte_identical()
    {
        var body = Body("cper/libcper/nvidia_cmet_info.cperhex");
        Assert.Equal(body, NvidiaSection.Decode(body).Encode());
    }

    [Theory]
    [InlineData("header cut short", 31)]
    [InlineData("register count beyond the body", 40)]
    public void Malformed_bodies_throw_content_errors(string reason, int length)
    {
        var body = Body("cper/libcper/nvidia.cperhex")[..length];
        Assert.False(string.IsNullOrEmpty(reason));
        Assert.Throws<ApeiContentException>(() => NvidiaSection.Decode(body));
    }

    [Fact]
    public void Bytes_after_the_registers_are_kept()
    {
        var body = Body("cper/libcper/nvidia.cperhex").Concat(new byte[] { 1, 2, 3 }).ToArray();
        var s = NvidiaSection.Decode(body);
        Assert.Equal(new byte[] { 1, 2, 3 }, s.TrailingBytes);
        Assert.Equal(body, s.Encode());
    }
}
