using ApeiKit.Cper.Streaming;

namespace ApeiKit.Cli;

/// <summary>
/// Binary CPER inputs that are read as a stream (<see cref="CperStreamReader"/>) instead of loaded whole: a file or
/// standard input whose first bytes are the "CPER" signature. Everything else (hex, base64, acpidump text, BERT,
/// error status blocks) is small and keeps the load-everything path.
/// </summary>
internal static class StreamInput
{
    /// <summary>Record size limit of the CLI's readers.</summary>
    public const long MaxRecordSize = 1 << 20;

    /// <summary>The <c>--max-record-size</c> option of <c>decode</c> and <c>stats</c>.</summary>
    public static System.CommandLine.Option<string> MaxRecordSizeOption() => new("--max-record-size")
    {
        Description = "Largest CPER record read from a stream (e.g. 4MiB); a header declaring more is reported and its bytes skipped unread.",
        DefaultValueFactory = _ => "1MiB",
    };

    /// <summary>Parses the <c>--max-record-size</c> value (at least one 128-byte header, at most 2 GiB).</summary>
    public static long ParseMaxRecordSize(string text)
    {
        long size = DumpGenerator.ParseSize(text);
        if (size < Cper.CperRecordHeader.Size || size > int.MaxValue)
            throw new CliUsageException($"--max-record-size: {text} is outside 128 bytes (one record header) to 2 GiB.");
        return size;
    }

    /// <summary>Opens a streamed input: the stream, its size when known.</summary>
    public sealed record Source(string Name, Func<Stream> Open, long? Size);

    /// <summary>
    /// When <paramref name="file"/> ('-' for standard input) is binary CPER, returns it as a stream source. Otherwise
    /// returns null; for standard input <paramref name="stdinBytes"/> then holds all of it (it has been read).
    /// </summary>
    /// <exception cref="CliUsageException">The file cannot be read.</exception>
    public static Source? TryOpen(CliContext context, string file, out byte[]? stdinBytes)
    {
        stdinBytes = null;
        Span<byte> prefix = stackalloc byte[4];
        if (file == "-")
        {
            var stdin = context.OpenStdin();
            int n = ReadPrefix(stdin, prefix);
            if (n == 4 && prefix.SequenceEqual("CPER"u8))
            {
                var head = prefix.ToArray();
                return new Source("<stdin>", () => new PrefixedStream(head, stdin), null);
            }
            using var ms = new MemoryStream();
            ms.Write(prefix[..n]);
            stdin.CopyTo(ms);
            stdinBytes = ms.ToArray();
            return null;
        }
        try
        {
            if (!File.Exists(file)) return null; // the load path reports it
            using var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            if (ReadPrefix(fs, prefix) != 4 || !prefix.SequenceEqual("CPER"u8)) return null;
            long size = fs.Length;
            return new Source(file, () => new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan), size);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{file}: cannot read: {e.Message}");
        }
    }

    private static int ReadPrefix(Stream s, Span<byte> prefix)
    {
        int n = 0;
        while (n < prefix.Length)
        {
            int r = s.Read(prefix[n..]);
            if (r == 0) break;
            n += r;
        }
        return n;
    }

    /// <summary>A few bytes already read, then the rest of a stream.</summary>
    private sealed class PrefixedStream(byte[] head, Stream rest) : Stream
    {
        private int _pos;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            if (_pos < head.Length)
            {
                int n = Math.Min(buffer.Length, head.Length - _pos);
                head.AsSpan(_pos, n).CopyTo(buffer);
                _pos += n;
                return n;
            }
            return rest.Read(buffer);
        }
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_pos < head.Length) return Read(buffer.Span);
            return await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
