using System.Buffers.Binary;

namespace ApeiKit.Cper.Vendors;

/// <summary>
/// NVIDIA CPU error section (vendor section type <c>6d5244f2-2712-11ec-bea7-cb3fdb95c786</c>, written by NVIDIA
/// Grace firmware). Layout as openbmc/libcper decodes it (<c>include/libcper/Cper.h</c>, <c>EFI_NVIDIA_ERROR_DATA</c>,
/// and <c>sections/cper-section-nvidia.c</c>): a 16-byte NUL-padded ASCII signature, Error Type (16 bits), Error
/// Instance (16 bits), Severity (8 bits, the CPER severity values), Socket (8 bits), Number of registers (8 bits),
/// one reserved byte, Instance Base (64 bits), then that many 16-byte register entries (address, value). Signature
/// <c>CMET-INFO</c> entries carry channel information in the value (libcper: error count in bits 0-31, channel
/// enabled bit 32, channel is spare bit 33). Register entries are checked against the body; bytes after them are kept
/// as <see cref="TrailingBytes"/>.
/// </summary>
public sealed class NvidiaSection : CperSectionBody
{
    /// <summary>The section type GUID.</summary>
    public static readonly Guid SectionGuid = new("6d5244f2-2712-11ec-bea7-cb3fdb95c786");
    /// <summary>Size of the part before the register entries.</summary>
    public const int HeaderSize = 32;
    /// <summary>Size of one register entry.</summary>
    public const int RegisterSize = 16;
    private const string StructureName = "NVIDIA error section";

    private readonly byte[] _header = new byte[HeaderSize];

    /// <summary>Header layout (libcper <c>EFI_NVIDIA_ERROR_DATA</c>).</summary>
    public static StructDef HeaderLayout { get; } = new(StructureName, HeaderSize,
    [
        FieldDef.Ascii("signature", "Signature", 0, 16),
        FieldDef.UInt("errorType", "Error type", 16, 2),
        FieldDef.UInt("errorInstance", "Error instance", 18, 2),
        FieldDef.Enum("severity", "Severity", 20, 1, [new(0, "Recoverable"), new(1, "Fatal"), new(2, "Corrected"), new(3, "Informational")]),
        FieldDef.UInt("socket", "Socket", 21, 1),
        FieldDef.UInt("registerCount", "Number of registers", 22, 1),
        FieldDef.Reserved("reserved", 23, 1),
        FieldDef.Hex("instanceBase", "Instance base", 24, 8),
    ]);

    /// <summary>One register entry (address, value).</summary>
    public static StructDef RegisterLayout { get; } = new("NVIDIA register", RegisterSize,
    [
        FieldDef.Hex("address", "Address", 0, 8),
        FieldDef.Hex("value", "Value", 8, 8),
    ]);

    /// <summary>The codec; built in (see <see cref="CperSections"/>), and <see cref="Register"/> puts it back in <see cref="CperSectionRegistry.Default"/> after another codec overrode it.</summary>
    public static CperSectionCodec Codec { get; } = new(SectionGuid, "NVIDIA", Describe, (b, o) => Decode(b, o));

    /// <summary>Adds this codec to <see cref="CperSections"/> (the vendor extension point).</summary>
    public static void Register() => CperSectionRegistry.Default.Override(Codec);

    /// <inheritdoc/>
    public override Guid SectionType => SectionGuid;

