using ApeiKit.Cper.Generation;
using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using ApeiKit.Cli;
using ApeiKit.Cper;
using ApeiKit.Cper.LibCper;
using BenchmarkDotNet.Attributes;
using CommunityToolkit.HighPerformance.Buffers;

namespace ApeiKit.Benchmarks;

/// <summary>
/// The two JSON dialects of <c>decode -f ndjson</c>, per record (issue #15): every operation is one record of a generated
/// dump (<see cref="CperDumpGenerator"/>, seed 1), rendered the way the CLI's workers render it (one renderer or writer per
/// worker, reset per record, into a reused buffer). "Allocated" is therefore bytes per record: the target is 0 B for both.
/// A short job (one launch, few iterations) keeps a run to about a minute on a shared machine:
/// <c>dotnet run -c Release --project benchmarks -- --filter '*RendererBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class RendererBenchmarks
{
    /// <summary>Records rendered per invocation (BenchmarkDotNet divides by it).</summary>
    public const int Records = 4096;

    private readonly List<(int Start, int Length)> _records = [];
    private byte[] _dump = [];
    private readonly ArrayPoolBufferWriter<byte> _out = new(1 << 20); // CommunityToolkit.HighPerformance, the CLI's workers' buffer
    private JsonRenderer? _ours;
    private Utf8JsonWriter? _libcper;
    private static readonly JsonSerializerOptions s_treeOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [GlobalSetup]
    public void Setup()
    {
        using var ms = new MemoryStream();
        CperDumpGenerator.Generate(ms, 4 << 20, seed: 1);
        _dump = ms.ToArray();
        ReadOnlySpan<byte> rest = _dump;
        int at = 0;
        while (_records.Count < Records && CperRecordView.TryRead(rest, out _, out int n))
        {
            _records.Add((at, n));
            at += n;
            rest = rest[n..];
        }
        if (_records.Count < Records) throw new InvalidOperationException($"the dump holds {_records.Count} records, fewer than {Records}");
        _ours = new JsonRenderer(_out, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        _libcper = new Utf8JsonWriter(_out, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
    }

    /// <summary>Our NDJSON: the describers' walk into the compact renderer (as <c>decode -f ndjson</c>).</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public long Ndjson()
    {
        long total = 0;
        foreach (var (start, length) in _records)
        {
            _out.Clear();
            _ours!.Reset(_out);
            CperRecordDescriber.Describe(_dump.AsSpan(start, length), start, _ours, "CPER record", out _);
            _ours.Flush();
            total += _out.WrittenCount;
        }
        return total;
    }

    /// <summary>
    /// libcper's dialect as <c>decode -f ndjson --json-style libcper</c> renders it (<c>LibCperJsonWriter.Write(record,
    /// IBufferWriter)</c>: the dialect's compact writer straight into the buffer): header, descriptors and the sections
    /// declared as libcper member maps, every other family streamed (no tree; the generated dump holds memory, ARM, PCIe and
    /// processor generic sections).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public long LibCper()
    {
        long total = 0;
        foreach (var (start, length) in _records)
        {
            _out.Clear();
            LibCperJsonWriter.Write(_dump.AsSpan(start, length), _out);
            total += _out.WrittenCount;
        }
        return total;
    }

    /// <summary>
    /// <see cref="LibCper"/> through the public <see cref="Utf8JsonWriter"/> overload (compact, relaxed encoder: the same bytes,
    /// rendered into the writer's own buffer and written raw), for callers that write around the record.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public long LibCperUtf8JsonWriter()
    {
        long total = 0;
        foreach (var (start, length) in _records)
        {
            _out.Clear();
            _libcper!.Reset(_out);
            LibCperJsonWriter.Write(_dump.AsSpan(start, length), _libcper);
            _libcper.Flush();
            total += _out.WrittenCount;
        }
        return total;
    }

    /// <summary>libcper's example records of the families streamed by hand that the dump lacks (CXL protocol, NVIDIA, NVIDIA CMET-INFO, ARM RAS, IA32/X64, NVIDIA event).</summary>
    private static readonly string[] s_familyFixtures = ["cxlprotocol", "nvidia", "nvidia_cmet_info", "arm-ras", "ia32x64", "nvidia_event_gpu_init", "nvidia_event_gpu_uce_ecc", "nvidia_event_all_types"];
    private byte[][] _families = [];
    private byte[] _nvidiaEvent = [];

    /// <summary>Rounds over the family records per invocation.</summary>
    public const int FamilyRounds = 256;

    [GlobalSetup(Targets = [nameof(LibCperFamilies), nameof(LibCperNvidiaEvent)])]
    public void SetupFamilies()
    {
        Setup();
        _families = [.. s_familyFixtures.Select(n => BenchmarkData.Fixture($"cper/libcper/{n}.cperhex"))];
        _nvidiaEvent = BenchmarkData.Fixture("cper/libcper/nvidia_event_gpu_uce_ecc.cperhex");
    }

    /// <summary>libcper's dialect for one record of each streamed family (the generated dump holds none of them).</summary>
    [Benchmark(OperationsPerInvoke = FamilyRounds * 8)]
    public long LibCperFamilies()
    {
        long total = 0;
        for (int round = 0; round < FamilyRounds; round++)
            foreach (var record in _families)
            {
                _out.Clear();
                LibCperJsonWriter.Write(record, _out);
                total += _out.WrittenCount;
            }
        return total;
    }

    /// <summary>libcper's dialect for one NVIDIA event record (gpu_uce_ecc; a tree until it was streamed).</summary>
    [Benchmark(OperationsPerInvoke = FamilyRounds)]
    public long LibCperNvidiaEvent()
    {
        long total = 0;
        for (int round = 0; round < FamilyRounds; round++)
        {
            _out.Clear();
            LibCperJsonWriter.Write(_nvidiaEvent, _out);
            total += _out.WrittenCount;
        }
        return total;
    }

    /// <summary>libcper's dialect as a JSON tree (<c>ToJsonNode</c>: the streamed bytes parsed), then a string.</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public long LibCperTree()
    {
        long total = 0;
        foreach (var (start, length) in _records) total += LibCperJsonWriter.ToJsonNode(_dump.AsSpan(start, length)).ToJsonString(s_treeOptions).Length;
        return total;
    }
}
