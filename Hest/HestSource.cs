using System.Buffers;
using System.Buffers.Binary;

namespace ApeiKit.Hest;

/// <summary>
/// An editable error source structure (ACPI 6.5 §18.3.2). The fixed part is kept as bytes read and written
/// through the type's layout, so reserved bytes survive and decode then encode is byte-identical. Every
/// layout field can also be read and written by its JSON name (<see cref="GetField"/>, <see cref="SetField"/>).
/// </summary>
public abstract class HestSource : IApeiEncodable
{
    private readonly byte[] _bytes;

    /// <summary>Creates a source of <paramref name="type"/>: over a copy of <paramref name="fixedPart"/>, or zeroed with the type and the defaults a VM author wants.</summary>
    private protected HestSource(HestSourceType type, ReadOnlySpan<byte> fixedPart)
    {
        Kind = HestLayouts.Kinds[type];
        if (fixedPart.IsEmpty)
        {
            _bytes = new byte[Kind.FixedSize];
            BinaryPrimitives.WriteUInt16LittleEndian(_bytes, (ushort)type);
            if (type != HestSourceType.Ia32Nmi) GhesDeclaration.EnabledField.WriteValue(_bytes, 1);
            NumberOfRecordsToPreAllocate = 1;
            MaxSectionsPerRecord = 1;
        }
        else
        {
            _bytes = fixedPart[..Kind.FixedSize].ToArray();
        }
    }

    /// <summary>Layout, size and nested structures of this type.</summary>
    public HestSourceKind Kind { get; }
    /// <summary>The type.</summary>
    public HestSourceType Type => Kind.Type;
    /// <summary>The fixed part's bytes (a copy).</summary>
    public byte[] ToArray() => (byte[])_bytes.Clone();
    /// <summary>The fixed part, for derived types.</summary>
    private protected Span<byte> Raw => _bytes;

    /// <summary>Source ID: unique among the table's error sources.</summary>
    public ushort SourceId { get => (ushort)Get(Ia32NmiDeclaration.SourceIdField); set => Set(Ia32NmiDeclaration.SourceIdField, value); }
    /// <summary>Number of error records to pre-allocate (offset 8; at least 1).</summary>
    public uint NumberOfRecordsToPreAllocate { get => (uint)Get(Ia32NmiDeclaration.NumberOfRecordsToPreAllocateField); set => Set(Ia32NmiDeclaration.NumberOfRecordsToPreAllocateField, value); }
    /// <summary>Max sections per record (offset 12; at least 1).</summary>
    public uint MaxSectionsPerRecord { get => (uint)Get(Ia32NmiDeclaration.MaxSectionsPerRecordField); set => Set(Ia32NmiDeclaration.MaxSectionsPerRecordField, value); }

    /// <summary>Reads a layout field by JSON name (see <see cref="HestLayouts"/>).</summary>
    /// <exception cref="ArgumentException">No such numeric field in this type's layout.</exception>
    public ulong GetField(string json) => FindNumeric(json).ReadValue(_bytes);

    /// <summary>Writes a layout field by JSON name; the value is truncated to the field's size.</summary>
    /// <exception cref="ArgumentException">No such numeric field in this type's layout.</exception>
    public void SetField(string json, ulong value) => FindNumeric(json).WriteValue(_bytes, value);

    private FieldDef FindNumeric(string json)
        => Kind.Layout.Find(json) is { } f && (f.IsNumeric || f is { Kind: FieldKind.Reserved, Size: <= 8 }) ? f : throw new ArgumentException($"{Kind.Name} has no numeric field '{json}'.", nameof(json));

