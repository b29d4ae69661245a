using System.Buffers;
using System.IO.Pipelines;

namespace ApeiKit.Cper.Streaming;

/// <summary>What a <see cref="CperStreamItem"/> is.</summary>
public enum CperStreamItemKind
{
    /// <summary>A whole record (or, at the end of the stream, one cut short: <see cref="CperStreamItem.IsTruncated"/>).</summary>
    Record,
    /// <summary>A header declaring a length above the limit: reported, its bytes skipped without being buffered.</summary>
    Oversized,
    /// <summary>Bytes that are not a record (garbage, a corrupt header, padding), from where framing was lost to where it was found again.</summary>
    Skipped,
}

/// <summary>
/// One item of a record stream. <see cref="Data"/> points into the reader's buffers and is valid only until the next
/// call to <see cref="CperStreamReader.ReadAsync"/> (copy it to keep it).
/// </summary>
public readonly struct CperStreamItem
{
    internal CperStreamItem(CperStreamItemKind kind, long offset, long length, long declaredLength, ReadOnlySequence<byte> data, bool isAllZero, string? problem)
    {
        Kind = kind;
        Offset = offset;
        Length = length;
        DeclaredLength = declaredLength;
        Data = data;
        IsAllZero = isAllZero;
        Problem = problem;
    }

    /// <summary>What this is.</summary>
    public CperStreamItemKind Kind { get; }
    /// <summary>Absolute offset of the first byte in the stream.</summary>
    public long Offset { get; }
    /// <summary>Bytes of the stream this item covers (for a record cut short or an oversized record, the bytes present, not the declared length).</summary>
    public long Length { get; }
    /// <summary>The length the header declares (records and oversized records; 0 for skipped bytes).</summary>
    public long DeclaredLength { get; }
    /// <summary>
    /// The bytes: the record, or the skipped bytes when there were at most
    /// <see cref="CperStreamReaderOptions.MaxSkippedBytesKept"/> of them (empty otherwise, and for oversized records).
    /// </summary>
    public ReadOnlySequence<byte> Data { get; }
    /// <summary>
    /// The item's bytes as one span: <see cref="Data"/> itself when it lies in one buffer segment (no copy, the common
    /// case), else copied into <paramref name="scratch"/> (grown as needed and kept by the caller for the next item).
    /// Valid until the reader moves on (or <paramref name="scratch"/> is reused).
    /// </summary>
    public ReadOnlySpan<byte> GetSpan(ref byte[]? scratch)
    {
        if (Data.IsSingleSegment) return Data.FirstSpan;
        int n = checked((int)Data.Length);
        if (scratch is null || scratch.Length < n) scratch = new byte[Math.Max(n, (scratch?.Length ?? 0) * 2)];
        Data.CopyTo(scratch);
        return scratch.AsSpan(0, n);
    }

    /// <summary>A record cut short by the end of the stream (fewer bytes than it declares).</summary>
    public bool IsTruncated => Kind == CperStreamItemKind.Record && Data.Length < DeclaredLength;
    /// <summary>Skipped bytes that are all zero (padding after the last record of a dump).</summary>
    public bool IsAllZero { get; }
    /// <summary>
    /// Skipped bytes: why framing was lost, when a header was there but could not be believed (null for plain
    /// unrecognised bytes). Records: why one is cut short (the end of the input, or the offset where the next record
    /// starts inside its declared length). Oversized records: the declared length and the limit.
    /// </summary>
    public string? Problem { get; }
}

