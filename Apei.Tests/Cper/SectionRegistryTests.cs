using System.Buffers.Binary;
using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Ghes;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// Vendor section codecs on a <see cref="CperSectionRegistry"/> instance: no silent replacement of built-ins, a
/// third-party codec's exceptions reported as that section's error (text, JSON, lenient and strict decode, error
/// status blocks), and the registered name wherever the GUID is named.
/// </summary>
public sealed class SectionRegistryTests
{
    private static readonly Guid s_acme = new("5a1e0f2c-9d1b-4c3e-8f00-acme0000beef".Replace("acme", "ac3e", StringComparison.Ordinal));

    /// <summary>A vendor layout: a u32 count, then count u32 values; the codec indexes the body by the count unchecked (the bug seen in issue #17).</summary>
    private static void DescribeAcme(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        var values = body.ToArray();
        int count = BinaryPrimitives.ReadInt32LittleEndian(values);
        visitor.BeginArray("values", "Values", baseOffset + 4, count * 4L);
        for (int i = 0; i < count; i++)
        {
            visitor.BeginObject(null, $"Value {i}", baseOffset + 4 + i * 4, 4);
            visitor.Info("value", "Value", values[4 + i * 4] | values[5 + i * 4] << 8 | values[6 + i * 4] << 16 | values[7 + i * 4] << 24); // IndexOutOfRangeException past the end
            visitor.EndObject();
        }
        visitor.EndArray();
    }

    private static CperSectionBody DecodeAcme(ReadOnlySpan<byte> body, long baseOffset)
    {
        var values = body.ToArray();
        int count = BinaryPrimitives.ReadInt32LittleEndian(values);
        _ = values[4 + count * 4 - 1]; // IndexOutOfRangeException when the count claims more than the body holds
        return new RawSectionBody(s_acme, values);
    }

    private static CperSectionCodec Acme => new(s_acme, "Acme Widget", DescribeAcme, DecodeAcme);

    private static CperSectionRegistry Registry() => new CperSectionRegistry().Add(Acme);

    private static CperDecodeOptions With(CperSectionRegistry registry) => new() { Sections = registry };

    /// <summary>A record with a vendor section whose count claims 8 values but holds 1, then a memory section.</summary>
    private static byte[] Record(int count = 8)
    {
        var vendor = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(vendor, count);
        BinaryPrimitives.WriteUInt32LittleEndian(vendor.AsSpan(4), 0xCAFE);
        var record = new CperRecord { Severity = 2 };
        record.Sections.Add(new CperSection { Body = new RawSectionBody(s_acme, vendor), Severity = 2 });
        record.Sections.Add(new CperSection { Body = new MemoryErrorSection { ValidationBits = 0x2, PhysicalAddress = 0x1_2345_6000 }, Severity = 2 });
        return record.Encode();
    }

    private static string Render(byte[] bytes, Func<TextWriter, StructureVisitor> make, CperSectionRegistry? sections)
    {
        var w = new StringWriter { NewLine = "\n" };
        CperRecordDescriber.Describe(bytes, 0, make(w), "CPER record", out _, sections is null ? null : With(sections));
        return w.ToString();
    }

    [Fact]
    public void A_throwing_vendor_codec_is_that_sections_error_in_text_and_the_rest_decodes()
    {
        string text = Render(Record(), w => new TextRenderer(w), Registry());
        TextAssert.ContainsAll(text,
            "ERROR: Acme Widget section",
            "IndexOutOfRangeException",
            "Section 1: Platform Memory",
            "0x0000000123456000");
    }

