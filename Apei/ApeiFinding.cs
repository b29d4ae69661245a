namespace ApeiKit;

/// <summary>How serious a finding of a validator is, in ascending order (so findings sort and compare by it).</summary>
public enum FindingSeverity
{
    /// <summary>A state worth knowing, not a fault (an empty error status block).</summary>
    Info,
    /// <summary>Legal but suspicious, against the specification in a way consumers tolerate, or something a firmware
    /// still has to fill in.</summary>
    Warning,
    /// <summary>Against the specification, or something the OS (Linux, Windows) refuses or misreads.</summary>
    Error,
}

/// <summary>
/// One problem a validator found in a table, block or region (HEST, ERST, EINJ: <c>HestFinding</c>; error status blocks
/// and BERT: <c>GhesFinding</c>): how serious, where (absolute offset, structure, field) and what. The one diagnostic
/// shape of the libraries, so tools list and filter findings of every table the same way; each kind adds its own
/// detail (a rule name, expected and found values).
/// </summary>
/// <param name="Severity">How serious.</param>
/// <param name="Offset">Byte offset of the field at fault (absolute in the input where the validator knows it).</param>
/// <param name="Structure">The structure ("HEST header", "error source #2 (GHESv2, source ID 1)", "Generic Error Status Block").</param>
/// <param name="Field">The field's JSON name, or null for the whole structure.</param>
public abstract record ApeiFinding(FindingSeverity Severity, long Offset, string Structure, string? Field)
{
    /// <summary>What is wrong, in a sentence (without the place).</summary>
    public abstract string Message { get; }
}
