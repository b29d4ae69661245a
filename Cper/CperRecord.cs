using System.Buffers;
using System.Buffers.Binary;

namespace ApeiKit.Cper;

/// <summary>
/// An editable CPER record (UEFI 2.10 N.2): header values, sections (descriptor values + body model)
/// and any bytes of the record that no structure covers. Decode then encode is byte-identical;
/// a record built from scratch gets its section count, offsets and lengths computed.
/// </summary>
public sealed class CperRecord : IApeiEncodable
{
    /// <summary>Revision (default 0x0210).</summary>
    public ushort Revision { get; set; } = 0x0210;
    /// <summary>Signature End (0xFFFFFFFF).</summary>
    public uint SignatureEnd { get; set; } = CperRecordHeader.SignatureEndValue;
    /// <summary>Section count to write; null writes the number of sections.</summary>
    public ushort? SectionCount { get; set; }
    /// <summary>Error severity.</summary>
    public uint Severity { get; set; }
    /// <summary>Validation bits: bit 0 platform ID, bit 1 timestamp, bit 2 partition ID.</summary>
    public uint ValidationBits { get; set; }
    /// <summary>Record length to write; null computes it from the sections.</summary>
    public uint? RecordLength { get; set; }
    /// <summary>Timestamp.</summary>
    public CperTimestamp Timestamp { get; set; }
    /// <summary>Platform ID.</summary>
    public Guid PlatformId { get; set; }
    /// <summary>Partition ID.</summary>
    public Guid PartitionId { get; set; }
    /// <summary>Creator ID.</summary>
    public Guid CreatorId { get; set; }
    /// <summary>Notification type.</summary>
    public Guid NotificationType { get; set; }
    /// <summary>Record ID.</summary>
    public ulong RecordId { get; set; }
    /// <summary>Flags.</summary>
    public uint Flags { get; set; }
    /// <summary>Persistence information.</summary>
    public ulong PersistenceInformation { get; set; }
    /// <summary>The 12 reserved header bytes (a longer array is refused when encoding; a shorter one is NUL padded).</summary>
    public byte[] Reserved { get; set; } = new byte[12];
    /// <summary>The sections in descriptor order.</summary>
    public List<CperSection> Sections { get; } = [];
    /// <summary>
    /// When set, encoding stops after this many bytes although the header keeps <see cref="RecordLength"/>:
    /// the record was cut short when it was decoded, and re-encoding gives back exactly the bytes that were there
    /// (never a buffer sized by a length read from the input).
    /// </summary>
    public int? PresentLength { get; set; }
    /// <summary>Bytes inside the record that no header, descriptor or section covers (non-zero gaps), kept for exact round trips.</summary>
    public List<(int Offset, byte[] Bytes)> Fillers { get; } = [];

    /// <summary>
    /// True for a record that holds what broken input held (set by the lenient <see cref="Decode(ReadOnlySpan{byte}, out int, List{ApeiContentException}, long, CperDecodeOptions)"/>
    /// and by JSON input that carries decode's <c>errors</c>): encoding then writes an Error Severity or Section Severity
    /// above 3 back as it was read, so decode then encode gives the same bytes. Otherwise encoding refuses them
    /// (UEFI 2.10 N.2.1, N.2.2: 0-3), with the same error decode reports.
    /// </summary>
    public bool KeepsInvalidContent { get; set; }

    /// <summary>Decodes a whole record strictly: any content error throws.</summary>
    /// <param name="source">Bytes starting at the record.</param>
    /// <param name="bytesConsumed">Bytes the record occupies.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> (for error offsets).</param>
    /// <param name="options">The section codecs (vendor codecs added), limits and ARM error-type reading; null: <see cref="CperDecodeOptions.Default"/>.</param>
    /// <exception cref="ApeiContentException">Malformed or truncated record or section.</exception>
    public static CperRecord Decode(ReadOnlySpan<byte> source, out int bytesConsumed, long baseOffset = 0, CperDecodeOptions? options = null)
        => ContentStatus.DecodeStrict<CperRecord, CperDecodeOptions?>(Decode, source, out bytesConsumed, baseOffset, options);

