using System.Buffers.Binary;
using System.Text.Json.Nodes;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// PCI Express error section as libcper renders it (<c>sections/cper-section-pcie.c</c>; UEFI 2.10 N.2.7): the header
/// fields by validation bit, and the PCIe capability structure (60 bytes) and AER structure (96 bytes) both as base64 and
/// decoded register by register with libcper's member names. libcper's register structures place Link Capabilities 2
/// over 8 bytes (its supported-speeds union starts at byte 1), so Link Control 2 and Link Status 2 are read 4 bytes
/// later than PCIe defines (0x34/0x36 instead of 0x30/0x32), and the Root Error Status interrupt message number is read
/// from bits 25-29 (PCIe: 27-31). Compatibility mode reproduces both; docs/libcper-compat.md lists them.
/// </summary>
internal sealed class LcPcie : LibCperSection<PcieErrorSection>
{
    public override Guid SectionType => CperGuids.PciExpress;
    public override string ReadableName => "PCIe";
    public override string ShortName => "Pcie";

    private static readonly Dictionary<ulong, string> PortTypes = new()
    {
        [0] = "PCI Express End Point", [1] = "Legacy PCI End Point Device", [4] = "Root Port", [5] = "Upstream Switch Port", [6] = "Downstream Switch Port",
        [7] = "PCI Express to PCI/PCI-X Bridge", [8] = "PCI/PCI-X Bridge to PCI Express Bridge", [9] = "Root Complex Integrated Endpoint Device", [10] = "Root Complex Event Collector",
    };
    private static readonly string[] DevicePortTypes = ["PCIE", "PCI", "ROOT_PORT", "UPSTREAM", "DOWNSTREAM", "PCIE_PCI_BRIDGE", "PCI_PCIE_BRIDGE", "RCiEP", "RCEC"];
    private static readonly string[] Supported = ["NotSupported", "Supported"];
    private static readonly string[] Enabled = ["Disabled", "Enabled"];
    private static readonly string[] Passing = ["Failed", "Passing"];
    private static readonly string[] Severity = ["NonFatal", "Fatal"];

    private static int Bcd(uint b) => (int)(((b >> 4) & 0xF) * 10 + (b & 0xF));

    protected override PcieErrorSection Decode(ReadOnlySpan<byte> body) => PcieErrorSection.Decode(body);

    protected override JsonObject? ToIr(PcieErrorSection m, out string? message)
    {
        message = "A PCIe Error occurred";
        ulong v = m.ValidationBits;
        var o = new JsonObject();
        if (Bit(v, 0)) o["portType"] = Pair(m.PortType, PortTypes, "Unknown");
        if (Bit(v, 1)) o["version"] = new JsonObject { ["minor"] = Bcd(m.Version & 0xFF), ["major"] = Bcd((m.Version >> 8) & 0xFF) };
        if (Bit(v, 2)) o["commandStatus"] = new JsonObject { ["commandRegister"] = (ulong)m.Command, ["statusRegister"] = (ulong)m.Status };
        if (Bit(v, 3))
        {
            // libcper prints segmentNumber_Hex and slotNumber_Hex through add_int_hex_8 (sections/cper-section-pcie.c:379-386),
            // whose UINT8 parameter keeps the low byte of the 16-bit segment and 13-bit slot: reproduced here (the decimal
            // members beside them, which libcper reads back, carry the whole value). docs/libcper-compat.md.
            o["deviceID"] = new JsonObject
            {
                ["deviceID_Hex"] = Hex(m.DeviceId, 4), ["vendorID_Hex"] = Hex(m.VendorId, 4), ["classCode_Hex"] = Hex(m.ClassCode, 6),
                ["functionNumber_Hex"] = Hex(m.FunctionNumber, 2), ["deviceNumber_Hex"] = Hex(m.DeviceNumber, 2), ["segmentNumber_Hex"] = Hex(m.SegmentNumber & 0xFFu, 2),
                ["primaryOrDeviceBusNumber_Hex"] = Hex(m.PrimaryBusNumber, 2), ["secondaryBusNumber_Hex"] = Hex(m.SecondaryBusNumber, 2), ["slotNumber_Hex"] = Hex(m.SlotNumber & 0xFFu, 2),
                ["deviceID"] = (ulong)m.DeviceId, ["vendorID"] = (ulong)m.VendorId, ["classCode"] = (ulong)m.ClassCode, ["functionNumber"] = (ulong)m.FunctionNumber,
                ["deviceNumber"] = (ulong)m.DeviceNumber, ["segmentNumber"] = (ulong)m.SegmentNumber, ["primaryOrDeviceBusNumber"] = (ulong)m.PrimaryBusNumber,
                ["secondaryBusNumber"] = (ulong)m.SecondaryBusNumber, ["slotNumber"] = (ulong)m.SlotNumber,
            };
        }
        if (Bit(v, 4)) o["deviceSerialNumber"] = m.DeviceSerialNumber;
        if (Bit(v, 5)) o["bridgeControlStatus"] = new JsonObject { ["secondaryStatusRegister"] = (ulong)m.SecondaryStatus, ["controlRegister"] = (ulong)m.BridgeControl };
        if (Bit(v, 6)) o["capabilityStructure"] = Capability(m);
        if (Bit(v, 7)) o["aerInfo"] = Aer(m);
        return o;
    }

