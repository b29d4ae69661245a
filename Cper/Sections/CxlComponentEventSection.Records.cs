using ApeiKit.Declarations;

namespace ApeiKit.Cper;

// The CXL event records a component event log holds (CXL 2.0 8.2.9.1.1), declared once: the 48-byte common header as a
// fragment every record layout includes, the memory-event fields general media and DRAM share as a second fragment, and
// one [Layout] per record type; FieldDef statics, LayoutDefs and the views are generated from them.
// CxlComponentEventSection.Describe walks the log with these layouts; CxlComponentEventSectionView reaches the views.

/// <summary>The common event record header (CXL 2.0 8.2.9.1.1, Table 153): bytes 0-47 of every CXL event record.</summary>
[LayoutFragment]
[Reserved(33, 15)]
internal interface ICxlEventRecordHeader
{
    /// <summary>Event Record Identifier: the record's type GUID (general media, DRAM, memory module, ...).</summary>
    [Field(0, 16, FieldKind.Guid, Guids = "CperGuids.SectionName")] Guid EventRecordIdentifier { get; }
    /// <summary>Event Record Length (bytes).</summary>
    [Field(16, 1, FieldKind.UInt, Unit = "bytes")] byte EventRecordLength { get; }
    /// <summary>Event Record Flags: severity (bits 1:0), permanent condition, maintenance needed, performance degraded, hardware replacement needed.</summary>
    [Field(17, 3, FieldKind.Bits)]
    [Bit("severity", 0, 2, Label = "Event record severity", Names = "CxlEventRecordHeader.Severities")]
    [Bit("permanentCondition", 2, 1)]
    [Bit("maintenanceNeeded", 3, 1)]
    [Bit("performanceDegraded", 4, 1)]
    [Bit("hardwareReplacementNeeded", 5, 1)]
    uint EventRecordFlags { get; }
    /// <summary>Event Record Handle.</summary>
    [Field(20, 2, FieldKind.Hex)] ushort EventRecordHandle { get; }
    /// <summary>Related Event Record Handle.</summary>
    [Field(22, 2, FieldKind.Hex)] ushort RelatedEventRecordHandle { get; }
    /// <summary>Event Record Timestamp (nanoseconds since 1970-01-01).</summary>
    [Field(24, 8, FieldKind.UInt, Unit = "ns since 1970-01-01")] ulong EventRecordTimestamp { get; }
    /// <summary>Maintenance Operation Class.</summary>
    [Field(32, 1, FieldKind.UInt)] byte MaintenanceOperationClass { get; }
}

/// <summary>The memory-event fields the general media (Table 154) and DRAM (Table 155) event records share (CXL 2.0 8.2.9.1.1.1-2).</summary>
[LayoutFragment]
internal interface ICxlMemoryEvent
{
    /// <summary>Physical Address (DPA).</summary>
    [Field(0x30, 8, FieldKind.Hex, Label = "Physical address (DPA)")] ulong PhysicalAddress { get; }
    /// <summary>Memory Event Descriptor (bit 0 uncorrectable event, bit 1 threshold event, bit 2 poison list overflow).</summary>
    [Field(0x38, 1, FieldKind.Flags, Flags = "CxlEventRecordHeader.MemoryEventDescriptors")] byte MemoryEventDescriptor { get; }
    /// <summary>Transaction Type.</summary>
    [Field(0x3A, 1, FieldKind.Enum, Names = "CxlEventRecordHeader.TransactionTypes")] byte TransactionType { get; }
    /// <summary>Channel (valid with Validity Flags bit 0 in both record types).</summary>
    [Field(0x3D, 1, FieldKind.UInt, ValidBit = 0)] byte Channel { get; }
    /// <summary>Rank (valid with Validity Flags bit 1 in both record types).</summary>
    [Field(0x3E, 1, FieldKind.UInt, ValidBit = 1)] byte Rank { get; }
}

/// <summary>
/// The common header of a CXL event record (CXL 2.0 8.2.9.1.1, Table 153), for any record type. A read-only copy;
/// <see cref="CxlEventRecordHeaderView"/> reads the bytes in place.
/// </summary>
[Layout("CXL event record", CxlComponentEventSection.CommonHeaderSize, "CXL 2.0 8.2.9.1.1, Table 153")]
public sealed partial class CxlEventRecordHeader : DeclaredBlock, ICxlEventRecordHeader
{
    internal static NameTable Severities { get; } = [new(0, "informational"), new(1, "warning"), new(2, "failure"), new(3, "fatal")];
    internal static FlagTable MemoryEventDescriptors { get; } = [new(0, "uncorrectableEvent"), new(1, "thresholdEvent"), new(2, "poisonListOverflow")];
    internal static NameTable TransactionTypes { get; } = [
        new(0, "unknown"), new(1, "host read"), new(2, "host write"), new(3, "host scan media"), new(4, "host inject poison"), new(5, "internal media scrub"),
        new(6, "internal media management"),
    ];

    /// <summary>A copy of <paramref name="bytes"/> (shorter input is zero-filled, longer input is cut to the header).</summary>
    public CxlEventRecordHeader(ReadOnlySpan<byte> bytes) : base(bytes, CxlComponentEventSection.CommonHeaderSize) { }
}

/// <summary>
/// A CXL general media event record (CXL 2.0 8.2.9.1.1.1, Table 154; 128 bytes): the common header, the DPA, memory event
/// descriptor, type and transaction type, and the channel, rank, device and component identifier, each valid with its
/// Validity Flags bit. A read-only copy; <see cref="CxlGeneralMediaEventView"/> reads the bytes in place.
/// </summary>
[Layout("CXL general media event record", CxlComponentEventSection.EventRecordSize, "CXL 2.0 8.2.9.1.1.1, Table 154", ValidationField = nameof(ValidityFlags))]
[Reserved(0x52, 0x2E, Json = "eventReserved")]
public sealed partial class CxlGeneralMediaEvent : DeclaredBlock, ICxlEventRecordHeader, ICxlMemoryEvent
{
    private static readonly NameTable s_types = [new(0, "media ECC error"), new(1, "invalid address"), new(2, "data path error")];

