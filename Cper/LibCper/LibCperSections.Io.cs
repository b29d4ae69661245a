using System.Text.Json.Nodes;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>Intel VT-d DMAr error section (UEFI 2.10 N.2.11.2; libcper <c>cper-section-dmar-vtd.c</c>), 144 bytes.</summary>
internal sealed class LcDmarVtd : LibCperSection
{
    public override Guid SectionType => CperGuids.DmarVtd;
    public override string ReadableName => "Intel VT for Directed I/O Specific DMAr";
    public override string ShortName => "VtdDmar";
    private const int Size = 144;
    private static readonly string[] FaultTypes = ["Write Request", "Read Request"];

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = "A VT-d DMAr Error occurred";
        if (b.Length < Size) return null;
        ulong oem = 0;
        for (int i = 0; i < 6; i++) oem |= (ulong)b[2 + i] << (i * 8);
        // VT-d fault recording register (VT-d spec 11.4.14), 128 bits at offset 48.
        ulong lo = U64(b, 48), hi = U64(b, 56);
        var fault = new JsonObject
        {
            ["faultInformation"] = lo >> 12,
            ["sourceIdentifier"] = hi & 0xFFFF,
            ["privelegeModeRequested"] = Bit(hi, 29),
            ["executePermissionRequested"] = Bit(hi, 30),
            ["pasidPresent"] = Bit(hi, 31),
            ["faultReason"] = (hi >> 32) & 0xFF,
            ["pasidValue"] = (hi >> 40) & 0xFFFFF,
            ["addressType"] = (hi >> 60) & 0x3,
            ["type"] = Pair((hi >> 62) & 1, FaultTypes, "Unknown"),
        };
        return new JsonObject
        {
            ["version"] = (int)b[0],
            ["revision"] = (int)b[1],
            ["oemID"] = oem,
            ["capabilityRegister"] = U64(b, 8),
            ["extendedCapabilityRegister"] = U64(b, 16),
            ["globalCommandRegister"] = (ulong)U32(b, 24),
            ["globalStatusRegister"] = (ulong)U32(b, 28),
            ["faultStatusRegister"] = (ulong)U32(b, 32),
            ["faultRecord"] = fault,
            ["rootEntry"] = B64(b.Slice(64, 16)),
            ["contextEntry"] = B64(b.Slice(80, 16)),
            ["pageTableEntry_Level6"] = U64(b, 96),
            ["pageTableEntry_Level5"] = U64(b, 104),
            ["pageTableEntry_Level4"] = U64(b, 112),
            ["pageTableEntry_Level3"] = U64(b, 120),
            ["pageTableEntry_Level2"] = U64(b, 128),
            ["pageTableEntry_Level1"] = U64(b, 136),
        };
    }

    public override byte[] FromIr(JsonObject o)
    {
        var b = new byte[Size];
        W8(b, 0, U(o["version"]));
        W8(b, 1, U(o["revision"]));
        ulong oem = U(o["oemID"]);
        for (int i = 0; i < 6; i++) b[2 + i] = (byte)(oem >> (i * 8));
        W64(b, 8, U(o["capabilityRegister"]));
        W64(b, 16, U(o["extendedCapabilityRegister"]));
        W32(b, 24, U(o["globalCommandRegister"]));
        W32(b, 28, U(o["globalStatusRegister"]));
        W32(b, 32, U(o["faultStatusRegister"]));
        var f = o["faultRecord"];
        W64(b, 48, U(f?["faultInformation"]) << 12);
        ulong hi = (U(f?["sourceIdentifier"]) & 0xFFFF) | (Bool(f?["privelegeModeRequested"]) ? 1UL << 29 : 0) | (Bool(f?["executePermissionRequested"]) ? 1UL << 30 : 0)
            | (Bool(f?["pasidPresent"]) ? 1UL << 31 : 0) | ((U(f?["faultReason"]) & 0xFF) << 32) | ((U(f?["pasidValue"]) & 0xFFFFF) << 40)
            | ((U(f?["addressType"]) & 3) << 60) | ((PairValue(f?["type"]) & 1) << 62);
        W64(b, 56, hi);
        FromB64(o["rootEntry"]).AsSpan(0, Math.Min(16, FromB64(o["rootEntry"]).Length)).CopyTo(b.AsSpan(64));
        var ctx = FromB64(o["contextEntry"]);
        ctx.AsSpan(0, Math.Min(16, ctx.Length)).CopyTo(b.AsSpan(80));
        W64(b, 96, U(o["pageTableEntry_Level6"]));
        W64(b, 104, U(o["pageTableEntry_Level5"]));
        W64(b, 112, U(o["pageTableEntry_Level4"]));
        W64(b, 120, U(o["pageTableEntry_Level3"]));
        W64(b, 128, U(o["pageTableEntry_Level2"]));
        W64(b, 136, U(o["pageTableEntry_Level1"]));
        return b;
    }
}

