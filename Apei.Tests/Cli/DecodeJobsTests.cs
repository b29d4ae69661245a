namespace ApeiKit.Tests.Cli;

/// <summary>
/// The per-record path (issue #15): records travel as structs, are rendered straight from the pipe's buffer with one job
/// and from a batch's buffer with several. Every job count and both JSON dialects must print the same bytes, the same
/// stderr lines and exit code, over an input that mixes records with garbage, padding and a record cut short.
/// </summary>
public class DecodeJobsTests() : TempDirectoryTests("apeikit-jobs-")
{
    private string MixedInput()
    {
        var parts = new List<byte[]>();
        foreach (var f in Fixtures.Files("cper/whea", "*.bin")) parts.Add(Fixtures.Bytes(f));
        parts.Insert(3, "not a record at all, just bytes"u8.ToArray());
        parts.Insert(6, new byte[4096]); // padding
        var last = Fixtures.Bytes("cper/whea/TestErrorMemory1.bin");
        parts.Add(last[..(last.Length - 40)]); // cut short by the end of the input
        return Write("mixed.bin", [.. parts.SelectMany(p => p)]);
    }

    [Theory]
    [InlineData("ndjson", "apeikit")]
    [InlineData("json", "apeikit")]
    [InlineData("text", "apeikit")]
    [InlineData("ndjson", "libcper")]
    [InlineData("json", "libcper")]
    public void Two_jobs_print_what_one_job_prints(string format, string style)
    {
        string input = MixedInput();
        string[] Args(string jobs) => style == "apeikit"
            ? ["decode", "-f", format, "-j", jobs, input]
            : ["decode", "-f", format, "--json-style", style, "-j", jobs, input];
        var one = CliRunner.Run(Args("1"));
        var two = CliRunner.Run(Args("2"));
        Assert.Equal(1, one.ExitCode); // the garbage and the record cut short are errors
        Assert.True(one.Out.Length > 10_000, one.Error);
        Assert.Equal(one.Out, two.Out);
        Assert.Equal(one.Error, two.Error);
        Assert.Equal(one.ExitCode, two.ExitCode);
    }

    /// <summary>
    /// With one job and the process's own standard output (not the in-process writer <see cref="CliRunner.Run"/> uses),
    /// both dialects write each record straight into stdout's buffer: what reaches the file must be what the in-process
    /// path and two jobs print, byte for byte, with the same stderr and exit code.
    /// </summary>
    [Theory]
    [InlineData("apeikit")]
    [InlineData("libcper")]
    public void One_job_into_the_process_stdout_prints_what_the_other_paths_print(string style)
    {
        string input = MixedInput();
        var shell = CliRunner.Shell($"$APEIKIT decode -f ndjson --json-style {style} -j 1 '{input}' > one.ndjson 2> one.err; echo $? > one.rc", Dir);
        Assert.Equal(0, shell.ExitCode);
        var inProcess = CliRunner.Run("decode", "-f", "ndjson", "--json-style", style, "-j", "1", input);
        var two = CliRunner.Run("decode", "-f", "ndjson", "--json-style", style, "-j", "2", input);
        string written = File.ReadAllText(PathOf("one.ndjson"));
        Assert.True(written.Length > 10_000, File.ReadAllText(PathOf("one.err")));
        Assert.Equal(inProcess.Out, written);
        Assert.Equal(two.Out, written);
        Assert.Equal(inProcess.Error.Replace("\r\n", "\n", StringComparison.Ordinal), File.ReadAllText(PathOf("one.err")));
        Assert.Equal(inProcess.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(PathOf("one.rc")).Trim());
    }

    /// <summary>
    /// With several jobs a batch's NDJSON lines go to the process's standard output in one piece, straight to the stream
    /// when large, split where a unit that is not a record (garbage, padding, a notice) comes between them. A long run
    /// of whole records (batches of many KB of lines) then the mixed input: a file and a pipe must get what one job prints.
    /// </summary>
    [Theory]
    [InlineData("apeikit")]
    [InlineData("libcper")]
    public void Two_jobs_into_the_process_stdout_print_what_one_job_prints(string style)
    {
        var records = Fixtures.Files("cper/whea", "*.bin").Select(Fixtures.Bytes).SelectMany(b => b).ToArray();
        byte[] mixed = File.ReadAllBytes(MixedInput());
        string input = Write("many.bin", [.. Enumerable.Repeat(records, 60).SelectMany(b => b), .. mixed, .. records, .. mixed]);
        string args = $"decode -f ndjson --json-style {style} -j 2 '{input}'";
        var shell = CliRunner.Shell($"$APEIKIT {args} > two.ndjson 2> two.err; echo $? > two.rc; $APEIKIT {args} 2> /dev/null | cat > piped.ndjson", Dir);
        Assert.Equal(0, shell.ExitCode);
        var one = CliRunner.Run("decode", "-f", "ndjson", "--json-style", style, "-j", "1", input);
        Assert.Equal(1, one.ExitCode);
        Assert.True(one.Out.Length > 500_000, one.Error);
        Assert.Equal(one.Out, File.ReadAllText(PathOf("two.ndjson")));
        Assert.Equal(one.Out, File.ReadAllText(PathOf("piped.ndjson")));
        Assert.Equal(one.Error.Replace("\r\n", "\n", StringComparison.Ordinal), File.ReadAllText(PathOf("two.err")));
        Assert.Equal("1", File.ReadAllText(PathOf("two.rc")).Trim());
    }

    [Fact]
    public void The_libcper_dialect_reports_what_it_skips_and_renders_the_rest()
    {
        string input = MixedInput();
        int records = Fixtures.Files("cper/whea", "*.bin").Count();
        var r = CliRunner.Run("decode", "-f", "ndjson", "--json-style", "libcper", "-j", "2", input);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(records, r.Out.TrimEnd('\n').Split('\n').Length);
        Assert.Contains(r.ErrorLines, l => l.Contains("Unrecognised bytes at offset ", StringComparison.Ordinal) && l.EndsWith("; skipped.", StringComparison.Ordinal));
        Assert.Contains(r.ErrorLines, l => l.Contains($"CPER record #{records + 1} at offset", StringComparison.Ordinal) && l.EndsWith("; skipped.", StringComparison.Ordinal));
        Assert.DoesNotContain(r.ErrorLines, l => l.Contains("4096 bytes", StringComparison.Ordinal)); // padding is not reported
    }
}
