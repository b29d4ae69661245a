using System.Text;
using ApeiKit.Cper;
using ApeiKit.Ghes;

namespace ApeiKit.Cli;

/// <summary>Where a BERT unit's region starts in the loaded bytes, which offset to show for it, or why it is missing.</summary>
/// <param name="RegionStart">Index of the region in the loaded bytes (= unit end when there is none).</param>
/// <param name="RegionDisplayOffset">Offset shown for the region's first byte (0 when it came from its own file).</param>
/// <param name="TableDisplayOffset">Offset shown for the table's first byte.</param>
/// <param name="RegionNote">Shown when there is no region.</param>
internal sealed record BertUnitDetail(int RegionStart, long RegionDisplayOffset, long TableDisplayOffset, string? RegionNote);

/// <summary>
/// Recognises BERT tables (alone, followed by their region, as the Linux sysfs pair, in acpidump text) and bare
/// Generic Error Status Blocks in <c>apeikit decode</c> input, and describes them.
/// </summary>
internal static class GhesInput
{
    /// <summary>A loaded input: display name, the bytes units point into, the units.</summary>
    public sealed record Loaded(string Name, byte[] Bytes, List<InputUnit> Units);

    /// <summary>Splits <paramref name="bytes"/> when it is a BERT (with or without its region) or (plausibly or by request) an error status block; null otherwise. acpidump text is <see cref="TableInput"/>'s.</summary>
    public static Loaded? TryLoad(string name, byte[] bytes, bool forceGesb)
    {
        if (forceGesb) return new(name, bytes, [new InputUnit(UnitKind.ErrorStatusBlock, 0, bytes.Length, "Generic Error Status Block")]);
        if (GhesInputDetection.TrySplitBert(bytes, out int tableLength))
        {
            bool hasRegion = bytes.Length > tableLength;
            string? note = hasRegion ? null : "not in this file (give it with --bert-region, e.g. /sys/firmware/acpi/tables/data/BERT)";
            return new(name, bytes, [new InputUnit(UnitKind.BertTable, 0, bytes.Length, hasRegion ? "BERT and boot error region" : "BERT")
                { Detail = new BertUnitDetail(tableLength, tableLength, 0, note) }]);
        }
        if (GhesInputDetection.LooksLikeErrorStatusBlock(bytes)) return new(name, bytes, [new InputUnit(UnitKind.ErrorStatusBlock, 0, bytes.Length, "Generic Error Status Block")]);
        return null;
    }

    /// <summary>The Linux sysfs pair: the BERT table file and its region file (<c>tables/BERT</c>, <c>tables/data/BERT</c>).</summary>
    public static Loaded LoadPair(string tablePath, byte[] table, string? regionPath, byte[] region)
    {
        var bytes = new byte[table.Length + region.Length];
        table.CopyTo(bytes, 0);
        region.CopyTo(bytes, table.Length);
        string name = regionPath is null ? tablePath : $"{tablePath} + {regionPath}";
        return new(name, bytes, [new InputUnit(UnitKind.BertTable, 0, bytes.Length, region.Length > 0 ? "BERT and boot error region" : "BERT")
            { Detail = new BertUnitDetail(table.Length, 0, 0, region.Length > 0 ? null : "not at hand") }]);
    }

    /// <summary>Describes a BERT or error status block unit; false for other kinds.</summary>
    public static bool TryDescribe(byte[] bytes, InputUnit unit, StructureVisitor visitor, CperDecodeOptions? options = null)
    {
        switch (unit.Kind)
        {
            case UnitKind.ErrorStatusBlock:
                ErrorStatusBlockDescriber.Describe(bytes.AsSpan(unit.Offset, unit.Length), unit.Offset, visitor, unit.Label, options: options);
                return true;
            case UnitKind.BertTable:
            {
                var d = unit.Detail as BertUnitDetail ?? new BertUnitDetail(unit.Offset + Math.Min(unit.Length, BertTable.Size), unit.Offset + BertTable.Size, unit.Offset, null);
                var table = bytes.AsSpan(unit.Offset, d.RegionStart - unit.Offset);
                var region = bytes.AsSpan(d.RegionStart, unit.Offset + unit.Length - d.RegionStart);
                // No catch: the describer reports a bad table (and shows its bytes) inside its own object; a catch opening
                // a second object after it had opened its own wrote "{ { ... } }".
                BertDescriber.Describe(table, d.TableDisplayOffset, region, d.RegionDisplayOffset, visitor, unit.Label, d.RegionNote, options);
                return true;
            }
            default:
                return false;
        }
    }

    /// <summary>Decodes a GESB/BERT input's blocks to models, for <c>convert</c>; null when the input is none of them.</summary>
    /// <exception cref="ApeiContentException">A block is malformed.</exception>
    public static List<ErrorStatusBlock>? DecodeBlocks(Loaded loaded, out bool fromBert)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        fromBert = false;
        var blocks = new List<ErrorStatusBlock>();
        foreach (var unit in loaded.Units)
        {
            if (unit.Kind == UnitKind.ErrorStatusBlock)
            {
                var span = loaded.Bytes.AsSpan(unit.Offset, unit.Length);
                GhesBlockValidator.Validate(span).ThrowIfInvalid();
                var block = ErrorStatusBlock.Decode(span, out _, unit.Offset);
                if (block.Entries.Count > 0) blocks.Add(block);
            }
            else if (unit.Kind == UnitKind.BertTable && unit.Detail is BertUnitDetail d)
            {
                fromBert = true;
                int end = unit.Offset + unit.Length;
                blocks.AddRange(GhesInputDetection.DecodeBertRegion(loaded.Bytes.AsSpan(unit.Offset), loaded.Bytes.AsSpan(d.RegionStart, end - d.RegionStart), d.RegionDisplayOffset).Blocks);
            }
            else return null;
        }
        return blocks;
    }

    /// <summary>The notification type for records converted from this input.</summary>
    public static Guid NotificationFor(bool fromBert) => fromBert ? CperGuids.NotifyBoot : Guid.Empty;
}
