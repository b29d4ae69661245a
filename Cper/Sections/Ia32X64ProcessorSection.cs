using System.Buffers.Binary;

namespace ApeiKit.Cper;

/// <summary>
/// IA32/X64 processor error section (UEFI 2.10 N.2.4.2): a 64-byte header whose validation bits carry the number of
/// error-information structures (bits 2-7) and context-information structures (bits 8-13), then that many
/// 64-byte error-information structures (N.2.4.2.1) and context-information structures (N.2.4.2.2, 16-byte header
/// and a register array of the size it declares). The section has no length of its own: bytes after the last
/// context structure are kept as <see cref="TrailingBytes"/>, so decode then encode gives the same bytes.
/// </summary>
/// <example>
/// <code>
/// var x86 = new Ia32X64ProcessorSection { LocalApicId = 2 };
/// x86.ErrorInfo.Add(new Ia32X64ErrorInfo(CperGuids.CheckCache, checkInfo: 0x0000_0000_0407_0006) { InstructionPointer = 0xFFFF_8000_1234_0000 });
/// </code>
/// </example>
public sealed partial class Ia32X64ProcessorSection : CperSectionBody
{
    /// <summary>Size of the header.</summary>
    public const int HeaderSize = 64;
    /// <summary>Largest count the 6-bit ERROR_INFO_NUM and CONTEXT_INFO_NUM fields hold.</summary>
    public const int MaxCount = 63;
    internal const string StructureName = "IA32/X64 processor error section";
    private const int ErrorInfoNumShift = 2;   // N.2.4.2, Validation Bits 2-7
    private const int ContextInfoNumShift = 8; // N.2.4.2, Validation Bits 8-13
    private const ulong CountMask = 0x3F;

