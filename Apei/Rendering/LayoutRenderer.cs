using System.Globalization;

namespace ApeiKit;

/// <summary>
/// Annotated dump in the spirit of <c>iasl -d</c>: every field with its absolute offset, length,
/// raw bytes and decoded value, bit fields beneath their field. The output snapshot tests rely on.
/// </summary>
public sealed class LayoutRenderer : StructureVisitor
{
    private readonly TextWriter _out;
    private int _depth;

    /// <summary>Renders to <paramref name="output"/>.</summary>
    public LayoutRenderer(TextWriter output) => _out = output;

    private void Line(long offset, long length, string text)
        => _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{offset:X4} {length,4}] {new string(' ', _depth * 2)}{text}"));

    private void Note(string text) => _out.WriteLine($"            {new string(' ', _depth * 2)}{text}");

    /// <inheritdoc/>
    public override void BeginObject(string? json, string label, long offset, long length)
    {
        Line(offset, length, label);
        _depth++;
    }

    /// <inheritdoc/>
    public override void EndObject() => _depth--;

    /// <inheritdoc/>
    public override void BeginArray(string json, string label, long offset, long length)
    {
        Line(offset, length, label);
        _depth++;
    }

    /// <inheritdoc/>
    public override void EndArray() => _depth--;

    /// <inheritdoc/>
    public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
    {
        string value = field.Kind == FieldKind.Bytes && raw.Length > 16 ? $"({raw.Length} bytes)" : FieldFormat.Value(field, raw, PreferBinaryTimestamps);
        string note = valid ? "" : "  [not valid]";
        string rawText = raw.Length <= 16 ? "  | " + FieldFormat.HexBytes(raw) : "";
        Line(offset, raw.Length, $"{field.Label,-34} : {value}{note}{rawText}");
        if (raw.Length > 16) HexLines(offset, raw);
        if (field.Kind == FieldKind.Bits && field.BitFields is { } bits)
        {
            ulong whole = FieldDef.ReadLittleEndian(raw);
            foreach (var b in bits)
            {
                string range = b.Width == 1 ? $"bit {b.Bit}" : $"bits {b.Bit}-{b.Bit + b.Width - 1}";
                bool bitValid = b.ValidBit < 0 || (validationBits >> b.ValidBit & 1) != 0;
                Note($"  {range,-10} {b.Label,-30} : {FieldFormat.BitValue(b, whole)}{(bitValid ? "" : "  [not valid]")}");
            }
        }
        else if (field.Kind == FieldKind.Flags && field.FlagNames is { } flags)
        {
            ulong whole = FieldDef.ReadLittleEndian(raw);
            foreach (var kv in flags) Note($"  bit {kv.Key,-6} {kv.Value,-30} : {((whole >> kv.Key & 1) != 0 ? "1" : "0")}");
            ulong unknown = whole & ~flags.KnownMask;
            if (unknown != 0) Note($"  undefined bits set: {FieldFormat.Hex(unknown, raw.Length)}");
        }
    }

    private void HexLines(long offset, ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i += 16)
        {
            var chunk = bytes.Slice(i, Math.Min(16, bytes.Length - i));
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{offset + i:X4} {chunk.Length,4}] {new string(' ', (_depth + 1) * 2)}{FieldFormat.HexBytes(chunk),-47}  {TextRenderer.Printable(chunk)}"));
        }
    }

    /// <inheritdoc/>
    public override void Info(string json, string label, string? value)
    {
        if (value is null || !value.Contains('\n', StringComparison.Ordinal))
        {
            Note($"{label,-34} : {value ?? "(none)"}");
            return;
        }
        // A multi-line value (a pstore record's text): one line per line, so no value can start a line of its own
        // (layout format v1, docs/layout-format.md: continuation lines are notes starting with "| ").
        var lines = value.Split('\n');
        Note($"{label,-34} : {lines[0].TrimEnd('\r')}");
        for (int i = 1; i < lines.Length; i++) Note("  | " + lines[i].TrimEnd('\r'));
    }

    /// <inheritdoc/>
    public override void Info(string json, string label, long value) => Note(string.Create(CultureInfo.InvariantCulture, $"{label,-34} : {value}"));

    /// <inheritdoc/>
    public override void Info(string json, string label, long value, string unit) => Note(string.Create(CultureInfo.InvariantCulture, $"{label,-34} : {value} {unit}"));

    /// <inheritdoc/>
    public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes)
    {
        Line(offset, bytes.Length, label);
        HexLines(offset, bytes);
    }

    /// <inheritdoc/>
    protected override void OnError(ApeiContentException error) => _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{error.Offset:X4} ERR ] {new string(' ', _depth * 2)}{error.Message}"));
}
