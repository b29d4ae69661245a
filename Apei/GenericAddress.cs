using System.Buffers.Binary;

namespace ApeiKit;

/// <summary>ACPI address space IDs (ACPI 6.5 §5.2.3.2, Table 5.1).</summary>
public enum AddressSpace : byte
{
    /// <summary>System memory.</summary>
    SystemMemory = 0,
    /// <summary>System I/O.</summary>
    SystemIo = 1,
    /// <summary>PCI configuration space.</summary>
    PciConfiguration = 2,
    /// <summary>Embedded controller.</summary>
    EmbeddedController = 3,
    /// <summary>SMBus.</summary>
    SmBus = 4,
    /// <summary>SystemCMOS.</summary>
    SystemCmos = 5,
    /// <summary>PCI BAR target.</summary>
    PciBarTarget = 6,
    /// <summary>IPMI.</summary>
    Ipmi = 7,
    /// <summary>General purpose I/O.</summary>
    GeneralPurposeIo = 8,
    /// <summary>Generic serial bus.</summary>
    GenericSerialBus = 9,
    /// <summary>Platform communications channel.</summary>
    PlatformCommunicationsChannel = 0x0A,
    /// <summary>Platform runtime mechanism.</summary>
    PlatformRuntimeMechanism = 0x0B,
    /// <summary>Functional fixed hardware.</summary>
    FunctionalFixedHardware = 0x7F,
}

/// <summary>
/// The 12-byte Generic Address Structure (ACPI 6.5 §5.2.3.2, Table 5.1): address space ID,
/// register bit width, register bit offset, access size (0 undefined, 1 byte, 2 word, 3 dword, 4 qword), u64 address.
/// </summary>
public readonly record struct GenericAddress(byte AddressSpaceId, byte BitWidth, byte BitOffset, byte AccessSize, ulong Address)
{
    /// <summary>Size in bytes.</summary>
    public const int Size = 12;

    /// <summary>Byte offset of the one-byte Address Space ID (ACPI 6.5 Table 5.1).</summary>
    public const int AddressSpaceIdOffset = 0;

    /// <summary>Byte offset of the one-byte Register Bit Width (ACPI 6.5 Table 5.1).</summary>
    public const int BitWidthOffset = 1;

    /// <summary>Byte offset of the one-byte Register Bit Offset (ACPI 6.5 Table 5.1).</summary>
    public const int BitOffsetOffset = 2;

    /// <summary>Byte offset of the one-byte Access Size (ACPI 6.5 Table 5.1).</summary>
    public const int AccessSizeOffset = 3;

    /// <summary>Byte offset of the 64-bit Address (after the four one-byte fields; ACPI 6.5 Table 5.1).</summary>
    public const int AddressOffset = 4;

    /// <summary>Names of the address spaces.</summary>
    public static NameTable AddressSpaceNames { get; } = [
        new(0, "System memory"), new(1, "System I/O"), new(2, "PCI configuration"), new(3, "Embedded controller"),
        new(4, "SMBus"), new(5, "SystemCMOS"), new(6, "PCI BAR target"), new(7, "IPMI"), new(8, "General purpose I/O"),
        new(9, "Generic serial bus"), new(0x0A, "Platform communications channel"), new(0x0B, "Platform runtime mechanism"),
        new(0x7F, "Functional fixed hardware"),
    ];

    /// <summary>Names of the access sizes.</summary>
    public static NameTable AccessSizeNames { get; } = [
        new(0, "undefined (legacy)"), new(1, "byte (8-bit)"), new(2, "word (16-bit)"), new(3, "dword (32-bit)"), new(4, "qword (64-bit)"),
    ];

    /// <summary>Layout of the structure, for rendering and JSON.</summary>
    public static StructDef Layout { get; } = new("Generic Address Structure", Size,
    [
        FieldDef.Enum("spaceId", "Address space ID", AddressSpaceIdOffset, 1, AddressSpaceNames),
        FieldDef.UInt("bitWidth", "Bit width", BitWidthOffset, 1),
        FieldDef.UInt("bitOffset", "Bit offset", BitOffsetOffset, 1),
        FieldDef.Enum("accessSize", "Access size", AccessSizeOffset, 1, AccessSizeNames),
        FieldDef.Hex("address", "Address", AddressOffset, 8),
    ]);

    /// <summary>A 64-bit system-memory register at <paramref name="address"/> (what GHES error status address and read-ack registers use).</summary>
    public static GenericAddress SystemMemory64(ulong address) => new((byte)AddressSpace.SystemMemory, 64, 0, 4, address);

    /// <summary>Reads 12 bytes; the caller has checked the length.</summary>
    public static GenericAddress Read(ReadOnlySpan<byte> source)
        => new(source[AddressSpaceIdOffset], source[BitWidthOffset], source[BitOffsetOffset], source[AccessSizeOffset], BinaryPrimitives.ReadUInt64LittleEndian(source[AddressOffset..]));

    /// <summary>Writes 12 bytes.</summary>
    public void Write(Span<byte> destination)
    {
        destination[AddressSpaceIdOffset] = AddressSpaceId;
        destination[BitWidthOffset] = BitWidth;
        destination[BitOffsetOffset] = BitOffset;
        destination[AccessSizeOffset] = AccessSize;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[AddressOffset..], Address);
    }

    /// <summary>Access width in bytes implied by <see cref="AccessSize"/> (0 when undefined).</summary>
    public int AccessBytes => AccessSize is >= 1 and <= 4 ? 1 << (AccessSize - 1) : 0;
}
