using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using static ApeiKit.Cper.LibCper.Lc;
using static ApeiKit.Cper.LibCper.Lm;

namespace ApeiKit.Cper.LibCper;

/// <summary>The DMAr VT-d and IOMMU sections declared as libcper member maps (see <see cref="LcFixed"/>).</summary>
internal static class LcDmar
{
    private static readonly StructDef s_vtd = DmarVtdSection.LayoutDef, s_iommu = DmarIommuSection.LayoutDef;
    private static readonly FieldDef s_faultRecord = F(s_vtd, "faultRecord");

    /// <summary>libcper's page table entry members, level 6 first, over <paramref name="layout"/>'s <c>pteLevelN</c> fields.</summary>
    private static LcMember[] PageTableEntries(StructDef layout)
        => [.. Enumerable.Range(1, 6).Reverse().Select(l => Int(FormattableString.Invariant($"pageTableEntry_Level{l}"), F(layout, FormattableString.Invariant($"pteLevel{l}"))))];

    /// <summary>Intel VT-d DMAr error section (UEFI 2.10 N.2.11.2; libcper <c>sections/cper-section-dmar-vtd.c</c>).</summary>
    public static LibCperMap Vtd { get; } = new(DmarVtdSection.Codec, "Intel VT for Directed I/O Specific DMAr", "VtdDmar", s_vtd, 0,
    [
        Int("version", F(s_vtd, "version")),
        Int("revision", F(s_vtd, "revision")),
        Int("oemID", F(s_vtd, "oemId")),
        Int("capabilityRegister", F(s_vtd, "capability")),
        Int("extendedCapabilityRegister", F(s_vtd, "extendedCapability")),
        Int("globalCommandRegister", F(s_vtd, "globalCommand")),
        Int("globalStatusRegister", F(s_vtd, "globalStatus")),
        Int("faultStatusRegister", F(s_vtd, "faultStatus")),
        Quirk("faultRecord", null, WriteFaultRecord, ReadFaultRecord),
        Base64("rootEntry", F(s_vtd, "rootEntry")),
        Base64("contextEntry", F(s_vtd, "contextEntry")),
        .. PageTableEntries(s_vtd),
    ]) { Message = "A VT-d DMAr Error occurred" };

    /// <summary>IOMMU DMAr error section (UEFI 2.10 N.2.11.3; libcper <c>sections/cper-section-dmar-iommu.c</c>).</summary>
    public static LibCperMap Iommu { get; } = new(DmarIommuSection.Codec, "IOMMU Specific DMAr", "IommuDmar", s_iommu, 0,
    [
        Int("revision", F(s_iommu, "revision")),
        Int("controlRegister", F(s_iommu, "control")),
        Int("statusRegister", F(s_iommu, "status")),
        Base64("eventLogEntry", F(s_iommu, "eventLogEntry")),
        Base64("deviceTableEntry", F(s_iommu, "deviceTableEntry")),
        .. PageTableEntries(s_iommu),
    ]) { Message = "A IOMMU Specific DMAr Error occurred" };

    private static readonly JsonEncodedText[] s_fault = [.. new[]
    {
        "faultRecord", "faultInformation", "sourceIdentifier", "privelegeModeRequested", "executePermissionRequested", "pasidPresent",
        "faultReason", "pasidValue", "addressType", "type",
    }.Select(n => JsonEncodedText.Encode(n))];
    private static readonly LcNames s_faultTypes = LcNames.Libcper(["Write Request", "Read Request"], "Unknown");

    /// <summary>
    /// The VT-d fault recording register (VT-d specification 11.4.14, 128 bits), which the model keeps as its 16 bytes:
    /// libcper shows its fields (quirk, docs/libcper-compat.md; <c>privelegeModeRequested</c> is libcper's spelling).
    /// </summary>
    private static void WriteFaultRecord(Utf8JsonWriter w, ReadOnlySpan<byte> body, ulong valid)
    {
        var record = body.Slice(s_faultRecord.Offset, 16);
        ulong lo = BinaryPrimitives.ReadUInt64LittleEndian(record), hi = BinaryPrimitives.ReadUInt64LittleEndian(record[8..]);
        w.WriteStartObject(s_fault[0]);
        w.WriteNumber(s_fault[1], lo >> 12);
        w.WriteNumber(s_fault[2], hi & 0xFFFF);
        w.WriteBoolean(s_fault[3], Bit(hi, 29));
        w.WriteBoolean(s_fault[4], Bit(hi, 30));
        w.WriteBoolean(s_fault[5], Bit(hi, 31));
        w.WriteNumber(s_fault[6], (hi >> 32) & 0xFF);
        w.WriteNumber(s_fault[7], (hi >> 40) & 0xFFFFF);
        w.WriteNumber(s_fault[8], (hi >> 60) & 0x3);
        LibCperMap.WritePair(w, s_fault[9], (hi >> 62) & 1, s_faultTypes);
        w.WriteEndObject();
    }

    private static ulong ReadFaultRecord(JsonNode? f, Span<byte> body)
    {
        var record = body.Slice(s_faultRecord.Offset, 16);
        BinaryPrimitives.WriteUInt64LittleEndian(record, U(Lc.M(f, "faultInformation")) << 12);
        ulong hi = (U(Lc.M(f, "sourceIdentifier")) & 0xFFFF) | (Bool(Lc.M(f, "privelegeModeRequested")) ? 1UL << 29 : 0) | (Bool(Lc.M(f, "executePermissionRequested")) ? 1UL << 30 : 0)
            | (Bool(Lc.M(f, "pasidPresent")) ? 1UL << 31 : 0) | ((U(Lc.M(f, "faultReason")) & 0xFF) << 32) | ((U(Lc.M(f, "pasidValue")) & 0xFFFFF) << 40)
            | ((U(Lc.M(f, "addressType")) & 3) << 60) | ((PairValue(Lc.M(f, "type")) & 1) << 62);
        BinaryPrimitives.WriteUInt64LittleEndian(record[8..], hi);
        return 0;
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
