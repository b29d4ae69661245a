using System.Globalization;
using ApeiKit.Cper;
using ApeiKit.Ghes;
using Hest = ApeiKit.Hest;

namespace ApeiKit.Platform;

/// <summary>What a data entry's section is about, as the platform's roles classify it.</summary>
public enum EntryKind
{
    /// <summary>Platform memory error section.</summary>
    Memory,
    /// <summary>ARM processor error section.</summary>
    ArmProcessor,
    /// <summary>PCI Express error section.</summary>
    Pcie,
    /// <summary>Anything else.</summary>
    Other,
}

/// <summary>One Generic Error Data Entry as an OS read it: its section decoded with ApeiKit.Cper.</summary>
/// <param name="SectionType">Section type GUID.</param>
/// <param name="Severity">The entry's severity.</param>
/// <param name="Kind">Classification.</param>
/// <param name="Address">Physical address of a memory error (when its validation bit says so).</param>
/// <param name="Cpu">CPU of an ARM processor error (MPIDR Aff0).</param>
/// <param name="Detail">Readable summary ("cache error", "0000:01:00.0").</param>
public sealed record DecodedEntry(Guid SectionType, CperSeverity Severity, EntryKind Kind, ulong? Address, int? Cpu, string Detail);

/// <summary>An error status block as an OS read it: the Linux GHES checks' verdict and the decoded entries.</summary>
public sealed class DecodedBlock
{
    /// <summary>Block severity.</summary>
    public CperSeverity Severity { get; init; }
    /// <summary>Why the block was rejected (empty when it passed the checks).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
    /// <summary>The entries (empty when rejected).</summary>
    public IReadOnlyList<DecodedEntry> Entries { get; init; } = [];
    /// <summary>Bytes the block uses (header + data + raw data).</summary>
    public ulong UsedLength { get; init; }

    /// <summary>One line: "1 entry, recoverable: memory error at 0x41234000".</summary>
    public string Summary => Problems.Count > 0
        ? $"{Problems.Count} problem(s)"
        : $"{Entries.Count} entr{(Entries.Count == 1 ? "y" : "ies")}, {PlatformFirmware.SeverityName(Severity)}: {string.Join("; ", Entries.Select(e => e.Detail))}";
}

/// <summary>A section to put in an error status block.</summary>
/// <param name="Body">The CPER section body.</param>
/// <param name="Severity">Entry severity.</param>
/// <param name="FruText">FRU text, if any.</param>
internal sealed record SectionPayload(CperSectionBody Body, CperSeverity Severity, string? FruText = null);

/// <summary>
/// The one place the platform turns its decisions into bytes and bytes back into facts, with ApeiKit's own
/// libraries: HEST tables and their QEMU-shaped error-status regions (ApeiKit.Hest), Generic Error Status
/// Blocks and read-ack registers (ApeiKit.Ghes), and CPER section bodies (ApeiKit.Cper).
/// </summary>
internal static class Wire
{
    /// <summary>Builds a HEST of GHESv2 sources and its error-status region laid out at <paramref name="regionBase"/>.</summary>
    public static byte[] BuildHest(IEnumerable<GhesSourceSpec> specs, ulong regionBase, string oemId, string oemTableId, out byte[] region)
    {
        var builder = new Hest.HestBuilder().WithHeader(h => h with { OemId = oemId, OemTableId = oemTableId, OemRevision = 1, CreatorId = "APKT", CreatorRevision = 1 });
        var seen = new HashSet<ushort>();
        foreach (var spec in specs)
        {
            if (!seen.Add(spec.SourceId)) throw new ScenarioException("$.guest.sources", $"source ID {spec.SourceId} appears twice");
            if (spec.BlockLength < 20 + 72 + MemoryErrorSection.Size) throw new ScenarioException("$.guest.sources", $"source {spec.SourceId}: a {spec.BlockLength}-byte block cannot hold one memory error record");
            builder.AddGhesV2(spec.SourceId, spec.NotificationType, s =>
            {
                s.ErrorStatusBlockLength = spec.BlockLength;
                s.MaxRawDataLength = spec.BlockLength;
                s.Notification = s.Notification with { PollInterval = spec.NotificationType == NotificationType.Polled ? Math.Max(1, spec.PollIntervalMs) : spec.PollIntervalMs, Vector = spec.Vector };
            });
        }
        var result = builder.Build(regionBase);
        region = result.RegionBytes ?? [];
        return result.TableBytes;
    }

