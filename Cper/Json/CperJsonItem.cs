namespace ApeiKit.Cper.Json;

/// <summary>What a top-level item of decode's JSON stands for (<see cref="CperJsonReader.ReadItems(ReadOnlySpan{byte})"/>).</summary>
public enum CperJsonItemKind
{
    /// <summary>A CPER record (<c>{"header": .., "sections": [..]}</c>): <see cref="CperJsonItem.Record"/>.</summary>
    Record,

    /// <summary>
    /// Bytes that are not a whole record, kept as they were: an unrecognised range (<c>{"offset", "length", "error",
    /// "data"}</c>) or a record cut short by the end of its input (a record object with <c>"data"</c>): <see cref="CperJsonItem.Data"/>.
    /// </summary>
    Bytes,

    /// <summary>Zero padding (<c>{"offset", "length", "padding": "zero"}</c>): <see cref="CperJsonItem.Length"/> zero bytes.</summary>
    ZeroPadding,
}

/// <summary>
/// One top-level item of the JSON <c>apeikit decode --format json</c> writes for a stream: a record, a range of bytes
/// that are not a record, or zero padding. Written back in order (records encoded, bytes as they are, padding as
/// zeros) they give the decoded input byte for byte.
/// </summary>
public sealed class CperJsonItem
{
    private readonly byte[]? _data;

    private CperJsonItem(CperJsonItemKind kind, string path, long? offset, long length, CperRecord? record, byte[]? data)
    {
        Kind = kind;
        Path = path;
        Offset = offset;
        Length = length;
        Record = record;
        _data = data;
    }

    internal static CperJsonItem ForRecord(string path, CperRecord record) => new(CperJsonItemKind.Record, path, null, record.GetEncodedLength(), record, null);

    internal static CperJsonItem ForBytes(string path, long? offset, byte[] data) => new(CperJsonItemKind.Bytes, path, offset, data.Length, null, data);

    internal static CperJsonItem ForPadding(string path, long? offset, long length) => new(CperJsonItemKind.ZeroPadding, path, offset, length, null, null);

    /// <summary>What the item stands for.</summary>
    public CperJsonItemKind Kind { get; }

    /// <summary>The item's JSON path (<c>$[3]</c>, <c>$&lt;document 4&gt;</c>), for messages.</summary>
    public string Path { get; }

    /// <summary>The <c>"offset"</c> the JSON gives (decode writes it for every item that is not a whole record: bytes into its input), or null.</summary>
    public long? Offset { get; }

    /// <summary>Bytes the item takes when written back: the record's encoded length, the data's length, or the padding's.</summary>
    public long Length { get; }

    /// <summary>The record (<see cref="CperJsonItemKind.Record"/>), else null.</summary>
    public CperRecord? Record { get; }

    /// <summary>The bytes (<see cref="CperJsonItemKind.Bytes"/>), else empty.</summary>
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
            case CperJsonItemKind.Bytes:
                output.Write(_data);
                break;
            default:
                Span<byte> zeros = stackalloc byte[512];
                zeros.Clear();
                for (long left = Length; left > 0; left -= zeros.Length)
                    output.Write(zeros[..(int)Math.Min(left, zeros.Length)]);
                break;
        }
    }
}
