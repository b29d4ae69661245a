using ApeiKit.Text;
namespace ApeiKit.Platform;

/// <summary>
/// The properties every run must have, checked from its trace and final state. Tests run them on the default
/// scenario, on each mechanism alone and on randomly generated scenarios; an empty list means the run kept
/// every promise. Every check indexes the trace once (by block, error ID and source), so checking costs time
/// linear in the number of events.
/// </summary>
public static class PlatformInvariants
{
    /// <summary>Checks a run; returns one line per violation.</summary>
    public static List<string> Check(PlatformRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var v = new List<string>();
        var events = run.Trace.Events;
        var guestSources = run.Guest.Sources.GroupBy(s => s.SourceId).ToDictionary(g => g.Key, g => g.First());
        var vmmSources = run.Vmm.Sources.GroupBy(s => s.SourceId).ToDictionary(g => g.Key, g => g.First());
        var vmmTypes = run.Vmm.Sources.Select(s => s.NotificationType).ToHashSet();
        var readAckSources = run.Vmm.Sources.Where(s => s.ReadAck is not null).Select(s => (int)s.SourceId).ToHashSet();

        if (run.Stalled is { } stall) v.Add($"the run stopped early: {stall}");

        // One pass in trace order: the last VMM write per block, the errors written so far, read-ack state per source,
        // and what each error's events say about its end.
        var lastWriteAt = new Dictionary<ulong, TraceEvent>();
        var written = new HashSet<string>(StringComparer.Ordinal);
        var outstanding = new HashSet<int>();
        var reportedLost = new HashSet<string>(StringComparer.Ordinal);
        var reportedPending = new HashSet<string>(StringComparer.Ordinal);
        var readsOf = new Dictionary<string, List<TraceEvent>>(StringComparer.Ordinal);
        var polledWrites = new List<TraceEvent>();
        foreach (var e in events)
        {
            switch (e.Action)
            {
                case "vmm.write":
                    if (e.BlockAddress is { } block) lastWriteAt[block] = e;
                    if (e.ErrorId is not null) written.Add(e.ErrorId);
                    // No block is written again before the guest acknowledged the previous record (GHESv2 sources).
                    if (e.SourceId is { } ws && readAckSources.Contains(ws) && !outstanding.Add(ws))
                        v.Add($"#{e.Seq}: source {ws} rewritten before the guest acknowledged the previous record");
                    if (e.NotificationType == NotificationType.Polled) polledWrites.Add(e);
                    break;
                case "guest.ack":
                    if (e.SourceId is { } acked) outstanding.Remove(acked);
                    break;
                case "vmm.notify":
                    if (!written.Contains(e.ErrorId ?? "")) v.Add($"#{e.Seq}: the VMM notified the guest of {e.ErrorId} before writing its record");
                    break;
                case "guest.read":
                    CheckRead(e, lastWriteAt, guestSources, vmmSources, v);
                    if (e.ErrorId is not null)
                    {
                        if (!readsOf.TryGetValue(e.ErrorId, out var reads)) readsOf[e.ErrorId] = reads = [];
                        reads.Add(e);
                    }
                    break;
                case "vmm.pending" or "firmware.pending":
                    if (e.ErrorId is not null) reportedPending.Add(e.ErrorId);
                    break;
                case "vmm.no-source" or "vmm.too-large":
                    if (e.ErrorId is not null) reportedLost.Add(e.ErrorId);
                    break;
                default:
                    if (e.ErrorId is not null && e.Action.EndsWith(".lost", StringComparison.Ordinal)) reportedLost.Add(e.ErrorId);
                    break;
            }
            // Syndromes decode to what was meant.
            if (e.Esr is { } value && e.Actor == Actor.Vmm) CheckSyndrome(e, new ArmSyndrome(value), v);
        }

        var lastRecord = new Dictionary<string, ReadRecord>(StringComparer.Ordinal);
        foreach (var r in run.Guest.Records)
        {
            if (r.ErrorId is not null) lastRecord[r.ErrorId] = r;
        }
        foreach (var o in run.Outcomes)
        {
            var e = o.Error;
            // Nothing is lost silently.
            if (o.Disposition == Disposition.Lost && !reportedLost.Contains(e.Id)) v.Add($"{e.Id}: lost without a trace event saying so");
            if (o.Disposition == Disposition.Pending && !reportedPending.Contains(e.Id)) v.Add($"{e.Id}: never reached an end and nothing reported it");
            // Fatal errors never reach the guest.
            if ((e.Severity == CperSeverity.Fatal && e.Kind is ErrorKind.ArmProcessor or ErrorKind.PcieAer) && o.Disposition == Disposition.DeliveredToGuest)
                v.Add($"{e.Id}: a fatal error reached the guest");
            // The guest address is the host address translated through the memory map.
            if (o.Disposition == Disposition.DeliveredToGuest)
            {
                if (o.HostVirtualAddress is not { } hva || !run.Vmm.Map.TryHvaToGpa(hva, out ulong gpa, out _))
                {
                    v.Add($"{e.Id}: delivered to the guest without a host virtual address in guest RAM");
                }
                else
                {
                    var record = lastRecord.GetValueOrDefault(e.Id);
                    ulong? seen = record?.Block.Entries.FirstOrDefault(x => x.Kind == EntryKind.Memory)?.Address;
                    if (seen != gpa) v.Add($"{e.Id}: the guest saw address {PlatformTrace.Hex(seen ?? 0)}, the memory map gives {PlatformTrace.Hex(gpa)}");
                    var slot = run.Scenario.GuestRam.First(s => hva >= s.Hva && hva - s.Hva < s.Size);
                    if (slot.Hpa + (hva - slot.Hva) != e.HostAddress) v.Add($"{e.Id}: the host signalled HVA {PlatformTrace.Hex(hva)}, which is not host physical {PlatformTrace.Hex(e.HostAddress)}");
                }
                // A consumed error arrives by SEA; an asynchronous one by what it asked for (when the guest has it).
                if (e.Kind == ErrorKind.MemoryConsumed && vmmTypes.Contains(NotificationType.Sea) && o.GuestNotificationType != NotificationType.Sea) v.Add($"{e.Id}: consumed error delivered by {o.GuestNotificationType}, not SEA");
                if (e.Kind == ErrorKind.MemoryScrub && e.Route is { } route && route != NotificationType.Sea && vmmTypes.Contains(route) && o.GuestNotificationType != route)
                    v.Add($"{e.Id}: asked for {route.Name()}, delivered by {o.GuestNotificationType?.Name()}");
            }
        }
        if (run.Guest.Panicked) v.Add("the guest panicked");

        // Polled sources are found within one poll interval.
        ulong lastTime = events.Count == 0 ? 0 : events[^1].TimeUs;
        foreach (var write in polledWrites)
        {
            if (write.SourceId is not { } sid || !vmmSources.TryGetValue((ushort)sid, out var source)) continue;
            var read = readsOf.GetValueOrDefault(write.ErrorId ?? "")?.FirstOrDefault(r => r.Seq > write.Seq);
            ulong limit = (ulong)Math.Max(1u, source.PollIntervalMs) * 1000;
            if (read is null)
            {
                if (write.TimeUs + limit <= lastTime) v.Add($"#{write.Seq}: polled record {write.ErrorId} never read");
            }
            else if (read.TimeUs - write.TimeUs > limit)
            {
                v.Add($"#{write.Seq}: polled record {write.ErrorId} read after {read.TimeUs - write.TimeUs}us, more than the {limit}us poll interval");
            }
        }
        return v;
    }

