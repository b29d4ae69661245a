// [lc-audit E] record -> libcper JSON: header, descriptors, section dispatch, pooling (all sections)
using System.Buffers;
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
    /// <summary>The record as a JSON tree in libcper's shape (the bytes <see cref="Write(ReadOnlySpan{byte}, IBufferWriter{byte}, CperDecodeOptions)"/> writes, parsed).</summary>
    /// <param name="record">The record's bytes.</param>
    /// <param name="options">Limits for reading the record (its size limit); <see cref="CperDecodeOptions.Default"/> when null.</param>
    /// <exception cref="ApeiContentException">Not even a CPER header is present.</exception>
    public static JsonObject ToJsonNode(ReadOnlySpan<byte> record, CperDecodeOptions? options = null)
    {
        var w = Rent();
        try
        {
            w.ResetOwn();
            WriteRecord(record, w, options);
            w.Flush();
            return (JsonObject)JsonNode.Parse(w.Written)!;
        }
        finally
        {
            Return(w);
        }
    }

    /// <summary>The record as libcper JSON text.</summary>
    /// <param name="record">The record's bytes.</param>
    /// <param name="indented">Indented (libcper's <c>cper-convert</c> output) or compact.</param>
    /// <param name="options">Limits for reading the record (its size limit); <see cref="CperDecodeOptions.Default"/> when null.</param>
    public static string Write(ReadOnlySpan<byte> record, bool indented = true, CperDecodeOptions? options = null)
    {
        var w = Rent();
        try
        {
            w.ResetOwn(indented);
            WriteRecord(record, w, options);
            w.Flush();
            return System.Text.Encoding.UTF8.GetString(w.Written);
        }
        finally
        {
            Return(w);
        }
    }

    /// <summary>
    /// Writes the record as compact libcper JSON (escaped as <see cref="System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>
    /// escapes) straight into <paramref name="output"/>'s memory: header, descriptors and every section family (member
    /// maps, <see cref="LibCperMap"/>, and the hand-written streamed families) with names encoded once, no tree and nothing
    /// allocated per record. The same bytes as <see cref="Write(ReadOnlySpan{byte}, Utf8JsonWriter, CperDecodeOptions)"/>
    /// with a compact writer and that encoder.
    /// </summary>
    /// <param name="record">The record's bytes.</param>
    /// <param name="output">Receives the JSON (appended).</param>
    /// <param name="options">Limits for reading the record: the CLI passes the ones its <c>--max-record-size</c> gives, so a
    /// record the framing accepted is not refused here; <see cref="CperDecodeOptions.Default"/> when null.</param>
    /// <remarks>
    /// A record whose JSON outgrows the memory <paramref name="output"/> gave is committed in parts as it grows (as the
    /// compact NDJSON sink does), so a caller that must never pass on part of a record gives an output it can roll back.
    /// </remarks>
    /// <exception cref="ApeiContentException">Not even a CPER header is present (nothing has been written then).</exception>
    public static void Write(ReadOnlySpan<byte> record, IBufferWriter<byte> output, CperDecodeOptions? options = null)
        => Write(record, output, indented: false, options);

    /// <summary>
    /// Writes the record as libcper JSON, compact or indented, straight into <paramref name="output"/>'s memory (as
    /// <see cref="Write(ReadOnlySpan{byte}, IBufferWriter{byte}, CperDecodeOptions)"/>). Indented, the bytes are those of a
    /// <see cref="Utf8JsonWriter"/> with <c>Indented = true</c>, its default indentation and line ending and
    /// <see cref="System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>, writing the record as a root
    /// value (libcper's <c>cper-convert</c> layout; the CLI's <c>decode -f json --json-style libcper</c>).
    /// </summary>
    /// <param name="record">The record's bytes.</param>
    /// <param name="output">Receives the JSON (appended).</param>
    /// <param name="indented">Indented or compact.</param>
    /// <param name="options">Limits for reading the record; <see cref="CperDecodeOptions.Default"/> when null.</param>
    /// <remarks>A record whose JSON outgrows the memory <paramref name="output"/> gave is committed in parts as it grows.</remarks>
    /// <exception cref="ApeiContentException">Not even a CPER header is present (nothing has been written then).</exception>
    public static void Write(ReadOnlySpan<byte> record, IBufferWriter<byte> output, bool indented, CperDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var w = Rent();
        try
        {
            w.Reset(output, indented);
            WriteRecord(record, w, options);
            w.Flush();
        }
        finally
        {
            Return(w);
        }
    }

    /// <summary>
    /// Writes the record as libcper JSON to <paramref name="writer"/>: rendered by this class's own writer and written raw
    /// when the writer uses the relaxed encoder and is compact, or indented as <see cref="Utf8JsonWriter"/> indents by default
    /// with nothing written yet (the same bytes the writer would write); else rendered compact and re-written through the
    /// writer, token by token (another encoder's escaping, other indentation, a record inside a larger document).
    /// </summary>
    /// <param name="record">The record's bytes.</param>
    /// <param name="writer">Receives the JSON.</param>
    /// <param name="options">Limits for reading the record: the CLI passes the ones its <c>--max-record-size</c> gives, so a
    /// record the framing accepted is not refused here; <see cref="CperDecodeOptions.Default"/> when null.</param>
    /// <exception cref="ApeiContentException">Not even a CPER header is present (nothing has been written then).</exception>
    public static void Write(ReadOnlySpan<byte> record, Utf8JsonWriter writer, CperDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var w = Rent();
        try
        {
            var o = writer.Options;
            bool relaxed = ReferenceEquals(o.Encoder, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
            // A raw value gets no line break or indentation from the writer: only a root value is written raw indented.
            bool indented = relaxed && o.Indented && writer.CurrentDepth == 0 && writer.BytesPending == 0 && writer.BytesCommitted == 0;
#if NET9_0_OR_GREATER
            indented = indented && o.IndentSize == 2 && o.IndentCharacter == ' ' && o.NewLine == Environment.NewLine; // .NET 8 has only these
#endif
            w.ResetOwn(indented);
            WriteRecord(record, w, options);
            w.Flush();
            if (indented || (relaxed && !o.Indented)) writer.WriteRawValue(w.Written, skipInputValidation: true);
            else Rewrite(w.Written, writer);
        }
        finally
        {
            Return(w);
        }
    }

    /// <summary>
    /// Compact JSON this class wrote, token by token through <paramref name="writer"/> (its indentation and encoder): a
    /// reader over the bytes, no document, so <c>decode -f json --json-style libcper</c> pays one extra pass, not a tree.
    /// Text comes back unescaped and the writer escapes it its own way; integers are written as numbers, anything else
    /// numeric as the digits read.
    /// </summary>
    private static void Rewrite(ReadOnlySpan<byte> json, Utf8JsonWriter writer)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject: writer.WriteStartObject(); break;
                case JsonTokenType.EndObject: writer.WriteEndObject(); break;
                case JsonTokenType.StartArray: writer.WriteStartArray(); break;
                case JsonTokenType.EndArray: writer.WriteEndArray(); break;
                case JsonTokenType.PropertyName:
                    if (reader.ValueIsEscaped) writer.WritePropertyName(reader.GetString()!);
                    else writer.WritePropertyName(reader.ValueSpan);
                    break;
                case JsonTokenType.String:
                    if (reader.ValueIsEscaped) writer.WriteStringValue(reader.GetString());
                    else writer.WriteStringValue(reader.ValueSpan);
                    break;
                case JsonTokenType.Number:
                    if (reader.TryGetUInt64(out ulong u)) writer.WriteNumberValue(u);
                    else if (reader.TryGetInt64(out long l)) writer.WriteNumberValue(l);
                    else writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                    break;
                case JsonTokenType.True: writer.WriteBooleanValue(true); break;
                case JsonTokenType.False: writer.WriteBooleanValue(false); break;
                case JsonTokenType.Null: writer.WriteNullValue(); break;
            }
        }
    }

    // Writers kept for reuse (a few slots, taken and put back with Interlocked.Exchange): nothing allocated per record,
    // and no state that steers decoding (a writer holds only its buffers between records).
    private static readonly LcWriter?[] s_writers = new LcWriter?[Math.Clamp(Environment.ProcessorCount * 2, 2, 16)];

    private static LcWriter Rent()
    {
        for (int i = 0; i < s_writers.Length; i++)
            if (Interlocked.Exchange(ref s_writers[i], null) is { } w) return w;
        return new LcWriter();
    }

    private static void Return(LcWriter w)
    {
        w.Reset(NoOutput.Instance);
        for (int i = 0; i < s_writers.Length; i++)
            if (Interlocked.CompareExchange(ref s_writers[i], w, null) is null) return;
    }

    /// <summary>Where a returned writer points: it keeps no reference to the caller's output.</summary>
    private sealed class NoOutput : IBufferWriter<byte>
    {
        public static readonly NoOutput Instance = new();
        public void Advance(int count) => throw new InvalidOperationException();
        public Memory<byte> GetMemory(int sizeHint = 0) => throw new InvalidOperationException();
        public Span<byte> GetSpan(int sizeHint = 0) => throw new InvalidOperationException();
    }

    private static void WriteRecord(ReadOnlySpan<byte> record, LcWriter writer, CperDecodeOptions? options)
    {
        var view = CperRecordView.ReadPrefix(record, out _, 0, options);
        var h = view.Header;
        writer.WriteStartObject();
        writer.WriteStartObject(N.Header);
        WriteRevision(writer, N.Revision, h.Revision);
        writer.WriteNumber(N.SectionCount, h.SectionCount);
        WriteSeverity(writer, h.Severity);
        writer.WriteNumber(N.RecordLength, h.RecordLength);
        Span<byte> ts = stackalloc byte[32];
        if ((h.ValidationBits & 0x2) != 0 && FormatTimestamp(h.Bytes.Slice(CperRecordHeader.TimestampOffset, 8), ts) is int tsLength and >= 0)
        {
            writer.WriteAscii(N.Timestamp, ts[..tsLength]);
            writer.WriteBoolean(N.TimestampIsPrecise, (h.Bytes[CperRecordHeader.TimestampOffset + 3] & 1) != 0);
        }
        if ((h.ValidationBits & 0x1) != 0) writer.WriteGuid(N.PlatformId, h.Bytes.Slice(CperRecordHeader.PlatformIdOffset, 16));
        if ((h.ValidationBits & 0x4) != 0) writer.WriteGuid(N.PartitionId, h.Bytes.Slice(CperRecordHeader.PartitionIdOffset, 16));
        writer.WriteGuid(N.CreatorId, h.CreatorIdBytes);
        writer.WriteStartObject(N.NotificationType);
        writer.WriteGuid(N.Guid, h.NotificationTypeBytes);
        writer.WriteEncoded(N.Type, LibCperNames.EncodedNotificationType(h.NotificationTypeBytes));
        writer.WriteEndObject();
        writer.WriteNumber(N.RecordId, h.RecordId);
        writer.WriteStartObject(N.Flags);
        writer.WriteNumber(N.Value, (ulong)h.Flags);
        writer.WriteString(N.Name, h.Flags switch { 1 => N.HeaderFlags[0], 2 => N.HeaderFlags[1], 4 => N.HeaderFlags[2], _ => N.Unknown });
        writer.WriteEndObject();
        writer.WriteNumber(N.PersistenceInfo, h.PersistenceInformation);
        writer.WriteEndObject();

        // libcper stops the whole record at a section whose body is not there; its descriptor is still listed.
        writer.WriteStartArray(N.SectionDescriptors);
        int sections = 0;
        var found = writer.Families; // each descriptor's family, looked up once (the first few descriptors)
        for (int i = 0; i < view.DescriptorCount; i++)
        {
            var d = view.GetDescriptor(i);
            writer.WriteStartObject();
            writer.WriteNumber(N.SectionOffset, d.SectionOffset);
            writer.WriteNumber(N.SectionLength, d.SectionLength);
            WriteRevision(writer, N.Revision, d.Revision);
            if (!writer.Indented) writer.WriteEncoded(N.Flags, N.DescriptorFlagObjects[(byte)d.Flags]);
            else
            {
                writer.WriteStartObject(N.Flags);
                N.WriteDescriptorFlags(writer, (byte)d.Flags);
                writer.WriteEndObject();
            }
            writer.WriteStartObject(N.SectionType);
            writer.WriteGuid(N.Data, d.SectionTypeBytes);
            var family = LibCperSections.Find(d.SectionTypeBytes);
            if (i < found.Length) found[i] = family;
            writer.WriteEncoded(N.Type, family?.EncodedReadableName ?? LibCperNames.EncodedUnknown);
            writer.WriteEndObject();
            if ((d.ValidationBits & 0x1) != 0) writer.WriteGuid(N.FruId, d.Bytes.Slice(CperSectionDescriptor.FruIdOffset, 16));
            if ((d.ValidationBits & 0x2) != 0 && Lc.PrintableLength(d.FruTextBytes) is int fru and >= 0) writer.WriteString(N.FruText, d.FruTextBytes[..fru]);
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
            if ((i < found.Length ? found[i] : LibCperSections.Find(d.SectionTypeBytes)) is { } section && section.TryWrite(writer, body)) continue;
            writer.WriteStartObject();
            writer.WriteStartObject(N.Unknown);
            writer.WriteBase64String(N.Data, body);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        found.Clear();
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

    private static void WriteRevision(LcWriter writer, JsonEncodedText name, ushort revision)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber(N.Major, revision >> 8);
        writer.WriteNumber(N.Minor, revision & 0xFF);
        writer.WriteEndObject();
    }

    /// <summary>
    /// libcper's <c>severity</c> object, <c>{"code": n, "name": ..}</c> (the name from its table, or "Unknown"): the record
    /// header's, each descriptor's and the NVIDIA section's (its 8-bit Severity holds the same CPER values).
    /// </summary>
    internal static void WriteSeverity(LcWriter writer, uint severity)
    {
        if (severity < (uint)N.SeverityObjects.Length && !writer.Indented) // the pre-encoded objects are compact
        {
            writer.WriteEncoded(N.Severity, N.SeverityObjects[severity]);
            return;
        }
        WriteSeverityObject(writer, severity);
    }

    // The severity object as libcper writes it (cper.c: code, then the name from its table or "Unknown").
    private static void WriteSeverityObject(LcWriter writer, uint severity)
    {
        writer.WriteStartObject(N.Severity);
        writer.WriteNumber(N.Code, severity);
        writer.WriteString(N.Name, LibCperNames.SeverityName(severity));
        writer.WriteEndObject();
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

        public static readonly JsonEncodedText[] HeaderFlags = [E("HW_ERROR_FLAGS_RECOVERED"), E("HW_ERROR_FLAGS_PREVERR"), E("HW_ERROR_FLAGS_SIMULATED")];

        public static readonly JsonEncodedText[] DescriptorFlags = [.. LibCperNames.DescriptorFlags.Select(E)];

        // Value texts from libcper's tables, encoded once (plain ASCII): written without the writer's escaping check.
        public static readonly JsonEncodedText[] Severities = [.. LibCperNames.Severities.Select(E)];

        /// <summary>
        /// A descriptor's <c>flags</c> object for each value of the Flags field's low byte (libcper prints bits 0-7 as
        /// booleans; UEFI 2.10 Table N-6), written once by the writer itself so the bytes are what the member calls wrote.
        /// </summary>
        public static readonly byte[][] DescriptorFlagObjects = Objects(256, (w, v) => WriteDescriptorFlags(w, v));

        /// <summary>The members of a descriptor's <c>flags</c> object (the indented form writes them each time).</summary>
        public static void WriteDescriptorFlags(LcWriter w, int v)
        {
            for (int b = 0; b < DescriptorFlags.Length; b++) w.WriteBoolean(DescriptorFlags[b], ((v >> b) & 1) != 0);
        }

        /// <summary>The <c>severity</c> object (<c>code</c>, <c>name</c>) for the four UEFI severities (UEFI 2.10 Table N-1), written once.</summary>
        public static readonly byte[][] SeverityObjects = Objects(Severities.Length, (w, v) =>
        {
            w.WriteNumber(Code, (ulong)v);
            w.WriteString(Name, Severities[v]);
        });

        private static byte[][] Objects(int count, Action<LcWriter, int> members)
        {
            var all = new byte[count][];
            var w = new LcWriter();
            for (int v = 0; v < count; v++)
            {
                w.ResetOwn();
                w.WriteStartObject();
                members(w, v);
                w.WriteEndObject();
                w.Flush();
                all[v] = w.Written.ToArray();
            }
            return all;
        }

        private static JsonEncodedText E(string name) => JsonEncodedText.Encode(name);
    }

    // [lc-audit Q] timestamp as libcper prints it: dropped when a BCD field is out of range, century modulo 100 (compat "Record header / descriptors")
    /// <summary>libcper's timestamp text, <c>CCYY-MM-DDTHH:MM:SS+00:00</c> from the BCD fields (UEFI 2.10 N.2.1.1), into <paramref name="text"/> (25 bytes of ASCII); the length, or -1 when a field is out of range.</summary>
    internal static int FormatTimestamp(ReadOnlySpan<byte> t, Span<byte> text)
    {
        static int Bcd(byte b) => (b >> 4) * 10 + (b & 0xF);
        int seconds = Bcd(t[0]), minutes = Bcd(t[1]), hours = Bcd(t[2]), day = Bcd(t[4]), month = Bcd(t[5]), year = Bcd(t[6]) % 100, century = Bcd(t[7]) % 100;
        if (month > 12 || day > 31 || hours > 24 || minutes > 60 || seconds >= 60) return -1;
        // Every part is 0-99 here (a BCD byte's nibbles are at most 15: 15 * 10 + 15 = 165 only for parts checked above or taken % 100).
        var d = text[..25];
        Two(d, 0, century);
        Two(d, 2, year);
        d[4] = (byte)'-';
        Two(d, 5, month);
        d[7] = (byte)'-';
        Two(d, 8, day);
        d[10] = (byte)'T';
        Two(d, 11, hours);
        d[13] = (byte)':';
        Two(d, 14, minutes);
        d[16] = (byte)':';
        Two(d, 17, seconds);
        "+00:00"u8.CopyTo(d[19..]);
        return 25;

        static void Two(Span<byte> d, int at, int v)
        {
            d[at] = (byte)('0' + v / 10);
            d[at + 1] = (byte)('0' + v % 10);
        }
    }
}

