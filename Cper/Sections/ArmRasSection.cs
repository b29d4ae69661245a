using ApeiKit.Declarations;

namespace ApeiKit.Cper;

/// <summary>
/// ARM RAS node section (section type <c>bf32d4d5-b427-4025-8495-8a9e5d4030e4</c>, "ARM RAS" in <see cref="CperGuids"/>):
/// the CPER form of an Arm RAS node's error records described by Arm DEN0085 ("RAS System Architecture CPER"), with the
/// layout as openbmc/libcper reads and writes it (<c>include/libcper/sections/cper-section-arm-ras.h</c>,
/// <c>sections/cper-section-arm-ras.c</c>, example <c>examples/arm-ras.cperhex</c>). An 80-byte node header (revision,
/// component type, error syndrome count, syndrome array offset and auxiliary data offset from the start of the section,
/// IP instance format and IP type format, 16-byte IP instance, 24-byte IP type, 16 bytes of ASCII user data), the
/// 72-byte error syndromes (record index, RAS extension revision/architecture version, ERR&lt;n&gt;FR, CTLR, STATUS, ADDR,
/// MISC0-3), and optional auxiliary data: a 16-byte header (version, address-space context count, total size, key/value
/// array offset and count, both relative to the auxiliary data), address-space contexts (16-byte header: length, flags
/// with the identifier scope in bit 0, register count, address-space identifier; then 16-byte address/value registers),
/// and 24-byte key/value pairs (GUID key, 64-bit value).
/// </summary>
/// <remarks>
/// Every count, offset and length is checked against the body before use. The model keeps the parts in section order
/// (node, bytes before the syndromes, syndromes, bytes before the auxiliary data, auxiliary data, trailing bytes) and
/// writes the offsets and counts from them, so decode then encode is byte-identical. A body whose offsets point backwards
/// or out of the body does not decode (it stays raw); auxiliary data whose own counts do not fit is kept as bytes
/// (<see cref="UndecodedAuxiliaryData"/>). IP type formats other than 0 (PE registers) are kept as bytes.
/// </remarks>
[Layout(StructureName, NodeSize, Clause)]
[Reserved(5, 3)]
[Reserved(18, 6, Json = "reserved2")]
public sealed partial class ArmRasSection : CperSectionBody
{
    /// <summary>The section type GUID.</summary>
    public static readonly Guid SectionGuid = new("bf32d4d5-b427-4025-8495-8a9e5d4030e4");
    /// <summary>Node header size.</summary>
    public const int NodeSize = 80;
    /// <summary>Error syndrome size.</summary>
    public const int SyndromeSize = 72;
    /// <summary>Auxiliary data header size.</summary>
    public const int AuxiliaryHeaderSize = 16;
    /// <summary>Address-space context header size.</summary>
    public const int ContextHeaderSize = 16;
    /// <summary>Register entry size.</summary>
    public const int RegisterSize = 16;
    /// <summary>Key/value pair size.</summary>
    public const int PairSize = 24;
    private const string StructureName = "ARM RAS node section";
    internal const string Clause = "Arm DEN0085 RAS System Architecture CPER; libcper cper-section-arm-ras.h";

    /// <summary>Component types (DEN0085).</summary>
    public static NameTable ComponentTypes { get; } = [
        new(0, "processor error node"), new(1, "memory error node"), new(2, "SMMU error node"), new(3, "vendor-defined error node"),
        new(4, "GIC error node"), new(5, "PCI Express error node"), new(6, "proxy error node"),
    ];

    /// <summary>IP instance formats (DEN0085).</summary>
    public static NameTable InstanceFormats { get; } = [new(0, "PE (MPIDR_EL1)"), new(1, "system physical address"), new(2, "local address identifier"), new(3, "SoC-specific IP identifier")];

    /// <summary>IP type formats (DEN0085).</summary>
    public static NameTable TypeFormats { get; } = [new(0, "PE (MIDR_EL1, REVIDR_EL1, AIDR_EL1)"), new(1, "SMMU IIDR"), new(2, "GIC IIDR"), new(3, "PIDR")];

    private readonly byte[] _node = new byte[NodeSize];

    // The node header's declaration (DEN0085; libcper EFI_ARM_RAS_NODE): one line per field; the FieldDef statics,
    // LayoutDef, the property bodies and ArmRasSectionView are generated from it. The counts and offsets are written from
    // the parts on encode (private), and declared as derived from them (Derive: the count from the syndrome array, the
    // offsets where the syndromes and the auxiliary data start, 0 for none), for an encoder that lays the parts out from
    // a description (the libcper read-back); the syndromes, auxiliary data and its contexts and pairs are declared
    // below, each once, and walked by hand over their declared statics.

    /// <summary>Revision (libcper reads revision 1).</summary>
    [Field(0, 4, FieldKind.UInt, LibCper = "")] public partial uint Revision { get; set; }
    /// <summary>Component type (see <see cref="ComponentTypes"/>).</summary>
    [Field(4, 1, FieldKind.Enum, Names = nameof(ComponentTypes), LibCper = ":Dict", LibCperNames = "LibCper.LcArmRas.ComponentTypes")] public partial byte ComponentType { get; set; }
    [Field(8, 4, FieldKind.UInt, Label = "Error syndrome array entries", Derive = nameof(SyndromeCountDerivation), LibCper = "errorSyndromeArrayNumEntries")] private partial uint ErrorSyndromeCount { get; }
    [Field(12, 2, FieldKind.UInt, Label = "Error syndrome array offset", Unit = "bytes", Derive = nameof(SyndromeOffsetDerivation))] private partial ushort ErrorSyndromeOffset { get; }
    [Field(14, 2, FieldKind.UInt, Label = "Auxiliary data offset (0: none)", Unit = "bytes", Derive = nameof(AuxiliaryOffsetDerivation))] private partial ushort AuxiliaryDataOffset { get; }
    /// <summary>IP instance format (see <see cref="InstanceFormats"/>).</summary>
    [Field(16, 1, FieldKind.Enum, Names = nameof(InstanceFormats), Label = "IP instance format", LibCper = ":Dict", LibCperNames = "LibCper.LcArmRas.InstanceFormats")] public partial byte IpInstanceFormat { get; set; }
    /// <summary>IP type format (see <see cref="TypeFormats"/>).</summary>
    [Field(17, 1, FieldKind.Enum, Names = nameof(TypeFormats), Label = "IP type format", LibCper = ":Dict", LibCperNames = "LibCper.LcArmRas.TypeFormats")] public partial byte IpTypeFormat { get; set; }
    /// <summary>The 16 IP instance bytes (see <see cref="IpInstanceLayouts"/>).</summary>
    [Field(24, 16, FieldKind.Bytes, Label = "IP instance")]
    public byte[] IpInstance { get => GetBytes(IpInstanceField); set => SetBytes(IpInstanceField, value); }
    /// <summary>The 24 IP type bytes (see <see cref="PeIpTypeLayout"/> for format 0).</summary>
    [Field(40, 24, FieldKind.Bytes, Label = "IP type")]
    public byte[] IpType { get => GetBytes(IpTypeField); set => SetBytes(IpTypeField, value); }
    /// <summary>The 16 user data bytes (ASCII, NUL padded).</summary>
    [Field(64, 16, FieldKind.Ascii, Label = "User data", LibCper = ":Untrusted")]
    public byte[] UserData { get => GetBytes(UserDataField); set => SetBytes(UserDataField, value); }

    private static FieldDerivation SyndromeCountDerivation => FieldDerivation.CountOf("errorSyndromes");
    private static FieldDerivation SyndromeOffsetDerivation => FieldDerivation.OffsetOf("errorSyndromes");
    private static FieldDerivation AuxiliaryOffsetDerivation => FieldDerivation.OffsetOf("auxiliaryData"); // DEN0085: 0 when there is none

    private ulong Get(FieldDef field) => field.ReadValue(_node);

