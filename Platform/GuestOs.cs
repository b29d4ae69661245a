using ApeiKit.Text;
namespace ApeiKit.Platform;

/// <summary>
/// The guest OS's GHES driver. It knows only its own HEST (parsed from guest memory) and what arrives: on each
/// notification, or poll tick, it reads every source registered for that mechanism, validates and decodes the
/// block, clears and acknowledges it (after the scenario's handling delay), and recovers: for a consumed memory
/// error it offlines the page and kills the task running on the vCPU that took the abort; for an asynchronous
/// one it offlines the page; corrected errors are logged; a fatal one would panic the guest.
/// </summary>
public sealed class GuestOs
{
    private readonly VirtualPlatform _p;
    private readonly List<ReadRecord> _records = [];
    private readonly SortedSet<ulong> _offlinedPages = [];
    private readonly List<string> _killedTasks = [];
    private readonly Dictionary<NotificationType, List<GhesSourceInfo>> _byType = [];
    private readonly Dictionary<ushort, PollTimer> _pollTimers = [];
    private Dictionary<int, string> _tasks = [];
    private readonly Dictionary<ushort, int> _indexOf = [];
    private readonly Dictionary<NotificationType, SortedSet<int>> _unread = [];
    private readonly HashSet<ushort> _readNotAcknowledged = [];

    /// <summary>
    /// A polled source's timer: it ticks every interval from boot, but a tick can only find a record after the VMM
    /// wrote one, so only those ticks are simulated (an empty poll does nothing and is not traced).
    /// </summary>
    private sealed class PollTimer(GhesSourceInfo source, ulong intervalUs)
    {
        public GhesSourceInfo Source { get; } = source;
        public ulong IntervalUs { get; } = intervalUs;
        public ulong NextTick { get; set; } = intervalUs;
        public bool Scheduled { get; set; }
    }

    internal GuestOs(VirtualPlatform platform) => _p = platform;

    /// <summary>The sources the guest parsed from its HEST.</summary>
    public IReadOnlyList<GhesSourceInfo> Sources { get; private set; } = [];
    /// <summary>Every record the guest read, in order.</summary>
    public IReadOnlyList<ReadRecord> Records => _records;
    /// <summary>Guest page frame numbers offlined.</summary>
    public IReadOnlyCollection<ulong> OfflinedPages => _offlinedPages;
    /// <summary>Tasks killed ("memtester on vCPU 1").</summary>
    public IReadOnlyList<string> KilledTasks => _killedTasks;
    /// <summary>True if the guest panicked (it never should: fatal errors stay at the host).</summary>
    public bool Panicked { get; private set; }

    internal void Boot()
    {
        var s = _p.Scenario;
        Sources = Wire.ReadSources(_p.GuestMemory, s.GuestHestAddress);
        _p.Log(Actor.Guest, "guest.boot", $"GHES driver parsed the HEST at GPA {VirtualPlatform.Hex(s.GuestHestAddress)}: "
            + string.Join(", ", Sources.Select(x => $"source {x.SourceId} {x.NotificationType.Name().ToUpperInvariant()}{(x.NotificationType == NotificationType.Polled ? $" every {x.PollIntervalMs} ms" : "")} (block register at {VirtualPlatform.Hex(x.ErrorBlockAddressRegister)})")),
            address: s.GuestHestAddress);
        for (int i = 0; i < Sources.Count; i++)
        {
            var source = Sources[i];
            if (!_indexOf.TryAdd(source.SourceId, i)) continue;
            if (!_byType.TryGetValue(source.NotificationType, out var list)) _byType[source.NotificationType] = list = [];
            list.Add(source);
            _unread[source.NotificationType] = [];
            if (source.NotificationType == NotificationType.Polled) _pollTimers.TryAdd(source.SourceId, new PollTimer(source, Math.Max(1u, source.PollIntervalMs) * 1000UL));
        }
        _tasks = s.Vcpus.GroupBy(v => v.Id).ToDictionary(g => g.Key, g => g.First().Task);
    }

