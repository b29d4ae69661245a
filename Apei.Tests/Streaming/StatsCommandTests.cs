using System.Text.Json;
using ApeiKit.Tests.Cli;
using ApeiKit.Tests.Cper;
using static ApeiKit.Tests.Streaming.StreamTestSupport;

namespace ApeiKit.Tests.Streaming;

public class StatsCommandTests
{
    private static Dictionary<string, long> Counts(JsonElement array, string key = "name")
        => array.EnumerateArray().ToDictionary(e => e.GetProperty(key).GetString() ?? e.GetProperty("guid").GetString()!, e => e.GetProperty("count").GetInt64());

    [Fact]
    public void Counts_on_fixtures_match_what_the_records_hold()
    {
        // By hand: MemoryRecord is corrected, CMC, no creator, one memory section with a physical address
        // (0x123456000) and no node/card/module; TestErrorMemory1/2 are WHEA corrected records with one and two
        // memory sections, node 0 and card 0 valid, no address; arm.cperhex is a fatal ARM record, no notification
        // type or creator. Four garbage bytes sit between the records.
        var mem = CperTestRecords.MemoryRecord();
        using var temp = TempFile.Of(Concat(mem, Fixtures.Binary("cper/whea/TestErrorMemory1.bin"), [1, 2, 3, 4],
            Fixtures.Binary("cper/whea/TestErrorMemory2.bin"), mem, Fixtures.Binary("cper/libcper/arm.cperhex")), ".bin");
        string path = temp.Path;
        var r = CliRunner.Run("stats", "-f", "json", path);
        Assert.Equal(1, r.ExitCode); // the skipped bytes are a problem
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal(5, root.GetProperty("records").GetInt64());
        Assert.Equal(1, root.GetProperty("problems").GetProperty("skippedRanges").GetInt64());
        Assert.Equal(4, root.GetProperty("problems").GetProperty("skippedBytes").GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["corrected"] = 4, ["fatal"] = 1 }, Counts(root.GetProperty("severity")));
        Assert.Equal(new Dictionary<string, long> { ["Platform Memory"] = 5, ["ARM Processor"] = 1 }, Counts(root.GetProperty("sectionTypes")));
        var notifications = Counts(root.GetProperty("notificationTypes"));
        Assert.Equal(2, notifications["Generic (Windows)"]);
        Assert.Equal(2, notifications.Single(kv => kv.Key.Contains("CMC", StringComparison.Ordinal)).Value);
        Assert.Equal(1, notifications["00000000-0000-0000-0000-000000000000"]);
        var creators = Counts(root.GetProperty("creators"));
        Assert.Equal(2, creators["WHEA Record Creator (Windows)"]);
        Assert.Equal(3, creators["00000000-0000-0000-0000-000000000000"]);
        var memory = root.GetProperty("memory");
        Assert.Equal(5, memory.GetProperty("errors").GetInt64());
        Assert.Equal(1, memory.GetProperty("distinctPages").GetInt64());
        Assert.Equal("0x0000000123456000", memory.GetProperty("pages")[0].GetProperty("page").GetString());
        Assert.Equal(2, memory.GetProperty("pages")[0].GetProperty("count").GetInt64());
        var location = Assert.Single(memory.GetProperty("locations").EnumerateArray());
        Assert.Equal(0, location.GetProperty("node").GetInt32());
        Assert.Equal(0, location.GetProperty("card").GetInt32());
        Assert.Equal(JsonValueKind.Null, location.GetProperty("module").ValueKind);
        Assert.Equal(3, location.GetProperty("count").GetInt64());
        Assert.Equal(0, memory.GetProperty("dimms").GetArrayLength()); // no record sets the module handle

        var text = CliRunner.Run("stats", path);
        Assert.Contains("Records: 5 (", text.Out, StringComparison.Ordinal);
        Assert.Contains("0x0000000123456000          2", text.Out, StringComparison.Ordinal);
        Assert.Contains("node 0 card 0 module ?", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Hex_input_and_standard_input_are_counted_too()
    {
        using var doc = CliRunner.Run("stats", "-f", "json", Fixtures.Path("cper/libcper/memory.cperhex")).AssertSucceededWithJson();
        Assert.Equal(1, doc.RootElement.GetProperty("records").GetInt64());

        var mem = CperTestRecords.MemoryRecord();
        var s = CliRunner.RunWithStdin(Concat(mem, mem, mem), "stats", "-f", "json", "-");
        using var doc2 = JsonDocument.Parse(s.Out);
        Assert.Equal(3, doc2.RootElement.GetProperty("records").GetInt64());
    }

    [Fact]
    public void Generated_dumps_are_seeded_and_decode_without_errors()
    {
        using var first = TempFile.Named();
        using var second = TempFile.Named();
        string a = first.Path, b = second.Path;
        Assert.Equal(0, CliRunner.Run("generate", "--size", "200KB", "--seed", "3", "-o", a).ExitCode);
        Assert.Equal(0, CliRunner.Run("generate", "--size", "200KB", "--seed", "3", "-o", b).ExitCode);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.InRange(new FileInfo(a).Length, 200_000, 210_000);
        var stats = CliRunner.Run("stats", "-f", "json", a);
        Assert.Equal(0, stats.ExitCode);
        using var doc = JsonDocument.Parse(stats.Out);
        Assert.Equal(4, doc.RootElement.GetProperty("sectionTypes").GetArrayLength());
        Assert.True(doc.RootElement.GetProperty("severity").GetArrayLength() >= 3);
        var memory = doc.RootElement.GetProperty("memory");
        Assert.True(memory.GetProperty("dimms").GetArrayLength() > 0);
        var decode = CliRunner.Run("decode", "-f", "ndjson", "--jobs", "2", a);
        Assert.Equal(0, decode.ExitCode);
        Assert.Equal("", decode.Error);

        Assert.Equal(0, CliRunner.Run("generate", "--size", "100KB", "--seed", "3", "--mix", "memory", "-o", b).ExitCode);
        using var memoryOnly = JsonDocument.Parse(CliRunner.Run("stats", "-f", "json", b).Out);
        var types = memoryOnly.RootElement.GetProperty("sectionTypes");
        Assert.Equal(1, types.GetArrayLength());
        Assert.Contains("Platform Memory", types[0].ToString(), StringComparison.Ordinal);
    }
}

public class HeavyHittersTests
{
    [Fact]
    public void Counts_are_exact_within_capacity_and_frequent_keys_survive_beyond_it()
    {
        var exact = new ApeiKit.Cper.Statistics.HeavyHitters<int>(10);
        foreach (int k in new[] { 1, 2, 2, 3, 3, 3 }) exact.Add(k);
        Assert.False(exact.IsApproximate);
        Assert.Equal(new Dictionary<int, long> { [1] = 1, [2] = 2, [3] = 3 }, exact.Counts);

        var bounded = new ApeiKit.Cper.Statistics.HeavyHitters<int>(8);
        for (int i = 0; i < 10_000; i++)
        {
            bounded.Add(7);            // a hot key: a third of the stream
            bounded.Add(1000 + i);     // distinct keys
            bounded.Add(50_000 + i);
        }
        Assert.True(bounded.IsApproximate);
        Assert.True(bounded.Count <= 8);
        long hot = bounded.Counts[7];
        Assert.InRange(hot, 10_000 - 30_000 / 9, 10_000); // low by at most N/(capacity+1)
    }
}
