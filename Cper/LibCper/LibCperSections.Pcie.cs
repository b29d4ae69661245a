// [lc-audit E] PCIe: the register-table engine (a register at an offset, libcper's members over its bits)
using System.Text.Json;
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
/// <remarks>
/// A member map (<see cref="LibCperMap"/>, <see cref="Map"/>): the header's members (port type, the BCD version,
/// command/status, serial number, bridge control/status) come from <see cref="PcieErrorSection"/>'s <c>LibCper</c> lines,
/// the device ID's from <see cref="PcieDeviceId"/>'s (libcper's class name and low-byte hex twins placed among them
/// here; read back from its numbers); the two register blocks are members written here. The
/// registers are tables (<see cref="Group"/>: a register at an offset of <see cref="PcieErrorSection.CapabilityLayout"/>
/// or <see cref="PcieErrorSection.AerLayout"/>, and libcper's members over its bits), written straight into the
/// <see cref="LcWriter"/>; nothing is allocated per record. Only the length (208 bytes, N.2.7) refuses a body, checked
/// before anything is written (libcper's <c>Unknown</c>). Reading back fills the layout's bytes, as every map does.
/// </remarks>
internal static class LcPcie
{
    /// <summary>How a register member is shown (libcper <c>cper-section-pcie.c</c>'s helpers).</summary>
    private enum K
    {
        /// <summary>A number.</summary>
        Int,
        /// <summary>A boolean (one bit).</summary>
        Bool,
        /// <summary><c>{"raw": v}</c>.</summary>
        Raw,
        /// <summary><c>{"raw": v, "value": names[v]}</c>, or <c>{"raw": v}</c> past the table (libcper's <c>add_dict</c>).</summary>
        Dict,
        /// <summary><c>names[v &gt; 0 ? 1 : 0]</c> as a string.</summary>
        Enum2,
    }

    /// <summary>One libcper member over bits <see cref="Lo"/>..<see cref="Lo"/>+<see cref="Width"/>-1 of a register.</summary>
    private sealed record R(JsonEncodedText Name, int Lo, int Width, K Kind, JsonEncodedText[]? Names = null, LcNames? Dict = null);

    /// <summary>One libcper register object: <see cref="Size"/> bytes at <see cref="Offset"/> of the block, little-endian.</summary>
    private sealed record Group(JsonEncodedText Name, int Offset, int Size, R[] Members);

    private static JsonEncodedText[] Enc(params string[] names) => [.. names.Select(n => JsonEncodedText.Encode(n))];
    private static JsonEncodedText N(string name) => JsonEncodedText.Encode(name);
    private static R I(string name, int lo, int width) => new(N(name), lo, width, K.Int);
    private static R B(string name, int bit) => new(N(name), bit, 1, K.Bool);
    private static R Raw(string name, int lo, int width) => new(N(name), lo, width, K.Raw);
    private static R D(string name, int lo, int width, LcNames names) => new(N(name), lo, width, K.Dict, Dict: names);
    private static R E(string name, int lo, int width, JsonEncodedText[] names) => new(N(name), lo, width, K.Enum2, names);

    // ---- The section's own fields (N.2.7, PcieErrorSection.LayoutDef; the device ID, PcieErrorSection.DeviceIdLayout). ----
    private static readonly StructDef Layout = PcieErrorSection.LayoutDef;
    private static readonly FieldDef DeviceIdField = Lm.F(Layout, "deviceId"), CapabilityField = Lm.F(Layout, "capabilityStructure"), AerField = Lm.F(Layout, "aerInfo");
    private static readonly JsonEncodedText s_data = N("data"), s_raw = N("raw");

    // [lc-audit D] libcper's port type and register value names
    /// <summary>libcper's port type names (<c>sections/cper-section-pcie.c</c>), named by <see cref="PcieErrorSection.PortType"/>'s declaration.</summary>
    internal static readonly LcNames PortTypes = LcNames.Libcper(
    [
        (0, "PCI Express End Point", null), (1, "Legacy PCI End Point Device", null), (4, "Root Port", null), (5, "Upstream Switch Port", null),
        (6, "Downstream Switch Port", null), (7, "PCI Express to PCI/PCI-X Bridge", null), (8, "PCI/PCI-X Bridge to PCI Express Bridge", null),
        (9, "Root Complex Integrated Endpoint Device", null), (10, "Root Complex Event Collector", null),
    ], "Unknown");
    private static readonly LcNames DevicePortTypes = LcNames.Libcper(["PCIE", "PCI", "ROOT_PORT", "UPSTREAM", "DOWNSTREAM", "PCIE_PCI_BRIDGE", "PCI_PCIE_BRIDGE", "RCiEP", "RCEC"]);
    private static readonly JsonEncodedText[] Supported = Enc("NotSupported", "Supported");
    private static readonly JsonEncodedText[] Enabled = Enc("Disabled", "Enabled");
    private static readonly JsonEncodedText[] Passing = Enc("Failed", "Passing");
    private static readonly JsonEncodedText[] Severity = Enc("NonFatal", "Fatal");

