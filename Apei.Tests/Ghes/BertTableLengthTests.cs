using System.Buffers.Binary;
using ApeiKit.Ghes;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Ghes;

/// <summary>
/// A BERT whose Length is more than the 48 bytes ACPI 6.5 Table 18.2 defines: the bytes up to its Length are the
/// table's. They used to be shown nowhere (the table object covers 48 bytes, the region starts after Length) and the
/// checksum was summed over 48 of them; now they are shown as the table's trailing bytes and the checksum covers Length.
/// </summary>
public class BertTableLengthTests() : TempDirectoryTests("apeikit-bert-length-")
{
    // dummy.bert with Length 56: eight 0xAA bytes between the table and its region, the checksum right over 56 bytes.
    private static (byte[] Table, byte[] Region) Longer()
    {
        var table = GhesTestBlocks.BertTableBytes.Concat(Enumerable.Repeat((byte)0xAA, 8)).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(AcpiTableHeader.LengthOffset), 56);
        Checksum.Fix(table, AcpiTableHeader.ChecksumOffset);
        return (table, GhesTestBlocks.BertRegionBytes);
    }

    [Fact]
    public void The_bytes_after_48_within_length_are_shown_and_the_checksum_covers_them()
    {
        var (table, region) = Longer();
        Assert.False(Checksum.IsValid(table.AsSpan(0, 48))); // a sum over 48 bytes would call it wrong
        Assert.DoesNotContain(BertValidator.Validate(table, region), f => f.Kind == GhesFindingKind.ChecksumMismatch);
        string text = BertTable.Read(table).ToText(region); // the view's 48 bytes: no trailing bytes to show
        Assert.DoesNotContain("after the 48-byte BERT", text, StringComparison.Ordinal);

        string path = Write("bert.bin", [.. table, .. region]);
        var r = CliRunner.Run("decode", path);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Table bytes after the 48-byte BERT (within its Length) (at 0x30, 8 bytes):", r.Out, StringComparison.Ordinal);
        Assert.Contains("0000: aa aa aa aa aa aa aa aa", r.Out, StringComparison.Ordinal);
        Assert.Contains("Error status block 0 (at 0x38, 1100 bytes)", r.Out, StringComparison.Ordinal);
        var json = CliRunner.Run("decode", "-f", "json", path);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, doc.RootElement.ValueKind);
    }

    [Fact]
    public void A_wrong_checksum_over_the_length_is_still_reported()
    {
        var (table, region) = Longer();
        table[50] ^= 1;
        Assert.Contains(BertValidator.Validate(table, region), f => f.Kind == GhesFindingKind.ChecksumMismatch);
    }

    [Fact]
    public void A_length_past_the_bytes_present_is_an_error_at_the_length_field_and_no_checksum_is_checked()
    {
        // dummy.bert (1148 bytes) with Length 65536: it decoded with exit 0 and no finding, the checksum silently skipped.
        var file = Fixtures.Bytes("bert/dummy.bert");
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(AcpiTableHeader.LengthOffset), 65536);
        var f = Assert.Single(BertValidator.Validate(file, default));
        Assert.Equal((GhesFindingKind.LengthPastBytes, FindingSeverity.Error, "Length", (long)AcpiTableHeader.LengthOffset), (f.Kind, f.Severity, f.Field, f.Offset));
        var r = CliRunner.Run("decode", Write("long.bert", file));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"BERT, field Length, at offset 0x4 (4): Length is past the bytes present: expected at most the {file.Length} bytes present, found 65536", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("checksum mismatch", r.Out, StringComparison.Ordinal); // the bytes it covers are not all there
    }

    [Fact]
    public void Bytes_after_the_length_are_a_warning_and_shown_as_after_it()
    {
        // A 56-byte file with Length 48 given as --bert-table: the 8 bytes were labelled "within its Length", no warning.
        var table = GhesTestBlocks.BertTableBytes.Concat(Enumerable.Repeat((byte)0xAA, 8)).ToArray();
        var f = Assert.Single(BertValidator.Validate(table, default));
        Assert.Equal((GhesFindingKind.BytesAfterLength, FindingSeverity.Warning, (long)AcpiTableHeader.LengthOffset), (f.Kind, f.Severity, f.Offset));
        var r = CliRunner.Run("decode", "--bert-table", Write("bert.bin", table));
        Assert.Contains("Warning: BERT, Length: expected 56 (the bytes present; the 8 bytes after Length are ignored), found 48 (at 0x4, 4 bytes)", r.Out, StringComparison.Ordinal);
        Assert.Contains("Bytes after the table's Length (not the table's) (at 0x30, 8 bytes):", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("within its Length", r.Out, StringComparison.Ordinal);
    }
}
