using System.Buffers.Binary;
using ApeiKit.Cper.Input;

namespace ApeiKit.Tests.Cper.Input;

/// <summary>
/// The library's Redfish LogEntry unwrapping, held against the real WHEA captures fixtures/fleet/make.py put into the
/// page (the records and section bodies are the captures' bytes, unchanged).
/// </summary>
public class RedfishCperEntriesTests
{
    /// <summary>Section <paramref name="i"/>'s descriptor and body in a record (UEFI 2.10 N.2.2: descriptors from byte 128, 72 bytes each).</summary>
    private static (byte[] Descriptor, byte[] Body) Section(byte[] record, int i)
    {
        var d = record.AsSpan(128 + 72 * i, 72);
        int offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(d), length = (int)BinaryPrimitives.ReadUInt32LittleEndian(d[4..]);
        return (d.ToArray(), record.AsSpan(offset, length).ToArray());
    }

    [Fact]
    public void Collection_page_gives_the_captured_record_and_sections()
    {
        byte[] json = Fixtures.Bytes("fleet/redfish-logentries.json");
        Assert.True(RedfishCperEntries.LooksLikeRedfish(json));
        var input = RedfishCperEntries.Unwrap(json, severityOverride: null);
        Assert.Empty(input.Errors);
        Assert.Equal(3, input.Origins.Count);
        byte[] bytes = input.ToArray();
        byte[] Payload(int i) => bytes.AsSpan((int)input.Origins[i].Offset, (int)input.Origins[i].Length).ToArray();

        // Entry 1 (DiagnosticDataType CPER): the capture itself.
        Assert.Equal(Fixtures.Bytes("cper/whea/TestErrorMemory1.bin"), Payload(0));
        Assert.StartsWith("LogEntry 1 (/redfish/v1/Systems/system/LogServices/EventLog/Entries/1)", input.Origins[0].Entry, StringComparison.Ordinal);
        Assert.False(input.Origins[0].HeaderSynthesised);
        Assert.Contains("Contoso", input.Origins[0].Oem, StringComparison.Ordinal);

        byte[] m2 = Fixtures.Bytes("cper/whea/TestErrorMemory2.bin");
        // Entry 2 (CPERSection, a body): one synthesised descriptor, then the capture's section 0 body.
        var wrapped = Payload(1);
        Assert.True(input.Origins[1].HeaderSynthesised);
        Assert.Equal(Section(m2, 0).Body, Section(wrapped, 0).Body);
        Assert.Equal((uint)wrapped.Length, BinaryPrimitives.ReadUInt32LittleEndian(wrapped.AsSpan(20)));
        // Entry 3 (CPERSection with its descriptor): the descriptor kept, except its Section Offset.
        wrapped = Payload(2);
        var (descriptor, body) = Section(m2, 1);
        Assert.Equal(body, Section(wrapped, 0).Body);
        Assert.Equal(descriptor.AsSpan(4).ToArray(), Section(wrapped, 0).Descriptor.AsSpan(4).ToArray());
    }

    [Fact]
    public void Malformed_entries_are_named_and_the_good_one_kept()
    {
        var input = RedfishCperEntries.Unwrap(Fixtures.Bytes("fleet/redfish-malformed.json"), severityOverride: null);
        Assert.Equal(Fixtures.Bytes("cper/whea/TestErrorMemory1.bin"), input.ToArray());
        Assert.Equal(4, input.Errors.Count);
        Assert.Contains(input.Errors, e => e.StartsWith("LogEntry 10 ", StringComparison.Ordinal) && e.Contains("not valid base64", StringComparison.Ordinal));
        Assert.Contains(input.Errors, e => e.StartsWith("LogEntry 11 ", StringComparison.Ordinal) && e.Contains("CPER.SectionType is missing", StringComparison.Ordinal));
        Assert.Contains(input.Errors, e => e.StartsWith("LogEntry 13 ", StringComparison.Ordinal) && e.Contains("attachment", StringComparison.Ordinal));
    }

    [Fact]
    public void Text_that_is_not_json_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => RedfishCperEntries.Unwrap("{\"DiagnosticData\": "u8.ToArray(), null));
        Assert.Throws<FormatException>(() => RedfishCperEntries.Unwrap([0xC3, 0x28], null));
        Assert.False(RedfishCperEntries.LooksLikeRedfish(Fixtures.Bytes("cper/whea/TestErrorMemory1.bin")));
    }
}
