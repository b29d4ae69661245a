using System.Buffers.Binary;
using System.Globalization;
using ApeiKit.Declarations;

namespace ApeiKit.Cper;

/// <summary>
/// ARM processor error section (UEFI 2.10 N.2.4.4, Table N-16): a 40-byte header, ERR_INFO_NUM error-information
/// structures of 32 bytes (Table N-17), CONTEXT_INFO_NUM context-information structures (Table N-21) and
/// vendor-specific bytes up to the section's own SectionLength. Bytes after SectionLength (when the descriptor's
/// length is larger) are kept as <see cref="TrailingBytes"/>, so decode then encode gives the same bytes.
/// </summary>
/// <example>
/// <code>
/// var arm = new ArmProcessorSection
/// {
///     Mpidr = 0x8000_0101,
///     ErrorInfo = { new ArmErrorInfo(ArmErrorKind.Cache, ArmErrorInformation.Cache(level: 2, corrected: true), physicalFaultAddress: 0x8000_1000) },
/// };
/// </code>
/// </example>
[Layout(StructureName, HeaderSize, "UEFI 2.10 N.2.4.4, Table N-16", ValidationField = nameof(ValidationBits))]
[Reserved(13, 3)]
[ValidationBit(3, "vendorSpecificInfo")] // validates the vendor-specific bytes after the arrays, not a header field
public sealed partial class ArmProcessorSection : CperSectionBody
{
    /// <summary>Size of the header.</summary>
    public const int HeaderSize = 40;
    internal const string StructureName = "ARM processor error section";

