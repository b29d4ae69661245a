using ApeiKit.Text;
using ApeiKit.Cper;

namespace ApeiKit.Platform;

/// <summary>
/// Firmware at EL3, handling errors first: it owns the host's HEST and error-status region, records each
/// injected hardware error as CPER in the error status block of the matching host error source, and notifies
/// the host by that source's mechanism (SEA for a consumed error, SDEI for other uncorrected errors, a GSIV
/// interrupt for corrected ones: the usual split on Arm servers).
/// </summary>
public sealed class PlatformFirmware
{
    /// <summary>Host physical address of the host HEST.</summary>
    public const ulong HostHestAddress = 0xF000_0000;
    /// <summary>Host physical base of the host error-status region.</summary>
    public const ulong HostRegionBase = 0xF001_0000;

    private readonly VirtualPlatform _p;
    private ErrorStatusWriter? _writer;
    private ulong _recordId = 1;
    private readonly List<string> _submitted = [];

    internal PlatformFirmware(VirtualPlatform platform) => _p = platform;

    /// <summary>The host HEST's sources as firmware declared them.</summary>
    public static IReadOnlyList<GhesSourceSpec> HostSourceSpecs { get; } =
    [
        new(0, NotificationType.Sea, BlockLength: 4096),
        new(1, NotificationType.Sdei, BlockLength: 4096),
        new(2, NotificationType.Gsiv, BlockLength: 4096, Vector: 0x34),
    ];

    /// <summary>The host HEST bytes firmware published.</summary>
    public byte[] HostHest { get; private set; } = [];

    /// <summary>Length of the host's error-status region (at <see cref="HostRegionBase"/>).</summary>
    public int RegionLength { get; private set; }
    /// <summary>The sources, parsed back from <see cref="HostHest"/>.</summary>
    public IReadOnlyList<GhesSourceInfo> Sources { get; private set; } = [];

    internal void Boot()
    {
        HostHest = Wire.BuildHest(HostSourceSpecs, HostRegionBase, "APEIKT", "HOSTHEST", out byte[] region);
        _p.HostMemory.Write(HostHestAddress, HostHest);
        _p.HostMemory.Write(HostRegionBase, region);
        RegionLength = region.Length;
        Sources = Wire.ReadSources(HostHest);
        _writer = new ErrorStatusWriter(_p, Actor.Firmware, _p.HostMemory, capacity: 64, retryUs: 10, consumerName: "host");
        _p.Log(Actor.Firmware, "firmware.boot", $"published host HEST ({HostHest.Length} bytes) at {VirtualPlatform.Hex(HostHestAddress)} with {Sources.Count} GHESv2 sources "
            + $"({string.Join(", ", Sources.Select(s => $"#{s.SourceId} {s.NotificationType.Name().ToUpperInvariant()}"))}); error-status region ({region.Length} bytes) at {VirtualPlatform.Hex(HostRegionBase)}",
            address: HostHestAddress);
    }

    internal void Inject(InjectedError e)
    {
        var outcome = _p.Outcome(e.Id);
        string what = Describe(e);
        if (e.Kind is ErrorKind.MemoryConsumed or ErrorKind.MemoryScrub or ErrorKind.MemoryCorrected)
        {
            if (e.Kind != ErrorKind.MemoryCorrected) _p.HostMemory.Poison(e.HostAddress);
            _p.Log(Actor.Hardware, "hw.error", what + (e.Note is null ? "" : $" ({Printable.Value(e.Note)})"), e.Id, address: e.HostAddress, cpu: e.Kind == ErrorKind.MemoryConsumed ? HostCpuOf(e.Vcpu) : null);
        }
        else
        {
            _p.Log(Actor.Hardware, "hw.error", what + (e.Note is null ? "" : $" ({Printable.Value(e.Note)})"), e.Id, cpu: e.Kind == ErrorKind.ArmProcessor ? e.Cpu : null);
        }
        if (_p.Host.Panicked)
        {
            _p.Log(Actor.Firmware, "firmware.host-down", "the host has panicked: nobody is listening; the error stays in firmware's log", e.Id);
            outcome.Set(Disposition.HostPanic, "host had already panicked");
            return;
        }

        var (severity, sections) = Wire.FirmwareSections(e, _recordId++);
        NotificationType mechanism = e.Kind == ErrorKind.MemoryConsumed ? NotificationType.Sea
            : severity == CperSeverity.Corrected ? NotificationType.Gsiv
            : NotificationType.Sdei;
        var source = Sources.First(s => s.NotificationType == mechanism);
        byte[] block = Wire.EncodeStatusBlock(severity, sections);
        int cpu = e.Kind == ErrorKind.MemoryConsumed ? HostCpuOf(e.Vcpu) : e.Kind == ErrorKind.ArmProcessor ? e.Cpu : 0;
        _submitted.Add(e.Id);
        _writer!.Submit(e.Id, source, block, blockAddress =>
        {
            _p.BlockWritten(_p.HostMemory, blockAddress, e.Id);
            string how = mechanism switch
            {
                NotificationType.Sea => $"synchronous external abort taken to EL3 on CPU {cpu}; firmware re-injects an SEA into the host kernel on CPU {cpu}",
                NotificationType.Sdei => "SDEI event dispatched to the host kernel",
                _ => $"GSIV {source.Vector} asserted to the host",
            };
            _p.Log(Actor.Firmware, "firmware.notify", $"notify host source {source.SourceId} by {mechanism.Name().ToUpperInvariant()}: {how}", e.Id, source.SourceId, mechanism, cpu: cpu);
            _p.At(_p.Now, () => _p.Host.OnNotification(mechanism, cpu));
        });
    }

