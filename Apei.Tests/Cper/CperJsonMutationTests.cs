using System.Text.Json.Nodes;
using ApeiKit.Cper.Json;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// JSON input is user input: whatever values a decode output is edited to, reading it gives records that encode, or a
/// <see cref="CperJsonException"/>, nothing else.
/// </summary>
public class CperJsonMutationTests
{
    public static TheoryData<string> Samples() =>
    [
        "cper/libcper/arm.cperhex", "cper/libcper/ia32x64.cperhex", "cper/libcper/pcie.cperhex", "cper/libcper/cxlprotocol.cperhex",
        "cper/libcper/pcidev.cperhex", "cper/libcper/firmware.cperhex", "cper/whea/TestErrorMultiple1.bin", "cper/crashlog/cper.whea",
    ];

    private static readonly JsonNode?[] s_replacements =
    [
        0, 1, 255, 65535, 4294967295, 18446744073709551615UL, -1, 1.5, "x", "0x10", "", null, true, new JsonObject(), new JsonArray(), "00ff",
    ];

    [Theory]
    [MemberData(nameof(Samples))]
    public void EditedValuesGiveRecordsOrCperJsonException(string fixture)
    {
        string json = CliRunner.Run("decode", "--format", "json", Fixtures.Path(fixture)).Out;
        var random = new Random(fixture.Length * 7919);
        for (int round = 0; round < 60; round++)
        {
            var root = JsonNode.Parse(json)!;
            var leaves = new List<(JsonNode Parent, string? Member, int Index)>();
            Collect(root, leaves);
            for (int k = 0; k < 1 + random.Next(3); k++)
            {
                var (parent, member, index) = leaves[random.Next(leaves.Count)];
                var value = s_replacements[random.Next(s_replacements.Length)]?.DeepClone();
                if (member is not null) parent[member] = value; else parent[index] = value;
            }
            string edited = root.ToJsonString();
            try
            {
                foreach (var r in CperJsonReader.ReadRecords(System.Text.Encoding.UTF8.GetBytes(edited))) r.Encode();
            }
            catch (CperJsonException)
            {
            }
        }
    }

    private static void Collect(JsonNode node, List<(JsonNode, string?, int)> leaves)
    {
        if (node is JsonObject o)
        {
            foreach (var (name, child) in o.ToList())
            {
                if (child is JsonObject or JsonArray) Collect(child, leaves);
                leaves.Add((o, name, -1));
            }
        }
        else if (node is JsonArray a)
        {
            for (int i = 0; i < a.Count; i++)
            {
                if (a[i] is JsonObject or JsonArray) Collect(a[i]!, leaves);
                leaves.Add((a, null, i));
            }
        }
    }
}
