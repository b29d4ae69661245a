using System.Buffers;
using CommunityToolkit.HighPerformance.Buffers;

namespace ApeiKit.Cli;

/// <summary>
/// The one operation the decode pipeline needs that CommunityToolkit.HighPerformance's
/// <see cref="ArrayPoolBufferWriter{T}"/> does not offer: dropping what a failed rendering appended.
/// </summary>
internal static class BufferWriterTruncation
{
    /// <summary>
    /// Drops what was written after the first <paramref name="length"/> bytes. Only a rendering that failed part way
    /// needs it (libcper's dialect stops at malformed content), so it copies the kept bytes through a pooled
    /// <see cref="SpanOwner{T}"/> and writes them back rather than keeping a hand-written writer for a rare path.
    /// </summary>
    public static void Truncate(this ArrayPoolBufferWriter<byte> writer, int length)
    {
        if (writer.WrittenCount <= length) return;
        using var kept = SpanOwner<byte>.Allocate(length);
        writer.WrittenSpan[..length].CopyTo(kept.Span);
        writer.Clear();
        writer.Write(kept.Span);
    }
}
