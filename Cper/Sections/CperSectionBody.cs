using System.Buffers;

namespace ApeiKit.Cper;

/// <summary>Describes a section body's bytes to a visitor (rendering straight from the input).</summary>
/// <param name="body">The section body, exactly SectionLength bytes.</param>
/// <param name="baseOffset">Absolute offset of the body in the input.</param>
/// <param name="visitor">Receives fields; the body object has already been opened by the caller.</param>
public delegate void SectionDescriber(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor);

/// <summary>Decodes a section body into its editable model; throws <see cref="ApeiContentException"/> for malformed content.</summary>
public delegate CperSectionBody SectionDecoder(ReadOnlySpan<byte> body, long baseOffset);

/// <summary>A <see cref="SectionDescriber"/> that reads the decode options (limits, ARM error-type reading) it is handed.</summary>
/// <param name="body">The section body, exactly SectionLength bytes.</param>
/// <param name="baseOffset">Absolute offset of the body in the input.</param>
/// <param name="visitor">Receives fields; the body object has already been opened by the caller.</param>
/// <param name="options">The options of the describe call.</param>
public delegate void SectionOptionsDescriber(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor, CperDecodeOptions options);

/// <summary>A <see cref="SectionDecoder"/> that reads the decode options (limits, ARM error-type reading) it is handed.</summary>
/// <param name="body">The section body, exactly SectionLength bytes.</param>
/// <param name="baseOffset">Absolute offset of the body in the input.</param>
/// <param name="options">The options of the decode call.</param>
public delegate CperSectionBody SectionOptionsDecoder(ReadOnlySpan<byte> body, long baseOffset, CperDecodeOptions options);

/// <summary>
/// An editable, encodable section body. Every body re-encodes to exactly the bytes it was decoded
/// from (padding and reserved bytes included).
/// </summary>
public abstract class CperSectionBody : IApeiEncodable
{
    /// <summary>The section type GUID this body encodes.</summary>
    public abstract Guid SectionType { get; }

    /// <summary>Bytes <see cref="TryEncode"/> will write.</summary>
    public abstract int GetEncodedLength();

    /// <summary>Writes the body; false when <paramref name="destination"/> is too small.</summary>
    public abstract bool TryEncode(Span<byte> destination, out int bytesWritten);

    /// <summary>Describes the encoded body with the describer for its type in <paramref name="options"/>' registry.</summary>
    /// <param name="visitor">Receives the walk.</param>
    /// <param name="baseOffset">Absolute offset the body is shown at.</param>
    /// <param name="options">The section codecs, limits and ARM error-type reading; null: <see cref="CperDecodeOptions.Default"/>.</param>
    public void Describe(StructureVisitor visitor, long baseOffset = 0, CperDecodeOptions? options = null)
    {
        options ??= CperDecodeOptions.Default;
        options.Sections.DescribeBody(SectionType, this.Encode(), baseOffset, visitor, options);
    }

    /// <summary>The encoding of a body kept as its bytes: a copy of <paramref name="bytes"/>; false when <paramref name="destination"/> is too small.</summary>
    private protected static bool TryCopyEncoded(byte[] bytes, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (!bytes.AsSpan().TryCopyTo(destination)) return false;
        bytesWritten = bytes.Length;
        return true;
    }

    /// <summary>
    /// Where a section whose header's Length counts the header and the log after it ends (CCIX PER, UEFI 2.10 N.2.12; CXL
    /// component event, N.2.14): Length when it covers the header and fits the body, else the body's end, with the error
    /// that says so in <paramref name="error"/>.
    /// </summary>
    /// <exception cref="ApeiContentException">The body is shorter than the header.</exception>
    private protected static int LengthLimit(ReadOnlySpan<byte> body, long baseOffset, string structure, int headerSize, FieldDef lengthField, out ApeiContentException? error)
    {
        error = null;
        if (body.Length < headerSize) ThrowHelper.ThrowTruncated(structure, baseOffset, headerSize, body.Length);
        ulong length = lengthField.ReadValue(body);
        if (length >= (ulong)headerSize && length <= (ulong)body.Length) return (int)length;
        error = new ApeiContentException(structure, "Length", baseOffset + lengthField.Offset,
            FormattableString.Invariant($"{headerSize} to {body.Length} bytes (the section body)"), FormattableString.Invariant($"{length} bytes"));
        return body.Length;
    }

