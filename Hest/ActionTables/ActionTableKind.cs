using System.Collections.Frozen;

namespace ApeiKit.Hest;

/// <summary>
/// What differs between the two APEI tables made of 32-byte instruction entries: ERST (ACPI 6.5 §18.5, Error Record
/// Serialization Table) and EINJ (ACPI 6.5 §18.6, Error Injection table). Both are the 36-byte ACPI header, a 12-byte
/// table header whose first u32 is its own size (48 counted from the start of the table) and whose last u32 is the
/// entry count, then <see cref="ActionTableLayouts.EntrySize"/>-byte entries: action, instruction, flags, reserved,
/// register region (GAS), value, mask. The two tables name the actions and instructions differently.
/// </summary>
public sealed class ActionTableKind
{
    private ActionTableKind(string signature, string name, StructDef header, NameTable actions, NameTable instructions,
        IReadOnlyDictionary<ulong, string> actionMeanings, IReadOnlyDictionary<ulong, string> instructionMeanings, string entryLabel)
    {
        Signature = signature;
        Name = name;
        HeaderLayout = header;
        Actions = actions;
        Instructions = instructions;
        ActionMeanings = actionMeanings;
        InstructionMeanings = instructionMeanings;
        EntryLabel = entryLabel;
        EntryLayout = ActionTableLayouts.Entry(actions, instructions);
    }

    /// <summary>"ERST" or "EINJ".</summary>
    public string Signature { get; }
    /// <summary>Human name of the table.</summary>
    public string Name { get; }
    /// <summary>The table header after the ACPI header (offsets 36 to 47, offsets in the layout are from the start of the table).</summary>
    public StructDef HeaderLayout { get; }
    /// <summary>Action names (Serialization Actions, ACPI 6.5 Table 18.23; Injection Actions, Table 18.26).</summary>
    public NameTable Actions { get; }
    /// <summary>Instruction names (Serialization Instructions, Table 18.25; Injection Instructions, Table 18.28).</summary>
    public NameTable Instructions { get; }
    /// <summary>What each action asks the platform for, in a sentence.</summary>
    public IReadOnlyDictionary<ulong, string> ActionMeanings { get; }
    /// <summary>What each instruction does, in a sentence.</summary>
    public IReadOnlyDictionary<ulong, string> InstructionMeanings { get; }
    /// <summary>"Serialization instruction entry" or "Injection instruction entry".</summary>
    public string EntryLabel { get; }
    /// <summary>The 32-byte entry layout with this table's names.</summary>
    public StructDef EntryLayout { get; }

    /// <summary>The Error Record Serialization Table (ACPI 6.5 §18.5).</summary>
    public static ActionTableKind Erst { get; } = new("ERST", "Error Record Serialization Table",
        ErstHeaderDeclaration.LayoutDef,
        new NameTable([
            new(0x00, "BEGIN_WRITE_OPERATION"), new(0x01, "BEGIN_READ_OPERATION"), new(0x02, "BEGIN_CLEAR_OPERATION"),
            new(0x03, "END_OPERATION"), new(0x04, "SET_RECORD_OFFSET"), new(0x05, "EXECUTE_OPERATION"), new(0x06, "CHECK_BUSY_STATUS"),
            new(0x07, "GET_COMMAND_STATUS"), new(0x08, "GET_RECORD_IDENTIFIER"), new(0x09, "SET_RECORD_IDENTIFIER"),
            new(0x0A, "GET_RECORD_COUNT"), new(0x0B, "BEGIN_DUMMY_WRITE_OPERATION"), new(0x0C, "RESERVED"),
            new(0x0D, "GET_ERROR_LOG_ADDRESS_RANGE"), new(0x0E, "GET_ERROR_LOG_ADDRESS_RANGE_LENGTH"),
            new(0x0F, "GET_ERROR_LOG_ADDRESS_RANGE_ATTRIBUTES"), new(0x10, "GET_EXECUTE_OPERATION_TIMINGS"),
        ]),
        ActionTableLayouts.ErstInstructions,
        new Dictionary<ulong, string>
        {
            [0x00] = "starts a write: the record to store is in the error log address range at the record offset",
            [0x01] = "starts a read of the record whose identifier was set (0: the first record)",
            [0x02] = "starts clearing (deleting) the record whose identifier was set",
            [0x03] = "ends the current operation",
            [0x04] = "sets the offset of the record in the error log address range (input)",
            [0x05] = "makes the platform carry out the operation begun",
            [0x06] = "returns 1 while the operation is still running, 0 when done",
            [0x07] = "returns the status of the last operation (0 success, 1 not enough space, 2 hardware not available, 3 failed, 4 record store empty, 5 record not found)",
            [0x08] = "returns the identifier of a stored record (all ones: no more records)",
            [0x09] = "sets the identifier of the record to read or clear (input)",
            [0x0A] = "returns the number of records in the store",
            [0x0B] = "starts a write that stores nothing (to check the path)",
            [0x0C] = "reserved",
            [0x0D] = "returns the physical address of the error log address range",
            [0x0E] = "returns the length of the error log address range",
            [0x0F] = "returns the range's attributes (bit 0 non-volatile, bit 1 slow)",
            [0x10] = "returns execute-operation timings (bits 63:32 maximum, 31:0 nominal, in microseconds)",
        }.ToFrozenDictionary(),
        ActionTableLayouts.ErstInstructionMeanings, "Serialization instruction entry");

