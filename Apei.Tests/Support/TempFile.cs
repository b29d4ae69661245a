namespace ApeiKit.Tests;

/// <summary>
/// A uniquely named file in the temporary directory for a test's input or output, deleted when disposed
/// (<c>using var temp = TempFile.Of(bytes);</c>): the one place the tests write, name and clean up such files.
/// </summary>
internal sealed class TempFile : IDisposable
{
    private TempFile(string extension) => Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"apeikit-{Guid.NewGuid():N}{extension}");

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>A file holding <paramref name="bytes"/>.</summary>
    public static TempFile Of(ReadOnlySpan<byte> bytes, string extension = ".bin")
    {
        var file = new TempFile(extension);
        File.WriteAllBytes(file.Path, bytes.ToArray());
        return file;
    }

    /// <summary>A file holding <paramref name="text"/> (UTF-8).</summary>
    public static TempFile Of(string text, string extension = ".txt")
    {
        var file = new TempFile(extension);
        File.WriteAllText(file.Path, text);
        return file;
    }

    /// <summary>A path not created yet (an output the test expects a command to write).</summary>
    public static TempFile Named(string extension = ".bin") => new(extension);

    /// <inheritdoc/>
    public void Dispose() => File.Delete(Path);
}