    private readonly byte[] _header = new byte[HeaderSize];

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.ProcessorIa32X64, "IA32/X64 Processor", Describe, (b, o) => Decode(b, o));

    /// <summary>A new section: header zero, no structures.</summary>
    public Ia32X64ProcessorSection()
    {
    }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.ProcessorIa32X64;

    /// <summary>
    /// Validation bits: 0 local APIC ID valid, 1 CPUID information valid, 2-7 error-information count,
    /// 8-13 context-information count (the counts are rewritten from the lists when encoding).
    /// </summary>
    public ulong ValidationBits { get => BinaryPrimitives.ReadUInt64LittleEndian(_header); set => BinaryPrimitives.WriteUInt64LittleEndian(_header, value); }

    /// <summary>Local APIC ID (sets validation bit 0).</summary>
    public ulong LocalApicId
    {
        get => BinaryPrimitives.ReadUInt64LittleEndian(_header.AsSpan(8));
        set { BinaryPrimitives.WriteUInt64LittleEndian(_header.AsSpan(8), value); ValidationBits |= 1UL << 0; }
    }

    /// <summary>CPUID information, 48 bytes (real captures hold EAX, EBX, ECX, EDX of CPUID leaf 1 as 32-bit values first); setting sets validation bit 1.</summary>
    public byte[] CpuIdInfo
    {
        get => _header.AsSpan(16, 48).ToArray();
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Length != 48) throw new ArgumentException("CPUID information is 48 bytes.", nameof(value));
            value.CopyTo(_header, 16);
            ValidationBits |= 1UL << 1;
        }
    }

    /// <summary>Error-information structures (at most 63).</summary>
    public List<Ia32X64ErrorInfo> ErrorInfo { get; } = [];

    /// <summary>Context-information structures (at most 63).</summary>
    public List<Ia32X64ContextInfo> ContextInfo { get; } = [];

    /// <summary>Bytes after the last context structure (kept for round trip; new sections have none).</summary>
    public byte[] TrailingBytes { get; set; } = [];

    /// <inheritdoc/>
    public override int GetEncodedLength()
    {
        long n = HeaderSize + (long)ErrorInfo.Count * Ia32X64ErrorInfo.Size + TrailingBytes.Length;
        foreach (var c in ContextInfo) n += c.EncodedLength;
        return checked((int)n);
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">More than 63 structures of a kind, or a register array over 65535 bytes.</exception>
    public override bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (ErrorInfo.Count > MaxCount || ContextInfo.Count > MaxCount)
            throw new InvalidOperationException("The error-information and context-information counts are 6-bit fields (at most 63).");
        foreach (var c in ContextInfo)
        {
            if (c.RegisterArray.Length > ushort.MaxValue) throw new InvalidOperationException("Register Array Size is a 16-bit field.");
        }
        int total = GetEncodedLength();
        if (destination.Length < total) return false;
        _header.CopyTo(destination);
        ulong valid = ValidationBits & ~((CountMask << ErrorInfoNumShift) | (CountMask << ContextInfoNumShift));
        valid |= (ulong)ErrorInfo.Count << ErrorInfoNumShift | (ulong)ContextInfo.Count << ContextInfoNumShift;
        BinaryPrimitives.WriteUInt64LittleEndian(destination, valid);
        int pos = HeaderSize;
        foreach (var e in ErrorInfo)
        {
            e.Span.CopyTo(destination[pos..]);
            pos += Ia32X64ErrorInfo.Size;
        }
        foreach (var c in ContextInfo) pos += c.WriteTo(destination[pos..]);
        TrailingBytes.CopyTo(destination[pos..]);
        bytesWritten = total;
        return true;
    }

    /// <summary>Decodes the section, checking the counts and every register array size against the body first.</summary>
    /// <param name="body">The section body (the descriptor's SectionLength bytes).</param>
    /// <param name="baseOffset">Absolute offset of the body, for error offsets.</param>
    /// <exception cref="ApeiContentException">
    /// Fewer than 64 bytes; error-information structures that do not fit; a context header or register array that
    /// does not fit in what is left of the body.
    /// </exception>
    public static Ia32X64ProcessorSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        var walk = Walk.Start(body, baseOffset);
        if (walk.CountError is { } e) throw e;
        var section = new Ia32X64ProcessorSection();
        body[..HeaderSize].CopyTo(section._header);
        for (int i = 0; i < walk.ErrorInfoCount; i++)
            section.ErrorInfo.Add(new Ia32X64ErrorInfo(body.Slice(HeaderSize + i * Ia32X64ErrorInfo.Size, Ia32X64ErrorInfo.Size)));
        int pos = walk.ContextStart;
        for (int j = 0; j < walk.ContextCount; j++)
        {
            if (CheckContext(body, pos, j, baseOffset, out int size) is { } bad) throw bad;
            section.ContextInfo.Add(new Ia32X64ContextInfo(body.Slice(pos, Ia32X64ContextInfo.HeaderSize + size)));
            pos += Ia32X64ContextInfo.HeaderSize + size;
        }
        section.TrailingBytes = body[pos..].ToArray();
        return section;
    }

    /// <summary>The header checks shared by the decoder and the describer.</summary>
    private readonly ref struct Walk
    {
        public int ErrorInfoCount { get; init; }
        public int ContextCount { get; init; }
        public int ContextStart => HeaderSize + ErrorInfoCount * Ia32X64ErrorInfo.Size;
        public ApeiContentException? CountError { get; init; }

        public static Walk Start(ReadOnlySpan<byte> body, long baseOffset)
        {
            if (body.Length < HeaderSize) ThrowHelper.ThrowTruncated(StructureName, baseOffset, HeaderSize, body.Length);
            ulong valid = BinaryPrimitives.ReadUInt64LittleEndian(body);
            int infoNum = (int)(valid >> ErrorInfoNumShift & CountMask);
            int contextNum = (int)(valid >> ContextInfoNumShift & CountMask);
            int room = body.Length - HeaderSize;
            if (infoNum * Ia32X64ErrorInfo.Size > room)
            {
                int fits = room / Ia32X64ErrorInfo.Size;
                return new Walk
                {
                    ErrorInfoCount = fits,
                    CountError = new ApeiContentException(StructureName, "ValidationBits.ErrorInfoNum", baseOffset,
                        ArmProcessorSection.Inv($"at most {fits} error-information structures of 64 bytes in the {room} bytes after the header"), ArmProcessorSection.Inv($"{infoNum}")),
                };
            }
            return new Walk { ErrorInfoCount = infoNum, ContextCount = contextNum };
        }
    }

    private static ApeiContentException? CheckContext(ReadOnlySpan<byte> body, int pos, int index, long baseOffset, out int size)
    {
        size = 0;
        string name = ArmProcessorSection.Inv($"IA32/X64 context information #{index}");
        int left = body.Length - pos;
        if (left < Ia32X64ContextInfo.HeaderSize)
            return ApeiContentException.Truncated(name, baseOffset + pos, Ia32X64ContextInfo.HeaderSize, left);
        ushort declared = BinaryPrimitives.ReadUInt16LittleEndian(body[(pos + 2)..]);
        int room = left - Ia32X64ContextInfo.HeaderSize;
        if (declared > room)
        {
            return new ApeiContentException(name, "RegisterArraySize", baseOffset + pos + 2,
                ArmProcessorSection.Inv($"at most {room} bytes (left in the section)"), ArmProcessorSection.Inv($"{declared} bytes"));
        }
        size = declared;
        return null;
    }
}

