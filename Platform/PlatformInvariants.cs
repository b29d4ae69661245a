namespace ApeiKit.Platform;

/// <summary>
/// The properties every run must have, checked from its trace and final state. Tests run them on the default
/// scenario, on each mechanism alone and on randomly generated scenarios; an empty list means the run kept
/// every promise.
/// </summary>
public static class PlatformInvariants
{
    /// <summary>Checks a run; returns one line per violation.</summary>
    public static List<string> Check(PlatformRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var v = new List<string>();
        var events = run.Trace.Events;
        var guestSources = run.Guest.Sources.ToDictionary(s => s.SourceId);
        var vmmSources = run.Vmm.Sources.ToDictionary(s => s.SourceId);

        // Every guest read follows a VMM write of exactly those bytes to that block, and that write came before
        // the notification for it.
        foreach (var read in events.Where(e => e.Action == "guest.read"))
        {
            var write = events.LastOrDefault(e => e.Seq < read.Seq && e.Action == "vmm.write" && e.BlockAddress == read.BlockAddress);
            if (write is null) { v.Add($"#{read.Seq}: the guest read a block at {Trace.Hex(read.BlockAddress ?? 0)} that the VMM never wrote"); continue; }
            if (write.ErrorId != read.ErrorId) v.Add($"#{read.Seq}: the guest read error {read.ErrorId} but the last write there was {write.ErrorId}");
            if (!(write.Bytes ?? []).AsSpan().SequenceEqual(read.Bytes)) v.Add($"#{read.Seq}: the guest read bytes that differ from what the VMM wrote at #{write.Seq}");
            var notify = events.FirstOrDefault(e => e.Seq > write.Seq && e.Action == "vmm.notify" && e.ErrorId == write.ErrorId);
            if (notify is not null && events.Any(e => e.Seq > notify.Seq && e.Seq < read.Seq && e.Action == "vmm.write" && e.BlockAddress == read.BlockAddress))
                v.Add($"#{read.Seq}: the block was rewritten between the notification and the guest's read");
            // The guest's address comes from its own HEST and equals what the VMM laid out.
            if (read.SourceId is { } sid)
            {
                if (!guestSources.TryGetValue((ushort)sid, out var gs) || !vmmSources.TryGetValue((ushort)sid, out var vs))
                    v.Add($"#{read.Seq}: source {sid} is not in both the guest's and the VMM's view of the HEST");
                else if (gs.ErrorBlockAddressRegister != vs.ErrorBlockAddressRegister)
                    v.Add($"#{read.Seq}: the guest's HEST puts source {sid}'s register at {Trace.Hex(gs.ErrorBlockAddressRegister)}, the VMM's at {Trace.Hex(vs.ErrorBlockAddressRegister)}");
            }
        }
        foreach (var notify in events.Where(e => e.Action == "vmm.notify"))
        {
            var write = events.LastOrDefault(e => e.Seq < notify.Seq && e.Action == "vmm.write" && e.ErrorId == notify.ErrorId);
            if (write is null) v.Add($"#{notify.Seq}: the VMM notified the guest of {notify.ErrorId} before writing its record");
        }

        // No block is written again before the guest acknowledged the previous record (GHESv2 sources).
        foreach (var source in run.Vmm.Sources.Where(s => s.ReadAck is not null))
        {
            bool outstanding = false;
            foreach (var e in events.Where(e => e.SourceId == source.SourceId && e.Action is "vmm.write" or "guest.ack"))
            {
                if (e.Action == "vmm.write")
                {
                    if (outstanding) v.Add($"#{e.Seq}: source {source.SourceId} rewritten before the guest acknowledged the previous record");
                    outstanding = true;
                }
                else outstanding = false;
            }
        }

        foreach (var o in run.Outcomes)
        {
            var e = o.Error;
            // Nothing is lost silently.
            if (o.Disposition == Disposition.Lost && !events.Any(x => x.ErrorId == e.Id && x.Action.EndsWith(".lost", StringComparison.Ordinal) || x.ErrorId == e.Id && x.Action is "vmm.no-source" or "vmm.too-large"))
                v.Add($"{e.Id}: lost without a trace event saying so");
            if (o.Disposition == Disposition.Pending && !events.Any(x => x.ErrorId == e.Id && x.Action == "vmm.pending"))
                v.Add($"{e.Id}: never reached an end and nothing reported it");
            // Fatal errors never reach the guest.
            if ((e.Severity == Severity.Fatal && e.Kind is ErrorKind.ArmProcessor or ErrorKind.PcieAer) && o.Disposition == Disposition.DeliveredToGuest)
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
                    var record = run.Guest.Records.LastOrDefault(r => r.ErrorId == e.Id);
                    ulong? seen = record?.Block.Entries.FirstOrDefault(x => x.Kind == EntryKind.Memory)?.Address;
                    if (seen != gpa) v.Add($"{e.Id}: the guest saw address {Trace.Hex(seen ?? 0)}, the memory map gives {Trace.Hex(gpa)}");
                    var slot = run.Scenario.GuestRam.First(s => hva >= s.Hva && hva - s.Hva < s.Size);
                    if (slot.Hpa + (hva - slot.Hva) != e.HostAddress) v.Add($"{e.Id}: the host signalled HVA {Trace.Hex(hva)}, which is not host physical {Trace.Hex(e.HostAddress)}");
                }
                // A consumed error arrives by SEA; an asynchronous one by what it asked for (when the guest has it).
                if (e.Kind == ErrorKind.MemoryConsumed && run.Vmm.Sources.Any(s => s.Mechanism == Mechanism.Sea) && o.GuestMechanism != Mechanism.Sea) v.Add($"{e.Id}: consumed error delivered by {o.GuestMechanism}, not SEA");
                if (e.Kind == ErrorKind.MemoryScrub && e.Route is { } route && route != Mechanism.Sea && run.Vmm.Sources.Any(s => s.Mechanism == route) && o.GuestMechanism != route)
                    v.Add($"{e.Id}: asked for {route.Name()}, delivered by {o.GuestMechanism?.Name()}");
            }
        }
        if (run.Guest.Panicked) v.Add("the guest panicked");

        // Syndromes decode to what was meant.
        foreach (var e in events.Where(e => e.Esr is not null && e.Actor == Actor.Vmm))
        {
            var esr = new ArmSyndrome(e.Esr!.Value);
            if (e.Mechanism == Mechanism.Sea && !(esr.ExceptionClass == ArmSyndrome.EcDataAbortLowerEl && esr.FaultStatusCode == ArmSyndrome.FscSyncExternalAbort && esr.FarNotValid && esr.SynchronousErrorType == 0))
                v.Add($"#{e.Seq}: SEA syndrome {esr} is not a data abort with DFSC 0x10, FnV and SET UER");
            if (e.Mechanism == Mechanism.Sei && !(esr.ExceptionClass == ArmSyndrome.EcSError && !esr.ImplementationDefinedSyndrome && esr.FaultStatusCode == ArmSyndrome.FscAsyncSError
                && esr.AsyncErrorType is SErrorType.Restartable or SErrorType.Recoverable))
                v.Add($"#{e.Seq}: SEI syndrome {esr} is not an architected SError with a recoverable AET");
        }

        // Polled sources are found within one poll interval.
        foreach (var write in events.Where(e => e.Action == "vmm.write" && e.Mechanism == Mechanism.Polled))
        {
            var source = run.Vmm.Sources.First(s => s.SourceId == write.SourceId);
            var read = events.FirstOrDefault(e => e.Seq > write.Seq && e.Action == "guest.read" && e.ErrorId == write.ErrorId);
            ulong limit = (ulong)Math.Max(1u, source.PollIntervalMs) * 1000;
            if (read is null)
            {
                if (write.TimeUs + limit <= run.Trace.Events[^1].TimeUs) v.Add($"#{write.Seq}: polled record {write.ErrorId} never read");
            }
            else if (read.TimeUs - write.TimeUs > limit)
            {
                v.Add($"#{write.Seq}: polled record {write.ErrorId} read after {read.TimeUs - write.TimeUs}us, more than the {limit}us poll interval");
            }
        }
        return v;
    }
}
