namespace ApeiKit.Benchmarks;

/// <summary>Loads fixtures for benchmarks (the repository's fixtures folder, found from the working directory up).</summary>
internal static class BenchmarkData
{
    public static byte[] Fixture(string relative)
    {
        var dir = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ApeiKit.sln"))) dir = dir.Parent;
        if (dir is null)
        {
            // BenchmarkDotNet runs the benchmark in a child process from bin/; try from the assembly location too.
            dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ApeiKit.sln"))) dir = dir.Parent;
        }
        if (dir is null) throw new DirectoryNotFoundException("Run the benchmarks from inside the repository.");
        var bytes = File.ReadAllBytes(Path.Combine(dir.FullName, "fixtures", relative));
        if (!relative.EndsWith(".cperhex", StringComparison.Ordinal)) return bytes;
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        return Convert.FromHexString(string.Concat(text.Where(char.IsAsciiHexDigit)));
    }
}
