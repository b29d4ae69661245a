using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.LibCper;
using ApeiKit.Cper.Streaming;
using ApeiKit.Ghes;
using CommunityToolkit.HighPerformance.Buffers;

namespace ApeiKit.Cli;

/// <summary>
/// The rendering half of <c>apeikit decode</c> when an input is streamed (binary CPER) or <c>--jobs</c> is above 1:
/// units come from <see cref="CperStreamReader"/> (or from loaded inputs), are described and rendered by
/// <c>jobs</c> workers into pooled buffers and written in input order as they finish, so memory stays bounded
/// whatever the input's size. The output is the same, byte for byte, as the load-everything path's.
/// </summary>
internal static class StreamingDecode
{
    /// <summary>Inputs from this size up get a progress line on a terminal's stderr.</summary>
    private const long ProgressThreshold = 64L << 20;
    private const int JsonDataLimit = 4096;

    private static readonly JsonWriterOptions s_indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private enum Format { Text, Layout, Json, Ndjson }

    /// <summary>First capacity of the pooled buffers (records' bytes, renderings): most records and their JSON fit.</summary>
    private const int InitialBufferSize = 4096;

    /// <summary>
    /// One unit that is not a framed record (a loaded table's unit, skipped or oversized bytes, an input's notices, a
    /// prelude), with its own describe step, and its rendering once done. Records themselves travel as <see cref="RecordUnit"/>s.
    /// </summary>
    private sealed class Work
    {
        public required string InputName;
        public required string Label;
        public string? Prelude; // text written before the unit (headers, "(empty input)")
        public Action<StructureVisitor, bool>? Describe; // null: only the prelude
        public MemoryOwner<byte>? Rented; // the unit's bytes (skipped or oversized), returned to the pool once written
        public ArrayPoolBufferWriter<byte>? Json;
        public string? Text;
        public List<ApeiContentException>? Errors;
        public List<string>? Notices; // lines for stderr after the unit's errors (an input's summary)
        public int NoticeErrors; // how many of the notices are errors (count toward the exit code)
    }

    /// <summary>
    /// A framed record on its way through (a struct: no object, closure or label string per record). With one job it is
    /// rendered straight from the pipe's buffer; with more, its bytes are copied into its batch's buffer. Its label
    /// ("CPER record #5") is formatted only where it is printed: text and layout, and error lines.
    /// </summary>
    private struct RecordUnit
    {
        public string InputName;
        public long Offset;
        public int Number; // 1-based, per input
        public int Start, Length; // with --jobs: its bytes in the batch's input buffer
        public bool Blocks; // a Generic Error Status Block, not a CPER record
        public string? Cut; // cut short: why
        public UnitSource? Source; // several inputs, or records unwrapped from entries
        public string? Prelude;
        public int OutEnd; // with --jobs: end of its rendering in the batch's output (bytes for JSON, chars for text)
        public List<ApeiContentException>? Errors;
        public string? Failure; // libcper's dialect: why the record was not rendered (printed instead of it)
        public Work? Work; // in a batch: a unit that is not a record (the fields above are unused)

        public readonly string Label => string.Create(CultureInfo.InvariantCulture, $"{(Blocks ? BlockNoun : RecordNoun)} #{Number}");
    }

    private const string RecordNoun = "CPER record", BlockNoun = "Generic Error Status Block";

    /// <summary>Describes a record (the walk the closure per record used to make).</summary>
    private static void DescribeRecord(StructureVisitor v, in RecordUnit u, ReadOnlySpan<byte> bytes, CperDecodeOptions options, bool json = false)
    {
        if (u.Source is { } source) v = new SourceVisitor(v, source);
        // JSON of a CPER record cut short by the end of the input: its decoded part cannot give its bytes back, so the
        // object also carries its range and bytes (a cut record is rare: the wrapper is no cost per whole record).
        if (json && u.Cut is not null && !u.Blocks) v = new CutRecordVisitor(v, u.Offset, bytes);
        // JSON has no labels: the noun stands in, and the numbered label is made only when one is shown.
        string label = v.WantsLabels ? u.Label : u.Blocks ? BlockNoun : RecordNoun;
        if (u.Blocks)
        {
            ErrorStatusBlockDescriber.Describe(bytes, u.Offset, v, label, options: options);
            return;
        }
        try
        {
            CperRecordDescriber.Describe(bytes, u.Offset, v, label, out _, options);
        }
        catch (ApeiContentException e)
        {
            v.BeginObject(null, label, u.Offset, bytes.Length);
            v.Error(e);
            v.EndObject();
        }
    }

    /// <summary>
    /// Adds to the outermost JSON object of a record cut short (by the end of its input, or by the next record) its range (<c>"offset"</c>, <c>"length"</c>, first) and its bytes
    /// (<c>"data"</c> last, or <c>"dataOmitted"</c> past <see cref="JsonDataLimit"/>): <c>apeikit encode</c> writes those
    /// bytes back as they were rather than the record its JSON describes.
    /// </summary>
    private sealed class CutRecordVisitor(StructureVisitor inner, long recordOffset, ReadOnlySpan<byte> bytes) : ForwardingVisitor(inner)
    {
        private readonly byte[]? _data = bytes.Length <= JsonDataLimit ? bytes.ToArray() : null;
        private readonly long _length = bytes.Length;
        private int _depth;

        public override void BeginObject(string? json, string label, long offset, long length)
        {
            base.BeginObject(json, label, offset, length);
            if (_depth++ == 0) WriteRange(Inner, recordOffset, _length);
        }

        public override void EndObject()
        {
            if (--_depth == 0)
            {
                if (_data is not null) Inner.Data("data", "Bytes", recordOffset, _data);
                else Inner.JsonOnly("dataOmitted", OverLimit);
            }
            Inner.EndObject();
        }

        protected override bool ForwardsLayouts => true;
    }

    /// <summary>Per-worker reusable rendering state, with the decode options every unit it renders is decoded with (handed to each worker thread explicitly: there is no ambient decode state).</summary>
    private sealed class Worker(Format format, CperDecodeOptions options, bool libcper = false)
    {
        /// <summary>Text and layout go straight here when set (one job), instead of into a string per unit.</summary>
        public TextWriter? Direct { get; init; }

        /// <summary>
        /// NDJSON (ours and libcper's) goes straight into the output's buffer when set (standard output, records written as they are
        /// rendered): no per-record buffer to clear and copy out (issue #15: 5% of a profile).
        /// </summary>
        public IBufferWriter<byte>? DirectJson { get; init; }

