using System.CommandLine;
using System.Text;
using System.Text.Json;
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
    /// ndjson: one per line), streamed: each record is written as it is read, through the same input framing as
    /// <c>decode</c> (any encoding, <c>--max-record-size</c> honoured), so memory stays bounded whatever the input's size.
    /// </summary>
    public static int Decode(CliContext context, string[] files, string format, InputEncoding encoding, long maxRecordSize, WrapOptions? wrap = null)
    {
        if (format is not ("json" or "ndjson")) throw new CliUsageException("--json-style libcper needs --format json or ndjson.");
        if (files.Length == 0) throw new CliUsageException("decode needs at least one file.");
        int errors = 0, written = 0;
        string? held = null;
        var options = new JsonSerializerOptions { WriteIndented = format == "json", Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        byte[]? scratch = null;
        using var limit = StreamInput.UseLimit(maxRecordSize);
        foreach (var file in files)
        {
            using var source = InputSource.Open(context, file, encoding, wrap: wrap);
            if (source.Form != InputForm.CperRecords) throw new CliUsageException($"{source.Name}: --json-style libcper decodes CPER records; this input is {(source.Form == InputForm.Table ? "an ACPI table" : "error status blocks")}.");
            var reader = source.OpenReader(maxRecordSize);
            int index = 0;
            while (reader.ReadAsync().AsTask().GetAwaiter().GetResult())
            {
                var item = reader.Current;
                string label = item.Kind == CperStreamItemKind.Skipped ? $"Unrecognised bytes at 0x{item.Offset:X}" : $"CPER record #{++index}";
                if (item.Kind == CperStreamItemKind.Skipped && item.IsAllZero) continue;
                if (item.Kind != CperStreamItemKind.Record || item.IsTruncated)
                {
                    context.Error.WriteLine($"apeikit: {source.Name}: {label} at offset {item.Offset}, {item.Length} bytes: {item.Problem ?? "not a CPER record"}; skipped.");
                    errors++;
                    continue;
                }
                try
                {
                    Emit(LibCperJsonWriter.ToJsonNode(item.GetSpan(ref scratch)).ToJsonString(options));
                }
                catch (ApeiContentException e)
                {
                    context.Error.WriteLine($"apeikit: {source.Name}: {label}: {e.Message}");
                    errors++;
                }
            }
            reader.Complete();
            if (source.TextError is { } textError)
            {
                context.Error.WriteLine($"apeikit: {source.Name}: {textError}; decoded up to there.");
                errors++;
            }
            foreach (var error in source.WrapperErrors)
            {
                context.Error.WriteLine($"apeikit: {source.Name}: {error}");
                errors++;
            }
        }
        if (format == "json")
        {
            if (written == 1) context.Out.WriteLine(held);
            else if (written == 0) context.Out.WriteLine("[]");
            else context.Out.WriteLine("\n]");
        }
        return errors > 0 ? CliApp.ContentError : CliApp.Ok;

        void Emit(string json)
        {
            written++;
            if (format == "ndjson")
            {
                context.Out.WriteLine(json);
                return;
            }
            // One record prints as an object, several as an array: hold the first until a second shows which.
            if (written == 1)
            {
                held = json;
                return;
            }
            if (written == 2)
            {
                context.Out.Write("[");
                WriteElement(held!);
                held = null;
            }
            context.Out.Write(",");
            WriteElement(json);
        }

        void WriteElement(string json)
        {
            foreach (var line in json.Split('\n')) context.Out.Write("\n  " + line);
        }
    }
}
