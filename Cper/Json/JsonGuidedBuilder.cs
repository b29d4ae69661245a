using System.Text.Json;

namespace ApeiKit.Cper.Json;

/// <summary>Describes a buffer to a visitor (a section describer, a layout's <see cref="StructDef.Describe"/>).</summary>
/// <param name="bytes">The structure's bytes.</param>
/// <param name="visitor">Receives the walk, inside the already opened object that the JSON object corresponds to.</param>
public delegate void BufferDescriber(ReadOnlySpan<byte> bytes, StructureVisitor visitor);

/// <summary>Something in the JSON that is accepted but probably not what was meant (a validation bit set with nothing it validates).</summary>
/// <param name="Path">JSON path of the member concerned.</param>
/// <param name="Message">What is odd, in plain words.</param>
public sealed record CperJsonWarning(string Path, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>
/// Builds the bytes of a structure from the JSON that its describer renders, with the describer itself as the map: the
/// describer walks the buffer being built, and every field it reports (by JSON name, at its offset) is written from the
/// JSON at once, into the very bytes the describer reads next. What the bytes must say beyond what the JSON gives is
/// derived from the JSON, as the layouts declare it (<see cref="FieldDef.Derive"/>, <see cref="FieldDef.ParentValidBit"/>,
/// <see cref="FieldDef.Spill"/>, <see cref="FieldDef.EmbeddedValidation"/>): validation bits from the fields present,
/// counts from array lengths, lengths from the parts given. A describer that reads a structure before reporting it
/// announces it (<see cref="StructDef.Prefill"/>), so the walk finds the bytes already written. The renderer and this
/// reader are thus driven by the same code: a codec registered with <see cref="CperSections.Register"/> gets JSON input
/// for free.
/// </summary>
/// <remarks>
/// Rules. A field absent from the JSON (or null) is zero, unless its layout derives it. Hex strings
/// (<see cref="StructureVisitor.Data"/>) must have the length the walk gives them, except a part that runs to the end of
/// the structure, whose JSON length sets the structure's length when that is not given. Without a length, the structure
/// ends at the end of the last part the walk reports with the JSON in place. A <c>validationBits</c> the JSON gives wins
/// over the fields present (a mismatch is a <see cref="CperJsonWarning"/>). Every JSON member must be something the final
/// walk reports; anything else is an unknown member (a misspelling, or an array element that the counts leave no room
/// for). Walks: the first builds, the second confirms that the bytes say the same when walked from the start (and, when
/// the length was not given, walks at the final length). A describer that reads bytes before reporting them without
/// announcing them needs more walks: each learns what the previous one wrote, up to one walk per JSON object or array.
/// </remarks>
public static class JsonGuidedBuilder
{
    private const int ScratchBase = 64 * 1024;

    /// <summary>Builds the bytes the JSON object at <paramref name="path"/> describes.</summary>
    /// <param name="json">The object (its members are what <paramref name="describe"/> reports).</param>
    /// <param name="path">JSON path of <paramref name="json"/>, for messages.</param>
    /// <param name="length">The structure's length when known (a descriptor's SectionLength); null computes it.</param>
    /// <param name="describe">The walk.</param>
    /// <param name="extraMembers">Members that the caller handles (derived names it writes beside the walk).</param>
    /// <exception cref="CperJsonException">The JSON does not describe such a structure.</exception>
    public static byte[] Build(JsonElement json, string path, int? length, BufferDescriber describe, IReadOnlyCollection<string>? extraMembers = null)
        => Build(json, path, length, describe, extraMembers, null);

    /// <summary>Builds the bytes the JSON object at <paramref name="path"/> describes, collecting warnings.</summary>
    /// <param name="json">The object (its members are what <paramref name="describe"/> reports).</param>
    /// <param name="path">JSON path of <paramref name="json"/>, for messages.</param>
    /// <param name="length">The structure's length when known (a descriptor's SectionLength); null computes it.</param>
    /// <param name="describe">The walk.</param>
    /// <param name="extraMembers">Members that the caller handles (derived names it writes beside the walk).</param>
    /// <param name="warnings">Receives what is accepted but odd (null: not collected).</param>
    /// <exception cref="CperJsonException">The JSON does not describe such a structure.</exception>
    public static byte[] Build(JsonElement json, string path, int? length, BufferDescriber describe, IReadOnlyCollection<string>? extraMembers,
        ICollection<CperJsonWarning>? warnings)
    {
        ArgumentNullException.ThrowIfNull(describe);
        if (json.ValueKind != JsonValueKind.Object) throw new CperJsonException(path, $"expected an object, found {JsonFieldReader.Show(json)}");
        var read = new byte[length ?? ScratchBase + HexBytes(json)];
        byte[]? previous = null;
        int bound = Nodes(json) + 2;
        Dictionary<string, byte[]>? hex = null; // hex strings decoded once for all the walks; made on the first (headers and descriptors have none)
        for (int walks = 1; ; walks++)
        {
            var walk = new Walk(read, json, path, fixedLength: length is not null, hex);
            walk.Run(describe);
            hex = walk.Hex;
            var written = walk.Output;
            if (length is null)
            {
                // Built in scratch space: once a walk confirms the previous one there, cut to the extent and confirm
                // again at that length (a describer sees the length: parts that run to the end, trailing bytes).
                bool settled = previous is not null && written.AsSpan().SequenceEqual(previous);
                if (settled)
                {
                    length = walk.Extent;
                    written = written.AsSpan(0, length.Value).ToArray();
                    walk.PatchStructureLengths(written);
                    previous = null;
                }
            }
            else if (written.Length > length) written = written.AsSpan(0, length.Value).ToArray();
            if (length is not null && previous is not null && written.AsSpan().SequenceEqual(previous))
            {
                // A JSON problem counts only in the confirming walk: a describer that reads bytes before reporting them
                // sees a half-built buffer in the walks before it.
                if (walk.JsonError is { } jsonError) throw jsonError;
                if (walk.Failure is { } failure) throw new CperJsonException(path, "the bytes built from this object are malformed: " + failure.Message, failure);
                walk.CheckUnknownMembers(extraMembers);
                if (warnings is not null) foreach (var w in walk.Warnings()) warnings.Add(w);
                return written;
            }
            if (walks > bound)
                throw new CperJsonException(path, "the counts and lengths in this object do not settle (a count or length field contradicts the parts given)");
            previous = written;
            read = (byte[])written.Clone();
        }
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

    /// <summary>Objects and arrays in the JSON: the most walks a chain of structures each placed by the previous one can need.</summary>
    private static int Nodes(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object: { int n = 1; foreach (var p in e.EnumerateObject()) n += Nodes(p.Value); return n; }
            case JsonValueKind.Array: { int n = 1; foreach (var x in e.EnumerateArray()) n += Nodes(x); return n; }
            default: return 0;
        }
    }

    private static bool IsHex(string s)
    {
        var t = s.Replace(" ", "", StringComparison.Ordinal);
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) t = t[2..];
        return t.All(char.IsAsciiHexDigit);
    }

    private static JsonElement? Member(JsonElement? obj, string json)
        => obj is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(json, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    /// <summary>Members a JSON object is known to hold, and the errors rendered in it; shared by the frames of one JSON object.</summary>
    private sealed class Members
    {
        public HashSet<string> Names { get; } = [];
        public int Errors { get; set; }
        /// <summary>The first error the walk rendered in this object: why members after it were not reached.</summary>
        public ApeiContentException? FirstError { get; set; }
    }

    private sealed class Frame(JsonElement? element, string path, bool isArray, Frame? parent, Members? members = null)
    {
        public JsonElement? Element { get; } = element;
        public string Path { get; } = path;
        public bool IsArray { get; } = isArray;
        public Frame? Parent { get; } = parent;
        /// <summary>The length the walk opened the object with (-1 for the root, whose length is the buffer's).</summary>
        public long Length { get; init; } = -1;
        public int NextIndex { get; set; }
        /// <summary>Members the walk reported; shared with the enclosing frame when the walk opens an unnamed object on the same JSON object.</summary>
        public Members Members { get; } = members ?? new();
        public FieldDef? ValidationField { get; set; }
        public int ValidationOffset { get; set; }
        public bool ValidationGiven { get; set; }
        /// <summary>validationBits given in the renderer's form (<c>{"value": .., "names": [..]}</c>): decode output, which shows invalid fields that hold bytes.</summary>
        public bool ValidationAsDecoded { get; set; }
        public ulong ValidationDerived { get; set; }
        /// <summary>Validation bits of the fields present (given whole, or sub-fields with their own bits, or nested objects).</summary>
        public ulong PresentBits { get; set; }
        /// <summary>Validation bits any member present claims, in any form (for warnings).</summary>
        public ulong ClaimedBits { get; set; }
        /// <summary>Validation bits the fields reported in this object declare.</summary>
        public ulong DeclaredBits { get; set; }
        /// <summary>Plain fields present whose bit is not set when validationBits is given (for warnings).</summary>
        public List<(FieldDef Field, int Bit)> Given { get; } = [];
        public List<(int Offset, int Size, ulong Bits)> Spills { get; } = [];
    }

    private sealed class Walk : StructureVisitor, IStructureSource
    {
        private readonly Stack<Frame> _stack = new();
        private readonly List<Frame> _frames = [];
        private readonly List<(FieldDef Field, int Offset)> _lengths = [];
        private readonly byte[] _read;
        private byte[] _out;
        private readonly bool _fixedLength;
        private Dictionary<string, byte[]>? _hex;

        /// <summary>The hex strings decoded so far (this walk's and the walks' before it): null while there were none.</summary>
        public Dictionary<string, byte[]>? Hex => _hex;

        public Walk(byte[] read, JsonElement root, string path, bool fixedLength, Dictionary<string, byte[]>? hex)
        {
            _read = read;
            _out = new byte[read.Length];
            _fixedLength = fixedLength;
            _hex = hex;
            var f = new Frame(root, path, false, null);
            _frames.Add(f);
            _stack.Push(f);
            if (fixedLength) SeedUndecoded(root, path, 0, read.Length);
        }

        /// <summary>
        /// The bytes of the hex string <paramref name="x"/> at <paramref name="path"/>, decoded once per build: the seeding of
        /// <c>undecoded</c> and the walk's <see cref="Data"/> report of the same member, and every walk after the first,
        /// take the same bytes (a path names one JSON value of the object being built; the bytes are copied, never changed).
        /// </summary>
        /// <exception cref="CperJsonException">Not a string of hex digit pairs (not remembered: each caller reports it).</exception>
        private byte[] HexOf(JsonElement x, string path)
        {
            if (_hex is not null && _hex.TryGetValue(path, out var known)) return known;
            var bytes = JsonFieldReader.Hex(x, path);
            (_hex ??= new(StringComparer.Ordinal))[path] = bytes;
            return bytes;
        }

        /// <summary>
        /// Places the bytes of an <c>undecoded</c> member (what a describer writes when a count or length does not fit: IA32/X64,
        /// ARM, NVIDIA event, CXL protocol, ARM RAS, PCI component bodies) in the bytes the walk reads, before the walk: they run
        /// to the end of the structure, or to a <c>trailingBytes</c> member that ends it. The walk then finds the count or
        /// length that does not fit in them (they are the header that did not fit) and reports them again; its
        /// <see cref="Data"/> writes them out. A walk that does not report them leaves the member unknown.
        /// </summary>
        private void SeedUndecoded(JsonElement? obj, string path, long start, long end)
        {
            if (Member(obj, CperRecordDescriber.UndecodedMember) is not { ValueKind: JsonValueKind.String } u) return;
            byte[] undecoded, trailing = [];
            try
            {
                undecoded = HexOf(u, path + "." + CperRecordDescriber.UndecodedMember);
                if (Member(obj, CperRecordDescriber.TrailingMember) is { ValueKind: JsonValueKind.String } t) trailing = HexOf(t, path + "." + CperRecordDescriber.TrailingMember);
            }
            catch (CperJsonException)
            {
                return; // the walk's Data reports the member's problem with its path
            }
            long tailAt = end - trailing.Length, at = tailAt - undecoded.Length;
            if (at < start || end > _read.Length) return;
            Write((int)at, undecoded, output: false);
            Write((int)tailAt, trailing, output: false);
        }

        public ApeiContentException? Failure { get; private set; }
        public CperJsonException? JsonError { get; private set; }
        public int Extent { get; private set; }
        public byte[] Output => _out;

        public void Run(BufferDescriber describe)
        {
            try
            {
                describe(_read, this);
            }
            catch (ApeiContentException e)
            {
                Failure = e; // what was walked so far still fills the next walk
            }
            ApplySpills();
        }

        private Frame Top => _stack.Peek();

        public override bool ReportsZeroParts => true;

        public override bool WantsLabels => false;

        private (JsonElement? Element, string Path) Next(string? json)
        {
            var top = Top;
            if (top.IsArray)
            {
                int i = top.NextIndex++;
                var e = top.Element is { ValueKind: JsonValueKind.Array } a && i < a.GetArrayLength() ? a[i] : (JsonElement?)null;
                return (e, $"{top.Path}[{i}]");
            }
            if (json is null) return (top.Element, top.Path);
            top.Members.Names.Add(json);
            return (Member(top.Element, json), top.Path + "." + json);
        }

        public override void BeginObject(string? json, string label, long offset, long length)
        {
            var (e, path) = Next(json);
            if (e is { } x && x.ValueKind != JsonValueKind.Object)
            {
                JsonError ??= new CperJsonException(path, $"expected an object, found {JsonFieldReader.Show(x)}");
                e = null;
            }
            // An unnamed object outside an array is the same JSON object (a describer that opens its own structure,
            // as the error status block describer does): what it reports counts for the enclosing frame too.
            var top = Top;
            var f = new Frame(e, path, false, top, json is null && !top.IsArray ? top.Members : null) { Length = length };
            _frames.Add(f);
            _stack.Push(f);
            if (e is not null && length > 0 && offset >= 0) SeedUndecoded(e, path, offset, offset + length);
        }

        public override void EndObject() => _stack.Pop();

        public override void BeginArray(string json, string label, long offset, long length)
        {
            var (e, path) = Next(json);
            if (e is { } x && x.ValueKind != JsonValueKind.Array)
            {
                JsonError ??= new CperJsonException(path, $"expected an array, found {JsonFieldReader.Show(x)}");
                e = null;
            }
            var f = new Frame(e, path, true, Top);
            _frames.Add(f);
            _stack.Push(f);
        }

        public override void EndArray() => _stack.Pop();

        private void Write(int offset, ReadOnlySpan<byte> bytes, bool output = true)
        {
            if (offset < 0) return;
            if (offset < _read.Length) bytes[..Math.Min(bytes.Length, _read.Length - offset)].CopyTo(_read.AsSpan(offset));
            if (!output) return;
            if (offset + bytes.Length > _out.Length) Array.Resize(ref _out, offset + bytes.Length);
            bytes.CopyTo(_out.AsSpan(offset));
        }

        /// <summary>The object frame that encloses <paramref name="f"/> (the structure a nested object's parent bit belongs to).</summary>
        private static Frame? Enclosing(Frame f)
        {
            for (var p = f.Parent; p is not null; p = p.Parent)
            {
                if (!p.IsArray && !ReferenceEquals(p.Members, f.Members)) return p;
                if (p.IsArray) return null;
            }
            return null;
        }

        private void AddBits(Frame f, ulong present, ulong claimed)
        {
            ulong before = f.PresentBits;
            f.PresentBits |= present;
            f.ClaimedBits |= claimed | present;
            if (f.PresentBits != before) WriteValidation(f);
        }

        private void WriteValidation(Frame f)
        {
            if (f.ValidationField is not { } vf || f.ValidationGiven) return;
            int size = Math.Min(vf.Size, 8);
            ulong mask = size >= 8 ? ulong.MaxValue : (1UL << (8 * size)) - 1;
            Span<byte> b = stackalloc byte[vf.Size];
            FieldDef.WriteLittleEndian(b, ((f.PresentBits & mask) | f.ValidationDerived) & mask);
            Write(f.ValidationOffset, b);
        }

        public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
        {
            var top = Top;
            foreach (var m in JsonFieldReader.CompanionMembers(field)) top.Members.Names.Add(m);
            int at = (int)offset;
            Extent = Math.Max(Extent, at + field.Size);
            if (top.IsArray || top.Element is not { ValueKind: JsonValueKind.Object } obj) return;
            bool isValidation = field.Json == "validationBits" && top.ValidationField is null;
            var embedded = field.EmbeddedValidation;
            if (field.ValidBit >= 0) top.DeclaredBits |= 1UL << field.ValidBit;
            if (field.BitFields is { } subsDeclared && embedded is null)
                foreach (var b in subsDeclared) if (b.ValidBit >= 0) top.DeclaredBits |= 1UL << b.ValidBit;

            var value = new byte[field.Size];
            var member = Member(obj, field.Json);
            bool present;
            ulong subBits = 0;
            try
            {
                present = ReadField(field, obj, top.Path, value, top, at, out subBits);
            }
            catch (CperJsonException e)
            {
                JsonError ??= e;
                return;
            }
            if (present)
            {
                bool hasValue = member is { ValueKind: JsonValueKind.Object } mo && Member(mo, "value") is not null;
                bool objectForm = member is { ValueKind: JsonValueKind.Object };
                ulong present2 = 0, claimed = subBits;
                if (embedded is not null)
                {
                    // The sub-fields' bits are the field's own (UEFI N.2.4.2.1 check information, N.2.4.4 ARM error
                    // information: bits 0-15 validate the fields above them), never the structure's.
                    if (objectForm && !hasValue && Member(member!.Value, embedded.Json) is null)
                    {
                        ulong v = FieldDef.ReadLittleEndian(value) | ((subBits << embedded.Bit) & embedded.Mask);
                        FieldDef.WriteLittleEndian(value, v);
                    }
                    subBits = 0;
                    claimed = 0;
                }
                // The field's own bit: given whole (a number, or the renderer's {"value": ..}), or through a sub-field
                // without a bit of its own. Sub-fields with their own bits set only those (UEFI N.2.5: bank group and
                // bank address, bits 19/20, not the plain bank bit 6).
                bool whole = !objectForm || hasValue || field.Kind != FieldKind.Bits || embedded is not null || subBits == 0
                    || GivesSubWithoutBit(field, member!.Value);
                if (hasValue) subBits = 0; // the renderer's sub-fields beside the value are derived from it
                if (whole && field.ValidBit >= 0) present2 |= 1UL << field.ValidBit;
                present2 |= subBits;
                if (whole && field.ValidBit >= 0 && field.Kind != FieldKind.Bits) top.Given.Add((field, field.ValidBit));
                if (!isValidation) AddBits(top, present2, claimed);
                Write(at, value);
            }
            else if (!isValidation)
            {
                Write(at, value); // derived (a count, a length, a constant) or zero
            }
            if (field.ParentValidBit >= 0 && Enclosing(top) is { } parent)
            {
                parent.DeclaredBits |= 1UL << field.ParentValidBit;
                AddBits(parent, 1UL << field.ParentValidBit, 0);
            }
            if (isValidation)
            {
                top.ValidationField = field;
                top.ValidationOffset = at;
                top.ValidationGiven = present;
                top.ValidationAsDecoded = present && member is { ValueKind: JsonValueKind.Object } vm && Member(vm, "value") is not null;
                if (present) Write(at, value);
                else
                {
                    top.ValidationDerived = FieldDef.ReadLittleEndian(value); // derived sub-fields (IA32/X64 counts)
                    WriteValidation(top);
                }
            }
        }

        private static bool GivesSubWithoutBit(FieldDef field, JsonElement member)
        {
            foreach (var b in field.BitFields ?? [])
                if (b.ValidBit < 0 && Member(member, b.Json) is not null) return true;
            return false;
        }

        /// <summary>
        /// Writes the field's value from the JSON into <paramref name="value"/> (true), or its derived value when the JSON does
        /// not give it (false). <paramref name="subBits"/> receives the validation bits of the sub-fields given and of a spill.
        /// </summary>
        private bool ReadField(FieldDef field, JsonElement obj, string path, Span<byte> value, Frame? frame, int at, out ulong subBits)
        {
            subBits = 0;
            var member = Member(obj, field.Json);
            if (field.Spill is { } spill && member is { } m && field.Size < 8 && m.ValueKind is JsonValueKind.Number or JsonValueKind.String)
            {
                ulong whole = JsonFieldReader.Integer(m, path + "." + field.Json, 8);
                int low = 8 * field.Size;
                ulong high = whole >> low;
                if (high != 0)
                {
                    if (high >> spill.Width != 0)
                        throw new CperJsonException(path + "." + field.Json, $"expected a value of at most {low + spill.Width} bits, found {whole}");
                    FieldDef.WriteLittleEndian(value, whole & ((1UL << low) - 1));
                    frame?.Spills.Add((at - field.Offset + spill.Into.Offset, spill.Into.Size, high << spill.Bit));
                    if (spill.ValidBit >= 0) subBits |= 1UL << spill.ValidBit;
                    return true;
                }
            }
            bool present = JsonFieldReader.TryRead(field, obj, path, value, out ulong given);
            subBits |= given;
            // Sub-fields an encoder derives (IA32/X64 ERROR_INFO_NUM in the validation bits) when neither they nor the whole value are given.
            if (field.BitFields is { } subs && !(member is { ValueKind: JsonValueKind.Number or JsonValueKind.String }) && Member(member, "value") is null)
            {
                ulong v = FieldDef.ReadLittleEndian(value);
                foreach (var b in subs)
                {
                    if (b.Derive is not { } d || Member(member, b.Json) is not null) continue;
                    if (Derive(d, obj, path) is { } x) v |= (x << b.Bit) & b.Mask;
                }
                FieldDef.WriteLittleEndian(value, v);
            }
            if (present) return true;
            // A nested structure's length is the length the walk opened its object with: a section inside an error
            // status block is the entry's body (ACPI 6.5 18.3.2.7.1 Error Data Length); ARM RAS auxiliary data and
            // address-space contexts, whose objects the walk opens with the size the bytes give, settle over the walks
            // (a size not yet written reads as not fitting, and the object then runs to the end of what holds it). The
            // root's length is the buffer's, patched once known.
            if (field.Derive is { Kind: DerivationKind.StructureLength } && (frame ?? Top) is var own && !ReferenceEquals(own.Members, _frames[0].Members))
            {
                if (ObjectLength(own) is { } n) FieldDef.WriteLittleEndian(value, n);
                return false;
            }
            if (field.Derive is { } derive && Derive(derive, obj, path) is { } dv)
            {
                if (derive.Kind == DerivationKind.StructureLength && frame is not null) _lengths.Add((field, at));
                FieldDef.WriteLittleEndian(value, dv);
            }
            return false;
        }

        /// <summary>The length the innermost object frame at <paramref name="f"/> was opened with; null when none says.</summary>
        private static ulong? ObjectLength(Frame f)
        {
            for (var p = f; p is not null && !p.IsArray; p = p.Parent)
            {
                if (p.Length > 0) return (ulong)p.Length;
                if (p.Parent is null || !ReferenceEquals(p.Parent.Members, p.Members)) break;
            }
            return null;
        }

        private ulong? Derive(FieldDerivation d, JsonElement obj, string path)
        {
            switch (d.Kind)
            {
                case DerivationKind.Constant: return d.Value;
                case DerivationKind.StructureLength: return (ulong)_read.Length;
                case DerivationKind.CountOf:
                    return Member(obj, d.Members[0]) is { ValueKind: JsonValueKind.Array } a ? (ulong)a.GetArrayLength() : 0;
                case DerivationKind.LengthOf:
                {
                    ulong selector = 0;
                    if (d.Selector is { } sel)
                    {
                        Span<byte> s = stackalloc byte[sel.Size];
                        try { JsonFieldReader.TryRead(sel, obj, path, s, out _); } catch (CperJsonException) { return null; }
                        selector = FieldDef.ReadLittleEndian(s);
                    }
                    foreach (var name in d.Members)
                    {
                        if (Member(obj, name) is not { } m) continue;
                        if (m.ValueKind == JsonValueKind.String) return IsHex(m.GetString()!) ? (ulong)(m.GetString()!.Replace(" ", "", StringComparison.Ordinal).Length / 2) : null;
                        var layout = d.LayoutFor?.Invoke(selector);
                        if (layout is null) return null;
                        if (m.ValueKind == JsonValueKind.Object) return (ulong)layout.Size;
                        if (m.ValueKind == JsonValueKind.Array) return (ulong)(m.GetArrayLength() * layout.Size);
                    }
                    return null;
                }
                default: return null;
            }
        }

        public void Prefill(StructDef layout, long offset, string? arrayJson, int index)
        {
            ArgumentNullException.ThrowIfNull(layout);
            var top = Top;
            JsonElement? e;
            if (arrayJson is not null) e = Member(top.Element, arrayJson) is { ValueKind: JsonValueKind.Array } a && index >= 0 && index < a.GetArrayLength() ? a[index] : null;
            else if (top.IsArray) e = top.Element is { ValueKind: JsonValueKind.Array } a2 && top.NextIndex < a2.GetArrayLength() ? a2[top.NextIndex] : null;
            else e = top.Element;
            if (e is not { ValueKind: JsonValueKind.Object } obj) return;
            // An error the renderer placed where a structure did not fit (an array element {"message", "structure", ...}) is
            // no structure: its bytes are the undecoded member's (SeedUndecoded), not zeros.
            if (Member(obj, "message") is { ValueKind: JsonValueKind.String } && Member(obj, "structure") is { ValueKind: JsonValueKind.String }) return;
            foreach (var f in layout.Fields)
            {
                int at = (int)offset + f.Offset;
                if (at < 0 || at + f.Size > _read.Length) break;
                var value = new byte[f.Size];
                try
                {
                    ReadField(f, obj, top.Path, value, null, at, out _);
                }
                catch (CperJsonException)
                {
                    // A form only the field the walk reports can read (an enumeration's name under another kind): the
                    // value, when given, is enough to steer the walk.
                    if (Member(obj, f.Json) is { ValueKind: JsonValueKind.Object } o && Member(o, "value") is { } v && f.IsNumeric && f.Size <= 8)
                    {
                        try { FieldDef.WriteLittleEndian(value, JsonFieldReader.Integer(v, top.Path, f.Size)); } catch (CperJsonException) { continue; }
                    }
                    else continue;
                }
                Write(at, value, output: false);
            }
        }

        public bool? ShowsNote(string json)
        {
            var top = Top;
            JsonElement? e = top.IsArray
                ? top.Element is { ValueKind: JsonValueKind.Array } a && top.NextIndex < a.GetArrayLength() ? a[top.NextIndex] : null
                : top.Element;
            return Member(e, json) is { } m ? m.ValueKind == JsonValueKind.String && !IsHex(m.GetString()!) : null;
        }

        public override void Info(string json, string label, string? value) => Top.Members.Names.Add(json);

        public override void Info(string json, string label, long value) => Top.Members.Names.Add(json);

        public override void JsonOnly(string json, string? value) => Top.Members.Names.Add(json);

        public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes)
        {
            var top = Top;
            top.Members.Names.Add(json);
            string path = top.Path + "." + json;
            if (Member(top.Element, json) is not { } x)
            {
                // Padding a specification asks for (the one meaning of "padding" in the JSON: ARM context structures to
                // 16 bytes, UEFI N.2.4.4) is part of the structure even when the JSON leaves it out.
                if (json == "padding" && top.Element is not null) Extent = Math.Max(Extent, (int)offset + bytes.Length);
                return;
            }
            byte[] given;
            try
            {
                given = HexOf(x, path);
            }
            catch (CperJsonException error)
            {
                JsonError ??= error;
                return;
            }
            int at = (int)offset;
            bool toEnd = at + bytes.Length == _read.Length;
            if (given.Length != bytes.Length && !(toEnd && !_fixedLength))
            {
                JsonError ??= new CperJsonException(path, $"expected {bytes.Length} bytes here (the structure's counts and lengths leave {bytes.Length}), found {given.Length}");
                return;
            }
            Write(at, given);
            Extent = Math.Max(Extent, at + given.Length);
        }

        protected override void OnError(ApeiContentException error)
        {
            // Errors the rebuilt bytes still have are rendered in place (error, error2, ... as the JSON renderer names
            // them); the decode output of a broken record carries them too.
            var top = Top;
            if (top.IsArray) { top.NextIndex++; return; }
            top.Members.FirstError ??= error;
            int n = ++top.Members.Errors;
            top.Members.Names.Add(n == 1 ? "error" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"error{n}"));
        }

        /// <summary>Writes the length of the built structure into the lengths derived while its length was not known.</summary>
        public void PatchStructureLengths(byte[] written)
        {
            foreach (var (f, at) in _lengths)
                if (at + f.Size <= written.Length) FieldDef.WriteLittleEndian(written.AsSpan(at, f.Size), (ulong)written.Length);
        }

        /// <summary>Applies the high bits of values wider than their fields (UEFI N.2.5 row bits 16-17), once the walk has written the fields that hold them.</summary>
        private void ApplySpills()
        {
            foreach (var f in _frames)
            {
                foreach (var (at, size, bits) in f.Spills)
                {
                    if (at + size > _out.Length) continue;
                    var span = _out.AsSpan(at, size);
                    FieldDef.WriteLittleEndian(span, FieldDef.ReadLittleEndian(span) | bits);
                    if (at + size <= _read.Length) span.CopyTo(_read.AsSpan(at));
                }
            }
        }

        public IEnumerable<CperJsonWarning> Warnings()
        {
            foreach (var f in _frames)
            {
                if (!f.ValidationGiven || f.ValidationField is not { } vf) continue;
                if (f.ValidationOffset + vf.Size > _out.Length) continue;
                ulong given = FieldDef.ReadLittleEndian(_out.AsSpan(f.ValidationOffset, Math.Min(vf.Size, 8)));
                ulong unclaimed = given & f.DeclaredBits & ~f.ClaimedBits;
                for (int bit = 0; bit < 64; bit++)
                {
                    if ((unclaimed >> bit & 1) == 0) continue;
                    string? name = vf.FlagNames?.NamesOf(1UL << bit) is [var only] ? only : null;
                    yield return new CperJsonWarning(f.Path + ".validationBits",
                        $"bit {bit}{(name is null ? "" : $" ({name})")} is set but nothing it validates is given: readers take zero");
                }
                // Decode prints a field that holds bytes although its bit is clear (firmware leaves values in invalid
                // fields): only a validationBits written by hand claims that the fields beside it are the valid ones.
                if (f.ValidationAsDecoded) continue;
                foreach (var (field, bit) in f.Given)
                {
                    if ((given >> bit & 1) == 0)
                        yield return new CperJsonWarning(f.Path + "." + field.Json, $"given, but validationBits leaves bit {bit} clear: readers ignore it");
                }
            }
        }

        public void CheckUnknownMembers(IReadOnlyCollection<string>? extra)
        {
            var rootMembers = _frames[0].Members;
            foreach (var f in _frames)
            {
                if (f.Element is not { } e) continue;
                if (f.IsArray)
                {
                    if (e.GetArrayLength() > f.NextIndex)
                        throw new CperJsonException($"{f.Path}[{f.NextIndex}]", $"more elements than the structure holds ({f.NextIndex}; a count or length field decides how many)");
                    continue;
                }
                var seen = f.Members.Names;
                foreach (var p in e.EnumerateObject())
                {
                    if (seen.Contains(p.Name) || (ReferenceEquals(f.Members, rootMembers) && extra?.Contains(p.Name) == true)) continue;
                    // A member the walk did not reach because the bytes built stop it (the counts and sizes given or
                    // derived leave no room): that is what to say, not that the member is unknown. JSON that renders the
                    // error itself (decode of a malformed structure) expects it.
                    if (f.Members.FirstError is { } stop && Member(e, "error") is null)
                        throw new CperJsonException(f.Path + "." + p.Name, "does not fit in the bytes built from this object (" + stop.Message + ")", stop);
                    throw new CperJsonException(f.Path + "." + p.Name, "unknown member" + (seen.Count > 0 ? $" (expected one of: {string.Join(", ", seen.Order(StringComparer.Ordinal))})" : ""));
                }
            }
        }
    }
}