    /// <summary>A copy of <paramref name="bytes"/> (shorter input is zero-filled, longer input is cut to the record).</summary>
    public CxlGeneralMediaEvent(ReadOnlySpan<byte> bytes) : base(bytes, CxlComponentEventSection.EventRecordSize) { }

    /// <summary>Memory Event Type.</summary>
    [Field(0x39, 1, FieldKind.Enum, Names = nameof(s_types))] public partial byte MemoryEventType { get; }
    /// <summary>Validity Flags: bit 0 channel, 1 rank, 2 device, 3 component identifier.</summary>
    [Field(0x3B, 2, FieldKind.Flags)] public partial ushort ValidityFlags { get; }
    /// <summary>Device (24 bits).</summary>
    [Field(0x3F, 3, FieldKind.Hex, ValidBit = 2)] public partial uint Device { get; }
    /// <summary>Component Identifier (16 bytes).</summary>
    [Field(0x42, 16, FieldKind.Bytes, ValidBit = 3)] public partial byte[] ComponentIdentifier { get; }
}

/// <summary>
/// A CXL DRAM event record (CXL 2.0 8.2.9.1.1.2, Table 155; 128 bytes): the common header, the DPA, memory event
/// descriptor, type and transaction type, and the channel, rank, nibble mask, bank group, bank, row, column and correction
/// mask, each valid with its Validity Flags bit. A read-only copy; <see cref="CxlDramEventView"/> reads the bytes in place.
/// </summary>
[Layout("CXL DRAM event record", CxlComponentEventSection.EventRecordSize, "CXL 2.0 8.2.9.1.1.2, Table 155", ValidationField = nameof(ValidityFlags))]
[Reserved(0x69, 0x17, Json = "eventReserved")]
public sealed partial class CxlDramEvent : DeclaredBlock, ICxlEventRecordHeader, ICxlMemoryEvent
{
    private static readonly NameTable s_types = [new(0, "media ECC error"), new(1, "scrub media ECC error"), new(2, "invalid address"), new(3, "data path error")];

    /// <summary>A copy of <paramref name="bytes"/> (shorter input is zero-filled, longer input is cut to the record).</summary>
    public CxlDramEvent(ReadOnlySpan<byte> bytes) : base(bytes, CxlComponentEventSection.EventRecordSize) { }

    /// <summary>Memory Event Type.</summary>
    [Field(0x39, 1, FieldKind.Enum, Names = nameof(s_types))] public partial byte MemoryEventType { get; }
    /// <summary>Validity Flags: bit 0 channel, 1 rank, 2 nibble mask, 3 bank group, 4 bank, 5 row, 6 column, 7 correction mask.</summary>
    [Field(0x3B, 2, FieldKind.Flags)] public partial ushort ValidityFlags { get; }
    /// <summary>Nibble Mask (24 bits).</summary>
    [Field(0x3F, 3, FieldKind.Hex, ValidBit = 2)] public partial uint NibbleMask { get; }
    /// <summary>Bank Group.</summary>
    [Field(0x42, 1, FieldKind.UInt, ValidBit = 3)] public partial byte BankGroup { get; }
    /// <summary>Bank.</summary>
    [Field(0x43, 1, FieldKind.UInt, ValidBit = 4)] public partial byte Bank { get; }
    /// <summary>Row (24 bits).</summary>
    [Field(0x44, 3, FieldKind.UInt, ValidBit = 5)] public partial uint Row { get; }
    /// <summary>Column.</summary>
    [Field(0x47, 2, FieldKind.UInt, ValidBit = 6)] public partial ushort Column { get; }
    /// <summary>Correction Mask (32 bytes).</summary>
    [Field(0x49, 32, FieldKind.Bytes, ValidBit = 7)] public partial byte[] CorrectionMask { get; }
}

/// <summary>
/// A CXL memory module event record (CXL 2.0 8.2.9.1.1.3, Table 156; 128 bytes): the common header, the device event type
/// and the device health information (the Get Health Info output). A read-only copy; <see cref="CxlMemoryModuleEventView"/>
/// reads the bytes in place.
/// </summary>
[Layout("CXL memory module event record", CxlComponentEventSection.EventRecordSize, "CXL 2.0 8.2.9.1.1.3, Table 156")]
[Reserved(0x43, 0x3D, Json = "eventReserved")]
public sealed partial class CxlMemoryModuleEvent : DeclaredBlock, ICxlEventRecordHeader
{
    private static readonly NameTable s_types = [
        new(0, "health status change"), new(1, "media status change"), new(2, "life used change"), new(3, "temperature change"), new(4, "data path error"),
        new(5, "LSA error"),
    ];

    /// <summary>A copy of <paramref name="bytes"/> (shorter input is zero-filled, longer input is cut to the record).</summary>
    public CxlMemoryModuleEvent(ReadOnlySpan<byte> bytes) : base(bytes, CxlComponentEventSection.EventRecordSize) { }

    /// <summary>Device Event Type.</summary>
    [Field(0x30, 1, FieldKind.Enum, Names = nameof(s_types))] public partial byte DeviceEventType { get; }
    /// <summary>Device Health Information (the Get Health Info output, 0x12 bytes).</summary>
    [Field(0x31, 0x12, FieldKind.Bytes, Label = "Device health information (Get Health Info output)")] public partial byte[] DeviceHealthInformation { get; }
}
