using System.Text.Encodings.Web;
using System.Text.Json;

namespace ApeiKit;

/// <summary>
/// A JSON member name (or a fixed text value) given once, as a static field, and encoded then (issue #15,
/// docs/DESIGN.md "Rendering fast"): describers pass it to <see cref="StructureVisitor.BeginObject(JsonName, string, long, long)"/>,
/// <see cref="StructureVisitor.BeginArray(JsonName, string, long, long)"/>, <see cref="StructureVisitor.JsonOnly(JsonName, string)"/>
/// and <see cref="StructureVisitor.Info(JsonName, string, JsonName)"/>, and the JSON renderer writes the encoded bytes
/// without looking the name up per call. Visitors that do not override those overloads receive <see cref="Text"/>
/// through the string ones, so every visitor sees the same walk.
/// </summary>
/// <remarks>
/// The text is encoded for both encoders the renderer keeps caches for (the default and the relaxed one; once when they
/// write it the same way, as for every plain ASCII name); a renderer with any other encoder encodes <see cref="Text"/>
/// itself, as it does a string name.
/// </remarks>
public readonly struct JsonName
{
    private readonly Encodings? _encodings;

    /// <summary>Encodes <paramref name="text"/> once.</summary>
    /// <param name="text">The member name.</param>
    public JsonName(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        _encodings = new Encodings(text);
    }

    /// <summary>The name as text.</summary>
    public string Text { get; }

    /// <summary>The text as encoder <paramref name="encoder"/> writes it (0: <see cref="JavaScriptEncoder.Default"/>, 1: <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>), or null for a default <see cref="JsonName"/>.</summary>
    internal JsonEncodedText? Encoded(int encoder) => _encodings is { } e ? encoder == 0 ? e.Default : e.Relaxed : null;

    /// <summary>
    /// <see cref="Encoded"/> as the compact renderer writes a member: <c>,"name":</c> with its comma (skipped for the first
    /// member of a container), so a member's prefix is one copy; null for a default <see cref="JsonName"/>.
    /// </summary>
    internal byte[]? Member(int encoder) => _encodings is { } e ? encoder == 0 ? e.DefaultMember : e.RelaxedMember : null;

    /// <summary>The name as text.</summary>
    public override string ToString() => Text ?? "";

    // One object per name (the struct stays two references wide); both encodings share their bytes when they agree.
    private sealed class Encodings
    {
        public readonly JsonEncodedText Default, Relaxed;
        public readonly byte[] DefaultMember, RelaxedMember;

        public Encodings(string text)
        {
            Default = JsonEncodedText.Encode(text, JavaScriptEncoder.Default);
            Relaxed = JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
            DefaultMember = MemberOf(Default);
            if (Relaxed.EncodedUtf8Bytes.SequenceEqual(Default.EncodedUtf8Bytes))
            {
                Relaxed = Default;
                RelaxedMember = DefaultMember;
            }
            else RelaxedMember = MemberOf(Relaxed);
        }

        private static byte[] MemberOf(JsonEncodedText e) => [(byte)',', (byte)'"', .. e.EncodedUtf8Bytes, (byte)'"', (byte)':'];
    }
}
