// [lc-audit D] libcper's name tables and map registrations (readable name, key, message); members from the declarations' LibCper lines
using System.Text.Json;
using System.Text.Json.Nodes;
using static ApeiKit.Cper.LibCper.Lc;
using static ApeiKit.Cper.LibCper.Lm;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// The fixed sections declared as libcper member maps (<see cref="LibCperMap"/>): one line per libcper member, in libcper's
/// order, naming the ApeiKit field it comes from and its converter; validation bits come from the fields. Name tables are
/// ApeiKit's where libcper's entries are the same, else libcper's spellings with the header they come from. What is written
/// by hand below is a documented quirk (<c>docs/libcper-compat.md</c>).
/// </summary>
internal static class LcFixed
{
    // The name tables the declarations name (LibCperNames): ApeiKit's where libcper's entries are the same, else libcper's
    // spellings with the header they come from. Declared before the maps that use them (static initialisers run in order).
    internal static readonly LcNames GenericProcessorTypes = LcNames.Of(ProcessorGenericSection.ProcessorTypes), GenericIsas = LcNames.Of(ProcessorGenericSection.ProcessorIsas);
    /// <summary>libcper's spellings: include/libcper/sections/cper-section-generic.h:17-24, 39-40.</summary>
    internal static readonly LcNames GenericErrorTypes = LcNames.Libcper([(0, "Unknown", null), (1, "Cache Error", null), (2, "TLB Error", null), (4, "Bus Error", null), (8, "Micro-Architectural Error", null)]),
        GenericOperations = LcNames.Libcper(["Unknown or Generic", "Data Read", "Data Write", "Instruction Execution"]);
    internal static readonly string[] GenericFlags = ["restartable", "preciseIP", "overflow", "corrected"];

    /// <summary>Processor generic error section (UEFI 2.10 N.2.4.1; libcper <c>sections/cper-section-generic.c</c>): libcper's order is the spec's.</summary>
    public static LibCperMap GenericProcessor { get; } = new(ProcessorGenericSection.Codec, "Processor Generic", "GenericProcessor", ProcessorGenericSection.LayoutDef, 0,
        ProcessorGenericSection.LibCperMembers()) { Message = "A Generic Processor Error occurred" };

    /// <summary>libcper's memory error type names (<c>include/libcper/sections/cper-section-memory.h:37-53</c>; ApeiKit's are lower case).</summary>
    internal static readonly LcNames MemoryTypes = LcNames.Libcper(
    [
        "Unknown", "No Error", "Single-bit ECC", "Multi-bit ECC", "Single-symbol ChipKill ECC", "Multi-symbol ChipKill ECC", "Master Abort",
        "Target Abort", "Parity Error", "Watchdog Timeout", "Invalid Address", "Mirror Broken", "Memory Sparing", "Scrub Corrected Error",
        "Scrub Uncorrected Error", "Physical Memory Map-out Event",
    ]);

    // [lc-audit D] libcper's member order for memory (differs from the layout's), moduleRank its name for Module
    /// <summary>
    /// Platform memory error section (UEFI 2.10 N.2.5; libcper <c>sections/cper-section-memory.c</c>), in libcper's order.
    /// libcper reads the 80-byte layout only and calls Module "moduleRank" here (memory 2: "module").
    /// </summary>
    public static LibCperMap Memory { get; } = new(MemoryErrorSection.Codec, "Platform Memory", "Memory", MemoryErrorSection.LayoutDef, MemoryErrorSection.Size,
        InOrder(MemoryErrorSection.LibCperMembers(), "errorStatus", Bank(MemoryErrorSection.BankField), "memoryErrorType", "extended", "cardSmbiosHandle",
            "moduleSmbiosHandle", "physicalAddress", "physicalAddressHex", "physicalAddressMask", "node", "card", "-module", Int("moduleRank", MemoryErrorSection.ModuleField),
            "device", "row", "column", "bitPosition", "requestorID", "responderID", "targetID", "rankNumber"))
    {
        MessageBuilder = MemoryMessage(MemoryErrorSection.MemoryErrorTypeField, MemoryErrorSection.PhysicalAddressField, MemoryErrorSection.PhysicalAddressField, MemoryErrorSection.NodeField, "at"),
    };

