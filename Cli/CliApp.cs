using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ApeiKit.Cli;

/// <summary>
/// The <c>apeikit</c> command line. <see cref="Run"/> is what <c>Main</c> calls and what tests call in-process.
/// Exit codes (the same for every command): 0 success; 1 malformed input, a failed check or bad JSON; 2 usage errors
/// and I/O errors (unreadable or unwritable files, standard output that cannot be written); 70 an internal error (a bug).
/// Every failure is one line on standard error, never a stack trace; status lines ("apeikit: wrote ...") go to
/// standard error too, so standard output carries data alone.
/// </summary>
internal static partial class CliApp
{
    /// <summary>Exit code: everything decoded / passed.</summary>
    public const int Ok = 0;
    /// <summary>Exit code: some input was malformed, or a check found errors.</summary>
    public const int ContentError = 1;
    /// <summary>Exit code: usage error, or a file or standard output that cannot be read or written.</summary>
    public const int UsageError = 2;
    /// <summary>Exit code: an internal error (a bug in apeikit; BSD's EX_SOFTWARE).</summary>
    public const int InternalError = 70;

    /// <summary>Runs the tool with the given arguments and streams.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="stdout">Standard output (text).</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="stdin">Opens standard input.</param>
    /// <param name="stdoutBytes">Opens standard output for binary data (<c>-o -</c>); by default the console's when
    /// <paramref name="stdout"/> is the console's, else <paramref name="stdout"/> itself (as UTF-8).</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<Stream>? stdin = null, Func<Stream>? stdoutBytes = null)
    {
        var output = new OutputWriter(stdout);
        var error = new DiagnosticWriter(stderr);
        stdoutBytes ??= ReferenceEquals(stdout, Console.Out)
            ? () =>
            {
                Console.Out.Flush();
                return Console.OpenStandardOutput();
            }
            : () =>
            {
                output.Flush();
                return new TextWriterStream(output);
            };
        var context = new CliContext(output, error, stdin ?? (() => Stream.Null), stdoutBytes);
        try
        {
            int code = RunCommand(args, context);
            output.Flush();
            return code;
        }
        catch (OutputFailedException e) when (e.IsBrokenPipe)
        {
            return Ok; // the reader went away (`apeikit ... | head`): stop, quietly, as Unix tools do
        }
        catch (OutputFailedException e)
        {
            error.WriteLine("apeikit: cannot write output: " + CliText.Message(e));
            return UsageError;
        }
        catch (CliUsageException e)
        {
            error.WriteLine("apeikit: " + CliText.PlainIo(e.Message));
            return UsageError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine("apeikit: " + (e is UnauthorizedAccessException ? "permission denied" : CliText.Message(e)));
            return UsageError;
        }
#pragma warning disable CA1031 // the last resort: one line, never a stack trace
        catch (Exception e)
#pragma warning restore CA1031
        {
            error.WriteLine("apeikit: internal error: " + CliText.Message(e));
            return InternalError;
        }
        finally
        {
            error.Flush();
        }
    }

