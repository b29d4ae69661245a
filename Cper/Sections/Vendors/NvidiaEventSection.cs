using ApeiKit.Declarations;

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
[Layout("NVIDIA event section", HeaderSize, "libcper cper-section-nvidia-events.h, EFI_NVIDIA_EVENT_HEADER")]
[Reserved(3, 1)]
public sealed partial class NvidiaEventSection : CperSectionBody
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

    /// <summary>Event header layout (32 bytes): the declaration's <c>LayoutDef</c>.</summary>
    public static StructDef HeaderLayout => LayoutDef;

    /// <summary>Event information header (3 bytes at offset 32): <see cref="NvidiaEventInfoHeader"/>'s declaration.</summary>
    public static StructDef InfoHeaderLayout => NvidiaEventInfoHeader.LayoutDef;

    /// <summary>CPU event information (29 bytes, source device type 0, information version 0.x).</summary>
    public static StructDef CpuInfoLayout => NvidiaCpuEventInfo.LayoutDef;

    /// <summary>GPU event information (13 bytes, source device type 1, information version 1.x).</summary>
    public static StructDef GpuInfoLayout => NvidiaGpuEventInfo.LayoutDef;

    /// <summary>Context header (16 bytes): <see cref="NvidiaEventContext"/>'s declaration.</summary>
    public static StructDef ContextHeaderLayout => NvidiaEventContext.LayoutDef;

    /// <summary>GPU initialization metadata (context data format 0x8000, 192 bytes).</summary>
    public static StructDef GpuInitMetadataLayout => NvidiaGpuInitMetadata.LayoutDef;

    /// <summary>GPU recommended actions (context data format 0x8002, 16 bytes).</summary>
    public static StructDef RecommendedActionsLayout => NvidiaGpuRecommendedActions.LayoutDef;

    /// <summary>Element layouts of context data formats 1-4 (64-bit key/value, 32-bit key/value, 64-bit values, 32-bit values).</summary>
    public static IReadOnlyList<StructDef> ArrayElementLayouts { get; } =
        [NvidiaKeyValue64.LayoutDef, NvidiaKeyValue32.LayoutDef, NvidiaValue64.LayoutDef, NvidiaValue32.LayoutDef];

    /// <summary>GPU legacy XID (context data format 0x8001): XID code, then up to 236 bytes of message text.</summary>
    public const int LegacyXidMessageSize = 236;

    /// <summary>The codec; built in (see <see cref="CperSections"/>).</summary>
    public static CperSectionCodec Codec { get; } = new(SectionGuid, "NVIDIA Event", Describe, (b, o) => Decode(b, o));

    private readonly byte[] _header = new byte[HeaderSize];

    /// <inheritdoc/>
    public override Guid SectionType => SectionGuid;

    // The event header's declaration (libcper EFI_NVIDIA_EVENT_HEADER): HeaderLayout, the XField statics and
    // NvidiaEventSectionView are generated from it; the model keeps the header's bytes (_header).
    private ulong Get(FieldDef field) => field.ReadValue(_header);
    private void Set(FieldDef field, ulong value) => field.WriteValue(_header, value);

    /// <summary>Event header version (libcper reads version 1).</summary>
    [Field(0, 1, FieldKind.UInt, LibCper = "")] public partial byte Version { get; set; }
    // The context count the encoder writes (the list's count, or DeclaredContextCount); read by the walk. Declared as
    // derived from the contexts (Derive) for an encoder that lays them out from a description (the libcper read-back).
    [Field(1, 1, FieldKind.UInt, Label = "Event context count", Derive = nameof(ContextCountDerivation))] internal partial byte ContextCount { get; }
    /// <summary>Source device type (see <see cref="DeviceTypes"/>).</summary>
    [Field(2, 1, FieldKind.Enum, Names = nameof(DeviceTypes))] public partial byte SourceDeviceType { get; set; }
    /// <summary>Event type.</summary>
    [Field(4, 2, FieldKind.Hex, Json = "type", LibCper = ":Hex:4")] public partial ushort EventType { get; set; }
    /// <summary>Event subtype.</summary>
    [Field(6, 2, FieldKind.Hex, Json = "subtype", LibCper = ":Hex:4")] public partial ushort EventSubtype { get; set; }
    /// <summary>Link ID.</summary>
    [Field(8, 8, FieldKind.Hex)] public partial ulong LinkId { get; set; }
    /// <summary>The 16 signature bytes (ASCII, NUL padded); a shorter value sets the first bytes.</summary>
    [Field(16, 16, FieldKind.Ascii, Json = "signature", Label = "Signature", LibCper = ":Untrusted")]
    public byte[] SignatureBytes
    {
        get => _header.AsSpan(SignatureBytesField.Offset, SignatureBytesField.Size).ToArray();
        set => value.AsSpan(0, Math.Min(SignatureBytesField.Size, value.Length)).CopyTo(_header.AsSpan(SignatureBytesField.Offset, SignatureBytesField.Size));
    }
    private static FieldDerivation ContextCountDerivation => FieldDerivation.CountOf("contexts");

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
        ContextCountField.WriteValue(destination, DeclaredContextCount ?? (byte)Contexts.Count);
        NvidiaEventInfoHeader.InfoVersionField.WriteValue(destination[HeaderSize..], InfoVersion);
        NvidiaEventInfoHeader.InfoSizeField.WriteValue(destination[HeaderSize..], (ulong)(InfoHeaderSize + Info.Length));
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
        if (!TryMeasureInfo(body, out int infoEnd)) throw InfoError(body, baseOffset);
        var s = new NvidiaEventSection { InfoVersion = (ushort)NvidiaEventInfoHeader.InfoVersionField.ReadValue(body[HeaderSize..]) };
        body[..HeaderSize].CopyTo(s._header);
        s.Info = body[(HeaderSize + InfoHeaderSize)..infoEnd].ToArray();
        var contexts = ContextsAfter(body, infoEnd);
        while (contexts.MoveNext()) s.Contexts.Add(NvidiaEventContext.Decode(contexts.CurrentBytes));
        if (s.Contexts.Count != body[ContextCountField.Offset]) s.DeclaredContextCount = body[ContextCountField.Offset];
        s.TrailingBytes = body[contexts.End..].ToArray();
        return s;
    }

    /// <summary>Where the event information ends (the event header, then the information's own size): false when the body does not hold both headers or the size is below 3 or beyond the body.</summary>
    internal static bool TryMeasureInfo(ReadOnlySpan<byte> body, out int infoEnd)
    {
        infoEnd = HeaderSize + InfoHeaderSize;
        if (body.Length < HeaderSize + InfoHeaderSize) return false;
        int infoSize = body[HeaderSize + NvidiaEventInfoHeader.InfoSizeField.Offset];
        if (infoSize < InfoHeaderSize || HeaderSize + infoSize > body.Length) return false;
        infoEnd = HeaderSize + infoSize;
        return true;
    }

    /// <summary>The context size of the context at <paramref name="pos"/> (libcper's walk: each context at the previous one plus its context size), when its header fits and the size is at least the header and within the body.</summary>
    internal static bool TryWalkContext(ReadOnlySpan<byte> body, int pos, out int size)
    {
        size = 0;
        if (body.Length - pos < ContextHeaderSize) return false;
        uint declared = (uint)NvidiaEventContext.ContextSizeField.ReadValue(body[pos..]);
        if (declared < ContextHeaderSize || declared > (uint)(body.Length - pos)) return false;
        size = (int)declared;
        return true;
    }

    /// <summary>Why <see cref="TryMeasureInfo"/> found no event information: the body does not hold both headers, or the information size is below 3 or beyond the body.</summary>
    private static ApeiContentException InfoError(ReadOnlySpan<byte> body, long baseOffset)
    {
        if (body.Length < HeaderSize + InfoHeaderSize) return ApeiContentException.Truncated(StructureName, baseOffset, HeaderSize + InfoHeaderSize, body.Length);
        int infoSize = body[HeaderSize + NvidiaEventInfoHeader.InfoSizeField.Offset];
        return new ApeiContentException(StructureName, "EventInfoSize", baseOffset + HeaderSize + NvidiaEventInfoHeader.InfoSizeField.Offset,
            FormattableString.Invariant($"{InfoHeaderSize} to {body.Length - HeaderSize} bytes"), FormattableString.Invariant($"{infoSize} bytes"));
    }

    /// <summary>The counted contexts from <paramref name="infoEnd"/>: the view's walk (libcper's: each context at the previous one plus its context size), nothing allocated.</summary>
    private static NvidiaEventContextEnumerator ContextsAfter(ReadOnlySpan<byte> body, int infoEnd)
        => new(body, infoEnd, body[ContextCountField.Offset], body[SourceDeviceTypeField.Offset]);

    /// <summary>Why context #<paramref name="index"/> at <paramref name="pos"/> ended the walk: its header or its context size does not fit.</summary>
    private static ApeiContentException ContextError(ReadOnlySpan<byte> body, int pos, int index, long baseOffset)
    {
        string name = FormattableString.Invariant($"{StructureName} context #{index}");
        if (body.Length - pos < ContextHeaderSize)
            return ApeiContentException.Truncated(name, baseOffset + pos, ContextHeaderSize, body.Length - pos, "EventContextCount");
        uint bad = (uint)NvidiaEventContext.ContextSizeField.ReadValue(body[pos..]);
        return new ApeiContentException(name, "CtxSize", baseOffset + pos,
            FormattableString.Invariant($"{ContextHeaderSize} to {body.Length - pos} bytes"), FormattableString.Invariant($"{bad} bytes"));
    }

    /// <summary>Describes the header, the event information, each context that fits and any bytes after them.</summary>
    /// <exception cref="ApeiContentException">Fewer than 35 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        // A builder (JSON input) writes the headers before the walk reads them (see IStructureSource).
        HeaderLayout.Prefill(visitor, baseOffset);
        InfoHeaderLayout.Prefill(visitor, baseOffset + HeaderSize);
        if (body.Length < HeaderSize + InfoHeaderSize) throw InfoError(body, baseOffset);
        bool infoFits = TryMeasureInfo(body, out int infoEnd);
        HeaderLayout.Describe(body[..HeaderSize], baseOffset, visitor);
        InfoHeaderLayout.Describe(body.Slice(HeaderSize, InfoHeaderSize), baseOffset + HeaderSize, visitor);
        if (!infoFits)
        {
            visitor.Error(InfoError(body, baseOffset));
            visitor.Data(CperRecordDescriber.UndecodedMember, "Bytes not decoded (the information size does not fit)", baseOffset + HeaderSize + InfoHeaderSize, body[(HeaderSize + InfoHeaderSize)..]);
            return;
        }
        int infoAt = HeaderSize + InfoHeaderSize;
        var info = body[infoAt..infoEnd];
        var layout = InfoLayoutFor(body[SourceDeviceTypeField.Offset], (ushort)NvidiaEventInfoHeader.InfoVersionField.ReadValue(body[HeaderSize..]));
        visitor.BeginObject("eventInfo", layout?.Name ?? "Event information", baseOffset + infoAt, info.Length);
        DescribeFixed(layout, info, baseOffset + infoAt, visitor, "data");
        visitor.EndObject();
        var contexts = ContextsAfter(body, infoEnd);
        var measure = contexts; // a copy (a ref struct) walked ahead for the array's length
        while (measure.MoveNext()) { }
        visitor.BeginArray("contexts", "Event contexts", baseOffset + infoEnd, measure.End - infoEnd);
        int walked = 0;
        for (; contexts.MoveNext(); walked++)
        {
            int at = contexts.Offset;
            visitor.BeginObject(null, visitor.WantsLabels ? $"Event context #{walked}" : "Event context", baseOffset + at, contexts.CurrentBytes.Length);
            NvidiaEventContext.Describe(contexts.CurrentBytes, body[SourceDeviceTypeField.Offset], baseOffset + at, visitor);
            visitor.EndObject();
        }
        int end = contexts.End;
        if (!contexts.Complete)
        {
            var error = ContextError(body, end, walked, baseOffset);
            if (body.Length - end >= ContextHeaderSize)
            {
                // A context whose size does not fit: its header is still shown (the size is what is wrong), the rest stays raw.
                visitor.BeginObject(null, $"Event context #{walked}", baseOffset + end, ContextHeaderSize);
                ContextHeaderLayout.Describe(body.Slice(end, ContextHeaderSize), baseOffset + end, visitor);
                visitor.Error(error);
                visitor.EndObject();
                end += ContextHeaderSize;
            }
            else visitor.Error(error);
        }
        visitor.EndArray();
        if (end < body.Length) visitor.Data(CperRecordDescriber.TrailingMember, "Bytes after the contexts", baseOffset + end, body[end..]);
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
        if (used < bytes.Length || used == 0) visitor.Data(used == 0 ? restName : CperRecordDescriber.TrailingMember, used == 0 ? "Data" : "Bytes after the layout", baseOffset + used, bytes[used..]);
    }
}

