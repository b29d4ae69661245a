namespace ApeiKit.Cper.Json;

/// <summary>
/// Bodies for the schema learner (<see cref="CperJsonSchema"/>) that reach every form a section describer can write,
/// derived from one body and the layout metadata its walk reports, not from sample records:
/// <list type="bullet">
/// <item>every named value of each discriminator the walk reports: an enumeration field's <see cref="FieldDef.Names"/>
/// (context types, error-information types, formats), a bit field's <see cref="BitFieldDef.Names"/>, a GUID field's
/// names (<see cref="FieldDef.GuidNames"/> over <see cref="CperGuids.All"/>: the IA32/X64 check types of UEFI N.2.4.2.1),
/// and one value past the names (the unknown form);</item>
/// <item>every chosen part: a structure whose length field derives from a selector
/// (<see cref="FieldDerivation.LengthOf"/> with <see cref="FieldDerivation.Selector"/>: the IA32/X64 and ARM register
/// contexts of UEFI N.2.4.2.2 and N.2.4.4.2) is rebuilt for every selector value at the size of each layout the selector
/// can pick (<see cref="FieldDerivation.LayoutFor"/>), so a 32-bit IA32 register state (N.2.4.2.3) is walked as well as
/// the x64 one; a length of the whole body (<see cref="DerivationKind.StructureLength"/>) follows the new length;</item>
/// <item>every count (a field or bit field derived as <see cref="DerivationKind.CountOf"/>: error-information and context
/// counts) at one and at two, so the counted structures are walked, and their discriminators and chosen parts in turn;</item>
/// <item>the cut forms: each structural variant (counts, chosen parts) cut short at the bounds of every object and array the walk reports (one byte before,
/// at, one after), where a count or length no longer fits and the describers write <c>undecoded</c>.</item>
/// </list>
/// Besides the layouts' sizes, a rebuilt part is also tried at 0, 8 and 12 bytes: a selector value without a declared
/// layout (IA32/X64 MSR and memory-mapped contexts, N.2.4.2.2; vendor ARM contexts) is read by the describer's own rule
/// (MSR registers in 8-byte steps; otherwise raw), which no layout declares, and 12 is neither a layout's size nor a
/// multiple of 8 (the raw form of a declared type).
/// </summary>
internal static class SectionVariants
{
    private static readonly int[] s_undeclaredSizes = [0, 8, 12];

    /// <summary>The variant bodies of <paramref name="body"/> (not including it), cut forms included.</summary>
    public static List<byte[]> Of(Action<byte[], StructureVisitor> describe, byte[] body)
    {
        var first = Walk(describe, body);
        var all = new List<byte[]>();
        // Structures the counts call for (one and two of each counted array), then their discriminators and chosen parts.
        var counted = first.CountVariants(body).ToList();
        var structural = new List<(byte[] Body, ChoiceFinder Walk)> { (body, first) };
        foreach (var v in first.PartVariants(body)) structural.Add((v, Walk(describe, v)));
        all.AddRange(first.ValueVariants(body));
        foreach (var c in counted)
        {
            var walk = Walk(describe, c);
            structural.Add((c, walk));
            all.AddRange(walk.ValueVariants(c));
            foreach (var v in walk.PartVariants(c)) structural.Add((v, Walk(describe, v)));
        }
        foreach (var (v, walk) in structural)
        {
            if (!ReferenceEquals(v, body)) all.Add(v);
            foreach (int cut in walk.Bounds)
                if (cut > 0 && cut < v.Length) all.Add(v[..cut]);
        }
        return all;
    }

    private static ChoiceFinder Walk(Action<byte[], StructureVisitor> describe, byte[] body)
    {
        var finder = new ChoiceFinder();
        try
        {
            describe(body, finder);
        }
        catch (ApeiContentException)
        {
            // What was reported before the error counts.
        }
        return finder;
    }

    private sealed class Frame(long start, long length)
    {
        public long Start { get; } = start;
        public long Length { get; } = length;
        public List<(FieldDef Field, long Offset)> Fields { get; } = [];
    }

    /// <summary>Notes the discriminators, chosen parts and bounds one walk reports (offsets are body offsets: the walk starts at 0).</summary>
    private sealed class ChoiceFinder : StructureVisitor
    {
        private readonly Stack<Frame> _stack = new();
        public List<(FieldDef Field, long Offset)> Values { get; } = [];
        public List<(Frame Object, FieldDef Selector, long SelectorAt, FieldDef Size, long SizeAt)> Parts { get; } = [];
        public List<(FieldDef Field, long Offset)> BodyLengths { get; } = [];
        public List<(FieldDef Field, long Offset, BitFieldDef? Bits)> Counts { get; } = [];
        public SortedSet<int> Bounds { get; } = [];

        public ChoiceFinder() => _stack.Push(new Frame(0, -1));

        public override bool ReportsZeroParts => true;

        public override bool WantsLabels => false;

        private void Bound(long at)
        {
            if (at < 0 || at > int.MaxValue - 1) return;
            int a = (int)at;
            Bounds.Add(a - 1);
            Bounds.Add(a);
            Bounds.Add(a + 1);
        }

        public override void BeginObject(string? json, string label, long offset, long length)
        {
            _stack.Push(new Frame(offset, length));
            Bound(offset);
            if (length > 0) Bound(offset + length);
        }

        public override void EndObject()
        {
            if (_stack.Count <= 1) return;
            var f = _stack.Pop();
            if (f.Length <= 0) return;
            foreach (var (size, sizeAt) in f.Fields)
            {
                if (size.Derive is not { Kind: DerivationKind.LengthOf, Selector: { } selector, LayoutFor: not null }) continue;
                foreach (var (sel, selAt) in f.Fields)
                    if (sel.Json == selector.Json && sel.Size == selector.Size) { Parts.Add((f, sel, selAt, size, sizeAt)); break; }
            }
            long headerEnd = f.Fields.Count > 0 ? f.Fields.Max(x => x.Offset + x.Field.Size) : f.Start;
            Bound(headerEnd);
        }