    // The typed properties read and write through the fields declared once in Declarations/HestDeclarations.cs (the
    // generated XField statics): no offset is written here. A property of an abstract base names one declaration's
    // field; the fragment it comes from puts it at the same offset in every type that has it.
    private protected ulong Get(FieldDef field) => field.ReadValue(_bytes);
    private protected void Set(FieldDef field, ulong value) => field.WriteValue(_bytes, value);
    // The nested structures ([Field(offset, size, Nested = ...)] in the declarations): read and written at their field.
    private protected HardwareErrorNotification ReadNotification(FieldDef field) => HardwareErrorNotification.Read(_bytes.AsSpan(field.Offset, field.Size));
    private protected void WriteNotification(FieldDef field, HardwareErrorNotification n)
    {
        ArgumentNullException.ThrowIfNull(n);
        n.Write(_bytes.AsSpan(field.Offset, field.Size));
    }
    private protected GenericAddress ReadAddress(FieldDef field) => GenericAddress.Read(_bytes.AsSpan(field.Offset, field.Size));
    private protected void WriteAddress(FieldDef field, GenericAddress value) => value.Write(_bytes.AsSpan(field.Offset, field.Size));

    /// <summary>Bytes <see cref="TryEncode"/> writes.</summary>
    public virtual int GetEncodedLength() => _bytes.Length;

    /// <summary>Writes the structure; false when <paramref name="destination"/> is too small.</summary>
    public virtual bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (!_bytes.AsSpan().TryCopyTo(destination)) return false;
        bytesWritten = _bytes.Length;
        return true;
    }

    /// <summary>A new source of <paramref name="type"/> with defaults: enabled, one record, one section; GHES sources get
    /// 64-bit system-memory registers, Related Source Id 0xFFFF and 1 KiB blocks; GHESv2 read-ack preserve ~1 and write 1 (as QEMU).</summary>
    public static HestSource Create(HestSourceType type) => type switch
    {
        HestSourceType.Ia32MachineCheck => new Ia32MachineCheckSource(),
        HestSourceType.Ia32CorrectedMachineCheck => new Ia32CorrectedMachineCheckSource(),
        HestSourceType.Ia32DeferredMachineCheck => new Ia32DeferredMachineCheckSource(),
        HestSourceType.Ia32Nmi => new Ia32NmiSource(),
        HestSourceType.PcieRootPortAer => new PcieRootPortAerSource(),
        HestSourceType.PcieDeviceAer => new PcieDeviceAerSource(),
        HestSourceType.PcieBridgeAer => new PcieBridgeAerSource(),
        HestSourceType.Ghes => new GhesSource(),
        HestSourceType.GhesV2 => new GhesV2Source(),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an error source type ApeiKit knows."),
    };

    /// <summary>Copies a view into an editable model.</summary>
    public static HestSource From(HestErrorSource view)
    {
        var fixedPart = view.Bytes[..view.Kind.FixedSize];
        HestSource s = view.Type switch
        {
            HestSourceType.Ia32MachineCheck => new Ia32MachineCheckSource(fixedPart),
            HestSourceType.Ia32CorrectedMachineCheck => new Ia32CorrectedMachineCheckSource(fixedPart),
            HestSourceType.Ia32DeferredMachineCheck => new Ia32DeferredMachineCheckSource(fixedPart),
            HestSourceType.Ia32Nmi => new Ia32NmiSource(fixedPart),
            HestSourceType.PcieRootPortAer => new PcieRootPortAerSource(fixedPart),
            HestSourceType.PcieDeviceAer => new PcieDeviceAerSource(fixedPart),
            HestSourceType.PcieBridgeAer => new PcieBridgeAerSource(fixedPart),
            HestSourceType.Ghes => new GhesSource(fixedPart),
            _ => new GhesV2Source(fixedPart),
        };
        if (s is MachineCheckSource mc)
        {
            for (int i = 0; i < view.BankCount; i++) mc.Banks.Add(new MachineCheckBank(view.GetBank(i)));
        }
        return s;
    }

    /// <summary>Decodes the structure at the start of <paramref name="source"/>.</summary>
    /// <param name="source">Bytes from the start of the structure (the caller slices).</param>
    /// <param name="bytesConsumed">Size of the structure.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="source"/> (for error offsets).</param>
    /// <exception cref="ApeiContentException">Unknown type, or the structure runs past the bytes given.</exception>
    public static HestSource Decode(ReadOnlySpan<byte> source, out int bytesConsumed, long baseOffset = 0)
        => From(HestErrorSource.Read(source, out bytesConsumed, baseOffset));
}

