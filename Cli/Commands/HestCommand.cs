using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ApeiKit.Ghes;
using ApeiKit.Hest;

namespace ApeiKit.Cli;

/// <summary><c>apeikit hest check</c> (validate tables) and <c>apeikit hest build</c> (tables and error-status regions from a JSON spec).</summary>
internal static class HestCommand
{
    public static Command Create(CliContext context)
        => new("hest", "Check and build ACPI HEST (Hardware Error Source Table) tables.") { Check(context), Build(context) };

    private static Command Check(CliContext context)
    {
        var files = new Argument<string[]>("files") { Description = "HEST binaries or acpidump text (every HEST in it is checked); '-' reads standard input.", Arity = ArgumentArity.OneOrMore };
        var format = FormatOption.TextOrJson("text or json.");
        var all = new Option<bool>("--all") { Description = $"List every finding; by default at most {HestValidator.DefaultMaxPerRule} of one rule are listed and the rest summarised in one line." };
        var command = new Command("check", "Validate HEST tables against ACPI 6.5 §18.3.2 (at least fwts' checks). Exit code 1 when any error is found.") { files, format, all };
        command.SetAction(parse => RunCheck(context, parse.GetValue(files)!, parse.GetValue(format)!, parse.GetValue(all) ? int.MaxValue : HestValidator.DefaultMaxPerRule));
        return command;
    }

    private static int RunCheck(CliContext context, string[] files, string format, int maxPerRule)
    {
        var results = new List<(string Name, List<HestFinding> Findings)>();
        var linux = new List<List<LinuxLintWarning>>();
        foreach (var file in files)
        {
            byte[] raw = CliFiles.Read(context, file);
            string name = file == "-" ? "<stdin>" : file;
            if (AcpiDumpText.LooksLikeAcpiDump(raw))
            {
                var tables = TableInput.ParseDump(name, raw);
                var hests = tables.Where(t => t.Signature == "HEST").ToList();
                if (hests.Count == 0) throw new CliUsageException($"{name}: no HEST in the dump (it holds {TableInput.ListNames(tables)}).");
                foreach (var t in hests)
                {
                    results.Add(($"{name}: {t.Name} @ 0x{t.Address:X}", HestValidator.Validate(t.Bytes, maxPerRule)));
                    linux.Add(Linux(t.Bytes));
                }
            }
            else
            {
                var bytes = InputDecoder.Decode(raw, CliText.Name(file));
                results.Add((name, HestValidator.Validate(bytes, maxPerRule)));
                linux.Add(Linux(bytes));
            }
        }
        return PrintFindings(context, results, format, linux);
    }

    /// <summary>Builds the HEST (and region) <paramref name="parsed"/> describes; a spec the builder refuses is said on standard error under <paramref name="command"/>'s name, and null returned.</summary>
    internal static HestBuildResult? Build(CliContext context, string command, HestSpecResult parsed, ulong? regionBase)
    {
        try
        {
            return parsed.Builder.Build(regionBase);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or OverflowException)
        {
            context.Error.WriteLine($"apeikit: {command}: {CliText.Message(e)}");
            return null;
        }
    }

