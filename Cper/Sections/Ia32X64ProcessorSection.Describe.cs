namespace ApeiKit.Cper;

public sealed partial class Ia32X64ProcessorSection
{
    /// <summary>Error-information layout (UEFI 2.10 N.2.4.2.1), generated from <see cref="Ia32X64ErrorInfo"/>'s declaration; the check information is shown by the error type.</summary>
    public static StructDef ErrorInfoLayout => Ia32X64ErrorInfo.LayoutDef;

    // The check information as each error type reads it (N.2.4.2.1, Tables N-21 to N-23 and the MS check): the declared
    // field, with the type's bit fields, each declared once in Ia32X64CheckInfo.cs. Bits 0-15 of the value are its own
    // validation bits (the sub-fields' ValidBit).
    private static readonly FieldDef s_cacheCheck = CheckBits("Cache check", Ia32X64CacheCheck.CheckField);
    private static readonly FieldDef s_tlbCheck = CheckBits("TLB check", Ia32X64TlbCheck.CheckField);
    private static readonly FieldDef s_busCheck = CheckBits("Bus check", Ia32X64BusCheck.CheckField);
    private static readonly FieldDef s_msCheck = CheckBits("Micro-architecture specific check", Ia32X64MsCheck.CheckField);

    private static FieldDef CheckBits(string label, FieldDef declared)
        => Ia32X64ErrorInfo.CheckInfoField with { Label = label, Kind = FieldKind.Bits, BitFields = declared.BitFields };

    /// <summary>The check-information layout for an error type GUID (cache, TLB, bus, micro-architecture), or the raw 64-bit field.</summary>
    public static FieldDef CheckInfoField(Guid errorType) => s_checkFields[CheckIndex(errorType)];

    // Index of an error type GUID in s_checkFields and s_infoLayouts: 0 unknown (raw value), 1 cache, 2 TLB, 3 bus, 4 MS check.
    private static int CheckIndex(Guid errorType)
        => errorType == CperGuids.CheckCache ? 1
        : errorType == CperGuids.CheckTlb ? 2
        : errorType == CperGuids.CheckBus ? 3
        : errorType == CperGuids.CheckMicroArchitecture ? 4
        : 0;

    private static readonly FieldDef[] s_checkFields = [Ia32X64ErrorInfo.CheckInfoField, s_cacheCheck, s_tlbCheck, s_busCheck, s_msCheck];

    // The error-information structure as the describer walks it (N.2.4.2.1): the declared layout with the check
    // information read as the entry's error type (index: CheckIndex). One whole layout per entry, so the compact JSON
    // renderer writes it from its compiled form (the check value's sub-fields validated by its own bits 0-15). Built
    // from the declaration: no offset, size or validation bit is written here.
    private static readonly StructDef[] s_infoLayouts = [.. s_checkFields.Select(check => new StructDef(Ia32X64ErrorInfo.LayoutDef.Name, Ia32X64ErrorInfo.Size,
        [.. Ia32X64ErrorInfo.LayoutDef.Fields.Select(f => ReferenceEquals(f, Ia32X64ErrorInfo.CheckInfoField) ? check : f)],
        Ia32X64ErrorInfo.LayoutDef.ValidationField!.Json))];

    /// <summary>Register context type names (N.2.4.2.2).</summary>
    public static NameTable RegisterContextTypes => Ia32X64ContextInfo.RegisterContextTypeNames;

    /// <summary>Context-information header layout (UEFI 2.10 N.2.4.2.2), generated from <see cref="Ia32X64ContextInfo"/>'s declaration.</summary>
    public static StructDef ContextHeaderLayout => Ia32X64ContextInfo.LayoutDef;

    /// <summary>One MSR value of an MSR register context (N.2.4.2.2: the array holds the MSRs from MSR Address on, 8 bytes each).</summary>
    internal static readonly StructDef MsrElement = new("MSR", 8, [FieldDef.Hex("value", "Value", 0, 8)]);

