using System.Buffers.Binary;

namespace ApeiKit.Cper;

/// <summary>
/// CCIX PER log error section (UEFI 2.10 N.2.12): Length (of the whole section), validation bits, CCIX source and
/// port IDs, then the CCIX Protocol Error Record log up to Length. Length is checked against the section body; bytes
/// after Length are kept as <see cref="TrailingBytes"/>.
/// </summary>
public sealed class CcixPerSection : CperSectionBody
{
    /// <summary>Size of the part before the PER log.</summary>
    public const int HeaderSize = 16;
    private const string StructureName = "CCIX PER log error section";

    private readonly byte[] _header = new byte[HeaderSize];

    /// <summary>Header layout (UEFI 2.10 N.2.12, CCIX PER Log Error Section).</summary>
    public static StructDef HeaderLayout { get; } = new(StructureName, HeaderSize,
    [
        FieldDef.UInt("length", "Length", 0, 4, unit: "bytes"),
        FieldDef.Flags("validationBits", "Validation bits", 4, 8, [new(0, "ccixSourceId"), new(1, "ccixPortId"), new(2, "ccixPerLog")]),
        FieldDef.UInt("ccixSourceId", "CCIX source ID", 12, 1, validBit: 0),
        FieldDef.UInt("ccixPortId", "CCIX port ID", 13, 1, validBit: 1),
        FieldDef.Reserved("reserved", 14, 2),
    ], validationField: "validationBits");

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.CcixPer, "CCIX PER Log", Describe, (b, o) => Decode(b, o));

    /// <summary>A new section with an empty PER log.</summary>
    public CcixPerSection()
    {
    }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.CcixPer;

    /// <summary>Validation bits: 0 source ID, 1 port ID, 2 PER log.</summary>
    public ulong ValidationBits { get => BinaryPrimitives.ReadUInt64LittleEndian(_header.AsSpan(4)); set => BinaryPrimitives.WriteUInt64LittleEndian(_header.AsSpan(4), value); }
    /// <summary>CCIX source ID.</summary>
    public byte SourceId { get => _header[12]; set => _header[12] = value; }
    /// <summary>CCIX port ID.</summary>
    public byte PortId { get => _header[13]; set => _header[13] = value; }
    /// <summary>The CCIX PER log (Length is written as 16 plus its length).</summary>
    public byte[] PerLog { get; set; } = [];
    /// <summary>Bytes after Length (kept for round trip).</summary>
    public byte[] TrailingBytes { get; set; } = [];

    /// <inheritdoc/>
    public override int GetEncodedLength() => checked(HeaderSize + PerLog.Length + TrailingBytes.Length);

    /// <inheritdoc/>
    public override bool TryEncode(Span<byte> destination, out int bytesWritten)
        => SectionWalk.TryEncodeLengthPrefixed(_header, PerLog, TrailingBytes, destination, out bytesWritten);

    /// <summary>Decodes the section.</summary>
    /// <exception cref="ApeiContentException">Fewer than 16 bytes, or a Length below 16 or beyond the section body.</exception>
    public static CcixPerSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        int length = Limit(body, baseOffset, out var error);
        if (error is not null) throw error;
        var s = new CcixPerSection();
        body[..HeaderSize].CopyTo(s._header);
        s.PerLog = body[HeaderSize..length].ToArray();
        s.TrailingBytes = body[length..].ToArray();
        return s;
    }

    /// <summary>Describes the header, the PER log (raw: its format is the CCIX specification's) and any bytes after Length.</summary>
    /// <exception cref="ApeiContentException">Fewer than 16 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        int length = Limit(body, baseOffset, out var error);
        HeaderLayout.Describe(body[..HeaderSize], baseOffset, visitor);
        if (error is not null) visitor.Error(error);
        visitor.Data("ccixPerLog", "CCIX PER log", baseOffset + HeaderSize, body[HeaderSize..length]);
        if (length < body.Length) visitor.Data("trailingBytes", "Bytes after Length", baseOffset + length, body[length..]);
    }

    private static int Limit(ReadOnlySpan<byte> body, long baseOffset, out ApeiContentException? error)
    {
        error = null;
        if (body.Length < HeaderSize) ThrowHelper.ThrowTruncated(StructureName, baseOffset, HeaderSize, body.Length);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(body);
        if (length >= HeaderSize && length <= (uint)body.Length) return (int)length;
        error = new ApeiContentException(StructureName, "Length", baseOffset,
            ArmProcessorSection.Inv($"{HeaderSize} to {body.Length} bytes (the section body)"), ArmProcessorSection.Inv($"{length} bytes"));
        return body.Length;
    }
}
