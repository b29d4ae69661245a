// The shared CPER types (CperSeverity, ...) in every Platform file, as the Platform's own duplicates were replaced by them.
global using ApeiKit.Cper;
// Notification types are Hest's NotificationType (ACPI 6.5 Table 18.14); the platform's NotificationType copy was removed.
global using NotificationType = ApeiKit.Hest.NotificationType;
