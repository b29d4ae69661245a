using System.Globalization;

namespace ApeiKit.Cper.Windows;

/// <summary>
/// Names for the x86 machine-check registers that Windows copies into its XPF MCA section:
/// IA32_MCi_STATUS, IA32_MCG_STATUS and IA32_MCG_CAP, and the WHEA CPU vendor enumeration.
/// </summary>
/// <remarks>
/// Architectural bits: Intel 64 and IA-32 Architectures Software Developer's Manual, Volume 3B, chapter
/// "Machine-Check Architecture" (IA32_MCG_CAP, IA32_MCG_STATUS, IA32_MCi_STATUS, "Interpreting the MCA Error
/// Codes"). AMD-specific MCi_STATUS bits (Deferred, Poison): AMD64 Architecture Programmer's Manual Volume 2,
/// "Machine-Check Architecture", and the MCI_STATUS_AMD_BITS union in Windows' ntddk.h as listed by
/// ralish/DecodeWheaRecord (src/DecodeWheaRecord/Errors/Microsoft/XpfMca.cs).
/// </remarks>
public static class McaRegisters
{
    /// <summary>Names for BOOLEAN bytes: 0 no, 1 yes (other values stay numbers).</summary>
    public static NameTable YesNo { get; } = [new(0, "no"), new(1, "yes")];

    /// <summary>WHEA_CPU_VENDOR (ntddk.h): 0 other, 1 Intel, 2 AMD.</summary>
    public static NameTable CpuVendors { get; } = [new(0, "other"), new(1, "Intel"), new(2, "AMD")];

    /// <summary>IA32_MCG_STATUS bits (SDM Vol. 3B, IA32_MCG_STATUS MSR).</summary>
    public static FlagTable GlobalStatusFlags { get; } = [
        new(0, "RIPV (restart IP valid)"), new(1, "EIPV (error IP valid)"), new(2, "MCIP (machine check in progress)"), new(3, "LMCE_S (local machine check)"),
    ];

    /// <summary>IA32_MCG_CAP fields (SDM Vol. 3B, IA32_MCG_CAP MSR).</summary>
    public static IReadOnlyList<BitFieldDef> GlobalCapabilityBits { get; } =
    [
        new("count", "Bank count", 0, 8),
        new("controlPresent", "MCG_CTL_P (MCG_CTL present)", 8, 1),
        new("extendedPresent", "MCG_EXT_P (extended state registers present)", 9, 1),
        new("cmciPresent", "MCG_CMCI_P (corrected MC interrupt)", 10, 1),
        new("thresholdStatusPresent", "MCG_TES_P (threshold-based error status)", 11, 1),
        new("extendedCount", "MCG_EXT_CNT (extended registers)", 16, 8),
        new("softwareRecoveryPresent", "MCG_SER_P (software error recovery)", 24, 1),
        new("enhancedMachineCheck", "MCG_EMC_P (enhanced machine check)", 25, 1),
        new("extendedErrorLogging", "MCG_ELOG_P (extended error logging)", 26, 1),
        new("localMachineCheck", "MCG_LMCE_P (local machine check)", 27, 1),
    ];

    private static readonly NameTable s_threshold = [new(0, "no tracking"), new(1, "green"), new(2, "yellow"), new(3, "reserved")];

    private static BitFieldDef[] Common(params BitFieldDef[] middle) =>
    [
        new("mcaErrorCode", "MCA error code", 0, 16),
        new("modelSpecificErrorCode", "Model-specific error code", 16, 16),
        .. middle,
        new("pcc", "PCC (processor context corrupt)", 57, 1),
        new("addrv", "ADDRV (MCi_ADDR valid)", 58, 1),
        new("miscv", "MISCV (MCi_MISC valid)", 59, 1),
        new("en", "EN (error reporting enabled)", 60, 1),
        new("uc", "UC (uncorrected error)", 61, 1),
        new("over", "OVER (error overflow)", 62, 1),
        new("val", "VAL (register valid)", 63, 1),
    ];

    /// <summary>MCi_STATUS bits common to every vendor (SDM Vol. 3B, IA32_MCi_STATUS).</summary>
    public static IReadOnlyList<BitFieldDef> StatusBitsCommon { get; } = Common(new BitFieldDef("otherInformation", "Other information", 32, 25));

