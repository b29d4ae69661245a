using System.Buffers.Binary;
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
        Assert.Same(DecoderLimits.Default, DecoderLimits.Current);
    }

    [Fact]
    public void Every_cper_fixture_decodes_within_the_default_limits()
    {
        foreach (var fixture in Fixtures.CperRecords())
        {
            var bytes = Fixtures.Binary(fixture);
            if (bytes.Length < 4 || !bytes.AsSpan().StartsWith("CPER"u8)) continue;
            var errors = new List<ApeiContentException>();
            CperRecord.Decode(bytes, errors, out _);
            Assert.DoesNotContain(errors, e => e.Message.Contains("limit", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_record_length_above_the_limit_is_a_content_error_naming_it()
    {
        var bytes = Fixtures.Binary(Memory);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(CperRecordHeader.RecordLengthOffset), 0xFFFF_FFF0);
        var e = Assert.Throws<ApeiContentException>(() => CperRecord.Decode(bytes, new List<ApeiContentException>(), out _));
        Assert.Equal("RecordLength", e.Field);
        Assert.Contains("(the record size limit)", e.Message, StringComparison.Ordinal);
        // A stream reader is told at once instead of waiting for 4 GiB.
        Assert.Throws<ApeiContentException>(() => CperRecordView.TryRead(bytes, out _, out _));
    }

    [Fact]
    public void A_section_count_above_the_limit_is_a_content_error_naming_it()
    {
        var bytes = Fixtures.Binary(Memory);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(CperRecordHeader.SectionCountOffset), 0xFFFF);
        var e = Assert.Throws<ApeiContentException>(() => CperRecord.Decode(bytes, new List<ApeiContentException>(), out _));
        Assert.Equal("SectionCount", e.Field);
        Assert.Contains("(the limit on sections per record)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_set_for_a_scope_apply_inside_it_only()
    {
        var bytes = Fixtures.Binary(Memory);
        using (DecoderLimits.Use(DecoderLimits.Default with { MaxRecordSize = 200 }))
        {
            Assert.Equal(200, DecoderLimits.Current.MaxRecordSize);
            var e = Assert.Throws<ApeiContentException>(() => CperRecord.Decode(bytes, out _));
            Assert.Contains("at most 200 (the record size limit)", e.Message, StringComparison.Ordinal);
        }
        Assert.Same(DecoderLimits.Default, DecoderLimits.Current);
        CperRecord.Decode(bytes, out _);
    }

    [Fact]
    public void Arm_error_information_count_above_the_limit_is_a_content_error_naming_it()
    {
        // A count larger than the bytes is reported as not fitting (ArmProcessorSectionTests); one that fits but is
        // above the limit names the limit.
        var body = ArmBody();
        using (DecoderLimits.Use(DecoderLimits.Default with { MaxErrorInformationEntries = 0 }))
        {
            var e = Assert.Throws<ApeiContentException>(() => ArmProcessorSection.Decode(body));
            Assert.Equal("ErrInfoNum", e.Field);
            Assert.Contains("(the limit on error information structures per section)", e.Message, StringComparison.Ordinal);
            // The describer reports it and still renders valid JSON.
            using var doc = JsonDocument.Parse(DescribeArm(body));
            Assert.Contains("the limit on error information structures per section", doc.RootElement.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Arm_context_count_above_the_limit_is_a_content_error_naming_it()
    {
        var body = ArmBody();
        Assert.NotEmpty(ArmProcessorSection.Decode(body).ContextInfo);
        using (DecoderLimits.Use(DecoderLimits.Default with { MaxContextStructures = 0 }))
        {
            var e = Assert.Throws<ApeiContentException>(() => ArmProcessorSection.Decode(body));
            Assert.Equal("ContextInfoNum", e.Field);
            Assert.Contains("(the limit on context structures per section)", e.Message, StringComparison.Ordinal);
        }
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

    private static byte[] DescribeArm(byte[] body)
    {
        var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            var v = new JsonRenderer(writer);
            v.BeginObject(null, "section", 0, body.Length);
            ArmProcessorSection.Codec.Describe(body, 0, v);
            v.EndObject();
        }
        return stream.ToArray();
    }
}
