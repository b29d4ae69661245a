// [lc-audit D] libcper's ARM name tables (cper-section-arm.h)
using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// ARM processor error section as libcper renders it (<c>sections/cper-section-arm.c</c>; UEFI 2.10 N.2.4.4). libcper
/// reads the error-information Type as 1 cache, 2 TLB, 4 bus, 8 micro-architectural (UEFI 2.9A+ uses bit flags
/// 2/4/8/16) and packs context register arrays without padding; both only in this rendering (docs/libcper-compat.md).
/// Built on <see cref="ArmProcessorSection"/>: the Type byte is read with <see cref="ArmErrorInfo.KindUnder"/> in
/// libcper's encoding, error-information members from the kinds' declarations (<see cref="ArmCacheErrorInformation"/>),
/// registers from the model's register layouts (in their order, which is libcper's).
/// </summary>
/// <remarks>
/// Streamed (issue #15): written straight into the <see cref="LcWriter"/> from the body, through the section's
/// declarations and its zero-copy view (<see cref="ArmProcessorSectionView"/>: the header fields, the error-information
/// entries, the contexts), names encoded once. Two passes: the first is libcper's walk (<see cref="Walk"/>: bounded by the
/// body, contexts without padding, Unknown only where libcper gives up), the second writes the message, which comes first
/// in the object and names every entry (at most 511 characters, as libcper's buffer), then the section. Nothing is
/// allocated per record but a vendor-specific part over 384 bytes (a pooled
/// buffer). Reading back goes through the model (<see cref="FromIrBody"/>).
/// </remarks>
internal sealed class LcArm : LibCperSection
{
    public override Guid SectionType => CperGuids.ProcessorArm;
    public override string ReadableName => "ARM";
    public override string ShortName => "ArmProcessor";

    // libcper's tables (include/libcper/sections/cper-section-arm.h, ARM_*_VALUES and _KEYS), named by the declarations'
    // LibCperNames (ArmErrorInfo, ArmContextInfo) or by the error-information members below.
    internal static readonly LcNames ErrorTypes = LcNames.Libcper([(1, "Cache Error", null), (2, "TLB Error", null), (4, "Bus Error", null), (8, "Micro-Architectural Error", null)]);
    internal static readonly string[] Flags = ["firstErrorCaptured", "lastErrorCaptured", "propagated", "overflow"];
    internal static readonly LcNames ContextTypes = LcNames.Libcper(
    [
        "AArch32 General Purpose Registers", "AArch32 EL1 Context Registers", "AArch32 EL2 Context Registers", "AArch32 Secure Context Registers",
        "AArch64 General Purpose Registers", "AArch64 EL1 Context Registers", "AArch64 EL2 Context Registers", "AArch64 EL3 Context Registers",
        "Miscellaneous System Register Structure",
    ]);
    internal static readonly LcNames CacheOps = LcNames.Libcper(["Generic Error", "Generic Read", "Generic Write", "Data Read", "Data Write", "Instruction Fetch", "Prefetch", "Eviction", "Snooping", "Snooped", "Management"]);
    internal static readonly LcNames TlbOps = LcNames.Libcper(["Generic Error", "Generic Read", "Generic Write", "Data Read", "Data Write", "Instruction Fetch", "Prefetch", "Local Management Operation", "External Management Operation"]);
    internal static readonly LcNames BusOps = LcNames.Libcper(["Generic Error", "Generic Read", "Generic Write", "Data Read", "Data Write", "Instruction Fetch", "Prefetch"]);
    internal static readonly LcNames Participation = LcIa32X64.ArmParticipation; // the IA32/X64 table's ARM spellings
    internal static readonly LcNames AddressSpaces = LcNames.Libcper([(0, "External Memory Access", null), (1, "Internal Memory Access", null), (3, "Device Memory Access", null)], "Unknown");
    internal static readonly LcNames AccessModes = LcNames.Libcper(["Secure", "Normal"]);