    /// <summary>
    /// Decodes leniently: sections whose bodies fail to decode are kept as <see cref="RawSectionBody"/>,
    /// sections outside the record are dropped, and every problem is added to <paramref name="errors"/>.
    /// </summary>
    /// <param name="source">Bytes starting at the record.</param>
    /// <param name="bytesConsumed">Bytes the record occupies.</param>
    /// <param name="errors">Receives every problem found.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> (for error offsets).</param>
    /// <param name="options">The section codecs (vendor codecs added; what they throw is one of <paramref name="errors"/>), limits and ARM error-type reading; null: <see cref="CperDecodeOptions.Default"/>.</param>
    /// <exception cref="ApeiContentException">Not even a CPER header is present.</exception>
    public static CperRecord Decode(ReadOnlySpan<byte> source, out int bytesConsumed, List<ApeiContentException> errors, long baseOffset = 0, CperDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        options ??= CperDecodeOptions.Default;
        var view = CperRecordView.ReadPrefix(source, out bytesConsumed, baseOffset, options);
        List<ApeiContentException>? headerErrors = errors;
        CperRecordChecks.Header(view, baseOffset, ref headerErrors); // the describer's checks, from the same code
        var h = view.Header;
        var record = new CperRecord
        {
            Revision = h.Revision, SignatureEnd = h.SignatureEnd, SectionCount = h.SectionCount, Severity = h.Severity,
            ValidationBits = h.ValidationBits, RecordLength = h.RecordLength, Timestamp = h.Timestamp, PlatformId = h.PlatformId,
            PartitionId = h.PartitionId, CreatorId = h.CreatorId, NotificationType = h.NotificationType, RecordId = h.RecordId,
            Flags = h.Flags, PersistenceInformation = h.PersistenceInformation,
            Reserved = h.Bytes.Slice(CperRecordHeader.ReservedOffset, 12).ToArray(),
            PresentLength = view.IsTruncated ? view.Bytes.Length : null,
            KeepsInvalidContent = true,
        };

        int[] overlaps = view.FindOverlaps();
        var covered = new bool[view.Bytes.Length];
        covered.AsSpan(0, CperRecordHeader.Size + view.DescriptorCount * CperSectionDescriptor.Size).Fill(true);
        for (int i = 0; i < view.DescriptorCount; i++)
        {
            var d = view.GetDescriptor(i);
            var section = CperSection.FromDescriptor(d);
            if (CperRecordChecks.Descriptor(d, i, baseOffset + CperRecordView.DescriptorOffset(i)) is { } invalid) errors.Add(invalid);
            ReadOnlySpan<byte> body;
            try
            {
                body = view.GetSectionBody(i, baseOffset);
            }
            catch (ApeiContentException e)
            {
                errors.Add(e);
                section.Body = new RawSectionBody(d.SectionType, []);
                section.Orphaned = true;
                record.Sections.Add(section);
                continue;
            }
            if (overlaps[i] >= 0)
            {
                // Its bytes belong to another section, which writes them back; decode them once only.
                errors.Add(new ApeiContentException($"CPER section descriptor #{i}", "SectionOffset", baseOffset + CperRecordView.DescriptorOffset(i),
                    "sections that do not overlap", $"bytes shared with section #{overlaps[i]}"));
                section.Body = new RawSectionBody(d.SectionType, []);
                section.Orphaned = true;
                record.Sections.Add(section);
                continue;
            }
            try
            {
                section.Body = options.Sections.DecodeBody(d.SectionType, body, baseOffset + d.SectionOffset, options);
            }
            catch (ApeiContentException e)
            {
                errors.Add(e);
                section.Body = new RawSectionBody(d.SectionType, body.ToArray());
            }
            covered.AsSpan((int)d.SectionOffset, body.Length).Fill(true);
            record.Sections.Add(section);
        }
        // Keep every uncovered run that is not all zero.
        for (int i = 0; i < covered.Length;)
        {
            if (covered[i]) { i++; continue; }
            int start = i;
            while (i < covered.Length && !covered[i]) i++;
            var gap = view.Bytes[start..i];
            if (gap.ContainsAnyExcept((byte)0)) record.Fillers.Add((start, gap.ToArray()));
        }
        return record;
    }

