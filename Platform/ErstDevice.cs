using System.Buffers.Binary;
using ApeiKit.Ghes;

namespace ApeiKit.Platform;

/// <summary>
/// The host's ERST device, modelled on QEMU's <c>acpi-erst</c> (hw/acpi/erst.c): BAR 0 holds an action register (+0) and a
/// 64-bit value register (+8, reachable by 32-bit accesses at +8 and +12); BAR 1 is the exchange buffer, record_size bytes
/// of RAM; the records live in a <see cref="ErstStore"/> laid out as QEMU's backing file. Every side effect happens on a
/// write of an action number to the action register, as in QEMU: BEGIN_* and END select the operation, SET_RECORD_OFFSET and
/// SET_RECORD_IDENTIFIER latch the value register, EXECUTE_OPERATION (with the magic 0x9C in the value register) writes,
/// reads or clears a record (ACPI 6.5 §18.5.2.1-18.5.2.3), CHECK_BUSY_STATUS / GET_COMMAND_STATUS / GET_RECORD_IDENTIFIER /
/// GET_RECORD_COUNT / the error log address range actions put their answer in the value register.
/// </summary>
public sealed class ErstDevice : IMmioDevice
{
    /// <summary>ERST command status: success (ACPI 6.5 Table 18.26).</summary>
    public const byte StatusSuccess = 0;
    /// <summary>Not enough space.</summary>
    public const byte StatusNotEnoughSpace = 1;
    /// <summary>Failed.</summary>
    public const byte StatusFailed = 3;
    /// <summary>Record store empty.</summary>
    public const byte StatusRecordStoreEmpty = 4;
    /// <summary>Record not found.</summary>
    public const byte StatusRecordNotFound = 5;
    /// <summary>The record identifier that ends a GET_RECORD_IDENTIFIER walk (all ones).</summary>
    public const ulong EmptyEndRecordId = ulong.MaxValue;

    private const int MinCperRecord = 128;
    private readonly SparseMemory _memory;
    private readonly byte _magic;
    private ulong _value;
    private byte _operation;
    private byte _busy;
    private uint _recordOffset;
    private ulong _recordId;
    private int _nextIndex;