    private void Set(FieldDef field, ulong value) => field.WriteValue(_node, value);

    private byte[] GetBytes(FieldDef field) => _node.AsSpan(field.Offset, field.Size).ToArray();

    // A shorter value fills the start of the field (the rest is kept), a longer one is cut to it.
    private void SetBytes(FieldDef field, byte[] value) => value.AsSpan(0, Math.Min(field.Size, value.Length)).CopyTo(_node.AsSpan(field.Offset, field.Size));

    /// <summary>Node header layout (80 bytes): <see cref="LayoutDef"/>.</summary>
    public static StructDef NodeLayout => LayoutDef;

    /// <summary>The IP instance (16 bytes at offset 24) by format: 0 MPIDR_EL1, 1 system physical address, 2 local address identifier and base address.</summary>
    public static IReadOnlyList<StructDef> IpInstanceLayouts { get; } = [ArmRasPeInstance.LayoutDef, ArmRasSystemAddressInstance.LayoutDef, ArmRasLocalAddressInstance.LayoutDef];

    /// <summary>The IP type (24 bytes at offset 40) for format 0: the PE's MIDR_EL1, REVIDR_EL1 and AIDR_EL1 (<see cref="ArmRasPeIpType.LayoutDef"/>).</summary>
    public static StructDef PeIpTypeLayout => ArmRasPeIpType.LayoutDef;

    /// <summary>Error syndrome layout (72 bytes): <see cref="ArmRasSyndrome.LayoutDef"/>.</summary>
    public static StructDef SyndromeLayout => ArmRasSyndrome.LayoutDef;

    /// <summary>Auxiliary data header layout (16 bytes): <see cref="ArmRasAuxiliaryData.LayoutDef"/>.</summary>
    public static StructDef AuxiliaryHeaderLayout => ArmRasAuxiliaryData.LayoutDef;

    /// <summary>Address-space context header layout (16 bytes): <see cref="ArmRasContext.LayoutDef"/>.</summary>
    public static StructDef ContextHeaderLayout => ArmRasContext.LayoutDef;

    /// <summary>Register entry layout: <see cref="ArmRasRegister.LayoutDef"/>.</summary>
    public static StructDef RegisterLayout => ArmRasRegister.LayoutDef;

    /// <summary>Key/value pair layout: <see cref="ArmRasKeyValuePair.LayoutDef"/>.</summary>
    public static StructDef PairLayout => ArmRasKeyValuePair.LayoutDef;

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(SectionGuid, "ARM RAS", Describe, (b, o) => Decode(b, o));

    /// <inheritdoc/>
    public override Guid SectionType => SectionGuid;

    /// <summary>The IP instance layout for <see cref="IpInstanceFormat"/>, or null (format 3 and unknown formats are opaque).</summary>
    public StructDef? IpInstanceLayout => IpInstanceFormat < IpInstanceLayouts.Count ? IpInstanceLayouts[IpInstanceFormat] : null;

    /// <summary>Bytes between the node header and the syndromes (the syndrome offset is written as 80 plus their length).</summary>
    public byte[] BytesBeforeSyndromes { get; set; } = [];
    /// <summary>The error syndromes (72 bytes each, see <see cref="SyndromeLayout"/>).</summary>
    public List<ArmRasSyndrome> Syndromes { get; } = [];
    /// <summary>Bytes between the syndromes and the auxiliary data.</summary>
    public byte[] BytesBeforeAuxiliaryData { get; set; } = [];
    /// <summary>The auxiliary data, or null.</summary>
    public ArmRasAuxiliaryData? AuxiliaryData { get; set; }
    /// <summary>Auxiliary data whose counts or lengths do not fit, kept as bytes (its offset is written), or null.</summary>
    public byte[]? UndecodedAuxiliaryData { get; set; }
    /// <summary>Bytes after the auxiliary data (or after the syndromes when there is none).</summary>
    public byte[] TrailingBytes { get; set; } = [];

    /// <summary>Offset of the syndromes from the start of the section.</summary>
    public int SyndromeOffset => NodeSize + BytesBeforeSyndromes.Length;

    private int AuxiliaryOffset => SyndromeOffset + Syndromes.Count * SyndromeSize + BytesBeforeAuxiliaryData.Length;

    /// <inheritdoc/>
    public override int GetEncodedLength()
        => checked(AuxiliaryOffset + (AuxiliaryData?.EncodedLength ?? UndecodedAuxiliaryData?.Length ?? 0) + TrailingBytes.Length);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">An offset beyond 16 bits.</exception>
    public override bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        bool hasAux = AuxiliaryData is not null || UndecodedAuxiliaryData is not null;
        if (SyndromeOffset > ushort.MaxValue || (hasAux && AuxiliaryOffset > ushort.MaxValue))
            throw new InvalidOperationException("ARM RAS offsets are 16-bit: the syndromes and auxiliary data must start within 65535 bytes.");
        int total = GetEncodedLength();
        if (destination.Length < total) return false;
        _node.CopyTo(destination);
        ErrorSyndromeCountField.WriteValue(destination, (uint)Syndromes.Count);
        ErrorSyndromeOffsetField.WriteValue(destination, (ushort)SyndromeOffset);
        AuxiliaryDataOffsetField.WriteValue(destination, hasAux ? (ushort)AuxiliaryOffset : (ushort)0);
        int pos = NodeSize;
        BytesBeforeSyndromes.CopyTo(destination[pos..]);
        pos += BytesBeforeSyndromes.Length;
        foreach (var s in Syndromes)
        {
            s.Bytes.AsSpan(0, SyndromeSize).CopyTo(destination[pos..]);
            pos += SyndromeSize;
        }
        BytesBeforeAuxiliaryData.CopyTo(destination[pos..]);
        pos += BytesBeforeAuxiliaryData.Length;
        if (AuxiliaryData is not null) pos += AuxiliaryData.Write(destination[pos..]);
        else if (UndecodedAuxiliaryData is not null)
        {
            UndecodedAuxiliaryData.CopyTo(destination[pos..]);
            pos += UndecodedAuxiliaryData.Length;
        }
        TrailingBytes.CopyTo(destination[pos..]);
        bytesWritten = total;
        return true;
    }

    /// <summary>
    /// Where the node's parts lie (a struct: the libcper writer and the view check a body with no allocation). <see cref="AuxFits"/>
    /// is false when the auxiliary data's size, contexts or pairs do not fit (it is kept as bytes then); <see cref="Aux"/>
    /// is its walk when they fit, so a reader of the pairs and contexts does not walk them again.
    /// </summary>
    internal readonly record struct Parts(int SyndromeOffset, int SyndromeCount, int AuxOffset, int AuxEnd, bool AuxFits, ArmRasAuxiliaryData.Layout Aux);

#if DEBUG
    /// <summary>Calls of <see cref="Measure(ReadOnlySpan{byte}, long, out Parts, bool, bool, out ApeiContentException?)"/> (Debug builds; not thread-safe, a count for a test that runs alone): tests hold a reader's walks per record to a constant.</summary>
    internal static int MeasureCalls;
