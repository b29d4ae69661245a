using ApeiKit.Cper.LibCper;
using BenchmarkDotNet.Attributes;

namespace ApeiKit.Benchmarks;

/// <summary>
/// libcper's JSON read back into record bytes (<see cref="LibCperJsonReader.ToBinary"/>, as <c>encode --json-style
/// libcper</c> does per record): the ARM RAS read-back (libcper's example and two walk pairs with auxiliary data), and ARM
/// and IA32/X64 through the same structure reader for comparison. Each operation is one record; a short job:
/// <c>dotnet run -c Release --project benchmarks -- --filter '*LibCperReadBackBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class LibCperReadBackBenchmarks
{
    /// <summary>Records read per invocation (BenchmarkDotNet divides by it).</summary>
    public const int Records = 1000;

    private string[] _armRas = [], _other = [];

    [GlobalSetup]
    public void Setup()
    {
        _armRas = [Json("cper/libcper/arm-ras"), Json("libcper-walk/arm-ras-mpam"), Json("libcper-walk/arm-ras-userdata-full")];
        _other = [Json("cper/libcper/arm"), Json("cper/libcper/ia32x64")];
    }

    /// <summary>The fixture's libcper JSON (fixtures/ found from the working directory or the assembly's, upwards).</summary>
    private static string Json(string name)
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "fixtures", name + ".json"))) return File.ReadAllText(Path.Combine(d.FullName, "fixtures", name + ".json"));
        throw new FileNotFoundException($"fixtures/{name}.json not found above {Environment.CurrentDirectory}");
    }

    /// <summary>ARM RAS: node, syndromes, auxiliary data (contexts, registers, key/value pairs).</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public long ArmRas() => Read(_armRas);

    /// <summary>ARM processor and IA32/X64 (the structure reader's first users).</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public long ArmAndIa32X64() => Read(_other);

    private static long Read(string[] json)
    {
        long total = 0;
        for (int i = 0; i < Records; i++) total += LibCperJsonReader.ToBinary(json[i % json.Length]).Length;
        return total;
    }
}
