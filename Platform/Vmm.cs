using ApeiKit.Text;
namespace ApeiKit.Platform;

/// <summary>
/// The VMM (the role QEMU plays): it builds the guest's HEST and error-status region in guest memory, and on
/// a SIGBUS from the host's memory-failure handling translates the host virtual address to a guest physical
/// address through its memory map, builds new CPER for the guest with that address, picks the guest error
/// source whose notification fits (SEA for a consumed error, the scenario's route otherwise), writes the record
/// honouring read-ack (queueing while the guest has not acknowledged), and only then notifies the guest.
/// </summary>
public sealed class Vmm
{
    private readonly VirtualPlatform _p;
    private ErrorStatusWriter? _writer;
    private ulong _recordId = 1;
    private readonly Dictionary<NotificationType, GhesSourceInfo> _firstByType = [];
    private GhesSourceInfo? _firstNotSea;
    private readonly List<(string ErrorId, ushort SourceId, ulong TimeUs)> _written = [];

    internal Vmm(VirtualPlatform platform) => _p = platform;

    /// <summary>The memory map (guest RAM slots).</summary>
    public MemoryMap Map { get; } = new();
    /// <summary>The guest HEST bytes the VMM built.</summary>
    public byte[] GuestHest { get; private set; } = [];
    /// <summary>Length of the guest's error-status region (at the scenario's <c>errorRegionBase</c>).</summary>
    public int RegionLength { get; private set; }
    /// <summary>The guest's GHES sources as the VMM laid them out (parsed back from <see cref="GuestHest"/>).</summary>
    public IReadOnlyList<GhesSourceInfo> Sources { get; private set; } = [];

    private static bool Overlap(ulong a, ulong aLength, ulong b, ulong bLength)
        => aLength != 0 && bLength != 0 && (UInt128)a < (UInt128)b + bLength && (UInt128)b < (UInt128)a + aLength;

    internal void Boot()
    {
        var s = _p.Scenario;
        for (int i = 0; i < s.GuestRam.Count; i++)
        {
            var slot = s.GuestRam[i];
            try
            {
                Map.Add(new MemorySlot(slot.Gpa, slot.Hva, slot.Size, slot.Name));
            }
            catch (ArgumentException e)
            {
                // The message without ArgumentException's " (Parameter 'slot')" suffix: the reader wants the words, not the API.
                string message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
                throw new ScenarioException($"$.guest.ram[{i}]", message);
            }
        }
        CheckDisjoint(s);
        GuestHest = Wire.BuildHest(s.GuestSources, s.GuestRegionBase, "BOCHS ", "BXPC    ", out byte[] region);
        // The region is written after the table: overlapping, it would overwrite the HEST the guest then parses.
        if (Overlap(s.GuestHestAddress, (ulong)GuestHest.Length, s.GuestRegionBase, (ulong)region.Length))
            throw new ScenarioException("$.guest.errorRegionBase", $"the error region at GPA {VirtualPlatform.Hex(s.GuestRegionBase)} ({region.Length} bytes) overlaps the HEST at GPA {VirtualPlatform.Hex(s.GuestHestAddress)} ({GuestHest.Length} bytes)");
        _p.GuestMemory.Write(s.GuestHestAddress, GuestHest);
        _p.GuestMemory.Write(s.GuestRegionBase, region);
        RegionLength = region.Length;
        Sources = Wire.ReadSources(GuestHest);
        foreach (var x in Sources) _firstByType.TryAdd(x.NotificationType, x);
        _firstNotSea = Sources.FirstOrDefault(x => x.NotificationType != NotificationType.Sea);
        _writer = new ErrorStatusWriter(_p, Actor.Vmm, _p.GuestMemory, s.VmmQueueCapacity, s.VmmRetryUs, "guest");
        _p.Log(Actor.Vmm, "vmm.boot", $"guest RAM {string.Join(", ", s.GuestRam.Select(r => $"{Printable.Value(r.Name, 40)} GPA {VirtualPlatform.Hex(r.Gpa)}+{VirtualPlatform.Hex(r.Size)} at HVA {VirtualPlatform.Hex(r.Hva)}"))}; "
            + $"guest HEST ({GuestHest.Length} bytes) at GPA {VirtualPlatform.Hex(s.GuestHestAddress)}, hardware_errors region ({region.Length} bytes) at GPA {VirtualPlatform.Hex(s.GuestRegionBase)}",
            address: s.GuestHestAddress);
    }

