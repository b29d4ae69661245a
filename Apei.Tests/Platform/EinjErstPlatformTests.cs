using System.Buffers.Binary;
using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Hest;
using ApeiKit.Platform;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Platform;

/// <summary>
/// The virtual platform's EINJ and ERST (issue #14 part 4). The expected register traces are written out by hand from the
/// tables (ApeiKit's default EINJ, QEMU's build_erst order) and the order Linux runs the actions in (einj-core.c
/// __einj_error_inject, erst.c __erst_write_to_storage / __erst_read_from_storage / __erst_clear_from_storage), not taken
/// from the code under test.
/// </summary>
public class EinjErstPlatformTests() : TempDirectoryTests("apeikit-einj-")
{
    private const ulong EinjBase = 0xFEBD8000, ErstBase = 0xFEBD7000, Exchange = 0xFEBDA000;

    private static string W(int bits, ulong address, ulong value) => $"W{bits} [0x{address:X}] = 0x{value:X}";
    private static string R(int bits, ulong address, ulong value) => $"R{bits} [0x{address:X}] -> 0x{value:X}";

    private sealed record Rig(SparseMemory Memory, RegisterBus Bus, EinjDevice Device, List<EinjRequest> Requests);

    private static Rig EinjRig(uint types = 0x1FF, byte status = EinjDevice.StatusSuccess)
    {
        var memory = new SparseMemory("host");
        var bus = new RegisterBus(memory);
        var requests = new List<EinjRequest>();
        var device = new EinjDevice(memory, EinjBase, types, r => { requests.Add(r); return status; });
        bus.Map(device);
        return new Rig(memory, bus, device, requests);
    }

    private static bool Ram(ulong a, ulong size) => a >= 0x2_0000_0000 && a + size <= 0x3_0000_0000;

    private static EinjInjector Injector(Rig rig, byte[]? table = null)
        => new(table ?? ActionTablePresets.DefaultEinj(EinjBase).Encode(), rig.Bus, rig.Memory, Ram);

    private static List<string> Accesses(IEnumerable<ActionStep> steps) => steps.SelectMany(s => s.Accesses).Select(a => a.ToString()).ToList();

