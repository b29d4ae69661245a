using System.Diagnostics;
using System.Text;

namespace ApeiKit.Tests.Net8;

/// <summary>
/// The libraries ship net8.0 and net10.0 builds (issue #17). The test process runs the net10.0 build; this test
/// publishes <c>Apei.Tests/Net8/Net8Parity.csproj</c> (net8.0, self-contained: the .NET 8 runtime pack comes from NuGet,
/// no .NET 8 runtime is installed) and holds its renderings of every CPER, HEST, ERST/EINJ and ERST store fixture
/// against the same renderings done here, byte for byte, so a difference between the two builds (an API that behaves
/// differently on .NET 8, a polyfill that formats differently) fails the suite.
/// </summary>
public sealed class Net8ParityTests
{
    static IEnumerable<string> Inputs()
    {
        var head = new byte[4];
        foreach (var rel in Fixtures.Files(".", "*"))
        {
            if (rel.EndsWith(".cperhex", StringComparison.Ordinal)) { yield return rel; continue; }
            var path = Fixtures.Path(rel);
            if (new FileInfo(path).Length > 4 << 20) continue;
            using (var f = File.OpenRead(path))
                if (f.Read(head) < 4) continue;
            if (head.AsSpan().SequenceEqual("CPER"u8) || head.AsSpan().SequenceEqual("HEST"u8) || head.AsSpan().SequenceEqual("ERST"u8) || head.AsSpan().SequenceEqual("EINJ"u8))
                yield return rel;
        }
    }

    [Fact]
    public async Task Net8BuildRendersEveryFixtureAsTheNet10BuildDoes()
    {
        var inputs = Inputs().ToList();
        Assert.True(inputs.Count >= 50, $"expected the fixtures' CPER, HEST, ERST and store files, found {inputs.Count}");

        string root = Path.GetDirectoryName(Fixtures.Root)!;
        string outDir = Directory.CreateTempSubdirectory("apeikit-net8-").FullName;
        try
        {
            var (code, output) = await RunAsync("dotnet", root, null, "publish", Path.Combine(root, "Apei.Tests", "Net8", "Net8Parity.csproj"),
                "-c", "Release", "-o", outDir, "-nologo", "-p:TreatWarningsAsErrors=true");
            Assert.True(code == 0, "dotnet publish of the net8.0 parity program failed:\n" + output);

            var args = inputs.SelectMany(rel => new[] { Fixtures.Path(rel), rel }).ToArray();
            var (runCode, net8) = await RunAsync(Path.Combine(outDir, "Net8Parity"), root, Encoding.UTF8, args);
            Assert.True(runCode == 0, "the net8.0 parity program failed:\n" + net8);
            Assert.EndsWith("runtime 8\n", net8, StringComparison.Ordinal);

            var net10 = new StringBuilder();
            foreach (var rel in inputs) net10.Append(ParityRendering.RenderFile(Fixtures.Path(rel), rel));
            net10.Append("runtime 8\n"); // the program's last line says which runtime ran it

            string expected = net10.ToString();
            if (expected != net8) Assert.Fail(FirstDifference(expected, net8));
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    static string FirstDifference(string net10, string net8)
    {
        var a = net10.Split('\n');
        var b = net8.Split('\n');
        string file = "";
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            string x = i < a.Length ? a[i] : "<end>", y = i < b.Length ? b[i] : "<end>";
            if (x.StartsWith("=== ", StringComparison.Ordinal)) file = x[4..];
            if (x == y) continue;
            int c = 0;
            while (c < x.Length && c < y.Length && x[c] == y[c]) c++;
            int from = Math.Max(0, c - 60);
            return $"net8.0 and net10.0 renderings differ in {file}, line {i + 1}, column {c + 1}:\n net10.0: ...{Cut(x, from)}\n net8.0:  ...{Cut(y, from)}";
        }
        return "renderings differ";
    }

    static string Cut(string line, int from) => from >= line.Length ? "" : line.Substring(from, Math.Min(160, line.Length - from));

    static async Task<(int Code, string Output)> RunAsync(string file, string dir, Encoding? encoding, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        if (encoding is not null) psi.StandardOutputEncoding = encoding;
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = await p.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            return (-1, "timed out\n" + stdout);
        }
        string err = await stderr;
        return (p.ExitCode, encoding is null ? stdout + err : stdout + (p.ExitCode != 0 ? err : ""));
    }
}