    /// <summary>
    /// Every range the VMM process maps (guest RAM slots and its own mappings) must be disjoint in host virtual and
    /// in host physical space: otherwise one host page would belong to two owners and the host's reverse mapping
    /// would not say which.
    /// </summary>
    private static void CheckDisjoint(Scenario s)
    {
        var ranges = s.GuestRam.Select((r, i) => (Path: $"$.guest.ram[{i}]", r.Name, r.Hva, r.Hpa, r.Size))
            .Concat(s.VmmMappings.Select((m, i) => (Path: $"$.vmm.mappings[{i}]", m.Name, m.Hva, m.Hpa, m.Size))).ToList();
        for (int i = 0; i < ranges.Count; i++)
        {
            var a = ranges[i];
            if (a.Size == 0 || a.Hva + a.Size < a.Hva || a.Hpa + a.Size < a.Hpa) throw new ScenarioException(a.Path, $"{a.Name} is empty or wraps around");
            for (int j = 0; j < i; j++)
            {
                var b = ranges[j];
                if (a.Hva < b.Hva + b.Size && b.Hva < a.Hva + a.Size) throw new ScenarioException(a.Path, $"{a.Name} overlaps {b.Name} in host virtual space");
                if (a.Hpa < b.Hpa + b.Size && b.Hpa < a.Hpa + a.Size) throw new ScenarioException(a.Path, $"{a.Name} overlaps {b.Name} in host physical space");
            }
        }
    }

    internal void OnSigbus(string? errorId, ulong hva, bool actionRequired, int vcpu)
    {
        var outcome = errorId is null ? null : _p.Outcome(errorId);
        if (!Map.TryHvaToGpa(hva, out ulong gpa, out var slot))
        {
            _p.Log(Actor.Vmm, "vmm.not-guest-ram", $"SIGBUS for HVA {VirtualPlatform.Hex(hva)}: no guest RAM slot maps it (VMM-private memory); logged, nothing for the guest", errorId, address: hva);
            outcome?.Set(Disposition.NotGuestMemory, $"HVA {VirtualPlatform.Hex(hva)} is VMM memory, not guest RAM: logged by the VMM");
            return;
        }
        if (outcome is not null) outcome.GuestAddress = gpa;
        var error = outcome?.Error;
        NotificationType wanted = actionRequired ? NotificationType.Sea : error?.Route ?? _p.Scenario.DefaultAsyncRoute;
        // SEA is synchronous: it can only report an error that the vCPU being aborted consumed.
        var source = !actionRequired && wanted == NotificationType.Sea ? null : _firstByType.GetValueOrDefault(wanted);
        if (source is null)
        {
            var fallback = _firstNotSea ?? (actionRequired ? Sources.FirstOrDefault() : null);
            if (fallback is null)
            {
                _p.Log(Actor.Vmm, "vmm.no-source", "the guest HEST has no error source that can carry this error: it cannot be reported to the guest (LOST, reported)", errorId);
                outcome?.Set(Disposition.Lost, "the guest HEST has no source that can carry it");
                return;
            }
            string why = !actionRequired && wanted == NotificationType.Sea ? "SEA cannot carry an asynchronous error" : $"the guest HEST has no {wanted.Name().ToUpperInvariant()} source";
            _p.Log(Actor.Vmm, "vmm.route-fallback", $"{why}; using source {fallback.SourceId} ({fallback.NotificationType.Name().ToUpperInvariant()})", errorId);
            source = fallback;
        }
        _p.Log(Actor.Vmm, "vmm.translate", $"SIGBUS {(actionRequired ? "BUS_MCEERR_AR" : "BUS_MCEERR_AO")} at HVA {VirtualPlatform.Hex(hva)} -> GPA {VirtualPlatform.Hex(gpa)} (slot {Printable.Value(slot!.Name, 40)}); "
            + $"record for guest source {source.SourceId} ({source.NotificationType.Name().ToUpperInvariant()})", errorId, source.SourceId, source.NotificationType, address: gpa);
        byte[] block = Wire.EncodeStatusBlock(CperSeverity.Recoverable, [Wire.GuestMemorySection(gpa, _recordId++)]);
        var chosen = source;
        _writer!.Submit(errorId ?? "?", chosen, block, blockAddress =>
        {
            if (errorId is not null) _p.BlockWritten(_p.GuestMemory, blockAddress, errorId);
            _p.Guest.BlockWritten(chosen.SourceId);
            if (errorId is not null) _written.Add((errorId, chosen.SourceId, _p.Now));
            Notify(chosen, errorId, vcpu, actionRequired);
        });
    }