    // [lc-audit Q] memory 2: status object, physical address gated on bit 0, hex always (compat "Memory error 2")
    /// <summary>
    /// Memory error section 2 (UEFI 2.10 N.2.6; libcper <c>sections/cper-section-memory.c</c>), in libcper's order. libcper
    /// gates the physical address on bit 0 (error status), not bit 1, and always prints the hex form (quirks).
    /// </summary>
    public static LibCperMap Memory2 { get; } = new(MemoryError2Section.Codec, "Platform Memory 2", "Memory2", MemoryError2Section.LayoutDef, 0,
        InOrder(MemoryError2Section.LibCperMembers(), "errorStatus", Bank(MemoryError2Section.BankField), "memoryErrorType",
            Quirk("status", MemoryError2Section.StatusField, WriteMemory2Status, (n, body) => { MemoryError2Section.StatusField.WriteValue(body, PairValue(n, 8)); return 0; }),
            "-physicalAddress", Int("physicalAddress", MemoryError2Section.PhysicalAddressField).When(MemoryError2Section.ErrorStatusField),
            "-physicalAddressHex", Hex("physicalAddressHex", MemoryError2Section.PhysicalAddressField).Always(),
            "physicalAddressMask", "node", "card", "module", "device", "row", "column", "rank", "bitPosition", "chipID", "requestorID", "responderID", "targetID",
            "cardSmbiosHandle", "moduleSmbiosHandle"))
    {
        MessageBuilder = MemoryMessage(MemoryError2Section.MemoryErrorTypeField, MemoryError2Section.ErrorStatusField, MemoryError2Section.PhysicalAddressField, MemoryError2Section.NodeField, "on"),
    };

    // [lc-audit Q] the bank object, the memory 2 status, the memory message (compat "Memory / Memory 2" rows)
    private static readonly JsonEncodedText s_bank = JsonEncodedText.Encode("bank"), s_address = JsonEncodedText.Encode("address"),
        s_group = JsonEncodedText.Encode("group"), s_status = JsonEncodedText.Encode("status"), s_state = JsonEncodedText.Encode("state");

    /// <summary>
    /// libcper's bank object (quirk, docs/libcper-compat.md "Bank"): the whole value when the bank bit is set, else always
    /// <c>address</c> and <c>group</c> whatever their bits say; reading <c>address</c>/<c>group</c> back sets both their bits.
    /// </summary>
    private static LcMember Bank(FieldDef bank)
    {
        var address = bank.BitFields!.Single(b => b.Json == "bankAddress");
        var group = bank.BitFields!.Single(b => b.Json == "bankGroup");
        return Quirk("bank", null, (w, body, valid) =>
        {
            ulong v = bank.ReadValue(body);
            w.WriteStartObject(s_bank);
            if (StructDef.IsValid(bank, valid)) w.WriteNumber(ValueName, v);
            else
            {
                w.WriteNumber(s_address, address.Extract(v));
                w.WriteNumber(s_group, group.Extract(v));
            }
            w.WriteEndObject();
        }, (n, body) =>
        {
            if (n is not JsonObject o) return 0;
            if (o.ContainsKey("value"))
            {
                bank.WriteValue(body, U(o["value"], bank.Size * 8));
                return 1UL << bank.ValidBit;
            }
            bank.WriteValue(body, ((U(o["address"]) << address.Bit) & address.Mask) | ((U(o["group"]) << group.Bit) & group.Mask));
            return (1UL << address.ValidBit) | (1UL << group.ValidBit);
        });
    }

    /// <summary>libcper's memory 2 status: the byte and "Corrected"/"Uncorrected" from its bit 0 (<c>cper-section-memory.c:280-285</c>).</summary>
    private static readonly byte[] s_corrected = LcWriter.Encode("Corrected"), s_uncorrected = LcWriter.Encode("Uncorrected");

    private static void WriteMemory2Status(LcWriter w, ReadOnlySpan<byte> body, ulong valid)
    {
        ulong status = MemoryError2Section.StatusField.ReadValue(body);
        w.WriteStartObject(s_status);
        w.WriteNumber(ValueName, status);
        w.WriteEncoded(s_state, (status & 1) == 0 ? s_corrected : s_uncorrected);
        w.WriteEndObject();
    }

    /// <summary>
    /// libcper's memory description: the type, the address and the node ("at node" for memory, "on node" for memory 2):
    /// <c>$"A {name} Memory Error occurred"</c> (or "An Unknown ..." when the type is not valid), <c>$" at address 0x{address:X16}"</c>
    /// and <c>$" {nodeWord} node {node}"</c>. Written as UTF-8 from the type's name (encoded once per value) and
    /// <see cref="Lc.Dec"/>/<see cref="Lc.Hex"/>, without an interpolation handler or a UTF-16 text per record; the libcper
    /// names are a few dozen characters, far within the 256 bytes the map gives.
    /// </summary>
    private static LcMessage MemoryMessage(FieldDef type, FieldDef addressGate, FieldDef address, FieldDef node, string nodeWord)
    {
        byte[] nodeText = System.Text.Encoding.UTF8.GetBytes(" " + nodeWord + " node ");
        // The type is one byte (UEFI 2.10 Table N-35 Memory Error Type): its 256 sentences' starts, encoded once.
        byte[][] starts = [.. Enumerable.Range(0, 1 << (8 * type.Size)).Select(v => System.Text.Encoding.UTF8.GetBytes("A " + MemoryTypes.NameOf((ulong)v) + " Memory Error occurred"))];
        return (body, valid, text) =>
        {
            int n = Put(text, 0, StructDef.IsValid(type, valid) ? starts[(int)type.ReadValue(body)] : "An Unknown Memory Error occurred"u8);
            if (StructDef.IsValid(addressGate, valid))
            {
                n += Put(text, n, " at address 0x"u8);
                n += Hex(text, n, address.ReadValue(body), 16);
            }
            if (StructDef.IsValid(node, valid))
            {
                n += Put(text, n, nodeText);
                n += Dec(text, n, node.ReadValue(body));
            }
            return n;
        };
    }