/// <summary>One NVIDIA event context: its 16-byte header and the bytes after it up to its context size (data, then padding).</summary>
[Layout("NVIDIA event context", NvidiaEventSection.ContextHeaderSize, "libcper cper-section-nvidia-events.h, EFI_NVIDIA_EVENT_CTX_HEADER")]
[Reserved(6, 2)]
public sealed partial class NvidiaEventContext
{
    private readonly byte[] _header = new byte[NvidiaEventSection.ContextHeaderSize];

    // The context header's declaration (libcper EFI_NVIDIA_EVENT_CTX_HEADER): NvidiaEventSection.ContextHeaderLayout,
    // the XField statics and NvidiaEventContextView are generated from it.
    private ulong Get(FieldDef field) => field.ReadValue(_header);
    private void Set(FieldDef field, ulong value) => field.WriteValue(_header, value);

    // Written as 16 plus the body's length by the encoder; read by the walk (NvidiaEventSection.TryWalkContext). Not
    // declared as derived: ApeiKit's JSON builder opens a context's object with the size this field gives, so it cannot
    // derive it from that object (the libcper read-back derives it, LcStructure.Deriving).
    [Field(0, 4, FieldKind.UInt, Label = "Context size (header, data and padding)", Unit = "bytes")] internal partial uint ContextSize { get; }
    /// <summary>Context version.</summary>
    [Field(4, 2, FieldKind.UInt, LibCper = "")] public partial ushort Version { get; set; }
    /// <summary>Data format type (1-4 arrays, GPU 0x8000-0x8002, see <see cref="NvidiaEventSection"/>).</summary>
    [Field(8, 2, FieldKind.Hex, LibCper = ":Hex:4")] public partial ushort DataFormatType { get; set; }
    /// <summary>Data format version.</summary>
    [Field(10, 2, FieldKind.UInt, LibCper = "")] public partial ushort DataFormatVersion { get; set; }
    /// <summary>Data size as written in the header (may claim more than <see cref="Body"/> holds in a malformed section).</summary>
    [Field(12, 4, FieldKind.UInt, Unit = "bytes", LibCper = ":Int32")] public partial uint DataSize { get; set; }
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
        ContextSizeField.WriteValue(destination, (uint)EncodedLength);
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
        uint dataSize = (uint)DataSizeField.ReadValue(context);
        ushort format = (ushort)DataFormatTypeField.ReadValue(context);
        int n = (int)Math.Min(dataSize, (uint)body.Length);
        if (dataSize > (uint)body.Length)
        {
            visitor.Error(new ApeiContentException("NVIDIA event context", "DataSize", baseOffset + DataSizeField.Offset,
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
            if (count * element.Size < n) visitor.Data(CperRecordDescriber.TrailingMember, "Bytes after the elements", dataAt + count * element.Size, data[(count * element.Size)..]);
        }
        else if (deviceType == 1 && format == 0x8001 && n >= NvidiaGpuLegacyXid.MessageField.Offset)
        {
            // The declared layout cut to the data size: the message is the bytes after the XID code.
            var xid = new StructDef(NvidiaGpuLegacyXid.LayoutDef.Name, n,
                [NvidiaGpuLegacyXid.XidCodeField, NvidiaGpuLegacyXid.MessageField with { Size = n - NvidiaGpuLegacyXid.MessageField.Offset }]);
            xid.Describe(data, dataAt, visitor);
        }
        else NvidiaEventSection.DescribeFixed(FixedDataLayout(deviceType, format), data, dataAt, visitor, "opaque");
        visitor.EndObject();
        if (n < body.Length) visitor.Data("padding", "Padding", dataAt + n, body[n..]);
    }
}

// The fixed structures inside the section (libcper include/libcper/sections/cper-section-nvidia-events.h), declared once:
// their LayoutDefs are NvidiaEventSection's InfoHeaderLayout, CpuInfoLayout, GpuInfoLayout, GpuInitMetadataLayout,
// RecommendedActionsLayout and ArrayElementLayouts, read by the describer and the libcper writer. Each is a declaration
// only (abstract, never made: the model keeps the information and context data as bytes, so its properties are the
// field lines and have no bodies); no view is generated for them (the section view reads them through these statics
// over NvidiaEventSectionView.Info and NvidiaEventContextView.Data).

/// <summary>Event information header (libcper EFI_NVIDIA_EVENT_INFO_HEADER): version and a size that counts these 3 bytes.</summary>
[Layout("NVIDIA event information header", NvidiaEventSection.InfoHeaderSize, "libcper cper-section-nvidia-events.h, EFI_NVIDIA_EVENT_INFO_HEADER", View = "")]
internal abstract partial class NvidiaEventInfoHeader
{
    [Field(0, 2, FieldKind.Hex, Label = "Information version (major in bits 8-15, minor in 0-7)", LibCper = "version:MajorMinor")] internal abstract ushort InfoVersion { get; }
    // Not declared as derived: the describer walks this header at the section's level, where ApeiKit's JSON builder
    // would take the section's length for it (the libcper read-back derives it, LcStructure.Deriving).
    [Field(2, 1, FieldKind.UInt, Label = "Information size (with this header)", Unit = "bytes")] internal abstract byte InfoSize { get; }
}

/// <summary>CPU event information (libcper EFI_NVIDIA_CPU_EVENT_INFO; source device type 0, information version 0.x).</summary>
[Layout("NVIDIA CPU event information", 29, "libcper cper-section-nvidia-events.h, EFI_NVIDIA_CPU_EVENT_INFO", View = "")]
internal abstract partial class NvidiaCpuEventInfo
{
    [Field(0, 1, FieldKind.UInt, Label = "Socket", LibCper = "SocketNum")] internal abstract byte SocketNum { get; }
    [Field(1, 4, FieldKind.Bits)]
    [Bit("hidFam", 0, 4, Label = "HID family")]
    [Bit("revisionMajor", 4, 4, Label = "Major revision")]
    [Bit("chipId", 8, 8, Label = "Chip ID")]
    [Bit("revisionMinor", 16, 4, Label = "Minor revision")]
    [Bit("preSiPlatform", 20, 5, Label = "Pre-silicon platform (0 silicon)")]
    [Bit("errorInjection", 31, 1, Label = "Error injection")]
    internal abstract uint Architecture { get; }
    [Field(5, 4, FieldKind.Hex, Label = "ECID 1", LibCper = "Ecid1:Hex:8")] internal abstract uint Ecid1 { get; }
    [Field(9, 4, FieldKind.Hex, Label = "ECID 2", LibCper = "Ecid2:Hex:8")] internal abstract uint Ecid2 { get; }
    [Field(13, 4, FieldKind.Hex, Label = "ECID 3", LibCper = "Ecid3:Hex:8")] internal abstract uint Ecid3 { get; }
    [Field(17, 4, FieldKind.Hex, Label = "ECID 4", LibCper = "Ecid4:Hex:8")] internal abstract uint Ecid4 { get; }
    [Field(21, 8, FieldKind.Hex, Label = "Instance base", LibCper = "InstanceBase:Hex:16")] internal abstract ulong InstanceBase { get; }
}

/// <summary>GPU event information (libcper EFI_NVIDIA_GPU_EVENT_INFO; source device type 1, information version 1.x).</summary>
[Layout("NVIDIA GPU event information", 13, "libcper cper-section-nvidia-events.h, EFI_NVIDIA_GPU_EVENT_INFO", View = "")]
internal abstract partial class NvidiaGpuEventInfo
{
    [Field(0, 1, FieldKind.Enum, Label = "Event originator", Names = "NvidiaEventSection.Originators")] internal abstract byte EventOriginator { get; }
    [Field(1, 2, FieldKind.UInt, Label = "Source partition", LibCper = "SourcePartition")] internal abstract ushort SourcePartition { get; }
    [Field(3, 2, FieldKind.UInt, Label = "Source sub-partition", LibCper = "SourceSubPartition")] internal abstract ushort SourceSubPartition { get; }
    [Field(5, 8, FieldKind.Hex, Label = "PDI", LibCper = "Pdi:ColonHex")] internal abstract ulong Pdi { get; }
}

/// <summary>GPU initialization metadata (libcper EFI_NVIDIA_GPU_CTX_INIT_METADATA with its PCI information; context data format 0x8000).</summary>
[Layout("NVIDIA GPU initialization metadata", 192, "libcper cper-section-nvidia-events.h, EFI_NVIDIA_GPU_CTX_INIT_METADATA", View = "")]
internal abstract partial class NvidiaGpuInitMetadata
{
    [Field(0, 48, FieldKind.Ascii, Label = "Device name", LibCper = ":UntrustedOrEmpty")] internal abstract byte[] DeviceName { get; }
    [Field(48, 16, FieldKind.Ascii, Label = "Firmware version", LibCper = ":UntrustedOrEmpty")] internal abstract byte[] FirmwareVersion { get; }
    [Field(64, 16, FieldKind.Ascii, Label = "PF driver microcode version", LibCper = ":UntrustedOrEmpty")] internal abstract byte[] PfDriverMicrocodeVersion { get; }
    [Field(80, 16, FieldKind.Ascii, Label = "PF driver version", LibCper = ":UntrustedOrEmpty")] internal abstract byte[] PfDriverVersion { get; }
    [Field(96, 16, FieldKind.Ascii, Label = "VF driver version", LibCper = ":UntrustedOrEmpty")] internal abstract byte[] VfDriverVersion { get; }
    [Field(112, 8, FieldKind.Hex, Label = "Configuration", LibCper = ":Hex:16")] internal abstract ulong Configuration { get; }
    [Field(120, 8, FieldKind.Hex, Label = "PDI", LibCper = ":ColonHex")] internal abstract ulong Pdi { get; }
    [Field(128, 4, FieldKind.Hex, Label = "Architecture ID")] internal abstract uint ArchitectureId { get; }
    [Field(132, 1, FieldKind.UInt, Label = "Hardware information type (0 PCI)", LibCper = "")] internal abstract byte HardwareInfoType { get; }
    [Field(133, 1, FieldKind.Hex, Label = "PCI class", LibCper = "class:Hex:2", LibCperObject = "pciInfo")] internal abstract byte PciClass { get; }
    [Field(134, 1, FieldKind.Hex, Label = "PCI subclass", LibCper = "subclass:Hex:2", LibCperObject = "pciInfo")] internal abstract byte PciSubclass { get; }
    [Field(135, 1, FieldKind.Hex, Label = "PCI revision", LibCper = "rev:Hex:2", LibCperObject = "pciInfo")] internal abstract byte PciRevision { get; }
    [Field(136, 2, FieldKind.Hex, Label = "Vendor ID", LibCper = "vendorId:Hex:4", LibCperObject = "pciInfo")] internal abstract ushort VendorId { get; }
    [Field(138, 2, FieldKind.Hex, Label = "Device ID", LibCper = "deviceId:Hex:4", LibCperObject = "pciInfo")] internal abstract ushort DeviceId { get; }
    [Field(140, 2, FieldKind.Hex, Label = "Subsystem vendor ID", LibCper = "subsystemVendorId:Hex:4", LibCperObject = "pciInfo")] internal abstract ushort SubsystemVendorId { get; }
    [Field(142, 2, FieldKind.Hex, Label = "Subsystem ID", LibCper = "subsystemId:Hex:4", LibCperObject = "pciInfo")] internal abstract ushort SubsystemId { get; }
    [Field(144, 8, FieldKind.Hex, Label = "BAR 0 start", LibCper = ":Hex", LibCperObject = "pciInfo")] internal abstract ulong Bar0Start { get; }
    [Field(152, 8, FieldKind.Hex, Label = "BAR 0 size", LibCper = ":Hex", LibCperObject = "pciInfo")] internal abstract ulong Bar0Size { get; }
    [Field(160, 8, FieldKind.Hex, Label = "BAR 1 start", LibCper = ":Hex", LibCperObject = "pciInfo")] internal abstract ulong Bar1Start { get; }
    [Field(168, 8, FieldKind.Hex, Label = "BAR 1 size", LibCper = ":Hex", LibCperObject = "pciInfo")] internal abstract ulong Bar1Size { get; }
    [Field(176, 8, FieldKind.Hex, Label = "BAR 2 start", LibCper = ":Hex", LibCperObject = "pciInfo")] internal abstract ulong Bar2Start { get; }
    [Field(184, 8, FieldKind.Hex, Label = "BAR 2 size", LibCper = ":Hex", LibCperObject = "pciInfo")] internal abstract ulong Bar2Size { get; }
}

/// <summary>GPU legacy XID (libcper EFI_NVIDIA_GPU_CTX_LEGACY_XID; context data format 0x8001): XID code and message text, cut to the data size.</summary>
[Layout("NVIDIA GPU legacy XID", 4 + NvidiaEventSection.LegacyXidMessageSize, "libcper cper-section-nvidia-events.h, EFI_NVIDIA_GPU_CTX_LEGACY_XID", View = "")]
internal abstract partial class NvidiaGpuLegacyXid
{
    [Field(0, 4, FieldKind.UInt, Label = "XID code", LibCper = ":Int32")] internal abstract uint XidCode { get; }
    [Field(4, NvidiaEventSection.LegacyXidMessageSize, FieldKind.Ascii, Label = "Message", LibCper = ":UntrustedOrEmpty")] internal abstract byte[] Message { get; }
}

/// <summary>GPU recommended actions (libcper EFI_NVIDIA_GPU_CTX_RECOMMENDED_ACTIONS; context data format 0x8002).</summary>
[Layout("NVIDIA GPU recommended actions", 16, "libcper cper-section-nvidia-events.h, EFI_NVIDIA_GPU_CTX_RECOMMENDED_ACTIONS", View = "")]
[Reserved(1, 3)]
[Reserved(8, 8, Json = "reserved2")]
internal abstract partial class NvidiaGpuRecommendedActions
{
    [Field(0, 1, FieldKind.Hex, Label = "Flags", LibCper = ":Hex:2")] internal abstract byte Flags { get; }
    [Field(4, 2, FieldKind.UInt, Label = "Recovery action", LibCper = "")] internal abstract ushort RecoveryAction { get; }
    [Field(6, 2, FieldKind.UInt, Label = "Diagnostic flow", LibCper = "")] internal abstract ushort DiagnosticFlow { get; }
}

/// <summary>Element of context data format 1 (libcper EFI_NVIDIA_EVENT_CTX_DATA_TYPE_1): 64-bit key and value.</summary>
[Layout("64-bit key/value", 16, "libcper cper-section-nvidia-events.h, EFI_NVIDIA_EVENT_CTX_DATA_TYPE_1", View = "")]
internal abstract partial class NvidiaKeyValue64
{
    [Field(0, 8, FieldKind.Hex, Label = "Key", LibCper = ":Hex:16")] internal abstract ulong Key64 { get; }
    [Field(8, 8, FieldKind.Hex, Label = "Value", LibCper = ":Hex:16")] internal abstract ulong Val64 { get; }
}

/// <summary>Element of context data format 2 (libcper EFI_NVIDIA_EVENT_CTX_DATA_TYPE_2): 32-bit key and value.</summary>
[Layout("32-bit key/value", 8, "libcper cper-section-nvidia-events.h, EFI_NVIDIA_EVENT_CTX_DATA_TYPE_2", View = "")]
internal abstract partial class NvidiaKeyValue32
{
    [Field(0, 4, FieldKind.Hex, Label = "Key", LibCper = ":Hex:8")] internal abstract uint Key32 { get; }
    [Field(4, 4, FieldKind.Hex, Label = "Value", LibCper = ":Hex:8")] internal abstract uint Val32 { get; }
}

/// <summary>Element of context data format 3 (libcper EFI_NVIDIA_EVENT_CTX_DATA_TYPE_3): a 64-bit value.</summary>
[Layout("64-bit value", 8, "libcper cper-section-nvidia-events.h, EFI_NVIDIA_EVENT_CTX_DATA_TYPE_3", View = "")]
internal abstract partial class NvidiaValue64
{
    [Field(0, 8, FieldKind.Hex, Label = "Value", LibCper = ":Hex:16")] internal abstract ulong Val64 { get; }
}

/// <summary>Element of context data format 4 (libcper EFI_NVIDIA_EVENT_CTX_DATA_TYPE_4): a 32-bit value.</summary>
[Layout("32-bit value", 4, "libcper cper-section-nvidia-events.h, EFI_NVIDIA_EVENT_CTX_DATA_TYPE_4", View = "")]
internal abstract partial class NvidiaValue32
{
    [Field(0, 4, FieldKind.Hex, Label = "Value", LibCper = ":Hex:8")] internal abstract uint Val32 { get; }
}
