using System.Globalization;
using System.Text;

namespace ApeiKit.Text;

/// <summary>
/// Makes untrusted text (scenario names, task names, notes, IDs, JSON member names) safe to print in text output:
/// control characters (C0, DEL, C1), line and paragraph separators and bidirectional or other format characters are
/// shown as visible escapes (<c>\x1B</c>, <c>\n</c>, <c>\u202E</c>), so a scenario file cannot forge trace lines or
/// move the cursor; long values are cut with an ellipsis. JSON output needs none of this: its writer escapes.
/// </summary>
public static class Printable
{
    /// <summary>Longest value kept by <see cref="Value"/> by default (characters before the ellipsis).</summary>
    public const int DefaultMaxLength = 80;

    /// <summary>Escapes <paramref name="text"/> and cuts it to <paramref name="maxLength"/> characters plus an ellipsis.</summary>
    public static string Value(string? text, int maxLength = DefaultMaxLength)
    {
        if (text is null) return "";
        bool cut = text.Length > maxLength;
        string escaped = Escape(cut ? text[..maxLength] : text);
        return cut ? escaped + "…" : escaped;
    }

    /// <summary>Escapes control and format characters in a whole line, keeping its length otherwise.</summary>
    public static string Escape(string? text)
    {
        if (text is null) return "";
        int i = 0;
        while (i < text.Length && !NeedsEscape(text[i])) i++;
        if (i == text.Length) return text;
        var sb = new StringBuilder(text.Length + 16).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (!NeedsEscape(c)) { sb.Append(c); continue; }
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c <= 0xFF => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}"),
                _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
            });
        }
        return sb.ToString();
    }

    private static bool NeedsEscape(char c)
        => c < 0x20 || c is >= '\x7F' and <= '\x9F'
        || (c > 0xFF && CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator);
}
