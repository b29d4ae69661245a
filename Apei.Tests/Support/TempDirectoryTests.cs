namespace ApeiKit.Tests;

/// <summary>
/// Base of a test class whose tests write files: xUnit makes an instance per test, so each test gets a fresh directory
/// under the temporary directory, deleted with everything in it when the test ends. The one place such folders are made
/// and cleaned up (single files: <see cref="TempFile"/>).
/// </summary>
public abstract class TempDirectoryTests(string prefix) : IDisposable
{
    /// <summary>The test's directory (full path).</summary>
    protected string Dir { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The full path of <paramref name="name"/> in <see cref="Dir"/> (not created).</summary>
    protected string PathOf(string name) => Path.Combine(Dir, name);

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="name"/> in <see cref="Dir"/>; its full path.</summary>
    protected string Write(string name, byte[] bytes)
    {
        string path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Deletes the directory; a file some process still holds only leaves it behind (what a test checks is not its cleanup).</summary>
    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}
