using ApeiKit.Text;
using System.Globalization;

namespace ApeiKit.Platform;

/// <summary>Where an injected error ended.</summary>
public enum Disposition
{
    /// <summary>Still in flight when the run ended (e.g. queued behind a record the guest never acknowledged).</summary>
    Pending,
    /// <summary>Delivered to the guest, which read and handled it.</summary>
    DeliveredToGuest,
    /// <summary>Contained by the host (CPU offlined, device recovered, page offlined with no owner): the guest gets nothing.</summary>
    ContainedAtHost,
    /// <summary>Corrected: logged and counted at the host only.</summary>
    LoggedAtHost,
    /// <summary>The poisoned address is the VMM's own memory, not guest RAM: the VMM logged it.</summary>
    NotGuestMemory,
    /// <summary>The VMM's queue for an unacknowledged guest source overflowed: reported, not silently dropped.</summary>
    Lost,
    /// <summary>The host panicked (fatal error, or a later error on a dead host).</summary>
    HostPanic,
}

/// <summary>What became of one injected error.</summary>
public sealed class ErrorOutcome
{
    /// <summary>The injected error.</summary>
    public required InjectedError Error { get; init; }
    /// <summary>Where it ended.</summary>
    public Disposition Disposition { get; internal set; } = Disposition.Pending;
    /// <summary>How it ended, readable.</summary>
    public string Detail { get; internal set; } = "still in flight";
    /// <summary>The notification type (ACPI 6.5 Table 18.14) by which the guest got it, if it did.</summary>
    public NotificationType? GuestNotificationType { get; internal set; }
    /// <summary>What the guest did, if it got it.</summary>
    public string? GuestAction { get; internal set; }
    /// <summary>Guest physical address the VMM computed for a memory error (null when not guest RAM).</summary>
    public ulong? GuestAddress { get; internal set; }
    /// <summary>Host virtual address the host signalled to the VMM.</summary>
    public ulong? HostVirtualAddress { get; internal set; }

    internal void Set(Disposition d, string detail)
    {
        Disposition = d;
        Detail = detail;
    }
}

/// <summary>The result of a run: the trace, what became of each error, and each role's final state.</summary>
public sealed class PlatformRun
{
    internal PlatformRun(Scenario scenario, PlatformTrace trace, List<ErrorOutcome> outcomes, GuestOs guest, HostKernel host, Vmm vmm, VirtualPlatform platform)
    {
        Platform = platform;
        Scenario = scenario;
        Trace = trace;
        Outcomes = outcomes;
        Guest = guest;
        Host = host;
        Vmm = vmm;
    }

    /// <summary>The scenario that ran.</summary>
    public Scenario Scenario { get; }
    /// <summary>The platform as it was at the end (memories, roles).</summary>
    public VirtualPlatform Platform { get; }

    /// <summary>The guest's HEST and its error-status region as they are in guest memory at the end of the run.</summary>
    public (byte[] Hest, byte[] Region, ulong RegionBase) GuestTables()
        => (Vmm.GuestHest, Platform.GuestMemory.Read(Scenario.GuestRegionBase, Vmm.RegionLength), Scenario.GuestRegionBase);

    /// <summary>The host's HEST and its error-status region as they are in host memory at the end of the run.</summary>
    public (byte[] Hest, byte[] Region, ulong RegionBase) HostTables()
        => (Platform.Firmware.HostHest, Platform.HostMemory.Read(PlatformFirmware.HostRegionBase, Platform.Firmware.RegionLength), PlatformFirmware.HostRegionBase);
    /// <summary>Every step.</summary>
    public PlatformTrace Trace { get; }
    /// <summary>One per injected error, in timeline order.</summary>
    public IReadOnlyList<ErrorOutcome> Outcomes { get; }
    /// <summary>The guest's state (records read, pages offlined, tasks killed).</summary>
    public GuestOs Guest { get; }
    /// <summary>The host's state (CPUs offlined, corrected error counts).</summary>
    public HostKernel Host { get; }
    /// <summary>The VMM's state (memory map, guest HEST and region).</summary>
    public Vmm Vmm { get; }
    /// <summary>
    /// Why the run stopped early, or null: the event loop's guard stops a run whose virtual time stops advancing
    /// (more events at one instant than the scenario can cause). <see cref="PlatformInvariants.Check"/> reports it.
    /// </summary>
    public string? Stalled => Platform.StalledReason;

