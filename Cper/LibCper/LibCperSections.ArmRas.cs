using System.Text.Json.Nodes;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// ARM RAS node section (Arm DEN0085 RAS CPER, GUID bf32d4d5-b427-4025-8495-8a9e5d4030e4, named "ARM RAS" in <see cref="CperGuids"/>; libcper
/// <c>sections/cper-section-arm-ras.c</c>): an 80-byte node (revision, component type, syndrome count and offset, auxiliary
/// data offset, IP instance and IP type with their formats, user data), 72-byte error-record syndromes, and auxiliary data
/// (address-space contexts with memory-mapped registers, key/value pairs). libcper decodes the IP type one format off
/// (format 2 "GIC_IIDR" is read as PIDR, 3 "PIDR" as nothing) and does not know the MPAM PARTID key here (ApeiKit does
/// not know that GUID either, so such a pair shows its value): see docs/libcper-compat.md.
/// </summary>
internal sealed class LcArmRas : LibCperSection
{
    public static readonly Guid Guid = new("bf32d4d5-b427-4025-8495-8a9e5d4030e4");
    public override Guid SectionType => Guid;
    public override string ReadableName => "ARM RAS";
    public override string ShortName => "ArmRas";
    private const int NodeSize = 80, SyndromeSize = 72, AuxHeaderSize = 16, ContextHeaderSize = 16, RegisterSize = 16, PairSize = 24;
    private static readonly string[] ComponentTypes = ["ProcessorErrorNode", "MemoryErrorNode", "SMMUErrorNode", "VendorDefinedErrorNode", "GICErrorNode", "PciExpressErrorNode", "ProxyErrorNode"];
    private static readonly string[] InstanceFormats = ["PE", "SystemPhysicalAddress", "LocalAddressIdentifier", "SocSpecificIpIdentifier"];
    private static readonly string[] TypeFormats = ["PE", "SMMU_IIDR", "GIC_IIDR", "PIDR"];
    private static readonly string[] Scopes = ["SystemPhysicalAddressSpace", "LocalAddressSpace"];