#endif

    /// <summary>Checks the node's offsets and counts against the body (throws when the parts cannot be laid out in order).</summary>
    internal static Parts Check(ReadOnlySpan<byte> body, long baseOffset)
        => Measure(body, baseOffset, out var p, auxiliary: true, errors: true, out var error) ? p : throw error!;

    /// <summary>The node's parts when they can be laid out in order (no message built, nothing allocated).</summary>
    internal static bool TryMeasure(ReadOnlySpan<byte> body, out Parts parts) => Measure(body, 0, out parts, auxiliary: true, errors: false, out _);

    /// <summary>
    /// The node's own parts (the syndrome array; the auxiliary data offset checked, its contents not walked): what the
    /// syndrome accessors need, at the cost of a few header reads. <see cref="Parts.AuxFits"/> is false.
    /// </summary>
    internal static bool TryMeasureNode(ReadOnlySpan<byte> body, out Parts parts) => Measure(body, 0, out parts, auxiliary: false, errors: false, out _);

    /// <summary>
    /// The node's parts, or (false) why they cannot be laid out in order: the one walk the decoder, the describer and the
    /// view share (the libcper writer reads the node as libcper does, LcArmRas.ReadNode). With <paramref name="errors"/> false nothing is allocated (<paramref name="error"/>
    /// stays null: the result is the flag); with it, <paramref name="error"/> says what did not fit. With
    /// <paramref name="auxiliary"/> false the auxiliary data is not walked.
    /// </summary>
    internal static bool Measure(ReadOnlySpan<byte> body, long baseOffset, out Parts parts, bool auxiliary, bool errors, out ApeiContentException? error)
    {
#if DEBUG
        MeasureCalls++;
#endif
        parts = default;
        error = null;
        if (body.Length < NodeSize)
            return Unfit(errors ? ApeiContentException.Truncated(StructureName, baseOffset, NodeSize, body.Length) : null, out error);
        uint count = (uint)ErrorSyndromeCountField.ReadValue(body);
        int syndromeOffset = (int)ErrorSyndromeOffsetField.ReadValue(body);
        int auxOffset = (int)AuxiliaryDataOffsetField.ReadValue(body);
        if (syndromeOffset < NodeSize || syndromeOffset > body.Length)
            return Unfit(errors ? new ApeiContentException(StructureName, "ErrorSyndromeArrayOffset", baseOffset + ErrorSyndromeOffsetField.Offset, FormattableString.Invariant($"{NodeSize} to {body.Length}"), FormattableString.Invariant($"{syndromeOffset}")) : null, out error);
        ulong syndromeEnd = (ulong)syndromeOffset + (ulong)count * SyndromeSize;
        if (syndromeEnd > (ulong)body.Length)
            return Unfit(errors ? new ApeiContentException(StructureName, "ErrorSyndromeArrayNumEntries", baseOffset + ErrorSyndromeCountField.Offset,
                FormattableString.Invariant($"at most {(body.Length - syndromeOffset) / SyndromeSize} syndromes of {SyndromeSize} bytes after offset {syndromeOffset}"), FormattableString.Invariant($"{count}")) : null, out error);
        if (auxOffset == 0)
        {
            parts = new(syndromeOffset, (int)count, 0, (int)syndromeEnd, false, default);
            return true;
        }
        if ((ulong)auxOffset < syndromeEnd || auxOffset > body.Length)
            return Unfit(errors ? new ApeiContentException(StructureName, "AuxiliaryDataOffset", baseOffset + AuxiliaryDataOffsetField.Offset, FormattableString.Invariant($"0, or {syndromeEnd} to {body.Length}"), FormattableString.Invariant($"{auxOffset}")) : null, out error);
        // Auxiliary data that does not fit is not an error of the node: it is kept as bytes (UndecodedAuxiliaryData); its
        // own walk reports why where it is described.
        ArmRasAuxiliaryData.Layout aux = default;
        bool auxFits = auxiliary && ArmRasAuxiliaryData.Walk(body[auxOffset..], 0, out aux, errors: false, out _);
        parts = new(syndromeOffset, (int)count, auxOffset, auxFits ? auxOffset + aux.Size : body.Length, auxFits, auxFits ? aux : default);
        return true;
    }

    /// <summary>A measure's "does not fit": <paramref name="built"/> (null when no message was asked for) and false.</summary>
    internal static bool Unfit(ApeiContentException? built, out ApeiContentException? error)
    {
        error = built;
        return false;
    }

    /// <summary>Decodes the section.</summary>
    /// <exception cref="ApeiContentException">Fewer than 80 bytes, or a syndrome array or auxiliary data offset that does not fit in order.</exception>
    public static ArmRasSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        var p = Check(body, baseOffset);
        var s = new ArmRasSection { BytesBeforeSyndromes = body[NodeSize..p.SyndromeOffset].ToArray() };
        body[..NodeSize].CopyTo(s._node);
        for (int i = 0; i < p.SyndromeCount; i++) s.Syndromes.Add(new ArmRasSyndrome(body.Slice(p.SyndromeOffset + i * SyndromeSize, SyndromeSize)));
        int syndromeEnd = p.SyndromeOffset + p.SyndromeCount * SyndromeSize;
        if (p.AuxOffset != 0)
        {
            s.BytesBeforeAuxiliaryData = body[syndromeEnd..p.AuxOffset].ToArray();
            var aux = body[p.AuxOffset..p.AuxEnd];
            if (p.AuxFits) s.AuxiliaryData = ArmRasAuxiliaryData.Decode(aux, p.Aux); // the measured walk, not a second one
            else s.UndecodedAuxiliaryData = aux.ToArray();
        }
        s.TrailingBytes = body[p.AuxEnd..].ToArray();
        return s;
    }

    /// <summary>Describes the node, the syndromes, the auxiliary data and any bytes between and after them.</summary>
    /// <exception cref="ApeiContentException">Fewer than 80 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        if (body.Length < NodeSize) ThrowHelper.ThrowTruncated(StructureName, baseOffset, NodeSize, body.Length);
        // A builder (JSON input) writes the node (counts and offsets) before the walk reads it (see IStructureSource).
        NodeLayout.Prefill(visitor, baseOffset);
        if (!Measure(body, baseOffset, out var p, auxiliary: true, errors: true, out var error))
        {
            DescribeNode(body[..NodeSize], baseOffset, visitor);
            visitor.Error(error!);
            if (body.Length > NodeSize) visitor.Data(CperRecordDescriber.UndecodedMember, "Bytes not decoded (the offsets do not fit)", baseOffset + NodeSize, body[NodeSize..]);
            return;
        }
        DescribeNode(body[..NodeSize], baseOffset, visitor);
        if (p.SyndromeOffset > NodeSize) visitor.Data("bytesBeforeSyndromes", "Bytes before the syndromes", baseOffset + NodeSize, body[NodeSize..p.SyndromeOffset]);
        visitor.BeginArray("errorSyndromes", "Error syndromes", baseOffset + p.SyndromeOffset, (long)p.SyndromeCount * SyndromeSize);
        for (int i = 0; i < p.SyndromeCount; i++)
        {
            int at = p.SyndromeOffset + i * SyndromeSize;
            visitor.BeginObject(null, $"Error syndrome #{i}", baseOffset + at, SyndromeSize);
            SyndromeLayout.Describe(body.Slice(at, SyndromeSize), baseOffset + at, visitor);
            visitor.EndObject();
        }
        visitor.EndArray();
        int syndromeEnd = p.SyndromeOffset + p.SyndromeCount * SyndromeSize;
        if (p.AuxOffset != 0)
        {
            if (p.AuxOffset > syndromeEnd) visitor.Data("bytesBeforeAuxiliaryData", "Bytes before the auxiliary data", baseOffset + syndromeEnd, body[syndromeEnd..p.AuxOffset]);
            visitor.BeginObject("auxiliaryData", "Auxiliary data", baseOffset + p.AuxOffset, p.AuxEnd - p.AuxOffset);
            ArmRasAuxiliaryData.Describe(body[p.AuxOffset..p.AuxEnd], baseOffset + p.AuxOffset, visitor, p.AuxFits, p.Aux);
            visitor.EndObject();
        }
        if (p.AuxEnd < body.Length) visitor.Data(CperRecordDescriber.TrailingMember, "Bytes after the node's parts", baseOffset + p.AuxEnd, body[p.AuxEnd..]);
    }

    /// <summary>The IP instance layout for format <paramref name="format"/>, or null (format 3 and unknown formats are opaque).</summary>
    internal static StructDef? InstanceLayout(ulong format) => format < (ulong)IpInstanceLayouts.Count ? IpInstanceLayouts[(int)format] : null;

    /// <summary>The node header, with the IP instance and IP type shown by their formats where a layout is known.</summary>
    private static void DescribeNode(ReadOnlySpan<byte> node, long baseOffset, StructureVisitor visitor)
    {
        foreach (var f in NodeLayout.Fields)
        {
            StructDef? layout = null;
            if (f == IpInstanceField) layout = InstanceLayout(IpInstanceFormatField.ReadValue(node));
            else if (f == IpTypeField && IpTypeFormatField.ReadValue(node) == 0) layout = PeIpTypeLayout;
            if (layout is null)
            {
                visitor.Field(f, node, baseOffset);
                continue;
            }
            visitor.BeginObject(f.Json, layout.Name, baseOffset + f.Offset, f.Size);
            layout.Describe(node.Slice(f.Offset, f.Size), baseOffset + f.Offset, visitor);
            visitor.EndObject();
        }
    }
}

