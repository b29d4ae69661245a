using System.Text.Json;

namespace ApeiKit.Tests.Cli;

/// <summary>
/// <c>apeikit decode</c> of ACPI tables from fwts' acpidump captures (fixtures/acpidump), read back as a user reads them:
/// the ERST dump's 16 bytes past its Length are shown (they were shown nowhere); the FACS, which has no standard ACPI
/// table header (ACPI 6.5 §5.2.10), is shown as its signature, length and bytes, not as a header it has not got; a BERT
/// is one "BERT" object holding "BERT table", not "BERT table" inside "BERT table".
/// </summary>
public class TableInputNothingLostTests
{
    private static string Dump(string name) => Fixtures.Path($"acpidump/{name}-acpidump-0001.log");

    [Fact]
    public void The_erst_dumps_bytes_past_its_length_are_shown()
    {
        var r = CliRunner.Run("decode", "--table", "ERST", Dump("erst"));
        Assert.Equal(0, r.ExitCode);
        // Length 560 (0x230); the dump holds 576 bytes.
        Assert.Contains("Bytes after the table's Length (not the table's) (at 0x230, 16 bytes):", r.Out, StringComparison.Ordinal);
        using var doc = CliRunner.Run("decode", "--table", "ERST", "-f", "json", Dump("erst")).AssertSucceededWithJson();
        Assert.Equal(16, Convert.FromHexString(doc.RootElement.GetProperty("bytesAfterLength").GetString()!.Replace(" ", "", StringComparison.Ordinal)).Length);
    }

    [Fact]
    public void The_facs_is_not_read_as_an_acpi_table_header()
    {
        var r = CliRunner.Run("decode", "--table", "FACS", Dump("hest"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("FACS (Firmware ACPI Control Structure)", r.Out, StringComparison.Ordinal);
        Assert.Contains("\n  Signature: \"FACS\"\n", r.Out, StringComparison.Ordinal); // quoted as every table's Signature is
        Assert.DoesNotContain("OEM", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Checksum", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Table header", r.Out, StringComparison.Ordinal);
        // Length 64: the 64 bytes are the FACS's, the 16 the dump holds after them are shown apart.
        Assert.Contains("FACS bytes (not decoded: no ACPI table header, ACPI 6.5 §5.2.10) (at 0x0, 64 bytes):", r.Out, StringComparison.Ordinal);
        Assert.Contains("Bytes after the table's Length (not the table's) (at 0x40, 16 bytes):", r.Out, StringComparison.Ordinal);
        using var doc = CliRunner.Run("decode", "--table", "FACS", "-f", "json", Dump("hest")).AssertSucceededWithJson();
        Assert.Equal(64, doc.RootElement.GetProperty("length").GetInt64());
        Assert.False(doc.RootElement.TryGetProperty("header", out _));
    }

    [Fact]
    public void A_facs_length_below_64_is_an_error_at_its_length_field()
    {
        // The hest dump's FACS with Length 32: ACPI 6.5 Table 5.14 defines 64 bytes. It decoded with exit 0 and no finding.
        string dump = File.ReadAllText(Dump("hest"));
        const string First = "  0000: 46 41 43 53 40 00 00 00";
        Assert.Contains(First, dump, StringComparison.Ordinal);
        var r = CliRunner.RunOnFile(dump.Replace(First, "  0000: 46 41 43 53 20 00 00 00", StringComparison.Ordinal), ".log", "decode", "--table", "FACS");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("ERROR: FACS, field Length, at offset 0x4 (4): expected >= 64, found 32", r.Out, StringComparison.Ordinal);
        Assert.Contains("FACS bytes (not decoded: no ACPI table header, ACPI 6.5 §5.2.10) (at 0x0, 32 bytes):", r.Out, StringComparison.Ordinal);
        var json = CliRunner.RunOnFile(dump.Replace(First, "  0000: 46 41 43 53 20 00 00 00", StringComparison.Ordinal), ".log", "decode", "--table", "FACS", "-f", "json");
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal("FACS", doc.RootElement.GetProperty("signature").GetString());
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal(("FACS", "Length", 4L, ">= 64", "32"), (error.GetProperty("structure").GetString(), error.GetProperty("field").GetString(),
            error.GetProperty("offset").GetInt64(), error.GetProperty("expected").GetString(), error.GetProperty("found").GetString()));
    }

    [Fact]
    public void A_bert_from_an_acpidump_is_not_nested_in_itself()
    {
        var r = CliRunner.Run("decode", "--table", "BERT", Dump("bert"));
        Assert.Equal(0, r.ExitCode);
        int first = r.Out.IndexOf("BERT table", StringComparison.Ordinal);
        Assert.True(first >= 0, r.Out);
        Assert.Equal(-1, r.Out.IndexOf("BERT table", first + 1, StringComparison.Ordinal));
        using var doc = CliRunner.Run("decode", "--table", "BERT", "-f", "json", Dump("bert")).AssertSucceededWithJson();
        Assert.Equal(JsonValueKind.Object, doc.RootElement.GetProperty("table").ValueKind);
    }
}
