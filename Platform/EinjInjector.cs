using System.Globalization;
using ApeiKit.Hest;

namespace ApeiKit.Platform;

/// <summary>One action an APEI driver ran: its name, the result and the register accesses it made.</summary>
/// <param name="Action">Action name ("EXECUTE_OPERATION").</param>
/// <param name="Errno">0 or the error number.</param>
/// <param name="Accesses">The register accesses, in order.</param>
/// <param name="Note">What else happened (a structure written, a check that failed), or null.</param>
public sealed record ActionStep(string Action, int Errno, IReadOnlyList<RegisterAccess> Accesses, string? Note = null)
{
    /// <summary>"EXECUTE_OPERATION: W32 [0xFEBD8000] = 0x5".</summary>
    public override string ToString() => Action + (Accesses.Count == 0 ? "" : ": " + string.Join("; ", Accesses))
        + (Note is null ? "" : (Accesses.Count == 0 ? ": " : " (") + Note + (Accesses.Count == 0 ? "" : ")"))
        + (Errno == 0 ? "" : " -> -" + Platform.Errno.Name(Errno));
}

/// <summary>The result of an EINJ injection through the debugfs interface.</summary>
/// <param name="Errno">0 when the write to <c>error_inject</c> (or <c>error_type</c>) succeeded, else Linux's error number.</param>
/// <param name="Why">Why it failed, in words (null on success).</param>
/// <param name="Steps">The actions run, in order.</param>
public sealed record EinjResult(int Errno, string? Why, IReadOnlyList<ActionStep> Steps);

/// <summary>
/// The host kernel's EINJ driver, as Linux's drivers/acpi/apei/einj-core.c drives a table, with its debugfs interface
/// (<c>available_error_type</c>, <c>error_type</c>, <c>flags</c>, <c>param1</c>..<c>param4</c>, <c>error_inject</c>). Loading
/// checks the table (<c>einj_check_table</c>: header size 48 or 12, Length, entry count) and every entry (instructions, registers)
/// and finds the SET_ERROR_TYPE_WITH_ADDRESS structure (the register of that action's WRITE_REGISTER entry in system memory:
/// ACPI 5.0 mode). Writing <c>error_type</c> runs GET_ERROR_TYPE and refuses a type that is not exactly one available bit
/// (EINVAL). Writing <c>error_inject</c> checks flags and, for memory types, that <c>param2</c> is a page-or-finer mask and the
/// range lies in system RAM (EINVAL), then runs BEGIN_INJECTION_OPERATION (optional), fills the structure (type, flags, APIC
/// id / address and mask / SBDF) or runs SET_ERROR_TYPE (no structure), EXECUTE_OPERATION, CHECK_BUSY_STATUS until not busy
/// (EIO after 1000 polls, Linux's FIRMWARE_TIMEOUT), GET_COMMAND_STATUS (1 is EBUSY, 2 EINVAL), GET_TRIGGER_ERROR_ACTION_TABLE,
/// the trigger table's TRIGGER_ERROR entries (none: nothing to do) and END_OPERATION (optional). Vendor types, EINJv2 and
/// <c>notrigger</c> are not modelled.
/// </summary>
public sealed class EinjInjector
{
    private const byte BeginInjection = 0x0, GetTriggerTable = 0x1, SetErrorType = 0x2, GetErrorType = 0x3, EndOperation = 0x4,
        ExecuteOperation = 0x5, CheckBusyStatus = 0x6, GetCommandStatus = 0x7, SetErrorTypeWithAddress = 0x8, TriggerError = 0xFF;
    private const uint SetwaFlagsApicId = 1, SetwaFlagsMem = 2, SetwaFlagsPcieSbdf = 4;
    private const uint MemErrorMask = 0x38;
    private const uint VendorBit = 0x8000_0000;
    private const ulong PageMask = ~0xFFFUL;

    private readonly IRegisterBus _bus;
    private readonly SparseMemory _memory;
    private readonly Func<ulong, ulong, bool> _isSystemRam;
    private readonly InstructionEntry[] _entries = [];

