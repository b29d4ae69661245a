using System.Text.Json.Nodes;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// IA32/X64 processor error section as libcper renders it (<c>sections/cper-section-ia32x64.c</c>; UEFI 2.10 N.2.4.2).
/// libcper reads the CPUID information as four 64-bit values and names TLB/bus operation 7 "Eviction" (UEFI defines
/// operations 0-6 for TLB and bus checks): both only in this rendering, see docs/libcper-compat.md.
/// </summary>
internal sealed class LcIa32X64 : LibCperSection
{
    public override Guid SectionType => CperGuids.ProcessorIa32X64;
    public override string ReadableName => "IA32/X64";
    public override string ShortName => "Ia32x64Processor";
    private const int HeaderSize = 64, ErrorInfoSize = 64, ContextHeaderSize = 16, Ia32StateSize = 92, X64StateSize = 244;

    private static readonly Guid[] CheckGuids = [CperGuids.CheckCache, CperGuids.CheckTlb, CperGuids.CheckBus, CperGuids.CheckMicroArchitecture];
    private static readonly string[] CheckNames = ["Cache Check Error", "TLB Check Error", "Bus Check Error", "MS Check Error"];
    private static readonly string[] Transactions = ["Instruction", "Data Access", "Generic"];
    private static readonly string[] Operations = ["Generic Error", "Generic Read", "Generic Write", "Data Read", "Data Write", "Instruction Fetch", "Prefetch", "Eviction", "Snoop"];
    private static readonly string[] Participation = ["Local processor originated request", "Local processor responded to request", "Local processor observed", "Generic"];
    private static readonly string[] AddressSpaces = ["Memory Access", "Reserved", "I/O", "Other Transaction"];
    private static readonly string[] MsErrorTypes = ["No Error", "Unclassified", "Microcode ROM Parity Error", "External Error"];
    private static readonly string[] ContextTypes =
        ["Unclassified Data", "MSR Registers", "32-bit Mode Execution Context", "64-bit Mode Execution Context", "FXSave Context", "32-bit Mode Debug Registers (DR0-DR7)", "64-bit Mode Debug Registers (DR0-DR7)", "Memory Mapped Registers"];
    private static readonly string[] Ia32Regs = ["eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp"];
    private static readonly string[] X64Regs = ["rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];
    private static readonly string[] Segs = ["cs", "ds", "ss", "es", "fs", "gs"];

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = null;
        if (b.Length < HeaderSize) return null;
        message = "An IA32/x64 Processor Error occurred";
        ulong v = U64(b, 0);
        int errors = (int)((v >> 2) & 0x3F), contexts = (int)((v >> 8) & 0x3F);
        var o = new JsonObject { ["processorErrorInfoNum"] = (ulong)errors, ["processorContextInfoNum"] = (ulong)contexts };
        if (Bit(v, 0)) o["localAPICID"] = U64(b, 8);
        if (Bit(v, 1)) o["cpuidInfo"] = new JsonObject { ["eax"] = U64(b, 16), ["ebx"] = U64(b, 24), ["ecx"] = U64(b, 32), ["edx"] = U64(b, 40) };
        int remaining = b.Length - HeaderSize;
        if (remaining < errors * ErrorInfoSize) { message = null; return null; }
        var infos = new JsonArray();
        int pos = HeaderSize;
        for (int i = 0; i < errors; i++, pos += ErrorInfoSize) infos.Add(ErrorInfo(b.Slice(pos, ErrorInfoSize)));
        o["processorErrorInfo"] = infos;
        remaining -= errors * ErrorInfoSize;
        if (remaining < contexts * ContextHeaderSize) { message = null; return null; }
        var ctxs = new JsonArray();
        for (int i = 0; i < contexts; i++) ctxs.Add(Context(b, ref pos, ref remaining));
        o["processorContextInfo"] = ctxs;
        return o;
    }

