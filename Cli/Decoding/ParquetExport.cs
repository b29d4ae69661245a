using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.Streaming;
using Parquet;
using Parquet.Schema;
using ApeiKit.Cper.Input;

namespace ApeiKit.Cli;

/// <summary>
/// <c>apeikit decode -f parquet -o FILE</c>: one row per section (a record without sections gives one row with the
/// section columns null) with the record's columns and the section's, the body decoded as the JSON <c>decode -f json</c>
/// prints for it, so Spark, Trino or DuckDB query a fleet's records without ApeiKit. Records come through the same
/// framing as every input; rows are written in row groups of <see cref="RowGroupSize"/>, so memory stays bounded.
/// </summary>
internal static class ParquetExport
{
    /// <summary>Rows per row group.</summary>
    public const int RowGroupSize = 65536;

    private static readonly DataField<string> s_file = new("file");
    private static readonly DataField<long> s_offset = new("offset");
    private static readonly DataField<string?> s_entry = new("source_entry", nullable: true);
    private static readonly DataField<bool> s_synthesised = new("header_synthesised");
    private static readonly DataField<int> s_recordIndex = new("record_index");
    private static readonly DataField<long> s_recordLength = new("record_length");
    private static readonly DataField<bool> s_truncated = new("record_truncated");
    private static readonly DataField<ulong> s_recordId = new("record_id");
    private static readonly DataField<DateTime?> s_timestamp = new("timestamp", nullable: true);
    private static readonly DataField<int> s_severityCode = new("severity_code");
    private static readonly DataField<string?> s_severity = new("severity", nullable: true);
    private static readonly DataField<string> s_creatorId = new("creator_id");
    private static readonly DataField<string?> s_creator = new("creator", nullable: true);
    private static readonly DataField<string> s_notificationTypeId = new("notification_type_id");
    private static readonly DataField<string?> s_notificationType = new("notification_type", nullable: true);
    private static readonly DataField<string?> s_platformId = new("platform_id", nullable: true);
    private static readonly DataField<int?> s_sectionIndex = new("section_index", nullable: true);
    private static readonly DataField<string?> s_sectionType = new("section_type", nullable: true);
    private static readonly DataField<string?> s_sectionName = new("section_name", nullable: true);
    private static readonly DataField<int?> s_sectionSeverityCode = new("section_severity_code", nullable: true);
    private static readonly DataField<string?> s_sectionSeverity = new("section_severity", nullable: true);
    private static readonly DataField<string?> s_fruId = new("fru_id", nullable: true);
    private static readonly DataField<string?> s_fruText = new("fru_text", nullable: true);
    private static readonly DataField<string?> s_body = new("body_json", nullable: true);

    private static readonly ParquetSchema s_schema = new(s_file, s_offset, s_entry, s_synthesised, s_recordIndex, s_recordLength, s_truncated,
        s_recordId, s_timestamp, s_severityCode, s_severity, s_creatorId, s_creator, s_notificationTypeId, s_notificationType, s_platformId,
        s_sectionIndex, s_sectionType, s_sectionName, s_sectionSeverityCode, s_sectionSeverity, s_fruId, s_fruText, s_body);

    /// <summary>The columns of the rows not yet written.</summary>
    private sealed class Rows
    {
        public readonly List<string?> File = [];
        public readonly List<long> Offset = [];
        public readonly List<string?> Entry = [];
        public readonly List<bool> Synthesised = [];
        public readonly List<int> RecordIndex = [];
        public readonly List<long> RecordLength = [];
        public readonly List<bool> Truncated = [];
        public readonly List<ulong> RecordId = [];
        public readonly List<DateTime?> Timestamp = [];
        public readonly List<int> SeverityCode = [];
        public readonly List<string?> Severity = [];
        public readonly List<string?> CreatorId = [];
        public readonly List<string?> Creator = [];
        public readonly List<string?> NotificationTypeId = [];
        public readonly List<string?> NotificationType = [];
        public readonly List<string?> PlatformId = [];
        public readonly List<int?> SectionIndex = [];
        public readonly List<string?> SectionType = [];
        public readonly List<string?> SectionName = [];
        public readonly List<int?> SectionSeverityCode = [];
        public readonly List<string?> SectionSeverity = [];
        public readonly List<string?> FruId = [];
        public readonly List<string?> FruText = [];
        public readonly List<string?> Body = [];

        public int Count => File.Count;
    }

