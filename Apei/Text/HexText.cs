namespace ApeiKit.Text;

/// <summary>Lower-case hex of bytes, the same on every target framework (net8.0 has no <c>Convert.ToHexStringLower</c>).</summary>
internal static class HexText
{
    /// <summary>Lower-case hex of <paramref name="bytes"/>.</summary>
    public static string Lower(ReadOnlySpan<byte> bytes)
    {
#if NET9_0_OR_GREATER
        return Convert.ToHexStringLower(bytes);
#else
        return string.Create(bytes.Length * 2, bytes.ToArray(), static (dest, src) => TryLower(src, dest, out _));
#endif
    }

    /// <summary>Writes lower-case hex of <paramref name="bytes"/> into <paramref name="dest"/>.</summary>
    public static bool TryLower(ReadOnlySpan<byte> bytes, Span<char> dest, out int written)
    {
#if NET9_0_OR_GREATER
        return Convert.TryToHexStringLower(bytes, dest, out written);
#else
        if (dest.Length < bytes.Length * 2) { written = 0; return false; }
        for (int i = 0; i < bytes.Length; i++)
        {
            dest[2 * i] = "0123456789abcdef"[bytes[i] >> 4];
            dest[2 * i + 1] = "0123456789abcdef"[bytes[i] & 0xF];
        }
        written = bytes.Length * 2;
        return true;
#endif
    }
}