    private static JsonObject ErrorInfo(ReadOnlySpan<byte> e)
    {
        var g = Guid(e, 0);
        int index = Array.IndexOf(CheckGuids, g);
        var o = new JsonObject { ["type"] = new JsonObject { ["guid"] = GuidText(g), ["name"] = index >= 0 ? CheckNames[index] : "Unknown" } };
        ulong v = U64(e, 16), c = U64(e, 24);
        if (Bit(v, 0) && index >= 0) o["checkInfo"] = index switch { 0 or 1 => CacheTlb(c, bus: false), 2 => CacheTlb(c, bus: true), _ => Ms(c) };
        if (Bit(v, 1)) o["targetAddressID"] = U64(e, 32);
        if (Bit(v, 2)) o["requestorID"] = U64(e, 40);
        if (Bit(v, 3)) o["responderID"] = U64(e, 48);
        if (Bit(v, 4)) o["instructionPointer"] = U64(e, 56);
        return o;
    }

    // UEFI 2.10 N.2.4.2.2-3: validation bits 0-15, transaction type 16-17, operation 18-21, level 22-24, context corrupt 25,
    // uncorrected 26, precise IP 27, restartable IP 28, overflow 29; bus check adds participation 30-31, time-out 32, address space 33-34.
    private static JsonObject CacheTlb(ulong c, bool bus)
    {
        var o = new JsonObject();
        if (Bit(c, 0)) o["transactionType"] = Pair((c >> 16) & 3, Transactions);
        if (Bit(c, 1)) o["operation"] = Pair((c >> 18) & 0xF, Operations);
        if (Bit(c, 2)) o["level"] = (c >> 22) & 7;
        if (Bit(c, 3)) o["processorContextCorrupt"] = Bit(c, 25);
        if (Bit(c, 4)) o["uncorrected"] = Bit(c, 26);
        if (Bit(c, 5)) o["preciseIP"] = Bit(c, 27);
        if (Bit(c, 6)) o["restartableIP"] = Bit(c, 28);
        if (Bit(c, 7)) o["overflow"] = Bit(c, 29);
        if (bus)
        {
            if (Bit(c, 9)) o["timedOut"] = Bit(c, 32);
            if (Bit(c, 8)) o["participationType"] = Pair((c >> 30) & 3, Participation, "Unknown");
            if (Bit(c, 10)) o["addressSpace"] = Pair((c >> 33) & 3, AddressSpaces, "Unknown");
        }
        return o;
    }

    // N.2.4.2.4: validation 0-15, error type 16-18, context corrupt 19, uncorrected 20, precise IP 21, restartable IP 22, overflow 23.
    private static JsonObject Ms(ulong c)
    {
        var o = new JsonObject();
        if (Bit(c, 0)) o["errorType"] = Pair((c >> 16) & 7, MsErrorTypes, "Unknown (Processor Specific)");
        if (Bit(c, 1)) o["processorContextCorrupt"] = Bit(c, 19);
        if (Bit(c, 2)) o["uncorrected"] = Bit(c, 20);
        if (Bit(c, 3)) o["preciseIP"] = Bit(c, 21);
        if (Bit(c, 4)) o["restartableIP"] = Bit(c, 22);
        if (Bit(c, 5)) o["overflow"] = Bit(c, 23);
        return o;
    }

    private static JsonObject? Context(ReadOnlySpan<byte> b, ref int pos, ref int remaining)
    {
        if (remaining < ContextHeaderSize) return null;
        remaining -= ContextHeaderSize;
        var h = b.Slice(pos, ContextHeaderSize);
        ushort type = U16(h, 0), size = U16(h, 2);
        var o = new JsonObject
        {
            ["registerContextType"] = Pair(type, ContextTypes),
            ["registerArraySize"] = (ulong)size,
            ["msrAddress"] = (ulong)U32(h, 4),
            ["mmRegisterAddress"] = U64(h, 8),
        };
        int body = pos + ContextHeaderSize;
        if (type == 2)
        {
            if (remaining < Ia32StateSize) return o;
            o["registerArray"] = Ia32(b.Slice(body, Ia32StateSize));
            pos = body + Ia32StateSize;
            remaining -= Ia32StateSize;
        }
        else if (type == 3)
        {
            if (remaining < X64StateSize) return o;
            o["registerArray"] = X64(b.Slice(body, X64StateSize));
            pos = body + X64StateSize;
            remaining -= X64StateSize;
        }
        else
        {
            pos = body;
            if (remaining < size) return o;
            o["registerArray"] = new JsonObject { ["data"] = B64(b.Slice(body, size)) };
            pos = body + size;
            remaining -= size;
        }
        return o;
    }

