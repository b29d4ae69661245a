using System.Text.Json;
using ApeiKit.Hest;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Hest;

/// <summary><c>apeikit erst|einj check|build</c> and <c>decode</c> of ERST/EINJ binaries and acpidump text.</summary>
public class ActionTableCliTests() : TempDirectoryTests("apeikit-action-table-cli-")
{
    private static string Dump => Fixtures.Path("acpidump/erst-acpidump-0001.log");

    [Fact]
    public void Decode_of_the_fwts_acpidump_decodes_its_erst()
    {
        var r = CliRunner.Run("decode", Dump);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Entry #15: GET_ERROR_LOG_ADDRESS_RANGE_ATTRIBUTES, READ_REGISTER", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("ERST tables are listed, not decoded", r.Out, StringComparison.Ordinal);
        using var doc = CliRunner.Run("decode", "--table", "ERST", "-f", "json", Dump).AssertSucceededWithJson();
        Assert.Equal(16, doc.RootElement.GetProperty("entries").GetArrayLength());
        Assert.Equal("EXECUTE_OPERATION", doc.RootElement.GetProperty("entries")[5].GetProperty("action").GetProperty("name").GetString());
    }

    [Fact]
    public void Erst_build_without_a_spec_writes_qemus_table_and_decode_reads_it()
    {
        var path = PathOf("ERST.bin");
        var r = CliRunner.Run("erst", "build", "-o", path);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.Contains("ERST, 912 bytes, 27 instruction entries", r.Error, StringComparison.Ordinal);
        Assert.Equal(ActionTableTests.QemuErst(), File.ReadAllBytes(path));
        var d = CliRunner.Run("decode", "-f", "layout", path);
        Assert.Equal(0, d.ExitCode);
        Assert.Contains("Execute operation".ToUpperInvariant().Replace(' ', '_'), d.Out, StringComparison.Ordinal);
        Assert.Contains("write 0x9C (mask 0xFFFFFFFF) to the 32-bit register at 0xFEBD7008", d.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Einj_build_writes_the_default_table_and_a_spec_can_move_it()
    {
        var path = PathOf("EINJ.bin");
        var spec = PathOf("einj.json");
        File.WriteAllText(spec, """{ "registerBase": "0x90000000", "header": { "oemId": "ACME  " } }""");
        var r = CliRunner.Run("einj", "build", spec, "-o", path);
        Assert.Equal(0, r.ExitCode);
        var model = ActionTableModel.Decode(File.ReadAllBytes(path));
        Assert.Equal("ACME  ", model.Header.OemId);
        Assert.Contains(model.Entries, e => e.Action == 8 && e.Register.Address == 0x90000100);
        var o = CliRunner.Run("einj", "build", spec, "-o", path, "--register-base", "0xA0000000");
        Assert.Equal(0, o.ExitCode);
        Assert.Contains(ActionTableModel.Decode(File.ReadAllBytes(path)).Entries, e => e.Register.Address == 0xA0000000);
    }

    [Fact]
    public void A_bad_spec_is_exit_1_with_the_json_path_and_no_output()
    {
        var path = PathOf("ERST.bin");
        var spec = PathOf("erst.json");
        File.WriteAllText(spec, """{ "entries": [ { "action": "BEGIN_WRTIE_OPERATION" } ] }""");
        var r = CliRunner.Run("erst", "build", spec, "-o", path);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("$.entries[0].action", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Check_passes_the_fwts_erst_and_fails_a_broken_einj()
    {
        var ok = CliRunner.Run("erst", "check", Dump);
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("passed (0 error(s), 3 warning(s))", ok.Out, StringComparison.Ordinal); // mask, reserved action, 16 bytes after Length
        var bytes = ActionTableTests.DefaultEinj();
        bytes[49] = 0x07; // instruction 7 is not an injection instruction
        Checksum.Fix(bytes, 9);
        var path = Write("EINJ.bin", bytes);
        var bad = CliRunner.Run("einj", "check", "-f", "json", path);
        Assert.Equal(1, bad.ExitCode);
        using var doc = JsonDocument.Parse(bad.Out);
        Assert.Equal("unknown-instruction", doc.RootElement[0].GetProperty("findings")[0].GetProperty("rule").GetString());
        var wrong = CliRunner.Run("erst", "check", path);
        Assert.Equal(2, wrong.ExitCode);
        Assert.Equal($"apeikit: {path}: an EINJ table, not an ERST: check it with 'apeikit einj check'.", wrong.Error.Trim());
        var other = CliRunner.Run("einj", "check", Write("HEST.bin", HestTestData.ProLiant()));
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("not an EINJ table (it starts with \"HEST\")", other.Error, StringComparison.Ordinal);
    }
}
