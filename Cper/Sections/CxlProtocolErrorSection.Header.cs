using ApeiKit.Declarations;

namespace ApeiKit.Cper;

// The fixed part (UEFI 2.10 N.2.13, CXL Protocol Error Section), declared once: one line per field; FieldDef statics,
// LayoutDef, the property bodies and CxlProtocolErrorSectionView are generated from it. The CXL DVSEC and error log after
// it are hand-written in CxlProtocolErrorSection.cs over the two lengths. Setting a property does not set its validation bit.
[Layout(StructureName, HeaderSize, "UEFI 2.10 N.2.13", ValidationField = nameof(ValidationBits))]
[Reserved(9, 7, Json = "reserved1")]
[Reserved(36, 4, Json = "deviceIdReserved")]
[Reserved(112, 4, Json = "reserved2")]
[ValidationBit(5, "cxlDvsec")]
[ValidationBit(6, "cxlErrorLog")]
public sealed partial class CxlProtocolErrorSection
{
    private const string StructureName = "CXL protocol error section";

    private readonly byte[] _header = new byte[HeaderSize];

    /// <summary>Validation bits (see the layout).</summary>
    [Field(0, 8, FieldKind.Flags)] public partial ulong ValidationBits { get; set; }
    /// <summary>CXL agent type (see <see cref="AgentTypes"/>).</summary>
    [Field(8, 1, FieldKind.Enum, ValidBit = 0, Names = nameof(AgentTypes), Label = "CXL agent type")] public partial byte AgentType { get; set; }
    /// <summary>CXL agent address: the RCRB base address of a CXL 1.1 downstream port, otherwise function, device, bus and segment.</summary>
    [Field(16, 8, FieldKind.Hex, ValidBit = 1, Label = "CXL agent address")] public partial ulong AgentAddress { get; set; }
    /// <summary>Vendor ID.</summary>
    [Field(24, 2, FieldKind.Hex, ValidBit = 2, ValidationName = "deviceId", LibCper = "", LibCperObject = "deviceID")] public partial ushort VendorId { get; set; }
    /// <summary>Device ID.</summary>
    [Field(26, 2, FieldKind.Hex, ValidBit = 2, LibCper = "", LibCperObject = "deviceID")] public partial ushort DeviceId { get; set; }
    /// <summary>Subsystem vendor ID (device ID block, valid with bit 2).</summary>
    [Field(28, 2, FieldKind.Hex, ValidBit = 2, ValidationName = "deviceId", LibCper = "", LibCperObject = "deviceID")] public partial ushort SubsystemVendorId { get; set; }
    /// <summary>Subsystem ID (device ID block, valid with bit 2).</summary>
    [Field(30, 2, FieldKind.Hex, ValidBit = 2, ValidationName = "deviceId", LibCper = "subsystemDeviceID", LibCperObject = "deviceID")] public partial ushort SubsystemId { get; set; }
    /// <summary>Class code (device ID block, 16 bits as UEFI N.2.13 lays it out, valid with bit 2).</summary>
    [Field(32, 2, FieldKind.Hex, ValidBit = 2, ValidationName = "deviceId", LibCper = "", LibCperObject = "deviceID")] public partial ushort ClassCode { get; set; }
    /// <summary>Slot: the slot number in bits 15:3 (device ID block, valid with bit 2).</summary>
    [Field(34, 2, FieldKind.Bits, ValidBit = 2, ValidationName = "deviceId", LibCperObject = "deviceID")]
    [Bit("slotNumber", 3, 13, LibCper = "")]
    public partial ushort Slot { get; set; }
    /// <summary>Device serial number.</summary>
    [Field(40, 8, FieldKind.Hex, ValidBit = 3, LibCper = "deviceSerial")] public partial ulong DeviceSerialNumber { get; set; }
    /// <summary>The 60-byte PCIe capability structure (a copy; shorter input is zero-filled, longer input is cut).</summary>
    [Field(48, 60, FieldKind.Bytes, ValidBit = 4, Label = "PCIe capability structure", LibCper = ":Base64")] public partial byte[] CapabilityStructure { get; set; }
    // The two lengths are written from Dvsec and ErrorLog when encoding.
    [Field(108, 2, FieldKind.UInt, Unit = "bytes", Label = "CXL DVSEC length")] private partial ushort CxlDvsecLength { get; }
    [Field(110, 2, FieldKind.UInt, Unit = "bytes", Label = "CXL error log length")] private partial ushort CxlErrorLogLength { get; }

