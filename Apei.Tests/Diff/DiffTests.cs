using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Hest;
using ApeiKit.Tests.Cli;
using ApeiKit.Tests.Ghes;
using ApeiKit.Tests.Hest;

namespace ApeiKit.Tests.Diff;

/// <summary>
/// <c>apeikit diff</c> and the library's <see cref="StructureDiff"/>: real fixtures and modified copies. Besides the
/// snapshots, every byte that differs between two inputs of one length must lie in a reported field, and every reported
/// changed field must hold a differing byte (the diff is held against a plain byte comparison, not against itself).
/// </summary>
public sealed class DiffTests() : TempDirectoryTests("apeikit-diff-")
{
    /// <summary>The output with the temporary folder's name taken out (snapshots must not depend on it).</summary>
    private string Stable(string output) => output.Replace(Dir + Path.DirectorySeparatorChar, "", StringComparison.Ordinal).Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>The ProLiant HEST (fwts' acpidump) with one field changed in the first source and the last source removed.</summary>
    private static byte[] ModifiedProLiant()
    {
        var model = HestTableModel.Decode(HestTestData.ProLiant());
        model.Sources[0].MaxSectionsPerRecord = 4;
        ((PcieAerSource)model.Sources[1]).UncorrectableErrorMask ^= 0x10;
        model.Sources.RemoveAt(model.Sources.Count - 1);
        model.ErrorSourceCountOverride = null;
        model.ChecksumOverride = null;
        return model.Encode();
    }

    [Fact]
    public void Two_real_whea_records_differ_in_header_fields_and_an_added_section()
    {
        var r = CliRunner.Run("diff", Fixtures.Path("cper/whea/TestErrorMemory1.bin"), Fixtures.Path("cper/whea/TestErrorMemory2.bin"));
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Error);
        Assert.Contains("+ [0x00C8] sections[1] (Section 1: Platform Memory): added", r.Out, StringComparison.Ordinal);
        Snapshot.Verify(Stable(r.Out.Replace(Fixtures.Root + Path.DirectorySeparatorChar, "", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_hest_and_its_modified_copy_from_acpidump_text_and_binary()
    {
        string b = Write("modified.hest", ModifiedProLiant());
        var r = CliRunner.Run("diff", "--table", "HEST", Fixtures.Path("acpidump/hest-acpidump-0001.log"), b);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Error);
        Assert.Contains("errorSources[0].maxSectionsPerRecord (Max sections per record): 1 -> 4", r.Out, StringComparison.Ordinal);
        Assert.Contains("- [0x0084] errorSources[2] (Error source #2: PCI Express/PCI-X Bridge AER, source ID 8): removed", r.Out, StringComparison.Ordinal);
        Snapshot.Verify(Stable(r.Out.Replace(Fixtures.Root + Path.DirectorySeparatorChar, "", StringComparison.Ordinal)));

        var json = CliRunner.Run("diff", "-f", "json", "--table", "HEST", Fixtures.Path("acpidump/hest-acpidump-0001.log"), b);
        Assert.Equal(1, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.False(doc.RootElement.GetProperty("equal").GetBoolean());
        Assert.Equal("a HEST table", doc.RootElement.GetProperty("kind").GetString());
        var removed = doc.RootElement.GetProperty("differences").EnumerateArray().Single(d => d.GetProperty("change").GetString() == "removed");
        Assert.Equal("errorSources[2]", removed.GetProperty("path").GetString());
        Assert.Equal(0x84, removed.GetProperty("oldOffset").GetInt64());
        Assert.Equal(JsonValueKind.Null, removed.GetProperty("newOffset").ValueKind);
    }

    [Fact]
    public void The_same_table_in_two_forms_has_no_differences()
    {
        // acpidump text on one side, the binary table as hex text on the other: the same bytes once decoded.
        string hex = PathOf("hest.hex");
        File.WriteAllText(hex, Convert.ToHexString(HestTestData.ProLiant()));
        var r = CliRunner.Run("diff", "-t", "HEST", Fixtures.Path("acpidump/hest-acpidump-0001.log"), hex);
        Assert.Equal("", r.Error);
        Assert.Equal(0, r.ExitCode);
        Assert.EndsWith("no differences\n", r.Out.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cper/whea/TestErrorMemory1.bin")]
    [InlineData("cper/whea/TestErrorMultiple1.bin")]
    [InlineData("cper/whea-edk2/whea_04.bin")]
    [InlineData("cper/libcper/arm.cperhex")]
    [InlineData("cper/libcper/pcie.cperhex")]
    public void Every_differing_byte_of_a_modified_record_is_in_a_reported_field(string fixture)
    {
        byte[] a = Fixtures.Binary(fixture);
        var rng = new Random(fixture.Length); // deterministic per fixture
        byte[] b = (byte[])a.Clone();
        // Flip bytes in the section bodies (after the header and descriptors), so the record still frames the same way.
        var view = CperRecordView.Read(a, out _);
        int first = CperRecordView.DescriptorOffset(view.DescriptorCount);
        var flipped = new HashSet<int>();
        for (int i = 0; i < 6; i++)
        {
            int at = rng.Next(first, a.Length);
            b[at] ^= (byte)(1 + rng.Next(255));
            flipped.Add(at);
        }
        var diff = StructureDiff.Compare(a, b, (s, o, v) => CperRecordDescriber.Describe(s, o, v, "CPER record", out _));
        Assert.False(diff.AreEqual);
        var recordedOld = new WalkRecorder();
        CperRecordDescriber.Describe(a, 0, recordedOld, "CPER record", out _);
        foreach (int at in flipped.Where(x => a[x] != b[x]))
        {
            Assert.Contains(diff.Differences, d => d.Change != DiffChange.Added && d.OldOffset is { } o
                && (d.Kind is WalkEntryKind.Structure
                    ? recordedOld.Entries.Any(e => e.Path == d.Path && o <= at && at < o + e.Length)
                    : o <= at && at < o + Length(recordedOld, d.Path)));
        }
        foreach (var d in diff.Differences.Where(d => d.Change == DiffChange.Changed && d.Kind is WalkEntryKind.Field or WalkEntryKind.Data))
        {
            long o = d.OldOffset!.Value;
            Assert.Contains(flipped, at => o <= at && at < o + Length(recordedOld, d.Path));
        }
    }

    private static long Length(WalkRecorder walk, string path) => walk.Entries.First(e => e.Path == path).Length;

    [Fact]
    public void An_added_entry_of_an_error_status_block_is_one_added_structure()
    {
        var one = GhesTestBlocks.TwoEntries();
        var two = GhesTestBlocks.TwoEntries();
        one.Entries.RemoveAt(1);
        var diff = StructureDiff.Compare(one.Encode(), two.Encode(), (s, o, v) => ErrorStatusBlockDescriber.Describe(s, o, v, "block"));
        var added = Assert.Single(diff.Differences, d => d.Change == DiffChange.Added);
        Assert.Equal("entries[1]", added.Path);
        Assert.Equal(WalkEntryKind.Structure, added.Kind);
        Assert.Null(added.OldOffset);
        Assert.Contains(diff.Differences, d => d.Path == "header.dataLength" && d.Change == DiffChange.Changed);
    }

    [Fact]
    public void A_section_body_of_another_type_is_reported_once_as_replaced()
    {
        var a = CperRecord.Decode(Fixtures.Binary("cper/whea/TestErrorMemory1.bin"), out _);
        var b = CperRecord.Decode(Fixtures.Binary("cper/whea/TestErrorMemory1.bin"), out _);
        b.Sections[0].Body = new ProcessorGenericSection();
        b.Sections[0].SectionType = null;
        b.Sections[0].Length = null;
        var diff = StructureDiff.Compare(a.Encode(), b.Encode(), (s, o, v) => CperRecordDescriber.Describe(s, o, v, "CPER record", out _));
        var body = Assert.Single(diff.Differences, d => d.Path == "sections[0].body");
        Assert.Equal(DiffChange.Changed, body.Change);
        Assert.Equal("Platform Memory", body.OldValue);
        Assert.Equal("Processor Generic", body.NewValue);
        Assert.DoesNotContain(diff.Differences, d => d.Path.StartsWith("sections[0].body.", StringComparison.Ordinal));
    }

    [Fact]
    public void Inputs_of_two_kinds_or_an_ambiguous_dump_are_errors_with_exit_code_2()
    {
        var r = CliRunner.Run("diff", Fixtures.Path("cper/whea/TestErrorMemory1.bin"), Write("hest.bin", HestTestData.ProLiant()));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("diff compares two inputs of the same kind", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);

        r = CliRunner.Run("diff", Fixtures.Path("acpidump/hest-acpidump-0001.log"), Fixtures.Path("acpidump/hest-acpidump-0001.log"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("pick one with --table", r.Error, StringComparison.Ordinal);

        r = CliRunner.Run("diff", Write("junk.bin", [1, 2, 3]), Fixtures.Path("cper/whea/TestErrorMemory1.bin"));
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.ErrorLines);

        r = CliRunner.Run("diff", Fixtures.Path("cper/whea/TestErrorMemory1.bin"), PathOf("missing.bin"));
        Assert.Equal(2, r.ExitCode);

        r = CliRunner.Run("diff", Fixtures.Path("cper/whea/TestErrorMemory1.bin"), Write("big.bin", new byte[(8 << 20) + 1]));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("diff compares inputs of at most 8 MiB", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_records_are_compared_record_by_record()
    {
        byte[] m1 = Fixtures.Bytes("cper/whea/TestErrorMemory1.bin"), m2 = Fixtures.Bytes("cper/whea/TestErrorMemory2.bin");
        string a = Write("a.bin", [.. m1, .. m2]);
        string b = Write("b.bin", [.. m1, .. m2, .. m1]);
        var r = CliRunner.Run("diff", a, b);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"+ [0x{m1.Length + m2.Length:X4}] records[2] (CPER record): added", r.Out, StringComparison.Ordinal);
        Assert.Contains("1 difference(s): 0 changed, 1 added, 0 removed", r.Out, StringComparison.Ordinal);
    }
}
