using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// Renders a CPER record as openbmc/libcper's JSON ("CPER-IR": <c>header</c>, <c>sectionDescriptors</c>,
/// <c>sections</c>), so tools built on libcper's output can read ApeiKit's. This is a compatibility rendering:
/// where libcper departs from UEFI 2.10 appendix N it follows libcper (see <c>docs/libcper-compat.md</c>);
/// ApeiKit's own JSON keeps the specification.
/// </summary>
public static class LibCperJsonWriter
{
    private static readonly JsonWriterOptions s_compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions s_indented = s_compact with { Indented = true };

    /// <summary>The record as a JSON tree in libcper's shape (the bytes <see cref="Write(ReadOnlySpan{byte}, Utf8JsonWriter, CperDecodeOptions)"/> streams, parsed).</summary>
    /// <param name="record">The record's bytes.</param>
    /// <param name="options">Limits for reading the record (its size limit); <see cref="CperDecodeOptions.Default"/> when null.</param>
    /// <exception cref="ApeiContentException">Not even a CPER header is present.</exception>
    public static JsonObject ToJsonNode(ReadOnlySpan<byte> record, CperDecodeOptions? options = null)
        => (JsonObject)JsonNode.Parse(Render(record, s_compact, options).WrittenSpan)!;

    /// <summary>The record as libcper JSON text.</summary>
    /// <param name="record">The record's bytes.</param>
    /// <param name="indented">Indented (libcper's <c>cper-convert</c> output) or compact.</param>
    /// <param name="options">Limits for reading the record (its size limit); <see cref="CperDecodeOptions.Default"/> when null.</param>
    public static string Write(ReadOnlySpan<byte> record, bool indented = true, CperDecodeOptions? options = null)
        => System.Text.Encoding.UTF8.GetString(Render(record, indented ? s_indented : s_compact, options).WrittenSpan);

