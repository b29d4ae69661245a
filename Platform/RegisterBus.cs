namespace ApeiKit.Platform;

/// <summary>A device that decodes a range of system memory addresses (its registers), as an MMIO BAR does.</summary>
public interface IMmioDevice
{
    /// <summary>First address the device decodes.</summary>
    ulong Base { get; }
    /// <summary>Bytes it decodes from <see cref="Base"/>.</summary>
    ulong Size { get; }
    /// <summary>A read of <paramref name="accessBits"/> bits at <paramref name="offset"/> from <see cref="Base"/>.</summary>
    ulong Read(ulong offset, int accessBits);
    /// <summary>A write of <paramref name="accessBits"/> bits at <paramref name="offset"/> from <see cref="Base"/>.</summary>
    void Write(ulong offset, int accessBits, ulong value);
}

/// <summary>
/// The host's register model: system memory is the host's <see cref="SparseMemory"/> except where an <see cref="IMmioDevice"/>
/// decodes the address; system I/O space is a separate, empty port space (no device here decodes ports; reads give what was
/// written, zeros otherwise). Accesses are little-endian, as on Arm and x86.
/// </summary>
public sealed class RegisterBus : IRegisterBus
{
    private readonly SparseMemory _memory;
    private readonly SparseMemory _io = new("io");
    private readonly List<IMmioDevice> _devices = [];

    /// <summary>A bus over <paramref name="memory"/>.</summary>
    public RegisterBus(SparseMemory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        _memory = memory;
    }

    /// <summary>Maps a device (its range must not overlap another device's).</summary>
    /// <exception cref="ArgumentException">The range overlaps a mapped device.</exception>
    public void Map(IMmioDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        foreach (var d in _devices)
        {
            if ((UInt128)device.Base < (UInt128)d.Base + d.Size && (UInt128)d.Base < (UInt128)device.Base + device.Size)
                throw new ArgumentException($"the device at 0x{device.Base:X} overlaps the one at 0x{d.Base:X}", nameof(device));
        }
        _devices.Add(device);
    }

    private IMmioDevice? Find(ulong address)
    {
        foreach (var d in _devices) if (address >= d.Base && address - d.Base < d.Size) return d;
        return null;
    }

    /// <inheritdoc/>
    public ulong Read(byte spaceId, ulong address, int accessBits)
    {
        if (spaceId == 0 && Find(address) is { } d) return d.Read(address - d.Base, accessBits);
        Span<byte> b = stackalloc byte[8];
        b.Clear();
        (spaceId == 0 ? _memory : _io).Read(address, b[..(accessBits / 8)]);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    /// <inheritdoc/>
    public void Write(byte spaceId, ulong address, int accessBits, ulong value)
    {
        if (spaceId == 0 && Find(address) is { } d)
        {
            d.Write(address - d.Base, accessBits, value);
            return;
        }
        Span<byte> b = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        (spaceId == 0 ? _memory : _io).Write(address, b[..(accessBits / 8)]);
    }
}

/// <summary>
/// A 64-bit register behind 32- and 64-bit accesses, as QEMU's acpi-erst device reads and writes its value register
/// (hw/acpi/erst.c <c>erst_rd_reg64</c> / <c>erst_wr_reg64</c>): a 32-bit access at offset +4 reaches the high half.
/// </summary>
internal static class Reg64
{
    public static ulong Read(ulong offset, ulong register, int accessBits)
    {
        if (accessBits == 64) return register;
        ulong mask = accessBits >= 32 ? 0xFFFF_FFFFUL : (1UL << accessBits) - 1;
        int shift = (offset & 4) != 0 ? 32 : 0;
        return (register >> shift) & mask;
    }

    public static ulong Write(ulong offset, ulong register, ulong value, int accessBits)
    {
        if (accessBits == 64) return value;
        ulong mask = accessBits >= 32 ? 0xFFFF_FFFFUL : (1UL << accessBits) - 1;
        int shift = (offset & 4) != 0 ? 32 : 0;
        return (register & ~(mask << shift)) | ((value & mask) << shift);
    }

    /// <summary>
    /// Reads the command/data window QEMU's ERST and EINJ devices expose (hw/acpi/erst.c, the EINJ device modelled on it):
    /// the data register at bytes 8-15, the command register at 0 reading as 0.
    /// </summary>
    public static ulong ReadWindow(ulong offset, ulong data, int accessBits) => offset >= 8 ? Read(offset, data, accessBits) : 0;

    /// <summary>
    /// A write to that window: at bytes 8-15 it updates <paramref name="data"/>; true only for a write to the command
    /// register at 0 (the caller then runs the command <paramref name="value"/>); other offsets are ignored.
    /// </summary>
    public static bool WriteWindow(ulong offset, ref ulong data, ulong value, int accessBits)
    {
        if (offset >= 8)
        {
            data = Write(offset, data, value, accessBits);
            return false;
        }
        return offset == 0;
    }
}
