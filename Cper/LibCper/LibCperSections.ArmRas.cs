// [lc-audit D] libcper's ARM RAS value names
using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// ARM RAS node section as libcper renders it (<c>sections/cper-section-arm-ras.c</c>), built on ApeiKit's
/// <see cref="ArmRasSection"/>'s declarations and views (libcper's own walk here). libcper's rules kept here:
/// revision 1 only, auxiliary data version 1 only, the IP type read one format off (format 1 as IIDR/AIDR, 2 as PIDR
/// bytes, 3 as nothing), the MISC2/MISC3 registers only for a non-zero RAS extension byte, and the address-space
/// identifier only for local scope. See docs/libcper-compat.md.
/// </summary>
/// <remarks>
/// Streamed (issue #15): the body is read as libcper reads it (<see cref="ReadNode"/>, <see cref="WriteAux"/>: libcper's
/// checks, in its order, bounded by the body; never <c>Unknown</c>, as in libcper, but an empty object for a node it does
/// not read), then written straight into the <see cref="LcWriter"/> through the section's zero-copy views
/// (<see cref="ArmRasSectionView"/> and the syndrome, auxiliary data, context, register and pair views), names encoded
/// once, nothing allocated per record. The node header, the IP instance and PE IP type, the syndromes, the auxiliary
/// data's version, the registers and the pairs' keys are members of the declarations (their <c>LibCper</c> lines; the
/// registers' the layout's names), written with <see cref="LibCperMap.WriteMembers"/> and read back through
/// <see cref="LcStructure"/> (<see cref="FromIrBody"/>: the node, its syndrome array and the auxiliary data with its
/// context and pair arrays, the counts, offsets, size and lengths derived from the declarations) into the body's bytes,
/// which the codec decodes.
/// </remarks>
internal sealed class LcArmRas : LibCperSection
{
    public static Guid Guid => ArmRasSection.SectionGuid;
    public override Guid SectionType => Guid;
    public override string ReadableName => "ARM RAS";
    public override string ShortName => "ArmRas";
    /// <summary>libcper's component type names (<c>componentType</c> in sections/cper-section-arm-ras.c), for <see cref="ArmRasSection.ComponentType"/>'s declaration.</summary>
    internal static readonly LcNames ComponentTypes = LcNames.Libcper(["ProcessorErrorNode", "MemoryErrorNode", "SMMUErrorNode", "VendorDefinedErrorNode", "GICErrorNode", "PciExpressErrorNode", "ProxyErrorNode"]);
    /// <summary>libcper's IP instance format names (<c>ipInstanceFormat</c>), for <see cref="ArmRasSection.IpInstanceFormat"/>'s declaration.</summary>
    internal static readonly LcNames InstanceFormats = LcNames.Libcper(["PE", "SystemPhysicalAddress", "LocalAddressIdentifier", "SocSpecificIpIdentifier"]);
    /// <summary>libcper's IP type format names (<c>ipTypeFormat</c>), for <see cref="ArmRasSection.IpTypeFormat"/>'s declaration.</summary>
    internal static readonly LcNames TypeFormats = LcNames.Libcper(["PE", "SMMU_IIDR", "GIC_IIDR", "PIDR"]);
    private static readonly string[] Scopes = ["SystemPhysicalAddressSpace", "LocalAddressSpace"];
    private static readonly string[] Pidr = ["pidr3", "pidr2", "pidr1", "pidr0", "pidr7", "pidr6", "pidr5", "pidr4"];

    // [lc-audit Q] syndromes: MISC2/MISC3 only for a non-zero RAS extension byte
    /// <summary>
    /// libcper's syndrome members (<c>cper_section_arm_ras_to_ir</c>), the declaration's (<see cref="ArmRasSyndrome"/>'s
    /// LibCper lines) in libcper's order: the index, the RAS extension's revision then architecture version, the eight
    /// ERR&lt;n&gt; registers. libcper prints MISC2/MISC3 only when the RAS extension byte is non-zero (quirk): the first six.
    /// </summary>
    private static readonly LcMember[] s_syndrome = Lm.InOrder(ArmRasSyndrome.LibCperMembers(), "errorRecordIndex", "rasExtensionRevisionField", "rasExtensionArchVersion",
        "errorRecordFeatureRegister", "errorRecordControlRegister", "errorRecordPrimaryStatusRegister", "errorRecordAddressRegister",
        "errorRecordMiscRegister0", "errorRecordMiscRegister1", "errorRecordMiscRegister2", "errorRecordMiscRegister3"), s_syndromeWithoutMisc23 = s_syndrome[..^2];

