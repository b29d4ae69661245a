using System.Globalization;
using ApeiKit.Hest;

namespace ApeiKit.Platform;

/// <summary>The Linux error numbers the APEI drivers return (include/uapi/asm-generic/errno-base.h), as positive values.</summary>
public static class Errno
{
    /// <summary>No such entry (an action the table lacks).</summary>
    public const int ENOENT = 2;
    /// <summary>I/O error (firmware did not answer in time).</summary>
    public const int EIO = 5;
    /// <summary>Busy (EINJ command status "unknown failure").</summary>
    public const int EBUSY = 16;
    /// <summary>No such device (the driver did not load).</summary>
    public const int ENODEV = 19;
    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;
    /// <summary>No space left (ERST store full).</summary>
    public const int ENOSPC = 28;

    /// <summary>"EINVAL" for 22, "0" for 0.</summary>
    public static string Name(int errno) => errno switch
    {
        0 => "0",
        ENOENT => "ENOENT",
        EIO => "EIO",
        EBUSY => "EBUSY",
        ENODEV => "ENODEV",
        EINVAL => "EINVAL",
        ENOSPC => "ENOSPC",
        _ => errno.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>One register access an instruction made.</summary>
/// <param name="Write">True for a write.</param>
/// <param name="SpaceId">GAS address space (0 system memory, 1 system I/O).</param>
/// <param name="Address">Address.</param>
/// <param name="AccessBits">Access width in bits (8, 16, 32, 64).</param>
/// <param name="Value">The value written or read (as the bus saw it, before shifts and masks).</param>
public readonly record struct RegisterAccess(bool Write, byte SpaceId, ulong Address, int AccessBits, ulong Value)
{
    /// <summary>"W32 [0xFEBD8000] = 0x5" or "R64 [0xFEBD8008] -> 0x1FF" (an I/O port is written "io:0x..").</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{(Write ? 'W' : 'R')}{AccessBits} [{(SpaceId == 1 ? "io:" : "")}0x{Address:X}] {(Write ? "=" : "->")} 0x{Value:X}");
}

/// <summary>The platform side of register accesses: memory and I/O space with whatever devices decode them.</summary>
public interface IRegisterBus
{
    /// <summary>Reads <paramref name="accessBits"/> bits (8, 16, 32 or 64) at <paramref name="address"/> of <paramref name="spaceId"/>.</summary>
    ulong Read(byte spaceId, ulong address, int accessBits);
    /// <summary>Writes the low <paramref name="accessBits"/> bits of <paramref name="value"/>.</summary>
    void Write(byte spaceId, ulong address, int accessBits, ulong value);
}

/// <summary>
/// The APEI action-table interpreter as Linux runs it (drivers/acpi/apei/apei-base.c <c>__apei_exec_run</c>, with the
/// instruction sets of einj-core.c and erst.c): every entry of the requested action is run in table order with one context
/// value (the input before, the output after); registers are checked as <c>apei_check_gar</c> checks them (address not 0,
/// access size 1-4, the 32/64-bit BIOS-bug fix-up, bit width + offset within the access, system memory or I/O) and read or
/// written at the access width; reads are shifted right by the bit offset and masked, writes masked, shifted and, with
/// PRESERVE_REGISTER, merged with the register's other bits. EINJ allows READ_REGISTER, READ_REGISTER_VALUE,
/// WRITE_REGISTER, WRITE_REGISTER_VALUE and NOOP (ACPI 6.5 Table 18.28; FLUSH_CACHELINE is not in Linux's set); ERST all of
/// Table 18.25 (0x00-0x12). Errors are Linux's: an action with no entry is ENOENT (0 when optional), an instruction
/// outside the set or a bad register EINVAL, a STALL_WHILE_TRUE that never ends EIO. Every access is recorded in
/// <see cref="Accesses"/>.
/// </summary>
public sealed class ActionInterpreter
{
    private readonly IReadOnlyList<InstructionEntry> _entries;
    private readonly IRegisterBus _bus;
    private readonly List<RegisterAccess> _accesses = [];
    private ulong _var1, _var2, _srcBase, _dstBase;

    /// <summary>Makes an interpreter over <paramref name="entries"/> (the table's entries, or a trigger table's).</summary>
    public ActionInterpreter(ActionTableKind kind, IReadOnlyList<InstructionEntry> entries, IRegisterBus bus)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(bus);
        Kind = kind;
        _entries = entries;
        _bus = bus;
    }

    /// <summary>ERST or EINJ (which instruction set applies).</summary>
    public ActionTableKind Kind { get; }

    /// <summary>
    /// Loads a table as Linux does before using it (drivers/acpi/apei/erst.c <c>erst_check_table</c>, einj-core.c
    /// <c>einj_check_table</c>, then apei-base.c <c>apei_exec_collect_resources</c>): the header size, Length against the
    /// bytes present, the entry count against Length (ACPI 6.5 §18.5, §18.6: 48-byte header, 32-byte entries), then every
    /// instruction checked by <see cref="Validate"/>. The interpreter over the entries, or null with
    /// <paramref name="error"/> in the kernel's words when a check fails.
    /// </summary>
    /// <param name="table">The table's bytes.</param>
    /// <param name="kind">ERST or EINJ.</param>
    /// <param name="bus">The register bus the instructions reach.</param>
    /// <param name="invalid">How the kernel starts a table message ("ERST table is invalid", "Invalid EINJ table").</param>
    /// <param name="headerName">The header's name in the size message ("serialization", "injection").</param>
    /// <param name="headerSizeOk">Which header sizes the kernel accepts.</param>
    /// <param name="unusable">What the kernel says before an instruction's error ("Failed to get Error Log Address Range: ").</param>
    /// <param name="entries">The entries read (empty when the table checks fail).</param>
    /// <param name="error">Why the table is refused, or null.</param>
    internal static ActionInterpreter? Load(ReadOnlySpan<byte> table, ActionTableKind kind, IRegisterBus bus, string invalid, string headerName,
        Func<long, bool> headerSizeOk, string unusable, out InstructionEntry[] entries, out string? error)
    {
        entries = [];
        error = null;
        try
        {
            var t = ActionTable.Read(table, kind);
            if (t.LengthLimitError is { } tooLong) error = invalid + ": " + tooLong.Message;
            else if (!headerSizeOk(t.HeaderSize)) error = $"{invalid} ({headerName} header size {t.HeaderSize}, expected 48)";
            else if (t.IsTruncated) error = $"{invalid} (Length {t.DeclaredLength}, {table.Length} bytes present)";
            else if (t.EntryCount != (t.DeclaredLength - 48) / 32) error = $"{invalid} (entry count {t.EntryCount}, Length holds {(t.DeclaredLength - 48) / 32})";
            if (error is not null) return null;
            entries = new InstructionEntry[t.EntriesPresent];
            for (int i = 0; i < entries.Length; i++) entries[i] = t[i];
        }
        catch (ApeiContentException e)
        {
            error = invalid + ": " + e.Message;
            return null;
        }
        var interpreter = new ActionInterpreter(kind, entries, bus);
        if (interpreter.Validate() == 0) return interpreter;
        error = unusable + interpreter.LastError;
        return null;
    }

    /// <summary>The context value: what <see cref="SetInput"/> set, or what the last action produced.</summary>
    public ulong Value { get; private set; }

    /// <summary>Every register access so far, in order.</summary>
    public IReadOnlyList<RegisterAccess> Accesses => _accesses;

    /// <summary>Why the last run failed, in words (null after a success).</summary>
    public string? LastError { get; private set; }

    /// <summary>Most STALL_WHILE_TRUE polls before the run gives up with EIO (Linux: FIRMWARE_TIMEOUT, 30 ms).</summary>
    public const int MaxStallPolls = 1000;

    /// <summary>Sets the input (<c>apei_exec_ctx_set_input</c>).</summary>
    public void SetInput(ulong value) => Value = value;

    /// <summary>Forgets the recorded accesses.</summary>
    public void ClearAccesses() => _accesses.Clear();

    /// <summary>True when the table has at least one entry for <paramref name="action"/>.</summary>
    public bool Has(byte action)
    {
        foreach (var e in _entries) if (e.Action == action) return true;
        return false;
    }

    /// <summary>
    /// What Linux checks when a driver loads the table (<c>apei_exec_collect_resources</c> and <c>apei_exec_pre_map_gars</c>):
    /// every entry's instruction is in the set, and every register an instruction accesses passes <c>apei_check_gar</c>.
    /// Returns 0 or <see cref="Errno.EINVAL"/> with <see cref="LastError"/> saying which entry.
    /// </summary>
    public int Validate()
    {
        LastError = null;
        bool erst = Kind == ActionTableKind.Erst;
        for (int i = 0; i < _entries.Count; i++)
        {
            var e = _entries[i];
            bool known = e.Instruction <= 0x04 || (erst && e.Instruction <= 0x12);
            if (!known)
                return Fail(Errno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"Invalid action table, unknown instruction type: {e.Instruction} (entry {i}, action {ActionName(e.Action)})"));
            // NOOP, ADD, SUBTRACT, STALL and GOTO touch no register (erst.c / einj-core.c instruction flags).
            bool accesses = e.Instruction is not (0x04 or 0x08 or 0x09 or 0x0C or 0x0F);
            if (accesses && CheckGar(e.Register, out _) != 0)
            {
                LastError = string.Create(CultureInfo.InvariantCulture, $"entry {i} (action {ActionName(e.Action)}): {LastError}");
                return Errno.EINVAL;
            }
        }
        return 0;
    }

