using System.Buffers.Binary;
using ApeiKit.Cper;

namespace ApeiKit.Cper.Generation;

/// <summary>
/// A seeded, realistic dump of concatenated CPER records for benchmarks and load tests: mixed sections (platform
/// memory, ARM processor, PCI Express, processor generic; one to three per record) from ARM and x86 machines, severities
/// weighted as real logs are (mostly corrected), notification types that fit the severity, the first section and the
/// machine (<see cref="AllowedNotifications"/>), ARM error types in all three encodings writers use, a few creators. A pool of records is
/// built with the encoders (<see cref="CperRecord"/>), then written out in seeded order with Record ID, timestamp and
/// (memory sections) physical address, node, card and module varied, so every record is distinct. The same seed and
/// size give the same bytes (the generator is part of the library so benchmarks, load tests and fuzz corpora outside
/// ApeiKit can make the same dumps as <c>apeikit generate</c>).
/// </summary>
public static class CperDumpGenerator
{
    /// <summary>Which sections the records carry.</summary>
    public enum Mix
    {
        /// <summary>
        /// One to three sections per record; 35% of records from ARM machines (memory 45%, ARM processor 35%, PCIe 20%
        /// of sections, at least one ARM processor section), the rest from x86 ones (memory 50%, PCIe 25%, processor
        /// generic IA32/X64 25%).
        /// </summary>
        Mixed,
        /// <summary>Platform memory error sections only (one to three per record, x86 notifications): the fleet's most common record.</summary>
        Memory,
    }

    private const int PoolSize = 512;

    private static readonly Guid[] s_creators =
    [
        Guid.Empty,
        new("9e1a3c55-0f4d-4b8e-a1c2-7d3e5f6a8b01"), // arbitrary platform creators
        new("4a6c7b0e-6b11-4a3c-9d3b-1f0c2a5e7d11"),
        new("b2f4e0a9-31c4-4c0b-8f5d-6e2a7d9c0b33"),
    ];

    private sealed record Template(byte[] Bytes, int[] MemoryBodies);

    /// <summary>Writes at least <paramref name="size"/> bytes of whole records to <paramref name="output"/>; returns the record count.</summary>
    public static long Generate(Stream output, long size, int seed, Mix mix = Mix.Mixed)
    {
        ArgumentNullException.ThrowIfNull(output);
        var rng = new Random(seed);
        var pool = new Template[PoolSize];
        for (int i = 0; i < PoolSize; i++) pool[i] = Build(rng, mix);
        var buffer = new byte[1 << 20];
        int used = 0;
        long written = 0, records = 0;
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        while (written + used < size)
        {
            var t = pool[rng.Next(PoolSize)];
            if (used + t.Bytes.Length > buffer.Length)
            {
                output.Write(buffer, 0, used);
                written += used;
                used = 0;
            }
            var rec = buffer.AsSpan(used, t.Bytes.Length);
            t.Bytes.CopyTo(rec);
            BinaryPrimitives.WriteUInt64LittleEndian(rec[CperRecordHeader.RecordIdOffset..], (ulong)records + 1);
            CperTimestamp.FromDateTime(start.AddSeconds(records * 7 + rng.Next(7))).Write(rec[CperRecordHeader.TimestampOffset..]);
            foreach (int body in t.MemoryBodies)
            {
                var m = rec[body..];
                // Hot pages repeat (a bad DIMM logs the same page many times); the rest spread over 256 GiB.
                ulong page = rng.Next(4) == 0 ? (ulong)rng.Next(64) * 0x1000 + 0x8_0000_0000 : (ulong)rng.NextInt64(0, 1L << 38) & ~0xFFFUL;
                BinaryPrimitives.WriteUInt64LittleEndian(m[16..], page | (ulong)rng.Next(0x1000) & ~0x3FUL);
                ushort node = (ushort)rng.Next(2), card = (ushort)rng.Next(4), module = (ushort)rng.Next(16);
                BinaryPrimitives.WriteUInt16LittleEndian(m[32..], node);
                BinaryPrimitives.WriteUInt16LittleEndian(m[34..], card);
                BinaryPrimitives.WriteUInt16LittleEndian(m[36..], module);
                BinaryPrimitives.WriteUInt16LittleEndian(m[78..], (ushort)(0x1100 + node * 64 + card * 16 + module)); // SMBIOS type 17 handle of that DIMM
            }
            used += t.Bytes.Length;
            records++;
        }
        output.Write(buffer, 0, used);
        return records;
    }

