using System.Text.Json;

namespace ApeiKit;

/// <summary>
/// A JSON member name given once, as a static field, and encoded then (issue #15, docs/DESIGN.md "Rendering fast"):
/// describers pass it to <see cref="StructureVisitor.BeginObject(JsonName, string, long, long)"/>,
/// <see cref="StructureVisitor.BeginArray(JsonName, string, long, long)"/> and <see cref="StructureVisitor.JsonOnly(JsonName, string)"/>,
/// and the JSON renderer writes the encoded bytes without looking the name up per call. Visitors that do not override
/// those overloads receive <see cref="Text"/> through the string ones, so every visitor sees the same walk.
/// </summary>
/// <remarks>
/// The bytes are kept only when the default and the relaxed encoder write the name the same way (plain ASCII names,
/// i.e. all of the libraries'); any other name is encoded by the renderer with its own encoder, as a string name is.
/// </remarks>
public readonly struct JsonName
{
    /// <summary>Encodes <paramref name="text"/> once.</summary>
    /// <param name="text">The member name.</param>
    public JsonName(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        Encoded = PreEncodedText.Of(text);
        if (Encoded is { } e) Member = [(byte)',', (byte)'"', .. e.EncodedUtf8Bytes, (byte)'"', (byte)':'];
    }

    /// <summary>The name as text.</summary>
    public string Text { get; }

    /// <summary>The name encoded as both encoders in use write it, or null (see the remarks).</summary>
    internal JsonEncodedText? Encoded { get; }

    /// <summary>
    /// <see cref="Encoded"/> as the compact renderer writes a member: <c>,"name":</c> with its comma (skipped for the first
    /// member of a container), so a member's prefix is one copy; null when <see cref="Encoded"/> is.
    /// </summary>
    internal byte[]? Member { get; }

    /// <summary>The name as text.</summary>
    public override string ToString() => Text ?? "";
}
