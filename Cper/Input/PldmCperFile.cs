using System.Buffers.Binary;
using System.Globalization;
namespace ApeiKit.Cper.Input;

/// <summary>
/// PLDM CPER event data (DMTF DSP0248 1.3, cperEvent; what OpenBMC's pldmd writes to /var/cper and NVIDIA's cper-logger
/// reads): formatVersion (uint8, 1), formatType (uint8: 0 a whole CPER record, 1 a single section: its section
/// descriptor followed by the section), eventDataLength (uint16, little-endian), then the data. One event per file as
/// pldmd writes them; events back to back are read one after the other.
/// </summary>
public static class PldmCperFile
{
    /// <summary>Header size: formatVersion, formatType, eventDataLength.</summary>
    public const int HeaderSize = 4;

    /// <summary>True when <paramref name="head"/> starts with a PLDM CPER event header followed by a record ("CPER") or a plausible section descriptor.</summary>
    public static bool LooksLikePldm(ReadOnlySpan<byte> head)
    {
        if (head.Length < HeaderSize + 4 || head[0] != 1) return false;
        int length = BinaryPrimitives.ReadUInt16LittleEndian(head[2..]);
        return head[1] switch
        {
            0 => head[HeaderSize..].StartsWith(CperRecordHeader.Signature),
            1 => length >= CperSectionDescriptor.Size && head.Length >= HeaderSize + CperSectionDescriptor.Size
                 && BinaryPrimitives.ReadUInt32LittleEndian(head[(HeaderSize + CperSectionDescriptor.SeverityOffset)..]) <= 3
                 && BinaryPrimitives.ReadUInt32LittleEndian(head[(HeaderSize + CperSectionDescriptor.SectionLengthOffset)..]) <= (uint)(length - CperSectionDescriptor.Size),
            _ => false,
        };
    }

    /// <summary>
    /// Unwraps the events in <paramref name="source"/>: a record (formatType 0) as it is, a section (formatType 1) wrapped
    /// into a record by <see cref="CperSectionWrapper.WrapDescribed"/>. A header cut short, a formatVersion other than 1
    /// or an unknown formatType is listed in <see cref="CperUnwrappedInput.Errors"/>, never thrown.
    /// </summary>
    /// <param name="source">The whole file.</param>
    public static CperUnwrappedInput Unwrap(ReadOnlySpan<byte> source)
    {
        var bytes = source;
        var result = new CperUnwrappedInput();
        int pos = 0, n = 0;
        var ci = CultureInfo.InvariantCulture;
        while (pos < bytes.Length)
        {
            n++;
            string entry = string.Create(ci, $"PLDM CPER event #{n} at offset {pos}");
            if (bytes.Length - pos < HeaderSize)
            {
                result.Errors.Add(string.Create(ci, $"{entry}: {bytes.Length - pos} bytes left, fewer than the 4-byte header (formatVersion, formatType, eventDataLength)"));
                break;
            }
            byte version = bytes[pos], type = bytes[pos + 1];
            int length = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(pos + 2)..]);
            if (version != 1)
            {
                result.Errors.Add(string.Create(ci, $"{entry}: formatVersion {version}, not 1 (DSP0248 1.3 defines version 1): the rest of the file ({bytes.Length - pos} bytes) is not read"));
                break;
            }
            int available = bytes.Length - pos - HeaderSize;
            var data = bytes.Slice(pos + HeaderSize, Math.Min(length, available));
            if (length > available)
                result.Errors.Add(string.Create(ci, $"{entry}: eventDataLength {length} goes past the end of the file ({available} bytes after the header); the {available} bytes present are decoded"));
            switch (type)
            {
                case 0:
                    result.Add(data, entry, sourceOffset: pos + HeaderSize);
                    break;
                case 1:
                    if (data.Length < CperSectionDescriptor.Size)
                    {
                        result.Errors.Add(string.Create(ci, $"{entry}: formatType 1 (a single section) with {data.Length} bytes: too short for a section descriptor (72 bytes)"));
                        break;
                    }
                    result.Add(CperSectionWrapper.WrapDescribed(data, Guid.Empty, null, entry), entry, sourceOffset: pos + HeaderSize, synthesised: true,
                        note: $"record header synthesised by ApeiKit around the section descriptor and section of {entry} (formatType 1; severity from the descriptor; no timestamp or notification type)");
                    break;
                default:
                    result.Errors.Add(string.Create(ci, $"{entry}: formatType {type} (0: CPER record, 1: CPER section are defined): its {data.Length} bytes are skipped"));
                    break;
            }
            pos += HeaderSize + data.Length;
        }
        return result;
    }
}
