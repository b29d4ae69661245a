using System.Buffers.Binary;

namespace ApeiKit.Cper;

public sealed partial class ArmProcessorSection
{
    /// <summary>Error-information layout (UEFI 2.10 Table N-17), generated from <see cref="ArmErrorInfo"/>'s declaration; Type and Error Information are shown by the encoding and kind found.</summary>
    public static StructDef ErrorInfoLayout => ArmErrorInfo.LayoutDef;

    // The Type byte as each encoding reads it (UEFI 2.10 N.2.4.4 Table N-17; DESIGN "ARM notes"): the declared field, named.
    private static readonly FieldDef s_typeFlags = ArmErrorInfo.TypeField with
    {
        Kind = FieldKind.Flags, FlagNames = [new(1, "cache"), new(2, "TLB"), new(3, "bus"), new(4, "micro-architectural")],
    };
    private static readonly FieldDef s_typeEnum = ArmErrorInfo.TypeField with
    {
        Kind = FieldKind.Enum, Names = [new(0, "cache"), new(1, "TLB"), new(2, "bus"), new(3, "micro-architectural")],
    };
    private static readonly FieldDef s_typeLibCper = ArmErrorInfo.TypeField with
    {
        Kind = FieldKind.Enum, Names = [new(1, "cache"), new(2, "TLB"), new(4, "bus"), new(8, "micro-architectural")],
    };

    /// <summary>The Type field as <paramref name="encoding"/> reads it (flags or names over the declared byte).</summary>
    internal static FieldDef TypeField(ArmErrorTypeEncoding encoding)
        => encoding switch { ArmErrorTypeEncoding.Enumeration => s_typeEnum, ArmErrorTypeEncoding.LibCper => s_typeLibCper, _ => s_typeFlags };

    // The Error Information value as each kind reads it (Tables N-18 to N-20): the declared field, with the bit fields
    // of the kind's declaration (ArmProcessorSection.ErrorInformation.cs). Bits 0-15 of the value are its own validation
    // bits (the sub-fields' ValidBit).
    private static readonly FieldDef s_cacheInfo = InfoBits(ArmCacheErrorInformation.ValueField);
    private static readonly FieldDef s_tlbInfo = InfoBits(ArmTlbErrorInformation.ValueField);
    private static readonly FieldDef s_busInfo = InfoBits(ArmBusErrorInformation.ValueField);
    private static readonly FieldDef s_microArchInfo = ArmErrorInfo.ErrorInformationField with { Label = "Micro-architectural error information" };

    private static FieldDef InfoBits(FieldDef declared)
        => ArmErrorInfo.ErrorInformationField with { Label = declared.Label, Kind = FieldKind.Bits, BitFields = declared.BitFields };

    /// <summary>The error-information layout for a kind (cache, TLB and bus bit fields; micro-architectural and others as the raw 64-bit value).</summary>
    public static FieldDef ErrorInformationField(ArmErrorKind kind)
        => kind switch { ArmErrorKind.Cache => s_cacheInfo, ArmErrorKind.Tlb => s_tlbInfo, ArmErrorKind.Bus => s_busInfo, ArmErrorKind.MicroArchitectural => s_microArchInfo, _ => ArmErrorInfo.ErrorInformationField };

    // The error-information structure as the describer walks it (Table N-17): the declared layout's fields up to Type
    // with Type read in each encoding (index: ArmErrorTypeEncoding), and the fields after Type with the Error Information
    // read as each kind (index: ArmErrorKind), validated by the entry's validation bits. Built from the declaration: no
    // offset, size or validation bit is written here.
    private static readonly StructDef[] s_infoHeads =
        [InfoHead(ArmErrorTypeEncoding.BitFlags), InfoHead(ArmErrorTypeEncoding.Enumeration), InfoHead(ArmErrorTypeEncoding.LibCper)];
    private static readonly StructDef[] s_infoTails =
    [
        InfoTail(ArmErrorKind.Unknown), InfoTail(ArmErrorKind.Cache), InfoTail(ArmErrorKind.Tlb), InfoTail(ArmErrorKind.Bus),
        InfoTail(ArmErrorKind.MicroArchitectural), InfoTail(ArmErrorKind.Multiple),
    ];

