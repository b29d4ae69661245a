using ApeiKit.Declarations;
using ApeiKit.Cper;
using ApeiKit.Hest;

namespace ApeiKit.Ghes;

// The generic error status block header, the generic error data entry header and the BERT body, each declared once
// (ApeiKit.Generators, docs/DESIGN.md "One declaration per structure"); GenericErrorStatus.BlockLayout/EntryLayout and
// BertTable.Layout hand out the generated LayoutDefs. The hand-written ErrorStatusBlockView/ErrorDataEntryView stay the
// public views (docs/DESIGN.md "GHES and BERT": they run the consumer checks, walk the entries and know the entry
// header's two revisions) and read their header fields through the generated views below.

/// <summary>Generic Error Status Block header (ACPI 6.5 §18.3.2.7.1, Table 18.11): 20 bytes; the data entries and raw data follow.</summary>
[Layout("Generic Error Status Block", 20, "ACPI 6.5 §18.3.2.7.1, Table 18.11", View = "ErrorStatusBlockHeaderView")]
internal sealed partial class ErrorStatusBlockHeaderDeclaration : DeclaredStructure
{
    public ErrorStatusBlockHeaderDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Block Status: bits 0-3 the error kinds, bits 4-13 the Error Data Entry Count, bits 14-31 reserved.</summary>
    [Field(0, 4, FieldKind.Bits)]
    [Bit("uncorrectable", 0, 1, Label = "Uncorrectable error valid")]
    [Bit("correctable", 1, 1, Label = "Correctable error valid")]
    [Bit("multipleUncorrectable", 2, 1, Label = "Multiple uncorrectable errors")]
    [Bit("multipleCorrectable", 3, 1, Label = "Multiple correctable errors")]
    [Bit("entryCount", 4, 10, Label = "Error data entry count", IsCount = true)]
    public partial uint BlockStatus { get; set; }
    /// <summary>Raw Data Offset, from the start of the block.</summary>
    [Field(4, 4, FieldKind.Hex)] public partial uint RawDataOffset { get; set; }
    /// <summary>Raw Data Length.</summary>
    [Field(8, 4, FieldKind.UInt, Unit = "bytes")] public partial uint RawDataLength { get; set; }
    /// <summary>Data Length: the bytes of all Generic Error Data Entries.</summary>
    [Field(12, 4, FieldKind.UInt, Unit = "bytes")] public partial uint DataLength { get; set; }
    /// <summary>Error Severity of the whole event (0 recoverable, 1 fatal, 2 corrected, 3 none).</summary>
    [Field(16, 4, FieldKind.Enum, Names = "ApeiKit.Cper.CperNames.Severity")] public partial uint ErrorSeverity { get; set; }
}

/// <summary>
/// Generic Error Data Entry header (ACPI 6.5 §18.3.2.7.1, Table 18.12): 72 bytes from revision 0x300, 64 before (no
/// Timestamp); Error Data Length bytes of a CPER section body follow. A view of a 64-byte header has no timestamp.
/// </summary>
[Layout("Generic Error Data Entry", 72, "ACPI 6.5 §18.3.2.7.1, Table 18.12", ValidationField = nameof(ValidationBits), View = "ErrorDataEntryHeaderView")]
internal sealed partial class ErrorDataEntryHeaderDeclaration : DeclaredStructure
{
    public ErrorDataEntryHeaderDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Section Type (a CPER section GUID).</summary>
    [Field(0, 16, FieldKind.Guid, Guids = "CperSectionRegistry.GuidName")] public partial Guid SectionType { get; set; }
    /// <summary>Error Severity.</summary>
    [Field(16, 4, FieldKind.Enum, Names = "ApeiKit.Cper.CperNames.Severity")] public partial uint ErrorSeverity { get; set; }
    /// <summary>Revision (0x300 and later carry the timestamp).</summary>
    [Field(20, 2, FieldKind.Hex)] public partial ushort Revision { get; set; }
    /// <summary>Validation Bits: bit 0 FRU Id, bit 1 FRU String, bit 2 Timestamp.</summary>
    [Field(22, 1, FieldKind.Flags)] public partial byte ValidationBits { get; set; }
    /// <summary>Flags (the CPER section descriptor flags, low byte).</summary>
    [Field(23, 1, FieldKind.Flags, Flags = "ApeiKit.Cper.CperNames.SectionFlags")] public partial byte Flags { get; set; }
    /// <summary>Error Data Length.</summary>
    [Field(24, 4, FieldKind.UInt, Unit = "bytes")] public partial uint ErrorDataLength { get; set; }
    /// <summary>FRU Id.</summary>
    [Field(28, 16, FieldKind.Guid, ValidBit = 0, Label = "FRU ID")] public partial Guid FruId { get; set; }
    /// <summary>FRU Text (not necessarily NUL-terminated).</summary>
    [Field(44, 20, FieldKind.Ascii, ValidBit = 1, Label = "FRU text", ValidationName = "fruString")] public partial string FruText { get; set; }
    /// <summary>Timestamp (revision 0x300 and later).</summary>
    [Field(64, 8, FieldKind.Timestamp, ValidBit = 2)] public partial ulong Timestamp { get; set; }
}

/// <summary>The Boot Error Record Table after its ACPI header (ACPI 6.5 §18.3.1, Table 18.2): 48 bytes in all.</summary>
[Layout("BERT", 48, "ACPI 6.5 §18.3.1, Table 18.2", View = "BertBodyView")]
internal sealed partial class BertDeclaration : DeclaredStructure
{
    public BertDeclaration(ReadOnlySpan<byte> bytes = default) : base(LayoutDef, bytes) { }

    /// <summary>Boot Error Region Length.</summary>
    [Field(36, 4, FieldKind.UInt, Unit = "bytes")] public partial uint BootErrorRegionLength { get; set; }
    /// <summary>Boot Error Region: the region's 64-bit physical address.</summary>
    [Field(40, 8, FieldKind.Hex, Label = "Boot error region address")] public partial ulong BootErrorRegion { get; set; }
}

// The readers (ErrorStatusBlockView, ErrorDataEntryView, GhesBlockValidator, the describers, ReadAck, BertTable) read
// the header fields through these generated views (the generated Of makes one over bytes the caller has checked the
// length of; an entry header's fields read 0 when fewer than its validation bits' 23 bytes are present).
internal readonly ref partial struct ErrorDataEntryHeaderView
{
    /// <summary>Header size for this entry's revision: 64, or 72 from revision 0x300 (ACPI 6.5 Table 18.12).</summary>
    internal int HeaderSize => GenericErrorStatus.EntryHeaderSizeFor(Revision);
}
