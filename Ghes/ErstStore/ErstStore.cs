using System.Buffers.Binary;

namespace ApeiKit.Ghes;

/// <summary>
/// An editable QEMU acpi-erst backing file (see <see cref="ErstStoreView"/> for the layout). <see cref="Decode"/> keeps
/// every byte (header slot, map, slots, a partial last slot), so decode then encode is byte-identical; <see cref="Create"/>,
/// <see cref="Write"/> and <see cref="Clear"/> do what QEMU's device does (hw/acpi/erst.c make_erst_storage_header,
/// write_erst_record, clear_erst_record), which is how test stores are built.
/// </summary>
public sealed class ErstStore : IApeiEncodable
{
    private readonly byte[] _bytes;

    private ErstStore(byte[] bytes) => _bytes = bytes;

    /// <summary>The file as it stands.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>A view over the current bytes.</summary>
    public ErstStoreView View => ErstStoreView.Read(_bytes);

    /// <summary>Decodes a backing file (a copy is kept).</summary>
    /// <exception cref="ApeiContentException">Not a store (see <see cref="ErstStoreView.TryRead(ReadOnlySpan{byte}, out ErstStoreView)"/>).</exception>
    public static ErstStore Decode(ReadOnlySpan<byte> source)
    {
        ErstStoreView.Read(source);
        return new ErstStore(source.ToArray());
    }

    /// <summary>
    /// A new, empty store of <paramref name="storageSize"/> bytes as QEMU initialises a zeroed file: magic, record_size,
    /// version 0x0100, storage_offset = (24 + 8 × slots) rounded up to record_size, record_count 0, map all zero, the
    /// record slots zero (QEMU's memory backend starts zeroed).
    /// </summary>
    /// <exception cref="ArgumentException">record_size not a power of two of at least 4096, or storage size not a multiple of it.</exception>
    public static ErstStore Create(int storageSize, uint recordSize = 8192)
    {
        if (recordSize < ErstStoreView.MinRecordSize || (recordSize & (recordSize - 1)) != 0)
            throw new ArgumentException($"record_size {recordSize} must be a power of two of at least 4096 (QEMU's check)", nameof(recordSize));
        if (storageSize <= 0 || storageSize % recordSize != 0 || storageSize < recordSize)
            throw new ArgumentException($"storage size {storageSize} must be a positive multiple of record_size {recordSize}", nameof(storageSize));
        var b = new byte[storageSize];
        ErstStoreView.Magic.CopyTo(b);
        uint slots = (uint)storageSize / recordSize;
        ulong headerSize = ErstStoreView.HeaderSize + 8UL * slots;
        uint storageOffset = (uint)((headerSize + recordSize - 1) / recordSize * recordSize);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(ErstStoreView.RecordSizeOffset), recordSize);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(ErstStoreView.StorageOffsetOffset), storageOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(ErstStoreView.VersionOffset), ErstStoreView.CurrentVersion);
        return new ErstStore(b);
    }

    /// <summary>
    /// Stores a CPER record as QEMU's write_erst_record does: the record id is read from the record (offset 96); a slot
    /// holding that id is overwritten, else the first slot whose map entry is 0 is taken and record_count incremented; the
    /// rest of the slot is filled with 0xFF. Returns the slot used.
    /// </summary>
    /// <exception cref="ArgumentException">Not a CPER record, RecordLength below 128 or above record_size, record id 0 or all ones.</exception>
    /// <exception cref="InvalidOperationException">Every slot is taken (QEMU: STATUS_NOT_ENOUGH_SPACE).</exception>
    public int Write(ReadOnlySpan<byte> record)
    {
        var v = View;
        if (record.Length < 128 || !record.StartsWith("CPER"u8)) throw new ArgumentException("not a CPER record", nameof(record));
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(record[20..]);
        if (length < 128 || length > v.RecordSize || length > (uint)record.Length)
            throw new ArgumentException($"RecordLength {length} must be 128..{v.RecordSize} and within the {record.Length} bytes given", nameof(record));
        ulong id = BinaryPrimitives.ReadUInt64LittleEndian(record[96..]);
        if (id is 0 or ulong.MaxValue) throw new ArgumentException("record id 0 and all ones are not valid ids", nameof(record));
        int slot = Find(id);
        bool found = slot >= 0;
        if (!found)
        {
            for (int i = v.FirstRecordSlot; i < v.SlotCount && slot < 0; i++) if (v.MapEntry(i) == 0) slot = i;
            if (slot < 0) throw new InvalidOperationException("every slot is taken (QEMU: STATUS_NOT_ENOUGH_SPACE)");
        }
        var s = _bytes.AsSpan((int)v.SlotOffset(slot), (int)v.RecordSize);
        record[..(int)length].CopyTo(s);
        s[(int)length..].Fill(0xFF);
        if (!found) SetCount(v.RecordCount + 1);
        SetMap(slot, id);
        return slot;
    }

    /// <summary>Clears a record as QEMU's clear_erst_record does: its map entry becomes 0 and record_count is decremented; the slot's bytes stay. False when no slot holds the id.</summary>
    public bool Clear(ulong recordId)
    {
        int slot = Find(recordId);
        if (slot < 0) return false;
        SetMap(slot, 0);
        SetCount(View.RecordCount - 1);
        return true;
    }

    private int Find(ulong id)
    {
        var v = View;
        if (id == 0) return -1;
        for (int i = v.FirstRecordSlot; i < v.SlotCount; i++) if (v.MapEntry(i) == id) return i;
        return -1;
    }

    private void SetMap(int slot, ulong id) => BinaryPrimitives.WriteUInt64LittleEndian(_bytes.AsSpan(ErstStoreView.HeaderSize + slot * 8), id);
    private void SetCount(uint count) => BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan(ErstStoreView.RecordCountOffset), count);

    /// <inheritdoc/>
    public int GetEncodedLength() => _bytes.Length;

    /// <inheritdoc/>
    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (destination.Length < _bytes.Length) return false;
        _bytes.CopyTo(destination);
        bytesWritten = _bytes.Length;
        return true;
    }
}
