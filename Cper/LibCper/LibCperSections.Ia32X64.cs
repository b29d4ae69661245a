using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// IA32/X64 processor error section as libcper renders it (<c>sections/cper-section-ia32x64.c</c>; UEFI 2.10 N.2.4.2).
/// libcper reads the CPUID information as four 64-bit values and names TLB/bus operation 7 "Eviction" (UEFI defines
/// operations 0-6 for TLB and bus checks): both only in this rendering, see docs/libcper-compat.md.
/// </summary>
/// <remarks>
/// Streamed (issue #15): written straight into the <see cref="LcWriter"/> from the body through
/// <see cref="Ia32X64ProcessorSectionView"/> (header, error-information entries) and <see cref="Ia32X64ContextInfoView"/>
/// (each context header), names encoded once, nothing allocated. Check-information members come from the bit fields of
/// <see cref="Ia32X64ProcessorSection.CheckInfoField"/>, registers from <see cref="Ia32X64ProcessorSection.RegisterLayout"/>.
/// The contexts are walked as libcper walks them (<c>cper_ia32x64_processor_context_info_to_ir</c>), which is UEFI's walk
/// for well-formed bodies; where they part (docs/libcper-compat.md "IA32/X64 context walk") libcper's output is kept.
/// Reading back goes through the model (<see cref="FromIrBody"/>).
/// </remarks>
internal sealed class LcIa32X64 : LibCperSection
{
    public override Guid SectionType => CperGuids.ProcessorIa32X64;
    public override string ReadableName => "IA32/X64";
    public override string ShortName => "Ia32x64Processor";

    // libcper reads the 32-bit (EFI_CONTEXT_IA32_REGISTER_STATE, 92 bytes) and 64-bit (EFI_CONTEXT_X64_REGISTER_STATE,
    // 244 bytes, with CR8) execution contexts by their fixed size: the model's register layouts.
    private static readonly int Ia32StateSize = Ia32X64ProcessorSection.RegisterLayout(2)!.Size, X64StateSize = Ia32X64ProcessorSection.RegisterLayout(3)!.Size;

    private static readonly Guid[] CheckGuids = [CperGuids.CheckCache, CperGuids.CheckTlb, CperGuids.CheckBus, CperGuids.CheckMicroArchitecture];
    private static readonly string[] CheckNames = ["Cache Check Error", "TLB Check Error", "Bus Check Error", "MS Check Error"];
    // libcper's tables (include/libcper/sections/cper-section-ia32x64.h, IA32X64_*_VALUES).
    private static readonly LcNames Transactions = LcNames.Libcper(["Instruction", "Data Access", "Generic"]);
    private static readonly LcNames Operations = LcNames.Libcper(["Generic Error", "Generic Read", "Generic Write", "Data Read", "Data Write", "Instruction Fetch", "Prefetch", "Eviction", "Snoop"]);
    private static readonly LcNames Participation = LcNames.Libcper(["Local processor originated request", "Local processor responded to request", "Local processor observed", "Generic"], "Unknown");
    private static readonly LcNames AddressSpaces = LcNames.Libcper(["Memory Access", "Reserved", "I/O", "Other Transaction"], "Unknown");
    private static readonly LcNames MsErrorTypes = LcNames.Libcper(["No Error", "Unclassified", "Microcode ROM Parity Error", "External Error", "FRC Error", "Internal Unclassified"], "Unknown (Processor Specific)");
    private static readonly LcNames ContextTypes = LcNames.Libcper(
        ["Unclassified Data", "MSR Registers", "32-bit Mode Execution Context", "64-bit Mode Execution Context", "FXSave Context", "32-bit Mode Debug Registers", "64-bit Mode Debug Registers", "Memory Mapper Registers"]);

    private enum Shown { Pair, Bool, Number }

    /// <summary>One libcper check-information member over a bit field of the model's layout (gated by its own bit 0-15), name encoded once.</summary>
    private sealed record Member(string Name, BitFieldDef Bit, Shown Kind, LcNames? Names)
    {
        public JsonEncodedText Encoded { get; } = JsonEncodedText.Encode(Name);
    }

