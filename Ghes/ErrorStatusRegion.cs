using System.Buffers.Binary;

namespace ApeiKit.Ghes;

/// <summary>
/// What a consumer needs to know about one GHES error source (from its HEST type 9/10 entry): the source id, where
/// the register holding the error status block's address is, the read-ack register (GHESv2) or none, and the
/// ErrorStatusBlockLength. Addresses are system-memory physical addresses of 64-bit registers.
/// </summary>
/// <param name="SourceId">HEST Source Id.</param>
/// <param name="ErrorBlockAddressRegister">Address of the u64 register holding the error status block's address (HEST Error Status Address GAS).</param>
/// <param name="ReadAckRegister">Address of the u64 read-ack register (GHESv2), or null for a GHES (v1) source.</param>
/// <param name="ErrorStatusBlockLength">HEST Error Status Block Length.</param>
public sealed record GhesSourceDescription(ushort SourceId, ulong ErrorBlockAddressRegister, ulong? ReadAckRegister, uint ErrorStatusBlockLength)
{
    /// <summary>Read Ack Preserve (default QEMU's: every bit but bit 0).</summary>
    public ulong ReadAckPreserve { get; init; } = ApeiKit.Ghes.ReadAckRegister.QemuPreserve;
    /// <summary>Read Ack Write (default QEMU's: bit 0).</summary>
    public ulong ReadAckWrite { get; init; } = ApeiKit.Ghes.ReadAckRegister.QemuWrite;

    /// <summary>The read-ack protocol over this source's register, or null for a GHES (v1) source.</summary>
    public ReadAckRegister? GetReadAck()
        => ReadAckRegister is { } a ? new ReadAckRegister(GenericAddress.SystemMemory64(a), ReadAckPreserve, ReadAckWrite) : null;
}

/// <summary>Outcome of <see cref="ErrorStatusRegion.TryWriteBlock"/>.</summary>
public enum GhesWriteResult
{
    /// <summary>The block was written (and the read-ack register marked pending).</summary>
    Written,
    /// <summary>The consumer has not acknowledged the previous record: nothing was written (QEMU: "OSPM does not acknowledge previous error").</summary>
    NotAcknowledged,
    /// <summary>The error block address register holds 0: nothing was written.</summary>
    NoBlockAddress,
}

/// <summary>
/// Error status blocks reached the way an OS reaches them: through each source's error-block-address register,
/// honouring GHESv2 read-ack. Works over any <see cref="IPhysicalMemory"/>; <see cref="ErrorStatusRegionLayout"/>
/// lays out QEMU's <c>etc/hardware_errors</c> shape.
/// </summary>
public sealed class ErrorStatusRegion
{
    private readonly Dictionary<ushort, GhesSourceDescription> _sources;

