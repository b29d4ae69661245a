using System.Text.Json.Nodes;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// ARM processor error section as libcper renders it (<c>sections/cper-section-arm.c</c>; UEFI 2.10 N.2.4.4). libcper
/// reads the error-information Type as 1 cache, 2 TLB, 4 bus, 8 micro-architectural (UEFI 2.9A+ uses bit flags
/// 2/4/8/16) and packs context register arrays without padding; both only in this rendering (docs/libcper-compat.md).
/// </summary>
internal sealed class LcArm : LibCperSection
{
    public override Guid SectionType => CperGuids.ProcessorArm;
    public override string ReadableName => "ARM";
    public override string ShortName => "ArmProcessor";
    private const int HeaderSize = 40, ErrorInfoSize = 32, ContextHeaderSize = 8;

    private static readonly Dictionary<ulong, string> Types = new() { [1] = "Cache Error", [2] = "TLB Error", [4] = "Bus Error", [8] = "Micro-Architectural Error" };
    private static readonly string[] Flags = ["firstErrorCaptured", "lastErrorCaptured", "propagated", "overflow"];
    private static readonly string[] Transactions = ["Instruction", "Data Access", "Generic"];
    private static readonly string[] CacheBusOps = ["Generic Error", "Generic Read", "Generic Write", "Data Read", "Data Write", "Instruction Fetch", "Prefetch", "Eviction", "Snooping", "Snooped", "Management"];
    private static readonly string[] TlbOps = ["Generic Error", "Generic Read", "Generic Write", "Data Read", "Data Write", "Instruction Fetch", "Prefetch", "Local Management Operation", "External Management Operation"];
    private static readonly string[] Participation = ["Local Processor Originated Request", "Local Processor Responded to Request", "Local Processor Observed", "Generic"];
    private static readonly Dictionary<ulong, string> AddressSpaces = new() { [0] = "External Memory Access", [1] = "Internal Memory Access", [3] = "Device Memory Access" };
    private static readonly string[] ContextTypes =
    [
        "AArch32 General Purpose Registers", "AArch32 EL1 Context Registers", "AArch32 EL2 Context Registers", "AArch32 Secure Context Registers",
        "AArch64 General Purpose Registers", "AArch64 EL1 Context Registers", "AArch64 EL2 Context Registers", "AArch64 EL3 Context Registers",
        "Miscellaneous System Register Structure",
    ];

