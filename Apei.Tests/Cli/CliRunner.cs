using System.Diagnostics;
using System.Text;
using ApeiKit.Cli;

namespace ApeiKit.Tests.Cli;

/// <summary>Runs <c>apeikit</c> in-process and captures what it prints (or, for real descriptors, as a process).</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        /// <summary>What was written to standard output as binary data (<c>-o -</c>).</summary>
        public byte[] OutBytes { get; init; } = [];

        /// <summary>Standard output's non-empty lines (with <c>-f ndjson</c>, one a record).</summary>
        public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        /// <summary>Standard error's lines (without the last line end).</summary>
        public string[] ErrorLines => Error.Length == 0 ? [] : Error.TrimEnd('\n').Split('\n');

        /// <summary>Asserts the run succeeded (exit code 0) and standard output holds each of <paramref name="texts"/>; returns the result for further checks.</summary>
        public Result AssertSucceeded(params string[] texts)
        {
            Assert.Equal(0, ExitCode);
            foreach (var t in texts) Assert.Contains(t, Out, StringComparison.Ordinal);
            return this;
        }

        /// <summary>Asserts the run succeeded (exit code 0) and returns standard output parsed as one JSON document.</summary>
        public System.Text.Json.JsonDocument AssertSucceededWithJson()
        {
            Assert.Equal(0, ExitCode);
            return System.Text.Json.JsonDocument.Parse(Out);
        }

        /// <summary>Asserts the run failed (with <paramref name="exitCode"/>, or any non-zero code when null), standard error says <paramref name="message"/>, and no stack trace is printed.</summary>
        public void AssertFailedSaying(string message, int? exitCode = null)
        {
            if (exitCode is { } code) Assert.Equal(code, ExitCode);
            else Assert.NotEqual(0, ExitCode);
            Assert.Contains(message, Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", Error, StringComparison.Ordinal);
        }
    }

    /// <summary>Runs <paramref name="args"/> with a temporary file holding <paramref name="content"/> as the last argument (deleted afterwards).</summary>
    public static Result RunOnFile(string content, string extension, params string[] args)
    {
        using var temp = TempFile.Of(content, extension);
        return Run([.. args, temp.Path]);
    }

    public static Result Run(params string[] args) => RunWithStdin(null, args);

    public static Result RunWithStdin(byte[]? stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var bytes = new MemoryStream();
        int code = CliApp.Run(args, stdout, stderr, () => new MemoryStream(stdin ?? []), () => bytes);
        return new Result(code, stdout.ToString(), stderr.ToString()) { OutBytes = bytes.ToArray() };
    }

    /// <summary>Runs with <paramref name="stdout"/> as standard output (text and binary), e.g. one that fails.</summary>
    public static Result RunWithStdout(TextWriter stdout, params string[] args)
    {
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr, () => new MemoryStream(), () => new TextWriterBackedStream(stdout));
        return new Result(code, "", stderr.ToString());
    }

    /// <summary>The built tool run by <c>sh -c</c>: <c>$APEIKIT</c> in <paramref name="script"/> is the command (real descriptors: /dev/full, pipes, appends).</summary>
    public static Result Shell(string script, string? workingDirectory = null)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "ApeiKit.Cli.dll");
        var psi = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.Environment["APEIKIT"] = $"dotnet {cli}";
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException(script);
        }
        return new Result(p.ExitCode, output, err.Result);
    }

    /// <summary>A standard output whose every write fails as a full disk or a closed pipe does.</summary>
    public sealed class FailingWriter(int errno) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;
        private IOException Fail() => new(errno == 32 ? "Broken pipe" : "No space left on device", errno);
        public override void Write(char value) => throw Fail();
        public override void Write(string? value) => throw Fail();
        public override void Write(char[] buffer, int index, int count) => throw Fail();
    }

    private sealed class TextWriterBackedStream(TextWriter writer) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => writer.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => writer.Write(Encoding.Latin1.GetString(buffer, offset, count));
    }
}
