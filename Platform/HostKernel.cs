using ApeiKit.Text;
namespace ApeiKit.Platform;

/// <summary>
/// The host kernel's APEI consumer: it parses the host HEST out of host memory, and on each notification
/// reads, validates and acknowledges the blocks of the sources registered for it, then decides by kind and
/// severity: corrected errors are logged and counted (what rasdaemon would record); a recoverable memory error
/// goes to memory-failure handling, which poisons the page and signals the process that maps it (the VMM) with
/// the host virtual address, action required when a CPU consumed it (SEA) and action optional otherwise; fatal
/// processor errors are contained (the CPU is taken offline, or the host panics, per the scenario's policy).
/// </summary>
public sealed class HostKernel
{
    private readonly VirtualPlatform _p;
    private readonly List<ReadRecord> _records = [];
    private readonly SortedSet<int> _offlineCpus = [];

    internal HostKernel(VirtualPlatform platform) => _p = platform;

    /// <summary>The sources parsed from the host HEST.</summary>
    public IReadOnlyList<GhesSourceInfo> Sources { get; private set; } = [];
    /// <summary>Every record the host read.</summary>
    public IReadOnlyList<ReadRecord> Records => _records;
    /// <summary>Host CPUs taken offline.</summary>
    public IReadOnlyCollection<int> OfflineCpus => _offlineCpus;
    /// <summary>Corrected errors counted (as rasdaemon would), by kind.</summary>
    public Dictionary<string, int> CorrectedCounts { get; } = [];
    /// <summary>True once the host has panicked.</summary>
    public bool Panicked { get; private set; }

    internal void Boot()
    {
        Sources = Wire.ReadSources(_p.HostMemory, PlatformFirmware.HostHestAddress);
        _p.Log(Actor.Host, "host.boot", $"GHES driver parsed the host HEST at {VirtualPlatform.Hex(PlatformFirmware.HostHestAddress)}: registered "
            + string.Join(", ", Sources.Select(s => $"source {s.SourceId} for {s.NotificationType.Name().ToUpperInvariant()}")));
    }

    internal void OnNotification(NotificationType mechanism, int cpu)
    {
        if (Panicked) return;
        foreach (var source in Sources.Where(s => s.NotificationType == mechanism))
        {
            var read = GhesConsumer.Read(_p.HostMemory, source);
            if (read is not { } r) continue;
            string? errorId = _p.BlockOwner(_p.HostMemory, r.BlockAddress);
            _records.Add(new ReadRecord(_p.Now, source, mechanism, r.BlockAddress, r.Bytes, r.Block, errorId));
            _p.Log(Actor.Host, "host.read", $"{mechanism.Name().ToUpperInvariant()} handler read source {source.SourceId}'s block at {VirtualPlatform.Hex(r.BlockAddress)}: {r.Block.Summary}",
                errorId, source.SourceId, mechanism, blockAddress: r.BlockAddress, bytes: r.Bytes);
            GhesConsumer.Release(_p.HostMemory, source, r.BlockAddress);
            _p.Acknowledged(_p.HostMemory);
            _p.Log(Actor.Host, "host.ack", $"cleared block status and acknowledged source {source.SourceId} (read-ack)", errorId, source.SourceId, mechanism);
            if (r.Block.Problems.Count > 0)
            {
                _p.Log(Actor.Host, "host.invalid", $"block rejected by the GHES checks: {string.Join("; ", r.Block.Problems)}", errorId, source.SourceId);
                if (errorId is not null) _p.Outcome(errorId).Set(Disposition.ContainedAtHost, "host rejected a malformed error status block");
                continue;
            }
            // What Linux does with the block (LinuxGhesPolicy, held against a real 6.1 guest by the real-kernel tier): a block
            // whose severity maps to GHES_SEV_PANIC panics the kernel before any section is handled (ghes_proc → __ghes_panic).
            // The one exception kept is the scenario's OfflineCpu policy for blocks of ARM processor errors only (a host that
            // contains a fatal CPU error instead of panicking is a scenario choice, not Linux's behaviour).
            var linux = LinuxGhesPolicy.ForGhes(r.Bytes, synchronous: mechanism is NotificationType.Sea or NotificationType.Sei);
            bool armOnly = r.Block.Entries.Count > 0 && r.Block.Entries.All(e => e.Kind == EntryKind.ArmProcessor);
            if (linux is [{ Action: LinuxAction.Panic }] && !(armOnly && _p.Scenario.FatalPolicy == FatalPolicy.OfflineCpu))
            {
                Panic($"fatal {string.Join("; ", r.Block.Entries.Select(e => e.Detail))}", errorId);
                continue;
            }
            for (int i = 0; i < r.Block.Entries.Count; i++)
                Handle(r.Block.Entries[i], linux is [{ Action: LinuxAction.Panic }] ? null : linux[i], mechanism, cpu, errorId);
        }
    }

