namespace ApeiKit.Cper.Vendors;

/// <summary>
/// Ampere error section (vendor section type <c>2826cc9f-448c-4c2b-86b6-a95394b7ef33</c>, written by Ampere Computing
/// firmware). Layout as openbmc/libcper decodes it (<c>include/libcper/Cper.h</c>, <c>EFI_AMPERE_ERROR_DATA</c>, a packed
/// 8-byte structure, and <c>sections/cper-section-ampere.c</c>): Type ID (16 bits), Subtype ID (16 bits), Instance ID
/// (32 bits). Bytes after those 8 are kept as trailing bytes (libcper ignores them).
/// </summary>
public sealed class AmpereSection : FixedSectionBody
{
    /// <summary>The section type GUID (libcper <c>EFI_ERROR_SECTION_AMPERE_SPECIFIC_GUID</c>).</summary>
    public static readonly Guid SectionGuid = new("2826cc9f-448c-4c2b-86b6-a95394b7ef33");
    /// <summary>Size of the documented part.</summary>
    public const int Size = 8;
    private const string StructureName = "Ampere error section";

    /// <summary>Type ID (offset 0).</summary>
    public static readonly FieldDef TypeIdField = FieldDef.UInt("typeId", "Type ID", 0, 2);
    /// <summary>Subtype ID (offset 2).</summary>
    public static readonly FieldDef SubtypeIdField = FieldDef.UInt("subtypeId", "Subtype ID", 2, 2);
    /// <summary>Instance ID (offset 4).</summary>
    public static readonly FieldDef InstanceIdField = FieldDef.UInt("instanceId", "Instance ID", 4, 4);

    /// <summary>Layout (libcper <c>EFI_AMPERE_ERROR_DATA</c>).</summary>
    public static StructDef LayoutDef { get; } = new(StructureName, Size, [TypeIdField, SubtypeIdField, InstanceIdField]);

    /// <summary>The codec; built in (see <see cref="CperSections"/>).</summary>
    public static CperSectionCodec Codec { get; } = new(SectionGuid, "Ampere", Describe, (b, o) => Decode(b, o));

    /// <summary>A new, zeroed 8-byte section.</summary>
    public AmpereSection() : base(LayoutDef) { }

    private AmpereSection(ReadOnlySpan<byte> bytes) : base(LayoutDef, bytes) { }

    /// <inheritdoc/>
    public override Guid SectionType => SectionGuid;

    /// <summary>Type ID.</summary>
    public ushort TypeId { get => (ushort)Get(TypeIdField); set => Set(TypeIdField, value); }
    /// <summary>Subtype ID.</summary>
    public ushort SubtypeId { get => (ushort)Get(SubtypeIdField); set => Set(SubtypeIdField, value); }
    /// <summary>Instance ID.</summary>
    public uint InstanceId { get => (uint)Get(InstanceIdField); set => Set(InstanceIdField, value); }

    /// <summary>Decodes a body of at least 8 bytes (bytes after them are kept).</summary>
    /// <exception cref="ApeiContentException">Fewer than 8 bytes.</exception>
    public static AmpereSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        CheckLength(body, baseOffset);
        return new AmpereSection(body);
    }

    /// <summary>Describes the 8 bytes, then any bytes after them.</summary>
    /// <exception cref="ApeiContentException">Fewer than 8 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        CheckLength(body, baseOffset);
        LayoutDef.Describe(body[..Size], baseOffset, visitor);
        if (body.Length > Size) visitor.Data("trailingBytes", "Bytes after the layout", baseOffset + Size, body[Size..]);
    }

    private static void CheckLength(ReadOnlySpan<byte> body, long baseOffset)
    {
        if (body.Length < Size) ThrowHelper.ThrowTruncated(StructureName, baseOffset, Size, body.Length);
    }
}
