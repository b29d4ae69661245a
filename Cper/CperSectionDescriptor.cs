using System.Buffers.Binary;

namespace ApeiKit.Cper;

/// <summary>
/// Zero-copy view of a 72-byte CPER section descriptor (UEFI 2.10 N.2.2, Table N-5). Section
/// offset and length are relative to the start of the record.
/// </summary>
public readonly ref struct CperSectionDescriptor
{
    /// <summary>Descriptor size.</summary>
    public const int Size = 72;
    /// <summary>Offset of Section Offset (u32).</summary>
    public const int SectionOffsetOffset = 0;
    /// <summary>Offset of Section Length (u32).</summary>
    public const int SectionLengthOffset = 4;
    /// <summary>Offset of Revision (u16).</summary>
    public const int RevisionOffset = 8;
    /// <summary>Offset of Validation Bits (u8).</summary>
    public const int ValidationBitsOffset = 10;
    /// <summary>Offset of the reserved byte.</summary>
    public const int ReservedOffset = 11;
    /// <summary>Offset of Flags (u32).</summary>
    public const int FlagsOffset = 12;
    /// <summary>Offset of Section Type (GUID).</summary>
    public const int SectionTypeOffset = 16;
    /// <summary>Offset of FRU ID (GUID).</summary>
    public const int FruIdOffset = 32;
    /// <summary>Offset of Section Severity (u32).</summary>
    public const int SeverityOffset = 48;
    /// <summary>Offset of FRU Text (20 ASCII bytes, not necessarily NUL-terminated).</summary>
    public const int FruTextOffset = 52;
    /// <summary>FRU text length.</summary>
    public const int FruTextLength = 20;

    private static readonly FlagTable s_validation = [new(0, "fruId"), new(1, "fruText")];

    /// <summary>Layout (UEFI 2.10 Table N-5).</summary>
    public static StructDef Layout { get; } = new("CPER section descriptor", Size,
    [
        FieldDef.Hex("sectionOffset", "Section offset", SectionOffsetOffset, 4),
        FieldDef.UInt("sectionLength", "Section length", SectionLengthOffset, 4, unit: "bytes"),
        FieldDef.Hex("revision", "Revision", RevisionOffset, 2),
        FieldDef.Flags("validationBits", "Validation bits", ValidationBitsOffset, 1, s_validation),
        FieldDef.Reserved("reserved", ReservedOffset, 1),
        FieldDef.Flags("flags", "Flags", FlagsOffset, 4, CperNames.SectionFlags),
        FieldDef.Guid("sectionType", "Section type", SectionTypeOffset, CperSectionRegistry.GuidName),
        FieldDef.Guid("fruId", "FRU ID", FruIdOffset, validBit: 0),
        FieldDef.Enum("severity", "Section severity", SeverityOffset, 4, CperNames.Severity),
        FieldDef.Ascii("fruText", "FRU text", FruTextOffset, FruTextLength, validBit: 1),
    ], validationField: "validationBits");

    private readonly ReadOnlySpan<byte> _bytes;

    private CperSectionDescriptor(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>Makes a view over the first 72 bytes; false when fewer are present.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out CperSectionDescriptor descriptor)
    {
        if (source.Length < Size) { descriptor = default; return false; }
        descriptor = new CperSectionDescriptor(source[..Size]);
        return true;
    }

    /// <summary>The 72 descriptor bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;
    /// <summary>Offset of the section body from the start of the record.</summary>
    public uint SectionOffset => BinaryPrimitives.ReadUInt32LittleEndian(_bytes);
    /// <summary>Length of the section body.</summary>
    public uint SectionLength => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[SectionLengthOffset..]);
    /// <summary>Revision.</summary>
    public ushort Revision => BinaryPrimitives.ReadUInt16LittleEndian(_bytes[RevisionOffset..]);
    /// <summary>Validation bits: bit 0 FRU ID, bit 1 FRU text.</summary>
    public byte ValidationBits => _bytes[ValidationBitsOffset];
    /// <summary>Flags (bit 0 primary, bit 1 containment warning, ...).</summary>
    public uint Flags => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[FlagsOffset..]);
    /// <summary>Section type GUID.</summary>
    public Guid SectionType => new(_bytes.Slice(SectionTypeOffset, 16));
    /// <summary>The section type GUID's 16 bytes (compare without constructing a Guid).</summary>
    public ReadOnlySpan<byte> SectionTypeBytes => _bytes.Slice(SectionTypeOffset, 16);
    /// <summary>FRU ID.</summary>
    public Guid FruId => new(_bytes.Slice(FruIdOffset, 16));
    /// <summary>Section severity.</summary>
    public uint Severity => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[SeverityOffset..]);
    /// <summary>FRU text bytes (20, possibly without a terminator).</summary>
    public ReadOnlySpan<byte> FruTextBytes => _bytes.Slice(FruTextOffset, FruTextLength);
    /// <summary>FRU text up to the first NUL (all 20 characters when full).</summary>
    public string FruText => AsciiField.Decode(FruTextBytes);
}
