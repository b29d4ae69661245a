// [lc-audit D] libcper's IA32/X64 name tables (cper-section-ia32x64.h)
using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApeiKit.Cper.Json;
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
/// Reading back fills the section's bytes through <see cref="LcStructure"/> (<see cref="FromIrBody"/>).
/// </remarks>
internal sealed class LcIa32X64 : LibCperSection
{
    public override Guid SectionType => CperGuids.ProcessorIa32X64;
    public override string ReadableName => "IA32/X64";
    public override string ShortName => "Ia32x64Processor";

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

    // [lc-audit D] libcper's members: the declarations' LibCper lines in libcper's order, the check members by error type GUID
    // The members the declarations give (their LibCper lines): the header's local APIC ID, the error-information
    // identifiers, the context header; libcper's order is the layouts' (cper_ia32x64_processor_error_info_to_ir,
    // cper_ia32x64_processor_context_info_to_ir). The header's CPUID information and the entry's type are written by hand.
    private static readonly LcMember[] s_header = [.. Ia32X64ProcessorSection.LibCperMembers(), Lm.Quirk("cpuidInfo", Ia32X64ProcessorSection.CpuIdEaxField, WriteCpuId, ReadCpuId)],
        s_info = [Lm.Quirk("type", null, WriteType, ReadType), Lm.Chosen("checkInfo", Ia32X64ErrorInfo.CheckInfoField, ChecksOf), .. Ia32X64ErrorInfo.LibCperMembers()],
        s_contextHeader = Ia32X64ContextInfo.LibCperMembers();

    // Per check GUID index: the check declarations' members (Ia32X64CheckInfo.cs), over the value's 8 bytes
    // (Ia32X64ErrorInfo.CheckInfoField); libcper shows the bus check's time-out before the participation type.
    private static readonly LcMember[][] s_checks = [Ia32X64CacheCheck.LibCperMembers(), Ia32X64TlbCheck.LibCperMembers(), Lm.InOrder(Ia32X64BusCheck.LibCperMembers(),
        "transactionType", "operation", "level", "processorContextCorrupt", "uncorrected", "preciseIP", "restartableIP", "overflow", "timedOut", "participationType", "addressSpace"),
        Ia32X64MsCheck.LibCperMembers()];

    /// <summary>The check declaration's members for the entry's error type GUID (<c>checkInfo</c>, UEFI 2.10 N.2.4.2.2-4), or null for another GUID.</summary>
    private static LcMember[]? ChecksOf(ReadOnlySpan<byte> entry)
    {
        int index = Array.IndexOf(CheckGuids, new Guid(entry.Slice(Ia32X64ErrorInfo.ErrorTypeField.Offset, 16)));
        return index >= 0 ? s_checks[index] : null;
    }

    // [lc-audit Q] execution-context registers: eip for RIP, GDTR/IDTR as two halves (compat "x64 register names")
    /// <summary>
    /// libcper's registers of a 32/64-bit execution context: the model's register layout in its order (libcper's), named as
    /// the layout names them but x64 RIP, which libcper calls <c>eip</c>, and the 16-byte GDTR and IDTR, which libcper reads
    /// as two 64-bit halves <c>_0</c> and <c>_1</c> (<c>EFI_CONTEXT_X64_REGISTER_STATE</c> in <c>cper-section-ia32x64.h</c>).
    /// libcper reads them at the layout's fixed size (92 and 244 bytes) whatever Register Array Size says.
    /// </summary>
    private static LcStructure Registers(ushort type)
    {
        var layout = Ia32X64ProcessorSection.RegisterLayout(type)!;
        return new(layout, Lm.Registers(layout, f => f.Kind == FieldKind.Reserved ? null : f.Json == "rip" ? "eip" : f.Json));
    }

    private static readonly LcStructure s_ia32 = Registers((ushort)Ia32X64RegisterContextType.Ia32Context), s_x64 = Registers((ushort)Ia32X64RegisterContextType.X64Context);

    /// <summary>The execution context registers of <paramref name="type"/>, or null for a type libcper shows as base64.</summary>
    private static LcStructure? RegistersOf(ulong type) => type switch
    {
        (ulong)Ia32X64RegisterContextType.Ia32Context => s_ia32,
        (ulong)Ia32X64RegisterContextType.X64Context => s_x64,
        _ => null,
    };

    // [lc-audit D] libcper's member names, encoded once
    private static JsonEncodedText N(string name) => JsonEncodedText.Encode(name);

