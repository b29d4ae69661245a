using System.Buffers.Binary;
using System.Text.Json;

namespace ApeiKit.Cper.Json;

/// <summary>
/// Reads CPER records from the JSON that <c>apeikit decode --format json</c> (the <see cref="JsonRenderer"/> over
/// <see cref="CperRecordDescriber"/>) writes: <c>{"header": {..}, "sections": [{"descriptor": {..}, "body": {..}}]}</c>,
/// one record, an array of records, or one record per line (NDJSON). Decode, then read the JSON back, then encode gives
/// the original bytes; for a stream with bytes that are not records (unrecognised, zero padding, a record cut short),
/// <see cref="ReadItems(ReadOnlySpan{byte})"/> gives every item in order, and writing them back gives the stream. Hand-written JSON may leave things out: absent fields are zero; validation bits follow the fields
/// present unless <c>validationBits</c> is given; the section count, record length, section offsets and lengths are
/// computed unless given. Section bodies are built by <see cref="JsonGuidedBuilder"/> from each section's describer.
/// </summary>
public static class CperJsonReader
{
    /// <summary>Zero bytes a record or section may hold beyond what its JSON describes (1 MiB).</summary>
    public const int MaxUndescribedBytes = 1 << 20;

    // source: where decode read the record (several inputs, wrapped records); offset, length, data, dataOmitted: a record cut
    // short (by the end of its input or by the next record), with its bytes (written as they are by ReadItems' CutRecord)
    // trailingBytes, gapBytes: non-zero bytes inside the record that no section covers (CperRecordDescriber), written back where they were
    private static readonly string[] s_recordMembers = ["header", "sections", "errors", CperRecordDescriber.TrailingMember, "gapBytes", "source", "offset", "length", "data", "dataOmitted"];
    private static readonly string[] s_gapMembers = ["offset", "data"];
    private static readonly string[] s_rangeMembers = ["offset", "length", "error", "data", "dataOmitted", "source"];
    private static readonly string[] s_paddingMembers = ["offset", "length", "padding", "source"];

    /// <summary>The most zero padding one item may ask for (1 GiB): a typo in a length cannot ask for more.</summary>
    public static readonly long MaxPaddingBytes = 1L << 30;
    private static readonly string[] s_sectionMembers = ["descriptor", "body", "error", "error2", "error3"];
    private static readonly string[] s_headerExtra = ["creatorName", "notificationName"];
    private static readonly string[] s_descriptorExtra = ["sectionName"];
    private static readonly JsonDocument s_emptyObject = JsonDocument.Parse("{}");

    /// <summary>
    /// Reads every record in <paramref name="utf8Json"/>: a record object, an array of them, or several top-level values
    /// (NDJSON). Items that are not records (unrecognised bytes, zero padding: see <see cref="ReadItems(ReadOnlySpan{byte})"/>)
    /// are skipped, unread; a record cut short (by the end of its input or by the next record) is read as the record its JSON describes (its
    /// <c>data</c>, the bytes as they were, is what <see cref="ReadItems(ReadOnlySpan{byte})"/> gives).
    /// </summary>
    /// <exception cref="CperJsonException">Not JSON, or JSON that does not describe records (the path says where).</exception>
    public static List<CperRecord> ReadRecords(ReadOnlySpan<byte> utf8Json) => ReadRecords(utf8Json, null);

    /// <summary>Reads every record in <paramref name="utf8Json"/>, collecting what is accepted but odd (<see cref="CperJsonWarning"/>); items that are not records are skipped (see <see cref="ReadRecords(ReadOnlySpan{byte})"/>).</summary>
    /// <param name="utf8Json">A record object, an array of them, or several top-level values (NDJSON).</param>
    /// <param name="warnings">Receives warnings (a validationBits given that contradicts the fields given); null: not collected.</param>
    /// <exception cref="CperJsonException">Not JSON, or JSON that does not describe records (the path says where).</exception>
    public static List<CperRecord> ReadRecords(ReadOnlySpan<byte> utf8Json, ICollection<CperJsonWarning>? warnings)
    {
        var read = JsonDocuments.ReadEach(utf8Json, (e, p) => IsRangeOrPadding(e) ? null : ReadRecord(e, p, warnings), "no record (expected a record object, an array of them, or one per line)");
        var records = new List<CperRecord>(read.Count);
        foreach (var r in read)
            if (r is not null) records.Add(r);
        return records;
    }

