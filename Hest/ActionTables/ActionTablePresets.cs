namespace ApeiKit.Hest;

/// <summary>
/// Ready-made ERST and EINJ tables for virtual machines.
/// <list type="bullet">
/// <item><c>qemu</c> (ERST): the table QEMU's <c>-device acpi-erst</c> builds (hw/acpi/erst.c <c>build_erst</c>): 27 entries
/// over two registers of the device's BAR 0, an action (command) register at base + 0 (32-bit) and a value register at
/// base + 8 (32 or 64-bit accesses), execute-operation magic 0x9C, header "BOCHS " / "BXPC    " / "BXPC", 912 bytes. The base
/// is 0xFEBD7000 by default (what a q35 guest showed); QEMU's firmware puts BAR 0 where the PCI enumeration leaves it.</item>
/// <item><c>default</c> (EINJ): ApeiKit's documented table (docs/erst-einj.md): the same action/value register pair at
/// base + 0 and base + 8 (base 0xFEBD8000 by default), one or two entries per action 0-9, SET_ERROR_TYPE_WITH_ADDRESS's
/// register being the parameter structure at base + 0x100.</item>
/// </list>
/// </summary>
public static class ActionTablePresets
{
    /// <summary>Default base of QEMU's ERST registers (BAR 0 of acpi-erst as a q35 guest saw it).</summary>
    public const ulong QemuErstBase = 0xFEBD7000;
    /// <summary>QEMU's execute-operation magic (ERST_EXECUTE_OPERATION_MAGIC).</summary>
    public const byte QemuExecuteMagic = 0x9C;
    /// <summary>Default base of the default EINJ's registers.</summary>
    public const ulong DefaultEinjBase = 0xFEBD8000;
    /// <summary>Offset of the SET_ERROR_TYPE_WITH_ADDRESS structure from the EINJ base.</summary>
    public const ulong EinjParameterOffset = 0x100;

    /// <summary>Preset names per table.</summary>
    public static IReadOnlyList<string> Names(ActionTableKind kind) => kind == ActionTableKind.Erst ? ["qemu"] : ["default"];

    /// <summary>Builds a preset at <paramref name="registerBase"/> (null: the preset's default).</summary>
    /// <exception cref="ArgumentException">Unknown preset.</exception>
    public static ActionTableModel Create(ActionTableKind kind, string name, ulong? registerBase = null, byte? executeMagic = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return (kind.Signature, name) switch
        {
            ("ERST", "qemu") => QemuErst(registerBase ?? QemuErstBase, executeMagic ?? QemuExecuteMagic),
            ("EINJ", "default") => DefaultEinj(registerBase ?? DefaultEinjBase),
            _ => throw new ArgumentException($"no {kind.Signature} preset '{name}'; known: {string.Join(", ", Names(kind))}", nameof(name)),
        };
    }

    private static GenericAddress Register(ulong address, byte bits) => new((byte)AddressSpace.SystemMemory, bits, 0, (byte)(System.Numerics.BitOperations.TrailingZeroCount(bits) - 2), address);
    private static ulong MaskOf(byte bits) => bits >= 64 ? ulong.MaxValue : (1UL << bits) - 1;
    private static InstructionEntry Entry(byte action, byte instruction, GenericAddress register, ulong value)
        => new(action, instruction, 0, 0, register, value, MaskOf(register.BitWidth));

