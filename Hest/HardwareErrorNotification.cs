namespace ApeiKit.Hest;

/// <summary>
/// The 28-byte hardware error notification structure (ACPI 6.5 §18.3.2, "Hardware Error Notification"):
/// how OSPM learns that an error source has something to report. A value type; read it from an error
/// source and write it back with <c>with</c> to change a field.
/// </summary>
public sealed record HardwareErrorNotification
{
    /// <summary>Size in bytes (also the value of <see cref="Length"/>).</summary>
    public const int Size = HestLayouts.NotificationSize;

    /// <summary>Notification type (0-11; other values are kept as numbers).</summary>
    public NotificationType Type { get; init; }
    /// <summary>Length of the structure; 28 in every valid table (kept as read so bad tables round-trip).</summary>
    public byte Length { get; init; } = Size;
    /// <summary>Configuration Write Enable: bit 0 type, 1 poll interval, 2/3 switch-to-polling threshold value/window, 4/5 error threshold value/window.</summary>
    public NotificationWriteEnable ConfigurationWriteEnable { get; init; }
    /// <summary>Poll interval in milliseconds (polled notification).</summary>
    public uint PollInterval { get; init; }
    /// <summary>Interrupt vector (GSIV for interrupt-based types, the GPIO event number for GPIO-Signal, ...).</summary>
    public uint Vector { get; init; }
    /// <summary>Switch to polling threshold value.</summary>
    public uint SwitchToPollingThresholdValue { get; init; }
    /// <summary>Switch to polling threshold window in milliseconds.</summary>
    public uint SwitchToPollingThresholdWindow { get; init; }
    /// <summary>Error threshold value.</summary>
    public uint ErrorThresholdValue { get; init; }
    /// <summary>Error threshold window in milliseconds.</summary>
    public uint ErrorThresholdWindow { get; init; }

    /// <summary>A notification of <paramref name="type"/> with every other field zero.</summary>
    public static HardwareErrorNotification Of(NotificationType type, uint pollInterval = 0, uint vector = 0)
        => new() { Type = type, PollInterval = pollInterval, Vector = vector };

    /// <summary>Reads 28 bytes; throws <see cref="ApeiContentException"/> when fewer are present.</summary>
    public static HardwareErrorNotification Read(ReadOnlySpan<byte> source, long baseOffset = 0)
    {
        if (source.Length < Size) ThrowHelper.ThrowTruncated("Hardware error notification", baseOffset, Size, source.Length);
        // Through the declaration's generated view (Declarations/HestDeclarations.cs, ACPI 6.5 Table 18.14).
        var v = HardwareErrorNotificationView.Of(source);
        return new HardwareErrorNotification
        {
            Type = (NotificationType)v.Type,
            Length = v.Length,
            ConfigurationWriteEnable = (NotificationWriteEnable)v.ConfigurationWriteEnable,
            PollInterval = v.PollInterval,
            Vector = v.Vector,
            SwitchToPollingThresholdValue = v.SwitchToPollingThresholdValue,
            SwitchToPollingThresholdWindow = v.SwitchToPollingThresholdWindow,
            ErrorThresholdValue = v.ErrorThresholdValue,
            ErrorThresholdWindow = v.ErrorThresholdWindow,
        };
    }

    /// <summary>Writes 28 bytes; throws <see cref="ArgumentException"/> when the destination is too small.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size) ThrowHelper.ThrowDestinationTooSmall(nameof(destination), Size, destination.Length);
        // Through the declared fields (Declarations/HestDeclarations.cs, ACPI 6.5 Table 18.14).
        HardwareErrorNotificationDeclaration.TypeField.WriteValue(destination, (byte)Type);
        HardwareErrorNotificationDeclaration.LengthField.WriteValue(destination, Length);
        HardwareErrorNotificationDeclaration.ConfigurationWriteEnableField.WriteValue(destination, (ushort)ConfigurationWriteEnable);
        HardwareErrorNotificationDeclaration.PollIntervalField.WriteValue(destination, PollInterval);
        HardwareErrorNotificationDeclaration.VectorField.WriteValue(destination, Vector);
        HardwareErrorNotificationDeclaration.SwitchToPollingThresholdValueField.WriteValue(destination, SwitchToPollingThresholdValue);
        HardwareErrorNotificationDeclaration.SwitchToPollingThresholdWindowField.WriteValue(destination, SwitchToPollingThresholdWindow);
        HardwareErrorNotificationDeclaration.ErrorThresholdValueField.WriteValue(destination, ErrorThresholdValue);
        HardwareErrorNotificationDeclaration.ErrorThresholdWindowField.WriteValue(destination, ErrorThresholdWindow);
    }
}