    // [lc-audit Q] bus access mode gated on bit 8; multiple error object; error information by libcper's type encoding (compat "ARM processor")
    /// <summary>
    /// libcper's error-information members (<c>cper_arm_cache_tlb_error_to_ir</c>, <c>cper_arm_bus_error_to_ir</c>): the
    /// declarations' (<see cref="ArmCacheErrorInformation"/>, <see cref="ArmTlbErrorInformation"/>,
    /// <see cref="ArmBusErrorInformation"/>; Tables N-18 to N-20), in their order, which is libcper's, each gated by its own
    /// bit 0-15 of the value. libcper gates a bus error's access mode on bit 8 (time-out), not bit 11 (quirk).
    /// </summary>
    private static readonly LcMember[] s_cache = ArmCacheErrorInformation.LibCperMembers(), s_tlb = ArmTlbErrorInformation.LibCperMembers(),
        s_bus = [.. ArmBusErrorInformation.LibCperMembers().Select(m => m.Name == "accessMode" ? m.When(ArmBusErrorInformation.ValueField.BitFields!.Single(b => b.Json == "timeOut")) : m)];

    /// <summary>
    /// The error-information entry's members (libcper <c>cper_arm_error_info_to_ir</c>): the declaration's, in its order,
    /// with libcper's multiple-error object and the error information by kind written by hand (quirks).
    /// </summary>
    private static readonly LcMember[] s_info = Lm.InOrder(ArmErrorInfo.LibCperMembers(), "version", "length", "errorType",
        Lm.Quirk("multipleError", ArmErrorInfo.MultipleErrorField, WriteMultipleError, (n, body) => { ArmErrorInfo.MultipleErrorField.WriteValue(body, U(M(n, "value"), 16)); return 0; }),
        "flags", Lm.Quirk("errorInformation", ArmErrorInfo.ErrorInformationField, WriteInformation, ReadInformation), "virtualFaultAddress", "physicalFaultAddress");
    private static readonly LcMember[] s_contextHeader = ArmContextInfo.LibCperMembers();

    // [lc-audit M] register and member names from the layouts
    /// <summary>
    /// Register names per context type 0-7 (UEFI 2.10 N.2.4.4.2 tables): libcper's are the layouts' register names in lower
    /// case (<c>r13_sp</c>, <c>elr_el1</c>), in the layouts' order, which is libcper's.
    /// </summary>
    private static readonly JsonEncodedText[][] s_registerNames = [.. Enumerable.Range(0, 8).Select(t => ArmProcessorSection.RegisterLayout((ushort)t)!.Fields.Select(f => N(f.Label.ToLowerInvariant())).ToArray())];

    private static JsonEncodedText N(string name) => JsonEncodedText.Encode(name);

    // Value texts written per section, quoted once (LcWriter.Encode).
    private static readonly byte[] s_vendorDefined = LcWriter.Encode("Vendor Defined"), s_reserved = LcWriter.Encode("Reserved"),
        s_singleError = LcWriter.Encode("Single Error"), s_multipleErrors = LcWriter.Encode("Multiple Errors");

    private static readonly JsonEncodedText s_shortName = N("ArmProcessor"), s_errorInfoNum = N("errorInfoNum"), s_contextInfoNum = N("contextInfoNum"),
        s_sectionLength = N("sectionLength"), s_errorAffinity = N("errorAffinity"), s_type = N("type"), s_mpidr = N("mpidrEl1"),
        s_affinity3 = N("affinity3"), s_midr = N("midrEl1"), s_running = N("running"), s_psciState = N("psciState"), s_errorInfo = N("errorInfo"),
        s_multipleError = N("multipleError"), s_errorInformation = N("errorInformation"), s_cacheError = N("cacheError"), s_tlbError = N("tlbError"),
        s_busError = N("busError"), s_contextInfo = N("contextInfo"),
        s_registerArray = N("registerArray"), s_mrsEncoding = N("mrsEncoding"), s_op2 = N("op2"), s_crm = N("crm"), s_crn = N("crn"),
        s_op1 = N("op1"), s_o0 = N("o0"), s_value = N("value"), s_data = N("data"), s_vendorSpecificInfo = N("vendorSpecificInfo");

