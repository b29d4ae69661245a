using ApeiKit.Cper;
using ApeiKit.Cper.Generation;
using ApeiKit.Cper.Statistics;
using ApeiKit.Cper.Streaming;
using ApeiKit.Ghes;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// <see cref="CperStatistics"/> (library API since issue #17 item 3) reads raw offsets and validation bits through the
/// views; these tests count the same dumps through the decoded models (<see cref="CperRecord"/>,
/// <see cref="MemoryErrorSection"/>: the layout tables) and require the same numbers.
/// </summary>
public sealed class CperStatisticsTests
{
    [Theory]
    [InlineData(CperDumpGenerator.Mix.Mixed, 11)]
    [InlineData(CperDumpGenerator.Mix.Memory, 12)]
    public async Task Streamed_counts_equal_counts_over_the_decoded_models(CperDumpGenerator.Mix mix, int seed)
    {
        using var dump = new MemoryStream();
        long generated = CperDumpGenerator.Generate(dump, 200_000, seed, mix);
        byte[] bytes = dump.ToArray();

        var stats = new CperStatistics();
        dump.Position = 0;
        await using (var reader = CperStreamReader.Create(dump, leaveOpen: true)) await stats.AddAsync(reader);

        var severity = new Dictionary<uint, long>();
        var sections = new Dictionary<Guid, long>();
        var pages = new Dictionary<ulong, long>();
        var dimms = new Dictionary<ushort, long>();
        long memory = 0, records = 0;
        for (int offset = 0; offset < bytes.Length; records++)
        {
            var record = CperRecord.Decode(bytes.AsSpan(offset), out int n);
            offset += n;
            severity[record.Severity] = severity.GetValueOrDefault(record.Severity) + 1;
            foreach (var section in record.Sections)
            {
                sections[section.EffectiveSectionType] = sections.GetValueOrDefault(section.EffectiveSectionType) + 1;
                if (section.Body is not MemoryErrorSection m) continue;
                memory++;
                if ((m.ValidationBits & (1 << 1)) != 0) pages[m.PhysicalAddress & ~0xFFFUL] = pages.GetValueOrDefault(m.PhysicalAddress & ~0xFFFUL) + 1;
                if ((m.ValidationBits & (1 << 17)) != 0) dimms[m.ModuleHandle] = dimms.GetValueOrDefault(m.ModuleHandle) + 1;
            }
        }

        Assert.Equal(generated, records);
        Assert.Equal(records, stats.Records);
        Assert.Equal(bytes.Length, stats.Bytes);
        Assert.Equal(0, stats.Malformed);
        Assert.False(stats.Accounting.HasProblems);
        Assert.Equal(severity.OrderBy(kv => kv.Key), stats.Severity.OrderBy(kv => kv.Key));
        Assert.Equal(sections.OrderBy(kv => kv.Key), stats.SectionTypes.OrderBy(kv => kv.Key));
        Assert.Equal(memory, stats.MemoryErrors);
        Assert.True(memory > 0);
        Assert.False(stats.Pages.IsApproximate);
        Assert.Equal(pages.OrderBy(kv => kv.Key), stats.Pages.Counts.OrderBy(kv => kv.Key));
        Assert.Equal(dimms.OrderBy(kv => kv.Key), stats.Dimms.OrderBy(kv => kv.Key));
    }

    [Fact]
    public void A_block_that_does_not_decode_is_one_malformed_record_and_a_good_block_counts_as_its_record()
    {
        var stats = new CperStatistics();
        stats.AddBlock(new byte[24], 0); // block status 0 with no entries is fine; cut it short instead
        stats.AddBlock(new byte[7], 24);
        Assert.Equal(2, stats.Records);
        Assert.Equal(1, stats.Malformed);
    }
}