    private static ulong F(ulong reg, int lo, int width) => (reg >> lo) & ((1UL << width) - 1);
    private static JsonObject Raw(ulong v) => new() { ["raw"] = v };
    private static JsonObject Dict(ulong v, string[] names) => v < (ulong)names.Length ? new JsonObject { ["raw"] = v, ["value"] = names[v] } : Raw(v);
    private static string Enum2(ulong v, string[] names) => v > 0 ? names[1] : names[0];

    /// <summary>The capability structure, register by register from <see cref="PcieErrorSection.CapabilityLayout"/> (libcper's names).</summary>
    private static JsonObject Capability(PcieErrorSection m)
    {
        byte[] c = m.CapabilityStructure;
        ulong R(string json) => m.GetCapabilityRegister(json);
        var o = new JsonObject { ["data"] = B64(c) };
        o["pcie_capability_header"] = new JsonObject { ["capability_id"] = Raw(R("capabilityId")), ["next_capability_pointer"] = R("nextCapabilityPointer") };
        ulong r = R("pcieCapabilities");
        o["pcie_capabilities"] = new JsonObject
        {
            ["capability_version"] = F(r, 0, 4), ["device_port_type"] = Dict(F(r, 4, 4), DevicePortTypes), ["slot_implemented"] = Bit(r, 8),
            ["interrupt_message_number"] = F(r, 9, 5), ["flit_mode_supported"] = Enum2(F(r, 15, 1), Supported),
        };
        int version = (int)F(r, 0, 4);
        r = R("deviceCapabilities");
        o["device_capabilities"] = new JsonObject
        {
            ["max_payload_size_supported"] = F(r, 0, 3), ["phantom_functions_supported"] = Enum2(F(r, 3, 2), Supported),
            ["extended_tag_field_supported"] = Enum2(F(r, 5, 1), Supported), ["endpoint_l0s_acceptable_latency"] = Raw(F(r, 6, 3)),
            ["endpoint_l1_acceptable_latency"] = Raw(F(r, 9, 3)), ["role_based_error_reporting"] = Bit(r, 15), ["err_cor_subclass_capable"] = Bit(r, 16),
            ["rx_mps_fixed"] = F(r, 17, 1), ["captured_slot_power_limit_value"] = F(r, 18, 8), ["captured_slot_power_limit_scale"] = F(r, 26, 2),
            ["function_level_reset_capability_supported"] = Enum2(F(r, 28, 1), Supported), ["mixed_mps_supported"] = Enum2(F(r, 29, 1), Supported),
            ["tee_io_supported"] = Enum2(F(r, 30, 1), Supported),
        };
        r = R("deviceControl");
        o["device_control"] = new JsonObject
        {
            ["correctable_error_reporting_enable"] = Enum2(F(r, 0, 1), Enabled), ["non_fatal_error_reporting_enable"] = Enum2(F(r, 1, 1), Enabled),
            ["fatal_error_reporting_enable"] = Enum2(F(r, 2, 1), Enabled), ["unsupported_request_reporting_enabled"] = Enum2(F(r, 3, 1), Enabled),
            ["relaxed_ordering_enable"] = Enum2(F(r, 4, 1), Enabled), ["max_payload_size"] = F(r, 5, 3), ["extended_tag_field_enable"] = Enum2(F(r, 8, 1), Enabled),
            ["phantom_functions_enable"] = Enum2(F(r, 9, 1), Enabled), ["aux_power_pm_enable"] = Enum2(F(r, 10, 1), Enabled), ["enable_no_snoop"] = F(r, 11, 1),
            ["max_read_request_size"] = F(r, 12, 3), ["function_level_reset"] = Bit(r, 15),
        };
        r = R("deviceStatus");
        o["device_status"] = new JsonObject
        {
            ["correctable_error_detected"] = Bit(r, 0), ["non_fatal_error_detected"] = Bit(r, 1), ["fatal_error_detected"] = Bit(r, 2),
            ["unsupported_request_detected"] = Bit(r, 3), ["aux_power_detected"] = Bit(r, 4), ["transactions_pending"] = Bit(r, 5), ["emergency_power_reduction"] = F(r, 6, 2),
        };
        r = R("linkCapabilities");
        o["link_capabilities"] = new JsonObject
        {
            ["max_link_speed"] = F(r, 0, 4), ["maximum_link_width"] = F(r, 4, 6), ["aspm_support"] = F(r, 10, 2), ["l0s_exit_latency"] = F(r, 12, 3),
            ["l1_exit_latency"] = F(r, 15, 3), ["clock_power_management"] = Bit(r, 18), ["surprise_down_error_reporting_capable"] = Bit(r, 19),
            ["data_link_layer_link_active_reporting_capable"] = Bit(r, 20), ["link_bandwidth_notification_capability"] = Bit(r, 21),
            ["aspm_optionality_compliance"] = Bit(r, 22), ["port_number"] = F(r, 24, 8),
        };
        r = R("linkControl");
        o["link_control"] = new JsonObject
        {
            ["aspm_control"] = F(r, 0, 2), ["ptm_prop_delay_adaptation_interpretation"] = Bit(r, 2), ["link_disable"] = F(r, 4, 1), ["retrain_link"] = F(r, 5, 1),
            ["extended_synch"] = F(r, 7, 1), ["sris_clocking"] = F(r, 12, 1), ["flit_mode_disable"] = F(r, 13, 1),
        };
        r = R("linkStatus");
        o["link_status"] = new JsonObject { ["current_link_speed"] = F(r, 0, 4), ["negotiated_link_width"] = F(r, 4, 6), ["link_training"] = F(r, 11, 1) };
        r = R("slotCapabilities");
        o["slot_capabilities"] = new JsonObject { ["slot_power_limit_value"] = Raw(F(r, 7, 8)), ["slot_power_limit_scale"] = F(r, 15, 2), ["physical_slot_number"] = F(r, 19, 13) };
        r = R("slotControl");
        o["slot_control"] = new JsonObject { ["attention_indicator_control"] = F(r, 6, 2), ["power_indicator_control"] = F(r, 8, 2), ["rsvdp"] = F(r, 15, 1) };
        r = R("slotStatus");
        o["slot_status"] = new JsonObject { ["mrl_sensor_changed"] = F(r, 2, 1), ["command_completed"] = F(r, 4, 1), ["mrl_sensor_state"] = F(r, 5, 1) };
        r = R("rootStatus");
        o["root_status"] = new JsonObject { ["pme_requester_id"] = F(r, 0, 16), ["pme_status"] = F(r, 16, 1), ["pme_pending"] = F(r, 17, 1) };
        if (version < 2) return o;
        r = R("deviceCapabilities2");
        o["device_capabilities2"] = new JsonObject
        {
            ["completion_timeout_ranges_supported"] = F(r, 0, 4), ["completion_timeout_disable_supported"] = Enum2(F(r, 4, 1), Supported),
            ["ari_forwarding_supported"] = Enum2(F(r, 5, 1), Supported), ["atomic_op_routing_supported"] = Enum2(F(r, 6, 1), Supported),
            ["_32_bit_atomicop_completer_supported"] = Enum2(F(r, 7, 1), Supported), ["_64_bit_atomicop_completer_supported"] = Enum2(F(r, 8, 1), Supported),
            ["_128_bit_cas_completer_supported"] = Enum2(F(r, 9, 1), Supported), ["no_ro_enabled_pr_pr_passing"] = Enum2(F(r, 10, 1), Passing),
            ["ltr_mechanism_supported"] = Enum2(F(r, 11, 1), Supported), ["tph_completer_supported"] = Enum2(F(r, 12, 2), Supported),
            ["obff_supported"] = Enum2(F(r, 18, 2), Supported), ["max_end_end_tlp_prefixes"] = Raw(F(r, 22, 2)),
            ["emergency_power_reduction_supported"] = Enum2(F(r, 24, 2), Supported), ["dmwr_lengths_supported"] = F(r, 29, 2),
        };
        r = R("deviceControl2");
        o["device_control2"] = new JsonObject
        {
            ["completion_timeout_value"] = F(r, 0, 4), ["ari_forwarding_enable"] = Bit(r, 5), ["atomicop_requester_enable"] = Bit(r, 6),
            ["atomicop_egress_blocking"] = Bit(r, 7), ["ido_request_enable"] = Bit(r, 8), ["ido_completion_enable"] = Bit(r, 9), ["ltr_mechanism_enable"] = Bit(r, 10),
            ["emergency_power_reduction_request"] = Bit(r, 11), ["bit_tag_requester_10_enable"] = Bit(r, 12), ["obff_enable"] = F(r, 13, 2),
        };
        // From here libcper departs from the PCIe layout (CapabilityLayout: Link Capabilities 2 at 0x2C, 4 bytes; Link Control 2
        // at 0x30; Link Status 2 at 0x32): its Link Capabilities 2 spans 8 bytes (byte 0 bit 0 reserved, a 4-byte union at
        // byte 1, then 24 bits at byte 5), so it reads Link Control 2 at 0x34 and Link Status 2 at 0x36. Those reads are
        // libcper's offsets into the model's capability bytes, on purpose (docs/libcper-compat.md).
        ulong rest = (ulong)(c[49] | c[50] << 8 | c[51] << 16);
        o["link_capabilities2"] = new JsonObject
        {
            ["supported_link_speeds"] = (ulong)(c[45] & 0x7F), ["crosslink_supported"] = Enum2(F(rest, 0, 1), Supported),
            ["lower_skp_os_generation_supported"] = F(rest, 1, 7), ["lower_skp_os_reception_supported"] = F(rest, 8, 7),
            ["retimer_presence_detect_supported"] = Enum2(F(rest, 15, 1), Supported), ["two_retimers_presence_detect_supported"] = Enum2(F(rest, 16, 1), Supported),
            ["drs_supported"] = Enum2(F(rest, 23, 1), Supported),
        };
        r = BinaryPrimitives.ReadUInt16LittleEndian(c.AsSpan(52)); // libcper's Link Control 2 offset
        o["link_control2"] = new JsonObject
        {
            ["target_link_speed"] = Raw(F(r, 0, 4)), ["enter_compliance"] = Enum2(F(r, 4, 1), Supported), ["hardware_autonomous_speed_disable"] = Raw(F(r, 5, 1)),
            ["selectable_de_emphasis"] = Bit(r, 6), ["transmit_margin"] = F(r, 7, 3), ["enter_modified_compliance"] = Bit(r, 10), ["compliance_sos"] = Bit(r, 11),
            ["compliance_preset_de_emphasis"] = F(r, 12, 4),
        };
        r = BinaryPrimitives.ReadUInt16LittleEndian(c.AsSpan(54)); // libcper's Link Status 2 offset
        o["link_status2"] = new JsonObject
        {
            ["current_de_emphasis_level"] = F(r, 0, 1), ["equalization_8gts_complete"] = Bit(r, 1), ["equalization_8gts_phase1_successful"] = Bit(r, 2),
            ["equalization_8gts_phase2_successful"] = Bit(r, 3), ["equalization_8gts_phase3_successful"] = Bit(r, 4), ["link_equalization_request_8gts"] = Bit(r, 5),
            ["retimer_presence_detected"] = Bit(r, 6), ["two_retimers_presence_detected"] = Bit(r, 7), ["crosslink_resolution"] = F(r, 8, 2),
            ["flit_mode_status"] = F(r, 10, 1), ["downstream_component_presence"] = F(r, 12, 3), ["drs_message_received"] = Bit(r, 15),
        };
        return o;
    }

