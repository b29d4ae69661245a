using System.Text;
using ApeiKit.Cli;

namespace ApeiKit.Tests.Cli;

/// <summary>Runs <c>apeikit</c> in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static Result Run(params string[] args) => RunWithStdin(null, args);

    public static Result RunWithStdin(byte[]? stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr, () => new MemoryStream(stdin ?? []));
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}
