using System.Buffers.Binary;
using ApeiKit.Cper;

namespace ApeiKit.Ghes;

/// <summary>
/// Offsets, sizes and layouts of the Generic Error Status Block (ACPI 6.5 §18.3.2.7.1, Table 18.11) and the
/// Generic Error Data Entry (ACPI 6.5 §18.3.2.7.1, Table 18.12).
/// </summary>
public static class GenericErrorStatus
{
    /// <summary>Size of the block header: block status, raw data offset, raw data length, data length, error severity.</summary>
    public const int BlockHeaderSize = 20;
    /// <summary>Offset of Block Status (u32).</summary>
    public const int BlockStatusOffset = 0;
    /// <summary>Offset of Raw Data Offset (u32, from the start of the block).</summary>
    public const int RawDataOffsetOffset = 4;
    /// <summary>Offset of Raw Data Length (u32).</summary>
    public const int RawDataLengthOffset = 8;
    /// <summary>Offset of Data Length (u32: the bytes of all Generic Error Data Entries).</summary>
    public const int DataLengthOffset = 12;
    /// <summary>Offset of Error Severity (u32).</summary>
    public const int BlockSeverityOffset = 16;

    /// <summary>Block Status bit 0: an uncorrectable error is valid.</summary>
    public const uint UncorrectableErrorValid = 1u << 0;
    /// <summary>Block Status bit 1: a correctable error is valid.</summary>
    public const uint CorrectableErrorValid = 1u << 1;
    /// <summary>Block Status bit 2: more than one uncorrectable error.</summary>
    public const uint MultipleUncorrectableErrors = 1u << 2;
    /// <summary>Block Status bit 3: more than one correctable error.</summary>
    public const uint MultipleCorrectableErrors = 1u << 3;
    /// <summary>Block Status bits 4-13: Error Data Entry Count.</summary>
    public const int EntryCountShift = 4;
    /// <summary>Mask of the entry count after shifting.</summary>
    public const uint EntryCountMask = 0x3FF;
    /// <summary>Block Status bits 14-31 are reserved.</summary>
    public const uint BlockStatusReservedMask = 0xFFFFC000;

    /// <summary>Size of a data entry header before revision 0x300.</summary>
    public const int EntryHeaderSize = 64;
    /// <summary>Size of a data entry header from revision 0x300 (adds the 8-byte timestamp).</summary>
    public const int EntryHeaderSizeWithTimestamp = 72;
    /// <summary>First revision whose entry header carries the timestamp.</summary>
    public const ushort TimestampRevision = 0x0300;
    /// <summary>Offset of Section Type (GUID).</summary>
    public const int SectionTypeOffset = 0;
    /// <summary>Offset of Error Severity (u32).</summary>
    public const int EntrySeverityOffset = 16;
    /// <summary>Offset of Revision (u16).</summary>
    public const int RevisionOffset = 20;
    /// <summary>Offset of Validation Bits (u8: bit 0 FRU ID, bit 1 FRU string, bit 2 timestamp).</summary>
    public const int ValidationBitsOffset = 22;
    /// <summary>Offset of Flags (u8, the CPER section descriptor flags).</summary>
    public const int FlagsOffset = 23;
    /// <summary>Offset of Error Data Length (u32).</summary>
    public const int ErrorDataLengthOffset = 24;
    /// <summary>Offset of FRU Id (GUID).</summary>
    public const int FruIdOffset = 28;
    /// <summary>Offset of FRU Text (20 bytes).</summary>
    public const int FruTextOffset = 44;
    /// <summary>Length of FRU Text.</summary>
    public const int FruTextLength = 20;
    /// <summary>Offset of Timestamp (revision 0x300 and later).</summary>
    public const int TimestampOffset = 64;

    /// <summary>Entry validation bit 0: FRU Id valid.</summary>
    public const byte FruIdValid = 1;
    /// <summary>Entry validation bit 1: FRU String valid.</summary>
    public const byte FruStringValid = 2;
    /// <summary>Entry validation bit 2: Timestamp valid.</summary>
    public const byte TimestampValid = 4;