    /// <summary>Creates the model over <paramref name="memory"/>.</summary>
    /// <exception cref="ArgumentException">Two sources share an id.</exception>
    public ErrorStatusRegion(IPhysicalMemory memory, IEnumerable<GhesSourceDescription> sources)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(sources);
        Memory = memory;
        _sources = [];
        foreach (var s in sources)
        {
            if (!_sources.TryAdd(s.SourceId, s)) throw new ArgumentException($"Source id {s.SourceId} appears twice.", nameof(sources));
        }
    }

    /// <summary>The memory.</summary>
    public IPhysicalMemory Memory { get; }

    /// <summary>The sources, by id.</summary>
    public IReadOnlyDictionary<ushort, GhesSourceDescription> Sources => _sources;

    private GhesSourceDescription Source(ushort id)
        => _sources.TryGetValue(id, out var s) ? s : throw new ArgumentOutOfRangeException(nameof(id), $"No GHES source with id {id}.");

    /// <summary>The address the source's error-block-address register holds.</summary>
    public ulong GetBlockAddress(ushort sourceId)
    {
        Span<byte> b = stackalloc byte[8];
        Memory.Read(Source(sourceId).ErrorBlockAddressRegister, b);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    /// <summary>Reads the source's whole error status block area (ErrorStatusBlockLength bytes).</summary>
    /// <exception cref="InvalidOperationException">The address register holds 0.</exception>
    public byte[] ReadBlockBytes(ushort sourceId)
    {
        var s = Source(sourceId);
        ulong address = GetBlockAddress(sourceId);
        if (address == 0) throw new InvalidOperationException($"Source {sourceId}: the error block address register holds 0.");
        var bytes = new byte[s.ErrorStatusBlockLength];
        Memory.Read(address, bytes);
        return bytes;
    }

    /// <summary>Runs the consumer checks on the source's block, with its ErrorStatusBlockLength.</summary>
    public GhesValidationResult Validate(ushort sourceId)
        => GhesBlockValidator.Validate(ReadBlockBytes(sourceId), Source(sourceId).ErrorStatusBlockLength);

    /// <summary>Reads the source's block as a consumer does: null when empty (Block Status 0).</summary>
    /// <exception cref="ApeiContentException">The block fails the consumer checks.</exception>
    public ErrorStatusBlock? ReadBlock(ushort sourceId)
    {
        var bytes = ReadBlockBytes(sourceId);
        var check = GhesBlockValidator.Validate(bytes, Source(sourceId).ErrorStatusBlockLength);
        if (check.IsEmpty) return null;
        check.ThrowIfInvalid();
        return ErrorStatusBlock.Decode(bytes, out _);
    }

    /// <summary>The read-ack state of a source (always <see cref="ReadAckState.Acknowledged"/> for a GHES v1 source, which has none).</summary>
    public ReadAckState GetReadAckState(ushort sourceId)
        => Source(sourceId).GetReadAck() is { } ack ? ack.GetState(Memory) : ReadAckState.Acknowledged;

    /// <summary>
    /// Producer side (firmware, VMM): writes <paramref name="block"/> into the source's error status block when the
    /// previous record was acknowledged, marking the read-ack register pending first, as QEMU does.
    /// </summary>
    /// <exception cref="ArgumentException">The block is longer than the source's ErrorStatusBlockLength.</exception>
    public GhesWriteResult TryWriteBlock(ushort sourceId, ErrorStatusBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var s = Source(sourceId);
        var bytes = block.Encode();
        if ((ulong)bytes.Length > s.ErrorStatusBlockLength)
            throw new ArgumentException($"A {bytes.Length}-byte block does not fit source {sourceId}'s ErrorStatusBlockLength of {s.ErrorStatusBlockLength}.", nameof(block));
        ulong address = GetBlockAddress(sourceId);
        if (address == 0) return GhesWriteResult.NoBlockAddress;
        if (s.GetReadAck() is { } ack && !ack.TryBeginWrite(Memory)) return GhesWriteResult.NotAcknowledged;
        Memory.Write(address, bytes);
        return GhesWriteResult.Written;
    }

    /// <summary>Producer side: writes a CPER record's sections as an error status block (see <see cref="CperConversion"/>; flags above bit 7 are dropped).</summary>
    /// <exception cref="ArgumentException">The block is longer than the source's ErrorStatusBlockLength.</exception>
    public GhesWriteResult TryWriteRecord(ushort sourceId, Cper.CperRecord record)
        => TryWriteBlock(sourceId, CperConversion.ToErrorStatusBlock(record, dropHighFlags: true));

    /// <summary>Consumer side: reads the source's block as a CPER record (null when empty), without acknowledging.</summary>
    /// <exception cref="ApeiContentException">The block fails the consumer checks.</exception>
    public Cper.CperRecord? ReadRecord(ushort sourceId, Guid notificationType = default)
        => ReadBlock(sourceId) is { } block ? CperConversion.ToCperRecord(block, notificationType) : null;

    /// <summary>
    /// Consumer side (OS): reads the block, clears its Block Status (as Linux <c>ghes_clear_estatus</c> does) and
    /// acknowledges through the read-ack register. Null when the block was empty (nothing is acknowledged then).
    /// </summary>
    /// <exception cref="ApeiContentException">The block fails the consumer checks (it is left as it is, unacknowledged).</exception>
    public ErrorStatusBlock? ReadAndAcknowledge(ushort sourceId)
    {
        var block = ReadBlock(sourceId);
        if (block is null) return null;
        Memory.Write(GetBlockAddress(sourceId), stackalloc byte[4]);
        Source(sourceId).GetReadAck()?.Acknowledge(Memory);
        return block;
    }
}

