using System.Text.Json;
using ApeiKit.Cper.Json;
using ApeiKit.Tests.Cli;
using Json.Schema;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The committed schema (<c>docs/schema/cper-record.schema.json</c>) is what <see cref="CperJsonSchema"/> generates
/// (<c>APEIKIT_APPROVE=1</c> rewrites it), and the decode output of every CPER fixture validates against it.
/// </summary>
public class CperJsonSchemaTests
{
    private static string SchemaPath => Path.Combine(Path.GetDirectoryName(Fixtures.Root)!, "docs", "schema", "cper-record.schema.json");

    private static readonly Lazy<JsonSchema> s_schema = new(() => JsonSchema.FromText(File.ReadAllText(SchemaPath)));

    [Fact]
    public void CommittedSchemaIsTheGeneratedOne()
    {
        string generated = CperJsonSchema.Generate();
        if (Environment.GetEnvironmentVariable("APEIKIT_APPROVE") == "1") File.WriteAllText(SchemaPath, generated);
        Assert.Equal(generated, File.ReadAllText(SchemaPath).Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    public static TheoryData<string> CperFixtures() => [.. Fixtures.CperRecords()];

    [Theory]
    [MemberData(nameof(CperFixtures))]
    public void DecodeOutputValidates(string fixture)
    {
        var decoded = CliRunner.Run("decode", "--format", "json", Fixtures.Path(fixture));
        using var doc = JsonDocument.Parse(decoded.Out);
        var result = s_schema.Value.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var problems = (result.Details ?? []).Where(d => !d.IsValid && d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}")).Take(10);
        Assert.True(result.IsValid, string.Join("\n", problems));
    }

    [Fact]
    public void SchemaRejectsAnUnknownHeaderMember()
    {
        using var doc = JsonDocument.Parse("""{"header": {"severity": {"value": 2, "name": "corrected"}, "sevrity": 1}}""");
        Assert.False(s_schema.Value.Evaluate(doc.RootElement).IsValid);
    }

    [Fact]
    public void SchemaAcceptsAHandWrittenRecordThatEncodes()
    {
        const string json = """{"header": {"severity": {"value": 2, "name": "corrected"}}, "sections": [{"descriptor": {"sectionType": "a5bc1114-6f64-4ede-b863-3e83ed7c83b1"}, "body": {"physicalAddress": 4096}}]}""";
        using var doc = JsonDocument.Parse(json);
        Assert.True(s_schema.Value.Evaluate(doc.RootElement).IsValid);
        Assert.Single(CperJsonReader.ReadRecords(System.Text.Encoding.UTF8.GetBytes(json)));
    }
}
