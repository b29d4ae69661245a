namespace ApeiKit.Platform;

/// <summary>One guest RAM slot: guest physical addresses [Gpa, Gpa+Size) are backed by the VMM's host virtual addresses [Hva, Hva+Size).</summary>
/// <param name="Gpa">Guest physical base.</param>
/// <param name="Hva">Host virtual base in the VMM process.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Name">Slot name ("ram0").</param>
public sealed record MemorySlot(ulong Gpa, ulong Hva, ulong Size, string Name)
{
    /// <summary>True when the slot backs <paramref name="hva"/>.</summary>
    public bool ContainsHva(ulong hva) => hva >= Hva && hva - Hva < Size;
    /// <summary>True when the slot covers <paramref name="gpa"/>.</summary>
    public bool ContainsGpa(ulong gpa) => gpa >= Gpa && gpa - Gpa < Size;
}

/// <summary>
/// The VMM's memory map (what KVM calls memory slots): several slots with gaps between them. Translating a
/// host virtual address that no slot backs fails: such an address is not the guest's business.
/// </summary>
public sealed class MemoryMap
{
    private readonly List<MemorySlot> _slots = [];

    /// <summary>The slots, in the order added.</summary>
    public IReadOnlyList<MemorySlot> Slots => _slots;

    /// <summary>Adds a slot; overlapping guest or host ranges are refused.</summary>
    /// <exception cref="ArgumentException">The slot overlaps another or wraps around.</exception>
    public void Add(MemorySlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        if (slot.Size == 0 || slot.Gpa + slot.Size < slot.Gpa || slot.Hva + slot.Size < slot.Hva)
            throw new ArgumentException($"Slot {slot.Name} is empty or wraps around.", nameof(slot));
        foreach (var s in _slots)
        {
            if (slot.Gpa < s.Gpa + s.Size && s.Gpa < slot.Gpa + slot.Size) throw new ArgumentException($"Slot {slot.Name} overlaps {s.Name} in guest physical space.", nameof(slot));
            if (slot.Hva < s.Hva + s.Size && s.Hva < slot.Hva + slot.Size) throw new ArgumentException($"Slot {slot.Name} overlaps {s.Name} in host virtual space.", nameof(slot));
        }
        _slots.Add(slot);
    }

    /// <summary>Host virtual to guest physical; false when no slot backs the address.</summary>
    public bool TryHvaToGpa(ulong hva, out ulong gpa, out MemorySlot? slot)
    {
        foreach (var s in _slots)
        {
            if (s.ContainsHva(hva)) { gpa = s.Gpa + (hva - s.Hva); slot = s; return true; }
        }
        gpa = 0;
        slot = null;
        return false;
    }

    /// <summary>Guest physical to host virtual; false outside guest RAM.</summary>
    public bool TryGpaToHva(ulong gpa, out ulong hva)
    {
        foreach (var s in _slots)
        {
            if (s.ContainsGpa(gpa)) { hva = s.Hva + (gpa - s.Gpa); return true; }
        }
        hva = 0;
        return false;
    }
}
