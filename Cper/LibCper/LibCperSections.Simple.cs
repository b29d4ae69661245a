using System.Text.Json.Nodes;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>Processor generic error section (UEFI 2.10 N.2.4.1; libcper <c>cper-section-generic.c</c>) over <see cref="ProcessorGenericSection"/>.</summary>
internal sealed class LcGenericProcessor : LibCperSection<ProcessorGenericSection>
{
    public override Guid SectionType => CperGuids.ProcessorGeneric;
    public override string ReadableName => "Processor Generic";
    public override string ShortName => "GenericProcessor";
    private static readonly string[] ProcTypes = ["IA32/X64", "IA64", "ARM"];
    private static readonly string[] Isas = ["IA32", "IA64", "X64", "ARM A32/T32", "ARM A64"];
    private static readonly Dictionary<ulong, string> ErrorTypes = new() { [0] = "Unknown", [1] = "Cache Error", [2] = "TLB Error", [4] = "Bus Error", [8] = "Micro-Architectural Error" };
    private static readonly string[] Operations = ["Unknown or Generic", "Data Read", "Data Write", "Instruction Execution"];
    private static readonly string[] Flags = ["restartable", "preciseIP", "overflow", "corrected"];

    protected override ProcessorGenericSection Decode(ReadOnlySpan<byte> body) => ProcessorGenericSection.Decode(body);

    protected override JsonObject? ToIr(ProcessorGenericSection m, out string? message)
    {
        message = "A Generic Processor Error occurred";
        ulong v = m.ValidationBits;
        var o = new JsonObject();
        if (Bit(v, 0)) o["processorType"] = Pair(m.ProcessorType, ProcTypes);
        if (Bit(v, 1)) o["processorISA"] = Pair(m.ProcessorIsa, Isas);
        if (Bit(v, 2)) o["errorType"] = Pair(m.ErrorType, ErrorTypes);
        if (Bit(v, 3)) o["operation"] = Pair(m.Operation, Operations);
        if (Bit(v, 4)) o["flags"] = Bits(m.Flags, Flags);
        if (Bit(v, 5)) o["level"] = (int)m.Level;
        if (Bit(v, 6)) o["cpuVersionInfo"] = m.CpuVersion;
        // libcper drops the brand string when a byte before its NUL is not printable: look at the field's bytes.
        if (Bit(v, 7) && UntrustedString(m.GetFieldBytes("cpuBrandString")) is { } brand) o["cpuBrandString"] = brand;
        if (Bit(v, 8)) o["processorID"] = m.ProcessorId;
        if (Bit(v, 9)) o["targetAddress"] = m.TargetAddress;
        if (Bit(v, 10)) o["requestorID"] = m.RequestorId;
        if (Bit(v, 11)) o["responderID"] = m.ResponderId;
        if (Bit(v, 12)) o["instructionIP"] = m.InstructionIp;
        return o;
    }

    public override ProcessorGenericSection FromIrModel(JsonObject o)
    {
        var m = new ProcessorGenericSection();
        ulong v = 0;
        void F(int bit, string name, Action<JsonNode?> write) { if (o.ContainsKey(name)) { write(o[name]); v |= 1UL << bit; } }
        F(0, "processorType", n => m.ProcessorType = (byte)PairValue(n, 8));
        F(1, "processorISA", n => m.ProcessorIsa = (byte)PairValue(n, 8));
        F(2, "errorType", n => m.ErrorType = (byte)PairValue(n, 8));
        F(3, "operation", n => m.Operation = (byte)PairValue(n, 8));
        F(4, "flags", n => m.Flags = (byte)FromBits(n, Flags));
        F(5, "level", n => m.Level = (byte)U(n, 8));
        F(6, "cpuVersionInfo", n => m.CpuVersion = U(n));
        F(7, "cpuBrandString", n => { var t = Str(n) ?? ""; m.CpuBrandString = t[..Math.Min(t.Length, 127)]; });
        F(8, "processorID", n => m.ProcessorId = U(n));
        F(9, "targetAddress", n => m.TargetAddress = U(n));
        F(10, "requestorID", n => m.RequestorId = U(n));
        F(11, "responderID", n => m.ResponderId = U(n));
        F(12, "instructionIP", n => m.InstructionIp = U(n));
        m.ValidationBits = v;
        return m;
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
        if (o.ContainsKey("value")) { value = (ushort)U(o["value"], 16); return 1UL << bankBit; }
        value = (ushort)((U(o["address"]) & 0xFF) | ((U(o["group"]) & 0xFF) << 8));
        return (1UL << groupBit) | (1UL << addressBit);
    }
}

