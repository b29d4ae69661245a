using System.Buffers.Binary;
using System.Globalization;
using ApeiKit.Declarations;

namespace ApeiKit.Cper.Windows;

/// <summary>
/// Windows XPF MCA section (WHEA_XPF_MCA_SECTION, GUID 8a1e1d01-42f9-4557-9c33-565e5cc3f7e8): one x86/x64
/// machine-check bank as Windows read it (MCi_STATUS, MCi_ADDR, MCi_MISC), the processor and global registers
/// around it, and in later versions recovery information and further banks.
/// </summary>
/// <remarks>
/// <para>Layout sources: the WHEA_XPF_MCA_SECTION syntax in the WDK documentation (learn.microsoft.com,
/// ntddk.h, "WHEA_XPF_MCA_SECTION structure"); the field offsets of the Windows 10 21H2 (0x110 bytes) and
/// Windows 11 24H2 (0x4A8 bytes) kernels as published by the Vergilius Project (_WHEA_XPF_MCA_SECTION,
/// _XPF_RECOVERY_INFO); the per-version sizes and the version-1 Reserved2 field as ralish/DecodeWheaRecord
/// (src/DecodeWheaRecord/Errors/Microsoft/XpfMca.cs) documents them. Register bit meanings: see
/// <see cref="McaRegisters"/>.</para>
/// <para>Versions (VersionNumber at offset 0): 1 = 264 bytes (offset 68 reserved); 2 = 264 bytes, or 272 when
/// the section carries the later version-2 form with the AMD register view and MCG_CAP; 3 = 292 bytes
/// (+ XPF_RECOVERY_INFO); 4 = 1192 bytes (+ up to 32 further banks). Other versions are decoded through the
/// part common to all (264 bytes). Bytes past the documented layout of the version are kept and shown raw; a
/// section shorter than its version's layout (real Windows 10 captures hold a version-3 section of 289 bytes)
/// is decoded as far as whole fields go.</para>
/// </remarks>
[Layout("Windows XPF MCA section", SizeV4, "WHEA_XPF_MCA_SECTION (WDK ntddk.h; Vergilius Project offsets)", View = "")]
[CountedArray("ExtendedRegisters", 72, 8, MaxExtendedRegisters, FieldKind.Hex, Count = nameof(ExtendedRegisterCount), ElementJson = "register{i}", ElementLabel = "Register {i}")]
[CountedArray("BankNumberEx", 296, 4, MaxExBanks, FieldKind.UInt, Count = nameof(ExBankCount))]
[CountedArray("StatusEx", 424, 8, MaxExBanks, FieldKind.Hex, Count = nameof(ExBankCount))]
[CountedArray("AddressEx", 680, 8, MaxExBanks, FieldKind.Hex, Count = nameof(ExBankCount))]
[CountedArray("MiscEx", 936, 8, MaxExBanks, FieldKind.Hex, Count = nameof(ExBankCount))]
public sealed partial class XpfMcaSection : FixedSectionBody
{
    private const string Structure = "Windows XPF MCA section";

    // The layout is declared once, below (docs/DESIGN.md "One declaration per structure"): the fields every version has,
    // their forms by version and CPU vendor ([Variant]), the counted arrays ([CountedArray]) and XPF_RECOVERY_INFO placed
    // at 272 (Inline). What stays written here is what the version and the section length decide (DocumentedSize,
    // HasAmdView, HasGlobalCapability) and the walk over those parts.

    /// <summary>Bytes every version has before the extended registers (VersionNumber through ApicId).</summary>
    public const int HeaderSize = Declared.ApicIdOffset + Declared.ApicIdSize;
    /// <summary>Offset of the extended register array (or the AMD register view), 24 × 8 bytes.</summary>
    public const int ExtendedRegistersOffset = Declared.ExtendedRegistersOffset;
    /// <summary>Capacity of the extended register array (WHEA_XPF_MCA_EXTREG_MAX_COUNT).</summary>
    public const int MaxExtendedRegisters = 24;
    /// <summary>Size through the extended registers (versions 1 and 2).</summary>
    public const int SizeV1 = Declared.GlobalCapabilityOffset;
    /// <summary>Size through GlobalCapability (later version 2).</summary>
    public const int SizeV2 = Declared.RecoveryInfoOffset;
    /// <summary>Size through RecoveryInfo (version 3).</summary>
    public const int SizeV3 = Declared.ExBankCountOffset;
    /// <summary>Size through MiscEx (version 4).</summary>
    public const int SizeV4 = 1192;
    /// <summary>Capacity of each version-4 further-bank array (WHEA_XPF_MCA_EXBANK_COUNT).</summary>
    public const int MaxExBanks = 32;

