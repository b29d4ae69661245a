using System.Text.Encodings.Web;
using System.Text.Json;

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
}
