using System.Buffers.Binary;
using ApeiKit.Ghes;

namespace ApeiKit.Tests.Ghes;

/// <summary>The GHESv2 read-ack protocol: Linux's acknowledge, QEMU's producer rules.</summary>
public class ReadAckTests
{
    private const ulong Base = 0x4000_0000;

    private static (ByteArrayPhysicalMemory Memory, ReadAckRegister Ack) Qemu(ulong initial)
    {
        var memory = new ByteArrayPhysicalMemory(Base, new byte[16]);
        BinaryPrimitives.WriteUInt64LittleEndian(memory.Bytes, initial);
        return (memory, ReadAckRegister.Qemu(Base));
    }

    [Fact]
    public void A_register_initialised_to_1_lets_the_producer_write_once_then_refuses_until_acknowledged()
    {
        var (memory, ack) = Qemu(1);
        Assert.Equal(ReadAckState.Acknowledged, ack.GetState(memory));
        Assert.True(ack.TryBeginWrite(memory));            // QEMU clears the register before writing
        Assert.Equal(0ul, BinaryPrimitives.ReadUInt64LittleEndian(memory.Bytes));
        Assert.Equal(ReadAckState.Pending, ack.GetState(memory));
        Assert.False(ack.MayWrite(memory));
        Assert.False(ack.TryBeginWrite(memory));           // refuses while the guest has not set it again
        Assert.Equal(0ul, BinaryPrimitives.ReadUInt64LittleEndian(memory.Bytes));
        ack.Acknowledge(memory);                           // the guest: (0 & ~1) | 1 = 1
        Assert.Equal(1ul, BinaryPrimitives.ReadUInt64LittleEndian(memory.Bytes));
        Assert.True(ack.TryBeginWrite(memory));
    }

    [Fact]
    public void Acknowledge_keeps_the_preserved_bits_and_sets_the_write_bits()
    {
        var (memory, _) = Qemu(0xF0F0_0000_0000_00F0);
        var ack = new ReadAckRegister(GenericAddress.SystemMemory64(Base), preserve: 0xFF00_0000_0000_0000, write: 0x5);
        ulong written = ack.Acknowledge(memory);
        Assert.Equal(0xF000_0000_0000_0005ul, written);   // (value & preserve) | write
        Assert.Equal(written, BinaryPrimitives.ReadUInt64LittleEndian(memory.Bytes));
    }

    [Fact]
    public void Bit_offset_shifts_preserve_and_write_and_bit_width_limits_the_field()
    {
        var memory = new ByteArrayPhysicalMemory(Base, new byte[8]);
        memory.Bytes[0] = 0b1010_0101; // bits outside the 4-bit field at bit 2 must survive
        // 4-bit field at bit offset 2, dword access.
        var ack = new ReadAckRegister(new GenericAddress(0, 4, 2, 3, Base), preserve: 0b0010, write: 0b1_0001);
        Assert.Equal(0b1001ul, ack.ReadField(memory));
        Assert.Equal(4, ack.AccessBytes);
        Assert.Equal(0b0011_1100ul, ack.FieldMask);
        ack.Acknowledge(memory);
        // field: (1001 & 0010) | (10001 & 1111 within the field) = 0000 | 0001 = 0001; outside bits 1010_0001 kept.
        Assert.Equal(0b1010_0101 & ~0b0011_1100 | (0b0001 << 2), memory.Bytes[0]);
        Assert.Equal(0, memory.Bytes[1]); // write bit 4 (shifted to 6) is outside the field: dropped
        Assert.Equal(ReadAckState.Acknowledged, ack.GetState(memory));
        Assert.True(ack.TryBeginWrite(memory));
        Assert.Equal(0ul, ack.ReadField(memory) & 1);
        Assert.Equal(0b1000_0001, memory.Bytes[0] & 0b1100_0011); // bits 7 and 0, outside the field, untouched by the producer too
    }

    [Fact]
    public void A_byte_wide_register_is_accessed_as_one_byte()
    {
        var memory = new ByteArrayPhysicalMemory(Base, [0x00, 0xEE]);
        var ack = new ReadAckRegister(new GenericAddress(0, 8, 0, 1, Base), preserve: 0, write: 1);
        ack.Acknowledge(memory);
        Assert.Equal(new byte[] { 0x01, 0xEE }, memory.Bytes);
    }

    [Fact]
    public void Registers_outside_system_memory_are_not_supported()
    {
        Assert.Throws<NotSupportedException>(() => new ReadAckRegister(new GenericAddress(1, 8, 0, 1, 0x80), 0, 1));
        Assert.Throws<NotSupportedException>(() => new ReadAckRegister(new GenericAddress(0, 8, 4, 1, 0x80), 0, 1)); // 12 bits in a byte access
    }

    [Fact]
    public void Memory_accesses_outside_the_blob_throw()
    {
        var memory = new ByteArrayPhysicalMemory(Base, new byte[16]);
        Assert.Throws<ArgumentOutOfRangeException>(() => memory.Read(Base + 12, new byte[8]));
        Assert.Throws<ArgumentOutOfRangeException>(() => memory.Write(Base - 1, new byte[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => memory.Read(ulong.MaxValue, new byte[2]));
    }
}
