using System.Globalization;

namespace ApeiKit.Cper;

/// <summary>
/// Walks a CPER record for rendering, decoding what can be decoded and reporting the rest: a bad
/// section does not hide the good ones. Reads straight from the input (no model is built).
/// </summary>
public static class CperRecordDescriber
{
    // The member names written per record and per section, encoded once (JsonName: no name lookup per record).
    private static readonly JsonName s_header = new("header"), s_creatorName = new("creatorName"), s_notificationName = new("notificationName"),
        s_sections = new("sections"), s_descriptor = new("descriptor"), s_sectionName = new("sectionName"), s_body = new("body"), s_errors = new("errors"),
        s_gapBytes = new("gapBytes");
    /// <summary>The member a describer writes for bytes it could not decode (a count or length that does not fit, a body shorter than its fixed part); JSON input puts them back.</summary>
    internal const string UndecodedMember = "undecoded";
    /// <summary>The member for bytes after a structure's decoded parts (a record's last section, a section body's layout); JSON input puts them back.</summary>
    internal const string TrailingMember = "trailingBytes";

    /// <summary>
    /// Describes the record at the start of <paramref name="source"/> (which may hold more records after it).
    /// </summary>
    /// <param name="source">Bytes starting at the record.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> in the input.</param>
    /// <param name="visitor">Receives the walk.</param>
    /// <param name="label">Label of the record object (e.g. "CPER record #2").</param>
    /// <param name="bytesConsumed">Bytes the record occupies (RecordLength, or what was left when it is cut short).</param>
    /// <param name="options">The section codecs (vendor codecs added), limits and ARM error-type reading; null: <see cref="CperDecodeOptions.Default"/>.</param>
    /// <returns>Number of content errors reported.</returns>
    /// <exception cref="ApeiContentException">Only when not even a header with the CPER signature is there (nothing to describe).</exception>
    public static int Describe(ReadOnlySpan<byte> source, long baseOffset, StructureVisitor visitor, string label, out int bytesConsumed, CperDecodeOptions? options = null)
    {
        options ??= CperDecodeOptions.Default;
        var registry = options.Sections;
        var sectionTypes = registry.SectionLookup;
        var descriptorLayout = registry.WithSectionTypeNames(CperSectionDescriptor.Layout);
        var record = CperRecordView.ReadPrefix(source, out bytesConsumed, baseOffset, options);
        List<ApeiContentException>? errors = null; // record-level (made on the first); section errors are reported in place
        int sectionErrors = 0;
        var header = record.Header;
        visitor.PreferBinaryTimestamps = header.IsWheaCreator;
        visitor.BeginObject(null, label, baseOffset, record.Bytes.Length);

        visitor.BeginObject(s_header, "Record header", baseOffset, CperRecordHeader.Size);
        CperRecordHeader.Layout.Describe(header.Bytes, baseOffset, visitor);
        // One lookup per GUID, from its bytes (CperGuids.Find), yields its name encoded once: written without encoding or a
        // cache lookup. An unknown GUID gives the default JsonName, which the visitor writes as null.
        visitor.JsonOnly(s_creatorName, CperGuids.Find(header.CreatorIdBytes, CperGuidKind.Creator)?.Name ?? default);
        visitor.JsonOnly(s_notificationName, CperGuids.Find(header.NotificationTypeBytes, CperGuidKind.Notification)?.Name ?? default);
        visitor.EndObject();

        CperRecordChecks.Header(record, baseOffset, ref errors);

        int n = record.DescriptorCount;
        Span<int> overlaps = n <= 64 ? stackalloc int[n] : new int[n]; // as long as needed: a stackalloc is cleared
        record.FindOverlaps(overlaps);
        // The byte ranges the walk covers (header and descriptor table, then each body described), packed start << 32 | end:
        // what is left over is reported after the sections, so no byte of the record is lost (see DescribeUncovered).
        Span<long> covered = n <= 63 ? stackalloc long[n + 1] : new long[n + 1];
        int coveredCount = 0;
        covered[coveredCount++] = Math.Min(CperRecordView.DescriptorOffset(n), record.Bytes.Length);
        visitor.BeginArray(s_sections, "Sections", baseOffset + CperRecordHeader.Size, (long)n * CperSectionDescriptor.Size);
        for (int i = 0; i < n; i++)
        {
            var d = record.GetDescriptor(i);
            // One lookup per section, from the Section Type bytes: its codec (or none), its name encoded once and whether the codec is built in.
            var entry = sectionTypes.Find(d.SectionTypeBytes);
            var codec = entry?.Codec;
            var knownName = entry?.Name ?? default;
            string name = entry is not null ? knownName.Text : "Unknown section";
            long dOff = baseOffset + CperRecordView.DescriptorOffset(i);
            visitor.BeginObject(null, visitor.WantsLabels ? $"Section {i}: {name}" : name, dOff, CperSectionDescriptor.Size);
            visitor.BeginObject(s_descriptor, "Descriptor", dOff, CperSectionDescriptor.Size);
            descriptorLayout.Describe(d.Bytes, dOff, visitor);
            visitor.JsonOnly(s_sectionName, knownName); // default (null) when the GUID is unknown
            visitor.EndObject();
            if (CperRecordChecks.Descriptor(d, i, dOff) is { } invalid)
            {
                visitor.Error(invalid);
                sectionErrors++;
            }
            ReadOnlySpan<byte> body;
            try
            {
                body = record.GetSectionBody(i, baseOffset);
            }
            catch (ApeiContentException e)
            {
                visitor.Error(e);
                sectionErrors++;
                visitor.EndObject();
                continue;
            }
            if (overlaps[i] >= 0)
            {
                var e = new ApeiContentException($"CPER section descriptor #{i}", "SectionOffset", dOff,
                    "sections that do not overlap", $"bytes 0x{d.SectionOffset:X}..0x{d.SectionOffset + (ulong)d.SectionLength:X} shared with section #{overlaps[i]}");
                visitor.Error(e);
                sectionErrors++;
                visitor.EndObject();
                continue;
            }
            covered[coveredCount++] = ((long)d.SectionOffset << 32) | (d.SectionOffset + (long)body.Length);
            long bOff = baseOffset + d.SectionOffset;
            visitor.BeginObject(s_body, name, bOff, body.Length);
            try
            {
                // Describers report errors inside a body and go on; count those too.
                int before = visitor.ErrorsReported;
                if (codec is not null) CperSectionRegistry.DescribeWith(codec, entry!.BuiltIn, body, bOff, visitor, options); // vendor codecs contained
                else RawSectionBody.DescribeRaw(body, bOff, visitor);
                sectionErrors += visitor.ErrorsReported - before;
            }
            catch (ApeiContentException e)
            {
                visitor.Error(e);
                sectionErrors++;
                // The whole body found too short at its first byte (shorter than the section's fixed part, e.g. the ARM RAS
                // node of UEFI 2.10 N.2.4.6 or the IA32/X64 header of N.2.4.2): the describer threw before describing
                // anything, so the body's bytes are shown as they are and JSON input reads them back (CperJsonReader.ReadSection).
                if (e.Offset == bOff && e.Field is null && body.Length > 0 && e.Detail == "truncated")
                    visitor.Data(UndecodedMember, "Bytes not decoded (shorter than the section's fixed part)", bOff, body);
            }
            visitor.EndObject();
            visitor.EndObject();
        }
        visitor.EndArray();
        DescribeUncovered(record.Bytes, baseOffset, covered[..coveredCount], visitor);

        if (errors is not null)
        {
            visitor.BeginArray(s_errors, "Errors", baseOffset, record.Bytes.Length);
            foreach (var e in errors) visitor.Error(e);
            visitor.EndArray();
        }
        visitor.EndObject();
        return (errors?.Count ?? 0) + sectionErrors;
    }

