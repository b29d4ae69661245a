using System.Globalization;
using ApeiKit.Ghes;

namespace ApeiKit.Cli;

/// <summary>
/// Prints <see cref="LinuxConsumerLint"/>'s warnings for the commands that do not build guests (<c>decode</c>,
/// <c>hest check</c>, <c>convert</c>): on standard error, after the data, never changing the exit code.
/// </summary>
internal static class LinuxNotes
{
    /// <summary>Warnings for what <c>decode</c> read: BERT regions, error status blocks and HEST tables (the guest's architecture is not known, so architecture-specific rules are skipped).</summary>
    public static void ForDecode(CliContext context, IEnumerable<DecodeCommand.LoadedInput> inputs)
    {
        foreach (var input in inputs)
        {
            if (input.Units.Count == 0) continue;
            var warnings = new List<LinuxLintWarning>();
            try
            {
                if (input.Units.TrueForAll(u => u.Kind is UnitKind.BertTable or UnitKind.ErrorStatusBlock)
                    && GhesInput.DecodeBlocks(new GhesInput.Loaded(input.Name, input.Bytes, input.Units), out bool fromBert) is { } blocks)
                {
                    if (fromBert) warnings.AddRange(LinuxConsumerLint.CheckBertBlocks(blocks, GuestArchitecture.Unknown, i => $"BERT record {i + 1}"));
                    else for (int i = 0; i < blocks.Count; i++) warnings.AddRange(LinuxConsumerLint.CheckGhesBlock(blocks[i], GuestArchitecture.Unknown, $"block {i + 1}"));
                }
                foreach (var unit in input.Units)
                {
                    if (unit.Kind != UnitKind.AcpiTable || unit.Length < 4 || !input.Bytes.AsSpan(unit.Offset).StartsWith("HEST"u8)) continue;
                    warnings.AddRange(LinuxConsumerLint.CheckHest(input.Bytes.AsSpan(unit.Offset, unit.Length), GuestArchitecture.Unknown));
                }
            }
            catch (ApeiContentException)
            {
                // Malformed: decode has reported it where it is; nothing Linux-specific to add.
            }
            foreach (var w in warnings) context.Error.WriteLine($"apeikit: {CliText.Name(input.Name)}: warning: {w}");
        }
    }

    /// <summary>Counts warnings over many blocks and words them once per kind (convert over a large dump).</summary>
    public sealed class Tally
    {
        private readonly Dictionary<LinuxLintKind, (int Count, LinuxLintWarning First)> _byKind = [];

        public void Add(IEnumerable<LinuxLintWarning> warnings)
        {
            foreach (var w in warnings)
                _byKind[w.Kind] = _byKind.TryGetValue(w.Kind, out var e) ? (e.Count + 1, e.First) : (1, w);
        }

        public IEnumerable<string> Messages()
            => _byKind.OrderBy(k => k.Key).Select(k => k.Value.Count == 1
                ? $"warning: {k.Value.First}"
                : string.Create(CultureInfo.InvariantCulture, $"warning: {k.Value.Count} blocks, the first {k.Value.First}"));
    }
}