/// <summary>Platform memory error section (UEFI 2.10 N.2.5; libcper <c>cper-section-memory.c</c>) over <see cref="MemoryErrorSection"/>.</summary>
internal sealed class LcMemory : LibCperSection<MemoryErrorSection>
{
    public override Guid SectionType => CperGuids.PlatformMemory;
    public override string ReadableName => "Platform Memory";
    public override string ShortName => "Memory";
    // libcper reads the 80-byte layout only; ApeiKit's model also takes the 73-byte UEFI 2.1/2.2 one.
    protected override int MinimumLength => MemoryErrorSection.Size;

    protected override MemoryErrorSection Decode(ReadOnlySpan<byte> body) => MemoryErrorSection.Decode(body);

    protected override JsonObject? ToIr(MemoryErrorSection m, out string? message)
    {
        ulong v = m.ValidationBits;
        var o = new JsonObject();
        if (Bit(v, 0)) o["errorStatus"] = ErrorStatus(m.ErrorStatus);
        o["bank"] = LcMemoryCommon.Bank(v, 6, m.Bank);
        string msg = "An Unknown Memory Error occurred";
        if (Bit(v, 14))
        {
            var t = Pair(m.MemoryErrorType, LcMemoryCommon.Types);
            o["memoryErrorType"] = t;
            msg = $"A {Str(t["name"])} Memory Error occurred";
        }
        if (Bit(v, 18))
        {
            var ext = new JsonObject { ["rowBit16"] = Bit(m.Extended, 0), ["rowBit17"] = Bit(m.Extended, 1) };
            if (Bit(v, 21)) ext["chipIdentification"] = m.Extended >> 5;
            o["extended"] = ext;
        }
        if (Bit(v, 16)) o["cardSmbiosHandle"] = (ulong)m.CardHandle;
        if (Bit(v, 17)) o["moduleSmbiosHandle"] = (ulong)m.ModuleHandle;
        if (Bit(v, 1))
        {
            o["physicalAddress"] = m.PhysicalAddress;
            o["physicalAddressHex"] = Hex(m.PhysicalAddress, 16);
            msg += " at address " + Hex(m.PhysicalAddress, 16);
        }
        if (Bit(v, 2)) o["physicalAddressMask"] = m.PhysicalAddressMask;
        if (Bit(v, 3))
        {
            o["node"] = (ulong)m.Node;
            msg += FormattableString.Invariant($" at node {m.Node}");
        }
        if (Bit(v, 4)) o["card"] = (ulong)m.Card;
        if (Bit(v, 5)) o["moduleRank"] = (ulong)m.Module;
        if (Bit(v, 7)) o["device"] = (ulong)m.Device;
        if (Bit(v, 8)) o["row"] = (ulong)m.Row;
        if (Bit(v, 9)) o["column"] = (ulong)m.Column;
        if (Bit(v, 10)) o["bitPosition"] = (ulong)m.BitPosition;
        if (Bit(v, 11)) o["requestorID"] = m.RequestorId;
        if (Bit(v, 12)) o["responderID"] = m.ResponderId;
        if (Bit(v, 13)) o["targetID"] = m.TargetId;
        if (Bit(v, 15)) o["rankNumber"] = (ulong)m.RankNumber;
        message = msg;
        return o;
    }

