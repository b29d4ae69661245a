using System.Buffers.Binary;

namespace ApeiKit.Cper;

/// <summary>
/// Zero-copy view of the 128-byte CPER record header (UEFI 2.10 N.2.1, Table N-2). Fields are read
/// when asked; the 128 bytes were checked once when the view was made.
/// </summary>
public readonly ref struct CperRecordHeader
{
    /// <summary>Header size.</summary>
    public const int Size = 128;
    /// <summary>Offset of Revision (u16).</summary>
    public const int RevisionOffset = 4;
    /// <summary>Offset of Signature End (u32, 0xFFFFFFFF).</summary>
    public const int SignatureEndOffset = 6;
    /// <summary>Offset of Section Count (u16).</summary>
    public const int SectionCountOffset = 10;
    /// <summary>Offset of Error Severity (u32).</summary>
    public const int SeverityOffset = 12;
    /// <summary>Offset of Validation Bits (u32).</summary>
    public const int ValidationBitsOffset = 16;
    /// <summary>Offset of Record Length (u32).</summary>
    public const int RecordLengthOffset = 20;
    /// <summary>Offset of Timestamp (8 bytes).</summary>
    public const int TimestampOffset = 24;
    /// <summary>Offset of Platform ID (GUID).</summary>
    public const int PlatformIdOffset = 32;
    /// <summary>Offset of Partition ID (GUID).</summary>
    public const int PartitionIdOffset = 48;
    /// <summary>Offset of Creator ID (GUID).</summary>
    public const int CreatorIdOffset = 64;
    /// <summary>Offset of Notification Type (GUID).</summary>
    public const int NotificationTypeOffset = 80;
    /// <summary>Offset of Record ID (u64).</summary>
    public const int RecordIdOffset = 96;
    /// <summary>Offset of Flags (u32).</summary>
    public const int FlagsOffset = 104;
    /// <summary>Offset of Persistence Information (u64).</summary>
    public const int PersistenceInfoOffset = 108;
    /// <summary>Offset of the 12 reserved bytes.</summary>
    public const int ReservedOffset = 116;
    /// <summary>The Signature End value.</summary>
    public const uint SignatureEndValue = 0xFFFFFFFF;

    /// <summary>"CPER".</summary>
    public static ReadOnlySpan<byte> Signature => "CPER"u8;

    private static readonly FlagTable s_validation = [new(0, "platformId"), new(1, "timestamp"), new(2, "partitionId")];

    /// <summary>Layout (UEFI 2.10 Table N-2).</summary>
    public static StructDef Layout { get; } = new("CPER record header", Size,
    [
        FieldDef.Ascii("signature", "Signature", 0, 4),
        FieldDef.Hex("revision", "Revision", RevisionOffset, 2),
        FieldDef.Hex("signatureEnd", "Signature end", SignatureEndOffset, 4),
        FieldDef.UInt("sectionCount", "Section count", SectionCountOffset, 2),
        FieldDef.Enum("severity", "Error severity", SeverityOffset, 4, CperNames.Severity),
        FieldDef.Flags("validationBits", "Validation bits", ValidationBitsOffset, 4, s_validation),
        FieldDef.UInt("recordLength", "Record length", RecordLengthOffset, 4, unit: "bytes"),
        FieldDef.Timestamp("timestamp", "Timestamp", TimestampOffset, validBit: 1),
        FieldDef.Guid("platformId", "Platform ID", PlatformIdOffset, validBit: 0),
        FieldDef.Guid("partitionId", "Partition ID", PartitionIdOffset, validBit: 2),
        FieldDef.Guid("creatorId", "Creator ID", CreatorIdOffset, CperGuids.CreatorName),
        FieldDef.Guid("notificationType", "Notification type", NotificationTypeOffset, CperGuids.NotificationName),
        FieldDef.UInt("recordId", "Record ID", RecordIdOffset, 8),
        FieldDef.Flags("flags", "Flags", FlagsOffset, 4, CperNames.RecordFlags),
        FieldDef.Hex("persistenceInformation", "Persistence information", PersistenceInfoOffset, 8),
        FieldDef.Reserved("reserved", ReservedOffset, 12),
    ], validationField: "validationBits");

    private readonly ReadOnlySpan<byte> _bytes;

    private CperRecordHeader(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>Makes a view over the first 128 bytes; false when fewer are present. Does not check the signature.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out CperRecordHeader header)
    {
        if (source.Length < Size) { header = default; return false; }
        header = new CperRecordHeader(source[..Size]);
        return true;
    }

    /// <summary>The 128 header bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;
    /// <summary>True when the first four bytes are "CPER".</summary>
    public bool HasSignature => _bytes[..4].SequenceEqual(Signature);
    /// <summary>Revision (major in the high byte, minor in the low byte; seen in the wild: 0x0100, 0x0101, 0x0210, and 0 from generators).</summary>
    public ushort Revision => BinaryPrimitives.ReadUInt16LittleEndian(_bytes[RevisionOffset..]);
    /// <summary>Signature End (0xFFFFFFFF).</summary>
    public uint SignatureEnd => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[SignatureEndOffset..]);
    /// <summary>Number of section descriptors.</summary>
    public ushort SectionCount => BinaryPrimitives.ReadUInt16LittleEndian(_bytes[SectionCountOffset..]);
    /// <summary>Error severity (0 recoverable, 1 fatal, 2 corrected, 3 informational).</summary>
    public uint Severity => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[SeverityOffset..]);
    /// <summary>Validation bits: bit 0 platform ID, bit 1 timestamp, bit 2 partition ID.</summary>
    public uint ValidationBits => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[ValidationBitsOffset..]);
    /// <summary>Length of the whole record, header included.</summary>
    public uint RecordLength => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[RecordLengthOffset..]);
    /// <summary>Timestamp (valid when validation bit 1 is set).</summary>
    public CperTimestamp Timestamp => CperTimestamp.Read(_bytes[TimestampOffset..]);
    /// <summary>Platform ID.</summary>
    public Guid PlatformId => new(_bytes.Slice(PlatformIdOffset, 16));
    /// <summary>Partition ID.</summary>
    public Guid PartitionId => new(_bytes.Slice(PartitionIdOffset, 16));
    /// <summary>Creator ID.</summary>
    public Guid CreatorId => new(_bytes.Slice(CreatorIdOffset, 16));
    /// <summary>Notification type.</summary>
    public Guid NotificationType => new(_bytes.Slice(NotificationTypeOffset, 16));
    /// <summary>Record ID.</summary>
    public ulong RecordId => BinaryPrimitives.ReadUInt64LittleEndian(_bytes[RecordIdOffset..]);
    /// <summary>Flags (bit 0 recovered, bit 1 previous error, bit 2 simulated).</summary>
    public uint Flags => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[FlagsOffset..]);
    /// <summary>Persistence information (for the persistence mechanism's use).</summary>
    public ulong PersistenceInformation => BinaryPrimitives.ReadUInt64LittleEndian(_bytes[PersistenceInfoOffset..]);
    /// <summary>True when the creator is Windows WHEA, which writes binary (not BCD) timestamps.</summary>
    public bool IsWheaCreator => _bytes.Slice(CreatorIdOffset, 16).SequenceEqual(WheaCreatorBytes);

    private static ReadOnlySpan<byte> WheaCreatorBytes => [0xbd, 0xc4, 0x07, 0xcf, 0x89, 0xb7, 0x18, 0x4e, 0xb3, 0xc4, 0x1f, 0x73, 0x2c, 0xb5, 0x71, 0x31];
}