    /// <summary>VersionNumber.</summary>
    [Field(0, 4, FieldKind.UInt, Label = "Version")] public partial uint VersionNumber { get; set; }
    /// <summary>CpuVendor (WHEA_CPU_VENDOR: 0 other, 1 Intel, 2 AMD).</summary>
    [Field(4, 4, FieldKind.Enum, Label = "CPU vendor", Names = "McaRegisters.CpuVendors")] public partial uint CpuVendor { get; set; }
    /// <summary>Timestamp: Windows system time (100 ns units since 1601 UTC).</summary>
    [Field(8, 8, FieldKind.Hex, Label = "Timestamp (raw system time)")] public partial long Timestamp { get; set; }
    /// <summary>ProcessorNumber.</summary>
    [Field(16, 4, FieldKind.UInt)] public partial uint ProcessorNumber { get; set; }
    /// <summary>GlobalStatus (IA32_MCG_STATUS).</summary>
    [Field(20, 8, FieldKind.Flags, Label = "Global status (MCG_STATUS)", Flags = "McaRegisters.GlobalStatusFlags")] public partial ulong GlobalStatus { get; set; }
    /// <summary>InstructionPointer.</summary>
    [Field(28, 8, FieldKind.Hex)] public partial ulong InstructionPointer { get; set; }
    /// <summary>BankNumber.</summary>
    [Field(36, 4, FieldKind.UInt)] public partial uint BankNumber { get; set; }
    /// <summary>Status (IA32_MCi_STATUS).</summary>
    [Field(40, 8, FieldKind.Bits, Label = "Status (MCi_STATUS)", Bits = "McaRegisters.StatusBitsCommon")]
    [Variant(nameof(CpuVendor), 1, Bits = "McaRegisters.StatusBitsIntel")]
    [Variant(nameof(CpuVendor), 2, Bits = "McaRegisters.StatusBitsAmd")]
    public partial ulong Status { get; set; }
    /// <summary>Address (IA32_MCi_ADDR).</summary>
    [Field(48, 8, FieldKind.Hex, Label = "Address (MCi_ADDR)")] public partial ulong Address { get; set; }
    /// <summary>Misc (IA32_MCi_MISC).</summary>
    [Field(56, 8, FieldKind.Hex, Label = "Miscellaneous (MCi_MISC)")] public partial ulong Misc { get; set; }
    /// <summary>ExtendedRegisterCount.</summary>
    [Field(64, 4, FieldKind.UInt)] public partial uint ExtendedRegisterCount { get; set; }
    /// <summary>ApicId (version 2 and later; reserved in version 1).</summary>
    [Field(68, 4, FieldKind.Hex, Label = "APIC ID")]
    [Variant(nameof(VersionNumber), 0, Max = 1, Name = "Reserved2", Reserved = true)] // version 1 (and 0): Reserved2 (ralish/DecodeWheaRecord)
    public partial uint ApicId { get; set; }
    /// <summary>GlobalCapability (IA32_MCG_CAP; 0 when the section is too short to hold it). Setting grows the section to version 4 size.</summary>
    [Field(264, 8, FieldKind.Bits, Label = "Global capability (MCG_CAP)", Bits = "McaRegisters.GlobalCapabilityBits")] public partial ulong GlobalCapability { get; set; }
    // XPF_RECOVERY_INFO (version 3 and later), its fields listed in LayoutDef at 272 and up.
    [Field(272, 20, Nested = "XpfRecoveryInfo", Inline = true)] private partial byte[] RecoveryInfo { get; }
    /// <summary>ExBankCount (version 4).</summary>
    [Field(292, 4, FieldKind.UInt, Label = "Further bank count")] public partial uint ExBankCount { get; set; }

