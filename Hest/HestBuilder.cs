namespace ApeiKit.Hest;

/// <summary>What <see cref="HestBuilder.Build"/> produces.</summary>
/// <param name="Table">The table model (addresses filled in when a region was laid out).</param>
/// <param name="TableBytes">The encoded table: Length, Error Source Count and checksum filled in.</param>
/// <param name="Region">The error-status region layout, or null when no base address was given.</param>
/// <param name="RegionBytes">The region's initial contents, or null.</param>
public sealed record HestBuildResult(HestTableModel Table, byte[] TableBytes, HestRegionLayout? Region, byte[]? RegionBytes);

/// <summary>
/// Builds a HEST from code: add sources (each gets the defaults of <see cref="HestSource.Create"/> and a
/// configure callback), then <see cref="Build"/> lays out the error-status region and encodes.
/// <code>
/// var hest = new HestBuilder()
///     .AddGhesV2(0, NotificationType.Sea)
///     .AddGhesV2(1, NotificationType.Gsiv, s => s.Notification = s.Notification with { Vector = 40 })
///     .AddGhesV2(2, NotificationType.Polled, s => s.Notification = s.Notification with { PollInterval = 1000 })
///     .Build(regionBase: 0x4000_0000);
/// </code>
/// </summary>
public sealed class HestBuilder
{
    /// <summary>The table being built.</summary>
    public HestTableModel Table { get; } = new();

    /// <summary>Sets header values (the signature stays "HEST").</summary>
    public HestBuilder WithHeader(Func<AcpiTableHeaderData, AcpiTableHeaderData> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        Table.Header = change(Table.Header);
        return this;
    }

    /// <summary>Adds a source.</summary>
    public HestBuilder Add(HestSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Table.Sources.Add(source);
        return this;
    }

    /// <summary>Adds a source of <typeparamref name="T"/> with defaults, Source ID <paramref name="sourceId"/>, then runs <paramref name="configure"/>.</summary>
    public HestBuilder Add<T>(ushort sourceId, Action<T>? configure = null) where T : HestSource, new()
    {
        var s = new T { SourceId = sourceId };
        configure?.Invoke(s);
        return Add(s);
    }

    /// <summary>Adds a GHESv2 source notified by <paramref name="notification"/>.</summary>
    public HestBuilder AddGhesV2(ushort sourceId, NotificationType notification, Action<GhesV2Source>? configure = null)
        => Add<GhesV2Source>(sourceId, s =>
        {
            s.Notification = HardwareErrorNotification.Of(notification, pollInterval: notification == NotificationType.Polled ? 1000u : 0u);
            configure?.Invoke(s);
        });

    /// <summary>Adds a GHES (version 1) source notified by <paramref name="notification"/>.</summary>
    public HestBuilder AddGhes(ushort sourceId, NotificationType notification, Action<GhesSource>? configure = null)
        => Add<GhesSource>(sourceId, s =>
        {
            s.Notification = HardwareErrorNotification.Of(notification, pollInterval: notification == NotificationType.Polled ? 1000u : 0u);
            configure?.Invoke(s);
        });

    /// <summary>
    /// Encodes the table. With <paramref name="regionBase"/>, first lays out the QEMU-style error-status region there
    /// and points every GHES/GHESv2 source's registers into it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The table would be longer than <see cref="HestTable.MaxLength"/> (the HEST length limit), which every HEST reader refuses.</exception>
    public HestBuildResult Build(ulong? regionBase = null)
    {
        int length = Table.GetEncodedLength();
        if (length > HestTable.MaxLength)
            throw new InvalidOperationException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the table would be {length} bytes ({Table.Sources.Count} error sources), more than {HestTable.MaxLength} (the HEST length limit)."));
        HestRegionLayout? region = null;
        byte[]? regionBytes = null;
        if (regionBase is { } b && Table.Sources.OfType<GhesSource>().Any())
        {
            region = HestRegionLayout.Apply(Table.Sources, b);
            regionBytes = region.CreateInitialContents();
        }
        return new HestBuildResult(Table, Table.Encode(), region, regionBytes);
    }
}

/// <summary>Ready-made tables.</summary>
public static class HestPresets
{
    /// <summary>Names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["qemu-virt-arm", "x86-server", "x86-q35"];

