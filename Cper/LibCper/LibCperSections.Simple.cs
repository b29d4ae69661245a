using System.Text.Json.Nodes;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>Processor generic error section (UEFI 2.10 N.2.4.1; libcper <c>cper-section-generic.c</c>), 192 bytes.</summary>
internal sealed class LcGenericProcessor : LibCperSection
{
    public override Guid SectionType => CperGuids.ProcessorGeneric;
    public override string ReadableName => "Processor Generic";
    public override string ShortName => "GenericProcessor";
    private const int Size = 192;
    private static readonly string[] ProcTypes = ["IA32/X64", "IA64", "ARM"];
    private static readonly string[] Isas = ["IA32", "IA64", "X64", "ARM A32/T32", "ARM A64"];
    private static readonly Dictionary<ulong, string> ErrorTypes = new() { [0] = "Unknown", [1] = "Cache Error", [2] = "TLB Error", [4] = "Bus Error", [8] = "Micro-Architectural Error" };
    private static readonly string[] Operations = ["Unknown or Generic", "Data Read", "Data Write", "Instruction Execution"];
    private static readonly string[] Flags = ["restartable", "preciseIP", "overflow", "corrected"];

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = "A Generic Processor Error occurred";
        if (b.Length < Size) return null;
        ulong v = U64(b, 0);
        var o = new JsonObject();
        if (Bit(v, 0)) o["processorType"] = Pair(b[8], ProcTypes);
        if (Bit(v, 1)) o["processorISA"] = Pair(b[9], Isas);
        if (Bit(v, 2)) o["errorType"] = Pair(b[10], ErrorTypes);
        if (Bit(v, 3)) o["operation"] = Pair(b[11], Operations);
        if (Bit(v, 4)) o["flags"] = Bits(b[12], Flags);
        if (Bit(v, 5)) o["level"] = (int)b[13];
        if (Bit(v, 6)) o["cpuVersionInfo"] = U64(b, 16);
        if (Bit(v, 7) && UntrustedString(b.Slice(24, 128)) is { } brand) o["cpuBrandString"] = brand;
        if (Bit(v, 8)) o["processorID"] = U64(b, 152);
        if (Bit(v, 9)) o["targetAddress"] = U64(b, 160);
        if (Bit(v, 10)) o["requestorID"] = U64(b, 168);
        if (Bit(v, 11)) o["responderID"] = U64(b, 176);
        if (Bit(v, 12)) o["instructionIP"] = U64(b, 184);
        return o;
    }

    public override byte[] FromIr(JsonObject o)
    {
        var b = new byte[Size];
        ulong v = 0;
        void F(int bit, string name, Action<JsonNode?> write) { if (o.ContainsKey(name)) { write(o[name]); v |= 1UL << bit; } }
        F(0, "processorType", n => W8(b, 8, PairValue(n)));
        F(1, "processorISA", n => W8(b, 9, PairValue(n)));
        F(2, "errorType", n => W8(b, 10, PairValue(n)));
        F(3, "operation", n => W8(b, 11, PairValue(n)));
        F(4, "flags", n => W8(b, 12, FromBits(n, Flags)));
        F(5, "level", n => W8(b, 13, U(n)));
        F(6, "cpuVersionInfo", n => W64(b, 16, U(n)));
        F(7, "cpuBrandString", n => { var s = Str(n) ?? ""; System.Text.Encoding.ASCII.GetBytes(s.AsSpan(0, Math.Min(s.Length, 127)), b.AsSpan(24, 127)); });
        F(8, "processorID", n => W64(b, 152, U(n)));
        F(9, "targetAddress", n => W64(b, 160, U(n)));
        F(10, "requestorID", n => W64(b, 168, U(n)));
        F(11, "responderID", n => W64(b, 176, U(n)));
        F(12, "instructionIP", n => W64(b, 184, U(n)));
        W64(b, 0, v);
        return b;
    }
}

/// <summary>Shared pieces of the two memory sections.</summary>
internal static class LcMemoryCommon
{
    public static readonly string[] Types =
    [
        "Unknown", "No Error", "Single-bit ECC", "Multi-bit ECC", "Single-symbol ChipKill ECC", "Multi-symbol ChipKill ECC", "Master Abort",
        "Target Abort", "Parity Error", "Watchdog Timeout", "Invalid Address", "Mirror Broken", "Memory Sparing", "Scrub Corrected Error",
        "Scrub Uncorrected Error", "Physical Memory Map-out Event",
    ];

