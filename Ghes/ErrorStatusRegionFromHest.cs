using System.Buffers.Binary;
using System.Globalization;
using ApeiKit.Hest;

namespace ApeiKit.Ghes;

/// <summary>One GHES/GHESv2 source of a HEST, as <see cref="ErrorStatusRegionFromHest"/> reads it.</summary>
/// <param name="Description">Source id, register addresses, read-ack preserve/write and ErrorStatusBlockLength.</param>
/// <param name="IsVersion2">True for GHESv2 (type 10).</param>
/// <param name="Notification">The notification type.</param>
/// <param name="TableOffset">Offset of the error source structure in the HEST.</param>
/// <param name="ErrorStatusAddress">The Error Status Address GAS as declared.</param>
/// <param name="ReadAckGas">The Read Ack Register GAS as declared (GHESv2), or null.</param>
public sealed record HestGhesSource(GhesSourceDescription Description, bool IsVersion2, NotificationType Notification, int TableOffset,
    GenericAddress ErrorStatusAddress, GenericAddress? ReadAckGas)
{
    /// <summary>The whole hardware error notification structure (poll interval, vector, thresholds).</summary>
    public HardwareErrorNotification? NotificationStructure { get; init; }

    /// <summary>"GHES" or "GHESv2".</summary>
    public string TypeName => IsVersion2 ? "GHESv2" : "GHES";

    /// <summary>Structure name used in content errors, e.g. <c>HEST GHESv2 source 1</c>.</summary>
    public string StructureName => string.Create(CultureInfo.InvariantCulture, $"HEST {TypeName} source {Description.SourceId}");

    /// <summary>The read-ack protocol over this source's register (with the declared GAS), or null for GHES (v1).</summary>
    /// <exception cref="NotSupportedException">The register is not a system-memory field that fits 64 bits.</exception>
    public ReadAckRegister? GetReadAck()
        => ReadAckGas is { } g ? new ReadAckRegister(g, Description.ReadAckPreserve, Description.ReadAckWrite) : null;
}

/// <summary>How a source's error status block coincides with an earlier source's (<see cref="ErrorStatusRegionFromHest.FindSharedBlocks"/>).</summary>
public enum GhesSharingKind
{
    /// <summary>Both sources' Error Status Address is the same register (so the same block).</summary>
    SameRegister,
    /// <summary>Different registers holding the same block address, with the same length.</summary>
    SameBlock,
    /// <summary>The blocks overlap without being the same.</summary>
    OverlappingBlock,
}

/// <summary>
/// A source whose error status block is one that another source (the owner, earlier in the table) also has, or overlaps it.
/// Each GHES has its own block (ACPI 6.5 §18.3.2.7): two sources sharing one is a firmware bug, and their block is decoded
/// once, at the owner.
/// </summary>
/// <param name="Source">Index of the source in the list given.</param>
/// <param name="Owner">Index of the source the block is decoded at (the first in table order of the overlapping blocks).</param>
/// <param name="Kind">Same register, same block, or overlapping blocks.</param>
/// <param name="BlockAddress">The source's block address.</param>
/// <param name="OwnerBlockAddress">The owner's block address.</param>
public sealed record GhesBlockSharing(int Source, int Owner, GhesSharingKind Kind, ulong BlockAddress, ulong OwnerBlockAddress);

/// <summary>
/// Connects a HEST to its error-status region (QEMU's <c>etc/hardware_errors</c>, or any memory dump holding the
/// registers and blocks): the GHES/GHESv2 sources' register addresses become <see cref="GhesSourceDescription"/>s,
/// and an <see cref="ErrorStatusRegion"/> opens over the region blob at a base address. Every address is checked
/// against the blob before it is read; addresses outside it are <see cref="ApeiContentException"/>s naming the
/// source and the HEST field (offsets are HEST offsets), or the register holding the block address.
/// </summary>
public static class ErrorStatusRegionFromHest
{
    private const int ErrorStatusAddressOffset = 20;
    private const int ReadAckRegisterOffset = 64;

    /// <summary>The GHES/GHESv2 sources of <paramref name="hest"/>, in table order.</summary>
    /// <exception cref="ApeiContentException">The HEST cannot be walked (bad header, Length above <see cref="HestTable.MaxLength"/>, unknown type, truncated), or two GHES sources share an id.</exception>
    public static List<HestGhesSource> ReadSources(ReadOnlySpan<byte> hest)
    {
        var table = HestTable.Read(hest);
        if (table.LengthLimitError is { } tooLong) throw tooLong;
        var list = new List<HestGhesSource>();
        var seen = new HashSet<ushort>();
        var e = table.GetEnumerator();
        while (e.MoveNext())
        {
            var s = e.Current;
            if (!s.IsGeneric) continue;
            bool v2 = s.Type == HestSourceType.GhesV2;
            if (!seen.Add(s.SourceId))
                throw new ApeiContentException($"HEST {(v2 ? "GHESv2" : "GHES")} source {s.SourceId}", "SourceId", s.Offset + 2, "a Source Id no other GHES source uses", s.SourceId.ToString(CultureInfo.InvariantCulture));
            var status = s.ErrorStatusAddress;
            GenericAddress? ack = v2 ? s.ReadAckRegister : null;
            var description = new GhesSourceDescription(s.SourceId, status.Address, ack?.Address, s.ErrorStatusBlockLength)
            {
                ReadAckPreserve = v2 ? s.ReadAckPreserve : ReadAckRegister.QemuPreserve,
                ReadAckWrite = v2 ? s.ReadAckWrite : ReadAckRegister.QemuWrite,
            };
            var notification = s.Notification;
            list.Add(new HestGhesSource(description, v2, notification.Type, checked((int)s.Offset), status, ack) { NotificationStructure = notification });
        }
        if (e.Error is { } error) throw error;
        return list;
    }