    /// <summary>Size of the entry header for <paramref name="revision"/> (Linux's <c>acpi_hest_get_size</c>).</summary>
    public static int EntryHeaderSizeFor(ushort revision) => revision >= TimestampRevision ? EntryHeaderSizeWithTimestamp : EntryHeaderSize;

    private static readonly FlagTable s_entryValidation = [new(0, "fruId"), new(1, "fruString"), new(2, "timestamp")];

    /// <summary>The Block Status bit fields.</summary>
    public static IReadOnlyList<BitFieldDef> BlockStatusBits { get; } =
    [
        new("uncorrectable", "Uncorrectable error valid", 0, 1),
        new("correctable", "Correctable error valid", 1, 1),
        new("multipleUncorrectable", "Multiple uncorrectable errors", 2, 1),
        new("multipleCorrectable", "Multiple correctable errors", 3, 1),
        new("entryCount", "Error data entry count", EntryCountShift, 10, IsCount: true),
    ];

    /// <summary>Layout of the block header (ACPI 6.5 Table 18.11).</summary>
    public static StructDef BlockLayout { get; } = new("Generic Error Status Block", BlockHeaderSize,
    [
        FieldDef.Bits("blockStatus", "Block status", BlockStatusOffset, 4, BlockStatusBits),
        FieldDef.Hex("rawDataOffset", "Raw data offset", RawDataOffsetOffset, 4),
        FieldDef.UInt("rawDataLength", "Raw data length", RawDataLengthOffset, 4, unit: "bytes"),
        FieldDef.UInt("dataLength", "Data length", DataLengthOffset, 4, unit: "bytes"),
        FieldDef.Enum("errorSeverity", "Error severity", BlockSeverityOffset, 4, CperNames.Severity),
    ]);

    /// <summary>Layout of a data entry header; fields past the bytes given (the timestamp of a revision below 0x300) are skipped.</summary>
    public static StructDef EntryLayout { get; } = new("Generic Error Data Entry", EntryHeaderSizeWithTimestamp,
    [
        FieldDef.Guid("sectionType", "Section type", SectionTypeOffset, CperSectionRegistry.GuidName),
        FieldDef.Enum("errorSeverity", "Error severity", EntrySeverityOffset, 4, CperNames.Severity),
        FieldDef.Hex("revision", "Revision", RevisionOffset, 2),
        FieldDef.Flags("validationBits", "Validation bits", ValidationBitsOffset, 1, s_entryValidation),
        FieldDef.Flags("flags", "Flags", FlagsOffset, 1, CperNames.SectionFlags),
        FieldDef.UInt("errorDataLength", "Error data length", ErrorDataLengthOffset, 4, unit: "bytes"),
        FieldDef.Guid("fruId", "FRU ID", FruIdOffset, validBit: 0),
        FieldDef.Ascii("fruText", "FRU text", FruTextOffset, FruTextLength, validBit: 1),
        FieldDef.Timestamp("timestamp", "Timestamp", TimestampOffset, validBit: 2),
    ], validationField: "validationBits");

    /// <summary>
    /// The length the block occupies, as Linux's <c>cper_estatus_len</c> computes it: raw data offset + raw data
    /// length when there is raw data, else 20 + data length. 64-bit, so hostile values cannot overflow.
    /// </summary>
    public static ulong BlockLength(ReadOnlySpan<byte> header)
    {
        uint rawOffset = BinaryPrimitives.ReadUInt32LittleEndian(header[RawDataOffsetOffset..]);
        uint rawLength = BinaryPrimitives.ReadUInt32LittleEndian(header[RawDataLengthOffset..]);
        uint dataLength = BinaryPrimitives.ReadUInt32LittleEndian(header[DataLengthOffset..]);
        return rawLength != 0 ? (ulong)rawOffset + rawLength : BlockHeaderSize + (ulong)dataLength;
    }
}
