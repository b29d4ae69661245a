namespace ApeiKit.Cper;

/// <summary>
/// CXL component event section (UEFI 2.10 N.2.14): Length (of the whole section), validation bits, a 12-byte device
/// ID, the device serial number, then the CXL component event log: one CXL event record (CXL 2.0 8.2.9.1.1), whose
/// 48-byte common header starts with the record's type GUID. The section type GUID is the event record's (general
/// media, DRAM, memory module, physical/virtual switch, MLD port). Length is checked against the section body; bytes
/// after Length are kept as <see cref="TrailingBytes"/>.
/// </summary>
public sealed partial class CxlComponentEventSection : CperSectionBody
{
    /// <summary>Size of the part before the event log.</summary>
    public const int HeaderSize = 32;
    /// <summary>Size of a CXL event record (common header and event-specific data).</summary>
    public const int EventRecordSize = 128;
    /// <summary>Size of the CXL event record common header.</summary>
    public const int CommonHeaderSize = 48;

    private static readonly NameTable s_severity = [new(0, "informational"), new(1, "warning"), new(2, "failure"), new(3, "fatal")];
    private static readonly FieldDef[] s_common =
    [
        FieldDef.Guid("eventRecordIdentifier", "Event record identifier", 0, CperGuids.SectionName),
        FieldDef.UInt("eventRecordLength", "Event record length", 16, 1, unit: "bytes"),
        FieldDef.Bits("eventRecordFlags", "Event record flags", 17, 3,
        [
            new("severity", "Event record severity", 0, 2, s_severity), new("permanentCondition", "Permanent condition", 2, 1),
            new("maintenanceNeeded", "Maintenance needed", 3, 1), new("performanceDegraded", "Performance degraded", 4, 1),
            new("hardwareReplacementNeeded", "Hardware replacement needed", 5, 1),
        ]),
        FieldDef.Hex("eventRecordHandle", "Event record handle", 20, 2),
        FieldDef.Hex("relatedEventRecordHandle", "Related event record handle", 22, 2),
        FieldDef.UInt("eventRecordTimestamp", "Event record timestamp", 24, 8, unit: "ns since 1970-01-01"),
        FieldDef.UInt("maintenanceOperationClass", "Maintenance operation class", 32, 1),
        FieldDef.Reserved("reserved", 33, 15),
    ];

    /// <summary>CXL event record common header (CXL 2.0 Table 153).</summary>
    public static StructDef CommonHeaderLayout { get; } = new("CXL event record", CommonHeaderSize, s_common);

    private static readonly FieldDef s_descriptor = FieldDef.Flags("memoryEventDescriptor", "Memory event descriptor", 0x38, 1,
        [ new(0, "uncorrectableEvent"), new(1, "thresholdEvent"), new(2, "poisonListOverflow")]);
    private static readonly FieldDef s_transaction = FieldDef.Enum("transactionType", "Transaction type", 0x3A, 1, [
        new(0, "unknown"), new(1, "host read"), new(2, "host write"), new(3, "host scan media"), new(4, "host inject poison"), new(5, "internal media scrub"),
        new(6, "internal media management"),
    ]);

    /// <summary>General media event record (CXL 2.0 8.2.9.1.1.1, Table 154).</summary>
    public static StructDef GeneralMediaLayout { get; } = new("CXL general media event record", EventRecordSize,
    [
        .. s_common,
        FieldDef.Hex("physicalAddress", "Physical address (DPA)", 0x30, 8),
        s_descriptor,
        FieldDef.Enum("memoryEventType", "Memory event type", 0x39, 1, [new(0, "media ECC error"), new(1, "invalid address"), new(2, "data path error")]),
        s_transaction,
        FieldDef.Flags("validityFlags", "Validity flags", 0x3B, 2, [new(0, "channel"), new(1, "rank"), new(2, "device"), new(3, "componentIdentifier")]),
        FieldDef.UInt("channel", "Channel", 0x3D, 1, validBit: 0),
        FieldDef.UInt("rank", "Rank", 0x3E, 1, validBit: 1),
        FieldDef.Hex("device", "Device", 0x3F, 3, validBit: 2),
        FieldDef.Bytes("componentIdentifier", "Component identifier", 0x42, 16, validBit: 3),
        FieldDef.Reserved("eventReserved", 0x52, 0x2E),
    ], validationField: "validityFlags");