    /// <summary>libcper's bank object: whole value when the bank bit is set, else address (low byte) and group (high byte).</summary>
    public static JsonObject Bank(ulong valid, int bankBit, ushort bank)
        => Bit(valid, bankBit) ? new JsonObject { ["value"] = (ulong)bank } : new JsonObject { ["address"] = (ulong)(bank & 0xFF), ["group"] = (ulong)(bank >> 8) };

    /// <summary>Bank back to bytes; returns the validation bits libcper sets for it.</summary>
    public static ulong BankFrom(JsonNode? bank, out ushort value, int bankBit, int groupBit, int addressBit)
    {
        if (bank is not JsonObject o) { value = 0; return 0; }
        if (o.ContainsKey("value")) { value = (ushort)U(o["value"]); return 1UL << bankBit; }
        value = (ushort)((U(o["address"]) & 0xFF) | ((U(o["group"]) & 0xFF) << 8));
        return (1UL << groupBit) | (1UL << addressBit);
    }
}

/// <summary>Platform memory error section (UEFI 2.10 N.2.5; libcper <c>cper-section-memory.c</c>), 80 bytes.</summary>
internal sealed class LcMemory : LibCperSection
{
    public override Guid SectionType => CperGuids.PlatformMemory;
    public override string ReadableName => "Platform Memory";
    public override string ShortName => "Memory";
    private const int Size = 80;

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = null;
        if (b.Length < Size) return null;
        ulong v = U64(b, 0);
        var o = new JsonObject();
        if (Bit(v, 0)) o["errorStatus"] = ErrorStatus(U64(b, 8));
        o["bank"] = LcMemoryCommon.Bank(v, 6, U16(b, 38));
        string msg = "An Unknown Memory Error occurred";
        if (Bit(v, 14))
        {
            var t = Pair(b[72], LcMemoryCommon.Types);
            o["memoryErrorType"] = t;
            msg = $"A {Str(t["name"])} Memory Error occurred";
        }
        if (Bit(v, 18))
        {
            var ext = new JsonObject { ["rowBit16"] = Bit(b[73], 0), ["rowBit17"] = Bit(b[73], 1) };
            if (Bit(v, 21)) ext["chipIdentification"] = b[73] >> 5;
            o["extended"] = ext;
        }
        if (Bit(v, 16)) o["cardSmbiosHandle"] = (ulong)U16(b, 76);
        if (Bit(v, 17)) o["moduleSmbiosHandle"] = (ulong)U16(b, 78);
        if (Bit(v, 1))
        {
            o["physicalAddress"] = U64(b, 16);
            o["physicalAddressHex"] = Hex(U64(b, 16), 16);
            msg += " at address " + Hex(U64(b, 16), 16);
        }
        if (Bit(v, 2)) o["physicalAddressMask"] = U64(b, 24);
        if (Bit(v, 3))
        {
            o["node"] = (ulong)U16(b, 32);
            msg += FormattableString.Invariant($" at node {U16(b, 32)}");
        }
        if (Bit(v, 4)) o["card"] = (ulong)U16(b, 34);
        if (Bit(v, 5)) o["moduleRank"] = (ulong)U16(b, 36);
        if (Bit(v, 7)) o["device"] = (ulong)U16(b, 40);
        if (Bit(v, 8)) o["row"] = (ulong)U16(b, 42);
        if (Bit(v, 9)) o["column"] = (ulong)U16(b, 44);
        if (Bit(v, 10)) o["bitPosition"] = (ulong)U16(b, 46);
        if (Bit(v, 11)) o["requestorID"] = U64(b, 48);
        if (Bit(v, 12)) o["responderID"] = U64(b, 56);
        if (Bit(v, 13)) o["targetID"] = U64(b, 64);
        if (Bit(v, 15)) o["rankNumber"] = (ulong)U16(b, 74);
        message = msg;
        return o;
    }

    public override byte[] FromIr(JsonObject o)
    {
        var b = new byte[Size];
        ulong v = 0;
        void F(int bit, string name, Action<JsonNode?> write) { if (o.ContainsKey(name)) { write(o[name]); v |= 1UL << bit; } }
        F(0, "errorStatus", n => W64(b, 8, ErrorStatusFrom(n)));
        v |= LcMemoryCommon.BankFrom(o["bank"], out ushort bank, 6, 19, 20);
        W16(b, 38, bank);
        if (o["extended"] is JsonObject ext)
        {
            ulong e = (Bool(ext["rowBit16"]) ? 1UL : 0) | (Bool(ext["rowBit17"]) ? 2UL : 0);
            if (ext.ContainsKey("chipIdentification")) { e |= U(ext["chipIdentification"]) << 5; v |= 1UL << 21; }
            W8(b, 73, e);
            v |= 1UL << 18;
        }
        F(14, "memoryErrorType", n => W8(b, 72, PairValue(n)));
        F(1, "physicalAddress", n => W64(b, 16, U(n)));
        F(2, "physicalAddressMask", n => W64(b, 24, U(n)));
        F(3, "node", n => W16(b, 32, U(n)));
        F(4, "card", n => W16(b, 34, U(n)));
        F(5, "moduleRank", n => W16(b, 36, U(n)));
        F(7, "device", n => W16(b, 40, U(n)));
        F(8, "row", n => W16(b, 42, U(n)));
        F(9, "column", n => W16(b, 44, U(n)));
        F(10, "bitPosition", n => W16(b, 46, U(n)));
        F(11, "requestorID", n => W64(b, 48, U(n)));
        F(12, "responderID", n => W64(b, 56, U(n)));
        F(13, "targetID", n => W64(b, 64, U(n)));
        F(15, "rankNumber", n => W16(b, 74, U(n)));
        F(16, "cardSmbiosHandle", n => W16(b, 76, U(n)));
        F(17, "moduleSmbiosHandle", n => W16(b, 78, U(n)));
        W64(b, 0, v);
        return b;
    }
}

