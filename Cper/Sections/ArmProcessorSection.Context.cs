using System.Buffers.Binary;
using System.Text;

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
public sealed class ArmContextInfo
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

    internal ArmContextInfo(ReadOnlySpan<byte> bytes, bool padded)
    {
        Version = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        RegisterContextType = BinaryPrimitives.ReadUInt16LittleEndian(bytes[2..]);
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

    /// <summary>Version (0).</summary>
    public ushort Version { get; set; }
    /// <summary>Register context type (see <see cref="ArmRegisterContextType"/>).</summary>
    public ushort RegisterContextType { get; set; }
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
    {
        var layout = ArmProcessorSection.RegisterLayout(RegisterContextType);
        if (layout is null || layout.Size != RegisterArray.Length) throw new ArgumentException($"Register context type {RegisterContextType} with a {RegisterArray.Length}-byte array has no named registers.", nameof(name));
        foreach (var f in layout.Fields)
        {
            if (string.Equals(f.Label, name, StringComparison.OrdinalIgnoreCase) || f.Json == name) return f;
        }
        throw new ArgumentException($"No register '{name}' in {layout.Name}.", nameof(name));
    }

    internal int WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, Version);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], RegisterContextType);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], (uint)RegisterArray.Length);
        RegisterArray.CopyTo(destination[HeaderSize..]);
        destination.Slice(HeaderSize + RegisterArray.Length, PaddingLength).Clear();
        return EncodedLength;
    }
}

public sealed partial class ArmProcessorSection
{
    /// <summary>Register context type names (Table N-21).</summary>
    public static NameTable RegisterContextTypes { get; } = [
        new(0, "AArch32 general purpose registers"), new(1, "AArch32 EL1 context registers"), new(2, "AArch32 EL2 context registers"),
        new(3, "AArch32 secure context registers"), new(4, "AArch64 general purpose registers"), new(5, "AArch64 EL1 context registers"),
        new(6, "AArch64 EL2 context registers"), new(7, "AArch64 EL3 context registers"), new(8, "miscellaneous system register structure"),
    ];

    /// <summary>Context-information header layout (UEFI 2.10 Table N-21).</summary>
    public static StructDef ContextHeaderLayout { get; } = ContextHeader();

    private static StructDef ContextHeader()
    {
        var type = FieldDef.Enum("registerContextType", "Register context type", 2, 2, RegisterContextTypes);
        return new("ARM context information", ArmContextInfo.HeaderSize,
        [
            FieldDef.UInt("version", "Version", 0, 2),
            type,
            // N.2.4.4 Table N-21: Register Array Size, the bytes of the register array that follows (padding excluded);
            // derived from the array given (hex bytes, or the named registers of the type's layout).
            FieldDef.UInt("registerArraySize", "Register array size", 4, 4, unit: "bytes") with
            {
                Derive = FieldDerivation.LengthOf(type, t => t <= ushort.MaxValue ? RegisterLayout((ushort)t) : null, "registerArray", "registers"),
            },
        ]);
    }

    private static readonly StructDef[] s_registerLayouts =
    [
        Registers(0, 4, "R0", "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13_sp", "R14_lr", "R15_pc"),
        Registers(1, 4, "DFAR", "DFSR", "IFAR", "ISR", "MAIR0", "MAIR1", "MIDR", "MPIDR", "NMRR", "PRRR", "SCTLR_NS", "SPSR", "SPSR_abt",
            "SPSR_fiq", "SPSR_irq", "SPSR_svc", "SPSR_und", "TPIDRPRW", "TPIDRURO", "TPIDRURW", "TTBCR", "TTBR0", "TTBR1", "DACR"),
        Registers(2, 4, "ELR_hyp", "HAMAIR0", "HAMAIR1", "HCR", "HCR2", "HDFAR", "HIFAR", "HPFAR", "HSR", "HTCR", "HTPIDR", "HTTBR",
            "SPSR_hyp", "VTCR", "VTTBR", "DACR32_EL2"),
        Registers(3, 4, "SCTLR_S", "SPSR_mon"),
        Registers(4, 8, "X0", "X1", "X2", "X3", "X4", "X5", "X6", "X7", "X8", "X9", "X10", "X11", "X12", "X13", "X14", "X15", "X16",
            "X17", "X18", "X19", "X20", "X21", "X22", "X23", "X24", "X25", "X26", "X27", "X28", "X29", "X30", "SP"),
        Registers(5, 8, "ELR_EL1", "ESR_EL1", "FAR_EL1", "ISR_EL1", "MAIR_EL1", "MIDR_EL1", "MPIDR_EL1", "SCTLR_EL1", "SP_EL0", "SP_EL1",
            "SPSR_EL1", "TCR_EL1", "TPIDR_EL0", "TPIDR_EL1", "TPIDRRO_EL0", "TTBR0_EL1", "TTBR1_EL1"),
        Registers(6, 8, "ELR_EL2", "ESR_EL2", "FAR_EL2", "HACR_EL2", "HCR_EL2", "HPFAR_EL2", "MAIR_EL2", "SCTLR_EL2", "SP_EL2", "SPSR_EL2",
            "TCR_EL2", "TPIDR_EL2", "TTBR0_EL2", "VTCR_EL2", "VTTBR_EL2"),
        Registers(7, 8, "ELR_EL3", "ESR_EL3", "FAR_EL3", "MAIR_EL3", "SCTLR_EL3", "SP_EL3", "SPSR_EL3", "TCR_EL3", "TPIDR_EL3", "TTBR0_EL3"),
        new("Miscellaneous system register", 10,
        [
            FieldDef.Bits("mrsEncoding", "MRS encoding", 0, 2,
                [new("op2", "op2", 0, 3), new("crm", "CRm", 3, 4), new("crn", "CRn", 7, 4), new("op1", "op1", 11, 3), new("o0", "o0", 14, 1)]),
            FieldDef.Hex("value", "Value", 2, 8),
        ]),
    ];

    /// <summary>The named-register layout of a register context type (Tables N-22 to N-30), or null for reserved types.</summary>
    public static StructDef? RegisterLayout(ushort registerContextType) => registerContextType < s_registerLayouts.Length ? s_registerLayouts[registerContextType] : null;

    private static StructDef Registers(int type, int width, params string[] names)
    {
        var fields = new FieldDef[names.Length];
        for (int i = 0; i < names.Length; i++) fields[i] = FieldDef.Hex(JsonName(names[i]), names[i].ToUpperInvariant(), i * width, width);
        return new StructDef(RegisterContextTypes[(ulong)type]!, names.Length * width, fields);
    }

    /// <summary>"ELR_EL2" becomes "elrEl2", "R13_sp" becomes "r13Sp".</summary>
    private static string JsonName(string register)
    {
        var sb = new StringBuilder(register.Length);
        bool upper = false;
        foreach (char c in register)
        {
            if (c == '_') { upper = true; continue; }
            sb.Append(upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            upper = false;
        }
        return sb.ToString();
    }
}
