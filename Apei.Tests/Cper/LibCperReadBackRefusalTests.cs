using System.Buffers.Binary;
using System.Text.Json.Nodes;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// What the ARM, IA32/X64, ARM RAS, PCIe and NVIDIA read-back (libcper's JSON → bytes) refuses rather than invents or drops: sizes
/// past the section's one budget of undescribed bytes, members of the wrong JSON kind, numbers a field cannot hold. Each
/// refusal names the member's JSON path.
/// </summary>
public class LibCperReadBackRefusalTests
{
    private static JsonNode Doc(string name) => JsonNode.Parse(File.ReadAllText(Fixtures.Path(name + ".json")))!;

    /// <summary>The first section's member named <paramref name="name"/> (its type's key in libcper's JSON).</summary>
    private static JsonNode Section(JsonNode doc, string name) => doc["sections"]![0]![name]!;

    /// <summary>The ARM example's context array, emptied.</summary>
    private static JsonArray NoArmContexts(JsonNode doc)
    {
        var contexts = Section(doc, "ArmProcessor")["contextInfo"]!.AsArray();
        contexts.Clear();
        return contexts;
    }

    private static CperJsonException Refused(JsonNode doc) => Assert.Throws<CperJsonException>(() => LibCperJsonReader.ToBinary(doc.ToJsonString()));

    private static JsonNode ArmContext(int size) => JsonNode.Parse("""{"registerContextType":{"value":8},"registerArraySize":""" + size + ""","registerArray":{}}""")!;

