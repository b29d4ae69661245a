using System.Buffers.Binary;

namespace ApeiKit.Cper.Windows;

// A zero-copy view of the Windows XPF MCA section: a hand-written shell over the generated parts of its one declaration
// (XpfMcaSection: the FieldDefs, the Declared constants, the counted arrays' ExtendedRegistersCount/MiscExCount and
// elements, XpfRecoveryInfo's fields). What it writes itself is what the version and the section length decide (HasX,
// DocumentedLength, the AMD view), through the same helpers as the model and describer (docs/DESIGN.md "One declaration
// per structure"), so the view and the describer agree on every form and count.

/// <summary>
/// A zero-copy view of a Windows XPF MCA section body (WHEA_XPF_MCA_SECTION, GUID 8a1e1d01-42f9-4557-9c33-565e5cc3f7e8):
/// reads each field from the bytes when asked, allocates nothing, never throws on short or hostile bodies and never
/// reads past them. Layout sources as <see cref="XpfMcaSection"/> names them: the WDK's WHEA_XPF_MCA_SECTION syntax
/// (ntddk.h), the Vergilius Project's _WHEA_XPF_MCA_SECTION and _XPF_RECOVERY_INFO offsets (Windows 10 21H2, Windows
/// 11 24H2), and the per-version sizes as ralish/DecodeWheaRecord documents them; MCi_STATUS bits per the Intel SDM
/// vol. 3B 16.3.2.2 and the AMD APM vol. 2 9.3.2.3.
/// </summary>
/// <remarks>
/// Versions (offset 0): 1 = 264 bytes (offset 68 reserved); 2 = 264 bytes, or 272 with the AMD register view and
/// MCG_CAP; 3 = 292 bytes (+ XPF_RECOVERY_INFO); 4 = 1192 bytes (+ up to 32 further banks). The <c>HasX</c> members say
/// whether a part belongs to the version and is in the body; the accessors of a part that is not read 0 (or nothing).
/// </remarks>
public readonly ref struct XpfMcaSectionView
{
    private readonly ReadOnlySpan<byte> _body;

    private XpfMcaSectionView(ReadOnlySpan<byte> body) => _body = body;

    /// <summary>
    /// A view over <paramref name="body"/>; false (and a default view) when it is shorter than the 72-byte header every
    /// version has (<see cref="XpfMcaSection.HeaderSize"/>: VersionNumber through ApicId). Never throws.
    /// </summary>
    /// <param name="body">The section body.</param>
    /// <param name="view">The view, when true.</param>
    public static bool TryRead(ReadOnlySpan<byte> body, out XpfMcaSectionView view)
    {
        if (body.Length < XpfMcaSection.HeaderSize)
        {
            view = default;
            return false;
        }
        view = new XpfMcaSectionView(body);
        return true;
    }

    // A default view has no bytes: its accessors read 0 rather than throw.
    private ulong Read(FieldDef field) => field.End <= _body.Length ? field.ReadValue(_body) : 0;

    /// <summary>The section body the view reads (all of it, trailing bytes included).</summary>
    public ReadOnlySpan<byte> Bytes => _body;

    /// <summary>VersionNumber (offset 0): 1 to 4 documented; others are read through the part common to all (264 bytes).</summary>
    public uint VersionNumber => (uint)Read(XpfMcaSection.VersionNumberField);

    /// <summary>CpuVendor (offset 4, WHEA_CPU_VENDOR: 0 other, 1 Intel, 2 AMD); picks the MCi_STATUS bit table and, for AMD, the register view at offset 72.</summary>
    public uint CpuVendor => (uint)Read(XpfMcaSection.CpuVendorField);

    /// <summary>The documented size of this section's version and length (<see cref="XpfMcaSection.DocumentedSize"/>: 264, 272, 292 or 1192).</summary>
    public int DocumentedLength => XpfMcaSection.DocumentedSize(VersionNumber, _body.Length);

    /// <summary>Timestamp (offset 8, LARGE_INTEGER): Windows system time, 100 ns units since 1601-01-01 UTC (see <see cref="XpfMcaSection.SystemTimeText"/>).</summary>
    public long Timestamp => (long)Read(XpfMcaSection.TimestampField);

    /// <summary>ProcessorNumber (offset 16).</summary>
    public uint ProcessorNumber => (uint)Read(XpfMcaSection.ProcessorNumberField);

    /// <summary>GlobalStatus (offset 20, IA32_MCG_STATUS, Intel SDM vol. 3B 16.3.1.2).</summary>
    public ulong GlobalStatus => Read(XpfMcaSection.GlobalStatusField);

    /// <summary>InstructionPointer (offset 28).</summary>
    public ulong InstructionPointer => Read(XpfMcaSection.InstructionPointerField);

    /// <summary>BankNumber (offset 36): the machine-check bank the Status, Address and Misc registers are from.</summary>
    public uint BankNumber => (uint)Read(XpfMcaSection.BankNumberField);

    /// <summary>Status (offset 40, IA32_MCi_STATUS, Intel SDM vol. 3B 16.3.2.2; AMD APM vol. 2 9.3.2.3).</summary>
    public ulong Status => Read(XpfMcaSection.StatusField);

    /// <summary>MCi_STATUS bit 63 (VAL: the bank holds a valid error).</summary>
    public bool IsValid => XpfMcaSection.StatusIsValid(Status);

    /// <summary>MCi_STATUS bit 61 (UC: the error was not corrected).</summary>
    public bool IsUncorrected => XpfMcaSection.StatusIsUncorrected(Status);

    /// <summary>MCi_STATUS bits 15:0 (the MCA error code; <see cref="McaRegisters.DescribeErrorCode"/> reads it out).</summary>
    public ushort McaErrorCode => XpfMcaSection.StatusErrorCode(Status);

    /// <summary>Address (offset 48, IA32_MCi_ADDR).</summary>
    public ulong Address => Read(XpfMcaSection.AddressField);

    /// <summary>Misc (offset 56, IA32_MCi_MISC).</summary>
    public ulong Misc => Read(XpfMcaSection.MiscField);

    /// <summary>ExtendedRegisterCount (offset 64) as stored (WHEA_XPF_MCA_EXTREG_MAX_COUNT is 24; <see cref="ExtendedRegisters"/> clamps).</summary>
    public uint ExtendedRegisterCount => (uint)Read(XpfMcaSection.ExtendedRegisterCountField);

    /// <summary>Whether offset 68 is ApicId: version 2 and later (version 1, and 0, have Reserved2 there, per ralish/DecodeWheaRecord).</summary>
    public bool HasApicId => XpfMcaSection.ApicIdFieldFor(VersionNumber).Kind != FieldKind.Reserved;

    /// <summary>ApicId (offset 68) when <see cref="HasApicId"/>; otherwise the reserved field's value as stored.</summary>
    public uint ApicId => (uint)Read(XpfMcaSection.ApicIdField);

    /// <summary>
    /// The counted extended registers (offset 72, 8 bytes each, WDK ExtendedRegisters[24]): ExtendedRegisterCount of
    /// them, clamped to 24 and to the registers the body holds. Read as stored whatever the vendor (for AMD they are the
    /// named registers of <see cref="AmdExtendedRegisters"/> in order). Allocates nothing.
    /// </summary>
    public XpfMcaExtendedRegisterEnumerator ExtendedRegisters => new(_body, XpfMcaSection.ExtendedRegistersCount(_body));

    /// <summary>Whether offset 72 is the AMD register view (WHEA_AMD_EXTENDED_REGISTERS): CPU vendor AMD, the later version-2 form or later, and the body holds MCG_CAP (as the describer shows it).</summary>
    public bool HasAmdExtendedRegisters => XpfMcaSection.HasAmdView(CpuVendor, DocumentedLength, _body.Length);

    /// <summary>
    /// The AMD register view's 192 bytes (IPID, SYND, CONFIG, DESTAT, DEADDR, MISC1-4, RasCap, then reserved; read them
    /// with <see cref="XpfMcaSection.AmdExtendedRegistersDef"/>) when <see cref="HasAmdExtendedRegisters"/>; empty otherwise.
    /// </summary>
    public ReadOnlySpan<byte> AmdExtendedRegisters => HasAmdExtendedRegisters
        ? _body.Slice(XpfMcaSection.ExtendedRegistersOffset, XpfMcaSection.AmdExtendedRegistersDef.Size) : default;

    /// <summary>Whether GlobalCapability (offset 264, IA32_MCG_CAP) is in this version's layout (the later version-2 form and later) and in the body.</summary>
    public bool HasGlobalCapability => XpfMcaSection.HasGlobalCapability(DocumentedLength, _body.Length);

    /// <summary>GlobalCapability (IA32_MCG_CAP, Intel SDM vol. 3B 16.3.1.1) when <see cref="HasGlobalCapability"/>; 0 otherwise.</summary>
    public ulong GlobalCapability => HasGlobalCapability ? Read(XpfMcaSection.GlobalCapabilityField) : 0;

    /// <summary>
    /// Whether XPF_RECOVERY_INFO (offset 272, Vergilius Project _XPF_RECOVERY_INFO) is in this version's layout
    /// (version 3 and later) and the body holds its fields through RecoveryKernel (byte 10; the rest is reserved: real
    /// Windows 10 captures hold a version-3 section of 289 bytes, 3 short).
    /// </summary>
    public bool HasRecoveryInfo => DocumentedLength >= XpfMcaSection.SizeV3
        && _body.Length >= XpfMcaSection.Declared.RecoveryInfoOffset + XpfRecoveryInfo.Declared.RecoveryKernelOffset + XpfRecoveryInfo.Declared.RecoveryKernelSize;

    /// <summary>XPF_RECOVERY_INFO FailureReason (bit flags: not supported, overflow, context corrupt, ...) when <see cref="HasRecoveryInfo"/>; 0 otherwise.</summary>
    public uint RecoveryFailureReason => (uint)RecoveryInfo(XpfRecoveryInfo.FailureReasonField);

    /// <summary>XPF_RECOVERY_INFO Action (bit 0 recovery attempted, bit 1 handled by the hypervisor) when <see cref="HasRecoveryInfo"/>; 0 otherwise.</summary>
    public uint RecoveryAction => (uint)RecoveryInfo(XpfRecoveryInfo.ActionField);

    /// <summary>XPF_RECOVERY_INFO ActionRequired (byte 8, non-zero: yes) when <see cref="HasRecoveryInfo"/>; false otherwise.</summary>
    public bool RecoveryActionRequired => RecoveryInfo(XpfRecoveryInfo.ActionRequiredField) != 0;

    /// <summary>XPF_RECOVERY_INFO RecoverySucceeded (byte 9, non-zero: yes) when <see cref="HasRecoveryInfo"/>; false otherwise.</summary>
    public bool RecoverySucceeded => RecoveryInfo(XpfRecoveryInfo.RecoverySucceededField) != 0;

    /// <summary>XPF_RECOVERY_INFO RecoveryKernel (byte 10, non-zero: recovered in the kernel) when <see cref="HasRecoveryInfo"/>; false otherwise.</summary>
    public bool RecoveryKernel => RecoveryInfo(XpfRecoveryInfo.RecoveryKernelField) != 0;

    private ulong RecoveryInfo(FieldDef field) => HasRecoveryInfo ? field.ReadValue(_body[XpfMcaSection.Declared.RecoveryInfoOffset..]) : 0;

    /// <summary>Whether ExBankCount (offset 292) is in this version's layout (version 4) and in the body.</summary>
    public bool HasExBanks => DocumentedLength >= XpfMcaSection.SizeV4 && _body.Length >= XpfMcaSection.ExBankCountField.End;

    /// <summary>ExBankCount (offset 292) as stored when <see cref="HasExBanks"/> (WHEA_XPF_MCA_EXBANK_COUNT is 32; <see cref="ExBanks"/> clamps); 0 otherwise.</summary>
    public uint ExBankCount => HasExBanks ? (uint)Read(XpfMcaSection.ExBankCountField) : 0;

    /// <summary>
    /// The further banks of a version-4 section (BankNumberEx, StatusEx, AddressEx and MiscEx, four parallel arrays
    /// of 32): ExBankCount of them, clamped to 32 and to the entries whose MiscEx the body holds. None without
    /// <see cref="HasExBanks"/>. Allocates nothing.
    /// </summary>
    public XpfMcaBankEnumerator ExBanks => new(_body, HasExBanks ? XpfMcaSection.MiscExCount(_body) : 0);

    /// <summary>The bytes past <see cref="DocumentedLength"/> (kept and shown raw by the describer); empty when the body is no longer than its version's layout.</summary>
    public ReadOnlySpan<byte> TrailingBytes
    {
        get
        {
            int documented = DocumentedLength;
            return _body.Length > documented ? _body[documented..] : default;
        }
    }
}

