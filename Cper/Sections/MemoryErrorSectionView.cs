namespace ApeiKit.Cper;

/// <summary>
/// A zero-copy view of a Platform Memory Error Section body (UEFI 2.10 N.2.5, Table N-31): typed accessors over the
/// bytes, read on demand through the section's layout (<see cref="MemoryErrorSection.LayoutDef"/>), with a
/// <c>HasX</c> per field that is true when the field's validation bit is set and the field lies inside the body (a
/// UEFI 2.1-era 73-byte body has no rank number or handles). A value is meaningful only when its <c>HasX</c> is true;
/// outside the body it reads as 0. For an editable copy use <see cref="MemoryErrorSection"/>.
/// </summary>
public readonly ref struct MemoryErrorSectionView
{
    private readonly ReadOnlySpan<byte> _body;

    private MemoryErrorSectionView(ReadOnlySpan<byte> body)
    {
        _body = body;
        ValidationBits = MemoryErrorSection.ValidationBitsField.ReadValue(body);
    }

    /// <summary>A view of <paramref name="body"/>; false when it is too short to hold the validation bits (8 bytes).</summary>
    /// <param name="body">The section body (the bytes the descriptor's offset and length give).</param>
    /// <param name="view">The view, valid while <paramref name="body"/> is.</param>
    public static bool TryRead(ReadOnlySpan<byte> body, out MemoryErrorSectionView view)
    {
        if (body.Length < MemoryErrorSection.ValidationBitsField.End)
        {
            view = default;
            return false;
        }
        view = new MemoryErrorSectionView(body);
        return true;
    }

    /// <summary>The body's bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _body;
    /// <summary>Validation bits (bit n says field n holds meaning).</summary>
    public ulong ValidationBits { get; }
    /// <summary>True when the body has the whole current layout (80 bytes; 73 for the UEFI 2.1 layout).</summary>
    public bool IsCurrentLayout => _body.Length >= MemoryErrorSection.Size;

    /// <summary>Error status valid (bit 0).</summary>
    public bool HasErrorStatus => Has(MemoryErrorSection.ErrorStatusField);
    /// <summary>Error status (UEFI N.2.5; the bits of Table N-11).</summary>
    public ulong ErrorStatus => Get(MemoryErrorSection.ErrorStatusField);
    /// <summary>Physical address valid (bit 1).</summary>
    public bool HasPhysicalAddress => Has(MemoryErrorSection.PhysicalAddressField);
    /// <summary>Physical address of the error.</summary>
    public ulong PhysicalAddress => Get(MemoryErrorSection.PhysicalAddressField);
    /// <summary>Physical address mask valid (bit 2).</summary>
    public bool HasPhysicalAddressMask => Has(MemoryErrorSection.PhysicalAddressMaskField);
    /// <summary>Physical address mask.</summary>
    public ulong PhysicalAddressMask => Get(MemoryErrorSection.PhysicalAddressMaskField);
    /// <summary>Node valid (bit 3).</summary>
    public bool HasNode => Has(MemoryErrorSection.NodeField);
    /// <summary>Node.</summary>
    public ushort Node => (ushort)Get(MemoryErrorSection.NodeField);
    /// <summary>Card valid (bit 4).</summary>
    public bool HasCard => Has(MemoryErrorSection.CardField);
    /// <summary>Card.</summary>
    public ushort Card => (ushort)Get(MemoryErrorSection.CardField);
    /// <summary>Module valid (bit 5).</summary>
    public bool HasModule => Has(MemoryErrorSection.ModuleField);
    /// <summary>Module.</summary>
    public ushort Module => (ushort)Get(MemoryErrorSection.ModuleField);
    /// <summary>Memory error type valid (bit 14).</summary>
    public bool HasMemoryErrorType => Has(MemoryErrorSection.MemoryErrorTypeField);
    /// <summary>Memory error type (Table N-31: 2 single-bit ECC, 3 multi-bit ECC, 14 scrub uncorrected, ...).</summary>
    public byte MemoryErrorType => (byte)Get(MemoryErrorSection.MemoryErrorTypeField);
    /// <summary>Module handle valid (bit 17).</summary>
    public bool HasModuleHandle => Has(MemoryErrorSection.ModuleHandleField);
    /// <summary>Module handle: the DIMM's SMBIOS type 17 handle.</summary>
    public ushort ModuleHandle => (ushort)Get(MemoryErrorSection.ModuleHandleField);

    /// <summary>True when <paramref name="field"/> (one of <see cref="MemoryErrorSection"/>'s fields) has its validation bit set and lies inside the body.</summary>
    /// <param name="field">A field of the memory error section layout.</param>
    public bool Has(FieldDef field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.ValidBit >= 0 && (ValidationBits & (1UL << field.ValidBit)) != 0 && field.End <= _body.Length;
    }

    /// <summary>The value of <paramref name="field"/> (one of <see cref="MemoryErrorSection"/>'s fields), or 0 when it lies outside the body.</summary>
    /// <param name="field">A field of the memory error section layout.</param>
    public ulong Get(FieldDef field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.End <= _body.Length ? field.ReadValue(_body) : 0;
    }
}
