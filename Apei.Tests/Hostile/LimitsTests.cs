using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ApeiKit.Cper;

namespace ApeiKit.Tests.Hostile;

/// <summary>DecoderLimits: defaults real data never reaches, hostile counts always do, and the exception names the limit.</summary>
public class LimitsTests
{
    private const string Memory = "cper/whea/TestErrorMemory1.bin";
    private const string Arm = "cper/libcper/arm.cperhex";

    [Fact]
    public void Defaults_are_documented_values()
    {
        var d = DecoderLimits.Default;
        Assert.Equal(1024 * 1024, d.MaxRecordSize);
        Assert.Equal(d.MaxRecordSize, new ApeiKit.Cper.Streaming.CperStreamReaderOptions().MaxRecordSize); // one default
        Assert.Equal(1024, d.MaxSectionsPerRecord);
        Assert.Equal(256, d.MaxErrorInformationEntries);
        Assert.Equal(256, d.MaxContextStructures);
        Assert.Same(DecoderLimits.Default, CperDecodeOptions.Default.Limits); // what a call without options gets
    }

    [Fact]
    public void Every_cper_fixture_decodes_within_the_default_limits()
    {
        foreach (var fixture in Fixtures.CperRecords())
        {
            var bytes = Fixtures.Binary(fixture);
            if (bytes.Length < 4 || !bytes.AsSpan().StartsWith("CPER"u8)) continue;
            var errors = new List<ApeiContentException>();
            CperRecord.Decode(bytes, out _, errors);
            Assert.DoesNotContain(errors, e => e.Message.Contains("limit", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("RecordLength", 0xFFFF_FFF0u, "(the record size limit)")]
    [InlineData("SectionCount", 0xFFFFu, "(the limit on sections per record)")]
    public void A_header_count_above_its_limit_is_a_content_error_naming_it(string field, uint value, string limit)
    {
        var bytes = Fixtures.Binary(Memory);
        if (field == "RecordLength") BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(CperRecordHeader.RecordLengthOffset), value);
        else BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(CperRecordHeader.SectionCountOffset), (ushort)value);
        var e = Assert.Throws<ApeiContentException>(() => CperRecord.Decode(bytes, out _, new List<ApeiContentException>()));
        Assert.Equal(field, e.Field);
        Assert.Contains(limit, e.Message, StringComparison.Ordinal);
        // A stream reader is told at once instead of waiting for 4 GiB (or 65535 descriptors).
        Assert.Throws<ApeiContentException>(() => CperRecordView.TryRead(bytes, out _, out _));
    }

    [Fact]
    public void Limits_passed_in_the_options_apply_to_that_call_only()
    {
        var bytes = Fixtures.Binary(Memory);
        var options = new CperDecodeOptions { Limits = DecoderLimits.Default with { MaxRecordSize = 200 } };
        var e = Assert.Throws<ApeiContentException>(() => CperRecord.Decode(bytes, out _, options: options));
        Assert.Contains("at most 200 (the record size limit)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ApeiContentException>(() => CperRecordView.Read(bytes, out _, options: options));
        var rendered = Assert.Throws<ApeiContentException>(() => CperRecordView.ReadPrefix(bytes, out _).ToJson(options: options)); // the describer too
        Assert.Contains("at most 200 (the record size limit)", rendered.Message, StringComparison.Ordinal);
        CperRecord.Decode(bytes, out _); // no options: the defaults, nothing left behind
        Assert.DoesNotContain("limit", CperRecordView.Read(bytes, out _).ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_reach_a_decode_on_another_thread_only_when_passed_there()
    {
        // What the AsyncLocal scopes did implicitly (a thread started inside a scope inherited it) is now a parameter:
        // a worker decodes with the options it is handed and with the defaults otherwise.
        var bytes = Fixtures.Binary(Memory);
        var options = new CperDecodeOptions { Limits = DecoderLimits.Default with { MaxRecordSize = 200 } };
        Exception? handed = null, notHanded = null;
        var t = new Thread(() =>
        {
            handed = Record.Exception(() => CperRecord.Decode(bytes, out _, options: options));
            notHanded = Record.Exception(() => CperRecord.Decode(bytes, out _));
        });
        t.Start();
        t.Join();
        Assert.IsType<ApeiContentException>(handed);
        Assert.Null(notHanded);
    }

    [Fact]
    public void Arm_error_information_count_above_the_limit_is_a_content_error_naming_it()
    {
        // A count larger than the bytes is reported as not fitting (ArmProcessorSectionTests); one that fits but is
        // above the limit names the limit.
        var body = ArmBody();
        var options = new CperDecodeOptions { Limits = DecoderLimits.Default with { MaxErrorInformationEntries = 0 } };
        var e = Assert.Throws<ApeiContentException>(() => ArmProcessorSection.Decode(body, options: options));
        Assert.Equal("ErrInfoNum", e.Field);
        Assert.Contains("(the limit on error information structures per section)", e.Message, StringComparison.Ordinal);
        // Through the registry (how records reach it) too.
        Assert.Throws<ApeiContentException>(() => CperSectionRegistry.Default.DecodeBody(ArmProcessorSection.Codec.SectionType, body, 0, options));
        // The describer reports it and still renders valid JSON.
        using var doc = JsonDocument.Parse(DescribeArm(body, options));
        Assert.Contains("the limit on error information structures per section", doc.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("limit", Encoding.UTF8.GetString(DescribeArm(body, CperDecodeOptions.Default)), StringComparison.Ordinal);
    }

    [Fact]
    public void Arm_context_count_above_the_limit_is_a_content_error_naming_it()
    {
        var body = ArmBody();
        Assert.NotEmpty(ArmProcessorSection.Decode(body).ContextInfo);
        var options = new CperDecodeOptions { Limits = DecoderLimits.Default with { MaxContextStructures = 0 } };
        var e = Assert.Throws<ApeiContentException>(() => ArmProcessorSection.Decode(body, options: options));
        Assert.Equal("ContextInfoNum", e.Field);
        Assert.Contains("(the limit on context structures per section)", e.Message, StringComparison.Ordinal);
    }

    private static byte[] ArmBody()
    {
        var bytes = Fixtures.Binary(Arm);
        var view = CperRecordView.Read(bytes, out _);
        for (int i = 0; i < view.DescriptorCount; i++)
        {
            if (view.GetDescriptor(i).SectionType == ArmProcessorSection.Codec.SectionType) return view.GetSectionBody(i).ToArray();
        }
        throw new InvalidOperationException("no ARM section in " + Arm);
    }

    private static byte[] DescribeArm(byte[] body, CperDecodeOptions options)
    {
        var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            var v = new JsonRenderer(writer);
            v.BeginObject(null, "section", 0, body.Length);
            CperSectionRegistry.Default.DescribeBody(ArmProcessorSection.Codec.SectionType, body, 0, v, options);
            v.EndObject();
        }
        return stream.ToArray();
    }
}
