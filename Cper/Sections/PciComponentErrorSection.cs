using System.Buffers.Binary;

namespace ApeiKit.Cper;

/// <summary>
/// PCI/PCI-X component error section (UEFI 2.10 N.2.9): a 40-byte fixed part (validation bits, error status,
/// identification, memory-mapped and programmed-I/O register counts) and then Memory Number + IO Number register
/// pairs of 16 bytes (a 64-bit address and a 64-bit value), memory-mapped pairs first. The pairs are bounded by the
/// section; bytes after them are kept as <see cref="TrailingBytes"/>.
/// </summary>
public sealed class PciComponentErrorSection : CperSectionBody
{
    /// <summary>Size of the fixed part.</summary>
    public const int HeaderSize = 40;
    /// <summary>Size of one register pair.</summary>
    public const int PairSize = 16;
    private const string StructureName = "PCI/PCI-X component error section";
    private const int MemoryNumberOffset = 32; // N.2.9, Memory Number
    private const int IoNumberOffset = 36;     // N.2.9, IO Number

    private readonly byte[] _header = new byte[HeaderSize];

    private static readonly FlagTable s_validation = [
        new(0, "errorStatus"), new(1, "idInfo"), new(2, "memoryNumber"), new(3, "ioNumber"), new(4, "registerDataPairs"),
    ];

    /// <summary>Fixed-part layout (UEFI 2.10 N.2.9, PCI/PCI-X Component Error Section).</summary>
    public static StructDef HeaderLayout { get; } = new(StructureName, HeaderSize,
    [
        FieldDef.Flags("validationBits", "Validation bits", 0, 8, s_validation),
        FieldDef.Bits("errorStatus", "Error status", 8, 8, CperNames.ErrorStatusBits, validBit: 0),
        FieldDef.Hex("vendorId", "Vendor ID", 16, 2, validBit: 1),
        FieldDef.Hex("deviceId", "Device ID", 18, 2, validBit: 1),
        FieldDef.Hex("classCode", "Class code", 20, 3, validBit: 1),
        FieldDef.UInt("functionNumber", "Function number", 23, 1, validBit: 1),
        FieldDef.UInt("deviceNumber", "Device number", 24, 1, validBit: 1),
        FieldDef.UInt("busNumber", "Bus number", 25, 1, validBit: 1),
        FieldDef.UInt("segmentNumber", "Segment number", 26, 1, validBit: 1),
        FieldDef.Reserved("reserved", 27, 5),
        FieldDef.UInt("memoryNumber", "Memory-mapped register pairs", MemoryNumberOffset, 4, validBit: 2),
        FieldDef.UInt("ioNumber", "Programmed I/O register pairs", IoNumberOffset, 4, validBit: 3),
    ], validationField: "validationBits");

