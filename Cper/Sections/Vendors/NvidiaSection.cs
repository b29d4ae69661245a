using ApeiKit.Declarations;

namespace ApeiKit.Cper.Vendors;

/// <summary>
/// NVIDIA CPU error section (vendor section type <c>6d5244f2-2712-11ec-bea7-cb3fdb95c786</c>, written by NVIDIA
/// Grace firmware). Layout as openbmc/libcper decodes it (<c>include/libcper/Cper.h</c>, <c>EFI_NVIDIA_ERROR_DATA</c>,
/// and <c>sections/cper-section-nvidia.c</c>): a 16-byte NUL-padded ASCII signature, Error Type (16 bits), Error
/// Instance (16 bits), Severity (8 bits, the CPER severity values), Socket (8 bits), Number of registers (8 bits),
/// one reserved byte, Instance Base (64 bits), then that many 16-byte register entries (address, value). Signature
/// <c>CMET-INFO</c> entries carry channel information in the value (libcper: error count in bits 0-31, channel
/// enabled bit 32, channel is spare bit 33). Register entries are checked against the body; bytes after them are kept
/// as <see cref="TrailingBytes"/>.
/// </summary>
[Layout(StructureName, HeaderSize, Clause)]
[Reserved(23, 1)]
public sealed partial class NvidiaSection : CperSectionBody
{
    /// <summary>The section type GUID.</summary>
    public static readonly Guid SectionGuid = new("6d5244f2-2712-11ec-bea7-cb3fdb95c786");
    /// <summary>Size of the part before the register entries.</summary>
    public const int HeaderSize = 32;
    /// <summary>Size of one register entry.</summary>
    public const int RegisterSize = 16;
    private const string StructureName = "NVIDIA error section";
    internal const string Clause = "libcper include/libcper/Cper.h, EFI_NVIDIA_ERROR_DATA";

    private readonly byte[] _header = new byte[HeaderSize];

    // The declaration of the header (libcper EFI_NVIDIA_ERROR_DATA): one line per field; the FieldDef statics, LayoutDef,
    // the property bodies and NvidiaSectionView are generated from it. The register entries after it are hand-written
    // over NvidiaRegister (declared below) and the count byte. No validation bits: every field always holds meaning.

    /// <summary>The signature (up to 16 ASCII characters, e.g. <c>HSS-BUSY</c>, <c>CMET-INFO</c>).</summary>
    [Field(0, 16, FieldKind.Ascii, LibCper = ":Untrusted")]
    public string Signature
    {
        get => System.Text.Encoding.ASCII.GetString(_header.AsSpan(0, 16)).TrimEnd('\0');
        set
        {
            _header.AsSpan(0, 16).Clear();
            System.Text.Encoding.ASCII.GetBytes((value ?? "").AsSpan(0, Math.Min(16, value?.Length ?? 0)), _header.AsSpan(0, 16));
        }
    }
    /// <summary>Error type.</summary>
    [Field(16, 2, FieldKind.UInt, LibCper = "")] public partial ushort ErrorType { get; set; }
    /// <summary>Error instance.</summary>
    [Field(18, 2, FieldKind.UInt, LibCper = "")] public partial ushort ErrorInstance { get; set; }
    /// <summary>Severity (CPER values: 0 recoverable, 1 fatal, 2 corrected, 3 informational).</summary>
    [Field(20, 1, FieldKind.Enum, Names = nameof(s_severities))] public partial byte Severity { get; set; }
    /// <summary>Socket.</summary>
    [Field(21, 1, FieldKind.UInt, LibCper = "")] public partial byte Socket { get; set; }
    // Number of registers: written from Registers when encoding.
    [Field(22, 1, FieldKind.UInt, Json = "registerCount", Label = "Number of registers", LibCper = "")] private partial byte DeclaredRegisterCount { get; }
    /// <summary>Instance base.</summary>
    [Field(24, 8, FieldKind.Hex, LibCper = "")] public partial ulong InstanceBase { get; set; }

