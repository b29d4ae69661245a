namespace ApeiKit;

/// <summary>
/// Resource limits the decoders enforce before they trust a size or count read from the input. The defaults are far
/// above anything real firmware writes and far below what a random or hostile value reaches, so a count above a limit
/// is reported as an <see cref="ApeiContentException"/> whose Expected names the limit (e.g.
/// "at most 1024 (DecoderLimits.MaxSectionsPerRecord)"). The limits in force are <see cref="Current"/>:
/// <see cref="Default"/> unless a caller has set others for its flow with <see cref="Use"/>.
/// </summary>
public sealed record DecoderLimits
{
    /// <summary>The default limits.</summary>
    public static DecoderLimits Default { get; } = new();

    private static readonly AsyncLocal<DecoderLimits?> s_current = new();

    /// <summary>The limits in force for the calling thread / async flow.</summary>
    public static DecoderLimits Current => s_current.Value ?? Default;

    /// <summary>Sets <paramref name="limits"/> for the calling flow until the returned scope is disposed.</summary>
    public static IDisposable Use(DecoderLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var previous = s_current.Value;
        s_current.Value = limits;
        return new Scope(previous);
    }

    /// <summary>Largest CPER RecordLength accepted (bytes). Default 4 MiB (real records are a few KiB; crash logs tens of KiB).</summary>
    public int MaxRecordSize { get; init; } = 4 * 1024 * 1024;

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

    /// <summary>The Expected text of the exception for an exceeded limit: "at most N (DecoderLimits.Name)".</summary>
    public static string Describe(long limit, string name) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"at most {limit} (DecoderLimits.{name})");

    private sealed class Scope(DecoderLimits? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            s_current.Value = previous;
        }
    }
}
