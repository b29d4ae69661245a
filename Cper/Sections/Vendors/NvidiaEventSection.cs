using System.Buffers.Binary;

namespace ApeiKit.Cper.Vendors;

/// <summary>
/// NVIDIA event section (vendor section type <c>9068e568-6ca0-11f0-aeaf-159343591eac</c>). Layout as openbmc/libcper
/// decodes it (<c>include/libcper/sections/cper-section-nvidia-events.h</c> and <c>sections/cper-section-nvidia-events.c</c>;
/// its example records <c>examples/nvidia_event_*.cperhex</c>): a 32-byte event header (version, context count, source
/// device type, reserved byte, type, subtype, link ID, 16-byte ASCII signature), an event information header (16-bit
/// version, 8-bit size that counts these 3 bytes) followed by device-specific information (CPU: 29 bytes for
/// version 0.x; GPU: 13 bytes for version 1.x), then the event contexts. Each context has a 16-byte header (context size
/// including header and padding, version, reserved, data format type and version, data size) and its data; libcper's
/// writer pads each context to a multiple of 16 bytes. The context data is shown by format type: 1-4 arrays of
/// 64/32-bit key/value pairs or values (any device), GPU formats 0x8000 initialization metadata, 0x8001 legacy XID,
/// 0x8002 recommended actions; any other format is opaque.
/// </summary>
/// <remarks>
/// Every count and size is checked against the body before use: contexts are read while their header and declared
/// context size fit; a context count larger than the contexts present is kept (<see cref="DeclaredContextCount"/>) with
/// the bytes after the last whole context as <see cref="TrailingBytes"/>, so decode then encode is byte-identical.
/// </remarks>
public sealed class NvidiaEventSection : CperSectionBody
{
    /// <summary>The section type GUID.</summary>
    public static readonly Guid SectionGuid = new("9068e568-6ca0-11f0-aeaf-159343591eac");
    /// <summary>Size of the event header.</summary>
    public const int HeaderSize = 32;
    /// <summary>Size of the event information header (version and size).</summary>
    public const int InfoHeaderSize = 3;
    /// <summary>Size of a context header.</summary>
    public const int ContextHeaderSize = 16;
    private const string StructureName = "NVIDIA event section";

    /// <summary>Source device types (libcper <c>NVIDIA_EVENT_SRC_DEV_TYPE</c>).</summary>
    public static NameTable DeviceTypes { get; } = [new(0, "CPU"), new(1, "GPU"), new(2, "DPU"), new(3, "NIC"), new(4, "SWX"), new(5, "BMC")];

    /// <summary>GPU event originators (libcper).</summary>
    public static NameTable Originators { get; } = [new(0, "Invalid"), new(1, "Reserved1"), new(2, "PF_GSP_FW"), new(3, "VF_GSP_FW"), new(4, "PF_DRIVER"), new(5, "VF_DRIVER")];

    /// <summary>Event header layout (32 bytes).</summary>
    public static StructDef HeaderLayout { get; } = new(StructureName, HeaderSize,
    [
        FieldDef.UInt("version", "Version", 0, 1),
        FieldDef.UInt("contextCount", "Event context count", 1, 1),
        FieldDef.Enum("sourceDeviceType", "Source device type", 2, 1, DeviceTypes),
        FieldDef.Reserved("reserved", 3, 1),
        FieldDef.Hex("type", "Event type", 4, 2),
        FieldDef.Hex("subtype", "Event subtype", 6, 2),
        FieldDef.Hex("linkId", "Link ID", 8, 8),
        FieldDef.Ascii("signature", "Signature", 16, 16),
    ]);

    /// <summary>Event information header (3 bytes at offset 32).</summary>
    public static StructDef InfoHeaderLayout { get; } = new("NVIDIA event information header", InfoHeaderSize,
    [
        FieldDef.Hex("infoVersion", "Information version (major in bits 8-15, minor in 0-7)", 0, 2),
        FieldDef.UInt("infoSize", "Information size (with this header)", 2, 1, unit: "bytes"),
    ]);

