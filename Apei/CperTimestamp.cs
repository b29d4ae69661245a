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
        if (!TryParts(encoding == TimestampEncoding.Bcd, out int year, out int month, out int day, out int hour, out int minute, out int second))
        {
            value = default;
            return false;
        }
        value = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
        return true;
    }

    /// <summary>
    /// Picks the encoding: binary when <paramref name="preferBinary"/> (the record's creator is
    /// Windows WHEA) and the binary reading is a valid date, else BCD when valid, else binary when valid.
    /// Returns false when neither reading is a valid date.
    /// </summary>
    public bool TryDecode(bool preferBinary, out DateTime value, out TimestampEncoding encoding)
    {
        if (!TryDecodeParts(preferBinary, out int year, out int month, out int day, out int hour, out int minute, out int second, out encoding))
        {
            value = default;
            return false;
        }
        value = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
        return true;
    }

    /// <summary>
    /// <see cref="TryDecode"/>'s choice of encoding and its checks, giving the parts without building a <c>DateTime</c>
    /// (the JSON sink formats them itself). <paramref name="encoding"/> is <see cref="TimestampEncoding.Bcd"/> when false.
    /// </summary>
    internal bool TryDecodeParts(bool preferBinary, out int year, out int month, out int day, out int hour, out int minute, out int second, out TimestampEncoding encoding)
    {
        encoding = TimestampEncoding.Binary;
        if (preferBinary && TryParts(bcd: false, out year, out month, out day, out hour, out minute, out second)) return true;
        encoding = TimestampEncoding.Bcd;
        if (TryParts(bcd: true, out year, out month, out day, out hour, out minute, out second)) return true;
        if (TryParts(bcd: false, out year, out month, out day, out hour, out minute, out second))
        {
            encoding = TimestampEncoding.Binary;
            return true;
        }
        encoding = TimestampEncoding.Bcd;
        return false;
    }

    // UEFI 2.10 N.2.1.1: bytes 0-2 seconds, minutes, hours; 3 flags; 4-7 day, month, year, century. Every part in range and a
    // day the month has; as BCD, every digit at most 9.
    private bool TryParts(bool bcd, out int year, out int month, out int day, out int hour, out int minute, out int second)
    {
        second = Part(0, bcd);
        minute = Part(1, bcd);
        hour = Part(2, bcd);
        day = Part(4, bcd);
        month = Part(5, bcd);
        year = Part(6, bcd);
        int century = Part(7, bcd);
        if ((second | minute | hour | day | month | year | century) < 0) return false; // not BCD
        year += century * 100;
        return second <= 59 && minute <= 59 && hour <= 23 && month >= 1 && month <= 12 && day >= 1 && year >= 1 && year <= 9999
            && day <= DateTime.DaysInMonth(year, month);
    }

    // Byte i, as binary or as two BCD digits (-1 when a digit is above 9).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private int Part(int i, bool bcd)
    {
        int b = B(i);
        if (!bcd) return b;
        int hi = b >> 4, lo = b & 0xF;
        return hi > 9 || lo > 9 ? -1 : hi * 10 + lo;
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
