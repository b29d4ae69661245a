using System.Globalization;
using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Hest;
using ApeiKit.Text;

namespace ApeiKit.Platform;

/// <summary>One EINJ injection as it ended.</summary>
/// <param name="StepId">The step's ID (the raised error's ID when it succeeded).</param>
/// <param name="TimeUs">When the host wrote <c>error_inject</c>.</param>
/// <param name="Type">The error type written.</param>
/// <param name="Errno">0, or the error the write returned.</param>
/// <param name="Why">Why it failed (null on success).</param>
/// <param name="Steps">The actions the driver ran.</param>
public sealed record EinjInjection(string StepId, ulong TimeUs, ulong Type, int Errno, string? Why, IReadOnlyList<ActionStep> Steps);

/// <summary>A record in the host's ERST as the host read it after a boot.</summary>
/// <param name="RecordId">Record ID.</param>
/// <param name="Bytes">The CPER record.</param>
/// <param name="Boot">The boot that read it (1 = the first).</param>
public sealed record ErstRecordRead(ulong RecordId, byte[] Bytes, int Boot);

/// <summary>
/// The host's EINJ and ERST on the virtual platform: firmware's tables, devices and boot error region, the host kernel's
/// einj and erst drivers, and the scenario steps that use them (<see cref="EinjStep"/>, <see cref="RebootStep"/>,
/// <see cref="ErstClearStep"/>). Created only for scenarios that use them, so other scenarios run exactly as before.
/// </summary>
public sealed class PlatformApei
{
    private readonly VirtualPlatform _p;
    private readonly ApeiSetup _setup;
    private readonly List<EinjInjection> _injections = [];
    private readonly List<ErstRecordRead> _recordsRead = [];
    private readonly List<ulong> _written = [];
    private EinjInjector? _einj;
    private ErstPersistence? _erst;
    private string? _pendingStep;
    private string? _erstErrorId;
    private ulong _recordSeq;

    internal PlatformApei(VirtualPlatform platform, ApeiSetup setup)
    {
        _p = platform;
        _setup = setup;
        Bus = new RegisterBus(platform.HostMemory);
        Store = setup.ErstStore is { } file ? ErstStore.Decode(file) : ErstStore.Create(setup.ErstStoreSize, setup.ErstRecordSize);
        EinjTable = setup.EinjTable ?? ActionTablePresets.DefaultEinj(ApeiSetup.EinjBase).Encode();
        ErstTable = ActionTablePresets.QemuErst(ApeiSetup.ErstBase).Encode();
        Einj = new EinjDevice(platform.HostMemory, ApeiSetup.EinjBase, setup.EinjErrorTypes, FirmwareInject);
        Erst = new ErstDevice(Store, platform.HostMemory, ApeiSetup.ErstBase, ApeiSetup.ErstExchangeBase);
        Erst.Executed = OnErstExecuted;
        Bus.Map(Einj);
        Bus.Map(Erst);
    }

    /// <summary>The host's register bus (memory, the EINJ and ERST devices).</summary>
    public RegisterBus Bus { get; }
    /// <summary>The EINJ firmware published.</summary>
    public byte[] EinjTable { get; }
    /// <summary>The ERST firmware published.</summary>
    public byte[] ErstTable { get; }
    /// <summary>Firmware's EINJ register interface.</summary>
    public EinjDevice Einj { get; }
    /// <summary>The ERST device.</summary>
    public ErstDevice Erst { get; }
    /// <summary>The ERST store (QEMU's backing-file layout) as it is now.</summary>
    public ErstStore Store { get; }
    /// <summary>Boots so far (1 after the first).</summary>
    public int Boots { get; private set; }
    /// <summary>The BERT of the last boot, and its region (null when the store held no record at that boot).</summary>
    public BertBuildResult? Bert { get; private set; }
    /// <summary>Every EINJ injection, in order.</summary>
    public IReadOnlyList<EinjInjection> Injections => _injections;
    /// <summary>The ids of the records the host wrote to ERST, in order.</summary>
    public IReadOnlyList<ulong> RecordsWritten => _written;
    /// <summary>The records the host read from ERST after each boot.</summary>
    public IReadOnlyList<ErstRecordRead> RecordsRead => _recordsRead;