    public override MemoryErrorSection FromIrModel(JsonObject o)
    {
        var m = new MemoryErrorSection();
        ulong v = 0;
        void F(int bit, string name, Action<JsonNode?> write) { if (o.ContainsKey(name)) { write(o[name]); v |= 1UL << bit; } }
        F(0, "errorStatus", n => m.ErrorStatus = ErrorStatusFrom(n));
        v |= LcMemoryCommon.BankFrom(o["bank"], out ushort bank, 6, 19, 20);
        m.Bank = bank;
        if (o["extended"] is JsonObject ext)
        {
            ulong e = (Bool(ext["rowBit16"]) ? 1UL : 0) | (Bool(ext["rowBit17"]) ? 2UL : 0);
            if (ext.ContainsKey("chipIdentification")) { e |= U(ext["chipIdentification"]) << 5; v |= 1UL << 21; }
            m.Extended = (byte)e;
            v |= 1UL << 18;
        }
        F(14, "memoryErrorType", n => m.MemoryErrorType = (byte)PairValue(n, 8));
        F(1, "physicalAddress", n => m.PhysicalAddress = U(n));
        F(2, "physicalAddressMask", n => m.PhysicalAddressMask = U(n));
        F(3, "node", n => m.Node = (ushort)U(n, 16));
        F(4, "card", n => m.Card = (ushort)U(n, 16));
        F(5, "moduleRank", n => m.Module = (ushort)U(n, 16));
        F(7, "device", n => m.Device = (ushort)U(n, 16));
        F(8, "row", n => m.Row = (ushort)U(n, 16));
        F(9, "column", n => m.Column = (ushort)U(n, 16));
        F(10, "bitPosition", n => m.BitPosition = (ushort)U(n, 16));
        F(11, "requestorID", n => m.RequestorId = U(n));
        F(12, "responderID", n => m.ResponderId = U(n));
        F(13, "targetID", n => m.TargetId = U(n));
        F(15, "rankNumber", n => m.RankNumber = (ushort)U(n, 16));
        F(16, "cardSmbiosHandle", n => m.CardHandle = (ushort)U(n, 16));
        F(17, "moduleSmbiosHandle", n => m.ModuleHandle = (ushort)U(n, 16));
        m.ValidationBits = v;
        return m;
    }
}

/// <summary>Memory error section 2 (UEFI 2.10 N.2.6; libcper <c>cper-section-memory.c</c>) over <see cref="MemoryError2Section"/>.</summary>
internal sealed class LcMemory2 : LibCperSection<MemoryError2Section>
{
    public override Guid SectionType => CperGuids.PlatformMemory2;
    public override string ReadableName => "Platform Memory 2";
    public override string ShortName => "Memory2";

    protected override MemoryError2Section Decode(ReadOnlySpan<byte> body) => MemoryError2Section.Decode(body);