    // The header's validation bits (UEFI 2.10 Table N-16) and the entry's (Table N-17), from the declarations.
    private static readonly int MpidrBit = ArmProcessorSection.MpidrField.ValidBit, AffinityBit = ArmProcessorSection.ErrorAffinityLevelField.ValidBit,
        RunningBit = ArmProcessorSection.RunningStateField.ValidBit, InfoBit = ArmErrorInfo.ErrorInformationField.ValidBit,
        VirtualBit = ArmErrorInfo.VirtualFaultAddressField.ValidBit, PhysicalBit = ArmErrorInfo.PhysicalFaultAddressField.ValidBit;
    private const int VendorBit = 3; // N.2.4.4 Table N-16: vendor-specific information valid ([ValidationBit(3, ...)] on ArmProcessorSection)
    private const int MiscType = (int)ArmRegisterContextType.MiscSystemRegister;

    /// <summary>The miscellaneous system register context's two fields (UEFI Table N-30), found once, not per context.</summary>
    private static readonly FieldDef s_miscEncoding = ArmProcessorSection.RegisterLayout(MiscType)!.Find("mrsEncoding")!;
    private static readonly FieldDef s_miscValue = ArmProcessorSection.RegisterLayout(MiscType)!.Find("value")!;

    // [lc-audit Q] libcper's walk and its 512-byte message (compat "ARM processor and ARM RAS walks")
    /// <inheritdoc/>
    public override bool TryWrite(LcWriter w, ReadOnlySpan<byte> body)
    {
        if (!Walk(body, out int contextStart, out int vendorStart, out int vendorEnd)) return false;
        ArmProcessorSectionView.TryRead(body, out var view);
        Span<byte> text = stackalloc byte[MessageSize];
        w.WriteStartObject();
        w.WriteString(MessageName, text[..Message(view, body, text)]);
        w.WriteStartObject(s_shortName);
        WriteHeader(w, view);
        w.WriteStartArray(s_errorInfo);
        foreach (var e in new ArmErrorInfoEnumerator(body, view.ErrInfoNum)) WriteErrorInfo(w, e);
        w.WriteEndArray();
        w.WriteStartArray(s_contextInfo);
        for (int j = 0, pos = contextStart; j < view.ContextInfoNum; j++)
        {
            int length = ArmContextInfo.HeaderSize + (int)ArmContextInfo.RegisterArraySizeField.ReadValue(body[pos..]);
            WriteContext(w, ArmContextInfoView.Of(body.Slice(pos, length)));
            pos += length;
        }
        w.WriteEndArray();
        if (vendorEnd > vendorStart) WriteBase64(w, s_vendorSpecificInfo, body[vendorStart..vendorEnd]);
        w.WriteEndObject();
        w.WriteEndObject();
        return true;
    }

    /// <summary>
    /// Pass one, libcper's walk (<c>cper_section_arm_to_ir</c>, <c>cper_arm_processor_context_to_ir</c>), bounded by the
    /// body (the descriptor's section length), not by the header's SectionLength: false (libcper's <c>Unknown</c>) for a
    /// body under the 40-byte header (UEFI 2.10 Table N-16), ERR_INFO_NUM 32-byte entries that do not fit after it, fewer
    /// than 8 bytes left for a context header (Table N-21), a register array larger than the bytes left or, for types 0-8,
    /// smaller than its type's registers (Tables N-22 to N-30; libcper's type 8 is 10 bytes), and vendor-specific bytes
    /// (validation bit 3) up to a SectionLength beyond the body. Contexts follow one another without padding (libcper's
    /// walk); the error-information Length and a SectionLength below the walked bytes are not checked (libcper reads the
    /// 32-byte entries whatever Length says). Gives where the contexts start and the vendor bytes libcper shows
    /// (<paramref name="vendorStart"/> to <paramref name="vendorEnd"/>, empty for none). Every read lies inside the body.
    /// </summary>
    private static bool Walk(ReadOnlySpan<byte> body, out int contextStart, out int vendorStart, out int vendorEnd)
    {
        contextStart = vendorStart = vendorEnd = 0;
        if (body.Length < ArmProcessorSection.HeaderSize) return false;
        ArmProcessorSectionView.TryRead(body, out var view);
        long pos = ArmProcessorSection.HeaderSize + (long)view.ErrInfoNum * ArmErrorInfo.Size;
        if (pos > body.Length) return false;
        contextStart = (int)pos;
        for (int j = 0; j < view.ContextInfoNum; j++)
        {
            if (body.Length - pos < ArmContextInfo.HeaderSize) return false;
            var header = body[(int)pos..];
            ulong type = ArmContextInfo.RegisterContextTypeField.ReadValue(header), size = ArmContextInfo.RegisterArraySizeField.ReadValue(header);
            pos += ArmContextInfo.HeaderSize;
            if (size > (ulong)(body.Length - pos)) return false;
            if (type <= MiscType && size < (ulong)ArmProcessorSection.RegisterLayout((ushort)type)!.Size) return false;
            pos += (long)size;
        }
        vendorStart = vendorEnd = (int)pos;
        uint sectionLength = view.DeclaredSectionLength;
        if (Bit(view.ValidationBits, VendorBit) && pos < sectionLength)
        {
            if (sectionLength > (uint)body.Length) return false;
            vendorEnd = (int)sectionLength;
        }
        return true;
    }