    /// <summary>Guest physical address of the EINJ the VMM gives a guest that injects (its registers are at <see cref="ApeiSetup.EinjBase"/> in guest physical space).</summary>
    public const ulong GuestEinjTableAddress = 0xFEBD_6000;
    /// <summary>The error types the VMM's EINJ offers a guest: memory uncorrectable non-fatal only.</summary>
    public const uint GuestEinjErrorTypes = 0x10;

    private EinjInjector? _guestEinj;

    /// <summary>The EINJ device the VMM emulates for the guest (null unless a step has the guest inject).</summary>
    public EinjDevice? GuestEinj { get; private set; }

    /// <summary>
    /// When a step has the guest inject: the VMM publishes an EINJ (ApeiKit's default table) in guest memory and traps its
    /// registers; the guest's einj driver loads it.
    /// </summary>
    internal void GuestBoot()
    {
        if (!_p.Scenario.Steps.Any(s => s is EinjStep { ByGuest: true })) return;
        var s = _p.Scenario;
        byte[] table = ActionTablePresets.DefaultEinj(ApeiSetup.EinjBase).Encode();
        ulong lo = GuestEinjTableAddress, hi = ApeiSetup.EinjBase + EinjDevice.TriggerTableOffset + 0x100;
        foreach (var r in s.GuestRam)
            if (lo < r.Gpa + r.Size && r.Gpa < hi) throw new ScenarioException("$.timeline", $"the guest's EINJ (GPA {PlatformTrace.Hex(lo)}-{PlatformTrace.Hex(hi - 1)}) overlaps guest RAM slot {Printable.Value(r.Name, 40)}");
        if (lo < s.GuestHestAddress + (ulong)_p.Vmm.GuestHest.Length && s.GuestHestAddress < hi)
            throw new ScenarioException("$.guest.hestAddress", $"the guest HEST overlaps the guest's EINJ (GPA {PlatformTrace.Hex(lo)}-{PlatformTrace.Hex(hi - 1)})");
        if (lo < s.GuestRegionBase + (ulong)_p.Vmm.RegionLength && s.GuestRegionBase < hi)
            throw new ScenarioException("$.guest.errorRegionBase", $"the guest's error-status region overlaps the guest's EINJ (GPA {PlatformTrace.Hex(lo)}-{PlatformTrace.Hex(hi - 1)})");
        var bus = new RegisterBus(_p.GuestMemory);
        GuestEinj = new EinjDevice(_p.GuestMemory, ApeiSetup.EinjBase, GuestEinjErrorTypes, VmmInject);
        bus.Map(GuestEinj);
        _p.GuestMemory.Write(GuestEinjTableAddress, table);
        _p.Log(Actor.Vmm, "vmm.einj", $"guest EINJ ({table.Length} bytes, ApeiKit's default table) at GPA {PlatformTrace.Hex(GuestEinjTableAddress)}; its registers at GPA {PlatformTrace.Hex(ApeiSetup.EinjBase)} trapped by the VMM; error types 0x{GuestEinjErrorTypes:X}",
            address: GuestEinjTableAddress);
        _guestEinj = new EinjInjector(_p.GuestMemory.Read(GuestEinjTableAddress, table.Length), bus, _p.GuestMemory,
            (gpa, size) => s.GuestRam.Any(r => Within(gpa, size, r.Gpa, r.Size)));
        _guestEinj.StepTaken = step => _p.Log(Actor.Guest, "guest.einj-action", $"  EINJ {step}", _pendingStep);
        _p.Log(Actor.Guest, "guest.einj-probe", _guestEinj.Loaded ? $"EINJ: Error INJection is initialized (SET_ERROR_TYPE_WITH_ADDRESS structure at GPA {PlatformTrace.Hex(_guestEinj.ParameterAddress ?? 0)})" : $"EINJ: not loaded: {_guestEinj.LoadError}");
    }