    // [lc-audit D] libcper's names of the parts no declaration names (the section, its arrays and objects)
    private static readonly JsonEncodedText s_shortName = JsonEncodedText.Encode("ArmRas"), s_message = JsonEncodedText.Encode("ARM RAS error occured"),
        s_syndromes = JsonEncodedText.Encode("errorSyndromes"), s_auxData = JsonEncodedText.Encode("auxData"), s_contexts = JsonEncodedText.Encode("contexts"),
        s_flagsName = JsonEncodedText.Encode("flags"), s_scope = JsonEncodedText.Encode("addressSpaceIdentifierScope"),
        s_asidName = JsonEncodedText.Encode(ArmRasContext.AddressSpaceIdentifierField.Json), s_registers = JsonEncodedText.Encode("registers"),
        s_pairs = JsonEncodedText.Encode("keyValuePairs"), s_soc = JsonEncodedText.Encode("socSpecificIpIdentifier"),
        s_value = JsonEncodedText.Encode(ArmRasKeyValuePair.ValueField.Json), s_mpamPartId = JsonEncodedText.Encode("mpamPartId");

    // [lc-audit Q] IP type one format off, the opaque IP instance, MPAM PARTID (compat "ARM RAS")
    /// <summary>
    /// ApeiKit keeps IP type formats 1-3 as bytes (DEN0085: 1 SMMU IIDR, 2 GIC IIDR, 3 PIDR); libcper reads format 1 as
    /// two 32-bit registers and format 2 as eight PIDR bytes (its <c>gicIidr</c> and <c>pidr</c> unions, one format off),
    /// and shows nothing for format 3: its reading of those bytes, here.
    /// </summary>
    private static readonly LcMember[][] s_ipTypes =
    [
        ArmRasPeIpType.LibCperMembers(),
        [Lm.Hex("iidr", new FieldDef("iidr", "IIDR", 0, 4, FieldKind.Hex), 8), Lm.Hex("aidr", new FieldDef("aidr", "AIDR", 4, 4, FieldKind.Hex), 8)],
        [.. Pidr.Select((n, i) => Lm.Hex(n, new FieldDef(n, n.ToUpperInvariant(), i, 1, FieldKind.Hex), 2))],
    ];

    /// <summary>IP instance format 3: libcper prints a fixed text, not the bytes (a string, so the writer's encoder escapes it as the tree did).</summary>
    private static readonly LcMember s_opaqueInstance = Lm.Quirk("socSpecificIpIdentifier", null, (w, _, _) => w.WriteString(s_soc, "<OpaqueData>"), (_, _) => 0);

    /// <summary>
    /// A key/value pair: the key (<see cref="ArmRasKeyValuePair"/>'s line), then libcper's one known key (MPAM PARTID,
    /// DEN0085 Table 26) as <c>mpamPartId</c>, the low 16 bits, any other as <c>value</c> in hex. Read back, <c>value</c>
    /// wins over <c>mpamPartId</c> when both are given.
    /// </summary>
    private static readonly LcMember[] s_pair =
    [
        .. ArmRasKeyValuePair.LibCperMembers(),
        Lm.Quirk("mpamPartId", null, (w, p, _) => { if (IsMpam(p)) w.WriteNumber(s_mpamPartId, ArmRasKeyValuePair.ValueField.ReadValue(p) & 0xFFFF); }, (n, p) => Store(n, p)),
        Lm.Quirk("value", null, (w, p, _) => { if (!IsMpam(p)) w.WriteHex(s_value, ArmRasKeyValuePair.ValueField.ReadValue(p), 16); }, (n, p) => Store(n, p)),
    ];

    private static bool IsMpam(ReadOnlySpan<byte> pair) => new Guid(pair.Slice(ArmRasKeyValuePair.KeyField.Offset, ArmRasKeyValuePair.KeyField.Size)) == MpamPartId;

    private static ulong Store(JsonNode? n, Span<byte> pair)
    {
        if (n is not null) ArmRasKeyValuePair.ValueField.WriteValue(pair, U(n));
        return 0;
    }

