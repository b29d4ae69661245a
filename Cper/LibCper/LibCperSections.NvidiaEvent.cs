using System.Text;
using System.Text.Json.Nodes;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// NVIDIA event section (vendor section type <c>9068e568-6ca0-11f0-aeaf-159343591eac</c>) as libcper renders it
/// (<c>sections/cper-section-nvidia-events.c</c>): a 32-byte event header (version, context count, source device type,
/// type, subtype, link ID, 16-byte signature), an info header (16-bit version, 8-bit size) with CPU or GPU event
/// information, then contexts (16-byte header: size, version, data format type and version, data size; each padded to
/// 16 bytes) whose data is shown per format type.
/// </summary>
internal sealed class LcNvidiaEvent : LibCperSection
{
    public static readonly Guid Guid = new("9068e568-6ca0-11f0-aeaf-159343591eac");
    public override Guid SectionType => Guid;
    public override string ReadableName => "NvidiaEvent";
    public override string ShortName => "NvidiaEvent";
    private const int HeaderSize = 32, InfoHeaderSize = 3, CpuInfoSize = 29, GpuInfoSize = 13, CtxHeaderSize = 16;
    private const int GpuInitMetadataSize = 192, LegacyXidMessageSize = 236, RecommendedActionsSize = 16;
    private static readonly string[] DeviceTypes = ["CPU", "GPU", "DPU", "NIC", "SWX", "BMC"];
    private static readonly string[] Originators = ["Invalid", "Reserved1", "PF_GSP_FW", "VF_GSP_FW", "PF_DRIVER", "VF_DRIVER"];
    private static readonly Dictionary<int, string> Architectures = new() { [0x16] = "Turing", [0x17] = "Ampere", [0x18] = "Hopper", [0x19] = "Ada", [0x1A] = "Blackwell", [0x1B] = "Blackwell2", [0x1C] = "Rubin" };

    private static string H(ulong v, int digits) => Hex(v, digits);
    private static string HexBytes(ReadOnlySpan<byte> b) => Convert.ToHexStringLower(b);

    private static int PrintableLength(ReadOnlySpan<byte> s)
    {
        int n = 0;
        while (n < s.Length && s[n] != 0 && s[n] >= 0x20 && s[n] <= 0x7E) n++;
        return n;
    }

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = null;
        if (b.Length < HeaderSize + InfoHeaderSize || b[0] != 1) return null;
        int device = b[2];
        string signature = Encoding.ASCII.GetString(b.Slice(16, PrintableLength(b.Slice(16, 16))));
        message = $"A {signature} Nvidia Event occurred";
        var header = new JsonObject();
        if (UntrustedString(b.Slice(16, 16)) is { } sig) header["signature"] = sig;
        header["version"] = (ulong)b[0];
        header["sourceDeviceType"] = device < DeviceTypes.Length ? DeviceTypes[device] : "Unknown";
        header["type"] = H(U16(b, 4), 4);
        header["subtype"] = H(U16(b, 6), 4);
        if (U64(b, 8) != 0) header["linkId"] = H(U64(b, 8), 16);

        ushort infoVersion = U16(b, HeaderSize);
        int infoSize = b[HeaderSize + 2];
        int major = infoVersion >> 8, minor = infoVersion & 0xFF;
        var info = new JsonObject { ["version"] = FormattableString.Invariant($"{major}.{minor}") };
        int infoAt = HeaderSize + InfoHeaderSize;
        if (device == 0 && major == 0)
        {
            var cpu = new JsonObject();
            if (infoSize >= InfoHeaderSize + CpuInfoSize && infoAt + CpuInfoSize <= b.Length) Cpu(b.Slice(infoAt, CpuInfoSize), cpu);
            info["cpu"] = cpu;
        }
        else if (device == 1 && major == 1)
        {
            var gpu = new JsonObject();
            if (infoSize >= InfoHeaderSize + GpuInfoSize && infoAt + GpuInfoSize <= b.Length) Gpu(b.Slice(infoAt, GpuInfoSize), gpu);
            info["gpu"] = gpu;
        }

