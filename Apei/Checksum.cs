namespace ApeiKit;

/// <summary>ACPI 8-bit checksums (ACPI 6.5 §5.2.6: all bytes of a table sum to zero modulo 256).</summary>
public static class Checksum
{
    /// <summary>Sum of all bytes modulo 256.</summary>
    public static byte Sum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        foreach (var b in data) sum += b;
        return (byte)sum;
    }

    /// <summary>True when the bytes sum to zero.</summary>
    public static bool IsValid(ReadOnlySpan<byte> table) => Sum(table) == 0;

    /// <summary>Computes the checksum byte that makes <paramref name="table"/> sum to zero when stored at <paramref name="checksumOffset"/>.</summary>
    public static byte Compute(ReadOnlySpan<byte> table, int checksumOffset)
    {
        var sum = (byte)(Sum(table) - table[checksumOffset]);
        return (byte)(0x100 - sum);
    }

    /// <summary>Writes the checksum byte at <paramref name="checksumOffset"/> so the table sums to zero.</summary>
    public static void Fix(Span<byte> table, int checksumOffset) => table[checksumOffset] = Compute(table, checksumOffset);
}