    /// <summary>Prints validation results (text or JSON) on standard output; exit code 1 when any error was found. Shared by <c>hest check</c>, <c>erst check</c> and <c>einj check</c>.</summary>
    /// <param name="context">The command's streams.</param>
    /// <param name="results">Each table's name and findings.</param>
    /// <param name="format">text or json.</param>
    /// <param name="linux">For each table, what Linux 6.x will not do as it intends (HEST only; null: no such list).</param>
    internal static int PrintFindings(CliContext context, List<(string Name, List<HestFinding> Findings)> results, string format, List<List<LinuxLintWarning>>? linux = null)
    {
        int errors = results.Sum(r => HestValidator.CountFindings(r.Findings, FindingSeverity.Error));
        if (format == "json")
        {
            using var stream = new MemoryStream();
            using (var w = CliJson.Writer(stream))
            {
                w.WriteStartArray();
                for (int r = 0; r < results.Count; r++)
                {
                    var (n, findings) = results[r];
                    w.WriteStartObject();
                    w.WriteString("input", n);
                    w.WriteNumber("errors", HestValidator.CountFindings(findings, FindingSeverity.Error));
                    w.WriteNumber("warnings", HestValidator.CountFindings(findings, FindingSeverity.Warning));
                    w.WriteStartArray("findings");
                    foreach (var f in findings)
                    {
                        w.WriteStartObject();
                        w.WriteString("severity", f.Severity == FindingSeverity.Error ? "error" : "warning");
                        w.WriteString("rule", f.Rule);
                        w.WriteNumber("offset", f.Offset);
                        w.WriteString("structure", f.Structure);
                        if (f.Field is null) w.WriteNull("field"); else w.WriteString("field", f.Field);
                        w.WriteString("message", f.Message);
                        if (f.Omitted > 0) w.WriteNumber("omitted", f.Omitted);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    if (linux is not null) w.WriteLinuxWarnings("linux", linux[r]);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            context.Out.WriteLine(Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length));
        }
        else
        {
            for (int r = 0; r < results.Count; r++)
            {
                var (n, findings) = results[r];
                int e = HestValidator.CountFindings(findings, FindingSeverity.Error), wn = HestValidator.CountFindings(findings, FindingSeverity.Warning);
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n}: {(e == 0 ? "passed" : "FAILED")} ({e} error(s), {wn} warning(s))"));
                foreach (var f in findings) context.Out.WriteLine("  " + f);
                if (linux is not null) foreach (var x in linux[r]) context.Out.WriteLine("  linux: " + x);
            }
        }
        return errors > 0 ? CliApp.ContentError : CliApp.Ok;
    }

    /// <summary>What Linux 6.x will not do as the table intends (any architecture); none when the table cannot be walked (the check reports that).</summary>
    private static List<LinuxLintWarning> Linux(byte[] hest)
    {
        try
        {
            return LinuxConsumerLint.CheckHest(hest, GuestArchitecture.Unknown);
        }
        catch (ApeiContentException)
        {
            return [];
        }
    }

    private static Command Build(CliContext context)
    {
        var spec = new Argument<string?>("spec") { Description = "JSON build spec (see docs/hest-build.md); optional with --preset.", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the HEST binary ('-': standard output).", Required = true };
        var region = new Option<string?>("--region") { Description = "Where to write the error-status region (QEMU's etc/hardware_errors layout) for GHES/GHESv2 sources." };
        var regionBase = new Option<string?>("--region-base") { Description = "Guest physical address of the region (e.g. 0x7FFF0000); overrides the spec's region.base." };
        var preset = new Option<string?>("--preset") { Description = "Start from a preset: " + string.Join(", ", HestPresets.Names) + "." };
        preset.AcceptOnlyFromAmong([.. HestPresets.Names]);
        var command = new Command("build", "Build a HEST (and its error-status region) from a JSON spec and/or a preset.") { spec, output, region, regionBase, preset };
        command.SetAction(parse => RunBuild(context, parse.GetValue(spec), parse.GetValue(output)!, parse.GetValue(region), parse.GetValue(regionBase), parse.GetValue(preset)));
        return command;
    }

    private static int RunBuild(CliContext context, string? specFile, string output, string? regionFile, string? regionBaseText, string? preset)
    {
        if (specFile is null && preset is null) throw new CliUsageException("hest build: give a SPEC.json, a --preset, or both.");
        CliFiles.CheckOutputs([specFile], ("--output", output), ("--region", regionFile));
        HestSpecResult parsed;
        try
        {
            string json = specFile is null ? "{}" : Encoding.UTF8.GetString(CliFiles.Read(context, specFile));
            parsed = HestSpec.Parse(json, preset);
        }
        catch (HestSpecException e)
        {
            context.Error.WriteLine($"apeikit: {(specFile is null ? "--preset" : CliText.Name(specFile))}: {CliText.Message(e)}");
            return CliApp.ContentError;
        }
        ulong? baseAddress = parsed.RegionBase;
        if (regionBaseText is not null) baseAddress = RecordFiles.ParseAddress("--region-base", regionBaseText);
        if (regionFile is not null && baseAddress is null) throw new CliUsageException("--region needs a base address: --region-base 0x... or region.base in the spec.");
        if (Build(context, "hest build", parsed, baseAddress) is not { } result) return CliApp.ContentError;
        // Both files or neither; what was written is said on standard error (standard output may be the data: -o -).
        if (result.Region is not null && regionFile is not null) CliFiles.WriteAll(context, (output, result.TableBytes), (regionFile, result.RegionBytes!));
        else CliFiles.WriteAll(context, (output, result.TableBytes));
        context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {EncodeCommand.Target(output)}: HEST, {result.TableBytes.Length} bytes, {CliText.Count(result.Table.Sources.Count, "error source")}"));
        if (result.Region is { } r)
        {
            if (regionFile is not null)
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {EncodeCommand.Target(regionFile)}: error-status region, {r.Length} bytes at 0x{r.BaseAddress:X}"));
            foreach (var e in r.Entries)
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  source {e.SourceId} ({(e.IsVersion2 ? "GHESv2" : "GHES")}): error block address register 0x{e.ErrorBlockAddressRegister:X}, read ack register 0x{e.ReadAckRegister:X}, block 0x{e.BlockAddress:X} ({e.BlockLength} bytes)"));
        }
        else if (regionFile is not null)
        {
            context.Error.WriteLine("no GHES/GHESv2 sources: no region written");
        }
        var findings = HestValidator.Validate(result.TableBytes);
        foreach (var f in findings) context.Error.WriteLine("apeikit: check: " + f);
        return findings.Any(f => f.Severity == FindingSeverity.Error) ? CliApp.ContentError : CliApp.Ok;
    }
}