    /// <summary>CPU event information (29 bytes, source device type 0, information version 0.x).</summary>
    public static StructDef CpuInfoLayout { get; } = new("NVIDIA CPU event information", 29,
    [
        FieldDef.UInt("socketNum", "Socket", 0, 1),
        FieldDef.Bits("architecture", "Architecture", 1, 4,
        [
            new("hidFam", "HID family", 0, 4), new("revisionMajor", "Major revision", 4, 4), new("chipId", "Chip ID", 8, 8),
            new("revisionMinor", "Minor revision", 16, 4), new("preSiPlatform", "Pre-silicon platform (0 silicon)", 20, 5),
            new("errorInjection", "Error injection", 31, 1),
        ]),
        FieldDef.Hex("ecid1", "ECID 1", 5, 4), FieldDef.Hex("ecid2", "ECID 2", 9, 4), FieldDef.Hex("ecid3", "ECID 3", 13, 4), FieldDef.Hex("ecid4", "ECID 4", 17, 4),
        FieldDef.Hex("instanceBase", "Instance base", 21, 8),
    ]);

    /// <summary>GPU event information (13 bytes, source device type 1, information version 1.x).</summary>
    public static StructDef GpuInfoLayout { get; } = new("NVIDIA GPU event information", 13,
    [
        FieldDef.Enum("eventOriginator", "Event originator", 0, 1, Originators),
        FieldDef.UInt("sourcePartition", "Source partition", 1, 2),
        FieldDef.UInt("sourceSubPartition", "Source sub-partition", 3, 2),
        FieldDef.Hex("pdi", "PDI", 5, 8),
    ]);

    /// <summary>Context header (16 bytes).</summary>
    public static StructDef ContextHeaderLayout { get; } = new("NVIDIA event context", ContextHeaderSize,
    [
        FieldDef.UInt("contextSize", "Context size (header, data and padding)", 0, 4, unit: "bytes"),
        FieldDef.UInt("version", "Version", 4, 2),
        FieldDef.Reserved("reserved", 6, 2),
        FieldDef.Hex("dataFormatType", "Data format type", 8, 2),
        FieldDef.UInt("dataFormatVersion", "Data format version", 10, 2),
        FieldDef.UInt("dataSize", "Data size", 12, 4, unit: "bytes"),
    ]);

    /// <summary>GPU initialization metadata (context data format 0x8000, 192 bytes).</summary>
    public static StructDef GpuInitMetadataLayout { get; } = new("NVIDIA GPU initialization metadata", 192,
    [
        FieldDef.Ascii("deviceName", "Device name", 0, 48),
        FieldDef.Ascii("firmwareVersion", "Firmware version", 48, 16),
        FieldDef.Ascii("pfDriverMicrocodeVersion", "PF driver microcode version", 64, 16),
        FieldDef.Ascii("pfDriverVersion", "PF driver version", 80, 16),
        FieldDef.Ascii("vfDriverVersion", "VF driver version", 96, 16),
        FieldDef.Hex("configuration", "Configuration", 112, 8),
        FieldDef.Hex("pdi", "PDI", 120, 8),
        FieldDef.Hex("architectureId", "Architecture ID", 128, 4),
        FieldDef.UInt("hardwareInfoType", "Hardware information type (0 PCI)", 132, 1),
        FieldDef.Hex("pciClass", "PCI class", 133, 1), FieldDef.Hex("pciSubclass", "PCI subclass", 134, 1), FieldDef.Hex("pciRevision", "PCI revision", 135, 1),
        FieldDef.Hex("vendorId", "Vendor ID", 136, 2), FieldDef.Hex("deviceId", "Device ID", 138, 2),
        FieldDef.Hex("subsystemVendorId", "Subsystem vendor ID", 140, 2), FieldDef.Hex("subsystemId", "Subsystem ID", 142, 2),
        FieldDef.Hex("bar0Start", "BAR 0 start", 144, 8), FieldDef.Hex("bar0Size", "BAR 0 size", 152, 8),
        FieldDef.Hex("bar1Start", "BAR 1 start", 160, 8), FieldDef.Hex("bar1Size", "BAR 1 size", 168, 8),
        FieldDef.Hex("bar2Start", "BAR 2 start", 176, 8), FieldDef.Hex("bar2Size", "BAR 2 size", 184, 8),
    ]);

