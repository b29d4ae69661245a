using ApeiKit.Hest;

namespace ApeiKit.Tests.Hest;

/// <summary>Each rule of <c>hest check</c>, shown on a table broken in exactly that way.</summary>
public class HestValidatorTests
{
    [Fact]
    public void The_all_types_table_passes_without_findings()
    {
        var findings = HestValidator.Validate(HestTestData.AllTypes().Encode());
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    public static TheoryData<string, string, FindingSeverity, Action<HestTableModel>> Broken => new()
    {
        { "revision", "revision", FindingSeverity.Warning, t => t.Header = t.Header with { Revision = 2 } },
        { "error-source-count", "errorSourceCount", FindingSeverity.Error, t => t.ErrorSourceCountOverride = 4 },
        { "reserved", "reserved1", FindingSeverity.Error, t => t.Sources[0].SetField("reserved1", 1) },
        { "reserved", "reserved2", FindingSeverity.Error, t => t.Sources[1].SetField("reserved2", 1) },
        { "reserved", "reserved", FindingSeverity.Error, t => ((MachineCheckSource)t.Sources[0]).Banks[0].Reserved = 1 },
        { "reserved-flags", "flags", FindingSeverity.Error, t => ((Ia32MachineCheckSource)t.Sources[0]).Flags = HestSourceFlags.Global },
        { "flags", "flags", FindingSeverity.Error, t => ((Ia32MachineCheckSource)t.Sources[0]).Flags = HestSourceFlags.FirmwareFirst | HestSourceFlags.GhesAssist },
        { "reserved-flags", "flags", FindingSeverity.Error, t => ((PcieDeviceAerSource)t.Sources[4]).Flags = (HestSourceFlags)0x80 },
        { "reserved", "flags", FindingSeverity.Error, t => ((GhesSource)t.Sources[6]).ReservedFlags = 1 },
        { "reserved", "bus", FindingSeverity.Error, t => ((PcieRootPortAerSource)t.Sources[3]).Bus |= 0x0100_0000 },
        { "enabled", "enabled", FindingSeverity.Error, t => ((PcieBridgeAerSource)t.Sources[5]).Enabled = 2 },
        { "records-to-preallocate", "numberOfRecordsToPreAllocate", FindingSeverity.Error, t => t.Sources[2].NumberOfRecordsToPreAllocate = 0 },
        { "max-sections-per-record", "maxSectionsPerRecord", FindingSeverity.Error, t => t.Sources[7].MaxSectionsPerRecord = 0 },
        { "notification-length", "length", FindingSeverity.Error, t => Notify(t, 7, n => n with { Length = 24 }) },
        { "notification-type", "type", FindingSeverity.Error, t => Notify(t, 7, n => n with { Type = (NotificationType)12 }) },
        { "reserved-flags", "configurationWriteEnable", FindingSeverity.Error, t => Notify(t, 7, n => n with { ConfigurationWriteEnable = (NotificationWriteEnable)0x40 }) },
        { "poll-interval", "pollInterval", FindingSeverity.Error, t => Notify(t, 6, n => n with { Type = NotificationType.Polled, PollInterval = 0 }) },
        { "bank-clear-status", "clearStatusOnInitialization", FindingSeverity.Error, t => ((MachineCheckSource)t.Sources[0]).Banks[1].ClearStatusOnInitialization = 2 },
        { "bank-status-format", "statusDataFormat", FindingSeverity.Error, t => ((MachineCheckSource)t.Sources[0]).Banks[1].StatusDataFormat = 3 },
        { "bank-duplicate", "bankNumber", FindingSeverity.Warning, t => ((MachineCheckSource)t.Sources[0]).Banks[1].BankNumber = 0 },
        { "duplicate-source-id", "sourceId", FindingSeverity.Error, t => t.Sources[5].SourceId = 2 },
        { "single-instance-type", null!, FindingSeverity.Error, t => t.Sources.Add(new Ia32NmiSource { SourceId = 99 }) },
        { "related-source-id", "relatedSourceId", FindingSeverity.Error, t => ((GhesSource)t.Sources[6]).RelatedSourceId = 77 },
        { "error-status-block-length", "errorStatusBlockLength", FindingSeverity.Error, t => { var g = (GhesSource)t.Sources[6]; g.ErrorStatusBlockLength = 16; g.MaxRawDataLength = 0; } },
        { "max-raw-data-length", "maxRawDataLength", FindingSeverity.Warning, t => ((GhesSource)t.Sources[6]).MaxRawDataLength = 4096 },
        { "register-space", "errorStatusAddress", FindingSeverity.Error, t => { var g = (GhesSource)t.Sources[6]; g.ErrorStatusAddress = g.ErrorStatusAddress with { AddressSpaceId = 1 }; } },
        { "register-width", "errorStatusAddress", FindingSeverity.Error, t => { var g = (GhesSource)t.Sources[6]; g.ErrorStatusAddress = g.ErrorStatusAddress with { BitWidth = 32 }; } },
        { "register-width", "errorStatusAddress", FindingSeverity.Error, t => { var g = (GhesSource)t.Sources[6]; g.ErrorStatusAddress = g.ErrorStatusAddress with { AccessSize = 3 }; } },
        { "register-address", "errorStatusAddress", FindingSeverity.Warning, t => { var g = (GhesSource)t.Sources[6]; g.ErrorStatusAddress = g.ErrorStatusAddress with { Address = 0 }; } },
        { "register-space", "readAckRegister", FindingSeverity.Error, t => { var g = (GhesV2Source)t.Sources[7]; g.ReadAckRegister = g.ReadAckRegister with { AddressSpaceId = 0x7F }; } },
        { "register-width", "readAckRegister", FindingSeverity.Error, t => { var g = (GhesV2Source)t.Sources[7]; g.ReadAckRegister = g.ReadAckRegister with { BitWidth = 0 }; } },
        { "read-ack-write", "readAckWrite", FindingSeverity.Error, t => ((GhesV2Source)t.Sources[7]).ReadAckWrite = 0 },
        { "read-ack-masks", "readAckPreserve", FindingSeverity.Warning, t => ((GhesV2Source)t.Sources[7]).ReadAckPreserve = ulong.MaxValue },
        { "read-ack-register", "readAckRegister", FindingSeverity.Error, t => { var g = (GhesV2Source)t.Sources[7]; g.ReadAckRegister = g.ErrorStatusAddress; } },
    };

    private static void Notify(HestTableModel t, int index, Func<HardwareErrorNotification, HardwareErrorNotification> change)
    {
        var g = (GhesSource)t.Sources[index];
        g.Notification = change(g.Notification);
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_rule_reports_exactly_its_problem(string rule, string field, FindingSeverity severity, Action<HestTableModel> breakIt)
    {
        var t = HestTestData.AllTypes();
        breakIt(t);
        var findings = HestValidator.Validate(t.Encode());
        var f = Assert.Single(findings);
        Assert.Equal(rule, f.Rule);
        Assert.Equal(field, f.Field);
        Assert.Equal(severity, f.Severity);
        Assert.InRange(f.Offset, 0, t.GetEncodedLength() - 1);
    }

    [Fact]
    public void Findings_carry_the_offset_of_the_field_at_fault()
    {
        var t = HestTestData.AllTypes();
        ((GhesV2Source)t.Sources[7]).ReadAckWrite = 0;
        var bytes = t.Encode();
        var f = Assert.Single(HestValidator.Validate(bytes));
        int v2 = 40 + t.Sources.Take(7).Sum(s => s.GetEncodedLength());
        Assert.Equal(v2 + 84, f.Offset);
        Assert.Contains("source ID 7", f.Structure, StringComparison.Ordinal);
    }

    [Fact]
    public void Findings_of_one_rule_past_the_cap_are_summarised_and_still_counted()
    {
        var t = HestTestData.AllTypes();
        foreach (var s in t.Sources) s.MaxSectionsPerRecord = 0; // one max-sections-per-record error per source
        var bytes = t.Encode();
        int sources = t.Sources.Count;

        var all = HestValidator.Validate(bytes, int.MaxValue);
        Assert.Equal(sources, all.Count(f => f.Rule == "max-sections-per-record"));
        Assert.All(all, f => Assert.Equal(0, f.Omitted));

        var capped = HestValidator.Validate(bytes, maxPerRule: 2);
        var rule = capped.Where(f => f.Rule == "max-sections-per-record").ToList();
        Assert.Equal(3, rule.Count);
        var summary = Assert.Single(rule, f => f.Omitted > 0);
        Assert.Equal(sources - 2, summary.Omitted);
        Assert.Equal(all.Where(f => f.Rule == "max-sections-per-record").ElementAt(2).Offset, summary.Offset);
        Assert.Contains($"{sources - 2} more error(s)", summary.Message, StringComparison.Ordinal);
        Assert.Equal(HestValidator.CountFindings(all, FindingSeverity.Error), HestValidator.CountFindings(capped, FindingSeverity.Error));
        Assert.Throws<ArgumentOutOfRangeException>(() => HestValidator.Validate(bytes, 0));
    }
}
