namespace ApeiKit.Platform;

/// <summary>
/// How an error source tells the OS that its error status block holds a record: the hardware error
/// notification types of ACPI 6.5 §18.3.2.9 (Table 18.14) that the platform routes. The numeric values
/// are the HEST notification type codes.
/// </summary>
public enum Mechanism : byte
{
    /// <summary>Polled (0): nothing is signalled; the OS reads the block on its timer at the source's poll interval.</summary>
    Polled = 0,
    /// <summary>SCI (3): the ACPI system control interrupt (x86-style guests).</summary>
    Sci = 3,
    /// <summary>NMI (4): non-maskable interrupt (x86-style guests).</summary>
    Nmi = 4,
    /// <summary>GPIO-signal (7): a GPIO/GED event (QEMU's generic event device).</summary>
    Gpio = 7,
    /// <summary>ARMv8 SEA (8): a synchronous external abort on the CPU that consumed the error.</summary>
    Sea = 8,
    /// <summary>ARMv8 SEI (9): an SError interrupt with a syndrome.</summary>
    Sei = 9,
    /// <summary>GSIV (10): an external interrupt identified by its global system interrupt vector.</summary>
    Gsiv = 10,
    /// <summary>SDEI (11): a software delegated exception from firmware (host side, firmware first).</summary>
    Sdei = 11,
}

/// <summary>Names and parsing of <see cref="Mechanism"/> values.</summary>
public static class Mechanisms
{
    /// <summary>The short name used in scenarios and traces ("sea", "gpio", ...).</summary>
    public static string Name(this Mechanism m) => m switch
    {
        Mechanism.Polled => "polled",
        Mechanism.Sci => "sci",
        Mechanism.Nmi => "nmi",
        Mechanism.Gpio => "gpio",
        Mechanism.Sea => "sea",
        Mechanism.Sei => "sei",
        Mechanism.Gsiv => "gsiv",
        Mechanism.Sdei => "sdei",
        _ => ((byte)m).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Parses a short name; false for anything else.</summary>
    public static bool TryParse(string? name, out Mechanism mechanism)
    {
        foreach (var m in Enum.GetValues<Mechanism>())
        {
            if (string.Equals(m.Name(), name, StringComparison.OrdinalIgnoreCase)) { mechanism = m; return true; }
        }
        mechanism = default;
        return false;
    }

    /// <summary>True for mechanisms that are delivered synchronously to the CPU that consumed the error.</summary>
    public static bool IsSynchronous(this Mechanism m) => m == Mechanism.Sea;
}