    private static System.Buffers.ArrayBufferWriter<byte> Render(ReadOnlySpan<byte> record, JsonWriterOptions json, CperDecodeOptions? options)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using var writer = new Utf8JsonWriter(buffer, json);
        Write(record, writer, options);
        writer.Flush();
        return buffer;
    }

    /// <summary>
    /// Writes the record as libcper JSON straight to <paramref name="writer"/>: header, descriptors and every section family
    /// (member maps, <see cref="LibCperMap"/>, and the hand-written streamed families) with pre-encoded names and no tree.
    /// </summary>
    /// <param name="record">The record's bytes.</param>
    /// <param name="writer">Receives the JSON.</param>
    /// <param name="options">Limits for reading the record: the CLI passes the ones its <c>--max-record-size</c> gives, so a
    /// record the framing accepted is not refused here; <see cref="CperDecodeOptions.Default"/> when null.</param>
    /// <exception cref="ApeiContentException">Not even a CPER header is present (nothing has been written then).</exception>
    public static void Write(ReadOnlySpan<byte> record, Utf8JsonWriter writer, CperDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var view = CperRecordView.ReadPrefix(record, out _, 0, options);
        var h = view.Header;
        writer.WriteStartObject();
        writer.WriteStartObject(N.Header);
        WriteRevision(writer, N.Revision, h.Revision);
        writer.WriteNumber(N.SectionCount, h.SectionCount);
        WriteSeverity(writer, h.Severity);
        writer.WriteNumber(N.RecordLength, h.RecordLength);
        Span<char> ts = stackalloc char[32];
        if ((h.ValidationBits & 0x2) != 0 && FormatTimestamp(h.Bytes.Slice(CperRecordHeader.TimestampOffset, 8), ts) is int tsLength and >= 0)
        {
            writer.WriteString(N.Timestamp, ts[..tsLength]);
            writer.WriteBoolean(N.TimestampIsPrecise, (h.Bytes[CperRecordHeader.TimestampOffset + 3] & 1) != 0);
        }
        if ((h.ValidationBits & 0x1) != 0) Lc.WriteGuid(writer, N.PlatformId, h.Bytes.Slice(CperRecordHeader.PlatformIdOffset, 16));
        if ((h.ValidationBits & 0x4) != 0) Lc.WriteGuid(writer, N.PartitionId, h.Bytes.Slice(CperRecordHeader.PartitionIdOffset, 16));
        Lc.WriteGuid(writer, N.CreatorId, h.Bytes.Slice(CperRecordHeader.CreatorIdOffset, 16));
        writer.WriteStartObject(N.NotificationType);
        Lc.WriteGuid(writer, N.Guid, h.Bytes.Slice(CperRecordHeader.NotificationTypeOffset, 16));
        WriteText(writer, N.Type, LibCperNames.NotificationType(h.NotificationType));
        writer.WriteEndObject();
        writer.WriteNumber(N.RecordId, h.RecordId);
        writer.WriteStartObject(N.Flags);
        writer.WriteNumber(N.Value, (ulong)h.Flags);
        WriteText(writer, N.Name, LibCperNames.HeaderFlags.TryGetValue(h.Flags, out var flagName) ? flagName : "Unknown");
        writer.WriteEndObject();
        writer.WriteNumber(N.PersistenceInfo, h.PersistenceInformation);
        writer.WriteEndObject();

        // libcper stops the whole record at a section whose body is not there; its descriptor is still listed.
        writer.WriteStartArray(N.SectionDescriptors);
        int sections = 0;
        for (int i = 0; i < view.DescriptorCount; i++)
        {
            var d = view.GetDescriptor(i);
            writer.WriteStartObject();
            writer.WriteNumber(N.SectionOffset, d.SectionOffset);
            writer.WriteNumber(N.SectionLength, d.SectionLength);
            WriteRevision(writer, N.Revision, d.Revision);
            writer.WriteStartObject(N.Flags);
            for (int b = 0; b < N.DescriptorFlags.Length; b++) writer.WriteBoolean(N.DescriptorFlags[b], ((d.Flags >> b) & 1) != 0);
            writer.WriteEndObject();
            writer.WriteStartObject(N.SectionType);
            Lc.WriteGuid(writer, N.Data, d.Bytes.Slice(CperSectionDescriptor.SectionTypeOffset, 16));
            WriteText(writer, N.Type, LibCperSections.Find(d.SectionType)?.ReadableName ?? "Unknown");
            writer.WriteEndObject();
            if ((d.ValidationBits & 0x1) != 0) Lc.WriteGuid(writer, N.FruId, d.Bytes.Slice(CperSectionDescriptor.FruIdOffset, 16));
            if ((d.ValidationBits & 0x2) != 0 && Lc.UntrustedLength(d.FruTextBytes) is int fru and >= 0) writer.WriteString(N.FruText, d.FruTextBytes[..fru]);
            WriteSeverity(writer, d.Severity);
            writer.WriteEndObject();
            if (!HasBody(view, i)) break;
            sections++;
        }
        writer.WriteEndArray();
        writer.WriteStartArray(N.Sections);
        for (int i = 0; i < sections; i++)
        {
            var d = view.GetDescriptor(i);
            var body = view.GetSectionBody(i);
            if (LibCperSections.Find(d.SectionType) is { } section && section.TryWrite(writer, body)) continue;
            writer.WriteStartObject();
            writer.WriteStartObject(N.Unknown);
            writer.WriteBase64String(N.Data, body);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static bool HasBody(CperRecordView view, int index)
    {
        try
        {
            _ = view.GetSectionBody(index);
            return true;
        }
        catch (ApeiContentException)
        {
            return false;
        }
    }

    private static void WriteRevision(Utf8JsonWriter writer, JsonEncodedText name, ushort revision)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber(N.Major, revision >> 8);
        writer.WriteNumber(N.Minor, revision & 0xFF);
        writer.WriteEndObject();
    }

    private static void WriteSeverity(Utf8JsonWriter writer, uint severity)
    {
        writer.WriteStartObject(N.Severity);
        writer.WriteNumber(N.Code, severity);
        if (IsPlain(writer)) writer.WriteString(N.Name, severity < 4 ? N.Severities[severity] : N.Unknown);
        else writer.WriteString(N.Name, severity < 4 ? LibCperNames.Severities[severity] : "Unknown");
        writer.WriteEndObject();
    }

    /// <summary>The default or the relaxed encoder (or none): text they leave alone is written pre-encoded; any other encoder escapes every value itself.</summary>
    private static bool IsPlain(Utf8JsonWriter writer)
        => writer.Options.Encoder is not { } e || ReferenceEquals(e, System.Text.Encodings.Web.JavaScriptEncoder.Default) || ReferenceEquals(e, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

    /// <summary>A name from libcper's tables: pre-encoded when it needs no escaping (no escaping check per record), else escaped by the writer.</summary>
    private static void WriteText(Utf8JsonWriter writer, JsonEncodedText name, string text)
    {
        if (IsPlain(writer) && N.PlainText(text) is { } encoded) writer.WriteString(name, encoded);
        else writer.WriteString(name, text);
    }

    /// <summary>libcper's member names, encoded once (plain ASCII: every encoder writes them the same way).</summary>
    private static class N
    {
        public static readonly JsonEncodedText Header = E("header"), Revision = E("revision"), Major = E("major"), Minor = E("minor"),
            SectionCount = E("sectionCount"), Severity = E("severity"), Code = E("code"), Name = E("name"), RecordLength = E("recordLength"),
            Timestamp = E("timestamp"), TimestampIsPrecise = E("timestampIsPrecise"), PlatformId = E("platformID"), PartitionId = E("partitionID"),
            CreatorId = E("creatorID"), NotificationType = E("notificationType"), Guid = E("guid"), Type = E("type"), RecordId = E("recordID"),
            Flags = E("flags"), Value = E("value"), PersistenceInfo = E("persistenceInfo"), SectionDescriptors = E("sectionDescriptors"),
            SectionOffset = E("sectionOffset"), SectionLength = E("sectionLength"), SectionType = E("sectionType"), Data = E("data"),
            FruId = E("fruID"), FruText = E("fruText"), Sections = E("sections"), Unknown = E("Unknown");

        public static readonly JsonEncodedText[] DescriptorFlags = [.. LibCperNames.DescriptorFlags.Select(E)];

        // Value texts from libcper's tables, encoded once (plain ASCII): written without the writer's escaping check.
        public static readonly JsonEncodedText[] Severities = [.. LibCperNames.Severities.Select(E)];

        // Names from libcper's tables (notification types, section families: a few dozen strings), encoded once when no
        // encoder escapes anything in them; null for one that needs escaping (written as text, escaped by the writer).
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonEncodedText?> s_values = new(StringComparer.Ordinal);

        public static JsonEncodedText? PlainText(string text)
        {
            if (s_values.TryGetValue(text, out var e)) return e;
            var encoded = E(text);
            JsonEncodedText? plain = encoded.Value == text ? encoded : null; // the default encoder left it alone: so does every encoder in use
            if (s_values.Count < 1024) s_values.TryAdd(text, plain); // bounded, whatever a vendor's table holds
            return plain;
        }

        private static JsonEncodedText E(string name) => JsonEncodedText.Encode(name);
    }

    /// <summary>libcper's timestamp text, <c>CCYY-MM-DDTHH:MM:SS+00:00</c> from the BCD fields, into <paramref name="text"/> (32 characters); the length, or -1 when a field is out of range.</summary>
    internal static int FormatTimestamp(ReadOnlySpan<byte> t, Span<char> text)
    {
        static int Bcd(byte b) => (b >> 4) * 10 + (b & 0xF);
        int seconds = Bcd(t[0]), minutes = Bcd(t[1]), hours = Bcd(t[2]), day = Bcd(t[4]), month = Bcd(t[5]), year = Bcd(t[6]) % 100, century = Bcd(t[7]) % 100;
        if (month > 12 || day > 31 || hours > 24 || minutes > 60 || seconds >= 60) return -1;
        return text.TryWrite(CultureInfo.InvariantCulture, $"{century:D2}{year:D2}-{month:D2}-{day:D2}T{hours:D2}:{minutes:D2}:{seconds:D2}+00:00", out int n) ? n : -1;
    }
}

/// <summary>Names libcper prints for header and descriptor values.</summary>
internal static class LibCperNames
{
    public static readonly string[] Severities = ["Recoverable", "Fatal", "Corrected", "Informational"];
    public static readonly Dictionary<ulong, string> HeaderFlags = new() { [1] = "HW_ERROR_FLAGS_RECOVERED", [2] = "HW_ERROR_FLAGS_PREVERR", [4] = "HW_ERROR_FLAGS_SIMULATED" };
    public static readonly string[] DescriptorFlags = ["primary", "containmentWarning", "reset", "errorThresholdExceeded", "resourceNotAccessible", "latentError", "propagated", "overflow"];

    private static readonly Dictionary<Guid, string> s_notifications = new()
    {
        [CperGuids.NotifyCmc] = "CMC", [CperGuids.NotifyCpe] = "CPE", [CperGuids.NotifyMce] = "MCE", [CperGuids.NotifyPcie] = "PCIe",
        [CperGuids.NotifyInit] = "INIT", [CperGuids.NotifyNmi] = "NMI", [CperGuids.NotifyBoot] = "Boot", [CperGuids.NotifyDmar] = "DMAr",
        [CperGuids.NotifySea] = "SEA", [CperGuids.NotifySei] = "SEI", [CperGuids.NotifyPei] = "PEI", [CperGuids.NotifyCxlComponent] = "CXL Component",
    };

    public static string NotificationType(Guid g) => s_notifications.TryGetValue(g, out var n) ? n : "Unknown";
}