// [lc-audit D] libcper's severity, descriptor flag and notification type names
/// <summary>Names libcper prints for header and descriptor values.</summary>
internal static class LibCperNames
{
    public static readonly string[] Severities = ["Recoverable", "Fatal", "Corrected", "Informational"];

    /// <summary>
    /// libcper's name of a CPER severity (UEFI 2.10 Table N-1: 0 recoverable, 1 fatal, 2 corrected, 3 informational): the
    /// name from its table, "Unknown" above 3 (cper.c's rule), for the record header's, each descriptor's and the NVIDIA
    /// section's severity and the NVIDIA message.
    /// </summary>
    public static string SeverityName(ulong severity) => severity < (ulong)Severities.Length ? Severities[severity] : "Unknown";
    public static readonly string[] DescriptorFlags = ["primary", "containmentWarning", "reset", "errorThresholdExceeded", "resourceNotAccessible", "latentError", "propagated", "overflow"];

    private static readonly Dictionary<Guid, string> s_notifications = new()
    {
        [CperGuids.NotifyCmc] = "CMC", [CperGuids.NotifyCpe] = "CPE", [CperGuids.NotifyMce] = "MCE", [CperGuids.NotifyPcie] = "PCIe",
        [CperGuids.NotifyInit] = "INIT", [CperGuids.NotifyNmi] = "NMI", [CperGuids.NotifyBoot] = "Boot", [CperGuids.NotifyDmar] = "DMAr",
        [CperGuids.NotifySea] = "SEA", [CperGuids.NotifySei] = "SEI", [CperGuids.NotifyPei] = "PEI", [CperGuids.NotifyCxlComponent] = "CXL Component",
    };

    private static readonly LcGuidTable<byte[]> s_encodedNotifications = new(s_notifications.Select(n => KeyValuePair.Create(n.Key, LcWriter.Encode(n.Value))));

    /// <summary>"Unknown" quoted (<see cref="LcWriter.Encode"/>).</summary>
    public static readonly byte[] EncodedUnknown = LcWriter.Encode("Unknown");

    /// <summary>libcper's name of a notification type, quoted and escaped once (one lookup per record).</summary>
    public static byte[] EncodedNotificationType(ReadOnlySpan<byte> raw) => s_encodedNotifications.Find(raw) ?? EncodedUnknown;
}
