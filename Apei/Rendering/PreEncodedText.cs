using System.Text.Encodings.Web;
using System.Text.Json;

namespace ApeiKit;

/// <summary>
/// JSON text encoded once, when a layout table is built, for <see cref="JsonRenderer"/>: names of fields, bit fields,
/// enumeration values and flags. Only text that the default and the relaxed encoder write the same way is kept
/// (identifiers and plain ASCII names, which is nearly all of them); anything else is encoded by the renderer with
/// its writer's encoder as before.
/// </summary>
internal static class PreEncodedText
{
    /// <summary>The encoded text, or null when the two encoders differ on <paramref name="text"/>.</summary>
    public static JsonEncodedText? Of(string? text)
    {
        if (text is null) return null;
        var strict = JsonEncodedText.Encode(text, JavaScriptEncoder.Default);
        var relaxed = JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        return strict.EncodedUtf8Bytes.SequenceEqual(relaxed.EncodedUtf8Bytes) ? strict : null;
    }
}