/// <summary>Memory error section 2 (UEFI 2.10 N.2.6; libcper <c>cper-section-memory.c</c>), 96 bytes.</summary>
internal sealed class LcMemory2 : LibCperSection
{
    public override Guid SectionType => CperGuids.PlatformMemory2;
    public override string ReadableName => "Platform Memory 2";
    public override string ShortName => "Memory2";
    private const int Size = 96;

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = null;
        if (b.Length < Size) return null;
        ulong v = U64(b, 0);
        var o = new JsonObject();
        if (Bit(v, 0)) o["errorStatus"] = ErrorStatus(U64(b, 8));
        o["bank"] = LcMemoryCommon.Bank(v, 6, U16(b, 38));
        string msg = "An Unknown Memory Error occurred";
        if (Bit(v, 13))
        {
            var t = Pair(b[61], LcMemoryCommon.Types);
            o["memoryErrorType"] = t;
            msg = $"A {Str(t["name"])} Memory Error occurred";
        }
        if (Bit(v, 14)) o["status"] = new JsonObject { ["value"] = (int)b[62], ["state"] = (b[62] & 1) == 0 ? "Corrected" : "Uncorrected" };
        // libcper gates the physical address on bit 0 (error status), not bit 1, and always prints the hex form.
        if (Bit(v, 0))
        {
            o["physicalAddress"] = U64(b, 16);
            msg += " at address " + Hex(U64(b, 16), 16);
        }
        o["physicalAddressHex"] = Hex(U64(b, 16), 16);
        if (Bit(v, 2)) o["physicalAddressMask"] = U64(b, 24);
        if (Bit(v, 3))
        {
            o["node"] = (ulong)U16(b, 32);
            msg += FormattableString.Invariant($" on node {U16(b, 32)}");
        }
        if (Bit(v, 4)) o["card"] = (ulong)U16(b, 34);
        if (Bit(v, 5)) o["module"] = (ulong)U16(b, 36);
        if (Bit(v, 7)) o["device"] = (ulong)U32(b, 40);
        if (Bit(v, 8)) o["row"] = (ulong)U32(b, 44);
        if (Bit(v, 9)) o["column"] = (ulong)U32(b, 48);
        if (Bit(v, 10)) o["rank"] = (ulong)U32(b, 52);
        if (Bit(v, 11)) o["bitPosition"] = (ulong)U32(b, 56);
        if (Bit(v, 12)) o["chipID"] = (ulong)b[60];
        if (Bit(v, 15)) o["requestorID"] = U64(b, 64);
        if (Bit(v, 16)) o["responderID"] = U64(b, 72);
        if (Bit(v, 17)) o["targetID"] = U64(b, 80);
        if (Bit(v, 18)) o["cardSmbiosHandle"] = (ulong)U32(b, 88);
        if (Bit(v, 19)) o["moduleSmbiosHandle"] = (ulong)U32(b, 92);
        message = msg;
        return o;
    }

    public override byte[] FromIr(JsonObject o)
    {
        var b = new byte[Size];
        ulong v = 0;
        void F(int bit, string name, Action<JsonNode?> write) { if (o.ContainsKey(name)) { write(o[name]); v |= 1UL << bit; } }
        F(0, "errorStatus", n => W64(b, 8, ErrorStatusFrom(n)));
        v |= LcMemoryCommon.BankFrom(o["bank"], out ushort bank, 6, 20, 21);
        W16(b, 38, bank);
        F(13, "memoryErrorType", n => W8(b, 61, PairValue(n)));
        F(14, "status", n => W8(b, 62, PairValue(n)));
        // The physical address is written whenever present (its hex twin always is); libcper ties it to bit 0.
        if (o.ContainsKey("physicalAddress")) W64(b, 16, U(o["physicalAddress"]));
        else if (o.ContainsKey("physicalAddressHex")) W64(b, 16, ParseNumber(Str(o["physicalAddressHex"])));
        F(2, "physicalAddressMask", n => W64(b, 24, U(n)));
        F(3, "node", n => W16(b, 32, U(n)));
        F(4, "card", n => W16(b, 34, U(n)));
        F(5, "module", n => W16(b, 36, U(n)));
        F(7, "device", n => W32(b, 40, U(n)));
        F(8, "row", n => W32(b, 44, U(n)));
        F(9, "column", n => W32(b, 48, U(n)));
        F(10, "rank", n => W32(b, 52, U(n)));
        F(11, "bitPosition", n => W32(b, 56, U(n)));
        F(12, "chipID", n => W8(b, 60, U(n)));
        F(15, "requestorID", n => W64(b, 64, U(n)));
        F(16, "responderID", n => W64(b, 72, U(n)));
        F(17, "targetID", n => W64(b, 80, U(n)));
        F(18, "cardSmbiosHandle", n => W32(b, 88, U(n)));
        F(19, "moduleSmbiosHandle", n => W32(b, 92, U(n)));
        W64(b, 0, v);
        return b;
    }
}