    /// <summary>The VMM's side of the guest's EXECUTE_OPERATION: a memory error at a guest address becomes the record it writes for the guest.</summary>
    private byte VmmInject(EinjRequest r)
    {
        string id = _pendingStep ?? string.Create(CultureInfo.InvariantCulture, $"guest-einj@{_p.Now}");
        string? refuse = null;
        ulong hva = 0;
        RamSlotSpec? slot = null;
        if (r.Type != GuestEinjErrorTypes) refuse = $"the VMM injects memory-uncorrectable (0x{GuestEinjErrorTypes:X}) only";
        else if ((r.Flags & 2) == 0) refuse = "no memory address (flags bit 1 clear)";
        else if (!_p.Vmm.Map.TryGpaToHva(r.Address, out hva) || (slot = _p.Scenario.GuestRam.FirstOrDefault(x => r.Address >= x.Gpa && r.Address - x.Gpa < x.Size)) is null)
            refuse = string.Create(CultureInfo.InvariantCulture, $"GPA 0x{r.Address:X} is not guest RAM");
        if (refuse is not null)
        {
            _p.Log(Actor.Vmm, "vmm.einj-refused", $"guest EINJ EXECUTE_OPERATION: type 0x{r.Type:X}: refused ({refuse}); command status 2 (invalid access)");
            return EinjDevice.StatusInvalidAccess;
        }
        ulong hpa = slot!.Hpa + (r.Address - slot.Gpa);
        var error = new InjectedError { Id = id, AtUs = _p.Now, Kind = ErrorKind.MemoryScrub, HostAddress = hpa, Note = "guest EINJ", FromEinj = true };
        var outcome = _p.Track(error);
        outcome.HostVirtualAddress = hva;
        _p.Log(Actor.Vmm, "vmm.einj", $"guest EINJ EXECUTE_OPERATION: memory-uncorrectable at GPA {PlatformTrace.Hex(r.Address)} (HVA {PlatformTrace.Hex(hva)}): "
            + "the VMM records it for the guest as it does a host SIGBUS (the host and its firmware are not involved); command status 0", id, address: r.Address);
        _p.At(_p.Now, () => _p.Vmm.OnSigbus(id, hva, actionRequired: false, vcpu: 0));
        return EinjDevice.StatusSuccess;
    }

    /// <summary>Wall-clock seconds at virtual time 0 (2026-12-06T00:00:00Z): the high half of the record ids the host makes, as Linux's cper_next_record_id does from the real time.</summary>
    public const ulong EpochSeconds = 1_796_515_200;

    internal void FirmwareBoot()
    {
        Boots++;
        _p.HostMemory.Write(ApeiSetup.EinjTableAddress, EinjTable);
        _p.HostMemory.Write(ApeiSetup.ErstTableAddress, ErstTable);
        Erst.Reset();
        var view = Store.View;
        var blocks = new List<ErrorStatusBlock>();
        var ids = new List<string>();
        for (int i = view.FirstRecordSlot; i < view.SlotCount; i++)
        {
            if (view.StateOf(i) != ErstSlotState.Live) continue;
            try
            {
                var record = CperRecord.Decode(view.RecordIn(i), out _);
                var block = CperConversion.ToErrorStatusBlock(record, dropHighFlags: true);
                if (block.Entries.Count == 0)
                {
                    _p.Log(Actor.Firmware, "firmware.bert-skip", $"ERST slot {i} holds a record without sections: an empty block would end the boot error region");
                    continue;
                }
                blocks.Add(block);
                ids.Add(PlatformTrace.Hex(view.MapEntry(i)));
            }
            catch (Exception e) when (e is ApeiContentException or ArgumentException)
            {
                _p.Log(Actor.Firmware, "firmware.bert-skip", $"ERST slot {i} does not hold a record firmware can present: {Printable.Value(e.Message, 200)}");
            }
        }
        _p.Log(Actor.Firmware, "firmware.apei", $"published EINJ ({EinjTable.Length} bytes) at {PlatformTrace.Hex(ApeiSetup.EinjTableAddress)} (registers at {PlatformTrace.Hex(ApeiSetup.EinjBase)}, "
            + $"error types 0x{_setup.EinjErrorTypes:X}) and ERST ({ErstTable.Length} bytes) at {PlatformTrace.Hex(ApeiSetup.ErstTableAddress)} (acpi-erst registers at {PlatformTrace.Hex(ApeiSetup.ErstBase)}, "
            + $"exchange buffer at {PlatformTrace.Hex(ApeiSetup.ErstExchangeBase)}; store: {view.RecordCount} record(s) in {view.SlotCount - view.FirstRecordSlot} slots)", address: ApeiSetup.EinjTableAddress);
        if (blocks.Count == 0)
        {
            Bert = null;
            return;
        }
        Bert = BertBuilder.Build(blocks, ApeiSetup.BertRegionAddress, new AcpiTableHeaderData { Signature = "BERT", Revision = 1, OemId = "APEIKT", OemTableId = "HOSTBERT", OemRevision = 1, CreatorId = "APKT", CreatorRevision = 1 });
        _p.HostMemory.Write(ApeiSetup.BertTableAddress, Bert.Table);
        _p.HostMemory.Write(ApeiSetup.BertRegionAddress, Bert.Region);
        _p.Log(Actor.Firmware, "firmware.bert", $"boot error region ({Bert.Region.Length} bytes) at {PlatformTrace.Hex(ApeiSetup.BertRegionAddress)}, BERT at {PlatformTrace.Hex(ApeiSetup.BertTableAddress)}: "
            + $"{blocks.Count} record(s) from ERST ({string.Join(", ", ids)}), one error status block each", address: ApeiSetup.BertRegionAddress, bytes: Bert.Region);
    }