    /// <summary>The signature (up to 16 ASCII characters, e.g. <c>HSS-BUSY</c>, <c>CMET-INFO</c>).</summary>
    public string Signature
    {
        get => System.Text.Encoding.ASCII.GetString(_header.AsSpan(0, 16)).TrimEnd('\0');
        set
        {
            _header.AsSpan(0, 16).Clear();
            System.Text.Encoding.ASCII.GetBytes((value ?? "").AsSpan(0, Math.Min(16, value?.Length ?? 0)), _header.AsSpan(0, 16));
        }
    }
    /// <summary>The 16 signature bytes as stored (NUL padded; <see cref="Signature"/> is the text).</summary>
    public byte[] SignatureBytes => _header.AsSpan(0, 16).ToArray();
    /// <summary>Error type.</summary>
    public ushort ErrorType { get => BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(16)); set => BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(16), value); }
    /// <summary>Error instance.</summary>
    public ushort ErrorInstance { get => BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(18)); set => BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(18), value); }
    /// <summary>Severity (CPER values: 0 recoverable, 1 fatal, 2 corrected, 3 informational).</summary>
    public byte Severity { get => _header[20]; set => _header[20] = value; }
    /// <summary>Socket.</summary>
    public byte Socket { get => _header[21]; set => _header[21] = value; }
    /// <summary>Instance base.</summary>
    public ulong InstanceBase { get => BinaryPrimitives.ReadUInt64LittleEndian(_header.AsSpan(24)); set => BinaryPrimitives.WriteUInt64LittleEndian(_header.AsSpan(24), value); }
    /// <summary>The register entries (the count byte is written from this list).</summary>
    public List<(ulong Address, ulong Value)> Registers { get; } = [];
    /// <summary>Bytes after the register entries (kept for round trip).</summary>
    public byte[] TrailingBytes { get; set; } = [];

    /// <inheritdoc/>
    public override int GetEncodedLength() => checked(HeaderSize + Registers.Count * RegisterSize + TrailingBytes.Length);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">More than 255 registers.</exception>
    public override bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (Registers.Count > byte.MaxValue) throw new InvalidOperationException("An NVIDIA section holds at most 255 registers.");
        int total = GetEncodedLength();
        if (destination.Length < total) return false;
        _header.CopyTo(destination);
        destination[22] = (byte)Registers.Count;
        for (int i = 0; i < Registers.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[(HeaderSize + i * RegisterSize)..], Registers[i].Address);
            BinaryPrimitives.WriteUInt64LittleEndian(destination[(HeaderSize + i * RegisterSize + 8)..], Registers[i].Value);
        }
        TrailingBytes.CopyTo(destination[(HeaderSize + Registers.Count * RegisterSize)..]);
        bytesWritten = total;
        return true;
    }

    /// <summary>Decodes the section.</summary>
    /// <exception cref="ApeiContentException">Fewer than 32 bytes, or more register entries than the body holds.</exception>
    public static NvidiaSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        int count = Count(body, baseOffset, out var error);
        if (error is not null) throw error;
        var s = new NvidiaSection();
        body[..HeaderSize].CopyTo(s._header);
        for (int i = 0; i < count; i++)
        {
            var r = body.Slice(HeaderSize + i * RegisterSize, RegisterSize);
            s.Registers.Add((BinaryPrimitives.ReadUInt64LittleEndian(r), BinaryPrimitives.ReadUInt64LittleEndian(r[8..])));
        }
        s.TrailingBytes = body[(HeaderSize + count * RegisterSize)..].ToArray();
        return s;
    }

    /// <summary>Describes the header, each register entry that fits, and any bytes after them.</summary>
    /// <exception cref="ApeiContentException">Fewer than 32 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        // A builder (JSON input) writes the header before the walk reads it (see IStructureSource).
        HeaderLayout.Prefill(visitor, baseOffset);
        int count = Count(body, baseOffset, out var error);
        HeaderLayout.Describe(body[..HeaderSize], baseOffset, visitor);
        if (error is not null) visitor.Error(error);
        visitor.BeginArray("registers", "Registers", baseOffset + HeaderSize, (long)count * RegisterSize);
        for (int i = 0; i < count; i++)
        {
            long at = baseOffset + HeaderSize + (long)i * RegisterSize;
            visitor.BeginObject(null, $"Register {i}", at, RegisterSize);
            RegisterLayout.Describe(body.Slice(HeaderSize + i * RegisterSize, RegisterSize), at, visitor);
            visitor.EndObject();
        }
        visitor.EndArray();
        int end = HeaderSize + count * RegisterSize;
        if (end < body.Length) visitor.Data("trailingBytes", "Bytes after the registers", baseOffset + end, body[end..]);
    }

    /// <summary>The number of whole register entries present (the count byte, limited to the body).</summary>
    private static int Count(ReadOnlySpan<byte> body, long baseOffset, out ApeiContentException? error)
    {
        error = null;
        if (body.Length < HeaderSize) ThrowHelper.ThrowTruncated(StructureName, baseOffset, HeaderSize, body.Length);
        int declared = body[22];
        int fits = (body.Length - HeaderSize) / RegisterSize;
        if (declared <= fits) return declared;
        error = ApeiContentException.Truncated(FormattableString.Invariant($"{StructureName} register #{fits}"), baseOffset + HeaderSize + (long)fits * RegisterSize,
            RegisterSize, body.Length - HeaderSize - fits * RegisterSize, "Number of registers");
        return fits;
    }
}