    /// <summary>Writes the records of <paramref name="inputs"/> to <paramref name="output"/>.</summary>
    /// <returns>The exit code: 1 when an input had bytes that are not records, records cut short, or entries that gave nothing.</returns>
    public static int Write(CliContext context, IReadOnlyList<DecodeCommand.LoadedInput> inputs, string output, CperDecodeOptions options)
    {
        if (CliFiles.IsStdout(output)) throw new CliUsageException("--format parquet writes a file (-o FILE): a Parquet file's footer is written last, it cannot go to a pipe.");
        foreach (var input in inputs)
            if (input.Source is not { Form: InputForm.CperRecords })
                throw new CliUsageException($"{input.Name}: --format parquet takes CPER records (binary, hex, base64, xxd, Redfish, PLDM, WHEA XML, a section); this input is {(input.Source?.Form == InputForm.ErrorStatusBlocks ? "error status blocks (convert --to cper first)" : "an ACPI table")}.");
        long maxRecordSize = options.Limits.MaxRecordSize; // the framing's limit is the decoders': one record size limit
        using var target = CliFiles.Open(context, output);
        int problems = 0;
        long records = 0, rowsWritten = 0;
        try
        {
            var writer = ParquetWriter.CreateAsync(s_schema, target.Stream, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }).GetAwaiter().GetResult();
            try
            {
                var rows = new Rows();
                var json = new ArrayBufferWriter<byte>();
                foreach (var input in inputs)
                {
                    var source = input.Source!;
                    var reader = source.OpenReader(maxRecordSize);
                    int index = 0;
                    while (Read(reader, source))
                    {
                        var item = reader.Current;
                        if (item.Kind == CperStreamItemKind.Skipped)
                        {
                            if (item.IsAllZero) continue;
                            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"apeikit: {source.Name}: {item.Length} bytes at offset {FieldFormat.Offset(item.Offset)} are not a CPER record{(item.Problem is null ? "" : $" ({item.Problem})")}; no row"));
                            problems++;
                            continue;
                        }
                        index++;
                        if (item.Kind == CperStreamItemKind.Oversized)
                        {
                            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"apeikit: {source.Name}: CPER record #{index} at offset {FieldFormat.Offset(item.Offset)} declares {item.DeclaredLength} bytes, above --max-record-size; no row"));
                            problems++;
                            continue;
                        }
                        var bytes = item.Data.ToArray();
                        if (item.IsTruncated)
                        {
                            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"apeikit: {source.Name}: CPER record #{index} at offset {FieldFormat.Offset(item.Offset)}: {item.Problem}; its rows hold what is there"));
                            problems++;
                        }
                        records++;
                        AddRecord(rows, json, input.Name, source.OriginAt(item.Offset), index, item.Offset, bytes, item.IsTruncated, options);
                        if (rows.Count >= RowGroupSize)
                        {
                            rowsWritten += rows.Count;
                            Flush(writer, rows);
                            rows = new Rows();
                        }
                    }
                    reader.Complete();
                    foreach (var e in source.Errors)
                    {
                        context.Error.WriteLine($"apeikit: {source.Name}: {e}");
                        problems++;
                    }
                    foreach (var n in source.WrapperNotices) context.Error.WriteLine($"apeikit: {source.Name}: {n}");
                }
                if (rows.Count > 0 || rowsWritten == 0)
                {
                    rowsWritten += rows.Count;
                    Flush(writer, rows);
                }
            }
            finally
            {
                writer.DisposeAsync().AsTask().GetAwaiter().GetResult(); // writes the footer
            }
            target.Commit();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{CliText.Name(output)}: cannot write: {CliFiles.Reason(e, output)}");
        }
        context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"apeikit: wrote {rowsWritten} rows ({records} CPER records) to {CliText.Name(output)}"));
        return problems > 0 ? CliApp.ContentError : CliApp.Ok;
    }

    private static bool Read(CperStreamReader reader, InputSource source)
    {
        try
        {
            return reader.ReadAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{source.Name}: cannot read: {CliFiles.Reason(e)}");
        }
    }

    private static void AddRecord(Rows rows, ArrayBufferWriter<byte> json, string file, CperRecordOrigin? origin, int index, long offset, byte[] bytes, bool truncated, CperDecodeOptions options)
    {
        // The bodies as decode -f json renders them: one walk of the record (the renderer is the single source of its JSON).
        json.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true }))
        {
            var renderer = new JsonRenderer(w) { ErrorSink = new List<ApeiContentException>() };
            try
            {
                CperRecordDescriber.Describe(bytes, offset, renderer, "record", out _, options);
            }
            catch (ApeiContentException)
            {
                // not even a header: the row says what is known (nothing decoded)
            }
            renderer.Flush();
        }
        JsonElement[] bodies = [];
        try
        {
            using var doc = JsonDocument.Parse(json.WrittenMemory);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("sections", out var sections) && sections.ValueKind == JsonValueKind.Array)
                bodies = [.. sections.EnumerateArray().Select(s => (s.ValueKind == JsonValueKind.Object && s.TryGetProperty("body", out var b) ? b : s).Clone())];
        }
        catch (JsonException)
        {
            // nothing rendered (a header cut short)
        }

        bool hasHeader = CperRecordHeader.TryRead(bytes, out var h);
        uint validation = hasHeader ? h.ValidationBits : 0;
        DateTime? timestamp = null;
        if (hasHeader && (validation & 2) != 0 && h.Timestamp.TryDecode(h.IsWheaCreator, out var when, out _)) timestamp = DateTime.SpecifyKind(when, DateTimeKind.Utc);
        int sectionCount = 0;
        CperRecordView view = default;
        bool viewOk = false;
        try
        {
            view = CperRecordView.ReadPrefix(bytes, out _, offset, options);
            sectionCount = view.DescriptorCount;
            viewOk = true;
        }
        catch (ApeiContentException)
        {
        }
        for (int s = 0; s < Math.Max(1, sectionCount); s++)
        {
            rows.File.Add(file);
            rows.Offset.Add(offset);
            rows.Entry.Add(origin?.Entry);
            rows.Synthesised.Add(origin?.HeaderSynthesised == true);
            rows.RecordIndex.Add(index);
            rows.RecordLength.Add(bytes.Length);
            rows.Truncated.Add(truncated);
            rows.RecordId.Add(hasHeader ? h.RecordId : 0);
            rows.Timestamp.Add(timestamp);
            rows.SeverityCode.Add(hasHeader ? (int)Math.Min(h.Severity, int.MaxValue) : -1);
            rows.Severity.Add(hasHeader ? CperNames.Severity[h.Severity] : null);
            rows.CreatorId.Add(hasHeader ? EfiGuid.ToText(h.CreatorId) : "");
            rows.Creator.Add(hasHeader ? CperGuids.CreatorName(h.CreatorId) : null);
            rows.NotificationTypeId.Add(hasHeader ? EfiGuid.ToText(h.NotificationType) : "");
            rows.NotificationType.Add(hasHeader ? CperGuids.NotificationName(h.NotificationType) : null);
            rows.PlatformId.Add(hasHeader && (validation & 1) != 0 ? EfiGuid.ToText(h.PlatformId) : null);
            if (s >= sectionCount || !viewOk)
            {
                rows.SectionIndex.Add(null);
                rows.SectionType.Add(null);
                rows.SectionName.Add(null);
                rows.SectionSeverityCode.Add(null);
                rows.SectionSeverity.Add(null);
                rows.FruId.Add(null);
                rows.FruText.Add(null);
                rows.Body.Add(null);
                continue;
            }
            var d = view.GetDescriptor(s);
            rows.SectionIndex.Add(s);
            rows.SectionType.Add(EfiGuid.ToText(d.SectionType));
            rows.SectionName.Add(CperSections.NameOf(d.SectionType));
            rows.SectionSeverityCode.Add((int)Math.Min(d.Severity, int.MaxValue));
            rows.SectionSeverity.Add(CperNames.Severity[d.Severity]);
            rows.FruId.Add((d.ValidationBits & 1) != 0 ? EfiGuid.ToText(new Guid(d.Bytes.Slice(CperSectionDescriptor.FruIdOffset, 16))) : null);
            rows.FruText.Add((d.ValidationBits & 2) != 0 ? FruText(d.Bytes.Slice(CperSectionDescriptor.FruTextOffset, CperSectionDescriptor.FruTextLength)) : null);
            rows.Body.Add(s < bodies.Length ? bodies[s].GetRawText() : null);
        }
    }

    private static string FruText(ReadOnlySpan<byte> raw)
    {
        int end = raw.IndexOf((byte)0);
        if (end >= 0) raw = raw[..end];
        var chars = new char[raw.Length];
        for (int i = 0; i < raw.Length; i++) chars[i] = raw[i] is >= 0x20 and < 0x7F ? (char)raw[i] : '?';
        return new string(chars);
    }

    private static void Flush(ParquetWriter writer, Rows rows)
    {
        using (var g = writer.CreateRowGroup())
        {
            void Col<T>(DataField<T> field, List<T> values) where T : struct => g.WriteAsync(field, (ReadOnlyMemory<T>)values.ToArray()).GetAwaiter().GetResult();
            void ColN<T>(DataField<T?> field, List<T?> values) where T : struct => g.WriteAsync(field, (ReadOnlyMemory<T?>)values.ToArray()).GetAwaiter().GetResult();
            void ColS(DataField field, List<string?> values) => g.WriteAsync(field, values).GetAwaiter().GetResult();
            ColS(s_file, rows.File);
            Col(s_offset, rows.Offset);
            ColS(s_entry, rows.Entry);
            Col(s_synthesised, rows.Synthesised);
            Col(s_recordIndex, rows.RecordIndex);
            Col(s_recordLength, rows.RecordLength);
            Col(s_truncated, rows.Truncated);
            Col(s_recordId, rows.RecordId);
            ColN(s_timestamp, rows.Timestamp);
            Col(s_severityCode, rows.SeverityCode);
            ColS(s_severity, rows.Severity);
            ColS(s_creatorId, rows.CreatorId);
            ColS(s_creator, rows.Creator);
            ColS(s_notificationTypeId, rows.NotificationTypeId);
            ColS(s_notificationType, rows.NotificationType);
            ColS(s_platformId, rows.PlatformId);
            ColN(s_sectionIndex, rows.SectionIndex);
            ColS(s_sectionType, rows.SectionType);
            ColS(s_sectionName, rows.SectionName);
            ColN(s_sectionSeverityCode, rows.SectionSeverityCode);
            ColS(s_sectionSeverity, rows.SectionSeverity);
            ColS(s_fruId, rows.FruId);
            ColS(s_fruText, rows.FruText);
            ColS(s_body, rows.Body);
        }
    }
}
