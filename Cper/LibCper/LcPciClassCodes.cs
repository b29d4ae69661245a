// [lc-audit D] libcper's table of 179 PCI class codes and its lookup rule (sections/cper-section-pcie.c:22-296, 360-369)
using System.Collections.Frozen;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// The PCI class code names libcper prints as the PCIe device ID's <c>class</c> member (libcper 7c410e29164b,
/// <c>sections/cper-section-pcie.c:22-279</c>, <c>get_class_code_name</c> at 281-296): base class, sub-class and
/// programming interface as the PCI-SIG "PCI Code and ID Assignment Specification" assigns them, spelled as libcper
/// spells them (its output is what libcper mode must reproduce). <see cref="Any"/> matches every programming interface.
/// libcper takes the first entry in this order whose base and sub-class match and whose interface is equal or
/// <see cref="Any"/>; a class code with no entry prints no <c>class</c> member.
/// </summary>
internal static class LcPciClassCodes
{
    private const int Any = 0xFF;

    private static readonly (int Base, int Sub, int Interface, string Name)[] s_table =
    [
        (0x00, 0x00, 0x00, "All currently implemented devices except VGA-compatible devices"), (0x00, 0x01, 0x00, "VGA-compatible device"),
        (0x01, 0x00, 0x00, "SCSI controller - vendor-specific interface"),
        (0x01, 0x00, 0x11, "SCSI storage device - SCSI over PCI Express (SOP) with PQI"),
        (0x01, 0x00, 0x12, "SCSI controller - SCSI over PCI Express (SOP) with PQI"),
        (0x01, 0x00, 0x13, "SCSI storage device and SCSI controller - SOP with PQI"),
        (0x01, 0x00, 0x21, "SCSI storage device - SOP with NVM Express interface"), (0x01, 0x01, Any, "IDE controller"),
        (0x01, 0x02, 0x00, "Floppy disk controller - vendor-specific interface"),
        (0x01, 0x03, 0x00, "IPI bus controller - vendor-specific interface"), (0x01, 0x04, 0x00, "RAID controller - vendor-specific interface"),
        (0x01, 0x05, 0x20, "ATA controller with ADMA interface - single stepping"),
        (0x01, 0x05, 0x30, "ATA controller with ADMA interface - continuous operation"),
        (0x01, 0x06, 0x00, "Serial ATA controller - vendor-specific interface"), (0x01, 0x06, 0x01, "Serial ATA controller - AHCI interface"),
        (0x01, 0x06, 0x02, "Serial Storage Bus Interface"), (0x01, 0x07, 0x00, "Serial Attached SCSI (SAS) controller - vendor specific interface"),
        (0x01, 0x08, 0x00, "Non-volatile memory subsystem - vendor-specific interface"),
        (0x01, 0x08, 0x01, "Non-volatile memory subsystem - NVMHCI interface"), (0x01, 0x08, 0x02, "NVM Express (NVMe) I/O controller"),
        (0x01, 0x08, 0x03, "NVM Express (NVMe) administrative controller"),
        (0x01, 0x09, 0x00, "Universal Flash Storage (UFS) controller - vendor specific interface"),
        (0x01, 0x09, 0x01, "Universal Flash Storage (UFS) controller - UFSHCI"),
        (0x01, 0x80, 0x00, "Other mass storage controller - vendor-specific interface"), (0x02, 0x00, 0x00, "Ethernet controller"),
        (0x02, 0x00, 0x01, "Ethernet Controller with IDPF compliant Interface"), (0x02, 0x01, 0x00, "Token Ring controller"),
        (0x02, 0x02, 0x00, "FDDI controller"), (0x02, 0x03, 0x00, "ATM controller"), (0x02, 0x04, 0x00, "ISDN controller"),
        (0x02, 0x05, 0x00, "WorldFip controller"), (0x02, 0x06, Any, "PICMG 2.14 Multi Computing"), (0x02, 0x07, 0x00, "InfiniBand Controller"),
        (0x02, 0x08, 0x00, "Host fabric controller - vendor-specific"), (0x02, 0x80, 0x00, "Other network controller"),
        (0x03, 0x00, 0x00, "VGA-compatible controller"), (0x03, 0x00, 0x01, "8514-compatible controller"), (0x03, 0x01, 0x00, "XGA controller"),
        (0x03, 0x02, 0x00, "3D controller"), (0x03, 0x80, 0x00, "Other display controller"),
        (0x04, 0x00, 0x00, "Video device - vendor specific interface"), (0x04, 0x01, 0x00, "Audio device - vendor specific interface"),
        (0x04, 0x02, 0x00, "Computer telephony device - vendor specific interface"),
        (0x04, 0x03, 0x00, "High Definition Audio (HD-A) 1.0 compatible"),
        (0x04, 0x03, 0x80, "High Definition Audio (HD-A) 1.0 compatible with vendor extensions"),
        (0x04, 0x80, 0x00, "Other multimedia device - vendor specific interface"), (0x05, 0x00, 0x00, "RAM"), (0x05, 0x01, 0x00, "Flash"),
        (0x05, 0x02, 0x00, "CXL Memory Device - vendor specific interface"),
        (0x05, 0x02, 0x10, "CXL Memory Device following CXL 2.0 or later specification"), (0x05, 0x80, 0x00, "Other memory controller"),
        (0x06, 0x00, 0x00, "Host bridge"), (0x06, 0x01, 0x00, "ISA bridge"), (0x06, 0x02, 0x00, "EISA bridge"), (0x06, 0x03, 0x00, "MCA bridge"),
        (0x06, 0x04, 0x00, "PCI-to-PCI bridge"), (0x06, 0x04, 0x01, "Subtractive Decode PCI-to-PCI bridge"), (0x06, 0x05, 0x00, "PCMCIA bridge"),
        (0x06, 0x06, 0x00, "NuBus bridge"), (0x06, 0x07, 0x00, "CardBus bridge"), (0x06, 0x08, Any, "RACEway bridge"),
        (0x06, 0x09, 0x40, "Semi-transparent PCI-to-PCI bridge - primary bus towards host"),
        (0x06, 0x09, 0x80, "Semi-transparent PCI-to-PCI bridge - secondary bus towards host"), (0x06, 0x0A, 0x00, "InfiniBand-to-PCI host bridge"),
        (0x06, 0x0B, 0x00, "Advanced Switching to PCI host bridge - Custom Interface"),
        (0x06, 0x0B, 0x01, "Advanced Switching to PCI host bridge - ASI-SIG Defined Portal Interface"), (0x06, 0x80, 0x00, "Other bridge device"),
        (0x07, 0x00, 0x00, "Generic XT-compatible serial controller"), (0x07, 0x00, 0x01, "16450-compatible serial controller"),
        (0x07, 0x00, 0x02, "16550-compatible serial controller"), (0x07, 0x00, 0x03, "16650-compatible serial controller"),
        (0x07, 0x00, 0x04, "16750-compatible serial controller"), (0x07, 0x00, 0x05, "16850-compatible serial controller"),
        (0x07, 0x00, 0x06, "16950-compatible serial controller"), (0x07, 0x01, 0x00, "Parallel port"),
        (0x07, 0x01, 0x01, "Bi-directional parallel port"), (0x07, 0x01, 0x02, "ECP 1.X compliant parallel port"),
        (0x07, 0x01, 0x03, "IEEE1284 controller"), (0x07, 0x01, 0xFE, "IEEE1284 target device"), (0x07, 0x02, 0x00, "Multiport serial controller"),
        (0x07, 0x03, 0x00, "Generic modem"), (0x07, 0x03, 0x01, "Hayes compatible modem - 16450-compatible interface"),
        (0x07, 0x03, 0x02, "Hayes compatible modem - 16550-compatible interface"),
        (0x07, 0x03, 0x03, "Hayes compatible modem - 16650-compatible interface"),
        (0x07, 0x03, 0x04, "Hayes compatible modem - 16750-compatible interface"), (0x07, 0x04, 0x00, "GPIB (IEEE 488.1/2) controller"),
        (0x07, 0x05, 0x00, "Smart Card"), (0x07, 0x80, 0x00, "Other communications device"), (0x08, 0x00, 0x00, "Generic 8259 PIC"),
        (0x08, 0x00, 0x01, "ISA PIC"), (0x08, 0x00, 0x02, "EISA PIC"), (0x08, 0x00, 0x10, "I/O APIC interrupt controller"),
        (0x08, 0x00, 0x20, "I/O(x) APIC interrupt controller"), (0x08, 0x01, 0x00, "Generic 8237 DMA controller"),
        (0x08, 0x01, 0x01, "ISA DMA controller"), (0x08, 0x01, 0x02, "EISA DMA controller"), (0x08, 0x02, 0x00, "Generic 8254 system timer"),
        (0x08, 0x02, 0x01, "ISA system timer"), (0x08, 0x02, 0x02, "EISA system timers"), (0x08, 0x02, 0x03, "High Performance Event Timer"),
        (0x08, 0x03, 0x00, "Generic RTC controller"), (0x08, 0x03, 0x01, "ISA RTC controller"), (0x08, 0x04, 0x00, "Generic PCI Hot-Plug controller"),
        (0x08, 0x05, 0x00, "SD Host controller"), (0x08, 0x06, 0x00, "IOMMU"), (0x08, 0x07, 0x00, "Root Complex Event Collector"),
        (0x08, 0x08, 0x00, "Time Card - vendor-specific interface"), (0x08, 0x08, 0x01, "Time Card - OCP TAP interface"),
        (0x08, 0x80, 0x00, "Other system peripheral"), (0x09, 0x00, 0x00, "Keyboard controller"), (0x09, 0x01, 0x00, "Digitizer (pen)"),
        (0x09, 0x02, 0x00, "Mouse controller"), (0x09, 0x03, 0x00, "Scanner controller"), (0x09, 0x04, 0x00, "Gameport controller (generic)"),
        (0x09, 0x04, 0x10, "Gameport controller - legacy ports"), (0x09, 0x80, 0x00, "Other input controller"),
        (0x0A, 0x00, 0x00, "Generic docking station"), (0x0A, 0x80, 0x00, "Other type of docking station"), (0x0B, 0x00, 0x00, "386"),
        (0x0B, 0x01, 0x00, "486"), (0x0B, 0x02, 0x00, "Pentium"), (0x0B, 0x10, 0x00, "Alpha"), (0x0B, 0x20, 0x00, "PowerPC"),
        (0x0B, 0x30, 0x00, "MIPS"), (0x0B, 0x40, 0x00, "Co-processor"), (0x0B, 0x80, 0x00, "Other processors"),
        (0x0C, 0x00, 0x00, "IEEE 1394 (FireWire)"), (0x0C, 0x00, 0x10, "IEEE 1394 following 1394 OpenHCI specification"),
        (0x0C, 0x01, 0x00, "ACCESS.bus"), (0x0C, 0x02, 0x00, "SSA"), (0x0C, 0x03, 0x00, "USB - Universal Host Controller Specification"),
        (0x0C, 0x03, 0x10, "USB - Open Host Controller Specification"), (0x0C, 0x03, 0x20, "USB2 host controller - Intel EHCI"),
        (0x0C, 0x03, 0x30, "USB3 host controller - Intel xHCI"), (0x0C, 0x03, 0x40, "USB4 Host Interface"),
        (0x0C, 0x03, 0x80, "USB - no specific Programming Interface"), (0x0C, 0x03, 0xFE, "USB device (not host controller)"),
        (0x0C, 0x04, 0x00, "Fibre Channel"), (0x0C, 0x05, 0x00, "SMBus (System Management Bus)"), (0x0C, 0x07, 0x00, "IPMI SMIC Interface"),
        (0x0C, 0x07, 0x01, "IPMI Keyboard Controller Style Interface"), (0x0C, 0x07, 0x02, "IPMI Block Transfer Interface"),
        (0x0C, 0x08, 0x00, "SERCOS Interface Standard"), (0x0C, 0x09, 0x00, "CANbus"), (0x0C, 0x0A, 0x00, "MIPI I3C Host Controller Interface"),
        (0x0C, 0x0B, 0x00, "CXL Fabric Management Host Interface controller"), (0x0C, 0x0C, 0x00, "Memory Mapped Buffer Interface (MMBI) endpoint"),
        (0x0C, 0x80, 0x00, "Other Serial Bus Controllers"), (0x0D, 0x00, 0x00, "iRDA compatible controller"),
        (0x0D, 0x01, 0x00, "Consumer IR controller"), (0x0D, 0x01, 0x10, "UWB Radio controller"), (0x0D, 0x10, 0x00, "RF controller"),
        (0x0D, 0x11, 0x00, "Bluetooth"), (0x0D, 0x12, 0x00, "Broadband"), (0x0D, 0x20, 0x00, "Ethernet (802.11a - 5 GHz)"),
        (0x0D, 0x21, 0x00, "Ethernet (802.11b - 2.4 GHz)"), (0x0D, 0x40, 0x00, "Cellular controller/modem"),
        (0x0D, 0x41, 0x00, "Cellular controller/modem plus Ethernet (802.11)"), (0x0D, 0x80, 0x00, "Other type of wireless controller"),
        (0x0E, 0x00, 0x00, "I2O Architecture Specification 1.0 Message FIFO at offset 040h"), (0x0E, 0x00, Any, "Message FIFO at offset 040h"),
        (0x0F, 0x01, 0x00, "TV"), (0x0F, 0x02, 0x00, "Audio"), (0x0F, 0x03, 0x00, "Voice"), (0x0F, 0x04, 0x00, "Data"),
        (0x0F, 0x80, 0x00, "Other satellite communication controller"),
        (0x10, 0x00, 0x00, "Network and computing encryption and decryption controller"),
        (0x10, 0x10, 0x00, "Entertainment encryption and decryption controller"), (0x10, 0x20, 0x00, "Trusted Platform Module (TPM)"),
        (0x10, 0x80, 0x00, "Other encryption and decryption controller"), (0x11, 0x00, 0x00, "DPIO modules"),
        (0x11, 0x01, 0x00, "Performance counters"), (0x11, 0x10, 0x00, "Communications synchronization plus time and frequency test/measurement"),
        (0x11, 0x20, 0x00, "Management card"), (0x11, 0x80, 0x00, "Other data acquisition/signal processing controllers"),
        (0x12, 0x00, 0x00, "Processing Accelerator - vendor-specific interface"),
        (0x12, 0x01, 0x00, "SNIA Smart Data Accelerator Interface (SDXI) controller"),
        (0x13, 0x00, 0x00, "Non-Essential Instrumentation Function - Vendor specific interface"),
        (0xFF, 0x00, 0x00, "Device does not fit in any defined classes"),
    ];

