using ApeiKit.Hest;

namespace ApeiKit.Platform;

/// <summary>
/// The hardware error notification types (ACPI 6.5 §18.3.2.9, Table 18.14: Hest's <see cref="NotificationType"/>) that the
/// virtual platform routes, with the short names scenarios and traces use ("sea", "gpio", ...). The platform has no
/// enum of its own: a notification is a <see cref="NotificationType"/> everywhere (HEST, GHES, platform).
/// </summary>
public static class NotificationRoutes
{
    /// <summary>
    /// The types the platform routes, in code order: polled (0), SCI (3), NMI (4), GPIO-signal (7, QEMU's generic event
    /// device), ARMv8 SEA (8, synchronous external abort), ARMv8 SEI (9, SError), GSIV (10) and SDEI (11). The others
    /// (external and local interrupt, CMCI, MCE) are not modelled.
    /// </summary>
    public static IReadOnlyList<NotificationType> Routed { get; } =
    [
        NotificationType.Polled, NotificationType.Sci, NotificationType.Nmi, NotificationType.Gpio,
        NotificationType.Sea, NotificationType.Sei, NotificationType.Gsiv, NotificationType.Sdei,
    ];

    /// <summary>True for the types in <see cref="Routed"/>.</summary>
    public static bool IsRouted(this NotificationType type)
        => type is NotificationType.Polled or NotificationType.Sci or NotificationType.Nmi or NotificationType.Gpio
            or NotificationType.Sea or NotificationType.Sei or NotificationType.Gsiv or NotificationType.Sdei;

    /// <summary>
    /// The short name used in scenarios and traces ("sea", "gpio", ...: Hest's <see cref="HestNames.NotificationTypeKeys"/>)
    /// for a routed type; the decimal code for any other.
    /// </summary>
    public static string Name(this NotificationType type)
        => type.IsRouted() && HestNames.NotificationTypeKeys[(byte)type] is { } key ? key
            : ((byte)type).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Parses the short name of a routed type (case-insensitive); false for anything else.</summary>
    public static bool TryParse(string? name, out NotificationType type)
    {
        foreach (var t in Routed)
        {
            if (string.Equals(t.Name(), name, StringComparison.OrdinalIgnoreCase)) { type = t; return true; }
        }
        type = default;
        return false;
    }

    /// <summary>True for notifications delivered synchronously to the CPU that consumed the error (ARMv8 SEA).</summary>
    public static bool IsSynchronous(this NotificationType type) => type == NotificationType.Sea;
}
