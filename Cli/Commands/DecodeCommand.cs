using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using ApeiKit.Cper;

namespace ApeiKit.Cli;

/// <summary><c>apeikit decode</c>: CPER records (binary, hex, base64, stdin) in text, JSON, NDJSON or layout form.</summary>
internal static class DecodeCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("files") { Description = "Files to decode ('-' reads standard input); a directory holding BERT and data/BERT (Linux /sys/firmware/acpi/tables) decodes that pair.", Arity = ArgumentArity.ZeroOrMore };
        var format = new Option<string>("--format", "-f") { Description = "Output: text (readable), json (one document), ndjson (one record per line), layout (every field with offset, length and raw bytes).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "ndjson", "layout");
        var input = new Option<string>("--input", "-i") { Description = "How the files are encoded: auto, binary, hex, base64; gesb reads them as Generic Error Status Blocks.", DefaultValueFactory = _ => "auto" };
        input.AcceptOnlyFromAmong("auto", "binary", "hex", "base64", "gesb");
        var table = new Option<string?>("--table", "-t") { Description = "With acpidump text: decode only this table (e.g. HEST); without it every table is listed." };
        var bertTable = new Option<string?>("--bert-table") { Description = "A BERT table file (e.g. /sys/firmware/acpi/tables/BERT)." };
        var bertRegion = new Option<string?>("--bert-region") { Description = "Its boot error region (e.g. /sys/firmware/acpi/tables/data/BERT)." };
        var hest = new Option<string?>("--hest") { Description = "A HEST binary whose GHES/GHESv2 sources are read from --region (each source's registers, read-ack state and current error status block)." };
        var region = new Option<string?>("--region") { Description = "The error-status region for --hest (e.g. QEMU's etc/hardware_errors, as written by 'hest build --region')." };
        var regionBase = new Option<string?>("--region-base") { Description = "Physical address of the region's first byte (decimal or 0x hex); default: the lowest register address in the HEST." };
        var jsonStyle = new Option<string>("--json-style") { Description = "With json/ndjson: apeikit (ours) or libcper (openbmc/libcper's CPER-IR, for tools built on it).", DefaultValueFactory = _ => "apeikit" };
        jsonStyle.AcceptOnlyFromAmong("apeikit", "libcper");
        var jobs = new Option<int>("--jobs", "-j") { Description = "Decode and render on this many cores (output keeps the input's order).", DefaultValueFactory = _ => 1 };
        var maxRecordSize = StreamInput.MaxRecordSizeOption();
        var command = new Command("decode", "Decode CPER error records, HEST and BERT tables (binary or acpidump text; BERT with its boot error region), Generic Error Status Blocks, and a HEST's GHES sources in their error-status region.") { files, format, input, table, bertTable, bertRegion, hest, region, regionBase, jsonStyle, jobs, maxRecordSize };
        command.SetAction(parse =>
        {
            string inputValue = parse.GetValue(input)!;
            bool gesb = inputValue == "gesb";
            var encoding = gesb ? InputEncoding.Auto : Enum.Parse<InputEncoding>(inputValue, ignoreCase: true);
            if (parse.GetValue(jsonStyle) == "libcper") return LibCperCommands.Decode(context, parse.GetValue(files) ?? [], parse.GetValue(format)!, encoding);
            var regionPair = new RegionOptions(parse.GetValue(hest), parse.GetValue(region), parse.GetValue(regionBase));
            long maxRecord = StreamInput.ParseMaxRecordSize(parse.GetValue(maxRecordSize)!);
            return Run(context, parse.GetValue(files) ?? [], parse.GetValue(format)!, encoding, gesb, parse.GetValue(bertTable), parse.GetValue(bertRegion), parse.GetValue(table), regionPair, parse.GetValue(jobs), maxRecord);
        });
        return command;
    }

    private sealed record RegionOptions(string? Hest, string? Region, string? RegionBase);

    internal sealed record LoadedInput(string Name, byte[] Bytes, List<InputUnit> Units)
    {
        /// <summary>Binary CPER read as a stream (see <see cref="StreamingDecode"/>); Bytes and Units are then empty.</summary>
        public StreamInput.Source? Stream { get; init; }
    }

    /// <summary>Decodes bytes already in memory (used by <c>demo</c>).</summary>
    public static int DecodeBytes(CliContext context, string name, byte[] bytes, string format)
        => Render(context, [new LoadedInput(name, bytes, InputSplitter.SplitCper(bytes))], format);

    private static int Run(CliContext context, string[] files, string format, InputEncoding encoding, bool gesb = false, string? bertTable = null, string? bertRegion = null, string? tableFilter = null, RegionOptions? regionOptions = null, int jobs = 1, long maxRecordSize = StreamInput.MaxRecordSize)
    {
        if (jobs < 1) throw new CliUsageException("--jobs must be at least 1.");
        var inputs = new List<LoadedInput>();
        if (regionOptions is { } ro && (ro.Hest ?? ro.Region ?? ro.RegionBase) is not null)
        {
            if (ro.Hest is null) throw new CliUsageException(ro.Region is not null ? "--region needs --hest." : "--region-base needs --hest and --region.");
            if (ro.Region is null) throw new CliUsageException("--hest needs --region (the error-status region holding its registers and blocks).");
            inputs.Add(From(RegionInput.Load(ro.Hest, CliFiles.Read(ro.Hest), ro.Region, CliFiles.Read(ro.Region), ro.RegionBase)));
        }
        if (bertRegion is not null && bertTable is null) throw new CliUsageException("--bert-region needs --bert-table.");
        if (bertTable is not null) inputs.Add(From(GhesInput.LoadPair(bertTable, CliFiles.Read(bertTable), bertRegion, bertRegion is null ? [] : CliFiles.Read(bertRegion))));
        else if (files.Length == 0 && inputs.Count == 0) throw new CliUsageException("decode needs at least one file (or --bert-table, or --hest with --region).");
        foreach (var file in files)
        {
            if (file != "-" && Directory.Exists(file))
            {
                string table = Path.Combine(file, "BERT"), region = Path.Combine(file, "data", "BERT");
                if (!File.Exists(table)) throw new CliUsageException($"{file}: a directory must hold BERT (and data/BERT), as /sys/firmware/acpi/tables does.");
                inputs.Add(From(GhesInput.LoadPair(table, CliFiles.Read(table), File.Exists(region) ? region : null, File.Exists(region) ? CliFiles.Read(region) : [])));
                continue;
            }
            byte[]? raw = null;
            if (!gesb && encoding is InputEncoding.Auto or InputEncoding.Binary)
            {
                if (StreamInput.TryOpen(context, file, out raw) is { } streamed)
                {
                    inputs.Add(new LoadedInput(streamed.Name, [], []) { Stream = streamed });
                    continue;
                }
            }
            raw ??= CliFiles.Read(context, file);
            byte[] bytes;
            try
            {
                // acpidump text is parsed from the file as read; decoding it as hex first cost ten times its size.
                bytes = !gesb && encoding == InputEncoding.Auto && AcpiDumpText.LooksLikeAcpiDump(raw) ? raw : InputDecoder.Decode(raw, encoding, out _);
            }
            catch (CliUsageException e)
            {
                throw new CliUsageException($"{file}: {e.Message}");
            }
            string name = file == "-" ? "<stdin>" : file;
            if (!gesb && TableInput.Split(name, raw, bytes, tableFilter) is { } tables)
            {
                inputs.AddRange(tables.Select(t => new LoadedInput(t.Name, t.Bytes, t.Units)));
                continue;
            }
            try
            {
                inputs.Add(GhesInput.TryLoad(name, bytes, gesb) is { } ghes ? From(ghes) : new LoadedInput(name, bytes, InputSplitter.SplitCper(bytes)));
            }
            catch (ApeiContentException e)
            {
                throw new CliUsageException($"{file}: {e.Message}");
            }
        }
        return jobs > 1 || inputs.Any(i => i.Stream is not null) ? StreamingDecode.Render(context, inputs, format, jobs, maxRecordSize) : Render(context, inputs, format);
    }

    private static LoadedInput From(GhesInput.Loaded l) => new(l.Name, l.Bytes, l.Units);

    private static int Render(CliContext context, List<LoadedInput> inputs, string format)
    {

        int errorCount = 0;
        int total = inputs.Sum(i => i.Units.Count(u => u.Kind != UnitKind.ZeroPadding));
        switch (format)
        {
            case "json":
            case "ndjson":
            {
                bool ndjson = format == "ndjson";
                // Straight through to the output in 64 KiB chunks: memory stays a constant, not a multiple of the JSON
                // (a MemoryStream of the whole document, then a string of it, was 100 times a large HEST's size).
                var sink = new TextWriterBufferWriter(context.Out);
                var options = new JsonWriterOptions { Indented = !ndjson, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
                using (var writer = new Utf8JsonWriter(sink, options))
                {
                    bool array = !ndjson && total != 1;
                    if (array) writer.WriteStartArray();
                    foreach (var input in inputs)
                    {
                        foreach (var unit in input.Units)
                        {
                            if (unit.Kind == UnitKind.ZeroPadding) continue;
                            var collector = new ErrorCollector(new JsonRenderer(writer));
                            DescribeUnit(input, unit, collector, json: true);
                            writer.Flush();
                            errorCount += Report(context, input, unit, collector.Errors);
                            if (ndjson)
                            {
                                sink.GetSpan(1)[0] = (byte)'\n';
                                sink.Advance(1);
                                writer.Reset(sink);
                            }
                        }
                    }
                    if (array) writer.WriteEndArray();
                }
                if (!ndjson)
                {
                    sink.GetSpan(1)[0] = (byte)'\n';
                    sink.Advance(1);
                }
                sink.Drain();
                break;
            }
            default:
            {
                bool many = inputs.Count > 1;
                foreach (var input in inputs)
                {
                    if (many) context.Out.WriteLine($"==> {input.Name} <==");
                    if (input.Units.Count == 0) context.Out.WriteLine("(empty input)");
                    foreach (var unit in input.Units)
                    {
                        StructureVisitor renderer = format == "layout" ? new LayoutRenderer(context.Out) : new TextRenderer(context.Out);
                        var collector = new ErrorCollector(renderer);
                        DescribeUnit(input, unit, collector, json: false);
                        errorCount += Report(context, input, unit, collector.Errors);
                        context.Out.WriteLine();
                    }
                }
                break;
            }
        }
        return errorCount > 0 ? CliApp.ContentError : CliApp.Ok;
    }

    internal static void DescribeUnit(LoadedInput input, InputUnit unit, StructureVisitor visitor, bool json)
    {
        if (GhesInput.TryDescribe(input.Bytes, unit, visitor)) return;
        if (unit.Kind == UnitKind.GhesRegionSource)
        {
            RegionInput.Describe(unit, visitor); // unit offsets are HEST offsets, not offsets into the region bytes
            return;
        }
        var bytes = input.Bytes.AsSpan(unit.Offset, unit.Length);
        switch (unit.Kind)
        {
            case UnitKind.CperRecord:
                try
                {
                    CperRecordDescriber.Describe(bytes, unit.Offset, visitor, unit.Label, out _);
                }
                catch (ApeiContentException e)
                {
                    visitor.BeginObject(null, unit.Label, unit.Offset, unit.Length);
                    visitor.Error(e);
                    visitor.EndObject();
                }
                break;
            case UnitKind.AcpiTable:
                TableInput.Describe(bytes, unit, visitor);
                break;

            case UnitKind.ZeroPadding:
                visitor.BeginObject(null, unit.Label, unit.Offset, unit.Length);
                visitor.Info("note", "Note", $"{unit.Length} zero bytes after the last record (padding), ignored");
                visitor.EndObject();
                break;
            default:
                visitor.BeginObject(null, unit.Label, unit.Offset, unit.Length);
                visitor.Error(new ApeiContentException("input", null, unit.Offset, "a CPER record (signature \"CPER\")", $"{unit.Length} bytes starting {FieldFormat.HexBytes(bytes, 8)}"));
                if (!json || unit.Length <= 4096) visitor.Data("data", "Bytes", unit.Offset, bytes);
                visitor.EndObject();
                break;
        }
    }

    private static int Report(CliContext context, LoadedInput input, InputUnit unit, List<ApeiContentException> errors)
    {
        foreach (var line in ErrorListing.Lines(errors)) context.Error.WriteLine($"apeikit: {input.Name}: {unit.Label}: {line}");
        return errors.Count;
    }
}