/// <summary>
/// IP instance format 0 of the ARM RAS node (Arm DEN0085; libcper <c>EFI_ARM_RAS_IP_INSTANCE</c>): the PE's MPIDR_EL1,
/// then 8 reserved bytes. A read-only copy; <see cref="ArmRasPeInstanceView"/> reads the bytes in place.
/// </summary>
[Layout("IP instance (PE)", 16, ArmRasSection.Clause)]
[Reserved(8, 8)]
public sealed partial class ArmRasPeInstance : DeclaredBlock
{
    /// <summary>A copy of <paramref name="bytes"/> (shorter input is zero-filled, longer input is cut to the 16 bytes).</summary>
    public ArmRasPeInstance(ReadOnlySpan<byte> bytes) : base(bytes, 16) { }

    /// <summary>MPIDR_EL1 of the PE.</summary>
    [Field(0, 8, FieldKind.Hex, Label = "MPIDR_EL1", LibCper = ":Hex")] public partial ulong MpidrEl1 { get; }
}

/// <summary>
/// IP instance format 1 of the ARM RAS node (Arm DEN0085): a system physical address, then 8 reserved bytes. A read-only
/// copy; <see cref="ArmRasSystemAddressInstanceView"/> reads the bytes in place.
/// </summary>
[Layout("IP instance (system physical address)", 16, ArmRasSection.Clause)]
[Reserved(8, 8)]
public sealed partial class ArmRasSystemAddressInstance : DeclaredBlock
{
    /// <summary>A copy of <paramref name="bytes"/> (shorter input is zero-filled, longer input is cut to the 16 bytes).</summary>
    public ArmRasSystemAddressInstance(ReadOnlySpan<byte> bytes) : base(bytes, 16) { }

    /// <summary>System physical address.</summary>
    [Field(0, 8, FieldKind.Hex, LibCper = ":Hex")] public partial ulong SystemPhysicalAddress { get; }
}

/// <summary>
/// IP instance format 2 of the ARM RAS node (Arm DEN0085): a local address identifier and a base address. A read-only
/// copy; <see cref="ArmRasLocalAddressInstanceView"/> reads the bytes in place.
/// </summary>
[Layout("IP instance (local address identifier)", 16, ArmRasSection.Clause)]
public sealed partial class ArmRasLocalAddressInstance : DeclaredBlock
{
    /// <summary>A copy of <paramref name="bytes"/> (shorter input is zero-filled, longer input is cut to the 16 bytes).</summary>
    public ArmRasLocalAddressInstance(ReadOnlySpan<byte> bytes) : base(bytes, 16) { }

    /// <summary>Local address identifier.</summary>
    [Field(0, 8, FieldKind.Hex, LibCper = ":Hex")] public partial ulong LocalAddressIdentifier { get; }
    /// <summary>Base address.</summary>
    [Field(8, 8, FieldKind.Hex, LibCper = ":Hex")] public partial ulong BaseAddress { get; }
}

/// <summary>
/// IP type format 0 of the ARM RAS node (Arm DEN0085; libcper <c>EFI_ARM_RAS_IP_TYPE</c>): the PE's MIDR_EL1, REVIDR_EL1
/// and AIDR_EL1. A read-only copy; <see cref="ArmRasPeIpTypeView"/> reads the bytes in place.
/// </summary>
[Layout("IP type (PE)", 24, ArmRasSection.Clause)]
public sealed partial class ArmRasPeIpType : DeclaredBlock
{
    /// <summary>A copy of <paramref name="bytes"/> (shorter input is zero-filled, longer input is cut to the 24 bytes).</summary>
    public ArmRasPeIpType(ReadOnlySpan<byte> bytes) : base(bytes, 24) { }

    /// <summary>MIDR_EL1.</summary>
    [Field(0, 8, FieldKind.Hex, Label = "MIDR_EL1", LibCper = ":Hex")] public partial ulong MidrEl1 { get; }
    /// <summary>REVIDR_EL1.</summary>
    [Field(8, 8, FieldKind.Hex, Label = "REVIDR_EL1", LibCper = ":Hex")] public partial ulong RevidrEl1 { get; }
    /// <summary>AIDR_EL1.</summary>
    [Field(16, 8, FieldKind.Hex, Label = "AIDR_EL1", LibCper = ":Hex")] public partial ulong AidrEl1 { get; }
}

/// <summary>
/// One ARM RAS error syndrome (Arm DEN0085; libcper <c>EFI_ARM_RAS_ERROR_SYNDROME</c>; 72 bytes): the error record index,
/// the RAS extension's revision and architecture version, and the record's ERR&lt;n&gt; registers.
/// </summary>
[Layout("ARM RAS error syndrome", ArmRasSection.SyndromeSize, ArmRasSection.Clause)]
[Reserved(5, 3)]
public sealed partial class ArmRasSyndrome
{
    internal ArmRasSyndrome(ReadOnlySpan<byte> bytes) => Bytes = bytes[..ArmRasSection.SyndromeSize].ToArray();

    /// <summary>A zeroed syndrome.</summary>
    public ArmRasSyndrome() => Bytes = new byte[ArmRasSection.SyndromeSize];

    internal byte[] Bytes { get; }

    private ulong Get(FieldDef field) => field.ReadValue(Bytes);

    private void Set(FieldDef field, ulong value) => field.WriteValue(Bytes, value);

    /// <summary>Error record index.</summary>
    [Field(0, 4, FieldKind.UInt, LibCper = "")] public partial uint ErrorRecordIndex { get; set; }
    /// <summary>RAS extension: architecture version (bits 0-3) and revision (bits 4-7).</summary>
    [Field(4, 1, FieldKind.Bits, Label = "RAS extension")]
    [Bit("archVersion", 0, 4, Label = "Architecture version", LibCper = "rasExtensionArchVersion")]
    [Bit("revision", 4, 4, LibCper = "rasExtensionRevisionField")]
    public partial byte RasExtension { get; set; }
    /// <summary>ERR&lt;n&gt;FR (feature register).</summary>
    [Field(8, 8, FieldKind.Hex, Label = "ERR<n>FR", LibCper = "errorRecordFeatureRegister:Hex")] public partial ulong ErrFr { get; set; }
    /// <summary>ERR&lt;n&gt;CTLR (control register).</summary>
    [Field(16, 8, FieldKind.Hex, Label = "ERR<n>CTLR", LibCper = "errorRecordControlRegister:Hex")] public partial ulong ErrCtlr { get; set; }
    /// <summary>ERR&lt;n&gt;STATUS (primary status register).</summary>
    [Field(24, 8, FieldKind.Hex, Label = "ERR<n>STATUS", LibCper = "errorRecordPrimaryStatusRegister:Hex")] public partial ulong ErrStatus { get; set; }
    /// <summary>ERR&lt;n&gt;ADDR (address register).</summary>
    [Field(32, 8, FieldKind.Hex, Label = "ERR<n>ADDR", LibCper = "errorRecordAddressRegister:Hex")] public partial ulong ErrAddr { get; set; }
    /// <summary>ERR&lt;n&gt;MISC0.</summary>
    [Field(40, 8, FieldKind.Hex, Label = "ERR<n>MISC0", LibCper = "errorRecordMiscRegister0:Hex")] public partial ulong ErrMisc0 { get; set; }
    /// <summary>ERR&lt;n&gt;MISC1.</summary>
    [Field(48, 8, FieldKind.Hex, Label = "ERR<n>MISC1", LibCper = "errorRecordMiscRegister1:Hex")] public partial ulong ErrMisc1 { get; set; }
    /// <summary>ERR&lt;n&gt;MISC2.</summary>
    [Field(56, 8, FieldKind.Hex, Label = "ERR<n>MISC2", LibCper = "errorRecordMiscRegister2:Hex")] public partial ulong ErrMisc2 { get; set; }
    /// <summary>ERR&lt;n&gt;MISC3.</summary>
    [Field(64, 8, FieldKind.Hex, Label = "ERR<n>MISC3", LibCper = "errorRecordMiscRegister3:Hex")] public partial ulong ErrMisc3 { get; set; }
}

