using System.Buffers.Binary;
using System.Globalization;

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
public sealed class XpfMcaSection : FixedSectionBody
{
    private const string Structure = "Windows XPF MCA section";

    /// <summary>Bytes every version has before the extended registers (VersionNumber through ApicId).</summary>
    public const int HeaderSize = 72;
    /// <summary>Offset of the extended register array (or the AMD register view), 24 × 8 bytes.</summary>
    public const int ExtendedRegistersOffset = 72;
    /// <summary>Capacity of the extended register array (WHEA_XPF_MCA_EXTREG_MAX_COUNT).</summary>
    public const int MaxExtendedRegisters = 24;
    /// <summary>Size through the extended registers (versions 1 and 2).</summary>
    public const int SizeV1 = 264;
    /// <summary>Size through GlobalCapability (later version 2).</summary>
    public const int SizeV2 = 272;
    /// <summary>Size through RecoveryInfo (version 3).</summary>
    public const int SizeV3 = 292;
    /// <summary>Size through MiscEx (version 4).</summary>
    public const int SizeV4 = 1192;
    /// <summary>Capacity of each version-4 further-bank array (WHEA_XPF_MCA_EXBANK_COUNT).</summary>
    public const int MaxExBanks = 32;

    private const int GlobalCapabilityOffset = 264;
    internal const int RecoveryInfoOffset = 272;
    private const int RecoveryInfoSize = 20;
    internal const int ExBankCountOffset = 292;
    private const int BankNumberExOffset = 296;
    private const int StatusExOffset = 424;
    private const int AddressExOffset = 680;
    internal const int MiscExOffset = 936;

    /// <summary>VersionNumber (offset 0).</summary>
    public static readonly FieldDef VersionNumberField = FieldDef.UInt("versionNumber", "Version", 0, 4);
    /// <summary>CpuVendor (offset 4, WHEA_CPU_VENDOR).</summary>
    public static readonly FieldDef CpuVendorField = FieldDef.Enum("cpuVendor", "CPU vendor", 4, 4, McaRegisters.CpuVendors);
    /// <summary>Timestamp (offset 8, LARGE_INTEGER: Windows system time, 100 ns units since 1601).</summary>
    public static readonly FieldDef TimestampField = FieldDef.Hex("timestamp", "Timestamp (raw system time)", 8, 8);
    /// <summary>ProcessorNumber (offset 16).</summary>
    public static readonly FieldDef ProcessorNumberField = FieldDef.UInt("processorNumber", "Processor number", 16, 4);
    /// <summary>GlobalStatus (offset 20, IA32_MCG_STATUS).</summary>
    public static readonly FieldDef GlobalStatusField = FieldDef.Flags("globalStatus", "Global status (MCG_STATUS)", 20, 8, McaRegisters.GlobalStatusFlags);
    /// <summary>InstructionPointer (offset 28).</summary>
    public static readonly FieldDef InstructionPointerField = FieldDef.Hex("instructionPointer", "Instruction pointer", 28, 8);
    /// <summary>BankNumber (offset 36).</summary>
    public static readonly FieldDef BankNumberField = FieldDef.UInt("bankNumber", "Bank number", 36, 4);
    /// <summary>Status (offset 40, IA32_MCi_STATUS; vendor-neutral bit view).</summary>
    public static readonly FieldDef StatusField = StatusFieldFor(0);
    /// <summary>Address (offset 48, IA32_MCi_ADDR).</summary>
    public static readonly FieldDef AddressField = FieldDef.Hex("address", "Address (MCi_ADDR)", 48, 8);
    /// <summary>Misc (offset 56, IA32_MCi_MISC).</summary>
    public static readonly FieldDef MiscField = FieldDef.Hex("misc", "Miscellaneous (MCi_MISC)", 56, 8);
    /// <summary>ExtendedRegisterCount (offset 64).</summary>
    public static readonly FieldDef ExtendedRegisterCountField = FieldDef.UInt("extendedRegisterCount", "Extended register count", 64, 4);
    /// <summary>ApicId (offset 68; Reserved2 in version 1).</summary>
    public static readonly FieldDef ApicIdField = FieldDef.Hex("apicId", "APIC ID", 68, 4);
    /// <summary>Version 1: offset 68 is reserved.</summary>
    public static readonly FieldDef Reserved2Field = FieldDef.Reserved("reserved2", 68, 4);
    /// <summary>GlobalCapability (offset 264, IA32_MCG_CAP; later version 2 and up).</summary>
    public static readonly FieldDef GlobalCapabilityField = FieldDef.Bits("globalCapability", "Global capability (MCG_CAP)", GlobalCapabilityOffset, 8, McaRegisters.GlobalCapabilityBits);
    /// <summary>ExBankCount (offset 292, version 4).</summary>
    public static readonly FieldDef ExBankCountField = FieldDef.UInt("exBankCount", "Further bank count", ExBankCountOffset, 4);

