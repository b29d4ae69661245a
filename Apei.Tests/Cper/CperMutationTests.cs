using System.Text.Json;
using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>Random byte flips and truncations of every fixture: a decoded record or ApeiContentException, nothing else.</summary>
public class CperMutationTests
{
    public static TheoryData<string> AllFixtures() => new(Fixtures.CperRecords());

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void Mutated_fixtures_decode_or_raise_content_errors_only(string fixture)
    {
        var original = Fixtures.Binary(fixture);
        var random = new Random(StableSeed(fixture));
        // Warm up: the first decode of a section type runs its static layout tables' initialisers, which
        // allocate once per process; what is measured below is what decoding itself allocates.
        DecodeAndReencode(original);
        RenderJson(original);
        for (int iteration = 0; iteration < 300; iteration++)
        {
            var bytes = Mutate(original, random);
            string where = $"{fixture} iteration {iteration} ({bytes.Length} bytes)";

            // The model copies each section once and keeps one error per bad descriptor (a descriptor is 72 bytes,
            // an error about 1 KiB): bounded by a small multiple of the input, never by a length read from it.
            long before = GC.GetAllocatedBytesForCurrentThread();
            DecodeAndReencode(bytes);
            long model = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(model < 32L * bytes.Length + 64 * 1024, $"{where}: decoding allocated {model} bytes");

            // Rendering allocates its output: each 72-byte descriptor becomes about 1 KiB of JSON (plus an error
            // object when it is bogus), raw bodies become hex text. Linear in the input, with a larger constant.
            before = GC.GetAllocatedBytesForCurrentThread();
            var json = RenderJson(bytes);
            long rendering = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(rendering < 128L * bytes.Length + 256 * 1024, $"{where}: rendering allocated {rendering} bytes");
            if (json is not null)
            {
                using var doc = JsonDocument.Parse(json); // the JSON stays well-formed whatever the input
            }

            try
            {
                if (CperRecordView.TryRead(bytes, out var view, out _)) view.Validate();
            }
            catch (ApeiContentException)
            {
            }
        }
    }

    /// <summary>A seed that is the same on every run (string.GetHashCode is randomised per process).</summary>
    internal static int StableSeed(string name)
    {
        int seed = 17;
        foreach (char c in name) seed = unchecked(seed * 31 + c);
        return seed;
    }

    internal static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0: // flip a few bytes anywhere
                for (int i = random.Next(1, 5); i > 0; i--) bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                return bytes;
            case 1: // corrupt a length/count/offset field in the header or first descriptors
                int[] hot = [10, 11, 20, 21, 22, 23, 128, 129, 130, 131, 132, 133, 134, 135, 200, 201, 204, 205];
                int at = hot[random.Next(hot.Length)];
                if (at < bytes.Length) bytes[at] = (byte)random.Next(256);
                return bytes;
            case 2: // truncate
                return bytes.AsSpan(0, random.Next(bytes.Length)).ToArray();
            default: // flip and truncate
                bytes[random.Next(bytes.Length)] ^= 0xFF;
                return bytes.AsSpan(0, random.Next(1, bytes.Length + 1)).ToArray();
        }
    }

    private static void DecodeAndReencode(byte[] bytes)
    {
        try
        {
            var errors = new List<ApeiContentException>();
            var record = CperRecord.Decode(bytes, out int consumed, errors);
            // Whatever decodes re-encodes to the bytes it came from, even when parts of it were malformed.
            Assert.True(bytes.AsSpan(0, consumed).SequenceEqual(record.Encode()), "re-encoding changed the bytes");
        }
        catch (ApeiContentException)
        {
        }
    }

    private static byte[]? RenderJson(byte[] bytes)
    {
        try
        {
            var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
                CperRecordDescriber.Describe(bytes, 0, new JsonRenderer(writer), "r", out _);
            return stream.ToArray();
        }
        catch (ApeiContentException)
        {
            return null;
        }
    }
}