/// <summary>PCI/PCI-X bus error section (UEFI 2.10 N.2.8; libcper <c>cper-section-pci-bus.c</c>), 72 bytes.</summary>
internal sealed class LcPciBus : LibCperSection
{
    public override Guid SectionType => CperGuids.PciBus;
    public override string ReadableName => "PCI/PCI-X Bus";
    public override string ShortName => "PciBus";
    private const int Size = 72;
    private static readonly string[] Types =
        ["Unknown/OEM Specific Error", "Data Parity Error", "System Error", "Master Abort", "Bus Timeout / No Device Present", "Master Data Parity Error", "Address Parity Error", "Command Parity Error"];

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = null;
        if (b.Length < Size) return null;
        message = "A PCI/PCI-X Bus Error occurred";
        ulong v = U64(b, 0);
        var o = new JsonObject();
        if (Bit(v, 0)) o["errorStatus"] = ErrorStatus(U64(b, 8));
        if (Bit(v, 1)) o["errorType"] = Pair(U16(b, 16), Types);
        if (Bit(v, 2)) o["busID"] = new JsonObject { ["busNumber"] = U16(b, 18) & 0xFF, ["segmentNumber"] = U16(b, 18) >> 8 };
        if (Bit(v, 3)) o["busAddress"] = U64(b, 24);
        if (Bit(v, 4)) o["busData"] = U64(b, 32);
        if (Bit(v, 5)) o["busCommandType"] = ((U64(b, 40) >> 56) & 1) == 0 ? "PCI" : "PCI-X";
        if (Bit(v, 6)) { o["busRequestorID"] = U64(b, 48); o["busRequestorIDHex"] = Hex(U64(b, 48), 16); }
        if (Bit(v, 7)) { o["busCompleterID"] = U64(b, 56); o["busCompleterIDHex"] = Hex(U64(b, 56), 16); }
        if (Bit(v, 8)) o["targetID"] = U64(b, 64);
        return o;
    }

    public override byte[] FromIr(JsonObject o)
    {
        var b = new byte[Size];
        ulong v = 0;
        void F(int bit, string name, Action<JsonNode?> write) { if (o.ContainsKey(name)) { write(o[name]); v |= 1UL << bit; } }
        F(0, "errorStatus", n => W64(b, 8, ErrorStatusFrom(n)));
        F(1, "errorType", n => W16(b, 16, PairValue(n)));
        F(2, "busID", n => W16(b, 18, (U(n?["busNumber"]) & 0xFF) | ((U(n?["segmentNumber"]) & 0xFF) << 8)));
        F(3, "busAddress", n => W64(b, 24, U(n)));
        F(4, "busData", n => W64(b, 32, U(n)));
        F(5, "busCommandType", n => W64(b, 40, Str(n) == "PCI" ? 0 : 1UL << 56));
        F(6, "busRequestorID", n => W64(b, 48, U(n)));
        F(7, "busCompleterID", n => W64(b, 56, U(n)));
        F(8, "targetID", n => W64(b, 64, U(n)));
        W64(b, 0, v);
        return b;
    }
}

