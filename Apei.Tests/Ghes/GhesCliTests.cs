using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Ghes;

/// <summary><c>apeikit decode</c> on BERT inputs and error status blocks, and <c>apeikit convert</c>.</summary>
public sealed class GhesCliTests() : TempDirectoryTests("apeikit-ghes-")
{
    // The base's Write, making the folders in name first (tables/BERT, tables/data/BERT).
    private new string Write(string name, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(PathOf(name))!);
        return base.Write(name, bytes);
    }

    [Fact]
    public void Decodes_a_bert_table_followed_by_its_region()
    {
        var r = CliRunner.Run("decode", Fixtures.Path("bert/dummy.bert"));
        Assert.Equal(0, r.ExitCode); // the entry count mismatch is a warning, not an error
        // The one thing on standard error: the 1100-byte record is one Linux's BERT code does not print (ACPI_BERT_PRINT_MAX_LEN).
        Assert.Equal("apeikit: " + Fixtures.Path("bert/dummy.bert") + ": warning: BERT record 1: 1100-byte record: Linux does not print BERT records of 1024 bytes or more (ACPI_BERT_PRINT_MAX_LEN; \"Skipped N error records\")\n", r.Error.Replace("\r", "", StringComparison.Ordinal));
        Assert.Contains("Boot error region length: 1100 bytes", r.Out, StringComparison.Ordinal);
        Assert.Contains("Entry 1: Firmware Error Record Reference (at 0x3EC, 144 bytes)", r.Out, StringComparison.Ordinal);
        Assert.Contains("Warning: block status says 0 entries, the data holds 2", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Decodes_the_linux_sysfs_pair_given_as_options_or_as_a_directory()
    {
        var table = Write("tables/BERT", GhesTestBlocks.BertTableBytes);
        var region = Write("tables/data/BERT", GhesTestBlocks.BertRegionBytes);
        var pair = CliRunner.Run("decode", "--bert-table", table, "--bert-region", region);
        Assert.Equal(0, pair.ExitCode);
        // Region offsets are those of data/BERT itself.
        Assert.Contains("Error status block 0 (at 0x0, 1100 bytes)", pair.Out, StringComparison.Ordinal);
        Assert.Contains("Entry 0: Firmware Error Record Reference (at 0x14, 936 bytes)", pair.Out, StringComparison.Ordinal);

        var dir = CliRunner.Run("decode", PathOf("tables"));
        Assert.Equal(0, dir.ExitCode);
        Assert.Equal(pair.Out, dir.Out);

        var json = CliRunner.Run("decode", "-f", "json", PathOf("tables"));
        using var doc = JsonDocument.Parse(json.Out);
        var block = doc.RootElement.GetProperty("bootErrorRegion")[0];
        Assert.Equal(1080, block.GetProperty("header").GetProperty("dataLength").GetInt32());
        Assert.Equal(2, block.GetProperty("entries").GetArrayLength());
        Assert.Equal("EntryCountMismatch", block.GetProperty("warnings")[0].GetProperty("kind").GetString());
    }

    [Fact]
    public void A_bert_table_alone_says_where_the_region_is()
    {
        var table = Write("BERT", GhesTestBlocks.BertTableBytes);
        var r = CliRunner.Run("decode", table);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Boot error region: not in this file", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Acpidump_text_with_a_bert_shows_the_table_and_says_the_region_is_not_in_the_dump()
    {
        var r = CliRunner.Run("decode", Fixtures.Path("acpidump/bert-acpidump-0001.log"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("OEM table ID: \"WHEAPTL \"", r.Out, StringComparison.Ordinal);
        Assert.Contains("Boot error region: not in the dump: 1024 bytes at physical address 0xAFE96000", r.Out, StringComparison.Ordinal);
        var tables = BertAcpiDump.FindTables(File.ReadAllText(Fixtures.Path("acpidump/bert-acpidump-0001.log")));
        Assert.Equal(1024u, BertTable.Read(Assert.Single(tables).Bytes).RegionLength);
    }

    [Fact]
    public void Acpidump_text_with_a_bad_bert_header_still_says_the_region_is_not_in_the_dump()
    {
        // The same dump with the BERT's Length 0x20, below the 48 bytes a BERT has (ACPI 6.5 Table 18.2): the header is
        // reported and the bytes shown undecoded; the region note the good header gets is given too, not left out.
        string text = File.ReadAllText(Fixtures.Path("acpidump/bert-acpidump-0001.log"))
            .Replace("  0000: 42 45 52 54 30 00 00 00", "  0000: 42 45 52 54 20 00 00 00", StringComparison.Ordinal);
        using var temp = TempFile.Of(text, ".log");
        var r = CliRunner.Run("decode", temp.Path);
        Assert.Contains("BERT bytes (not decoded)", r.Out, StringComparison.Ordinal);
        Assert.Contains("Boot error region: not in the dump", r.Out, StringComparison.Ordinal);
        var json = CliRunner.Run("decode", temp.Path, "-f", "json");
        Assert.Contains("\"bootErrorRegion\": \"not in the dump\"", json.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bare_error_status_block_is_recognised_or_forced_with_input_gesb()
    {
        var path = Write("block.bin", GhesTestBlocks.TwoEntryBytes());
        var auto = CliRunner.Run("decode", path);
        Assert.Equal(0, auto.ExitCode);
        Assert.Contains("Generic Error Status Block #1 (at 0x0, 248 bytes)", auto.Out, StringComparison.Ordinal);
        Assert.Contains("Entry 0: Platform Memory", auto.Out, StringComparison.Ordinal);
        Assert.Contains("FRU text: \"DIMM A1\"", auto.Out, StringComparison.Ordinal);

        // Entry count says 0 and the data length is odd: auto-detection declines, --input gesb insists.
        var odd = Write("odd.bin", GhesTestBlocks.With(GhesTestBlocks.TwoEntryBytes(), 12, 100));
        Assert.DoesNotContain("Generic Error Status Block", CliRunner.Run("decode", odd).Out, StringComparison.Ordinal);
        var forced = CliRunner.Run("decode", "--input", "gesb", odd);
        Assert.Equal(1, forced.ExitCode);
        Assert.Contains("entry longer than what remains of the data", forced.Out, StringComparison.Ordinal);
        Assert.Contains("ErrorDataLength", forced.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_turns_a_bert_region_into_cper_and_a_cper_record_into_a_block()
    {
        var cper = PathOf("bert.cper");
        var r = CliRunner.Run("convert", "--to", "cper", Fixtures.Path("bert/dummy.bert"), "-o", cper);
        Assert.Equal(0, r.ExitCode);
        var record = CperRecord.Decode(File.ReadAllBytes(cper), out _);
        Assert.Equal(CperGuids.NotifyBoot, record.NotificationType);
        Assert.Equal(2, record.Sections.Count);

        var gesb = PathOf("back.gesb");
        Assert.Equal(0, CliRunner.Run("convert", "--to", "gesb", cper, "-o", gesb).ExitCode);
        var back = File.ReadAllBytes(gesb);
        Assert.Equal(GhesTestBlocks.BertRegionBytes[1..], back[1..]); // only the recomputed block status byte differs
        Assert.Equal(0x25, back[0]);

        var whea = PathOf("whea.gesb");
        Assert.Equal(0, CliRunner.Run("convert", "--to", "gesb", Fixtures.Path("cper/whea/TestErrorMultiple4.bin"), "-o", whea).ExitCode);
        Assert.Empty(GhesBlockValidator.Validate(File.ReadAllBytes(whea)).Findings);
        var decoded = CliRunner.Run("decode", whea);
        Assert.Equal(0, decoded.ExitCode);
    }

    [Fact]
    public void Convert_refuses_input_that_is_already_in_the_target_framing()
    {
        var r = CliRunner.Run("convert", "--to", "cper", Fixtures.Path("cper/whea/TestErrorMemory1.bin"), "-o", PathOf("x"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("already CPER", r.Error, StringComparison.Ordinal);
        var table = Write("BERT", GhesTestBlocks.BertTableBytes);
        var alone = CliRunner.Run("convert", "--to", "cper", table, "-o", PathOf("y"));
        Assert.Equal(2, alone.ExitCode);
        Assert.Contains("without its boot error region", alone.Error, StringComparison.Ordinal);
    }
}
