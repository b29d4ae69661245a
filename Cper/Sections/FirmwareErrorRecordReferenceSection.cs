using ApeiKit.Declarations;

namespace ApeiKit.Cper;

/// <summary>
/// Firmware error record reference (UEFI 2.10 N.2.10, Table N-43). Revision 0 is 16 bytes (record type,
/// revision, 6 reserved bytes, record identifier); revision 1 and later add the 16-byte record identifier
/// GUID (32 bytes). Windows WHEA and Intel Crash Log records put a payload after the fixed part
/// (record type 2, "SOC firmware error record type 2"); the payload is kept as bytes and re-encoded.
/// </summary>
// The declaration (UEFI 2.10 N.2.10, Table N-43): one line per field; FieldDef statics, LayoutDef and the property bodies
// are generated from it. Which form a body has is its Revision byte's say, not its length, so the view is written by hand
// below over the generated fields (View = "": a generated view would read a revision 0 payload as the GUID).
[Layout(StructureName, Size, "UEFI 2.10 N.2.10, Table N-43", View = "")]
public sealed partial class FirmwareErrorRecordReferenceSection : CperSectionBody
{
    /// <summary>Size of the revision 0 layout.</summary>
    public const int Revision0Size = 16;
    /// <summary>Size of the revision 1 and later layout.</summary>
    public const int Size = 32;
    private const string StructureName = "Firmware error record reference";

    private readonly byte[] _header = new byte[Size];

    /// <summary>Firmware Error Record Type (N.2.10).</summary>
    public static NameTable RecordTypes { get; } = [
        new(0, "IPF SAL error record"), new(1, "SOC firmware error record type 1 (legacy Crash Log)"), new(2, "SOC firmware error record type 2"),
    ];

    /// <summary>Firmware error record type (see <see cref="RecordTypes"/>).</summary>
    [Field(0, 1, FieldKind.Enum, Names = nameof(RecordTypes), Label = "Firmware error record type", LibCper = "errorRecordType", LibCperNames = "LibCper.LcFixed.FirmwareRecordTypes")] public partial byte RecordType { get; set; }
    /// <summary>Header revision: 0 (16-byte layout) or 1 and later (32-byte layout with the GUID). New sections use 2.</summary>
    [Field(1, 1, FieldKind.UInt, LibCper = "")] public partial byte Revision { get; set; }
    /// <summary>The 6 reserved bytes (a copy, kept as read; shorter input is zero-filled, longer input is cut).</summary>
    [Field(2, 6, FieldKind.Reserved, Label = "Reserved")] public partial byte[] Reserved { get; set; }
    /// <summary>Record identifier (the firmware error record's ID for record types 0 and 1).</summary>
    [Field(8, 8, FieldKind.Hex, LibCper = "recordID")] public partial ulong RecordIdentifier { get; set; }
    /// <summary>Record identifier GUID (revision 1 and later; type 2 records name their payload format with it).</summary>
    [Field(16, 16, FieldKind.Guid, Guids = "CperGuids.SectionName", Label = "Record identifier GUID", LibCper = "recordIDGUID:Uuid")] public partial Guid RecordIdentifierGuid { get; set; }

    /// <summary>A new section of revision 2 (the 32-byte layout) with no payload.</summary>
    public FirmwareErrorRecordReferenceSection() => Revision = 2;

    private ulong Get(FieldDef field) => field.ReadValue(_header);

    private void Set(FieldDef field, ulong value) => field.WriteValue(_header, value);

    private byte[] GetBytes(FieldDef field) => _header.AsSpan(field.Offset, field.Size).ToArray();

    // The bytes a generated GUID getter reads, in place (no array per read).
    private ReadOnlySpan<byte> GuidBytes(FieldDef field) => _header.AsSpan(field.Offset, field.Size);

    private void SetBytes(FieldDef field, ReadOnlySpan<byte> value) => field.WriteBytes(_header, value);