    /// <summary>libcper's members, in its order (<c>cper_ia32x64_*_check_to_ir</c>), beside the model's bit-field names.</summary>
    private static Member[] Members(Guid check, params (string Libcper, string Layout, Shown Kind, LcNames? Names)[] members)
    {
        var bits = Ia32X64ProcessorSection.CheckInfoField(check).BitFields!;
        return [.. members.Select(m => new Member(m.Libcper, bits.First(b => b.Json == m.Layout), m.Kind, m.Names))];
    }

    private static readonly (string, string, Shown, LcNames?)[] CacheTlb =
    [
        ("transactionType", "transactionType", Shown.Pair, Transactions), ("operation", "operation", Shown.Pair, Operations),
        ("level", "level", Shown.Number, null), ("processorContextCorrupt", "processorContextCorrupt", Shown.Bool, null),
        ("uncorrected", "uncorrected", Shown.Bool, null), ("preciseIP", "preciseIp", Shown.Bool, null),
        ("restartableIP", "restartableIp", Shown.Bool, null), ("overflow", "overflow", Shown.Bool, null),
    ];

    /// <summary>Per check GUID index (cache, TLB, bus, MS): the members. libcper's operation names run to 8 for TLB and bus checks too (its names, same bits).</summary>
    private static readonly Member[][] s_checks =
    [
        Members(CperGuids.CheckCache, CacheTlb),
        Members(CperGuids.CheckTlb, CacheTlb),
        Members(CperGuids.CheckBus, [.. CacheTlb, ("timedOut", "timeOut", Shown.Bool, null), ("participationType", "participationType", Shown.Pair, Participation), ("addressSpace", "addressSpace", Shown.Pair, AddressSpaces)]),
        Members(CperGuids.CheckMicroArchitecture,
            ("errorType", "errorType", Shown.Pair, MsErrorTypes), ("processorContextCorrupt", "processorContextCorrupt", Shown.Bool, null),
            ("uncorrected", "uncorrected", Shown.Bool, null), ("preciseIP", "preciseIp", Shown.Bool, null),
            ("restartableIP", "restartableIp", Shown.Bool, null), ("overflow", "overflow", Shown.Bool, null)),
    ];

    /// <summary>One libcper register member: where its value lies in the register array (libcper's x64 "eip" is RIP; GDTR and IDTR are two 64-bit halves).</summary>
    private readonly record struct Register(JsonEncodedText Name, int Offset, int Size);

    private static Register[] Registers(ushort type, params string[] members)
    {
        var layout = Ia32X64ProcessorSection.RegisterLayout(type)!;
        return [.. members.Select(m => m switch
        {
            "eip" when type == 3 => At(m, layout.Find("rip")!, 0, 8),
            "gdtr_0" or "idtr_0" => At(m, layout.Find(m[..4])!, 0, 8),
            "gdtr_1" or "idtr_1" => At(m, layout.Find(m[..4])!, 8, 8),
            _ => At(m, layout.Find(m)!, 0, layout.Find(m)!.Size),
        })];
        static Register At(string name, FieldDef f, int at, int size) => new(JsonEncodedText.Encode(name), f.Offset + at, size);
    }

    private static readonly string[] Gprs32 = ["eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp"], Segs = ["cs", "ds", "ss", "es", "fs", "gs"];
    private static readonly Register[] s_ia32 = Registers(2, [.. Gprs32, .. Segs, "eflags", "eip", "cr0", "cr1", "cr2", "cr3", "cr4", "gdtr", "idtr", "ldtr", "tr"]);
    private static readonly Register[] s_x64 = Registers(3,
        ["rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", .. Segs,
         "rflags", "eip", "cr0", "cr1", "cr2", "cr3", "cr4", "cr8", "gdtr_0", "gdtr_1", "idtr_0", "idtr_1", "ldtr", "tr"]);

    private static JsonEncodedText N(string name) => JsonEncodedText.Encode(name);

