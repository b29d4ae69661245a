// [lc-audit D] libcper's device, originator and architecture names; its context data variants over the declared layouts
using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApeiKit.Cper.Json;
using ApeiKit.Cper.Vendors;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// NVIDIA event section as libcper renders it (<c>sections/cper-section-nvidia-events.c</c>), over ApeiKit's
/// <see cref="NvidiaEventSection"/> layouts: each part's members are its declaration's <c>LibCper</c> lines, in both
/// directions. libcper's rules kept here: version 1 only, the link ID only when non-zero, CPU/GPU information by device
/// type and major version, context data shown per format type (arrays counted in 8 bits), opaque hex for unknown formats.
/// </summary>
/// <remarks>
/// Streamed (issue #15): written straight into the <see cref="LcWriter"/> from the body with libcper's own context walk
/// (which is not the model's, <see cref="NvidiaEventSection.TryWalkContext"/>), names encoded once; nothing is allocated but a pooled
/// buffer for opaque data over 256 bytes. Reading back reads the same members into each part's bytes (<see cref="FromIrModel"/>).
/// </remarks>
internal sealed class LcNvidiaEvent : LibCperSection
{
    public static Guid Guid => NvidiaEventSection.SectionGuid;
    public override Guid SectionType => Guid;
    public override string ReadableName => "NvidiaEvent";
    public override string ShortName => "NvidiaEvent";
    // The section's own tables (libcper's spellings); a value past them prints "Unknown".
    // libcper's reader leaves a name it does not know at 0, so its own "Unknown" reads back as 0; any other name is refused.
    private static readonly LcNames DeviceTypes = LcNames.Of(NvidiaEventSection.DeviceTypes, "Unknown").ReadingFallbackAsZero(),
        Originators = LcNames.Of(NvidiaEventSection.Originators, "Unknown").ReadingFallbackAsZero();
    private static readonly byte[] s_silicon = LcWriter.Encode("Silicon"), s_preSilicon = LcWriter.Encode("PreSilicon");
    private static readonly JsonEncodedText s_linkIdName = N("linkId"), s_architecture = N("Architecture"), s_hidFam = N("hidFam"), s_revision = N("revision"),
        s_chipId = N("chipId"), s_preSiPlatform = N("preSiPlatform"), s_errorInjection = N("errorInjection"), s_architectureIdName = N("architectureId"),
        s_raw = N("raw"), s_architectureName = N("architecture");
    private static readonly Dictionary<int, string> Architectures = new() { [0x16] = "Turing", [0x17] = "Ampere", [0x18] = "Hopper", [0x19] = "Ada", [0x1A] = "Blackwell", [0x1B] = "Blackwell2", [0x1C] = "Rubin" };

    private static JsonEncodedText N(string name) => JsonEncodedText.Encode(name);
    private static readonly JsonEncodedText s_shortName = N("NvidiaEvent"), s_eventHeaderName = N("eventHeader"), s_eventInfo = N("eventInfo"),
        s_cpu = N("cpu"), s_gpu = N("gpu"), s_eventContexts = N("eventContexts"), s_data = N("data"), s_opaque = N("opaque");

    /// <summary>
    /// The context data libcper shows by format (<see cref="Variant"/> 1-7, index + 1): its variant name, the array's name
    /// for formats 1-4 (elements counted in 8 bits), the declared layout and its members (the layouts' LibCper lines).
    /// </summary>
    private static readonly (JsonEncodedText Variant, JsonEncodedText? Array, StructDef Layout, LcMember[] Members)[] s_variants =
    [
        (N("type1"), N("keyValArray64"), NvidiaKeyValue64.LayoutDef, NvidiaKeyValue64.LibCperMembers()),
        (N("type2"), N("keyValArray32"), NvidiaKeyValue32.LayoutDef, NvidiaKeyValue32.LibCperMembers()),
        (N("type3"), N("valArray64"), NvidiaValue64.LayoutDef, NvidiaValue64.LibCperMembers()),
        (N("type4"), N("valArray32"), NvidiaValue32.LayoutDef, NvidiaValue32.LibCperMembers()),
        (N("gpuInitMetadata"), null, NvidiaGpuInitMetadata.LayoutDef, InitMetadataMembers()),
        (N("gpuLegacyXid"), null, NvidiaGpuLegacyXid.LayoutDef, NvidiaGpuLegacyXid.LibCperMembers()),
        (N("gpuRecommendedActions"), null, NvidiaGpuRecommendedActions.LayoutDef, NvidiaGpuRecommendedActions.LibCperMembers()),
    ];
    private const int LegacyXid = 6;

