// [lc-audit D] libcper's device, originator and architecture names
using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApeiKit.Cper.Vendors;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// NVIDIA event section as libcper renders it (<c>sections/cper-section-nvidia-events.c</c>), over ApeiKit's
/// <see cref="NvidiaEventSection"/> layouts (fields found once by name, never an offset here). libcper's rules kept here:
/// version 1 only, the link ID only when non-zero, CPU/GPU information by device type and major version, context data
/// shown per format type (arrays counted in 8 bits), opaque hex for unknown formats.
/// </summary>
/// <remarks>
/// Streamed (issue #15): written straight into the <see cref="LcWriter"/> from the body with libcper's own context walk
/// (which is not the model's, <see cref="NvidiaEventSection.TryWalkContext"/>), names encoded once; nothing is allocated but a pooled
/// buffer for opaque data over 256 bytes. Reading back goes through the model (<see cref="FromIrBody"/>).
/// </remarks>
internal sealed class LcNvidiaEvent : LibCperSection
{
    public static Guid Guid => NvidiaEventSection.SectionGuid;
    public override Guid SectionType => Guid;
    public override string ReadableName => "NvidiaEvent";
    public override string ShortName => "NvidiaEvent";
    // The section's own tables (libcper's spellings); a value past them prints "Unknown".
    private static readonly LcNames DeviceTypes = LcNames.Of(NvidiaEventSection.DeviceTypes, "Unknown"),
        Originators = LcNames.Of(NvidiaEventSection.Originators, "Unknown");
    private static readonly byte[] s_silicon = LcWriter.Encode("Silicon"), s_preSilicon = LcWriter.Encode("PreSilicon");
    private static readonly Dictionary<int, string> Architectures = new() { [0x16] = "Turing", [0x17] = "Ampere", [0x18] = "Hopper", [0x19] = "Ada", [0x1A] = "Blackwell", [0x1B] = "Blackwell2", [0x1C] = "Rubin" };

    // [lc-audit M] fields and member names from the declarations
    private static JsonEncodedText N(string name) => JsonEncodedText.Encode(name);
    private static FieldDef F(StructDef layout, string json) => layout.Find(json) ?? throw new ArgumentException($"{layout.Name} has no field {json}", nameof(json));

    private static readonly StructDef Cpu = NvidiaEventSection.CpuInfoLayout, Gpu = NvidiaEventSection.GpuInfoLayout,
        Init = NvidiaEventSection.GpuInitMetadataLayout, Actions = NvidiaEventSection.RecommendedActionsLayout;
    // The fields are the declarations' generated statics (NvidiaEventSection.cs).
    private static readonly FieldDef s_version = NvidiaEventSection.VersionField, s_device = NvidiaEventSection.SourceDeviceTypeField,
        s_signature = NvidiaEventSection.SignatureBytesField, s_infoVersion = NvidiaEventInfoHeader.InfoVersionField, s_infoSize = NvidiaEventInfoHeader.InfoSizeField,
        s_ctxSize = NvidiaEventContext.ContextSizeField, s_format = NvidiaEventContext.DataFormatTypeField, s_dataSize = NvidiaEventContext.DataSizeField,
        s_arch = NvidiaCpuEventInfo.ArchitectureField, s_gpuPdi = NvidiaGpuEventInfo.PdiField,
        s_configuration = NvidiaGpuInitMetadata.ConfigurationField, s_initPdi = NvidiaGpuInitMetadata.PdiField, s_architectureId = NvidiaGpuInitMetadata.ArchitectureIdField, s_hardwareInfoType = NvidiaGpuInitMetadata.HardwareInfoTypeField;

    private static readonly JsonEncodedText s_shortName = N("NvidiaEvent"), s_eventHeader = N("eventHeader"), s_versionName = N("version"),
        s_eventInfo = N("eventInfo"), s_cpu = N("cpu"), s_gpu = N("gpu"), s_eventContexts = N("eventContexts"), s_data = N("data"),
        s_opaque = N("opaque"), s_gpuInitMetadata = N("gpuInitMetadata"), s_gpuLegacyXid = N("gpuLegacyXid"), s_gpuRecommendedActions = N("gpuRecommendedActions"),
        s_xidCode = N("xidCode"), s_configurationName = N("configuration"), s_pdiName = N("pdi"), s_architectureIdName = N("architectureId"), s_raw = N("raw"),
        s_architectureName = N("architecture"), s_hardwareInfoTypeName = N("hardwareInfoType"), s_signatureName = N("signature"),
        s_sourceDeviceType = N("sourceDeviceType"), s_linkIdName = N("linkId"), s_eventOriginator = N("EventOriginator"), s_pdi = N("Pdi"),
        s_architecture = N("Architecture"), s_hidFam = N("hidFam"), s_revision = N("revision"), s_chipId = N("chipId"),
        s_preSiPlatform = N("preSiPlatform"), s_errorInjection = N("errorInjection");

