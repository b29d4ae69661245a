using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Cper.Vendors;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Cper.Vendors;

public class NvidiaEventSectionTests
{
    /// <summary>The record and the offset of its first section body.</summary>
    internal static (byte[] Record, int BodyOffset, int BodyLength) Record(string fixture)
    {
        var bytes = Fixtures.Binary(fixture);
        var record = CperRecord.Decode(bytes, out _, new List<ApeiContentException>());
        return (bytes, (int)record.Sections[0].Offset!.Value, (int)record.Sections[0].Length!.Value);
    }

    private static byte[] Body(string fixture)
    {
        var (bytes, at, length) = Record(fixture);
        return bytes.AsSpan(at, Math.Min(length, bytes.Length - at)).ToArray();
    }

    /// <summary>Offset of the first context in a body: after the header and the information block (its size at header + 2).</summary>
    private static int FirstContext(byte[] body) => NvidiaEventSection.HeaderSize + body[NvidiaEventSection.HeaderSize + 2];

    private static NvidiaEventSection DecodeKeptAndReported(byte[] body) => KeptAndReported.Decode(b => NvidiaEventSection.Decode(b), NvidiaEventSection.Describe, body);

    [Theory]
    [InlineData("cper/libcper/nvidia_event_gpu_init.cperhex")]
    [InlineData("cper/libcper/nvidia_event_gpu_uce_ecc.cperhex")]
    [InlineData("cper/libcper/nvidia_event_all_types.cperhex")]
    public void Libcper_examples_decode_and_encode_byte_identical(string fixture)
    {
        var body = Body(fixture);
        var s = NvidiaEventSection.Decode(body);
        Assert.NotEmpty(s.Contexts);
        Assert.Equal(body, s.Encode());
        Assert.IsType<NvidiaEventSection>(CperRecord.Decode(Fixtures.Binary(fixture), out _, new List<ApeiContentException>()).Sections[0].Body);
    }

    [Fact]
    public void Gpu_init_example_has_gpu_information_and_metadata()
    {
        var s = NvidiaEventSection.Decode(Body("cper/libcper/nvidia_event_gpu_init.cperhex"));
        Assert.Equal(1, s.SourceDeviceType);
        Assert.Same(NvidiaEventSection.GpuInfoLayout, s.InfoLayout);
        Assert.Equal(0x8000, s.Contexts[0].DataFormatType);
        Assert.NotNull(s.Contexts[0].Data);
    }

    [Fact]
    public void A_context_count_that_lies_is_kept_and_reported()
    {
        var body = Body("cper/libcper/nvidia_event_gpu_init.cperhex");
        int real = body[1];
        body[1] = 200;
        var s = DecodeKeptAndReported(body);
        Assert.Equal(real, s.Contexts.Count);
        Assert.Equal((byte)200, s.DeclaredContextCount);
    }

    [Fact]
    public void A_context_size_that_lies_leaves_the_rest_raw()
    {
        var body = Body("cper/libcper/nvidia_event_gpu_init.cperhex");
        int first = FirstContext(body);
        BitConverter.TryWriteBytes(body.AsSpan(first), 0x7FFFFFF0u);
        var s = DecodeKeptAndReported(body);
        Assert.Empty(s.Contexts);
        Assert.Equal(body.Length - first, s.TrailingBytes.Length);
    }

    [Fact]
    public void A_data_size_that_lies_keeps_the_context_bytes()
    {
        var body = Body("cper/libcper/nvidia_event_gpu_init.cperhex");
        BitConverter.TryWriteBytes(body.AsSpan(FirstContext(body) + 12), uint.MaxValue);
        var s = DecodeKeptAndReported(body);
        Assert.Null(s.Contexts[0].Data);
    }

    [Theory]
    [InlineData("information size below its header", 2)]
    [InlineData("information size beyond the body", 255)]
    public void An_information_size_that_lies_throws(string reason, byte infoSize)
    {
        var body = Body("cper/libcper/nvidia_event_gpu_init.cperhex")[..64];
        body[NvidiaEventSection.HeaderSize + 2] = infoSize;
        Assert.False(string.IsNullOrEmpty(reason));
        Assert.Throws<ApeiContentException>(() => NvidiaEventSection.Decode(body));
        Assert.NotEmpty(DescribeErrors.Of(NvidiaEventSection.Describe, body));
    }

    [Fact]
    public void Header_cut_short_throws()
        => Assert.Throws<ApeiContentException>(() => NvidiaEventSection.Decode(new byte[34]));

    [Fact]
    public void Json_round_trip_keeps_a_lying_context_count()
    {
        var (bytes, at, _) = Record("cper/libcper/nvidia_event_gpu_uce_ecc.cperhex");
        bytes[at + 1] = 9;
        JsonRoundTrip(bytes);
    }

    [Theory]
    [InlineData("cper/libcper/nvidia_event_gpu_init.cperhex")]
    [InlineData("cper/libcper/nvidia_event_gpu_uce_ecc.cperhex")]
    public void Json_without_the_context_count_derives_it_from_the_contexts(string fixture)
    {
        // The count is declared derived from the contexts (FieldDerivation.CountOf): ApeiKit's JSON builder counts the
        // array when the member is left out (it refused the JSON before: "more elements than the structure holds (0; ...)").
        var (bytes, _, _) = Record(fixture);
        using var temp = TempFile.Of(bytes);
        var doc = System.Text.Json.Nodes.JsonNode.Parse(CliRunner.Run("decode", "--format", "json", temp.Path).Out)!;
        var body = doc["sections"]![0]!["body"]!.AsObject();
        Assert.True(body.Remove("contextCount"));
        var records = CperJsonReader.ReadRecords(System.Text.Encoding.UTF8.GetBytes(doc.ToJsonString()));
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(records.SelectMany(r => r.Encode()).ToArray()));
    }

    internal static void JsonRoundTrip(byte[] record)
    {
        using var temp = TempFile.Of(record);
        string path = temp.Path;
        var decoded = CliRunner.Run("decode", "--format", "json", path);
        var records = CperJsonReader.ReadRecords(System.Text.Encoding.UTF8.GetBytes(decoded.Out));
        Assert.Equal(Convert.ToHexString(record), Convert.ToHexString(records.SelectMany(r => r.Encode()).ToArray()));
    }
}
