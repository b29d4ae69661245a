namespace ApeiKit.Hest;

/// <summary>
/// The bytes behind a layout declared with ApeiKit.Generators in Hest and Ghes (docs/DESIGN.md "One declaration per
/// structure"): the generated property bodies of a <c>[Layout]</c> class read and write through <see cref="Get"/> and
/// <see cref="Set"/> by the generated <c>XField</c> statics, as a CPER section's do through <c>FixedSectionBody</c>. A
/// declaration here has no CPER section scaffolding and its bytes are always the whole layout (ACPI structures have no
/// older, shorter forms to grow from).
/// </summary>
internal abstract class DeclaredStructure
{
    private readonly StructDef _layout;

    /// <summary>A structure over a copy of the first <see cref="StructDef.Size"/> bytes of <paramref name="bytes"/> (zero-filled when fewer are given).</summary>
    protected DeclaredStructure(StructDef layout, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(layout);
        _layout = layout;
        Bytes = new byte[layout.Size];
        bytes[..Math.Min(bytes.Length, Bytes.Length)].CopyTo(Bytes);
    }

    /// <summary>The structure's bytes (the layout's size).</summary>
    public byte[] Bytes { get; }

    /// <summary>Reads an integer field.</summary>
    protected ulong Get(FieldDef field) => field.ReadValue(Bytes);

    /// <summary>Writes an integer field (truncated to its size) and sets its validation bit, if the layout has a validation field.</summary>
    protected void Set(FieldDef field, ulong value)
    {
        field.WriteValue(Bytes, value);
        MarkValid(field.ValidBit);
    }

    /// <summary>The bytes of a field (a copy).</summary>
    protected byte[] GetBytes(FieldDef field) => Bytes.AsSpan(field.Offset, field.Size).ToArray();

    /// <summary>The bytes a generated GUID getter reads, in place (Guid's span constructor: no array per read).</summary>
    protected ReadOnlySpan<byte> GuidBytes(FieldDef field) => Bytes.AsSpan(field.Offset, field.Size);

    /// <summary>Writes the bytes of a field (shorter input zero-filled, longer cut) and sets its validation bit.</summary>
    protected void SetBytes(FieldDef field, ReadOnlySpan<byte> value)
    {
        field.WriteBytes(Bytes, value);
        MarkValid(field.ValidBit);
    }

    /// <summary>A NUL-padded ASCII field up to its first NUL.</summary>
    protected string GetAscii(FieldDef field) => AsciiField.Decode(Bytes.AsSpan(field.Offset, field.Size));

    /// <summary>Writes an ASCII field (cut to the field, NUL padded; a character above 0x7F is written as '?') and sets its validation bit.</summary>
    protected void SetAscii(FieldDef field, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        AsciiField.EncodeCut(Bytes.AsSpan(field.Offset, field.Size), value);
        MarkValid(field.ValidBit);
    }

    private void MarkValid(int bit)
    {
        if (bit < 0 || _layout.ValidationField is not { } v) return;
        v.WriteValue(Bytes, v.ReadValue(Bytes) | 1UL << bit);
    }
}