    /// <summary>
    /// The GHES sources of the HEST at <paramref name="address"/> in <paramref name="memory"/>, as a GHES driver maps it:
    /// Length first, then never more than <see cref="Hest.HestTable.MaxLength"/> bytes (the HEST length limit, the one
    /// every HEST reader applies); a Length above it is the limit's content error. Host and guest read their HEST here.
    /// </summary>
    /// <exception cref="ApeiContentException">The HEST cannot be walked (bad header, Length above the limit, unknown type, truncated).</exception>
    internal static List<GhesSourceInfo> ReadSources(SparseMemory memory, ulong address)
    {
        uint length = memory.ReadU32(address + AcpiTableHeader.LengthOffset);
        return ReadSources(memory.Read(address, (int)Math.Min(length, (uint)Hest.HestTable.MaxLength)));
    }

    /// <summary>
    /// The bytes of the ERST or EINJ at <paramref name="address"/> in <paramref name="memory"/>, as the drivers map it: its
    /// Length, but at least the 48-byte headers and never more than <see cref="Hest.ActionTable.MaxLength"/> (the ERST/EINJ
    /// length limit, the one every ERST/EINJ reader applies). Nothing is cut silently: the view reads the Length field
    /// itself from what is mapped, so a Length below 48 is its "at least 48" error and one above the limit the limit's
    /// error, and the driver refuses the table saying so. The host's einj and erst drivers read their tables here.
    /// </summary>
    internal static byte[] ReadActionTable(SparseMemory memory, ulong address)
        => memory.Read(address, (int)Math.Clamp(memory.ReadU32(address + AcpiTableHeader.LengthOffset), (uint)Hest.ActionTableLayouts.TableHeaderSize, (uint)Hest.ActionTable.MaxLength));

    /// <summary>Reads the GHES and GHESv2 sources of a HEST (with <see cref="ErrorStatusRegionFromHest"/>, the zero-copy HEST view underneath).</summary>
    /// <exception cref="ApeiContentException">The table is malformed.</exception>
    public static List<GhesSourceInfo> ReadSources(ReadOnlySpan<byte> hest)
        => ErrorStatusRegionFromHest.ReadSources(hest).Select(s => new GhesSourceInfo(s.Description.SourceId, s.Notification,
            s.NotificationStructure?.PollInterval ?? 0, s.Description.ErrorStatusBlockLength, s.Description.ErrorBlockAddressRegister, s.GetReadAck(),
            s.NotificationStructure?.Vector ?? 0)).ToList();

    /// <summary>Encodes an error status block with one data entry (revision 0x300) per section.</summary>
    public static byte[] EncodeStatusBlock(CperSeverity severity, IEnumerable<SectionPayload> sections)
    {
        var block = new ErrorStatusBlock { ErrorSeverity = (uint)severity };
        foreach (var s in sections)
        {
            var entry = new ErrorDataEntry { Body = s.Body, ErrorSeverity = (uint)s.Severity };
            if (s.FruText is { } text)
            {
                var bytes = new byte[20];
                // The platform's own texts ("DIMM n", "CPU n": at most 14 characters) fit the 20-byte field; a longer one would
                // throw here, never be cut.
                System.Text.Encoding.ASCII.GetBytes(text, bytes);
                entry.FruText = bytes;
                entry.ValidationBits |= 1 << 1;
            }
            block.Entries.Add(entry);
        }
        return block.Encode();
    }