    private static StructDef InfoHead(ArmErrorTypeEncoding encoding)
        => new(ArmErrorInfo.LayoutDef.Name, ArmErrorInfo.Size,
            [.. ArmErrorInfo.LayoutDef.Fields.Where(f => f.Offset <= ArmErrorInfo.TypeField.Offset).Select(f => ReferenceEquals(f, ArmErrorInfo.TypeField) ? TypeField(encoding) : f)],
            ArmErrorInfo.LayoutDef.ValidationField!.Json);

    private static StructDef InfoTail(ArmErrorKind kind)
        => new(ArmErrorInfo.LayoutDef.Name, ArmErrorInfo.Size,
            [.. ArmErrorInfo.LayoutDef.Fields.Where(f => f.Offset > ArmErrorInfo.TypeField.Offset).Select(f => ReferenceEquals(f, ArmErrorInfo.ErrorInformationField) ? ErrorInformationField(kind) : f)],
            ArmErrorInfo.LayoutDef.ValidationField!);

    /// <summary>Name of a kind, for labels.</summary>
    public static string KindName(ArmErrorKind kind) => kind switch
    {
        ArmErrorKind.Cache => "cache error",
        ArmErrorKind.Tlb => "TLB error",
        ArmErrorKind.Bus => "bus error",
        ArmErrorKind.MicroArchitectural => "micro-architectural error",
        ArmErrorKind.Multiple => "several error types",
        _ => "unknown error type",
    };

    /// <summary>
    /// Describes the section. Header problems (SectionLength, ERR_INFO_NUM) are reported and the walk goes on over
    /// what fits; a bad error-information Length is reported inside that structure; a context that does not fit
    /// ends the context walk and the bytes left are shown undecoded.
    /// </summary>
    /// <exception cref="ApeiContentException">Fewer than 40 bytes (no header to describe).</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
        => Describe(body, baseOffset, visitor, CperDecodeOptions.Default);

    /// <summary>Describes the section as <see cref="Describe(ReadOnlySpan{byte}, long, StructureVisitor)"/>, with the limits and ARM error-type reading of <paramref name="options"/>.</summary>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor, CperDecodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A builder (JSON input) writes what the walk reads before it is reported: the header's counts and length, the
        // error types that pick the encoding, each context header (see IStructureSource).
        bool building = visitor is IStructureSource;
        if (building) HeaderLayout.Prefill(visitor, baseOffset);
        var walk = Walk.Start(body, baseOffset, options.Limits);
        HeaderLayout.Describe(body[..HeaderSize], baseOffset, visitor);
        if (walk.LengthError is { } le) visitor.Error(le);
        if (walk.CountError is { } ce) visitor.Error(ce);

        if (building)
            for (int i = 0; i < walk.ErrorInfoCount; i++) ErrorInfoLayout.Prefill(visitor, baseOffset + HeaderSize + i * ArmErrorInfo.Size, "errorInfo", i);
        var encoding = DetectEncoding(body, walk.ErrorInfoCount, options.ArmErrorTypes);
        if (walk.ErrorInfoCount > 0) visitor.Info(s_typeEncodingName, "Error type encoding assumed", TypeEncodingText(encoding, options.ArmErrorTypes));

        visitor.BeginArray(s_errorInfoName, "Error information", baseOffset + HeaderSize, (long)walk.ErrorInfoCount * ArmErrorInfo.Size);
        for (int i = 0; i < walk.ErrorInfoCount; i++)
        {
            int at = HeaderSize + i * ArmErrorInfo.Size;
            DescribeErrorInfo(body.Slice(at, ArmErrorInfo.Size), i, baseOffset + at, encoding, visitor, CheckInfoLength(body, at, i, baseOffset));
        }
        visitor.EndArray();

