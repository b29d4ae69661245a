using System.Globalization;
using ApeiKit.Hest;

namespace ApeiKit.Tests.Hest;

/// <summary>
/// Cross-checks with ACPICA's iasl: tables iasl compiles decode to the values written in their source, and
/// tables ApeiKit builds are accepted by <c>iasl -d</c>, which shows the same values at the same offsets.
/// </summary>
public class HestIaslTests
{
    private static int AssertSameFields(string dsl, byte[] table) => Iasl.AssertSameFields(dsl, table, static (t, v) => HestDescriber.Describe(t, 0, v), "Asl Compiler Revision", "Oem Revision");

    [IaslFact]
    public void Iasl_template_decodes_with_its_declared_count_of_4_while_it_holds_8_structures()
    {
        using var iasl = new Iasl();
        var aml = iasl.CompileTemplate("HEST");
        var table = HestTable.Read(aml);
        Assert.Equal(4u, table.ErrorSourceCount);
        Assert.Equal(8, table.CountSources(out var error));
        Assert.Null(error);
        var model = HestTableModel.Decode(aml);
        Assert.Equal([HestSourceType.Ia32MachineCheck, HestSourceType.Ia32CorrectedMachineCheck, HestSourceType.PcieDeviceAer, HestSourceType.PcieBridgeAer,
            HestSourceType.Ghes, HestSourceType.Ghes, HestSourceType.GhesV2, HestSourceType.Ia32DeferredMachineCheck], model.Sources.Select(s => s.Type));
        Assert.Equal(aml, model.Encode()); // the declared count of 4 survives the round trip
        var findings = HestValidator.Validate(aml);
        Assert.Contains(findings, f => f.Rule == "error-source-count" && f.Offset == 36 && f.Severity == FindingSeverity.Error);
        Assert.Contains(findings, f => f.Rule == "duplicate-source-id");
        var dsl = iasl.Disassemble(("template", aml))[0];
        Assert.True(AssertSameFields(dsl, aml) > 150);
    }

    private static void Common(AslWriter w, HestSourceType type, ushort id, string reserved, int reservedLength, byte flags, string[] flagBits)
    {
        w.Field(2, "Subtable Type", (ushort)type).Field(2, "Source Id", id).Field(reservedLength, reserved, 0);
        if (flagBits.Length > 0) w.Flags("Flags (decoded below)", flags, flagBits);
        w.Field(1, "Enabled", 1).Field(4, "Records To Preallocate", 2u + id).Field(4, "Max Sections Per Record", 3u + id);
    }

    private static void Notify(AslWriter w, byte type, ushort id)
    {
        w.Field(1, "Notify Type", type).Field(1, "Notify Length", 28).Field(2, "Configuration Write Enable", 0x3F)
            .Field(4, "PollInterval", 100u + id).Field(4, "Vector", 200u + id).Field(4, "Polling Threshold Value", 3).Field(4, "Polling Threshold Window", 4)
            .Field(4, "Error Threshold Value", 5).Field(4, "Error Threshold Window", 6);
    }

    private static void Banks(AslWriter w, int count, int first)
    {
        for (int i = 0; i < count; i++)
        {
            uint msr = (uint)(0x400 + 4 * (first + i));
            w.Blank().Field(1, "Bank Number", (ulong)(first + i)).Field(1, "Clear Status On Init", 1).Field(1, "Status Format", (ulong)(i % 3)).Field(1, "Reserved", 0)
                .Field(4, "Control Register", msr).Field(8, "Control Data", 0xFFFF_0000_0000_0000UL + (ulong)i).Field(4, "Status Register", msr + 1)
                .Field(4, "Address Register", msr + 2).Field(4, "Misc Register", msr + 3);
        }
    }

    private static void Gas(AslWriter w, ulong address) => w.Field(1, "Space ID", 0).Field(1, "Bit Width", 64).Field(1, "Bit Offset", 0).Field(1, "Encoded Access Width", 4).Field(8, "Address", address);

