using System.Buffers.Binary;
using ApeiKit.Cper;

namespace ApeiKit.Ghes;

/// <summary>
/// Offsets, sizes and layouts of the Generic Error Status Block (ACPI 6.5 §18.3.2.7.1, Table 18.11) and the
/// Generic Error Data Entry (ACPI 6.5 §18.3.2.7.1, Table 18.12).
/// </summary>
public static class GenericErrorStatus
{
    // Shipped constants, kept for callers; each is derived at compile time from the declaration
    // (Declarations/GhesDeclarations.cs, through the generated Declared constants), so no offset, size or bit is
    // written here.

    /// <summary>Size of the block header: block status, raw data offset, raw data length, data length, error severity.</summary>
    public const int BlockHeaderSize = ErrorStatusBlockHeaderDeclaration.Declared.Size;
    /// <summary>Offset of Block Status (u32).</summary>
    public const int BlockStatusOffset = ErrorStatusBlockHeaderDeclaration.Declared.BlockStatusOffset;
    /// <summary>Offset of Raw Data Offset (u32, from the start of the block).</summary>
    public const int RawDataOffsetOffset = ErrorStatusBlockHeaderDeclaration.Declared.RawDataOffsetOffset;
    /// <summary>Offset of Raw Data Length (u32).</summary>
    public const int RawDataLengthOffset = ErrorStatusBlockHeaderDeclaration.Declared.RawDataLengthOffset;
    /// <summary>Offset of Data Length (u32: the bytes of all Generic Error Data Entries).</summary>
    public const int DataLengthOffset = ErrorStatusBlockHeaderDeclaration.Declared.DataLengthOffset;
    /// <summary>Offset of Error Severity (u32).</summary>
    public const int BlockSeverityOffset = ErrorStatusBlockHeaderDeclaration.Declared.ErrorSeverityOffset;

    /// <summary>Block Status bit 0: an uncorrectable error is valid.</summary>
    public const uint UncorrectableErrorValid = 1u << ErrorStatusBlockHeaderDeclaration.Declared.BlockStatusUncorrectableBit;
    /// <summary>Block Status bit 1: a correctable error is valid.</summary>
    public const uint CorrectableErrorValid = 1u << ErrorStatusBlockHeaderDeclaration.Declared.BlockStatusCorrectableBit;
    /// <summary>Block Status bit 2: more than one uncorrectable error.</summary>
    public const uint MultipleUncorrectableErrors = 1u << ErrorStatusBlockHeaderDeclaration.Declared.BlockStatusMultipleUncorrectableBit;
    /// <summary>Block Status bit 3: more than one correctable error.</summary>
    public const uint MultipleCorrectableErrors = 1u << ErrorStatusBlockHeaderDeclaration.Declared.BlockStatusMultipleCorrectableBit;
    /// <summary>Block Status bits 4-13: Error Data Entry Count.</summary>
    public const int EntryCountShift = ErrorStatusBlockHeaderDeclaration.Declared.BlockStatusEntryCountBit;
    /// <summary>Mask of the entry count after shifting.</summary>
    public const uint EntryCountMask = (1u << ErrorStatusBlockHeaderDeclaration.Declared.BlockStatusEntryCountWidth) - 1;
    /// <summary>Block Status bits 14-31 are reserved.</summary>
    public const uint BlockStatusReservedMask = ~0u << (EntryCountShift + ErrorStatusBlockHeaderDeclaration.Declared.BlockStatusEntryCountWidth);

    /// <summary>Size of a data entry header before revision 0x300.</summary>
    public const int EntryHeaderSize = ErrorDataEntryHeaderDeclaration.Declared.TimestampOffset;
    /// <summary>Size of a data entry header from revision 0x300 (adds the 8-byte timestamp).</summary>
    public const int EntryHeaderSizeWithTimestamp = ErrorDataEntryHeaderDeclaration.Declared.Size;
    /// <summary>First revision whose entry header carries the timestamp.</summary>
    public const ushort TimestampRevision = 0x0300;
    /// <summary>Offset of Section Type (GUID).</summary>
    public const int SectionTypeOffset = ErrorDataEntryHeaderDeclaration.Declared.SectionTypeOffset;
    /// <summary>Offset of Error Severity (u32).</summary>
    public const int EntrySeverityOffset = ErrorDataEntryHeaderDeclaration.Declared.ErrorSeverityOffset;
    /// <summary>Offset of Revision (u16).</summary>
    public const int RevisionOffset = ErrorDataEntryHeaderDeclaration.Declared.RevisionOffset;
    /// <summary>Offset of Validation Bits (u8: bit 0 FRU ID, bit 1 FRU string, bit 2 timestamp).</summary>
    public const int ValidationBitsOffset = ErrorDataEntryHeaderDeclaration.Declared.ValidationBitsOffset;
    /// <summary>Offset of Flags (u8, the CPER section descriptor flags).</summary>
    public const int FlagsOffset = ErrorDataEntryHeaderDeclaration.Declared.FlagsOffset;
    /// <summary>Offset of Error Data Length (u32).</summary>
    public const int ErrorDataLengthOffset = ErrorDataEntryHeaderDeclaration.Declared.ErrorDataLengthOffset;
    /// <summary>Offset of FRU Id (GUID).</summary>
    public const int FruIdOffset = ErrorDataEntryHeaderDeclaration.Declared.FruIdOffset;
    /// <summary>Offset of FRU Text (20 bytes).</summary>
    public const int FruTextOffset = ErrorDataEntryHeaderDeclaration.Declared.FruTextOffset;
    /// <summary>Length of FRU Text.</summary>
    public const int FruTextLength = ErrorDataEntryHeaderDeclaration.Declared.FruTextSize;
    /// <summary>Offset of Timestamp (revision 0x300 and later).</summary>
    public const int TimestampOffset = ErrorDataEntryHeaderDeclaration.Declared.TimestampOffset;

    /// <summary>Entry validation bit 0: FRU Id valid.</summary>
    public const byte FruIdValid = 1 << ErrorDataEntryHeaderDeclaration.Declared.FruIdValidBit;
    /// <summary>Entry validation bit 1: FRU String valid.</summary>
    public const byte FruStringValid = 1 << ErrorDataEntryHeaderDeclaration.Declared.FruTextValidBit;
    /// <summary>Entry validation bit 2: Timestamp valid.</summary>
    public const byte TimestampValid = 1 << ErrorDataEntryHeaderDeclaration.Declared.TimestampValidBit;

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
