namespace ApeiKit;

/// <summary>
/// Resource limits the decoders enforce before they trust a size or count read from the input. The defaults are far
/// above anything real firmware writes and far below what a random or hostile value reaches, so a count above a limit
/// is reported as an <see cref="ApeiContentException"/> whose Expected names the limit in words (e.g.
/// "at most 1024 (the limit on sections per record)"). There is no ambient setting: the limits are passed to the decode
/// call that enforces them (in ApeiKit.Cper, <c>CperDecodeOptions.Limits</c>); <see cref="Default"/> when none are given.
/// </summary>
public sealed record DecoderLimits
{
    /// <summary>The default limits.</summary>
    public static DecoderLimits Default { get; } = new();

    /// <summary>The default record size limit, 1 MiB: the one default of every reader (this, the stream reader's options, the CLI's <c>--max-record-size</c>).</summary>
    public const int DefaultMaxRecordSize = 1 << 20;

    /// <summary>
    /// Largest CPER RecordLength accepted (bytes): "the record size limit" in every message. Default
    /// <see cref="DefaultMaxRecordSize"/> (real records are a few KiB; crash logs tens of KiB).
    /// </summary>
    public int MaxRecordSize { get; init; } = DefaultMaxRecordSize;

    /// <summary>Largest CPER SectionCount accepted. Default 1024 (real records carry a handful).</summary>
    public int MaxSectionsPerRecord { get; init; } = 1024;

    /// <summary>
    /// Largest number of error-information structures in one processor section: ARM ERR_INFO_NUM (UEFI N.2.4.4, a
    /// 16-bit count). The IA32/X64 counts (N.2.4.2, validation bits 2-7 and 8-13) are 6-bit fields, at most 63, so
    /// they never reach the default; their structures are still checked against the section length. Default 256.
    /// </summary>
    public int MaxErrorInformationEntries { get; init; } = 256;

    /// <summary>Largest number of processor context structures in one section (ARM CONTEXT_INFO_NUM). Default 256.</summary>
    public int MaxContextStructures { get; init; } = 256;

    /// <summary>The Expected text of the exception for an exceeded limit, in words: "at most N (the record size limit)".</summary>
    /// <param name="limit">The limit's value.</param>
    /// <param name="name">The property's name (<c>nameof(DecoderLimits.MaxRecordSize)</c> etc.).</param>
    public static string Describe(long limit, string name) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"at most {limit} ({LimitName(name)})");

    /// <summary>The words messages use for a limit: "the record size limit", "the limit on sections per record", ...</summary>
    public static string LimitName(string name) => name switch
    {
        nameof(MaxRecordSize) => "the record size limit",
        nameof(MaxSectionsPerRecord) => "the limit on sections per record",
        nameof(MaxErrorInformationEntries) => "the limit on error information structures per section",
        nameof(MaxContextStructures) => "the limit on context structures per section",
        _ => "a decoder limit",
    };
}