    /// <summary>
    /// Runs one action as <see cref="Run"/> does and records it as a step of a driver flow (its register accesses, status
    /// and error) in <paramref name="steps"/>, telling <paramref name="stepTaken"/>; an optional action the table does not
    /// have, that touched nothing and succeeded, is not a step.
    /// </summary>
    internal int RunStep(byte action, bool optional, List<ActionStep> steps, Action<ActionStep>? stepTaken)
    {
        int before = Accesses.Count;
        int rc = Run(action, optional);
        var accesses = Accesses.Skip(before).ToArray();
        if (accesses.Length == 0 && rc == 0 && optional) return rc;
        var step = new ActionStep(Kind.Actions[action] ?? string.Create(CultureInfo.InvariantCulture, $"0x{action:X2}"), rc, accesses, rc == 0 ? null : LastError);
        steps.Add(step);
        stepTaken?.Invoke(step);
        return rc;
    }

    /// <summary>
    /// Runs <paramref name="action"/> (<c>apei_exec_run</c>, or <c>apei_exec_run_optional</c> when <paramref name="optional"/>).
    /// Returns 0 or a positive <see cref="Errno"/> value (Linux returns it negated).
    /// </summary>
    public int Run(byte action, bool optional = false)
    {
        LastError = null;
        int rc = -Errno.ENOENT;
        int ctxIp = 0;
        bool any = false;
        int guard = 0;
    rewind:
        int ip = 0;
        for (int i = 0; i < _entries.Count; i++)
        {
            var entry = _entries[i];
            if (entry.Action != action) continue;
            any = true;
            if (ip == ctxIp)
            {
                if (++guard > 100_000) return Fail(Errno.EIO, "the action's GOTO/SKIP instructions never end");
                rc = Execute(entry, ref ctxIp);
                if (rc < 0) return -rc;
                if (rc != SetIp) ctxIp++;
            }
            ip++;
            if (ctxIp < ip) goto rewind;
        }
        if (!any && !optional)
            return Fail(Errno.ENOENT, $"the table has no entry for action {ActionName(action)}");
        return 0;
    }