    private static int RunCommand(string[] args, CliContext context)
    {
        var root = new RootCommand("apeikit: decode, validate and build ACPI APEI tables (HEST, BERT, GHES) and UEFI CPER error records.");
        foreach (var command in Commands(context)) root.Subcommands.Add(command);
        var parse = root.Parse(args);
        if (ParseProblem(parse) is { } problem)
        {
            context.Error.WriteLine(problem);
            return UsageError;
        }
        return parse.Invoke(new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false });
    }

    /// <summary>
    /// The one line to print when the command line is wrong, or null. Checked before anything runs: tokens that look like
    /// options and are not options of the command (System.CommandLine hands them to a file argument) are unknown options,
    /// named with the nearest valid one; a lone <c>-</c> (standard input), negative numbers and anything after <c>--</c>
    /// are arguments.
    /// </summary>
    private static string? ParseProblem(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        string name = CommandPath(parse.CommandResult);
        string path = name.Length == 0 ? "apeikit" : "apeikit: " + name; // the start of the message
        string help = $"run 'apeikit {(name.Length == 0 ? "" : name + " ")}--help'";
        bool afterDoubleDash = false;
        foreach (var token in parse.Tokens)
        {
            if (token.Type == TokenType.DoubleDash) afterDoubleDash = true;
            if (afterDoubleDash || token.Type != TokenType.Argument) continue;
            string v = token.Value;
            if (v.Length < 2 || v[0] != '-' || double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) continue;
            string option = v.Split('=')[0];
            return $"{path}: unknown option '{CliText.Clean(Cut(option))}'{Suggest(option, OptionNames(command))}.";
        }
        if (parse.Errors.Count == 0) return null;
        if (command.Subcommands.Count > 0 && command.Action is null)
        {
            var names = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
            if (parse.UnmatchedTokens.Count > 0)
            {
                string t = parse.UnmatchedTokens[0];
                return $"{path}: unknown command '{CliText.Clean(Cut(t))}'{Suggest(t, names)}.";
            }
            return $"{path}: no command given; commands: {string.Join(", ", names)} ({help}).";
        }
        if (parse.UnmatchedTokens.Count > 0)
            return $"{path}: unexpected argument '{CliText.Clean(Cut(parse.UnmatchedTokens[0]))}' ({help}).";
        var first = parse.Errors[0];
        string message = Plain(first.Message);
        var notAmong = NotAmong().Match(first.Message);
        if (notAmong.Success)
        {
            var values = Quoted().Matches(notAmong.Groups[2].Value).Select(m => m.Groups[1].Value);
            string? option = (first.SymbolResult as OptionResult)?.Option.Name ?? (first.SymbolResult?.Parent as OptionResult)?.Option.Name;
            message = $"{(option is null ? "" : option + ": ")}'{CliText.Clean(CliText.Cut(notAmong.Groups[1].Value))}' is not one of {string.Join(", ", values)}";
        }
        return $"{path}: {message} ({help}).";
    }

    private static string Cut(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>"decode", "hest build" (empty for the root).</summary>
    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is CommandResult { Command: not RootCommand } c) names.Add(c.Command.Name);
        names.Reverse();
        return string.Join(" ", names);
    }

    private static List<string> OptionNames(Command command)
    {
        var names = new List<string>();
        foreach (var o in command.Options)
        {
            names.Add(o.Name);
            names.AddRange(o.Aliases);
        }
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
            foreach (var o in parent.Options.Where(o => o.Recursive))
            {
                names.Add(o.Name);
                names.AddRange(o.Aliases);
            }
        return names.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>" (did you mean 'x'?)" with the nearest of <paramref name="candidates"/>, or the valid ones when none is near.</summary>
    private static string Suggest(string given, IReadOnlyList<string> candidates)
    {
        if (candidates.Count == 0) return "";
        var best = candidates.Select(c => (Name: c, Distance: Levenshtein(given.TrimStart('-'), c.TrimStart('-'))))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name.StartsWith("--", StringComparison.Ordinal) ? 0 : 1).First();
        int allowed = Math.Max(2, given.TrimStart('-').Length / 3);
        if (best.Distance <= allowed) return $" (did you mean '{best.Name}'?)";
        var longNames = candidates.Where(c => c.StartsWith("--", StringComparison.Ordinal) || !c.StartsWith('-') && !c.StartsWith('/')).ToList();
        return $" (valid: {string.Join(", ", longNames.Count > 0 ? longNames : candidates)})";
    }

    private static int Levenshtein(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }

    /// <summary>System.CommandLine's messages without .NET type names.</summary>
    private static string Plain(string message)
    {
        var m = CannotParse().Match(message);
        if (m.Success)
        {
            string what = m.Groups[3].Value switch
            {
                "System.Int32" or "System.Int64" or "System.UInt32" or "System.UInt64" or "System.Int16" => "a whole number",
                "System.Double" or "System.Single" or "System.Decimal" => "a number",
                "System.Boolean" => "true or false",
                _ => "a valid value",
            };
            return $"{m.Groups[2].Value}: '{CliText.Clean(CliText.Cut(m.Groups[1].Value))}' is not {what}";
        }
        var required = RequiredOption().Match(message);
        if (required.Success) return $"{CliText.Clean(required.Groups[1].Value)} is required";
        var missing = MissingArgument().Match(message);
        if (missing.Success) return $"the argument <{CliText.Clean(missing.Groups[1].Value)}> is missing";
        return CliText.Clean(CliText.CutQuoted(string.Join(' ', message.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.')));
    }

    /// <summary>System.CommandLine's "Option '--to' is required."</summary>
    [GeneratedRegex(@"^Option '([^']*)' is required\.?$")]
    private static partial Regex RequiredOption();

    /// <summary>System.CommandLine's "Required argument 'new' missing for command: 'diff'."</summary>
    [GeneratedRegex(@"^Required argument '([^']*)' missing for command: '[^']*'\.?$")]
    private static partial Regex MissingArgument();

    [GeneratedRegex(@"^Argument '(.*)' not recognized\. Must be one of:(.*)$", RegexOptions.Singleline)]
    private static partial Regex NotAmong();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"^Cannot parse argument '(.*)' for (?:option|command|argument) '([^']*)' as expected type '([^']*)'")]
    private static partial Regex CannotParse();

    // Every command is registered here, one line each; each lives in Commands/<Name>Command.cs.
    private static IEnumerable<Command> Commands(CliContext context) =>
    [
        DecodeCommand.Create(context),
        DiffCommand.Create(context),
        ConvertCommand.Create(context),
        EncodeCommand.Create(context),
        DemoCommand.Create(context),
        SimulateCommand.Create(context),
        HestCommand.Create(context),
        ActionTableCommand.Create(context, Hest.ActionTableKind.Erst),
        ActionTableCommand.Create(context, Hest.ActionTableKind.Einj),
        BertCommand.Create(context),
        VmCommand.Create(context),
        GenerateCommand.Create(context),
        StatsCommand.Create(context),
    ];
}

/// <summary>Standard streams for commands, so tests can run the tool in-process.</summary>
/// <param name="Out">Standard output (text).</param>
/// <param name="Error">Standard error: one diagnostic per line.</param>
/// <param name="OpenStdin">Opens standard input.</param>
/// <param name="OpenStdoutBytes">Opens standard output for binary data (<c>-o -</c>); null: <paramref name="Out"/>, as UTF-8.</param>
internal sealed record CliContext(TextWriter Out, TextWriter Error, Func<Stream> OpenStdin, Func<Stream>? OpenStdoutBytes = null)
{
    /// <summary>Standard output for binary data.</summary>
    public Stream OpenStdout()
    {
        if (OpenStdoutBytes is { } open) return open();
        Out.Flush();
        return new TextWriterStream(Out);
    }
}

/// <summary>A usage problem (bad option combination, unreadable file): exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