    /// <summary>Validates (Linux GHES checks, bounded by the source's block length) and decodes a block.</summary>
    public static DecodedBlock ReadStatusBlock(byte[] whole, uint blockLength)
    {
        var result = GhesBlockValidator.Validate(whole, blockLength);
        if (!result.IsValid)
            return new DecodedBlock { Problems = result.Findings.Where(f => f.Severity == FindingSeverity.Error).Select(f => f.ToException().Message).ToList(), UsedLength = Math.Min((ulong)whole.Length, 20) };
        var view = ErrorStatusBlockView.Read(whole, out int used);
        var entries = new List<DecodedEntry>();
        foreach (var entry in view.Entries) entries.Add(Classify(entry.SectionType, (CperSeverity)entry.ErrorSeverity, entry.Data));
        return new DecodedBlock { Severity = (CperSeverity)view.ErrorSeverity, Entries = entries, UsedLength = (ulong)used };
    }

    private static DecodedEntry Classify(Guid type, CperSeverity severity, ReadOnlySpan<byte> body)
    {
        try
        {
            switch (CperSections.DecodeBody(type, body, 0))
            {
                case MemoryErrorSection m:
                    ulong? address = (m.ValidationBits >> 1 & 1) != 0 ? m.PhysicalAddress : null;
                    string what = MemoryErrorSection.MemoryErrorTypes[m.MemoryErrorType] ?? "memory error";
                    return new DecodedEntry(type, severity, EntryKind.Memory, address, null, $"memory error ({what}) at {(address is { } a ? PlatformTrace.Hex(a) : "no valid address")}");
                case ArmProcessorSection arm:
                    int cpu = (int)(arm.Mpidr & 0xFF);
                    var kinds = arm.ErrorInfo.Select(i => ArmProcessorSection.KindName(i.KindUnder(arm.GetTypeEncoding()))).Distinct();
                    return new DecodedEntry(type, severity, EntryKind.ArmProcessor, null, cpu, $"ARM processor error on CPU {cpu}: {string.Join(", ", kinds)}");
                case PcieErrorSection p:
                    string bdf = string.Create(CultureInfo.InvariantCulture, $"{p.SegmentNumber:x4}:{p.PrimaryBusNumber:x2}:{p.DeviceNumber:x2}.{p.FunctionNumber:x}");
                    return new DecodedEntry(type, severity, EntryKind.Pcie, null, null, $"PCIe error at {bdf}");
                default:
                    return new DecodedEntry(type, severity, EntryKind.Other, null, null, CperSections.NameOf(type) ?? type.ToString());
            }
        }
        catch (ApeiContentException e)
        {
            return new DecodedEntry(type, severity, EntryKind.Other, null, null, $"undecodable {CperSections.NameOf(type) ?? type.ToString()} section: {e.Message}");
        }
    }

    /// <summary>Producer: has the consumer acknowledged the last record?</summary>
    public static bool IsAcknowledged(SparseMemory memory, ReadAckRegister ack) => ack.MayWrite(memory);

    /// <summary>Producer: mark the source busy before writing (QEMU clears the read-ack bit).</summary>
    public static void MarkBusy(SparseMemory memory, ReadAckRegister ack) => ack.TryBeginWrite(memory);

    /// <summary>Consumer: acknowledge, read-modify-write <c>(value &amp; preserve) | write</c> at the GAS bit offset.</summary>
    public static void Acknowledge(SparseMemory memory, ReadAckRegister ack) => ack.Acknowledge(memory);