    /// <summary>
    /// Reports the non-zero bytes of the record that neither the header, the descriptor table nor a described section
    /// covers: those after the last section as <c>trailingBytes</c>, those before it as <c>gapBytes</c> (each with its
    /// offset in the record). UEFI 2.10 N.2.1 defines Record Length as the size of the whole record, header, descriptors
    /// and sections, and N.2.2 places each section by Section Offset: it neither forbids space between or after the
    /// sections nor gives it a meaning, so such bytes are kept and shown, not reported as a problem. Zero runs are the
    /// padding RecordLength and the section offsets imply (encode writes zeros there) and are not listed.
    /// </summary>
    private static void DescribeUncovered(ReadOnlySpan<byte> bytes, long baseOffset, Span<long> covered, StructureVisitor visitor)
    {
        covered.Sort(); // in place, no allocation: start << 32 | end sorts by start
        // First pass: where the non-zero gaps start and end (the array's range); second: report them.
        int pos = 0, first = -1, last = 0;
        foreach (long c in covered)
        {
            int start = (int)(c >> 32), end = (int)c;
            if (start > pos && bytes[pos..start].ContainsAnyExcept((byte)0))
            {
                if (first < 0) first = pos;
                last = start;
            }
            pos = Math.Max(pos, end);
        }
        if (first >= 0) visitor.BeginArray(s_gapBytes, "Bytes no section covers", baseOffset + first, last - first);
        pos = 0;
        foreach (long c in covered)
        {
            int start = (int)(c >> 32), end = (int)c;
            if (first >= 0 && start > pos && bytes[pos..start].ContainsAnyExcept((byte)0))
            {
                visitor.BeginObject(null, "Gap", baseOffset + pos, start - pos);
                visitor.Info("offset", "Offset in the record", pos);
                visitor.Data("data", "Bytes", baseOffset + pos, bytes[pos..start]);
                visitor.EndObject();
            }
            pos = Math.Max(pos, end);
        }
        if (first >= 0) visitor.EndArray();
        if (pos < bytes.Length && bytes[pos..].ContainsAnyExcept((byte)0))
            visitor.Data(TrailingMember, "Bytes after the last section (within RecordLength)", baseOffset + pos, bytes[pos..]);
    }
}
