using System.Globalization;
using System.Runtime.CompilerServices;

namespace ApeiKit;

/// <summary>
/// Receives a structure walk: objects, arrays, fields (with their absolute offsets and raw bytes) and
/// derived values. Decoders describe what they read to a visitor; the text, JSON and layout renderers
/// are visitors. Walks read straight from the input bytes: no object graph is built.
/// </summary>
public abstract class StructureVisitor
{
    /// <summary>Interpret timestamps as Windows' binary form first (set for records from the WHEA creator).</summary>
    public bool PreferBinaryTimestamps { get; set; }

    /// <summary>
    /// True when the visitor wants the parts that renderings leave out while they are zero (a block not marked valid,
    /// unused slots): JSON input (<c>JsonGuidedBuilder</c>) needs to know where they would go. Describers that skip
    /// zero parts check it; renderings leave it false.
    /// </summary>
    public virtual bool ReportsZeroParts => false;

    /// <summary>
    /// False when the visitor ignores the <c>label</c> arguments (JSON): a describer may then skip formatting labels
    /// built per item ("Section 2: Platform Memory") and pass any string.
    /// </summary>
    public virtual bool WantsLabels => true;

    /// <summary>Starts an object. <paramref name="json"/> is null for array elements and the root.</summary>
    public abstract void BeginObject(string? json, string label, long offset, long length);

    /// <summary>
    /// Starts an object whose label is an interpolated string: formatted (invariant culture) only when the visitor
    /// <see cref="WantsLabels"/>, so a JSON walk over many array elements builds no label strings.
    /// </summary>
    public void BeginObject(string? json, [InterpolatedStringHandlerArgument("")] ref LabelText label, long offset, long length)
        => BeginObject(json, label.ToStringAndClear(), offset, length);

    /// <summary>
    /// Starts an object named by a name encoded once (<see cref="JsonName"/>). The default passes
    /// <see cref="JsonName.Text"/> to <see cref="BeginObject(string, string, long, long)"/>; the JSON renderer writes the encoded bytes.
    /// </summary>
    public virtual void BeginObject(JsonName json, string label, long offset, long length) => BeginObject(json.Text, label, offset, length);

    /// <summary>Starts an object named by a name encoded once, whose label is formatted only when the visitor <see cref="WantsLabels"/>.</summary>
    public void BeginObject(JsonName json, [InterpolatedStringHandlerArgument("")] ref LabelText label, long offset, long length)
        => BeginObject(json, label.ToStringAndClear(), offset, length);

    /// <summary>Ends the current object.</summary>
    public abstract void EndObject();

    /// <summary>Starts an array.</summary>
    public abstract void BeginArray(string json, string label, long offset, long length);

    /// <summary>
    /// Starts an array named by a name encoded once (<see cref="JsonName"/>). The default passes <see cref="JsonName.Text"/>
    /// to <see cref="BeginArray(string, string, long, long)"/>.
    /// </summary>
    public virtual void BeginArray(JsonName json, string label, long offset, long length) => BeginArray(json.Text, label, offset, length);

    /// <summary>Ends the current array.</summary>
    public abstract void EndArray();

