using System.Text.Json;
using System.Text.Json.Nodes;
using ApeiKit.Cper;
using ApeiKit.Cper.Generation;
using ApeiKit.Cper.Json;
using ApeiKit.Tests.Cli;
using Json.Schema;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The committed schema (<c>docs/schema/cper-record.schema.json</c>) is what <see cref="CperJsonSchema.Generate()"/> writes
/// (<c>APEIKIT_APPROVE=1</c> rewrites it): section bodies learnt from the describers and the layouts alone, no fixture
/// among the samples. The decode output of every CPER fixture (anywhere under <c>fixtures/</c>: <c>.cperhex</c> files and
/// binaries starting with "CPER"), of libcper's read-back records (<c>fixtures/libcper-readback</c>) and of a generated
/// dump validates against it: data the learner did not see. Section bodies of built-in types are pinned: an extra member
/// or a wrongly typed one fails.
/// </summary>
public class CperJsonSchemaTests
{
    private static string SchemaPath => Path.Combine(Path.GetDirectoryName(Fixtures.Root)!, "docs", "schema", "cper-record.schema.json");

    // The schema as generated (CommittedSchemaIsTheGeneratedOne holds the committed copy to it): learnt without samples.
    private static readonly Lazy<JsonSchema> s_schema = new(() => JsonSchema.FromText(CperJsonSchema.Generate()));

