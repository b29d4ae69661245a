using System.Globalization;

namespace ApeiKit.Ghes;

/// <summary>
/// BERT tables in <c>acpidump</c> text. An acpidump holds the table, not the boot error region it points at (the
/// region is ordinary memory; Linux exposes it as <c>/sys/firmware/acpi/tables/data/BERT</c>).
/// </summary>
public static class BertAcpiDump
{
    /// <summary>The BERT tables in the dump, in order.</summary>
    /// <exception cref="ApeiContentException">The text is not well-formed acpidump output.</exception>
    public static List<AcpiDumpTable> FindTables(string text)
        => AcpiDumpText.Parse(text).FindAll(t => t.Signature == "BERT");

    /// <summary>The note shown where the region would be: what the table points at and where to get it.</summary>
    public static string RegionNote(ReadOnlySpan<byte> table)
    {
        // A table the view cannot be made over (cut short, Length below 48) has no region to point at; the describer reports why.
        if (BertTable.TryRead(table, out var t, out _) != System.Buffers.OperationStatus.Done) return "not in the dump";
        return string.Create(CultureInfo.InvariantCulture,
            $"not in the dump: {t.RegionLength} bytes at physical address 0x{t.RegionAddress:X} (on Linux: /sys/firmware/acpi/tables/data/BERT)");
    }

    /// <summary>
    /// Describes every BERT in the dump (table only, with the region note) as one object holding a <c>bertTables</c>
    /// array (one value, so a JSON rendering stays one document however many BERTs the dump holds); returns the number
    /// of BERTs.
    /// </summary>
    /// <exception cref="ApeiContentException">The text is not well-formed acpidump output.</exception>
    public static int Describe(string text, StructureVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        var tables = FindTables(text);
        visitor.BeginObject(null, "acpidump", 0, text.Length);
        visitor.BeginArray("bertTables", "BERT tables", 0, text.Length);
        foreach (var t in tables)
            BertDescriber.Describe(t.Bytes, 0, default, 0, visitor, string.Create(CultureInfo.InvariantCulture, $"BERT (acpidump line {t.Line}, @ 0x{t.Address:X})"), RegionNote(t.Bytes));
        visitor.EndArray();
        visitor.EndObject();
        return tables.Count;
    }
}
