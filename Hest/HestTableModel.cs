using System.Buffers;
using System.Buffers.Binary;

namespace ApeiKit.Hest;

/// <summary>
/// An editable HEST: header values and error sources. Encoding fills in Length, Error Source Count and
/// the checksum. Decode then encode is byte-identical: a declared count that disagrees with the structures,
/// bytes after the last decodable structure and a wrong checksum (<see cref="ChecksumOverride"/>) are kept.
/// </summary>
public sealed class HestTableModel : IApeiEncodable
{
    /// <summary>Header values; the signature is always written as "HEST".</summary>
    public AcpiTableHeaderData Header { get; set; } = new() { Signature = "HEST", Revision = 1 };
    /// <summary>The error sources in table order.</summary>
    public List<HestSource> Sources { get; } = [];
    /// <summary>Error Source Count to write; null writes the number of <see cref="Sources"/> (set by decoding only when the table's own count disagreed).</summary>
    public uint? ErrorSourceCountOverride { get; set; }
    /// <summary>Bytes after the last decodable structure (an unknown type and what follows it), written back as they were.</summary>
    public byte[] TrailingBytes { get; set; } = [];

    /// <summary>
    /// Checksum byte to write instead of the computed one. Decoding sets it when the table's own checksum was
    /// wrong, so that decode then encode gives the same bytes; set it to null to write a correct checksum.
    /// </summary>
    public byte? ChecksumOverride { get; set; }

    private DecodedAcpiHeader? _decoded;

    /// <summary>Decodes a whole table strictly.</summary>
    /// <exception cref="ApeiContentException">Bad header, Length past the bytes, unknown type or a structure past the end.</exception>
    public static HestTableModel Decode(ReadOnlySpan<byte> source)
    {
        var model = DecodePrefix(source, out var error);
        if (error is not null) throw error;
        return model;
    }

    /// <summary>
    /// Decodes what can be decoded: the structures before an unknown type (or one that runs past the end) are
    /// kept, the rest of the table goes to <see cref="TrailingBytes"/>, and <paramref name="error"/> says why.
    /// </summary>
    /// <exception cref="ApeiContentException">Not even the 40-byte header with the "HEST" signature is there.</exception>
    public static HestTableModel DecodePrefix(ReadOnlySpan<byte> source, out ApeiContentException? error)
    {
        var table = HestTable.Read(source);
        var decoded = DecodedAcpiHeader.Of(table.Header, table.Bytes);
        var model = new HestTableModel { Header = decoded.Values, _decoded = decoded };
        var e = table.GetEnumerator();
        while (e.MoveNext()) model.Sources.Add(HestSource.From(e.Current));
        error = table.LengthLimitError ?? e.Error;
        if (error is null && table.IsTruncated)
            error = ApeiContentException.Truncated("HEST", AcpiTableHeader.LengthOffset, table.DeclaredLength, source.Length, "Length");
        if (e.Offset < table.Bytes.Length) model.TrailingBytes = table.Bytes[e.Offset..].ToArray();
        if (table.ErrorSourceCount != (uint)model.Sources.Count) model.ErrorSourceCountOverride = table.ErrorSourceCount;
        if (!table.IsChecksumValid) model.ChecksumOverride = table.Bytes[AcpiTableHeader.ChecksumOffset];
        return model;
    }

    /// <summary>Bytes <see cref="TryEncode"/> writes.</summary>
    /// <exception cref="InvalidOperationException">The table would exceed 2 GiB.</exception>
    public int GetEncodedLength()
    {
        long n = HestLayouts.TableHeaderSize + TrailingBytes.Length;
        foreach (var s in Sources) n += s.GetEncodedLength();
        return ApeiEncodable.Length(n, "HEST table");
    }

    /// <summary>Writes the table with Length, Error Source Count and checksum filled in; false when the destination is too small.</summary>
    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        int length = GetEncodedLength();
        if (!ApeiEncodable.TryTake(destination, length, out var table, out bytesWritten)) return false;
        DecodedAcpiHeader.Write(_decoded, Header, table, (uint)length, "HEST");
        BinaryPrimitives.WriteUInt32LittleEndian(table[HestLayouts.ErrorSourceCountOffset..], ErrorSourceCountOverride ?? (uint)Sources.Count);
        int o = HestLayouts.TableHeaderSize;
        foreach (var s in Sources)
        {
            s.TryEncode(table[o..], out int w);
            o += w;
        }
        TrailingBytes.CopyTo(table[o..]);
        if (ChecksumOverride is { } c) table[AcpiTableHeader.ChecksumOffset] = c;
        else Checksum.Fix(table, AcpiTableHeader.ChecksumOffset);
        bytesWritten = length;
        return true;
    }
}