    /// <summary>
    /// The errors the guest's platform could not deliver as they were meant, one line each: a record lost (queue
    /// overflow, no source that can carry it, too large for its block), a record not delivered when the run ended
    /// (queued because the guest never acknowledged the one before it, or written and not read yet), and an action-required error (a consumed page) delivered as action
    /// optional because the guest's HEST has no SEA source (the task that consumed it is not killed). The simulator
    /// keeps its promises on such a run (<see cref="Check"/> may be empty), but the platform it models loses or
    /// weakens errors; <c>apeikit simulate</c> reports these lines and exits 1.
    /// </summary>
    public static List<string> CheckDelivery(PlatformRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var v = new List<string>();
        foreach (var o in run.Outcomes)
        {
            var e = o.Error;
            switch (o.Disposition)
            {
                case Disposition.Lost:
                    v.Add($"{Printable.Value(e.Id, 40)}: LOST: {o.Detail}");
                    break;
                case Disposition.Pending:
                    v.Add($"{Printable.Value(e.Id, 40)}: never delivered: {o.Detail}");
                    break;
                case Disposition.DeliveredToGuest when e.Kind == ErrorKind.MemoryConsumed && o.GuestNotificationType != NotificationType.Sea:
                    v.Add($"{Printable.Value(e.Id, 40)}: action-required error delivered as action optional by {o.GuestNotificationType?.Name().ToUpperInvariant()}: the guest's HEST has no SEA source, so the task on vCPU {e.Vcpu} was not stopped");
                    break;
            }
        }
        if (run.Stalled is { } stall) v.Add($"the run stopped early ({stall}): later errors were never injected");
        return v;
    }

