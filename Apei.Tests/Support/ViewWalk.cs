using ApeiKit.Cper;

namespace ApeiKit.Tests;

/// <summary>Holds a zero-copy read to allocating nothing: any read, or a view's walk over a fixture's first section body.</summary>
internal static class ViewWalk
{
    /// <summary>A walk over a section body that sums what it read (so nothing is optimised away).</summary>
    public delegate ulong Walk(ReadOnlySpan<byte> body);

    /// <summary>Runs <paramref name="walk"/> over the first section body of <paramref name="fixture"/> once to warm up, then 100 times: no byte allocated, and each walk read something.</summary>
    public static void AssertAllocatesNothing(string fixture, Walk walk)
    {
        var bytes = Fixtures.Binary(fixture);
        var record = CperRecordView.ReadPrefix(bytes, out _);
        var d = record.GetDescriptor(0);
        int offset = (int)d.SectionOffset, length = (int)d.SectionLength;
        AssertAllocatesNothing(() => walk(bytes.AsSpan(offset, length)), sum => sum != 0);
    }

    /// <summary>
    /// Runs <paramref name="read"/> once to warm up (JIT, statics), then 100 times: no byte allocated by those 100 reads,
    /// and <paramref name="isRight"/> holds for every value read (so the reads are not optimised away, and read what they should).
    /// </summary>
    public static void AssertAllocatesNothing<T>(Func<T> read, Func<T, bool> isRight)
    {
        Assert.True(isRight(read())); // warm up
        int right = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) right += isRight(read()) ? 1 : 0;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(100, right);
    }
}
