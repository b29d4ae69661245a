using System.Buffers.Binary;
using System.Text;

namespace ApeiKit;

/// <summary>
/// Zero-copy view of the 36-byte ACPI System Description Table Header (ACPI 6.5 §5.2.6, Table 5.4).
/// Created only by <see cref="TryRead"/> / <see cref="Read"/>, which check the 36 bytes once.
/// </summary>
public readonly ref struct AcpiTableHeader
{
    /// <summary>Size of the header in bytes.</summary>
    public const int Size = 36;
    /// <summary>Offset of the Length field.</summary>
    public const int LengthOffset = 4;
    /// <summary>Offset of the Checksum byte.</summary>
    public const int ChecksumOffset = 9;

    private readonly ReadOnlySpan<byte> _bytes;

    private AcpiTableHeader(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>Layout of the header, for rendering.</summary>
    public static StructDef Layout { get; } = new("ACPI table header", Size,
    [
        FieldDef.Ascii("signature", "Signature", 0, 4),
        FieldDef.UInt("length", "Table length", 4, 4, unit: "bytes"),
        FieldDef.UInt("revision", "Revision", 8, 1),
        FieldDef.Hex("checksum", "Checksum", 9, 1),
        FieldDef.Ascii("oemId", "OEM ID", 10, 6),
        FieldDef.Ascii("oemTableId", "OEM table ID", 16, 8),
        FieldDef.Hex("oemRevision", "OEM revision", 24, 4),
        FieldDef.Ascii("creatorId", "Creator ID", 28, 4),
        FieldDef.Hex("creatorRevision", "Creator revision", 32, 4),
    ]);

    /// <summary>False when fewer than 36 bytes are present.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out AcpiTableHeader header)
    {
        if (source.Length < Size) { header = default; return false; }
        header = new AcpiTableHeader(source[..Size]);
        return true;
    }

    /// <summary>Reads the header; throws <see cref="ApeiContentException"/> when truncated.</summary>
    public static AcpiTableHeader Read(ReadOnlySpan<byte> source, long baseOffset = 0)
    {
        if (!TryRead(source, out var h)) ThrowHelper.ThrowTruncated("ACPI table header", baseOffset, Size, source.Length);
        return h;
    }

    /// <summary>The 4-byte signature bytes.</summary>
    public ReadOnlySpan<byte> SignatureBytes => _bytes[..4];
    /// <summary>The signature as text.</summary>
    public string Signature => Encoding.ASCII.GetString(_bytes[..4]);
    /// <summary>Length of the whole table, header included.</summary>
    public uint Length => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[4..]);
    /// <summary>Table revision.</summary>
    public byte Revision => _bytes[8];
    /// <summary>Checksum byte.</summary>
    public byte Checksum => _bytes[9];
    /// <summary>OEM ID (6 characters).</summary>
    public string OemId => AsciiField.Decode(_bytes.Slice(10, 6));
    /// <summary>OEM table ID (8 characters).</summary>
    public string OemTableId => AsciiField.Decode(_bytes.Slice(16, 8));
    /// <summary>OEM revision.</summary>
    public uint OemRevision => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[24..]);
    /// <summary>ASL compiler / creator ID (4 characters).</summary>
    public string CreatorId => AsciiField.Decode(_bytes.Slice(28, 4));
    /// <summary>Creator revision.</summary>
    public uint CreatorRevision => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[32..]);
}

/// <summary>Settable ACPI table header values for encoders; lengths and checksums are filled in by the table writer.</summary>
public sealed record AcpiTableHeaderData
{
    /// <summary>Four-character signature.</summary>
    public string Signature { get; init; } = "    ";
    /// <summary>Revision.</summary>
    public byte Revision { get; init; } = 1;
    /// <summary>OEM ID, up to 6 characters.</summary>
    public string OemId { get; init; } = "APEIKT";
    /// <summary>OEM table ID, up to 8 characters.</summary>
    public string OemTableId { get; init; } = "APEIKIT ";
    /// <summary>OEM revision.</summary>
    public uint OemRevision { get; init; } = 1;
    /// <summary>Creator ID, up to 4 characters.</summary>
    public string CreatorId { get; init; } = "APKT";
    /// <summary>Creator revision.</summary>
    public uint CreatorRevision { get; init; } = 1;