        private Utf8JsonWriter? _writer;
        private JsonRenderer? _renderer; // reused for every unit: one renderer and error list per worker, not per record
        private readonly List<ApeiContentException> _errors = [];
        // Buffers come back from the writer thread; a queue is the cheapest thread-safe hand-back (ConcurrentBag's thread-local lists cost more than rendering a small record).
        private readonly ConcurrentQueue<ArrayPoolBufferWriter<byte>> _pool = new();

        /// <summary>One record's JSON when records are rendered one at a time (one job, a large record): reused.</summary>
        public ArrayPoolBufferWriter<byte> Single { get; } = new(InitialBufferSize);

        private bool IsJson => format is Format.Json or Format.Ndjson;

        /// <summary>The JSON renderer, writing (appending) into <paramref name="buffer"/>.</summary>
        private JsonRenderer JsonInto(IBufferWriter<byte> buffer)
        {
            if (_renderer is null)
            {
                // ndjson: compact JSON written by the renderer itself (same bytes as Utf8JsonWriter, about twice as fast);
                // json: indented, through a Utf8JsonWriter.
                if (format == Format.Ndjson) _renderer = new JsonRenderer(buffer, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
                else _renderer = new JsonRenderer(_writer = new Utf8JsonWriter(buffer, s_indented));
                _renderer.ErrorSink = _errors;
            }
            else if (_writer is null)
            {
                _renderer.Reset(buffer);
            }
            else
            {
                _writer.Reset(buffer);
                _renderer.Reset();
            }
            _renderer.PreferBinaryTimestamps = false;
            return _renderer;
        }

        private List<ApeiContentException>? TakeErrors()
        {
            if (_errors.Count == 0) return null;
            List<ApeiContentException> errors = [.. _errors];
            _errors.Clear();
            return errors;
        }

        public void Render(Work w)
        {
            if (w.Describe is null) return;
            if (IsJson)
            {
                var buffer = _pool.TryDequeue(out var b) ? b : new ArrayPoolBufferWriter<byte>(InitialBufferSize);
                buffer.Clear();
                var renderer = JsonInto(buffer);
                w.Describe(renderer, true);
                renderer.Flush();
                w.Json = buffer;
                w.Errors = TakeErrors();
            }
            else if (Direct is { } direct)
            {
                StructureVisitor renderer = format == Format.Layout ? new LayoutRenderer(direct) : new TextRenderer(direct);
                var collector = new ErrorCollector(renderer);
                w.Describe(collector, false);
                direct.WriteLine();
                direct.Flush();
                w.Errors = collector.Errors;
            }
            else
            {
                var sw = new StringWriter(CultureInfo.InvariantCulture);
                StructureVisitor renderer = format == Format.Layout ? new LayoutRenderer(sw) : new TextRenderer(sw);
                var collector = new ErrorCollector(renderer);
                w.Describe(collector, false);
                sw.WriteLine();
                w.Text = sw.ToString();
                w.Errors = collector.Errors;
            }
        }

        /// <summary>Renders a record, appending its JSON to <paramref name="json"/> (JSON formats) or its text to <paramref name="text"/>.</summary>
        public void RenderRecord(ref RecordUnit u, ReadOnlySpan<byte> bytes, ArrayPoolBufferWriter<byte> json, TextWriter? text)
        {
            if (!libcper && IsJson)
            {
                RenderJson(ref u, bytes, json);
                return;
            }
            if (libcper)
            {
                int mark = json.WrittenCount;
                try
                {
                    // compact or indented (the bytes Utf8JsonWriter indents), straight into the buffer
                    LibCperJsonWriter.Write(bytes, json, indented: format != Format.Ndjson, options);
                }
                catch (ApeiContentException e)
                {
                    json.Truncate(mark);
                    u.Failure = e.Message;
                }
                return;
            }
            StructureVisitor r = format == Format.Layout ? new LayoutRenderer(text!) : new TextRenderer(text!);
            var collector = new ErrorCollector(r);
            DescribeRecord(collector, u, bytes, options);
            text!.WriteLine();
            u.Errors = collector.Errors.Count > 0 ? collector.Errors : null;
        }

        /// <summary>Renders a record as our JSON, appending it to <paramref name="json"/>.</summary>
        public void RenderJson(ref RecordUnit u, ReadOnlySpan<byte> bytes, IBufferWriter<byte> json)
        {
            if (libcper)
            {
                // libcper's NDJSON straight into the output's buffer; a record refused writes nothing (the header is read first).
                try
                {
                    LibCperJsonWriter.Write(bytes, json, options);
                }
                catch (ApeiContentException e)
                {
                    u.Failure = e.Message;
                }
                return;
            }
            var renderer = JsonInto(json);
            DescribeRecord(renderer, u, bytes, options, json: true);
            renderer.Flush();
            u.Errors = TakeErrors();
        }

        /// <summary>Renders every unit of <paramref name="b"/> into the batch's own output buffer.</summary>
        public void RenderBatch(Batch b)
        {
            TextWriter? text = IsJson ? null : new StringWriter(b.Text, CultureInfo.InvariantCulture);
            var input = b.Input.WrittenSpan;
            for (int i = 0; i < b.Count; i++)
            {
                ref var u = ref b.Units[i];
                if (u.Work is { } w)
                {
                    Render(w);
                    continue;
                }
                RenderRecord(ref u, input.Slice(u.Start, u.Length), b.Json, text);
                // NDJSON: the line's newline too, so the writer writes the batch's lines as they are, in one piece.
                if (format == Format.Ndjson && u.Failure is null) b.Json.Write("\n"u8);
                u.OutEnd = text is null ? b.Json.WrittenCount : b.Text.Length;
            }
            b.Owner = this;
        }

        public void Return(ArrayPoolBufferWriter<byte> buffer) => _pool.Enqueue(buffer);
    }

    /// <summary>Renders a record and writes it at once (one job; a large record with several): straight from <paramref name="bytes"/>.</summary>
    private static void RenderAndWrite(ref RecordUnit u, ReadOnlySpan<byte> bytes, Worker worker, OutputState state)
    {
        state.WritePrelude(ref u);
        if (worker.Direct is { } direct)
        {
            worker.RenderRecord(ref u, bytes, worker.Single, direct);
            direct.Flush();
            state.WriteRecord(ref u, default, null);
            return;
        }
        if (worker.DirectJson is { } directJson)
        {
            // NDJSON into the output's buffer (the prelude is written above); WriteRecord adds the error lines and the newline.
            worker.RenderJson(ref u, bytes, directJson);
            state.WriteRecord(ref u, default, null);
            return;
        }
        worker.Single.Clear();
        worker.RenderRecord(ref u, bytes, worker.Single, null);
        state.WriteRecord(ref u, worker.Single.WrittenSpan, null);
    }

