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

    // The layouts are declared once, in Declarations/GhesDeclarations.cs (ApeiKit.Generators); these hand them out
    // (through properties, so nothing here is initialised before a declaration's generated static constructor).

    /// <summary>The Block Status bit fields.</summary>
    public static IReadOnlyList<BitFieldDef> BlockStatusBits => ErrorStatusBlockHeaderDeclaration.BlockStatusField.BitFields!;

    /// <summary>Layout of the block header (ACPI 6.5 Table 18.11).</summary>
    public static StructDef BlockLayout => ErrorStatusBlockHeaderDeclaration.LayoutDef;

    /// <summary>Layout of a data entry header; fields past the bytes given (the timestamp of a revision below 0x300) are skipped.</summary>
    public static StructDef EntryLayout => ErrorDataEntryHeaderDeclaration.LayoutDef;

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