    internal void HostBoot()
    {
        var memory = _p.HostMemory;
        if (Bert is not null)
        {
            ReadBert(memory);
        }
        LoadDrivers(memory);
    }

    /// <summary>Linux's bert driver: the table, then each error status block of the region.</summary>
    private void ReadBert(SparseMemory memory)
    {
        try
        {
            var table = BertTableData.Decode(memory.Read(ApeiSetup.BertTableAddress, 48));
            // Firmware built this region from the ERST store, one block per live record, each block shorter than its record
            // (a 20-byte block header and 72-byte entry headers against a 128-byte record header and 72-byte descriptors):
            // the region is smaller than the store, which ScenarioReader holds to MaxErstStoreSize, so the bound cuts nothing.
            System.Diagnostics.Debug.Assert(table.RegionLength <= ScenarioReader.MaxErstStoreSize, "the BERT region this firmware built is smaller than the ERST store");
            uint regionLength = (uint)Math.Min(table.RegionLength, ScenarioReader.MaxErstStoreSize);
            var region = BootErrorRegion.Decode(memory.Read(table.RegionAddress, (int)regionLength), (long)table.RegionAddress);
            int n = 0;
            foreach (var block in region.Blocks)
            {
                n++;
                var decoded = Wire.ReadStatusBlock(block.Encode(), regionLength);
                _p.Log(Actor.Host, "host.bert", $"BERT: Error records from previous boot: record {n}: {decoded.Summary}", address: table.RegionAddress);
            }
        }
        catch (ApeiContentException e)
        {
            _p.Log(Actor.Host, "host.bert", $"BERT: the table or its region is malformed: {Printable.Value(e.Message, 200)}");
        }
    }

    private void LoadDrivers(SparseMemory memory)
    {
        _einj = new EinjInjector(Wire.ReadActionTable(memory, ApeiSetup.EinjTableAddress), Bus, memory, IsSystemRam);
        _einj.StepTaken = step => _p.Log(Actor.Host, "host.einj-action", $"  EINJ {step}", _pendingStep);
        _p.Log(Actor.Host, "host.einj-probe", _einj.Loaded
            ? $"EINJ: Error INJection is initialized (SET_ERROR_TYPE_WITH_ADDRESS structure {(_einj.ParameterAddress is { } pa ? "at " + PlatformTrace.Hex(pa) : "absent: SET_ERROR_TYPE only")})"
            : $"EINJ: not loaded: {_einj.LoadError}");
        _erst = new ErstPersistence(Wire.ReadActionTable(memory, ApeiSetup.ErstTableAddress), Bus, memory);
        if (!_erst.Loaded)
        {
            _p.Log(Actor.Host, "host.erst-init", $"ERST: not loaded: {_erst.LoadError}");
            return;
        }
        _p.Log(Actor.Host, "host.erst-init", $"ERST: Error Record Serialization Table (ERST) support is initialized (error log address range {PlatformTrace.Hex(_erst.RangeAddress)}+{PlatformTrace.Hex(_erst.RangeLength)}, attributes {PlatformTrace.Hex(_erst.RangeAttributes)})");
        LogSteps("host.erst-action", "ERST", _erst.InitSteps);
        _erst.StepTaken = step => _p.Log(Actor.Host, "host.erst-action", $"  ERST {step}", _erstErrorId);
        // What pstore does at boot: count, walk the ids, read each record.
        var count = _erst.RecordCount(out ulong records);
        var walk = _erst.RecordIds(out var ids);
        _p.Log(Actor.Host, "host.erst-list", walk.Errno == 0
            ? $"ERST: GET_RECORD_COUNT {records}; GET_RECORD_ID walk: {(ids.Count == 0 ? "no records" : string.Join(", ", ids.Select(PlatformTrace.Hex)))}"
            : $"ERST: record walk failed: -{Errno.Name(walk.Errno)} ({walk.Why})");
        foreach (ulong id in ids)
        {
            var read = _erst.Read(id, out byte[]? record);
            if (record is null)
            {
                _p.Log(Actor.Host, "host.erst-read", $"ERST: reading record {PlatformTrace.Hex(id)} failed: -{Errno.Name(read.Errno)} ({read.Why})");
                continue;
            }
            _recordsRead.Add(new ErstRecordRead(id, record, Boots));
            _p.Log(Actor.Host, "host.erst-read", $"ERST: record {PlatformTrace.Hex(id)} ({record.Length} bytes) read back: {Summarize(record)}", bytes: record);
        }
    }

