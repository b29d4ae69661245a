using System.Globalization;

namespace ApeiKit.Hest;

/// <summary>
/// The structures EINJ's actions exchange with the platform outside the table (ACPI 6.5 §18.6.3-18.6.5): the error type
/// bitmap (GET_ERROR_TYPE / SET_ERROR_TYPE, Table 18.30), the SET_ERROR_TYPE_WITH_ADDRESS data structure (Table 18.31) with
/// its vendor error type extension (Table 18.32) and the EINJv2 extension, and the trigger error action table (Table 18.33).
/// EINJv2 (ACPI 6.6): bit 30 of the error type bitmap says EINJv2 is supported; action 0x11 EINJV2_GET_ERROR_TYPE returns the
/// EINJv2 types (bit 0 processor, 1 memory, 2 PCI Express); SET_ERROR_TYPE_WITH_ADDRESS flag bit 3 says the EINJv2 extension
/// (length u32, revision u16, component count u16, then per component a 16-byte id and a 16-byte syndrome) follows at offset
/// 36. These EINJv2 facts are as Linux implements them (drivers/acpi/apei/einj-core.c, 2025) and ACPICA names them; the
/// ACPI 6.6 text itself was not available to check (docs/erst-einj.md).
/// </summary>
public static class EinjStructures
{
    /// <summary>Size of the SET_ERROR_TYPE_WITH_ADDRESS structure without the EINJv2 extension.</summary>
    public const int SetErrorTypeWithAddressSize = SetErrorTypeWithAddressDeclaration.Declared.Size;
    /// <summary>Size of the EINJv2 extension header (length, revision, component count).</summary>
    public const int Einjv2HeaderSize = Einjv2HeaderDeclaration.Declared.Size;
    /// <summary>Size of one EINJv2 component entry (id and syndrome, 16 bytes each).</summary>
    public const int Einjv2ComponentSize = Einjv2ComponentDeclaration.Declared.Size;
    /// <summary>Size of the trigger error action table header.</summary>
    public const int TriggerHeaderSize = TriggerHeaderDeclaration.Declared.Size;
    /// <summary>Size of the vendor error type extension structure.</summary>
    public const int VendorExtensionSize = VendorExtensionDeclaration.Declared.Size;

    /// <summary>The error type bitmap (ACPI 6.5 Table 18.30; bit 30 EINJv2 from ACPI 6.6).</summary>
    public static FlagTable ErrorTypes { get; } = [
        new(0, "processorCorrectable"), new(1, "processorUncorrectableNonFatal"), new(2, "processorUncorrectableFatal"),
        new(3, "memoryCorrectable"), new(4, "memoryUncorrectableNonFatal"), new(5, "memoryUncorrectableFatal"),
        new(6, "pcieCorrectable"), new(7, "pcieUncorrectableNonFatal"), new(8, "pcieUncorrectableFatal"),
        new(9, "platformCorrectable"), new(10, "platformUncorrectableNonFatal"), new(11, "platformUncorrectableFatal"),
        new(12, "cxlCacheCorrectable"), new(13, "cxlCacheUncorrectableNonFatal"), new(14, "cxlCacheUncorrectableFatal"),
        new(15, "cxlMemCorrectable"), new(16, "cxlMemUncorrectableNonFatal"), new(17, "cxlMemUncorrectableFatal"),
        new(30, "einjv2"), new(31, "vendorDefined"),
    ];

    /// <summary>EINJv2 error types (EINJV2_GET_ERROR_TYPE; as Linux names them).</summary>
    public static FlagTable Einjv2ErrorTypes { get; } = [ new(0, "processor"), new(1, "memory"), new(2, "pcie") ];

    // Flags bit 3: the EINJv2 extension follows the 36 bytes (ACPI 6.6 EINJv2; SetErrorTypeFlags names it).
    internal const int Einjv2ExtensionValidBit = 3;

    /// <summary>SET_ERROR_TYPE_WITH_ADDRESS Flags (Table 18.31; bit 3 EINJv2).</summary>
    public static FlagTable SetErrorTypeFlags { get; } = [
        new(0, "processorIdValid"), new(1, "memoryAddressAndRangeValid"), new(2, "pcieSbdfValid"), new(Einjv2ExtensionValidBit, "einjv2ExtensionValid"),
    ];

    /// <summary>The PCIe SBDF field: bits 7:0 reserved, 10:8 function, 15:11 device, 23:16 bus, 31:24 segment.</summary>
    public static IReadOnlyList<BitFieldDef> SbdfBits { get; } =
    [
        new("reserved", "Reserved", 0, 8), new("function", "Function", 8, 3), new("device", "Device", 11, 5),
        new("bus", "Bus", 16, 8), new("segment", "Segment", 24, 8),
    ];

    // The layouts are declared once, in Declarations/EinjDeclarations.cs (ApeiKit.Generators); these hand them out
    // (through properties, so nothing here is initialised before a declaration's generated static constructor, which
    // reads the flag and bit tables above).

