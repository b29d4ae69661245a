namespace ApeiKit.Cper.Json;

/// <summary>What a top-level item of decode's JSON stands for (<see cref="CperJsonReader.ReadItems(ReadOnlySpan{byte})"/>).</summary>
public enum CperJsonItemKind
{
    /// <summary>A CPER record (<c>{"header": .., "sections": [..]}</c>): <see cref="CperJsonItem.Record"/>.</summary>
    Record,

    /// <summary>An unrecognised range of bytes, kept as they were (<c>{"offset", "length", "error", "data"}</c>): <see cref="CperJsonItem.Data"/>.</summary>
    Bytes,

    /// <summary>Zero padding (<c>{"offset", "length", "padding": "zero"}</c>): <see cref="CperJsonItem.Length"/> zero bytes.</summary>
    ZeroPadding,

    /// <summary>
    /// A record decode could not read whole (cut short by the end of its input or by the next record): a record object
    /// with <c>"offset"</c>, <c>"length"</c> and <c>"data"</c>. <see cref="CperJsonItem.Data"/> (the bytes as they were)
    /// is what is written; <see cref="CperJsonItem.Record"/> is what its decoded members describe, read and checked but
    /// not written.
    /// </summary>
    CutRecord,

    /// <summary>A Generic Error Status Block (ACPI 6.5 §18.3.2.7), as the error status block reader gives it: <see cref="CperJsonItem.Data"/> holds its bytes.</summary>
    ErrorStatusBlock,
}

/// <summary>
/// One top-level item of the JSON <c>apeikit decode --format json</c> writes for a stream: a record, a range of bytes
/// that are not a record, zero padding or a cut record. Written back in order (records encoded, bytes as they are,
/// padding as zeros) they give the decoded stream byte for byte.
/// </summary>
public sealed class CperJsonItem
{
    private readonly byte[]? _data;
    private readonly long _padding;

    private CperJsonItem(CperJsonItemKind kind, string path, long? offset, long padding, CperRecord? record, byte[]? data)
    {
        Kind = kind;
        Path = path;
        Offset = offset;
        _padding = padding;
        Record = record;
        _data = data;
    }

    internal static CperJsonItem ForRecord(string path, long? offset, CperRecord record) => new(CperJsonItemKind.Record, path, offset, 0, record, null);

    internal static CperJsonItem ForBytes(string path, long? offset, byte[] data) => new(CperJsonItemKind.Bytes, path, offset, 0, null, data);

    internal static CperJsonItem ForCutRecord(string path, long? offset, CperRecord members, byte[] data) => new(CperJsonItemKind.CutRecord, path, offset, 0, members, data);

    internal static CperJsonItem ForBlock(string path, long? offset, byte[] block) => new(CperJsonItemKind.ErrorStatusBlock, path, offset, 0, null, block);

    internal static CperJsonItem ForPadding(string path, long? offset, long length) => new(CperJsonItemKind.ZeroPadding, path, offset, length, null, null);

    /// <summary>What the item stands for.</summary>
    public CperJsonItemKind Kind { get; }

    /// <summary>The item's JSON path (<c>$[3]</c>, <c>$&lt;document 4&gt;</c>), for messages.</summary>
    public string Path { get; }

    /// <summary>
    /// The <c>"offset"</c> the JSON gives, or null. decode writes it for every item that is not a whole record: bytes into
    /// the CPER stream it decoded (the input file, or for wrapped inputs such as Redfish or rasdaemon the stream of
    /// records it extracted).
    /// </summary>
    public long? Offset { get; }

    /// <summary>
    /// Bytes the item takes when written back: for <see cref="CperJsonItemKind.Record"/> the record's encoded length,
    /// computed on each access (so it follows edits to <see cref="Record"/>); else the data's length or the padding's.
    /// </summary>
    public long Length => Kind switch
    {
        CperJsonItemKind.Record => Record!.GetEncodedLength(),
        CperJsonItemKind.ZeroPadding => _padding,
        _ => _data!.Length,
    };

    /// <summary>
    /// The record (<see cref="CperJsonItemKind.Record"/>); for <see cref="CperJsonItemKind.CutRecord"/> what its decoded
    /// members describe (not written: <see cref="Data"/> is); else null.
    /// </summary>
    public CperRecord? Record { get; }

    /// <summary>The bytes written back (<see cref="CperJsonItemKind.Bytes"/>, <see cref="CperJsonItemKind.CutRecord"/>, <see cref="CperJsonItemKind.ErrorStatusBlock"/>), else empty.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>Writes the item's bytes: the record encoded, the data as it is, or <see cref="Length"/> zeros.</summary>
    /// <exception cref="ApeiContentException">The record cannot be encoded (see <see cref="CperRecord.TryEncode"/>).</exception>
    public void WriteTo(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        switch (Kind)
        {
            case CperJsonItemKind.Record:
                output.Write(Record!.Encode());
                break;
            case CperJsonItemKind.ZeroPadding:
                Span<byte> zeros = stackalloc byte[512];
                zeros.Clear();
                for (long left = _padding; left > 0; left -= zeros.Length)
                    output.Write(zeros[..(int)Math.Min(left, zeros.Length)]);
                break;
            default:
                output.Write(_data);
                break;
        }
    }
}
