namespace ApeiKit.Cper;

/// <summary>
/// Error severity (UEFI 2.10 N.2.1 Record Header "Error Severity" and N.2.2 Section Descriptor "Section Severity"; the
/// same values in a Generic Error Status Block and its data entries, ACPI 6.5 §18.3.2.7.1). The models keep the raw
/// number (<c>uint</c>, so a value outside 0-3 read from the bytes is kept and reported); cast it to read a name.
/// </summary>
public enum CperSeverity : uint
{
    /// <summary>Recoverable (0): uncorrected, the OS may contain it (also called non-fatal uncorrected).</summary>
    Recoverable = 0,
    /// <summary>Fatal (1).</summary>
    Fatal = 1,
    /// <summary>Corrected (2).</summary>
    Corrected = 2,
    /// <summary>Informational (3).</summary>
    Informational = 3,
}
