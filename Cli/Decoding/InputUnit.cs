namespace ApeiKit.Cli;

/// <summary>What a piece of an input is.</summary>
public enum UnitKind
{
    /// <summary>A CPER record (possibly cut short).</summary>
    CperRecord,
    /// <summary>Bytes that are none of the known structures.</summary>
    Unrecognised,
    /// <summary>All-zero bytes after the last structure (padding of a dump): not an error.</summary>
    ZeroPadding,
    /// <summary>A BERT table, with its boot error region when the input holds it (see <see cref="GhesInput"/>).</summary>
    BertTable,
    /// <summary>A bare Generic Error Status Block (see <see cref="GhesInput"/>).</summary>
    ErrorStatusBlock,
    /// <summary>An ACPI table (HEST decoded; others listed by header). See <see cref="TableInput"/>.</summary>
    AcpiTable,
    /// <summary>One GHES/GHESv2 source of a HEST with its registers and block in an error-status region (see <see cref="RegionInput"/>).</summary>
    GhesRegionSource,
}

/// <summary>One decodable piece of an input file: a record, a table, a block.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Offset">Offset in the decoded input bytes.</param>
/// <param name="Length">Length in bytes.</param>
/// <param name="Label">Human label, e.g. "CPER record #2".</param>
public sealed record InputUnit(UnitKind Kind, int Offset, int Length, string Label)
{
    /// <summary>What a unit's describer needs beyond offset and length (e.g. <see cref="BertUnitDetail"/>), or null.</summary>
    public object? Detail { get; init; }
}

/// <summary>Splits decoded input bytes into units.</summary>
public static class InputSplitter
{
    /// <summary>Splits a concatenation of CPER records, marking bytes between them that are not records.</summary>
    public static List<InputUnit> SplitCper(ReadOnlySpan<byte> bytes)
    {
        var units = new List<InputUnit>();
        int offset = 0, records = 0;
        while (offset < bytes.Length)
        {
            var rest = bytes[offset..];
            if (rest.Length >= Cper.CperRecordHeader.Size && rest.StartsWith("CPER"u8))
            {
                uint declared = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(rest[Cper.CperRecordHeader.RecordLengthOffset..]);
                if (declared >= Cper.CperRecordHeader.Size)
                {
                    int length = (int)Math.Min(declared, (uint)rest.Length);
                    units.Add(new InputUnit(UnitKind.CperRecord, offset, length, $"CPER record #{++records}"));
                    offset += length;
                    continue;
                }
                // A header with an impossible length: show it as a record (the describer reports why), then look for the next one.
                units.Add(new InputUnit(UnitKind.CperRecord, offset, Cper.CperRecordHeader.Size, $"CPER record #{++records}"));
                offset += Cper.CperRecordHeader.Size;
                continue;
            }
            int next = rest.Length > 1 ? rest[1..].IndexOf("CPER"u8) : -1;
            int skip = next < 0 ? rest.Length : next + 1;
            var chunk = rest[..skip];
            units.Add(chunk.ContainsAnyExcept((byte)0)
                ? new InputUnit(UnitKind.Unrecognised, offset, skip, $"Unrecognised bytes at 0x{offset:X}")
                : new InputUnit(UnitKind.ZeroPadding, offset, skip, $"Zero padding at 0x{offset:X}"));
            offset += skip;
        }
        return units;
    }
}
