using System.CommandLine;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Ghes;

namespace ApeiKit.Cli;

/// <summary>
/// <c>apeikit encode FILE.json -o OUT.bin [--framing cper|gesb]</c>: the inverse of <c>decode --format json</c>. Reads one
/// record, an array of records or NDJSON (<see cref="CperJsonReader"/>) and writes the records concatenated, or one
/// Generic Error Status Block per record (<see cref="CperConversion.ToErrorStatusBlock"/>). Error status blocks as
/// <c>decode --input gesb --format json</c> prints them (<see cref="ErrorStatusBlockJsonReader"/>) are written back as
/// blocks, or converted to CPER records. What the target framing cannot carry is reported on stderr, once per run.
/// Exit codes: 1 when the JSON is malformed or does not describe a record (the message names the JSON path), 2 for
/// usage errors and unreadable or unwritable files.
/// </summary>
internal static class EncodeCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "JSON as 'decode --format json' or '--format ndjson' writes it (one record, an array, or one per line; or error status blocks as 'decode --input gesb --format json' writes them); '-' reads standard input." };
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
        if (ErrorStatusBlockJsonReader.LooksLikeBlocks(json)) return RunBlocks(context, file, json, output, framing);
        List<CperRecord> records;
        using var result = new MemoryStream();
        var losses = new ConversionLossTally(toErrorStatusBlock: true);
        try
        {
            records = CperJsonReader.ReadRecords(json);
            foreach (var record in records)
            {
                if (framing == "gesb")
                {
                    losses.Add(CperConversion.LossToErrorStatusBlock(record, out var warning), warning);
                    result.Write(CperConversion.ToErrorStatusBlock(record, dropHighFlags: true).Encode());
                }
                else
                {
                    result.Write(record.Encode());
                }
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
        foreach (var message in losses.Messages()) context.Error.WriteLine($"apeikit: {file}: {message}");
        CliFiles.Write(output, result.ToArray());
        int count = records.Count;
        context.Out.WriteLine($"apeikit: wrote {count} {(framing == "cper" ? "CPER record" : "error status block")}{(count == 1 ? "" : "s")} ({result.Length} bytes) to {output}");
        return CliApp.Ok;
    }

    /// <summary>
    /// Error status blocks as <c>decode --input gesb --format json</c> prints them: written back as they were (gesb
    /// framing), or converted to CPER records (cper framing; what a record cannot carry is reported).
    /// </summary>
    private static int RunBlocks(CliContext context, string file, byte[] json, string output, string framing)
    {
        using var result = new MemoryStream();
        var losses = new ConversionLossTally(toErrorStatusBlock: false);
        int count;
        try
        {
            var blocks = ErrorStatusBlockJsonReader.ReadBlocks(json);
            count = blocks.Count;
            foreach (var bytes in blocks)
            {
                if (framing == "gesb")
                {
                    result.Write(bytes);
                    continue;
                }
                var block = ErrorStatusBlock.Decode(bytes, out _);
                losses.Add(CperConversion.LossToCperRecord(block));
                result.Write(CperConversion.ToCperRecord(block).Encode());
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
        foreach (var message in losses.Messages()) context.Error.WriteLine($"apeikit: {file}: {message}");
        CliFiles.Write(output, result.ToArray());
        context.Out.WriteLine($"apeikit: wrote {count} {(framing == "cper" ? "CPER record" : "error status block")}{(count == 1 ? "" : "s")} ({result.Length} bytes) to {output}");
        return CliApp.Ok;
    }
}
