using System.CommandLine;
using System.Text;
using System.Text.Json;
using ApeiKit.Cper.Json;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Cli;

/// <summary>
/// openbmc/libcper JSON ("CPER-IR") compatibility: <c>decode --format json --json-style libcper</c> prints libcper's
/// JSON for each record; <c>encode-libcper FILE.json -o OUT.bin</c> turns libcper JSON back into CPER bytes
/// (temporary command name, to become <c>encode --json-style libcper</c>).
/// </summary>
internal static class LibCperCommands
{
    /// <summary>
    /// Reads libcper JSON from <paramref name="file"/> (one record, an array, or one per line as
    /// <c>decode --format ndjson --json-style libcper</c> prints them) and writes the CPER bytes to <paramref name="output"/>.
    /// A wrong type or a value that does not parse is an error naming its JSON path (exit 1); the status line goes to stderr.
    /// </summary>
    public static int Encode(CliContext context, string file, string output)
    {
        byte[] json = CliFiles.Read(context, file);
        using var bytes = new MemoryStream();
        int count;
        try
        {
            var records = LibCperJsonReader.ReadRecords(json);
            count = records.Count;
            foreach (var record in records) bytes.Write(record.Encode());
        }
        catch (Exception e) when (e is CperJsonException or ApeiContentException)
        {
            context.Error.WriteLine($"apeikit: {file}: {e.Message}");
            return CliApp.ContentError;
        }
        CliFiles.Write(output, bytes.ToArray());
        context.Error.WriteLine($"apeikit: wrote {count} CPER record{(count == 1 ? "" : "s")} ({bytes.Length} bytes) to {output}");
        return CliApp.Ok;
    }

    /// <summary>Prints libcper's JSON for every CPER record in <paramref name="files"/> (json: one object, or an array for several; ndjson: one per line).</summary>
    public static int Decode(CliContext context, string[] files, string format, InputEncoding encoding)
    {
        if (format is not ("json" or "ndjson")) throw new CliUsageException("--json-style libcper needs --format json or ndjson.");
        if (files.Length == 0) throw new CliUsageException("decode needs at least one file.");
        var records = new List<System.Text.Json.Nodes.JsonObject>();
        int errors = 0;
        foreach (var file in files)
        {
            byte[] raw = CliFiles.Read(context, file);
            byte[] bytes = InputDecoder.Decode(raw, encoding, out _);
            foreach (var unit in InputSplitter.SplitCper(bytes))
            {
                if (unit.Kind != UnitKind.CperRecord)
                {
                    if (unit.Kind != UnitKind.ZeroPadding) { context.Error.WriteLine($"apeikit: {file}: {unit.Label}: not a CPER record, skipped."); errors++; }
                    continue;
                }
                try
                {
                    records.Add(LibCperJsonWriter.ToJsonNode(bytes.AsSpan(unit.Offset, unit.Length)));
                }
                catch (ApeiContentException e)
                {
                    context.Error.WriteLine($"apeikit: {file}: {unit.Label}: {e.Message}");
                    errors++;
                }
            }
        }
        var options = new JsonSerializerOptions { WriteIndented = format == "json", Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        if (format == "ndjson")
            foreach (var r in records) context.Out.WriteLine(r.ToJsonString(options));
        else if (records.Count == 1)
            context.Out.WriteLine(records[0].ToJsonString(options));
        else
            context.Out.WriteLine(new System.Text.Json.Nodes.JsonArray([.. records]).ToJsonString(options));
        return errors > 0 ? CliApp.ContentError : CliApp.Ok;
    }
}
