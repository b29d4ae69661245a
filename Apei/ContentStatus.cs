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
}
