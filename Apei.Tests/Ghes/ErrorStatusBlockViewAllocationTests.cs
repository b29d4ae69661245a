using ApeiKit.Ghes;

namespace ApeiKit.Tests.Ghes;

/// <summary>Walking an error status block's entries through the views reads each GUID in place: nothing allocated.</summary>
public sealed class ErrorStatusBlockViewAllocationTests
{
    [Fact]
    public void Reading_entry_section_types_and_fru_ids_allocates_nothing()
    {
        var model = GhesTestBlocks.TwoEntries();
        byte[] bytes = model.Encode();
        // What the views must read: the section types and FRU IDs the block was built with (a wrong offset changes the sum).
        ulong expected = 0;
        foreach (var e in model.Entries) expected += (ulong)e.EffectiveSectionType.GetHashCode() + (ulong)e.FruId.GetHashCode() + 1;
        Assert.True(ErrorStatusBlockView.TryRead(bytes, out var block, out _));
        Assert.Equal(expected, Walk(block)); // also the warm-up (JIT, statics)
        // The view is a ref struct (no lambda can hold it), so ViewWalk's helper cannot take it: the same loop, by hand.
        ulong sum = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) sum += Walk(block);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(unchecked(expected * 100), sum);

        // Reading the block (the overload that throws on a malformed block, and the status one): a valid block builds no
        // validation result, finding or message (the checks run again with findings only when something is wrong).
        ViewWalk.AssertAllocatesNothing(() => ErrorStatusBlockView.TryRead(bytes, out var b, out int n) ? (b.EntryCount, n) : (-1, 0),
            r => r == (2, bytes.Length));
        ViewWalk.AssertAllocatesNothing(() => ErrorStatusBlockView.TryRead(bytes, out var b, out int n, out var error) == System.Buffers.OperationStatus.Done && error is null ? (b.EntryCount, n) : (-1, 0),
            r => r == (2, bytes.Length));

        static ulong Walk(ErrorStatusBlockView block)
        {
            ulong sum = 0;
            foreach (var e in block.Entries) sum += (ulong)e.SectionType.GetHashCode() + (ulong)e.FruId.GetHashCode() + 1;
            return sum;
        }
    }
}
