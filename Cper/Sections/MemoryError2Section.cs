using ApeiKit.Declarations;

namespace ApeiKit.Cper;

/// <summary>
/// Memory error section 2 (UEFI 2.10 N.2.6): 96 bytes. Unlike the platform memory error section (N.2.5) the device,
/// row, column, rank and bit position are 32-bit, chip identification and the memory error type have bytes of their
/// own, a Status byte follows, and the card and module SMBIOS handles are 32-bit. Bytes beyond the layout are kept.
/// </summary>
[Layout(StructureName, Size, "UEFI 2.10 N.2.6", ValidationField = nameof(ValidationBits), SectionGuid = "61ec04fc-48e6-d813-25c9-8daa44750b12", GuidName = "PlatformMemory2", DisplayName = "Platform Memory 2", ValidationEnum = "MemoryError2Validation")]
[Reserved(63, 1)]
public sealed partial class MemoryError2Section : FixedSectionBody, IMemoryErrorPrefix
{
    /// <summary>Layout size.</summary>
    public const int Size = 96;
    private const string StructureName = "Memory error section 2";

    /// <summary>
    /// <see cref="MemoryErrorType"/> as the spec's enumeration (N.2.6 uses N.2.5's values); a reserved value (16-255) reads
    /// as its number. The setter sets validation bit 13, as the raw property's does.
    /// </summary>
    public global::ApeiKit.Cper.MemoryErrorType ErrorType
    {
        get => (global::ApeiKit.Cper.MemoryErrorType)MemoryErrorType;
        set => MemoryErrorType = (byte)value;
    }

    // The declaration (UEFI 2.10 N.2.6): one line per field; the FieldDef statics, LayoutDef, the property bodies and
    // MemoryError2SectionView are generated from it. Bytes 0-37 are IMemoryErrorPrefix, shared with N.2.5.

    /// <summary>Bank (bank group in bits 15:8, bank address in 7:0 when validation bits 20/21 say so).</summary>
    [Field(38, 2, FieldKind.Bits, ValidBit = 6)]
    [Bit("bankAddress", 0, 8, ValidBit = 21)]
    [Bit("bankGroup", 8, 8, ValidBit = 20)]
    public partial ushort Bank { get; set; }
    /// <summary>Device.</summary>
    [Field(40, 4, FieldKind.UInt, ValidBit = 7, LibCper = "")] public partial uint Device { get; set; }
    /// <summary>Row.</summary>
    [Field(44, 4, FieldKind.UInt, ValidBit = 8, LibCper = "")] public partial uint Row { get; set; }
    /// <summary>Column.</summary>
    [Field(48, 4, FieldKind.UInt, ValidBit = 9, LibCper = "")] public partial uint Column { get; set; }
    /// <summary>Rank.</summary>
    [Field(52, 4, FieldKind.UInt, ValidBit = 10, LibCper = "")] public partial uint Rank { get; set; }
    /// <summary>Bit position.</summary>
    [Field(56, 4, FieldKind.UInt, ValidBit = 11, LibCper = "")] public partial uint BitPosition { get; set; }
    /// <summary>Chip identification.</summary>
    [Field(60, 1, FieldKind.UInt, ValidBit = 12, Label = "Chip identification", LibCper = "")] public partial byte ChipId { get; set; }
    /// <summary>Memory error type (see <see cref="MemoryErrorSection.MemoryErrorTypes"/>).</summary>
    [Field(61, 1, FieldKind.Enum, ValidBit = 13, Names = "MemoryErrorSection.MemoryErrorTypes", LibCper = "", LibCperNames = "LibCper.LcFixed.MemoryTypes")] public partial byte MemoryErrorType { get; set; }
    /// <summary>Status.</summary>
    [Field(62, 1, FieldKind.Hex, ValidBit = 14)] public partial byte Status { get; set; }
    /// <summary>Requestor ID.</summary>
    [Field(64, 8, FieldKind.Hex, ValidBit = 15, LibCper = "")] public partial ulong RequestorId { get; set; }
    /// <summary>Responder ID.</summary>
    [Field(72, 8, FieldKind.Hex, ValidBit = 16, LibCper = "")] public partial ulong ResponderId { get; set; }
    /// <summary>Target ID.</summary>
    [Field(80, 8, FieldKind.Hex, ValidBit = 17, LibCper = "")] public partial ulong TargetId { get; set; }
    /// <summary>Card handle (SMBIOS type 16).</summary>
    [Field(88, 4, FieldKind.Hex, ValidBit = 18, Label = "Card handle (SMBIOS type 16)", LibCper = "cardSmbiosHandle")] public partial uint CardHandle { get; set; }
    /// <summary>Module handle (SMBIOS type 17).</summary>
    [Field(92, 4, FieldKind.Hex, ValidBit = 19, Label = "Module handle (SMBIOS type 17)", LibCper = "moduleSmbiosHandle")] public partial uint ModuleHandle { get; set; }
}
