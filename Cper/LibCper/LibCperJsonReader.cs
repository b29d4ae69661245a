// [lc-audit E] libcper JSON -> record: header, descriptors, section dispatch (all sections)
using System.Text.Json;
using System.Text.Json.Nodes;
using ApeiKit.Cper.Json;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// Reads openbmc/libcper's JSON ("CPER-IR") back into a CPER record, so records kept as libcper JSON can move to
/// ApeiKit. Fields libcper leaves out (invalid fields, reserved bytes, text after a FRU text's NUL) come back as
/// zero, so the bytes equal the original record only where libcper's JSON kept everything; re-rendering always
/// gives the same libcper JSON.
/// </summary>
public static class LibCperJsonReader
{
    /// <summary>Builds the record model from libcper JSON text (one record object).</summary>
    /// <exception cref="CperJsonException">Not JSON, or not a libcper record (the path says where).</exception>
    public static CperRecord Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var records = ReadRecords(System.Text.Encoding.UTF8.GetBytes(json));
        return records.Count == 1 ? records[0] : throw new CperJsonException("$", $"expected one record, found {records.Count}");
    }

    /// <summary>
    /// Reads every record in <paramref name="utf8Json"/>: one record object, an array of them, or one per line (NDJSON,
    /// as <c>decode --format ndjson --json-style libcper</c> prints several records).
    /// </summary>
    /// <exception cref="CperJsonException">Not JSON, or JSON that is not libcper records: a wrong type or a value that
    /// does not parse (the path says where; the document number for NDJSON).</exception>
    public static List<CperRecord> ReadRecords(ReadOnlySpan<byte> utf8Json)
        => JsonDocuments.ReadEach(utf8Json, static (element, path) =>
        {
            if (element.ValueKind != JsonValueKind.Object) throw new CperJsonException(path, $"expected a record object, found {Lc.Show(JsonNode.Parse(element.GetRawText()))}");
            var o = JsonObject.Create(element)!; // a view of the element: read before the document goes
            try
            {
                return Read(o);
            }
            catch (CperJsonException e) when (path != "$")
            {
                throw new CperJsonException(path + e.Path[1..], e.Problem, e.InnerException); // the record's own paths, under where it stands
            }
        }, "no record (expected a libcper record object, an array of them, or one per line)");

    /// <summary>Builds the record model from a parsed libcper JSON tree.</summary>
    /// <exception cref="CperJsonException">The JSON is not a libcper record: a wrong type or a value that does not parse (the path says where).</exception>
    public static CperRecord Read(JsonObject root)
    {
        ArgumentNullException.ThrowIfNull(root);
        string at = root.GetPath();
        if (root["sectionDescriptors"] is null && root["sections"] is JsonArray ours && ours.Count > 0 && ours[0] is JsonObject first && first.ContainsKey("descriptor"))
            throw new CperJsonException(at, "this is ApeiKit's JSON (decode --format json), not libcper's (no \"sectionDescriptors\"); encode it without --json-style libcper");
        if (root["header"] is not JsonObject header) throw new CperJsonException(Lc.PathOf(root, "header"), $"expected the record header object, found {Lc.Show(root["header"])}");
        var descriptors = Array(root, "sectionDescriptors");
        var sections = Array(root, "sections");
        if (sections.Count != descriptors.Count)
            throw new CperJsonException(Lc.PathOf(root, "sections"), $"{sections.Count} section(s) for {descriptors.Count} descriptor(s) in \"sectionDescriptors\"");
        if (header["severity"] is { } severity && Lc.M(severity, "code") is null)
            throw new CperJsonException(severity.GetPath(), "expected {\"code\": n, \"name\": ..} (the code is missing)");

        uint validation = 0;
        var record = new CperRecord
        {
            Revision = RevisionFrom(header["revision"]),
            SectionCount = (ushort)Lc.U(header["sectionCount"], 16),
            Severity = (uint)Lc.U(Lc.M(header["severity"], "code"), 32),
            RecordLength = (uint)Lc.U(header["recordLength"], 32),
            CreatorId = Lc.GuidFrom(header["creatorID"]),
            NotificationType = Lc.GuidFrom(Lc.M(header["notificationType"], "guid")),
            RecordId = Lc.U(header["recordID"]),
            Flags = (uint)Lc.U(Lc.M(header["flags"], "value"), 32),
            PersistenceInformation = Lc.U(header["persistenceInfo"]),
        };
        if (Lc.Str(header["timestamp"]) is { } ts)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(ts, @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"))
                throw new CperJsonException(header["timestamp"]!.GetPath(), $"expected libcper's timestamp \"CCYY-MM-DDTHH:MM:SS+00:00\", found {Lc.Show(header["timestamp"])}");
            validation |= 0x2;
            record.Timestamp = new CperTimestamp(TimestampFrom(ts, Lc.Bool(header["timestampIsPrecise"])));
        }
        if (header.ContainsKey("platformID")) { validation |= 0x1; record.PlatformId = Lc.GuidFrom(header["platformID"]); }
        if (header.ContainsKey("partitionID")) { validation |= 0x4; record.PartitionId = Lc.GuidFrom(header["partitionID"]); }
        record.ValidationBits = validation;

        for (int i = 0; i < descriptors.Count; i++)
        {
            var d = descriptors[i] as JsonObject ?? throw new CperJsonException($"{Lc.PathOf(root, "sectionDescriptors")}[{i}]", $"expected a section descriptor object, found {Lc.Show(descriptors[i])}");
            if (d["severity"] is { } sectionSeverity && Lc.M(sectionSeverity, "code") is null)
                throw new CperJsonException(sectionSeverity.GetPath(), "expected {\"code\": n, \"name\": ..} (the code is missing)");
            var type = Lc.GuidFrom(Lc.M(d["sectionType"], "data"));
            byte vb = 0;
            var fruText = new byte[CperSectionDescriptor.FruTextLength];
            if (d.ContainsKey("fruID")) vb |= 0x1;
            if (Lc.Str(d["fruText"]) is { } text)
            {
                vb |= 0x2;
                // FRU Text is 20 bytes (UEFI 2.10 N.2.2 Table N-5, not necessarily NUL-terminated): all 20 are kept; a longer
                // text or one that is not printable ASCII is refused with its path (libcper's reader copies 19 characters and
                // a NUL, ir-parse.c; its writer prints at most 19, so only a hand-edited document can hold more).
                Lc.TextInto(d["fruText"], text, fruText, fruText.Length, "the FRU Text field");
            }
            CperSectionBody body = sections[i] is JsonObject s ? SectionBody(type, s)
                : throw new CperJsonException($"{Lc.PathOf(root, "sections")}[{i}]", $"expected a section object, found {Lc.Show(sections[i])}");
            var section = new CperSection
            {
                Offset = (uint)Lc.U(d["sectionOffset"], 32),
                Length = (uint)Lc.U(d["sectionLength"], 32),
                Revision = RevisionFrom(d["revision"]),
                ValidationBits = vb,
                Flags = (uint)Lc.FromBits(d["flags"], LibCperNames.DescriptorFlags),
                SectionType = type,
                FruId = Lc.GuidFrom(d["fruID"]),
                Severity = (uint)Lc.U(Lc.M(d["severity"], "code"), 32),
                FruText = fruText,
                Body = body,
            };
            // Bytes beyond the body are zeros the JSON does not show; bound them as CperJsonReader does, so a typo cannot ask for gigabytes.
            if (section.Length > (ulong)body.GetEncodedLength() + CperJsonReader.MaxUndescribedBytes)
                throw new CperJsonException(Lc.PathOf(d, "sectionLength"), $"{section.Length} bytes is far more than the {body.GetEncodedLength()} the section's JSON describes (at most {CperJsonReader.MaxUndescribedBytes} more are allowed)");
            record.Sections.Add(section);
        }
        var offsets = record.Sections.Select(s => s.Offset).ToList();
        uint? recordLength = record.RecordLength;
        record.RecordLength = null;
        foreach (var s in record.Sections) s.Offset = null;
        long natural = record.GetEncodedLength();
        for (int i = 0; i < record.Sections.Count; i++)
        {
            if (offsets[i] > natural + CperJsonReader.MaxUndescribedBytes)
                throw new CperJsonException(Lc.PathOf((JsonObject)descriptors[i]!, "sectionOffset"), $"{offsets[i]} is far past the {natural} bytes the record's JSON describes (at most {CperJsonReader.MaxUndescribedBytes} more are allowed)");
            record.Sections[i].Offset = offsets[i];
        }
        natural = record.GetEncodedLength();
        if (recordLength > natural + CperJsonReader.MaxUndescribedBytes)
            throw new CperJsonException(Lc.PathOf(header, "recordLength"), $"{recordLength} bytes is far more than the {natural} the record's JSON describes (at most {CperJsonReader.MaxUndescribedBytes} more are allowed)");
        record.RecordLength = recordLength;
        return record;
    }

    /// <summary>Encodes libcper JSON text straight to CPER bytes.</summary>
    /// <exception cref="CperJsonException">Not JSON, or not a libcper record.</exception>
    public static byte[] ToBinary(string json) => Read(json).Encode();

    /// <summary>The section body: ApeiKit's model of it where one exists (it encodes itself), else raw bytes.</summary>
    private static CperSectionBody SectionBody(Guid type, JsonObject s)
    {
        if (s["Unknown"] is JsonObject unknown) return new RawSectionBody(type, Lc.FromB64(unknown["data"]));
        var codec = LibCperSections.Find(type);
        if (codec is not null && s[codec.ShortName] is JsonObject ir) return codec.FromIrBody(ir);
        throw new CperJsonException(s.GetPath(), $"a section of type {type} needs {(codec is null ? "" : $"\"{codec.ShortName}\" or ")}\"Unknown\" (an object)");
    }

    private static JsonArray Array(JsonObject o, string name) => o[name] switch
    {
        null => [],
        JsonArray a => a,
        var other => throw new CperJsonException(other.GetPath(), $"expected an array, found {Lc.Show(other)}"),
    };

    private static ushort RevisionFrom(JsonNode? n) => (ushort)((Lc.U(Lc.M(n, "major"), 8) << 8) | Lc.U(Lc.M(n, "minor"), 8));

    /// <summary>libcper's timestamp text back to the 8 BCD bytes (seconds, minutes, hours, flags, day, month, year, century).</summary>
    internal static ulong TimestampFrom(string text, bool precise)
    {
        static byte Bcd(ReadOnlySpan<char> s) => int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) ? (byte)(((v / 10) % 10) << 4 | (v % 10)) : (byte)0;
        // CCYY-MM-DDTHH:MM:SS+00:00
        if (text.Length < 19) return 0;
        Span<byte> b = stackalloc byte[8];
        b[7] = Bcd(text.AsSpan(0, 2));
        b[6] = Bcd(text.AsSpan(2, 2));
        b[5] = Bcd(text.AsSpan(5, 2));
        b[4] = Bcd(text.AsSpan(8, 2));
        b[2] = Bcd(text.AsSpan(11, 2));
        b[1] = Bcd(text.AsSpan(14, 2));
        b[0] = Bcd(text.AsSpan(17, 2));
        b[3] = precise ? (byte)1 : (byte)0;
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b);
    }
}
