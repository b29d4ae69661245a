using System.Text.Json.Nodes;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// libcper JSON input, CXL protocol error section (UEFI 2.10 N.2.13): the DVSEC and the error log are read back by their
/// length members (libcper writes both); bytes given without their length are refused with their path, not dropped.
/// The document is libcper's own output for its CXL protocol example (fixtures/cper/libcper/cxlprotocol.json).
/// </summary>
public class LibCperCxlPartTests
{
    private static JsonObject Doc() => JsonNode.Parse(File.ReadAllText(Fixtures.Path("cper/libcper/cxlprotocol.json")))!.AsObject();

    private static JsonObject Section(JsonObject doc) => doc["sections"]![0]!["CxlProtocol"] as JsonObject ?? doc["sections"]![0]!.AsObject().Single().Value!.AsObject();

    [Fact]
    public void The_dvsec_without_its_length_is_refused_with_its_path()
    {
        var doc = Doc();
        Assert.True(Section(doc).Remove("dvsecLength"));
        var e = Assert.Throws<CperJsonException>(() => LibCperJsonReader.Read(doc.ToJsonString()));
        Assert.Contains("cxlDVSEC", e.Message, StringComparison.Ordinal);
        Assert.Contains("dvsecLength", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dvsec_with_its_length_is_read_back()
    {
        // libcper's example: dvsecLength 1, cxlDVSEC "lQ==" (one byte, 0x95). The rest of the section loses bytes in
        // libcper's JSON (docs/libcper-compat.md), so only the part is compared.
        byte[] bytes = LibCperJsonReader.ToBinary(Doc().ToJsonString());
        var record = CperRecordView.Read(bytes, out _);
        Assert.True(CxlProtocolErrorSectionView.TryRead(record.GetSectionBody(0), out var v));
        Assert.Equal(new byte[] { 0x95 }, v.Dvsec.ToArray());
    }

    [Fact]
    public void A_null_length_is_refused_with_its_path()
    {
        // It used to size the tail for the byte and then write length 0: the DVSEC byte lost, a zero byte made up.
        var doc = Doc();
        Section(doc)["dvsecLength"] = null;
        var e = Assert.Throws<CperJsonException>(() => LibCperJsonReader.Read(doc.ToJsonString()));
        Assert.Contains("dvsecLength", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_length_other_than_the_bytes_given_is_refused_with_its_path()
    {
        // dvsecLength 7 with one byte of cxlDVSEC used to become 1 without a word.
        var doc = Doc();
        Section(doc)["dvsecLength"] = 7;
        var e = Assert.Throws<CperJsonException>(() => LibCperJsonReader.Read(doc.ToJsonString()));
        Assert.Contains("dvsecLength", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("found 7", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_capability_structure_longer_than_its_field_is_refused_not_cut()
    {
        // The field is 60 bytes (N.2.13); 80 used to be cut to 60 (libcper's reader copies all 80, past the field).
        var doc = Doc();
        Section(doc)["capabilityStructure"] = Convert.ToBase64String(new byte[80]);
        var e = Assert.Throws<CperJsonException>(() => LibCperJsonReader.Read(doc.ToJsonString()));
        Assert.Contains("capabilityStructure", e.Message, StringComparison.Ordinal);
        Assert.Contains("found 80", e.Message, StringComparison.Ordinal);
    }
}
