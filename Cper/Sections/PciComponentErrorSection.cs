using ApeiKit.Declarations;

namespace ApeiKit.Cper;

/// <summary>
/// PCI/PCI-X component error section (UEFI 2.10 N.2.9): a 40-byte fixed part (validation bits, error status,
/// identification, memory-mapped and programmed-I/O register counts) and then Memory Number + IO Number register
/// pairs of 16 bytes (a 64-bit address and a 64-bit value), memory-mapped pairs first. The pairs are bounded by the
/// section; bytes after them are kept as <see cref="TrailingBytes"/>.
/// </summary>
[Layout("PCI/PCI-X component error section", HeaderSize, "UEFI 2.10 N.2.9", ValidationField = nameof(ValidationBits))]
[Reserved(27, 5)]
[ValidationBit(4, "registerDataPairs")]
public sealed partial class PciComponentErrorSection : CperSectionBody
{
    /// <summary>Size of the fixed part.</summary>
    public const int HeaderSize = 40;
    /// <summary>Size of one register pair.</summary>
    public const int PairSize = 16;
    private const string StructureName = "PCI/PCI-X component error section";

    private readonly byte[] _header = new byte[HeaderSize];

    // The declaration of the fixed part (UEFI 2.10 N.2.9): one line per field; FieldDef statics, LayoutDef, the property
    // bodies and PciComponentErrorSectionView are generated from it. The register pairs after it are hand-written over
    // PciComponentRegisterPair (declared below) and the two counts. Setting a property does not set its validation bit.

    /// <summary>Validation bits: 0 error status, 1 identification, 2 memory number, 3 IO number, 4 register pairs.</summary>
    [Field(0, 8, FieldKind.Flags)] public partial ulong ValidationBits { get; set; }
    /// <summary>Error status.</summary>
    [Field(8, 8, FieldKind.Bits, ValidBit = 0, Bits = "CperNames.ErrorStatusBits", LibCper = ":Status")] public partial ulong ErrorStatus { get; set; }
    /// <summary>Vendor ID.</summary>
    [Field(16, 2, FieldKind.Hex, ValidBit = 1, ValidationName = "idInfo", LibCper = "", LibCperObject = "idInfo")] public partial ushort VendorId { get; set; }
    /// <summary>Device ID.</summary>
    [Field(18, 2, FieldKind.Hex, ValidBit = 1, ValidationName = "idInfo", LibCper = "", LibCperObject = "idInfo")] public partial ushort DeviceId { get; set; }
    /// <summary>Class code (24 bits).</summary>
    [Field(20, 3, FieldKind.Hex, ValidBit = 1, ValidationName = "idInfo", LibCper = "", LibCperObject = "idInfo")] public partial uint ClassCode { get; set; }
    /// <summary>Function number.</summary>
    [Field(23, 1, FieldKind.UInt, ValidBit = 1, ValidationName = "idInfo", LibCper = "", LibCperObject = "idInfo")] public partial byte FunctionNumber { get; set; }
    /// <summary>Device number.</summary>
    [Field(24, 1, FieldKind.UInt, ValidBit = 1, ValidationName = "idInfo", LibCper = "", LibCperObject = "idInfo")] public partial byte DeviceNumber { get; set; }
    /// <summary>Bus number.</summary>
    [Field(25, 1, FieldKind.UInt, ValidBit = 1, ValidationName = "idInfo", LibCper = "", LibCperObject = "idInfo")] public partial byte BusNumber { get; set; }
    /// <summary>Segment number.</summary>
    [Field(26, 1, FieldKind.UInt, ValidBit = 1, ValidationName = "idInfo", LibCper = "", LibCperObject = "idInfo")] public partial byte SegmentNumber { get; set; }
    // Memory Number and IO Number are written from RegisterPairs and MemoryRegisterCount when encoding.
    [Field(32, 4, FieldKind.UInt, ValidBit = 2, Label = "Memory-mapped register pairs", LibCper = "")] private partial uint MemoryNumber { get; }
    [Field(36, 4, FieldKind.UInt, ValidBit = 3, Label = "Programmed I/O register pairs", LibCper = "")] private partial uint IoNumber { get; }

