using System.Text.Json.Nodes;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// ARM processor error section as libcper renders it (<c>sections/cper-section-arm.c</c>; UEFI 2.10 N.2.4.4). libcper
/// reads the error-information Type as 1 cache, 2 TLB, 4 bus, 8 micro-architectural (UEFI 2.9A+ uses bit flags
/// 2/4/8/16) and packs context register arrays without padding; both only in this rendering (docs/libcper-compat.md).
/// Built on <see cref="ArmProcessorSection"/>: the Type byte is read with <see cref="ArmErrorInfo.KindUnder"/> in
/// libcper's encoding, error-information bit fields come from <see cref="ArmProcessorSection.ErrorInformationField"/>,
/// registers from the model's register layouts (in their order, which is libcper's).
/// </summary>
internal sealed class LcArm : LibCperSection<ArmProcessorSection>
{
    public override Guid SectionType => CperGuids.ProcessorArm;
    public override string ReadableName => "ARM";
    public override string ShortName => "ArmProcessor";

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

    protected override ArmProcessorSection Decode(ReadOnlySpan<byte> body) => ArmProcessorSection.Decode(body);

    protected override JsonObject? ToIr(ArmProcessorSection m, out string? message)
    {
        message = null;
        uint v = m.ValidationBits;
        int errors = m.ErrorInfo.Count, contexts = m.ContextInfo.Count;
        // libcper walks contexts without padding. Padding after a context that is not the last is read by libcper as the
        // next context's header (zeros: an AArch32 register context of size 0, too short), so it fails on that section.
        // Padding after the last context is the start of what libcper takes for vendor-specific information.
        for (int i = 0; i < contexts - 1; i++)
            if (m.ContextInfo[i].PaddingLength != 0) return null;
        int lastPadding = contexts > 0 ? m.ContextInfo[^1].PaddingLength : 0;
        string msg = "An ARM Processor Error occurred";
        var o = new JsonObject { ["errorInfoNum"] = errors, ["contextInfoNum"] = contexts, ["sectionLength"] = (ulong)m.SectionLength };
        if (Bit(v, 1)) o["errorAffinity"] = new JsonObject { ["value"] = (int)m.ErrorAffinityLevel, ["type"] = m.ErrorAffinityLevel < 4 ? "Vendor Defined" : "Reserved" };
        if (Bit(v, 0))
        {
            ulong mpidr = m.Mpidr;
            o["mpidrEl1"] = mpidr;
            o["affinity3"] = (mpidr & 0xFF00000000) >> 32;
            msg += FormattableString.Invariant($" on CPU {(mpidr & 0xFF00000000) >> 32}");
        }
        o["midrEl1"] = m.Midr;
        uint running = m.RunningState;
        if (Bit(v, 2)) o["running"] = (running & 1) != 0;
        if ((running >> 31) == 0) o["psciState"] = (ulong)m.PsciState;
        msg += "; Error Type(s): {";
        var infos = new JsonArray();
        for (int i = 0; i < errors; i++)
        {
            infos.Add((JsonNode?)ErrorInfo(m.ErrorInfo[i], out string desc));
            msg += desc;
            msg += i == errors - 1 ? "}" : ", ";
        }
        o["errorInfo"] = infos;
        var ctxs = new JsonArray();
        foreach (var c in m.ContextInfo)
        {
            var ctx = Context(c);
            if (ctx is null) return null;
            ctxs.Add((JsonNode?)ctx);
        }
        o["contextInfo"] = ctxs;
        if (Bit(v, 3) && lastPadding + m.VendorSpecificInfo.Length > 0)
        {
            var vendor = new byte[lastPadding + m.VendorSpecificInfo.Length];
            m.VendorSpecificInfo.CopyTo(vendor, lastPadding);
            o["vendorSpecificInfo"] = new JsonObject { ["data"] = B64(vendor) };
        }
        message = msg;
        return o;
    }

