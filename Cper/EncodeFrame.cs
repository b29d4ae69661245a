namespace ApeiKit.Cper;

/// <summary>
/// The framing an editable model that lays out a whole container (a CPER record, a GHES error status block) shares for
/// <see cref="IApeiEncodable"/>: the length it announces, refused when no array could hold it, and the start of its
/// <c>TryEncode</c>, which takes exactly that many bytes and clears them (gaps, padding and reserved bytes encode as
/// zeros unless the model keeps their bytes).
/// </summary>
internal static class EncodeFrame
{
    /// <summary><paramref name="end"/> as the encoded length; a <paramref name="what"/> longer than an array can be is refused.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="end"/> exceeds <see cref="Array.MaxLength"/>.</exception>
    public static int Length(long end, string what)
        => end > Array.MaxLength ? throw new InvalidOperationException($"A {what} of {end} bytes is too large to encode.") : (int)end;

    /// <summary>
    /// The first <paramref name="length"/> bytes of <paramref name="destination"/>, cleared; false (nothing written) when
    /// it is shorter. <paramref name="bytesWritten"/> is 0 either way: the caller sets it once the encoding is complete.
    /// </summary>
    public static bool TryTake(Span<byte> destination, int length, out Span<byte> frame, out int bytesWritten)
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
}
