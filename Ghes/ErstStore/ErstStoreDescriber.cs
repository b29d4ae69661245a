using System.Buffers.Binary;
using System.Globalization;
using ApeiKit.Cper;

namespace ApeiKit.Ghes;

/// <summary>
/// Walks a QEMU acpi-erst backing file for rendering: the header, the record-id map, then every record slot with its
/// state (live, cleared = deleted but still in the slot, empty) and, for every slot holding a record, the CPER record
/// decoded; Linux pstore records get a <c>pstore</c> object (the time_t timestamp, the kmsg_dump header, the log text,
/// inflated for DMESG_Z). Inconsistencies (record_count vs the map, a map id that is not the record's id, a record
/// longer than its slot) are reported with <see cref="StructureVisitor.Error"/>.
/// </summary>
public static class ErstStoreDescriber
{
    /// <summary>Describes the store at the start of <paramref name="source"/>.</summary>
    /// <returns>Number of content errors reported.</returns>
    /// <exception cref="ApeiContentException">Not a store (no magic, bad record_size, map past the end).</exception>
    /// <param name="source">The store's bytes.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> in the input.</param>
    /// <param name="visitor">Receives the walk.</param>
    /// <param name="label">Label of the root object.</param>
    /// <param name="options">The section codecs (vendor codecs added), limits and ARM error-type reading for the stored records; null: <see cref="CperDecodeOptions.Default"/>.</param>
    public static int Describe(ReadOnlySpan<byte> source, long baseOffset, StructureVisitor visitor, string label = "ERST store (QEMU acpi-erst backing file)", CperDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        var v = ErstStoreView.ReadAt(source, baseOffset);
        int before = visitor.ErrorsReported;
        var inv = CultureInfo.InvariantCulture;
        visitor.BeginObject(null, label, baseOffset, source.Length);
        visitor.BeginObject("header", "Store header", baseOffset, ErstStoreView.HeaderSize);
        ErstStoreView.HeaderLayout.Describe(source[..ErstStoreView.HeaderSize], baseOffset, visitor);
        visitor.EndObject();
        int slots = v.SlotCount, first = v.FirstRecordSlot;
        visitor.Info("slotCount", "Slots", string.Create(inv, $"{slots} of {v.RecordSize} bytes ({Math.Max(0, slots - first)} for records, from slot {first})"));
        if (v.Version != ErstStoreView.CurrentVersion)
            visitor.Error(ApeiContentException.Invalid("ERST store header", "version", baseOffset + ErstStoreView.VersionOffset, "0x0100 (QEMU refuses others)", string.Create(inv, $"0x{v.Version:X4}")));
        if (v.StorageOffset % v.RecordSize != 0 || v.StorageOffset < ErstStoreView.HeaderSize + 8UL * (ulong)slots)
            visitor.Error(ApeiContentException.Invalid("ERST store header", "storage_offset", baseOffset + ErstStoreView.StorageOffsetOffset,
                string.Create(inv, $"a multiple of record_size at or past the map's end ({ErstStoreView.HeaderSize + 8L * slots})"), string.Create(inv, $"0x{v.StorageOffset:X}")));
        int mapped = v.CountMapped();
        if (mapped != v.RecordCount)
            visitor.Error(ApeiContentException.Invalid("ERST store header", "record_count", baseOffset + ErstStoreView.RecordCountOffset,
                string.Create(inv, $"{mapped} (the non-zero map entries)"), v.RecordCount.ToString(inv)));
        if (v.TrailingLength != 0)
            visitor.Error(ApeiContentException.Invalid("ERST store", "size", baseOffset + source.Length - v.TrailingLength,
                string.Create(inv, $"a multiple of record_size {v.RecordSize} (QEMU refuses the backing file otherwise; a copy cut short?)"), string.Create(inv, $"{source.Length} bytes")));
        if (v.TrailingLength != 0)
            visitor.Data("trailingBytes", "Bytes after the last whole slot", baseOffset + source.Length - v.TrailingLength, source[^v.TrailingLength..]);

        visitor.BeginArray("slots", "Record slots", baseOffset + v.SlotOffset(first), (long)(slots - first) * v.RecordSize);
        for (int i = first; i < slots; i++)
        {
            var state = v.StateOf(i);
            if (state == ErstSlotState.Empty) continue; // listed by count below, not one by one
            DescribeSlot(v, i, state, baseOffset, visitor, options);
        }
        visitor.EndArray();
        int live = 0, cleared = 0, empty = 0;
        for (int i = first; i < slots; i++)
        {
            switch (v.StateOf(i))
            {
                case ErstSlotState.Live: live++; break;
                case ErstSlotState.Cleared: cleared++; break;
                case ErstSlotState.Empty: empty++; break;
            }
        }
        visitor.Info("summary", "Summary", string.Create(inv, $"{live} live record(s), {cleared} cleared (deleted, bytes still present), {empty} empty slot(s)"));
        visitor.EndObject();
        return visitor.ErrorsReported - before;
    }

