using System.Buffers;
using System.Buffers.Text;
using System.Globalization;

namespace ApeiKit.Text;

/// <summary>
/// A read-only stream of the bytes that hex or base64 text encodes, decoded as the text is read (bounded memory,
/// whatever the input's size; nothing asks the inner stream for its length). Text that stops being valid ends the
/// stream there: the bytes before it are returned, and <see cref="Error"/> says where and what was found, so a
/// caller reports a decoded prefix plus the error.
/// </summary>
public abstract class TextDecodingStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly byte[] _text = new byte[64 << 10];
    private int _textStart, _textEnd;
    private bool _innerEnded, _stopped;
    private readonly byte[] _out = new byte[48 << 10];
    private int _outStart, _outEnd;

    /// <summary>Offset in the text of the first byte not yet read from the inner stream.</summary>
    protected long TextOffset { get; private set; }

    /// <summary>Decodes <paramref name="inner"/>.</summary>
    protected TextDecodingStream(Stream inner, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Why decoding stopped early (null while the text is valid): the text offset and what was found.</summary>
    public string? Error { get; private set; }

    /// <summary>Bytes decoded and returned so far.</summary>
    public long DecodedBytes { get; private set; }

    /// <summary>
    /// Decodes what it can from <paramref name="text"/> into <paramref name="output"/>; says how much text it used and
    /// how many bytes it wrote. <paramref name="final"/>: no more text will come.
    /// </summary>
    /// <returns>null, or an error message (decoding stops after the bytes written).</returns>
    protected abstract string? Decode(ReadOnlySpan<byte> text, long textOffset, Span<byte> output, bool final, out int consumed, out int written);

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        while (_outStart == _outEnd)
        {
            if (_stopped) return 0;
            Fill(sync: true, default).GetAwaiter().GetResult();
        }
        return Take(buffer);
    }

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_outStart == _outEnd)
        {
            if (_stopped) return 0;
            await Fill(sync: false, cancellationToken).ConfigureAwait(false);
        }
        return Take(buffer.Span);
    }

    private int Take(Span<byte> buffer)
    {
        int n = Math.Min(buffer.Length, _outEnd - _outStart);
        _out.AsSpan(_outStart, n).CopyTo(buffer);
        _outStart += n;
        DecodedBytes += n;
        return n;
    }

    private async ValueTask Fill(bool sync, CancellationToken cancellationToken)
    {
        _outStart = _outEnd = 0;
        if (!_innerEnded && _textEnd - _textStart < 4096)
        {
            if (_textStart > 0)
            {
                _text.AsSpan(_textStart, _textEnd - _textStart).CopyTo(_text);
                _textEnd -= _textStart;
                _textStart = 0;
            }
            int r = sync ? _inner.Read(_text, _textEnd, _text.Length - _textEnd)
                         : await _inner.ReadAsync(_text.AsMemory(_textEnd, _text.Length - _textEnd), cancellationToken).ConfigureAwait(false);
            if (r == 0) _innerEnded = true;
            _textEnd += r;
        }
        string? error = Decode(_text.AsSpan(_textStart, _textEnd - _textStart), TextOffset, _out, _innerEnded, out int consumed, out int written);
        _textStart += consumed;
        TextOffset += consumed;
        _outEnd = written;
        if (error is not null)
        {
            Error = error;
            _stopped = true;
        }
        else if (_innerEnded && _textStart == _textEnd) _stopped = true;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen) _inner.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Describes a byte that is not valid text: "at text offset N: 'x' (0x78)".</summary>
    protected static string Unexpected(long offset, byte b, string what)
        => string.Create(CultureInfo.InvariantCulture, $"not valid {what} at text offset {offset}: {(b is >= 0x20 and < 0x7F ? $"'{(char)b}' " : "")}(0x{b:X2})");

    /// <summary>True for the separators the text forms allow between digits: space, tab, CR, LF.</summary>
    protected static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t';
}

/// <summary>
/// Hex text (libcper's .cperhex, od/xxd -p output, C arrays): pairs of hex digits; whitespace, commas and "0x" prefixes
/// are ignored. An odd digit at the end is an error (the bytes before it are kept).
/// </summary>
public sealed class HexTextStream(Stream inner, bool leaveOpen = false) : TextDecodingStream(inner, leaveOpen)
{
    /// <inheritdoc/>
    protected override string? Decode(ReadOnlySpan<byte> text, long textOffset, Span<byte> output, bool final, out int consumed, out int written)
    {
        int i = 0, w = 0;
        int high = -1, highAt = 0;
        while (i < text.Length && w < output.Length)
        {
            byte c = text[i];
            if (IsSpace(c) || c == (byte)',') { i++; continue; }
            if (c == (byte)'0')
            {
                if (i + 1 >= text.Length && !final) break; // "0x" may continue in the next read
                if (i + 1 < text.Length && (text[i + 1] | 0x20) == 'x') { i += 2; continue; }
            }
            int v = HexValue(c);
            if (v < 0)
            {
                consumed = high >= 0 ? highAt : i;
                written = w;
                return Unexpected(textOffset + i, c, "hex");
            }
            if (high < 0) { high = v; highAt = i; i++; continue; }
            output[w++] = (byte)(high << 4 | v);
            high = -1;
            i++;
        }
        if (high >= 0)
        {
            if (final && i >= text.Length)
            {
                consumed = i;
                written = w;
                return string.Create(CultureInfo.InvariantCulture, $"not valid hex: an odd number of digits (the last one at text offset {textOffset + highAt})");
            }
            i = highAt; // keep the lone digit for the next read
        }
        consumed = i;
        written = w;
        return null;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}

/// <summary>
/// Base64 text (RFC 4648 §4): whitespace ignored; padded groups may follow each other (one record per line, each
/// encoded on its own). A group cut short at the end is an error (the bytes before it are kept).
/// </summary>
public sealed class Base64TextStream(Stream inner, bool leaveOpen = false) : TextDecodingStream(inner, leaveOpen)
{
    /// <inheritdoc/>
    protected override string? Decode(ReadOnlySpan<byte> text, long textOffset, Span<byte> output, bool final, out int consumed, out int written)
    {
        Span<byte> quad = stackalloc byte[4];
        int i = 0, w = 0, n = 0, quadStart = 0;
        while (i < text.Length && w + 3 <= output.Length)
        {
            byte c = text[i];
            if (IsSpace(c)) { i++; continue; }
            if (!IsBase64(c))
            {
                consumed = n > 0 ? quadStart : i;
                written = w;
                return Unexpected(textOffset + i, c, "base64");
            }
            if (n == 0) quadStart = i;
            quad[n++] = c;
            i++;
            if (n < 4) continue;
            if (Base64.DecodeFromUtf8(quad, output[w..], out _, out int bytes) != OperationStatus.Done)
            {
                consumed = quadStart;
                written = w;
                return string.Create(CultureInfo.InvariantCulture, $"not valid base64 at text offset {textOffset + quadStart}: the group \"{System.Text.Encoding.ASCII.GetString(quad)}\"");
            }
            w += bytes;
            n = 0;
        }
        if (n > 0)
        {
            if (final && i >= text.Length)
            {
                consumed = i;
                written = w;
                return string.Create(CultureInfo.InvariantCulture, $"not valid base64: the text ends inside a 4-character group (at text offset {textOffset + quadStart})");
            }
            i = quadStart;
        }
        consumed = i;
        written = w;
        return null;
    }

    private static bool IsBase64(byte c) => c is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'+' or (byte)'/' or (byte)'=';
}
