using System.Globalization;
using ApeiKit.Cper;
using ApeiKit.Ghes;

namespace ApeiKit.Platform;

/// <summary>What Linux does with one error it read (beyond printing it).</summary>
public enum LinuxAction
{
    /// <summary>Printed (and traced) only: nothing is recovered or offlined.</summary>
    LogOnly,
    /// <summary>The kernel panics ("GHES: Fatal hardware error").</summary>
    Panic,
    /// <summary><c>memory_failure</c> on the page (hard offline: poison, unmap, kill or signal the users).</summary>
    MemoryFailure,
    /// <summary><c>memory_failure</c> with MF_SOFT_OFFLINE (a corrected error whose threshold was exceeded).</summary>
    SoftOffline,
    /// <summary>Queued to the PCIe AER driver (<c>aer_recover_queue</c>), which reports it and, unless correctable, runs recovery.</summary>
    AerRecovery,
}

/// <summary>One predicted action.</summary>
/// <param name="Action">What the kernel does.</param>
/// <param name="Section">Index of the data entry it is about (-1 for the whole block).</param>
/// <param name="Pfn">The page frame number (memory actions).</param>
/// <param name="PciDevice">segment:bus:device.function, as the AER driver looks it up (AER actions).</param>
/// <param name="AerSeverity">The AER severity queued: "correctable", "nonfatal" or "fatal" (AER actions).</param>
/// <param name="Why">The kernel behaviour behind it, in words.</param>
public sealed record LinuxPrediction(LinuxAction Action, int Section, ulong? Pfn, string? PciDevice, string? AerSeverity, string Why);

/// <summary>
/// What Linux's GHES and BERT code does with what it reads, beyond printing it (drivers/acpi/apei/ghes.c as of 6.1,
/// bert.c), as plain rules over the bytes. The platform's <see cref="HostKernel"/> decides by these rules, and the
/// real-kernel tier holds them against a booted Debian 6.1 guest's dmesg (RealKernelCalibrationTests).
/// <list type="bullet">
/// <item>ghes_severity: CPER recoverable → RECOVERABLE, fatal → PANIC, corrected → CORRECTED, informational → NO, any
/// other value → PANIC.</item>
/// <item>ghes_proc: a block whose Error Severity maps to PANIC is printed and the kernel panics (__ghes_panic) before any
/// section is handled; the sections' own severities do not matter for that.</item>
/// <item>ghes_do_proc, platform memory sections (only CPER_SEC_PLATFORM_MEM, not Memory 2): ghes_handle_memory_failure
/// acts only when CPER_MEM_VALID_PA (validation bit 1) is set; a corrected section with CPER_SEC_ERROR_THRESHOLD_EXCEEDED
/// (section flag bit 3) is soft-offlined; a section that is recoverable in a recoverable block goes to memory_failure
/// (MF_ACTION_REQUIRED for synchronous notifications such as SEA); anything else is only printed. ghes_do_memory_failure
/// then skips a page frame the kernel has no struct page for ("Invalid address in generic error data").</item>
/// <item>PCIe sections: ghes_handle_aer (CONFIG_ACPI_APEI_PCIEAER, set in Debian's kernels) queues the error to the AER
/// driver when both CPER_PCIE_VALID_DEVICE_ID (bit 3) and CPER_PCIE_VALID_AER_INFO (bit 7) are set, whatever the section
/// severity: corrected → AER_CORRECTABLE (reported, no recovery), recoverable → AER_NONFATAL, fatal or section flag
/// CPER_SEC_RESET (bit 2) → AER_FATAL.</item>
/// <item>Every other section type is printed (and traced as a non-standard event) only. ARM processor sections (arm64
/// only) are not modelled here.</item>
/// <item>BERT (bert.c bert_print_all): records from the previous boot are printed, never acted on.</item>
/// </list>
/// </summary>
public static class LinuxGhesPolicy
{
    /// <summary>Section flag CPER_SEC_RESET (UEFI N.2.2: the component was reset to contain the error).</summary>
    public const byte SectionFlagReset = 0x04;
    /// <summary>Section flag CPER_SEC_ERROR_THRESHOLD_EXCEEDED.</summary>
    public const byte SectionFlagThresholdExceeded = 0x08;
    /// <summary>Memory error validation bit CPER_MEM_VALID_PA.</summary>
    public const ulong MemoryValidPhysicalAddress = 1UL << 1;
    /// <summary>PCIe error validation bit CPER_PCIE_VALID_DEVICE_ID.</summary>
    public const ulong PcieValidDeviceId = 1UL << 3;
    /// <summary>PCIe error validation bit CPER_PCIE_VALID_AER_INFO.</summary>
    public const ulong PcieValidAerInfo = 1UL << 7;

    /// <summary>
    /// True when Linux's ghes_severity maps this CPER severity (UEFI 2.10 N.2.1; a raw value outside 0-3 casts to
    /// <see cref="CperSeverity"/> unchanged) to GHES_SEV_PANIC: fatal, or a value it does not know.
    /// </summary>
    public static bool Panics(CperSeverity severity) => severity is not (CperSeverity.Recoverable or CperSeverity.Corrected or CperSeverity.Informational);