/// <summary>IOMMU DMAr error section (UEFI 2.10 N.2.11.3; libcper <c>cper-section-dmar-iommu.c</c>), 144 bytes.</summary>
internal sealed class LcDmarIommu : LibCperSection
{
    public override Guid SectionType => CperGuids.DmarIommu;
    public override string ReadableName => "IOMMU Specific DMAr";
    public override string ShortName => "IommuDmar";
    private const int Size = 144;

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = "A IOMMU Specific DMAr Error occurred";
        if (b.Length < Size) return null;
        return new JsonObject
        {
            ["revision"] = (int)b[0],
            ["controlRegister"] = U64(b, 8),
            ["statusRegister"] = U64(b, 16),
            ["eventLogEntry"] = B64(b.Slice(32, 16)),
            ["deviceTableEntry"] = B64(b.Slice(64, 32)),
            ["pageTableEntry_Level6"] = U64(b, 96),
            ["pageTableEntry_Level5"] = U64(b, 104),
            ["pageTableEntry_Level4"] = U64(b, 112),
            ["pageTableEntry_Level3"] = U64(b, 120),
            ["pageTableEntry_Level2"] = U64(b, 128),
            ["pageTableEntry_Level1"] = U64(b, 136),
        };
    }

    public override byte[] FromIr(JsonObject o)
    {
        var b = new byte[Size];
        W8(b, 0, U(o["revision"]));
        W64(b, 8, U(o["controlRegister"]));
        W64(b, 16, U(o["statusRegister"]));
        var ev = FromB64(o["eventLogEntry"]);
        ev.AsSpan(0, Math.Min(16, ev.Length)).CopyTo(b.AsSpan(32));
        var dte = FromB64(o["deviceTableEntry"]);
        dte.AsSpan(0, Math.Min(32, dte.Length)).CopyTo(b.AsSpan(64));
        W64(b, 96, U(o["pageTableEntry_Level6"]));
        W64(b, 104, U(o["pageTableEntry_Level5"]));
        W64(b, 112, U(o["pageTableEntry_Level4"]));
        W64(b, 120, U(o["pageTableEntry_Level3"]));
        W64(b, 128, U(o["pageTableEntry_Level2"]));
        W64(b, 136, U(o["pageTableEntry_Level1"]));
        return b;
    }
}

/// <summary>CCIX PER log error section (UEFI 2.10 N.2.12; libcper <c>cper-section-ccix-per.c</c>): 16-byte header and the PER log.</summary>
internal sealed class LcCcixPer : LibCperSection
{
    public override Guid SectionType => CperGuids.CcixPer;
    public override string ReadableName => "CCIX PER Log Error";
    public override string ShortName => "CcixPer";
    private const int Size = 16;

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = "A CCIX PER Log Error occurred";
        if (b.Length < Size) return null;
        uint length = U32(b, 0);
        if ((uint)b.Length < length) return null;
        ulong v = U64(b, 4);
        var o = new JsonObject { ["length"] = (ulong)length };
        if (Bit(v, 0)) o["ccixSourceID"] = (int)b[12];
        if (Bit(v, 1)) o["ccixPortID"] = (int)b[13];
        if (Bit(v, 2) && length > Size) o["ccixPERLog"] = B64(b[Size..(int)length]);
        return o;
    }

    public override byte[] FromIr(JsonObject o)
    {
        var log = FromB64(o["ccixPERLog"]);
        var b = new byte[Size + (o.ContainsKey("ccixPERLog") ? log.Length : 0)];
        ulong v = 0;
        W32(b, 0, U(o["length"]));
        if (o.ContainsKey("ccixSourceID")) { W8(b, 12, U(o["ccixSourceID"])); v |= 1; }
        if (o.ContainsKey("ccixPortID")) { W8(b, 13, U(o["ccixPortID"])); v |= 2; }
        if (o.ContainsKey("ccixPERLog")) { log.CopyTo(b.AsSpan(Size)); v |= 4; }
        W64(b, 4, v);
        return b;
    }
}

