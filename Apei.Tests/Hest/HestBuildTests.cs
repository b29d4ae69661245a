using System.Buffers;
using System.Buffers.Binary;
using ApeiKit.Hest;

namespace ApeiKit.Tests.Hest;

public class HestBuildTests
{
    [Theory]
    [InlineData("qemu-virt-arm")]
    [InlineData("x86-server")]
    public void Presets_pass_check_and_round_trip(string preset)
    {
        var r = HestPresets.Create(preset).Build(0x7FFF_0000);
        var findings = HestValidator.Validate(r.TableBytes);
        Assert.True(findings.Count == 0, string.Join("\n", findings));
        Assert.Equal(r.TableBytes, HestTableModel.Decode(r.TableBytes).Encode());
        Assert.True(Checksum.IsValid(r.TableBytes));
        Assert.Equal((uint)r.TableBytes.Length, BinaryPrimitives.ReadUInt32LittleEndian(r.TableBytes.AsSpan(4)));
    }

    [Fact]
    public void Qemu_virt_arm_preset_matches_qemu_field_by_field()
    {
        var t = HestPresets.QemuVirtArm().Build(0x7FFF_0000);
        var view = HestTable.Read(t.TableBytes);
        Assert.Equal(("BOCHS ", "BXPC    ", (byte)1), (view.Header.OemId, view.Header.OemTableId, view.Header.Revision));
        Assert.Equal(2u, view.ErrorSourceCount);
        Assert.Equal(40 + 2 * 92, t.TableBytes.Length);
        var sources = t.Table.Sources.Cast<GhesV2Source>().ToList();
        Assert.Equal([NotificationType.Sea, NotificationType.Gpio], sources.Select(s => s.Notification.Type));
        foreach (var s in sources)
        {
            Assert.Equal((0xFFFF, 1, 1u, 1u, 1024u, 1024u), (s.RelatedSourceId, s.Enabled, s.NumberOfRecordsToPreAllocate, s.MaxSectionsPerRecord, s.MaxRawDataLength, s.ErrorStatusBlockLength));
            Assert.Equal((0xFFFF_FFFF_FFFF_FFFEUL, 1UL), (s.ReadAckPreserve, s.ReadAckWrite));
            Assert.Equal(new HardwareErrorNotification { Type = s.Notification.Type }, s.Notification);
            Assert.Equal((0, 64, 0, 4), (s.ErrorStatusAddress.AddressSpaceId, s.ErrorStatusAddress.BitWidth, s.ErrorStatusAddress.BitOffset, s.ErrorStatusAddress.AccessSize));
        }
    }

    [Fact]
    public void Region_is_laid_out_as_qemu_hardware_errors_blob()
    {
        const ulong Base = 0x4000_0000;
        var r = HestPresets.QemuVirtArm().Build(Base);
        var region = r.Region!;
        Assert.Equal(2, region.Entries.Count);
        // Two u64 block-address registers, two u64 read-ack registers, then two 1 KiB blocks.
        Assert.Equal(new HestRegionEntry(0, 0, Base, Base + 16, Base + 32, 1024, true), region.Entries[0]);
        Assert.Equal(new HestRegionEntry(1, 1, Base + 8, Base + 24, Base + 32 + 1024, 1024, true), region.Entries[1]);
        Assert.Equal(32UL + 2048, region.Length);
        var bytes = r.RegionBytes!;
        Assert.Equal(Base + 32, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal(Base + 32 + 1024, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(1UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(16)));
        Assert.Equal(1UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(24)));
        Assert.False(bytes.AsSpan(32).ContainsAnyExcept((byte)0));
        var s1 = (GhesV2Source)r.Table.Sources[1];
        Assert.Equal(Base + 8, s1.ErrorStatusAddress.Address);
        Assert.Equal(Base + 24, s1.ReadAckRegister.Address);
        Assert.Same(region.Entries[1], region.Find(1));
    }

    [Fact]
    public void Builder_from_code_makes_the_guest_table_the_platform_needs()
    {
        var r = new HestBuilder()
            .AddGhesV2(0, NotificationType.Sea)
            .AddGhesV2(1, NotificationType.Sei)
            .AddGhesV2(2, NotificationType.Gsiv, s => s.Notification = s.Notification with { Vector = 40 })
            .AddGhesV2(3, NotificationType.Gpio, s => s.ErrorStatusBlockLength = 4096)
            .AddGhesV2(4, NotificationType.Polled)
            .Build(0x1_0000_0000);
        Assert.Empty(HestValidator.Validate(r.TableBytes));
        Assert.Equal(1000u, ((GhesV2Source)r.Table.Sources[4]).Notification.PollInterval);
        Assert.Equal(40u, ((GhesV2Source)r.Table.Sources[2]).Notification.Vector);
        var e = r.Region!.Entries;
        Assert.Equal(0x1_0000_0000UL + 80, e[0].BlockAddress);
        Assert.Equal(e[3].BlockAddress + 4096, e[4].BlockAddress);
        Assert.Equal(80UL + 4 * 1024 + 4096, r.Region.Length);
    }

    [Fact]
    public void Encoders_agree_span_array_and_buffer_writer()
    {
        var t = HestTestData.AllTypes();
        var array = t.Encode();
        var writer = new ArrayBufferWriter<byte>();
        t.Encode(writer);
        Assert.Equal(array, writer.WrittenSpan.ToArray());
        Assert.False(t.TryEncode(new byte[array.Length - 1], out int none));
        Assert.Equal(0, none);
        var span = new byte[array.Length + 10];
        Assert.True(t.TryEncode(span, out int n));
        Assert.Equal(array, span.AsSpan(0, n).ToArray());
    }

