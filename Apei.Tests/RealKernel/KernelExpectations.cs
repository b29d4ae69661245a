using System.Globalization;
using System.Text.Json;
using ApeiKit.Cper;

namespace ApeiKit.Tests.RealKernel;

/// <summary>How an expected value is compared with what the kernel printed.</summary>
internal enum Match
{
    /// <summary>Equal, ignoring case (hex digits).</summary>
    Exact,
    /// <summary>The kernel's value ends with it (a description, then the number).</summary>
    Suffix,
    /// <summary>The kernel's value starts with it (the number, then the kernel's own name).</summary>
    Prefix,
    /// <summary>A line of its own in the section (the key is the line; the value is not used).</summary>
    Line,
}

/// <summary>
/// What Linux 6.1 prints for a record, field by field, derived from ApeiKit's decode of the same record
/// (<c>apeikit decode -f json</c>): the key the kernel prints and ApeiKit's value formatted the way the kernel formats it
/// (drivers/firmware/efi/cper.c, cper-x86.c). Names are compared where both use the same words; where the kernel has its
/// own words (IA32/X64 check fields, firmware record types) the number is compared.
/// </summary>
internal sealed class KernelExpectations
{
    public List<(string Key, string Value, Match How)> Record { get; } = [];
    public List<List<(string Key, string Value, Match How)>> Sections { get; } = [];
    public List<Dictionary<string, byte[]>> SectionHex { get; } = [];

    private static readonly Dictionary<Guid, string> KernelSectionNames = new()
    {
        [CperGuids.PlatformMemory] = "memory error",
        [CperGuids.ProcessorGeneric] = "general processor error",
        [CperGuids.PciExpress] = "PCIe error",
        [CperGuids.FirmwareErrorRecordReference] = "Firmware Error Record Reference",
        [CperGuids.ProcessorIa32X64] = "IA32/X64 processor error",
        [CperGuids.ProcessorArm] = "ARM processor error",
    };

    // cper-x86.c: the error structure type GUIDs, named as the kernel names them.
    private static readonly Dictionary<string, string> KernelIa32ErrorTypes = new()
    {
        ["a55701f5-e3ef-43de-ac72-249b573fad2c"] = "cache error",
        ["fc06b535-5e1f-4562-9f25-0a3b9adb63c3"] = "TLB error",
        ["1cf3f8b3-c5b1-49a2-aa59-5eef92ffa63c"] = "bus error",
        ["48ab7f57-dc34-4f6c-a7d3-b0b5b0a74314"] = "micro-architectural error",
    };

    // cper.c fw_err_rec_type_strs.
    private static readonly string[] KernelFirmwareRecordTypes = ["IPF SAL Error Record", "SOC Firmware Error Record Type1 (Legacy CrashLog Support)", "SOC Firmware Error Record Type2"];

    /// <summary>The kernel's severity word (cper_severity_str).</summary>
    public static string Severity(ulong v) => v switch { 0 => "recoverable", 1 => "fatal", 2 => "corrected", 3 => "info", _ => "unknown" };