    private static readonly JsonEncodedText s_shortName = N("Ia32x64Processor"), s_errorInfoNum = N("processorErrorInfoNum"),
        s_contextInfoNum = N("processorContextInfoNum"), s_cpuidInfo = N("cpuidInfo"),
        s_errorInfo = N("processorErrorInfo"),
        s_contextInfo = N("processorContextInfo"), s_type = N("type"), s_guid = N("guid"),
        s_registerArray = N("registerArray"), s_data = N("data");
    private static readonly JsonEncodedText[] s_cpuid = [N("eax"), N("ebx"), N("ecx"), N("edx")];
    private static readonly JsonEncodedText[] s_checkNames = [.. CheckNames.Select(N)];
    private static readonly byte[] s_message = LcWriter.Encode("An IA32/x64 Processor Error occurred");


    // [lc-audit Q] libcper's section walk: Unknown when the counts do not fit (compat "IA32/X64 context walk")
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
        w.WriteStartArray(s_errorInfo);
        foreach (var e in view.ErrorInfo) LcStructure.WriteObject(w, s_info, e.Bytes, e.ValidationBits);
        w.WriteEndArray();
        w.WriteStartArray(s_contextInfo);
        WriteContexts(w, body, contextStart, contextNum);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        return true;
    }

    // [lc-audit Q] 64-bit CPUID values, the error type object with libcper's check names (compat "IA32/X64")
    /// <summary>libcper's EFI_IA32_X64_CPU_ID: four 64-bit values (ApeiKit: four 32-bit registers, see libcper-compat.md).</summary>
    private static void WriteCpuId(LcWriter w, ReadOnlySpan<byte> body, ulong valid)
    {
        var c = body.Slice(Ia32X64ProcessorSection.CpuIdEaxField.Offset, 32);
        w.WriteStartObject(s_cpuidInfo);
        for (int i = 0; i < s_cpuid.Length; i++) w.WriteNumber(s_cpuid[i], BinaryPrimitives.ReadUInt64LittleEndian(c[(i * 8)..]));
        w.WriteEndObject();
    }

    private static ulong ReadCpuId(JsonNode? n, Span<byte> body)
    {
        var c = body.Slice(Ia32X64ProcessorSection.CpuIdEaxField.Offset, 32);
        for (int i = 0; i < s_cpuid.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(c[(i * 8)..], U(M(n, s_cpuid[i].Value)));
        return 0;
    }

    /// <summary>libcper's error type object: the GUID and libcper's name of the check it is (<c>Unknown</c> for another GUID).</summary>
    private static void WriteType(LcWriter w, ReadOnlySpan<byte> entry, ulong valid)
    {
        var g = new Guid(entry.Slice(Ia32X64ErrorInfo.ErrorTypeField.Offset, 16));
        int index = Array.IndexOf(CheckGuids, g);
        w.WriteStartObject(s_type);
        WriteGuid(w, s_guid, g);
        if (index >= 0) w.WriteString(NameName, s_checkNames[index]);
        else w.WriteEncoded(NameName, LibCperNames.EncodedUnknown);
        w.WriteEndObject();
    }

    private static ulong ReadType(JsonNode? n, Span<byte> entry)
    {
        GuidFrom(M(n, "guid")).TryWriteBytes(entry.Slice(Ia32X64ErrorInfo.ErrorTypeField.Offset, 16));
        return 0;
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
                var registers = RegistersOf(type)!;
                int size = registers.Layout.Size;
                if (remaining >= size)
                {
                    w.WriteStartObject(s_registerArray);
                    LibCperMap.WriteMembers(w, registers.Members, array, 0);
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

    // [lc-audit D] the read-back: libcper's array and part names over the declared layouts (counts, lengths, bits derived by the engine)
    /// <summary>
    /// The section read back: the header's members, the error-information entries (<see cref="s_info"/>), the contexts
    /// (the header's members, then the execution-context registers the type gives, or base64 for other types); the counts
    /// (validation bits 2-7 and 8-13) and each Register Array Size derived as the declarations say. A JSON null context
    /// (libcper's, for a header that did not fit) reads as 16 zero bytes.
    /// </summary>
    private static readonly LcStructure s_section = new(Ia32X64ProcessorSection.HeaderLayout, s_header)
    {
        Arrays =
        [
            new("processorErrorInfo", "errorInfo", new(Ia32X64ProcessorSection.ErrorInfoLayout, s_info)),
            new("processorContextInfo", "contextInfo", new(Ia32X64ProcessorSection.ContextHeaderLayout, s_contextHeader)
            {
                Part = LcPart.Chosen("registerArray", Ia32X64ContextInfo.RegisterContextTypeField, RegistersOf),
            }),
        ],
    };

    /// <inheritdoc/>
    public override CperSectionBody FromIrBody(JsonObject ir) => LcStructure.Body(SectionType, s_section.Read(ir), b => Ia32X64ProcessorSection.Decode(b));
}