    private static Template Build(Random rng, Mix mix)
    {
        uint severity = Pick(rng, (2u, 70), (0u, 15), (3u, 10), (1u, 5));
        int sections = Pick(rng, (1, 70), (2, 20), (3, 10));
        // The machine that logged the record: ARM servers log ARM processor sections (and are notified by SEA/SEI),
        // x86 servers processor generic IA32/X64 sections (CMC/MCE). Memory and PCIe sections come from both.
        bool arm = mix == Mix.Mixed && rng.Next(100) < 35;
        var kinds = new SectionKind[sections];
        for (int s = 0; s < sections; s++)
        {
            kinds[s] = mix == Mix.Memory ? SectionKind.Memory
                : arm ? Pick(rng, (SectionKind.Memory, 45), (SectionKind.Arm, 35), (SectionKind.Pcie, 20))
                : Pick(rng, (SectionKind.Memory, 50), (SectionKind.Pcie, 25), (SectionKind.ProcessorGeneric, 25));
        }
        if (arm && Array.IndexOf(kinds, SectionKind.Arm) < 0) kinds[^1] = SectionKind.Arm; // an ARM machine says which core saw it
        var record = new CperRecord
        {
            Revision = 0x0210,
            Severity = severity,
            ValidationBits = 0x2,
            Timestamp = CperTimestamp.FromDateTime(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
            CreatorId = s_creators[rng.Next(s_creators.Length)],
            NotificationType = Notification(rng, severity, kinds[0], arm),
        };
        for (int s = 0; s < sections; s++)
        {
            CperSectionBody body;
            switch (kinds[s])
            {
                case SectionKind.Memory:
                    body = new MemoryErrorSection
                    {
                        ValidationBits = 0x4006 | 0x38 | 1 << 17, // physical address, mask, node, card, module, memory error type, module handle
                        PhysicalAddressMask = 0xFFFF_FFFF_FFFF_FFC0,
                        MemoryErrorType = (byte)Pick(rng, (2, 50), (3, 20), (4, 10), (1, 20)),
                    };
                    break;
                case SectionKind.Arm:
                    body = ArmSection(rng, severity);
                    break;
                case SectionKind.Pcie:
                    body = new PcieErrorSection
                    {
                        ValidationBits = 0x1 | 0x2 | 0x4 | 0x8,
                        PortType = (uint)Pick(rng, (0, 40), (4, 30), (5, 15), (6, 15)),
                        Version = 0x0102,
                        Command = 0x0546,
                        Status = 0x0010,
                    };
                    break;
                default:
                    body = new ProcessorGenericSection
                    {
                        ValidationBits = 0x1 | 0x2 | 0x4 | 0x8 | 0x100 | 0x200,
                        ProcessorType = 0, // IA32/X64 (UEFI 2.10 N.2.4.1)
                        ProcessorIsa = 2, // X64
                        ErrorType = (byte)Pick(rng, (1, 50), (2, 25), (4, 25)),
                        Operation = 1,
                        ProcessorId = (ulong)rng.Next(128),
                        CpuVersion = 0x000A_0F11,
                    };
                    break;
            }
            record.Sections.Add(new CperSection { Severity = s == 0 ? severity : 2, Flags = s == 0 ? 1u : 0u, Body = body });
        }
        var bytes = record.Encode();
        var memory = new List<int>();
        var view = CperRecordView.Read(bytes, out _);
        for (int i = 0; i < view.DescriptorCount; i++)
        {
            var d = view.GetDescriptor(i);
            if (d.SectionType == CperGuids.PlatformMemory) memory.Add((int)d.SectionOffset);
        }
        return new Template(bytes, [.. memory]);
    }

    private enum SectionKind { Memory, Arm, Pcie, ProcessorGeneric }

    /// <summary>
    /// The notification type (UEFI 2.10 N.2.1) a platform uses for such a record: PCIe errors come as PCI Express;
    /// on ARM, corrected errors come through a polled or interrupt (GSIV/GPIO) source as CPE and uncorrected ones as
    /// SEA (a consumed error, synchronous) or SEI (an SError); on x86, corrected processor errors as CMC, corrected
    /// memory errors as CMC (CMCI) or CPE (firmware first, SCI), uncorrected ones as MCE. The allowed combinations are
    /// <see cref="AllowedNotifications"/>.
    /// </summary>
    private static Guid Notification(Random rng, uint severity, SectionKind primary, bool arm)
    {
        bool corrected = severity is 2 or 3; // corrected or informational
        if (primary == SectionKind.Pcie) return CperGuids.NotifyPcie;
        if (arm)
            return corrected ? CperGuids.NotifyCpe
                : severity == 1 ? Pick(rng, (CperGuids.NotifySei, 70), (CperGuids.NotifySea, 30))
                : Pick(rng, (CperGuids.NotifySea, 70), (CperGuids.NotifySei, 30));
        if (!corrected) return CperGuids.NotifyMce;
        if (severity == 3 || primary == SectionKind.Memory) return severity == 3 ? CperGuids.NotifyCpe : Pick(rng, (CperGuids.NotifyCmc, 60), (CperGuids.NotifyCpe, 40));
        return CperGuids.NotifyCmc;
    }

    /// <summary>
    /// The notification types a generated record may carry, from its severity (UEFI 2.10 N.2.1), its first section's
    /// type and whether it holds an ARM processor section (an ARM machine's record).
    /// </summary>
    public static IReadOnlySet<Guid> AllowedNotifications(uint severity, Guid firstSectionType, bool hasArmSection)
    {
        bool corrected = severity is 2 or 3;
        if (firstSectionType == CperGuids.PciExpress) return new HashSet<Guid> { CperGuids.NotifyPcie };
        if (hasArmSection) return corrected ? new HashSet<Guid> { CperGuids.NotifyCpe } : new HashSet<Guid> { CperGuids.NotifySea, CperGuids.NotifySei };
        if (!corrected) return new HashSet<Guid> { CperGuids.NotifyMce };
        if (severity == 3) return new HashSet<Guid> { CperGuids.NotifyCpe };
        return firstSectionType == CperGuids.PlatformMemory ? new HashSet<Guid> { CperGuids.NotifyCmc, CperGuids.NotifyCpe } : new HashSet<Guid> { CperGuids.NotifyCmc };
    }

    /// <summary>
    /// An ARM processor section with one or two error-information structures, their Type bytes in one of the three
    /// encodings writers use (UEFI 2.9A bit flags, the 0-3 enumeration of edk2 and Windows, libcper's 1/2/4/8). A
    /// section whose bytes a reader would take for another encoding (bit-flag values only) is written as bit flags.
    /// </summary>
    private static ArmProcessorSection ArmSection(Random rng, uint severity)
    {
        var arm = new ArmProcessorSection { Mpidr = 0x8000_0000UL | ((ulong)(uint)rng.Next(64) << 8) | (uint)rng.Next(4) };
        var encoding = Pick(rng, (ArmErrorTypeEncoding.BitFlags, 60), (ArmErrorTypeEncoding.Enumeration, 25), (ArmErrorTypeEncoding.LibCper, 15));
        int n = rng.Next(1, 3);
        var kinds = new ArmErrorKind[n];
        for (int i = 0; i < n; i++) kinds[i] = rng.Next(3) switch { 0 => ArmErrorKind.Cache, 1 => ArmErrorKind.Tlb, _ => ArmErrorKind.Bus };
        var types = kinds.Select(k => ArmErrorInfo.EncodeType(k, encoding)).ToArray();
        if (ArmErrorInfo.DetectEncoding(types) != encoding) encoding = ArmErrorTypeEncoding.BitFlags;
        foreach (var kind in kinds)
        {
            arm.ErrorInfo.Add(kind switch
            {
                ArmErrorKind.Cache => new ArmErrorInfo(kind, ArmErrorInformation.Cache(level: rng.Next(1, 4), corrected: severity == 2), physicalFaultAddress: (ulong)rng.NextInt64(0, 1L << 40) & ~0x3FUL, encoding: encoding),
                ArmErrorKind.Tlb => new ArmErrorInfo(kind, ArmErrorInformation.Tlb(level: rng.Next(0, 2), corrected: severity == 2), virtualFaultAddress: 0xFFFF_0000_0000_0000UL | (ulong)rng.NextInt64(0, 1L << 40), encoding: encoding),
                _ => new ArmErrorInfo(kind, ArmErrorInformation.Bus(level: 0, corrected: severity == 2), encoding: encoding),
            });
        }
        return arm;
    }

    private static T Pick<T>(Random rng, params (T Value, int Weight)[] choices)
    {
        int total = choices.Sum(c => c.Weight), r = rng.Next(total);
        foreach (var (value, weight) in choices)
        {
            if (r < weight) return value;
            r -= weight;
        }
        return choices[^1].Value;
    }
}
