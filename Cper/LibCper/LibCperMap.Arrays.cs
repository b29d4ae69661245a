// [lc-audit E] structures with counted arrays and a chosen part, read back from libcper's JSON into bytes (ARM, IA32/X64, ARM RAS, NVIDIA event; any map)
using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApeiKit.Cper.Json;

namespace ApeiKit.Cper.LibCper;

/// <summary>Which members (over a value's bytes) a structure's bytes call for, or null for none (<see cref="Lm.Chosen"/>).</summary>
internal delegate LcMember[]? LcChoose(ReadOnlySpan<byte> body);

/// <summary>
/// Reads the part after a structure's layout back from libcper's member <paramref name="node"/> (null when absent) of
/// <paramref name="owner"/>, given the structure's layout bytes (<paramref name="head"/>) and the section's
/// <paramref name="budget"/> of undescribed bytes: writes the bytes the JSON shows straight <paramref name="into"/> the
/// section's buffer and returns how many zeros follow them (a declared size past them, already taken from the budget),
/// which the engine writes in place.
/// </summary>
internal delegate int LcPartRead(JsonObject owner, JsonNode? node, ReadOnlySpan<byte> head, LcBudget budget, ArrayBufferWriter<byte> into);

/// <summary>
/// The bytes a section's read-back may still add that no JSON member describes (zeros a declared size calls for): one
/// budget for the whole section, <see cref="CperJsonReader.MaxUndescribedBytes"/>, taken before anything is allocated,
/// so a small document cannot ask for a huge record however many structures it spreads the sizes over.
/// </summary>
internal sealed class LcBudget(long bytes)
{
    /// <summary>The bytes left.</summary>
    public long Left { get; private set; } = bytes;

    /// <summary>
    /// The zeros a declared <paramref name="size"/> (member <paramref name="member"/> of <paramref name="owner"/>) calls for
    /// past the <paramref name="shown"/> bytes the JSON shows, taken from the budget (0 when it shows as many); the part
    /// returns them and the engine writes them in place. The refusal's path and text are built only when refusing.
    /// </summary>
    /// <exception cref="CperJsonException">Fewer bytes left than the zeros.</exception>
    public int Zeros(ulong size, long shown, JsonObject owner, string member)
    {
        if (size <= (ulong)shown) return 0;
        ulong count = size - (ulong)shown;
        if (count > (ulong)Left)
            throw new CperJsonException(Lc.PathOf(owner, member),
                $"expected a {member} of at most {Bytes((ulong)shown + (ulong)Left)} ({Bytes((ulong)shown)} the JSON shows, and at most {Bytes((ulong)Left)} it does not show left in the section's {CperJsonReader.MaxUndescribedBytes}), found {size}: {Bytes(count)} the JSON does not show");
        Left -= (long)count;
        return (int)count;
    }

    private static string Bytes(ulong n) => n == 1 ? "1 byte" : $"{n} bytes";
}

/// <summary>What reading a structure back does after its members (a documented quirk over several fields of <paramref name="head"/>).</summary>
internal delegate void LcAfterRead(JsonObject o, Span<byte> head);

/// <summary>
/// A counted array after a structure's layout: libcper's member <paramref name="Name"/>, each element an
/// <paramref name="Element"/>. Its count is written into the field (or bit sub-field) whose declared derivation
/// (<see cref="FieldDerivation.CountOf"/>) names <paramref name="Counts"/>, the declaration's name for the array, and
/// where it starts into the one whose derivation is <see cref="FieldDerivation.OffsetOf"/> that name.
/// </summary>
internal sealed record LcArray(string Name, string Counts, LcStructure Element);

/// <summary>
/// The part after a structure's layout and arrays (a register array, vendor bytes): libcper's member
/// <paramref name="Name"/>, the validation bit its presence sets (-1: none) and how its bytes are read.
/// </summary>
internal sealed record LcPart(string Name, int Gate, LcPartRead Read)
{
    /// <summary>The declaration's name for the part (what a <see cref="FieldDerivation.OffsetOf"/> derivation names), or null.</summary>
    public string? Declared { get; init; }