    /// <summary>
    /// Reads every item of <paramref name="utf8Json"/> in order, as <c>apeikit decode --format json</c> (or ndjson) writes
    /// a stream: records, ranges of bytes that are not records (<c>{"offset", "length", "error", "data"}</c>; a record cut
    /// short, by the end of its input or by the next record, is a record object with <c>"offset"</c>, <c>"length"</c> and
    /// <c>"data"</c>, written as those bytes: <see cref="CperJsonItemKind.CutRecord"/>) and zero padding (<c>{"offset", "length", "padding": "zero"}</c>). Written back in order
    /// (<see cref="CperJsonItem.WriteTo"/>) they give the decoded input byte for byte.
    /// </summary>
    /// <exception cref="CperJsonException">Not JSON, JSON that does not describe such items, or an item whose bytes decode did not keep (<c>"dataOmitted"</c>: they cannot be written back); the path says where.</exception>
    public static List<CperJsonItem> ReadItems(ReadOnlySpan<byte> utf8Json) => ReadItems(utf8Json, null);

    /// <summary>
    /// Reads every item of <paramref name="utf8Json"/> in order (see <see cref="ReadItems(ReadOnlySpan{byte})"/>),
    /// collecting warnings. An item's <c>"offset"</c> is checked against where it will be written (the lengths of the
    /// items before it): a disagreement is a warning, not a refusal (an edited record before it may have changed length;
    /// hand-written JSON may give no offsets at all). Items that carry <c>"source"</c> (decode of several inputs) are
    /// checked against the items before them from the same <c>source.file</c>: the position starts again at 0 when the
    /// file changes. A record whose <c>"length"</c> differs from its encoded length is a warning (its encoded bytes are
    /// written). A cut record (<see cref="CperJsonItemKind.CutRecord"/>) needs <c>"offset"</c>, <c>"length"</c> and
    /// <c>"data"</c>; its other members are read and checked as any record's (a bad one is refused), and a warning says
    /// that its <c>"data"</c> is written, not its members.
    /// </summary>
    /// <param name="utf8Json">An item, an array of them, or several top-level values (NDJSON).</param>
    /// <param name="warnings">Receives warnings (a validationBits given that contradicts the fields given, an offset or length that disagrees, a cut record's members not written); null: not collected.</param>
    /// <exception cref="CperJsonException">Not JSON, JSON that does not describe such items, or an item whose bytes decode did not keep; the path says where.</exception>
    public static List<CperJsonItem> ReadItems(ReadOnlySpan<byte> utf8Json, ICollection<CperJsonWarning>? warnings)
        => ReadEachItem(utf8Json, warnings, (e, p) => ReadItem(e, p, warnings), "no item (expected a record object, an array of items, or one per line)");

    /// <summary>
    /// Reads every top-level value with <paramref name="read"/> and checks each item's <c>"offset"</c> against the lengths
    /// of the items before it from the same input (<c>source.file</c>; none: one input), warning where they disagree.
    /// </summary>
    internal static List<CperJsonItem> ReadEachItem(ReadOnlySpan<byte> utf8Json, ICollection<CperJsonWarning>? warnings, Func<JsonElement, string, CperJsonItem> read, string nothing)
    {
        long position = 0;
        string? file = null;
        return JsonDocuments.ReadEach(utf8Json, (e, p) =>
        {
            var item = read(e, p);
            long length = item.Length; // a record's is its encoded length, computed on each access: read once here
            if (item.Kind == CperJsonItemKind.Record && e.TryGetProperty("length", out var lengthJson) && JsonFieldReader.Count(lengthJson, p + ".length") is var given && given != length)
                warnings?.Add(new CperJsonWarning(p + ".length", $"the item says {given} bytes, but the record encodes to {length}: {length} are written (a record decode cut short keeps its bytes in \"data\")"));
            string? itemFile = SourceFile(e);
            if (itemFile != file)
            {
                file = itemFile;
                position = 0;
            }
            if (item.Offset is { } offset && offset != position)
                warnings?.Add(new CperJsonWarning(p + ".offset", $"the item says offset {offset}, but the items before it{(itemFile is null ? "" : $" from {itemFile}")} take {position} bytes: it is written at {position}"));
            position += length;
            return item;
        }, nothing);
    }

