namespace ApeiKit.Cper.Input;

/// <summary>
/// Where the bytes of a record came from when an input wraps its records (a Redfish LogEntry, a PLDM CPER file, a
/// WHEA-Logger event, a lone section): the record occupies <see cref="Offset"/>..+<see cref="Length"/> of the unwrapped
/// bytes that the framing reads.
/// </summary>
/// <param name="Offset">First byte in the unwrapped bytes.</param>
/// <param name="Length">Bytes.</param>
/// <param name="Entry">The entry that carried it, in words ("LogEntry 12 (/redfish/v1/...)", "WHEA-Logger event 47, EventRecordID 1234").</param>
/// <param name="SourceOffset">Offset of the payload in the file when it lies there as bytes (PLDM), else null.</param>
/// <param name="HeaderSynthesised">True when the record header (and maybe the descriptor) was made by ApeiKit around a section.</param>
/// <param name="Note">What was synthesised or assumed, in words, or null.</param>
/// <param name="Oem">The entry's Oem members as JSON text, or null.</param>
public sealed record CperRecordOrigin(long Offset, long Length, string Entry, long? SourceOffset = null, bool HeaderSynthesised = false, string? Note = null, string? Oem = null);

/// <summary>What an input's wrapper gave: the records' bytes back to back, where each came from, and the entries that gave nothing.</summary>
public sealed class CperUnwrappedInput
{
    private readonly MemoryStream _bytes = new();

    /// <summary>Where each payload came from, in order.</summary>
    public List<CperRecordOrigin> Origins { get; } = [];
    /// <summary>Entries that could not be read (each names its entry): errors.</summary>
    public List<string> Errors { get; } = [];
    /// <summary>Things worth saying that are not errors (entries skipped because they carry no CPER, a next page not fetched).</summary>
    public List<string> Notices { get; } = [];

    /// <summary>The unwrapped bytes.</summary>
    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>Appends a payload and its origin.</summary>
    public void Add(ReadOnlySpan<byte> payload, string entry, long? sourceOffset = null, bool synthesised = false, string? note = null, string? oem = null)
    {
        Origins.Add(new CperRecordOrigin(_bytes.Length, payload.Length, entry, sourceOffset, synthesised, note, oem));
        _bytes.Write(payload);
    }

    /// <summary>The origin of the record at <paramref name="offset"/> of the unwrapped bytes (the payload holding it), or null.</summary>
    public static CperRecordOrigin? Find(IReadOnlyList<CperRecordOrigin> origins, long offset)
    {
        int lo = 0, hi = origins.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var o = origins[mid];
            if (offset < o.Offset) hi = mid - 1;
            else if (offset >= o.Offset + Math.Max(1, o.Length)) lo = mid + 1;
            else return o;
        }
        return null;
    }
}
