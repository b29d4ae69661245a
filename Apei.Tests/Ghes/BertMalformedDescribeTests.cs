using System.Buffers.Binary;
using System.Text.Json;
using ApeiKit.Ghes;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Ghes;

/// <summary>
/// A BERT the describer cannot read, read back from <c>apeikit decode</c> as a user reads it. A Length below the 48
/// bytes ACPI 6.5 Table 18.2 defines made the view throw after the describer had opened its object, and the CLI's catch
/// opened a second one inside it: JSON <c>{ { "error"… } }</c>, text "BERT and boot error region" nested in itself, and
/// none of the file's bytes shown. A boot error region shorter than one 20-byte block header (ACPI 6.5 Table 18.11)
/// showed its bytes nowhere and reported nothing.
/// </summary>
public class BertMalformedDescribeTests() : TempDirectoryTests("apeikit-bert-malformed-")
{
    // fixtures/bert/dummy.bert: a 48-byte BERT (BootErrorRegionLength 1100) and its 1100-byte region.
    private static byte[] Dummy() => Fixtures.Bytes("bert/dummy.bert");

    [Fact]
    public void A_length_below_48_is_one_object_with_the_error_and_every_byte()
    {
        var file = Dummy();
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(AcpiTableHeader.LengthOffset), 20);
        string path = Write("len20.bert", file);

        var text = CliRunner.Run("decode", path);
        Assert.Equal(1, text.ExitCode);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text.Out, "BERT and boot error region"));
        Assert.Contains("ERROR: BERT, field Length, at offset 0x4 (4): expected >= 48, found 20", text.Out, StringComparison.Ordinal);
        Assert.Contains("BERT bytes (not decoded) (at 0x0, 48 bytes):", text.Out, StringComparison.Ordinal);
        Assert.Contains("Boot error region bytes (not decoded: the BERT cannot be read) (at 0x30, 1100 bytes):", text.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text.Error, StringComparison.Ordinal);

        var json = CliRunner.Run("decode", "-f", "json", path);
        Assert.Equal(1, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Out);
        var root = doc.RootElement;
        var error = root.GetProperty("error");
        Assert.Equal(("BERT", "Length", 4L, ">= 48", "20"), (error.GetProperty("structure").GetString(), error.GetProperty("field").GetString(),
            error.GetProperty("offset").GetInt64(), error.GetProperty("expected").GetString(), error.GetProperty("found").GetString()));
        // Every input byte is there, in order: the table's 48, then the region's 1100.
        Assert.Equal(file, Hex(root, "bytes").Concat(Hex(root, "bootErrorRegionBytes")).ToArray());
    }

    [Fact]
    public void A_length_below_48_is_a_finding_of_the_validator_not_a_throw()
    {
        var file = Dummy();
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(AcpiTableHeader.LengthOffset), 20);
        var f = Assert.Single(BertValidator.Validate(file.AsSpan(0, BertTable.Size), file.AsSpan(BertTable.Size)));
        Assert.Equal((GhesFindingKind.HeaderInvalid, FindingSeverity.Error, "BERT", "Length", 4L, ">= 48", "20"),
            (f.Kind, f.Severity, f.Structure, f.Field, f.Offset, f.Expected, f.Found));
    }

    [Fact]
    public void A_bert_from_an_acpidump_with_a_length_below_48_is_one_object()
    {
        string dump = File.ReadAllText(Fixtures.Path("acpidump/bert-acpidump-0001.log"));
        const string First = "  0000: 42 45 52 54 30 00 00 00";
        Assert.Contains(First, dump, StringComparison.Ordinal);
        string path = PathOf("bert.log");
        File.WriteAllText(path, dump.Replace(First, "  0000: 42 45 52 54 14 00 00 00", StringComparison.Ordinal));

        var text = CliRunner.Run("decode", "--table", "BERT", path);
        Assert.Contains("ERROR: BERT, field Length, at offset 0x4 (4): expected >= 48, found 20", text.Out, StringComparison.Ordinal);
        Assert.Contains("BERT bytes (not decoded) (at 0x0, 48 bytes):", text.Out, StringComparison.Ordinal);
        var json = CliRunner.Run("decode", "--table", "BERT", "-f", "json", path);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal("Length", doc.RootElement.GetProperty("error").GetProperty("field").GetString());
        Assert.Equal(48, Hex(doc.RootElement, "bytes").Length);
    }

    [Fact]
    public void A_region_shorter_than_a_block_header_is_reported_and_shown()
    {
        // dummy.bert's table with BootErrorRegionLength 10 (checksum kept right) and the region's first 10 bytes (0x30-0x39).
        var file = Dummy()[..(BertTable.Size + 10)];
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(BertTable.RegionLengthOffset), 10);
        Checksum.Fix(file.AsSpan(0, BertTable.Size), AcpiTableHeader.ChecksumOffset);
        var f = Assert.Single(BertValidator.Validate(file.AsSpan(0, BertTable.Size), file.AsSpan(BertTable.Size), 0, BertTable.Size));
        Assert.Equal((GhesFindingKind.HeaderTruncated, FindingSeverity.Error, 0x30L, "10 bytes"), (f.Kind, f.Severity, f.Offset, f.Found));
        string path = Write("reg10.bert", file);

        var text = CliRunner.Run("decode", path);
        Assert.Equal(1, text.ExitCode);
        Assert.Contains("Boot error region bytes (too short for a block header) (at 0x30, 10 bytes):", text.Out, StringComparison.Ordinal);
        Assert.Contains("ERROR: Generic Error Status Block, at offset 0x30 (48): truncated: expected at least 20 bytes (a block header; the region is shorter), found 10 bytes",
            text.Out, StringComparison.Ordinal);

        using var doc = JsonDocument.Parse(CliRunner.Run("decode", "-f", "json", path).Out);
        Assert.Equal(file[BertTable.Size..], Hex(doc.RootElement, "regionBytes"));
        Assert.Equal(0, doc.RootElement.GetProperty("bootErrorRegion").GetArrayLength());
        var error = Assert.Single(doc.RootElement.GetProperty("errors").EnumerateArray().ToArray());
        Assert.Equal((48L, "10 bytes"), (error.GetProperty("offset").GetInt64(), error.GetProperty("found").GetString()));
    }

    [Fact]
    public void A_table_cut_short_shows_its_bytes_and_the_region_in_one_object()
    {
        // 30 of the table's 48 bytes and the 1100 region bytes: the error was reported and no byte shown.
        var file = Dummy();
        var w = new System.Buffers.ArrayBufferWriter<byte>();
        using (var j = new Utf8JsonWriter(w))
            Assert.Single(BertDescriber.Describe(file.AsSpan(0, 30), 0, file.AsSpan(BertTable.Size), BertTable.Size, new JsonRenderer(j), "BERT"));
        using var doc = JsonDocument.Parse(w.WrittenMemory);
        Assert.Equal(("BERT", "48 bytes", "30 bytes"), (doc.RootElement.GetProperty("error").GetProperty("structure").GetString(),
            doc.RootElement.GetProperty("error").GetProperty("expected").GetString(), doc.RootElement.GetProperty("error").GetProperty("found").GetString()));
        Assert.Equal(file[..30], Hex(doc.RootElement, "bytes"));
        Assert.Equal(file[BertTable.Size..], Hex(doc.RootElement, "bootErrorRegionBytes"));
    }

    private static byte[] Hex(JsonElement e, string name) => Convert.FromHexString(e.GetProperty(name).GetString()!.Replace(" ", "", StringComparison.Ordinal));
}