    private static FieldDef StatusFieldFor(uint vendor) => FieldDef.Bits("status", "Status (MCi_STATUS)", 40, 8, McaRegisters.StatusBitsFor(vendor));

    private static readonly FlagTable s_recoveryFailure = [
        new(0, "notSupported"), new(1, "overflow"), new(2, "contextCorrupt"), new(3, "restartIpErrorIpNotValid"), new(4, "noRecoveryContext"),
        new(5, "miscOrAddrNotValid"), new(6, "invalidAddressMode"), new(7, "highIrql"), new(8, "interruptsDisabled"), new(9, "swapBusy"), new(10, "stackOverflow"),
    ];

    private static readonly FlagTable s_recoveryAction = [new(0, "recoveryAttempted"), new(1, "hvHandled")];

    // XPF_RECOVERY_INFO's fields (offsets relative to the structure), shared by RecoveryInfoDef and XpfMcaSectionView.
    internal static readonly FieldDef FailureReasonField = FieldDef.Flags("failureReason", "Failure reason", 0, 4, s_recoveryFailure);
    internal static readonly FieldDef ActionField = FieldDef.Flags("action", "Action", 4, 4, s_recoveryAction);
    internal static readonly FieldDef ActionRequiredField = FieldDef.Enum("actionRequired", "Action required", 8, 1, McaRegisters.YesNo);
    internal static readonly FieldDef RecoverySucceededField = FieldDef.Enum("recoverySucceeded", "Recovery succeeded", 9, 1, McaRegisters.YesNo);
    internal static readonly FieldDef RecoveryKernelField = FieldDef.Enum("recoveryKernel", "Recovery in kernel", 10, 1, McaRegisters.YesNo);

    /// <summary>XPF_RECOVERY_INFO (20 bytes; Vergilius Project, Windows 11 21H2 _XPF_RECOVERY_INFO).</summary>
    public static StructDef RecoveryInfoDef { get; } = new("XPF recovery information", RecoveryInfoSize,
    [
        FailureReasonField, ActionField, ActionRequiredField, RecoverySucceededField, RecoveryKernelField,
        FieldDef.Reserved("reserved", 11, 1),
        FieldDef.Reserved("reserved2", 12, 2),
        FieldDef.Reserved("reserved3", 14, 2),
        FieldDef.Reserved("reserved4", 16, 4),
    ]);

    /// <summary>WHEA_AMD_EXTENDED_REGISTERS (192 bytes: ten AMD MCA bank registers, then reserved slots).</summary>
    public static StructDef AmdExtendedRegistersDef { get; } = new("AMD extended registers", 192,
    [
        FieldDef.Hex("ipid", "IPID (MCA_IPID: bank instance and hardware ID)", 0, 8),
        FieldDef.Hex("synd", "SYND (MCA_SYND: syndrome)", 8, 8),
        FieldDef.Hex("config", "CONFIG (MCA_CONFIG: bank configuration)", 16, 8),
        FieldDef.Hex("destat", "DESTAT (MCA_DESTAT: deferred error status)", 24, 8),
        FieldDef.Hex("deaddr", "DEADDR (MCA_DEADDR: deferred error address)", 32, 8),
        FieldDef.Hex("misc1", "MISC1 (MCA_MISC1)", 40, 8),
        FieldDef.Hex("misc2", "MISC2 (MCA_MISC2)", 48, 8),
        FieldDef.Hex("misc3", "MISC3 (MCA_MISC3)", 56, 8),
        FieldDef.Hex("misc4", "MISC4 (MCA_MISC4)", 64, 8),
        FieldDef.Hex("rasCap", "RasCap (MCA_RAS_CAP)", 72, 8),
        FieldDef.Reserved("reserved", 80, 112),
    ]);

    private static readonly StructDef[] s_headers =
    [
        HeaderDef(0, v1: false), HeaderDef(1, v1: false), HeaderDef(2, v1: false),
        HeaderDef(0, v1: true), HeaderDef(1, v1: true), HeaderDef(2, v1: true),
    ];

