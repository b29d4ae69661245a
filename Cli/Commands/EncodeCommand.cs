using System.CommandLine;
using System.Globalization;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Ghes;

namespace ApeiKit.Cli;

/// <summary>
/// <c>apeikit encode FILE.json -o OUT.bin [--framing cper|gesb]</c>: the inverse of <c>decode --format json</c>. Reads one
/// record, an array of records or NDJSON (<see cref="CperJsonReader"/>) and writes the records concatenated, or one
/// Generic Error Status Block per record (<see cref="CperConversion.ToErrorStatusBlock"/>).
/// Exit codes: 1 when the JSON is malformed or does not describe a record (the message names the JSON path), 2 for
/// usage errors and unreadable or unwritable files.
/// </summary>
internal static class EncodeCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "JSON as 'decode --format json' or '--format ndjson' writes it (one record, an array, or one per line); '-' reads standard input." };
        var output = new Option<string>("--output", "-o") { Description = "Output file.", Required = true };
        var framing = new Option<string>("--framing") { Description = "cper: CPER records, concatenated (default); gesb: one Generic Error Status Block per record.", DefaultValueFactory = _ => "cper" };
        framing.AcceptOnlyFromAmong("cper", "gesb");
        var jsonStyle = new Option<string>("--json-style") { Description = "apeikit (ours, as 'decode --format json' prints it) or libcper (openbmc/libcper's CPER-IR; CPER framing only).", DefaultValueFactory = _ => "apeikit" };
        jsonStyle.AcceptOnlyFromAmong("apeikit", "libcper");
        var command = new Command("encode", "Encode CPER records (or error status blocks) from JSON: ours, as 'decode --format json' prints it, or libcper's.") { file, output, framing, jsonStyle };
        command.SetAction(parse =>
        {
            if (parse.GetValue(jsonStyle) == "libcper")
            {
                if (parse.GetValue(framing) != "cper") throw new CliUsageException("--json-style libcper writes CPER records only (libcper's JSON is a CPER record).");
                return LibCperCommands.Encode(context, parse.GetValue(file)!, parse.GetValue(output)!);
            }
            return Run(context, parse.GetValue(file)!, parse.GetValue(output)!, parse.GetValue(framing)!);
        });
        return command;
    }

    private static int Run(CliContext context, string file, string output, string framing)
    {
        byte[] json = CliFiles.Read(context, file);
        List<CperRecord> records;
        using var result = new MemoryStream();
        try
        {
            records = CperJsonReader.ReadRecords(json);
            int index = 0;
            foreach (var record in records)
            {
                byte[] encoded;
                if (framing == "gesb")
                {
                    if (record.Sections.Exists(s => s.Flags > 0xFF))
                        context.Error.WriteLine($"apeikit: {file}: section flags above bit 7 do not fit a data entry and were dropped");
                    encoded = CperConversion.ToErrorStatusBlock(record, dropHighFlags: true).Encode();
                }
                else
                {
                    encoded = record.Encode();
                }
                WarnAboutDecodeLimits(context, file, index++, encoded, framing);
                result.Write(encoded);
            }
        }
        catch (CperJsonException e)
        {
            context.Error.WriteLine($"apeikit: {file}: {e.Message}");
            return CliApp.ContentError;
        }
        catch (ApeiContentException e)
        {
            context.Error.WriteLine($"apeikit: {file}: {e.Message}");
            return CliApp.ContentError;
        }
        CliFiles.Write(output, result.ToArray());
        int count = records.Count;
        context.Out.WriteLine($"apeikit: wrote {count} {(framing == "cper" ? "CPER record" : "error status block")}{(count == 1 ? "" : "s")} ({result.Length} bytes) to {output}");
        return CliApp.Ok;
    }

    /// <summary>
    /// Warns when decode's default limits will refuse what was just written (the bytes are written anyway: a test input
    /// past the limits is a legitimate thing to build): decode's record size limit for files (--max-record-size raises it)
    /// and every <see cref="DecoderLimits"/> limit, found by decoding the bytes back with the defaults.
    /// </summary>
    private static void WarnAboutDecodeLimits(CliContext context, string file, int index, byte[] encoded, string framing)
    {
        string what = framing == "cper" ? "record" : "error status block";
        if (framing == "cper" && encoded.Length > StreamInput.MaxRecordSize)
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"apeikit: {file}: warning: {what} {index} is {encoded.Length} bytes; decode reads records of at most {StreamInput.MaxRecordSize} bytes from a file by default (raise it with --max-record-size)"));
        try
        {
            using (DecoderLimits.Use(DecoderLimits.Default))
            {
                if (framing == "cper") CperRecord.Decode(encoded, out _);
                else ErrorStatusBlock.Decode(encoded, out _);
            }
        }
        catch (ApeiContentException e) when (e.Expected?.Contains("(DecoderLimits.", StringComparison.Ordinal) == true)
        {
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"apeikit: {file}: warning: decode will refuse {what} {index} with its default limits: {e.Message} (no decode option raises this limit; DecoderLimits in code)"));
        }
        catch (ApeiContentException)
        {
            // Malformed on purpose (the JSON may describe a broken record): not a limit, not for this warning.
        }
    }
}
