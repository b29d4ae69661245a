using System.Text;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The CPER model's fixed-size byte fields: a section descriptor's FRU Text (UEFI 2.10 N.2.2 Table N-5: 20 bytes) and the
/// record header's Reserved (N.2.1: 12 bytes). The encoder used to write the first 20 (12) bytes of a longer array and
/// drop the rest without a word; it now refuses it (structure, field, offset, expected, found), as the GHES entry's FRU
/// Text is refused, and a shorter one is NUL padded. JSON input refuses a longer fruText with its path.
/// </summary>
public class CperFixedFieldTests
{
    private const string MemoryType = "a5bc1114-6f64-4ede-b863-3e83ed7c83b1";

    private static CperRecord TwoSections()
    {
        var record = new CperRecord { Severity = 2 };
        record.Sections.Add(new CperSection { Severity = 2, Body = new RawSectionBody(Guid.Parse(MemoryType), new byte[80]) });
        record.Sections.Add(new CperSection { Severity = 2, Body = new RawSectionBody(Guid.Parse(MemoryType), new byte[80]) });
        return record;
    }

    [Fact]
    public void A_fru_text_longer_than_the_field_is_refused_not_cut()
    {
        var record = TwoSections();
        record.Sections[1].FruText = "DIMM A1, channel 3, slot 12"u8.ToArray();
        var e = Assert.Throws<ApeiContentException>(() => record.Encode());
        // Descriptor #1 is at 128 + 72; FRU Text at its offset 52.
        ContentError.AssertSays(e, "CPER section descriptor #1", "FruText", 128 + 72 + CperSectionDescriptor.FruTextOffset,
            "at most 20 bytes (the FRU Text field)", "27 bytes");
    }

    [Fact]
    public void Header_reserved_longer_than_its_12_bytes_is_refused_not_cut()
    {
        var record = TwoSections();
        record.Reserved = new byte[13];
        var e = Assert.Throws<ApeiContentException>(() => record.Encode());
        ContentError.AssertSays(e, "CPER record header", "Reserved", CperRecordHeader.ReservedOffset, "at most 12 bytes (the Reserved field)", "13 bytes");
    }

    [Fact]
    public void Shorter_and_exact_texts_are_written_whole_and_nul_padded()
    {
        var record = TwoSections();
        record.Sections[0].FruText = "CPU 3"u8.ToArray();
        record.Sections[1].FruText = "ABCDEFGHIJKLMNOPQRST"u8.ToArray();
        record.Reserved = [1, 2, 3];
        var back = CperRecord.Decode(record.Encode(), out _);
        Assert.Equal("CPU 3\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"u8.ToArray(), back.Sections[0].FruText);
        Assert.Equal("ABCDEFGHIJKLMNOPQRST"u8.ToArray(), back.Sections[1].FruText);
        Assert.Equal(new byte[] { 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, back.Reserved);
    }

    [Fact]
    public void Json_fru_text_longer_than_the_field_names_its_path()
    {
        string json = $$$"""{"sections": [{"descriptor": {"sectionType": "{{{MemoryType}}}", "fruText": "DIMM A1, channel 3, slot 12"}}]}""";
        var e = Assert.Throws<CperJsonException>(() => CperJsonReader.ReadRecords(Encoding.UTF8.GetBytes(json)));
        Assert.Equal("$.sections[0].descriptor.fruText", e.Path);
        Assert.Contains("expected up to 20 ASCII characters", e.Message, StringComparison.Ordinal);
    }
}
