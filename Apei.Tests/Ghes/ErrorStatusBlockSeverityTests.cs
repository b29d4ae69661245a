using System.Text.Json;
using ApeiKit.Ghes;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Ghes;

/// <summary>
/// An entry's Error Severity outside 0-3 (ACPI 6.5 Table 18.12 takes the CPER section severities, UEFI 2.10 N.2.2) has
/// one truth: <see cref="GhesBlockValidator"/> warns of it, and both block decoders (strict and lenient) decode the
/// entry, its value kept. Only the CPER conversion refuses it, so <c>stats</c> counts that one block as malformed.
/// </summary>
public class ErrorStatusBlockSeverityTests() : TempDirectoryTests("apeikit-gesb-severity-")
{
    private static byte[] Block(uint entrySeverity)
    {
        var block = new ErrorStatusBlock { ErrorSeverity = 2 };
        block.Entries.Add(new ErrorDataEntry { ErrorSeverity = 2, Body = GhesTestBlocks.Memory(0x1000) });
        block.Entries.Add(new ErrorDataEntry { ErrorSeverity = entrySeverity, Body = GhesTestBlocks.Memory(0x2000) });
        return block.Encode();
    }

    [Fact]
    public void An_entry_severity_past_3_is_the_validators_warning_at_its_offset_and_both_decoders_keep_the_entry()
    {
        var bytes = Block(55555);
        var check = GhesBlockValidator.Validate(bytes, (ulong)bytes.Length, baseOffset: 0x1000);
        Assert.True(check.IsValid);
        var finding = Assert.Single(check.Findings);
        Assert.Equal(GhesFindingKind.SeverityOutOfRange, finding.Kind);
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        // Block header 20 bytes (Table 18.11), the first entry 72 + its body, then Error Severity at entry byte 16 (Table 18.12).
        int secondEntry = 20 + 72 + GhesTestBlocks.Memory(0x1000).GetEncodedLength();
        Assert.Equal(55555u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(secondEntry + 16)));
        ContentError.AssertSays(finding.ToException(), "Generic Error Data Entry #1", "ErrorSeverity", 0x1000 + secondEntry + 16, "0-3", "55555");

        var errors = new List<ApeiContentException>();
        var lenient = ErrorStatusBlock.Decode(bytes, out int consumed, errors, baseOffset: 0x1000);
        Assert.Empty(errors);
        Assert.Equal(bytes.Length, consumed);
        var strict = ErrorStatusBlock.Decode(bytes, out consumed, baseOffset: 0x1000); // agrees with the validator: does not throw
        Assert.Equal(bytes.Length, consumed);
        foreach (var block in new[] { lenient, strict })
        {
            Assert.Equal(2, block.Entries.Count);
            Assert.Equal(55555u, block.Entries[1].ErrorSeverity);
            Assert.Equal(bytes, block.Encode()); // nothing lost
        }
    }

    [Fact]
    public void Severities_0_to_3_are_no_finding_and_4_is_a_warning_only()
    {
        for (uint s = 0; s <= 3; s++)
        {
            var errors = new List<ApeiContentException>();
            ErrorStatusBlock.Decode(Block(s), out _, errors);
            Assert.Empty(errors);
            Assert.DoesNotContain(GhesBlockValidator.Validate(Block(s)).Findings, f => f.Kind == GhesFindingKind.SeverityOutOfRange);
        }
        var four = GhesBlockValidator.Validate(Block(4));
        Assert.True(four.IsValid);
        Assert.Equal("4", Assert.Single(four.Findings, f => f.Kind == GhesFindingKind.SeverityOutOfRange).Found);
        Assert.Equal(4u, ErrorStatusBlock.Decode(Block(4), out _).Entries[1].ErrorSeverity);
    }

    [Fact]
    public void The_fuzz_found_block_decodes_strictly_and_the_validator_warns_of_its_entry_severity()
    {
        // fixtures/hostile/cli-decode-stats-gesb-entry-severity-55555.bin: the block whose entry says 55555 (README there).
        var bytes = Fixtures.Bytes("hostile/cli-decode-stats-gesb-entry-severity-55555.bin");
        var check = GhesBlockValidator.Validate(bytes);
        Assert.True(check.IsValid);
        Assert.Equal("55555", Assert.Single(check.Findings, f => f.Kind == GhesFindingKind.SeverityOutOfRange && f.Field == "ErrorSeverity").Found);
        var block = ErrorStatusBlock.Decode(bytes, out int consumed);
        Assert.Equal(bytes.Length, consumed);
        Assert.Contains(block.Entries, e => e.ErrorSeverity == 55555);
    }

    [Fact]
    public void Stats_over_a_BERT_region_counts_the_other_blocks_records_and_that_block_as_one_malformed()
    {
        // A BERT table (ACPI 6.5 Table 18.2) and its region: a good block, the fuzz-found block, a good block, then the
        // zero BlockStatus that ends the region (§18.3.1). Each good block converts to one CPER record; the middle one's
        // conversion refuses its entry severity (UEFI 2.10 N.2.2), so it alone is malformed.
        var bad = Fixtures.Bytes("hostile/cli-decode-stats-gesb-entry-severity-55555.bin");
        var good = GhesTestBlocks.TwoEntryBytes();
        var region = good.Concat(bad).Concat(good).Concat(new byte[32]).ToArray();
        Write("BERT", new BertTableData { RegionLength = (uint)region.Length, RegionAddress = 0x1000 }.Encode());
        Directory.CreateDirectory(PathOf("data"));
        Write(Path.Combine("data", "BERT"), region);

        var r = CliRunner.Run("stats", "-f", "json", Dir);
        Assert.Equal(1, r.ExitCode); // the malformed block is a problem, not a usage error (2)
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal(3, root.GetProperty("records").GetInt64()); // the malformed one counts as a record too
        Assert.Equal(1, root.GetProperty("problems").GetProperty("malformed").GetInt64());
        // The two good blocks' records are counted: Block Error Severity 1 (fatal), one memory section each.
        var severity = Assert.Single(root.GetProperty("severity").EnumerateArray());
        Assert.Equal(("fatal", 2L), (severity.GetProperty("name").GetString(), severity.GetProperty("count").GetInt64()));
        Assert.Equal(2, root.GetProperty("memory").GetProperty("errors").GetInt64());
    }
}