    private void Handle(DecodedEntry entry, LinuxPrediction? linux, NotificationType mechanism, int cpu, string? errorId)
    {
        var outcome = errorId is null ? null : _p.Outcome(errorId);
        switch (entry.Kind)
        {
            // Memory: ghes_handle_memory_failure acts only with a valid physical address, on a recoverable section in a
            // recoverable block (memory_failure) or a corrected one over its threshold (soft offline); the rest is printed.
            case EntryKind.Memory when linux?.Action == LinuxAction.MemoryFailure:
                MemoryFailure(entry.Address ?? 0, actionRequired: mechanism == NotificationType.Sea, cpu, errorId);
                break;
            case EntryKind.Memory when linux?.Action == LinuxAction.SoftOffline:
                _p.Log(Actor.Host, "host.soft-offline", $"corrected memory error at {VirtualPlatform.Hex(entry.Address ?? 0)} over its threshold: page soft-offlined (memory_failure MF_SOFT_OFFLINE)", errorId, address: entry.Address);
                outcome?.Set(Disposition.ContainedAtHost, "page soft-offlined by the host (corrected error over threshold)");
                break;
            case EntryKind.Memory when entry.Severity == CperSeverity.Corrected:
                Count("memory");
                _p.Log(Actor.Host, "host.corrected", $"rasdaemon: corrected memory error at {VirtualPlatform.Hex(entry.Address ?? 0)} logged ({CorrectedCounts["memory"]} so far)", errorId, address: entry.Address);
                outcome?.Set(Disposition.LoggedAtHost, "corrected: logged and counted by the host");
                break;
            case EntryKind.Memory when entry.Severity == CperSeverity.Fatal:
                // Only reached with the ARM-only OfflineCpu exception above, which a memory entry rules out; kept for safety.
                Panic($"fatal memory error at {VirtualPlatform.Hex(entry.Address ?? 0)}", errorId);
                break;
            case EntryKind.Memory:
                _p.Log(Actor.Host, "host.logged", $"{entry.Detail}: printed only ({linux?.Why ?? "not handled"})", errorId, address: entry.Address);
                outcome?.Set(Disposition.LoggedAtHost, "logged by the host: " + (linux?.Why ?? "not handled"));
                break;
            case EntryKind.ArmProcessor when entry.Severity == CperSeverity.Corrected:
                Count("processor");
                _p.Log(Actor.Host, "host.corrected", $"rasdaemon: corrected {entry.Detail} logged", errorId, cpu: entry.Cpu);
                outcome?.Set(Disposition.LoggedAtHost, "corrected: logged and counted by the host");
                break;
            case EntryKind.ArmProcessor when entry.Severity == CperSeverity.Fatal:
                if (_p.Scenario.FatalPolicy == FatalPolicy.Panic)
                {
                    Panic($"fatal {entry.Detail}", errorId);
                    break;
                }
                _offlineCpus.Add(entry.Cpu ?? 0);
                _p.Log(Actor.Host, "host.cpu-offline", $"fatal {entry.Detail}: CPU {entry.Cpu} taken offline, its vCPU threads migrated; no guest is told", errorId, cpu: entry.Cpu);
                outcome?.Set(Disposition.ContainedAtHost, $"CPU {entry.Cpu} taken offline by the host");
                break;
            case EntryKind.ArmProcessor:
                _p.Log(Actor.Host, "host.processor", $"recoverable {entry.Detail}: logged, CPU kept online", errorId, cpu: entry.Cpu);
                outcome?.Set(Disposition.ContainedAtHost, "recoverable processor error handled by the host");
                break;
            // PCIe: ghes_handle_aer queues to the AER driver only with a valid device id and AER info; correctable ones are
            // reported, non-fatal and fatal (or reset) ones recovered. Without those bits the section is printed only.
            case EntryKind.Pcie when linux is { Action: not LinuxAction.AerRecovery }:
                _p.Log(Actor.Host, "host.logged", $"{entry.Detail}: printed only ({linux.Why})", errorId);
                outcome?.Set(Disposition.LoggedAtHost, "logged by the host: " + linux.Why);
                break;
            case EntryKind.Pcie when linux?.AerSeverity == "correctable" || (linux is null && entry.Severity == CperSeverity.Corrected):
                Count("pcie");
                _p.Log(Actor.Host, "host.corrected", $"AER: corrected {entry.Detail} logged", errorId);
                outcome?.Set(Disposition.LoggedAtHost, "corrected: logged by the host's AER driver");
                break;
            case EntryKind.Pcie when linux is null && entry.Severity == CperSeverity.Fatal:
                Panic($"fatal {entry.Detail}", errorId);
                break;
            case EntryKind.Pcie:
                _p.Log(Actor.Host, "host.aer-recovery", $"AER: uncorrected {(linux?.AerSeverity == "fatal" ? "fatal (the component was reset)" : "non-fatal")} {entry.Detail}: driver error handlers run, link reset, device recovered", errorId);
                outcome?.Set(Disposition.ContainedAtHost, $"AER recovery at the host ({entry.Detail})");
                break;
            default:
                _p.Log(Actor.Host, "host.unknown-section", $"section {entry.SectionType} ({entry.Detail}) logged", errorId);
                outcome?.Set(Disposition.ContainedAtHost, "logged by the host");
                break;
        }
    }