    /// <summary>Writes the per-error summary table.</summary>
    public void WriteSummary(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine("Summary (per injected error: where it ended, and what the guest did):");
        if (Outcomes.Count == 0)
        {
            writer.WriteLine("  no errors injected (the timeline is empty)");
            return;
        }
        int idWidth = Math.Max(2, Outcomes.Max(o => Printable.Value(o.Error.Id, IdWidth).Length));
        foreach (var o in Outcomes)
        {
            string where = o.Disposition switch
            {
                Disposition.DeliveredToGuest => $"guest via {o.GuestNotificationType?.Name().ToUpperInvariant()}",
                Disposition.ContainedAtHost => "contained at host",
                Disposition.LoggedAtHost => "logged at host",
                Disposition.NotGuestMemory => "VMM: not guest RAM",
                Disposition.Lost => "LOST (reported)",
                Disposition.HostPanic => "host panic",
                _ => "pending",
            };
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {Printable.Value(o.Error.Id, IdWidth).PadRight(idWidth)}  {PlatformTrace.FormatTime(o.Error.AtUs),9}  {KindName(o.Error.Kind),-16}  {where,-22}  {Printable.Escape(o.GuestAction ?? o.Detail)}"));
        }
    }

    /// <summary>Longest error ID shown in the summary before it is cut with an ellipsis.</summary>
    private const int IdWidth = 40;

    /// <summary>The scenario name of an error kind.</summary>
    public static string KindName(ErrorKind k) => k switch
    {
        ErrorKind.MemoryConsumed => "memory-consumed",
        ErrorKind.MemoryScrub => "memory-scrub",
        ErrorKind.MemoryCorrected => "memory-corrected",
        ErrorKind.ArmProcessor => "arm-processor",
        ErrorKind.PcieAer => "pcie-aer",
        _ => k.ToString(),
    };
}

/// <summary>
/// The virtual platform: a deterministic discrete-event simulation of the firmware-first error path. Host
/// and guest physical memories hold real encoded HEST tables, error-status regions and Generic Error Status
/// Blocks; each role reads what the previous one wrote with ApeiKit's own decoders. Time is virtual
/// (microseconds) and ties are broken by scheduling order, so a scenario always gives the same trace.
/// </summary>
public sealed class VirtualPlatform
{
    private readonly PriorityQueue<Action, (ulong Time, long Seq)> _queue = new();
    private long _seq;
    private readonly Dictionary<string, ErrorOutcome> _outcomes = [];

    private VirtualPlatform(Scenario scenario)
    {
        Scenario = scenario;
        HostMemory = new SparseMemory("host");
        GuestMemory = new SparseMemory("guest");
        Host = new HostKernel(this);
        Firmware = new PlatformFirmware(this);
        Vmm = new Vmm(this);
        Guest = new GuestOs(this);
        if (scenario.Apei is not null || scenario.Steps.Count != 0) Apei = new PlatformApei(this, scenario.Apei ?? new ApeiSetup());
    }

    /// <summary>The host's EINJ and ERST, when the scenario uses them (null otherwise).</summary>
    public PlatformApei? Apei { get; }

    /// <summary>The scenario.</summary>
    public Scenario Scenario { get; }
    /// <summary>Host physical memory.</summary>
    public SparseMemory HostMemory { get; }
    /// <summary>Guest physical memory.</summary>
    public SparseMemory GuestMemory { get; }
    /// <summary>The trace being written.</summary>
    public PlatformTrace Trace { get; } = new();
    /// <summary>Current virtual time, microseconds.</summary>
    public ulong Now { get; private set; }
    /// <summary>Firmware role.</summary>
    public PlatformFirmware Firmware { get; }
    /// <summary>Host kernel role.</summary>
    public HostKernel Host { get; }
    /// <summary>VMM role.</summary>
    public Vmm Vmm { get; }
    /// <summary>Guest OS role.</summary>
    public GuestOs Guest { get; }
    /// <summary>Virtual time at which the run stops.</summary>
    public ulong EndUs { get; private set; }

    /// <summary>Why the event loop's guard stopped the run (virtual time stopped advancing), or null.</summary>
    public string? StalledReason { get; private set; }

    /// <summary>Runs a scenario to its end.</summary>
    /// <exception cref="ScenarioException">The scenario is inconsistent (overlapping slots, a source the HEST cannot hold) or passes a resource limit.</exception>
    public static PlatformRun Run(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ScenarioLimits.Check(scenario);
        var p = new VirtualPlatform(scenario);
        return p.RunAll();
    }