    /// <summary>Bytes <see cref="TryEncode"/> writes: <see cref="PresentLength"/> if set, else RecordLength if set, else the end of the last section.</summary>
    /// <exception cref="InvalidOperationException">The record would exceed 2 GiB.</exception>
    /// <exception cref="ApeiContentException">A severity above 3 (unless <see cref="KeepsInvalidContent"/>), a section without a body, or a FRU Text or Reserved longer than its field.</exception>
    /// <exception cref="ApeiContentException">More than 65,535 sections and no <see cref="SectionCount"/> given: Section Count is 16 bits (it is never wrapped).</exception>
    public int GetEncodedLength()
    {
        CperRecordChecks.ForEncoding(this); // the decoder's own checks (one validation truth)
        if (SectionCount is null && Sections.Count > ushort.MaxValue)
            throw new ApeiContentException("CPER record header", "SectionCount", CperRecordHeader.SectionCountOffset,
                $"at most {ushort.MaxValue} sections (Section Count is a 16-bit field)", $"{Sections.Count} sections");
        if (PresentLength is { } present) return present;
        long end = SectionsEnd();
        foreach (var (o, b) in Fillers) end = Math.Max(end, o + b.Length);
        if (RecordLength is { } rl) end = Math.Max(end, rl);
        return ApeiEncodable.Length(end, "record");
    }

    /// <summary>
    /// Where the record's sections end: the end of the last section (at its <see cref="CperSection.Offset"/> or after the
    /// one before it), or of the descriptor table when there is none; RecordLength, <see cref="Fillers"/> and
    /// <see cref="PresentLength"/> left out (UEFI 2.10 N.2.1: RecordLength covers the header, descriptors and sections,
    /// and may say more). <see cref="GetEncodedLength"/> starts from it; the JSON reader bounds RecordLength and places
    /// trailing and gap bytes by it.
    /// </summary>
    internal long SectionsEnd()
    {
        long end = CperRecordHeader.Size + (long)Sections.Count * CperSectionDescriptor.Size;
        long next = end;
        foreach (var s in Sections)
        {
            if (s.Orphaned) continue;
            long len = s.Length is { } l ? l : s.Body.GetEncodedLength();
            long off = s.Offset is { } o ? o : next;
            end = Math.Max(end, off + Math.Max(len, s.Body.GetEncodedLength()));
            next = Math.Max(next, off + len);
        }
        return end;
    }

    /// <summary>Encodes the record; false when <paramref name="destination"/> is too small.</summary>
    /// <exception cref="ApeiContentException">More than 65,535 sections and no <see cref="SectionCount"/> given, a severity above 3, or a section without a body (see <see cref="GetEncodedLength"/>).</exception>
    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        int length = GetEncodedLength();
        if (!ApeiEncodable.TryTake(destination, length, out var dst, out bytesWritten)) return false;
        "CPER"u8.CopyTo(dst);
        BinaryPrimitives.WriteUInt16LittleEndian(dst[CperRecordHeader.RevisionOffset..], Revision);
        BinaryPrimitives.WriteUInt32LittleEndian(dst[CperRecordHeader.SignatureEndOffset..], SignatureEnd);
        BinaryPrimitives.WriteUInt16LittleEndian(dst[CperRecordHeader.SectionCountOffset..], SectionCount ?? (ushort)Sections.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(dst[CperRecordHeader.SeverityOffset..], Severity);
        BinaryPrimitives.WriteUInt32LittleEndian(dst[CperRecordHeader.ValidationBitsOffset..], ValidationBits);
        BinaryPrimitives.WriteUInt32LittleEndian(dst[CperRecordHeader.RecordLengthOffset..], PresentLength is null ? (uint)length : RecordLength ?? (uint)length);
        Timestamp.Write(dst[CperRecordHeader.TimestampOffset..]);
        EfiGuid.Write(dst[CperRecordHeader.PlatformIdOffset..], PlatformId);
        EfiGuid.Write(dst[CperRecordHeader.PartitionIdOffset..], PartitionId);
        EfiGuid.Write(dst[CperRecordHeader.CreatorIdOffset..], CreatorId);
        EfiGuid.Write(dst[CperRecordHeader.NotificationTypeOffset..], NotificationType);
        BinaryPrimitives.WriteUInt64LittleEndian(dst[CperRecordHeader.RecordIdOffset..], RecordId);
        BinaryPrimitives.WriteUInt32LittleEndian(dst[CperRecordHeader.FlagsOffset..], Flags);
        BinaryPrimitives.WriteUInt64LittleEndian(dst[CperRecordHeader.PersistenceInfoOffset..], PersistenceInformation);
        Reserved.CopyTo(dst[CperRecordHeader.ReservedOffset..]); // at most 12 bytes (CperRecordChecks.ForEncoding)

        int next = CperRecordHeader.Size + Sections.Count * CperSectionDescriptor.Size;
        for (int i = 0; i < Sections.Count; i++)
        {
            var s = Sections[i];
            int bodyLength = s.Body.GetEncodedLength();
            uint off = s.Offset ?? (uint)next;
            uint len = s.Length ?? (uint)bodyLength;
            int at = CperRecordView.DescriptorOffset(i);
            if (at + CperSectionDescriptor.Size > dst.Length) break; // a cut-short record ends inside its descriptor table
            s.WriteDescriptor(dst.Slice(at, CperSectionDescriptor.Size), off, len);
            if (s.Orphaned || (ulong)off + (ulong)bodyLength > (ulong)dst.Length) continue;
            s.Body.TryEncode(dst.Slice((int)off, bodyLength), out _);
            next = Math.Max(next, (int)(off + len));
        }
        foreach (var (o, b) in Fillers) b.AsSpan(0, Math.Min(b.Length, Math.Max(0, dst.Length - o))).CopyTo(dst[Math.Min(o, dst.Length)..]);
        bytesWritten = length;
        return true;
    }
}