    /// <param name="record">ApeiKit's JSON of the record.</param>
    /// <param name="recordBytes">The record's bytes (hex dumps of sections the kernel does not decode are compared with them).</param>
    public static KernelExpectations For(JsonElement record, byte[] recordBytes)
    {
        var x = new KernelExpectations();
        var header = record.GetProperty("header");
        x.Record.Add(("event severity", Severity(U(header.GetProperty("severity"))), Match.Exact));
        if (header.TryGetProperty("timestamp", out var ts) && ts.ValueKind != JsonValueKind.Null)
        {
            var raw = new CperTimestamp(U(header.GetProperty("timestampRaw")));
            x.Record.Add(((raw.IsPrecise ? "precise" : "imprecise") + " tstamp", AsLinuxReadsIt(raw), Match.Exact));
        }
        foreach (var section in record.GetProperty("sections").EnumerateArray())
        {
            var d = section.GetProperty("descriptor");
            var b = section.GetProperty("body");
            var f = new List<(string, string, Match)>();
            var hex = new Dictionary<string, byte[]>();
            int index = x.Sections.Count;
            f.Add(($"Error {index}, type", Severity(U(d.GetProperty("severity"))), Match.Exact));
            var dv = Names(d);
            if (dv.Contains("fruId")) f.Add(("fru_id", d.GetProperty("fruId").GetString()!, Match.Exact));
            if (dv.Contains("fruText")) f.Add(("fru_text", d.GetProperty("fruText").GetString()!, Match.Exact));
            var type = Guid.Parse(d.GetProperty("sectionType").GetString()!);
            if (KernelSectionNames.TryGetValue(type, out var name)) f.Add(("section_type", name, Match.Exact));
            if (type == CperGuids.PlatformMemory)
            {
                Memory(b, f);
                MemoryViewAgrees(b, recordBytes.AsSpan((int)U(d.GetProperty("sectionOffset")), (int)U(d.GetProperty("sectionLength"))));
            }
            else if (type == CperGuids.ProcessorGeneric) ProcessorGeneric(b, f);
            else if (type == CperGuids.ProcessorIa32X64) Ia32(b, f, hex);
            else if (type == CperGuids.PciExpress) Pcie(b, U(d.GetProperty("severity")) == 1, f);
            else if (type == CperGuids.FirmwareErrorRecordReference) Firmware(b, f);
            else if (type == CperGuids.ProcessorArm) Arm(b, f);
            else
            {
                // Not decoded by the kernel (memory 2 among them): "section type: unknown, GUID", the length, a hex dump.
                long offset = (long)U(d.GetProperty("sectionOffset")), length = (long)U(d.GetProperty("sectionLength"));
                f.Add(("section type", "unknown, " + type.ToString("D"), Match.Exact));
                f.Add(("section length", string.Create(CultureInfo.InvariantCulture, $"0x{length:x}"), Match.Exact));
                hex["hex"] = recordBytes.AsSpan((int)offset, (int)length).ToArray();
            }
            x.Sections.Add(f);
            x.SectionHex.Add(hex);
        }
        return x;
    }

    /// <summary>cper_print_tstamp: every byte read as BCD (bcd2bin), "%02d%02d-%02d-%02d %02d:%02d:%02d".</summary>
    public static string AsLinuxReadsIt(CperTimestamp t)
    {
        static int B(ulong raw, int i) => (int)((raw >> (8 * i)) & 0xFF) is var v ? (v & 0x0F) + (v >> 4) * 10 : 0;
        ulong r = t.Raw;
        return string.Create(CultureInfo.InvariantCulture, $"{B(r, 7):D2}{B(r, 6):D2}-{B(r, 5):D2}-{B(r, 4):D2} {B(r, 2):D2}:{B(r, 1):D2}:{B(r, 0):D2}");
    }

    private static void Memory(JsonElement b, List<(string, string, Match)> f)
    {
        var v = Names(b);
        if (v.Contains("errorStatus")) f.Add(("error_status", $"(0x{U(b.GetProperty("errorStatus")):x16})", Match.Suffix));
        if (v.Contains("physicalAddress")) f.Add(("physical_address", X16(b, "physicalAddress"), Match.Exact));
        if (v.Contains("physicalAddressMask")) f.Add(("physical_address_mask", X16(b, "physicalAddressMask"), Match.Exact));
        foreach (var (json, key) in (ReadOnlySpan<(string, string)>)[("node", "node"), ("card", "card"), ("module", "module"), ("bank", "bank"), ("device", "device"), ("row", "row"), ("column", "column"), ("bitPosition", "bit_position"), ("rankNumber", "rank")])
            if (v.Contains(json)) f.Add((key, Dec(b, json), Match.Exact));
        foreach (var (json, key) in (ReadOnlySpan<(string, string)>)[("requestorId", "requestor_id"), ("responderId", "responder_id"), ("targetId", "target_id")])
            if (v.Contains(json)) f.Add((key, X16(b, json), Match.Exact));
        if (v.Contains("memoryErrorType")) f.Add(("error_type", EnumText(b.GetProperty("memoryErrorType")), Match.Exact));
    }