/// <summary>
/// ARM RAS auxiliary data (Arm DEN0085; libcper <c>EFI_ARM_RAS_AUX_DATA_HEADER</c>): a 16-byte header (version,
/// address-space context count, total size, key/value array offset and count, both relative to the auxiliary data), the
/// address-space contexts, and the key/value pairs, with the bytes between and after them kept.
/// </summary>
[Layout("ARM RAS auxiliary data", ArmRasSection.AuxiliaryHeaderSize, ArmRasSection.Clause)]
[Reserved(1, 1)]
[Reserved(14, 2, Json = "reserved2")]
public sealed partial class ArmRasAuxiliaryData
{
    private readonly byte[] _header = new byte[ArmRasSection.AuxiliaryHeaderSize];

    /// <summary>Version (libcper reads version 1).</summary>
    [Field(0, 1, FieldKind.UInt, LibCper = "")] public partial byte Version { get; set; }
    // The counts, size and offset are written from the parts on encode, and declared as derived from them (the size
    // the auxiliary data's own bytes, the pair offset from its start).
    [Field(2, 2, FieldKind.UInt, Label = "Address-space context entries", Derive = nameof(ContextCountDerivation))] private partial ushort ContextCount { get; }
    [Field(4, 4, FieldKind.UInt, Json = "size", Label = "Auxiliary data size", Unit = "bytes", Derive = nameof(SizeDerivation))] private partial uint DeclaredSize { get; }
    [Field(8, 4, FieldKind.UInt, Label = "Key/value pair array offset (from the auxiliary data)", Unit = "bytes", Derive = nameof(PairOffsetDerivation))] private partial uint KeyValuePairOffset { get; }
    [Field(12, 2, FieldKind.UInt, Label = "Key/value pair entries", Derive = nameof(PairCountDerivation))] private partial ushort KeyValuePairCount { get; }

    private static FieldDerivation ContextCountDerivation => FieldDerivation.CountOf("contexts");
    private static FieldDerivation SizeDerivation => FieldDerivation.StructureLength;
    private static FieldDerivation PairOffsetDerivation => FieldDerivation.OffsetOf("keyValuePairs");
    private static FieldDerivation PairCountDerivation => FieldDerivation.CountOf("keyValuePairs");

    private ulong Get(FieldDef field) => field.ReadValue(_header);

    private void Set(FieldDef field, ulong value) => field.WriteValue(_header, value);

    /// <summary>The address-space contexts.</summary>
    public List<ArmRasContext> Contexts { get; } = [];
    /// <summary>Bytes between the last context and the key/value pairs.</summary>
    public byte[] BytesBeforePairs { get; set; } = [];
    /// <summary>The key/value pairs.</summary>
    public List<(Guid Key, ulong Value)> Pairs { get; } = [];
    /// <summary>Bytes after the pairs up to the auxiliary data size.</summary>
    public byte[] TrailingBytes { get; set; } = [];

    private int PairOffset => ArmRasSection.AuxiliaryHeaderSize + Contexts.Sum(c => c.EncodedLength) + BytesBeforePairs.Length;

    internal int EncodedLength => checked(PairOffset + Pairs.Count * ArmRasSection.PairSize + TrailingBytes.Length);

    internal int Write(Span<byte> destination)
    {
        _header.CopyTo(destination);
        ContextCountField.WriteValue(destination, checked((ushort)Contexts.Count));
        DeclaredSizeField.WriteValue(destination, (uint)EncodedLength);
        KeyValuePairOffsetField.WriteValue(destination, (uint)PairOffset);
        KeyValuePairCountField.WriteValue(destination, checked((ushort)Pairs.Count));
        int pos = ArmRasSection.AuxiliaryHeaderSize;
        foreach (var c in Contexts) pos += c.Write(destination[pos..]);
        BytesBeforePairs.CopyTo(destination[pos..]);
        pos += BytesBeforePairs.Length;
        foreach (var (key, value) in Pairs)
        {
            var pair = destination.Slice(pos, ArmRasSection.PairSize);
            key.TryWriteBytes(pair.Slice(ArmRasKeyValuePair.KeyField.Offset, ArmRasKeyValuePair.KeyField.Size));
            ArmRasKeyValuePair.ValueField.WriteValue(pair, value);
            pos += ArmRasSection.PairSize;
        }
        TrailingBytes.CopyTo(destination[pos..]);
        return pos + TrailingBytes.Length;
    }

    /// <summary>What a <see cref="Walk"/> found: the whole contexts before <see cref="ContextEnd"/> (all the counted ones when it fits), the pairs and the size.</summary>
    internal readonly record struct Layout(int Contexts, int ContextEnd, int PairOffset, int PairCount, int Size);

#if DEBUG
    /// <summary>Calls of <see cref="Walk"/> (Debug builds; not thread-safe, a count for a test that runs alone): each walks every context, so a reader must make a constant number per record.</summary>
    internal static int WalkCalls;
#endif

