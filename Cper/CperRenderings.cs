namespace ApeiKit.Cper;

/// <summary>
/// One-line renderings of CPER records and sections (UEFI 2.10 appendix N) for snapshot tests and logs:
/// <c>ToLayoutString()</c> (layout format v1, docs/layout-format.md), <c>ToText()</c> and <c>ToJson()</c>, through
/// <see cref="CperRecordDescriber"/> and the section codecs. Lines end with <c>\n</c>; content errors are shown in
/// place as the renderers show them (nothing is thrown for malformed content past the record header).
/// </summary>
public static class CperRenderings
{
    /// <summary>The label of the root object when none is given.</summary>
    public const string DefaultRecordLabel = "CPER record";

    private static string Record(ReadOnlySpan<byte> bytes, RenderFormat format, string label, long baseOffset, CperDecodeOptions? options)
        => Renderings.Render(bytes, (b, o, v) => CperRecordDescriber.Describe(b, o, v, label, out _, options), format, baseOffset);

    /// <summary>The layout rendering of the record: every field with its offset, length and raw bytes.</summary>
    /// <param name="record">The record view.</param>
    /// <param name="label">Label of the root object.</param>
    /// <param name="baseOffset">Absolute offset of the record in its input (shown in the rendering).</param>
    /// <param name="options">The section codecs (vendor codecs added), limits and ARM error-type reading; null: <see cref="CperDecodeOptions.Default"/>.</param>
    /// <exception cref="ApeiContentException">Not even a record header with the CPER signature is there.</exception>
    public static string ToLayoutString(this CperRecordView record, string label = DefaultRecordLabel, long baseOffset = 0, CperDecodeOptions? options = null)
        => Record(record.Bytes, RenderFormat.Layout, label, baseOffset, options);

    /// <summary>The readable text rendering of the record.</summary>
    /// <inheritdoc cref="ToLayoutString(CperRecordView, string, long, CperDecodeOptions?)"/>
    public static string ToText(this CperRecordView record, string label = DefaultRecordLabel, long baseOffset = 0, CperDecodeOptions? options = null)
        => Record(record.Bytes, RenderFormat.Text, label, baseOffset, options);

    /// <summary>The indented JSON rendering of the record (as <c>apeikit decode --format json</c> writes one record).</summary>
    /// <inheritdoc cref="ToLayoutString(CperRecordView, string, long, CperDecodeOptions?)"/>
    public static string ToJson(this CperRecordView record, string label = DefaultRecordLabel, long baseOffset = 0, CperDecodeOptions? options = null)
        => Record(record.Bytes, RenderFormat.Json, label, baseOffset, options);

    /// <summary>The layout rendering of the record as it encodes (offsets from 0).</summary>
    /// <param name="record">The record model.</param>
    /// <param name="label">Label of the root object.</param>
    /// <param name="options">The section codecs (vendor codecs added), limits and ARM error-type reading; null: <see cref="CperDecodeOptions.Default"/>.</param>
    public static string ToLayoutString(this CperRecord record, string label = DefaultRecordLabel, CperDecodeOptions? options = null)
        => Record(record.Encode(), RenderFormat.Layout, label, 0, options);

    /// <summary>The readable text rendering of the record as it encodes.</summary>
    /// <inheritdoc cref="ToLayoutString(CperRecord, string, CperDecodeOptions?)"/>
    public static string ToText(this CperRecord record, string label = DefaultRecordLabel, CperDecodeOptions? options = null)
        => Record(record.Encode(), RenderFormat.Text, label, 0, options);

    /// <summary>The JSON rendering of the record as it encodes.</summary>
    /// <inheritdoc cref="ToLayoutString(CperRecord, string, CperDecodeOptions?)"/>
    public static string ToJson(this CperRecord record, string label = DefaultRecordLabel, CperDecodeOptions? options = null)
        => Record(record.Encode(), RenderFormat.Json, label, 0, options);

    private static string Body(CperSectionBody body, RenderFormat format, long baseOffset, Guid? sectionType = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        Guid type = sectionType ?? body.SectionType;
        string name = CperSections.NameOf(type) ?? "Unknown section";
        return Renderings.Render(body.Encode(), (b, o, v) => CperSections.DescribeBody(type, b, o, v), format, baseOffset, name);
    }

    /// <summary>The layout rendering of a section body (with its codec; raw bytes for a type without one).</summary>
    /// <param name="body">The section body.</param>
    /// <param name="baseOffset">Offset shown for the body's first byte.</param>
    public static string ToLayoutString(this CperSectionBody body, long baseOffset = 0) => Body(body, RenderFormat.Layout, baseOffset);

    /// <summary>The readable text rendering of a section body.</summary>
    /// <inheritdoc cref="ToLayoutString(CperSectionBody, long)"/>
    public static string ToText(this CperSectionBody body, long baseOffset = 0) => Body(body, RenderFormat.Text, baseOffset);

    /// <summary>The JSON rendering of a section body (one object holding its fields).</summary>
    /// <inheritdoc cref="ToLayoutString(CperSectionBody, long)"/>
    public static string ToJson(this CperSectionBody body, long baseOffset = 0) => Body(body, RenderFormat.Json, baseOffset);

    /// <summary>The layout rendering of a section's body, described as its effective section type (the descriptor is rendered with its record).</summary>
    /// <param name="section">The section.</param>
    public static string ToLayoutString(this CperSection section) => Body(Checked(section).Body, RenderFormat.Layout, 0, section.EffectiveSectionType);

    /// <summary>The text rendering of a section's body.</summary>
    /// <inheritdoc cref="ToLayoutString(CperSection)"/>
    public static string ToText(this CperSection section) => Body(Checked(section).Body, RenderFormat.Text, 0, section.EffectiveSectionType);

    /// <summary>The JSON rendering of a section's body.</summary>
    /// <inheritdoc cref="ToLayoutString(CperSection)"/>
    public static string ToJson(this CperSection section) => Body(Checked(section).Body, RenderFormat.Json, 0, section.EffectiveSectionType);

    private static CperSection Checked(CperSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return section;
    }
}