/// <summary>A source type with an Enabled byte at offset 7 (all but NMI).</summary>
public abstract class EnableableHestSource : HestSource
{
    private protected EnableableHestSource(HestSourceType type, ReadOnlySpan<byte> fixedPart) : base(type, fixedPart) { }

    /// <summary>Enabled (offset 7): 1 enabled, 0 disabled; other values are invalid but kept.</summary>
    public byte Enabled { get => (byte)Get(GhesDeclaration.EnabledField); set => Set(GhesDeclaration.EnabledField, value); }
}

/// <summary>The machine check types (0, 1, 11): flags, and machine check bank structures after the fixed part.</summary>
public abstract class MachineCheckSource : EnableableHestSource
{
    private protected MachineCheckSource(HestSourceType type, ReadOnlySpan<byte> fixedPart) : base(type, fixedPart) { }

    /// <summary>Flags: bit 0 FIRMWARE_FIRST, bit 2 GHES_ASSIST (mutually exclusive).</summary>
    public HestSourceFlags Flags { get => (HestSourceFlags)Get(Ia32MachineCheckDeclaration.FlagsField); set => Set(Ia32MachineCheckDeclaration.FlagsField, (byte)value); }
    /// <summary>The banks; Number Of Hardware Banks is written from their count.</summary>
    public List<MachineCheckBank> Banks { get; } = [];

    /// <inheritdoc/>
    public override int GetEncodedLength() => Kind.FixedSize + Banks.Count * HestLayouts.BankSize;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">More than 255 banks.</exception>
    public override bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        if (Banks.Count > byte.MaxValue) throw new InvalidOperationException($"{Kind.Name}: {Banks.Count} banks; the count field holds at most 255.");
        bytesWritten = 0;
        if (destination.Length < GetEncodedLength()) return false;
        Raw[Kind.BankCountOffset] = (byte)Banks.Count;
        base.TryEncode(destination, out int n);
        foreach (var b in Banks)
        {
            b.Write(destination.Slice(n, HestLayouts.BankSize));
            n += HestLayouts.BankSize;
        }
        bytesWritten = n;
        return true;
    }
}

/// <summary>Type 0, IA-32 Architecture Machine Check Exception (40 bytes + 28 per bank).</summary>
public sealed class Ia32MachineCheckSource : MachineCheckSource
{
    /// <summary>A new structure with defaults.</summary>
    public Ia32MachineCheckSource() : base(HestSourceType.Ia32MachineCheck, default) { }
    internal Ia32MachineCheckSource(ReadOnlySpan<byte> b) : base(HestSourceType.Ia32MachineCheck, b) { }

    /// <summary>Global capability init data (IA32_MCG_CAP).</summary>
    public ulong GlobalCapabilityInitData { get => Get(Ia32MachineCheckDeclaration.GlobalCapabilityInitDataField); set => Set(Ia32MachineCheckDeclaration.GlobalCapabilityInitDataField, value); }
    /// <summary>Global control init data (IA32_MCG_CTL).</summary>
    public ulong GlobalControlInitData { get => Get(Ia32MachineCheckDeclaration.GlobalControlInitDataField); set => Set(Ia32MachineCheckDeclaration.GlobalControlInitDataField, value); }
}

/// <summary>The machine check types with a notification structure (1 and 11): 48 bytes + 28 per bank.</summary>
public abstract class NotifiedMachineCheckSource : MachineCheckSource
{
    private protected NotifiedMachineCheckSource(HestSourceType type, ReadOnlySpan<byte> b) : base(type, b)
    {
        if (b.IsEmpty) Notification = HardwareErrorNotification.Of(NotificationType.Polled);
    }

    /// <summary>The notification structure (offset 16).</summary>
    public HardwareErrorNotification Notification
    {
        get => ReadNotification(Ia32CorrectedMachineCheckDeclaration.NotificationField);
        set => WriteNotification(Ia32CorrectedMachineCheckDeclaration.NotificationField, value);
    }
}

