using ApeiKit.Declarations;

namespace ApeiKit.Hest;

// The structures EINJ's actions exchange with the platform outside the table (ACPI 6.5 §18.6.4-§18.6.5), each declared
// once (ApeiKit.Generators, docs/DESIGN.md "One declaration per structure"). EinjStructures hands out the generated
// LayoutDefs and its shipped size constants are written from the generated Declared constants; its describers read the
// fields through the generated views. The EINJv2 extension is as Linux (drivers/acpi/apei/einj-core.c) and ACPICA name it
// (EinjStructures' summary).

/// <summary>SET_ERROR_TYPE_WITH_ADDRESS data structure (ACPI 6.5 §18.6.4, Table 18.31): 36 bytes.</summary>
[Layout("SET_ERROR_TYPE_WITH_ADDRESS", 36, "ACPI 6.5 §18.6.4, Table 18.31", View = "SetErrorTypeWithAddressView")]
internal sealed partial class SetErrorTypeWithAddressDeclaration : DeclaredStructure
{
    public SetErrorTypeWithAddressDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Error Type: one bit of the error type bitmap (Table 18.30).</summary>
    [Field(0, 4, FieldKind.Flags, Flags = "EinjStructures.ErrorTypes")] public partial uint ErrorType { get; set; }
    /// <summary>Vendor Error Type Extension Structure Offset, from the start of this structure (0: none).</summary>
    [Field(4, 4, FieldKind.Hex)] public partial uint VendorErrorTypeExtensionOffset { get; set; }
    /// <summary>Flags: bit 0 processor identification valid, 1 memory address and range valid, 2 PCIe SBDF valid, 3 EINJv2 extension.</summary>
    [Field(8, 4, FieldKind.Flags, Flags = "EinjStructures.SetErrorTypeFlags")] public partial uint Flags { get; set; }
    /// <summary>Processor identification (x86 APIC ID, Arm MPIDR).</summary>
    [Field(12, 4, FieldKind.Hex, Label = "Processor identification (APIC ID / MPIDR)")] public partial uint ProcessorId { get; set; }
    /// <summary>Memory Address.</summary>
    [Field(16, 8, FieldKind.Hex)] public partial ulong MemoryAddress { get; set; }
    /// <summary>Memory Address Range: the mask of the address bits that matter.</summary>
    [Field(24, 8, FieldKind.Hex, Label = "Memory address range (mask)")] public partial ulong MemoryAddressRange { get; set; }
    /// <summary>PCIe SBDF: bits 7:0 reserved, 10:8 function, 15:11 device, 23:16 bus, 31:24 segment.</summary>
    [Field(32, 4, FieldKind.Bits, Bits = "EinjStructures.SbdfBits", Label = "PCIe SBDF")] public partial uint PcieSbdf { get; set; }
}

/// <summary>EINJv2 extension header, at offset 36 of SET_ERROR_TYPE_WITH_ADDRESS when flag bit 3 is set: 8 bytes.</summary>
[Layout("EINJv2 extension", 8, "ACPI 6.6 EINJv2, as Linux einj-core.c reads it", View = "Einjv2HeaderView")]
internal sealed partial class Einjv2HeaderDeclaration : DeclaredStructure
{
    public Einjv2HeaderDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Length of the extension.</summary>
    [Field(0, 4, FieldKind.UInt, Unit = "bytes")] public partial uint Length { get; set; }
    /// <summary>Revision.</summary>
    [Field(4, 2, FieldKind.Hex)] public partial ushort Revision { get; set; }
    /// <summary>Component Array Count: the 32-byte components that follow.</summary>
    [Field(6, 2, FieldKind.UInt)] public partial ushort ComponentArrayCount { get; set; }
}

/// <summary>One EINJv2 component: the component id and its syndrome, 16 bytes each.</summary>
[Layout("EINJv2 component", 32, "ACPI 6.6 EINJv2, as Linux einj-core.c reads it", View = "Einjv2ComponentView")]
internal sealed partial class Einjv2ComponentDeclaration : DeclaredStructure
{
    public Einjv2ComponentDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Component id (ACPI processor UID, memory device, PCIe SBDF or vendor id).</summary>
    [Field(0, 16, FieldKind.Bytes, Label = "Component id")] public partial byte[] ComponentId { get; set; }
    /// <summary>Component syndrome.</summary>
    [Field(16, 16, FieldKind.Bytes)] public partial byte[] ComponentSyndrome { get; set; }
}

