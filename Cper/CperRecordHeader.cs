using ApeiKit.Declarations;

namespace ApeiKit.Cper;

/// <summary>
/// The CPER record header (UEFI 2.10 N.2.1, Table N-2), declared once (ApeiKit.Generators, docs/DESIGN.md "One
/// declaration per structure"): <see cref="CperRecordHeader.Layout"/>, its offset constants and its accessors read the
/// generated <c>LayoutDef</c>, <c>Declared</c> constants and view. A declaration only: nothing makes an instance.
/// </summary>
[Layout("CPER record header", 128, "UEFI 2.10 N.2.1, Table N-2", ValidationField = nameof(ValidationBits))]
[Reserved(116, 12)]
internal abstract partial class CperRecordHeaderDeclaration
{
    [Field(0, 4, FieldKind.Ascii)] internal abstract byte[] Signature { get; } // Signature Start, "CPER"
    [Field(4, 2, FieldKind.Hex)] internal abstract ushort Revision { get; }
    [Field(6, 4, FieldKind.Hex)] internal abstract uint SignatureEnd { get; }
    [Field(10, 2, FieldKind.UInt)] internal abstract ushort SectionCount { get; }
    [Field(12, 4, FieldKind.Enum, Label = "Error severity", Names = "CperNames.Severity")] internal abstract uint Severity { get; }
    [Field(16, 4, FieldKind.Flags)] internal abstract uint ValidationBits { get; }
    [Field(20, 4, FieldKind.UInt, Unit = "bytes")] internal abstract uint RecordLength { get; }
    [Field(24, 8, FieldKind.Timestamp, ValidBit = 1)] internal abstract ulong Timestamp { get; }
    [Field(32, 16, FieldKind.Guid, ValidBit = 0)] internal abstract Guid PlatformId { get; }
    [Field(48, 16, FieldKind.Guid, ValidBit = 2)] internal abstract Guid PartitionId { get; }
    [Field(64, 16, FieldKind.Guid, Guids = "CperGuids.CreatorName")] internal abstract Guid CreatorId { get; }
    [Field(80, 16, FieldKind.Guid, Guids = "CperGuids.NotificationName")] internal abstract Guid NotificationType { get; }
    [Field(96, 8, FieldKind.UInt)] internal abstract ulong RecordId { get; }
    [Field(104, 4, FieldKind.Flags, Flags = "CperNames.RecordFlags")] internal abstract uint Flags { get; }
    [Field(108, 8, FieldKind.Hex)] internal abstract ulong PersistenceInformation { get; }
}

