using ApeiKit.Cper;

namespace ApeiKit.Tests;

/// <summary>Holds a zero-copy view's walk to allocating nothing, over a fixture's first section body.</summary>
internal static class ViewWalk
{
    /// <summary>A walk over a section body that sums what it read (so nothing is optimised away).</summary>
    public delegate ulong Walk(ReadOnlySpan<byte> body);

    /// <summary>Runs <paramref name="walk"/> over the first section body of <paramref name="fixture"/> once to warm up, then 100 times: no byte allocated, and it read something.</summary>
    public static void AssertAllocatesNothing(string fixture, Walk walk)
    {
        var bytes = Fixtures.Binary(fixture);
        var record = CperRecordView.ReadPrefix(bytes, out _);
        var d = record.GetDescriptor(0);
        var body = bytes.AsSpan((int)d.SectionOffset, (int)d.SectionLength);
        ulong sum = walk(body); // warm up (JIT, statics)
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) sum += walk(body);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0UL, sum);
    }
}