    /// <summary>Which of <see cref="s_variants"/> (1-7) libcper shows for a context's format, 0 for opaque data (GPU formats only for device type 1).</summary>
    private static int Variant(int device, int format) => (device, format) switch
    {
        (1, 0x8000) => 5,
        (1, 0x8001) => LegacyXid,
        (1, 0x8002) => 7,
        (_, >= 1 and <= 4) => format,
        _ => 0,
    };

    // [lc-audit Q] link ID only when non-zero, architecture word, architecture ID, pciInfo for PCI only (both directions; libcper's formatting of one field each; the device and originator names are LcKind.Name with libcper's "Unknown" read as 0)
    // libcper's members over the declarations (their LibCper lines, NvidiaEventSection.cs), in libcper's order; the quirks
    // are libcper's formatting of one field (a name string, a decomposed word, a gated object), each read back by its own line.
    private static readonly FieldDef s_device = NvidiaEventSection.SourceDeviceTypeField, s_infoSize = NvidiaEventInfoHeader.InfoSizeField,
        s_ctxSize = NvidiaEventContext.ContextSizeField, s_format = NvidiaEventContext.DataFormatTypeField, s_dataSize = NvidiaEventContext.DataSizeField,
        s_arch = NvidiaCpuEventInfo.ArchitectureField;
    private static readonly LcMember[] s_header = Lm.InOrder(NvidiaEventSection.LibCperMembers(),
            "signature", "version", Named("sourceDeviceType", s_device, DeviceTypes), "type", "subtype", Lm.Quirk("linkId", null, WriteLinkId, ReadLinkId)),
        s_infoHeader = NvidiaEventInfoHeader.LibCperMembers(), s_context = NvidiaEventContext.LibCperMembers(),
        s_cpuInfo = Lm.InOrder(NvidiaCpuEventInfo.LibCperMembers(), "SocketNum", Lm.Quirk("Architecture", null, WriteArchitecture, ReadArchitecture), "Ecid1", "Ecid2", "Ecid3", "Ecid4", "InstanceBase"),
        s_gpuInfo = Lm.InOrder(NvidiaGpuEventInfo.LibCperMembers(), Named("EventOriginator", NvidiaGpuEventInfo.EventOriginatorField, Originators), "SourcePartition", "SourceSubPartition", "Pdi");

    /// <summary>The value's name from <paramref name="names"/> (<see cref="LcKind.Name"/>: libcper's "Unknown" past them, read back as 0).</summary>
    private static LcMember Named(string name, FieldDef f, LcNames names) => new(name, LcKind.Name, f) { Names = names };

    private static void WriteLinkId(LcWriter w, ReadOnlySpan<byte> header, ulong valid)
    {
        ulong link = NvidiaEventSection.LinkIdField.ReadValue(header);
        if (link != 0) w.WriteHex(s_linkIdName, link, 16); // libcper: only a non-zero link ID
    }

    private static ulong ReadLinkId(JsonNode? n, Span<byte> header)
    {
        NvidiaEventSection.LinkIdField.WriteValue(header, U(n));
        return 0;
    }

