using System.Buffers.Binary;

namespace ApeiKit;

/// <summary>How a field's bytes are interpreted and shown.</summary>
public enum FieldKind
{
    /// <summary>Unsigned integer shown in decimal.</summary>
    UInt,
    /// <summary>Unsigned integer shown in hexadecimal (addresses, IDs, registers).</summary>
    Hex,
    /// <summary>Enumerated value with names (JSON <c>{"value": n, "name": "..."}</c>).</summary>
    Enum,
    /// <summary>Bit flags with names (JSON <c>{"value": n, "names": [...]}</c>).</summary>
    Flags,
    /// <summary>Integer made of named bit fields (JSON <c>{"value": n, field: ...}</c>).</summary>
    Bits,
    /// <summary>16-byte EFI_GUID (JSON: lower-case string).</summary>
    Guid,
    /// <summary>Fixed-width ASCII text, NUL padded.</summary>
    Ascii,
    /// <summary>Raw bytes (JSON: hex string).</summary>
    Bytes,
    /// <summary>8-byte CPER timestamp.</summary>
    Timestamp,
    /// <summary>Reserved bytes: shown in layouts; in JSON only when non-zero.</summary>
    Reserved,
}

/// <summary>A named bit range inside a <see cref="FieldKind.Bits"/> field.</summary>
/// <param name="Json">camelCase JSON name.</param>
/// <param name="Label">Human label.</param>
/// <param name="Bit">Lowest bit.</param>
/// <param name="Width">Number of bits.</param>
/// <param name="Names">Optional value names.</param>
/// <param name="ValidBit">Bit in the enclosing structure's validation field that says this sub-field is valid, or -1.</param>
/// <param name="IsCount">True for a count (shown in decimal however wide); wide fields are otherwise shown in hex.</param>
/// <param name="IsBcd">True for a binary-coded decimal (each 4 bits one decimal digit): 0x30 is shown as 30.</param>
public sealed record BitFieldDef(string Json, string Label, int Bit, int Width, NameTable? Names = null, int ValidBit = -1, bool IsCount = false, bool IsBcd = false)
{
    /// <summary>camelCase JSON name.</summary>
    public string Json { get; init { field = value; EncodedJson = PreEncodedText.Of(value); } } = Json;

    /// <summary><see cref="Json"/> encoded once for <see cref="JsonRenderer"/> (null: the renderer encodes it).</summary>
    internal System.Text.Json.JsonEncodedText? EncodedJson { get; private set; } = PreEncodedText.Of(Json); // the init accessor above runs only for `with`

    /// <summary>Extracts the sub-field from the whole value.</summary>
    public ulong Extract(ulong value) => Width >= 64 ? value >> Bit : (value >> Bit) & ((1UL << Width) - 1);

    /// <summary>The whole value <paramref name="whole"/> with this sub-field replaced by <paramref name="value"/> (cut to <see cref="Width"/> bits); the other bits kept.</summary>
    public ulong Insert(ulong whole, ulong value) => (whole & ~Mask) | ((value << Bit) & Mask);

    /// <summary>
    /// The decimal number a BCD value spells (0x30 gives 30), or false when a digit is above 9 (then the value is not
    /// BCD and is shown as hex).
    /// </summary>
    public static bool TryFromBcd(ulong bcd, out ulong value)
    {
        value = 0;
        ulong scale = 1;
        for (; bcd != 0; bcd >>= 4, scale *= 10)
        {
            ulong digit = bcd & 0xF;
            if (digit > 9) { value = 0; return false; }
            value += digit * scale;
        }
        return true;
    }

    /// <summary>The BCD encoding of a decimal number (30 gives 0x30).</summary>
    public static ulong ToBcd(ulong value)
    {
        ulong bcd = 0;
        for (int shift = 0; value != 0; value /= 10, shift += 4) bcd |= (value % 10) << shift;
        return bcd;
    }

    /// <summary>How an encoder computes this sub-field when it is not given (IA32/X64 ERROR_INFO_NUM in the validation bits), or null.</summary>
    public FieldDerivation? Derive { get; init; }

    /// <summary>Mask of the sub-field in the whole value.</summary>
    public ulong Mask => (Width >= 64 ? ulong.MaxValue : (1UL << Width) - 1) << Bit;
}

/// <summary>
/// One field of a fixed layout: where it sits, how big it is, how to show it, and which validation
/// bit (if any) says it holds meaning. Layout tables built from these drive the text, JSON and
/// layout renderings and JSON input, so each structure's layout is written down once.
/// </summary>
public sealed record FieldDef(string Json, string Label, int Offset, int Size, FieldKind Kind)
{
    /// <summary>camelCase JSON name.</summary>
    public string Json { get; init { field = value; EncodedJson = PreEncodedText.Of(value); } } = Json;

