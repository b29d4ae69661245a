using ApeiKit.Cper;

namespace ApeiKit.Ghes;

/// <summary>
/// One-line renderings of Generic Error Status Blocks (ACPI 6.5 §18.3.2.7.1), the BERT with its boot error region
/// (§18.3.1) and QEMU's ERST store, for snapshot tests and logs: <c>ToLayoutString()</c> (layout format v1,
/// docs/layout-format.md), <c>ToText()</c> and <c>ToJson()</c>, through <see cref="ErrorStatusBlockDescriber"/>,
/// <see cref="BertDescriber"/> and <see cref="ErstStoreDescriber"/>. Lines end with <c>\n</c>; content errors and
/// consumer-check findings are shown in place.
/// </summary>
public static class GhesRenderings
{
    /// <summary>The label of an error status block's root object when none is given.</summary>
    public const string DefaultBlockLabel = "Error status block";
    /// <summary>The label of a BERT's root object when none is given.</summary>
    public const string DefaultBertLabel = "BERT (Boot Error Record Table)";

    private static string Block(ReadOnlySpan<byte> bytes, RenderFormat format, string label, long baseOffset, CperDecodeOptions? options)
        => Renderings.Render(bytes, (b, o, v) => ErrorStatusBlockDescriber.Describe(b, o, v, label, options: options), format, baseOffset);

    private static string Bert(ReadOnlySpan<byte> table, ReadOnlySpan<byte> region, RenderFormat format, string label, CperDecodeOptions? options)
    {
        // The describer takes two spans; a lambda cannot hold a span, so the pair is joined: region offsets follow the table.
        // All of the table given: the describer shows bytes past the 48-byte BERT (within or after its Length). A BertTable
        // view gives its 48 bytes only, so a Length past 48 is reported there as bytes missing (Length past the bytes present).
        int tableLength = table.Length;
        byte[] joined = [.. table[..tableLength], .. region];
        return Renderings.Render(joined, (b, o, v) => BertDescriber.Describe(b[..tableLength], o, b[tableLength..], o + tableLength, v, label, options: options), format);
    }

    private static string Store(ReadOnlySpan<byte> bytes, RenderFormat format, string? label, CperDecodeOptions? options)
        => Renderings.Render(bytes, label is null ? (b, o, v) => ErstStoreDescriber.Describe(b, o, v, options: options) : (b, o, v) => ErstStoreDescriber.Describe(b, o, v, label, options), format);

    /// <summary>The layout rendering of the block: every field with its offset, length and raw bytes.</summary>
    /// <param name="block">The block view.</param>
    /// <param name="label">Label of the root object.</param>
    /// <param name="baseOffset">Absolute offset of the block (shown in the rendering).</param>
    /// <param name="options">The section codecs (vendor codecs added) and ARM error-type reading; null: <see cref="CperDecodeOptions.Default"/>.</param>
    public static string ToLayoutString(this ErrorStatusBlockView block, string label = DefaultBlockLabel, long baseOffset = 0, CperDecodeOptions? options = null) => Block(block.Bytes, RenderFormat.Layout, label, baseOffset, options);

    /// <summary>The readable text rendering of the block.</summary>
    /// <inheritdoc cref="ToLayoutString(ErrorStatusBlockView, string, long, CperDecodeOptions?)"/>
    public static string ToText(this ErrorStatusBlockView block, string label = DefaultBlockLabel, long baseOffset = 0, CperDecodeOptions? options = null) => Block(block.Bytes, RenderFormat.Text, label, baseOffset, options);

    /// <summary>The indented JSON rendering of the block.</summary>
    /// <inheritdoc cref="ToLayoutString(ErrorStatusBlockView, string, long, CperDecodeOptions?)"/>
    public static string ToJson(this ErrorStatusBlockView block, string label = DefaultBlockLabel, long baseOffset = 0, CperDecodeOptions? options = null) => Block(block.Bytes, RenderFormat.Json, label, baseOffset, options);

    /// <summary>The layout rendering of the block as it encodes.</summary>
    /// <param name="block">The block model.</param>
    /// <param name="label">Label of the root object.</param>
    /// <param name="options">The section codecs (vendor codecs added) and ARM error-type reading; null: <see cref="CperDecodeOptions.Default"/>.</param>
    public static string ToLayoutString(this ErrorStatusBlock block, string label = DefaultBlockLabel, CperDecodeOptions? options = null) => Block(block.Encode(), RenderFormat.Layout, label, 0, options);

    /// <summary>The readable text rendering of the block as it encodes.</summary>
    /// <inheritdoc cref="ToLayoutString(ErrorStatusBlock, string, CperDecodeOptions?)"/>
    public static string ToText(this ErrorStatusBlock block, string label = DefaultBlockLabel, CperDecodeOptions? options = null) => Block(block.Encode(), RenderFormat.Text, label, 0, options);

    /// <summary>The JSON rendering of the block as it encodes.</summary>
    /// <inheritdoc cref="ToLayoutString(ErrorStatusBlock, string, CperDecodeOptions?)"/>
    public static string ToJson(this ErrorStatusBlock block, string label = DefaultBlockLabel, CperDecodeOptions? options = null) => Block(block.Encode(), RenderFormat.Json, label, 0, options);