    // [lc-audit Q] signature, device name, link ID only when non-zero, architecture word, PDI text (libcper's formatting of one field each)
    // libcper's members over the declarations (their LibCper lines, NvidiaEventSection.cs), in libcper's order; the quirks
    // are libcper's formatting of one field (a name string, a PDI string, a decomposed word), each read back by its own line.
    private static readonly LcMember[] s_header = Lm.InOrder(NvidiaEventSection.LibCperMembers(),
            Lm.Quirk("signature", null, WriteSignature, NotRead),
            "version",
            Lm.Quirk("sourceDeviceType", null, (w, b, _) => w.WriteEncoded(s_sourceDeviceType, DeviceTypes.EncodedNameOf(s_device.ReadValue(b))), NotRead),
            "type", "subtype",
            Lm.Quirk("linkId", null, WriteLinkId, NotRead)),
        s_context = NvidiaEventContext.LibCperMembers(), s_actions = NvidiaGpuRecommendedActions.LibCperMembers(),
        s_cpuInfo = Lm.InOrder(NvidiaCpuEventInfo.LibCperMembers(), "SocketNum", Lm.Quirk("Architecture", null, WriteArchitecture, ReadArchitecture), "Ecid1", "Ecid2", "Ecid3", "Ecid4", "InstanceBase"),
        s_gpuInfo = Lm.InOrder(NvidiaGpuEventInfo.LibCperMembers(),
            Lm.Quirk("EventOriginator", null, (w, b, _) => w.WriteEncoded(s_eventOriginator, Originators.EncodedNameOf(NvidiaGpuEventInfo.EventOriginatorField.ReadValue(b))), ReadOriginator),
            "SourcePartition", "SourceSubPartition",
            Lm.Quirk("Pdi", null, (w, b, _) => WritePdi(w, s_pdi, s_gpuPdi.ReadValue(b)), (n, b) => Store(s_gpuPdi, b, PdiFrom(Str(n)))));

    // [lc-audit M] array formats and texts from the declarations
    /// <summary>The array formats 1-4: libcper's variant and array names, and each element's members (the element layouts' LibCper lines).</summary>
    private static readonly (JsonEncodedText Variant, JsonEncodedText Array, StructDef Layout, LcMember[] Members)[] s_arrays =
    [
        (N("type1"), N("keyValArray64"), NvidiaKeyValue64.LayoutDef, NvidiaKeyValue64.LibCperMembers()),
        (N("type2"), N("keyValArray32"), NvidiaKeyValue32.LayoutDef, NvidiaKeyValue32.LibCperMembers()),
        (N("type3"), N("valArray64"), NvidiaValue64.LayoutDef, NvidiaValue64.LibCperMembers()),
        (N("type4"), N("valArray32"), NvidiaValue32.LayoutDef, NvidiaValue32.LibCperMembers()),
    ];

    private static readonly (JsonEncodedText Name, FieldDef Field)[] s_initTexts =
        [.. new[] { "deviceName", "firmwareVersion", "pfDriverMicrocodeVersion", "pfDriverVersion", "vfDriverVersion" }.Select(n => (N(n), F(Init, n)))];

    /// <summary>libcper's <c>pciInfo</c> object (hexadecimal, the field's width): the LibCper lines of <see cref="NvidiaGpuInitMetadata"/>'s declaration.</summary>
    private static readonly LcMember[] s_pciInfo = NvidiaGpuInitMetadata.LibCperMembers();

    private static readonly string[] InitTexts = [.. s_initTexts.Select(t => t.Field.Json)];

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
        if (body.Length < InfoAt || s_version.ReadValue(body) != 1) return false;
        int device = (int)s_device.ReadValue(body);
        int infoSize = (int)s_infoSize.ReadValue(body[NvidiaEventSection.HeaderSize..]);
        ulong infoVersion = s_infoVersion.ReadValue(body[NvidiaEventSection.HeaderSize..]);
        // libcper reads the information when its size covers the structure, whether or not the body holds it.
        var layout = NvidiaEventSection.InfoLayoutFor((byte)device, (ushort)infoVersion);
        bool showInfo = layout is not null && infoSize >= NvidiaEventSection.InfoHeaderSize + layout.Size;
        if (showInfo && InfoAt + layout!.Size > body.Length) return false;
        var sig = body.Slice(s_signature.Offset, s_signature.Size);
        int sigLength = Lc.PrintableLength(sig);
        Span<byte> text = stackalloc byte[64];
        int n = Put(text, 0, "A "u8);
        if (sigLength > 0) n += Put(text, n, sig[..sigLength]);
        n += Put(text, n, " Nvidia Event occurred"u8);
        w.WriteStartObject();
        w.WriteString(MessageName, text[..n]);
        w.WriteStartObject(s_shortName);

