using System.Buffers.Binary;

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
public sealed class ArmRasSection : CperSectionBody
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

    /// <summary>Component types (DEN0085).</summary>
    public static NameTable ComponentTypes { get; } = [
        new(0, "processor error node"), new(1, "memory error node"), new(2, "SMMU error node"), new(3, "vendor-defined error node"),
        new(4, "GIC error node"), new(5, "PCI Express error node"), new(6, "proxy error node"),
    ];

    /// <summary>IP instance formats (DEN0085).</summary>
    public static NameTable InstanceFormats { get; } = [new(0, "PE (MPIDR_EL1)"), new(1, "system physical address"), new(2, "local address identifier"), new(3, "SoC-specific IP identifier")];

    /// <summary>IP type formats (DEN0085).</summary>
    public static NameTable TypeFormats { get; } = [new(0, "PE (MIDR_EL1, REVIDR_EL1, AIDR_EL1)"), new(1, "SMMU IIDR"), new(2, "GIC IIDR"), new(3, "PIDR")];

    /// <summary>Node header layout (80 bytes).</summary>
    public static StructDef NodeLayout { get; } = new(StructureName, NodeSize,
    [
        FieldDef.UInt("revision", "Revision", 0, 4),
        FieldDef.Enum("componentType", "Component type", 4, 1, ComponentTypes),
        FieldDef.Reserved("reserved", 5, 3),
        FieldDef.UInt("errorSyndromeCount", "Error syndrome array entries", 8, 4),
        FieldDef.UInt("errorSyndromeOffset", "Error syndrome array offset", 12, 2, unit: "bytes"),
        FieldDef.UInt("auxiliaryDataOffset", "Auxiliary data offset (0: none)", 14, 2, unit: "bytes"),
        FieldDef.Enum("ipInstanceFormat", "IP instance format", 16, 1, InstanceFormats),
        FieldDef.Enum("ipTypeFormat", "IP type format", 17, 1, TypeFormats),
        FieldDef.Reserved("reserved2", 18, 6),
        FieldDef.Bytes("ipInstance", "IP instance", 24, 16),
        FieldDef.Bytes("ipType", "IP type", 40, 24),
        FieldDef.Ascii("userData", "User data", 64, 16),
    ]);

    /// <summary>The IP instance (16 bytes at offset 24) by format: 0 MPIDR_EL1, 1 system physical address, 2 local address identifier and base address.</summary>
    public static IReadOnlyList<StructDef> IpInstanceLayouts { get; } =
    [
        new("IP instance (PE)", 16, [FieldDef.Hex("mpidrEl1", "MPIDR_EL1", 0, 8), FieldDef.Reserved("reserved", 8, 8)]),
        new("IP instance (system physical address)", 16, [FieldDef.Hex("systemPhysicalAddress", "System physical address", 0, 8), FieldDef.Reserved("reserved", 8, 8)]),
        new("IP instance (local address identifier)", 16, [FieldDef.Hex("localAddressIdentifier", "Local address identifier", 0, 8), FieldDef.Hex("baseAddress", "Base address", 8, 8)]),
    ];

    /// <summary>The IP type (24 bytes at offset 40) for format 0: the PE's MIDR_EL1, REVIDR_EL1 and AIDR_EL1.</summary>
    public static StructDef PeIpTypeLayout { get; } = new("IP type (PE)", 24,
        [FieldDef.Hex("midrEl1", "MIDR_EL1", 0, 8), FieldDef.Hex("revidrEl1", "REVIDR_EL1", 8, 8), FieldDef.Hex("aidrEl1", "AIDR_EL1", 16, 8)]);

    /// <summary>Error syndrome layout (72 bytes).</summary>
    public static StructDef SyndromeLayout { get; } = new("ARM RAS error syndrome", SyndromeSize,
    [
        FieldDef.UInt("errorRecordIndex", "Error record index", 0, 4),
        FieldDef.Bits("rasExtension", "RAS extension", 4, 1, [new("archVersion", "Architecture version", 0, 4), new("revision", "Revision", 4, 4)]),
        FieldDef.Reserved("reserved", 5, 3),
        FieldDef.Hex("errFr", "ERR<n>FR", 8, 8),
        FieldDef.Hex("errCtlr", "ERR<n>CTLR", 16, 8),
        FieldDef.Hex("errStatus", "ERR<n>STATUS", 24, 8),
        FieldDef.Hex("errAddr", "ERR<n>ADDR", 32, 8),
        FieldDef.Hex("errMisc0", "ERR<n>MISC0", 40, 8),
        FieldDef.Hex("errMisc1", "ERR<n>MISC1", 48, 8),
        FieldDef.Hex("errMisc2", "ERR<n>MISC2", 56, 8),
        FieldDef.Hex("errMisc3", "ERR<n>MISC3", 64, 8),
    ]);

    /// <summary>Auxiliary data header layout (16 bytes).</summary>
    public static StructDef AuxiliaryHeaderLayout { get; } = new("ARM RAS auxiliary data", AuxiliaryHeaderSize,
    [
        FieldDef.UInt("version", "Version", 0, 1),
        FieldDef.Reserved("reserved", 1, 1),
        FieldDef.UInt("contextCount", "Address-space context entries", 2, 2),
        FieldDef.UInt("size", "Auxiliary data size", 4, 4, unit: "bytes"),
        FieldDef.UInt("keyValuePairOffset", "Key/value pair array offset (from the auxiliary data)", 8, 4, unit: "bytes"),
        FieldDef.UInt("keyValuePairCount", "Key/value pair entries", 12, 2),
        FieldDef.Reserved("reserved2", 14, 2),
    ]);

    /// <summary>Address-space context header layout (16 bytes).</summary>
    public static StructDef ContextHeaderLayout { get; } = new("ARM RAS address-space context", ContextHeaderSize,
    [
        FieldDef.UInt("length", "Length", 0, 4, unit: "bytes"),
        FieldDef.Bits("flags", "Flags", 4, 2, [new("addressSpaceIdentifierScope", "Address-space identifier scope", 0, 1, [new(0, "system physical address space"), new(1, "local address space")])]),
        FieldDef.UInt("registerCount", "Register entries", 6, 2),
        FieldDef.Hex("addressSpaceIdentifier", "Address-space identifier", 8, 2),
        FieldDef.Reserved("reserved", 10, 6),
    ]);

    /// <summary>Register entry layout.</summary>
    public static StructDef RegisterLayout { get; } = new("ARM RAS register", RegisterSize, [FieldDef.Hex("address", "Address", 0, 8), FieldDef.Hex("value", "Value", 8, 8)]);

    /// <summary>Key/value pair layout.</summary>
    public static StructDef PairLayout { get; } = new("ARM RAS key/value pair", PairSize, [FieldDef.Guid("key", "Key", 0, CperGuids.SectionName), FieldDef.Hex("value", "Value", 16, 8)]);

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(SectionGuid, "ARM RAS", Describe, (b, o) => Decode(b, o));

    private readonly byte[] _node = new byte[NodeSize];

    /// <inheritdoc/>
    public override Guid SectionType => SectionGuid;

    /// <summary>Reads an integer field of the node header by its JSON name (e.g. <c>revision</c>, <c>ipTypeFormat</c>).</summary>
    public ulong GetNodeField(string json) => Find(NodeLayout, json).ReadValue(_node);
    /// <summary>Writes an integer field of the node header (counts and offsets are rewritten on encode).</summary>
    public void SetNodeField(string json, ulong value) => Find(NodeLayout, json).WriteValue(_node, value);

    /// <summary>Revision (libcper reads revision 1).</summary>
    public uint Revision { get => (uint)GetNodeField("revision"); set => SetNodeField("revision", value); }
    /// <summary>Component type (see <see cref="ComponentTypes"/>).</summary>
    public byte ComponentType { get => (byte)GetNodeField("componentType"); set => SetNodeField("componentType", value); }
    /// <summary>IP instance format (see <see cref="InstanceFormats"/>).</summary>
    public byte IpInstanceFormat { get => (byte)GetNodeField("ipInstanceFormat"); set => SetNodeField("ipInstanceFormat", value); }
    /// <summary>IP type format (see <see cref="TypeFormats"/>).</summary>
    public byte IpTypeFormat { get => (byte)GetNodeField("ipTypeFormat"); set => SetNodeField("ipTypeFormat", value); }
    /// <summary>The 16 IP instance bytes (see <see cref="IpInstanceLayouts"/>).</summary>
    public byte[] IpInstance { get => _node.AsSpan(24, 16).ToArray(); set => value.AsSpan(0, Math.Min(16, value.Length)).CopyTo(_node.AsSpan(24, 16)); }
    /// <summary>The 24 IP type bytes (see <see cref="PeIpTypeLayout"/> for format 0).</summary>
    public byte[] IpType { get => _node.AsSpan(40, 24).ToArray(); set => value.AsSpan(0, Math.Min(24, value.Length)).CopyTo(_node.AsSpan(40, 24)); }
    /// <summary>The 16 user data bytes (ASCII, NUL padded).</summary>
    public byte[] UserData { get => _node.AsSpan(64, 16).ToArray(); set => value.AsSpan(0, Math.Min(16, value.Length)).CopyTo(_node.AsSpan(64, 16)); }

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
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)Syndromes.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[12..], (ushort)SyndromeOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[14..], hasAux ? (ushort)AuxiliaryOffset : (ushort)0);
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

    /// <summary>Where the node's parts lie (a struct: the libcper writer checks a body with no allocation).</summary>
    internal readonly record struct Parts(int SyndromeOffset, int SyndromeCount, int AuxOffset, int AuxEnd, ApeiContentException? AuxError);

    /// <summary>Checks the node's offsets and counts against the body (throws when the parts cannot be laid out in order).</summary>
    internal static Parts Check(ReadOnlySpan<byte> body, long baseOffset)
    {
        if (body.Length < NodeSize) ThrowHelper.ThrowTruncated(StructureName, baseOffset, NodeSize, body.Length);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(body[8..]);
        int syndromeOffset = BinaryPrimitives.ReadUInt16LittleEndian(body[12..]);
        int auxOffset = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);
        if (syndromeOffset < NodeSize || syndromeOffset > body.Length)
            throw new ApeiContentException(StructureName, "ErrorSyndromeArrayOffset", baseOffset + 12, FormattableString.Invariant($"{NodeSize} to {body.Length}"), FormattableString.Invariant($"{syndromeOffset}"));
        ulong syndromeEnd = (ulong)syndromeOffset + (ulong)count * SyndromeSize;
        if (syndromeEnd > (ulong)body.Length)
            throw new ApeiContentException(StructureName, "ErrorSyndromeArrayNumEntries", baseOffset + 8,
                FormattableString.Invariant($"at most {(body.Length - syndromeOffset) / SyndromeSize} syndromes of {SyndromeSize} bytes after offset {syndromeOffset}"), FormattableString.Invariant($"{count}"));
        if (auxOffset == 0) return new(syndromeOffset, (int)count, 0, (int)syndromeEnd, null);
        if ((ulong)auxOffset < syndromeEnd || auxOffset > body.Length)
            throw new ApeiContentException(StructureName, "AuxiliaryDataOffset", baseOffset + 14, FormattableString.Invariant($"0, or {syndromeEnd} to {body.Length}"), FormattableString.Invariant($"{auxOffset}"));
        var aux = body[auxOffset..];
        var error = ArmRasAuxiliaryData.Check(aux, baseOffset + auxOffset, out int auxSize);
        return new(syndromeOffset, (int)count, auxOffset, error is null ? auxOffset + auxSize : body.Length, error);
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
            if (p.AuxError is null) s.AuxiliaryData = ArmRasAuxiliaryData.Decode(aux);
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
        Parts p;
        try
        {
            p = Check(body, baseOffset);
        }
        catch (ApeiContentException e)
        {
            DescribeNode(body[..NodeSize], baseOffset, visitor);
            visitor.Error(e);
            if (body.Length > NodeSize) visitor.Data("undecoded", "Bytes not decoded (the offsets do not fit)", baseOffset + NodeSize, body[NodeSize..]);
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
            ArmRasAuxiliaryData.Describe(body[p.AuxOffset..p.AuxEnd], baseOffset + p.AuxOffset, visitor);
            visitor.EndObject();
        }
        if (p.AuxEnd < body.Length) visitor.Data("trailingBytes", "Bytes after the node's parts", baseOffset + p.AuxEnd, body[p.AuxEnd..]);
    }

    /// <summary>The node header, with the IP instance and IP type shown by their formats where a layout is known.</summary>
    private static void DescribeNode(ReadOnlySpan<byte> node, long baseOffset, StructureVisitor visitor)
    {
        foreach (var f in NodeLayout.Fields)
        {
            var layout = f.Json switch
            {
                "ipInstance" => node[16] < IpInstanceLayouts.Count ? IpInstanceLayouts[node[16]] : null,
                "ipType" => node[17] == 0 ? PeIpTypeLayout : null,
                _ => null,
            };
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

    internal static FieldDef Find(StructDef layout, string json)
    {
        var f = layout.Find(json);
        if (f is null || !f.IsNumeric || f.Size > 8) throw new ArgumentException($"No integer field '{json}' in {layout.Name}.", nameof(json));
        return f;
    }
}

/// <summary>One ARM RAS error syndrome (72 bytes, <see cref="ArmRasSection.SyndromeLayout"/>).</summary>
public sealed class ArmRasSyndrome
{
    internal ArmRasSyndrome(ReadOnlySpan<byte> bytes) => Bytes = bytes[..ArmRasSection.SyndromeSize].ToArray();

    /// <summary>A zeroed syndrome.</summary>
    public ArmRasSyndrome() => Bytes = new byte[ArmRasSection.SyndromeSize];

    internal byte[] Bytes { get; }

    /// <summary>Reads a field by its JSON name (e.g. <c>errorRecordIndex</c>, <c>errStatus</c>).</summary>
    public ulong GetField(string json) => ArmRasSection.Find(ArmRasSection.SyndromeLayout, json).ReadValue(Bytes);
    /// <summary>Writes a field by its JSON name.</summary>
    public void SetField(string json, ulong value) => ArmRasSection.Find(ArmRasSection.SyndromeLayout, json).WriteValue(Bytes, value);
}

/// <summary>ARM RAS auxiliary data: header, address-space contexts, key/value pairs, with the bytes between and after them kept.</summary>
public sealed class ArmRasAuxiliaryData
{
    private readonly byte[] _header = new byte[ArmRasSection.AuxiliaryHeaderSize];

    /// <summary>Version (libcper reads version 1).</summary>
    public byte Version { get => _header[0]; set => _header[0] = value; }
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
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], checked((ushort)Contexts.Count));
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], (uint)EncodedLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)PairOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[12..], checked((ushort)Pairs.Count));
        int pos = ArmRasSection.AuxiliaryHeaderSize;
        foreach (var c in Contexts) pos += c.Write(destination[pos..]);
        BytesBeforePairs.CopyTo(destination[pos..]);
        pos += BytesBeforePairs.Length;
        foreach (var (key, value) in Pairs)
        {
            key.TryWriteBytes(destination.Slice(pos, 16));
            BinaryPrimitives.WriteUInt64LittleEndian(destination[(pos + 16)..], value);
            pos += ArmRasSection.PairSize;
        }
        TrailingBytes.CopyTo(destination[pos..]);
        return pos + TrailingBytes.Length;
    }

    private readonly record struct Layout(List<(int At, int Length)>? Contexts, int ContextEnd, int PairOffset, int PairCount, int Size);

    /// <summary>Checks the header, contexts and pairs against <paramref name="aux"/> (the bytes from the auxiliary data offset to the end of the section).</summary>
    internal static ApeiContentException? Check(ReadOnlySpan<byte> aux, long baseOffset, out int size)
    {
        var error = Walk(aux, baseOffset, out var layout, collect: false);
        size = layout.Size;
        return error;
    }

    /// <summary>The auxiliary data's parts; on a context error, <paramref name="layout"/> holds the contexts before the bad one and <see cref="Layout.ContextEnd"/> is where it starts.</summary>
    /// <param name="aux">The bytes from the auxiliary data offset to the end of the section.</param>
    /// <param name="baseOffset">Where <paramref name="aux"/> starts, for errors.</param>
    /// <param name="layout">The parts found.</param>
    /// <param name="collect">False to only check (no context list is built, nothing allocated for valid data).</param>
    private static ApeiContentException? Walk(ReadOnlySpan<byte> aux, long baseOffset, out Layout layout, bool collect = true)
    {
        const string name = "ARM RAS auxiliary data";
        var list = collect ? new List<(int, int)>() : null;
        layout = new(list, ArmRasSection.AuxiliaryHeaderSize, 0, 0, 0);
        if (aux.Length < ArmRasSection.AuxiliaryHeaderSize) return ApeiContentException.Truncated(name, baseOffset, ArmRasSection.AuxiliaryHeaderSize, aux.Length);
        int contexts = BinaryPrimitives.ReadUInt16LittleEndian(aux[2..]);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(aux[4..]);
        uint pairOffset = BinaryPrimitives.ReadUInt32LittleEndian(aux[8..]);
        int pairs = BinaryPrimitives.ReadUInt16LittleEndian(aux[12..]);
        if (size < ArmRasSection.AuxiliaryHeaderSize || size > (uint)aux.Length)
            return new ApeiContentException(name, "AuxiliaryDataSize", baseOffset + 4, FormattableString.Invariant($"{ArmRasSection.AuxiliaryHeaderSize} to {aux.Length} bytes"), FormattableString.Invariant($"{size} bytes"));
        if (pairOffset < ArmRasSection.AuxiliaryHeaderSize || pairOffset > size || (ulong)pairs * ArmRasSection.PairSize > size - pairOffset)
            return new ApeiContentException(name, "KeyValuePairArrayOffset", baseOffset + 8,
                FormattableString.Invariant($"{ArmRasSection.AuxiliaryHeaderSize} to {size} with {pairs} pairs of {ArmRasSection.PairSize} bytes fitting before {size}"), FormattableString.Invariant($"{pairOffset}"));
        int pos = ArmRasSection.AuxiliaryHeaderSize;
        for (int i = 0; i < contexts; i++)
        {
            layout = new(list, pos, (int)pairOffset, pairs, (int)size);
            uint room = pairOffset - (uint)pos; // pos never passes pairOffset: each length is checked against the room left
            if (room < ArmRasSection.ContextHeaderSize)
                return ApeiContentException.Truncated(FormattableString.Invariant($"ARM RAS address-space context #{i}"), baseOffset + pos, ArmRasSection.ContextHeaderSize, (int)room, "AddressSpaceArrayNumEntries");
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(aux[pos..]);
            int registers = BinaryPrimitives.ReadUInt16LittleEndian(aux[(pos + 6)..]);
            uint needed = (uint)(ArmRasSection.ContextHeaderSize + registers * ArmRasSection.RegisterSize);
            if (length < needed || length > room)
                return new ApeiContentException(FormattableString.Invariant($"ARM RAS address-space context #{i}"), "Length", baseOffset + pos,
                    FormattableString.Invariant($"{needed} (header and {registers} registers) to {room} bytes (up to the key/value pairs)"), FormattableString.Invariant($"{length} bytes"));
            list?.Add((pos, (int)length));
            pos += (int)length;
        }
        layout = new(list, pos, (int)pairOffset, pairs, (int)size);
        return null;
    }

    internal static ArmRasAuxiliaryData Decode(ReadOnlySpan<byte> aux)
    {
        Walk(aux, 0, out var l);
        var a = new ArmRasAuxiliaryData();
        aux[..ArmRasSection.AuxiliaryHeaderSize].CopyTo(a._header);
        foreach (var (at, length) in l.Contexts!) a.Contexts.Add(ArmRasContext.Decode(aux.Slice(at, length)));
        a.BytesBeforePairs = aux[l.ContextEnd..l.PairOffset].ToArray();
        for (int i = 0; i < l.PairCount; i++)
        {
            var p = aux.Slice(l.PairOffset + i * ArmRasSection.PairSize, ArmRasSection.PairSize);
            a.Pairs.Add((new Guid(p[..16]), BinaryPrimitives.ReadUInt64LittleEndian(p[16..])));
        }
        int end = l.PairOffset + l.PairCount * ArmRasSection.PairSize;
        a.TrailingBytes = aux[end..l.Size].ToArray();
        return a;
    }

    /// <summary>Describes the auxiliary data (<paramref name="aux"/> is its bytes up to its size, or to the section end when that does not fit).</summary>
    internal static void Describe(ReadOnlySpan<byte> aux, long baseOffset, StructureVisitor visitor)
    {
        var error = Walk(aux, baseOffset, out var l);
        if (aux.Length < ArmRasSection.AuxiliaryHeaderSize)
        {
            visitor.Error(error!);
            visitor.Data("undecoded", "Bytes not decoded", baseOffset, aux);
            return;
        }
        ArmRasSection.AuxiliaryHeaderLayout.Describe(aux[..ArmRasSection.AuxiliaryHeaderSize], baseOffset, visitor);
        visitor.BeginArray("contexts", "Address-space contexts", baseOffset + ArmRasSection.AuxiliaryHeaderSize, l.ContextEnd - ArmRasSection.AuxiliaryHeaderSize);
        for (int i = 0; i < l.Contexts!.Count; i++)
        {
            var (at, length) = l.Contexts[i];
            visitor.BeginObject(null, $"Address-space context #{i}", baseOffset + at, length);
            ArmRasContext.Describe(aux.Slice(at, length), baseOffset + at, visitor);
            visitor.EndObject();
        }
        int undecoded = ArmRasSection.AuxiliaryHeaderSize;
        if (error is not null && l.Contexts!.Count > 0) undecoded = l.ContextEnd;
        if (error is not null && l.PairOffset != 0 && aux.Length - l.ContextEnd >= ArmRasSection.ContextHeaderSize)
        {
            // The context whose length does not fit: its header is still shown (the length is what is wrong).
            visitor.BeginObject(null, $"Address-space context #{l.Contexts!.Count}", baseOffset + l.ContextEnd, ArmRasSection.ContextHeaderSize);
            ArmRasSection.ContextHeaderLayout.Describe(aux.Slice(l.ContextEnd, ArmRasSection.ContextHeaderSize), baseOffset + l.ContextEnd, visitor);
            visitor.EndObject();
            undecoded = l.ContextEnd + ArmRasSection.ContextHeaderSize;
        }
        visitor.EndArray();
        if (error is not null)
        {
            visitor.Error(error);
            if (aux.Length > undecoded) visitor.Data("undecoded", "Bytes not decoded (the counts do not fit)", baseOffset + undecoded, aux[undecoded..]);
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
        if (end < l.Size) visitor.Data("trailingBytes", "Bytes after the key/value pairs", baseOffset + end, aux[end..l.Size]);
    }
}

