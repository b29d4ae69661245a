using System.Buffers.Binary;
using System.Text;
using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

public class CperRecordTests
{
    [Theory]
    [MemberData(nameof(Fixtures.CperRecordCases), MemberType = typeof(Fixtures))]
    public void Every_fixture_decodes_then_encodes_to_the_same_bytes(string fixture)
    {
        var bytes = Fixtures.Binary(fixture);
        // Also a record cut short (libcper's nvidia_event_all_types says 568 bytes and holds 440):
        // the bytes that were there come back unchanged, RecordLength included.
        foreach (var (offset, consumed, record) in CperTestRecords.DecodeEach(bytes))
            Assert.Equal(bytes.AsSpan(offset, consumed).ToArray(), record.Encode());
    }

    [Theory]
    [MemberData(nameof(Fixtures.CperRecordCases), MemberType = typeof(Fixtures))]
    public void Every_fixture_walks_and_validates_or_reports_why(string fixture)
    {
        var bytes = Fixtures.Binary(fixture);
        var record = CperRecordView.ReadPrefix(bytes, out int consumed);
        Assert.Equal(bytes.Length, consumed);
        if (record.IsTruncated)
        {
            Assert.Equal("cper/libcper/nvidia_event_all_types.cperhex", fixture);
            return;
        }
        record.Validate();
        Assert.Equal(record.Header.SectionCount, record.DescriptorCount);
    }

    [Fact]
    public void Whea_memory_capture_fields_match_the_bytes()
    {
        // fixtures/cper/whea/TestErrorMemory1.bin, read by hand: revision 0x0210 at 4, count 1 at 10,
        // severity 2 at 12, validation 0x2 at 16, length 0x115 at 20, timestamp 0f 22 0a 00 03 09 19 14 at 24
        // (binary: 2025-09-03 10:34:15), creator cf07c4bd-… (WHEA), notification 3e62a467-… (Windows generic).
        var bytes = Fixtures.Binary("cper/whea/TestErrorMemory1.bin");
        var record = CperRecordView.Read(bytes, out int consumed);
        var h = record.Header;
        Assert.Equal(277, consumed);
        Assert.Equal(0x0210, h.Revision);
        Assert.Equal(0xFFFFFFFFu, h.SignatureEnd);
        Assert.Equal(1, h.SectionCount);
        Assert.Equal(2u, h.Severity);
        Assert.Equal(2u, h.ValidationBits);
        Assert.Equal(277u, h.RecordLength);
        Assert.True(h.IsWheaCreator);
        Assert.Equal(CperGuids.CreatorWhea, h.CreatorId);
        Assert.Equal(new Guid("3e62a467-ab40-409a-a698-f362d464b38f"), h.NotificationType);
        Assert.True(h.Timestamp.TryDecode(preferBinary: true, out var when, out var encoding));
        Assert.Equal(TimestampEncoding.Binary, encoding);
        Assert.Equal(new DateTime(2025, 9, 3, 10, 34, 15), when);

        var d = record.GetDescriptor(0);
        Assert.Equal(0xC8u, d.SectionOffset);
        Assert.Equal(77u, d.SectionLength);
        Assert.Equal(0x0300, d.Revision);
        Assert.Equal(CperGuids.PlatformMemory, d.SectionType);
        Assert.Equal(2u, d.Severity);
        Assert.Equal(1u, d.Flags);
        Assert.Equal("Slot 0=", d.FruText);

        var memory = MemoryErrorSection.Decode(record.GetSectionBody(0));
        Assert.True(memory.IsLegacyLayout);
        Assert.Equal(0x4019ul, memory.ValidationBits);
        Assert.Equal(0x400ul, memory.ErrorStatus); // error type 4 = ERR_MEM in bits 8-15
        Assert.Equal(2, memory.MemoryErrorType);   // single-bit ECC
        Assert.Equal(77, memory.GetEncodedLength()); // 73-byte layout + 4 bytes of padding kept
    }