/// <summary>
/// One IA32/X64 processor error-information structure (UEFI 2.10 N.2.4.2.1): 64 bytes, an error type GUID
/// (cache, TLB, bus or micro-architecture check, <see cref="CperGuids.CheckCache"/> and neighbours), validation
/// bits, the check information whose bit fields depend on the type, and four identifiers.
/// </summary>
public sealed class Ia32X64ErrorInfo
{
    /// <summary>Size of the structure.</summary>
    public const int Size = 64;

    private readonly byte[] _bytes = new byte[Size];

    /// <summary>A new structure of <paramref name="errorType"/> with check information (sets validation bit 0).</summary>
    public Ia32X64ErrorInfo(Guid errorType, ulong checkInfo)
    {
        ErrorType = errorType;
        CheckInfo = checkInfo;
    }

    internal Ia32X64ErrorInfo(ReadOnlySpan<byte> bytes) => bytes.CopyTo(_bytes);

    internal ReadOnlySpan<byte> Span => _bytes;

    /// <summary>Error structure type GUID.</summary>
    public Guid ErrorType
    {
        get => new(_bytes.AsSpan(0, 16));
        set => value.TryWriteBytes(_bytes.AsSpan(0, 16));
    }

    /// <summary>Validation bits: 0 check info, 1 target ID, 2 requestor ID, 3 responder ID, 4 instruction pointer.</summary>
    public ulong ValidationBits { get => Read(16); set => Write(16, value); }
    /// <summary>Check information (bit fields per the error type; sets validation bit 0).</summary>
    public ulong CheckInfo { get => Read(24); set { Write(24, value); ValidationBits |= 1UL << 0; } }
    /// <summary>Target address identifier (sets validation bit 1).</summary>
    public ulong TargetId { get => Read(32); set { Write(32, value); ValidationBits |= 1UL << 1; } }
    /// <summary>Requestor identifier (sets validation bit 2).</summary>
    public ulong RequestorId { get => Read(40); set { Write(40, value); ValidationBits |= 1UL << 2; } }
    /// <summary>Responder identifier (sets validation bit 3).</summary>
    public ulong ResponderId { get => Read(48); set { Write(48, value); ValidationBits |= 1UL << 3; } }
    /// <summary>Instruction pointer (sets validation bit 4).</summary>
    public ulong InstructionPointer { get => Read(56); set { Write(56, value); ValidationBits |= 1UL << 4; } }

