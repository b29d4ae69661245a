using System.Buffers.Binary;
using System.Globalization;
using ApeiKit.Hest;

namespace ApeiKit.Platform;

/// <summary>The result of an ERST operation the host kernel ran.</summary>
/// <param name="Errno">0 or Linux's error number (erst_errno of the command status, or the interpreter's).</param>
/// <param name="Why">Why it failed, in words (null on success).</param>
/// <param name="Steps">The actions run, in order.</param>
public sealed record ErstResult(int Errno, string? Why, IReadOnlyList<ActionStep> Steps);

/// <summary>
/// The host kernel's ERST driver, as Linux's drivers/acpi/apei/erst.c runs a table. Loading checks the table (erst_check_table:
/// header size 48, entry count against Length) and every entry, then runs GET_ERROR_LOG_ADDRESS_RANGE, _LENGTH and
/// _ATTRIBUTES (erst_get_erange). <see cref="Write"/> is erst_write: the record is copied into the error log address range
/// and BEGIN_WRITE (optional), SET_RECORD_OFFSET 0, EXECUTE_OPERATION, CHECK_BUSY_STATUS until 0, GET_COMMAND_STATUS and END
/// (optional) run; <see cref="Read"/> is erst_read (BEGIN_READ, SET_RECORD_OFFSET, SET_RECORD_ID, EXECUTE, busy, status, END,
/// then the record taken from the range); <see cref="RecordCount"/> runs GET_RECORD_COUNT, <see cref="RecordIds"/> runs
/// GET_RECORD_ID until the all-ones id, <see cref="Clear"/> runs BEGIN_CLEAR, SET_RECORD_ID, EXECUTE, busy, status, END.
/// Command statuses become errors as erst_errno says: 1 ENOSPC, 2 and 3 EIO, 4 and 5 ENOENT, others EINVAL.
/// </summary>
public sealed class ErstPersistence
{
    private const byte BeginWrite = 0x0, BeginRead = 0x1, BeginClear = 0x2, End = 0x3, SetRecordOffset = 0x4, Execute = 0x5, CheckBusy = 0x6,
        GetCommandStatus = 0x7, GetRecordId = 0x8, SetRecordId = 0x9, GetRecordCount = 0xA, GetRangeAddress = 0xD, GetRangeLength = 0xE, GetRangeAttributes = 0xF;

    private readonly IRegisterBus _bus;
    private readonly SparseMemory _memory;
    private readonly InstructionEntry[] _entries = [];

