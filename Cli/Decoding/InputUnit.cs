namespace ApeiKit.Cli;

/// <summary>What a piece of an input is.</summary>
internal enum UnitKind
{
    /// <summary>A BERT table, with its boot error region when the input holds it (see <see cref="GhesInput"/>).</summary>
    BertTable,
    /// <summary>A bare Generic Error Status Block (see <see cref="GhesInput"/>).</summary>
    ErrorStatusBlock,
    /// <summary>An ACPI table (HEST decoded; others listed by header). See <see cref="TableInput"/>.</summary>
    AcpiTable,
    /// <summary>One GHES/GHESv2 source of a HEST with its registers and block in an error-status region (see <see cref="RegionInput"/>).</summary>
    GhesRegionSource,
}

/// <summary>One decodable piece of an input file: a record, a table, a block.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Offset">Offset in the decoded input bytes.</param>
/// <param name="Length">Length in bytes.</param>
/// <param name="Label">Human label, e.g. "CPER record #2".</param>
internal sealed record InputUnit(UnitKind Kind, int Offset, int Length, string Label)
{
    /// <summary>What a unit's describer needs beyond offset and length (e.g. <see cref="BertUnitDetail"/>), or null.</summary>
    public object? Detail { get; init; }
}