    // [lc-audit D] libcper's member order over the declarations' members (arm_ras_add_fixed_fields), the registers' names the layout's
    /// <summary>
    /// The node header's members in libcper's order (<c>arm_ras_add_fixed_fields</c>): <see cref="ArmRasSection"/>'s
    /// <c>LibCper</c> lines, the IP instance by its format (the instance layouts' lines) and the IP type by its format.
    /// </summary>
    private static readonly LcMember[] s_node = Lm.InOrder(ArmRasSection.LibCperMembers(), "revision", "componentType", "errorSyndromeArrayNumEntries", "ipInstanceFormat",
        Lm.Variant("ipInstance", ArmRasSection.IpInstanceField, ArmRasSection.IpInstanceFormatField,
            ArmRasPeInstance.LibCperMembers(), ArmRasSystemAddressInstance.LibCperMembers(), ArmRasLocalAddressInstance.LibCperMembers(), [s_opaqueInstance]),
        "ipTypeFormat", Lm.Variant("ipType", ArmRasSection.IpTypeField, ArmRasSection.IpTypeFormatField, s_ipTypes), "userData");

    /// <summary>The auxiliary data header's member (its version) and a register's (the layout's names, libcper's hex).</summary>
    private static readonly LcMember[] s_auxHeader = ArmRasAuxiliaryData.LibCperMembers(),
        s_register = [.. ArmRasSection.RegisterLayout.Fields.Select(f => Lm.Hex(f.Json, f))];

    // [lc-audit Q] a context's scope by name, the address-space identifier only for local scope, both directions (compat "ARM RAS")
    /// <summary>
    /// An address-space context's header as libcper shows it: <c>flags</c> an object with the scope's name, and
    /// <c>addressSpaceIdentifier</c> only for local scope (flags bit 0). Read back, a scope named <c>LocalAddressSpace</c>
    /// sets bit 0, and only then is the identifier read (16 bits).
    /// </summary>
    private static readonly LcMember[] s_context =
    [
        Lm.Quirk("flags", null, (w, c, _) =>
        {
            w.WriteStartObject(s_flagsName);
            w.WriteString(s_scope, Scopes[Scope(c)]);
            w.WriteEndObject();
        }, (n, c) =>
        {
            if (Str(M(n, "addressSpaceIdentifierScope")) == Scopes[1]) ArmRasContext.FlagsField.WriteValue(c, 1);
            return 0;
        }),
        Lm.Quirk("addressSpaceIdentifier", null, (w, c, _) => { if (Scope(c) == 1) w.WriteNumber(s_asidName, ArmRasContext.AddressSpaceIdentifierField.ReadValue(c)); },
            // Its kind is checked whatever the scope (a wrong kind is refused, never dropped unseen); the value is stored
            // only for local scope, as libcper's reader stores it.
            (n, c) =>
            {
                U(n);
                if (Scope(c) == 1) ArmRasContext.AddressSpaceIdentifierField.WriteValue(c, U(n, 16));
                return 0;
            }),
    ];

    private static int Scope(ReadOnlySpan<byte> context) => (int)ArmRasContext.FlagsField.ReadValue(context) & 1;

    // [lc-audit Q] libcper's node checks and empty-node message, aux walk (compat "ARM RAS")
    /// <summary>What libcper's <c>arm_ras_read_node</c> makes of the node, in its order of checks.</summary>
    private enum NodeReading : byte { Read, TooSmall, SyndromesOutOfRange, Revision, Offsets }

    /// <summary>
    /// libcper's checks of the node (<c>arm_ras_read_node</c>), in its order: a body under the 80-byte node; syndromes
    /// (72 bytes each) beyond the body from their offset (the difference taken as libcper's unsigned 32-bit one, so an
    /// offset past the body passes here); a revision other than 1; a syndrome offset inside the node or at or past the
    /// body's end, or a non-zero auxiliary data offset at or past it. Each gives libcper's empty object.
    /// </summary>
    private static NodeReading ReadNode(ReadOnlySpan<byte> body, out ArmRasSectionView v)
    {
        ArmRasSectionView.TryRead(body, out v);
        if (body.Length < ArmRasSection.NodeSize) return NodeReading.TooSmall;
        ulong syndromeBytes = (ulong)v.ErrorSyndromeCount * ArmRasSection.SyndromeSize;
        if (syndromeBytes > unchecked((uint)body.Length - (uint)v.ErrorSyndromeOffset)) return NodeReading.SyndromesOutOfRange;
        if (v.Revision != 1) return NodeReading.Revision;
        int syndromeOffset = v.ErrorSyndromeOffset, auxOffset = v.AuxiliaryDataOffset;
        if (syndromeOffset < ArmRasSection.NodeSize || syndromeOffset >= body.Length || (auxOffset != 0 && auxOffset >= body.Length)) return NodeReading.Offsets;
        return NodeReading.Read;
    }

