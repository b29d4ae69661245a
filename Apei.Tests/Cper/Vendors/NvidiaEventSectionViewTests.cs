using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.Vendors;

namespace ApeiKit.Tests.Cper.Vendors;

/// <summary>
/// The zero-copy NVIDIA event section view held against libcper's own JSON for libcper's nvidia_event examples
/// (fixtures/cper/libcper/nvidia_event_*: the JSON files are libcper's output, not ours): header fields, information
/// version, context count and each context's header and typed data. And against the editable model over every NVIDIA
/// event section in the fixtures, on truncated bodies (never reads past, counts what fits), and for allocation.
/// </summary>
public sealed class NvidiaEventSectionViewTests
{
    public static TheoryData<string> LibCperExamples => new() { "nvidia_event_all_types", "nvidia_event_gpu_init", "nvidia_event_gpu_uce_ecc" };

    [Theory]
    [MemberData(nameof(LibCperExamples))]
    public void The_view_reads_what_libcper_reads(string example)
    {
        foreach (var (body, expected) in LibcperExample.Sections($"cper/libcper/{example}", NvidiaEventSection.SectionGuid, "NvidiaEvent"))
            Check(body, expected);
    }

    private static ulong Hex(JsonElement e) => ulong.Parse(e.GetString()!.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static void Check(ReadOnlySpan<byte> body, JsonElement expected)
    {
        Assert.True(NvidiaEventSectionView.TryRead(body, out var view));
        var header = expected.GetProperty("eventHeader");
        Assert.Equal(header.GetProperty("version").GetByte(), view.Version);
        Assert.Equal(header.GetProperty("sourceDeviceType").GetString(), NvidiaEventSection.DeviceTypes[view.SourceDeviceType]);
        Assert.Equal(Hex(header.GetProperty("type")), view.EventType);
        Assert.Equal(Hex(header.GetProperty("subtype")), view.EventSubtype);
        Assert.Equal(header.TryGetProperty("linkId", out var link) ? Hex(link) : 0, view.LinkId);
        Assert.Equal(header.GetProperty("signature").GetString(), System.Text.Encoding.ASCII.GetString(view.SignatureBytes).TrimEnd('\0'));
        Assert.Equal(expected.GetProperty("eventInfo").GetProperty("version").GetString(), $"{view.InfoVersion >> 8}.{view.InfoVersion & 0xFF}");
        Assert.Equal(expected.GetProperty("eventInfo").TryGetProperty("cpu", out _) ? NvidiaEventSection.CpuInfoLayout : NvidiaEventSection.GpuInfoLayout, view.InfoLayout);

        var contexts = expected.GetProperty("eventContexts");
        Assert.Equal(contexts.GetArrayLength(), view.ContextCount);
        int n = 0;
        var walk = view.Contexts;
        while (walk.MoveNext())
        {
            var c = walk.Current;
            var x = contexts[n++];
            Assert.Equal(x.GetProperty("version").GetUInt16(), c.Version);
            Assert.Equal(Hex(x.GetProperty("dataFormatType")), c.DataFormatType);
            Assert.Equal(x.GetProperty("dataFormatVersion").GetUInt16(), c.DataFormatVersion);
            Assert.Equal(x.GetProperty("dataSize").GetUInt32(), c.DataSize);
            Assert.True(c.HasData);
            Assert.Equal((int)c.DataSize, c.Data.Length);
            Assert.Equal(0, (c.Bytes.Length) % 16); // libcper pads each context to 16 bytes
            var data = x.GetProperty("data");
            if (walk.ElementLayout is { } element)
            {
                var array = data.EnumerateObject().Single().Value.EnumerateObject().Single().Value;
                Assert.Equal(array.GetArrayLength(), c.Data.Length / element.Size);
                for (int i = 0; i < array.GetArrayLength(); i++)
                    foreach (var member in array[i].EnumerateObject())
                        Assert.Equal(Hex(member.Value), element.Find(member.Name)!.ReadValue(c.Data.Slice(i * element.Size, element.Size)));
                Assert.Null(walk.DataLayout);
            }
            else if (data.TryGetProperty("gpuRecommendedActions", out var actions))
            {
                var layout = walk.DataLayout!;
                Assert.Same(NvidiaEventSection.RecommendedActionsLayout, layout);
                Assert.Equal(actions.GetProperty("recoveryAction").GetUInt64(), layout.Find("recoveryAction")!.ReadValue(c.Data));
                Assert.Equal(actions.GetProperty("diagnosticFlow").GetUInt64(), layout.Find("diagnosticFlow")!.ReadValue(c.Data));
                Assert.Equal(Hex(actions.GetProperty("flags")), layout.Find("flags")!.ReadValue(c.Data));
            }
            else if (data.TryGetProperty("gpuInitMetadata", out var init))
            {
                var layout = walk.DataLayout!;
                Assert.Same(NvidiaEventSection.GpuInitMetadataLayout, layout);
                Assert.Equal(Hex(init.GetProperty("configuration")), layout.Find("configuration")!.ReadValue(c.Data));
                Assert.Equal(Hex(init.GetProperty("pciInfo").GetProperty("vendorId")), layout.Find("vendorId")!.ReadValue(c.Data));
                Assert.Equal(Hex(init.GetProperty("pciInfo").GetProperty("deviceId")), layout.Find("deviceId")!.ReadValue(c.Data));
                Assert.StartsWith(init.GetProperty("deviceName").GetString()!, System.Text.Encoding.ASCII.GetString(c.Data[..48]));
            }
            else if (data.TryGetProperty("gpuLegacyXid", out var xid))
            {
                Assert.Null(walk.DataLayout);
                Assert.Equal(xid.GetProperty("xidCode").GetUInt32(), BinaryPrimitives.ReadUInt32LittleEndian(c.Data));
            }
            else
            {
                Assert.Null(walk.DataLayout);
                Assert.Equal(Convert.FromHexString(data.GetProperty("opaque").GetString()!), c.Data.ToArray());
            }
        }
        Assert.Equal(contexts.GetArrayLength(), n);
        Assert.True(view.TrailingBytes.IsEmpty);
    }

    [Fact]
    public void The_view_equals_the_model_for_every_NVIDIA_event_section_in_the_fixtures()
        => FixtureSections.AssertEachDecodable(NvidiaEventSection.SectionGuid, b => NvidiaEventSection.Decode(b), 3, "NVIDIA event", (bytes, model) =>
        {
            Assert.True(NvidiaEventSectionView.TryRead(bytes, out var view));
            AssertSame(model, view);
        });

    private static void AssertSame(NvidiaEventSection model, NvidiaEventSectionView view)
    {
        Assert.Equal(model.Version, view.Version);
        Assert.Equal(model.SourceDeviceType, view.SourceDeviceType);
        Assert.Equal(model.EventType, view.EventType);
        Assert.Equal(model.EventSubtype, view.EventSubtype);
        Assert.Equal(model.LinkId, view.LinkId);
        Assert.Equal(model.SignatureBytes, view.SignatureBytes.ToArray());
        Assert.Equal(model.InfoVersion, view.InfoVersion);
        Assert.Equal(model.Info, view.Info.ToArray());
        Assert.Same(model.InfoLayout, view.InfoLayout);
        int n = 0;
        foreach (var c in view.Contexts)
        {
            var m = model.Contexts[n++];
            Assert.Equal(m.Version, c.Version);
            Assert.Equal(m.DataFormatType, c.DataFormatType);
            Assert.Equal(m.DataFormatVersion, c.DataFormatVersion);
            Assert.Equal(m.DataSize, c.DataSize);
            Assert.Equal(m.Body.Length + NvidiaEventSection.ContextHeaderSize, (int)c.ContextSize);
            Assert.Equal(m.Data is not null, c.HasData);
            if (m.Data is not null) Assert.Equal(m.Data, c.Data.ToArray());
        }
        Assert.Equal(model.Contexts.Count, n);
        Assert.Equal(model.DeclaredContextCount ?? model.Contexts.Count, view.ContextCount);
        Assert.Equal(model.TrailingBytes, view.TrailingBytes.ToArray());
    }

    [Fact]
    public void Truncated_bodies_count_what_fits_and_never_read_past()
    {
        var whole = LibcperExample.FirstBody("cper/libcper/nvidia_event_all_types");
        Assert.True(NvidiaEventSectionView.TryRead(whole, out var full));
        int contexts = 0;
        foreach (var _ in full.Contexts) contexts++;
        Assert.Equal(full.ContextCount, contexts);

        for (int length = 0; length <= whole.Length; length++)
        {
            // A copy of exactly `length` bytes: a read past it would throw.
            var cut = whole.AsSpan(0, length).ToArray();
            Assert.True(NvidiaEventSectionView.TryRead(cut, out var view));
            Assert.Equal(length >= 2 ? full.ContextCount : 0, view.ContextCount);
            Assert.Equal(length >= NvidiaEventSection.HeaderSize + 2 ? full.InfoVersion : 0, view.InfoVersion);
            int fit = 0, end = 0;
            foreach (var c in view.Contexts)
            {
                fit++;
                end += c.Bytes.Length;
                Assert.True(c.HasData);
            }
            bool infoFits = length >= NvidiaEventSection.HeaderSize + NvidiaEventSection.InfoHeaderSize + full.Info.Length;
            if (!infoFits)
            {
                Assert.Equal(0, fit);
                Assert.True(view.Info.IsEmpty);
                Assert.True(view.TrailingBytes.IsEmpty);
                Assert.Throws<ApeiContentException>(() => NvidiaEventSection.Decode(cut));
                continue;
            }
            // The contexts that fit whole, then the rest as trailing bytes: what the model keeps.
            Assert.True(fit <= contexts);
            Assert.Equal(length - (NvidiaEventSection.HeaderSize + NvidiaEventSection.InfoHeaderSize + full.Info.Length) - end, view.TrailingBytes.Length);
            AssertSame(NvidiaEventSection.Decode(cut), view);
            if (length == whole.Length) Assert.Equal(contexts, fit);
        }
    }

    [Fact]
    public void A_data_size_past_the_context_gives_no_data()
    {
        var section = new NvidiaEventSection { Version = 1, SourceDeviceType = 1, InfoVersion = 0x100, Info = new byte[13] };
        var context = new NvidiaEventContext { DataFormatType = 0x8002 };
        context.SetData(new byte[16]);
        section.Contexts.Add(context);
        var body = section.Encode();
        int at = NvidiaEventSection.HeaderSize + NvidiaEventSection.InfoHeaderSize + 13;
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(at + NvidiaEventContext.DataSizeField.Offset), 17);
        Assert.True(NvidiaEventSectionView.TryRead(body, out var view));
        var walk = view.Contexts;
        Assert.True(walk.MoveNext());
        Assert.False(walk.Current.HasData);
        Assert.True(walk.Current.Data.IsEmpty);
        Assert.Equal(17u, walk.Current.DataSize);
        Assert.Same(NvidiaEventSection.RecommendedActionsLayout, walk.DataLayout);
        Assert.False(walk.MoveNext());

        // A context size below its header ends the walk; its bytes are trailing.
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(at), 8);
        Assert.True(NvidiaEventSectionView.TryRead(body, out var bad));
        Assert.False(bad.Contexts.MoveNext());
        Assert.Equal(body.Length - at, bad.TrailingBytes.Length);
    }

    [Fact]
    public void Walking_the_view_allocates_nothing() => ViewWalk.AssertAllocatesNothing("cper/libcper/nvidia_event_all_types.cperhex", Walk);

    private static ulong Walk(ReadOnlySpan<byte> body)
    {
        NvidiaEventSectionView.TryRead(body, out var view);
        ulong sum = view.LinkId + view.InfoVersion + (ulong)view.Info.Length;
        var contexts = view.Contexts;
        while (contexts.MoveNext())
        {
            var c = contexts.Current;
            sum += c.DataFormatType + (ulong)c.Data.Length;
            if (contexts.ElementLayout is { } element) sum += element.Fields[0].ReadValue(c.Data);
        }
        return sum + (ulong)view.TrailingBytes.Length;
    }
}
