using System.Globalization;

namespace ApeiKit.Hest;

/// <summary>
/// Walks an ERST or EINJ for rendering (text, JSON, layout through <see cref="StructureVisitor"/>), reading like
/// <c>iasl -d</c>: the header, the serialization / injection header, then every entry with its action and instruction
/// named, the flags, the register region (GAS), Value and Mask, and what the entry does in words. Structural problems
/// (Length past the bytes) are reported with <see cref="StructureVisitor.Error"/>; rule checks belong to
/// <see cref="ActionTableValidator"/>.
/// </summary>
public static class ActionTableDescriber
{
    // The register region GAS, as the declaration places it ([Field(4, 12, Nested = "GenericAddress")], Declarations/EinjDeclarations.cs).
    private static readonly HestNestedPart[] s_register = Array.ConvertAll(InstructionEntryDeclaration.NestedParts, p => new HestNestedPart(p.Offset, p.Json, p.Label, p.Layout));

    /// <summary>Describes the table at the start of <paramref name="source"/>.</summary>
    /// <param name="source">The table bytes.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> in the input.</param>
    /// <param name="visitor">Receives the walk.</param>
    /// <param name="label">Label of the table object (default: "ERST (Error Record Serialization Table)").</param>
    /// <returns>Number of content errors reported.</returns>
    /// <exception cref="ApeiContentException">Not even a 48-byte header with the ERST or EINJ signature.</exception>
    public static int Describe(ReadOnlySpan<byte> source, long baseOffset, StructureVisitor visitor, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        var table = ActionTable.ReadAt(source, null, baseOffset);
        var kind = table.Kind;
        var bytes = table.Bytes;
        int errors = 0;
        // Past the table's Length: the view stops at MaxLength, so the bytes present between the limit and Length are the
        // table's but not decoded; bytes given after Length (an acpidump's table can hold them) are not the table's. Both
        // are shown below, neither dropped.
        int lengthEnd = (int)Math.Max(Math.Min(table.DeclaredLength, (uint)source.Length), (uint)bytes.Length);
        var pastLimit = source[bytes.Length..lengthEnd];
        var afterLength = source[lengthEnd..];
        visitor.BeginObject(null, label ?? $"{kind.Signature} ({kind.Name})", baseOffset, bytes.Length + pastLimit.Length + afterLength.Length);
        visitor.BeginObject("header", "Table header", baseOffset, AcpiTableHeader.Size);
        AcpiTableHeader.Layout.Describe(bytes[..AcpiTableHeader.Size], baseOffset, visitor);
        byte sum = Checksum.Sum(bytes);
        // The checksum covers Length bytes (ACPI 6.5 §5.2.6): with some missing it cannot be checked (the validator's rule too).
        visitor.Info("checksumStatus", "Checksum status", table.IsTruncated ? "cannot be checked (bytes missing: Length is past the bytes read)" : sum == 0 ? "valid (bytes sum to 0)" : $"invalid (bytes sum to 0x{sum:X2})");
        visitor.EndObject();
        foreach (var f in kind.HeaderLayout.Fields) visitor.Field(f, baseOffset + f.Offset, bytes.Slice(f.Offset, f.Size), true, ulong.MaxValue);
        if (table.IsTruncated)
        {
            visitor.Error(table.LengthError(source.Length)!.Rebase(baseOffset));
            errors++;
        }
        int n = table.EntriesPresent;
        visitor.BeginArray("entries", kind.EntryLabel[..^1] + "ies", baseOffset + ActionTableLayouts.TableHeaderSize, (long)n * ActionTableLayouts.EntrySize);
        for (int i = 0; i < n; i++) DescribeEntry(table.EntryBytes(i), baseOffset + ActionTable.EntryOffset(i), visitor, kind, i);
        visitor.EndArray();
        if (table.TrailingLength > 0)
            visitor.Data("trailingBytes", "Bytes after the last whole entry", baseOffset + bytes.Length - table.TrailingLength, bytes[^table.TrailingLength..]);
        if (!pastLimit.IsEmpty)
            visitor.Data("bytesPastLengthLimit", "Bytes past the 1 MiB ERST/EINJ length limit (not decoded)", baseOffset + bytes.Length, pastLimit);
        if (!afterLength.IsEmpty)
            visitor.Data("bytesAfterLength", "Bytes after the table's Length (not the table's)", baseOffset + lengthEnd, afterLength);
        if (table.EntryCount != (uint)n)
            visitor.Info("entryCountNote", "Note", string.Create(CultureInfo.InvariantCulture,
                $"the entry count says {table.EntryCount}; the table's length holds {n} entr{(n == 1 ? "y" : "ies")}"));
        visitor.EndObject();
        return errors;
    }

    /// <summary>Describes one 32-byte entry (an array element): its fields, then <c>actionMeaning</c> and <c>operation</c> in words.</summary>
    public static void DescribeEntry(ReadOnlySpan<byte> source, long baseOffset, StructureVisitor visitor, ActionTableKind kind, int index)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(visitor);
        var e = InstructionEntry.Read(source);
        string action = kind.Actions[e.Action] ?? string.Create(CultureInfo.InvariantCulture, $"action 0x{e.Action:X2}");
        string instruction = kind.Instructions[e.Instruction] ?? string.Create(CultureInfo.InvariantCulture, $"instruction 0x{e.Instruction:X2}");
        visitor.BeginObject(null, $"Entry #{index}: {action}, {instruction}", baseOffset, ActionTableLayouts.EntrySize);
        HestLayouts.DescribeFixed(source, baseOffset, visitor, kind.EntryLayout, s_register);
        visitor.Info("actionMeaning", "Action meaning", kind.ActionMeanings.TryGetValue(e.Action, out var m) ? m : "not defined by ACPI 6.5");
        visitor.Info("operation", "Does", e.Describe(kind));
        visitor.EndObject();
    }
}
