// [lc-audit D] VT-d/IOMMU registrations; libcper's member order
using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApeiKit.Cper.Json;
using static ApeiKit.Cper.LibCper.Lc;
using static ApeiKit.Cper.LibCper.Lm;

namespace ApeiKit.Cper.LibCper;

/// <summary>The DMAr VT-d and IOMMU sections declared as libcper member maps (see <see cref="LcFixed"/>).</summary>
internal static class LcDmar
{
    private static readonly FieldDef s_faultRecord = DmarVtdSection.FaultRecordField;

    /// <summary>Intel VT-d DMAr error section (UEFI 2.10 N.2.11.2; libcper <c>sections/cper-section-dmar-vtd.c</c>): the spec's order, the fault record a quirk.</summary>
    public static LibCperMap Vtd { get; } = new(DmarVtdSection.Codec, "Intel VT for Directed I/O Specific DMAr", "VtdDmar", DmarVtdSection.LayoutDef, 0,
        InOrder(DmarVtdSection.LibCperMembers(), "version", "revision", "oemID", "capabilityRegister", "extendedCapabilityRegister", "globalCommandRegister",
            "globalStatusRegister", "faultStatusRegister", Quirk("faultRecord", null, WriteFaultRecord, ReadFaultRecord), "rootEntry", "contextEntry",
            "pageTableEntry_Level6", "pageTableEntry_Level5", "pageTableEntry_Level4", "pageTableEntry_Level3", "pageTableEntry_Level2", "pageTableEntry_Level1"))
    { Message = "A VT-d DMAr Error occurred" };

    /// <summary>IOMMU DMAr error section (UEFI 2.10 N.2.11.3; libcper <c>sections/cper-section-dmar-iommu.c</c>): libcper's order is the spec's.</summary>
    public static LibCperMap Iommu { get; } = new(DmarIommuSection.Codec, "IOMMU Specific DMAr", "IommuDmar", DmarIommuSection.LayoutDef, 0,
        DmarIommuSection.LibCperMembers()) { Message = "A IOMMU Specific DMAr Error occurred" };

    // [lc-audit Q] the VT-d fault record shown as fields, libcper's names (compat "VT-d DMAr" rows)
    private static readonly JsonEncodedText[] s_fault = [.. new[]
    {
        "faultRecord", "faultInformation", "sourceIdentifier", "privelegeModeRequested", "executePermissionRequested", "pasidPresent",
        "faultReason", "pasidValue", "addressType", "type",
    }.Select(n => JsonEncodedText.Encode(n))];
    // libcper's names of the fault record's Type bit (VTD_FAULT_RECORD_TYPES_VALUES, cper-section-dmar-vtd.h:13-14).
    private static readonly LcNames s_faultTypes = LcNames.Libcper(["Write Request", "Read/AtomicOp Request"], "Unknown");

    /// <summary>
    /// The VT-d fault recording register (VT-d specification 11.4.14, 128 bits), which the model keeps as its 16 bytes:
    /// libcper shows its fields (quirk, docs/libcper-compat.md; <c>privelegeModeRequested</c> is libcper's spelling).
    /// </summary>
    private static void WriteFaultRecord(LcWriter w, ReadOnlySpan<byte> body, ulong valid)
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

// [lc-audit E] the variable-part engine: a log after a header (CCIX PER, CXL component)
/// <summary>
/// The sections with a fixed header and a variable part after it, declared as libcper member maps: the header's members
/// from its layout, the variable part (a log, register pairs) a <see cref="Lm.Tail"/> member gated by its validation flag.
/// </summary>
internal static class LcVariable
{
    private static readonly StructDef s_ccix = CcixPerSection.HeaderLayout, s_cxl = CxlComponentEventSection.HeaderLayout, s_pci = PciComponentErrorSection.HeaderLayout;
    private static readonly FieldDef s_ccixLength = F(s_ccix, "length"); // CCIX PER Length, looked up once
    private static readonly JsonEncodedText s_data = JsonEncodedText.Encode("data");

