using System.Text;
using System.Text.Json.Nodes;
using ApeiKit.Cper.Vendors;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// NVIDIA event section as libcper renders it (<c>sections/cper-section-nvidia-events.c</c>), built on ApeiKit's
/// <see cref="NvidiaEventSection"/> (layouts and the context walk live there). libcper's rules kept here: version 1 only,
/// the link ID only when non-zero, CPU/GPU information by device type and major version, context data shown per format
/// type (arrays counted in 8 bits), opaque hex for unknown formats.
/// </summary>
internal sealed class LcNvidiaEvent : LibCperSection<NvidiaEventSection>
{
    public static Guid Guid => NvidiaEventSection.SectionGuid;
    public override Guid SectionType => Guid;
    public override string ReadableName => "NvidiaEvent";
    public override string ShortName => "NvidiaEvent";
    private static readonly string[] DeviceTypes = ["CPU", "GPU", "DPU", "NIC", "SWX", "BMC"];
    private static readonly string[] Originators = ["Invalid", "Reserved1", "PF_GSP_FW", "VF_GSP_FW", "PF_DRIVER", "VF_DRIVER"];
    private static readonly Dictionary<int, string> Architectures = new() { [0x16] = "Turing", [0x17] = "Ampere", [0x18] = "Hopper", [0x19] = "Ada", [0x1A] = "Blackwell", [0x1B] = "Blackwell2", [0x1C] = "Rubin" };

    private static string H(ulong v, int digits) => Hex(v, digits);

    private static int PrintableLength(ReadOnlySpan<byte> s)
    {
        int n = 0;
        while (n < s.Length && s[n] != 0 && s[n] >= 0x20 && s[n] <= 0x7E) n++;
        return n;
    }

    /// <summary>An integer field of a layout read from <paramref name="bytes"/> (the layout is ApeiKit's, the member name libcper's).</summary>
    private static ulong F(StructDef layout, ReadOnlySpan<byte> bytes, string json) => layout.Find(json)!.ReadValue(bytes);

    private static ReadOnlySpan<byte> Text(StructDef layout, ReadOnlySpan<byte> bytes, string json)
    {
        var f = layout.Find(json)!;
        return bytes.Slice(f.Offset, f.Size);
    }

    protected override int MinimumLength => NvidiaEventSection.HeaderSize + NvidiaEventSection.InfoHeaderSize;

    protected override NvidiaEventSection Decode(ReadOnlySpan<byte> body) => NvidiaEventSection.Decode(body);

