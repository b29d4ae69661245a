using System.Buffers.Binary;
using System.Globalization;

namespace ApeiKit.Cper;

/// <summary>
/// Firmware error record reference (UEFI 2.10 N.2.10, Table N-43). Revision 0 is 16 bytes (record type,
/// revision, 6 reserved bytes, record identifier); revision 1 and later add the 16-byte record identifier
/// GUID (32 bytes). Windows WHEA and Intel Crash Log records put a payload after the fixed part
/// (record type 2, "SOC firmware error record type 2"); the payload is kept as bytes and re-encoded.
/// </summary>
public sealed class FirmwareErrorRecordReferenceSection : CperSectionBody
{
    /// <summary>Size of the revision 0 layout.</summary>
    public const int Revision0Size = 16;
    /// <summary>Size of the revision 1 and later layout.</summary>
    public const int Size = 32;
    private const string StructureName = "Firmware error record reference";

    /// <summary>Firmware Error Record Type (N.2.10).</summary>
    public static NameTable RecordTypes { get; } = [
        new(0, "IPF SAL error record"), new(1, "SOC firmware error record type 1 (legacy Crash Log)"), new(2, "SOC firmware error record type 2"),
    ];

    private static readonly FieldDef s_type = FieldDef.Enum("recordType", "Firmware error record type", 0, 1, RecordTypes);
    private static readonly FieldDef s_revision = FieldDef.UInt("revision", "Revision", 1, 1);
    private static readonly FieldDef s_reserved = FieldDef.Reserved("reserved", 2, 6);
    private static readonly FieldDef s_id = FieldDef.Hex("recordIdentifier", "Record identifier", 8, 8);
    private static readonly FieldDef s_guid = FieldDef.Guid("recordIdentifierGuid", "Record identifier GUID", 16, CperGuids.SectionName);

    /// <summary>Layout of revision 0 (UEFI 2.10 Table N-43, without the GUID extension).</summary>
    public static StructDef Revision0Layout { get; } = new(StructureName + " (revision 0)", Revision0Size, [s_type, s_revision, s_reserved, s_id]);

    /// <summary>Layout of revision 1 and later (UEFI 2.10 Table N-43).</summary>
    public static StructDef LayoutDef { get; } = new(StructureName, Size, [s_type, s_revision, s_reserved, s_id, s_guid]);

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.FirmwareErrorRecordReference, "Firmware Error Record Reference", Describe, (b, o) => Decode(b, o));

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.FirmwareErrorRecordReference;

    /// <summary>Firmware error record type (see <see cref="RecordTypes"/>).</summary>
    public byte RecordType { get; set; }
    /// <summary>Header revision: 0 (16-byte layout) or 1 and later (32-byte layout with the GUID). New sections use 2.</summary>
    public byte Revision { get; set; } = 2;
    /// <summary>The 6 reserved bytes (kept as read).</summary>
    public byte[] Reserved { get; set; } = new byte[6];
    /// <summary>Record identifier (the firmware error record's ID for record types 0 and 1).</summary>
    public ulong RecordIdentifier { get; set; }
    /// <summary>Record identifier GUID (revision 1 and later; type 2 records name their payload format with it).</summary>
    public Guid RecordIdentifierGuid { get; set; }
    /// <summary>Bytes after the fixed part (vendor payload, e.g. a Crash Log or WHEA firmware record).</summary>
    public byte[] Payload { get; set; } = [];

    /// <summary>Size of the fixed part for <paramref name="revision"/>.</summary>
    public static int FixedSize(byte revision) => revision == 0 ? Revision0Size : Size;

    /// <summary>Decodes the fixed part for the section's revision and keeps the rest as <see cref="Payload"/>.</summary>
    /// <exception cref="ApeiContentException">The body is shorter than its revision's layout.</exception>
    public static FirmwareErrorRecordReferenceSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        int size = CheckLength(body, baseOffset);
        return new FirmwareErrorRecordReferenceSection
        {
            RecordType = body[0],
            Revision = body[1],
            Reserved = body.Slice(2, 6).ToArray(),
            RecordIdentifier = BinaryPrimitives.ReadUInt64LittleEndian(body[8..]),
            RecordIdentifierGuid = size == Size ? new Guid(body.Slice(16, 16)) : Guid.Empty,
            Payload = body[size..].ToArray(),
        };
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
            throw new ApeiContentException(StructureName, size == Size && body.Length >= 16 ? "RecordIdentifierGuid" : "RecordIdentifier", baseOffset + (size == Size && body.Length >= 16 ? 16 : 8),
                string.Create(CultureInfo.InvariantCulture, $"{size} bytes for revision {body[1]}"), string.Create(CultureInfo.InvariantCulture, $"{body.Length} bytes"), "truncated");
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
        var d = destination[..total];
        d[..size].Clear();
        d[0] = RecordType;
        d[1] = Revision;
        Reserved.AsSpan(0, Math.Min(6, Reserved.Length)).CopyTo(d[2..]);
        BinaryPrimitives.WriteUInt64LittleEndian(d[8..], RecordIdentifier);
        if (size == Size) RecordIdentifierGuid.TryWriteBytes(d.Slice(16, 16));
        Payload.CopyTo(d[size..]);
        bytesWritten = total;
        return true;
    }
}
