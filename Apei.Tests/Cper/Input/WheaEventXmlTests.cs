using ApeiKit.Cper.Input;

namespace ApeiKit.Tests.Cper.Input;

/// <summary>
/// The library's WHEA-Logger event XML unwrapping, held against the real edk2 WHEA captures fixtures/fleet/make.py
/// put into the events' RawData (wevtutil's form, and Event Viewer's UTF-16 "Save as XML" form).
/// </summary>
public class WheaEventXmlTests
{
    [Theory]
    [InlineData("fleet/whea-events.xml", 1)]
    [InlineData("fleet/whea-events-utf16.xml", 0)]
    public void Each_whea_event_gives_its_captured_record(string fixture, int otherProviderEvents)
    {
        byte[] xml = Fixtures.Bytes(fixture);
        Assert.True(WheaEventXml.LooksLikeEventXml(xml.AsSpan(0, Math.Min(xml.Length, 4096))));
        var input = WheaEventXml.Unwrap(xml);
        Assert.Empty(input.Errors);
        Assert.Equal(otherProviderEvents, input.Notices.Count);
        byte[] e1 = Fixtures.Bytes("cper/whea-edk2/whea_01.bin"), e2 = Fixtures.Bytes("cper/whea-edk2/whea_02.bin");
        Assert.Equal(e1.Concat(e2).ToArray(), input.ToArray());
        Assert.Equal(2, input.Origins.Count);
        Assert.Equal(e1.Length, input.Origins[1].Offset);
        Assert.Contains("WHEA-Logger", input.Origins[0].Entry, StringComparison.Ordinal);
        Assert.Contains("EventRecordID 1202", input.Origins[1].Entry, StringComparison.Ordinal);
    }

    [Fact]
    public void Xml_that_is_not_well_formed_is_a_format_error_naming_the_line()
    {
        var e = Assert.Throws<FormatException>(() => WheaEventXml.Unwrap("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>\n<System>\n</Event>"u8.ToArray()));
        Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
        Assert.False(WheaEventXml.LooksLikeEventXml(Fixtures.Bytes("fleet/redfish-logentries.json")));
    }
}