    /// <summary>SET_ERROR_TYPE_WITH_ADDRESS data structure (ACPI 6.5 Table 18.31).</summary>
    public static StructDef SetErrorTypeWithAddress => SetErrorTypeWithAddressDeclaration.LayoutDef;

    /// <summary>EINJv2 extension header (at offset 36 of SET_ERROR_TYPE_WITH_ADDRESS when flag bit 3 is set).</summary>
    public static StructDef Einjv2Header => Einjv2HeaderDeclaration.LayoutDef;

    /// <summary>One EINJv2 component: the component id (ACPI processor UID, memory device, PCIe SBDF or vendor id) and its syndrome.</summary>
    public static StructDef Einjv2Component => Einjv2ComponentDeclaration.LayoutDef;

    /// <summary>Vendor error type extension structure (ACPI 6.5 Table 18.32).</summary>
    public static StructDef VendorExtension => VendorExtensionDeclaration.LayoutDef;

    /// <summary>Trigger error action table header (ACPI 6.5 Table 18.33).</summary>
    public static StructDef TriggerHeader => TriggerHeaderDeclaration.LayoutDef;

    /// <summary>The names of the bits set in an error type bitmap, in bit order ("0x00000008 memoryCorrectable").</summary>
    public static IReadOnlyList<string> NameErrorTypes(uint bitmap) => ErrorTypes.NamesOf(bitmap);

    /// <summary>
    /// Describes a SET_ERROR_TYPE_WITH_ADDRESS structure as the platform finds it in memory: the 36 bytes, the EINJv2
    /// extension when flag bit 3 is set and the bytes hold it, and the vendor extension when its offset is non-zero and
    /// lies inside <paramref name="source"/> (the offset is from the start of the structure).
    /// </summary>
    /// <exception cref="ApeiContentException">Fewer than 36 bytes.</exception>
    public static void DescribeSetErrorTypeWithAddress(ReadOnlySpan<byte> source, long baseOffset, StructureVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        if (source.Length < SetErrorTypeWithAddressSize)
            throw ApeiContentException.Truncated("SET_ERROR_TYPE_WITH_ADDRESS", baseOffset, SetErrorTypeWithAddressSize, source.Length);
        visitor.BeginObject(null, "SET_ERROR_TYPE_WITH_ADDRESS", baseOffset, source.Length);
        SetErrorTypeWithAddress.Describe(source[..SetErrorTypeWithAddressSize], baseOffset, visitor);
        var setwa = SetErrorTypeWithAddressView.Of(source);
        uint flags = setwa.Flags;
        uint vendorOffset = setwa.VendorErrorTypeExtensionOffset;
        uint type = setwa.ErrorType;
        if ((type & (1u << 31)) != 0 && vendorOffset == 0)
            visitor.Info("vendorNote", "Note", "vendor-defined error type without a vendor error type extension offset");
        if ((flags & (1u << Einjv2ExtensionValidBit)) != 0)
        {
            long o = baseOffset + SetErrorTypeWithAddressSize;
            var rest = source[SetErrorTypeWithAddressSize..];
            if (rest.Length < Einjv2HeaderSize)
            {
                visitor.Error(ApeiContentException.Truncated("EINJv2 extension", o, Einjv2HeaderSize, rest.Length));
            }
            else
            {
                var einjv2 = Einjv2HeaderView.Of(rest);
                int count = einjv2.ComponentArrayCount;
                visitor.BeginObject("einjv2", "EINJv2 extension", o, Einjv2HeaderSize + (long)count * Einjv2ComponentSize);
                Einjv2Header.Describe(rest[..Einjv2HeaderSize], o, visitor);
                long needed = Einjv2HeaderSize + (long)count * Einjv2ComponentSize;
                int fit = (int)Math.Min(count, (rest.Length - Einjv2HeaderSize) / Einjv2ComponentSize);
                visitor.BeginArray("components", "Components", o + Einjv2HeaderSize, (long)fit * Einjv2ComponentSize);
                for (int i = 0; i < fit; i++)
                {
                    long co = o + Einjv2HeaderSize + (long)i * Einjv2ComponentSize;
                    visitor.BeginObject(null, string.Create(CultureInfo.InvariantCulture, $"Component #{i}"), co, Einjv2ComponentSize);
                    Einjv2Component.Describe(rest.Slice(Einjv2HeaderSize + i * Einjv2ComponentSize, Einjv2ComponentSize), co, visitor);
                    visitor.EndObject();
                }
                visitor.EndArray();
                if (fit < count) visitor.Error(ApeiContentException.Truncated("EINJv2 component array", o + Einjv2HeaderSize, needed - Einjv2HeaderSize, rest.Length - Einjv2HeaderSize, "componentArrayCount"));
                visitor.EndObject();
            }
        }
        if (vendorOffset != 0)
        {
            if ((ulong)vendorOffset + VendorExtensionSize <= (ulong)source.Length)
            {
                long vo = baseOffset + vendorOffset;
                visitor.BeginObject("vendorExtension", "Vendor error type extension", vo, VendorExtensionSize);
                VendorExtension.Describe(source.Slice((int)vendorOffset, VendorExtensionSize), vo, visitor);
                visitor.EndObject();
            }
            else
            {
                visitor.Info("vendorExtensionNote", "Note", string.Create(CultureInfo.InvariantCulture, $"the vendor extension at offset 0x{vendorOffset:X} lies outside the {source.Length} bytes given"));
            }
        }
        visitor.EndObject();
    }

