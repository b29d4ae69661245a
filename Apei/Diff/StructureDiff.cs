using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ApeiKit;

/// <summary>What a <see cref="WalkEntry"/> is.</summary>
public enum WalkEntryKind
{
    /// <summary>An object (a structure, an array element).</summary>
    Structure,
    /// <summary>An array (sections, error sources, entries).</summary>
    Array,
    /// <summary>A field of a fixed layout (<see cref="StructureVisitor.Field(FieldDef, long, ReadOnlySpan{byte}, bool, ulong)"/>).</summary>
    Field,
    /// <summary>Bytes that belong to no structure (<see cref="StructureVisitor.Data"/>).</summary>
    Data,
    /// <summary>A derived value (<see cref="StructureVisitor.Info(string, string, string?)"/>): computed from the bytes the fields hold.</summary>
    Value,
    /// <summary>A content error reported during the walk.</summary>
    Error,
}

/// <summary>One element of a recorded walk, keyed by its path.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Path">
/// Its JSON path in the walk (the names <c>decode --format json</c> uses): <c>header.revision</c>,
/// <c>sections[1].body.physicalAddress</c>; a name seen twice in one object gets <c>#2</c>, <c>#3</c>.
/// </param>
/// <param name="Label">The human label (the field's, the structure's).</param>
/// <param name="Offset">Absolute offset (for values and errors without one of their own: the enclosing structure's, or the error's).</param>
/// <param name="Length">Length in bytes (0 for values and errors).</param>
/// <param name="Value">The decoded value as the layout rendering shows it (fields), the text (values, errors) or null.</param>
/// <param name="Raw">The bytes (fields and data), or null.</param>
public sealed record WalkEntry(WalkEntryKind Kind, string Path, string Label, long Offset, long Length, string? Value, byte[]? Raw);

/// <summary>
/// A visitor that records a walk as a flat list of <see cref="WalkEntry"/> keyed by JSON path, for comparing two walks
/// (<see cref="StructureDiff"/>). Copies each field's bytes (a diff is not a hot path).
/// </summary>
public sealed class WalkRecorder : StructureVisitor
{
    private sealed class Frame(string path, bool isArray, long offset, Dictionary<string, int> names)
    {
        public string Path { get; } = path;
        public bool IsArray { get; } = isArray;
        public long Offset { get; } = offset;
        public int NextIndex { get; set; }
        public Dictionary<string, int> Names { get; } = names;
    }

    private readonly List<WalkEntry> _entries = [];
    private readonly Stack<Frame> _frames = new();

    /// <summary>The entries, in walk order.</summary>
    public IReadOnlyList<WalkEntry> Entries => _entries;

    private string Child(string name)
    {
        if (_frames.Count == 0) return name;
        var f = _frames.Peek();
        int n = f.Names.TryGetValue(name, out int seen) ? seen + 1 : 1;
        f.Names[name] = n;
        string unique = n == 1 ? name : string.Create(CultureInfo.InvariantCulture, $"{name}#{n}");
        return f.Path.Length == 0 ? unique : f.Path + "." + unique;
    }

    private long FrameOffset => _frames.Count == 0 ? 0 : _frames.Peek().Offset;

    /// <inheritdoc/>
    public override void BeginObject(string? json, string label, long offset, long length)
    {
        if (_frames.Count > 0 && _frames.Peek().IsArray)
        {
            var parent = _frames.Peek();
            string path = parent.Path + string.Create(CultureInfo.InvariantCulture, $"[{parent.NextIndex++}]");
            _entries.Add(new(WalkEntryKind.Structure, path, label, offset, length, null, null));
            _frames.Push(new Frame(path, false, offset, []));
        }
        else if (json is null)
        {
            // The root, or an unnamed object outside an array: the same JSON object as its parent (its members count there).
            if (_frames.Count == 0) _entries.Add(new(WalkEntryKind.Structure, "", label, offset, length, null, null));
            var parent = _frames.Count == 0 ? null : _frames.Peek();
            _frames.Push(new Frame(parent?.Path ?? "", false, offset, parent?.Names ?? []));
        }
        else
        {
            string path = Child(json);
            _entries.Add(new(WalkEntryKind.Structure, path, label, offset, length, null, null));
            _frames.Push(new Frame(path, false, offset, []));
        }
    }

    /// <inheritdoc/>
    public override void EndObject() => _frames.TryPop(out _);

    /// <inheritdoc/>
    public override void BeginArray(string json, string label, long offset, long length)
    {
        string path = Child(json);
        _entries.Add(new(WalkEntryKind.Array, path, label, offset, length, null, null));
        _frames.Push(new Frame(path, true, offset, []));
    }

