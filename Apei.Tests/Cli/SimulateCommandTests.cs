using System.Text.Json;

namespace ApeiKit.Tests.Cli;

public class SimulateCommandTests
{
    [Fact]
    public void Demo_shows_every_mechanism_the_invariants_and_the_guests_decoded_records()
    {
        var r = CliRunner.Run("demo");
        Assert.True(r.ExitCode == 0, r.Error);
        foreach (var via in new[] { "guest via SEA", "guest via GPIO", "guest via GSIV", "guest via SEI", "guest via POLLED" })
            Assert.Contains(via, r.Out, StringComparison.Ordinal);
        Assert.Contains("Invariants: all hold", r.Out, StringComparison.Ordinal);
        Assert.Contains("What the guest read", r.Out, StringComparison.Ordinal);
        // The guest's view decodes the CPER memory section the VMM wrote, with the guest physical address.
        Assert.Contains("Physical address: 0x0000000041234000", r.Out, StringComparison.Ordinal);
        Assert.Empty(r.Error);
    }

    [Fact]
    public void Simulate_text_output_of_the_default_scenario_matches_its_snapshot()
    {
        var r = CliRunner.Run("simulate");
        Assert.Equal(0, r.ExitCode);
        Snapshot.Verify(r.Out);
    }

    [Fact]
    public void Simulate_json_has_the_trace_outcomes_and_no_violations()
    {
        var r = CliRunner.Run("simulate", "--format", "json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal("default-arm-vm", root.GetProperty("scenario").GetString());
        Assert.Equal(16, root.GetProperty("outcomes").GetArrayLength());
        Assert.Equal(0, root.GetProperty("invariantViolations").GetArrayLength());
        var sea = root.GetProperty("trace").EnumerateArray().First(e => e.GetProperty("action").GetString() == "guest.sea");
        Assert.Equal("0x92000410", sea.GetProperty("esr").GetString());
        var consumed = root.GetProperty("outcomes").EnumerateArray().First(o => o.GetProperty("id").GetString() == "consumed");
        Assert.Equal("delivered-to-guest", consumed.GetProperty("disposition").GetString());
        Assert.Equal("sea", consumed.GetProperty("guestMechanism").GetString());
        Assert.Equal("0x41234000", consumed.GetProperty("guestAddress").GetString());
    }

    [Fact]
    public void Printed_default_scenario_runs_as_a_file()
    {
        var printed = CliRunner.Run("simulate", "--print-default");
        var path = Path.Combine(Path.GetTempPath(), $"apeikit-scenario-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, printed.Out);
        try
        {
            var fromFile = CliRunner.Run("simulate", path);
            var builtIn = CliRunner.Run("simulate");
            Assert.Equal(0, fromFile.ExitCode);
            Assert.Equal(builtIn.Out, fromFile.Out);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Scenario_with_a_typo_is_a_usage_error_naming_the_json_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"apeikit-scenario-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "guest": { "ram": [], "vcpus": [ { "id": 0 } ], "sources": [] }, "timeline": [ { "at": 5, "error": "memory-scrub", "hostAdress": 4096 } ] }""");
        try
        {
            var r = CliRunner.Run("simulate", path);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("$.timeline[0]", r.Error, StringComparison.Ordinal);
            Assert.Empty(r.Out);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

public class SimulateDumpTests
{
    [Fact]
    public void Dumped_guest_region_decodes_with_the_region_decoder_and_shows_the_last_records()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"apeikit-dump-{Guid.NewGuid():N}");
        try
        {
            var r = CliRunner.Run("simulate", "--dump", dir, "--format", "json");
            Assert.Equal(0, r.ExitCode);
            var decoded = CliRunner.Run("decode", "--hest", Path.Combine(dir, "guest-HEST.bin"), "--region", Path.Combine(dir, "guest-hardware_errors.bin"),
                "--region-base", "0x7FF10000");
            Assert.True(decoded.ExitCode == 0, decoded.Error);
            // Every guest record was acknowledged: all five sources are empty and acknowledged at the end.
            Assert.Equal(5, CountOf(decoded.Out, "Read ack: acknowledged"));
            Assert.Equal(5, CountOf(decoded.Out, "Record: empty"));
            var host = CliRunner.Run("decode", "--hest", Path.Combine(dir, "host-HEST.bin"), "--region", Path.Combine(dir, "host-hardware_errors.bin"));
            Assert.True(host.ExitCode == 0, host.Error);
            Assert.Contains("ARMv8 SEA", host.Out, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static int CountOf(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
