using ApeiKit.Declarations;

namespace ApeiKit.Cper;

/// <summary>
/// CCIX PER log error section (UEFI 2.10 N.2.12): Length (of the whole section), validation bits, CCIX source and
/// port IDs, then the CCIX Protocol Error Record log up to Length. Length is checked against the section body; bytes
/// after Length are kept as <see cref="TrailingBytes"/>.
/// </summary>
[Layout("CCIX PER log error section", HeaderSize, "UEFI 2.10 N.2.12", ValidationField = nameof(ValidationBits))]
[Reserved(14, 2)]
[ValidationBit(2, "ccixPerLog")]
public sealed partial class CcixPerSection : CperSectionBody
{
    /// <summary>Size of the part before the PER log.</summary>
    public const int HeaderSize = 16;
    private const string StructureName = "CCIX PER log error section";

    private readonly byte[] _header = new byte[HeaderSize];

    // The declaration of the part before the PER log (UEFI 2.10 N.2.12, CCIX PER Log Error Section): one line per field;
    // FieldDef statics, LayoutDef, the property bodies and CcixPerSectionView are generated from it. The PER log is
    // hand-written over Length. Setting a property does not set its validation bit.

    // Length of the whole section: written from PerLog when encoding.
    [Field(0, 4, FieldKind.UInt, Unit = "bytes", LibCper = "")] private partial uint Length { get; }
    /// <summary>Validation bits: 0 source ID, 1 port ID, 2 PER log.</summary>
    [Field(4, 8, FieldKind.Flags)] public partial ulong ValidationBits { get; set; }
    /// <summary>CCIX source ID.</summary>
    [Field(12, 1, FieldKind.UInt, ValidBit = 0, Json = "ccixSourceId", Label = "CCIX source ID", LibCper = "")] public partial byte SourceId { get; set; }
    /// <summary>CCIX port ID.</summary>
    [Field(13, 1, FieldKind.UInt, ValidBit = 1, Json = "ccixPortId", Label = "CCIX port ID", LibCper = "")] public partial byte PortId { get; set; }

    private ulong Get(FieldDef field) => field.ReadValue(_header);

    private void Set(FieldDef field, ulong value) => field.WriteValue(_header, value);

    /// <summary>Header layout (UEFI 2.10 N.2.12, CCIX PER Log Error Section): <see cref="LayoutDef"/>.</summary>
    public static StructDef HeaderLayout => LayoutDef;

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.CcixPer, "CCIX PER Log", Describe, (b, o) => Decode(b, o));

    /// <summary>A new section with an empty PER log.</summary>
    public CcixPerSection()
    {
    }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.CcixPer;

    /// <summary>The CCIX PER log (Length is written as 16 plus its length).</summary>
    public byte[] PerLog { get; set; } = [];
    /// <summary>Bytes after Length (kept for round trip).</summary>
    public byte[] TrailingBytes { get; set; } = [];

    /// <inheritdoc/>
    public override int GetEncodedLength() => checked(HeaderSize + PerLog.Length + TrailingBytes.Length);

    /// <inheritdoc/>
    public override bool TryEncode(Span<byte> destination, out int bytesWritten)
        => SectionWalk.TryEncodeLengthPrefixed(_header, PerLog, TrailingBytes, destination, out bytesWritten);

    /// <summary>Decodes the section.</summary>
    /// <exception cref="ApeiContentException">Fewer than 16 bytes, or a Length below 16 or beyond the section body.</exception>
    public static CcixPerSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        var s = new CcixPerSection();
        (s.PerLog, s.TrailingBytes) = DecodeLengthPrefixed(body, baseOffset, StructureName, LengthField, s._header);
        return s;
    }

    /// <summary>Describes the header, the PER log (raw: its format is the CCIX specification's) and any bytes after Length.</summary>
    /// <exception cref="ApeiContentException">Fewer than 16 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        int length = DescribeLengthPrefixedHeader(body, baseOffset, visitor, StructureName, HeaderLayout, LengthField);
        visitor.Data("ccixPerLog", "CCIX PER log", baseOffset + HeaderSize, body[HeaderSize..length]);
        if (length < body.Length) visitor.Data(CperRecordDescriber.TrailingMember, "Bytes after Length", baseOffset + length, body[length..]);
    }
}

/// <summary>The CCIX PER log after the header (UEFI 2.10 N.2.12), read in place.</summary>
public readonly ref partial struct CcixPerSectionView
{
    /// <summary>True when Length (the whole section's) is at least the header and within the body.</summary>
    public bool HasValidLength => _body.Length >= CcixPerSection.HeaderSize && Length >= CcixPerSection.HeaderSize && Length <= (uint)_body.Length;

    /// <summary>
    /// The CCIX PER log (its format is the CCIX specification's): the bytes from 16 up to Length, or up to the body's end when
    /// Length does not fit (as the describer shows them); empty when the body does not reach the log.
    /// </summary>
    public ReadOnlySpan<byte> PerLog => _body.Length < CcixPerSection.HeaderSize ? default : _body[CcixPerSection.HeaderSize..(HasValidLength ? (int)Length : _body.Length)];

    /// <summary>The bytes after Length (empty when Length does not fit the body).</summary>
    public ReadOnlySpan<byte> TrailingBytes => HasValidLength ? _body[(int)Length..] : default;
}