    /// <summary>GPU recommended actions (context data format 0x8002, 16 bytes).</summary>
    public static StructDef RecommendedActionsLayout { get; } = new("NVIDIA GPU recommended actions", 16,
    [
        FieldDef.Hex("flags", "Flags", 0, 1),
        FieldDef.Reserved("reserved", 1, 3),
        FieldDef.UInt("recoveryAction", "Recovery action", 4, 2),
        FieldDef.UInt("diagnosticFlow", "Diagnostic flow", 6, 2),
        FieldDef.Reserved("reserved2", 8, 8),
    ]);

    /// <summary>Element layouts of context data formats 1-4 (64-bit key/value, 32-bit key/value, 64-bit values, 32-bit values).</summary>
    public static IReadOnlyList<StructDef> ArrayElementLayouts { get; } =
    [
        new("64-bit key/value", 16, [FieldDef.Hex("key64", "Key", 0, 8), FieldDef.Hex("val64", "Value", 8, 8)]),
        new("32-bit key/value", 8, [FieldDef.Hex("key32", "Key", 0, 4), FieldDef.Hex("val32", "Value", 4, 4)]),
        new("64-bit value", 8, [FieldDef.Hex("val64", "Value", 0, 8)]),
        new("32-bit value", 4, [FieldDef.Hex("val32", "Value", 0, 4)]),
    ];

    /// <summary>GPU legacy XID (context data format 0x8001): XID code, then up to 236 bytes of message text.</summary>
    public const int LegacyXidMessageSize = 236;

    /// <summary>The codec; built in (see <see cref="CperSections"/>).</summary>
    public static CperSectionCodec Codec { get; } = new(SectionGuid, "NVIDIA Event", Describe, (b, o) => Decode(b, o));

    private readonly byte[] _header = new byte[HeaderSize];

    /// <inheritdoc/>
    public override Guid SectionType => SectionGuid;

