using System.Text;
using System.Text.Json;
using ApeiKit.Cli;
using ApeiKit.Cper.Streaming;
using ApeiKit.Ghes.Streaming;
using ApeiKit.Cper;
using ApeiKit.Cper.LibCper;
using ApeiKit.Ghes;
using ApeiKit.Hest;
using ApeiKit.Platform;

namespace ApeiKit.Fuzz;

/// <summary>A decoder allocated more than the budget allows for its input size (a length read from the input drove an allocation).</summary>
public sealed class AllocationBudgetExceededException(string message) : Exception(message);

/// <summary>Something decoded but did not encode back to the same bytes, or decoded differently the second time.</summary>
public sealed class RoundTripMismatchException(string message) : Exception(message);

/// <summary>A rendering, validation or simulation broke one of its own invariants.</summary>
public sealed class FuzzInvariantException(string message) : Exception(message);

/// <summary>
/// The fuzz targets, one per entry point. Each returns normally when the input was handled, whether it was
/// accepted or rejected with the documented exception (<see cref="ApeiContentException"/>, <see cref="ScenarioException"/>,
/// <see cref="HestSpecException"/>, <see cref="CliUsageException"/>); any other exception propagates (AFL sees a crash).
/// Also compiled into Apei.Tests, which replays <c>fixtures/hostile/</c> through it.
/// </summary>
public static class FuzzTargets
{
    private delegate void Target(ReadOnlySpan<byte> input);

    // Each target once: its name and its entry point (Names and Run both read this list).
    private static readonly (string Name, Target Run)[] s_targets =
    [
        ("cper-record", CperRecordTarget), ("cper-section", CperSectionTarget), ("gesb", GesbTarget), ("hest", HestTarget),
        ("bert", BertTarget), ("acpidump", AcpiDumpTarget), ("input-detect", InputDetectTarget), ("scenario-json", ScenarioTarget),
        ("hest-spec-json", HestSpecTarget), ("cli-decode", CliDecodeTarget), ("action-table", ActionTableTarget), ("erst-store", ErstStoreTarget),
    ];

    /// <summary>Target names, as given to the fuzz program and used for corpus folders and fixture prefixes.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. s_targets.Select(t => t.Name)];

    /// <summary>When false (the warm-up pass), allocation budgets are not checked: first calls run static initialisers.</summary>
    public static bool CheckAllocations { get; set; } = true;

    /// <summary>
    /// Scenarios with more injected errors than this are parsed but not run (a run costs time linear in its errors,
    /// whatever its virtual length: idle gaps, poll intervals and hung guests cost nothing, so they are not capped).
    /// </summary>
    public const int MaxScenarioErrors = 20_000;

    /// <summary>Most trace events a run may have per injected error and per guest source (the cost bound the target asserts).</summary>
    public const int MaxEventsPerErrorOrSource = 32;