    /// <summary>XPF_RECOVERY_INFO (20 bytes; Vergilius Project, Windows 11 21H2 _XPF_RECOVERY_INFO).</summary>
    public static StructDef RecoveryInfoDef => XpfRecoveryInfo.LayoutDef;

    /// <summary>WHEA_AMD_EXTENDED_REGISTERS (192 bytes: ten AMD MCA bank registers, then reserved slots).</summary>
    public static StructDef AmdExtendedRegistersDef => XpfAmdExtendedRegisters.LayoutDef;

    // Built on first use, after the generated static constructor has made LayoutDef and the variants.
    private static class Headers
    {
        internal static readonly StructDef[] All =
        [
            HeaderDef(0, 2), HeaderDef(1, 2), HeaderDef(2, 2),
            HeaderDef(0, 1), HeaderDef(1, 1), HeaderDef(2, 1),
        ];
    }

    // Offsets 0-71 as a vendor and version read them: the declared fields up to the extended registers, each in its form.
    private static StructDef HeaderDef(uint vendor, uint version) => new(Structure + " header", HeaderSize,
    [
        .. LayoutDef.Fields.Where(f => f.End <= HeaderSize).Select(f =>
            ReferenceEquals(f, StatusField) ? StatusFieldFor(vendor) : ReferenceEquals(f, ApicIdField) ? ApicIdFieldFor(version) : f),
    ]);

