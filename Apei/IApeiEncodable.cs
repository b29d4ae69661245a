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

/// <summary>The encoding overloads every <see cref="IApeiEncodable"/> shares.</summary>
public static class ApeiEncodable
{
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