    private static readonly NameTable s_severities = [new(0, "Recoverable"), new(1, "Fatal"), new(2, "Corrected"), new(3, "Informational")];

    private ulong Get(FieldDef field) => field.ReadValue(_header);

    private void Set(FieldDef field, ulong value) => field.WriteValue(_header, value);

    /// <summary>Header layout (libcper <c>EFI_NVIDIA_ERROR_DATA</c>): <see cref="LayoutDef"/>.</summary>
    public static StructDef HeaderLayout => LayoutDef;

    /// <summary>One register entry (address, value): <see cref="NvidiaRegister.LayoutDef"/>.</summary>
    public static StructDef RegisterLayout => NvidiaRegister.LayoutDef;

    /// <summary>The codec; built in (see <see cref="CperSections"/>), and <see cref="Register"/> puts it back in <see cref="CperSectionRegistry.Default"/> after another codec overrode it.</summary>
    public static CperSectionCodec Codec { get; } = new(SectionGuid, "NVIDIA", Describe, (b, o) => Decode(b, o));

    /// <summary>Adds this codec to <see cref="CperSections"/> (the vendor extension point).</summary>
    public static void Register() => CperSectionRegistry.Default.Override(Codec);

    /// <inheritdoc/>
    public override Guid SectionType => SectionGuid;

    /// <summary>The 16 signature bytes as stored (NUL padded; <see cref="Signature"/> is the text).</summary>
    public byte[] SignatureBytes => _header.AsSpan(SignatureField.Offset, SignatureField.Size).ToArray();
    /// <summary>The register entries (the count byte is written from this list).</summary>
    public List<(ulong Address, ulong Value)> Registers { get; } = [];
    /// <summary>Bytes after the register entries (kept for round trip).</summary>
    public byte[] TrailingBytes { get; set; } = [];

    /// <inheritdoc/>
    public override int GetEncodedLength() => checked(HeaderSize + Registers.Count * RegisterSize + TrailingBytes.Length);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">More than 255 registers.</exception>
    public override bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (Registers.Count > byte.MaxValue) throw new InvalidOperationException("An NVIDIA section holds at most 255 registers.");
        int total = GetEncodedLength();
        if (destination.Length < total) return false;
        _header.CopyTo(destination);
        DeclaredRegisterCountField.WriteValue(destination, (ulong)Registers.Count);
        int pos = SectionWalk.WriteRegisterEntries(destination, HeaderSize, Registers);
        TrailingBytes.CopyTo(destination[pos..]);
        bytesWritten = total;
        return true;
    }

    /// <summary>Decodes the section.</summary>
    /// <exception cref="ApeiContentException">Fewer than 32 bytes, or more register entries than the body holds.</exception>
    public static NvidiaSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        int count = Count(body, baseOffset, out var error);
        if (error is not null) throw error;
        var s = new NvidiaSection();
        body[..HeaderSize].CopyTo(s._header);
        int end = SectionWalk.ReadRegisterEntries(body, HeaderSize, count, s.Registers);
        s.TrailingBytes = body[end..].ToArray();
        return s;
    }

    /// <summary>Describes the header, each register entry that fits, and any bytes after them.</summary>
    /// <exception cref="ApeiContentException">Fewer than 32 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        // A builder (JSON input) writes the header before the walk reads it (see IStructureSource).
        HeaderLayout.Prefill(visitor, baseOffset);
        int count = Count(body, baseOffset, out var error);
        HeaderLayout.Describe(body[..HeaderSize], baseOffset, visitor);
        if (error is not null) visitor.Error(error);
        visitor.BeginArray("registers", "Registers", baseOffset + HeaderSize, (long)count * RegisterSize);
        for (int i = 0; i < count; i++)
        {
            long at = baseOffset + HeaderSize + (long)i * RegisterSize;
            visitor.BeginObject(null, $"Register {i}", at, RegisterSize);
            RegisterLayout.Describe(body.Slice(HeaderSize + i * RegisterSize, RegisterSize), at, visitor);
            visitor.EndObject();
        }
        visitor.EndArray();
        int end = HeaderSize + count * RegisterSize;
        if (end < body.Length) visitor.Data(CperRecordDescriber.TrailingMember, "Bytes after the registers", baseOffset + end, body[end..]);
    }

    /// <summary>The number of whole register entries present (the count byte, limited to the body).</summary>
    private static int Count(ReadOnlySpan<byte> body, long baseOffset, out ApeiContentException? error)
    {
        error = null;
        if (body.Length < HeaderSize) ThrowHelper.ThrowTruncated(StructureName, baseOffset, HeaderSize, body.Length);
        int declared = (int)DeclaredRegisterCountField.ReadValue(body);
        int fits = Fits(body.Length);
        if (declared <= fits) return declared;
        error = ApeiContentException.Truncated(FormattableString.Invariant($"{StructureName} register #{fits}"), baseOffset + HeaderSize + (long)fits * RegisterSize,
            RegisterSize, body.Length - HeaderSize - fits * RegisterSize, "Number of registers");
        return fits;
    }

    /// <summary>How many whole register entries a body of <paramref name="length"/> bytes holds after the header.</summary>
    internal static int Fits(int length) => length < HeaderSize ? 0 : (length - HeaderSize) / RegisterSize;
}