    /// <summary>libcper's message buffer (<c>SECTION_DESC_STRING_SIZE</c>, include/libcper/Cper.h): at most 511 characters.</summary>
    private const int MessageSize = 512;

    /// <summary>
    /// libcper's message: "An ARM Processor Error occurred[ on CPU n]; Error Type(s): {…}" with each entry's type and addresses,
    /// bounded as libcper bounds it: an entry's text is added only while the message stays under 512 characters, then ", "
    /// (3 with its NUL) or "}" (2) only when they fit; "}" only after the last entry (none for ERR_INFO_NUM 0).
    /// </summary>
    private static int Message(ArmProcessorSectionView view, ReadOnlySpan<byte> body, Span<byte> text)
    {
        int n = Put(text, 0, "An ARM Processor Error occurred"u8);
        if (view.HasMpidr)
        {
            n += Put(text, n, " on CPU "u8);
            n += Dec(text, n, (view.Mpidr & 0xFF00000000) >> 32);
        }
        n += Put(text, n, "; Error Type(s): {"u8);
        Span<byte> entry = stackalloc byte[128]; // EFI_ERROR_INFORMATION_DESCRIPTION_STRING_LEN; an entry's text is at most 81
        int count = view.ErrInfoNum, i = 0;
        foreach (var e in new ArmErrorInfoEnumerator(body, count))
        {
            ulong v = e.ValidationBits;
            ReadOnlySpan<byte> desc = "Unknown Error"u8;
            if (Bit(v, InfoBit))
            {
                desc = e.KindUnder(ArmErrorTypeEncoding.LibCper) switch
                {
                    ArmErrorKind.Cache => "Cache Error"u8,
                    ArmErrorKind.Tlb => "TLB Error"u8,
                    ArmErrorKind.Bus => "Bus Error"u8,
                    _ => desc,
                };
            }
            int k = Put(entry, 0, desc);
            if (Bit(v, VirtualBit))
            {
                k += Put(entry, k, " at Virtual Addr=0x"u8);
                k += Hex(entry, k, e.VirtualFaultAddress);
            }
            if (Bit(v, PhysicalBit))
            {
                k += Put(entry, k, " Physical Addr=0x"u8);
                k += Hex(entry, k, e.PhysicalFaultAddress);
            }
            if (n + k < MessageSize)
            {
                entry[..k].CopyTo(text[n..]);
                n += k;
            }
            if (++i == count)
            {
                if (n + 2 < MessageSize) n += Put(text, n, "}"u8);
                break;
            }
            if (n + 3 < MessageSize) n += Put(text, n, ", "u8);
        }
        return n;
    }

