using System.Buffers.Binary;
using ApeiKit.Cper;

namespace ApeiKit.Ghes;

/// <summary>Walks a BERT and, when at hand, its boot error region for rendering.</summary>
public static class BertDescriber
{
    /// <summary>Describes the table and its region.</summary>
    /// <param name="table">The table bytes (48 or more; only the first 48 are the table).</param>
    /// <param name="tableOffset">Absolute offset of the table in the input.</param>
    /// <param name="region">The region bytes, or empty when the region is not at hand.</param>
    /// <param name="regionOffset">Absolute offset of the region in the input.</param>
    /// <param name="visitor">Receives the walk.</param>
    /// <param name="label">Label of the root object.</param>
    /// <param name="regionNote">Shown instead of the region when it is empty (e.g. "not in an acpidump").</param>
    /// <param name="options">The section codecs (vendor codecs added), limits and ARM error-type reading for the blocks' entries; null: <see cref="CperDecodeOptions.Default"/>.</param>
    /// <returns>All findings (errors were reported to the visitor as errors, warnings under "warnings").</returns>
    public static List<GhesFinding> Describe(ReadOnlySpan<byte> table, long tableOffset, ReadOnlySpan<byte> region, long regionOffset,
        StructureVisitor visitor, string label, string? regionNote = null, CperDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        var findings = new List<GhesFinding>();
        visitor.BeginObject(null, label, tableOffset, table.Length + (long)region.Length);
        // A table cut short or with a header no BERT has (Signature, Length below 48: ACPI 6.5 Table 18.2) is reported,
        // and its bytes (and the region's) shown with their range, inside this one object: nothing is thrown once it is open.
        if (BertValidator.HeaderFinding(table, tableOffset, out var t, out var headerError) is { } headerFinding)
        {
            findings.Add(headerFinding);
            visitor.Error(headerError);
            if (!table.IsEmpty) visitor.Data("bytes", "BERT bytes (not decoded)", tableOffset, table);
            if (!region.IsEmpty) visitor.Data("bootErrorRegionBytes", "Boot error region bytes (not decoded: the BERT cannot be read)", regionOffset, region);
            else visitor.Info("bootErrorRegion", "Boot error region", regionNote ?? "not at hand"); // as a good header says it (e.g. not in an acpidump)
            visitor.EndObject();
            return findings;
        }
        visitor.BeginObject("table", "BERT table", tableOffset, BertTable.Size);
        visitor.BeginObject("header", "Table header", tableOffset, AcpiTableHeader.Size);
        AcpiTableHeader.Layout.Describe(t.Bytes[..AcpiTableHeader.Size], tableOffset, visitor);
        visitor.EndObject();
        BertTable.Layout.Describe(t.Bytes, tableOffset, visitor);
        visitor.EndObject();
        // A Length past the 48 bytes the BERT defines (ACPI 6.5 Table 18.2): the bytes up to it are the table's, shown;
        // bytes after Length (a Length warning from the validator) are not the table's, shown as such.
        int end = (int)Math.Min(Math.Max(t.Header.Length, (uint)BertTable.Size), (uint)table.Length);
        if (end > BertTable.Size)
            visitor.Data("tableTrailingBytes", "Table bytes after the 48-byte BERT (within its Length)", tableOffset + BertTable.Size, table[BertTable.Size..end]);
        if (table.Length > end)
            visitor.Data("bytesAfterLength", "Bytes after the table's Length (not the table's)", tableOffset + end, table[end..]);

        var tableFindings = BertValidator.Validate(table, default, tableOffset);
        findings.AddRange(tableFindings);
        if (region.IsEmpty)
        {
            visitor.Info("bootErrorRegion", "Boot error region", regionNote ?? "not at hand");
            Report(findings, visitor);
            visitor.EndObject();
            return findings;
        }
        uint length = t.RegionLength;
        if (region.Length < length)
            findings.Add(new(GhesFindingKind.RegionTruncated, FindingSeverity.Error, "BERT", "BootErrorRegionLength", tableOffset + BertTable.RegionLengthOffset,
                $"at most the {region.Length} region bytes present", length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var r = region[..(int)Math.Min(length, (uint)region.Length)];
        visitor.BeginArray("bootErrorRegion", "Boot error region", regionOffset, r.Length);
        int pos = 0, index = 0;
        while (r.Length - pos >= GenericErrorStatus.BlockHeaderSize)
        {
            bool empty = ErrorStatusBlockHeaderView.Of(r[pos..]).BlockStatus == 0;
            if (empty && index > 0) break; // Linux: no more error records
            bool cut = false;
            int extent = empty ? r.Length - pos : BootErrorRegion.BlockExtent(r, pos, out cut);
            if (cut)
            {
                // Cut short where the next block starts: described as far as it goes, then the walk goes on with that block.
                var finding = BertValidator.CutShort(r, pos, extent, regionOffset);
                findings.Add(finding);
                ErrorStatusBlockDescriber.Describe(r.Slice(pos, extent), regionOffset + pos, visitor, $"Error status block {index} (cut short)", (ulong)extent, options);
                pos += extent;
                index++;
                continue;
            }
            var result = ErrorStatusBlockDescriber.Describe(r[pos..], regionOffset + pos, visitor, $"Error status block {index}", (ulong)(r.Length - pos), options);
            findings.AddRange(result.Findings.Where(f => f.Severity != FindingSeverity.Info));
            if (empty || !result.IsValid) break;
            pos += (int)result.BlockLength;
            index++;
        }
        visitor.EndArray();
        // After the array, not inside it: an array holds blocks only (a named member there is invalid JSON).
        // A region shorter than one block header (20 bytes, ACPI 6.5 Table 18.11) holds no block: reported and shown.
        GhesFinding? tooShort = BertValidator.RegionTooShort(r, regionOffset);
        if (tooShort is not null)
        {
            findings.Add(tooShort);
            visitor.Data("regionBytes", "Boot error region bytes (too short for a block header)", regionOffset, r);
        }
        if (index > 0 && r.Length - pos > 0)
        {
            var tail = r[pos..];
            if (tail.ContainsAnyExcept((byte)0)) visitor.Data("trailingBytes", "Bytes after the last block", regionOffset + pos, tail);
        }
        // Input past Boot Error Region Length (ACPI 6.5 Table 18.2) is not the region's, but it was given: shown, not only counted.
        if (region.Length > r.Length)
            visitor.Data("bytesAfterRegion", "Bytes after the region (past BootErrorRegionLength)", regionOffset + r.Length, region[r.Length..]);
        Report(tableFindings.Concat(findings.Where(f => f.Kind == GhesFindingKind.RegionTruncated || ReferenceEquals(f, tooShort))).ToList(), visitor);
        visitor.EndObject();
        return findings;
    }

    private static void Report(List<GhesFinding> findings, StructureVisitor visitor)
    {
        var r = new GhesValidationResult();
        r.Findings.AddRange(findings);
        ErrorStatusBlockDescriber.ReportFindings(r, visitor);
    }
}
