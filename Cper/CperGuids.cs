namespace ApeiKit.Cper;

/// <summary>What a well-known GUID identifies.</summary>
public enum CperGuidKind
{
    /// <summary>A section type (UEFI 2.10 N.2.2 Section Descriptor, Section Type).</summary>
    Section,
    /// <summary>A notification type (UEFI 2.10 N.2.1 Record Header, Notification Type).</summary>
    Notification,
    /// <summary>A record creator (Record Header, Creator ID).</summary>
    Creator,
    /// <summary>An IA32/X64 processor error-information structure type (N.2.4.2.1).</summary>
    ProcessorCheck,
}

/// <summary>One entry of the GUID registry.</summary>
/// <param name="Guid">The GUID.</param>
/// <param name="Kind">What it identifies.</param>
/// <param name="Name">Human name.</param>
/// <param name="Source">Where it is defined ("UEFI 2.10 N.2.2", "Windows cperguid.h", ...).</param>
public sealed record CperGuidInfo(Guid Guid, CperGuidKind Kind, string Name, string Source);

/// <summary>
/// The one GUID registry: every section type of UEFI 2.10 appendix N, the notification types,
/// well-known record creators and common non-standard (Windows WHEA, CXL, vendor) sections.
/// </summary>
// The sections declared with [Layout(SectionGuid = ..., GuidName = ..., DisplayName = ...)] are not written here: the
// layout generator emits their members and entries (DeclaredSections(), LayoutGenerator.Registry.cs), and All places
// each entry among these by its source (Merge). docs/DESIGN.md "Adding a fixed section".
public static partial class CperGuids
{
    /// <summary>IA32/X64 processor error section (N.2.4.2).</summary>
    public static readonly Guid ProcessorIa32X64 = new("dc3ea0b0-a144-4797-b95b-53fa242b6e1d");
    /// <summary>IA64 processor error section (N.2.4.3).</summary>
    public static readonly Guid ProcessorIa64 = new("e429faf1-3cb7-11d4-bca7-0080c73c8881");
    /// <summary>ARM processor error section (N.2.4.4).</summary>
    public static readonly Guid ProcessorArm = new("e19e3d16-bc11-11e4-9caa-c2051d5d46b0");
    /// <summary>PCI Express error section (N.2.7).</summary>
    public static readonly Guid PciExpress = new("d995e954-bbc1-430f-ad91-b44dcb3c6f35");
    /// <summary>PCI/PCI-X component error section (N.2.9).</summary>
    public static readonly Guid PciComponent = new("eb5e4685-ca66-4769-b6a2-26068b001326");
    /// <summary>Firmware error record reference (N.2.10).</summary>
    public static readonly Guid FirmwareErrorRecordReference = new("81212a96-09ed-4996-9471-8d729c8e69ed");
    /// <summary>CCIX PER log error section (N.2.12).</summary>
    public static readonly Guid CcixPer = new("91335ef6-ebfb-4478-a6a6-88b728cf75d7");
    /// <summary>CXL protocol error section (N.2.13).</summary>
    public static readonly Guid CxlProtocol = new("80b9efb4-52b5-4de3-a777-68784b771048");
    /// <summary>CXL general media event record (N.2.14, CXL 2.0 §8.2.9.1.1.1).</summary>
    public static readonly Guid CxlGeneralMedia = new("fbcd0a77-c260-417f-85a9-088b1621eba6");
    /// <summary>CXL DRAM event record.</summary>
    public static readonly Guid CxlDram = new("601dcbb3-9c06-4eab-b8af-4e9bfb5c9624");
    /// <summary>CXL memory module event record.</summary>
    public static readonly Guid CxlMemoryModule = new("fe927475-dd59-4339-a586-79bab113b774");
    /// <summary>CXL physical switch event record.</summary>
    public static readonly Guid CxlPhysicalSwitch = new("77cf9271-9c02-470b-9fe4-bc7b75f2da97");
    /// <summary>CXL virtual switch event record.</summary>
    public static readonly Guid CxlVirtualSwitch = new("40d26425-3396-4c4d-a5da-3d47263af425");
    /// <summary>CXL MLD port event record.</summary>
    public static readonly Guid CxlMldPort = new("8dc44363-0c96-4710-b7bf-04bb99534c3f");

