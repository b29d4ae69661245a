namespace ApeiKit.Cper;

// The view's accessors are generated from MemoryErrorSection's declaration (MemoryErrorSection.g.cs); this part adds
// what only the memory section has: two layouts (UEFI 2.10 N.2.5: 80 bytes, 73 as UEFI 2.1/2.2 firmware wrote it).
public readonly ref partial struct MemoryErrorSectionView
{
    /// <summary>True when the body has the whole current layout (80 bytes; 73 for the UEFI 2.1 layout).</summary>
    public bool IsCurrentLayout => _body.Length >= MemoryErrorSection.Size;
}
