using System.Buffers.Binary;

namespace ApeiKit.Hest;

/// <summary>
/// An editable ERST or EINJ: header values, the serialization / injection header, the instruction entries. Encoding
/// fills in Length, the entry count and the checksum. Decode then encode is byte-identical: a header size or count
/// that disagrees with the entries, the reserved header bytes, bytes after the last whole entry and a wrong checksum
/// (<see cref="ChecksumOverride"/>) are kept.
/// </summary>
public sealed class ActionTableModel : IApeiEncodable
{
    /// <summary>Makes an empty table of <paramref name="kind"/> (revision 1, header size 48).</summary>
    public ActionTableModel(ActionTableKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        Kind = kind;
        Header = new AcpiTableHeaderData { Signature = kind.Signature, Revision = 1 };
    }

    /// <summary>ERST or EINJ (the signature written).</summary>
    public ActionTableKind Kind { get; }
    /// <summary>Header values; the signature is always written as <see cref="Kind"/>'s.</summary>
    public AcpiTableHeaderData Header { get; set; }
    /// <summary>Serialization / Injection Header Size (48).</summary>
    public uint HeaderSize { get; set; } = ActionTableLayouts.TableHeaderSize;
    /// <summary>The four bytes at offset 40: ERST's reserved u32, or EINJ's Injection Flags and three reserved bytes.</summary>
    public uint HeaderFlagsAndReserved { get; set; }
    /// <summary>The instruction entries in table order.</summary>
    public List<InstructionEntry> Entries { get; } = [];
    /// <summary>Entry count to write; null writes the number of <see cref="Entries"/> (set by decoding only when the table's own count disagreed).</summary>
    public uint? EntryCountOverride { get; set; }
    /// <summary>Bytes after the last whole entry, written back as they were.</summary>
    public byte[] TrailingBytes { get; set; } = [];
    /// <summary>Checksum byte to write instead of the computed one (set by decoding when the table's checksum was wrong); null writes a correct one.</summary>
    public byte? ChecksumOverride { get; set; }

    private DecodedAcpiHeader? _decoded;

    /// <summary>Decodes a table (ERST or EINJ by its signature, or only <paramref name="expected"/>).</summary>
    /// <exception cref="ApeiContentException">Bad signature, Length below 48, past the bytes present or above <see cref="ActionTable.MaxLength"/>.</exception>
    public static ActionTableModel Decode(ReadOnlySpan<byte> source, ActionTableKind? expected = null)
    {
        var table = ActionTable.Read(source, expected);
        if (table.LengthError(source.Length) is { } error) throw error;
        var decoded = DecodedAcpiHeader.Of(table.Header, table.Bytes);
        var model = new ActionTableModel(table.Kind)
        {
            Header = decoded.Values,
            _decoded = decoded,
            HeaderSize = table.HeaderSize,
            HeaderFlagsAndReserved = BinaryPrimitives.ReadUInt32LittleEndian(table.Bytes[EinjHeaderDeclaration.Declared.InjectionFlagsOffset..]),
        };
        for (int i = 0; i < table.EntriesPresent; i++) model.Entries.Add(table[i]);
        if (table.TrailingLength > 0) model.TrailingBytes = table.Bytes[^table.TrailingLength..].ToArray();
        if (table.EntryCount != (uint)table.EntriesPresent) model.EntryCountOverride = table.EntryCount;
        if (!table.IsChecksumValid) model.ChecksumOverride = table.Bytes[AcpiTableHeader.ChecksumOffset];
        return model;
    }

    /// <summary>Bytes <see cref="TryEncode"/> writes.</summary>
    /// <exception cref="InvalidOperationException">The table would exceed 2 GiB.</exception>
    public int GetEncodedLength()
        => ApeiEncodable.Length(ActionTableLayouts.TableHeaderSize + (long)Entries.Count * ActionTableLayouts.EntrySize + TrailingBytes.Length, $"{Kind.Signature} table");

    /// <summary>Writes the table with Length, entry count and checksum filled in; false when the destination is too small.</summary>
    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        int length = GetEncodedLength();
        if (!ApeiEncodable.TryTake(destination, length, out var table, out bytesWritten)) return false;
        DecodedAcpiHeader.Write(_decoded, Header, table, (uint)length, Kind.Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(table[ActionTableLayouts.HeaderSizeOffset..], HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(table[EinjHeaderDeclaration.Declared.InjectionFlagsOffset..], HeaderFlagsAndReserved);
        BinaryPrimitives.WriteUInt32LittleEndian(table[ActionTableLayouts.EntryCountOffset..], EntryCountOverride ?? (uint)Entries.Count);
        int o = ActionTableLayouts.TableHeaderSize;
        foreach (var e in Entries)
        {
            e.Write(table[o..]);
            o += ActionTableLayouts.EntrySize;
        }
        TrailingBytes.CopyTo(table[o..]);
        if (ChecksumOverride is { } c) table[AcpiTableHeader.ChecksumOffset] = c;
        else Checksum.Fix(table, AcpiTableHeader.ChecksumOffset);
        bytesWritten = length;
        return true;
    }
}
