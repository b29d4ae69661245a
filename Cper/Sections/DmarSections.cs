namespace ApeiKit.Cper;

/// <summary>DMAr generic error section (UEFI 2.10 N.2.11.1): 32 bytes. Bytes beyond the layout are kept.</summary>
public sealed class DmarGenericSection : FixedSectionBody
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

    /// <summary>Layout (UEFI 2.10 N.2.11.1, DMAr Generic Error Section). Access type 0 is read and architecture type 1 VT-d, as
    /// UEFI and edk2 define them (libcper reads 0 as write and 0/1 as VT-d/IOMMU).</summary>
    public static StructDef LayoutDef { get; } = new("DMAr generic error section", Size,
    [
        FieldDef.Hex("requesterId", "Requester ID", 0, 2),
        FieldDef.Hex("segmentNumber", "Segment number", 2, 2),
        FieldDef.Enum("faultReason", "Fault reason", 4, 1, FaultReasons),
        FieldDef.Enum("accessType", "Access type", 5, 1, [new(0, "read"), new(1, "write")]),
        FieldDef.Enum("addressType", "Address type", 6, 1, [new(0, "untranslated request"), new(1, "translation request")]),
        FieldDef.Enum("architectureType", "Architecture type", 7, 1, [new(1, "VT-d"), new(2, "IOMMU")]),
        FieldDef.Hex("deviceAddress", "Device address", 8, 8),
        FieldDef.Reserved("reserved", 16, 16),
    ]);

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.DmarGeneric, "DMAr Generic", Describe, (b, o) => Decode(b, o));

    /// <summary>A new, zeroed section.</summary>
    public DmarGenericSection() : base(LayoutDef) { }

    private DmarGenericSection(ReadOnlySpan<byte> bytes) : base(LayoutDef, bytes) { }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.DmarGeneric;

    /// <summary>Decodes a body of at least 32 bytes.</summary>
    /// <exception cref="ApeiContentException">Fewer than 32 bytes.</exception>
    public static DmarGenericSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        FixedSections.CheckLength(body, baseOffset, LayoutDef.Name, Size);
        return new DmarGenericSection(body);
    }

    /// <summary>Describes the body, then any trailing bytes.</summary>
    /// <exception cref="ApeiContentException">Fewer than 32 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor) => FixedSections.Describe(LayoutDef, body, baseOffset, visitor);

    /// <summary>Requester ID.</summary>
    public ushort RequesterId { get => (ushort)GetField("requesterId"); set => SetField("requesterId", value); }
    /// <summary>Segment number.</summary>
    public ushort SegmentNumber { get => (ushort)GetField("segmentNumber"); set => SetField("segmentNumber", value); }
    /// <summary>Fault reason (architecture specific).</summary>
    public byte FaultReason { get => (byte)GetField("faultReason"); set => SetField("faultReason", value); }
    /// <summary>Access type: 0 read, 1 write.</summary>
    public byte AccessType { get => (byte)GetField("accessType"); set => SetField("accessType", value); }
    /// <summary>Address type: 0 untranslated, 1 translation request.</summary>
    public byte AddressType { get => (byte)GetField("addressType"); set => SetField("addressType", value); }
    /// <summary>Architecture type: 1 VT-d, 2 IOMMU.</summary>
    public byte ArchitectureType { get => (byte)GetField("architectureType"); set => SetField("architectureType", value); }
    /// <summary>Device address.</summary>
    public ulong DeviceAddress { get => GetField("deviceAddress"); set => SetField("deviceAddress", value); }
}

/// <summary>Intel VT-d DMAr error section (UEFI 2.10 N.2.11.2): 144 bytes of remapping-hardware registers and table entries.</summary>
public sealed class DmarVtdSection : FixedSectionBody
{
    /// <summary>Layout size.</summary>
    public const int Size = 144;

