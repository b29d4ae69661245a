namespace ApeiKit.Tests.Cli;

/// <summary>
/// Every command against every way its files and streams can go wrong: the exit code README.md documents and one line
/// on standard error (never a stack trace, an exception or a .NET type name).
/// </summary>
public sealed class CliMatrixTests() : TempDirectoryTests("apeikit-matrix-")
{
    public static readonly string[] Commands = ["decode", "stats", "convert", "encode", "hest build", "hest check", "simulate", "generate", "demo"];
    public static readonly string[] Cases = ["missing file", "directory", "empty file", "garbage", "unknown option", "output = input", "output symlink to input", "output hard link to input", "stdout full", "closed pipe"];

    /// <summary>The expected exit code, or null where the case does not apply; -1: any failure (see the comment at its use).</summary>
    private static int? Expected(string command, string @case)
    {
        bool takesFile = command is not ("generate" or "demo");
        bool writesFile = command is "convert" or "encode" or "hest build" or "generate";
        return @case switch
        {
            "missing file" => takesFile ? 2 : null,
            "directory" => takesFile || writesFile ? 2 : null,
            "empty file" => command switch
            {
                "decode" or "stats" => 0, // nothing to decode is not an error: "(empty input)", zero records
                _ => takesFile ? 1 : null,
            },
            "garbage" => takesFile ? 1 : null,
            "unknown option" => 2,
            "output = input" or "output symlink to input" or "output hard link to input" => writesFile && takesFile ? 2 : null,
            "stdout full" => 2,
            "closed pipe" => 0,
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
    }

    public static TheoryData<string, string> Matrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in Commands)
            foreach (var k in Cases)
                if (Expected(c, k) is not null) data.Add(c, k);
        return data;
    }

    private string P(string name) => PathOf(name);

    /// <summary>A valid input for <paramref name="command"/>, copied into the test directory.</summary>
    private string? ValidInput(string command)
    {
        switch (command)
        {
            case "decode" or "stats" or "convert":
                File.Copy(Fixtures.Path("cper/whea/TestErrorMemory1.bin"), P("in.bin"));
                return P("in.bin");
            case "encode":
                File.WriteAllText(P("in.json"), CliRunner.Run("decode", "-f", "json", Fixtures.Path("cper/whea/TestErrorMemory1.bin")).Out);
                return P("in.json");
            case "hest build":
                File.WriteAllText(P("in.json"), """{"preset": "qemu-virt-arm"}""");
                return P("in.json");
            case "hest check":
                File.Copy(Fixtures.Path("acpidump/hest-acpidump-0001.log"), P("in.log"));
                return P("in.log");
            case "simulate":
                File.WriteAllText(P("in.json"), CliRunner.Run("simulate", "--print-default").Out);
                return P("in.json");
            default:
                return null;
        }
    }

    private static string[] Args(string command, string? input, string? output)
    {
        var args = new List<string>(command.Split(' '));
        if (command == "convert") args.AddRange(["--to", "gesb"]);
        if (command == "generate") args.AddRange(["--size", "8KB"]);
        if (input is not null) args.Add(input);
        if (output is not null) args.AddRange(["-o", output]);
        return [.. args];
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Every_command_fails_cleanly(string command, string @case)
    {
        int expected = Expected(command, @case)!.Value;
        bool writes = command is "convert" or "encode" or "hest build" or "generate";
        string? input = ValidInput(command);
        string? output = writes ? P("out.bin") : null;
        CliRunner.Result r;
        switch (@case)
        {
            case "missing file":
                r = CliRunner.Run(Args(command, P("missing.bin"), output));
                break;
            case "directory":
                Directory.CreateDirectory(P("dir"));
                r = input is null ? CliRunner.Run(Args(command, null, P("dir"))) : CliRunner.Run(Args(command, P("dir"), output));
                break;
            case "empty file":
                File.WriteAllBytes(P("empty"), []);
                r = CliRunner.Run(Args(command, P("empty"), output));
                break;
            case "garbage":
                File.WriteAllBytes(P("garbage"), [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 7 + 1))]);
                r = CliRunner.Run(Args(command, P("garbage"), output));
                break;
            case "unknown option":
                r = CliRunner.Run([.. Args(command, input, output), "--frobnicate"]);
                Assert.Contains("unknown option '--frobnicate'", r.Error, StringComparison.Ordinal);
                break;
            case "output = input":
            case "output symlink to input":
            case "output hard link to input":
            {
                string target = input!;
                if (@case == "output symlink to input")
                {
                    target = P("link");
                    File.CreateSymbolicLink(target, input!);
                }
                else if (@case == "output hard link to input")
                {
                    if (OperatingSystem.IsWindows()) return;
                    target = P("hard");
                    Assert.Equal(0, CliRunner.Shell($"ln '{input}' '{target}'").ExitCode);
                }
                byte[] before = File.ReadAllBytes(input!);
                r = CliRunner.Run(Args(command, input, target));
                Assert.Equal(before, File.ReadAllBytes(input!));
                break;
            }
            case "stdout full":
                r = CliRunner.RunWithStdout(new CliRunner.FailingWriter(28), Args(command, input, writes ? "-" : null));
                Assert.Contains("cannot write output", r.Error, StringComparison.Ordinal);
                break;
            case "closed pipe":
                r = CliRunner.RunWithStdout(new CliRunner.FailingWriter(32), Args(command, input, writes ? "-" : null));
                Assert.Equal("", r.Error);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(@case));
        }
        string context = $"{command} / {@case}: exit {r.ExitCode}, stderr: {r.Error}";
        if (expected == -1) Assert.True(r.ExitCode is 1 or 2, context);
        else Assert.True(expected == r.ExitCode, context);
        if (r.ExitCode == 2 || expected == -1) Assert.True(r.ErrorLines.Length == 1, context);
        else Assert.True(r.ErrorLines.Length <= 1, context);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(P("out.bin")) && r.ExitCode != 0, context + " (an output was left behind)");
        Assert.Empty(Directory.GetFiles(Dir, "*apeikit-tmp*"));
    }
}