    /// <summary>
    /// The zero-copy <see cref="MemoryErrorSectionView"/> must say what the decode JSON says (which fields hold meaning, and
    /// their values), so the kernel's print of those fields, compared with the JSON, checks the view too.
    /// </summary>
    private static void MemoryViewAgrees(JsonElement b, ReadOnlySpan<byte> body)
    {
        if (!MemoryErrorSectionView.TryRead(body, out var view)) throw new InvalidOperationException("memory section body shorter than its validation bits");
        var v = Names(b);
        void Check(string json, bool has, ulong value)
        {
            if (has != v.Contains(json) || (has && value != U(b.GetProperty(json))))
                throw new InvalidOperationException($"MemoryErrorSectionView disagrees with the decode on {json}: view {(has ? value.ToString(CultureInfo.InvariantCulture) : "invalid")}");
        }
        Check("physicalAddress", view.HasPhysicalAddress, view.PhysicalAddress);
        Check("physicalAddressMask", view.HasPhysicalAddressMask, view.PhysicalAddressMask);
        Check("node", view.HasNode, view.Node);
        Check("card", view.HasCard, view.Card);
        Check("module", view.HasModule, view.Module);
        Check("memoryErrorType", view.HasMemoryErrorType, view.MemoryErrorType);
    }

    private static void ProcessorGeneric(JsonElement b, List<(string, string, Match)> f)
    {
        var v = Names(b);
        if (v.Contains("processorType")) f.Add(("processor_type", EnumText(b.GetProperty("processorType")), Match.Exact));
        if (v.Contains("processorIsa")) f.Add(("processor_isa", EnumText(b.GetProperty("processorIsa")), Match.Exact));
        if (v.Contains("errorType")) f.Add(("error_type", $"0x{U(b.GetProperty("errorType")):x2}", Match.Exact));
        if (v.Contains("operation")) f.Add(("operation", EnumText(b.GetProperty("operation")), Match.Exact));
        if (v.Contains("flags")) f.Add(("flags", $"0x{U(b.GetProperty("flags")):x2}", Match.Exact));
        if (v.Contains("level")) f.Add(("level", Dec(b, "level"), Match.Exact));
        foreach (var (json, key) in (ReadOnlySpan<(string, string)>)[("cpuVersion", "version_info"), ("processorId", "processor_id"), ("targetAddress", "target_address"), ("requestorId", "requestor_id"), ("responderId", "responder_id"), ("instructionIp", "IP")])
            if (v.Contains(json)) f.Add((key, X16(b, json), Match.Exact));
    }

    private static void Ia32(JsonElement b, List<(string, string, Match)> f, Dictionary<string, byte[]> hex)
    {
        var vb = b.GetProperty("validationBits");
        if (vb.GetProperty("localApicIdValid").GetBoolean()) f.Add(("Local APIC_ID", $"0x{U(b.GetProperty("localApicId")):x}", Match.Exact));
        if (vb.GetProperty("cpuIdInfoValid").GetBoolean())
        {
            var cpuid = new List<byte>();
            foreach (var r in (ReadOnlySpan<string>)["cpuIdEax", "cpuIdEbx", "cpuIdEcx", "cpuIdEdx"]) cpuid.AddRange(BitConverter.GetBytes((uint)U(b.GetProperty(r))));
            cpuid.AddRange(Convert.FromHexString(b.GetProperty("cpuIdRest").GetString()!));
            hex["CPUID Info"] = [.. cpuid];
        }
        int i = 0;
        foreach (var e in b.GetProperty("errorInfo").EnumerateArray())
        {
            string top = $"Error Information Structure {i++}/";
            var v = Names(e);
            string guid = e.GetProperty("errorType").GetString()!;
            if (KernelIa32ErrorTypes.TryGetValue(guid, out var n)) f.Add((top + "Error Structure Type", n, Match.Exact));
            if (v.Contains("checkInfo"))
            {
                var c = e.GetProperty("checkInfo");
                f.Add((top + "Check Information", $"0x{U(c):x16}", Match.Exact));
                if (c.TryGetProperty("transactionType", out var tt)) f.Add((top + "Transaction Type", $"{U(tt)}, ", Match.Prefix));
                if (c.TryGetProperty("operation", out var op)) f.Add((top + "Operation", $"{U(op)}, ", Match.Prefix));
                if (c.TryGetProperty("level", out var lv)) f.Add((top + "Level", $"{U(lv)}", Match.Exact));
                foreach (var (json, key) in (ReadOnlySpan<(string, string)>)[("processorContextCorrupt", "Processor Context Corrupt"), ("uncorrected", "Uncorrected"), ("preciseIp", "Precise IP"), ("restartableIp", "Restartable IP"), ("overflow", "Overflow")])
                    if (c.TryGetProperty(json, out var flag)) f.Add((top + key, flag.GetBoolean() ? "true" : "false", Match.Exact));
            }
            foreach (var (json, key) in (ReadOnlySpan<(string, string)>)[("targetId", "Target Identifier"), ("requestorId", "Requestor Identifier"), ("responderId", "Responder Identifier"), ("instructionPointer", "Instruction Pointer")])
                if (v.Contains(json)) f.Add((top + key, X16(e, json), Match.Exact));
        }
        i = 0;
        foreach (var c in b.GetProperty("contextInfo").EnumerateArray())
        {
            string top = $"Context Information Structure {i++}/";
            var type = c.GetProperty("registerContextType");
            f.Add((top + "Register Context Type", type.GetProperty("name").GetString()!, Match.Exact));
            f.Add((top + "Register Array Size", $"0x{U(c.GetProperty("registerArraySize")):x4}", Match.Exact));
            if (U(type) == 1) f.Add((top + "MSR Address", $"0x{U(c.GetProperty("msrAddress")):x8}", Match.Exact));
            if (U(type) == 7) f.Add((top + "MM Register Address", X16(c, "mmRegisterAddress"), Match.Exact));
            if (c.TryGetProperty("registerArray", out var regs)) hex[top + "Register Array"] = Convert.FromHexString(regs.GetString()!);
        }
    }