    /// <summary>Receives the units of the inputs as they are read (<see cref="Produce"/>).</summary>
    private interface IUnitSink
    {
        /// <summary>A record; <paramref name="bytes"/> (the pipe's buffer) is valid only during the call.</summary>
        void Record(ref RecordUnit unit, ReadOnlySpan<byte> bytes);
        void Unit(Work w);
        /// <summary>The input would block: let out what is ready.</summary>
        void Idle();
    }

    /// <summary>One job: every unit rendered and written as it comes.</summary>
    private sealed class SerialSink(Worker worker, OutputState state, OutputSink output, Progress? progress) : IUnitSink
    {
        public void Record(ref RecordUnit unit, ReadOnlySpan<byte> bytes)
        {
            RenderAndWrite(ref unit, bytes, worker, state);
            progress?.Errors(state.ErrorCount);
        }

        public void Unit(Work w)
        {
            state.WritePrelude(w);
            worker.Render(w);
            state.Write(w, worker);
            progress?.Errors(state.ErrorCount);
        }

        public void Idle() => output.Flush();
    }

    /// <summary>Renders <paramref name="inputs"/> (loaded or streamed) in <paramref name="format"/> with <paramref name="jobs"/> workers.</summary>
    /// <param name="context">The command's streams.</param>
    /// <param name="inputs">The inputs.</param>
    /// <param name="format">text, layout, json or ndjson.</param>
    /// <param name="jobs">Workers.</param>
    /// <param name="options">The decode options (record size limit, ARM error-type reading), given to every worker; null: the defaults.</param>
    public static int Render(CliContext context, IReadOnlyList<DecodeCommand.LoadedInput> inputs, string format, int jobs, CperDecodeOptions? options = null)
    {
        using var progress = Progress.Start(context, inputs);
        return Render(context, new Inputs(inputs, inputs.Count > 1, LibCper: false, options ?? CperDecodeOptions.Default), format, jobs, progress);
    }

    /// <summary>
    /// Renders the CPER records of <paramref name="inputs"/> as openbmc/libcper's JSON (<c>--json-style libcper</c>): the
    /// same streaming, batching and <c>--jobs</c> as our own JSON. Inputs are opened as they are reached; anything that
    /// is not a whole record is reported on stderr and skipped (all-zero padding silently), as libcper's tool does.
    /// </summary>
    public static int RenderLibCper(CliContext context, IEnumerable<DecodeCommand.LoadedInput> inputs, string format, int jobs, CperDecodeOptions options)
        => Render(context, new Inputs(inputs, false, LibCper: true, options), format, jobs, null);

    /// <summary>What <see cref="Produce"/> reads: the inputs (enumerated once, as they are reached), whether there are several, and the dialect.</summary>
    /// <param name="List">The inputs.</param>
    /// <param name="Many">More than one input.</param>
    /// <param name="LibCper">libcper's JSON dialect.</param>
    /// <param name="Options">The decode options; their record size limit is also the framing's (one record size limit).</param>
    private sealed record Inputs(IEnumerable<DecodeCommand.LoadedInput> List, bool Many, bool LibCper, CperDecodeOptions Options);

    private static int Render(CliContext context, Inputs inputs, string format, int jobs, Progress? progress)
    {
        var fmt = format switch { "json" => Format.Json, "ndjson" => Format.Ndjson, "layout" => Format.Layout, _ => Format.Text };
        long maxRecordSize = inputs.Options.Limits.MaxRecordSize; // the framing's limit is the decoders': one record size limit
        using var output = OutputSink.For(context.Out);
        var state = new OutputState(context, output, fmt);
        try
        {
            if (jobs <= 1)
            {
                // One job: records are rendered straight from the pipe's buffer, text and layout straight into the output
                // (a large record is never held as a string), and what is rendered is flushed whenever the input would
                // block, so a slow pipe streams.
                var worker = new Worker(fmt, inputs.Options, inputs.LibCper)
                {
                    Direct = fmt is Format.Text or Format.Layout ? output.Text : null,
                    DirectJson = fmt == Format.Ndjson ? output.Bytes : null,
                };
                Produce(context, inputs, fmt is Format.Text or Format.Layout, maxRecordSize, progress, new SerialSink(worker, state, output, progress), CancellationToken.None);
            }
            else
            {
                RunParallel(context, inputs, fmt, jobs, maxRecordSize, state, progress, output);
            }
            state.Finish();
            output.Flush();
        }
        catch (IOException e) when (output.IsConsole && OutputSink.IsBrokenPipe(e))
        {
            // The reader went away (`apeikit decode big.bin | head`): stop decoding, quietly, as Unix tools do.
        }
        catch (IOException e) when (output.IsConsole)
        {
            throw new CliUsageException($"cannot write output: {e.Message}");
        }
        finally
        {
            progress?.Clear();
        }
        return state.ErrorCount > 0 ? CliApp.ContentError : CliApp.Ok;
    }

    /// <summary>
    /// Units handed to a worker together (per-unit hand-offs would cost as much as small records take to render): the
    /// records' bytes in one buffer, their renderings in another, reused batch after batch.
    /// </summary>
    private sealed class Batch : IDisposable
    {
        public readonly RecordUnit[] Units;
        public int Count;
        public ArrayPoolBufferWriter<byte> Input = new(InitialBufferSize); // the records' bytes
        public ArrayPoolBufferWriter<byte> Json = new(InitialBufferSize); // JSON formats: the renderings, one after another
        public readonly StringBuilder Text = new(); // text and layout: the renderings
        public Worker? Owner;
        public Exception? Error;
        public bool Inline; // rendered by the writer itself, straight into the output (a large record)
        public readonly ManualResetEventSlim Done = new();

        public Batch(int capacity) => Units = new RecordUnit[capacity];

        public void Add(in RecordUnit u) => Units[Count++] = u;

        /// <summary>Ready for reuse, unless it grew large (a batch's buffers stay as big as they ever got).</summary>
        public bool TryClear()
        {
            if (Inline || Json.WrittenCount > ReusedOutputLimit || Text.Length > ReusedOutputLimit) return false;
            Array.Clear(Units, 0, Count);
            Count = 0;
            Input = Fresh(Input);
            Json = Fresh(Json);
            Text.Clear();
            Owner = null;
            Error = null;
            Done.Reset();
            return true;
        }

        /// <summary>
        /// An empty writer over a pooled array as large as <paramref name="used"/>'s, which goes back to the pool as it is:
        /// <see cref="ArrayPoolBufferWriter{T}.Clear"/> zeroes what was written, and a batch's bytes (its input and
        /// renderings, about 5 times the input in all) zeroed again were most of the writer thread's time (issue #15).
        /// </summary>
        private static ArrayPoolBufferWriter<byte> Fresh(ArrayPoolBufferWriter<byte> used)
        {
            int capacity = used.Capacity;
            used.Dispose();
            return new(capacity);
        }

