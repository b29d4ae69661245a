using ApeiKit.Cper;

namespace ApeiKit.Platform;

/// <summary>What kind of hardware error is injected.</summary>
public enum ErrorKind
{
    /// <summary>An uncorrected memory error consumed by a CPU (a load from a poisoned page): synchronous, action required.</summary>
    MemoryConsumed,
    /// <summary>An uncorrected memory error found by the patrol scrubber: asynchronous, action optional.</summary>
    MemoryScrub,
    /// <summary>A corrected memory error (ECC fixed it): logged and counted only.</summary>
    MemoryCorrected,
    /// <summary>An ARM processor error (cache, TLB, bus or micro-architectural error information).</summary>
    ArmProcessor,
    /// <summary>A PCI Express AER error.</summary>
    PcieAer,
}

/// <summary>What the host does with a fatal processor error.</summary>
public enum FatalPolicy
{
    /// <summary>Take the reporting CPU offline and carry on (the error is contained to that CPU).</summary>
    OfflineCpu,
    /// <summary>Panic the host, as Linux's GHES driver does for fatal severities: nothing runs after it.</summary>
    Panic,
}

/// <summary>One guest RAM slot and the host memory behind it.</summary>
/// <param name="Name">Slot name.</param>
/// <param name="Gpa">Guest physical base.</param>
/// <param name="Hva">Host virtual base in the VMM process.</param>
/// <param name="Hpa">Host physical base of the (contiguous, for simplicity) backing.</param>
/// <param name="Size">Bytes.</param>
public sealed record RamSlotSpec(string Name, ulong Gpa, ulong Hva, ulong Hpa, ulong Size);

/// <summary>Memory the VMM process maps that is not guest RAM (its heap, device buffers).</summary>
/// <param name="Name">Mapping name.</param>
/// <param name="Hva">Host virtual base.</param>
/// <param name="Hpa">Host physical base.</param>
/// <param name="Size">Bytes.</param>
public sealed record VmmMappingSpec(string Name, ulong Hva, ulong Hpa, ulong Size);

/// <summary>A guest vCPU and the task it runs (the task a consumed error kills).</summary>
/// <param name="Id">vCPU index.</param>
/// <param name="Task">Name of the guest task running on it.</param>
public sealed record VcpuSpec(int Id, string Task);

/// <summary>One GHESv2 error source of a HEST the platform builds (guest or host).</summary>
/// <param name="SourceId">Source ID.</param>
/// <param name="NotificationType">Notification type.</param>
/// <param name="PollIntervalMs">Poll interval (ms) for polled sources.</param>
/// <param name="BlockLength">Error status block length.</param>
/// <param name="Vector">Interrupt vector (GSIV) or GPIO pin, for the trace.</param>
public sealed record GhesSourceSpec(ushort SourceId, NotificationType NotificationType, uint PollIntervalMs = 0, uint BlockLength = 1024, uint Vector = 0);

/// <summary>One injected hardware error.</summary>
public sealed record InjectedError
{
    /// <summary>Identifier used in the trace and summary ("e1").</summary>
    public required string Id { get; init; }
    /// <summary>Virtual time of injection, microseconds.</summary>
    public required ulong AtUs { get; init; }
    /// <summary>Kind.</summary>
    public required ErrorKind Kind { get; init; }
    /// <summary>Host physical address of a memory error.</summary>
    public ulong HostAddress { get; init; }
    /// <summary>vCPU that consumed a memory error (<see cref="ErrorKind.MemoryConsumed"/>).</summary>
    public int Vcpu { get; init; }
    /// <summary>Guest notification mechanism asked for an asynchronous error (null: the scenario's default).</summary>
    public NotificationType? Route { get; init; }
    /// <summary>Severity for processor and PCIe errors.</summary>
    public CperSeverity Severity { get; init; } = CperSeverity.Recoverable;
    /// <summary>ARM error-information kind.</summary>
    public ArmErrorKind ArmKind { get; init; } = ArmErrorKind.Cache;
    /// <summary>Host CPU that reports a processor error.</summary>
    public int Cpu { get; init; }
    /// <summary>PCIe segment/bus/device/function, "0000:01:00.0".</summary>
    public string? PcieDevice { get; init; }
    /// <summary>Free text from the scenario.</summary>
    public string? Note { get; init; }
    /// <summary>True when firmware raised it for an EINJ injection (then a memory error's <see cref="Severity"/> applies too).</summary>
    public bool FromEinj { get; init; }
}