    /// <summary>Loads the driver on <paramref name="table"/> (the ERST bytes as the host read them).</summary>
    public ErstPersistence(ReadOnlySpan<byte> table, IRegisterBus bus, SparseMemory memory)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(memory);
        _bus = bus;
        _memory = memory;
        if (ActionInterpreter.Load(table, ActionTableKind.Erst, bus, "ERST table is invalid", "serialization", size => size == 48,
                "Failed to get Error Log Address Range: ", out _entries, out string? error) is not { } ctx)
        {
            LoadError = error;
            return;
        }
        var steps = new List<ActionStep>();
        int rc = Run(ctx, GetRangeAddress, false, steps);
        RangeAddress = ctx.Value;
        if (rc == 0) rc = Run(ctx, GetRangeLength, false, steps);
        RangeLength = ctx.Value;
        if (rc == 0) rc = Run(ctx, GetRangeAttributes, false, steps);
        RangeAttributes = ctx.Value;
        InitSteps = steps;
        if (rc != 0)
        {
            LoadError = "Failed to get Error Log Address Range: " + ctx.LastError;
            return;
        }
        if (RangeLength < 128 || RangeAddress == 0)
        {
            LoadError = string.Create(CultureInfo.InvariantCulture, $"Error Log Address Range 0x{RangeAddress:X}+0x{RangeLength:X} cannot hold a record");
            return;
        }
        Loaded = true;
    }

    /// <summary>True when the driver loaded ("ERST: Error Record Serialization Table (ERST) support is initialized.").</summary>
    public bool Loaded { get; }
    /// <summary>Why it did not load.</summary>
    public string? LoadError { get; }
    /// <summary>The actions run while loading.</summary>
    public IReadOnlyList<ActionStep> InitSteps { get; } = [];
    /// <summary>Error log address range: base.</summary>
    public ulong RangeAddress { get; }
    /// <summary>Error log address range: length.</summary>
    public ulong RangeLength { get; }
    /// <summary>Error log address range: attributes (bit 1 NVRAM, bit 2 slow).</summary>
    public ulong RangeAttributes { get; }

    /// <summary>erst_write: stores a CPER record.</summary>
    public ErstResult Write(ReadOnlySpan<byte> record)
    {
        if (!Loaded) return new ErstResult(Errno.ENODEV, "ERST is not available: " + LoadError, []);
        if (record.Length < 128 || !record.StartsWith("CPER"u8)) return new ErstResult(Errno.EINVAL, "not a CPER record", []);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(record[20..]);
        if (length > RangeLength || length > (uint)record.Length) return new ErstResult(Errno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"record length {length} exceeds the error log address range ({RangeLength} bytes)"), []);
        _memory.Write(RangeAddress, record[..(int)length]);
        var steps = new List<ActionStep>();
        Add(steps, new("copy", 0, [], string.Create(CultureInfo.InvariantCulture, $"{length}-byte record copied to the error log address range at 0x{RangeAddress:X}")));
        var ctx = new ActionInterpreter(ActionTableKind.Erst, _entries, _bus);
        int rc = Run(ctx, BeginWrite, true, steps);
        if (rc != 0) return new ErstResult(rc, ctx.LastError, steps);
        ctx.SetInput(0);
        return Finish(ctx, [SetRecordOffset], steps);
    }

    /// <summary>erst_get_record_count: GET_RECORD_COUNT.</summary>
    public ErstResult RecordCount(out ulong count)
    {
        count = 0;
        if (!Loaded) return new ErstResult(Errno.ENODEV, "ERST is not available: " + LoadError, []);
        var steps = new List<ActionStep>();
        var ctx = new ActionInterpreter(ActionTableKind.Erst, _entries, _bus);
        int rc = Run(ctx, GetRecordCount, false, steps);
        count = ctx.Value;
        return new ErstResult(rc, rc == 0 ? null : ctx.LastError, steps);
    }

    /// <summary>The record ids, by GET_RECORD_ID until the all-ones id (or an id seen before: the walk wrapped), at most 4096.</summary>
    public ErstResult RecordIds(out List<ulong> ids)
    {
        ids = [];
        if (!Loaded) return new ErstResult(Errno.ENODEV, "ERST is not available: " + LoadError, []);
        var steps = new List<ActionStep>();
        var ctx = new ActionInterpreter(ActionTableKind.Erst, _entries, _bus);
        var seen = new HashSet<ulong>();
        for (int i = 0; i < 4096; i++)
        {
            int rc = Run(ctx, GetRecordId, false, steps);
            if (rc != 0) return new ErstResult(rc, ctx.LastError, steps);
            ulong id = ctx.Value;
            if (id == ErstDevice.EmptyEndRecordId || !seen.Add(id)) break;
            ids.Add(id);
        }
        return new ErstResult(0, null, steps);
    }

    /// <summary>erst_read: reads the record <paramref name="recordId"/> (null when it failed).</summary>
    public ErstResult Read(ulong recordId, out byte[]? record)
    {
        record = null;
        if (!Loaded) return new ErstResult(Errno.ENODEV, "ERST is not available: " + LoadError, []);
        var steps = new List<ActionStep>();
        var ctx = new ActionInterpreter(ActionTableKind.Erst, _entries, _bus);
        int rc = Run(ctx, BeginRead, true, steps);
        if (rc != 0) return new ErstResult(rc, ctx.LastError, steps);
        ctx.SetInput(0);
        rc = Run(ctx, SetRecordOffset, false, steps);
        if (rc != 0) return new ErstResult(rc, ctx.LastError, steps);
        ctx.SetInput(recordId);
        var result = Finish(ctx, [SetRecordId], steps);
        if (result.Errno != 0) return result;
        uint length = _memory.ReadU32(RangeAddress + 20);
        if (length < 128 || length > RangeLength) return new ErstResult(Errno.EIO, string.Create(CultureInfo.InvariantCulture, $"the record read has RecordLength {length}"), steps);
        record = _memory.Read(RangeAddress, (int)length);
        return result;
    }

    /// <summary>erst_clear: clears the record <paramref name="recordId"/>.</summary>
    public ErstResult Clear(ulong recordId)
    {
        if (!Loaded) return new ErstResult(Errno.ENODEV, "ERST is not available: " + LoadError, []);
        var steps = new List<ActionStep>();
        var ctx = new ActionInterpreter(ActionTableKind.Erst, _entries, _bus);
        int rc = Run(ctx, BeginClear, true, steps);
        if (rc != 0) return new ErstResult(rc, ctx.LastError, steps);
        ctx.SetInput(recordId);
        return Finish(ctx, [SetRecordId], steps);
    }

    /// <summary>The shared tail: the given set-up actions, EXECUTE_OPERATION, CHECK_BUSY_STATUS until 0, GET_COMMAND_STATUS, END.</summary>
    private ErstResult Finish(ActionInterpreter ctx, byte[] setup, List<ActionStep> steps)
    {
        foreach (byte a in setup)
        {
            int r = Run(ctx, a, false, steps);
            if (r != 0) return new ErstResult(r, ctx.LastError, steps);
        }
        int rc = Run(ctx, Execute, false, steps);
        if (rc != 0) return new ErstResult(rc, ctx.LastError, steps);
        for (int polls = 0; ; polls++)
        {
            rc = Run(ctx, CheckBusy, false, steps);
            if (rc != 0) return new ErstResult(rc, ctx.LastError, steps);
            if (ctx.Value == 0) break;
            if (polls >= ActionInterpreter.MaxStallPolls) return new ErstResult(Errno.EIO, "Firmware does not respond in time (CHECK_BUSY_STATUS stayed busy)", steps);
        }
        rc = Run(ctx, GetCommandStatus, false, steps);
        if (rc != 0) return new ErstResult(rc, ctx.LastError, steps);
        ulong status = ctx.Value;
        rc = Run(ctx, End, true, steps);
        if (rc != 0) return new ErstResult(rc, ctx.LastError, steps);
        int errno = status switch
        {
            0 => 0,
            1 => Errno.ENOSPC,
            2 or 3 => Errno.EIO,
            4 or 5 => Errno.ENOENT,
            _ => Errno.EINVAL,
        };
        return new ErstResult(errno, errno == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"command status {status} ({StatusName(status)})"), steps);
    }

    /// <summary>ERST command status names (ACPI 6.5 Table 18.26).</summary>
    public static string StatusName(ulong status) => status switch
    {
        0 => "success",
        1 => "not enough space",
        2 => "hardware not available",
        3 => "failed",
        4 => "record store empty",
        5 => "record not found",
        _ => "unknown",
    };

    /// <summary>Called with each action as it completes (the platform traces them in order).</summary>
    public Action<ActionStep>? StepTaken { get; set; }

    private void Add(List<ActionStep> steps, ActionStep step)
    {
        steps.Add(step);
        StepTaken?.Invoke(step);
    }

    private int Run(ActionInterpreter ctx, byte action, bool optional, List<ActionStep> steps) => ctx.RunStep(action, optional, steps, StepTaken);
}
