using ApeiKit.Cper;

namespace ApeiKit.Ghes;

/// <summary>
/// Converts between the two framings of the same CPER sections: a full CPER record (UEFI 2.10 N.2: header,
/// section descriptors, bodies) and a Generic Error Status Block (ACPI 6.5 §18.3.2.7: block header, data entries,
/// bodies). Section bodies are carried unchanged (the same body objects).
/// </summary>
/// <remarks>
/// <para>Carried both ways: record/block error severity; per section the type, severity, FRU Id and FRU text with
/// their validation bits, flags bits 0-7 and the body; the record timestamp (into every entry as a revision 0x300
/// timestamp, and back from the first entry whose timestamp is marked valid).</para>
/// <para>A data entry cannot carry: the record's platform ID, partition ID, creator ID, notification type, record ID,
/// record flags and persistence information, the section descriptor revision, and section flags bits 8-31. A CPER
/// record cannot carry: a block's raw data (dropped; see <see cref="ToCperRecord"/>), the Block Status bits (they are
/// recomputed from the entries), and per-entry timestamps other than the one that becomes the record's.</para>
/// <para>Nothing is dropped silently: <see cref="LossToErrorStatusBlock"/> and <see cref="LossToCperRecord"/> say which of
/// these held a value in a given record or block (<see cref="ConversionLoss"/>), and <see cref="ConversionLossTally"/>
/// words them once per run for the CLI.</para>
/// </remarks>
public static class CperConversion
{
    /// <summary>Builds an error status block holding the record's sections.</summary>
    /// <param name="record">The record; orphaned sections (no body) are skipped.</param>
    /// <param name="entryRevision">Revision of the data entries (0x300 keeps the timestamp).</param>
    /// <exception cref="ArgumentException">A section's flags need bits above 7 and <paramref name="dropHighFlags"/> is false.</exception>
    /// <param name="dropHighFlags">When false (default), flags bits 8-31 are an error rather than silently lost.</param>
    /// <param name="bcdTimestamps">When true, a binary timestamp (as Windows writes it; see <see cref="TryBcdTimestamp"/>) is
    /// written into the entries as BCD, the same instant, because Linux reads an entry's timestamp as BCD.</param>
    public static ErrorStatusBlock ToErrorStatusBlock(CperRecord record, ushort entryRevision = GenericErrorStatus.TimestampRevision, bool dropHighFlags = false, bool bcdTimestamps = false)
    {
        ArgumentNullException.ThrowIfNull(record);
        var block = new ErrorStatusBlock { ErrorSeverity = record.Severity };
        bool timestampValid = (record.ValidationBits & 2) != 0 && entryRevision >= GenericErrorStatus.TimestampRevision;
        var timestamp = bcdTimestamps && TryBcdTimestamp(record, out var bcd) ? bcd : record.Timestamp;
        foreach (var s in record.Sections)
        {
            if (s.Orphaned) continue;
            if (s.Flags > 0xFF && !dropHighFlags)
                throw new ArgumentException($"Section flags 0x{s.Flags:X} do not fit the data entry's 8-bit flags.", nameof(record));
            block.Entries.Add(new ErrorDataEntry
            {
                SectionType = s.EffectiveSectionType,
                ErrorSeverity = s.Severity,
                Revision = entryRevision,
                ValidationBits = (byte)((s.ValidationBits & (GenericErrorStatus.FruIdValid | GenericErrorStatus.FruStringValid)) | (timestampValid ? GenericErrorStatus.TimestampValid : 0)),
                Flags = (byte)s.Flags,
                FruId = s.FruId,
                FruText = (byte[])s.FruText.Clone(),
                Timestamp = timestampValid ? timestamp : default,
                Body = s.Body,
            });
        }
        return block;
    }