    // Register names per context type (UEFI 2.10 N.2.4.4.2 tables); 32-bit entries for types 0-3, 64-bit for 4-7.
    private static readonly string[][] RegisterNames =
    [
        ["r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "r13_sp", "r14_lr", "r15_pc"],
        ["dfar", "dfsr", "ifar", "isr", "mair0", "mair1", "midr", "mpidr", "nmrr", "prrr", "sctlr_ns", "spsr", "spsr_abt", "spsr_fiq", "spsr_irq", "spsr_svc", "spsr_und", "tpidrprw", "tpidruro", "tpidrurw", "ttbcr", "ttbr0", "ttbr1", "dacr"],
        ["elr_hyp", "hamair0", "hamair1", "hcr", "hcr2", "hdfar", "hifar", "hpfar", "hsr", "htcr", "htpidr", "httbr", "spsr_hyp", "vtcr", "vttbr", "dacr32_el2"],
        ["sctlr_s", "spsr_mon"],
        ["x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30", "sp"],
        ["elr_el1", "esr_el1", "far_el1", "isr_el1", "mair_el1", "midr_el1", "mpidr_el1", "sctlr_el1", "sp_el0", "sp_el1", "spsr_el1", "tcr_el1", "tpidr_el0", "tpidr_el1", "tpidrro_el0", "ttbr0_el1", "ttbr1_el1"],
        ["elr_el2", "esr_el2", "far_el2", "hacr_el2", "hcr_el2", "hpfar_el2", "mair_el2", "sctlr_el2", "sp_el2", "spsr_el2", "tcr_el2", "tpidr_el2", "ttbr0_el2", "vtcr_el2", "vttbr_el2"],
        ["elr_el3", "esr_el3", "far_el3", "mair_el3", "sctlr_el3", "sp_el3", "spsr_el3", "tcr_el3", "tpidr_el3", "ttbr0_el3"],
    ];

    private static int EntrySize(int type) => type < 4 ? 4 : 8;

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = null;
        if (b.Length < HeaderSize) return null;
        uint v = U32(b, 0);
        int errors = U16(b, 4), contexts = U16(b, 6);
        uint sectionLength = U32(b, 8);
        string msg = "An ARM Processor Error occurred";
        var o = new JsonObject { ["errorInfoNum"] = errors, ["contextInfoNum"] = contexts, ["sectionLength"] = (ulong)sectionLength };
        if (Bit(v, 1)) o["errorAffinity"] = new JsonObject { ["value"] = (int)b[12], ["type"] = b[12] < 4 ? "Vendor Defined" : "Reserved" };
        if (Bit(v, 0))
        {
            ulong mpidr = U64(b, 16);
            o["mpidrEl1"] = mpidr;
            o["affinity3"] = (mpidr & 0xFF00000000) >> 32;
            msg += FormattableString.Invariant($" on CPU {(mpidr & 0xFF00000000) >> 32}");
        }
        o["midrEl1"] = U64(b, 24);
        uint running = U32(b, 32);
        if (Bit(v, 2)) o["running"] = (running & 1) != 0;
        if ((running >> 31) == 0) o["psciState"] = (ulong)U32(b, 36);
        int remaining = b.Length - HeaderSize;
        if (remaining < errors * ErrorInfoSize) return null;
        msg += "; Error Type(s): {";
        var infos = new JsonArray();
        int pos = HeaderSize;
        for (int i = 0; i < errors; i++, pos += ErrorInfoSize)
        {
            infos.Add(ErrorInfo(b.Slice(pos, ErrorInfoSize), out string desc));
            msg += desc;
            msg += i == errors - 1 ? "}" : ", ";
        }
        o["errorInfo"] = infos;
        remaining -= errors * ErrorInfoSize;
        var ctxs = new JsonArray();
        for (int i = 0; i < contexts; i++)
        {
            if (remaining < ContextHeaderSize) return null;
            var ctx = Context(b, ref pos, ref remaining);
            if (ctx is null) return null;
            ctxs.Add(ctx);
        }
        o["contextInfo"] = ctxs;
        if (Bit(v, 3) && pos < sectionLength)
        {
            int size = (int)Math.Min(sectionLength, int.MaxValue) - pos;
            if (remaining < size) return null;
            o["vendorSpecificInfo"] = new JsonObject { ["data"] = B64(b.Slice(pos, size)) };
        }
        message = msg;
        return o;
    }

    private static JsonObject ErrorInfo(ReadOnlySpan<byte> e, out string desc)
    {
        ushort v = U16(e, 2);
        byte type = e[4];
        var o = new JsonObject { ["version"] = (int)e[0], ["length"] = (int)e[1], ["errorType"] = Pair(type, Types) };
        if (Bit(v, 0)) o["multipleError"] = new JsonObject { ["value"] = (int)U16(e, 5), ["type"] = U16(e, 5) < 1 ? "Single Error" : "Multiple Errors" };
        if (Bit(v, 1)) o["flags"] = Bits(e[7], Flags);
        desc = "Unknown Error";
        if (Bit(v, 2))
        {
            ulong info = U64(e, 8);
            switch (type)
            {
                case 1: o["errorInformation"] = new JsonObject { ["cacheError"] = CacheTlb(info, CacheBusOps) }; desc = "Cache Error"; break;
                case 2: o["errorInformation"] = new JsonObject { ["tlbError"] = CacheTlb(info, TlbOps) }; desc = "TLB Error"; break;
                case 4: o["errorInformation"] = new JsonObject { ["busError"] = Bus(info) }; desc = "Bus Error"; break;
            }
        }
        if (Bit(v, 3))
        {
            desc += FormattableString.Invariant($" at Virtual Addr=0x{U64(e, 16):X}");
            o["virtualFaultAddress"] = U64(e, 16);
        }
        if (Bit(v, 4))
        {
            desc += FormattableString.Invariant($" Physical Addr=0x{U64(e, 24):X}");
            o["physicalFaultAddress"] = U64(e, 24);
        }
        return o;
    }

    // UEFI N.2.4.4.1 cache/TLB error structure: validation 0-15, transaction 16-17, operation 18-21, level 22-24,
    // context corrupt 25, corrected 26, precise PC 27, restartable PC 28.
    private static JsonObject CacheTlb(ulong c, string[] ops)
    {
        var o = new JsonObject();
        if (Bit(c, 0)) o["transactionType"] = Pair((c >> 16) & 3, Transactions);
        if (Bit(c, 1)) o["operation"] = Pair((c >> 18) & 0xF, ops);
        if (Bit(c, 2)) o["level"] = (int)((c >> 22) & 7);
        if (Bit(c, 3)) o["processorContextCorrupt"] = Bit(c, 25);
        if (Bit(c, 4)) o["corrected"] = Bit(c, 26);
        if (Bit(c, 5)) o["precisePC"] = Bit(c, 27);
        if (Bit(c, 6)) o["restartablePC"] = Bit(c, 28);
        return o;
    }

