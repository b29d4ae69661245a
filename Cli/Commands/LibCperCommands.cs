using System.CommandLine;
using System.Text;
using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Cper.LibCper;
using ApeiKit.Cper.Streaming;

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
            context.Error.WriteLine($"apeikit: {CliText.Name(file)}: {CliText.Message(e)}");
            return CliApp.ContentError;
        }
        CliFiles.WriteAll(context, (output, bytes.ToArray()));
        context.Error.WriteLine($"apeikit: wrote {CliText.Count(count, "CPER record")} ({CliText.Count(bytes.Length, "byte")}) to {EncodeCommand.Target(output)}");
        return CliApp.Ok;
    }

    /// <summary>
    /// Prints libcper's JSON for every CPER record in <paramref name="files"/> (json: one object, or an array for several;
    /// ndjson: one per line), streamed: each record is written as it is read, through the same input framing, batching and
    /// <c>--jobs</c> as <c>decode</c> (any encoding, <c>--max-record-size</c> honoured), so memory stays bounded whatever
    /// the input's size.
    /// </summary>
    public static int Decode(CliContext context, string[] files, string format, InputEncoding encoding, CperDecodeOptions options, WrapOptions? wrap = null, int jobs = 1)
    {
        if (format is not ("json" or "ndjson")) throw new CliUsageException("--json-style libcper needs --format json or ndjson.");
        if (files.Length == 0) throw new CliUsageException("decode needs at least one file.");
        if (jobs < 1) throw new CliUsageException("--jobs must be at least 1.");
        jobs = Math.Min(jobs, Environment.ProcessorCount); // as decode: more workers than cores only add hand-offs
        return StreamingDecode.RenderLibCper(context, Open(context, files, encoding, wrap), format, jobs, options);
    }

    /// <summary>Each file opened when it is reached (and closed when the next one is), refused unless it holds CPER records.</summary>
    private static IEnumerable<DecodeCommand.LoadedInput> Open(CliContext context, string[] files, InputEncoding encoding, WrapOptions? wrap)
    {
        foreach (var file in files)
        {
            using var source = InputSource.Open(context, file, encoding, wrap: wrap);
            if (source.Form != InputForm.CperRecords) throw new CliUsageException($"{source.Name}: --json-style libcper decodes CPER records; this input is {(source.Form == InputForm.Table ? "an ACPI table" : "error status blocks")}.");
            yield return new DecodeCommand.LoadedInput(source.Name, [], []) { Source = source };
        }
    }
}
