using System.Buffers.Binary;
using System.Globalization;

namespace ApeiKit.Hest;

/// <summary>
/// Zero-copy view of one error source structure in a HEST (ACPI 6.5 §18.3.2), banks included. Made by
/// <see cref="TryRead"/> / <see cref="HestTable"/>'s enumerator after the whole structure was checked
/// to lie inside the table.
/// </summary>
public readonly ref struct HestErrorSource
{
    private readonly ReadOnlySpan<byte> _bytes;

    private HestErrorSource(ReadOnlySpan<byte> bytes, HestSourceKind kind, long offset)
    {
        _bytes = bytes;
        Kind = kind;
        Offset = offset;
    }

    /// <summary>The structure's bytes (fixed part and banks).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;
    /// <summary>What ApeiKit knows about this type: layout, size, nested structures.</summary>
    public HestSourceKind Kind { get; }
    /// <summary>Absolute offset of the structure (the <c>baseOffset</c> it was read at: from the start of the table when read by <see cref="HestTable"/>).</summary>
    public long Offset { get; }
    /// <summary>Type code.</summary>
    public HestSourceType Type => (HestSourceType)Header.Type;
    /// <summary>Source ID.</summary>
    public ushort SourceId => Header.SourceId;
    /// <summary>Length of the structure in bytes.</summary>
    public int Length => _bytes.Length;
    /// <summary>Flags byte (offset 6): machine check and AER types; reserved in GHES; part of Reserved in NMI.</summary>
    public HestSourceFlags Flags => (HestSourceFlags)Header.Flags;
    /// <summary>Enabled (offset 7); NMI sources have no such field and report true.</summary>
    public bool Enabled => Type == HestSourceType.Ia32Nmi || Header.Enabled != 0;
    /// <summary>Number of records to pre-allocate (offset 8, every type).</summary>
    public uint NumberOfRecordsToPreAllocate => Header.NumberOfRecordsToPreAllocate;
    /// <summary>Max sections per record (offset 12, every type).</summary>
    public uint MaxSectionsPerRecord => Header.MaxSectionsPerRecord;
    /// <summary>Number of machine check banks (0 for types without banks).</summary>
    public int BankCount => Kind.HasBanks ? _bytes[Kind.BankCountOffset] : 0;
    /// <summary>True when the structure holds a notification structure (types 1, 9, 10, 11).</summary>
    public bool HasNotification => Kind.NotificationOffset >= 0;
    /// <summary>The notification structure; throws <see cref="InvalidOperationException"/> for types without one.</summary>
    public HardwareErrorNotification Notification => HasNotification
        ? HardwareErrorNotification.Read(_bytes.Slice(Kind.NotificationOffset, HestLayouts.NotificationSize))
        : throw new InvalidOperationException($"{Kind.Name} structures have no notification structure.");
    /// <summary>True for GHES and GHESv2.</summary>
    public bool IsGeneric => Type is HestSourceType.Ghes or HestSourceType.GhesV2;
    /// <summary>Related source ID (GHES/GHESv2; 0xFFFF none).</summary>
    public ushort RelatedSourceId => IsGeneric ? Generic.RelatedSourceId : (ushort)0xFFFF;
    /// <summary>Error status address register (GHES/GHESv2).</summary>
    public GenericAddress ErrorStatusAddress => IsGeneric ? GenericAddress.Read(Generic.ErrorStatusAddress) : throw NotGeneric();
    /// <summary>Error status block length (GHES/GHESv2).</summary>
    public uint ErrorStatusBlockLength => IsGeneric ? Generic.ErrorStatusBlockLength : throw NotGeneric();
    /// <summary>Max raw data length (NMI, GHES, GHESv2).</summary>
    public uint MaxRawDataLength => IsGeneric ? Generic.MaxRawDataLength : Type == HestSourceType.Ia32Nmi ? Nmi.MaxRawDataLength : throw NotGeneric();
    /// <summary>Read ack register (GHESv2).</summary>
    public GenericAddress ReadAckRegister => Type == HestSourceType.GhesV2 ? GenericAddress.Read(GenericV2.ReadAckRegister) : throw NotV2();
    /// <summary>Read ack preserve mask (GHESv2).</summary>
    public ulong ReadAckPreserve => Type == HestSourceType.GhesV2 ? GenericV2.ReadAckPreserve : throw NotV2();
    /// <summary>Read ack write mask (GHESv2).</summary>
    public ulong ReadAckWrite => Type == HestSourceType.GhesV2 ? GenericV2.ReadAckWrite : throw NotV2();

    // The declarations (Declarations/HestDeclarations.cs) over the structure's bytes: the fields above read through their
    // generated views (none has a validation field, so Of always makes one over the bytes).
    private HestSourceHeaderView Header => HestSourceHeaderView.Of(_bytes);

    private GhesView Generic => GhesView.Of(_bytes);

    private GhesV2View GenericV2 => GhesV2View.Of(_bytes);

    private Ia32NmiView Nmi => Ia32NmiView.Of(_bytes);

    /// <summary>The 28 bytes of machine check bank <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> GetBank(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, BankCount);
        return _bytes.Slice(Kind.FixedSize + index * HestLayouts.BankSize, HestLayouts.BankSize);
    }

    private InvalidOperationException NotGeneric() => new($"{Kind.Name} structures have no such field.");
    private InvalidOperationException NotV2() => new($"{Kind.Name} structures have no read ack fields (GHESv2 only).");

    /// <summary>
    /// The size of the error source structure at the start of <paramref name="source"/>, checked against the bytes present.
    /// </summary>
    /// <param name="source">Bytes from the start of the structure to the end of the table (the caller slices).</param>
    /// <param name="value">The view.</param>
    /// <param name="bytesConsumed">Size of the structure.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> (for messages and <see cref="Offset"/>).</param>
    /// <returns>False when fewer bytes are present than the type (and its bank count) needs, or fewer than the 2-byte type.</returns>
    /// <exception cref="ApeiContentException">The type is not one ApeiKit knows: its size cannot be known, so nothing after it can be read.</exception>
    public static bool TryRead(ReadOnlySpan<byte> source, out HestErrorSource value, out int bytesConsumed, long baseOffset = 0)
    {
        long offset = baseOffset;
        value = default;
        bytesConsumed = 0;
        if (source.Length < HestSourceHeaderDeclaration.Declared.TypeSize) return false;
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(source[HestSourceHeaderDeclaration.Declared.TypeOffset..]);
        var kind = HestLayouts.Find(type) ?? throw UnknownType(type, offset);
        if (source.Length < kind.FixedSize) return false;
        int size = kind.FixedSize + (kind.HasBanks ? source[kind.BankCountOffset] * HestLayouts.BankSize : 0);
        if (source.Length < size) return false;
        value = new HestErrorSource(source[..size], kind, offset);
        bytesConsumed = size;
        return true;
    }

    /// <summary>Reads the structure at the start of <paramref name="source"/>, throwing for any problem.</summary>
    /// <param name="source">Bytes from the start of the structure to the end of the table (the caller slices).</param>
    /// <param name="bytesConsumed">Size of the structure.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> (for messages and <see cref="Offset"/>).</param>
    /// <exception cref="ApeiContentException">Unknown type, or the structure (or its banks) runs past the end of the table.</exception>
    public static HestErrorSource Read(ReadOnlySpan<byte> source, out int bytesConsumed, long baseOffset = 0)
    {
        if (TryRead(source, out var v, out bytesConsumed, baseOffset)) return v;
        throw Overrun(source, baseOffset);
    }

    internal static ApeiContentException UnknownType(ushort type, long offset)
        => new("HEST error source", "Type", offset, "a known error source type (0, 1, 2, 6-11)",
            type.ToString(CultureInfo.InvariantCulture), "unknown type: error source structures have no length field, so nothing after it can be decoded");

    internal static ApeiContentException Overrun(ReadOnlySpan<byte> source, long offset)
    {
        if (source.Length < 2) return ApeiContentException.Truncated("HEST error source", offset, 2, source.Length, "Type");
        var kind = HestLayouts.Find(BinaryPrimitives.ReadUInt16LittleEndian(source))!;
        if (source.Length < kind.FixedSize) return ApeiContentException.Truncated(kind.Layout.Name, offset, kind.FixedSize, source.Length);
        int banks = source[kind.BankCountOffset];
        return new ApeiContentException(kind.Layout.Name, "NumberOfHardwareBanks", offset + kind.BankCountOffset,
            $"{banks} banks of 28 bytes ({kind.FixedSize + banks * HestLayouts.BankSize} bytes in all) inside the table",
            $"{source.Length} bytes left in the table", "banks run past the end of the table");
    }
}