    /// <summary>Schedules the scenario's steps.</summary>
    internal void Schedule()
    {
        foreach (var step in _p.Scenario.Steps.OrderBy(s => s.AtUs))
        {
            switch (step)
            {
                case EinjStep e: _p.At(e.AtUs, () => RunEinj(e)); break;
                case RebootStep r: _p.At(r.AtUs, () => Reboot(r)); break;
                case ErstClearStep c: _p.At(c.AtUs, () => ClearAll(c)); break;
            }
        }
    }

    private bool IsSystemRam(ulong address, ulong size)
    {
        if (size == 0) size = 1;
        foreach (var s in _p.Scenario.GuestRam) if (Within(address, size, s.Hpa, s.Size)) return true;
        foreach (var m in _p.Scenario.VmmMappings) if (Within(address, size, m.Hpa, m.Size)) return true;
        return false;
    }

    private static bool Within(ulong a, ulong aSize, ulong b, ulong bSize) => a >= b && (UInt128)a + aSize <= (UInt128)b + bSize;

    private void RunEinj(EinjStep step)
    {
        string note = step.Note is null ? "" : $" ({Printable.Value(step.Note)})";
        // The same debugfs flow on either side (Linux einj.c); only who runs it, what stops it and what the log says differ.
        if (step.ByGuest)
            Inject(step, note, Actor.Guest, "guest", _p.Guest.Panicked, "the guest has panicked", "the guest had panicked", _guestEinj!,
                string.Create(CultureInfo.InvariantCulture, $"param1 0x{step.Param1:X}, param2 0x{step.Param2:X}"));
        else
            Inject(step, note, Actor.Host, "host", _p.Host.Panicked, "the host has panicked; nobody writes to debugfs", "the host had panicked", _einj!,
                string.Create(CultureInfo.InvariantCulture, $"param1 0x{step.Param1:X}, param2 0x{step.Param2:X}, param3 0x{step.Param3:X}, param4 0x{step.Param4:X}"));
    }

    private void Inject(EinjStep step, string note, Actor actor, string side, bool panicked, string panickedLog, string panickedWhy, EinjInjector injector, string parameters)
    {
        if (panicked)
        {
            _p.Log(actor, side + ".einj-failed", $"EINJ {Printable.Value(step.Id, 40)}: {panickedLog}{note}");
            _injections.Add(new EinjInjection(step.Id, _p.Now, step.Type, Errno.ENODEV, panickedWhy, []));
            return;
        }
        _p.Log(actor, side + ".einj", string.Create(CultureInfo.InvariantCulture,
            $"EINJ {Printable.Value(step.Id, 40)}: echo 0x{step.Type:X} > error_type ({EinjInjector.Name((uint)step.Type)}); flags 0x{step.Flags:X}, {parameters}; echo 1 > error_inject{note}"));
        _pendingStep = step.Id;
        var result = injector.Inject(step.Type, step.Flags, step.Param1, step.Param2, step.Param3, step.Param4);
        _pendingStep = null;
        _injections.Add(new EinjInjection(step.Id, _p.Now, step.Type, result.Errno, result.Why, result.Steps));
        if (result.Errno == 0) _p.Log(actor, side + ".einj-done", $"EINJ {Printable.Value(step.Id, 40)}: error_inject returned 0");
        else _p.Log(actor, side + ".einj-failed", $"EINJ {Printable.Value(step.Id, 40)}: write error: -{Errno.Name(result.Errno)}: {result.Why}");
    }