/// <summary>Vendor Error Type Extension Structure (ACPI 6.5 §18.6.4, Table 18.32): 16 bytes.</summary>
[Layout("Vendor error type extension", 16, "ACPI 6.5 §18.6.4, Table 18.32", View = "VendorExtensionView")]
[Reserved(13, 3)]
internal sealed partial class VendorExtensionDeclaration : DeclaredStructure
{
    public VendorExtensionDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Length of the structure.</summary>
    [Field(0, 4, FieldKind.UInt, Unit = "bytes")] public partial uint Length { get; set; }
    /// <summary>SBDF of the device the vendor error applies to.</summary>
    [Field(4, 4, FieldKind.Bits, Bits = "EinjStructures.SbdfBits", Label = "SBDF")] public partial uint Sbdf { get; set; }
    /// <summary>Vendor ID.</summary>
    [Field(8, 2, FieldKind.Hex)] public partial ushort VendorId { get; set; }
    /// <summary>Device ID.</summary>
    [Field(10, 2, FieldKind.Hex)] public partial ushort DeviceId { get; set; }
    /// <summary>Revision ID.</summary>
    [Field(12, 1, FieldKind.Hex)] public partial byte RevisionId { get; set; }
}

/// <summary>Trigger Error Action Table header (ACPI 6.5 §18.6.5, Table 18.33): 16 bytes; the injection instruction entries follow.</summary>
[Layout("Trigger error action table header", 16, "ACPI 6.5 §18.6.5, Table 18.33", View = "TriggerHeaderView")]
internal sealed partial class TriggerHeaderDeclaration : DeclaredStructure
{
    public TriggerHeaderDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Header Size: 16.</summary>
    [Field(0, 4, FieldKind.UInt, Unit = "bytes")] public partial uint HeaderSize { get; set; }
    /// <summary>Revision.</summary>
    [Field(4, 4, FieldKind.Hex)] public partial uint Revision { get; set; }
    /// <summary>Table Size: header plus entries.</summary>
    [Field(8, 4, FieldKind.UInt, Unit = "bytes")] public partial uint TableSize { get; set; }
    /// <summary>Entry Count.</summary>
    [Field(12, 4, FieldKind.UInt)] public partial uint EntryCount { get; set; }
}

/// <summary>The ERST table header after the ACPI header (ACPI 6.5 §18.5, Table 18.22): offsets from the start of the table, 48 bytes in all.</summary>
[Layout("Serialization header", 48, "ACPI 6.5 §18.5, Table 18.22", View = "ErstHeaderView")]
[Reserved(40, 4)]
internal sealed partial class ErstHeaderDeclaration : DeclaredStructure
{
    public ErstHeaderDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Serialization Header Size: 48.</summary>
    [Field(36, 4, FieldKind.UInt, Unit = "bytes")] public partial uint SerializationHeaderSize { get; set; }
    /// <summary>Instruction Entry Count.</summary>
    [Field(44, 4, FieldKind.UInt)] public partial uint InstructionEntryCount { get; set; }
}

/// <summary>The EINJ table header after the ACPI header (ACPI 6.5 §18.6.1, Table 18.27): offsets from the start of the table, 48 bytes in all.</summary>
[Layout("Injection header", 48, "ACPI 6.5 §18.6.1, Table 18.27", View = "EinjHeaderView")]
[Reserved(41, 3)]
internal sealed partial class EinjHeaderDeclaration : DeclaredStructure
{
    public EinjHeaderDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Injection Header Size: 48.</summary>
    [Field(36, 4, FieldKind.UInt, Unit = "bytes")] public partial uint InjectionHeaderSize { get; set; }
    /// <summary>Injection Flags.</summary>
    [Field(40, 1, FieldKind.Hex)] public partial byte InjectionFlags { get; set; }
    /// <summary>Injection Entry Count.</summary>
    [Field(44, 4, FieldKind.UInt)] public partial uint InjectionEntryCount { get; set; }
}

/// <summary>
/// A serialization or injection instruction entry (ACPI 6.5 §18.5.1.2 Table 18.24, §18.6.1 Table 18.29): 32 bytes, the
/// same in ERST and EINJ. Action and Instruction are declared as numbers; <c>ActionTableLayouts.Entry</c> gives each table
/// its names (the declared fields <c>with</c> the table's name lists).
/// </summary>
[Layout("Instruction entry", 32, "ACPI 6.5 §18.5.1.2, Table 18.24", View = "InstructionEntryView")]
[Reserved(3, 1)]
internal sealed partial class InstructionEntryDeclaration : DeclaredStructure
{
    public InstructionEntryDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Serialization or Injection Action.</summary>
    [Field(0, 1, FieldKind.UInt)] public partial byte Action { get; set; }
    /// <summary>Instruction.</summary>
    [Field(1, 1, FieldKind.UInt)] public partial byte Instruction { get; set; }
    /// <summary>Flags: bit 0 PRESERVE_REGISTER.</summary>
    [Field(2, 1, FieldKind.Flags, Flags = "ActionTableLayouts.EntryFlags")] public partial byte Flags { get; set; }
    /// <summary>Register Region: the Generic Address Structure the instruction reads or writes.</summary>
    [Field(4, 12, Nested = "GenericAddress")] public partial byte[] RegisterRegion { get; set; }
    /// <summary>Value.</summary>
    [Field(16, 8, FieldKind.Hex)] public partial ulong Value { get; set; }
    /// <summary>Mask.</summary>
    [Field(24, 8, FieldKind.Hex)] public partial ulong Mask { get; set; }
}
