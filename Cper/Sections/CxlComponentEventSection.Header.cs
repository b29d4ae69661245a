using ApeiKit.Declarations;

namespace ApeiKit.Cper;

// The part before the event log (UEFI 2.10 N.2.14, CXL Component Events Section), declared once: one line per field;
// FieldDef statics, LayoutDef, the property bodies and CxlComponentEventSectionView are generated from it. The event log
// after it (one CXL event record, CXL 2.0 8.2.9.1.1) is hand-written in CxlComponentEventSection.cs over Length.
[Layout(StructureName, HeaderSize, "UEFI 2.10 N.2.14", ValidationField = nameof(ValidationBits))]
[Reserved(23, 1)]
[ValidationBit(2, "componentEventLog")]
public sealed partial class CxlComponentEventSection
{
    private const string StructureName = "CXL component event section";

    private readonly byte[] _header = new byte[HeaderSize];

    // Length of the whole section: written from EventLog when encoding.
    [Field(0, 4, FieldKind.UInt, Unit = "bytes", LibCper = "")] private partial uint Length { get; }
    /// <summary>Validation bits: 0 device ID, 1 serial number, 2 component event log.</summary>
    [Field(4, 8, FieldKind.Flags)] public partial ulong ValidationBits { get; set; }
    /// <summary>Vendor ID.</summary>
    [Field(12, 2, FieldKind.Hex, ValidBit = 0, ValidationName = "deviceId", LibCper = "", LibCperObject = "deviceID")] public partial ushort VendorId { get; set; }
    /// <summary>Device ID.</summary>
    [Field(14, 2, FieldKind.Hex, ValidBit = 0, LibCper = "", LibCperObject = "deviceID")] public partial ushort DeviceId { get; set; }
    /// <summary>Function number.</summary>
    [Field(16, 1, FieldKind.UInt, ValidBit = 0, ValidationName = "deviceId", LibCper = "", LibCperObject = "deviceID")] public partial byte FunctionNumber { get; set; }
    /// <summary>Device number.</summary>
    [Field(17, 1, FieldKind.UInt, ValidBit = 0, ValidationName = "deviceId", LibCper = "", LibCperObject = "deviceID")] public partial byte DeviceNumber { get; set; }
    /// <summary>Bus number.</summary>
    [Field(18, 1, FieldKind.UInt, ValidBit = 0, ValidationName = "deviceId", LibCper = "", LibCperObject = "deviceID")] public partial byte BusNumber { get; set; }
    /// <summary>Segment number.</summary>
    [Field(19, 2, FieldKind.Hex, ValidBit = 0, ValidationName = "deviceId", LibCper = "", LibCperObject = "deviceID")] public partial ushort SegmentNumber { get; set; }
    /// <summary>Slot: the slot number in bits 15:3.</summary>
    [Field(21, 2, FieldKind.Bits, ValidBit = 0, ValidationName = "deviceId", LibCperObject = "deviceID")]
    [Bit("slotNumber", 3, 13, LibCper = "")]
    public partial ushort Slot { get; set; }
    /// <summary>Device serial number.</summary>
    [Field(24, 8, FieldKind.Hex, ValidBit = 1, LibCper = "deviceSerial")] public partial ulong DeviceSerialNumber { get; set; }

    private ulong Get(FieldDef field) => field.ReadValue(_header);

    private void Set(FieldDef field, ulong value) => field.WriteValue(_header, value);

    /// <summary>Header layout (UEFI 2.10 N.2.14, CXL Component Events Section): <see cref="LayoutDef"/>.</summary>
    public static StructDef HeaderLayout => LayoutDef;

    /// <summary>Slot number (bits 15:3 of the slot field).</summary>
    public int SlotNumber
    {
        get => Slot >> 3;
        set => Slot = (ushort)((value << 3) | (Slot & 7));
    }

    /// <summary>Function, device and bus numbers of the device (bytes 16-18, valid with bit 0).</summary>
    public (byte Function, byte Device, byte Bus) Location
    {
        get => (FunctionNumber, DeviceNumber, BusNumber);
        set => (FunctionNumber, DeviceNumber, BusNumber) = value;
    }
}

