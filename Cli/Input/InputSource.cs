using ApeiKit.Cper.Streaming;
using ApeiKit.Ghes;
using ApeiKit.Ghes.Streaming;
using ApeiKit.Text;
using ApeiKit.Cper;
using ApeiKit.Cper.Input;

namespace ApeiKit.Cli;

/// <summary>What the wrapper forms need beyond the bytes: a lone section's type and severity (<c>--section-type</c>, <c>--severity</c>).</summary>
/// <param name="SectionType">The type of a section given alone; implies <see cref="InputEncoding.Section"/>.</param>
/// <param name="Severity">Severity for a synthesised header (0-3), or null.</param>
internal sealed record WrapOptions(Guid? SectionType, uint? Severity);

/// <summary>What an input holds, once its first bytes have been looked at.</summary>
internal enum InputForm
{
    /// <summary>A sequence of CPER records (and anything that is not recognised: it is framed as skipped bytes).</summary>
    CperRecords,
    /// <summary>A sequence of Generic Error Status Blocks.</summary>
    ErrorStatusBlocks,
    /// <summary>An ACPI table (HEST, BERT with its region) or acpidump text: small, loaded whole (up to <see cref="InputSource.MaxLoadedSize"/>).</summary>
    Table,
}

/// <summary>
/// One input of a command, opened once (a file, standard input, a FIFO, /dev/stdin, a process substitution: the
/// descriptor is read from start to end, never reopened, never asked for its length unless it can seek), its text
/// encoding (hex, base64) decoded as it is read, and its form decided from its first bytes. Every command that reads
/// records (decode, stats, convert) opens its inputs here and frames them with <see cref="CperStreamReader"/>, so the
/// same bytes give the same items whatever their encoding and whatever the command.
/// </summary>
internal sealed class InputSource : IDisposable
{
    /// <summary>Largest table or acpidump input loaded whole (tables are a few KiB; a region a few MiB).</summary>
    public const long MaxLoadedSize = 256L << 20;

    private readonly Stream _raw;
    private readonly PeekStream _decoded;
    private readonly TextDecodingStream? _text;
    private readonly string _shown; // Name in messages, control characters escaped (CliText.Clean), computed once

    private InputSource(string name, string shown, Stream raw, PeekStream decoded, TextDecodingStream? text, InputEncoding encoding, InputForm form, long? size)
    {
        Name = name;
        _shown = shown;
        _raw = raw;
        _decoded = decoded;
        _text = text;
        Encoding = encoding;
        Form = form;
        Size = size;
    }

    /// <summary>Display name (the path, or &lt;stdin&gt;).</summary>
    public string Name { get; }
    /// <summary>The encoding used.</summary>
    public InputEncoding Encoding { get; }
    /// <summary>What the input holds.</summary>
    public InputForm Form { get; }
    /// <summary>Size of the file when it can seek (for progress), else null.</summary>
    public long? Size { get; }
    /// <summary>The decoded bytes, from the first.</summary>
    public Stream Stream => _decoded;
    /// <summary>Why the text stopped being valid hex or base64 (the bytes before it were decoded), or null.</summary>
    public string? TextError => _text?.Error;
    /// <summary>For <see cref="InputForm.Table"/> from acpidump text: the text itself.</summary>
    public bool IsAcpiDumpText { get; private init; }
    /// <summary>For wrapped records (Redfish LogEntry, PLDM, WHEA event XML, a lone section): where each record came from; else null.</summary>
    public IReadOnlyList<CperRecordOrigin>? Origins { get; private init; }
    /// <summary>Entries of the wrapper that gave no record (each names its entry): errors.</summary>
    public IReadOnlyList<string> WrapperErrors { get; private init; } = [];
    /// <summary>What the wrapper says that is not an error (entries without CPER skipped, a next page not fetched).</summary>
    public IReadOnlyList<string> WrapperNotices { get; private init; } = [];
    /// <summary>Every error of the input's encoding or wrapper: the text error, then the wrapper's entries.</summary>
    public IEnumerable<string> Errors => TextError is { } t ? WrapperErrors.Prepend(t) : WrapperErrors;