    private const int SetIp = 1;

    /// <summary>The most bytes one MOVE_DATA moves (1 MiB: the largest ERST record size a scenario may give).</summary>
    internal const ulong MaxMoveDataLength = 1 << 20;

    private string ActionName(byte action) => Kind.Actions[action] ?? string.Create(CultureInfo.InvariantCulture, $"0x{action:X2}");

    private int Fail(int errno, string why)
    {
        LastError = why;
        return errno;
    }

    private int Execute(InstructionEntry e, ref int ctxIp)
    {
        bool erst = Kind == ActionTableKind.Erst;
        int rc;
        ulong v;
        switch (e.Instruction)
        {
            case 0x00: // READ_REGISTER
                rc = ReadRegister(e, out v);
                if (rc != 0) return rc;
                Value = v;
                return 0;
            case 0x01: // READ_REGISTER_VALUE
                rc = ReadRegister(e, out v);
                if (rc != 0) return rc;
                Value = v == e.Value ? 1UL : 0UL;
                return 0;
            case 0x02: // WRITE_REGISTER
                return WriteRegister(e, Value);
            case 0x03: // WRITE_REGISTER_VALUE
                Value = e.Value;
                return WriteRegister(e, Value);
            case 0x04: // NOOP
                return 0;
            case 0x05 when erst: // LOAD_VAR1
                rc = ReadRegister(e, out _var1);
                return rc;
            case 0x06 when erst: // LOAD_VAR2
                return ReadRegister(e, out _var2);
            case 0x07 when erst: // STORE_VAR1
                return WriteRegister(e, _var1);
            case 0x08 when erst: // ADD
                _var1 += _var2;
                return 0;
            case 0x09 when erst: // SUBTRACT
                _var1 -= _var2;
                return 0;
            case 0x0A when erst: // ADD_VALUE
            case 0x0B when erst: // SUBTRACT_VALUE
                rc = ReadRegister(e, out v);
                if (rc != 0) return rc;
                v = e.Instruction == 0x0A ? v + e.Value : v - e.Value;
                return WriteRegister(e, v);
            case 0x0C when erst: // STALL: virtual time, nothing to wait for
                return 0;
            case 0x0D when erst: // STALL_WHILE_TRUE
                for (int polls = 0; ; polls++)
                {
                    rc = ReadRegister(e, out v);
                    if (rc != 0) return rc;
                    if (v != _var1) return 0;
                    if (polls >= MaxStallPolls) return -Fail(Errno.EIO, "STALL_WHILE_TRUE: the register kept its value (firmware does not respond in time)");
                }
            case 0x0E when erst: // SKIP_NEXT_INSTRUCTION_IF_TRUE
                rc = ReadRegister(e, out v);
                if (rc != 0) return rc;
                if (v == Value)
                {
                    ctxIp += 2;
                    return SetIp;
                }
                return 0;
            case 0x0F when erst: // GOTO
                ctxIp = (int)Math.Min(Value, int.MaxValue);
                return SetIp;
            case 0x10 when erst: // SET_SRC_ADDRESS_BASE
                return ReadRegister(e, out _srcBase);
            case 0x11 when erst: // SET_DST_ADDRESS_BASE
                return ReadRegister(e, out _dstBase);
            case 0x12 when erst: // MOVE_DATA
            {
                rc = ReadRegister(e, out ulong offset);
                if (rc != 0) return rc;
                // Linux (erst.c erst_exec_move_data) maps and moves VAR2 bytes whatever they are; the simulator moves at most
                // MaxMoveDataLength and fails a longer move with its error rather than moving part of it without a word.
                ulong length = _var2;
                if (length > MaxMoveDataLength)
                    return -Fail(Errno.EINVAL, string.Create(CultureInfo.InvariantCulture,
                        $"MOVE_DATA of {length} bytes (VAR2): more than {MaxMoveDataLength} (the most the simulator moves, the largest ERST record size)"));
                for (ulong i = 0; i < length; i++)
                {
                    ulong b = _bus.Read(0, _srcBase + offset + i, 8);
                    _bus.Write(0, _dstBase + offset + i, 8, b);
                }
                return 0;
            }
            default:
                return -Fail(Errno.EINVAL, string.Create(CultureInfo.InvariantCulture,
                    $"Invalid action table, unknown instruction type: {e.Instruction} (action {ActionName(e.Action)})"));
        }
    }

