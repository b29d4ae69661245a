using System.Buffers.Binary;
using System.Text;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// Bytes inside a record (within RecordLength, UEFI 2.10 N.2.1) that the header, the descriptor table and the sections
/// (placed by Section Offset, N.2.2) leave uncovered: decode shows them (<c>trailingBytes</c> after the last section,
/// <c>gapBytes</c> before it) and encode of decode's JSON writes them back, so the round trip gives the same bytes.
/// The records are Microsoft's WHEA test record (fixtures/cper/whea) with RecordLength or Section Offset edited.
/// </summary>
public class RecordUncoveredBytesTests
{
    /// <summary>TestErrorMemory1.bin (277 bytes) with RecordLength 300 and 23 bytes of 0x11 after it: the reviewer's repro.</summary>
    internal static byte[] WithTail()
    {
        var original = Fixtures.Binary("cper/whea/TestErrorMemory1.bin");
        Assert.Equal((uint)original.Length, BinaryPrimitives.ReadUInt32LittleEndian(original.AsSpan(CperRecordHeader.RecordLengthOffset)));
        byte[] bytes = [.. original, .. Enumerable.Repeat((byte)0x11, 300 - original.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(CperRecordHeader.RecordLengthOffset), 300);
        return bytes;
    }

    /// <summary>TestErrorMemory1.bin with its one section moved 8 bytes on (8 bytes of 0x22 before it) and 5 bytes (00 00 33 00 00) after it.</summary>
    internal static byte[] WithGapAndTail()
    {
        var original = Fixtures.Binary("cper/whea/TestErrorMemory1.bin");
        int at = CperRecordView.DescriptorOffset(0) + CperSectionDescriptor.SectionOffsetOffset; // Section Offset (N.2.2)
        int offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(original.AsSpan(at));
        byte[] bytes = [.. original.AsSpan(0, offset), .. Enumerable.Repeat((byte)0x22, 8), .. original.AsSpan(offset), 0, 0, 0x33, 0, 0];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), (uint)offset + 8);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(CperRecordHeader.RecordLengthOffset), (uint)bytes.Length);
        return bytes;
    }

    private static byte[] RoundTrip(byte[] original, out string json)
    {
        using var temp = TempFile.Of(original);
        var decoded = CliRunner.Run("decode", "--format", "json", temp.Path);
        Assert.Equal(0, decoded.ExitCode);
        json = decoded.Out;
        return DecodedJson.WriteBack(CperJsonReader.ReadItems(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void BytesAfterTheLastSectionRoundTrip()
    {
        var original = WithTail();
        var encoded = RoundTrip(original, out string json);
        Assert.Contains("\"trailingBytes\": \"" + string.Concat(Enumerable.Repeat("11", 23)) + "\"", json, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexString(original), Convert.ToHexString(encoded));
    }

    [Fact]
    public void BytesBetweenTheDescriptorsAndASectionRoundTrip()
    {
        var original = WithGapAndTail();
        var encoded = RoundTrip(original, out string json);
        Assert.Contains("\"offset\": 200", json, StringComparison.Ordinal);
        Assert.Contains("\"data\": \"2222222222222222\"", json, StringComparison.Ordinal);
        Assert.Contains("\"trailingBytes\": \"0000330000\"", json, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexString(original), Convert.ToHexString(encoded));
        // the encode command too (it reads the same items)
        using var jsonFile = TempFile.Of(json, ".json");
        using var output = TempFile.Named();
        Assert.Equal(0, CliRunner.Run("encode", jsonFile.Path, "-o", output.Path).ExitCode);
        Assert.Equal(Convert.ToHexString(original), Convert.ToHexString(File.ReadAllBytes(output.Path)));
    }

    [Fact]
    public void ZeroBytesAfterTheLastSectionAreNotListed()
    {
        var original = WithTail();
        original.AsSpan(277).Clear();
        var encoded = RoundTrip(original, out string json);
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        var record = DecodedJson.FirstRecord(node).AsObject();
        Assert.True(record.ContainsKey("header"));
        Assert.False(record.ContainsKey("trailingBytes"));
        Assert.Equal(Convert.ToHexString(original), Convert.ToHexString(encoded));
    }

    [Theory]
    [InlineData("text")]
    [InlineData("layout")]
    public void TheUncoveredBytesAreShown(string format)
    {
        var sw = new StringWriter { NewLine = "\n" };
        StructureVisitor visitor = format == "layout" ? new LayoutRenderer(sw) : new TextRenderer(sw);
        Assert.Equal(0, CperRecordDescriber.Describe(WithGapAndTail(), 0, visitor, "CPER record", out int consumed));
        Assert.Equal(WithGapAndTail().Length, consumed);
        Snapshot.Verify(sw.ToString(), format);
    }

    /// <summary>
    /// The libcper walk records whose body is shorter than what its describer reads (fixtures/libcper-walk, README there):
    /// decode reports the problem, and its JSON gives the bytes back. arm-ras-short and ia32x64-short (40-byte bodies,
    /// shorter than the 80-byte ARM RAS node and the 64-byte IA32/X64 header) were refused by encode ("truncated").
    /// </summary>
    [Theory]
    [InlineData("arm-ras-short")]
    [InlineData("ia32x64-short")]
    [InlineData("ia32x64-msr-short")]
    [InlineData("ia32x64-type2-short")]
    [InlineData("ccix-length-short")]
    [InlineData("nvidia-registers-short")]
    [InlineData("nvidia-fwerror-short")]
    [InlineData("arm-vendor-short")]
    public void ShortBodiesRoundTrip(string name)
    {
        var original = LibcperWalk.Record(name);
        using var temp = TempFile.Of(original);
        var decoded = CliRunner.Run("decode", "--format", "json", temp.Path);
        var encoded = DecodedJson.WriteBack(CperJsonReader.ReadItems(Encoding.UTF8.GetBytes(decoded.Out)));
        Assert.Equal(Convert.ToHexString(original), Convert.ToHexString(encoded));
    }

    [Fact]
    public void AnUndecodedBodyOfTheWrongLengthIsRefused()
    {
        using var temp = TempFile.Of(LibcperWalk.Record("arm-ras-short"));
        var record = DecodedJson.FirstRecord(CliRunner.Run("decode", "--format", "json", temp.Path).Out);
        var body = record["sections"]![0]!["body"]!;
        Assert.Equal(80, ((string)body["undecoded"]!).Length);
        body["undecoded"] = "00";
        var e = Assert.Throws<CperJsonException>(() => CperJsonReader.ReadRecords(Encoding.UTF8.GetBytes(record.ToJsonString())));
        Assert.Contains("body.undecoded", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrailingBytesBeyondRecordLengthAreRefused()
    {
        RoundTrip(WithTail(), out string json);
        var record = DecodedJson.FirstRecord(json);
        record["trailingBytes"] = string.Concat(Enumerable.Repeat("11", 24));
        var e = Assert.Throws<CperJsonException>(() => CperJsonReader.ReadRecords(Encoding.UTF8.GetBytes(record.ToJsonString())));
        Assert.Contains("trailingBytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("found 24", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AGapInsideASectionIsRefused()
    {
        RoundTrip(WithGapAndTail(), out string json);
        var record = DecodedJson.FirstRecord(json);
        record["gapBytes"]![0]!["offset"] = 210;
        var e = Assert.Throws<CperJsonException>(() => CperJsonReader.ReadRecords(Encoding.UTF8.GetBytes(record.ToJsonString())));
        Assert.Contains("gapBytes[0].offset", e.Message, StringComparison.Ordinal);
    }
}
