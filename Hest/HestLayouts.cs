namespace ApeiKit.Hest;

/// <summary>A structure embedded in an error source at a fixed offset (a Generic Address Structure or the notification structure).</summary>
/// <param name="Offset">Offset in the error source structure.</param>
/// <param name="Json">JSON name.</param>
/// <param name="Label">Human label.</param>
/// <param name="Layout">Its layout.</param>
public sealed record HestNestedPart(int Offset, string Json, string Label, StructDef Layout);

/// <summary>
/// What ApeiKit knows about one error source type: its fixed size, its layout (nested structures listed
/// apart), where its bank count and notification structure sit. Error source structures carry no length
/// field: the type fixes the size, plus 28 bytes per machine check bank for types 0, 1 and 11.
/// </summary>
/// <param name="Type">The type code.</param>
/// <param name="Name">Human name.</param>
/// <param name="Layout">Layout of the fixed part, without the nested structures.</param>
/// <param name="Nested">Nested structures in offset order.</param>
/// <param name="BankCountOffset">Offset of the one-byte Number Of Hardware Banks, or -1.</param>
/// <param name="NotificationOffset">Offset of the 28-byte notification structure, or -1.</param>
public sealed record HestSourceKind(HestSourceType Type, string Name, StructDef Layout, IReadOnlyList<HestNestedPart> Nested, int BankCountOffset, int NotificationOffset)
{
    /// <summary>Size of the fixed part in bytes.</summary>
    public int FixedSize => Layout.Size;

    /// <summary>True for the types followed by machine check bank structures (0, 1, 11).</summary>
    public bool HasBanks => BankCountOffset >= 0;
}

/// <summary>
/// The HEST layout tables (ACPI 6.5 §18.3.2): the table body, every error source structure, the
/// machine check bank and the hardware error notification structure. Offsets are from the start of each structure.
/// </summary>
public static class HestLayouts
{
    /// <summary>Size of the HEST header: the 36-byte ACPI header plus the u32 Error Source Count.</summary>
    public const int TableHeaderSize = HestTableDeclaration.Declared.Size;
    /// <summary>Offset of Error Source Count in the table.</summary>
    public const int ErrorSourceCountOffset = HestTableDeclaration.Declared.ErrorSourceCountOffset;
    /// <summary>Size of a machine check error bank structure.</summary>
    public const int BankSize = MachineCheckBankDeclaration.Declared.Size;
    /// <summary>Size of the hardware error notification structure (and the value of its Length field).</summary>
    public const int NotificationSize = HardwareErrorNotificationDeclaration.Declared.Size;
    /// <summary>Size of the generic error status block header (ACPI 6.5 §18.3.2.7.1): the least an error status block can hold.</summary>
    /// <remarks>Declared in ApeiKit.Ghes (GenericErrorStatus.BlockHeaderSize), which references this assembly, not the reverse; GeneratedHestLayoutTests holds the two equal.</remarks>
    public const int GenericErrorStatusBlockHeaderSize = 20;

    // The layouts are declared once, in Declarations/HestDeclarations.cs (ApeiKit.Generators); these hand them out. They
    // are read through properties (not copied into static fields) so no static initializer of this class runs before a
    // declaration's generated static constructor.

    /// <summary>The Error Source Count field of the table.</summary>
    public static FieldDef ErrorSourceCountField => HestTableDeclaration.ErrorSourceCountField;

    /// <summary>Hardware error notification structure (28 bytes).</summary>
    public static StructDef Notification => HardwareErrorNotificationDeclaration.LayoutDef;

    /// <summary>Machine check error bank structure (28 bytes).</summary>
    public static StructDef Bank => MachineCheckBankDeclaration.LayoutDef;

    /// <summary>The Bus field of the AER structures: bus in bits 7:0, PCI segment in bits 23:8, bits 31:24 zero.</summary>
    public static IReadOnlyList<BitFieldDef> BusBits => PcieDeviceAerDeclaration.BusField.BitFields!;

    // The nested structures as the declarations place them ([Field(offset, size, Nested = ...)], generated NestedParts).
    private static HestNestedPart[] Parts((int Offset, string Json, string Label, StructDef Layout)[] parts)
        => Array.ConvertAll(parts, p => new HestNestedPart(p.Offset, p.Json, p.Label, p.Layout));