    /// <summary>libcper's message for a node it does not read: "ARM RAS (empty): " and the reason (<c>arm_ras_set_desc_string_invalid</c>).</summary>
    private static void WriteEmpty(LcWriter w, NodeReading reading, ReadOnlySpan<byte> body, uint revision)
    {
        Span<byte> text = stackalloc byte[64];
        int n = Put(text, 0, "ARM RAS (empty): "u8);
        switch (reading)
        {
            case NodeReading.TooSmall:
                n += Put(text, n, "invalid/too small "u8);
                n += Dec(text, n, (ulong)body.Length);
                n += Put(text, n, " < 80"u8);
                break;
            case NodeReading.SyndromesOutOfRange: n += Put(text, n, "descriptor array out of range"u8); break;
            case NodeReading.Revision:
                n += Put(text, n, "unsupported ARM RAS revision: "u8);
                n += Dec(text, n, revision);
                break;
            default: n += Put(text, n, "invalid ARM RAS offsets"u8); break;
        }
        w.WriteStartObject();
        w.WriteString(MessageName, text[..n]);
        w.WriteStartObject(s_shortName);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public override bool TryWrite(LcWriter w, ReadOnlySpan<byte> body)
    {
        // libcper never falls back to base64 for this section: a node it does not read is an empty object with a message.
        var reading = ReadNode(body, out var v);
        if (reading != NodeReading.Read)
        {
            WriteEmpty(w, reading, body, reading == NodeReading.Revision ? v.Revision : 0);
            return true;
        }
        int syndromeCount = (int)v.ErrorSyndromeCount; // at most the body's length / 72 (ReadNode)
        w.WriteStartObject();
        w.WriteString(MessageName, s_message);
        w.WriteStartObject(s_shortName);
        LibCperMap.WriteMembers(w, s_node, body, 0);
        w.WriteStartArray(s_syndromes);
        // The syndromes from their offset, 72 bytes each (ReadNode checked that they lie in the body).
        for (int i = 0, at = v.ErrorSyndromeOffset; i < syndromeCount; i++, at += ArmRasSection.SyndromeSize)
        {
            var d = ArmRasSyndromeView.Of(body.Slice(at, ArmRasSection.SyndromeSize));
            w.WriteStartObject();
            LibCperMap.WriteMembers(w, d.RasExtension != 0 ? s_syndrome : s_syndromeWithoutMisc23, d.Bytes, 0);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteAux(w, body, v.AuxiliaryDataOffset, (ulong)syndromeCount * ArmRasSection.SyndromeSize);
        w.WriteEndObject();
        w.WriteEndObject();
        return true;
    }

    /// <summary>
    /// The auxiliary data as libcper reads it (<c>arm_ras_parse_aux_data</c>): none for offset 0, an offset inside the node
    /// and the syndromes counted from byte 80 (libcper's bound, whatever the syndrome offset), fewer than 16 bytes after
    /// it, or a header libcper refuses (version 1, size from 16 to the bytes left, key/value offset from 16 and below the
    /// size, or equal to it with no pairs). Then <c>version</c>; <c>contexts</c> when every context fits (each at least
    /// its 16-byte header and registers, within the size and ending at or before the key/value pairs); and, only then,
    /// <c>keyValuePairs</c> when the pairs fit in the size. Every read lies inside the auxiliary data's size.
    /// </summary>
    private static void WriteAux(LcWriter w, ReadOnlySpan<byte> body, int offset, ulong syndromeBytes)
    {
        const int header = ArmRasSection.AuxiliaryHeaderSize, contextHeader = ArmRasSection.ContextHeaderSize;
        if (offset == 0 || (ulong)offset < ArmRasSection.NodeSize + syndromeBytes || body.Length - offset < header) return;
        var aux = body[offset..];
        var h = ArmRasAuxiliaryDataView.Of(aux);
        uint size = h.DeclaredSize, pairOffset = h.KeyValuePairOffset;
        int contexts = h.ContextCount, pairs = h.KeyValuePairCount;
        bool pairOffsetValid = (pairs == 0 && pairOffset == size) || pairOffset < size;
        if (h.Version != 1 || size > (uint)aux.Length || size < header || !pairOffsetValid || pairOffset < header) return;
        aux = aux[..(int)size];
        w.WriteStartObject(s_auxData);
        LibCperMap.WriteMembers(w, s_auxHeader, aux, 0);
        bool fit = true;
        for (int i = 0, pos = header; i < contexts; i++)
        {
            int remaining = aux.Length - pos;
            if (remaining < contextHeader) { fit = false; break; }
            var c = ArmRasContextView.Of(aux[pos..]);
            uint length = c.Length, needed = contextHeader + (uint)c.RegisterCount * ArmRasSection.RegisterSize;
            if (length < contextHeader || length < needed || needed > (uint)remaining || (ulong)pos + length > pairOffset) { fit = false; break; }
            pos += (int)length;
        }
        if (fit)
        {
            w.WriteStartArray(s_contexts);
            foreach (var c in new ArmRasAuxiliaryDataView.ContextEnumerator(aux, contexts)) // the loop above checked each one
            {
                w.WriteStartObject();
                LibCperMap.WriteMembers(w, s_context, c.Bytes, 0);
                w.WriteStartArray(s_registers);
                foreach (var r in c.Registers)
                {
                    w.WriteStartObject();
                    LibCperMap.WriteMembers(w, s_register, r.Bytes, 0);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if ((ulong)pairs * ArmRasSection.PairSize <= size - pairOffset)
            {
                w.WriteStartArray(s_pairs);
                for (int i = 0; i < pairs; i++)
                {
                    w.WriteStartObject();
                    LibCperMap.WriteMembers(w, s_pair, aux.Slice((int)pairOffset + i * ArmRasSection.PairSize, ArmRasSection.PairSize), 0);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
        }
        w.WriteEndObject();
    }

    /// <summary>The MPAM PARTID key of an auxiliary key/value pair (Arm DEN0085 Table 26; libcper <c>EFI_ARM_RAS_KVP_UUID_MPAM_PARTID</c>).</summary>
    private static readonly Guid MpamPartId = new("ebb45182-fb03-4bf9-9aca-8613709fd789");

    // [lc-audit D] the read-back: libcper's array and part names over the declared layouts (counts, offsets, size, lengths derived by the engine)
    /// <summary>
    /// The section read back (<c>ir_section_arm_ras_to_cper</c>, <c>arm_ras_build_aux_blob</c>): the node's members, the
    /// syndromes right after it, then the auxiliary data when <c>auxData</c> is given: its version, the contexts one after
    /// the other (each its header, <see cref="s_context"/>, and its registers), then the pairs. The counts, offsets, size
    /// and lengths are derived as the declarations say (<c>errorSyndromeArrayNumEntries</c> is overwritten by the array's
    /// count); one a field cannot hold (a 16-bit count, an auxiliary data offset past 16 bits) is refused with its path.
    /// </summary>
    private static readonly LcStructure s_section = new(ArmRasSection.NodeLayout, s_node)
    {
        Arrays = [new("errorSyndromes", "errorSyndromes", new(ArmRasSection.SyndromeLayout, s_syndrome))],
        Part = LcPart.Structure("auxData", "auxiliaryData", new(ArmRasSection.AuxiliaryHeaderLayout, s_auxHeader)
        {
            // A version given is written as given (libcper's reader writes 1 whatever the JSON says); none is 1, the one
            // version libcper's writer shows (0 would make auxiliary data libcper does not read).
            AfterRead = static (o, head) => { if (o[ArmRasAuxiliaryData.VersionField.Json] is null) ArmRasAuxiliaryData.VersionField.WriteValue(head, 1); },
            Arrays =
            [
                new("contexts", "contexts", new(ArmRasSection.ContextHeaderLayout, s_context) { Arrays = [new("registers", "registers", new(ArmRasSection.RegisterLayout, s_register))] }),
                new("keyValuePairs", "keyValuePairs", new(ArmRasSection.PairLayout, s_pair)),
            ],
        }),
    };

    /// <inheritdoc/>
    public override CperSectionBody FromIrBody(JsonObject ir) => ArmRasSection.Decode(s_section.Read(ir));
}
