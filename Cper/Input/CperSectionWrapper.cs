using System.Buffers.Binary;

namespace ApeiKit.Cper.Input;

/// <summary>
/// Wraps one CPER section (its body alone, or a section descriptor followed by its body, as libcper's single-section
/// form and PLDM CPEREvent format type 1 carry it) into a whole CPER record, so that it flows through the same framing
/// as every record. The record header is synthesised (UEFI 2.10 N.2.1): one section, the severity given, the
/// notification type given (zero when unknown), no platform/partition ID, creator zero, record ID zero; the timestamp
/// only when the wrapper carries one. Outputs say the header was synthesised and from which entry.
/// </summary>
public static class CperSectionWrapper
{
    /// <summary>Where the section starts in a synthesised record: after the header and one descriptor.</summary>
    public const int BodyOffset = CperRecordHeader.Size + CperSectionDescriptor.Size;

    /// <summary>Builds a record around <paramref name="body"/> with a new descriptor of type <paramref name="sectionType"/>.</summary>
    public static byte[] WrapBody(ReadOnlySpan<byte> body, Guid sectionType, uint severity, Guid notificationType, CperTimestamp? timestamp, Guid? fruId = null, string? fruText = null)
        => WrapSections([new Section(body.ToArray(), sectionType, severity, fruId, fruText)], severity, notificationType, timestamp);

    /// <summary>One section to wrap: its body, type, severity and FRU (each FRU part marked valid when given).</summary>
    /// <param name="Body">The section body.</param>
    /// <param name="Type">The section type GUID (UEFI 2.10 N.2.2 Section Type).</param>
    /// <param name="Severity">The section severity (0-3).</param>
    /// <param name="FruId">The FRU ID, or null.</param>
    /// <param name="FruText">The FRU text (ASCII, at most 20 bytes kept), or null.</param>
    public sealed record Section(byte[] Body, Guid Type, uint Severity, Guid? FruId = null, string? FruText = null);

    /// <summary>Builds a record holding <paramref name="sections"/>, each with a new descriptor, bodies after the descriptors in order.</summary>
    public static byte[] WrapSections(IReadOnlyList<Section> sections, uint severity, Guid notificationType, CperTimestamp? timestamp)
    {
        int bodyStart = CperRecordHeader.Size + sections.Count * CperSectionDescriptor.Size;
        var record = new byte[bodyStart + sections.Sum(s => s.Body.Length)];
        WriteHeader(record, severity, notificationType, timestamp, (ushort)sections.Count);
        int at = bodyStart;
        for (int i = 0; i < sections.Count; i++)
        {
            var s = sections[i];
            var d = record.AsSpan(CperRecordHeader.Size + i * CperSectionDescriptor.Size, CperSectionDescriptor.Size);
            BinaryPrimitives.WriteUInt32LittleEndian(d[CperSectionDescriptor.SectionOffsetOffset..], (uint)at);
            BinaryPrimitives.WriteUInt32LittleEndian(d[CperSectionDescriptor.SectionLengthOffset..], (uint)s.Body.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(d[CperSectionDescriptor.RevisionOffset..], 0x0300); // UEFI 2.10 N.2.2: revision of the descriptor format
            s.Type.TryWriteBytes(d[CperSectionDescriptor.SectionTypeOffset..]);
            BinaryPrimitives.WriteUInt32LittleEndian(d[CperSectionDescriptor.SeverityOffset..], s.Severity);
            byte validation = 0;
            if (s.FruId is { } id)
            {
                id.TryWriteBytes(d[CperSectionDescriptor.FruIdOffset..]);
                validation |= 1; // UEFI 2.10 N.2.2 Validation Bits: bit 0 FRUId valid
            }
            if (!string.IsNullOrEmpty(s.FruText))
            {
                var text = System.Text.Encoding.ASCII.GetBytes(s.FruText);
                text.AsSpan(0, Math.Min(text.Length, CperSectionDescriptor.FruTextLength)).CopyTo(d[CperSectionDescriptor.FruTextOffset..]);
                validation |= 2; // bit 1 FRUString valid
            }
            d[CperSectionDescriptor.ValidationBitsOffset] = validation;
            s.Body.CopyTo(record.AsSpan(at));
            at += s.Body.Length;
        }
        return record;
    }

    /// <summary>
    /// Builds a record around a section descriptor followed by its body (<paramref name="descriptorAndBody"/>): the
    /// descriptor is kept byte for byte except its Section Offset (where the body now is); the record's severity is the
    /// section's.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 72 bytes (no whole descriptor): check with <see cref="StartsWithDescriptor"/> first.</exception>
    public static byte[] WrapDescribed(ReadOnlySpan<byte> descriptorAndBody, Guid notificationType, CperTimestamp? timestamp, string entry)
    {
        if (descriptorAndBody.Length < CperSectionDescriptor.Size)
            throw new ArgumentException($"{entry}: {descriptorAndBody.Length} bytes is too short for a section descriptor (72 bytes) followed by its section");
        var record = new byte[CperRecordHeader.Size + descriptorAndBody.Length];
        uint severity = BinaryPrimitives.ReadUInt32LittleEndian(descriptorAndBody[CperSectionDescriptor.SeverityOffset..]);
        WriteHeader(record, severity, notificationType, timestamp);
        descriptorAndBody.CopyTo(record.AsSpan(CperRecordHeader.Size));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(CperRecordHeader.Size + CperSectionDescriptor.SectionOffsetOffset), BodyOffset);
        return record;
    }