    /// <summary>Loads the driver on <paramref name="table"/> (the EINJ bytes as the host read them).</summary>
    /// <param name="table">The EINJ.</param>
    /// <param name="bus">The register bus.</param>
    /// <param name="memory">Host physical memory (where the parameter structure and trigger table are).</param>
    /// <param name="isSystemRam">Whether [base, base + size) lies wholly in system RAM (Linux's <c>region_intersects</c>).</param>
    public EinjInjector(ReadOnlySpan<byte> table, IRegisterBus bus, SparseMemory memory, Func<ulong, ulong, bool> isSystemRam)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(isSystemRam);
        _bus = bus;
        _memory = memory;
        _isSystemRam = isSystemRam;
        // einj-core.c accepts the 12-byte injection header some firmware writes as well as ACPI's 48.
        if (ActionInterpreter.Load(table, ActionTableKind.Einj, bus, "Invalid EINJ table", "injection", size => size is 48 or 12,
                "Error collecting EINJ resources: ", out _entries, out string? error) is null)
        {
            LoadError = error;
            return;
        }
        foreach (var e in _entries)
        {
            if (e.Action == SetErrorTypeWithAddress && e.Instruction == 0x02 && e.Register.AddressSpaceId == 0) ParameterAddress = e.Register.Address;
        }
        Loaded = true;
    }

    /// <summary>True when the driver loaded (the debugfs files exist).</summary>
    public bool Loaded { get; }
    /// <summary>Why it did not load, as Linux says it.</summary>
    public string? LoadError { get; }
    /// <summary>The SET_ERROR_TYPE_WITH_ADDRESS structure's address (ACPI 5.0 mode), or null (SET_ERROR_TYPE only).</summary>
    public ulong? ParameterAddress { get; }

    /// <summary>Reads <c>available_error_type</c>: runs GET_ERROR_TYPE.</summary>
    public EinjResult AvailableErrorTypes(out uint types)
    {
        types = 0;
        if (!Loaded) return new EinjResult(Errno.ENODEV, $"the einj driver is not loaded ({LoadError})", []);
        var steps = new List<ActionStep>();
        var ctx = new ActionInterpreter(ActionTableKind.Einj, _entries, _bus);
        int rc = Run(ctx, GetErrorType, false, steps);
        if (rc != 0) return new EinjResult(rc, ctx.LastError, steps);
        types = (uint)ctx.Value;
        return new EinjResult(0, null, steps);
    }

    /// <summary>
    /// Writes <c>error_type</c>, <c>flags</c>, <c>param1</c>..<c>param4</c> and then <c>error_inject</c> (einj_validate_error_type,
    /// einj_error_inject, __einj_error_inject).
    /// </summary>
    public EinjResult Inject(ulong type, uint flags, ulong param1, ulong param2, ulong param3 = 0, ulong param4 = 0)
    {
        if (!Loaded) return new EinjResult(Errno.ENODEV, $"no einj debugfs interface: the driver did not load ({LoadError})", []);
        var steps = new List<ActionStep>();
        var ctx = new ActionInterpreter(ActionTableKind.Einj, _entries, _bus);
        // error_type: einj_validate_error_type.
        if ((type >> 32) != 0) return Failed(Errno.EINVAL, "error_type: only the low 32 bits are an error type", steps);
        uint vendor = (uint)type & VendorBit, tval = (uint)type & 0x7FFF_FFFF;
        if ((tval & (tval - 1)) != 0) return Failed(Errno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"error_type: 0x{type:X} names more than one error type"), steps);
        if (vendor != 0) return Failed(Errno.EINVAL, "error_type: vendor-defined types are not modelled", steps);
        int rc = Run(ctx, GetErrorType, false, steps);
        if (rc != 0) return Failed(rc, "error_type: GET_ERROR_TYPE failed: " + ctx.LastError, steps);
        uint available = (uint)ctx.Value;
        if (((uint)type & available) == 0)
            return Failed(Errno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"error_type: 0x{type:X} ({Name((uint)type)}) is not in available_error_type 0x{available:X}"), steps);
        // error_inject: einj_error_inject.
        if (flags != 0 && (flags & ~(SetwaFlagsApicId | SetwaFlagsMem | SetwaFlagsPcieSbdf)) != 0)
            return Failed(Errno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"flags 0x{flags:X} has bits other than 0-2"), steps);
        if (ParameterAddress is not null && (((uint)type & MemErrorMask) != 0 || (flags & SetwaFlagsMem) != 0))
        {
            ulong baseAddress = param1 & param2, size = ~param2 + 1;
            if ((param2 & PageMask) != PageMask)
                return Failed(Errno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"param2 0x{param2:X} is not a page-or-finer address mask"), steps);
            if (!_isSystemRam(baseAddress, size))
                return Failed(Errno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"param1 0x{param1:X} (range 0x{baseAddress:X}+0x{size:X}) is not system RAM"), steps);
        }
        // __einj_error_inject.
        ctx.ClearAccesses();
        rc = Run(ctx, BeginInjection, true, steps);
        if (rc != 0) return Failed(rc, ctx.LastError, steps);
        ctx.SetInput((uint)type);
        if (ParameterAddress is { } pa)
        {
            Span<byte> p = stackalloc byte[EinjStructures.SetErrorTypeWithAddressSize];
            _memory.Read(pa, p);
            // Written and read back through the declaration (Hest/Declarations/EinjDeclarations.cs, ACPI 6.5 Table 18.31).
            SetErrorTypeWithAddressDeclaration.ErrorTypeField.WriteValue(p, (uint)type);
            if (flags != 0)
            {
                SetErrorTypeWithAddressDeclaration.FlagsField.WriteValue(p, flags);
                SetErrorTypeWithAddressDeclaration.MemoryAddressField.WriteValue(p, param1);
                SetErrorTypeWithAddressDeclaration.MemoryAddressRangeField.WriteValue(p, param2);
                SetErrorTypeWithAddressDeclaration.ProcessorIdField.WriteValue(p, (uint)param3);
                SetErrorTypeWithAddressDeclaration.PcieSbdfField.WriteValue(p, (uint)param4);
            }
            else if (((uint)type & 0x7) != 0)
            {
                SetErrorTypeWithAddressDeclaration.ProcessorIdField.WriteValue(p, (uint)param1);
                SetErrorTypeWithAddressDeclaration.FlagsField.WriteValue(p, SetwaFlagsApicId);
            }
            else if (((uint)type & MemErrorMask) != 0)
            {
                SetErrorTypeWithAddressDeclaration.MemoryAddressField.WriteValue(p, param1);
                SetErrorTypeWithAddressDeclaration.MemoryAddressRangeField.WriteValue(p, param2);
                SetErrorTypeWithAddressDeclaration.FlagsField.WriteValue(p, SetwaFlagsMem);
            }
            else if (((uint)type & 0x1C0) != 0)
            {
                SetErrorTypeWithAddressDeclaration.PcieSbdfField.WriteValue(p, (uint)param1);
                SetErrorTypeWithAddressDeclaration.FlagsField.WriteValue(p, SetwaFlagsPcieSbdf);
            }
            _memory.Write(pa, p);
            var w = SetErrorTypeWithAddressView.Of(p);
            Add(steps, new ActionStep("SET_ERROR_TYPE_WITH_ADDRESS", 0, [], string.Create(CultureInfo.InvariantCulture,
                $"structure at 0x{pa:X} written: type 0x{w.ErrorType:X}, flags 0x{w.Flags:X}, "
                + $"APIC id {w.ProcessorId}, address 0x{w.MemoryAddress:X} mask 0x{w.MemoryAddressRange:X}, "
                + $"SBDF 0x{w.PcieSbdf:X}")));
        }
        else
        {
            rc = Run(ctx, SetErrorType, false, steps);
            if (rc != 0) return Failed(rc, ctx.LastError, steps);
        }
        rc = Run(ctx, ExecuteOperation, false, steps);
        if (rc != 0) return Failed(rc, ctx.LastError, steps);
        for (int polls = 0; ; polls++)
        {
            rc = Run(ctx, CheckBusyStatus, false, steps);
            if (rc != 0) return Failed(rc, ctx.LastError, steps);
            if ((ctx.Value & 1) == 0) break;
            if (polls >= ActionInterpreter.MaxStallPolls) return Failed(Errno.EIO, "Firmware does not respond in time (CHECK_BUSY_STATUS stayed busy)", steps);
        }
        rc = Run(ctx, GetCommandStatus, false, steps);
        if (rc != 0) return Failed(rc, ctx.LastError, steps);
        ulong status = ctx.Value;
        if (status == EinjDevice.StatusUnknownFailure) return Failed(Errno.EBUSY, "GET_COMMAND_STATUS: firmware reports an unknown failure (1)", steps);
        if (status == EinjDevice.StatusInvalidAccess) return Failed(Errno.EINVAL, "GET_COMMAND_STATUS: firmware reports invalid access (2): it refused the request", steps);
        rc = Run(ctx, GetTriggerTable, false, steps);
        if (rc != 0) return Failed(rc, ctx.LastError, steps);
        rc = Trigger(ctx.Value, steps, out string? why);
        if (rc != 0) return Failed(rc, why, steps);
        rc = Run(ctx, EndOperation, true, steps);
        return rc != 0 ? Failed(rc, ctx.LastError, steps) : new EinjResult(0, null, steps);
    }

    /// <summary>__einj_error_trigger: check the trigger table's header and run its TRIGGER_ERROR entries.</summary>
    private int Trigger(ulong address, List<ActionStep> steps, out string? why)
    {
        why = null;
        Span<byte> h = stackalloc byte[EinjStructures.TriggerHeaderSize];
        _memory.Read(address, h);
        var header = TriggerHeaderView.Of(h); // Hest/Declarations/EinjDeclarations.cs, ACPI 6.5 Table 18.33
        uint headerSize = header.HeaderSize, tableSize = header.TableSize, count = header.EntryCount;
        if (headerSize != EinjStructures.TriggerHeaderSize || tableSize > 4096 || tableSize < headerSize || count != (tableSize - headerSize) / 32)
        {
            why = string.Create(CultureInfo.InvariantCulture, $"Invalid trigger error action table at 0x{address:X} (header size {headerSize}, table size {tableSize}, {count} entries)");
            Add(steps, new ActionStep("TRIGGER_ERROR", Errno.EINVAL, [], why));
            return Errno.EINVAL;
        }
        if (count == 0)
        {
            Add(steps, new ActionStep("TRIGGER_ERROR", 0, [], string.Create(CultureInfo.InvariantCulture, $"the trigger table at 0x{address:X} has no entries: nothing to run")));
            return 0;
        }
        var bytes = _memory.Read(address + headerSize, (int)(tableSize - headerSize));
        var entries = new InstructionEntry[count];
        for (int i = 0; i < entries.Length; i++) entries[i] = InstructionEntry.Read(bytes.AsSpan(i * 32, 32));
        var trigger = new ActionInterpreter(ActionTableKind.Einj, entries, _bus);
        int rc = trigger.Validate();
        if (rc == 0) rc = Run(trigger, TriggerError, false, steps);
        why = trigger.LastError;
        return rc;
    }

    /// <summary>Called with each action as it completes (the platform traces them in order).</summary>
    public Action<ActionStep>? StepTaken { get; set; }

    private void Add(List<ActionStep> steps, ActionStep step)
    {
        steps.Add(step);
        StepTaken?.Invoke(step);
    }

    private int Run(ActionInterpreter ctx, byte action, bool optional, List<ActionStep> steps) => ctx.RunStep(action, optional, steps, StepTaken);

    private static EinjResult Failed(int errno, string? why, List<ActionStep> steps) => new(errno, why, steps);

    /// <summary>The name of one error type bit ("memoryUncorrectableNonFatal").</summary>
    public static string Name(uint type) => EinjStructures.ErrorTypes.NamesOf(type) is { Count: > 0 } n ? string.Join("|", n) : string.Create(CultureInfo.InvariantCulture, $"0x{type:X}");
}