    private static readonly JsonEncodedText s_shortName = N("Ia32x64Processor"), s_errorInfoNum = N("processorErrorInfoNum"),
        s_contextInfoNum = N("processorContextInfoNum"), s_localApicId = N("localAPICID"), s_cpuidInfo = N("cpuidInfo"),
        s_eax = N("eax"), s_ebx = N("ebx"), s_ecx = N("ecx"), s_edx = N("edx"), s_errorInfo = N("processorErrorInfo"),
        s_contextInfo = N("processorContextInfo"), s_type = N("type"), s_guid = N("guid"), s_checkInfo = N("checkInfo"),
        s_targetId = N("targetAddressID"), s_requestorId = N("requestorID"), s_responderId = N("responderID"),
        s_instructionPointer = N("instructionPointer"), s_registerContextType = N("registerContextType"),
        s_registerArraySize = N("registerArraySize"), s_msrAddress = N("msrAddress"), s_mmRegisterAddress = N("mmRegisterAddress"),
        s_registerArray = N("registerArray"), s_data = N("data");
    private static readonly JsonEncodedText[] s_checkNames = [.. CheckNames.Select(N)];
    private static readonly byte[] s_message = LcWriter.Encode("An IA32/x64 Processor Error occurred");

    // The validation bits, from the declarations (UEFI 2.10 Tables N-19 and N-20).
    private static readonly int ApicBit = Ia32X64ProcessorSection.LocalApicIdField.ValidBit, CpuIdBit = Ia32X64ProcessorSection.CpuIdEaxField.ValidBit,
        CheckBit = Ia32X64ErrorInfo.CheckInfoField.ValidBit, TargetBit = Ia32X64ErrorInfo.TargetIdField.ValidBit,
        RequestorBit = Ia32X64ErrorInfo.RequestorIdField.ValidBit, ResponderBit = Ia32X64ErrorInfo.ResponderIdField.ValidBit,
        IpBit = Ia32X64ErrorInfo.InstructionPointerField.ValidBit;

    /// <inheritdoc/>
    /// <remarks>
    /// Nothing is written (libcper's <c>Unknown</c>) when libcper's <c>cper_section_ia32x64_to_ir</c> returns NULL: a body
    /// shorter than the 64-byte header, ERROR_INFO_NUM structures that do not fit, or fewer bytes after them than
    /// CONTEXT_INFO_NUM 16-byte context headers.
    /// </remarks>
    public override bool TryWrite(LcWriter w, ReadOnlySpan<byte> body)
    {
        if (body.Length < Ia32X64ProcessorSection.HeaderSize || !Ia32X64ProcessorSection.Measure(body, out int infoNum, out _, out int contextNum)) return false;
        int contextStart = Ia32X64ProcessorSection.HeaderSize + infoNum * Ia32X64ErrorInfo.Size;
        if (body.Length - contextStart < contextNum * Ia32X64ContextInfo.HeaderSize) return false;
        Ia32X64ProcessorSectionView.TryRead(body, out var view);
        ulong v = view.ValidationBits;
        w.WriteStartObject();
        w.WriteEncoded(MessageName, s_message);
        w.WriteStartObject(s_shortName);
        w.WriteNumber(s_errorInfoNum, infoNum);
        w.WriteNumber(s_contextInfoNum, contextNum);
        if (Bit(v, ApicBit)) w.WriteNumber(s_localApicId, view.LocalApicId);
        if (Bit(v, CpuIdBit))
        {
            // libcper's EFI_IA32_X64_CPU_ID: four 64-bit values (ApeiKit: four 32-bit registers, see libcper-compat.md).
            var c = view.CpuIdInfo;
            w.WriteStartObject(s_cpuidInfo);
            w.WriteNumber(s_eax, BinaryPrimitives.ReadUInt64LittleEndian(c));
            w.WriteNumber(s_ebx, BinaryPrimitives.ReadUInt64LittleEndian(c[8..]));
            w.WriteNumber(s_ecx, BinaryPrimitives.ReadUInt64LittleEndian(c[16..]));
            w.WriteNumber(s_edx, BinaryPrimitives.ReadUInt64LittleEndian(c[24..]));
            w.WriteEndObject();
        }
        w.WriteStartArray(s_errorInfo);
        foreach (var e in view.ErrorInfo) WriteErrorInfo(w, e);
        w.WriteEndArray();
        w.WriteStartArray(s_contextInfo);
        WriteContexts(w, body, contextStart, contextNum);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        return true;
    }

