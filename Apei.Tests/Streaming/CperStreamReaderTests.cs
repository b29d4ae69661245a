using System.Buffers;
using System.Buffers.Binary;
using ApeiKit.Cper.Streaming;
using ApeiKit.Ghes.Streaming;
using ApeiKit.Tests.Cper;
using ApeiKit.Tests.Ghes;
using static ApeiKit.Tests.Streaming.StreamTestSupport;

namespace ApeiKit.Tests.Streaming;

public class CperStreamReaderTests
{
    private static byte[] Mem1 => Fixtures.Binary("cper/whea/TestErrorMemory1.bin");
    private static byte[] Mem2 => Fixtures.Binary("cper/whea/TestErrorMemory2.bin");
    private static byte[] Arm => Fixtures.Binary("cper/libcper/arm.cperhex");

    private static byte[] ThreeRecords() => Concat(Mem1, Arm, Mem2);

    private static void AssertRecords(byte[] input, List<Item> items, params byte[][] records)
    {
        Assert.Equal(records.Length, items.Count);
        long offset = 0;
        for (int i = 0; i < records.Length; i++)
        {
            Assert.Equal(CperStreamItemKind.Record, items[i].Kind);
            Assert.Equal(offset, items[i].Offset);
            Assert.Equal(records[i], items[i].Data);
            offset += records[i].Length;
        }
        Assert.Equal(input.Length, offset);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(129)]
    [InlineData(4096)]
    [InlineData(int.MaxValue)]
    public void The_same_records_come_out_whatever_the_read_size(int chunk)
    {
        var input = ThreeRecords();
        var items = ReadViaPipe(input, Math.Min(chunk, input.Length));
        AssertRecords(input, items, Mem1, Arm, Mem2);
    }

    [Fact]
    public async Task Records_split_at_every_boundary_come_out_whole()
    {
        var a = CperTestRecords.MemoryRecord();
        var b = CperTestRecords.MemoryRecord(revision: 0x0100);
        var input = Concat(a, b);
        for (int split = 1; split < input.Length; split++)
        {
            var pipe = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 0));
            await pipe.Writer.WriteAsync(input.AsMemory(0, split));
            var reader = new CperStreamReader(pipe.Reader);
            var task = Task.Run(() => Drain(reader));
            await pipe.Writer.WriteAsync(input.AsMemory(split));
            await pipe.Writer.CompleteAsync();
            AssertRecords(input, await task, a, b);
        }
    }

    [Fact]
    public void Counting_reader_sees_whole_records_with_one_byte_reads()
    {
        var input = ThreeRecords();
        var counting = new CountingPipeReader(input, 1);
        var items = Drain(new CperStreamReader(counting));
        AssertRecords(input, items, Mem1, Arm, Mem2);
        Assert.True(counting.MaxHeld <= Math.Max(Math.Max(Mem1.Length, Arm.Length), Mem2.Length), $"held {counting.MaxHeld}");
    }

    [Fact]
    public void A_corrupt_record_in_the_middle_is_skipped_and_its_byte_range_reported()
    {
        var a = CperTestRecords.MemoryRecord();
        var bad = CperTestRecords.MemoryRecord();
        BinaryPrimitives.WriteUInt32LittleEndian(bad.AsSpan(20), 16); // RecordLength 16: not a header to trust
        var input = Concat(a, bad, a);
        foreach (int chunk in new[] { 1, 7, 100, input.Length })
        {
            var items = ReadViaPipe(input, chunk);
            Assert.Equal(3, items.Count);
            Assert.Equal(CperStreamItemKind.Record, items[0].Kind);
            Assert.Equal(CperStreamItemKind.Skipped, items[1].Kind);
            Assert.Equal(a.Length, items[1].Offset);
            Assert.Equal(bad.Length, items[1].Length);
            Assert.Equal(bad, items[1].Data);
            Assert.Contains("RecordLength 16", items[1].Problem, StringComparison.Ordinal);
            Assert.Equal(CperStreamItemKind.Record, items[2].Kind);
            Assert.Equal(a.Length + bad.Length, items[2].Offset);
            Assert.Equal(a, items[2].Data);
        }
    }

    [Fact]
    public void A_stray_signature_inside_garbage_does_not_resynchronise()
    {
        var a = CperTestRecords.MemoryRecord();
        byte[] garbage = [.. "xxCPERyy"u8, .. new byte[200]];
        var input = Concat(a, garbage, a);
        var items = ReadViaPipe(input, 5);
        Assert.Equal([CperStreamItemKind.Record, CperStreamItemKind.Skipped, CperStreamItemKind.Record], items.Select(i => i.Kind));
        Assert.Equal(a.Length, items[1].Offset);
        Assert.Equal(garbage.Length, items[1].Length);
        Assert.False(items[1].AllZero);
        Assert.Null(items[1].Problem);
    }

    [Fact]
    public void A_record_above_the_limit_is_reported_and_skipped_without_being_buffered()
    {
        const int limit = 4096;
        var a = CperTestRecords.MemoryRecord();
        var big = new byte[100_000];
        a.CopyTo(big, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(big.AsSpan(20), (uint)big.Length);
        new Random(1).NextBytes(big.AsSpan(a.Length));
        var input = Concat(a, big, a);
        var counting = new CountingPipeReader(input, 1000);
        var items = Drain(new CperStreamReader(counting, options: new CperStreamReaderOptions { MaxRecordSize = limit }));
        Assert.Equal([CperStreamItemKind.Record, CperStreamItemKind.Oversized, CperStreamItemKind.Record], items.Select(i => i.Kind));
        Assert.Equal(a.Length, items[1].Offset);
        Assert.Equal(big.Length, items[1].Declared);
        Assert.Empty(items[1].Data);
        Assert.Contains("exceeds the record size limit", items[1].Problem, StringComparison.Ordinal);
        Assert.Equal(a.Length + big.Length, items[2].Offset);
        Assert.True(counting.MaxHeld <= limit, $"held {counting.MaxHeld} bytes");
    }

    [Fact]
    public void Long_garbage_is_dropped_as_it_is_scanned()
    {
        var a = CperTestRecords.MemoryRecord();
        var garbage = new byte[300_000];
        new Random(2).NextBytes(garbage);
        var input = Concat(a, garbage, a);
        var counting = new CountingPipeReader(input, 4096);
        var items = Drain(new CperStreamReader(counting, options: new CperStreamReaderOptions { MaxRecordSize = 8192, MaxSkippedBytesKept = 1024 }));
        Assert.Equal(3, items.Count);
        Assert.Equal(garbage.Length, items[1].Length);
        Assert.Empty(items[1].Data);
        Assert.True(counting.MaxHeld <= 8192 + 4096, $"held {counting.MaxHeld} bytes");
    }

    [Fact]
    public void A_record_cut_short_at_the_end_is_returned_truncated_and_zero_padding_is_marked()
    {
        var a = CperTestRecords.MemoryRecord();
        var items = ReadViaPipe(Concat(a, a[..200]), 64);
        Assert.Equal(2, items.Count);
        Assert.Equal(200, items[1].Data.Length);
        Assert.Equal(a.Length, items[1].Declared);

        items = ReadViaPipe(Concat(a, new byte[1000]), 64);
        Assert.Equal(2, items.Count);
        Assert.True(items[1].AllZero);
        Assert.Equal(1000, items[1].Length);
    }

    [Fact]
    public void Sequences_of_error_status_blocks_are_framed_and_resynchronised()
    {
        var block = GhesTestBlocks.TwoEntryBytes();
        byte[] garbage = [0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3];
        var input = Concat(block, block, garbage, block);
        foreach (int chunk in new[] { 1, 13, input.Length })
        {
            var items = ReadViaPipe(input, chunk, framing: ErrorStatusBlockFraming.Instance);
            Assert.Equal([CperStreamItemKind.Record, CperStreamItemKind.Record, CperStreamItemKind.Skipped, CperStreamItemKind.Record], items.Select(i => i.Kind));
            Assert.Equal(block, items[0].Data);
            Assert.Equal(2L * block.Length, items[2].Offset);
            Assert.Equal(garbage.Length, items[2].Length);
            Assert.Equal(block, items[3].Data);
        }
    }
}