    /// <summary>The sections firmware records for an injected hardware error, and the record's severity.</summary>
    public static (CperSeverity Severity, List<SectionPayload> Sections) FirmwareSections(InjectedError e, ulong recordId)
    {
        switch (e.Kind)
        {
            case ErrorKind.MemoryConsumed:
            case ErrorKind.MemoryScrub:
            case ErrorKind.MemoryCorrected:
            {
                // An EINJ memory-fatal injection is fatal (the host panics); timeline memory errors keep their kind's severity.
                var severity = e.Kind == ErrorKind.MemoryCorrected ? CperSeverity.Corrected : e.FromEinj && e.Severity == CperSeverity.Fatal ? CperSeverity.Fatal : CperSeverity.Recoverable;
                byte type = e.Kind switch { ErrorKind.MemoryConsumed => 3, ErrorKind.MemoryScrub => 14, _ => 2 }; // multi-bit ECC, scrub uncorrected, single-bit ECC
                return (severity, [new SectionPayload(Memory(e.HostAddress, type), severity, $"DIMM {e.HostAddress >> 33 & 7}")]);
            }
            case ErrorKind.ArmProcessor:
            {
                var arm = new ArmProcessorSection { Mpidr = 0x8000_0000UL | (uint)e.Cpu, Midr = 0x410F_D0C1 }; // Neoverse-N1-like MIDR
                arm.ValidationBits = 0b101; // MPIDR and running state valid (UEFI 2.10 N.2.4.4 Table N-16)
                arm.RunningState = 1;
                ulong info = e.ArmKind switch
                {
                    ArmErrorKind.Cache => ArmErrorInformation.Cache(transactionType: ArmErrorInformation.TransactionDataAccess, operation: 3, level: 2,
                        processorContextCorrupt: e.Severity == CperSeverity.Fatal, corrected: e.Severity == CperSeverity.Corrected),
                    ArmErrorKind.Tlb => ArmErrorInformation.Tlb(transactionType: ArmErrorInformation.TransactionInstruction, operation: 5, level: 1,
                        processorContextCorrupt: e.Severity == CperSeverity.Fatal, corrected: e.Severity == CperSeverity.Corrected),
                    ArmErrorKind.Bus => ArmErrorInformation.Bus(transactionType: ArmErrorInformation.TransactionDataAccess, operation: 3, level: 0,
                        processorContextCorrupt: e.Severity == CperSeverity.Fatal, corrected: e.Severity == CperSeverity.Corrected, participationType: 0, addressSpace: 0),
                    _ => 0xDEAD_0000UL | recordId, // micro-architectural: implementation defined
                };
                arm.ErrorInfo.Add(new ArmErrorInfo(e.ArmKind, info));
                return (e.Severity, [new SectionPayload(arm, e.Severity, $"CPU {e.Cpu}")]);
            }
            default:
            {
                var pcie = new PcieErrorSection
                {
                    ValidationBits = 0b1000_1011, // port type, version, device ID, AER info valid (UEFI 2.10 N.2.7)
                    PortType = 0, // PCI Express end point
                    Version = 0x0201,
                };
                var (seg, bus, dev, fn) = ParseBdf(e.PcieDevice);
                pcie.SegmentNumber = seg;
                pcie.PrimaryBusNumber = bus;
                pcie.DeviceNumber = dev;
                pcie.FunctionNumber = fn;
                pcie.VendorId = 0x15B3;
                pcie.DeviceId = 0x1017;
                pcie.SetAerRegister("uncorrectableErrorStatus", e.Severity == CperSeverity.Corrected ? 0u : 1u << 14); // completion timeout
                pcie.SetAerRegister("correctableErrorStatus", e.Severity == CperSeverity.Corrected ? 1u << 6 : 0u); // bad TLP
                return (e.Severity, [new SectionPayload(pcie, e.Severity)]);
            }
        }
    }

    /// <summary>The memory error section the VMM writes for the guest: the guest physical address, as QEMU does.</summary>
    public static SectionPayload GuestMemorySection(ulong gpa, ulong recordId)
    {
        _ = recordId;
        return new SectionPayload(Memory(gpa, 3), CperSeverity.Recoverable);
    }

    private static MemoryErrorSection Memory(ulong address, byte memoryErrorType) => new()
    {
        // Physical address, physical address mask and memory error type valid (UEFI 2.10 Table N-31).
        ValidationBits = 1 << 1 | 1 << 2 | 1 << 14,
        PhysicalAddress = address,
        PhysicalAddressMask = ~0x3FUL,
        MemoryErrorType = memoryErrorType,
    };

    private static (ushort, byte, byte, byte) ParseBdf(string? text)
    {
        // "SSSS:BB:DD.F"; anything unparsable is 0000:00:00.0 (the scenario reader keeps it as text).
        if (text is null) return (0, 0, 0, 0);
        var parts = text.Split(':', '.');
        if (parts.Length != 4) return (0, 0, 0, 0);
        static int H(string s) => int.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int v) ? v : 0;
        return ((ushort)H(parts[0]), (byte)H(parts[1]), (byte)H(parts[2]), (byte)H(parts[3]));
    }
}