    // IA32 register state (N.2.4.2.2, 92 bytes) and x64 register state (244 bytes).
    private static readonly StructDef s_ia32Registers = Registers("32-bit mode execution context",
    [
        ("EAX", 4), ("EBX", 4), ("ECX", 4), ("EDX", 4), ("ESI", 4), ("EDI", 4), ("EBP", 4), ("ESP", 4),
        ("CS", 2), ("DS", 2), ("SS", 2), ("ES", 2), ("FS", 2), ("GS", 2), ("EFLAGS", 4), ("EIP", 4),
        ("CR0", 4), ("CR1", 4), ("CR2", 4), ("CR3", 4), ("CR4", 4), ("GDTR", 8), ("IDTR", 8), ("LDTR", 2), ("TR", 2),
    ]);
    private static readonly StructDef s_x64Registers = Registers("64-bit mode execution context",
    [
        ("RAX", 8), ("RBX", 8), ("RCX", 8), ("RDX", 8), ("RSI", 8), ("RDI", 8), ("RBP", 8), ("RSP", 8),
        ("R8", 8), ("R9", 8), ("R10", 8), ("R11", 8), ("R12", 8), ("R13", 8), ("R14", 8), ("R15", 8),
        ("CS", 2), ("DS", 2), ("SS", 2), ("ES", 2), ("FS", 2), ("GS", 2), ("", 4), ("RFLAGS", 8), ("RIP", 8),
        ("CR0", 8), ("CR1", 8), ("CR2", 8), ("CR3", 8), ("CR4", 8), ("CR8", 8), ("GDTR", 16), ("IDTR", 16), ("LDTR", 2), ("TR", 2),
    ]);
    // edk2's EFI_CONTEXT_X64_REGISTER_STATE leaves CR8 out (236 bytes); firmware built on it writes that shape.
    private static readonly StructDef s_x64RegistersEdk2 = Registers("64-bit mode execution context (edk2 layout, no CR8)",
    [
        ("RAX", 8), ("RBX", 8), ("RCX", 8), ("RDX", 8), ("RSI", 8), ("RDI", 8), ("RBP", 8), ("RSP", 8),
        ("R8", 8), ("R9", 8), ("R10", 8), ("R11", 8), ("R12", 8), ("R13", 8), ("R14", 8), ("R15", 8),
        ("CS", 2), ("DS", 2), ("SS", 2), ("ES", 2), ("FS", 2), ("GS", 2), ("", 4), ("RFLAGS", 8), ("RIP", 8),
        ("CR0", 8), ("CR1", 8), ("CR2", 8), ("CR3", 8), ("CR4", 8), ("GDTR", 16), ("IDTR", 16), ("LDTR", 2), ("TR", 2),
    ]);
    private static readonly StructDef s_debug32 = Registers("32-bit debug registers",
        [("DR0", 4), ("DR1", 4), ("DR2", 4), ("DR3", 4), ("DR4", 4), ("DR5", 4), ("DR6", 4), ("DR7", 4)]);
    private static readonly StructDef s_debug64 = Registers("64-bit debug registers",
        [("DR0", 8), ("DR1", 8), ("DR2", 8), ("DR3", 8), ("DR4", 8), ("DR5", 8), ("DR6", 8), ("DR7", 8)]);

    /// <summary>The named-register layout of a register context type (32/64-bit execution context, debug registers), or null.</summary>
    public static StructDef? RegisterLayout(ushort registerContextType) => registerContextType switch
    {
        2 => s_ia32Registers,
        3 => s_x64Registers,
        5 => s_debug32,
        6 => s_debug64,
        _ => null,
    };

    private static StructDef Registers(string name, (string Name, int Size)[] registers)
    {
        var fields = new List<FieldDef>(registers.Length);
        int at = 0;
        foreach (var (reg, size) in registers)
        {
            // The GDTR and IDTR of the x64 state are 16 bytes: shown as raw bytes (base and limit as stored).
            fields.Add(reg.Length == 0 ? FieldDef.Reserved(FormattableString.Invariant($"reserved{at}"), at, size)
                : size > 8 ? FieldDef.Bytes(reg.ToLowerInvariant(), reg, at, size)
                : FieldDef.Hex(reg.ToLowerInvariant(), reg, at, size));
            at += size;
        }
        return new StructDef(name, at, fields);
    }

    /// <summary>
    /// Describes the section. A count that does not fit is reported and the walk goes on over the structures that fit;
    /// a context structure that does not fit ends the context walk and the bytes left are shown undecoded.
    /// </summary>
    /// <exception cref="ApeiContentException">Fewer than 64 bytes (no header to describe).</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        // A builder (JSON input) writes what the walk reads before it is reported: the counts in the validation bits, each
        // error type (it picks the check-information layout), each context header (see IStructureSource).
        bool building = visitor is IStructureSource;
        if (building) HeaderLayout.Prefill(visitor, baseOffset);
        var walk = Walk.Start(body, baseOffset);
        HeaderLayout.Describe(body[..HeaderSize], baseOffset, visitor);
        if (walk.CountError is { } ce) visitor.Error(ce);