    // Bus error structure: as above, then participation 29-30, time-out 31, address space 32-33, memory attributes 34-42, access mode 43.
    private static JsonObject Bus(ulong c)
    {
        var o = new JsonObject();
        if (Bit(c, 0)) o["transactionType"] = Pair((c >> 16) & 3, Transactions);
        if (Bit(c, 1)) o["operation"] = Pair((c >> 18) & 0xF, CacheBusOps.AsSpan(0, 7).ToArray());
        if (Bit(c, 2)) o["level"] = (int)((c >> 22) & 7);
        if (Bit(c, 3)) o["processorContextCorrupt"] = Bit(c, 25);
        if (Bit(c, 4)) o["corrected"] = Bit(c, 26);
        if (Bit(c, 5)) o["precisePC"] = Bit(c, 27);
        if (Bit(c, 6)) o["restartablePC"] = Bit(c, 28);
        if (Bit(c, 7)) o["participationType"] = Pair((c >> 29) & 3, Participation, "Unknown");
        if (Bit(c, 8)) o["timedOut"] = Bit(c, 31);
        if (Bit(c, 9)) o["addressSpace"] = Pair((c >> 32) & 3, AddressSpaces, "Unknown");
        if (Bit(c, 10)) o["memoryAttributes"] = (int)((c >> 34) & 0x1FF);
        // libcper gates the access mode on bit 8 (time-out), not bit 11.
        if (Bit(c, 8)) o["accessMode"] = new JsonObject { ["value"] = (int)((c >> 43) & 1), ["name"] = ((c >> 43) & 1) == 0 ? "Secure" : "Normal" };
        return o;
    }

    private static JsonObject? Context(ReadOnlySpan<byte> b, ref int pos, ref int remaining)
    {
        var h = b.Slice(pos, ContextHeaderSize);
        pos += ContextHeaderSize;
        remaining -= ContextHeaderSize;
        ushort version = U16(h, 0), type = U16(h, 2);
        uint size = U32(h, 4);
        if (size > (uint)remaining) return null;
        var o = new JsonObject { ["version"] = (int)version, ["registerContextType"] = Pair(type, ContextTypes), ["registerArraySize"] = (ulong)size };
        var array = b.Slice(pos, (int)size);
        if (type < RegisterNames.Length)
        {
            var names = RegisterNames[type];
            int es = EntrySize(type);
            if (size < names.Length * es) return null;
            var r = new JsonObject();
            for (int i = 0; i < names.Length; i++) r[names[i]] = es == 4 ? U32(array, i * 4) : U64(array, i * 8);
            o["registerArray"] = r;
        }
        else if (type == 8)
        {
            if (size < 16) return null;
            ulong enc = U16(array, 0);
            o["registerArray"] = new JsonObject
            {
                ["mrsEncoding"] = new JsonObject { ["op2"] = enc & 7, ["crm"] = (enc >> 3) & 0xF, ["crn"] = (enc >> 7) & 0xF, ["op1"] = (enc >> 11) & 7, ["o0"] = (enc >> 14) & 1 },
                ["value"] = U64(array, 8),
            };
        }
        else o["registerArray"] = new JsonObject { ["data"] = B64(array) };
        pos += (int)size;
        remaining -= (int)size;
        return o;
    }

    public override byte[] FromIr(JsonObject o)
    {
        using var ms = new MemoryStream();
        var h = new byte[HeaderSize];
        var errors = o["errorInfo"] as JsonArray ?? [];
        var contexts = o["contextInfo"] as JsonArray ?? [];
        uint v = 0;
        W16(h, 4, U(o["errorInfoNum"]));
        W16(h, 6, U(o["contextInfoNum"]));
        W32(h, 8, U(o["sectionLength"]));
        if (o.ContainsKey("mpidrEl1")) { W64(h, 16, U(o["mpidrEl1"])); v |= 1; }
        if (o.ContainsKey("errorAffinity")) { W8(h, 12, PairValue(o["errorAffinity"])); v |= 2; }
        W64(h, 24, U(o["midrEl1"]));
        uint running = 0;
        if (o.ContainsKey("running")) { running = Bool(o["running"]) ? 1u : 0; v |= 4; }
        if (o.ContainsKey("psciState")) W32(h, 36, U(o["psciState"]));
        else running |= 1u << 31;
        W32(h, 32, running);
        if (o.ContainsKey("vendorSpecificInfo")) v |= 8;
        W32(h, 0, v);
        ms.Write(h);
        foreach (var e in errors) ms.Write(ErrorInfoFrom(e as JsonObject ?? []));
        foreach (var c in contexts) ms.Write(ContextFrom(c as JsonObject ?? []));
        if (o["vendorSpecificInfo"] is JsonObject vs) ms.Write(FromB64(vs["data"]));
        return ms.ToArray();
    }