    /// <summary><see cref="Json"/> encoded once for <see cref="JsonRenderer"/> (null: the renderer encodes it).</summary>
    internal System.Text.Json.JsonEncodedText? EncodedJson { get; private set; } = PreEncodedText.Of(Json); // the init accessor above runs only for `with`

    /// <summary>Bit of the structure's validation field, or -1 when always valid.</summary>
    public int ValidBit { get; init; } = -1;
    /// <summary>Names for <see cref="FieldKind.Enum"/> fields (and optionally others).</summary>
    public NameTable? Names { get; init; }
    /// <summary>Names for <see cref="FieldKind.Flags"/> fields.</summary>
    public FlagTable? FlagNames { get; init; }
    /// <summary>Sub-fields for <see cref="FieldKind.Bits"/> fields.</summary>
    public IReadOnlyList<BitFieldDef>? BitFields { get; init; }
    /// <summary>GUID names for <see cref="FieldKind.Guid"/> fields.</summary>
    public Func<Guid, string?>? GuidNames { get; init; }
    /// <summary>Optional unit or remark shown after the value in text ("bytes", "ms").</summary>
    public string? Unit { get; init; }
    /// <summary>How an encoder computes this field when it is not given (a count, a length, a constant), or null.</summary>
    public FieldDerivation? Derive { get; init; }
    /// <summary>
    /// For a field of a nested structure (one with no validation field of its own): the bit of the enclosing structure's
    /// validation field that says the nested structure is valid, or -1. Set by <see cref="StructDef"/>'s
    /// <c>parentValidBit</c>; an encoder given the nested structure sets that bit.
    /// </summary>
    public int ParentValidBit { get; init; } = -1;
    /// <summary>Where the bits of a given value above this field's width go (UEFI N.2.5 row bits 16-17), or null.</summary>
    public FieldSpill? Spill { get; init; }

    /// <summary>
    /// The sub-field named <c>validationBits</c> of a <see cref="FieldKind.Bits"/> field that carries its own validation
    /// bits (UEFI N.2.4.2.1 check information, N.2.4.4 ARM error information: bits 0-15), or null. Sub-field
    /// <see cref="BitFieldDef.ValidBit"/>s of such a field are bits of that sub-field, not of the structure's validation field.
    /// </summary>
    public BitFieldDef? EmbeddedValidation
    {
        get
        {
            if (BitFields is null) return null;
            foreach (var b in BitFields) if (b.Json == "validationBits") return b;
            return null;
        }
    }

    /// <summary>End offset (exclusive).</summary>
    public int End => Offset + Size;

    /// <summary>True for 1, 2, 4 or 8-byte integer kinds.</summary>
    public bool IsNumeric => Kind is FieldKind.UInt or FieldKind.Hex or FieldKind.Enum or FieldKind.Flags or FieldKind.Bits
        || (Kind == FieldKind.Reserved && Size is 1 or 2 or 4 or 8);

    /// <summary>Reads an integer field (1 to 8 bytes, little-endian) from the structure's bytes.</summary>
    /// <exception cref="ApeiContentException">The structure's bytes end before the field does (the field, where it
    /// starts, the bytes it needs and the bytes there are; offsets relative to the structure).</exception>
    public ulong ReadValue(ReadOnlySpan<byte> structure)
    {
        if (End > structure.Length) ThrowHelper.ThrowTruncated(Label, Offset, Size, Math.Max(0, structure.Length - Offset), Json);
        return ReadLittleEndian(structure.Slice(Offset, Size));
    }

    /// <summary>Writes an integer field (1 to 8 bytes, little-endian) into the structure's bytes.</summary>
    public void WriteValue(Span<byte> structure, ulong value) => WriteLittleEndian(structure.Slice(Offset, Size), value);

    /// <summary>
    /// Writes a byte field (bytes, GUID, reserved) into the structure's bytes: shorter input is zero-filled, longer input
    /// is cut to the field. The one rule every model's byte setter follows.
    /// </summary>
    public void WriteBytes(Span<byte> structure, ReadOnlySpan<byte> value)
    {
        var field = structure.Slice(Offset, Size);
        field.Clear();
        value[..Math.Min(value.Length, field.Length)].CopyTo(field);
    }

    /// <summary>Reads 1 to 8 little-endian bytes.</summary>
    public static ulong ReadLittleEndian(ReadOnlySpan<byte> b) => b.Length switch
    {
        1 => b[0],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(b),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(b),
        8 => BinaryPrimitives.ReadUInt64LittleEndian(b),
        _ => ReadOdd(b),
    };

    private static ulong ReadOdd(ReadOnlySpan<byte> b)
    {
        ulong v = 0;
        for (int i = Math.Min(b.Length, 8) - 1; i >= 0; i--) v = v << 8 | b[i];
        return v;
    }

