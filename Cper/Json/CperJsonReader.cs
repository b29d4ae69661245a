using System.Buffers.Binary;
using System.Text.Json;

namespace ApeiKit.Cper.Json;

/// <summary>
/// Reads CPER records from the JSON that <c>apeikit decode --format json</c> (the <see cref="JsonRenderer"/> over
/// <see cref="CperRecordDescriber"/>) writes: <c>{"header": {..}, "sections": [{"descriptor": {..}, "body": {..}}]}</c>,
/// one record, an array of records, or one record per line (NDJSON). Decode, then read the JSON back, then encode gives
/// the original bytes. Hand-written JSON may leave things out: absent fields are zero; validation bits follow the fields
/// present unless <c>validationBits</c> is given; the section count, record length, section offsets and lengths are
/// computed unless given. Section bodies are built by <see cref="JsonGuidedBuilder"/> from each section's describer.
/// </summary>
public static class CperJsonReader
{
    /// <summary>Zero bytes a record or section may hold beyond what its JSON describes (1 MiB).</summary>
    public const int MaxUndescribedBytes = 1 << 20;

    private static readonly string[] s_recordMembers = ["header", "sections", "errors", "source"]; // source: where decode read the record (several inputs, wrapped records)
    private static readonly string[] s_sectionMembers = ["descriptor", "body", "error", "error2", "error3"];
    private static readonly string[] s_headerExtra = ["creatorName", "notificationName"];
    private static readonly string[] s_descriptorExtra = ["sectionName"];
    private static readonly JsonDocument s_emptyObject = JsonDocument.Parse("{}");

    /// <summary>Reads every record in <paramref name="utf8Json"/>: a record object, an array of them, or several top-level values (NDJSON).</summary>
    /// <exception cref="CperJsonException">Not JSON, or JSON that does not describe records (the path says where).</exception>
    public static List<CperRecord> ReadRecords(ReadOnlySpan<byte> utf8Json) => ReadRecords(utf8Json, null);

    /// <summary>Reads every record in <paramref name="utf8Json"/>, collecting what is accepted but odd (<see cref="CperJsonWarning"/>).</summary>
    /// <param name="utf8Json">A record object, an array of them, or several top-level values (NDJSON).</param>
    /// <param name="warnings">Receives warnings (a validationBits given that contradicts the fields given); null: not collected.</param>
    /// <exception cref="CperJsonException">Not JSON, or JSON that does not describe records (the path says where).</exception>
    public static List<CperRecord> ReadRecords(ReadOnlySpan<byte> utf8Json, ICollection<CperJsonWarning>? warnings)
        => JsonDocuments.ReadEach(utf8Json, (e, p) => ReadRecord(e, p, warnings), "no record (expected a record object, an array of them, or one per line)");

    /// <summary>Reads one record object.</summary>
    /// <param name="record">The record: <c>{"header": {..}, "sections": [..]}</c>.</param>
    /// <param name="path">Its JSON path, for messages.</param>
    /// <exception cref="CperJsonException">The JSON does not describe a record.</exception>
    public static CperRecord ReadRecord(JsonElement record, string path = "$") => ReadRecord(record, path, null);

