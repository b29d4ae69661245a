using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using ApeiKit.Cli;
using ApeiKit.Cper;
using ApeiKit.Cper.Streaming;
using BenchmarkDotNet.Attributes;
using CommunityToolkit.HighPerformance.Buffers;
using ApeiKit.Cper.Generation;

namespace ApeiKit.Benchmarks;

/// <summary>
/// Throughput over a generated dump (<see cref="CperDumpGenerator"/>, seed 1: memory, ARM, PCIe and processor generic
/// sections, mixed severities). Each benchmark processes the whole dump once; divide <see cref="DumpBytes"/> by the
/// mean time for bytes/s. <c>Walk*</c> must allocate nothing per record (the per-operation allocations of the stream
/// variants are the pipe, file and reader, independent of the record count).
/// </summary>
[MemoryDiagnoser]
public class StreamingBenchmarks
{
    /// <summary>Size of the dump walked (and read from a file).</summary>
    public const int DumpBytes = 16 << 20;
    /// <summary>Size of the part decoded or rendered to JSON.</summary>
    public const int JsonBytes = 2 << 20;

    private byte[] _dump = [];
    private byte[] _jsonPart = [];
    private string _file = "";
    private readonly ArrayPoolBufferWriter<byte> _sink = new(1 << 16); // CommunityToolkit.HighPerformance, as the CLI's workers use
    private Utf8JsonWriter? _writer;
    private JsonRenderer? _renderer;
    private JsonRenderer? _compact;

    [GlobalSetup]
    public void Setup()
    {
        using var ms = new MemoryStream();
        CperDumpGenerator.Generate(ms, DumpBytes, seed: 1);
        _dump = ms.ToArray()[..CutAtRecord(ms.ToArray(), DumpBytes)];
        _jsonPart = _dump[..CutAtRecord(_dump, JsonBytes)];
        _file = Path.Combine(Path.GetTempPath(), $"apeikit-bench-{Environment.ProcessId}.bin");
        File.WriteAllBytes(_file, _dump);
        _writer = new Utf8JsonWriter(_sink, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
        _renderer = new JsonRenderer(_writer);
        _compact = new JsonRenderer(_sink, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_file);

    private static int CutAtRecord(byte[] bytes, int limit)
    {
        ReadOnlySpan<byte> rest = bytes;
        int at = 0;
        while (CperRecordView.TryRead(rest, out _, out int n) && at + n <= limit)
        {
            at += n;
            rest = rest[n..];
        }
        return at;
    }

    private static ulong Walk(ReadOnlySpan<byte> record)
    {
        var view = CperRecordView.Read(record, out _);
        view.Validate();
        ulong sum = view.Header.Severity;
        for (int i = 0; i < view.DescriptorCount; i++)
        {
            var d = view.GetDescriptor(i);
            sum += d.SectionLength + d.Severity + (ulong)view.GetSectionBody(i).Length;
        }
        return sum;
    }

    /// <summary>Walk-only over bytes in memory: header, descriptors, every section's bounds (16 MiB).</summary>
    [Benchmark]
    public ulong WalkInMemory()
    {
        ReadOnlySpan<byte> rest = _dump;
        ulong sum = 0;
        while (CperRecordView.TryRead(rest, out var record, out int consumed))
        {
            sum += Walk(record.Bytes);
            rest = rest[consumed..];
        }
        return sum;
    }

    /// <summary>Walk-only through <see cref="CperStreamReader"/> over a MemoryStream (framing cost without I/O; 16 MiB).</summary>
    [Benchmark]
    public ulong WalkStreamFromMemory()
    {
        using var ms = new MemoryStream(_dump, writable: false);
        return WalkStream(ms);
    }

    /// <summary>Walk-only through <see cref="CperStreamReader"/> over a file (page cache warm; 16 MiB).</summary>
    [Benchmark]
    public ulong WalkStreamFromFile()
    {
        using var fs = new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return WalkStream(fs);
    }

    private readonly byte[] _copy = new byte[1 << 20];

    private ulong WalkStream(Stream stream)
    {
        var reader = CperStreamReader.Create(stream);
        ulong sum = 0;
        while (reader.ReadAsync().GetAwaiter().GetResult())
        {
            var data = reader.Current.Data;
            if (data.IsSingleSegment) sum += Walk(data.FirstSpan);
            else
            {
                data.CopyTo(_copy);
                sum += Walk(_copy.AsSpan(0, (int)data.Length));
            }
        }
        reader.Complete();
        return sum;
    }

    /// <summary>Full decode to the editable models (<see cref="CperRecord.Decode(ReadOnlySpan{byte}, out int)"/>; 2 MiB).</summary>
    [Benchmark]
    public int DecodeModels()
    {
        ReadOnlySpan<byte> rest = _jsonPart;
        int sections = 0;
        while (!rest.IsEmpty)
        {
            sections += CperRecord.Decode(rest, out int n).Sections.Count;
            rest = rest[n..];
        }
        return sections;
    }

    /// <summary>Describe every record to JSON through a <see cref="Utf8JsonWriter"/> (the renderer <c>decode -f json</c> uses) into a pooled buffer (2 MiB).</summary>
    [Benchmark]
    public long RenderJson() => RenderAll(_renderer!, _writer);

    /// <summary>
    /// <see cref="RenderJson"/> with the renderer writing compact JSON itself (what <c>decode -f ndjson</c> uses per record;
    /// the same bytes as through <see cref="Utf8JsonWriter"/>; 2 MiB).
    /// </summary>
    [Benchmark]
    public long RenderCompactJson() => RenderAll(_compact!, null);

    private long RenderAll(JsonRenderer renderer, Utf8JsonWriter? writer)
    {
        ReadOnlySpan<byte> rest = _jsonPart;
        long total = 0;
        long offset = 0;
        while (!rest.IsEmpty)
        {
            _sink.Clear();
            if (writer is null) renderer.Reset(_sink);
            else writer.Reset(_sink);
            CperRecordDescriber.Describe(rest, offset, renderer, "CPER record", out int n);
            renderer.Flush();
            total += _sink.WrittenCount;
            rest = rest[n..];
            offset += n;
        }
        return total;
    }

    /// <summary>The describers' walk with a visitor that does nothing: the part of <see cref="RenderJson"/> that is not JSON writing (2 MiB).</summary>
    [Benchmark]
    public int DescribeOnly()
    {
        ReadOnlySpan<byte> rest = _jsonPart;
        int errors = 0;
        long offset = 0;
        while (!rest.IsEmpty)
        {
            errors += CperRecordDescriber.Describe(rest, offset, NullVisitor.Instance, "CPER record", out int n);
            rest = rest[n..];
            offset += n;
        }
        return errors;
    }

    private sealed class NullVisitor : ApeiKit.Tests.SilentVisitor
    {
        public static readonly NullVisitor Instance = new();
        public override bool WantsLabels => false; // as the JSON renderer: the describers' cost without labels
    }
}
