using System.Text.Json;

namespace ApeiKit.Cper.Json;

/// <summary>Describes a buffer to a visitor (a section describer, a layout's <see cref="StructDef.Describe"/>).</summary>
/// <param name="bytes">The structure's bytes.</param>
/// <param name="visitor">Receives the walk, inside the already opened object that the JSON object corresponds to.</param>
public delegate void BufferDescriber(ReadOnlySpan<byte> bytes, StructureVisitor visitor);

/// <summary>
/// Builds the bytes of a structure from the JSON that its describer renders, with the describer itself as the map: the
/// describer walks a candidate buffer, every field it reports (by JSON name, at its offset) is filled from the JSON, and
/// the walk is repeated until the buffer no longer changes, so counts and lengths written in one pass open the arrays and
/// variable parts of the next. The renderer and this reader are thus driven by the same code: a section's describer is
/// the one definition of both its JSON and its JSON input, and a codec registered with <see cref="CperSections.Register"/>
/// gets JSON input for free.
/// </summary>
/// <remarks>
/// Rules. A field absent from the JSON (or null) is zero. Hex strings (<see cref="StructureVisitor.Data"/>) must have the
/// length the walk gives them, except a part that runs to the end of the structure, whose JSON length sets the
/// structure's length when that is not given. Without a length, the structure ends at the end of the last part the walk
/// reports with the JSON in place. When a structure (an object of the walk) has a <c>validationBits</c> field that the
/// JSON leaves out, it is computed from the fields present whose validation bit is in that structure. Every JSON member
/// must be something the final walk reports; anything else is an unknown member (a misspelling, or an array element that
/// the counts leave no room for).
/// </remarks>
public static class JsonGuidedBuilder
{
    private const int MaxPasses = 64;
    private const int ScratchBase = 64 * 1024;

    /// <summary>Builds the bytes the JSON object at <paramref name="path"/> describes.</summary>
    /// <param name="json">The object (its members are what <paramref name="describe"/> reports).</param>
    /// <param name="path">JSON path of <paramref name="json"/>, for messages.</param>
    /// <param name="length">The structure's length when known (a descriptor's SectionLength); null computes it.</param>
    /// <param name="describe">The walk.</param>
    /// <param name="extraMembers">Members that the caller handles (derived names it writes beside the walk).</param>
    /// <exception cref="CperJsonException">The JSON does not describe such a structure.</exception>
    public static byte[] Build(JsonElement json, string path, int? length, BufferDescriber describe, IReadOnlyCollection<string>? extraMembers = null)
    {
        ArgumentNullException.ThrowIfNull(describe);
        if (json.ValueKind != JsonValueKind.Object) throw new CperJsonException(path, $"expected an object, found {JsonFieldReader.Show(json)}");
        int size = length ?? ScratchBase + HexBytes(json);
        var buffer = new byte[size];
        Walk? walk = null;
        for (int pass = 0; pass < MaxPasses; pass++)
        {
            walk = Walk.Run(buffer, json, path, describe);
            var next = walk.Apply(buffer.Length, fixedLength: length is not null);
            if (next.AsSpan().SequenceEqual(buffer))
            {
                // A JSON problem counts only once the walk has settled: earlier passes walk a half-built buffer
                // (a processor check type not yet written shows checkInfo as a plain number).
                if (walk.JsonError is { } jsonError) throw jsonError;
                if (length is not null || walk.Extent == buffer.Length) break;
                // Converged in scratch space: cut to the extent and settle again at that length.
                length = walk.Extent;
                buffer = next.AsSpan(0, walk.Extent).ToArray();
                continue;
            }
            buffer = next;
            if (pass == MaxPasses - 1) throw new CperJsonException(path, "the counts and lengths in this object do not settle (a count or length field contradicts the parts given)");
        }
        if (walk!.Failure is { } failure) throw new CperJsonException(path, "the bytes built from this object are malformed: " + failure.Message, failure);
        walk.CheckUnknownMembers(extraMembers);
        return buffer;
    }

