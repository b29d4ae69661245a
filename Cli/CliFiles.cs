namespace ApeiKit.Cli;

/// <summary>Reading inputs and writing outputs for the commands: a file that cannot be read or written is a usage error naming it.</summary>
internal static class CliFiles
{
    /// <summary>The bytes of <paramref name="file"/>, or of standard input when it is <c>-</c>.</summary>
    /// <exception cref="CliUsageException">The file cannot be read.</exception>
    public static byte[] Read(CliContext context, string file)
        => Guard(file, "read", () =>
        {
            if (file != "-") return File.ReadAllBytes(file);
            using var ms = new MemoryStream();
            context.OpenStdin().CopyTo(ms);
            return ms.ToArray();
        });

    /// <summary>The bytes of <paramref name="path"/> (no standard input).</summary>
    /// <exception cref="CliUsageException">The file cannot be read.</exception>
    public static byte[] Read(string path) => Guard(path, "read", () => File.ReadAllBytes(path));

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>.</summary>
    /// <exception cref="CliUsageException">The file cannot be written.</exception>
    public static void Write(string path, byte[] bytes) => Guard(path, "write", () =>
    {
        File.WriteAllBytes(path, bytes);
        return true;
    });

    /// <summary>Why an I/O operation failed, in a user's words (no .NET type names).</summary>
    public static string Reason(Exception e) => e switch
    {
        FileNotFoundException => "no such file",
        DirectoryNotFoundException => "no such file or directory",
        UnauthorizedAccessException => "permission denied",
        _ => e.Message,
    };

    private static T Guard<T>(string path, string verb, Func<T> io)
    {
        try
        {
            return io();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{path}: cannot {verb}: {e.Message}");
        }
    }
}