    /// <summary>Layout (UEFI 2.10 N.2.11.2, Intel VT-d Specific DMAr Error Section; registers per the VT-d specification).</summary>
    public static StructDef LayoutDef { get; } = new("Intel VT-d DMAr error section", Size,
    [
        FieldDef.UInt("version", "Version", 0, 1),
        FieldDef.UInt("revision", "Revision", 1, 1),
        FieldDef.Bytes("oemId", "OEM ID", 2, 6),
        FieldDef.Hex("capability", "Capability register", 8, 8),
        FieldDef.Hex("extendedCapability", "Extended capability register", 16, 8),
        FieldDef.Hex("globalCommand", "Global command register", 24, 4),
        FieldDef.Hex("globalStatus", "Global status register", 28, 4),
        FieldDef.Hex("faultStatus", "Fault status register", 32, 4),
        FieldDef.Reserved("reserved", 36, 12),
        FieldDef.Bytes("faultRecord", "Fault record", 48, 16),
        FieldDef.Bytes("rootEntry", "Root entry", 64, 16),
        FieldDef.Bytes("contextEntry", "Context entry", 80, 16),
        .. DmarPageTableEntries.Fields,
    ]);

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.DmarVtd, "Intel VT-d DMAr", Describe, (b, o) => Decode(b, o));

    /// <summary>A new, zeroed section.</summary>
    public DmarVtdSection() : base(LayoutDef) { }

    private DmarVtdSection(ReadOnlySpan<byte> bytes) : base(LayoutDef, bytes) { }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.DmarVtd;

    /// <summary>Decodes a body of at least 144 bytes.</summary>
    /// <exception cref="ApeiContentException">Fewer than 144 bytes.</exception>
    public static DmarVtdSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        FixedSections.CheckLength(body, baseOffset, LayoutDef.Name, Size);
        return new DmarVtdSection(body);
    }

    /// <summary>Describes the body, then any trailing bytes.</summary>
    /// <exception cref="ApeiContentException">Fewer than 144 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor) => FixedSections.Describe(LayoutDef, body, baseOffset, visitor);

    /// <summary>Capability register.</summary>
    public ulong Capability { get => GetField("capability"); set => SetField("capability", value); }
    /// <summary>Fault status register.</summary>
    public uint FaultStatus { get => (uint)GetField("faultStatus"); set => SetField("faultStatus", value); }
    /// <summary>The 16-byte fault record.</summary>
    public byte[] FaultRecord => GetFieldBytes("faultRecord");
}

/// <summary>IOMMU DMAr error section (UEFI 2.10 N.2.11.3): 144 bytes of IOMMU registers and table entries.</summary>
public sealed class DmarIommuSection : FixedSectionBody
{
    /// <summary>Layout size.</summary>
    public const int Size = 144;

    /// <summary>Layout (UEFI 2.10 N.2.11.3, IOMMU Specific DMAr Error Section).</summary>
    public static StructDef LayoutDef { get; } = new("IOMMU DMAr error section", Size,
    [
        FieldDef.UInt("revision", "Revision", 0, 1),
        FieldDef.Reserved("reserved1", 1, 7),
        FieldDef.Hex("control", "Control register", 8, 8),
        FieldDef.Hex("status", "Status register", 16, 8),
        FieldDef.Reserved("reserved2", 24, 8),
        FieldDef.Bytes("eventLogEntry", "Event log entry", 32, 16),
        FieldDef.Reserved("reserved3", 48, 16),
        FieldDef.Bytes("deviceTableEntry", "Device table entry", 64, 32),
        .. DmarPageTableEntries.Fields,
    ]);

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.DmarIommu, "IOMMU DMAr", Describe, (b, o) => Decode(b, o));

    /// <summary>A new, zeroed section.</summary>
    public DmarIommuSection() : base(LayoutDef) { }

    private DmarIommuSection(ReadOnlySpan<byte> bytes) : base(LayoutDef, bytes) { }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.DmarIommu;

    /// <summary>Decodes a body of at least 144 bytes.</summary>
    /// <exception cref="ApeiContentException">Fewer than 144 bytes.</exception>
    public static DmarIommuSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        FixedSections.CheckLength(body, baseOffset, LayoutDef.Name, Size);
        return new DmarIommuSection(body);
    }

    /// <summary>Describes the body, then any trailing bytes.</summary>
    /// <exception cref="ApeiContentException">Fewer than 144 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor) => FixedSections.Describe(LayoutDef, body, baseOffset, visitor);

    /// <summary>Control register.</summary>
    public ulong Control { get => GetField("control"); set => SetField("control", value); }
    /// <summary>Status register.</summary>
    public ulong Status { get => GetField("status"); set => SetField("status", value); }
}

/// <summary>The six page table entries (levels 6 to 1) that end both the VT-d and the IOMMU DMAr sections, at offsets 96-143 (UEFI 2.10 N.2.11.2, N.2.11.3).</summary>
internal static class DmarPageTableEntries
{
    /// <summary>The entries, level 6 first.</summary>
    public static FieldDef[] Fields { get; } = [.. Enumerable.Range(0, 6).Select(i => FieldDef.Hex($"pteLevel{6 - i}", $"Level {6 - i} page table entry", 96 + 8 * i, 8))];
}
