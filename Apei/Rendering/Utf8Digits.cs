using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ApeiKit;

/// <summary>
/// Decimal integers and GUIDs as UTF-8, for the compact JSON renderer: the bytes <c>Utf8Formatter</c> (and so
/// <see cref="System.Text.Json.Utf8JsonWriter"/>) writes, from small tables. The profile of <c>decode -f ndjson</c>
/// (benchmarks/README.md) showed the library's versions at 6% (integers) and 5% (GUIDs: its vectorised hex, which in a
/// Native AOT build for the baseline instruction set runs as a scalar <c>Vector128.Shuffle</c> fallback).
/// </summary>
internal static class Utf8Digits
{
    // "00".."99", two bytes each.
    private static ReadOnlySpan<byte> Pairs => "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    // Lower-case and upper-case hex of every byte value, two bytes each ("00".."ff", "00".."FF").
    private static readonly byte[] s_hex = MakeHex("0123456789abcdef"u8), s_hexUpper = MakeHex("0123456789ABCDEF"u8);

    private static byte[] MakeHex(ReadOnlySpan<byte> digits)
    {
        var t = new byte[512];
        for (int i = 0; i < 256; i++)
        {
            t[2 * i] = digits[i >> 4];
            t[2 * i + 1] = digits[i & 0xF];
        }
        return t;
    }

    /// <summary>Number of decimal digits of <paramref name="value"/> (0 for 0: callers write values below 10 themselves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CountDigits(ulong value)
    {
        // log10 from log2 (1233/4096 ~ log10(2)), corrected by one comparison.
        int bits = 64 - BitOperations.LeadingZeroCount(value | 1);
        int digits = (bits * 1233) >> 12;
        return digits + (value >= PowersOf10[digits] ? 1 : 0);
    }

    // An array, not a ReadOnlySpan<ulong> property over constant data: unoptimised (Debug) code builds the latter through
    // RuntimeHelpers.CreateSpan with a field-handle stub allocated per call (72 B per number in the allocation tests).
    private static readonly ulong[] PowersOf10 =
    [
        1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000, 100000000000,
        1000000000000, 10000000000000, 100000000000000, 1000000000000000, 10000000000000000, 100000000000000000,
        1000000000000000000, 10000000000000000000,
    ];

    /// <summary>Writes <paramref name="value"/> in decimal at the start of <paramref name="destination"/> (room for 20 bytes needed); returns the bytes written.</summary>
    public static int WriteDecimal(ulong value, Span<byte> destination)
    {
        if (value < 10)
        {
            destination[0] = (byte)('0' + value);
            return 1;
        }
        int n = CountDigits(value);
        ref byte d = ref MemoryMarshal.GetReference(destination[..n]); // bounds checked once
        int i = n;
        // Two digits a step, each pair one 16-bit copy from the table (WritePair); in 32-bit arithmetic once the value fits
        // (most numbers: lengths, offsets, ids), where dividing by 100 is a cheaper multiply.
        while (value > uint.MaxValue)
        {
            ulong q = value / 100;
            i -= 2;
            WritePair(ref Unsafe.Add(ref d, i), (uint)(value - q * 100));
            value = q;
        }
        uint v = (uint)value;
        while (v >= 100)
        {
            uint q = v / 100;
            i -= 2;
            WritePair(ref Unsafe.Add(ref d, i), v - q * 100);
            v = q;
        }
        if (v >= 10) WritePair(ref Unsafe.Add(ref d, i - 2), v);
        else Unsafe.Add(ref d, i - 1) = (byte)('0' + v);
        return n;
    }

    /// <summary>Writes the two decimal digits of <paramref name="value"/> (0-99) at <paramref name="destination"/> as one 16-bit copy from the table; the caller has made room.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WritePair(ref byte destination, uint value)
        => Unsafe.WriteUnaligned(ref destination, Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref MemoryMarshal.GetReference(Pairs), (int)value * 2)));

    /// <summary>Writes a signed value in decimal (a '-' first when negative); room for 20 bytes needed.</summary>
    public static int WriteDecimal(long value, Span<byte> destination)
    {
        if (value >= 0) return WriteDecimal((ulong)value, destination);
        destination[0] = (byte)'-';
        return 1 + WriteDecimal(unchecked((ulong)-(value + 1) + 1), destination[1..]);
    }

    /// <summary>
    /// Writes the 16 bytes of an EFI_GUID / <see cref="Guid"/> as it prints in the "D" format, lower case
    /// (<c>new Guid(raw).ToString()</c>: the first three groups little-endian, UEFI 2.10 appendix A), 36 bytes.
    /// </summary>
    public static void WriteGuid(ReadOnlySpan<byte> raw, Span<byte> destination)
    {
        // Bounds checked once; each byte's two digits are one 16-bit copy from the table (4% of the libcper dialect's
        // profile with a bounds check per byte). Byte i of the GUID goes to output position Order[i].
        ref byte r = ref MemoryMarshal.GetReference(raw[..16]);
        ref byte d = ref MemoryMarshal.GetReference(destination[..36]);
        ref byte hex = ref MemoryMarshal.GetArrayDataReference(s_hex);
        Digits(ref d, 6, ref hex, r);
        Digits(ref d, 4, ref hex, Unsafe.Add(ref r, 1));
        Digits(ref d, 2, ref hex, Unsafe.Add(ref r, 2));
        Digits(ref d, 0, ref hex, Unsafe.Add(ref r, 3));
        Digits(ref d, 11, ref hex, Unsafe.Add(ref r, 4));
        Digits(ref d, 9, ref hex, Unsafe.Add(ref r, 5));
        Digits(ref d, 16, ref hex, Unsafe.Add(ref r, 6));
        Digits(ref d, 14, ref hex, Unsafe.Add(ref r, 7));
        for (int i = 8; i < 16; i++) Digits(ref d, Order[i], ref hex, Unsafe.Add(ref r, i));
        Unsafe.Add(ref d, 8) = Unsafe.Add(ref d, 13) = Unsafe.Add(ref d, 18) = Unsafe.Add(ref d, 23) = (byte)'-';

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Digits(ref byte d, int at, ref byte hex, byte b) =>
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, at), Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref hex, b * 2)));
    }

    /// <summary>
    /// Writes <paramref name="value"/> in upper-case hex, at least <paramref name="digits"/> digits (zeros first) and as
    /// many as the value needs: what <c>Utf8Formatter</c>'s 'X' format with that precision writes (<c>value.ToString("X16")</c>
    /// for 16), as UTF-8 straight into <paramref name="destination"/>; returns the bytes written. The one upper-case hex
    /// writer of the JSON renderers (a CPER timestamp's raw value, a non-BCD bit field, the libcper dialect's hex strings).
    /// </summary>
    public static int WriteHexUpper(ulong value, int digits, Span<byte> destination)
    {
        int n = Math.Max(Math.Max(1, (64 - BitOperations.LeadingZeroCount(value) + 3) >> 2), digits);
        Span<byte> d = destination[..n];
        ReadOnlySpan<byte> hex = s_hexUpper;
        int i = n;
        for (; i >= 2; i -= 2)
        {
            int b = (int)(value & 0xFF) * 2;
            d[i - 2] = hex[b];
            d[i - 1] = hex[b + 1];
            value >>= 8;
        }
        if (i == 1) d[0] = hex[(int)(value & 0xF) * 2 + 1]; // an odd count: the low digit of "0X"
        return n;
    }

    private static ReadOnlySpan<byte> Order => [6, 4, 2, 0, 11, 9, 16, 14, 19, 21, 24, 26, 28, 30, 32, 34];
}
