namespace ApeiKit.Text;

/// <summary>
/// Base of forward-only, write-only streams (standard output wrappers, counting, text sinks): a derived class implements
/// <see cref="Stream.Write(byte[], int, int)"/> (and <see cref="Stream.Flush"/>); reading and seeking are not supported.
/// </summary>
public abstract class WriteOnlyStream : Stream
{
    /// <inheritdoc/>
    public sealed override bool CanRead => false;
    /// <inheritdoc/>
    public sealed override bool CanSeek => false;
    /// <inheritdoc/>
    public sealed override bool CanWrite => true;
    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();
    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    /// <inheritdoc/>
    public sealed override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    /// <inheritdoc/>
    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc/>
    public sealed override void SetLength(long value) => throw new NotSupportedException();
}
