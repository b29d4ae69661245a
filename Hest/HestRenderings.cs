namespace ApeiKit.Hest;

/// <summary>
/// One-line renderings of the APEI tables this package holds, HEST (ACPI 6.5 §18.3.2), ERST (§18.5) and EINJ (§18.6),
/// for snapshot tests and logs: <c>ToLayoutString()</c> (layout format v1, docs/layout-format.md), <c>ToText()</c> and
/// <c>ToJson()</c>, through <see cref="HestDescriber"/> and <see cref="ActionTableDescriber"/>. Lines end with <c>\n</c>;
/// content errors are shown in place.
/// </summary>
public static class HestRenderings
{
    private static string Hest(ReadOnlySpan<byte> bytes, RenderFormat format, string? label, long baseOffset)
        => Renderings.Render(bytes, label is null ? (b, o, v) => HestDescriber.Describe(b, o, v) : (b, o, v) => HestDescriber.Describe(b, o, v, label), format, baseOffset);

    private static string Action(ReadOnlySpan<byte> bytes, RenderFormat format, string? label, long baseOffset)
        => Renderings.Render(bytes, (b, o, v) => ActionTableDescriber.Describe(b, o, v, label), format, baseOffset);

    /// <summary>The layout rendering of the HEST: every field with its offset, length and raw bytes.</summary>
    /// <param name="table">The table view.</param>
    /// <param name="label">Label of the root object (default: "HEST (Hardware Error Source Table)").</param>
    /// <param name="baseOffset">Absolute offset of the table (shown in the rendering).</param>
    public static string ToLayoutString(this HestTable table, string? label = null, long baseOffset = 0) => Hest(table.Bytes, RenderFormat.Layout, label, baseOffset);

    /// <summary>The readable text rendering of the HEST.</summary>
    /// <inheritdoc cref="ToLayoutString(HestTable, string?, long)"/>
    public static string ToText(this HestTable table, string? label = null, long baseOffset = 0) => Hest(table.Bytes, RenderFormat.Text, label, baseOffset);

    /// <summary>The indented JSON rendering of the HEST.</summary>
    /// <inheritdoc cref="ToLayoutString(HestTable, string?, long)"/>
    public static string ToJson(this HestTable table, string? label = null, long baseOffset = 0) => Hest(table.Bytes, RenderFormat.Json, label, baseOffset);

    /// <summary>The layout rendering of the HEST as it encodes.</summary>
    /// <param name="table">The table model.</param>
    /// <param name="label">Label of the root object (default: "HEST (Hardware Error Source Table)").</param>
    public static string ToLayoutString(this HestTableModel table, string? label = null) => Hest(table.Encode(), RenderFormat.Layout, label, 0);

    /// <summary>The readable text rendering of the HEST as it encodes.</summary>
    /// <inheritdoc cref="ToLayoutString(HestTableModel, string?)"/>
    public static string ToText(this HestTableModel table, string? label = null) => Hest(table.Encode(), RenderFormat.Text, label, 0);

    /// <summary>The JSON rendering of the HEST as it encodes.</summary>
    /// <inheritdoc cref="ToLayoutString(HestTableModel, string?)"/>
    public static string ToJson(this HestTableModel table, string? label = null) => Hest(table.Encode(), RenderFormat.Json, label, 0);

    /// <summary>The layout rendering of the ERST or EINJ.</summary>
    /// <param name="table">The table view.</param>
    /// <param name="label">Label of the root object (default: the table's name, e.g. "ERST (Error Record Serialization Table)").</param>
    /// <param name="baseOffset">Absolute offset of the table (shown in the rendering).</param>
    public static string ToLayoutString(this ActionTable table, string? label = null, long baseOffset = 0) => Action(table.Bytes, RenderFormat.Layout, label, baseOffset);

    /// <summary>The readable text rendering of the ERST or EINJ.</summary>
    /// <inheritdoc cref="ToLayoutString(ActionTable, string?, long)"/>
    public static string ToText(this ActionTable table, string? label = null, long baseOffset = 0) => Action(table.Bytes, RenderFormat.Text, label, baseOffset);

    /// <summary>The indented JSON rendering of the ERST or EINJ.</summary>
    /// <inheritdoc cref="ToLayoutString(ActionTable, string?, long)"/>
    public static string ToJson(this ActionTable table, string? label = null, long baseOffset = 0) => Action(table.Bytes, RenderFormat.Json, label, baseOffset);

    /// <summary>The layout rendering of the ERST or EINJ as it encodes.</summary>
    /// <param name="table">The table model.</param>
    /// <param name="label">Label of the root object (default: the table's name).</param>
    public static string ToLayoutString(this ActionTableModel table, string? label = null) => Action(table.Encode(), RenderFormat.Layout, label, 0);

    /// <summary>The readable text rendering of the ERST or EINJ as it encodes.</summary>
    /// <inheritdoc cref="ToLayoutString(ActionTableModel, string?)"/>
    public static string ToText(this ActionTableModel table, string? label = null) => Action(table.Encode(), RenderFormat.Text, label, 0);

    /// <summary>The JSON rendering of the ERST or EINJ as it encodes.</summary>
    /// <inheritdoc cref="ToLayoutString(ActionTableModel, string?)"/>
    public static string ToJson(this ActionTableModel table, string? label = null) => Action(table.Encode(), RenderFormat.Json, label, 0);
}