    /// <summary>QEMU's acpi-erst table (hw/acpi/erst.c build_erst), entry for entry.</summary>
    public static ActionTableModel QemuErst(ulong registerBase, byte executeMagic = QemuExecuteMagic)
    {
        const byte ReadRegister = 0x00, ReadRegisterValue = 0x01, WriteRegister = 0x02, WriteRegisterValue = 0x03;
        var action = Register(registerBase, 32);
        var value32 = Register(registerBase + 8, 32);
        var value64 = Register(registerBase + 8, 64);
        var m = new ActionTableModel(ActionTableKind.Erst)
        {
            Header = new AcpiTableHeaderData { Signature = "ERST", Revision = 1, OemId = "BOCHS ", OemTableId = "BXPC    ", OemRevision = 1, CreatorId = "BXPC", CreatorRevision = 1 },
        };
        var e = m.Entries;
        InstructionEntry Act(byte a) => Entry(a, WriteRegisterValue, action, a);
        for (byte a = 0x0; a <= 0x3; a++) e.Add(Act(a)); // begin write/read/clear, end
        e.Add(Entry(0x4, WriteRegister, value32, 0)); e.Add(Act(0x4)); // set record offset
        e.Add(Entry(0x5, WriteRegisterValue, value32, executeMagic)); e.Add(Act(0x5)); // execute operation
        e.Add(Act(0x6)); e.Add(Entry(0x6, ReadRegisterValue, value32, 0x01)); // check busy status
        e.Add(Act(0x7)); e.Add(Entry(0x7, ReadRegister, value32, 0)); // get command status
        e.Add(Act(0x8)); e.Add(Entry(0x8, ReadRegister, value64, 0)); // get record identifier
        e.Add(Entry(0x9, WriteRegister, value64, 0)); e.Add(Act(0x9)); // set record identifier
        e.Add(Act(0xA)); e.Add(Entry(0xA, ReadRegister, value32, 0)); // get record count
        e.Add(Act(0xB)); // begin dummy write
        e.Add(Act(0xD)); e.Add(Entry(0xD, ReadRegister, value64, 0)); // error log address range
        e.Add(Act(0xE)); e.Add(Entry(0xE, ReadRegister, value64, 0)); // ... length
        e.Add(Act(0xF)); e.Add(Entry(0xF, ReadRegister, value32, 0)); // ... attributes
        e.Add(Act(0x10)); e.Add(Entry(0x10, ReadRegister, value64, 0)); // execute operation timings
        return m;
    }

    /// <summary>ApeiKit's default EINJ (see the class remarks and docs/erst-einj.md).</summary>
    public static ActionTableModel DefaultEinj(ulong registerBase)
    {
        const byte ReadRegister = 0x00, ReadRegisterValue = 0x01, WriteRegister = 0x02, WriteRegisterValue = 0x03;
        var action = Register(registerBase, 32);
        var value32 = Register(registerBase + 8, 32);
        var value64 = Register(registerBase + 8, 64);
        var parameters = Register(registerBase + EinjParameterOffset, 32);
        var m = new ActionTableModel(ActionTableKind.Einj)
        {
            Header = new AcpiTableHeaderData { Signature = "EINJ", Revision = 1, OemId = "APEIKT", OemTableId = "APEIKIT ", OemRevision = 1, CreatorId = "APKT", CreatorRevision = 1 },
        };
        var e = m.Entries;
        InstructionEntry Act(byte a) => Entry(a, WriteRegisterValue, action, a);
        e.Add(Act(0x0)); // begin injection operation
        e.Add(Act(0x1)); e.Add(Entry(0x1, ReadRegister, value64, 0)); // trigger error action table address
        e.Add(Entry(0x2, WriteRegister, value32, 0)); e.Add(Act(0x2)); // set error type
        e.Add(Act(0x3)); e.Add(Entry(0x3, ReadRegister, value32, 0)); // get error type
        e.Add(Act(0x4)); // end operation
        e.Add(Act(0x5)); // execute operation
        e.Add(Act(0x6)); e.Add(Entry(0x6, ReadRegisterValue, value32, 0x01) with { Mask = 0x01 }); // check busy status
        e.Add(Act(0x7)); e.Add(Entry(0x7, ReadRegister, value32, 0)); // get command status
        e.Add(Entry(0x8, WriteRegister, parameters, 0)); // SET_ERROR_TYPE_WITH_ADDRESS: the register is the structure
        e.Add(Act(0x9)); e.Add(Entry(0x9, ReadRegister, value64, 0)); // execute operation timings
        return m;
    }
}