        visitor.BeginArray("errorInfo", "Error information", baseOffset + HeaderSize, (long)walk.ErrorInfoCount * Ia32X64ErrorInfo.Size);
        for (int i = 0; i < walk.ErrorInfoCount; i++)
        {
            int at = HeaderSize + i * Ia32X64ErrorInfo.Size;
            if (building) ErrorInfoLayout.Prefill(visitor, baseOffset + at);
            DescribeErrorInfo(body.Slice(at, Ia32X64ErrorInfo.Size), i, baseOffset + at, visitor);
        }
        visitor.EndArray();

        int pos = walk.ContextStart;
        bool contextsOk = walk.CountError is null;
        if (walk.ContextCount > 0)
        {
            visitor.BeginArray("contextInfo", "Context information", baseOffset + pos, body.Length - pos);
            for (int j = 0; j < walk.ContextCount; j++)
            {
                if (building) ContextHeaderLayout.Prefill(visitor, baseOffset + pos);
                if (CheckContext(body, pos, j, baseOffset, out int size) is { } bad)
                {
                    visitor.Error(bad);
                    contextsOk = false;
                    break;
                }
                DescribeContext(body.Slice(pos, Ia32X64ContextInfo.HeaderSize + size), j, baseOffset + pos, visitor);
                pos += Ia32X64ContextInfo.HeaderSize + size;
            }
            visitor.EndArray();
        }
        if (pos < body.Length)
        {
            if (contextsOk) visitor.Data(CperRecordDescriber.TrailingMember, "Bytes after the last structure", baseOffset + pos, body[pos..]);
            else visitor.Data(CperRecordDescriber.UndecodedMember, "Bytes not decoded (a count or length above does not fit)", baseOffset + pos, body[pos..]);
        }
    }

    private static void DescribeErrorInfo(ReadOnlySpan<byte> info, int index, long offset, StructureVisitor visitor)
    {
        var type = new Guid(info[..Ia32X64ErrorInfo.ErrorTypeField.Size]);
        string typeName = CperGuids.ProcessorCheckName(type) ?? "unknown check type";
        visitor.BeginObject(null, $"Error information #{index}: {typeName}", offset, Ia32X64ErrorInfo.Size);
        s_infoLayouts[CheckIndex(type)].Describe(info, offset, visitor);
        visitor.EndObject();
    }

    private static void DescribeContext(ReadOnlySpan<byte> context, int index, long offset, StructureVisitor visitor)
    {
        ushort type = SectionWalk.BeginContext(context, index, offset, context.Length, ContextHeaderLayout, Ia32X64ContextInfo.RegisterContextTypeField, RegisterContextTypes, visitor);
        var array = context[Ia32X64ContextInfo.HeaderSize..];
        long arrayOffset = offset + Ia32X64ContextInfo.HeaderSize;
        var layout = RegisterLayout(type);
        if (type == (ushort)Ia32X64RegisterContextType.X64Context && array.Length == s_x64RegistersEdk2.Size)
        {
            layout = s_x64RegistersEdk2;
            visitor.Info("registerLayout", "Register layout", "edk2 layout, no CR8 (236 bytes; UEFI's x64 register state has CR8 and 244 bytes)");
        }
        // The type's register layout when the array is its size; else the type's other form, or raw.
        if (!SectionWalk.FixedRegisters(layout, array, arrayOffset, visitor))
        {
            if (type == (ushort)Ia32X64RegisterContextType.Msr && array.Length > 0 && array.Length % 8 == 0)
            {
                uint msr = (uint)Ia32X64ContextInfo.MsrAddressField.ReadValue(context);
                visitor.BeginArray("registers", "MSRs", arrayOffset, array.Length);
                for (int k = 0; k < array.Length; k += 8)
                {
                    visitor.BeginObject(null, $"MSR 0x{msr + (uint)(k / 8):X}", arrayOffset + k, 8);
                    visitor.Info("msr", "MSR", FormattableString.Invariant($"0x{msr + (uint)(k / 8):X}"));
                    visitor.Field(MsrElement.Fields[0], arrayOffset + k, array.Slice(k, 8), true, ulong.MaxValue);
                    visitor.EndObject();
                }
                visitor.EndArray();
            }
            else SectionWalk.RawRegisters(layout, array, arrayOffset, visitor);
        }
        visitor.EndObject();
    }
}
