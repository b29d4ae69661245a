using System.CommandLine;
using System.Text.Json;
using ApeiKit.Cper;

namespace ApeiKit.Cli;

/// <summary><c>apeikit decode</c>: CPER records (binary, hex, base64, stdin) in text, JSON, NDJSON or layout form.</summary>
internal static class DecodeCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("files") { Description = "Files to decode ('-' reads standard input); a directory holding BERT and data/BERT (Linux /sys/firmware/acpi/tables) decodes that pair.", Arity = ArgumentArity.ZeroOrMore };
        var format = new Option<string>("--format", "-f") { Description = "Output: text (readable), json (one document), ndjson (one record per line), layout (every field with offset, length and raw bytes), parquet (one row per section, to -o FILE).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "ndjson", "layout", "parquet");
        var output = new Option<string?>("--output", "-o") { Description = "With --format parquet: the Parquet file to write (written to a temporary file and renamed into place)." };
        var input = InputOptions.Input(gesb: true);
        var sectionType = InputOptions.SectionType();
        var severity = InputOptions.Severity();
        var table = new Option<string?>("--table", "-t") { Description = "With acpidump text: decode only this table (e.g. HEST); without it every table is listed." };
        var bertTable = new Option<string?>("--bert-table") { Description = "A BERT table file (e.g. /sys/firmware/acpi/tables/BERT)." };
        var bertRegion = new Option<string?>("--bert-region") { Description = "Its boot error region (e.g. /sys/firmware/acpi/tables/data/BERT)." };
        var hest = new Option<string?>("--hest") { Description = "A HEST binary whose GHES/GHESv2 sources are read from --region (each source's registers, read-ack state and current error status block)." };
        var region = new Option<string?>("--region") { Description = "The error-status region for --hest (e.g. QEMU's etc/hardware_errors, as written by 'hest build --region')." };
        var regionBase = new Option<string?>("--region-base") { Description = "Physical address of the region's first byte (decimal or 0x hex); default: the lowest register address in the HEST." };
        var jsonStyle = new Option<string>("--json-style") { Description = "With json/ndjson: apeikit (ours) or libcper (openbmc/libcper's CPER-IR, for tools built on it).", DefaultValueFactory = _ => "apeikit" };
        jsonStyle.AcceptOnlyFromAmong("apeikit", "libcper");
        var jobs = new Option<int>("--jobs", "-j") { Description = "Decode and render on this many cores, at most the cores present (output keeps the input's order).", DefaultValueFactory = _ => 1 };
        var maxRecordSize = StreamInput.MaxRecordSizeOption();
        var armErrorType = new Option<string>("--arm-error-type") { Description = "How the Type byte of ARM error information is read: bitflags (UEFI 2.9A+ 0x02 cache/0x04 TLB/0x08 bus/0x10 micro-architectural, as Linux; the default), legacy (UEFI 2.9 and earlier: 0-3), libcper (1/2/4/8) or auto (guessed per section).", DefaultValueFactory = _ => "bitflags" };
        armErrorType.AcceptOnlyFromAmong("bitflags", "legacy", "libcper", "auto");
        var command = new Command("decode", "Decode CPER error records (also from xxd/hexdump -C text, Redfish LogEntries, PLDM CPER files, WHEA event XML, rasdaemon databases, kernel logs, a lone section), HEST, BERT, ERST and EINJ tables (binary or acpidump text; BERT with its boot error region), QEMU ERST stores (acpi-erst backing files), Generic Error Status Blocks, and a HEST's GHES sources in their error-status region.") { files, format, output, input, sectionType, severity, table, bertTable, bertRegion, hest, region, regionBase, jsonStyle, jobs, maxRecordSize, armErrorType };
        command.SetAction(parse =>
        {
            string inputValue = parse.GetValue(input)!;
            bool gesb = inputValue == "gesb";
            var encoding = gesb ? InputEncoding.Auto : InputOptions.Parse(inputValue);
            var wrap = InputOptions.Wrap(parse.GetValue(sectionType), parse.GetValue(severity), encoding);
            string? outputPath = parse.GetValue(output);
            if (parse.GetValue(format) == "parquet")
            {
                if (outputPath is null) throw new CliUsageException("--format parquet needs -o FILE (a Parquet file is binary and written whole).");
                if (parse.GetValue(jsonStyle) == "libcper") throw new CliUsageException("--json-style applies to json and ndjson, not parquet.");
                CliFiles.CheckOutputs(parse.GetValue(files) ?? [], ("--output", outputPath));
            }
            else if (outputPath is not null) throw new CliUsageException("-o/--output is for --format parquet; text, json, ndjson and layout go to standard output (redirect it).");
            // The flags become one options object, passed to every decode (and worker) explicitly.
            var options = StreamInput.DecodeOptions(StreamInput.ParseMaxRecordSize(parse.GetValue(maxRecordSize)!), ArmErrorTypeSetting.Parse(parse.GetValue(armErrorType)!));
            if (parse.GetValue(jsonStyle) == "libcper") return LibCperCommands.Decode(context, parse.GetValue(files) ?? [], parse.GetValue(format)!, encoding, options, wrap, parse.GetValue(jobs));
            var regionPair = new RegionOptions(parse.GetValue(hest), parse.GetValue(region), parse.GetValue(regionBase));
            return Run(context, parse.GetValue(files) ?? [], parse.GetValue(format)!, encoding, gesb, parse.GetValue(bertTable), parse.GetValue(bertRegion), parse.GetValue(table), regionPair, parse.GetValue(jobs), options, wrap, outputPath);
        });
        return command;
    }

    private sealed record RegionOptions(string? Hest, string? Region, string? RegionBase);

    internal sealed record LoadedInput(string Name, byte[] Bytes, List<InputUnit> Units)
    {
        /// <summary>An input framed as it is read (CPER records or error status blocks, any encoding); Bytes and Units are then empty.</summary>
        public InputSource? Source { get; init; }
    }

    /// <summary>Decodes bytes already in memory (used by <c>demo</c>), through the same framing as every input.</summary>
    public static int DecodeBytes(CliContext context, string name, byte[] bytes, string format)
    {
        using var source = InputSource.Open(name, new MemoryStream(bytes, writable: false), null, InputEncoding.Binary);
        return StreamingDecode.Render(context, [new LoadedInput(name, [], []) { Source = source }], format, 1);
    }

    private static int Run(CliContext context, string[] files, string format, InputEncoding encoding, bool gesb = false, string? bertTable = null, string? bertRegion = null, string? tableFilter = null, RegionOptions? regionOptions = null, int jobs = 1, CperDecodeOptions? options = null, WrapOptions? wrap = null, string? parquet = null)
    {
        if (jobs < 1) throw new CliUsageException("--jobs must be at least 1.");
        jobs = Math.Min(jobs, Environment.ProcessorCount); // more workers than cores only add hand-offs (README: --jobs)
        var inputs = new List<LoadedInput>();
        try
        {
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
                var source = InputSource.Open(context, file, encoding, gesb, wrap);
                if (source.Form != InputForm.Table)
                {
                    if (tableFilter is not null)
                    {
                        source.Dispose();
                        throw new CliUsageException($"{source.Name}: --table applies to acpidump text or ACPI table binaries.");
                    }
                    inputs.Add(new LoadedInput(source.Name, [], []) { Source = source });
                    continue;
                }
                byte[] bytes;
                using (source) bytes = source.ReadAll();
                if (TableInput.Split(source.Name, bytes, bytes, tableFilter) is { } tables)
                {
                    inputs.AddRange(tables.Select(t => new LoadedInput(t.Name, t.Bytes, t.Units)));
                    continue;
                }
                try
                {
                    inputs.Add(From(GhesInput.TryLoad(source.Name, bytes, forceGesb: false)
                        ?? throw new CliUsageException($"{source.Name}: not a table ApeiKit decodes.")));
                }
                catch (ApeiContentException e)
                {
                    throw new CliUsageException($"{file}: {e.Message}");
                }
            }
            options ??= CperDecodeOptions.Default;
            if (format == "parquet") return ParquetExport.Write(context, inputs, parquet!, options);
            int code = StreamingDecode.Render(context, inputs, format, jobs, options);
            LinuxNotes.ForDecode(context, inputs);
            return code;
        }
        finally
        {
            foreach (var i in inputs) i.Source?.Dispose();
        }
    }

    private static LoadedInput From(GhesInput.Loaded l) => new(l.Name, l.Bytes, l.Units);

    internal static void DescribeUnit(LoadedInput input, InputUnit unit, StructureVisitor visitor, bool json, CperDecodeOptions options)
    {
        if (GhesInput.TryDescribe(input.Bytes, unit, visitor, options)) return;
        if (unit.Kind == UnitKind.GhesRegionSource)
        {
            RegionInput.Describe(unit, visitor, options); // unit offsets are HEST offsets, not offsets into the region bytes
            return;
        }
        var bytes = input.Bytes.AsSpan(unit.Offset, unit.Length);
        switch (unit.Kind)
        {
            case UnitKind.AcpiTable:
                TableInput.Describe(bytes, unit, visitor, options);
                break;
            default:
                throw new InvalidOperationException($"unit kind {unit.Kind} is framed by the streaming reader");
        }
    }
}