/// <summary>
/// One register entry of the NVIDIA error section (libcper <c>include/libcper/Cper.h</c>, <c>EFI_NVIDIA_REGISTER_DATA</c>):
/// a 64-bit address and a 64-bit value (for signature <c>CMET-INFO</c>, libcper's <c>EFI_NVIDIA_CMET_CHANNEL_INFO</c>).
/// A read-only copy; <see cref="NvidiaRegisterView"/> reads the bytes in place.
/// </summary>
[Layout("NVIDIA register", NvidiaSection.RegisterSize, "libcper include/libcper/Cper.h, EFI_NVIDIA_REGISTER_DATA")]
public sealed partial class NvidiaRegister : DeclaredBlock, IRegisterAddressValue
{
    /// <summary>A copy of <paramref name="bytes"/> (shorter input is zero-filled, longer input is cut to the entry).</summary>
    public NvidiaRegister(ReadOnlySpan<byte> bytes) : base(bytes, NvidiaSection.RegisterSize) { }
}

/// <summary>The register entries after the header (libcper <c>EFI_NVIDIA_ERROR_DATA.Register[NumberRegs]</c>), read in place.</summary>
public readonly ref partial struct NvidiaSectionView
{
    /// <summary>
    /// The register entries the body holds: Number of registers when the body holds that many whole entries, else as many
    /// as fit (the describer reports the mismatch; the model and libcper's writer refuse such a body); 0 when the body is
    /// shorter than the 32-byte header.
    /// </summary>
    public int RegisterCount => _body.Length < NvidiaSection.HeaderSize ? 0 : Math.Min(DeclaredRegisterCount, NvidiaSection.Fits(_body.Length));

    /// <summary>True when the body holds every register entry Number of registers declares (and the whole header).</summary>
    public bool RegistersComplete => _body.Length >= NvidiaSection.HeaderSize && DeclaredRegisterCount <= NvidiaSection.Fits(_body.Length);

    /// <summary>Register entry <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="RegisterCount"/>.</exception>
    public NvidiaRegisterView GetRegister(int index)
        => NvidiaRegisterView.Of(ArrayWalk.ElementAt(_body, NvidiaSection.HeaderSize, index, RegisterCount, NvidiaSection.RegisterSize));

    /// <summary>The register entries in order, without allocating (<c>foreach (var r in view.Registers)</c>).</summary>
    public RegisterEnumerator Registers => new(_body, RegisterCount);

    /// <summary>The bytes after the register entries (empty when there are none or the body is shorter than the header).</summary>
    public ReadOnlySpan<byte> TrailingBytes => _body.Length < NvidiaSection.HeaderSize ? default : _body[(NvidiaSection.HeaderSize + RegisterCount * NvidiaSection.RegisterSize)..];

    /// <summary>Enumerates the register entries of an <see cref="NvidiaSectionView"/>.</summary>
    public ref struct RegisterEnumerator
    {
        private ArrayWalk _walk; // the entries, counted once

        internal RegisterEnumerator(ReadOnlySpan<byte> body, int count) => _walk = new(body, NvidiaSection.HeaderSize, count, NvidiaSection.RegisterSize);

        /// <summary>This enumerator (for <c>foreach</c>).</summary>
        public readonly RegisterEnumerator GetEnumerator() => this;

        /// <summary>Moves to the next entry.</summary>
        public bool MoveNext() => _walk.MoveNext();

        /// <summary>The current entry.</summary>
        public readonly NvidiaRegisterView Current => NvidiaRegisterView.Of(_walk.Current);
    }
}

