using System.Globalization;

namespace ApeiKit.Hest;

/// <summary>
/// Checks an ERST (ACPI 6.5 §18.5) or EINJ (§18.6) with at least fwts' checks (src/acpi/erst/erst.c: reserved,
/// header size vs length, entries vs length, actions 0x00-0x10, instructions 0x00-0x12, flags of write instructions,
/// GAS access size; src/acpi/einj/einj.c: injection flags and reserved bytes zero, actions 0-9 or 0xFF, instructions
/// 0-4, entry reserved byte, register in system memory or system I/O) and Linux's table checks
/// (drivers/acpi/apei/erst.c erst_check_table, einj-core.c einj_check_table: header size 48, the entry count equal to
/// what Length holds). Findings reuse <see cref="HestFinding"/> (severity, rule, offset, structure, field, message).
/// </summary>
public static class ActionTableValidator
{
    /// <summary>ERST actions a store Linux can use needs (the operations of §18.5.2: write, read, clear, and their plumbing).</summary>
    private static readonly byte[] s_erstRequired = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0D, 0x0E, 0x0F];
    /// <summary>EINJ actions an injection needs (§18.6.4: begin, set type, get type, execute, busy, status, end, trigger table).</summary>
    private static readonly byte[] s_einjRequired = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07];

    /// <summary>Validates a table (ERST or EINJ by its signature).</summary>
    /// <param name="table">The table bytes.</param>
    /// <param name="maxPerRule">At most this many findings of one rule are listed; the rest are summarised.</param>
    public static List<HestFinding> Validate(ReadOnlySpan<byte> table, int maxPerRule = HestValidator.DefaultMaxPerRule)
    {
        var f = new HestFindingList(maxPerRule, ActionTableKind.Of(table)?.Signature ?? "table");
        ActionTable t;
        try
        {
            t = ActionTable.Read(table);
        }
        catch (ApeiContentException e)
        {
            f.Add(FindingSeverity.Error, "header", e.Offset, "table header", e.Field, e.Message);
            return f.ToList();
        }
        var kind = t.Kind;
        bool erst = kind == ActionTableKind.Erst;
        string hdr = kind.Signature + " header";
        var b = t.Bytes;
        if (t.DeclaredLength > ActionTable.MaxLength)
            f.Add(FindingSeverity.Error, "length", AcpiTableHeader.LengthOffset, hdr, "length", $"Length {t.DeclaredLength}: expected {ActionTable.MaxLengthExpected}; checking the first {b.Length} bytes");
        else if (t.IsTruncated)
            f.Add(FindingSeverity.Error, "length", AcpiTableHeader.LengthOffset, hdr, "length", $"Length is {t.DeclaredLength} but only {table.Length} bytes are present");
        else if (t.DeclaredLength < (uint)table.Length)
            f.Add(FindingSeverity.Warning, "length", AcpiTableHeader.LengthOffset, hdr, "length", $"Length says {t.DeclaredLength} bytes; the {table.Length - t.DeclaredLength} bytes after it are ignored");
        // The checksum covers Length bytes: with some missing there is no sum to check (nor a right checksum byte to name).
        if (!t.IsTruncated && !t.IsChecksumValid)
            f.Add(FindingSeverity.Error, "checksum", AcpiTableHeader.ChecksumOffset, hdr, "checksum", $"bytes sum to 0x{Checksum.Sum(b):X2}, not 0 (checksum byte 0x{b[AcpiTableHeader.ChecksumOffset]:X2}, should be 0x{Checksum.Compute(b, AcpiTableHeader.ChecksumOffset):X2})");
        if (b[8] != 1)
            f.Add(FindingSeverity.Warning, "revision", 8, hdr, "revision", $"revision {b[8]}; ACPI 6.5 defines revision 1");
        string sizeField = erst ? "serializationHeaderSize" : "injectionHeaderSize";
        if (t.HeaderSize != ActionTableLayouts.TableHeaderSize)
            f.Add(FindingSeverity.Error, "header-size", ActionTableLayouts.HeaderSizeOffset, hdr, sizeField,
                t.HeaderSize > t.DeclaredLength
                    ? $"header size {t.HeaderSize} is greater than the table length {t.DeclaredLength}"
                    : $"header size is {t.HeaderSize}; it is 48 (Linux refuses the table otherwise)");
        if (!erst && b[EinjHeaderDeclaration.Declared.InjectionFlagsOffset] != 0)
            f.Add(FindingSeverity.Error, "injection-flags", EinjHeaderDeclaration.Declared.InjectionFlagsOffset, hdr, "injectionFlags", $"Injection Flags is 0x{b[EinjHeaderDeclaration.Declared.InjectionFlagsOffset]:X2}; every bit is reserved (must be 0)");
        // The reserved bytes between the header size and the entry count (ERST 40-43, EINJ 41-43 after Injection Flags):
        // the declarations' [Reserved] ranges (Declarations/EinjDeclarations.cs), not written here again.
        var reservedField = (erst ? ErstHeaderDeclaration.LayoutDef : EinjHeaderDeclaration.LayoutDef).Find("reserved")!;
        var reserved = b.Slice(reservedField.Offset, reservedField.Size);
        if (reserved.ContainsAnyExcept((byte)0))
            f.Add(FindingSeverity.Error, "reserved", reservedField.Offset, hdr, "reserved", $"reserved field is not zero ({FieldFormat.HexBytes(reserved)})");
        string countField = erst ? "instructionEntryCount" : "injectionEntryCount";
        uint count = t.EntryCount;
        int present = t.EntriesPresent;
        // What Length describes (the bytes may be fewer: a truncated table is reported once above, not again as a wrong count).
        long declaredEntries = (t.DeclaredLength - ActionTableLayouts.TableHeaderSize) / ActionTableLayouts.EntrySize;
        long declaredTrailing = (t.DeclaredLength - ActionTableLayouts.TableHeaderSize) % ActionTableLayouts.EntrySize;
        ulong needed = ActionTableLayouts.TableHeaderSize + (ulong)count * ActionTableLayouts.EntrySize;
        if (needed > t.DeclaredLength)
            f.Add(FindingSeverity.Error, "entry-count", ActionTableLayouts.EntryCountOffset, hdr, countField,
                $"{count} entries of 32 bytes need {needed} bytes; the table is {t.DeclaredLength} bytes long ({present} entries fit)");
        else if (count != declaredEntries)
            f.Add(FindingSeverity.Error, "entry-count", ActionTableLayouts.EntryCountOffset, hdr, countField,
                $"the entry count is {count} but the table's length holds {declaredEntries} entr{(declaredEntries == 1 ? "y" : "ies")} (Linux refuses a table whose count and length disagree)");
        if (declaredTrailing != 0)
            f.Add(FindingSeverity.Error, "length", AcpiTableHeader.LengthOffset, hdr, "length",
                $"Length {t.DeclaredLength} is not 48 + 32 × n: {declaredTrailing} byte(s) after the last whole entry");

        var actionsSeen = new HashSet<byte>();
        int checkedEntries = (int)Math.Min((uint)present, count);
        for (int i = 0; i < present; i++)
        {
            var e = t[i];
            long off = ActionTable.EntryOffset(i);
            string name = string.Create(CultureInfo.InvariantCulture, $"entry #{i} ({kind.Actions[e.Action] ?? "action 0x" + e.Action.ToString("X2", CultureInfo.InvariantCulture)})");
            actionsSeen.Add(e.Action);
            CheckEntry(kind, e, off, name, f);
        }
        if (checkedEntries > 0 && !t.IsTruncated)
        {
            foreach (var a in erst ? s_erstRequired : s_einjRequired)
            {
                if (!actionsSeen.Contains(a))
                    f.Add(FindingSeverity.Warning, "missing-action", ActionTableLayouts.TableHeaderSize, kind.Signature, null,
                        $"no entry for {kind.Actions[a]}: OSPM cannot {(erst ? "use the record store" : "inject")} without it");
            }
        }
        if (!erst && actionsSeen.Contains(0x11) && !actionsSeen.Contains(0x03))
            f.Add(FindingSeverity.Warning, "einjv2", ActionTableLayouts.TableHeaderSize, kind.Signature, null,
                "EINJV2_GET_ERROR_TYPE without GET_ERROR_TYPE: OSPM reads EINJv2 types only after GET_ERROR_TYPE reports bit 30");
        return f.ToList();
    }

    private static void CheckEntry(ActionTableKind kind, InstructionEntry e, long off, string name, HestFindingList f)
    {
        bool erst = kind == ActionTableKind.Erst;
        if (erst)
        {
            if (e.Action > 0x10)
                f.Add(FindingSeverity.Error, "unknown-action", off, name, "action", $"serialization action 0x{e.Action:X2} is not defined (0x00-0x10)");
            else if (e.Action == 0x0C)
                f.Add(FindingSeverity.Warning, "reserved-action", off, name, "action", "serialization action 0x0C is reserved");
            if (e.Instruction > 0x12)
                f.Add(FindingSeverity.Error, "unknown-instruction", off + 1, name, "instruction", $"serialization instruction 0x{e.Instruction:X2} is not defined (0x00-0x12)");
        }
        else
        {
            if (e.Action is > 0x09 and not 0x11 and not 0xFF)
                f.Add(FindingSeverity.Error, "unknown-action", off, name, "action", $"injection action 0x{e.Action:X2} is not defined (0x00-0x09, 0x11 EINJv2, 0xFF)");
            else if (e.Action == 0xFF)
                f.Add(FindingSeverity.Warning, "trigger-action", off, name, "action", "TRIGGER_ERROR belongs in the trigger error action table, not in EINJ");
            if (e.Instruction > 0x05)
                f.Add(FindingSeverity.Error, "unknown-instruction", off + 1, name, "instruction", $"injection instruction 0x{e.Instruction:X2} is not defined (0x00-0x05)");
            else if (e.Instruction == 0x05)
                f.Add(FindingSeverity.Warning, "flush-cacheline", off + 1, name, "instruction", "FLUSH_CACHELINE (0x05) is defined by ACPI but fwts accepts only 0x00-0x04 and Linux's APEI interpreter does not implement it");
        }
        bool write = e.Instruction is 0x02 or 0x03;
        if ((e.Flags & ~1) != 0)
            f.Add(FindingSeverity.Error, "flags", off + 2, name, "flags", $"reserved flag bits set (0x{e.Flags:X2}); only bit 0 (PRESERVE_REGISTER) is defined");
        if (e.Reserved != 0)
            f.Add(FindingSeverity.Error, "reserved", off + 3, name, "reserved", $"reserved byte is 0x{e.Reserved:X2}, not zero");

        bool usesRegister = e.Instruction != 0x04 && !(erst && e.Instruction is 0x08 or 0x09 or 0x0C or 0x0F);
        if (!usesRegister) return;
        var g = e.Register;
        long ro = off + ActionTableLayouts.RegisterOffset;
        if (g.AddressSpaceId is not ((byte)AddressSpace.SystemMemory or (byte)AddressSpace.SystemIo))
            f.Add(FindingSeverity.Error, "register-space", ro, name, "registerRegion",
                $"address space {GenericAddress.AddressSpaceNames[g.AddressSpaceId] ?? g.AddressSpaceId.ToString(CultureInfo.InvariantCulture)}; OSPM accesses these registers in system memory or system I/O only");
        if (g.AccessSize > 4)
            f.Add(FindingSeverity.Error, "register-access-size", ro + GenericAddress.AccessSizeOffset, name, "registerRegion", $"access size {g.AccessSize} is reserved (0-4)");
        if (g.BitWidth is not (8 or 16 or 32 or 64))
            f.Add(FindingSeverity.Error, "register-width", ro + GenericAddress.BitWidthOffset, name, "registerRegion", $"bit width {g.BitWidth}; Linux's APEI interpreter accesses 8, 16, 32 or 64 bits");
        else if (g.AccessSize is >= 1 and <= 4 && (8 << (g.AccessSize - 1)) != g.BitWidth)
            f.Add(FindingSeverity.Warning, "register-width", ro + GenericAddress.AccessSizeOffset, name, "registerRegion", $"access size {g.AccessSize} ({8 << (g.AccessSize - 1)} bits) differs from the bit width {g.BitWidth}");
        if (g.BitOffset >= g.BitWidth && g.BitWidth != 0)
            f.Add(FindingSeverity.Error, "register-width", ro + GenericAddress.BitOffsetOffset, name, "registerRegion", $"bit offset {g.BitOffset} is outside the {g.BitWidth}-bit register");
        if (g.Address == 0)
            f.Add(FindingSeverity.Warning, "register-address", ro + GenericAddress.AddressOffset, name, "registerRegion", "address is 0: not filled in");
        if (e.Mask == 0 && (write || e.Instruction is 0x00 or 0x01))
            f.Add(FindingSeverity.Warning, "mask", off + ActionTableLayouts.MaskOffset, name, "mask", "mask is 0: the instruction reads or writes nothing");
        else if (g.BitWidth is > 0 and < 64 && (e.Mask >> g.BitWidth) != 0)
            f.Add(FindingSeverity.Warning, "mask", off + ActionTableLayouts.MaskOffset, name, "mask", $"mask 0x{e.Mask:X} is wider than the {g.BitWidth}-bit register");
        if (e.Instruction == 0x03 && g.BitWidth is > 0 and < 64 && (e.Value & e.Mask) != e.Value)
            f.Add(FindingSeverity.Warning, "value", off + ActionTableLayouts.ValueOffset, name, "value", $"value 0x{e.Value:X} has bits outside the mask 0x{e.Mask:X}: they are not written");
    }
}
