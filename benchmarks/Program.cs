using BenchmarkDotNet.Running;

namespace ApeiKit.Benchmarks;

internal static class Program
{
    // dotnet run -c Release --project benchmarks -- --filter '*'
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