    // [lc-audit D] libcper's members over the capability register bits (its snake_case names; the model declares whole registers)
    // ---- The capability structure (PCI Express Base 4.0 section 7.5.3), libcper's members in libcper's order. ----
    private static Group Cap(string name, string register, params R[] members)
    {
        var f = Lm.F(PcieErrorSection.CapabilityLayout, register);
        return new(N(name), f.Offset, f.Size, members);
    }

    /// <summary>The registers libcper shows for every capability version.</summary>
    private static readonly Group[] s_capability =
    [
        new(N("pcie_capability_header"), Lm.F(PcieErrorSection.CapabilityLayout, "capabilityId").Offset, 2,
            [Raw("capability_id", 0, 8), I("next_capability_pointer", 8, 8)]),
        Cap("pcie_capabilities", "pcieCapabilities",
            I("capability_version", 0, 4), D("device_port_type", 4, 4, DevicePortTypes), B("slot_implemented", 8),
            I("interrupt_message_number", 9, 5), E("flit_mode_supported", 15, 1, Supported)),
        Cap("device_capabilities", "deviceCapabilities",
            I("max_payload_size_supported", 0, 3), E("phantom_functions_supported", 3, 2, Supported), E("extended_tag_field_supported", 5, 1, Supported),
            Raw("endpoint_l0s_acceptable_latency", 6, 3), Raw("endpoint_l1_acceptable_latency", 9, 3), B("role_based_error_reporting", 15),
            B("err_cor_subclass_capable", 16), I("rx_mps_fixed", 17, 1), I("captured_slot_power_limit_value", 18, 8),
            I("captured_slot_power_limit_scale", 26, 2), E("function_level_reset_capability_supported", 28, 1, Supported),
            E("mixed_mps_supported", 29, 1, Supported), E("tee_io_supported", 30, 1, Supported)),
        Cap("device_control", "deviceControl",
            E("correctable_error_reporting_enable", 0, 1, Enabled), E("non_fatal_error_reporting_enable", 1, 1, Enabled),
            E("fatal_error_reporting_enable", 2, 1, Enabled), E("unsupported_request_reporting_enabled", 3, 1, Enabled),
            E("relaxed_ordering_enable", 4, 1, Enabled), I("max_payload_size", 5, 3), E("extended_tag_field_enable", 8, 1, Enabled),
            E("phantom_functions_enable", 9, 1, Enabled), E("aux_power_pm_enable", 10, 1, Enabled), I("enable_no_snoop", 11, 1),
            I("max_read_request_size", 12, 3), B("function_level_reset", 15)),
        Cap("device_status", "deviceStatus",
            B("correctable_error_detected", 0), B("non_fatal_error_detected", 1), B("fatal_error_detected", 2), B("unsupported_request_detected", 3),
            B("aux_power_detected", 4), B("transactions_pending", 5), I("emergency_power_reduction", 6, 2)),
        Cap("link_capabilities", "linkCapabilities",
            I("max_link_speed", 0, 4), I("maximum_link_width", 4, 6), I("aspm_support", 10, 2), I("l0s_exit_latency", 12, 3),
            I("l1_exit_latency", 15, 3), B("clock_power_management", 18), B("surprise_down_error_reporting_capable", 19),
            B("data_link_layer_link_active_reporting_capable", 20), B("link_bandwidth_notification_capability", 21),
            B("aspm_optionality_compliance", 22), I("port_number", 24, 8)),
        Cap("link_control", "linkControl",
            I("aspm_control", 0, 2), B("ptm_prop_delay_adaptation_interpretation", 2), I("link_disable", 4, 1), I("retrain_link", 5, 1),
            I("extended_synch", 7, 1), I("sris_clocking", 12, 1), I("flit_mode_disable", 13, 1)),
        Cap("link_status", "linkStatus", I("current_link_speed", 0, 4), I("negotiated_link_width", 4, 6), I("link_training", 11, 1)),
        Cap("slot_capabilities", "slotCapabilities", Raw("slot_power_limit_value", 7, 8), I("slot_power_limit_scale", 15, 2), I("physical_slot_number", 19, 13)),
        Cap("slot_control", "slotControl", I("attention_indicator_control", 6, 2), I("power_indicator_control", 8, 2), I("rsvdp", 15, 1)),
        Cap("slot_status", "slotStatus", I("mrl_sensor_changed", 2, 1), I("command_completed", 4, 1), I("mrl_sensor_state", 5, 1)),
        Cap("root_status", "rootStatus", I("pme_requester_id", 0, 16), I("pme_status", 16, 1), I("pme_pending", 17, 1)),
    ];