/// <summary>PCI/PCI-X component error section (UEFI 2.10 N.2.9; libcper <c>cper-section-pci-dev.c</c>): 40 bytes and register pairs.</summary>
internal sealed class LcPciComponent : LibCperSection
{
    public override Guid SectionType => CperGuids.PciComponent;
    public override string ReadableName => "PCI Component/Device";
    public override string ShortName => "PciComponent";
    private const int Size = 40;

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = "A PCI/PCI-X Device Error occurred";
        if (b.Length < Size) return null;
        ulong pairs = (ulong)U32(b, 32) + U32(b, 36);
        if ((ulong)b.Length < Size + pairs * 16) return null;
        ulong v = U64(b, 0);
        var o = new JsonObject();
        if (Bit(v, 0)) o["errorStatus"] = ErrorStatus(U64(b, 8));
        if (Bit(v, 1))
        {
            o["idInfo"] = new JsonObject
            {
                ["vendorID"] = (ulong)U16(b, 16), ["deviceID"] = (ulong)U16(b, 18),
                ["classCode"] = (ulong)(b[20] | b[21] << 8 | b[22] << 16),
                ["functionNumber"] = (ulong)b[23], ["deviceNumber"] = (ulong)b[24], ["busNumber"] = (ulong)b[25], ["segmentNumber"] = (ulong)b[26],
            };
        }
        if (Bit(v, 2)) o["memoryNumber"] = (ulong)U32(b, 32);
        if (Bit(v, 3)) o["ioNumber"] = (ulong)U32(b, 36);
        if (Bit(v, 4))
        {
            var arr = new JsonArray();
            for (int i = 0; i < (int)pairs; i++)
                arr.Add(new JsonObject { ["firstHalf"] = U64(b, Size + i * 16), ["secondHalf"] = U64(b, Size + i * 16 + 8) });
            o["registerDataPairs"] = arr;
        }
        return o;
    }

    public override byte[] FromIr(JsonObject o)
    {
        var pairs = o["registerDataPairs"] as JsonArray;
        var b = new byte[Size + (pairs?.Count ?? 0) * 16];
        ulong v = 0;
        void F(int bit, string name, Action<JsonNode?> write) { if (o.ContainsKey(name)) { write(o[name]); v |= 1UL << bit; } }
        F(0, "errorStatus", n => W64(b, 8, ErrorStatusFrom(n)));
        F(1, "idInfo", n =>
        {
            W16(b, 16, U(n?["vendorID"])); W16(b, 18, U(n?["deviceID"]));
            ulong cc = U(n?["classCode"]); b[20] = (byte)cc; b[21] = (byte)(cc >> 8); b[22] = (byte)(cc >> 16);
            W8(b, 23, U(n?["functionNumber"])); W8(b, 24, U(n?["deviceNumber"])); W8(b, 25, U(n?["busNumber"])); W8(b, 26, U(n?["segmentNumber"]));
        });
        F(2, "memoryNumber", n => W32(b, 32, U(n)));
        F(3, "ioNumber", n => W32(b, 36, U(n)));
        // libcper leaves out counts whose validation bit is clear but still lists every pair: give the rest to the I/O count.
        if (pairs is not null && !o.ContainsKey("ioNumber") && (ulong)pairs.Count > U(o["memoryNumber"])) W32(b, 36, (ulong)pairs.Count - U(o["memoryNumber"]));
        else if (pairs is not null && !o.ContainsKey("memoryNumber") && (ulong)pairs.Count > U(o["ioNumber"])) W32(b, 32, (ulong)pairs.Count - U(o["ioNumber"]));
        if (pairs is not null)
        {
            v |= 1UL << 4;
            for (int i = 0; i < pairs.Count; i++)
            {
                W64(b, Size + i * 16, U(pairs[i]?["firstHalf"]));
                W64(b, Size + i * 16 + 8, U(pairs[i]?["secondHalf"]));
            }
        }
        W64(b, 0, v);
        return b;
    }
}

