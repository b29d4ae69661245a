using System.Buffers;
using ApeiKit.Cli;
using CommunityToolkit.HighPerformance.Buffers;

namespace ApeiKit.Tests.Cli;

/// <summary>
/// The one operation the CLI adds to CommunityToolkit's ArrayPoolBufferWriter: dropping what a failed libcper
/// rendering appended after the records already in the buffer.
/// </summary>
public class BufferWriterTruncationTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(4096)] // past the writer's first capacity: the kept part spans a grown array
    public void Truncate_keeps_the_bytes_before_the_mark_and_appending_continues_after_them(int kept)
    {
        var before = Enumerable.Range(0, kept).Select(i => (byte)(i * 7 + 1)).ToArray();
        using var writer = new ArrayPoolBufferWriter<byte>(16);
        writer.Write(before);
        writer.Write("{\"half a record"u8);
        writer.Truncate(kept);
        Assert.Equal(before, writer.WrittenSpan.ToArray());
        writer.Write("}"u8);
        Assert.Equal([.. before, (byte)'}'], writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Truncate_past_the_end_changes_nothing()
    {
        using var writer = new ArrayPoolBufferWriter<byte>();
        writer.Write("abc"u8);
        writer.Truncate(10);
        Assert.Equal("abc"u8.ToArray(), writer.WrittenSpan.ToArray());
    }
}
