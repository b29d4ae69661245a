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
    private static byte[] Body(byte[] record) => CperRecordView.Read(record, out _).GetSectionBody(0).ToArray();

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
        // 64: the first context's 2 data bytes (data size 2, below the XID code: `gpuLegacyXid: {}`) and the 14 bytes
        // padding it to 16, read back as zeros (libcper's reader writes the same).
        { "nvidia-event-unshown-in-body", "64+16" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Libcpers_line_reads_back_to_the_body_but_for_what_it_does_not_show(string name, string lost)
    {
        byte[] read = LibCperJsonReader.ToBinary(LibcperWalk.Line(name));
        Assert.Equal(LibcperWalk.Line(name), LibcperWalk.Write(read));
        byte[] original = Body(LibcperWalk.Record(name)), back = Body(read);
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

    private static JsonObject NvidiaEvent(string line) => JsonNode.Parse(LibcperWalk.Line(line))!["sections"]![0]!["NvidiaEvent"]!.AsObject();

    [Theory]
    [InlineData(287_454_020u, 0)] // the walk line's own data size (past the body: libcper shows `opaque: {}`)
    [InlineData(0x800000C0u, 0)] // 2 GiB and more
    [InlineData(32u, 0)]
    public void A_data_size_the_json_shows_no_data_for_makes_no_room(uint dataSize, int given)
    {
        // libcper shows no data (`opaque: {}`) when it runs past the body: the data size stays in its field, no room is made.
        var o = NvidiaEvent("nvidia-event-info-size-small");
        var context = o["eventContexts"]![0]!;
        context["dataSize"] = JsonNode.Parse(dataSize.ToString(System.Globalization.CultureInfo.InvariantCulture)); // as read from text
        var s = LcNvidiaEvent.FromIrModel(o);
        Assert.Equal(dataSize, s.Contexts[0].DataSize);
        Assert.Equal(given, s.Contexts[0].Body.Length);
    }

    [Theory]
    [InlineData(4096u, 4096)]
    [InlineData(8u + (1u << 20), 16 + (1 << 20))] // exactly the bound (the room padded to 16 bytes)
    [InlineData(20u, 32)] // padded to 16 bytes, as libcper's writer pads
    public void A_data_size_within_the_bound_keeps_its_room(uint dataSize, int room)
    {
        // Opaque data the JSON shows (format 0x7788 is not one libcper decodes): room for the whole data size.
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
    public void Room_past_the_shown_data_is_bounded_per_section()
    {
        // 255 contexts each within the bound would make a 267 MB record from 27 KB of JSON: the sum is bounded.
        var o = NvidiaEvent("nvidia-event-info-size-small");
        var contexts = new JsonArray();
        for (int i = 0; i < 255; i++)
            contexts.Add(JsonNode.Parse("""{"version":0,"dataFormatType":"0x7788","dataFormatVersion":0,"dataSize":1048576,"data":{"opaque":"00"}}"""));
        o["eventContexts"] = contexts;
        var e = Assert.Throws<ApeiKit.Cper.Json.CperJsonException>(() => LcNvidiaEvent.FromIrModel(o));
        Assert.Contains("eventContexts[1].dataSize", e.Message, StringComparison.Ordinal);
        // The section's one budget (LcBudget): context 0 took 1048575 of its 1048576 bytes, context 1 asks for 1048575 more
        // than the 1 byte its JSON shows.
        Assert.Contains("expected a dataSize of at most 2 bytes (1 byte the JSON shows, and at most 1 byte it does not show left in the section's 1048576), found 1048576: 1048575 bytes the JSON does not show", e.Message, StringComparison.Ordinal);
        // The same contexts showing no data (`data: {}`) make no room at all.
        foreach (var c in contexts) c!["data"] = new JsonObject();
        var s = LcNvidiaEvent.FromIrModel(o);
        Assert.Equal(255, s.Contexts.Count);
        Assert.All(s.Contexts, c => Assert.Empty(c.Body));
    }

    [Fact]
    public void More_contexts_than_the_count_byte_holds_are_refused_at_the_array()
    {
        // The context count is one byte (derived from the array, FieldDerivation.CountOf): 255 contexts read back, 256 are
        // refused at eventContexts, never written as a count of 0, and before any context is read: a context's own error
        // (here the 256th's version) does not come first.
        var o = NvidiaEvent("nvidia-event-info-size-small");
        var contexts = new JsonArray();
        for (int i = 0; i < 255; i++) contexts.Add(JsonNode.Parse("""{"version":0,"dataFormatType":"0x7788","dataFormatVersion":0,"dataSize":0,"data":{}}"""));
        o["eventContexts"] = contexts;
        Assert.Equal(255, LcNvidiaEvent.FromIrModel(o).Contexts.Count);
        contexts.Add(JsonNode.Parse("""{"version":"not a number","dataFormatType":"0x7788","dataFormatVersion":0,"dataSize":0,"data":{}}"""));
        var e = Assert.Throws<ApeiKit.Cper.Json.CperJsonException>(() => LcNvidiaEvent.FromIrModel(o));
        Assert.Equal(contexts.GetPath(), e.Path);
        Assert.Contains("expected at most 255 elements (the count field is 8 bits), found 256", e.Message, StringComparison.Ordinal);
        contexts.RemoveAt(255);
        for (int i = 0; i < 45; i++) contexts.Add(contexts[0]!.DeepClone());
        e = Assert.Throws<ApeiKit.Cper.Json.CperJsonException>(() => LcNvidiaEvent.FromIrModel(o));
        Assert.Equal(contexts.GetPath(), e.Path);
        Assert.EndsWith("expected at most 255 elements (the count field is 8 bits), found 300", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The bytes <see cref="LcNvidiaEvent.FromIrBody"/> allocates reading back a record of <paramref name="contexts"/>
    /// contexts, each a type 1 array of four 64-bit pairs (libcper's own context, from nvidia-event-ctx-size-zero) and
    /// 16 bytes of its data size not shown (zeros from the budget). The JSON tree is built before measuring.
    /// </summary>
    internal static long ReadBackAllocation(int contexts)
    {
        var o = NvidiaEvent("nvidia-event-info-size-small");
        var list = new JsonArray();
        for (int i = 0; i < contexts; i++)
            list.Add(JsonNode.Parse("""{"version":0,"dataFormatType":"0x0001","dataFormatVersion":0,"dataSize":80,"data":{"type1":{"keyValArray64":[""" +
                string.Join(",", Enumerable.Repeat("""{"key64":"0x0000000000000001","val64":"0x0000000000000002"}""", 4)) + "]}}}"));
        o["eventContexts"] = list;
        var reader = new LcNvidiaEvent();
        Assert.Equal(contexts, ((ApeiKit.Cper.Vendors.NvidiaEventSection)reader.FromIrBody(o)).Contexts.Count); // the first read builds the static tables
        long before = GC.GetAllocatedBytesForCurrentThread();
        _ = reader.FromIrBody(o);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void A_derivation_names_a_field_of_the_layout_and_keeps_its_validation_field()
    {
        // Deriving matches the field by reference: another instance (here the same declaration with another offset) is
        // refused, never silently left underived.
        var info = ApeiKit.Cper.Vendors.NvidiaEventSection.InfoHeaderLayout;
        var own = info.Fields.Single(f => f.Json == "infoSize");
        var derived = LcStructure.Deriving(info, own, FieldDerivation.StructureLength);
        Assert.Equal(FieldDerivation.StructureLength, derived.Fields.Single(f => f.Json == "infoSize").Derive);
        var e = Assert.Throws<ArgumentException>(() => LcStructure.Deriving(info, own with { Offset = 0 }, FieldDerivation.StructureLength));
        Assert.Contains("no field infoSize", e.Message, StringComparison.Ordinal);
        // A layout whose validation field lies outside its fields (StructDef's other constructor) keeps that field.
        var valid = new FieldDef("valid", "Valid", 0, 1, FieldKind.UInt);
        var part = new StructDef("part", 4, [new FieldDef("size", "Size", 2, 1, FieldKind.UInt)], valid);
        var partDerived = LcStructure.Deriving(part, part.Fields[0], FieldDerivation.StructureLength);
        Assert.Same(valid, partDerived.ValidationField);
        Assert.Equal(FieldDerivation.StructureLength, partDerived.Fields[0].Derive);
    }

    [Fact]
    public void Reading_back_allocates_the_section_and_its_model_not_a_buffer_per_context()
    {
        // Measured (GC.GetAllocatedBytesForCurrentThread, .NET 10): when each context had its own ArrayBufferWriter, result
        // array and room array, 1 context allocated 4,192 bytes and 20 contexts 54,272 (2,636 a context); written into the
        // section's one buffer, 3,504 and 33,304 (about 1,570 a context: the model's decode, about 125, the buffer's growth,
        // and the strings System.Text.Json makes for each "0x..." value read, which this does not change). The bound, 2 KB a context,
        // fails with a buffer per context.
        long one = ReadBackAllocation(1), twenty = ReadBackAllocation(20);
        Assert.True((twenty - one) / 19 < 2048, $"1 context: {one} bytes, 20 contexts: {twenty} bytes");
    }

    /// <summary>libcper's line for a changed walk pair, read back and written again: the same line.</summary>
    private static void AssertWrittenAgain(string name, Action<JsonObject> change)
    {
        var doc = JsonNode.Parse(LibcperWalk.Line(name))!.AsObject();
        change(doc);
        string line = doc.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Equal(line, LibcperWalk.Write(LibCperJsonReader.ToBinary(line)));
    }

    [Theory]
    [InlineData("0x0001", "type1")] // libcper's `typeN: {}` for a known format whose data runs past the body
    [InlineData("0x0004", "type4")]
    [InlineData("0x8000", "gpuInitMetadata")]
    [InlineData("0x8001", "gpuLegacyXid")]
    [InlineData("0x8002", "gpuRecommendedActions")]
    public void Data_libcper_does_not_show_is_not_invented(string format, string variant)
    {
        // dataFormatType 0x0001, dataSize 32, `type1: {}` used to come back as keyValArray64 with two zero entries. The
        // section is the 51 bytes of the two headers and the context header, so the 32 bytes run past it, as libcper shows.
        AssertWrittenAgain("nvidia-event-info-size-small", doc =>
        {
            doc["header"]!["recordLength"] = 200 + 51;
            doc["sectionDescriptors"]![0]!["sectionLength"] = 51;
            var c = doc["sections"]![0]!["NvidiaEvent"]!["eventContexts"]![0]!;
            c["dataFormatType"] = format;
            c["dataSize"] = 32;
            c["data"] = new JsonObject { [variant] = new JsonObject() };
        });
    }

    /// <summary>
    /// The NVIDIA event walk lines but two whose bodies the read-back's layout (libcper's writer's: each context after the
    /// previous one's data, padded to 16 bytes) cannot give: <c>nvidia-event-ctx-size-zero</c> (context size 0: libcper
    /// shows the same context again) and <c>nvidia-event-xid-past-context</c> (a context's data runs on into the next
    /// context, libcper bounding it by the body: laid out one after the other they pass the section length).
    /// </summary>
    public static TheoryData<string> WalkLines() => new(Directory.GetFiles(Fixtures.Path("libcper-walk"), "nvidia-event-*.json").Select(f => Path.GetFileNameWithoutExtension(f))
        .Where(n => n is not ("nvidia-event-ctx-size-zero" or "nvidia-event-xid-past-context")).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(WalkLines))]
    public void Every_walk_line_read_back_is_written_as_the_same_line(string name)
        => Assert.Equal(LibcperWalk.Line(name), LibcperWalk.Write(LibCperJsonReader.ToBinary(LibcperWalk.Line(name))));

    [Fact]
    public void Data_not_shown_that_would_lie_within_the_section_is_refused_not_taken_from_the_next_context()
    {
        // libcper's line for a GPU metadata context (not the last) of data size 8, below the 192-byte structure: libcper
        // shows `gpuInitMetadata: {}` though the bytes lie in the body. With no room, the 8 bytes after its header would be
        // the next context's; libcper's reader writes the whole 192-byte structure in zeros under a context size of 32.
        var doc = JsonNode.Parse(LibcperWalk.Line("nvidia-event-unshown-in-body"))!;
        var c = doc["sections"]![0]!["NvidiaEvent"]!["eventContexts"]![0]!;
        c["dataFormatType"] = "0x8000";
        c["dataSize"] = 8;
        c["data"] = new JsonObject { ["gpuInitMetadata"] = new JsonObject() };
        var e = Assert.Throws<ApeiKit.Cper.Json.CperJsonException>(() => LibCperJsonReader.ToBinary(doc.ToJsonString()));
        Assert.Equal("$.sections[0].NvidiaEvent.eventContexts[0].data", e.Path);
        Assert.Contains("expected the 8 data bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("found no data shown", e.Message, StringComparison.Ordinal);

        // The last context's data is never another's: kept with no room, as before.
        var last = doc["sections"]![0]!["NvidiaEvent"]!["eventContexts"]!.AsArray();
        var moved = last[0]!.DeepClone();
        last.RemoveAt(0);
        last.Add(moved);
        var s = (ApeiKit.Cper.Vendors.NvidiaEventSection)CperRecord.Decode(LibCperJsonReader.ToBinary(doc.ToJsonString()), out _).Sections[0].Body;
        Assert.Equal(8u, s.Contexts[^1].DataSize);
    }

    [Fact]
    public void A_legacy_xid_message_longer_than_its_data_size_holds_is_refused()
    {
        // Data size 81: the XID code (4 bytes) and 77 message bytes, one of them the NUL.
        RefusedXid("nvidia_event_gpu_uce_ecc", 81, new string('m', 120), "gpuLegacyXid.message", "data size 81", "at most 76 characters", "found 120");
        RefusedXid("nvidia_event_gpu_uce_ecc", 81, new string('m', 77), "gpuLegacyXid.message", "at most 76 characters", "found 77");
        var doc = UceEcc(81, new string('m', 76));
        var s = (ApeiKit.Cper.Vendors.NvidiaEventSection)CperRecord.Decode(LibCperJsonReader.ToBinary(doc.ToJsonString()), out _).Sections[0].Body;
        Assert.Equal(81u, s.Contexts[0].DataSize);
        Assert.Contains(new string('m', 76), LibcperWalk.Write(LibCperJsonReader.ToBinary(doc.ToJsonString())), StringComparison.Ordinal);
    }

    private static JsonObject UceEcc(int dataSize, string message)
    {
        var doc = JsonNode.Parse(File.ReadAllText(Fixtures.Path("cper/libcper/nvidia_event_gpu_uce_ecc.json")))!.AsObject();
        var c = doc["sections"]![0]!["NvidiaEvent"]!["eventContexts"]![0]!;
        c["dataSize"] = dataSize;
        c["data"]!["gpuLegacyXid"]!["message"] = message;
        return doc;
    }

    private static void RefusedXid(string name, int dataSize, string message, params string[] says)
        => LibcperExample.AssertDocumentRefused(name, doc =>
        {
            var c = doc["sections"]![0]!["NvidiaEvent"]!["eventContexts"]![0]!;
            c["dataSize"] = dataSize;
            c["data"]!["gpuLegacyXid"]!["message"] = message;
        }, says);

    private static byte[] GpuInit(Action<JsonObject> change)
    {
        var doc = JsonNode.Parse(File.ReadAllText(Fixtures.Path("cper/libcper/nvidia_event_gpu_init.json")))!.AsObject();
        change(doc["sections"]![0]!["NvidiaEvent"]!.AsObject());
        return Body(LibCperJsonReader.ToBinary(doc.ToJsonString()));
    }

    private static JsonObject InitMetadata(JsonObject s) => s["eventContexts"]![0]!["data"]!["gpuInitMetadata"]!.AsObject();

    [Fact]
    public void Pci_information_is_read_only_for_hardware_information_type_0()
    {
        // libcper's reader reads pciInfo only for type 0 (PCI); for another type its bytes stay zero.
        byte[] withPci = GpuInit(s => InitMetadata(s)["hardwareInfoType"] = 1);
        byte[] without = GpuInit(s => { InitMetadata(s)["hardwareInfoType"] = 1; InitMetadata(s).Remove("pciInfo"); });
        Assert.Equal(without, withPci);
        Assert.NotEqual(GpuInit(s => InitMetadata(s).Remove("pciInfo")), GpuInit(_ => { })); // for type 0 it is read
    }

    [Fact]
    public void The_flat_event_information_reads_as_the_gpu_object()
    {
        // libcper's reader falls back to the members directly in eventInfo (backward compatibility).
        byte[] nested = GpuInit(_ => { });
        byte[] flat = GpuInit(s =>
        {
            var info = s["eventInfo"]!.AsObject();
            var gpu = info["gpu"]!.AsObject();
            info.Remove("gpu");
            foreach (var (k, v) in gpu.ToArray()) { gpu.Remove(k); info[k] = v; }
        });
        Assert.Equal(nested, flat);
    }

    [Theory]
    [InlineData("eventHeader", "sourceDeviceType", "Gpu")]
    [InlineData("eventHeader", "sourceDeviceType", "")]
    [InlineData("eventInfo.gpu", "EventOriginator", "PF_GSP")]
    public void An_unknown_name_is_refused(string where, string member, string name)
        => Refused(s => (where == "eventHeader" ? s["eventHeader"]! : s["eventInfo"]!["gpu"]!)[member] = name, $"{where}.{member}", "expected one of libcper's names", name);

    [Fact]
    public void Libcpers_unknown_reads_back_as_zero()
    {
        // libcper prints "Unknown" past its tables; its reader leaves an unknown name at 0.
        byte[] named = GpuInit(s => s["eventInfo"]!["gpu"]!["EventOriginator"] = "Invalid"); // 0
        Assert.Equal(named, GpuInit(s => s["eventInfo"]!["gpu"]!["EventOriginator"] = "Unknown"));
        Assert.Equal(0, GpuInit(s => s["eventHeader"]!["sourceDeviceType"] = "Unknown")[NvidiaEventDeviceTypeOffset]);
    }

    private static int NvidiaEventDeviceTypeOffset => ApeiKit.Cper.Vendors.NvidiaEventSection.SourceDeviceTypeField.Offset;

    [Theory]
    [InlineData("x.y")]
    [InlineData("17.3")] // 4-bit fields
    [InlineData("1.16")]
    [InlineData("1")]
    public void A_cpu_revision_that_is_not_two_4_bit_numbers_is_refused(string revision)
        => LibcperExample.AssertDocumentRefused("nvidia_event_all_types", doc => doc["sections"]![0]!["NvidiaEvent"]!["eventInfo"]!["cpu"]!["Architecture"]!["revision"] = revision,
            "Architecture.revision", "major.minor", "at most 4 bits");

    [Theory]
    [InlineData("hidFam", "0x10", "4 bits")]
    [InlineData("chipId", "0x100", "8 bits")]
    public void An_architecture_value_wider_than_its_field_is_refused(string member, string value, string bits)
        => LibcperExample.AssertDocumentRefused("nvidia_event_all_types", doc => doc["sections"]![0]!["NvidiaEvent"]!["eventInfo"]!["cpu"]!["Architecture"]![member] = value,
            $"Architecture.{member}", bits);

    [Fact]
    public void A_metadata_text_longer_than_its_field_is_refused()
        // UntrustedOrEmpty reads back as add_untrusted_string's text: printable, and room for its NUL (48-byte device name).
        => Refused(s => s["eventContexts"]![0]!["data"]!["gpuInitMetadata"]!["deviceName"] = new string('N', 48), "deviceName", "at most 47 characters");

    [Theory]
    [InlineData(2)] // shorter than the field's offset (4): no text
    [InlineData(4)]
    public void A_text_whose_body_ends_before_its_field_prints_empty(int length)
    {
        // UntrustedOrEmpty over a structure cut short (libcper's legacy XID message: the bytes the data holds).
        LcMember[] members = [Lm.UntrustedOrEmpty("message", ApeiKit.Cper.Vendors.NvidiaGpuLegacyXid.MessageField)];
        var buffer = new ArrayBufferWriter<byte>();
        var w = new LcWriter();
        w.Reset(buffer);
        w.WriteStartObject();
        LibCperMap.WriteMembers(w, members, new byte[length], 0);
        w.WriteEndObject();
        w.Flush();
        Assert.Equal("""{"message":""}""", System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <summary>
    /// Every section body of a record, by its descriptor (UEFI 2.10 N.2.1 section count, N.2.2 SectionOffset and
    /// SectionLength), not by the record length: libcper's reader keeps the JSON's record and section lengths (568 for
    /// <c>nvidia_event_all_types</c>) while it writes only what it reads (440 bytes there), so a body is cut to the record.
    /// </summary>
    private static byte[][] Bodies(byte[] record)
    {
        var bodies = new byte[System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(record.AsSpan(CperRecordHeader.SectionCountOffset))][];
        for (int i = 0; i < bodies.Length; i++)
        {
            var d = record.AsSpan(CperRecordHeader.Size + i * CperSectionDescriptor.Size);
            int offset = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(d[CperSectionDescriptor.SectionOffsetOffset..]);
            int length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(d[CperSectionDescriptor.SectionLengthOffset..]);
            bodies[i] = record.AsSpan(offset, Math.Min(length, record.Length - offset)).ToArray(); // libcper's: what it wrote
        }
        return bodies;
    }

    /// <summary>
    /// libcper's JSON read back by ApeiKit gives the section bodies libcper's own reader (<c>ir_to_cper</c>, through
    /// <c>benchmarks/libcper/ir-to-cper.c</c>) builds from it (fixtures/libcper-readback); the lines where ApeiKit
    /// deliberately differs are in <see cref="WhereLibcpersReaderDiffers"/>.
    /// </summary>
    [Theory]
    [InlineData("libcper-walk/nvidia-event-ctx-size-zero")]
    [InlineData("libcper-walk/nvidia-event-data-past-context")]
    [InlineData("libcper-walk/nvidia-event-last-ctx-size")]
    [InlineData("libcper-walk/nvidia-event-message")]
    [InlineData("libcper-walk/nvidia-event-text-unterminated")]
    [InlineData("libcper-walk/nvidia-event-info-size-past")]
    [InlineData("libcper-walk/nvidia-event-xid-signed")]
    // A legacy XID (not the last context) with data size 2, below its 4-byte code: `gpuLegacyXid: {}`; libcper's reader
    // writes the 2 bytes in zeros and pads the context to 32, as ApeiKit does (not the next context at byte 16).
    [InlineData("libcper-walk/nvidia-event-unshown-in-body")]
    [InlineData("cper/libcper/nvidia_event_all_types")]
    [InlineData("cper/libcper/nvidia_event_gpu_init")]
    [InlineData("cper/libcper/nvidia_event_gpu_uce_ecc")]
    public void Libcpers_json_reads_back_to_the_bodies_libcpers_reader_makes(string name)
    {
        byte[] ours = LibCperJsonReader.ToBinary(File.ReadAllText(Fixtures.Path(name + ".json")));
        byte[] libcpers = Fixtures.HexText($"libcper-readback/{Path.GetFileName(name)}.hex");
        Assert.Equal(Bodies(libcpers), Bodies(ours));
    }

    /// <summary>
    /// Where ApeiKit's read-back deliberately differs from libcper's reader (so that libcper's line reads back to a body
    /// that is written as the same line, <see cref="Every_walk_line_read_back_is_written_as_the_same_line"/>):
    /// </summary>
    [Theory]
    // `opaque: {}` with data size 0x800000C0: libcper's reader writes the context size 16 + the data size (0x800000D0)
    // for data it does not write, and writes 64 of the JSON's 256-byte section; ApeiKit makes no room for data the JSON
    // does not show (context size 16) and fills the JSON's section length (zeros within CperJsonReader.MaxUndescribedBytes).
    [InlineData("libcper-walk/nvidia-event-datasize-signed")]
    // `gpu: {}` (the information size did not cover the structure): libcper's reader writes a zero GPU information and
    // the information size 16, which libcper's writer would then show; ApeiKit writes none (information size 3).
    [InlineData("libcper-walk/nvidia-event-info-size-small")]
    // A context's data running on into the next context (libcper bounds the data by the body): both readers lay the
    // contexts out one after the other, differently (ApeiKit pads each to 16 bytes, libcper's reader to the data size),
    // and neither gives the original body.
    [InlineData("libcper-walk/nvidia-event-xid-past-context")]
    // The first of five contexts with data size 0x1000 (past the body: `type1: {}`): libcper's reader writes its context
    // size 0x1010 but no data, its next context at byte 16 of it, inside that size (its walk would then skip the four);
    // ApeiKit writes the context size 16, its data running past the section as libcper showed it.
    [InlineData("libcper-walk/nvidia-event-unshown-past-body")]
    public void WhereLibcpersReaderDiffers(string name)
    {
        byte[] ours = LibCperJsonReader.ToBinary(File.ReadAllText(Fixtures.Path(name + ".json")));
        byte[] libcpers = Fixtures.HexText($"libcper-readback/{Path.GetFileName(name)}.hex");
        Assert.NotEqual(Bodies(libcpers), Bodies(ours)); // a difference that goes away must leave this list
    }
}
