using System.Text.Json;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Hest;

public class HestCliTests() : TempDirectoryTests("apeikit-hest-cli-")
{
    private static string Dump => Fixtures.Path("acpidump/hest-acpidump-0001.log");

    [Fact]
    public void Decode_lists_every_table_of_an_acpidump_and_decodes_the_hest()
    {
        CliRunner.Run("decode", Dump).AssertSucceeded(
            "FACS (Firmware ACPI Control Structure)", // no ACPI table header (ACPI 6.5 §5.2.10): not read as one
            "FACP tables are listed, not decoded",
            "Error source #2: PCI Express/PCI-X Bridge AER, source ID 8",
            "hest-acpidump-0001.log: HEST @ 0x0 <==");
    }

    [Fact]
    public void Decode_table_option_picks_the_hest_and_json_has_the_layout_names()
    {
        using var doc = CliRunner.Run("decode", "--table", "HEST", "--format", "json", Dump).AssertSucceededWithJson();
        var root = doc.RootElement;
        Assert.Equal(3, root.GetProperty("errorSourceCount").GetInt32());
        var s = root.GetProperty("errorSources");
        Assert.Equal(3, s.GetArrayLength());
        Assert.Equal(6, s[0].GetProperty("type").GetProperty("value").GetInt32());
        Assert.Equal("global", s[0].GetProperty("flags").GetProperty("names")[0].GetString());
        Assert.Equal(0x0856, s[0].GetProperty("deviceControl").GetInt32());
        Assert.Equal(6, s[0].GetProperty("rootErrorCommand").GetInt32());
    }

    [Fact]
    public void Decode_of_a_binary_hest_in_layout_reads_like_iasl()
    {
        var path = Write("hest.bin", ApeiKit.Hest.HestPresets.QemuVirtArm().Build(0x1000).TableBytes);
        var r = CliRunner.Run("decode", "-f", "layout", path);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("[0048    1]         Notification type                  : ARMv8 SEA (8)  | 08", r.Out, StringComparison.Ordinal);
        var nd = CliRunner.Run("decode", "-f", "ndjson", path);
        Assert.Single(nd.Out.Trim().Split('\n'));
    }

    [Fact]
    public void Decode_table_option_that_matches_nothing_is_a_usage_error()
    {
        var r = CliRunner.Run("decode", "--table", "BERT", Dump);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("FACS, FACP, HEST", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_passes_the_proliant_dump_with_exit_code_0()
    {
        var r = CliRunner.Run("hest", "check", Dump);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("passed (0 error(s), 0 warning(s))", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_reports_errors_with_exit_code_1_in_text_and_json()
    {
        var t = HestTestData.AllTypes();
        t.Sources[5].SourceId = 2;
        var path = Write("dup.bin", t.Encode());
        var r = CliRunner.Run("hest", "check", path);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("FAILED (1 error(s), 0 warning(s))", r.Out, StringComparison.Ordinal);
        Assert.Contains("[duplicate-source-id]", r.Out, StringComparison.Ordinal);
        var j = CliRunner.Run("hest", "check", "--format", "json", path);
        Assert.Equal(1, j.ExitCode);
        using var doc = JsonDocument.Parse(j.Out);
        var f = doc.RootElement[0].GetProperty("findings")[0];
        Assert.Equal("error", f.GetProperty("severity").GetString());
        Assert.Equal("duplicate-source-id", f.GetProperty("rule").GetString());
        Assert.Equal("sourceId", f.GetProperty("field").GetString());
    }

    [Fact]
    public void Build_writes_table_and_region_that_decode_and_check()
    {
        var spec = PathOf("spec.json");
        File.WriteAllText(spec, """{"header":{"oemId":"TEST"},"sources":[{"type":"ghesv2","notification":"sei"}]}""");
        var hest = PathOf("hest.bin");
        var region = PathOf("region.bin");
        var r = CliRunner.Run("hest", "build", spec, "--preset", "qemu-virt-arm", "-o", hest, "--region", region, "--region-base", "0x7FFF0000");
        Assert.True(r.ExitCode == 0, r.Out + r.Error);
        Assert.Contains("source 2 (GHESv2): error block address register 0x7FFF0010, read ack register 0x7FFF0028, block 0x7FFF0830 (1024 bytes)", r.Error, StringComparison.Ordinal);
        Assert.Equal(48 + 3 * 1024, new FileInfo(region).Length);
        var model = ApeiKit.Hest.HestTableModel.Decode(File.ReadAllBytes(hest));
        Assert.Equal(("TEST", 3), (model.Header.OemId, model.Sources.Count));
        Assert.Equal(0, CliRunner.Run("hest", "check", hest).ExitCode);
    }

    [Fact]
    public void Build_reports_spec_errors_by_json_path()
    {
        var spec = PathOf("bad.json");
        File.WriteAllText(spec, """{"sources":[{"type":"ghes"},{"type":"ghes","notification":{"type":300}}]}""");
        var r = CliRunner.Run("hest", "build", spec, "-o", PathOf("x.bin"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("$.sources[1].notification", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_with_region_but_no_base_is_a_usage_error()
    {
        var r = CliRunner.Run("hest", "build", "--preset", "x86-server", "-o", PathOf("x.bin"), "--region", PathOf("r.bin"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--region needs a base address", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_of_a_hest_with_an_unknown_type_shows_the_prefix_and_exits_1()
    {
        var b = HestTestData.Mutate(HestTestData.ProLiant(), x => x[0x58] = 5);
        var path = Write("unknown.bin", b);
        var r = CliRunner.Run("decode", path);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Error source #0: PCI Express Root Port AER, source ID 6", r.Out, StringComparison.Ordinal);
        Assert.Contains("ERROR: HEST error source, field Type, at offset 0x58 (88): unknown type", r.Out, StringComparison.Ordinal);
        Assert.Contains("Bytes not decoded (at 0x58, 100 bytes):", r.Out, StringComparison.Ordinal);
        Assert.Contains("unknown type", r.Error, StringComparison.Ordinal);
    }
}