    private static JsonObject ErrorInfo(ArmErrorInfo e, out string desc)
    {
        ushort v = e.ValidationBits;
        var kind = e.KindUnder(ArmErrorTypeEncoding.LibCper);
        var o = new JsonObject { ["version"] = (int)e.Version, ["length"] = (int)e.Length, ["errorType"] = Pair(e.Type, Types) };
        if (Bit(v, 0)) o["multipleError"] = new JsonObject { ["value"] = (int)e.MultipleError, ["type"] = e.MultipleError < 1 ? "Single Error" : "Multiple Errors" };
        if (Bit(v, 1)) o["flags"] = Bits(e.Flags, Flags);
        desc = "Unknown Error";
        if (Bit(v, 2))
        {
            var field = ArmProcessorSection.ErrorInformationField(kind);
            ulong info = e.ErrorInformation;
            switch (kind)
            {
                case ArmErrorKind.Cache: o["errorInformation"] = new JsonObject { ["cacheError"] = Members(field, info, CacheTlbMembers(CacheBusOps)) }; desc = "Cache Error"; break;
                case ArmErrorKind.Tlb: o["errorInformation"] = new JsonObject { ["tlbError"] = Members(field, info, CacheTlbMembers(TlbOps)) }; desc = "TLB Error"; break;
                case ArmErrorKind.Bus:
                    var bus = Members(field, info, BusMembers);
                    // libcper gates the access mode on bit 8 (time-out), not bit 11.
                    ulong mode = field.BitFields!.First(b => b.Json == "accessMode").Extract(info);
                    if (Bit(info, 8)) bus["accessMode"] = new JsonObject { ["value"] = (int)mode, ["name"] = mode == 0 ? "Secure" : "Normal" };
                    o["errorInformation"] = new JsonObject { ["busError"] = bus };
                    desc = "Bus Error";
                    break;
            }
        }
        if (Bit(v, 3))
        {
            desc += FormattableString.Invariant($" at Virtual Addr=0x{e.VirtualFaultAddress:X}");
            o["virtualFaultAddress"] = e.VirtualFaultAddress;
        }
        if (Bit(v, 4))
        {
            desc += FormattableString.Invariant($" Physical Addr=0x{e.PhysicalFaultAddress:X}");
            o["physicalFaultAddress"] = e.PhysicalFaultAddress;
        }
        return o;
    }

    private enum Shown { Pair, Bool, Int }

    /// <summary>libcper's error-information members beside the model's bit-field names.</summary>
    private static (string Libcper, string Layout, Shown Kind, IReadOnlyDictionary<ulong, string>? Names, string Fallback)[] CacheTlbMembers(string[] ops) =>
    [
        ("transactionType", "transactionType", Shown.Pair, Names(Transactions), "Unknown (Reserved)"), ("operation", "operation", Shown.Pair, Names(ops), "Unknown (Reserved)"),
        ("level", "level", Shown.Int, null, ""), ("processorContextCorrupt", "processorContextCorrupt", Shown.Bool, null, ""),
        ("corrected", "corrected", Shown.Bool, null, ""), ("precisePC", "precisePc", Shown.Bool, null, ""), ("restartablePC", "restartablePc", Shown.Bool, null, ""),
    ];

    private static readonly (string Libcper, string Layout, Shown Kind, IReadOnlyDictionary<ulong, string>? Names, string Fallback)[] BusMembers =
    [
        .. CacheTlbMembers(CacheBusOps[..7]),
        ("participationType", "participationType", Shown.Pair, Names(Participation), "Unknown"), ("timedOut", "timeOut", Shown.Bool, null, ""),
        ("addressSpace", "addressSpace", Shown.Pair, AddressSpaces, "Unknown"), ("memoryAttributes", "memoryAttributes", Shown.Int, null, ""),
    ];

    private static Dictionary<ulong, string> Names(string[] names)
    {
        var d = new Dictionary<ulong, string>();
        for (int i = 0; i < names.Length; i++) d[(ulong)i] = names[i];
        return d;
    }

    /// <summary>Each bit field of <paramref name="field"/> shown when its validation bit (bits 0-15 of the value) is set.</summary>
    private static JsonObject Members(FieldDef field, ulong info, (string Libcper, string Layout, Shown Kind, IReadOnlyDictionary<ulong, string>? Names, string Fallback)[] members)
    {
        var o = new JsonObject();
        foreach (var (name, layout, kind, names, fallback) in members)
        {
            var b = field.BitFields!.First(x => x.Json == layout);
            if (!Bit(info, b.ValidBit)) continue;
            ulong value = b.Extract(info);
            o[name] = kind switch { Shown.Pair => Pair(value, names!, fallback), Shown.Bool => value != 0, _ => (JsonNode)(int)value };
        }
        return o;
    }