/// <summary>
/// Zero-copy view of the 128-byte CPER record header (UEFI 2.10 N.2.1, Table N-2). Fields are read
/// when asked; the 128 bytes were checked once when the view was made.
/// </summary>
public readonly ref struct CperRecordHeader
{
    /// <summary>Header size.</summary>
    public const int Size = CperRecordHeaderDeclaration.Declared.Size;
    /// <summary>Offset of Revision (u16).</summary>
    public const int RevisionOffset = CperRecordHeaderDeclaration.Declared.RevisionOffset;
    /// <summary>Offset of Signature End (u32, 0xFFFFFFFF).</summary>
    public const int SignatureEndOffset = CperRecordHeaderDeclaration.Declared.SignatureEndOffset;
    /// <summary>Offset of Section Count (u16).</summary>
    public const int SectionCountOffset = CperRecordHeaderDeclaration.Declared.SectionCountOffset;
    /// <summary>Offset of Error Severity (u32).</summary>
    public const int SeverityOffset = CperRecordHeaderDeclaration.Declared.SeverityOffset;
    /// <summary>Offset of Validation Bits (u32).</summary>
    public const int ValidationBitsOffset = CperRecordHeaderDeclaration.Declared.ValidationBitsOffset;
    /// <summary>Offset of Record Length (u32).</summary>
    public const int RecordLengthOffset = CperRecordHeaderDeclaration.Declared.RecordLengthOffset;
    /// <summary>Offset of Timestamp (8 bytes).</summary>
    public const int TimestampOffset = CperRecordHeaderDeclaration.Declared.TimestampOffset;
    /// <summary>Offset of Platform ID (GUID).</summary>
    public const int PlatformIdOffset = CperRecordHeaderDeclaration.Declared.PlatformIdOffset;
    /// <summary>Offset of Partition ID (GUID).</summary>
    public const int PartitionIdOffset = CperRecordHeaderDeclaration.Declared.PartitionIdOffset;
    /// <summary>Offset of Creator ID (GUID).</summary>
    public const int CreatorIdOffset = CperRecordHeaderDeclaration.Declared.CreatorIdOffset;
    /// <summary>Offset of Notification Type (GUID).</summary>
    public const int NotificationTypeOffset = CperRecordHeaderDeclaration.Declared.NotificationTypeOffset;
    /// <summary>Offset of Record ID (u64).</summary>
    public const int RecordIdOffset = CperRecordHeaderDeclaration.Declared.RecordIdOffset;
    /// <summary>Offset of Flags (u32).</summary>
    public const int FlagsOffset = CperRecordHeaderDeclaration.Declared.FlagsOffset;
    /// <summary>Offset of Persistence Information (u64).</summary>
    public const int PersistenceInfoOffset = CperRecordHeaderDeclaration.Declared.PersistenceInformationOffset;
    /// <summary>Offset of the 12 reserved bytes (the declaration's [Reserved], after Persistence Information).</summary>
    public const int ReservedOffset = PersistenceInfoOffset + CperRecordHeaderDeclaration.Declared.PersistenceInformationSize;
    /// <summary>The Signature End value.</summary>
    public const uint SignatureEndValue = 0xFFFFFFFF;

    /// <summary>"CPER".</summary>
    public static ReadOnlySpan<byte> Signature => "CPER"u8;

    /// <summary>Layout (UEFI 2.10 Table N-2), generated from the declaration.</summary>
    public static StructDef Layout => CperRecordHeaderDeclaration.LayoutDef;

    // The generated view over the 128 bytes: every accessor below reads through it.
    private readonly CperRecordHeaderDeclarationView _fields;

    private CperRecordHeader(CperRecordHeaderDeclarationView fields) => _fields = fields;

    /// <summary>Makes a view over the first 128 bytes; false when fewer are present. Does not check the signature.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out CperRecordHeader header)
    {
        if (source.Length < Size) { header = default; return false; }
        header = new CperRecordHeader(CperRecordHeaderDeclarationView.Of(source[..Size]));
        return true;
    }

    /// <summary>The 128 header bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _fields.Bytes;
    /// <summary>True when the first four bytes are "CPER".</summary>
    public bool HasSignature => _fields.Signature.SequenceEqual(Signature);
    /// <summary>Revision (major in the high byte, minor in the low byte; seen in the wild: 0x0100, 0x0101, 0x0210, and 0 from generators).</summary>
    public ushort Revision => _fields.Revision;
    /// <summary>Signature End (0xFFFFFFFF).</summary>
    public uint SignatureEnd => _fields.SignatureEnd;
    /// <summary>Number of section descriptors.</summary>
    public ushort SectionCount => _fields.SectionCount;
    /// <summary>Error severity (0 recoverable, 1 fatal, 2 corrected, 3 informational).</summary>
    public uint Severity => _fields.Severity;
    /// <summary>Validation bits: bit 0 platform ID, bit 1 timestamp, bit 2 partition ID.</summary>
    public uint ValidationBits => (uint)_fields.ValidationBits;
    /// <summary>Length of the whole record, header included.</summary>
    public uint RecordLength => _fields.RecordLength;
    /// <summary>Timestamp (valid when validation bit 1 is set).</summary>
    public CperTimestamp Timestamp => new(_fields.Timestamp);
    /// <summary>Platform ID.</summary>
    public Guid PlatformId => _fields.PlatformId;
    /// <summary>Partition ID.</summary>
    public Guid PartitionId => _fields.PartitionId;
    /// <summary>Creator ID.</summary>
    public Guid CreatorId => _fields.CreatorId;
    /// <summary>Notification type.</summary>
    public Guid NotificationType => _fields.NotificationType;
    /// <summary>The Creator ID GUID's 16 bytes (compare or look up without constructing a Guid).</summary>
    public ReadOnlySpan<byte> CreatorIdBytes => _fields.Bytes.Slice(CreatorIdOffset, 16);
    /// <summary>The Notification Type GUID's 16 bytes (compare or look up without constructing a Guid).</summary>
    public ReadOnlySpan<byte> NotificationTypeBytes => _fields.Bytes.Slice(NotificationTypeOffset, 16);
    /// <summary>Record ID.</summary>
    public ulong RecordId => _fields.RecordId;
    /// <summary>Flags (bit 0 recovered, bit 1 previous error, bit 2 simulated).</summary>
    public uint Flags => _fields.Flags;
    /// <summary>Persistence information (for the persistence mechanism's use).</summary>
    public ulong PersistenceInformation => _fields.PersistenceInformation;
    /// <summary>True when the creator is Windows WHEA, which writes binary (not BCD) timestamps.</summary>
    public bool IsWheaCreator => CreatorIdBytes.SequenceEqual(WheaCreatorBytes);

    private static ReadOnlySpan<byte> WheaCreatorBytes => [0xbd, 0xc4, 0x07, 0xcf, 0x89, 0xb7, 0x18, 0x4e, 0xb3, 0xc4, 0x1f, 0x73, 0x2c, 0xb5, 0x71, 0x31];
}