    /// <summary>The part lies right after the layout, before the arrays (NVIDIA event information before the contexts).</summary>
    public bool First { get; init; }

    /// <summary>
    /// An optional structure (ARM RAS auxiliary data): <paramref name="structure"/> read from the member's object, none
    /// when null or absent (its offset then 0); anything else is refused. <paramref name="declared"/> is the declaration's name.
    /// </summary>
    public static LcPart Structure(string name, string declared, LcStructure structure)
        => new(name, -1, (_, n, _, budget, into) =>
        {
            if (n is not null) structure.Read(Lc.Obj(n), budget, into);
            return 0;
        }) { Declared = declared };

    /// <summary>
    /// Bytes as libcper shows them, <c>{"data": base64}</c>; <c>{}</c> (libcper's <c>add_binary_base64</c> adds nothing
    /// for no bytes), null or absent is none (and sets no gate bit); anything but an object is refused.
    /// </summary>
    public static LcPart Base64(string name, int gate = -1) => new(name, gate, (_, n, _, _, into) => Data(n, into));

    /// <summary>
    /// The structure <paramref name="structureFor"/> gives for <paramref name="selector"/>'s value (a register layout by
    /// context type), read from the member's object (null or absent: an empty one; anything else refused); a value
    /// without one is <see cref="Base64"/> bytes.
    /// </summary>
    public static LcPart Chosen(string name, FieldDef selector, Func<ulong, LcStructure?> structureFor)
        => new(name, -1, (_, n, head, budget, into) =>
        {
            if (structureFor(selector.ReadValue(head)) is not { } s) return Data(n, into);
            s.Read(Lc.Obj(n), budget, into);
            return 0;
        });

    /// <summary>
    /// The structure <paramref name="structureFor"/> gives for <paramref name="selector"/>'s value, read from the member's
    /// object or, when the member is absent or null, from the owner's own members (the flat form libcper's NVIDIA event
    /// reader falls back to); an empty object, or no structure for the value, is no bytes. Anything else is refused.
    /// </summary>
    public static LcPart Inline(string name, FieldDef selector, Func<ulong, LcStructure?> structureFor)
        => new(name, -1, (owner, n, head, budget, into) =>
        {
            if (structureFor(selector.ReadValue(head)) is { } s && Lc.Obj(n ?? owner) is { Count: > 0 } o) s.Read(o, budget, into);
            return 0;
        });

    private static int Data(JsonNode? n, ArrayBufferWriter<byte> into)
    {
        into.Write(Lc.FromB64(Lc.M(n, "data")));
        return 0;
    }
}

/// <summary>
/// A structure libcper's JSON describes, read back into its bytes (issue #12): the declared <see cref="Layout"/> read
/// member by member (<see cref="LibCperMap.ReadMembers"/>), then its counted <see cref="Arrays"/> (each element itself an
/// <see cref="LcStructure"/>, so arrays nest), then its <see cref="Part"/>. What the layout declares as derived is
/// derived from what was read, never typed again (<see cref="FieldDef.Derive"/>, <see cref="BitFieldDef.Derive"/>): a
/// count from its array's elements, a length (<see cref="DerivationKind.LengthOf"/>) from the part's bytes, the structure
/// length from all of them, an offset (<see cref="DerivationKind.OffsetOf"/>) where an array or the part starts (the parts
/// follow one another, no bytes between; a <see cref="LcPart.First"/> part before the arrays), a constant as declared;
/// the validation field holds the gate bits of the members present. A structure with an <see cref="Align"/> ends with
/// zeros up to a multiple of it, counted in its length (libcper's writer pads each NVIDIA event context to 16 bytes).
/// </summary>
internal sealed class LcStructure(StructDef layout, LcMember[] members)
{
    /// <summary>The declared layout the members' fields belong to.</summary>
    public StructDef Layout { get; } = layout;
    /// <summary>The members, in libcper's order (also the order they are read in: a member may depend on one before it).</summary>
    public LcMember[] Members { get; } = members;
    /// <summary>The counted arrays after the layout, in their byte order.</summary>
    public LcArray[] Arrays { get; init; } = [];
    /// <summary>The part after the arrays, or null.</summary>
    public LcPart? Part { get; init; }
    /// <summary>What reading back does after the members and before the derived fields (a documented quirk over several fields), or null.</summary>
    public LcAfterRead? AfterRead { get; init; }
    /// <summary>The boundary the structure's length is padded to with zeros (0: none).</summary>
    public int Align { get; init; }