    private static void DescribeSlot(ErstStoreView v, int slot, ErstSlotState state, long baseOffset, StructureVisitor visitor, CperDecodeOptions? options)
    {
        var inv = CultureInfo.InvariantCulture;
        long offset = baseOffset + v.SlotOffset(slot);
        ulong id = v.MapEntry(slot);
        var bytes = v.Slot(slot);
        visitor.BeginObject(null, $"Slot {slot}: {(state == ErstSlotState.Live ? "live" : "cleared (deleted)")}", offset, bytes.Length);
        visitor.Info("slot", "Slot", slot);
        visitor.Info("state", "State", state == ErstSlotState.Live ? "live" : "cleared: the map entry is 0, the record's bytes are still in the slot");
        visitor.Info("mapEntry", "Map entry (record id)", string.Create(inv, $"0x{id:X16}"));
        var record = v.RecordIn(slot);
        if (record.IsEmpty)
        {
            visitor.Error(ApeiContentException.Invalid(string.Create(inv, $"ERST store slot {slot}"), "signature", offset, "\"CPER\" (the map lists a record here)", "\"" + AsciiField.Decode(bytes[..4]) + "\""));
            visitor.Data("slotBytes", "Slot bytes (no CPER record)", offset, bytes);
            visitor.EndObject();
            return;
        }
        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(bytes[20..]);
        ulong recordId = BinaryPrimitives.ReadUInt64LittleEndian(bytes[96..]);
        if (declared > v.RecordSize)
            visitor.Error(ApeiContentException.Invalid(string.Create(inv, $"ERST store slot {slot}"), "RecordLength", offset + 20, string.Create(inv, $"at most the slot size {v.RecordSize}"), declared.ToString(inv)));
        if (state == ErstSlotState.Live && recordId != id)
            visitor.Error(ApeiContentException.Invalid(string.Create(inv, $"ERST store slot {slot}"), "RecordID", offset + 96, string.Create(inv, $"0x{id:X16} (the map entry)"), string.Create(inv, $"0x{recordId:X16}")));
        int tail = bytes.Length - record.Length;
        if (tail > 0)
        {
            bool allFf = !bytes[record.Length..].ContainsAnyExcept((byte)0xFF);
            visitor.Info("slotTail", "Rest of the slot", string.Create(inv, $"{tail} bytes, {(allFf ? "all 0xFF (as QEMU fills it)" : "not all 0xFF (an older, longer record's bytes?)")}"));
        }
        // A record whose header cannot be read (a RecordLength below the 128-byte header, UEFI 2.10 N.2.1) is this slot's
        // error, its bytes shown: the record describer would throw, and the store's other slots would be described nowhere.
        ApeiContentException? unreadable = null;
        try
        {
            CperRecordView.ReadPrefix(record, out _, offset, options);
        }
        catch (ApeiContentException e)
        {
            unreadable = e;
        }
        if (unreadable is not null)
        {
            visitor.Error(unreadable);
            visitor.Data("recordBytes", "Record bytes (its header cannot be read)", offset, record);
            visitor.EndObject();
            return;
        }
        // An array of the one record: the record describer opens an unnamed object, which JSON allows only as an element.
        visitor.BeginArray("records", "CPER record", offset, record.Length);
        CperRecordDescriber.Describe(record, offset, visitor, string.Create(inv, $"Record 0x{recordId:X16}"), out _, options);
        visitor.EndArray();
        if (Pstore.IsPstoreRecord(record)) DescribePstore(record, offset, visitor);
        visitor.EndObject();
    }

    private static void DescribePstore(ReadOnlySpan<byte> record, long offset, StructureVisitor visitor)
    {
        var inv = CultureInfo.InvariantCulture;
        visitor.BeginObject("pstore", "Linux pstore", offset, record.Length);
        ulong seconds = Pstore.RawTimestampSeconds(record);
        var time = Pstore.Timestamp(record);
        visitor.Info("timestamp", "Timestamp (time_t)", time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", inv) : null);
        visitor.Info("timestampSeconds", "Timestamp seconds", string.Create(inv, $"{seconds} (seconds since 1970: Linux writes time_t here, not the UEFI timestamp format the header's decoding above assumes)"));
        ulong id = BinaryPrimitives.ReadUInt64LittleEndian(record[96..]);
        visitor.Info("recordIdParts", "Record id", string.Create(inv, $"0x{id:X16} = (seconds {id >> 32} << 32) + {id & 0xFFFFFFFF}"));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(record[10..]);
        visitor.BeginArray("sections", "Sections", offset + 128, (long)count * 72);
        for (int i = 0; i < count; i++)
        {
            long d = 128L + i * 72L;
            if (d + 72 > record.Length) break;
            var desc = record.Slice((int)d, 72);
            uint so = BinaryPrimitives.ReadUInt32LittleEndian(desc), sl = BinaryPrimitives.ReadUInt32LittleEndian(desc[4..]);
            var kind = Pstore.KindOf(new Guid(desc.Slice(16, 16)));
            if (kind == PstoreSectionKind.None) continue;
            visitor.BeginObject(null, $"Section {i}: {(kind switch { PstoreSectionKind.DmesgCompressed => "DMESG_Z", PstoreSectionKind.Dmesg => "DMESG", _ => "MCE" })}", offset + so, sl);
            visitor.Info("kind", "Kind", kind switch
            {
                PstoreSectionKind.DmesgCompressed => "DMESG_Z: kernel log, raw deflate",
                PstoreSectionKind.Dmesg => "DMESG: kernel log, plain text",
                _ => "MCE: the kernel's struct mce (x86)",
            });
            if ((ulong)so + sl > (ulong)record.Length)
            {
                visitor.Error(ApeiContentException.Truncated(string.Create(inv, $"pstore section {i}"), offset + so, sl, Math.Max(0, record.Length - (long)so)));
                visitor.EndObject();
                continue;
            }
            var body = record.Slice((int)so, (int)sl);
            if (kind == PstoreSectionKind.Mce)
            {
                visitor.BeginObject("mce", "struct mce", offset + so, body.Length);
                Pstore.Mce.Describe(body, offset + so, visitor);
                visitor.EndObject();
                if (body.Length > Pstore.Mce.Size) visitor.Data("trailingBytes", "Bytes after struct mce", offset + so + Pstore.Mce.Size, body[Pstore.Mce.Size..]);
                visitor.EndObject();
                continue;
            }
            byte[] log;
            if (kind == PstoreSectionKind.DmesgCompressed)
            {
                try
                {
                    log = Pstore.Inflate(body, out bool truncated);
                    visitor.Info("compressedLength", "Compressed length", sl);
                    visitor.Info("inflatedLength", "Inflated length", log.Length);
                    if (truncated) visitor.Info("inflateNote", "Note", string.Create(inv, $"inflated text stops at the {Pstore.InflateLimit(body.Length)}-byte limit (32 × the compressed length + 64 KiB)"));
                }
                catch (InvalidDataException e)
                {
                    visitor.Error(ApeiContentException.Invalid(string.Create(inv, $"pstore section {i}"), "body", offset + so, "a raw deflate stream", e.Message));
                    visitor.EndObject();
                    continue;
                }
            }
            else
            {
                log = body.ToArray();
            }
            string text = Pstore.Text(log);
            if (Pstore.ParseHeader(text) is { } h)
            {
                visitor.BeginObject("dumpHeader", "Dump header", offset + so, 0);
                visitor.Info("reason", "Reason", h.Reason);
                visitor.Info("count", "Count", h.Count);
                visitor.Info("part", "Part", h.Part);
                visitor.EndObject();
            }
            visitor.Info("text", "Text", text);
            visitor.EndObject();
        }
        visitor.EndArray();
        visitor.EndObject();
    }
}
