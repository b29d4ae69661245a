namespace ApeiKit.Cper;

/// <summary>Small helpers shared by the section describers and models.</summary>
internal static class SectionWalk
{
    /// <summary>
    /// Reports the fields of a sub-structure (one that has no validation field of its own) whose
    /// meaning depends on one validation bit of the enclosing structure.
    /// </summary>
    /// <remarks>The visitor gets the whole layout (<see cref="StructDef.DescribeNested"/>): the compact JSON renderer writes it from its compiled form.</remarks>
    public static void Fields(StructDef def, ReadOnlySpan<byte> structure, long baseOffset, StructureVisitor visitor, bool valid)
        => def.DescribeNested(structure, baseOffset, visitor, valid);

    /// <summary>
    /// The register called <paramref name="name"/> (its label, any case, or its JSON name) in <paramref name="layout"/>, the
    /// register layout of a processor context's type (IA32/X64 UEFI 2.10 N.2.4.2.2, ARM N.2.4.4), when the register array
    /// is exactly that layout's size.
    /// </summary>
    /// <exception cref="ArgumentException">No layout for the type, an array of another size, or no such register.</exception>
    public static FieldDef FindRegister(StructDef? layout, ushort registerContextType, int arrayLength, string name)
    {
        if (layout is null || layout.Size != arrayLength) throw new ArgumentException($"Register context type {registerContextType} with a {arrayLength}-byte array has no named registers.", nameof(name));
        foreach (var f in layout.Fields)
        {
            if (string.Equals(f.Label, name, StringComparison.OrdinalIgnoreCase) || f.Json == name) return f;
        }
        throw new ArgumentException($"No register '{name}' in {layout.Name}.", nameof(name));
    }

    /// <summary>
    /// Starts a processor context-information structure (IA32/X64 UEFI 2.10 N.2.4.2.2, ARM N.2.4.4): an object named by
    /// its register context type (<paramref name="typeField"/> read from the header), then the header's fields.
    /// </summary>
    /// <returns>The register context type.</returns>
    public static ushort BeginContext(ReadOnlySpan<byte> context, int index, long offset, long length, StructDef header, FieldDef typeField, NameTable typeNames, StructureVisitor visitor)
    {
        ushort type = (ushort)typeField.ReadValue(context);
        string typeName = typeNames[type] ?? FormattableString.Invariant($"reserved register context type {type}");
        visitor.BeginObject(null, $"Context information #{index}: {typeName}", offset, length);
        header.Describe(context[..header.Size], offset, visitor);
        return type;
    }

    /// <summary>
    /// A context structure's register array as its type's register layout (one object), when the array is exactly that
    /// size: true; otherwise nothing is reported and the caller shows another form or <see cref="RawRegisters"/>.
    /// </summary>
    public static bool FixedRegisters(StructDef? layout, ReadOnlySpan<byte> array, long arrayOffset, StructureVisitor visitor)
    {
        if (layout is null || array.Length != layout.Size) return false;
        visitor.BeginObject("registers", "Registers", arrayOffset, array.Length);
        layout.Describe(array, arrayOffset, visitor);
        visitor.EndObject();
        return true;
    }

    /// <summary>A context structure's register array as raw bytes, with a note when its type has a layout of another size.</summary>
    public static void RawRegisters(StructDef? layout, ReadOnlySpan<byte> array, long arrayOffset, StructureVisitor visitor)
    {
        if (layout is not null) visitor.Info("registerArrayNote", "Register array", FormattableString.Invariant($"{array.Length} bytes, not the {layout.Size} bytes of this type's registers: shown raw"));
        visitor.Data("registerArray", "Register array", arrayOffset, array);
    }

    /// <summary>
    /// A model's setter (the ARM and IA32/X64 headers and error information): writes <paramref name="field"/> and sets its
    /// validation bit in <paramref name="validation"/> (a value set is a value meant).
    /// </summary>
    public static void WriteMarkingValid(Span<byte> structure, FieldDef field, ulong value, FieldDef validation)
    {
        field.WriteValue(structure, value);
        if (field.ValidBit >= 0) validation.WriteValue(structure, validation.ReadValue(structure) | 1UL << field.ValidBit);
    }

    // The 16-byte register address/value entry three models keep as a list (the IRegisterAddressValue fragment: PCI/PCI-X
    // register pairs, UEFI 2.10 N.2.9; NVIDIA register entries; ARM RAS context registers, Arm DEN0085), read and written
    // through the fragment's declared fields (the same offsets in every owner).

    /// <summary>Reads <paramref name="count"/> register address/value entries from <paramref name="start"/> into <paramref name="entries"/> (the caller checked they fit); returns where they end.</summary>
    public static int ReadRegisterEntries(ReadOnlySpan<byte> body, int start, int count, List<(ulong Address, ulong Value)> entries)
    {
        int size = PciComponentRegisterPair.LayoutDef.Size;
        for (int i = 0; i < count; i++)
        {
            var e = body.Slice(start + i * size, size);
            entries.Add((PciComponentRegisterPair.AddressField.ReadValue(e), PciComponentRegisterPair.ValueField.ReadValue(e)));
        }
        return start + count * size;
    }

    /// <summary>Writes <paramref name="entries"/> as register address/value entries from <paramref name="start"/>; returns where they end.</summary>
    public static int WriteRegisterEntries(Span<byte> destination, int start, List<(ulong Address, ulong Value)> entries)
    {
        int size = PciComponentRegisterPair.LayoutDef.Size, pos = start;
        foreach (var (address, value) in entries)
        {
            var e = destination.Slice(pos, size);
            PciComponentRegisterPair.AddressField.WriteValue(e, address);
            PciComponentRegisterPair.ValueField.WriteValue(e, value);
            pos += size;
        }
        return pos;
    }

    /// <summary>Reads an integer at a structure-relative field, offset by <paramref name="at"/> in <paramref name="bytes"/>.</summary>
    public static ulong Read(byte[] bytes, int at, FieldDef field) => field.ReadValue(bytes.AsSpan(at));

    /// <summary>Writes an integer at a structure-relative field, offset by <paramref name="at"/> in <paramref name="bytes"/>.</summary>
    public static void Write(byte[] bytes, int at, FieldDef field, ulong value) => field.WriteValue(bytes.AsSpan(at), value);

    /// <summary>
    /// Encodes a section that starts with a u32 Length covering its fixed header and its variable payload (CCIX PER,
    /// CXL component event): the header with Length rewritten, the payload, then bytes beyond Length kept for round trips.
    /// </summary>
    public static bool TryEncodeLengthPrefixed(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> trailing,
        Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        int total = checked(header.Length + payload.Length + trailing.Length);
        if (destination.Length < total) return false;
        header.CopyTo(destination);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)(header.Length + payload.Length));
        payload.CopyTo(destination[header.Length..]);
        trailing.CopyTo(destination[(header.Length + payload.Length)..]);
        bytesWritten = total;
        return true;
    }
}
