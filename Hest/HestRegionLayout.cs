using System.Buffers.Binary;

namespace ApeiKit.Hest;

/// <summary>Where one generic error source's registers and error status block sit in guest physical memory.</summary>
/// <param name="SourceId">The source's Source ID.</param>
/// <param name="Index">The source's position among the generic sources (0-based).</param>
/// <param name="ErrorBlockAddressRegister">Address of the u64 register that holds the block's address (the GAS in Error Status Address points here).</param>
/// <param name="ReadAckRegister">Address of the u64 read-ack register (GHESv2's Read Ack Register points here; allocated for GHES too, as QEMU does, but unused).</param>
/// <param name="BlockAddress">Address of the error status block.</param>
/// <param name="BlockLength">Length of the error status block (the source's Error Status Block Length).</param>
/// <param name="IsVersion2">True for GHESv2.</param>
public sealed record HestRegionEntry(ushort SourceId, int Index, ulong ErrorBlockAddressRegister, ulong ReadAckRegister, ulong BlockAddress, uint BlockLength, bool IsVersion2);

/// <summary>
/// The error-status region for a table's GHES/GHESv2 sources, laid out as QEMU lays out its
/// <c>etc/hardware_errors</c> blob (hw/acpi/ghes.c, build_ghes_error_table; docs/specs/acpi_hest_ghes.rst):
/// first one u64 error-block-address register per source, then one u64 read-ack register per source
/// (initialised to 1 so the first error can be written), then one error status block per source.
/// QEMU gives every block the same 1 KiB; here each block has its source's declared length, which is the
/// same layout when all lengths are equal.
/// </summary>
public sealed class HestRegionLayout
{
    private HestRegionLayout(ulong baseAddress, List<HestRegionEntry> entries, ulong length)
    {
        BaseAddress = baseAddress;
        Entries = entries;
        Length = length;
    }

    /// <summary>Guest physical address of the region.</summary>
    public ulong BaseAddress { get; }
    /// <summary>One entry per generic source, in table order.</summary>
    public IReadOnlyList<HestRegionEntry> Entries { get; }
    /// <summary>Total length of the region in bytes.</summary>
    public ulong Length { get; }

    /// <summary>The entry of a source ID, or null.</summary>
    public HestRegionEntry? Find(ushort sourceId) => Entries.FirstOrDefault(e => e.SourceId == sourceId);

    /// <summary>Lays out the region for the GHES/GHESv2 sources of <paramref name="sources"/> at <paramref name="baseAddress"/>.</summary>
    /// <exception cref="ArgumentException">A block length below 20 bytes, or the region would pass the end of the 64-bit address space.</exception>
    public static HestRegionLayout Create(IEnumerable<HestSource> sources, ulong baseAddress)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var generic = sources.OfType<GhesSource>().ToList();
        ulong n = (ulong)generic.Count;
        var entries = new List<HestRegionEntry>(generic.Count);
        ulong block = checked(baseAddress + 16 * n);
        for (int i = 0; i < generic.Count; i++)
        {
            var g = generic[i];
            if (g.ErrorStatusBlockLength < HestLayouts.GenericErrorStatusBlockHeaderSize)
                throw new ArgumentException($"Source {g.SourceId}: error status block length {g.ErrorStatusBlockLength} is below the 20-byte block header.", nameof(sources));
            entries.Add(new HestRegionEntry(g.SourceId, i, baseAddress + 8 * (ulong)i, baseAddress + 8 * (n + (ulong)i), block, g.ErrorStatusBlockLength, g is GhesV2Source));
            block = checked(block + g.ErrorStatusBlockLength);
        }
        return new HestRegionLayout(baseAddress, entries, block - baseAddress);
    }

    /// <summary>
    /// Lays out the region and points the sources' Error Status Address (and GHESv2 Read Ack Register) at it:
    /// 64-bit system-memory registers, as QEMU declares them.
    /// </summary>
    public static HestRegionLayout Apply(IEnumerable<HestSource> sources, ulong baseAddress)
    {
        var list = sources as IList<HestSource> ?? sources.ToList();
        var layout = Create(list, baseAddress);
        int i = 0;
        foreach (var g in list.OfType<GhesSource>())
        {
            var e = layout.Entries[i++];
            g.ErrorStatusAddress = g.ErrorStatusAddress with { Address = e.ErrorBlockAddressRegister };
            if (g is GhesV2Source v2) v2.ReadAckRegister = v2.ReadAckRegister with { Address = e.ReadAckRegister };
        }
        return layout;
    }

    /// <summary>
    /// The region's initial contents: each error-block-address register holds its block's address, each read-ack
    /// register holds 1, blocks are zero.
    /// </summary>
    /// <exception cref="InvalidOperationException">The region is larger than 256 MiB (not something to hold in an array).</exception>
    public byte[] CreateInitialContents()
    {
        if (Length > 256UL << 20) throw new InvalidOperationException($"The region is {Length} bytes; refusing to allocate more than 256 MiB.");
        var bytes = new byte[(int)Length];
        foreach (var e in Entries)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)(e.ErrorBlockAddressRegister - BaseAddress)), e.BlockAddress);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)(e.ReadAckRegister - BaseAddress)), 1);
        }
        return bytes;
    }
}
