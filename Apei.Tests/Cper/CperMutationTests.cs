using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests.Cper;

/// <summary>Random byte flips and truncations of every fixture: a decoded record or ApeiContentException, nothing else.</summary>
public class CperMutationTests
{
    [Theory]
    [MemberData(nameof(Fixtures.CperRecordCases), MemberType = typeof(Fixtures))]
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

    /// <summary>
    /// The libcper dialect (<see cref="LibCperJsonWriter"/>, streamed without a tree or a catch per section) over every
    /// truncation and every single-byte flip of each fixture: JSON that parses, or the documented ApeiContentException
    /// when not even a header is there; no other exception and no .NET type name in what it writes.
    /// </summary>
    [Theory]
    [MemberData(nameof(Fixtures.CperRecordCases), MemberType = typeof(Fixtures))]
    public void LibCper_writer_survives_every_truncation_and_byte_flip(string fixture)
    {
        var original = Fixtures.Binary(fixture);
        for (int length = 0; length <= original.Length; length++) LibCperWritesJsonOrRefuses(original.AsSpan(0, length), $"{fixture} truncated to {length}");
        var bytes = (byte[])original.Clone();
        for (int at = 0; at < bytes.Length; at++)
        {
            bytes[at] ^= 0xFF;
            LibCperWritesJsonOrRefuses(bytes, $"{fixture} byte {at} flipped");
            bytes[at] ^= 0xFF;
        }
    }

    /// <summary>
    /// The same through the CLI (<c>decode -f ndjson --json-style libcper</c>, in-process): truncations and byte flips of each
    /// fixture (every length and position up to 2 KiB, then every 61st, so the largest capture stays a few hundred runs);
    /// no internal error, each output line parses as JSON, no stack trace or .NET type name anywhere.
    /// </summary>
    [Theory]
    [MemberData(nameof(Fixtures.CperRecordCases), MemberType = typeof(Fixtures))]
    public void LibCper_cli_survives_truncations_and_byte_flips(string fixture)
    {
        var original = Fixtures.Binary(fixture);
        for (int length = 1; length <= original.Length; length += length < 2048 ? 1 : 61)
            CliWritesJsonOrRefuses(original.AsSpan(0, length).ToArray(), $"{fixture} truncated to {length}");
        for (int at = 0; at < original.Length; at += at < 2048 ? 1 : 61)
        {
            var bytes = (byte[])original.Clone();
            bytes[at] ^= 0xFF;
            CliWritesJsonOrRefuses(bytes, $"{fixture} byte {at} flipped");
        }
    }

    private static void LibCperWritesJsonOrRefuses(ReadOnlySpan<byte> bytes, string where)
    {
        string json;
        try
        {
            json = LibCperJsonWriter.Write(bytes, indented: false);
        }
        catch (ApeiContentException e)
        {
            NoTypeName(e.Message, where);
            return;
        }
        catch (Exception e)
        {
            Assert.Fail($"{where}: {e.GetType().Name}: {e.Message}");
            return;
        }
        using (JsonDocument.Parse(json)) { }
        NoTypeName(json, where);
    }

    private static void CliWritesJsonOrRefuses(byte[] bytes, string where)
    {
        var r = global::ApeiKit.Tests.Cli.CliRunner.RunWithStdin(bytes, "decode", "-f", "ndjson", "--json-style", "libcper", "-");
        Assert.DoesNotContain("internal error", r.Error, StringComparison.Ordinal);
        foreach (var line in r.OutLines)
        {
            try
            {
                using (JsonDocument.Parse(line)) { }
            }
            catch (JsonException e)
            {
                Assert.Fail($"{where}: output line is not JSON ({e.Message}): {line}");
            }
        }
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
        NoTypeName(r.Out, where);
        NoTypeName(r.Error, where);
    }

    // A .NET exception or type name leaking into what the user sees (System.ArgumentOutOfRangeException, ...).
    private static void NoTypeName(string text, string where)
    {
        Assert.False(text.Contains("System.", StringComparison.Ordinal) || text.Contains("Exception", StringComparison.Ordinal),
            $"{where}: a .NET type name in the output: {text[..Math.Min(text.Length, 400)]}");
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