    [Fact]
    public void CommittedSchemaIsTheGeneratedOne()
    {
        string generated = CperJsonSchema.Generate();
        if (Environment.GetEnvironmentVariable("APEIKIT_APPROVE") == "1") File.WriteAllText(SchemaPath, generated);
        Assert.Equal(generated, File.ReadAllText(SchemaPath).Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    /// <summary>Every CPER fixture under fixtures/: libcper hex files and binaries that start with the record signature.</summary>
    private static IEnumerable<string> AllCperFixtures()
        => Fixtures.Files(".", "*").Select(f => f.StartsWith("./", StringComparison.Ordinal) ? f[2..] : f)
            .Where(f => f.EndsWith(".cperhex", StringComparison.Ordinal) || StartsWithCper(Fixtures.Path(f)))
            .Order(StringComparer.Ordinal);

    private static bool StartsWithCper(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 && head.SequenceEqual("CPER"u8);
    }

    public static TheoryData<string> CperFixtures() => [.. AllCperFixtures()];

    private static string[] Problems(EvaluationResults result)
        => [.. (result.Details ?? []).Where(d => !d.IsValid && d.Errors is not null)
            // The section-type conditions that do not apply, and the array form of the root, fail by design: not problems.
            .Where(d => !d.EvaluationPath.ToString().Contains("/if/", StringComparison.Ordinal) && !d.EvaluationPath.ToString().StartsWith("/oneOf/1", StringComparison.Ordinal))
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}")).Take(10)];

    private static EvaluationResults Evaluate(JsonNode? node)
    {
        using var doc = JsonDocument.Parse(node!.ToJsonString());
        return s_schema.Value.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    [Fact]
    public void TheFixtureListCoversEveryFolder()
    {
        var all = AllCperFixtures().ToList();
        Assert.Contains(all, f => f.StartsWith("cper/libcper/", StringComparison.Ordinal));
        Assert.Contains(all, f => f.StartsWith("cper/whea/", StringComparison.Ordinal));
        Assert.Contains("fleet/whea-memory-padded.bin", all);
    }

    [Fact]
    public void GeneratedDumpValidates()
    {
        using var temp = TempFile.Named();
        using (var file = File.Create(temp.Path)) CperDumpGenerator.Generate(file, 1 << 15, seed: 1234);
        var decoded = CliRunner.Run("decode", "--format", "json", temp.Path);
        var result = Evaluate(JsonNode.Parse(decoded.Out));
        Assert.True(result.IsValid, string.Join("\n", Problems(result)));
    }

    public static TheoryData<string, string> StreamCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in StreamRoundTripTests.Captures)
            foreach (var shape in StreamRoundTripTests.Shapes) data.Add(c, shape);
        return data;
    }

    /// <summary>decode's JSON of a stream with bytes that are not records (junk, zeros, a cut record, a range too long to keep) validates: the range and padding items are in the schema.</summary>
    [Theory]
    [MemberData(nameof(StreamCases))]
    public void DecodeOfAStreamWithBytesThatAreNotRecordsValidates(string capture, string shape)
    {
        using var temp = TempFile.Of(StreamRoundTripTests.Stream(capture, shape));
        var decoded = CliRunner.Run("decode", "--format", "json", temp.Path);
        var result = Evaluate(JsonNode.Parse(decoded.Out));
        Assert.True(result.IsValid, string.Join("\n", Problems(result)));
    }

    [Fact]
    public void ItemsWithOmittedDataValidateAndItemsAreClosed()
    {
        var f = Fixtures.Binary("cper/whea/TestErrorMemory1.bin");
        using var temp = TempFile.Of([.. f, .. Enumerable.Repeat((byte)0x55, 5000), .. f, .. new byte[10]]);
        var decoded = CliRunner.Run("decode", "--format", "json", temp.Path);
        Assert.Contains("\"dataOmitted\"", decoded.Out, StringComparison.Ordinal);
        var result = Evaluate(JsonNode.Parse(decoded.Out));
        Assert.True(result.IsValid, string.Join("\n", Problems(result)));
        // a range or padding item with a member it does not have fails
        var node = (JsonArray)JsonNode.Parse(decoded.Out)!;
        node[1]!["header"] = new JsonObject();
        Assert.False(Evaluate(node).IsValid);
        node = (JsonArray)JsonNode.Parse(decoded.Out)!;
        node[3]!["data"] = "00";
        Assert.False(Evaluate(node).IsValid);
    }

    /// <summary>decode of several inputs, of a Redfish LogEntry collection and of a PLDM record writes "source" on each record: the record def allows it.</summary>
    [Theory]
    [InlineData("cper/whea/TestErrorMemory1.bin", "cper/whea/TestErrorFirmware1.bin")]
    [InlineData("fleet/redfish-logentries.json", null)]
    [InlineData("fleet/pldm-record.bin", null)]
    public void DecodeWithASourceValidates(string first, string? second)
    {
        var decoded = second is null ? CliRunner.Run("decode", "--format", "json", Fixtures.Path(first))
            : CliRunner.Run("decode", "--format", "json", Fixtures.Path(first), Fixtures.Path(second));
        Assert.Contains("\"source\"", decoded.Out, StringComparison.Ordinal);
        var result = Evaluate(JsonNode.Parse(decoded.Out));
        Assert.True(result.IsValid, string.Join("\n", Problems(result)));
    }

    /// <summary>The bytes of a record no section covers (trailingBytes, gapBytes) validate, and their shape is pinned.</summary>
    [Fact]
    public void RecordBytesNoSectionCoversValidate()
    {
        using var temp = TempFile.Of(RecordUncoveredBytesTests.WithGapAndTail());
        var decoded = CliRunner.Run("decode", "--format", "json", temp.Path);
        Assert.Contains("\"gapBytes\"", decoded.Out, StringComparison.Ordinal);
        Assert.Contains("\"trailingBytes\": \"0000330000\"", decoded.Out, StringComparison.Ordinal);
        var node = JsonNode.Parse(decoded.Out)!;
        var result = Evaluate(node);
        Assert.True(result.IsValid, string.Join("\n", Problems(result)));
        var record = DecodedJson.FirstRecord(node);
        record["gapBytes"]![0]!.AsObject().Remove("offset");
        Assert.False(Evaluate(node).IsValid);
        node = JsonNode.Parse(decoded.Out)!;
        record = DecodedJson.FirstRecord(node);
        record["trailingBytes"] = "xyz";
        Assert.False(Evaluate(node).IsValid);
    }

    /// <summary>decode of a body shorter than its section's fixed part writes its bytes as "undecoded": the pinned bodies allow it.</summary>
    [Theory]
    [InlineData("arm-ras-short")]
    [InlineData("ia32x64-short")]
    public void ShortBodiesValidate(string name)
    {
        using var temp = TempFile.Of(LibcperWalk.Record(name));
        var decoded = CliRunner.Run("decode", "--format", "json", temp.Path);
        Assert.Contains("\"undecoded\"", decoded.Out, StringComparison.Ordinal);
        var result = Evaluate(JsonNode.Parse(decoded.Out));
        Assert.True(result.IsValid, string.Join("\n", Problems(result)));
    }

    private static JsonNode MemoryRecord()
    {
        var decoded = CliRunner.Run("decode", "--format", "json", Fixtures.Path("cper/whea/TestErrorMemory1.bin"));
        var record = DecodedJson.FirstRecord(decoded.Out);
        Assert.True(Evaluate(record).IsValid);
        return record;
    }

    private static JsonObject FirstBody(JsonNode record) => record["sections"]![0]!["body"]!.AsObject();

    [Fact]
    public void SchemaRejectsAnExtraBodyMember()
    {
        var record = MemoryRecord();
        FirstBody(record)["physicalAdress"] = 4096;
        Assert.False(Evaluate(record).IsValid);
    }

    [Fact]
    public void SchemaRejectsABodyMemberOfTheWrongType()
    {
        var record = MemoryRecord();
        var body = FirstBody(record);
        Assert.True(body.ContainsKey("errorStatus") || body.ContainsKey("physicalAddress"));
        body["physicalAddress"] = "0x1000";
        Assert.False(Evaluate(record).IsValid);
    }

    [Fact]
    public void SchemaRejectsAnExtraMemberInANestedBodyObject()
    {
        var decoded = CliRunner.Run("decode", "--format", "json", Fixtures.Path("cper/libcper/pcie.cperhex"));
        var record = DecodedJson.FirstRecord(decoded.Out);
        Assert.True(Evaluate(record).IsValid);
        var nested = FirstBody(record).First(m => m.Value is JsonObject o && o.ContainsKey("value") is false).Value!.AsObject();
        nested["notAMember"] = 1;
        Assert.False(Evaluate(record).IsValid);
    }

    [Fact]
    public void EveryBuiltInSectionTypeHasAPinnedBody()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(SchemaPath));
        var defs = schema.RootElement.GetProperty("$defs");
        var builtIn = new CperSectionRegistry().Codecs.Where(CperSectionRegistry.IsBuiltIn).ToList();
        Assert.NotEmpty(builtIn);
        foreach (var codec in builtIn)
        {
            Assert.True(defs.TryGetProperty("body-" + codec.SectionType.ToString("D"), out var body), codec.Name);
            Assert.False(body.GetProperty("additionalProperties").GetBoolean(), codec.Name);
            Assert.NotEmpty(body.GetProperty("properties").EnumerateObject());
        }
    }

    [Fact]
    public void UnknownSectionTypesKeepAnOpenBody()
    {
        using var doc = JsonDocument.Parse("""{"header": {"severity": {"value": 2, "name": "corrected"}}, "sections": [{"descriptor": {"sectionType": "01234567-89ab-cdef-0123-456789abcdef"}, "body": {"vendorThing": 1, "data": "00ff"}}]}""");
        Assert.True(s_schema.Value.Evaluate(doc.RootElement).IsValid);
    }

    [Theory]
    [MemberData(nameof(CperFixtures))]
    public void DecodeOutputValidates(string fixture)
    {
        var decoded = CliRunner.Run("decode", "--format", "json", Fixtures.Path(fixture));
        var result = Evaluate(JsonNode.Parse(decoded.Out));
        Assert.True(result.IsValid, string.Join("\n", Problems(result)));
    }

    /// <summary>libcper's read-back records (each file's first record, its RecordLength bytes), decoded in process.</summary>
    public static TheoryData<string> ReadBackRecords() => [.. Fixtures.Files("libcper-readback", "*.hex")];

    [Theory]
    [MemberData(nameof(ReadBackRecords))]
    public void LibCperReadBackRecordsValidate(string fixture)
    {
        var file = Fixtures.HexText(fixture);
        Assert.True(file.AsSpan().StartsWith("CPER"u8), fixture);
        var view = CperRecordView.ReadPrefix(file, out _); // the first RecordLength bytes, or all when fewer
        var result = Evaluate(JsonNode.Parse(view.ToJson()));
        Assert.True(result.IsValid, string.Join("\n", Problems(result)));
    }

    [Fact]
    public void A32BitIa32RegisterStateValidates()
    {
        // libcper's read-back of an IA32/X64 body whose first context is a 32-bit register state (UEFI N.2.4.2.3, Table
        // N-27): GDTR and IDTR are 8-byte numbers there, 16-byte hex in the x64 state.
        var decoded = CliRunner.Run("decode", "--format", "json", Fixtures.Path("cper/libcper-ir-to-cper/ia32x64-null-ctx.bin"));
        var record = DecodedJson.FirstRecord(decoded.Out);
        var registers = FirstBody(record)["contextInfo"]![0]!["registers"]!;
        Assert.Equal(JsonValueKind.Number, registers["gdtr"]!.GetValueKind());
        Assert.Equal(JsonValueKind.Number, registers["idtr"]!.GetValueKind());
        var result = Evaluate(record);
        Assert.True(result.IsValid, string.Join("\n", Problems(result)));
    }

    [Fact]
    public void ACutBodysUndecodedBytesValidate()
    {
        var decoded = CliRunner.Run("decode", "--format", "json", Fixtures.Path("cper/libcper-ir-to-cper/ia32x64-type2-short.bin"));
        var record = DecodedJson.FirstRecord(decoded.Out);
        Assert.NotNull(FirstBody(record)["undecoded"]);
        var result = Evaluate(record);
        Assert.True(result.IsValid, string.Join("\n", Problems(result)));
        FirstBody(record)["undecoded"] = 1;
        Assert.False(Evaluate(record).IsValid);
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