    private static void Aer(AslWriter w, HestSourceType type, ushort id)
    {
        Common(w, type, id, "Reserved", 2, 1, ["Firmware First", "Global"]);
        w.Field(4, "Bus", 0x0001_0080u + id).Field(2, "Device", 3).Field(2, "Function", 2).Field(2, "DeviceControl", 0x0856).Field(2, "Reserved", 0)
            .Field(4, "Uncorrectable Mask", 0x10u + id).Field(4, "Uncorrectable Severity", 0x20u + id).Field(4, "Correctable Mask", 0x30u + id).Field(4, "Advanced Capabilities", 0x40u + id);
    }

    /// <summary>ASL with every type, every notification type (12 GHESv2 sources) and several banks.</summary>
    private static string AllTypesAsl(out int count)
    {
        var w = new AslWriter();
        w.Text(4, "Signature", "HEST").Field(4, "Table Length", 0).Field(1, "Revision", 1).Field(1, "Checksum", 0).Text(6, "Oem ID", "APEIKT")
            .Text(8, "Oem Table ID", "ASLTEST ").Field(4, "Oem Revision", 2).Text(4, "Asl Compiler ID", "INTL").Field(4, "Asl Compiler Revision", 0x20200925);
        count = 7 + 12 + 1;
        w.Blank().Field(4, "Error Source Count", (ulong)count).Blank();
        Common(w, HestSourceType.Ia32MachineCheck, 0, "Reserved1", 2, 1, ["Firmware First", "GHES Assist"]);
        w.Field(8, "Global Capability Data", 0x0C09).Field(8, "Global Control Data", 0xFF).Field(1, "Num Hardware Banks", 3).Field(7, "Reserved2", 0);
        Banks(w, 3, 0);
        w.Blank();
        Common(w, HestSourceType.Ia32CorrectedMachineCheck, 1, "Reserved1", 2, 4, ["Firmware First", "GHES Assist"]);
        w.Blank();
        Notify(w, 5, 1);
        w.Blank().Field(1, "Num Hardware Banks", 2).Field(3, "Reserved2", 0);
        Banks(w, 2, 3);
        w.Blank().Field(2, "Subtable Type", 2).Field(2, "Source Id", 2).Field(4, "Reserved", 0).Field(4, "Records To Preallocate", 4).Field(4, "Max Sections Per Record", 5).Field(4, "Max Raw Data Length", 0x200);
        w.Blank();
        Aer(w, HestSourceType.PcieRootPortAer, 3);
        w.Field(4, "Root Error Command", 7).Blank();
        Aer(w, HestSourceType.PcieDeviceAer, 4);
        w.Blank();
        Aer(w, HestSourceType.PcieBridgeAer, 5);
        w.Field(4, "2nd Uncorrectable Mask", 0x51).Field(4, "2nd Uncorrectable Severity", 0x52).Field(4, "2nd Advanced Capabilities", 0x53).Blank();
        for (byte n = 0; n < 12; n++)
        {
            ushort id = (ushort)(10 + n);
            w.Field(2, "Subtable Type", 10).Field(2, "Source Id", id).Field(2, "Related Source Id", 0xFFFF).Field(1, "Reserved", 0).Field(1, "Enabled", 1)
                .Field(4, "Records To Preallocate", 1).Field(4, "Max Sections Per Record", 1).Field(4, "Max Raw Data Length", 0x400).Blank();
            Gas(w, 0x7FFF_0000UL + 8UL * n);
            w.Blank();
            Notify(w, n, id);
            w.Blank().Field(4, "Error Status Block Length", 0x400);
            Gas(w, 0x7FFF_0100UL + 8UL * n);
            w.Blank().Field(8, "Read Ack Preserve", 0xFFFF_FFFF_FFFF_FFFE).Field(8, "Read Ack Write", 1).Blank();
        }
        w.Field(2, "Subtable Type", 9).Field(2, "Source Id", 30).Field(2, "Related Source Id", 1).Field(1, "Reserved", 0).Field(1, "Enabled", 1)
            .Field(4, "Records To Preallocate", 1).Field(4, "Max Sections Per Record", 1).Field(4, "Max Raw Data Length", 0x1000).Blank();
        Gas(w, 0x7FFF_8000);
        w.Blank();
        Notify(w, 3, 30);
        w.Blank().Field(4, "Error Status Block Length", 0x1000).Blank();
        Common(w, HestSourceType.Ia32DeferredMachineCheck, 31, "Reserved1", 2, 1, ["Firmware First", "GHES Assist"]);
        w.Blank();
        Notify(w, 0, 31);
        w.Blank().Field(1, "Num Hardware Banks", 1).Field(3, "Reserved2", 0);
        Banks(w, 1, 5);
        return w.ToString();
    }