    /// <inheritdoc/>
    public override void EndArray() => _frames.TryPop(out _);

    /// <inheritdoc/>
    public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
    {
        ArgumentNullException.ThrowIfNull(field);
        string value = FieldFormat.Value(field, raw, PreferBinaryTimestamps);
        _entries.Add(new(WalkEntryKind.Field, Child(field.Json), field.Label, offset, raw.Length, value, raw.ToArray()));
    }

    /// <inheritdoc/>
    public override void Info(string json, string label, string? value)
        => _entries.Add(new(WalkEntryKind.Value, Child(json), label, FrameOffset, 0, value, null));

    /// <inheritdoc/>
    public override void Info(string json, string label, long value)
        => Info(json, label, value.ToString(CultureInfo.InvariantCulture));

    /// <inheritdoc/>
    public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes)
        => _entries.Add(new(WalkEntryKind.Data, Child(json), label, offset, bytes.Length,
            string.Create(CultureInfo.InvariantCulture, $"{bytes.Length} bytes"), bytes.ToArray()));

    /// <inheritdoc/>
    protected override void OnError(ApeiContentException error)
        => _entries.Add(new(WalkEntryKind.Error, Child("error"), error.Structure, error.Offset, 0, error.Message, null));
}

/// <summary>How a path differs between the two walks.</summary>
public enum DiffChange
{
    /// <summary>The field, data or error is in both, with another value.</summary>
    Changed,
    /// <summary>Only the new walk has it (a section, error source or entry added; a new error).</summary>
    Added,
    /// <summary>Only the old walk has it.</summary>
    Removed,
}

/// <summary>One difference between two walks.</summary>
/// <param name="Change">Changed, added or removed.</param>
/// <param name="Kind">What differs (a field, data, a whole structure, an error).</param>
/// <param name="Path">The JSON path (see <see cref="WalkEntry.Path"/>).</param>
/// <param name="Label">The human label.</param>
/// <param name="OldOffset">Absolute offset in the old input, or null when added.</param>
/// <param name="NewOffset">Absolute offset in the new input, or null when removed.</param>
/// <param name="OldValue">The old value (as the layout rendering shows it), or null.</param>
/// <param name="NewValue">The new value, or null.</param>
public sealed record FieldDifference(DiffChange Change, WalkEntryKind Kind, string Path, string Label, long? OldOffset, long? NewOffset, string? OldValue, string? NewValue)
{
    /// <summary>One line: change mark (<c>~</c>, <c>+</c>, <c>-</c>), offset(s), path, label, <c>old -> new</c>.</summary>
    public override string ToString()
    {
        string mark = Change switch { DiffChange.Changed => "~", DiffChange.Added => "+", _ => "-" };
        string offset = OldOffset is { } o && NewOffset is { } n && o != n ? $"0x{o:X4} -> 0x{n:X4}" : $"0x{OldOffset ?? NewOffset:X4}";
        string path = Path.Length == 0 ? "(root)" : Path;
        string what = Change switch
        {
            DiffChange.Changed => $"{OldValue} -> {NewValue}",
            DiffChange.Added => Kind is WalkEntryKind.Structure or WalkEntryKind.Array ? "added" : $"added: {NewValue}",
            _ => Kind is WalkEntryKind.Structure or WalkEntryKind.Array ? "removed" : $"removed: {OldValue}",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{mark} [{offset}] {path} ({Label}): {what}");
    }
}

/// <summary>
/// A field-level comparison of two walks of the same describer (two HESTs, two CPER records, two error status blocks):
/// every field whose bytes differ (absolute offset, JSON path, old -> new value), every data block, every structure
/// present in only one of them (a section, an error source, an instruction entry; reported once, not field by field),
/// a structure that is of another kind in each (different fields: a section body of another type) as one change of its
/// label, and content errors found in only one. Derived values (names, notes) are left out: they follow from the fields.
/// </summary>
public sealed class StructureDiff
{
    private StructureDiff(List<FieldDifference> differences) => Differences = differences;

    /// <summary>The differences, in the order of the inputs' offsets.</summary>
    public IReadOnlyList<FieldDifference> Differences { get; }

    /// <summary>True when nothing differs.</summary>
    public bool AreEqual => Differences.Count == 0;

    /// <summary>How many differences are of <paramref name="change"/>.</summary>
    public int Count(DiffChange change) => Differences.Count(d => d.Change == change);