    // [lc-audit Q] 32-bit signed affinity level, PSCI state rule (compat "error affinity level")
    private static void WriteHeader(LcWriter w, ArmProcessorSectionView view)
    {
        ulong v = view.ValidationBits;
        w.WriteNumber(s_errorInfoNum, view.ErrInfoNum);
        w.WriteNumber(s_contextInfoNum, view.ContextInfoNum);
        w.WriteNumber(s_sectionLength, view.DeclaredSectionLength);
        if (Bit(v, AffinityBit))
        {
            // libcper's EFI_ARM_ERROR_RECORD (include/libcper/Cper.h) holds ErrorAffinityLevel as a UINT32 (UEFI Table N-16:
            // one byte, then 3 reserved), printed with add_int (a signed 32-bit number): the level and the reserved bytes.
            uint level = BinaryPrimitives.ReadUInt32LittleEndian(view.Bytes[ArmProcessorSection.ErrorAffinityLevelField.Offset..]);
            w.WriteStartObject(s_errorAffinity);
            w.WriteNumber(s_value, unchecked((int)level));
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

    // [lc-audit M] error-information entry through the declared members
    private static void WriteErrorInfo(LcWriter w, ArmErrorInfoView e)
    {
        w.WriteStartObject();
        LibCperMap.WriteMembers(w, s_info, e.Bytes, e.ValidationBits);
        w.WriteEndObject();
    }

    // [lc-audit Q] multiple error object and error information by kind (compat "ARM processor")
    /// <summary>libcper's multiple error: the value and "Single Error" below 1, else "Multiple Errors" (<c>cper_arm_error_info_to_ir</c>).</summary>
    private static void WriteMultipleError(LcWriter w, ReadOnlySpan<byte> entry, ulong valid)
    {
        ulong count = ArmErrorInfo.MultipleErrorField.ReadValue(entry);
        w.WriteStartObject(s_multipleError);
        w.WriteNumber(s_value, count);
        w.WriteEncoded(s_type, count < 1 ? s_singleError : s_multipleErrors);
        w.WriteEndObject();
    }

    /// <summary>The entry's kind under libcper's Type encoding, and that kind's object name and members (null for a kind libcper does not show).</summary>
    private static LcMember[]? InformationOf(ReadOnlySpan<byte> entry, out JsonEncodedText name)
    {
        switch (ArmErrorInfo.DecodeType((byte)ArmErrorInfo.TypeField.ReadValue(entry), ArmErrorTypeEncoding.LibCper))
        {
            case ArmErrorKind.Cache: name = s_cacheError; return s_cache;
            case ArmErrorKind.Tlb: name = s_tlbError; return s_tlb;
            case ArmErrorKind.Bus: name = s_busError; return s_bus;
            default: name = default; return null;
        }
    }

    /// <summary>The error information as libcper shows it: an object named by the kind, each member gated by its own bit 0-15 of the value; nothing for other kinds.</summary>
    private static void WriteInformation(LcWriter w, ReadOnlySpan<byte> entry, ulong valid)
    {
        if (InformationOf(entry, out var name) is not { } members) return;
        w.WriteStartObject(s_errorInformation);
        w.WriteStartObject(name);
        var value = ArmErrorInfo.ErrorInformationField;
        LibCperMap.WriteMembers(w, members, entry.Slice(value.Offset, value.Size), value.ReadValue(entry));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Reads the error information back: the kind's members set their bit fields and their own validation bits (0-15) in the value.</summary>
    private static ulong ReadInformation(JsonNode? n, Span<byte> entry)
    {
        if (InformationOf(entry, out var name) is { } members && n is JsonObject o && o[name.Value] is JsonObject info)
            LibCperMap.ReadBitsInto(info, members, entry, ArmErrorInfo.ErrorInformationField);
        return 0;
    }

    // [lc-audit Q] contexts: type 8 as libcper's 10-byte structure with a 2-bit o0; {} for an empty array (compat)
    private static void WriteContext(LcWriter w, ArmContextInfoView c)
    {
        int type = c.RegisterContextType;
        var array = c.RegisterArray;
        w.WriteStartObject();
        LibCperMap.WriteMembers(w, s_contextHeader, c.Bytes, 0);
        var layout = ArmProcessorSection.RegisterLayout((ushort)type);
        if (type < s_registerNames.Length)
        {
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

    /// <summary>
    /// <c>{"data": base64}</c>, the text escaped as a string value is (as libcper's tree wrote it); <c>{}</c> for no bytes
    /// (libcper's <c>add_binary_base64</c> adds nothing for a length of 0: an unknown context with RegisterArraySize 0).
    /// </summary>
    private static void WriteBase64(LcWriter w, JsonEncodedText name, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            w.WriteStartObject(name);
            w.WriteEndObject();
            return;
        }
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

    // [lc-audit M] read-back through the model
    /// <inheritdoc/>
    public override CperSectionBody FromIrBody(JsonObject ir) => FromIrModel(ir);

    /// <summary>The model libcper's JSON describes.</summary>
    public static ArmProcessorSection FromIrModel(JsonObject o)
    {
        var m = new ArmProcessorSection();
        uint v = 0;
        if (o.ContainsKey("mpidrEl1")) { m.Mpidr = U(o["mpidrEl1"]); v |= 1u << MpidrBit; }
        if (o.ContainsKey("errorAffinity"))
        {
            // libcper's 32-bit ErrorAffinityLevel (see WriteHeader): the level byte and the 3 reserved bytes after it.
            uint level = (uint)Int32(Lc.M(o["errorAffinity"], "value"), 32);
            m.ErrorAffinityLevel = (byte)level;
            m.Reserved = [(byte)(level >> 8), (byte)(level >> 16), (byte)(level >> 24)];
            v |= 1u << AffinityBit;
        }
        m.Midr = U(o["midrEl1"]);
        uint running = 0;
        if (o.ContainsKey("running")) { running = Bool(o["running"]) ? 1u : 0; v |= 1u << RunningBit; }
        if (o.ContainsKey("psciState")) m.PsciState = (uint)U(o["psciState"], 32);
        else running |= 1u << 31;
        m.RunningState = running;
        foreach (var e in o["errorInfo"] as JsonArray ?? []) m.ErrorInfo.Add(ErrorInfoFrom(e as JsonObject ?? []));
        foreach (var c in o["contextInfo"] as JsonArray ?? []) m.ContextInfo.Add(ContextFrom(c as JsonObject ?? []));
        if (o["vendorSpecificInfo"] is JsonObject vs) m.VendorSpecificInfo = FromB64(vs["data"]);
        if (o.ContainsKey("vendorSpecificInfo")) v |= 1u << VendorBit;
        m.ValidationBits = v;
        return m;
    }

    private static ArmErrorInfo ErrorInfoFrom(JsonObject e)
    {
        Span<byte> bytes = stackalloc byte[ArmErrorInfo.Size];
        bytes.Clear();
        ulong v = LibCperMap.ReadMembers(e, s_info, bytes);
        // Length is always 32 (ApeiKit's model refuses any other, as UEFI allows only 32); libcper's "length" is not read back.
        ArmErrorInfo.LengthField.WriteValue(bytes, ArmErrorInfo.Size);
        ArmErrorInfo.ValidationBitsField.WriteValue(bytes, v);
        return new ArmErrorInfo(bytes);
    }

    private static ArmContextInfo ContextFrom(JsonObject c)
    {
        Span<byte> header = stackalloc byte[ArmContextInfo.HeaderSize];
        LibCperMap.ReadMembers(c, s_contextHeader, header);
        int type = (int)ArmContextInfo.RegisterContextTypeField.ReadValue(header);
        uint size = (uint)ArmContextInfo.RegisterArraySizeField.ReadValue(header);
        byte[] array;
        var r = c["registerArray"] as JsonObject;
        var layout = ArmProcessorSection.RegisterLayout((ushort)type);
        if (type < s_registerNames.Length)
        {
            var names = s_registerNames[type];
            array = new byte[Math.Max(size, (uint)layout!.Size)];
            for (int i = 0; i < names.Length; i++) layout.Fields[i].WriteValue(array, U(Lc.M(r, names[i].Value)));
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
        return new ArmContextInfo((ushort)type, array) { Version = (ushort)ArmContextInfo.VersionField.ReadValue(header), Padded = false };
    }
}
