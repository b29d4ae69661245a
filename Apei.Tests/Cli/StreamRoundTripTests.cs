using System.Text;
using System.Text.Json;
using ApeiKit.Cper.Json;

namespace ApeiKit.Tests.Cli;

/// <summary>
/// Decode then encode gives back the same bytes when the input holds bytes that are not records: decode's JSON (and
/// NDJSON) of a stream has an item for every range, with its offset and length (unrecognised bytes with their data, zero
/// padding as <c>{"padding": "zero"}</c>, a record cut short with its data), and encode writes every item back in order.
/// The streams are real captures (Windows WHEA test errors, edk2 WHEA records, libcper's reader's IA32/X64 record) with
/// junk, zeros and a cut copy put around them.
/// </summary>
public sealed class StreamRoundTripTests() : TempDirectoryTests("apeikit-stream-rt-")
{
    /// <summary>Real captures (fixtures/cper, see their provenance in fixtures/README.md).</summary>
    internal static readonly string[] Captures =
    [
        "cper/whea/TestErrorMultiple3.bin", "cper/whea/TestErrorFirmware1.bin", "cper/whea/TestErrorMemory1.bin",
        "cper/whea-edk2/whea_06.bin", "cper/whea-edk2/whea_10.bin", "cper/libcper-ir-to-cper/ia32x64-normal.bin",
    ];

    /// <summary>Ways to put bytes that are not records around a capture.</summary>
    internal static readonly string[] Shapes = ["junk-between", "cut-at-end", "zeros-between-and-after", "junk-first-and-all"];

    /// <summary>Bytes with no "CPER" in them and no zeros: an unrecognised range.</summary>
    private static byte[] Junk(int n) => [.. Enumerable.Range(0, n).Select(i => (byte)(0x41 + i % 7))];

