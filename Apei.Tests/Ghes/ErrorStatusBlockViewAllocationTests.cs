using ApeiKit.Ghes;

namespace ApeiKit.Tests.Ghes;

/// <summary>Walking an error status block's entries through the views reads each GUID in place: nothing allocated.</summary>
public sealed class ErrorStatusBlockViewAllocationTests
{
    [Fact]
    public void Reading_entry_section_types_and_fru_ids_allocates_nothing()
    {
        byte[] bytes = GhesTestBlocks.TwoEntryBytes();
        Assert.True(ErrorStatusBlockView.TryRead(bytes, out var block, out _));
        ulong sum = Walk(block); // warm up (JIT, statics)
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) sum += Walk(block);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0UL, sum);

        static ulong Walk(ErrorStatusBlockView block)
        {
            ulong sum = 0;
            foreach (var e in block.Entries) sum += (ulong)e.SectionType.GetHashCode() + (ulong)e.FruId.GetHashCode() + 1;
            return sum;
        }
    }
}
