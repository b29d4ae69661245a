using System.Globalization;

namespace ApeiKit;

/// <summary>
/// Readable text: one line per meaningful field, names rather than numbers, fields that the
/// validation bits mark invalid left out (or flagged when they hold a non-zero value anyway).
/// </summary>
public sealed class TextRenderer : StructureVisitor
{
    private readonly TextWriter _out;
    private int _depth;
    private readonly Stack<int> _arrayIndex = new();

    /// <summary>Renders to <paramref name="output"/>.</summary>
    public TextRenderer(TextWriter output) => _out = output;

    private void Line(string text)
    {
        _out.Write(new string(' ', _depth * 2));
        _out.WriteLine(text);
    }

    /// <inheritdoc/>
    public override void BeginObject(string? json, string label, long offset, long length)
    {
        Line(string.Create(CultureInfo.InvariantCulture, $"{label} (at 0x{offset:X}, {length} bytes)"));
        _depth++;
    }

    /// <inheritdoc/>
    public override void EndObject() => _depth--;

    /// <inheritdoc/>
    public override void BeginArray(string json, string label, long offset, long length)
    {
        Line(label + ":");
        _depth++;
    }

    /// <inheritdoc/>
    public override void EndArray() => _depth--;

    /// <inheritdoc/>
    public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
    {
        bool zero = FieldFormat.IsZero(raw);
        if (field.Kind == FieldKind.Reserved && zero) return;
        if (!valid && zero) return;
        string suffix = valid ? "" : "  (not marked valid)";
        if (field.Kind == FieldKind.Reserved) suffix += "  (reserved, non-zero)";
        var subLines = new List<string>();
        if (field.Kind == FieldKind.Bits && field.BitFields is { } bits)
        {
            ulong whole = FieldDef.ReadLittleEndian(raw);
            foreach (var b in bits)
            {
                bool bitValid = b.ValidBit < 0 || (validationBits >> b.ValidBit & 1) != 0;
                ulong v = b.Extract(whole);
                if (!bitValid && v == 0) continue;
                if (b.Width == 1 && v == 0 && b.Names is null) continue;
                subLines.Add($"{b.Label}: {FieldFormat.BitValue(b, whole)}{(bitValid ? "" : "  (not marked valid)")}");
            }
            if (zero && subLines.Count == 0) return;
        }
        Line($"{field.Label}: {FieldFormat.Value(field, raw, PreferBinaryTimestamps)}{suffix}");
        _depth++;
        foreach (var l in subLines) Line(l);
        _depth--;
    }

    /// <inheritdoc/>
    public override void Info(string json, string label, string? value)
    {
        if (value is not null) Line($"{label}: {value}");
    }

    /// <inheritdoc/>
    public override void Info(string json, string label, long value) => Line(string.Create(CultureInfo.InvariantCulture, $"{label}: {value}"));

    /// <inheritdoc/>
    public override void Info(string json, string label, long value, string unit) => Line(string.Create(CultureInfo.InvariantCulture, $"{label}: {value} {unit}"));

    /// <inheritdoc/>
    public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes)
    {
        Line(string.Create(CultureInfo.InvariantCulture, $"{label} (at 0x{offset:X}, {bytes.Length} bytes):"));
        _depth++;
        HexDump(bytes, Line);
        _depth--;
    }

    /// <inheritdoc/>
    protected override void OnError(ApeiContentException error) => Line("ERROR: " + error.Message);

    /// <summary>Hex dump lines (offset, 16 bytes, ASCII); runs of identical lines collapse to "*", as hexdump does.</summary>
    public static void HexDump(ReadOnlySpan<byte> bytes, Action<string> line)
    {
        ReadOnlySpan<byte> previous = default;
        bool starred = false;
        for (int i = 0; i < bytes.Length; i += 16)
        {
            var chunk = bytes.Slice(i, Math.Min(16, bytes.Length - i));
            if (i > 0 && chunk.Length == 16 && chunk.SequenceEqual(previous) && i + 16 < bytes.Length)
            {
                if (!starred) line("*");
                starred = true;
                continue;
            }
            starred = false;
            previous = chunk;
            line(string.Create(CultureInfo.InvariantCulture, $"{i:x4}: {FieldFormat.HexBytes(chunk),-47}  {Printable(chunk)}"));
        }
    }

    internal static string Printable(ReadOnlySpan<byte> bytes)
    {
        Span<char> c = stackalloc char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) c[i] = bytes[i] is >= 0x20 and < 0x7F ? (char)bytes[i] : '.';
        return new string(c);
    }
}
