using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;

namespace ApeiKit.Ghes;

/// <summary>
/// Reads Generic Error Status Blocks (ACPI 6.5 §18.3.2.7) from the JSON that <c>apeikit decode --input gesb --format
/// json</c> writes: <c>{"header": {"blockStatus": .., "dataLength": ..}, "entries": [{"entryHeader": {..}, "body": {..}}],
/// "rawData": ".."}</c>, one block, an array of blocks, or one per line. As for CPER records
/// (<see cref="CperJsonReader"/>), there is no hand-written inverse: <see cref="JsonGuidedBuilder"/> runs
/// <see cref="ErrorStatusBlockDescriber"/> (and through it every section's describer) over the block being built, so
/// decode then read back gives the original block, Block Status, Data Length and raw data included.
/// Counts and lengths are not computed: the JSON must give them, as decode prints them.
/// </summary>
public static class ErrorStatusBlockJsonReader
{
    private static readonly string[] s_blockOnly = ["entries", "rawData", "warnings", "state"];
    /// <summary>Members decode adds that describe where a block came from, not the block: read past.</summary>
    private static readonly string[] s_decodeOnly = ["source"];

    /// <summary>
    /// Whether <paramref name="json"/> is an error status block as decode prints it (an object with <c>entries</c>, or a
    /// header with <c>blockStatus</c>), or an array whose first element is one. A CPER record has neither.
    /// </summary>
    public static bool LooksLikeBlock(JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.Array)
        {
            foreach (var e in json.EnumerateArray()) return LooksLikeBlock(e);
            return false;
        }
        if (json.ValueKind != JsonValueKind.Object) return false;
        foreach (var m in s_blockOnly)
            if (json.TryGetProperty(m, out _)) return true;
        return json.TryGetProperty("header", out var h) && h.ValueKind == JsonValueKind.Object && h.TryGetProperty("blockStatus", out _);
    }

    /// <summary>
    /// Whether the first JSON value of <paramref name="utf8Json"/> is a block or an array of blocks (see
    /// <see cref="LooksLikeBlock"/>); false for text that is not JSON. Only the first object's member names are looked
    /// at (a token scan without building a document), so telling blocks from records costs nothing for large input.
    /// </summary>
    public static bool LooksLikeBlocks(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, Options);
        try
        {
            if (!reader.Read()) return false;
            if (reader.TokenType == JsonTokenType.StartArray && !reader.Read()) return false;
            if (reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                if (s_blockOnly.Contains(name)) return true;
                if (!reader.Read()) return false;
                if (name == "header" && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("blockStatus"u8)) return true;
                        if (!reader.Read()) return false;
                        reader.Skip();
                    }
                    continue;
                }
                reader.Skip();
            }
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads every block in <paramref name="utf8Json"/> and returns each block's bytes.</summary>
    /// <exception cref="CperJsonException">Not JSON, or JSON that does not describe blocks (the path says where).</exception>
    public static List<byte[]> ReadBlocks(ReadOnlySpan<byte> utf8Json) => ReadBlocks(utf8Json, null);

    /// <summary>
    /// Reads every block in <paramref name="utf8Json"/>, collecting what is accepted but odd (<see cref="CperJsonWarning"/>).
    /// The items decode writes for bytes that are not a block (<c>{"offset", "length", "error", "data"}</c>, zero padding
    /// <c>{"offset", "length", "padding": "zero"}</c>) are skipped: only blocks are returned. To write a stream back byte
    /// for byte, use <see cref="ReadItems(ReadOnlySpan{byte}, ICollection{CperJsonWarning})"/>, which keeps them.
    /// </summary>
    /// <param name="utf8Json">A block object, an array of them, or one per line.</param>
    /// <param name="warnings">Receives warnings (a validationBits given that contradicts the fields given); null: not collected.</param>
    /// <exception cref="CperJsonException">Not JSON, or JSON that does not describe blocks (the path says where).</exception>
    public static List<byte[]> ReadBlocks(ReadOnlySpan<byte> utf8Json, ICollection<CperJsonWarning>? warnings)
    {
        var read = JsonDocuments.ReadEach(utf8Json, (e, p) => CperJsonReader.IsRangeOrPadding(e) ? null : ReadBlock(e, p, warnings), "no error status block (expected a block object, an array of them, or one per line)");
        var blocks = new List<byte[]>(read.Count);
        foreach (var b in read)
            if (b is not null) blocks.Add(b);
        return blocks;
    }

    /// <summary>
    /// Reads every item of <paramref name="utf8Json"/> in order, as <c>apeikit decode --input gesb --format json</c> (or
    /// ndjson) writes a stream of blocks: blocks (<see cref="CperJsonItemKind.ErrorStatusBlock"/>, their bytes in
    /// <see cref="CperJsonItem.Data"/>), unrecognised bytes (<see cref="CperJsonItemKind.Bytes"/>) and zero padding
    /// (<see cref="CperJsonItemKind.ZeroPadding"/>). Written back in order (<see cref="CperJsonItem.WriteTo"/>) they give
    /// the decoded stream byte for byte. Offsets are checked as <see cref="CperJsonReader.ReadItems(ReadOnlySpan{byte}, ICollection{CperJsonWarning})"/> checks them (a disagreement is a warning).
    /// </summary>
    /// <param name="utf8Json">An item, an array of them, or one per line.</param>
    /// <param name="warnings">Receives warnings; null: not collected.</param>
    /// <exception cref="CperJsonException">Not JSON, JSON that does not describe such items, or an item whose bytes decode did not keep (the path says where).</exception>
    public static List<CperJsonItem> ReadItems(ReadOnlySpan<byte> utf8Json, ICollection<CperJsonWarning>? warnings)
        => CperJsonReader.ReadEachItem(utf8Json, warnings,
            (e, p) => CperJsonReader.IsRangeOrPadding(e) ? CperJsonReader.ReadOther(e, p) : CperJsonItem.ForBlock(p, null, ReadBlock(e, p, warnings)),
            "no error status block (expected a block object, an array of items, or one per line)");

    /// <summary>Reads one block object and returns its bytes.</summary>
    /// <exception cref="CperJsonException">The JSON does not describe a block.</exception>
    public static byte[] ReadBlock(JsonElement block, string path = "$") => ReadBlock(block, path, null);

    /// <summary>Reads one block object and returns its bytes, collecting warnings.</summary>
    /// <param name="block">The block object.</param>
    /// <param name="path">Its JSON path, for messages.</param>
    /// <param name="warnings">Receives warnings; null: not collected.</param>
    /// <exception cref="CperJsonException">The JSON does not describe a block.</exception>
    public static byte[] ReadBlock(JsonElement block, string path, ICollection<CperJsonWarning>? warnings)
    {
        if (block.ValueKind != JsonValueKind.Object) throw new CperJsonException(path, $"expected an error status block object, found {JsonFieldReader.Show(block)}");
        if (!block.TryGetProperty("header", out var header) || header.ValueKind != JsonValueKind.Object)
            throw new CperJsonException(path + ".header", "required member missing (the block header: blockStatus, dataLength, errorSeverity, ...)");
        if (!header.TryGetProperty("dataLength", out _))
            throw new CperJsonException(path + ".header.dataLength", "required member missing (the length of the entries; decode prints it)");
        return JsonGuidedBuilder.Build(block, path, null, static (b, v) => ErrorStatusBlockDescriber.Describe(b, 0, v, "Generic Error Status Block"), s_decodeOnly, warnings);
    }

    private static JsonReaderOptions Options => new() { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
}
