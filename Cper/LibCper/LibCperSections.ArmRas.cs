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
/// once, nothing allocated per record. Reading back goes through the model (<see cref="FromIrBody"/>).
/// </remarks>
internal sealed class LcArmRas : LibCperSection
{
    public static Guid Guid => ArmRasSection.SectionGuid;
    public override Guid SectionType => Guid;
    public override string ReadableName => "ARM RAS";
    public override string ShortName => "ArmRas";
    private static readonly string[] ComponentTypes = ["ProcessorErrorNode", "MemoryErrorNode", "SMMUErrorNode", "VendorDefinedErrorNode", "GICErrorNode", "PciExpressErrorNode", "ProxyErrorNode"];
    private static readonly string[] InstanceFormats = ["PE", "SystemPhysicalAddress", "LocalAddressIdentifier", "SocSpecificIpIdentifier"];
    private static readonly string[] TypeFormats = ["PE", "SMMU_IIDR", "GIC_IIDR", "PIDR"];
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

    // [lc-audit M] member names from the layouts
    private static JsonEncodedText E(string name) => JsonEncodedText.Encode(name);

    private static readonly JsonEncodedText[] s_pidr = [.. Pidr.Select(E)];
    private static readonly JsonEncodedText[][] s_instanceNames = [.. ArmRasSection.IpInstanceLayouts.Select(l => l.Fields.Where(f => f.Kind != FieldKind.Reserved).Select(f => E(f.Json)).ToArray())];
    private static readonly JsonEncodedText[] s_peTypeNames = [.. ArmRasSection.PeIpTypeLayout.Fields.Select(f => E(f.Json))];
    private static readonly JsonEncodedText s_shortName = E("ArmRas"), s_message = E("ARM RAS error occured"), s_revisionName = E("revision"),
        s_componentTypeName = E("componentType"), s_count = E("errorSyndromeArrayNumEntries"), s_instanceFormatName = E("ipInstanceFormat"),
        s_ipInstanceName = E("ipInstance"), s_soc = E("socSpecificIpIdentifier"), s_typeFormatName = E("ipTypeFormat"),
        s_ipTypeName = E("ipType"), s_iidr = E("iidr"), s_aidr = E("aidr"), s_userDataName = E("userData"), s_syndromes = E("errorSyndromes"),
        s_auxData = E("auxData"), s_version = E("version"), s_contexts = E("contexts"), s_flagsName = E("flags"), s_scope = E("addressSpaceIdentifierScope"),
        s_asidName = E("addressSpaceIdentifier"), s_registers = E("registers"), s_addressName = E("address"), s_valueName = E("value"),
        s_pairs = E("keyValuePairs"), s_keyName = E("key"), s_raw = E("raw"), s_mpamPartId = E("mpamPartId");

    /// <summary>libcper's <c>{"raw": v, "value": name}</c> (no name past its table).</summary>
    private static void WriteDict(LcWriter w, JsonEncodedText name, ulong v, string[] names)
    {
        w.WriteStartObject(name);
        w.WriteNumber(s_raw, v);
        if (v < (ulong)names.Length) w.WriteString(s_valueName, names[v]);
        w.WriteEndObject();
    }