    /// <summary>DRAM event record (CXL 2.0 8.2.9.1.1.2, Table 155).</summary>
    public static StructDef DramLayout { get; } = new("CXL DRAM event record", EventRecordSize,
    [
        .. s_common,
        FieldDef.Hex("physicalAddress", "Physical address (DPA)", 0x30, 8),
        s_descriptor,
        FieldDef.Enum("memoryEventType", "Memory event type", 0x39, 1, [new(0, "media ECC error"), new(1, "scrub media ECC error"), new(2, "invalid address"), new(3, "data path error")]),
        s_transaction,
        FieldDef.Flags("validityFlags", "Validity flags", 0x3B, 2, [
            new(0, "channel"), new(1, "rank"), new(2, "nibbleMask"), new(3, "bankGroup"), new(4, "bank"), new(5, "row"), new(6, "column"), new(7, "correctionMask"),
        ]),
        FieldDef.UInt("channel", "Channel", 0x3D, 1, validBit: 0),
        FieldDef.UInt("rank", "Rank", 0x3E, 1, validBit: 1),
        FieldDef.Hex("nibbleMask", "Nibble mask", 0x3F, 3, validBit: 2),
        FieldDef.UInt("bankGroup", "Bank group", 0x42, 1, validBit: 3),
        FieldDef.UInt("bank", "Bank", 0x43, 1, validBit: 4),
        FieldDef.UInt("row", "Row", 0x44, 3, validBit: 5),
        FieldDef.UInt("column", "Column", 0x47, 2, validBit: 6),
        FieldDef.Bytes("correctionMask", "Correction mask", 0x49, 32, validBit: 7),
        FieldDef.Reserved("eventReserved", 0x69, 0x17),
    ], validationField: "validityFlags");

    /// <summary>Memory module event record (CXL 2.0 8.2.9.1.1.3, Table 156).</summary>
    public static StructDef MemoryModuleLayout { get; } = new("CXL memory module event record", EventRecordSize,
    [
        .. s_common,
        FieldDef.Enum("deviceEventType", "Device event type", 0x30, 1, [
            new(0, "health status change"), new(1, "media status change"), new(2, "life used change"), new(3, "temperature change"), new(4, "data path error"),
            new(5, "LSA error"),
        ]),
        FieldDef.Bytes("deviceHealthInformation", "Device health information (Get Health Info output)", 0x31, 0x12),
        FieldDef.Reserved("eventReserved", 0x43, 0x3D),
    ]);

    private static readonly Guid[] s_types =
        [CperGuids.CxlGeneralMedia, CperGuids.CxlDram, CperGuids.CxlMemoryModule, CperGuids.CxlPhysicalSwitch, CperGuids.CxlVirtualSwitch, CperGuids.CxlMldPort];

    /// <summary>Codecs registered in <see cref="CperSections"/>, one per CXL event record type GUID.</summary>
    public static IReadOnlyList<CperSectionCodec> Codecs { get; } =
        [.. s_types.Select(t => new CperSectionCodec(t, CperGuids.SectionName(t)!, Describe, (b, o) => Decode(b, o, t)))];

    /// <summary>A new section of a CXL event record type (see <see cref="CperGuids.CxlGeneralMedia"/> and neighbours) with an empty event log.</summary>
    public CxlComponentEventSection(Guid sectionType) => SectionType = sectionType;

    /// <inheritdoc/>
    public override Guid SectionType { get; }

    /// <summary>The CXL component event log (one event record; Length is written as 32 plus its length).</summary>
    public byte[] EventLog { get; set; } = [];
    /// <summary>The event record's type GUID (first 16 bytes of the log), or null when the log is shorter.</summary>
    public Guid? EventRecordType => EventLog.Length >= 16 ? new Guid(EventLog.AsSpan(0, 16)) : null;
    /// <summary>Bytes after Length (kept for round trip).</summary>
    public byte[] TrailingBytes { get; set; } = [];

