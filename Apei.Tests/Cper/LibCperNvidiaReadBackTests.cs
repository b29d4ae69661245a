using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApeiKit.Cper;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The reading-back direction of the NVIDIA event pairs in <c>fixtures/libcper-walk/</c> (records of the mutated corpus or
/// built for the purpose, each with libcper's own line; the forward direction is
/// <see cref="LibCperStreamedWriterTests.A_crafted_body_is_written_byte_for_byte_as_libcper_writes_it"/>): libcper's line
/// reads back to the original section body but for the bytes libcper's line does not carry (each listed with why), and
/// written again in libcper mode it is libcper's line. The members come from the declarations' <c>LibCper</c> lines
/// (<c>NvidiaEventSection.cs</c>), so these hold the read side of each converter against libcper's own output.
/// </summary>
public class LibCperNvidiaReadBackTests
{
    private static byte[] Record(string name)
        => Convert.FromHexString(string.Concat(File.ReadAllText(Fixtures.Path($"libcper-walk/{name}.hex")).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));

    private static string Line(string name) => File.ReadAllText(Fixtures.Path($"libcper-walk/{name}.json")).TrimEnd('\n');

    private static byte[] Body(byte[] record) => CperRecordView.Read(record, out _).GetSectionBody(0).ToArray();

    private static string Write(byte[] record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            LibCperJsonWriter.Write(record, w);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Each pair and the body bytes its line does not carry, as "offset+length" parts (offsets in the section body:
    /// event header 0-31, information header 32-34, contexts after the information; a context's data 16 bytes after it).
    /// </summary>
    public static TheoryData<string, string> Pairs() => new()
    {
        // The XID code 0xEB00003F is printed signed (add_int, -352321473) and reads back as its 32-bit pattern.
        { "nvidia-event-xid-signed", "" },
        // 31: a signature byte after its NUL; 48: the context size (197, not shown; read back 16 + the 192-byte data);
        // 126, 147: firmware and PF driver version bytes after their NULs.
        { "nvidia-event-data-past-context", "31+1 48+4 126+1 147+6" },
        // 48: the context size; 64: the 192 data bytes (data size 0x800000C0 runs past the body: `opaque: {}`).
        { "nvidia-event-datasize-signed", "48+4 64+192" },
        // 1: the context count 2 (no context is shown: they would start past the body); 34: the information size 40
        // (read back as 3 + the 13-byte GPU information).
        { "nvidia-event-info-size-past", "1+1 34+1" },
        // 48: the context size 0x800000D0 (the last context's size is not checked, and not shown).
        { "nvidia-event-last-ctx-size", "48+4" },
        // 16: the signature GPU-Core\xFF (not printable: no member); 170: a VF driver version byte after its NUL.
        { "nvidia-event-message", "16+16 170+1" },
        // 112: the firmware version, 16 printable bytes with no NUL (shown as "").
        { "nvidia-event-text-unterminated", "112+16" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Libcpers_line_reads_back_to_the_body_but_for_what_it_does_not_show(string name, string lost)
    {
        byte[] read = LibCperJsonReader.ToBinary(Line(name));
        Assert.Equal(Line(name), Write(read));
        byte[] original = Body(Record(name)), back = Body(read);
        Assert.Equal(original.Length, back.Length);
        var parts = lost.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('+').Select(int.Parse).ToArray()).ToArray();
        for (int i = 0; i < original.Length; i++)
            if (!parts.Any(p => i >= p[0] && i < p[0] + p[1]))
                Assert.True(original[i] == back[i], $"{name}: body byte {i} read back as 0x{back[i]:X2}, was 0x{original[i]:X2}");
        foreach (var p in parts) // a listed part must still differ (so the list cannot outlive a fix)
            Assert.False(original.AsSpan(p[0], p[1]).SequenceEqual(back.AsSpan(p[0], p[1])), $"{name}: bytes {p[0]}+{p[1]} now read back: remove them from the list");
    }

    private static void Refused(Action<JsonObject> change, params string[] says)
        => LibcperExample.AssertDocumentRefused("nvidia_event_gpu_init", doc => change(doc["sections"]![0]!["NvidiaEvent"]!.AsObject()), says);

    [Theory]
    [InlineData("11:22:33:44:55:66:77")] // seven bytes
    [InlineData("11:22:33:44:55:66:77:88:99")]
    [InlineData("11:22:33:44:55:66:77:8G")]
    [InlineData("1122334455667788")]
    [InlineData("11:22:33:44:55:66:77:")]
    public void A_pdi_that_is_not_eight_colon_separated_hex_bytes_is_refused(string pdi)
    {
        // The PDI converter (ColonHex, libcper's "%02X:…:%02X" of the 64-bit value) reads back only what it writes.
        Refused(s => s["eventInfo"]!["gpu"]!["Pdi"] = pdi, "eventInfo.gpu.Pdi", "8 hex bytes joined by ':'");
        Refused(s => s["eventContexts"]![0]!["data"]!["gpuInitMetadata"]!["pdi"] = pdi, "gpuInitMetadata.pdi", "8 hex bytes");
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1.256")] // the minor version is one byte
    [InlineData("-1.0")]
    [InlineData("1.0.0")]
    public void An_information_version_that_is_not_major_dot_minor_is_refused(string version)
        => Refused(s => s["eventInfo"]!["version"] = version, "eventInfo.version", "major.minor");

    [Fact]
    public void The_pdi_and_the_version_read_back_into_their_fields()
    {
        var doc = JsonNode.Parse(File.ReadAllText(Fixtures.Path("cper/libcper/nvidia_event_gpu_init.json")))!.AsObject();
        var section = doc["sections"]![0]!["NvidiaEvent"]!;
        section["eventInfo"]!["version"] = "1.7";
        section["eventInfo"]!["gpu"]!["Pdi"] = "01:23:45:67:89:AB:CD:EF";
        var s = (ApeiKit.Cper.Vendors.NvidiaEventSection)CperRecord.Decode(LibCperJsonReader.ToBinary(doc.ToJsonString()), out _).Sections[0].Body;
        Assert.Equal(0x0107, s.InfoVersion);
        Assert.Equal(0x0123456789ABCDEFUL, s.GetInfoField("pdi"));
    }

    private static JsonObject NvidiaEvent(string line) => JsonNode.Parse(Line(line))!["sections"]![0]!["NvidiaEvent"]!.AsObject();

    [Theory]
    [InlineData(287_454_020u, 0)] // the walk line's own data size (past the body: libcper shows `opaque: {}`)
    [InlineData(0x800000C0u, 8)] // 2 GiB and more (it was ignored only because the room went negative)
    [InlineData(8u + (1u << 20) + 1, 8)] // one byte past the bound
    public void A_data_size_far_past_the_data_makes_no_room(uint dataSize, int given)
    {
        // Room for a data size the JSON's data does not fill is zeros the JSON does not show: bounded as every reader bounds
        // them (CperJsonReader.MaxUndescribedBytes). The walk line asked for a 287 MB record here.
        var o = NvidiaEvent("nvidia-event-info-size-small");
        var context = o["eventContexts"]![0]!;
        context["dataSize"] = JsonNode.Parse(dataSize.ToString(System.Globalization.CultureInfo.InvariantCulture)); // as read from text
        context["data"] = JsonNode.Parse(given == 0 ? """{"opaque":{}}""" : """{"opaque":"0011223344556677"}""");
        var s = LcNvidiaEvent.FromIrModel(o);
        Assert.Equal(dataSize, s.Contexts[0].DataSize);
        Assert.Equal((given + 15) & ~15, s.Contexts[0].Body.Length);
    }

    [Theory]
    [InlineData(4096u, 4096)]
    [InlineData(8u + (1u << 20), 16 + (1 << 20))] // exactly the bound (the room padded to 16 bytes)
    [InlineData(20u, 32)] // padded to 16 bytes, as libcper's writer pads
    public void A_data_size_within_the_bound_keeps_its_room(uint dataSize, int room)
    {
        var o = NvidiaEvent("nvidia-event-info-size-small");
        var context = o["eventContexts"]![0]!;
        context["dataSize"] = JsonNode.Parse(dataSize.ToString(System.Globalization.CultureInfo.InvariantCulture)); // as read from text
        context["data"] = JsonNode.Parse("""{"opaque":"0011223344556677"}""");
        var s = LcNvidiaEvent.FromIrModel(o);
        Assert.Equal(dataSize, s.Contexts[0].DataSize);
        Assert.Equal(room, s.Contexts[0].Body.Length);
        Assert.Equal([0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77], s.Contexts[0].Body.AsSpan(0, 8).ToArray());
    }

    [Fact]
    public void A_metadata_text_longer_than_its_field_is_refused()
        // UntrustedOrEmpty reads back as add_untrusted_string's text: printable, and room for its NUL (48-byte device name).
        => Refused(s => s["eventContexts"]![0]!["data"]!["gpuInitMetadata"]!["deviceName"] = new string('N', 48), "deviceName", "at most 47 characters");
}