        public override void BeginArray(string json, string label, long offset, long length)
        {
            Bound(offset);
            if (length > 0) Bound(offset + length);
        }

        public override void EndArray()
        {
        }

        public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
        {
            ArgumentNullException.ThrowIfNull(field);
            _stack.Peek().Fields.Add((field, offset));
            if (field.Names is not null || field.GuidNames is not null || field.BitFields?.Any(b => b.Names is not null) == true) Values.Add((field, offset));
            if (field.Derive is { Kind: DerivationKind.StructureLength }) BodyLengths.Add((field, offset));
            if (field.Derive is { Kind: DerivationKind.CountOf }) Counts.Add((field, offset, null));
            foreach (var b in field.BitFields ?? [])
                if (b.Derive is { Kind: DerivationKind.CountOf }) Counts.Add((field, offset, b));
        }

        public override void Info(string json, string label, string? value)
        {
        }

        public override void Info(string json, string label, long value)
        {
        }

        public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes) => Bound(offset);

        protected override void OnError(ApeiContentException error)
        {
        }

        /// <summary>The body with each discriminator set to each of its named values and to one unnamed value.</summary>
        public IEnumerable<byte[]> ValueVariants(byte[] body)
        {
            foreach (var (f, at) in Values)
            {
                if (at < 0 || at + f.Size > body.Length) continue;
                if (f.Kind == FieldKind.Guid && f.GuidNames is { } guidNames && f.Size == 16)
                {
                    foreach (var g in CperGuids.All.Select(e => e.Guid).Where(g => guidNames(g) is not null).Distinct())
                    {
                        var v = (byte[])body.Clone();
                        g.TryWriteBytes(v.AsSpan((int)at, 16));
                        yield return v;
                    }
                    continue;
                }
                if (f.Size > 8) continue;
                ulong old = FieldDef.ReadLittleEndian(body.AsSpan((int)at, f.Size));
                ulong mask = f.Size >= 8 ? ulong.MaxValue : (1UL << (8 * f.Size)) - 1;
                if (f.Names is { } names)
                    foreach (ulong value in Candidates(names)) yield return With(body, at, f.Size, value & mask);
                foreach (var b in f.BitFields ?? [])
                {
                    if (b.Names is null) continue;
                    foreach (ulong value in Candidates(b.Names)) yield return With(body, at, f.Size, b.Insert(old, value) & mask);
                }
            }
        }

        private static IEnumerable<ulong> Candidates(NameTable names)
        {
            ulong max = 0;
            foreach (var (k, _) in names)
            {
                max = Math.Max(max, k);
                yield return k;
            }
            if (max < ulong.MaxValue) yield return max + 1;
        }

        private static byte[] With(byte[] body, long at, int size, ulong value)
        {
            var v = (byte[])body.Clone();
            FieldDef.WriteLittleEndian(v.AsSpan((int)at, size), value);
            return v;
        }

        /// <summary>The body with each count (a field or bit field derived as <see cref="DerivationKind.CountOf"/>) at one and at two.</summary>
        public IEnumerable<byte[]> CountVariants(byte[] body)
        {
            foreach (var (f, at, bits) in Counts)
            {
                if (at < 0 || at + f.Size > body.Length || f.Size > 8) continue;
                ulong old = FieldDef.ReadLittleEndian(body.AsSpan((int)at, f.Size));
                foreach (ulong n in new ulong[] { 1, 2 })
                {
                    if (bits is null) { yield return With(body, at, f.Size, n); continue; }
                    yield return With(body, at, f.Size, bits.Insert(old, n));
                }
            }
        }

        /// <summary>Each chosen part rebuilt for every selector value at every size a layout of the selector (or no layout) gives.</summary>
        public IEnumerable<byte[]> PartVariants(byte[] body)
        {
            foreach (var (obj, selector, selAt, size, sizeAt) in Parts)
            {
                long start = obj.Start, end = obj.Start + obj.Length;
                long headerEnd = obj.Fields.Max(x => x.Offset + x.Field.Size);
                if (start < 0 || end > body.Length || headerEnd > end || selAt + selector.Size > headerEnd || sizeAt + size.Size > headerEnd || selector.Size > 8 || size.Size > 8) continue;
                var values = selector.Names is { } names ? Candidates(names).ToList() : [FieldDef.ReadLittleEndian(body.AsSpan((int)selAt, selector.Size))];
                var sizes = new SortedSet<int>(s_undeclaredSizes);
                foreach (ulong value in values)
                    if (size.Derive!.LayoutFor!(value) is { } layout) sizes.Add(layout.Size);
                foreach (ulong value in values)
                {
                    foreach (int n in sizes)
                    {
                        var v = new byte[body.Length - (end - headerEnd) + n];
                        body.AsSpan(0, (int)headerEnd).CopyTo(v);
                        body.AsSpan((int)end).CopyTo(v.AsSpan((int)headerEnd + n));
                        FieldDef.WriteLittleEndian(v.AsSpan((int)selAt, selector.Size), value);
                        FieldDef.WriteLittleEndian(v.AsSpan((int)sizeAt, size.Size), (ulong)n);
                        foreach (var (f, at) in BodyLengths)
                            if (at + f.Size <= headerEnd && f.Size <= 8) FieldDef.WriteLittleEndian(v.AsSpan((int)at, f.Size), (ulong)v.Length);
                        yield return v;
                    }
                }
            }
        }
    }
}