    /// <summary>Firmware's side of EXECUTE_OPERATION: check the request, raise the error it names.</summary>
    private byte FirmwareInject(EinjRequest r)
    {
        string id = _pendingStep ?? string.Create(CultureInfo.InvariantCulture, $"einj@{_p.Now}");
        string request = string.Create(CultureInfo.InvariantCulture,
            $"type 0x{r.Type:X} ({EinjInjector.Name(r.Type)}) from {(r.WithAddress ? "SET_ERROR_TYPE_WITH_ADDRESS" : "SET_ERROR_TYPE")}, flags 0x{r.Flags:X}");
        string? refuse = null;
        InjectedError? error = null;
        uint type = r.Type;
        CperSeverity severity = (type & 0x49) != 0 ? CperSeverity.Corrected : (type & 0x92) != 0 ? CperSeverity.Recoverable : CperSeverity.Fatal;
        if (type == 0 || (type & (type - 1)) != 0) refuse = "not exactly one error type";
        else if ((type & Einj.SupportedTypes) == 0) refuse = "this firmware does not inject that type";
        else if ((type & 0x7) != 0)
        {
            uint cpu = (r.Flags & 1) != 0 ? r.ProcessorId : 0;
            if (cpu >= (uint)_p.Scenario.HostCpus) refuse = string.Create(CultureInfo.InvariantCulture, $"processor {cpu} does not exist (the host has {_p.Scenario.HostCpus} CPUs)");
            else error = new InjectedError { Id = id, AtUs = _p.Now, Kind = ErrorKind.ArmProcessor, Cpu = (int)cpu, Severity = severity, ArmKind = ArmErrorKind.Cache, Note = "EINJ", FromEinj = true };
        }
        else if ((type & 0x38) != 0)
        {
            if ((r.Flags & 2) == 0) refuse = "no memory address (flags bit 1 clear)";
            else if (!IsSystemRam(r.Address, 1)) refuse = string.Create(CultureInfo.InvariantCulture, $"address 0x{r.Address:X} is not memory this platform has");
            else error = new InjectedError
            {
                Id = id, AtUs = _p.Now, Kind = severity == CperSeverity.Corrected ? ErrorKind.MemoryCorrected : ErrorKind.MemoryScrub,
                HostAddress = r.Address, Severity = severity, Note = "EINJ", FromEinj = true,
            };
        }
        else if ((type & 0x1C0) != 0)
        {
            if ((r.Flags & 4) == 0) refuse = "no PCIe SBDF (flags bit 2 clear)";
            else
            {
                string bdf = string.Create(CultureInfo.InvariantCulture, $"{r.Sbdf >> 24:x4}:{(r.Sbdf >> 16) & 0xFF:x2}:{(r.Sbdf >> 11) & 0x1F:x2}.{(r.Sbdf >> 8) & 7:x}");
                error = new InjectedError { Id = id, AtUs = _p.Now, Kind = ErrorKind.PcieAer, PcieDevice = bdf, Severity = severity, Note = "EINJ", FromEinj = true };
            }
        }
        else refuse = "this firmware injects processor, memory and PCIe errors only";
        if (error is null)
        {
            _p.Log(Actor.Firmware, "firmware.einj-refused", $"EINJ EXECUTE_OPERATION: {request}: refused ({refuse}); command status 2 (invalid access)");
            return EinjDevice.StatusInvalidAccess;
        }
        _p.Log(Actor.Firmware, "firmware.einj", $"EINJ EXECUTE_OPERATION: {request}: injecting {PlatformFirmware.SeverityName(severity)} {PlatformRun.KindName(error.Kind)} error '{Printable.Value(id, 40)}'; command status 0",
            id, address: error.Kind is ErrorKind.MemoryCorrected or ErrorKind.MemoryScrub ? error.HostAddress : null);
        _p.Raise(error);
        return EinjDevice.StatusSuccess;
    }