    /// <summary>
    /// Describes a trigger error action table (what GET_TRIGGER_ERROR_ACTION_TABLE points at): the 16-byte header and its
    /// injection instruction entries (action TRIGGER_ERROR, 0xFF). Entries are read as far as Entry Count, Table Size and the
    /// bytes reach; any bytes given after them are shown as the table's trailing bytes.
    /// </summary>
    /// <exception cref="ApeiContentException">Fewer than 16 bytes.</exception>
    public static void DescribeTriggerTable(ReadOnlySpan<byte> source, long baseOffset, StructureVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        if (source.Length < TriggerHeaderSize) throw ApeiContentException.Truncated("Trigger error action table", baseOffset, TriggerHeaderSize, source.Length);
        var header = TriggerHeaderView.Of(source);
        uint headerSize = header.HeaderSize;
        uint tableSize = header.TableSize;
        uint count = header.EntryCount;
        visitor.BeginObject(null, "Trigger error action table", baseOffset, source.Length);
        TriggerHeader.Describe(source[..TriggerHeaderSize], baseOffset, visitor);
        if (headerSize != TriggerHeaderSize)
            visitor.Error(ApeiContentException.Invalid("Trigger error action table", "headerSize", baseOffset + TriggerHeaderDeclaration.Declared.HeaderSizeOffset, "16", headerSize.ToString(CultureInfo.InvariantCulture)));
        ulong expected = TriggerHeaderSize + (ulong)count * ActionTableLayouts.EntrySize;
        if (tableSize != expected)
            visitor.Error(ApeiContentException.Invalid("Trigger error action table", "tableSize", baseOffset + TriggerHeaderDeclaration.Declared.TableSizeOffset, string.Create(CultureInfo.InvariantCulture, $"{expected} (16 + 32 × entry count)"), tableSize.ToString(CultureInfo.InvariantCulture)));
        int fit = (int)Math.Min(count, (ulong)(Math.Min((long)source.Length, tableSize) - TriggerHeaderSize) / ActionTableLayouts.EntrySize);
        if (tableSize < TriggerHeaderSize) fit = 0;
        visitor.BeginArray("entries", "Injection instruction entries", baseOffset + TriggerHeaderSize, (long)fit * ActionTableLayouts.EntrySize);
        for (int i = 0; i < fit; i++)
            ActionTableDescriber.DescribeEntry(source.Slice(TriggerHeaderSize + i * ActionTableLayouts.EntrySize, ActionTableLayouts.EntrySize),
                baseOffset + TriggerHeaderSize + (long)i * ActionTableLayouts.EntrySize, visitor, ActionTableKind.Einj, i);
        visitor.EndArray();
        if (fit < count)
            visitor.Error(ApeiContentException.Truncated("Trigger error action table", baseOffset + TriggerHeaderDeclaration.Declared.EntryCountOffset, (long)count * ActionTableLayouts.EntrySize, Math.Max(0, source.Length - TriggerHeaderSize), "entryCount"));
        // Bytes given past the whole entries read (past 16 + 32 × Entry Count, ACPI 6.5 Table 18.33; or a cut-off entry):
        // no entry holds them, but they were given, so they are shown, not dropped.
        int end = TriggerHeaderSize + fit * ActionTableLayouts.EntrySize;
        if (source.Length > end)
            visitor.Data("trailingBytes", "Bytes after the entries", baseOffset + end, source[end..]);
        visitor.EndObject();
    }

    /// <summary>Builds a trigger error action table from entries (header size 16, revision 0, table size and count filled in).</summary>
    public static byte[] BuildTriggerTable(IReadOnlyList<InstructionEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var b = new byte[TriggerHeaderSize + entries.Count * ActionTableLayouts.EntrySize];
        TriggerHeaderDeclaration.HeaderSizeField.WriteValue(b, TriggerHeaderSize);
        TriggerHeaderDeclaration.TableSizeField.WriteValue(b, (ulong)b.Length);
        TriggerHeaderDeclaration.EntryCountField.WriteValue(b, (ulong)entries.Count);
        for (int i = 0; i < entries.Count; i++) entries[i].Write(b.AsSpan(TriggerHeaderSize + i * ActionTableLayouts.EntrySize));
        return b;
    }
}
