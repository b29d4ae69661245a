using System.CommandLine;
using System.Globalization;
using System.Text;
using ApeiKit.Hest;

namespace ApeiKit.Cli;

/// <summary>
/// <c>apeikit erst check|build</c> and <c>apeikit einj check|build</c>: the two APEI tables made of instruction entries
/// (ACPI 6.5 §18.5 and §18.6), validated and built from a JSON spec or a preset (docs/erst-einj.md).
/// </summary>
internal static class ActionTableCommand
{
    public static Command Create(CliContext context, ActionTableKind kind)
        => new(kind.Signature.ToLowerInvariant(), $"Check and build ACPI {kind.Signature} ({kind.Name}) tables.") { Check(context, kind), Build(context, kind) };

    private static Command Check(CliContext context, ActionTableKind kind)
    {
        var files = new Argument<string[]>("files") { Description = $"{kind.Signature} binaries or acpidump text (every {kind.Signature} in it is checked); '-' reads standard input.", Arity = ArgumentArity.OneOrMore };
        var format = FormatOption.TextOrJson("text or json.");
        var all = new Option<bool>("--all") { Description = $"List every finding; by default at most {HestValidator.DefaultMaxPerRule} of one rule are listed and the rest summarised in one line." };
        var command = new Command("check", $"Validate {kind.Signature} tables (ACPI 6.5 {(kind == ActionTableKind.Erst ? "§18.5" : "§18.6")}, fwts' and Linux's checks). Exit code 1 when any error is found.") { files, format, all };
        command.SetAction(parse => RunCheck(context, kind, parse.GetValue(files)!, parse.GetValue(format)!, parse.GetValue(all) ? int.MaxValue : HestValidator.DefaultMaxPerRule));
        return command;
    }

    private static int RunCheck(CliContext context, ActionTableKind kind, string[] files, string format, int maxPerRule)
    {
        var results = new List<(string Name, List<HestFinding> Findings)>();
        foreach (var file in files)
        {
            byte[] raw = CliFiles.Read(context, file);
            string name = file == "-" ? "<stdin>" : file;
            if (AcpiDumpText.LooksLikeAcpiDump(raw))
            {
                var tables = TableInput.ParseDump(name, raw);
                var matching = tables.Where(t => t.Signature == kind.Signature).ToList();
                if (matching.Count == 0) throw new CliUsageException($"{name}: no {kind.Signature} in the dump (it holds {TableInput.ListNames(tables)}).");
                foreach (var t in matching) results.Add(($"{name}: {t.Name} @ 0x{t.Address:X}", ActionTableValidator.Validate(t.Bytes, maxPerRule)));
            }
            else
            {
                var bytes = InputDecoder.Decode(raw, CliText.Name(file));
                if (ActionTableKind.Of(bytes) is { } other && other != kind)
                    throw new CliUsageException($"{name}: an {other.Signature} table, not an {kind.Signature}: check it with 'apeikit {other.Signature.ToLowerInvariant()} check'.");
                if (ActionTableKind.Of(bytes) != kind && bytes.Length >= 4)
                    throw new CliUsageException($"{name}: not an {kind.Signature} table (it starts with \"{AsciiField.Decode(bytes.AsSpan(0, 4))}\").");
                results.Add((name, ActionTableValidator.Validate(bytes, maxPerRule)));
            }
        }
        return HestCommand.PrintFindings(context, results, format);
    }

    private static Command Build(CliContext context, ActionTableKind kind)
    {
        var names = ActionTablePresets.Names(kind);
        var spec = new Argument<string?>("spec") { Description = "JSON build spec (see docs/erst-einj.md); optional: without it the default preset is built.", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--output", "-o") { Description = $"Where to write the {kind.Signature} binary ('-': standard output).", Required = true };
        var preset = new Option<string?>("--preset") { Description = $"Start from a preset: {string.Join(", ", names)} (the default)." };
        preset.AcceptOnlyFromAmong([.. names]);
        var registerBase = new Option<string?>("--register-base") { Description = $"Physical address of the registers (default 0x{(kind == ActionTableKind.Erst ? ActionTablePresets.QemuErstBase : ActionTablePresets.DefaultEinjBase):X}); overrides the spec's registerBase." };
        var description = kind == ActionTableKind.Erst
            ? "Build an ERST from a JSON spec and/or a preset (default: QEMU's acpi-erst table, 912 bytes)."
            : "Build an EINJ from a JSON spec and/or a preset (default: ApeiKit's documented table, docs/erst-einj.md).";
        var command = new Command("build", description) { spec, output, preset, registerBase };
        command.SetAction(parse => RunBuild(context, kind, parse.GetValue(spec), parse.GetValue(output)!, parse.GetValue(preset), parse.GetValue(registerBase)));
        return command;
    }

    private static int RunBuild(CliContext context, ActionTableKind kind, string? specFile, string output, string? preset, string? registerBaseText)
    {
        CliFiles.CheckOutputs([specFile], ("--output", output));
        ActionTableModel model;
        try
        {
            string json = specFile is null ? "{}" : Encoding.UTF8.GetString(CliFiles.Read(context, specFile));
            if (registerBaseText is not null)
            {
                // The option wins over the spec: parse the spec, then rebuild the preset at the given base when the spec gave no entries.
                ulong b = RecordFiles.ParseAddress("--register-base", registerBaseText);
                using var doc = System.Text.Json.JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
                json = MergeBase(doc.RootElement, b);
            }
            model = ActionTableSpec.Parse(kind, json, preset);
        }
        catch (HestSpecException e)
        {
            context.Error.WriteLine($"apeikit: {(specFile is null ? "--preset" : CliText.Name(specFile))}: {CliText.Message(e)}");
            return CliApp.ContentError;
        }
        catch (System.Text.Json.JsonException e)
        {
            context.Error.WriteLine($"apeikit: {(specFile is null ? "spec" : CliText.Name(specFile))}: not valid JSON: {CliText.Message(e)}");
            return CliApp.ContentError;
        }
        byte[] bytes = model.Encode();
        CliFiles.WriteAll(context, (output, bytes));
        context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {EncodeCommand.Target(output)}: {kind.Signature}, {bytes.Length} bytes, {CliText.Count(model.Entries.Count, "instruction entry", "instruction entries")}"));
        var findings = ActionTableValidator.Validate(bytes);
        foreach (var f in findings) context.Error.WriteLine("apeikit: check: " + f);
        return findings.Any(f => f.Severity == FindingSeverity.Error) ? CliApp.ContentError : CliApp.Ok;
    }

    /// <summary>The spec with <c>registerBase</c> set to <paramref name="registerBase"/>.</summary>
    private static string MergeBase(System.Text.Json.JsonElement root, ulong registerBase)
    {
        if (root.ValueKind != System.Text.Json.JsonValueKind.Object) return root.GetRawText(); // the spec parser reports it
        using var stream = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            foreach (var p in root.EnumerateObject())
            {
                if (p.Name == "registerBase") continue;
                p.WriteTo(w);
            }
            w.WriteString("registerBase", string.Create(CultureInfo.InvariantCulture, $"0x{registerBase:X}"));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