    /// <summary>Layout of revision 0 (UEFI 2.10 Table N-43, without the GUID extension): the declared fields that end within 16 bytes.</summary>
    public static StructDef Revision0Layout => field ??= new(StructureName + " (revision 0)", Revision0Size, [.. LayoutDef.Fields.Where(f => f.End <= Revision0Size)]);

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.FirmwareErrorRecordReference, "Firmware Error Record Reference", Describe, (b, o) => Decode(b, o));

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.FirmwareErrorRecordReference;

    /// <summary>Bytes after the fixed part (vendor payload, e.g. a Crash Log or WHEA firmware record).</summary>
    public byte[] Payload { get; set; } = [];

    /// <summary>Size of the fixed part for <paramref name="revision"/>.</summary>
    public static int FixedSize(byte revision) => revision == 0 ? Revision0Size : Size;

    /// <summary>Decodes the fixed part for the section's revision and keeps the rest as <see cref="Payload"/>.</summary>
    /// <exception cref="ApeiContentException">The body is shorter than its revision's layout.</exception>
    public static FirmwareErrorRecordReferenceSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        int size = CheckLength(body, baseOffset);
        var s = new FirmwareErrorRecordReferenceSection();
        body[..size].CopyTo(s._header); // revision 0: the GUID stays zero
        s.Payload = body[size..].ToArray();
        return s;
    }

    /// <summary>Describes the fixed part for the section's revision, then the payload.</summary>
    /// <exception cref="ApeiContentException">The body is shorter than its revision's layout.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        // A builder (JSON input) writes the header before the walk reads it (see IStructureSource).
        LayoutDef.Prefill(visitor, baseOffset);
        int size = CheckLength(body, baseOffset);
        (size == Size ? LayoutDef : Revision0Layout).Describe(body[..size], baseOffset, visitor);
        visitor.JsonOnly("recordTypeName", RecordTypes[body[0]]);
        if (body.Length > size) visitor.Data("payload", "Payload (firmware error record)", baseOffset + size, body[size..]);
    }

    private static int CheckLength(ReadOnlySpan<byte> body, long baseOffset)
    {
        if (body.Length < 2) ThrowHelper.ThrowTruncated(StructureName, baseOffset, Revision0Size, body.Length);
        int size = FixedSize(body[1]);
        if (body.Length < size)
        {
            var missing = size == Size && body.Length >= RecordIdentifierGuidField.Offset ? RecordIdentifierGuidField : RecordIdentifierField;
            throw new ApeiContentException(StructureName, missing == RecordIdentifierGuidField ? "RecordIdentifierGuid" : "RecordIdentifier", baseOffset + missing.Offset,
                FormattableString.Invariant($"{size} bytes for revision {body[1]}"), FormattableString.Invariant($"{body.Length} bytes"), "truncated");
        }
        return size;
    }

    /// <inheritdoc/>
    public override int GetEncodedLength() => FixedSize(Revision) + Payload.Length;

    /// <inheritdoc/>
    public override bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        int size = FixedSize(Revision);
        int total = size + Payload.Length;
        if (destination.Length < total) return false;
        _header.AsSpan(0, size).CopyTo(destination);
        Payload.CopyTo(destination[size..]);
        bytesWritten = total;
        return true;
    }
}

/// <summary>
/// A zero-copy view of a firmware error record reference body (UEFI 2.10 N.2.10, Table N-43), over the declared fields:
/// the fixed part is 16 bytes for revision 0 and 32 (with the record identifier GUID) for revision 1 and later; the rest
/// is the payload. For an editable copy use <see cref="FirmwareErrorRecordReferenceSection"/>.
/// </summary>
public readonly ref struct FirmwareErrorRecordReferenceSectionView
{
    private readonly ReadOnlySpan<byte> _body;

    private FirmwareErrorRecordReferenceSectionView(ReadOnlySpan<byte> body) => _body = body;

    /// <summary>A view of <paramref name="body"/>; false when it is shorter than its revision's fixed part.</summary>
    /// <param name="body">The section body.</param>
    /// <param name="view">The view, valid while <paramref name="body"/> is.</param>
    public static bool TryRead(ReadOnlySpan<byte> body, out FirmwareErrorRecordReferenceSectionView view)
    {
        view = default;
        if (body.Length < FirmwareErrorRecordReferenceSection.Revision0Size) return false;
        if (body.Length < FirmwareErrorRecordReferenceSection.FixedSize((byte)FirmwareErrorRecordReferenceSection.RevisionField.ReadValue(body))) return false;
        view = new FirmwareErrorRecordReferenceSectionView(body);
        return true;
    }

    /// <summary>The body's bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _body;
    /// <summary>Size of the fixed part: 16 for revision 0, 32 for revision 1 and later.</summary>
    public int FixedSize => FirmwareErrorRecordReferenceSection.FixedSize(Revision);
    /// <summary>Firmware error record type (see <see cref="FirmwareErrorRecordReferenceSection.RecordTypes"/>).</summary>
    public byte RecordType => (byte)FirmwareErrorRecordReferenceSection.RecordTypeField.ReadValue(_body);
    /// <summary>Header revision.</summary>
    public byte Revision => (byte)FirmwareErrorRecordReferenceSection.RevisionField.ReadValue(_body);
    /// <summary>The 6 reserved bytes.</summary>
    public ReadOnlySpan<byte> Reserved => _body.Slice(FirmwareErrorRecordReferenceSection.ReservedField.Offset, FirmwareErrorRecordReferenceSection.ReservedField.Size);
    /// <summary>Record identifier.</summary>
    public ulong RecordIdentifier => FirmwareErrorRecordReferenceSection.RecordIdentifierField.ReadValue(_body);
    /// <summary>True for revision 1 and later, whose fixed part holds the record identifier GUID.</summary>
    public bool HasRecordIdentifierGuid => Revision != 0;
    /// <summary>Record identifier GUID, or empty for revision 0 (the bytes there are payload).</summary>
    public Guid RecordIdentifierGuid => HasRecordIdentifierGuid
        ? new Guid(_body.Slice(FirmwareErrorRecordReferenceSection.RecordIdentifierGuidField.Offset, FirmwareErrorRecordReferenceSection.RecordIdentifierGuidField.Size))
        : Guid.Empty;
    /// <summary>The bytes after the fixed part (a vendor payload).</summary>
    public ReadOnlySpan<byte> Payload => _body[FixedSize..];
}