/// <summary>Limits of a <see cref="CperStreamReader"/>.</summary>
public sealed class CperStreamReaderOptions
{
    /// <summary>The record size limit: largest record that is buffered (default <see cref="DecoderLimits.DefaultMaxRecordSize"/>, 1 MiB). A header declaring more is reported as <see cref="CperStreamItemKind.Oversized"/> and its bytes skipped as they arrive.</summary>
    public long MaxRecordSize { get; set; } = DecoderLimits.DefaultMaxRecordSize;
    /// <summary>Skipped bytes up to this many are handed back in <see cref="CperStreamItem.Data"/> (default 64 KiB); beyond that they are dropped as they are scanned.</summary>
    public long MaxSkippedBytesKept { get; set; } = 64 << 10;
    /// <summary>
    /// Buffer size of the <see cref="PipeReader"/> that <see cref="CperStreamReader.Create(Stream, bool, RecordFraming, CperStreamReaderOptions)"/> puts over a stream (default 256 KiB;
    /// reads are at least a quarter of it). Larger reads mean fewer thread-pool hand-offs for a file's asynchronous reads.
    /// </summary>
    public int ReadBufferSize { get; set; } = 256 << 10;
}

/// <summary>
/// Reads length-prefixed records (concatenated CPER records, or with <see cref="RecordFraming"/> other framings such as
/// Generic Error Status Blocks) from a <see cref="PipeReader"/>, the way Kestrel's <c>Http2FrameReader</c> reads frames:
/// nothing is returned until a whole record is buffered; a record above the size limit is rejected from its header and
/// its bytes skipped without buffering them; a partial record stays in the pipe across reads
/// (<c>AdvanceTo(consumed, examined)</c> with examined at the end, so the next read waits for more bytes); after a corrupt
/// header the reader scans for the next signature that starts a plausible header and reports the bytes it skipped.
/// Memory held is bounded by the limit plus one read, whatever the stream's size.
/// </summary>
/// <remarks>
/// With a <see cref="Pipe"/>, give it a <see cref="PipeOptions.PauseWriterThreshold"/> above the record limit (or 0):
/// a writer paused on unconsumed bytes would otherwise wait for a reader that is waiting for the rest of a record.
/// </remarks>
public sealed class CperStreamReader : IAsyncDisposable
{
    private enum Step { Item, NeedMore, End }

    private readonly PipeReader _reader;
    private readonly RecordFraming _framing;
    private readonly long _maxRecord;
    private readonly long _maxKept;

    private ReadOnlySequence<byte> _buffer;
    private bool _haveBuffer, _completed, _ended;
    private SequencePosition _consumedPos, _scanPos;
    private long _consumedOffset, _scanOffset;
    private long _oversizedStart = -1, _oversizedDeclared, _oversizedSearched;
    private long _recordSearched = 1;
    private readonly StreamAccounting _accounting = new();
    private bool _disposed;
    private long _garbageStart = -1;
    private bool _garbageAllZero, _garbageKept;
    private string? _garbageProblem;
    private CperStreamItem _current;

    /// <summary>Reads from <paramref name="reader"/> with <paramref name="framing"/> (CPER records when null).</summary>
    public CperStreamReader(PipeReader reader, RecordFraming? framing = null, CperStreamReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
        _framing = framing ?? CperRecordFraming.Instance;
        options ??= new CperStreamReaderOptions();
        if (options.MaxRecordSize < _framing.HeaderSize) throw new ArgumentOutOfRangeException(nameof(options), "MaxRecordSize is smaller than a header.");
        _maxRecord = options.MaxRecordSize;
        _maxKept = Math.Min(options.MaxSkippedBytesKept, options.MaxRecordSize);
    }

    /// <summary>Reads CPER records from a stream (a <see cref="PipeReader"/> of <see cref="CperStreamReaderOptions.ReadBufferSize"/> over it; the stream is left open).</summary>
    public static CperStreamReader Create(Stream stream, RecordFraming? framing = null, CperStreamReaderOptions? options = null)
        => Create(stream, leaveOpen: true, framing, options);