/// <summary>One section of a <see cref="CperRecord"/>: descriptor values (UEFI 2.10 N.2.2) and the body.</summary>
public sealed class CperSection
{
    /// <summary>Section offset to write; null places the body after the previous one.</summary>
    public uint? Offset { get; set; }
    /// <summary>Section length to write; null uses the body's encoded length.</summary>
    public uint? Length { get; set; }
    /// <summary>Descriptor revision (default 0x0300).</summary>
    public ushort Revision { get; set; } = 0x0300;
    /// <summary>Validation bits: bit 0 FRU ID, bit 1 FRU text.</summary>
    public byte ValidationBits { get; set; }
    /// <summary>The reserved descriptor byte.</summary>
    public byte Reserved { get; set; }
    /// <summary>Flags (bit 0 primary, ...).</summary>
    public uint Flags { get; set; }
    /// <summary>Section type written in the descriptor; null uses the body's type.</summary>
    public Guid? SectionType { get; set; }
    /// <summary>FRU ID.</summary>
    public Guid FruId { get; set; }
    /// <summary>Section severity.</summary>
    public uint Severity { get; set; }
    /// <summary>FRU text: at most 20 bytes (UEFI 2.10 N.2.2 Table N-5), NUL padded, not necessarily terminated (a longer one is refused when encoding, not cut).</summary>
    public byte[] FruText { get; set; } = new byte[CperSectionDescriptor.FruTextLength];
    /// <summary>The body.</summary>
    public CperSectionBody Body { get; set; } = new RawSectionBody(Guid.Empty, []);
    /// <summary>True when the descriptor pointed outside the record or into another section's bytes: the descriptor is written back, its body is not.</summary>
    public bool Orphaned { get; set; }

    /// <summary>The effective section type.</summary>
    public Guid EffectiveSectionType => SectionType ?? Body.SectionType;

    internal static CperSection FromDescriptor(CperSectionDescriptor d) => new()
    {
        Offset = d.SectionOffset, Length = d.SectionLength, Revision = d.Revision, ValidationBits = d.ValidationBits,
        Reserved = d.Bytes[CperSectionDescriptor.ReservedOffset], Flags = d.Flags, SectionType = d.SectionType,
        FruId = d.FruId, Severity = d.Severity, FruText = d.FruTextBytes.ToArray(),
    };

    internal void WriteDescriptor(Span<byte> d, uint offset, uint length)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(d, offset);
        BinaryPrimitives.WriteUInt32LittleEndian(d[CperSectionDescriptor.SectionLengthOffset..], length);
        BinaryPrimitives.WriteUInt16LittleEndian(d[CperSectionDescriptor.RevisionOffset..], Revision);
        d[CperSectionDescriptor.ValidationBitsOffset] = ValidationBits;
        d[CperSectionDescriptor.ReservedOffset] = Reserved;
        BinaryPrimitives.WriteUInt32LittleEndian(d[CperSectionDescriptor.FlagsOffset..], Flags);
        EfiGuid.Write(d[CperSectionDescriptor.SectionTypeOffset..], EffectiveSectionType);
        EfiGuid.Write(d[CperSectionDescriptor.FruIdOffset..], FruId);
        BinaryPrimitives.WriteUInt32LittleEndian(d[CperSectionDescriptor.SeverityOffset..], Severity);
        FruText.CopyTo(d[CperSectionDescriptor.FruTextOffset..]); // at most 20 bytes (CperRecordChecks.ForEncoding), NUL padded by the record's Clear
    }
}