    private static JsonObject Ia32(ReadOnlySpan<byte> r)
    {
        var o = new JsonObject();
        for (int i = 0; i < Ia32Regs.Length; i++) o[Ia32Regs[i]] = (ulong)U32(r, i * 4);
        for (int i = 0; i < Segs.Length; i++) o[Segs[i]] = (ulong)U16(r, 32 + i * 2);
        o["eflags"] = (ulong)U32(r, 44);
        o["eip"] = (ulong)U32(r, 48);
        string[] crs = ["cr0", "cr1", "cr2", "cr3", "cr4"];
        for (int i = 0; i < crs.Length; i++) o[crs[i]] = (ulong)U32(r, 52 + i * 4);
        o["gdtr"] = U32(r, 72) + ((ulong)U32(r, 76) << 32);
        o["idtr"] = U32(r, 80) + ((ulong)U32(r, 84) << 32);
        o["ldtr"] = (ulong)U16(r, 88);
        o["tr"] = (ulong)U16(r, 90);
        return o;
    }

    private static JsonObject X64(ReadOnlySpan<byte> r)
    {
        var o = new JsonObject();
        for (int i = 0; i < X64Regs.Length; i++) o[X64Regs[i]] = U64(r, i * 8);
        for (int i = 0; i < Segs.Length; i++) o[Segs[i]] = (ulong)U16(r, 128 + i * 2);
        o["rflags"] = U64(r, 144);
        o["eip"] = U64(r, 152);
        string[] crs = ["cr0", "cr1", "cr2", "cr3", "cr4", "cr8"];
        for (int i = 0; i < crs.Length; i++) o[crs[i]] = U64(r, 160 + i * 8);
        o["gdtr_0"] = U64(r, 208);
        o["gdtr_1"] = U64(r, 216);
        o["idtr_0"] = U64(r, 224);
        o["idtr_1"] = U64(r, 232);
        o["ldtr"] = (ulong)U16(r, 240);
        o["tr"] = (ulong)U16(r, 242);
        return o;
    }

    public override byte[] FromIr(JsonObject o)
    {
        var errors = o["processorErrorInfo"] as JsonArray ?? [];
        var contexts = o["processorContextInfo"] as JsonArray ?? [];
        using var ms = new MemoryStream();
        var h = new byte[HeaderSize];
        ulong v = ((U(o["processorErrorInfoNum"]) & 0x3F) << 2) | ((U(o["processorContextInfoNum"]) & 0x3F) << 8);
        if (o.ContainsKey("localAPICID")) { W64(h, 8, U(o["localAPICID"])); v |= 1; }
        if (o["cpuidInfo"] is JsonObject c) { W64(h, 16, U(c["eax"])); W64(h, 24, U(c["ebx"])); W64(h, 32, U(c["ecx"])); W64(h, 40, U(c["edx"])); v |= 2; }
        W64(h, 0, v);
        ms.Write(h);
        foreach (var e in errors) ms.Write(ErrorInfoFrom(e as JsonObject ?? []));
        foreach (var x in contexts) ms.Write(ContextFrom(x as JsonObject ?? []));
        return ms.ToArray();
    }

