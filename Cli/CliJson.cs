using System.Text.Encodings.Web;
using System.Text.Json;
using ApeiKit.Ghes;

namespace ApeiKit.Cli;

/// <summary>Writing the command's JSON outputs (<c>simulate</c>, <c>vm</c>): the shapes they repeat.</summary>
internal static class CliJson
{
    /// <summary>The writer of the commands' JSON documents: indented, non-ASCII and HTML-sensitive characters written as they are.</summary>
    public static Utf8JsonWriter Writer(Stream stream) => new(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>Writes the member <paramref name="name"/> as an array of strings.</summary>
    public static void WriteStrings(this Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    /// <summary>Writes the member <paramref name="name"/> as an array of Linux consumer warnings: kind (camelCase), subject, message.</summary>
    public static void WriteLinuxWarnings(this Utf8JsonWriter w, string name, IEnumerable<LinuxLintWarning> warnings)
    {
        w.WriteStartArray(name);
        foreach (var x in warnings)
        {
            w.WriteStartObject();
            w.WriteString("kind", JsonNamingPolicy.CamelCase.ConvertName(x.Kind.ToString()));
            w.WriteString("subject", x.Subject);
            w.WriteString("message", x.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
