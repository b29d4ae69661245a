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
internal sealed class LcPcie : LibCperSection
{
    public override Guid SectionType => CperGuids.PciExpress;
    public override string ReadableName => "PCIe";
    public override string ShortName => "Pcie";
    private const int Size = 208, CapOffset = 52, AerOffset = 112;

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

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = "A PCIe Error occurred";
        if (b.Length < Size) return null;
        ulong v = U64(b, 0);
        var o = new JsonObject();
        if (Bit(v, 0)) o["portType"] = Pair(U32(b, 8), PortTypes, "Unknown");
        if (Bit(v, 1)) o["version"] = new JsonObject { ["minor"] = Bcd(b[12]), ["major"] = Bcd(b[13]) };
        if (Bit(v, 2)) o["commandStatus"] = new JsonObject { ["commandRegister"] = (ulong)U16(b, 16), ["statusRegister"] = (ulong)U16(b, 18) };
        if (Bit(v, 3))
        {
            ulong classCode = (ulong)(b[28] | b[29] << 8 | b[30] << 16);
            ushort slot = (ushort)(U16(b, 37) >> 3);
            o["deviceID"] = new JsonObject
            {
                ["deviceID_Hex"] = Hex(U16(b, 26), 4), ["vendorID_Hex"] = Hex(U16(b, 24), 4), ["classCode_Hex"] = Hex(classCode, 6),
                ["functionNumber_Hex"] = Hex(b[31], 2), ["deviceNumber_Hex"] = Hex(b[32], 2), ["segmentNumber_Hex"] = Hex(U16(b, 33), 2),
                ["primaryOrDeviceBusNumber_Hex"] = Hex(b[35], 2), ["secondaryBusNumber_Hex"] = Hex(b[36], 2), ["slotNumber_Hex"] = Hex(slot, 2),
                ["deviceID"] = (ulong)U16(b, 26), ["vendorID"] = (ulong)U16(b, 24), ["classCode"] = classCode, ["functionNumber"] = (ulong)b[31],
                ["deviceNumber"] = (ulong)b[32], ["segmentNumber"] = (ulong)U16(b, 33), ["primaryOrDeviceBusNumber"] = (ulong)b[35],
                ["secondaryBusNumber"] = (ulong)b[36], ["slotNumber"] = (ulong)slot,
            };
        }
        if (Bit(v, 4)) o["deviceSerialNumber"] = U64(b, 40);
        if (Bit(v, 5)) o["bridgeControlStatus"] = new JsonObject { ["secondaryStatusRegister"] = (ulong)U16(b, 48), ["controlRegister"] = (ulong)U16(b, 50) };
        if (Bit(v, 6)) o["capabilityStructure"] = Capability(b.Slice(CapOffset, 60));
        if (Bit(v, 7)) o["aerInfo"] = Aer(b.Slice(AerOffset, 96));
        return o;
    }

    private static ulong F(ulong reg, int lo, int width) => (reg >> lo) & ((1UL << width) - 1);
    private static JsonObject Raw(ulong v) => new() { ["raw"] = v };
    private static JsonObject Dict(ulong v, string[] names) => v < (ulong)names.Length ? new JsonObject { ["raw"] = v, ["value"] = names[v] } : Raw(v);
    private static string Enum2(ulong v, string[] names) => v > 0 ? names[1] : names[0];

    private static JsonObject Capability(ReadOnlySpan<byte> c)
    {
        var o = new JsonObject { ["data"] = B64(c) };
        o["pcie_capability_header"] = new JsonObject { ["capability_id"] = Raw(c[0]), ["next_capability_pointer"] = (ulong)c[1] };
        ulong r = U16(c, 2);
        o["pcie_capabilities"] = new JsonObject
        {
            ["capability_version"] = F(r, 0, 4), ["device_port_type"] = Dict(F(r, 4, 4), DevicePortTypes), ["slot_implemented"] = Bit(r, 8),
            ["interrupt_message_number"] = F(r, 9, 5), ["flit_mode_supported"] = Enum2(F(r, 15, 1), Supported),
        };
        int version = (int)F(r, 0, 4);
        r = U32(c, 4);
        o["device_capabilities"] = new JsonObject
        {
            ["max_payload_size_supported"] = F(r, 0, 3), ["phantom_functions_supported"] = Enum2(F(r, 3, 2), Supported),
            ["extended_tag_field_supported"] = Enum2(F(r, 5, 1), Supported), ["endpoint_l0s_acceptable_latency"] = Raw(F(r, 6, 3)),
            ["endpoint_l1_acceptable_latency"] = Raw(F(r, 9, 3)), ["role_based_error_reporting"] = Bit(r, 15), ["err_cor_subclass_capable"] = Bit(r, 16),
            ["rx_mps_fixed"] = F(r, 17, 1), ["captured_slot_power_limit_value"] = F(r, 18, 8), ["captured_slot_power_limit_scale"] = F(r, 26, 2),
            ["function_level_reset_capability_supported"] = Enum2(F(r, 28, 1), Supported), ["mixed_mps_supported"] = Enum2(F(r, 29, 1), Supported),
            ["tee_io_supported"] = Enum2(F(r, 30, 1), Supported),
        };
        r = U16(c, 8);
        o["device_control"] = new JsonObject
        {
            ["correctable_error_reporting_enable"] = Enum2(F(r, 0, 1), Enabled), ["non_fatal_error_reporting_enable"] = Enum2(F(r, 1, 1), Enabled),
            ["fatal_error_reporting_enable"] = Enum2(F(r, 2, 1), Enabled), ["unsupported_request_reporting_enabled"] = Enum2(F(r, 3, 1), Enabled),
            ["relaxed_ordering_enable"] = Enum2(F(r, 4, 1), Enabled), ["max_payload_size"] = F(r, 5, 3), ["extended_tag_field_enable"] = Enum2(F(r, 8, 1), Enabled),
            ["phantom_functions_enable"] = Enum2(F(r, 9, 1), Enabled), ["aux_power_pm_enable"] = Enum2(F(r, 10, 1), Enabled), ["enable_no_snoop"] = F(r, 11, 1),
            ["max_read_request_size"] = F(r, 12, 3), ["function_level_reset"] = Bit(r, 15),
        };
        r = U16(c, 10);
        o["device_status"] = new JsonObject
        {
            ["correctable_error_detected"] = Bit(r, 0), ["non_fatal_error_detected"] = Bit(r, 1), ["fatal_error_detected"] = Bit(r, 2),
            ["unsupported_request_detected"] = Bit(r, 3), ["aux_power_detected"] = Bit(r, 4), ["transactions_pending"] = Bit(r, 5), ["emergency_power_reduction"] = F(r, 6, 2),
        };
        r = U32(c, 12);
        o["link_capabilities"] = new JsonObject
        {
            ["max_link_speed"] = F(r, 0, 4), ["maximum_link_width"] = F(r, 4, 6), ["aspm_support"] = F(r, 10, 2), ["l0s_exit_latency"] = F(r, 12, 3),
            ["l1_exit_latency"] = F(r, 15, 3), ["clock_power_management"] = Bit(r, 18), ["surprise_down_error_reporting_capable"] = Bit(r, 19),
            ["data_link_layer_link_active_reporting_capable"] = Bit(r, 20), ["link_bandwidth_notification_capability"] = Bit(r, 21),
            ["aspm_optionality_compliance"] = Bit(r, 22), ["port_number"] = F(r, 24, 8),
        };
        r = U16(c, 16);
        o["link_control"] = new JsonObject
        {
            ["aspm_control"] = F(r, 0, 2), ["ptm_prop_delay_adaptation_interpretation"] = Bit(r, 2), ["link_disable"] = F(r, 4, 1), ["retrain_link"] = F(r, 5, 1),
            ["extended_synch"] = F(r, 7, 1), ["sris_clocking"] = F(r, 12, 1), ["flit_mode_disable"] = F(r, 13, 1),
        };
        r = U16(c, 18);
        o["link_status"] = new JsonObject { ["current_link_speed"] = F(r, 0, 4), ["negotiated_link_width"] = F(r, 4, 6), ["link_training"] = F(r, 11, 1) };
        r = U32(c, 20);
        o["slot_capabilities"] = new JsonObject { ["slot_power_limit_value"] = Raw(F(r, 7, 8)), ["slot_power_limit_scale"] = F(r, 15, 2), ["physical_slot_number"] = F(r, 19, 13) };
        r = U16(c, 24);
        o["slot_control"] = new JsonObject { ["attention_indicator_control"] = F(r, 6, 2), ["power_indicator_control"] = F(r, 8, 2), ["rsvdp"] = F(r, 15, 1) };
        r = U16(c, 26);
        o["slot_status"] = new JsonObject { ["mrl_sensor_changed"] = F(r, 2, 1), ["command_completed"] = F(r, 4, 1), ["mrl_sensor_state"] = F(r, 5, 1) };
        r = U32(c, 32);
        o["root_status"] = new JsonObject { ["pme_requester_id"] = F(r, 0, 16), ["pme_status"] = F(r, 16, 1), ["pme_pending"] = F(r, 17, 1) };
        if (version < 2) return o;
        r = U32(c, 36);
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
        r = U16(c, 40);
        o["device_control2"] = new JsonObject
        {
            ["completion_timeout_value"] = F(r, 0, 4), ["ari_forwarding_enable"] = Bit(r, 5), ["atomicop_requester_enable"] = Bit(r, 6),
            ["atomicop_egress_blocking"] = Bit(r, 7), ["ido_request_enable"] = Bit(r, 8), ["ido_completion_enable"] = Bit(r, 9), ["ltr_mechanism_enable"] = Bit(r, 10),
            ["emergency_power_reduction_request"] = Bit(r, 11), ["bit_tag_requester_10_enable"] = Bit(r, 12), ["obff_enable"] = F(r, 13, 2),
        };
        // libcper: Link Capabilities 2 spans 8 bytes (byte 0 bit 0 reserved, a 4-byte union at byte 1, then 24 bits at byte 5).
        ulong rest = (ulong)(c[49] | c[50] << 8 | c[51] << 16);
        o["link_capabilities2"] = new JsonObject
        {
            ["supported_link_speeds"] = (ulong)(c[45] & 0x7F), ["crosslink_supported"] = Enum2(F(rest, 0, 1), Supported),
            ["lower_skp_os_generation_supported"] = F(rest, 1, 7), ["lower_skp_os_reception_supported"] = F(rest, 8, 7),
            ["retimer_presence_detect_supported"] = Enum2(F(rest, 15, 1), Supported), ["two_retimers_presence_detect_supported"] = Enum2(F(rest, 16, 1), Supported),
            ["drs_supported"] = Enum2(F(rest, 23, 1), Supported),
        };
        r = U16(c, 52);
        o["link_control2"] = new JsonObject
        {
            ["target_link_speed"] = Raw(F(r, 0, 4)), ["enter_compliance"] = Enum2(F(r, 4, 1), Supported), ["hardware_autonomous_speed_disable"] = Raw(F(r, 5, 1)),
            ["selectable_de_emphasis"] = Bit(r, 6), ["transmit_margin"] = F(r, 7, 3), ["enter_modified_compliance"] = Bit(r, 10), ["compliance_sos"] = Bit(r, 11),
            ["compliance_preset_de_emphasis"] = F(r, 12, 4),
        };
        r = U16(c, 54);
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

    private static JsonObject Aer(ReadOnlySpan<byte> a)
    {
        var o = new JsonObject { ["data"] = B64(a) };
        o["capability_header"] = new JsonObject { ["capability_id"] = (ulong)U16(a, 0), ["capability_version"] = (ulong)(U16(a, 2) & 0xF), ["next_capability_offset"] = (ulong)(U16(a, 2) >> 4) };
        ulong status = U32(a, 4), mask = U32(a, 8), severity = U32(a, 12);
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
        ulong cs = U32(a, 16), cm = U32(a, 20);
        var cso = new JsonObject();
        var cmo = new JsonObject();
        foreach (var (bit, name) in Correctable)
        {
            cso[name + "_status"] = Bit(cs, bit);
            cmo[name + "_mask"] = F(cm, bit, 1);
        }
        o["correctable_error_status"] = cso;
        o["correctable_error_mask"] = cmo;
        ulong r = U32(a, 24);
        o["advanced_error_capabilities_and_control"] = new JsonObject { ["first_error_pointer"] = F(r, 0, 5), ["header_log_size"] = F(r, 13, 5), ["logged_tlp_size"] = F(r, 19, 5) };
        r = U32(a, 48);
        o["root_error_status"] = new JsonObject { ["err_cor_subclass"] = F(r, 7, 2), ["advanced_error_interrupt_message_number"] = F(r, 25, 5) };
        r = U32(a, 52);
        o["error_source_id"] = new JsonObject { ["err_cor_source_identification"] = F(r, 0, 16), ["err_fatal_nonfatal_source_identification"] = F(r, 16, 16) };
        return o;
    }

    public override byte[] FromIr(JsonObject o)
    {
        var b = new byte[Size];
        ulong v = 0;
        if (o.ContainsKey("portType")) { W32(b, 8, PairValue(o["portType"])); v |= 1; }
        if (o["version"] is JsonObject ver)
        {
            static byte ToBcd(ulong x) => (byte)(((x / 10) % 10) << 4 | (x % 10));
            b[12] = ToBcd(U(ver["minor"]));
            b[13] = ToBcd(U(ver["major"]));
            v |= 2;
        }
        if (o["commandStatus"] is JsonObject cs) { W16(b, 16, U(cs["commandRegister"])); W16(b, 18, U(cs["statusRegister"])); v |= 4; }
        if (o["deviceID"] is JsonObject id)
        {
            W16(b, 24, U(id["vendorID"])); W16(b, 26, U(id["deviceID"]));
            ulong cc = U(id["classCode"]); b[28] = (byte)cc; b[29] = (byte)(cc >> 8); b[30] = (byte)(cc >> 16);
            b[31] = (byte)U(id["functionNumber"]); b[32] = (byte)U(id["deviceNumber"]); W16(b, 33, U(id["segmentNumber"]));
            b[35] = (byte)U(id["primaryOrDeviceBusNumber"]); b[36] = (byte)U(id["secondaryBusNumber"]); W16(b, 37, U(id["slotNumber"]) << 3);
            v |= 8;
        }
        if (o.ContainsKey("deviceSerialNumber")) { W64(b, 40, U(o["deviceSerialNumber"])); v |= 16; }
        if (o["bridgeControlStatus"] is JsonObject br) { W16(b, 48, U(br["secondaryStatusRegister"])); W16(b, 50, U(br["controlRegister"])); v |= 32; }
        if (o["capabilityStructure"] is JsonObject cap)
        {
            var d = FromB64(cap["data"]);
            d.AsSpan(0, Math.Min(60, d.Length)).CopyTo(b.AsSpan(CapOffset));
            v |= 64;
        }
        if (o["aerInfo"] is JsonObject aer)
        {
            var d = FromB64(aer["data"]);
            d.AsSpan(0, Math.Min(96, d.Length)).CopyTo(b.AsSpan(AerOffset));
            v |= 128;
        }
        W64(b, 0, v);
        return b;
    }
}