    /// <summary>A field of a fixed layout.</summary>
    /// <param name="field">The layout entry.</param>
    /// <param name="offset">Absolute offset of the field in the input.</param>
    /// <param name="raw">The field's bytes.</param>
    /// <param name="valid">False when the structure's validation bits say the field holds no meaning.</param>
    /// <param name="validationBits">The structure's validation bits (for sub-fields with their own bits).</param>
    public abstract void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits);

    /// <summary>
    /// The fields of a fixed layout (<see cref="StructDef.Describe"/>): every field the bytes reach, in order, each valid
    /// or not by the layout's validation field. The default reports them one by one to <see cref="Field(FieldDef, long, ReadOnlySpan{byte}, bool, ulong)"/>;
    /// a visitor that can handle a whole layout at once (the compact JSON renderer) overrides it and must report the same.
    /// </summary>
    /// <param name="layout">The layout.</param>
    /// <param name="structure">The structure's bytes (may end before the layout does: an older, shorter revision).</param>
    /// <param name="baseOffset">Absolute offset of the structure in the input.</param>
    public virtual void Layout(StructDef layout, ReadOnlySpan<byte> structure, long baseOffset)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ulong valid = layout.ReadValidationBits(structure);
        foreach (var f in layout.Fields)
        {
            if (f.End > structure.Length) break;
            var raw = structure.Slice(f.Offset, f.Size);
            // A value that carries its own validation bits (FieldDef.EmbeddedValidation: UEFI N.2.4.4 ARM error
            // information, bits 0-15) validates its sub-fields with them, not with the structure's.
            Field(f, baseOffset + f.Offset, raw, StructDef.IsValid(f, valid), f.EmbeddedValidation is null ? valid : FieldDef.ReadLittleEndian(raw));
        }
    }

    /// <summary>
    /// The fields of a nested structure with no validation field of its own, valid or not as one bit of the enclosing
    /// structure says (<see cref="StructDef.DescribeNested"/>; UEFI 2.10 N.2.7: the PCIe Device ID, capability structure
    /// and AER info): every field the bytes reach, in order, each reported with <paramref name="valid"/> and all-ones
    /// validation bits for its sub-fields. The default reports them one by one; a visitor that overrides it must report the same.
    /// </summary>
    /// <param name="layout">The layout.</param>
    /// <param name="structure">The structure's bytes.</param>
    /// <param name="baseOffset">Absolute offset of the structure in the input.</param>
    /// <param name="valid">Whether the enclosing structure marks this one valid.</param>
    public virtual void NestedLayout(StructDef layout, ReadOnlySpan<byte> structure, long baseOffset, bool valid)
    {
        ArgumentNullException.ThrowIfNull(layout);
        foreach (var f in layout.Fields)
        {
            if (f.End > structure.Length) break;
            Field(f, baseOffset + f.Offset, structure.Slice(f.Offset, f.Size), valid, ulong.MaxValue);
        }
    }

    /// <summary>A derived text value (a GUID's name, the encoding assumed); null renders as JSON null.</summary>
    public abstract void Info(string json, string label, string? value);

    /// <summary>
    /// A derived text value that is a fixed text, under a name, both encoded once (<see cref="JsonName"/>: e.g. a layout's
    /// or an encoding's description, so the JSON renderer writes the bytes without encoding or looking them up per record);
    /// the default passes their <see cref="JsonName.Text"/> to <see cref="Info(string, string, string)"/>. A default
    /// <paramref name="value"/> (no text) means null.
    /// </summary>
    public virtual void Info(JsonName json, string label, JsonName value) => Info(json.Text, label, value.Text);

    /// <summary>A derived number.</summary>
    public abstract void Info(string json, string label, long value);

    /// <summary>
    /// A derived number with its unit ("bytes"): text says the unit after the number, JSON keeps the bare number; the
    /// default passes the number to <see cref="Info(string, string, long)"/> without the unit.
    /// </summary>
    public virtual void Info(string json, string label, long value, string unit) => Info(json, label, value);

    /// <summary>A value only machine-readable output carries (JSON), e.g. a GUID's name beside the GUID that text already names.</summary>
    public virtual void JsonOnly(string json, string? value)
    {
    }

    /// <summary>
    /// <see cref="JsonOnly(string, string)"/> with a name encoded once (<see cref="JsonName"/>); the default passes
    /// <see cref="JsonName.Text"/> to it.
    /// </summary>
    public virtual void JsonOnly(JsonName json, string? value) => JsonOnly(json.Text, value);

    /// <summary>
    /// A JSON-only value that is a fixed name, encoded once like a member name (<see cref="JsonName"/>: e.g. the GUID
    /// registry's names, so the JSON renderer writes the bytes without encoding or looking the value up per record);
    /// the default passes <see cref="JsonName.Text"/> to <see cref="JsonOnly(JsonName, string)"/>. A default
    /// <see cref="JsonName"/> (no text, e.g. a GUID the registry does not know) means null: written as JSON null.
    /// </summary>
    public virtual void JsonOnly(JsonName json, JsonName value) => JsonOnly(json, value.Text);

    /// <summary>Bytes that belong to no structure (padding, vendor data, an undecodable body).</summary>
    public abstract void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes);

    /// <summary>A content error found while walking: the walk continues where it can. Counted in <see cref="ErrorsReported"/>, then handed to <see cref="OnError"/>.</summary>
    public void Error(ApeiContentException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        ErrorsReported++;
        OnError(error);
    }

    /// <summary>How many errors have been reported to this visitor (a describer compares it before and after a part to count that part's errors).</summary>
    public int ErrorsReported { get; private set; }

    /// <summary>Renders or keeps a content error (see <see cref="Error"/>).</summary>
    protected abstract void OnError(ApeiContentException error);

    /// <summary>Convenience: a field of a fixed layout read from <paramref name="structure"/>.</summary>
    public void Field(FieldDef field, ReadOnlySpan<byte> structure, long structureOffset, bool valid = true, ulong validationBits = ulong.MaxValue)
        => Field(field, structureOffset + field.Offset, structure.Slice(field.Offset, field.Size), valid, validationBits);
}

/// <summary>A label built only for visitors that show labels (<see cref="StructureVisitor.WantsLabels"/>), in the invariant culture.</summary>
[InterpolatedStringHandler]
public ref struct LabelText
{
    private DefaultInterpolatedStringHandler _inner;
    private readonly bool _enabled;

    /// <summary>Called by the compiler.</summary>
    public LabelText(int literalLength, int formattedCount, StructureVisitor visitor, out bool enabled)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        _enabled = enabled = visitor.WantsLabels;
        _inner = enabled ? new DefaultInterpolatedStringHandler(literalLength, formattedCount, CultureInfo.InvariantCulture) : default;
    }

    /// <summary>Called by the compiler.</summary>
    public void AppendLiteral(string value) => _inner.AppendLiteral(value);

    /// <summary>Called by the compiler.</summary>
    public void AppendFormatted<T>(T value) => _inner.AppendFormatted(value);

    /// <summary>Called by the compiler.</summary>
    public void AppendFormatted<T>(T value, string? format) => _inner.AppendFormatted(value, format);

    /// <summary>Called by the compiler.</summary>
    public void AppendFormatted(ReadOnlySpan<char> value) => _inner.AppendFormatted(value);

    /// <summary>Called by the compiler.</summary>
    public void AppendFormatted(string? value) => _inner.AppendFormatted(value);

    /// <summary>The label, or an empty string when the visitor does not want it.</summary>
    public string ToStringAndClear() => _enabled ? _inner.ToStringAndClear() : "";
}
