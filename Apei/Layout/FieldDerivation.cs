namespace ApeiKit;

/// <summary>What a <see cref="FieldDerivation"/> computes a field from.</summary>
public enum DerivationKind
{
    /// <summary>The number of elements of an array member of the same object (ARM ERR_INFO_NUM, IA32/X64 ERROR_INFO_NUM).</summary>
    CountOf,
    /// <summary>The byte length of one of several alternative members of the same object (a hex string, or an object or array of a layout the selector field picks).</summary>
    LengthOf,
    /// <summary>
    /// The length of the structure the field belongs to: the whole section for a section header's field (ARM Section
    /// Length); a nested structure's own bytes for its field (ARM RAS auxiliary data size, address-space context Length).
    /// </summary>
    StructureLength,
    /// <summary>A value the specification fixes (ARM error-information Length 32).</summary>
    Constant,
    /// <summary>
    /// Where a member's bytes start, counted from the start of the field's structure; 0 when the member is an optional
    /// part that is absent (ARM RAS syndrome array and auxiliary data offsets, key/value pair array offset).
    /// </summary>
    OffsetOf,
}

/// <summary>
/// How an encoder derives a count, length or constant field from what it is given (JSON, a model) when the field itself is
/// not given: declared once beside the field in its layout, so every encoder of that layout derives it the same way.
/// A value given explicitly always wins.
/// </summary>
public sealed record FieldDerivation
{
    private FieldDerivation(DerivationKind kind) => Kind = kind;

    /// <summary>What the value is computed from.</summary>
    public DerivationKind Kind { get; }

    /// <summary>For <see cref="DerivationKind.CountOf"/> and <see cref="DerivationKind.OffsetOf"/> the member; for <see cref="DerivationKind.LengthOf"/> the members whose length counts, first present wins.</summary>
    public IReadOnlyList<string> Members { get; private init; } = [];

    /// <summary>For <see cref="DerivationKind.Constant"/>: the value.</summary>
    public ulong Value { get; private init; }

    /// <summary>For <see cref="DerivationKind.LengthOf"/>: the field of the same structure that picks the layout of an object or array member.</summary>
    public FieldDef? Selector { get; private init; }

    /// <summary>For <see cref="DerivationKind.LengthOf"/>: the layout of one element (or of the object) for a selector value; null when the selector has none.</summary>
    public Func<ulong, StructDef?>? LayoutFor { get; private init; }

    /// <summary>The number of elements of the array member <paramref name="arrayJson"/>.</summary>
    public static FieldDerivation CountOf(string arrayJson) => new(DerivationKind.CountOf) { Members = [arrayJson] };

    /// <summary>
    /// The offset of the member <paramref name="json"/> (an array or an optional part laid out after the structure's
    /// fixed bytes) from the structure's start, 0 when an optional part is absent. An encoder that lays the parts out
    /// itself derives it (the libcper read-back); one that walks the bytes by the offsets (the JSON builder) takes it
    /// from the JSON.
    /// </summary>
    public static FieldDerivation OffsetOf(string json) => new(DerivationKind.OffsetOf) { Members = [json] };

    /// <summary>A value the specification fixes.</summary>
    public static FieldDerivation Constant(ulong value) => new(DerivationKind.Constant) { Value = value };

    /// <summary>The length of the structure being built (see <see cref="DerivationKind.StructureLength"/>).</summary>
    public static FieldDerivation StructureLength { get; } = new(DerivationKind.StructureLength);

    /// <summary>
    /// The byte length of the first of <paramref name="members"/> present: a hex string's bytes, an object's layout size, or an
    /// array's element count times its element layout size, the layout picked by <paramref name="selector"/>'s value.
    /// </summary>
    public static FieldDerivation LengthOf(FieldDef selector, Func<ulong, StructDef?> layoutFor, params string[] members)
        => new(DerivationKind.LengthOf) { Members = members, Selector = selector, LayoutFor = layoutFor };
}

/// <summary>
/// Bits of a value wider than its field that the specification stores in another field of the same structure (UEFI 2.10
/// N.2.5: a memory row of 18 bits keeps bits 0-15 in Row and bits 16-17 in Extended bits 0-1, valid with validation bit
/// 18). An encoder given the whole value splits it.
/// </summary>
/// <param name="Into">The field that holds the high bits.</param>
/// <param name="Bit">Lowest bit of <paramref name="Into"/> that holds them.</param>
/// <param name="Width">How many high bits it holds.</param>
/// <param name="ValidBit">Validation bit of the structure that says the high bits are valid, or -1.</param>
public sealed record FieldSpill(FieldDef Into, int Bit, int Width, int ValidBit);

/// <summary>
/// Implemented by visitors that build bytes from a description (the JSON builder) rather than render bytes. A describer
/// that reads a structure's bytes to decide its walk before it reports them (a context header's type and size, the error
/// types that pick an encoding) announces the structure first through <see cref="StructDef.Prefill"/>, so the builder can
/// write those bytes from its description before they are read: the walk then needs no second pass to learn them.
/// Rendering visitors do not implement it, and the calls cost them one type test.
/// </summary>
public interface IStructureSource
{
    /// <summary>
    /// Writes the fields of <paramref name="layout"/> at <paramref name="offset"/> from the description of the structure
    /// about to be walked: element <paramref name="index"/> of the array member <paramref name="arrayJson"/> of the current
    /// object, or, with no member, the next element of the current array (or the current object outside an array).
    /// </summary>
    void Prefill(StructDef layout, long offset, string? arrayJson, int index);

    /// <summary>
    /// True when the description of the structure about to be walked (as for <see cref="Prefill"/>) shows
    /// <paramref name="json"/> as a note (text) rather than bytes: the describer should take the branch that renders it
    /// so (ARM context padding "none: ..."). Null when the member is absent.
    /// </summary>
    bool? ShowsNote(string json);
}