    /// <summary>
    /// Checks the header, contexts and pairs against <paramref name="aux"/>: true when they fit. On a context error,
    /// <paramref name="layout"/> holds the contexts before the bad one and <see cref="Layout.ContextEnd"/> is where it starts.
    /// </summary>
    /// <param name="aux">The bytes from the auxiliary data offset to the end of the section.</param>
    /// <param name="baseOffset">Where <paramref name="aux"/> starts, for errors.</param>
    /// <param name="layout">The parts found.</param>
    /// <param name="errors">False to build no message (nothing allocated for bad data either: the result is the flag).</param>
    /// <param name="error">With <paramref name="errors"/>, what did not fit; otherwise null.</param>
    internal static bool Walk(ReadOnlySpan<byte> aux, long baseOffset, out Layout layout, bool errors, out ApeiContentException? error)
    {
#if DEBUG
        WalkCalls++;
#endif
        const string name = "ARM RAS auxiliary data";
        const int header = ArmRasSection.AuxiliaryHeaderSize;
        layout = new(0, header, 0, 0, 0);
        error = null;
        if (aux.Length < header) return ArmRasSection.Unfit(errors ? ApeiContentException.Truncated(name, baseOffset, header, aux.Length) : null, out error);
        int contexts = (int)ContextCountField.ReadValue(aux);
        uint size = (uint)DeclaredSizeField.ReadValue(aux);
        uint pairOffset = (uint)KeyValuePairOffsetField.ReadValue(aux);
        int pairs = (int)KeyValuePairCountField.ReadValue(aux);
        if (size < header || size > (uint)aux.Length)
            return ArmRasSection.Unfit(errors ? new ApeiContentException(name, "AuxiliaryDataSize", baseOffset + DeclaredSizeField.Offset, FormattableString.Invariant($"{header} to {aux.Length} bytes"), FormattableString.Invariant($"{size} bytes")) : null, out error);
        if (pairOffset < header || pairOffset > size || (ulong)pairs * ArmRasSection.PairSize > size - pairOffset)
            return ArmRasSection.Unfit(errors ? new ApeiContentException(name, "KeyValuePairArrayOffset", baseOffset + KeyValuePairOffsetField.Offset,
                FormattableString.Invariant($"{header} to {size} with {pairs} pairs of {ArmRasSection.PairSize} bytes fitting before {size}"), FormattableString.Invariant($"{pairOffset}")) : null, out error);
        int pos = header;
        for (int i = 0; i < contexts; i++)
        {
            layout = new(i, pos, (int)pairOffset, pairs, (int)size);
            uint room = pairOffset - (uint)pos; // pos never passes pairOffset: each length is checked against the room left
            if (room < ArmRasSection.ContextHeaderSize)
                return ArmRasSection.Unfit(errors ? ApeiContentException.Truncated(FormattableString.Invariant($"ARM RAS address-space context #{i}"), baseOffset + pos, ArmRasSection.ContextHeaderSize, (int)room, "AddressSpaceArrayNumEntries") : null, out error);
            var context = aux[pos..];
            uint length = (uint)ArmRasContext.LengthField.ReadValue(context);
            int registers = (int)ArmRasContext.RegisterCountField.ReadValue(context);
            uint needed = (uint)(ArmRasSection.ContextHeaderSize + registers * ArmRasSection.RegisterSize);
            if (length < needed || length > room)
                return ArmRasSection.Unfit(errors ? new ApeiContentException(FormattableString.Invariant($"ARM RAS address-space context #{i}"), "Length", baseOffset + pos,
                    FormattableString.Invariant($"{needed} (header and {registers} registers) to {room} bytes (up to the key/value pairs)"), FormattableString.Invariant($"{length} bytes")) : null, out error);
            pos += (int)length;
        }
        layout = new(contexts, pos, (int)pairOffset, pairs, (int)size);
        return true;
    }

    /// <summary>The auxiliary data <paramref name="l"/> measured (a <see cref="Walk"/> that found it fits): the contexts stepped by their Length.</summary>
    internal static ArmRasAuxiliaryData Decode(ReadOnlySpan<byte> aux, in Layout l)
    {
        var a = new ArmRasAuxiliaryData();
        aux[..ArmRasSection.AuxiliaryHeaderSize].CopyTo(a._header);
        var contexts = new ArmRasAuxiliaryDataView.ContextEnumerator(aux, l.Contexts);
        while (contexts.MoveNext()) a.Contexts.Add(ArmRasContext.Decode(contexts.CurrentBytes));
        a.BytesBeforePairs = aux[l.ContextEnd..l.PairOffset].ToArray();
        for (int i = 0; i < l.PairCount; i++)
        {
            var p = aux.Slice(l.PairOffset + i * ArmRasSection.PairSize, ArmRasSection.PairSize);
            a.Pairs.Add((new Guid(p.Slice(ArmRasKeyValuePair.KeyField.Offset, ArmRasKeyValuePair.KeyField.Size)), ArmRasKeyValuePair.ValueField.ReadValue(p)));
        }
        int end = l.PairOffset + l.PairCount * ArmRasSection.PairSize;
        a.TrailingBytes = aux[end..l.Size].ToArray();
        return a;
    }

    /// <summary>
    /// Describes the auxiliary data (<paramref name="aux"/> is its bytes up to its size, or to the section end when that does
    /// not fit). When it <paramref name="fits"/>, <paramref name="measured"/> is the section's walk and the contexts are
    /// stepped by their Length; otherwise it is walked again, for the error and the contexts before it.
    /// </summary>
    internal static void Describe(ReadOnlySpan<byte> aux, long baseOffset, StructureVisitor visitor, bool fits, in Layout measured)
    {
        var l = measured;
        ApeiContentException? error = null;
        if (!fits) Walk(aux, baseOffset, out l, errors: true, out error);
        if (aux.Length < ArmRasSection.AuxiliaryHeaderSize)
        {
            visitor.Error(error!);
            visitor.Data(CperRecordDescriber.UndecodedMember, "Bytes not decoded", baseOffset, aux);
            return;
        }
        ArmRasSection.AuxiliaryHeaderLayout.Describe(aux[..ArmRasSection.AuxiliaryHeaderSize], baseOffset, visitor);
        visitor.BeginArray("contexts", "Address-space contexts", baseOffset + ArmRasSection.AuxiliaryHeaderSize, l.ContextEnd - ArmRasSection.AuxiliaryHeaderSize);
        // The contexts that fit: all of them (their count), or those the walk found before the one that does not.
        int contexts = l.Contexts;
        var walk = new ArmRasAuxiliaryDataView.ContextEnumerator(aux, contexts);
        for (int i = 0; walk.MoveNext(); i++)
        {
            int at = walk.Offset;
            visitor.BeginObject(null, $"Address-space context #{i}", baseOffset + at, walk.CurrentBytes.Length);
            ArmRasContext.Describe(walk.CurrentBytes, baseOffset + at, visitor);
            visitor.EndObject();
        }
        int undecoded = ArmRasSection.AuxiliaryHeaderSize;
        if (error is not null && contexts > 0) undecoded = l.ContextEnd;
        if (error is not null && l.PairOffset != 0 && aux.Length - l.ContextEnd >= ArmRasSection.ContextHeaderSize)
        {
            // The context whose length does not fit: its header is still shown (the length is what is wrong).
            visitor.BeginObject(null, $"Address-space context #{contexts}", baseOffset + l.ContextEnd, ArmRasSection.ContextHeaderSize);
            ArmRasSection.ContextHeaderLayout.Describe(aux.Slice(l.ContextEnd, ArmRasSection.ContextHeaderSize), baseOffset + l.ContextEnd, visitor);
            visitor.EndObject();
            undecoded = l.ContextEnd + ArmRasSection.ContextHeaderSize;
        }
        visitor.EndArray();
        if (error is not null)
        {
            visitor.Error(error);
            if (aux.Length > undecoded) visitor.Data(CperRecordDescriber.UndecodedMember, "Bytes not decoded (the counts do not fit)", baseOffset + undecoded, aux[undecoded..]);
            return;
        }
        if (l.PairOffset > l.ContextEnd) visitor.Data("bytesBeforePairs", "Bytes before the key/value pairs", baseOffset + l.ContextEnd, aux[l.ContextEnd..l.PairOffset]);
        visitor.BeginArray("keyValuePairs", "Key/value pairs", baseOffset + l.PairOffset, (long)l.PairCount * ArmRasSection.PairSize);
        for (int i = 0; i < l.PairCount; i++)
        {
            int at = l.PairOffset + i * ArmRasSection.PairSize;
            visitor.BeginObject(null, $"Key/value pair #{i}", baseOffset + at, ArmRasSection.PairSize);
            ArmRasSection.PairLayout.Describe(aux.Slice(at, ArmRasSection.PairSize), baseOffset + at, visitor);
            visitor.EndObject();
        }
        visitor.EndArray();
        int end = l.PairOffset + l.PairCount * ArmRasSection.PairSize;
        if (end < l.Size) visitor.Data(CperRecordDescriber.TrailingMember, "Bytes after the key/value pairs", baseOffset + end, aux[end..l.Size]);
    }
}

/// <summary>
/// One ARM RAS address-space context (Arm DEN0085; libcper <c>EFI_ARM_RAS_AUX_MM_CONTEXT_HEADER</c>): a 16-byte header
/// (length, flags with the identifier scope in bit 0, register count, address-space identifier), the registers, and
/// bytes after the registers up to its length.
/// </summary>
[Layout("ARM RAS address-space context", ArmRasSection.ContextHeaderSize, ArmRasSection.Clause)]
[Reserved(10, 6)]
public sealed partial class ArmRasContext
{
    private readonly byte[] _header = new byte[ArmRasSection.ContextHeaderSize];

