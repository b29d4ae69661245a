using System.Text.Json.Nodes;
using ApeiKit.Cper;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// libcper JSON input, a text libcper prints through <c>add_untrusted_string</c> (the processor generic section's
/// <c>cpuBrandString</c>, a 128-byte field, UEFI 2.10 N.2.4.1): libcper prints it only when it is printable ASCII and
/// NUL-terminated within the field, so at most 127 characters; a longer text, or another character, is refused with its
/// path instead of being cut or narrowed. The document is libcper's own output for its generic example.
/// </summary>
public class LibCperUntrustedTextTests
{
    private static JsonObject Doc(string brand)
    {
        var doc = JsonNode.Parse(File.ReadAllText(Fixtures.Path("cper/libcper/generic.json")))!.AsObject();
        doc["sections"]![0]!["GenericProcessor"]!["cpuBrandString"] = brand;
        return doc;
    }

    [Fact]
    public void A_printable_text_within_the_field_is_written()
    {
        byte[] bytes = LibCperJsonReader.ToBinary(Doc("Intel(R) Xeon(R) CPU").ToJsonString());
        var body = CperRecordView.Read(bytes, out _).GetSectionBody(0);
        Assert.Equal("Intel(R) Xeon(R) CPU\0"u8.ToArray(), body.Slice(24, 21).ToArray());
    }

    [Theory]
    [InlineData(128, 'A')] // no room for the NUL libcper needs to print it
    [InlineData(5, '\u00AE')] // the registered sign: not ASCII (it was written as its low byte)
    public void Another_text_is_refused_with_its_path(int length, char c) =>
        LibcperExample.AssertDocumentRefused("generic", doc => doc["sections"]![0]!["GenericProcessor"]!["cpuBrandString"] = new string(c, length), "cpuBrandString");
}