    /// <inheritdoc/>
    public override int GetEncodedLength() => checked(HeaderSize + EventLog.Length + TrailingBytes.Length);

    /// <inheritdoc/>
    public override bool TryEncode(Span<byte> destination, out int bytesWritten)
        => SectionWalk.TryEncodeLengthPrefixed(_header, EventLog, TrailingBytes, destination, out bytesWritten);

    /// <summary>Decodes the section.</summary>
    /// <param name="body">The section body.</param>
    /// <param name="sectionType">Which CXL component event the body is (the descriptor's section type: General Media, DRAM, ...).</param>
    /// <param name="baseOffset">Absolute offset of the body, for error offsets.</param>
    /// <exception cref="ApeiContentException">Fewer than 32 bytes, or a Length below 32 or beyond the section body.</exception>
    public static CxlComponentEventSection Decode(ReadOnlySpan<byte> body, Guid sectionType, long baseOffset = 0) => Decode(body, baseOffset, sectionType);

    // The shape before the decode contract (docs/DESIGN.md), kept internal for the libcper mapping's call (Cper/LibCper is
    // not edited here).
    internal static CxlComponentEventSection Decode(ReadOnlySpan<byte> body, long baseOffset, Guid sectionType)
    {
        int length = Limit(body, baseOffset, out var error);
        if (error is not null) throw error;
        var s = new CxlComponentEventSection(sectionType);
        body[..HeaderSize].CopyTo(s._header);
        s.EventLog = body[HeaderSize..length].ToArray();
        s.TrailingBytes = body[length..].ToArray();
        return s;
    }

    /// <summary>
    /// Describes the header and the event record: field by field for general media, DRAM and memory module records
    /// of 128 bytes, the common header for other records of at least 48 bytes, raw otherwise.
    /// </summary>
    /// <exception cref="ApeiContentException">Fewer than 32 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        int length = Limit(body, baseOffset, out var error);
        HeaderLayout.Describe(body[..HeaderSize], baseOffset, visitor);
        if (error is not null) visitor.Error(error);
        var log = body[HeaderSize..length];
        long logOffset = baseOffset + HeaderSize;
        var layout = log.Length >= EventRecordSize ? RecordLayout(new Guid(log[..16])) : null;
        int used = 0;
        if (layout is not null || log.Length >= CommonHeaderSize)
        {
            layout ??= CommonHeaderLayout;
            visitor.BeginObject("eventRecord", layout.Name, logOffset, layout.Size);
            layout.Describe(log[..layout.Size], logOffset, visitor);
            visitor.EndObject();
            used = layout.Size;
        }
        if (used < log.Length)
        {
            string label = used == 0 ? "CXL component event log (shorter than an event record header)" : used == CommonHeaderSize ? "Event-specific data" : "Bytes after the event record";
            visitor.Data(used == 0 ? "componentEventLog" : "eventData", label, logOffset + used, log[used..]);
        }
        if (length < body.Length) visitor.Data("trailingBytes", "Bytes after Length", baseOffset + length, body[length..]);
    }

    /// <summary>The field-by-field layout of a CXL event record type (general media, DRAM, memory module), or null.</summary>
    public static StructDef? RecordLayout(Guid eventRecordType)
        => eventRecordType == CperGuids.CxlGeneralMedia ? GeneralMediaLayout
        : eventRecordType == CperGuids.CxlDram ? DramLayout
        : eventRecordType == CperGuids.CxlMemoryModule ? MemoryModuleLayout
        : null;

    private static int Limit(ReadOnlySpan<byte> body, long baseOffset, out ApeiContentException? error)
    {
        error = null;
        if (body.Length < HeaderSize) ThrowHelper.ThrowTruncated(StructureName, baseOffset, HeaderSize, body.Length);
        ulong length = LengthField.ReadValue(body);
        if (length >= HeaderSize && length <= (ulong)body.Length) return (int)length;
        error = new ApeiContentException(StructureName, "Length", baseOffset + LengthField.Offset,
            FormattableString.Invariant($"{HeaderSize} to {body.Length} bytes (the section body)"), FormattableString.Invariant($"{length} bytes"));
        return body.Length;
    }
}