    private readonly byte[] _header = new byte[HeaderSize];

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.ProcessorArm, "ARM Processor", Describe, (b, o) => Decode(b, o))
    {
        // The limits and the ARM error-type reading are decode options (CperDecodeOptions): the registry hands them here.
        DescribeWithOptions = Describe,
        DecodeWithOptions = (b, o, options) => Decode(b, o, options),
    };

    /// <summary>A new section: all header fields zero, no error information, no context, no vendor bytes.</summary>
    public ArmProcessorSection()
    {
    }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.ProcessorArm;

    // The header's declaration (UEFI 2.10 N.2.4.4, Table N-16): one line per field; LayoutDef (HeaderLayout), the
    // XField statics, the property bodies and ArmProcessorSectionView's header accessors are generated from it.
    // The variable part after it (error-information and context arrays, vendor bytes) is walked by hand over
    // ArmErrorInfo's and ArmContextInfo's declarations.

    /// <summary>Validation bits: 0 MPIDR, 1 error affinity level, 2 running state, 3 vendor-specific information.</summary>
    [Field(0, 4, FieldKind.Flags)] public partial uint ValidationBits { get; set; }

    // N.2.4.4 Table N-16: ERR_INFO_NUM and CONTEXT_INFO_NUM count the structures that follow; Section Length covers the
    // header, both arrays and the vendor-specific bytes. An encoder derives them from what it is given (TryEncode writes them).
    [Field(4, 2, FieldKind.UInt, Label = "Error information structures (ERR_INFO_NUM)", Derive = nameof(ErrInfoNumDerivation), LibCper = "errorInfoNum")]
    internal ushort ErrInfoNum => (ushort)ErrorInfo.Count;
    [Field(6, 2, FieldKind.UInt, Label = "Context information structures (CONTEXT_INFO_NUM)", Derive = nameof(ContextInfoNumDerivation), LibCper = "contextInfoNum")]
    internal ushort ContextInfoNum => (ushort)ContextInfo.Count;
    [Field(8, 4, FieldKind.UInt, Json = "sectionLength", Label = "Section length", Unit = "bytes", Derive = nameof(SectionLengthDerivation), LibCper = "")]
    internal uint DeclaredSectionLength => (uint)Get(DeclaredSectionLengthField);

    /// <summary>Error affinity level (sets validation bit 1).</summary>
    [Field(12, 1, FieldKind.UInt, ValidBit = 1)] public partial byte ErrorAffinityLevel { get; set; }

    /// <summary>The 3 reserved bytes after the affinity level (kept as read).</summary>
    public byte[] Reserved
    {
        get => _header.AsSpan(13, 3).ToArray();
        set { ArgumentNullException.ThrowIfNull(value); value.AsSpan(0, Math.Min(3, value.Length)).CopyTo(_header.AsSpan(13, 3)); }
    }

    /// <summary>MPIDR_EL1 (sets validation bit 0).</summary>
    [Field(16, 8, FieldKind.Bits, ValidBit = 0, Label = "MPIDR_EL1", LibCper = "mpidrEl1")]
    [Bit("aff0", 0, 8, Label = "Aff0")]
    [Bit("aff1", 8, 8, Label = "Aff1")]
    [Bit("aff2", 16, 8, Label = "Aff2")]
    [Bit("mt", 24, 1, Label = "MT (multithreading)")]
    [Bit("u", 30, 1, Label = "U (uniprocessor)")]
    [Bit("aff3", 32, 8, Label = "Aff3", LibCper = "affinity3")]
    public partial ulong Mpidr { get; set; }

    /// <summary>MIDR_EL1.</summary>
    [Field(24, 8, FieldKind.Hex, Label = "MIDR_EL1", LibCper = "midrEl1")] public partial ulong Midr { get; set; }

    /// <summary>Running state: bit 0 set when the processor is running (sets validation bit 2).</summary>
    [Field(32, 4, FieldKind.Bits, ValidBit = 2)]
    [Bit("running", 0, 1, Label = "Processor running", LibCper = "running:Bool")]
    public partial uint RunningState { get; set; }

    /// <summary>PSCI state (meaningful when running state bit 0 is clear; sets validation bit 2, which covers it with the running state).</summary>
    [Field(36, 4, FieldKind.Hex, ValidBit = 2, ValidationName = "runningState", Label = "PSCI state (when not running)")]
    public partial uint PsciState { get; set; }

    private static FieldDerivation ErrInfoNumDerivation { get; } = FieldDerivation.CountOf("errorInfo");
    private static FieldDerivation ContextInfoNumDerivation { get; } = FieldDerivation.CountOf("contextInfo");
    private static FieldDerivation SectionLengthDerivation => FieldDerivation.StructureLength;

    /// <summary>Header layout (UEFI 2.10 Table N-16), generated from the declaration (<see cref="LayoutDef"/>).</summary>
    public static StructDef HeaderLayout => LayoutDef;

    private ulong Get(FieldDef field) => field.ReadValue(_header);

    // A setter writes the field and sets its validation bit (a value set is a value meant).
    private void Set(FieldDef field, ulong value) => SectionWalk.WriteMarkingValid(_header, field, value, ValidationBitsField);

    /// <summary>Error-information structures (ERR_INFO_NUM is their count when encoding).</summary>
    public List<ArmErrorInfo> ErrorInfo { get; } = [];

    /// <summary>Context-information structures (CONTEXT_INFO_NUM is their count when encoding).</summary>
    public List<ArmContextInfo> ContextInfo { get; } = [];

    /// <summary>Vendor-specific bytes after the context structures, up to SectionLength (setting non-empty bytes sets validation bit 3).</summary>
    public byte[] VendorSpecificInfo
    {
        get => _vendor;
        set
        {
            _vendor = value ?? throw new ArgumentNullException(nameof(value));
            if (value.Length > 0) ValidationBits |= 1u << 3;
        }
    }
    private byte[] _vendor = [];

    /// <summary>Bytes after SectionLength inside the section body (kept for round trip; new sections have none).</summary>
    public byte[] TrailingBytes { get; set; } = [];

    /// <summary>
    /// The encoding the error-information Type bytes are read in under <paramref name="mode"/> (a decode option,
    /// <see cref="CperDecodeOptions.ArmErrorTypes"/>): bit flags by default; <see cref="ArmErrorTypeMode.Auto"/> detects it
    /// (see <see cref="ArmErrorInfo.DetectEncoding(IEnumerable{byte})"/>).
    /// </summary>
    public ArmErrorTypeEncoding GetTypeEncoding(ArmErrorTypeMode mode = ArmErrorTypeMode.BitFlags) => ArmErrorTypeSetting.Resolve(mode, [.. ErrorInfo.Select(e => e.Type)]);

    /// <summary>SectionLength that <see cref="TryEncode"/> writes: header, structures and vendor bytes.</summary>
    public long SectionLength
    {
        get
        {
            long n = HeaderSize + (long)ErrorInfo.Count * ArmErrorInfo.Size + _vendor.Length;
            foreach (var c in ContextInfo) n += c.EncodedLength;
            return n;
        }
    }

    /// <inheritdoc/>
    public override int GetEncodedLength() => checked((int)(SectionLength + TrailingBytes.Length));

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">More than 65535 error-information or context structures, or a section over 4 GiB.</exception>
    public override bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (ErrorInfo.Count > ushort.MaxValue || ContextInfo.Count > ushort.MaxValue)
            throw new InvalidOperationException("ERR_INFO_NUM and CONTEXT_INFO_NUM are 16-bit counts.");
        long sectionLength = SectionLength;
        if (sectionLength > uint.MaxValue) throw new InvalidOperationException("SectionLength is a 32-bit field.");
        int total = GetEncodedLength();
        if (destination.Length < total) return false;
        _header.CopyTo(destination);
        ErrInfoNumField.WriteValue(destination, (ulong)ErrorInfo.Count);
        ContextInfoNumField.WriteValue(destination, (ulong)ContextInfo.Count);
        DeclaredSectionLengthField.WriteValue(destination, (ulong)sectionLength);
        int pos = HeaderSize;
        foreach (var e in ErrorInfo)
        {
            e.Span.CopyTo(destination[pos..]);
            pos += ArmErrorInfo.Size;
        }
        foreach (var c in ContextInfo) pos += c.WriteTo(destination[pos..]);
        _vendor.CopyTo(destination[pos..]);
        pos += _vendor.Length;
        TrailingBytes.CopyTo(destination[pos..]);
        bytesWritten = total;
        return true;
    }

    /// <summary>Decodes the section, checking every count and length against the enclosing length first.</summary>
    /// <param name="body">The section body (the descriptor's SectionLength bytes).</param>
    /// <param name="baseOffset">Absolute offset of the body, for error offsets.</param>
    /// <param name="options">The limits on ERR_INFO_NUM and CONTEXT_INFO_NUM (<see cref="CperDecodeOptions.Limits"/>); null: the defaults.</param>
    /// <exception cref="ApeiContentException">
    /// Fewer than 40 bytes; SectionLength below 40 or beyond the body; ERR_INFO_NUM structures that do not fit;
    /// an error-information Length other than 32; a context header or register array that does not fit; a count above the limits.
    /// </exception>
    public static ArmProcessorSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0, CperDecodeOptions? options = null)
    {
        var walk = Walk.Start(body, baseOffset, (options ?? CperDecodeOptions.Default).Limits);
        if ((walk.LengthError ?? walk.CountError) is { } e) throw e;
        var section = new ArmProcessorSection();
        body[..HeaderSize].CopyTo(section._header);
        for (int i = 0; i < walk.ErrorInfoCount; i++)
        {
            int at = HeaderSize + i * ArmErrorInfo.Size;
            if (CheckInfoLength(body, at, i, baseOffset) is { } bad) throw bad;
            section.ErrorInfo.Add(new ArmErrorInfo(body.Slice(at, ArmErrorInfo.Size)));
        }
        int pos = walk.ContextStart;
        for (int j = 0; j < walk.ContextCount; j++)
        {
            if (CheckContext(body, pos, walk.Limit, j, baseOffset, out int size) is { } bad) throw bad;
            int padding = ContextPadding(body, pos, ArmContextInfo.HeaderSize + size, walk.Limit);
            section.ContextInfo.Add(new ArmContextInfo(body.Slice(pos, ArmContextInfo.HeaderSize + size), padding >= 0));
            pos += ArmContextInfo.HeaderSize + size + Math.Max(0, padding);
        }
        section._vendor = body[pos..walk.Limit].ToArray();
        section.TrailingBytes = body[walk.Limit..].ToArray();
        return section;
    }

    /// <summary>What the header's counts and length allow (no allocation: the view walks with it too).</summary>
    internal enum LengthProblem : byte { None, SectionLengthBeyondBody, SectionLengthBelowHeader }

    /// <summary>Which count the walk does not trust.</summary>
    internal enum CountProblem : byte { None, InfoBeyondLength, InfoAboveLimit, ContextAboveLimit }

    /// <summary>
    /// The bounds of the variable part (UEFI 2.10 N.2.4.4): the end of the section (SectionLength when it lies between
    /// the header and the body's end, else the body's end), how many error-information structures fit and are walked,
    /// and how many context structures are to be read. The body holds the whole header.
    /// </summary>
    internal static void Measure(ReadOnlySpan<byte> body, DecoderLimits limits, out int limit, out int infoCount, out int contextCount,
        out LengthProblem lengthProblem, out CountProblem countProblem)
    {
        uint sectionLength = BinaryPrimitives.ReadUInt32LittleEndian(body[DeclaredSectionLengthField.Offset..]);
        ushort infoNum = BinaryPrimitives.ReadUInt16LittleEndian(body[ErrInfoNumField.Offset..]);
        ushort contextNum = BinaryPrimitives.ReadUInt16LittleEndian(body[ContextInfoNumField.Offset..]);
        limit = body.Length;
        lengthProblem = sectionLength > (uint)body.Length ? LengthProblem.SectionLengthBeyondBody
            : sectionLength < HeaderSize ? LengthProblem.SectionLengthBelowHeader : LengthProblem.None;
        if (lengthProblem == LengthProblem.None) limit = (int)sectionLength;
        ulong room = (ulong)(limit - HeaderSize);
        if ((ulong)infoNum * ArmErrorInfo.Size > room)
        {
            infoCount = (int)(room / ArmErrorInfo.Size);
            contextCount = 0;
            countProblem = CountProblem.InfoBeyondLength;
        }
        else if (infoNum > limits.MaxErrorInformationEntries || contextNum > limits.MaxContextStructures)
        {
            // Counts that fit the bytes but no real section reaches: walk up to the limit, trust no context count.
            infoCount = Math.Min((int)infoNum, limits.MaxErrorInformationEntries);
            contextCount = 0;
            countProblem = infoNum > limits.MaxErrorInformationEntries ? CountProblem.InfoAboveLimit : CountProblem.ContextAboveLimit;
        }
        else
        {
            infoCount = infoNum;
            contextCount = contextNum;
            countProblem = CountProblem.None;
        }
    }

    /// <summary>The header checks shared by the decoder and the describer.</summary>
    internal readonly ref struct Walk
    {
        public int Limit { get; init; }
        public int ErrorInfoCount { get; init; }
        public int ContextCount { get; init; }
        public int ContextStart => HeaderSize + ErrorInfoCount * ArmErrorInfo.Size;
        public ApeiContentException? LengthError { get; init; }
        public ApeiContentException? CountError { get; init; }

        public static Walk Start(ReadOnlySpan<byte> body, long baseOffset, DecoderLimits limits)
        {
            if (body.Length < HeaderSize) ThrowHelper.ThrowTruncated(StructureName, baseOffset, HeaderSize, body.Length);
            Measure(body, limits, out int limit, out int infoCount, out int contextCount, out var lengthProblem, out var countProblem);
            if (lengthProblem == LengthProblem.None && countProblem == CountProblem.None)
                return new Walk { Limit = limit, ErrorInfoCount = infoCount, ContextCount = contextCount };
            uint sectionLength = BinaryPrimitives.ReadUInt32LittleEndian(body[DeclaredSectionLengthField.Offset..]);
            ushort infoNum = BinaryPrimitives.ReadUInt16LittleEndian(body[ErrInfoNumField.Offset..]);
            ushort contextNum = BinaryPrimitives.ReadUInt16LittleEndian(body[ContextInfoNumField.Offset..]);
            long lengthAt = baseOffset + DeclaredSectionLengthField.Offset, infoAt = baseOffset + ErrInfoNumField.Offset;
            ulong room = (ulong)(limit - HeaderSize);
            return new Walk
            {
                Limit = limit, ErrorInfoCount = infoCount, ContextCount = contextCount,
                LengthError = lengthProblem switch
                {
                    LengthProblem.SectionLengthBeyondBody => new ApeiContentException(StructureName, "SectionLength", lengthAt,
                        FormattableString.Invariant($"at most {body.Length} bytes (the section body's length)"), FormattableString.Invariant($"{sectionLength} bytes")),
                    LengthProblem.SectionLengthBelowHeader => new ApeiContentException(StructureName, "SectionLength", lengthAt,
                        FormattableString.Invariant($"at least {HeaderSize} bytes (the header)"), FormattableString.Invariant($"{sectionLength} bytes")),
                    _ => null,
                },
                CountError = countProblem switch
                {
                    CountProblem.InfoBeyondLength => new ApeiContentException(StructureName, "ErrInfoNum", infoAt,
                        FormattableString.Invariant($"at most {infoCount} error-information structures of 32 bytes in the {room} bytes after the header"), FormattableString.Invariant($"{infoNum}")),
                    CountProblem.InfoAboveLimit => new ApeiContentException(StructureName, "ErrInfoNum", infoAt,
                        DecoderLimits.Describe(limits.MaxErrorInformationEntries, nameof(DecoderLimits.MaxErrorInformationEntries)), FormattableString.Invariant($"{infoNum}")),
                    CountProblem.ContextAboveLimit => new ApeiContentException(StructureName, "ContextInfoNum", baseOffset + ContextInfoNumField.Offset,
                        DecoderLimits.Describe(limits.MaxContextStructures, nameof(DecoderLimits.MaxContextStructures)), FormattableString.Invariant($"{contextNum}")),
                    _ => null,
                },
            };
        }
    }

    private static ApeiContentException? CheckInfoLength(ReadOnlySpan<byte> body, int at, int index, long baseOffset)
    {
        int lengthAt = at + ArmErrorInfo.LengthField.Offset;
        byte length = body[lengthAt];
        return length == ArmErrorInfo.Size ? null
            : ApeiContentException.Invalid(FormattableString.Invariant($"ARM error information #{index}"), "Length", baseOffset + lengthAt, "32", FormattableString.Invariant($"{length}"));
    }

    /// <summary>
    /// The register array size of the context structure at <paramref name="pos"/> (UEFI 2.10 N.2.4.4, Table N-21) when its
    /// header and array fit before <paramref name="limit"/>; false when they do not.
    /// </summary>
    internal static bool TryMeasureContext(ReadOnlySpan<byte> body, int pos, int limit, out int size)
    {
        size = 0;
        long left = limit - pos;
        if (left < ArmContextInfo.HeaderSize) return false;
        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(body[(pos + ArmContextInfo.RegisterArraySizeField.Offset)..]);
        if (declared > (ulong)(left - ArmContextInfo.HeaderSize)) return false;
        size = (int)declared;
        return true;
    }

    private static ApeiContentException? CheckContext(ReadOnlySpan<byte> body, int pos, int limit, int index, long baseOffset, out int size)
    {
        if (TryMeasureContext(body, pos, limit, out size)) return null;
        string name = FormattableString.Invariant($"ARM context information #{index}");
        long left = limit - pos;
        if (left < ArmContextInfo.HeaderSize)
            return ApeiContentException.Truncated(name, baseOffset + pos, ArmContextInfo.HeaderSize, left);
        int sizeAt = pos + ArmContextInfo.RegisterArraySizeField.Offset;
        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(body[sizeAt..]);
        ulong room = (ulong)(left - ArmContextInfo.HeaderSize);
        return new ApeiContentException(name, "RegisterArraySize", baseOffset + sizeAt,
            FormattableString.Invariant($"at most {room} bytes (left before SectionLength)"), FormattableString.Invariant($"{declared} bytes"));
    }

    /// <summary>
    /// The zero padding after the context structure of <paramref name="length"/> bytes at <paramref name="start"/>
    /// (UEFI N.2.4.4: a context structure whose size is not a multiple of 16 bytes is padded with zeros), or -1 when
    /// the bytes there are not that padding (libcper puts the next structure or the vendor bytes right after the
    /// register array).
    /// </summary>
    internal static int ContextPadding(ReadOnlySpan<byte> body, int start, int length, int limit)
    {
        int padding = ArmContextInfo.PaddingFor(length);
        int end = start + length;
        if (padding == 0) return 0;
        if (padding > limit - end || body.Slice(end, padding).ContainsAnyExcept((byte)0)) return -1;
        return padding;
    }

}
