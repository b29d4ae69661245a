using System.Buffers.Binary;
using System.Globalization;

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
public sealed partial class ArmProcessorSection : CperSectionBody
{
    /// <summary>Size of the header.</summary>
    public const int HeaderSize = 40;
    internal const string StructureName = "ARM processor error section";
    private const int ErrInfoNumOffset = 4;       // N.2.4.4, ERR_INFO_NUM
    private const int ContextInfoNumOffset = 6;   // N.2.4.4, CONTEXT_INFO_NUM
    private const int SectionLengthOffset = 8;    // N.2.4.4, Section Length

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

    /// <summary>Validation bits: 0 MPIDR, 1 error affinity level, 2 running state, 3 vendor-specific information.</summary>
    public uint ValidationBits { get => (uint)HeaderValidation.ReadValue(_header); set => HeaderValidation.WriteValue(_header, value); }

    /// <summary>Error affinity level (sets validation bit 1).</summary>
    public byte ErrorAffinityLevel
    {
        get => _header[12];
        set { _header[12] = value; ValidationBits |= 1u << 1; }
    }

    /// <summary>The 3 reserved bytes after the affinity level (kept as read).</summary>
    public byte[] Reserved
    {
        get => _header.AsSpan(13, 3).ToArray();
        set { ArgumentNullException.ThrowIfNull(value); value.AsSpan(0, Math.Min(3, value.Length)).CopyTo(_header.AsSpan(13, 3)); }
    }

    /// <summary>MPIDR_EL1 (sets validation bit 0).</summary>
    public ulong Mpidr
    {
        get => BinaryPrimitives.ReadUInt64LittleEndian(_header.AsSpan(16));
        set { BinaryPrimitives.WriteUInt64LittleEndian(_header.AsSpan(16), value); ValidationBits |= 1u << 0; }
    }

    /// <summary>MIDR_EL1.</summary>
    public ulong Midr { get => BinaryPrimitives.ReadUInt64LittleEndian(_header.AsSpan(24)); set => BinaryPrimitives.WriteUInt64LittleEndian(_header.AsSpan(24), value); }

    /// <summary>Running state: bit 0 set when the processor is running (sets validation bit 2).</summary>
    public uint RunningState
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(32));
        set { BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(32), value); ValidationBits |= 1u << 2; }
    }

    /// <summary>PSCI state (meaningful when running state bit 0 is clear).</summary>
    public uint PsciState { get => BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(36)); set => BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(36), value); }

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
        BinaryPrimitives.WriteUInt16LittleEndian(destination[ErrInfoNumOffset..], (ushort)ErrorInfo.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[ContextInfoNumOffset..], (ushort)ContextInfo.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[SectionLengthOffset..], (uint)sectionLength);
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

    /// <summary>The header checks shared by the decoder and the describer.</summary>
    private readonly ref struct Walk
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
            uint sectionLength = BinaryPrimitives.ReadUInt32LittleEndian(body[SectionLengthOffset..]);
            ushort infoNum = BinaryPrimitives.ReadUInt16LittleEndian(body[ErrInfoNumOffset..]);
            ushort contextNum = BinaryPrimitives.ReadUInt16LittleEndian(body[ContextInfoNumOffset..]);
            ApeiContentException? error = null;
            int limit = body.Length;
            if (sectionLength > (uint)body.Length)
            {
                error = new ApeiContentException(StructureName, "SectionLength", baseOffset + SectionLengthOffset,
                    Inv($"at most {body.Length} bytes (the section body's length)"), Inv($"{sectionLength} bytes"));
            }
            else if (sectionLength < HeaderSize)
            {
                error = new ApeiContentException(StructureName, "SectionLength", baseOffset + SectionLengthOffset,
                    Inv($"at least {HeaderSize} bytes (the header)"), Inv($"{sectionLength} bytes"));
            }
            else
            {
                limit = (int)sectionLength;
            }
            ulong room = (ulong)(limit - HeaderSize);
            if ((ulong)infoNum * ArmErrorInfo.Size > room)
            {
                int fits = (int)(room / ArmErrorInfo.Size);
                return new Walk
                {
                    Limit = limit, ErrorInfoCount = fits, ContextCount = 0, LengthError = error,
                    CountError = new ApeiContentException(StructureName, "ErrInfoNum", baseOffset + ErrInfoNumOffset,
                        Inv($"at most {fits} error-information structures of 32 bytes in the {room} bytes after the header"), Inv($"{infoNum}")),
                };
            }
            if (infoNum > limits.MaxErrorInformationEntries || contextNum > limits.MaxContextStructures)
            {
                // Counts that fit the bytes but no real section reaches: walk up to the limit, trust no context count.
                bool info = infoNum > limits.MaxErrorInformationEntries;
                return new Walk
                {
                    Limit = limit, LengthError = error, ContextCount = 0,
                    ErrorInfoCount = Math.Min((int)infoNum, limits.MaxErrorInformationEntries),
                    CountError = info
                        ? new ApeiContentException(StructureName, "ErrInfoNum", baseOffset + ErrInfoNumOffset,
                            DecoderLimits.Describe(limits.MaxErrorInformationEntries, nameof(DecoderLimits.MaxErrorInformationEntries)), Inv($"{infoNum}"))
                        : new ApeiContentException(StructureName, "ContextInfoNum", baseOffset + ContextInfoNumOffset,
                            DecoderLimits.Describe(limits.MaxContextStructures, nameof(DecoderLimits.MaxContextStructures)), Inv($"{contextNum}")),
                };
            }
            return new Walk { Limit = limit, ErrorInfoCount = infoNum, ContextCount = contextNum, LengthError = error };
        }
    }

    private static ApeiContentException? CheckInfoLength(ReadOnlySpan<byte> body, int at, int index, long baseOffset)
    {
        byte length = body[at + 1];
        return length == ArmErrorInfo.Size ? null
            : ApeiContentException.Invalid(Inv($"ARM error information #{index}"), "Length", baseOffset + at + 1, "32", Inv($"{length}"));
    }

    private static ApeiContentException? CheckContext(ReadOnlySpan<byte> body, int pos, int limit, int index, long baseOffset, out int size)
    {
        size = 0;
        string name = Inv($"ARM context information #{index}");
        long left = limit - pos;
        if (left < ArmContextInfo.HeaderSize)
            return ApeiContentException.Truncated(name, baseOffset + pos, ArmContextInfo.HeaderSize, left);
        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(body[(pos + 4)..]);
        ulong room = (ulong)(left - ArmContextInfo.HeaderSize);
        if (declared > room)
        {
            return new ApeiContentException(name, "RegisterArraySize", baseOffset + pos + 4,
                Inv($"at most {room} bytes (left before SectionLength)"), Inv($"{declared} bytes"));
        }
        size = (int)declared;
        return null;
    }

    /// <summary>
    /// The zero padding after the context structure of <paramref name="length"/> bytes at <paramref name="start"/>
    /// (UEFI N.2.4.4: a context structure whose size is not a multiple of 16 bytes is padded with zeros), or -1 when
    /// the bytes there are not that padding (libcper puts the next structure or the vendor bytes right after the
    /// register array).
    /// </summary>
    private static int ContextPadding(ReadOnlySpan<byte> body, int start, int length, int limit)
    {
        int padding = ArmContextInfo.PaddingFor(length);
        int end = start + length;
        if (padding == 0) return 0;
        if (padding > limit - end || body.Slice(end, padding).ContainsAnyExcept((byte)0)) return -1;
        return padding;
    }

    internal static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
