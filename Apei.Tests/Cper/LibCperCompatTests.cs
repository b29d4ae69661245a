using System.Globalization;
using System.Text.Json;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// libcper compatibility (issue #6): for every example pair libcper ships (<c>fixtures/cper/libcper/NAME.cperhex</c> and
/// libcper's own <c>NAME.json</c>) our libcper-style JSON equals libcper's as JSON values, and libcper's JSON reads back
/// to the record.
/// </summary>
public class LibCperCompatTests
{
    public static TheoryData<string> Pairs() => new(Fixtures.Files("cper/libcper", "*.cperhex").Select(f => System.IO.Path.GetFileNameWithoutExtension(f)));

    /// <summary>
    /// Pairs whose rendering does not yet match, each with the reason (none today). A listed pair must still fail (so a
    /// fix shows up as a failing test that asks for the entry to be removed); every other pair must match.
    /// </summary>
    private static readonly Dictionary<string, string> s_renderGaps = new(StringComparer.Ordinal)
    {
    };

    /// <summary>
    /// Pairs whose libcper JSON does not hold every byte of the record, so JSON → binary gives different bytes
    /// (re-rendering them must still give libcper's JSON). Each with what is lost.
    /// </summary>
    private static readonly Dictionary<string, string> s_lossy = new(StringComparer.Ordinal)
    {
        ["memory"] = "fields whose validation bit is clear (libcper leaves them out) hold non-zero bytes",
        ["memory2"] = "fields whose validation bit is clear hold non-zero bytes",
        ["pcibus"] = "fields whose validation bit is clear hold non-zero bytes; reserved bytes",
        ["pcidev"] = "fields whose validation bit is clear (ID info, I/O number) hold non-zero bytes; reserved ID bytes",
        ["generic"] = "fields whose validation bit is clear hold non-zero bytes (ISA, operation, level, brand string, ...)",
        ["cxlprotocol"] = "agent address and capability fields whose validation bit is clear, reserved bytes, error log without its valid bit",
        ["nvidia_cmet_info"] = "CMET-INFO register values: bits libcper does not show (34-63 apart from the disabled reason) hold non-zero bytes",
        ["ia32x64"] = "local APIC ID and check-info bits whose validation bits are clear hold non-zero bytes",
        ["arm"] = "MPIDR, running state and error-information fields whose validation bits are clear, reserved header bytes",
        ["nvidia_event_all_types"] = "RecordLength says 568 but 440 bytes are present (the JSON keeps 568, so the bytes read back are 568 long); the CPU Architecture word keeps only whether the pre-silicon field is zero",
        ["pcie"] = "FRU text with a non-printable byte (libcper drops it and its validation bit), version/device ID/bridge fields whose validation bits are clear",
        ["arm-ras"] = "IP type bytes (libcper shows nothing for IP type format 3 \"PIDR\") and reserved bytes of the node and syndromes",
        ["cxlcomponent-media"] = "device serial without its validation bit, reserved device-ID bits",
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Our_libcper_json_equals_libcpers(string name)
    {
        var bytes = Fixtures.Binary($"cper/libcper/{name}.cperhex");
        using var expected = JsonDocument.Parse(File.ReadAllText(Fixtures.Path($"cper/libcper/{name}.json")));
        string ours = LibCperJsonWriter.Write(bytes);
        using var actual = JsonDocument.Parse(ours);
        string? diff = JsonDiff.First(expected.RootElement, actual.RootElement, "$");
        if (s_renderGaps.TryGetValue(name, out var reason))
        {
            Assert.True(diff is not null, $"{name} now matches libcper: remove it from the known gaps ({reason}).");
            return;
        }
        Assert.True(diff is null, $"{name}: {diff}");
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Libcper_json_reads_back_to_the_record(string name)
    {
        if (s_renderGaps.ContainsKey(name)) return; // listed above with the reason; reading back needs the rendering first
        var bytes = Fixtures.Binary($"cper/libcper/{name}.cperhex");
        string json = File.ReadAllText(Fixtures.Path($"cper/libcper/{name}.json"));
        byte[] encoded = LibCperJsonReader.ToBinary(json);
        bool same = encoded.AsSpan().SequenceEqual(bytes);
        if (s_lossy.TryGetValue(name, out var lost))
        {
            Assert.False(same, $"{name} now reads back byte for byte: remove it from the lossy list ({lost}).");
            using var expected = JsonDocument.Parse(json);
            using var again = JsonDocument.Parse(LibCperJsonWriter.Write(encoded));
            string? diff = JsonDiff.First(expected.RootElement, again.RootElement, "$");
            Assert.True(diff is null, $"{name}: re-rendering the bytes read from libcper's JSON differs: {diff}");
            return;
        }
        Assert.True(same, $"{name}: JSON → binary differs from the .cperhex at byte {FirstDifference(encoded, bytes)} (ours {encoded.Length} bytes, original {bytes.Length}).");
    }

    private static string FirstDifference(byte[] a, byte[] b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++) if (a[i] != b[i]) return FormattableString.Invariant($"0x{i:X} (ours 0x{a[i]:X2}, original 0x{b[i]:X2})");
        return n.ToString(CultureInfo.InvariantCulture) + " (length)";
    }
}

/// <summary>Deep JSON equality that names the first differing path.</summary>
internal static class JsonDiff
{
    public static string? First(JsonElement expected, JsonElement actual, string path)
    {
        if (expected.ValueKind != actual.ValueKind && !(IsBool(expected) && IsBool(actual)))
            return $"{path}: expected {Show(expected)}, got {Show(actual)}";
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var p in expected.EnumerateObject())
                {
                    names.Add(p.Name);
                    if (!actual.TryGetProperty(p.Name, out var a)) return $"{path}.{p.Name}: missing (expected {Show(p.Value)})";
                    if (First(p.Value, a, $"{path}.{p.Name}") is { } d) return d;
                }
                foreach (var p in actual.EnumerateObject())
                    if (!names.Contains(p.Name)) return $"{path}.{p.Name}: unexpected member {Show(p.Value)}";
                return null;
            case JsonValueKind.Array:
                int n = expected.GetArrayLength(), m = actual.GetArrayLength();
                for (int i = 0; i < Math.Min(n, m); i++)
                    if (First(expected[i], actual[i], $"{path}[{i}]") is { } d) return d;
                return n == m ? null : $"{path}: expected {n} elements, got {m}";
            case JsonValueKind.Number:
                return decimal.Parse(expected.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture) == decimal.Parse(actual.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture)
                    ? null : $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}";
            case JsonValueKind.String:
                return expected.GetString() == actual.GetString() ? null : $"{path}: expected {Show(expected)}, got {Show(actual)}";
            default:
                return expected.ValueKind == actual.ValueKind ? null : $"{path}: expected {Show(expected)}, got {Show(actual)}";
        }
    }

    private static bool IsBool(JsonElement e) => e.ValueKind is JsonValueKind.True or JsonValueKind.False;

    private static string Show(JsonElement e)
    {
        string t = e.GetRawText();
        return t.Length > 80 ? t[..80] + "…" : t;
    }
}
