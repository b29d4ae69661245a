namespace ApeiKit.Ghes;

/// <summary>
/// Physical memory as firmware, a VMM or an OS sees it: reads and writes at physical addresses. GHES registers
/// (error block address, read-ack) and error status blocks live here.
/// </summary>
public interface IPhysicalMemory
{
    /// <summary>Reads <paramref name="destination"/>.Length bytes at <paramref name="address"/>.</summary>
    void Read(ulong address, Span<byte> destination);

    /// <summary>Writes <paramref name="source"/> at <paramref name="address"/>.</summary>
    void Write(ulong address, ReadOnlySpan<byte> source);
}

/// <summary>A byte array mapped at a base physical address (e.g. QEMU's <c>etc/hardware_errors</c> blob). Accesses outside it throw.</summary>
public sealed class ByteArrayPhysicalMemory : IPhysicalMemory
{
    /// <summary>Maps <paramref name="bytes"/> (not copied) at <paramref name="baseAddress"/>.</summary>
    public ByteArrayPhysicalMemory(ulong baseAddress, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length > 0 && baseAddress + (ulong)bytes.Length - 1 < baseAddress) throw new ArgumentOutOfRangeException(nameof(baseAddress), "The region wraps past the top of the address space.");
        BaseAddress = baseAddress;
        Bytes = bytes;
    }

    /// <summary>The first address.</summary>
    public ulong BaseAddress { get; }

    /// <summary>The backing bytes.</summary>
    public byte[] Bytes { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the region.</exception>
    public void Read(ulong address, Span<byte> destination) => Slice(address, destination.Length).CopyTo(destination);

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the region.</exception>
    public void Write(ulong address, ReadOnlySpan<byte> source) => source.CopyTo(Slice(address, source.Length));

    private Span<byte> Slice(ulong address, int length)
    {
        if (address < BaseAddress || address - BaseAddress > (ulong)Bytes.Length || (ulong)length > (ulong)Bytes.Length - (address - BaseAddress))
            throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:X}+{length} lies outside 0x{BaseAddress:X}..0x{BaseAddress + (ulong)Bytes.Length:X}.");
        return Bytes.AsSpan((int)(address - BaseAddress), length);
    }
}
