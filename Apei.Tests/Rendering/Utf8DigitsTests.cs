using System.Globalization;
using System.Text;

namespace ApeiKit.Tests.Rendering;

/// <summary>
/// <c>Utf8Digits.WriteDecimal</c> (the compact renderer's number writer, issue #15) writes what the runtime's own
/// formatting writes, for numbers of every length: at each power of ten and one below it, around the 32-bit limit
/// (where it moves from 64-bit to 32-bit arithmetic) and at the 64-bit limit, plus seeded random values.
/// </summary>
public class Utf8DigitsTests
{
    public static IEnumerable<object[]> Edges()
    {
        var values = new SortedSet<ulong> { 0, ulong.MaxValue, ulong.MaxValue - 1, uint.MaxValue, (ulong)uint.MaxValue + 1, (ulong)uint.MaxValue - 1, (ulong)uint.MaxValue + 100 };
        ulong p = 1;
        for (int k = 0; k < 20; k++)
        {
            values.Add(p);
            values.Add(p - 1);
            values.Add(p + 1);
            if (k < 19) p *= 10;
        }
        return values.Select(v => new object[] { v });
    }

    [Theory]
    [MemberData(nameof(Edges))]
    public void A_number_at_an_edge_is_written_as_the_runtime_formats_it(ulong value) => AssertWrites(value);

    [Fact]
    public void Random_numbers_of_every_length_are_written_as_the_runtime_formats_them()
    {
        var random = new Random(20261207);
        Span<byte> bytes = stackalloc byte[8];
        for (int i = 0; i < 20_000; i++)
        {
            random.NextBytes(bytes);
            ulong value = BitConverter.ToUInt64(bytes) >> random.Next(64); // every length, not just 20 digits
            AssertWrites(value);
        }
    }

    private static void AssertWrites(ulong value)
    {
        var buffer = new byte[24];
        buffer.AsSpan().Fill((byte)'#');
        int n = Utf8Digits.WriteDecimal(value, buffer);
        Assert.Equal(value.ToString(CultureInfo.InvariantCulture), Encoding.ASCII.GetString(buffer, 0, n));
        Assert.All(buffer[n..], b => Assert.Equal((byte)'#', b)); // nothing written past the digits
    }
}