    /// <summary>
    /// GPU initialization metadata: the declaration's members with libcper's architecture ID object (the raw value and the
    /// name of bits 24-29) after the PDI, and <c>pciInfo</c> only for hardware information type 0 (PCI).
    /// </summary>
    private static LcMember[] InitMetadataMembers()
    {
        var generated = NvidiaGpuInitMetadata.LibCperMembers();
        var pci = generated.Single(m => m.Name == "pciInfo");
        return Lm.InOrder(generated, "deviceName", "firmwareVersion", "pfDriverMicrocodeVersion", "pfDriverVersion", "vfDriverVersion", "configuration", "pdi",
            Lm.Quirk("architectureId", null, WriteArchitectureId, (n, b) =>
            {
                NvidiaGpuInitMetadata.ArchitectureIdField.WriteValue(b, U(Lc.M(n, "raw"), 32));
                return 0;
            }),
            "hardwareInfoType", "-pciInfo",
            Lm.Quirk("pciInfo", null, (w, b, _) =>
            {
                if (NvidiaGpuInitMetadata.HardwareInfoTypeField.ReadValue(b) != 0) return;
                w.WriteStartObject(pci.Encoded);
                LibCperMap.WriteMembers(w, pci.Members!, b, 0);
                w.WriteEndObject();
            }, (n, b) => NvidiaGpuInitMetadata.HardwareInfoTypeField.ReadValue(b) != 0 ? 0 // libcper's reader: PCI only (the type is read first)
                : LibCperMap.ReadMembers(Lc.Obj(n, "pciInfo"), pci.Members!, b)));
    }

    private static void WriteArchitectureId(LcWriter w, ReadOnlySpan<byte> m, ulong valid)
    {
        ulong arch = NvidiaGpuInitMetadata.ArchitectureIdField.ReadValue(m);
        w.WriteStartObject(s_architectureIdName);
        w.WriteHex(s_raw, arch, 8);
        w.WriteString(s_architectureName, Architectures.TryGetValue((int)((arch >> 24) & 0x3F), out var a) ? a : "Unknown");
        w.WriteEndObject();
    }

    // [lc-audit Q] libcper's context walk, data bounded by the body, opaque hex (compat "NVIDIA and NVIDIA event")
    /// <inheritdoc/>
    /// <remarks>
    /// libcper's walk (<c>sections/cper-section-nvidia-events.c</c>, <c>cper_section_nvidia_events_to_ir</c> and
    /// <c>get_event_context_n</c>), not the model's: the information size is not checked against 3 (the contexts start at
    /// 32 plus it, so a size below 3 overlaps the information header), the information is shown when its size covers the
    /// structure, each context starts at the previous one plus its context size (0 repeats it, below 16 overlaps) and only
    /// its header must lie in the body (the context size of the last is not checked), and a context's data is bounded by
    /// the body, not by its context. Nothing is written (libcper's <c>Unknown</c>) for an event header version other than 1,
    /// and, where libcper would read past the body, for a body shorter than the two headers (35 bytes) or an information
    /// size covering a structure that ends past the body: libcper reads those bytes anyway (docs/libcper-compat.md).
    /// </remarks>
    public override bool TryWrite(LcWriter w, ReadOnlySpan<byte> body)
    {
        const int InfoAt = NvidiaEventSection.HeaderSize + NvidiaEventSection.InfoHeaderSize;
        if (body.Length < InfoAt || NvidiaEventSection.VersionField.ReadValue(body) != 1) return false;
        int device = (int)s_device.ReadValue(body);
        var infoHeader = body[NvidiaEventSection.HeaderSize..InfoAt];
        int infoSize = (int)s_infoSize.ReadValue(infoHeader);
        // libcper reads the information when its size covers the structure, whether or not the body holds it.
        var layout = NvidiaEventSection.InfoLayoutFor((byte)device, (ushort)NvidiaEventInfoHeader.InfoVersionField.ReadValue(infoHeader));
        bool showInfo = layout is not null && infoSize >= NvidiaEventSection.InfoHeaderSize + layout.Size;
        if (showInfo && InfoAt + layout!.Size > body.Length) return false;
        var sig = body.Slice(NvidiaEventSection.SignatureBytesField.Offset, NvidiaEventSection.SignatureBytesField.Size);
        int sigLength = Lc.PrintableLength(sig);
        Span<byte> text = stackalloc byte[64];
        int n = Put(text, 0, "A "u8);
        if (sigLength > 0) n += Put(text, n, sig[..sigLength]);
        n += Put(text, n, " Nvidia Event occurred"u8);
        w.WriteStartObject();
        w.WriteString(MessageName, text[..n]);
        w.WriteStartObject(s_shortName);

        LibCperMap.WriteMembers(w, s_eventHeader, body, 0);

        w.WriteStartObject(s_eventInfo);
        LibCperMap.WriteMembers(w, s_infoHeader, infoHeader, 0);
        if (layout is not null)
        {
            bool cpu = ReferenceEquals(layout, NvidiaEventSection.CpuInfoLayout);
            w.WriteStartObject(cpu ? s_cpu : s_gpu);
            if (showInfo) LibCperMap.WriteMembers(w, cpu ? s_cpuInfo : s_gpuInfo, body.Slice(InfoAt, layout.Size), 0);
            w.WriteEndObject();
        }
        w.WriteEndObject();

        w.WriteStartArray(s_eventContexts);
        // get_event_context_n: the contexts only when the information lies in the body; context i when every context
        // before it lies in the body and its own header does. long: a context size is 32 bits.
        long pos = NvidiaEventSection.HeaderSize + infoSize;
        int count = body[NvidiaEventSection.ContextCountField.Offset];
        if (pos <= body.Length)
            for (int i = 0; i < count && pos + NvidiaEventSection.ContextHeaderSize <= body.Length; i++)
            {
                WriteContext(w, body, (int)pos, device);
                pos += (uint)s_ctxSize.ReadValue(body[(int)pos..]);
                if (pos > body.Length) break;
            }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        return true;
    }

