namespace ApeiKit.Cper;

/// <summary>
/// Memory error type (UEFI 2.10 N.2.5, Table N-31 "Memory Error Type"; the same values in N.2.6): the byte at offset 72 of
/// the platform memory error section and at offset 61 of memory error section 2. Values 16-255 are reserved; a byte
/// read from a record may hold one, so test with <see cref="System.Enum.IsDefined{TEnum}(TEnum)"/> before naming it.
/// The readable names are <see cref="MemoryErrorSection.MemoryErrorTypes"/>; a test holds the member names to that
/// table's spellings, so the two cannot drift.
/// </summary>
public enum MemoryErrorType : byte
{
    /// <summary>0: unknown.</summary>
    Unknown = 0,
    /// <summary>1: no error.</summary>
    NoError = 1,
    /// <summary>2: single-bit ECC.</summary>
    SingleBitEcc = 2,
    /// <summary>3: multi-bit ECC.</summary>
    MultiBitEcc = 3,
    /// <summary>4: single-symbol ChipKill ECC.</summary>
    SingleSymbolChipKillEcc = 4,
    /// <summary>5: multi-symbol ChipKill ECC.</summary>
    MultiSymbolChipKillEcc = 5,
    /// <summary>6: master abort.</summary>
    MasterAbort = 6,
    /// <summary>7: target abort.</summary>
    TargetAbort = 7,
    /// <summary>8: parity error.</summary>
    ParityError = 8,
    /// <summary>9: watchdog timeout.</summary>
    WatchdogTimeout = 9,
    /// <summary>10: invalid address.</summary>
    InvalidAddress = 10,
    /// <summary>11: mirror broken.</summary>
    MirrorBroken = 11,
    /// <summary>12: memory sparing.</summary>
    MemorySparing = 12,
    /// <summary>13: scrub corrected error.</summary>
    ScrubCorrectedError = 13,
    /// <summary>14: scrub uncorrected error.</summary>
    ScrubUncorrectedError = 14,
    /// <summary>15: physical memory map-out event.</summary>
    PhysicalMemoryMapOutEvent = 15,
}