    /// <summary>Reads from a stream, closing it when the reader is completed or disposed unless <paramref name="leaveOpen"/>.</summary>
    public static CperStreamReader Create(Stream stream, bool leaveOpen, RecordFraming? framing = null, CperStreamReaderOptions? options = null)
    {
        int size = Math.Max(options?.ReadBufferSize ?? new CperStreamReaderOptions().ReadBufferSize, 4096);
        return new(PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: size, minimumReadSize: size / 4, leaveOpen: leaveOpen)), framing, options);
    }

    /// <summary>
    /// Every item, for <c>await foreach</c>. Each item's <see cref="CperStreamItem.Data"/> is valid until the loop moves on
    /// (use <see cref="CperStreamItem.GetSpan"/> or copy it to keep it). The reader is completed when the loop ends.
    /// </summary>
    public async IAsyncEnumerable<CperStreamItem> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            while (await ReadAsync(cancellationToken).ConfigureAwait(false)) yield return _current;
        }
        finally
        {
            Complete();
        }
    }

    /// <summary>Completes the reader (as <see cref="Complete"/>).</summary>
    public ValueTask DisposeAsync()
    {
        Complete();
        return ValueTask.CompletedTask;
    }

    /// <summary>The item read by the last successful <see cref="ReadAsync"/>.</summary>
    public CperStreamItem Current => _current;

    /// <summary>Offset in the stream of the first byte not yet returned.</summary>
    public long Position => _scanOffset;

    /// <summary>What the items returned so far cover: counts and bytes by kind (every byte read is in exactly one item).</summary>
    public StreamAccounting Accounting => _accounting;

    /// <summary>The largest buffer the pipe handed over (how much the reader held at once).</summary>
    public long LargestBuffer { get; private set; }

    /// <summary>
    /// Moves to the next item; false at the end of the stream. The previous item's <see cref="CperStreamItem.Data"/>
    /// is released by this call.
    /// </summary>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_haveBuffer)
        {
            switch (Next())
            {
                case Step.Item: return new(true);
                case Step.End: Finish(); return new(false);
            }
            _reader.AdvanceTo(_consumedPos, _buffer.End);
            _haveBuffer = false;
        }
        if (_ended) return new(false);
        return ReadMoreAsync(cancellationToken);
    }

    private async ValueTask<bool> ReadMoreAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            _buffer = result.Buffer;
            _completed = result.IsCompleted;
            _haveBuffer = true;
            if (_buffer.Length > LargestBuffer) LargestBuffer = _buffer.Length;
            _consumedPos = _buffer.Start;
            _scanPos = _scanOffset == _consumedOffset ? _buffer.Start : _buffer.GetPosition(_scanOffset - _consumedOffset);
            switch (Next())
            {
                case Step.Item:
                    return true;
                case Step.End:
                    Finish();
                    return false;
            }
            if (_completed) { Finish(); return false; }
            _reader.AdvanceTo(_consumedPos, _buffer.End);
            _haveBuffer = false;
        }
    }

    /// <summary>Completes the underlying reader.</summary>
    public void Complete()
    {
        if (_disposed) return;
        _disposed = true;
        if (_haveBuffer)
        {
            _reader.AdvanceTo(_buffer.End);
            _haveBuffer = false;
        }
        _reader.Complete();
    }

    private void Finish()
    {
        _reader.AdvanceTo(_buffer.End);
        _haveBuffer = false;
        _ended = true;
    }

    private void Move(long n, bool consume)
    {
        _scanPos = _buffer.GetPosition(n, _scanPos);
        _scanOffset += n;
        if (consume)
        {
            _consumedPos = _scanPos;
            _consumedOffset = _scanOffset;
        }
    }

    private Step Next()
    {
        var rest = _buffer.Slice(_scanPos);
        if (_oversizedStart >= 0) return SkipOversized(rest);
        if (_garbageStart >= 0) return ScanGarbage(rest);
        if (rest.IsEmpty) return _completed ? Step.End : Step.NeedMore;
        int hs = _framing.HeaderSize;
        Span<byte> copy = stackalloc byte[256];
        if (rest.Length < hs)
        {
            if (!_completed) return Step.NeedMore;
            var tail = Header(rest, 0, (int)rest.Length, copy);
            if (_framing.IsRecordPrefix(tail))
            {
                // A record cut short inside its header (UEFI N.2.1: the header alone is 128 bytes).
                long declared = tail.Length >= CperRecordHeader.RecordLengthOffset + 4 && _framing is CperRecordFraming
                    ? Math.Max(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tail[CperRecordHeader.RecordLengthOffset..]), (uint)hs)
                    : hs;
                EmitRecord(rest, rest.Length, declared, $"cut short by the end of the input inside its {hs}-byte header");
                return Step.Item;
            }
            StartGarbage(null);
            return ScanGarbage(rest);
        }
        var header = Header(rest, 0, hs, copy);
        if (_framing.Check(header, out long length, out string? problem) == FrameCheck.Corrupt)
        {
            StartGarbage(problem);
            AccountGarbage(rest.Slice(0, 1));
            return ScanGarbage(_buffer.Slice(_scanPos));
        }
        if (length > _maxRecord)
        {
            // Reported once its extent is known: up to the declared end, the next record found inside it, or the end of the input.
            _oversizedStart = _scanOffset;
            _oversizedDeclared = length;
            _oversizedSearched = 1;
            return SkipOversized(rest);
        }
        long window = Math.Min(length, rest.Length);
        switch (_framing.FindBreak(rest, 0, length, ref _recordSearched, window, _completed, _maxRecord, out long breakAt))
        {
            case BreakSearch.Found:
                EmitRecord(rest, breakAt, length, NextRecordAt(_scanOffset + breakAt));
                return Step.Item;
            case BreakSearch.NeedMore:
                return Step.NeedMore;
        }
        if (rest.Length >= length)
        {
            EmitRecord(rest, length, length, null);
            return Step.Item;
        }
        if (!_completed) return Step.NeedMore;
        EmitRecord(rest, rest.Length, length, "cut short by the end of the input");
        return Step.Item;
    }

    /// <summary>The problem of a record cut short by the next one: where that one starts, in hex and decimal as every offset in a diagnostic.</summary>
    private static string NextRecordAt(long offset)
        => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"cut short: the next record starts at offset {FieldFormat.Offset(offset)}");

    private void EmitRecord(in ReadOnlySequence<byte> rest, long length, long declared, string? problem)
    {
        _current = new CperStreamItem(CperStreamItemKind.Record, _scanOffset, length, declared, rest.Slice(0, length), false, problem);
        _accounting.Add(_current);
        Move(length, consume: true);
        _recordSearched = 1;
    }

    /// <summary>Skips an oversized record's bytes as they arrive (never buffering them), stopping early where a later record starts inside it.</summary>
    private Step SkipOversized(ReadOnlySequence<byte> rest)
    {
        long done = _scanOffset - _oversizedStart;
        long left = _oversizedDeclared - done;
        long window = Math.Min(left, rest.Length);
        // Positions are relative to the record start: shift the window so FindBreak sees record-relative offsets.
        long from = Math.Max(_oversizedSearched, done);
        long searchFrom = from - done;
        var search = _framing.FindBreak(rest, done, _oversizedDeclared, ref searchFrom, window, _completed, _maxRecord, out long breakAt);
        if (search == BreakSearch.Found)
        {
            Move(breakAt, consume: true);
            EmitOversized(NextRecordAt(_scanOffset));
            return Step.Item;
        }
        if (search == BreakSearch.NeedMore)
        {
            long keep = Math.Max(searchFrom, 0);
            Move(keep, consume: true);
            _oversizedSearched = done + keep;
            return Step.NeedMore;
        }
        Move(window, consume: true);
        _oversizedSearched = done + window;
        if (_scanOffset - _oversizedStart >= _oversizedDeclared)
        {
            EmitOversized(null);
            return Step.Item;
        }
        if (_completed)
        {
            EmitOversized("cut short by the end of the input");
            return Step.Item;
        }
        return Step.NeedMore;
    }

    private void EmitOversized(string? cut)
    {
        long covered = _scanOffset - _oversizedStart;
        string problem = $"RecordLength {_oversizedDeclared} exceeds the record size limit of {_maxRecord} bytes" + (cut is null ? "" : "; " + cut);
        _current = new CperStreamItem(CperStreamItemKind.Oversized, _oversizedStart, covered, _oversizedDeclared, default, false, problem);
        _accounting.Add(_current);
        _oversizedStart = -1;
    }

    private static ReadOnlySpan<byte> Header(in ReadOnlySequence<byte> rest, long at, int size, Span<byte> copy)
    {
        var first = rest.FirstSpan;
        if (at + size <= first.Length) return first.Slice((int)at, size);
        rest.Slice(at, size).CopyTo(copy);
        return copy[..size];
    }

    private void StartGarbage(string? problem)
    {
        _garbageStart = _scanOffset;
        _garbageAllZero = true;
        _garbageKept = true;
        _garbageProblem = problem;
    }

    private void AccountGarbage(in ReadOnlySequence<byte> bytes)
    {
        if (_garbageAllZero)
        {
            foreach (var m in bytes)
            {
                if (m.Span.ContainsAnyExcept((byte)0)) { _garbageAllZero = false; break; }
            }
        }
        Move(bytes.Length, consume: !_garbageKept);
        if (_garbageKept && _scanOffset - _garbageStart > _maxKept)
        {
            _garbageKept = false;
            _consumedPos = _scanPos;
            _consumedOffset = _scanOffset;
        }
    }

    private Step ScanGarbage(ReadOnlySequence<byte> rest)
    {
        int hs = _framing.HeaderSize;
        var sig = _framing.Signature;
        Span<byte> copy = stackalloc byte[256];
        long searchFrom = 0;
        while (true)
        {
            long i;
            if (sig.IsEmpty)
            {
                i = searchFrom;
                if (i >= rest.Length) break;
            }
            else
            {
                var found = rest.Slice(searchFrom).PositionOf(sig[0]);
                if (found is null) break;
                i = rest.Slice(0, found.Value).Length;
            }
            if (rest.Length - i < hs)
            {
                if (_completed)
                {
                    // No header fits any more: the rest is skipped, unless it is a record cut short inside its header.
                    if (!sig.IsEmpty && _framing.IsRecordPrefix(Header(rest, i, (int)(rest.Length - i), copy)))
                    {
                        AccountGarbage(rest.Slice(0, i));
                        EmitGarbage();
                        return Step.Item;
                    }
                    break;
                }
                AccountGarbage(rest.Slice(0, i));
                return Step.NeedMore;
            }
            switch (_framing.IsPlausibleAt(rest, i, _completed, _maxRecord))
            {
                case true:
                    AccountGarbage(rest.Slice(0, i));
                    EmitGarbage();
                    return Step.Item;
                case null:
                    AccountGarbage(rest.Slice(0, i));
                    return Step.NeedMore;
            }
            searchFrom = i + 1;
        }
        AccountGarbage(rest);
        if (!_completed) return Step.NeedMore;
        EmitGarbage();
        return Step.Item;
    }

    private void EmitGarbage()
    {
        long length = _scanOffset - _garbageStart;
        var data = _garbageKept ? _buffer.Slice(_consumedPos, _scanPos) : default;
        _current = new CperStreamItem(CperStreamItemKind.Skipped, _garbageStart, length, 0, data, _garbageAllZero, _garbageProblem);
        _accounting.Add(_current);
        _garbageStart = -1;
        _garbageProblem = null;
        _consumedPos = _scanPos;
        _consumedOffset = _scanOffset;
    }
}