    protected override JsonObject? ToIr(NvidiaEventSection m, out string? message)
    {
        message = null;
        if (m.Version != 1) return null;
        int device = m.SourceDeviceType;
        var sigBytes = m.SignatureBytes;
        string signature = Encoding.ASCII.GetString(sigBytes, 0, PrintableLength(sigBytes));
        message = $"A {signature} Nvidia Event occurred";
        var header = new JsonObject();
        if (UntrustedString(sigBytes) is { } sig) header["signature"] = sig;
        header["version"] = (ulong)m.Version;
        header["sourceDeviceType"] = device < DeviceTypes.Length ? DeviceTypes[device] : "Unknown";
        header["type"] = H(m.EventType, 4);
        header["subtype"] = H(m.EventSubtype, 4);
        if (m.LinkId != 0) header["linkId"] = H(m.LinkId, 16);

        int major = m.InfoVersion >> 8, minor = m.InfoVersion & 0xFF;
        var info = new JsonObject { ["version"] = FormattableString.Invariant($"{major}.{minor}") };
        // libcper shows the information only when its size covers the whole structure.
        if (m.InfoLayout == NvidiaEventSection.CpuInfoLayout)
        {
            var cpu = new JsonObject();
            if (m.Info.Length >= NvidiaEventSection.CpuInfoLayout.Size) Cpu(m.Info, cpu);
            info["cpu"] = cpu;
        }
        else if (m.InfoLayout == NvidiaEventSection.GpuInfoLayout)
        {
            var gpu = new JsonObject();
            if (m.Info.Length >= NvidiaEventSection.GpuInfoLayout.Size) Gpu(m.Info, gpu);
            info["gpu"] = gpu;
        }

        var contexts = new JsonArray();
        foreach (var c in m.Contexts)
        {
            ushort format = c.DataFormatType;
            var ctx = new JsonObject
            {
                ["version"] = (ulong)c.Version,
                ["dataFormatType"] = H(format, 4),
                ["dataFormatVersion"] = (ulong)c.DataFormatVersion,
                ["dataSize"] = (ulong)c.DataSize,
            };
            var data = new JsonObject();
            ctx["data"] = data;
            contexts.Add((JsonNode?)ctx);
            byte[]? d = c.Data; // null when the data size does not fit the context
            string? variant = (device, format) switch
            {
                (1, 0x8000) => "gpuInitMetadata",
                (1, 0x8001) => "gpuLegacyXid",
                (1, 0x8002) => "gpuRecommendedActions",
                (_, 1) => "type1",
                (_, 2) => "type2",
                (_, 3) => "type3",
                (_, 4) => "type4",
                _ => null,
            };
            if (format == 0 || variant is null)
            {
                if (d is not null) data["opaque"] = ApeiKit.FieldFormat.CompactHex(d);
                else if (format != 0) data["opaque"] = new JsonObject();
                continue;
            }
            var inner = new JsonObject();
            data[variant] = inner;
            if (d is null) continue;
            var fixedLayout = NvidiaEventContext.FixedDataLayout((byte)device, format);
            switch (variant)
            {
                case "gpuInitMetadata": if (d.Length >= fixedLayout!.Size) InitMetadata(fixedLayout, d, inner); break;
                case "gpuLegacyXid":
                    if (d.Length >= 4)
                    {
                        inner["xidCode"] = (ulong)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(d);
                        inner["message"] = UntrustedString(d.AsSpan(4, Math.Min(d.Length - 4, NvidiaEventSection.LegacyXidMessageSize))) ?? "";
                    }
                    break;
                case "gpuRecommendedActions":
                    if (d.Length >= fixedLayout!.Size)
                    {
                        inner["flags"] = H(F(fixedLayout, d, "flags"), 2);
                        inner["recoveryAction"] = F(fixedLayout, d, "recoveryAction");
                        inner["diagnosticFlow"] = F(fixedLayout, d, "diagnosticFlow");
                    }
                    break;
                default:
                    var element = NvidiaEventContext.ArrayElementLayout((byte)device, format)!;
                    var (member, names) = variant switch
                    {
                        "type1" => ("keyValArray64", new[] { "key64", "val64" }),
                        "type2" => ("keyValArray32", ["key32", "val32"]),
                        "type3" => ("valArray64", ["val64"]),
                        _ => ("valArray32", ["val32"]),
                    };
                    var a = new JsonArray();
                    int n = (byte)(d.Length / element.Size); // libcper counts elements in 8 bits
                    for (int i = 0; i < n; i++)
                    {
                        var e = d.AsSpan(i * element.Size, element.Size);
                        var o = new JsonObject();
                        foreach (var name in names) { var f = element.Find(name)!; o[name] = H(f.ReadValue(e), f.Size * 2); }
                        a.Add((JsonNode?)o);
                    }
                    inner[member] = a;
                    break;
            }
        }
        return new JsonObject { ["eventHeader"] = header, ["eventInfo"] = info, ["eventContexts"] = contexts };
    }

