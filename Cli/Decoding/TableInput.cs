using System.Globalization;
using System.Text;
using ApeiKit.Cper;
using ApeiKit.Hest;

namespace ApeiKit.Cli;

/// <summary>One ACPI table found in an input: its own bytes (offsets in renderings are table offsets) and its unit.</summary>
/// <param name="Name">Display name, e.g. <c>dump.log: HEST @ 0x7B7FE000</c>.</param>
/// <param name="Bytes">The table bytes.</param>
/// <param name="Units">One <see cref="UnitKind.AcpiTable"/> unit covering the table.</param>
internal sealed record TableUnit(string Name, byte[] Bytes, List<InputUnit> Units);

/// <summary>
/// ACPI table inputs for <c>apeikit decode</c>: a binary table whose signature ApeiKit decodes (HEST, ERST, EINJ), a QEMU
/// acpi-erst backing file ("ERSTSTOR" magic; described by Ghes.ErstStoreDescriber), or
/// <c>acpidump</c> text (every table listed; <c>--table SIG</c> picks some). Kept apart from the CPER path.
/// </summary>
internal static class TableInput
{
    /// <summary>Signatures with a describer.</summary>
    private static readonly string[] s_decoded = ["HEST", "ERST", "EINJ"];
    // BERT binaries are recognised by GhesInput (with their region); in acpidump text TableInput lists and decodes them.

    /// <summary>
    /// Splits <paramref name="raw"/> (the file as read) or <paramref name="bytes"/> (after hex/base64 decoding) into
    /// tables, or returns null when the input is neither acpidump text nor a table ApeiKit decodes.
    /// </summary>
    /// <exception cref="CliUsageException">Bad acpidump text, or <paramref name="tableFilter"/> matches no table.</exception>
    public static List<TableUnit>? Split(string name, byte[] raw, byte[] bytes, string? tableFilter)
    {
        if (AcpiDumpText.LooksLikeAcpiDump(raw))
        {
            var tables = ParseDump(name, raw);
            var picked = tables.Where(t => tableFilter is null || string.Equals(t.Name, tableFilter, StringComparison.OrdinalIgnoreCase)
                || string.Equals(t.Signature, tableFilter, StringComparison.OrdinalIgnoreCase)).ToList();
            if (picked.Count == 0)
                throw new CliUsageException($"{name}: no table '{tableFilter}' in the dump; it holds {ListNames(tables)}.");
            return picked.Select(t => Unit(string.Create(CultureInfo.InvariantCulture, $"{name}: {t.Name} @ 0x{t.Address:X}"), t.Bytes)).ToList();
        }
        if (Ghes.ErstStoreView.HasMagic(bytes))
        {
            if (tableFilter is not null) throw new CliUsageException($"{name}: the input is an ERST store (QEMU acpi-erst backing file), not a table; --table does not apply.");
            return [Unit(name, bytes)];
        }
        if (bytes.Length >= 4 && s_decoded.Any(s => bytes.AsSpan().StartsWith(Encoding.ASCII.GetBytes(s))))
        {
            if (tableFilter is not null && !bytes.AsSpan(0, 4).SequenceEqual(Encoding.ASCII.GetBytes(tableFilter.ToUpperInvariant().PadRight(4)[..4])))
                throw new CliUsageException($"{name}: the input is a {Encoding.ASCII.GetString(bytes, 0, 4)} table, not '{tableFilter}'.");
            return [Unit(name, bytes)];
        }
        if (tableFilter is not null) throw new CliUsageException($"{name}: --table applies to acpidump text or ACPI table binaries.");
        return null;
    }

    /// <summary>Parses acpidump text; malformed text is a usage error naming the input and the line.</summary>
    public static List<AcpiDumpTable> ParseDump(string name, byte[] raw)
    {
        try
        {
            return AcpiDumpText.Parse(raw); // over the bytes: a string of the text, then one per line, was 20 times the input
        }
        catch (ApeiContentException e)
        {
            throw new CliUsageException($"{name}: not valid acpidump text: {e.Message}");
        }
    }

    /// <summary>The tables' names for a message, at most <paramref name="max"/> of them and "... and N more" (a dump of 100,000 tables is not listed whole).</summary>
    public static string ListNames(IReadOnlyList<AcpiDumpTable> tables, int max = 20)
        => tables.Count <= max ? string.Join(", ", tables.Select(t => t.Name))
            : string.Create(CultureInfo.InvariantCulture, $"{string.Join(", ", tables.Take(max).Select(t => t.Name))} ... and {tables.Count - max} more ({tables.Count} tables)");

    private static TableUnit Unit(string name, byte[] bytes)
    {
        string sig = bytes.Length >= 4 ? AsciiField.Decode(bytes.AsSpan(0, 4)) : "?";
        string label = Ghes.ErstStoreView.HasMagic(bytes) ? "ERST store" : $"{sig} table";
        return new TableUnit(name, bytes, [new InputUnit(UnitKind.AcpiTable, 0, bytes.Length, label)]);
    }