    /// <summary>The layout rendering of the BERT and, when given, its boot error region (region offsets follow the table's 48 bytes).</summary>
    /// <param name="table">The table view.</param>
    /// <param name="region">The boot error region, or empty when it is not at hand.</param>
    /// <param name="label">Label of the root object.</param>
    /// <param name="options">The section codecs (vendor codecs added), limits and ARM error-type reading for the records inside; null: <see cref="CperDecodeOptions.Default"/>.</param>
    public static string ToLayoutString(this BertTable table, ReadOnlySpan<byte> region = default, string label = DefaultBertLabel, CperDecodeOptions? options = null) => Bert(table.Bytes, region, RenderFormat.Layout, label, options);

    /// <summary>The readable text rendering of the BERT and its region.</summary>
    /// <inheritdoc cref="ToLayoutString(BertTable, ReadOnlySpan{byte}, string, CperDecodeOptions?)"/>
    public static string ToText(this BertTable table, ReadOnlySpan<byte> region = default, string label = DefaultBertLabel, CperDecodeOptions? options = null) => Bert(table.Bytes, region, RenderFormat.Text, label, options);

    /// <summary>The JSON rendering of the BERT and its region.</summary>
    /// <inheritdoc cref="ToLayoutString(BertTable, ReadOnlySpan{byte}, string, CperDecodeOptions?)"/>
    public static string ToJson(this BertTable table, ReadOnlySpan<byte> region = default, string label = DefaultBertLabel, CperDecodeOptions? options = null) => Bert(table.Bytes, region, RenderFormat.Json, label, options);

    /// <summary>The layout rendering of the BERT as it encodes, with the region when given.</summary>
    /// <param name="table">The table model.</param>
    /// <param name="region">The boot error region model, or null.</param>
    /// <param name="label">Label of the root object.</param>
    /// <param name="options">The section codecs (vendor codecs added), limits and ARM error-type reading for the records inside; null: <see cref="CperDecodeOptions.Default"/>.</param>
    public static string ToLayoutString(this BertTableData table, BootErrorRegion? region = null, string label = DefaultBertLabel, CperDecodeOptions? options = null) => BertModel(table, region, RenderFormat.Layout, label, options);

    /// <summary>The readable text rendering of the BERT as it encodes, with the region when given.</summary>
    /// <inheritdoc cref="ToLayoutString(BertTableData, BootErrorRegion?, string, CperDecodeOptions?)"/>
    public static string ToText(this BertTableData table, BootErrorRegion? region = null, string label = DefaultBertLabel, CperDecodeOptions? options = null) => BertModel(table, region, RenderFormat.Text, label, options);

    /// <summary>The JSON rendering of the BERT as it encodes, with the region when given.</summary>
    /// <inheritdoc cref="ToLayoutString(BertTableData, BootErrorRegion?, string, CperDecodeOptions?)"/>
    public static string ToJson(this BertTableData table, BootErrorRegion? region = null, string label = DefaultBertLabel, CperDecodeOptions? options = null) => BertModel(table, region, RenderFormat.Json, label, options);

    private static string BertModel(BertTableData table, BootErrorRegion? region, RenderFormat format, string label, CperDecodeOptions? options)
    {
        ArgumentNullException.ThrowIfNull(table);
        return Bert(table.Encode(), region?.Encode() ?? [], format, label, options);
    }

    /// <summary>The layout rendering of the ERST store: header, slots (live, cleared, empty) and their CPER records.</summary>
    /// <param name="store">The store view.</param>
    /// <param name="label">Label of the root object (default: "ERST store (QEMU acpi-erst backing file)").</param>
    /// <param name="options">The section codecs (vendor codecs added), limits and ARM error-type reading for the records inside; null: <see cref="CperDecodeOptions.Default"/>.</param>
    public static string ToLayoutString(this ErstStoreView store, string? label = null, CperDecodeOptions? options = null) => Store(store.Bytes, RenderFormat.Layout, label, options);

    /// <summary>The readable text rendering of the ERST store.</summary>
    /// <inheritdoc cref="ToLayoutString(ErstStoreView, string?, CperDecodeOptions?)"/>
    public static string ToText(this ErstStoreView store, string? label = null, CperDecodeOptions? options = null) => Store(store.Bytes, RenderFormat.Text, label, options);

    /// <summary>The JSON rendering of the ERST store.</summary>
    /// <inheritdoc cref="ToLayoutString(ErstStoreView, string?, CperDecodeOptions?)"/>
    public static string ToJson(this ErstStoreView store, string? label = null, CperDecodeOptions? options = null) => Store(store.Bytes, RenderFormat.Json, label, options);

    /// <summary>The layout rendering of the ERST store model.</summary>
    /// <param name="store">The store.</param>
    /// <param name="label">Label of the root object.</param>
    /// <param name="options">The section codecs (vendor codecs added), limits and ARM error-type reading for the records inside; null: <see cref="CperDecodeOptions.Default"/>.</param>
    public static string ToLayoutString(this ErstStore store, string? label = null, CperDecodeOptions? options = null) => Store(Checked(store).Bytes, RenderFormat.Layout, label, options);

    /// <summary>The readable text rendering of the ERST store model.</summary>
    /// <inheritdoc cref="ToLayoutString(ErstStore, string?, CperDecodeOptions?)"/>
    public static string ToText(this ErstStore store, string? label = null, CperDecodeOptions? options = null) => Store(Checked(store).Bytes, RenderFormat.Text, label, options);

    /// <summary>The JSON rendering of the ERST store model.</summary>
    /// <inheritdoc cref="ToLayoutString(ErstStore, string?, CperDecodeOptions?)"/>
    public static string ToJson(this ErstStore store, string? label = null, CperDecodeOptions? options = null) => Store(Checked(store).Bytes, RenderFormat.Json, label, options);

    private static ErstStore Checked(ErstStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store;
    }
}