    /// <summary>MCi_STATUS bits as Intel defines them (SDM Vol. 3B: S and AR with MCG_SER_P, corrected error count with MCG_CMCI_P).</summary>
    public static IReadOnlyList<BitFieldDef> StatusBitsIntel { get; } = Common(
        new BitFieldDef("otherInformation", "Other information", 32, 5),
        new BitFieldDef("firmwareUpdatedError", "Firmware updated error status", 37, 1),
        new BitFieldDef("correctedErrorCount", "Corrected error count", 38, 15, IsCount: true),
        new BitFieldDef("thresholdErrorStatus", "Threshold-based error status", 53, 2, s_threshold),
        new BitFieldDef("ar", "AR (recovery action required)", 55, 1),
        new BitFieldDef("s", "S (signaled as machine check)", 56, 1));

    /// <summary>MCi_STATUS bits as AMD defines them (APM Vol. 2: Poison, Deferred).</summary>
    public static IReadOnlyList<BitFieldDef> StatusBitsAmd { get; } = Common(
        new BitFieldDef("implementationSpecific2", "Implementation specific (bits 32-42)", 32, 11),
        new BitFieldDef("poison", "Poison (error from poisoned data)", 43, 1),
        new BitFieldDef("deferred", "Deferred (error deferred, not corrected)", 44, 1),
        new BitFieldDef("implementationSpecific1", "Implementation specific (bits 45-56)", 45, 12));

    /// <summary>The MCi_STATUS bit layout for a WHEA CPU vendor value.</summary>
    public static IReadOnlyList<BitFieldDef> StatusBitsFor(uint vendor) => XpfMcaSection.StatusFieldFor(vendor).BitFields!; // the declaration's [Variant]s

    private static readonly string[] s_cacheLevel = ["level 0", "level 1", "level 2", "generic level"];
    private static readonly string[] s_transaction = ["instruction", "data", "generic", "reserved"];
    private static readonly string[] s_memoryTransaction = ["generic", "read", "write", "address/command", "memory scrubbing"];
    private static readonly string[] s_participation = ["local processor originated", "local processor responded", "local processor observed", "generic"];
    private static readonly string[] s_io = ["memory", "reserved", "I/O", "other"];

    private static string Request(uint rrrr) => rrrr switch
    {
        0 => "generic error", 1 => "generic read", 2 => "generic write", 3 => "data read", 4 => "data write",
        5 => "instruction fetch", 6 => "prefetch", 7 => "eviction", 8 => "snoop",
        _ => "request " + rrrr.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Reads an MCA error code (MCi_STATUS bits 15:0) the way SDM Vol. 3B "Interpreting the MCA Error Codes"
    /// lays it out (simple codes, then the compound TLB / memory-controller / cache / bus forms; bit 12, the
    /// correction-report filter, is ignored for the form). AMD processors use the same compound forms.
    /// </summary>
    public static string DescribeErrorCode(ushort code)
    {
        switch (code)
        {
            case 0x0000: return "no error";
            case 0x0001: return "unclassified error";
            case 0x0002: return "microcode ROM parity error";
            case 0x0003: return "external error (BINIT# from another processor)";
            case 0x0004: return "FRC (functional redundancy check) master/slave error";
            case 0x0005: return "internal parity error";
            case 0x0006: return "SMM handler code access violation";
            case 0x0400: return "internal timer error";
            case 0x0E0B: return "generic I/O error";
        }
        uint c = code & 0xEFFFu; // bit 12 is the filter flag
        uint ll = c & 3, tt = c >> 2 & 3, rrrr = c >> 4 & 0xF;
        if ((c & 0xFC00) == 0x0400) return "internal unclassified error";
        if ((c & 0xF800) == 0x0800)
        {
            uint pp = c >> 9 & 3, t = c >> 8 & 1, ii = c >> 2 & 3;
            return $"bus/interconnect error: {s_participation[pp]}, {Request(rrrr)}, {s_io[ii]}, {(t != 0 ? "timed out" : "no timeout")}, {s_cacheLevel[ll]}";
        }
        if ((c & 0xFF00) == 0x0100) return $"cache hierarchy error: {Request(rrrr)}, {s_transaction[tt]}, {s_cacheLevel[ll]}";
        if ((c & 0xFF80) == 0x0080)
        {
            uint mmm = c >> 4 & 7, cccc = c & 0xF;
            string m = mmm < s_memoryTransaction.Length ? s_memoryTransaction[mmm] : "request " + mmm.ToString(CultureInfo.InvariantCulture);
            return $"memory controller error: {m}, channel {(cccc == 0xF ? "unspecified" : cccc.ToString(CultureInfo.InvariantCulture))}";
        }
        if ((c & 0xFFF0) == 0x0010) return $"TLB error: {s_transaction[tt]}, {s_cacheLevel[ll]}";
        if ((c & 0xFFFC) == 0x000C) return $"generic cache hierarchy error: {s_cacheLevel[ll]}";
        return "model-specific or unknown error code";
    }
}
