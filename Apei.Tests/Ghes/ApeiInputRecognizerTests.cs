using System.Buffers.Binary;
using ApeiKit.Cli;
using ApeiKit.Cper;
using ApeiKit.Ghes;

namespace ApeiKit.Tests.Ghes;

/// <summary>
/// The library's one input recogniser (<see cref="ApeiInputRecognizer"/>, issue #17 item 3): every fixture form is
/// recognised as the <c>apeikit</c> command's streamed <c>InputSource</c> reads it (same encoding, same form, same bytes,
/// same origins and errors), and the regions it gives are the records, blocks and tables the fixtures were built from.
/// </summary>
public sealed class ApeiInputRecognizerTests
{
    // The regions each fixture holds, counted apart from ApeiKit: for CPER files by libcper's harness
    // (/tmp/libcper-build/cper-ndjson: one record each), for the others by how fixtures/fleet/make.py and fixtures/README.md
    // built them. R: a CPER record, U: bytes that are no whole record (the walk does not look past them), T: a table,
    // B: a BERT's boot error region, A: acpidump text.
    [Theory]
    [InlineData("cper/whea/TestErrorMemory1.bin", ApeiInputFormat.Binary, ApeiInputContent.CperRecords, "R")]
    [InlineData("cper/libcper/memory.cperhex", ApeiInputFormat.Hex, ApeiInputContent.CperRecords, "R")]
    [InlineData("cper/crashlog/cper.whea", ApeiInputFormat.Binary, ApeiInputContent.CperRecords, "R")]
    [InlineData("fleet/whea-memory-padded.xxd", ApeiInputFormat.HexDump, ApeiInputContent.CperRecords, "R U")] // TestErrorMemory1, then 1000 zero bytes and TestErrorMemory2
    [InlineData("fleet/whea-memory-padded.hexdump", ApeiInputFormat.HexDump, ApeiInputContent.CperRecords, "R U")]
    [InlineData("fleet/redfish-logentries.json", ApeiInputFormat.Redfish, ApeiInputContent.CperRecords, "R R R")] // a record, a section body, a descriptor and section
    [InlineData("fleet/redfish-malformed.json", ApeiInputFormat.Redfish, ApeiInputContent.CperRecords, "R")] // entry 14 only: 10-13 give no record
    [InlineData("fleet/pldm-record.bin", ApeiInputFormat.Pldm, ApeiInputContent.CperRecords, "R")]
    [InlineData("fleet/pldm-section.bin", ApeiInputFormat.Pldm, ApeiInputContent.CperRecords, "R")]
    [InlineData("fleet/pldm-past-end.bin", ApeiInputFormat.Pldm, ApeiInputContent.CperRecords, "R")] // whea_01 whole, its event length 100 bytes past the file
    [InlineData("fleet/whea-events.xml", ApeiInputFormat.WheaXml, ApeiInputContent.CperRecords, "R R")] // two WHEA-Logger events and one other event
    [InlineData("fleet/whea-events-utf16.xml", ApeiInputFormat.WheaXml, ApeiInputContent.CperRecords, "R R")]
    [InlineData("fleet/dmesg-hardware-errors.txt", ApeiInputFormat.Dmesg, ApeiInputContent.CperRecords, "R R")] // the {1} and {2} error blocks
    [InlineData("bert/dummy.bert", ApeiInputFormat.Binary, ApeiInputContent.Table, "T B")]
    [InlineData("erst-store/qemu-erst-store.bin", ApeiInputFormat.Binary, ApeiInputContent.Table, "T")]
    [InlineData("acpidump/hest-acpidump-0001.log", ApeiInputFormat.AcpiDumpText, ApeiInputContent.Table, "A")]
    [InlineData("acpidump/hest-proliant.xxd", ApeiInputFormat.HexDump, ApeiInputContent.Table, "T")]
    [InlineData("acpidump/hest-proliant.hexdump", ApeiInputFormat.HexDump, ApeiInputContent.Table, "T")]
    public void Each_form_is_recognised_as_the_command_reads_it(string fixture, ApeiInputFormat format, ApeiInputContent content, string regions)
    {
        byte[] file = Fixtures.Bytes(fixture);
        var input = new ApeiInputRecognizer().Recognize(file);
        Assert.Equal(format, input.Format);
        Assert.Equal(content, input.Content);
        Assert.Equal(regions, string.Join(' ', input.Regions.Select(r => r.Kind switch
        {
            ApeiInputRegionKind.CperRecord => "R", ApeiInputRegionKind.Unrecognized => "U", ApeiInputRegionKind.Table => "T",
            ApeiInputRegionKind.BootErrorRegion => "B", ApeiInputRegionKind.AcpiDumpText => "A", _ => r.Kind.ToString(),
        })));
        Assert.Equal(input.Bytes.Length, input.Regions.Sum(r => r.Length)); // every byte in a region
        Assert.Equal(input.Regions.Select(r => r.Offset).Skip(1), input.Regions.Select(r => r.Offset + r.Length).SkipLast(1));

        // Decode, for a format already known (the command's whole-file reads): what Recognize gives but the regions, and
        // a binary input or acpidump text is the array given, not a copy.
        var decoded = new ApeiInputRecognizer().Decode(file, input.Format);
        Assert.Equal((input.Format, input.Content), (decoded.Format, decoded.Content));
        Assert.Equal(input.Bytes, decoded.Bytes);
        Assert.Equal(input.Origins, decoded.Origins);
        Assert.Equal(input.Errors, decoded.Errors);
        Assert.Equal(input.Notices, decoded.Notices);
        Assert.Empty(decoded.Regions);
        Assert.Equal(format is ApeiInputFormat.Binary or ApeiInputFormat.AcpiDumpText, ReferenceEquals(file, decoded.Bytes));

        using var source = InputSource.Open(fixture, new MemoryStream(file, writable: false), file.Length, InputEncoding.Auto);
        Assert.Equal(content switch { ApeiInputContent.Table => InputForm.Table, ApeiInputContent.ErrorStatusBlocks => InputForm.ErrorStatusBlocks, _ => InputForm.CperRecords }, source.Form);
        Assert.Equal(format == ApeiInputFormat.AcpiDumpText, source.IsAcpiDumpText);
        Assert.Equal(format is ApeiInputFormat.AcpiDumpText ? "Binary" : format.ToString(), source.Encoding.ToString());
        using var streamed = new MemoryStream();
        source.Stream.CopyTo(streamed);
        Assert.Equal(input.Bytes, streamed.ToArray());
        Assert.Equal(source.Origins ?? [], input.Origins);
        Assert.Equal(source.Errors, input.Errors);
        Assert.Equal(source.WrapperNotices, input.Notices);
    }