    /// <summary>
    /// True when <paramref name="payload"/> starts with a section descriptor of <paramref name="sectionType"/> (any type
    /// when null) whose Section Length is what follows it, i.e. the payload is descriptor + body rather than a body alone.
    /// </summary>
    public static bool StartsWithDescriptor(ReadOnlySpan<byte> payload, Guid? sectionType)
    {
        if (payload.Length < CperSectionDescriptor.Size) return false;
        var type = new Guid(payload.Slice(CperSectionDescriptor.SectionTypeOffset, 16));
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(payload[CperSectionDescriptor.SectionLengthOffset..]);
        uint severity = BinaryPrimitives.ReadUInt32LittleEndian(payload[CperSectionDescriptor.SeverityOffset..]);
        return (sectionType is null || type == sectionType) && severity <= 3 && length == (uint)(payload.Length - CperSectionDescriptor.Size);
    }

    private static void WriteHeader(Span<byte> record, uint severity, Guid notificationType, CperTimestamp? timestamp, ushort sectionCount = 1)
    {
        CperRecordHeader.Signature.CopyTo(record);
        BinaryPrimitives.WriteUInt16LittleEndian(record[CperRecordHeader.RevisionOffset..], 0x0210);
        BinaryPrimitives.WriteUInt32LittleEndian(record[CperRecordHeader.SignatureEndOffset..], CperRecordHeader.SignatureEndValue);
        BinaryPrimitives.WriteUInt16LittleEndian(record[CperRecordHeader.SectionCountOffset..], sectionCount);
        BinaryPrimitives.WriteUInt32LittleEndian(record[CperRecordHeader.SeverityOffset..], severity);
        BinaryPrimitives.WriteUInt32LittleEndian(record[CperRecordHeader.RecordLengthOffset..], (uint)record.Length);
        if (timestamp is { } t)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(record[CperRecordHeader.ValidationBitsOffset..], 2); // bit 1: Timestamp valid
            t.Write(record[CperRecordHeader.TimestampOffset..]);
        }
        notificationType.TryWriteBytes(record[CperRecordHeader.NotificationTypeOffset..]);
    }

    /// <summary>Parses a severity given by name (fatal, recoverable, corrected, informational) or number (0-3).</summary>
    public static bool TryParseSeverity(string text, out uint severity)
    {
        severity = text.Trim().ToLowerInvariant() switch
        {
            "recoverable" or "0" => 0,
            "fatal" or "1" => 1,
            "corrected" or "2" => 2,
            "informational" or "info" or "3" => 3,
            _ => uint.MaxValue,
        };
        return severity <= 3;
    }
}