    [Fact]
    public void Memory_injection_on_the_default_einj_makes_the_register_accesses_linux_makes_in_order()
    {
        var rig = EinjRig();
        var einj = Injector(rig);
        Assert.True(einj.Loaded, einj.LoadError);
        Assert.Equal(EinjBase + 0x100, einj.ParameterAddress);
        var result = einj.Inject(0x10, 0, 0x2_0123_4000, 0xFFFF_FFFF_FFFF_F000);
        Assert.True(result.Errno == 0, result.Why);
        Assert.Equal(
        [
            W(32, EinjBase, 3), R(32, EinjBase + 8, 0x1FF),          // error_type: GET_ERROR_TYPE
            W(32, EinjBase, 0),                                       // BEGIN_INJECTION_OPERATION
            W(32, EinjBase, 5),                                       // EXECUTE_OPERATION (the structure is plain memory)
            W(32, EinjBase, 6), R(32, EinjBase + 8, 0),               // CHECK_BUSY_STATUS: READ_REGISTER_VALUE of the value register
            W(32, EinjBase, 7), R(32, EinjBase + 8, 0),               // GET_COMMAND_STATUS
            W(32, EinjBase, 1), R(64, EinjBase + 8, EinjBase + 0x200), // GET_TRIGGER_ERROR_ACTION_TABLE
            W(32, EinjBase, 4),                                       // END_OPERATION
        ], Accesses(result.Steps));
        Assert.Equal(["GET_ERROR_TYPE", "BEGIN_INJECTION_OPERATION", "SET_ERROR_TYPE_WITH_ADDRESS", "EXECUTE_OPERATION", "CHECK_BUSY_STATUS",
            "GET_COMMAND_STATUS", "GET_TRIGGER_ERROR_ACTION_TABLE", "TRIGGER_ERROR", "END_OPERATION"], result.Steps.Select(s => s.Action));
        // The SET_ERROR_TYPE_WITH_ADDRESS structure (ACPI 6.5 Table 18.31) as Linux fills it for a memory type.
        var p = rig.Memory.Read(EinjBase + 0x100, 36);
        Assert.Equal(0x10u, BinaryPrimitives.ReadUInt32LittleEndian(p));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(p.AsSpan(8)));
        Assert.Equal(0x2_0123_4000UL, BinaryPrimitives.ReadUInt64LittleEndian(p.AsSpan(16)));
        Assert.Equal(0xFFFF_FFFF_FFFF_F000UL, BinaryPrimitives.ReadUInt64LittleEndian(p.AsSpan(24)));
        var request = Assert.Single(rig.Requests);
        Assert.Equal(new EinjRequest(0x10, 2, 0, 0x2_0123_4000, 0xFFFF_FFFF_FFFF_F000, 0, true), request);
    }

    [Fact]
    public void Processor_and_pcie_types_fill_the_apic_id_and_the_sbdf()
    {
        var rig = EinjRig();
        var einj = Injector(rig);
        Assert.Equal(0, einj.Inject(0x4, 0, 3, 0).Errno);
        Assert.Equal(0, einj.Inject(0x80, 0, 0x0001_0800, 0).Errno);
        Assert.Equal(0x4u, rig.Requests[0].Type);
        Assert.Equal((1u, 3u), (rig.Requests[0].Flags, rig.Requests[0].ProcessorId));
        Assert.Equal((4u, 0x0001_0800u), (rig.Requests[1].Flags, rig.Requests[1].Sbdf));
    }

    [Fact]
    public void Unsupported_types_bad_addresses_and_refusals_fail_with_the_errors_linux_reports()
    {
        var rig = EinjRig(types: 0x38);
        var einj = Injector(rig);
        var unsupported = einj.Inject(0x1, 0, 0, 0);
        Assert.Equal(Errno.EINVAL, unsupported.Errno);
        Assert.Contains("not in available_error_type 0x38", unsupported.Why, StringComparison.Ordinal);
        Assert.Equal([W(32, EinjBase, 3), R(32, EinjBase + 8, 0x38)], Accesses(unsupported.Steps)); // nothing after GET_ERROR_TYPE
        Assert.Equal(Errno.EINVAL, einj.Inject(0x18, 0, 0x2_0000_0000, 0xFFFF_FFFF_FFFF_F000).Errno); // two types at once
        var outside = einj.Inject(0x10, 0, 0x9_0000_0000, 0xFFFF_FFFF_FFFF_F000);
        Assert.Equal(Errno.EINVAL, outside.Errno);
        Assert.Contains("not system RAM", outside.Why, StringComparison.Ordinal);
        Assert.Equal(Errno.EINVAL, einj.Inject(0x10, 0, 0x2_0000_0000, 0xFFFF_FFFF_0000_0000).Errno); // a mask coarser than a page
        Assert.Equal(Errno.EINVAL, einj.Inject(0x10, 0x8, 0x2_0000_0000, 0xFFFF_FFFF_FFFF_F000).Errno); // flag bit 3
        Assert.Empty(rig.Requests);
        // Firmware refuses: GET_COMMAND_STATUS 2 is EINVAL, 1 EBUSY.
        Assert.Equal(Errno.EINVAL, Injector(EinjRig(status: EinjDevice.StatusInvalidAccess)).Inject(0x10, 0, 0x2_0000_0000, 0xFFFF_FFFF_FFFF_F000).Errno);
        Assert.Equal(Errno.EBUSY, Injector(EinjRig(status: EinjDevice.StatusUnknownFailure)).Inject(0x10, 0, 0x2_0000_0000, 0xFFFF_FFFF_FFFF_F000).Errno);
    }

    [Fact]
    public void A_table_without_execute_operation_fails_with_enoent_and_one_with_flush_cacheline_does_not_load()
    {
        var model = ActionTablePresets.DefaultEinj(EinjBase);
        model.Entries.RemoveAll(e => e.Action == 0x5);
        var rig = EinjRig();
        var einj = Injector(rig, model.Encode());
        Assert.True(einj.Loaded);
        var r = einj.Inject(0x10, 0, 0x2_0000_0000, 0xFFFF_FFFF_FFFF_F000);
        Assert.Equal(Errno.ENOENT, r.Errno);
        Assert.Contains("EXECUTE_OPERATION", r.Why, StringComparison.Ordinal);
        Assert.Empty(rig.Requests);

        var flush = ActionTablePresets.DefaultEinj(EinjBase);
        flush.Entries[0] = flush.Entries[0] with { Instruction = 0x05 };
        var notLoaded = Injector(EinjRig(), flush.Encode());
        Assert.False(notLoaded.Loaded);
        Assert.Contains("unknown instruction type: 5", notLoaded.LoadError, StringComparison.Ordinal);
        Assert.Equal(Errno.ENODEV, notLoaded.Inject(0x10, 0, 0x2_0000_0000, 0xFFFF_FFFF_FFFF_F000).Errno);

        var badCount = ActionTablePresets.DefaultEinj(EinjBase);
        badCount.EntryCountOverride = 99;
        Assert.Contains("Invalid EINJ table", Injector(EinjRig(), badCount.Encode()).LoadError, StringComparison.Ordinal);
    }

    [Fact]
    public void Interpreter_applies_bit_offset_mask_preserve_and_the_gar_checks_of_apei_base()
    {
        var memory = new SparseMemory("m");
        var bus = new RegisterBus(memory);
        const ulong A = 0x1000;
        memory.Write(A, [0xFF, 0xFF, 0xFF, 0xFF]);
        var reg = new GenericAddress(0, 4, 4, 3, A); // a 4-bit field at bits 7:4 of a 32-bit access
        InstructionEntry E(byte action, byte ins, byte flags, ulong value, GenericAddress? r = null) => new(action, ins, flags, 0, r ?? reg, value, 0xF);
        var ctx = new ActionInterpreter(ActionTableKind.Erst,
        [
            E(0, 0x03, 1, 0x5),   // action 0: WRITE_REGISTER_VALUE 5 at bits 7:4, preserving the rest
            E(1, 0x03, 0, 0x5),   // action 1: the same without PRESERVE_REGISTER
            E(2, 0x00, 0, 0),     // action 2: READ_REGISTER
            E(3, 0x01, 0, 0x5),   // action 3: READ_REGISTER_VALUE == 5
            E(4, 0x00, 0, 0, new GenericAddress(0, 32, 0, 1, A)), // byte access size on an aligned 32-bit register: read as 32 bits
            E(5, 0x00, 0, 0, new GenericAddress(0, 32, 0, 0, A)), // access size 0
            E(6, 0x00, 0, 0, new GenericAddress(0, 32, 4, 3, 0)), // address 0
            E(7, 0x00, 0, 0, new GenericAddress(0, 32, 8, 3, A)), // 32 + 8 bits do not fit a 32-bit access
            E(8, 0x00, 0, 0, new GenericAddress(2, 32, 0, 3, A)), // PCI configuration space
        ], bus);
        Assert.Equal(0, ctx.Run(0));
        Assert.Equal([R(32, A, 0xFFFFFFFF), W(32, A, 0xFFFFFF5F)], ctx.Accesses.Select(a => a.ToString()));
        Assert.Equal(0, ctx.Run(1));
        Assert.Equal(0x50u, memory.ReadU32(A));
        Assert.Equal(0, ctx.Run(2));
        Assert.Equal(5UL, ctx.Value);
        Assert.Equal(0, ctx.Run(3));
        Assert.Equal(1UL, ctx.Value);
        ctx.ClearAccesses();
        Assert.Equal(0, ctx.Run(4));
        Assert.Equal(32, Assert.Single(ctx.Accesses).AccessBits);
        foreach (byte bad in new byte[] { 5, 6, 7, 8 })
        {
            Assert.Equal(Errno.EINVAL, ctx.Run(bad));
            Assert.Contains("GAR", ctx.LastError, StringComparison.Ordinal);
        }
        Assert.Equal(Errno.ENOENT, ctx.Run(0x10));
        Assert.Equal(0, ctx.Run(0x10, optional: true));
    }

    [Fact]
    public void Erst_write_read_and_clear_on_the_qemu_table_make_the_accesses_linux_makes()
    {
        var memory = new SparseMemory("host");
        var bus = new RegisterBus(memory);
        var store = ErstStore.Create(64 * 1024);
        bus.Map(new ErstDevice(store, memory, ErstBase, Exchange));
        var erst = new ErstPersistence(ActionTablePresets.QemuErst(ErstBase).Encode(), bus, memory);
        Assert.True(erst.Loaded, erst.LoadError);
        Assert.Equal([W(32, ErstBase, 0xD), R(64, ErstBase + 8, Exchange), W(32, ErstBase, 0xE), R(64, ErstBase + 8, 0x2000), W(32, ErstBase, 0xF), R(32, ErstBase + 8, 0)],
            Accesses(erst.InitSteps));
        byte[] record = Record(0x1234_5678_0000_0001);
        var write = erst.Write(record);
        Assert.True(write.Errno == 0, write.Why);
        Assert.Equal(
        [
            W(32, ErstBase, 0),                                  // BEGIN_WRITE_OPERATION
            W(32, ErstBase + 8, 0), W(32, ErstBase, 4),          // SET_RECORD_OFFSET 0
            W(32, ErstBase + 8, 0x9C), W(32, ErstBase, 5),       // EXECUTE_OPERATION with QEMU's magic
            W(32, ErstBase, 6), R(32, ErstBase + 8, 0),          // CHECK_BUSY_STATUS
            W(32, ErstBase, 7), R(32, ErstBase + 8, 0),          // GET_COMMAND_STATUS: success
            W(32, ErstBase, 3),                                  // END_OPERATION
        ], Accesses(write.Steps));
        Assert.Equal(record, store.View.RecordIn(1).ToArray());
        Assert.Equal(0, erst.RecordCount(out ulong count).Errno);
        Assert.Equal(1UL, count);
        var ids = erst.RecordIds(out var list);
        Assert.Equal([0x1234_5678_0000_0001UL], list);
        Assert.Equal([W(32, ErstBase, 8), R(64, ErstBase + 8, 0x1234_5678_0000_0001), W(32, ErstBase, 8), R(64, ErstBase + 8, ulong.MaxValue)], Accesses(ids.Steps));
        memory.Write(Exchange, new byte[record.Length]);
        var read = erst.Read(0x1234_5678_0000_0001, out byte[]? back);
        Assert.True(read.Errno == 0, read.Why);
        Assert.Equal(record, back);
        Assert.Equal([W(32, ErstBase, 1), W(32, ErstBase + 8, 0), W(32, ErstBase, 4), W(64, ErstBase + 8, 0x1234_5678_0000_0001), W(32, ErstBase, 9),
            W(32, ErstBase + 8, 0x9C), W(32, ErstBase, 5), W(32, ErstBase, 6), R(32, ErstBase + 8, 0), W(32, ErstBase, 7), R(32, ErstBase + 8, 0), W(32, ErstBase, 3)],
            Accesses(read.Steps));
        Assert.Equal(Errno.ENOENT, erst.Read(0x77, out _).Errno); // QEMU: record not found (5)
        Assert.Equal(0, erst.Clear(0x1234_5678_0000_0001).Errno);
        Assert.Equal(ErstSlotState.Cleared, store.View.StateOf(1));
        Assert.Equal(Errno.ENOENT, erst.Read(0x1234_5678_0000_0001, out _).Errno); // QEMU: record store empty (4)
    }

    private static byte[] Record(ulong id)
    {
        var block = new ErrorStatusBlock { ErrorSeverity = 1 };
        block.Entries.Add(new ErrorDataEntry { Body = new MemoryErrorSection { ValidationBits = 2, PhysicalAddress = 0x2_0000_0000 }, ErrorSeverity = 1 });
        return CperConversion.ToCperRecord(block, recordId: id).Encode();
    }

    private static string WithoutClear(string json) => string.Join('\n', json.Split('\n').Where(l => !l.Contains("\"erstClear\"", StringComparison.Ordinal)));

    [Fact]
    public void Fatal_record_goes_to_erst_before_the_panic_and_after_the_reboot_is_in_the_bert_and_still_in_erst()
    {
        var scenario = ScenarioReader.Read(WithoutClear(BuiltinScenarios.Json("einj-erst-reboot")).Replace(",\n  ]", "\n  ]", StringComparison.Ordinal), "no-clear.json");
        var run = VirtualPlatform.Run(scenario);
        Assert.Empty(PlatformInvariants.Check(run));
        var apei = run.Platform.Apei!;
        ulong id = Assert.Single(apei.RecordsWritten);
        var written = run.Trace.Events.Single(e => e.Action == "host.erst-write").Bytes!;
        Assert.True(run.Trace.Events.Single(e => e.Action == "host.erst-write").Seq < run.Trace.Events.Single(e => e.Action == "host.panic").Seq);
        // The store: QEMU's layout, decodable by the store reader, the record byte for byte in slot 1.
        var store = ErstStore.Decode(apei.Store.Bytes);
        var view = store.View;
        Assert.Equal(1u, view.RecordCount);
        Assert.Equal(ErstSlotState.Live, view.StateOf(1));
        Assert.Equal(id, view.MapEntry(1));
        Assert.Equal(written, view.RecordIn(1).ToArray());
        // Read back after the reboot through GET_RECORD_COUNT / GET_RECORD_ID / BEGIN_READ.
        var read = Assert.Single(apei.RecordsRead, r => r.Boot == 2);
        Assert.Equal(written, read.Bytes);
        // The BERT of the second boot: one error status block whose bytes are those of the block the host read for the fatal error.
        var fatalBlock = run.Host.Records.Single(r => r.ErrorId == "einj-fatal").Bytes;
        var bert = apei.Bert!;
        var region = BootErrorRegion.Decode(bert.Region);
        var block = Assert.Single(region.Blocks);
        Assert.Equal(ErrorStatusBlock.Decode(fatalBlock, out int used).Encode(), block.Encode());
        Assert.Equal(fatalBlock.AsSpan(0, used).ToArray(), bert.Region);
        Assert.Equal(bert.Region, run.Platform.HostMemory.Read(ApeiSetup.BertRegionAddress, bert.Region.Length));
        Assert.Equal(bert.Table, run.Platform.HostMemory.Read(ApeiSetup.BertTableAddress, bert.Table.Length));
        Assert.Equal(ApeiSetup.BertRegionAddress, BertTableData.Decode(bert.Table).RegionAddress);
    }

    [Fact]
    public void The_builtin_scenario_clears_erst_and_its_outcomes_are_as_meant()
    {
        var run = VirtualPlatform.Run(BuiltinScenarios.Read("einj-erst-reboot"));
        Assert.Empty(PlatformInvariants.Check(run));
        Assert.Empty(PlatformInvariants.CheckDelivery(run));
        var apei = run.Platform.Apei!;
        Assert.Equal(0u, apei.Store.View.RecordCount);
        Assert.Equal(ErstSlotState.Cleared, apei.Store.View.StateOf(1));
        Assert.Equal(["einj-mem", "guest-einj", "einj-cpu", "einj-pcie", "einj-fatal", "einj-after"], run.Outcomes.Select(o => o.Error.Id));
        Assert.Equal(Disposition.DeliveredToGuest, run.Outcomes[0].Disposition);
        Assert.Equal(0x41234000UL, run.Outcomes[0].GuestAddress);
        Assert.Equal(Disposition.DeliveredToGuest, run.Outcomes[1].Disposition);
        Assert.Equal(0x41236000UL, run.Outcomes[1].GuestAddress);
        Assert.Equal(Disposition.HostPanic, run.Outcomes[4].Disposition);
        Assert.False(run.Host.Panicked);
        Assert.Equal([0, 0, Errno.EINVAL, 0, 0, Errno.EINVAL, Errno.EINVAL, 0, 0], apei.Injections.Select(i => i.Errno));
        // The guest's injection never reached the host or its firmware.
        Assert.DoesNotContain(run.Trace.Events, e => e.ErrorId == "guest-einj" && e.Actor is Actor.Host or Actor.Firmware);
        Assert.Contains(run.Trace.Events, e => e.Action == "guest.read" && e.ErrorId == "guest-einj");
    }

    [Fact]
    public void Scenario_reader_refuses_bad_einj_steps_with_the_json_path()
    {
        string Json(string step) => BuiltinScenarios.Json("einj-erst-reboot").Replace("{ \"id\": \"einj-cpu\", \"at\": \"2ms\", \"einj\": { \"type\": \"processor-correctable\", \"cpu\": 2 } }", step, StringComparison.Ordinal);
        var unknown = Assert.Throws<ScenarioException>(() => ScenarioReader.Read(Json("""{ "at": "2ms", "einj": { "type": "memory-oops" } }""")));
        Assert.Equal("$.timeline[3].einj.type", unknown.Path);
        var both = Assert.Throws<ScenarioException>(() => ScenarioReader.Read(Json("""{ "at": "2ms", "error": "memory-scrub", "einj": { "type": "memory-correctable" } }""")));
        Assert.Equal("$.timeline[3]", both.Path);
        var member = Assert.Throws<ScenarioException>(() => ScenarioReader.Read(Json("""{ "at": "2ms", "reboot": { "now": true } }""")));
        Assert.Equal("$.timeline[3].reboot.now", member.Path);
        var dup = Assert.Throws<ScenarioException>(() => ScenarioReader.Read(Json("""{ "id": "einj-mem", "at": "2ms", "reboot": {} }""")));
        Assert.Contains("used twice", dup.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_of_the_builtin_scenario_matches_its_text_and_json_snapshots_and_writes_a_decodable_erst_store()
    {
        string dir = Dir;
        string storePath = Path.Combine(dir, "erst.backing");
        var text = CliRunner.Run("simulate", "--builtin", "einj-erst-reboot", "--erst-store", storePath);
        Assert.True(text.ExitCode == 0, text.Error);
        Snapshot.Verify(text.Out, "text");
        var json = CliRunner.Run("simulate", "--builtin", "einj-erst-reboot", "--format", "json");
        Assert.Equal(0, json.ExitCode);
        Snapshot.Verify(json.Out, "json", ".json");
        var decode = CliRunner.Run("decode", storePath);
        Assert.True(decode.ExitCode == 0, decode.Error);
        Assert.Contains("ERST store (QEMU acpi-erst backing file)", decode.Out, StringComparison.Ordinal);
        Assert.Contains("Slot 1: cleared", decode.Out, StringComparison.Ordinal);
        Assert.Contains("Physical address: 0x0000000202000000", decode.Out, StringComparison.Ordinal);
        var dumped = CliRunner.Run("simulate", "--builtin", "einj-erst-reboot", "--dump", dir);
        Assert.True(dumped.ExitCode == 0, dumped.Error);
        Assert.Equal(0, CliRunner.Run("einj", "check", Path.Combine(dir, "host-EINJ.bin")).ExitCode);
        Assert.Equal(0, CliRunner.Run("erst", "check", Path.Combine(dir, "host-ERST.bin")).ExitCode);
        var bert = CliRunner.Run("decode", Path.Combine(dir, "host-boot-error-region.bin"));
        Assert.True(bert.ExitCode == 0, bert.Error);
        Assert.Contains("0x0000000202000000", bert.Out, StringComparison.Ordinal);
        var noApei = CliRunner.Run("simulate", "--erst-store", Path.Combine(dir, "x.bin"));
        Assert.Equal(2, noApei.ExitCode);
        Assert.False(File.Exists(Path.Combine(dir, "x.bin")));
    }
}

public class EinjErstScenarioTests
{
    private static string Builtin => BuiltinScenarios.Json("einj-erst-reboot");

    /// <summary>The built-in scenario with its "apei" member and timeline replaced.</summary>
    private static Scenario With(string apeiAndTimeline)
    {
        string json = Builtin;
        int cut = json.IndexOf("\"apei\":", StringComparison.Ordinal);
        return ScenarioReader.Read(json[..cut] + apeiAndTimeline + "\n}", "test.json");
    }

    [Fact]
    public void The_readme_fragment_runs_on_the_builtin_platform()
    {
        var run = VirtualPlatform.Run(With(ReadmeScenarioTests.Readme("#### EINJ, ERST and reboots in scenarios")));
        Assert.Empty(PlatformInvariants.Check(run));
        var apei = run.Platform.Apei!;
        Assert.All(apei.Injections, i => Assert.True(i.Errno == 0, i.Why));
        Assert.Equal(4, apei.Injections.Count);
        // processor-fatal with the offline-cpu policy takes CPU 3 offline; memory-fatal (0x20) panics after writing ERST.
        Assert.Contains(3, run.Host.OfflineCpus);
        Assert.Single(apei.RecordsWritten);
        Assert.Equal(2, apei.Boots);
        Assert.Equal(0u, apei.Store.View.RecordCount);
    }

    [Fact]
    public void A_scenario_einj_without_the_set_actions_is_refused_with_enoent_and_the_run_goes_on()
    {
        var run = VirtualPlatform.Run(With("""
            "apei": { "einj": { "entries": [
                { "action": "GET_ERROR_TYPE", "instruction": "WRITE_REGISTER_VALUE", "registerRegion": { "bitWidth": 32, "accessSize": 3, "address": "0xFEBD8000" }, "value": 3 },
                { "action": "GET_ERROR_TYPE", "instruction": "READ_REGISTER", "registerRegion": { "bitWidth": 32, "accessSize": 3, "address": "0xFEBD8008" } } ] } },
            "timeline": [ { "id": "x", "at": "1ms", "einj": { "type": "memory-correctable", "address": "0x200001000" } } ]
            """));
        Assert.Empty(PlatformInvariants.Check(run));
        var i = Assert.Single(run.Platform.Apei!.Injections);
        // No SET_ERROR_TYPE_WITH_ADDRESS entry: Linux takes the ACPI 4 path and runs SET_ERROR_TYPE, which the table lacks.
        Assert.Equal(Errno.ENOENT, i.Errno);
        Assert.Contains("no entry for action SET_ERROR_TYPE", i.Why, StringComparison.Ordinal);
        Assert.Empty(run.Outcomes);
        Assert.Contains(run.Trace.Events, e => e.Action == "host.einj-failed" && e.Text.Contains("-ENOENT", StringComparison.Ordinal));
    }

    [Fact]
    public void Firmware_refuses_a_processor_the_host_does_not_have_and_linux_reports_einval()
    {
        var run = VirtualPlatform.Run(With("""
            "timeline": [ { "id": "p", "at": "1ms", "einj": { "type": "processor-correctable", "cpu": 64 } } ]
            """));
        var i = Assert.Single(run.Platform.Apei!.Injections);
        Assert.Equal(Errno.EINVAL, i.Errno);
        Assert.Contains("invalid access", i.Why, StringComparison.Ordinal);
        Assert.Contains(run.Trace.Events, e => e.Action == "firmware.einj-refused" && e.Text.Contains("processor 64 does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void Many_fatal_injections_and_reboots_fill_erst_and_report_enospc_without_unbounded_cost()
    {
        var steps = new List<string>();
        for (int k = 0; k < 40; k++)
        {
            steps.Add($$"""{ "at": "{{k * 2 + 1}}ms", "einj": { "type": "memory-fatal", "address": "0x{{0x2_0000_0000 + k * 0x1000:X}}" } }""");
            steps.Add($$"""{ "at": "{{k * 2 + 2}}ms", "reboot": {} }""");
        }
        var run = VirtualPlatform.Run(With($$"""
            "apei": { "erst": { "size": "32KiB", "recordSize": 4096 } },
            "timeline": [ {{string.Join(",\n", steps)}} ]
            """));
        Assert.Empty(PlatformInvariants.Check(run));
        var apei = run.Platform.Apei!;
        Assert.Equal(41, apei.Boots);
        Assert.Equal(7, apei.RecordsWritten.Count); // 32 KiB of 4 KiB slots: the header slot and 7 for records
        Assert.Equal(7u, apei.Store.View.RecordCount);
        Assert.Contains(run.Trace.Events, e => e.Action == "host.erst-write" && e.Text.Contains("-ENOSPC", StringComparison.Ordinal));
        Assert.True(run.Trace.Events.Count < 80 * (64 + 16 * 80), $"{run.Trace.Events.Count} events");
    }
    [Fact]
    public void A_hostile_einj_table_that_writes_over_the_hest_and_pokes_erst_neither_crashes_nor_survives_a_reboot()
    {
        var run = VirtualPlatform.Run(With("""
            "apei": { "einj": { "entries": [
                { "action": "GET_ERROR_TYPE", "instruction": "WRITE_REGISTER_VALUE", "registerRegion": { "bitWidth": 32, "accessSize": 3, "address": "0xF0000004" }, "value": "0xFFFFFFFF" },
                { "action": "GET_ERROR_TYPE", "instruction": "WRITE_REGISTER_VALUE", "registerRegion": { "bitWidth": 32, "accessSize": 3, "address": "0xFEBD7000" }, "value": 5 },
                { "action": "GET_ERROR_TYPE", "instruction": "READ_REGISTER", "registerRegion": { "bitWidth": 32, "accessSize": 3, "address": "0xF0002004" } } ] } },
            "timeline": [
                { "at": "1ms", "einj": { "type": "memory-uncorrectable", "address": "0x200001000" } },
                { "at": "2ms", "reboot": {} },
                { "at": "3ms", "error": "memory-scrub", "guestAddress": "0x41000000" } ]
            """));
        Assert.Empty(PlatformInvariants.Check(run));
        // GET_ERROR_TYPE read the table's own Length (144 = 0x90: bit 4, memory-uncorrectable, is "available"); SET_ERROR_TYPE is missing.
        Assert.Equal(Errno.ENOENT, Assert.Single(run.Platform.Apei!.Injections).Errno);
        // After the reboot firmware's HEST is whole again and the host handles the next error.
        Assert.Equal(Disposition.DeliveredToGuest, Assert.Single(run.Outcomes).Disposition);
    }
    [Fact]
    public void Random_einj_reboot_and_clear_steps_keep_every_invariant_and_fail_only_with_linux_errors()
    {
        var r = new Random(1406);
        int injected = 0, refused = 0, stored = 0, guestInjected = 0;
        var typeBits = Enumerable.Range(0, 32).Select(b => 1UL << b).Concat([0UL, 0x18UL, 0x1_0000_0010UL, 0x8000_0010UL]).ToArray();
        for (int n = 0; n < 30; n++)
        {
            var entries = new List<string>();
            ulong t = 0;
            int count = r.Next(5, 30);
            for (int i = 0; i < count; i++)
            {
                t += (ulong)r.Next(1, 3000);
                string at = $"\"at\": {t}";
                switch (r.Next(10))
                {
                    case 0: entries.Add($"{{ {at}, \"reboot\": {{}} }}"); break;
                    case 1: entries.Add($"{{ {at}, \"erstClear\": {{}} }}"); break;
                    case 2: entries.Add($"{{ {at}, \"error\": \"memory-scrub\", \"guestAddress\": \"0x{0x4000_0000 + r.Next(0, 0x3FFF_FFFF):X}\" }}"); break;
                    default:
                        if (r.Next(2) == 0)
                        {
                            // A request firmware (or the VMM) can carry out.
                            if (r.Next(4) == 0)
                            {
                                entries.Add($"{{ {at}, \"einj\": {{ \"by\": \"guest\", \"type\": \"memory-uncorrectable\", \"guestAddress\": {0x4000_0000UL + (ulong)r.Next(0, 0x3FFF_FFFF)} }} }}");
                                break;
                            }
                            int bit = r.Next(0, 9);
                            ulong p1 = bit < 3 ? (ulong)r.Next(0, 8) : bit < 6 ? 0x2_0000_0000UL + (ulong)r.Next(0, 0x3FFF_FFFF) : (ulong)r.Next(0, 0x100) << 16;
                            entries.Add($"{{ {at}, \"einj\": {{ \"type\": {1UL << bit}, \"param1\": {p1} }} }}");
                            break;
                        }
                        ulong type = typeBits[r.Next(typeBits.Length)];
                        string by = r.Next(4) == 0 ? "\"by\": \"guest\", " : "";
                        ulong address = r.Next(3) switch { 0 => 0x2_0000_0000UL + (ulong)r.Next(0, 0x3FFF_FFFF), 1 => 0x4000_0000UL + (ulong)r.Next(0, 0x3FFF_FFFF), _ => (ulong)r.NextInt64() };
                        ulong mask = r.Next(4) == 0 ? (ulong)r.NextInt64() : 0xFFFF_FFFF_FFFF_F000;
                        entries.Add($"{{ {at}, \"einj\": {{ {by}\"type\": {type}, \"param1\": {address}, \"param2\": {mask}, \"param3\": {r.Next(0, 12)}, \"param4\": {r.Next()}, \"flags\": {(r.Next(3) == 0 ? r.Next(0, 16) : 0)} }} }}");
                        break;
                }
            }
            string apei = r.Next(2) == 0 ? "" : $"\"apei\": {{ \"einjErrorTypes\": {r.Next()}, \"erst\": {{ \"size\": \"{r.Next(2, 5) * 8}KiB\" }} }},\n";
            var run = VirtualPlatform.Run(With(apei + "\"timeline\": [ " + string.Join(",\n", entries) + " ]"));
            Assert.Empty(PlatformInvariants.Check(run));
            foreach (var i in run.Platform.Apei!.Injections)
                Assert.True(i.Errno is 0 or Errno.EINVAL or Errno.ENOENT or Errno.EBUSY or Errno.ENODEV, $"scenario {n}: {i.StepId}: {i.Errno} {i.Why}");
            var store = ErstStore.Decode(run.Platform.Apei.Store.Bytes);
            Assert.Equal((uint)store.View.CountMapped(), store.View.RecordCount);
            injected += run.Platform.Apei.Injections.Count(i => i.Errno == 0);
            refused += run.Platform.Apei.Injections.Count(i => i.Errno != 0);
            stored += run.Platform.Apei.RecordsWritten.Count;
            guestInjected += run.Trace.Events.Count(e => e.Action == "guest.einj-done");
        }
        // The random steps reach every path: injections that succeed (by the host and by a guest), refusals, ERST writes.
        Assert.True(injected > 10 && refused > 10 && stored > 0 && guestInjected > 0, $"{injected} injected, {refused} refused, {stored} stored, {guestInjected} by a guest");
    }
}
