using System.Text.Json;

namespace ApeiKit.Cper.Json;

/// <summary>
/// The one reader of JSON input documents (<c>encode</c>'s records, error status blocks, libcper records): one value, an
/// array of values, or several top-level values (NDJSON, one per line); a UTF-8 BOM, comments and trailing commas are
/// allowed. Each value is handed to the caller with its JSON path: <c>$</c>, <c>$[i]</c> inside an array, and
/// <c>$&lt;document N&gt;</c> for the Nth top-level value.
/// </summary>
public static class JsonDocuments
{
    private static readonly JsonReaderOptions s_options = new() { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Reads every value of <paramref name="utf8Json"/> with <paramref name="read"/>.</summary>
    /// <param name="utf8Json">The JSON text.</param>
    /// <param name="read">Reads one value (an element of a top-level array, or a top-level value that is not an array) at its path.</param>
    /// <param name="nothing">What the error says when there is no value at all (e.g. "no record (expected ...)").</param>
    /// <exception cref="CperJsonException">Not JSON (line and column in words), or what <paramref name="read"/> throws, or no value.</exception>
    public static List<T> ReadEach<T>(ReadOnlySpan<byte> utf8Json, Func<JsonElement, string, T> read, string nothing)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (utf8Json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) utf8Json = utf8Json[3..];
        var values = new List<T>();
        var reader = new Utf8JsonReader(utf8Json, s_options);
        int document = 0;
        while (true)
        {
            JsonDocument doc;
            try
            {
                if (!reader.Read()) break;
                doc = JsonDocument.ParseValue(ref reader);
            }
            catch (JsonException e)
            {
                throw new CperJsonException("$", $"not valid JSON at line {(e.LineNumber ?? 0) + 1}, column {(e.BytePositionInLine ?? 0) + 1}: {JsonFieldReader.PlainJsonMessage(e)}", e);
            }
            using (doc)
            {
                string root = document == 0 ? "$" : $"$<document {document + 1}>";
                var e = doc.RootElement;
                if (e.ValueKind == JsonValueKind.Array)
                {
                    int i = 0;
                    foreach (var item in e.EnumerateArray()) values.Add(read(item, $"{root}[{i++}]"));
                }
                else
                {
                    values.Add(read(e, root));
                }
            }
            document++;
        }
        if (values.Count == 0) throw new CperJsonException("$", nothing);
        return values;
    }
}
