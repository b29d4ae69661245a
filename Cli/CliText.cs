using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ApeiKit.Cli;

/// <summary>Text for diagnostics: file names and values made safe for one line of a terminal or log, plain-word messages.</summary>
internal static partial class CliText
{
    /// <summary>Longest value quoted in a message before it is cut.</summary>
    public const int MaxQuoted = 80;

    /// <summary>
    /// <paramref name="text"/> with control and format characters written as escapes (<c>\n</c>, <c>\x1B</c>,
    /// <c>\u202E</c>: <see cref="ApeiKit.Text.Printable"/>, the one sanitiser of the CLI and the platform), so a file name cannot
    /// split a diagnostic into two lines or drive the terminal.
    /// </summary>
    public static string Clean(string text) => ApeiKit.Text.Printable.Escape(text);

    /// <summary>A file name for a diagnostic: <c>&lt;stdin&gt;</c> for <c>-</c>, control characters escaped.</summary>
    public static string Name(string file) => file == "-" ? "<stdin>" : Clean(file);

    /// <summary><paramref name="value"/> cut to <see cref="MaxQuoted"/> characters, with "… (N bytes)" saying how long it was.</summary>
    public static string Cut(string value)
        => value.Length <= MaxQuoted ? value : string.Create(CultureInfo.InvariantCulture, $"{value[..MaxQuoted]}… ({Encoding.UTF8.GetByteCount(value)} bytes)");

    /// <summary>"1 record", "2 records".</summary>
    public static string Count(long n, string one, string? many = null)
        => string.Create(CultureInfo.InvariantCulture, $"{n} {(n == 1 ? one : many ?? one + "s")}");

    /// <summary>
    /// An exception's message in plain words: no "(Parameter 'x')", no "LineNumber: 0 | BytePositionInLine: 55"
    /// (said as "line 1, column 56" instead), quoted values cut (<see cref="Cut"/>).
    /// </summary>
    public static string Message(Exception e)
    {
        string m = e.Message;
        m = ParameterSuffix().Replace(PlainIo(m), "");
        m = JsonPosition().Replace(m, match =>
        {
            long line = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) + 1, column = long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) + 1;
            return string.Create(CultureInfo.InvariantCulture, $" (line {line}, column {column}).");
        });
        m = JsonPath().Replace(m, match => $" at {match.Groups[1].Value}");
        return CutQuoted(m.Trim());
    }

    /// <summary>
    /// .NET's file-error sentences said plainly (for messages built by code that passed <c>e.Message</c> on):
    /// "Access to the path '/x/d' is denied." becomes "is a directory" (or "permission denied"),
    /// "Could not find file '/x/f'." / "Could not find a part of the path" become "no such file or directory".
    /// </summary>
    public static string PlainIo(string message)
    {
        message = AccessDenied().Replace(message, m => Directory.Exists(m.Groups[1].Value) ? "is a directory" : "permission denied");
        return NotFound().Replace(message, "no such file or directory");
    }

    [GeneratedRegex(@"Access to the path '([^']*)' is denied\.")]
    private static partial Regex AccessDenied();

    [GeneratedRegex(@"Could not find (?:file|a part of the path) '[^']*'\.")]
    private static partial Regex NotFound();

    /// <summary>Every quoted value ('...' or "...") longer than <see cref="MaxQuoted"/> in <paramref name="message"/> cut.</summary>
    public static string CutQuoted(string message)
        => message.Length <= MaxQuoted ? message : LongQuoted().Replace(message, m => m.Groups[1].Value + Cut(m.Groups[2].Value) + m.Groups[1].Value);

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)")]
    private static partial Regex ParameterSuffix();

    [GeneratedRegex(@"\.?\s*LineNumber: (\d+) \| BytePositionInLine: (\d+)\.?")]
    private static partial Regex JsonPosition();

    [GeneratedRegex(@"\s*Path: (\$[^\s|]*) \|")]
    private static partial Regex JsonPath();

    // A quote opens a value only where no letter or digit comes before it and closes one only where none follows it, so
    // the words between two quoted names ("data" ... "offset") are not taken for a value, nor an apostrophe (libcper's).
    [GeneratedRegex("(?<![\\w])(['\"])([^'\"]{81,})\\1(?![\\w])")]
    private static partial Regex LongQuoted();


    /// <summary>
    /// Parses a size such as 1MB, 512KiB, 2GB, 1000000 (decimal units are powers of 1000, binary ones of 1024); the error
    /// names <paramref name="option"/> and says the range it takes (<paramref name="range"/>).
    /// </summary>
    /// <exception cref="CliUsageException">Not a size.</exception>
    public static long ParseSize(string text, string option = "--size", string range = "above 0, at most 10000GB")
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToUpperInvariant();
        (string Suffix, long Factor)[] units = [("KIB", 1L << 10), ("MIB", 1L << 20), ("GIB", 1L << 30), ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("B", 1)];
        long factor = 1;
        foreach (var (suffix, f) in units)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal)) { factor = f; t = t[..^suffix.Length]; break; }
        }
        if (!double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) || v <= 0 || v * factor > 1e13)
            throw new CliUsageException($"{option}: '{CliText.Cut(CliText.Clean(text))}' is not a size: give a number with an optional unit, B, KB, MB, GB (powers of 1000) or KiB, MiB, GiB (K, M, G: powers of 1024), e.g. 1MB, 512KiB, 2GB; {range}.");
        return (long)(v * factor);
    }
}
