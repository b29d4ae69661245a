using ApeiKit.Declarations;

namespace ApeiKit.Cper;

/// <summary>
/// The CPER section descriptor (UEFI 2.10 N.2.2, Table N-5), declared once (ApeiKit.Generators, docs/DESIGN.md "One
/// declaration per structure"): <see cref="CperSectionDescriptor.Layout"/>, its offset constants and its accessors read
/// the generated <c>LayoutDef</c>, <c>Declared</c> constants and view. A declaration only: nothing makes an instance.
/// </summary>
[Layout("CPER section descriptor", 72, "UEFI 2.10 N.2.2, Table N-5", ValidationField = nameof(ValidationBits))]
[Reserved(11, 1)]
internal abstract partial class CperSectionDescriptorDeclaration
{
    [Field(0, 4, FieldKind.Hex)] internal abstract uint SectionOffset { get; }
    [Field(4, 4, FieldKind.UInt, Unit = "bytes")] internal abstract uint SectionLength { get; }
    [Field(8, 2, FieldKind.Hex)] internal abstract ushort Revision { get; }
    [Field(10, 1, FieldKind.Flags)] internal abstract byte ValidationBits { get; }
    [Field(12, 4, FieldKind.Flags, Flags = "CperNames.SectionFlags")] internal abstract uint Flags { get; }
    [Field(16, 16, FieldKind.Guid, Guids = "CperSectionRegistry.GuidName")] internal abstract Guid SectionType { get; }
    [Field(32, 16, FieldKind.Guid, ValidBit = 0, Label = "FRU ID")] internal abstract Guid FruId { get; }
    [Field(48, 4, FieldKind.Enum, Label = "Section severity", Names = "CperNames.Severity")] internal abstract uint Severity { get; }
    [Field(52, 20, FieldKind.Ascii, ValidBit = 1, Label = "FRU text")] internal abstract byte[] FruText { get; } // not necessarily NUL-terminated
}

/// <summary>
/// Zero-copy view of a 72-byte CPER section descriptor (UEFI 2.10 N.2.2, Table N-5). Section
/// offset and length are relative to the start of the record.
/// </summary>
public readonly ref struct CperSectionDescriptor
{
    /// <summary>Descriptor size.</summary>
    public const int Size = CperSectionDescriptorDeclaration.Declared.Size;
    /// <summary>Offset of Section Offset (u32).</summary>
    public const int SectionOffsetOffset = CperSectionDescriptorDeclaration.Declared.SectionOffsetOffset;
    /// <summary>Offset of Section Length (u32).</summary>
    public const int SectionLengthOffset = CperSectionDescriptorDeclaration.Declared.SectionLengthOffset;
    /// <summary>Offset of Revision (u16).</summary>
    public const int RevisionOffset = CperSectionDescriptorDeclaration.Declared.RevisionOffset;
    /// <summary>Offset of Validation Bits (u8).</summary>
    public const int ValidationBitsOffset = CperSectionDescriptorDeclaration.Declared.ValidationBitsOffset;
    /// <summary>Offset of the reserved byte (the declaration's [Reserved], after Validation Bits).</summary>
    public const int ReservedOffset = ValidationBitsOffset + CperSectionDescriptorDeclaration.Declared.ValidationBitsSize;
    /// <summary>Offset of Flags (u32).</summary>
    public const int FlagsOffset = CperSectionDescriptorDeclaration.Declared.FlagsOffset;
    /// <summary>Offset of Section Type (GUID).</summary>
    public const int SectionTypeOffset = CperSectionDescriptorDeclaration.Declared.SectionTypeOffset;
    /// <summary>Offset of FRU ID (GUID).</summary>
    public const int FruIdOffset = CperSectionDescriptorDeclaration.Declared.FruIdOffset;
    /// <summary>Offset of Section Severity (u32).</summary>
    public const int SeverityOffset = CperSectionDescriptorDeclaration.Declared.SeverityOffset;
    /// <summary>Offset of FRU Text (20 ASCII bytes, not necessarily NUL-terminated).</summary>
    public const int FruTextOffset = CperSectionDescriptorDeclaration.Declared.FruTextOffset;
    /// <summary>FRU text length.</summary>
    public const int FruTextLength = CperSectionDescriptorDeclaration.Declared.FruTextSize;

    /// <summary>Layout (UEFI 2.10 Table N-5), generated from the declaration.</summary>
    public static StructDef Layout => CperSectionDescriptorDeclaration.LayoutDef;

    // The generated view over the 72 bytes: every accessor below reads through it.
    private readonly CperSectionDescriptorDeclarationView _fields;

    private CperSectionDescriptor(CperSectionDescriptorDeclarationView fields) => _fields = fields;

    /// <summary>Makes a view over the first 72 bytes; false when fewer are present.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)] // per descriptor on the renderers' paths
    public static bool TryRead(ReadOnlySpan<byte> source, out CperSectionDescriptor descriptor)
    {
        if (source.Length < Size) { descriptor = default; return false; }
        descriptor = new CperSectionDescriptor(CperSectionDescriptorDeclarationView.Of(source[..Size]));
        return true;
    }

    /// <summary>The 72 descriptor bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _fields.Bytes;
    /// <summary>Offset of the section body from the start of the record.</summary>
    public uint SectionOffset => _fields.SectionOffset;
    /// <summary>Length of the section body.</summary>
    public uint SectionLength => _fields.SectionLength;
    /// <summary>Revision.</summary>
    public ushort Revision => _fields.Revision;
    /// <summary>Validation bits: bit 0 FRU ID, bit 1 FRU text.</summary>
    public byte ValidationBits => (byte)_fields.ValidationBits;
    /// <summary>Flags (bit 0 primary, bit 1 containment warning, ...).</summary>
    public uint Flags => _fields.Flags;
    /// <summary>Section type GUID.</summary>
    public Guid SectionType => _fields.SectionType;
    /// <summary>The section type GUID's 16 bytes (compare without constructing a Guid).</summary>
    public ReadOnlySpan<byte> SectionTypeBytes => _fields.Bytes.Slice(SectionTypeOffset, 16);
    /// <summary>FRU ID.</summary>
    public Guid FruId => _fields.FruId;
    /// <summary>Section severity.</summary>
    public uint Severity => _fields.Severity;
    /// <summary>FRU text bytes (20, possibly without a terminator).</summary>
    public ReadOnlySpan<byte> FruTextBytes => _fields.FruText;
    /// <summary>FRU text up to the first NUL (all 20 characters when full).</summary>
    public string FruText => AsciiField.Decode(FruTextBytes);
}
