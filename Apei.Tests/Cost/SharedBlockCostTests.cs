using System.Buffers.Binary;
using ApeiKit.Ghes;
using ApeiKit.Hest;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Cost;

/// <summary>Issue #19 row: GHES sources sharing a register or block are found, the block is decoded once, and hest check warns.</summary>
public class SharedBlockCostTests() : TempDirectoryTests("apeikit-shared-")
{
    private const ulong Base = 0x7FFF_0000;

    /// <summary>A HEST of <paramref name="n"/> GHES sources laid out QEMU-style, then changed by <paramref name="change"/>, with its region.</summary>
    private static (byte[] Hest, byte[] Region, HestRegionLayout Layout) Build(int n, uint blockLength, Action<HestBuildResult>? change = null)
    {
        var b = new HestBuilder();
        for (int i = 0; i < n; i++) b.AddGhes((ushort)i, NotificationType.Polled, s => s.ErrorStatusBlockLength = blockLength);
        var r = b.Build(Base);
        change?.Invoke(r);
        return (r.Table.Encode(), r.RegionBytes!, r.Region!);
    }

    private static void ShareRegister(HestBuildResult r, int source, int with)
    {
        var g = (GhesSource)r.Table.Sources[source];
        g.ErrorStatusAddress = g.ErrorStatusAddress with { Address = r.Region!.Entries[with].ErrorBlockAddressRegister };
    }

    private static void PointRegister(HestBuildResult r, int source, ulong blockAddress)
        => BinaryPrimitives.WriteUInt64LittleEndian(r.RegionBytes.AsSpan((int)(r.Region!.Entries[source].ErrorBlockAddressRegister - Base)), blockAddress);

    [Fact]
    public void Shared_register_same_block_and_overlap_are_found_and_owned_by_the_first_source()
    {
        var (hest, region, layout) = Build(6, 1024, r =>
        {
            ShareRegister(r, 1, 0);                                          // same register as source 0
            PointRegister(r, 3, r.Region!.Entries[0].BlockAddress);          // own register, source 0's block
            PointRegister(r, 5, r.Region.Entries[4].BlockAddress + 16);      // overlaps source 4's block
        });
        var sources = ErrorStatusRegionFromHest.ReadSources(hest);
        var shared = ErrorStatusRegionFromHest.FindSharedBlocks(sources, new ByteArrayPhysicalMemory(Base, region));
        Assert.Equal([1, 3, 5], shared.Keys.Order());
        Assert.Equal(new GhesBlockSharing(1, 0, GhesSharingKind.SameRegister, layout.Entries[0].BlockAddress, layout.Entries[0].BlockAddress), shared[1]);
        Assert.Equal(GhesSharingKind.SameBlock, shared[3].Kind);
        Assert.Equal(0, shared[3].Owner);
        Assert.Equal(GhesSharingKind.OverlappingBlock, shared[5].Kind);
        Assert.Equal(4, shared[5].Owner);
    }

    [Fact]
    public void A_qemu_layout_shares_nothing()
    {
        var (hest, region, _) = Build(8, 1024);
        Assert.Empty(ErrorStatusRegionFromHest.FindSharedBlocks(ErrorStatusRegionFromHest.ReadSources(hest), new ByteArrayPhysicalMemory(Base, region)));
        Assert.DoesNotContain(HestValidator.Validate(hest), f => f.Rule == "shared-error-status-address");
    }

    [Fact]
    public void Hest_check_warns_about_a_shared_error_status_address()
    {
        var (hest, _, _) = Build(3, 1024, r => ShareRegister(r, 2, 0));
        var f = Assert.Single(HestValidator.Validate(hest), f => f.Rule == "shared-error-status-address");
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.Contains("error source #0", f.Message, StringComparison.Ordinal);
        Assert.Contains("source ID 2", f.Structure, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_prints_a_block_shared_by_50_sources_once()
    {
        // A block full of entries (1,000 of them, 64 KB) that every source's register points at: before, it was decoded 50 times.
        var block = CostTestData.GesbOfEmptyEntries(1000);
        var (hest1, region1, layout1) = Build(1, (uint)block.Length);
        block.CopyTo(region1, (int)(layout1.Entries[0].BlockAddress - Base));
        var (hest, region, layout) = Build(50, (uint)block.Length, r => { for (int i = 1; i < 50; i++) ShareRegister(r, i, 0); });
        block.CopyTo(region, (int)(layout.Entries[0].BlockAddress - Base));
        string dir = Dir;
        File.WriteAllBytes(Path.Combine(dir, "one.hest"), hest1);
        File.WriteAllBytes(Path.Combine(dir, "one.region"), region1);
        File.WriteAllBytes(Path.Combine(dir, "all.hest"), hest);
        File.WriteAllBytes(Path.Combine(dir, "all.region"), region);
        foreach (var format in new[] { "text", "json" })
        {
            var one = CliRunner.Run("decode", "-f", format, "--hest", Path.Combine(dir, "one.hest"), "--region", Path.Combine(dir, "one.region"));
            var all = CliRunner.Run("decode", "-f", format, "--hest", Path.Combine(dir, "all.hest"), "--region", Path.Combine(dir, "all.region"));
            Assert.True(all.Out.Length < one.Out.Length + 50 * 2000, $"{format}: {all.Out.Length} bytes for 50 sharing sources, {one.Out.Length} for one");
            Assert.Equal(49, all.Out.Split("error status address register shared with source 0").Length - 1);
        }
    }
}
