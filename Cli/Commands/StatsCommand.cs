using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.Statistics;
using ApeiKit.Cper.Streaming;
using ApeiKit.Ghes;

namespace ApeiKit.Cli;

/// <summary><c>apeikit stats</c>: one pass over CPER dumps counting records by severity, section, notification, creator and memory location.</summary>
internal static class StatsCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("files") { Description = "CPER dumps: binary (streamed), hex, base64, xxd/hexdump -C text, Redfish LogEntry JSON, PLDM CPER files, WHEA event XML, rasdaemon databases, kernel logs ('-' reads standard input).", Arity = ArgumentArity.OneOrMore };
        var format = FormatOption.TextOrJson("Output: text or json.");
        var top = new Option<int>("--top") { Description = "How many pages and memory locations to list (most errors first).", DefaultValueFactory = _ => 20 };
        var maxRecordSize = StreamInput.MaxRecordSizeOption();
        var input = InputOptions.Input(gesb: false);
        var sectionType = InputOptions.SectionType();
        var severity = InputOptions.Severity();
        var command = new Command("stats", "Count CPER records in one pass: by severity, section type, notification type, creator, and memory errors by page and node/card/module.") { files, format, top, maxRecordSize, input, sectionType, severity };
        command.SetAction(parse =>
        {
            var encoding = InputOptions.Parse(parse.GetValue(input)!);
            var wrap = InputOptions.Wrap(parse.GetValue(sectionType), parse.GetValue(severity), encoding);
            return Run(context, parse.GetValue(files) ?? [], parse.GetValue(format)!, Math.Max(0, parse.GetValue(top)), StreamInput.ParseMaxRecordSize(parse.GetValue(maxRecordSize)!), encoding, wrap);
        });
        return command;
    }

    private static int Run(CliContext context, string[] files, string format, int top, long maxRecordSize, InputEncoding encoding, WrapOptions wrap)
    {
        var stats = new CperStatistics { Options = StreamInput.DecodeOptions(maxRecordSize) }; // the framing's record size limit is the decoders'
        int inputs = 0, textErrors = 0;
        foreach (var file in files)
        {
            if (file != "-" && Directory.Exists(file))
            {
                string table = Path.Combine(file, "BERT"), region = Path.Combine(file, "data", "BERT");
                if (!File.Exists(table) || !File.Exists(region)) throw new CliUsageException($"{CliText.Name(file)}: cannot read: is a directory");
                stats.AddBlocks(BertBlocks(GhesInput.LoadPair(table, CliFiles.Read(table), region, CliFiles.Read(region))));
                inputs++;
                continue;
            }
            using var source = InputSource.Open(context, file, encoding, wrap: wrap);
            switch (source.Form)
            {
                case InputForm.Table:
                {
                    var bytes = source.ReadAll();
                    if (Ghes.ErstStoreView.HasMagic(bytes))
                    {
                        AddStore(source.Name, bytes, stats);
                        break;
                    }
                    if (!Ghes.BertTable.HasSignature(bytes) || GhesInput.TryLoad(source.Name, bytes, false) is not { } bert)
                        throw new CliUsageException($"{source.Name}: holds an ACPI table, not error records (stats counts CPER records, error status blocks, BERT regions and QEMU ERST stores).");
                    stats.AddBlocks(BertBlocks(bert));
                    break;
                }
                default:
                {
                    var reader = source.OpenReader(maxRecordSize);
                    try
                    {
                        var counting = source.Form == InputForm.ErrorStatusBlocks ? stats.AddBlocksAsync(reader) : stats.AddAsync(reader);
                        counting.GetAwaiter().GetResult(); // adds the reader's accounting
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        throw new CliUsageException($"{source.Name}: cannot read: {CliFiles.Reason(e)}");
                    }
                    if (source.TextError is { } textError)
                    {
                        context.Error.WriteLine($"apeikit: {source.Name}: {textError}; the bytes before it were counted");
                        textErrors++;
                    }
                    foreach (var notice in source.WrapperNotices) context.Error.WriteLine($"apeikit: {source.Name}: {notice}");
                    foreach (var error in source.WrapperErrors)
                    {
                        context.Error.WriteLine($"apeikit: {source.Name}: {error}");
                        textErrors++;
                    }
                    break;
                }
            }
            inputs++;
        }
        if (format == "json") WriteJson(context, stats, inputs, top); else WriteText(context, stats, inputs, top);
        return stats.Accounting.HasProblems || stats.Malformed + textErrors > 0 ? CliApp.ContentError : CliApp.Ok;
    }

    /// <summary>Counts the live records of a QEMU acpi-erst store (<see cref="CperStatisticsExtensions.AddStore"/>).</summary>
    private static void AddStore(string name, byte[] bytes, CperStatistics stats)
    {
        Ghes.ErstStoreView store;
        try
        {
            store = Ghes.ErstStoreView.Read(bytes);
        }
        catch (ApeiContentException e)
        {
            throw new CliUsageException($"{name}: {e.Message}");
        }
        stats.AddStore(store);
    }

    private static IEnumerable<Ghes.ErrorStatusBlock> BertBlocks(GhesInput.Loaded bert)
    {
        try
        {
            return GhesInput.DecodeBlocks(bert, out _) ?? [];
        }
        catch (ApeiContentException e)
        {
            throw new CliUsageException($"{bert.Name}: {e.Message}");
        }
    }

    private static string SeverityName(uint v) => CperNames.Severity[v] ?? v.ToString(CultureInfo.InvariantCulture);
    private static string SectionName(Guid g) => CperSections.NameOf(g) ?? EfiGuid.ToText(g);
    private static string NotificationName(Guid g) => CperGuids.NotificationName(g) ?? (g == Guid.Empty ? "(none)" : EfiGuid.ToText(g));
    private static string CreatorName(Guid g) => CperGuids.CreatorName(g) ?? (g == Guid.Empty ? "(none)" : EfiGuid.ToText(g));
    private static string Part(int v) => v < 0 ? "?" : v.ToString(CultureInfo.InvariantCulture);
    private static string LocationName(CperStatistics.MemoryLocation l) => $"node {Part(l.Node)} card {Part(l.Card)} module {Part(l.Module)}";

    private static IEnumerable<KeyValuePair<T, long>> Ordered<T>(IReadOnlyDictionary<T, long> d, Func<T, string> name) where T : notnull
        => d.OrderByDescending(kv => kv.Value).ThenBy(kv => name(kv.Key), StringComparer.Ordinal);

    private static void WriteText(CliContext context, CperStatistics s, int files, int top)
    {
        var o = context.Out;
        var ci = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(ci, $"Records: {s.Records} ({s.Bytes} bytes) in {CliText.Count(files, "file")}"));
        o.WriteLine(string.Create(ci, $"Problems: {CliText.Count(s.Accounting.SkippedRanges, "skipped range")} ({s.Accounting.SkippedBytes} bytes), {s.Accounting.OversizedRecords} oversized, {s.Accounting.TruncatedRecords} truncated, {s.Malformed} malformed"));
        o.WriteLine(string.Create(ci, $"Input: {s.Accounting.Bytes} bytes: {s.Accounting.RecordBytes} in records, {s.Accounting.OversizedBytes} in oversized records, {s.Accounting.SkippedBytes} skipped, {s.Accounting.PaddingBytes} zero padding"));
        void Table<T>(string title, IReadOnlyDictionary<T, long> d, Func<T, string> name, long total) where T : notnull
        {
            o.WriteLine();
            o.WriteLine(title + ":");
            foreach (var (k, v) in Ordered(d, name))
                o.WriteLine(string.Create(ci, $"  {name(k),-48} {v,10} {(total > 0 ? 100.0 * v / total : 0),6:F1}%"));
        }
        Table("By severity", s.Severity, SeverityName, s.Records);
        Table("By section type", s.SectionTypes, SectionName, s.SectionTypes.Values.Sum());
        Table("By notification type", s.NotificationTypes, NotificationName, s.Records);
        Table("By creator", s.Creators, CreatorName, s.Records);
        o.WriteLine();
        o.WriteLine(s.Pages.IsApproximate
            ? string.Create(ci, $"Memory errors: {s.MemoryErrors} in more than {s.Pages.Capacity} pages (page counts below are lower bounds of the most frequent pages)")
            : string.Create(ci, $"Memory errors: {s.MemoryErrors} in {CliText.Count(s.Pages.Count, "page")}"));
        if (s.Pages.Count > 0)
        {
            o.WriteLine(string.Create(ci, $"By page (top {Math.Min(top, s.Pages.Count)}):"));
            foreach (var (k, v) in Ordered(s.Pages.Counts, p => p.ToString("X16", ci)).Take(top)) o.WriteLine(string.Create(ci, $"  0x{k:X16} {v,10}"));
        }
        if (s.Locations.Count > 0)
        {
            o.WriteLine(string.Create(ci, $"By node/card/module (top {Math.Min(top, s.Locations.Count)} of {s.Locations.Count}):"));
            foreach (var (k, v) in Ordered(s.Locations, LocationName).Take(top)) o.WriteLine(string.Create(ci, $"  {LocationName(k),-30} {v,10}"));
        }
        if (s.Dimms.Count > 0)
        {
            o.WriteLine(string.Create(ci, $"By DIMM, SMBIOS type 17 handle (top {Math.Min(top, s.Dimms.Count)} of {s.Dimms.Count}):"));
            foreach (var (k, v) in Ordered(s.Dimms, h => h.ToString("X4", ci)).Take(top)) o.WriteLine(string.Create(ci, $"  0x{k:X4} {v,10}"));
        }
    }

    private static void WriteJson(CliContext context, CperStatistics s, int files, int top)
    {
        using var ms = new MemoryStream();
        using (var w = CliJson.Writer(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("files", files);
            w.WriteNumber("records", s.Records);
            w.WriteNumber("bytes", s.Bytes);
            w.WriteStartObject("problems");
            w.WriteNumber("skippedRanges", s.Accounting.SkippedRanges);
            w.WriteNumber("skippedBytes", s.Accounting.SkippedBytes);
            w.WriteNumber("oversized", s.Accounting.OversizedRecords);
            w.WriteNumber("truncated", s.Accounting.TruncatedRecords);
            w.WriteNumber("malformed", s.Malformed);
            w.WriteEndObject();
            w.WriteStartObject("input");
            w.WriteNumber("bytes", s.Accounting.Bytes);
            w.WriteNumber("recordBytes", s.Accounting.RecordBytes);
            w.WriteNumber("oversizedBytes", s.Accounting.OversizedBytes);
            w.WriteNumber("skippedBytes", s.Accounting.SkippedBytes);
            w.WriteNumber("paddingBytes", s.Accounting.PaddingBytes);
            w.WriteEndObject();
            w.WriteStartArray("severity");
            foreach (var (k, v) in Ordered(s.Severity, SeverityName))
            {
                w.WriteStartObject();
                w.WriteNumber("value", k);
                w.WriteString("name", CperNames.Severity[k]);
                w.WriteNumber("count", v);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            void Guids(string name, IReadOnlyDictionary<Guid, long> d, Func<Guid, string?> names)
            {
                w.WriteStartArray(name);
                foreach (var (k, v) in Ordered(d, g => EfiGuid.ToText(g)))
                {
                    w.WriteStartObject();
                    w.WriteString("guid", EfiGuid.ToText(k));
                    w.WriteString("name", names(k));
                    w.WriteNumber("count", v);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            Guids("sectionTypes", s.SectionTypes, CperSections.NameOf);
            Guids("notificationTypes", s.NotificationTypes, CperGuids.NotificationName);
            Guids("creators", s.Creators, CperGuids.CreatorName);
            w.WriteStartObject("memory");
            w.WriteNumber("errors", s.MemoryErrors);
            w.WriteNumber("distinctPages", s.Pages.Count); // a lower bound when approximate
            w.WriteBoolean("pagesApproximate", s.Pages.IsApproximate);
            w.WriteStartArray("pages");
            foreach (var (k, v) in Ordered(s.Pages.Counts, p => p.ToString("X16", CultureInfo.InvariantCulture)).Take(top))
            {
                w.WriteStartObject();
                w.WriteString("page", $"0x{k:X16}");
                w.WriteNumber("count", v);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("distinctLocations", s.Locations.Count);
            w.WriteStartArray("locations");
            foreach (var (k, v) in Ordered(s.Locations, LocationName).Take(top))
            {
                w.WriteStartObject();
                if (k.Node >= 0) w.WriteNumber("node", k.Node); else w.WriteNull("node");
                if (k.Card >= 0) w.WriteNumber("card", k.Card); else w.WriteNull("card");
                if (k.Module >= 0) w.WriteNumber("module", k.Module); else w.WriteNull("module");
                w.WriteNumber("count", v);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("dimms");
            foreach (var (k, v) in Ordered(s.Dimms, h => h.ToString("X4", CultureInfo.InvariantCulture)).Take(top))
            {
                w.WriteStartObject();
                w.WriteNumber("moduleHandle", k);
                w.WriteNumber("count", v);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        context.Out.WriteLine(System.Text.Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length));
    }
}
