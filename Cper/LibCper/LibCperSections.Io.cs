using System.Buffers.Binary;
using System.Text.Json.Nodes;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>Intel VT-d DMAr error section (UEFI 2.10 N.2.11.2; libcper <c>cper-section-dmar-vtd.c</c>) over <see cref="DmarVtdSection"/>.</summary>
internal sealed class LcDmarVtd : LibCperSection<DmarVtdSection>
{
    public override Guid SectionType => CperGuids.DmarVtd;
    public override string ReadableName => "Intel VT for Directed I/O Specific DMAr";
    public override string ShortName => "VtdDmar";
    private static readonly string[] FaultTypes = ["Write Request", "Read Request"];
    private static readonly (string Libcper, string Layout)[] PageTableEntries =
    [
        ("pageTableEntry_Level6", "pteLevel6"), ("pageTableEntry_Level5", "pteLevel5"), ("pageTableEntry_Level4", "pteLevel4"),
        ("pageTableEntry_Level3", "pteLevel3"), ("pageTableEntry_Level2", "pteLevel2"), ("pageTableEntry_Level1", "pteLevel1"),
    ];

    protected override DmarVtdSection Decode(ReadOnlySpan<byte> body) => DmarVtdSection.Decode(body);

    protected override JsonObject? ToIr(DmarVtdSection m, out string? message)
    {
        message = "A VT-d DMAr Error occurred";
        ulong oem = FieldDef.ReadLittleEndian(m.GetFieldBytes("oemId"));
        // The model keeps the VT-d fault recording register (VT-d specification 11.4.14, 128 bits) as its 16 bytes;
        // libcper shows its fields, taken here from the two 64-bit halves.
        var record = m.FaultRecord;
        ulong lo = BinaryPrimitives.ReadUInt64LittleEndian(record), hi = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(8));
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
        var o = new JsonObject
        {
            ["version"] = (int)m.GetField("version"),
            ["revision"] = (int)m.GetField("revision"),
            ["oemID"] = oem,
            ["capabilityRegister"] = m.Capability,
            ["extendedCapabilityRegister"] = m.GetField("extendedCapability"),
            ["globalCommandRegister"] = m.GetField("globalCommand"),
            ["globalStatusRegister"] = m.GetField("globalStatus"),
            ["faultStatusRegister"] = (ulong)m.FaultStatus,
            ["faultRecord"] = fault,
            ["rootEntry"] = B64(m.GetFieldBytes("rootEntry")),
            ["contextEntry"] = B64(m.GetFieldBytes("contextEntry")),
        };
        foreach (var (name, field) in PageTableEntries) o[name] = m.GetField(field);
        return o;
    }

    public override DmarVtdSection FromIrModel(JsonObject o)
    {
        var m = new DmarVtdSection();
        m.SetField("version", U(o["version"]));
        m.SetField("revision", U(o["revision"]));
        Span<byte> oem = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(oem, U(o["oemID"]));
        m.SetFieldBytes("oemId", oem[..6]);
        m.Capability = U(o["capabilityRegister"]);
        m.SetField("extendedCapability", U(o["extendedCapabilityRegister"]));
        m.SetField("globalCommand", U(o["globalCommandRegister"]));
        m.SetField("globalStatus", U(o["globalStatusRegister"]));
        m.FaultStatus = (uint)U(o["faultStatusRegister"], 32);
        var f = o["faultRecord"];
        Span<byte> record = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(record, U(Lc.M(f, "faultInformation")) << 12);
        ulong hi = (U(Lc.M(f, "sourceIdentifier")) & 0xFFFF) | (Bool(Lc.M(f, "privelegeModeRequested")) ? 1UL << 29 : 0) | (Bool(Lc.M(f, "executePermissionRequested")) ? 1UL << 30 : 0)
            | (Bool(Lc.M(f, "pasidPresent")) ? 1UL << 31 : 0) | ((U(Lc.M(f, "faultReason")) & 0xFF) << 32) | ((U(Lc.M(f, "pasidValue")) & 0xFFFFF) << 40)
            | ((U(Lc.M(f, "addressType")) & 3) << 60) | ((PairValue(Lc.M(f, "type")) & 1) << 62);
        BinaryPrimitives.WriteUInt64LittleEndian(record[8..], hi);
        m.SetFieldBytes("faultRecord", record);
        m.SetFieldBytes("rootEntry", FromB64(o["rootEntry"]));
        m.SetFieldBytes("contextEntry", FromB64(o["contextEntry"]));
        foreach (var (name, field) in PageTableEntries) m.SetField(field, U(o[name]));
        return m;
    }
}