    // [lc-audit Q] libcper's Link Capabilities 2 / Link Control 2 / Link Status 2 offsets (compat "PCI Express" rows)
    /// <summary>The capability version (bits 0-3 of PCI Express Capabilities) below which libcper stops.</summary>
    private static readonly FieldDef CapabilitiesRegister = Lm.F(PcieErrorSection.CapabilityLayout, "pcieCapabilities");

    /// <summary>
    /// The registers libcper shows from capability version 2. From Link Capabilities 2 on libcper departs from the PCIe
    /// layout (<see cref="PcieErrorSection.CapabilityLayout"/>: Link Capabilities 2 at 0x2C, 4 bytes; Link Control 2 at
    /// 0x30; Link Status 2 at 0x32): its Link Capabilities 2 spans 8 bytes (byte 0 bit 0 reserved, the supported speeds in
    /// byte 1, then 24 bits at byte 5), so it reads Link Control 2 at 0x34 and Link Status 2 at 0x36. Those are libcper's
    /// offsets, on purpose (docs/libcper-compat.md).
    /// </summary>
    private static readonly Group[] s_capabilityV2 =
    [
        Cap("device_capabilities2", "deviceCapabilities2",
            I("completion_timeout_ranges_supported", 0, 4), E("completion_timeout_disable_supported", 4, 1, Supported),
            E("ari_forwarding_supported", 5, 1, Supported), E("atomic_op_routing_supported", 6, 1, Supported),
            E("_32_bit_atomicop_completer_supported", 7, 1, Supported), E("_64_bit_atomicop_completer_supported", 8, 1, Supported),
            E("_128_bit_cas_completer_supported", 9, 1, Supported), E("no_ro_enabled_pr_pr_passing", 10, 1, Passing),
            E("ltr_mechanism_supported", 11, 1, Supported), E("tph_completer_supported", 12, 2, Supported),
            E("obff_supported", 18, 2, Supported), Raw("max_end_end_tlp_prefixes", 22, 2),
            E("emergency_power_reduction_supported", 24, 2, Supported), I("dmwr_lengths_supported", 29, 2)),
        Cap("device_control2", "deviceControl2",
            I("completion_timeout_value", 0, 4), B("ari_forwarding_enable", 5), B("atomicop_requester_enable", 6),
            B("atomicop_egress_blocking", 7), B("ido_request_enable", 8), B("ido_completion_enable", 9), B("ltr_mechanism_enable", 10),
            B("emergency_power_reduction_request", 11), B("bit_tag_requester_10_enable", 12), I("obff_enable", 13, 2)),
        // libcper's 8-byte Link Capabilities 2 at 0x2C: supported speeds = byte 1 bits 0-6, the 24 bits at byte 5 after.
        new(N("link_capabilities2"), Lm.F(PcieErrorSection.CapabilityLayout, "linkCapabilities2").Offset, 8,
        [
            I("supported_link_speeds", 8, 7), E("crosslink_supported", 40, 1, Supported), I("lower_skp_os_generation_supported", 41, 7),
            I("lower_skp_os_reception_supported", 48, 7), E("retimer_presence_detect_supported", 55, 1, Supported),
            E("two_retimers_presence_detect_supported", 56, 1, Supported), E("drs_supported", 63, 1, Supported),
        ]),
        new(N("link_control2"), 0x34, 2, // libcper's Link Control 2 offset
        [
            Raw("target_link_speed", 0, 4), E("enter_compliance", 4, 1, Supported), Raw("hardware_autonomous_speed_disable", 5, 1),
            B("selectable_de_emphasis", 6), I("transmit_margin", 7, 3), B("enter_modified_compliance", 10), B("compliance_sos", 11),
            I("compliance_preset_de_emphasis", 12, 4),
        ]),
        new(N("link_status2"), 0x36, 2, // libcper's Link Status 2 offset
        [
            I("current_de_emphasis_level", 0, 1), B("equalization_8gts_complete", 1), B("equalization_8gts_phase1_successful", 2),
            B("equalization_8gts_phase2_successful", 3), B("equalization_8gts_phase3_successful", 4), B("link_equalization_request_8gts", 5),
            B("retimer_presence_detected", 6), B("two_retimers_presence_detected", 7), I("crosslink_resolution", 8, 2),
            I("flit_mode_status", 10, 1), I("downstream_component_presence", 12, 3), B("drs_message_received", 15),
        ]),
    ];

