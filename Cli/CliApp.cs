using System.CommandLine;

namespace ApeiKit.Cli;

/// <summary>
/// The <c>apeikit</c> command line. <see cref="Run"/> is what <c>Main</c> calls and what tests call in-process.
/// Exit codes: 0 success, 1 malformed input or validation errors found, 2 usage errors and unreadable files.
/// </summary>
public static class CliApp
{
    /// <summary>Exit code: everything decoded / passed.</summary>
    public const int Ok = 0;
    /// <summary>Exit code: some input was malformed, or a check found errors.</summary>
    public const int ContentError = 1;
    /// <summary>Exit code: usage error or unreadable file.</summary>
    public const int UsageError = 2;

    /// <summary>Runs the tool with the given arguments and streams.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<Stream>? stdin = null)
    {
        var context = new CliContext(stdout, stderr, stdin ?? (() => Stream.Null));
        var root = new RootCommand("apeikit: decode, validate and build ACPI APEI tables (HEST, BERT, GHES) and UEFI CPER error records.");
        foreach (var command in Commands(context)) root.Subcommands.Add(command);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) stderr.WriteLine("apeikit: " + e.Message);
            stderr.WriteLine("Run 'apeikit --help' for usage.");
            return UsageError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (CliUsageException e)
        {
            stderr.WriteLine("apeikit: " + e.Message);
            return UsageError;
        }
        finally
        {
            stdout.Flush();
        }
    }

    // Every command is registered here, one line each; each lives in Commands/<Name>Command.cs.
    private static IEnumerable<Command> Commands(CliContext context) =>
    [
        DecodeCommand.Create(context),
        ConvertCommand.Create(context),
        EncodeCommand.Create(context),
        DemoCommand.Create(context),
        SimulateCommand.Create(context),
        HestCommand.Create(context),
        GenerateCommand.Create(context),
        StatsCommand.Create(context),
    ];
}

/// <summary>Standard streams for commands, so tests can run the tool in-process.</summary>
public sealed record CliContext(TextWriter Out, TextWriter Error, Func<Stream> OpenStdin);

/// <summary>A usage problem (bad option combination, unreadable file): exit code 2.</summary>
public sealed class CliUsageException(string message) : Exception(message);
