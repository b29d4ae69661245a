namespace ApeiKit.Tests.Apei;

public class AcpiDumpTextTests
{
    [Fact]
    public void Fwts_hest_dump_lists_every_table_with_its_bytes()
    {
        var text = File.ReadAllText(Fixtures.Path("acpidump/hest-acpidump-0001.log"));
        Assert.True(AcpiDumpText.LooksLikeAcpiDump(System.Text.Encoding.ASCII.GetBytes(text)));
        var tables = AcpiDumpText.Parse(text);
        Assert.Equal(new[] { "FACS", "FACP", "HEST" }, tables.Select(t => t.Signature).ToArray());
        var hest = tables[2];
        // The HEST's own Length field (offset 4) equals the bytes the dump holds.
        Assert.Equal((uint)hest.Bytes.Length, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(hest.Bytes.AsSpan(4)));
        Assert.True(Checksum.IsValid(hest.Bytes));
        Assert.Equal(26, hest.Line);
    }

    [Theory]
    [InlineData("offset gap", "HEST @ 0x0\n  0000: 48 45 53 54\n  0020: 00 00\n", "line 3")]
    [InlineData("not hex", "HEST @ 0x0\n  0000: zz 45 53 54\n", "line 2")]
    [InlineData("bytes before any heading", "  0000: 48 45 53 54\n", "line 1")]
    public void Malformed_dump_text_names_the_line(string why, string text, string field)
    {
        var e = Assert.Throws<ApeiContentException>(() => AcpiDumpText.Parse(text));
        Assert.True(e.Field == field, why + ": " + e.Message);
    }

    [Fact]
    public void Binary_is_not_mistaken_for_dump_text()
    {
        Assert.False(AcpiDumpText.LooksLikeAcpiDump(Fixtures.Bytes("cper/whea/TestErrorMemory1.bin")));
        Assert.False(AcpiDumpText.LooksLikeAcpiDump("48 45 53 54"u8));
    }
}