    /// <summary>
    /// Platform bookkeeping, not something the guest sees: the VMM wrote a record to source <paramref name="sourceId"/>.
    /// A handler reads only the blocks written since it last read them (the others are empty, or hold the record a
    /// guest that does not acknowledge already read): reading them again would change nothing but cost time for every
    /// source on every notification. A polled source's next tick (on the timer's own period) is scheduled.
    /// </summary>
    internal void BlockWritten(ushort sourceId)
    {
        if (!_indexOf.TryGetValue(sourceId, out int index)) return;
        _unread[Sources[index].NotificationType].Add(index);
        _readNotAcknowledged.Remove(sourceId);
        if (!_pollTimers.TryGetValue(sourceId, out var t) || t.Scheduled) return;
        ulong now = _p.Now;
        // A tick due at this very instant has already run: it was scheduled an interval ago, before the events that
        // led to this write, so the record waits for the next one (as it did when every tick was simulated).
        if (t.NextTick <= now) t.NextTick += ((now - t.NextTick) / t.IntervalUs + 1) * t.IntervalUs;
        t.Scheduled = true;
        _p.At(t.NextTick, () =>
        {
            t.Scheduled = false;
            t.NextTick = _p.Now + t.IntervalUs;
            HandleAll(NotificationType.Polled, vcpu: null, only: t.Source.SourceId);
        });
    }

    /// <summary>Runs the handler for every source of a mechanism that has a new record (in HEST order), and says how many had none.</summary>
    private void HandleAll(NotificationType via, int? vcpu, ushort? only = null)
    {
        if (!_unread.TryGetValue(via, out var unread)) return;
        int total = via == NotificationType.Polled ? 1 : _byType[via].Count;
        int handled = 0;
        foreach (int index in unread.ToArray())
        {
            var source = Sources[index];
            if (only is { } id && source.SourceId != id) continue;
            unread.Remove(index);
            handled++;
            Handle(source, via, vcpu);
        }
        if (handled < total && via != NotificationType.Polled && !Panicked)
        {
            var list = _byType[via];
            string text = total == 1
                ? _readNotAcknowledged.Contains(list[0].SourceId)
                    ? $"source {list[0].SourceId}'s block still holds the record read before (not acknowledged): not read again"
                    : $"source {list[0].SourceId}'s block is empty"
                : $"{total - handled} of {total} {via.Name().ToUpperInvariant()} sources have no new record";
            _p.Log(Actor.Guest, "guest.empty", text, sourceId: total == 1 ? list[0].SourceId : null, notificationType: via);
        }
    }



    internal void OnSynchronousAbort(int vcpu, ArmSyndrome esr)
    {
        _p.Log(Actor.Guest, "guest.sea", $"vCPU {vcpu} takes a synchronous external abort: {esr}; do_sea() -> ghes_notify_sea()", esr: esr.Value, cpu: vcpu, notificationType: NotificationType.Sea);
        HandleAll(NotificationType.Sea, vcpu);
    }

    internal void OnSError(int vcpu, ArmSyndrome esr)
    {
        _p.Log(Actor.Guest, "guest.sei", $"vCPU {vcpu} takes an SError: {esr}; ghes_notify_sei()", esr: esr.Value, cpu: vcpu, notificationType: NotificationType.Sei);
        HandleAll(NotificationType.Sei, vcpu);
    }

    internal void OnInterrupt(NotificationType mechanism)
    {
        _p.Log(Actor.Guest, "guest.irq", $"{mechanism.Name().ToUpperInvariant()} interrupt: GHES handler runs", notificationType: mechanism);
        HandleAll(mechanism, vcpu: null);
    }