    /// <summary>Wall-clock budget of one scenario run and check; more is a hang (bounded cost, issue #19).</summary>
    public static TimeSpan ScenarioTimeBudget { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="target"/> on <paramref name="input"/>.</summary>
    public static void Run(string target, ReadOnlySpan<byte> input)
    {
        foreach (var (name, run) in s_targets)
        {
            if (name != target) continue;
            run(input);
            return;
        }
        throw new ArgumentException($"unknown target '{target}' (one of {string.Join(", ", Names)})", nameof(target));
    }

    // ---- budgets -------------------------------------------------------------------------------------------

    private static long Allocated() => GC.GetAllocatedBytesForCurrentThread();

    /// <summary>Decoding: a copy or two of the input plus one error per bad structure; never a length read from the input.</summary>
    private static void DecodeBudget(long before, int inputLength, string what) => Budget(before, 32L * inputLength + 256 * 1024, what);

    /// <summary>Rendering allocates its output: about 1 KiB of JSON per small structure, hex text for raw bytes.</summary>
    private static void RenderBudget(long before, int inputLength, string what) => Budget(before, 256L * inputLength + 512 * 1024, what);

    private static void Budget(long before, long limit, string what)
    {
        if (!CheckAllocations) return;
        long used = Allocated() - before;
        if (used > limit) throw new AllocationBudgetExceededException($"{what} allocated {used} bytes (budget {limit})");
    }

    /// <summary>A lenient decode (content errors listed, not thrown) whose signature the record and block decoders share.</summary>
    private delegate T LenientDecode<T>(ReadOnlySpan<byte> source, out int bytesConsumed, List<ApeiContentException> errors);

    /// <summary>
    /// Decodes leniently (a thrown <see cref="ApeiContentException"/> is the refusal it may give), holds the allocations to
    /// the decode budget, then: the model encodes back to the bytes read, and decoding that encoding reads all of it and
    /// encodes the same bytes again.
    /// </summary>
    private static void LenientRoundTrip<T>(ReadOnlySpan<byte> input, long before, LenientDecode<T> decode, Func<T, byte[]> encode, string budget, string what) where T : class
    {
        T? model = null;
        int consumed = 0;
        try
        {
            model = decode(input, out consumed, new List<ApeiContentException>());
        }
        catch (ApeiContentException)
        {
        }
        DecodeBudget(before, input.Length, budget);
        if (model is null) return;
        var encoded = encode(model);
        SameBytes(input[..consumed], encoded, what + " re-encode");
        var again = decode(encoded, out int consumedAgain, new List<ApeiContentException>());
        if (consumedAgain != encoded.Length) throw new RoundTripMismatchException($"re-decode consumed {consumedAgain} of {encoded.Length} bytes");
        SameBytes(encoded, encode(again), what + " second round trip");
    }

    /// <summary>A strict decode of a span (views read on the way count as part of it).</summary>
    private delegate T SpanDecode<T>(ReadOnlySpan<byte> source);

    /// <summary>What <paramref name="decode"/> makes of <paramref name="input"/>, or null when it refuses it with the documented <see cref="ApeiContentException"/>.</summary>
    private static T? OrRefused<T>(ReadOnlySpan<byte> input, SpanDecode<T> decode) where T : class
    {
        try
        {
            return decode(input);
        }
        catch (ApeiContentException)
        {
            return null;
        }
    }

    private static void SameBytes(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        if (!expected.SequenceEqual(actual))
        {
            int i = 0;
            while (i < expected.Length && i < actual.Length && expected[i] == actual[i]) i++;
            throw new RoundTripMismatchException($"{what}: {expected.Length} bytes in, {actual.Length} bytes out, first difference at {i}");
        }
    }

    /// <summary>Renders with a <see cref="JsonRenderer"/>; when the walk completes the JSON must be well-formed.</summary>
    private delegate void Walk(ReadOnlySpan<byte> input, StructureVisitor visitor);

    private static void RenderJson(ReadOnlySpan<byte> input, Walk walk, string what)
    {
        long before = Allocated();
        var stream = new MemoryStream();
        bool complete = false;
        try
        {
            using var writer = new Utf8JsonWriter(stream);
            walk(input, new JsonRenderer(writer));
            writer.Flush();
            complete = true;
        }
        catch (ApeiContentException)
        {
        }
        RenderBudget(before, input.Length, what);

        // The compact renderer (decode -f ndjson) must write exactly what the Utf8JsonWriter path wrote.
        before = Allocated();
        var compact = new System.Buffers.ArrayBufferWriter<byte>();
        bool compactComplete = false;
        try
        {
            var renderer = new JsonRenderer(compact);
            walk(input, renderer);
            renderer.Flush();
            compactComplete = true;
        }
        catch (ApeiContentException)
        {
        }
        RenderBudget(before, input.Length, what + " (compact)");
        if (compactComplete != complete)
            throw new FuzzInvariantException($"{what}: the compact renderer {(compactComplete ? "completed" : "stopped")} where the writer did not");
        if (complete && !compact.WrittenSpan.SequenceEqual(stream.GetBuffer().AsSpan(0, (int)stream.Length)))
            throw new FuzzInvariantException($"{what}: the compact renderer wrote other bytes than Utf8JsonWriter");
        if (complete && stream.Length > 0) ParseJson(stream.ToArray(), what).Dispose();
    }

    // ---- CPER --------------------------------------------------------------------------------------------

    private static void CperRecordTarget(ReadOnlySpan<byte> input)
    {
        long before = Allocated();
        LenientRoundTrip(input, before, (ReadOnlySpan<byte> s, out int c, List<ApeiContentException> e) => CperRecord.Decode(s, out c, e), r => r.Encode(), "CperRecord.Decode", "CPER record");

        try
        {
            CperRecord.Decode(input, out _); // strict
        }
        catch (ApeiContentException)
        {
        }

        try
        {
            if (CperRecordView.TryRead(input, out var view, out _))
            {
                _ = view.Header.Severity;
                for (int i = 0; i < view.DescriptorCount; i++)
                {
                    var d = view.GetDescriptor(i);
                    try
                    {
                        _ = view.GetSectionBody(i);
                    }
                    catch (ApeiContentException)
                    {
                    }
                    _ = d.SectionType;
                }
                view.Validate();
            }
        }
        catch (ApeiContentException)
        {
        }

        RenderJson(input, static (b, v) => CperRecordDescriber.Describe(b, 0, v, "record", out _), "CperRecordDescriber");
        LibCperJson(input);
    }

    // The libcper dialect (decode --json-style libcper): streamed per section family without a catch around each, so a
    // malformed body must fall back to base64 inside the family. The library's entry points, checked against each other:
    // the streamed overload (what decode -f ndjson writes) refuses only a record with no header, writing nothing then, and
    // the Utf8JsonWriter overload refuses the same; otherwise the streamed bytes are one compact JSON line, and the writer
    // overload with the default encoder (the token-by-token rewrite, decode -f json's path) gives the same JSON values.
    private static void LibCperJson(ReadOnlySpan<byte> input)
    {
        long before = Allocated();
        var streamed = new System.Buffers.ArrayBufferWriter<byte>();
        bool refused = false;
        try
        {
            LibCperJsonWriter.Write(input, streamed);
        }
        catch (ApeiContentException)
        {
            refused = true;
        }
        RenderBudget(before, input.Length, "LibCperJsonWriter (streamed)");
        if (refused && streamed.WrittenCount != 0)
            throw new FuzzInvariantException($"LibCperJsonWriter refused the record after writing {streamed.WrittenCount} bytes");

        var rewritten = new System.Buffers.ArrayBufferWriter<byte>();
        try
        {
            using var writer = new Utf8JsonWriter(rewritten);
            LibCperJsonWriter.Write(input, writer);
        }
        catch (ApeiContentException)
        {
            if (!refused) throw new FuzzInvariantException("LibCperJsonWriter: the Utf8JsonWriter overload refused a record the streamed one wrote");
            return;
        }
        if (refused) throw new FuzzInvariantException("LibCperJsonWriter: the streamed overload refused a record the Utf8JsonWriter overload wrote");

        if (streamed.WrittenSpan.IndexOfAny((byte)'\n', (byte)'\r') >= 0)
            throw new FuzzInvariantException("LibCperJsonWriter: one record is more than one line of NDJSON");
        using var compact = ParseJson(streamed.WrittenMemory, "LibCperJsonWriter (streamed)");
        using var viaWriter = ParseJson(rewritten.WrittenMemory, "LibCperJsonWriter (Utf8JsonWriter)");
        if (!JsonElement.DeepEquals(compact.RootElement, viaWriter.RootElement))
            throw new FuzzInvariantException("LibCperJsonWriter: the Utf8JsonWriter overload wrote other JSON than the streamed overload");
    }

    /// <summary>The JSON a rendering wrote, parsed; malformed JSON is a <see cref="FuzzInvariantException"/> naming the renderer.</summary>
    private static JsonDocument ParseJson(ReadOnlyMemory<byte> json, string what)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FuzzInvariantException($"{what} wrote malformed JSON: {e.Message}");
        }
    }

    private static void CperSectionTarget(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        var codecs = CperSections.Registered;
        // One value past the codecs selects a GUID no codec has: the raw path.
        int pick = input[0] % (codecs.Count + 1);
        Guid type = pick < codecs.Count ? codecs[pick].SectionType : new Guid("f0f0f0f0-0000-4000-8000-00000000f0f0");
        var body = input[1..];

        long before = Allocated();
        var model = OrRefused(body, b => CperSections.DecodeBody(type, b, 1));
        DecodeBudget(before, input.Length, $"section {type} decode");
        if (model is not null)
        {
            if (model.SectionType != type) throw new FuzzInvariantException($"decoded body says {model.SectionType}, not {type}");
            var encoded = model.Encode();
            if (encoded.Length != model.GetEncodedLength()) throw new RoundTripMismatchException("Encode length differs from GetEncodedLength");
            SameBytes(body, encoded, $"section {type} re-encode");
            var again = CperSections.DecodeBody(type, encoded, 1);
            SameBytes(encoded, again.Encode(), $"section {type} second round trip");
        }

        s_sectionType = type;
        RenderJson(body, static (b, v) =>
        {
            v.BeginObject(null, "section", 1, b.Length);
            CperSections.DescribeBody(s_sectionType, b, 1, v);
            v.EndObject();
        }, $"section {type} describe");
    }

    [ThreadStatic] private static Guid s_sectionType;

    // ---- GHES / BERT ---------------------------------------------------------------------------------------

    private static void GesbTarget(ReadOnlySpan<byte> input)
    {
        long before = Allocated();
        try
        {
            var view = ErrorStatusBlockView.Read(input, out _);
            _ = view.DeclaredEntryCount;
            _ = view.RawData.Length;
            foreach (var e in view.Entries)
            {
                _ = e.SectionType;
                _ = e.FruText;
                _ = e.Timestamp;
                _ = e.Data.Length;
            }
        }
        catch (ApeiContentException)
        {
        }

        var result = GhesBlockValidator.Validate(input, (ulong)input.Length);
        foreach (var f in result.Findings) _ = f.ToString();
        _ = GhesBlockValidator.Validate(input).IsValid;

        LenientRoundTrip(input, before, (ReadOnlySpan<byte> s, out int c, List<ApeiContentException> e) => ErrorStatusBlock.Decode(s, out c, e), b => b.Encode(),
            "error status block view, validator and decode", "error status block");

        RenderJson(input, static (b, v) => ErrorStatusBlockDescriber.Describe(b, 0, v, "block", (ulong)b.Length), "ErrorStatusBlockDescriber");
    }

    private static void BertTarget(ReadOnlySpan<byte> input)
    {
        var table = input[..Math.Min(BertTable.Size, input.Length)];
        var region = input[table.Length..];
        long before = Allocated();
        try
        {
            if (BertTable.TryRead(table, out var t))
            {
                _ = t.RegionLength + t.RegionAddress;
                _ = t.IsChecksumValid;
                var data = BertTableData.Decode(table);
                SameBytes(table, data.Encode(), "BERT table re-encode");
            }
        }
        catch (ApeiContentException)
        {
        }

        try
        {
            foreach (var f in BertValidator.Validate(table, region, 0, table.Length)) _ = f.ToString();
        }
        catch (ApeiContentException)
        {
        }

        int regionOffset = table.Length;
        var decoded = OrRefused(region, b => BootErrorRegion.Decode(b, regionOffset));
        DecodeBudget(before, input.Length, "BERT table, validator and region decode");
        if (decoded is not null)
        {
            var encoded = decoded.Encode();
            SameBytes(region, encoded, "boot error region re-encode");
            SameBytes(encoded, BootErrorRegion.Decode(encoded, table.Length).Encode(), "boot error region second round trip");
        }

        RenderJson(input, static (b, v) =>
        {
            var t = b[..Math.Min(BertTable.Size, b.Length)];
            BertDescriber.Describe(t, 0, b[t.Length..], t.Length, v, "bert");
        }, "BertDescriber");
    }

    // ---- HEST ----------------------------------------------------------------------------------------------

    private static void HestTarget(ReadOnlySpan<byte> input)
    {
        long before = Allocated();
        try
        {
            var table = HestTable.Read(input);
            _ = table.Header.OemId;
            _ = table.ErrorSourceCount;
            _ = table.IsChecksumValid;
            foreach (var s in table) _ = s.Type;
            _ = table.CountSources(out _);
        }
        catch (ApeiContentException)
        {
        }

        var model = OrRefused(input, static b => HestTableModel.DecodePrefix(b, out _));

        try
        {
            foreach (var f in HestValidator.Validate(input)) _ = f.ToString();
        }
        catch (ApeiContentException)
        {
        }
        DecodeBudget(before, input.Length, "HEST view, model and validator");

        if (model is not null)
        {
            // The model writes Length, and the checksum when the table's own was right (a wrong one is kept:
            // HestTableModel.ChecksumOverride); everything else comes back as it was.
            var table = HestTable.Read(input);
            var expected = table.Bytes.ToArray();
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(expected.AsSpan(AcpiTableHeader.LengthOffset), (uint)expected.Length);
            if (table.IsChecksumValid) Checksum.Fix(expected, AcpiTableHeader.ChecksumOffset);
            var encoded = model.Encode();
            SameBytes(expected, encoded, "HEST re-encode");
            SameBytes(encoded, HestTableModel.DecodePrefix(encoded, out _).Encode(), "HEST second round trip");
        }

        RenderJson(input, static (b, v) => HestDescriber.Describe(b, 0, v), "HestDescriber");
    }

    private static void ActionTableTarget(ReadOnlySpan<byte> input)
    {
        long before = Allocated();
        var model = OrRefused(input, static b =>
        {
            var table = ActionTable.Read(b);
            _ = table.Header.OemId;
            for (int i = 0; i < table.EntriesPresent; i++) _ = table[i].Describe(table.Kind);
            return ActionTableModel.Decode(b);
        });
        foreach (var f in ActionTableValidator.Validate(input)) _ = f.ToString();
        DecodeBudget(before, input.Length, "ERST/EINJ view, model and validator");
        if (model is not null)
        {
            // Decode keeps every byte of the table (count, trailing bytes, checksum, header as it was).
            var expected = ActionTable.Read(input).Bytes;
            var encoded = model.Encode();
            SameBytes(expected, encoded, "ERST/EINJ re-encode");
            SameBytes(encoded, ActionTableModel.Decode(encoded).Encode(), "ERST/EINJ second round trip");
        }
        RenderJson(input, static (b, v) => ActionTableDescriber.Describe(b, 0, v), "ActionTableDescriber");
        RenderJson(input, static (b, v) => EinjStructures.DescribeSetErrorTypeWithAddress(b, 0, v), "SET_ERROR_TYPE_WITH_ADDRESS");
        RenderJson(input, static (b, v) => EinjStructures.DescribeTriggerTable(b, 0, v), "trigger error action table");
    }

    private static void ErstStoreTarget(ReadOnlySpan<byte> input)
    {
        long before = Allocated();
        var store = OrRefused(input, static b =>
        {
            var view = ErstStoreView.Read(b);
            for (int i = 0; i < view.SlotCount; i++)
            {
                _ = view.StateOf(i);
                _ = view.RecordIn(i).Length;
            }
            return ErstStore.Decode(b);
        });
        DecodeBudget(before, input.Length, "ERST store view and model");
        if (store is not null) SameBytes(input, store.Encode(), "ERST store re-encode");
        RenderJson(input, static (b, v) => ErstStoreDescriber.Describe(b, 0, v), "ErstStoreDescriber");
    }

    private static void HestSpecTarget(ReadOnlySpan<byte> input)
    {
        string json = Encoding.UTF8.GetString(input);
        HestSpecResult spec;
        try
        {
            spec = HestSpec.Parse(json);
        }
        catch (HestSpecException)
        {
            return;
        }
        if (spec.RegionBase is { } regionBase)
        {
            // A region the sources cannot have (a block below its 20-byte header, past 2^64) is an error that
            // HestRegionLayout.Create documents and `apeikit hest build` reports; Build must not fail otherwise.
            try
            {
                _ = HestRegionLayout.Create(spec.Builder.Table.Sources, regionBase);
            }
            catch (Exception e) when (e is ArgumentException or OverflowException)
            {
                return;
            }
        }
        var built = spec.Builder.Build(spec.RegionBase);
        var model = HestTableModel.Decode(built.TableBytes); // what the builder writes, the decoder reads
        SameBytes(built.TableBytes, model.Encode(), "built HEST round trip");
        foreach (var f in HestValidator.Validate(built.TableBytes)) _ = f.ToString();
        RenderJson(built.TableBytes, static (b, v) => HestDescriber.Describe(b, 0, v), "HestDescriber of a built table");
    }

    // ---- text ----------------------------------------------------------------------------------------------

    private static void AcpiDumpTarget(ReadOnlySpan<byte> input)
    {
        long before = Allocated();
        _ = AcpiDumpText.LooksLikeAcpiDump(input);
        string text = Encoding.UTF8.GetString(input);
        List<AcpiDumpTable> tables;
        try
        {
            tables = AcpiDumpText.Parse(text);
        }
        catch (ApeiContentException)
        {
            return;
        }
        DecodeBudget(before, input.Length, "AcpiDumpText.Parse");
        foreach (var t in tables)
        {
            _ = t.Signature;
            if (t.Signature == "HEST") HestTarget(t.Bytes);
            else if (t.Signature == "BERT") BertTarget(t.Bytes);
            try
            {
                if (t.Signature == "BERT") _ = BertAcpiDump.RegionNote(t.Bytes);
            }
            catch (ApeiContentException)
            {
            }
        }
        s_text = text;
        RenderJson(input, static (_, v) => BertAcpiDump.Describe(s_text!, v), "BertAcpiDump.Describe");
        s_text = null;
    }

    [ThreadStatic] private static string? s_text;

    /// <summary>
    /// The CLI's own input path end to end (issues #18, #19): the bytes as standard input through
    /// <c>decode</c> in every format and <c>stats</c>, in-process. Asserts exit 0 or 1, no .NET exception text on stderr,
    /// well-formed JSON and NDJSON, the framing's accounting tiling the input (every byte in exactly one item), and an
    /// allocation budget proportional to the input for the whole command.
    /// </summary>
    private static void CliDecodeTarget(ReadOnlySpan<byte> input)
    {
        var data = input.ToArray();
        foreach (var framing in new RecordFraming[] { CperRecordFraming.Instance, ErrorStatusBlockFraming.Instance })
        {
            var reader = CperStreamReader.Create(new MemoryStream(data), framing);
            while (reader.ReadAsync().AsTask().GetAwaiter().GetResult()) { }
            reader.Complete();
            if (!reader.Accounting.IsContiguous || reader.Accounting.Bytes != data.Length)
                throw new FuzzInvariantException($"{framing.GetType().Name}: items cover {reader.Accounting.Bytes} of {data.Length} bytes (contiguous: {reader.Accounting.IsContiguous})");
        }
        foreach (var args in new[] { new[] { "decode", "-f", "ndjson", "-" }, ["decode", "-f", "json", "-"], ["decode", "-f", "layout", "-j", "2", "-"], ["stats", "-f", "json", "-"] })
        {
            long before = Allocated();
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = CliApp.Run(args, stdout, stderr, () => new MemoryStream(data));
            string err = stderr.ToString();
            if (code is not (0 or 1)) throw new FuzzInvariantException($"{string.Join(' ', args)}: exit {code}: {err}");
            if (err.Contains("   at ", StringComparison.Ordinal) || err.Contains("Exception", StringComparison.Ordinal) || err.Contains("System.", StringComparison.Ordinal))
                throw new FuzzInvariantException($"{string.Join(' ', args)}: .NET text on stderr: {err}");
            string output = stdout.ToString();
            if (args[2] == "ndjson")
                foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries)) JsonDocument.Parse(line).Dispose();
            else if (args[2] == "json" && output.Length > 0) JsonDocument.Parse(output).Dispose();
            RenderBudget(before, data.Length, string.Join(' ', args));
        }
    }

    private static void InputDetectTarget(ReadOnlySpan<byte> input)
    {
        // A whole input read for a table (hest/erst/einj check) or for records (vm, bert build) goes through the library's
        // recogniser: it gives bytes or a usage error that names the input, and never changes a binary input.
        var data = input.ToArray();
        var format = new ApeiInputRecognizer().RecognizeFormat(input[..Math.Min(input.Length, ApeiInputRecognizer.FormatHeadLength)]);
        foreach (bool records in new[] { false, true })
        {
            long before = Allocated();
            try
            {
                var bytes = InputDecoder.Decode(data, "fuzz-input", records);
                if (format == ApeiInputFormat.Binary && !bytes.AsSpan().SequenceEqual(data)) throw new FuzzInvariantException("binary input was changed");
            }
            catch (CliUsageException e)
            {
                if (!e.Message.StartsWith("fuzz-input: ", StringComparison.Ordinal)) throw new FuzzInvariantException($"the error does not name the input: {e.Message}");
            }
            DecodeBudget(before, input.Length, $"InputDecoder.Decode records={records}");
        }
        if (ApeiKit.Cper.Input.CperTextForms.TryDecodeHex(input, out var hex))
        {
            if (!ApeiKit.Cper.Input.CperTextForms.TryDecodeHex(Encoding.ASCII.GetBytes(Convert.ToHexString(hex)), out var back)) throw new FuzzInvariantException("hex of decoded hex does not parse");
            SameBytes(hex, back, "hex round trip");
        }
        if (ApeiKit.Cper.Input.CperTextForms.TryDecodeBase64(input, out var b64))
        {
            if (!ApeiKit.Cper.Input.CperTextForms.TryDecodeBase64(Encoding.ASCII.GetBytes(Convert.ToBase64String(b64)), out var back)) throw new FuzzInvariantException("base64 of decoded base64 does not parse");
            SameBytes(b64, back, "base64 round trip");
        }
    }

    private static void ScenarioTarget(ReadOnlySpan<byte> input)
    {
        string json = Encoding.UTF8.GetString(input);
        Scenario scenario;
        try
        {
            scenario = ScenarioReader.Read(json, "fuzz.json");
        }
        catch (ScenarioException)
        {
            return;
        }
        // The only cap is on errors: cost must be linear in them and in the sources, never in virtual time (long idle
        // gaps, 1 ms polls, hung guests and large repeat counts all run), which the event bound and the time budget check.
        if (scenario.Timeline.Count > MaxScenarioErrors) return;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        PlatformRun run;
        try
        {
            run = VirtualPlatform.Run(scenario);
        }
        catch (ScenarioException)
        {
            return;
        }
        var violations = PlatformInvariants.Check(run);
        PlatformInvariants.CheckDelivery(run);
        if (violations.Count > 0) throw new FuzzInvariantException("platform invariants: " + string.Join("; ", violations));
        // EINJ, reboot and ERST-clear steps (at most ScenarioReader.MaxSteps): an injection's driver actions and the error it
        // raises, and a reboot's ERST walk over the records earlier panics stored (at most one per step).
        long bound = 64 + (long)MaxEventsPerErrorOrSource * (scenario.Timeline.Count + scenario.GuestSources.Count)
            + (long)scenario.Steps.Count * (64 + 16L * scenario.Steps.Count);
        if (run.Trace.Events.Count > bound)
            throw new FuzzInvariantException($"cost: {run.Trace.Events.Count} trace events for {scenario.Timeline.Count} errors, {scenario.GuestSources.Count} sources and {scenario.Steps.Count} steps (bound {bound})");
        if (clock.Elapsed > ScenarioTimeBudget)
            throw new FuzzInvariantException($"cost: the run took {clock.Elapsed.TotalMilliseconds} ms (budget {ScenarioTimeBudget.TotalMilliseconds} ms) for {scenario.Timeline.Count} errors");
    }
}