    /// <summary>The structure's bytes: the layout's, then the arrays' elements, then the part (a <see cref="LcPart.First"/> one before the arrays), then zeros to <see cref="Align"/>.</summary>
    /// <exception cref="CperJsonException">A member libcper's reader would not accept, an array longer than its count field
    /// can count, or more bytes no member describes than <see cref="CperJsonReader.MaxUndescribedBytes"/>.</exception>
    public byte[] Read(JsonObject o)
    {
        var into = new ArrayBufferWriter<byte>(1024); // the section's one buffer (no ambient per-thread state: DecodeContractTests)
        Read(o, new LcBudget(CperJsonReader.MaxUndescribedBytes), into);
        return into.WrittenSpan.ToArray();
    }

    /// <summary>
    /// <see cref="Read(JsonObject)"/> within the section's <paramref name="budget"/>, written straight <paramref name="into"/>
    /// the section's buffer after what is there: the arrays' elements and the part write into the same buffer (no buffer
    /// of their own), and the zeros a part reports and the alignment's are written in place.
    /// </summary>
    public void Read(JsonObject o, LcBudget budget, ArrayBufferWriter<byte> into)
    {
        int start = into.WrittenCount;
        Zeros(into, Layout.Size); // the layout's place; its bytes are read aside and copied in once the derived fields are known
        Span<byte> head = Layout.Size <= 256 ? stackalloc byte[256] : new byte[Layout.Size];
        head = head[..Layout.Size];
        head.Clear();
        ulong valid = LibCperMap.ReadMembers(o, Members, head);
        Span<int> counts = stackalloc int[Arrays.Length], offsets = stackalloc int[Arrays.Length];
        int partLength = 0, partOffset = 0;
        if (Part is { First: true }) ReadPart(Part, o, head, budget, into, start, ref valid, ref partLength, ref partOffset);
        for (int i = 0; i < Arrays.Length; i++)
        {
            offsets[i] = into.WrittenCount - start;
            // A JSON null element (libcper prints one for an IA32/X64 context header that does not fit) reads as an
            // element of zeros; anything else that is not an object, or an array that is not an array, is refused.
            var elements = Lc.Arr(o[Arrays[i].Name]);
            // An array longer than its count field can count is refused before any element is read (an element's own
            // error would otherwise come first, and the count would only be found too wide once every element was read).
            if (CountWidth(Arrays[i]) is int width and < 32 && elements.Count > (1L << width) - 1)
                throw new CperJsonException(Lc.PathOf(o, Arrays[i].Name),
                    $"expected at most {(1L << width) - 1} elements (the count field is {width} bits), found {elements.Count}");
            for (int e = 0; e < elements.Count; e++) // indexed: JsonArray's enumerator is boxed
            {
                Arrays[i].Element.Read(Lc.Obj(elements[e]), budget, into);
                counts[i]++;
            }
        }
        if (Part is { First: false }) ReadPart(Part, o, head, budget, into, start, ref valid, ref partLength, ref partOffset);
        Layout.ValidationField?.WriteValue(head, valid);
        AfterRead?.Invoke(o, head);
        if (Align > 1 && (into.WrittenCount - start) % Align is var over and not 0) Zeros(into, Align - over);
        long total = into.WrittenCount - start;
        foreach (var f in Layout.Fields)
        {
            if (f.Derive is { } d && Derived(d, counts, offsets, partLength, partOffset, total) is { } x) Store(o, f, null, head, x);
            foreach (var b in f.BitFields ?? [])
                if (b.Derive is { } bd && Derived(bd, counts, offsets, partLength, partOffset, total) is { } y) Store(o, f, b, head, y);
        }
        // The buffer is the ArrayBufferWriter's own array (it grows by copying, so its span is taken only now).
        head.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsMemory(into.WrittenMemory).Span[start..]);
    }

    private static void ReadPart(LcPart p, JsonObject o, ReadOnlySpan<byte> head, LcBudget budget, ArrayBufferWriter<byte> into, int start,
        ref ulong valid, ref int partLength, ref int partOffset)
    {
        bool present = o.TryGetPropertyValue(p.Name, out var n) && n is not null; // a JSON null is absent, as in libcper's reader
        int at = into.WrittenCount;
        if (present) partOffset = at - start;
        int zeros = p.Read(o, n, head, budget, into);
        Zeros(into, zeros);
        partLength = into.WrittenCount - at;
        if (present && p.Gate >= 0) valid |= 1UL << p.Gate;
    }

    /// <summary>Writes <paramref name="count"/> zeros <paramref name="into"/> the buffer.</summary>
    private static void Zeros(ArrayBufferWriter<byte> into, int count)
    {
        if (count <= 0) return;
        into.GetSpan(count)[..count].Clear();
        into.Advance(count);
    }

    /// <summary>The width in bits of the field (or sub-field) that counts <paramref name="array"/> (<see cref="DerivationKind.CountOf"/> it), or null.</summary>
    private int? CountWidth(LcArray array)
    {
        foreach (var f in Layout.Fields)
        {
            if (f.Derive is { Kind: DerivationKind.CountOf } d && d.Members[0] == array.Counts) return Math.Min(64, f.Size * 8);
            foreach (var b in f.BitFields ?? [])
                if (b.Derive is { Kind: DerivationKind.CountOf } bd && bd.Members[0] == array.Counts) return b.Width;
        }
        return null;
    }

    private ulong? Derived(FieldDerivation d, ReadOnlySpan<int> counts, ReadOnlySpan<int> offsets, int partLength, int partOffset, long total)
    {
        switch (d.Kind)
        {
            case DerivationKind.Constant: return d.Value;
            case DerivationKind.StructureLength: return (ulong)total;
            case DerivationKind.LengthOf: return Part is null ? null : (ulong)partLength;
            case DerivationKind.CountOf:
                for (int i = 0; i < Arrays.Length; i++)
                    if (Arrays[i].Counts == d.Members[0]) return (ulong)counts[i];
                return null;
            case DerivationKind.OffsetOf:
                for (int i = 0; i < Arrays.Length; i++)
                    if (Arrays[i].Counts == d.Members[0]) return (ulong)offsets[i];
                return Part?.Declared == d.Members[0] ? (ulong)partOffset : null; // 0 for a part that is absent
            default: return null;
        }
    }

    /// <summary>
    /// <paramref name="layout"/> with <paramref name="field"/> derived as <paramref name="derive"/> for the read-back only:
    /// a length its declaration leaves underived because ApeiKit's own JSON builder walks that structure differently
    /// (NVIDIA event information size, its header described at the section's level; context size, the object the
    /// builder opens with it).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="field"/> is not one of <paramref name="layout"/>'s fields (by reference).</exception>
    public static StructDef Deriving(StructDef layout, FieldDef field, FieldDerivation derive)
    {
        if (!layout.Fields.Any(f => ReferenceEquals(f, field)))
            throw new ArgumentException($"{layout.Name} has no field {field.Json} at {field.Offset} to derive (the layout's own instance is needed).", nameof(field));
        FieldDef[] fields = [.. layout.Fields.Select(f => ReferenceEquals(f, field) ? f with { Derive = derive } : f)];
        // A validation field among the fields is named (and takes the derived instance if it is the one); one outside
        // them (a part of a structure described on its own, StructDef's other constructor) is kept as it is.
        return layout.ValidationField is { } v && !layout.Fields.Any(f => ReferenceEquals(f, v))
            ? new(layout.Name, layout.Size, fields, v)
            : new(layout.Name, layout.Size, fields, layout.ValidationField?.Json, layout.ParentValidBit);
    }

    /// <summary>Writes a derived value into the field or sub-field; one it cannot hold is refused at the member it comes from.</summary>
    private void Store(JsonObject o, FieldDef f, BitFieldDef? b, Span<byte> head, ulong value)
    {
        int width = b?.Width ?? Math.Min(64, f.Size * 8);
        if (width < 64 && value >> width != 0)
        {
            string from = Arrays.FirstOrDefault(a => a.Counts == (b?.Derive ?? f.Derive)!.Members.FirstOrDefault())?.Name ?? Part?.Name ?? (b?.Json ?? f.Json);
            throw new CperJsonException(Lc.PathOf(o, from),
                $"at most {(1UL << width) - 1} for the {width}-bit {Layout.Name} field {b?.Json ?? f.Json}, found {value}");
        }
        f.WriteValue(head, b is null ? value : b.Insert(f.ReadValue(head), value));
    }

    /// <summary>Writes <paramref name="members"/> over <paramref name="body"/> as one object (an array element).</summary>
    public static void WriteObject(LcWriter w, LcMember[] members, ReadOnlySpan<byte> body, ulong valid)
    {
        w.WriteStartObject();
        LibCperMap.WriteMembers(w, members, body, valid);
        w.WriteEndObject();
    }

    /// <summary>
    /// The section body the bytes read back are: <paramref name="decode"/>'s model of them, or, when the model refuses
    /// them (a count above its limits, zeros after an unpadded ARM context it takes for padding), the bytes themselves,
    /// which encode the same.
    /// </summary>
    public static CperSectionBody Body(Guid type, byte[] bytes, Func<byte[], CperSectionBody> decode)
    {
        try
        {
            return decode(bytes);
        }
        catch (ApeiContentException)
        {
            return new RawSectionBody(type, bytes);
        }
    }
}