    private static void Cpu(ReadOnlySpan<byte> c, JsonObject o)
    {
        var l = NvidiaEventSection.CpuInfoLayout;
        o["SocketNum"] = F(l, c, "socketNum");
        ulong arch = F(l, c, "architecture");
        o["Architecture"] = new JsonObject
        {
            ["hidFam"] = H(arch & 0xF, 2),
            ["revision"] = FormattableString.Invariant($"{(arch >> 4) & 0xF}.{(arch >> 16) & 0xF}"),
            ["chipId"] = H((arch >> 8) & 0xFF, 2),
            ["preSiPlatform"] = ((arch >> 20) & 0x1F) == 0 ? "Silicon" : "PreSilicon",
            ["errorInjection"] = ((arch >> 31) & 1) != 0,
        };
        for (int i = 1; i <= 4; i++)
        {
            string n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            o["Ecid" + n] = H(F(l, c, "ecid" + n), 8);
        }
        o["InstanceBase"] = H(F(l, c, "instanceBase"), 16);
    }

    private static string Pdi(ulong v)
    {
        Span<byte> b = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(b, v);
        return string.Join(':', b.ToArray().Select(x => x.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static ulong PdiFrom(string? s)
    {
        if (s is null) return 0;
        var parts = s.Split(':');
        if (parts.Length != 8) return 0;
        ulong v = 0;
        foreach (var p in parts) v = (v << 8) | (byte.TryParse(p, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var x) ? x : (byte)0);
        return v;
    }

    private static void Gpu(ReadOnlySpan<byte> g, JsonObject o)
    {
        var l = NvidiaEventSection.GpuInfoLayout;
        ulong originator = F(l, g, "eventOriginator");
        o["EventOriginator"] = originator < (ulong)Originators.Length ? Originators[originator] : "Unknown";
        o["SourcePartition"] = F(l, g, "sourcePartition");
        o["SourceSubPartition"] = F(l, g, "sourceSubPartition");
        o["Pdi"] = Pdi(F(l, g, "pdi"));
    }

    private static readonly (string Libcper, string Layout)[] PciInfo =
    [
        ("class", "pciClass"), ("subclass", "pciSubclass"), ("rev", "pciRevision"), ("vendorId", "vendorId"), ("deviceId", "deviceId"),
        ("subsystemVendorId", "subsystemVendorId"), ("subsystemId", "subsystemId"), ("bar0Start", "bar0Start"), ("bar0Size", "bar0Size"),
        ("bar1Start", "bar1Start"), ("bar1Size", "bar1Size"), ("bar2Start", "bar2Start"), ("bar2Size", "bar2Size"),
    ];

    private static readonly string[] InitTexts = ["deviceName", "firmwareVersion", "pfDriverMicrocodeVersion", "pfDriverVersion", "vfDriverVersion"];

    private static void InitMetadata(StructDef l, ReadOnlySpan<byte> m, JsonObject o)
    {
        foreach (var t in InitTexts) o[t] = UntrustedString(Text(l, m, t)) ?? "";
        o["configuration"] = H(F(l, m, "configuration"), 16);
        o["pdi"] = Pdi(F(l, m, "pdi"));
        ulong arch = F(l, m, "architectureId");
        o["architectureId"] = new JsonObject { ["raw"] = H(arch, 8), ["architecture"] = Architectures.TryGetValue((int)((arch >> 24) & 0x3F), out var a) ? a : "Unknown" };
        ulong hw = F(l, m, "hardwareInfoType");
        o["hardwareInfoType"] = hw;
        if (hw == 0)
        {
            var pci = new JsonObject();
            foreach (var (name, field) in PciInfo) pci[name] = H(F(l, m, field), l.Find(field)!.Size * 2);
            o["pciInfo"] = pci;
        }
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

    public override NvidiaEventSection FromIrModel(JsonObject o)
    {
        var eh = o["eventHeader"];
        int device = System.Array.IndexOf(DeviceTypes, Str(Lc.M(eh, "sourceDeviceType")));
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
            0 => CpuFrom(Lc.M(info, "cpu") ?? info),
            1 => GpuFrom(Lc.M(info, "gpu") ?? info),
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
            var data = ContextDataFrom(c, device);
            uint dataSize = (uint)U(Lc.M(c, "dataSize"), 32);
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

    private static byte[] CpuFrom(JsonNode? c)
    {
        var l = NvidiaEventSection.CpuInfoLayout;
        var b = new byte[l.Size];
        W(l, b, "socketNum", U(Lc.M(c, "SocketNum")));
        var a = Lc.M(c, "Architecture");
        var rev = (Str(Lc.M(a, "revision")) ?? "0.0").Split('.');
        ulong arch = (U(Lc.M(a, "hidFam")) & 0xF) | ((ParseNumber(rev[0]) & 0xF) << 4) | ((U(Lc.M(a, "chipId")) & 0xFF) << 8)
            | ((rev.Length > 1 ? ParseNumber(rev[1]) & 0xF : 0) << 16) | ((Str(Lc.M(a, "preSiPlatform")) == "Silicon" ? 0UL : 1UL) << 20) | ((Bool(Lc.M(a, "errorInjection")) ? 1UL : 0) << 31);
        W(l, b, "architecture", arch);
        for (int i = 1; i <= 4; i++)
        {
            string n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            W(l, b, "ecid" + n, U(Lc.M(c, "Ecid" + n)));
        }
        W(l, b, "instanceBase", U(Lc.M(c, "InstanceBase")));
        return b;
    }

    private static byte[] GpuFrom(JsonNode? g)
    {
        var l = NvidiaEventSection.GpuInfoLayout;
        var b = new byte[l.Size];
        W(l, b, "eventOriginator", (ulong)Math.Max(0, System.Array.IndexOf(Originators, Str(Lc.M(g, "EventOriginator")))));
        W(l, b, "sourcePartition", U(Lc.M(g, "SourcePartition")));
        W(l, b, "sourceSubPartition", U(Lc.M(g, "SourceSubPartition")));
        W(l, b, "pdi", PdiFrom(Str(Lc.M(g, "Pdi"))));
        return b;
    }

    private static byte[] ContextDataFrom(JsonNode? c, int device)
    {
        var data = Lc.M(c, "data");
        int size = (int)U(Lc.M(c, "dataSize"), 31);
        if (Lc.M(data, "opaque") is JsonValue opaque) return Lc.FromHex(opaque);
        (string Variant, string Member, string[] Names)[] arrays =
        [
            ("type1", "keyValArray64", ["key64", "val64"]), ("type2", "keyValArray32", ["key32", "val32"]),
            ("type3", "valArray64", ["val64"]), ("type4", "valArray32", ["val32"]),
        ];
        for (int t = 0; t < arrays.Length; t++)
        {
            if (Lc.M(data, arrays[t].Variant) is not JsonObject inner) continue;
            var element = NvidiaEventSection.ArrayElementLayouts[t];
            var a = inner[arrays[t].Member] as JsonArray ?? [];
            var b = new byte[a.Count * element.Size];
            for (int i = 0; i < a.Count; i++)
                foreach (var name in arrays[t].Names) W(element, b.AsSpan(i * element.Size, element.Size), name, U(Lc.M(a[i], name)));
            return b;
        }
        if (device == 1 && Lc.M(data, "gpuInitMetadata") is JsonObject m) return InitMetadataFrom(m);
        if (device == 1 && Lc.M(data, "gpuLegacyXid") is JsonObject x)
        {
            var b = new byte[4 + NvidiaEventSection.LegacyXidMessageSize];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)U(x["xidCode"], 32));
            Ascii(b.AsSpan(4), Str(x["message"]));
            return b.AsSpan(0, size > 0 && size <= b.Length ? size : b.Length).ToArray();
        }
        if (device == 1 && Lc.M(data, "gpuRecommendedActions") is JsonObject r)
        {
            var l = NvidiaEventSection.RecommendedActionsLayout;
            var b = new byte[l.Size];
            W(l, b, "flags", U(r["flags"]));
            W(l, b, "recoveryAction", U(r["recoveryAction"]));
            W(l, b, "diagnosticFlow", U(r["diagnosticFlow"]));
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
        if (U(m["hardwareInfoType"]) == 0 && m["pciInfo"] is JsonObject p)
            foreach (var (name, field) in PciInfo) W(l, b, field, U(p[name]));
        return b;
    }
}