    private ulong Read(int at) => BinaryPrimitives.ReadUInt64LittleEndian(_bytes.AsSpan(at));
    private void Write(int at, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(_bytes.AsSpan(at), value);
}

/// <summary>Register context types of IA32/X64 context-information structures (UEFI 2.10 N.2.4.2.2).</summary>
public enum Ia32X64RegisterContextType : ushort
{
    /// <summary>Unclassified data.</summary>
    Unclassified = 0,
    /// <summary>MSR registers: 64-bit values of consecutive MSRs starting at the MSR address.</summary>
    Msr = 1,
    /// <summary>32-bit mode execution context (IA32 register state, 92 bytes).</summary>
    Ia32Context = 2,
    /// <summary>64-bit mode execution context (x64 register state, 244 bytes).</summary>
    X64Context = 3,
    /// <summary>FXSAVE context (512 bytes).</summary>
    FxSave = 4,
    /// <summary>32-bit debug registers DR0-DR7.</summary>
    Debug32 = 5,
    /// <summary>64-bit debug registers DR0-DR7.</summary>
    Debug64 = 6,
    /// <summary>Memory-mapped registers starting at the MM register address.</summary>
    MemoryMapped = 7,
}

/// <summary>
/// One IA32/X64 context-information structure (UEFI 2.10 N.2.4.2.2): register context type, register array size,
/// MSR address, memory-mapped register address and the register array. The array size written is the array's length.
/// </summary>
public sealed class Ia32X64ContextInfo
{
    /// <summary>Size of the header before the register array.</summary>
    public const int HeaderSize = 16;

    /// <summary>A new structure of <paramref name="type"/> with a zeroed register array of the type's size (empty when the size is not fixed).</summary>
    public Ia32X64ContextInfo(Ia32X64RegisterContextType type)
    {
        RegisterContextType = (ushort)type;
        RegisterArray = new byte[Ia32X64ProcessorSection.RegisterLayout((ushort)type)?.Size ?? 0];
    }

    /// <summary>A new structure with an explicit register array.</summary>
    public Ia32X64ContextInfo(ushort registerContextType, byte[] registerArray)
    {
        RegisterContextType = registerContextType;
        RegisterArray = registerArray ?? throw new ArgumentNullException(nameof(registerArray));
    }

    internal Ia32X64ContextInfo(ReadOnlySpan<byte> bytes)
    {
        RegisterContextType = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        MsrAddress = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        MmRegisterAddress = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        RegisterArray = bytes[HeaderSize..].ToArray();
    }

    /// <summary>Register context type (see <see cref="Ia32X64RegisterContextType"/>).</summary>
    public ushort RegisterContextType { get; set; }
    /// <summary>MSR address (the first MSR of an MSR context).</summary>
    public uint MsrAddress { get; set; }
    /// <summary>Memory-mapped register address (for memory-mapped register contexts).</summary>
    public ulong MmRegisterAddress { get; set; }
    /// <summary>The register array (its length is written as Register Array Size).</summary>
    public byte[] RegisterArray { get; set; }

    /// <summary>Bytes this structure encodes to.</summary>
    public int EncodedLength => HeaderSize + RegisterArray.Length;

    /// <summary>Reads a named register ("RIP", "CR3", "DR7" or the JSON name) of a 32/64-bit context or debug type.</summary>
    /// <exception cref="ArgumentException">No such register, or the array is not the type's size.</exception>
    public ulong GetRegister(string name) => FindRegister(name).ReadValue(RegisterArray);

    /// <summary>Writes a named register of a 32/64-bit context or debug type.</summary>
    /// <exception cref="ArgumentException">No such register, or the array is not the type's size.</exception>
    public void SetRegister(string name, ulong value) => FindRegister(name).WriteValue(RegisterArray, value);

    private FieldDef FindRegister(string name)
    {
        var layout = Ia32X64ProcessorSection.RegisterLayout(RegisterContextType);
        if (layout is null || layout.Size != RegisterArray.Length) throw new ArgumentException($"Register context type {RegisterContextType} with a {RegisterArray.Length}-byte array has no named registers.", nameof(name));
        foreach (var f in layout.Fields)
        {
            if (string.Equals(f.Label, name, StringComparison.OrdinalIgnoreCase) || f.Json == name) return f;
        }
        throw new ArgumentException($"No register '{name}' in {layout.Name}.", nameof(name));
    }

    internal int WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, RegisterContextType);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], (ushort)RegisterArray.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], MsrAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], MmRegisterAddress);
        RegisterArray.CopyTo(destination[HeaderSize..]);
        return EncodedLength;
    }
}