/// <summary>
/// Lays out an error-status region the way QEMU's <c>etc/hardware_errors</c> blob is laid out (hw/acpi/ghes.c): N u64
/// error-block-address registers, then N u64 read-ack registers initialised to 1, then N error status blocks of the
/// declared length, in source order. The HEST builder lays out the same shape.
/// </summary>
public static class ErrorStatusRegionLayout
{
    /// <summary>QEMU's error status block length per source (ACPI_GHES_MAX_RAW_DATA_LENGTH).</summary>
    public const uint QemuBlockLength = 1024;

    /// <summary>Offset of source <paramref name="index"/>'s error-block-address register.</summary>
    public static ulong AddressRegisterOffset(int index) => 8UL * (uint)index;
    /// <summary>Offset of source <paramref name="index"/>'s read-ack register among <paramref name="count"/> sources.</summary>
    public static ulong ReadAckRegisterOffset(int index, int count) => 8UL * (uint)count + 8UL * (uint)index;
    /// <summary>Offset of source <paramref name="index"/>'s error status block among <paramref name="count"/> sources.</summary>
    public static ulong BlockOffset(int index, int count, uint blockLength) => 16UL * (uint)count + (ulong)(uint)index * blockLength;

    /// <summary>Lays out a region for <paramref name="sourceIds"/>.Length sources at <paramref name="baseAddress"/>.</summary>
    /// <exception cref="ArgumentException">No sources, or the region would exceed 2 GiB.</exception>
    public static ErrorStatusRegionImage Create(ulong baseAddress, IReadOnlyList<ushort> sourceIds, uint blockLength = QemuBlockLength)
    {
        ArgumentNullException.ThrowIfNull(sourceIds);
        int n = sourceIds.Count;
        if (n == 0) throw new ArgumentException("At least one source is needed.", nameof(sourceIds));
        ulong size = BlockOffset(n, n, blockLength);
        if (size > (ulong)Array.MaxLength) throw new ArgumentException($"A region of {size} bytes is too large.", nameof(blockLength));
        var bytes = new byte[size];
        var sources = new List<GhesSourceDescription>(n);
        for (int i = 0; i < n; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)AddressRegisterOffset(i)), baseAddress + BlockOffset(i, n, blockLength));
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)ReadAckRegisterOffset(i, n)), 1);
            sources.Add(new GhesSourceDescription(sourceIds[i], baseAddress + AddressRegisterOffset(i), baseAddress + ReadAckRegisterOffset(i, n), blockLength));
        }
        return new ErrorStatusRegionImage(baseAddress, bytes, sources);
    }

    /// <summary>Lays out a region for sources 0..<paramref name="count"/>-1.</summary>
    public static ErrorStatusRegionImage Create(ulong baseAddress, int count, uint blockLength = QemuBlockLength)
        => Create(baseAddress, Enumerable.Range(0, count).Select(i => (ushort)i).ToArray(), blockLength);
}

/// <summary>A laid-out region: its bytes at a base address and the source descriptions that reach into it.</summary>
/// <param name="BaseAddress">Physical address of the first byte.</param>
/// <param name="Bytes">The region blob.</param>
/// <param name="Sources">One description per source, in layout order.</param>
public sealed record ErrorStatusRegionImage(ulong BaseAddress, byte[] Bytes, IReadOnlyList<GhesSourceDescription> Sources)
{
    /// <summary>The blob as physical memory (shares <see cref="Bytes"/>).</summary>
    public ByteArrayPhysicalMemory AsMemory() => new(BaseAddress, Bytes);

    /// <summary>An <see cref="ErrorStatusRegion"/> over the blob.</summary>
    public ErrorStatusRegion Open() => new(AsMemory(), Sources);
}