    private static byte[] ErrorInfoFrom(JsonObject e)
    {
        var b = new byte[ErrorInfoSize];
        var g = GuidFrom(e["type"]?["guid"]);
        WGuid(b, 0, g);
        int index = Array.IndexOf(CheckGuids, g);
        ulong v = 0;
        if (e["checkInfo"] is JsonObject ci)
        {
            ulong c = 0;
            void F(int bit, string name, Func<JsonNode?, ulong> value) { if (ci.ContainsKey(name)) { c |= value(ci[name]); c |= 1UL << bit; } }
            if (index == 3)
            {
                F(0, "errorType", n => (PairValue(n) & 7) << 16);
                F(1, "processorContextCorrupt", n => Bool(n) ? 1UL << 19 : 0);
                F(2, "uncorrected", n => Bool(n) ? 1UL << 20 : 0);
                F(3, "preciseIP", n => Bool(n) ? 1UL << 21 : 0);
                F(4, "restartableIP", n => Bool(n) ? 1UL << 22 : 0);
                F(5, "overflow", n => Bool(n) ? 1UL << 23 : 0);
            }
            else if (index >= 0)
            {
                F(0, "transactionType", n => (PairValue(n) & 3) << 16);
                F(1, "operation", n => (PairValue(n) & 0xF) << 18);
                F(2, "level", n => (U(n) & 7) << 22);
                F(3, "processorContextCorrupt", n => Bool(n) ? 1UL << 25 : 0);
                F(4, "uncorrected", n => Bool(n) ? 1UL << 26 : 0);
                F(5, "preciseIP", n => Bool(n) ? 1UL << 27 : 0);
                F(6, "restartableIP", n => Bool(n) ? 1UL << 28 : 0);
                F(7, "overflow", n => Bool(n) ? 1UL << 29 : 0);
                if (index == 2)
                {
                    F(8, "participationType", n => (PairValue(n) & 3) << 30);
                    F(9, "timedOut", n => Bool(n) ? 1UL << 32 : 0);
                    F(10, "addressSpace", n => (PairValue(n) & 3) << 33);
                }
            }
            W64(b, 24, c);
            v |= 1;
        }
        if (e.ContainsKey("targetAddressID")) { W64(b, 32, U(e["targetAddressID"])); v |= 2; }
        if (e.ContainsKey("requestorID")) { W64(b, 40, U(e["requestorID"])); v |= 4; }
        if (e.ContainsKey("responderID")) { W64(b, 48, U(e["responderID"])); v |= 8; }
        if (e.ContainsKey("instructionPointer")) { W64(b, 56, U(e["instructionPointer"])); v |= 16; }
        W64(b, 16, v);
        return b;
    }

    private static byte[] ContextFrom(JsonObject x)
    {
        ushort type = (ushort)PairValue(x["registerContextType"]);
        byte[] array;
        var r = x["registerArray"] as JsonObject;
        if (type == 2)
        {
            array = new byte[Ia32StateSize];
            for (int i = 0; i < Ia32Regs.Length; i++) W32(array, i * 4, U(r?[Ia32Regs[i]]));
            for (int i = 0; i < Segs.Length; i++) W16(array, 32 + i * 2, U(r?[Segs[i]]));
            W32(array, 44, U(r?["eflags"])); W32(array, 48, U(r?["eip"]));
            string[] crs = ["cr0", "cr1", "cr2", "cr3", "cr4"];
            for (int i = 0; i < crs.Length; i++) W32(array, 52 + i * 4, U(r?[crs[i]]));
            ulong gdtr = U(r?["gdtr"]), idtr = U(r?["idtr"]);
            W32(array, 72, gdtr); W32(array, 76, gdtr >> 32); W32(array, 80, idtr); W32(array, 84, idtr >> 32);
            W16(array, 88, U(r?["ldtr"])); W16(array, 90, U(r?["tr"]));
        }
        else if (type == 3)
        {
            array = new byte[X64StateSize];
            for (int i = 0; i < X64Regs.Length; i++) W64(array, i * 8, U(r?[X64Regs[i]]));
            for (int i = 0; i < Segs.Length; i++) W16(array, 128 + i * 2, U(r?[Segs[i]]));
            W64(array, 144, U(r?["rflags"])); W64(array, 152, U(r?["eip"]));
            string[] crs = ["cr0", "cr1", "cr2", "cr3", "cr4", "cr8"];
            for (int i = 0; i < crs.Length; i++) W64(array, 160 + i * 8, U(r?[crs[i]]));
            W64(array, 208, U(r?["gdtr_0"])); W64(array, 216, U(r?["gdtr_1"])); W64(array, 224, U(r?["idtr_0"])); W64(array, 232, U(r?["idtr_1"]));
            W16(array, 240, U(r?["ldtr"])); W16(array, 242, U(r?["tr"]));
        }
        else array = FromB64(r?["data"]);
        var b = new byte[ContextHeaderSize + array.Length];
        W16(b, 0, type);
        W16(b, 2, U(x["registerArraySize"]));
        W32(b, 4, U(x["msrAddress"]));
        W64(b, 8, U(x["mmRegisterAddress"]));
        array.CopyTo(b, ContextHeaderSize);
        return b;
    }
}