    /// <summary>IA32/X64 cache check error-information type (N.2.4.2.1).</summary>
    public static readonly Guid CheckCache = new("a55701f5-e3ef-43de-ac72-249b573fad2c");
    /// <summary>IA32/X64 TLB check error-information type (N.2.4.2.1).</summary>
    public static readonly Guid CheckTlb = new("fc06b535-5e1f-4562-9f25-0a3b9adb63c3");
    /// <summary>IA32/X64 bus check error-information type (N.2.4.2.1).</summary>
    public static readonly Guid CheckBus = new("1cf3f8b3-c5b1-49a2-aa59-5eef92ffa63c");
    /// <summary>IA32/X64 micro-architecture specific check error-information type (N.2.4.2.1).</summary>
    public static readonly Guid CheckMicroArchitecture = new("48ab7f57-dc34-4f6c-a7d3-b0b5b0a74314");

    /// <summary>Windows XPF MCA section (WHEA_XPF_MCA_SECTION; Windows cperguid.h XPF_MCA_SECTION_GUID).</summary>
    public static readonly Guid WindowsXpfMca = new("8a1e1d01-42f9-4557-9c33-565e5cc3f7e8");

    /// <summary>Corrected machine check notification.</summary>
    public static readonly Guid NotifyCmc = new("2dce8bb1-bdd7-450e-b9ad-9cf4ebd4f890");
    /// <summary>Corrected platform error notification.</summary>
    public static readonly Guid NotifyCpe = new("4e292f96-d843-4a55-a8c2-d481f27ebeee");
    /// <summary>Machine check exception notification.</summary>
    public static readonly Guid NotifyMce = new("e8f56ffe-919c-4cc5-ba88-65abe14913bb");
    /// <summary>PCI Express error notification.</summary>
    public static readonly Guid NotifyPcie = new("cf93c01f-1a16-4dfc-b8bc-9c4daf67c104");
    /// <summary>INIT record notification.</summary>
    public static readonly Guid NotifyInit = new("cc5263e8-9308-454a-89d0-340bd39bc98e");
    /// <summary>NMI notification.</summary>
    public static readonly Guid NotifyNmi = new("5bad89ff-b7e6-42c9-814a-cf2485d6e98a");
    /// <summary>Boot error record notification.</summary>
    public static readonly Guid NotifyBoot = new("3d61a466-ab40-409a-a698-f362d464b38f");
    /// <summary>DMA remapping error notification.</summary>
    public static readonly Guid NotifyDmar = new("667dd791-c6b3-4c27-8a6b-0f8e722deb41");
    /// <summary>ARMv8 synchronous external abort notification.</summary>
    public static readonly Guid NotifySea = new("9a78788a-bbe8-11e4-809e-67611e5d46b0");
    /// <summary>ARMv8 SError interrupt notification.</summary>
    public static readonly Guid NotifySei = new("5c284c81-b0ae-4e87-a322-b04c85624323");
    /// <summary>Platform error interrupt notification.</summary>
    public static readonly Guid NotifyPei = new("09a9d5ac-5204-4214-96e5-94992e752bcd");
    /// <summary>CXL component event notification.</summary>
    public static readonly Guid NotifyCxlComponent = new("69293bc9-41df-49a3-b4bd-4fb0db3041f6");

    /// <summary>Windows WHEA record creator ("WHEA Record Creator"): writes binary timestamps.</summary>
    public static readonly Guid CreatorWhea = new("cf07c4bd-b789-4e18-b3c4-1f732cb57131");