    protected override JsonObject? ToIr(MemoryError2Section m, out string? message)
    {
        ulong v = m.ValidationBits;
        var o = new JsonObject();
        if (Bit(v, 0)) o["errorStatus"] = ErrorStatus(m.ErrorStatus);
        o["bank"] = LcMemoryCommon.Bank(v, 6, m.Bank);
        string msg = "An Unknown Memory Error occurred";
        if (Bit(v, 13))
        {
            var t = Pair(m.MemoryErrorType, LcMemoryCommon.Types);
            o["memoryErrorType"] = t;
            msg = $"A {Str(t["name"])} Memory Error occurred";
        }
        if (Bit(v, 14)) o["status"] = new JsonObject { ["value"] = (int)m.Status, ["state"] = (m.Status & 1) == 0 ? "Corrected" : "Uncorrected" };
        // libcper gates the physical address on bit 0 (error status), not bit 1, and always prints the hex form.
        if (Bit(v, 0))
        {
            o["physicalAddress"] = m.PhysicalAddress;
            msg += " at address " + Hex(m.PhysicalAddress, 16);
        }
        o["physicalAddressHex"] = Hex(m.PhysicalAddress, 16);
        if (Bit(v, 2)) o["physicalAddressMask"] = m.PhysicalAddressMask;
        if (Bit(v, 3))
        {
            o["node"] = (ulong)m.Node;
            msg += FormattableString.Invariant($" on node {m.Node}");
        }
        if (Bit(v, 4)) o["card"] = (ulong)m.Card;
        if (Bit(v, 5)) o["module"] = (ulong)m.Module;
        if (Bit(v, 7)) o["device"] = (ulong)m.Device;
        if (Bit(v, 8)) o["row"] = (ulong)m.Row;
        if (Bit(v, 9)) o["column"] = (ulong)m.Column;
        if (Bit(v, 10)) o["rank"] = (ulong)m.Rank;
        if (Bit(v, 11)) o["bitPosition"] = (ulong)m.BitPosition;
        if (Bit(v, 12)) o["chipID"] = (ulong)m.ChipId;
        if (Bit(v, 15)) o["requestorID"] = m.RequestorId;
        if (Bit(v, 16)) o["responderID"] = m.ResponderId;
        if (Bit(v, 17)) o["targetID"] = m.TargetId;
        if (Bit(v, 18)) o["cardSmbiosHandle"] = (ulong)m.CardHandle;
        if (Bit(v, 19)) o["moduleSmbiosHandle"] = (ulong)m.ModuleHandle;
        message = msg;
        return o;
    }

    public override MemoryError2Section FromIrModel(JsonObject o)
    {
        var m = new MemoryError2Section();
        ulong v = 0;
        void F(int bit, string name, Action<JsonNode?> write) { if (o.ContainsKey(name)) { write(o[name]); v |= 1UL << bit; } }
        F(0, "errorStatus", n => m.ErrorStatus = ErrorStatusFrom(n));
        v |= LcMemoryCommon.BankFrom(o["bank"], out ushort bank, 6, 20, 21);
        m.Bank = bank;
        F(13, "memoryErrorType", n => m.MemoryErrorType = (byte)PairValue(n, 8));
        F(14, "status", n => m.Status = (byte)PairValue(n, 8));
        // The physical address is written whenever present (its hex twin always is); libcper ties it to bit 0.
        if (o.ContainsKey("physicalAddress")) m.PhysicalAddress = U(o["physicalAddress"]);
        else if (o.ContainsKey("physicalAddressHex")) m.PhysicalAddress = U(o["physicalAddressHex"]);
        F(2, "physicalAddressMask", n => m.PhysicalAddressMask = U(n));
        F(3, "node", n => m.Node = (ushort)U(n, 16));
        F(4, "card", n => m.Card = (ushort)U(n, 16));
        F(5, "module", n => m.Module = (ushort)U(n, 16));
        F(7, "device", n => m.Device = (uint)U(n, 32));
        F(8, "row", n => m.Row = (uint)U(n, 32));
        F(9, "column", n => m.Column = (uint)U(n, 32));
        F(10, "rank", n => m.Rank = (uint)U(n, 32));
        F(11, "bitPosition", n => m.BitPosition = (uint)U(n, 32));
        F(12, "chipID", n => m.ChipId = (byte)U(n, 8));
        F(15, "requestorID", n => m.RequestorId = U(n));
        F(16, "responderID", n => m.ResponderId = U(n));
        F(17, "targetID", n => m.TargetId = U(n));
        F(18, "cardSmbiosHandle", n => m.CardHandle = (uint)U(n, 32));
        F(19, "moduleSmbiosHandle", n => m.ModuleHandle = (uint)U(n, 32));
        m.ValidationBits = v;
        return m;
    }
}