    // Uncorrectable error register bits (PCIe AER), with libcper's member stems.
    private static readonly (int Bit, string Name)[] Uncorrectable =
    [
        (4, "data_link_protocol_error"), (5, "surprise_down_error"), (12, "poisoned_tlp_received"), (13, "flow_control_protocol_error"),
        (14, "completion_timeout"), (15, "completer_abort"), (16, "unexpected_completion"), (17, "receiver_overflow"), (18, "malformed_tlp"),
        (19, "ecrc_error"), (20, "unsupported_request_error"), (21, "acs_violation"), (22, "uncorrectable_internal_error"), (23, "mc_blocked_tlp"),
        (24, "atomicop_egress_blocked"), (25, "tlp_prefix_blocked_error"), (26, "poisoned_tlp_egress_blocked"), (27, "dmwr_request_egress_blocked"),
        (28, "ide_check_failed"), (29, "misrouted_ide_tlp"), (30, "pcrc_check_failed"), (31, "tlp_translation_egress_blocked"),
    ];
    private static readonly (int Bit, string Name)[] Correctable =
    [
        (0, "receiver_error"), (6, "bad_tlp"), (7, "bad_dllp"), (8, "replay_num_rollover"), (12, "replay_timer_timeout"),
        (13, "advisory_non_fatal_error"), (14, "corrected_internal_error"), (15, "header_log_overflow"),
    ];