    /// <summary>Writes 1 to 8 little-endian bytes.</summary>
    public static void WriteLittleEndian(Span<byte> b, ulong value)
    {
        switch (b.Length)
        {
            case 1: b[0] = (byte)value; break;
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)value); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)value); break;
            case 8: BinaryPrimitives.WriteUInt64LittleEndian(b, value); break;
            default:
                for (int i = 0; i < b.Length; i++) { b[i] = i < 8 ? (byte)(value >> (8 * i)) : (byte)0; }
                break;
        }
    }

    /// <summary>Decimal integer field.</summary>
    public static FieldDef UInt(string json, string label, int offset, int size, int validBit = -1, string? unit = null)
        => new(json, label, offset, size, FieldKind.UInt) { ValidBit = validBit, Unit = unit };
    /// <summary>Hexadecimal integer field.</summary>
    public static FieldDef Hex(string json, string label, int offset, int size, int validBit = -1)
        => new(json, label, offset, size, FieldKind.Hex) { ValidBit = validBit };
    /// <summary>Enumerated field.</summary>
    public static FieldDef Enum(string json, string label, int offset, int size, NameTable names, int validBit = -1)
        => new(json, label, offset, size, FieldKind.Enum) { Names = names, ValidBit = validBit };
    /// <summary>Flags field.</summary>
    public static FieldDef Flags(string json, string label, int offset, int size, FlagTable names, int validBit = -1)
        => new(json, label, offset, size, FieldKind.Flags) { FlagNames = names, ValidBit = validBit };
    /// <summary>Bit-field integer.</summary>
    public static FieldDef Bits(string json, string label, int offset, int size, IReadOnlyList<BitFieldDef> bits, int validBit = -1)
        => new(json, label, offset, size, FieldKind.Bits) { BitFields = bits, ValidBit = validBit };
    /// <summary>GUID field.</summary>
    public static FieldDef Guid(string json, string label, int offset, Func<Guid, string?>? names = null, int validBit = -1)
        => new(json, label, offset, 16, FieldKind.Guid) { GuidNames = names, ValidBit = validBit };
    /// <summary>ASCII text field.</summary>
    public static FieldDef Ascii(string json, string label, int offset, int size, int validBit = -1)
        => new(json, label, offset, size, FieldKind.Ascii) { ValidBit = validBit };
    /// <summary>Raw bytes field.</summary>
    public static FieldDef Bytes(string json, string label, int offset, int size, int validBit = -1)
        => new(json, label, offset, size, FieldKind.Bytes) { ValidBit = validBit };
    /// <summary>CPER timestamp field.</summary>
    public static FieldDef Timestamp(string json, string label, int offset, int validBit = -1)
        => new(json, label, offset, 8, FieldKind.Timestamp) { ValidBit = validBit };
    /// <summary>Reserved bytes.</summary>
    public static FieldDef Reserved(string json, int offset, int size)
        => new(json, "Reserved", offset, size, FieldKind.Reserved);
}