/// <summary>IOMMU DMAr error section (UEFI 2.10 N.2.11.3; libcper <c>cper-section-dmar-iommu.c</c>) over <see cref="DmarIommuSection"/>.</summary>
internal sealed class LcDmarIommu : LibCperSection<DmarIommuSection>
{
    public override Guid SectionType => CperGuids.DmarIommu;
    public override string ReadableName => "IOMMU Specific DMAr";
    public override string ShortName => "IommuDmar";
    private static readonly (string Libcper, string Layout)[] PageTableEntries =
    [
        ("pageTableEntry_Level6", "pteLevel6"), ("pageTableEntry_Level5", "pteLevel5"), ("pageTableEntry_Level4", "pteLevel4"),
        ("pageTableEntry_Level3", "pteLevel3"), ("pageTableEntry_Level2", "pteLevel2"), ("pageTableEntry_Level1", "pteLevel1"),
    ];

    protected override DmarIommuSection Decode(ReadOnlySpan<byte> body) => DmarIommuSection.Decode(body);

    protected override JsonObject? ToIr(DmarIommuSection m, out string? message)
    {
        message = "A IOMMU Specific DMAr Error occurred";
        var o = new JsonObject
        {
            ["revision"] = (int)m.GetField("revision"),
            ["controlRegister"] = m.Control,
            ["statusRegister"] = m.Status,
            ["eventLogEntry"] = B64(m.GetFieldBytes("eventLogEntry")),
            ["deviceTableEntry"] = B64(m.GetFieldBytes("deviceTableEntry")),
        };
        foreach (var (name, field) in PageTableEntries) o[name] = m.GetField(field);
        return o;
    }

    public override DmarIommuSection FromIrModel(JsonObject o)
    {
        var m = new DmarIommuSection { Control = U(o["controlRegister"]), Status = U(o["statusRegister"]) };
        m.SetField("revision", U(o["revision"]));
        m.SetFieldBytes("eventLogEntry", FromB64(o["eventLogEntry"]));
        m.SetFieldBytes("deviceTableEntry", FromB64(o["deviceTableEntry"]));
        foreach (var (name, field) in PageTableEntries) m.SetField(field, U(o[name]));
        return m;
    }
}

/// <summary>CCIX PER log error section (UEFI 2.10 N.2.12; libcper <c>cper-section-ccix-per.c</c>) over <see cref="CcixPerSection"/>.</summary>
internal sealed class LcCcixPer : LibCperSection<CcixPerSection>
{
    public override Guid SectionType => CperGuids.CcixPer;
    public override string ReadableName => "CCIX PER Log Error";
    public override string ShortName => "CcixPer";

    // The model refuses a Length beyond the body, as libcper does (and also a Length below 16, which libcper would print).
    protected override CcixPerSection Decode(ReadOnlySpan<byte> body) => CcixPerSection.Decode(body);

    protected override JsonObject? ToIr(CcixPerSection m, out string? message)
    {
        message = "A CCIX PER Log Error occurred";
        ulong v = m.ValidationBits;
        var o = new JsonObject { ["length"] = (ulong)(CcixPerSection.HeaderSize + m.PerLog.Length) };
        if (Bit(v, 0)) o["ccixSourceID"] = (int)m.SourceId;
        if (Bit(v, 1)) o["ccixPortID"] = (int)m.PortId;
        if (Bit(v, 2) && m.PerLog.Length > 0) o["ccixPERLog"] = B64(m.PerLog);
        return o;
    }

    public override CcixPerSection FromIrModel(JsonObject o)
    {
        var m = new CcixPerSection();
        ulong v = 0;
        if (o.ContainsKey("ccixSourceID")) { m.SourceId = (byte)U(o["ccixSourceID"], 8); v |= 1; }
        if (o.ContainsKey("ccixPortID")) { m.PortId = (byte)U(o["ccixPortID"], 8); v |= 2; }
        if (o.ContainsKey("ccixPERLog")) { m.PerLog = FromB64(o["ccixPERLog"]); v |= 4; }
        // A log libcper left out (its validation bit clear) comes back as zeros up to the JSON's length.
        ulong length = U(o["length"]);
        if (length > (ulong)(CcixPerSection.HeaderSize + m.PerLog.Length) && length <= int.MaxValue)
        {
            var log = new byte[(int)length - CcixPerSection.HeaderSize];
            m.PerLog.CopyTo(log, 0);
            m.PerLog = log;
        }
        m.ValidationBits = v;
        return m;
    }
}

