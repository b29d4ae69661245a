using System.Text.Json.Nodes;

namespace ApeiKit.Tests;

/// <summary>decode's JSON as a test reads it: one record, or an array of items whose first is the record wanted.</summary>
internal static class DecodedJson
{
    /// <summary>The first record of <paramref name="json"/> (the document itself when it is one record, not an array).</summary>
    public static JsonNode FirstRecord(string json) => FirstRecord(JsonNode.Parse(json)!);

    /// <summary>The first record of a parsed document (the node itself when it is not an array).</summary>
    public static JsonNode FirstRecord(JsonNode node) => node is JsonArray a ? a[0]! : node;
}