    private static void Pcie(JsonElement b, bool fatal, List<(string, string, Match)> f)
    {
        var v = Names(b);
        if (v.Contains("portType")) f.Add(("port_type", EnumText(b.GetProperty("portType")), Match.Exact));
        if (v.Contains("version"))
        {
            var ver = b.GetProperty("version");
            f.Add(("version", $"{U(ver.GetProperty("major"))}.{U(ver.GetProperty("minor"))}", Match.Exact));
        }
        if (v.Contains("commandStatus")) f.Add(("command", $"0x{U(b.GetProperty("command")):x4}, status: 0x{U(b.GetProperty("status")):x4}", Match.Exact));
        if (v.Contains("deviceId"))
        {
            var id = b.GetProperty("deviceId");
            f.Add(("device_id", $"{U(id.GetProperty("segmentNumber")):x4}:{U(id.GetProperty("primaryBusNumber")):x2}:{U(id.GetProperty("deviceNumber")):x2}.{U(id.GetProperty("functionNumber")):x}", Match.Exact));
            f.Add(("slot", $"{U(id.GetProperty("slot").GetProperty("slotNumber"))}", Match.Exact));
            f.Add(("secondary_bus", $"0x{U(id.GetProperty("secondaryBusNumber")):x2}", Match.Exact));
            f.Add(("vendor_id", $"0x{U(id.GetProperty("vendorId")):x4}, device_id: 0x{U(id.GetProperty("deviceId")):x4}", Match.Exact));
            f.Add(("class_code", $"{U(id.GetProperty("classCode")):x6}", Match.Exact));
        }
        if (v.Contains("deviceSerialNumber"))
        {
            ulong sn = U(b.GetProperty("deviceSerialNumber"));
            f.Add(("serial number", $"0x{sn & 0xFFFFFFFF:x4}, 0x{sn >> 32:x4}", Match.Exact));
        }
        if (v.Contains("aerInfo") && fatal)
        {
            // Fatal only: "Fatal errors call __ghes_panic() before AER handler prints this". Linux 6.1 prints the
            // uncorrectable status, mask and severity and the TLP header, not the correctable status and mask (measured).
            var a = b.GetProperty("aerInfo");
            f.Add(("aer_uncor_status", $"0x{U(a.GetProperty("uncorrectableErrorStatus")):x8}, aer_uncor_mask: 0x{U(a.GetProperty("uncorrectableErrorMask")):x8}", Match.Exact));
            f.Add(("aer_uncor_severity", $"0x{U(a.GetProperty("uncorrectableErrorSeverity")):x8}", Match.Exact));
            f.Add(("TLP Header", $"{U(a.GetProperty("headerLog0")):x8} {U(a.GetProperty("headerLog1")):x8} {U(a.GetProperty("headerLog2")):x8} {U(a.GetProperty("headerLog3")):x8}", Match.Exact));
        }
    }

