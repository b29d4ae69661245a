using System.Text.Json.Nodes;
using ApeiKit.Cper;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// libcper JSON input: a section descriptor's <c>fruText</c> longer than the 20-byte FRU Text field (UEFI 2.10 N.2.2
/// Table N-5), or one that is not printable ASCII, is refused with its path, not cut or replaced (libcper's reader keeps
/// 19 characters and a NUL); 20 characters are written in full.
/// The document is libcper's own output for its ARM example (fixtures/cper/libcper/arm.json).
/// </summary>
public class LibCperFruTextTests
{
    private static Action<JsonObject> FruText(string text) => doc => doc["sectionDescriptors"]![0]!["fruText"] = text;

    [Fact]
    public void A_text_longer_than_the_field_is_refused_with_its_path() =>
        LibcperExample.AssertDocumentRefused("arm", FruText(new string('A', 21)), "fruText", "at most 20", "found 21");

    [Theory]
    [InlineData("DIMM\u00C4")] // a character past ASCII (ASCII.GetBytes used to write '?')
    [InlineData("DIMM\u0001")] // a control character
    public void A_text_that_is_not_printable_ascii_is_refused_with_its_path(string text) =>
        LibcperExample.AssertDocumentRefused("arm", FruText(text), "fruText", "printable ASCII");

    [Fact]
    public void Twenty_characters_are_written_in_full()
    {
        var doc = JsonNode.Parse(File.ReadAllText(Fixtures.Path("cper/libcper/arm.json")))!.AsObject();
        FruText("ABCDEFGHIJKLMNOPQRST")(doc);
        byte[] bytes = LibCperJsonReader.ToBinary(doc.ToJsonString());
        var view = CperRecordView.Read(bytes, out _);
        Assert.Equal("ABCDEFGHIJKLMNOPQRST"u8.ToArray(), view.GetDescriptor(0).FruTextBytes.ToArray());
    }
}
