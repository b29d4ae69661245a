using ApeiKit.Declarations;

namespace ApeiKit.Cper;

/// <summary>Register context types of ARM context-information structures (UEFI 2.10 N.2.4.4, Table N-21).</summary>
public enum ArmRegisterContextType : ushort
{
    /// <summary>AArch32 general purpose registers R0-R15 (Table N-22, 64 bytes).</summary>
    AArch32Gpr = 0,
    /// <summary>AArch32 EL1 context registers (Table N-23, 96 bytes).</summary>
    AArch32El1 = 1,
    /// <summary>AArch32 EL2 context registers (Table N-24, 64 bytes).</summary>
    AArch32El2 = 2,
    /// <summary>AArch32 secure context registers (Table N-25, 8 bytes).</summary>
    AArch32Secure = 3,
    /// <summary>AArch64 general purpose registers X0-X30 and SP (Table N-26, 256 bytes).</summary>
    AArch64Gpr = 4,
    /// <summary>AArch64 EL1 context registers (Table N-27, 136 bytes).</summary>
    AArch64El1 = 5,
    /// <summary>AArch64 EL2 context registers (Table N-28, 120 bytes).</summary>
    AArch64El2 = 6,
    /// <summary>AArch64 EL3 context registers (Table N-29, 80 bytes).</summary>
    AArch64El3 = 7,
    /// <summary>Miscellaneous system register structure: MRS encoding and value (Table N-30, 10 bytes).</summary>
    MiscSystemRegister = 8,
}

/// <summary>
/// One ARM context-information structure (UEFI 2.10 N.2.4.4, Table N-21): version, register context type,
/// register array size and the register array. The array size written is the array's length. The specification
/// pads each structure with zeros to a multiple of 16 bytes; some writers (libcper) do not (see <see cref="Padded"/>).
/// </summary>
[Layout("ARM context information", HeaderSize, "UEFI 2.10 N.2.4.4, Table N-21")]
public sealed partial class ArmContextInfo
{
    /// <summary>Size of the header before the register array.</summary>
    public const int HeaderSize = 8;

    /// <summary>A new structure of <paramref name="type"/> with a zeroed register array of the type's size (empty for unknown types).</summary>
    public ArmContextInfo(ArmRegisterContextType type)
    {
        RegisterContextType = (ushort)type;
        RegisterArray = new byte[ArmProcessorSection.RegisterLayout((ushort)type)?.Size ?? 0];
    }

    /// <summary>A new structure with an explicit register array.</summary>
    public ArmContextInfo(ushort registerContextType, byte[] registerArray)
    {
        RegisterContextType = registerContextType;
        RegisterArray = registerArray ?? throw new ArgumentNullException(nameof(registerArray));
    }

    // The header's declaration (UEFI 2.10 N.2.4.4, Table N-21): LayoutDef (ArmProcessorSection.ContextHeaderLayout), the
    // XField statics and ArmContextInfoView are generated from it. The model keeps the header as values (the array size
    // is the array's length), so its accessors are written here.

    /// <summary>Version (0).</summary>
    [Field(0, 2, FieldKind.UInt, LibCper = "")] public ushort Version { get; set; }
    /// <summary>Register context type (see <see cref="ArmRegisterContextType"/>).</summary>
    [Field(2, 2, FieldKind.Enum, Names = nameof(RegisterContextTypeNames), LibCper = "", LibCperNames = "LibCper.LcArm.ContextTypes")] public ushort RegisterContextType { get; set; }
    // N.2.4.4 Table N-21: Register Array Size, the bytes of the register array that follows (padding excluded); derived
    // from the array given (hex bytes, or the named registers of the type's layout).
    [Field(4, 4, FieldKind.UInt, Unit = "bytes", Derive = nameof(RegisterArraySizeDerivation), LibCper = "")]
    internal uint RegisterArraySize => (uint)RegisterArray.Length;

    /// <summary>Register context type names (Table N-21).</summary>
    internal static NameTable RegisterContextTypeNames { get; } = [
        new(0, "AArch32 general purpose registers"), new(1, "AArch32 EL1 context registers"), new(2, "AArch32 EL2 context registers"),
        new(3, "AArch32 secure context registers"), new(4, "AArch64 general purpose registers"), new(5, "AArch64 EL1 context registers"),
        new(6, "AArch64 EL2 context registers"), new(7, "AArch64 EL3 context registers"), new(8, "miscellaneous system register structure"),
    ];

    // Evaluated in the generated static constructor, after RegisterContextTypeField (offset 2) is assigned.
    private static FieldDerivation RegisterArraySizeDerivation
        => FieldDerivation.LengthOf(RegisterContextTypeField, t => t <= ushort.MaxValue ? ArmProcessorSection.RegisterLayout((ushort)t) : null, "registerArray", "registers");

    internal ArmContextInfo(ReadOnlySpan<byte> bytes, bool padded)
    {
        Version = (ushort)VersionField.ReadValue(bytes);
        RegisterContextType = (ushort)RegisterContextTypeField.ReadValue(bytes);
        RegisterArray = bytes[HeaderSize..].ToArray();
        Padded = padded;
    }

    /// <summary>
    /// True (the default, as the specification says) when the structure is followed by zeros up to a multiple of 16
    /// bytes; false for writers that put the next structure right after the register array.
    /// </summary>
    public bool Padded { get; set; } = true;

    /// <summary>Zero bytes after the register array when <see cref="Padded"/>.</summary>
    public int PaddingLength => Padded ? PaddingFor(HeaderSize + RegisterArray.Length) : 0;

    /// <summary>Zeros needed after a structure of <paramref name="length"/> bytes to reach a multiple of 16.</summary>
    public static int PaddingFor(long length) => (int)((16 - (length & 15)) & 15);

    /// <summary>The register array (its length is written as the register array size).</summary>
    public byte[] RegisterArray { get; set; }

    /// <summary>Bytes this structure encodes to.</summary>
    public int EncodedLength => HeaderSize + RegisterArray.Length + PaddingLength;

    /// <summary>Reads a named register (e.g. "ESR_EL2" or its JSON name "esrEl2") of a known register context type.</summary>
    /// <exception cref="ArgumentException">No such register, or the array is not the type's size.</exception>
    public ulong GetRegister(string name) => FindRegister(name).ReadValue(RegisterArray);

    /// <summary>Writes a named register of a known register context type.</summary>
    /// <exception cref="ArgumentException">No such register, or the array is not the type's size.</exception>
    public void SetRegister(string name, ulong value) => FindRegister(name).WriteValue(RegisterArray, value);

    private FieldDef FindRegister(string name)
        => SectionWalk.FindRegister(ArmProcessorSection.RegisterLayout(RegisterContextType), RegisterContextType, RegisterArray.Length, name);

    internal int WriteTo(Span<byte> destination)
    {
        VersionField.WriteValue(destination, Version);
        RegisterContextTypeField.WriteValue(destination, RegisterContextType);
        RegisterArraySizeField.WriteValue(destination, RegisterArraySize);
        RegisterArray.CopyTo(destination[HeaderSize..]);
        destination.Slice(HeaderSize + RegisterArray.Length, PaddingLength).Clear();
        return EncodedLength;
    }
}