    /// <summary>
    /// The describer's start of such a section (<see cref="LengthLimit"/>): the header's fields, then the error when
    /// Length does not fit; returns where the log ends (Length, or the body's end).
    /// </summary>
    /// <exception cref="ApeiContentException">The body is shorter than the header.</exception>
    private protected static int DescribeLengthPrefixedHeader(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor, string structure, StructDef header, FieldDef lengthField)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        int length = LengthLimit(body, baseOffset, structure, header.Size, lengthField, out var error);
        header.Describe(body[..header.Size], baseOffset, visitor);
        if (error is not null) visitor.Error(error);
        return length;
    }

    /// <summary>
    /// The decoder's read of such a section (<see cref="LengthLimit"/>): the header copied into <paramref name="header"/>
    /// (its length is the header's size), then the log up to Length and the bytes after it (kept for round trip).
    /// </summary>
    /// <exception cref="ApeiContentException">The body is shorter than the header, or Length is below it or beyond the body.</exception>
    private protected static (byte[] Log, byte[] Trailing) DecodeLengthPrefixed(ReadOnlySpan<byte> body, long baseOffset, string structure, FieldDef lengthField, byte[] header)
    {
        int length = LengthLimit(body, baseOffset, structure, header.Length, lengthField, out var error);
        if (error is not null) throw error;
        body[..header.Length].CopyTo(header);
        return (body[header.Length..length].ToArray(), body[length..].ToArray());
    }
}

/// <summary>
/// A section body kept as bytes: unknown GUIDs, vendor sections, or any section whose type has no
/// structured decoder. Round-trips exactly.
/// </summary>
public sealed class RawSectionBody(Guid sectionType, byte[] data) : CperSectionBody
{
    /// <inheritdoc/>
    public override Guid SectionType { get; } = sectionType;

    /// <summary>The body bytes.</summary>
    public byte[] Data { get; set; } = data ?? throw new ArgumentNullException(nameof(data));

    /// <inheritdoc/>
    public override int GetEncodedLength() => Data.Length;

    /// <inheritdoc/>
    public override bool TryEncode(Span<byte> destination, out int bytesWritten) => TryCopyEncoded(Data, destination, out bytesWritten);

    /// <summary>Describes raw bytes.</summary>
    public static void DescribeRaw(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
        => visitor.Data("data", "Raw data", baseOffset, body);
}

/// <summary>
/// A section body that is one byte array read and written through a fixed layout (the layout's
/// fields give typed access). Trailing bytes beyond the layout (padding seen in real captures)
/// are kept.
/// </summary>
public abstract class FixedSectionBody : CperSectionBody
{
    /// <summary>The body bytes.</summary>
    protected byte[] Bytes { get; private set; }

    /// <summary>Creates a body over a copy of <paramref name="bytes"/>, or a zeroed body of the layout size.</summary>
    protected FixedSectionBody(StructDef layout, ReadOnlySpan<byte> bytes = default)
    {
        Layout = layout;
        Bytes = bytes.IsEmpty ? new byte[layout.Size] : bytes.ToArray();
    }

    /// <summary>The layout.</summary>
    public StructDef Layout { get; }

    /// <summary>The current bytes (a copy).</summary>
    public byte[] ToArray() => (byte[])Bytes.Clone();

    /// <summary>Reads an integer field.</summary>
    protected ulong Get(FieldDef field) => field.End <= Bytes.Length ? field.ReadValue(Bytes) : 0;