    private ulong Get(FieldDef field) => field.ReadValue(_header);

    private void Set(FieldDef field, ulong value) => field.WriteValue(_header, value);

    /// <summary>Fixed-part layout (UEFI 2.10 N.2.9, PCI/PCI-X Component Error Section): <see cref="LayoutDef"/>.</summary>
    public static StructDef HeaderLayout => LayoutDef;

    /// <summary>One register pair: <see cref="PciComponentRegisterPair.LayoutDef"/>.</summary>
    public static StructDef PairLayout => PciComponentRegisterPair.LayoutDef;

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.PciComponent, "PCI/PCI-X Component", Describe, (b, o) => Decode(b, o));

    /// <summary>A new section with no register pairs.</summary>
    public PciComponentErrorSection()
    {
    }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.PciComponent;

    /// <summary>Function, device, bus and segment numbers (bytes 23-26).</summary>
    public (byte Function, byte Device, byte Bus, byte Segment) Location
    {
        get => (FunctionNumber, DeviceNumber, BusNumber, SegmentNumber);
        set => (FunctionNumber, DeviceNumber, BusNumber, SegmentNumber) = value;
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
        MemoryNumberField.WriteValue(destination, (uint)MemoryRegisterCount);
        IoNumberField.WriteValue(destination, (uint)(RegisterPairs.Count - MemoryRegisterCount));
        int pos = SectionWalk.WriteRegisterEntries(destination, HeaderSize, RegisterPairs);
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
        var s = new PciComponentErrorSection();
        body[..HeaderSize].CopyTo(s._header);
        s.MemoryRegisterCount = (int)s.MemoryNumber;
        int end = SectionWalk.ReadRegisterEntries(body, HeaderSize, pairs, s.RegisterPairs);
        s.TrailingBytes = body[end..].ToArray();
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
        ulong memory = MemoryNumberField.ReadValue(body);
        visitor.BeginArray("registerDataPairs", "Register pairs", baseOffset + HeaderSize, (long)pairs * PairSize);
        for (int i = 0; i < pairs; i++)
        {
            int at = HeaderSize + i * PairSize;
            visitor.BeginObject(null, $"Register pair #{i} ({((ulong)i < memory ? "memory-mapped" : "programmed I/O")})", baseOffset + at, PairSize);
            PairLayout.Describe(body.Slice(at, PairSize), baseOffset + at, visitor);
            visitor.EndObject();
        }
        visitor.EndArray();
        int end = HeaderSize + pairs * PairSize;
        if (end < body.Length)
        {
            if (error is null) visitor.Data(CperRecordDescriber.TrailingMember, "Bytes after the register pairs", baseOffset + end, body[end..]);
            else visitor.Data(CperRecordDescriber.UndecodedMember, "Bytes not decoded (the register counts do not fit)", baseOffset + end, body[end..]);
        }
    }

    /// <summary>The number of pairs to walk: Memory Number + IO Number, or as many as fit when that is too many (with the error).</summary>
    private static int CountPairs(ReadOnlySpan<byte> body, long baseOffset, out ApeiContentException? error)
    {
        error = null;
        if (body.Length < HeaderSize) ThrowHelper.ThrowTruncated(StructureName, baseOffset, HeaderSize, body.Length);
        ulong declared = MemoryNumberField.ReadValue(body) + IoNumberField.ReadValue(body);
        int fits = (body.Length - HeaderSize) / PairSize;
        if (declared <= (ulong)fits) return (int)declared;
        error = new ApeiContentException(StructureName, "MemoryNumber + IONumber", baseOffset + MemoryNumberField.Offset,
            FormattableString.Invariant($"at most {fits} register pairs of 16 bytes in the {body.Length - HeaderSize} bytes after the fixed part"), FormattableString.Invariant($"{declared}"));
        return fits;
    }
}