    private static void WriteContext(LcWriter w, ReadOnlySpan<byte> body, int at, int device)
    {
        var c = body.Slice(at, NvidiaEventSection.ContextHeaderSize);
        ushort format = (ushort)s_format.ReadValue(c);
        uint dataSize = (uint)s_dataSize.ReadValue(c);
        int dataAt = at + NvidiaEventSection.ContextHeaderSize;
        // libcper bounds the data by the body (data_end > event_end), not by the context.
        bool fits = dataSize <= (uint)(body.Length - dataAt);
        var d = fits ? body.Slice(dataAt, (int)dataSize) : default;
        w.WriteStartObject();
        LibCperMap.WriteMembers(w, s_context, c, 0); // dataSize with add_int: a signed 32-bit number
        w.WriteStartObject(s_data);
        int variant = Variant(device, format);
        if (variant == 0)
        {
            // Format 0 adds "opaque" to the data itself; another unknown format first adds an empty "opaque" object,
            // which the hex replaces. add_bytes_hex adds nothing for no bytes.
            if (fits && d.Length > 0) WriteOpaque(w, d);
            else if (format != 0)
            {
                w.WriteStartObject(s_opaque);
                w.WriteEndObject();
            }
        }
        else
        {
            var (name, array, layout, members) = s_variants[variant - 1];
            w.WriteStartObject(name); // `name: {}` when the data runs past the body
            if (!fits) { }
            else if (array is { } arrayName)
            {
                int count = (byte)(d.Length / layout.Size); // libcper counts elements in 8 bits
                w.WriteStartArray(arrayName);
                for (int i = 0; i < count; i++)
                {
                    w.WriteStartObject();
                    LibCperMap.WriteMembers(w, members, d.Slice(i * layout.Size, layout.Size), 0);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            // The legacy XID needs only its code: libcper's message is the bytes the data holds (msg_avail), at most the field.
            else if (variant == LegacyXid ? d.Length >= NvidiaGpuLegacyXid.MessageField.Offset : d.Length >= layout.Size)
                LibCperMap.WriteMembers(w, members, d[..Math.Min(d.Length, layout.Size)], 0);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>libcper's <c>add_bytes_hex</c>: lower-case hex of the data.</summary>
    private static void WriteOpaque(LcWriter w, ReadOnlySpan<byte> d)
    {
        char[]? rented = null;
        Span<char> hex = d.Length <= 256 ? stackalloc char[512] : (rented = ArrayPool<char>.Shared.Rent(d.Length * 2));
        try
        {
            const string Digits = "0123456789abcdef";
            for (int i = 0; i < d.Length; i++)
            {
                hex[2 * i] = Digits[d[i] >> 4];
                hex[2 * i + 1] = Digits[d[i] & 0xF];
            }
            w.WriteString(s_opaque, hex[..(d.Length * 2)]);
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    // [lc-audit Q] the architecture word (libcper's parse_cpu_info_to_ir), both directions
    /// <summary>libcper's <c>parse_cpu_info_to_ir</c> decomposes the Architecture word: hidFam (bits 0-3, hex), revision (bits 4-7 "." bits 16-19), chipId (bits 8-15, hex), preSiPlatform (bits 20-24 zero or not), errorInjection (bit 31).</summary>
    private static void WriteArchitecture(LcWriter w, ReadOnlySpan<byte> info, ulong valid)
    {
        ulong arch = s_arch.ReadValue(info);
        Span<byte> text = stackalloc byte[8];
        w.WriteStartObject(s_architecture);
        w.WriteHex(s_hidFam, arch & 0xF, 2);
        int n = Dec(text, 0, (arch >> 4) & 0xF);
        text[n++] = (byte)'.';
        n += Dec(text, n, (arch >> 16) & 0xF);
        w.WriteString(s_revision, text[..n]);
        w.WriteHex(s_chipId, (arch >> 8) & 0xFF, 2);
        w.WriteEncoded(s_preSiPlatform, ((arch >> 20) & 0x1F) == 0 ? s_silicon : s_preSilicon);
        w.WriteBoolean(s_errorInjection, ((arch >> 31) & 1) != 0);
        w.WriteEndObject();
    }

    /// <summary>
    /// The Architecture word back (the pre-silicon field keeps only whether it was zero); the revision is "%u.%u" of two
    /// 4-bit fields (<see cref="LcKind.MajorMinor"/>'s parser), hidFam and chipId within their 4 and 8 bits: wider is refused.
    /// </summary>
    private static ulong ReadArchitecture(JsonNode? a, Span<byte> info)
    {
        ulong rev = LibCperMap.ReadMajorMinor(Lc.M(a, "revision"), 8);
        ulong arch = U(Lc.M(a, "hidFam"), 4) | ((rev >> 4) << 4) | (U(Lc.M(a, "chipId"), 8) << 8)
            | ((rev & 0xF) << 16) | ((Str(Lc.M(a, "preSiPlatform")) == "Silicon" ? 0UL : 1UL) << 20) | ((Bool(Lc.M(a, "errorInjection")) ? 1UL : 0) << 31);
        s_arch.WriteValue(info, arch);
        return 0;
    }

    // [lc-audit D] libcper's eventHeader object (both directions) and the read-back: its part names over the declared layouts (context count, information size, context sizes and padding by the engine)
    // The event header as one member: its object written and read over the header's bytes (a JSON null reads as zeros, as libcper's reader reads it).
    private static readonly LcMember[] s_eventHeader = [Lm.Quirk("eventHeader", null, (w, b, _) =>
    {
        w.WriteStartObject(s_eventHeaderName);
        LibCperMap.WriteMembers(w, s_header, b, 0);
        w.WriteEndObject();
    }, (n, b) => LibCperMap.ReadMembers(Lc.Obj(n), s_header, b))];
    private static readonly LcMember[] s_deviceOnly = [s_header.Single(m => m.Name == "sourceDeviceType")];
    private static readonly LcStructure s_cpuInfoStructure = new(NvidiaEventSection.CpuInfoLayout, s_cpuInfo), s_gpuInfoStructure = new(NvidiaEventSection.GpuInfoLayout, s_gpuInfo);

    /// <summary>
    /// The section read back, one structure per device type (0 CPU, 1 GPU, 2 any other: the information and the data
    /// formats libcper shows depend on it): the event header's members, the information header and the CPU/GPU
    /// information its version calls for (from the <c>cpu</c>/<c>gpu</c> object or, as libcper's reader falls back to
    /// it, the members directly in <c>eventInfo</c>; an empty object is no information, libcper's for a size not
    /// covering the structure), then the contexts, each its header and its data by format, padded to 16 bytes as
    /// libcper's writer pads them. The context count is derived as its declaration says, the information size and each
    /// context size as the structure's length (<see cref="LcStructure.Deriving"/>); more than 255 contexts are refused at
    /// <c>eventContexts</c>.
    /// </summary>
    private static readonly LcStructure[] s_sections = [Section(0), Section(1), Section(2)];

    private static LcStructure Section(byte device)
    {
        var info = new LcStructure(LcStructure.Deriving(NvidiaEventSection.InfoHeaderLayout, s_infoSize, FieldDerivation.StructureLength), s_infoHeader)
        {
            Part = LcPart.Inline(device == 0 ? "cpu" : "gpu", NvidiaEventInfoHeader.InfoVersionField,
                v => NvidiaEventSection.InfoLayoutFor(device, (ushort)v) is null ? null : device == 0 ? s_cpuInfoStructure : s_gpuInfoStructure),
        };
        var context = new LcStructure(LcStructure.Deriving(NvidiaEventSection.ContextHeaderLayout, s_ctxSize, FieldDerivation.StructureLength), s_context) { Part = new("data", -1, (c, n, ctx, budget, into) => Data(c, n, ctx, budget, into, device)), Align = 16 };
        return new(NvidiaEventSection.HeaderLayout, s_eventHeader)
        {
            // The information header even when eventInfo is absent or null (read as zeros, as libcper's reader reads it).
            Part = new("eventInfo", -1, (_, n, _, budget, into) =>
            {
                info.Read(Lc.Obj(n), budget, into);
                return 0;
            }) { First = true },
            Arrays = [new("eventContexts", "contexts", context)],
        };
    }

    // [lc-audit Q] reading back: room only for data the JSON shows (bounded per section), data not shown only last, the legacy XID cut (compat "NVIDIA and NVIDIA event")
    /// <inheritdoc/>
    public override CperSectionBody FromIrBody(JsonObject ir) => FromIrModel(ir);

    /// <summary>
    /// The section libcper's JSON describes (<see cref="s_sections"/>), decoded by the model. A context whose JSON shows
    /// its data keeps room for its data size (the zeros the JSON does not show come from the section's
    /// <see cref="LcBudget"/>, <see cref="CperJsonReader.MaxUndescribedBytes"/>); one that shows none (libcper's
    /// <c>opaque: {}</c>, <c>typeN: {}</c>, <c>gpu…: {}</c>: the data ran past the body) keeps its data size in its field
    /// with no room, so the body written again shows none either; where that data would lie within the section laid out
    /// (the bytes of the contexts after it), it is refused. A legacy XID shorter than the structure is cut to its data
    /// size (libcper shows only the message bytes the data holds).
    /// </summary>
    /// <exception cref="CperJsonException">More than 255 contexts, room past the bound, data not shown that would lie within the section, a legacy XID message longer than its data size holds, or a member that does not read back.</exception>
    public static NvidiaEventSection FromIrModel(JsonObject o)
    {
        Span<byte> header = stackalloc byte[NvidiaEventSection.HeaderSize];
        LibCperMap.ReadMembers(Lc.Obj(o["eventHeader"]), s_deviceOnly, header);
        var body = s_sections[Math.Min((int)s_device.ReadValue(header), 2)].Read(o);
        // A context whose data the JSON does not show has no room (its size is its header): kept only where its data size
        // runs past the section laid out (as libcper showed it: the data ran past the body). Within it, the bytes after
        // its header (the next context's) would be read as its data: refused, never shifted silently. libcper's reader
        // writes the context size 16 + the data size there but, for `typeN: {}` or `opaque: {}`, no data, its next
        // context inside that size (docs/libcper-compat.md "NVIDIA and NVIDIA event").
        var contexts = Lc.Arr(o["eventContexts"]);
        long at = NvidiaEventSection.HeaderSize + (long)s_infoSize.ReadValue(body.AsSpan(NvidiaEventSection.HeaderSize));
        for (int i = 0; i < contexts.Count; i++)
        {
            var ctx = body.AsSpan((int)at, NvidiaEventSection.ContextHeaderSize);
            uint size = (uint)s_ctxSize.ReadValue(ctx), dataSize = (uint)s_dataSize.ReadValue(ctx);
            if (size == NvidiaEventSection.ContextHeaderSize && dataSize > 0 && at + size + dataSize <= body.Length)
                throw new CperJsonException(Lc.PathOf(contexts[i]!.AsObject(), "data"),
                    $"expected the {dataSize} data bytes its dataSize describes (a context whose data is not shown must be the last, or its data run past the section), found no data shown, and the {dataSize} bytes after its header would be those of the contexts after it");
            at += size;
        }
        return NvidiaEventSection.Decode(body);
    }

    /// <summary>
    /// A context's data (<see cref="LcPartRead"/> over its header): the bytes its JSON shows by format, written
    /// <paramref name="into"/> the section's buffer, and the zeros up to its data size (from the budget) the engine writes
    /// after them; none when the JSON shows none.
    /// </summary>
    private static int Data(JsonObject c, JsonNode? data, ReadOnlySpan<byte> ctx, LcBudget budget, ArrayBufferWriter<byte> into, byte device)
    {
        uint dataSize = (uint)s_dataSize.ReadValue(ctx);
        int variant = Variant(device, (int)s_format.ReadValue(ctx));
        int shown = Shown(data, variant, dataSize, into);
        // A legacy XID shorter than its code (4 bytes) is never shown (`gpuLegacyXid: {}`); libcper's reader writes its
        // data size in zeros, which libcper would again not show: room made as libcper's reader makes it.
        if (shown < 0 && !(variant == LegacyXid && dataSize < (uint)NvidiaGpuLegacyXid.MessageField.Offset)) return 0;
        return budget.Zeros(dataSize, Math.Max(shown, 0), c, "dataSize");
    }

    /// <summary>
    /// A context's data bytes by its variant, written <paramref name="into"/> the section's buffer: how many, or -1 when
    /// the JSON shows none (an opaque string, the variant object with its array or members are shown; libcper shows them
    /// only when the data lies in the body).
    /// </summary>
    private static int Shown(JsonNode? data, int variant, uint dataSize, ArrayBufferWriter<byte> into)
    {
        if (variant == 0)
        {
            if (Lc.M(data, "opaque") is not JsonValue hex) return -1;
            var opaque = Lc.FromHex(hex);
            into.Write(opaque);
            return opaque.Length;
        }
        var (name, array, layout, members) = s_variants[variant - 1];
        if (Lc.M(data, name.Value) is not JsonNode v) return -1;
        Span<byte> bytes;
        if (array is { } arrayName)
        {
            if (Lc.M(v, arrayName.Value) is not JsonNode list) return -1;
            var items = Lc.Arr(list);
            int length = items.Count * layout.Size;
            bytes = into.GetSpan(length)[..length];
            bytes.Clear();
            for (int i = 0; i < items.Count; i++) LibCperMap.ReadMembers(Lc.Obj(items[i]), members, bytes.Slice(i * layout.Size, layout.Size));
            into.Advance(length);
            return length;
        }
        var o = Lc.Obj(v);
        if (o.Count == 0) return -1;
        bytes = into.GetSpan(layout.Size)[..layout.Size];
        bytes.Clear();
        LibCperMap.ReadMembers(o, members, bytes);
        int kept = layout.Size;
        if (variant == LegacyXid && dataSize is not 0 && dataSize < (uint)layout.Size)
        {
            // libcper shows the message bytes the data size holds, NUL-terminated: a longer message would be cut.
            var message = NvidiaGpuLegacyXid.MessageField;
            int holds = Math.Max(0, (int)dataSize - message.Offset - 1);
            if (Lc.M(o, "message") is JsonNode m && (Str(m) ?? "").Length > holds)
                throw new CperJsonException(m.GetPath(), $"expected a message of at most {holds} characters (the data size {dataSize} holds {Math.Max(0, (int)dataSize - message.Offset)} message bytes with its NUL), found {(Str(m) ?? "").Length}");
            kept = (int)dataSize;
        }
        into.Advance(kept);
        return kept;
    }
}