    private static readonly NameTable s_scopes = [new(0, "system physical address space"), new(1, "local address space")];

    // Length and Register Count are written from the registers on encode, and declared as derived from them.
    [Field(0, 4, FieldKind.UInt, Unit = "bytes", Derive = nameof(LengthDerivation))] internal partial uint Length { get; }
    /// <summary>Flags (bit 0: the identifier is a local address space).</summary>
    [Field(4, 2, FieldKind.Bits)]
    [Bit("addressSpaceIdentifierScope", 0, 1, Label = "Address-space identifier scope", Names = nameof(s_scopes))]
    public partial ushort Flags { get; set; }
    [Field(6, 2, FieldKind.UInt, Label = "Register entries", Derive = nameof(RegisterCountDerivation))] internal partial ushort RegisterCount { get; }
    /// <summary>Address-space identifier.</summary>
    [Field(8, 2, FieldKind.Hex, Label = "Address-space identifier")] public partial ushort AddressSpaceIdentifier { get; set; }

    private ulong Get(FieldDef field) => field.ReadValue(_header);

    private void Set(FieldDef field, ulong value) => field.WriteValue(_header, value);

    private static FieldDerivation LengthDerivation => FieldDerivation.StructureLength;
    private static FieldDerivation RegisterCountDerivation => FieldDerivation.CountOf("registers");

    /// <summary>True when the address-space identifier is local (flags bit 0).</summary>
    public bool IsLocalAddressSpace => (Flags & 1) != 0;
    /// <summary>The registers (address, value).</summary>
    public List<(ulong Address, ulong Value)> Registers { get; } = [];
    /// <summary>Bytes after the registers up to the context length.</summary>
    public byte[] TrailingBytes { get; set; } = [];

    internal int EncodedLength => checked(ArmRasSection.ContextHeaderSize + Registers.Count * ArmRasSection.RegisterSize + TrailingBytes.Length);

    internal int Write(Span<byte> destination)
    {
        _header.CopyTo(destination);
        LengthField.WriteValue(destination, (uint)EncodedLength);
        RegisterCountField.WriteValue(destination, checked((ushort)Registers.Count));
        int pos = SectionWalk.WriteRegisterEntries(destination, ArmRasSection.ContextHeaderSize, Registers);
        TrailingBytes.CopyTo(destination[pos..]);
        return EncodedLength;
    }

    internal static ArmRasContext Decode(ReadOnlySpan<byte> context)
    {
        var c = new ArmRasContext();
        context[..ArmRasSection.ContextHeaderSize].CopyTo(c._header);
        int end = SectionWalk.ReadRegisterEntries(context, ArmRasSection.ContextHeaderSize, (int)RegisterCountField.ReadValue(context), c.Registers);
        c.TrailingBytes = context[end..].ToArray();
        return c;
    }

    internal static void Describe(ReadOnlySpan<byte> context, long baseOffset, StructureVisitor visitor)
    {
        const int h = ArmRasSection.ContextHeaderSize, r = ArmRasSection.RegisterSize;
        ArmRasSection.ContextHeaderLayout.Describe(context[..h], baseOffset, visitor);
        int registers = (int)RegisterCountField.ReadValue(context);
        visitor.BeginArray("registers", "Registers", baseOffset + h, (long)registers * r);
        for (int i = 0; i < registers; i++)
        {
            visitor.BeginObject(null, $"Register #{i}", baseOffset + h + i * r, r);
            ArmRasSection.RegisterLayout.Describe(context.Slice(h + i * r, r), baseOffset + h + i * r, visitor);
            visitor.EndObject();
        }
        visitor.EndArray();
        int end = h + registers * r;
        if (end < context.Length) visitor.Data(CperRecordDescriber.TrailingMember, "Bytes after the registers", baseOffset + end, context[end..]);
    }
}

/// <summary>
/// One register of an ARM RAS address-space context (Arm DEN0085; libcper <c>EFI_ARM_RAS_AUX_MM_CONTEXT_REGISTER</c>): a
/// 64-bit address and a 64-bit value. A read-only copy; <see cref="ArmRasRegisterView"/> reads the bytes in place.
/// </summary>
[Layout("ARM RAS register", ArmRasSection.RegisterSize, ArmRasSection.Clause)]
public sealed partial class ArmRasRegister : DeclaredBlock, IRegisterAddressValue
{
    /// <summary>A copy of <paramref name="bytes"/> (shorter input is zero-filled, longer input is cut to the entry).</summary>
    public ArmRasRegister(ReadOnlySpan<byte> bytes) : base(bytes, ArmRasSection.RegisterSize) { }
}

/// <summary>
/// One key/value pair of the ARM RAS auxiliary data (Arm DEN0085; libcper <c>EFI_ARM_RAS_AUX_KEY_VALUE_PAIR</c>): a GUID
/// key and a 64-bit value. A read-only copy; <see cref="ArmRasKeyValuePairView"/> reads the bytes in place.
/// </summary>
[Layout("ARM RAS key/value pair", ArmRasSection.PairSize, ArmRasSection.Clause)]
public sealed partial class ArmRasKeyValuePair : DeclaredBlock
{
    /// <summary>A copy of <paramref name="bytes"/> (shorter input is zero-filled, longer input is cut to the pair).</summary>
    public ArmRasKeyValuePair(ReadOnlySpan<byte> bytes) : base(bytes, ArmRasSection.PairSize) { }

    /// <summary>Key (a GUID; its name shown where it is a known section type).</summary>
    [Field(0, 16, FieldKind.Guid, Guids = "CperGuids.SectionName", LibCper = ":Uuid")] public partial Guid Key { get; }
    /// <summary>Value.</summary>
    [Field(16, 8, FieldKind.Hex)] public partial ulong Value { get; }
}

/// <summary>
/// The parts after the node header (Arm DEN0085: the error syndrome array at its offset, the auxiliary data at its
/// offset), read in place through the walk the decoder and describer use (<c>ArmRasSection.Measure</c>): nothing is
/// enumerated when the offsets and counts do not fit in order.
/// </summary>
// The generated part declares _body, this one the node measured when read: the order of fields across the parts
// (CS0282) does not matter for a ref struct, which is never marshalled or laid out for interop.
#pragma warning disable CS0282
public readonly ref partial struct ArmRasSectionView
#pragma warning restore CS0282
{
    // The syndrome members read the node the view measured once when read (the generated constructor calls OnRead: a
    // few header reads, no walk of the auxiliary data), so reading the syndromes by index measures nothing again; the
    // auxiliary data members measure once (one walk of its contexts) and the view they give keeps that walk.
    private readonly (bool Fits, ArmRasSection.Parts Node) _read;

    private static void OnRead(ReadOnlySpan<byte> body, out (bool Fits, ArmRasSection.Parts Node) read)
        => read = ArmRasSection.TryMeasureNode(body, out var p) ? (true, p) : default;

    private ArmRasSection.Parts Parts => ArmRasSection.TryMeasure(_body, out var p) ? p : default;

    private ArmRasSection.Parts Node => _read.Node;

    /// <summary>
    /// True when the node's offsets and counts lay the syndromes and auxiliary data out in order inside the body (the
    /// model decodes such a body; the describer reports the others); false for a body shorter than the 80-byte header.
    /// </summary>
    public bool PartsFit => _read.Fits;

    /// <summary>The error syndromes the body holds (Error Syndrome Array Num Entries when <see cref="PartsFit"/>, else 0).</summary>
    public int SyndromeCount => Node.SyndromeCount;

    /// <summary>Error syndrome <paramref name="index"/> (Arm DEN0085 error syndrome, 72 bytes).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="SyndromeCount"/>.</exception>
    public ArmRasSyndromeView GetSyndrome(int index)
    {
        var p = Node;
        return ArmRasSyndromeView.Of(ArrayWalk.ElementAt(_body, p.SyndromeOffset, index, p.SyndromeCount, ArmRasSection.SyndromeSize));
    }

    /// <summary>The error syndromes in order, without allocating (<c>foreach (var s in view.Syndromes)</c>).</summary>
    public SyndromeEnumerator Syndromes => new(_body, Node);

    /// <summary>The auxiliary data of <paramref name="parts"/> (this body's, measured by the caller; the view keeps its walk), or a view of nothing.</summary>
    internal ArmRasAuxiliaryDataView AuxiliaryDataOf(ArmRasSection.Parts parts)
        => parts.AuxOffset == 0 || !parts.AuxFits ? default : new ArmRasAuxiliaryDataView(_body[parts.AuxOffset..parts.AuxEnd], parts.Aux);

    /// <summary>True when the node has auxiliary data (a non-zero offset) whose size, contexts and pairs fit.</summary>
    public bool HasAuxiliaryData
    {
        get
        {
            var p = Parts;
            return p.AuxOffset != 0 && p.AuxFits;
        }
    }

    /// <summary>The auxiliary data (its bytes up to its size) when <see cref="HasAuxiliaryData"/>, else a view of nothing.</summary>
    public ArmRasAuxiliaryDataView AuxiliaryData => AuxiliaryDataOf(Parts);

    /// <summary>Enumerates the error syndromes of an <see cref="ArmRasSectionView"/>.</summary>
    public ref struct SyndromeEnumerator
    {
        private ArrayWalk _walk; // the array, measured once

        internal SyndromeEnumerator(ReadOnlySpan<byte> body, ArmRasSection.Parts parts) => _walk = new(body, parts.SyndromeOffset, parts.SyndromeCount, ArmRasSection.SyndromeSize);

        /// <summary>This enumerator (for <c>foreach</c>).</summary>
        public readonly SyndromeEnumerator GetEnumerator() => this;

        /// <summary>Moves to the next syndrome.</summary>
        public bool MoveNext() => _walk.MoveNext();

        /// <summary>The current syndrome.</summary>
        public readonly ArmRasSyndromeView Current => ArmRasSyndromeView.Of(_walk.Current);
    }
}