    /// <summary>
    /// The record's timestamp rewritten as BCD, when it is valid, read as <c>decode</c> reads it (binary first when Windows
    /// WHEA created the record) and binary: the same date and time, the flags byte kept. False when the timestamp is not
    /// marked valid, is zero, is already BCD or is a valid date in neither encoding (then it cannot be rewritten).
    /// </summary>
    public static bool TryBcdTimestamp(CperRecord record, out CperTimestamp bcd)
    {
        ArgumentNullException.ThrowIfNull(record);
        bcd = default;
        var t = record.Timestamp;
        if ((record.ValidationBits & 2) == 0 || t.IsZero) return false;
        if (!t.TryDecode(record.CreatorId == CperGuids.CreatorWhea, out var when, out var encoding) || encoding != TimestampEncoding.Binary) return false;
        ulong raw = CperTimestamp.FromDateTime(when, TimestampEncoding.Bcd).Raw & ~(0xFFUL << 24);
        bcd = new CperTimestamp(raw | (ulong)t.Flags << 24);
        return true;
    }

    /// <summary>
    /// The fields of <paramref name="record"/> that <see cref="ToErrorStatusBlock"/> cannot carry because they hold
    /// non-default values: the record header's IDs, flags, persistence information, revision and reserved bytes (a Generic
    /// Error Data Entry, ACPI 6.5 Table 18.12, has no place for them), descriptor revisions and flags above bit 7, the
    /// timestamp when the entries have none, orphaned sections.
    /// </summary>
    /// <param name="record">The record.</param>
    /// <param name="entryRevision">Revision of the data entries (before 0x300 they hold no timestamp).</param>
    /// <param name="warning">Receives <see cref="ConversionWarning.TimestampNotBcd"/> when the carried timestamp is not BCD,
    /// <see cref="ConversionWarning.TimestampRewrittenAsBcd"/> instead when <paramref name="bcdTimestamps"/> rewrites it.</param>
    /// <param name="bcdTimestamps">As given to <see cref="ToErrorStatusBlock"/>.</param>
    public static ConversionLoss LossToErrorStatusBlock(CperRecord record, out ConversionWarning warning, ushort entryRevision = GenericErrorStatus.TimestampRevision, bool bcdTimestamps = false)
    {
        ArgumentNullException.ThrowIfNull(record);
        var loss = ConversionLoss.None;
        warning = ConversionWarning.None;
        if ((record.ValidationBits & 1) != 0 || record.PlatformId != Guid.Empty) loss |= ConversionLoss.PlatformId;
        if ((record.ValidationBits & 4) != 0 || record.PartitionId != Guid.Empty) loss |= ConversionLoss.PartitionId;
        if (record.CreatorId != Guid.Empty) loss |= ConversionLoss.CreatorId;
        if (record.NotificationType != Guid.Empty) loss |= ConversionLoss.NotificationType;
        if (record.RecordId != 0) loss |= ConversionLoss.RecordId;
        if (record.Flags != 0) loss |= ConversionLoss.RecordFlags;
        if (record.PersistenceInformation != 0) loss |= ConversionLoss.PersistenceInformation;
        if (record.Revision != 0x0210 || record.SignatureEnd != CperRecordHeader.SignatureEndValue) loss |= ConversionLoss.RecordRevision;
        if (record.Reserved.AsSpan().ContainsAnyExcept((byte)0)) loss |= ConversionLoss.ReservedBytes;
        bool timestampValid = (record.ValidationBits & 2) != 0;
        if (!record.Timestamp.IsZero && (!timestampValid || entryRevision < GenericErrorStatus.TimestampRevision)) loss |= ConversionLoss.Timestamp;
        else if (timestampValid && (!record.Timestamp.TryDecode(record.CreatorId == CperGuids.CreatorWhea, out _, out var encoding) || encoding != TimestampEncoding.Bcd))
            warning |= bcdTimestamps && TryBcdTimestamp(record, out _) ? ConversionWarning.TimestampRewrittenAsBcd
                : ConversionWarning.TimestampNotBcd; // read as decode reads it: binary when Windows wrote the record
        if (record.Fillers.Exists(f => f.Bytes.AsSpan().ContainsAnyExcept((byte)0))) loss |= ConversionLoss.RecordGapBytes;
        foreach (var s in record.Sections)
        {
            if (s.Orphaned) { loss |= ConversionLoss.OrphanedSections; continue; }
            if (s.Revision != 0x0300) loss |= ConversionLoss.SectionRevision;
            if (s.Flags > 0xFF) loss |= ConversionLoss.SectionFlagsHigh;
            if (s.Reserved != 0) loss |= ConversionLoss.ReservedBytes;
        }
        return loss;
    }

