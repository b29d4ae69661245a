using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>Small records built with the encoder, for hostile-input tests that patch single fields.</summary>
internal static class CperTestRecords
{
    /// <summary>A corrected memory error record: one 80-byte memory section at offset 200, 280 bytes in all.</summary>
    public static byte[] MemoryRecord(ushort revision = 0x0210)
    {
        var memory = new MemoryErrorSection
        {
            ValidationBits = 0x4006, // physical address, mask, memory error type
            PhysicalAddress = 0x0000_0001_2345_6000,
            PhysicalAddressMask = 0xFFFF_FFFF_FFFF_F000,
            MemoryErrorType = 2,
        };
        var record = new CperRecord
        {
            Revision = revision,
            Severity = 2,
            ValidationBits = 0x2,
            Timestamp = CperTimestamp.FromDateTime(new DateTime(2026, 11, 24, 12, 34, 56, DateTimeKind.Utc)),
            NotificationType = CperGuids.NotifyCmc,
            RecordId = 42,
        };
        record.Sections.Add(new CperSection { Severity = 2, Flags = 1, Body = memory });
        return record.Encode();
    }

    public static string Hex(byte[] bytes) => Convert.ToHexString(bytes);

    /// <summary>The body of section <paramref name="index"/> of a fixture's record, decoded strictly, as the model it must be.</summary>
    public static T FixtureSection<T>(string fixture, int index = 0) where T : CperSectionBody
        => Assert.IsType<T>(CperRecord.Decode(Fixtures.Binary(fixture), out _).Sections[index].Body);

    /// <summary>
    /// Each record of <paramref name="bytes"/> read back to back by the lenient decoder (its content errors set aside),
    /// with where it starts and how many bytes it took.
    /// </summary>
    public static IEnumerable<(int Offset, int Length, CperRecord Record)> DecodeEach(byte[] bytes)
    {
        int offset = 0;
        while (offset < bytes.Length)
        {
            var record = CperRecord.Decode(bytes.AsSpan(offset), out int consumed, new List<ApeiContentException>(), offset);
            yield return (offset, consumed, record);
            offset += consumed;
        }
    }

    /// <summary>The describer's text for <paramref name="record"/> and the number of content errors it reported.</summary>
    public static (int Errors, string Text) Describe(byte[] record)
    {
        var sw = new StringWriter();
        int errors = CperRecordDescriber.Describe(record, 0, new TextRenderer(sw), "record", out _);
        return (errors, sw.ToString());
    }

    /// <summary>
    /// The lenient decoder reports the one content error, keeps the first section as <paramref name="body"/> (raw bytes
    /// when null), and encodes the record back to <paramref name="record"/> byte for byte.
    /// </summary>
    public static void AssertModelKeepsTheBytes(byte[] record, Type? body = null)
    {
        var errors = new List<ApeiContentException>();
        var model = CperRecord.Decode(record, out _, errors);
        Assert.Single(errors);
        Assert.IsType(body ?? typeof(RawSectionBody), model.Sections[0].Body);
        Assert.Equal(record, model.Encode());
    }
}
