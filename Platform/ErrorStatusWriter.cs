using ApeiKit.Ghes;

namespace ApeiKit.Platform;

/// <summary>
/// One GHES/GHESv2 error source as a role found it by parsing a HEST out of memory: where its error-block
/// address register is, how long its block is, how it notifies, and its read-ack register (GHESv2).
/// </summary>
/// <param name="SourceId">Source ID.</param>
/// <param name="NotificationType">Notification type.</param>
/// <param name="PollIntervalMs">Poll interval (polled sources).</param>
/// <param name="BlockLength">Error status block length (ErrorStatusBlockLength).</param>
/// <param name="ErrorBlockAddressRegister">Address of the u64 register that holds the block's address (the ErrorStatusAddress GAS).</param>
/// <param name="ReadAck">The GHESv2 read-ack register, or null for a version 1 GHES.</param>
/// <param name="Vector">Notification vector (GSIV, GPIO pin) from the notification structure.</param>
public sealed record GhesSourceInfo(ushort SourceId, NotificationType NotificationType, uint PollIntervalMs, uint BlockLength,
    ulong ErrorBlockAddressRegister, ReadAckRegister? ReadAck, uint Vector);

/// <summary>
/// The producer side of error status blocks, as firmware and QEMU implement it: before writing a record into
/// a GHESv2 source's block, check that the OS acknowledged the previous one (read-ack); if not, the record
/// waits in a bounded queue and is retried on a timer, oldest first. A full queue loses the record and says
/// so. After writing, the read-ack register is cleared (busy) and only then the notification is sent.
/// The retry timer ticks every <c>retryUs</c> from when the first record was queued; a tick can only succeed after
/// the consumer acknowledged, so ticks between acknowledgements are not simulated (they would change nothing and
/// cost time without bound for a consumer that never acknowledges): after a tick that leaves records waiting, the
/// next simulated tick is the first one of the same period at or after the next acknowledgement.
/// </summary>
internal sealed class ErrorStatusWriter(VirtualPlatform platform, Actor actor, SparseMemory memory, int capacity, ulong retryUs, string consumerName)
{
    private readonly Dictionary<ushort, Queue<Pending>> _queues = [];
    private bool _retryScheduled;
    private bool _dormant;
    private ulong _lastTick;

    internal sealed record Pending(string ErrorId, GhesSourceInfo Source, byte[] Block, Action<ulong> Notify);

    /// <summary>Records waiting, per source.</summary>
    public IEnumerable<Pending> Waiting => _queues.Values.SelectMany(q => q);

    /// <summary>Writes now, or queues behind earlier records for the same source.</summary>
    public void Submit(string errorId, GhesSourceInfo source, byte[] block, Action<ulong> notify)
    {
        var p = new Pending(errorId, source, block, notify);
        if (!_queues.TryGetValue(source.SourceId, out var q)) _queues[source.SourceId] = q = new Queue<Pending>();
        if (q.Count == 0 && TryWrite(p)) return;
        if (q.Count >= capacity)
        {
            platform.Log(actor, Prefix + ".lost", $"queue for source {source.SourceId} is full ({capacity} records waiting for the {consumerName} to acknowledge): record LOST, reported",
                errorId, source.SourceId, source.NotificationType);
            platform.Outcome(errorId).Set(Disposition.Lost, $"{PlatformTrace.ActorName(actor)} queue for source {source.SourceId} overflowed ({capacity} waiting)");
            return;
        }
        q.Enqueue(p);
        platform.Log(actor, Prefix + ".queued", $"source {source.SourceId} not yet acknowledged by the {consumerName}: record queued ({q.Count} waiting), retry every {retryUs}us",
            errorId, source.SourceId, source.NotificationType);
        ScheduleRetry();
    }

    private string Prefix => PlatformTrace.ActorName(actor);

    private void ScheduleRetry()
    {
        if (_retryScheduled || _dormant) return;
        _retryScheduled = true;
        platform.After(retryUs, Retry);
    }

    private void Retry()
    {
        _retryScheduled = false;
        foreach (var (_, q) in _queues.OrderBy(kv => kv.Key))
        {
            while (q.Count > 0 && TryWrite(q.Peek())) q.Dequeue();
        }
        if (_queues.Values.Any(q => q.Count > 0))
        {
            // Wait for an acknowledgement; the timer's phase is kept so the tick that then runs is one the timer would have run.
            _dormant = true;
            _lastTick = platform.Now;
        }
    }

    /// <summary>The consumer acknowledged a block: schedule the first retry tick at or after now.</summary>
    public void Acknowledged()
    {
        if (!_dormant || _retryScheduled) return;
        _dormant = false;
        _retryScheduled = true;
        ulong now = platform.Now;
        ulong ticks = (now - _lastTick + retryUs - 1) / retryUs;
        platform.At(_lastTick + Math.Max(1, ticks) * retryUs, Retry);
    }

    private bool TryWrite(Pending p)
    {
        var s = p.Source;
        if (s.ReadAck is { } ack && !Wire.IsAcknowledged(memory, ack)) return false;
        ulong block = memory.ReadU64(s.ErrorBlockAddressRegister);
        if (p.Block.Length > s.BlockLength)
        {
            platform.Log(actor, Prefix + ".too-large", $"record of {p.Block.Length} bytes does not fit source {s.SourceId}'s {s.BlockLength}-byte block: LOST, reported", p.ErrorId, s.SourceId);
            platform.Outcome(p.ErrorId).Set(Disposition.Lost, $"record larger than source {s.SourceId}'s block");
            return true;
        }
        if (s.ReadAck is { } busy) Wire.MarkBusy(memory, busy);
        memory.Write(block, p.Block);
        platform.Log(actor, Prefix + ".write", $"wrote {p.Block.Length}-byte error status block for source {s.SourceId} at {VirtualPlatform.Hex(block)} (address register {VirtualPlatform.Hex(s.ErrorBlockAddressRegister)}){(s.ReadAck is null ? "" : "; read-ack cleared")}",
            p.ErrorId, s.SourceId, s.NotificationType, blockAddress: block, bytes: p.Block);
        p.Notify(block);
        return true;
    }
}