    /// <summary>The header layout (offsets 0-71) for a CPU vendor and version (MCi_STATUS bits differ by vendor).</summary>
    public static StructDef HeaderLayout(uint vendor, uint version) => Headers.All[(vendor <= 2 ? (int)vendor : 0) + (ApicIdFieldFor(version).Kind == FieldKind.Reserved ? 3 : 0)];

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.WindowsXpfMca, CperGuids.SectionName(CperGuids.WindowsXpfMca)!, Describe, (b, o) => Decode(b, o));

    /// <summary>A new, zeroed version-4 section (1192 bytes) with <see cref="VersionNumber"/> 4.</summary>
    public XpfMcaSection() : base(LayoutDef) => VersionNumber = 4;

    private XpfMcaSection(ReadOnlySpan<byte> bytes) : base(LayoutDef, bytes) { }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.WindowsXpfMca;

    /// <summary>Decodes a section body, keeping every byte.</summary>
    /// <exception cref="ApeiContentException">Fewer than 72 bytes; ExtendedRegisterCount above 24 or past the
    /// section; ExBankCount above 32 or past the section.</exception>
    public static XpfMcaSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        CheckHeader(body, baseOffset);
        if (CheckExtendedRegisters(body, baseOffset) is { } e1) throw e1;
        if (CheckExBanks(body, baseOffset) is { } e2) throw e2;
        return new XpfMcaSection(body);
    }

    /// <summary>The documented size for a version, given the section length (version 2 has two forms).</summary>
    public static int DocumentedSize(uint version, int sectionLength) => version switch
    {
        0 or 1 => SizeV1,
        2 => sectionLength >= SizeV2 ? SizeV2 : SizeV1,
        3 => SizeV3,
        4 => SizeV4,
        _ => SizeV1,
    };

    private static void CheckHeader(ReadOnlySpan<byte> body, long baseOffset)
    {
        if (body.Length < HeaderSize) ThrowHelper.ThrowTruncated(Structure, baseOffset, HeaderSize, body.Length);
    }

    private static ApeiContentException? CheckExtendedRegisters(ReadOnlySpan<byte> body, long baseOffset)
    {
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(body[Declared.ExtendedRegisterCountOffset..]);
        if (count > MaxExtendedRegisters)
            return ApeiContentException.Invalid(Structure, "ExtendedRegisterCount", baseOffset + Declared.ExtendedRegisterCountOffset, $"at most {MaxExtendedRegisters}", count.ToString(CultureInfo.InvariantCulture));
        if ((ulong)ExtendedRegistersOffset + (ulong)Declared.ExtendedRegistersElementSize * count > (ulong)body.Length)
            return ApeiContentException.Truncated(Structure, baseOffset + ExtendedRegistersOffset, (long)Declared.ExtendedRegistersElementSize * count, body.Length - ExtendedRegistersOffset,
                $"ExtendedRegisters (ExtendedRegisterCount = {count})");
        return null;
    }

    private static ApeiContentException? CheckExBanks(ReadOnlySpan<byte> body, long baseOffset)
    {
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(body);
        if (version != 4 || body.Length < Declared.ExBankCountOffset + Declared.ExBankCountSize) return null;
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(body[Declared.ExBankCountOffset..]);
        if (count > MaxExBanks)
            return ApeiContentException.Invalid(Structure, "ExBankCount", baseOffset + Declared.ExBankCountOffset, $"at most {MaxExBanks}", count.ToString(CultureInfo.InvariantCulture));
        long needed = count == 0 ? 0 : Declared.MiscExOffset + (long)Declared.MiscExElementSize * count;
        if (needed > body.Length)
            return ApeiContentException.Truncated(Structure, baseOffset + Declared.BankNumberExOffset, needed - Declared.BankNumberExOffset, body.Length - Declared.BankNumberExOffset,
                $"BankNumberEx/StatusEx/AddressEx/MiscEx (ExBankCount = {count})");
        return null;
    }

    /// <summary>
    /// Describes the section: header (MCi_STATUS bits by vendor, the MCA error code read out, the timestamp as
    /// a date), extended registers (AMD's named view when present), MCG_CAP, recovery information, further
    /// banks, then any bytes past the documented layout. Count errors are reported to the visitor and the
    /// region they cover is shown raw.
    /// </summary>
    /// <exception cref="ApeiContentException">Fewer than 72 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        // A builder (JSON input) writes the version and vendor before the walk reads them (see IStructureSource).
        HeaderLayout(0, 0).Prefill(visitor, baseOffset);
        CheckHeader(body, baseOffset);
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(body);
        uint vendor = BinaryPrimitives.ReadUInt32LittleEndian(body[Declared.CpuVendorOffset..]);
        int documented = DocumentedSize(version, body.Length);
        visitor.Info("layout", "Layout", LayoutText(version, documented, body.Length));

        var header = HeaderLayout(vendor, version);
        foreach (var f in header.Fields)
        {
            visitor.Field(f, body, baseOffset);
            if (ReferenceEquals(f, TimestampField)) visitor.Info("timestampUtc", "Timestamp", SystemTimeText(BinaryPrimitives.ReadInt64LittleEndian(body[Declared.TimestampOffset..])));
            else if (f.Json == "status") visitor.Info("mcaErrorCodeMeaning", "MCA error code meaning", McaRegisters.DescribeErrorCode(BinaryPrimitives.ReadUInt16LittleEndian(body[Declared.StatusOffset..])));
        }

        int regionEnd = Math.Min(SizeV1, body.Length);
        bool amdView = HasAmdView(vendor, documented, body.Length);
        if (CheckExtendedRegisters(body, baseOffset) is { } regError)
        {
            visitor.Error(regError);
            visitor.Data("extendedRegisterBytes", "Extended register bytes", baseOffset + ExtendedRegistersOffset, body[ExtendedRegistersOffset..regionEnd]);
        }
        else if (amdView)
        {
            visitor.BeginObject("amdExtendedRegisters", "AMD extended registers", baseOffset + ExtendedRegistersOffset, AmdExtendedRegistersDef.Size);
            AmdExtendedRegistersDef.Describe(body.Slice(ExtendedRegistersOffset, AmdExtendedRegistersDef.Size), baseOffset + ExtendedRegistersOffset, visitor);
            visitor.EndObject();
        }
        else
        {
            int count = ExtendedRegistersCount(body); // checked above: the stored count, within the capacity and the body
            if (count > 0)
            {
                visitor.BeginObject("extendedRegisters", "Extended registers", baseOffset + ExtendedRegistersOffset, (long)Declared.ExtendedRegistersElementSize * count);
                for (int i = 0; i < count; i++) visitor.Field(ExtendedRegistersElements[i], body, baseOffset);
                visitor.EndObject();
            }
            var unused = body[(ExtendedRegistersOffset + Declared.ExtendedRegistersElementSize * count)..regionEnd];
            if (unused.ContainsAnyExcept((byte)0) || visitor.ReportsZeroParts)
                visitor.Data("unusedExtendedRegisterSlots", "Unused extended register slots (non-zero)", baseOffset + ExtendedRegistersOffset + Declared.ExtendedRegistersElementSize * count, unused);
        }
        int end = regionEnd;

        if (HasGlobalCapability(documented, body.Length))
        {
            visitor.Field(GlobalCapabilityField, body, baseOffset);
            end = SizeV2;
        }

        if (documented >= SizeV3 && body.Length > Declared.RecoveryInfoOffset)
        {
            var info = body.Slice(Declared.RecoveryInfoOffset, Math.Min(Declared.RecoveryInfoSize, body.Length - Declared.RecoveryInfoOffset));
            visitor.BeginObject("recoveryInfo", "Recovery information (XPF_RECOVERY_INFO)", baseOffset + Declared.RecoveryInfoOffset, info.Length);
            RecoveryInfoDef.Describe(info, baseOffset + Declared.RecoveryInfoOffset, visitor);
            visitor.EndObject();
            end = Declared.RecoveryInfoOffset + FittedEnd(RecoveryInfoDef, info.Length);
        }

        if (documented >= SizeV4 && body.Length >= Declared.ExBankCountOffset + Declared.ExBankCountSize)
        {
            visitor.Field(ExBankCountField, body, baseOffset);
            end = Declared.ExBankCountOffset + Declared.ExBankCountSize;
            if (CheckExBanks(body, baseOffset) is { } bankError)
            {
                visitor.Error(bankError);
            }
            else
            {
                DescribeExBanks(body, baseOffset, vendor, visitor);
                if (body.Length >= SizeV4) end = SizeV4;
            }
            if (end < SizeV4)
            {
                // The further-bank arrays are kept whatever ExBankCount says; show what the count did not cover.
                var rest = body[end..Math.Min(SizeV4, body.Length)];
                if (rest.ContainsAnyExcept((byte)0) || visitor.ReportsZeroParts) visitor.Data("exBankBytes", "Further bank arrays (raw)", baseOffset + end, rest);
                end += rest.Length;
            }
        }

        if (body.Length > end)
        {
            if (body.Length < documented) visitor.Data("cutShort", "Start of a field cut short by the section end", baseOffset + end, body[end..]);
            else visitor.Data(CperRecordDescriber.TrailingMember, "Bytes past the documented layout", baseOffset + end, body[end..]);
        }
    }

    /// <summary>Offset 72 is the AMD register view (WHEA_AMD_EXTENDED_REGISTERS): vendor AMD, the later version-2 form or later, and the section holds MCG_CAP.</summary>
    internal static bool HasAmdView(uint vendor, int documented, int length) => vendor == 2 && HasGlobalCapability(documented, length);

    /// <summary>GlobalCapability (offset 264) is part of the layout and in the section.</summary>
    internal static bool HasGlobalCapability(int documented, int length) => documented >= SizeV2 && length >= SizeV2;

    private static void DescribeExBanks(ReadOnlySpan<byte> body, long baseOffset, uint vendor, StructureVisitor visitor)
    {
        int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[Declared.ExBankCountOffset..]);
        if (count == 0) return;
        // Each entry is the header's bank registers (BankNumber, Status, Address, Misc) again, from the four parallel arrays.
        var status = StatusFieldFor(vendor);
        visitor.BeginArray("exBanks", "Further banks", baseOffset + Declared.BankNumberExOffset, SizeV4 - Declared.BankNumberExOffset);
        for (int i = 0; i < count; i++)
        {
            visitor.BeginObject(null, "Bank entry " + i.ToString(CultureInfo.InvariantCulture), baseOffset + BankNumberExElements[i].Offset, BankEntrySize);
            var b = BankNumberExElements[i];
            var s = StatusExElements[i];
            visitor.Field(BankNumberField, baseOffset + b.Offset, body.Slice(b.Offset, b.Size), true, ulong.MaxValue);
            visitor.Field(status, baseOffset + s.Offset, body.Slice(s.Offset, s.Size), true, ulong.MaxValue);
            visitor.Info("mcaErrorCodeMeaning", "MCA error code meaning", McaRegisters.DescribeErrorCode(BinaryPrimitives.ReadUInt16LittleEndian(body[s.Offset..])));
            var a = AddressExElements[i];
            var m = MiscExElements[i];
            visitor.Field(AddressField, baseOffset + a.Offset, body.Slice(a.Offset, a.Size), true, ulong.MaxValue);
            visitor.Field(MiscField, baseOffset + m.Offset, body.Slice(m.Offset, m.Size), true, ulong.MaxValue);
            visitor.EndObject();
        }
        visitor.EndArray();
    }

    // One further bank's registers (BankNumberEx, StatusEx, AddressEx and MiscEx elements): 28 bytes, in four arrays.
    private const int BankEntrySize = Declared.BankNumberExElementSize + Declared.StatusExElementSize + Declared.AddressExElementSize + Declared.MiscExElementSize;

    private static int FittedEnd(StructDef def, int available)
    {
        int end = 0;
        foreach (var f in def.Fields)
        {
            if (f.End > available) break;
            end = f.End;
        }
        return end;
    }

    private static string LayoutText(uint version, int documented, int length)
    {
        string v = version switch
        {
            0 or 1 => "version 1",
            2 => documented == SizeV2 ? "version 2 (with AMD register view and MCG_CAP)" : "version 2",
            3 => "version 3",
            4 => "version 4",
            _ => $"version {version.ToString(CultureInfo.InvariantCulture)} (undocumented: decoded through the common {SizeV1} bytes)",
        };
        string size = documented.ToString(CultureInfo.InvariantCulture) + " bytes";
        if (length < documented) return $"{v}, {size}; the section holds {length.ToString(CultureInfo.InvariantCulture)} (fields past the end are missing)";
        return $"{v}, {size}";
    }

    /// <summary>Windows system time (100 ns units since 1601-01-01 UTC) as text; null when out of range.</summary>
    public static string? SystemTimeText(long systemTime)
    {
        if (systemTime <= 0 || systemTime > DateTime.MaxValue.ToFileTimeUtc()) return null;
        return DateTime.FromFileTimeUtc(systemTime).ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + " UTC";
    }

    /// <summary>The documented size for this section's version and length.</summary>
    public int DocumentedLength => DocumentedSize(VersionNumber, Bytes.Length);


    /// <summary>MCi_STATUS bit 63 (VAL).</summary>
    public bool IsValid => StatusIsValid(Status);
    /// <summary>MCi_STATUS bit 61 (UC).</summary>
    public bool IsUncorrected => StatusIsUncorrected(Status);
    /// <summary>MCi_STATUS bits 15:0 (MCA error code).</summary>
    public ushort McaErrorCode => StatusErrorCode(Status);

    // IA32_MCi_STATUS (Intel SDM vol. 3B 16.3.2.2; AMD APM vol. 2 9.3.2.3): bit 63 VAL, bit 61 UC, bits 15:0 the MCA
    // error code. Shared by the model and XpfMcaSectionView.
    internal static bool StatusIsValid(ulong status) => (status >> 63 & 1) != 0;
    internal static bool StatusIsUncorrected(ulong status) => (status >> 61 & 1) != 0;
    internal static ushort StatusErrorCode(ulong status) => (ushort)status;

    /// <summary>Extended register <paramref name="index"/> (0-23), or for AMD the named registers in order (IPID, SYND, CONFIG, ...).</summary>
    public ulong GetExtendedRegister(int index) => Get(ExtendedRegistersElements[CheckIndex(index, MaxExtendedRegisters)]);

    /// <summary>Sets extended register <paramref name="index"/> (0-23).</summary>
    public void SetExtendedRegister(int index, ulong value) => Set(ExtendedRegistersElements[CheckIndex(index, MaxExtendedRegisters)], value);

    /// <summary>Recovery information field by JSON name (<c>failureReason</c>, <c>action</c>, <c>actionRequired</c>, ...), 0 when absent.</summary>
    /// <exception cref="ArgumentException"><paramref name="json"/> names no recovery information field (the message lists them).</exception>
    public ulong GetRecoveryInfo(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        foreach (var f in LayoutDef.Fields)
            if (IsRecoveryInfo(f) && f.Json == json) return Get(f);
        throw new ArgumentException("'" + json + "' is not a recovery information field; they are: "
            + string.Join(", ", LayoutDef.Fields.Where(f => IsRecoveryInfo(f) && f.Kind != FieldKind.Reserved).Select(f => f.Json)), nameof(json));
    }

    // A field of the inline XPF_RECOVERY_INFO (bytes 272-291) in the flat layout.
    private static bool IsRecoveryInfo(FieldDef f) => f.Offset >= Declared.RecoveryInfoOffset && f.End <= Declared.RecoveryInfoOffset + Declared.RecoveryInfoSize;

    /// <summary>Further bank <paramref name="index"/> (0-31) of a version-4 section.</summary>
    public XpfMcaBank GetExBank(int index)
    {
        CheckIndex(index, MaxExBanks);
        if (Bytes.Length < SizeV4) return default;
        return ReadExBank(Bytes, index);
    }

    /// <summary>Further bank <paramref name="index"/> from the four parallel arrays (the body holds MiscEx[index]); shared by the model and XpfMcaSectionView.</summary>
    internal static XpfMcaBank ReadExBank(ReadOnlySpan<byte> body, int index) => new(
        (uint)BankNumberExElements[index].ReadValue(body), StatusExElements[index].ReadValue(body),
        AddressExElements[index].ReadValue(body), MiscExElements[index].ReadValue(body));

    /// <summary>Sets further bank <paramref name="index"/> (0-31); grows the section to version 4 size when needed.</summary>
    public void SetExBank(int index, XpfMcaBank bank)
    {
        CheckIndex(index, MaxExBanks);
        Set(BankNumberExElements[index], bank.BankNumber);
        Set(StatusExElements[index], bank.Status);
        Set(AddressExElements[index], bank.Address);
        Set(MiscExElements[index], bank.Misc);
    }

    private static int CheckIndex(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        return index;
    }
}