        public void Dispose()
        {
            Done.Dispose();
            Input.Dispose();
            Json.Dispose();
        }
    }

    /// <summary>
    /// Units and bytes of input per batch. NDJSON (ours and libcper's): up to 128 KiB, about 300 records of 400 bytes (a
    /// hand-off per 0.4 ms of rendering rather than per 64 records: issue #15), less with more jobs so the batches in
    /// flight (two per job and two more) stay a few MB, and up to 1024 units (records of 128 bytes, the smallest, fill
    /// it). Text and indented JSON stay at 64 units; layout (renderings up to 60 times the input, held as strings; 99-132
    /// MB peak with 64 for the 64 MB dump and <c>-j 2</c>) 16.
    /// </summary>
    private static (int Units, long Bytes) BatchSize(Format fmt, int jobs) => fmt switch
    {
        Format.Ndjson => (1024, Math.Clamp((512L << 10) / jobs, 32 << 10, 128 << 10)),
        Format.Layout => (16, 256 << 10),
        _ => (64, 256 << 10),
    };
    private const int ReusedOutputLimit = 4 << 20;

    /// <summary>
    /// Records from this size up are rendered by the writer thread straight into the output, in order, instead of by a
    /// worker into a buffer: a record's rendering can be 60 times its size (layout of an ARM record), and several held
    /// at once by the workers and the queues took a gigabyte for 1 MiB records. Memory in flight is then bounded by the
    /// queues' batches of small records, whatever <c>--jobs</c> is.
    /// </summary>
    private const long InlineBytes = 64 << 10;

    /// <summary>The reader thread's side of <c>--jobs</c>: records copied into batches, batches queued to the workers and the writer.</summary>
    private sealed class BatchingSink(BlockingCollection<Batch> pending, BlockingCollection<Batch> ordered, ConcurrentQueue<Batch> free, (int Units, long Bytes) size, CancellationToken token) : IUnitSink
    {
        private Batch _batch = Take(free, size.Units);

        private static Batch Take(ConcurrentQueue<Batch> free, int units) => free.TryDequeue(out var b) ? b : new Batch(units);

        public void Record(ref RecordUnit unit, ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length >= InlineBytes)
            {
                if (_batch.Count > 0) Send();
                var big = new Batch(1) { Inline = true };
                unit.Start = 0;
                big.Input.Write(bytes);
                big.Add(unit);
                big.Done.Set();
                ordered.Add(big, token);
                return;
            }
            unit.Start = _batch.Input.WrittenCount;
            _batch.Input.Write(bytes);
            _batch.Add(unit);
            if (_batch.Count >= size.Units || _batch.Input.WrittenCount >= size.Bytes) Send();
        }

        public void Unit(Work w)
        {
            _batch.Add(new RecordUnit { Work = w });
            if (_batch.Count >= size.Units) Send();
        }

        // Input is slow (a pipe, a terminal): send what is ready rather than wait for a full batch.
        public void Idle()
        {
            if (_batch.Count > 0) Send();
        }

        public void Finish() => Idle();

        private void Send()
        {
            ordered.Add(_batch, token);
            pending.Add(_batch, token);
            _batch = Take(free, size.Units);
        }
    }

