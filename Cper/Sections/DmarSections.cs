using ApeiKit.Declarations;

namespace ApeiKit.Cper;

/// <summary>DMAr generic error section (UEFI 2.10 N.2.11.1): 32 bytes. Bytes beyond the layout are kept.</summary>
[Layout("DMAr generic error section", Size, "UEFI 2.10 N.2.11.1", SectionGuid = "5b51fef7-c79d-4434-8f1b-aa62de3e2c64", GuidName = "DmarGeneric", DisplayName = "DMAr Generic")]
[Reserved(16, 16)]
public sealed partial class DmarGenericSection : FixedSectionBody
{
    /// <summary>Layout size.</summary>
    public const int Size = 32;

    /// <summary>Fault reasons (N.2.11.1, Fault Reason).</summary>
    public static NameTable FaultReasons { get; } = [
        new(1, "domain mapping table entry not present"), new(2, "domain mapping table entry invalid"), new(3, "error accessing the domain mapping table"),
        new(4, "reserved bit set in a domain mapping table entry"), new(5, "DMA address outside the mapped space"), new(6, "invalid read or write"),
        new(7, "invalid device request"), new(8, "error accessing the address translation table"), new(9, "reserved bit set in an address translation table entry"),
        new(10, "illegal command"), new(11, "error accessing the command buffer"),
    ];

    private static readonly NameTable s_accessTypes = [new(0, "read"), new(1, "write")];
    private static readonly NameTable s_addressTypes = [new(0, "untranslated request"), new(1, "translation request")];
    private static readonly NameTable s_architectureTypes = [new(1, "VT-d"), new(2, "IOMMU")];

    // The declaration (UEFI 2.10 N.2.11.1, DMAr Generic Error Section): one line per field; FieldDef statics, LayoutDef,
    // property bodies and DmarGenericSectionView are generated from it. Access type 0 is read and architecture type 1
    // VT-d, as UEFI and edk2 define them (libcper reads 0 as write and 0/1 as VT-d/IOMMU).

    /// <summary>Requester ID.</summary>
    [Field(0, 2, FieldKind.Hex, LibCper = "")] public partial ushort RequesterId { get; set; }
    /// <summary>Segment number.</summary>
    [Field(2, 2, FieldKind.Hex, LibCper = "")] public partial ushort SegmentNumber { get; set; }
    /// <summary>Fault reason (architecture specific).</summary>
    [Field(4, 1, FieldKind.Enum, Names = nameof(FaultReasons), LibCper = "", LibCperNames = "LibCper.LcFixed.DmarFaultReasons")] public partial byte FaultReason { get; set; }
    /// <summary>Access type: 0 read, 1 write.</summary>
    [Field(5, 1, FieldKind.Enum, Names = nameof(s_accessTypes), LibCper = "", LibCperNames = "LibCper.LcFixed.DmarAccessTypes")] public partial byte AccessType { get; set; }
    /// <summary>Address type: 0 untranslated, 1 translation request.</summary>
    [Field(6, 1, FieldKind.Enum, Names = nameof(s_addressTypes), LibCper = "", LibCperNames = "LibCper.LcFixed.DmarAddressTypes")] public partial byte AddressType { get; set; }
    /// <summary>Architecture type: 1 VT-d, 2 IOMMU.</summary>
    [Field(7, 1, FieldKind.Enum, Names = nameof(s_architectureTypes), LibCper = "", LibCperNames = "LibCper.LcFixed.DmarArchitectureTypes")] public partial byte ArchitectureType { get; set; }
    /// <summary>Device address.</summary>
    [Field(8, 8, FieldKind.Hex, LibCper = "")] public partial ulong DeviceAddress { get; set; }
}

/// <summary>Intel VT-d DMAr error section (UEFI 2.10 N.2.11.2): 144 bytes of remapping-hardware registers and table entries.</summary>
[Layout("Intel VT-d DMAr error section", Size, "UEFI 2.10 N.2.11.2", SectionGuid = "71761d37-32b2-45cd-a7d0-b0fedd93e8cf", GuidName = "DmarVtd", DisplayName = "Intel VT-d DMAr")]
[Reserved(36, 12)]
public sealed partial class DmarVtdSection : FixedSectionBody, IDmarPageTableEntries
{
    /// <summary>Layout size.</summary>
    public const int Size = 144;

    // The declaration (UEFI 2.10 N.2.11.2, Intel VT-d Specific DMAr Error Section; registers per the VT-d specification):
    // one line per field, bytes 96-143 are IDmarPageTableEntries; everything else is generated.

