using System.Buffers.Binary;

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
        return new HardwareErrorNotification
        {
            Type = (NotificationType)source[0],
            Length = source[1],
            ConfigurationWriteEnable = (NotificationWriteEnable)BinaryPrimitives.ReadUInt16LittleEndian(source[2..]),
            PollInterval = BinaryPrimitives.ReadUInt32LittleEndian(source[4..]),
            Vector = BinaryPrimitives.ReadUInt32LittleEndian(source[8..]),
            SwitchToPollingThresholdValue = BinaryPrimitives.ReadUInt32LittleEndian(source[12..]),
            SwitchToPollingThresholdWindow = BinaryPrimitives.ReadUInt32LittleEndian(source[16..]),
            ErrorThresholdValue = BinaryPrimitives.ReadUInt32LittleEndian(source[20..]),
            ErrorThresholdWindow = BinaryPrimitives.ReadUInt32LittleEndian(source[24..]),
        };
    }

    /// <summary>Writes 28 bytes; throws <see cref="ArgumentException"/> when the destination is too small.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size) ThrowHelper.ThrowDestinationTooSmall(nameof(destination), Size, destination.Length);
        destination[0] = (byte)Type;
        destination[1] = Length;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], (ushort)ConfigurationWriteEnable);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], PollInterval);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], Vector);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], SwitchToPollingThresholdValue);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], SwitchToPollingThresholdWindow);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], ErrorThresholdValue);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], ErrorThresholdWindow);
    }
}