    private void MemoryFailure(ulong hpa, bool actionRequired, int cpu, string? errorId)
    {
        var outcome = errorId is null ? null : _p.Outcome(errorId);
        ulong pfn = hpa / SparseMemory.PageSize;
        _p.HostMemory.Poison(hpa);
        var scenario = _p.Scenario;
        ulong? hva = null;
        string? mapping = null;
        foreach (var s in scenario.GuestRam)
        {
            if (hpa >= s.Hpa && hpa - s.Hpa < s.Size) { hva = s.Hva + (hpa - s.Hpa); mapping = $"guest RAM slot {Printable.Value(s.Name, 40)}"; break; }
        }
        foreach (var m in scenario.VmmMappings)
        {
            if (hva is null && hpa >= m.Hpa && hpa - m.Hpa < m.Size) { hva = m.Hva + (hpa - m.Hpa); mapping = Printable.Value(m.Name, 40); }
        }
        if (hva is not { } v)
        {
            _p.Log(Actor.Host, "host.memory-failure", $"memory_failure: pfn {VirtualPlatform.Hex(pfn)} poisoned and offlined; no process maps it", errorId, address: hpa);
            outcome?.Set(Disposition.ContainedAtHost, "page offlined by the host; no process mapped it");
            return;
        }
        string code = actionRequired ? "BUS_MCEERR_AR (action required)" : "BUS_MCEERR_AO (action optional)";
        string to = actionRequired ? $"the vCPU thread that touched it (host CPU {cpu})" : "the VMM process";
        if (outcome is not null) outcome.HostVirtualAddress = v;
        _p.Log(Actor.Host, "host.memory-failure", $"memory_failure: pfn {VirtualPlatform.Hex(pfn)} poisoned and unmapped; the VMM maps it at HVA {VirtualPlatform.Hex(v)} ({mapping}): SIGBUS {code} to {to}",
            errorId, address: v, cpu: actionRequired ? cpu : null);
        int vcpu = errorId is null ? 0 : outcome!.Error.Vcpu;
        _p.At(_p.Now, () => _p.Vmm.OnSigbus(errorId, v, actionRequired, vcpu));
    }

    private void Panic(string why, string? errorId)
    {
        _p.Apei?.BeforePanic(errorId);
        Panicked = true;
        _p.Log(Actor.Host, "host.panic", $"Kernel panic - not syncing: {why}. The host is down; no guest is told", errorId);
        if (errorId is not null) _p.Outcome(errorId).Set(Disposition.HostPanic, "host panicked: " + why);
    }

    /// <summary>A reboot (a scenario's reboot step): the kernel starts again and parses the HEST anew.</summary>
    internal void Reboot()
    {
        Panicked = false;
        Boot();
    }

    private void Count(string kind) => CorrectedCounts[kind] = CorrectedCounts.GetValueOrDefault(kind) + 1;
}
