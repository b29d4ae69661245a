using System.Globalization;

namespace ApeiKit.Hest;

/// <summary>
/// Walks a HEST for rendering (text, JSON, layout through <see cref="StructureVisitor"/>): the header, Error
/// Source Count, then each error source with its nested notification / address structures and banks.
/// Structural problems (truncation, an unknown type, banks past the end) are reported with
/// <see cref="StructureVisitor.Error"/>; rule checks belong to <see cref="HestValidator"/>.
/// </summary>
public static class HestDescriber
{
    /// <summary>Describes the table at the start of <paramref name="source"/>.</summary>
    /// <param name="source">The table bytes.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> in the input.</param>
    /// <param name="visitor">Receives the walk.</param>
    /// <param name="label">Label of the table object.</param>
    /// <returns>Number of content errors reported.</returns>
    /// <exception cref="ApeiContentException">Not even a 40-byte header with the HEST signature (nothing to describe).</exception>
    public static int Describe(ReadOnlySpan<byte> source, long baseOffset, StructureVisitor visitor, string label = "HEST (Hardware Error Source Table)")
    {
        ArgumentNullException.ThrowIfNull(visitor);
        var table = HestTable.ReadAt(source, baseOffset);
        int errors = 0;
        var bytes = table.Bytes;
        visitor.BeginObject(null, label, baseOffset, bytes.Length);
        visitor.BeginObject("header", "Table header", baseOffset, AcpiTableHeader.Size);
        AcpiTableHeader.Layout.Describe(bytes[..AcpiTableHeader.Size], baseOffset, visitor);
        byte sum = Checksum.Sum(bytes);
        var creator = bytes.Slice(28, 4);
        if (creator.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E) && creator.ContainsAnyExcept((byte)0))
            visitor.Info("creatorIdNumber", "Creator ID as a number", FieldFormat.Hex(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(creator), 4) + " (not ASCII text)");
        visitor.Info("checksumStatus", "Checksum status", sum == 0 ? "valid (bytes sum to 0)" : $"invalid (bytes sum to 0x{sum:X2})");
        visitor.EndObject();
        visitor.Field(HestLayouts.ErrorSourceCountField, bytes, baseOffset);

        if (table.IsTruncated)
        {
            visitor.Error(table.LengthLimitError?.Rebase(baseOffset) ?? ApeiContentException.Truncated("HEST", baseOffset + AcpiTableHeader.LengthOffset, table.DeclaredLength, source.Length, "Length"));
            errors++;
        }

        visitor.BeginArray("errorSources", "Error sources", baseOffset + HestLayouts.TableHeaderSize, bytes.Length - HestLayouts.TableHeaderSize);
        var e = table.GetEnumerator();
        while (e.MoveNext())
        {
            var s = e.Current;
            DescribeSource(s, e.Index, baseOffset + s.Offset, visitor);
        }
        visitor.EndArray();
        if (e.Error is { } err)
        {
            visitor.Error(err.Rebase(baseOffset));
            errors++;
            if (e.Offset < bytes.Length) visitor.Data("undecoded", "Bytes not decoded", baseOffset + e.Offset, bytes[e.Offset..]);
        }
        if (table.ErrorSourceCount != (uint)(e.Index + 1))
            visitor.Info("errorSourceCountNote", "Note", string.Create(CultureInfo.InvariantCulture,
                $"Error Source Count says {table.ErrorSourceCount}; the table holds {e.Index + 1} structure(s) that decode"));
        visitor.EndObject();
        return errors;
    }

    /// <summary>Describes one error source (an array element).</summary>
    public static void DescribeSource(HestErrorSource s, int index, long offset, StructureVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        visitor.BeginObject(null, string.Create(CultureInfo.InvariantCulture, $"Error source #{index}: {s.Kind.Name}, source ID {s.SourceId}"), offset, s.Length);
        HestLayouts.DescribeFixed(s.Bytes, offset, visitor, s.Kind.Layout, s.Kind.Nested);
        if (s.Kind.HasBanks)
        {
            long bankOffset = offset + s.Kind.FixedSize;
            visitor.BeginArray("banks", "Machine check banks", bankOffset, (long)s.BankCount * HestLayouts.BankSize);
            for (int i = 0; i < s.BankCount; i++)
            {
                long o = bankOffset + (long)i * HestLayouts.BankSize;
                var bank = s.GetBank(i);
                visitor.BeginObject(null, string.Create(CultureInfo.InvariantCulture, $"Bank #{i}: bank number {bank[0]}"), o, HestLayouts.BankSize);
                HestLayouts.Bank.Describe(bank, o, visitor);
                visitor.EndObject();
            }
            visitor.EndArray();
        }
        visitor.EndObject();
    }
}
