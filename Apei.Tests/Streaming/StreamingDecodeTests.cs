using System.Buffers.Binary;
using ApeiKit.Tests.Cli;
using ApeiKit.Tests.Cper;
using static ApeiKit.Tests.Streaming.StreamTestSupport;

namespace ApeiKit.Tests.Streaming;

public class StreamingDecodeTests
{
    private static byte[] Mem => CperTestRecords.MemoryRecord();
    private static byte[] Mem1 => Fixtures.Binary("cper/whea/TestErrorMemory1.bin");
    private static byte[] Mem2 => Fixtures.Binary("cper/whea/TestErrorMemory2.bin");
    private static byte[] Arm => Fixtures.Binary("cper/libcper/arm.cperhex");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var f in new[] { "text", "json", "ndjson", "layout" })
        {
            foreach (var c in new[] { "single", "four", "garbage", "padding", "truncated", "tail" }) data.Add(c, f);
        }
        return data;
    }

    private static byte[] Input(string name) => name switch
    {
        "single" => Mem,
        "four" => Concat(Mem, Mem1, Arm, Mem2),
        "garbage" => Concat(Mem, [1, 2, 3, 4], Mem),
        "padding" => Concat(Mem1, new byte[64]),
        "truncated" => Concat(Mem, Mem[..200]),
        "tail" => Concat(Mem, "CPE"u8.ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Streamed_binary_input_renders_exactly_as_the_loaded_path(string input, string format)
    {
        var bytes = Input(input);
        using var binFile = TempFile.Of(bytes);
        using var hexFile = TempFile.Of(Convert.ToHexString(bytes), ".hex"); // hex input is loaded whole: the reference
        string bin = binFile.Path, hex = hexFile.Path;
        var streamed = CliRunner.Run("decode", "-f", format, bin);
        var loaded = CliRunner.Run("decode", "-f", format, hex);
        Assert.Equal(loaded.ExitCode, streamed.ExitCode);
        Assert.Equal(loaded.Out, streamed.Out);
        Assert.Equal(loaded.Error.Replace(hex, "F", StringComparison.Ordinal), streamed.Error.Replace(bin, "F", StringComparison.Ordinal));

        var stdin = CliRunner.RunWithStdin(bytes, "decode", "-f", format, "-");
        Assert.Equal(loaded.Out, stdin.Out);
        Assert.Equal(loaded.Error.Replace(hex, "<stdin>", StringComparison.Ordinal), stdin.Error);
    }

    [Fact]
    public void Several_files_mixing_streamed_and_loaded_inputs_keep_their_headers()
    {
        using var temp = TempFile.Of(Concat(Mem, Mem2));
        string bin = temp.Path;
        var hex = Fixtures.Path("cper/libcper/memory.cperhex");
        var r = CliRunner.Run("decode", bin, hex);
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith($"==> {bin} <==\n", r.Out, StringComparison.Ordinal);
        Assert.Contains($"==> {hex} <==\n", r.Out, StringComparison.Ordinal);
        var json = CliRunner.Run("decode", "-f", "json", bin, hex);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.Equal(3, doc.RootElement.GetArrayLength());
    }

    [Fact]
    public void A_corrupt_header_in_the_middle_is_reported_with_its_byte_range_and_the_next_record_decodes()
    {
        var bad = Mem;
        BinaryPrimitives.WriteUInt32LittleEndian(bad.AsSpan(20), 16);
        using var temp = TempFile.Of(Concat(Mem, bad, Mem));
        string bin = temp.Path;
        var r = CliRunner.Run("decode", "-f", "ndjson", bin);
        r.AssertFailedSaying("Unrecognised bytes: input, at offset 0x118 (280)", exitCode: 1);
        var lines = r.OutLines;
        Assert.Equal(3, lines.Length);
        Assert.Contains("280 bytes starting", r.Error, StringComparison.Ordinal);
        Assert.Contains("RecordLength 16", r.Error, StringComparison.Ordinal);
        Assert.Contains("\"recordId\":42", lines[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ndjson")]
    [InlineData("json")]
    [InlineData("text")]
    public void Jobs_2_gives_the_same_output_in_the_same_order_as_jobs_1(string format)
    {
        var rng = new Random(7);
        var parts = new List<byte[]>();
        byte[][] kinds = [Mem, Mem1, Mem2, Arm];
        for (int i = 0; i < 300; i++)
        {
            var rec = (byte[])kinds[rng.Next(kinds.Length)].Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(rec.AsSpan(96), (ulong)i); // Record ID = position
            parts.Add(rec);
            if (i % 50 == 49) parts.Add([9, 9, 9]);
        }
        using var temp = TempFile.Of(Concat([.. parts]));
        string bin = temp.Path;
        var one = CliRunner.Run("decode", "-f", format, "--jobs", "1", bin);
        var two = CliRunner.Run("decode", "-f", format, "--jobs", "2", bin);
        Assert.Equal(1, one.ExitCode);
        Assert.Equal(one.ExitCode, two.ExitCode);
        Assert.Equal(one.Out, two.Out);
        Assert.Equal(one.Error, two.Error);
        if (format == "ndjson")
        {
            var ids = one.OutLines
                .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
                .Where(e => e.TryGetProperty("header", out _))
                .Select(e => e.GetProperty("header").GetProperty("recordId").GetInt64()).ToArray();
            Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), ids);
        }
    }

    [Fact]
    public void Jobs_below_one_is_a_usage_error()
    {
        CliRunner.Run("decode", "--jobs", "0", Fixtures.Path("cper/whea/TestErrorMemory1.bin")).AssertFailedSaying("--jobs", exitCode: 2);
    }

    [Fact]
    public void Max_record_size_option_skips_larger_records_unread_and_reports_them()
    {
        var big = Arm; // 523 bytes; the memory records are 280
        Assert.True(big.Length > 300 && Mem.Length <= 300);
        using var temp = TempFile.Of(Concat(Mem, big, Mem));
        string bin = temp.Path;
        var limited = CliRunner.Run("decode", "-f", "ndjson", "--max-record-size", "300", bin);
        Assert.Equal(1, limited.ExitCode);
        var lines = limited.OutLines;
        Assert.Equal(3, lines.Length);
        Assert.Contains("at most 300 bytes (the record size limit, --max-record-size", lines[1], StringComparison.Ordinal);
        Assert.Contains("CPER record #2", limited.Error, StringComparison.Ordinal);

        var roomy = CliRunner.Run("decode", "-f", "ndjson", "--max-record-size", "1KiB", bin);
        Assert.Equal(0, roomy.ExitCode);

        var stats = CliRunner.Run("stats", "-f", "json", "--max-record-size", "300", bin);
        Assert.Contains("\"oversized\": 1", stats.Out, StringComparison.Ordinal);

        var bad = CliRunner.Run("decode", "--max-record-size", "100", bin);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("'100' is outside the range it takes: from 128 bytes", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decode_into_a_pipe_that_closes_stops_early_and_quietly()
    {
        // `apeikit decode big.bin | head -1`: the console stream ignores EPIPE, so decode used to run to the end of its
        // input. Here the input never ends (records keep coming on stdin), so only stopping on EPIPE lets it exit.
        if (OperatingSystem.IsWindows()) return;
        var cli = Path.Combine(AppContext.BaseDirectory, "ApeiKit.Cli.dll");
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in new[] { cli, "decode", "-f", "ndjson", "-" }) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var feeding = Task.Run(() =>
        {
            var chunk = Concat(Enumerable.Repeat(Mem, 1000).ToArray());
            var deadline = DateTime.UtcNow.AddSeconds(60);
            try
            {
                while (!p.HasExited && DateTime.UtcNow < deadline) p.StandardInput.BaseStream.Write(chunk);
                p.StandardInput.Close();
            }
            catch (IOException)
            {
                // decode exited: its stdin is gone
            }
        });
        string? first = p.StandardOutput.ReadLine();
        p.StandardOutput.Close(); // the reader goes away
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            try
            {
                await p.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                p.Kill();
                Assert.Fail("decode kept running after its output pipe closed");
            }
        }
        await feeding.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("{\"header\":", first, StringComparison.Ordinal);
        Assert.Equal(0, p.ExitCode);
        Assert.Equal("", p.StandardError.ReadToEnd());
    }
}
