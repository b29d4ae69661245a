using ApeiKit.Cper.Input;

namespace ApeiKit.Cli;

/// <summary>
/// What <c>--input</c> names: Auto (recognised), the library's <see cref="Ghes.ApeiInputFormat"/> of the same name (see
/// there for each form), and Rasdaemon (rasdaemon's SQLite database, which only the exe reads: it needs SQLite).
/// </summary>
internal enum InputEncoding { Auto, Binary, Hex, Base64, HexDump, Redfish, Pldm, WheaXml, Section, Rasdaemon, Dmesg }

/// <summary>
/// Turns text-encoded input into bytes, in memory, through the library's <see cref="CperTextForms"/> (the same decoders
/// the streamed inputs use), mapping its encodings to the CLI's <see cref="InputEncoding"/> and its errors to usage errors.
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
            InputEncoding.Hex => CperTextForms.Decode(data, out string? e, CperTextEncoding.Hex) ?? throw new CliUsageException($"input is {e}."),
            InputEncoding.Base64 => CperTextForms.Decode(data, out string? e, CperTextEncoding.Base64) ?? throw new CliUsageException($"input is {e}."),
            _ => data,
        };
    }

    /// <summary>The encoding <see cref="CperTextForms.Guess"/> sees in the first bytes of an input, as an <see cref="InputEncoding"/>.</summary>
    /// <param name="data">The first bytes (or all of the input).</param>
    /// <param name="complete">Unused: kept for callers that pass it; the same rule applies to a prefix and a whole input.</param>
    public static InputEncoding Guess(ReadOnlySpan<byte> data, bool complete = true)
    {
        _ = complete;
        return CperTextForms.Guess(data) switch
        {
            CperTextEncoding.Hex => InputEncoding.Hex,
            CperTextEncoding.Base64 => InputEncoding.Base64,
            _ => InputEncoding.Binary,
        };
    }

    /// <summary>Parses hex digits, ignoring whitespace, commas and "0x" prefixes (<see cref="CperTextForms.TryDecodeHex"/>).</summary>
    public static bool TryHex(ReadOnlySpan<byte> text, out byte[] bytes) => CperTextForms.TryDecodeHex(text, out bytes);

    /// <summary>Parses base64, ignoring whitespace (<see cref="CperTextForms.TryDecodeBase64"/>).</summary>
    public static bool TryBase64(ReadOnlySpan<byte> text, out byte[] bytes) => CperTextForms.TryDecodeBase64(text, out bytes);
}
