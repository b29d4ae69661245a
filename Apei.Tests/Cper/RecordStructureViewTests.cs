using System.Buffers.Binary;
using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The record header and section descriptor views (UEFI 2.10 Table N-2, N-5), whose accessors read through the views
/// generated from their declarations: every value a record was built with reads back through its own accessor, the bytes
/// sit at the offsets the spec's tables give (literal numbers here, not the declarations' constants, so a wrong [Field]
/// offset, which would move the encoder and the view together, fails), and reading allocates nothing.
/// </summary>
public sealed class RecordStructureViewTests
{
    private static readonly Guid s_platform = new("11111111-2222-3333-4444-555555555555");
    private static readonly Guid s_partition = new("66666666-7777-8888-9999-aaaaaaaaaaaa");
    private static readonly Guid s_fru = new("bbbbbbbb-cccc-dddd-eeee-ffffffffffff");

    [Fact]
    public void Header_and_descriptor_accessors_read_the_built_values_and_allocate_nothing()
    {
        var record = new CperRecord
        {
            Revision = 0x0101, Severity = 2, ValidationBits = 7, Timestamp = new CperTimestamp(0x8007_0615_1230_4501),
            PlatformId = s_platform, PartitionId = s_partition, CreatorId = CperGuids.CreatorWhea, NotificationType = CperGuids.NotifyCmc,
            RecordId = 0x0123_4567_89AB_CDEF, Flags = 5, PersistenceInformation = 0xFEDC_BA98_7654_3210,
            Sections =
            {
                new CperSection { Revision = 0x0300, ValidationBits = 3, Flags = 1, FruId = s_fru, Severity = 1, FruText = "DIMM A1"u8.ToArray(), Body = new RawSectionBody(CperGuids.PlatformMemory, new byte[16]) },
                new CperSection { Revision = 0x0201, Flags = 2, Severity = 3, Body = new RawSectionBody(CperGuids.PciExpress, new byte[8]) },
            },
        };
        byte[] bytes = record.Encode();
        Assert.Equal(CperRecordHeader.Size + 2 * CperSectionDescriptor.Size + 24, bytes.Length);

        // The bytes at UEFI 2.10 Table N-2's offsets (record header), read with literal offsets.
        ReadOnlySpan<byte> b = bytes;
        Assert.True(b[..4].SequenceEqual("CPER"u8));
        Assert.Equal(0x0101, BinaryPrimitives.ReadUInt16LittleEndian(b[4..]));
        Assert.Equal(0xFFFFFFFFu, BinaryPrimitives.ReadUInt32LittleEndian(b[6..]));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(b[10..]));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(b[12..]));
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32LittleEndian(b[16..]));
        Assert.Equal((uint)bytes.Length, BinaryPrimitives.ReadUInt32LittleEndian(b[20..]));
        Assert.Equal(0x8007_0615_1230_4501UL, BinaryPrimitives.ReadUInt64LittleEndian(b[24..]));
        Assert.Equal(s_platform, new Guid(b.Slice(32, 16)));
        Assert.Equal(s_partition, new Guid(b.Slice(48, 16)));
        Assert.Equal(CperGuids.CreatorWhea, new Guid(b.Slice(64, 16)));
        Assert.Equal(CperGuids.NotifyCmc, new Guid(b.Slice(80, 16)));
        Assert.Equal(0x0123_4567_89AB_CDEFUL, BinaryPrimitives.ReadUInt64LittleEndian(b[96..]));
        Assert.Equal(5u, BinaryPrimitives.ReadUInt32LittleEndian(b[104..]));
        Assert.Equal(0xFEDC_BA98_7654_3210UL, BinaryPrimitives.ReadUInt64LittleEndian(b[108..]));
        // Table N-5 (section descriptor, 72 bytes each from offset 128).
        var d0 = b.Slice(128, 72);
        Assert.Equal(272u, BinaryPrimitives.ReadUInt32LittleEndian(d0));
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32LittleEndian(d0[4..]));
        Assert.Equal(0x0300, BinaryPrimitives.ReadUInt16LittleEndian(d0[8..]));
        Assert.Equal(3, d0[10]);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(d0[12..]));
        Assert.Equal(CperGuids.PlatformMemory, new Guid(d0.Slice(16, 16)));
        Assert.Equal(s_fru, new Guid(d0.Slice(32, 16)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(d0[48..]));
        Assert.True(d0.Slice(52, 20).SequenceEqual("DIMM A1\0\0\0\0\0\0\0\0\0\0\0\0\0"u8));
        var d1 = b.Slice(200, 72);
        Assert.Equal(288u, BinaryPrimitives.ReadUInt32LittleEndian(d1));
        Assert.Equal(8u, BinaryPrimitives.ReadUInt32LittleEndian(d1[4..]));
        Assert.Equal(CperGuids.PciExpress, new Guid(d1.Slice(16, 16)));

        // Each accessor reads its own built value (one assertion per accessor: two swapped accessors fail).
        Assert.True(CperRecordHeader.TryRead(bytes, out var h));
        Assert.True(h.HasSignature);
        Assert.Equal(0x0101, h.Revision);
        Assert.Equal(0xFFFFFFFFu, h.SignatureEnd);
        Assert.Equal(2, h.SectionCount);
        Assert.Equal(2u, h.Severity);
        Assert.Equal(7u, h.ValidationBits);
        Assert.Equal((uint)bytes.Length, h.RecordLength);
        Assert.Equal(0x8007_0615_1230_4501UL, h.Timestamp.Raw);
        Assert.Equal(s_platform, h.PlatformId);
        Assert.Equal(s_partition, h.PartitionId);
        Assert.Equal(CperGuids.CreatorWhea, h.CreatorId);
        Assert.Equal(CperGuids.NotifyCmc, h.NotificationType);
        Assert.Equal(CperGuids.CreatorWhea, new Guid(h.CreatorIdBytes));
        Assert.Equal(CperGuids.NotifyCmc, new Guid(h.NotificationTypeBytes));
        Assert.Equal(0x0123_4567_89AB_CDEFUL, h.RecordId);
        Assert.Equal(5u, h.Flags);
        Assert.Equal(0xFEDC_BA98_7654_3210UL, h.PersistenceInformation);
        Assert.True(h.IsWheaCreator);

        // The two descriptors differ in every field, so a swapped accessor fails on one of them.
        AssertDescriptor(bytes, 0, 272, 16, 0x0300, 3, 1, CperGuids.PlatformMemory, s_fru, 1, "DIMM A1");
        AssertDescriptor(bytes, 1, 288, 8, 0x0201, 0, 2, CperGuids.PciExpress, Guid.Empty, 3, "");

        // Reading allocates nothing (the same accessors, summed so the walk has a result to check).
        ulong expected = Walk(bytes);
        ViewWalk.AssertAllocatesNothing(() => Walk(bytes), sum => sum == expected);
    }

    private static ulong H(Guid g) => (uint)g.GetHashCode();

    private static CperSectionDescriptor Descriptor(byte[] bytes, int i)
    {
        Assert.True(CperSectionDescriptor.TryRead(bytes.AsSpan(CperRecordView.DescriptorOffset(i)), out var d));
        return d;
    }

    private static void AssertDescriptor(byte[] bytes, int i, uint offset, uint length, ushort revision, byte validationBits, uint flags,
        Guid type, Guid fru, uint severity, string fruText)
    {
        var d = Descriptor(bytes, i);
        Assert.Equal(offset, d.SectionOffset);
        Assert.Equal(length, d.SectionLength);
        Assert.Equal(revision, d.Revision);
        Assert.Equal(validationBits, d.ValidationBits);
        Assert.Equal(flags, d.Flags);
        Assert.Equal(type, d.SectionType);
        Assert.Equal(type, new Guid(d.SectionTypeBytes));
        Assert.Equal(fru, d.FruId);
        Assert.Equal(severity, d.Severity);
        Assert.Equal(fruText, d.FruText);
    }

    private static ulong Walk(byte[] bytes)
    {
        if (!CperRecordHeader.TryRead(bytes, out var h)) return 0;
        ulong sum = unchecked((ulong)h.Revision + h.SignatureEnd + h.SectionCount + h.Severity + h.ValidationBits + h.RecordLength + h.Timestamp.Raw
            + H(h.PlatformId) + H(h.PartitionId) + H(h.CreatorId) + H(h.NotificationType) + h.RecordId + h.Flags + h.PersistenceInformation
            + (h.HasSignature ? 1UL : 0) + (h.IsWheaCreator ? 1UL : 0));
        for (int i = 0; i < h.SectionCount; i++)
        {
            if (!CperSectionDescriptor.TryRead(bytes.AsSpan(CperRecordView.DescriptorOffset(i)), out var d)) return 0;
            sum = unchecked(sum + d.SectionOffset + d.SectionLength + d.Revision + d.ValidationBits + d.Flags + H(d.SectionType) + H(d.FruId) + d.Severity);
            foreach (byte c in d.FruTextBytes) sum += c;
            sum += d.SectionTypeBytes[0];
        }
        return sum;
    }
}