    private static int HexBytes(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String: return e.GetString()!.Length / 2;
            case JsonValueKind.Object: { int n = 0; foreach (var p in e.EnumerateObject()) n += HexBytes(p.Value); return n; }
            case JsonValueKind.Array: { int n = 0; foreach (var x in e.EnumerateArray()) n += HexBytes(x); return n; }
            default: return 0;
        }
    }

    private sealed class Frame(JsonElement? element, string path, bool isArray, HashSet<string>? seen = null)
    {
        public JsonElement? Element { get; } = element;
        public string Path { get; } = path;
        public bool IsArray { get; } = isArray;
        public int NextIndex { get; set; }
        /// <summary>Members the walk reported; shared with the enclosing frame when the walk opens an unnamed object on the same JSON object.</summary>
        public HashSet<string> Seen { get; } = seen ?? [];
        public FieldHit? ValidationField { get; set; }
        public ulong PresentBits { get; set; }
    }

    private sealed record FieldHit(FieldDef Field, int Offset, Frame Frame);

    private sealed record DataHit(string Json, int Offset, int Length, Frame Frame);

    private sealed class Walk : StructureVisitor
    {
        private readonly Stack<Frame> _stack = new();
        private readonly List<Frame> _frames = [];
        private readonly List<FieldHit> _fields = [];
        private readonly List<DataHit> _data = [];
        private readonly int _length;

        private Walk(int length, JsonElement root, string path)
        {
            _length = length;
            var f = new Frame(root, path, false);
            _frames.Add(f);
            _stack.Push(f);
        }

        public ApeiContentException? Failure { get; private set; }
        public CperJsonException? JsonError { get; private set; }
        public int Extent { get; private set; }

        public static Walk Run(byte[] buffer, JsonElement root, string path, BufferDescriber describe)
        {
            var w = new Walk(buffer.Length, root, path);
            try
            {
                describe(buffer, w);
            }
            catch (ApeiContentException e)
            {
                w.Failure = e; // what was walked so far still fills the next pass
            }
            catch (ArgumentOutOfRangeException e)
            {
                w.Failure = new ApeiContentException("structure", null, 0, null, null, e.Message);
            }
            return w;
        }

        private Frame Top => _stack.Peek();

        public override bool ReportsZeroParts => true;

        private (JsonElement? Element, string Path) Member(string? json)
        {
            var top = Top;
            if (top.IsArray)
            {
                int i = top.NextIndex++;
                var e = top.Element is { ValueKind: JsonValueKind.Array } a && i < a.GetArrayLength() ? a[i] : (JsonElement?)null;
                return (e, $"{top.Path}[{i}]");
            }
            if (json is null) return (top.Element, top.Path);
            top.Seen.Add(json);
            var m = top.Element is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(json, out var v) && v.ValueKind != JsonValueKind.Null ? v : (JsonElement?)null;
            return (m, top.Path + "." + json);
        }

        public override void BeginObject(string? json, string label, long offset, long length)
        {
            var (e, path) = Member(json);
            if (e is { } x && x.ValueKind != JsonValueKind.Object)
            {
                JsonError ??= new CperJsonException(path, $"expected an object, found {JsonFieldReader.Show(x)}");
                e = null;
            }
            // An unnamed object outside an array is the same JSON object (a describer that opens its own structure,
            // as the error status block describer does): what it reports counts for the enclosing frame too.
            var f = new Frame(e, path, false, json is null && !Top.IsArray ? Top.Seen : null);
            _frames.Add(f);
            _stack.Push(f);
        }

        public override void EndObject() => _stack.Pop();

        public override void BeginArray(string json, string label, long offset, long length)
        {
            var (e, path) = Member(json);
            if (e is { } x && x.ValueKind != JsonValueKind.Array)
            {
                JsonError ??= new CperJsonException(path, $"expected an array, found {JsonFieldReader.Show(x)}");
                e = null;
            }
            var f = new Frame(e, path, true);
            _frames.Add(f);
            _stack.Push(f);
        }

        public override void EndArray() => _stack.Pop();

        public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
        {
            var top = Top;
            foreach (var m in JsonFieldReader.CompanionMembers(field)) top.Seen.Add(m);
            var hit = new FieldHit(field, (int)offset, top);
            _fields.Add(hit);
            if (field.Json == "validationBits") top.ValidationField ??= hit;
        }

        public override void Info(string json, string label, string? value) => Top.Seen.Add(json);

        public override void Info(string json, string label, long value) => Top.Seen.Add(json);

        public override void JsonOnly(string json, string? value) => Top.Seen.Add(json);

        public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes)
        {
            Top.Seen.Add(json);
            _data.Add(new DataHit(json, (int)offset, bytes.Length, Top));
        }

        protected override void OnError(ApeiContentException error)
        {
            // Errors the rebuilt bytes still have are rendered in place; the decode output of a broken record carries them too.
            var top = Top;
            if (top.IsArray) { top.NextIndex++; return; }
            top.Seen.Add("error");
            for (int i = 2; i < 10; i++) top.Seen.Add("error" + i);
        }

        /// <summary>The next candidate: zeros, with every field and part the JSON gives written where this walk put it.</summary>
        public byte[] Apply(int length, bool fixedLength)
        {
            int extent = 0;
            var parts = new List<(int Offset, byte[] Bytes)>();
            var notes = new List<(int Offset, int Length)>();
            foreach (var d in _data)
            {
                var (e, path) = (d.Frame.Element is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(d.Json, out var v) && v.ValueKind != JsonValueKind.Null ? v : (JsonElement?)null, d.Frame.Path + "." + d.Json);
                if (e is not { } x) continue;
                byte[] bytes;
                if (x.ValueKind == JsonValueKind.String && x.GetString()!.Contains(' ', StringComparison.Ordinal) && !IsHex(x.GetString()!))
                {
                    // The original walk wrote a note here (ARM "padding": "none: ..."), this one sees bytes: the describer
                    // decided from content (zeros where padding would be). Make the bytes non-zero so the next walk takes
                    // the other branch; the JSON then fills them.
                    notes.Add((d.Offset, d.Length));
                    continue;
                }
                try
                {
                    bytes = JsonFieldReader.Hex(x, path);
                }
                catch (CperJsonException error)
                {
                    JsonError ??= error;
                    continue;
                }
                bool toEnd = d.Offset + d.Length == length;
                if (bytes.Length != d.Length && !(toEnd && !fixedLength))
                {
                    JsonError ??= new CperJsonException(path, $"expected {d.Length} bytes here (the structure's counts and lengths leave {d.Length}), found {bytes.Length}");
                    continue;
                }
                parts.Add((d.Offset, bytes));
                extent = Math.Max(extent, d.Offset + bytes.Length);
            }
            int size = length;
            var next = new byte[Math.Max(size, extent)];
            foreach (var (o, n) in notes) next.AsSpan(o, n).Fill(0xFF);
            foreach (var (o, b) in parts) b.CopyTo(next, o);
            foreach (var h in _fields)
            {
                extent = Math.Max(extent, h.Offset + h.Field.Size);
                if (h.Frame.Element is not { ValueKind: JsonValueKind.Object } obj) continue;
                bool present;
                ulong subBits;
                try
                {
                    present = JsonFieldReader.TryRead(h.Field, obj, h.Frame.Path, next.AsSpan(h.Offset, h.Field.Size), out subBits);
                }
                catch (CperJsonException e)
                {
                    JsonError ??= e;
                    continue;
                }
                if (present)
                {
                    if (h.Field.ValidBit >= 0) h.Frame.PresentBits |= 1UL << h.Field.ValidBit;
                    h.Frame.PresentBits |= subBits;
                }
            }
            foreach (var f in _frames)
            {
                // validationBits left out: the fields present say which are valid.
                if (f.ValidationField is not { } vf || f.Element is not { ValueKind: JsonValueKind.Object } obj || obj.TryGetProperty("validationBits", out _)) continue;
                int size2 = Math.Min(vf.Field.Size, 8);
                ulong mask = size2 >= 8 ? ulong.MaxValue : (1UL << (8 * size2)) - 1;
                FieldDef.WriteLittleEndian(next.AsSpan(vf.Offset, vf.Field.Size), f.PresentBits & mask);
            }
            Extent = extent;
            if (next.Length > size && fixedLength) return next.AsSpan(0, size).ToArray();
            return next;
        }

        private static bool IsHex(string s)
        {
            var t = s.Replace(" ", "", StringComparison.Ordinal);
            if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) t = t[2..];
            return t.All(char.IsAsciiHexDigit);
        }

        public void CheckUnknownMembers(IReadOnlyCollection<string>? extra)
        {
            foreach (var f in _frames)
            {
                if (f.Element is not { } e) continue;
                if (f.IsArray)
                {
                    if (e.GetArrayLength() > f.NextIndex)
                        throw new CperJsonException($"{f.Path}[{f.NextIndex}]", $"more elements than the structure holds ({f.NextIndex}; a count or length field decides how many)");
                    continue;
                }
                foreach (var p in e.EnumerateObject())
                {
                    if (f.Seen.Contains(p.Name) || (f.Seen == _frames[0].Seen && extra?.Contains(p.Name) == true)) continue;
                    throw new CperJsonException(f.Path + "." + p.Name, "unknown member" + (f.Seen.Count > 0 ? $" (expected one of: {string.Join(", ", f.Seen.Order(StringComparer.Ordinal))})" : ""));
                }
            }
        }
    }
}