    /// <summary>A device with registers at <paramref name="registerBase"/>, its exchange buffer at <paramref name="exchangeBase"/> in <paramref name="memory"/>.</summary>
    public ErstDevice(ErstStore store, SparseMemory memory, ulong registerBase, ulong exchangeBase, byte executeMagic = Hest.ActionTablePresets.QemuExecuteMagic)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(memory);
        Store = store;
        _memory = memory;
        Base = registerBase;
        ExchangeBase = exchangeBase;
        _magic = executeMagic;
        Reset();
    }

    /// <summary>The backing store (QEMU's file).</summary>
    public ErstStore Store { get; }
    /// <inheritdoc/>
    public ulong Base { get; }
    /// <inheritdoc/>
    public ulong Size => 16;
    /// <summary>Physical address of the exchange buffer (BAR 1).</summary>
    public ulong ExchangeBase { get; }
    /// <summary>Exchange buffer length: the store's record size.</summary>
    public uint ExchangeLength => Store.View.RecordSize;
    /// <summary>The last command status.</summary>
    public byte CommandStatus { get; private set; }
    /// <summary>Called after each EXECUTE_OPERATION with the operation (0 write, 1 read, 2 clear, 0xB dummy write), the record id and the status.</summary>
    public Action<byte, ulong, byte>? Executed { get; set; }

    /// <summary>A device reset (QEMU's erst_reset): operation, busy and offset 0, status success, no record id, the walk at the first slot.</summary>
    public void Reset()
    {
        _operation = 0;
        _busy = 0;
        CommandStatus = StatusSuccess;
        _recordId = 0;
        _recordOffset = 0;
        _nextIndex = Store.View.FirstRecordSlot;
    }

    /// <inheritdoc/>
    public ulong Read(ulong offset, int accessBits) => Reg64.ReadWindow(offset, _value, accessBits);

    /// <inheritdoc/>
    public void Write(ulong offset, int accessBits, ulong value)
    {
        if (!Reg64.WriteWindow(offset, ref _value, value, accessBits)) return;
        switch (value)
        {
            case 0x0 or 0x1 or 0x2 or 0x3 or 0xB: _operation = (byte)value; break;
            case 0x4: _recordOffset = (uint)_value; break;
            case 0x5:
                if ((byte)_value != _magic) break;
                _busy = 1;
                ulong id = _recordId;
                CommandStatus = _operation switch
                {
                    0x0 => WriteRecord(out id),
                    0x1 => ReadRecord(),
                    0x2 => ClearRecord(),
                    0xB or 0x3 => StatusSuccess,
                    _ => StatusFailed,
                };
                _busy = 0;
                Executed?.Invoke(_operation, _operation == 0x1 ? _recordId : id, CommandStatus);
                break;
            case 0x6: _value = _busy; break;
            case 0x7: _value = CommandStatus; break;
            case 0x8: CommandStatus = NextRecordId(out _value, first: false); break;
            case 0x9: _recordId = _value; break;
            case 0xA: _value = Store.View.RecordCount; break;
            case 0xD: _value = ExchangeBase; break;
            case 0xE: _value = Store.View.RecordSize; break;
            case 0xF: _value = 0; break; // not NVRAM mode, as QEMU
            case 0x10: _value = (100UL << 32) | 10; break; // QEMU: 100 us max, 10 us nominal
        }
    }

    private static bool ValidId(ulong id) => id != 0 && id != EmptyEndRecordId;

    private int Lookup(ulong id)
    {
        var v = Store.View;
        if (id == 0) return 0;
        uint count = 0;
        for (int i = v.FirstRecordSlot; i < v.SlotCount && count < v.RecordCount; i++)
        {
            ulong m = v.MapEntry(i);
            if (m == id) return i;
            if (m != 0) count++;
        }
        return 0;
    }

    private byte NextRecordId(out ulong id, bool first)
    {
        var v = Store.View;
        if (first) _nextIndex = v.FirstRecordSlot;
        id = EmptyEndRecordId;
        if (v.RecordCount != 0)
        {
            for (int i = _nextIndex; i < v.SlotCount; i++)
            {
                if (v.MapEntry(i) != 0)
                {
                    _nextIndex = i + 1;
                    id = v.MapEntry(i);
                    return StatusSuccess;
                }
            }
        }
        _nextIndex = v.FirstRecordSlot;
        return StatusSuccess;
    }

    private byte WriteRecord(out ulong id)
    {
        id = 0;
        uint exchange = ExchangeLength;
        if (_recordOffset > exchange - MinCperRecord) return StatusFailed;
        var buffer = _memory.Read(ExchangeBase + _recordOffset, (int)(exchange - _recordOffset));
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(20));
        if (length < MinCperRecord || length > exchange - _recordOffset) return StatusFailed;
        id = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(96));
        if (!ValidId(id)) return StatusFailed;
        try
        {
            Store.Write(buffer);
            return StatusSuccess;
        }
        catch (InvalidOperationException)
        {
            return StatusNotEnoughSpace;
        }
        catch (ArgumentException)
        {
            return StatusFailed;
        }
    }

    private byte ReadRecord()
    {
        var v = Store.View;
        if (v.RecordCount == 0) return StatusRecordStoreEmpty;
        uint exchange = ExchangeLength;
        if (_recordId == 0) NextRecordId(out _recordId, first: true);
        if (_recordId == EmptyEndRecordId) return StatusFailed;
        if (_recordOffset > exchange - MinCperRecord) return StatusFailed;
        int index = Lookup(_recordId);
        if (index == 0)
        {
            NextRecordId(out _recordId, first: true);
            return StatusRecordNotFound;
        }
        var slot = v.Slot(index);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(slot[20..]);
        if (length < MinCperRecord || length > exchange - _recordOffset || length > (uint)slot.Length) return StatusFailed;
        _memory.Write(ExchangeBase + _recordOffset, slot[..(int)length]);
        return StatusSuccess;
    }

    private byte ClearRecord()
    {
        if (!ValidId(_recordId)) return StatusFailed;
        return Lookup(_recordId) != 0 && Store.Clear(_recordId) ? StatusSuccess : StatusRecordNotFound;
    }
}