    /// <summary>
    /// The FACS has no standard ACPI table header (ACPI 6.5 §5.2.10, Table 5.14: Signature, Length, Hardware Signature,
    /// waking vectors, Global Lock, Flags, ... in 64 bytes; no revision, checksum or OEM fields), so it is not read as one:
    /// its Signature and Length are shown, its bytes up to Length as bytes, and any bytes given after Length apart.
    /// </summary>
    private const int FacsSize = 64;
    private static readonly FieldDef FacsSignature = new("signature", "Signature", 0, 4, FieldKind.Ascii);

    private static void DescribeFacs(ReadOnlySpan<byte> bytes, InputUnit unit, StructureVisitor visitor)
    {
        visitor.BeginObject(null, "FACS (Firmware ACPI Control Structure)", unit.Offset, unit.Length);
        // Shown as every table's Signature is (an ASCII field: quoted in text, a plain string in JSON).
        visitor.Field(FacsSignature, unit.Offset, bytes[..Math.Min(4, bytes.Length)], true, 0);
        if (bytes.Length < 8)
        {
            visitor.Error(ApeiContentException.Truncated("FACS", unit.Offset, 8, bytes.Length));
            visitor.Data("bytes", "Bytes", unit.Offset, bytes);
            visitor.EndObject();
            return;
        }
        uint length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        visitor.Info("length", "Length", length);
        // The FACS is 64 bytes (ACPI 6.5 Table 5.14); a Length below that cannot hold its fields.
        if (length < FacsSize)
            visitor.Error(ApeiContentException.Invalid("FACS", "Length", unit.Offset + 4, $">= {FacsSize}", length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        int own = (int)Math.Min(length, (uint)bytes.Length);
        if (length > (uint)bytes.Length)
            visitor.Error(ApeiContentException.Truncated("FACS", unit.Offset + 4, length, bytes.Length, "Length"));
        visitor.Data("bytes", "FACS bytes (not decoded: no ACPI table header, ACPI 6.5 §5.2.10)", unit.Offset, bytes[..own]);
        if (bytes.Length > own)
            visitor.Data("bytesAfterLength", "Bytes after the table's Length (not the table's)", unit.Offset + own, bytes[own..]);
        visitor.EndObject();
    }

    /// <summary>Describes a table unit: HEST, BERT, ERST and EINJ fully, the FACS as bytes (it has no table header), any other table by its header.</summary>
    public static void Describe(ReadOnlySpan<byte> bytes, InputUnit unit, StructureVisitor visitor, CperDecodeOptions? options = null)
    {
        if (Ghes.BertTable.HasSignature(bytes))
        {
            // acpidump holds the table only; its boot error region lives in memory (Linux: tables/data/BERT).
            // Labelled "BERT" as a BERT binary is: the describer's own "BERT table" object is inside (not "BERT table" in "BERT table").
            // Outside the catch below: the describer reports a bad table inside its own object and never throws once it is open.
            Ghes.BertDescriber.Describe(bytes, unit.Offset, [], 0, visitor, "BERT", Ghes.BertAcpiDump.RegionNote(bytes), options);
            return;
        }
        try
        {
            if (bytes.StartsWith(HestTable.Signature))
            {
                HestDescriber.Describe(bytes, unit.Offset, visitor);
                return;
            }
            if (Ghes.ErstStoreView.HasMagic(bytes))
            {
                Ghes.ErstStoreDescriber.Describe(bytes, unit.Offset, visitor, options: options);
                return;
            }
            if (ActionTableKind.Of(bytes) is not null)
            {
                ActionTableDescriber.Describe(bytes, unit.Offset, visitor);
                return;
            }
            if (bytes.StartsWith("FACS"u8))
            {
                DescribeFacs(bytes, unit, visitor);
                return;
            }
            visitor.BeginObject(null, unit.Label, unit.Offset, unit.Length);
            if (AcpiTableHeader.TryRead(bytes, out var h))
            {
                visitor.BeginObject("header", "Table header", unit.Offset, AcpiTableHeader.Size);
                AcpiTableHeader.Layout.Describe(bytes[..AcpiTableHeader.Size], unit.Offset, visitor);
                visitor.EndObject();
                visitor.Info("note", "Note", $"{h.Signature} tables are listed, not decoded (apeikit decodes HEST, BERT, ERST and EINJ)");
            }
            else
            {
                visitor.Error(ApeiContentException.Truncated("ACPI table header", unit.Offset, AcpiTableHeader.Size, bytes.Length));
            }
            visitor.EndObject();
        }
        catch (ApeiContentException e)
        {
            visitor.BeginObject(null, unit.Label, unit.Offset, unit.Length);
            visitor.Error(e);
            visitor.EndObject();
        }
    }
}