    /// <summary>The origin of the record at <paramref name="offset"/> of the decoded bytes, or null when the input is not wrapped.</summary>
    public CperRecordOrigin? OriginAt(long offset) => Origins is null ? null : CperUnwrappedInput.Find(Origins, offset);

    /// <summary>The framing for <see cref="InputForm.CperRecords"/> and <see cref="InputForm.ErrorStatusBlocks"/>.</summary>
    public RecordFraming Framing => Form == InputForm.ErrorStatusBlocks ? ErrorStatusBlockFraming.Instance : CperRecordFraming.Instance;

    /// <summary>A reader over the decoded bytes with this input's framing and the record size limit.</summary>
    public CperStreamReader OpenReader(long maxRecordSize)
        => CperStreamReader.Create(Stream, Framing, new CperStreamReaderOptions { MaxRecordSize = maxRecordSize });

    /// <summary>Reads the whole (decoded) input, for <see cref="InputForm.Table"/>: at most <see cref="MaxLoadedSize"/> bytes.</summary>
    /// <exception cref="CliUsageException">Larger than that, or unreadable.</exception>
    public byte[] ReadAll()
    {
        try
        {
            return ReadAllBounded(_shown, _decoded, "a table or acpidump input", " (tables are a few KiB)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{_shown}: cannot read: {CliFiles.Reason(e)}");
        }
    }