/// <summary>PCI/PCI-X bus error section (UEFI 2.10 N.2.8; libcper <c>cper-section-pci-bus.c</c>) over <see cref="PciBusErrorSection"/>.</summary>
internal sealed class LcPciBus : LibCperSection<PciBusErrorSection>
{
    public override Guid SectionType => CperGuids.PciBus;
    public override string ReadableName => "PCI/PCI-X Bus";
    public override string ShortName => "PciBus";
    private static readonly string[] Types =
        ["Unknown/OEM Specific Error", "Data Parity Error", "System Error", "Master Abort", "Bus Timeout/No Device Present (No DEVSEL#)", "Master Data Parity Error", "Address Parity Error", "Command Parity Error"];

    protected override PciBusErrorSection Decode(ReadOnlySpan<byte> body) => PciBusErrorSection.Decode(body);

    protected override JsonObject? ToIr(PciBusErrorSection m, out string? message)
    {
        message = "A PCI/PCI-X Bus Error occurred";
        ulong v = m.ValidationBits;
        var o = new JsonObject();
        if (Bit(v, 0)) o["errorStatus"] = ErrorStatus(m.GetField("errorStatus"));
        if (Bit(v, 1)) o["errorType"] = Pair(m.ErrorType, Types);
        if (Bit(v, 2)) o["busID"] = new JsonObject { ["busNumber"] = m.BusId & 0xFF, ["segmentNumber"] = m.BusId >> 8 };
        if (Bit(v, 3)) o["busAddress"] = m.BusAddress;
        if (Bit(v, 4)) o["busData"] = m.BusData;
        if (Bit(v, 5)) o["busCommandType"] = ((m.BusCommand >> 56) & 1) == 0 ? "PCI" : "PCI-X";
        if (Bit(v, 6)) { o["busRequestorID"] = m.RequestorId; o["busRequestorIDHex"] = Hex(m.RequestorId, 16); }
        if (Bit(v, 7)) { o["busCompleterID"] = m.CompleterId; o["busCompleterIDHex"] = Hex(m.CompleterId, 16); }
        if (Bit(v, 8)) o["targetID"] = m.TargetId;
        return o;
    }

    public override PciBusErrorSection FromIrModel(JsonObject o)
    {
        var m = new PciBusErrorSection();
        ulong v = 0;
        void F(int bit, string name, Action<JsonNode?> write) { if (o.ContainsKey(name)) { write(o[name]); v |= 1UL << bit; } }
        F(0, "errorStatus", n => m.SetField("errorStatus", ErrorStatusFrom(n)));
        F(1, "errorType", n => m.ErrorType = (ushort)PairValue(n, 16));
        F(2, "busID", n => m.BusId = (ushort)((U(Lc.M(n, "busNumber")) & 0xFF) | ((U(Lc.M(n, "segmentNumber")) & 0xFF) << 8)));
        F(3, "busAddress", n => m.BusAddress = U(n));
        F(4, "busData", n => m.BusData = U(n));
        F(5, "busCommandType", n => m.BusCommand = Str(n) == "PCI" ? 0 : 1UL << 56);
        F(6, "busRequestorID", n => m.RequestorId = U(n));
        F(7, "busCompleterID", n => m.CompleterId = U(n));
        F(8, "targetID", n => m.TargetId = U(n));
        m.ValidationBits = v;
        return m;
    }
}

/// <summary>PCI/PCI-X component error section (UEFI 2.10 N.2.9; libcper <c>cper-section-pci-dev.c</c>) over <see cref="PciComponentErrorSection"/>.</summary>
internal sealed class LcPciComponent : LibCperSection<PciComponentErrorSection>
{
    public override Guid SectionType => CperGuids.PciComponent;
    public override string ReadableName => "PCI Component/Device";
    public override string ShortName => "PciComponent";

    // The model refuses Memory Number + IO Number pairs that do not fit, as libcper does.
    protected override PciComponentErrorSection Decode(ReadOnlySpan<byte> body) => PciComponentErrorSection.Decode(body);