    /// <summary>Copies the values of a header view.</summary>
    public static AcpiTableHeaderData From(AcpiTableHeader h) => new()
    {
        Signature = h.Signature, Revision = h.Revision, OemId = h.OemId, OemTableId = h.OemTableId,
        OemRevision = h.OemRevision, CreatorId = h.CreatorId, CreatorRevision = h.CreatorRevision,
    };

    /// <summary>Writes the header with the given total length and a zero checksum; call <see cref="ApeiKit.Checksum.Fix"/> once the table is complete.</summary>
    public void Write(Span<byte> destination, uint length)
    {
        if (destination.Length < AcpiTableHeader.Size) ThrowHelper.ThrowDestinationTooSmall(nameof(destination), AcpiTableHeader.Size, destination.Length);
        AsciiField.Encode(destination[..4], Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], length);
        destination[8] = Revision;
        destination[9] = 0;
        AsciiField.Encode(destination.Slice(10, 6), OemId);
        AsciiField.Encode(destination.Slice(16, 8), OemTableId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], OemRevision);
        AsciiField.Encode(destination.Slice(28, 4), CreatorId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[32..], CreatorRevision);
    }
}

/// <summary>Fixed-width ASCII fields (ACPI OEM IDs, CPER FRU text): NUL- or space-padded, not necessarily terminated.</summary>
public static class AsciiField
{
    /// <summary>Decodes up to the first NUL; non-printable bytes become '.'.</summary>
    /// <param name="source">The field's bytes.</param>
    public static string Decode(ReadOnlySpan<byte> source)
    {
        int n = source.IndexOf((byte)0);
        if (n < 0) n = source.Length;
        Span<char> text = n <= 256 ? stackalloc char[n] : new char[n];
        return new string(text[..Decode(source, text)]);
    }

    /// <summary>
    /// <see cref="Decode(ReadOnlySpan{byte})"/> into <paramref name="destination"/> (at least as long as the field) without
    /// allocating; returns the characters written.
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> source, Span<char> destination)
    {
        int n = source.IndexOf((byte)0);
        if (n < 0) n = source.Length;
        if (destination.Length < n) throw new ArgumentException($"needs room for {n} characters", nameof(destination));
        for (int i = 0; i < n; i++) destination[i] = source[i] is >= 0x20 and < 0x7F ? (char)source[i] : '.';
        return n;
    }

    /// <summary>Encodes text into the field, padding with NUL; throws <see cref="ArgumentException"/> when it does not fit or is not ASCII.</summary>
    public static void Encode(Span<byte> field, string text) => Encode(field, text.AsSpan());

    /// <summary>Encodes text into the field, padding with NUL; throws <see cref="ArgumentException"/> when it does not fit or is not ASCII.</summary>
    public static void Encode(Span<byte> field, ReadOnlySpan<char> text)
    {
        if (text.Length > field.Length) throw new ArgumentException($"'{text}' is longer than {field.Length} characters.", nameof(text));
        field.Clear();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] > 0x7E) throw new ArgumentException($"'{text}' is not ASCII.", nameof(text));
            field[i] = (byte)text[i];
        }
    }

    /// <summary>
    /// Encodes text into the field as a model's setter does: cut to the field, padded with NUL, a character above 0x7F
    /// written as '?'; never throws.
    /// </summary>
    public static void EncodeCut(Span<byte> field, ReadOnlySpan<char> text)
    {
        field.Clear();
        for (int i = 0; i < text.Length && i < field.Length; i++) field[i] = text[i] < 0x80 ? (byte)text[i] : (byte)'?';
    }
}