    // The first index of each exact (base, sub, interface) and of each (base, sub, any) entry: the lookup returns the
    // earlier of the two, as libcper's linear walk does.
    private static readonly FrozenDictionary<int, int> s_first = Build();
    private static readonly JsonEncodedText[] s_names = [.. s_table.Select(e => JsonEncodedText.Encode(e.Name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping))];

    private static FrozenDictionary<int, int> Build()
    {
        var first = new Dictionary<int, int>();
        for (int i = 0; i < s_table.Length; i++)
        {
            var (b, s, p, _) = s_table[i];
            first.TryAdd((b << 16) | (s << 8) | p, i);
            if (p == Any) first.TryAdd(0x1000000 | (b << 16) | (s << 8), i);
        }
        return first.ToFrozenDictionary();
    }

    /// <summary>libcper's name for a 24-bit class code (base class in bits 23-16, sub-class 15-8, interface 7-0), pre-encoded.</summary>
    public static bool TryGetName(ulong classCode, out JsonEncodedText name)
    {
        int key = (int)(classCode & 0xFFFFFF);
        int exact = s_first.TryGetValue(key, out int e) ? e : int.MaxValue;
        int any = s_first.TryGetValue(0x1000000 | (key & 0xFFFF00), out int a) ? a : int.MaxValue;
        int i = Math.Min(exact, any);
        name = i == int.MaxValue ? default : s_names[i];
        return i != int.MaxValue;
    }
}