        w.WriteStartObject(s_eventHeader);
        LibCperMap.WriteMembers(w, s_header, body, 0);
        w.WriteEndObject();

        w.WriteStartObject(s_eventInfo);
        n = Dec(text, 0, infoVersion >> 8);
        text[n++] = (byte)'.';
        n += Dec(text, n, infoVersion & 0xFF);
        w.WriteString(s_versionName, text[..n]);
        if (layout is not null)
        {
            bool cpu = ReferenceEquals(layout, Cpu);
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
                WriteContext(w, body, (int)pos, device, text);
                pos += (uint)s_ctxSize.ReadValue(body[(int)pos..]);
                if (pos > body.Length) break;
            }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        return true;
    }

    private static void WriteContext(LcWriter w, ReadOnlySpan<byte> body, int at, int device, Span<byte> text)
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
        int variant = (device, format) switch
        {
            (1, 0x8000) => 5,
            (1, 0x8001) => 6,
            (1, 0x8002) => 7,
            (_, >= 1 and <= 4) => format,
            _ => 0,
        };
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
            w.WriteStartObject(variant switch { 5 => s_gpuInitMetadata, 6 => s_gpuLegacyXid, 7 => s_gpuRecommendedActions, _ => s_arrays[variant - 1].Variant });
            if (fits)
            {
                switch (variant)
                {
                    case 5: if (d.Length >= Init.Size) WriteInitMetadata(w, d, text); break;
                    case 6:
                        if (d.Length >= 4)
                        {
                            w.WriteNumber(s_xidCode, (int)BinaryPrimitives.ReadUInt32LittleEndian(d)); // add_int: signed 32-bit
                            var message = d.Slice(4, Math.Min(d.Length - 4, NvidiaEventSection.LegacyXidMessageSize));
                            w.WriteString(MessageName, Lc.PrintableLength(message) is int m and >= 0 ? message[..m] : default);
                        }
                        break;
                    case 7:
                        if (d.Length >= Actions.Size) LibCperMap.WriteMembers(w, s_actions, d, 0);
                        break;
                    default:
                        var (_, array, element, members) = s_arrays[variant - 1];
                        int count = (byte)(d.Length / element.Size); // libcper counts elements in 8 bits
                        w.WriteStartArray(array);
                        for (int i = 0; i < count; i++)
                        {
                            w.WriteStartObject();
                            LibCperMap.WriteMembers(w, members, d.Slice(i * element.Size, element.Size), 0);
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                        break;
                }
            }
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

    // [lc-audit Q] signature, link ID, architecture word and PDI formatting
    private static void WriteSignature(LcWriter w, ReadOnlySpan<byte> header, ulong valid)
    {
        var sig = header.Slice(s_signature.Offset, s_signature.Size);
        if (Lc.PrintableLength(sig) is int n and >= 0) w.WriteString(s_signatureName, sig[..n]);
    }

    private static void WriteLinkId(LcWriter w, ReadOnlySpan<byte> header, ulong valid)
    {
        ulong link = NvidiaEventSection.LinkIdField.ReadValue(header);
        if (link != 0) w.WriteHex(s_linkIdName, link, 16); // libcper: only a non-zero link ID
    }

    /// <summary>The header is read back through the model's properties (<see cref="FromIrModel"/>), not member by member.</summary>
    private static ulong NotRead(JsonNode? node, Span<byte> body) => 0;

    private static ulong Store(FieldDef f, Span<byte> body, ulong value)
    {
        f.WriteValue(body, value);
        return 0;
    }

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

    /// <summary>The Architecture word back (the pre-silicon field keeps only whether it was zero).</summary>
    private static ulong ReadArchitecture(JsonNode? a, Span<byte> info)
    {
        var rev = (Str(Lc.M(a, "revision")) ?? "0.0").Split('.');
        ulong arch = (U(Lc.M(a, "hidFam")) & 0xF) | ((ParseNumber(rev[0]) & 0xF) << 4) | ((U(Lc.M(a, "chipId")) & 0xFF) << 8)
            | ((rev.Length > 1 ? ParseNumber(rev[1]) & 0xF : 0) << 16) | ((Str(Lc.M(a, "preSiPlatform")) == "Silicon" ? 0UL : 1UL) << 20) | ((Bool(Lc.M(a, "errorInjection")) ? 1UL : 0) << 31);
        return Store(s_arch, info, arch);
    }

    private static ulong ReadOriginator(JsonNode? n, Span<byte> info)
    {
        Originators.TryGetValue(Str(n), out ulong originator); // 0 when not named
        return Store(NvidiaGpuEventInfo.EventOriginatorField, info, originator);
    }

    private static void WritePdi(LcWriter w, JsonEncodedText name, ulong pdi)
    {
        Span<byte> text = stackalloc byte[23];
        w.WriteAscii(name, text[..FormatPdi(pdi, text)]);
    }

    private static void WriteInitMetadata(LcWriter w, ReadOnlySpan<byte> m, Span<byte> text)
    {
        foreach (var (name, f) in s_initTexts)
        {
            var t = m.Slice(f.Offset, f.Size);
            w.WriteString(name, Lc.PrintableLength(t) is int length and >= 0 ? t[..length] : default);
        }
        w.WriteHex(s_configurationName, s_configuration.ReadValue(m), 16);
        w.WriteAscii(s_pdiName, text[..FormatPdi(s_initPdi.ReadValue(m), text)]);
        ulong arch = s_architectureId.ReadValue(m);
        w.WriteStartObject(s_architectureIdName);
        w.WriteHex(s_raw, arch, 8);
        w.WriteString(s_architectureName, Architectures.TryGetValue((int)((arch >> 24) & 0x3F), out var a) ? a : "Unknown");
        w.WriteEndObject();
        ulong hw = s_hardwareInfoType.ReadValue(m);
        w.WriteNumber(s_hardwareInfoTypeName, hw);
        if (hw == 0) LibCperMap.WriteMembers(w, s_pciInfo, m, 0);
    }

    /// <summary>The PDI as libcper prints it: the 8 bytes of the big-endian value, upper-case hex, colon-separated (23 characters).</summary>
    private static int FormatPdi(ulong v, Span<byte> text)
    {
        for (int i = 0; i < 8; i++)
        {
            Hex(text, 3 * i, (byte)(v >> (56 - 8 * i)), 2);
            if (i < 7) text[3 * i + 2] = (byte)':';
        }
        return 23;
    }

    // [lc-audit M] read-back through the model
    /// <inheritdoc/>
    public override CperSectionBody FromIrBody(JsonObject ir) => FromIrModel(ir);

    private static ulong PdiFrom(string? s)
    {
        if (s is null) return 0;
        var parts = s.Split(':');
        if (parts.Length != 8) return 0;
        ulong v = 0;
        foreach (var p in parts) v = (v << 8) | (byte.TryParse(p, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var x) ? x : (byte)0);
        return v;
    }

    // ---- libcper JSON back to the model (libcper's writer pads each context to 16 bytes; the context size includes the padding) ----

    private static void Ascii(Span<byte> dst, string? s)
    {
        if (s is null) return;
        Encoding.ASCII.GetBytes(s.AsSpan(0, Math.Min(s.Length, dst.Length)), dst);
    }

    private static void W(StructDef layout, Span<byte> bytes, string json, ulong value) => layout.Find(json)!.WriteValue(bytes, value);

    private static void WText(StructDef layout, Span<byte> bytes, string json, string? text)
    {
        var f = layout.Find(json)!;
        Ascii(bytes.Slice(f.Offset, f.Size), text);
    }

    /// <summary>The model libcper's JSON describes.</summary>
    public static NvidiaEventSection FromIrModel(JsonObject o)
    {
        var eh = o["eventHeader"];
        int device = DeviceTypes.TryGetValue(Str(Lc.M(eh, "sourceDeviceType")), out ulong d) ? (int)d : -1;
        var sig = new byte[16];
        Ascii(sig, Str(Lc.M(eh, "signature")));
        var info = o["eventInfo"];
        var ver = (Str(Lc.M(info, "version")) ?? "0.0").Split('.');
        ulong major = ParseNumber(ver[0]), minor = ver.Length > 1 ? ParseNumber(ver[1]) : 0;
        var m = new NvidiaEventSection
        {
            Version = (byte)U(Lc.M(eh, "version"), 8),
            SourceDeviceType = (byte)Math.Max(device, 0),
            EventType = (ushort)U(Lc.M(eh, "type"), 16),
            EventSubtype = (ushort)U(Lc.M(eh, "subtype"), 16),
            LinkId = U(Lc.M(eh, "linkId")),
            SignatureBytes = sig,
            InfoVersion = (ushort)((major << 8) | (minor & 0xFF)),
        };
        m.Info = device switch
        {
            0 => InfoFrom(Lc.M(info, "cpu") ?? info, Cpu, s_cpuInfo),
            1 => InfoFrom(Lc.M(info, "gpu") ?? info, Gpu, s_gpuInfo),
            _ => [],
        };
        foreach (var c in o["eventContexts"] as JsonArray ?? [])
        {
            var ctx = new NvidiaEventContext
            {
                Version = (ushort)U(Lc.M(c, "version"), 16),
                DataFormatType = (ushort)U(Lc.M(c, "dataFormatType"), 16),
                DataFormatVersion = (ushort)U(Lc.M(c, "dataFormatVersion"), 16),
            };
            uint dataSize = (uint)Lc.Int32(Lc.M(c, "dataSize"), 32); // add_int: a negative number is its 32-bit pattern
            var data = ContextDataFrom(c, device, dataSize);
            ctx.SetData(data);
            if (dataSize != data.Length)
            {
                // The JSON's data size wins; the context keeps room for it, padded to 16 bytes as libcper writes.
                var body = new byte[Math.Max(ctx.Body.Length, (int)((dataSize + 15) & ~15u))];
                data.CopyTo(body, 0);
                ctx.Body = body;
                ctx.DataSize = dataSize;
            }
            m.Contexts.Add(ctx);
        }
        return m;
    }

    /// <summary>The device information's bytes from its libcper members (<see cref="s_cpuInfo"/>, <see cref="s_gpuInfo"/>).</summary>
    private static byte[] InfoFrom(JsonNode? info, StructDef layout, LcMember[] members)
    {
        var b = new byte[layout.Size];
        LibCperMap.ReadMembers(info as JsonObject ?? [], members, b);
        return b;
    }

    private static byte[] ContextDataFrom(JsonNode? c, int device, uint dataSize)
    {
        var data = Lc.M(c, "data");
        if (Lc.M(data, "opaque") is JsonValue opaque) return Lc.FromHex(opaque);
        foreach (var (variant, array, element, members) in s_arrays)
        {
            if (Lc.M(data, variant.Value) is not JsonObject inner) continue;
            var a = inner[array.Value] as JsonArray ?? [];
            var b = new byte[a.Count * element.Size];
            for (int i = 0; i < a.Count; i++) LibCperMap.ReadMembers(a[i] as JsonObject ?? [], members, b.AsSpan(i * element.Size, element.Size));
            return b;
        }
        if (device == 1 && Lc.M(data, "gpuInitMetadata") is JsonObject m) return InitMetadataFrom(m);
        if (device == 1 && Lc.M(data, "gpuLegacyXid") is JsonObject x)
        {
            // The code and the message buffer, cut to the data size when that is shorter (and not 0).
            const int Full = 4 + NvidiaEventSection.LegacyXidMessageSize;
            var b = new byte[dataSize is > 0 and <= Full ? (int)dataSize : Full];
            Span<byte> code = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(code, (uint)Lc.Int32(x["xidCode"], 32));
            code[..Math.Min(4, b.Length)].CopyTo(b);
            if (b.Length > 4) Ascii(b.AsSpan(4), Str(x["message"]));
            return b;
        }
        if (device == 1 && Lc.M(data, "gpuRecommendedActions") is JsonObject r)
        {
            var b = new byte[Actions.Size];
            LibCperMap.ReadMembers(r, s_actions, b);
            return b;
        }
        return [];
    }

    private static byte[] InitMetadataFrom(JsonObject m)
    {
        var l = NvidiaEventSection.GpuInitMetadataLayout;
        var b = new byte[l.Size];
        foreach (var t in InitTexts) WText(l, b, t, Str(m[t]));
        W(l, b, "configuration", U(m["configuration"]));
        W(l, b, "pdi", PdiFrom(Str(m["pdi"])));
        W(l, b, "architectureId", U(Lc.M(m["architectureId"], "raw")));
        W(l, b, "hardwareInfoType", U(m["hardwareInfoType"]));
        if (U(m["hardwareInfoType"]) == 0 && m["pciInfo"] is JsonObject) LibCperMap.ReadMembers(m, s_pciInfo, b);
        return b;
    }
}