    private static void WriteErrorInfo(LcWriter w, Ia32X64ErrorInfoView e)
    {
        var g = e.ErrorType;
        int index = Array.IndexOf(CheckGuids, g);
        ulong v = e.ValidationBits;
        w.WriteStartObject();
        w.WriteStartObject(s_type);
        WriteGuid(w, s_guid, g);
        if (index >= 0) w.WriteString(NameName, s_checkNames[index]);
        else w.WriteEncoded(NameName, LibCperNames.EncodedUnknown);
        w.WriteEndObject();
        if (Bit(v, CheckBit) && index >= 0) WriteCheckInfo(w, s_checks[index], e.CheckInfo);
        if (Bit(v, TargetBit)) w.WriteNumber(s_targetId, e.TargetId);
        if (Bit(v, RequestorBit)) w.WriteNumber(s_requestorId, e.RequestorId);
        if (Bit(v, ResponderBit)) w.WriteNumber(s_responderId, e.ResponderId);
        if (Bit(v, IpBit)) w.WriteNumber(s_instructionPointer, e.InstructionPointer);
        w.WriteEndObject();
    }

    /// <summary>Check information: each member shown when its validation bit (bits 0-15 of the value) is set.</summary>
    private static void WriteCheckInfo(LcWriter w, Member[] members, ulong c)
    {
        w.WriteStartObject(s_checkInfo);
        foreach (var m in members)
        {
            if (!Bit(c, m.Bit.ValidBit)) continue;
            ulong value = m.Bit.Extract(c);
            switch (m.Kind)
            {
                case Shown.Pair: LibCperMap.WritePair(w, m.Encoded, value, m.Names!); break;
                case Shown.Bool: w.WriteBoolean(m.Encoded, value != 0); break;
                default: w.WriteNumber(m.Encoded, value); break;
            }
        }
        w.WriteEndObject();
    }

    /// <summary>
    /// The contexts as libcper walks them (<c>cper_ia32x64_processor_context_info_to_ir</c>): a context whose 16-byte header
    /// does not fit is a JSON null and the walk stays; a 32/64-bit execution context is read at its fixed size whatever its
    /// Register Array Size says, and one that does not fit has no <c>registerArray</c> and the walk stays on its header;
    /// any other type is base64 of Register Array Size bytes, none (the walk moving past the header only) when they do not fit.
    /// </summary>
    private static void WriteContexts(LcWriter w, ReadOnlySpan<byte> body, int pos, int count)
    {
        int remaining = body.Length - pos;
        for (int i = 0; i < count; i++)
        {
            if (remaining < Ia32X64ContextInfo.HeaderSize)
            {
                w.WriteNullValue();
                continue;
            }
            remaining -= Ia32X64ContextInfo.HeaderSize;
            Ia32X64ContextInfoView.TryRead(body.Slice(pos, Ia32X64ContextInfo.HeaderSize), out var c);
            ushort type = c.RegisterContextType;
            w.WriteStartObject();
            LibCperMap.WritePair(w, s_registerContextType, type, ContextTypes);
            w.WriteNumber(s_registerArraySize, c.RegisterArraySize);
            w.WriteNumber(s_msrAddress, c.MsrAddress);
            w.WriteNumber(s_mmRegisterAddress, c.MmRegisterAddress);
            var array = body[(pos + Ia32X64ContextInfo.HeaderSize)..];
            if (type is (ushort)Ia32X64RegisterContextType.Ia32Context or (ushort)Ia32X64RegisterContextType.X64Context)
            {
                var (registers, size) = type == (ushort)Ia32X64RegisterContextType.Ia32Context ? (s_ia32, Ia32StateSize) : (s_x64, X64StateSize);
                if (remaining >= size)
                {
                    w.WriteStartObject(s_registerArray);
                    foreach (var r in registers) w.WriteNumber(r.Name, FieldDef.ReadLittleEndian(array.Slice(r.Offset, r.Size)));
                    w.WriteEndObject();
                    pos += Ia32X64ContextInfo.HeaderSize + size;
                    remaining -= size;
                }
            }
            else
            {
                pos += Ia32X64ContextInfo.HeaderSize;
                int size = c.RegisterArraySize;
                if (remaining >= size)
                {
                    w.WriteStartObject(s_registerArray);
                    w.WriteBase64String(s_data, array[..size]);
                    w.WriteEndObject();
                    pos += size;
                    remaining -= size;
                }
            }
            w.WriteEndObject();
        }
    }

