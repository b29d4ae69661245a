using System.Buffers;
using System.Buffers.Binary;
using ApeiKit.Cper;

namespace ApeiKit.Ghes;

/// <summary>
/// An editable Generic Error Status Block (ACPI 6.5 §18.3.2.7.1): header values, data entries with their CPER
/// section bodies, raw data, and any bytes between the entries and the raw data. Decode then encode is
/// byte-identical; a block built from scratch gets its Block Status, lengths and raw data offset computed.
/// </summary>
public sealed class ErrorStatusBlock : IApeiEncodable
{
    /// <summary>Block Status to write; null computes it from the entries (see <see cref="ComputeBlockStatus"/>).</summary>
    public uint? BlockStatus { get; set; }
    /// <summary>Raw Data Offset to write; null places raw data right after the entries (0 when there is none).</summary>
    public uint? RawDataOffset { get; set; }
    /// <summary>Data Length to write; null uses the entries' encoded length.</summary>
    public uint? DataLength { get; set; }
    /// <summary>Error Severity of the block (0 recoverable, 1 fatal, 2 corrected, 3 informational).</summary>
    public uint ErrorSeverity { get; set; }
    /// <summary>The entries.</summary>
    public List<ErrorDataEntry> Entries { get; } = [];
    /// <summary>Raw error data (vendor format); empty when none.</summary>
    public byte[] RawData { get; set; } = [];
    /// <summary>Bytes between the end of the entries and the raw data (kept for exact round trips).</summary>
    public byte[] Gap { get; set; } = [];

    /// <summary>
    /// Block Status for the entries: bit 0 when an entry is recoverable or fatal, bit 1 when one is corrected or
    /// informational (so a block with entries is never "empty"), bits 2/3 when there is more than one of a kind,
    /// the entry count in bits 4-13.
    /// </summary>
    /// <exception cref="ApeiContentException">More than 1023 entries: the count field (bits 4-13) cannot hold them (set <see cref="BlockStatus"/> to write a block like that).</exception>
    public uint ComputeBlockStatus()
    {
        int unc = 0, cor = 0;
        foreach (var e in Entries)
        {
            if (e.ErrorSeverity is 0 or 1) unc++; else cor++;
        }
        uint s = 0;
        if (unc > 0) s |= GenericErrorStatus.UncorrectableErrorValid;
        if (cor > 0) s |= GenericErrorStatus.CorrectableErrorValid;
        if (unc > 1) s |= GenericErrorStatus.MultipleUncorrectableErrors;
        if (cor > 1) s |= GenericErrorStatus.MultipleCorrectableErrors;
        // Bits 4-13 hold the count: more entries than 1023 do not fit, and a count cut to 1023 would be a wrong count.
        if (Entries.Count > GenericErrorStatus.EntryCountMask)
            throw new ApeiContentException("Generic Error Status Block", "BlockStatus.ErrorDataEntryCount", 0,
                $"at most {GenericErrorStatus.EntryCountMask} entries (the count is bits 4-13 of Block Status), or BlockStatus given", $"{Entries.Count} entries");
        return s | ((uint)Entries.Count << GenericErrorStatus.EntryCountShift);
    }

    /// <summary>Decodes a block strictly.</summary>
    /// <exception cref="ApeiContentException">Malformed or truncated block, or a section body its codec rejects.</exception>
    /// <param name="source">Bytes starting at the block.</param>
    /// <param name="bytesConsumed">Bytes the block occupies.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> (for error offsets).</param>
    /// <param name="options">The section codecs (vendor codecs added), limits and ARM error-type reading; null: <see cref="CperDecodeOptions.Default"/>.</param>
    public static ErrorStatusBlock Decode(ReadOnlySpan<byte> source, out int bytesConsumed, long baseOffset = 0, CperDecodeOptions? options = null)
        => ContentStatus.DecodeStrict<ErrorStatusBlock, CperDecodeOptions?>(Decode, source, out bytesConsumed, baseOffset, options);

