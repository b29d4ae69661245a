using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The record header and section descriptor views (UEFI 2.10 Table N-2, N-5), whose accessors read through the views
/// generated from their declarations: every value a record was built with reads back, and reading allocates nothing.
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

        // What the views must read: the built values (the offsets and lengths the encoder placed, bodies in order after the table).
        ulong expected = unchecked(0x0101UL + 0xFFFFFFFF + 2 + 2 + 7 + (ulong)bytes.Length + 0x8007_0615_1230_4501 + H(s_platform) + H(s_partition)
            + H(CperGuids.CreatorWhea) + H(CperGuids.NotifyCmc) + 0x0123_4567_89AB_CDEF + 5 + 0xFEDC_BA98_7654_3210 + 1 + 1
            + 272 + 16 + 0x0300 + 3 + 1 + H(CperGuids.PlatformMemory) + H(s_fru) + 1 + 'D' + 'I' + 'M' + 'M' + ' ' + 'A' + '1'
            + 288 + 8 + 0x0201 + 0 + 2 + H(CperGuids.PciExpress) + H(Guid.Empty) + 3
            + CperGuids.PlatformMemory.ToByteArray()[0] + CperGuids.PciExpress.ToByteArray()[0]);
        Assert.Equal("DIMM A1", Descriptor(bytes, 0).FruText);
        Assert.Equal("", Descriptor(bytes, 1).FruText);
        Assert.Equal(expected, Walk(bytes));
        ViewWalk.AssertAllocatesNothing(() => Walk(bytes), sum => sum == expected);
    }

    private static ulong H(Guid g) => (uint)g.GetHashCode();

    private static CperSectionDescriptor Descriptor(byte[] bytes, int i)
    {
        Assert.True(CperSectionDescriptor.TryRead(bytes.AsSpan(CperRecordView.DescriptorOffset(i)), out var d));
        return d;
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
