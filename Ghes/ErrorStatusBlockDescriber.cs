using System.Buffers.Binary;
using System.Globalization;
using ApeiKit.Cper;

namespace ApeiKit.Ghes;

/// <summary>
/// Walks a Generic Error Status Block for rendering (text, JSON, layout) straight from the input: header, each
/// entry's header and CPER section body, raw data, then the consumer-check findings. Structural faults stop the
/// walk at the fault (nothing past the block is read); a section body its codec rejects is reported in place
/// and the walk goes on with the next entry.
/// </summary>
public static class ErrorStatusBlockDescriber
{
    /// <summary>Describes the block at the start of <paramref name="source"/>.</summary>
    /// <param name="source">The block's bytes (may hold more after it).</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> in the input.</param>
    /// <param name="visitor">Receives the walk.</param>
    /// <param name="label">Label of the block object.</param>
    /// <param name="errorStatusBlockLength">The source's ErrorStatusBlockLength (or BERT region length), or null.</param>
    /// <param name="options">The section codecs (vendor codecs added), limits and ARM error-type reading; null: <see cref="CperDecodeOptions.Default"/>.</param>
    /// <returns>The validation result (errors are also reported to the visitor; warnings appear under "warnings").</returns>
    public static GhesValidationResult Describe(ReadOnlySpan<byte> source, long baseOffset, StructureVisitor visitor, string label, ulong? errorStatusBlockLength = null, CperDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        options ??= CperDecodeOptions.Default;
        var registry = options.Sections;
        var result = GhesBlockValidator.Validate(source, errorStatusBlockLength, baseOffset);
        long shown = source.Length < GenericErrorStatus.BlockHeaderSize ? source.Length : (long)Math.Min(result.BlockLength, (ulong)source.Length);
        visitor.BeginObject(null, label, baseOffset, Math.Max(shown, 0));
        if (source.Length < GenericErrorStatus.BlockHeaderSize)
        {
            ReportFindings(result, visitor);
            visitor.EndObject();
            return result;
        }
        visitor.BeginObject("header", "Block header", baseOffset, GenericErrorStatus.BlockHeaderSize);
        GenericErrorStatus.BlockLayout.Describe(source[..GenericErrorStatus.BlockHeaderSize], baseOffset, visitor);
        visitor.EndObject();
        if (result.IsEmpty)
        {
            visitor.Info("state", "State", "empty (block status is 0: no error recorded)");
            ReportFindings(result, visitor);
            visitor.EndObject();
            return result;
        }

        ulong limit = errorStatusBlockLength is { } l ? Math.Min(l, (ulong)source.Length) : (ulong)source.Length;
        var blockHeader = ErrorStatusBlockHeaderView.Of(source);
        uint dataLength = blockHeader.DataLength;
        ulong dataEnd = GenericErrorStatus.BlockHeaderSize + (ulong)dataLength;
        // Walk what lies inside the limit even when Data Length overshoots it, so the good entries still show.
        int walkEnd = (int)Math.Min(dataEnd, limit);
        var data = source[GenericErrorStatus.BlockHeaderSize..walkEnd];
        visitor.BeginArray("entries", "Entries", baseOffset + GenericErrorStatus.BlockHeaderSize, data.Length);
        int pos = 0, index = 0;
        while (pos < data.Length)
        {
            int remaining = data.Length - pos;
            if (remaining < GenericErrorStatus.EntryHeaderSize) break;
            var entry = ErrorDataEntryHeaderView.Of(data[pos..]);
            int header = entry.HeaderSize;
            if (header > remaining) break;
            uint length = entry.ErrorDataLength;
            long at = baseOffset + GenericErrorStatus.BlockHeaderSize + pos;
            var type = entry.SectionType;
            string? known = registry.NameOf(type);
            string name = known ?? "Unknown section";
            bool bodyFits = length <= (uint)(remaining - header);
            long entryLength = bodyFits ? header + (long)length : header;
            visitor.BeginObject(null, $"Entry {index}: {name}", at, entryLength);
            visitor.BeginObject("entryHeader", "Entry header", at, header);
            registry.WithSectionTypeNames(GenericErrorStatus.EntryLayout).Describe(data.Slice(pos, header), at, visitor);
            visitor.JsonOnly("sectionName", known);
            visitor.EndObject();
            if (!bodyFits)
            {
                visitor.EndObject();
                break; // reported with the findings
            }
            var body = data.Slice(pos + header, (int)length);
            visitor.BeginObject("body", name, at + header, length);
            try
            {
                registry.DescribeBody(type, body, at + header, visitor, options);
            }
            catch (ApeiContentException e)
            {
                visitor.Error(e);
            }
            visitor.EndObject();
            visitor.EndObject();
            pos += header + (int)length;
            index++;
        }
        visitor.EndArray();

        uint rawOffset = blockHeader.RawDataOffset;
        uint rawLength = blockHeader.RawDataLength;
        if (rawLength != 0 && (ulong)rawOffset + rawLength <= limit)
            visitor.Data("rawData", "Raw data", baseOffset + rawOffset, source.Slice((int)rawOffset, (int)rawLength));
        ReportFindings(result, visitor);
        visitor.EndObject();
        return result;
    }

    /// <summary>Reports errors as an "errors" array and warnings as a "warnings" array (warnings are not content errors).</summary>
    public static void ReportFindings(GhesValidationResult result, StructureVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(visitor);
        var warnings = result.Findings.FindAll(f => f.Severity == FindingSeverity.Warning);
        var errors = result.Findings.FindAll(f => f.Severity == FindingSeverity.Error);
        if (warnings.Count > 0)
        {
            visitor.BeginArray("warnings", "Warnings", warnings[0].Offset, 0);
            foreach (var w in warnings)
            {
                visitor.BeginObject(null, "Warning: " + Describe(w), w.Offset, w.Field == "Checksum" ? 1 : 4);
                visitor.JsonOnly("message", w.ToException().Message);
                visitor.JsonOnly("kind", w.Kind.ToString());
                visitor.JsonOnly("structure", w.Structure);
                visitor.JsonOnly("field", w.Field);
                visitor.JsonOnly("offset", w.Offset.ToString(CultureInfo.InvariantCulture)); // a string: the visitor has no JSON-only number
                visitor.JsonOnly("expected", w.Expected);
                visitor.JsonOnly("found", w.Found);
                visitor.EndObject();
            }
            visitor.EndArray();
        }
        if (errors.Count > 0)
        {
            visitor.BeginArray("errors", "Errors", errors[0].Offset, 0);
            foreach (var e in errors) visitor.Error(e.ToException());
            visitor.EndArray();
        }
    }

    private static string Describe(GhesFinding f) => f.Kind switch
    {
        GhesFindingKind.EntryCountMismatch => $"block status says {f.Found} entries, the data holds {f.Expected?.Split(' ')[0]} (Linux ignores the count)",
        _ => $"{f.Structure}{(f.Field is null ? "" : ", " + f.Field)}: expected {f.Expected}, found {f.Found}",
    };
}