    /// <summary>A Length field that covers the header and lies within the body (the models refuse any other, as libcper does).</summary>
    private static LcCheck LengthFits(StructDef layout)
    {
        var length = F(layout, "length"); // looked up once, not per record
        return body => length.ReadValue(body) is var l && l >= (ulong)layout.Size && l <= (ulong)body.Length;
    }

    /// <summary>The log between the header and Length as base64 (inside <c>{"data": …}</c> when <paramref name="inData"/>), left out when empty.</summary>
    private static LcMember Log(string name, StructDef layout, string flag, bool inData)
    {
        var encoded = JsonEncodedText.Encode(name);
        var length = F(layout, "length"); // looked up once, not per record
        return Tail(name, layout, flag, (w, body, valid) =>
        {
            int end = (int)length.ReadValue(body);
            if (end <= layout.Size) return; // no log (a CCIX Length below the header: libcper's remaining length is not positive)
            var log = body[layout.Size..end];
            if (!inData) { w.WriteBase64String(encoded, log); return; }
            w.WriteStartObject(encoded);
            w.WriteBase64String(s_data, log);
            w.WriteEndObject();
        }, (n, body) =>
        {
            FromB64(inData ? Lc.M(n, "data") : n).CopyTo(body[layout.Size..]);
            return 0;
        });
    }

    /// <summary>The log's bytes, and zeros up to the JSON's <c>length</c> where libcper left the log out (its validation bit clear).</summary>
    private static Func<JsonObject, int> LogLength(StructDef layout, string name, bool inData) => o =>
    {
        int log = o.TryGetPropertyValue(name, out var n) ? Lc.B64Length(inData ? Lc.M(n, "data") : n) : 0; // decoded once, by the log's reader
        ulong length = U(o["length"]);
        return length > (ulong)(layout.Size + log) && length <= int.MaxValue ? (int)length - layout.Size : log;
    };

    // [lc-audit Q] CCIX PER: a Length below the header is shown (compat "Malformed bodies")
    /// <summary>CCIX PER log error section (UEFI 2.10 N.2.12; libcper <c>sections/cper-section-ccix-per.c</c>): the declaration's members, then the log.</summary>
    public static LibCperMap CcixPer { get; } = new(CcixPerSection.Codec, "CCIX PER Log Error", "CcixPer", s_ccix, 0,
        [.. CcixPerSection.LibCperMembers(), Log("ccixPERLog", s_ccix, "ccixPerLog", inData: false)])
    {
        Message = "A CCIX PER Log Error occurred",
        // libcper refuses only a Length beyond the body: one below the 16-byte header is shown, with no log (docs/libcper-compat.md).
        Accepts = body => s_ccixLength.ReadValue(body) <= (ulong)body.Length,
        LengthField = s_ccixLength,
        TailLength = LogLength(s_ccix, "ccixPERLog", false),
    };

    // [lc-audit D] libcper's CXL component names and registrations
    /// <summary>libcper's readable names of the CXL component sections (its section table, <c>sections/cper-section.c</c>).</summary>
    private static readonly (Guid Type, string Name)[] s_cxlNames =
    [
        (CperGuids.CxlGeneralMedia, "CXL General Media Component Error"), (CperGuids.CxlDram, "CXL DRAM Component Error"),
        (CperGuids.CxlMemoryModule, "CXL Memory Module Component Error"), (CperGuids.CxlPhysicalSwitch, "CXL Physical Switch Component Error"),
        (CperGuids.CxlVirtualSwitch, "CXL Virtual Switch Component Error"), (CperGuids.CxlMldPort, "CXL MLD Port Component Error"),
    ];

    /// <summary>CXL component event sections (UEFI 2.10 N.2.14; libcper <c>sections/cper-section-cxl-component.c</c>), one map per GUID: the declaration's members, then the log.</summary>
    public static LibCperMap[] CxlComponent { get; } = [.. s_cxlNames.Select(t => new LibCperMap(CxlComponentEventSection.Codecs.Single(c => c.SectionType == t.Type), t.Name, "CxlComponent", s_cxl, 0,
        [.. CxlComponentEventSection.LibCperMembers(), Log("cxlComponentEventLog", s_cxl, "componentEventLog", inData: true)])
    { Message = "A CXL Component Error occurred", Accepts = LengthFits(s_cxl), LengthField = F(s_cxl, "length"), TailLength = LogLength(s_cxl, "cxlComponentEventLog", true) })];

