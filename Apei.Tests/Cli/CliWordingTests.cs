using ApeiKit.Cli;

namespace ApeiKit.Tests.Cli;

/// <summary>
/// What the CLI says, read as a user reads it, on real captures (fixtures/cper/whea, see fixtures/README.md): a message
/// printed whole, the option a bad value was given to, every offset in hex and decimal alike, an address said once.
/// </summary>
public sealed class CliWordingTests() : TempDirectoryTests("apeikit-wording-")
{
    private static readonly byte[] Memory1 = Fixtures.Binary("cper/whea/TestErrorMemory1.bin");
    private static readonly byte[] Memory2 = Fixtures.Binary("cper/whea/TestErrorMemory2.bin");

    /// <summary>
    /// Encode's warning about a cut record quotes "data", "offset" and "length" far apart: the words between two quoted
    /// names are not a long quoted value, so the warning is printed whole (it was cut to "(… (120 bytes)" mid-sentence).
    /// </summary>
    [Fact]
    public void Encode_prints_the_warning_about_a_cut_record_whole()
    {
        string bin = Write("cut.bin", [.. Memory1, .. Memory1[..200]]), json = PathOf("cut.json"), back = PathOf("back.bin");
        var decoded = CliRunner.Run("decode", "-f", "json", bin);
        File.WriteAllText(json, decoded.Out);

        var encoded = CliRunner.Run("encode", json, "-o", back);

        Assert.Equal(0, encoded.ExitCode);
        Assert.Contains(encoded.ErrorLines, l => l.EndsWith(
            "$[1].data: a cut record: its 200 bytes in \"data\" are written as they are; its other members were read and checked, not written "
            + "(an edit to them changes nothing; remove \"data\", \"offset\" and \"length\" to encode the record from them)", StringComparison.Ordinal));
        Assert.DoesNotContain("…", encoded.Error, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexString(File.ReadAllBytes(bin)), Convert.ToHexString(File.ReadAllBytes(back)));
    }

    /// <summary>A long quoted value is still cut, with its length said; an apostrophe does not open a quote.</summary>
    [Fact]
    public void A_long_quoted_value_is_cut_and_words_between_quoted_names_are_not()
    {
        string value = new('x', 200);
        Assert.Equal($"bad name '{new string('x', CliText.MaxQuoted)}… (200 bytes)' here", CliText.CutQuoted($"bad name '{value}' here"));
        string between = $"\"a\" {new string('y', 100)} \"b\", libcper's 'c'";
        Assert.Equal(between, CliText.CutQuoted(between));
    }