    /// <summary>Opens <paramref name="file"/> ('-': standard input) and decides its encoding and form.</summary>
    /// <param name="context">The command's streams.</param>
    /// <param name="file">The path.</param>
    /// <param name="encoding">Requested encoding (Auto guesses from the first bytes).</param>
    /// <param name="gesb">Read as error status blocks whatever the bytes.</param>
    /// <exception cref="CliUsageException">The file cannot be opened or read.</exception>
    public static InputSource Open(CliContext context, string file, InputEncoding encoding, bool gesb = false, WrapOptions? wrap = null)
    {
        string name = file == "-" ? "<stdin>" : file;
        Stream raw;
        long? size = null;
        try
        {
            if (file == "-") raw = context.OpenStdin();
            else
            {
                if (Directory.Exists(file)) throw new CliUsageException($"{file}: is a directory, not a file.");
                var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
                if (fs.CanSeek) size = fs.Length;
                raw = fs;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{CliText.Name(file)}: cannot read: {CliFiles.Reason(e, file)}");
        }
        return Open(name, raw, size, encoding, gesb, wrap);
    }

    /// <summary>Reads <paramref name="raw"/> (already open; disposed with the source) as <see cref="Open(CliContext, string, InputEncoding, bool)"/> reads a file.</summary>
    public static InputSource Open(string name, Stream raw, long? size, InputEncoding encoding, bool gesb = false, WrapOptions? wrap = null)
    {
        ArgumentNullException.ThrowIfNull(raw);
        string shown = CliText.Clean(name); // the name in messages, control characters escaped
        try
        {
            // A regular file never leaves a read waiting for data: read it synchronously on the reading thread, so a read
            // is one system call and not a hop to a thread-pool worker (FileStream's asynchronous reads of a file opened for
            // synchronous I/O run on the pool). Pipes, terminals and sockets stay asynchronous, so a slow one can be waited on.
            var peekRaw = new PeekStream(raw) { Synchronous = raw is FileStream { CanSeek: true } };
            wrap ??= new WrapOptions(null, null);
            var recognizer = new ApeiInputRecognizer(new ApeiInputOptions
            {
                Format = ToFormat(encoding), ErrorStatusBlocks = gesb, SectionType = wrap.SectionType, Severity = wrap.Severity, Name = name,
                SectionTypeSource = "--section-type", SeveritySource = "--severity",
            });
            // Binary CPER is decided from four bytes, so a slow pipe's first record is not held back waiting for more.
            var head = peekRaw.Peek(4);
            if (encoding == InputEncoding.Auto && !head.StartsWith(CperRecordHeader.Signature)) head = peekRaw.Peek(ApeiInputRecognizer.FormatHeadLength);
            // rasdaemon's SQLite database stays in the exe (the libraries take no SQLite package); its magic is no other form's start.
            bool rasdaemon = encoding == InputEncoding.Rasdaemon
                || (encoding == InputEncoding.Auto && !gesb && wrap.SectionType is null && head.StartsWith(RasdaemonDatabase.Magic));
            var format = rasdaemon ? ApeiInputFormat.Binary : recognizer.RecognizeFormat(head);
            if (rasdaemon || ApeiInputRecognizer.IsWrapper(format))
            {
                var used = rasdaemon ? InputEncoding.Rasdaemon : FromFormat(format);
                if (gesb) throw new CliUsageException($"{shown}: --input gesb and {used} exclude each other.");
                if (format == ApeiInputFormat.Section && wrap.SectionType is null) throw new CliUsageException($"{shown}: --input section needs --section-type GUID (the section's type).");
                return Unwrapped(name, shown, raw, peekRaw, used, format, recognizer);
            }
            if (format == ApeiInputFormat.AcpiDumpText)
                return new InputSource(name, shown, raw, peekRaw, null, InputEncoding.Binary, InputForm.Table, size) { IsAcpiDumpText = true };
            TextDecodingStream? text = format switch
            {
                ApeiInputFormat.Hex => new HexTextStream(peekRaw, leaveOpen: true),
                ApeiInputFormat.Base64 => new Base64TextStream(peekRaw, leaveOpen: true),
                ApeiInputFormat.HexDump => new HexDumpTextStream(peekRaw, leaveOpen: true),
                _ => null,
            };
            var decoded = text is null ? peekRaw : new PeekStream(text);
            var content = recognizer.RecognizeContent(text is null && head.StartsWith(CperRecordHeader.Signature) ? head : decoded.Peek(ApeiInputRecognizer.ContentHeadLength));
            var form = content switch
            {
                ApeiInputContent.ErrorStatusBlocks => InputForm.ErrorStatusBlocks,
                ApeiInputContent.Table => InputForm.Table,
                _ => InputForm.CperRecords,
            };
            return new InputSource(name, shown, raw, decoded, text, FromFormat(format), form, size);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            raw.Dispose();
            throw new CliUsageException($"{shown}: cannot read: {CliFiles.Reason(e)}");
        }
        catch (CliUsageException)
        {
            raw.Dispose();
            throw;
        }
    }

    /// <summary>The library's format for an <c>--input</c> value (null: recognised; rasdaemon is the exe's own).</summary>
    private static ApeiInputFormat? ToFormat(InputEncoding encoding) => encoding switch
    {
        InputEncoding.Binary => ApeiInputFormat.Binary,
        InputEncoding.Hex => ApeiInputFormat.Hex,
        InputEncoding.Base64 => ApeiInputFormat.Base64,
        InputEncoding.HexDump => ApeiInputFormat.HexDump,
        InputEncoding.Redfish => ApeiInputFormat.Redfish,
        InputEncoding.Pldm => ApeiInputFormat.Pldm,
        InputEncoding.WheaXml => ApeiInputFormat.WheaXml,
        InputEncoding.Section => ApeiInputFormat.Section,
        InputEncoding.Dmesg => ApeiInputFormat.Dmesg,
        _ => null,
    };

    /// <summary>The <see cref="InputEncoding"/> reported for a recognised format (acpidump text is read as it is: binary).</summary>
    private static InputEncoding FromFormat(ApeiInputFormat format) => format switch
    {
        ApeiInputFormat.Hex => InputEncoding.Hex,
        ApeiInputFormat.Base64 => InputEncoding.Base64,
        ApeiInputFormat.HexDump => InputEncoding.HexDump,
        ApeiInputFormat.Redfish => InputEncoding.Redfish,
        ApeiInputFormat.Pldm => InputEncoding.Pldm,
        ApeiInputFormat.WheaXml => InputEncoding.WheaXml,
        ApeiInputFormat.Section => InputEncoding.Section,
        ApeiInputFormat.Dmesg => InputEncoding.Dmesg,
        _ => InputEncoding.Binary,
    };

    /// <summary>
    /// Reads a wrapped input whole (wrappers are JSON or XML documents and small files, at most <see cref="MaxLoadedSize"/>),
    /// unwraps its records (<see cref="ApeiInputRecognizer.Unwrap"/>, rasdaemon here) and frames their bytes like any other input.
    /// </summary>
    private static InputSource Unwrapped(string name, string shown, Stream raw, PeekStream peekRaw, InputEncoding encoding, ApeiInputFormat format, ApeiInputRecognizer recognizer)
    {
        byte[] bytes = ReadAllBounded(shown, peekRaw, "a wrapped input (JSON, XML, PLDM, a section)");
        CperUnwrappedInput unwrapped;
        try
        {
            unwrapped = encoding == InputEncoding.Rasdaemon ? RasdaemonDatabase.Unwrap(name, bytes) : recognizer.Unwrap(bytes, format);
        }
        catch (FormatException e)
        {
            throw new CliUsageException($"{shown}: {e.Message}");
        }
        var decoded = new PeekStream(new MemoryStream(unwrapped.ToArray(), writable: false));
        return new InputSource(name, shown, raw, decoded, null, encoding, InputForm.CperRecords, bytes.Length)
        {
            Origins = unwrapped.Origins,
            WrapperErrors = unwrapped.Errors,
            WrapperNotices = unwrapped.Notices,
        };
    }

    /// <summary>Reads <paramref name="stream"/> to its end, refusing more than <see cref="MaxLoadedSize"/> bytes (<paramref name="what"/> names the input in the refusal, <paramref name="why"/> follows it).</summary>
    private static byte[] ReadAllBounded(string shown, Stream stream, string what, string why = "")
    {
        using var ms = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            if (ms.Length + n > MaxLoadedSize)
                throw new CliUsageException($"{shown}: {what} of more than {MaxLoadedSize >> 20} MiB is refused{why}.");
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _text?.Dispose();
        _raw.Dispose();
    }

    /// <summary>A stream whose first bytes can be looked at before they are read (no seeking, no reopening).</summary>
    private sealed class PeekStream(Stream inner) : ReadOnlyStream
    {
        private byte[] _head = [];
        private int _headStart, _headEnd;

        /// <summary>True when the inner stream ended while peeking.</summary>
        public bool Ended { get; private set; }

        /// <summary>Up to <paramref name="count"/> first bytes (fewer only at the end of the stream). Reads the inner stream until it has them: it never waits for more than it needs.</summary>
        public ReadOnlySpan<byte> Peek(int count)
        {
            if (_head.Length < count) Array.Resize(ref _head, count);
            while (_headEnd - _headStart < count && !Ended)
            {
                int r = inner.Read(_head, _headEnd, count - (_headEnd - _headStart));
                if (r == 0) Ended = true;
                _headEnd += r;
            }
            return _head.AsSpan(_headStart, Math.Min(count, _headEnd - _headStart));
        }

        public override int Read(Span<byte> buffer)
        {
            if (_headStart < _headEnd)
            {
                int n = Math.Min(buffer.Length, _headEnd - _headStart);
                _head.AsSpan(_headStart, n).CopyTo(buffer);
                _headStart += n;
                return n;
            }
            return inner.Read(buffer);
        }

        /// <summary>Reads of the inner stream are made synchronously even when asked for asynchronously (a regular file).</summary>
        public bool Synchronous { get; init; }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_headStart < _headEnd || Synchronous)
            {
                cancellationToken.ThrowIfCancellationRequested();
                return new(Read(buffer.Span));
            }
            return inner.ReadAsync(buffer, cancellationToken);
        }

    }
}
