namespace ApeiKit.Cli;

/// <summary>
/// Reading inputs and writing outputs for the commands: a file that cannot be read or written is a usage error naming it.
/// <para>
/// Outputs are safe: <see cref="CheckOutputs"/> refuses, before anything is read, an output that is one of the inputs
/// (the same file, also through a symbolic or hard link: <see cref="FileIdentity"/>) or another output of the same
/// command; a regular file is written to a temporary file in its directory and renamed into place only when everything
/// succeeded (<see cref="Open"/>, <see cref="WriteAll"/>: several outputs are committed all or none), so a failure leaves
/// the previous file as it was and no partial or temporary file behind. <c>-</c> (and <c>/dev/stdout</c>) is standard
/// output; other targets that are not regular files (a FIFO, a device) are written in place, never truncated or renamed.
/// Directories are never created.
/// </para>
/// </summary>
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

    /// <summary>Whether <paramref name="path"/> names standard output (<c>-</c>, <c>/dev/stdout</c>, <c>/dev/fd/1</c>, <c>/proc/self/fd/1</c>).</summary>
    public static bool IsStdout(string path) => path is "-" or "/dev/stdout" or "/dev/fd/1" or "/proc/self/fd/1";

    /// <summary>
    /// Refuses (usage error, exit 2) an output that is also an input or another output, that is a directory, or whose
    /// directory does not exist. Call it before reading anything.
    /// </summary>
    /// <param name="inputs">Input paths (<c>-</c> and null are skipped).</param>
    /// <param name="outputs">Each output with the option that named it (null paths are skipped).</param>
    /// <exception cref="CliUsageException">An output is refused.</exception>
    public static void CheckOutputs(IEnumerable<string?> inputs, params (string Option, string? Path)[] outputs)
    {
        var inputIds = new List<(string Name, FileIdentity.Id Id)>();
        foreach (var input in inputs)
        {
            if (input is null or "-") continue;
            if (FileIdentity.Of(input) is { } id) inputIds.Add((input, id));
        }
        var seen = new List<(string Option, string Path, object Key)>();
        foreach (var (option, path) in outputs)
        {
            if (path is null) continue;
            object key;
            if (IsStdout(path))
            {
                key = "stdout";
            }
            else
            {
                var kind = FileIdentity.KindOf(path);
                if (kind == FileIdentity.Kind.Directory) throw new CliUsageException($"{option} {CliText.Name(path)}: is a directory (give a file name).");
                string dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
                if (kind == FileIdentity.Kind.Missing && !Directory.Exists(dir))
                    throw new CliUsageException($"{option} {CliText.Name(path)}: cannot write: directory {CliText.Name(dir)} does not exist (it is not created).");
                if (FileIdentity.Of(path) is { } id)
                {
                    foreach (var (name, inputId) in inputIds)
                        if (inputId == id)
                            throw new CliUsageException(name == path
                                ? $"{option} {CliText.Name(path)}: is also an input; refusing to overwrite it (write elsewhere, then rename)."
                                : $"{option} {CliText.Name(path)}: is the input {CliText.Name(name)} (the same file through a link); refusing to overwrite it.");
                    key = id;
                }
                else
                {
                    // Not there yet: the same name in the same directory (the directory by identity, so through links too).
                    key = (FileIdentity.Of(dir) ?? new FileIdentity.Id(0, 0, dir), Path.GetFileName(path));
                }
            }
            foreach (var s in seen)
                if (s.Key.Equals(key))
                    throw new CliUsageException(key is string
                        ? $"{s.Option} and {option} both write to standard output; give one of them a file."
                        : $"{option} {CliText.Name(path)}: is also the output of {s.Option} ({CliText.Name(s.Path)}); give them different files.");
            seen.Add((option, path, key));
        }
    }

    /// <summary>Writes every output (see the class summary): all are committed or none.</summary>
    /// <exception cref="CliUsageException">An output cannot be written; none was changed.</exception>
    public static void WriteAll(CliContext context, params (string Path, byte[] Bytes)[] outputs)
    {
        var pending = new List<PendingOutput>();
        try
        {
            // Files first, standard output and devices last: they cannot be taken back.
            foreach (var (path, bytes) in outputs.OrderBy(o => IsStdout(o.Path) || FileIdentity.KindOf(o.Path) == FileIdentity.Kind.Other))
            {
                var o = Open(context, path);
                pending.Add(o);
                o.Write(bytes);
            }
            foreach (var o in pending) o.Commit();
        }
        finally
        {
            foreach (var o in pending) o.Dispose();
        }
    }

    /// <summary>Opens <paramref name="path"/> for writing; nothing is in place until <see cref="PendingOutput.Commit"/>.</summary>
    /// <exception cref="CliUsageException">The file cannot be created.</exception>
    public static PendingOutput Open(CliContext context, string path)
    {
        if (IsStdout(path)) return new PendingOutput(path, new StdoutStream(context.OpenStdout()), null, null);
        return Guard(path, "write", () =>
        {
            var kind = FileIdentity.KindOf(path);
            if (kind == FileIdentity.Kind.Directory) throw new CliUsageException($"{CliText.Name(path)}: cannot write: is a directory.");
            if (kind == FileIdentity.Kind.Other) // a FIFO, a terminal, /dev/null: written in place, never truncated or replaced
                return new PendingOutput(path, new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1 << 16), null, null);
            string target = FileIdentity.Resolve(path); // through a symbolic link: the link stays, its target is replaced
            string dir = Path.GetDirectoryName(target) ?? ".";
            string temp = Path.Combine(dir, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.apeikit-tmp");
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            try
            {
                if (!OperatingSystem.IsWindows() && kind == FileIdentity.Kind.Regular) File.SetUnixFileMode(temp, File.GetUnixFileMode(target));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the mode is kept when it can be; not being able to is no reason to fail
            }
            return new PendingOutput(path, stream, temp, target);
        });
    }

    /// <summary>An output being written: <see cref="Commit"/> puts it in place, <see cref="Dispose"/> without it removes every trace.</summary>
    internal sealed class PendingOutput : IDisposable
    {
        private readonly string _path;
        private readonly string? _temp, _target;
        private bool _done;

        internal PendingOutput(string path, Stream stream, string? temp, string? target)
        {
            _path = path;
            Stream = stream;
            _temp = temp;
            _target = target;
        }

        /// <summary>Where to write (errors writing a file are usage errors naming it, on standard output <see cref="OutputFailedException"/>).</summary>
        public Stream Stream { get; }

        /// <summary>Writes <paramref name="bytes"/>.</summary>
        public void Write(byte[] bytes) => Guard(_path, "write", () =>
        {
            Stream.Write(bytes);
            return true;
        });

        /// <summary>Writes with <paramref name="write"/> to <see cref="Stream"/> (an I/O error is a usage error naming the output).</summary>
        public void Write(Action<Stream> write) => Guard(_path, "write", () =>
        {
            write(Stream);
            return true;
        });

        /// <summary>Flushes, and renames the temporary file into place.</summary>
        public void Commit() => Guard(_path, "write", () =>
        {
            Stream.Flush();
            if (_temp is not null)
            {
                Stream.Dispose();
                File.Move(_temp, _target!, overwrite: true);
            }
            _done = true;
            return true;
        });

        public void Dispose()
        {
            try
            {
                if (Stream is not StdoutStream) Stream.Dispose();
            }
            catch (IOException)
            {
                // the write already failed; the temporary file goes below
            }
            if (!_done && _temp is not null)
            {
                try
                {
                    File.Delete(_temp);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // nothing more can be done
                }
            }
        }
    }

    /// <summary>Why <paramref name="e"/> failed on <paramref name="path"/>, in plain words.</summary>
    public static string Reason(Exception e, string path) => e switch
    {
        UnauthorizedAccessException when path != "-" && Directory.Exists(path) => "is a directory",
        UnauthorizedAccessException => "permission denied",
        FileNotFoundException or DirectoryNotFoundException => "no such file or directory",
        _ => CliText.Message(e).Replace(" : '" + Path.GetFullPath(path == "-" ? "." : path) + "'", "", StringComparison.Ordinal),
    };

    /// <summary>Why an I/O operation on an already open input failed, in plain words.</summary>
    public static string Reason(Exception e) => Reason(e, "-");

    private static T Guard<T>(string path, string verb, Func<T> io)
    {
        try
        {
            return io();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{CliText.Name(path)}: cannot {verb}: {Reason(e, path)}");
        }
    }
}