    [Fact]
    public void Records_back_to_back_are_regions_of_their_record_length_and_a_cut_tail_is_unrecognised()
    {
        // The EDK2 WHEA fixtures are records captured from firmware: each file is one record, so the file lengths are
        // the regions; a tail of the first record cut to 100 bytes is no whole record.
        var files = Directory.GetFiles(Fixtures.Path("cper/whea-edk2"), "*.bin").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        byte[] all = [.. files.SelectMany(f => f), .. files[0].AsSpan(0, 100).ToArray()];
        var input = new ApeiInputRecognizer().Recognize(all);
        Assert.Equal([.. files.Select(f => (long)f.Length), 100L], input.Regions.Select(r => r.Length));
        Assert.All(input.Regions.SkipLast(1), r => Assert.Equal(ApeiInputRegionKind.CperRecord, r.Kind));
        var tail = input.Regions[^1];
        Assert.Equal(ApeiInputRegionKind.Unrecognized, tail.Kind);
        Assert.Equal(all.Length - 100, tail.Offset);
        Assert.NotNull(tail.Error);
        Assert.Null(tail.Origin);
    }

    [Fact]
    public void A_bert_with_its_region_is_a_table_region_then_the_boot_error_region()
    {
        byte[] file = Fixtures.Bytes("bert/dummy.bert");
        uint tableLength = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(4)); // ACPI 6.5 Table 18.2: Length at byte 4
        var input = new ApeiInputRecognizer().Recognize(file);
        Assert.Equal([(ApeiInputRegionKind.Table, 0L, (long)tableLength), (ApeiInputRegionKind.BootErrorRegion, tableLength, file.Length - tableLength)],
            input.Regions.Select(r => (r.Kind, r.Offset, r.Length)));
    }

    [Fact]
    public void Wrapped_records_carry_their_entry_and_error_status_blocks_are_walked_by_their_length()
    {
        var pldm = new ApeiInputRecognizer().Recognize(Fixtures.Bytes("fleet/pldm-section.bin"));
        var region = Assert.Single(pldm.Regions);
        Assert.Equal(ApeiInputRegionKind.CperRecord, region.Kind);
        Assert.StartsWith("PLDM CPER event #1 at offset 0", region.Origin!.Entry, StringComparison.Ordinal);
        Assert.True(region.Origin.HeaderSynthesised);
        Assert.Same(region.Origin, pldm.OriginAt(region.Offset));

        byte[] block = GhesTestBlocks.BertRegionBytes;
        var blocks = new ApeiInputRecognizer(new ApeiInputOptions { ErrorStatusBlocks = true }).Recognize(block);
        Assert.Equal(ApeiInputContent.ErrorStatusBlocks, blocks.Content);
        Assert.Equal(ApeiInputRegionKind.ErrorStatusBlock, blocks.Regions[0].Kind);
        // ACPI 6.5 Table 18.11: the block ends after its Data Length bytes of entries or after its raw data, whichever is later.
        uint rawOffset = BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(4)), rawLength = BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(8));
        uint dataLength = BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(12));
        Assert.Equal(Math.Max(20L + dataLength, rawLength == 0 ? 0 : (long)rawOffset + rawLength), blocks.Regions[0].Length);
    }

    [Fact]
    public void A_lone_section_is_wrapped_with_a_note_naming_where_its_type_came_from()
    {
        byte[] body = Fixtures.Bytes("fleet/memory-section-body.bin");
        var input = new ApeiInputRecognizer(new ApeiInputOptions { SectionType = CperGuids.PlatformMemory }).Recognize(body);
        Assert.Equal(ApeiInputFormat.Section, input.Format);
        var origin = Assert.Single(input.Origins);
        Assert.Contains("(ApeiInputOptions.SectionType; severity informational: no ApeiInputOptions.Severity given)", origin.Note, StringComparison.Ordinal);
        var record = CperRecordView.Read(input.Bytes, out _);
        Assert.Equal(CperGuids.PlatformMemory, record.GetDescriptor(0).SectionType);
        Assert.Equal(body, record.GetSectionBody(0).ToArray());

        var empty = new ApeiInputRecognizer(new ApeiInputOptions { SectionType = CperGuids.PlatformMemory }).Recognize([]);
        Assert.Equal(["the section is empty"], empty.Errors);
        Assert.Throws<ArgumentException>(() => new ApeiInputRecognizer().Unwrap([1, 2, 3], ApeiInputFormat.Section));
        Assert.Throws<FormatException>(() => new ApeiInputRecognizer(new ApeiInputOptions { SectionType = CperGuids.PlatformMemory, Format = ApeiInputFormat.Hex }).Recognize("zz"u8));
    }
}
