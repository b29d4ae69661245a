using System.Text;
using System.Text.Json.Nodes;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Cper.LibCper;
using ApeiKit.Ghes;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The review leftovers of issue #12 where behaviour changed: the one range-or-padding test of the JSON readers, item
/// offsets and lengths read as every other integer is, the libcper reader's paths and base64 fields, the text decode
/// gives zero padding and unrecognised bytes, and the one "unknown" rendering of an enumerated value.
/// </summary>
public class ReviewMendTests
{
    private static byte[] Arm => Fixtures.Binary("cper/libcper/arm.cperhex");

    private static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    private static JsonNode LibCperDoc(string name) => JsonNode.Parse(File.ReadAllText(Fixtures.Path($"cper/libcper/{name}.json")))!;

    private static CperJsonException LibCperRefuses(JsonNode doc) => Assert.Throws<CperJsonException>(() => LibCperJsonReader.ToBinary(doc.ToJsonString()));

    // ---- CperJsonReader.IsRangeOrPadding: an object with a header is a record (a stray member refused), never skipped ----

    [Fact]
    public void A_record_with_a_stray_padding_member_is_refused_not_skipped()
    {
        // Before, "padding" alone made the object padding: ReadRecords skipped the record without a word.
        const string json = """[{"header": {"recordId": 7}, "sections": []}, {"header": {"recordId": 8}, "sections": [], "padding": "zero"}]""";

        var e = Assert.Throws<CperJsonException>(() => CperJsonReader.ReadRecords(Utf8(json)));

        Assert.Equal("$[1].padding", e.Path);
        Assert.Contains("unknown member", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Range_and_padding_items_are_told_from_records_and_blocks_by_one_test()
    {
        const string padding = """{"offset": 0, "length": 4, "padding": "zero"}""";
        const string range = """{"offset": 4, "length": 1, "error": {"message": "m", "structure": "input", "offset": 4}, "data": "aa"}""";
        foreach (var item in new[] { padding, range })
            Assert.True(CperJsonReader.IsRangeOrPadding(System.Text.Json.JsonDocument.Parse(item).RootElement), item);
        Assert.False(CperJsonReader.IsRangeOrPadding(System.Text.Json.JsonDocument.Parse("""{"header": {}, "padding": "zero"}""").RootElement));
        Assert.False(CperJsonReader.IsRangeOrPadding(System.Text.Json.JsonDocument.Parse("""{"sections": [], "error": {}}""").RootElement));

        // The block reader keeps them in order between blocks, as the record reader does.
        var items = ErrorStatusBlockJsonReader.ReadItems(Utf8($"[{padding}, {range}]"), null);
        Assert.Equal([CperJsonItemKind.ZeroPadding, CperJsonItemKind.Bytes], items.Select(i => i.Kind));
    }

    // ---- offsets and lengths: JsonFieldReader.Count, the forms JsonFieldReader.Integer reads ----

    [Fact]
    public void Item_offsets_and_lengths_may_be_hex_strings_as_decodes_text_shows_them()
    {
        var warnings = new List<CperJsonWarning>();
        var items = CperJsonReader.ReadItems(Utf8("""
            [{"offset": "0x0", "length": "0x10", "padding": "zero"},
             {"offset": "0x10", "length": "2", "error": {"message": "m", "structure": "input", "offset": 16}, "data": "abcd"}]
            """), warnings);

        Assert.Empty(warnings);
        Assert.Equal([16L, 2L], items.Select(i => i.Length));
        Assert.Equal([0L, 16L], items.Select(i => i.Offset!.Value));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("\"-1\"")]
    [InlineData("\"0x\"")]
    [InlineData("\"16 bytes\"")]
    [InlineData("1.5")]
    [InlineData("9223372036854775808")] // past long: an offset no stream has
    [InlineData("\"0x8000000000000000\"")]
    [InlineData("true")]
    public void Offsets_that_are_not_non_negative_integers_are_still_refused(string offset)
    {
        var e = Assert.Throws<CperJsonException>(() => CperJsonReader.ReadItems(Utf8($$"""{"offset": {{offset}}, "length": 4, "padding": "zero"}""")));

        Assert.Equal("$.offset", e.Path);
        // A string is told the forms accepted, as JsonFieldReader.Integer tells it; a number needs no such note.
        bool isString = offset.StartsWith('"');
        Assert.Contains(isString ? "expected a non-negative integer (number, or decimal or \"0x..\" string), found " : "expected a non-negative integer, found ",
            e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_items_length_that_differs_is_still_one_warning()
    {
        var warnings = new List<CperJsonWarning>();

        var items = CperJsonReader.ReadItems(Utf8("""{"offset": 0, "length": "0x10", "header": {}, "sections": []}"""), warnings);

        var w = Assert.Single(warnings);
        Assert.Equal("$.length", w.Path);
        Assert.StartsWith($"the item says 16 bytes, but the record encodes to {CperRecordHeader.Size}", w.Message, StringComparison.Ordinal);
        Assert.Equal(CperRecordHeader.Size, Assert.Single(items).Length);
    }

    // ---- libcper's JSON: Lc.PathOf where a member is null, Lc.B64Into for every base64 field ----

    [Fact]
    public void A_null_nested_object_is_refused_with_its_path()
    {
        var doc = LibCperDoc("arm");
        doc["sections"]![0]!["ArmProcessor"]!["errorInfo"]![0]!["errorInformation"]!["tlbError"] = null;

        var e = LibCperRefuses(doc);

        Assert.Equal("$.sections[0].ArmProcessor.errorInfo[0].errorInformation.tlbError", e.Path); // was "tlbError": a name, not a path
        Assert.Contains("expected an object, found null", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_array_element_is_refused_with_its_path()
    {
        var doc = LibCperDoc("pcidev");
        doc["sections"]![0]!["PciComponent"]!["registerDataPairs"]![1] = null;

        var e = LibCperRefuses(doc);

        Assert.Equal("$.sections[0].PciComponent.registerDataPairs[1]", e.Path); // was "registerDataPairs"
        Assert.Contains("expected an object, found null", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_base64_field_longer_than_its_field_is_refused_naming_the_field()
    {
        var doc = LibCperDoc("dmarvtd");
        doc["sections"]![0]!["VtdDmar"]!["rootEntry"] = Convert.ToBase64String(new byte[17]);

        var e = LibCperRefuses(doc);

        Assert.Equal("$.sections[0].VtdDmar.rootEntry", e.Path);
        Assert.Contains("expected at most 16 bytes (the rootEntry field), found 17", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pcie_register_blocks_read_their_base64_as_any_base64_field()
    {
        var doc = LibCperDoc("pcie");
        doc["sections"]![0]!["Pcie"]!["aerInfo"]!["data"] = Convert.ToBase64String(new byte[97]);

        var e = LibCperRefuses(doc);

        Assert.Equal("$.sections[0].Pcie.aerInfo.data", e.Path);
        Assert.Contains("expected at most 96 bytes (the aerInfo field), found 97", e.Message, StringComparison.Ordinal);
    }

    // ---- what decode's text says of zero padding and unrecognised bytes ----

    [Fact]
    public void Zero_padding_between_records_is_said_once_with_what_happens_to_it()
    {
        using var temp = TempFile.Of([.. Arm, .. new byte[16], .. Arm]);
        int at = Arm.Length;

        var r = CliRunner.Run("decode", temp.Path);

        r.AssertSucceeded();
        var lines = r.Out.Split('\n');
        int heading = Array.FindIndex(lines, l => l.StartsWith("Zero padding", StringComparison.Ordinal));
        Assert.Equal($"Zero padding (at 0x{at:X}, 16 bytes)", lines[heading]);
        // The note does not repeat the heading's length; it says what the bytes are not and who writes them back.
        Assert.Equal("  Note: not a CPER record: kept, and written back by encode (decode's JSON has \"padding\": \"zero\")", lines[heading + 1]);
        Assert.DoesNotContain("ignored", r.Out, StringComparison.Ordinal);

        // What the note says: decode's JSON then encode gives the 16 zeros back where they were.
        using var json = TempFile.Of(CliRunner.Run("decode", "-f", "json", temp.Path).Out, ".json");
        using var back = TempFile.Named();
        CliRunner.Run("encode", json.Path, "-o", back.Path).AssertSucceeded();
        Assert.Equal(File.ReadAllBytes(temp.Path), File.ReadAllBytes(back.Path));
    }

    [Fact]
    public void Zero_padding_between_error_status_blocks_names_the_encode_that_writes_it_back()
    {
        var block = ApeiKit.Ghes.CperConversion.ToErrorStatusBlock(CperRecord.Decode(Arm, out _)).Encode();
        using var temp = TempFile.Of([.. block, .. new byte[32], .. block]);

        var r = CliRunner.Run("decode", "--input", "gesb", temp.Path);

        r.AssertSucceeded();
        var lines = r.Out.Split('\n');
        int heading = Array.FindIndex(lines, l => l.StartsWith("Zero padding", StringComparison.Ordinal));
        Assert.Equal($"Zero padding (at 0x{block.Length:X}, 32 bytes)", lines[heading]);
        Assert.Equal("  Note: not a Generic Error Status Block: kept, and written back by encode --framing gesb (decode's JSON has \"padding\": \"zero\")", lines[heading + 1]);

        // What the note says: plain encode (CPER framing) refuses blocks' JSON; encode --framing gesb gives every byte back.
        using var json = TempFile.Of(CliRunner.Run("decode", "--input", "gesb", "-f", "json", temp.Path).Out, ".json");
        using var back = TempFile.Named();
        Assert.NotEqual(0, CliRunner.Run("encode", json.Path, "-o", back.Path).ExitCode);
        CliRunner.Run("encode", json.Path, "--framing", "gesb", "-o", back.Path).AssertSucceeded();
        Assert.Equal(File.ReadAllBytes(temp.Path), File.ReadAllBytes(back.Path));
    }

    [Fact]
    public void Unrecognised_bytes_give_their_offset_once_in_the_heading_and_once_in_the_error()
    {
        using var temp = TempFile.Of([.. Arm, 1, 2, 3, 4, .. Arm]);
        int at = Arm.Length;

        var r = CliRunner.Run("decode", temp.Path);

        Assert.Contains($"Unrecognised bytes (at 0x{at:X}, 4 bytes)\n", r.Out, StringComparison.Ordinal);
        Assert.Contains(r.ErrorLines, l => l.EndsWith($": Unrecognised bytes: input, at offset 0x{at:X} ({at}): expected a CPER record (signature \"CPER\"), found 4 bytes starting 01 02 03 04", StringComparison.Ordinal));
        var libcper = CliRunner.Run("decode", "-f", "ndjson", "--json-style", "libcper", temp.Path);
        Assert.Contains(libcper.ErrorLines, l => l.EndsWith($": Unrecognised bytes at offset 0x{at:X} ({at}), 4 bytes: not a CPER record; skipped.", StringComparison.Ordinal));
    }

    // ---- ApeiEncodable.Length: a model too large for an array says so, not .NET's overflow ----

    [Fact]
    public void A_hest_table_too_large_to_encode_says_so_not_arithmetic_overflow()
    {
        // One 7,180-byte machine check source (255 banks, one bank object) listed 300,000 times: over 2 GiB encoded, a
        // few megabytes of references held.
        var source = new ApeiKit.Hest.Ia32MachineCheckSource();
        var bank = new ApeiKit.Hest.MachineCheckBank();
        for (int i = 0; i < byte.MaxValue; i++) source.Banks.Add(bank);
        var table = new ApeiKit.Hest.HestTableModel();
        table.Sources.AddRange(Enumerable.Repeat<ApeiKit.Hest.HestSource>(source, 300_000));
        long expected = ApeiKit.Hest.HestLayouts.TableHeaderSize + 300_000L * source.GetEncodedLength();

        var e = Assert.Throws<InvalidOperationException>(() => table.GetEncodedLength()); // was OverflowException: "Arithmetic operation resulted in an overflow."

        Assert.Equal($"Too large to encode: the HEST table would be {expected} bytes (at most {Array.MaxLength}).", e.Message);
        Assert.Throws<InvalidOperationException>(() => table.TryEncode(new byte[16], out _));
    }

    // ---- CperRecord.SectionsEnd: where the sections end, RecordLength and fillers left out (and left alone) ----

    [Fact]
    public void The_end_of_a_records_sections_leaves_out_record_length_and_fillers()
    {
        var record = CperRecord.Decode(Arm, out _);
        int natural = record.GetEncodedLength();
        record.RecordLength = (uint)natural + 64;
        record.Fillers.Add((natural + 8, [1, 2, 3]));

        Assert.Equal(natural, record.SectionsEnd());
        Assert.Equal((uint)natural + 64, record.RecordLength);
        Assert.Equal(natural + 64, record.GetEncodedLength());
    }

    // ---- FieldFormat.Unknown: the one "7 (unknown)" ----

    [Fact]
    public void An_unnamed_enumerated_value_reads_the_same_in_a_field_and_a_bit_field()
    {
        NameTable names = [new(0, "zero")];
        var field = new FieldDef("kind", "Kind", 0, 1, FieldKind.Enum) { Names = names };
        var bits = new BitFieldDef("kind", "Kind", 0, 4) { Names = names };

        Assert.Equal("7 (unknown)", FieldFormat.Unknown(7));
        Assert.Equal("7 (unknown)", FieldFormat.Value(field, [7], false));
        Assert.Equal("7 (unknown)", FieldFormat.BitValue(bits, 7));
        Assert.Equal("zero (0)", FieldFormat.Value(field, [0], false));
        Assert.Equal("zero (0)", FieldFormat.BitValue(bits, 0));
    }
}
