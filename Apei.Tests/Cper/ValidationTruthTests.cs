using System.Buffers.Binary;
using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// One validation truth (issue #12 item 5): the strict decoder, the lenient decoder and the describer run the same header
/// and descriptor checks (<c>CperRecordChecks</c>), so for the same bytes they report the same errors.
/// </summary>
public class ValidationTruthTests
{
    public static TheoryData<string, int, uint, string> Broken() => new()
    {
        // what is broken, offset patched, 32-bit value written there, the field the error must name
        { "record severity 7 (N.2.1: 0-3)", 12, 7, "ErrorSeverity" },
        { "SignatureEnd 0 (N.2.1: 0xFFFFFFFF)", 6, 0, "SignatureEnd" },
        { "section severity 9 (N.2.2: 0-3)", 128 + 48, 9, "SectionSeverity" },
    };

    private static byte[] Patched(int offset, uint value)
    {
        var bytes = CperTestRecords.MemoryRecord();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), value);
        return bytes;
    }

    private static List<ApeiContentException> Described(byte[] bytes)
    {
        var collector = new ErrorCollector(new TextRenderer(TextWriter.Null));
        CperRecordDescriber.Describe(bytes, 0, collector, "CPER record", out _);
        return collector.Errors;
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public void Strict_decode_refuses_what_the_describer_reports(string what, int offset, uint value, string field)
    {
        var bytes = Patched(offset, value);
        var described = Assert.Single(Described(bytes));
        Assert.Equal(field, described.Field);
        var thrown = Assert.Throws<ApeiContentException>(() => CperRecord.Decode(bytes, out _));
        Assert.True(thrown.Field == field, what);
        Assert.Equal(described.Offset, thrown.Offset);
        Assert.Equal(described.Message, thrown.Message);
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public void Lenient_decode_collects_the_same_errors_as_the_describer(string what, int offset, uint value, string field)
    {
        var bytes = Patched(offset, value);
        var errors = new List<ApeiContentException>();
        CperRecord.Decode(bytes, out _, errors);
        Assert.True(errors.Select(e => (e.Field, e.Offset, e.Message)).SequenceEqual(Described(bytes).Select(e => (e.Field, e.Offset, e.Message))), $"{what}: {field}");
    }

    [Fact]
    public void Several_header_errors_are_reported_in_the_same_order_by_both()
    {
        var bytes = Patched(12, 7);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(6), 0);
        var errors = new List<ApeiContentException>();
        CperRecord.Decode(bytes, out _, errors);
        Assert.Equal(["SignatureEnd", "ErrorSeverity"], errors.Select(e => e.Field));
        Assert.Equal(errors.Select(e => e.Message), Described(bytes).Select(e => e.Message));
        Assert.Equal("SignatureEnd", Assert.Throws<ApeiContentException>(() => CperRecord.Decode(bytes, out _)).Field);
    }

    [Fact]
    public void Section_count_beyond_the_bytes_is_the_same_error_for_both()
    {
        var bytes = CperTestRecords.MemoryRecord();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(10), 9); // nine descriptors declared, room for fewer in 280 bytes
        var thrown = Assert.Throws<ApeiContentException>(() => CperRecord.Decode(bytes, out _));
        Assert.Equal("SectionCount", thrown.Field);
        Assert.Contains(Described(bytes), e => e.Field == "SectionCount" && e.Message == thrown.Message);
    }

    [Fact]
    public void A_valid_record_has_no_error_in_either()
    {
        var bytes = CperTestRecords.MemoryRecord();
        Assert.Empty(Described(bytes));
        var errors = new List<ApeiContentException>();
        CperRecord.Decode(bytes, out _, errors);
        Assert.Empty(errors);
    }
}