    /// <summary>
    /// Decodes a block; section bodies their codec rejects are kept raw and reported in <paramref name="errors"/>. An
    /// entry's Error Severity outside 0-3 is not an error here (the entry decodes, its value kept): that is
    /// <see cref="GhesBlockValidator"/>'s warning, the one check of it.
    /// </summary>
    /// <exception cref="ApeiContentException">Malformed or truncated block structure.</exception>
    /// <param name="source">Bytes starting at the block.</param>
    /// <param name="bytesConsumed">Bytes the block occupies.</param>
    /// <param name="errors">Receives the section bodies' problems (a vendor codec's exception included).</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> (for error offsets).</param>
    /// <param name="options">The section codecs (vendor codecs added), limits and ARM error-type reading; null: <see cref="CperDecodeOptions.Default"/>.</param>
    public static ErrorStatusBlock Decode(ReadOnlySpan<byte> source, out int bytesConsumed, List<ApeiContentException> errors, long baseOffset = 0, CperDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        options ??= CperDecodeOptions.Default;
        var view = ErrorStatusBlockView.Read(source, out bytesConsumed, baseOffset);
        var block = new ErrorStatusBlock
        {
            BlockStatus = view.BlockStatus,
            RawDataOffset = view.RawDataOffset,
            DataLength = view.DataLength,
            ErrorSeverity = view.ErrorSeverity,
        };
        if (view.IsEmpty)
        {
            // Keep what an empty block's header says, and the bytes after it, verbatim.
            block.RawData = [];
            block._emptyRaw = (view.RawDataLength, view.Bytes[GenericErrorStatus.BlockHeaderSize..].ToArray());
            return block;
        }
        foreach (var e in view.Entries)
        {
            var entry = ErrorDataEntry.FromView(e);
            long bodyOffset = baseOffset + e.OffsetInBlock + e.HeaderSize;
            try
            {
                entry.Body = options.Sections.DecodeBody(e.SectionType, e.Data, bodyOffset, options);
                if (entry.Body.GetEncodedLength() != e.Data.Length || !entry.Body.Encode().AsSpan().SequenceEqual(e.Data))
                    entry.Body = new RawSectionBody(e.SectionType, e.Data.ToArray()); // a codec that would not give the bytes back
            }
            catch (ApeiContentException ex)
            {
                errors.Add(ex);
                entry.Body = new RawSectionBody(e.SectionType, e.Data.ToArray());
            }
            block.Entries.Add(entry);
        }
        int dataEnd = GenericErrorStatus.BlockHeaderSize + (int)view.DataLength;
        if (view.RawDataLength != 0)
        {
            block.RawData = view.RawData.ToArray();
            block.Gap = view.Bytes[dataEnd..(int)view.RawDataOffset].ToArray();
        }
        return block;
    }

    private (uint RawLength, byte[] Bytes)? _emptyRaw;

    private uint EntriesLength()
    {
        long n = 0;
        foreach (var e in Entries) n += e.GetEncodedLength();
        return n > uint.MaxValue ? throw new InvalidOperationException("The entries exceed 4 GiB.") : (uint)n;
    }

    /// <summary>Bytes <see cref="TryEncode"/> writes: the header, entries, gap and raw data.</summary>
    public int GetEncodedLength()
    {
        if (_emptyRaw is { } empty) return GenericErrorStatus.BlockHeaderSize + empty.Bytes.Length;
        long end = GenericErrorStatus.BlockHeaderSize + (long)EntriesLength() + Gap.Length;
        if (RawData.Length > 0) end = Math.Max(end, (long)(RawDataOffset ?? (uint)end) + RawData.Length);
        if (DataLength is { } dl) end = Math.Max(end, GenericErrorStatus.BlockHeaderSize + (long)dl);
        return ApeiEncodable.Length(end, "block");
    }

