using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// How many walks JSON input takes per section body (docs/DESIGN.md "JSON in, bytes out"): one that builds and one that
/// confirms, for every describer that reports a structure before it reads it or announces it (<c>StructDef.Prefill</c>).
/// The describers that still read bytes before reporting them, and so need a walk per structure they place, are listed
/// here with the reason; the census over every CPER fixture fails when one is added or fixed without this list changing.
/// </summary>
public class JsonBuilderWalkTests
{
    /// <summary>Section names (as decode prints them) whose bodies take more than two walks, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> NeedMoreWalks = new Dictionary<string, string>
    {
        ["ARM RAS"] =
            "the node is announced, but the describer's Check reads the auxiliary data header (its length) and each address-space " +
            "context header (its register count) to place every part before any is reported; each context is placed by the one " +
            "before it, so the builder learns one per walk",
        ["NVIDIA Event"] =
            "the headers are announced, but the describer's Walk reads every event context's size to place the next one before " +
            "any context is reported; the builder learns one context per walk",
    };

    [Fact]
    public void Every_fixture_section_builds_in_one_walk_and_confirms_in_a_second_except_the_listed_describers()
    {
        var seen = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var fixture in Fixtures.CperRecords())
        {
            var decoded = CliRunner.Run("decode", "--format", "json", Fixtures.Path(fixture));
            if (decoded.ExitCode != 0) continue;
            using var doc = JsonDocument.Parse(decoded.Out);
            var records = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray().ToList() : [doc.RootElement];
            foreach (var record in records)
            {
                if (!record.TryGetProperty("sections", out var sections)) continue;
                foreach (var section in sections.EnumerateArray())
                {
                    if (!section.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.Object) continue;
                    var d = section.GetProperty("descriptor");
                    var type = Guid.Parse(d.GetProperty("sectionType").GetString()!);
                    string name = d.TryGetProperty("sectionName", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : type.ToString();
                    int length = d.GetProperty("sectionLength").GetInt32();
                    int walks = 0;
                    try
                    {
                        JsonGuidedBuilder.Build(body, "$.body", length, (b, v) => { walks++; CperSections.DescribeBody(type, b, 0, v); });
                    }
                    catch (CperJsonException)
                    {
                        continue; // a body decode could not describe (its round trip is JsonRoundTripTests' concern)
                    }
                    seen[name] = Math.Max(seen.GetValueOrDefault(name), walks);
                }
            }
        }
        var many = seen.Where(kv => kv.Value > 2).Select(kv => kv.Key).ToList();
        Assert.True(many.SequenceEqual(NeedMoreWalks.Keys.Order(StringComparer.Ordinal)),
            "sections taking more than two walks: " + string.Join(", ", seen.Where(kv => kv.Value > 2).Select(kv => $"{kv.Key} ({kv.Value})"))
            + "\nall: " + string.Join(", ", seen.Select(kv => $"{kv.Key} ({kv.Value})")));
    }
}
