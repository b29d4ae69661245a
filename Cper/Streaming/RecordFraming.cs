using System.Buffers.Binary;

namespace ApeiKit.Cper.Streaming;

/// <summary>What <see cref="RecordFraming.Check"/> found at a record boundary.</summary>
public enum FrameCheck
{
    /// <summary>A header that says how long the record is.</summary>
    Ok,
    /// <summary>Not a header (or one that cannot be believed): the reader resynchronises from the next byte.</summary>
    Corrupt,
}

/// <summary>
/// How a stream of length-prefixed structures is framed: the fixed header size, the signature used to look for
/// the next header after a corrupt one, and the checks on a header. <see cref="CperStreamReader"/> does the rest.
/// </summary>
public abstract class RecordFraming
{
    /// <summary>Bytes needed to read a header (and its length).</summary>
    public abstract int HeaderSize { get; }

    /// <summary>The bytes every header starts with (empty when there is none: every offset is tried when resynchronising).</summary>
    public abstract ReadOnlySpan<byte> Signature { get; }

    /// <summary>
    /// Checks a header at a record boundary (leniently: a record whose content is bad is still framed so its decoder
    /// can report what is wrong) and gives the record's length.
    /// </summary>
    /// <param name="header">Exactly <see cref="HeaderSize"/> bytes.</param>
    /// <param name="length">The record's length, header included (when <see cref="FrameCheck.Ok"/>).</param>
    /// <param name="problem">Why the header was rejected (when <see cref="FrameCheck.Corrupt"/>).</param>
    public abstract FrameCheck Check(ReadOnlySpan<byte> header, out long length, out string? problem);

    /// <summary>
    /// Stricter test used when resynchronising inside bytes that are known to be bad: true only when the header is
    /// one a writer would plausibly have produced, so a stray signature inside garbage is not taken for a record.
    /// </summary>
    /// <param name="header">Exactly <see cref="HeaderSize"/> bytes.</param>
    /// <param name="maxRecordSize">The reader's limit (a plausible header declares a length at most this).</param>
    public abstract bool IsPlausible(ReadOnlySpan<byte> header, long maxRecordSize);
}

/// <summary>Framing of concatenated CPER records (UEFI 2.10 N.2.1: "CPER" at offset 0, RecordLength at offset 20).</summary>
public sealed class CperRecordFraming : RecordFraming
{
    /// <summary>The one instance.</summary>
    public static CperRecordFraming Instance { get; } = new();

    private CperRecordFraming() { }

    /// <inheritdoc/>
    public override int HeaderSize => CperRecordHeader.Size;

    /// <inheritdoc/>
    public override ReadOnlySpan<byte> Signature => CperRecordHeader.Signature;

    /// <inheritdoc/>
    /// <remarks>Accepts what <c>apeikit decode</c> always accepted: the signature and a RecordLength of at least 128.</remarks>
    public override FrameCheck Check(ReadOnlySpan<byte> header, out long length, out string? problem)
    {
        length = BinaryPrimitives.ReadUInt32LittleEndian(header[CperRecordHeader.RecordLengthOffset..]);
        if (!header.StartsWith(CperRecordHeader.Signature))
        {
            problem = null; // not a record at all: plain unrecognised bytes
            return FrameCheck.Corrupt;
        }
        if (length < CperRecordHeader.Size)
        {
            problem = $"CPER record header with RecordLength {length} (less than the 128-byte header)";
            return FrameCheck.Corrupt;
        }
        problem = null;
        return FrameCheck.Ok;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Signature and Signature End; Revision major at most 3 (seen: 0x0100, 0x0101, 0x0210, 0); RecordLength from
    /// 128 to the limit; the descriptor table (SectionCount × 72 bytes) inside RecordLength.
    /// </remarks>
    public override bool IsPlausible(ReadOnlySpan<byte> header, long maxRecordSize)
    {
        if (!header.StartsWith(CperRecordHeader.Signature)) return false;
        if (BinaryPrimitives.ReadUInt32LittleEndian(header[CperRecordHeader.SignatureEndOffset..]) != CperRecordHeader.SignatureEndValue) return false;
        if (BinaryPrimitives.ReadUInt16LittleEndian(header[CperRecordHeader.RevisionOffset..]) >> 8 > 3) return false;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header[CperRecordHeader.RecordLengthOffset..]);
        ushort count = BinaryPrimitives.ReadUInt16LittleEndian(header[CperRecordHeader.SectionCountOffset..]);
        if (length < CperRecordHeader.Size || length > maxRecordSize) return false;
        return CperRecordHeader.Size + (ulong)count * CperSectionDescriptor.Size <= length;
    }
}