    /// <summary>
    /// At the end of a run, accounts for every record firmware took that the host never handled: queued behind an
    /// unacknowledged block, or written and not read (the host panicked, or the run ended first). Nothing is left
    /// pending without a trace event saying so.
    /// </summary>
    internal void ReportPending()
    {
        var handled = _p.Host.Records.Where(r => r.ErrorId is not null).Select(r => r.ErrorId!).ToHashSet(StringComparer.Ordinal);
        foreach (string id in _submitted)
        {
            var outcome = _p.Outcome(id);
            if (outcome.Disposition != Disposition.Pending || handled.Contains(id)) continue;
            if (_p.Host.Panicked)
            {
                _p.Log(Actor.Firmware, "firmware.host-down", "the host panicked before handling this record: it stays in firmware's log", id);
                outcome.Set(Disposition.HostPanic, "host panicked before handling it");
            }
            else
            {
                _p.Log(Actor.Firmware, "firmware.pending", "record not yet handled by the host when the run ended", id);
                outcome.Set(Disposition.Pending, "recorded by firmware, not handled by the host when the run ended");
            }
        }
    }

    /// <summary>The host acknowledged a block: queued records may be written now.</summary>
    internal void OnHostAcknowledged() => _writer?.Acknowledged();

    /// <summary>The host CPU a vCPU runs on (vCPU n is pinned to host CPU n modulo the host's CPUs).</summary>
    internal int HostCpuOf(int vcpu) => vcpu % Math.Max(1, _p.Scenario.HostCpus);

    private static string Describe(InjectedError e) => e.Kind switch
    {
        ErrorKind.MemoryConsumed => $"uncorrected memory error at host physical {VirtualPlatform.Hex(e.HostAddress)} consumed by a load on vCPU {e.Vcpu}",
        ErrorKind.MemoryScrub => $"patrol scrubber finds an uncorrected memory error at host physical {VirtualPlatform.Hex(e.HostAddress)}",
        ErrorKind.MemoryCorrected => $"corrected memory error (single-bit ECC) at host physical {VirtualPlatform.Hex(e.HostAddress)}",
        ErrorKind.ArmProcessor => $"{SeverityName(e.Severity)} ARM processor error on CPU {e.Cpu}: {ArmKindName(e.ArmKind)} error",
        ErrorKind.PcieAer => $"{SeverityName(e.Severity)} PCIe AER error at {Printable.Value(e.PcieDevice ?? "0000:00:00.0", 40)}",
        _ => e.Kind.ToString(),
    };

    internal static string SeverityName(CperSeverity s) => s switch
    {
        CperSeverity.Recoverable => "recoverable",
        CperSeverity.Fatal => "fatal",
        CperSeverity.Corrected => "corrected",
        CperSeverity.Informational => "informational",
        _ => ((uint)s).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    internal static string ArmKindName(ArmErrorKind k) => k switch
    {
        ArmErrorKind.Cache => "cache",
        ArmErrorKind.Tlb => "TLB",
        ArmErrorKind.Bus => "bus",
        _ => "micro-architectural",
    };
}