    /// <summary>The preset called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static HestBuilder Create(string name) => name switch
    {
        "qemu-virt-arm" => QemuVirtArm(),
        "x86-server" => X86Server(),
        "x86-q35" => X86Q35(),
        _ => throw new ArgumentException($"Unknown preset '{name}'; known: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>
    /// The HEST QEMU's Arm <c>virt</c> machine builds with RAS enabled (QEMU hw/acpi/ghes.c acpi_build_hest and
    /// build_ghes_v2_entry; the sources from hw/arm/virt-acpi-build.c hest_ghes_notify). Field by field:
    /// <list type="bullet">
    /// <item>header: revision 1 (acpi_build_hest: <c>.rev = 1</c>); OEM ID "BOCHS " and OEM table ID "BXPC    " (QEMU's ACPI_BUILD_APPNAME6/8 defaults).</item>
    /// <item>sources: GHESv2 (type 10) only; Source ID 0 notified by ARMv8 SEA (ACPI_HEST_SRC_ID_SYNC) and 1 by GPIO-Signal (ACPI_HEST_SRC_ID_QMP).</item>
    /// <item>Related Source Id 0xFFFF, flags 0, enabled 1, records to pre-allocate 1, max sections per record 1.</item>
    /// <item>Max raw data length and error status block length 1 KiB (ACPI_GHES_MAX_RAW_DATA_LENGTH = 1 * KiB).</item>
    /// <item>Error status address and read ack register: system memory, bit width 0x40, offset 0, access size 4 (qword).</item>
    /// <item>Notification: only Type and Length (28) set, everything else 0 (build_ghes_hw_error_notification).</item>
    /// <item>Read ack preserve ~1 (0xFFFFFFFFFFFFFFFE), read ack write 1.</item>
    /// </list>
    /// QEMU leaves the register addresses for the firmware's linker to patch; pass a region base to <see cref="HestBuilder.Build"/> to fill them in.
    /// </summary>
    public static HestBuilder QemuVirtArm() => new HestBuilder()
        .WithHeader(h => h with { OemId = "BOCHS ", OemTableId = "BXPC    ", OemRevision = 1, CreatorId = "BXPC", CreatorRevision = 1 })
        .AddGhesV2(0, NotificationType.Sea)
        .AddGhesV2(1, NotificationType.Gpio);

    /// <summary>
    /// A typical two-socket x86 server: an IA-32 MCE source with 10 banks (MSRs 0x400 + 4i), a corrected machine
    /// check source notified by CMCI, the NMI source, PCIe root port / device / bridge AER (firmware first), a
    /// GHES notified by SCI (corrected errors) and a GHES notified by NMI (fatal errors), 4 KiB blocks each.
    /// </summary>
    public static HestBuilder X86Server()
    {
        var b = new HestBuilder().WithHeader(h => h with { OemId = "APEIKT", OemTableId = "X86SRVR ", OemRevision = 1 });
        b.Add<Ia32MachineCheckSource>(0, s =>
        {
            s.GlobalCapabilityInitData = 0;
            s.GlobalControlInitData = ulong.MaxValue;
            for (byte i = 0; i < 10; i++) s.Banks.Add(MachineCheckBank.ForIa32Bank(i));
        });
        b.Add<Ia32CorrectedMachineCheckSource>(1, s =>
        {
            s.Notification = HardwareErrorNotification.Of(NotificationType.Cmci) with { ErrorThresholdValue = 1 };
            for (byte i = 0; i < 10; i++) s.Banks.Add(MachineCheckBank.ForIa32Bank(i, controlInitData: 0));
        });
        b.Add<Ia32NmiSource>(2, s => s.MaxRawDataLength = 4096);
        b.Add<PcieRootPortAerSource>(3, s => { s.Flags = HestSourceFlags.FirmwareFirst; s.Device = 1; s.RootErrorCommand = 7; s.UncorrectableErrorSeverity = 0x00462030; });
        b.Add<PcieDeviceAerSource>(4, s => { s.Flags = HestSourceFlags.FirmwareFirst | HestSourceFlags.Global; s.UncorrectableErrorSeverity = 0x00462030; });
        b.Add<PcieBridgeAerSource>(5, s => { s.Flags = HestSourceFlags.FirmwareFirst | HestSourceFlags.Global; s.UncorrectableErrorSeverity = 0x00462030; });
        b.AddGhes(6, NotificationType.Sci, s => { s.ErrorStatusBlockLength = 4096; s.MaxRawDataLength = 4096; });
        b.AddGhes(7, NotificationType.Nmi, s => { s.ErrorStatusBlockLength = 4096; s.MaxRawDataLength = 4096; });
        return b;
    }

    /// <summary>
    /// For an x86 guest on QEMU's q35 machine, which has no GHES of its own and no device to raise SCI or NMI for one:
    /// four polled GHESv2 sources (Source IDs 0-3, polled every 1000 ms), 4 KiB blocks, read-ack preserve ~1 and write 1
    /// as QEMU. Linux reads a polled block that already holds a record when the source is probed (measured: about 0.85 s
    /// after boot starts), so a record preloaded into the region is printed at boot.
    /// </summary>
    public static HestBuilder X86Q35()
    {
        var b = new HestBuilder().WithHeader(h => h with { OemId = "APEIKT", OemTableId = "Q35GHES ", OemRevision = 1 });
        for (ushort i = 0; i < 4; i++) b.AddGhesV2(i, NotificationType.Polled, s => { s.ErrorStatusBlockLength = 4096; s.MaxRawDataLength = 4096; });
        return b;
    }
}