/// <summary>Type 1, IA-32 Architecture Corrected Machine Check.</summary>
public sealed class Ia32CorrectedMachineCheckSource : NotifiedMachineCheckSource
{
    /// <summary>A new structure with defaults (polled notification).</summary>
    public Ia32CorrectedMachineCheckSource() : base(HestSourceType.Ia32CorrectedMachineCheck, default) { }
    internal Ia32CorrectedMachineCheckSource(ReadOnlySpan<byte> b) : base(HestSourceType.Ia32CorrectedMachineCheck, b) { }
}

/// <summary>Type 11, IA-32 Architecture Deferred Machine Check (the layout of type 1).</summary>
public sealed class Ia32DeferredMachineCheckSource : NotifiedMachineCheckSource
{
    /// <summary>A new structure with defaults (polled notification).</summary>
    public Ia32DeferredMachineCheckSource() : base(HestSourceType.Ia32DeferredMachineCheck, default) { }
    internal Ia32DeferredMachineCheckSource(ReadOnlySpan<byte> b) : base(HestSourceType.Ia32DeferredMachineCheck, b) { }
}

/// <summary>Type 2, IA-32 Architecture Non-Maskable Interrupt (20 bytes).</summary>
public sealed class Ia32NmiSource : HestSource
{
    /// <summary>A new structure with defaults.</summary>
    public Ia32NmiSource() : base(HestSourceType.Ia32Nmi, default) { }
    internal Ia32NmiSource(ReadOnlySpan<byte> b) : base(HestSourceType.Ia32Nmi, b) { }

    /// <summary>Max raw data length.</summary>
    public uint MaxRawDataLength { get => (uint)Get(Ia32NmiDeclaration.MaxRawDataLengthField); set => Set(Ia32NmiDeclaration.MaxRawDataLengthField, value); }
}

/// <summary>The PCI Express AER types (6, 7, 8).</summary>
public abstract class PcieAerSource : EnableableHestSource
{
    private protected PcieAerSource(HestSourceType type, ReadOnlySpan<byte> b) : base(type, b) { }

    /// <summary>Flags: bit 0 FIRMWARE_FIRST, bit 1 GLOBAL (Bus/Device/Function ignored; applies to all devices of the type).</summary>
    public HestSourceFlags Flags { get => (HestSourceFlags)Get(PcieDeviceAerDeclaration.FlagsField); set => Set(PcieDeviceAerDeclaration.FlagsField, (byte)value); }
    /// <summary>Bus field: bus in bits 7:0, segment in bits 23:8.</summary>
    public uint Bus { get => (uint)Get(PcieDeviceAerDeclaration.BusField); set => Set(PcieDeviceAerDeclaration.BusField, value); }
    /// <summary>PCI bus number (bits 7:0 of <see cref="Bus"/>).</summary>
    public byte BusNumber { get => (byte)Bus; set => Bus = (Bus & ~0xFFu) | value; }
    /// <summary>PCI segment (bits 23:8 of <see cref="Bus"/>).</summary>
    public ushort Segment { get => (ushort)(Bus >> 8); set => Bus = (Bus & 0xFF0000FFu) | ((uint)value << 8); }
    /// <summary>Device number.</summary>
    public ushort Device { get => (ushort)Get(PcieDeviceAerDeclaration.DeviceField); set => Set(PcieDeviceAerDeclaration.DeviceField, value); }
    /// <summary>Function number.</summary>
    public ushort Function { get => (ushort)Get(PcieDeviceAerDeclaration.FunctionField); set => Set(PcieDeviceAerDeclaration.FunctionField, value); }
    /// <summary>Device control register value to program.</summary>
    public ushort DeviceControl { get => (ushort)Get(PcieDeviceAerDeclaration.DeviceControlField); set => Set(PcieDeviceAerDeclaration.DeviceControlField, value); }
    /// <summary>Uncorrectable error mask.</summary>
    public uint UncorrectableErrorMask { get => (uint)Get(PcieDeviceAerDeclaration.UncorrectableErrorMaskField); set => Set(PcieDeviceAerDeclaration.UncorrectableErrorMaskField, value); }
    /// <summary>Uncorrectable error severity.</summary>
    public uint UncorrectableErrorSeverity { get => (uint)Get(PcieDeviceAerDeclaration.UncorrectableErrorSeverityField); set => Set(PcieDeviceAerDeclaration.UncorrectableErrorSeverityField, value); }
    /// <summary>Correctable error mask.</summary>
    public uint CorrectableErrorMask { get => (uint)Get(PcieDeviceAerDeclaration.CorrectableErrorMaskField); set => Set(PcieDeviceAerDeclaration.CorrectableErrorMaskField, value); }
    /// <summary>Advanced error capabilities and control.</summary>
    public uint AdvancedErrorCapabilitiesAndControl { get => (uint)Get(PcieDeviceAerDeclaration.AdvancedErrorCapabilitiesAndControlField); set => Set(PcieDeviceAerDeclaration.AdvancedErrorCapabilitiesAndControlField, value); }
}

