using System.Xml;
using System.Xml.Linq;

namespace ApeiKit.Cper.Input;

/// <summary>
/// Windows events exported as XML (<c>wevtutil qe System /q:"*[System[Provider[@Name='Microsoft-Windows-WHEA-Logger']]]" /f:xml</c>:
/// Event elements back to back; Event Viewer's "Save as XML": an Events root, often UTF-16). The CPER record of a
/// WHEA-Logger event is the hex of its raw data: a <c>RawData</c> element or <c>&lt;Data Name="RawData"&gt;</c> in
/// EventData. Each event with raw data gives one record; events of other providers are skipped (said once).
/// </summary>
public static class WheaEventXml
{
    /// <summary>True when the first bytes look like exported Windows event XML (UTF-8 or UTF-16 with its BOM).</summary>
    /// <param name="head">The first bytes (4 KiB is plenty).</param>
    public static bool LooksLikeEventXml(ReadOnlySpan<byte> head)
    {
        string text;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) text = System.Text.Encoding.Unicode.GetString(head[2..(head.Length & ~1)]);
        else if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) text = System.Text.Encoding.BigEndianUnicode.GetString(head[2..(head.Length & ~1)]);
        else text = System.Text.Encoding.UTF8.GetString(head);
        text = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return text.StartsWith('<') && (text.Contains("<Event ", StringComparison.Ordinal) || text.Contains("<Event>", StringComparison.Ordinal))
            && (text.Contains("schemas.microsoft.com/win/2004/08/events/event", StringComparison.Ordinal) || text.Contains("WHEA-Logger", StringComparison.Ordinal));
    }

    /// <summary>
    /// Unwraps every event's raw data: one record per event with RawData, its origin naming the provider, the event's
    /// number in the file, EventID and EventRecordID; WHEA-Logger events without usable RawData are errors.
    /// </summary>
    /// <param name="xml">The XML (UTF-8, or UTF-16 with its BOM).</param>
    /// <exception cref="FormatException">Not well-formed XML (the message gives the line and column).</exception>
    public static CperUnwrappedInput Unwrap(byte[] xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var result = new CperUnwrappedInput();
        var settings = new XmlReaderSettings { ConformanceLevel = ConformanceLevel.Fragment, DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
        int n = 0, skipped = 0;
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(xml, writable: false), settings);
            reader.MoveToContent();
            while (!reader.EOF)
            {
                if (reader.NodeType != XmlNodeType.Element) { reader.Read(); continue; }
                if (reader.LocalName != "Event") { reader.Read(); continue; } // an Events root, or anything around the events: step inside
                var ev = (XElement)XNode.ReadFrom(reader);
                n++;
                Event(result, ev, n, ref skipped);
            }
        }
        catch (XmlException e)
        {
            throw new FormatException($"not well-formed XML at line {e.LineNumber}, column {e.LinePosition}: {e.Message}");
        }
        if (n == 0) result.Errors.Add("no Event element in the XML");
        if (skipped > 0) result.Notices.Add($"{skipped} event(s) of other providers (not WHEA-Logger) and without RawData skipped");
        return result;
    }

    private static void Event(CperUnwrappedInput result, XElement ev, int n, ref int skipped)
    {
        XElement? system = ev.Elements().FirstOrDefault(e => e.Name.LocalName == "System");
        string? Sys(string local) => system?.Elements().FirstOrDefault(e => e.Name.LocalName == local)?.Value.Trim();
        string? provider = system?.Elements().FirstOrDefault(e => e.Name.LocalName == "Provider")?.Attribute("Name")?.Value;
        string? eventId = Sys("EventID"), recordId = Sys("EventRecordID");
        var ids = new List<string>();
        if (eventId is not null) ids.Add($"EventID {eventId}");
        if (recordId is not null) ids.Add($"EventRecordID {recordId}");
        string entry = $"event #{n}" + (ids.Count > 0 ? $" ({string.Join(", ", ids)})" : "");
        if (provider is not null) entry = $"{provider} {entry}";
        var raw = ev.Descendants().FirstOrDefault(e => e.Name.LocalName == "RawData")
            ?? ev.Descendants().FirstOrDefault(e => e.Name.LocalName == "Data" && (string?)e.Attribute("Name") == "RawData");
        bool whea = provider?.Contains("WHEA", StringComparison.OrdinalIgnoreCase) == true;
        if (raw is null)
        {
            if (whea) result.Errors.Add($"{entry}: no RawData (the CPER record of a WHEA-Logger event is its RawData)");
            else skipped++;
            return;
        }
        string hex = raw.Value.Trim();
        if (hex.Length == 0)
        {
            result.Errors.Add($"{entry}: RawData is empty");
            return;
        }
        if (!CperTextForms.TryDecodeHex(System.Text.Encoding.ASCII.GetBytes(hex), out var bytes))
        {
            result.Errors.Add($"{entry}: RawData is not hex ({hex.Length} characters starting \"{(hex.Length > 16 ? hex[..16] + "..." : hex)}\")");
            return;
        }
        result.Add(bytes, entry);
    }
}
