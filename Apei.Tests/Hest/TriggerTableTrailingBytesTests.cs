using System.Buffers.Binary;
using ApeiKit.Hest;

namespace ApeiKit.Tests.Hest;

/// <summary>
/// The EINJ trigger error action table describer (ACPI 6.5 §18.6.5, Table 18.33) read entries as far as Entry Count and
/// Table Size reach and said nothing of the bytes given after them: they are now shown (offset range and hex).
/// </summary>
public class TriggerTableTrailingBytesTests
{
    private static byte[] OneEntry()
        => EinjStructures.BuildTriggerTable([new InstructionEntry(0xFF, 3, 0, 0, new GenericAddress(1, 8, 0, 1, 0xB2), 0x9A, 0xFF)]);

    private static (string Text, int Errors) Describe(byte[] table)
    {
        var w = new StringWriter();
        var r = new TextRenderer(w);
        EinjStructures.DescribeTriggerTable(table, 0x1000, r);
        return (w.ToString(), r.ErrorsReported);
    }

    [Fact]
    public void Bytes_past_the_entry_count_are_shown()
    {
        byte[] table = [.. OneEntry(), 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7];
        var (text, errors) = Describe(table);
        Assert.Equal(0, errors); // Table Size still says 48: the bytes are past the table, shown, not an error
        Assert.Contains("Bytes after the entries (at 0x1030, 8 bytes):", text, StringComparison.Ordinal);
        Assert.Contains("0000: c0 c1 c2 c3 c4 c5 c6 c7", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cut_off_entry_is_shown_as_bytes_after_the_whole_ones()
    {
        var table = OneEntry();
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(12), 2); // two entries claimed, 1.5 present
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(8), 80); // Table Size agrees with the count
        table = [.. table, .. Enumerable.Repeat((byte)0xD5, 16)];
        var (text, errors) = Describe(table);
        Assert.Equal(1, errors); // entries past the end
        Assert.Contains("Bytes after the entries (at 0x1030, 16 bytes):", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_table_exactly_its_entries_shows_no_trailing_bytes()
        => Assert.DoesNotContain("Bytes after the entries", Describe(OneEntry()).Text, StringComparison.Ordinal);
}