        int pos = walk.ContextStart;
        bool contextsOk = walk.CountError is null;
        if (walk.ContextCount > 0)
        {
            visitor.BeginArray(s_contextInfoName, "Context information", baseOffset + pos, walk.Limit - pos);
            for (int j = 0; j < walk.ContextCount; j++)
            {
                if (building) ContextHeaderLayout.Prefill(visitor, baseOffset + pos);
                if (CheckContext(body, pos, walk.Limit, j, baseOffset, out int size) is { } bad)
                {
                    visitor.Error(bad);
                    contextsOk = false;
                    break;
                }
                int end = pos + ArmContextInfo.HeaderSize + size;
                // Whether zero padding follows is read from the bytes after the array; a builder says what its description shows.
                int padding = building && ((IStructureSource)visitor).ShowsNote("padding") == true ? -1 : ContextPadding(body, pos, ArmContextInfo.HeaderSize + size, walk.Limit);
                DescribeContext(body.Slice(pos, ArmContextInfo.HeaderSize + size), j, baseOffset + pos, visitor, body.Slice(end, Math.Max(0, padding)), padding < 0);
                pos = end + Math.Max(0, padding);
            }
            visitor.EndArray();
        }
        if (pos < walk.Limit)
        {
            if (contextsOk) visitor.Data("vendorSpecificInfo", "Vendor-specific information", baseOffset + pos, body[pos..walk.Limit]);
            else visitor.Data(CperRecordDescriber.UndecodedMember, "Bytes not decoded (a count or length above does not fit)", baseOffset + pos, body[pos..walk.Limit]);
        }
        if (walk.Limit < body.Length) visitor.Data(CperRecordDescriber.TrailingMember, "Bytes after SectionLength", baseOffset + walk.Limit, body[walk.Limit..]);
    }

    // The describer's member names and fixed texts, encoded once (JsonName: the JSON renderer writes their bytes, no
    // name cache or text encoding per section or entry; other visitors receive the same strings).
    private static readonly JsonName s_typeEncodingName = new("typeEncoding"), s_errorInfoName = new("errorInfo"),
        s_contextInfoName = new("contextInfo"), s_registersName = new("registers"), s_kindName = new("kind");

    // KindName of each ArmErrorKind (indexed by its value, as s_infoTails is).
    private static readonly JsonName[] s_kindNames =
    [
        new(KindName(ArmErrorKind.Unknown)), new(KindName(ArmErrorKind.Cache)), new(KindName(ArmErrorKind.Tlb)),
        new(KindName(ArmErrorKind.Bus)), new(KindName(ArmErrorKind.MicroArchitectural)), new(KindName(ArmErrorKind.Multiple)),
    ];

    // typeEncoding's text for each encoding (index: ArmErrorTypeEncoding) and how it was chosen (0: the bit-flags setting,
    // 1: auto, 2: any other setting).
    private static readonly JsonName[] s_typeEncodingTexts = [.. Enumerable.Range(0, 9).Select(i => new JsonName(ArmErrorInfo.Describe((ArmErrorTypeEncoding)(i / 3)) + (i % 3) switch
    {
        0 => "",
        1 => " (detected from this section's values: auto)",
        _ => " (chosen by the ARM error type setting)",
    }))];

    private static JsonName TypeEncodingText(ArmErrorTypeEncoding encoding, ArmErrorTypeMode mode)
    {
        int how = mode switch { ArmErrorTypeMode.BitFlags => 0, ArmErrorTypeMode.Auto => 1, _ => 2 };
        // ArmErrorTypeSetting.Resolve gives one of the three encodings; any other value is described as bit flags, as Describe does.
        int at = (uint)encoding <= (uint)ArmErrorTypeEncoding.LibCper ? (int)encoding : 0;
        return s_typeEncodingTexts[3 * at + how];
    }

    internal static ArmErrorTypeEncoding DetectEncoding(ReadOnlySpan<byte> body, int count, ArmErrorTypeMode mode)
    {
        Span<byte> types = count <= 256 ? stackalloc byte[256] : new byte[count]; // DecoderLimits keeps it at 256 unless raised
        types = types[..count];
        for (int i = 0; i < count; i++) types[i] = body[HeaderSize + i * ArmErrorInfo.Size + ArmErrorInfo.TypeField.Offset];
        return ArmErrorTypeSetting.Resolve(mode, types);
    }

    private static void DescribeErrorInfo(ReadOnlySpan<byte> info, int index, long offset, ArmErrorTypeEncoding encoding, StructureVisitor visitor, ApeiContentException? lengthError)
    {
        byte type = info[ArmErrorInfo.TypeField.Offset];
        var kind = ArmErrorInfo.DecodeType(type, encoding);
        visitor.BeginObject(null, $"Error information #{index}: {KindName(kind)}", offset, ArmErrorInfo.Size);
        if (lengthError is not null) visitor.Error(lengthError);
        // Table N-17 in two whole layouts (the compact JSON renderer writes each from its compiled form): Version to Type,
        // the Type read in the section's encoding; the kind it names (JSON only) and any warning about the byte; then
        // Multiple Error to the physical fault address, the Error Information read as that kind (Tables N-18 to N-20,
        // its sub-fields validated by the value's own bits 0-15).
        s_infoHeads[(int)encoding].Describe(info, offset, visitor);
        visitor.JsonOnly(s_kindName, s_kindNames[(int)kind]);
        if (ArmErrorTypeSetting.BitFlagWarning(type, encoding) is { } warning) visitor.Info("typeWarning", "Warning", warning);
        s_infoTails[(int)kind].Describe(info, offset, visitor);
        if (kind == ArmErrorKind.MicroArchitectural && StructDef.IsValid(ArmErrorInfo.ErrorInformationField, ErrorInfoLayout.ReadValidationBits(info)))
            visitor.Info("note", "Note", "micro-architectural error information is implementation defined (UEFI N.2.4.4); shown raw");
        visitor.EndObject();
    }

    private static void DescribeContext(ReadOnlySpan<byte> context, int index, long offset, StructureVisitor visitor, ReadOnlySpan<byte> padding, bool unpadded)
    {
        ushort type = SectionWalk.BeginContext(context, index, offset, context.Length + padding.Length, ContextHeaderLayout, ArmContextInfo.RegisterContextTypeField, RegisterContextTypes, visitor);
        var array = context[ArmContextInfo.HeaderSize..];
        long arrayOffset = offset + ArmContextInfo.HeaderSize;
        var layout = RegisterLayout(type);
        // The type's register layout when the array is its size; else the type's other form, or raw.
        if (!SectionWalk.FixedRegisters(layout, array, arrayOffset, visitor))
        {
            if (layout is not null && type == (ushort)ArmRegisterContextType.MiscSystemRegister && array.Length % layout.Size == 0 && array.Length > 0)
            {
                visitor.BeginArray(s_registersName, "Registers", arrayOffset, array.Length);
                for (int k = 0; k < array.Length; k += layout.Size)
                {
                    visitor.BeginObject(null, "System register", arrayOffset + k, layout.Size);
                    layout.Describe(array.Slice(k, layout.Size), arrayOffset + k, visitor);
                    visitor.EndObject();
                }
                visitor.EndArray();
            }
            else SectionWalk.RawRegisters(layout, array, arrayOffset, visitor);
        }
        if (!padding.IsEmpty) visitor.Data("padding", "Padding to a multiple of 16 bytes", offset + context.Length, padding);
        if (unpadded) visitor.Info("padding", "Padding", "none: the next bytes follow the register array directly (UEFI pads each context structure with zeros to a multiple of 16 bytes)");
        visitor.EndObject();
    }
}