    private static StructDef HeaderDef(uint vendor, bool v1) => new(Structure + " header", HeaderSize,
    [
        VersionNumberField, CpuVendorField, TimestampField, ProcessorNumberField, GlobalStatusField, InstructionPointerField,
        BankNumberField, StatusFieldFor(vendor), AddressField, MiscField, ExtendedRegisterCountField, v1 ? Reserved2Field : ApicIdField,
    ]);

    /// <summary>The header layout (offsets 0-71) for a CPU vendor and version (MCi_STATUS bits differ by vendor).</summary>
    public static StructDef HeaderLayout(uint vendor, uint version) => s_headers[(vendor <= 2 ? (int)vendor : 0) + (version <= 1 ? 3 : 0)];

    /// <summary>The fixed fields of version 4 at their section offsets (arrays are reached through the indexed accessors).</summary>
    public static StructDef LayoutDef { get; } = new(Structure, SizeV4,
    [
        .. HeaderDef(0, v1: false).Fields, GlobalCapabilityField,
        .. RecoveryInfoDef.Fields.Select(f => f with { Offset = f.Offset + RecoveryInfoOffset }), ExBankCountField,
    ]);

    internal static readonly FieldDef[] ExtendedRegisterFields = [.. Enumerable.Range(0, MaxExtendedRegisters)
        .Select(i => FieldDef.Hex("register" + i.ToString(CultureInfo.InvariantCulture), "Register " + i.ToString(CultureInfo.InvariantCulture), ExtendedRegistersOffset + 8 * i, 8))];

    /// <summary>Further-bank entry fields (offsets relative to each array's element).</summary>
    private static readonly FieldDef s_bankNumberEx = FieldDef.UInt("bankNumber", "Bank number", 0, 4);
    private static readonly FieldDef[] s_statusEx = [StatusAt(0), StatusAt(1), StatusAt(2)];
    private static readonly FieldDef s_addressEx = FieldDef.Hex("address", "Address (MCi_ADDR)", 0, 8);
    private static readonly FieldDef s_miscEx = FieldDef.Hex("misc", "Miscellaneous (MCi_MISC)", 0, 8);

