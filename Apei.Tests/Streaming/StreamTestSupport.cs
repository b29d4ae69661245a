using System.Buffers;
using System.IO.Pipelines;
using ApeiKit.Cper.Streaming;

namespace ApeiKit.Tests.Streaming;

/// <summary>A stream item copied out of the reader's buffers.</summary>
internal sealed record Item(CperStreamItemKind Kind, long Offset, long Length, long Declared, byte[] Data, bool AllZero, string? Problem)
{
    public override string ToString() => $"{Kind}@{Offset}+{Length} decl={Declared} data={Data.Length} zero={AllZero} problem={Problem}";
}

/// <summary>
/// A <see cref="PipeReader"/> over an array that makes at most <c>chunk</c> more bytes visible each time the caller has
/// examined everything, and records the most bytes it ever held for the caller (unconsumed).
/// </summary>
internal sealed class CountingPipeReader(byte[] data, int chunk) : PipeReader
{
    private int _consumed, _visible;
    private bool _examinedAll = true;

    public int MaxHeld { get; private set; }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_examinedAll) _visible = Math.Min(data.Length, Math.Max(_visible, _consumed) + chunk);
        _examinedAll = false;
        MaxHeld = Math.Max(MaxHeld, _visible - _consumed);
        return new(new ReadResult(new ReadOnlySequence<byte>(data, _consumed, _visible - _consumed), false, _visible == data.Length));
    }

    public override bool TryRead(out ReadResult result)
    {
        result = ReadAsync().Result;
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        int c = consumed.GetInteger(), e = examined.GetInteger();
        if (c < _consumed || e < c || e > _visible) throw new InvalidOperationException($"AdvanceTo({c}, {e}) with consumed {_consumed}, visible {_visible}");
        _consumed = c;
        _examinedAll = e == _visible;
    }

    public override void CancelPendingRead() { }
    public override void Complete(Exception? exception = null) { }
}

internal static class StreamTestSupport
{
    /// <summary>Reads everything through a <see cref="Pipe"/> fed <paramref name="chunk"/> bytes per write.</summary>
    public static List<Item> ReadViaPipe(byte[] input, int chunk, CperStreamReaderOptions? options = null, RecordFraming? framing = null)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 16));
        var writer = Task.Run(async () =>
        {
            for (int i = 0; i < input.Length; i += chunk)
            {
                await pipe.Writer.WriteAsync(input.AsMemory(i, Math.Min(chunk, input.Length - i)));
            }
            await pipe.Writer.CompleteAsync();
        });
        var items = Drain(new CperStreamReader(pipe.Reader, framing, options));
        writer.GetAwaiter().GetResult();
        return items;
    }

    public static List<Item> Drain(CperStreamReader reader)
    {
        var items = new List<Item>();
        while (reader.ReadAsync().AsTask().GetAwaiter().GetResult())
        {
            var c = reader.Current;
            items.Add(new Item(c.Kind, c.Offset, c.Length, c.DeclaredLength, c.Data.ToArray(), c.IsAllZero, c.Problem));
        }
        return items;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
