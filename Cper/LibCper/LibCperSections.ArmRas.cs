using System.Buffers.Binary;
using System.Text.Json.Nodes;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// ARM RAS node section as libcper renders it (<c>sections/cper-section-arm-ras.c</c>), built on ApeiKit's
/// <see cref="ArmRasSection"/> (layouts, offsets and the auxiliary-data walk live there). libcper's rules kept here:
/// revision 1 only, auxiliary data version 1 only, the IP type read one format off (format 1 as IIDR/AIDR, 2 as PIDR
/// bytes, 3 as nothing), the MISC2/MISC3 registers only for a non-zero RAS extension byte, and the address-space
/// identifier only for local scope. See docs/libcper-compat.md.
/// </summary>
internal sealed class LcArmRas : LibCperSection<ArmRasSection>
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

    /// <summary>libcper's syndrome member names beside ApeiKit's layout names.</summary>
    private static readonly (string Libcper, string Layout)[] SyndromeRegisters =
    [
        ("errorRecordFeatureRegister", "errFr"), ("errorRecordControlRegister", "errCtlr"), ("errorRecordPrimaryStatusRegister", "errStatus"),
        ("errorRecordAddressRegister", "errAddr"), ("errorRecordMiscRegister0", "errMisc0"), ("errorRecordMiscRegister1", "errMisc1"),
        ("errorRecordMiscRegister2", "errMisc2"), ("errorRecordMiscRegister3", "errMisc3"),
    ];

    private static JsonObject Dict(ulong v, string[] names) => v < (ulong)names.Length ? new JsonObject { ["raw"] = v, ["value"] = names[v] } : new JsonObject { ["raw"] = v };

    private static ulong F(StructDef layout, ReadOnlySpan<byte> bytes, string json) => layout.Find(json)!.ReadValue(bytes);
    private static void W(StructDef layout, Span<byte> bytes, string json, ulong value) => layout.Find(json)!.WriteValue(bytes, value);

    protected override int MinimumLength => ArmRasSection.NodeSize;

    protected override ArmRasSection Decode(ReadOnlySpan<byte> body) => ArmRasSection.Decode(body);

    protected override JsonObject? ToIr(ArmRasSection m, out string? message)
    {
        message = null;
        // libcper gives an empty object with an "(empty)" message for a node it cannot read; not reproduced (see libcper-compat.md).
        if (m.Revision != 1 || m.SyndromeOffset >= m.GetEncodedLength() || m.UndecodedAuxiliaryData is { Length: 0 }) return null;
        message = "ARM RAS error occured";
        var o = new JsonObject
        {
            ["revision"] = (ulong)m.Revision,
            ["componentType"] = Dict(m.ComponentType, ComponentTypes),
            ["errorSyndromeArrayNumEntries"] = (ulong)m.Syndromes.Count,
            ["ipInstanceFormat"] = Dict(m.IpInstanceFormat, InstanceFormats),
        };
        var instance = new JsonObject();
        byte[] ipInstance = m.IpInstance;
        if (m.IpInstanceLayout is { } il)
            foreach (var f in il.Fields)
                if (f.Kind != FieldKind.Reserved) instance[f.Json] = Hex(f.ReadValue(ipInstance), 16);
        if (m.IpInstanceFormat == 3) instance["socSpecificIpIdentifier"] = "<OpaqueData>";
        o["ipInstance"] = instance;
        o["ipTypeFormat"] = Dict(m.IpTypeFormat, TypeFormats);
        var type = new JsonObject();
        byte[] ipType = m.IpType;
        switch (m.IpTypeFormat)
        {
            case 0:
                foreach (var f in ArmRasSection.PeIpTypeLayout.Fields) type[f.Json] = Hex(f.ReadValue(ipType), 16);
                break;
            // ApeiKit keeps IP type formats 1-3 as bytes (DEN0085: 1 SMMU IIDR, 2 GIC IIDR, 3 PIDR); libcper reads format 1
            // as two 32-bit registers and format 2 as eight PIDR bytes, which is its reading of those bytes, done here.
            case 1:
                type["iidr"] = Hex(BinaryPrimitives.ReadUInt32LittleEndian(ipType), 8);
                type["aidr"] = Hex(BinaryPrimitives.ReadUInt32LittleEndian(ipType.AsSpan(4)), 8);
                break;
            case 2:
                for (int i = 0; i < Pidr.Length; i++) type[Pidr[i]] = Hex(ipType[i], 2);
                break;
        }
        o["ipType"] = type;
        if (UntrustedString(m.UserData) is { } user) o["userData"] = user;
        var syndromes = new JsonArray();
        foreach (var d in m.Syndromes)
        {
            ulong ext = d.GetField("rasExtension");
            var s = new JsonObject
            {
                ["errorRecordIndex"] = d.GetField("errorRecordIndex"),
                ["rasExtensionRevisionField"] = ext >> 4,
                ["rasExtensionArchVersion"] = ext & 0xF,
            };
            // libcper prints MISC2/MISC3 only when the RAS extension byte is non-zero.
            foreach (var (name, field) in SyndromeRegisters[..(ext != 0 ? 8 : 6)]) s[name] = Hex(d.GetField(field), 16);
            syndromes.Add((JsonNode?)s);
        }
        o["errorSyndromes"] = syndromes;
        if (m.AuxiliaryData is { Version: 1 } aux) o["auxData"] = Aux(aux);
        return o;
    }

    private static JsonObject Aux(ArmRasAuxiliaryData a)
    {
        var o = new JsonObject { ["version"] = (ulong)a.Version };
        var list = new JsonArray();
        foreach (var c in a.Contexts)
        {
            int scope = c.IsLocalAddressSpace ? 1 : 0;
            var ctx = new JsonObject { ["flags"] = new JsonObject { ["addressSpaceIdentifierScope"] = Scopes[scope] } };
            if (scope == 1) ctx["addressSpaceIdentifier"] = (ulong)c.AddressSpaceIdentifier;
            var regs = new JsonArray();
            foreach (var (address, value) in c.Registers) regs.Add((JsonNode?)new JsonObject { ["address"] = Hex(address, 16), ["value"] = Hex(value, 16) });
            ctx["registers"] = regs;
            list.Add((JsonNode?)ctx);
        }
        o["contexts"] = list;
        var pairs = new JsonArray();
        foreach (var (key, value) in a.Pairs) pairs.Add((JsonNode?)new JsonObject { ["key"] = GuidText(key), ["value"] = Hex(value, 16) });
        o["keyValuePairs"] = pairs;
        return o;
    }

    public override ArmRasSection FromIrModel(JsonObject o)
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
            d.SetField("errorRecordIndex", U(Lc.M(s, "errorRecordIndex")));
            d.SetField("rasExtension", ((U(Lc.M(s, "rasExtensionRevisionField")) & 0xF) << 4) | (U(Lc.M(s, "rasExtensionArchVersion")) & 0xF));
            foreach (var (name, field) in SyndromeRegisters) d.SetField(field, U(Lc.M(s, name)));
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
