using System.Text.Json.Nodes;
using ApeiKit.Cper;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// libcper JSON input, CXL protocol error section (UEFI 2.10 N.2.13): the DVSEC and the error log are read back by their
/// length members (libcper writes both), which must equal their base64's byte count; bytes given without their length,
/// a null length, a disagreeing one, or a byte field longer than its field are refused with their path, never dropped,
/// cut or made up. The document is libcper's own output for its CXL protocol example (fixtures/cper/libcper/cxlprotocol.json).
/// </summary>
public class LibCperCxlPartTests
{
    private static JsonObject Section(JsonObject doc) => doc["sections"]![0]!["CxlProtocol"]!.AsObject();

    private static void Refused(Action<JsonObject> change, params string[] says) =>
        LibcperExample.AssertDocumentRefused("cxlprotocol", doc => change(Section(doc)), says);

    [Fact]
    public void The_dvsec_without_its_length_is_refused_with_its_path() =>
        Refused(s => Assert.True(s.Remove("dvsecLength")), "cxlDVSEC", "dvsecLength");

    // It used to size the tail for the byte and then write length 0: the DVSEC byte lost, a zero byte made up.
    [Fact]
    public void A_null_length_is_refused_with_its_path() => Refused(s => s["dvsecLength"] = null, "dvsecLength");

    // dvsecLength 7 with one byte of cxlDVSEC used to become 1 without a word.
    [Fact]
    public void A_length_other_than_the_bytes_given_is_refused_with_its_path() =>
        Refused(s => s["dvsecLength"] = 7, "dvsecLength", "expected 1", "found 7");

    // The field is 60 bytes (N.2.13); 80 used to be cut to 60 (libcper's reader copies all 80, past the field).
    [Fact]
    public void A_capability_structure_longer_than_its_field_is_refused_not_cut() =>
        Refused(s => s["capabilityStructure"] = Convert.ToBase64String(new byte[80]), "capabilityStructure", "found 80");

    [Fact]
    public void The_dvsec_with_its_length_is_read_back()
    {
        // libcper's example: dvsecLength 1, cxlDVSEC "lQ==" (one byte, 0x95). The rest of the section loses bytes in
        // libcper's JSON (docs/libcper-compat.md), so only the part is compared.
        byte[] bytes = LibCperJsonReader.ToBinary(File.ReadAllText(Fixtures.Path("cper/libcper/cxlprotocol.json")));
        var record = CperRecordView.Read(bytes, out _);
        Assert.True(CxlProtocolErrorSectionView.TryRead(record.GetSectionBody(0), out var v));
        Assert.Equal(new byte[] { 0x95 }, v.Dvsec.ToArray());
    }

    /// <summary>
    /// The DVSEC and the error log are decoded from base64 once: the tail is sized from the base64's length (Lc.B64Length),
    /// and only the part's reader decodes it. Reading 60,000 DVSEC bytes allocated two decoded copies (PartLength's and
    /// the reader's) besides the body and the model's copy, about 4 x 60,000 bytes; now about 3 x.
    /// </summary>
    [Fact]
    public void The_parts_base64_is_decoded_once()
    {
        const int n = 60_000;
        var doc = JsonNode.Parse(File.ReadAllText(Fixtures.Path("cper/libcper/cxlprotocol.json")))!.AsObject();
        var s = Section(doc);
        s["dvsecLength"] = JsonNode.Parse("60000"); // as parsed JSON holds it
        s["cxlDVSEC"] = JsonValue.Create(Convert.ToBase64String(new byte[n])); // a string node: reading it allocates nothing
        var map = LcCxlProtocol.Map;
        map.FromIrBody(s); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        var body = map.FromIrBody(s);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(n, ((CxlProtocolErrorSection)body).Dvsec.Length);
        Assert.True(allocated < 3 * n + n / 2, $"{allocated} bytes allocated reading {n} DVSEC bytes (the body, one decoded copy and the model's are about {3 * n})");
    }
}