/// <summary>Type 6, PCI Express Root Port AER (48 bytes).</summary>
public sealed class PcieRootPortAerSource : PcieAerSource
{
    /// <summary>A new structure with defaults.</summary>
    public PcieRootPortAerSource() : base(HestSourceType.PcieRootPortAer, default) { }
    internal PcieRootPortAerSource(ReadOnlySpan<byte> b) : base(HestSourceType.PcieRootPortAer, b) { }

    /// <summary>Root error command register value.</summary>
    public uint RootErrorCommand { get => (uint)Get(PcieRootPortAerDeclaration.RootErrorCommandField); set => Set(PcieRootPortAerDeclaration.RootErrorCommandField, value); }
}

/// <summary>Type 7, PCI Express Device AER (44 bytes).</summary>
public sealed class PcieDeviceAerSource : PcieAerSource
{
    /// <summary>A new structure with defaults.</summary>
    public PcieDeviceAerSource() : base(HestSourceType.PcieDeviceAer, default) { }
    internal PcieDeviceAerSource(ReadOnlySpan<byte> b) : base(HestSourceType.PcieDeviceAer, b) { }
}

/// <summary>Type 8, PCI Express/PCI-X Bridge AER (56 bytes).</summary>
public sealed class PcieBridgeAerSource : PcieAerSource
{
    /// <summary>A new structure with defaults.</summary>
    public PcieBridgeAerSource() : base(HestSourceType.PcieBridgeAer, default) { }
    internal PcieBridgeAerSource(ReadOnlySpan<byte> b) : base(HestSourceType.PcieBridgeAer, b) { }

    /// <summary>Secondary uncorrectable error mask.</summary>
    public uint SecondaryUncorrectableErrorMask { get => (uint)Get(PcieBridgeAerDeclaration.SecondaryUncorrectableErrorMaskField); set => Set(PcieBridgeAerDeclaration.SecondaryUncorrectableErrorMaskField, value); }
    /// <summary>Secondary uncorrectable error severity.</summary>
    public uint SecondaryUncorrectableErrorSeverity { get => (uint)Get(PcieBridgeAerDeclaration.SecondaryUncorrectableErrorSeverityField); set => Set(PcieBridgeAerDeclaration.SecondaryUncorrectableErrorSeverityField, value); }
    /// <summary>Secondary advanced error capabilities and control.</summary>
    public uint SecondaryAdvancedErrorCapabilitiesAndControl { get => (uint)Get(PcieBridgeAerDeclaration.SecondaryAdvancedErrorCapabilitiesAndControlField); set => Set(PcieBridgeAerDeclaration.SecondaryAdvancedErrorCapabilitiesAndControlField, value); }
}

/// <summary>Type 9, Generic Hardware Error Source (64 bytes).</summary>
public class GhesSource : EnableableHestSource
{
    /// <summary>Default error status block length and max raw data length: 1 KiB, QEMU's ACPI_GHES_MAX_RAW_DATA_LENGTH.</summary>
    public const uint DefaultBlockLength = 1024;

    /// <summary>A new structure with defaults.</summary>
    public GhesSource() : this(HestSourceType.Ghes, default) { }
    internal GhesSource(ReadOnlySpan<byte> b) : this(HestSourceType.Ghes, b) { }