    // cper-arm.c (Linux 6.1): the fields of cper_print_proc_arm and cper_print_arm_err_info for cache errors.
    private static void Arm(JsonElement b, List<(string, string, Match)> f)
    {
        var v = Names(b);
        f.Add(("MIDR", X16(b, "midr"), Match.Exact));
        if (v.Contains("mpidr")) f.Add(("Multiprocessor Affinity Register (MPIDR)", X16(b, "mpidr"), Match.Exact));
        if (v.Contains("errorAffinityLevel")) f.Add(("error affinity level", Dec(b, "errorAffinityLevel"), Match.Exact));
        if (v.Contains("runningState"))
        {
            f.Add(("running state", $"0x{U(b.GetProperty("runningState")):x}", Match.Exact));
            f.Add(("Power State Coordination Interface state", Dec(b, "psciState"), Match.Exact));
        }
        int i = 0;
        foreach (var e in b.GetProperty("errorInfo").EnumerateArray())
        {
            string top = $"Error info structure {i++}/";
            var ev = Names(e);
            // "num errors" is Multiple Error + 1 in Linux (UEFI: 0 single, 1 multiple with the count unknown).
            f.Add((top + "num errors", $"{(ev.Contains("multipleError") ? U(e.GetProperty("multipleError")) : 0) + 1}", Match.Exact));
            if (ev.Contains("flags"))
                foreach (var flag in e.GetProperty("flags").GetProperty("names").EnumerateArray())
                    f.Add((flag.GetString() switch
                    {
                        "firstErrorCaptured" => "first error captured",
                        "lastErrorCaptured" => "last error captured",
                        "propagated" => "propagated error captured",
                        "overflow" => "overflow occurred, error info is incomplete",
                        var other => other!,
                    }, "", Match.Line));
            var type = e.GetProperty("type");
            string kindText = e.GetProperty("kind").GetString()!; // ApeiKit's reading of the type: "cache error", ...
            f.Add((top + "error_type", $"0x{U(type):x2}: {kindText}", Match.Exact));
            if (ev.Contains("errorInformation"))
            {
                var info = e.GetProperty("errorInformation");
                f.Add((top + "error_info", $"0x{U(info):x16}", Match.Exact));
                string kind = kindText.Split(' ')[0];
                if (info.TryGetProperty("transactionType", out var tt)) f.Add((top + "transaction type", tt.GetProperty("name").GetString()!, Match.Exact));
                if (info.TryGetProperty("operation", out var op)) f.Add((top + kind + " error, operation type", op.GetProperty("name").GetString()!, Match.Exact));
                if (info.TryGetProperty("level", out var lv)) f.Add((top + kind + " level", $"{U(lv)}", Match.Exact));
                if (info.TryGetProperty("processorContextCorrupt", out var pcc)) f.Add((pcc.GetBoolean() ? "processor context corrupted" : "processor context not corrupted", "", Match.Line));
                if (info.TryGetProperty("corrected", out var c)) f.Add((c.GetBoolean() ? "the error has been corrected" : "the error has not been corrected", "", Match.Line));
                if (info.TryGetProperty("precisePc", out var pp)) f.Add((pp.GetBoolean() ? "PC is precise" : "PC is imprecise", "", Match.Line));
                if (info.TryGetProperty("restartablePc", out var rp)) f.Add((rp.GetBoolean() ? "Program execution can be restarted reliably at the PC associated with the error." : "", "", Match.Line));
            }
            if (ev.Contains("virtualFaultAddress")) f.Add((top + "virtual fault address", X16(e, "virtualFaultAddress"), Match.Exact));
            if (ev.Contains("physicalFaultAddress")) f.Add((top + "physical fault address", X16(e, "physicalFaultAddress"), Match.Exact));
        }
    }

    private static void Firmware(JsonElement b, List<(string, string, Match)> f)
    {
        ulong type = U(b.GetProperty("recordType")), revision = U(b.GetProperty("revision"));
        f.Add(("Firmware Error Record Type", type < (ulong)KernelFirmwareRecordTypes.Length ? KernelFirmwareRecordTypes[type] : "unknown", Match.Exact));
        f.Add(("Revision", $"{revision}", Match.Exact));
        if (revision == 0) f.Add(("Record Identifier", $"{U(b.GetProperty("recordIdentifier")):x8}", Match.Exact));
        if (revision >= 2) f.Add(("Record Identifier", b.GetProperty("recordIdentifierGuid").GetString()!, Match.Exact));
    }

