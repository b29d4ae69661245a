using ApeiKit.Text;

namespace ApeiKit.Cli;

/// <summary>How the bytes of an input file are encoded.</summary>
internal enum InputEncoding
{
    /// <summary>Guess from the content.</summary>
    Auto,
    /// <summary>Raw bytes.</summary>
    Binary,
    /// <summary>ASCII hex (whitespace, "0x" prefixes and commas ignored), like libcper's .cperhex.</summary>
    Hex,
    /// <summary>Base64.</summary>
    Base64,
    /// <summary>xxd (default output) or <c>hexdump -C</c> text: offsets checked, the ASCII column ignored, '*' lines expanded.</summary>
    HexDump,
    /// <summary>Redfish LogEntry JSON (an entry, a LogEntryCollection page, an array): DiagnosticDataType CPER or CPERSection.</summary>
    Redfish,
    /// <summary>PLDM CPER event data (DSP0248 1.3 cperEvent: 4-byte header, then a record or a section).</summary>
    Pldm,
    /// <summary>Windows events exported as XML: each WHEA-Logger event's RawData is a record.</summary>
    WheaXml,
    /// <summary>One section on its own (its body, or descriptor and body), typed by --section-type: wrapped into a record.</summary>
    Section,
    /// <summary>rasdaemon's SQLite database: non_standard_event, arm_event and extlog_event rows become records.</summary>
    Rasdaemon,
    /// <summary>Kernel log text with {N}[Hardware Error]: lines: each block parsed back into a record (lossy).</summary>
    Dmesg,
}

/// <summary>
/// Turns text-encoded input into bytes, in memory, through the same decoders the streamed inputs use
/// (<see cref="HexTextStream"/>, <see cref="Base64TextStream"/>), and guesses the encoding from a prefix.
/// </summary>
internal static class InputDecoder
{
    /// <summary>Decodes <paramref name="data"/> as <paramref name="encoding"/> (guessing when Auto) and says which encoding was used.</summary>
    /// <exception cref="CliUsageException">The text is not valid in the requested encoding.</exception>
    public static byte[] Decode(byte[] data, InputEncoding encoding, out InputEncoding used)
    {
        ArgumentNullException.ThrowIfNull(data);
        used = encoding == InputEncoding.Auto ? Guess(data, complete: true) : encoding;
        return used switch
        {
            InputEncoding.Hex => Run(new HexTextStream(new MemoryStream(data, writable: false)), out string? e) ?? throw new CliUsageException($"input is {e}."),
            InputEncoding.Base64 => Run(new Base64TextStream(new MemoryStream(data, writable: false)), out string? e) ?? throw new CliUsageException($"input is {e}."),
            _ => data,
        };
    }

    /// <summary>
    /// Guesses the encoding from the first bytes of an input: binary when they start with "CPER" or hold a byte that
    /// is not text; hex when the characters are hex digits and separators, at least up to 256 digits before anything
    /// else (a typo later in a long hex file is then reported where it is, after the bytes before it); base64 likewise;
    /// else binary.
    /// </summary>
    /// <param name="data">The first bytes (or all of the input).</param>
    /// <param name="complete">Unused: kept for callers that pass it; the same rule applies to a prefix and a whole input.</param>
    public static InputEncoding Guess(ReadOnlySpan<byte> data, bool complete = true)
    {
        _ = complete;
        if (data.Length == 0 || data.StartsWith("CPER"u8) || !IsText(data)) return InputEncoding.Binary;
        if (ValidPrefix(data, hex: true) is var h && (h == int.MaxValue || h >= MinDigits)) return InputEncoding.Hex;
        if (ValidPrefix(data, hex: false) is var b && (b == int.MaxValue || b >= MinDigits)) return InputEncoding.Base64;
        return InputEncoding.Binary;
    }

    private const int MinDigits = 256;

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

    /// <summary>Parses hex digits, ignoring whitespace, commas and "0x" prefixes.</summary>
    public static bool TryHex(ReadOnlySpan<byte> text, out byte[] bytes)
    {
        bytes = ValidPrefix(text, hex: true) == int.MaxValue ? Run(new HexTextStream(new MemoryStream(text.ToArray(), writable: false)), out _) ?? [] : [];
        return bytes.Length > 0;
    }

    /// <summary>Parses base64, ignoring whitespace.</summary>
    public static bool TryBase64(ReadOnlySpan<byte> text, out byte[] bytes)
    {
        bytes = ValidPrefix(text, hex: false) == int.MaxValue ? Run(new Base64TextStream(new MemoryStream(text.ToArray(), writable: false)), out _) ?? [] : [];
        return bytes.Length > 0;
    }

    private static byte[]? Run(TextDecodingStream stream, out string? error)
    {
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        error = stream.Error;
        return error is null ? ms.ToArray() : null;
    }
}