    /// <summary>Event header version (libcper reads version 1).</summary>
    public byte Version { get => _header[0]; set => _header[0] = value; }
    /// <summary>Source device type (see <see cref="DeviceTypes"/>).</summary>
    public byte SourceDeviceType { get => _header[2]; set => _header[2] = value; }
    /// <summary>Event type.</summary>
    public ushort EventType { get => BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(4)); set => BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(4), value); }
    /// <summary>Event subtype.</summary>
    public ushort EventSubtype { get => BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(6)); set => BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(6), value); }
    /// <summary>Link ID.</summary>
    public ulong LinkId { get => BinaryPrimitives.ReadUInt64LittleEndian(_header.AsSpan(8)); set => BinaryPrimitives.WriteUInt64LittleEndian(_header.AsSpan(8), value); }
    /// <summary>The 16 signature bytes (ASCII, NUL padded).</summary>
    public byte[] SignatureBytes { get => _header.AsSpan(16, 16).ToArray(); set => value.AsSpan(0, Math.Min(16, value.Length)).CopyTo(_header.AsSpan(16, 16)); }
    /// <summary>Event information version (major in bits 8-15, minor in bits 0-7).</summary>
    public ushort InfoVersion { get; set; }
    /// <summary>The device-specific event information after its 3-byte header (see <see cref="InfoLayout"/>).</summary>
    public byte[] Info { get; set; } = [];
    /// <summary>The event contexts.</summary>
    public List<NvidiaEventContext> Contexts { get; } = [];
    /// <summary>The context count byte when it differs from <see cref="Contexts"/> (a truncated section); null writes the list's count.</summary>
    public byte? DeclaredContextCount { get; set; }
    /// <summary>Bytes after the last whole context (kept for round trip).</summary>
    public byte[] TrailingBytes { get; set; } = [];

    /// <summary>The layout of <see cref="Info"/>: CPU (device type 0, version 0.x), GPU (device type 1, version 1.x), or null.</summary>
    public StructDef? InfoLayout => InfoLayoutFor(SourceDeviceType, InfoVersion);

    internal static StructDef? InfoLayoutFor(byte device, ushort version) => (device, version >> 8) switch
    {
        (0, 0) => CpuInfoLayout,
        (1, 1) => GpuInfoLayout,
        _ => null,
    };

    /// <summary>An integer field of <see cref="Info"/> by its JSON name, or null when the layout does not apply or the information is shorter.</summary>
    public ulong? GetInfoField(string json)
        => InfoLayout?.Find(json) is { } f && f.End <= Info.Length ? f.ReadValue(Info) : null;

    /// <inheritdoc/>
    public override int GetEncodedLength()
    {
        long n = HeaderSize + InfoHeaderSize + (long)Info.Length + TrailingBytes.Length;
        foreach (var c in Contexts) n += c.EncodedLength;
        return checked((int)n);
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">More than 255 contexts, or information longer than 252 bytes.</exception>
    public override bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (Contexts.Count > byte.MaxValue) throw new InvalidOperationException("An NVIDIA event section holds at most 255 contexts.");
        if (Info.Length > byte.MaxValue - InfoHeaderSize) throw new InvalidOperationException("NVIDIA event information is at most 252 bytes.");
        int total = GetEncodedLength();
        if (destination.Length < total) return false;
        _header.CopyTo(destination);
        destination[1] = DeclaredContextCount ?? (byte)Contexts.Count;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[HeaderSize..], InfoVersion);
        destination[HeaderSize + 2] = (byte)(InfoHeaderSize + Info.Length);
        int pos = HeaderSize + InfoHeaderSize;
        Info.CopyTo(destination[pos..]);
        pos += Info.Length;
        foreach (var c in Contexts) pos += c.Write(destination[pos..]);
        TrailingBytes.CopyTo(destination[pos..]);
        bytesWritten = total;
        return true;
    }

    /// <summary>Decodes the section.</summary>
    /// <exception cref="ApeiContentException">Fewer than 35 bytes, or an information size below 3 or beyond the body.</exception>
    public static NvidiaEventSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        var walk = Walk(body, baseOffset);
        if (walk.InfoError is not null) throw walk.InfoError;
        var s = new NvidiaEventSection { InfoVersion = BinaryPrimitives.ReadUInt16LittleEndian(body[HeaderSize..]) };
        body[..HeaderSize].CopyTo(s._header);
        s.Info = body[(HeaderSize + InfoHeaderSize)..walk.InfoEnd].ToArray();
        foreach (var (at, size) in walk.Contexts) s.Contexts.Add(NvidiaEventContext.Decode(body.Slice(at, size)));
        if (walk.Contexts.Count != body[1]) s.DeclaredContextCount = body[1];
        s.TrailingBytes = body[walk.End..].ToArray();
        return s;
    }

    /// <summary>Offset of the event context count in the event header (<see cref="HeaderLayout"/>'s <c>contextCount</c>).</summary>
    internal const int ContextCountOffset = 1;

    /// <summary>Where the event information ends (the event header, then the information's own size): false when the body does not hold both headers or the size is below 3 or beyond the body.</summary>
    internal static bool TryMeasureInfo(ReadOnlySpan<byte> body, out int infoEnd)
    {
        infoEnd = HeaderSize + InfoHeaderSize;
        if (body.Length < HeaderSize + InfoHeaderSize) return false;
        int infoSize = body[HeaderSize + 2];
        if (infoSize < InfoHeaderSize || HeaderSize + infoSize > body.Length) return false;
        infoEnd = HeaderSize + infoSize;
        return true;
    }

    /// <summary>The context size of the context at <paramref name="pos"/> (libcper's walk: each context at the previous one plus its context size), when its header fits and the size is at least the header and within the body.</summary>
    internal static bool TryWalkContext(ReadOnlySpan<byte> body, int pos, out int size)
    {
        size = 0;
        if (body.Length - pos < ContextHeaderSize) return false;
        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(body[pos..]);
        if (declared < ContextHeaderSize || declared > (uint)(body.Length - pos)) return false;
        size = (int)declared;
        return true;
    }

    private sealed record WalkResult(int InfoEnd, List<(int At, int Size)> Contexts, int End, ApeiContentException? InfoError, ApeiContentException? ContextError);

    /// <summary>The information end and the contexts that fit (libcper's walk: each context at the previous one plus its context size).</summary>
    private static WalkResult Walk(ReadOnlySpan<byte> body, long baseOffset)
    {
        if (body.Length < HeaderSize + InfoHeaderSize) ThrowHelper.ThrowTruncated(StructureName, baseOffset, HeaderSize + InfoHeaderSize, body.Length);
        int infoSize = body[HeaderSize + 2];
        var contexts = new List<(int, int)>();
        if (!TryMeasureInfo(body, out int infoEnd))
        {
            var e = new ApeiContentException(StructureName, "EventInfoSize", baseOffset + HeaderSize + 2,
                FormattableString.Invariant($"{InfoHeaderSize} to {body.Length - HeaderSize} bytes"), FormattableString.Invariant($"{infoSize} bytes"));
            return new(HeaderSize + InfoHeaderSize, contexts, HeaderSize + InfoHeaderSize, e, null);
        }
        int pos = infoEnd;
        int declared = body[ContextCountOffset];
        ApeiContentException? error = null;
        for (int i = 0; i < declared; i++)
        {
            if (TryWalkContext(body, pos, out int size))
            {
                contexts.Add((pos, size));
                pos += size;
                continue;
            }
            if (body.Length - pos < ContextHeaderSize)
            {
                error = ApeiContentException.Truncated(FormattableString.Invariant($"{StructureName} context #{i}"), baseOffset + pos, ContextHeaderSize, body.Length - pos, "EventContextCount");
                break;
            }
            uint bad = BinaryPrimitives.ReadUInt32LittleEndian(body[pos..]);
            error = new ApeiContentException(FormattableString.Invariant($"{StructureName} context #{i}"), "CtxSize", baseOffset + pos,
                FormattableString.Invariant($"{ContextHeaderSize} to {body.Length - pos} bytes"), FormattableString.Invariant($"{bad} bytes"));
            break;
        }
        return new(infoEnd, contexts, pos, null, error);
    }

    /// <summary>Describes the header, the event information, each context that fits and any bytes after them.</summary>
    /// <exception cref="ApeiContentException">Fewer than 35 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        // A builder (JSON input) writes the headers before the walk reads them (see IStructureSource).
        HeaderLayout.Prefill(visitor, baseOffset);
        InfoHeaderLayout.Prefill(visitor, baseOffset + HeaderSize);
        var walk = Walk(body, baseOffset);
        HeaderLayout.Describe(body[..HeaderSize], baseOffset, visitor);
        InfoHeaderLayout.Describe(body.Slice(HeaderSize, InfoHeaderSize), baseOffset + HeaderSize, visitor);
        if (walk.InfoError is not null)
        {
            visitor.Error(walk.InfoError);
            visitor.Data("undecoded", "Bytes not decoded (the information size does not fit)", baseOffset + HeaderSize + InfoHeaderSize, body[(HeaderSize + InfoHeaderSize)..]);
            return;
        }
        int infoAt = HeaderSize + InfoHeaderSize;
        var info = body[infoAt..walk.InfoEnd];
        var layout = InfoLayoutFor(body[2], BinaryPrimitives.ReadUInt16LittleEndian(body[HeaderSize..]));
        visitor.BeginObject("eventInfo", layout?.Name ?? "Event information", baseOffset + infoAt, info.Length);
        DescribeFixed(layout, info, baseOffset + infoAt, visitor, "data");
        visitor.EndObject();
        visitor.BeginArray("contexts", "Event contexts", baseOffset + walk.InfoEnd, walk.End - walk.InfoEnd);
        for (int i = 0; i < walk.Contexts.Count; i++)
        {
            var (at, size) = walk.Contexts[i];
            visitor.BeginObject(null, $"Event context #{i}", baseOffset + at, size);
            NvidiaEventContext.Describe(body.Slice(at, size), body[2], baseOffset + at, visitor);
            visitor.EndObject();
        }
        int end = walk.End;
        if (walk.ContextError is not null && body.Length - end >= ContextHeaderSize)
        {
            // A context whose size does not fit: its header is still shown (the size is what is wrong), the rest stays raw.
            visitor.BeginObject(null, $"Event context #{walk.Contexts.Count}", baseOffset + end, ContextHeaderSize);
            ContextHeaderLayout.Describe(body.Slice(end, ContextHeaderSize), baseOffset + end, visitor);
            visitor.Error(walk.ContextError);
            visitor.EndObject();
            end += ContextHeaderSize;
        }
        else if (walk.ContextError is not null) visitor.Error(walk.ContextError);
        visitor.EndArray();
        if (end < body.Length) visitor.Data("trailingBytes", "Bytes after the contexts", baseOffset + end, body[end..]);
    }

    /// <summary>Describes a fixed layout over the start of <paramref name="bytes"/> (when it fits) and the rest as data.</summary>
    internal static void DescribeFixed(StructDef? layout, ReadOnlySpan<byte> bytes, long baseOffset, StructureVisitor visitor, string restName)
    {
        int used = 0;
        if (layout is not null && bytes.Length >= layout.Size)
        {
            layout.Describe(bytes[..layout.Size], baseOffset, visitor);
            used = layout.Size;
        }
        if (used < bytes.Length || used == 0) visitor.Data(used == 0 ? restName : "trailingBytes", used == 0 ? "Data" : "Bytes after the layout", baseOffset + used, bytes[used..]);
    }
}

