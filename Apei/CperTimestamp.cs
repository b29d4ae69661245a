using System.Buffers.Binary;
using System.Globalization;

namespace ApeiKit;

/// <summary>How the eight timestamp bytes encode their numbers.</summary>
public enum TimestampEncoding
{
    /// <summary>Binary-coded decimal, as UEFI 2.10 N.2.1 specifies.</summary>
    Bcd,
    /// <summary>Plain binary values, as Windows WHEA ("WHEA Record Creator") writes them.</summary>
    Binary,
}

/// <summary>
/// The 8-byte CPER timestamp (UEFI 2.10 N.2.1, Record Header, Timestamp; also Generic Error Data
/// Entry revision 0x300): seconds, minutes, hours, flags (bit 0: precise), day, month, year, century.
/// The raw bytes are kept, so decode then encode is exact even when the value is not a valid date.
/// </summary>
public readonly record struct CperTimestamp(ulong Raw)
{
    /// <summary>Size in bytes.</summary>
    public const int Size = 8;

    /// <summary>Reads the timestamp from 8 bytes.</summary>
    public static CperTimestamp Read(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt64LittleEndian(source));

    /// <summary>Writes the raw 8 bytes.</summary>
    public void Write(Span<byte> destination) => BinaryPrimitives.WriteUInt64LittleEndian(destination, Raw);

    private byte B(int i) => (byte)(Raw >> (8 * i));

    /// <summary>Flags byte bit 0: the timestamp correlates precisely with the error event.</summary>
    public bool IsPrecise => (B(3) & 1) != 0;

    /// <summary>The flags byte (byte 3).</summary>
    public byte Flags => B(3);

    /// <summary>True when all bytes are zero (commonly meaning "no timestamp").</summary>
    public bool IsZero => Raw == 0;

    /// <summary>Decodes the date and time with the given encoding; false when a part is out of range or not BCD.</summary>
    public bool TryGetDateTime(TimestampEncoding encoding, out DateTime value)
    {
        value = default;
        Span<int> v = stackalloc int[8];
        for (int i = 0; i < 8; i++)
        {
            if (i == 3) continue;
            int b = B(i);
            if (encoding == TimestampEncoding.Bcd)
            {
                int hi = b >> 4, lo = b & 0xF;
                if (hi > 9 || lo > 9) return false;
                v[i] = hi * 10 + lo;
            }
            else v[i] = b;
        }
        int year = v[7] * 100 + v[6];
        if (v[0] > 59 || v[1] > 59 || v[2] > 23 || v[5] < 1 || v[5] > 12 || v[4] < 1 || year < 1 || year > 9999) return false;
        if (v[4] > DateTime.DaysInMonth(year, v[5])) return false;
        value = new DateTime(year, v[5], v[4], v[2], v[1], v[0], DateTimeKind.Utc);
        return true;
    }

    /// <summary>
    /// Picks the encoding: binary when <paramref name="preferBinary"/> (the record's creator is
    /// Windows WHEA) and the binary reading is a valid date, else BCD when valid, else binary when valid.
    /// Returns false when neither reading is a valid date.
    /// </summary>
    public bool TryDecode(bool preferBinary, out DateTime value, out TimestampEncoding encoding)
    {
        if (preferBinary && TryGetDateTime(TimestampEncoding.Binary, out value)) { encoding = TimestampEncoding.Binary; return true; }
        if (TryGetDateTime(TimestampEncoding.Bcd, out value)) { encoding = TimestampEncoding.Bcd; return true; }
        if (TryGetDateTime(TimestampEncoding.Binary, out value)) { encoding = TimestampEncoding.Binary; return true; }
        encoding = TimestampEncoding.Bcd;
        return false;
    }

    /// <summary>Encodes a date and time with the given encoding and flags.</summary>
    public static CperTimestamp FromDateTime(DateTime value, TimestampEncoding encoding = TimestampEncoding.Bcd, bool precise = false)
    {
        static byte E(int n, TimestampEncoding e) => e == TimestampEncoding.Bcd ? (byte)(((n / 10) << 4) | (n % 10)) : (byte)n;
        ulong raw = E(value.Second, encoding)
            | (ulong)E(value.Minute, encoding) << 8
            | (ulong)E(value.Hour, encoding) << 16
            | (ulong)(precise ? 1 : 0) << 24
            | (ulong)E(value.Day, encoding) << 32
            | (ulong)E(value.Month, encoding) << 40
            | (ulong)E(value.Year % 100, encoding) << 48
            | (ulong)E(value.Year / 100, encoding) << 56;
        return new CperTimestamp(raw);
    }

    /// <summary>ISO 8601 text (<c>2024-05-01T12:34:56Z</c>) or null when not a valid date.</summary>
    public string? ToIso8601(bool preferBinary)
        => TryDecode(preferBinary, out var dt, out _) ? dt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : null;
}
