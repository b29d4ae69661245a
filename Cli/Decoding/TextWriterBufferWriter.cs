using System.Buffers;
using System.Text;

namespace ApeiKit.Cli;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> of UTF-8 that passes what is written on to a <see cref="TextWriter"/> in chunks of
/// about 64 KiB, so a <see cref="System.Text.Json.Utf8JsonWriter"/> over it never holds more than one chunk: the JSON of a
/// 70,000-source HEST is written as it is produced instead of being kept whole (and then copied into a string).
/// </summary>
internal sealed class TextWriterBufferWriter(TextWriter output, int chunkSize = 64 * 1024) : IBufferWriter<byte>
{
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    private byte[] _buffer = new byte[chunkSize];
    private char[] _chars = new char[chunkSize + 1];
    private int _written;

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Writes what is buffered to the text writer (a UTF-8 sequence cut at the end waits for its rest).</summary>
    public void Drain()
    {
        if (_written == 0) return;
        int max = _decoder.GetCharCount(_buffer, 0, _written, flush: false);
        if (_chars.Length < max) _chars = new char[max];
        int n = _decoder.GetChars(_buffer, 0, _written, _chars, 0, flush: false);
        output.Write(_chars, 0, n);
        _written = 0;
    }

    private void Ensure(int sizeHint)
    {
        int need = Math.Max(sizeHint, 256);
        if (_buffer.Length - _written >= need) return;
        Drain();
        if (_buffer.Length < need) _buffer = new byte[need];
    }
}
