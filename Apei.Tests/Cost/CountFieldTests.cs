using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Cost;

/// <summary>Issue #18/#19 rows: counts that do not fit their field are refused by the encoders, never wrapped; encode warns about what decode's default limits refuse.</summary>
public sealed class CountFieldTests() : TempDirectoryTests("apeikit-counts")
{
    private static CperRecord RecordOf(int sections, int bodyBytes = 0)
    {
        var r = new CperRecord { Severity = 2 };
        for (int i = 0; i < sections; i++) r.Sections.Add(new CperSection { Severity = 2, Body = new RawSectionBody(Guid.Parse("11111111-2222-3333-4444-555555555555"), new byte[bodyBytes]) });
        return r;
    }

    [Fact]
    public void A_record_of_66000_sections_is_refused_not_written_with_count_464()
    {
        var r = RecordOf(66_000);
        var e = Assert.Throws<ApeiContentException>(() => r.Encode());
        Assert.Equal("SectionCount", e.Field);
        Assert.Contains("65535", e.Expected, StringComparison.Ordinal);
        Assert.Throws<ApeiContentException>(() => r.TryEncode(new byte[10_000_000], out _));
        Assert.Equal(65_535 * 72 + 128, RecordOf(65_535).GetEncodedLength()); // the largest that fits is fine
    }

    [Fact]
    public void A_block_of_70000_entries_converts_to_no_record_with_count_4464()
    {
        var block = new ErrorStatusBlock { ErrorSeverity = 2, BlockStatus = 0x2 };
        for (int i = 0; i < 70_000; i++) block.Entries.Add(new ErrorDataEntry { ErrorSeverity = 2, Body = new RawSectionBody(Guid.Empty, []) });
        var e = Assert.Throws<ApeiContentException>(() => CperConversion.ToCperRecord(block));
        Assert.Equal("SectionCount", e.Field);
    }

    [Fact]
    public void A_block_of_more_than_1023_entries_needs_its_block_status_given()
    {
        var block = new ErrorStatusBlock { ErrorSeverity = 2 };
        for (int i = 0; i < 1024; i++) block.Entries.Add(new ErrorDataEntry { ErrorSeverity = 2, Body = new RawSectionBody(Guid.Empty, []) });
        var e = Assert.Throws<ApeiContentException>(() => block.Encode());
        Assert.Equal("BlockStatus.ErrorDataEntryCount", e.Field);
        block.Entries.RemoveAt(0);
        Assert.Equal(1023u, (block.ComputeBlockStatus() >> 4) & 0x3FF);
        block.Entries.Add(block.Entries[0]);
        block.BlockStatus = 0x2;
        Assert.Equal(20 + 1024 * 72, block.Encode().Length); // given explicitly, the caller decides
    }

    [Fact]
    public void Encode_warns_when_decode_will_refuse_the_record_and_still_writes_it()
    {
        string bin = PathOf("many.bin"), json = PathOf("many.json"), output = PathOf("out.bin");
        File.WriteAllBytes(bin, RecordOf(1100, 4).Encode());
        // decode has no flag for the section limit: the JSON comes from the library, given the raised limit.
        var raised = new CperDecodeOptions { Limits = new DecoderLimits { MaxSectionsPerRecord = 2000 } };
        File.WriteAllText(json, CperRecordView.Read(File.ReadAllBytes(bin), out _, options: raised).ToJson(options: raised));

        var r = CliRunner.Run("encode", json, "-o", output);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("warning: decode will refuse record 0", r.Error, StringComparison.Ordinal);
        Assert.Contains("(the limit on sections per record)", r.Error, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(bin), File.ReadAllBytes(output));
    }

    [Fact]
    public void Encode_warns_about_a_record_larger_than_decodes_default_max_record_size()
    {
        string bin = PathOf("big.bin"), json = PathOf("big.json"), output = PathOf("out.bin");
        File.WriteAllBytes(bin, RecordOf(1, 1_200_000).Encode());
        var decoded = CliRunner.Run("decode", "-f", "json", "--max-record-size", "2MiB", bin);
        Assert.Equal(0, decoded.ExitCode);
        File.WriteAllText(json, decoded.Out);

        var r = CliRunner.Run("encode", json, "-o", output);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("--max-record-size", r.Error, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(bin), File.ReadAllBytes(output));
    }
}
