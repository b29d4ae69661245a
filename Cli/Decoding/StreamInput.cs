using ApeiKit.Cper;

namespace ApeiKit.Cli;

/// <summary>
/// The record size limit of the commands that read records (<c>decode</c>, <c>stats</c>, <c>convert</c>): one option,
/// one default (<see cref="DecoderLimits.DefaultMaxRecordSize"/>, the library's), one hard cap, applied both to framing
/// (<see cref="Cper.Streaming.CperStreamReaderOptions.MaxRecordSize"/>) and to the decoders (<see cref="DecoderLimits"/>).
/// </summary>
internal static class StreamInput
{
    /// <summary>The default record size limit.</summary>
    public const long MaxRecordSize = DecoderLimits.DefaultMaxRecordSize;

    /// <summary>The largest value <c>--max-record-size</c> takes: records are held whole in memory while they are described.</summary>
    public const long HardCap = 64L << 20;

    /// <summary>The <c>--max-record-size</c> option of <c>decode</c> and <c>stats</c>.</summary>
    public static System.CommandLine.Option<string> MaxRecordSizeOption() => new("--max-record-size")
    {
        Description = "The record size limit (default 1MiB, at most 64MiB): a record whose header declares more is reported as oversized and its bytes skipped unread.",
        DefaultValueFactory = _ => "1MiB",
    };

    /// <summary>Parses the <c>--max-record-size</c> value (at least one 128-byte header, at most <see cref="HardCap"/>).</summary>
    /// <exception cref="CliUsageException">Outside that range, or not a size.</exception>
    public static long ParseMaxRecordSize(string text)
    {
        const string Range = "from 128 bytes (one record header) to 64MiB (the hard cap: records are held whole in memory)";
        long size = CliText.ParseSize(text, "--max-record-size", Range);
        if (size < Cper.CperRecordHeader.Size || size > HardCap)
            throw new CliUsageException($"--max-record-size: '{CliText.Cut(CliText.Clean(text))}' is outside the range it takes: {Range}.");
        return size;
    }

    /// <summary>
    /// The decode options for a command's flags: the record size limit <paramref name="maxRecordSize"/> (the other limits
    /// at their defaults) and the ARM error-type reading. Passed explicitly to every decode and to every worker.
    /// </summary>
    public static CperDecodeOptions DecodeOptions(long maxRecordSize = MaxRecordSize, ArmErrorTypeMode armErrorTypes = ArmErrorTypeMode.BitFlags)
        => maxRecordSize == MaxRecordSize && armErrorTypes == ArmErrorTypeMode.BitFlags ? CperDecodeOptions.Default
            : new() { Limits = DecoderLimits.Default with { MaxRecordSize = checked((int)maxRecordSize) }, ArmErrorTypes = armErrorTypes };
}