/// <summary>The member constructors for structured values and register layouts.</summary>
internal static partial class Lm
{
    /// <summary>
    /// A structured value whose members the entry chooses (IA32/X64 check information by error type GUID, ARM error
    /// information by type): an object of the chosen members over <paramref name="value"/>'s bytes, each gated by its own
    /// bit of the value (bits 0-15; UEFI 2.10 N.2.4.2.2-4, N.2.4.4.1), gated itself by <paramref name="value"/>'s validation
    /// bit; nothing when none is chosen. Read back, the members set their bits and their own validation bits in the value
    /// (<see cref="LibCperMap.ReadBitsInto"/>).
    /// </summary>
    public static LcMember Chosen(string name, FieldDef value, LcChoose choose)
    {
        var encoded = JsonEncodedText.Encode(name);
        return Quirk(name, value, (w, body, _) =>
        {
            if (choose(body) is not { } members) return;
            w.WriteStartObject(encoded);
            LibCperMap.WriteMembers(w, members, body.Slice(value.Offset, value.Size), value.ReadValue(body));
            w.WriteEndObject();
        }, (n, body) =>
        {
            var o = Lc.Obj(n); // null reads as {}; anything else but an object is refused, not ignored
            if (choose(body) is { } members) LibCperMap.ReadBitsInto(o, members, body, value);
            return 0;
        });
    }

    /// <summary>An object of <paramref name="members"/> over the same bytes, printed whatever the validation bits say.</summary>
    public static LcMember Group(string name, params LcMember[] members) => new(name, LcKind.Object) { Members = members };

    /// <summary>
    /// A register layout's registers as numbers, in the layout's order, named by <paramref name="name"/> (null leaves a
    /// field out); a field over 8 bytes is two 64-bit halves <c>_0</c> and <c>_1</c>.
    /// </summary>
    public static LcMember[] Registers(StructDef layout, Func<FieldDef, string?> name)
        => [.. layout.Fields.SelectMany(f => name(f) is not { } n ? []
            : f.Size > 8 ? new[] { Int(n + "_0", f with { Offset = f.Offset, Size = 8 }), Int(n + "_1", f with { Offset = f.Offset + 8, Size = 8 }) }
            : [Int(n, f)])];
}
