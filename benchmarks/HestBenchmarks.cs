using ApeiKit.Hest;
using BenchmarkDotNet.Attributes;

namespace ApeiKit.Benchmarks;

/// <summary>HEST: walking the views (no allocation), decoding to models, validating.</summary>
[MemoryDiagnoser]
public class HestBenchmarks
{
    private readonly byte[] _server = HestPresets.X86Server().Build(0x7F00_0000).TableBytes;

    [Benchmark(Baseline = true)]
    public int WalkViews()
    {
        int banks = 0;
        foreach (var s in HestTable.Read(_server)) banks += s.BankCount;
        return banks;
    }

    [Benchmark]
    public int DecodeModel() => HestTableModel.Decode(_server).Sources.Count;

    [Benchmark]
    public int Validate() => HestValidator.Validate(_server).Count;
}
