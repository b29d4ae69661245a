using System.Text;

namespace ApeiKit.Cli;

/// <summary>How the bytes of an input file are encoded.</summary>
public enum InputEncoding
{
    /// <summary>Guess from the content.</summary>
    Auto,
    /// <summary>Raw bytes.</summary>
    Binary,
    /// <summary>ASCII hex (whitespace, "0x" prefixes and commas ignored), like libcper's .cperhex.</summary>
    Hex,
    /// <summary>Base64.</summary>
    Base64,
}

/// <summary>Turns a file's bytes into the binary they encode.</summary>
public static class InputDecoder
{
    /// <summary>Decodes <paramref name="data"/> as <paramref name="encoding"/> (guessing when Auto) and says which encoding was used.</summary>
    /// <exception cref="CliUsageException">The text is not valid in the requested encoding.</exception>
    public static byte[] Decode(byte[] data, InputEncoding encoding, out InputEncoding used)
    {
        used = encoding == InputEncoding.Auto ? Guess(data) : encoding;
        return used switch
        {
            InputEncoding.Hex => FromHex(data),
            InputEncoding.Base64 => FromBase64(data),
            _ => data,
        };
    }

    /// <summary>Guesses the encoding: binary unless the whole input is hex text or base64 text.</summary>
    public static InputEncoding Guess(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0 || data.StartsWith("CPER"u8) || !IsText(data)) return InputEncoding.Binary;
        if (TryHex(data, out _)) return InputEncoding.Hex;
        if (TryBase64(data, out _)) return InputEncoding.Base64;
        return InputEncoding.Binary;
    }

    private static bool IsText(ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            if (b is (< 0x20 and not (byte)'\n' and not (byte)'\r' and not (byte)'\t') or >= 0x7F) return false;
        }
        return true;
    }

    private static byte[] FromHex(byte[] data)
        => TryHex(data, out var bytes) ? bytes : throw new CliUsageException("input is not valid hex (an odd number of digits, or a character that is not a hex digit).");

    private static byte[] FromBase64(byte[] data)
        => TryBase64(data, out var bytes) ? bytes : throw new CliUsageException("input is not valid base64.");

    /// <summary>Parses hex digits, ignoring whitespace, commas and "0x" prefixes.</summary>
    public static bool TryHex(ReadOnlySpan<byte> text, out byte[] bytes)
    {
        var digits = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            byte c = text[i];
            if (c is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)',') continue;
            if (c == '0' && i + 1 < text.Length && (text[i + 1] | 0x20) == 'x') { i++; continue; }
            if (!char.IsAsciiHexDigit((char)c)) { bytes = []; return false; }
            digits.Append((char)c);
        }
        if (digits.Length == 0 || digits.Length % 2 != 0) { bytes = []; return false; }
        bytes = Convert.FromHexString(digits.ToString());
        return true;
    }

    /// <summary>Parses base64, ignoring whitespace.</summary>
    public static bool TryBase64(ReadOnlySpan<byte> text, out byte[] bytes)
    {
        var s = Encoding.ASCII.GetString(text).Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Trim();
        bytes = [];
        if (s.Length == 0 || s.Length % 4 != 0) return false;
        try
        {
            bytes = Convert.FromBase64String(s);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
