using System.Text.Json;
using ApeiKit.Fuzz;
using ApeiKit.Ghes;
using ApeiKit.Hest;
using ApeiKit.Platform;

namespace ApeiKit.Tests.Hostile;

/// <summary>
/// Inputs the fuzzers found (fixtures/hostile/, one README line each): every one is replayed through its fuzz target's
/// contract (documented exception or success, round trips, allocation budget, well-formed JSON), and each bug has a named test.
/// </summary>
public class HostileInputTests
{
    public static TheoryData<string> HostileFixtures() => new(Fixtures.Files("hostile", "*.bin"));

    /// <summary>The target is the file name's prefix (longest known target name).</summary>
    internal static string TargetOf(string fixture)
    {
        string name = Path.GetFileName(fixture);
        return FuzzTargets.Names.Where(t => name.StartsWith(t + "-", StringComparison.Ordinal)).OrderByDescending(t => t.Length).FirstOrDefault()
            ?? throw new InvalidOperationException($"{name} does not start with a fuzz target name");
    }

    [Theory]
    [MemberData(nameof(HostileFixtures))]
    public void Hostile_fixture_keeps_its_targets_contract(string fixture)
    {
        var bytes = Fixtures.Bytes(fixture);
        string target = TargetOf(fixture);
        FuzzTargets.CheckAllocations = false;
        FuzzTargets.Run(target, bytes); // warm-up: static initialisers are not the input's fault
        FuzzTargets.CheckAllocations = true;
        FuzzTargets.Run(target, bytes);
    }

    public static TheoryData<string> SeedCorpora() => new(FuzzTargets.Names);

    [Theory]
    [MemberData(nameof(SeedCorpora))]
    public void Seed_corpus_keeps_its_targets_contract(string target)
    {
        // AFL refuses to start when a seed crashes: keep fuzz/corpus/TARGET valid as the library changes.
        var folder = Path.Combine(Fixtures.Root, "..", "fuzz", "corpus", target);
        var seeds = Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        Assert.NotEmpty(seeds);
        FuzzTargets.CheckAllocations = false;
        foreach (var seed in seeds) FuzzTargets.Run(target, seed);
        FuzzTargets.CheckAllocations = true;
        foreach (var seed in seeds) FuzzTargets.Run(target, seed);
    }

    [Fact]
    public void Every_hostile_fixture_has_a_readme_line()
    {
        var readme = File.ReadAllText(Fixtures.Path("hostile/README.md"));
        foreach (var fixture in Fixtures.Files("hostile", "*.bin"))
            Assert.Contains(Path.GetFileName(fixture), readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Bert_trailing_bytes_after_the_blocks_render_as_valid_json()
    {
        // Found by the bert target: the trailing bytes were written as a named member inside the block array.
        var bytes = Fixtures.Bytes("hostile/bert-trailing-bytes-json.bin");
        var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
            BertDescriber.Describe(bytes.AsSpan(0, BertTable.Size), 0, bytes.AsSpan(BertTable.Size), BertTable.Size, new JsonRenderer(writer), "bert");
        using var doc = JsonDocument.Parse(stream.ToArray());
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("bootErrorRegion").ValueKind);
        Assert.Equal("aabbccdd", doc.RootElement.GetProperty("trailingBytes").GetString(), ignoreCase: true);
    }

    [Fact]
    public void Bert_table_with_a_non_ascii_oem_id_reencodes_to_the_same_bytes()
    {
        // Found by the bert target: OEM ID / OEM Table ID bytes outside printable ASCII were rewritten on encode.
        var bytes = Fixtures.Bytes("hostile/bert-table-non-ascii-oem.bin");
        Assert.Equal(bytes, BertTableData.Decode(bytes).Encode());
    }

    [Theory]
    // Found by the scenario-json target: the region was written over the HEST and the guest's parse of the
    // overwritten table threw ApeiContentException out of VirtualPlatform.Run.
    [InlineData("hostile/scenario-json-region-overlaps-hest.bin", "$.guest.errorRegionBase", "overlaps the HEST")]
    // Found by the scenario-json target in CI's smoke run: ram0 at HVA 0 and a VMM mapping at HVA 0x5600 overlap, so
    // poison in the VMM's own memory translated to a guest address and the invariant "guest address = host address
    // through the map" failed.
    [InlineData("hostile/scenario-json-vmm-mapping-overlaps-guest-ram.bin", "$.vmm.mappings[0]", "overlaps ram0 in host virtual space")]
    public void Scenario_whose_regions_overlap_is_a_scenario_error(string fixture, string path, string message)
    {
        var json = File.ReadAllText(Fixtures.Path(fixture));
        var e = Assert.Throws<ScenarioException>(() => VirtualPlatform.Run(ScenarioReader.Read(json)));
        Assert.Equal(path, e.Path);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hest_of_hundreds_of_tiny_broken_sources_is_validated_within_the_allocation_budget()
    {
        // Found by the hest target (long run): 329 twenty-byte sources with three findings each made the validator
        // allocate ~58x the table (a formatted message per finding). Findings past HestValidator.DefaultMaxPerRule of
        // one rule are now counted, not formatted, and summarised in one finding.
        var bytes = Fixtures.Bytes("hostile/hest-validator-allocation-budget.bin");
        var all = HestValidator.Validate(bytes, int.MaxValue);
        _ = HestValidator.Validate(bytes); // warm-up
        long before = GC.GetAllocatedBytesForCurrentThread();
        var capped = HestValidator.Validate(bytes);
        long used = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(used < 8L * bytes.Length + 64 * 1024, $"validator allocated {used} bytes for a {bytes.Length}-byte table");
        Assert.Equal(HestValidator.CountFindings(all, FindingSeverity.Error), HestValidator.CountFindings(capped, FindingSeverity.Error));
        Assert.Equal(HestValidator.CountFindings(all, FindingSeverity.Warning), HestValidator.CountFindings(capped, FindingSeverity.Warning));
        Assert.Equal(998, HestValidator.CountFindings(capped, FindingSeverity.Error));
        var summary = Assert.Single(capped, f => f.Rule == "records-to-preallocate" && f.Omitted > 0);
        Assert.Equal(HestValidator.DefaultMaxPerRule, capped.Count(f => f.Rule == "records-to-preallocate" && f.Omitted == 0));
        Assert.Equal(all.Count(f => f.Rule == "records-to-preallocate") - HestValidator.DefaultMaxPerRule, summary.Omitted);
        Assert.Equal(all.Where(f => f.Rule == "records-to-preallocate").ElementAt(HestValidator.DefaultMaxPerRule).Offset, summary.Offset);
    }

    [Fact]
    public void Acpidump_with_two_berts_renders_as_one_json_document()
    {
        // Found by the acpidump target (long run): each BERT was a separate root object, so JSON got two top-level values.
        var text = System.Text.Encoding.UTF8.GetString(Fixtures.Bytes("hostile/acpidump-two-berts-json.bin")); // as the fuzz target reads it
        var stream = new MemoryStream();
        int count;
        using (var writer = new Utf8JsonWriter(stream))
            count = BertAcpiDump.Describe(text, new JsonRenderer(writer));
        Assert.Equal(2, count);
        using var doc = JsonDocument.Parse(stream.ToArray());
        Assert.Equal(2, doc.RootElement.GetProperty("bertTables").GetArrayLength());
    }
}