    [Fact]
    public void Built_record_has_computed_lengths_and_offsets()
    {
        var bytes = CperTestRecords.MemoryRecord();
        Assert.Equal(128 + 72 + 80, bytes.Length);
        Assert.Equal("CPER", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal((uint)bytes.Length, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(20)));
        Assert.Equal(200u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(128)));
        Assert.Equal(80u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(132)));
        // Timestamp 2026-11-24 12:34:56 in BCD: 56 34 12 00 24 11 26 20.
        Assert.Equal("5634120024112620", Convert.ToHexString(bytes, 24, 8));
        Assert.Equal(0x0000_0001_2345_6000ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(200 + 16)));
    }

    [Theory]
    [InlineData((ushort)0)]
    [InlineData((ushort)0x0100)]
    [InlineData((ushort)0x0101)]
    [InlineData((ushort)0x0210)]
    public void Every_revision_seen_in_the_wild_decodes(ushort revision)
    {
        var bytes = CperTestRecords.MemoryRecord(revision);
        var record = CperRecord.Decode(bytes, out _);
        Assert.Equal(revision, record.Revision);
        Assert.Equal(bytes, record.Encode());
    }

    private static int DescribeErrors(byte[] bytes, out string text)
    {
        (int errors, text) = CperTestRecords.Describe(bytes);
        return errors;
    }

    [Fact]
    public void Truncated_header_is_not_enough_bytes_for_TryRead_and_an_error_for_Read()
    {
        var bytes = CperTestRecords.MemoryRecord().AsSpan(0, 100).ToArray();
        Assert.False(CperRecordView.TryRead(bytes, out _, out int consumed));
        Assert.Equal(0, consumed);
        var e = Assert.Throws<ApeiContentException>(() => CperRecordView.Read(bytes, out _));
        Assert.Equal("CPER record", e.Structure);
        Assert.Throws<ApeiContentException>(() => CperRecordDescriber.Describe(bytes, 0, new TextRenderer(TextWriter.Null), "r", out _));
    }

    [Fact]
    public void Section_count_larger_than_the_descriptors_that_fit_is_reported_not_trusted()
    {
        var bytes = CperTestRecords.MemoryRecord();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(10), 9); // 9 descriptors cannot fit in 280 bytes
        var e = Assert.Throws<ApeiContentException>(() => CperRecordView.Read(bytes, out _));
        Assert.Equal("SectionCount", e.Field);
        Assert.Equal(10, e.Offset);
        // Room for two descriptors: the count is reported; the first section now starts inside the descriptor
        // table and the second "descriptor" (really the memory section's bytes) points outside the record.
        Assert.Equal(3, DescribeErrors(bytes, out var text));
        Assert.Contains("field SectionCount, at offset 0xA (10)", text, StringComparison.Ordinal);
        Assert.Contains("descriptor #0, field SectionOffset, at offset 0x80 (128): expected >= 0x110", text, StringComparison.Ordinal);
        Assert.Contains("descriptor #1, field SectionOffset+SectionLength, at offset 0xC8 (200)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Section_offset_plus_length_overflowing_32_bits_is_rejected_without_wrapping()
    {
        var bytes = CperTestRecords.MemoryRecord();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(128), 0xFFFFFF00);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(132), 0x200); // 0xFFFFFF00 + 0x200 wraps to 0x100 in u32
        var e = Assert.Throws<ApeiContentException>(() => CperRecordView.Read(bytes, out _).GetSectionBody(0));
        Assert.Equal(128, e.Offset);
        Assert.Contains("0x100000100", e.Found, StringComparison.Ordinal);
        Assert.Equal(1, DescribeErrors(bytes, out _));
    }

    [Theory]
    [InlineData("Section length zero for a memory section is a truncated body, kept raw", 132, 0u, typeof(RawSectionBody),
        "Platform memory error section, at offset 0xC8 (200): truncated: expected 73 bytes, found 0 bytes")]
    [InlineData("Severity 7 is shown as a number and reported", 12, 7u, typeof(MemoryErrorSection), "Error severity: 7 (unknown)", "ErrorSeverity")]
    public void A_memory_record_with_one_bad_field_is_described_with_one_error_and_keeps_its_bytes(string why, int at, uint value, Type body, params string[] shown)
    {
        var bytes = CperTestRecords.MemoryRecord();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), value);
        Assert.Equal(1, DescribeErrors(bytes, out var text));
        foreach (var s in shown) Assert.True(text.Contains(s, StringComparison.Ordinal), $"{why}: '{s}' not in:\n{text}");
        CperTestRecords.AssertModelKeepsTheBytes(bytes, body);
    }

    [Fact]
    public void Memory_section_shorter_than_its_layout_names_the_section_and_offset()
    {
        var bytes = CperTestRecords.MemoryRecord();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(132), 50);
        var e = Assert.Throws<ApeiContentException>(() => MemoryErrorSection.Decode(CperRecordView.Read(bytes, out _).GetSectionBody(0), 200));
        ContentError.AssertSays(e, "Platform memory error section", 200, "73 bytes", "50 bytes");
    }

    [Fact]
    public void Fru_text_of_twenty_characters_without_terminator_is_read_whole()
    {
        var record = CperRecord.Decode(CperTestRecords.MemoryRecord(), out _);
        record.Sections[0].ValidationBits = 0x2;
        record.Sections[0].FruText = Encoding.ASCII.GetBytes("DIMM_A1_CHANNEL_0123");
        var bytes = record.Encode();
        var d = CperRecordView.Read(bytes, out _).GetDescriptor(0);
        Assert.Equal("DIMM_A1_CHANNEL_0123", d.FruText);
        Assert.Equal(0, DescribeErrors(bytes, out var text));
        Assert.Contains("FRU text: \"DIMM_A1_CHANNEL_0123\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_bcd_timestamp_decodes_as_no_date_and_keeps_its_bytes()
    {
        var bytes = CperTestRecords.MemoryRecord();
        bytes[24 + 5] = 0x1A; // month 0x1A is not BCD
        bytes[24 + 4] = 0x3F; // day 0x3F is not BCD either, and 63 is not a day in binary
        Assert.Equal(0, DescribeErrors(bytes, out var text));
        Assert.Contains("Timestamp: not a valid date", text, StringComparison.Ordinal);
        Assert.Equal(bytes, CperRecord.Decode(bytes, out _).Encode());
    }

    [Fact]
    public void Record_length_beyond_the_bytes_present_decodes_the_prefix_and_reports_it()
    {
        var bytes = Fixtures.Binary("cper/libcper/nvidia_event_all_types.cperhex");
        Assert.Equal(440, bytes.Length);
        Assert.False(CperRecordView.TryRead(bytes, out _, out _));
        var view = CperRecordView.ReadPrefix(bytes, out int consumed);
        Assert.True(view.IsTruncated);
        Assert.Equal(568u, view.DeclaredLength);
        Assert.Equal(440, consumed);
        Assert.True(DescribeErrors(bytes, out var text) >= 1);
        Assert.Contains("RecordLength", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_signature_is_a_content_error_naming_the_field()
    {
        var bytes = CperTestRecords.MemoryRecord();
        bytes[0] = (byte)'X';
        var e = Assert.Throws<ApeiContentException>(() => CperRecordView.TryRead(bytes, out _, out _));
        Assert.Equal("SignatureStart", e.Field);
        Assert.Equal(0, e.Offset);
    }

    [Fact]
    public void Unknown_section_type_round_trips_as_raw_bytes_with_no_name()
    {
        var record = CperRecord.Decode(Fixtures.Binary("cper/whea/TestErrorUnsupportedSection2.bin"), out _);
        var raw = Assert.IsType<RawSectionBody>(record.Sections[0].Body);
        Assert.Equal(new Guid("93a41c2f-a09f-e7c2-ac1f-f2488f03eec3"), raw.SectionType);
        Assert.Null(CperSections.NameOf(raw.SectionType));
        Assert.Equal(Fixtures.Binary("cper/whea/TestErrorUnsupportedSection2.bin"), record.Encode());
    }
}
