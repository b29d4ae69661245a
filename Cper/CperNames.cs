namespace ApeiKit.Cper;

/// <summary>Value names shared by CPER structures.</summary>
public static class CperNames
{
    /// <summary>Error severity (UEFI 2.10 N.2.1 Record Header, Error Severity; N.2.2 Section Severity).</summary>
    public static NameTable Severity { get; } = [
        new(0, "recoverable"), new(1, "fatal"), new(2, "corrected"), new(3, "informational"),
    ];

    /// <summary>Record header flags (N.2.1); bits 3-8 are Windows WHEA extensions.</summary>
    public static FlagTable RecordFlags { get; } = [
        new(0, "recovered"), new(1, "previousError"), new(2, "simulated"),
        new(3, "deviceDriver (Windows)"), new(4, "critical (Windows)"), new(5, "persistPfn (Windows)"),
        new(6, "sectionsTruncated (Windows)"), new(7, "recoveryInProgress (Windows)"), new(8, "throttle (Windows)"),
    ];

    /// <summary>Section descriptor flags (N.2.2).</summary>
    public static FlagTable SectionFlags { get; } = [
        new(0, "primary"), new(1, "containmentWarning"), new(2, "reset"), new(3, "errorThresholdExceeded"),
        new(4, "resourceNotAccessible"), new(5, "latentError"), new(6, "propagated"), new(7, "overflow"),
    ];

    /// <summary>Error Status error types (UEFI 2.10 appendix N, "Error Status Fields").</summary>
    public static NameTable ErrorStatusType { get; } = [
        new(0x01, "internal error (ERR_INTERNAL)"), new(0x10, "bus error (ERR_BUS)"), new(0x04, "memory storage error (ERR_MEM)"),
        new(0x05, "TLB storage error (ERR_TLB)"), new(0x06, "cache storage error (ERR_CACHE)"), new(0x07, "functional unit error (ERR_FUNCTION)"),
        new(0x08, "self-test error (ERR_SELFTEST)"), new(0x09, "overflow or underflow (ERR_FLOW)"), new(0x11, "virtual address not found (ERR_MAP)"),
        new(0x12, "improper access (ERR_IMPROPER)"), new(0x13, "access to unimplemented memory (ERR_UNIMPL)"),
        new(0x14, "loss of lockstep (ERR_LOL)"), new(0x15, "response not associated with a request (ERR_RESPONSE)"),
        new(0x16, "bus parity error (ERR_PARITY)"), new(0x17, "protocol error (ERR_PROTOCOL)"), new(0x18, "path error (ERR_ERROR)"),
        new(0x19, "bus timeout (ERR_TIMEOUT)"), new(0x1A, "poisoned data (ERR_POISONED)"),
    ];

    /// <summary>The Error Status structure's bit fields (UEFI 2.10 appendix N, "Error Status Fields"): used by memory, PCIe, PCI bus and PCI component sections.</summary>
    public static IReadOnlyList<BitFieldDef> ErrorStatusBits { get; } =
    [
        new("errorType", "Error type", 8, 8, ErrorStatusType),
        new("address", "Error detected on the address lines", 16, 1),
        new("control", "Error detected on the control lines", 17, 1),
        new("data", "Error detected on the data lines", 18, 1),
        new("responder", "Detected by the responder", 19, 1),
        new("requester", "Detected by the requester", 20, 1),
        new("firstError", "First error", 21, 1),
        new("overflow", "Overflow (errors lost)", 22, 1),
    ];
}
