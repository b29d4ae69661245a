using ApeiKit.Declarations;

namespace ApeiKit.Cper;

/// <summary>
/// Platform memory error section (UEFI 2.10 N.2.5, Table N-31): 80 bytes, or 73 bytes as UEFI 2.1/2.2
/// firmware wrote it (through Memory Error Type). Real Windows captures carry 77 bytes (73 + padding);
/// bytes beyond the layout are kept.
/// </summary>
[Layout("Platform memory error section", Size, "UEFI 2.10 N.2.5, Table N-31", ValidationField = nameof(ValidationBits), LegacySize = LegacySize, SectionGuid = "a5bc1114-6f64-4ede-b863-3e83ed7c83b1", GuidName = "PlatformMemory", DisplayName = "Platform Memory", TrailingLabel = "Trailing bytes", LayoutInfo = "UEFI 2.3+ (80 bytes)", ShortLayoutInfo = "UEFI 2.1/2.2 (73 bytes)", ValidationEnum = "MemoryErrorValidation")]
public sealed partial class MemoryErrorSection : FixedSectionBody, IMemoryErrorPrefix
{
    /// <summary>Full layout size (UEFI 2.3 and later).</summary>
    public const int Size = 80;
    /// <summary>Size of the UEFI 2.1/2.2 layout, which ends after Memory Error Type.</summary>
    public const int LegacySize = 73;

    /// <summary>Memory error types (N.2.5, Memory Error Type).</summary>
    public static NameTable MemoryErrorTypes { get; } = [
        new(0, "unknown"), new(1, "no error"), new(2, "single-bit ECC"), new(3, "multi-bit ECC"), new(4, "single-symbol ChipKill ECC"),
        new(5, "multi-symbol ChipKill ECC"), new(6, "master abort"), new(7, "target abort"), new(8, "parity error"), new(9, "watchdog timeout"),
        new(10, "invalid address"), new(11, "mirror broken"), new(12, "memory sparing"), new(13, "scrub corrected error"),
        new(14, "scrub uncorrected error"), new(15, "physical memory map-out event"),
    ];

    /// <summary>
    /// <see cref="MemoryErrorType"/> as the spec's enumeration (N.2.5); a reserved value (16-255) reads as its number. The
    /// setter sets validation bit 14, as the raw property's does.
    /// </summary>
    public global::ApeiKit.Cper.MemoryErrorType ErrorType
    {
        get => (global::ApeiKit.Cper.MemoryErrorType)MemoryErrorType;
        set => MemoryErrorType = (byte)value;
    }

    /// <summary>True when the body uses the 73-byte UEFI 2.1/2.2 layout.</summary>
    public bool IsLegacyLayout => Bytes.Length < Size;

    // The declaration (UEFI 2.10 N.2.5, Table N-31): one line per field; the FieldDef statics, LayoutDef, the property
    // bodies and MemoryErrorSectionView are generated from it (MemoryErrorSection.g.cs). Bytes 0-37 are IMemoryErrorPrefix.