/// <summary>CXL protocol error section (UEFI 2.10 N.2.13; libcper <c>cper-section-cxl-protocol.c</c>): 116 bytes, DVSEC and error log.</summary>
internal sealed class LcCxlProtocol : LibCperSection
{
    public override Guid SectionType => CperGuids.CxlProtocol;
    public override string ReadableName => "CXL Protocol Error";
    public override string ShortName => "CxlProtocol";
    private const int Size = 116;
    private static readonly string[] Agents = ["CXL 1.1 Device", "CXL 1.1 Host Downstream Port"];

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = "A CXL Protocol Error occurred";
        if (b.Length < Size) return null;
        int dvsec = U16(b, 108), log = U16(b, 110);
        if (b.Length < Size + dvsec + log) return null;
        ulong v = U64(b, 0);
        byte agent = b[8];
        var o = new JsonObject();
        if (Bit(v, 0)) o["agentType"] = Pair(agent, Agents);
        if (Bit(v, 1))
        {
            if (agent == 0)
                o["cxlAgentAddress"] = new JsonObject { ["functionNumber"] = (ulong)b[16], ["deviceNumber"] = (ulong)b[17], ["busNumber"] = (ulong)b[18], ["segmentNumber"] = (ulong)U16(b, 19) };
            else if (agent == 1)
                o["cxlAgentAddress"] = new JsonObject { ["value"] = U64(b, 16) };
        }
        var id = new JsonObject { ["vendorID"] = (ulong)U16(b, 24) };
        if (Bit(v, 2))
        {
            id["deviceID"] = (ulong)U16(b, 26);
            id["subsystemVendorID"] = (ulong)U16(b, 28);
            id["subsystemDeviceID"] = (ulong)U16(b, 30);
            id["classCode"] = (ulong)U16(b, 32);
            id["slotNumber"] = (ulong)(U16(b, 34) >> 3);
        }
        o["deviceID"] = id;
        if (Bit(v, 3) && agent == 0) o["deviceSerial"] = U64(b, 40);
        if (Bit(v, 4)) o["capabilityStructure"] = B64(b.Slice(48, 60));
        if (Bit(v, 5))
        {
            o["dvsecLength"] = dvsec;
            o["cxlDVSEC"] = B64(b.Slice(Size, dvsec));
        }
        if (Bit(v, 6))
        {
            o["errorLogLength"] = log;
            o["cxlErrorLog"] = B64(b.Slice(Size + dvsec, log));
        }
        return o;
    }

    public override byte[] FromIr(JsonObject o)
    {
        var dvsec = o.ContainsKey("cxlDVSEC") ? FromB64(o["cxlDVSEC"]) : [];
        var log = o.ContainsKey("cxlErrorLog") ? FromB64(o["cxlErrorLog"]) : [];
        var b = new byte[Size + dvsec.Length + log.Length];
        ulong v = 0;
        byte agent = 0;
        if (o.ContainsKey("agentType")) { agent = (byte)PairValue(o["agentType"]); b[8] = agent; v |= 1; }
        if (o["cxlAgentAddress"] is JsonObject a)
        {
            if (agent == 0) { W8(b, 16, U(a["functionNumber"])); W8(b, 17, U(a["deviceNumber"])); W8(b, 18, U(a["busNumber"])); W16(b, 19, U(a["segmentNumber"])); }
            else if (agent == 1) W64(b, 16, U(a["value"]));
            v |= 2;
        }
        if (o["deviceID"] is JsonObject id)
        {
            W16(b, 24, U(id["vendorID"]));
            if (id.ContainsKey("deviceID"))
            {
                W16(b, 26, U(id["deviceID"])); W16(b, 28, U(id["subsystemVendorID"])); W16(b, 30, U(id["subsystemDeviceID"]));
                W16(b, 32, U(id["classCode"])); W16(b, 34, U(id["slotNumber"]) << 3);
                v |= 4;
            }
        }
        if (agent == 0 && o.ContainsKey("deviceSerial")) { W64(b, 40, U(o["deviceSerial"])); v |= 8; }
        if (agent == 0 && o.ContainsKey("capabilityStructure"))
        {
            var cap = FromB64(o["capabilityStructure"]);
            cap.AsSpan(0, Math.Min(60, cap.Length)).CopyTo(b.AsSpan(48));
            v |= 16;
        }
        W16(b, 108, o.ContainsKey("dvsecLength") ? U(o["dvsecLength"]) : (ulong)dvsec.Length);
        W16(b, 110, o.ContainsKey("errorLogLength") ? U(o["errorLogLength"]) : (ulong)log.Length);
        if (o.ContainsKey("cxlDVSEC")) v |= 32;
        if (o.ContainsKey("cxlErrorLog")) v |= 64;
        dvsec.CopyTo(b.AsSpan(Size));
        log.CopyTo(b.AsSpan(Size + dvsec.Length));
        W64(b, 0, v);
        return b;
    }
}

