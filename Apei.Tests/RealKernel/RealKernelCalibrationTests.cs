using System.Globalization;
using System.Text.RegularExpressions;
using ApeiKit.Ghes;
using ApeiKit.Platform;
using Xunit.Abstractions;

namespace ApeiKit.Tests.RealKernel;

/// <summary>
/// Issue #13 part 6: the virtual platform's predicted kernel actions (<see cref="LinuxGhesPolicy"/>, which
/// <see cref="HostKernel"/> decides by) held against what the real Debian 6.1 guest did with the same records, in the
/// boots <see cref="RealKernelBoots"/> already makes (no boot of its own).
/// </summary>
[Collection(RealKernelBootsCollection.Name)]
public sealed partial class RealKernelCalibrationTests(RealKernelBoots boots, ITestOutputHelper output)
{
    // One memory_failure() call (mm/memory-failure.c, 6.1) ends in action_result()'s "Memory failure: 0xPFN: recovery action
    // for <page type>: <result>", or returns early with "... already hardware poisoned"; it may print other lines first for
    // the same PFN ("unhandlable page.", seen when the page was not yet in the buddy allocator), so only those count.
    [GeneratedRegex(@"Memory failure: 0x([0-9a-f]+): (?:recovery action for|already hardware poisoned)")]
    private static partial Regex MemoryFailureLine();

    [GeneratedRegex(@"soft offline: 0x([0-9a-f]+)")]
    private static partial Regex SoftOfflineLine();

    // aer_recover_work_func (drivers/pci/pcie/aer.c): "AER: no pci_dev for SSSS:BB:DD.F" when the device is not (yet) known,
    // otherwise cper_print_aer's "<driver> SSSS:BB:DD.F: AER: aer_status: ..." lines.
    [GeneratedRegex(@"AER: no pci_dev for ([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])|(?:^|\s)([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]): AER: ")]
    private static partial Regex AerLine();

    /// <summary>What the kernel did, read from the console of one boot.</summary>
    internal sealed record Observed(bool Panicked, List<ulong> MemoryFailures, List<ulong> SoftOfflines, SortedSet<string> AerDevices, List<string> Lines);

    internal static Observed Observe(Guest.Boot boot)
    {
        var lines = boot.Console.Split('\n');
        var mf = new List<ulong>();
        var so = new List<ulong>();
        var aer = new SortedSet<string>(StringComparer.Ordinal);
        var relevant = new List<string>();
        foreach (var line in lines)
        {
            if (MemoryFailureLine().Match(line) is { Success: true } m) { mf.Add(ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)); relevant.Add(line); }
            else if (SoftOfflineLine().Match(line) is { Success: true } s) { so.Add(ulong.Parse(s.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)); relevant.Add(line); }
            else if (AerLine().Match(line) is { Success: true } a) { aer.Add(a.Groups[1].Success ? a.Groups[1].Value : a.Groups[2].Value); relevant.Add(line); }
            else if (line.Contains("GHES:", StringComparison.Ordinal) || line.Contains("Kernel panic", StringComparison.Ordinal) || line.Contains("mce:", StringComparison.Ordinal) || line.Contains("AER:", StringComparison.Ordinal)) relevant.Add(line);
        }
        bool panicked = boot.Console.Contains("Kernel panic - not syncing: GHES: Fatal hardware error", StringComparison.Ordinal);
        return new Observed(panicked, mf, so, aer, relevant);
    }

    /// <summary>What the platform predicts for a boot: its GHES blocks through <see cref="LinuxGhesPolicy.ForGhes"/>, its BERT records through <see cref="LinuxGhesPolicy.ForBert"/>.</summary>
    internal static List<LinuxPrediction> Predict(GuestRun run)
    {
        var region = ErrorStatusRegionFromHest.Open(run.Hest, run.RegionBefore, run.RegionBase);
        var predictions = new List<LinuxPrediction>();
        foreach (var (source, _) in run.Ghes) predictions.AddRange(LinuxGhesPolicy.ForGhes(region.ReadBlockBytes(source)));
        foreach (var _ in run.Bert) predictions.Add(LinuxGhesPolicy.ForBert());
        return predictions;
    }

    [RealKernelFact]
    public void The_platforms_predicted_kernel_actions_equal_what_the_real_guest_did_with_the_same_records()
    {
        var problems = new List<string>();
        int compared = 0;
        foreach (var (name, run) in new[] { ("A", boots.A), ("B", boots.B), ("C", boots.C) })
        {
            Assert.False(run.Boot.TimedOut, $"boot {name} did not finish in time");
            var predicted = Predict(run);
            var seen = Observe(run.Boot);
            output.WriteLine($"boot {name}: predicted " + string.Join("; ", predicted.Select(p => $"{p.Action}{(p.Pfn is { } f && p.Action != LinuxAction.LogOnly ? " 0x" + f.ToString("x", CultureInfo.InvariantCulture) : "")}{(p.PciDevice is { } d ? " " + d + " " + p.AerSeverity : "")}")));
            foreach (var l in seen.Lines) output.WriteLine("  kernel: " + l.Trim());

            bool panics = predicted.Exists(p => p.Action == LinuxAction.Panic);
            if (panics != seen.Panicked) problems.Add($"boot {name}: predicted {(panics ? "a panic" : "no panic")}, the kernel {(seen.Panicked ? "panicked" : "did not panic")}");
            var mf = predicted.Where(p => p.Action == LinuxAction.MemoryFailure).Select(p => p.Pfn!.Value).Order().ToList();
            if (!mf.SequenceEqual(seen.MemoryFailures.Order())) problems.Add($"boot {name}: predicted memory_failure on [{string.Join(", ", mf.Select(Hex))}], the kernel on [{string.Join(", ", seen.MemoryFailures.Select(Hex))}]");
            var so = predicted.Where(p => p.Action == LinuxAction.SoftOffline).Select(p => p.Pfn!.Value).Order().ToList();
            if (!so.SequenceEqual(seen.SoftOfflines.Order())) problems.Add($"boot {name}: predicted soft offline of [{string.Join(", ", so.Select(Hex))}], the kernel of [{string.Join(", ", seen.SoftOfflines.Select(Hex))}]");
            var aer = new SortedSet<string>(predicted.Where(p => p.Action == LinuxAction.AerRecovery && !panics).Select(p => p.PciDevice!), StringComparer.Ordinal);
            if (!aer.SetEquals(seen.AerDevices)) problems.Add($"boot {name}: predicted AER handling of [{string.Join(", ", aer)}], the kernel reported [{string.Join(", ", seen.AerDevices)}]");
            compared += predicted.Count;
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        output.WriteLine($"{compared} records' predicted actions agree with the kernel");
    }

    private static string Hex(ulong v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);
}
