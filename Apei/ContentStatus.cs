using System.Buffers;

namespace ApeiKit;

/// <summary>
/// The two faces of a reader that checks content (a table or block view's <c>TryRead</c>): the <see cref="OperationStatus"/>
/// overload that never throws and the <c>bool</c> overload that throws <see cref="ApeiContentException"/>. Each reader
/// writes one checking core that returns its content error (null when none) and says whether enough bytes were present;
/// these turn that one result into either face, so the two overloads cannot disagree and the non-throwing one does not
/// throw and catch on the way.
/// </summary>
public static class ContentStatus
{
    /// <summary>
    /// <see cref="OperationStatus.InvalidData"/> when <paramref name="error"/> is set, else <see cref="OperationStatus.Done"/>
    /// when <paramref name="complete"/>, else <see cref="OperationStatus.NeedMoreData"/>.
    /// </summary>
    /// <param name="error">The content error the core found, or null.</param>
    /// <param name="complete">True when the core had the bytes it needs (read the view), false when more must be read.</param>
    public static OperationStatus ToStatus(ApeiContentException? error, bool complete)
        => error is not null ? OperationStatus.InvalidData : complete ? OperationStatus.Done : OperationStatus.NeedMoreData;

    /// <summary>Throws <paramref name="error"/> when set; else returns <paramref name="complete"/> (false: too few bytes, read more).</summary>
    /// <param name="error">The content error the core found, or null.</param>
    /// <param name="complete">True when the core had the bytes it needs.</param>
    /// <exception cref="ApeiContentException"><paramref name="error"/>.</exception>
    public static bool ThrowIfInvalid(ApeiContentException? error, bool complete)
    {
        if (error is not null) throw error;
        return complete;
    }

    /// <summary>
    /// For a reader's throwing <c>Read</c>: returns when <paramref name="complete"/>; else throws <paramref name="error"/>, or
    /// when there is none (too few bytes) a truncation error for <paramref name="structure"/> at offset 0, either moved by
    /// <paramref name="baseOffset"/> (where the caller found the bytes in its input).
    /// </summary>
    /// <param name="error">The content error the core found (offsets from the start of the bytes read), or null.</param>
    /// <param name="complete">True when the core had the bytes it needs.</param>
    /// <param name="baseOffset">Absolute offset of the bytes read.</param>
    /// <param name="structure">Structure named when too few bytes were present.</param>
    /// <param name="needed">Bytes the core needs at the least.</param>
    /// <param name="available">Bytes present.</param>
    /// <exception cref="ApeiContentException">Not <paramref name="complete"/>.</exception>
    public static void ThrowUnlessComplete(ApeiContentException? error, bool complete, long baseOffset, string structure, long needed, long available)
    {
        if (complete) return;
        throw (error ?? ApeiContentException.Truncated(structure, 0, needed, available)).Rebase(baseOffset);
    }

    /// <summary>
    /// The strict face of a lenient decoder (one that collects content errors in a list and returns what it could read):
    /// runs <paramref name="decode"/> and throws the first error it collected, else returns its result.
    /// </summary>
    /// <typeparam name="T">What the decoder returns.</typeparam>
    /// <typeparam name="TOptions">The decoder's options.</typeparam>
    /// <param name="decode">The lenient decoder.</param>
    /// <param name="source">Bytes starting at the structure.</param>
    /// <param name="bytesConsumed">Bytes the structure occupies.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> (for error offsets).</param>
    /// <param name="options">Passed to <paramref name="decode"/>.</param>
    /// <exception cref="ApeiContentException">The first content error <paramref name="decode"/> collected or threw.</exception>
    public static T DecodeStrict<T, TOptions>(LenientDecoder<T, TOptions> decode, ReadOnlySpan<byte> source, out int bytesConsumed, long baseOffset, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(decode);
        var errors = new List<ApeiContentException>();
        var result = decode(source, out bytesConsumed, errors, baseOffset, options);
        if (errors.Count > 0) throw errors[0];
        return result;
    }
}

/// <summary>A lenient decoder: reads what it can of <paramref name="source"/>, adding each content error to <paramref name="errors"/>.</summary>
/// <typeparam name="T">What it returns.</typeparam>
/// <typeparam name="TOptions">Its options.</typeparam>
/// <param name="source">Bytes starting at the structure.</param>
/// <param name="bytesConsumed">Bytes the structure occupies.</param>
/// <param name="errors">Receives the content errors.</param>
/// <param name="baseOffset">Absolute offset of <paramref name="source"/>.</param>
/// <param name="options">The decoder's options.</param>
public delegate T LenientDecoder<T, TOptions>(ReadOnlySpan<byte> source, out int bytesConsumed, List<ApeiContentException> errors, long baseOffset, TOptions options);