    protected override JsonObject? ToIr(PciComponentErrorSection m, out string? message)
    {
        message = "A PCI/PCI-X Device Error occurred";
        ulong v = m.ValidationBits;
        var o = new JsonObject();
        if (Bit(v, 0)) o["errorStatus"] = ErrorStatus(m.ErrorStatus);
        if (Bit(v, 1))
        {
            var (function, device, bus, segment) = m.Location;
            o["idInfo"] = new JsonObject
            {
                ["vendorID"] = (ulong)m.VendorId, ["deviceID"] = (ulong)m.DeviceId, ["classCode"] = (ulong)m.ClassCode,
                ["functionNumber"] = (ulong)function, ["deviceNumber"] = (ulong)device, ["busNumber"] = (ulong)bus, ["segmentNumber"] = (ulong)segment,
            };
        }
        if (Bit(v, 2)) o["memoryNumber"] = (ulong)m.MemoryRegisterCount;
        if (Bit(v, 3)) o["ioNumber"] = (ulong)(m.RegisterPairs.Count - m.MemoryRegisterCount);
        if (Bit(v, 4))
        {
            var arr = new JsonArray();
            foreach (var (address, value) in m.RegisterPairs) arr.Add((JsonNode?)new JsonObject { ["firstHalf"] = address, ["secondHalf"] = value });
            o["registerDataPairs"] = arr;
        }
        return o;
    }

    public override PciComponentErrorSection FromIrModel(JsonObject o)
    {
        var m = new PciComponentErrorSection();
        ulong v = 0;
        void F(int bit, string name, Action<JsonNode?> write) { if (o.ContainsKey(name)) { write(o[name]); v |= 1UL << bit; } }
        F(0, "errorStatus", n => m.ErrorStatus = ErrorStatusFrom(n));
        F(1, "idInfo", n =>
        {
            m.VendorId = (ushort)U(Lc.M(n, "vendorID"), 16); m.DeviceId = (ushort)U(Lc.M(n, "deviceID"), 16); m.ClassCode = (uint)(U(Lc.M(n, "classCode")) & 0xFFFFFF);
            m.Location = ((byte)U(Lc.M(n, "functionNumber"), 8), (byte)U(Lc.M(n, "deviceNumber"), 8), (byte)U(Lc.M(n, "busNumber"), 8), (byte)U(Lc.M(n, "segmentNumber"), 8));
        });
        if (o["registerDataPairs"] is JsonArray pairs)
        {
            v |= 1UL << 4;
            foreach (var p in pairs) m.RegisterPairs.Add((U(Lc.M(p, "firstHalf")), U(Lc.M(p, "secondHalf"))));
        }
        // The model keeps Memory Number and gives the other pairs to IO Number. libcper leaves out counts whose
        // validation bit is clear but still lists every pair: with only IO Number shown, the rest are memory pairs.
        int count = m.RegisterPairs.Count;
        ulong memory = o.ContainsKey("memoryNumber") || !o.ContainsKey("ioNumber") ? U(o["memoryNumber"]) : (ulong)count - Math.Min((ulong)count, U(o["ioNumber"]));
        m.MemoryRegisterCount = (int)Math.Min(memory, (ulong)count);
        if (o.ContainsKey("memoryNumber")) v |= 1UL << 2;
        if (o.ContainsKey("ioNumber")) v |= 1UL << 3;
        m.ValidationBits = v;
        return m;
    }
}

/// <summary>Firmware error record reference (UEFI 2.10 N.2.10; libcper <c>cper-section-firmware.c</c>) over <see cref="FirmwareErrorRecordReferenceSection"/>.</summary>
internal sealed class LcFirmware : LibCperSection<FirmwareErrorRecordReferenceSection>
{
    public override Guid SectionType => CperGuids.FirmwareErrorRecordReference;
    public override string ReadableName => "Firmware Error Record Reference";
    public override string ShortName => "Firmware";
    private static readonly string[] Types = ["IPF SAL Error Record", "SOC Firmware Error Record (Type1 Legacy)", "SOC Firmware Error Record (Type2)"];
    // libcper always reads the 32-byte layout (the GUID whatever the revision).
    protected override int MinimumLength => FirmwareErrorRecordReferenceSection.Size;