/// <summary>
/// A fixed layout: a named structure of <see cref="Size"/> bytes and its fields. When
/// <see cref="ValidationField"/> is set, fields with a <see cref="FieldDef.ValidBit"/> are valid
/// only when that bit of the validation field is set.
/// </summary>
public sealed class StructDef
{
    /// <summary>Creates a layout.</summary>
    /// <param name="name">Structure name used in messages and renderings.</param>
    /// <param name="size">Size in bytes.</param>
    /// <param name="fields">Fields in offset order.</param>
    /// <param name="validationField">JSON name of the field whose bits say which others are valid, if any.</param>
    /// <param name="parentValidBit">
    /// For a nested structure with no validation field of its own: the enclosing structure's validation bit that says it
    /// is valid (UEFI N.2.7: PCIe Device ID bit 3, AER Info bit 7), or -1. Stamped on every field as
    /// <see cref="FieldDef.ParentValidBit"/>.
    /// </param>
    public StructDef(string name, int size, IReadOnlyList<FieldDef> fields, string? validationField = null, int parentValidBit = -1)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Name = name;
        Size = size;
        ParentValidBit = parentValidBit;
        Fields = parentValidBit < 0 ? [.. fields] : [.. fields.Select(f => f with { ParentValidBit = parentValidBit })];
        if (validationField is not null)
            ValidationField = Fields.FirstOrDefault(f => f.Json == validationField) ?? throw new ArgumentException($"No field '{validationField}'.", nameof(validationField));
        foreach (var f in fields)
        {
            if (f.Offset < 0 || f.End > size) throw new ArgumentException($"{name}: field {f.Json} [{f.Offset}+{f.Size}] lies outside {size} bytes.");
        }
    }

    /// <summary>
    /// Creates a layout of some of a structure's fields whose validation field is one of the structure's other fields
    /// (not in <paramref name="fields"/>): a part of a structure described on its own, between parts a describer writes
    /// itself (UEFI 2.10 N.2.4.4: the ARM error-information fields after Type, validated by the entry's validation bits,
    /// with the kind named between them). Walks read the validation bits from <paramref name="validationField"/>'s offset
    /// in the whole structure they are given, and report only <paramref name="fields"/>.
    /// </summary>
    /// <param name="name">Structure name used in messages and renderings.</param>
    /// <param name="size">Size in bytes (of the whole structure).</param>
    /// <param name="fields">Fields in offset order.</param>
    /// <param name="validationField">The structure's validation field.</param>
    public StructDef(string name, int size, IReadOnlyList<FieldDef> fields, FieldDef validationField) : this(name, size, fields)
    {
        ArgumentNullException.ThrowIfNull(validationField);
        if (validationField.Offset < 0 || validationField.End > size) throw new ArgumentException($"{name}: validation field {validationField.Json} lies outside {size} bytes.", nameof(validationField));
        ValidationField = validationField;
    }

    /// <summary>Structure name used in messages and renderings.</summary>
    public string Name { get; }
    /// <summary>Size in bytes.</summary>
    public int Size { get; }
    /// <summary>Fields in offset order (an immutable array: <c>foreach</c> over it allocates nothing, as the describers rely on).</summary>
    public System.Collections.Immutable.ImmutableArray<FieldDef> Fields { get; }
    /// <summary>The field whose bits say which other fields are valid, if any.</summary>
    public FieldDef? ValidationField { get; }
    /// <summary>The enclosing structure's validation bit that says this nested structure is valid, or -1.</summary>
    public int ParentValidBit { get; }

    /// <summary>
    /// Announces that this structure starts at <paramref name="offset"/> and is about to be read, to a visitor that builds
    /// bytes (<see cref="IStructureSource"/>); nothing for renderers. See <see cref="IStructureSource.Prefill"/>.
    /// </summary>
    public void Prefill(StructureVisitor visitor, long offset, string? arrayJson = null, int index = -1)
    {
        if (visitor is IStructureSource source) source.Prefill(this, offset, arrayJson, index);
    }

    /// <summary>Finds a field by JSON name.</summary>
    public FieldDef? Find(string json)
    {
        foreach (var f in Fields) if (f.Json == json) return f;
        return null;
    }

    /// <summary>Reads the validation bits, or all ones when there is no validation field (or it is cut off).</summary>
    public ulong ReadValidationBits(ReadOnlySpan<byte> structure)
        => ValidationField is { } v && v.End <= structure.Length ? v.ReadValue(structure) : ulong.MaxValue;

    /// <summary>True when <paramref name="field"/> is valid given <paramref name="validationBits"/>.</summary>
    public static bool IsValid(FieldDef field, ulong validationBits) => field.ValidBit < 0 || (validationBits >> field.ValidBit & 1) != 0;

    /// <summary>
    /// Reports every field present in <paramref name="structure"/> to <paramref name="visitor"/>; fields that
    /// the bytes do not reach (older, shorter layouts) are skipped. <paramref name="baseOffset"/> is the
    /// absolute offset of the structure in the input.
    /// </summary>
    /// <remarks>The visitor gets the whole layout (<see cref="StructureVisitor.Layout"/>), which by default reports field by field.</remarks>
    public void Describe(ReadOnlySpan<byte> structure, long baseOffset, StructureVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        visitor.Layout(this, structure, baseOffset);
    }

    /// <summary>
    /// Reports the fields of this nested structure (one with no validation field of its own) present in
    /// <paramref name="structure"/>, each valid or not as <paramref name="valid"/> says (the enclosing structure's bit).
    /// </summary>
    /// <remarks>The visitor gets the whole layout (<see cref="StructureVisitor.NestedLayout"/>), which by default reports field by field.</remarks>
    public void DescribeNested(ReadOnlySpan<byte> structure, long baseOffset, StructureVisitor visitor, bool valid)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        visitor.NestedLayout(this, structure, baseOffset, valid);
    }

    // This layout compiled for the compact JSON renderer, per encoder (CompiledJsonLayout.Encoders), built on first use.
    private CompiledJsonLayout? _jsonDefault, _jsonRelaxed;

    /// <summary>This layout compiled for the compact JSON renderer with encoder <paramref name="encoder"/> of <see cref="CompiledJsonLayout.Encoders"/>.</summary>
    internal CompiledJsonLayout CompiledJson(int encoder)
    {
        ref var slot = ref encoder == 0 ? ref _jsonDefault : ref _jsonRelaxed;
        if (Volatile.Read(ref slot) is { } built) return built;
        var made = CompiledJsonLayout.Build(this, CompiledJsonLayout.Encoders[encoder]);
        return Interlocked.CompareExchange(ref slot, made, null) ?? made; // two threads may build it; one copy is kept
    }
}
