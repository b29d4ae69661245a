using System.Buffers.Binary;

namespace ApeiKit.Hest;

/// <summary>
/// A table's ACPI header as decoded, for the editable tables that re-encode it (HEST, ERST/EINJ, BERT): while the model's
/// header values still equal the decoded ones, the original 36 bytes are written back, because text fields holding bytes
/// outside printable ASCII (a numeric Creator ID, as real firmware writes) do not survive <see cref="AcpiTableHeaderData"/>.
/// One place for that rule, which the three models each wrote out.
/// </summary>
internal sealed class DecodedAcpiHeader
{
    private readonly byte[] _bytes;

    private DecodedAcpiHeader(AcpiTableHeaderData values, byte[] bytes)
    {
        Values = values;
        _bytes = bytes;
    }

    /// <summary>The values read from the header (the model's <c>Header</c> after decoding).</summary>
    public AcpiTableHeaderData Values { get; }

    /// <summary>The header at the start of <paramref name="table"/> (at least 36 bytes).</summary>
    public static DecodedAcpiHeader Of(AcpiTableHeader header, ReadOnlySpan<byte> table)
        => new(AcpiTableHeaderData.From(header), table[..AcpiTableHeader.Size].ToArray());

    /// <summary>
    /// Writes the header at the start of <paramref name="table"/>: the decoded bytes when <paramref name="decoded"/> is set
    /// and <paramref name="header"/> equals its values (Length then overwritten with <paramref name="length"/> unless
    /// <paramref name="keepLength"/>), else <paramref name="header"/>'s values with <paramref name="signature"/> if given.
    /// </summary>
    public static void Write(DecodedAcpiHeader? decoded, AcpiTableHeaderData header, Span<byte> table, uint length, string? signature = null, bool keepLength = false)
    {
        if (decoded is not null && header == decoded.Values)
        {
            decoded._bytes.CopyTo(table);
            if (!keepLength) BinaryPrimitives.WriteUInt32LittleEndian(table[AcpiTableHeader.LengthOffset..], length);
            return;
        }
        (signature is null ? header : header with { Signature = signature }).Write(table, length);
    }
}
