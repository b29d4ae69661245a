// [lc-audit D] libcper's IA32/X64 name tables (cper-section-ia32x64.h)
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
/// (each context header), names encoded once, nothing allocated. Check-information members are generated from the
/// check declarations' <c>LibCper</c> lines (<see cref="Ia32X64CacheCheck"/> and the others), registers come from
/// <see cref="Ia32X64ProcessorSection.RegisterLayout"/>.
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
    internal static readonly LcNames Transactions = LcNames.Libcper(["Instruction", "Data Access", "Generic"]);
    internal static readonly LcNames Operations = LcNames.Libcper(["Generic Error", "Generic Read", "Generic Write", "Data Read", "Data Write", "Instruction Fetch", "Prefetch", "Eviction", "Snoop"]);
    /// <summary>
    /// libcper's bus participation type names, one table for both sections (UEFI 2.10 Tables N-23 and N-20 name the same
    /// four): IA32/X64 spells them in sentence case (<c>cper-section-ia32x64.h:41-45</c>
    /// IA32X64_BUS_CHECK_INFO_PARTICIPATION_TYPES_VALUES), ARM capitalises each word (<c>cper-section-arm.h:69-73</c>
    /// ARM_BUS_PARTICIPATION_TYPES_VALUES); the words are otherwise the same.
    /// </summary>
    private static readonly (string Ia32X64, string Arm)[] s_participation =
    [
        ("Local processor originated request", "Local Processor Originated Request"),
        ("Local processor responded to request", "Local Processor Responded to Request"),
        ("Local processor observed", "Local Processor Observed"),
        ("Generic", "Generic"),
    ];
    internal static readonly LcNames Participation = LcNames.Libcper([.. s_participation.Select(p => p.Ia32X64)], "Unknown"),
        ArmParticipation = LcNames.Libcper([.. s_participation.Select(p => p.Arm)], "Unknown");
    internal static readonly LcNames AddressSpaces = LcNames.Libcper(["Memory Access", "Reserved", "I/O", "Other Transaction"], "Unknown");
    internal static readonly LcNames MsErrorTypes = LcNames.Libcper(["No Error", "Unclassified", "Microcode ROM Parity Error", "External Error", "FRC Error", "Internal Unclassified"], "Unknown (Processor Specific)");
    /// <summary>libcper's register context type names (<c>cper-section-ia32x64.h:59-67</c>; docs/libcper-compat.md), named by <see cref="Ia32X64ContextInfo"/>'s declaration.</summary>
    internal static readonly LcNames ContextTypes = LcNames.Libcper(
        ["Unclassified Data", "MSR Registers", "32-bit Mode Execution Context", "64-bit Mode Execution Context", "FXSave Context", "32-bit Mode Debug Registers", "64-bit Mode Debug Registers", "Memory Mapper Registers"]);

    // [lc-audit M] members from the declarations' LibCper lines
    // The members the declarations give (their LibCper lines): the header's local APIC ID, the error-information
    // identifiers, the context header; libcper's order is the layouts' (cper_ia32x64_processor_error_info_to_ir,
    // cper_ia32x64_processor_context_info_to_ir).
    private static readonly LcMember[] s_header = Ia32X64ProcessorSection.LibCperMembers(), s_infoMembers = Ia32X64ErrorInfo.LibCperMembers(),
        s_contextHeader = Ia32X64ContextInfo.LibCperMembers();

    // Per check GUID index: the check declarations' members (Ia32X64CheckInfo.cs), over the value's 8 bytes
    // (Ia32X64ErrorInfo.CheckInfoField); libcper shows the bus check's time-out before the participation type.
    private static readonly LcMember[][] s_checks = [Ia32X64CacheCheck.LibCperMembers(), Ia32X64TlbCheck.LibCperMembers(), Lm.InOrder(Ia32X64BusCheck.LibCperMembers(),
        "transactionType", "operation", "level", "processorContextCorrupt", "uncorrected", "preciseIP", "restartableIP", "overflow", "timedOut", "participationType", "addressSpace"),
        Ia32X64MsCheck.LibCperMembers()];
    private static readonly int CheckOffset = Ia32X64ErrorInfo.CheckInfoField.Offset, CheckSize = Ia32X64ErrorInfo.CheckInfoField.Size;

    // [lc-audit Q] execution-context registers: eip for RIP, GDTR/IDTR as two halves (compat "x64 register names")
    /// <summary>One libcper register member: where its value lies in the register array.</summary>
    private readonly record struct Register(JsonEncodedText Name, int Offset, int Size);

    /// <summary>
    /// libcper's registers of a 32/64-bit execution context: the model's register layout in its order (libcper's), named as
    /// the layout names them but x64 RIP, which libcper calls <c>eip</c>, and the 16-byte GDTR and IDTR, which libcper reads
    /// as two 64-bit halves <c>_0</c> and <c>_1</c> (<c>EFI_CONTEXT_X64_REGISTER_STATE</c> in <c>cper-section-ia32x64.h</c>).
    /// </summary>
    private static Register[] Registers(ushort type)
        => [.. Ia32X64ProcessorSection.RegisterLayout(type)!.Fields.Where(f => f.Kind != FieldKind.Reserved).SelectMany(f => f.Size > 8
            ? new[] { new Register(N(f.Json + "_0"), f.Offset, 8), new Register(N(f.Json + "_1"), f.Offset + 8, 8) }
            : [new Register(N(f.Json == "rip" ? "eip" : f.Json), f.Offset, f.Size)])];

    private static readonly Register[] s_ia32 = Registers(2), s_x64 = Registers(3);

    // [lc-audit M] member names, validation bits from the declarations
    private static JsonEncodedText N(string name) => JsonEncodedText.Encode(name);

    private static readonly JsonEncodedText s_shortName = N("Ia32x64Processor"), s_errorInfoNum = N("processorErrorInfoNum"),
        s_contextInfoNum = N("processorContextInfoNum"), s_cpuidInfo = N("cpuidInfo"),
        s_eax = N("eax"), s_ebx = N("ebx"), s_ecx = N("ecx"), s_edx = N("edx"), s_errorInfo = N("processorErrorInfo"),
        s_contextInfo = N("processorContextInfo"), s_type = N("type"), s_guid = N("guid"), s_checkInfo = N("checkInfo"),
        s_registerArray = N("registerArray"), s_data = N("data");
    private static readonly JsonEncodedText[] s_checkNames = [.. CheckNames.Select(N)];
    private static readonly byte[] s_message = LcWriter.Encode("An IA32/x64 Processor Error occurred");

    // The validation bits, from the declarations (UEFI 2.10 Tables N-19 and N-20).
    private static readonly int CpuIdBit = Ia32X64ProcessorSection.CpuIdEaxField.ValidBit, CheckBit = Ia32X64ErrorInfo.CheckInfoField.ValidBit;

    // [lc-audit Q] 64-bit CPUID values, libcper's context walk (compat "IA32/X64 context walk")
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
        LibCperMap.WriteMembers(w, s_header, body, v);
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

    // [lc-audit M] error-information entry through the declared members
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
        if (Bit(v, CheckBit) && index >= 0)
        {
            // Check information: each member shown when its validation bit (bits 0-15 of the value) is set.
            w.WriteStartObject(s_checkInfo);
            LibCperMap.WriteMembers(w, s_checks[index], e.Bytes.Slice(CheckOffset, CheckSize), e.CheckInfo);
            w.WriteEndObject();
        }
        LibCperMap.WriteMembers(w, s_infoMembers, e.Bytes, v);
        w.WriteEndObject();
    }

    // [lc-audit Q] libcper's context walk (compat "IA32/X64 context walk")
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
            LibCperMap.WriteMembers(w, s_contextHeader, c.Bytes, 0);
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
                    // An empty array is an empty object (libcper's add_binary_base64 adds nothing for 0 bytes).
                    w.WriteStartObject(s_registerArray);
                    if (size > 0) w.WriteBase64String(s_data, array[..size]);
                    w.WriteEndObject();
                    pos += size;
                    remaining -= size;
                }
            }
            w.WriteEndObject();
        }
    }

    // [lc-audit M] read-back through the model
    /// <inheritdoc/>
    public override CperSectionBody FromIrBody(JsonObject ir) => FromIrModel(ir);

    /// <summary>The model libcper's JSON describes.</summary>
    public static Ia32X64ProcessorSection FromIrModel(JsonObject o)
    {
        var m = new Ia32X64ProcessorSection();
        Span<byte> header = stackalloc byte[Ia32X64ProcessorSection.HeaderSize];
        ulong v = LibCperMap.ReadMembers(o, s_header, header);
        m.LocalApicId = Ia32X64ProcessorSection.LocalApicIdField.ReadValue(header);
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
        Span<byte> bytes = stackalloc byte[Ia32X64ErrorInfo.Size];
        bytes.Clear();
        g.TryWriteBytes(bytes.Slice(Ia32X64ErrorInfo.ErrorTypeField.Offset, 16));
        ulong v = LibCperMap.ReadMembers(e, s_infoMembers, bytes);
        if (e["checkInfo"] is JsonObject ci)
        {
            if (index >= 0) LibCperMap.ReadBitsInto(ci, s_checks[index], bytes, Ia32X64ErrorInfo.CheckInfoField);
            v |= 1UL << CheckBit;
        }
        Ia32X64ErrorInfo.ValidationBitsField.WriteValue(bytes, v);
        return new Ia32X64ErrorInfo(bytes);
    }

    private static Ia32X64ContextInfo ContextFrom(JsonObject x)
    {
        Span<byte> header = stackalloc byte[Ia32X64ContextInfo.HeaderSize];
        LibCperMap.ReadMembers(x, s_contextHeader, header);
        ushort type = (ushort)Ia32X64ContextInfo.RegisterContextTypeField.ReadValue(header);
        var r = x["registerArray"] as JsonObject;
        byte[] array;
        if (type is (ushort)Ia32X64RegisterContextType.Ia32Context or (ushort)Ia32X64RegisterContextType.X64Context)
        {
            var (registers, size) = type == (ushort)Ia32X64RegisterContextType.Ia32Context ? (s_ia32, Ia32StateSize) : (s_x64, X64StateSize);
            array = new byte[size];
            foreach (var reg in registers) FieldDef.WriteLittleEndian(array.AsSpan(reg.Offset, reg.Size), U(M(r, reg.Name.Value)));
        }
        else array = FromB64(M(r, "data"));
        return new Ia32X64ContextInfo(type, array)
        {
            MsrAddress = (uint)Ia32X64ContextInfo.MsrAddressField.ReadValue(header),
            MmRegisterAddress = Ia32X64ContextInfo.MmRegisterAddressField.ReadValue(header),
        };
    }
}
