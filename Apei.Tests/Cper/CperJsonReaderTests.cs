using System.Buffers.Binary;
using System.Text;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;

namespace ApeiKit.Tests.Cper;

/// <summary>Hand-written JSON in, bytes out: what is computed, and errors that name the JSON path.</summary>
public class CperJsonReaderTests
{
    private const string MemoryType = "a5bc1114-6f64-4ede-b863-3e83ed7c83b1";

    private static CperRecord Read(string json) => Assert.Single(CperJsonReader.ReadRecords(Encoding.UTF8.GetBytes(json)));

    private static CperJsonException Fails(string json) => Assert.Throws<CperJsonException>(() => CperJsonReader.ReadRecords(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void MinimalMemorySectionGetsLengthsOffsetsAndValidationBitsComputed()
    {
        var bytes = Read($$$"""{"sections": [{"descriptor": {"sectionType": "{{{MemoryType}}}"}, "body": {"physicalAddress": 4096}}]}""").Encode();

        // Header (UEFI N.2.1): 128 bytes, one 72-byte descriptor, one 80-byte body.
        Assert.Equal(128 + 72 + 80, bytes.Length);
        Assert.Equal("CPER"u8.ToArray(), bytes[..4]);
        Assert.Equal(0x0210, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(0xFFFFFFFFu, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(6)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(10)));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16)));   // header validation bits: nothing given
        Assert.Equal(280u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(20)));
        // Descriptor (N.2.2): offset 200, length 80, revision 0x0300, the type GUID.
        Assert.Equal(200u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(128)));
        Assert.Equal(80u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(132)));
        Assert.Equal(0x0300, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(136)));
        Assert.Equal(Guid.Parse(MemoryType), EfiGuid.Read(bytes.AsSpan(144)));
        // Body (N.2.5): validation bit 1 (physical address) set because physicalAddress was given; the address at 16.
        Assert.Equal(2ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(200)));
        Assert.Equal(4096ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(216)));
        Assert.True(bytes.AsSpan(200 + 24).IndexOfAnyExcept((byte)0) < 0);
        // The whole record, byte for byte.
        var expected = new byte[280];
        "CPER"u8.CopyTo(expected);
        BinaryPrimitives.WriteUInt16LittleEndian(expected.AsSpan(4), 0x0210);
        BinaryPrimitives.WriteUInt32LittleEndian(expected.AsSpan(6), 0xFFFFFFFF);
        BinaryPrimitives.WriteUInt16LittleEndian(expected.AsSpan(10), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(expected.AsSpan(20), 280);
        BinaryPrimitives.WriteUInt32LittleEndian(expected.AsSpan(128), 200);
        BinaryPrimitives.WriteUInt32LittleEndian(expected.AsSpan(132), 80);
        BinaryPrimitives.WriteUInt16LittleEndian(expected.AsSpan(136), 0x0300);
        Guid.Parse(MemoryType).TryWriteBytes(expected.AsSpan(144));
        expected[200] = 2;
        BinaryPrimitives.WriteUInt64LittleEndian(expected.AsSpan(216), 4096);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(bytes));
    }

    [Fact]
    public void ExplicitValidationBitsWinOverTheFieldsPresent()
    {
        var bytes = Read($$$"""{"sections": [{"descriptor": {"sectionType": "{{{MemoryType}}}"}, "body": {"validationBits": 0, "physicalAddress": 4096}}]}""").Encode();
        Assert.Equal(0ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(200)));
        Assert.Equal(4096ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(216)));
    }

    [Fact]
    public void NamesAndShortFormsAreAccepted()
    {
        var record = Read($$$"""
            {"header": {"severity": "corrected", "flags": ["simulated"], "timestamp": "2024-05-01T12:34:56Z"},
             "sections": [{"descriptor": {"sectionType": "{{{MemoryType}}}", "severity": {"name": "fatal"}, "fruText": "DIMM A1"},
                           "body": {"memoryErrorType": "multi-bit ECC", "errorStatus": {"errorType": 4}, "bank": {"bankGroup": 3, "bankAddress": 1} } } ] }
            """);
        Assert.Equal(2u, record.Severity);
        Assert.Equal(4u, record.Flags);
        Assert.Equal(2u, record.ValidationBits); // timestamp
        Assert.Equal(0x2024050100123456ul, record.Timestamp.Raw); // BCD, not precise
        var section = Assert.Single(record.Sections);
        Assert.Equal(1u, section.Severity);
        Assert.Equal(2, section.ValidationBits); // fruText
        var body = Assert.IsType<MemoryErrorSection>(section.Body);
        Assert.Equal(3, body.MemoryErrorType);
        Assert.Equal(4ul << 8, body.ErrorStatus);
        Assert.Equal(0x0301, body.Bank);
        // errorStatus (0), memoryErrorType (14), bankGroup (19), bankAddress (20); not the plain bank bit 6: UEFI 2.10
        // N.2.5 reads Bank as one number when bit 6 is set, as group and address when bits 19/20 are (Linux prints
        // "bank: 769" for bit 6 and "bank_group: 3 bank_address: 1" for 19/20).
        Assert.Equal((1ul << 0) | (1ul << 14) | (1ul << 19) | (1ul << 20), body.ValidationBits);
    }

    // Each bad input fails with the JSON path of the member at fault and says what is wrong there (the problem, after
    // "path: " in the message).
    [Theory]
    // A string where a number goes.
    [InlineData($$$"""{"sections": [{"descriptor": {"sectionType": "{{{MemoryType}}}"}}, {"descriptor": {"sectionType": "{{{MemoryType}}}"}, "body": {"physicalAddress": "near the top"}}]}""",
        "$.sections[1].body.physicalAddress", "expected an unsigned integer of 8 byte(s)")]
    // A value too large for its 2-byte field.
    [InlineData($$$"""{"sections": [{"descriptor": {"sectionType": "{{{MemoryType}}}"}, "body": {"node": 65536}}]}""", "$.sections[0].body.node", "2 byte(s)")]
    // An unknown member, with the name it may have meant.
    [InlineData($$$"""{"sections": [{"descriptor": {"sectionType": "{{{MemoryType}}}"}, "body": {"physicalAdress": 4096}}]}""", "$.sections[0].body.physicalAdress", "unknown member", "physicalAddress")]
    // An unknown member of the record.
    [InlineData("""{"header": {}, "sectons": []}""", "$.sectons")]
    // A GUID that is not one.
    [InlineData($$$"""{"sections": [{"descriptor": {"sectionType": "{{{MemoryType}}}", "fruId": "not-a-guid"}, "body": {}}]}""", "$.sections[0].descriptor.fruId", "expected a GUID")]
    // An enumeration name that does not exist, with the names that do.
    [InlineData("""{"header": {"severity": "catastrophic"}}""", "$.header.severity", "\"corrected\"")]
    // A section without its type.
    [InlineData("""{"sections": [{"descriptor": {}, "body": {}}]}""", "$.sections[0].descriptor.sectionType")]
    // Hex that is not hex.
    [InlineData($$$"""{"sections": [{"descriptor": {"sectionType": "{{{MemoryType}}}"}, "body": {"trailingBytes": "zz"}}]}""", "$.sections[0].body.trailingBytes")]
    // Malformed JSON: the path is the document.
    [InlineData("""{"sections": [""", "$", "not valid JSON")]
    public void Bad_input_names_the_path_and_the_problem(string json, string path, params string[] said)
    {
        var e = Fails(json);
        Assert.Equal(path, e.Path);
        Assert.Equal($"{path}: {e.Problem}", e.Message);
        foreach (var part in said) Assert.Contains(part, e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void RawSectionTakesItsDataAsHex()
    {
        var record = Read("""{"sections": [{"descriptor": {"sectionType": "01234567-89ab-cdef-0123-456789abcdef"}, "body": {"data": "deadbeef"}}]}""");
        var body = Assert.IsType<RawSectionBody>(Assert.Single(record.Sections).Body);
        Assert.Equal([0xde, 0xad, 0xbe, 0xef], body.Data);
        Assert.Equal(128 + 72 + 4, record.Encode().Length);
    }

    [Fact]
    public void HugeLengthsAreRefusedBeforeAllocating()
    {
        var e = Fails("""{"header": {"recordLength": 4000000000}}""");
        Assert.Equal("$.header.recordLength", e.Path);
        e = Fails($$$"""{"sections": [{"descriptor": {"sectionType": "{{{MemoryType}}}", "sectionLength": 2000000000}, "body": {}}]}""");
        Assert.Equal("$.sections[0].descriptor.sectionLength", e.Path);
    }
    [Fact]
    public void Bytes_after_a_section_layout_are_trailingBytes_in_json_input()
    {
        // One name for bytes after a structure's layout everywhere (issue #12 item 8): "trailingBytes".
        var bytes = Read($$$"""{"sections": [{"descriptor": {"sectionType": "{{{MemoryType}}}"}, "body": {"physicalAddress": 4096, "trailingBytes": "aabbccdd"}}]}""").Encode();
        Assert.Equal(128 + 72 + 84, bytes.Length);
        Assert.Equal("AABBCCDD", Convert.ToHexString(bytes, 280, 4));
    }

    [Theory]
    [InlineData("padding")]
    [InlineData("trailing")]
    public void The_old_names_for_trailing_bytes_are_refused_with_the_path(string old)
    {
        // Decision (docs/DESIGN.md, "Names in the JSON"): the old names are not read; the error names the member (an unknown member).
        var e = Fails($$$"""{"sections": [{"descriptor": {"sectionType": "{{{MemoryType}}}"}, "body": {"physicalAddress": 4096, "{{{old}}}": "aabbccdd"}}]}""");
        Assert.Equal("$.sections[0].body." + old, e.Path);
        Assert.Contains("unknown member", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Fixtures.CperRecordCases), MemberType = typeof(Fixtures))]
    public void Decode_json_names_bytes_after_a_layout_trailingBytes_only(string fixture)
    {
        var r = ApeiKit.Tests.Cli.CliRunner.Run("decode", "--format", "json", Fixtures.Path(fixture));
        Assert.DoesNotContain("\"trailing\":", r.Out, StringComparison.Ordinal);
        // "padding" only for padding a specification defines: ARM context structures (UEFI N.2.4.4) and NVIDIA event contexts (16-byte alignment).
        using var doc = System.Text.Json.JsonDocument.Parse(r.Out);
        foreach (var path in PathsOf(doc.RootElement, "$", "padding"))
            Assert.True(path.Contains("contextInfo", StringComparison.Ordinal) || path.Contains("contexts", StringComparison.Ordinal), $"{fixture}: {path}");
    }

    private static IEnumerable<string> PathsOf(System.Text.Json.JsonElement e, string path, string name)
    {
        if (e.ValueKind == System.Text.Json.JsonValueKind.Object)
            foreach (var p in e.EnumerateObject())
            {
                if (p.Name == name) yield return path + "." + name;
                foreach (var x in PathsOf(p.Value, path + "." + p.Name, name)) yield return x;
            }
        else if (e.ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            int i = 0;
            foreach (var item in e.EnumerateArray())
                foreach (var x in PathsOf(item, $"{path}[{i++}]", name)) yield return x;
        }
    }
}