    [Fact]
    public void Spec_sets_fields_by_json_name_with_defaults_for_the_rest()
    {
        const string json = """
        {
          "header": { "oemId": "ACME", "oemTableId": "VM      ", "oemRevision": "0x10" },
          "region": { "base": "0x8000_0000" },
          "sources": [
            { "type": "ghesv2", "notification": "sea" },
            { "type": "ghes", "sourceId": 9, "notification": { "type": "gsiv", "vector": 41 }, "errorStatusBlockLength": 4096, "relatedSourceId": "0x0002" },
            { "type": "ia32-mce", "sourceId": 2, "flags": ["firmwareFirst"], "banks": [ {}, { "statusDataFormat": "AMD64 MCA", "controlInitData": "0xFF" } ] },
            { "type": 7, "enabled": false, "bus": { "bus": 3, "segment": 1 }, "device": 4 },
            { "type": "ghesv2", "notification": { "type": "polled" } }
          ]
        }
        """;
        var parsed = HestSpec.Parse(json);
        Assert.Equal(0x8000_0000UL, parsed.RegionBase);
        var r = parsed.Builder.Build(parsed.RegionBase);
        var t = r.Table;
        Assert.Equal(("ACME", 0x10u), (t.Header.OemId, t.Header.OemRevision));
        Assert.Equal(new ushort[] { 0, 9, 2, 10, 11 }, t.Sources.Select(s => s.SourceId));
        var g = (GhesSource)t.Sources[1];
        Assert.Equal((NotificationType.Gsiv, 41u, 4096u, (ushort)2), (g.Notification.Type, g.Notification.Vector, g.ErrorStatusBlockLength, g.RelatedSourceId));
        var mce = (Ia32MachineCheckSource)t.Sources[2];
        Assert.Equal(HestSourceFlags.FirmwareFirst, mce.Flags);
        Assert.Equal((2, 0xFFUL, 0x404u), (mce.Banks[1].StatusDataFormat, mce.Banks[1].ControlInitData, mce.Banks[1].ControlRegisterMsrAddress));
        var aer = (PcieDeviceAerSource)t.Sources[3];
        Assert.Equal((0, (byte)3, (ushort)1, (ushort)4), (aer.Enabled, aer.BusNumber, aer.Segment, aer.Device));
        Assert.Equal(1000u, ((GhesV2Source)t.Sources[4]).Notification.PollInterval);
        Assert.Empty(HestValidator.Validate(r.TableBytes));
    }

    [Theory]
    [InlineData("""{"sources":[{"type":"ghes"},{"type":"ghes"},{"type":"ghesv2","notification":{"type":"bogus"}}]}""", "$.sources[2].notification.type")]
    [InlineData("""{"sources":[{"type":"what"}]}""", "$.sources[0].type")]
    [InlineData("""{"sources":[{"notification":"sea"}]}""", "$.sources[0].type")]
    [InlineData("""{"sources":[{"type":"ghes","colour":1}]}""", "$.sources[0].colour")]
    [InlineData("""{"sources":[{"type":"ia32-nmi","maxRawDataLength":-1}]}""", "$.sources[0].maxRawDataLength")]
    [InlineData("""{"sources":[{"type":"ghes","enabled":300}]}""", "$.sources[0].enabled")]
    [InlineData("""{"sources":[{"type":"ia32-mce","banks":[{},{"bankNumber":"x"}]}]}""", "$.sources[0].banks[1].bankNumber")]
    [InlineData("""{"sources":[{"type":"ghesv2","readAckRegister":{"address":"0xZZ"}}]}""", "$.sources[0].readAckRegister.address")]
    [InlineData("""{"sources":[{"type":"pcie-root-port-aer","flags":["global","sparkly"]}]}""", "$.sources[0].flags[1]")]
    [InlineData("""{"header":{"oemId":"TOOLONG"}}""", "$.header.oemId")]
    [InlineData("""{"preset":"vax"}""", "$.preset")]
    [InlineData("""{"source":[]}""", "$.source")]
    [InlineData("""[1,2]""", "$")]
    [InlineData("""{"sources":[}""", "$")]
    public void Spec_errors_name_the_json_path(string json, string path)
    {
        var e = Assert.Throws<HestSpecException>(() => HestSpec.Parse(json));
        Assert.Equal(path, e.Path);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_spec_example_in_the_docs_builds_a_table_that_passes_check()
    {
        var doc = File.ReadAllText(Path.Combine(Fixtures.Root, "..", "docs", "hest-build.md"));
        int start = doc.IndexOf("```jsonc", StringComparison.Ordinal) + "```jsonc".Length;
        var json = doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];
        var parsed = HestSpec.Parse(json);
        var r = parsed.Builder.Build(parsed.RegionBase);
        Assert.Equal(2 + 11, r.Table.Sources.Count); // the preset's two, then the spec's
        var findings = HestValidator.Validate(r.TableBytes);
        Assert.True(findings.All(f => f.Severity == FindingSeverity.Warning), string.Join("\n", findings));
        Assert.Equal(r.TableBytes, HestTableModel.Decode(r.TableBytes).Encode());
    }
}