    /// <summary>The <c>source.file</c> decode writes for an item of one of several inputs, or null.</summary>
    private static string? SourceFile(JsonElement e)
        => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.Object
            && s.TryGetProperty("file", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;

    /// <summary>
    /// An item decode writes for bytes that are neither a record nor a block (<see cref="ReadOther"/>): zero padding
    /// (<c>"padding"</c>) or an unrecognised range (<c>"error"</c>), with neither a <c>"header"</c> nor <c>"sections"</c>
    /// (an object with either is a record or a block, and a stray member in it is refused as unknown, not skipped). The
    /// one test the CPER and the error status block readers share.
    /// </summary>
    internal static bool IsRangeOrPadding(JsonElement e)
        => e.ValueKind == JsonValueKind.Object && !e.TryGetProperty("header", out _) && !e.TryGetProperty("sections", out _)
            && (e.TryGetProperty("padding", out _) || e.TryGetProperty("error", out _));

    /// <summary>Reads one top-level item (see <see cref="ReadItems(ReadOnlySpan{byte})"/>).</summary>
    private static CperJsonItem ReadItem(JsonElement e, string path, ICollection<CperJsonWarning>? warnings)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new CperJsonException(path, $"expected a record object or an item for bytes that are not a record, found {JsonFieldReader.Show(e)}");
        bool hasData = e.TryGetProperty("data", out _) || e.TryGetProperty("dataOmitted", out _);
        bool isRecord = !IsRangeOrPadding(e) && (!hasData || e.TryGetProperty("header", out _) || e.TryGetProperty("sections", out _));
        if (!isRecord) return ReadOther(e, path);
        if (!hasData)
        {
            // A "length" that differs from the encoded length is a warning ReadEachItem gives (it reads the length once).
            return CperJsonItem.ForRecord(path, OffsetOf(e, path), ReadRecord(e, path, warnings));
        }
        // A record decode could not read whole: its bytes as they were in "data", its decoded members beside them.
        // UEFI 2.10 N.2.1: a record is Record Length bytes; these are fewer, so only "data" can give them back.
        JsonFieldReader.Only(e, path, s_recordMembers);
        RefuseOmitted(e, path);
        if (!e.TryGetProperty("offset", out _) || !e.TryGetProperty("length", out _))
            throw new CperJsonException(path + (e.TryGetProperty("offset", out _) ? ".length" : ".offset"),
                "required member missing: a record with \"data\" is a record decode cut short, written as those bytes, and decode gives it \"offset\" and \"length\" (to encode the record from its members, remove \"data\")");
        var members = ReadRecord(e, path, warnings);
        var data = DataOf(e, path);
        warnings?.Add(new CperJsonWarning(path + ".data", $"a cut record: its {data.Length} bytes in \"data\" are written as they are; its other members were read and checked, not written (an edit to them changes nothing; remove \"data\", \"offset\" and \"length\" to encode the record from them)"));
        return CperJsonItem.ForCutRecord(path, OffsetOf(e, path), members, data);
    }