    private void Notify(GhesSourceInfo source, string? errorId, int vcpu, bool consumed)
    {
        switch (source.NotificationType)
        {
            case NotificationType.Sea:
            {
                var esr = ArmSyndrome.SynchronousExternalAbort(synchronousErrorType: 0);
                _p.Log(Actor.Vmm, "vmm.notify", $"inject SEA on vCPU {vcpu}: {esr}", errorId, source.SourceId, source.NotificationType, esr: esr.Value, cpu: vcpu);
                _p.At(_p.Now, () => _p.Guest.OnSynchronousAbort(vcpu, esr));
                break;
            }
            case NotificationType.Sei:
            {
                var esr = ArmSyndrome.SError(ArmSyndrome.AetForSeverity(CperSeverity.Recoverable, consumed));
                _p.Log(Actor.Vmm, "vmm.notify", $"pend virtual SError on vCPU 0 (VSESR_EL2): {esr}", errorId, source.SourceId, source.NotificationType, esr: esr.Value, cpu: 0);
                _p.At(_p.Now, () => _p.Guest.OnSError(0, esr));
                break;
            }
            case NotificationType.Gsiv:
            case NotificationType.Gpio:
            case NotificationType.Sci:
            case NotificationType.Nmi:
            case NotificationType.Sdei:
            {
                string how = source.NotificationType switch
                {
                    NotificationType.Gsiv => $"assert GSIV {source.Vector}",
                    NotificationType.Gpio => $"signal GPIO pin {source.Vector} (generic event device)",
                    NotificationType.Sci => "raise SCI",
                    NotificationType.Nmi => "inject NMI",
                    _ => "dispatch SDEI event",
                };
                _p.Log(Actor.Vmm, "vmm.notify", how, errorId, source.SourceId, source.NotificationType);
                _p.At(_p.Now, () => _p.Guest.OnInterrupt(source.NotificationType));
                break;
            }
            default:
                _p.Log(Actor.Vmm, "vmm.notify", $"polled source: nothing to signal; the guest reads it within {source.PollIntervalMs} ms", errorId, source.SourceId, source.NotificationType);
                break;
        }
    }

    /// <summary>The guest acknowledged a block: queued records may be written now.</summary>
    internal void OnGuestAcknowledged() => _writer?.Acknowledged();

    /// <summary>At the end of a run, reports every record still waiting for an acknowledgement, or written and not read yet (nothing is dropped silently).</summary>
    internal void ReportPending()
    {
        if (_writer is null) return;
        foreach (var p in _writer.Waiting)
        {
            _p.Log(Actor.Vmm, "vmm.pending", $"record for source {p.Source.SourceId} still queued at the end of the run: the guest never acknowledged the previous one", p.ErrorId, p.Source.SourceId);
            if (p.ErrorId != "?") _p.Outcome(p.ErrorId).Set(Disposition.Pending, $"queued for guest source {p.Source.SourceId}, which was never acknowledged");
        }
        // A record written but not read yet (a poll tick or a handler still to come when the run ended) is in flight too.
        foreach (var (errorId, sourceId, time) in _written)
        {
            var outcome = _p.Outcome(errorId);
            if (outcome.Disposition != Disposition.Pending) continue;
            _p.Log(Actor.Vmm, "vmm.pending", $"record for source {sourceId} written at {PlatformTrace.FormatTime(time)} but not read by the guest when the run ended", errorId, sourceId);
            outcome.Set(Disposition.Pending, $"written to guest source {sourceId}'s block at {PlatformTrace.FormatTime(time)}, not read by the guest when the run ended");
        }
    }
}
