using System.Text.Json.Nodes;
using ApeiKit.Cper.Json;

namespace ApeiKit.Tests;

/// <summary>decode's JSON as a test reads it: one record, or an array of items whose first is the record wanted; its items written back.</summary>
internal static class DecodedJson
{
    /// <summary>The first record of <paramref name="json"/> (the document itself when it is one record, not an array).</summary>
    public static JsonNode FirstRecord(string json) => FirstRecord(JsonNode.Parse(json)!);

    /// <summary>The first record of a parsed document (the node itself when it is not an array).</summary>
    public static JsonNode FirstRecord(JsonNode node) => node is JsonArray a ? a[0]! : node;

    /// <summary>The bytes <paramref name="items"/> (<see cref="CperJsonReader.ReadItems(ReadOnlySpan{byte})"/> of decode's JSON) write back, in order.</summary>
    public static byte[] WriteBack(IEnumerable<CperJsonItem> items)
    {
        using var ms = new MemoryStream();
        foreach (var item in items) item.WriteTo(ms);
        return ms.ToArray();
    }
}