    /// <summary>
    /// Reads an item decode writes for bytes that are neither a record nor a block: zero padding
    /// (<c>{"offset", "length", "padding": "zero"}</c>) or a range of bytes (<c>{"offset", "length", "error", "data"}</c>).
    /// </summary>
    internal static CperJsonItem ReadOther(JsonElement e, string path)
    {
        if (e.TryGetProperty("padding", out var padding))
        {
            JsonFieldReader.Only(e, path, s_paddingMembers);
            if (padding.ValueKind != JsonValueKind.String || padding.GetString() != "zero")
                throw new CperJsonException(path + ".padding", $"expected \"zero\" (the only padding decode writes), found {JsonFieldReader.Show(padding)}");
            if (!e.TryGetProperty("length", out var lengthJson)) throw new CperJsonException(path + ".length", "required member missing (how many zero bytes)");
            long length = JsonFieldReader.Count(lengthJson, path + ".length");
            if (length > MaxPaddingBytes) throw new CperJsonException(path + ".length", $"expected at most {MaxPaddingBytes} bytes of padding, found {length}");
            return CperJsonItem.ForPadding(path, OffsetOf(e, path), length);
        }
        JsonFieldReader.Only(e, path, s_rangeMembers);
        RefuseOmitted(e, path);
        return CperJsonItem.ForBytes(path, OffsetOf(e, path), DataOf(e, path));
    }

    private static void RefuseOmitted(JsonElement e, string path)
    {
        if (e.TryGetProperty("dataOmitted", out var omitted))
        {
            string why = omitted.ValueKind == JsonValueKind.String ? $": {omitted.GetString()}" : "";
            string size = e.TryGetProperty("length", out var l) && l.ValueKind == JsonValueKind.Number ? $"these {l.GetRawText()} bytes" : "these bytes";
            throw new CperJsonException(path + ".dataOmitted", $"expected the item's bytes in \"data\", found none (decode did not keep {size}{why}); encode cannot write bytes the JSON does not hold");
        }
    }

    /// <summary>The bytes of <c>"data"</c>, checked against <c>"length"</c> when it is given.</summary>
    private static byte[] DataOf(JsonElement e, string path)
    {
        if (!e.TryGetProperty("data", out var dataJson)) throw new CperJsonException(path + ".data", "required member missing (the bytes, as hex)");
        var data = JsonFieldReader.Hex(dataJson, path + ".data");
        if (e.TryGetProperty("length", out var lengthGiven))
        {
            long length = JsonFieldReader.Count(lengthGiven, path + ".length");
            if (length != data.Length) throw new CperJsonException(path + ".length", $"expected the {data.Length} bytes \"data\" holds, found {length}");
        }
        return data;
    }