    // [lc-audit D] libcper's name tables and map registrations
    /// <summary>libcper's PCI/PCI-X bus error type spellings: include/libcper/sections/cper-section-pci-bus.h:19-27.</summary>
    internal static readonly LcNames PciBusErrorTypes = LcNames.Libcper(
        ["Unknown/OEM Specific Error", "Data Parity Error", "System Error", "Master Abort", "Bus Timeout/No Device Present (No DEVSEL#)", "Master Data Parity Error", "Address Parity Error", "Command Parity Error"]);

    /// <summary>PCI/PCI-X bus error section (UEFI 2.10 N.2.8; libcper <c>sections/cper-section-pci-bus.c</c>): libcper's order is the spec's.</summary>
    public static LibCperMap PciBus { get; } = new(PciBusErrorSection.Codec, "PCI/PCI-X Bus", "PciBus", PciBusErrorSection.LayoutDef, 0,
        PciBusErrorSection.LibCperMembers()) { Message = "A PCI/PCI-X Bus Error occurred" };

    /// <summary>libcper's firmware error record type spellings: include/libcper/sections/cper-section-firmware.h:13-16.</summary>
    internal static readonly LcNames FirmwareRecordTypes = LcNames.Libcper(["IPF SAL Error Record", "SOC Firmware Error Record (Type1 Legacy)", "SOC Firmware Error Record (Type2)"]);

    /// <summary>
    /// Firmware error record reference (UEFI 2.10 N.2.10; libcper <c>sections/cper-section-firmware.c</c>): libcper's order
    /// is the spec's. libcper reads the 32-byte layout whatever the revision, so the GUID is printed for revision 0 too
    /// (bytes 16-31, the model's payload there).
    /// </summary>
    public static LibCperMap Firmware { get; } = new(FirmwareErrorRecordReferenceSection.Codec, "Firmware Error Record Reference", "Firmware",
        FirmwareErrorRecordReferenceSection.LayoutDef, 0, FirmwareErrorRecordReferenceSection.LibCperMembers()) { Message = "A Firmware Error occurred" };

    /// <summary>
    /// libcper's DMAr generic names (<c>include/libcper/sections/cper-section-dmar-generic.h:12-44</c>): access type 0 = write,
    /// 1 = read; architecture 0 = VT-d, 1 = IOMMU, where UEFI (and ApeiKit's tables) say access 0 read, 1 write, architecture
    /// 1 VT-d, 2 IOMMU (docs/libcper-compat.md). The byte values pass through unchanged; only the names beside them are libcper's.
    /// </summary>
    internal static readonly LcNames DmarFaultReasons = LcNames.Libcper(
    [
        (1, "DMT Entry Missing", "Domain mapping table entry is not present."),
        (2, "DMT Entry Invalid", "Invalid domain mapping table entry."),
        (3, "DMT Access Error", "DMAr unit's attempt to access the domain mapping table resulted in an error."),
        (4, "DMT Reserved Bit Invalid", "Reserved bit set to non-zero value in the domain mapping table."),
        (5, "DMA Address Out of Bounds", "DMA request to access an address beyond the device address width."),
        (6, "Invalid Read/Write", "Invalid read or write access."),
        (7, "Invalid Device Request", "Invalid device request."),
        (8, "ATT Access Error", "DMAr unit's attempt to access the address translation table resulted in an error."),
        (9, "ATT Reserved Bit Invalid", "Reserved bit set to non-zero value in the address translation table."),
        (10, "Illegal Command", "Illegal command error."),
        (11, "Command Buffer Access Error", "DMAr unit's attempt to access the command buffer resulted in an error."),
    ]), DmarAccessTypes = LcNames.Libcper(["DMA Write", "DMA Read"]), DmarAddressTypes = LcNames.Libcper(["Untranslated Request", "Translation Request"]),
        DmarArchitectureTypes = LcNames.Libcper(["VT-d", "IOMMU"]);

    /// <summary>DMAr generic error section (UEFI 2.10 N.2.11.1; libcper <c>sections/cper-section-dmar-generic.c</c>): libcper's order is the spec's.</summary>
    public static LibCperMap DmarGeneric { get; } = new(DmarGenericSection.Codec, "DMAr Generic", "GenericDmar", DmarGenericSection.LayoutDef, 0,
        DmarGenericSection.LibCperMembers()) { Message = "A DMAr Generic Error occurred" };
}