/// <summary>
/// One register pair of the PCI/PCI-X component error section (UEFI 2.10 N.2.9, Register Data Pair): a 64-bit address and
/// the 64-bit value read there. A read-only copy; <see cref="PciComponentRegisterPairView"/> reads the bytes in place.
/// </summary>
[Layout("Register pair", PciComponentErrorSection.PairSize, "UEFI 2.10 N.2.9, Register Data Pair")]
public sealed partial class PciComponentRegisterPair : DeclaredBlock, IRegisterAddressValue
{
    /// <summary>A copy of <paramref name="bytes"/> (shorter input is zero-filled, longer input is cut to the pair).</summary>
    public PciComponentRegisterPair(ReadOnlySpan<byte> bytes) : base(bytes, PciComponentErrorSection.PairSize) { }
}

/// <summary>
/// A 64-bit register address and the 64-bit value read there, the 16-byte entry three sections repeat: the PCI/PCI-X
/// component error section's register data pair (UEFI 2.10 N.2.9), the ARM RAS address-space context register (Arm
/// DEN0085) and the NVIDIA error section's register entry (libcper <c>EFI_NVIDIA_REGISTER_DATA</c>). Declared once.
/// </summary>
[LayoutFragment]
internal interface IRegisterAddressValue
{
    /// <summary>Register address.</summary>
    [Field(0, 8, FieldKind.Hex)] ulong Address { get; }
    /// <summary>Register value.</summary>
    [Field(8, 8, FieldKind.Hex)] ulong Value { get; }
}

/// <summary>The register pairs after the fixed part (UEFI 2.10 N.2.9), read in place.</summary>
public readonly ref partial struct PciComponentErrorSectionView
{
    /// <summary>
    /// The register pairs the body holds: Memory Number + IO Number when the body holds that many, else as many whole
    /// pairs as fit (the describer reports the mismatch); 0 when the body does not reach the counts.
    /// </summary>
    public int RegisterPairCount
    {
        get
        {
            if (_body.Length < PciComponentErrorSection.HeaderSize) return 0;
            ulong declared = (ulong)MemoryNumber + IoNumber;
            int fits = (_body.Length - PciComponentErrorSection.HeaderSize) / PciComponentErrorSection.PairSize;
            return declared <= (ulong)fits ? (int)declared : fits;
        }
    }

    /// <summary>Register pair <paramref name="index"/> (memory-mapped pairs first, then programmed I/O).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="RegisterPairCount"/>.</exception>
    public PciComponentRegisterPairView GetRegisterPair(int index)
        => PciComponentRegisterPairView.Of(ArrayWalk.ElementAt(_body, PciComponentErrorSection.HeaderSize, index, RegisterPairCount, PciComponentErrorSection.PairSize));

    /// <summary>The register pairs in order, without allocating (<c>foreach (var pair in view.RegisterPairs)</c>).</summary>
    public RegisterPairEnumerator RegisterPairs => new(_body, RegisterPairCount);

    /// <summary>Enumerates the register pairs of a <see cref="PciComponentErrorSectionView"/>.</summary>
    public ref struct RegisterPairEnumerator
    {
        private ArrayWalk _walk; // the pairs, counted once

        internal RegisterPairEnumerator(ReadOnlySpan<byte> body, int count) => _walk = new(body, PciComponentErrorSection.HeaderSize, count, PciComponentErrorSection.PairSize);

        /// <summary>This enumerator (for <c>foreach</c>).</summary>
        public readonly RegisterPairEnumerator GetEnumerator() => this;

        /// <summary>Moves to the next pair.</summary>
        public bool MoveNext() => _walk.MoveNext();

        /// <summary>The current pair.</summary>
        public readonly PciComponentRegisterPairView Current => PciComponentRegisterPairView.Of(_walk.Current);
    }
}