    /// <summary>Bank (bank group in bits 15:8 and bank address in 7:0 when validation bits 19/20 say so).</summary>
    [Field(38, 2, FieldKind.Bits, ValidBit = 6)]
    [Bit("bankAddress", 0, 8, ValidBit = 20)]
    [Bit("bankGroup", 8, 8, ValidBit = 19)]
    public partial ushort Bank { get; set; }
    /// <summary>Device.</summary>
    [Field(40, 2, FieldKind.UInt, ValidBit = 7, LibCper = "")] public partial ushort Device { get; set; }
    /// <summary>Row, bits 0-15 (bits 16-17 are in <see cref="Extended"/>).</summary>
    [Field(42, 2, FieldKind.UInt, ValidBit = 8, Label = "Row (bits 0-15)", SpillTo = nameof(Extended), SpillBit = 0, SpillWidth = 2, LibCper = "")]
    public partial ushort Row { get; set; }
    /// <summary>Column.</summary>
    [Field(44, 2, FieldKind.UInt, ValidBit = 9, LibCper = "")] public partial ushort Column { get; set; }
    /// <summary>Bit position.</summary>
    [Field(46, 2, FieldKind.UInt, ValidBit = 10, LibCper = "")] public partial ushort BitPosition { get; set; }
    /// <summary>Requestor ID.</summary>
    [Field(48, 8, FieldKind.Hex, ValidBit = 11, LibCper = "")] public partial ulong RequestorId { get; set; }
    /// <summary>Responder ID.</summary>
    [Field(56, 8, FieldKind.Hex, ValidBit = 12, LibCper = "")] public partial ulong ResponderId { get; set; }
    /// <summary>Target ID.</summary>
    [Field(64, 8, FieldKind.Hex, ValidBit = 13, LibCper = "")] public partial ulong TargetId { get; set; }
    /// <summary>Memory error type (see <see cref="MemoryErrorTypes"/>).</summary>
    [Field(72, 1, FieldKind.Enum, ValidBit = 14, Names = nameof(MemoryErrorTypes), LibCper = "", LibCperNames = "LibCper.LcFixed.MemoryTypes")] public partial byte MemoryErrorType { get; set; }
    /// <summary>Extended: row bits 16-17 and chip identification (bits 5-7).</summary>
    [Field(73, 1, FieldKind.Bits, LibCperObject = "extended")]
    [Bit("rowBit16", 0, 1, ValidBit = 18, ValidationName = "extendedRow", LibCper = ":Bool")]
    [Bit("rowBit17", 1, 1, ValidBit = 18, ValidationName = "extendedRow", LibCper = ":Bool")]
    [Bit("chipIdentification", 5, 3, ValidBit = 21, LibCper = "")]
    public partial byte Extended { get; set; }
    /// <summary>Rank number.</summary>
    [Field(74, 2, FieldKind.UInt, ValidBit = 15, LibCper = "")] public partial ushort RankNumber { get; set; }
    /// <summary>Card handle (SMBIOS type 16).</summary>
    [Field(76, 2, FieldKind.Hex, ValidBit = 16, Label = "Card handle (SMBIOS type 16)", LibCper = "cardSmbiosHandle")] public partial ushort CardHandle { get; set; }
    /// <summary>Module handle (SMBIOS type 17).</summary>
    [Field(78, 2, FieldKind.Hex, ValidBit = 17, Label = "Module handle (SMBIOS type 17)", LibCper = "moduleSmbiosHandle")] public partial ushort ModuleHandle { get; set; }
}

/// <summary>
/// The fields the platform memory error section (UEFI 2.10 N.2.5) and memory error section 2 (N.2.6) share: bytes 0-37,
/// the same offsets, sizes and validation bits 0-5 in both. Declared once; each section's generated code includes them.
/// </summary>
[LayoutFragment]
internal interface IMemoryErrorPrefix
{
    /// <summary>Validation bits (N.2.5, N.2.6): bit n says field n holds meaning.</summary>
    [Field(0, 8, FieldKind.Flags)] ulong ValidationBits { get; set; }
    /// <summary>Error status (N.2.5, N.2.6; the bits of UEFI N "Error Status Fields").</summary>
    [Field(8, 8, FieldKind.Bits, ValidBit = 0, Bits = "CperNames.ErrorStatusBits", LibCper = ":Status")] ulong ErrorStatus { get; set; }
    /// <summary>Physical address of the error.</summary>
    [Field(16, 8, FieldKind.Hex, ValidBit = 1, LibCper = "; physicalAddressHex:Hex")] ulong PhysicalAddress { get; set; }
    /// <summary>Physical address mask.</summary>
    [Field(24, 8, FieldKind.Hex, ValidBit = 2, LibCper = "")] ulong PhysicalAddressMask { get; set; }
    /// <summary>Node.</summary>
    [Field(32, 2, FieldKind.UInt, ValidBit = 3, LibCper = "")] ushort Node { get; set; }
    /// <summary>Card.</summary>
    [Field(34, 2, FieldKind.UInt, ValidBit = 4, LibCper = "")] ushort Card { get; set; }
    /// <summary>Module.</summary>
    [Field(36, 2, FieldKind.UInt, ValidBit = 5, LibCper = "")] ushort Module { get; set; }
}
