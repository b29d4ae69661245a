using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The libcper dialect's message helpers (<see cref="Lc.Put(Span{byte}, int, string)"/>, <see cref="Lc.Dec"/>,
/// <see cref="Lc.Hex"/>: one digit writer each, UTF-8), held against .NET's own formatting of the same values (libcper's
/// <c>%llu</c>, <c>%llX</c>, <c>%016llX</c>), and the small read-back rules written once.
/// </summary>
public class LibCperHelperTests
{
    [Theory]
    [InlineData(0UL)]
    [InlineData(9UL)]
    [InlineData(10UL)]
    [InlineData(4660UL)]
    [InlineData(0xFFFFFFFFUL)]
    [InlineData(ulong.MaxValue)]
    public void Dec_and_Hex_write_what_the_runtime_formats(ulong value)
    {
        Span<byte> text = stackalloc byte[40];
        text.Fill((byte)'#');
        int n = Lc.Put(text, 0, "at ");
        n += Lc.Dec(text, n, value);
        Assert.Equal("at " + value.ToString(CultureInfo.InvariantCulture), Encoding.UTF8.GetString(text[..n]));
        Assert.Equal((byte)'#', text[n]); // nothing written past the returned length
        n = Lc.Hex(text, 0, value);
        Assert.Equal(value.ToString("X", CultureInfo.InvariantCulture), Encoding.UTF8.GetString(text[..n]));
        n = Lc.Hex(text, 0, value, 16);
        Assert.Equal(value.ToString("X16", CultureInfo.InvariantCulture), Encoding.UTF8.GetString(text[..n]));
    }

    [Fact]
    public void The_participation_names_differ_between_ia32x64_and_arm_only_in_capitalisation()
    {
        // libcper: IA32X64_BUS_CHECK_INFO_PARTICIPATION_TYPES_VALUES ("Local processor originated request", …) and
        // ARM_BUS_PARTICIPATION_TYPES_VALUES ("Local Processor Originated Request", …).
        Assert.Equal("Local processor originated request", LcIa32X64.Participation.NameOf(0));
        Assert.Equal("Local Processor Originated Request", LcArm.Participation.NameOf(0));
        for (ulong v = 0; v < 5; v++)
            Assert.Equal(LcIa32X64.Participation.NameOf(v), LcArm.Participation.NameOf(v), StringComparer.OrdinalIgnoreCase);
        Assert.Equal("Unknown", LcArm.Participation.NameOf(4));
    }

    [Theory]
    [InlineData(0, 240, "fell off the bus")] // no data size: the whole legacy XID structure (code and 236-byte message)
    [InlineData(2, 2, "")] // shorter than the code: its low bytes (no message: a longer one is refused)
    [InlineData(9, 9, "fell")] // the code and 5 message bytes, the NUL one of them
    [InlineData(240, 240, "fell off the bus")]
    public void A_legacy_xid_reads_back_cut_to_its_data_size(int dataSize, int expected, string message)
    {
        string context = """{"version": 0, "dataFormatType": "0x8001", "dataFormatVersion": 0, "dataSize": DATASIZE, "data": {"gpuLegacyXid": {"xidCode": 79, "message": "MESSAGE"}}}""";
        var json = JsonNode.Parse("""{"eventHeader": {"version": 1, "sourceDeviceType": "GPU", "signature": "XID"}, "eventInfo": {"version": "1.0"}, "eventContexts": ["""
            + context.Replace("DATASIZE", dataSize.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("MESSAGE", message, StringComparison.Ordinal) + "]}")!.AsObject();
        var data = LcNvidiaEvent.FromIrModel(json).Contexts.Single().Body;
        var full = new byte[240];
        full[0] = 79;
        Encoding.ASCII.GetBytes(message).CopyTo(full, 4);
        Assert.Equal(full.AsSpan(0, expected).ToArray(), data.AsSpan(0, Math.Min(data.Length, expected)).ToArray());
        Assert.True(data.Length >= expected);
        Assert.All(data.AsSpan(expected).ToArray(), b => Assert.Equal(0, b)); // the context's padding only
    }
}