/// <summary>
/// A complete platform run: the guest's memory map and HEST, the host, the VMM's policy and a timeline of
/// injected errors. Load one from JSON with <see cref="ScenarioReader"/>; <see cref="Scenario.Default"/> is the
/// embedded Arm VM scenario.
/// </summary>
public sealed class Scenario
{
    /// <summary>Latest virtual time a scenario may name (10^15 us, about 31.7 years): sums of times never wrap.</summary>
    public const ulong MaxTimeUs = 1_000_000_000_000_000;
    /// <summary>Most repetitions of one timeline entry.</summary>
    public const ulong MaxRepeat = 100_000;
    /// <summary>Most injected errors in one scenario (after repetitions).</summary>
    public const ulong MaxErrors = 200_000;
    /// <summary>Most guest error sources.</summary>
    public const int MaxSources = 4096;
    /// <summary>Largest error status block of one source (1 MiB).</summary>
    public const ulong MaxBlockLength = 1 << 20;
    /// <summary>Largest guest error-status region (registers and blocks of every source together, 64 MiB).</summary>
    public const ulong MaxRegionBytes = 64UL << 20;
    /// <summary>Most guest RAM slots, and most VMM mappings.</summary>
    public const int MaxRamSlots = 256;
    /// <summary>Largest vCPU index.</summary>
    public const ulong MaxVcpuId = 4095;

    /// <summary>Name.</summary>
    public string Name { get; init; } = "scenario";
    /// <summary>What it shows.</summary>
    public string Description { get; init; } = "";
    /// <summary>Guest RAM slots.</summary>
    public List<RamSlotSpec> GuestRam { get; init; } = [];
    /// <summary>VMM mappings that are not guest RAM.</summary>
    public List<VmmMappingSpec> VmmMappings { get; init; } = [];
    /// <summary>vCPUs.</summary>
    public List<VcpuSpec> Vcpus { get; init; } = [];
    /// <summary>The guest HEST's error sources.</summary>
    public List<GhesSourceSpec> GuestSources { get; init; } = [];
    /// <summary>Guest physical address of the guest HEST.</summary>
    public ulong GuestHestAddress { get; init; } = 0x0900_0000;
    /// <summary>Guest physical base of the guest's error-status region (QEMU's hardware_errors blob).</summary>
    public ulong GuestRegionBase { get; init; } = 0x0910_0000;
    /// <summary>Time the guest takes from reading a record to acknowledging it, microseconds.</summary>
    public ulong GuestAckDelayUs { get; init; } = 50;
    /// <summary>False: the guest never acknowledges (a hung guest).</summary>
    public bool GuestAcknowledges { get; init; } = true;
    /// <summary>Records the VMM may hold while a guest source is unacknowledged.</summary>
    public int VmmQueueCapacity { get; init; } = 16;
    /// <summary>How often the VMM retries queued records, microseconds.</summary>
    public ulong VmmRetryUs { get; init; } = 20;
    /// <summary>Guest mechanism for asynchronous memory errors that do not name one.</summary>
    public NotificationType DefaultAsyncRoute { get; init; } = NotificationType.Gpio;
    /// <summary>Host CPUs.</summary>
    public int HostCpus { get; init; } = 8;
    /// <summary>What the host does with fatal processor errors.</summary>
    public FatalPolicy FatalPolicy { get; init; } = FatalPolicy.OfflineCpu;
    /// <summary>Virtual time at which the run ends, microseconds (0: after the last event plus the longest poll interval).</summary>
    public ulong EndUs { get; init; }
    /// <summary>The injected errors, in any order (run in time order, ties by position).</summary>
    public List<InjectedError> Timeline { get; init; } = [];

    /// <summary>The host's EINJ and ERST (null: none, unless a step needs them; then the defaults).</summary>
    public ApeiSetup? Apei { get; init; }
    /// <summary>EINJ injections, reboots and ERST clears, in any order (run in time order).</summary>
    public List<PlatformStep> Steps { get; init; } = [];

    /// <summary>The embedded default scenario (see <c>Platform/Scenarios/default-arm-vm.json</c>).</summary>
    public static Scenario Default => ScenarioReader.Read(DefaultJson, "default-arm-vm.json");

    /// <summary>The JSON text of the default scenario.</summary>
    public static string DefaultJson
    {
        get
        {
            using var s = typeof(Scenario).Assembly.GetManifestResourceStream("default-arm-vm.json")
                ?? throw new InvalidOperationException("The default scenario resource is missing from the assembly.");
            using var r = new StreamReader(s);
            return r.ReadToEnd();
        }
    }
}
