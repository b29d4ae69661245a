using System.Text;
using ApeiKit.Cli;

namespace ApeiKit.Tests.Cli;

/// <summary>Issue #18 ("nothing lost, nothing invented"), the CLI side, and #19's terminal hygiene: outputs never destroy inputs, -o -, one-line diagnostics.</summary>
public sealed class CliSafetyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apeikit-safety-").FullName;
    private static readonly string Memory = Fixtures.Path("cper/whea/TestErrorMemory1.bin");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    private string Json()
    {
        string json = P("m.json");
        File.WriteAllText(json, CliRunner.Run("decode", "-f", "json", Memory).Out);
        return json;
    }

    /// <summary>A descriptor that gives its first bytes, then fails as a file the reader may not read does.</summary>
    private sealed class FailingAfterHead(byte[] head) : ApeiKit.Text.ReadOnlyStream
    {
        private int _given;

        public override int Read(Span<byte> buffer)
        {
            if (_given == head.Length) throw new UnauthorizedAccessException("Access to the path '/sys/firmware/acpi/tables/HEST' is denied.");
            int n = Math.Min(buffer.Length, head.Length - _given);
            head.AsSpan(_given, n).CopyTo(buffer);
            _given += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));
    }

    [Fact]
    public void A_table_input_that_fails_while_read_whole_says_why_in_plain_words_as_opening_does()
    {
        // A HEST head (ACPI 6.5 Table 18.1: the signature) so the input is a table, then the read of the rest fails:
        // ReadAll says "permission denied" as Open does, not the runtime's message, and names the input escaped.
        var head = new byte[ApeiKit.Ghes.ApeiInputRecognizer.FormatHeadLength]; // all the first bytes Open looks at
        "HEST"u8.CopyTo(head);
        string name = "tables/\u0007HEST";
        using var source = InputSource.Open(name, new FailingAfterHead(head), null, InputEncoding.Auto);
        Assert.Equal(InputForm.Table, source.Form);
        var e = Assert.Throws<CliUsageException>(source.ReadAll);
        Assert.Equal($"{ApeiKit.Cli.CliText.Clean(name)}: cannot read: permission denied", e.Message);
        Assert.DoesNotContain("Access to the path", e.Message, StringComparison.Ordinal);
    }

    private static void AssertOneLine(CliRunner.Result r)
    {
        Assert.Single(r.ErrorLines);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", r.Error, StringComparison.Ordinal);
    }

    /// <summary>Exit 2 with one clean diagnostic line.</summary>
    private static void AssertRefused(CliRunner.Result r)
    {
        Assert.Equal(2, r.ExitCode);
        AssertOneLine(r);
    }

    /// <summary>Runs a command that must be refused (<see cref="AssertRefused"/>) and leave <paramref name="file"/> byte for byte as it was.</summary>
    private static CliRunner.Result RefusedLeaving(string file, params string[] args)
    {
        byte[] before = File.ReadAllBytes(file);
        var r = CliRunner.Run(args);
        AssertRefused(r);
        Assert.Equal(before, File.ReadAllBytes(file));
        return r;
    }

    private string[] Leftovers() => Directory.GetFiles(_dir, "*apeikit-tmp*");

    // --- A: outputs never destroy inputs ---

    [Fact]
    public void Encode_refuses_to_overwrite_its_input()
    {
        string json = Json();
        var r = RefusedLeaving(json, "encode", json, "-o", json);
        Assert.Contains("is also an input", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_refuses_to_overwrite_its_input()
    {
        File.Copy(Memory, P("x.bin"));
        RefusedLeaving(P("x.bin"), "convert", "--to", "gesb", P("x.bin"), "-o", P("x.bin"));
    }

    [Fact]
    public void Hest_build_refuses_to_overwrite_its_spec()
    {
        File.WriteAllText(P("spec.json"), """{"preset": "qemu-virt-arm"}""");
        RefusedLeaving(P("spec.json"), "hest", "build", P("spec.json"), "-o", P("spec.json"));
    }

    [Fact]
    public void Output_through_a_symbolic_or_hard_link_to_the_input_is_refused()
    {
        string json = Json();
        File.CreateSymbolicLink(P("sym.json"), json);
        RefusedLeaving(json, "encode", json, "-o", P("sym.json"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(0, CliRunner.Shell($"ln '{json}' '{P("hard.json")}'").ExitCode);
            var hard = RefusedLeaving(json, "encode", json, "-o", P("hard.json"));
            Assert.Contains("same file", hard.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Hest_build_refuses_one_file_for_table_and_region()
    {
        var r = CliRunner.Run("hest", "build", "--preset", "qemu-virt-arm", "-o", P("h.bin"), "--region", P("h.bin"), "--region-base", "0x7ff10000");
        AssertRefused(r);
        Assert.Contains("--region", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(P("h.bin")));
    }

    [Fact]
    public void Hest_build_writes_both_outputs_or_neither()
    {
        File.WriteAllText(P("ok.bin"), "previous");
        var r = CliRunner.Run("hest", "build", "--preset", "qemu-virt-arm", "-o", P("ok.bin"), "--region", P("missing-dir/r.bin"), "--region-base", "0x7ff10000");
        AssertRefused(r);
        Assert.Contains("does not exist", r.Error, StringComparison.Ordinal);
        Assert.Equal("previous", File.ReadAllText(P("ok.bin")));
        Assert.False(Directory.Exists(P("missing-dir"))); // never created
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void A_failed_write_leaves_the_previous_file_and_no_temporary_file()
    {
        // The region cannot be renamed into place (a directory of that name is in the way, made after the check):
        // the table written first must be rolled back too. Simulated with an output whose directory is read-only.
        if (OperatingSystem.IsWindows() || Environment.UserName == "root") // root writes anywhere: use a full device instead
        {
            File.WriteAllText(P("keep.bin"), "previous");
            var full = CliRunner.Shell($"$APEIKIT generate --size 64KB -o /dev/full", _dir);
            Assert.Equal(2, full.ExitCode);
            Assert.Single(full.ErrorLines);
            Assert.Equal("previous", File.ReadAllText(P("keep.bin")));
            Assert.Empty(Leftovers());
            return;
        }
        Directory.CreateDirectory(P("ro"));
        File.WriteAllText(P("ro/out.bin"), "previous");
        File.SetUnixFileMode(P("ro"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var r = CliRunner.Run("encode", Json(), "-o", P("ro/out.bin"));
            AssertRefused(r);
            Assert.Equal("previous", File.ReadAllText(P("ro/out.bin")));
        }
        finally
        {
            File.SetUnixFileMode(P("ro"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void Output_replaces_the_file_atomically_and_keeps_a_symbolic_link()
    {
        string json = Json();
        File.WriteAllText(P("target.bin"), "previous contents, longer than the record? no, but replaced whole");
        File.CreateSymbolicLink(P("link.bin"), P("target.bin"));
        var r = CliRunner.Run("encode", json, "-o", P("link.bin"));
        Assert.Equal(0, r.ExitCode);
        Assert.NotNull(new FileInfo(P("link.bin")).LinkTarget); // still a link
        Assert.Equal(File.ReadAllBytes(Memory), File.ReadAllBytes(P("target.bin")));
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void Output_into_a_directory_that_does_not_exist_is_refused_and_not_created()
    {
        var r = CliRunner.Run("generate", "--size", "1KB", "-o", P("nope/dump.bin"));
        AssertRefused(r);
        Assert.False(Directory.Exists(P("nope")));
    }

    [Fact]
    public void Output_that_is_a_directory_says_so()
    {
        var r = CliRunner.Run("encode", Json(), "-o", _dir);
        AssertRefused(r);
        Assert.Contains("is a directory", r.Error, StringComparison.Ordinal);
    }

    // --- B: -o - and status lines ---

    [Theory]
    [InlineData("encode")]
    [InlineData("convert")]
    [InlineData("hest build")]
    [InlineData("generate")]
    public void Dash_output_is_standard_output_and_the_status_line_goes_to_stderr(string command)
    {
        string[] args = command switch
        {
            "encode" => ["encode", Json(), "-o", "-"],
            "convert" => ["convert", "--to", "gesb", Memory, "-o", "-"],
            "hest build" => ["hest", "build", "--preset", "qemu-virt-arm", "-o", "-"],
            _ => ["generate", "--size", "4KB", "-o", "-"],
        };
        var r = CliRunner.Run(args);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal("", r.Out); // no status text mixed into the data
        Assert.NotEmpty(r.OutBytes);
        Assert.Contains("wrote", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists("-"));
        if (command == "encode") Assert.Equal(File.ReadAllBytes(Memory), r.OutBytes);
        if (command == "hest build") Assert.Equal("HEST"u8.ToArray(), r.OutBytes[..4]);
        if (command == "generate") Assert.Contains($"{r.OutBytes.Length} bytes to standard output", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_lines_never_go_to_standard_output()
    {
        var r = CliRunner.Run("encode", Json(), "-o", P("o.bin"));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.Equal("apeikit: wrote 1 CPER record (277 bytes) to " + P("o.bin"), r.Error.TrimEnd('\n'));
    }

    [Fact]
    public void Dev_stdout_appended_to_a_file_keeps_the_file_and_gets_only_the_record()
    {
        if (OperatingSystem.IsWindows()) return;
        string json = Json();
        File.WriteAllText(P("f"), "hello\n");
        var r = CliRunner.Shell($"$APEIKIT encode '{json}' -o /dev/stdout >> f", _dir);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal([.. "hello\n"u8, .. File.ReadAllBytes(Memory)], File.ReadAllBytes(P("f")));
    }

    [Fact]
    public void A_fifo_or_device_is_written_in_place_not_replaced()
    {
        if (OperatingSystem.IsWindows()) return;
        string json = Json();
        var r = CliRunner.Shell($"mkfifo p && {{ cat p > got & }} && $APEIKIT encode '{json}' -o p && wait && $APEIKIT encode '{json}' -o /dev/null && test -c /dev/null", _dir);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(File.ReadAllBytes(Memory), File.ReadAllBytes(P("got")));
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void Generate_into_a_pipe_counts_the_bytes_itself()
    {
        if (OperatingSystem.IsWindows()) return;
        var r = CliRunner.Shell("$APEIKIT generate --size 64KB -o /dev/stdout | wc -c", _dir);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Single(r.ErrorLines);
        Assert.Contains($"{r.Out.Trim()} bytes to ", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_says_record_in_the_singular()
    {
        var r = CliRunner.Run("generate", "--size", "1B", "-o", "-");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("wrote 1 record,", r.Error, StringComparison.Ordinal);
    }

    // --- C: options are not files ---

    [Theory]
    [InlineData("decode --frobnicate FILE", "'--frobnicate'", null)]
    [InlineData("encode --frobnicate FILE -o OUT", "'--frobnicate'", null)]
    [InlineData("hest build --regoin OUT", "'--regoin'", "'--region'")]
    [InlineData("decode --fromat json FILE", "'--fromat'", "'--format'")]
    [InlineData("stats --tpo 3 FILE", "'--tpo'", "'--top'")]
    public void Unknown_options_are_named_with_the_nearest_valid_one(string line, string named, string? suggested)
    {
        File.Copy(Memory, P("in.bin"));
        var args = line.Split(' ').Select(a => a == "FILE" ? P("in.bin") : a == "OUT" ? P("out.bin") : a).ToArray();
        var r = CliRunner.Run(args);
        AssertRefused(r);
        Assert.Contains("unknown option " + named, r.Error, StringComparison.Ordinal);
        if (suggested is not null) Assert.Contains("did you mean " + suggested, r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot read", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(P("out.bin")));
    }

    [Fact]
    public void A_lone_dash_is_still_standard_input()
    {
        var r = CliRunner.RunWithStdin(File.ReadAllBytes(Memory), "decode", "-").AssertSucceeded("Platform Memory");
    }

    [Theory]
    [InlineData(new[] { "bogus" }, "unknown command 'bogus'")]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "hest", "chek" }, "did you mean 'check'")]
    public void Command_errors_are_one_line(string[] args, string expected)
    {
        var r = CliRunner.Run(args);
        AssertRefused(r);
        Assert.Contains(expected, r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Required command", r.Error, StringComparison.Ordinal);
    }

    // --- D: no stack traces ---

    [Theory]
    [InlineData("demo")]
    [InlineData("stats")]
    [InlineData("hest check")]
    [InlineData("simulate")]
    [InlineData("decode")]
    [InlineData("decode hex")]
    [InlineData("decode region")]
    public void A_full_disk_on_standard_output_is_one_line_and_exit_2(string command)
    {
        var r = CliRunner.RunWithStdout(new CliRunner.FailingWriter(28), Args(command));
        AssertRefused(r);
        Assert.Equal("apeikit: cannot write output: No space left on device", r.Error.TrimEnd('\n'));
    }

    private string[] Args(string command)
    {
        switch (command)
        {
            case "decode hex":
                File.WriteAllText(P("m.hex"), Convert.ToHexString(File.ReadAllBytes(Memory)));
                return ["decode", P("m.hex")];
            case "decode region":
                Assert.Equal(0, CliRunner.Run("hest", "build", "--preset", "qemu-virt-arm", "-o", P("h.bin"), "--region", P("r.bin"), "--region-base", "0x7ff10000").ExitCode);
                return ["decode", "--hest", P("h.bin"), "--region", P("r.bin")];
            case "hest check": return ["hest", "check", Fixtures.Path("acpidump/hest-acpidump-0001.log")];
            default: return command == "demo" || command == "simulate" ? [command] : [command, Memory];
        }
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("stats")]
    [InlineData("hest check")]
    [InlineData("simulate")]
    [InlineData("decode hex")]
    public void A_real_full_disk_is_one_line_and_exit_2(string command)
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/dev/full")) return;
        string args = string.Join(' ', Args(command).Select(a => $"'{a}'"));
        var r = CliRunner.Shell($"$APEIKIT {args} > /dev/full", _dir);
        AssertRefused(r);
        Assert.Contains("cannot write output: No space left on device", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_closed_pipe_is_a_quiet_exit()
    {
        var r = CliRunner.RunWithStdout(new CliRunner.FailingWriter(32), "demo");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Error);
    }

    [Theory]
    [InlineData("encode")]
    [InlineData("stats")]
    [InlineData("simulate")]
    [InlineData("hest check")]
    public void A_directory_given_as_a_file_says_is_a_directory(string command)
    {
        var r = CliRunner.Run([.. command.Split(' '), _dir, .. command == "encode" ? new[] { "-o", P("o.bin") } : []]);
        AssertRefused(r);
        Assert.EndsWith(": cannot read: is a directory", r.Error.TrimEnd('\n'), StringComparison.Ordinal);
    }

    [Fact]
    public void An_internal_error_is_one_line_without_type_names_and_exit_70()
    {
        var stderr = new StringWriter();
        int code = CliApp.Run(["decode", "-"], new StringWriter(), stderr, () => throw new InvalidOperationException("boom"));
        Assert.Equal(CliApp.InternalError, code);
        Assert.Equal("apeikit: internal error: boom", stderr.ToString().TrimEnd('\n'));
    }

    // --- E: plain messages ---

    [Fact]
    public void Json_syntax_errors_say_line_and_column_in_words()
    {
        File.WriteAllText(P("bad.json"), "{\n  \"header\": ,\n}");
        var encode = CliRunner.Run("encode", P("bad.json"), "-o", P("o.bin"));
        var hest = CliRunner.Run("hest", "build", P("bad.json"), "-o", P("o.bin"));
        foreach (var r in new[] { encode, hest })
        {
            Assert.Equal(1, r.ExitCode);
            AssertOneLine(r);
            Assert.Contains("line 2, column", r.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("LineNumber", r.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("BytePositionInLine", r.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Hest_build_errors_carry_no_parameter_names()
    {
        File.WriteAllText(P("spec.json"), """{"sources": [{"type": "ghesv2", "sourceId": 0, "notification": "sea", "errorStatusBlockLength": 10}], "region": {"base": "0x1000"}}""");
        var r = CliRunner.Run("hest", "build", P("spec.json"), "-o", P("h.bin"), "--region", P("r.bin"));
        Assert.Equal(1, r.ExitCode);
        AssertOneLine(r);
        Assert.Contains("below the 20-byte block header", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_numbers_and_sizes_are_said_in_words()
    {
        var jobs = CliRunner.Run("decode", "--jobs", "abc", Memory);
        AssertRefused(jobs);
        Assert.Contains("--jobs: 'abc' is not a whole number", jobs.Error, StringComparison.Ordinal);

        var size = CliRunner.Run("generate", "--size", "10TB", "-o", P("x.bin"));
        AssertRefused(size);
        Assert.Contains("KiB", size.Error, StringComparison.Ordinal);
        Assert.Contains("at most", size.Error, StringComparison.Ordinal);
    }

    // --- F: terminal and log hygiene ---

    [Fact]
    public void File_names_cannot_split_or_forge_a_diagnostic()
    {
        string evil = P("a\napeikit: all good\u001b[2J.bin");
        var r = CliRunner.Run("decode", evil);
        AssertRefused(r);
        Assert.Contains("a\\napeikit: all good\\x1B[2J.bin", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', r.Error);
    }

    [Fact]
    public void Long_values_are_cut_in_messages()
    {
        string text = new('A', 10_000_000);
        File.WriteAllText(P("big.json"), "{\"sections\": [{\"descriptor\": {\"sectionType\": \"a5bc1114-6f64-4ede-b863-3e83ed7c83b1\", \"fruText\": \"" + text + "\"}, \"body\": {}}]}");
        var r = CliRunner.Run("encode", P("big.json"), "-o", P("o.bin"));
        Assert.Equal(1, r.ExitCode);
        AssertOneLine(r);
        Assert.True(r.Error.Length < 400, r.Error[..Math.Min(400, r.Error.Length)]);
        Assert.Contains("(10000000 bytes)", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_diagnostic_clears_the_progress_line_first()
    {
        var raw = new StringWriter();
        var diagnostics = new DiagnosticWriter(raw);
        bool shown = true;
        diagnostics.BeforeLine = () =>
        {
            if (!shown) return;
            raw.Write("\r\u001b[K");
            shown = false;
        };
        raw.Write("\r 50.0% 64 MB, 1000 records, 121 errors\u001b[K");
        diagnostics.WriteLine("apeikit: f.bin: CPER record #3: bad");
        Assert.EndsWith("121 errors\u001b[K\r\u001b[Kapeikit: f.bin: CPER record #3: bad" + raw.NewLine, raw.ToString(), StringComparison.Ordinal);
    }
}
