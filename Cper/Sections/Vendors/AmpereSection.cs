using ApeiKit.Declarations;

namespace ApeiKit.Cper.Vendors;

/// <summary>
/// Ampere error section (vendor section type <c>2826cc9f-448c-4c2b-86b6-a95394b7ef33</c>, written by Ampere Computing
/// firmware). Layout as openbmc/libcper decodes it (<c>include/libcper/Cper.h</c>, <c>EFI_AMPERE_ERROR_DATA</c>, a packed
/// 8-byte structure, and <c>sections/cper-section-ampere.c</c>): Type ID (16 bits), Subtype ID (16 bits), Instance ID
/// (32 bits). Bytes after those 8 are kept as trailing bytes (libcper ignores them).
/// </summary>
[Layout(StructureName, Size, "libcper EFI_AMPERE_ERROR_DATA", SectionGuid = "2826cc9f-448c-4c2b-86b6-a95394b7ef33", DisplayName = "Ampere", GuidSource = "libcper (OpenBMC)")]
public sealed partial class AmpereSection : FixedSectionBody
{
    /// <summary>Size of the documented part.</summary>
    public const int Size = 8;
    private const string StructureName = "Ampere error section";

    // The declaration (libcper EFI_AMPERE_ERROR_DATA): one line per field; FieldDef statics, LayoutDef, property bodies,
    // AmpereSectionView and the codec, constructors, SectionType, Decode and Describe are generated from it.

    /// <summary>Type ID.</summary>
    [Field(0, 2, FieldKind.UInt, LibCper = "typeId:Int32")] public partial ushort TypeId { get; set; }
    /// <summary>Subtype ID.</summary>
    [Field(2, 2, FieldKind.UInt, LibCper = "subTypeId:Int32")] public partial ushort SubtypeId { get; set; }
    /// <summary>Instance ID.</summary>
    [Field(4, 4, FieldKind.UInt, LibCper = "instanceId:Int32")] public partial uint InstanceId { get; set; }
}
