using ApeiKit.Text;
using System.CommandLine;
using System.Text.Json;
using ApeiKit.Platform;

namespace ApeiKit.Cli;

/// <summary>
/// <c>apeikit simulate [SCENARIO]</c>: runs the virtual platform on a scenario (the embedded default when none
/// is given) and prints the trace, the per-error summary, the invariant checks and the delivery check;
/// <c>--format json</c> gives the machine-readable trace. Exit codes: 0 when every invariant holds and every error
/// the guest should get was delivered as meant; 1 when an invariant is violated, when an error was lost, left
/// undelivered by a guest that never acknowledged, or delivered weaker than meant (an action-required error without
/// an SEA source), and when the scenario file is malformed or passes a limit (the message names the JSON path);
/// 2 for usage errors, an unreadable scenario file and a <c>--dump</c> directory that does not exist.
/// Scenario-provided strings are escaped in text output (control characters shown as <c>\x1B</c>, <c>\n</c>).
/// </summary>
internal static class SimulateCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string?>("scenario") { Description = "Scenario JSON file (default: the embedded Arm VM scenario; see 'apeikit simulate --print-default').", Arity = ArgumentArity.ZeroOrOne };
        var format = FormatOption.TextOrJson("text (trace, summary, invariants) or json.");
        var records = new Option<bool>("--records") { Description = "Also print every record the guest read, decoded." };
        var printDefault = new Option<bool>("--print-default") { Description = "Print the default scenario's JSON (a starting point for your own) and exit." };
        var dump = new Option<string?>("--dump") { Description = "Write the guest's and the host's HEST and error-status region, as they are at the end of the run, into this existing directory (read them back with 'apeikit decode --hest ... --region ...'); with EINJ/ERST, also the host's EINJ, ERST and the last boot's BERT and boot error region." };
        var builtin = new Option<string?>("--builtin") { Description = "Run a built-in scenario instead of a file: " + string.Join(", ", BuiltinScenarios.Names) + "." };
        builtin.AcceptOnlyFromAmong([.. BuiltinScenarios.Names]);
        var erstStore = new Option<string?>("--erst-store") { Description = "After the run, write the host's ERST store (QEMU acpi-erst backing-file layout) to this file (read it with 'apeikit decode'); for scenarios that use EINJ/ERST." };
        var command = new Command("simulate", "Run the virtual platform: firmware -> host -> VMM -> guest, with SEA, SEI, GSIV, GPIO and polled notification. "
            + "Exit 1 when an invariant is violated, an error is lost, never delivered or delivered weaker than meant, or the scenario is malformed; 2 for usage errors.")
        {
            file, format, records, printDefault, dump, builtin, erstStore,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(printDefault))
            {
                context.Out.Write(Scenario.DefaultJson);
                return CliApp.Ok;
            }
            string? dumpDirectory = parse.GetValue(dump);
            if (dumpDirectory is not null && !Directory.Exists(dumpDirectory)) throw new CliUsageException($"{dumpDirectory}: no such directory (--dump writes into an existing directory)");
            string? path = parse.GetValue(file);
            string? builtinName = parse.GetValue(builtin);
            if (builtinName is not null && path is not null) throw new CliUsageException("give a scenario file or --builtin, not both");
            string? erstPath = parse.GetValue(erstStore);
            CliFiles.CheckOutputs([path], [("--erst-store", erstPath), .. (dumpDirectory is null ? [] : DumpPaths(dumpDirectory).Select(p => ("--dump", (string?)p)))]);
            Scenario scenario;
            try
            {
                scenario = builtinName is not null ? BuiltinScenarios.Read(builtinName) : Load(path);
            }
            catch (ScenarioException e)
            {
                context.Error.WriteLine($"apeikit: {Printable.Value(path, 200)}: {Printable.Escape(e.Message)}");
                return CliApp.ContentError;
            }
            return Run(context, scenario, parse.GetValue(format)!, parse.GetValue(records), dumpDirectory, erstPath);
        });
        return command;
    }

    /// <summary>Reads a scenario file (null: the default scenario).</summary>
    /// <exception cref="CliUsageException">The file cannot be read (exit 2).</exception>
    /// <exception cref="ScenarioException">The file is not a valid scenario (exit 1).</exception>
    internal static Scenario Load(string? path)
    {
        if (path is null) return Scenario.Default;
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{path}: cannot read: {e.Message}");
        }
        return ScenarioReader.Read(json, Path.GetFileName(path));
    }

    internal static int Run(CliContext context, Scenario scenario, string format, bool showRecords, string? dumpDirectory = null, string? erstStorePath = null)
    {
        PlatformRun run;
        try
        {
            run = VirtualPlatform.Run(scenario);
        }
        catch (ScenarioException e)
        {
            context.Error.WriteLine($"apeikit: {Printable.Escape(e.Message)}");
            return CliApp.ContentError;
        }
        var violations = PlatformInvariants.Check(run);
        var undelivered = PlatformInvariants.CheckDelivery(run);
        if (dumpDirectory is not null) Dump(context, run, dumpDirectory);
        if (erstStorePath is not null)
        {
            if (run.Platform.Apei is not { } apei) throw new CliUsageException("--erst-store: this scenario does not use ERST (give it an \"apei\" member or an einj/reboot/erstClear step)");
            CliFiles.WriteAll(context, (erstStorePath, apei.Store.Bytes.ToArray()));
        }
        if (format == "json")
        {
            WriteJson(context, run, violations, undelivered);
        }
        else
        {
            var o = context.Out;
            o.WriteLine($"Scenario: {Printable.Value(scenario.Name)}");
            if (scenario.Description.Length > 0) o.WriteLine(Printable.Value(scenario.Description, 1000));
            o.WriteLine();
            o.WriteLine("Trace (virtual time, actor, what happened):");
            run.Trace.WriteText(o);
            o.WriteLine();
            run.WriteSummary(o);
            o.WriteLine();
            WriteGuestState(o, run);
            o.WriteLine();
            if (run.Platform.Apei is { } apei)
            {
                SimulateApeiOutput.WriteText(o, apei);
                o.WriteLine();
            }
            if (violations.Count == 0) o.WriteLine("Invariants: all hold (records complete before notification, guest addresses from its own HEST and the memory map, no overwrite before read-ack, nothing lost silently, fatal errors kept from the guest, syndromes as meant, polled sources read within one interval).");
            else
            {
                o.WriteLine($"Invariants: {violations.Count} VIOLATED:");
                foreach (var line in violations) o.WriteLine("  " + Printable.Escape(line));
            }
            if (undelivered.Count > 0)
            {
                o.WriteLine($"Delivery: {undelivered.Count} error(s) NOT delivered as meant (the platform this scenario describes loses or weakens them):");
                foreach (var line in undelivered) o.WriteLine("  " + line);
            }
            if (showRecords) WriteGuestRecords(o, run);
        }
        foreach (var line in violations) context.Error.WriteLine("apeikit: invariant violated: " + Printable.Escape(line));
        foreach (var line in undelivered) context.Error.WriteLine("apeikit: not delivered as meant: " + line);
        return violations.Count == 0 && undelivered.Count == 0 ? CliApp.Ok : CliApp.ContentError;
    }

    /// <summary>The files <c>--dump DIR</c> may write (checked against the inputs before the run).</summary>
    private static readonly string[] s_dumpNames =
        ["guest-HEST.bin", "guest-hardware_errors.bin", "host-HEST.bin", "host-hardware_errors.bin", "host-EINJ.bin", "host-ERST.bin", "host-BERT.bin", "host-boot-error-region.bin"];

    private static IEnumerable<string> DumpPaths(string directory) => s_dumpNames.Select(name => Path.Combine(directory, name));

    private static void Dump(CliContext context, PlatformRun run, string directory)
    {
        // Every file through CliFiles.WriteAll: a temporary file renamed into place, all or none.
        var files = new List<(string Path, byte[] Bytes)>();
        var lines = new List<string>();
        foreach (var (who, (hest, region, regionBase)) in new[] { ("guest", run.GuestTables()), ("host", run.HostTables()) })
        {
            string hestPath = Path.Combine(directory, $"{who}-HEST.bin"), regionPath = Path.Combine(directory, $"{who}-hardware_errors.bin");
            files.Add((hestPath, hest));
            files.Add((regionPath, region));
            lines.Add($"apeikit: wrote {hestPath} and {regionPath} (base 0x{regionBase:X}); read them with: apeikit decode --hest {hestPath} --region {regionPath} --region-base 0x{regionBase:X}");
        }
        if (run.Platform.Apei is { } apei)
        {
            // The host's EINJ and ERST as firmware published them, and the BERT and boot error region of the last boot.
            var apeiFiles = new List<(string Path, byte[] Bytes)>
            {
                (Path.Combine(directory, "host-EINJ.bin"), apei.EinjTable),
                (Path.Combine(directory, "host-ERST.bin"), apei.ErstTable),
            };
            if (apei.Bert is { } bert)
            {
                apeiFiles.Add((Path.Combine(directory, "host-BERT.bin"), bert.Table));
                apeiFiles.Add((Path.Combine(directory, "host-boot-error-region.bin"), bert.Region));
            }
            files.AddRange(apeiFiles);
            lines.Add($"apeikit: wrote {string.Join(", ", apeiFiles.Select(f => f.Path))}; read them with: apeikit decode FILE (einj check / erst check for the tables)");
        }
        CliFiles.WriteAll(context, [.. files]);
        foreach (var line in lines) context.Error.WriteLine(line);
    }

    internal static void WriteGuestState(TextWriter o, PlatformRun run)
    {
        o.WriteLine($"Guest: {run.Guest.Records.Count} records read; pages offlined: {(run.Guest.OfflinedPages.Count == 0 ? "none" : string.Join(", ", run.Guest.OfflinedPages.Select(p => $"0x{p * SparseMemory.PageSize:X}")))}; "
            + $"tasks killed: {(run.Guest.KilledTasks.Count == 0 ? "none" : string.Join(", ", run.Guest.KilledTasks))}{(run.Guest.Panicked ? "; PANICKED" : "")}");
        o.WriteLine($"Host: {run.Host.Records.Count} records read; CPUs offline: {(run.Host.OfflineCpus.Count == 0 ? "none" : string.Join(", ", run.Host.OfflineCpus))}; "
            + $"corrected errors counted: {(run.Host.CorrectedCounts.Count == 0 ? "none" : string.Join(", ", run.Host.CorrectedCounts.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}")))}{(run.Host.Panicked ? "; PANICKED" : "")}");
    }

    internal static void WriteGuestRecords(TextWriter o, PlatformRun run)
    {
        o.WriteLine();
        // The describer puts the block's range after the title ("(at 0x7FF10050, 172 bytes)"): the title does not say it again.
        o.WriteLine("What the guest read (each error status block as it was in guest memory, decoded; addresses are guest physical):");
        foreach (var r in run.Guest.Records)
        {
            o.WriteLine();
            var renderer = new TextRenderer(o);
            Ghes.ErrorStatusBlockDescriber.Describe(r.Bytes, (long)r.BlockAddress, renderer,
                $"Guest source {r.Source.SourceId} ({r.Via.Name().ToUpperInvariant()}), read at {PlatformTrace.FormatTime(r.TimeUs)}{(r.ErrorId is null ? "" : $" [{r.ErrorId}]")}", r.Source.BlockLength);
        }
    }

    private static void WriteJson(CliContext context, PlatformRun run, List<string> violations, List<string> undelivered)
    {
        // Streamed to the output as it is written (Trace.WriteJson flushes as it goes): the document of a large run is
        // never held whole in memory (it was, twice: as UTF-8 and as a string, 4 GB at 100,000 errors).
        using var stream = new TextWriterStream(context.Out);
        using (var w = CliJson.Writer(stream))
        {
            w.WriteStartObject();
            w.WriteString("scenario", run.Scenario.Name);
            w.WritePropertyName("trace");
            run.Trace.WriteJson(w);
            w.WriteStartArray("outcomes");
            foreach (var o in run.Outcomes)
            {
                w.WriteStartObject();
                w.WriteString("id", o.Error.Id);
                w.WriteNumber("atUs", o.Error.AtUs);
                w.WriteString("kind", PlatformRun.KindName(o.Error.Kind));
                w.WriteString("disposition", JsonNamingPolicy.KebabCaseLower.ConvertName(o.Disposition.ToString()));
                w.WriteString("detail", o.Detail);
                if (o.GuestNotificationType is { } m) w.WriteString("guestMechanism", m.Name());
                if (o.GuestAction is not null) w.WriteString("guestAction", o.GuestAction);
                if (o.HostVirtualAddress is { } hva) w.WriteString("hostVirtualAddress", $"0x{hva:X}");
                if (o.GuestAddress is { } gpa) w.WriteString("guestAddress", $"0x{gpa:X}");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("guest");
            w.WriteNumber("recordsRead", run.Guest.Records.Count);
            w.WriteStrings("offlinedPages", run.Guest.OfflinedPages.Select(p => $"0x{p * SparseMemory.PageSize:X}"));
            w.WriteStrings("killedTasks", run.Guest.KilledTasks);
            w.WriteBoolean("panicked", run.Guest.Panicked);
            w.WriteEndObject();
            w.WriteStartObject("host");
            w.WriteNumber("recordsRead", run.Host.Records.Count);
            w.WriteStartArray("offlineCpus");
            foreach (var c in run.Host.OfflineCpus) w.WriteNumberValue(c);
            w.WriteEndArray();
            w.WriteStartObject("correctedCounts");
            foreach (var (k, n) in run.Host.CorrectedCounts.OrderBy(k => k.Key)) w.WriteNumber(k, n);
            w.WriteEndObject();
            w.WriteBoolean("panicked", run.Host.Panicked);
            w.WriteEndObject();
            if (run.Platform.Apei is { } apei) SimulateApeiOutput.WriteJson(w, apei);
            w.WriteStrings("invariantViolations", violations);
            w.WriteStrings("undelivered", undelivered);
            w.WriteEndObject();
        }
        context.Out.WriteLine();
    }

    /// <summary>A write-only stream that decodes UTF-8 into a <see cref="TextWriter"/> (multi-byte sequences may span writes).</summary>
    private sealed class TextWriterStream(TextWriter writer) : Stream
    {
        private readonly System.Text.Decoder _decoder = new System.Text.UTF8Encoding(false).GetDecoder();
        private char[] _chars = new char[4096];

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int needed = _decoder.GetCharCount(buffer, flush: false);
            if (needed > _chars.Length) _chars = new char[Math.Max(needed, _chars.Length * 2)];
            int n = _decoder.GetChars(buffer, _chars, flush: false);
            writer.Write(_chars, 0, n);
        }
    }
}