    private static ulong MembersFrom(FieldDef field, JsonObject i, (string Libcper, string Layout, Shown Kind, IReadOnlyDictionary<ulong, string>? Names, string Fallback)[] members)
    {
        ulong c = 0;
        foreach (var (name, layout, kind, _, _) in members)
        {
            if (!i.ContainsKey(name)) continue;
            var b = field.BitFields!.First(x => x.Json == layout);
            ulong value = kind switch { Shown.Pair => PairValue(i[name]), Shown.Bool => Bool(i[name]) ? 1UL : 0, _ => U(i[name]) };
            c |= (value << b.Bit) & b.Mask;
            c |= 1UL << b.ValidBit;
        }
        return c;
    }

    private static JsonObject? Context(ArmContextInfo c)
    {
        int type = c.RegisterContextType;
        uint size = (uint)c.RegisterArray.Length;
        var o = new JsonObject { ["version"] = (int)c.Version, ["registerContextType"] = Pair((ulong)type, ContextTypes), ["registerArraySize"] = (ulong)size };
        var layout = ArmProcessorSection.RegisterLayout((ushort)type);
        if (type < RegisterNames.Length)
        {
            // The model's register layout lists the registers in libcper's order; libcper's member names beside them.
            var names = RegisterNames[type];
            if (size < layout!.Size) return null;
            var r = new JsonObject();
            for (int i = 0; i < names.Length; i++) r[names[i]] = layout.Fields[i].ReadValue(c.RegisterArray);
            o["registerArray"] = r;
        }
        else if (type == 8)
        {
            // libcper's EFI_ARM_MISC_CONTEXT_REGISTER (include/libcper/Cper.h:1694-1701, inside #pragma pack(push, 1) at
            // line 23) is 10 bytes: the MRS encoding bit fields (op2:3, crm:4, crn:4, op1:3, o0:2) in the first 16 bits,
            // then Value:64 from byte 2; sections/cper-section-arm.c:828-841 refuses an array shorter than those 10 bytes.
            // That is the model's layout (UEFI Table N-30) apart from o0, which libcper reads as 2 bits (bits 14-15;
            // UEFI: bit 14, bit 15 reserved).
            if (size < layout!.Size) return null;
            ulong enc = layout.Find("mrsEncoding")!.ReadValue(c.RegisterArray);
            o["registerArray"] = new JsonObject
            {
                ["mrsEncoding"] = new JsonObject { ["op2"] = enc & 7, ["crm"] = (enc >> 3) & 0xF, ["crn"] = (enc >> 7) & 0xF, ["op1"] = (enc >> 11) & 7, ["o0"] = (enc >> 14) & 3 },
                ["value"] = layout.Find("value")!.ReadValue(c.RegisterArray),
            };
        }
        else o["registerArray"] = new JsonObject { ["data"] = B64(c.RegisterArray) };
        return o;
    }

    public override ArmProcessorSection FromIrModel(JsonObject o)
    {
        var m = new ArmProcessorSection();
        uint v = 0;
        if (o.ContainsKey("mpidrEl1")) { m.Mpidr = U(o["mpidrEl1"]); v |= 1; }
        if (o.ContainsKey("errorAffinity")) { m.ErrorAffinityLevel = (byte)PairValue(o["errorAffinity"], 8); v |= 2; }
        m.Midr = U(o["midrEl1"]);
        uint running = 0;
        if (o.ContainsKey("running")) { running = Bool(o["running"]) ? 1u : 0; v |= 4; }
        if (o.ContainsKey("psciState")) m.PsciState = (uint)U(o["psciState"], 32);
        else running |= 1u << 31;
        m.RunningState = running;
        foreach (var e in o["errorInfo"] as JsonArray ?? []) m.ErrorInfo.Add(ErrorInfoFrom(e as JsonObject ?? []));
        foreach (var c in o["contextInfo"] as JsonArray ?? []) m.ContextInfo.Add(ContextFrom(c as JsonObject ?? []));
        if (o["vendorSpecificInfo"] is JsonObject vs) m.VendorSpecificInfo = FromB64(vs["data"]);
        if (o.ContainsKey("vendorSpecificInfo")) v |= 8;
        m.ValidationBits = v;
        return m;
    }