    // [lc-audit D] libcper's members over the AER register bits (root error status bits 25-29: compat "AER")
    // ---- The AER info (PCI Express Base 4.0 section 7.8.4). ----
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

    private static Group Aer(string name, string register, params R[] members)
    {
        var f = Lm.F(PcieErrorSection.AerLayout, register);
        return new(N(name), f.Offset, f.Size, members);
    }

    private static readonly Group[] s_aer =
    [
        Aer("capability_header", "capabilityHeader", I("capability_id", 0, 16), I("capability_version", 16, 4), I("next_capability_offset", 20, 12)),
        // libcper names the poisoned TLP status member without the _status suffix.
        Aer("uncorrectable_error_status", "uncorrectableErrorStatus",
            [.. Uncorrectable.Select(u => B(u.Name == "poisoned_tlp_received" ? u.Name : u.Name + "_status", u.Bit))]),
        Aer("uncorrectable_error_mask", "uncorrectableErrorMask", [.. Uncorrectable.Select(u => I(u.Name + "_mask", u.Bit, 1))]),
        Aer("uncorrectable_error_severity", "uncorrectableErrorSeverity", [.. Uncorrectable.Select(u => E(u.Name + "_severity", u.Bit, 1, Severity))]),
        Aer("correctable_error_status", "correctableErrorStatus", [.. Correctable.Select(c => B(c.Name + "_status", c.Bit))]),
        Aer("correctable_error_mask", "correctableErrorMask", [.. Correctable.Select(c => I(c.Name + "_mask", c.Bit, 1))]),
        Aer("advanced_error_capabilities_and_control", "capabilitiesControl", I("first_error_pointer", 0, 5), I("header_log_size", 13, 5), I("logged_tlp_size", 19, 5)),
        // libcper reads the interrupt message number from bits 25-29 (PCIe and AerLayout: 27-31).
        Aer("root_error_status", "rootErrorStatus", I("err_cor_subclass", 7, 2), I("advanced_error_interrupt_message_number", 25, 5)),
        Aer("error_source_id", "errorSourceId", I("err_cor_source_identification", 0, 16), I("err_fatal_nonfatal_source_identification", 16, 16)),
    ];

    // [lc-audit E] a register block: base64 and the register tables, read back from the base64
    /// <summary>A register block (capability structure, AER info): its bytes as base64, then the registers libcper decodes.</summary>
    private static LcMember Block(FieldDef field, LcCheck? v2, params Group[][] groups)
    {
        var name = N(field.Json); // libcper's name is the declaration's
        return Lm.Quirk(field.Json, field, (w, body, _) =>
        {
            var c = body.Slice(field.Offset, field.Size);
            w.WriteStartObject(name);
            w.WriteBase64String(s_data, c);
            WriteGroups(w, groups[0], c);
            if (v2 is not null && v2(c)) WriteGroups(w, groups[1], c);
            w.WriteEndObject();
        }, (n, body) =>
        {
            // The registers libcper decodes are all inside the base64 copy, which carries every byte: read as any
            // base64 field is (a longer copy is refused, not cut).
            B64Into(M(n, "data"), field, body);
            return 0;
        });
    }

    // [lc-audit Q] device ID: class name first, _Hex of the low byte (compat "PCI Express" rows)
    private static readonly FieldDef ClassCodeField = Lm.F(PcieErrorSection.DeviceIdLayout, "classCode"), SegmentField = Lm.F(PcieErrorSection.DeviceIdLayout, "segmentNumber"),
        SlotField = Lm.F(PcieErrorSection.DeviceIdLayout, "slot");
    private static readonly BitFieldDef SlotNumber = SlotField.BitFields!.Single(b => b.Json == "slotNumber");
    private static readonly JsonEncodedText s_class = N("class"), s_segmentHex = N("segmentNumber_Hex"), s_slotHex = N("slotNumber_Hex");