    /// <summary>The host is about to panic: it stores the fatal error's record in ERST first (as Linux's x86 MCE code stores a fatal MCE with apei_write_mce).</summary>
    internal void BeforePanic(string? errorId)
    {
        if (_erst is not { Loaded: true } erst) return;
        var records = _p.Host.Records;
        ReadRecord? read = null;
        for (int i = records.Count - 1; i >= 0 && read is null; i--) if (errorId is null || records[i].ErrorId == errorId) read = records[i];
        if (read is null) return;
        byte[] bytes;
        ulong id;
        try
        {
            var block = ErrorStatusBlock.Decode(read.Bytes, out _);
            id = ((EpochSeconds + _p.Now / 1_000_000) << 32) + ++_recordSeq;
            Guid notify = read.Via switch { NotificationType.Sea => CperGuids.NotifySea, NotificationType.Sei => CperGuids.NotifySei, NotificationType.Nmi => CperGuids.NotifyNmi, _ => Guid.Empty };
            bytes = CperConversion.ToCperRecord(block, notify, Guid.Empty, id).Encode();
        }
        catch (ApeiContentException e)
        {
            _p.Log(Actor.Host, "host.erst-write", $"ERST: the fatal record cannot be made into a CPER record: {Printable.Value(e.Message, 200)}", errorId);
            return;
        }
        _erstErrorId = errorId;
        var result = erst.Write(bytes);
        _erstErrorId = null;
        if (result.Errno == 0) _written.Add(id);
        _p.Log(Actor.Host, "host.erst-write", result.Errno == 0
            ? $"before panicking: the fatal record (id {PlatformTrace.Hex(id)}, {bytes.Length} bytes) written to ERST"
            : $"before panicking: writing the fatal record to ERST failed: -{Errno.Name(result.Errno)} ({result.Why})", errorId, bytes: bytes);
    }

    private void OnErstExecuted(byte operation, ulong recordId, byte status)
    {
        string op = operation switch { 0 => "write", 1 => "read", 2 => "clear", 0xB => "dummy write", _ => "end" };
        _p.Log(Actor.Firmware, "firmware.erst", $"ERST store: {op} of record {PlatformTrace.Hex(recordId)}: status {status} ({ErstPersistence.StatusName(status)}); "
            + $"{Store.View.RecordCount} record(s) stored");
    }

    private void Reboot(RebootStep step)
    {
        _p.Log(Actor.Hardware, "hw.reboot", $"platform reset ({Printable.Value(step.Id, 40)}{(step.Note is null ? "" : ", " + Printable.Value(step.Note))}): the host reboots; "
            + "the ERST store keeps its records; the VMM and guest are not restarted in this model");
        // Firmware publishes its tables again at boot (whatever a run wrote over them, an EINJ table aimed at them included).
        _p.HostMemory.Write(PlatformFirmware.HostHestAddress, _p.Firmware.HostHest);
        FirmwareBoot();
        _p.Host.Reboot();
        HostBoot();
    }

    private void ClearAll(ErstClearStep step)
    {
        if (_p.Host.Panicked || _erst is not { Loaded: true } erst)
        {
            _p.Log(Actor.Host, "host.erst-clear", $"ERST clear {Printable.Value(step.Id, 40)}: {(_p.Host.Panicked ? "the host has panicked" : "ERST is not available")}: nothing done");
            return;
        }
        var walk = erst.RecordIds(out var ids);
        if (walk.Errno != 0)
        {
            _p.Log(Actor.Host, "host.erst-clear", $"ERST clear: record walk failed: -{Errno.Name(walk.Errno)} ({walk.Why})");
            return;
        }
        foreach (ulong id in ids)
        {
            var r = erst.Clear(id);
            _p.Log(Actor.Host, "host.erst-clear", r.Errno == 0 ? $"rm /sys/fs/pstore/...: ERST record {PlatformTrace.Hex(id)} cleared"
                : $"ERST clear of record {PlatformTrace.Hex(id)} failed: -{Errno.Name(r.Errno)} ({r.Why})");
        }
        if (ids.Count == 0) _p.Log(Actor.Host, "host.erst-clear", "ERST: no records to clear");
    }

    private void LogSteps(string action, string table, IReadOnlyList<ActionStep> steps, string? errorId = null)
    {
        foreach (var s in steps) _p.Log(Actor.Host, action, $"  {table} {s}", errorId);
    }

    private static string Summarize(byte[] record)
    {
        try
        {
            var r = CperRecord.Decode(record, out _);
            return $"{r.Sections.Count} section(s), severity {PlatformFirmware.SeverityName((CperSeverity)r.Severity)}: {string.Join(", ", r.Sections.Select(s => CperSections.NameOf(s.EffectiveSectionType) ?? s.EffectiveSectionType.ToString()))}";
        }
        catch (ApeiContentException e)
        {
            return "not a valid CPER record: " + Printable.Value(e.Message, 200);
        }
    }
}
