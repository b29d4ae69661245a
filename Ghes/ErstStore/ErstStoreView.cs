using System.Buffers.Binary;
using System.Globalization;

namespace ApeiKit.Ghes;

/// <summary>What a slot of a QEMU ERST store holds.</summary>
public enum ErstSlotState
{
    /// <summary>Part of the store header (slot 0, and more slots when the record-id map needs them).</summary>
    Header,
    /// <summary>A record the map lists (a live record: the guest reads it back).</summary>
    Live,
    /// <summary>The map entry is 0 but the slot still holds a CPER record: a record that was cleared (deleted). QEMU only zeroes the map entry.</summary>
    Cleared,
    /// <summary>The map entry is 0 and the slot holds no record.</summary>
    Empty,
}

/// <summary>
/// Zero-copy view of a QEMU <c>-device acpi-erst</c> backing file (hw/acpi/erst.c, <c>ERSTStorageHeader</c>): at 0 the
/// magic "ERSTSTOR" (u64), at 8 record_size (u32), at 12 storage_offset (u32: where slot storage begins, a multiple of
/// record_size), at 16 version (u16, 0x0100), at 18 reserved (u16), at 20 record_count (u32), at 24 a map of u64 record
/// ids, one per slot of the whole file (0: empty; the header's own slots have entries too, never used). The record of
/// slot <c>i</c> starts at <c>i × record_size</c>; QEMU fills the rest of the slot with 0xFF. Clearing a record zeroes its
/// map entry and decrements record_count: the bytes stay (<see cref="ErstSlotState.Cleared"/>).
/// </summary>
public readonly ref struct ErstStoreView
{
    /// <summary>"ERSTSTOR", the first 8 bytes.</summary>
    public static ReadOnlySpan<byte> Magic => "ERSTSTOR"u8;
    /// <summary>Size of the fixed header before the map.</summary>
    public const int HeaderSize = 24;
    /// <summary>Offset of record_size.</summary>
    public const int RecordSizeOffset = 8;
    /// <summary>Offset of storage_offset.</summary>
    public const int StorageOffsetOffset = 12;
    /// <summary>Offset of version.</summary>
    public const int VersionOffset = 16;
    /// <summary>Offset of record_count.</summary>
    public const int RecordCountOffset = 20;
    /// <summary>The only version QEMU writes and accepts.</summary>
    public const ushort CurrentVersion = 0x0100;
    /// <summary>Smallest record size QEMU accepts (a page).</summary>
    public const uint MinRecordSize = 4096;

    private readonly ReadOnlySpan<byte> _bytes;

    private ErstStoreView(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>The header layout (for rendering).</summary>
    public static StructDef HeaderLayout { get; } = new("ERST store header", HeaderSize,
    [
        FieldDef.Ascii("magic", "Magic", 0, 8),
        FieldDef.UInt("recordSize", "Record size (slot size)", RecordSizeOffset, 4, unit: "bytes"),
        FieldDef.Hex("storageOffset", "Storage offset", StorageOffsetOffset, 4),
        FieldDef.Hex("version", "Version", VersionOffset, 2),
        FieldDef.Reserved("reserved", 18, 2),
        FieldDef.UInt("recordCount", "Record count", RecordCountOffset, 4),
    ]);

    /// <summary>True when <paramref name="bytes"/> start with the "ERSTSTOR" magic.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Magic);

    /// <summary>
    /// Makes a view of the QEMU ERST store at the start of <paramref name="source"/> without throwing:
    /// <see cref="System.Buffers.OperationStatus.Done"/>, <see cref="System.Buffers.OperationStatus.NeedMoreData"/> when too few bytes
    /// are present, or <see cref="System.Buffers.OperationStatus.InvalidData"/> with <paramref name="error"/> saying what is wrong,
    /// for what the bool overload throws for.
    /// </summary>
    /// <param name="source">Bytes starting at the QEMU ERST store.</param>
    /// <param name="store">The view when <see cref="System.Buffers.OperationStatus.Done"/>.</param>
    /// <param name="error">The content error when <see cref="System.Buffers.OperationStatus.InvalidData"/>, else null.</param>
    public static System.Buffers.OperationStatus TryRead(ReadOnlySpan<byte> source, out ErstStoreView store, out ApeiContentException? error)
        => ContentStatus.ToStatus(error = Check(source, out store, out bool complete), complete);

    /// <summary>Makes a view. False only when fewer than 24 bytes are present.</summary>
    /// <exception cref="ApeiContentException">No magic; record_size zero or not a power of two; the map does not fit in the file.</exception>
    public static bool TryRead(ReadOnlySpan<byte> source, out ErstStoreView store)
        => ContentStatus.ThrowIfInvalid(Check(source, out store, out bool complete), complete);

    // The one check behind both TryRead overloads: the content error, or null (then complete says whether the view was made).
    private static ApeiContentException? Check(ReadOnlySpan<byte> source, out ErstStoreView store, out bool complete)
    {
        store = default;
        complete = false;
        if (source.Length < HeaderSize) return null;
        if (!HasMagic(source)) return ApeiContentException.Invalid("ERST store header", "magic", 0, "\"ERSTSTOR\"", "\"" + AsciiField.Decode(source[..8]) + "\"");
        uint recordSize = BinaryPrimitives.ReadUInt32LittleEndian(source[RecordSizeOffset..]);
        if (recordSize == 0 || (recordSize & (recordSize - 1)) != 0 || recordSize < 128)
            return ApeiContentException.Invalid("ERST store header", "record_size", RecordSizeOffset, "a power of two of at least 128 (QEMU: at least 4096)", recordSize.ToString(CultureInfo.InvariantCulture));
        var view = new ErstStoreView(source);
        if ((ulong)HeaderSize + (ulong)view.SlotCount * 8 > (ulong)source.Length)
            return ApeiContentException.Truncated("ERST store record-id map", HeaderSize, HeaderSize + (long)view.SlotCount * 8, source.Length);
        store = view;
        complete = true;
        return null;
    }

    /// <summary>Makes a view; throws <see cref="ApeiContentException"/> when fewer than 24 bytes are present or the header is wrong.</summary>
    public static ErstStoreView Read(ReadOnlySpan<byte> source) => ReadAt(source, 0);

    // Read with error offsets moved by baseOffset (where the caller found the store in its input).
    internal static ErstStoreView ReadAt(ReadOnlySpan<byte> source, long baseOffset)
    {
        ContentStatus.ThrowUnlessComplete(Check(source, out var s, out bool complete), complete, baseOffset, "ERST store header", HeaderSize, source.Length);
        return s;
    }

    /// <summary>The whole file.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;
    /// <summary>record_size: the slot size, and the largest record the store holds.</summary>
    public uint RecordSize => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[RecordSizeOffset..]);
    /// <summary>storage_offset: where the first record slot begins.</summary>
    public uint StorageOffset => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[StorageOffsetOffset..]);
    /// <summary>version (0x0100).</summary>
    public ushort Version => BinaryPrimitives.ReadUInt16LittleEndian(_bytes[VersionOffset..]);
    /// <summary>reserved (0).</summary>
    public ushort Reserved => BinaryPrimitives.ReadUInt16LittleEndian(_bytes[18..]);
    /// <summary>record_count as stored.</summary>
    public uint RecordCount => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[RecordCountOffset..]);
    /// <summary>Slots in the file (whole record_size pieces, the header's included): the map has one entry per slot.</summary>
    public int SlotCount => (int)Math.Min(int.MaxValue, (ulong)_bytes.Length / RecordSize);
    /// <summary>First record slot (storage_offset / record_size).</summary>
    public int FirstRecordSlot => (int)Math.Min((ulong)SlotCount, StorageOffset / RecordSize);
    /// <summary>Bytes after the last whole slot (a file whose size is not a multiple of record_size).</summary>
    public int TrailingLength => (int)((ulong)_bytes.Length % RecordSize);

    /// <summary>The map entry of slot <paramref name="slot"/>: the id of the record stored there, 0 when none.</summary>
    public ulong MapEntry(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, SlotCount);
        return BinaryPrimitives.ReadUInt64LittleEndian(_bytes[(HeaderSize + slot * 8)..]);
    }

    /// <summary>The bytes of slot <paramref name="slot"/>.</summary>
    public ReadOnlySpan<byte> Slot(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, SlotCount);
        return _bytes.Slice((int)((long)slot * RecordSize), (int)RecordSize);
    }

    /// <summary>Offset of slot <paramref name="slot"/> in the file.</summary>
    public long SlotOffset(int slot) => (long)slot * RecordSize;

    /// <summary>What slot <paramref name="slot"/> holds.</summary>
    public ErstSlotState StateOf(int slot)
    {
        if (slot < FirstRecordSlot) return ErstSlotState.Header;
        ulong id = MapEntry(slot);
        if (id != 0) return ErstSlotState.Live;
        return Slot(slot).StartsWith("CPER"u8) ? ErstSlotState.Cleared : ErstSlotState.Empty;
    }

    /// <summary>
    /// The CPER record in slot <paramref name="slot"/>: RecordLength bytes (offset 20) when they fit in the slot, the whole
    /// slot otherwise (the describer reports the disagreement), or empty when the slot holds no "CPER" signature.
    /// </summary>
    public ReadOnlySpan<byte> RecordIn(int slot)
    {
        var s = Slot(slot);
        if (!s.StartsWith("CPER"u8) || s.Length < 24) return [];
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(s[20..]);
        return length >= 128 && length <= (uint)s.Length ? s[..(int)length] : s;
    }

    /// <summary>Number of non-zero map entries among the record slots (what record_count should say).</summary>
    public int CountMapped()
    {
        int n = 0;
        for (int i = FirstRecordSlot; i < SlotCount; i++) if (MapEntry(i) != 0) n++;
        return n;
    }
}