/// <summary>One further machine-check bank of a version-4 XPF MCA section (BankNumberEx, StatusEx, AddressEx, MiscEx).</summary>
/// <param name="BankNumber">Bank number.</param>
/// <param name="Status">IA32_MCi_STATUS.</param>
/// <param name="Address">IA32_MCi_ADDR.</param>
/// <param name="Misc">IA32_MCi_MISC.</param>
public readonly record struct XpfMcaBank(uint BankNumber, ulong Status, ulong Address, ulong Misc);

/// <summary>
/// XPF_RECOVERY_INFO (20 bytes; Vergilius Project, Windows 11 21H2 _XPF_RECOVERY_INFO): what Windows did about the
/// machine check. Bytes 272-291 of an XPF MCA section of version 3 and later (<see cref="XpfMcaSection.RecoveryInfoDef"/>).
/// A declaration only (abstract, never made): its fields are listed in the section's LayoutDef, read through the section.
/// </summary>
[Layout("XPF recovery information", 20, "XPF_RECOVERY_INFO (Vergilius Project, Windows 11 21H2)", View = "")]
[Reserved(11, 1)]
[Reserved(12, 2, Json = "reserved2")]
[Reserved(14, 2, Json = "reserved3")]
[Reserved(16, 4, Json = "reserved4")]
internal abstract partial class XpfRecoveryInfo
{
    private static readonly FlagTable s_recoveryFailure = [
        new(0, "notSupported"), new(1, "overflow"), new(2, "contextCorrupt"), new(3, "restartIpErrorIpNotValid"), new(4, "noRecoveryContext"),
        new(5, "miscOrAddrNotValid"), new(6, "invalidAddressMode"), new(7, "highIrql"), new(8, "interruptsDisabled"), new(9, "swapBusy"), new(10, "stackOverflow"),
    ];

