namespace ApeiKit.Cper;

/// <summary>
/// CXL protocol error section (UEFI 2.10 N.2.13): a 116-byte fixed part (agent type and address, device ID, serial
/// number, the PCIe capability structure, the DVSEC and error log lengths), then the CXL DVSEC and the CXL error log
/// of those lengths. Both lengths are checked against the section body before slicing; bytes after the error log are
/// kept as <see cref="TrailingBytes"/>.
/// </summary>
public sealed partial class CxlProtocolErrorSection : CperSectionBody
{
    /// <summary>Size of the fixed part.</summary>
    public const int HeaderSize = 116;

    /// <summary>CXL agent types (N.2.13, CXL Agent Type).</summary>
    public static NameTable AgentTypes { get; } = [
        new(0, "CXL 1.1 device"), new(1, "CXL 1.1 downstream port"), new(2, "CXL 2.0 device"), new(3, "CXL 2.0 logical device"),
        new(4, "CXL 2.0 fabric manager managed logical device"), new(5, "CXL 2.0 root port"), new(6, "CXL 2.0 downstream switch port"),
        new(7, "CXL 2.0 upstream switch port"),
    ];

    // The alternative readings of CXL Agent Address (N.2.13): the declared field (offset, size, validation bit) with
    // another label or its bit fields. Built on first use: the declared FieldDef statics are assigned in the generated
    // static constructor, after the field initializers.
    private static FieldDef AgentAddressRcrb => field ??= AgentAddressField with { Label = "CXL agent address (RCRB base address)" };
    private static FieldDef AgentAddressSbdf => field ??= AgentAddressField with
    {
        Kind = FieldKind.Bits,
        BitFields = [new("functionNumber", "Function", 0, 8), new("deviceNumber", "Device", 8, 8), new("busNumber", "Bus", 16, 8), new("segmentNumber", "Segment", 24, 16)],
    };

    /// <summary>Codec registered in <see cref="CperSections"/>.</summary>
    public static CperSectionCodec Codec { get; } = new(CperGuids.CxlProtocol, "CXL Protocol Error", Describe, (b, o) => Decode(b, o));

    /// <summary>A new section with no DVSEC and no error log.</summary>
    public CxlProtocolErrorSection()
    {
    }

    /// <inheritdoc/>
    public override Guid SectionType => CperGuids.CxlProtocol;

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
        CxlDvsecLengthField.WriteValue(destination, (ushort)Dvsec.Length);
        CxlErrorLogLengthField.WriteValue(destination, (ushort)ErrorLog.Length);
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
            var field = !ReferenceEquals(f, AgentAddressField) ? f : AgentTypeField.ReadValue(header) == 1 ? AgentAddressRcrb : AgentAddressSbdf;
            visitor.Field(field, baseOffset + field.Offset, header.Slice(field.Offset, field.Size), StructDef.IsValid(field, valid), valid);
        }
        if (error is not null) visitor.Error(error);
        visitor.Data("cxlDvsec", "CXL DVSEC", baseOffset + HeaderSize, body.Slice(HeaderSize, dvsec));
        visitor.Data("cxlErrorLog", "CXL error log", baseOffset + HeaderSize + dvsec, body.Slice(HeaderSize + dvsec, log));
        int end = HeaderSize + dvsec + log;
        if (end < body.Length)
        {
            if (error is null) visitor.Data(CperRecordDescriber.TrailingMember, "Bytes after the error log", baseOffset + end, body[end..]);
            else visitor.Data(CperRecordDescriber.UndecodedMember, "Bytes not decoded (a length above does not fit)", baseOffset + end, body[end..]);
        }
    }

    /// <summary>The DVSEC and error log lengths, cut to what fits (with the error) when they do not.</summary>
    private static (int Dvsec, int Log) Lengths(ReadOnlySpan<byte> body, long baseOffset, out ApeiContentException? error)
    {
        error = null;
        if (body.Length < HeaderSize) ThrowHelper.ThrowTruncated(StructureName, baseOffset, HeaderSize, body.Length);
        int room = body.Length - HeaderSize;
        int dvsec = (int)CxlDvsecLengthField.ReadValue(body);
        int log = (int)CxlErrorLogLengthField.ReadValue(body);
        if (dvsec > room)
        {
            error = new ApeiContentException(StructureName, "CxlDvsecLength", baseOffset + CxlDvsecLengthField.Offset,
                FormattableString.Invariant($"at most {room} bytes (left in the section)"), FormattableString.Invariant($"{dvsec} bytes"));
            return (room, 0);
        }
        if (log > room - dvsec)
        {
            error = new ApeiContentException(StructureName, "CxlErrorLogLength", baseOffset + CxlErrorLogLengthField.Offset,
                FormattableString.Invariant($"at most {room - dvsec} bytes (left after the DVSEC)"), FormattableString.Invariant($"{log} bytes"));
            return (dvsec, room - dvsec);
        }
        return (dvsec, log);
    }
}