    /// <summary>The stream <paramref name="shape"/> makes of <paramref name="capture"/>.</summary>
    internal static byte[] Stream(string capture, string shape)
    {
        var f = Fixtures.Binary(capture);
        var cut = f[..(f.Length / 2)];
        return shape switch
        {
            "junk-between" => [.. f, .. Junk(37), .. f],
            "cut-at-end" => [.. f, .. cut],
            "zeros-between-and-after" => [.. f, .. new byte[64], .. f, .. new byte[100]],
            "junk-first-and-all" => [.. Junk(5), .. f, .. new byte[16], .. Junk(3), .. f, .. new byte[8], .. f, .. cut],
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
    }

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var c in Captures)
            foreach (var s in Shapes)
                foreach (var format in new[] { "json", "ndjson" })
                    data.Add(c, s, format);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_then_encode_gives_the_same_bytes(string capture, string shape, string format)
    {
        var bytes = Stream(capture, shape);
        string bin = Write("in.bin", bytes), json = PathOf("out." + format), back = PathOf("back.bin");
        var decoded = CliRunner.Run("decode", "-f", format, bin);
        Assert.Equal(shape == "zeros-between-and-after" ? 0 : 1, decoded.ExitCode); // unrecognised bytes and a cut record are errors, padding is not
        File.WriteAllText(json, decoded.Out);

        var encoded = CliRunner.Run("encode", json, "-o", back);

        Assert.True(encoded.ExitCode == 0, encoded.Error);
        // Every offset agrees with where it is written: the only warning is the cut record's (its bytes are written, not its members).
        var warnings = encoded.Error.Split('\n').Where(l => l.Contains("warning", StringComparison.Ordinal)).ToList();
        if (shape is "cut-at-end" or "junk-first-and-all")
            Assert.Contains($".data: a cut record: its {Fixtures.Binary(capture).Length / 2} bytes in \"data\" are written as they are; its other members were read and checked, not written", Assert.Single(warnings), StringComparison.Ordinal);
        else
            Assert.Empty(warnings);
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(File.ReadAllBytes(back)));
    }

    /// <summary>Every item that is not a whole record says its range, and the ranges tile the input with the records'.</summary>
    [Theory]
    [InlineData("cper/whea/TestErrorMultiple3.bin")]
    [InlineData("cper/whea-edk2/whea_06.bin")]
    public void Every_item_that_is_not_a_record_carries_its_range(string capture)
    {
        var bytes = Stream(capture, "junk-first-and-all");
        int f = Fixtures.Binary(capture).Length;
        string bin = Write("in.bin", bytes);
        var decoded = CliRunner.Run("decode", "-f", "ndjson", bin);
        Assert.Equal(decoded.Out, CliRunner.Run("decode", "-f", "ndjson", "-j", "2", bin).Out); // several jobs write the same items

        var items = decoded.OutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();

        // junk, record, zeros then junk (one unrecognised range: it is not all zeros), record, padding, record, cut record
        Assert.Equal(7, items.Count);
        var ranges = items.Where(i => i.TryGetProperty("offset", out _)).Select(i => (i.GetProperty("offset").GetInt64(), i.GetProperty("length").GetInt64())).ToList();
        Assert.Equal([(0L, 5L), (5L + f, 19L), (5L + 2 * f + 19, 8L), (5L + 3 * f + 27, f / 2)], ranges);
        Assert.Equal("4142434445", items[0].GetProperty("data").GetString());
        Assert.True(items[0].TryGetProperty("error", out _));
        Assert.Equal("00000000000000000000000000000000414243", items[2].GetProperty("data").GetString());
        Assert.Equal("zero", items[4].GetProperty("padding").GetString());
        Assert.False(items[4].TryGetProperty("data", out _));
        Assert.True(items[6].TryGetProperty("header", out _)); // the cut record keeps its decoded part beside its bytes
        Assert.Equal(Convert.ToHexString(bytes.AsSpan(bytes.Length - f / 2)), items[6].GetProperty("data").GetString(), ignoreCase: true);
    }

    [Fact]
    public void Encode_refuses_an_item_whose_bytes_decode_did_not_keep()
    {
        var f = Fixtures.Binary("cper/whea/TestErrorMemory1.bin");
        byte[] bytes = [.. f, .. Junk(5000), .. f];
        var decoded = CliRunner.Run("decode", "-f", "json", Write("in.bin", bytes));
        string json = PathOf("in.json");
        File.WriteAllText(json, decoded.Out);
        Assert.Contains("\"dataOmitted\"", decoded.Out, StringComparison.Ordinal);

        var encoded = CliRunner.Run("encode", json, "-o", PathOf("back.bin"));

        encoded.AssertFailedSaying("$[1].dataOmitted: expected the item's bytes in \"data\", found none (decode did not keep these 5000 bytes", exitCode: 1);
        Assert.False(File.Exists(PathOf("back.bin")));
    }

    [Fact]
    public void An_offset_that_disagrees_with_the_items_before_it_is_a_warning()
    {
        var f = Fixtures.Binary("cper/whea-edk2/whea_10.bin");
        var decoded = CliRunner.Run("decode", "-f", "ndjson", Write("in.bin", [.. f, .. f, .. new byte[32]]));
        var lines = decoded.OutLines;
        Assert.Equal(3, lines.Length);
        string json = PathOf("edited.ndjson");
        File.WriteAllText(json, lines[0] + "\n" + lines[2] + "\n"); // the second record taken out by hand

        var encoded = CliRunner.Run("encode", json, "-o", PathOf("back.bin"));

        Assert.Equal(0, encoded.ExitCode);
        Assert.Contains($"warning: $<document 2>.offset: the item says offset {2 * f.Length}, but the items before it take {f.Length} bytes: it is written at {f.Length}", encoded.Error, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexString([.. f, .. new byte[32]]), Convert.ToHexString(File.ReadAllBytes(PathOf("back.bin"))));
    }

    [Fact]
    public void Gesb_framing_refuses_bytes_that_are_not_records_with_the_path()
    {
        var f = Fixtures.Binary("cper/whea/TestErrorMemory1.bin");
        var decoded = CliRunner.Run("decode", "-f", "json", Write("in.bin", [.. f, .. new byte[16], .. f]));
        string json = PathOf("in.json");
        File.WriteAllText(json, decoded.Out);

        CliRunner.Run("encode", json, "--framing", "gesb", "-o", PathOf("back.bin"))
            .AssertFailedSaying("$[1]: expected a record (--framing gesb frames records as error status blocks), found zero padding (16 bytes)", exitCode: 1);
    }

    /// <summary>A record object of decode's JSON for <paramref name="bytes"/> whose last item is a cut record: the lines, the cut record's index.</summary>
    private (List<string> Lines, int Cut) CutStream(byte[] f)
    {
        var decoded = CliRunner.Run("decode", "-f", "ndjson", Write("in.bin", [.. f, .. f[..(f.Length / 2)]]));
        var lines = decoded.OutLines.ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains("\"data\"", lines[1], StringComparison.Ordinal);
        return (lines, 1);
    }

    private static string Edit(string line, Action<System.Text.Json.Nodes.JsonObject> edit)
    {
        var o = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
        edit(o);
        return o.ToJsonString();
    }

    [Fact]
    public void A_cut_records_members_are_read_and_a_bad_one_is_refused()
    {
        var (lines, cut) = CutStream(Fixtures.Binary("cper/whea/TestErrorMemory1.bin"));
        lines[cut] = Edit(lines[cut], o => { o["header"] = "garbage"; o["sections"] = 42; });
        File.WriteAllLines(PathOf("edited.ndjson"), lines);

        CliRunner.Run("encode", PathOf("edited.ndjson"), "-o", PathOf("back.bin"))
            .AssertFailedSaying("$<document 2>.header: expected", exitCode: 1);
        Assert.False(File.Exists(PathOf("back.bin")));
    }

    [Fact]
    public void Data_on_a_whole_record_without_offset_and_length_is_refused()
    {
        var f = Fixtures.Binary("cper/whea/TestErrorMemory1.bin");
        var decoded = CliRunner.Run("decode", "-f", "ndjson", Write("in.bin", f));
        File.WriteAllText(PathOf("edited.ndjson"), Edit(decoded.OutLines[0], o => o["data"] = "00"));

        CliRunner.Run("encode", PathOf("edited.ndjson"), "-o", PathOf("back.bin"))
            .AssertFailedSaying("$.offset: required member missing: a record with \"data\" is a record decode cut short", exitCode: 1);
    }

    [Fact]
    public void A_cut_record_without_its_data_is_encoded_from_its_members_with_a_warning_on_its_length()
    {
        var f = Fixtures.Binary("cper/whea/TestErrorMemory1.bin");
        var (lines, cut) = CutStream(f);
        lines[cut] = Edit(lines[cut], o => o.Remove("data"));
        File.WriteAllLines(PathOf("edited.ndjson"), lines);

        var encoded = CliRunner.Run("encode", PathOf("edited.ndjson"), "-o", PathOf("back.bin"));

        Assert.True(encoded.ExitCode == 0, encoded.Error);
        long written = File.ReadAllBytes(PathOf("back.bin")).Length - f.Length;
        Assert.NotEqual(f.Length / 2, written);
        Assert.Contains($"warning: $<document 2>.length: the item says {f.Length / 2} bytes, but the record encodes to {written}: {written} are written", encoded.Error, StringComparison.Ordinal);
    }

    /// <summary>Blocks with junk and zeros between them: decode --input gesb, then encode --framing gesb, gives every byte back; cper framing refuses what is not a block.</summary>
    [Fact]
    public void Error_status_blocks_with_bytes_between_them_are_written_back_or_refused_with_the_path()
    {
        var block = ApeiKit.Ghes.CperConversion.ToErrorStatusBlock(ApeiKit.Cper.CperRecord.Decode(Fixtures.Binary("cper/whea/TestErrorMemory1.bin"), out _)).Encode();
        byte[] bytes = [.. block, .. Junk(9), .. block, .. new byte[32], .. block];
        var decoded = CliRunner.Run("decode", "--input", "gesb", "-f", "ndjson", Write("in.gesb", bytes));
        File.WriteAllText(PathOf("in.ndjson"), decoded.Out);
        Assert.Equal(5, decoded.OutLines.Length);

        var encoded = CliRunner.Run("encode", PathOf("in.ndjson"), "--framing", "gesb", "-o", PathOf("back.gesb"));

        Assert.True(encoded.ExitCode == 0, encoded.Error);
        Assert.DoesNotContain("warning", encoded.Error, StringComparison.Ordinal);
        Assert.Contains("wrote 3 error status blocks and 2 ranges of other bytes", encoded.Error, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(File.ReadAllBytes(PathOf("back.gesb"))));

        CliRunner.Run("encode", PathOf("in.ndjson"), "--framing", "cper", "-o", PathOf("back.cper"))
            .AssertFailedSaying("$<document 2>: expected an error status block (--framing cper converts blocks to CPER records), found bytes that are not a record (9 bytes)", exitCode: 1);
        Assert.False(File.Exists(PathOf("back.cper")));
    }

    /// <summary>Padding is written a buffer at a time: what the JSON asks for is never held in memory.</summary>
    [Fact]
    public void Zero_padding_is_written_without_holding_it_in_memory()
    {
        const int mib = 1 << 20;
        File.WriteAllText(PathOf("pad.ndjson"), $"{{\"length\": {48 * mib}, \"padding\": \"zero\"}}\n{{\"length\": {48 * mib}, \"padding\": \"zero\"}}\n");
        long before = GC.GetAllocatedBytesForCurrentThread();

        var encoded = CliRunner.Run("encode", PathOf("pad.ndjson"), "-o", PathOf("pad.bin"));

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(encoded.ExitCode == 0, encoded.Error);
        Assert.Equal(96L * mib, new FileInfo(PathOf("pad.bin")).Length);
        Assert.True(allocated < 8 * mib, $"{allocated} bytes allocated to write 96 MiB of padding");
    }

    /// <summary>Offsets of items from several inputs are checked per input (<c>source.file</c>), from 0 for each.</summary>
    [Fact]
    public void Offsets_are_checked_per_source_file()
    {
        var f = Fixtures.Binary("cper/whea/TestErrorMemory1.bin");
        string a = Write("a.bin", [.. Junk(5), .. f]), b = Write("b.bin", [.. f, .. Junk(7), .. f, .. Junk(3)]);
        var decoded = CliRunner.Run("decode", "-f", "ndjson", a, b);
        var lines = decoded.OutLines.ToList();
        Assert.Equal(6, lines.Count);
        File.WriteAllLines(PathOf("all.ndjson"), lines);
        var encoded = CliRunner.Run("encode", PathOf("all.ndjson"), "-o", PathOf("all.bin"));
        Assert.True(encoded.ExitCode == 0, encoded.Error);
        Assert.DoesNotContain("warning", encoded.Error, StringComparison.Ordinal);

        lines.RemoveAt(4); // b's second record taken out by hand: the junk after it is now written earlier than it says
        File.WriteAllLines(PathOf("edited.ndjson"), lines);
        encoded = CliRunner.Run("encode", PathOf("edited.ndjson"), "-o", PathOf("edited.bin"));

        Assert.True(encoded.ExitCode == 0, encoded.Error);
        Assert.Contains($"warning: $<document 5>.offset: the item says offset {2 * f.Length + 7}, but the items before it from {b} take {f.Length + 7} bytes", encoded.Error, StringComparison.Ordinal);
    }
}
