namespace ApeiKit.Tests;

/// <summary>
/// What a processor section view (ARM, UEFI 2.10 N.2.4.4; IA32/X64, N.2.4.2) walked in some bytes: whether it read them,
/// its error information structures, whether its context walk reached a structure and ended at the last one counted, and
/// the bytes it claimed after the contexts (ARM vendor-specific information, IA32/X64 trailing bytes). The views are
/// distinct ref struct types, so each test reads its own view into this and one assertion serves both.
/// </summary>
internal readonly record struct ProcessorWalk(bool Read, int ErrorInfo, bool AnyContext, bool ContextsComplete, int After)
{
    /// <summary>Reads <paramref name="body"/> with one processor section view into its walk.</summary>
    public delegate ProcessorWalk Reader(ReadOnlySpan<byte> body);

    /// <summary>
    /// The cuts a view must survive as its describer does: <paramref name="overrun"/> (a one-entry, one-context section whose
    /// register array size runs past the section) walks the entry and no context, the context walk incomplete and nothing
    /// claimed after it; <paramref name="body"/> cut to 20 bytes (shorter than the header) reads as no entries, contexts or
    /// bytes after them, without an exception; cut to 3 bytes it is not read.
    /// </summary>
    public static void AssertCutWalksStop(Reader read, byte[] overrun, byte[] body)
    {
        Assert.Equal(new ProcessorWalk(true, 1, false, false, 0), read(overrun));
        var header = read(body.AsSpan(0, 20));
        Assert.Equal((true, 0, false, 0), (header.Read, header.ErrorInfo, header.AnyContext, header.After));
        Assert.False(read(body.AsSpan(0, 3)).Read);
    }
}
