using System.Text;

namespace ApeiKit.Cper;

public sealed partial class ArmProcessorSection
{
    /// <summary>Register context type names (Table N-21).</summary>
    public static NameTable RegisterContextTypes => ArmContextInfo.RegisterContextTypeNames;

    /// <summary>Context-information header layout (UEFI 2.10 Table N-21), generated from <see cref="ArmContextInfo"/>'s declaration.</summary>
    public static StructDef ContextHeaderLayout => ArmContextInfo.LayoutDef;

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