/// <summary>One NVIDIA event context: its 16-byte header and the bytes after it up to its context size (data, then padding).</summary>
public sealed class NvidiaEventContext
{
    private readonly byte[] _header = new byte[NvidiaEventSection.ContextHeaderSize];

    /// <summary>Context version.</summary>
    public ushort Version { get => BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(4)); set => BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(4), value); }
    /// <summary>Data format type (1-4 arrays, GPU 0x8000-0x8002, see <see cref="NvidiaEventSection"/>).</summary>
    public ushort DataFormatType { get => BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(8)); set => BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(8), value); }
    /// <summary>Data format version.</summary>
    public ushort DataFormatVersion { get => BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(10)); set => BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(10), value); }
    /// <summary>Data size as written in the header (may claim more than <see cref="Body"/> holds in a malformed section).</summary>
    public uint DataSize { get => BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(12)); set => BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(12), value); }
    /// <summary>The bytes after the header up to the context size: data, then padding. Context size is written as 16 plus its length.</summary>
    public byte[] Body { get; set; } = [];

    /// <summary>The data: the first <see cref="DataSize"/> bytes of <see cref="Body"/>, or null when the data size does not fit.</summary>
    public byte[]? Data => DataSize <= (uint)Body.Length ? Body.AsSpan(0, (int)DataSize).ToArray() : null;

    /// <summary>Sets the data (and <see cref="DataSize"/>), padding the context to a multiple of 16 bytes as libcper writes it.</summary>
    public void SetData(ReadOnlySpan<byte> data)
    {
        DataSize = (uint)data.Length;
        var b = new byte[(data.Length + 15) & ~15];
        data.CopyTo(b);
        Body = b;
    }

    internal int EncodedLength => NvidiaEventSection.ContextHeaderSize + Body.Length;

    internal int Write(Span<byte> destination)
    {
        _header.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)EncodedLength);
        Body.CopyTo(destination[NvidiaEventSection.ContextHeaderSize..]);
        return EncodedLength;
    }

    internal static NvidiaEventContext Decode(ReadOnlySpan<byte> context)
    {
        var c = new NvidiaEventContext { Body = context[NvidiaEventSection.ContextHeaderSize..].ToArray() };
        context[..NvidiaEventSection.ContextHeaderSize].CopyTo(c._header);
        return c;
    }

    /// <summary>The fixed layout of a data format for a source device type, or null (arrays, legacy XID, opaque).</summary>
    public static StructDef? FixedDataLayout(byte deviceType, ushort format) => (deviceType, format) switch
    {
        (1, 0x8000) => NvidiaEventSection.GpuInitMetadataLayout,
        (1, 0x8002) => NvidiaEventSection.RecommendedActionsLayout,
        _ => null,
    };

    /// <summary>The element layout of array formats 1-4, or null.</summary>
    public static StructDef? ArrayElementLayout(byte deviceType, ushort format)
        => format is >= 1 and <= 4 && !(deviceType == 1 && format >= 0x8000) ? NvidiaEventSection.ArrayElementLayouts[format - 1] : null;

    internal static void Describe(ReadOnlySpan<byte> context, byte deviceType, long baseOffset, StructureVisitor visitor)
    {
        const int h = NvidiaEventSection.ContextHeaderSize;
        NvidiaEventSection.ContextHeaderLayout.Describe(context[..h], baseOffset, visitor);
        var body = context[h..];
        uint dataSize = BinaryPrimitives.ReadUInt32LittleEndian(context[12..]);
        ushort format = BinaryPrimitives.ReadUInt16LittleEndian(context[8..]);
        int n = (int)Math.Min(dataSize, (uint)body.Length);
        if (dataSize > (uint)body.Length)
        {
            visitor.Error(new ApeiContentException("NVIDIA event context", "DataSize", baseOffset + 12,
                FormattableString.Invariant($"at most {body.Length} bytes (the context size less its header)"), FormattableString.Invariant($"{dataSize} bytes")));
        }
        var data = body[..n];
        long dataAt = baseOffset + h;
        visitor.BeginObject("data", "Data", dataAt, n);
        if (ArrayElementLayout(deviceType, format) is { } element)
        {
            int count = n / element.Size;
            visitor.BeginArray("elements", "Elements", dataAt, (long)count * element.Size);
            for (int i = 0; i < count; i++)
            {
                visitor.BeginObject(null, element.Name, dataAt + (long)i * element.Size, element.Size);
                element.Describe(data.Slice(i * element.Size, element.Size), dataAt + (long)i * element.Size, visitor);
                visitor.EndObject();
            }
            visitor.EndArray();
            if (count * element.Size < n) visitor.Data("trailingBytes", "Bytes after the elements", dataAt + count * element.Size, data[(count * element.Size)..]);
        }
        else if (deviceType == 1 && format == 0x8001 && n >= 4)
        {
            var xid = new StructDef("NVIDIA GPU legacy XID", n, [FieldDef.UInt("xidCode", "XID code", 0, 4), FieldDef.Ascii("message", "Message", 4, n - 4)]);
            xid.Describe(data, dataAt, visitor);
        }
        else NvidiaEventSection.DescribeFixed(FixedDataLayout(deviceType, format), data, dataAt, visitor, "opaque");
        visitor.EndObject();
        if (n < body.Length) visitor.Data("padding", "Padding", dataAt + n, body[n..]);
    }
}