/// <summary>CXL protocol error section (UEFI 2.10 N.2.13; libcper <c>cper-section-cxl-protocol.c</c>) over <see cref="CxlProtocolErrorSection"/>.</summary>
internal sealed class LcCxlProtocol : LibCperSection<CxlProtocolErrorSection>
{
    public override Guid SectionType => CperGuids.CxlProtocol;
    public override string ReadableName => "CXL Protocol Error";
    public override string ShortName => "CxlProtocol";
    private static readonly string[] Agents = ["CXL 1.1 Device", "CXL 1.1 Host Downstream Port"];

    // The model refuses DVSEC and error log lengths beyond the body, as libcper does.
    protected override CxlProtocolErrorSection Decode(ReadOnlySpan<byte> body) => CxlProtocolErrorSection.Decode(body);

    protected override JsonObject? ToIr(CxlProtocolErrorSection m, out string? message)
    {
        message = "A CXL Protocol Error occurred";
        ulong v = m.ValidationBits;
        byte agent = m.AgentType;
        var o = new JsonObject();
        if (Bit(v, 0)) o["agentType"] = Pair(agent, Agents);
        if (Bit(v, 1))
        {
            // Agent type 0: the address is segment/bus/device/function (the model's SBDF bit fields); type 1: the RCRB base address.
            ulong a = m.AgentAddress;
            if (agent == 0)
                o["cxlAgentAddress"] = new JsonObject { ["functionNumber"] = a & 0xFF, ["deviceNumber"] = (a >> 8) & 0xFF, ["busNumber"] = (a >> 16) & 0xFF, ["segmentNumber"] = (a >> 24) & 0xFFFF };
            else if (agent == 1)
                o["cxlAgentAddress"] = new JsonObject { ["value"] = a };
        }
        // libcper prints the vendor ID whatever bit 2 says.
        var id = new JsonObject { ["vendorID"] = (ulong)m.VendorId };
        if (Bit(v, 2))
        {
            id["deviceID"] = (ulong)m.DeviceId;
            id["subsystemVendorID"] = (ulong)m.SubsystemVendorId;
            id["subsystemDeviceID"] = (ulong)m.SubsystemId;
            id["classCode"] = (ulong)m.ClassCode;
            id["slotNumber"] = (ulong)m.SlotNumber;
        }
        o["deviceID"] = id;
        if (Bit(v, 3) && agent == 0) o["deviceSerial"] = m.DeviceSerialNumber;
        if (Bit(v, 4)) o["capabilityStructure"] = B64(m.CapabilityStructure);
        if (Bit(v, 5))
        {
            o["dvsecLength"] = m.Dvsec.Length;
            o["cxlDVSEC"] = B64(m.Dvsec);
        }
        if (Bit(v, 6))
        {
            o["errorLogLength"] = m.ErrorLog.Length;
            o["cxlErrorLog"] = B64(m.ErrorLog);
        }
        return o;
    }

    public override CxlProtocolErrorSection FromIrModel(JsonObject o)
    {
        var m = new CxlProtocolErrorSection();
        ulong v = 0;
        byte agent = 0;
        if (o.ContainsKey("agentType")) { agent = (byte)PairValue(o["agentType"], 8); m.AgentType = agent; v |= 1; }
        if (o["cxlAgentAddress"] is JsonObject a)
        {
            if (agent == 0)
                m.AgentAddress = (U(a["functionNumber"]) & 0xFF) | ((U(a["deviceNumber"]) & 0xFF) << 8) | ((U(a["busNumber"]) & 0xFF) << 16) | ((U(a["segmentNumber"]) & 0xFFFF) << 24);
            else if (agent == 1) m.AgentAddress = U(a["value"]);
            v |= 2;
        }
        if (o["deviceID"] is JsonObject id)
        {
            m.VendorId = (ushort)U(id["vendorID"], 16);
            if (id.ContainsKey("deviceID"))
            {
                m.DeviceId = (ushort)U(id["deviceID"], 16); m.SubsystemVendorId = (ushort)U(id["subsystemVendorID"], 16); m.SubsystemId = (ushort)U(id["subsystemDeviceID"], 16);
                m.ClassCode = (ushort)U(id["classCode"], 16); m.SlotNumber = (int)(U(id["slotNumber"]) & 0x1FFF);
                v |= 4;
            }
        }
        if (agent == 0 && o.ContainsKey("deviceSerial")) { m.DeviceSerialNumber = U(o["deviceSerial"]); v |= 8; }
        if (agent == 0 && o.ContainsKey("capabilityStructure")) { m.CapabilityStructure = FromB64(o["capabilityStructure"]); v |= 16; }
        if (o.ContainsKey("cxlDVSEC")) { m.Dvsec = FromB64(o["cxlDVSEC"]); v |= 32; }
        if (o.ContainsKey("cxlErrorLog")) { m.ErrorLog = FromB64(o["cxlErrorLog"]); v |= 64; }
        m.ValidationBits = v;
        return m;
    }
}