    private protected GhesSource(HestSourceType type, ReadOnlySpan<byte> b) : base(type, b)
    {
        if (!b.IsEmpty) return;
        RelatedSourceId = 0xFFFF;
        MaxRawDataLength = DefaultBlockLength;
        ErrorStatusBlockLength = DefaultBlockLength;
        ErrorStatusAddress = GenericAddress.SystemMemory64(0);
        Notification = HardwareErrorNotification.Of(NotificationType.Polled);
    }

    /// <summary>Related source ID: the non-GHES source this one stands in for, 0xFFFF none.</summary>
    public ushort RelatedSourceId { get => (ushort)Get(GhesDeclaration.RelatedSourceIdField); set => Set(GhesDeclaration.RelatedSourceIdField, value); }
    /// <summary>The flags byte, reserved for GHES (kept as read).</summary>
    public byte ReservedFlags { get => (byte)Get(GhesDeclaration.ReservedFlagsField); set => Set(GhesDeclaration.ReservedFlagsField, value); }
    /// <summary>Max raw data length.</summary>
    public uint MaxRawDataLength { get => (uint)Get(GhesDeclaration.MaxRawDataLengthField); set => Set(GhesDeclaration.MaxRawDataLengthField, value); }
    /// <summary>Error status address: the register holding the physical address of the error status block.</summary>
    public GenericAddress ErrorStatusAddress { get => ReadAddress(GhesDeclaration.ErrorStatusAddressField); set => WriteAddress(GhesDeclaration.ErrorStatusAddressField, value); }
    /// <summary>The notification structure (offset 32).</summary>
    public HardwareErrorNotification Notification { get => ReadNotification(GhesDeclaration.NotificationField); set => WriteNotification(GhesDeclaration.NotificationField, value); }
    /// <summary>Error status block length (at least 20).</summary>
    public uint ErrorStatusBlockLength { get => (uint)Get(GhesDeclaration.ErrorStatusBlockLengthField); set => Set(GhesDeclaration.ErrorStatusBlockLengthField, value); }
}

/// <summary>Type 10, Generic Hardware Error Source version 2 (92 bytes): GHES plus the read-ack register.</summary>
public sealed class GhesV2Source : GhesSource
{
    /// <summary>QEMU's read ack preserve: every bit but bit 0 (hw/acpi/ghes.c, build_ghes_v2_entry).</summary>
    public const ulong DefaultReadAckPreserve = ~1UL;
    /// <summary>QEMU's read ack write: 1.</summary>
    public const ulong DefaultReadAckWrite = 1;

    /// <summary>A new structure with defaults.</summary>
    public GhesV2Source() : base(HestSourceType.GhesV2, default)
    {
        ReadAckRegister = GenericAddress.SystemMemory64(0);
        ReadAckPreserve = DefaultReadAckPreserve;
        ReadAckWrite = DefaultReadAckWrite;
    }

    internal GhesV2Source(ReadOnlySpan<byte> b) : base(HestSourceType.GhesV2, b) { }

    /// <summary>Read ack register: OSPM writes <c>(value &amp; preserve) | write</c> here once it has read the block.</summary>
    public GenericAddress ReadAckRegister { get => ReadAddress(GhesV2Declaration.ReadAckRegisterField); set => WriteAddress(GhesV2Declaration.ReadAckRegisterField, value); }
    /// <summary>Read ack preserve mask.</summary>
    public ulong ReadAckPreserve { get => Get(GhesV2Declaration.ReadAckPreserveField); set => Set(GhesV2Declaration.ReadAckPreserveField, value); }
    /// <summary>Read ack write mask.</summary>
    public ulong ReadAckWrite { get => Get(GhesV2Declaration.ReadAckWriteField); set => Set(GhesV2Declaration.ReadAckWriteField, value); }
}

/// <summary>A machine check error bank structure (28 bytes, ACPI 6.5 §18.3.2, Machine Check Error Bank).</summary>
public sealed class MachineCheckBank
{
    private readonly byte[] _bytes = new byte[HestLayouts.BankSize];

    /// <summary>A zeroed bank.</summary>
    public MachineCheckBank() { }

    /// <summary>A bank over a copy of 28 bytes.</summary>
    public MachineCheckBank(ReadOnlySpan<byte> bytes) => bytes[..HestLayouts.BankSize].CopyTo(_bytes);