    /// <summary>The Error Injection table (ACPI 6.5 §18.6, with the EINJv2 action of ACPI 6.6).</summary>
    public static ActionTableKind Einj { get; } = new("EINJ", "Error Injection table",
        EinjHeaderDeclaration.LayoutDef,
        new NameTable([
            new(0x00, "BEGIN_INJECTION_OPERATION"), new(0x01, "GET_TRIGGER_ERROR_ACTION_TABLE"), new(0x02, "SET_ERROR_TYPE"),
            new(0x03, "GET_ERROR_TYPE"), new(0x04, "END_OPERATION"), new(0x05, "EXECUTE_OPERATION"), new(0x06, "CHECK_BUSY_STATUS"),
            new(0x07, "GET_COMMAND_STATUS"), new(0x08, "SET_ERROR_TYPE_WITH_ADDRESS"), new(0x09, "GET_EXECUTE_OPERATION_TIMINGS"),
            new(0x11, "EINJV2_GET_ERROR_TYPE"), new(0xFF, "TRIGGER_ERROR"),
        ]),
        new NameTable([
            new(0x00, "READ_REGISTER"), new(0x01, "READ_REGISTER_VALUE"), new(0x02, "WRITE_REGISTER"), new(0x03, "WRITE_REGISTER_VALUE"),
            new(0x04, "NOOP"), new(0x05, "FLUSH_CACHELINE"),
        ]),
        new Dictionary<ulong, string>
        {
            [0x00] = "starts an injection session",
            [0x01] = "returns the physical address of the trigger error action table",
            [0x02] = "sets the error type to inject (input: one bit of the error type bitmap)",
            [0x03] = "returns the error types the platform can inject (a bitmap)",
            [0x04] = "ends the injection session",
            [0x05] = "makes the platform carry out the injection set up",
            [0x06] = "returns 1 while the operation is still running, 0 when done",
            [0x07] = "returns the status of the last operation (0 success, 1 unknown failure, 2 invalid access)",
            [0x08] = "the register is the SET_ERROR_TYPE_WITH_ADDRESS data structure: error type, flags, APIC ID, memory address and mask, PCIe SBDF",
            [0x09] = "returns execute-operation timings (bits 63:32 maximum, 31:0 nominal, in microseconds)",
            [0x11] = "returns the EINJv2 error types the platform can inject (ACPI 6.6; read when GET_ERROR_TYPE has bit 30 set)",
            [0xFF] = "trigger error action table only: an instruction that makes the injected error happen",
        }.ToFrozenDictionary(),
        new Dictionary<ulong, string>
        {
            [0x00] = ActionTableLayouts.ErstInstructionMeanings[0x00],
            [0x01] = ActionTableLayouts.ErstInstructionMeanings[0x01],
            [0x02] = ActionTableLayouts.ErstInstructionMeanings[0x02],
            [0x03] = ActionTableLayouts.ErstInstructionMeanings[0x03],
            [0x04] = ActionTableLayouts.ErstInstructionMeanings[0x04],
            [0x05] = "flushes the cache line holding the address in the register",
        }.ToFrozenDictionary(), "Injection instruction entry");

    /// <summary>The kind whose signature starts <paramref name="bytes"/>, or null.</summary>
    public static ActionTableKind? Of(ReadOnlySpan<byte> bytes)
        => bytes.StartsWith("ERST"u8) ? Erst : bytes.StartsWith("EINJ"u8) ? Einj : null;

    /// <inheritdoc/>
    public override string ToString() => Signature;
}

