using System.Buffers.Binary;
using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Ghes;

/// <summary>
/// Issue #18: encode reads back the JSON decode prints for error status blocks, and every conversion between CPER
/// records and error status blocks says what it dropped.
/// </summary>
public sealed class ConversionRoundTripTests() : TempDirectoryTests("apeikit-conversion-")
{
    /// <summary>The error status blocks the tests and fixtures hold: built ones (revision 0x300 and 0x201 entries, raw data), the BERT region, and blocks made from WHEA records.</summary>
    public static TheoryData<string> Blocks() => ["two-entries", "two-entries-raw", "bert-region", "whea-memory", "whea-multiple4"];

    private static byte[] Block(string name) => name switch
    {
        "two-entries" => GhesTestBlocks.TwoEntryBytes(),
        "two-entries-raw" => GhesTestBlocks.TwoEntries(raw: [0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3]).Encode(),
        "bert-region" => GhesTestBlocks.BertRegionBytes,
        "whea-memory" => CperConversion.ToErrorStatusBlock(CperRecord.Decode(Fixtures.Bytes("cper/whea/TestErrorMemory1.bin"), out _)).Encode(),
        "whea-multiple4" => CperConversion.ToErrorStatusBlock(CperRecord.Decode(Fixtures.Bytes("cper/whea/TestErrorMultiple4.bin"), out _), dropHighFlags: true).Encode(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>Regression: encode refused decode's JSON for a block (<c>$.entries: unknown member</c>).</summary>
    [Theory]
    [MemberData(nameof(Blocks))]
    public void Encode_reads_decodes_block_json_and_writes_the_block_back_byte_identical(string name)
    {
        var original = Block(name);
        string gesb = Write(name + ".gesb", original), json = PathOf(name + ".json"), back = PathOf(name + ".back");
        var decoded = CliRunner.Run("decode", "--input", "gesb", "-f", "json", gesb);
        File.WriteAllText(json, decoded.Out);

        var r = CliRunner.Run("encode", json, "--framing", "gesb", "-o", back);

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("wrote 1 error status block", r.Error, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexString(original), Convert.ToHexString(File.ReadAllBytes(back)));
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Encode_converts_decodes_block_json_to_cper(string name)
    {
        var original = Block(name);
        string gesb = Write(name + ".gesb", original), json = PathOf(name + ".json"), back = PathOf(name + ".cper");
        File.WriteAllText(json, CliRunner.Run("decode", "--input", "gesb", "-f", "ndjson", gesb).Out);

        var r = CliRunner.Run("encode", json, "--framing", "cper", "-o", back);

        Assert.True(r.ExitCode == 0, r.Error);
        var expected = CperConversion.ToCperRecord(ErrorStatusBlock.Decode(original, out _)).Encode();
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(File.ReadAllBytes(back)));
        if (name == "two-entries-raw") Assert.Contains("1 error status block: raw data and entry revisions other than 0x300 have no place in a CPER record and were dropped", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_section_length_left_out_inside_a_block_is_the_entrys_error_data_length()
    {
        // An ARM processor section's Section Length (UEFI 2.10 N.2.4.4) is the length of its entry's body (ACPI 6.5
        // 18.3.2.7.1 Error Data Length): left out of the JSON, it was written as 0 (and 415, the block's length, before)
        // and the block still encoded. The block is libcper's ARM record put in a block by encode.
        string a = PathOf("a.gesb"), json = PathOf("g.json"), back = PathOf("n.gesb");
        File.WriteAllText(json, CliRunner.Run("decode", "--format", "json", Fixtures.Path("cper/libcper/arm.cperhex")).Out);
        var made = CliRunner.Run("encode", "--framing", "gesb", json, "-o", a);
        Assert.True(made.ExitCode == 0, made.Error);
        var original = File.ReadAllBytes(a);
        var block = DecodedJson.FirstRecord(CliRunner.Run("decode", "--input", "gesb", "-f", "json", a).Out);
        var body = block["entries"]![0]!["body"]!.AsObject();
        Assert.True(body.Remove("sectionLength"));
        File.WriteAllText(json, block.ToJsonString());

        var r = CliRunner.Run("encode", json, "--framing", "gesb", "-o", back);

        Assert.True(r.ExitCode == 0, r.Error);
        var written = File.ReadAllBytes(back);
        // Block header 20 bytes, entry header 72 (revision 0x300): the body at 92, its Section Length at 100.
        uint errorDataLength = BinaryPrimitives.ReadUInt32LittleEndian(original.AsSpan(GenericErrorStatus.BlockHeaderSize + GenericErrorStatus.ErrorDataLengthOffset));
        Assert.Equal(errorDataLength, BinaryPrimitives.ReadUInt32LittleEndian(written.AsSpan(GenericErrorStatus.BlockHeaderSize + GenericErrorStatus.EntryHeaderSizeWithTimestamp + ArmProcessorSection.DeclaredSectionLengthField.Offset)));
        Assert.Equal(Convert.ToHexString(original), Convert.ToHexString(written));
    }

    [Fact]
    public void Encode_reads_an_array_of_blocks()
    {
        var a = Block("two-entries");
        var b = Block("whea-memory");
        var decoded = CliRunner.Run("decode", "--input", "gesb", "-f", "json", Write("a.gesb", a), Write("b.gesb", b));
        string json = PathOf("both.json"), back = PathOf("both.back");
        File.WriteAllText(json, decoded.Out);
        Assert.StartsWith("[", decoded.Out.TrimStart(), StringComparison.Ordinal);

        var r = CliRunner.Run("encode", json, "--framing", "gesb", "-o", back);

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("wrote 2 error status blocks", r.Error, StringComparison.Ordinal);
        Assert.Equal([.. a, .. b], File.ReadAllBytes(back));
    }

    [Fact]
    public void Encode_of_a_broken_block_json_names_the_path()
    {
        string json = PathOf("bad.json");
        File.WriteAllText(json, """{"header": {"blockStatus": 18, "dataLength": 152, "errorSeverity": "corrected"}, "entries": [{"entryHeader": {"sectionType": "a5bc1114-6f64-4ede-b863-3e83ed7c83b1", "revision": 768, "errorDataLength": 80}, "body": {"physicalAddress": "zzz"}}]}""");

        var r = CliRunner.Run("encode", json, "--framing", "gesb", "-o", PathOf("bad.bin"));

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("$.entries[0].body.physicalAddress: expected an unsigned integer", r.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Regression: CPER -> GESB dropped creator ID, notification type and record ID (and platform ID, partition ID,
    /// record flags, persistence information, ...) without a word. The library says which.
    /// </summary>
    [Fact]
    public void Loss_to_an_error_status_block_names_every_header_field_with_a_value()
    {
        var record = new CperRecord
        {
            Severity = 2, ValidationBits = 0x7, PlatformId = Guid.NewGuid(), PartitionId = Guid.NewGuid(), CreatorId = Guid.NewGuid(),
            NotificationType = CperGuids.NotifyCmc, RecordId = 42, Flags = 4, PersistenceInformation = 9,
            Timestamp = GhesTestBlocks.Timestamp,
        };
        record.Sections.Add(new CperSection { Severity = 2, Flags = 0x101, Revision = 0x0201, Body = GhesTestBlocks.Memory() });

        var loss = CperConversion.LossToErrorStatusBlock(record, out var warning);

        Assert.Equal(ConversionLoss.PlatformId | ConversionLoss.PartitionId | ConversionLoss.CreatorId | ConversionLoss.NotificationType
            | ConversionLoss.RecordId | ConversionLoss.RecordFlags | ConversionLoss.PersistenceInformation | ConversionLoss.SectionRevision
            | ConversionLoss.SectionFlagsHigh, loss);
        Assert.Equal(ConversionWarning.None, warning); // a BCD timestamp
        Assert.Equal(ConversionLoss.Timestamp | ConversionLoss.PlatformId | ConversionLoss.PartitionId | ConversionLoss.CreatorId | ConversionLoss.NotificationType
            | ConversionLoss.RecordId | ConversionLoss.RecordFlags | ConversionLoss.PersistenceInformation | ConversionLoss.SectionRevision
            | ConversionLoss.SectionFlagsHigh, CperConversion.LossToErrorStatusBlock(record, out _, entryRevision: 0x0201));

        var plain = new CperRecord { Severity = 2 };
        plain.Sections.Add(new CperSection { Severity = 2, Body = GhesTestBlocks.Memory() });
        Assert.Equal(ConversionLoss.None, CperConversion.LossToErrorStatusBlock(plain, out _));
    }

    [Fact]
    public void Loss_to_an_error_status_block_names_bytes_after_the_sections()
    {
        var record = new CperRecord { Severity = 2 };
        record.Sections.Add(new CperSection { Severity = 2, Body = GhesTestBlocks.Memory() });
        var bytes = record.Encode().Concat(Enumerable.Repeat((byte)0xAB, 16)).ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(CperRecordHeader.RecordLengthOffset), (uint)bytes.Length);

        var loss = CperConversion.LossToErrorStatusBlock(CperRecord.Decode(bytes, out _), out _);

        Assert.Equal(ConversionLoss.RecordGapBytes, loss);
    }

    [Fact]
    public void Loss_to_a_cper_record_names_raw_data_block_status_and_other_entry_timestamps()
    {
        var block = GhesTestBlocks.TwoEntries(raw: [1, 2, 3]);
        block.Entries[1].Revision = 0x0300;
        block.Entries[1].Timestamp = CperTimestamp.FromDateTime(new DateTime(2026, 11, 25, 9, 0, 0, DateTimeKind.Utc));
        block.BlockStatus = 0x3;

        Assert.Equal(ConversionLoss.RawData | ConversionLoss.BlockStatus | ConversionLoss.EntryTimestamps, CperConversion.LossToCperRecord(block));
        Assert.Equal(ConversionLoss.EntryRevision, CperConversion.LossToCperRecord(GhesTestBlocks.TwoEntries()));
    }

    /// <summary>Regression: the CLI said nothing; now one line per group of fields, with counts, once per run (not one per record).</summary>
    [Fact]
    public void Convert_to_gesb_reports_dropped_header_fields_once_per_run_with_counts()
    {
        string dump = PathOf("dump.bin");
        Assert.Equal(0, CliRunner.Run("generate", "--size", "200KB", "--seed", "5", "-o", dump).ExitCode);
        byte[] bytes = File.ReadAllBytes(dump);
        int records = 0;
        for (int offset = 0; offset < bytes.Length; records++) { CperRecord.Decode(bytes.AsSpan(offset), out int n); offset += n; }

        var r = CliRunner.Run("convert", "--to", "gesb", dump, "-o", PathOf("dump.gesb"));

        Assert.Equal(0, r.ExitCode);
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(lines.Length, 1, 4);
        // The generated dump holds fatal records: Linux's reaction to them in a GHES is one line for all of them.
        Assert.Single(lines, l => l.Contains("blocks, the first block", StringComparison.Ordinal) && l.Contains("GHES: Fatal hardware error", StringComparison.Ordinal));
        Assert.Contains($"apeikit: {dump}: {records} records: notification type and record ID have no place in an error status block and were dropped", lines);
        Assert.Contains(lines, l => l.Contains("creator ID has no place in an error status block and was dropped", StringComparison.Ordinal));
    }

    [Fact]
    public void Convert_to_gesb_of_a_windows_record_reports_the_header_fields_and_warns_of_its_binary_timestamp()
    {
        var r = CliRunner.Run("convert", "--to", "gesb", Fixtures.Path("cper/whea/TestErrorMultiple4.bin"), "-o", PathOf("w.gesb"));

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("1 record: creator ID, notification type, record ID and record flags have no place in an error status block and were dropped", r.Error, StringComparison.Ordinal);
        Assert.Contains("timestamp is not BCD", r.Error, StringComparison.Ordinal);
        Assert.Contains("Linux reads a data entry's timestamp as BCD", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_to_gesb_without_the_option_offers_bcd_timestamps()
    {
        var r = CliRunner.Run("convert", "--to", "gesb", Fixtures.Path("cper/whea/TestErrorMultiple4.bin"), "-o", PathOf("w.gesb"));
        Assert.Contains("--bcd-timestamps rewrites such a timestamp as BCD (the same instant)", r.Error, StringComparison.Ordinal);
        var block = ErrorStatusBlock.Decode(File.ReadAllBytes(PathOf("w.gesb")), out _);
        var record = CperRecord.Decode(File.ReadAllBytes(Fixtures.Path("cper/whea/TestErrorMultiple4.bin")), out _);
        Assert.Equal(record.Timestamp, block.Entries[0].Timestamp); // carried as written
    }

    /// <summary>A Windows record's binary timestamp becomes BCD for the same instant, which Linux's cper_print_tstamp (bcd2bin on each byte) then prints right.</summary>
    [Theory]
    [InlineData("cper/whea/TestErrorMultiple4.bin")]
    [InlineData("cper/whea/TestErrorMemory1.bin")]
    public void Convert_to_gesb_with_bcd_timestamps_rewrites_a_binary_timestamp_as_the_same_instant(string fixture)
    {
        string output = PathOf("bcd.gesb");
        var r = CliRunner.Run("convert", "--to", "gesb", "--bcd-timestamps", Fixtures.Path(fixture), "-o", output);

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("1 record: the binary timestamp (as Windows writes it) was rewritten as BCD, the same instant", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("timestamp is not BCD", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("--bcd-timestamps rewrites", r.Error, StringComparison.Ordinal);
        var record = CperRecord.Decode(File.ReadAllBytes(Fixtures.Path(fixture)), out _);
        Assert.True(record.Timestamp.TryDecode(preferBinary: true, out var when, out var encoding));
        Assert.Equal(TimestampEncoding.Binary, encoding);
        var block = ErrorStatusBlock.Decode(File.ReadAllBytes(output), out _);
        foreach (var e in block.Entries)
        {
            Assert.True(e.Timestamp.TryGetDateTime(TimestampEncoding.Bcd, out var bcdWhen));
            Assert.Equal(when, bcdWhen);
            Assert.Equal(record.Timestamp.Flags, e.Timestamp.Flags);
            Assert.NotEqual(record.Timestamp, e.Timestamp);
        }
        Assert.DoesNotContain(LinuxConsumerLint.CheckGhesBlock(block, GuestArchitecture.X86, "block"), w => w.Kind == LinuxLintKind.TimestampNotBcd);
    }

    [Fact]
    public void Bcd_timestamp_rewrite_keeps_the_flags_and_leaves_bcd_ones_alone()
    {
        var when = new DateTime(2025, 9, 3, 10, 34, 15, DateTimeKind.Utc);
        var binary = new CperRecord { CreatorId = CperGuids.CreatorWhea, ValidationBits = 2, Timestamp = CperTimestamp.FromDateTime(when, TimestampEncoding.Binary, precise: true) };
        Assert.True(CperConversion.TryBcdTimestamp(binary, out var bcd));
        Assert.Equal(0x2025_0903_0110_3415ul, bcd.Raw); // century, year, month, day, flags (precise), hour, minute, second
        var block = CperConversion.ToErrorStatusBlock(binary, bcdTimestamps: true);
        Assert.Empty(block.Entries); // no sections: nothing to carry it
        binary.Sections.Add(new CperSection { Severity = 2, Body = new ArmProcessorSection() });
        Assert.Equal(bcd, CperConversion.ToErrorStatusBlock(binary, bcdTimestamps: true).Entries[0].Timestamp);
        Assert.Equal(binary.Timestamp, CperConversion.ToErrorStatusBlock(binary).Entries[0].Timestamp);
        CperConversion.LossToErrorStatusBlock(binary, out var warning, bcdTimestamps: true);
        Assert.Equal(ConversionWarning.TimestampRewrittenAsBcd, warning);
        CperConversion.LossToErrorStatusBlock(binary, out warning);
        Assert.Equal(ConversionWarning.TimestampNotBcd, warning);

        var already = new CperRecord { ValidationBits = 2, Timestamp = CperTimestamp.FromDateTime(when) };
        Assert.False(CperConversion.TryBcdTimestamp(already, out _));
        var unmarked = new CperRecord { CreatorId = CperGuids.CreatorWhea, Timestamp = binary.Timestamp };
        Assert.False(CperConversion.TryBcdTimestamp(unmarked, out _));
        var nonsense = new CperRecord { ValidationBits = 2, Timestamp = new CperTimestamp(0xFFFF_FFFF_FFFF_FFFF) };
        Assert.False(CperConversion.TryBcdTimestamp(nonsense, out _));
    }

    [Fact]
    public void Bcd_timestamps_is_refused_where_it_does_not_apply()
    {
        var r = CliRunner.Run("convert", "--to", "cper", "--bcd-timestamps", Write("raw.gesb", GhesTestBlocks.TwoEntries(raw: [1, 2, 3]).Encode()), "-o", PathOf("raw.cper"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--bcd-timestamps applies to --to gesb", r.Error, StringComparison.Ordinal);
        var e = CliRunner.Run("encode", Fixtures.Path("cper/whea/TestErrorMemory1.bin"), "--bcd-timestamps", "-o", PathOf("x.bin"));
        Assert.Equal(2, e.ExitCode);
        Assert.Contains("--bcd-timestamps applies to --framing gesb", e.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_with_gesb_framing_and_bcd_timestamps_rewrites_the_timestamp()
    {
        var decoded = CliRunner.Run("decode", "-f", "json", Fixtures.Path("cper/whea/TestErrorMemory1.bin"));
        string json = PathOf("m.json");
        File.WriteAllText(json, decoded.Out);
        string output = PathOf("m.gesb");

        var r = CliRunner.Run("encode", json, "--framing", "gesb", "--bcd-timestamps", "-o", output);

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("was rewritten as BCD, the same instant", r.Error, StringComparison.Ordinal);
        var entry = ErrorStatusBlock.Decode(File.ReadAllBytes(output), out _).Entries[0];
        Assert.True(entry.Timestamp.TryGetDateTime(TimestampEncoding.Bcd, out var when));
        Assert.Equal(new DateTime(2025, 9, 3, 10, 34, 15, DateTimeKind.Utc), when); // decode shows this record's time as 2025-09-03 10:34:15
    }

    [Fact]
    public void Encode_with_gesb_framing_reports_dropped_header_fields()
    {
        var decoded = CliRunner.Run("decode", "-f", "json", Fixtures.Path("cper/whea/TestErrorMemory1.bin"));
        string json = PathOf("m.json");
        File.WriteAllText(json, decoded.Out);

        var r = CliRunner.Run("encode", json, "--framing", "gesb", "-o", PathOf("m.gesb"));

        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"apeikit: {json}: 1 record: creator ID, notification type and record ID have no place in an error status block and were dropped", r.Error, StringComparison.Ordinal);
        Assert.Contains("timestamp is not BCD", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_to_cper_reports_dropped_block_fields()
    {
        var r = CliRunner.Run("convert", "--to", "cper", Write("raw.gesb", GhesTestBlocks.TwoEntries(raw: [1, 2, 3]).Encode()), "-o", PathOf("raw.cper"));

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("1 error status block: raw data and entry revisions other than 0x300 have no place in a CPER record and were dropped", r.Error, StringComparison.Ordinal);
    }
}