    /// <summary>Bank number.</summary>
    public byte BankNumber { get => (byte)Get(MachineCheckBankDeclaration.BankNumberField); set => Set(MachineCheckBankDeclaration.BankNumberField, value); }
    /// <summary>Clear status on initialization: 0 clear, 1 don't clear.</summary>
    public byte ClearStatusOnInitialization { get => (byte)Get(MachineCheckBankDeclaration.ClearStatusOnInitializationField); set => Set(MachineCheckBankDeclaration.ClearStatusOnInitializationField, value); }
    /// <summary>Status data format: 0 IA-32 MCA, 1 Intel 64 MCA, 2 AMD64 MCA.</summary>
    public byte StatusDataFormat { get => (byte)Get(MachineCheckBankDeclaration.StatusDataFormatField); set => Set(MachineCheckBankDeclaration.StatusDataFormatField, value); }
    /// <summary>The reserved byte (kept as read).</summary>
    public byte Reserved { get => _bytes[3]; set => _bytes[3] = value; }
    /// <summary>Control register MSR address.</summary>
    public uint ControlRegisterMsrAddress { get => (uint)Get(MachineCheckBankDeclaration.ControlRegisterMsrAddressField); set => Set(MachineCheckBankDeclaration.ControlRegisterMsrAddressField, value); }
    /// <summary>Control init data.</summary>
    public ulong ControlInitData { get => Get(MachineCheckBankDeclaration.ControlInitDataField); set => Set(MachineCheckBankDeclaration.ControlInitDataField, value); }
    /// <summary>Status register MSR address.</summary>
    public uint StatusRegisterMsrAddress { get => (uint)Get(MachineCheckBankDeclaration.StatusRegisterMsrAddressField); set => Set(MachineCheckBankDeclaration.StatusRegisterMsrAddressField, value); }
    /// <summary>Address register MSR address.</summary>
    public uint AddressRegisterMsrAddress { get => (uint)Get(MachineCheckBankDeclaration.AddressRegisterMsrAddressField); set => Set(MachineCheckBankDeclaration.AddressRegisterMsrAddressField, value); }
    /// <summary>Misc register MSR address.</summary>
    public uint MiscRegisterMsrAddress { get => (uint)Get(MachineCheckBankDeclaration.MiscRegisterMsrAddressField); set => Set(MachineCheckBankDeclaration.MiscRegisterMsrAddressField, value); }

    private ulong Get(FieldDef field) => field.ReadValue(_bytes);
    private void Set(FieldDef field, ulong value) => field.WriteValue(_bytes, value);

    /// <summary>Reads a bank field by JSON name.</summary>
    public ulong GetField(string json) => Find(json).ReadValue(_bytes);
    /// <summary>Writes a bank field by JSON name.</summary>
    public void SetField(string json, ulong value) => Find(json).WriteValue(_bytes, value);

    private static FieldDef Find(string json)
        => HestLayouts.Bank.Find(json) is { IsNumeric: true } f ? f : throw new ArgumentException($"A machine check bank has no numeric field '{json}'.", nameof(json));

    /// <summary>
    /// The MSR addresses of IA-32 bank <paramref name="number"/> (IA32_MCi_CTL at 0x400 + 4i, then STATUS, ADDR, MISC),
    /// Intel 64 status format, status cleared at initialisation (Clear Status On Initialization 0).
    /// </summary>
    public static MachineCheckBank ForIa32Bank(byte number, ulong controlInitData = ulong.MaxValue)
    {
        uint ctl = 0x400u + 4u * number;
        return new MachineCheckBank
        {
            BankNumber = number, ClearStatusOnInitialization = 0, StatusDataFormat = 1, ControlRegisterMsrAddress = ctl,
            ControlInitData = controlInitData, StatusRegisterMsrAddress = ctl + 1, AddressRegisterMsrAddress = ctl + 2, MiscRegisterMsrAddress = ctl + 3,
        };
    }

    /// <summary>Writes the 28 bytes.</summary>
    public void Write(Span<byte> destination) => _bytes.CopyTo(destination);
}