    [IaslFact]
    public void Asl_with_every_type_and_notification_compiles_to_what_ApeiKit_decodes()
    {
        using var iasl = new Iasl();
        var aml = iasl.Compile("all", AllTypesAsl(out int count));
        var model = HestTableModel.Decode(aml);
        Assert.Null(model.ErrorSourceCountOverride);
        Assert.Equal(count, model.Sources.Count);
        Assert.Equal("APEIKT", model.Header.OemId);
        Assert.Equal(2u, model.Header.OemRevision);

        var mce = Assert.IsType<Ia32MachineCheckSource>(model.Sources[0]);
        Assert.Equal((HestSourceFlags.FirmwareFirst, 1, 2u, 3u, 0x0C09ul, 0xFFul), (mce.Flags, mce.Enabled, mce.NumberOfRecordsToPreAllocate, mce.MaxSectionsPerRecord, mce.GlobalCapabilityInitData, mce.GlobalControlInitData));
        Assert.Equal(3, mce.Banks.Count);
        for (int i = 0; i < 3; i++)
        {
            var b = mce.Banks[i];
            uint msr = (uint)(0x400 + 4 * i);
            Assert.Equal((i, 1, i % 3, msr, 0xFFFF_0000_0000_0000UL + (ulong)i, msr + 1, msr + 2, msr + 3),
                ((int)b.BankNumber, (int)b.ClearStatusOnInitialization, (int)b.StatusDataFormat, b.ControlRegisterMsrAddress, b.ControlInitData, b.StatusRegisterMsrAddress, b.AddressRegisterMsrAddress, b.MiscRegisterMsrAddress));
        }
        var cmc = Assert.IsType<Ia32CorrectedMachineCheckSource>(model.Sources[1]);
        Assert.Equal(HestSourceFlags.GhesAssist, cmc.Flags);
        Assert.Equal(new HardwareErrorNotification { Type = NotificationType.Cmci, ConfigurationWriteEnable = (NotificationWriteEnable)0x3F, PollInterval = 101, Vector = 201,
            SwitchToPollingThresholdValue = 3, SwitchToPollingThresholdWindow = 4, ErrorThresholdValue = 5, ErrorThresholdWindow = 6 }, cmc.Notification);
        Assert.Equal(new byte[] { 3, 4 }, cmc.Banks.Select(b => b.BankNumber));
        var nmi = Assert.IsType<Ia32NmiSource>(model.Sources[2]);
        Assert.Equal((2, 4u, 5u, 0x200u), (nmi.SourceId, nmi.NumberOfRecordsToPreAllocate, nmi.MaxSectionsPerRecord, nmi.MaxRawDataLength));
        var root = Assert.IsType<PcieRootPortAerSource>(model.Sources[3]);
        Assert.Equal((0x83, (ushort)0x100, (ushort)3, (ushort)2, (ushort)0x0856, 0x13u, 0x23u, 0x33u, 0x43u, 7u),
            ((int)root.BusNumber, root.Segment, root.Device, root.Function, root.DeviceControl, root.UncorrectableErrorMask, root.UncorrectableErrorSeverity, root.CorrectableErrorMask, root.AdvancedErrorCapabilitiesAndControl, root.RootErrorCommand));
        Assert.IsType<PcieDeviceAerSource>(model.Sources[4]);
        var bridge = Assert.IsType<PcieBridgeAerSource>(model.Sources[5]);
        Assert.Equal((0x51u, 0x52u, 0x53u), (bridge.SecondaryUncorrectableErrorMask, bridge.SecondaryUncorrectableErrorSeverity, bridge.SecondaryAdvancedErrorCapabilitiesAndControl));
        var v2 = model.Sources.Skip(6).Take(12).Cast<GhesV2Source>().ToList();
        Assert.Equal(Enumerable.Range(0, 12).Select(n => (NotificationType)n), v2.Select(s => s.Notification.Type));
        for (int n = 0; n < 12; n++)
        {
            Assert.Equal(GenericAddress.SystemMemory64(0x7FFF_0000UL + 8UL * (ulong)n), v2[n].ErrorStatusAddress);
            Assert.Equal(GenericAddress.SystemMemory64(0x7FFF_0100UL + 8UL * (ulong)n), v2[n].ReadAckRegister);
            Assert.Equal((0xFFFF_FFFF_FFFF_FFFEUL, 1UL, 0x400u, (uint)(210 + n)), (v2[n].ReadAckPreserve, v2[n].ReadAckWrite, v2[n].ErrorStatusBlockLength, v2[n].Notification.Vector));
        }
        var ghes = Assert.IsType<GhesSource>(model.Sources[18]);
        Assert.Equal((NotificationType.Sci, (ushort)1, 0x1000u), (ghes.Notification.Type, ghes.RelatedSourceId, ghes.ErrorStatusBlockLength));
        var deferred = Assert.IsType<Ia32DeferredMachineCheckSource>(model.Sources[19]);
        Assert.Equal((NotificationType.Polled, 131u, (byte)5), (deferred.Notification.Type, deferred.Notification.PollInterval, deferred.Banks.Single().BankNumber));

        Assert.Equal(aml, model.Encode());
        var dsl = iasl.Disassemble(("all", aml))[0];
        Assert.True(AssertSameFields(dsl, aml) > 400);
    }