    /// <summary><c>apei_check_gar</c>: the access width, or a negative errno.</summary>
    private int CheckGar(in GenericAddress r, out int accessBits)
    {
        accessBits = 0;
        if (r.Address == 0) return -Fail(Errno.EINVAL, $"Invalid physical address in GAR [0x0/{r.BitWidth}/{r.BitOffset}/{r.AccessSize}/{r.AddressSpaceId}]");
        if (r.AccessSize is < 1 or > 4) return -Fail(Errno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"Invalid access size code in GAR [0x{r.Address:X}/{r.BitWidth}/{r.BitOffset}/{r.AccessSize}/{r.AddressSpaceId}]"));
        accessBits = 1 << (r.AccessSize + 2);
        // Linux's fix-up of a common BIOS bug: a 32/64-bit register with a smaller access size is accessed whole.
        if (r.BitWidth == 32 && r.BitOffset == 0 && (r.Address & 3) == 0 && accessBits < 32) accessBits = 32;
        else if (r.BitWidth == 64 && r.BitOffset == 0 && (r.Address & 7) == 0 && accessBits < 64) accessBits = 64;
        if (r.BitWidth + r.BitOffset > accessBits)
            return -Fail(Errno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"Invalid bit width + offset in GAR [0x{r.Address:X}/{r.BitWidth}/{r.BitOffset}/{r.AccessSize}/{r.AddressSpaceId}]"));
        if (r.AddressSpaceId is not (0 or 1))
            return -Fail(Errno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"Invalid address space type in GAR [0x{r.Address:X}/{r.BitWidth}/{r.BitOffset}/{r.AccessSize}/{r.AddressSpaceId}]"));
        return 0;
    }

    /// <summary><c>__apei_exec_read_register</c>: read at the access width, shift right by the bit offset, mask.</summary>
    private int ReadRegister(in InstructionEntry e, out ulong value)
    {
        value = 0;
        int rc = CheckGar(e.Register, out int bits);
        if (rc != 0) return rc;
        ulong raw = _bus.Read(e.Register.AddressSpaceId, e.Register.Address, bits);
        _accesses.Add(new RegisterAccess(false, e.Register.AddressSpaceId, e.Register.Address, bits, raw));
        value = (raw >> e.Register.BitOffset) & e.Mask;
        return 0;
    }

    /// <summary><c>__apei_exec_write_register</c>: mask, shift left by the bit offset, merge with PRESERVE_REGISTER, write.</summary>
    private int WriteRegister(in InstructionEntry e, ulong value)
    {
        int rc = CheckGar(e.Register, out int bits);
        if (rc != 0) return rc;
        value &= e.Mask;
        value <<= e.Register.BitOffset;
        if (e.PreservesRegister)
        {
            ulong old = _bus.Read(e.Register.AddressSpaceId, e.Register.Address, bits);
            _accesses.Add(new RegisterAccess(false, e.Register.AddressSpaceId, e.Register.Address, bits, old));
            old &= ~(e.Mask << e.Register.BitOffset);
            value |= old;
        }
        if (bits < 64) value &= (1UL << bits) - 1;
        _bus.Write(e.Register.AddressSpaceId, e.Register.Address, bits, value);
        _accesses.Add(new RegisterAccess(true, e.Register.AddressSpaceId, e.Register.Address, bits, value));
        return 0;
    }
}
