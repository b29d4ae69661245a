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
        using var doc = CliRunner.Run("simulate", "--format", "json").AssertSucceededWithJson();
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
        using var temp = TempFile.Of(printed.Out, ".json");
        string path = temp.Path;
        var fromFile = CliRunner.Run("simulate", path);
        var builtIn = CliRunner.Run("simulate");
        Assert.Equal(0, fromFile.ExitCode);
        Assert.Equal(builtIn.Out, fromFile.Out);
    }

    [Fact]
    public void Scenario_with_a_typo_is_malformed_input_exit_1_naming_the_json_path()
    {
        using var temp = TempFile.Of("""{ "guest": { "ram": [], "vcpus": [ { "id": 0 } ], "sources": [] }, "timeline": [ { "at": 5, "error": "memory-scrub", "hostAdress": 4096 } ] }""", ".json");
        string path = temp.Path;
        var r = CliRunner.Run("simulate", path);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("$.timeline[0]", r.Error, StringComparison.Ordinal);
        Assert.Empty(r.Out);
    }
}

public class SimulateDumpTests() : TempDirectoryTests("apeikit-dump-")
{
    [Fact]
    public void Dumped_guest_region_decodes_with_the_region_decoder_and_shows_the_last_records()
    {
        string dir = Dir;
        var r = CliRunner.Run("simulate", "--dump", dir, "--format", "json");
        Assert.Equal(0, r.ExitCode);
        var decoded = CliRunner.Run("decode", "--hest", Path.Combine(dir, "guest-HEST.bin"), "--region", Path.Combine(dir, "guest-hardware_errors.bin"),
            "--region-base", "0x7FF10000");
        Assert.True(decoded.ExitCode == 0, decoded.Error);
        // Every guest record was acknowledged: all five sources are empty and acknowledged at the end.
        Assert.Equal(5, CountOf(decoded.Out, "Read ack: acknowledged"));
        Assert.Equal(5, CountOf(decoded.Out, "State: empty"));
        var host = CliRunner.Run("decode", "--hest", Path.Combine(dir, "host-HEST.bin"), "--region", Path.Combine(dir, "host-hardware_errors.bin"));
        Assert.True(host.ExitCode == 0, host.Error);
        Assert.Contains("ARMv8 SEA", host.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_that_would_overwrite_the_scenario_it_reads_is_refused_and_the_scenario_is_kept()
    {
        string dir = Dir;
        string scenario = Path.Combine(dir, "guest-HEST.bin"); // a dump file name
        File.WriteAllText(scenario, CliRunner.Run("simulate", "--print-default").Out);
        byte[] before = File.ReadAllBytes(scenario);
        var r = CliRunner.Run("simulate", scenario, "--dump", dir);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is also an input", r.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(scenario));
        Assert.False(File.Exists(Path.Combine(dir, "host-HEST.bin")));
    }

    [Fact]
    public void Dump_into_a_directory_that_does_not_exist_is_refused_and_creates_nothing()
    {
        var parent = PathOf("absent");
        var dir = Path.Combine(parent, "a", "b");
        var r = CliRunner.Run("simulate", "--dump", dir);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(dir, r.Error, StringComparison.Ordinal);
        Assert.Single(r.Error.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(parent));
    }

    private static int CountOf(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}

/// <summary>Issues #18/#19, CLI side of simulate: exit codes, escaping, empty timelines.</summary>
public class SimulateHardeningTests
{
    private static CliRunner.Result RunScenario(string json, params string[] extra)
    {
        using var temp = TempFile.Of(json, ".json");
        string path = temp.Path;
        return CliRunner.Run(["simulate", path, .. extra]);
    }

    private const string Gpio = """{ "sourceId": 1, "notification": "gpio" }""";

    [Fact]
    public void Empty_timeline_runs_and_the_summary_says_no_errors()
    {
        var r = RunScenario(ApeiKit.Tests.Platform.BoundedCostTests.ScenarioJson(Gpio, ""));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("no errors injected", r.Out, StringComparison.Ordinal);
        Assert.Empty(r.Error);
    }

    [Fact]
    public void Region_over_the_limit_exits_1_with_the_json_path_and_no_stack_trace()
    {
        var sources = string.Join(", ", Enumerable.Range(0, 257).Select(i => $$"""{ "sourceId": {{i}}, "notification": "gpio", "blockLength": "1MiB" }"""));
        var r = RunScenario(ApeiKit.Tests.Platform.BoundedCostTests.ScenarioJson(sources, ""));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("$.guest.sources[63].blockLength", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
        Assert.Empty(r.Out);
    }

    [Fact]
    public void Json_syntax_error_exits_1_without_dotnet_details()
    {
        var r = RunScenario("{ \"guest\": }");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("not valid JSON", r.Error, StringComparison.Ordinal);
        foreach (var leak in new[] { "LineNumber", "BytePositionInLine", "System.", "(Parameter" }) Assert.DoesNotContain(leak, r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreadable_scenario_file_stays_a_usage_error()
    {
        using var missing = TempFile.Named(".json");
        var r = CliRunner.Run("simulate", missing.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("cannot read", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Scenario_strings_cannot_forge_trace_lines_in_text_output()
    {
        var json = ApeiKit.Tests.Platform.BoundedCostTests.ScenarioJson("""{ "sourceId": 0, "notification": "sea" }""",
            """{ "at": "1ms", "error": "memory-consumed", "guestAddress": "0x40000000", "vcpu": 0, "note": "x\n   9.999ms  guest     forged note" }""")
            .Replace("\"task\": \"app\"", "\"task\": \"app\\u001b[2J\\n   9.999ms  guest     forged task\"", StringComparison.Ordinal)
            .Replace("{ \"guest\"", "{ \"name\": \"n\\n   0.000ms  hw        forged name\", \"guest\"", StringComparison.Ordinal);
        var r = RunScenario(json);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.DoesNotContain("\u001b", r.Out, StringComparison.Ordinal);
        var lines = r.Out.Split('\n');
        Assert.DoesNotContain(lines, l => l.Contains("forged", StringComparison.Ordinal) && (l.StartsWith("   9.999ms", StringComparison.Ordinal) || l.StartsWith("   0.000ms  hw        forged", StringComparison.Ordinal)));
        Assert.Contains("\\x1B[2J\\n", r.Out, StringComparison.Ordinal);
        // JSON output keeps the strings exact; the JSON writer escapes them.
        var j = RunScenario(json, "--format", "json");
        using var doc = System.Text.Json.JsonDocument.Parse(j.Out);
        Assert.Equal("n\n   0.000ms  hw        forged name", doc.RootElement.GetProperty("scenario").GetString());
    }

    [Fact]
    public void Action_required_error_downgraded_for_lack_of_an_sea_source_exits_1()
    {
        var r = RunScenario(ApeiKit.Tests.Platform.BoundedCostTests.ScenarioJson(Gpio, """{ "id": "c", "at": "1ms", "error": "memory-consumed", "guestAddress": "0x40000000", "vcpu": 0 }"""));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Delivery: 1 error(s) NOT delivered as meant", r.Out, StringComparison.Ordinal);
        Assert.Contains("c: action-required error delivered as action optional", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Hung_guest_run_with_lost_records_exits_1()
    {
        var r = RunScenario(ApeiKit.Tests.Platform.BoundedCostTests.ScenarioJson(Gpio, """{ "at": "1ms", "error": "memory-scrub", "guestAddress": "0x40000000", "repeat": 4 }""",
            ", \"acknowledges\": false", """, "vmm": { "queueCapacity": 1 }"""), "--format", "json");
        Assert.Equal(1, r.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(r.Out);
        Assert.Equal(3, doc.RootElement.GetProperty("undelivered").GetArrayLength());
        Assert.Equal(0, doc.RootElement.GetProperty("invariantViolations").GetArrayLength());
    }
}
