namespace ApeiKit.Cper;

/// <summary>
/// What steers decoding and describing CPER content, passed explicitly as the last parameter of the decode and describe
/// calls that need it (docs/DESIGN.md, "Decode contract"): the resource limits, the section codecs (vendor codecs
/// added) and the reading of ARM error-information Type bytes. There is no ambient setting: a call without options uses
/// <see cref="Default"/>, whatever thread or async flow it runs on, so worker threads get the options they are handed.
/// </summary>
public sealed record CperDecodeOptions
{
    private readonly DecoderLimits _limits = DecoderLimits.Default;
    private readonly CperSectionRegistry _sections = CperSectionRegistry.Default;

    /// <summary>The defaults: <see cref="DecoderLimits.Default"/>, <see cref="CperSectionRegistry.Default"/>, <see cref="ArmErrorTypeMode.BitFlags"/>.</summary>
    public static CperDecodeOptions Default { get; } = new();

    /// <summary>The limits checked before a size or count read from the input is trusted (default <see cref="DecoderLimits.Default"/>).</summary>
    public DecoderLimits Limits
    {
        get => _limits;
        init => _limits = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The section codecs bodies are described and decoded with, and named by (default <see cref="CperSectionRegistry.Default"/>).</summary>
    public CperSectionRegistry Sections
    {
        get => _sections;
        init => _sections = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>How the Type byte of ARM error information is read (UEFI 2.10 N.2.4.4; default <see cref="ArmErrorTypeMode.BitFlags"/>, as Linux 6.x).</summary>
    public ArmErrorTypeMode ArmErrorTypes { get; init; } = ArmErrorTypeMode.BitFlags;
}
