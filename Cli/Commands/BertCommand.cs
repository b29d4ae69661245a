using System.CommandLine;
using System.Globalization;
using ApeiKit.Ghes;

namespace ApeiKit.Cli;

/// <summary>
/// <c>apeikit bert build RECORD... --region-address ADDR -o BERT.bin --region-out REGION.bin</c>: a BERT and its boot
/// error region (one error status block per record), the pair <c>decode --bert-table/--bert-region</c> reads.
/// </summary>
internal static class BertCommand
{
    public static Command Create(CliContext context)
        => new("bert", "Build ACPI BERT (Boot Error Record Table) tables and their boot error regions.") { Build(context) };

    private static Command Build(CliContext context)
    {
        var records = new Argument<string[]>("records") { Description = "Record files: CPER records (binary, hex or base64), error status blocks, or their JSON; every record becomes one block of the region.", Arity = ArgumentArity.OneOrMore };
        var address = new Option<string>("--region-address") { Description = "Physical address of the boot error region (the BERT points there; e.g. 0x10010000).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the BERT table ('-': standard output).", Required = true };
        var regionOut = new Option<string>("--region-out") { Description = "Where to write the boot error region.", Required = true };
        var arch = VmCommand.ArchOption();
        var command = new Command("build", "Build a BERT and its boot error region from error records.") { records, address, output, regionOut, arch };
        command.SetAction(parse => Run(context, parse.GetValue(records)!, parse.GetValue(address)!, parse.GetValue(output)!, parse.GetValue(regionOut)!, VmCommand.Arch(parse.GetValue(arch))));
        return command;
    }

    private static int Run(CliContext context, string[] files, string addressText, string output, string regionOut, GuestArchitecture arch)
    {
        CliFiles.CheckOutputs(files, ("--output", output), ("--region-out", regionOut));
        ulong address = RecordFiles.ParseAddress("--region-address", addressText);
        var losses = new ConversionLossTally(toErrorStatusBlock: true);
        List<LoadedRecord> records;
        try
        {
            records = files.SelectMany(f => RecordFiles.Load(context, f, losses)).ToList();
        }
        catch (RecordFileException e)
        {
            context.Error.WriteLine("apeikit: " + e.Message);
            return CliApp.ContentError;
        }
        if (!TryBuild(context, records, address, out var result)) return CliApp.ContentError;
        CliFiles.WriteAll(context, (output, result.Table), (regionOut, result.Region));
        // What the conversion dropped, under the file it came from (convert's form), or the command's name for several files.
        string from = files.Length == 1 ? CliText.Name(files[0]) : "bert build";
        foreach (var message in losses.Messages()) context.Error.WriteLine($"apeikit: {from}: {message}");
        foreach (var w in Lint(records, arch)) context.Error.WriteLine("apeikit: warning: " + w);
        context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"apeikit: wrote {EncodeCommand.Target(output)}: BERT, {result.Table.Length} bytes, boot error region 0x{address:X} ({result.Region.Length} bytes)"));
        context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"apeikit: wrote {EncodeCommand.Target(regionOut)}: boot error region, {CliText.Count(records.Count, "error status block")}, {result.Region.Length} bytes"));
        return CliApp.Ok;
    }

    /// <summary>Builds the pair; false (reported) when the records cannot make a region.</summary>
    internal static bool TryBuild(CliContext context, List<LoadedRecord> records, ulong address, out BertBuildResult result)
    {
        try
        {
            result = BertBuilder.Build(records.ConvertAll(r => r.Block), address);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or OverflowException or ApeiContentException)
        {
            context.Error.WriteLine("apeikit: bert: " + CliText.Message(e));
            result = null!;
            return false;
        }
    }

    /// <summary>What Linux will not do as intended with these records in a BERT.</summary>
    internal static List<LinuxLintWarning> Lint(List<LoadedRecord> records, GuestArchitecture arch)
    {
        // Subjects by position in the region: the same file may be given twice.
        string Subject(int i) => string.Create(CultureInfo.InvariantCulture, $"BERT record {i + 1} ({records[i].Label})");
        var warnings = new List<LinuxLintWarning>();
        for (int i = 0; i < records.Count; i++)
            if (records[i].Record is { } record)
                warnings.AddRange(LinuxConsumerLint.CheckRecord(record, arch, Subject(i)));
        warnings.AddRange(LinuxConsumerLint.CheckBertBlocks(records.ConvertAll(r => r.Block), arch, Subject));
        return Dedup(warnings);
    }

    internal static List<LinuxLintWarning> Dedup(List<LinuxLintWarning> warnings)
    {
        var seen = new HashSet<(LinuxLintKind, string)>();
        return warnings.Where(w => seen.Add((w.Kind, w.Subject))).ToList();
    }
}