    // [lc-audit D] PCI component: the register pairs an array of the declared pair layout, with libcper's names
    private static readonly FieldDef s_memoryNumber = F(s_pci, "memoryNumber"), s_ioNumber = F(s_pci, "ioNumber");
    private static readonly StructDef s_pair = PciComponentErrorSection.PairLayout;

    /// <summary>PCI/PCI-X component error section (UEFI 2.10 N.2.9; libcper <c>sections/cper-section-pci-dev.c</c>): the declaration's members, then the register pairs.</summary>
    public static LibCperMap PciComponent { get; } = new(PciComponentErrorSection.Codec, "PCI Component/Device", "PciComponent", s_pci, 0,
    [
        .. PciComponentErrorSection.LibCperMembers(),
        // Every pair, memory-mapped then I/O, whatever bits 2 and 3 say (libcper prints them all): N.2.9's Register Data Pair,
        // libcper's firstHalf (the address) and secondHalf (the value).
        Array("registerDataPairs", s_pci, "registerDataPairs", s_pair, body => (int)(s_memoryNumber.ReadValue(body) + s_ioNumber.ReadValue(body)),
            Int("firstHalf", F(s_pair, "address")), Int("secondHalf", F(s_pair, "value"))),
    ])
    {
        Message = "A PCI/PCI-X Device Error occurred",
        // The model refuses Memory Number + IO Number pairs that do not fit, as libcper does.
        Accepts = body => s_memoryNumber.ReadValue(body) + s_ioNumber.ReadValue(body) <= (ulong)((body.Length - s_pci.Size) / s_pair.Size),
        TailLength = o => o["registerDataPairs"] is JsonArray a ? a.Count * s_pair.Size : 0,
        // [lc-audit Q] pcidev read-back: pairs past Memory Number are I/O (compat "Where libcper's JSON loses bytes")
        // libcper leaves out counts whose validation bit is clear but still lists every pair: the pairs beyond Memory Number
        // are I/O; with only IO Number shown, the rest are memory pairs; without either, none is memory.
        AfterRead = (o, body) =>
        {
            ulong count = (ulong)((body.Length - s_pci.Size) / s_pair.Size);
            ulong memory = o.ContainsKey("memoryNumber") || !o.ContainsKey("ioNumber") ? U(o["memoryNumber"]) : count - Math.Min(count, U(o["ioNumber"]));
            memory = Math.Min(memory, count);
            s_memoryNumber.WriteValue(body, memory);
            s_ioNumber.WriteValue(body, count - memory);
        },
    };
}

// [lc-audit D] CXL protocol: registration and libcper's member order; members from CxlProtocolErrorSection's LibCper lines
/// <summary>
/// CXL protocol error section (UEFI 2.10 N.2.13; libcper <c>sections/cper-section-cxl-protocol.c</c>) declared as a libcper
/// member map (<see cref="Map"/>): the device ID block, device serial number and capability structure come from
/// <see cref="CxlProtocolErrorSection"/>'s <c>LibCper</c> lines; the agent type, the agent address, the serial number's
/// agent gate and the DVSEC and error log after the fixed part are the documented quirks written here (docs/libcper-compat.md).
/// Written straight into the <see cref="LcWriter"/> (names encoded once, the closures built once, nothing allocated per
/// record); read back into the body bytes, which the section's codec decodes.
/// </summary>
internal static class LcCxlProtocol
{
    private static readonly StructDef s_layout = CxlProtocolErrorSection.HeaderLayout;
    private static readonly FieldDef s_dvsecLength = F(s_layout, "cxlDvsecLength"), s_logLength = F(s_layout, "cxlErrorLogLength");
    private static readonly int s_agentAt = CxlProtocolErrorSection.AgentTypeField.Offset;
    private static readonly LcNames s_agents = LcNames.Libcper(["CXL 1.1 Device", "CXL 1.1 Host Downstream Port"]);
    private static readonly JsonEncodedText s_agentType = JsonEncodedText.Encode("agentType"), s_agentAddress = JsonEncodedText.Encode("cxlAgentAddress"),
        s_function = JsonEncodedText.Encode("functionNumber"), s_device = JsonEncodedText.Encode("deviceNumber"), s_bus = JsonEncodedText.Encode("busNumber"),
        s_segment = JsonEncodedText.Encode("segmentNumber"), s_dvsecLengthName = JsonEncodedText.Encode("dvsecLength"), s_dvsec = JsonEncodedText.Encode("cxlDVSEC"),
        s_logLengthName = JsonEncodedText.Encode("errorLogLength"), s_log = JsonEncodedText.Encode("cxlErrorLog");