        var contexts = new JsonArray();
        int count = b[1];
        for (int i = 0; i < count; i++)
        {
            int at = ContextAt(b, i);
            if (at < 0) continue;
            var c = b.Slice(at);
            uint dataSize = U32(c, 12);
            ushort format = U16(c, 8);
            var ctx = new JsonObject
            {
                ["version"] = (ulong)U16(c, 4),
                ["dataFormatType"] = H(format, 4),
                ["dataFormatVersion"] = (ulong)U16(c, 10),
                ["dataSize"] = (ulong)dataSize,
            };
            var data = new JsonObject();
            ctx["data"] = data;
            contexts.Add(ctx);
            bool fits = (ulong)at + CtxHeaderSize + dataSize <= (ulong)b.Length;
            var d = fits ? c.Slice(CtxHeaderSize, (int)dataSize) : default;
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
                if (fits) data["opaque"] = HexBytes(d);
                else if (format != 0) data["opaque"] = new JsonObject();
                continue;
            }
            var inner = new JsonObject();
            data[variant] = inner;
            if (!fits) continue;
            switch (variant)
            {
                case "gpuInitMetadata": if (dataSize >= GpuInitMetadataSize) InitMetadata(d, inner); break;
                case "gpuLegacyXid":
                    if (dataSize >= 4)
                    {
                        inner["xidCode"] = (ulong)U32(d, 0);
                        inner["message"] = UntrustedString(d.Slice(4, Math.Min((int)dataSize - 4, LegacyXidMessageSize))) ?? "";
                    }
                    break;
                case "gpuRecommendedActions":
                    if (dataSize >= RecommendedActionsSize)
                    {
                        inner["flags"] = H(d[0], 2);
                        inner["recoveryAction"] = (ulong)U16(d, 4);
                        inner["diagnosticFlow"] = (ulong)U16(d, 6);
                    }
                    break;
                case "type1": inner["keyValArray64"] = Array(d, 16, e => new JsonObject { ["key64"] = H(U64(e, 0), 16), ["val64"] = H(U64(e, 8), 16) }); break;
                case "type2": inner["keyValArray32"] = Array(d, 8, e => new JsonObject { ["key32"] = H(U32(e, 0), 8), ["val32"] = H(U32(e, 4), 8) }); break;
                case "type3": inner["valArray64"] = Array(d, 8, e => new JsonObject { ["val64"] = H(U64(e, 0), 16) }); break;
                case "type4": inner["valArray32"] = Array(d, 4, e => new JsonObject { ["val32"] = H(U32(e, 0), 8) }); break;
            }
        }
        return new JsonObject { ["eventHeader"] = header, ["eventInfo"] = info, ["eventContexts"] = contexts };
    }

    private delegate JsonObject Element(ReadOnlySpan<byte> e);

    private static JsonArray Array(ReadOnlySpan<byte> d, int size, Element element)
    {
        var a = new JsonArray();
        int n = (byte)(d.Length / size); // libcper counts elements in 8 bits
        for (int i = 0; i < n; i++) a.Add(element(d.Slice(i * size, size)));
        return a;
    }

    /// <summary>Offset of context <paramref name="n"/>, or -1 when libcper's walk leaves the section.</summary>
    private static int ContextAt(ReadOnlySpan<byte> b, int n)
    {
        long ptr = HeaderSize;
        if (ptr + InfoHeaderSize > b.Length) return -1;
        int infoSize = b[HeaderSize + 2];
        if (ptr + infoSize > b.Length) return -1;
        ptr += infoSize;
        for (int i = 0; i < n; i++)
        {
            if (ptr + CtxHeaderSize > b.Length) return -1;
            uint size = U32(b, (int)ptr);
            if (ptr + size > b.Length) return -1;
            ptr += size;
        }
        return ptr + CtxHeaderSize > b.Length ? -1 : (int)ptr;
    }

    private static void Cpu(ReadOnlySpan<byte> c, JsonObject o)
    {
        o["SocketNum"] = (ulong)c[0];
        uint arch = U32(c, 1);
        o["Architecture"] = new JsonObject
        {
            ["hidFam"] = H(arch & 0xF, 2),
            ["revision"] = FormattableString.Invariant($"{(arch >> 4) & 0xF}.{(arch >> 16) & 0xF}"),
            ["chipId"] = H((arch >> 8) & 0xFF, 2),
            ["preSiPlatform"] = ((arch >> 20) & 0x1F) == 0 ? "Silicon" : "PreSilicon",
            ["errorInjection"] = ((arch >> 31) & 1) != 0,
        };
        for (int i = 0; i < 4; i++) o["Ecid" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)] = H(U32(c, 5 + i * 4), 8);
        o["InstanceBase"] = H(U64(c, 21), 16);
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
        o["EventOriginator"] = g[0] < Originators.Length ? Originators[g[0]] : "Unknown";
        o["SourcePartition"] = (ulong)U16(g, 1);
        o["SourceSubPartition"] = (ulong)U16(g, 3);
        o["Pdi"] = Pdi(U64(g, 5));
    }

    private static void InitMetadata(ReadOnlySpan<byte> m, JsonObject o)
    {
        o["deviceName"] = UntrustedString(m[..48]) ?? "";
        o["firmwareVersion"] = UntrustedString(m.Slice(48, 16)) ?? "";
        o["pfDriverMicrocodeVersion"] = UntrustedString(m.Slice(64, 16)) ?? "";
        o["pfDriverVersion"] = UntrustedString(m.Slice(80, 16)) ?? "";
        o["vfDriverVersion"] = UntrustedString(m.Slice(96, 16)) ?? "";
        o["configuration"] = H(U64(m, 112), 16);
        o["pdi"] = Pdi(U64(m, 120));
        uint arch = U32(m, 128);
        o["architectureId"] = new JsonObject { ["raw"] = H(arch, 8), ["architecture"] = Architectures.TryGetValue((int)((arch >> 24) & 0x3F), out var a) ? a : "Unknown" };
        o["hardwareInfoType"] = (ulong)m[132];
        if (m[132] == 0)
        {
            o["pciInfo"] = new JsonObject
            {
                ["class"] = H(m[133], 2), ["subclass"] = H(m[134], 2), ["rev"] = H(m[135], 2),
                ["vendorId"] = H(U16(m, 136), 4), ["deviceId"] = H(U16(m, 138), 4), ["subsystemVendorId"] = H(U16(m, 140), 4), ["subsystemId"] = H(U16(m, 142), 4),
                ["bar0Start"] = H(U64(m, 144), 16), ["bar0Size"] = H(U64(m, 152), 16), ["bar1Start"] = H(U64(m, 160), 16),
                ["bar1Size"] = H(U64(m, 168), 16), ["bar2Start"] = H(U64(m, 176), 16), ["bar2Size"] = H(U64(m, 184), 16),
            };
        }
    }

    // ---- libcper JSON back to bytes (libcper's layout: contexts padded to 16 bytes, CtxSize includes the padding) ----

    private static void Ascii(Span<byte> dst, string? s)
    {
        if (s is null) return;
        Encoding.ASCII.GetBytes(s.AsSpan(0, Math.Min(s.Length, dst.Length)), dst);
    }

    public override byte[] FromIr(JsonObject o)
    {
        using var ms = new MemoryStream();
        var h = new byte[HeaderSize];
        var eh = o["eventHeader"];
        h[0] = (byte)U(eh?["version"]);
        int device = System.Array.IndexOf(DeviceTypes, Str(eh?["sourceDeviceType"]));
        h[2] = (byte)Math.Max(device, 0);
        W16(h, 4, ParseNumber(Str(eh?["type"])));
        W16(h, 6, ParseNumber(Str(eh?["subtype"])));
        W64(h, 8, ParseNumber(Str(eh?["linkId"])));
        Ascii(h.AsSpan(16, 16), Str(eh?["signature"]));
        var contexts = o["eventContexts"] as JsonArray ?? [];
        h[1] = (byte)contexts.Count;
        ms.Write(h);

        var info = o["eventInfo"];
        var ver = (Str(info?["version"]) ?? "0.0").Split('.');
        ulong major = ParseNumber(ver[0]), minor = ver.Length > 1 ? ParseNumber(ver[1]) : 0;
        byte[] body = device switch
        {
            0 => CpuFrom(info?["cpu"] ?? info),
            1 => GpuFrom(info?["gpu"] ?? info),
            _ => [],
        };
        var ih = new byte[InfoHeaderSize];
        W16(ih, 0, (major << 8) | (minor & 0xFF));
        ih[2] = (byte)(InfoHeaderSize + body.Length);
        ms.Write(ih);
        ms.Write(body);
        Pad(ms);
        foreach (var c in contexts)
        {
            var data = ContextDataFrom(c, device);
            uint dataSize = (uint)U(c?["dataSize"]);
            var ch = new byte[CtxHeaderSize];
            W32(ch, 0, (CtxHeaderSize + dataSize + 15) & ~15u);
            W16(ch, 4, U(c?["version"]));
            W16(ch, 8, ParseNumber(Str(c?["dataFormatType"])));
            W16(ch, 10, U(c?["dataFormatVersion"]));
            W32(ch, 12, dataSize);
            ms.Write(ch);
            ms.Write(data);
            Pad(ms);
        }
        return ms.ToArray();
    }

    private static void Pad(MemoryStream ms)
    {
        while (ms.Length % 16 != 0) ms.WriteByte(0);
    }

    private static byte[] CpuFrom(JsonNode? c)
    {
        var b = new byte[CpuInfoSize];
        b[0] = (byte)U(c?["SocketNum"]);
        var a = c?["Architecture"];
        var rev = (Str(a?["revision"]) ?? "0.0").Split('.');
        ulong arch = (ParseNumber(Str(a?["hidFam"])) & 0xF) | ((ParseNumber(rev[0]) & 0xF) << 4) | ((ParseNumber(Str(a?["chipId"])) & 0xFF) << 8)
            | ((rev.Length > 1 ? ParseNumber(rev[1]) & 0xF : 0) << 16) | ((Str(a?["preSiPlatform"]) == "Silicon" ? 0UL : 1UL) << 20) | ((Bool(a?["errorInjection"]) ? 1UL : 0) << 31);
        W32(b, 1, arch);
        for (int i = 0; i < 4; i++) W32(b, 5 + i * 4, ParseNumber(Str(c?["Ecid" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)])));
        W64(b, 21, ParseNumber(Str(c?["InstanceBase"])));
        return b;
    }

    private static byte[] GpuFrom(JsonNode? g)
    {
        var b = new byte[GpuInfoSize];
        b[0] = (byte)Math.Max(0, System.Array.IndexOf(Originators, Str(g?["EventOriginator"])));
        W16(b, 1, U(g?["SourcePartition"]));
        W16(b, 3, U(g?["SourceSubPartition"]));
        W64(b, 5, PdiFrom(Str(g?["Pdi"])));
        return b;
    }

    private static byte[] ContextDataFrom(JsonNode? c, int device)
    {
        var data = c?["data"];
        int size = (int)U(c?["dataSize"]);
        if (data?["opaque"] is JsonValue) return Convert.FromHexString(Str(data["opaque"]) ?? "");
        byte[] b;
        if (data?["type1"] is JsonObject t1) b = Elements(t1["keyValArray64"], 16, (e, n) => { W64(e, 0, ParseNumber(Str(n?["key64"]))); W64(e, 8, ParseNumber(Str(n?["val64"]))); });
        else if (data?["type2"] is JsonObject t2) b = Elements(t2["keyValArray32"], 8, (e, n) => { W32(e, 0, ParseNumber(Str(n?["key32"]))); W32(e, 4, ParseNumber(Str(n?["val32"]))); });
        else if (data?["type3"] is JsonObject t3) b = Elements(t3["valArray64"], 8, (e, n) => W64(e, 0, ParseNumber(Str(n?["val64"]))));
        else if (data?["type4"] is JsonObject t4) b = Elements(t4["valArray32"], 4, (e, n) => W32(e, 0, ParseNumber(Str(n?["val32"]))));
        else if (device == 1 && data?["gpuInitMetadata"] is JsonObject m) b = InitMetadataFrom(m);
        else if (device == 1 && data?["gpuLegacyXid"] is JsonObject x)
        {
            b = new byte[4 + LegacyXidMessageSize];
            W32(b, 0, U(x["xidCode"]));
            Ascii(b.AsSpan(4), Str(x["message"]));
            b = b.AsSpan(0, size > 0 && size <= b.Length ? size : b.Length).ToArray();
        }
        else if (device == 1 && data?["gpuRecommendedActions"] is JsonObject r)
        {
            b = new byte[RecommendedActionsSize];
            b[0] = (byte)ParseNumber(Str(r["flags"]));
            W16(b, 4, U(r["recoveryAction"]));
            W16(b, 6, U(r["diagnosticFlow"]));
        }
        else b = [];
        return b;
    }

    private static byte[] Elements(JsonNode? array, int size, Action<Span<byte>, JsonNode?> write)
    {
        var a = array as JsonArray ?? [];
        var b = new byte[a.Count * size];
        for (int i = 0; i < a.Count; i++) write(b.AsSpan(i * size, size), a[i]);
        return b;
    }

    private static byte[] InitMetadataFrom(JsonObject m)
    {
        var b = new byte[GpuInitMetadataSize];
        Ascii(b.AsSpan(0, 48), Str(m["deviceName"]));
        Ascii(b.AsSpan(48, 16), Str(m["firmwareVersion"]));
        Ascii(b.AsSpan(64, 16), Str(m["pfDriverMicrocodeVersion"]));
        Ascii(b.AsSpan(80, 16), Str(m["pfDriverVersion"]));
        Ascii(b.AsSpan(96, 16), Str(m["vfDriverVersion"]));
        W64(b, 112, ParseNumber(Str(m["configuration"])));
        W64(b, 120, PdiFrom(Str(m["pdi"])));
        W32(b, 128, ParseNumber(Str(m["architectureId"]?["raw"])));
        b[132] = (byte)U(m["hardwareInfoType"]);
        if (b[132] == 0 && m["pciInfo"] is JsonObject p)
        {
            b[133] = (byte)ParseNumber(Str(p["class"])); b[134] = (byte)ParseNumber(Str(p["subclass"])); b[135] = (byte)ParseNumber(Str(p["rev"]));
            W16(b, 136, ParseNumber(Str(p["vendorId"]))); W16(b, 138, ParseNumber(Str(p["deviceId"])));
            W16(b, 140, ParseNumber(Str(p["subsystemVendorId"]))); W16(b, 142, ParseNumber(Str(p["subsystemId"])));
            string[] bars = ["bar0Start", "bar0Size", "bar1Start", "bar1Size", "bar2Start", "bar2Size"];
            for (int i = 0; i < bars.Length; i++) W64(b, 144 + i * 8, ParseNumber(Str(p[bars[i]])));
        }
        return b;
    }
}