    /// <summary>Version.</summary>
    [Field(0, 1, FieldKind.UInt, LibCper = "")] public partial byte Version { get; set; }
    /// <summary>Revision.</summary>
    [Field(1, 1, FieldKind.UInt, LibCper = "")] public partial byte Revision { get; set; }
    /// <summary>OEM ID (6 bytes).</summary>
    [Field(2, 6, FieldKind.Bytes, Label = "OEM ID", LibCper = "")] public partial byte[] OemId { get; set; }
    /// <summary>Capability register.</summary>
    [Field(8, 8, FieldKind.Hex, Label = "Capability register", LibCper = "capabilityRegister")] public partial ulong Capability { get; set; }
    /// <summary>Extended capability register.</summary>
    [Field(16, 8, FieldKind.Hex, Label = "Extended capability register", LibCper = "extendedCapabilityRegister")] public partial ulong ExtendedCapability { get; set; }
    /// <summary>Global command register.</summary>
    [Field(24, 4, FieldKind.Hex, Label = "Global command register", LibCper = "globalCommandRegister")] public partial uint GlobalCommand { get; set; }
    /// <summary>Global status register.</summary>
    [Field(28, 4, FieldKind.Hex, Label = "Global status register", LibCper = "globalStatusRegister")] public partial uint GlobalStatus { get; set; }
    /// <summary>Fault status register.</summary>
    [Field(32, 4, FieldKind.Hex, Label = "Fault status register", LibCper = "faultStatusRegister")] public partial uint FaultStatus { get; set; }
    /// <summary>The 16-byte fault record.</summary>
    [Field(48, 16, FieldKind.Bytes)] public partial byte[] FaultRecord { get; }
    /// <summary>The 16-byte root entry.</summary>
    [Field(64, 16, FieldKind.Bytes, LibCper = ":Base64")] public partial byte[] RootEntry { get; set; }
    /// <summary>The 16-byte context entry.</summary>
    [Field(80, 16, FieldKind.Bytes, LibCper = ":Base64")] public partial byte[] ContextEntry { get; set; }
}

/// <summary>IOMMU DMAr error section (UEFI 2.10 N.2.11.3): 144 bytes of IOMMU registers and table entries.</summary>
[Layout("IOMMU DMAr error section", Size, "UEFI 2.10 N.2.11.3", SectionGuid = "036f84e1-7f37-428c-a79e-575fdfaa84ec", GuidName = "DmarIommu", DisplayName = "IOMMU DMAr")]
[Reserved(1, 7, Json = "reserved1")]
[Reserved(24, 8, Json = "reserved2")]
[Reserved(48, 16, Json = "reserved3")]
public sealed partial class DmarIommuSection : FixedSectionBody, IDmarPageTableEntries
{
    /// <summary>Layout size.</summary>
    public const int Size = 144;

    // The declaration (UEFI 2.10 N.2.11.3, IOMMU Specific DMAr Error Section): one line per field, bytes 96-143 are
    // IDmarPageTableEntries; everything else is generated.

    /// <summary>Revision.</summary>
    [Field(0, 1, FieldKind.UInt, LibCper = "")] public partial byte Revision { get; set; }
    /// <summary>Control register.</summary>
    [Field(8, 8, FieldKind.Hex, Label = "Control register", LibCper = "controlRegister")] public partial ulong Control { get; set; }
    /// <summary>Status register.</summary>
    [Field(16, 8, FieldKind.Hex, Label = "Status register", LibCper = "statusRegister")] public partial ulong Status { get; set; }
    /// <summary>The 16-byte event log entry.</summary>
    [Field(32, 16, FieldKind.Bytes, LibCper = ":Base64")] public partial byte[] EventLogEntry { get; set; }
    /// <summary>The 32-byte device table entry.</summary>
    [Field(64, 32, FieldKind.Bytes, LibCper = ":Base64")] public partial byte[] DeviceTableEntry { get; set; }
}

/// <summary>The six page table entries (levels 6 to 1) that end both the VT-d and the IOMMU DMAr sections, at offsets 96-143 (UEFI 2.10 N.2.11.2, N.2.11.3). Declared once; both sections' generated code includes them.</summary>
[LayoutFragment]
internal interface IDmarPageTableEntries
{
    /// <summary>Level 6 page table entry.</summary>
    [Field(96, 8, FieldKind.Hex, Label = "Level 6 page table entry", LibCper = "pageTableEntry_Level6")] ulong PteLevel6 { get; set; }
    /// <summary>Level 5 page table entry.</summary>
    [Field(104, 8, FieldKind.Hex, Label = "Level 5 page table entry", LibCper = "pageTableEntry_Level5")] ulong PteLevel5 { get; set; }
    /// <summary>Level 4 page table entry.</summary>
    [Field(112, 8, FieldKind.Hex, Label = "Level 4 page table entry", LibCper = "pageTableEntry_Level4")] ulong PteLevel4 { get; set; }
    /// <summary>Level 3 page table entry.</summary>
    [Field(120, 8, FieldKind.Hex, Label = "Level 3 page table entry", LibCper = "pageTableEntry_Level3")] ulong PteLevel3 { get; set; }
    /// <summary>Level 2 page table entry.</summary>
    [Field(128, 8, FieldKind.Hex, Label = "Level 2 page table entry", LibCper = "pageTableEntry_Level2")] ulong PteLevel2 { get; set; }
    /// <summary>Level 1 page table entry.</summary>
    [Field(136, 8, FieldKind.Hex, Label = "Level 1 page table entry", LibCper = "pageTableEntry_Level1")] ulong PteLevel1 { get; set; }
}
