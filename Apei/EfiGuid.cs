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
}