/// <summary>Walks the counted extended registers of an <see cref="XpfMcaSectionView"/> (a <c>ref struct</c>: nothing allocated).</summary>
public ref struct XpfMcaExtendedRegisterEnumerator
{
    private ArrayWalk _walk; // the registers, counted once (ExtendedRegistersCount: they fit)

    internal XpfMcaExtendedRegisterEnumerator(ReadOnlySpan<byte> body, int count)
        => _walk = new ArrayWalk(body, XpfMcaSection.ExtendedRegistersOffset, count, XpfMcaSection.Declared.ExtendedRegistersElementSize);

    /// <summary>How many registers the walk gives.</summary>
    public readonly int Count => _walk.Count;

    /// <summary>The register at the current position.</summary>
    public readonly ulong Current => BinaryPrimitives.ReadUInt64LittleEndian(_walk.Current);

    /// <summary>Moves to the next register.</summary>
    public bool MoveNext() => _walk.MoveNext();

    /// <summary>Itself, for <c>foreach</c>.</summary>
    public readonly XpfMcaExtendedRegisterEnumerator GetEnumerator() => this;
}

/// <summary>Walks the further banks of a version-4 <see cref="XpfMcaSectionView"/> (a <c>ref struct</c>: nothing allocated).</summary>
public ref struct XpfMcaBankEnumerator
{
    private readonly ReadOnlySpan<byte> _body;
    private readonly int _count;
    private int _index;

    internal XpfMcaBankEnumerator(ReadOnlySpan<byte> body, int count)
    {
        _body = body;
        _count = count;
        _index = -1;
    }

    /// <summary>How many banks the walk gives.</summary>
    public readonly int Count => _count;

    /// <summary>The bank at the current position.</summary>
    public readonly XpfMcaBank Current => XpfMcaSection.ReadExBank(_body, _index);

    /// <summary>Moves to the next bank.</summary>
    public bool MoveNext() => ++_index < _count;

    /// <summary>Itself, for <c>foreach</c>.</summary>
    public readonly XpfMcaBankEnumerator GetEnumerator() => this;
}