    private static byte[] ErrorInfoFrom(JsonObject e)
    {
        var b = new byte[ErrorInfoSize];
        W8(b, 0, U(e["version"]));
        W8(b, 1, U(e["length"]));
        ulong type = PairValue(e["errorType"]);
        W8(b, 4, type);
        ushort v = 0;
        if (e["multipleError"] is JsonObject m) { W16(b, 5, U(m["value"])); v |= 1; }
        if (e["flags"] is JsonNode f) { W8(b, 7, FromBits(f, Flags)); v |= 2; }
        if (e["errorInformation"] is JsonObject info)
        {
            ulong c = 0;
            var inner = info["cacheError"] ?? info["tlbError"] ?? info["busError"];
            if (inner is JsonObject i)
            {
                void F(int bit, string name, Func<JsonNode?, ulong> value) { if (i.ContainsKey(name)) { c |= value(i[name]); c |= 1UL << bit; } }
                F(0, "transactionType", n => (PairValue(n) & 3) << 16);
                F(1, "operation", n => (PairValue(n) & 0xF) << 18);
                F(2, "level", n => (U(n) & 7) << 22);
                F(3, "processorContextCorrupt", n => Bool(n) ? 1UL << 25 : 0);
                F(4, "corrected", n => Bool(n) ? 1UL << 26 : 0);
                F(5, "precisePC", n => Bool(n) ? 1UL << 27 : 0);
                F(6, "restartablePC", n => Bool(n) ? 1UL << 28 : 0);
                if (info.ContainsKey("busError"))
                {
                    F(7, "participationType", n => (PairValue(n) & 3) << 29);
                    F(8, "timedOut", n => Bool(n) ? 1UL << 31 : 0);
                    F(9, "addressSpace", n => (PairValue(n) & 3) << 32);
                    F(10, "memoryAttributes", n => (U(n) & 0x1FF) << 34);
                    if (i.ContainsKey("accessMode")) c |= (PairValue(i["accessMode"]) & 1) << 43;
                }
            }
            W64(b, 8, c);
            v |= 4;
        }
        if (e.ContainsKey("virtualFaultAddress")) { W64(b, 16, U(e["virtualFaultAddress"])); v |= 8; }
        if (e.ContainsKey("physicalFaultAddress")) { W64(b, 24, U(e["physicalFaultAddress"])); v |= 16; }
        W16(b, 2, v);
        return b;
    }

    private static byte[] ContextFrom(JsonObject c)
    {
        int type = (int)PairValue(c["registerContextType"]);
        uint size = (uint)U(c["registerArraySize"]);
        byte[] array;
        var r = c["registerArray"] as JsonObject;
        if (type < RegisterNames.Length)
        {
            var names = RegisterNames[type];
            int es = EntrySize(type);
            array = new byte[Math.Max(size, (uint)(names.Length * es))];
            for (int i = 0; i < names.Length; i++)
                if (es == 4) W32(array, i * 4, U(r?[names[i]])); else W64(array, i * 8, U(r?[names[i]]));
        }
        else if (type == 8)
        {
            array = new byte[Math.Max(size, 16u)];
            var m = r?["mrsEncoding"];
            ulong enc = (U(m?["op2"]) & 7) | ((U(m?["crm"]) & 0xF) << 3) | ((U(m?["crn"]) & 0xF) << 7) | ((U(m?["op1"]) & 7) << 11) | ((U(m?["o0"]) & 1) << 14);
            W16(array, 0, enc);
            W64(array, 8, U(r?["value"]));
        }
        else array = FromB64(r?["data"]);
        var b = new byte[ContextHeaderSize + array.Length];
        W16(b, 0, U(c["version"]));
        W16(b, 2, (ulong)type);
        W32(b, 4, size);
        array.CopyTo(b, ContextHeaderSize);
        return b;
    }
}