/// <summary>The shared layouts of the instruction-entry tables (ACPI 6.5 §18.5.1.2 Table 18.24, §18.6.1 Table 18.27).</summary>
public static class ActionTableLayouts
{
    // The header and entry are declared once (Declarations/EinjDeclarations.cs: ErstHeaderDeclaration,
    // EinjHeaderDeclaration, InstructionEntryDeclaration); these shipped constants are written from the generated
    // Declared constants. The ERST and EINJ headers hold their size and count at the same offsets (a test holds them equal).
    /// <summary>Size of the table header: the 36-byte ACPI header and the 12-byte serialization / injection header.</summary>
    public const int TableHeaderSize = ErstHeaderDeclaration.Declared.Size;
    /// <summary>Offset of the header-size field.</summary>
    public const int HeaderSizeOffset = ErstHeaderDeclaration.Declared.SerializationHeaderSizeOffset;
    /// <summary>Offset of the entry count.</summary>
    public const int EntryCountOffset = ErstHeaderDeclaration.Declared.InstructionEntryCountOffset;
    /// <summary>Size of one instruction entry.</summary>
    public const int EntrySize = InstructionEntryDeclaration.Declared.Size;
    /// <summary>Offset of the register region (GAS) in an entry.</summary>
    public const int RegisterOffset = InstructionEntryDeclaration.Declared.RegisterRegionOffset;
    /// <summary>Offset of Value in an entry.</summary>
    public const int ValueOffset = InstructionEntryDeclaration.Declared.ValueOffset;
    /// <summary>Offset of Mask in an entry.</summary>
    public const int MaskOffset = InstructionEntryDeclaration.Declared.MaskOffset;

    /// <summary>Entry flags: bit 0 PRESERVE_REGISTER (ACPI 6.5 Table 18.26 / 18.29).</summary>
    public static FlagTable EntryFlags { get; } = [ new(0, "preserveRegister") ];

    /// <summary>Serialization instruction names (ACPI 6.5 Table 18.25).</summary>
    public static NameTable ErstInstructions { get; } = [
        new(0x00, "READ_REGISTER"), new(0x01, "READ_REGISTER_VALUE"), new(0x02, "WRITE_REGISTER"), new(0x03, "WRITE_REGISTER_VALUE"),
        new(0x04, "NOOP"), new(0x05, "LOAD_VAR1"), new(0x06, "LOAD_VAR2"), new(0x07, "STORE_VAR1"), new(0x08, "ADD"), new(0x09, "SUBTRACT"),
        new(0x0A, "ADD_VALUE"), new(0x0B, "SUBTRACT_VALUE"), new(0x0C, "STALL"), new(0x0D, "STALL_WHILE_TRUE"),
        new(0x0E, "SKIP_NEXT_INSTRUCTION_IF_TRUE"), new(0x0F, "GOTO"), new(0x10, "SET_SRC_ADDRESS_BASE"), new(0x11, "SET_DST_ADDRESS_BASE"),
        new(0x12, "MOVE_DATA"),
    ];

    /// <summary>What each serialization instruction does (ACPI 6.5 Table 18.25).</summary>
    public static IReadOnlyDictionary<ulong, string> ErstInstructionMeanings { get; } = new Dictionary<ulong, string>
    {
        [0x00] = "reads the register; (value >> bit offset) & mask is the action's result",
        [0x01] = "reads the register; the result is 1 when (value >> bit offset) & mask equals Value, else 0",
        [0x02] = "writes the action's input (& mask, << bit offset) to the register",
        [0x03] = "writes Value (& mask, << bit offset) to the register",
        [0x04] = "does nothing",
        [0x05] = "reads the register into the temporary variable VAR1",
        [0x06] = "reads the register into the temporary variable VAR2",
        [0x07] = "writes VAR1 to the register",
        [0x08] = "VAR1 = VAR1 + VAR2",
        [0x09] = "VAR1 = VAR1 - VAR2",
        [0x0A] = "adds Value to the register",
        [0x0B] = "subtracts Value from the register",
        [0x0C] = "waits Value microseconds",
        [0x0D] = "waits Value microseconds while the register (masked) equals VAR1",
        [0x0E] = "skips the next instruction when the register (masked) equals Value",
        [0x0F] = "continues at the instruction whose index is Value",
        [0x10] = "sets the source address base to the register's value",
        [0x11] = "sets the destination address base to the register's value",
        [0x12] = "copies VAR2 bytes from source base + register to destination base + register",
    }.ToFrozenDictionary();

    /// <summary>The 32-byte entry with the given names; the register region is described as a nested GAS (offset 4).</summary>
    /// <remarks>The declared entry (InstructionEntryDeclaration) with Action and Instruction named by the table's lists.</remarks>
    public static StructDef Entry(NameTable actions, NameTable instructions) => new("Instruction entry", EntrySize,
        InstructionEntryDeclaration.LayoutDef.Fields.Select(f =>
            f == InstructionEntryDeclaration.ActionField ? f with { Kind = FieldKind.Enum, Names = actions }
            : f == InstructionEntryDeclaration.InstructionField ? f with { Kind = FieldKind.Enum, Names = instructions }
            : f).ToArray());
}