    /// <summary>
    /// Writes an integer field (grows a short, older-layout body to the full layout when needed) and sets the field's
    /// validation bit (<see cref="FieldDef.ValidBit"/>), as the ARM and IA32/X64 models' setters do: a value set is a value
    /// meant. Set <c>ValidationBits</c> afterwards to say otherwise.
    /// </summary>
    protected void Set(FieldDef field, ulong value)
    {
        ArgumentNullException.ThrowIfNull(field);
        Grow(field);
        field.WriteValue(Bytes, value);
        MarkValid(field.ValidBit);
    }

    /// <summary>Reads the bytes of a field (a copy; empty when a short body does not reach it).</summary>
    protected byte[] GetBytes(FieldDef field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.End <= Bytes.Length ? Bytes.AsSpan(field.Offset, field.Size).ToArray() : [];
    }

    /// <summary>Writes the bytes of a field (shorter input is zero-filled, longer input is cut to the field) and sets its validation bit.</summary>
    protected void SetBytes(FieldDef field, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(field);
        Grow(field);
        field.WriteBytes(Bytes, value);
        MarkValid(field.ValidBit);
    }

    /// <summary>Reads a NUL-padded ASCII field (empty when a short body does not reach it).</summary>
    protected string GetAscii(FieldDef field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.End <= Bytes.Length ? AsciiField.Decode(Bytes.AsSpan(field.Offset, field.Size)) : "";
    }

    /// <summary>Writes an ASCII field (cut to the field, NUL padded; a character above 0x7F is written as '?') and sets its validation bit.</summary>
    protected void SetAscii(FieldDef field, string value)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(value);
        Grow(field);
        AsciiField.EncodeCut(Bytes.AsSpan(field.Offset, field.Size), value);
        MarkValid(field.ValidBit);
    }

    /// <summary>Sets bit <paramref name="bit"/> of the layout's validation field (nothing for -1 or a layout without one).</summary>
    protected void MarkValid(int bit)
    {
        if (bit < 0 || Layout.ValidationField is not { } v) return;
        Grow(v);
        v.WriteValue(Bytes, v.ReadValue(Bytes) | 1UL << bit);
    }

    private void Grow(FieldDef field)
    {
        if (field.End <= Bytes.Length) return;
        var grown = new byte[Layout.Size];
        Bytes.CopyTo(grown, 0);
        Bytes = grown;
    }

    /// <summary>Reads an integer field by its JSON name (the layout's names, e.g. "physicalAddress").</summary>
    /// <exception cref="ArgumentException">No integer field of that name.</exception>
    public ulong GetField(string json) => Get(FindInteger(json));

    /// <summary>Writes an integer field by its JSON name, and sets its validation bit (see <see cref="Set"/>).</summary>
    /// <exception cref="ArgumentException">No integer field of that name.</exception>
    public void SetField(string json, ulong value) => Set(FindInteger(json), value);

    /// <summary>Reads the bytes of any field by its JSON name (a copy; empty when a short body does not reach it).</summary>
    /// <exception cref="ArgumentException">No field of that name.</exception>
    public byte[] GetFieldBytes(string json) => GetBytes(FindField(json));

    /// <summary>Writes the bytes of any field by its JSON name (shorter input is zero-filled, longer input is cut to the field) and sets its validation bit.</summary>
    /// <exception cref="ArgumentException">No field of that name.</exception>
    public void SetFieldBytes(string json, ReadOnlySpan<byte> value) => SetBytes(FindField(json), value);

    private FieldDef FindField(string json) => Layout.Find(json) ?? throw new ArgumentException($"No field '{json}' in {Layout.Name}.", nameof(json));

    private FieldDef FindInteger(string json)
    {
        var f = Layout.Find(json);
        if (f is null || !f.IsNumeric || f.Size > 8) throw new ArgumentException($"No integer field '{json}' in {Layout.Name}.", nameof(json));
        return f;
    }

    /// <inheritdoc/>
    public override int GetEncodedLength() => Bytes.Length;

    /// <inheritdoc/>
    public override bool TryEncode(Span<byte> destination, out int bytesWritten) => TryCopyEncoded(Bytes, destination, out bytesWritten);
}