    /// <summary>
    /// <paramref name="jobs"/> render threads, a reader thread and this thread as the writer, on dedicated threads with
    /// blocking hand-offs: thread-pool workers waiting on async channels spun for work and, on two cores, took as much
    /// CPU from the renderers as a second worker added (measured: benchmarks/README.md).
    /// </summary>
    private static void RunParallel(CliContext context, Inputs inputs, Format fmt, int jobs, long maxRecordSize, OutputState state, Progress? progress, OutputSink output)
    {
        using var cts = new CancellationTokenSource();
        // Two batches per worker (one rendered, one waiting) and two more keep every worker busy; more only hold memory.
        using var pending = new BlockingCollection<Batch>(jobs * 2 + 2); // to the workers
        using var ordered = new BlockingCollection<Batch>(jobs * 2 + 2); // to the writer, in input order
        var free = new ConcurrentQueue<Batch>(); // written batches, back to the reader
        var workers = new Thread[jobs];
        for (int i = 0; i < jobs; i++)
        {
            var worker = new Worker(fmt, inputs.Options, inputs.LibCper);
            workers[i] = new Thread(() =>
            {
                try
                {
                    foreach (var b in pending.GetConsumingEnumerable(cts.Token))
                    {
                        try
                        {
                            worker.RenderBatch(b);
                        }
                        catch (Exception e)
                        {
                            b.Error = e;
                        }
                        finally
                        {
                            b.Done.Set();
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // the writer failed
                }
            }) { IsBackground = true, Name = $"apeikit render {i}" };
            workers[i].Start();
        }

        Exception? readError = null;
        var reader = new Thread(() =>
        {
            var sink = new BatchingSink(pending, ordered, free, BatchSize(fmt, jobs), cts.Token);
            try
            {
                // Synchronous reads on this thread (InputSource reads files synchronously): no thread-pool hop per read.
                Produce(context, inputs, fmt is Format.Text or Format.Layout, maxRecordSize, progress, sink, cts.Token);
                sink.Finish();
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                // the writer failed
            }
            catch (Exception e)
            {
                readError = e;
            }
            finally
            {
                ordered.CompleteAdding();
                pending.CompleteAdding();
            }
        }) { IsBackground = true, Name = "apeikit read" };
        reader.Start();

        var inlineWorker = new Worker(fmt, inputs.Options, inputs.LibCper)
        {
            Direct = fmt is Format.Text or Format.Layout ? output.Text : null,
            DirectJson = fmt == Format.Ndjson ? output.Bytes : null,
        };
        try
        {
            while (true)
            {
                // Nothing ready to write: let out what is written before waiting (a slow input still streams).
                if (!ordered.TryTake(out var b))
                {
                    output.Flush();
                    if (!ordered.TryTake(out b, Timeout.Infinite)) break;
                }
                if (!b.Done.IsSet) output.Flush();
                b.Done.Wait();
                if (b.Error is { } e) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
                if (b.Inline)
                {
                    RenderAndWrite(ref b.Units[0], b.Input.WrittenSpan, inlineWorker, state);
                    b.Dispose();
                    continue;
                }
                var json = b.Json.WrittenSpan;
                int from = 0;
                if (fmt == Format.Ndjson)
                {
                    // The records' lines (newlines included) lie one after another in the batch's buffer: written in one
                    // piece (straight to the output stream when large), the notes of each record on stderr first.
                    int run = 0;
                    for (int i = 0; i < b.Count; i++)
                    {
                        ref var u = ref b.Units[i];
                        if (u.Work is { } w)
                        {
                            output.Write(json[run..from]);
                            run = from;
                            state.Write(w, b.Owner!);
                            continue;
                        }
                        if (u.Prelude is not null)
                        {
                            output.Write(json[run..from]);
                            run = from;
                        }
                        state.WriteNotes(ref u);
                        from = u.OutEnd;
                    }
                    output.Write(json[run..from]);
                    if (b.TryClear()) free.Enqueue(b);
                    else b.Dispose();
                    progress?.Errors(state.ErrorCount);
                    continue;
                }
                for (int i = 0; i < b.Count; i++)
                {
                    ref var u = ref b.Units[i];
                    if (u.Work is { } w)
                    {
                        state.Write(w, b.Owner!);
                        continue;
                    }
                    if (fmt is Format.Json or Format.Ndjson) state.WriteRecord(ref u, json[from..u.OutEnd], null);
                    else state.WriteRecord(ref u, default, b.Text.ToString(from, u.OutEnd - from));
                    from = u.OutEnd;
                }
                if (b.TryClear()) free.Enqueue(b);
                else b.Dispose();
                progress?.Errors(state.ErrorCount);
            }
        }
        catch
        {
            cts.Cancel(); // the reader may be blocked on its input: it is a background thread and is not waited for
            foreach (var t in workers) t.Join();
            throw;
        }
        reader.Join();
        foreach (var t in workers) t.Join();
        while (free.TryDequeue(out var f)) f.Dispose();
        if (readError is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(readError);
    }

    /// <summary>
    /// Reads every input, in order, handing each unit to <paramref name="sink"/> as it is read: records as
    /// <see cref="RecordUnit"/>s over the pipe's buffer, anything else as a <see cref="Work"/>. Reads are synchronous on
    /// the calling thread (one job: the main thread; several: the reader thread).
    /// </summary>
    private static void Produce(CliContext context, Inputs inputs, bool text,
        long maxRecordSize, Progress? progress, IUnitSink sink, CancellationToken cancellationToken)
    {
        bool many = inputs.Many;
        byte[]? scratch = null; // a record that spans two of the pipe's segments is copied here
        foreach (var input in inputs.List)
        {
            if (inputs.LibCper)
            {
                ProduceLibCper(input.Source!, maxRecordSize, sink, cancellationToken, ref scratch);
                continue;
            }
            string? prelude = text && many ? $"==> {input.Name} <==\n" : null;
            int count = 0;
            if (input.Source is { } source)
            {
                var reader = source.OpenReader(maxRecordSize);
                bool blocks = source.Form == InputForm.ErrorStatusBlocks;
                // Several inputs, or records unwrapped from entries: every unit says where it came from.
                bool sourced = many || source.Origins is not null;
                int records = 0;
                while (ReadItem(reader, source, sink, cancellationToken))
                {
                    var item = reader.Current;
                    progress?.Advance(reader.Position, item.Kind != CperStreamItemKind.Skipped);
                    count++;
                    if (item.Kind == CperStreamItemKind.Record)
                    {
                        var unit = new RecordUnit
                        {
                            InputName = input.Name,
                            Offset = item.Offset,
                            Number = ++records,
                            Blocks = blocks,
                            Cut = item.IsTruncated ? item.Problem : null,
                            Prelude = prelude,
                            Source = sourced ? new UnitSource(input.Name, item.Offset, source.OriginAt(item.Offset)) : null,
                        };
                        prelude = null;
                        var bytes = item.GetSpan(ref scratch);
                        unit.Length = bytes.Length;
                        sink.Record(ref unit, bytes);
                        continue;
                    }
                    var w = FromStreamItem(input.Name, item, blocks, maxRecordSize, ref records);
                    if (sourced && w.Describe is { } describe)
                    {
                        var unitSource = new UnitSource(input.Name, item.Offset, source.OriginAt(item.Offset));
                        w.Describe = (v, json) => describe(new SourceVisitor(v, unitSource), json);
                    }
                    if (prelude is not null) { w.Prelude = prelude; prelude = null; }
                    sink.Unit(w);
                }
                reader.Complete();
                var notices = new List<string>();
                if (source.TextError is { } textError) notices.Add($"{textError}; the bytes before it were decoded");
                notices.AddRange(source.WrapperErrors);
                var accounting = reader.Accounting;
                // The summary says what a mix of records and problems came to (one unrecognised range alone already has its line).
                if ((accounting.HasProblems && accounting.AllRecords > 0) || source.TextError is not null || source.WrapperErrors.Count > 0)
                    notices.Add(accounting.Summary(blocks ? "error status block" : "CPER record"));
                notices.AddRange(source.WrapperNotices);
                if (notices.Count > 0)
                {
                    sink.Unit(new Work
                    {
                        InputName = input.Name, Label = "", Prelude = prelude, Notices = notices,
                        NoticeErrors = (source.TextError is null ? 0 : 1) + source.WrapperErrors.Count,
                    });
                    prelude = null;
                    count++;
                }
            }
            else
            {
                foreach (var unit in input.Units)
                {
                    var w = new Work
                    {
                        InputName = input.Name,
                        Label = unit.Label,
                        Describe = (v, json) => DecodeCommand.DescribeUnit(input, unit, v, json, inputs.Options),
                    };
                    if (prelude is not null) { w.Prelude = prelude; prelude = null; }
                    count++;
                    sink.Unit(w);
                }
            }
            if (count == 0 && text)
                sink.Unit(new Work { InputName = input.Name, Label = "", Prelude = prelude + "(empty input)\n" });
            else if (prelude is not null)
                sink.Unit(new Work { InputName = input.Name, Label = "", Prelude = prelude });
        }
    }

    /// <summary>
    /// libcper's dialect: whole records become units; a record cut short, an oversized record or unrecognised bytes are
    /// a line on stderr (an error) and are skipped, all-zero padding silently; the input's text error and wrapper errors
    /// follow its records.
    /// </summary>
    private static void ProduceLibCper(InputSource source, long maxRecordSize, IUnitSink sink, CancellationToken cancellationToken, ref byte[]? scratch)
    {
        var reader = source.OpenReader(maxRecordSize);
        int index = 0;
        while (ReadItem(reader, source, sink, cancellationToken))
        {
            var item = reader.Current;
            if (item.Kind == CperStreamItemKind.Skipped && item.IsAllZero) continue;
            if (item.Kind != CperStreamItemKind.Record || item.IsTruncated)
            {
                string label = item.Kind == CperStreamItemKind.Skipped ? "Unrecognised bytes" : $"CPER record #{++index}";
                sink.Unit(new Work
                {
                    InputName = source.Name, Label = label, NoticeErrors = 1,
                    Notices = [string.Create(CultureInfo.InvariantCulture, $"{label} at offset {FieldFormat.Offset(item.Offset)}, {item.Length} bytes: {item.Problem ?? "not a CPER record"}; skipped.")],
                });
                continue;
            }
            var unit = new RecordUnit { InputName = source.Name, Offset = item.Offset, Number = ++index };
            var bytes = item.GetSpan(ref scratch);
            unit.Length = bytes.Length;
            sink.Record(ref unit, bytes);
        }
        reader.Complete();
        var notices = new List<string>();
        if (source.TextError is { } textError) notices.Add($"{textError}; decoded up to there.");
        notices.AddRange(source.WrapperErrors);
        if (notices.Count > 0) sink.Unit(new Work { InputName = source.Name, Label = "", Notices = notices, NoticeErrors = notices.Count });
    }

    /// <summary>The next item; when the input would block, the sink lets out what is ready first.</summary>
    private static bool ReadItem(CperStreamReader reader, InputSource source, IUnitSink sink, CancellationToken cancellationToken)
    {
        ValueTask<bool> next;
        try
        {
            next = reader.ReadAsync(cancellationToken);
            if (next.IsCompletedSuccessfully) return next.Result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{source.Name}: cannot read: {CliFiles.Reason(e)}");
        }
        if (!next.IsCompleted) sink.Idle();
        try
        {
            return next.AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{source.Name}: cannot read: {CliFiles.Reason(e)}");
        }
    }

    /// <summary>Why a JSON item for bytes that are not a record has no <c>data</c> (encode refuses it: it cannot invent the bytes).</summary>
    private static readonly string OverLimit = $"more than the {JsonDataLimit} bytes decode's JSON keeps of a range (text and layout show them all)";
    private const string NotKept = "not kept: the stream reader skips a range this large unread";

    /// <summary>The text's note under a "Zero padding" heading between records (the heading gives the range).</summary>
    private const string RecordPaddingNote = "not a CPER record: kept, and written back by encode (decode's JSON has \"padding\": \"zero\")";

    /// <summary>The same between error status blocks: only <c>encode --framing gesb</c> writes blocks' JSON back.</summary>
    private const string BlockPaddingNote = "not a Generic Error Status Block: kept, and written back by encode --framing gesb (decode's JSON has \"padding\": \"zero\")";
    private const string OversizedNotKept = "not kept: a record over the record size limit is skipped unread";

    /// <summary>
    /// The range an item that is not a whole record covers, first in its JSON object (<c>"offset"</c>, <c>"length"</c>:
    /// bytes in its input), so every input byte is in the JSON with its range and <c>apeikit encode</c> can write the
    /// stream back as it was (text and layout show the range in the item's heading).
    /// </summary>
    private static void WriteRange(StructureVisitor v, long offset, long length)
    {
        v.Info("offset", "Offset", offset);
        v.Info("length", "Length", length);
    }

    /// <summary>A unit for an item that is not a whole record: oversized, skipped bytes or padding.</summary>
    private static Work FromStreamItem(string name, in CperStreamItem item, bool blocks, long maxRecordSize, ref int records)
    {
        long offset = item.Offset, length = item.Length;
        string noun = blocks ? BlockNoun : RecordNoun;
        switch (item.Kind)
        {
            case CperStreamItemKind.Oversized:
            {
                string label = $"{noun} #{++records}";
                string? cut = item.Problem is { } p && p.IndexOf("; ", StringComparison.Ordinal) is int semi and >= 0 ? p[(semi + 2)..] : null;
                var e = new ApeiContentException(blocks ? "Generic Error Status Block" : "CPER record header", blocks ? "DataLength" : "RecordLength",
                    offset + (blocks ? GenericErrorStatus.DataLengthOffset : CperRecordHeader.RecordLengthOffset),
                    $"at most {maxRecordSize} bytes (the record size limit, --max-record-size; a larger record is skipped unread)",
                    $"{item.DeclaredLength} ({length} bytes of it present{(cut is null ? "" : ", " + cut)})");
                return new Work
                {
                    InputName = name,
                    Label = label,
                    Describe = (v, json) =>
                    {
                        v.BeginObject(null, label, offset, length);
                        if (json) WriteRange(v, offset, length);
                        v.Error(e);
                        if (json) v.JsonOnly("dataOmitted", OversizedNotKept);
                        v.EndObject();
                    },
                };
            }
            default:
            {
                if (item.IsAllZero)
                {
                    // The heading gives the range ("Zero padding (at 0x115, 16 bytes)"); the text's note says what the bytes
                    // are not and that they are not dropped: decode's JSON keeps them, and encode writes them back (blocks'
                    // JSON only with --framing gesb: plain encode refuses what is not a record).
                    const string zl = "Zero padding";
                    return new Work
                    {
                        InputName = name,
                        Label = zl,
                        // JSON: {"offset", "length", "padding": "zero"}, no bytes (encode writes that many zeros back).
                        Describe = (v, json) =>
                        {
                            v.BeginObject(null, zl, offset, length);
                            if (json)
                            {
                                WriteRange(v, offset, length);
                                v.JsonOnly("padding", "zero");
                            }
                            else v.Info("note", "Note", blocks ? BlockPaddingNote : RecordPaddingNote);
                            v.EndObject();
                        },
                    };
                }
                int n = (int)item.Data.Length; // 0 when the skipped bytes were too many to keep
                MemoryOwner<byte>? rented = null;
                if (n > 0)
                {
                    rented = MemoryOwner<byte>.Allocate(n);
                    item.Data.CopyTo(rented.Span);
                }
                const string label = "Unrecognised bytes"; // the heading gives the range, the error the offset
                string? problem = item.Problem;
                string expected = blocks ? "a Generic Error Status Block" : "a CPER record (signature \"CPER\")";
                return new Work
                {
                    InputName = name,
                    Label = label,
                    Rented = rented,
                    Describe = (v, json) =>
                    {
                        ReadOnlySpan<byte> bytes = rented is null ? default : rented.Span;
                        string found = n > 0 ? $"{length} bytes starting {FieldFormat.HexBytes(bytes, 8)}" : $"{length} bytes";
                        if (problem is not null) found += $" ({problem})";
                        v.BeginObject(null, label, offset, length);
                        if (json) WriteRange(v, offset, length);
                        v.Error(new ApeiContentException("input", null, offset, expected, found));
                        if (n > 0 && (!json || n <= JsonDataLimit)) v.Data("data", "Bytes", offset, bytes);
                        else if (json) v.JsonOnly("dataOmitted", n > 0 ? OverLimit : NotKept);
                        v.EndObject();
                    },
                };
            }
        }
    }

    /// <summary>Writes rendered units in order, holding the first JSON unit until it is known whether an array is needed.</summary>
    private sealed class OutputState(CliContext context, OutputSink output, Format format)
    {
        private int _jsonUnits;
        private byte[]? _held;

        public int ErrorCount { get; private set; }

        public void WritePrelude(Work w)
        {
            if (w.Prelude is null) return;
            output.Write(w.Prelude);
            w.Prelude = null;
        }

        public void WritePrelude(ref RecordUnit u)
        {
            if (u.Prelude is null) return;
            output.Write(u.Prelude);
            u.Prelude = null;
        }

        public void Write(Work w, Worker worker)
        {
            WritePrelude(w);
            if (w.Errors is not null)
            {
                foreach (var line in ErrorListing.Lines(w.Errors)) context.Error.WriteLine($"apeikit: {w.InputName}: {w.Label}: {line}");
                ErrorCount += w.Errors.Count;
            }
            if (w.Notices is not null)
            {
                foreach (var n in w.Notices) context.Error.WriteLine($"apeikit: {w.InputName}: {n}");
                ErrorCount += w.NoticeErrors;
            }
            w.Rented?.Dispose();
            if (w.Text is not null) output.Write(w.Text);
            if (w.Json is { } json)
            {
                WriteJson(json.WrittenSpan);
                worker.Return(json);
            }
        }

        /// <summary>A record's errors and notice on stderr, then its rendering (<paramref name="json"/> for the JSON formats, else <paramref name="text"/> unless already written).</summary>
        public void WriteRecord(ref RecordUnit u, ReadOnlySpan<byte> json, string? text)
        {
            if (!WriteNotes(ref u)) return;
            if (text is not null) output.Write(text);
            if (format is Format.Json or Format.Ndjson) WriteJson(json);
        }

        /// <summary>A record's prelude, then its errors and notice on stderr; false when it failed (nothing of it is written).</summary>
        public bool WriteNotes(ref RecordUnit u)
        {
            WritePrelude(ref u);
            string? label = null;
            if (u.Errors is { } errors)
            {
                label = u.Label;
                foreach (var line in ErrorListing.Lines(errors)) context.Error.WriteLine($"apeikit: {u.InputName}: {label}: {line}");
                ErrorCount += errors.Count;
            }
            if (u.Cut is { } cut) context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"apeikit: {u.InputName}: {label ?? u.Label} at offset {FieldFormat.Offset(u.Offset)}: {cut}"));
            if (u.Failure is { } failure)
            {
                context.Error.WriteLine($"apeikit: {u.InputName}: {u.Label}: {failure}");
                ErrorCount++;
                return false;
            }
            return true;
        }

        private void WriteJson(ReadOnlySpan<byte> json)
        {
            if (format == Format.Ndjson)
            {
                output.Write(json);
                output.Write("\n"u8);
                return;
            }
            _jsonUnits++;
            if (_jsonUnits == 1)
            {
                _held = json.ToArray(); // once per output: the buffer it is in is reused for the next unit
                return;
            }
            if (_jsonUnits == 2)
            {
                output.Write("["u8);
                WriteIndented(_held);
                _held = null;
            }
            output.Write(","u8);
            WriteIndented(json);
        }

        /// <summary>An element of the top-level array: newline, then every line indented by two spaces, as Utf8JsonWriter writes array elements.</summary>
        private void WriteIndented(ReadOnlySpan<byte> json)
        {
            while (true)
            {
                output.Write("\n  "u8);
                int nl = json.IndexOf((byte)'\n');
                if (nl < 0)
                {
                    output.Write(json);
                    return;
                }
                output.Write(json[..nl]);
                json = json[(nl + 1)..];
            }
        }

        public void Finish()
        {
            if (format != Format.Json) return;
            if (_jsonUnits == 0) output.Write("[]\n"u8);
            else if (_jsonUnits == 1)
            {
                output.Write(_held);
                output.Write("\n"u8);
                _held = null;
            }
            else output.Write("\n]\n"u8);
        }
    }

    /// <summary>Where output goes: standard output's stream when the context's writer is the console's, else the writer (tests).</summary>
    private abstract class OutputSink : IDisposable
    {
        public abstract void Write(ReadOnlySpan<byte> utf8);
        public abstract void Write(string text);
        public abstract void Flush();
        public abstract void Dispose();
        public virtual bool IsConsole => false;
        /// <summary>The sink's own buffer as a buffer writer (renderers write into it, then <see cref="IBufferWriter{T}.Advance"/>), or null.</summary>
        public virtual IBufferWriter<byte>? Bytes => null;
        /// <summary>A writer whose text goes into this sink, in order with what is written directly (its Flush moves its characters into the sink).</summary>
        public abstract TextWriter Text { get; }

        public static OutputSink For(TextWriter writer)
            => ReferenceEquals(writer is OutputWriter o ? o.Inner : writer, Console.Out) ? new StreamSink(writer) : new WriterSink(writer);

        /// <summary>EPIPE: standard output is a pipe whose reader has closed it.</summary>
        public static bool IsBrokenPipe(IOException e) => !OperatingSystem.IsWindows() && e.HResult == 32;

        private sealed class StreamSink : OutputSink, IBufferWriter<byte>
        {
            // A plain 256 KiB buffer in front of standard output: records are a few KiB each, so nearly every Write is a
            // memmove, and the stream sees one large write per buffer. Our NDJSON is rendered straight into it (IBufferWriter).
            private readonly Stream _stream;
            private byte[] _buffer = new byte[256 << 10];
            private int _used;
            private const int DirectWrite = 32 << 10;

            public override IBufferWriter<byte> Bytes => this;

            public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(Reserve(sizeHint));

            public Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(Reserve(sizeHint));

            // Room for sizeHint bytes (at least one): what is buffered goes out first when it does not fit; a value larger
            // than the buffer (a huge record's hex) grows it once.
            private int Reserve(int sizeHint)
            {
                sizeHint = Math.Max(sizeHint, 1);
                if (_buffer.Length - _used >= sizeHint) return _used;
                Drain();
                if (_buffer.Length < sizeHint) _buffer = new byte[sizeHint];
                return 0;
            }

            public void Advance(int count)
            {
                if ((uint)count > (uint)(_buffer.Length - _used)) throw new ArgumentOutOfRangeException(nameof(count));
                _used += count;
            }

            public StreamSink(TextWriter console)
            {
                console.Flush();
                _stream = OpenStandardOutput();
            }

            public override void Write(ReadOnlySpan<byte> utf8)
            {
                // A batch's lines (--jobs) go to the stream as they are rather than through the buffer: no copy.
                if (utf8.Length > _buffer.Length - _used || utf8.Length >= DirectWrite)
                {
                    Drain();
                    if (utf8.Length > _buffer.Length || utf8.Length >= DirectWrite)
                    {
                        _stream.Write(utf8);
                        return;
                    }
                }
                utf8.CopyTo(_buffer.AsSpan(_used));
                _used += utf8.Length;
            }

            public override void Write(string text)
            {
                using var rented = SpanOwner<byte>.Allocate(Encoding.UTF8.GetMaxByteCount(text.Length));
                int n = Encoding.UTF8.GetBytes(text, rented.Span);
                Write(rented.Span[..n]);
            }

            // A pipe or terminal on Unix is written through a FileStream on fd 1: the console stream ignores EPIPE, so a
            // decode piped into `head` would run to the end of its input for nothing; the FileStream reports it
            // (IsBrokenPipe). A seekable file stays with the console stream, which writes at the descriptor's shared
            // offset (a FileStream keeps its own, so `{ apeikit decode ...; echo; } > out` would overwrite).
            private static Stream OpenStandardOutput()
            {
                if (OperatingSystem.IsWindows()) return Console.OpenStandardOutput();
                var fs = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
                if (!fs.CanSeek) return fs;
                fs.Dispose();
                return Console.OpenStandardOutput();
            }

            private void Drain()
            {
                if (_used == 0) return;
                _stream.Write(_buffer, 0, _used);
                _used = 0;
            }

            public override bool IsConsole => true;

            private SinkTextWriter? _text;
            public override TextWriter Text => _text ??= new SinkTextWriter(this);

            public override void Flush()
            {
                _text?.Flush();
                Drain();
                _stream.Flush();
            }

            public override void Dispose()
            {
                try
                {
                    Flush();
                    _stream.Dispose();
                }
                catch (IOException)
                {
                    // already reported by Flush (or the output went away)
                }
            }
        }

        private sealed class WriterSink(TextWriter writer) : OutputSink
        {
            public override TextWriter Text => writer;
            public override void Write(ReadOnlySpan<byte> utf8) => writer.Write(Encoding.UTF8.GetString(utf8));
            public override void Write(string text) => writer.Write(text);
            public override void Flush() => writer.Flush();
            public override void Dispose() => writer.Flush();
        }
    }

    /// <summary>UTF-8 text into an <see cref="OutputSink"/>: characters are buffered and encoded into the sink's buffer on Flush.</summary>
    private sealed class SinkTextWriter(OutputSink sink) : TextWriter(CultureInfo.InvariantCulture)
    {
        private readonly char[] _chars = new char[8192];
        private readonly byte[] _bytes = new byte[Encoding.UTF8.GetMaxByteCount(8192)];
        private readonly Encoder _encoder = new UTF8Encoding(false).GetEncoder();
        private int _used;

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            if (_used == _chars.Length) Move();
            _chars[_used++] = value;
        }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            while (!buffer.IsEmpty)
            {
                if (_used == _chars.Length) Move();
                int n = Math.Min(buffer.Length, _chars.Length - _used);
                buffer[..n].CopyTo(_chars.AsSpan(_used));
                _used += n;
                buffer = buffer[n..];
            }
        }