    /// <inheritdoc/>
    public override CperSectionBody FromIrBody(JsonObject ir) => FromIrModel(ir);

    /// <summary>The model libcper's JSON describes.</summary>
    public static Ia32X64ProcessorSection FromIrModel(JsonObject o)
    {
        var m = new Ia32X64ProcessorSection();
        ulong v = 0;
        if (o.ContainsKey("localAPICID")) { m.LocalApicId = U(o["localAPICID"]); v |= 1UL << ApicBit; }
        if (o["cpuidInfo"] is JsonObject c)
        {
            var cpuid = new byte[48];
            string[] regs = ["eax", "ebx", "ecx", "edx"];
            for (int i = 0; i < regs.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(cpuid.AsSpan(i * 8), U(c[regs[i]]));
            m.CpuIdInfo = cpuid;
            v |= 1UL << CpuIdBit;
        }
        foreach (var e in o["processorErrorInfo"] as JsonArray ?? []) m.ErrorInfo.Add(ErrorInfoFrom(e as JsonObject ?? []));
        foreach (var x in o["processorContextInfo"] as JsonArray ?? []) m.ContextInfo.Add(ContextFrom(x as JsonObject ?? []));
        m.ValidationBits = v; // the counts are written from the lists
        return m;
    }

    private static Ia32X64ErrorInfo ErrorInfoFrom(JsonObject e)
    {
        var g = GuidFrom(M(e["type"], "guid"));
        int index = Array.IndexOf(CheckGuids, g);
        var info = new Ia32X64ErrorInfo(g, 0);
        ulong v = 0;
        if (e["checkInfo"] is JsonObject ci)
        {
            ulong check = 0;
            if (index >= 0)
            {
                foreach (var member in s_checks[index])
                {
                    if (!ci.TryGetPropertyValue(member.Name, out var n)) continue;
                    ulong value = member.Kind switch { Shown.Pair => PairValue(n), Shown.Bool => Bool(n) ? 1UL : 0, _ => U(n) };
                    check |= ((value << member.Bit.Bit) & member.Bit.Mask) | 1UL << member.Bit.ValidBit;
                }
            }
            info.CheckInfo = check;
            v |= 1UL << CheckBit;
        }
        if (e.ContainsKey("targetAddressID")) { info.TargetId = U(e["targetAddressID"]); v |= 1UL << TargetBit; }
        if (e.ContainsKey("requestorID")) { info.RequestorId = U(e["requestorID"]); v |= 1UL << RequestorBit; }
        if (e.ContainsKey("responderID")) { info.ResponderId = U(e["responderID"]); v |= 1UL << ResponderBit; }
        if (e.ContainsKey("instructionPointer")) { info.InstructionPointer = U(e["instructionPointer"]); v |= 1UL << IpBit; }
        info.ValidationBits = v;
        return info;
    }

    private static Ia32X64ContextInfo ContextFrom(JsonObject x)
    {
        ushort type = (ushort)PairValue(x["registerContextType"], 16);
        var r = x["registerArray"] as JsonObject;
        byte[] array;
        if (type is (ushort)Ia32X64RegisterContextType.Ia32Context or (ushort)Ia32X64RegisterContextType.X64Context)
        {
            var (registers, size) = type == (ushort)Ia32X64RegisterContextType.Ia32Context ? (s_ia32, Ia32StateSize) : (s_x64, X64StateSize);
            array = new byte[size];
            foreach (var reg in registers) FieldDef.WriteLittleEndian(array.AsSpan(reg.Offset, reg.Size), U(M(r, reg.Name.Value)));
        }
        else array = FromB64(M(r, "data"));
        return new Ia32X64ContextInfo(type, array) { MsrAddress = (uint)U(x["msrAddress"], 32), MmRegisterAddress = U(x["mmRegisterAddress"]) };
    }
}
