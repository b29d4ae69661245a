using ApeiKit.Hest;

namespace ApeiKit.Tests.Hest;

/// <summary>HEST inputs shared by the tests.</summary>
internal static class HestTestData
{
    /// <summary>The real HP ProLiant HEST from fwts' regression data (fixtures/acpidump/hest-acpidump-0001.log).</summary>
    public static byte[] ProLiant() => AcpiDumpText.Parse(File.ReadAllText(Fixtures.Path("acpidump/hest-acpidump-0001.log"))).Single(t => t.Signature == "HEST").Bytes;

    /// <summary>A table with every source type, built through the model.</summary>
    public static HestTableModel AllTypes()
    {
        var b = new HestBuilder();
        b.Add<Ia32MachineCheckSource>(0, s => { s.Banks.Add(MachineCheckBank.ForIa32Bank(0)); s.Banks.Add(MachineCheckBank.ForIa32Bank(1)); s.GlobalControlInitData = 0xFF; });
        b.Add<Ia32CorrectedMachineCheckSource>(1, s => { s.Notification = HardwareErrorNotification.Of(NotificationType.Cmci); s.Banks.Add(MachineCheckBank.ForIa32Bank(2)); });
        b.Add<Ia32NmiSource>(2, s => s.MaxRawDataLength = 512);
        b.Add<PcieRootPortAerSource>(3, s => { s.BusNumber = 0x80; s.Segment = 1; s.Device = 2; s.Function = 1; s.RootErrorCommand = 7; });
        b.Add<PcieDeviceAerSource>(4, s => s.Flags = HestSourceFlags.Global);
        b.Add<PcieBridgeAerSource>(5, s => s.SecondaryUncorrectableErrorMask = 0x1234);
        b.AddGhes(6, NotificationType.Sci);
        b.AddGhesV2(7, NotificationType.Sea);
        b.Add<Ia32DeferredMachineCheckSource>(8, s => { s.Notification = HardwareErrorNotification.Of(NotificationType.Polled, pollInterval: 500); s.Banks.Add(MachineCheckBank.ForIa32Bank(3)); });
        b.Build(regionBase: 0x1000_0000);
        return b.Table;
    }

    /// <summary>Encodes with the checksum fixed after <paramref name="change"/> edits the bytes.</summary>
    public static byte[] Mutate(byte[] table, Action<byte[]> change, bool fixChecksum = true)
    {
        var b = (byte[])table.Clone();
        change(b);
        if (fixChecksum) Checksum.Fix(b, AcpiTableHeader.ChecksumOffset);
        return b;
    }
}