/// <summary>CXL component event sections (UEFI 2.10 N.2.14; libcper <c>cper-section-cxl-component.c</c>): 32-byte header and the event record.</summary>
internal sealed class LcCxlComponent(Guid type, string readableName) : LibCperSection
{
    public override Guid SectionType => type;
    public override string ReadableName => readableName;
    public override string ShortName => "CxlComponent";
    private const int Size = 32;

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = null;
        if (b.Length < Size) return null;
        uint length = U32(b, 0);
        if (length < Size || (uint)b.Length < length) return null;
        message = "A CXL Component Error occurred";
        ulong v = U64(b, 4);
        var o = new JsonObject { ["length"] = (ulong)length };
        if (Bit(v, 0))
        {
            o["deviceID"] = new JsonObject
            {
                ["vendorID"] = (int)U16(b, 12), ["deviceID"] = (int)U16(b, 14), ["functionNumber"] = (int)b[16], ["deviceNumber"] = (int)b[17],
                ["busNumber"] = (int)b[18], ["segmentNumber"] = (int)U16(b, 19), ["slotNumber"] = U16(b, 21) >> 3,
            };
        }
        if (Bit(v, 1)) o["deviceSerial"] = U64(b, 24);
        if (Bit(v, 2) && length > Size) o["cxlComponentEventLog"] = new JsonObject { ["data"] = B64(b[Size..(int)length]) };
        return o;
    }

    public override byte[] FromIr(JsonObject o)
    {
        var log = o["cxlComponentEventLog"] is JsonObject l ? FromB64(l["data"]) : [];
        var b = new byte[Size + log.Length];
        ulong v = 0;
        W32(b, 0, U(o["length"]));
        if (o["deviceID"] is JsonObject id)
        {
            W16(b, 12, U(id["vendorID"])); W16(b, 14, U(id["deviceID"])); W8(b, 16, U(id["functionNumber"])); W8(b, 17, U(id["deviceNumber"]));
            W8(b, 18, U(id["busNumber"])); W16(b, 19, U(id["segmentNumber"])); W16(b, 21, U(id["slotNumber"]) << 3);
            v |= 1;
        }
        if (o.ContainsKey("deviceSerial")) { W64(b, 24, U(o["deviceSerial"])); v |= 2; }
        if (o.ContainsKey("cxlComponentEventLog")) { log.CopyTo(b.AsSpan(Size)); v |= 4; }
        W64(b, 4, v);
        return b;
    }
}

/// <summary>Section families that live in their own files.</summary>
internal static partial class LibCperExtraSections
{
    public static IEnumerable<LibCperSection> All => [new LcNvidia(), new LcIa32X64(), new LcArm(), new LcNvidiaEvent(), new LcPcie(), new LcArmRas()];
}
