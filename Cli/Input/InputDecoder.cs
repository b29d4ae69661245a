using ApeiKit.Ghes;

namespace ApeiKit.Cli;

/// <summary>
/// What <c>--input</c> names: Auto (recognised), the library's <see cref="Ghes.ApeiInputFormat"/> of the same name (see
/// there for each form), and Rasdaemon (rasdaemon's SQLite database, which only the exe reads: it needs SQLite).
/// </summary>
internal enum InputEncoding { Auto, Binary, Hex, Base64, HexDump, Redfish, Pldm, WheaXml, Section, Rasdaemon, Dmesg }

/// <summary>
/// Reads a whole input held in memory (a table, or the record files of <c>vm</c> and <c>bert build</c>) the way the
/// streamed commands read theirs: through the library's <see cref="ApeiInputRecognizer"/>, so binary, hex, base64 and
/// xxd or <c>hexdump -C</c> text give the same bytes, and an error names the input.
/// </summary>
internal static class InputDecoder
{
    /// <summary>The decoded bytes of <paramref name="data"/>: the bytes themselves, or their hex, base64 or hex-dump text decoded.</summary>
    /// <param name="data">The whole input.</param>
    /// <param name="name">The input's display name (<see cref="CliText.Name"/>), for errors.</param>
    /// <param name="records">True when CPER records are wanted (a wrapper's records are then read, Redfish, PLDM, WHEA XML, kernel log); false for a table.</param>
    /// <param name="notices">Where the wrapper's notices go (entries without CPER skipped, sections left out), each as
    /// <c>apeikit: NAME: NOTICE</c> as the streamed commands print them, so fewer records than the file holds are never used silently.</param>
    /// <exception cref="CliUsageException">The text stops being valid, the input is a wrapper of records where a table is wanted, or the wrapper is malformed.</exception>
    public static byte[] Decode(byte[] data, string name, bool records = false, TextWriter? notices = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var recognizer = new ApeiInputRecognizer(new ApeiInputOptions { Name = name });
        var format = recognizer.RecognizeFormat(data.AsSpan(0, Math.Min(data.Length, ApeiInputRecognizer.FormatHeadLength)));
        if (!records && ApeiInputRecognizer.IsWrapper(format)) throw new CliUsageException($"{name}: a {format} input holds error records, not a table.");
        RecognizedApeiInput input;
        try
        {
            input = recognizer.Decode(data, format); // the format is known: not detected again, no regions, binary not copied
        }
        catch (FormatException e)
        {
            throw new CliUsageException($"{name}: {e.Message}");
        }
        if (input.Errors.Count > 0) throw new CliUsageException($"{name}: {input.Format} input: {string.Join("; ", input.Errors)}.");
        if (notices is not null)
        {
            foreach (var n in input.Notices) notices.WriteLine($"apeikit: {name}: {n}");
        }
        return input.Bytes;
    }
}