    /// <summary>Every error source type ApeiKit knows, by type code.</summary>
    public static IReadOnlyDictionary<HestSourceType, HestSourceKind> Kinds { get; } = new Dictionary<HestSourceType, HestSourceKind>
    {
        [HestSourceType.Ia32MachineCheck] = new(HestSourceType.Ia32MachineCheck, "IA-32 Machine Check Exception", Ia32MachineCheckDeclaration.LayoutDef, [],
            Ia32MachineCheckDeclaration.NumberOfHardwareBanksField.Offset, -1),
        [HestSourceType.Ia32CorrectedMachineCheck] = new(HestSourceType.Ia32CorrectedMachineCheck, "IA-32 Corrected Machine Check",
            Ia32CorrectedMachineCheckDeclaration.LayoutDef, Parts(Ia32CorrectedMachineCheckDeclaration.NestedParts),
            Ia32CorrectedMachineCheckDeclaration.NumberOfHardwareBanksField.Offset, Ia32CorrectedMachineCheckDeclaration.NotificationField.Offset),
        [HestSourceType.Ia32Nmi] = new(HestSourceType.Ia32Nmi, "IA-32 Non-Maskable Interrupt", Ia32NmiDeclaration.LayoutDef, [], -1, -1),
        [HestSourceType.PcieRootPortAer] = new(HestSourceType.PcieRootPortAer, "PCI Express Root Port AER", PcieRootPortAerDeclaration.LayoutDef, [], -1, -1),
        [HestSourceType.PcieDeviceAer] = new(HestSourceType.PcieDeviceAer, "PCI Express Device AER", PcieDeviceAerDeclaration.LayoutDef, [], -1, -1),
        [HestSourceType.PcieBridgeAer] = new(HestSourceType.PcieBridgeAer, "PCI Express/PCI-X Bridge AER", PcieBridgeAerDeclaration.LayoutDef, [], -1, -1),
        [HestSourceType.Ghes] = new(HestSourceType.Ghes, "Generic Hardware Error Source", GhesDeclaration.LayoutDef,
            Parts(GhesDeclaration.NestedParts), -1, GhesDeclaration.NotificationField.Offset),
        [HestSourceType.GhesV2] = new(HestSourceType.GhesV2, "Generic Hardware Error Source version 2", GhesV2Declaration.LayoutDef,
            Parts(GhesV2Declaration.NestedParts), -1, GhesV2Declaration.NotificationField.Offset),
        [HestSourceType.Ia32DeferredMachineCheck] = new(HestSourceType.Ia32DeferredMachineCheck, "IA-32 Deferred Machine Check",
            Ia32DeferredMachineCheckDeclaration.LayoutDef, Parts(Ia32DeferredMachineCheckDeclaration.NestedParts),
            Ia32DeferredMachineCheckDeclaration.NumberOfHardwareBanksField.Offset, Ia32DeferredMachineCheckDeclaration.NotificationField.Offset),
    };

    /// <summary>The kind of a type code, or null for a type ApeiKit does not know (whose size therefore cannot be known).</summary>
    public static HestSourceKind? Find(ushort type) => Kinds.GetValueOrDefault((HestSourceType)type);

    /// <summary>
    /// Describes a fixed structure with nested structures to a visitor: flat fields in offset order, each nested
    /// structure as an object where its offset falls.
    /// </summary>
    public static void DescribeFixed(ReadOnlySpan<byte> source, long baseOffset, StructureVisitor visitor, StructDef layout, IReadOnlyList<HestNestedPart> nested)
    {
        int n = 0;
        foreach (var f in layout.Fields)
        {
            while (n < nested.Count && nested[n].Offset < f.Offset) DescribeNested(nested[n++], source, baseOffset, visitor);
            if (f.End > source.Length) break;
            visitor.Field(f, baseOffset + f.Offset, source.Slice(f.Offset, f.Size), true, ulong.MaxValue);
        }
        while (n < nested.Count) DescribeNested(nested[n++], source, baseOffset, visitor);
    }

    private static void DescribeNested(HestNestedPart part, ReadOnlySpan<byte> structure, long baseOffset, StructureVisitor visitor)
    {
        if (part.Offset + part.Layout.Size > structure.Length) return;
        visitor.BeginObject(part.Json, part.Label, baseOffset + part.Offset, part.Layout.Size);
        part.Layout.Describe(structure.Slice(part.Offset, part.Layout.Size), baseOffset + part.Offset, visitor);
        visitor.EndObject();
    }
}