    /// <summary>The source descriptions of <paramref name="hest"/>'s GHES/GHESv2 sources.</summary>
    /// <exception cref="ApeiContentException">See <see cref="ReadSources"/>.</exception>
    public static List<GhesSourceDescription> GetSourceDescriptions(ReadOnlySpan<byte> hest)
        => ReadSources(hest).ConvertAll(s => s.Description);

    /// <summary>
    /// The base address the HEST's own register addresses imply: their minimum, when every GHES source has its
    /// registers in system memory at non-zero addresses. Null when that is ambiguous (no GHES sources, an
    /// unpatched (zero) address, or another address space).
    /// </summary>
    public static ulong? InferBase(IEnumerable<HestGhesSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ulong? min = null;
        foreach (var s in sources)
        {
            GenericAddress[] registers = s.ReadAckGas is { } a ? [s.ErrorStatusAddress, a] : [s.ErrorStatusAddress];
            foreach (var gas in registers)
            {
                if (gas.AddressSpaceId != (byte)AddressSpace.SystemMemory || gas.Address == 0) return null;
                min = min is { } m ? Math.Min(m, gas.Address) : gas.Address;
            }
        }
        return min;
    }

    /// <summary>
    /// Checks that the source's registers lie inside a region of <paramref name="regionLength"/> bytes at
    /// <paramref name="baseAddress"/> and can be read as this library reads them; null when they do.
    /// </summary>
    public static ApeiContentException? CheckRegisters(HestGhesSource source, ulong baseAddress, long regionLength)
    {
        ArgumentNullException.ThrowIfNull(source);
        var status = source.ErrorStatusAddress;
        long statusOffset = source.TableOffset + ErrorStatusAddressOffset;
        if (status.AddressSpaceId != (byte)AddressSpace.SystemMemory)
            return new ApeiContentException(source.StructureName, "ErrorStatusAddress", statusOffset, "a system-memory register (address space 0)",
                status.AddressSpaceId.ToString(CultureInfo.InvariantCulture));
        if (Outside(status.Address, 8, baseAddress, regionLength) is { } why)
            return new ApeiContentException(source.StructureName, "ErrorStatusAddress", statusOffset, $"a u64 register inside the region ({Range(baseAddress, regionLength)})",
                Hex(status.Address), why);
        if (source.ReadAckGas is { } ackGas)
        {
            long ackOffset = source.TableOffset + ReadAckRegisterOffset;
            ReadAckRegister ack;
            try
            {
                ack = source.GetReadAck()!;
            }
            catch (NotSupportedException e)
            {
                return new ApeiContentException(source.StructureName, "ReadAckRegister", ackOffset, "a system-memory register field within 64 bits",
                    $"address space {ackGas.AddressSpaceId}, bit width {ackGas.BitWidth}, bit offset {ackGas.BitOffset}, access size {ackGas.AccessSize}", e.Message);
            }
            if (Outside(ackGas.Address, (ulong)ack.AccessBytes, baseAddress, regionLength) is { } why2)
                return new ApeiContentException(source.StructureName, "ReadAckRegister", ackOffset,
                    string.Create(CultureInfo.InvariantCulture, $"a {ack.AccessBytes}-byte register inside the region ({Range(baseAddress, regionLength)})"), Hex(ackGas.Address), why2);
        }
        return null;
    }