    private PlatformRun RunAll()
    {
        ulong lastInjection = Scenario.Timeline.Select(e => e.AtUs).Concat(Scenario.Steps.Select(s => s.AtUs)).DefaultIfEmpty(0UL).Max();
        ulong longestPoll = Scenario.GuestSources.Select(s => (ulong)s.PollIntervalMs * 1000).DefaultIfEmpty(0UL).Max();
        EndUs = Scenario.EndUs != 0 ? Scenario.EndUs : lastInjection + Math.Max(longestPoll * 2, 2000);

        Firmware.Boot();
        Apei?.FirmwareBoot();
        Host.Boot();
        Apei?.HostBoot();
        Vmm.Boot();
        Guest.Boot();
        Apei?.GuestBoot();
        foreach (var error in Scenario.Timeline.OrderBy(e => e.AtUs))
        {
            var outcome = new ErrorOutcome { Error = error };
            _outcomes[error.Id] = outcome;
            At(error.AtUs, () => Firmware.Inject(error));
        }
        Apei?.Schedule();
        // Guard: every event at one instant is caused by an injection or by an earlier event at that instant, each
        // error causing a bounded number (notifications, reads, acknowledgements, retries). More than this many events
        // without time advancing means a loop that would never end: stop and report it instead of spinning.
        long budget = 1024 + 256L * (Scenario.Timeline.Count + Scenario.GuestSources.Count + Scenario.Steps.Count);
        long sameInstant = 0;
        while (_queue.TryDequeue(out var action, out var key))
        {
            if (key.Time > EndUs) break;
            sameInstant = key.Time == Now ? sameInstant + 1 : 0;
            Now = key.Time;
            if (sameInstant > budget)
            {
                StalledReason = $"virtual time stopped advancing at {PlatformTrace.FormatTime(Now)}: more than {budget} events at one instant";
                Trace.Add(Now, Actor.Hardware, "run.stalled", $"run stopped: {StalledReason}");
                break;
            }
            action();
        }
        Now = EndUs;
        Vmm.ReportPending();
        Firmware.ReportPending();
        var outcomes = Scenario.Timeline.Concat(_raised).OrderBy(e => e.AtUs).Select(e => _outcomes[e.Id]).ToList();
        Trace.Add(Now, Actor.Hardware, "run.end", $"end of run: {outcomes.Count(o => o.Disposition == Disposition.DeliveredToGuest)} delivered to the guest, "
            + $"{outcomes.Count(o => o.Disposition is Disposition.ContainedAtHost or Disposition.LoggedAtHost or Disposition.HostPanic)} handled at the host, "
            + $"{outcomes.Count(o => o.Disposition == Disposition.NotGuestMemory)} not guest memory, {outcomes.Count(o => o.Disposition == Disposition.Lost)} lost, "
            + $"{outcomes.Count(o => o.Disposition == Disposition.Pending)} pending");
        return new PlatformRun(Scenario, Trace, outcomes, Guest, Host, Vmm, this);
    }

    private readonly List<InjectedError> _raised = [];

    /// <summary>An error firmware raises during the run (an EINJ injection): it gets an outcome and is injected now.</summary>
    internal void Raise(InjectedError error)
    {
        Track(error);
        At(Now, () => Firmware.Inject(error));
    }

    /// <summary>An error that arises during the run (an EINJ injection) gets an outcome, reported with the others.</summary>
    internal ErrorOutcome Track(InjectedError error)
    {
        var outcome = new ErrorOutcome { Error = error };
        _outcomes[error.Id] = outcome;
        _raised.Add(error);
        return outcome;
    }

    /// <summary>Schedules an action at an absolute time (never in the past).</summary>
    internal void At(ulong time, Action action) => _queue.Enqueue(action, (Math.Max(time, Now), _seq++));

    /// <summary>
    /// A consumer acknowledged a block in <paramref name="memory"/>: the producer writing into that memory may retry
    /// now (its retry timer is simulated only when a retry can succeed; see <see cref="ErrorStatusWriter"/>).
    /// </summary>
    internal void Acknowledged(SparseMemory memory)
    {
        if (ReferenceEquals(memory, GuestMemory)) Vmm.OnGuestAcknowledged();
        else Firmware.OnHostAcknowledged();
    }

    /// <summary>Schedules an action after a delay.</summary>
    internal void After(ulong delayUs, Action action) => At(Now + delayUs, action);

    /// <summary>Adds a trace event at the current time.</summary>
    internal TraceEvent Log(Actor actor, string action, string text, string? errorId = null, int? sourceId = null, NotificationType? notificationType = null,
        ulong? address = null, ulong? blockAddress = null, ulong? esr = null, int? cpu = null, byte[]? bytes = null)
        => Trace.Add(Now, actor, action, text, errorId, sourceId, notificationType, address, blockAddress, esr, cpu, bytes);

    private readonly Dictionary<(string Memory, ulong Block), string> _blockOwners = [];

    /// <summary>Bookkeeping for the trace and the invariants (no role reads it): which error's record a block holds now.</summary>
    internal void BlockWritten(SparseMemory memory, ulong blockAddress, string errorId) => _blockOwners[(memory.Name, blockAddress)] = errorId;

    /// <summary>The error whose record was last written to a block, or null.</summary>
    internal string? BlockOwner(SparseMemory memory, ulong blockAddress) => _blockOwners.GetValueOrDefault((memory.Name, blockAddress));

    /// <summary>The outcome record of an error.</summary>
    internal ErrorOutcome Outcome(string errorId) => _outcomes[errorId];

    /// <summary>Formats an address for traces.</summary>
    internal static string Hex(ulong v) => PlatformTrace.Hex(v);
}
