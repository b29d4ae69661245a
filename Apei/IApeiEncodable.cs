using System.Buffers;

namespace ApeiKit;

/// <summary>
/// Something ApeiKit can encode: a CPER record or section body, an error status block or data entry, a HEST or
/// one of its error sources. Implementations give the length and a non-allocating <see cref="TryEncode"/>; the
/// array and <see cref="IBufferWriter{T}"/> overloads come from <see cref="ApeiEncodable"/>, written once.
/// </summary>
public interface IApeiEncodable
{
    /// <summary>Bytes <see cref="TryEncode"/> writes.</summary>
    int GetEncodedLength();

    /// <summary>Writes the encoding; false (and nothing written) when <paramref name="destination"/> is too small.</summary>
    bool TryEncode(Span<byte> destination, out int bytesWritten);
}

/// <summary>
/// The encoding overloads every <see cref="IApeiEncodable"/> shares, and (internal) the framing its implementations
/// share: the length a model announces, refused when no array could hold it, and the start of a <c>TryEncode</c> that
/// takes exactly that many bytes and clears them (gaps, padding and reserved bytes encode as zeros unless the model
/// keeps their bytes).
/// </summary>
public static class ApeiEncodable
{
    /// <summary>
    /// <paramref name="end"/> as the encoded length; a <paramref name="what"/> (a record, a block, a HEST table) longer
    /// than an array can be is refused, with a message saying so rather than .NET's overflow.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="end"/> exceeds <see cref="Array.MaxLength"/>.</exception>
    internal static int Length(long end, string what)
        => end > Array.MaxLength ? throw new InvalidOperationException($"Too large to encode: the {what} would be {end} bytes (at most {Array.MaxLength}).") : (int)end;

    /// <summary>
    /// The first <paramref name="length"/> bytes of <paramref name="destination"/>, cleared; false (nothing written) when
    /// it is shorter. <paramref name="bytesWritten"/> is 0 either way: the caller sets it once the encoding is complete.
    /// </summary>
    internal static bool TryTake(Span<byte> destination, int length, out Span<byte> frame, out int bytesWritten)
    {
        bytesWritten = 0;
        if (destination.Length < length)
        {
            frame = default;
            return false;
        }
        frame = destination[..length];
        frame.Clear();
        return true;
    }

    /// <summary>Encodes to a new array of exactly <see cref="IApeiEncodable.GetEncodedLength"/> bytes.</summary>
    public static byte[] Encode(this IApeiEncodable value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = new byte[value.GetEncodedLength()];
        if (!value.TryEncode(bytes, out int written) || written != bytes.Length)
            throw new InvalidOperationException($"{value.GetType().Name} wrote {written} bytes after announcing {bytes.Length}.");
        return bytes;
    }

    /// <summary>Encodes into a buffer writer (one <see cref="IBufferWriter{T}.GetSpan"/> of the encoded length, then one <see cref="IBufferWriter{T}.Advance"/>).</summary>
    public static void Encode(this IApeiEncodable value, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(writer);
        int length = value.GetEncodedLength();
        if (!value.TryEncode(writer.GetSpan(length), out int written))
            throw new InvalidOperationException($"The buffer writer gave fewer than {length} bytes.");
        writer.Advance(written);
    }
}