    [IaslFact]
    public void Tables_ApeiKit_builds_are_accepted_by_iasl_d_with_the_same_values()
    {
        using var iasl = new Iasl();
        var qemu = HestPresets.QemuVirtArm().Build(0x7FFF_0000).TableBytes;
        var x86 = HestPresets.X86Server().Build(0x7F00_0000).TableBytes;
        var all = HestTestData.AllTypes().Encode();
        var dsls = iasl.Disassemble(("qemu", qemu), ("x86", x86), ("all", all));
        AssertSameFields(dsls[0], qemu);
        AssertSameFields(dsls[1], x86);
        AssertSameFields(dsls[2], all);
        var q = Iasl.Fields(dsls[0]);
        Assert.Equal("\"BOCHS \"", q.Single(f => f.Name == "Oem ID").Value);
        Assert.Equal(["08 [SEA]", "07 [GPIO]"], q.Where(f => f.Name == "Notify Type").Select(f => f.Value));
        Assert.Equal(["FFFFFFFFFFFFFFFE", "FFFFFFFFFFFFFFFE"], q.Where(f => f.Name == "Read Ack Preserve").Select(f => f.Value));
        Assert.Equal(["000000007FFF0000", "000000007FFF0010", "000000007FFF0008", "000000007FFF0018"], q.Where(f => f.Name == "Address").Select(f => f.Value));
        var x = Iasl.Fields(dsls[1]);
        Assert.Equal(20, x.Count(f => f.Name == "Bank Number"));
        Assert.Equal(["05 [CMCI]", "03 [SCI]", "04 [NMI]"], x.Where(f => f.Name == "Notify Type").Select(f => f.Value));
        Assert.Contains(x, f => f.Name == "Error Source Count" && f.Value == "00000008");
    }
}