    protected override FirmwareErrorRecordReferenceSection Decode(ReadOnlySpan<byte> body) => FirmwareErrorRecordReferenceSection.Decode(body);

    protected override JsonObject? ToIr(FirmwareErrorRecordReferenceSection m, out string? message)
    {
        message = "A Firmware Error occurred";
        // Revision 0 has no GUID in ApeiKit's model: its bytes 16-31 are the start of the payload, where libcper reads the GUID.
        Guid guid = m.Revision == 0 ? new Guid(m.Payload.AsSpan(0, 16)) : m.RecordIdentifierGuid;
        return new JsonObject
        {
            ["errorRecordType"] = Pair(m.RecordType, Types),
            ["revision"] = (int)m.Revision,
            ["recordID"] = m.RecordIdentifier,
            ["recordIDGUID"] = GuidText(guid),
        };
    }

    public override FirmwareErrorRecordReferenceSection FromIrModel(JsonObject o)
    {
        var m = new FirmwareErrorRecordReferenceSection
        {
            RecordType = (byte)PairValue(o["errorRecordType"], 8),
            Revision = (byte)U(o["revision"], 8),
            RecordIdentifier = U(o["recordID"]),
        };
        Guid guid = GuidFrom(o["recordIDGUID"]);
        if (m.Revision == 0) m.Payload = guid.ToByteArray(); // libcper writes the GUID for every revision
        else m.RecordIdentifierGuid = guid;
        return m;
    }
}

/// <summary>DMAr generic error section (UEFI 2.10 N.2.11.1; libcper <c>cper-section-dmar-generic.c</c>) over <see cref="DmarGenericSection"/>.</summary>
internal sealed class LcDmarGeneric : LibCperSection<DmarGenericSection>
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

    // libcper: access type 0 = write, 1 = read; architecture 0 = VT-d, 1 = IOMMU. UEFI N.2.11.1 (and the model's names):
    // access 0 read, 1 write; architecture 1 VT-d, 2 IOMMU (see docs/libcper-compat.md). The byte values pass through
    // unchanged; only the names printed beside them are libcper's.
    private static readonly string[] Access = ["DMA Write", "DMA Read"];
    private static readonly string[] Address = ["Untranslated Request", "Translation Request"];
    private static readonly string[] Arch = ["VT-d", "IOMMU"];

    protected override DmarGenericSection Decode(ReadOnlySpan<byte> body) => DmarGenericSection.Decode(body);

    protected override JsonObject? ToIr(DmarGenericSection m, out string? message)
    {
        message = "A DMAr Generic Error occurred";
        byte fr = m.FaultReason;
        var reason = new JsonObject { ["value"] = (int)fr };
        if (fr >= 1 && fr <= Reasons.Length)
        {
            reason["description"] = Reasons[fr - 1].Description;
            reason["name"] = Reasons[fr - 1].Name;
        }
        else reason["name"] = "Unknown (Reserved)";
        return new JsonObject
        {
            ["requesterID"] = (int)m.RequesterId,
            ["segmentNumber"] = (int)m.SegmentNumber,
            ["faultReason"] = reason,
            ["accessType"] = Pair(m.AccessType, Access),
            ["addressType"] = Pair(m.AddressType, Address),
            ["architectureType"] = Pair(m.ArchitectureType, Arch),
            ["deviceAddress"] = m.DeviceAddress,
        };
    }

    public override DmarGenericSection FromIrModel(JsonObject o) => new()
    {
        RequesterId = (ushort)U(o["requesterID"], 16),
        SegmentNumber = (ushort)U(o["segmentNumber"], 16),
        FaultReason = (byte)PairValue(o["faultReason"], 8),
        AccessType = (byte)PairValue(o["accessType"], 8),
        AddressType = (byte)PairValue(o["addressType"], 8),
        ArchitectureType = (byte)PairValue(o["architectureType"], 8),
        DeviceAddress = U(o["deviceAddress"]),
    };
}