    private static void CheckRead(TraceEvent read, Dictionary<ulong, TraceEvent> lastWriteAt, Dictionary<ushort, GhesSourceInfo> guestSources,
        Dictionary<ushort, GhesSourceInfo> vmmSources, List<string> v)
    {
        // Every guest read follows a VMM write of exactly those bytes to that block, and that write came before the
        // notification for it. (A rewrite between the notification and the read would make the last write another
        // error's, which the error ID comparison reports.)
        if (read.BlockAddress is not { } block || !lastWriteAt.TryGetValue(block, out var write))
        {
            v.Add($"#{read.Seq}: the guest read a block at {PlatformTrace.Hex(read.BlockAddress ?? 0)} that the VMM never wrote");
            return;
        }
        if (write.ErrorId != read.ErrorId) v.Add($"#{read.Seq}: the guest read error {read.ErrorId} but the last write there was {write.ErrorId}");
        if (!(write.Bytes ?? []).AsSpan().SequenceEqual(read.Bytes)) v.Add($"#{read.Seq}: the guest read bytes that differ from what the VMM wrote at #{write.Seq}");
        // The guest's address comes from its own HEST and equals what the VMM laid out.
        if (read.SourceId is { } sid)
        {
            if (!guestSources.TryGetValue((ushort)sid, out var gs) || !vmmSources.TryGetValue((ushort)sid, out var vs))
                v.Add($"#{read.Seq}: source {sid} is not in both the guest's and the VMM's view of the HEST");
            else if (gs.ErrorBlockAddressRegister != vs.ErrorBlockAddressRegister)
                v.Add($"#{read.Seq}: the guest's HEST puts source {sid}'s register at {PlatformTrace.Hex(gs.ErrorBlockAddressRegister)}, the VMM's at {PlatformTrace.Hex(vs.ErrorBlockAddressRegister)}");
        }
    }

    private static void CheckSyndrome(TraceEvent e, ArmSyndrome esr, List<string> v)
    {
        if (e.NotificationType == NotificationType.Sea && !(esr.ExceptionClass == ArmSyndrome.EcDataAbortLowerEl && esr.FaultStatusCode == ArmSyndrome.FscSyncExternalAbort && esr.FarNotValid && esr.SynchronousErrorType == 0))
            v.Add($"#{e.Seq}: SEA syndrome {esr} is not a data abort with DFSC 0x10, FnV and SET UER");
        if (e.NotificationType == NotificationType.Sei && !(esr.ExceptionClass == ArmSyndrome.EcSError && !esr.ImplementationDefinedSyndrome && esr.FaultStatusCode == ArmSyndrome.FscAsyncSError
            && esr.AsyncErrorType is SErrorType.Restartable or SErrorType.Recoverable))
            v.Add($"#{e.Seq}: SEI syndrome {esr} is not an architected SError with a recoverable AET");
    }
}