    /// <summary>
    /// libcper reads CXL Agent Type as a UINT64 (<c>EFI_CXL_PROTOCOL_ERROR_DATA.CxlAgentType</c>): the byte UEFI 2.10 N.2.13
    /// defines and the 7 reserved bytes after it, so a reserved byte set makes the type unknown to it (docs/libcper-compat.md).
    /// </summary>
    private static ulong Agent(ReadOnlySpan<byte> body) => BinaryPrimitives.ReadUInt64LittleEndian(body[s_agentAt..]);

    /// <summary>The map, in libcper's member order.</summary>
    public static LibCperMap Map { get; } = Build();

    private static LibCperMap Build()
    {
        var generated = CxlProtocolErrorSection.LibCperMembers();
        // libcper prints the device ID object, and the vendor ID in it, whatever bit 2 says.
        var deviceId = generated.Single(m => m.Name == "deviceID").Always();
        deviceId.Members![0].Always();
        return new(CxlProtocolErrorSection.Codec, "CXL Protocol Error", "CxlProtocol", s_layout, 0,
            InOrder(generated,
                // All 64 bits libcper shows go back: the type byte and the reserved bytes after it.
                Quirk("agentType", CxlProtocolErrorSection.AgentTypeField, (w, body, _) => LibCperMap.WritePair(w, s_agentType, Agent(body), s_agents),
                    (n, body) => { BinaryPrimitives.WriteUInt64LittleEndian(body[s_agentAt..], PairValue(n)); return 0; }),
                Quirk("cxlAgentAddress", CxlProtocolErrorSection.AgentAddressField, WriteAddress, ReadAddress),
                "deviceID",
                // libcper prints the serial number for agent type 0 (a CXL 1.1 device) only.
                ForDevice(generated.Single(m => m.Name == "deviceSerial")), "-deviceSerial",
                // libcper shows the capability structure whatever the agent type (its reader takes it for type 0 only: kept here for any).
                "capabilityStructure",
                Log("dvsecLength", s_dvsecLengthName, s_dvsec, "cxlDvsec", s_dvsecLength, null),
                Log("errorLogLength", s_logLengthName, s_log, "cxlErrorLog", s_logLength, s_dvsecLength)))
        {
            Message = "A CXL Protocol Error occurred",
            // A DVSEC or error log length beyond the body: libcper refuses it (base64 Unknown), as the model does.
            Accepts = body => s_dvsecLength.ReadValue(body) + s_logLength.ReadValue(body) <= (ulong)(body.Length - s_layout.Size),
            TailLength = o => PartLength(o, "dvsecLength", "cxlDVSEC") + PartLength(o, "errorLogLength", "cxlErrorLog"),
        };
    }

    /// <summary>
    /// The bytes of a part read back (the DVSEC, the error log): its length member decides whether it is read, as libcper
    /// prints both; bytes given without their length are refused with their path rather than dropped.
    /// </summary>
    private static int PartLength(JsonObject o, string lengthName, string bytesName)
    {
        if (o.ContainsKey(lengthName))
        {
            // The length member must say how many bytes the base64 holds (libcper prints both from the same field).
            var declared = o[lengthName] ?? throw new CperJsonException(PathOf(o, lengthName), "expected a number, found null");
            int count = Lc.B64Length(o[bytesName]); // the length only: the part's reader decodes the base64, once
            if (U(declared) != (ulong)count)
                throw new CperJsonException(declared.GetPath(), $"expected {count} (the bytes of '{bytesName}'), found {Show(declared)}");
            return count;
        }
        if (o.ContainsKey(bytesName))
            throw new CperJsonException(PathOf(o, bytesName), $"expected '{lengthName}' beside it (libcper writes both; without it these bytes would be dropped)");
        return 0;
    }

