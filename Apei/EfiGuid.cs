namespace ApeiKit;

/// <summary>
/// EFI_GUID helpers. EFI_GUID (UEFI 2.10 Appendix A) is laid out exactly like Microsoft's GUID:
/// u32, u16, u16 little-endian, then 8 bytes in order, so <see cref="Guid(ReadOnlySpan{byte})"/>
/// and <see cref="Guid.TryWriteBytes(Span{byte})"/> read and write it directly.
/// </summary>
public static class EfiGuid
{
    /// <summary>Reads a 16-byte EFI_GUID.</summary>
    public static Guid Read(ReadOnlySpan<byte> source) => new(source[..16]);

    /// <summary>Writes a 16-byte EFI_GUID.</summary>
    public static void Write(Span<byte> destination, Guid value)
    {
        if (!value.TryWriteBytes(destination[..16])) ThrowHelper.ThrowDestinationTooSmall(nameof(destination), 16, destination.Length);
    }

    /// <summary>Lower-case registry form, e.g. <c>a5bc1114-6f64-4ede-b863-3e83ed7c83b1</c>.</summary>
    public static string ToText(Guid value) => value.ToString("D");

    /// <summary>Bytes <see cref="WriteUtf8"/> writes: the 36 of the "D" form.</summary>
    public const int Utf8Length = 36;

    /// <summary>
    /// Writes the 16-byte EFI_GUID at the start of <paramref name="source"/> as UTF-8 in the lower-case "D" form
    /// (<see cref="ToText"/>'s text: the first three groups little-endian, UEFI 2.10 Appendix A) to the first
    /// <see cref="Utf8Length"/> bytes of <paramref name="destination"/>, without making a <see cref="Guid"/> or a string:
    /// what JSON writers call per GUID.
    /// </summary>
    /// <param name="source">At least 16 bytes.</param>
    /// <param name="destination">At least <see cref="Utf8Length"/> bytes.</param>
    /// <exception cref="ArgumentException">Fewer than 16 source bytes or <see cref="Utf8Length"/> destination bytes.</exception>
    public static void WriteUtf8(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.Length < 16) throw new ArgumentException($"An EFI_GUID is 16 bytes; {source.Length} given.", nameof(source));
        if (destination.Length < Utf8Length) ThrowHelper.ThrowDestinationTooSmall(nameof(destination), Utf8Length, destination.Length);
        Utf8Digits.WriteGuid(source, destination);
    }
}