    /// <summary>The AER info, register by register from <see cref="PcieErrorSection.AerLayout"/> (libcper's names).</summary>
    private static JsonObject Aer(PcieErrorSection m)
    {
        ulong R(string json) => m.GetAerRegister(json);
        var o = new JsonObject { ["data"] = B64(m.AerInfo) };
        ulong header = R("capabilityHeader");
        o["capability_header"] = new JsonObject { ["capability_id"] = header & 0xFFFF, ["capability_version"] = (header >> 16) & 0xF, ["next_capability_offset"] = header >> 20 };
        ulong status = R("uncorrectableErrorStatus"), mask = R("uncorrectableErrorMask"), severity = R("uncorrectableErrorSeverity");
        var us = new JsonObject();
        var um = new JsonObject();
        var sv = new JsonObject();
        foreach (var (bit, name) in Uncorrectable)
        {
            // libcper names this one member without the _status suffix.
            us[name == "poisoned_tlp_received" ? name : name + "_status"] = Bit(status, bit);
            um[name + "_mask"] = F(mask, bit, 1);
            sv[name + "_severity"] = Enum2(F(severity, bit, 1), Severity);
        }
        o["uncorrectable_error_status"] = us;
        o["uncorrectable_error_mask"] = um;
        o["uncorrectable_error_severity"] = sv;
        ulong cs = R("correctableErrorStatus"), cm = R("correctableErrorMask");
        var cso = new JsonObject();
        var cmo = new JsonObject();
        foreach (var (bit, name) in Correctable)
        {
            cso[name + "_status"] = Bit(cs, bit);
            cmo[name + "_mask"] = F(cm, bit, 1);
        }
        o["correctable_error_status"] = cso;
        o["correctable_error_mask"] = cmo;
        ulong r = R("capabilitiesControl");
        o["advanced_error_capabilities_and_control"] = new JsonObject { ["first_error_pointer"] = F(r, 0, 5), ["header_log_size"] = F(r, 13, 5), ["logged_tlp_size"] = F(r, 19, 5) };
        r = R("rootErrorStatus");
        // libcper reads the interrupt message number from bits 25-29 (PCIe and AerLayout: 27-31).
        o["root_error_status"] = new JsonObject { ["err_cor_subclass"] = F(r, 7, 2), ["advanced_error_interrupt_message_number"] = F(r, 25, 5) };
        r = R("errorSourceId");
        o["error_source_id"] = new JsonObject { ["err_cor_source_identification"] = F(r, 0, 16), ["err_fatal_nonfatal_source_identification"] = F(r, 16, 16) };
        return o;
    }