    // [lc-audit Q] CXL protocol: agent address by agent type, serial for agent 0 only, DVSEC/error log lengths without empty base64 (compat "CXL protocol" rows)
    /// <summary>Agent type 0: the address is segment/bus/device/function; type 1: the RCRB base address; otherwise left out.</summary>
    private static void WriteAddress(LcWriter w, ReadOnlySpan<byte> body, ulong valid)
    {
        ulong agent = Agent(body), a = CxlProtocolErrorSection.AgentAddressField.ReadValue(body);
        if (agent > 1) return;
        w.WriteStartObject(s_agentAddress);
        if (agent == 0)
        {
            w.WriteNumber(s_function, a & 0xFF);
            w.WriteNumber(s_device, (a >> 8) & 0xFF);
            w.WriteNumber(s_bus, (a >> 16) & 0xFF);
            w.WriteNumber(s_segment, (a >> 24) & 0xFFFF);
        }
        else w.WriteNumber(ValueName, a);
        w.WriteEndObject();
    }

    private static ulong ReadAddress(JsonNode? a, Span<byte> body)
    {
        ulong agent = Agent(body); // read before: agentType comes first
        if (agent == 0)
            CxlProtocolErrorSection.AgentAddressField.WriteValue(body, (U(Lc.M(a, "functionNumber")) & 0xFF) | ((U(Lc.M(a, "deviceNumber")) & 0xFF) << 8)
                | ((U(Lc.M(a, "busNumber")) & 0xFF) << 16) | ((U(Lc.M(a, "segmentNumber")) & 0xFFFF) << 24));
        else if (agent == 1) CxlProtocolErrorSection.AgentAddressField.WriteValue(body, U(Lc.M(a, "value")));
        return 0;
    }

    /// <summary>A declared member libcper prints (and reads) only for agent type 0.</summary>
    private static LcMember ForDevice(LcMember member)
    {
        LcMember[] one = [member]; // built once
        return Quirk(member.Name, null, (w, body, valid) =>
        {
            if (Agent(body) == 0) LibCperMap.WriteMembers(w, one, body, valid);
        }, (n, body) => Agent(body) == 0 && n?.Parent is JsonObject o ? LibCperMap.ReadMembers(o, one, body) : 0);
    }

    /// <summary>
    /// A part after the fixed part (the DVSEC, the error log), gated by its validation flag: its length, then its bytes as
    /// base64, left out when empty (libcper's <c>add_binary_base64</c> adds nothing for 0 bytes). Read back, the bytes set
    /// the length; the part starts at the fixed part's end plus the length in <paramref name="after"/> (the part before it), if any.
    /// </summary>
    private static LcMember Log(string lengthName, JsonEncodedText encodedLength, JsonEncodedText bytesName, string flag, FieldDef length, FieldDef? after)
        => Tail(lengthName, s_layout, flag, (w, body, _) =>
        {
            int n = (int)length.ReadValue(body);
            w.WriteNumber(encodedLength, n);
            if (n > 0) w.WriteBase64String(bytesName, body.Slice(s_layout.Size + (int)(after?.ReadValue(body) ?? 0), n));
        }, (n, body) =>
        {
            var bytes = FromB64(n?.Parent?[bytesName.Value]);
            bytes.CopyTo(body[(s_layout.Size + (int)(after?.ReadValue(body) ?? 0))..]);
            length.WriteValue(body, (ulong)bytes.Length);
            return 0;
        });
}

// [lc-audit E] the streamed families' registration
/// <summary>Section families that live in their own files.</summary>
internal static partial class LibCperExtraSections
{
    public static IEnumerable<LibCperSection> All => [new LcNvidia(), new LcIa32X64(), new LcArm(), new LcNvidiaEvent(), LcPcie.Map, new LcArmRas(), LcAmpere.Ampere];
}
