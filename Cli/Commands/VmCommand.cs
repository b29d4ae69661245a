using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ApeiKit.Ghes;
using ApeiKit.Hest;

namespace ApeiKit.Cli;

/// <summary>
/// <c>apeikit vm build</c> (everything a Linux guest needs to see an error: HEST, error-status region with records in
/// chosen sources' blocks, BERT and its region, and the QEMU and kernel arguments that load them) and
/// <c>apeikit vm qmp-inject</c> (QEMU 10.2's <c>inject-ghes-v2-error</c> command for a record).
/// </summary>
internal static class VmCommand
{
    /// <summary>Default region base on x86 q35: 256 MiB, inside the RAM of any guest with -m 512 (reserved with memmap=).</summary>
    public const ulong X86RegionBase = 0x1000_0000;
    /// <summary>Default region base on Arm virt: in the second flash bank (0x04000000-0x07FFFFFF), which Linux maps (issue #13: RAM is refused as kernel memory).</summary>
    public const ulong VirtRegionBase = 0x0700_0000;
    private const ulong Page = 4096;

    public static Command Create(CliContext context)
        => new("vm", "Build ACPI tables, error records and launch arguments for a QEMU guest running Linux.") { Build(context), QmpInject(context), VmActionTables.Create(context) };

    /// <summary>The --arch option (x86 or arm64) shared with bert build.</summary>
    internal static Option<string?> ArchOption()
    {
        var arch = new Option<string?>("--arch") { Description = "The guest kernel's architecture, for the Linux warnings: x86 (default) or arm64." };
        arch.AcceptOnlyFromAmong("x86", "arm64");
        return arch;
    }

    internal static GuestArchitecture Arch(string? value) => value == "arm64" ? GuestArchitecture.Arm64 : GuestArchitecture.X86;