/// <summary>CXL component event sections (UEFI 2.10 N.2.14; libcper <c>cper-section-cxl-component.c</c>) over <see cref="CxlComponentEventSection"/>.</summary>
internal sealed class LcCxlComponent(Guid type, string readableName) : LibCperSection<CxlComponentEventSection>
{
    public override Guid SectionType => type;
    public override string ReadableName => readableName;
    public override string ShortName => "CxlComponent";

    // The model refuses a Length below 32 or beyond the body, as libcper does.
    protected override CxlComponentEventSection Decode(ReadOnlySpan<byte> body) => CxlComponentEventSection.Decode(body, 0, type);

    protected override JsonObject? ToIr(CxlComponentEventSection m, out string? message)
    {
        message = "A CXL Component Error occurred";
        ulong v = m.ValidationBits;
        var o = new JsonObject { ["length"] = (ulong)(CxlComponentEventSection.HeaderSize + m.EventLog.Length) };
        if (Bit(v, 0))
        {
            var (function, device, bus) = m.Location;
            o["deviceID"] = new JsonObject
            {
                ["vendorID"] = (int)m.VendorId, ["deviceID"] = (int)m.DeviceId, ["functionNumber"] = (int)function, ["deviceNumber"] = (int)device,
                ["busNumber"] = (int)bus, ["segmentNumber"] = (int)m.SegmentNumber, ["slotNumber"] = m.SlotNumber,
            };
        }
        if (Bit(v, 1)) o["deviceSerial"] = m.DeviceSerialNumber;
        if (Bit(v, 2) && m.EventLog.Length > 0) o["cxlComponentEventLog"] = new JsonObject { ["data"] = B64(m.EventLog) };
        return o;
    }

    public override CxlComponentEventSection FromIrModel(JsonObject o)
    {
        var m = new CxlComponentEventSection(type);
        ulong v = 0;
        if (o["deviceID"] is JsonObject id)
        {
            m.VendorId = (ushort)U(id["vendorID"], 16); m.DeviceId = (ushort)U(id["deviceID"], 16);
            m.Location = ((byte)U(id["functionNumber"], 8), (byte)U(id["deviceNumber"], 8), (byte)U(id["busNumber"], 8));
            m.SegmentNumber = (ushort)U(id["segmentNumber"], 16); m.SlotNumber = (int)(U(id["slotNumber"]) & 0x1FFF);
            v |= 1;
        }
        if (o.ContainsKey("deviceSerial")) { m.DeviceSerialNumber = U(o["deviceSerial"]); v |= 2; }
        if (o["cxlComponentEventLog"] is JsonObject l) { m.EventLog = FromB64(l["data"]); v |= 4; }
        // An event log libcper left out (its validation bit clear) comes back as zeros up to the JSON's length.
        ulong length = U(o["length"]);
        if (length > (ulong)(CxlComponentEventSection.HeaderSize + m.EventLog.Length) && length <= int.MaxValue)
        {
            var log = new byte[(int)length - CxlComponentEventSection.HeaderSize];
            m.EventLog.CopyTo(log, 0);
            m.EventLog = log;
        }
        m.ValidationBits = v;
        return m;
    }
}

/// <summary>Section families that live in their own files.</summary>
internal static partial class LibCperExtraSections
{
    public static IEnumerable<LibCperSection> All => [new LcNvidia(), new LcIa32X64(), new LcArm(), new LcNvidiaEvent(), new LcPcie(), new LcArmRas(), new LcAmpere()];
}
