using System.Buffers;
using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.LibCper;
using ApeiKit.Cper.Vendors;

namespace ApeiKit.Tests.Cper.Vendors;

/// <summary>
/// Where libcper reads an NVIDIA event body past its end (sections/cper-section-nvidia-events.c checks neither the body
/// against the 32-byte event header and 3-byte information header nor the device information against the body), the
/// libcper dialect writes the section as <c>Unknown</c> base64 instead (docs/libcper-compat.md, "NVIDIA event"). What
/// libcper itself prints for these records (zeros or whatever follows the buffer) is in that document; everything it
/// reads inside the body is pinned by the fixtures/libcper-walk nvidia-* pairs (nvidia-event-info-size-past: the same
/// information size with the whole structure in the body).
/// </summary>
public sealed class NvidiaLibCperDepartureTests
{
    private static byte[] EventHeader(byte device)
    {
        var h = new byte[NvidiaEventSection.HeaderSize];
        h[0] = 1; // EventVersion: libcper's only version
        h[2] = device;
        "GPU-Core"u8.CopyTo(h.AsSpan(16));
        return h;
    }

    private static JsonElement Section(byte[] body)
    {
        var record = new CperRecord { Severity = 2 };
        record.Sections.Add(new CperSection { Body = new RawSectionBody(NvidiaEventSection.SectionGuid, body) });
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) LibCperJsonWriter.Write(record.Encode(), w);
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.GetProperty("sections")[0].Clone();
    }

    [Fact]
    public void An_event_body_without_the_information_header_is_Unknown()
    {
        // 34 bytes: libcper reads the information size from the byte after the body.
        byte[] body = [.. EventHeader(1), 0x00, 0x01];
        var section = Section(body);
        Assert.Equal(Convert.ToBase64String(body), section.GetProperty("Unknown").GetProperty("data").GetString());
    }

    [Fact]
    public void GPU_information_ending_past_the_body_is_Unknown()
    {
        // Information size 16 covers the 13-byte GPU information, but the body ends 5 bytes into it: libcper reads the
        // PDI past the body.
        byte[] body = [.. EventHeader(1), 0x00, 0x01, 16, 2, 0, 0, 0, 0];
        var section = Section(body);
        Assert.Equal(Convert.ToBase64String(body), section.GetProperty("Unknown").GetProperty("data").GetString());
    }
}
