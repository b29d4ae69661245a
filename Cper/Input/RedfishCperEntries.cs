using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ApeiKit.Cper.Input;

/// <summary>
/// Redfish LogEntry JSON (DMTF DSP0268, LogEntry v1.15+: <c>DiagnosticDataType</c> "CPER" or "CPERSection",
/// <c>DiagnosticData</c> base64, the <c>CPER</c> object with <c>SectionType</c>, <c>NotificationType</c> and <c>Oem</c>;
/// <c>AdditionalDataURI</c> when the payload is an attachment), as bmcweb serves it: one entry, a LogEntryCollection
/// page (<c>Members</c>), or an array of entries. "CPER" entries give their record as it is; "CPERSection" entries are
/// wrapped into a record (<see cref="CperSectionWrapper"/>).
/// </summary>
public static class RedfishCperEntries
{
    /// <summary>True when the first bytes of a text look like Redfish LogEntry JSON (an object or array naming DiagnosticData or LogEntry).</summary>
    /// <param name="head">The first bytes (4 KiB is plenty).</param>
    public static bool LooksLikeRedfish(ReadOnlySpan<byte> head)
    {
        var t = SkipBomAndSpace(head);
        if (t.IsEmpty || (t[0] != (byte)'{' && t[0] != (byte)'[')) return false;
        return t.IndexOf("\"DiagnosticData"u8) >= 0 || t.IndexOf("LogEntry"u8) >= 0;
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static ReadOnlySpan<byte> SkipBomAndSpace(ReadOnlySpan<byte> t)
    {
        if (t.StartsWith(Utf8Bom)) t = t[3..];
        return t.TrimStart(" \t\r\n"u8);
    }

    /// <summary>
    /// Unwraps every entry of <paramref name="json"/>: each "CPER" entry's record and each "CPERSection" entry's section
    /// wrapped into a record, with the entry's name and JSON path (<c>Members[3]</c>) in its origin; entries that give no
    /// record are in <see cref="CperUnwrappedInput.Errors"/> or <see cref="CperUnwrappedInput.Notices"/>.
    /// </summary>
    /// <param name="json">The JSON text (UTF-8, a BOM allowed).</param>
    /// <param name="severityOverride">Severity for the record synthesised around a CPERSection body (0-3), or null to take it from the entry's Severity.</param>
    /// <exception cref="FormatException">The text is not UTF-8 JSON, or its root is neither an entry, a collection nor an array (the message says which, for a reader).</exception>
    public static CperUnwrappedInput Unwrap(byte[] json, uint? severityOverride)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw new FormatException("not valid UTF-8 text (Redfish LogEntry JSON expected).");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.AsMemory(json.AsSpan().StartsWith(Utf8Bom) ? 3 : 0), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new FormatException($"not valid JSON (Redfish LogEntry expected): {e.Message}");
        }
        using (doc)
        {
            var result = new CperUnwrappedInput();
            var root = doc.RootElement;
            var entries = new List<(JsonElement Entry, string Where)>();
            if (root.ValueKind == JsonValueKind.Array)
            {
                int i = 0;
                foreach (var e in root.EnumerateArray()) entries.Add((e, $"[{i++}]"));
            }
            else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Members", out var members) && members.ValueKind == JsonValueKind.Array)
            {
                int i = 0;
                foreach (var e in members.EnumerateArray()) entries.Add((e, $"Members[{i++}]"));
                if (root.TryGetProperty("Members@odata.nextLink", out var next) && next.ValueKind == JsonValueKind.String)
                    result.Notices.Add($"the collection continues at {next.GetString()} (not fetched: decode that page too)");
            }
            else if (root.ValueKind == JsonValueKind.Object) entries.Add((root, "the entry"));
            else throw new FormatException($"JSON {root.ValueKind} is neither a Redfish LogEntry, a LogEntryCollection nor an array of entries.");
            foreach (var (entry, where) in entries) Add(result, entry, where, severityOverride);
            if (entries.Count == 0) result.Notices.Add("the JSON holds no LogEntry");
            return result;
        }
    }

    private static string? Str(JsonElement o, string property)
        => o.ValueKind == JsonValueKind.Object && o.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static void Add(CperUnwrappedInput result, JsonElement entry, string where, uint? severityOverride)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            result.Errors.Add($"LogEntry {where}: a JSON {entry.ValueKind.ToString().ToLowerInvariant()}, not an object");
            return;
        }
        string? id = Str(entry, "Id"), odataId = Str(entry, "@odata.id");
        string name = "LogEntry " + (id, odataId) switch
        {
            (not null, not null) => $"{id} ({odataId})",
            (not null, null) => $"{id} ({where})",
            (null, not null) => odataId,
            _ => where,
        };
        string? type = Str(entry, "DiagnosticDataType");
        string? data = Str(entry, "DiagnosticData");
        string? uri = Str(entry, "AdditionalDataURI");
        if (type is not ("CPER" or "CPERSection"))
        {
            if (type is null && data is null && uri is null)
                result.Errors.Add($"{name}: no DiagnosticData and no DiagnosticDataType (not a CPER LogEntry)");
            else result.Notices.Add($"{name}: DiagnosticDataType is {(type is null ? "missing" : $"\"{type}\"")}, not CPER or CPERSection: skipped");
            return;
        }
        if (data is null)
        {
            if (uri is not null)
            {
                string size = entry.TryGetProperty("AdditionalDataSizeBytes", out var s) && s.ValueKind == JsonValueKind.Number ? $" ({s.GetRawText()} bytes)" : "";
                result.Errors.Add($"{name}: the {type} payload is an attachment at {uri}{size}, not in this JSON: download it and decode the file");
            }
            else result.Errors.Add($"{name}: DiagnosticDataType is {type} but there is no DiagnosticData");
            return;
        }
        byte[] payload;
        try
        {
            payload = Convert.FromBase64String(data);
        }
        catch (FormatException)
        {
            result.Errors.Add($"{name}: DiagnosticData is not valid base64 ({data.Length} characters starting \"{(data.Length > 16 ? data[..16] + "..." : data)}\")");
            return;
        }
        if (payload.Length == 0)
        {
            result.Errors.Add($"{name}: DiagnosticData is empty");
            return;
        }
        entry.TryGetProperty("CPER", out var cper);
        string? oemJson = null;
        bool hasEntryOem = entry.TryGetProperty("Oem", out var entryOem);
        bool hasCperOem = cper.ValueKind == JsonValueKind.Object && cper.TryGetProperty("Oem", out _);
        if (hasEntryOem || hasCperOem)
        {
            // Kept compact, as one JSON object: {"Oem": ..., "CPER.Oem": ...}.
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                w.WriteStartObject();
                if (hasEntryOem)
                {
                    w.WritePropertyName("Oem");
                    entryOem.WriteTo(w);
                }
                if (hasCperOem)
                {
                    w.WritePropertyName("CPER.Oem");
                    cper.GetProperty("Oem").WriteTo(w);
                }
                w.WriteEndObject();
            }
            oemJson = Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        if (type == "CPER")
        {
            result.Add(payload, name, oem: oemJson);
            return;
        }
        // CPERSection: one section, its type in CPER.SectionType.
        string? sectionTypeText = Str(cper, "SectionType");
        if (sectionTypeText is null)
        {
            result.Errors.Add($"{name}: DiagnosticDataType is CPERSection but CPER.SectionType is missing (the section's type GUID is needed to decode it)");
            return;
        }
        if (!Guid.TryParse(sectionTypeText, out var sectionType))
        {
            result.Errors.Add($"{name}: CPER.SectionType \"{sectionTypeText}\" is not a GUID");
            return;
        }
        var notification = Guid.Empty;
        if (Str(cper, "NotificationType") is { } nt && !Guid.TryParse(nt, out notification))
        {
            result.Errors.Add($"{name}: CPER.NotificationType \"{nt}\" is not a GUID");
            return;
        }
        CperTimestamp? timestamp = Str(entry, "Created") is { } created && DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)
            ? CperTimestamp.FromDateTime(when.UtcDateTime) : null;
        string stamp = timestamp is null ? "no timestamp" : "timestamp from Created";
        if (CperSectionWrapper.StartsWithDescriptor(payload, sectionType))
        {
            result.Add(CperSectionWrapper.WrapDescribed(payload, notification, timestamp, name), name, synthesised: true,
                note: $"record header synthesised by ApeiKit around the section descriptor and section of {name} (severity from the descriptor, {stamp})", oem: oemJson);
            return;
        }
        string? redfishSeverity = Str(entry, "Severity");
        // bmcweb/cper-logger map CPER severity to LogEntry Severity as fatal -> Critical, recoverable -> Warning,
        // corrected/informational -> OK; the inverse is the best the entry says about the section.
        uint severity = severityOverride ?? redfishSeverity switch { "Critical" => 1u, "Warning" => 0u, "OK" => 2u, _ => 3u };
        string from = severityOverride is not null ? "--severity" : redfishSeverity is null ? "informational: the entry has no Severity" : $"the entry's Severity \"{redfishSeverity}\"";
        result.Add(CperSectionWrapper.WrapBody(payload, sectionType, severity, notification, timestamp), name, synthesised: true,
            note: $"record header and section descriptor synthesised by ApeiKit around the section body of {name} (severity from {from}, {stamp})", oem: oemJson);
    }
}
