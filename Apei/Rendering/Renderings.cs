using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ApeiKit;

/// <summary>Walks bytes for rendering: the shape of every ApeiKit describer once its label and options are bound.</summary>
/// <param name="bytes">The structure's bytes.</param>
/// <param name="baseOffset">Absolute offset of <paramref name="bytes"/> in the input (renderings show it).</param>
/// <param name="visitor">Receives the walk.</param>
public delegate void BytesDescriber(ReadOnlySpan<byte> bytes, long baseOffset, StructureVisitor visitor);

/// <summary>The three renderings of a walk.</summary>
public enum RenderFormat
{
    /// <summary>Every field with absolute offset, length, raw bytes and decoded value (<see cref="LayoutRenderer"/>): the snapshot format, "layout format v1" (docs/layout-format.md).</summary>
    Layout,
    /// <summary>Readable text (<see cref="TextRenderer"/>): fields not marked valid and zero reserved bytes left out.</summary>
    Text,
    /// <summary>Indented JSON (<see cref="JsonRenderer"/>), as <c>apeikit decode --format json</c> writes it.</summary>
    Json,
}

/// <summary>
/// One-line renderings to a string, for snapshot tests and logs: the describer of a structure paired with
/// <see cref="LayoutRenderer"/>, <see cref="TextRenderer"/> or <see cref="JsonRenderer"/>. Each library adds
/// <c>ToLayoutString()</c>, <c>ToText()</c> and <c>ToJson()</c> for its tables and records on top of these
/// (<c>CperRenderings</c>, <c>HestRenderings</c>, <c>GhesRenderings</c>). Lines end with <c>\n</c> on every
/// platform, so a snapshot approved on Linux matches on Windows.
/// </summary>
public static class Renderings
{
    /// <summary>
    /// The version of the layout format <see cref="RenderFormat.Layout"/> writes (docs/layout-format.md says what a
    /// minor ApeiKit version may change in it and what only a new format version may).
    /// </summary>
    public const int LayoutFormatVersion = 1;

    private static readonly JsonWriterOptions s_json = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, NewLine = "\n" };

    /// <summary>Renders the walk of <paramref name="describe"/> over <paramref name="bytes"/> in <paramref name="format"/>.</summary>
    /// <param name="bytes">The structure's bytes.</param>
    /// <param name="describe">The describer (it opens its own root object, as the record and table describers do).</param>
    /// <param name="format">Layout, text or JSON.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="bytes"/> (shown in the rendering).</param>
    /// <param name="rootLabel">
    /// When not null, an object with this label is opened around the walk: for describers that write fields into an
    /// object their caller opened (section bodies, <see cref="StructDef.Describe"/>), so the JSON is one object.
    /// </param>
    /// <returns>The rendering; content errors are part of it, as the renderers show them.</returns>
    public static string Render(ReadOnlySpan<byte> bytes, BytesDescriber describe, RenderFormat format, long baseOffset = 0, string? rootLabel = null)
    {
        ArgumentNullException.ThrowIfNull(describe);
        switch (format)
        {
            case RenderFormat.Layout:
            case RenderFormat.Text:
            {
                var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
                StructureVisitor v = format == RenderFormat.Layout ? new LayoutRenderer(text) : new TextRenderer(text);
                Walk(bytes, describe, baseOffset, rootLabel, v);
                return text.ToString();
            }
            case RenderFormat.Json:
            {
                var buffer = new ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(buffer, s_json))
                {
                    Walk(bytes, describe, baseOffset, rootLabel, new JsonRenderer(writer));
                    writer.Flush();
                }
                return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Layout, Text or Json");
        }
    }

    private static void Walk(ReadOnlySpan<byte> bytes, BytesDescriber describe, long baseOffset, string? rootLabel, StructureVisitor v)
    {
        if (rootLabel is null)
        {
            describe(bytes, baseOffset, v);
            return;
        }
        v.BeginObject(null, rootLabel, baseOffset, bytes.Length);
        try
        {
            describe(bytes, baseOffset, v);
        }
        catch (ApeiContentException e)
        {
            v.Error(e);
        }
        v.EndObject();
    }

    /// <summary>The layout rendering (format v1) of <paramref name="bytes"/> walked by <paramref name="describe"/>.</summary>
    public static string ToLayoutString(ReadOnlySpan<byte> bytes, BytesDescriber describe, long baseOffset = 0, string? rootLabel = null)
        => Render(bytes, describe, RenderFormat.Layout, baseOffset, rootLabel);

    /// <summary>The readable text rendering of <paramref name="bytes"/> walked by <paramref name="describe"/>.</summary>
    public static string ToText(ReadOnlySpan<byte> bytes, BytesDescriber describe, long baseOffset = 0, string? rootLabel = null)
        => Render(bytes, describe, RenderFormat.Text, baseOffset, rootLabel);

    /// <summary>The indented JSON rendering of <paramref name="bytes"/> walked by <paramref name="describe"/>.</summary>
    public static string ToJson(ReadOnlySpan<byte> bytes, BytesDescriber describe, long baseOffset = 0, string? rootLabel = null)
        => Render(bytes, describe, RenderFormat.Json, baseOffset, rootLabel);

    /// <summary>The layout rendering of one fixed structure (every field of <paramref name="layout"/> read from <paramref name="bytes"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is shorter than the layout.</exception>
    public static string ToLayoutString(this StructDef layout, ReadOnlySpan<byte> bytes, long baseOffset = 0)
        => RenderStruct(layout, bytes, RenderFormat.Layout, baseOffset);

    /// <summary>The text rendering of one fixed structure.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is shorter than the layout.</exception>
    public static string ToText(this StructDef layout, ReadOnlySpan<byte> bytes, long baseOffset = 0)
        => RenderStruct(layout, bytes, RenderFormat.Text, baseOffset);

    /// <summary>The JSON rendering of one fixed structure (one object holding its fields).</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is shorter than the layout.</exception>
    public static string ToJson(this StructDef layout, ReadOnlySpan<byte> bytes, long baseOffset = 0)
        => RenderStruct(layout, bytes, RenderFormat.Json, baseOffset);

    private static string RenderStruct(StructDef layout, ReadOnlySpan<byte> bytes, RenderFormat format, long baseOffset)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (bytes.Length < layout.Size)
            throw new ArgumentException($"{layout.Name} is {layout.Size} bytes; {bytes.Length} given.", nameof(bytes));
        // Text and layout show the fields flat, as StructDef.Describe writes them; JSON needs the enclosing object.
        return Render(bytes[..layout.Size], layout.Describe, format, baseOffset, format == RenderFormat.Json ? layout.Name : null);
    }
}
