using System.Buffers.Binary;
using System.Text.Json.Nodes;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// IA32/X64 processor error section as libcper renders it (<c>sections/cper-section-ia32x64.c</c>; UEFI 2.10 N.2.4.2).
/// libcper reads the CPUID information as four 64-bit values and names TLB/bus operation 7 "Eviction" (UEFI defines
/// operations 0-6 for TLB and bus checks): both only in this rendering, see docs/libcper-compat.md. Built on
/// <see cref="Ia32X64ProcessorSection"/>: check-information bit fields come from the model's
/// <see cref="Ia32X64ProcessorSection.CheckInfoField"/> layouts and registers from its register layouts.
/// </summary>
internal sealed class LcIa32X64 : LibCperSection<Ia32X64ProcessorSection>
{
    public override Guid SectionType => CperGuids.ProcessorIa32X64;
    public override string ReadableName => "IA32/X64";
    public override string ShortName => "Ia32x64Processor";
    private const int Ia32StateSize = 92, X64StateSize = 244;

    private static readonly Guid[] CheckGuids = [CperGuids.CheckCache, CperGuids.CheckTlb, CperGuids.CheckBus, CperGuids.CheckMicroArchitecture];
    private static readonly string[] CheckNames = ["Cache Check Error", "TLB Check Error", "Bus Check Error", "MS Check Error"];
    private static readonly string[] Transactions = ["Instruction", "Data Access", "Generic"];
    private static readonly string[] Operations = ["Generic Error", "Generic Read", "Generic Write", "Data Read", "Data Write", "Instruction Fetch", "Prefetch", "Eviction", "Snoop"];
    private static readonly string[] Participation = ["Local processor originated request", "Local processor responded to request", "Local processor observed", "Generic"];
    private static readonly string[] AddressSpaces = ["Memory Access", "Reserved", "I/O", "Other Transaction"];
    private static readonly string[] MsErrorTypes = ["No Error", "Unclassified", "Microcode ROM Parity Error", "External Error"];
    private static readonly string[] ContextTypes =
        ["Unclassified Data", "MSR Registers", "32-bit Mode Execution Context", "64-bit Mode Execution Context", "FXSave Context", "32-bit Mode Debug Registers", "64-bit Mode Debug Registers", "Memory Mapper Registers"];
    private static readonly string[] Ia32Regs = ["eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp"];
    private static readonly string[] X64Regs = ["rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];
    private static readonly string[] Segs = ["cs", "ds", "ss", "es", "fs", "gs"];

    protected override Ia32X64ProcessorSection Decode(ReadOnlySpan<byte> body) => Ia32X64ProcessorSection.Decode(body);

    protected override JsonObject? ToIr(Ia32X64ProcessorSection m, out string? message)
    {
        message = "An IA32/x64 Processor Error occurred";
        ulong v = m.ValidationBits;
        var o = new JsonObject { ["processorErrorInfoNum"] = (ulong)m.ErrorInfo.Count, ["processorContextInfoNum"] = (ulong)m.ContextInfo.Count };
        if (Bit(v, 0)) o["localAPICID"] = m.LocalApicId;
        if (Bit(v, 1))
        {
            // libcper reads the 48-byte CPUID information as four 64-bit values (ApeiKit: four 32-bit registers, see libcper-compat.md).
            var c = m.CpuIdInfo;
            o["cpuidInfo"] = new JsonObject
            {
                ["eax"] = BinaryPrimitives.ReadUInt64LittleEndian(c), ["ebx"] = BinaryPrimitives.ReadUInt64LittleEndian(c.AsSpan(8)),
                ["ecx"] = BinaryPrimitives.ReadUInt64LittleEndian(c.AsSpan(16)), ["edx"] = BinaryPrimitives.ReadUInt64LittleEndian(c.AsSpan(24)),
            };
        }
        var infos = new JsonArray();
        foreach (var e in m.ErrorInfo) infos.Add((JsonNode?)ErrorInfo(e));
        o["processorErrorInfo"] = infos;
        var ctxs = new JsonArray();
        foreach (var c in m.ContextInfo) ctxs.Add((JsonNode?)Context(c));
        o["processorContextInfo"] = ctxs;
        return o;
    }

    private static JsonObject ErrorInfo(Ia32X64ErrorInfo e)
    {
        var g = e.ErrorType;
        int index = Array.IndexOf(CheckGuids, g);
        var o = new JsonObject { ["type"] = new JsonObject { ["guid"] = GuidText(g), ["name"] = index >= 0 ? CheckNames[index] : "Unknown" } };
        ulong v = e.ValidationBits;
        if (Bit(v, 0) && index >= 0) o["checkInfo"] = CheckInfo(Ia32X64ProcessorSection.CheckInfoField(g), e.CheckInfo, index);
        if (Bit(v, 1)) o["targetAddressID"] = e.TargetId;
        if (Bit(v, 2)) o["requestorID"] = e.RequestorId;
        if (Bit(v, 3)) o["responderID"] = e.ResponderId;
        if (Bit(v, 4)) o["instructionPointer"] = e.InstructionPointer;
        return o;
    }

    private enum Shown { Pair, Bool, Number }

    /// <summary>libcper's check-information members, in its order, beside the model's bit-field names (cache/TLB, bus, micro-architecture).</summary>
    private static readonly (string Libcper, string Layout, Shown Kind, string[]? Names, string Fallback)[] CacheTlbMembers =
    [
        ("transactionType", "transactionType", Shown.Pair, Transactions, "Unknown (Reserved)"), ("operation", "operation", Shown.Pair, Operations, "Unknown (Reserved)"),
        ("level", "level", Shown.Number, null, ""), ("processorContextCorrupt", "processorContextCorrupt", Shown.Bool, null, ""),
        ("uncorrected", "uncorrected", Shown.Bool, null, ""), ("preciseIP", "preciseIp", Shown.Bool, null, ""),
        ("restartableIP", "restartableIp", Shown.Bool, null, ""), ("overflow", "overflow", Shown.Bool, null, ""),
    ];
    private static readonly (string Libcper, string Layout, Shown Kind, string[]? Names, string Fallback)[] BusMembers =
    [
        .. CacheTlbMembers,
        ("timedOut", "timeOut", Shown.Bool, null, ""), ("participationType", "participationType", Shown.Pair, Participation, "Unknown"),
        ("addressSpace", "addressSpace", Shown.Pair, AddressSpaces, "Unknown"),
    ];
    private static readonly (string Libcper, string Layout, Shown Kind, string[]? Names, string Fallback)[] MsMembers =
    [
        ("errorType", "errorType", Shown.Pair, MsErrorTypes, "Unknown (Processor Specific)"), ("processorContextCorrupt", "processorContextCorrupt", Shown.Bool, null, ""),
        ("uncorrected", "uncorrected", Shown.Bool, null, ""), ("preciseIP", "preciseIp", Shown.Bool, null, ""),
        ("restartableIP", "restartableIp", Shown.Bool, null, ""), ("overflow", "overflow", Shown.Bool, null, ""),
    ];

    private static (string Libcper, string Layout, Shown Kind, string[]? Names, string Fallback)[] Members(int index) => index switch { 0 or 1 => CacheTlbMembers, 2 => BusMembers, _ => MsMembers };

    /// <summary>Check information: each bit field of the model's layout shown when its validation bit (bits 0-15 of the value) is set.
    /// libcper's operation names run to 8 for TLB and bus checks too (its names, same bits).</summary>
    private static JsonObject CheckInfo(FieldDef layout, ulong c, int index)
    {
        var o = new JsonObject();
        foreach (var (name, field, kind, names, fallback) in Members(index))
        {
            var b = layout.BitFields!.First(x => x.Json == field);
            if (!Bit(c, b.ValidBit)) continue;
            ulong value = b.Extract(c);
            o[name] = kind switch { Shown.Pair => Pair(value, names!, fallback), Shown.Bool => value != 0, _ => (JsonNode)value };
        }
        return o;
    }

    private static ulong CheckInfoFrom(FieldDef layout, JsonObject ci, int index)
    {
        ulong c = 0;
        foreach (var (name, field, kind, _, _) in Members(index))
        {
            if (!ci.ContainsKey(name)) continue;
            var b = layout.BitFields!.First(x => x.Json == field);
            ulong value = kind switch { Shown.Pair => PairValue(ci[name]), Shown.Bool => Bool(ci[name]) ? 1UL : 0, _ => U(ci[name]) };
            c |= (value << b.Bit) & b.Mask;
            c |= 1UL << b.ValidBit;
        }
        return c;
    }

    // libcper's member names beside the model's register names (x64: "eip" is RIP; GDTR and IDTR are shown as two 64-bit halves).
    private static readonly string[] Ia32Members = [.. Ia32Regs, .. Segs, "eflags", "eip", "cr0", "cr1", "cr2", "cr3", "cr4", "gdtr", "idtr", "ldtr", "tr"];
    private static readonly string[] X64Members = [.. X64Regs, .. Segs, "rflags", "eip", "cr0", "cr1", "cr2", "cr3", "cr4", "cr8", "gdtr_0", "gdtr_1", "idtr_0", "idtr_1", "ldtr", "tr"];

    private static (FieldDef Field, int Half) X64Register(StructDef layout, string member) => member switch
    {
        "eip" => (layout.Find("rip")!, -1),
        "gdtr_0" => (layout.Find("gdtr")!, 0),
        "gdtr_1" => (layout.Find("gdtr")!, 1),
        "idtr_0" => (layout.Find("idtr")!, 0),
        "idtr_1" => (layout.Find("idtr")!, 1),
        _ => (layout.Find(member)!, -1),
    };

    private static JsonObject Context(Ia32X64ContextInfo c)
    {
        ushort type = c.RegisterContextType;
        var o = new JsonObject
        {
            ["registerContextType"] = Pair(type, ContextTypes),
            ["registerArraySize"] = (ulong)c.RegisterArray.Length,
            ["msrAddress"] = (ulong)c.MsrAddress,
            ["mmRegisterAddress"] = c.MmRegisterAddress,
        };
        // libcper reads the 32-bit (92 bytes) and 64-bit (244 bytes, with CR8) execution contexts by their fixed size.
        var layout = Ia32X64ProcessorSection.RegisterLayout(type);
        if (type == 2 && c.RegisterArray.Length >= Ia32StateSize)
        {
            var r = c.RegisterArray.AsSpan(0, Ia32StateSize);
            var a = new JsonObject();
            foreach (var name in Ia32Members) a[name] = layout!.Find(name)!.ReadValue(r);
            o["registerArray"] = a;
        }
        else if (type == 3 && c.RegisterArray.Length >= X64StateSize)
        {
            var r = c.RegisterArray.AsSpan(0, X64StateSize);
            var a = new JsonObject();
            foreach (var name in X64Members)
            {
                var (f, half) = X64Register(layout!, name);
                a[name] = half < 0 ? f.ReadValue(r) : BinaryPrimitives.ReadUInt64LittleEndian(r.Slice(f.Offset + half * 8, 8));
            }
            o["registerArray"] = a;
        }
        else if (type is not 2 and not 3) o["registerArray"] = new JsonObject { ["data"] = B64(c.RegisterArray) };
        return o;
    }

    public override Ia32X64ProcessorSection FromIrModel(JsonObject o)
    {
        var m = new Ia32X64ProcessorSection();
        ulong v = 0;
        if (o.ContainsKey("localAPICID")) { m.LocalApicId = U(o["localAPICID"]); v |= 1; }
        if (o["cpuidInfo"] is JsonObject c)
        {
            var cpuid = new byte[48];
            string[] regs = ["eax", "ebx", "ecx", "edx"];
            for (int i = 0; i < regs.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(cpuid.AsSpan(i * 8), U(c[regs[i]]));
            m.CpuIdInfo = cpuid;
            v |= 2;
        }
        foreach (var e in o["processorErrorInfo"] as JsonArray ?? []) m.ErrorInfo.Add(ErrorInfoFrom(e as JsonObject ?? []));
        foreach (var x in o["processorContextInfo"] as JsonArray ?? []) m.ContextInfo.Add(ContextFrom(x as JsonObject ?? []));
        m.ValidationBits = v; // the counts are written from the lists
        return m;
    }

    private static Ia32X64ErrorInfo ErrorInfoFrom(JsonObject e)
    {
        var g = GuidFrom(Lc.M(e["type"], "guid"));
        int index = Array.IndexOf(CheckGuids, g);
        var info = new Ia32X64ErrorInfo(g, 0);
        ulong v = 0;
        if (e["checkInfo"] is JsonObject ci)
        {
            info.CheckInfo = index >= 0 ? CheckInfoFrom(Ia32X64ProcessorSection.CheckInfoField(g), ci, index) : 0;
            v |= 1;
        }
        if (e.ContainsKey("targetAddressID")) { info.TargetId = U(e["targetAddressID"]); v |= 2; }
        if (e.ContainsKey("requestorID")) { info.RequestorId = U(e["requestorID"]); v |= 4; }
        if (e.ContainsKey("responderID")) { info.ResponderId = U(e["responderID"]); v |= 8; }
        if (e.ContainsKey("instructionPointer")) { info.InstructionPointer = U(e["instructionPointer"]); v |= 16; }
        info.ValidationBits = v;
        return info;
    }

    private static Ia32X64ContextInfo ContextFrom(JsonObject x)
    {
        ushort type = (ushort)PairValue(x["registerContextType"], 16);
        var r = x["registerArray"] as JsonObject;
        var layout = Ia32X64ProcessorSection.RegisterLayout(type);
        byte[] array;
        if (type == 2)
        {
            array = new byte[Ia32StateSize];
            foreach (var name in Ia32Members) layout!.Find(name)!.WriteValue(array, U(Lc.M(r, name)));
        }
        else if (type == 3)
        {
            array = new byte[X64StateSize];
            foreach (var name in X64Members)
            {
                var (f, half) = X64Register(layout!, name);
                if (half < 0) f.WriteValue(array, U(Lc.M(r, name)));
                else BinaryPrimitives.WriteUInt64LittleEndian(array.AsSpan(f.Offset + half * 8, 8), U(Lc.M(r, name)));
            }
        }
        else array = FromB64(Lc.M(r, "data"));
        return new Ia32X64ContextInfo(type, array) { MsrAddress = (uint)U(x["msrAddress"], 32), MmRegisterAddress = U(x["mmRegisterAddress"]) };
    }
}
