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
        Line($"{field.Label}: {FieldFormat.Value(field, raw, PreferBinaryTimestamps)}{suffix}");
        if (field.Kind == FieldKind.Bits && field.BitFields is { } bits)
        {
            ulong whole = FieldDef.ReadLittleEndian(raw);
            _depth++;
            foreach (var b in bits)
            {
                bool bitValid = StructDef.IsValid(new FieldDef(b.Json, b.Label, 0, 0, FieldKind.UInt) { ValidBit = b.ValidBit }, validationBits);
                ulong v = b.Extract(whole);
                if (!bitValid && v == 0) continue;
                if (b.Width == 1 && v == 0 && b.Names is null) continue;
                Line($"{b.Label}: {FieldFormat.BitValue(b, whole)}{(bitValid ? "" : "  (not marked valid)")}");
            }
            _depth--;
        }
    }

    /// <inheritdoc/>
    public override void Info(string json, string label, string? value)
    {
        if (value is not null) Line($"{label}: {value}");
    }

    /// <inheritdoc/>
    public override void Info(string json, string label, long value) => Line(string.Create(CultureInfo.InvariantCulture, $"{label}: {value}"));

    /// <inheritdoc/>
    public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes)
    {
        Line(string.Create(CultureInfo.InvariantCulture, $"{label} (at 0x{offset:X}, {bytes.Length} bytes):"));
        _depth++;
        for (int i = 0; i < bytes.Length; i += 16)
        {
            var chunk = bytes.Slice(i, Math.Min(16, bytes.Length - i));
            Line(string.Create(CultureInfo.InvariantCulture, $"{i:x4}: {FieldFormat.HexBytes(chunk),-47}  {Printable(chunk)}"));
        }
        _depth--;
    }

    /// <inheritdoc/>
    public override void Error(ApeiContentException error) => Line("ERROR: " + error.Message);

    internal static string Printable(ReadOnlySpan<byte> bytes)
    {
        Span<char> c = stackalloc char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) c[i] = bytes[i] is >= 0x20 and < 0x7F ? (char)bytes[i] : '.';
        return new string(c);
    }
}
