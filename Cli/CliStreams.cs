using System.Text;

namespace ApeiKit.Cli;

/// <summary>Standard output could not be written (full disk, closed pipe, I/O error): reported once, at the top (<see cref="CliApp.Run"/>).</summary>
internal sealed class OutputFailedException(IOException inner) : Exception(inner.Message, inner)
{
    /// <summary>EPIPE: the reader of a pipe went away (<c>apeikit ... | head</c>): a quiet exit, as Unix tools do.</summary>
    public bool IsBrokenPipe => !OperatingSystem.IsWindows() && InnerException is IOException { HResult: 32 };
}

/// <summary>
/// Standard output as the commands see it: a write that fails throws <see cref="OutputFailedException"/> (so the top
/// can tell it from a file that cannot be read), and once one has failed the rest are dropped (a final flush does
/// not fail a second time).
/// </summary>
internal sealed class OutputWriter(TextWriter inner) : TextWriter(inner.FormatProvider)
{
    private bool _failed;

    /// <summary>The writer this one guards (to tell the console's from a test's).</summary>
    public TextWriter Inner => inner;

    public override Encoding Encoding => inner.Encoding;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine { get => inner.NewLine; set => inner.NewLine = value; }

    private void Do(Action<TextWriter> write)
    {
        if (_failed) return;
        try
        {
            write(inner);
        }
        catch (IOException e)
        {
            _failed = true;
            throw new OutputFailedException(e);
        }
    }

    public override void Write(char value) => Do(w => w.Write(value));
    public override void Write(string? value) => Do(w => w.Write(value));
    public override void Write(char[] buffer, int index, int count) => Do(w => w.Write(buffer, index, count));
    public override void Write(ReadOnlySpan<char> buffer)
    {
        string s = buffer.ToString();
        Do(w => w.Write(s));
    }
    public override void WriteLine() => Do(w => w.WriteLine());
    public override void WriteLine(string? value) => Do(w => w.WriteLine(value));
    public override void Flush() => Do(w => w.Flush());
}

/// <summary>
/// Standard error as the commands see it: every line is one diagnostic, so control characters in it (a file name's
/// newline or escape) are written as escapes (<see cref="CliText.Clean"/>); a progress line on the terminal is
/// cleared before a diagnostic is written (<see cref="BeforeLine"/>); a standard error that cannot be written is
/// ignored (there is nowhere left to report it).
/// </summary>
internal sealed class DiagnosticWriter(TextWriter inner) : TextWriter(inner.FormatProvider)
{
    private string? _pending; // text written without a line end yet

    /// <summary>The writer this one guards: raw output (a progress line's <c>\r</c> and escapes) goes straight to it.</summary>
    public TextWriter Raw => inner;

    /// <summary>Called before each diagnostic line (the progress line sets it to clear itself).</summary>
    public Action? BeforeLine { get; set; }

    public override Encoding Encoding => inner.Encoding;

    private void Emit(string line)
    {
        try
        {
            lock (inner)
            {
                BeforeLine?.Invoke();
                inner.WriteLine(CliText.Clean(line));
            }
        }
        catch (IOException)
        {
            // standard error is gone: nothing to report it on
        }
    }

    public override void Write(char value) => Write(value.ToString());

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        string text = (_pending ?? "") + value;
        int nl;
        while ((nl = text.IndexOf('\n', StringComparison.Ordinal)) >= 0)
        {
            Emit(text[..nl].TrimEnd('\r'));
            text = text[(nl + 1)..];
        }
        _pending = text.Length == 0 ? null : text;
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value)
    {
        string line = (_pending ?? "") + value;
        _pending = null;
        Emit(line);
    }

    public override void WriteLine() => WriteLine("");

    public override void Flush()
    {
        try
        {
            if (_pending is { } p)
            {
                _pending = null;
                Emit(p);
            }
            inner.Flush();
        }
        catch (IOException)
        {
            // as in Emit
        }
    }
}

/// <summary>A stream on standard output for binary data (<c>-o -</c>): a failed write is an <see cref="OutputFailedException"/>; it never closes standard output.</summary>
internal sealed class StdoutStream(Stream inner) : ApeiKit.Text.WriteOnlyStream
{

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            inner.Write(buffer);
        }
        catch (IOException e)
        {
            throw new OutputFailedException(e);
        }
    }

    public override void Flush()
    {
        try
        {
            inner.Flush();
        }
        catch (IOException e)
        {
            throw new OutputFailedException(e);
        }
    }
}

/// <summary>Binary data written to a text writer (in-process callers that gave no byte stream for standard output): as UTF-8.</summary>
internal sealed class TextWriterStream(TextWriter writer) : ApeiKit.Text.WriteOnlyStream
{
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    public override void Flush() => writer.Flush();

    public override void Write(byte[] buffer, int offset, int count)
    {
        var chars = new char[_decoder.GetCharCount(buffer, offset, count)];
        int n = _decoder.GetChars(buffer, offset, count, chars, 0);
        writer.Write(chars, 0, n);
    }
}

/// <summary>Counts the bytes written through it (a pipe or device has no length to ask).</summary>
internal sealed class CountingStream(Stream inner) : ApeiKit.Text.WriteOnlyStream
{
    public long Count { get; private set; }
    public override long Length => Count;
    public override long Position { get => Count; set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Count += buffer.Length;
    }
}
