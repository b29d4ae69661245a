// [lc-audit D] libcper's ARM name tables (cper-section-arm.h)
using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApeiKit.Cper.Json;
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
/// buffer). Reading back fills the section's bytes through <see cref="LcStructure"/> (<see cref="FromIrBody"/>).
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
        "flags", Lm.Chosen("errorInformation", ArmErrorInfo.ErrorInformationField, InformationOf), "virtualFaultAddress", "physicalFaultAddress");

    // [lc-audit D] libcper's members: the declarations' LibCper lines in libcper's order
    private static readonly LcMember[] s_contextHeader = ArmContextInfo.LibCperMembers();

    /// <summary>
    /// The header's members (libcper <c>cper_section_arm_to_ir</c>): the declaration's <c>LibCper</c> lines, in its order,
    /// which is libcper's, with the 32-bit affinity level and the PSCI state written by hand (quirks below).
    /// </summary>
    private static readonly LcMember[] s_header = Lm.InOrder(ArmProcessorSection.LibCperMembers(), "errorInfoNum", "contextInfoNum", "sectionLength",
        Lm.Quirk("errorAffinity", ArmProcessorSection.ErrorAffinityLevelField, WriteAffinity, ReadAffinity), "mpidrEl1", "affinity3", "midrEl1", "running",
        Lm.Quirk("psciState", null, WritePsci, ReadPsci));

    private const int MiscType = (int)ArmRegisterContextType.MiscSystemRegister;

    // [lc-audit Q] contexts: registers from the layouts; type 8 as libcper's 10-byte structure with a 2-bit o0 (compat)
    /// <summary>
    /// The register array of each context type 0-8 from its layout (UEFI 2.10 N.2.4.4.2, Tables N-22 to N-30): libcper's
    /// names are the layouts' register names in lower case (<c>r13_sp</c>, <c>elr_el1</c>), in the layouts' order, which is
    /// libcper's. Type 8 is libcper's <c>EFI_ARM_MISC_CONTEXT_REGISTER</c> (include/libcper/Cper.h:1694-1701, inside
    /// <c>#pragma pack(push, 1)</c> at line 23), 10 bytes: the MRS encoding bit fields in the first 16 bits, then Value:64
    /// from byte 2, the model's layout (Table N-30) apart from o0, which libcper reads as 2 bits (bits 14-15; UEFI: bit 14,
    /// bit 15 reserved): the one quirk, a 2-bit o0 over the declared encoding.
    /// </summary>
    private static readonly LcStructure[] s_registers = [.. Enumerable.Range(0, MiscType + 1).Select(t => ArmProcessorSection.RegisterLayout((ushort)t)!).Select(l => new LcStructure(l,
        l.Find("mrsEncoding") is { } enc
            ? [Lm.Group("mrsEncoding", Lm.Int("op2", enc, "op2"), Lm.Int("crm", enc, "crm"), Lm.Int("crn", enc, "crn"), Lm.Int("op1", enc, "op1"),
                new LcMember("o0", LcKind.Int, enc, new BitFieldDef("o0", "o0", 14, 2))), Lm.Int("value", Lm.F(l, "value"))]
            : Lm.Registers(l, f => f.Label.ToLowerInvariant())))];

    // [lc-audit D] libcper's member names, encoded once; the validation bits from the declarations
    private static JsonEncodedText N(string name) => JsonEncodedText.Encode(name);

    // Value texts written per section, quoted once (LcWriter.Encode).
    private static readonly byte[] s_vendorDefined = LcWriter.Encode("Vendor Defined"), s_reserved = LcWriter.Encode("Reserved"),
        s_singleError = LcWriter.Encode("Single Error"), s_multipleErrors = LcWriter.Encode("Multiple Errors");

    private static readonly JsonEncodedText s_shortName = N("ArmProcessor"), s_errorAffinity = N("errorAffinity"), s_type = N("type"),
        s_psciState = N("psciState"), s_errorInfo = N("errorInfo"), s_multipleError = N("multipleError"), s_contextInfo = N("contextInfo"),
        s_registerArray = N("registerArray"), s_value = N("value"), s_data = N("data"), s_vendorSpecificInfo = N("vendorSpecificInfo");

    // The header's validation bits (UEFI 2.10 Table N-16) and the entry's (Table N-17), from the declarations.
    private static readonly int InfoBit = ArmErrorInfo.ErrorInformationField.ValidBit,
        VirtualBit = ArmErrorInfo.VirtualFaultAddressField.ValidBit, PhysicalBit = ArmErrorInfo.PhysicalFaultAddressField.ValidBit;
    private const int VendorBit = 3; // N.2.4.4 Table N-16: vendor-specific information valid ([ValidationBit(3, ...)] on ArmProcessorSection)

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
        LibCperMap.WriteMembers(w, s_header, body, view.ValidationBits);
        w.WriteStartArray(s_errorInfo);
        foreach (var e in new ArmErrorInfoEnumerator(body, view.ErrInfoNum)) LcStructure.WriteObject(w, s_info, e.Bytes, e.ValidationBits);
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
    /// <summary>
    /// libcper's EFI_ARM_ERROR_RECORD (include/libcper/Cper.h) holds ErrorAffinityLevel as a UINT32 (UEFI Table N-16: one
    /// byte, then 3 reserved), printed with add_int (a signed 32-bit number): the level and the reserved bytes.
    /// </summary>
    private static void WriteAffinity(LcWriter w, ReadOnlySpan<byte> body, ulong valid)
    {
        uint level = BinaryPrimitives.ReadUInt32LittleEndian(body[ArmProcessorSection.ErrorAffinityLevelField.Offset..]);
        w.WriteStartObject(s_errorAffinity);
        w.WriteNumber(s_value, unchecked((int)level));
        w.WriteEncoded(s_type, level < 4 ? s_vendorDefined : s_reserved);
        w.WriteEndObject();
    }

    private static ulong ReadAffinity(JsonNode? n, Span<byte> body)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(body[ArmProcessorSection.ErrorAffinityLevelField.Offset..], (uint)Int32(M(n, "value"), 32));
        return 0;
    }

    /// <summary>libcper prints the PSCI state unless bit 31 of the running state is set, whatever the validation bits say.</summary>
    private static void WritePsci(LcWriter w, ReadOnlySpan<byte> body, ulong valid)
    {
        if ((ArmProcessorSection.RunningStateField.ReadValue(body) >> 31) == 0) w.WriteNumber(s_psciState, ArmProcessorSection.PsciStateField.ReadValue(body));
    }

    /// <summary>The PSCI state read back; its absence is bit 31 of the running state (<see cref="s_section"/>'s AfterRead).</summary>
    private static ulong ReadPsci(JsonNode? n, Span<byte> body)
    {
        ArmProcessorSection.PsciStateField.WriteValue(body, U(n, 32));
        return 0;
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

    /// <summary>
    /// The entry's error information as libcper shows it: an object named by the entry's kind under libcper's Type
    /// encoding (<c>cacheError</c>, <c>tlbError</c>, <c>busError</c>), of that kind's members; none for other kinds.
    /// </summary>
    private static LcMember[]? InformationOf(ReadOnlySpan<byte> entry) => ArmErrorInfo.DecodeType((byte)ArmErrorInfo.TypeField.ReadValue(entry), ArmErrorTypeEncoding.LibCper) switch
    {
        ArmErrorKind.Cache => s_cacheInfo,
        ArmErrorKind.Tlb => s_tlbInfo,
        ArmErrorKind.Bus => s_busInfo,
        _ => null,
    };

    private static readonly LcMember[] s_cacheInfo = [Lm.Group("cacheError", s_cache)], s_tlbInfo = [Lm.Group("tlbError", s_tlb)], s_busInfo = [Lm.Group("busError", s_bus)];

    // [lc-audit Q] contexts: the registers of types 0-8 (s_registers), {} for an empty array; read back at registerArraySize (compat)
    private static void WriteContext(LcWriter w, ArmContextInfoView c)
    {
        int type = c.RegisterContextType;
        w.WriteStartObject();
        LibCperMap.WriteMembers(w, s_contextHeader, c.Bytes, 0);
        if (type < s_registers.Length)
        {
            w.WriteStartObject(s_registerArray);
            LibCperMap.WriteMembers(w, s_registers[type].Members, c.RegisterArray, 0);
            w.WriteEndObject();
        }
        else WriteBase64(w, s_registerArray, c.RegisterArray);
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

    /// <summary>
    /// A context read back: the header's members, then the register array its type gives (<see cref="s_registers"/>), or
    /// its base64 for other types; Register Array Size is the array's length (its declared derivation). libcper's walk
    /// shows only a type's registers, so a <c>registerArraySize</c> above them keeps its size, zeros after the registers
    /// (the bytes then agree with the header); libcper writes contexts without padding, and so does this.
    /// </summary>
    private static readonly LcStructure s_context = new(ArmProcessorSection.ContextHeaderLayout, s_contextHeader)
    {
        Part = AtDeclaredSize(LcPart.Chosen("registerArray", ArmContextInfo.RegisterContextTypeField, t => t < (ulong)s_registers.Length ? s_registers[t] : null)),
    };

    private static LcPart AtDeclaredSize(LcPart registers) => registers with
    {
        Read = (o, n, head, budget, into) =>
        {
            ulong size = ArmContextInfo.RegisterArraySizeField.ReadValue(head), type = ArmContextInfo.RegisterContextTypeField.ReadValue(head);
            // The zeros past the type's registers come out of the section's one budget, taken before reading; the engine writes them.
            int zeros = type <= MiscType ? budget.Zeros(size, s_registers[type].Layout.Size, o, "registerArraySize") : 0;
            return registers.Read(o, n, head, budget, into) + zeros;
        },
    };

    // [lc-audit D] the read-back: libcper's array and part names over the declared layouts (counts, lengths, bits derived by the engine)
    /// <summary>
    /// The section read back: the header's members, ERR_INFO_NUM error-information entries (<see cref="s_info"/>, Length
    /// 32 as declared), CONTEXT_INFO_NUM contexts, the vendor-specific bytes (their presence sets validation bit 3); the
    /// counts and SectionLength derived as the declaration says. A missing <c>psciState</c> is bit 31 of the running state.
    /// </summary>
    private static readonly LcStructure s_section = new(ArmProcessorSection.HeaderLayout, s_header)
    {
        Arrays = [new("errorInfo", "errorInfo", new(ArmProcessorSection.ErrorInfoLayout, s_info)), new("contextInfo", "contextInfo", s_context)],
        Part = LcPart.Base64("vendorSpecificInfo", VendorBit),
        AfterRead = (o, head) =>
        {
            if (!o.ContainsKey("psciState")) ArmProcessorSection.RunningStateField.WriteValue(head, ArmProcessorSection.RunningStateField.ReadValue(head) | 1u << 31);
        },
    };

    /// <inheritdoc/>
    public override CperSectionBody FromIrBody(JsonObject ir) => LcStructure.Body(SectionType, s_section.Read(ir), b => ArmProcessorSection.Decode(b));
}