/// <summary>
/// The address-space contexts and key/value pairs of ARM RAS auxiliary data (Arm DEN0085), read in place through the
/// auxiliary data's own walk: nothing is enumerated when its size, contexts or pairs do not fit.
/// </summary>
// The generated part declares _body, this one the walk a section view measured: the order of fields across the parts
// (CS0282) does not matter for a ref struct, which is never marshalled or laid out for interop.
#pragma warning disable CS0282
public readonly ref partial struct ArmRasAuxiliaryDataView
#pragma warning restore CS0282
{
    // A view the section view made (AuxiliaryData) carries the walk it measured; one read with TryRead walks per member.
    private readonly ArmRasAuxiliaryData.Layout _walked;
    private readonly bool _measured;

    internal ArmRasAuxiliaryDataView(ReadOnlySpan<byte> body, ArmRasAuxiliaryData.Layout walked)
    {
        _body = body;
        _walked = walked;
        _measured = true;
    }

    private ArmRasAuxiliaryData.Layout Walked
        => _measured ? _walked : ArmRasAuxiliaryData.Walk(_body, 0, out var l, errors: false, out _) ? l : default;

    /// <summary>The address-space contexts in order, without allocating (each a view of its Length bytes).</summary>
    public ContextEnumerator Contexts => new(_body, Walked.Contexts);

    /// <summary>The key/value pairs the auxiliary data holds (Key Value Pair Array Num Entries when its walk fits, else 0).</summary>
    public int PairCount => Walked.PairCount;

    /// <summary>Key/value pair <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="PairCount"/>.</exception>
    public ArmRasKeyValuePairView GetPair(int index)
    {
        var l = Walked;
        return ArmRasKeyValuePairView.Of(ArrayWalk.ElementAt(_body, l.PairOffset, index, l.PairCount, ArmRasSection.PairSize));
    }

    /// <summary>The key/value pairs in order, without allocating.</summary>
    public PairEnumerator Pairs => new(_body, Walked);

    /// <summary>Enumerates the address-space contexts of an <see cref="ArmRasAuxiliaryDataView"/> (each starts where the previous one's Length ends).</summary>
    public ref struct ContextEnumerator
    {
        private ChainWalk _walk;

        internal ContextEnumerator(ReadOnlySpan<byte> aux, int count) => _walk = new(aux, ArmRasSection.AuxiliaryHeaderSize, count);

        /// <summary>This enumerator (for <c>foreach</c>).</summary>
        public readonly ContextEnumerator GetEnumerator() => this;

        /// <summary>Moves to the next context (each starts where the previous one's Length ends; the walk checked them all).</summary>
        public bool MoveNext() => _walk.Next() && _walk.Accept((int)ArmRasContext.LengthField.ReadValue(_walk.Body[_walk.Position..]));

        /// <summary>The current context (its header and registers; the walk checked its Length).</summary>
        public readonly ArmRasContextView Current => ArmRasContextView.Of(_walk.Current);

        /// <summary>Where the current context starts in the auxiliary data.</summary>
        internal readonly int Offset => _walk.Position;

        /// <summary>The current context's Length bytes.</summary>
        internal readonly ReadOnlySpan<byte> CurrentBytes => _walk.Current;
    }

    /// <summary>Enumerates the key/value pairs of an <see cref="ArmRasAuxiliaryDataView"/>.</summary>
    public ref struct PairEnumerator
    {
        private ArrayWalk _walk; // the array, walked once

        internal PairEnumerator(ReadOnlySpan<byte> aux, ArmRasAuxiliaryData.Layout layout) => _walk = new(aux, layout.PairOffset, layout.PairCount, ArmRasSection.PairSize);

        /// <summary>This enumerator (for <c>foreach</c>).</summary>
        public readonly PairEnumerator GetEnumerator() => this;

        /// <summary>Moves to the next pair.</summary>
        public bool MoveNext() => _walk.MoveNext();

        /// <summary>The current pair.</summary>
        public readonly ArmRasKeyValuePairView Current => ArmRasKeyValuePairView.Of(_walk.Current);
    }
}

/// <summary>The registers of an ARM RAS address-space context (Arm DEN0085), read in place.</summary>
public readonly ref partial struct ArmRasContextView
{
    /// <summary>The registers the context holds: Register Count when they fit in the context's bytes, else as many whole ones as fit.</summary>
    public int RegisterCountInBody
        => _body.Length < ArmRasSection.ContextHeaderSize ? 0 : Math.Min(RegisterCount, (_body.Length - ArmRasSection.ContextHeaderSize) / ArmRasSection.RegisterSize);

    /// <summary>Register <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="RegisterCountInBody"/>.</exception>
    public ArmRasRegisterView GetRegister(int index)
        => ArmRasRegisterView.Of(ArrayWalk.ElementAt(_body, ArmRasSection.ContextHeaderSize, index, RegisterCountInBody, ArmRasSection.RegisterSize));

    /// <summary>The registers in order, without allocating.</summary>
    public RegisterEnumerator Registers => new(_body, RegisterCountInBody);

    /// <summary>Enumerates the registers of an <see cref="ArmRasContextView"/>.</summary>
    public ref struct RegisterEnumerator
    {
        private ArrayWalk _walk;

        internal RegisterEnumerator(ReadOnlySpan<byte> context, int count) => _walk = new(context, ArmRasSection.ContextHeaderSize, count, ArmRasSection.RegisterSize);

        /// <summary>This enumerator (for <c>foreach</c>).</summary>
        public readonly RegisterEnumerator GetEnumerator() => this;

        /// <summary>Moves to the next register.</summary>
        public bool MoveNext() => _walk.MoveNext();

        /// <summary>The current register.</summary>
        public readonly ArmRasRegisterView Current => ArmRasRegisterView.Of(_walk.Current);
    }
}
