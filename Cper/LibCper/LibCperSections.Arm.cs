using System.Buffers;
using System.Text.Json;
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
/// <remarks>
/// Streamed (issue #15): written straight into the <see cref="LcWriter"/> from the body, through the section's
/// declarations and its zero-copy view (<see cref="ArmProcessorSectionView"/>: the header fields, the error-information
/// entries, the contexts with the section's own bounds), names encoded once. Two passes: the first checks everything
/// that makes the section libcper's <c>Unknown</c> (what the model's decoder refuses, padding libcper cannot walk, a
/// register array shorter than its type) and writes the message, which comes first in the object and names every entry;
/// the second writes the section. Nothing is allocated per record but a message longer than 512 characters (a pooled
/// buffer). Reading back goes through the model (<see cref="FromIrBody"/>).
/// </remarks>
internal sealed class LcArm : LibCperSection
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

    // ---- Streamed writing (libcper sections/cper-section-arm.c, cper_section_arm_to_ir and its helpers). ----

    /// <summary>One libcper member over a bit field of the Error Information value (Tables N-18 to N-20), name encoded once.</summary>
    private sealed record Streamed(JsonEncodedText Name, BitFieldDef Bit, Shown Kind, LcNames? Names);

    private static Streamed[] Stream(ArmErrorKind kind, (string Libcper, string Layout, Shown Kind, IReadOnlyDictionary<ulong, string>? Names, string Fallback)[] members)
    {
        var field = ArmProcessorSection.ErrorInformationField(kind);
        return [.. members.Select(m => new Streamed(JsonEncodedText.Encode(m.Libcper), field.BitFields!.First(b => b.Json == m.Layout), m.Kind,
            m.Names is null ? null : LcNames.Libcper(m.Names.Select(n => (n.Key, n.Value, (string?)null)), m.Fallback)))];
    }

    private static readonly Streamed[] s_cache = Stream(ArmErrorKind.Cache, CacheTlbMembers(CacheBusOps));
    private static readonly Streamed[] s_tlb = Stream(ArmErrorKind.Tlb, CacheTlbMembers(TlbOps));
    private static readonly Streamed[] s_bus = Stream(ArmErrorKind.Bus, BusMembers);
    private static readonly BitFieldDef s_accessMode = ArmProcessorSection.ErrorInformationField(ArmErrorKind.Bus).BitFields!.First(b => b.Json == "accessMode");
    private static readonly JsonEncodedText[][] s_registerNames = [.. RegisterNames.Select(names => names.Select(n => JsonEncodedText.Encode(n)).ToArray())];
    private static readonly JsonEncodedText[] s_flagNames = [.. Flags.Select(n => JsonEncodedText.Encode(n))];
    private static readonly LcNames s_types = LcNames.Libcper(Types.Select(t => (t.Key, t.Value, (string?)null)));
    private static readonly LcNames s_contextTypes = LcNames.Libcper(ContextTypes);

    private static JsonEncodedText N(string name) => JsonEncodedText.Encode(name);

    // Value texts written per section, quoted once (LcWriter.Encode).
    private static readonly byte[] s_vendorDefined = LcWriter.Encode("Vendor Defined"), s_reserved = LcWriter.Encode("Reserved"),
        s_singleError = LcWriter.Encode("Single Error"), s_multipleErrors = LcWriter.Encode("Multiple Errors"),
        s_secure = LcWriter.Encode("Secure"), s_normal = LcWriter.Encode("Normal");

    private static readonly JsonEncodedText s_shortName = N("ArmProcessor"), s_errorInfoNum = N("errorInfoNum"), s_contextInfoNum = N("contextInfoNum"),
        s_sectionLength = N("sectionLength"), s_errorAffinity = N("errorAffinity"), s_type = N("type"), s_mpidr = N("mpidrEl1"),
        s_affinity3 = N("affinity3"), s_midr = N("midrEl1"), s_running = N("running"), s_psciState = N("psciState"), s_errorInfo = N("errorInfo"),
        s_version = N("version"), s_length = N("length"), s_errorType = N("errorType"), s_multipleError = N("multipleError"), s_flags = N("flags"),
        s_errorInformation = N("errorInformation"), s_cacheError = N("cacheError"), s_tlbError = N("tlbError"), s_busError = N("busError"),
        s_accessModeName = N("accessMode"), s_virtualFaultAddress = N("virtualFaultAddress"), s_physicalFaultAddress = N("physicalFaultAddress"),
        s_contextInfo = N("contextInfo"), s_registerContextType = N("registerContextType"), s_registerArraySize = N("registerArraySize"),
        s_registerArray = N("registerArray"), s_mrsEncoding = N("mrsEncoding"), s_op2 = N("op2"), s_crm = N("crm"), s_crn = N("crn"),
        s_op1 = N("op1"), s_o0 = N("o0"), s_value = N("value"), s_data = N("data"), s_vendorSpecificInfo = N("vendorSpecificInfo");

    // The header's validation bits (UEFI 2.10 Table N-16) and the entry's (Table N-17), from the declarations.
    private static readonly int MpidrBit = ArmProcessorSection.MpidrField.ValidBit, AffinityBit = ArmProcessorSection.ErrorAffinityLevelField.ValidBit,
        RunningBit = ArmProcessorSection.RunningStateField.ValidBit, MultipleBit = ArmErrorInfo.MultipleErrorField.ValidBit,
        FlagsBit = ArmErrorInfo.FlagsField.ValidBit, InfoBit = ArmErrorInfo.ErrorInformationField.ValidBit,
        VirtualBit = ArmErrorInfo.VirtualFaultAddressField.ValidBit, PhysicalBit = ArmErrorInfo.PhysicalFaultAddressField.ValidBit;
    private const int VendorBit = 3; // N.2.4.4 Table N-16: vendor-specific information valid ([ValidationBit(3, ...)] on ArmProcessorSection)
    private const int MiscType = (int)ArmRegisterContextType.MiscSystemRegister;

    /// <summary>The miscellaneous system register context's two fields (UEFI Table N-30), found once, not per context.</summary>
    private static readonly FieldDef s_miscEncoding = ArmProcessorSection.RegisterLayout(MiscType)!.Find("mrsEncoding")!;
    private static readonly FieldDef s_miscValue = ArmProcessorSection.RegisterLayout(MiscType)!.Find("value")!;

    /// <inheritdoc/>
    public override bool TryWrite(LcWriter w, ReadOnlySpan<byte> body)
    {
        if (!Check(body, out int vendorStart, out int limit)) return false;
        ArmProcessorSectionView.TryRead(body, out var view);
        char[]? rented = null;
        int most = 96 + view.ErrInfoNum * 84; // see Message: at most 83 characters per entry
        Span<char> text = most <= 512 ? stackalloc char[512] : (rented = ArrayPool<char>.Shared.Rent(most));
        try
        {
            w.WriteStartObject();
            w.WriteString(MessageName, text[..Message(view, text)]);
            w.WriteStartObject(s_shortName);
            WriteHeader(w, view);
            w.WriteStartArray(s_errorInfo);
            foreach (var e in view.ErrorInfo) WriteErrorInfo(w, e);
            w.WriteEndArray();
            w.WriteStartArray(s_contextInfo);
            foreach (var c in view.ContextInfo) WriteContext(w, c);
            w.WriteEndArray();
            // What libcper takes for vendor bytes: from the end of the last register array (its padding included) to SectionLength.
            if (Bit(view.ValidationBits, VendorBit) && vendorStart < limit) WriteBase64(w, s_vendorSpecificInfo, body[vendorStart..limit]);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
        return true;
    }

    /// <summary>
    /// Pass one: false for a section the model's decoder refuses (UEFI 2.10 N.2.4.4: header, SectionLength, counts within
    /// <see cref="DecoderLimits.Default"/>, error-information Length 32, every context inside SectionLength), for padding
    /// after a context that is not the last (libcper walks contexts without padding and reads it as the next header), and
    /// for a register array shorter than its type's registers (libcper refuses it). Gives where libcper's vendor bytes start.
    /// </summary>
    private static bool Check(ReadOnlySpan<byte> body, out int vendorStart, out int limit)
    {
        vendorStart = limit = 0;
        if (body.Length < ArmProcessorSection.HeaderSize) return false;
        ArmProcessorSection.Measure(body, DecoderLimits.Default, out limit, out _, out int contexts, out var lengthProblem, out var countProblem);
        if (lengthProblem != ArmProcessorSection.LengthProblem.None || countProblem != ArmProcessorSection.CountProblem.None) return false;
        ArmProcessorSectionView.TryRead(body, out var view);
        foreach (var e in view.ErrorInfo) if (e.Length != ArmErrorInfo.Size) return false;
        var walk = view.ContextInfo;
        int seen = 0, padding = 0;
        while (walk.MoveNext())
        {
            var c = walk.Current;
            if (++seen < contexts && walk.PaddingLength != 0) return false;
            var layout = ArmProcessorSection.RegisterLayout(c.RegisterContextType);
            if (layout is not null && c.RegisterArray.Length < layout.Size) return false;
            padding = walk.PaddingLength;
        }
        if (!walk.Complete) return false;
        vendorStart = walk.End - padding;
        return true;
    }

    /// <summary>libcper's message: "An ARM Processor Error occurred[ on CPU n]; Error Type(s): {…}" with each entry's type and addresses.</summary>
    private static int Message(ArmProcessorSectionView view, Span<char> text)
    {
        int n = Put(text, 0, "An ARM Processor Error occurred");
        if (view.HasMpidr)
        {
            n += Put(text, n, " on CPU ");
            n += Dec(text, n, (view.Mpidr & 0xFF00000000) >> 32);
        }
        n += Put(text, n, "; Error Type(s): {");
        int count = view.ErrInfoNum, i = 0;
        foreach (var e in view.ErrorInfo)
        {
            // At most 13 + (19 + 16) + (17 + 16) + 2 = 83 characters.
            ulong v = e.ValidationBits;
            string desc = "Unknown Error";
            if (Bit(v, InfoBit))
            {
                desc = e.KindUnder(ArmErrorTypeEncoding.LibCper) switch
                {
                    ArmErrorKind.Cache => "Cache Error",
                    ArmErrorKind.Tlb => "TLB Error",
                    ArmErrorKind.Bus => "Bus Error",
                    _ => desc,
                };
            }
            n += Put(text, n, desc);
            if (Bit(v, VirtualBit))
            {
                n += Put(text, n, " at Virtual Addr=0x");
                n += Hex(text, n, e.VirtualFaultAddress);
            }
            if (Bit(v, PhysicalBit))
            {
                n += Put(text, n, " Physical Addr=0x");
                n += Hex(text, n, e.PhysicalFaultAddress);
            }
            n += Put(text, n, ++i == count ? "}" : ", ");
        }
        return n;
    }

    private static int Hex(Span<char> text, int at, ulong v)
    {
        v.TryFormat(text[at..], out int n, "X", System.Globalization.CultureInfo.InvariantCulture);
        return n;
    }

    private static void WriteHeader(LcWriter w, ArmProcessorSectionView view)
    {
        ulong v = view.ValidationBits;
        w.WriteNumber(s_errorInfoNum, view.ErrInfoNum);
        w.WriteNumber(s_contextInfoNum, view.ContextInfoNum);
        w.WriteNumber(s_sectionLength, view.DeclaredSectionLength);
        if (Bit(v, AffinityBit))
        {
            byte level = view.ErrorAffinityLevel;
            w.WriteStartObject(s_errorAffinity);
            w.WriteNumber(s_value, level);
            w.WriteEncoded(s_type, level < 4 ? s_vendorDefined : s_reserved);
            w.WriteEndObject();
        }
        if (Bit(v, MpidrBit))
        {
            w.WriteNumber(s_mpidr, view.Mpidr);
            w.WriteNumber(s_affinity3, (view.Mpidr & 0xFF00000000) >> 32);
        }
        w.WriteNumber(s_midr, view.Midr);
        uint running = view.RunningState;
        if (Bit(v, RunningBit)) w.WriteBoolean(s_running, (running & 1) != 0);
        if ((running >> 31) == 0) w.WriteNumber(s_psciState, view.PsciState); // libcper: PSCI state unless bit 31 of the running state
    }

    private static void WriteErrorInfo(LcWriter w, ArmErrorInfoView e)
    {
        ulong v = e.ValidationBits;
        w.WriteStartObject();
        w.WriteNumber(s_version, e.Version);
        w.WriteNumber(s_length, e.Length);
        LibCperMap.WritePair(w, s_errorType, e.Type, s_types);
        if (Bit(v, MultipleBit))
        {
            w.WriteStartObject(s_multipleError);
            w.WriteNumber(s_value, e.MultipleError);
            w.WriteEncoded(s_type, e.MultipleError < 1 ? s_singleError : s_multipleErrors);
            w.WriteEndObject();
        }
        if (Bit(v, FlagsBit))
        {
            w.WriteStartObject(s_flags);
            for (int i = 0; i < s_flagNames.Length; i++) w.WriteBoolean(s_flagNames[i], Bit(e.Flags, i));
            w.WriteEndObject();
        }
        if (Bit(v, InfoBit))
        {
            ulong info = e.ErrorInformation;
            switch (e.KindUnder(ArmErrorTypeEncoding.LibCper))
            {
                case ArmErrorKind.Cache: WriteInformation(w, s_cacheError, s_cache, info); break;
                case ArmErrorKind.Tlb: WriteInformation(w, s_tlbError, s_tlb, info); break;
                case ArmErrorKind.Bus: WriteInformation(w, s_busError, s_bus, info); break;
            }
        }
        if (Bit(v, VirtualBit)) w.WriteNumber(s_virtualFaultAddress, e.VirtualFaultAddress);
        if (Bit(v, PhysicalBit)) w.WriteNumber(s_physicalFaultAddress, e.PhysicalFaultAddress);
        w.WriteEndObject();
    }

    /// <summary>Each member shown when its validation bit (bits 0-15 of the value) is set; a bus error's access mode gated on bit 8 as libcper does.</summary>
    private static void WriteInformation(LcWriter w, JsonEncodedText kind, Streamed[] members, ulong info)
    {
        w.WriteStartObject(s_errorInformation);
        w.WriteStartObject(kind);
        foreach (var m in members)
        {
            if (!Bit(info, m.Bit.ValidBit)) continue;
            ulong value = m.Bit.Extract(info);
            switch (m.Kind)
            {
                case Shown.Pair:
                    w.WriteStartObject(m.Name);
                    w.WriteNumber(s_value, value);
                    w.WriteEncoded(NameName, m.Names!.EncodedNameOf(value));
                    w.WriteEndObject();
                    break;
                case Shown.Bool: w.WriteBoolean(m.Name, value != 0); break;
                default: w.WriteNumber(m.Name, (int)value); break;
            }
        }
        if (ReferenceEquals(members, s_bus) && Bit(info, 8)) // libcper gates the access mode on bit 8 (time-out), not bit 11
        {
            ulong mode = s_accessMode.Extract(info);
            w.WriteStartObject(s_accessModeName);
            w.WriteNumber(s_value, (int)mode);
            w.WriteEncoded(NameName, mode == 0 ? s_secure : s_normal);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteContext(LcWriter w, ArmContextInfoView c)
    {
        int type = c.RegisterContextType;
        var array = c.RegisterArray;
        w.WriteStartObject();
        w.WriteNumber(s_version, c.Version);
        LibCperMap.WritePair(w, s_registerContextType, (ulong)type, s_contextTypes);
        w.WriteNumber(s_registerArraySize, c.RegisterArraySize);
        var layout = ArmProcessorSection.RegisterLayout((ushort)type);
        if (type < s_registerNames.Length)
        {
            // The model's register layout lists the registers in libcper's order; libcper's member names beside them.
            var names = s_registerNames[type];
            w.WriteStartObject(s_registerArray);
            for (int i = 0; i < names.Length; i++) w.WriteNumber(names[i], layout!.Fields[i].ReadValue(array));
            w.WriteEndObject();
        }
        else if (type == MiscType)
        {
            // libcper's EFI_ARM_MISC_CONTEXT_REGISTER (include/libcper/Cper.h:1694-1701, inside #pragma pack(push, 1) at
            // line 23) is 10 bytes: the MRS encoding bit fields (op2:3, crm:4, crn:4, op1:3, o0:2) in the first 16 bits,
            // then Value:64 from byte 2; sections/cper-section-arm.c:828-841 refuses an array shorter than those 10 bytes.
            // That is the model's layout (UEFI Table N-30) apart from o0, which libcper reads as 2 bits (bits 14-15;
            // UEFI: bit 14, bit 15 reserved).
            ulong enc = s_miscEncoding.ReadValue(array);
            w.WriteStartObject(s_registerArray);
            w.WriteStartObject(s_mrsEncoding);
            w.WriteNumber(s_op2, enc & 7);
            w.WriteNumber(s_crm, (enc >> 3) & 0xF);
            w.WriteNumber(s_crn, (enc >> 7) & 0xF);
            w.WriteNumber(s_op1, (enc >> 11) & 7);
            w.WriteNumber(s_o0, (enc >> 14) & 3);
            w.WriteEndObject();
            w.WriteNumber(s_value, s_miscValue.ReadValue(array));
            w.WriteEndObject();
        }
        else WriteBase64(w, s_registerArray, array);
        w.WriteEndObject();
    }

    /// <summary><c>{"data": base64}</c>, the text escaped as a string value is (as libcper's tree wrote it).</summary>
    private static void WriteBase64(LcWriter w, JsonEncodedText name, ReadOnlySpan<byte> bytes)
    {
        int chars = (bytes.Length + 2) / 3 * 4;
        char[]? rented = null;
        Span<char> text = chars <= 512 ? stackalloc char[512] : (rented = ArrayPool<char>.Shared.Rent(chars));
        try
        {
            Convert.TryToBase64Chars(bytes, text, out int n);
            w.WriteStartObject(name);
            w.WriteString(s_data, text[..n]);
            w.WriteEndObject();
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <inheritdoc/>
    public override CperSectionBody FromIrBody(JsonObject ir) => FromIrModel(ir);

    /// <summary>The model libcper's JSON describes.</summary>
    public static ArmProcessorSection FromIrModel(JsonObject o)
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
            s_miscEncoding.WriteValue(array, enc);
            s_miscValue.WriteValue(array, U(Lc.M(r, "value")));
        }
        else array = FromB64(Lc.M(r, "data"));
        // libcper writes contexts without padding.
        return new ArmContextInfo((ushort)type, array) { Version = (ushort)U(c["version"], 16), Padded = false };
    }
}