    public override PcieErrorSection FromIrModel(JsonObject o)
    {
        var m = new PcieErrorSection();
        ulong v = 0;
        if (o.ContainsKey("portType")) { m.PortType = (uint)PairValue(o["portType"], 32); v |= 1; }
        if (o["version"] is JsonObject ver)
        {
            static uint ToBcd(ulong x) => (uint)(((x / 10) % 10) << 4 | (x % 10));
            m.Version = ToBcd(U(ver["minor"])) | ToBcd(U(ver["major"])) << 8;
            v |= 2;
        }
        if (o["commandStatus"] is JsonObject cs) { m.Command = (ushort)U(cs["commandRegister"], 16); m.Status = (ushort)U(cs["statusRegister"], 16); v |= 4; }
        if (o["deviceID"] is JsonObject id)
        {
            m.VendorId = (ushort)U(id["vendorID"], 16); m.DeviceId = (ushort)U(id["deviceID"], 16); m.ClassCode = (uint)U(id["classCode"], 32);
            m.FunctionNumber = (byte)U(id["functionNumber"], 8); m.DeviceNumber = (byte)U(id["deviceNumber"], 8); m.SegmentNumber = (ushort)U(id["segmentNumber"], 16);
            m.PrimaryBusNumber = (byte)U(id["primaryOrDeviceBusNumber"], 8); m.SecondaryBusNumber = (byte)U(id["secondaryBusNumber"], 8); m.SlotNumber = (ushort)U(id["slotNumber"], 16);
            v |= 8;
        }
        if (o.ContainsKey("deviceSerialNumber")) { m.DeviceSerialNumber = U(o["deviceSerialNumber"]); v |= 16; }
        if (o["bridgeControlStatus"] is JsonObject br) { m.SecondaryStatus = (ushort)U(br["secondaryStatusRegister"], 16); m.BridgeControl = (ushort)U(br["controlRegister"], 16); v |= 32; }
        // The registers libcper decodes are all inside the base64 copies, which carry every byte.
        if (o["capabilityStructure"] is JsonObject cap) { m.CapabilityStructure = Block(cap["data"], 60); v |= 64; }
        if (o["aerInfo"] is JsonObject aer) { m.AerInfo = Block(aer["data"], 96); v |= 128; }
        m.ValidationBits = v;
        return m;
    }

    private static byte[] Block(JsonNode? data, int size)
    {
        var d = FromB64(data);
        var b = new byte[size];
        d.AsSpan(0, Math.Min(size, d.Length)).CopyTo(b);
        return b;
    }
}