    /// <summary>
    /// Reads the address the source's error-block-address register holds and checks that the block
    /// (ErrorStatusBlockLength bytes) lies inside the region; returns null and the address when it does.
    /// Call after <see cref="CheckRegisters"/> succeeded.
    /// </summary>
    public static ApeiContentException? CheckBlock(HestGhesSource source, ByteArrayPhysicalMemory region, out ulong blockAddress)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(region);
        Span<byte> b = stackalloc byte[8];
        region.Read(source.Description.ErrorBlockAddressRegister, b);
        blockAddress = BinaryPrimitives.ReadUInt64LittleEndian(b);
        long registerOffset = (long)(source.Description.ErrorBlockAddressRegister - region.BaseAddress);
        string structure = source.StructureName + " error block address register";
        if (blockAddress == 0)
            return new ApeiContentException(structure, "ErrorBlockAddress", registerOffset, "the address of the error status block", "0", "the register was never set up");
        if (Outside(blockAddress, source.Description.ErrorStatusBlockLength, region.BaseAddress, region.Bytes.Length) is { } why)
            return new ApeiContentException(structure, "ErrorBlockAddress", registerOffset,
                string.Create(CultureInfo.InvariantCulture, $"a {source.Description.ErrorStatusBlockLength}-byte block (ErrorStatusBlockLength) inside the region ({Range(region.BaseAddress, region.Bytes.Length)})"),
                Hex(blockAddress), why);
        return null;
    }

    /// <summary>
    /// Opens an <see cref="ErrorStatusRegion"/> over <paramref name="region"/> (not copied) at <paramref name="baseAddress"/>
    /// for <paramref name="hest"/>'s GHES/GHESv2 sources, after checking every register and block address against it.
    /// </summary>
    /// <exception cref="ApeiContentException">The HEST cannot be walked, or an address lies outside the region (the first one found).</exception>
    public static ErrorStatusRegion Open(ReadOnlySpan<byte> hest, byte[] region, ulong baseAddress)
    {
        ArgumentNullException.ThrowIfNull(region);
        var sources = ReadSources(hest);
        var memory = new ByteArrayPhysicalMemory(baseAddress, region);
        foreach (var s in sources)
        {
            if (CheckRegisters(s, baseAddress, region.Length) is { } e) throw e;
            if (CheckBlock(s, memory, out _) is { } b) throw b;
        }
        return new ErrorStatusRegion(memory, sources.Select(s => s.Description));
    }

    /// <summary>
    /// Finds sources whose error status blocks coincide or overlap in <paramref name="region"/> (sources whose registers or
    /// block fail <see cref="CheckRegisters"/> / <see cref="CheckBlock"/> are left out). Overlapping blocks form groups; the
    /// group's first source in table order owns it, and every other member gets an entry keyed by its index. Decoding only
    /// the owners reads each region byte at most once: output stays linear in the distinct bytes, not in sources x block size.
    /// O(n log n) in the sources.
    /// </summary>
    public static Dictionary<int, GhesBlockSharing> FindSharedBlocks(IReadOnlyList<HestGhesSource> sources, ByteArrayPhysicalMemory region)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(region);
        var blocks = new List<(ulong Start, ulong End, int Index)>(sources.Count);
        for (int i = 0; i < sources.Count; i++)
        {
            var s = sources[i];
            if (CheckRegisters(s, region.BaseAddress, region.Bytes.Length) is null && CheckBlock(s, region, out ulong address) is null)
                blocks.Add((address, address + s.Description.ErrorStatusBlockLength, i));
        }
        blocks.Sort();
        var shared = new Dictionary<int, GhesBlockSharing>();
        int first = 0;
        ulong end = 0;
        for (int k = 0; k <= blocks.Count; k++)
        {
            bool joins = k < blocks.Count && k > first && (blocks[k].Start < end || blocks[k].Start == blocks[first].Start);
            if (joins)
            {
                end = Math.Max(end, blocks[k].End);
                continue;
            }
            if (k - first > 1)
            {
                int owner = first;
                for (int j = first + 1; j < k; j++) if (blocks[j].Index < blocks[owner].Index) owner = j;
                var o = blocks[owner];
                var os = sources[o.Index];
                for (int j = first; j < k; j++)
                {
                    if (j == owner) continue;
                    var b = blocks[j];
                    var s = sources[b.Index];
                    var kind = s.Description.ErrorBlockAddressRegister == os.Description.ErrorBlockAddressRegister ? GhesSharingKind.SameRegister
                        : b.Start == o.Start && b.End == o.End ? GhesSharingKind.SameBlock : GhesSharingKind.OverlappingBlock;
                    shared[b.Index] = new GhesBlockSharing(b.Index, o.Index, kind, b.Start, o.Start);
                }
            }
            if (k < blocks.Count)
            {
                first = k;
                end = blocks[k].End;
            }
        }
        return shared;
    }

    private static string? Outside(ulong address, ulong length, ulong baseAddress, long regionLength)
    {
        if (address < baseAddress) return "it lies below the region's base";
        ulong offset = address - baseAddress;
        if (offset > (ulong)regionLength || length > (ulong)regionLength - offset)
            return string.Create(CultureInfo.InvariantCulture, $"it would be read at region offset 0x{offset:X} (+{length}), past the region's {regionLength} bytes");
        return null;
    }

    private static string Range(ulong baseAddress, long length) => string.Create(CultureInfo.InvariantCulture, $"0x{baseAddress:X}..0x{baseAddress + (ulong)length:X}");

    private static string Hex(ulong value) => string.Create(CultureInfo.InvariantCulture, $"0x{value:X}");
}
