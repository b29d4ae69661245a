namespace ApeiKit.Tests;

/// <summary>Locates the repository's <c>fixtures/</c> folder from the test binaries.</summary>
public static class Fixtures
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "ApeiKit.sln"))) dir = dir.Parent;
        return dir is null ? throw new DirectoryNotFoundException("ApeiKit.sln not found above " + AppContext.BaseDirectory) : System.IO.Path.Combine(dir.FullName, "fixtures");
    });

    /// <summary>Absolute path of the fixtures folder.</summary>
    public static string Root => s_root.Value;

    /// <summary>Absolute path of a fixture, e.g. <c>Path("cper/whea/TestErrorMemory1.bin")</c>.</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>Bytes of a fixture.</summary>
    public static byte[] Bytes(string relative) => File.ReadAllBytes(Path(relative));

    /// <summary>The binary a fixture holds: <c>.cperhex</c> files are ASCII hex (libcper's examples), everything else raw.</summary>
    public static byte[] Binary(string relative)
    {
        var bytes = Bytes(relative);
        if (!relative.EndsWith(".cperhex", StringComparison.Ordinal)) return bytes;
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        return Convert.FromHexString(string.Concat(text.Where(char.IsAsciiHexDigit)));
    }

    /// <summary>
    /// The bytes a hex-text fixture holds (<c>fixtures/libcper-walk/*.hex</c>, <c>fixtures/libcper-readback/*.hex</c>): pairs
    /// of hex digits, white space between them ignored; anything else is an error, not skipped.
    /// </summary>
    public static byte[] HexText(string relative)
        => Convert.FromHexString(string.Concat(File.ReadAllText(Path(relative)).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));

    /// <summary>Every CPER fixture (binary captures and libcper hex), relative paths.</summary>
    public static IEnumerable<string> CperRecords()
        => Files("cper", "*").Where(f => !f.EndsWith(".json", StringComparison.Ordinal) && !f.EndsWith(".md", StringComparison.Ordinal));

    /// <summary>Every CPER fixture as xUnit theory rows (<c>[MemberData(nameof(Fixtures.CperRecordCases), MemberType = typeof(Fixtures))]</c>).</summary>
    public static TheoryData<string> CperRecordCases() => new(CperRecords());

    /// <summary>The Windows WHEA captures (cper/whea and cper/whea-edk2 binaries), relative paths.</summary>
    public static IEnumerable<string> WheaRecords() => Files("cper/whea", "*.bin").Concat(Files("cper/whea-edk2", "*.bin"));

    /// <summary>The WHEA captures as xUnit theory rows (<c>[MemberData(nameof(Fixtures.WheaRecordCases), MemberType = typeof(Fixtures))]</c>).</summary>
    public static TheoryData<string> WheaRecordCases() => new(WheaRecords());

    /// <summary>Relative paths of all files under a fixture folder matching a pattern, sorted.</summary>
    public static IEnumerable<string> Files(string folder, string pattern)
        => Directory.EnumerateFiles(Path(folder), pattern, SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
}