    private static JsonObject Dict(ulong v, string[] names) => v < (ulong)names.Length ? new JsonObject { ["raw"] = v, ["value"] = names[v] } : new JsonObject { ["raw"] = v };

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = null;
        if (b.Length < NodeSize) return null;
        uint revision = U32(b, 0), count = U32(b, 8);
        int syndromeOffset = U16(b, 12), auxOffset = U16(b, 14);
        ulong syndromeBytes = (ulong)count * SyndromeSize;
        // libcper gives an empty object with an "(empty)" message for a node it cannot read; not reproduced (see libcper-compat.md).
        if (syndromeOffset > b.Length || syndromeBytes > (ulong)(b.Length - syndromeOffset) || revision != 1
            || syndromeOffset < NodeSize || syndromeOffset >= b.Length || (auxOffset != 0 && auxOffset >= b.Length)) return null;
        message = "ARM RAS error occured";
        var o = new JsonObject
        {
            ["revision"] = (ulong)revision,
            ["componentType"] = Dict(b[4], ComponentTypes),
            ["errorSyndromeArrayNumEntries"] = (ulong)count,
            ["ipInstanceFormat"] = Dict(b[16], InstanceFormats),
        };
        var instance = new JsonObject();
        switch (b[16])
        {
            case 0: instance["mpidrEl1"] = Hex(U64(b, 24), 16); break;
            case 1: instance["systemPhysicalAddress"] = Hex(U64(b, 24), 16); break;
            case 2: instance["localAddressIdentifier"] = Hex(U64(b, 24), 16); instance["baseAddress"] = Hex(U64(b, 32), 16); break;
            case 3: instance["socSpecificIpIdentifier"] = "<OpaqueData>"; break;
        }
        o["ipInstance"] = instance;
        o["ipTypeFormat"] = Dict(b[17], TypeFormats);
        var type = new JsonObject();
        switch (b[17])
        {
            case 0: type["midrEl1"] = Hex(U64(b, 40), 16); type["revidrEl1"] = Hex(U64(b, 48), 16); type["aidrEl1"] = Hex(U64(b, 56), 16); break;
            case 1: type["iidr"] = Hex(U32(b, 40), 8); type["aidr"] = Hex(U32(b, 44), 8); break;
            case 2:
                string[] pidr = ["pidr3", "pidr2", "pidr1", "pidr0", "pidr7", "pidr6", "pidr5", "pidr4"];
                for (int i = 0; i < pidr.Length; i++) type[pidr[i]] = Hex(b[40 + i], 2);
                break;
        }
        o["ipType"] = type;
        if (UntrustedString(b.Slice(64, 16)) is { } user) o["userData"] = user;
        var syndromes = new JsonArray();
        for (int i = 0; i < count; i++)
        {
            var d = b.Slice(syndromeOffset + i * SyndromeSize, SyndromeSize);
            var s = new JsonObject
            {
                ["errorRecordIndex"] = (ulong)U32(d, 0),
                ["rasExtensionRevisionField"] = (ulong)(d[4] >> 4),
                ["rasExtensionArchVersion"] = (ulong)(d[4] & 0xF),
                ["errorRecordFeatureRegister"] = Hex(U64(d, 8), 16),
                ["errorRecordControlRegister"] = Hex(U64(d, 16), 16),
                ["errorRecordPrimaryStatusRegister"] = Hex(U64(d, 24), 16),
                ["errorRecordAddressRegister"] = Hex(U64(d, 32), 16),
                ["errorRecordMiscRegister0"] = Hex(U64(d, 40), 16),
                ["errorRecordMiscRegister1"] = Hex(U64(d, 48), 16),
            };
            if (d[4] != 0)
            {
                s["errorRecordMiscRegister2"] = Hex(U64(d, 56), 16);
                s["errorRecordMiscRegister3"] = Hex(U64(d, 64), 16);
            }
            syndromes.Add(s);
        }
        o["errorSyndromes"] = syndromes;
        if (Aux(b, auxOffset, syndromeBytes) is { } aux) o["auxData"] = aux;
        return o;
    }

    private static JsonObject? Aux(ReadOnlySpan<byte> b, int auxOffset, ulong syndromeBytes)
    {
        if (auxOffset == 0 || (ulong)auxOffset < NodeSize + syndromeBytes) return null;
        int auxLen = b.Length - auxOffset;
        if (auxLen < AuxHeaderSize) return null;
        var a = b[auxOffset..];
        byte version = a[0];
        int contexts = U16(a, 2);
        uint size = U32(a, 4), kvOffset = U32(a, 8);
        int kvCount = U16(a, 12);
        bool kvOffsetValid = (kvCount == 0 && kvOffset == size) || kvOffset < size;
        if (version != 1 || size > (uint)auxLen || size < AuxHeaderSize || !kvOffsetValid || kvOffset < AuxHeaderSize) return null;
        var o = new JsonObject { ["version"] = (ulong)version };
        var list = new JsonArray();
        int cursor = AuxHeaderSize;
        uint remaining = size - AuxHeaderSize;
        for (int i = 0; i < contexts; i++)
        {
            if (remaining < ContextHeaderSize) return o;
            var c = a[cursor..];
            uint length = U32(c, 0);
            int registers = U16(c, 6);
            uint needed = (uint)(ContextHeaderSize + registers * RegisterSize);
            if (length < ContextHeaderSize || length < needed || needed > remaining || (uint)cursor + length > kvOffset) return o;
            int scope = U16(c, 4) & 1;
            var ctx = new JsonObject { ["flags"] = new JsonObject { ["addressSpaceIdentifierScope"] = Scopes[scope] } };
            if (scope == 1) ctx["addressSpaceIdentifier"] = (ulong)U16(c, 8);
            var regs = new JsonArray();
            for (int r = 0; r < registers; r++)
                regs.Add(new JsonObject { ["address"] = Hex(U64(c, ContextHeaderSize + r * RegisterSize), 16), ["value"] = Hex(U64(c, ContextHeaderSize + r * RegisterSize + 8), 16) });
            ctx["registers"] = regs;
            list.Add(ctx);
            cursor += (int)length;
            remaining -= length;
        }
        o["contexts"] = list;
        if ((ulong)kvCount * PairSize <= size - kvOffset)
        {
            var pairs = new JsonArray();
            for (int i = 0; i < kvCount; i++)
            {
                int at = (int)kvOffset + i * PairSize;
                pairs.Add(new JsonObject { ["key"] = GuidText(a, at), ["value"] = Hex(U64(a, at + 16), 16) });
            }
            o["keyValuePairs"] = pairs;
        }
        return o;
    }

    public override byte[] FromIr(JsonObject o)
    {
        var syndromes = o["errorSyndromes"] as JsonArray ?? [];
        var aux = o["auxData"] as JsonObject;
        var node = new byte[NodeSize];
        W32(node, 0, U(o["revision"]));
        node[4] = (byte)U(o["componentType"]?["raw"]);
        W32(node, 8, (ulong)syndromes.Count);
        W16(node, 12, NodeSize);
        node[16] = (byte)U(o["ipInstanceFormat"]?["raw"]);
        node[17] = (byte)U(o["ipTypeFormat"]?["raw"]);
        var inst = o["ipInstance"];
        switch (node[16])
        {
            case 0: W64(node, 24, ParseNumber(Str(inst?["mpidrEl1"]))); break;
            case 1: W64(node, 24, ParseNumber(Str(inst?["systemPhysicalAddress"]))); break;
            case 2: W64(node, 24, ParseNumber(Str(inst?["localAddressIdentifier"]))); W64(node, 32, ParseNumber(Str(inst?["baseAddress"]))); break;
        }
        var type = o["ipType"];
        switch (node[17])
        {
            case 0: W64(node, 40, ParseNumber(Str(type?["midrEl1"]))); W64(node, 48, ParseNumber(Str(type?["revidrEl1"]))); W64(node, 56, ParseNumber(Str(type?["aidrEl1"]))); break;
            case 1: W32(node, 40, ParseNumber(Str(type?["iidr"]))); W32(node, 44, ParseNumber(Str(type?["aidr"]))); break;
            case 2:
                string[] pidr = ["pidr3", "pidr2", "pidr1", "pidr0", "pidr7", "pidr6", "pidr5", "pidr4"];
                for (int i = 0; i < pidr.Length; i++) node[40 + i] = (byte)ParseNumber(Str(type?[pidr[i]]));
                break;
        }
        var user = Str(o["userData"]) ?? "";
        System.Text.Encoding.ASCII.GetBytes(user.AsSpan(0, Math.Min(user.Length, 15)), node.AsSpan(64, 15));
        using var ms = new MemoryStream();
        ms.Write(node);
        foreach (var s in syndromes)
        {
            var d = new byte[SyndromeSize];
            W32(d, 0, U(s?["errorRecordIndex"]));
            d[4] = (byte)(((U(s?["rasExtensionRevisionField"]) & 0xF) << 4) | (U(s?["rasExtensionArchVersion"]) & 0xF));
            string[] regs = ["errorRecordFeatureRegister", "errorRecordControlRegister", "errorRecordPrimaryStatusRegister", "errorRecordAddressRegister",
                "errorRecordMiscRegister0", "errorRecordMiscRegister1", "errorRecordMiscRegister2", "errorRecordMiscRegister3"];
            for (int i = 0; i < regs.Length; i++) W64(d, 8 + i * 8, ParseNumber(Str(s?[regs[i]])));
            ms.Write(d);
        }
        if (aux is not null)
        {
            var bytes = ms.ToArray();
            W16(bytes, 14, (ulong)bytes.Length);
            ms.SetLength(0);
            ms.Write(bytes);
            var contexts = aux["contexts"] as JsonArray ?? [];
            var pairs = aux["keyValuePairs"] as JsonArray ?? [];
            using var body = new MemoryStream();
            foreach (var c in contexts)
            {
                var regs = c?["registers"] as JsonArray ?? [];
                var h = new byte[ContextHeaderSize + regs.Count * RegisterSize];
                W32(h, 0, (ulong)h.Length);
                bool local = Str(c?["flags"]?["addressSpaceIdentifierScope"]) == Scopes[1];
                W16(h, 4, local ? 1UL : 0);
                W16(h, 6, (ulong)regs.Count);
                if (local) W16(h, 8, U(c?["addressSpaceIdentifier"]));
                for (int r = 0; r < regs.Count; r++)
                {
                    W64(h, ContextHeaderSize + r * RegisterSize, ParseNumber(Str(regs[r]?["address"])));
                    W64(h, ContextHeaderSize + r * RegisterSize + 8, ParseNumber(Str(regs[r]?["value"])));
                }
                body.Write(h);
            }
            long kvOffset = AuxHeaderSize + body.Length;
            foreach (var p in pairs)
            {
                var e = new byte[PairSize];
                WGuid(e, 0, GuidFrom(p?["key"]));
                W64(e, 16, p?["value"] is JsonNode v ? ParseNumber(Str(v)) : U(p?["mpamPartId"]));
                body.Write(e);
            }
            var ah = new byte[AuxHeaderSize];
            ah[0] = (byte)U(aux["version"]);
            W16(ah, 2, (ulong)contexts.Count);
            W32(ah, 4, (ulong)(AuxHeaderSize + body.Length));
            W32(ah, 8, (ulong)kvOffset);
            W16(ah, 12, (ulong)pairs.Count);
            ms.Write(ah);
            ms.Write(body.ToArray());
        }
        return ms.ToArray();
    }
}
