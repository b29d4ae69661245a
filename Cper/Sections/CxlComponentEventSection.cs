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

    // The event record layouts are declared once in CxlComponentEventSection.Records.cs (CXL 2.0 8.2.9.1.1).

    /// <summary>CXL event record common header (CXL 2.0 Table 153): <see cref="CxlEventRecordHeader.LayoutDef"/>.</summary>
    public static StructDef CommonHeaderLayout => CxlEventRecordHeader.LayoutDef;

    /// <summary>General media event record (CXL 2.0 8.2.9.1.1.1, Table 154): <see cref="CxlGeneralMediaEvent.LayoutDef"/>.</summary>
    public static StructDef GeneralMediaLayout => CxlGeneralMediaEvent.LayoutDef;

    /// <summary>DRAM event record (CXL 2.0 8.2.9.1.1.2, Table 155): <see cref="CxlDramEvent.LayoutDef"/>.</summary>
    public static StructDef DramLayout => CxlDramEvent.LayoutDef;

    /// <summary>Memory module event record (CXL 2.0 8.2.9.1.1.3, Table 156): <see cref="CxlMemoryModuleEvent.LayoutDef"/>.</summary>
    public static StructDef MemoryModuleLayout => CxlMemoryModuleEvent.LayoutDef;

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
    public Guid? EventRecordType => EventLog.Length >= CxlEventRecordHeader.EventRecordIdentifierField.End ? new Guid(EventLog.AsSpan(CxlEventRecordHeader.EventRecordIdentifierField.Offset, CxlEventRecordHeader.EventRecordIdentifierField.Size)) : null;
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
        var s = new CxlComponentEventSection(sectionType);
        (s.EventLog, s.TrailingBytes) = DecodeLengthPrefixed(body, baseOffset, StructureName, LengthField, s._header);
        return s;
    }

    /// <summary>
    /// Describes the header and the event record: field by field for general media, DRAM and memory module records
    /// of 128 bytes, the common header for other records of at least 48 bytes, raw otherwise.
    /// </summary>
    /// <exception cref="ApeiContentException">Fewer than 32 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        int length = DescribeLengthPrefixedHeader(body, baseOffset, visitor, StructureName, HeaderLayout, LengthField);
        var log = body[HeaderSize..length];
        long logOffset = baseOffset + HeaderSize;
        var layout = log.Length >= EventRecordSize ? RecordLayout(new Guid(log.Slice(CxlEventRecordHeader.EventRecordIdentifierField.Offset, CxlEventRecordHeader.EventRecordIdentifierField.Size))) : null;
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
        if (length < body.Length) visitor.Data(CperRecordDescriber.TrailingMember, "Bytes after Length", baseOffset + length, body[length..]);
    }

    /// <summary>The field-by-field layout of a CXL event record type (general media, DRAM, memory module), or null.</summary>
    public static StructDef? RecordLayout(Guid eventRecordType)
        => eventRecordType == CperGuids.CxlGeneralMedia ? GeneralMediaLayout
        : eventRecordType == CperGuids.CxlDram ? DramLayout
        : eventRecordType == CperGuids.CxlMemoryModule ? MemoryModuleLayout
        : null;
}
