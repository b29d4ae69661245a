using System.Buffers.Binary;

namespace ApeiKit.Cper;

/// <summary>
/// CXL protocol error section (UEFI 2.10 N.2.13): a 116-byte fixed part (agent type and address, device ID, serial
/// number, the PCIe capability structure, the DVSEC and error log lengths), then the CXL DVSEC and the CXL error log
/// of those lengths. Both lengths are checked against the section body before slicing; bytes after the error log are
/// kept as <see cref="TrailingBytes"/>.
/// </summary>
public sealed class CxlProtocolErrorSection : CperSectionBody
{
    /// <summary>Size of the fixed part.</summary>
    public const int HeaderSize = 116;
    private const string StructureName = "CXL protocol error section";
    private const int DvsecLengthOffset = 108;    // N.2.13, CXL DVSEC Length
    private const int ErrorLogLengthOffset = 110; // N.2.13, CXL Error Log Length

    private readonly byte[] _header = new byte[HeaderSize];

    /// <summary>CXL agent types (N.2.13, CXL Agent Type).</summary>
    public static NameTable AgentTypes { get; } = [
        new(0, "CXL 1.1 device"), new(1, "CXL 1.1 downstream port"), new(2, "CXL 2.0 device"), new(3, "CXL 2.0 logical device"),
        new(4, "CXL 2.0 fabric manager managed logical device"), new(5, "CXL 2.0 root port"), new(6, "CXL 2.0 downstream switch port"),
        new(7, "CXL 2.0 upstream switch port"),
    ];

    private static readonly FlagTable s_validation = [
        new(0, "agentType"), new(1, "agentAddress"), new(2, "deviceId"), new(3, "deviceSerialNumber"), new(4, "capabilityStructure"),
        new(5, "cxlDvsec"), new(6, "cxlErrorLog"),
    ];

    private static readonly FieldDef s_agentAddressRaw = FieldDef.Hex("agentAddress", "CXL agent address", 16, 8, validBit: 1);
    private static readonly FieldDef s_agentAddressRcrb = FieldDef.Hex("agentAddress", "CXL agent address (RCRB base address)", 16, 8, validBit: 1);
    private static readonly FieldDef s_agentAddressSbdf = FieldDef.Bits("agentAddress", "CXL agent address", 16, 8,
        [new("functionNumber", "Function", 0, 8), new("deviceNumber", "Device", 8, 8), new("busNumber", "Bus", 16, 8), new("segmentNumber", "Segment", 24, 16)], validBit: 1);

