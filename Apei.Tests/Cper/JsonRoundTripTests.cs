using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The round trip that defines JSON input: for every CPER fixture, <c>apeikit decode --format json</c> and then
/// <see cref="CperJsonReader"/> + encode give back the original bytes.
/// </summary>
public class JsonRoundTripTests
{
    /// <summary>
    /// Fixtures whose decode output cannot describe their bytes, with the reason. The test asserts that these still
    /// differ, so a fix shows up as a failure here (remove the entry then). None today.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> KnownNotRoundTripping = new Dictionary<string, string>();

    /// <summary>Fixtures decode reports a problem in (exit 1) that still round-trip: their JSON carries the bytes as they are.</summary>
    private static readonly Dictionary<string, string> s_withProblems = new()
    {
        // RecordLength says 568 bytes, the file holds 440: the cut record's JSON carries its offset, length and data,
        // which encode writes back (before, only the decoded part, and encode wrote 568 bytes with zeros).
        ["cper/libcper/nvidia_event_all_types.cperhex"] = "a record cut short by the end of the file",
        // Cut bodies: the bytes past the count or length that does not fit are "undecoded" in the JSON, put back by encode.
        ["cper/libcper-ir-to-cper/ia32x64-null-ctx.bin"] = "an IA32/X64 context that does not fit its section",
        ["cper/libcper-ir-to-cper/ia32x64-type2-short.bin"] = "an IA32/X64 context that does not fit its section",
    };

    [Theory]
    [MemberData(nameof(Fixtures.CperRecordCases), MemberType = typeof(Fixtures))]
    public void DecodeJsonThenEncodeGivesTheOriginalBytes(string fixture)
    {
        var original = Fixtures.Binary(fixture);
        var decoded = CliRunner.Run("decode", "--format", "json", Fixtures.Path(fixture));
        var items = CperJsonReader.ReadItems(System.Text.Encoding.UTF8.GetBytes(decoded.Out));
        var encoded = DecodedJson.WriteBack(items);
        if (KnownNotRoundTripping.TryGetValue(fixture, out var reason))
        {
            Assert.False(encoded.AsSpan().SequenceEqual(original), $"{fixture} round-trips now; remove it from KnownNotRoundTripping ({reason}).");
            return;
        }
        Assert.Equal(s_withProblems.ContainsKey(fixture) ? 1 : 0, decoded.ExitCode);
        Assert.Equal(Convert.ToHexString(original), Convert.ToHexString(encoded));
    }

    [Fact]
    public void NdjsonRoundTripsEveryRecordOfAFile()
    {
        var original = Fixtures.Binary("cper/whea/TestErrorMultiple1.bin");
        var decoded = CliRunner.Run("decode", "--format", "ndjson", Fixtures.Path("cper/whea/TestErrorMultiple1.bin"));
        var records = CperJsonReader.ReadRecords(System.Text.Encoding.UTF8.GetBytes(decoded.Out));
        Assert.Equal(original, records.SelectMany(r => r.Encode()).ToArray());
    }
}
