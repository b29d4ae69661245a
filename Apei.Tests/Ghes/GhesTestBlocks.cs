using System.Buffers.Binary;
using ApeiKit.Cper;
using ApeiKit.Ghes;

namespace ApeiKit.Tests.Ghes;

/// <summary>Blocks built with the encoder, and the BERT fixture split into table and region.</summary>
internal static class GhesTestBlocks
{
    public static readonly CperTimestamp Timestamp = CperTimestamp.FromDateTime(new DateTime(2026, 11, 25, 8, 30, 0, DateTimeKind.Utc), precise: true);

    public static MemoryErrorSection Memory(ulong address = 0x1_2345_6000) => new()
    {
        ValidationBits = 0x4006,
        PhysicalAddress = address,
        PhysicalAddressMask = 0xFFFF_FFFF_FFFF_F000,
        MemoryErrorType = 2,
    };

    /// <summary>A corrected memory error (revision 0x300 entry, 72 + 80 bytes) and a fatal raw vendor section (revision 0x201 entry, 64 + 12).</summary>
    public static ErrorStatusBlock TwoEntries(byte[]? raw = null)
    {
        var fru = new byte[20];
        "DIMM A1"u8.CopyTo(fru);
        var block = new ErrorStatusBlock { ErrorSeverity = 1, RawData = raw ?? [] };
        block.Entries.Add(new ErrorDataEntry
        {
            ErrorSeverity = 2, ValidationBits = 0x6, Flags = 1, FruText = fru, Timestamp = Timestamp, Body = Memory(),
        });
        block.Entries.Add(new ErrorDataEntry
        {
            ErrorSeverity = 1, Revision = 0x0201, ValidationBits = 1, FruId = new Guid("0f0e0d0c-0b0a-0908-0706-050403020100"),
            Body = new RawSectionBody(new Guid("11111111-2222-3333-4444-555555555555"), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
        });
        return block;
    }

    public static byte[] TwoEntryBytes() => TwoEntries().Encode();

    public static byte[] BertFile => Fixtures.Bytes("bert/dummy.bert");
    public static byte[] BertTableBytes => BertFile[..48];
    public static byte[] BertRegionBytes => BertFile[48..];

    public static byte[] With(byte[] bytes, int offset, uint value)
    {
        var copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(offset), value);
        return copy;
    }
}
