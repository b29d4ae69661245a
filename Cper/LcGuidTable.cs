using System.Buffers.Binary;

namespace ApeiKit.Cper;

/// <summary>
/// A fixed table keyed by GUID, looked up from the GUID's 16 bytes as a record holds them (EFI_GUID, UEFI 2.10 appendix A)
/// without making a <see cref="Guid"/>: open addressing over a power-of-two array at most a quarter full, the key compared as
/// two 64-bit words. The per-record GUID lookups of the record describer (section type, creator, notification type:
/// <see cref="CperGuids"/>, <see cref="CperSectionLookup"/>) and of the libcper dialect (section family, notification type; issue #15).
/// </summary>
internal sealed class LcGuidTable<T> where T : class
{
    private readonly ulong[] _keys; // two words per slot
    private readonly T?[] _values;
    private readonly int _shift;

    public LcGuidTable(IEnumerable<KeyValuePair<Guid, T>> entries)
    {
        var all = entries.ToArray();
        int bits = 2;
        while ((1 << bits) < all.Length * 4) bits++;
        _shift = 64 - bits;
        _keys = new ulong[2 << bits];
        _values = new T?[1 << bits];
        Span<byte> raw = stackalloc byte[16];
        foreach (var (guid, value) in all)
        {
            guid.TryWriteBytes(raw); // the same byte order Guid(ReadOnlySpan<byte>) reads a record's GUID in
            ulong lo = BinaryPrimitives.ReadUInt64LittleEndian(raw), hi = BinaryPrimitives.ReadUInt64LittleEndian(raw[8..]);
            int i = Slot(lo, hi);
            while (_values[i] is not null && (_keys[2 * i] != lo || _keys[2 * i + 1] != hi)) i = (i + 1) & (_values.Length - 1);
            _keys[2 * i] = lo;
            _keys[2 * i + 1] = hi;
            _values[i] = value;
        }
    }

    private int Slot(ulong lo, ulong hi) => (int)(((lo ^ hi) * 0x9E3779B97F4A7C15UL) >> _shift);

    /// <summary>The value of the GUID whose 16 bytes are <paramref name="raw"/>, or null.</summary>
    public T? Find(ReadOnlySpan<byte> raw)
    {
        ulong lo = BinaryPrimitives.ReadUInt64LittleEndian(raw), hi = BinaryPrimitives.ReadUInt64LittleEndian(raw.Slice(8, 8));
        int i = Slot(lo, hi);
        while (_values[i] is { } v)
        {
            if (_keys[2 * i] == lo && _keys[2 * i + 1] == hi) return v;
            i = (i + 1) & (_values.Length - 1);
        }
        return null;
    }
}
