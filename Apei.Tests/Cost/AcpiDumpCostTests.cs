using System.Text;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Cost;

/// <summary>Issue #19 row: acpidump text is parsed over its bytes (memory a small factor of the input), and listings of its tables are capped.</summary>
public class AcpiDumpCostTests
{
    private static byte[] LongLine(int hexBytes)
    {
        var sb = new StringBuilder("HEST @ 0x000000007FFE0000\n  0000:");
        for (int i = 0; i < hexBytes; i++) sb.Append(" 00");
        return Encoding.ASCII.GetBytes(sb.Append('\n').ToString());
    }

    private static byte[] ManyTables(int n)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.Append("SSDT").Append(i).Append(" @ 0x0\n  0000: 53 53 44 54\n\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    [Fact]
    public void Bytes_and_string_parse_alike_on_the_fixture()
    {
        var bytes = File.ReadAllBytes(Fixtures.Path("acpidump/hest-acpidump-0001.log"));
        var a = AcpiDumpText.Parse(bytes);
        var b = AcpiDumpText.Parse(Encoding.ASCII.GetString(bytes));
        Assert.Equal(a.Select(t => (t.Name, t.Address, t.Line, Convert.ToHexString(t.Bytes))), b.Select(t => (t.Name, t.Address, t.Line, Convert.ToHexString(t.Bytes))));
    }

    [Fact]
    public void A_line_of_millions_of_hex_groups_allocates_about_nothing()
    {
        // Before: the text as a string, then a string per line and a trimmed copy (about 6 bytes per input byte: 100 MB here).
        var text = LongLine(5_000_000); // 15 MB
        AcpiDumpText.Parse(LongLine(10)); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        var tables = AcpiDumpText.Parse(text);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(16, Assert.Single(tables).Bytes.Length); // one hex line holds 16 bytes; the rest is ignored as its ASCII column
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes allocated for a {text.Length}-byte line");
    }

    [Fact]
    public void Parsing_many_tables_allocates_a_small_factor_of_the_input()
    {
        var text = ManyTables(50_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var tables = AcpiDumpText.Parse(text);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(50_000, tables.Count);
        Assert.True(allocated < 8L * text.Length, $"{allocated} bytes allocated for {text.Length} bytes of text");
    }

    [Fact]
    public void Hest_check_of_a_dump_without_hest_lists_20_names_and_counts_the_rest()
    {
        using var temp = TempFile.Of(ManyTables(10_000), ".txt");
        var r = CliRunner.Run("hest", "check", temp.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("SSDT19 ... and 9980 more (10000 tables)", r.Error, StringComparison.Ordinal);
        Assert.True(r.Error.Length < 1000, r.Error);
        r = CliRunner.Run("decode", "--table", "HEST", temp.Path);
        Assert.Contains("... and 9980 more", r.Error, StringComparison.Ordinal);
        Assert.True(r.Error.Length < 1000, r.Error);
    }
}
