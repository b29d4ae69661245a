using ApeiKit.Text;
using ApeiKit.Cper;

namespace ApeiKit.Platform;

/// <summary>
/// The resource and consistency limits of a scenario, checked once before anything is allocated or run: by
/// <see cref="ScenarioReader"/> (with the JSON path at fault) and again by <see cref="VirtualPlatform.Run"/> for
/// scenarios built in code. What passes here cannot make the run allocate without bound, wrap a time or an
/// address, or loop without advancing virtual time.
/// </summary>
internal static class ScenarioLimits
{
    /// <summary>HEST header: the 36-byte ACPI table header and the Error Source Count (ACPI 6.5 §18.3.2, Table 18.2).</summary>
    private const ulong HestHeaderSize = 40;
    /// <summary>One GHESv2 structure (ACPI 6.5 §18.3.2.8, Table 18.13: 92 bytes).</summary>
    private const ulong GhesV2Size = 92;
    /// <summary>The smallest block that holds one record: status block header (20), data entry header (72), memory section.</summary>
    internal const uint MinBlockLength = 20 + 72 + MemoryErrorSection.Size;

    /// <summary>Checks everything but the timeline.</summary>
    /// <exception cref="ScenarioException">A limit is passed.</exception>
    public static void CheckPlatform(Scenario s)
    {
        if (s.Vcpus.Count == 0) throw new ScenarioException("$.guest.vcpus", "at least one vCPU is needed");
        var vcpuIds = new HashSet<int>();
        for (int i = 0; i < s.Vcpus.Count; i++)
        {
            if (s.Vcpus[i].Id < 0 || (ulong)s.Vcpus[i].Id > Scenario.MaxVcpuId) throw new ScenarioException($"$.guest.vcpus[{i}].id", $"must be from 0 to {Scenario.MaxVcpuId}");
            if (!vcpuIds.Add(s.Vcpus[i].Id)) throw new ScenarioException($"$.guest.vcpus[{i}].id", $"vCPU {s.Vcpus[i].Id} is listed twice");
        }
        if (s.GuestRam.Count > Scenario.MaxRamSlots) throw new ScenarioException("$.guest.ram", $"{s.GuestRam.Count} slots; at most {Scenario.MaxRamSlots}");
        if (s.VmmMappings.Count > Scenario.MaxRamSlots) throw new ScenarioException("$.vmm.mappings", $"{s.VmmMappings.Count} mappings; at most {Scenario.MaxRamSlots}");
        if (s.GuestSources.Count > Scenario.MaxSources) throw new ScenarioException("$.guest.sources", $"{s.GuestSources.Count} sources; at most {Scenario.MaxSources}");
        var sourceIds = new HashSet<ushort>();
        ulong region = 16 * (ulong)s.GuestSources.Count; // an error-block-address and a read-ack register per source
        for (int i = 0; i < s.GuestSources.Count; i++)
        {
            var g = s.GuestSources[i];
            if (!sourceIds.Add(g.SourceId)) throw new ScenarioException($"$.guest.sources[{i}].sourceId", $"source ID {g.SourceId} appears twice");
            if (g.BlockLength < MinBlockLength || g.BlockLength > Scenario.MaxBlockLength)
                throw new ScenarioException($"$.guest.sources[{i}].blockLength", $"{g.BlockLength} bytes; a block must hold one memory error record ({MinBlockLength} bytes) and be at most {Scenario.MaxBlockLength} bytes");
            region += g.BlockLength;
            if (region > Scenario.MaxRegionBytes)
                throw new ScenarioException($"$.guest.sources[{i}].blockLength", $"the error-status region would pass {Scenario.MaxRegionBytes >> 20} MiB (the blocks and registers of all sources together) at this source");
        }
        if (s.GuestRegionBase > ulong.MaxValue - region)
            throw new ScenarioException("$.guest.errorRegionBase", $"the {region}-byte error-status region at 0x{s.GuestRegionBase:X} passes the end of the address space");
        ulong hest = HestHeaderSize + GhesV2Size * (ulong)s.GuestSources.Count;
        if (s.GuestHestAddress > ulong.MaxValue - hest)
            throw new ScenarioException("$.guest.hestAddress", $"the {hest}-byte HEST at 0x{s.GuestHestAddress:X} passes the end of the address space");
        if (s.GuestAckDelayUs > Scenario.MaxTimeUs) throw new ScenarioException("$.guest.ackDelay", $"more than the maximum time {Scenario.MaxTimeUs}us");
        if (s.VmmRetryUs == 0 || s.VmmRetryUs > Scenario.MaxTimeUs)
            throw new ScenarioException("$.vmm.retryInterval", $"must be from 1us to {Scenario.MaxTimeUs}us (a zero interval would stop virtual time)");
        if (s.VmmQueueCapacity < 0) throw new ScenarioException("$.vmm.queueCapacity", "must not be negative");
        if (s.HostCpus < 1) throw new ScenarioException("$.host.cpus", "at least one host CPU is needed");
        if (s.EndUs > Scenario.MaxTimeUs) throw new ScenarioException("$.end", $"more than the maximum time {Scenario.MaxTimeUs}us");
    }

    /// <summary>Checks the whole scenario, timeline included.</summary>
    /// <exception cref="ScenarioException">A limit is passed.</exception>
    public static void Check(Scenario s)
    {
        CheckPlatform(s);
        ScenarioReader.CheckSteps(s);
        if ((ulong)s.Timeline.Count > Scenario.MaxErrors) throw new ScenarioException("$.timeline", $"{s.Timeline.Count} errors; at most {Scenario.MaxErrors}");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in s.Timeline)
        {
            if (!ids.Add(e.Id)) throw new ScenarioException("$.timeline", $"error ID '{Printable.Value(e.Id)}' is used twice");
            if (e.AtUs > Scenario.MaxTimeUs) throw new ScenarioException("$.timeline", $"error {Printable.Value(e.Id)} at {e.AtUs}us is later than the maximum time {Scenario.MaxTimeUs}us");
            // An error after the end would never be injected, and nothing would say so.
            if (s.EndUs != 0 && e.AtUs > s.EndUs)
                throw new ScenarioException("$.end", $"the run ends at {PlatformTrace.FormatTime(s.EndUs)}, before error {Printable.Value(e.Id)} at {PlatformTrace.FormatTime(e.AtUs)} (every error must happen by the end)");
        }
    }
}
