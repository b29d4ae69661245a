using ApeiKit.Hest;

namespace ApeiKit.Tests.Hest;

public class HestProLiantTests
{
    [Fact]
    public void ProLiant_hest_decodes_to_the_values_in_its_bytes()
    {
        var bytes = HestTestData.ProLiant();
        var t = HestTable.Read(bytes);
        Assert.Equal(0xBCu, t.DeclaredLength);          // 0004: bc 00 00 00
        Assert.Equal(1, t.Header.Revision);             // 0008: 01
        Assert.Equal("HP    ", t.Header.OemId);         // 000a: 48 50 20 20 20 20
        Assert.Equal("ProLiant", t.Header.OemTableId);
        Assert.Equal(3u, t.ErrorSourceCount);           // 0024: 03 00 00 00
        Assert.True(t.IsChecksumValid);
        var types = new List<HestSourceType>();
        var ids = new List<ushort>();
        var e = t.GetEnumerator();
        while (e.MoveNext())
        {
            types.Add(e.Current.Type);
            ids.Add(e.Current.SourceId);
        }
        Assert.Null(e.Error);
        Assert.Equal([HestSourceType.PcieRootPortAer, HestSourceType.PcieDeviceAer, HestSourceType.PcieBridgeAer], types);
        Assert.Equal(new ushort[] { 6, 7, 8 }, ids);    // 002a: 06 00, 005a: 07 00, 0086: 08 00

        var model = HestTableModel.Decode(bytes);
        var root = Assert.IsType<PcieRootPortAerSource>(model.Sources[0]);
        Assert.Equal(HestSourceFlags.Global, root.Flags);                    // 002e: 02 = GLOBAL
        Assert.Equal(0, root.Enabled);                  // 002f: 00
        Assert.Equal(1u, root.NumberOfRecordsToPreAllocate);
        Assert.Equal(1u, root.MaxSectionsPerRecord);
        Assert.Equal((ushort)0x0856, root.DeviceControl);               // 0040: 56 08
        Assert.Equal(0x00100020u, root.UncorrectableErrorMask);         // 0044: 20 00 10 00
        Assert.Equal(0x0017F011u, root.UncorrectableErrorSeverity);     // 0048: 11 f0 17 00
        Assert.Equal(0x000011C1u, root.CorrectableErrorMask);           // 004c: c1 11 00 00
        Assert.Equal(0u, root.AdvancedErrorCapabilitiesAndControl);
        Assert.Equal(6u, root.RootErrorCommand);                        // 0054: 06 00 00 00
        var dev = Assert.IsType<PcieDeviceAerSource>(model.Sources[1]);
        Assert.Equal((ushort)0x0856, dev.DeviceControl);
        var bridge = Assert.IsType<PcieBridgeAerSource>(model.Sources[2]);
        Assert.Equal(0x00100020u, bridge.SecondaryUncorrectableErrorMask);     // 00b0: 20 00 10 00
        Assert.Equal(0x0017F011u, bridge.SecondaryUncorrectableErrorSeverity); // 00b4: 11 f0 17 00
        Assert.Equal(0u, bridge.SecondaryAdvancedErrorCapabilitiesAndControl);
    }

    [Fact]
    public void ProLiant_hest_round_trips_byte_for_byte()
    {
        var bytes = HestTestData.ProLiant();
        Assert.Equal(bytes, HestTableModel.Decode(bytes).Encode());
    }

    [Fact]
    public void ProLiant_hest_passes_check_without_findings()
    {
        var findings = HestValidator.Validate(HestTestData.ProLiant());
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [Fact]
    public void The_fwts_invalid_variant_of_the_proliant_hest_gives_the_same_six_failures_as_fwts()
    {
        // fwts' fwts-test/hest-0001/acpidump-0002.log is this table with the values its expected log
        // (hest-0002.log) prints: flags 0x07/0x09/0x0F, device AER source ID 0xFF and 0 records, bridge
        // 0 records and 0 sections. fwts reports 6 failures; so must we, on the same fields.
        var b = HestTestData.Mutate(HestTestData.ProLiant(), x =>
        {
            x[0x2E] = 0x07;
            x[0x5A] = 0xFF;
            x[0x5E] = 0x09;
            x[0x60] = 0;
            x[0x8A] = 0x0F;
            x[0x8C] = 0;
            x[0x90] = 0;
        });
        var findings = HestValidator.Validate(b);
        Assert.Equal(
            [("reserved-flags", 0x2EL), ("reserved-flags", 0x5EL), ("records-to-preallocate", 0x60L), ("reserved-flags", 0x8AL), ("records-to-preallocate", 0x8CL), ("max-sections-per-record", 0x90L)],
            findings.Select(f => (f.Rule, f.Offset)));
        Assert.All(findings, f => Assert.Equal(FindingSeverity.Error, f.Severity));
    }
}