    private static readonly FlagTable s_recoveryAction = [new(0, "recoveryAttempted"), new(1, "hvHandled")];

    /// <summary>FailureReason: why recovery was not possible (bit flags).</summary>
    [Field(0, 4, FieldKind.Flags, Flags = nameof(s_recoveryFailure))] internal abstract uint FailureReason { get; }
    /// <summary>Action: bit 0 recovery attempted, bit 1 handled by the hypervisor.</summary>
    [Field(4, 4, FieldKind.Flags, Flags = nameof(s_recoveryAction))] internal abstract uint Action { get; }
    /// <summary>ActionRequired (BOOLEAN).</summary>
    [Field(8, 1, FieldKind.Enum, Names = "McaRegisters.YesNo")] internal abstract byte ActionRequired { get; }
    /// <summary>RecoverySucceeded (BOOLEAN).</summary>
    [Field(9, 1, FieldKind.Enum, Names = "McaRegisters.YesNo")] internal abstract byte RecoverySucceeded { get; }
    /// <summary>RecoveryKernel (BOOLEAN): recovered in the kernel.</summary>
    [Field(10, 1, FieldKind.Enum, Label = "Recovery in kernel", Names = "McaRegisters.YesNo")] internal abstract byte RecoveryKernel { get; }
}

/// <summary>
/// WHEA_AMD_EXTENDED_REGISTERS (192 bytes; WDK ntddk.h): ten AMD MCA bank registers (AMD64 APM vol. 2, "Machine-Check
/// Architecture"), then reserved slots. Offset 72 of an AMD XPF MCA section of the later version-2 form and later
/// (<see cref="XpfMcaSection.AmdExtendedRegistersDef"/>), in place of the counted extended registers. A declaration only
/// (abstract, never made): the describer and the view read it through its statics.
/// </summary>
[Layout("AMD extended registers", 192, "WHEA_AMD_EXTENDED_REGISTERS (WDK ntddk.h)", View = "")]
[Reserved(80, 112)]
internal abstract partial class XpfAmdExtendedRegisters
{
    /// <summary>MCA_IPID.</summary>
    [Field(0, 8, FieldKind.Hex, Label = "IPID (MCA_IPID: bank instance and hardware ID)")] internal abstract ulong Ipid { get; }
    /// <summary>MCA_SYND.</summary>
    [Field(8, 8, FieldKind.Hex, Label = "SYND (MCA_SYND: syndrome)")] internal abstract ulong Synd { get; }
    /// <summary>MCA_CONFIG.</summary>
    [Field(16, 8, FieldKind.Hex, Label = "CONFIG (MCA_CONFIG: bank configuration)")] internal abstract ulong Config { get; }
    /// <summary>MCA_DESTAT.</summary>
    [Field(24, 8, FieldKind.Hex, Label = "DESTAT (MCA_DESTAT: deferred error status)")] internal abstract ulong Destat { get; }
    /// <summary>MCA_DEADDR.</summary>
    [Field(32, 8, FieldKind.Hex, Label = "DEADDR (MCA_DEADDR: deferred error address)")] internal abstract ulong Deaddr { get; }
    /// <summary>MCA_MISC1.</summary>
    [Field(40, 8, FieldKind.Hex, Label = "MISC1 (MCA_MISC1)")] internal abstract ulong Misc1 { get; }
    /// <summary>MCA_MISC2.</summary>
    [Field(48, 8, FieldKind.Hex, Label = "MISC2 (MCA_MISC2)")] internal abstract ulong Misc2 { get; }
    /// <summary>MCA_MISC3.</summary>
    [Field(56, 8, FieldKind.Hex, Label = "MISC3 (MCA_MISC3)")] internal abstract ulong Misc3 { get; }
    /// <summary>MCA_MISC4.</summary>
    [Field(64, 8, FieldKind.Hex, Label = "MISC4 (MCA_MISC4)")] internal abstract ulong Misc4 { get; }
    /// <summary>MCA_RAS_CAP.</summary>
    [Field(72, 8, FieldKind.Hex, Label = "RasCap (MCA_RAS_CAP)")] internal abstract ulong RasCap { get; }
}