    [Fact]
    public void A_throwing_vendor_codec_is_that_sections_error_in_json_and_the_json_stays_whole()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            int errors = CperRecordDescriber.Describe(Record(), 0, new JsonRenderer(writer), "r", out _, With(Registry()));
            Assert.Equal(1, errors);
        }
        using var doc = JsonDocument.Parse(buffer.WrittenMemory); // the codec left an array and an object open: closed for it
        var sections = doc.RootElement.GetProperty("sections");
        Assert.Equal("Acme Widget", sections[0].GetProperty("descriptor").GetProperty("sectionName").GetString());
        var vendorBody = sections[0].GetProperty("body");
        Assert.Equal(0xCAFEu, vendorBody.GetProperty("values")[0].GetProperty("value").GetUInt32());
        Assert.Contains("IndexOutOfRangeException", vendorBody.ToString(), StringComparison.Ordinal);
        Assert.Equal(0x1_2345_6000UL, sections[1].GetProperty("body").GetProperty("physicalAddress").GetUInt64());
    }

    [Fact]
    public void Lenient_decode_keeps_the_vendor_body_raw_and_strict_decode_throws_a_content_error()
    {
        byte[] bytes = Record();
        var errors = new List<ApeiContentException>();
        var record = CperRecord.Decode(bytes, out _, errors, options: With(Registry()));
        var error = Assert.Single(errors);
        Assert.Equal("Acme Widget section", error.Structure);
        Assert.Contains("IndexOutOfRangeException", error.Message, StringComparison.Ordinal);
        Assert.IsType<RawSectionBody>(record.Sections[0].Body);
        Assert.IsType<MemoryErrorSection>(record.Sections[1].Body);
        Assert.Equal(bytes, record.Encode()); // nothing lost

        var strict = Assert.Throws<ApeiContentException>(() => CperRecord.Decode(bytes, out _, options: With(Registry())));
        Assert.Equal(error.Offset, strict.Offset);
    }

    [Fact]
    public void An_error_status_block_entry_of_a_throwing_vendor_codec_is_reported_in_place()
    {
        var block = new ErrorStatusBlock { ErrorSeverity = 2 };
        block.Entries.Add(new ErrorDataEntry { ErrorSeverity = 2, Body = new RawSectionBody(s_acme, [8, 0, 0, 0, 1, 0, 0, 0]) });
        block.Entries.Add(new ErrorDataEntry { ErrorSeverity = 2, Body = new MemoryErrorSection { ValidationBits = 0x2, PhysicalAddress = 0x4000 } });
        byte[] bytes = block.Encode();
        var w = new StringWriter { NewLine = "\n" };
        ErrorStatusBlockDescriber.Describe(bytes, 0, new TextRenderer(w), "block", options: With(Registry()));
        string text = w.ToString();
        TextAssert.ContainsAll(text,
            "Entry 0: Acme Widget",
            "IndexOutOfRangeException",
            "Entry 1: Platform Memory");
        var errors = new List<ApeiContentException>();
        var decoded = ErrorStatusBlock.Decode(bytes, out _, errors, options: With(Registry()));
        Assert.Single(errors);
        Assert.IsType<MemoryErrorSection>(decoded.Entries[1].Body);
        // The one-line renderings take the same options; without them the GUID is unknown.
        Assert.Contains($"{EfiGuid.ToText(s_acme)} (Acme Widget)", block.ToLayoutString(options: With(Registry())), StringComparison.Ordinal);
        Assert.DoesNotContain("Acme Widget", block.ToLayoutString(), StringComparison.Ordinal);
        // The same block as a BERT's boot error region (ACPI 6.5 18.3.1): the BERT renderings take the options too.
        var region = new BootErrorRegion();
        region.Blocks.Add(block);
        var bert = new BertTableData { RegionLength = (uint)region.Encode().Length };
        Assert.Contains($"{EfiGuid.ToText(s_acme)} (Acme Widget)", bert.ToLayoutString(region, options: With(Registry())), StringComparison.Ordinal);
        Assert.DoesNotContain("Acme Widget", bert.ToLayoutString(region), StringComparison.Ordinal);
    }

    [Fact]
    public void The_registered_name_appears_in_the_descriptor_line_and_only_where_the_registry_is_in_force()
    {
        byte[] bytes = Record(count: 1); // a body the codec reads
        string layout = Render(bytes, w => new LayoutRenderer(w), Registry());
        string acmeGuid = EfiGuid.ToText(s_acme);
        Assert.Contains($"Section type                       : {acmeGuid} (Acme Widget)", layout, StringComparison.Ordinal);
        Assert.Contains("Section 0: Acme Widget", layout, StringComparison.Ordinal);
        Assert.DoesNotContain("ERR", layout, StringComparison.Ordinal);

        string without = Render(bytes, w => new LayoutRenderer(w), null);
        Assert.DoesNotContain("Acme Widget", without, StringComparison.Ordinal);
        Assert.Contains("Section 0: Unknown section", without, StringComparison.Ordinal);

        Assert.Contains("(Acme Widget)", CperRecordView.Read(bytes, out _).ToLayoutString(options: With(Registry())), StringComparison.Ordinal);
        Assert.DoesNotContain("Acme Widget", CperRecordView.Read(bytes, out _).ToLayoutString(), StringComparison.Ordinal);
        Assert.Equal("Acme Widget", Registry().SectionTypeName(s_acme));
        Assert.Null(CperSections.NameOf(s_acme)); // the default registry never saw it
    }

    [Fact]
    public void Built_in_codecs_are_never_replaced_silently()
    {
        var registry = new CperSectionRegistry();
        var fake = new CperSectionCodec(CperGuids.PlatformMemory, "Not memory", RawSectionBody.DescribeRaw, (b, _) => new RawSectionBody(CperGuids.PlatformMemory, b.ToArray()));
        var e = Assert.Throws<InvalidOperationException>(() => registry.Add(fake));
        Assert.Contains("built-in", e.Message, StringComparison.Ordinal);
        Assert.Contains("Override", e.Message, StringComparison.Ordinal);
        Assert.Same(MemoryErrorSection.Codec, registry.Find(CperGuids.PlatformMemory));

        registry.Add(Acme is var acme ? acme : null!);
        registry.Add(acme); // the same codec again: nothing happens
        Assert.Throws<InvalidOperationException>(() => registry.Add(Acme)); // another codec for the same GUID

        Assert.Same(MemoryErrorSection.Codec, registry.Override(fake));
        Assert.Equal("Not memory", registry.NameOf(CperGuids.PlatformMemory));
        Assert.Same(MemoryErrorSection.Codec, CperSectionRegistry.Default.Find(CperGuids.PlatformMemory)); // instances are independent
        Assert.Null(CperSectionRegistry.Default.Find(s_acme));
        Assert.True(CperSectionRegistry.IsBuiltIn(MemoryErrorSection.Codec));
        Assert.False(CperSectionRegistry.IsBuiltIn(acme));
    }

    [Fact]
    public void The_obsolete_static_register_adds_to_the_default_registry_and_refuses_to_replace_a_built_in()
    {
#pragma warning disable CS0618 // the deprecated API is what is tested
        CperSections.Register(MemoryErrorSection.Codec); // already there: nothing happens
        Assert.Throws<InvalidOperationException>(() => CperSections.Register(new CperSectionCodec(CperGuids.PlatformMemory, "x", RawSectionBody.DescribeRaw, (b, _) => new RawSectionBody(CperGuids.PlatformMemory, b.ToArray()))));
#pragma warning restore CS0618
        Assert.Same(MemoryErrorSection.Codec, CperSections.Find(CperGuids.PlatformMemory));
    }
}