    /// <summary>Encodes the block; false when <paramref name="destination"/> is too small.</summary>
    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        int length = GetEncodedLength();
        if (!ApeiEncodable.TryTake(destination, length, out var dst, out bytesWritten)) return false;
        BinaryPrimitives.WriteUInt32LittleEndian(dst[GenericErrorStatus.BlockSeverityOffset..], ErrorSeverity);
        if (_emptyRaw is { } empty)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(dst, BlockStatus ?? 0);
            BinaryPrimitives.WriteUInt32LittleEndian(dst[GenericErrorStatus.RawDataOffsetOffset..], RawDataOffset ?? 0);
            BinaryPrimitives.WriteUInt32LittleEndian(dst[GenericErrorStatus.RawDataLengthOffset..], empty.RawLength);
            BinaryPrimitives.WriteUInt32LittleEndian(dst[GenericErrorStatus.DataLengthOffset..], DataLength ?? 0);
            empty.Bytes.CopyTo(dst[GenericErrorStatus.BlockHeaderSize..]);
            bytesWritten = length;
            return true;
        }
        uint entries = EntriesLength();
        uint dataLength = DataLength ?? entries;
        uint rawOffset = RawData.Length == 0 ? RawDataOffset ?? 0 : RawDataOffset ?? (uint)(GenericErrorStatus.BlockHeaderSize + entries + Gap.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(dst, BlockStatus ?? ComputeBlockStatus());
        BinaryPrimitives.WriteUInt32LittleEndian(dst[GenericErrorStatus.RawDataOffsetOffset..], rawOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(dst[GenericErrorStatus.RawDataLengthOffset..], (uint)RawData.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(dst[GenericErrorStatus.DataLengthOffset..], dataLength);
        int pos = GenericErrorStatus.BlockHeaderSize;
        for (int i = 0; i < Entries.Count; i++)
        {
            int n;
            try
            {
                Entries[i].TryEncode(dst[pos..], out n);
            }
            catch (ApeiContentException e)
            {
                // The entry knows only its own offsets: name the entry and give the offset in the block.
                throw new ApeiContentException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Generic Error Data Entry #{i}"), e.Field, pos + e.Offset, e.Expected, e.Found, e.Detail);
            }
            pos += n;
        }
        Gap.CopyTo(dst[pos..]);
        if (RawData.Length > 0) RawData.CopyTo(dst[(int)rawOffset..]);
        bytesWritten = length;
        return true;
    }
}

/// <summary>One Generic Error Data Entry (ACPI 6.5 Table 18.12): header values and the CPER section body.</summary>
public sealed class ErrorDataEntry : IApeiEncodable
{
    /// <summary>Section Type to write; null uses the body's type.</summary>
    public Guid? SectionType { get; set; }
    /// <summary>Error Severity.</summary>
    public uint ErrorSeverity { get; set; }
    /// <summary>Revision (default 0x0300: the header has the timestamp field).</summary>
    public ushort Revision { get; set; } = GenericErrorStatus.TimestampRevision;
    /// <summary>Validation Bits: bit 0 FRU Id, bit 1 FRU String, bit 2 Timestamp.</summary>
    public byte ValidationBits { get; set; }
    /// <summary>Flags (CPER section flags: bit 0 primary, ...).</summary>
    public byte Flags { get; set; }
    /// <summary>Error Data Length to write; null uses the body's encoded length.</summary>
    public uint? ErrorDataLength { get; set; }
    /// <summary>FRU Id.</summary>
    public Guid FruId { get; set; }
    /// <summary>FRU Text: at most 20 bytes, NUL padded, not necessarily terminated (a longer one is refused when encoding).</summary>
    public byte[] FruText { get; set; } = new byte[GenericErrorStatus.FruTextLength];
    /// <summary>Timestamp (written only from revision 0x300).</summary>
    public CperTimestamp Timestamp { get; set; }
    /// <summary>The section body.</summary>
    public CperSectionBody Body { get; set; } = new RawSectionBody(Guid.Empty, []);

    /// <summary>The effective section type.</summary>
    public Guid EffectiveSectionType => SectionType ?? Body.SectionType;

    /// <summary>Header size for <see cref="Revision"/>.</summary>
    public int HeaderSize => GenericErrorStatus.EntryHeaderSizeFor(Revision);

    internal static ErrorDataEntry FromView(ErrorDataEntryView e) => new()
    {
        SectionType = e.SectionType, ErrorSeverity = e.ErrorSeverity, Revision = e.Revision, ValidationBits = e.ValidationBits,
        Flags = e.Flags, ErrorDataLength = e.ErrorDataLength, FruId = e.FruId, FruText = e.FruTextBytes.ToArray(), Timestamp = e.Timestamp,
    };

    /// <summary>Header plus body bytes.</summary>
    public int GetEncodedLength() => HeaderSize + Body.GetEncodedLength();

    /// <summary>Encodes the entry; false when <paramref name="destination"/> is too small.</summary>
    /// <exception cref="ApeiContentException"><see cref="FruText"/> is longer than the 20-byte field.</exception>
    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        int length = GetEncodedLength();
        bytesWritten = 0;
        if (destination.Length < length) return false;
        // FRU Text is a 20-byte field (ACPI 6.5 Table 18.12): a longer text would lose its tail, so it is refused, not cut.
        if (FruText.Length > GenericErrorStatus.FruTextLength)
            throw new ApeiContentException("Generic Error Data Entry", "FruText", GenericErrorStatus.FruTextOffset,
                $"at most {GenericErrorStatus.FruTextLength} bytes (the FRU Text field)", $"{FruText.Length} bytes");
        var d = destination[..length];
        d[..HeaderSize].Clear();
        EfiGuid.Write(d, EffectiveSectionType);
        BinaryPrimitives.WriteUInt32LittleEndian(d[GenericErrorStatus.EntrySeverityOffset..], ErrorSeverity);
        BinaryPrimitives.WriteUInt16LittleEndian(d[GenericErrorStatus.RevisionOffset..], Revision);
        d[GenericErrorStatus.ValidationBitsOffset] = ValidationBits;
        d[GenericErrorStatus.FlagsOffset] = Flags;
        BinaryPrimitives.WriteUInt32LittleEndian(d[GenericErrorStatus.ErrorDataLengthOffset..], ErrorDataLength ?? (uint)Body.GetEncodedLength());
        EfiGuid.Write(d[GenericErrorStatus.FruIdOffset..], FruId);
        FruText.CopyTo(d[GenericErrorStatus.FruTextOffset..]); // at most 20 bytes (checked above), NUL padded by the Clear
        if (HeaderSize > GenericErrorStatus.TimestampOffset) Timestamp.Write(d[GenericErrorStatus.TimestampOffset..]);
        Body.TryEncode(d[HeaderSize..], out _);
        bytesWritten = length;
        return true;
    }
}
