using System.CommandLine;
using System.Globalization;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Ghes;

namespace ApeiKit.Cli;

/// <summary>
/// <c>apeikit encode FILE.json -o OUT.bin [--framing cper|gesb]</c>: the inverse of <c>decode --format json</c>. Reads one
/// item, an array of items or NDJSON (<see cref="CperJsonReader.ReadItems(ReadOnlySpan{byte})"/>) and writes the items in
/// order: records encoded, bytes that were not a record (unrecognised, a record cut short) as they were and zero padding as
/// zeros, so decode then encode gives the input back; or one Generic Error Status Block per record
/// (<see cref="CperConversion.ToErrorStatusBlock"/>; records only).
/// Exit codes: 1 when the JSON is malformed or does not describe a record (the message names the JSON path), 2 for
/// usage errors and unreadable or unwritable files.
/// </summary>
internal static class EncodeCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "JSON as 'decode --format json' or '--format ndjson' writes it (one item, an array, or one per line: records, and the bytes between them, written back as they were; or error status blocks as 'decode --input gesb --format json' writes them); '-' reads standard input." };
        var output = new Option<string>("--output", "-o") { Description = "Output file ('-': standard output); written to a temporary file and renamed into place.", Required = true };
        var framing = new Option<string>("--framing") { Description = "cper: CPER records, concatenated (default); gesb: one Generic Error Status Block per record.", DefaultValueFactory = _ => "cper" };
        framing.AcceptOnlyFromAmong("cper", "gesb");
        var jsonStyle = new Option<string>("--json-style") { Description = "apeikit (ours, as 'decode --format json' prints it) or libcper (openbmc/libcper's CPER-IR; CPER framing only).", DefaultValueFactory = _ => "apeikit" };
        jsonStyle.AcceptOnlyFromAmong("apeikit", "libcper");
        var bcd = new Option<bool>("--bcd-timestamps") { Description = "With --framing gesb: rewrite a record's binary timestamp (as Windows writes it) as BCD in the data entries, the same instant (Linux reads it as BCD)." };
        var command = new Command("encode", "Encode CPER records (or error status blocks) from JSON: ours, as 'decode --format json' prints it, or libcper's.") { file, output, framing, jsonStyle, bcd };
        command.SetAction(parse =>
        {
            CliFiles.CheckOutputs([parse.GetValue(file)], ("--output", parse.GetValue(output)));
            bool bcdTimestamps = parse.GetValue(bcd);
            if (bcdTimestamps && parse.GetValue(framing) != "gesb") throw new CliUsageException("--bcd-timestamps applies to --framing gesb (a CPER record keeps the timestamp as written).");
            if (parse.GetValue(jsonStyle) == "libcper")
            {
                if (parse.GetValue(framing) != "cper") throw new CliUsageException("--json-style libcper writes CPER records only (libcper's JSON is a CPER record).");
                return LibCperCommands.Encode(context, parse.GetValue(file)!, parse.GetValue(output)!);
            }
            return Run(context, parse.GetValue(file)!, parse.GetValue(output)!, parse.GetValue(framing)!, bcdTimestamps);
        });
        return command;
    }

    private static int Run(CliContext context, string file, string output, string framing, bool bcdTimestamps)
    {
        byte[] json = CliFiles.Read(context, file);
        if (ErrorStatusBlockJsonReader.LooksLikeBlocks(json))
        {
            if (bcdTimestamps) throw new CliUsageException("--bcd-timestamps rewrites a CPER record's timestamp as it becomes a block; error status blocks are written back as they are.");
            return RunBlocks(context, file, json, output, framing);
        }
        var losses = new ConversionLossTally(toErrorStatusBlock: true);
        int records = 0, others = 0;
        var jsonWarnings = new List<CperJsonWarning>();
        // Every item in order: records encoded, bytes that were not a record as they were, padding as zeros (decode's JSON
        // of a stream gives the stream back byte for byte). Everything is read and encoded before the output is opened (a
        // refusal writes nothing, standard output included); padding is only a count until it is written, so what the
        // JSON asks for is never held in memory.
        var parts = new List<(CperJsonItem Item, byte[]? Encoded)>();
        try
        {
            var items = CperJsonReader.ReadItems(json, jsonWarnings);
            int index = 0;
            foreach (var item in items)
            {
                if (item.Kind != CperJsonItemKind.Record)
                {
                    if (framing == "gesb")
                        throw new CperJsonException(item.Path, $"expected a record (--framing gesb frames records as error status blocks), found {Describe(item)} ({CliText.Count(item.Length, "byte")}); encode with --framing cper to write them back as they were");
                    parts.Add((item, null));
                    others++;
                    continue;
                }
                var record = item.Record!;
                records++;
                byte[] encoded;
                if (framing == "gesb")
                {
                    losses.Add(CperConversion.LossToErrorStatusBlock(record, out var warning, bcdTimestamps: bcdTimestamps), warning);
                    encoded = CperConversion.ToErrorStatusBlock(record, dropHighFlags: true, bcdTimestamps: bcdTimestamps).Encode();
                }
                else
                {
                    encoded = record.Encode();
                }
                WarnAboutDecodeLimits(context, file, index++, encoded, framing);
                parts.Add((item, encoded));
            }
        }
        catch (Exception e) when (e is CperJsonException or ApeiContentException)
        {
            return ContentError(context, file, e);
        }
        long written = WriteAndWarn(context, file, output, parts, jsonWarnings, losses);
        if (losses.CountOf(ConversionWarning.TimestampNotBcd) > 0 && !bcdTimestamps)
            context.Error.WriteLine($"apeikit: {CliText.Name(file)}: --bcd-timestamps rewrites such a timestamp as BCD (the same instant)");
        string rest = others == 0 ? "" : $" and {CliText.Count(others, "range")} of other bytes (unrecognised, cut short or padding) as they were";
        context.Error.WriteLine($"apeikit: wrote {CliText.Count(records, framing == "cper" ? "CPER record" : "error status block")}{rest} ({CliText.Count(written, "byte")}) to {Target(output)}");
        return CliApp.Ok;
    }

    private static string Describe(CperJsonItem item) => item.Kind switch
    {
        CperJsonItemKind.ZeroPadding => "zero padding",
        CperJsonItemKind.CutRecord => "a record cut short (its bytes as they were)",
        CperJsonItemKind.ErrorStatusBlock => "an error status block",
        CperJsonItemKind.Record => "a CPER record",
        _ => "bytes that are not a record",
    };

    /// <summary>Malformed JSON or content: one line naming the file, exit 1.</summary>
    private static int ContentError(CliContext context, string file, Exception e)
    {
        context.Error.WriteLine($"apeikit: {CliText.Name(file)}: {CliText.CutQuoted(e.Message)}");
        return CliApp.ContentError;
    }

    /// <summary>
    /// Writes the parts in order straight to the output (a temporary file renamed into place when all is written: see
    /// <see cref="CliFiles"/>): each encoded part as it is, else the item's own bytes (<see cref="CperJsonItem.WriteTo"/>;
    /// padding as zeros, a buffer at a time). Then what the JSON reader warned about and what a conversion could not carry.
    /// Returns the bytes written.
    /// </summary>
    private static long WriteAndWarn(CliContext context, string file, string output, List<(CperJsonItem Item, byte[]? Encoded)> parts, List<CperJsonWarning> jsonWarnings, ConversionLossTally losses)
    {
        long written = 0;
        using (var o = CliFiles.Open(context, output))
        {
            o.Write(stream =>
            {
                foreach (var (item, encoded) in parts)
                {
                    if (encoded is not null) stream.Write(encoded);
                    else item.WriteTo(stream);
                    written += encoded?.Length ?? item.Length;
                }
            });
            o.Commit();
        }
        foreach (var w in jsonWarnings) context.Error.WriteLine($"apeikit: {CliText.Name(file)}: warning: {CliText.CutQuoted(w.ToString())}");
        foreach (var message in losses.Messages()) context.Error.WriteLine($"apeikit: {CliText.Name(file)}: {message}");
        return written;
    }

    /// <summary>
    /// Error status blocks as <c>decode --input gesb --format json</c> prints them, with the items decode writes between
    /// them (unrecognised bytes, zero padding: <see cref="ErrorStatusBlockJsonReader.ReadItems(ReadOnlySpan{byte}, ICollection{CperJsonWarning})"/>):
    /// with gesb framing everything is written back as it was, so decode then encode gives the input back; with cper
    /// framing each block is converted to a CPER record (what a record cannot carry is reported) and an item that is
    /// not a block is refused with its path, as cper items are under <c>--framing gesb</c>.
    /// </summary>
    private static int RunBlocks(CliContext context, string file, byte[] json, string output, string framing)
    {
        var losses = new ConversionLossTally(toErrorStatusBlock: false);
        int count = 0, others = 0;
        var jsonWarnings = new List<CperJsonWarning>();
        var parts = new List<(CperJsonItem Item, byte[]? Encoded)>();
        try
        {
            foreach (var item in ErrorStatusBlockJsonReader.ReadItems(json, jsonWarnings))
            {
                if (item.Kind != CperJsonItemKind.ErrorStatusBlock)
                {
                    if (framing == "cper")
                        throw new CperJsonException(item.Path, $"expected an error status block (--framing cper converts blocks to CPER records), found {Describe(item)} ({CliText.Count(item.Length, "byte")}); encode with --framing gesb to write them back as they were");
                    parts.Add((item, null));
                    others++;
                    continue;
                }
                count++;
                if (framing == "gesb")
                {
                    parts.Add((item, null));
                    continue;
                }
                var block = ErrorStatusBlock.Decode(item.Data.Span, out _);
                losses.Add(CperConversion.LossToCperRecord(block));
                parts.Add((item, CperConversion.ToCperRecord(block).Encode()));
            }
        }
        catch (Exception e) when (e is CperJsonException or ApeiContentException)
        {
            return ContentError(context, file, e);
        }
        long written = WriteAndWarn(context, file, output, parts, jsonWarnings, losses);
        string rest = others == 0 ? "" : $" and {CliText.Count(others, "range")} of other bytes (unrecognised or padding) as they were";
        context.Error.WriteLine($"apeikit: wrote {CliText.Count(count, framing == "cper" ? "CPER record" : "error status block")}{rest} ({CliText.Count(written, "byte")}) to {Target(output)}");
        return CliApp.Ok;
    }

    /// <summary>An output's name in a status line.</summary>
    internal static string Target(string output) => CliFiles.IsStdout(output) ? "standard output" : CliText.Name(output);

    /// <summary>
    /// Warns when decode's default limits will refuse what was just written (the bytes are written anyway: a test input
    /// past the limits is a legitimate thing to build): decode's record size limit for files (--max-record-size raises it)
    /// and every <see cref="DecoderLimits"/> limit, found by decoding the bytes back with the defaults.
    /// </summary>
    private static void WarnAboutDecodeLimits(CliContext context, string file, int index, byte[] encoded, string framing)
    {
        string what = framing == "cper" ? "record" : "error status block";
        try
        {
            // No options: decode's defaults, whatever the caller uses.
            if (framing == "cper") CperRecord.Decode(encoded, out _);
            else ErrorStatusBlock.Decode(encoded, out _);
        }
        catch (ApeiContentException e) when (e.Expected?.Contains(" limit", StringComparison.Ordinal) == true)
        {
            string raise = e.Field == "RecordLength" ? $"raise it with decode's --max-record-size, up to {StreamInput.HardCap >> 20}MiB" : "no decode option raises this limit";
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"apeikit: {CliText.Name(file)}: warning: decode will refuse {what} {index} with its default limits: {CliText.CutQuoted(e.Message)} ({raise})"));
        }
        catch (ApeiContentException)
        {
            // Malformed on purpose (the JSON may describe a broken record): not a limit, not for this warning.
        }
    }
}