    /// <summary>Walks both inputs with <paramref name="describe"/> and compares the walks.</summary>
    /// <param name="oldBytes">The old (first) input.</param>
    /// <param name="newBytes">The new (second) input.</param>
    /// <param name="describe">The describer of their kind (e.g. <c>(b, o, v) => HestDescriber.Describe(b, o, v)</c>).</param>
    /// <param name="oldBaseOffset">Absolute offset of <paramref name="oldBytes"/>.</param>
    /// <param name="newBaseOffset">Absolute offset of <paramref name="newBytes"/>.</param>
    /// <exception cref="ApeiContentException">The describer threw for one input (not even a header to walk).</exception>
    public static StructureDiff Compare(ReadOnlySpan<byte> oldBytes, ReadOnlySpan<byte> newBytes, BytesDescriber describe, long oldBaseOffset = 0, long newBaseOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(describe);
        var a = new WalkRecorder();
        describe(oldBytes, oldBaseOffset, a);
        var b = new WalkRecorder();
        describe(newBytes, newBaseOffset, b);
        var diff = Compare(a.Entries, b.Entries);
        if (diff.AreEqual && !oldBytes.SequenceEqual(newBytes))
        {
            // Every byte a describer knows is in some field or data block, so this means bytes past what the walks cover.
            int common = Math.Min(oldBytes.Length, newBytes.Length);
            int at = oldBytes[..common].CommonPrefixLength(newBytes[..common]);
            return new StructureDiff([new(DiffChange.Changed, WalkEntryKind.Data, "(bytes)", "Bytes outside the described structures",
                oldBaseOffset + at, newBaseOffset + at,
                string.Create(CultureInfo.InvariantCulture, $"{oldBytes.Length} bytes"), string.Create(CultureInfo.InvariantCulture, $"{newBytes.Length} bytes, first difference at +0x{at:X}"))]);
        }
        return diff;
    }

    /// <summary>Compares two recorded walks (<see cref="WalkRecorder.Entries"/>).</summary>
    public static StructureDiff Compare(IReadOnlyList<WalkEntry> oldWalk, IReadOnlyList<WalkEntry> newWalk)
    {
        ArgumentNullException.ThrowIfNull(oldWalk);
        ArgumentNullException.ThrowIfNull(newWalk);
        var oldByPath = Index(oldWalk);
        var newByPath = Index(newWalk);
        var oldShapes = Shapes(oldWalk);
        var newShapes = Shapes(newWalk);
        var replaced = new List<string>();
        var found = new List<(long Order, int Seq, FieldDifference D)>();
        int seq = 0;
        string? removedUnder = null;
        foreach (var e in oldWalk)
        {
            if (removedUnder is not null && IsUnder(e.Path, removedUnder)) continue;
            removedUnder = null;
            if (!newByPath.TryGetValue(e.Path, out var n))
            {
                if (e.Kind == WalkEntryKind.Value) continue;
                found.Add((e.Offset, seq++, new(DiffChange.Removed, e.Kind, e.Path, e.Label, e.Offset, null, Shown(e), null)));
                if (e.Kind is WalkEntryKind.Structure or WalkEntryKind.Array) removedUnder = e.Path;
                continue;
            }
            if (e.Kind == WalkEntryKind.Structure && n.Kind == WalkEntryKind.Structure
                && oldShapes.GetValueOrDefault(e.Path, "") != newShapes.GetValueOrDefault(e.Path, ""))
            {
                // Another kind of structure at the same place (a section body of another type, an error source of another
                // type): its fields are not comparable one by one, so it is reported once, as replaced.
                found.Add((e.Offset, seq++, new(DiffChange.Changed, e.Kind, e.Path, e.Label, e.Offset, n.Offset, e.Label, n.Label)));
                replaced.Add(e.Path);
                removedUnder = e.Path;
                continue;
            }
            if (Differs(e, n)) found.Add((e.Offset, seq++, new(DiffChange.Changed, e.Kind, e.Path, e.Label, e.Offset, n.Offset, Shown(e, n), Shown(n, e))));
        }
        string? addedUnder = null;
        foreach (var e in newWalk)
        {
            if (addedUnder is not null && IsUnder(e.Path, addedUnder)) continue;
            addedUnder = null;
            if (oldByPath.ContainsKey(e.Path) || e.Kind == WalkEntryKind.Value) continue;
            if (replaced.Exists(r => IsUnder(e.Path, r))) continue;
            found.Add((e.Offset, seq++, new(DiffChange.Added, e.Kind, e.Path, e.Label, null, e.Offset, null, Shown(e))));
            if (e.Kind is WalkEntryKind.Structure or WalkEntryKind.Array) addedUnder = e.Path;
        }
        return new StructureDiff(found.OrderBy(f => f.Order).ThenBy(f => f.Seq).Select(f => f.D).ToList());
    }

