using System.Buffers.Binary;
using ApeiKit.Cper;
using ApeiKit.Ghes;

namespace ApeiKit.Tests.Ghes;

/// <summary>QEMU's etc/hardware_errors shape: address registers, read-ack registers, blocks; reached through the registers.</summary>
public class ErrorStatusRegionTests
{
    private const ulong Base = 0x7FF0_0000;

    [Fact]
    public void Three_sources_are_laid_out_like_qemus_hardware_errors_blob()
    {
        var image = ErrorStatusRegionLayout.Create(Base, 3);
        Assert.Equal(16 * 3 + 3 * 1024, image.Bytes.Length);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Base + 48 + (ulong)i * 1024, BinaryPrimitives.ReadUInt64LittleEndian(image.Bytes.AsSpan(8 * i)));
            Assert.Equal(1ul, BinaryPrimitives.ReadUInt64LittleEndian(image.Bytes.AsSpan(24 + 8 * i)));
            var s = image.Sources[i];
            Assert.Equal((ushort)i, s.SourceId);
            Assert.Equal(Base + 8 * (ulong)i, s.ErrorBlockAddressRegister);
            Assert.Equal(Base + 24 + 8 * (ulong)i, s.ReadAckRegister);
            Assert.Equal(1024u, s.ErrorStatusBlockLength);
        }
        var region = image.Open();
        Assert.Null(region.ReadBlock(1)); // all blocks start empty
        Assert.Equal(ReadAckState.Acknowledged, region.GetReadAckState(2));
    }

    [Fact]
    public void A_record_written_for_one_source_is_read_back_through_its_address_register_and_acknowledged()
    {
        var image = ErrorStatusRegionLayout.Create(Base, [10, 11, 12], blockLength: 512);
        var region = image.Open();
        var block = GhesTestBlocks.TwoEntries();
        Assert.Equal(GhesWriteResult.Written, region.TryWriteBlock(11, block));
        Assert.Equal(ReadAckState.Pending, region.GetReadAckState(11));
        Assert.Equal(ReadAckState.Acknowledged, region.GetReadAckState(10));
        Assert.Null(region.ReadBlock(10));
        Assert.Null(region.ReadBlock(12));
        // The bytes sit where source 11's register points: block 1 of 3.
        Assert.Equal(block.Encode(), image.Bytes.AsSpan(48 + 512, block.GetEncodedLength()).ToArray());

        // A second record for the same source is refused until the consumer acknowledges.
        var second = new ErrorStatusBlock { ErrorSeverity = 2 };
        second.Entries.Add(new ErrorDataEntry { ErrorSeverity = 2, Body = GhesTestBlocks.Memory(0x9000) });
        Assert.Equal(GhesWriteResult.NotAcknowledged, region.TryWriteBlock(11, second));
        Assert.Equal(block.Encode(), region.ReadBlockBytes(11)[..block.GetEncodedLength()]); // untouched

        var read = region.ReadAndAcknowledge(11);
        Assert.NotNull(read);
        Assert.Equal(block.Encode(), read.Encode());
        Assert.Null(region.ReadBlock(11)); // block status cleared, as Linux does
        Assert.Equal(ReadAckState.Acknowledged, region.GetReadAckState(11));

        Assert.Equal(GhesWriteResult.Written, region.TryWriteBlock(11, second));
        var again = region.ReadBlock(11)!;
        Assert.Equal(0x9000ul, ((MemoryErrorSection)again.Entries[0].Body).PhysicalAddress);
    }

    [Fact]
    public void A_block_longer_than_the_sources_length_is_refused_and_a_corrupted_block_fails_the_consumer_checks()
    {
        var image = ErrorStatusRegionLayout.Create(Base, 2, blockLength: 128);
        var region = image.Open();
        Assert.Throws<ArgumentException>(() => region.TryWriteBlock(0, GhesTestBlocks.TwoEntries()));
        Assert.Equal(ReadAckState.Acknowledged, region.GetReadAckState(0)); // nothing changed

        // Corrupt source 1's block: data length reaching into the next bytes of the region.
        int at = (int)ErrorStatusRegionLayout.BlockOffset(1, 2, 128);
        BinaryPrimitives.WriteUInt32LittleEndian(image.Bytes.AsSpan(at), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(image.Bytes.AsSpan(at + 12), 200);
        var result = region.Validate(1);
        Assert.Equal(GhesFindingKind.BlockLongerThanSourceLength, result.FirstError!.Kind);
        Assert.Contains(result.Findings, f => f.Kind == GhesFindingKind.DataLengthExceedsBlock);
        Assert.Throws<ApeiContentException>(() => region.ReadAndAcknowledge(1));
        Assert.Equal(ReadAckState.Acknowledged, region.GetReadAckState(1));
    }

    [Fact]
    public void A_source_without_a_read_ack_register_is_always_writable()
    {
        var image = ErrorStatusRegionLayout.Create(Base, 1);
        var v1 = image.Sources[0] with { ReadAckRegister = null };
        var region = new ErrorStatusRegion(image.AsMemory(), [v1]);
        Assert.Equal(GhesWriteResult.Written, region.TryWriteBlock(0, GhesTestBlocks.TwoEntries()));
        Assert.Equal(GhesWriteResult.Written, region.TryWriteBlock(0, GhesTestBlocks.TwoEntries()));
    }

    [Fact]
    public void A_zero_address_register_means_no_block()
    {
        var image = ErrorStatusRegionLayout.Create(Base, 1);
        image.Bytes.AsSpan(0, 8).Clear();
        var region = image.Open();
        Assert.Equal(GhesWriteResult.NoBlockAddress, region.TryWriteBlock(0, GhesTestBlocks.TwoEntries()));
        Assert.Throws<InvalidOperationException>(() => region.ReadBlock(0));
    }

    [Fact]
    public void A_cper_record_written_to_a_source_is_read_back_as_the_same_sections()
    {
        var image = ErrorStatusRegionLayout.Create(Base, 3);
        var region = image.Open();
        var record = CperRecord.Decode(Fixtures.Binary("cper/whea/TestErrorMemory1.bin"), out _);
        Assert.Equal(GhesWriteResult.Written, region.TryWriteRecord(2, record));
        var back = region.ReadRecord(2, CperGuids.NotifyCmc)!;
        Assert.Equal(record.Severity, back.Severity);
        Assert.Equal(record.Sections[0].Body.Encode(), back.Sections[0].Body.Encode());
        Assert.Equal(record.Timestamp, back.Timestamp);
        Assert.Equal(GhesWriteResult.NotAcknowledged, region.TryWriteRecord(2, record));
    }
}