    private static HashSet<string> Names(JsonElement o)
        => o.TryGetProperty("validationBits", out var vb) && vb.ValueKind == JsonValueKind.Object && vb.TryGetProperty("names", out var n)
            ? n.EnumerateArray().Select(x => x.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];

    /// <summary>A number: plain, or an enumeration/flags/bit-field object's "value".</summary>
    public static ulong U(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetUInt64(),
        JsonValueKind.Object => U(e.GetProperty("value")),
        JsonValueKind.String when e.GetString()!.StartsWith("0x", StringComparison.OrdinalIgnoreCase) => ulong.Parse(e.GetString()!.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException("not a number: " + e.GetRawText()),
    };

    private static string X16(JsonElement o, string name) => $"0x{U(o.GetProperty(name)):x16}";

    private static string Dec(JsonElement o, string name) => U(o.GetProperty(name)).ToString(CultureInfo.InvariantCulture);

    /// <summary>"%d, %s": the value and ApeiKit's name for it (the kernel's words are the same for these).</summary>
    private static string EnumText(JsonElement e) => $"{U(e)}, {e.GetProperty("name").GetString()}";

    /// <summary>Compares a kernel record with these expectations; returns the disagreements (empty when all agree) and counts the fields compared.</summary>
    public List<string> Compare(KernelRecord k, out int compared)
    {
        var problems = new List<string>();
        compared = 0;
        Check("record", Record, k.Fields, problems, ref compared);
        if (k.Sections.Count != Sections.Count) problems.Add($"the kernel printed {k.Sections.Count} sections, ApeiKit decoded {Sections.Count}");
        for (int i = 0; i < Math.Min(k.Sections.Count, Sections.Count); i++)
        {
            foreach (var (line, _, _) in Sections[i].Where(e => e.How == Match.Line && e.Key.Length > 0))
            {
                if (k.Sections[i].Lines.Contains(line)) compared++;
                else problems.Add($"section {i}: the kernel did not print the line '{line}'");
            }
            Check($"section {i}", Sections[i].Where(e => e.How != Match.Line).ToList(), k.Sections[i].Fields, problems, ref compared);
            foreach (var (group, bytes) in SectionHex[i])
            {
                if (!k.Sections[i].Hex.TryGetValue(group, out var printed)) problems.Add($"section {i}: the kernel printed no hex dump '{group}'");
                else if (!printed.Take(bytes.Length).SequenceEqual(bytes) || printed.Count < bytes.Length || printed.Skip(bytes.Length).Any(x => x != 0))
                    problems.Add($"section {i}: hex dump '{group}': kernel {Convert.ToHexString([.. printed])}, ApeiKit {Convert.ToHexString(bytes)}");
                else compared++;
            }
            foreach (var group in k.Sections[i].Hex.Keys.Where(g => !SectionHex[i].ContainsKey(g)))
                problems.Add($"section {i}: the kernel printed a hex dump '{group}' that ApeiKit's decode does not predict");
        }
        return problems;
    }

    private static void Check(string where, List<(string Key, string Value, Match How)> expected, List<(string Key, string Value)> printed, List<string> problems, ref int compared)
    {
        foreach (var (key, value, how) in expected)
        {
            var found = printed.Where(p => p.Key == key).Select(p => p.Value).ToList();
            if (found.Count == 0)
            {
                problems.Add($"{where}: the kernel did not print '{key}' (ApeiKit: {value})");
                continue;
            }
            bool ok = found.Exists(f => how switch
            {
                Match.Suffix => f.EndsWith(value, StringComparison.OrdinalIgnoreCase),
                Match.Prefix => f.StartsWith(value, StringComparison.OrdinalIgnoreCase),
                _ => string.Equals(f.TrimEnd(), value, StringComparison.OrdinalIgnoreCase),
            });
            if (ok) compared++;
            else problems.Add($"{where}: '{key}': kernel '{string.Join("' / '", found)}', ApeiKit '{value}'");
        }
        foreach (var (key, value) in printed)
            if (!key.EndsWith(".names", StringComparison.Ordinal) && !expected.Exists(e => e.Key == key))
                problems.Add($"{where}: the kernel printed '{key}: {value}', which ApeiKit's decode does not predict");
    }
}
