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
