using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.Streaming;
using ApeiKit.Ghes;
using ApeiKit.Ghes.Streaming;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Streaming;

/// <summary>
/// Nothing lost, nothing invented (issue #18): every input byte lies in exactly one item, every intact record comes out
/// byte-identical, a record cut short ends where the next record starts, and decode, stats and convert give the same
/// counts whatever the input's encoding or how it arrives (file, pipe, FIFO).
/// </summary>
public sealed class ConservationTests
{
    private static readonly string[] s_whea = ["TestErrorMemory1.bin", "TestErrorMemory2.bin", "TestErrorMultiple1.bin", "TestErrorFirmware1.bin", "TestErrorMultiple4.bin"];
    private static byte[] Whea(string name) => Fixtures.Bytes("cper/whea/" + name);
    private static byte[] M1 => Whea("TestErrorMemory1.bin");
    private static byte[] M2 => Whea("TestErrorMemory2.bin");

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    [Fact]
    public void A_record_cut_short_ends_where_the_next_record_starts_and_the_next_record_decodes_intact()
    {
        var input = Concat(M1, M1[..200], M2);
        var items = StreamTestSupport.ReadViaPipe(input, 7);
        Assert.Equal(3, items.Count);
        Assert.Equal(M1, items[0].Data);
        Assert.Equal(200, items[1].Length);
        Assert.Equal(M1.Length, items[1].Declared);
        Assert.Contains($"the next record starts at offset 0x{M1.Length + 200:X} ({M1.Length + 200})", items[1].Problem, StringComparison.Ordinal);
        Assert.Equal(M2, items[2].Data); // not swallowed by record 2

        using var temp = TempFile.Of(input);
        string bin = temp.Path;
        var stats = CliRunner.Run("stats", "-f", "json", bin);
        using var doc = JsonDocument.Parse(stats.Out);
        Assert.Equal(3, doc.RootElement.GetProperty("records").GetInt32());
        Assert.Equal(1, doc.RootElement.GetProperty("problems").GetProperty("truncated").GetInt32());
        var decode = CliRunner.Run("decode", "-f", "ndjson", bin);
        decode.AssertFailedSaying("cut short: the next record starts at offset", exitCode: 1);
        Assert.Equal(3, decode.OutLines.Length);
        // The third record's physical address is its own, not one made of the next record's header.
        Assert.DoesNotContain("0x000001AA00000002", decode.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_CPER_prefix_shorter_than_a_header_is_a_truncated_record_not_unrecognised_bytes()
    {
        var items = StreamTestSupport.ReadViaPipe(M1[..100], 64);
        var item = Assert.Single(items);
        Assert.Equal(CperStreamItemKind.Record, item.Kind);
        Assert.Equal(100, item.Length);
        Assert.True(item.Declared > item.Length);
        // ... also after another record, and after garbage.
        items = StreamTestSupport.ReadViaPipe(Concat(M2, [9, 9, 9], M1[..50]), 64);
        Assert.Equal([CperStreamItemKind.Record, CperStreamItemKind.Skipped, CperStreamItemKind.Record], items.Select(i => i.Kind));
        Assert.Equal(50, items[2].Length);
    }

    [Fact]
    public void An_oversized_record_covers_only_the_bytes_present_and_ends_at_a_later_record()
    {
        var lying = M1.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(lying.AsSpan(CperRecordHeader.RecordLengthOffset), uint.MaxValue);
        var items = StreamTestSupport.ReadViaPipe(Concat(lying, M2), 100);
        Assert.Equal(2, items.Count);
        Assert.Equal(CperStreamItemKind.Oversized, items[0].Kind);
        Assert.Equal(lying.Length, items[0].Length);
        Assert.Equal(uint.MaxValue, items[0].Declared);
        Assert.Equal(M2, items[1].Data);
        // At the end of the input it covers what is there, not 4 GiB.
        items = StreamTestSupport.ReadViaPipe(lying, 100);
        Assert.Equal(lying.Length, Assert.Single(items).Length);
        using var temp = TempFile.Of(lying);
        string bin = temp.Path;
        var layout = CliRunner.Run("decode", "-f", "layout", bin);
        Assert.DoesNotContain("4294967295]", layout.Out, StringComparison.Ordinal);
        Assert.Contains($"{lying.Length}] CPER record #1", layout.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Many_error_status_blocks_are_each_decoded_and_converted()
    {
        var records = s_whea.Select(Whea).ToArray();
        using var cperFile = TempFile.Of(Concat(records));
        using var gesbFile = TempFile.Named(".gesb");
        using var backFile = TempFile.Named(".back");
        string cper = cperFile.Path, gesb = gesbFile.Path, back = backFile.Path;
        Assert.Equal(0, CliRunner.Run("convert", "--to", "gesb", cper, "-o", gesb).ExitCode);
        var decode = CliRunner.Run("decode", "-f", "ndjson", gesb);
        Assert.Equal(0, decode.ExitCode);
        Assert.Equal(records.Length, decode.OutLines.Length);
        Assert.Equal(records.Length, CountOccurrences(CliRunner.Run("decode", "-i", "gesb", gesb).Out, "Generic Error Status Block #"));
        var convert = CliRunner.Run("convert", "--to", "cper", gesb, "-o", back);
        Assert.Equal(0, convert.ExitCode);
        Assert.Contains($"wrote {records.Length} CPER records", convert.Out + convert.Error, StringComparison.Ordinal);
        var stats = CliRunner.Run("stats", "-f", "json", gesb);
        using var doc = JsonDocument.Parse(stats.Out);
        Assert.Equal(records.Length, doc.RootElement.GetProperty("records").GetInt32());
    }

    [Fact]
    public void A_block_cut_short_ends_where_the_next_block_starts()
    {
        var blocks = s_whea.Take(3).Select(r => CperConversion.ToErrorStatusBlock(CperRecord.Decode(Whea(r), out _), dropHighFlags: true).Encode()).ToArray();
        var input = Concat(blocks[0], blocks[1][..100], blocks[2]);
        var items = StreamTestSupport.ReadViaPipe(input, 13, framing: ErrorStatusBlockFraming.Instance);
        Assert.Equal(3, items.Count);
        Assert.Equal(blocks[0], items[0].Data);
        Assert.Equal(100, items[1].Length);
        Assert.Equal(blocks[2], items[2].Data);
    }

    [Fact]
    public void Stray_signatures_in_garbage_give_the_same_items_in_binary_hex_and_base64()
    {
        var input = Concat(M1, Encoding.ASCII.GetBytes("garbage CPER"), Enumerable.Repeat((byte)0xFF, 24).ToArray(), M1, M1, M1);
        var expected = StreamTestSupport.ReadViaPipe(input, 4096);
        Assert.Equal(4, expected.Count(i => i.Kind == CperStreamItemKind.Record));
        using var binFile = TempFile.Of(input);
        using var hexFile = TempFile.Of(Convert.ToHexString(input).ToLowerInvariant(), ".hex");
        using var b64File = TempFile.Of(Convert.ToBase64String(input, Base64FormattingOptions.InsertLineBreaks), ".b64");
        string bin = binFile.Path, hex = hexFile.Path, b64 = b64File.Path;
        string first = CliRunner.Run("decode", "-f", "ndjson", bin).Out;
        Assert.Equal(expected.Count, first.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        foreach (var f in new[] { hex, b64 }) Assert.Equal(first, CliRunner.Run("decode", "-f", "ndjson", f).Out);
        foreach (var f in new[] { bin, hex, b64 })
        {
            using var doc = JsonDocument.Parse(CliRunner.Run("stats", "-f", "json", f).Out);
            Assert.Equal(4, doc.RootElement.GetProperty("records").GetInt32());
            Assert.Equal(1, doc.RootElement.GetProperty("problems").GetProperty("skippedRanges").GetInt32());
        }
    }

    [Fact]
    public void Hex_that_stops_being_valid_gives_the_decoded_prefix_and_an_error()
    {
        using var temp = TempFile.Of(Encoding.ASCII.GetBytes(Convert.ToHexString(Concat(M1, M2)) + " zz " + Convert.ToHexString(M1)), ".hex");
        string hex = temp.Path;
        var r = CliRunner.Run("decode", "-f", "ndjson", hex);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(2, r.OutLines.Length);
        Assert.Contains("not valid hex at text offset", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Standard_input_that_is_not_CPER_streams_instead_of_being_loaded()
    {
        // 8 MiB of zeros then a record: the load-everything path held it all; the framed path keeps one read.
        var input = Concat(new byte[8 << 20], M1);
        var r = CliRunner.RunWithStdin(input, "stats", "-f", "json", "-");
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(1, doc.RootElement.GetProperty("records").GetInt32());
        Assert.Equal(8 << 20, doc.RootElement.GetProperty("input").GetProperty("paddingBytes").GetInt32());
        var d = CliRunner.RunWithStdin(Concat([7], M1, M2), "decode", "-f", "ndjson", "-");
        Assert.Equal(3, d.OutLines.Length); // the leading byte, then both records
    }

    [Fact]
    public async Task A_named_pipe_is_read_once_without_losing_its_first_bytes()
    {
        if (!OperatingSystem.IsLinux()) return;
        foreach (var (name, payload) in new[] { ("bin", Concat(M1, M2)), ("hex", Encoding.ASCII.GetBytes(Convert.ToHexString(Concat(M1, M2)))) })
        {
            using var fifo = TempFile.Named("." + name);
            using (var mk = Process.Start("mkfifo", fifo.Path)) mk.WaitForExit();
            var writer = Task.Run(() => File.WriteAllBytes(fifo.Path, payload));
            var r = CliRunner.Run("decode", "-f", "ndjson", fifo.Path);
            await writer.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, r.ExitCode);
            Assert.Equal(2, r.OutLines.Length);
        }
    }

    /// <summary>
    /// The property: random concatenations of real and generated records, cut at random offsets, with garbage runs and
    /// zero padding, read in random split points: the items tile the input exactly, every intact source record comes
    /// out byte-identical, and every record that comes out is a contiguous run of the input starting with "CPER".
    /// </summary>
    [Fact]
    public void Items_tile_the_input_and_keep_every_intact_record_for_random_inputs()
    {
        var pool = s_whea.Select(Whea).Concat(Fixtures.CperRecords().Select(Fixtures.Binary).Where(b => b.Length >= 128 && b.AsSpan().StartsWith("CPER"u8) && b.Length < 8192
            && BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(CperRecordHeader.RecordLengthOffset)) == b.Length)).ToArray();
        for (int seed = 0; seed < 300; seed++)
        {
            var rng = new Random(seed);
            var parts = new List<(byte[] Bytes, bool Intact)>();
            int n = rng.Next(1, 8);
            for (int i = 0; i < n; i++)
            {
                var r = pool[rng.Next(pool.Length)];
                switch (rng.Next(6))
                {
                    case 0: parts.Add((r[..rng.Next(1, r.Length)], false)); break; // cut short
                    case 1: var g = new byte[rng.Next(1, 300)]; rng.NextBytes(g); parts.Add((g, false)); break; // garbage
                    case 2: parts.Add((new byte[rng.Next(1, 100)], false)); break; // zero padding
                    default: parts.Add((r, true)); break;
                }
            }
            var input = Concat(parts.Select(p => p.Bytes).ToArray());
            var items = StreamTestSupport.ReadViaPipe(input, rng.Next(1, 600));
            long pos = 0;
            foreach (var item in items)
            {
                Assert.True(item.Offset == pos, $"seed {seed}: gap or overlap at {pos}: {item}");
                pos += item.Length;
                if (item.Kind == CperStreamItemKind.Record)
                {
                    Assert.Equal(input.AsSpan((int)item.Offset, (int)item.Length).ToArray(), item.Data);
                    Assert.True(item.Data.AsSpan().StartsWith("CPER"u8), $"seed {seed}: {item}");
                }
            }
            Assert.True(pos == input.Length, $"seed {seed}: items end at {pos} of {input.Length}");
            // Every intact record comes out whole, whatever precedes it (a record cut short ends where it starts).
            long offset = 0;
            for (int i = 0; i < parts.Count; i++)
            {
                var (bytes, intact) = parts[i];
                if (intact)
                    Assert.True(items.Any(it => it.Kind == CperStreamItemKind.Record && it.Offset == offset && it.Length == bytes.Length),
                        $"seed {seed}: the record at {offset} ({bytes.Length} bytes) did not come out whole: {string.Join("; ", items)}");
                offset += bytes.Length;
            }
        }
    }

    /// <summary>The same property for sequences of error status blocks (no signature: the block rule of ErrorStatusBlockFraming).</summary>
    [Fact]
    public void Items_tile_a_sequence_of_error_status_blocks_and_keep_every_intact_block()
    {
        var pool = s_whea.Select(r => CperConversion.ToErrorStatusBlock(CperRecord.Decode(Whea(r), out _), dropHighFlags: true).Encode())
            .Append(Ghes.GhesTestBlocks.TwoEntryBytes()).ToArray();
        int intactSeen = 0;
        for (int seed = 0; seed < 300; seed++)
        {
            var rng = new Random(seed);
            var parts = new List<(byte[] Bytes, bool Intact)>();
            for (int i = 0, n = rng.Next(1, 7); i < n; i++)
            {
                var b = pool[rng.Next(pool.Length)];
                switch (rng.Next(5))
                {
                    case 0: parts.Add((b[..rng.Next(20, b.Length)], false)); break; // cut short, header kept
                    case 1: parts.Add((new byte[rng.Next(1, 64)], false)); break; // zero padding
                    default: parts.Add((b, true)); break;
                }
            }
            var input = Concat(parts.Select(p => p.Bytes).ToArray());
            var items = StreamTestSupport.ReadViaPipe(input, rng.Next(1, 500), framing: ErrorStatusBlockFraming.Instance);
            long pos = 0;
            foreach (var item in items)
            {
                Assert.True(item.Offset == pos, $"seed {seed}: gap or overlap at {pos}: {item}");
                pos += item.Length;
                if (item.Kind == CperStreamItemKind.Record) Assert.Equal(input.AsSpan((int)item.Offset, (int)item.Length).ToArray(), item.Data);
            }
            Assert.True(pos == input.Length, $"seed {seed}: items end at {pos} of {input.Length}");
            long offset = 0;
            for (int i = 0; i < parts.Count; i++)
            {
                // A block right after zero padding may be taken into the padding's skipped range only if it were implausible: it is not.
                if (parts[i].Intact)
                {
                    Assert.True(items.Any(it => it.Kind == CperStreamItemKind.Record && it.Offset == offset && it.Length == parts[i].Bytes.Length),
                        $"seed {seed}: the block at {offset} ({parts[i].Bytes.Length} bytes) did not come out whole: {string.Join("; ", items)}");
                    intactSeen++;
                }
                offset += parts[i].Bytes.Length;
            }
        }
        Assert.True(intactSeen > 500);
    }

    [Fact]
    public void Decode_stats_and_convert_report_the_same_counts()
    {
        var input = Concat(M1, M1[..200], M2, [1, 2, 3], new byte[64], M1[..90]);
        using var binFile = TempFile.Of(input);
        using var output = TempFile.Named(".gesb");
        string bin = binFile.Path, outFile = output.Path;
        var decode = CliRunner.Run("decode", bin);
        var stats = CliRunner.Run("stats", "-f", "json", bin);
        var convert = CliRunner.Run("convert", "--to", "gesb", bin, "-o", outFile);
        const string summary = "4 CPER records (2 cut short, 0 oversized), 1 skipped range (67 bytes), 0 bytes of zero padding";
        Assert.Contains(summary, decode.Error, StringComparison.Ordinal);
        Assert.Contains(summary, convert.Error, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(stats.Out);
        Assert.Equal(4, doc.RootElement.GetProperty("records").GetInt32());
        Assert.Equal(2, doc.RootElement.GetProperty("problems").GetProperty("truncated").GetInt32());
        Assert.Equal(1, doc.RootElement.GetProperty("problems").GetProperty("skippedRanges").GetInt32());
        Assert.Equal(1, convert.ExitCode);
        Assert.Contains("wrote 2 error status blocks", convert.Out + convert.Error, StringComparison.Ordinal);
    }

    private static int CountOccurrences(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}

/// <summary>The cut-short rule in BERT regions: the describer, the validator and the model walk the same extents.</summary>
public sealed class BertRegionConservationTests
{
    [Fact]
    public void A_block_cut_short_in_a_BERT_region_ends_where_the_next_block_starts_and_the_next_block_is_read()
    {
        var a = Ghes.GhesTestBlocks.TwoEntryBytes();
        var b = Ghes.GhesTestBlocks.TwoEntryBytes();
        var region = a[..100].Concat(b).Concat(new byte[32]).ToArray();
        Assert.Equal(100, BootErrorRegion.BlockExtent(region, 0, out bool cut));
        Assert.True(cut);
        Assert.Equal(b.Length, BootErrorRegion.BlockExtent(region, 100, out cut));
        Assert.False(cut);

        var table = new BertTableData { RegionLength = (uint)region.Length, RegionAddress = 0x1000 }.Encode();
        var findings = BertValidator.Validate(table, region);
        Assert.Contains(findings, f => f.Kind == GhesFindingKind.BlockCutShort && f.Expected!.Contains("the next block starts at offset 100", StringComparison.Ordinal));
        // The block after the cut is validated (its findings, if any, are at its own offsets), not lost.
        Assert.DoesNotContain(findings, f => f.Offset >= 100 && f.Severity == FindingSeverity.Error);

        var w = new StringWriter();
        BertDescriber.Describe(table, 0, region, table.Length, new TextRenderer(w), "BERT", null);
        string text = w.ToString();
        Assert.Contains("Error status block 0 (cut short)", text, StringComparison.Ordinal);
        Assert.Contains("Error status block 1", text, StringComparison.Ordinal);
        Assert.Throws<ApeiContentException>(() => BootErrorRegion.Decode(region));
    }
}

/// <summary>Streams stream (issue #19): what is decoded reaches the output before the input's next bytes arrive.</summary>
public sealed class SlowPipeTests
{
    /// <summary>Standard input that gives one record, then blocks until released, then gives another.</summary>
    private sealed class GatedStream(byte[] first, byte[] second, ManualResetEventSlim gate) : ApeiKit.Text.ReadOnlyStream
    {
        private int _pos;
        public override int Read(Span<byte> buffer)
        {
            if (_pos < first.Length)
            {
                int n = Math.Min(buffer.Length, first.Length - _pos);
                first.AsSpan(_pos, n).CopyTo(buffer);
                _pos += n;
                return n;
            }
            if (!gate.Wait(TimeSpan.FromSeconds(20))) throw new TimeoutException("the test never released the input");
            int i = _pos - first.Length;
            if (i >= second.Length) return 0;
            int m = Math.Min(buffer.Length, second.Length - i);
            second.AsSpan(i, m).CopyTo(buffer);
            _pos += m;
            return m;
        }
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => _pos < first.Length ? new(Read(buffer.Span)) : new(Task.Run(() => Read(buffer.Span), cancellationToken));
    }

    /// <summary>Signals when a complete line has been written.</summary>
    private sealed class LineWatcher : StringWriter
    {
        public readonly ManualResetEventSlim FirstLine = new();
        public override void Write(char value) { base.Write(value); if (value == '\n') FirstLine.Set(); }
        public override void Write(string? value) { base.Write(value); if (value?.Contains('\n', StringComparison.Ordinal) == true) FirstLine.Set(); }
        public override void Write(char[] buffer, int index, int count) { base.Write(buffer, index, count); if (Array.IndexOf(buffer, '\n', index, count) >= 0) FirstLine.Set(); }
    }

    [Theory]
    [InlineData("ndjson", "1")]
    [InlineData("ndjson", "2")]
    [InlineData("text", "1")]
    [InlineData("text", "2")]
    public async Task The_first_record_is_written_while_the_input_waits_for_the_second(string format, string jobs)
    {
        var record = Fixtures.Bytes("cper/whea/TestErrorMemory1.bin");
        using var gate = new ManualResetEventSlim();
        var stdout = new LineWatcher();
        var run = Task.Run(() => ApeiKit.Cli.CliApp.Run(["decode", "-f", format, "-j", jobs, "-"], stdout, new StringWriter(), () => new GatedStream(record, record, gate)));
        bool early = await Task.Run(() => stdout.FirstLine.Wait(TimeSpan.FromSeconds(15)));
        gate.Set();
        int code = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(early, "nothing was written before the input's second record arrived");
        Assert.Equal(0, code);
    }

    /// <summary>
    /// The real process with real pipes: standard output through the console path (a 256 KiB buffer in front of the pipe),
    /// `(cat rec; sleep 6; cat rec) | apeikit decode -f ndjson -` printed nothing for 6 s before. (`-f json` holds its first
    /// record until a second shows whether the document is an array: ndjson is the streaming form.)
    /// </summary>
    [Theory]
    [InlineData("ndjson", "1")]
    [InlineData("ndjson", "2")]
    [InlineData("layout", "1")]
    [InlineData("text", "2")]
    public async Task A_real_pipe_gets_the_first_record_before_the_second_is_written(string format, string jobs)
    {
        if (OperatingSystem.IsWindows()) return;
        var record = Fixtures.Bytes("cper/whea/TestErrorMemory1.bin");
        var cli = Path.Combine(AppContext.BaseDirectory, "ApeiKit.Cli.dll");
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "decode", "-f", format, "-j", jobs, "-" }) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardInput.BaseStream.Write(record);
        p.StandardInput.BaseStream.Flush();
        var firstLine = p.StandardOutput.ReadLineAsync();
        bool early = await Task.WhenAny(firstLine, Task.Delay(TimeSpan.FromSeconds(20))) == firstLine; // the second record has not been written yet
        p.StandardInput.BaseStream.Write(record);
        p.StandardInput.Close();
        string? first = await firstLine;
        string rest = await p.StandardOutput.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30))) await p.WaitForExitAsync(timeout.Token);
        Assert.True(early, "nothing reached the pipe while the input waited");
        Assert.False(string.IsNullOrEmpty(first));
        Assert.True(p.ExitCode == 0, await err);
        Assert.NotEmpty(rest);
    }
}

/// <summary>Streaming ergonomics (issue #17): await foreach, disposal, a record's bytes across pipe segments without boilerplate.</summary>
public sealed class StreamReaderEnumerationTests
{
    [Fact]
    public async Task Await_foreach_reads_every_item_and_GetSpan_joins_records_split_across_segments()
    {
        var a = Fixtures.Bytes("cper/whea/TestErrorMemory1.bin");
        var b = Fixtures.Bytes("cper/whea/TestErrorMemory2.bin");
        var input = a.Concat(b).ToArray();
        // A pipe fed 7 bytes at a time: every record spans many segments.
        var pipe = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 16));
        var writer = Task.Run(async () =>
        {
            for (int i = 0; i < input.Length; i += 7) await pipe.Writer.WriteAsync(input.AsMemory(i, Math.Min(7, input.Length - i)));
            await pipe.Writer.CompleteAsync();
        });
        var records = new List<byte[]>();
        byte[]? scratch = null;
        await using (var reader = new CperStreamReader(pipe.Reader))
        {
            await foreach (var item in reader.ReadAllAsync()) records.Add(item.GetSpan(ref scratch).ToArray());
            Assert.Equal(2, reader.Accounting.Records);
        }
        await writer;
        Assert.Equal([a, b], records);
        Assert.NotNull(scratch); // the split records went through the scratch buffer
    }

    [Fact]
    public async Task A_reader_created_to_own_its_stream_closes_it()
    {
        var stream = new MemoryStream(Fixtures.Bytes("cper/whea/TestErrorMemory1.bin"));
        await using (var reader = CperStreamReader.Create(stream, leaveOpen: false))
        {
            Assert.True(await reader.ReadAsync());
        }
        Assert.False(stream.CanRead);
    }
}
