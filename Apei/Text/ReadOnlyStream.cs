namespace ApeiKit.Text;

/// <summary>
/// Base of the forward-only, read-only streams of the input pipeline (text decoding, peeking at an input's first bytes):
/// a derived class implements <see cref="Read(Span{byte})"/> and <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>;
/// seeking, length and writing are not supported (nothing may ask a pipe for its length).
/// </summary>
public abstract class ReadOnlyStream : Stream
{
    /// <inheritdoc/>
    public abstract override int Read(Span<byte> buffer);
    /// <inheritdoc/>
    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);
    /// <inheritdoc/>
    public sealed override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    /// <inheritdoc/>
    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    /// <inheritdoc/>
    public sealed override bool CanRead => true;
    /// <inheritdoc/>
    public sealed override bool CanSeek => false;
    /// <inheritdoc/>
    public sealed override bool CanWrite => false;
    /// <inheritdoc/>
    public sealed override long Length => throw new NotSupportedException();
    /// <inheritdoc/>
    public sealed override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    /// <inheritdoc/>
    public sealed override void Flush() { }
    /// <inheritdoc/>
    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc/>
    public sealed override void SetLength(long value) => throw new NotSupportedException();
    /// <inheritdoc/>
    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