    private void Handle(GhesSourceInfo source, NotificationType via, int? vcpu)
    {
        if (Panicked) return;
        var read = GhesConsumer.Read(_p.GuestMemory, source);
        if (read is not { } r)
        {
            if (via != NotificationType.Polled) _p.Log(Actor.Guest, "guest.empty", $"source {source.SourceId}'s block is empty", sourceId: source.SourceId, notificationType: via);
            return;
        }
        string? errorId = _p.BlockOwner(_p.GuestMemory, r.BlockAddress);
        var record = new ReadRecord(_p.Now, source, via, r.BlockAddress, r.Bytes, r.Block, errorId);
        _records.Add(record);
        _p.Log(Actor.Guest, "guest.read", $"read source {source.SourceId}'s block at GPA {VirtualPlatform.Hex(r.BlockAddress)} (register {VirtualPlatform.Hex(source.ErrorBlockAddressRegister)}){(via == NotificationType.Polled ? " on its poll tick" : "")}: {r.Block.Summary}",
            errorId, source.SourceId, via, blockAddress: r.BlockAddress, bytes: r.Bytes, cpu: vcpu);
        var outcome = errorId is null ? null : _p.Outcome(errorId);
        if (r.Block.Problems.Count > 0)
        {
            _p.Log(Actor.Guest, "guest.invalid", $"block rejected: {string.Join("; ", r.Block.Problems)}", errorId, source.SourceId);
        }
        else
        {
            // The guest is Linux: what it does with the block follows LinuxGhesPolicy (ghes.c), held against a real guest by
            // the real-kernel tier: the block severity decides a panic, memory_failure needs a valid address and a
            // recoverable section in a recoverable block.
            var linux = LinuxGhesPolicy.ForGhes(r.Bytes, synchronous: via is NotificationType.Sea or NotificationType.Sei);
            for (int i = 0; i < r.Block.Entries.Count && !Panicked; i++)
                Recover(r.Block.Entries[i], linux is [{ Action: LinuxAction.Panic }] ? linux[0] : linux[i], via, vcpu, errorId, outcome);
        }
        if (!_p.Scenario.GuestAcknowledges)
        {
            _readNotAcknowledged.Add(source.SourceId);
            _p.Log(Actor.Guest, "guest.no-ack", $"guest does not acknowledge source {source.SourceId} (scenario: a hung guest)", errorId, source.SourceId);
            return;
        }
        _p.After(_p.Scenario.GuestAckDelayUs, () =>
        {
            GhesConsumer.Release(_p.GuestMemory, source, r.BlockAddress);
            _p.Acknowledged(_p.GuestMemory);
            _p.Log(Actor.Guest, "guest.ack", $"cleared block status and acknowledged source {source.SourceId} (read-ack = (value & preserve) | write)", errorId, source.SourceId, via);
        });
    }

    private void Recover(DecodedEntry entry, LinuxPrediction linux, NotificationType via, int? vcpu, string? errorId, ErrorOutcome? outcome)
    {
        if (outcome is not null)
        {
            outcome.GuestNotificationType = via;
            outcome.Set(Disposition.DeliveredToGuest, "delivered to the guest");
        }
        string action;
        if (linux.Action == LinuxAction.Panic)
        {
            Panicked = true;
            action = "guest panic: fatal hardware error";
        }
        else if (entry.Kind != EntryKind.Memory)
        {
            action = $"logged {entry.Detail}";
        }
        else if (linux.Action == LinuxAction.SoftOffline)
        {
            action = $"corrected memory error at GPA {VirtualPlatform.Hex(entry.Address ?? 0)} over its threshold: page soft-offlined";
        }
        else if (entry.Severity == CperSeverity.Corrected)
        {
            action = $"corrected memory error at GPA {VirtualPlatform.Hex(entry.Address ?? 0)} logged";
        }
        else if (linux.Action != LinuxAction.MemoryFailure)
        {
            action = $"{entry.Detail} logged ({linux.Why})";
        }
        else
        {
            ulong gpa = entry.Address ?? 0;
            ulong pfn = gpa / SparseMemory.PageSize;
            _offlinedPages.Add(pfn);
            if (via == NotificationType.Sea && vcpu is { } cpu)
            {
                string task = Printable.Value(_tasks.GetValueOrDefault(cpu, "unknown"), 40);
                _killedTasks.Add($"{task} on vCPU {cpu}");
                action = $"page {VirtualPlatform.Hex(pfn * SparseMemory.PageSize)} offlined, task '{task}' on vCPU {cpu} killed (SIGBUS BUS_MCEERR_AR)";
            }
            else
            {
                action = $"page {VirtualPlatform.Hex(pfn * SparseMemory.PageSize)} offlined (memory_failure, action optional)";
            }
        }
        _p.Log(Actor.Guest, Panicked ? "guest.panic" : "guest.recover", action, errorId, address: entry.Address, cpu: vcpu);
        if (outcome is not null) outcome.GuestAction = action;
    }
}