    // [lc-audit Q] libcper's node checks and empty-node message, IP type one format off, aux walk (compat "ARM RAS")
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
        w.WriteNumber(s_revisionName, v.Revision);
        WriteDict(w, s_componentTypeName, v.ComponentType, ComponentTypes);
        w.WriteNumber(s_count, v.ErrorSyndromeCount);
        ulong instanceFormat = v.IpInstanceFormat, typeFormat = v.IpTypeFormat;
        WriteDict(w, s_instanceFormatName, instanceFormat, InstanceFormats);
        w.WriteStartObject(s_ipInstanceName);
        var ipInstance = v.IpInstance;
        if (ArmRasSection.InstanceLayout(instanceFormat) is { } instanceLayout)
        {
            var names = s_instanceNames[instanceFormat];
            int i = 0;
            foreach (var f in instanceLayout.Fields)
                if (f.Kind != FieldKind.Reserved) w.WriteHex(names[i++], f.ReadValue(ipInstance), 16);
        }
        if (instanceFormat == 3) w.WriteString(s_soc, "<OpaqueData>"); // a string, so the writer's encoder escapes it as the tree did
        w.WriteEndObject();
        WriteDict(w, s_typeFormatName, typeFormat, TypeFormats);
        w.WriteStartObject(s_ipTypeName);
        var ipType = v.IpType;
        switch (typeFormat)
        {
            case 0:
                ArmRasPeIpTypeView.TryRead(ipType, out var pe);
                w.WriteHex(s_peTypeNames[0], pe.MidrEl1, 16);
                w.WriteHex(s_peTypeNames[1], pe.RevidrEl1, 16);
                w.WriteHex(s_peTypeNames[2], pe.AidrEl1, 16);
                break;
            // ApeiKit keeps IP type formats 1-3 as bytes (DEN0085: 1 SMMU IIDR, 2 GIC IIDR, 3 PIDR); libcper reads format 1
            // as two 32-bit registers and format 2 as eight PIDR bytes, which is its reading of those bytes, done here.
            case 1:
                w.WriteHex(s_iidr, BinaryPrimitives.ReadUInt32LittleEndian(ipType), 8);
                w.WriteHex(s_aidr, BinaryPrimitives.ReadUInt32LittleEndian(ipType[4..]), 8);
                break;
            case 2:
                for (int i = 0; i < s_pidr.Length; i++) w.WriteHex(s_pidr[i], ipType[i], 2);
                break;
        }
        w.WriteEndObject();
        var user = v.UserData;
        if (PrintableLength(user) is int userLength and >= 0) w.WriteString(s_userDataName, user[..userLength]);
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
        w.WriteNumber(s_version, h.Version);
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
                int scope = c.Flags & 1;
                w.WriteStartObject();
                w.WriteStartObject(s_flagsName);
                w.WriteString(s_scope, Scopes[scope]);
                w.WriteEndObject();
                if (scope == 1) w.WriteNumber(s_asidName, c.AddressSpaceIdentifier);
                w.WriteStartArray(s_registers);
                foreach (var r in c.Registers)
                {
                    w.WriteStartObject();
                    w.WriteHex(s_addressName, r.Address, 16);
                    w.WriteHex(s_valueName, r.Value, 16);
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
                    var pair = ArmRasKeyValuePairView.Of(aux.Slice((int)pairOffset + i * ArmRasSection.PairSize, ArmRasSection.PairSize));
                    w.WriteStartObject();
                    WriteGuid(w, s_keyName, pair.Key);
                    // libcper's one known key (MPAM PARTID, DEN0085 Table 26): the low 16 bits as mpamPartId.
                    if (pair.Key == MpamPartId) w.WriteNumber(s_mpamPartId, pair.Value & 0xFFFF);
                    else w.WriteHex(s_valueName, pair.Value, 16);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
        }
        w.WriteEndObject();
    }

    /// <summary>The MPAM PARTID key of an auxiliary key/value pair (Arm DEN0085 Table 26; libcper <c>EFI_ARM_RAS_KVP_UUID_MPAM_PARTID</c>).</summary>
    private static readonly Guid MpamPartId = new("ebb45182-fb03-4bf9-9aca-8613709fd789");

    // [lc-audit M] read-back through the model
    /// <inheritdoc/>
    public override CperSectionBody FromIrBody(JsonObject ir) => FromIrModel(ir);

    /// <summary>The model libcper's JSON describes.</summary>
    public static ArmRasSection FromIrModel(JsonObject o)
    {
        var m = new ArmRasSection
        {
            Revision = (uint)U(o["revision"], 32),
            ComponentType = (byte)U(Lc.M(o["componentType"], "raw"), 8),
            IpInstanceFormat = (byte)U(Lc.M(o["ipInstanceFormat"], "raw"), 8),
            IpTypeFormat = (byte)U(Lc.M(o["ipTypeFormat"], "raw"), 8),
        };
        var inst = o["ipInstance"];
        var instance = new byte[16];
        if (m.IpInstanceLayout is { } il)
            foreach (var f in il.Fields)
                if (f.Kind != FieldKind.Reserved) f.WriteValue(instance, U(Lc.M(inst, f.Json)));
        m.IpInstance = instance;
        var type = o["ipType"];
        var ipType = new byte[24];
        switch (m.IpTypeFormat)
        {
            case 0: foreach (var f in ArmRasSection.PeIpTypeLayout.Fields) f.WriteValue(ipType, U(Lc.M(type, f.Json))); break;
            case 1:
                BinaryPrimitives.WriteUInt32LittleEndian(ipType, (uint)U(Lc.M(type, "iidr"), 32));
                BinaryPrimitives.WriteUInt32LittleEndian(ipType.AsSpan(4), (uint)U(Lc.M(type, "aidr"), 32));
                break;
            case 2: for (int i = 0; i < Pidr.Length; i++) ipType[i] = (byte)U(Lc.M(type, Pidr[i]), 8); break;
        }
        m.IpType = ipType;
        var user = new byte[16];
        var text = Str(o["userData"]) ?? "";
        System.Text.Encoding.ASCII.GetBytes(text.AsSpan(0, Math.Min(text.Length, 15)), user.AsSpan(0, 15));
        m.UserData = user;
        foreach (var s in o["errorSyndromes"] as JsonArray ?? [])
        {
            var d = new ArmRasSyndrome();
            // A null entry is a zero syndrome, anything else but an object an error (as Lc.M reads).
            LibCperMap.ReadMembers(s is null ? [] : s as JsonObject ?? throw new Json.CperJsonException(s.GetPath(), $"expected an object (with \"errorRecordIndex\"), found {Show(s)}"), s_syndrome, d.Bytes);
            m.Syndromes.Add(d);
        }
        if (o["auxData"] is JsonObject aux)
        {
            var a = new ArmRasAuxiliaryData { Version = (byte)U(aux["version"], 8) };
            foreach (var c in aux["contexts"] as JsonArray ?? [])
            {
                bool local = Str(Lc.M(Lc.M(c, "flags"), "addressSpaceIdentifierScope")) == Scopes[1];
                var ctx = new ArmRasContext { Flags = local ? (ushort)1 : (ushort)0 };
                if (local) ctx.AddressSpaceIdentifier = (ushort)U(Lc.M(c, "addressSpaceIdentifier"), 16);
                foreach (var r in Lc.M(c, "registers") as JsonArray ?? []) ctx.Registers.Add((U(Lc.M(r, "address")), U(Lc.M(r, "value"))));
                a.Contexts.Add(ctx);
            }
            foreach (var p in aux["keyValuePairs"] as JsonArray ?? [])
                a.Pairs.Add((GuidFrom(Lc.M(p, "key")), Lc.M(p, "value") is JsonNode v ? U(v) : U(Lc.M(p, "mpamPartId"))));
            m.AuxiliaryData = a;
        }
        return m;
    }
}
