using ApeiKit.Ghes;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Ghes;

/// <summary>
/// Input past the BERT's Boot Error Region Length (ACPI 6.5 Table 18.2) is not the region's, but it was given: the
/// describer used to say only "Bytes after the region: 16"; it now shows them (offset range and hex), as other trailing
/// bytes are shown.
/// </summary>
public class BertBytesAfterRegionTests() : TempDirectoryTests("apeikit-bert-after-")
{
    private static readonly byte[] s_after = [.. Enumerable.Range(0xB0, 16).Select(i => (byte)i)];

    [Fact]
    public void The_describer_shows_the_bytes_past_the_region_length()
    {
        var table = GhesTestBlocks.BertTableBytes;
        byte[] region = [.. GhesTestBlocks.BertRegionBytes, .. s_after];
        Assert.Equal((uint)GhesTestBlocks.BertRegionBytes.Length, BertTable.Read(table).RegionLength);
        var w = new StringWriter();
        BertDescriber.Describe(table, 0, region, table.Length, new TextRenderer(w), "BERT");
        string text = w.ToString();
        int at = table.Length + GhesTestBlocks.BertRegionBytes.Length;
        Assert.Contains($"Bytes after the region (past BootErrorRegionLength) (at 0x{at:X}, 16 bytes):", text, StringComparison.Ordinal);
        Assert.Contains("0000: b0 b1 b2 b3 b4 b5 b6 b7 b8 b9 ba bb bc bd be bf", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_of_a_bert_file_with_bytes_past_its_region_shows_them()
    {
        string path = Write("bert-after.bin", [.. GhesTestBlocks.BertTableBytes, .. GhesTestBlocks.BertRegionBytes, .. s_after]);
        var r = CliRunner.Run("decode", path);
        Assert.Equal(0, r.ExitCode);
        int at = GhesTestBlocks.BertTableBytes.Length + GhesTestBlocks.BertRegionBytes.Length;
        Assert.Contains($"(at 0x{at:X}, 16 bytes):", r.Out, StringComparison.Ordinal);
        Assert.Contains("0000: b0 b1 b2 b3 b4 b5 b6 b7 b8 b9 ba bb bc bd be bf", r.Out, StringComparison.Ordinal);
        var json = CliRunner.Run("decode", "-f", "json", path);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, doc.RootElement.ValueKind);
    }
}

/// <summary>
/// A BERT given with bytes past its Length (an acpidump's table can hold them): they are shown as bytes after the Length,
/// not as "Table bytes after the 48-byte BERT (within its Length)", which they are not.
/// </summary>
public class BertBytesAfterLengthTests
{
    [Fact]
    public void Bytes_past_length_are_not_called_within_it()
    {
        byte[] table = [.. GhesTestBlocks.BertTableBytes, 0xE0, 0xE1, 0xE2, 0xE3]; // Length still 48
        var w = new StringWriter();
        BertDescriber.Describe(table, 0, default, 0, new TextRenderer(w), "BERT");
        string text = w.ToString();
        Assert.DoesNotContain("within its Length", text, StringComparison.Ordinal);
        Assert.Contains("Bytes after the table's Length (not the table's) (at 0x30, 4 bytes):", text, StringComparison.Ordinal);
        Assert.Contains("0000: e0 e1 e2 e3", text, StringComparison.Ordinal);
    }
}
