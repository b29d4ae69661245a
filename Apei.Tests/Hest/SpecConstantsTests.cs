using ApeiKit.Ghes;
using ApeiKit.Hest;

namespace ApeiKit.Tests.Hest;

/// <summary>
/// The shipped offset and size constants derive from the declarations (Hest/Declarations, Ghes/Declarations): here each
/// is held against the number the spec prints (ACPI 6.5 chapter 18, the table or section in each row; tables and sections below are ACPI 6.5 unless named), typed in by hand,
/// so a declaration that moves a field or changes a size fails here and not only in the views built from the same
/// declaration. EINJv2's two sizes are from ACPI 6.6 (Linux einj-core.c reads the same: an 8-byte extension header,
/// 32-byte components).
/// </summary>
public sealed class SpecConstantsTests
{
    public static TheoryData<string, long, long, string> Rows => new()
    {
        // Generic Error Status Block (§18.3.2.7.1, Table 18.11): Block Status 4, Raw Data Offset 4, Raw Data Length 4, Data Length 4, Error Severity 4.
        { "GenericErrorStatus.BlockStatusOffset", GenericErrorStatus.BlockStatusOffset, 0, "Table 18.11" },
        { "GenericErrorStatus.RawDataOffsetOffset", GenericErrorStatus.RawDataOffsetOffset, 4, "Table 18.11" },
        { "GenericErrorStatus.RawDataLengthOffset", GenericErrorStatus.RawDataLengthOffset, 8, "Table 18.11" },
        { "GenericErrorStatus.DataLengthOffset", GenericErrorStatus.DataLengthOffset, 12, "Table 18.11" },
        { "GenericErrorStatus.BlockSeverityOffset", GenericErrorStatus.BlockSeverityOffset, 16, "Table 18.11" },
        { "GenericErrorStatus.BlockHeaderSize", GenericErrorStatus.BlockHeaderSize, 20, "Table 18.11" },
        // Block Status bits (Table 18.11): 0 uncorrectable, 1 correctable, 2 multiple uncorrectable, 3 multiple correctable, 13:4 entry count, 31:14 reserved.
        { "GenericErrorStatus.UncorrectableErrorValid", GenericErrorStatus.UncorrectableErrorValid, 0x1, "Table 18.11 Block Status bit 0" },
        { "GenericErrorStatus.CorrectableErrorValid", GenericErrorStatus.CorrectableErrorValid, 0x2, "Table 18.11 Block Status bit 1" },
        { "GenericErrorStatus.MultipleUncorrectableErrors", GenericErrorStatus.MultipleUncorrectableErrors, 0x4, "Table 18.11 Block Status bit 2" },
        { "GenericErrorStatus.MultipleCorrectableErrors", GenericErrorStatus.MultipleCorrectableErrors, 0x8, "Table 18.11 Block Status bit 3" },
        { "GenericErrorStatus.EntryCountShift", GenericErrorStatus.EntryCountShift, 4, "Table 18.11 Block Status bits 13:4" },
        { "GenericErrorStatus.EntryCountMask", GenericErrorStatus.EntryCountMask, 0x3FF, "Table 18.11 Block Status bits 13:4" },
        { "GenericErrorStatus.BlockStatusReservedMask", GenericErrorStatus.BlockStatusReservedMask, 0xFFFF_C000, "Table 18.11 Block Status bits 31:14" },
        // Generic Error Data Entry (§18.3.2.7.1, Table 18.12): Section Type 16, Error Severity 4, Revision 2, Validation Bits 1, Flags 1,
        // Error Data Length 4, FRU Id 16, FRU Text 20, Timestamp 8 (revision 0x300 and later).
        { "GenericErrorStatus.SectionTypeOffset", GenericErrorStatus.SectionTypeOffset, 0, "Table 18.12" },
        { "GenericErrorStatus.EntrySeverityOffset", GenericErrorStatus.EntrySeverityOffset, 16, "Table 18.12" },
        { "GenericErrorStatus.RevisionOffset", GenericErrorStatus.RevisionOffset, 20, "Table 18.12" },
        { "GenericErrorStatus.ValidationBitsOffset", GenericErrorStatus.ValidationBitsOffset, 22, "Table 18.12" },
        { "GenericErrorStatus.FlagsOffset", GenericErrorStatus.FlagsOffset, 23, "Table 18.12" },
        { "GenericErrorStatus.ErrorDataLengthOffset", GenericErrorStatus.ErrorDataLengthOffset, 24, "Table 18.12" },
        { "GenericErrorStatus.FruIdOffset", GenericErrorStatus.FruIdOffset, 28, "Table 18.12" },
        { "GenericErrorStatus.FruTextOffset", GenericErrorStatus.FruTextOffset, 44, "Table 18.12" },
        { "GenericErrorStatus.FruTextLength", GenericErrorStatus.FruTextLength, 20, "Table 18.12" },
        { "GenericErrorStatus.TimestampOffset", GenericErrorStatus.TimestampOffset, 64, "Table 18.12 (revision 0x300 entry)" },
        { "GenericErrorStatus.EntryHeaderSize", GenericErrorStatus.EntryHeaderSize, 64, "Table 18.12 (before revision 0x300)" },
        { "GenericErrorStatus.EntryHeaderSizeWithTimestamp", GenericErrorStatus.EntryHeaderSizeWithTimestamp, 72, "Table 18.12 (revision 0x300 entry)" },
        { "GenericErrorStatus.TimestampRevision", GenericErrorStatus.TimestampRevision, 0x300, "Table 18.12 Revision" },
        { "GenericErrorStatus.FruIdValid", GenericErrorStatus.FruIdValid, 0x1, "Table 18.12 Validation Bits bit 0" },
        { "GenericErrorStatus.FruStringValid", GenericErrorStatus.FruStringValid, 0x2, "Table 18.12 Validation Bits bit 1" },
        { "GenericErrorStatus.TimestampValid", GenericErrorStatus.TimestampValid, 0x4, "Table 18.12 Validation Bits bit 2" },
        // BERT (§18.3.1, Table 18.2): the 36-byte ACPI header, Boot Error Region Length 4, Boot Error Region 8.
        { "BertTable.RegionLengthOffset", BertTable.RegionLengthOffset, 36, "§18.3.1, Table 18.2" },
        { "BertTable.RegionAddressOffset", BertTable.RegionAddressOffset, 40, "§18.3.1, Table 18.2" },
        { "BertTable.Size", BertTable.Size, 48, "§18.3.1, Table 18.2" },
        // HEST (§18.3.2): the ACPI header, Error Source Count 4, then the error source structures.
        { "HestLayouts.ErrorSourceCountOffset", HestLayouts.ErrorSourceCountOffset, 36, "§18.3.2" },
        { "HestLayouts.TableHeaderSize", HestLayouts.TableHeaderSize, 40, "§18.3.2" },
        { "HestLayouts.BankSize", HestLayouts.BankSize, 28, "§18.3.2.1.1 (machine check error bank)" },
        { "HestLayouts.NotificationSize", HestLayouts.NotificationSize, 28, "§18.3.2.9, Table 18.14" },
        { "HestLayouts.GenericErrorStatusBlockHeaderSize", HestLayouts.GenericErrorStatusBlockHeaderSize, 20, "§18.3.2.7.1, Table 18.11" },
        // ERST (§18.5, Table 18.22) and EINJ (§18.6.1, Table 18.27): header size at 36, entry count at 44, entries from 48;
        // an instruction entry (§18.5.1.2 Table 18.24, §18.6.1 Table 18.29): action 0, instruction 1, flags 2, reserved 3, register region 4 (GAS), value 16, mask 24.
        { "ActionTableLayouts.HeaderSizeOffset", ActionTableLayouts.HeaderSizeOffset, 36, "Table 18.22, Table 18.27" },
        { "ActionTableLayouts.EntryCountOffset", ActionTableLayouts.EntryCountOffset, 44, "Table 18.22, Table 18.27" },
        { "ActionTableLayouts.TableHeaderSize", ActionTableLayouts.TableHeaderSize, 48, "Table 18.22, Table 18.27" },
        { "ActionTableLayouts.EntrySize", ActionTableLayouts.EntrySize, 32, "Table 18.24, Table 18.29" },
        { "ActionTableLayouts.RegisterOffset", ActionTableLayouts.RegisterOffset, 4, "Table 18.24, Table 18.29" },
        { "ActionTableLayouts.ValueOffset", ActionTableLayouts.ValueOffset, 16, "Table 18.24, Table 18.29" },
        { "ActionTableLayouts.MaskOffset", ActionTableLayouts.MaskOffset, 24, "Table 18.24, Table 18.29" },
        // EINJ's structures outside the table (§18.6.4-§18.6.5).
        { "EinjStructures.SetErrorTypeWithAddressSize", EinjStructures.SetErrorTypeWithAddressSize, 36, "§18.6.4, Table 18.31" },
        { "EinjStructures.VendorExtensionSize", EinjStructures.VendorExtensionSize, 16, "§18.6.4, Table 18.32" },
        { "EinjStructures.TriggerHeaderSize", EinjStructures.TriggerHeaderSize, 16, "§18.6.5, Table 18.33" },
        { "EinjStructures.Einjv2HeaderSize", EinjStructures.Einjv2HeaderSize, 8, "ACPI 6.6 EINJv2 extension" },
        { "EinjStructures.Einjv2ComponentSize", EinjStructures.Einjv2ComponentSize, 32, "ACPI 6.6 EINJv2 component" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void A_shipped_constant_is_the_number_the_spec_prints(string constant, long actual, long spec, string where)
    {
        Assert.True(actual == spec, $"{constant} is {actual}; the spec ({where}) says {spec}");
    }
}
