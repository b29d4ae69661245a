using System.Text.Json.Nodes;
using ApeiKit.Cper.Json;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// What the ARM, IA32/X64, ARM RAS and PCIe read-back (libcper's JSON → bytes) refuses rather than invents or drops: sizes
/// past the section's one budget of undescribed bytes, members of the wrong JSON kind, numbers a field cannot hold. Each
/// refusal names the member's JSON path.
/// </summary>
public class LibCperReadBackRefusalTests
{
    private static JsonNode Doc(string name) => JsonNode.Parse(File.ReadAllText(Fixtures.Path(name + ".json")))!;

    private static CperJsonException Refused(JsonNode doc) => Assert.Throws<CperJsonException>(() => LibCperJsonReader.ToBinary(doc.ToJsonString()));

    private static JsonNode ArmContext(int size) => JsonNode.Parse("""{"registerContextType":{"value":8},"registerArraySize":""" + size + ""","registerArray":{}}""")!;

    [Fact]
    public void Register_array_sizes_share_one_budget_per_section()
    {
        // Each context alone is within CperJsonReader.MaxUndescribedBytes; two of them pass it: the second is refused
        // before anything is allocated for it (the budget is the section's, not each context's).
        var doc = Doc("cper/libcper/arm");
        var contexts = doc["sections"]![0]!["ArmProcessor"]!["contextInfo"]!.AsArray();
        contexts.Clear();
        contexts.Add(ArmContext(600_000));
        var one = LibCperJsonReader.ToBinary(doc.ToJsonString());
        Assert.True(one.Length > 600_000);
        contexts.Add(ArmContext(600_000));
        var e = Refused(doc);
        Assert.Equal("$.sections[0].ArmProcessor.contextInfo[1].registerArraySize", e.Path);
        Assert.Contains("at most 1048576 in all", e.Message);
    }

    [Fact]
    public void Many_large_register_array_sizes_are_refused_not_allocated()
    {
        // The reviewer's case: 400 contexts asking for ~1 MB of zeros each (a 49 KB document, a 419 MB record before).
        var doc = Doc("cper/libcper/arm");
        var contexts = doc["sections"]![0]!["ArmProcessor"]!["contextInfo"]!.AsArray();
        contexts.Clear();
        for (int i = 0; i < 400; i++) contexts.Add(ArmContext(1_048_000));
        var e = Refused(doc);
        Assert.Equal("$.sections[0].ArmProcessor.contextInfo[1].registerArraySize", e.Path);
    }
}
