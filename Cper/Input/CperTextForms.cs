using ApeiKit.Text;

namespace ApeiKit.Cper.Input;

/// <summary>The text encodings a file of CPER records is seen in, besides raw bytes.</summary>
public enum CperTextEncoding
{
    /// <summary>Raw bytes (binary CPER records, or anything that is not hex or base64 text).</summary>
    Binary,
    /// <summary>ASCII hex (whitespace, "0x" prefixes and commas ignored), like libcper's <c>.cperhex</c>.</summary>
    Hex,
    /// <summary>Base64 (whitespace ignored), as Redfish and many logs carry a record.</summary>
    Base64,
}

/// <summary>
/// Recognises CPER records given as text (hex like libcper's <c>.cperhex</c>, base64) and turns the text into the
/// records' bytes (UEFI 2.10 N.2.1: a record starts with the signature "CPER", so bytes starting with it are binary).
/// Decoding goes through <see cref="HexTextStream"/> and <see cref="Base64TextStream"/>, the decoders a streamed input
/// uses, so the same text gives the same bytes either way.
/// </summary>
public static class CperTextForms
{
    /// <summary>Hex or base64 digits that must come before anything else for a prefix to be taken as that text.</summary>
    public const int MinGuessDigits = 256;

    /// <summary>
    /// Guesses the encoding from the first bytes of an input: binary when they start with "CPER" or hold a byte that
    /// is not text; hex when the characters are hex digits and separators, at least up to <see cref="MinGuessDigits"/>
    /// digits before anything else (a typo later in a long hex file is then reported where it is, after the bytes
    /// before it); base64 likewise; else binary. The same rule applies to a prefix and to a whole input.
    /// </summary>
    /// <param name="data">The first bytes (or all of the input).</param>
    public static CperTextEncoding Guess(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0 || data.StartsWith("CPER"u8) || !IsText(data)) return CperTextEncoding.Binary;
        if (ValidPrefix(data, hex: true) is var h && (h == int.MaxValue || h >= MinGuessDigits)) return CperTextEncoding.Hex;
        if (ValidPrefix(data, hex: false) is var b && (b == int.MaxValue || b >= MinGuessDigits)) return CperTextEncoding.Base64;
        return CperTextEncoding.Binary;
    }

    /// <summary>
    /// Decodes <paramref name="source"/> as <paramref name="encoding"/>: the bytes, or null with <paramref name="error"/>
    /// saying where the text stops being valid. Binary gives a copy of the input. (Parameters in the order of the
    /// library's decode contract: the source, the out results, then the inputs.)
    /// </summary>
    /// <param name="source">The whole text.</param>
    /// <param name="error">Why the text is not valid, or null.</param>
    /// <param name="encoding">Its encoding.</param>
    public static byte[]? Decode(ReadOnlySpan<byte> source, out string? error, CperTextEncoding encoding)
    {
        error = null;
        return encoding switch
        {
            CperTextEncoding.Hex => Run(new HexTextStream(new MemoryStream(source.ToArray(), writable: false)), out error),
            CperTextEncoding.Base64 => Run(new Base64TextStream(new MemoryStream(source.ToArray(), writable: false)), out error),
            _ => source.ToArray(),
        };
    }

    /// <summary>Parses hex digits, ignoring whitespace, commas and "0x" prefixes: false when any other character is there or there are no digits.</summary>
    /// <param name="text">The text.</param>
    /// <param name="bytes">The bytes (empty when false).</param>
    public static bool TryDecodeHex(ReadOnlySpan<byte> text, out byte[] bytes)
    {
        bytes = ValidPrefix(text, hex: true) == int.MaxValue ? Run(new HexTextStream(new MemoryStream(text.ToArray(), writable: false)), out _) ?? [] : [];
        return bytes.Length > 0;
    }

    /// <summary>Parses base64, ignoring whitespace: false when any other character is there or there are no digits.</summary>
    /// <param name="text">The text.</param>
    /// <param name="bytes">The bytes (empty when false).</param>
    public static bool TryDecodeBase64(ReadOnlySpan<byte> text, out byte[] bytes)
    {
        bytes = ValidPrefix(text, hex: false) == int.MaxValue ? Run(new Base64TextStream(new MemoryStream(text.ToArray(), writable: false)), out _) ?? [] : [];
        return bytes.Length > 0;
    }

    /// <summary>Digits before the first character that is not valid in the encoding; int.MaxValue when all are valid (and there is at least one).</summary>
    private static int ValidPrefix(ReadOnlySpan<byte> data, bool hex)
    {
        int digits = 0;
        for (int i = 0; i < data.Length; i++)
        {
            byte c = data[i];
            if (c is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') continue;
            if (hex)
            {
                if (c == (byte)',') continue;
                if (c == '0' && i + 1 < data.Length && (data[i + 1] | 0x20) == 'x') { i++; continue; }
                if (!char.IsAsciiHexDigit((char)c)) return digits;
            }
            else if (!(char.IsAsciiLetterOrDigit((char)c) || c is (byte)'+' or (byte)'/' or (byte)'=')) return digits;
            digits++;
        }
        return digits == 0 ? 0 : int.MaxValue;
    }

    private static bool IsText(ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            if (b is (< 0x20 and not (byte)'\n' and not (byte)'\r' and not (byte)'\t') or >= 0x7F) return false;
        }
        return true;
    }

    private static byte[]? Run(TextDecodingStream stream, out string? error)
    {
        using (stream)
        {
            using var ms = new MemoryStream();
            stream.CopyTo(ms);
            error = stream.Error;
            return error is null ? ms.ToArray() : null;
        }
    }
}
