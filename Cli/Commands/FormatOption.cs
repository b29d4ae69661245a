using System.CommandLine;

namespace ApeiKit.Cli;

/// <summary>The <c>--format</c> (<c>-f</c>) option of the commands that print text or JSON.</summary>
internal static class FormatOption
{
    /// <summary><c>--format text|json</c>, text by default; <paramref name="description"/> is its help line.</summary>
    public static Option<string> TextOrJson(string description)
    {
        var format = new Option<string>("--format", "-f") { Description = description, DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        return format;
    }
}