    /// <summary>
    /// The fields of <paramref name="block"/> that <see cref="ToCperRecord"/> cannot carry: raw data, a Block Status other
    /// than the computed one, bytes between the entries and the raw data, entry timestamps other than the one that becomes
    /// the record's, entry revisions other than 0x300.
    /// </summary>
    public static ConversionLoss LossToCperRecord(ErrorStatusBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var loss = ConversionLoss.None;
        if (block.RawData.Length > 0) loss |= ConversionLoss.RawData;
        if (block.BlockStatus is { } status && status != block.ComputeBlockStatus()) loss |= ConversionLoss.BlockStatus;
        if (block.Gap.AsSpan().ContainsAnyExcept((byte)0)) loss |= ConversionLoss.GapBytes;
        CperTimestamp? taken = null;
        foreach (var e in block.Entries)
        {
            if (e.Revision != GenericErrorStatus.TimestampRevision) loss |= ConversionLoss.EntryRevision;
            bool valid = (e.ValidationBits & GenericErrorStatus.TimestampValid) != 0 && e.Revision >= GenericErrorStatus.TimestampRevision;
            if (valid && taken is null) { taken = e.Timestamp; continue; }
            if (e.Revision >= GenericErrorStatus.TimestampRevision && !e.Timestamp.IsZero && e.Timestamp != taken) loss |= ConversionLoss.EntryTimestamps;
        }
        return loss;
    }

    /// <summary>Builds a CPER record holding the block's entries as sections.</summary>
    /// <param name="block">The block.</param>
    /// <param name="notificationType">Notification type GUID for the header (e.g. <see cref="CperGuids.NotifyBoot"/> for a BERT region).</param>
    /// <param name="creatorId">Creator ID for the header.</param>
    /// <param name="recordId">Record ID for the header.</param>
    /// <exception cref="ApeiContentException">The block has more than 65,535 entries: the record's Section Count cannot hold them.</exception>
    public static CperRecord ToCperRecord(ErrorStatusBlock block, Guid notificationType = default, Guid creatorId = default, ulong recordId = 0)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block.Entries.Count > ushort.MaxValue)
            throw new ApeiContentException("CPER record header", "SectionCount", CperRecordHeader.SectionCountOffset,
                $"at most {ushort.MaxValue} sections (Section Count is a 16-bit field): one per entry of the block", $"{block.Entries.Count} entries");
        var record = new CperRecord
        {
            Severity = block.ErrorSeverity,
            NotificationType = notificationType,
            CreatorId = creatorId,
            RecordId = recordId,
        };
        foreach (var e in block.Entries)
        {
            if (record.ValidationBits == 0 && (e.ValidationBits & GenericErrorStatus.TimestampValid) != 0 && e.Revision >= GenericErrorStatus.TimestampRevision)
            {
                record.Timestamp = e.Timestamp;
                record.ValidationBits |= 2;
            }
            record.Sections.Add(new CperSection
            {
                SectionType = e.EffectiveSectionType,
                Severity = e.ErrorSeverity,
                ValidationBits = (byte)(e.ValidationBits & (GenericErrorStatus.FruIdValid | GenericErrorStatus.FruStringValid)),
                Flags = e.Flags,
                FruId = e.FruId,
                FruText = (byte[])e.FruText.Clone(),
                Body = e.Body,
            });
        }
        return record;
    }
}