    /// <summary>Reads one record object, collecting warnings.</summary>
    /// <param name="record">The record: <c>{"header": {..}, "sections": [..]}</c>.</param>
    /// <param name="path">Its JSON path, for messages.</param>
    /// <param name="warnings">Receives warnings; null: not collected.</param>
    /// <exception cref="CperJsonException">The JSON does not describe a record.</exception>
    public static CperRecord ReadRecord(JsonElement record, string path, ICollection<CperJsonWarning>? warnings)
    {
        if (record.ValueKind != JsonValueKind.Object) throw new CperJsonException(path, $"expected a record object, found {JsonFieldReader.Show(record)}");
        JsonFieldReader.Only(record, path, s_recordMembers);
        if (!record.TryGetProperty("header", out var headerJson)) headerJson = s_emptyObject.RootElement;
        var h = JsonGuidedBuilder.Build(headerJson, path + ".header", CperRecordHeader.Size,
            static (b, v) => CperRecordHeader.Layout.Describe(b, 0, v), s_headerExtra);
        var result = new CperRecord
        {
            Revision = headerJson.TryGetProperty("revision", out _) ? BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(CperRecordHeader.RevisionOffset)) : (ushort)0x0210,
            SignatureEnd = headerJson.TryGetProperty("signatureEnd", out _) ? BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(CperRecordHeader.SignatureEndOffset)) : CperRecordHeader.SignatureEndValue,
            SectionCount = headerJson.TryGetProperty("sectionCount", out _) ? BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(CperRecordHeader.SectionCountOffset)) : null,
            Severity = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(CperRecordHeader.SeverityOffset)),
            ValidationBits = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(CperRecordHeader.ValidationBitsOffset)),
            RecordLength = headerJson.TryGetProperty("recordLength", out _) ? BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(CperRecordHeader.RecordLengthOffset)) : null,
            Timestamp = CperTimestamp.Read(h.AsSpan(CperRecordHeader.TimestampOffset)),
            PlatformId = EfiGuid.Read(h.AsSpan(CperRecordHeader.PlatformIdOffset)),
            PartitionId = EfiGuid.Read(h.AsSpan(CperRecordHeader.PartitionIdOffset)),
            CreatorId = EfiGuid.Read(h.AsSpan(CperRecordHeader.CreatorIdOffset)),
            NotificationType = EfiGuid.Read(h.AsSpan(CperRecordHeader.NotificationTypeOffset)),
            RecordId = BinaryPrimitives.ReadUInt64LittleEndian(h.AsSpan(CperRecordHeader.RecordIdOffset)),
            Flags = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(CperRecordHeader.FlagsOffset)),
            PersistenceInformation = BinaryPrimitives.ReadUInt64LittleEndian(h.AsSpan(CperRecordHeader.PersistenceInfoOffset)),
            Reserved = h.AsSpan(CperRecordHeader.ReservedOffset, 12).ToArray(),
            // Decode's output of a broken record (it carries "errors") round-trips as it was; hand-written JSON is checked.
            KeepsInvalidContent = record.TryGetProperty("errors", out _),
        };
        if (headerJson.TryGetProperty("signature", out var sig) && sig.ValueKind != JsonValueKind.Null && sig.GetString() != "CPER")
            throw new CperJsonException(path + ".header.signature", $"expected \"CPER\", found {JsonFieldReader.Show(sig)}");

        if (record.TryGetProperty("sections", out var sections))
        {
            if (sections.ValueKind != JsonValueKind.Array) throw new CperJsonException(path + ".sections", $"expected an array of sections, found {JsonFieldReader.Show(sections)}");
            int i = 0;
            foreach (var s in sections.EnumerateArray()) result.Sections.Add(ReadSection(s, $"{path}.sections[{i++}]", warnings));
        }
        try
        {
            CperRecordChecks.ForEncoding(result); // the checks encode runs, reported here with the JSON path
        }
        catch (ApeiContentException e)
        {
            string at = e.Field == "ErrorSeverity" ? path + ".header.severity"
                : e.Field == "SectionSeverity" ? $"{path}.sections[{(e.Offset - CperRecordHeader.Size) / CperSectionDescriptor.Size}].descriptor.severity"
                : path;
            throw new CperJsonException(at, $"expected {e.Expected}, found {e.Found} (UEFI 2.10 N.2.1/N.2.2: 0 recoverable, 1 fatal, 2 corrected, 3 informational)", e);
        }
        if (result.RecordLength is { } given)
        {
            // Bytes past the last section are zeros the JSON does not show; bound them so a typo cannot ask for gigabytes.
            result.RecordLength = null;
            long natural = result.GetEncodedLength();
            if (given > natural + MaxUndescribedBytes)
                throw new CperJsonException(path + ".header.recordLength", $"{given} bytes is far more than the {natural} the header, descriptors and sections take (at most {MaxUndescribedBytes} more are allowed)");
            result.RecordLength = given;
        }
        return result;
    }

    /// <summary>Reads one section: <c>{"descriptor": {..}, "body": {..}}</c>.</summary>
    /// <exception cref="CperJsonException">The JSON does not describe a section.</exception>
    public static CperSection ReadSection(JsonElement section, string path) => ReadSection(section, path, null);

    /// <summary>Reads one section, collecting warnings.</summary>
    /// <param name="section">The section: <c>{"descriptor": {..}, "body": {..}}</c>.</param>
    /// <param name="path">Its JSON path, for messages.</param>
    /// <param name="warnings">Receives warnings; null: not collected.</param>
    /// <exception cref="CperJsonException">The JSON does not describe a section.</exception>
    public static CperSection ReadSection(JsonElement section, string path, ICollection<CperJsonWarning>? warnings)
    {
        if (section.ValueKind != JsonValueKind.Object) throw new CperJsonException(path, $"expected a section object, found {JsonFieldReader.Show(section)}");
        JsonFieldReader.Only(section, path, s_sectionMembers);
        if (!section.TryGetProperty("descriptor", out var dJson)) throw new CperJsonException(path + ".descriptor", "required member missing");
        if (dJson.ValueKind != JsonValueKind.Object) throw new CperJsonException(path + ".descriptor", $"expected an object, found {JsonFieldReader.Show(dJson)}");
        if (!dJson.TryGetProperty("sectionType", out var typeJson) || typeJson.ValueKind == JsonValueKind.Null)
            throw new CperJsonException(path + ".descriptor.sectionType", "required member missing (the section type GUID)");
        var d = JsonGuidedBuilder.Build(dJson, path + ".descriptor", CperSectionDescriptor.Size,
            static (b, v) => CperSectionDescriptor.Layout.Describe(b, 0, v), s_descriptorExtra);
        CperSectionDescriptor.TryRead(d, out var view);
        var result = CperSection.FromDescriptor(view);
        bool hasOffset = dJson.TryGetProperty("sectionOffset", out _);
        bool hasLength = dJson.TryGetProperty("sectionLength", out _);
        if (!hasOffset) result.Offset = null;
        if (!hasLength) result.Length = null;
        if (!dJson.TryGetProperty("revision", out _)) result.Revision = 0x0300;
        var type = view.SectionType;
        if (!section.TryGetProperty("body", out var body) || body.ValueKind == JsonValueKind.Null)
        {
            // The decode output of a section whose descriptor points outside the record (or into another section) has no body.
            if (hasLength && result.Length > 0 && section.TryGetProperty("error", out _))
            {
                result.Orphaned = true;
                result.Body = new RawSectionBody(type, []);
                return result;
            }
            if (hasLength && result.Length > 0) throw new CperJsonException(path + ".body", "required member missing (sectionLength is not 0)");
            result.Body = new RawSectionBody(type, []);
            return result;
        }
        int? length = null;
        if (hasLength)
        {
            // Every body byte is a field, a hex part or zeros a field's absence implies; bound what the JSON can imply.
            long limit = MaxUndescribedBytes + 16L * body.GetRawText().Length;
            if (result.Length!.Value > limit)
                throw new CperJsonException(path + ".descriptor.sectionLength", $"{result.Length.Value} bytes is more than the body describes (at most {limit} for this body)");
            length = (int)result.Length.Value;
        }
        var bytes = JsonGuidedBuilder.Build(body, path + ".body", length, (b, v) => CperSections.DescribeBody(type, b, 0, v), null, warnings);
        try
        {
            result.Body = CperSections.DecodeBody(type, bytes, 0);
        }
        catch (ApeiContentException)
        {
            result.Body = new RawSectionBody(type, bytes);
        }
        if (result.Body.GetEncodedLength() != bytes.Length) result.Body = new RawSectionBody(type, bytes);
        return result;
    }
}