    private static ArmErrorInfo ErrorInfoFrom(JsonObject e)
    {
        var info = new ArmErrorInfo { Version = (byte)U(e["version"], 8), Type = (byte)PairValue(e["errorType"], 8) };
        // Length is always 32 (ApeiKit's model refuses any other, as UEFI allows only 32); libcper's "length" is not read back.
        ushort v = 0;
        if (e["multipleError"] is JsonObject me) { info.MultipleError = (ushort)U(me["value"], 16); v |= 1; }
        if (e["flags"] is JsonNode f) { info.Flags = (byte)FromBits(f, Flags); v |= 2; }
        if (e["errorInformation"] is JsonObject ei)
        {
            var kind = info.KindUnder(ArmErrorTypeEncoding.LibCper);
            var field = ArmProcessorSection.ErrorInformationField(kind);
            ulong c = 0;
            if (ei["cacheError"] is JsonObject ce && kind == ArmErrorKind.Cache) c = MembersFrom(field, ce, CacheTlbMembers(CacheBusOps));
            else if (ei["tlbError"] is JsonObject te && kind == ArmErrorKind.Tlb) c = MembersFrom(field, te, CacheTlbMembers(TlbOps));
            else if (ei["busError"] is JsonObject be && kind == ArmErrorKind.Bus)
            {
                c = MembersFrom(field, be, BusMembers);
                if (be.ContainsKey("accessMode")) c |= (PairValue(be["accessMode"]) & 1) << field.BitFields!.First(b => b.Json == "accessMode").Bit;
            }
            info.ErrorInformation = c;
            v |= 4;
        }
        if (e.ContainsKey("virtualFaultAddress")) { info.VirtualFaultAddress = U(e["virtualFaultAddress"]); v |= 8; }
        if (e.ContainsKey("physicalFaultAddress")) { info.PhysicalFaultAddress = U(e["physicalFaultAddress"]); v |= 16; }
        info.ValidationBits = v;
        return info;
    }

    private static ArmContextInfo ContextFrom(JsonObject c)
    {
        int type = (int)PairValue(c["registerContextType"], 31);
        uint size = (uint)U(c["registerArraySize"], 32);
        byte[] array;
        var r = c["registerArray"] as JsonObject;
        var layout = ArmProcessorSection.RegisterLayout((ushort)type);
        if (type < RegisterNames.Length)
        {
            var names = RegisterNames[type];
            array = new byte[Math.Max(size, (uint)layout!.Size)];
            for (int i = 0; i < names.Length; i++) layout.Fields[i].WriteValue(array, U(Lc.M(r, names[i])));
        }
        else if (type == 8)
        {
            // libcper's ir_arm_misc_registers_to_cper (sections/cper-section-arm.c:1394-1419) writes the 10-byte packed
            // structure: encoding in bytes 0-1 (o0 two bits), value at byte 2. A registerArraySize above 10 keeps its
            // size here (zero-filled) so the section length matches the body.
            array = new byte[Math.Max(size, (uint)layout!.Size)];
            var me = Lc.M(r, "mrsEncoding");
            ulong enc = (U(Lc.M(me, "op2")) & 7) | ((U(Lc.M(me, "crm")) & 0xF) << 3) | ((U(Lc.M(me, "crn")) & 0xF) << 7) | ((U(Lc.M(me, "op1")) & 7) << 11) | ((U(Lc.M(me, "o0")) & 3) << 14);
            layout.Find("mrsEncoding")!.WriteValue(array, enc);
            layout.Find("value")!.WriteValue(array, U(Lc.M(r, "value")));
        }
        else array = FromB64(Lc.M(r, "data"));
        // libcper writes contexts without padding.
        return new ArmContextInfo((ushort)type, array) { Version = (ushort)U(c["version"], 16), Padded = false };
    }
}