    /// <summary>A bad --max-record-size value names --max-record-size and its real range (not --size, not 10000GB).</summary>
    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("10")]
    [InlineData("100MiB")]
    public void A_bad_max_record_size_names_its_option_and_its_range(string value)
    {
        using var temp = TempFile.Of(Memory1);
        var r = CliRunner.Run("decode", "--max-record-size", value, temp.Path);
        r.AssertFailedSaying($"apeikit: --max-record-size: '{value}' is ", exitCode: 2);
        Assert.Contains("from 128 bytes (one record header) to 64MiB", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("--size", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("10000GB", r.Error, StringComparison.Ordinal);
    }

    /// <summary>generate --size keeps its own option name and range.</summary>
    [Fact]
    public void A_bad_generate_size_names_size()
        => CliRunner.Run("generate", "--size", "abc", "-o", PathOf("g.bin"))
            .AssertFailedSaying("apeikit: --size: 'abc' is not a size: give a number with an optional unit", exitCode: 2);

    /// <summary>
    /// The line about a record cut short by the next one gives both offsets as the error lines above it do: hex, then
    /// decimal in parentheses (it gave them in decimal only).
    /// </summary>
    [Fact]
    public void A_record_cut_short_is_placed_in_hex_and_decimal_like_every_other_offset()
    {
        using var temp = TempFile.Of([.. Memory1, .. Memory1[..200], .. Memory2]);
        var r = CliRunner.Run("decode", "-f", "ndjson", temp.Path);
        int at = Memory1.Length, next = Memory1.Length + 200;
        r.AssertFailedSaying($": CPER record #2 at offset 0x{at:X} ({at}): cut short: the next record starts at offset 0x{next:X} ({next})", exitCode: 1);
        Assert.Contains(r.ErrorLines, l => l.Contains($"at offset 0x{at + 20:X} ({at + 20}): truncated", StringComparison.Ordinal));

        var libcper = CliRunner.Run("decode", "-f", "ndjson", "--json-style", "libcper", temp.Path);
        Assert.Contains($"CPER record #2 at offset 0x{at:X} ({at}), 200 bytes: cut short: the next record starts at offset 0x{next:X} ({next}); skipped.", libcper.Error, StringComparison.Ordinal);

        var convert = CliRunner.Run("convert", "--to", "gesb", temp.Path, "-o", PathOf("out.gesb"));
        Assert.Contains($"CPER record #2 at offset 0x{at:X} ({at}), 200 bytes: cut short", convert.Error, StringComparison.Ordinal);
    }

    /// <summary>A bad --severity is quoted as every other bad value is (it was in double quotes).</summary>
    [Fact]
    public void A_bad_severity_is_quoted_like_other_bad_values()
    {
        using var temp = TempFile.Of(Memory1);
        CliRunner.Run("decode", "--input", "section", "--section-type", "a5bc1114-6f64-4ede-b863-3e83ed7c83b1", "--severity", "9", temp.Path)
            .AssertFailedSaying("apeikit: --severity: '9' is not fatal, recoverable, corrected, informational or 0-3.", exitCode: 2);
    }

    /// <summary>A missing required option or argument is said in the CLI's words, not System.CommandLine's ("Option '--output' is required").</summary>
    [Fact]
    public void A_missing_option_or_argument_is_said_plainly()
    {
        using var temp = TempFile.Of(Memory1);
        var encode = CliRunner.Run("encode", temp.Path);
        encode.AssertFailedSaying("apeikit: encode: --output is required (run 'apeikit encode --help').", exitCode: 2);
        var convert = CliRunner.Run("convert", temp.Path);
        convert.AssertFailedSaying("apeikit: convert: --to is required (run 'apeikit convert --help').", exitCode: 2);
        var diff = CliRunner.Run("diff", temp.Path);
        diff.AssertFailedSaying("apeikit: diff: the argument <new> is missing (run 'apeikit diff --help').", exitCode: 2);
    }

    /// <summary>An ACPI table's length is said in bytes, as a record's and a boot error region's are (real HP ProLiant HEST).</summary>
    [Fact]
    public void A_table_length_is_said_in_bytes()
    {
        var r = CliRunner.Run("decode", Fixtures.Path("acpidump/hest-proliant.bin"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("    Table length: 188 bytes\n", r.Out, StringComparison.Ordinal);
    }

    /// <summary>stats counts in words that agree with the number: "1 file", "1 skipped range" (it said "1 file(s)", "1 skipped ranges").</summary>
    [Fact]
    public void Stats_counts_agree_with_their_numbers()
    {
        using var temp = TempFile.Of([.. Memory1, .. "JUNK"u8]);
        var r = CliRunner.Run("stats", temp.Path);
        Assert.Contains($"Records: 1 ({Memory1.Length} bytes) in 1 file\n", r.Out, StringComparison.Ordinal);
        Assert.Contains("Problems: 1 skipped range (4 bytes), 0 oversized, 0 truncated, 0 malformed\n", r.Out, StringComparison.Ordinal);
    }

    /// <summary>The demo's guest records say each block's guest physical address once (it was in the title and again after it).</summary>
    [Fact]
    public void The_demo_says_each_guest_blocks_address_once()
    {
        var r = CliRunner.Run("demo");
        Assert.Equal(0, r.ExitCode);
        var titles = r.Out.Split('\n').Where(l => l.StartsWith("Guest source ", StringComparison.Ordinal)).ToList();
        Assert.Equal(11, titles.Count);
        Assert.Contains("Guest source 0 (SEA), read at 1.000ms [consumed] (at 0x7FF10050, 172 bytes)", titles);
        Assert.All(titles, t => Assert.Single(System.Text.RegularExpressions.Regex.Matches(t, "0x7FF1")));
    }

    /// <summary>
    /// <c>decode --hest --region</c> on an empty error status block says it is empty once in text (it said
    /// "Record: empty (Block Status is 0)" and then "State: empty (block status is 0: no error recorded)"); the JSON keeps
    /// both members. Block Status 0 means no error recorded (ACPI 6.5 §18.3.2.7.1, Table 18.11).
    /// </summary>
    [Fact]
    public void An_empty_error_status_block_is_said_empty_once_and_its_length_in_bytes()
    {
        string hest = PathOf("HEST.bin"), region = PathOf("hardware_errors.bin");
        Assert.Equal(0, CliRunner.Run("hest", "build", "--preset", "qemu-virt-arm", "-o", hest, "--region", region, "--region-base", "0x7FF10000").ExitCode);

        var text = CliRunner.Run("decode", "--hest", hest, "--region", region);
        Assert.Equal(0, text.ExitCode);
        var lines = text.Out.Split('\n');
        Assert.Equal(2, lines.Count(l => l.Contains("empty", StringComparison.Ordinal)));
        Assert.Equal(2, lines.Count(l => l.Trim() == "State: empty (block status is 0: no error recorded)"));
        Assert.DoesNotContain("Record: ", text.Out, StringComparison.Ordinal);
        Assert.Equal(2, lines.Count(l => l.Trim() == "Error status block length: 1024 bytes"));

        var json = CliRunner.Run("decode", "-f", "json", "--hest", hest, "--region", region);
        Assert.Equal(0, json.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        foreach (var source in doc.RootElement.EnumerateArray())
        {
            Assert.Equal("empty (Block Status is 0)", source.GetProperty("record").GetString());
            Assert.Equal("empty (block status is 0: no error recorded)", source.GetProperty("errorStatusBlock").GetProperty("state").GetString());
            Assert.Equal(1024, source.GetProperty("errorStatusBlockLength").GetInt32());
        }
    }

    /// <summary>
    /// The 36-byte ACPI table header (ACPI 6.5 §5.2.6, Table 5.4) has one label in BERT, ERST and HEST alike: BERT said
    /// "ACPI table header" where the others say "Table header" (real tables: fwts' BERT and ERST, an HP ProLiant HEST).
    /// </summary>
    [Theory]
    [InlineData("acpidump/bert-acpidump-0001.log", "BERT (at 0x0, 48 bytes)")]
    [InlineData("acpidump/erst-acpidump-0001.log", "ERST")]
    [InlineData("acpidump/hest-proliant.bin", "HEST")]
    public void Every_table_header_has_one_label(string fixture, string table)
    {
        var r = CliRunner.Run("decode", Fixtures.Path(fixture));
        Assert.Equal(0, r.ExitCode);
        var lines = r.Out.Split('\n');
        int at = Array.FindIndex(lines, l => l.StartsWith(table, StringComparison.Ordinal));
        Assert.True(at >= 0, r.Out);
        Assert.Contains(lines.Skip(at + 1).Take(3), l => l.Trim() == "Table header (at 0x0, 36 bytes)");
        Assert.DoesNotContain("ACPI table header (", r.Out, StringComparison.Ordinal);
    }
}
