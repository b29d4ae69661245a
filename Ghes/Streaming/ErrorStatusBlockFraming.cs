using System.Buffers.Binary;
using ApeiKit.Cper.Streaming;

namespace ApeiKit.Ghes.Streaming;

/// <summary>
/// Framing of a sequence of Generic Error Status Blocks (ACPI 6.5 Table 18.11) for
/// <see cref="CperStreamReader"/>: a 20-byte header, the block's length from Data Length (or Raw Data Offset +
/// Raw Data Length when raw data is present), no signature (resynchronising tries every offset).
/// </summary>
public sealed class ErrorStatusBlockFraming : RecordFraming
{
    /// <summary>The one instance.</summary>
    public static ErrorStatusBlockFraming Instance { get; } = new();

    private ErrorStatusBlockFraming() { }

    /// <inheritdoc/>
    public override int HeaderSize => GenericErrorStatus.BlockHeaderSize;

    /// <inheritdoc/>
    public override ReadOnlySpan<byte> Signature => default;

    /// <inheritdoc/>
    public override FrameCheck Check(ReadOnlySpan<byte> header, out long length, out string? problem)
    {
        uint status = BinaryPrimitives.ReadUInt32LittleEndian(header);
        uint severity = BinaryPrimitives.ReadUInt32LittleEndian(header[GenericErrorStatus.BlockSeverityOffset..]);
        length = (long)Math.Max(GenericErrorStatus.BlockLength(header), (ulong)GenericErrorStatus.BlockHeaderSize);
        if ((status & GenericErrorStatus.BlockStatusReservedMask) != 0)
        {
            problem = $"Block Status 0x{status:X8} has reserved bits set";
            return FrameCheck.Corrupt;
        }
        if (severity > 3)
        {
            problem = $"Error Severity {severity} (0-3)";
            return FrameCheck.Corrupt;
        }
        problem = null;
        return FrameCheck.Ok;
    }

    /// <inheritdoc/>
    /// <remarks>A non-empty status with reserved bits clear, severity 0-3, a Data Length that holds at least one entry header, a length within the limit.</remarks>
    public override bool IsPlausible(ReadOnlySpan<byte> header, long maxRecordSize)
    {
        uint status = BinaryPrimitives.ReadUInt32LittleEndian(header);
        uint dataLength = BinaryPrimitives.ReadUInt32LittleEndian(header[GenericErrorStatus.DataLengthOffset..]);
        uint severity = BinaryPrimitives.ReadUInt32LittleEndian(header[GenericErrorStatus.BlockSeverityOffset..]);
        if (status == 0 || (status & GenericErrorStatus.BlockStatusReservedMask) != 0 || severity > 3) return false;
        if (dataLength < GenericErrorStatus.EntryHeaderSize) return false;
        ulong length = GenericErrorStatus.BlockLength(header);
        return length >= GenericErrorStatus.BlockHeaderSize + (ulong)dataLength && length <= (ulong)maxRecordSize;
    }
}