public class CperStreamReaderAllocationTests
{
    private static long WalkAll(byte[] dump, byte[] copy)
    {
        using var ms = new MemoryStream(dump, writable: false);
        var reader = CperStreamReader.Create(ms);
        long records = 0;
        while (reader.ReadAsync().AsTask().GetAwaiter().GetResult())
        {
            var data = reader.Current.Data;
            ReadOnlySpan<byte> span;
            if (data.IsSingleSegment) span = data.FirstSpan;
            else
            {
                data.CopyTo(copy);
                span = copy.AsSpan(0, (int)data.Length);
            }
            var view = ApeiKit.Cper.CperRecordView.Read(span, out _);
            view.Validate();
            records += view.DescriptorCount > 0 ? 1 : 0;
        }
        reader.Complete();
        return records;
    }

    private static (long Records, long Allocated) Measure(int size)
    {
        var dump = GeneratedDump.Bytes(size, seed: 5);
        var copy = new byte[1 << 20]; // for records that straddle two pipe segments
        WalkAll(dump, copy); // JIT, pools
        long before = GC.GetAllocatedBytesForCurrentThread();
        long records = WalkAll(dump, copy);
        return (records, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Walking_a_stream_allocates_nothing_per_record()
    {
        var small = Measure(2_000_000);
        var large = Measure(8_000_000);
        Assert.True(large.Records > 3 * small.Records, $"{small.Records} and {large.Records} records");
        // Nothing per record. What remains is per pipe read (64 KiB): in Debug builds the async state machine of a
        // read that reaches the pipe is a class (one small box per read); Release (BenchmarkDotNet
        // WalkStreamFromMemory) shows 752 B for 16 MiB, i.e. constant.
        long reads = (8_000_000 - 2_000_000) / (64 << 10) + 1;
        Assert.True(large.Allocated - small.Allocated < reads * 256,
            $"{small.Allocated} bytes for {small.Records} records, {large.Allocated} bytes for {large.Records} records");
    }
}
