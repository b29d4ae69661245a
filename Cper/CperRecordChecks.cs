using System.Globalization;

namespace ApeiKit.Cper;

/// <summary>
/// The record-level content checks (UEFI 2.10 N.2.1 Record Header, N.2.2 Section Descriptor), written once and run by
/// both <see cref="CperRecord.Decode(ReadOnlySpan{byte}, out int, long, CperDecodeOptions?)"/> (strict: the first one throws; lenient: all
/// are collected) and <see cref="CperRecordDescriber"/> (reported in the rendering), so the two never disagree about the
/// same bytes.
/// </summary>
internal static class CperRecordChecks
{
    /// <summary>The header's reserved bytes: from Reserved to the end of the 128-byte header (UEFI 2.10 N.2.1: 12 bytes).</summary>
    private const int ReservedLength = CperRecordHeader.Size - CperRecordHeader.ReservedOffset;

    /// <summary>
    /// The header checks, in the order they are reported: SignatureEnd 0xFFFFFFFF (N.2.1), RecordLength within the bytes
    /// present, ErrorSeverity 0-3 (N.2.1: recoverable, fatal, corrected, informational), and room for SectionCount
    /// descriptors. Each failure is added to <paramref name="errors"/> (made on the first).
    /// </summary>
    public static void Header(in CperRecordView record, long baseOffset, ref List<ApeiContentException>? errors)
    {
        var header = record.Header;
        if (header.SignatureEnd != CperRecordHeader.SignatureEndValue)
            (errors ??= []).Add(ApeiContentException.Invalid("CPER record header", "SignatureEnd", baseOffset + CperRecordHeader.SignatureEndOffset, "0xFFFFFFFF", FieldFormat.Hex(header.SignatureEnd, 4)));
        if (record.IsTruncated)
            (errors ??= []).Add(ApeiContentException.Truncated("CPER record", baseOffset + CperRecordHeader.RecordLengthOffset, record.DeclaredLength, record.Bytes.Length, "RecordLength"));
        if (RecordSeverity(header.Severity, baseOffset) is { } severity) (errors ??= []).Add(severity);
        if (record.DescriptorCount < header.SectionCount)
        {
            int at = CperRecordView.DescriptorOffset(record.DescriptorCount);
            (errors ??= []).Add(new ApeiContentException("CPER record header", "SectionCount", baseOffset + CperRecordHeader.SectionCountOffset,
                $"{header.SectionCount} descriptors of 72 bytes from offset 128", $"room for {record.DescriptorCount} in {record.Bytes.Length} bytes (descriptor #{record.DescriptorCount} at 0x{at:X} is cut off)"));
        }
    }

    /// <summary>The descriptor's own check (N.2.2: Section Severity 0-3), or null when it holds.</summary>
    public static ApeiContentException? Descriptor(in CperSectionDescriptor descriptor, int index, long descriptorOffset)
        => SectionSeverity(descriptor.Severity, index, descriptorOffset);

    /// <summary>N.2.1 Error Severity: 0 recoverable, 1 fatal, 2 corrected, 3 informational; anything else is an error.</summary>
    private static ApeiContentException? RecordSeverity(uint severity, long baseOffset)
        => severity > 3
            ? ApeiContentException.Invalid("CPER record header", "ErrorSeverity", baseOffset + CperRecordHeader.SeverityOffset, "0-3", severity.ToString(CultureInfo.InvariantCulture))
            : null;

    /// <summary>N.2.2 Section Severity: the same four values as the record's.</summary>
    private static ApeiContentException? SectionSeverity(uint severity, int index, long descriptorOffset)
        => severity > 3
            ? ApeiContentException.Invalid(string.Create(CultureInfo.InvariantCulture, $"CPER section descriptor #{index}"), "SectionSeverity",
                descriptorOffset + CperSectionDescriptor.SeverityOffset, "0-3", severity.ToString(CultureInfo.InvariantCulture))
            : null;

    /// <summary>
    /// The checks an encoder runs on a model before writing it: the same severity checks the decoder runs on bytes
    /// (N.2.1, N.2.2), a body for every section, and no fixed-size byte field (header Reserved, FRU Text) longer than its field. A record decoded leniently keeps what it read
    /// (<see cref="CperRecord.KeepsInvalidContent"/>), so decode then encode still gives the bytes read.
    /// </summary>
    /// <exception cref="ApeiContentException">The first check that fails, at the offset the field will have.</exception>
    public static void ForEncoding(CperRecord record)
    {
        for (int i = 0; i < record.Sections.Count; i++)
        {
            if (record.Sections[i].Body is null)
                throw new ApeiContentException(string.Create(CultureInfo.InvariantCulture, $"CPER section #{i}"), "Body", CperRecordView.DescriptorOffset(i),
                    "a section body (a RawSectionBody for bytes without a model)", "none");
        }
        // Fixed-size byte fields of the model (UEFI 2.10 N.2.1: 12 reserved header bytes; N.2.2 Table N-5: FRU Text is
        // 20 bytes): a longer array would lose its tail when written, so it is refused, not cut (decode always fills them exactly).
        if (record.Reserved.Length > ReservedLength)
            throw new ApeiContentException("CPER record header", "Reserved", CperRecordHeader.ReservedOffset,
                $"at most {ReservedLength} bytes (the Reserved field)", string.Create(CultureInfo.InvariantCulture, $"{record.Reserved.Length} bytes"));
        for (int i = 0; i < record.Sections.Count; i++)
        {
            int length = record.Sections[i].FruText.Length;
            if (length > CperSectionDescriptor.FruTextLength)
                throw new ApeiContentException(string.Create(CultureInfo.InvariantCulture, $"CPER section descriptor #{i}"), "FruText",
                    CperRecordView.DescriptorOffset(i) + CperSectionDescriptor.FruTextOffset,
                    $"at most {CperSectionDescriptor.FruTextLength} bytes (the FRU Text field)", string.Create(CultureInfo.InvariantCulture, $"{length} bytes"));
        }
        if (record.KeepsInvalidContent) return;
        if (RecordSeverity(record.Severity, 0) is { } bad) throw bad;
        for (int i = 0; i < record.Sections.Count; i++)
            if (SectionSeverity(record.Sections[i].Severity, i, CperRecordView.DescriptorOffset(i)) is { } badSection) throw badSection;
    }
}