    private ulong Get(FieldDef field) => field.ReadValue(_header);

    private void Set(FieldDef field, ulong value) => field.WriteValue(_header, value);

    private byte[] GetBytes(FieldDef field) => _header.AsSpan(field.Offset, field.Size).ToArray();

    private void SetBytes(FieldDef field, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        field.WriteBytes(_header, value);
    }

    /// <summary>
    /// CXL Agent Type and the 7 reserved bytes after it as one 64-bit value: libcper's <c>UINT64 CxlAgentType</c>, which its
    /// dialect shows and reads back (docs/libcper-compat.md).
    /// </summary>
    internal ulong AgentTypeAsLibcperReadsIt
    {
        get => System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(_header.AsSpan(AgentTypeField.Offset));
        set => System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(_header.AsSpan(AgentTypeField.Offset), value);
    }

    /// <summary>Fixed-part layout (UEFI 2.10 N.2.13, CXL Protocol Error Section): <see cref="LayoutDef"/>.</summary>
    public static StructDef HeaderLayout => LayoutDef;

    /// <summary>Slot number (bits 15:3 of the slot field, its declared <c>slotNumber</c> bit field).</summary>
    public int SlotNumber
    {
        get => (int)SlotBits.SlotNumber.Extract(Slot);
        set => Slot = (ushort)SlotBits.SlotNumber.Insert(Slot, (ulong)value);
    }

    // In a class of its own: a field initializer of this partial class would run before the generated static constructor sets SlotField.
    private static class SlotBits
    {
        public static readonly BitFieldDef SlotNumber = SlotField.BitFields!.Single(b => b.Json == "slotNumber");
    }
}

/// <summary>The CXL DVSEC and CXL error log after the fixed part (UEFI 2.10 N.2.13), read in place.</summary>
public readonly ref partial struct CxlProtocolErrorSectionView
{
    private int Room => _body.Length < CxlProtocolErrorSection.HeaderSize ? 0 : _body.Length - CxlProtocolErrorSection.HeaderSize;

    /// <summary>True when the body holds the fixed part and both lengths fit the bytes after it.</summary>
    public bool HasValidLengths => _body.Length >= CxlProtocolErrorSection.HeaderSize && CxlDvsecLength + CxlErrorLogLength <= Room;

    /// <summary>The CXL DVSEC (its layout is the CXL specification's), cut to the body as the describer cuts it; empty when the body does not reach it.</summary>
    public ReadOnlySpan<byte> Dvsec => _body.Length < CxlProtocolErrorSection.HeaderSize ? default : _body.Slice(CxlProtocolErrorSection.HeaderSize, Math.Min(CxlDvsecLength, Room));

    /// <summary>The CXL error log (its layout is the CXL specification's), cut to the body as the describer cuts it; empty when the body does not reach it.</summary>
    public ReadOnlySpan<byte> ErrorLog
    {
        get
        {
            if (_body.Length < CxlProtocolErrorSection.HeaderSize || CxlDvsecLength > Room) return default;
            return _body.Slice(CxlProtocolErrorSection.HeaderSize + CxlDvsecLength, Math.Min(CxlErrorLogLength, Room - CxlDvsecLength));
        }
    }

    /// <summary>The bytes after the error log (empty when a length does not fit the body).</summary>
    public ReadOnlySpan<byte> TrailingBytes => HasValidLengths ? _body[(CxlProtocolErrorSection.HeaderSize + CxlDvsecLength + CxlErrorLogLength)..] : default;
}