    /// <summary>
    /// The device ID's members (<see cref="PcieDeviceId"/>'s <c>LibCper</c> lines) in libcper's order: the class name first
    /// when libcper's class-code table has it (sections/cper-section-pcie.c:360-369), the <c>_Hex</c> twins, then the
    /// numbers. libcper prints segmentNumber_Hex and slotNumber_Hex through add_int_hex_8 (sections/cper-section-pcie.c:379-386),
    /// whose UINT8 parameter keeps the low byte of the 16-bit segment and 13-bit slot: reproduced here (the decimal members
    /// beside them, which libcper reads back, carry the whole value). docs/libcper-compat.md.
    /// </summary>
    private static readonly LcMember[] s_deviceId = Lm.InOrder(PcieDeviceId.LibCperMembers(),
        Lm.Quirk("class", null, (w, id, _) => { if (LcPciClassCodes.TryGetName(ClassCodeField.ReadValue(id), out var name)) w.WriteString(s_class, name); }, (_, _) => 0),
        "deviceID_Hex", "vendorID_Hex", "classCode_Hex", "functionNumber_Hex", "deviceNumber_Hex",
        Lm.Quirk("segmentNumber_Hex", null, (w, id, _) => w.WriteHex(s_segmentHex, SegmentField.ReadValue(id) & 0xFF, 2), (_, _) => 0),
        "primaryOrDeviceBusNumber_Hex", "secondaryBusNumber_Hex",
        Lm.Quirk("slotNumber_Hex", null, (w, id, _) => w.WriteHex(s_slotHex, SlotNumber.Extract(SlotField.ReadValue(id)) & 0xFF, 2), (_, _) => 0),
        "deviceID", "vendorID", "classCode", "functionNumber", "deviceNumber", "segmentNumber", "primaryOrDeviceBusNumber", "secondaryBusNumber", "slotNumber");

    /// <summary>What libcper's reader takes back: the numbers (the <c>_Hex</c> twins and <c>class</c> are not read).</summary>
    private static readonly LcMember[] s_deviceIdRead = [.. s_deviceId.Where(m => m.Kind == LcKind.Int)];

    // [lc-audit D] registration and libcper's member order; header members from PcieErrorSection's LibCper lines
    /// <summary>
    /// PCI Express error section (UEFI 2.10 N.2.7; libcper <c>sections/cper-section-pcie.c</c>), in libcper's order: the
    /// declaration's members, the device ID and the two register blocks; the capability registers from version 2 only when the capability
    /// version (bits 0-3 of PCI Express Capabilities) is at least 2.
    /// </summary>
    public static LibCperMap Map { get; } = new(PcieErrorSection.Codec, "PCIe", "Pcie", Layout, 0,
        Lm.InOrder(PcieErrorSection.LibCperMembers(), "portType", "version", "commandStatus", Lm.Nested("deviceID", DeviceIdField, s_deviceId, s_deviceIdRead),
            "deviceSerialNumber", "bridgeControlStatus",
            Block(CapabilityField, c => (CapabilitiesRegister.ReadValue(c) & 0xF) >= 2, s_capability, s_capabilityV2),
            Block(AerField, null, s_aer)))
    { Message = "A PCIe Error occurred" };

    // [lc-audit E] the register-table writer (PCIe's registers)
    private static void WriteGroups(LcWriter w, Group[] groups, ReadOnlySpan<byte> block)
    {
        foreach (var g in groups)
        {
            ulong reg = 0;
            var bytes = block.Slice(g.Offset, g.Size);
            for (int i = bytes.Length - 1; i >= 0; i--) reg = reg << 8 | bytes[i]; // little-endian
            w.WriteStartObject(g.Name);
            foreach (var m in g.Members)
            {
                ulong x = (reg >> m.Lo) & ((1UL << m.Width) - 1);
                switch (m.Kind)
                {
                    case K.Int: w.WriteNumber(m.Name, x); break;
                    case K.Bool: w.WriteBoolean(m.Name, x != 0); break;
                    case K.Raw:
                        w.WriteStartObject(m.Name);
                        w.WriteNumber(s_raw, x);
                        w.WriteEndObject();
                        break;
                    case K.Dict: LibCperMap.WriteDict(w, m.Name, x, m.Dict!); break;
                    case K.Enum2: w.WriteString(m.Name, m.Names![x > 0 ? 1 : 0]); break;
                }
            }
            w.WriteEndObject();
        }
    }
}
