using System.Buffers.Binary;

namespace ApeiKit.Ghes;

/// <summary>The two states of a GHESv2 read-ack register as the producer of error records sees them.</summary>
public enum ReadAckState
{
    /// <summary>The consumer has acknowledged the last record (the Read Ack Write bits are set): a new record may be written.</summary>
    Acknowledged,
    /// <summary>A record was written and not yet acknowledged: the producer must not overwrite it.</summary>
    Pending,
}

/// <summary>
/// The GHESv2 read-ack protocol (ACPI 6.5 §18.3.2.8, HEST type 10: Read Ack Register GAS, Read Ack Preserve,
/// Read Ack Write) as a small state machine over a register in physical memory.
/// <list type="bullet">
/// <item>Consumer (OS, after reading the block): <see cref="Acknowledge"/> does the read-modify-write Linux
/// <c>ghes_ack_error</c> does: <c>(value &amp; (preserve &lt;&lt; offset)) | (write &lt;&lt; offset)</c>.</item>
/// <item>Producer (firmware, VMM): <see cref="TryBeginWrite"/> refuses while the register is <see cref="ReadAckState.Pending"/>;
/// otherwise it marks the record pending by clearing the Read Ack Write bits, as QEMU does (it writes 0 to the
/// register, initialised to 1, before writing a new record, and refuses to write while the guest has not set it again).</item>
/// </list>
/// The register field is <see cref="GenericAddress.BitWidth"/> bits at <see cref="GenericAddress.BitOffset"/> within an
/// access of <see cref="GenericAddress.AccessSize"/> (or, when that is 0, the smallest of 1/2/4/8 bytes that holds the
/// field); bits of the access outside the field are left as they are. Only system-memory registers are supported.
/// </summary>
public sealed class ReadAckRegister
{
    /// <summary>QEMU's Read Ack Preserve: every bit but bit 0.</summary>
    public const ulong QemuPreserve = ~1UL;
    /// <summary>QEMU's Read Ack Write: bit 0.</summary>
    public const ulong QemuWrite = 1;

    /// <summary>Creates the protocol over a register.</summary>
    /// <exception cref="NotSupportedException">The register is not in system memory, or its field does not fit a 64-bit access.</exception>
    public ReadAckRegister(GenericAddress register, ulong preserve, ulong write)
    {
        if (register.AddressSpaceId != (byte)AddressSpace.SystemMemory)
            throw new NotSupportedException($"Read-ack registers in address space {register.AddressSpaceId} are not supported (system memory only).");
        int bits = register.BitWidth == 0 ? 64 : register.BitWidth;
        if (register.BitOffset + bits > 64) throw new NotSupportedException($"A {bits}-bit field at bit {register.BitOffset} does not fit 64 bits.");
        int access = register.AccessBytes;
        if (access == 0) access = (register.BitOffset + bits) switch { <= 8 => 1, <= 16 => 2, <= 32 => 4, _ => 8 };
        if (register.BitOffset + bits > access * 8) throw new NotSupportedException($"A {bits}-bit field at bit {register.BitOffset} does not fit a {access}-byte access.");
        Register = register;
        Preserve = preserve;
        Write = write;
        AccessBytes = access;
        FieldMask = (bits == 64 ? ulong.MaxValue : (1UL << bits) - 1) << register.BitOffset;
    }

    /// <summary>A 64-bit system-memory register at <paramref name="address"/> with QEMU's preserve and write values.</summary>
    public static ReadAckRegister Qemu(ulong address) => new(GenericAddress.SystemMemory64(address), QemuPreserve, QemuWrite);

    /// <summary>The register.</summary>
    public GenericAddress Register { get; }
    /// <summary>Read Ack Preserve (bits of the field kept on acknowledge, before shifting).</summary>
    public ulong Preserve { get; }
    /// <summary>Read Ack Write (bits set on acknowledge, before shifting).</summary>
    public ulong Write { get; }
    /// <summary>The access width in bytes.</summary>
    public int AccessBytes { get; }
    /// <summary>The field's bits within the access.</summary>
    public ulong FieldMask { get; }

    /// <summary>Reads the whole access (little-endian).</summary>
    public ulong ReadAccess(IPhysicalMemory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        Span<byte> b = stackalloc byte[8];
        b.Clear();
        memory.Read(Register.Address, b[..AccessBytes]);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    private void WriteAccess(IPhysicalMemory memory, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        memory.Write(Register.Address, b[..AccessBytes]);
    }

    /// <summary>The field's value (shifted down).</summary>
    public ulong ReadField(IPhysicalMemory memory) => (ReadAccess(memory) & FieldMask) >> Register.BitOffset;

    /// <summary>
    /// The state: <see cref="ReadAckState.Acknowledged"/> when all Read Ack Write bits are set in the field (any
    /// non-zero field when Write is 0), else <see cref="ReadAckState.Pending"/>.
    /// </summary>
    public ReadAckState GetState(IPhysicalMemory memory)
    {
        ulong field = ReadField(memory);
        ulong write = Write & (FieldMask >> Register.BitOffset);
        bool acked = write == 0 ? field != 0 : (field & write) == write;
        return acked ? ReadAckState.Acknowledged : ReadAckState.Pending;
    }

    /// <summary>
    /// Consumer side: acknowledges the record by read-modify-write, <c>(value &amp; (Preserve &lt;&lt; offset)) | (Write &lt;&lt; offset)</c>
    /// limited to the field. Returns the value written (the whole access).
    /// </summary>
    public ulong Acknowledge(IPhysicalMemory memory)
    {
        ulong old = ReadAccess(memory);
        int shift = Register.BitOffset;
        ulong field = ((old & (Preserve << shift)) | (Write << shift)) & FieldMask;
        ulong value = (old & ~FieldMask) | field;
        WriteAccess(memory, value);
        return value;
    }

    /// <summary>Producer side: true when a new record may be written (the last one was acknowledged).</summary>
    public bool MayWrite(IPhysicalMemory memory) => GetState(memory) == ReadAckState.Acknowledged;

    /// <summary>
    /// Producer side: when the last record was acknowledged, marks the register pending (clears the Read Ack Write
    /// bits of the field) and returns true: write the record now. Returns false, changing nothing, while the last
    /// record is unacknowledged.
    /// </summary>
    public bool TryBeginWrite(IPhysicalMemory memory)
    {
        if (!MayWrite(memory)) return false;
        ulong old = ReadAccess(memory);
        ulong clear = (Write << Register.BitOffset) & FieldMask;
        if (clear == 0) clear = FieldMask; // Write of 0: "acknowledged" means non-zero, so pending means zero
        WriteAccess(memory, old & ~clear);
        return true;
    }
}