    /// <summary>Each structure's shape: the names of the fields directly in it, in order.</summary>
    private static Dictionary<string, string> Shapes(IReadOnlyList<WalkEntry> walk)
    {
        var shapes = new Dictionary<string, StringBuilder>(StringComparer.Ordinal);
        foreach (var e in walk)
        {
            if (e.Kind != WalkEntryKind.Field) continue;
            int cut = e.Path.LastIndexOf('.');
            string parent = cut < 0 ? "" : e.Path[..cut];
            if (!shapes.TryGetValue(parent, out var sb)) shapes[parent] = sb = new StringBuilder();
            sb.Append(cut < 0 ? e.Path : e.Path[(cut + 1)..]).Append(',');
        }
        return shapes.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal);
    }

    private static Dictionary<string, WalkEntry> Index(IReadOnlyList<WalkEntry> walk)
    {
        var d = new Dictionary<string, WalkEntry>(walk.Count, StringComparer.Ordinal);
        foreach (var e in walk) d.TryAdd(e.Path, e);
        return d;
    }

    private static bool IsUnder(string path, string parent)
        => parent.Length == 0 || (path.Length > parent.Length && path.StartsWith(parent, StringComparison.Ordinal) && path[parent.Length] is '.' or '[');

    private static bool Differs(WalkEntry a, WalkEntry b) => a.Kind switch
    {
        WalkEntryKind.Field or WalkEntryKind.Data => b.Kind != a.Kind || !a.Raw.AsSpan().SequenceEqual(b.Raw),
        WalkEntryKind.Error => b.Kind != a.Kind || a.Value != b.Value,
        _ => false, // structures and arrays differ through their members; derived values follow the fields
    };

    /// <summary>The value to show: a field's decoded value; for long fields and data, where the bytes first differ from <paramref name="other"/>.</summary>
    private static string? Shown(WalkEntry e, WalkEntry? other = null)
    {
        if (e.Raw is null || (e.Raw.Length <= 16 && e.Kind == WalkEntryKind.Field)) return e.Value;
        if (other?.Raw is null) return string.Create(CultureInfo.InvariantCulture, $"{e.Raw.Length} bytes");
        int at = e.Raw.AsSpan().CommonPrefixLength(other.Raw);
        string here = at < e.Raw.Length ? FieldFormat.HexBytes(e.Raw.AsSpan(at, Math.Min(8, e.Raw.Length - at))) : "(end)";
        return string.Create(CultureInfo.InvariantCulture, $"{e.Raw.Length} bytes, at 0x{e.Offset + at:X4}: {here}");
    }

    /// <summary>Writes one line per difference (<see cref="FieldDifference.ToString"/>) and a count line.</summary>
    public void WriteText(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var d in Differences) output.WriteLine(d.ToString());
        output.WriteLine(AreEqual ? "no differences"
            : string.Create(CultureInfo.InvariantCulture, $"{Differences.Count} difference(s): {Count(DiffChange.Changed)} changed, {Count(DiffChange.Added)} added, {Count(DiffChange.Removed)} removed"));
    }

    /// <summary>Writes the differences as a JSON array of objects (change, kind, path, label, oldOffset, newOffset, old, new).</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartArray();
        foreach (var d in Differences)
        {
            writer.WriteStartObject();
            writer.WriteString("change", d.Change switch { DiffChange.Changed => "changed", DiffChange.Added => "added", _ => "removed" });
            writer.WriteString("kind", d.Kind switch
            {
                WalkEntryKind.Structure => "structure", WalkEntryKind.Array => "array", WalkEntryKind.Field => "field",
                WalkEntryKind.Data => "data", WalkEntryKind.Value => "value", _ => "error",
            });
            writer.WriteString("path", d.Path);
            writer.WriteString("label", d.Label);
            if (d.OldOffset is { } o) writer.WriteNumber("oldOffset", o); else writer.WriteNull("oldOffset");
            if (d.NewOffset is { } n) writer.WriteNumber("newOffset", n); else writer.WriteNull("newOffset");
            if (d.OldValue is { } ov) writer.WriteString("old", ov); else writer.WriteNull("old");
            if (d.NewValue is { } nv) writer.WriteString("new", nv); else writer.WriteNull("new");
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