    /// <summary>Fixed-part layout (UEFI 2.10 N.2.13, CXL Protocol Error Section).</summary>
    public static StructDef HeaderLayout { get; } = new(StructureName, HeaderSize,
    [
        FieldDef.Flags("validationBits", "Validation bits", 0, 8, s_validation),
        FieldDef.Enum("agentType", "CXL agent type", 8, 1, AgentTypes, validBit: 0),
        FieldDef.Reserved("reserved1", 9, 7),
        s_agentAddressRaw,
        FieldDef.Hex("vendorId", "Vendor ID", 24, 2, validBit: 2),
        FieldDef.Hex("deviceId", "Device ID", 26, 2, validBit: 2),
        FieldDef.Hex("subsystemVendorId", "Subsystem vendor ID", 28, 2, validBit: 2),
        FieldDef.Hex("subsystemId", "Subsystem ID", 30, 2, validBit: 2),
        FieldDef.Hex("classCode", "Class code", 32, 2, validBit: 2),
        FieldDef.Bits("slot", "Slot", 34, 2, [new("slotNumber", "Slot number", 3, 13)], validBit: 2),
        FieldDef.Reserved("deviceIdReserved", 36, 4),
        FieldDef.Hex("deviceSerialNumber", "Device serial number", 40, 8, validBit: 3),
        FieldDef.Bytes("capabilityStructure", "PCIe capability structure", 48, 60, validBit: 4),
        FieldDef.UInt("cxlDvsecLength", "CXL DVSEC length", DvsecLengthOffset, 2, unit: "bytes"),
        FieldDef.UInt("cxlErrorLogLength", "CXL error log length", ErrorLogLengthOffset, 2, unit: "bytes"),
        FieldDef.Reserved("reserved2", 112, 4),
    ], validationField: "validationBits");

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.CxlProtocol, "CXL Protocol Error", Describe, (b, o) => Decode(b, o));

    /// <summary>A new section with no DVSEC and no error log.</summary>
    public CxlProtocolErrorSection()
    {
    }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.CxlProtocol;

    /// <summary>Validation bits (see the layout).</summary>
    public ulong ValidationBits { get => BinaryPrimitives.ReadUInt64LittleEndian(_header); set => BinaryPrimitives.WriteUInt64LittleEndian(_header, value); }
    /// <summary>CXL agent type (see <see cref="AgentTypes"/>).</summary>
    public byte AgentType { get => _header[8]; set => _header[8] = value; }
    /// <summary>CXL agent address: the RCRB base address of a CXL 1.1 downstream port, otherwise function, device, bus and segment.</summary>
    public ulong AgentAddress { get => BinaryPrimitives.ReadUInt64LittleEndian(_header.AsSpan(16)); set => BinaryPrimitives.WriteUInt64LittleEndian(_header.AsSpan(16), value); }
    /// <summary>Vendor ID.</summary>
    public ushort VendorId { get => BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(24)); set => BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(24), value); }
    /// <summary>Device ID.</summary>
    public ushort DeviceId { get => BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(26)); set => BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(26), value); }
    /// <summary>Slot number (bits 15:3 of the slot field).</summary>
    public int SlotNumber
    {
        get => BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(34)) >> 3;
        set => BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(34), (ushort)((value << 3) | (BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(34)) & 7)));
    }
    /// <summary>Subsystem vendor ID (device ID block, valid with bit 2).</summary>
    public ushort SubsystemVendorId { get => BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(28)); set => BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(28), value); }
    /// <summary>Subsystem ID (device ID block, valid with bit 2).</summary>
    public ushort SubsystemId { get => BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(30)); set => BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(30), value); }
    /// <summary>Class code (device ID block, 16 bits as UEFI N.2.13 lays it out, valid with bit 2).</summary>
    public ushort ClassCode { get => BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(32)); set => BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(32), value); }
    /// <summary>Device serial number.</summary>
    public ulong DeviceSerialNumber { get => BinaryPrimitives.ReadUInt64LittleEndian(_header.AsSpan(40)); set => BinaryPrimitives.WriteUInt64LittleEndian(_header.AsSpan(40), value); }
    /// <summary>The 60-byte PCIe capability structure (a copy).</summary>
    public byte[] CapabilityStructure
    {
        get => _header.AsSpan(48, 60).ToArray();
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _header.AsSpan(48, 60).Clear();
            value.AsSpan(0, Math.Min(60, value.Length)).CopyTo(_header.AsSpan(48));
        }
    }
    /// <summary>The CXL DVSEC (its length is written as CXL DVSEC Length).</summary>
    public byte[] Dvsec { get; set; } = [];
    /// <summary>The CXL error log (its length is written as CXL Error Log Length).</summary>
    public byte[] ErrorLog { get; set; } = [];
    /// <summary>Bytes after the error log (kept for round trip).</summary>
    public byte[] TrailingBytes { get; set; } = [];

    /// <inheritdoc/>
    public override int GetEncodedLength() => checked(HeaderSize + Dvsec.Length + ErrorLog.Length + TrailingBytes.Length);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">A DVSEC or error log over 65535 bytes.</exception>
    public override bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (Dvsec.Length > ushort.MaxValue || ErrorLog.Length > ushort.MaxValue) throw new InvalidOperationException("The DVSEC and error log lengths are 16-bit fields.");
        int total = GetEncodedLength();
        if (destination.Length < total) return false;
        _header.CopyTo(destination);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[DvsecLengthOffset..], (ushort)Dvsec.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[ErrorLogLengthOffset..], (ushort)ErrorLog.Length);
        Dvsec.CopyTo(destination[HeaderSize..]);
        ErrorLog.CopyTo(destination[(HeaderSize + Dvsec.Length)..]);
        TrailingBytes.CopyTo(destination[(HeaderSize + Dvsec.Length + ErrorLog.Length)..]);
        bytesWritten = total;
        return true;
    }

    /// <summary>Decodes the section.</summary>
    /// <exception cref="ApeiContentException">Fewer than 116 bytes, or a DVSEC or error log length beyond the section body.</exception>
    public static CxlProtocolErrorSection Decode(ReadOnlySpan<byte> body, long baseOffset = 0)
    {
        var (dvsec, log) = Lengths(body, baseOffset, out var error);
        if (error is not null) throw error;
        var s = new CxlProtocolErrorSection();
        body[..HeaderSize].CopyTo(s._header);
        s.Dvsec = body.Slice(HeaderSize, dvsec).ToArray();
        s.ErrorLog = body.Slice(HeaderSize + dvsec, log).ToArray();
        s.TrailingBytes = body[(HeaderSize + dvsec + log)..].ToArray();
        return s;
    }

    /// <summary>Describes the fixed part, the DVSEC and error log (raw: their layouts are the CXL specification's), and any bytes after them.</summary>
    /// <exception cref="ApeiContentException">Fewer than 116 bytes.</exception>
    public static void Describe(ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        // A builder (JSON input) writes the header before the walk reads it (see IStructureSource).
        HeaderLayout.Prefill(visitor, baseOffset);
        var (dvsec, log) = Lengths(body, baseOffset, out var error);
        var header = body[..HeaderSize];
        ulong valid = HeaderLayout.ReadValidationBits(header);
        foreach (var f in HeaderLayout.Fields)
        {
            var field = !ReferenceEquals(f, s_agentAddressRaw) ? f : header[8] == 1 ? s_agentAddressRcrb : s_agentAddressSbdf;
            visitor.Field(field, baseOffset + field.Offset, header.Slice(field.Offset, field.Size), StructDef.IsValid(field, valid), valid);
        }
        if (error is not null) visitor.Error(error);
        visitor.Data("cxlDvsec", "CXL DVSEC", baseOffset + HeaderSize, body.Slice(HeaderSize, dvsec));
        visitor.Data("cxlErrorLog", "CXL error log", baseOffset + HeaderSize + dvsec, body.Slice(HeaderSize + dvsec, log));
        int end = HeaderSize + dvsec + log;
        if (end < body.Length)
        {
            if (error is null) visitor.Data("trailingBytes", "Bytes after the error log", baseOffset + end, body[end..]);
            else visitor.Data("undecoded", "Bytes not decoded (a length above does not fit)", baseOffset + end, body[end..]);
        }
    }

    /// <summary>The DVSEC and error log lengths, cut to what fits (with the error) when they do not.</summary>
    private static (int Dvsec, int Log) Lengths(ReadOnlySpan<byte> body, long baseOffset, out ApeiContentException? error)
    {
        error = null;
        if (body.Length < HeaderSize) ThrowHelper.ThrowTruncated(StructureName, baseOffset, HeaderSize, body.Length);
        int room = body.Length - HeaderSize;
        int dvsec = BinaryPrimitives.ReadUInt16LittleEndian(body[DvsecLengthOffset..]);
        int log = BinaryPrimitives.ReadUInt16LittleEndian(body[ErrorLogLengthOffset..]);
        if (dvsec > room)
        {
            error = new ApeiContentException(StructureName, "CxlDvsecLength", baseOffset + DvsecLengthOffset,
                ArmProcessorSection.Inv($"at most {room} bytes (left in the section)"), ArmProcessorSection.Inv($"{dvsec} bytes"));
            return (room, 0);
        }
        if (log > room - dvsec)
        {
            error = new ApeiContentException(StructureName, "CxlErrorLogLength", baseOffset + ErrorLogLengthOffset,
                ArmProcessorSection.Inv($"at most {room - dvsec} bytes (left after the DVSEC)"), ArmProcessorSection.Inv($"{log} bytes"));
            return (dvsec, room - dvsec);
        }
        return (dvsec, log);
    }
}