        public override void Write(string? value) => Write(value.AsSpan());

        public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

        public override void Flush() => Move();

        private void Move()
        {
            if (_used == 0) return;
            int n = _encoder.GetBytes(_chars, 0, _used, _bytes, 0, flush: false);
            _used = 0;
            sink.Write(_bytes.AsSpan(0, n));
        }
    }

    /// <summary>A progress line on stderr (records/s, MB/s, errors), only when stderr is a terminal and the input is large.</summary>
    private sealed class Progress : IDisposable
    {
        private readonly TextWriter _error;
        private readonly long? _total;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Timer _timer;
        private long _bytes, _base, _records;
        private int _errors;
        private bool _shown;

        private Progress(TextWriter error, long? total)
        {
            _error = error;
            _total = total;
            _timer = new Timer(_ => Show(), null, 250, 250);
        }

        public static Progress? Start(CliContext context, IReadOnlyList<DecodeCommand.LoadedInput> inputs)
        {
            var diagnostics = context.Error as DiagnosticWriter;
            var raw = diagnostics?.Raw ?? context.Error; // the line's \r and escapes go to the terminal as they are
            if (!ReferenceEquals(raw, Console.Error) || Console.IsErrorRedirected) return null;
            var streamed = inputs.Where(i => i.Source is not null).ToList();
            if (streamed.Count == 0) return null;
            long? total = streamed.All(i => i.Source!.Size is not null) ? streamed.Sum(i => i.Source!.Size!.Value) : null;
            if (total is not null && total < ProgressThreshold) return null;
            var progress = new Progress(raw, total);
            if (diagnostics is not null) diagnostics.BeforeLine = progress.ClearLine; // a diagnostic never lands on the end of the progress line
            return progress;
        }

        /// <summary>Erases the progress line (if shown) so a diagnostic starts at the beginning of a clean line; the next tick redraws it.</summary>
        public void ClearLine()
        {
            lock (_error)
            {
                if (!_shown) return;
                _error.Write("\r\u001b[K");
                _shown = false;
            }
        }

        public void Advance(long position, bool record)
        {
            if (position < Volatile.Read(ref _bytes) - _base) _base = Volatile.Read(ref _bytes); // next input
            Volatile.Write(ref _bytes, _base + position);
            if (record) Interlocked.Increment(ref _records);
        }

        public void Errors(int count) => Volatile.Write(ref _errors, count);

        private void Show()
        {
            long bytes = Volatile.Read(ref _bytes);
            if (_total is null && bytes < ProgressThreshold) return;
            double s = Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
            string pct = _total is { } t && t > 0 ? $"{100.0 * bytes / t,5:F1}% " : "";
            lock (_error)
            {
                _error.Write(string.Create(CultureInfo.InvariantCulture,
                    $"\r{pct}{bytes / 1e6:F0} MB, {Interlocked.Read(ref _records)} records, {Interlocked.Read(ref _records) / s:F0} records/s, {bytes / 1e6 / s:F1} MB/s, {Volatile.Read(ref _errors)} errors\u001b[K"));
                _error.Flush();
                _shown = true;
            }
        }

        public void Clear()
        {
            _timer.Dispose();
            lock (_error)
            {
                if (_shown) _error.Write("\r\u001b[K");
                _shown = false;
            }
        }

        public void Dispose() => _timer.Dispose();
    }
}
