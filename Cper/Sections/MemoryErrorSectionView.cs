namespace ApeiKit.Cper;

// The view's accessors are generated from MemoryErrorSection's declaration (MemoryErrorSection.g.cs); this part adds
// what only the memory section has: two layouts (UEFI 2.10 N.2.5: 80 bytes, 73 as UEFI 2.1/2.2 firmware wrote it).
public readonly ref partial struct MemoryErrorSectionView
{
    /// <summary>True when the body has the whole current layout (80 bytes; 73 for the UEFI 2.1 layout).</summary>
    public bool IsCurrentLayout => _body.Length >= MemoryErrorSection.Size;

    /// <summary><see cref="MemoryErrorType"/> as the spec's enumeration (N.2.5); meaningful when <see cref="HasMemoryErrorType"/>.</summary>
    public global::ApeiKit.Cper.MemoryErrorType ErrorType => (global::ApeiKit.Cper.MemoryErrorType)MemoryErrorType;
}

// Memory error section 2's view (generated from MemoryError2Section's declaration) with the same typed accessor.
public readonly ref partial struct MemoryError2SectionView
{
    /// <summary><see cref="MemoryErrorType"/> as the spec's enumeration (N.2.6); meaningful when <see cref="HasMemoryErrorType"/>.</summary>
    public global::ApeiKit.Cper.MemoryErrorType ErrorType => (global::ApeiKit.Cper.MemoryErrorType)MemoryErrorType;
}