    /// <summary>Linux pstore's record creator (CPER_CREATOR_PSTORE, drivers/acpi/apei/erst.c): the records Linux writes to ERST.</summary>
    public static readonly Guid CreatorPstore = new("75a574e3-5052-4b29-8a8e-be2c6490b89d");
    /// <summary>Linux pstore section: compressed (raw deflate) kernel log (CPER_SECTION_TYPE_DMESG_Z).</summary>
    public static readonly Guid PstoreDmesgZ = new("4f118707-04dd-4055-b5dd-956d34ddfac6");
    /// <summary>Linux pstore section: plain-text kernel log (CPER_SECTION_TYPE_DMESG).</summary>
    public static readonly Guid PstoreDmesg = new("c197e04e-d545-4a70-9c17-a5549419063d");
    /// <summary>Linux pstore section: the kernel's struct mce (CPER_SECTION_TYPE_MCE).</summary>
    public static readonly Guid PstoreMce = new("fe08ffbe-95e4-4be7-bc73-4096044a38fc");

    private static readonly CperGuidInfo[] s_entries = Merge(
    [
        new(ProcessorIa32X64, CperGuidKind.Section, "IA32/X64 Processor", "UEFI 2.10 N.2.4.2"),
        new(ProcessorIa64, CperGuidKind.Section, "IA64 (Itanium) Processor", "UEFI 2.10 N.2.4.3"),
        new(ProcessorArm, CperGuidKind.Section, "ARM Processor", "UEFI 2.10 N.2.4.4"),
        new(PciExpress, CperGuidKind.Section, "PCI Express", "UEFI 2.10 N.2.7"),
        new(PciComponent, CperGuidKind.Section, "PCI/PCI-X Component", "UEFI 2.10 N.2.9"),
        new(FirmwareErrorRecordReference, CperGuidKind.Section, "Firmware Error Record Reference", "UEFI 2.10 N.2.10"),
        new(CcixPer, CperGuidKind.Section, "CCIX PER Log", "UEFI 2.10 N.2.12"),
        new(CxlProtocol, CperGuidKind.Section, "CXL Protocol Error", "UEFI 2.10 N.2.13"),
        new(CxlGeneralMedia, CperGuidKind.Section, "CXL General Media Event", "UEFI 2.10 N.2.14 / CXL 2.0 8.2.9.1.1.1"),
        new(CxlDram, CperGuidKind.Section, "CXL DRAM Event", "UEFI 2.10 N.2.14 / CXL 2.0 8.2.9.1.1.2"),
        new(CxlMemoryModule, CperGuidKind.Section, "CXL Memory Module Event", "UEFI 2.10 N.2.14 / CXL 2.0 8.2.9.1.1.3"),
        new(CxlPhysicalSwitch, CperGuidKind.Section, "CXL Physical Switch Event", "UEFI 2.10 N.2.14"),
        new(CxlVirtualSwitch, CperGuidKind.Section, "CXL Virtual Switch Event", "UEFI 2.10 N.2.14"),
        new(CxlMldPort, CperGuidKind.Section, "CXL MLD Port Event", "UEFI 2.10 N.2.14"),
        // Non-standard sections (UEFI N.2.3 allows them).
        new(WindowsXpfMca, CperGuidKind.Section, "XPF MCA (Windows WHEA machine-check banks)", "Windows cperguid.h"),
        new(new("e71254e7-c1b9-4940-ab76-909703a4320f"), CperGuidKind.Section, "NMI (Windows WHEA)", "Windows cperguid.h"),
        new(new("e71254e8-c1b9-4940-ab76-909703a4320f"), CperGuidKind.Section, "Generic (Windows WHEA)", "Windows cperguid.h"),
        new(new("e71254e9-c1b9-4940-ab76-909703a4320f"), CperGuidKind.Section, "WHEA Error Packet (Windows)", "Windows cperguid.h"),
        new(new("1c15b445-9b06-4667-ac25-33c056b88803"), CperGuidKind.Section, "IPMI MSR Dump (Windows WHEA)", "Windows cperguid.h"),
        new(new("6f3380d1-6eb0-497f-a578-4d4c65a71617"), CperGuidKind.Section, "IPF SAL Record (Windows WHEA)", "Windows cperguid.h"),
        new(new("e96eca99-53e2-4f52-9be7-d2dbe9508ed0"), CperGuidKind.Section, "PCIe Correctable Error Summary (Windows WHEA)", "Windows cperguid.h"),
        new(new("0e36c93e-ca15-4a83-ba8a-cbe80f7f0017"), CperGuidKind.Section, "Memory Correctable Error Summary (Windows WHEA)", "Windows cperguid.h"),
        new(new("f5fe48a6-84ce-4c1e-aa64-20c9a53099f1"), CperGuidKind.Section, "SEA (Windows WHEA)", "Windows cperguid.h"),
        new(new("f2a4a152-9c6d-4020-aecf-7695b389251b"), CperGuidKind.Section, "SEI (Windows WHEA)", "Windows cperguid.h"),
        new(new("dd060800-f6e1-4204-ac27-c4bca9568402"), CperGuidKind.Section, "PCI Recovery (Windows WHEA)", "Windows cperguid.h"),
        new(new("e3ebf4a2-df50-4708-b2d7-0b29ec2f7aa9"), CperGuidKind.Section, "ARM RAS Node (Windows WHEA)", "Windows cperguid.h"),
        new(new("81687003-dbfd-4728-9ffd-f0904f97597d"), CperGuidKind.Section, "Persistent Memory Error (Windows WHEA)", "Windows cperguid.h"),
        new(new("85183a8b-9c41-429c-939c-5c3c087ca280"), CperGuidKind.Section, "Project Mu Telemetry", "Windows cperguid.h"),
        new(new("990b31e9-541a-4db0-a42f-837d344f6923"), CperGuidKind.Section, "Device Error Summary (Windows WHEA)", "Windows cperguid.h"),
        new(Guid.Empty, CperGuidKind.Section, "Empty GUID (Windows device driver section)", "Windows cperguid.h"),
        new(new("6d5244f2-2712-11ec-bea7-cb3fdb95c786"), CperGuidKind.Section, "NVIDIA", "libcper (OpenBMC)"),
        new(new("9068e568-6ca0-11f0-aeaf-159343591eac"), CperGuidKind.Section, "NVIDIA Event", "libcper (OpenBMC)"),
        new(new("bf32d4d5-b427-4025-8495-8a9e5d4030e4"), CperGuidKind.Section, "ARM RAS", "libcper (OpenBMC)"),

        new(NotifyCmc, CperGuidKind.Notification, "Corrected Machine Check (CMC)", "UEFI 2.10 N.2.1"),
        new(NotifyCpe, CperGuidKind.Notification, "Corrected Platform Error (CPE)", "UEFI 2.10 N.2.1"),
        new(NotifyMce, CperGuidKind.Notification, "Machine Check Exception (MCE)", "UEFI 2.10 N.2.1"),
        new(NotifyPcie, CperGuidKind.Notification, "PCI Express", "UEFI 2.10 N.2.1"),
        new(NotifyInit, CperGuidKind.Notification, "INIT record", "UEFI 2.10 N.2.1"),
        new(NotifyNmi, CperGuidKind.Notification, "Non-Maskable Interrupt (NMI)", "UEFI 2.10 N.2.1"),
        new(NotifyBoot, CperGuidKind.Notification, "Boot error record", "UEFI 2.10 N.2.1"),
        new(NotifyDmar, CperGuidKind.Notification, "DMA Remapping (DMAr)", "UEFI 2.10 N.2.1"),
        new(NotifySea, CperGuidKind.Notification, "ARMv8 Synchronous External Abort (SEA)", "UEFI 2.10 N.2.1"),
        new(NotifySei, CperGuidKind.Notification, "ARMv8 SError Interrupt (SEI)", "UEFI 2.10 N.2.1"),
        new(NotifyPei, CperGuidKind.Notification, "Platform Error Interrupt (PEI)", "UEFI 2.10 N.2.1"),
        new(NotifyCxlComponent, CperGuidKind.Notification, "CXL Component Event", "UEFI 2.10 N.2.1"),
        new(new("487565ba-6494-4367-95ca-4eff893522f6"), CperGuidKind.Notification, "BMC (Windows)", "Windows cperguid.h"),
        new(new("e9d59197-94ee-4a4f-8ad8-9b7d8bd93d2e"), CperGuidKind.Notification, "SCI (Windows)", "Windows cperguid.h"),
        new(new("fe84086e-b557-43cf-ac1b-17982e078470"), CperGuidKind.Notification, "External Interrupt (Windows)", "Windows cperguid.h"),
        new(new("0033f803-2e70-4e88-992c-6f26daf3db7a"), CperGuidKind.Notification, "Device Driver (Windows)", "Windows cperguid.h"),
        new(new("919448b2-3739-4b7f-a8f1-e0062805c2a3"), CperGuidKind.Notification, "CMCI (Windows)", "Windows cperguid.h"),
        new(new("3e62a467-ab40-409a-a698-f362d464b38f"), CperGuidKind.Notification, "Generic (Windows)", "Windows cperguid.h"),

        new(CreatorWhea, CperGuidKind.Creator, "WHEA Record Creator (Windows)", "Windows cperguid.h"),
        new(CreatorPstore, CperGuidKind.Creator, "Linux pstore (CPER_CREATOR_PSTORE)", "Linux drivers/acpi/apei/erst.c"),
        new(PstoreDmesgZ, CperGuidKind.Section, "Linux pstore dmesg, deflate-compressed (DMESG_Z)", "Linux drivers/acpi/apei/erst.c"),
        new(PstoreDmesg, CperGuidKind.Section, "Linux pstore dmesg (DMESG)", "Linux drivers/acpi/apei/erst.c"),
        new(PstoreMce, CperGuidKind.Section, "Linux pstore MCE (struct mce)", "Linux drivers/acpi/apei/erst.c"),
        new(new("57217c8d-5e66-44fb-8033-9b74cacedf5b"), CperGuidKind.Creator, "Default Device Driver Creator (Windows)", "Windows cperguid.h"),

        new(CheckCache, CperGuidKind.ProcessorCheck, "Cache check", "UEFI 2.10 N.2.4.2.1"),
        new(CheckTlb, CperGuidKind.ProcessorCheck, "TLB check", "UEFI 2.10 N.2.4.2.1"),
        new(CheckBus, CperGuidKind.ProcessorCheck, "Bus check", "UEFI 2.10 N.2.4.2.1"),
        new(CheckMicroArchitecture, CperGuidKind.ProcessorCheck, "Micro-architecture specific check", "UEFI 2.10 N.2.4.2.1"),
    ], DeclaredSections());