/// <summary>
/// What libcper reads after the header of an NVIDIA section whose signature starts with <c>FWERROR</c> (libcper
/// <c>include/libcper/Cper.h</c>, <c>EFI_NVIDIA_FWERROR</c>; <c>sections/cper-section-nvidia.c</c>, <c>parse_fwerror</c>,
/// shows the first six fields). ApeiKit's own rendering keeps these bytes as register entries; only the libcper
/// dialect reads them through this layout.
/// </summary>
[Layout("NVIDIA firmware error", 88, "libcper include/libcper/Cper.h, EFI_NVIDIA_FWERROR", View = "")]
internal abstract partial class NvidiaFwError
{
    [Field(0, 8, FieldKind.Ascii, Label = "Initiating firmware", LibCper = "initiating_firmware:Untrusted")] internal abstract byte[] InitiatingFirmware { get; }
    [Field(8, 8, FieldKind.Hex, Label = "Task checkpoint", LibCper = "task_checkpoint:Hex:16")] internal abstract ulong TaskCheckpoint { get; }
    [Field(16, 8, FieldKind.Hex, Label = "MB1 error code", LibCper = "mb1_error_code:Hex:16")] internal abstract ulong Mb1ErrorCode { get; }
    [Field(24, 8, FieldKind.Ascii, Label = "MB1 version string", LibCper = "mb1_version_string:Untrusted")] internal abstract byte[] Mb1VersionString { get; }
    [Field(32, 8, FieldKind.Hex, Label = "Bad pages retired mask", LibCper = "bad_pages_retired_mask:Hex:16")] internal abstract ulong BadPagesRetiredMask { get; }
    [Field(40, 8, FieldKind.Hex, Label = "Training or alias check retired mask", LibCper = "training_or_alias_check_retired_mask:Hex:16")] internal abstract ulong TrainingOrAliasCheckRetiredMask { get; }
    [Field(48, 4, FieldKind.UInt, Label = "Worst bad pages channel number")] internal abstract uint WorstBadPagesChannelNumber { get; }
    [Field(52, 4, FieldKind.UInt, Label = "Worst bad pages bad page count")] internal abstract uint WorstBadPagesBadPageCount { get; }
    [Field(56, 4, FieldKind.UInt, Label = "Second worst bad pages channel number")] internal abstract uint SecondWorstBadPagesChannelNumber { get; }
    [Field(60, 4, FieldKind.UInt, Label = "Second worst bad pages bad page count")] internal abstract uint SecondWorstBadPagesBadPageCount { get; }
    [Field(64, 4, FieldKind.UInt, Label = "Third worst bad pages channel number")] internal abstract uint ThirdWorstBadPagesChannelNumber { get; }
    [Field(68, 4, FieldKind.UInt, Label = "Third worst bad pages bad page count")] internal abstract uint ThirdWorstBadPagesBadPageCount { get; }
    [Field(72, 8, FieldKind.Hex, Label = "MSS AON config scratch register 0")] internal abstract ulong MssAonCfgScratchRegister0 { get; }
    [Field(80, 8, FieldKind.Hex, Label = "Scratch DRAM disable")] internal abstract ulong ScratchDramDisable { get; }
}
