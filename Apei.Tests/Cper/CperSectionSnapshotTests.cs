using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>Text and layout renderings of the ARM, PCI Express and processor generic sections, approved by reading them.</summary>
public class CperSectionSnapshotTests
{
    private static string Render(string fixture, string format, CperDecodeOptions? options = null)
    {
        var bytes = Fixtures.Binary(fixture);
        var sw = new StringWriter { NewLine = "\n" };
        StructureVisitor visitor = format == "layout" ? new LayoutRenderer(sw) : new TextRenderer(sw);
        CperRecordDescriber.Describe(bytes, 0, visitor, "CPER record", out _, options);
        return sw.ToString();
    }

    [Theory]
    [InlineData("cper/libcper/arm.cperhex", "text")]
    [InlineData("cper/libcper/arm.cperhex", "layout")]
    [InlineData("cper/whea-edk2/whea_04.bin", "text")]
    [InlineData("cper/whea-edk2/whea_04.bin", "layout")]
    // One text rendering per UEFI appendix N section type (libcper's generated examples cover them all).
    [InlineData("cper/libcper/generic.cperhex", "text")]
    [InlineData("cper/libcper/memory.cperhex", "text")]
    [InlineData("cper/libcper/memory2.cperhex", "text")]
    [InlineData("cper/libcper/pcie.cperhex", "text")]
    [InlineData("cper/libcper/pcibus.cperhex", "text")]
    [InlineData("cper/libcper/pcidev.cperhex", "text")]
    [InlineData("cper/libcper/firmware.cperhex", "text")]
    [InlineData("cper/libcper/dmargeneric.cperhex", "text")]
    [InlineData("cper/libcper/dmarvtd.cperhex", "text")]
    [InlineData("cper/libcper/dmariommu.cperhex", "text")]
    [InlineData("cper/libcper/ccixper.cperhex", "text")]
    [InlineData("cper/libcper/cxlprotocol.cperhex", "text")]
    [InlineData("cper/libcper/cxlcomponent-media.cperhex", "text")]
    public void Section_renderings_match_their_snapshots(string fixture, string format)
        => Snapshot.Verify(Render(fixture, format), $"{Path.GetFileNameWithoutExtension(fixture)}.{format}");

    /// <summary>libcper's ARM example read as libcper wrote it (1/2/4/8): TLB then cache, as libcper's own arm.json names them.</summary>
    [Fact]
    public void Libcper_arm_example_in_libcper_mode_renders_libcper_kinds()
    {
        string text = Render("cper/libcper/arm.cperhex", "text", new CperDecodeOptions { ArmErrorTypes = ArmErrorTypeMode.LibCper });
        Assert.Contains("Error information #0: TLB error", text, StringComparison.Ordinal);
        Assert.Contains("Error information #1: cache error", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Warning:", text, StringComparison.Ordinal);
        Snapshot.Verify(text, "arm.libcper-mode.text");
    }

    [Fact]
    public void Hand_built_arm_section_renders_its_kinds_and_the_encoding_assumed()
    {
        var sw = new StringWriter { NewLine = "\n" };
        CperRecordDescriber.Describe(ArmProcessorSectionTests.ArmRecord(), 0, new TextRenderer(sw), "CPER record", out _);
        Snapshot.Verify(sw.ToString());
    }
}