    [Fact]
    public void Register_array_sizes_share_one_budget_per_section()
    {
        // Each context alone is within CperJsonReader.MaxUndescribedBytes; two of them pass it: the second is refused
        // before anything is allocated for it (the budget is the section's, not each context's).
        var doc = Doc("cper/libcper/arm");
        var contexts = NoArmContexts(doc);
        contexts.Add(ArmContext(600_000));
        var one = LibCperJsonReader.ToBinary(doc.ToJsonString());
        Assert.True(one.Length > 600_000);
        contexts.Add(ArmContext(600_000));
        var e = Refused(doc);
        Assert.Equal("$.sections[0].ArmProcessor.contextInfo[1].registerArraySize", e.Path);
        Assert.Contains("bytes it does not show left in the section's 1048576), found 600000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Many_large_register_array_sizes_are_refused_not_allocated()
    {
        // The reviewer's case: 400 contexts asking for ~1 MB of zeros each (a 49 KB document, a 419 MB record before).
        var doc = Doc("cper/libcper/arm");
        var contexts = NoArmContexts(doc);
        for (int i = 0; i < 400; i++) contexts.Add(ArmContext(1_048_000));
        var e = Refused(doc);
        Assert.Equal("$.sections[0].ArmProcessor.contextInfo[1].registerArraySize", e.Path);
    }

    [Theory]
    [InlineData("cper/libcper/arm", "ArmProcessor", "errorInfo", "$.sections[0].ArmProcessor.errorInfo")]
    [InlineData("cper/libcper/arm", "ArmProcessor", "errorInfo[0]", "$.sections[0].ArmProcessor.errorInfo[0]")]
    [InlineData("cper/libcper/arm", "ArmProcessor", "contextInfo[0].registerArray", "$.sections[0].ArmProcessor.contextInfo[0].registerArray")]
    [InlineData("cper/libcper/arm", "ArmProcessor", "vendorSpecificInfo", "$.sections[0].ArmProcessor.vendorSpecificInfo")]
    [InlineData("cper/libcper/ia32x64", "Ia32x64Processor", "processorContextInfo", "$.sections[0].Ia32x64Processor.processorContextInfo")]
    [InlineData("cper/libcper/ia32x64", "Ia32x64Processor", "processorErrorInfo[0].checkInfo", "$.sections[0].Ia32x64Processor.processorErrorInfo[0].checkInfo")]
    [InlineData("cper/libcper/arm-ras", "ArmRas", "errorSyndromes", "$.sections[0].ArmRas.errorSyndromes")]
    [InlineData("cper/libcper/arm-ras", "ArmRas", "auxData", "$.sections[0].ArmRas.auxData")]
    [InlineData("libcper-walk/arm-ras-mpam", "ArmRas", "auxData.contexts", "$.sections[0].ArmRas.auxData.contexts")]
    [InlineData("libcper-walk/arm-ras-mpam", "ArmRas", "auxData.keyValuePairs", "$.sections[0].ArmRas.auxData.keyValuePairs")]
    [InlineData("libcper-walk/arm-ras-mpam", "ArmRas", "auxData.contexts[0].registers", "$.sections[0].ArmRas.auxData.contexts[0].registers")]
    // A counted array of a declared element (Lm.Array: PCI component register pairs); it read a non-array as none.
    [InlineData("cper/libcper/pcidev", "PciComponent", "registerDataPairs", "$.sections[0].PciComponent.registerDataPairs")]
    [InlineData("cper/libcper/pcidev", "PciComponent", "registerDataPairs[0]", "$.sections[0].PciComponent.registerDataPairs[0]")]
    // NVIDIA register entries (libcper's reader reads "registers"; CMET-INFO's "CMETInfo" when there is none) and the
    // NVIDIA event contexts: each read a non-array as no entries.
    [InlineData("cper/libcper/nvidia", "Nvidia", "registers", "$.sections[0].Nvidia.registers")]
    [InlineData("cper/libcper/nvidia_cmet_info", "Nvidia", "CMETInfo", "$.sections[0].Nvidia.CMETInfo")]
    [InlineData("cper/libcper/nvidia_event_gpu_init", "NvidiaEvent", "eventContexts", "$.sections[0].NvidiaEvent.eventContexts")]
    public void A_member_of_the_wrong_JSON_kind_is_refused_not_read_as_zeros(string fixture, string section, string member, string path)
    {
        // Only null or an absent member reads as zeros or empty: a string where libcper writes an object or an array
        // (or an element that is not an object) is refused with its path, never read as nothing with its gate bit set.
        var doc = Doc(fixture);
        JsonNode parent = Section(doc, section);
        var steps = member.Split('.');
        foreach (var step in steps[..^1]) parent = Step(parent, step);
        Set(parent, steps[^1], "x");
        var e = Refused(doc);
        Assert.Equal(path, e.Path);
        Assert.Contains("expected an", e.Message);
        Assert.Contains("found", e.Message);
    }

    [Fact]
    public void An_ARM_RAS_address_space_identifier_of_the_wrong_kind_is_refused_whatever_the_scope()
    {
        // Context 1 of the fixture has system scope: its identifier is not stored (libcper's reader reads it for local
        // scope only), but an object there is still a mistake to name, not something to drop unseen.
        var doc = Doc("libcper-walk/arm-ras-mpam");
        var context = Section(doc, "ArmRas")["auxData"]!["contexts"]![1]!.AsObject();
        Assert.Equal("SystemPhysicalAddressSpace", (string?)context["flags"]!["addressSpaceIdentifierScope"]);
        var before = LibCperJsonReader.ToBinary(doc.ToJsonString());
        context["addressSpaceIdentifier"] = 7;
        Assert.Equal(before, LibCperJsonReader.ToBinary(doc.ToJsonString())); // a number is read and not stored
        context["addressSpaceIdentifier"] = JsonNode.Parse("""{"a":[1]}""");
        var e = Refused(doc);
        Assert.Equal("$.sections[0].ArmRas.auxData.contexts[1].addressSpaceIdentifier", e.Path);
        Assert.Contains("expected an unsigned integer, found", e.Message);
    }

    [Fact]
    public void ARM_RAS_auxiliary_data_without_a_version_is_version_1_and_a_version_given_is_kept()
    {
        // libcper's reader (ir-to-cper over this fixture with "auxData": {}) writes the 16-byte header
        // 01000000 10000000 10000000 00000000: version 1, no contexts, size 16, pairs at 16, none. A version the JSON gives
        // is written as given (libcper's reader writes 1 whatever it says).
        var doc = Doc("libcper-walk/arm-ras-mpam");
        var ras = Section(doc, "ArmRas").AsObject();
        ras["auxData"] = new JsonObject();
        var body = Body(LibCperJsonReader.ToBinary(doc.ToJsonString()));
        int aux = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);
        Assert.Equal("01000000100000001000000000000000", Convert.ToHexString(body.Slice(aux, 16)));
        ras["auxData"] = new JsonObject { ["version"] = 5 };
        body = Body(LibCperJsonReader.ToBinary(doc.ToJsonString()));
        Assert.Equal(5, body[BinaryPrimitives.ReadUInt16LittleEndian(body[14..])]);
    }

    [Fact]
    public void A_null_member_reads_as_absent()
    {
        // libcper's reader takes a JSON null as a missing member (json_object_object_get): vendor bytes null set no
        // validation bit, as if absent.
        var doc = Doc("cper/libcper/arm");
        var arm = Section(doc, "ArmProcessor").AsObject();
        arm.Remove("vendorSpecificInfo");
        var absent = LibCperJsonReader.ToBinary(doc.ToJsonString());
        arm["vendorSpecificInfo"] = null;
        Assert.Equal(absent, LibCperJsonReader.ToBinary(doc.ToJsonString()));
    }

    [Theory]
    // Arm DEN0085: the auxiliary data's context and pair counts and a context's register count are 16-bit fields.
    [InlineData("auxData.contexts", "$.sections[0].ArmRas.auxData.contexts", "contextCount")]
    [InlineData("auxData.keyValuePairs", "$.sections[0].ArmRas.auxData.keyValuePairs", "keyValuePairCount")]
    [InlineData("auxData.contexts[0].registers", "$.sections[0].ArmRas.auxData.contexts[0].registers", "registerCount")]
    public void An_ARM_RAS_count_past_its_16_bit_field_is_refused_not_cut(string member, string path, string field)
    {
        // The count is derived from the array (its declaration), so 65,536 entries would wrap to 0 if stored unchecked;
        // 65,535 still read back, with that count in the field and as many entries decoded.
        var doc = Doc("libcper-walk/arm-ras-mpam");
        JsonNode parent = Section(doc, "ArmRas");
        foreach (var step in member.Split('.')) parent = Step(parent, step);
        var array = parent.AsArray();
        var first = array[0]!.ToJsonString();
        array.Clear();
        for (int i = 0; i < ushort.MaxValue; i++) array.Add(JsonNode.Parse(first));
        var body = Body(LibCperJsonReader.ToBinary(doc.ToJsonString()));
        // The field: in the auxiliary data header, or in the first context's header right after it (DEN0085).
        int aux = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);
        var (layout, at) = field == "registerCount" ? (ArmRasContext.LayoutDef, aux + ArmRasAuxiliaryData.LayoutDef.Size) : (ArmRasAuxiliaryData.LayoutDef, aux);
        Assert.Equal(65_535UL, layout.Find(field)!.ReadValue(body[at..]));
        var decoded = ArmRasSection.Decode(body).AuxiliaryData!;
        Assert.Equal(65_535, field switch
        {
            "contextCount" => decoded.Contexts.Count,
            "keyValuePairCount" => decoded.Pairs.Count,
            _ => decoded.Contexts[0].Registers.Count,
        });
        array.Add(JsonNode.Parse(first));
        var e = Refused(doc);
        Assert.Equal(path, e.Path);
        Assert.Contains("expected at most 65535 elements (the count field is 16 bits), found 65536", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARM_RAS_syndromes_that_put_the_auxiliary_data_past_a_16_bit_offset_are_refused()
    {
        // The auxiliary data starts after the 80-byte node and the 72-byte syndromes (the offsets are derived): 909
        // syndromes put it at 65,528, 910 at 65,600, which its 16-bit offset cannot hold. Without auxData the offset is 0
        // (none) and 910 syndromes read back.
        var doc = Doc("libcper-walk/arm-ras-mpam");
        var ras = Section(doc, "ArmRas").AsObject();
        var syndromes = ras["errorSyndromes"]!.AsArray();
        var first = syndromes[0]!.ToJsonString();
        while (syndromes.Count < 909) syndromes.Add(JsonNode.Parse(first));
        var body = Body(LibCperJsonReader.ToBinary(doc.ToJsonString()));
        Assert.Equal(80 + 909 * 72, BinaryPrimitives.ReadUInt16LittleEndian(body[14..]));
        syndromes.Add(JsonNode.Parse(first));
        var e = Refused(doc);
        Assert.Equal("$.sections[0].ArmRas.auxData", e.Path);
        Assert.Contains("16-bit ARM RAS node section field auxiliaryDataOffset, found 65600", e.Message);
        ras.Remove("auxData");
        body = Body(LibCperJsonReader.ToBinary(doc.ToJsonString()));
        Assert.Equal((910u, (ushort)80, (ushort)0), (BinaryPrimitives.ReadUInt32LittleEndian(body[8..]), BinaryPrimitives.ReadUInt16LittleEndian(body[12..]), BinaryPrimitives.ReadUInt16LittleEndian(body[14..])));
    }

    /// <summary>The one section's body (the record's, after its header and one descriptor).</summary>
    private static ReadOnlySpan<byte> Body(byte[] record) => record.AsSpan(CperRecordHeader.Size + CperSectionDescriptor.Size);

    private static JsonNode Step(JsonNode n, string step)
        => step.IndexOf('[') is var b and > 0 ? n[step[..b]]![int.Parse(step[(b + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)]! : n[step]!;

    private static void Set(JsonNode n, string step, JsonNode value)
    {
        if (step.IndexOf('[') is var b and > 0) n[step[..b]]![int.Parse(step[(b + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)] = value;
        else n[step] = value;
    }

    [Theory]
    [InlineData("minor", "-1")]
    [InlineData("major", "4294967296")]
    [InlineData("minor", "123")]
    [InlineData("major", "100")]
    public void A_BCD_number_with_more_digits_than_its_field_is_refused_not_cut(string member, string value)
    {
        // PCIe's version is two 8-bit BCD fields (UEFI 2.10 N.2.7): 0-99 each. libcper's int_to_bcd keeps the low digits;
        // the read-back refuses what it would cut (docs/libcper-compat.md).
        var doc = Doc("libcper-walk/pcie-version-bcd");
        Section(doc, "Pcie")["version"]![member] = JsonNode.Parse(value);
        var e = Refused(doc);
        Assert.Equal($"$.sections[0].Pcie.version.{member}", e.Path);
    }

    [Fact]
    public void A_BCD_number_within_its_digits_reads_back()
    {
        var doc = Doc("libcper-walk/pcie-version-bcd");
        Section(doc, "Pcie")["version"]!["major"] = 99;
        Section(doc, "Pcie")["version"]!["minor"] = 0;
        var again = LibCperJsonWriter.ToJsonNode(LibCperJsonReader.ToBinary(doc.ToJsonString()));
        Assert.Equal(99, (int)Section(again, "Pcie")["version"]!["major"]!);
        Assert.Equal(0, (int)Section(again, "Pcie")["version"]!["minor"]!);
    }

    [Theory]
    [InlineData("capabilityStructure", 60)]
    [InlineData("aerInfo", 96)]
    public void A_register_block_longer_than_its_field_is_refused_not_cut(string block, int size)
    {
        // PCIe's capability structure is 60 bytes and its AER information 96 (UEFI 2.10 Table N-37): one byte more in the
        // base64 copy is refused at its data member; exactly the field reads back.
        var doc = Doc("cper/libcper/pcie");
        var data = Section(doc, "Pcie")[block]!;
        data["data"] = Convert.ToBase64String(new byte[size]);
        LibCperJsonReader.ToBinary(doc.ToJsonString());
        data["data"] = Convert.ToBase64String(new byte[size + 1]);
        var e = Refused(doc);
        Assert.Equal($"$.sections[0].Pcie.{block}.data", e.Path);
    }
}
