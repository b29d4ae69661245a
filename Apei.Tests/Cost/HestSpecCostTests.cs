using System.Text;
using ApeiKit.Hest;

namespace ApeiKit.Tests.Cost;

/// <summary>Issue #19 row: a build spec's default Source IDs cost linear time and never wrap past 65,535.</summary>
public class HestSpecCostTests
{
    private static string Spec(int count, string? first = null)
    {
        var sb = new StringBuilder("{\"sources\":[");
        if (first is not null) sb.Append(first).Append(',');
        for (int i = 0; i < count; i++) sb.Append(i == 0 ? "" : ",").Append("{\"type\":\"pcie-device-aer\"}");
        return sb.Append("]}").ToString();
    }

    [Fact]
    public void A_spec_of_65536_sources_gets_ids_0_to_65535()
    {
        // A scan of the sources so far per source was 2e9 comparisons here (70k sources: 25 s); one running maximum is linear.
        var sources = HestSpec.Parse(Spec(65_536)).Builder.Table.Sources;
        Assert.Equal(65_536, sources.Count);
        Assert.Equal(0, sources[0].SourceId);
        Assert.Equal(65_535, sources[^1].SourceId);
        Assert.Equal(65_536, sources.Select(s => s.SourceId).Distinct().Count());
    }

    [Fact]
    public void A_spec_of_more_sources_than_16_bit_ids_is_an_error_with_the_path()
    {
        var e = Assert.Throws<HestSpecException>(() => HestSpec.Parse(Spec(65_537)));
        Assert.Equal("$.sources[65536]", e.Path);
        Assert.Contains("16-bit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_default_id_after_65535_is_an_error_not_0()
    {
        var e = Assert.Throws<HestSpecException>(() => HestSpec.Parse(Spec(1, "{\"type\":\"ia32-nmi\",\"sourceId\":65535}")));
        Assert.Equal("$.sources[1].sourceId", e.Path);
        // An explicit id after it is fine; the default takes one more than the largest, wherever it is.
        var ok = HestSpec.Parse("{\"sources\":[{\"type\":\"ia32-nmi\",\"sourceId\":9},{\"type\":\"pcie-device-aer\",\"sourceId\":3},{\"type\":\"pcie-bridge-aer\"}]}");
        Assert.Equal(10, ok.Builder.Table.Sources[2].SourceId);
    }

    [Fact]
    public void Preset_sources_count_for_the_default_id()
    {
        var r = HestSpec.Parse("{\"preset\":\"qemu-virt-arm\",\"sources\":[{\"type\":\"ghesv2\",\"notification\":\"sei\"}]}");
        Assert.Equal(2, r.Builder.Table.Sources[2].SourceId);
    }
}