/// <summary>One ARM RAS address-space context: header fields, registers, and bytes after the registers up to its length.</summary>
public sealed class ArmRasContext
{
    private readonly byte[] _header = new byte[ArmRasSection.ContextHeaderSize];

    /// <summary>Flags (bit 0: the identifier is a local address space).</summary>
    public ushort Flags { get => BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(4)); set => BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(4), value); }
    /// <summary>True when the address-space identifier is local (flags bit 0).</summary>
    public bool IsLocalAddressSpace => (Flags & 1) != 0;
    /// <summary>Address-space identifier.</summary>
    public ushort AddressSpaceIdentifier { get => BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(8)); set => BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(8), value); }
    /// <summary>The registers (address, value).</summary>
    public List<(ulong Address, ulong Value)> Registers { get; } = [];
    /// <summary>Bytes after the registers up to the context length.</summary>
    public byte[] TrailingBytes { get; set; } = [];

    internal int EncodedLength => checked(ArmRasSection.ContextHeaderSize + Registers.Count * ArmRasSection.RegisterSize + TrailingBytes.Length);

    internal int Write(Span<byte> destination)
    {
        _header.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)EncodedLength);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], checked((ushort)Registers.Count));
        int pos = ArmRasSection.ContextHeaderSize;
        foreach (var (address, value) in Registers)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[pos..], address);
            BinaryPrimitives.WriteUInt64LittleEndian(destination[(pos + 8)..], value);
            pos += ArmRasSection.RegisterSize;
        }
        TrailingBytes.CopyTo(destination[pos..]);
        return EncodedLength;
    }

    internal static ArmRasContext Decode(ReadOnlySpan<byte> context)
    {
        var c = new ArmRasContext();
        context[..ArmRasSection.ContextHeaderSize].CopyTo(c._header);
        int registers = BinaryPrimitives.ReadUInt16LittleEndian(context[6..]);
        for (int r = 0; r < registers; r++)
        {
            var e = context.Slice(ArmRasSection.ContextHeaderSize + r * ArmRasSection.RegisterSize, ArmRasSection.RegisterSize);
            c.Registers.Add((BinaryPrimitives.ReadUInt64LittleEndian(e), BinaryPrimitives.ReadUInt64LittleEndian(e[8..])));
        }
        c.TrailingBytes = context[(ArmRasSection.ContextHeaderSize + registers * ArmRasSection.RegisterSize)..].ToArray();
        return c;
    }

    internal static void Describe(ReadOnlySpan<byte> context, long baseOffset, StructureVisitor visitor)
    {
        const int h = ArmRasSection.ContextHeaderSize, r = ArmRasSection.RegisterSize;
        ArmRasSection.ContextHeaderLayout.Describe(context[..h], baseOffset, visitor);
        int registers = BinaryPrimitives.ReadUInt16LittleEndian(context[6..]);
        visitor.BeginArray("registers", "Registers", baseOffset + h, (long)registers * r);
        for (int i = 0; i < registers; i++)
        {
            visitor.BeginObject(null, $"Register #{i}", baseOffset + h + i * r, r);
            ArmRasSection.RegisterLayout.Describe(context.Slice(h + i * r, r), baseOffset + h + i * r, visitor);
            visitor.EndObject();
        }
        visitor.EndArray();
        int end = h + registers * r;
        if (end < context.Length) visitor.Data("trailingBytes", "Bytes after the registers", baseOffset + end, context[end..]);
    }
}