/// <summary>Firmware error record reference (UEFI 2.10 N.2.10; libcper <c>cper-section-firmware.c</c>), 32 bytes.</summary>
internal sealed class LcFirmware : LibCperSection
{
    public override Guid SectionType => CperGuids.FirmwareErrorRecordReference;
    public override string ReadableName => "Firmware Error Record Reference";
    public override string ShortName => "Firmware";
    private static readonly string[] Types = ["IPF SAL Error Record", "SOC Firmware Error Record (Type1 Legacy)", "SOC Firmware Error Record (Type2)"];

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = "A Firmware Error occurred";
        if (b.Length < 32) return null;
        return new JsonObject
        {
            ["errorRecordType"] = Pair(b[0], Types),
            ["revision"] = (int)b[1],
            ["recordID"] = U64(b, 8),
            ["recordIDGUID"] = GuidText(b, 16),
        };
    }

    public override byte[] FromIr(JsonObject o)
    {
        var b = new byte[32];
        W8(b, 0, PairValue(o["errorRecordType"]));
        W8(b, 1, U(o["revision"]));
        W64(b, 8, U(o["recordID"]));
        WGuid(b, 16, GuidFrom(o["recordIDGUID"]));
        return b;
    }
}

/// <summary>DMAr generic error section (UEFI 2.10 N.2.11.1; libcper <c>cper-section-dmar-generic.c</c>), 32 bytes.</summary>
internal sealed class LcDmarGeneric : LibCperSection
{
    public override Guid SectionType => CperGuids.DmarGeneric;
    public override string ReadableName => "DMAr Generic";
    public override string ShortName => "GenericDmar";

    private static readonly (string Name, string Description)[] Reasons =
    [
        ("DMT Entry Missing", "Domain mapping table entry is not present."),
        ("DMT Entry Invalid", "Invalid domain mapping table entry."),
        ("DMT Access Error", "DMAr unit's attempt to access the domain mapping table resulted in an error."),
        ("DMT Reserved Bit Invalid", "Reserved bit set to non-zero value in the domain mapping table."),
        ("DMA Address Out of Bounds", "DMA request to access an address beyond the device address width."),
        ("Invalid Read/Write", "Invalid read or write access."),
        ("Invalid Device Request", "Invalid device request."),
        ("ATT Access Error", "DMAr unit's attempt to access the address translation table resulted in an error."),
        ("ATT Reserved Bit Invalid", "Reserved bit set to non-zero value in the address translation table."),
        ("Illegal Command", "Illegal command error."),
        ("Command Buffer Access Error", "DMAr unit's attempt to access the command buffer resulted in an error."),
    ];

    // libcper: access type 0 = write, 1 = read; architecture 0 = VT-d, 1 = IOMMU. UEFI N.2.11.1: access 0 read, 1 write;
    // architecture 1 VT-d, 2 IOMMU (see docs/libcper-compat.md). Compatibility mode prints libcper's names.
    private static readonly string[] Access = ["DMA Write", "DMA Read"];
    private static readonly string[] Address = ["Untranslated Request", "Translation Request"];
    private static readonly string[] Arch = ["VT-d", "IOMMU"];

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = "A DMAr Generic Error occurred";
        if (b.Length < 32) return null;
        var reason = new JsonObject { ["value"] = (int)b[4] };
        if (b[4] >= 1 && b[4] <= Reasons.Length)
        {
            reason["description"] = Reasons[b[4] - 1].Description;
            reason["name"] = Reasons[b[4] - 1].Name;
        }
        else reason["name"] = "Unknown (Reserved)";
        return new JsonObject
        {
            ["requesterID"] = (int)U16(b, 0),
            ["segmentNumber"] = (int)U16(b, 2),
            ["faultReason"] = reason,
            ["accessType"] = Pair(b[5], Access),
            ["addressType"] = Pair(b[6], Address),
            ["architectureType"] = Pair(b[7], Arch),
            ["deviceAddress"] = U64(b, 8),
        };
    }

    public override byte[] FromIr(JsonObject o)
    {
        var b = new byte[32];
        W16(b, 0, U(o["requesterID"]));
        W16(b, 2, U(o["segmentNumber"]));
        W8(b, 4, PairValue(o["faultReason"]));
        W8(b, 5, PairValue(o["accessType"]));
        W8(b, 6, PairValue(o["addressType"]));
        W8(b, 7, PairValue(o["architectureType"]));
        W64(b, 8, U(o["deviceAddress"]));
        return b;
    }
}