    /// <summary>
    /// What Linux does with a Generic Error Status Block read from a GHES source (ghes_proc / ghes_do_proc). One
    /// prediction per data entry, or a single <see cref="LinuxAction.Panic"/> when the block severity panics.
    /// </summary>
    /// <param name="block">The block (header, entries).</param>
    /// <param name="synchronous">The source's notification is synchronous (SEA, SEI): memory_failure with MF_ACTION_REQUIRED.</param>
    /// <exception cref="ApeiContentException">The block is malformed.</exception>
    public static IReadOnlyList<LinuxPrediction> ForGhes(ReadOnlySpan<byte> block, bool synchronous = false)
    {
        var view = ErrorStatusBlockView.Read(block, out _);
        if (Panics((CperSeverity)view.ErrorSeverity))
            return [new LinuxPrediction(LinuxAction.Panic, -1, null, null, null,
                string.Create(CultureInfo.InvariantCulture, $"block severity {view.ErrorSeverity} maps to GHES_SEV_PANIC: __ghes_panic prints the block and panics before handling its sections"))];
        var result = new List<LinuxPrediction>();
        int index = 0;
        foreach (var entry in view.Entries)
        {
            result.Add(ForSection((CperSeverity)view.ErrorSeverity, entry.SectionType, (CperSeverity)entry.ErrorSeverity, entry.Flags, entry.Data, index, synchronous));
            index++;
        }
        return result;
    }

    /// <summary>What Linux does with a boot error record (BERT): it prints it and does nothing else (bert.c).</summary>
    public static LinuxPrediction ForBert() => new(LinuxAction.LogOnly, -1, null, null, null, "BERT records are printed at boot (bert_print_all), never acted on");

    /// <summary>One data entry of a block that did not panic (ghes_do_proc).</summary>
    /// <param name="blockSeverity">The block's Error Severity (UEFI 2.10 N.2.1 values; ACPI 6.5 §18.3.2.7.1).</param>
    /// <param name="sectionType">Section type GUID.</param>
    /// <param name="sectionSeverity">The entry's Error Severity (UEFI 2.10 N.2.2 values).</param>
    /// <param name="flags">The entry's Flags byte.</param>
    /// <param name="body">The section body.</param>
    /// <param name="index">The entry's index (for the prediction).</param>
    /// <param name="synchronous">Synchronous notification (memory_failure with MF_ACTION_REQUIRED).</param>
    public static LinuxPrediction ForSection(CperSeverity blockSeverity, Guid sectionType, CperSeverity sectionSeverity, byte flags, ReadOnlySpan<byte> body, int index, bool synchronous = false)
    {
        try
        {
            if (sectionType == CperGuids.PlatformMemory && CperSections.DecodeBody(sectionType, body, 0) is MemoryErrorSection m)
            {
                if ((m.ValidationBits & MemoryValidPhysicalAddress) == 0)
                    return new(LinuxAction.LogOnly, index, null, null, null, "memory error without a valid physical address (CPER_MEM_VALID_PA clear): printed only");
                ulong pfn = m.PhysicalAddress >> 12;
                if (sectionSeverity == CperSeverity.Corrected && (flags & SectionFlagThresholdExceeded) != 0)
                    return new(LinuxAction.SoftOffline, index, pfn, null, null, "corrected memory error over its threshold: soft offline");
                if (blockSeverity == CperSeverity.Recoverable && sectionSeverity == CperSeverity.Recoverable)
                    return new(LinuxAction.MemoryFailure, index, pfn, null, null, synchronous ? "recoverable memory error, synchronous: memory_failure (MF_ACTION_REQUIRED)" : "recoverable memory error: memory_failure_queue");
                return new(LinuxAction.LogOnly, index, pfn, null, null, "memory error that is not recoverable in a recoverable block (and not over a threshold): printed only");
            }
            if (sectionType == CperGuids.PciExpress && CperSections.DecodeBody(sectionType, body, 0) is PcieErrorSection p)
            {
                if ((p.ValidationBits & PcieValidDeviceId) == 0 || (p.ValidationBits & PcieValidAerInfo) == 0)
                    return new(LinuxAction.LogOnly, index, null, null, null, "PCIe error without a valid device id and AER info: printed only");
                string device = string.Create(CultureInfo.InvariantCulture, $"{p.SegmentNumber:x4}:{p.PrimaryBusNumber:x2}:{p.DeviceNumber:x2}.{p.FunctionNumber:x}");
                // cper_severity_to_aer: recoverable → AER_NONFATAL, fatal → AER_FATAL, anything else → AER_CORRECTABLE;
                // CPER_SEC_RESET makes it AER_FATAL (the component was reset and must be reinitialised).
                string severity = (flags & SectionFlagReset) != 0 || sectionSeverity == CperSeverity.Fatal ? "fatal" : sectionSeverity == CperSeverity.Recoverable ? "nonfatal" : "correctable";
                return new(LinuxAction.AerRecovery, index, null, device, severity, $"PCIe error with device id and AER info: aer_recover_queue ({severity})");
            }
        }
        catch (ApeiContentException e)
        {
            return new(LinuxAction.LogOnly, index, null, null, null, "section the kernel prints but ApeiKit cannot decode: " + e.Message);
        }
        return new(LinuxAction.LogOnly, index, null, null, null, (CperSections.NameOf(sectionType) ?? sectionType.ToString()) + " section: printed only");
    }
}