    /// <summary>One register pair.</summary>
    public static StructDef PairLayout { get; } = new("Register pair", PairSize,
    [
        FieldDef.Hex("address", "Address", 0, 8),
        FieldDef.Hex("value", "Value", 8, 8),
    ]);

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.PciComponent, "PCI/PCI-X Component", Describe, (b, o) => Decode(b, o));

    /// <summary>A new section with no register pairs.</summary>
    public PciComponentErrorSection()
    {
    }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.PciComponent;

    /// <summary>Validation bits: 0 error status, 1 identification, 2 memory number, 3 IO number, 4 register pairs.</summary>
    public ulong ValidationBits { get => HeaderLayout.Fields[0].ReadValue(_header); set => HeaderLayout.Fields[0].WriteValue(_header, value); }
    /// <summary>Error status.</summary>
    public ulong ErrorStatus { get => BinaryPrimitives.ReadUInt64LittleEndian(_header.AsSpan(8)); set => BinaryPrimitives.WriteUInt64LittleEndian(_header.AsSpan(8), value); }
    /// <summary>Vendor ID.</summary>
    public ushort VendorId { get => BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(16)); set => BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(16), value); }
    /// <summary>Device ID.</summary>
    public ushort DeviceId { get => BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(18)); set => BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(18), value); }
    /// <summary>Class code (24 bits).</summary>
    public uint ClassCode { get => (uint)FieldDef.ReadLittleEndian(_header.AsSpan(20, 3)); set => FieldDef.WriteLittleEndian(_header.AsSpan(20, 3), value); }
    /// <summary>Function, device, bus and segment numbers (bytes 23-26).</summary>
    public (byte Function, byte Device, byte Bus, byte Segment) Location
    {
        get => (_header[23], _header[24], _header[25], _header[26]);
        set => (_header[23], _header[24], _header[25], _header[26]) = value;
    }

    /// <summary>How many of <see cref="RegisterPairs"/> (the first ones) are memory-mapped; the rest are programmed I/O.</summary>
    public int MemoryRegisterCount { get; set; }

    /// <summary>Register pairs: memory-mapped first, then programmed I/O.</summary>
    public List<(ulong Address, ulong Value)> RegisterPairs { get; } = [];

    /// <summary>Bytes after the register pairs (kept for round trip).</summary>
    public byte[] TrailingBytes { get; set; } = [];

    /// <inheritdoc/>
    public override int GetEncodedLength() => checked(HeaderSize + RegisterPairs.Count * PairSize + TrailingBytes.Length);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException"><see cref="MemoryRegisterCount"/> is negative or above the number of pairs.</exception>
    public override bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (MemoryRegisterCount < 0 || MemoryRegisterCount > RegisterPairs.Count)
            throw new InvalidOperationException("MemoryRegisterCount must be between 0 and the number of register pairs.");
        int total = GetEncodedLength();
        if (destination.Length < total) return false;
        _header.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[MemoryNumberOffset..], (uint)MemoryRegisterCount);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[IoNumberOffset..], (uint)(RegisterPairs.Count - MemoryRegisterCount));
        int pos = HeaderSize;
        foreach (var (address, value) in RegisterPairs)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[pos..], address);
            BinaryPrimitives.WriteUInt64LittleEndian(destination[(pos + 8)..], value);
            pos += PairSize;
        }
        TrailingBytes.CopyTo(destination[pos..]);
        bytesWritten = total;
        return true;
    }

    /// <summary>Decodes the section, checking Memory Number + IO Number pairs against the body first.</summary>
    /// <exception cref="ApeiContentException">Fewer than 40 bytes, or more register pairs than the body holds.</exception>
    public static PciComponentErrorSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        int pairs = CountPairs(body, baseOffset, out var error);
        if (error is not null) throw error;
        var s = new PciComponentErrorSection { MemoryRegisterCount = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[MemoryNumberOffset..]) };
        body[..HeaderSize].CopyTo(s._header);
        for (int i = 0; i < pairs; i++)
        {
            var p = body.Slice(HeaderSize + i * PairSize, PairSize);
            s.RegisterPairs.Add((BinaryPrimitives.ReadUInt64LittleEndian(p), BinaryPrimitives.ReadUInt64LittleEndian(p[8..])));
        }
        s.TrailingBytes = body[(HeaderSize + pairs * PairSize)..].ToArray();
        return s;
    }

    /// <summary>Describes the fixed part, the register pairs that fit, and any bytes after them.</summary>
    /// <exception cref="ApeiContentException">Fewer than 40 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        // A builder (JSON input) writes the header before the walk reads it (see IStructureSource).
        HeaderLayout.Prefill(visitor, baseOffset);
        int pairs = CountPairs(body, baseOffset, out var error);
        HeaderLayout.Describe(body[..HeaderSize], baseOffset, visitor);
        if (error is not null) visitor.Error(error);
        uint memory = BinaryPrimitives.ReadUInt32LittleEndian(body[MemoryNumberOffset..]);
        visitor.BeginArray("registerDataPairs", "Register pairs", baseOffset + HeaderSize, (long)pairs * PairSize);
        for (int i = 0; i < pairs; i++)
        {
            int at = HeaderSize + i * PairSize;
            visitor.BeginObject(null, $"Register pair #{i} ({(i < memory ? "memory-mapped" : "programmed I/O")})", baseOffset + at, PairSize);
            PairLayout.Describe(body.Slice(at, PairSize), baseOffset + at, visitor);
            visitor.EndObject();
        }
        visitor.EndArray();
        int end = HeaderSize + pairs * PairSize;
        if (end < body.Length)
        {
            if (error is null) visitor.Data("trailingBytes", "Bytes after the register pairs", baseOffset + end, body[end..]);
            else visitor.Data("undecoded", "Bytes not decoded (the register counts do not fit)", baseOffset + end, body[end..]);
        }
    }

    /// <summary>The number of pairs to walk: Memory Number + IO Number, or as many as fit when that is too many (with the error).</summary>
    private static int CountPairs(ReadOnlySpan<byte> body, long baseOffset, out ApeiContentException? error)
    {
        error = null;
        if (body.Length < HeaderSize) ThrowHelper.ThrowTruncated(StructureName, baseOffset, HeaderSize, body.Length);
        ulong declared = (ulong)BinaryPrimitives.ReadUInt32LittleEndian(body[MemoryNumberOffset..]) + BinaryPrimitives.ReadUInt32LittleEndian(body[IoNumberOffset..]);
        int fits = (body.Length - HeaderSize) / PairSize;
        if (declared <= (ulong)fits) return (int)declared;
        error = new ApeiContentException(StructureName, "MemoryNumber + IONumber", baseOffset + MemoryNumberOffset,
            ArmProcessorSection.Inv($"at most {fits} register pairs of 16 bytes in the {body.Length - HeaderSize} bytes after the fixed part"), ArmProcessorSection.Inv($"{declared}"));
        return fits;
    }
}