    private static FieldDef StatusAt(uint vendor) => FieldDef.Bits("status", "Status (MCi_STATUS)", 0, 8, McaRegisters.StatusBitsFor(vendor));

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
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(body[64..]);
        if (count > MaxExtendedRegisters)
            return ApeiContentException.Invalid(Structure, "ExtendedRegisterCount", baseOffset + 64, $"at most {MaxExtendedRegisters}", count.ToString(CultureInfo.InvariantCulture));
        if ((ulong)ExtendedRegistersOffset + 8UL * count > (ulong)body.Length)
            return ApeiContentException.Truncated(Structure, baseOffset + ExtendedRegistersOffset, 8L * count, body.Length - ExtendedRegistersOffset,
                $"ExtendedRegisters (ExtendedRegisterCount = {count})");
        return null;
    }

    private static ApeiContentException? CheckExBanks(ReadOnlySpan<byte> body, long baseOffset)
    {
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(body);
        if (version != 4 || body.Length < ExBankCountOffset + 4) return null;
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(body[ExBankCountOffset..]);
        if (count > MaxExBanks)
            return ApeiContentException.Invalid(Structure, "ExBankCount", baseOffset + ExBankCountOffset, $"at most {MaxExBanks}", count.ToString(CultureInfo.InvariantCulture));
        long needed = count == 0 ? 0 : MiscExOffset + 8L * count;
        if (needed > body.Length)
            return ApeiContentException.Truncated(Structure, baseOffset + BankNumberExOffset, needed - BankNumberExOffset, body.Length - BankNumberExOffset,
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
        uint vendor = BinaryPrimitives.ReadUInt32LittleEndian(body[4..]);
        int documented = DocumentedSize(version, body.Length);
        visitor.Info("layout", "Layout", LayoutText(version, documented, body.Length));

        var header = HeaderLayout(vendor, version);
        foreach (var f in header.Fields)
        {
            visitor.Field(f, body, baseOffset);
            if (ReferenceEquals(f, TimestampField)) visitor.Info("timestampUtc", "Timestamp", SystemTimeText(BinaryPrimitives.ReadInt64LittleEndian(body[8..])));
            else if (f.Json == "status") visitor.Info("mcaErrorCodeMeaning", "MCA error code meaning", McaRegisters.DescribeErrorCode(BinaryPrimitives.ReadUInt16LittleEndian(body[40..])));
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
            int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[64..]);
            if (count > 0)
            {
                visitor.BeginObject("extendedRegisters", "Extended registers", baseOffset + ExtendedRegistersOffset, 8L * count);
                for (int i = 0; i < count; i++) visitor.Field(ExtendedRegisterFields[i], body, baseOffset);
                visitor.EndObject();
            }
            var unused = body[(ExtendedRegistersOffset + 8 * count)..regionEnd];
            if (unused.ContainsAnyExcept((byte)0) || visitor.ReportsZeroParts)
                visitor.Data("unusedExtendedRegisterSlots", "Unused extended register slots (non-zero)", baseOffset + ExtendedRegistersOffset + 8 * count, unused);
        }
        int end = regionEnd;

        if (HasGlobalCapability(documented, body.Length))
        {
            visitor.Field(GlobalCapabilityField, body, baseOffset);
            end = SizeV2;
        }

        if (documented >= SizeV3 && body.Length > RecoveryInfoOffset)
        {
            var info = body.Slice(RecoveryInfoOffset, Math.Min(RecoveryInfoSize, body.Length - RecoveryInfoOffset));
            visitor.BeginObject("recoveryInfo", "Recovery information (XPF_RECOVERY_INFO)", baseOffset + RecoveryInfoOffset, info.Length);
            RecoveryInfoDef.Describe(info, baseOffset + RecoveryInfoOffset, visitor);
            visitor.EndObject();
            end = RecoveryInfoOffset + FittedEnd(RecoveryInfoDef, info.Length);
        }

        if (documented >= SizeV4 && body.Length >= ExBankCountOffset + 4)
        {
            visitor.Field(ExBankCountField, body, baseOffset);
            end = ExBankCountOffset + 4;
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
            else visitor.Data("trailingBytes", "Bytes past the documented layout", baseOffset + end, body[end..]);
        }
    }

    /// <summary>Offset 72 is the AMD register view (WHEA_AMD_EXTENDED_REGISTERS): vendor AMD, the later version-2 form or later, and the section holds MCG_CAP.</summary>
    internal static bool HasAmdView(uint vendor, int documented, int length) => vendor == 2 && HasGlobalCapability(documented, length);

    /// <summary>GlobalCapability (offset 264) is part of the layout and in the section.</summary>
    internal static bool HasGlobalCapability(int documented, int length) => documented >= SizeV2 && length >= SizeV2;

    private static void DescribeExBanks(ReadOnlySpan<byte> body, long baseOffset, uint vendor, StructureVisitor visitor)
    {
        int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[ExBankCountOffset..]);
        if (count == 0) return;
        var status = s_statusEx[vendor <= 2 ? (int)vendor : 0];
        visitor.BeginArray("exBanks", "Further banks", baseOffset + BankNumberExOffset, SizeV4 - BankNumberExOffset);
        for (int i = 0; i < count; i++)
        {
            visitor.BeginObject(null, "Bank entry " + i.ToString(CultureInfo.InvariantCulture), baseOffset + BankNumberExOffset + 4 * i, 28);
            int b = BankNumberExOffset + 4 * i, s = StatusExOffset + 8 * i, a = AddressExOffset + 8 * i, m = MiscExOffset + 8 * i;
            visitor.Field(s_bankNumberEx, baseOffset + b, body.Slice(b, 4), true, ulong.MaxValue);
            visitor.Field(status, baseOffset + s, body.Slice(s, 8), true, ulong.MaxValue);
            visitor.Info("mcaErrorCodeMeaning", "MCA error code meaning", McaRegisters.DescribeErrorCode(BinaryPrimitives.ReadUInt16LittleEndian(body[s..])));
            visitor.Field(s_addressEx, baseOffset + a, body.Slice(a, 8), true, ulong.MaxValue);
            visitor.Field(s_miscEx, baseOffset + m, body.Slice(m, 8), true, ulong.MaxValue);
            visitor.EndObject();
        }
        visitor.EndArray();
    }

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

    /// <summary>VersionNumber.</summary>
    public uint VersionNumber { get => (uint)Get(VersionNumberField); set => Set(VersionNumberField, value); }
    /// <summary>CpuVendor (WHEA_CPU_VENDOR: 0 other, 1 Intel, 2 AMD).</summary>
    public uint CpuVendor { get => (uint)Get(CpuVendorField); set => Set(CpuVendorField, value); }
    /// <summary>Timestamp: Windows system time (100 ns units since 1601 UTC).</summary>
    public long Timestamp { get => (long)Get(TimestampField); set => Set(TimestampField, (ulong)value); }
    /// <summary>ProcessorNumber.</summary>
    public uint ProcessorNumber { get => (uint)Get(ProcessorNumberField); set => Set(ProcessorNumberField, value); }
    /// <summary>GlobalStatus (IA32_MCG_STATUS).</summary>
    public ulong GlobalStatus { get => Get(GlobalStatusField); set => Set(GlobalStatusField, value); }
    /// <summary>InstructionPointer.</summary>
    public ulong InstructionPointer { get => Get(InstructionPointerField); set => Set(InstructionPointerField, value); }
    /// <summary>BankNumber.</summary>
    public uint BankNumber { get => (uint)Get(BankNumberField); set => Set(BankNumberField, value); }
    /// <summary>Status (IA32_MCi_STATUS).</summary>
    public ulong Status { get => Get(StatusField); set => Set(StatusField, value); }
    /// <summary>Address (IA32_MCi_ADDR).</summary>
    public ulong Address { get => Get(AddressField); set => Set(AddressField, value); }
    /// <summary>Misc (IA32_MCi_MISC).</summary>
    public ulong Misc { get => Get(MiscField); set => Set(MiscField, value); }
    /// <summary>ExtendedRegisterCount.</summary>
    public uint ExtendedRegisterCount { get => (uint)Get(ExtendedRegisterCountField); set => Set(ExtendedRegisterCountField, value); }
    /// <summary>ApicId (version 2 and later; reserved in version 1).</summary>
    public uint ApicId { get => (uint)Get(ApicIdField); set => Set(ApicIdField, value); }
    /// <summary>GlobalCapability (IA32_MCG_CAP; 0 when the section is too short to hold it). Setting grows the section to version 4 size.</summary>
    public ulong GlobalCapability { get => Get(GlobalCapabilityField); set => Set(GlobalCapabilityField, value); }
    /// <summary>ExBankCount (version 4).</summary>
    public uint ExBankCount { get => (uint)Get(ExBankCountField); set => Set(ExBankCountField, value); }

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
    public ulong GetExtendedRegister(int index) => Get(ExtendedRegisterFields[CheckIndex(index, MaxExtendedRegisters)]);

    /// <summary>Sets extended register <paramref name="index"/> (0-23).</summary>
    public void SetExtendedRegister(int index, ulong value) => Set(ExtendedRegisterFields[CheckIndex(index, MaxExtendedRegisters)], value);

    /// <summary>Recovery information field by JSON name (<c>failureReason</c>, <c>action</c>, <c>actionRequired</c>, ...), 0 when absent.</summary>
    public ulong GetRecoveryInfo(string json) => Get(LayoutDef.Fields.First(f => f.Offset >= RecoveryInfoOffset && f.Offset < ExBankCountOffset && f.Json == json));

    /// <summary>Further bank <paramref name="index"/> (0-31) of a version-4 section.</summary>
    public XpfMcaBank GetExBank(int index)
    {
        CheckIndex(index, MaxExBanks);
        if (Bytes.Length < SizeV4) return default;
        return ReadExBank(Bytes, index);
    }

    /// <summary>Further bank <paramref name="index"/> from the four parallel arrays (the body holds MiscEx[index]); shared by the model and XpfMcaSectionView.</summary>
    internal static XpfMcaBank ReadExBank(ReadOnlySpan<byte> body, int index) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(body[(BankNumberExOffset + 4 * index)..]),
        BinaryPrimitives.ReadUInt64LittleEndian(body[(StatusExOffset + 8 * index)..]),
        BinaryPrimitives.ReadUInt64LittleEndian(body[(AddressExOffset + 8 * index)..]),
        BinaryPrimitives.ReadUInt64LittleEndian(body[(MiscExOffset + 8 * index)..]));

    /// <summary>Sets further bank <paramref name="index"/> (0-31); grows the section to version 4 size when needed.</summary>
    public void SetExBank(int index, XpfMcaBank bank)
    {
        CheckIndex(index, MaxExBanks);
        Set(FieldDef.UInt("bankNumberEx", "Bank number", BankNumberExOffset + 4 * index, 4), bank.BankNumber);
        Set(FieldDef.Hex("statusEx", "Status", StatusExOffset + 8 * index, 8), bank.Status);
        Set(FieldDef.Hex("addressEx", "Address", AddressExOffset + 8 * index, 8), bank.Address);
        Set(FieldDef.Hex("miscEx", "Misc", MiscExOffset + 8 * index, 8), bank.Misc);
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