    private static Command Build(CliContext context)
    {
        var spec = new Argument<string?>("spec") { Description = "HEST build spec (JSON, as for 'hest build'; see docs/hest-build.md); optional with --preset.", Arity = ArgumentArity.ZeroOrOne };
        var preset = new Option<string?>("--preset") { Description = "x86-q35 (four polled GHESv2 sources, x86 guest) or virt (QEMU's Arm virt HEST: GHESv2 SEA and GPIO, arm64 guest)." };
        preset.AcceptOnlyFromAmong("x86-q35", "virt");
        var record = new Option<string[]>("--record") { Description = "SOURCE=FILE: put the record in FILE (CPER, error status block, or their JSON) into the block of the GHES source with Source ID SOURCE. Repeatable.", Arity = ArgumentArity.ZeroOrMore };
        var bert = new Option<string[]>("--bert") { Description = "Record file for the BERT (boot error records; every record becomes one block). Repeatable.", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Existing directory to write hest.aml, region.bin, bert.aml and bert-region.bin into (and acpi-tables.cpio for arm64).", Required = true };
        var regionBase = new Option<string?>("--region-base") { Description = "Guest physical address of the error-status region (default 0x10000000 on x86, 0x7000000 on virt)." };
        var bertAddress = new Option<string?>("--bert-address") { Description = "Guest physical address of the boot error region (default: the next 4 KiB page after the error-status region)." };
        var arch = ArchOption();
        var format = FormatOption.TextOrJson("text or json (paths, addresses, sizes, arguments).");
        var kernel = new Option<string?>("--kernel") { Description = "The guest kernel, for the example command line (default: the word VMLINUZ)." };
        var initrd = new Option<string?>("--initrd") { Description = "The guest initrd, for the example command line (default: the word INITRD)." };
        var command = new Command("build", "Build a HEST, its error-status region with records, a BERT with its region, and print the QEMU and kernel arguments.")
            { spec, preset, record, bert, output, regionBase, bertAddress, arch, format, kernel, initrd };
        command.SetAction(parse => RunBuild(context, new BuildArgs(parse.GetValue(spec), parse.GetValue(preset), parse.GetValue(record) ?? [], parse.GetValue(bert) ?? [],
            parse.GetValue(output)!, parse.GetValue(regionBase), parse.GetValue(bertAddress), parse.GetValue(arch), parse.GetValue(format)!)
            { Kernel = parse.GetValue(kernel), Initrd = parse.GetValue(initrd) }));
        return command;
    }

    private sealed record BuildArgs(string? Spec, string? Preset, string[] Records, string[] Bert, string Dir, string? RegionBase, string? BertAddress, string? Arch, string Format)
    {
        public string? Kernel { get; init; }
        public string? Initrd { get; init; }
    }

    private sealed record Placement(ushort SourceId, LoadedRecord Record);

    private static int RunBuild(CliContext context, BuildArgs a)
    {
        if (a.Spec is null && a.Preset is null) throw new CliUsageException("vm build: give a SPEC.json, a --preset, or both.");
        var arch = a.Arch is not null ? Arch(a.Arch) : a.Preset == "virt" ? GuestArchitecture.Arm64 : GuestArchitecture.X86;
        if (!Directory.Exists(a.Dir)) throw new CliUsageException($"--output {CliText.Name(a.Dir)}: not a directory (give an existing directory; it is not created).");
        var placements = new List<(ushort SourceId, string File)>();
        foreach (var r in a.Records)
        {
            int eq = r.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == r.Length - 1 || !ushort.TryParse(r.AsSpan(0, eq), NumberStyles.None, CultureInfo.InvariantCulture, out ushort id))
                throw new CliUsageException($"--record '{CliText.Cut(CliText.Clean(r))}': expected SOURCE=FILE, SOURCE a Source ID (0-65535).");
            if (placements.Exists(p => p.SourceId == id)) throw new CliUsageException($"--record: source {id} is given twice (its block holds one record).");
            placements.Add((id, r[(eq + 1)..]));
        }
        string hestPath = Path.Combine(a.Dir, "hest.aml"), regionPath = Path.Combine(a.Dir, "region.bin");
        string bertPath = Path.Combine(a.Dir, "bert.aml"), bertRegionPath = Path.Combine(a.Dir, "bert-region.bin"), cpioPath = Path.Combine(a.Dir, "acpi-tables.cpio");
        bool hasBert = a.Bert.Length > 0, arm = arch == GuestArchitecture.Arm64;
        var inputs = new List<string?> { a.Spec };
        inputs.AddRange(placements.Select(p => p.File));
        inputs.AddRange(a.Bert);
        CliFiles.CheckOutputs(inputs, ("hest.aml", hestPath), ("region.bin", regionPath), ("bert.aml", hasBert ? bertPath : null),
            ("bert-region.bin", hasBert ? bertRegionPath : null), ("acpi-tables.cpio", arm ? cpioPath : null));

        HestSpecResult parsed;
        try
        {
            string json = a.Spec is null ? "{}" : Encoding.UTF8.GetString(CliFiles.Read(context, a.Spec));
            parsed = HestSpec.Parse(json, a.Preset switch { "virt" => "qemu-virt-arm", "x86-q35" => "x86-q35", _ => null });
        }
        catch (HestSpecException e)
        {
            context.Error.WriteLine($"apeikit: {(a.Spec is null ? "--preset" : CliText.Name(a.Spec))}: {CliText.Message(e)}");
            return CliApp.ContentError;
        }
        ulong regionBase = a.RegionBase is not null ? RecordFiles.ParseAddress("--region-base", a.RegionBase) : parsed.RegionBase ?? (arm ? VirtRegionBase : X86RegionBase);

        var losses = new ConversionLossTally(toErrorStatusBlock: true);
        var placed = new List<Placement>();
        List<LoadedRecord> bertRecords = [];
        try
        {
            foreach (var (id, file) in placements)
            {
                var records = RecordFiles.Load(context, file, losses);
                if (records.Count > 1)
                    throw new RecordFileException($"{CliText.Name(file)}: holds {records.Count} records; a source's block holds one (split them, or give the others to other sources)");
                placed.Add(new(id, records[0]));
            }
            foreach (var file in a.Bert) bertRecords.AddRange(RecordFiles.Load(context, file, losses));
        }
        catch (RecordFileException e)
        {
            context.Error.WriteLine("apeikit: " + e.Message);
            return CliApp.ContentError;
        }

        if (HestCommand.Build(context, "vm build", parsed, regionBase) is not { } result) return CliApp.ContentError;
        if (result.Region is null || result.RegionBytes is null)
        {
            context.Error.WriteLine("apeikit: vm build: the HEST has no GHES/GHESv2 sources, so there is no error-status region to put records in (add sources to the spec, or use --preset).");
            return CliApp.ContentError;
        }
        var region = result.RegionBytes;
        var sources = ErrorStatusRegionFromHest.ReadSources(result.TableBytes);
        var open = ErrorStatusRegionFromHest.Open(result.TableBytes, region, regionBase);
        foreach (var p in placed)
        {
            if (!open.Sources.ContainsKey(p.SourceId))
            {
                context.Error.WriteLine($"apeikit: --record {p.SourceId}=...: the HEST has no GHES/GHESv2 source with Source ID {p.SourceId} (it has {string.Join(", ", open.Sources.Keys)}).");
                return CliApp.ContentError;
            }
            try
            {
                var written = open.TryWriteBlock(p.SourceId, p.Record.Block);
                if (written != GhesWriteResult.Written) throw new InvalidOperationException($"source {p.SourceId}: {written}");
            }
            catch (ArgumentException e)
            {
                context.Error.WriteLine($"apeikit: {p.Record.Label}: {CliText.Message(e)}");
                return CliApp.ContentError;
            }
        }

        BertBuildResult? bertResult = null;
        ulong regionEnd = regionBase + (ulong)region.Length;
        if (hasBert)
        {
            ulong bertAddress = a.BertAddress is not null ? RecordFiles.ParseAddress("--bert-address", a.BertAddress) : AlignUp(regionEnd);
            if (!BertCommand.TryBuild(context, bertRecords, bertAddress, out var b)) return CliApp.ContentError;
            bertResult = b;
        }

        var warnings = new List<LinuxLintWarning>(LinuxConsumerLint.CheckHest(result.TableBytes, arch));
        foreach (var p in placed)
        {
            if (p.Record.Record is { } rec) warnings.AddRange(LinuxConsumerLint.CheckRecord(rec, arch, p.Record.Label));
            warnings.AddRange(LinuxConsumerLint.CheckGhesBlock(p.Record.Block, arch, p.Record.Label));
            var source = sources.First(s => s.Description.SourceId == p.SourceId);
            if (LinuxConsumerLint.RefusalReason(source.Notification, arch) is not null || source.NotificationStructure is { PollInterval: 0 } && source.Notification == NotificationType.Polled)
                warnings.Add(new(LinuxLintKind.NotificationRefused, p.Record.Label, $"placed in source {p.SourceId}, which Linux does not read (see the warning on that source)"));
            else if (source.Notification != NotificationType.Polled)
                warnings.Add(new(LinuxLintKind.NotNotified, p.Record.Label, string.Create(CultureInfo.InvariantCulture,
                    $"placed in source {p.SourceId}, notified by {NotificationName(source.Notification)}: Linux reads that block only when the source is notified, which nothing here does; put it in a polled source to have it printed at boot")));
        }
        var readNow = placed.Where(p => sources.First(s => s.Description.SourceId == p.SourceId).Notification == NotificationType.Polled)
            .OrderBy(p => sources.FindIndex(s => s.Description.SourceId == p.SourceId)).Select(p => (p.Record.Block, p.Record.Label));
        warnings.AddRange(LinuxConsumerLint.CheckGhesBurst(readNow));
        if (hasBert) warnings.AddRange(BertCommand.Lint(bertRecords, arch));
        warnings = BertCommand.Dedup(warnings);

        var outputs = new List<(string, byte[])> { (hestPath, result.TableBytes), (regionPath, region) };
        if (bertResult is not null)
        {
            outputs.Add((bertPath, bertResult.Table));
            outputs.Add((bertRegionPath, bertResult.Region));
        }
        if (arm)
        {
            var tables = new List<(string, byte[])> { ("kernel/firmware/acpi/hest.aml", result.TableBytes) };
            if (bertResult is not null) tables.Add(("kernel/firmware/acpi/bert.aml", bertResult.Table));
            outputs.Add((cpioPath, CpioNewc.Write(tables)));
        }
        CliFiles.WriteAll(context, [.. outputs]);

        var launch = Launch(arch, Path.GetFullPath(hestPath), Path.GetFullPath(regionPath), regionBase, region.Length,
            bertResult is null ? null : (Path.GetFullPath(bertPath), Path.GetFullPath(bertRegionPath), bertResult), Path.GetFullPath(cpioPath), a.Kernel, a.Initrd);

        foreach (var message in losses.Messages()) context.Error.WriteLine($"apeikit: {message}");
        foreach (var w in warnings) context.Error.WriteLine("apeikit: warning: " + w);
        context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"apeikit: wrote {CliText.Name(hestPath)} (HEST, {result.TableBytes.Length} bytes, {CliText.Count(result.Table.Sources.Count, "error source")}), {CliText.Name(regionPath)} ({region.Length} bytes at 0x{regionBase:X})"));
        foreach (var e in result.Region.Entries)
        {
            var p = placed.Find(x => x.SourceId == e.SourceId);
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  source {e.SourceId} ({(e.IsVersion2 ? "GHESv2" : "GHES")}, {NotificationName(sources.First(s => s.Description.SourceId == e.SourceId).Notification)}): block 0x{e.BlockAddress:X} ({e.BlockLength} bytes), read ack register 0x{e.ReadAckRegister:X}: {(p is null ? "empty" : p.Record.Label)}"));
        }
        if (bertResult is not null)
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"apeikit: wrote {CliText.Name(bertPath)} (BERT), {CliText.Name(bertRegionPath)} ({CliText.Count(bertRecords.Count, "record")}, {bertResult.Region.Length} bytes at 0x{bertResult.RegionAddress:X})"));
        if (arm) context.Error.WriteLine($"apeikit: wrote {CliText.Name(cpioPath)} (ACPI table upgrade cpio: put it in front of the initrd)");

        if (a.Format == "json") WriteJson(context, arch, launch, result, regionBase, region.Length, sources, placed, bertResult, bertRecords.Count, warnings);
        else WriteText(context, arch, launch);
        return CliApp.Ok;
    }

    /// <summary>The files and arguments a guest is started with.</summary>
    private sealed record LaunchArgs(List<string> Qemu, List<string> Kernel, string Example, List<string> Notes, (string Path, ulong Address, int Size)[] Loads,
        string HestPath, string? BertPath, string? InitrdPrepend);

    private static LaunchArgs Launch(GuestArchitecture arch, string hest, string region, ulong regionBase, int regionSize,
        (string Table, string Region, BertBuildResult Result)? bert, string cpio, string? kernelImage, string? initrd)
    {
        string kernelWord = kernelImage is null ? (arch == GuestArchitecture.Arm64 ? "IMAGE" : "VMLINUZ") : Shell(kernelImage);
        string initrdWord = initrd is null ? "INITRD" : Shell(initrd);
        var qemu = new List<string>();
        var kernel = new List<string>();
        var notes = new List<string>();
        var loads = new List<(string, ulong, int)> { (region, regionBase, regionSize) };
        if (bert is { } b) loads.Add((b.Region, b.Result.RegionAddress, b.Result.Region.Length));
        bool arm = arch == GuestArchitecture.Arm64;
        if (!arm)
        {
            qemu.AddRange(["-acpitable", "file=" + QemuValue(hest)]);
            if (bert is { } b2) qemu.AddRange(["-acpitable", "file=" + QemuValue(b2.Table)]);
        }
        foreach (var (path, address, size) in loads)
        {
            qemu.AddRange(["-device", string.Create(CultureInfo.InvariantCulture, $"loader,file={QemuValue(path)},addr=0x{address:X},force-raw=on")]);
            if (!arm) kernel.Add(Memmap(address, size));
        }
        ulong end = loads.Max(l => l.Item2 + (ulong)l.Item3);
        string example;
        if (!arm)
        {
            ulong ramMiB = Math.Max(512, (end + (1UL << 20) - 1) >> 20);
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"The regions are loaded into guest RAM and reserved from the kernel with memmap= (E820 reserved): the guest needs RAM up to 0x{end:X} (q35 with -m {ramMiB} or more)."));
            notes.Add("The sources are polled: Linux reads a block that already holds a record when it probes the source, shortly after boot; \"GHES: Failed to enable APEI firmware first mode.\" is harmless (QEMU's _OSC does not grant it).");
            example = string.Create(CultureInfo.InvariantCulture, $"qemu-system-x86_64 -M q35 -m {ramMiB} -nographic -kernel {kernelWord} -initrd {initrdWord} -append {Shell("console=ttyS0 " + string.Join(' ', kernel))} {string.Join(' ', qemu.Select(Shell))}");
        }
        else
        {
            kernel.Add("acpi=force");
            notes.Add($"aarch64 QEMU has no -acpitable: the tables go in through the kernel's ACPI table upgrade. Put acpi-tables.cpio (uncompressed) in front of the initrd: cat acpi-tables.cpio {initrdWord} > initrd-with-tables; the kernel logs \"ACPI: Table Upgrade: install [HEST-...]\".");
            notes.Add("The region is loaded into the virt machine's second flash bank (RAM is refused: \"requested region covers kernel memory\"); the guest's writes there (block status clear, GHESv2 read-ack) are ignored by the flash model, so a polled block is read again at every poll. Do not use -M virt,ras=on together with these tables (QEMU then builds its own HEST).");
            example = $"qemu-system-aarch64 -M virt -cpu cortex-a57 -m 2048 -nographic -bios /usr/share/qemu-efi-aarch64/QEMU_EFI.fd -kernel {kernelWord} -initrd initrd-with-tables -append {Shell("console=ttyAMA0 " + string.Join(' ', kernel))} {string.Join(' ', qemu.Select(Shell))}";
        }
        return new LaunchArgs(qemu, kernel, example, notes, [.. loads], hest, bert?.Table, arm ? cpio : null);
    }

    /// <summary>memmap=SIZE$ADDR covering [address, address+size) in whole 4 KiB pages.</summary>
    internal static string Memmap(ulong address, int size)
    {
        ulong start = address & ~(Page - 1), end = AlignUp(address + (ulong)Math.Max(size, 1));
        ulong length = end - start;
        string len = length % (1UL << 20) == 0 ? $"{length >> 20}M" : $"{length >> 10}K";
        return string.Create(CultureInfo.InvariantCulture, $"memmap={len}$0x{start:X}");
    }

    private static ulong AlignUp(ulong v) => (v + Page - 1) & ~(Page - 1);

    /// <summary>A value inside a QEMU option list: commas doubled (QEMU's escape).</summary>
    private static string QemuValue(string s) => s.Replace(",", ",,", StringComparison.Ordinal);

    /// <summary>A word for a POSIX shell: single-quoted unless it only holds safe characters.</summary>
    internal static string Shell(string s)
        => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ',' or '=' or ':' or '+')
            ? s : "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string NotificationName(NotificationType t) => t switch
    {
        NotificationType.Polled => "polled",
        NotificationType.ExternalInterrupt => "external-interrupt",
        NotificationType.LocalInterrupt => "local-interrupt",
        NotificationType.Sci => "sci",
        NotificationType.Nmi => "nmi",
        NotificationType.Cmci => "cmci",
        NotificationType.Mce => "mce",
        NotificationType.Gpio => "gpio",
        NotificationType.Sea => "sea",
        NotificationType.Sei => "sei",
        NotificationType.Gsiv => "gsiv",
        NotificationType.Sdei => "sdei",
        _ => ((int)t).ToString(CultureInfo.InvariantCulture),
    };

    private static void WriteText(CliContext context, GuestArchitecture arch, LaunchArgs l)
    {
        var o = context.Out;
        o.WriteLine("QEMU arguments:");
        o.WriteLine("  " + string.Join(' ', l.Qemu.Select(Shell)));
        o.WriteLine("Guest kernel arguments (add to -append):");
        o.WriteLine("  " + string.Join(' ', l.Kernel));
        if (l.InitrdPrepend is { } cpio)
        {
            o.WriteLine("Initrd: put this in front of it:");
            o.WriteLine("  " + Shell(cpio));
        }
        o.WriteLine("For example:");
        o.WriteLine("  " + l.Example);
        foreach (var n in l.Notes) o.WriteLine("Note: " + n);
        _ = arch;
    }

    private static void WriteJson(CliContext context, GuestArchitecture arch, LaunchArgs l, HestBuildResult result, ulong regionBase, int regionSize,
        List<HestGhesSource> sources, List<Placement> placed, BertBuildResult? bert, int bertRecords, List<LinuxLintWarning> warnings)
    {
        using var stream = new MemoryStream();
        using (var w = CliJson.Writer(stream))
        {
            static string Hex(ulong v) => string.Create(CultureInfo.InvariantCulture, $"0x{v:X}");
            w.WriteStartObject();
            w.WriteString("architecture", arch == GuestArchitecture.Arm64 ? "arm64" : "x86_64");
            w.WriteStartObject("hest");
            w.WriteString("path", l.HestPath);
            w.WriteNumber("size", result.TableBytes.Length);
            w.WriteEndObject();
            w.WriteStartObject("region");
            w.WriteString("path", l.Loads[0].Path);
            w.WriteString("address", Hex(regionBase));
            w.WriteNumber("size", regionSize);
            w.WriteEndObject();
            w.WriteStartArray("sources");
            foreach (var e in result.Region!.Entries)
            {
                var s = sources.First(x => x.Description.SourceId == e.SourceId);
                w.WriteStartObject();
                w.WriteNumber("sourceId", e.SourceId);
                w.WriteString("type", e.IsVersion2 ? "GHESv2" : "GHES");
                w.WriteString("notification", NotificationName(s.Notification));
                if (s.Notification == NotificationType.Polled) w.WriteNumber("pollInterval", s.NotificationStructure?.PollInterval ?? 0);
                w.WriteString("errorBlockAddressRegister", Hex(e.ErrorBlockAddressRegister));
                w.WriteString("readAckRegister", Hex(e.ReadAckRegister));
                if (s.ReadAckGas is not null)
                {
                    w.WriteString("readAckPreserve", Hex(s.Description.ReadAckPreserve));
                    w.WriteString("readAckWrite", Hex(s.Description.ReadAckWrite));
                }
                w.WriteString("blockAddress", Hex(e.BlockAddress));
                w.WriteNumber("blockLength", e.BlockLength);
                var p = placed.Find(x => x.SourceId == e.SourceId);
                if (p is null) w.WriteNull("record");
                else
                {
                    w.WriteStartObject("record");
                    w.WriteString("from", p.Record.Label);
                    w.WriteNumber("size", p.Record.Block.GetEncodedLength());
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (bert is null) w.WriteNull("bert");
            else
            {
                w.WriteStartObject("bert");
                w.WriteString("path", l.BertPath);
                w.WriteNumber("size", bert.Table.Length);
                w.WriteString("regionPath", l.Loads[1].Path);
                w.WriteString("regionAddress", Hex(bert.RegionAddress));
                w.WriteNumber("regionSize", bert.Region.Length);
                w.WriteNumber("records", bertRecords);
                w.WriteEndObject();
            }
            if (l.InitrdPrepend is null) w.WriteNull("initrdPrepend"); else w.WriteString("initrdPrepend", l.InitrdPrepend);
            w.WriteStrings("qemuArguments", l.Qemu);
            w.WriteStrings("kernelArguments", l.Kernel);
            w.WriteString("example", l.Example);
            w.WriteStrings("notes", l.Notes);
            w.WriteLinuxWarnings("warnings", warnings);
            w.WriteEndObject();
        }
        context.Out.WriteLine(Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length));
    }

    private static Command QmpInject(CliContext context)
    {
        var file = new Argument<string>("record") { Description = "A record file: CPER, error status block, or their JSON; one QMP command per record." };
        var arch = ArchOption();
        var command = new Command("qmp-inject", "Print QEMU's QMP command inject-ghes-v2-error (QEMU 10.2, Arm virt with ras=on) for a record: base64 of its Generic Error Status Block with its data entries.") { file, arch };
        command.SetAction(parse => RunQmpInject(context, parse.GetValue(file)!, Arch(parse.GetValue(arch) ?? "arm64")));
        return command;
    }

    /// <summary>QEMU's limit on the injected CPER (hw/acpi/ghes.c ghes_record_cper_errors: ACPI_GHES_MAX_RAW_DATA_LENGTH).</summary>
    public const int QemuMaxCper = 1024;

    private static int RunQmpInject(CliContext context, string file, GuestArchitecture arch)
    {
        var losses = new ConversionLossTally(toErrorStatusBlock: true);
        List<LoadedRecord> records;
        try
        {
            records = RecordFiles.Load(context, file, losses);
        }
        catch (RecordFileException e)
        {
            context.Error.WriteLine("apeikit: " + e.Message);
            return CliApp.ContentError;
        }
        int code = CliApp.Ok;
        foreach (var r in records)
        {
            var bytes = r.Block.Encode();
            if (bytes.Length > QemuMaxCper)
            {
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"apeikit: {r.Label}: {bytes.Length}-byte block: QEMU refuses more than {QemuMaxCper} bytes (\"GHES CPER record is too big\"); not printed"));
                code = CliApp.ContentError;
                continue;
            }
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream))
            {
                w.WriteStartObject();
                w.WriteString("execute", "inject-ghes-v2-error");
                w.WriteStartObject("arguments");
                w.WriteString("cper", Convert.ToBase64String(bytes));
                w.WriteEndObject();
                w.WriteEndObject();
            }
            context.Out.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
            var warnings = new List<LinuxLintWarning>();
            if (r.Record is { } rec) warnings.AddRange(LinuxConsumerLint.CheckRecord(rec, arch, r.Label));
            warnings.AddRange(LinuxConsumerLint.CheckGhesBlock(r.Block, arch, r.Label));
            foreach (var w in BertCommand.Dedup(warnings)) context.Error.WriteLine("apeikit: warning: " + w);
        }
        foreach (var message in losses.Messages()) context.Error.WriteLine($"apeikit: {message}");
        if (records.Count > 1) context.Error.WriteLine($"apeikit: {CliText.Count(records.Count, "command")}: QEMU writes the next record only after the guest acknowledged the previous one (read-ack)");
        return code;
    }
}