    internal static long? OffsetOf(JsonElement e, string path) => e.TryGetProperty("offset", out var o) ? JsonFieldReader.Count(o, path + ".offset") : null;

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
        long? natural = null; // the end of the last section (or of the descriptor table): computed once, when needed
        if (result.RecordLength is { } given)
        {
            // Bytes past the last section are zeros the JSON does not show; bound them so a typo cannot ask for gigabytes.
            natural = result.SectionsEnd();
            if (given > natural + MaxUndescribedBytes)
                throw new CperJsonException(path + ".header.recordLength", $"{given} bytes is far more than the {natural} the header, descriptors and sections take (at most {MaxUndescribedBytes} more are allowed)");
        }
        ReadUncovered(record, path, result, natural);
        return result;
    }

    /// <summary>
    /// Reads <c>trailingBytes</c> (after the last section) and <c>gapBytes</c> (<c>[{"offset", "data"}]</c>, before it)
    /// into <see cref="CperRecord.Fillers"/>, so the bytes decode found outside every section are written back where they
    /// were (UEFI 2.10 N.2.1: RecordLength covers them). Trailing bytes start where the last section ends and RecordLength,
    /// when given, must hold them; a gap must lie after the descriptor table and before the end of the last section,
    /// outside every section whose place the JSON gives. <paramref name="naturalLength"/>: that end when
    /// <see cref="ReadRecord(JsonElement, string, ICollection{CperJsonWarning})"/> computed it already (null: computed here).
    /// </summary>
    private static void ReadUncovered(JsonElement record, string path, CperRecord result, long? naturalLength)
    {
        bool hasGaps = record.TryGetProperty("gapBytes", out var gapsJson);
        bool hasTrailing = record.TryGetProperty(CperRecordDescriber.TrailingMember, out var trailingJson);
        if (!hasGaps && !hasTrailing) return;
        uint? given = result.RecordLength;
        long natural = naturalLength ?? result.SectionsEnd();
        int tableEnd = CperRecordView.DescriptorOffset(result.SectionCount ?? result.Sections.Count);
        if (hasGaps)
        {
            if (gapsJson.ValueKind != JsonValueKind.Array) throw new CperJsonException(path + ".gapBytes", $"expected an array of {{\"offset\", \"data\"}}, found {JsonFieldReader.Show(gapsJson)}");
            int i = 0;
            (long Start, long End)[]? sections = null; // each placed section's bytes, worked out once for all the gaps
            foreach (var gap in gapsJson.EnumerateArray())
            {
                string at = $"{path}.gapBytes[{i++}]";
                if (gap.ValueKind != JsonValueKind.Object) throw new CperJsonException(at, $"expected an object {{\"offset\", \"data\"}}, found {JsonFieldReader.Show(gap)}");
                JsonFieldReader.Only(gap, at, s_gapMembers);
                if (!gap.TryGetProperty("offset", out var offsetJson)) throw new CperJsonException(at + ".offset", "required member missing (where the bytes go in the record)");
                if (!gap.TryGetProperty("data", out var dataJson)) throw new CperJsonException(at + ".data", "required member missing (the bytes, as hex)");
                long offset = JsonFieldReader.Count(offsetJson, at + ".offset");
                var data = JsonFieldReader.Hex(dataJson, at + ".data");
                if (offset < tableEnd || offset + data.Length > natural)
                    throw new CperJsonException(at + ".offset", $"a place between the descriptor table's end 0x{tableEnd:X} and the last section's end 0x{natural:X}, found 0x{offset:X}+0x{data.Length:X}");
                sections ??= [.. result.Sections.Select(section => section.Orphaned || section.Offset is not { } so ? (-1L, -1L)
                    : (so, so + (long)(section.Length ?? (uint)section.Body.GetEncodedLength())))];
                for (int s = 0; s < sections.Length; s++)
                {
                    var (so, se) = sections[s];
                    if (so < 0) continue;
                    if (offset < se && so < offset + data.Length)
                        throw new CperJsonException(at + ".offset", $"bytes outside every section, found 0x{offset:X}+0x{data.Length:X} inside section {s} (0x{so:X}..0x{se:X})");
                }
                result.Fillers.Add(((int)offset, data));
            }
        }
        if (hasTrailing)
        {
            var data = JsonFieldReader.Hex(trailingJson, path + ".trailingBytes");
            long end = natural + data.Length;
            if (given is { } rl && rl < end)
                throw new CperJsonException(path + ".trailingBytes", $"at most the {Math.Max(0, rl - natural)} bytes between the last section's end 0x{natural:X} and recordLength 0x{rl:X}, found {data.Length}");
            if (data.Length > MaxUndescribedBytes)
                throw new CperJsonException(path + ".trailingBytes", $"at most {MaxUndescribedBytes} bytes, found {data.Length}");
            result.Fillers.Add(((int)natural, data));
            result.RecordLength ??= (uint)end; // hand-written JSON without recordLength: the record ends after them
        }
    }

    /// <summary>
    /// The bytes of a body decode could not describe at all (shorter than its fixed part): an object holding only its
    /// errors and <c>undecoded</c>, the whole body. Null for any other body.
    /// </summary>
    private static byte[]? AllUndecoded(JsonElement body, string path)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(CperRecordDescriber.UndecodedMember, out var undecoded)) return null;
        bool hasError = false;
        foreach (var m in body.EnumerateObject())
        {
            if (m.NameEquals(CperRecordDescriber.UndecodedMember)) continue;
            if (!m.Name.StartsWith("error", StringComparison.Ordinal)) return null;
            hasError = true;
        }
        return hasError ? JsonFieldReader.Hex(undecoded, path + ".body.undecoded") : null;
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
        if (AllUndecoded(body, path) is { } whole)
        {
            // decode's output of a body shorter than its fixed part: its bytes as they were (CperRecordDescriber)
            if (hasLength && result.Length!.Value != whole.Length)
                throw new CperJsonException(path + ".body.undecoded", $"expected the {result.Length.Value} bytes sectionLength gives, found {whole.Length}");
            result.Body = new RawSectionBody(type, whole);
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