    // The written entries in their order, each declared section's entry joining the section entries of its source: a
    // UEFI section in clause order (appendix N's order, N.2.4.1 ... N.2.14), any other after the last one citing its source.
    private static CperGuidInfo[] Merge(CperGuidInfo[] written, CperGuidInfo[] declared)
    {
        var all = new List<CperGuidInfo>(written);
        foreach (var d in declared)
        {
            var clause = Clause(d.Source);
            int at = clause is null ? -1 : all.FindIndex(e => e.Kind == d.Kind && Clause(e.Source) is { } other && Compare(other, clause) > 0);
            if (at < 0)
            {
                int last = all.FindLastIndex(e => e.Kind == d.Kind && (clause is null ? e.Source == d.Source : Clause(e.Source) is not null));
                at = last < 0 ? all.Count : last + 1;
            }
            all.Insert(at, d);
        }
        return [.. all];
    }

    // "UEFI 2.10 N.2.11.1" -> [2, 11, 1]; null for a source that is not a clause of UEFI appendix N.
    private static int[]? Clause(string source)
    {
        const string Prefix = "UEFI 2.10 N.";
        if (!source.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        int end = Prefix.Length;
        while (end < source.Length && (char.IsAsciiDigit(source[end]) || source[end] == '.')) end++;
        return [.. source[Prefix.Length..end].Split('.', StringSplitOptions.RemoveEmptyEntries).Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture))];
    }

    private static int Compare(int[] a, int[] b)
    {
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            if (a[i] != b[i]) return a[i].CompareTo(b[i]);
        return a.Length.CompareTo(b.Length);
    }

    // One table per kind, indexed by the kind, keyed by the GUID's 16 bytes as a record holds them (LcGuidTable: one probe,
    // no Guid made, no (Guid, kind) tuple to hash; the profile of decode -f ndjson showed a tuple-keyed dictionary's lookups
    // at 2-3%, benchmarks/README.md). Each entry holds its name encoded once (JsonName): the record describer's one lookup
    // per header GUID yields the JSON bytes of creatorName and notificationName, and CperSectionLookup takes the section
    // names of the types no codec reads from here (one table of names per GUID kind, issue #15).
    private static readonly LcGuidTable<Entry>[] s_byKind = BuildByKind();

    /// <summary>A registry entry with its name encoded once.</summary>
    internal sealed class Entry(CperGuidInfo info)
    {
        public readonly CperGuidInfo Info = info;
        public readonly JsonName Name = new(info.Name);
    }

    private static LcGuidTable<Entry>[] BuildByKind()
    {
        int kinds = s_entries.Max(e => (int)e.Kind) + 1;
        var byKind = new LcGuidTable<Entry>[kinds];
        for (int k = 0; k < kinds; k++)
            byKind[k] = new(s_entries.Where(e => (int)e.Kind == k).ToDictionary(e => e.Guid, e => new Entry(e))); // ToDictionary: a duplicate throws, as before
        return byKind;
    }

    /// <summary>All registry entries.</summary>
    public static IReadOnlyList<CperGuidInfo> All => s_entries;

    /// <summary>Looks a GUID up as a given kind.</summary>
    public static CperGuidInfo? Find(Guid guid, CperGuidKind kind)
    {
        Span<byte> raw = stackalloc byte[16];
        guid.TryWriteBytes(raw); // the byte order a record holds (EFI_GUID), as the table is keyed
        return Find(raw, kind)?.Info;
    }

    /// <summary>The entry of the GUID of a given kind whose 16 bytes (as a record holds them) are <paramref name="guid"/>, or null.</summary>
    internal static Entry? Find(ReadOnlySpan<byte> guid, CperGuidKind kind)
        => (uint)kind < (uint)s_byKind.Length ? s_byKind[(int)kind].Find(guid) : null;

    /// <summary>The name of a GUID of a given kind encoded once; the default <see cref="JsonName"/> (written as null) when the registry does not know it.</summary>
    internal static JsonName EncodedName(Guid guid, CperGuidKind kind)
    {
        Span<byte> raw = stackalloc byte[16];
        guid.TryWriteBytes(raw);
        return Find(raw, kind)?.Name ?? default;
    }

    /// <summary>Section type name, or null.</summary>
    public static string? SectionName(Guid guid) => Find(guid, CperGuidKind.Section)?.Name;

    /// <summary>Notification type name, or null.</summary>
    public static string? NotificationName(Guid guid) => Find(guid, CperGuidKind.Notification)?.Name;

    /// <summary>Creator name, or null.</summary>
    public static string? CreatorName(Guid guid) => Find(guid, CperGuidKind.Creator)?.Name;

    /// <summary>Processor check-information type name, or null.</summary>
    public static string? ProcessorCheckName(Guid guid) => Find(guid, CperGuidKind.ProcessorCheck)?.Name;
}