/// <summary>The CXL component event log after the header (UEFI 2.10 N.2.14), read in place.</summary>
public readonly ref partial struct CxlComponentEventSectionView
{
    /// <summary>True when Length (the whole section's) is at least the header and within the body.</summary>
    public bool HasValidLength => _body.Length >= CxlComponentEventSection.HeaderSize && Length >= CxlComponentEventSection.HeaderSize && Length <= (uint)_body.Length;

    /// <summary>
    /// The component event log (one CXL event record): the bytes from 32 up to Length, or up to the body's end when Length
    /// does not fit (as the describer shows them); empty when the body does not reach the log.
    /// </summary>
    public ReadOnlySpan<byte> EventLog => _body.Length < CxlComponentEventSection.HeaderSize ? default : _body[CxlComponentEventSection.HeaderSize..(HasValidLength ? (int)Length : _body.Length)];

    /// <summary>True when the event log holds the event record's type GUID (its first 16 bytes).</summary>
    public bool HasEventRecordType => EventLog.Length >= CxlEventRecordHeader.EventRecordIdentifierField.End;

    /// <summary>The event record's type GUID (CXL 2.0 8.2.9.1.1, Event Record Identifier), or empty when the log is shorter.</summary>
    public Guid EventRecordType => HasEventRecordType ? new Guid(EventLog.Slice(CxlEventRecordHeader.EventRecordIdentifierField.Offset, CxlEventRecordHeader.EventRecordIdentifierField.Size)) : Guid.Empty;

    /// <summary>True when the event log holds a whole common event record header (CXL 2.0 8.2.9.1.1, Table 153: 48 bytes).</summary>
    public bool HasEventRecordHeader => EventLog.Length >= CxlComponentEventSection.CommonHeaderSize;

    /// <summary>The event record's common header (CXL 2.0 8.2.9.1.1, Table 153), read in place; a view of nothing when <see cref="HasEventRecordHeader"/> is false.</summary>
    public CxlEventRecordHeaderView EventRecordHeader
    {
        get
        {
            if (!HasEventRecordHeader) return default;
            CxlEventRecordHeaderView.TryRead(EventLog[..CxlComponentEventSection.CommonHeaderSize], out var header);
            return header;
        }
    }

    /// <summary>
    /// The event record as a general media event (CXL 2.0 8.2.9.1.1.1, Table 154): true when the log holds a whole
    /// 128-byte record whose Event Record Identifier is the general media GUID (the describer shows it field by field then).
    /// </summary>
    /// <param name="record">The record's view (its 128 bytes), valid while the body is.</param>
    public bool TryGetGeneralMediaEvent(out CxlGeneralMediaEventView record)
    {
        record = default;
        return Record(CperGuids.CxlGeneralMedia, out var bytes) && CxlGeneralMediaEventView.TryRead(bytes, out record);
    }

    /// <summary>The event record as a DRAM event (CXL 2.0 8.2.9.1.1.2, Table 155), as <see cref="TryGetGeneralMediaEvent"/>.</summary>
    /// <param name="record">The record's view (its 128 bytes), valid while the body is.</param>
    public bool TryGetDramEvent(out CxlDramEventView record)
    {
        record = default;
        return Record(CperGuids.CxlDram, out var bytes) && CxlDramEventView.TryRead(bytes, out record);
    }

    /// <summary>The event record as a memory module event (CXL 2.0 8.2.9.1.1.3, Table 156), as <see cref="TryGetGeneralMediaEvent"/>.</summary>
    /// <param name="record">The record's view (its 128 bytes), valid while the body is.</param>
    public bool TryGetMemoryModuleEvent(out CxlMemoryModuleEventView record)
    {
        record = default;
        return Record(CperGuids.CxlMemoryModule, out var bytes) && CxlMemoryModuleEventView.TryRead(bytes, out record);
    }

    // The log's first 128 bytes when they are a whole record of the given type (the describer's rule, RecordLayout).
    private bool Record(Guid type, out ReadOnlySpan<byte> bytes)
    {
        var log = EventLog;
        bool whole = log.Length >= CxlComponentEventSection.EventRecordSize && EventRecordType == type;
        bytes = whole ? log[..CxlComponentEventSection.EventRecordSize] : default;
        return whole;
    }

    /// <summary>The bytes after Length (empty when Length does not fit the body).</summary>
    public ReadOnlySpan<byte> TrailingBytes => HasValidLength ? _body[(int)Length..] : default;
}
