using System.Text.Json.Nodes;

namespace ApeiKit.Tests.Cli;

/// <summary>
/// Issue #18: <c>encode --json-style libcper</c> reads what <c>decode --json-style libcper</c> prints for many records
/// (NDJSON, a JSON array), and checks every value like our own encode does (an error naming the JSON path, never a silent 0).
/// </summary>
public sealed class LibCperRoundTripTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apeikit-libcper-rt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IEnumerable<string> Examples() => Fixtures.Files("cper/libcper", "*.cperhex").Order(StringComparer.Ordinal);

    /// <summary>The examples (relative fixture paths) whose libcper JSON, as decode prints it, reads back to the same bytes one at a time.</summary>
    private List<string> SinglyRoundTripping()
    {
        var result = new List<string>();
        foreach (var file in Examples())
        {
            string json = Path.Combine(_dir, "one.json"), bin = Path.Combine(_dir, "one.bin");
            File.WriteAllText(json, CliRunner.Run("decode", "-f", "json", "--json-style", "libcper", Fixtures.Path(file)).Out);
            if (CliRunner.Run("encode", "--json-style", "libcper", json, "-o", bin).ExitCode == 0
                && File.ReadAllBytes(bin).AsSpan().SequenceEqual(Fixtures.Binary(file)))
                result.Add(file);
        }
        return result;
    }

    /// <summary>Regression: NDJSON of two records was refused (<c>'{' is invalid after a single JSON value</c>).</summary>
    [Theory]
    [InlineData("ndjson")]
    [InlineData("json")]
    public void Decode_of_many_records_in_libcper_style_encodes_back_byte_identical(string format)
    {
        var files = SinglyRoundTripping();
        Assert.True(files.Count >= 8, $"only {files.Count} examples round-trip singly");
        var decoded = CliRunner.Run(["decode", "-f", format, "--json-style", "libcper", .. files.Select(Fixtures.Path)]);
        Assert.Equal(0, decoded.ExitCode);
        string json = Path.Combine(_dir, "all." + format), bin = Path.Combine(_dir, "all.bin");
        File.WriteAllText(json, decoded.Out);

        var r = CliRunner.Run("encode", "--json-style", "libcper", json, "-o", bin);

        Assert.True(r.ExitCode == 0, r.Error);
        var expected = files.SelectMany(Fixtures.Binary).ToArray();
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(File.ReadAllBytes(bin)));
        Assert.Contains($"apeikit: wrote {files.Count} CPER records ({expected.Length} bytes) to {bin}", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrote", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Libcpers_own_example_json_as_ndjson_reads_back_record_by_record()
    {
        var names = SinglyRoundTripping().Select(f => Fixtures.Path(Path.ChangeExtension(f, ".json"))).ToList();
        string ndjson = Path.Combine(_dir, "examples.ndjson"), bin = Path.Combine(_dir, "examples.bin");
        File.WriteAllLines(ndjson, names.Select(n => JsonNode.Parse(File.ReadAllText(n))!.ToJsonString()));
        var singly = names.Select(n =>
        {
            string one = Path.Combine(_dir, "e.bin");
            Assert.Equal(0, CliRunner.Run("encode", "--json-style", "libcper", n, "-o", one).ExitCode);
            return File.ReadAllBytes(one);
        }).SelectMany(b => b).ToArray();

        var r = CliRunner.Run("encode", "--json-style", "libcper", ndjson, "-o", bin);

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(singly, File.ReadAllBytes(bin));
    }

    /// <summary>
    /// Regression: <c>"physicalAddress": "zzz"</c> became 0 and a garbage severity "recoverable" (exit 0); libcper JSON
    /// with <c>header.severity: []</c>, ApeiKit's own JSON and a 2^70 section length gave .NET stack traces.
    /// </summary>
    [Theory]
    [InlineData("physicalAddress zzz", "$.sections[0].Memory.physicalAddress: expected an unsigned integer")]
    [InlineData("severity code garbage", "$.header.severity.code: expected an unsigned integer")]
    [InlineData("severity garbage", "$.header.severity: expected an object (with \"code\")")]
    [InlineData("severity name only", "$.header.severity: expected {\"code\": n, \"name\": ..} (the code is missing)")]
    [InlineData("severity []", "$.header.severity: expected an object (with \"code\"), found an array")]
    [InlineData("sectionLength 2^70", "$.sectionDescriptors[0].sectionLength: expected an unsigned integer of at most 64 bits")]
    [InlineData("sectionLength 2^32", "$.sectionDescriptors[0].sectionLength: expected an unsigned integer of at most 32 bits")]
    [InlineData("sectionLength 4e9", "$.sectionDescriptors[0].sectionLength: 4000000000 bytes is far more than the 80")]
    [InlineData("recordLength 4e9", "$.header.recordLength: 4000000000 bytes is far more than")]
    [InlineData("creatorID not a guid", "$.header.creatorID: expected a GUID")]
    [InlineData("fruText number", "$.sectionDescriptors[0].fruText: expected a string, found 5")]
    [InlineData("sections missing", "$.sections: 0 section(s) for 1 descriptor(s)")]
    [InlineData("node -1.5", "$.sections[0].Memory.node: expected an unsigned integer, found -1.5")]
    [InlineData("node 70000", "$.sections[0].Memory.node: expected an unsigned integer of at most 16 bits (at most 65535), found 70000")]
    [InlineData("timestamp garbage", "$.header.timestamp: expected libcper's timestamp")]
    public void Encode_libcper_refuses_a_wrong_value_naming_its_path(string mutation, string message)
    {
        var json = JsonNode.Parse(File.ReadAllText(Fixtures.Path("cper/libcper/memory.json")))!.AsObject();
        var header = json["header"]!.AsObject();
        var descriptor = json["sectionDescriptors"]![0]!.AsObject();
        var memory = json["sections"]![0]!["Memory"]!.AsObject();
        switch (mutation)
        {
            case "physicalAddress zzz": memory["physicalAddress"] = "zzz"; break;
            case "severity code garbage": header["severity"] = new JsonObject { ["code"] = "garbage", ["name"] = "Corrected" }; break;
            case "severity garbage": header["severity"] = "garbage"; break;
            case "severity name only": header["severity"] = new JsonObject { ["name"] = "Corrected" }; break;
            case "severity []": header["severity"] = new JsonArray(); break;
            case "sectionLength 2^70": descriptor["sectionLength"] = JsonNode.Parse("1180591620717411303424"); break;
            case "sectionLength 2^32": descriptor["sectionLength"] = 1UL << 32; break;
            case "sectionLength 4e9": descriptor["sectionLength"] = 4_000_000_000; break;
            case "recordLength 4e9": header["recordLength"] = 4_000_000_000; break;
            case "creatorID not a guid": header["creatorID"] = "nope"; break;
            case "fruText number": descriptor["fruText"] = 5; break;
            case "sections missing": json.Remove("sections"); break;
            case "node -1.5": memory["node"] = -1.5; break;
            case "node 70000": memory["node"] = 70000; break;
            case "timestamp garbage": header["timestamp"] = "yesterday"; break;
        }
        string file = Path.Combine(_dir, "bad.json"), bin = Path.Combine(_dir, "bad.bin");
        File.WriteAllText(file, json.ToJsonString());

        var r = CliRunner.Run("encode", "--json-style", "libcper", file, "-o", bin);

        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"apeikit: {file}: ", r.Error[..(file.Length + 11)]);
        Assert.Contains(message, r.Error, StringComparison.Ordinal);
        Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("System.", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(bin));
    }

    [Fact]
    public void Encode_libcper_given_apeikits_json_says_so()
    {
        string file = Path.Combine(_dir, "ours.json");
        File.WriteAllText(file, CliRunner.Run("decode", "-f", "json", Fixtures.Path("cper/whea/TestErrorMemory1.bin")).Out);

        var r = CliRunner.Run("encode", "--json-style", "libcper", file, "-o", Path.Combine(_dir, "x.bin"));

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("this is ApeiKit's JSON (decode --format json), not libcper's", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("JsonObject", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_libcper_names_the_document_of_a_bad_ndjson_line()
    {
        string good = JsonNode.Parse(File.ReadAllText(Fixtures.Path("cper/libcper/firmware.json")))!.ToJsonString();
        var bad = JsonNode.Parse(good)!.AsObject();
        bad["header"]!["recordID"] = "twelve";
        string file = Path.Combine(_dir, "two.ndjson");
        File.WriteAllLines(file, [good, bad.ToJsonString()]);

        var r = CliRunner.Run("encode", "--json-style", "libcper", file, "-o", Path.Combine(_dir, "x.bin"));

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("$<document 2>.header.recordID: expected an unsigned integer", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Libcper_reader_reads_a_json_array_of_records()
    {
        var a = JsonNode.Parse(File.ReadAllText(Fixtures.Path("cper/libcper/firmware.json")))!;
        var b = JsonNode.Parse(File.ReadAllText(Fixtures.Path("cper/libcper/dmarvtd.json")))!;
        var records = ApeiKit.Cper.LibCper.LibCperJsonReader.ReadRecords(System.Text.Encoding.UTF8.GetBytes(new JsonArray(a, b).ToJsonString()));
        Assert.Equal(2, records.Count);
        Assert.Throws<ApeiKit.Cper.Json.CperJsonException>(() => ApeiKit.Cper.LibCper.LibCperJsonReader.ReadRecords("[1]"u8));
    }
}
