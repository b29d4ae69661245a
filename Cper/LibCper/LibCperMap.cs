// [lc-audit E] the member-map engine: converters, name tables, write and read of declared members (all map sections)
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApeiKit.Cper.Json;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// How one libcper member shows its value (the small set of converters the table-driven mapping knows; libcper's
/// helpers of the same names live in its <c>cper-utils.c</c>).
/// </summary>
internal enum LcKind
{
    /// <summary>A JSON number (libcper <c>json_object_new_uint64</c>/<c>_int</c>).</summary>
    Int,
    /// <summary>
    /// A signed 32-bit JSON number (libcper <c>add_int</c>, i.e. <c>json_object_new_int</c>): a value of 2^31 or more prints
    /// negative; read back, a negative number is its 32-bit pattern.
    /// </summary>
    Int32,
    /// <summary>A JSON boolean (a one-bit sub-field).</summary>
    Bool,
    /// <summary>libcper's hex string <c>0x%0*llX</c> (<see cref="LcMember.Digits"/> digits).</summary>
    Hex,
    /// <summary><c>{"value": n, ["description": d,] "name": s}</c> (libcper <c>integer_to_readable_pair</c>, <c>_with_desc</c>).</summary>
    Pair,
    /// <summary>One boolean per bit, named (libcper <c>bitfield_to_ir</c>).</summary>
    Bits,
    /// <summary>The UEFI Error Status (N.2.? "Error Status Fields") as libcper shows it (<c>cper_generic_error_status_to_ir</c>).</summary>
    ErrorStatus,
    /// <summary>Printable ASCII up to the first NUL, left out when a byte before it is not printable (<c>add_untrusted_string</c>).</summary>
    Untrusted,
    /// <summary>The field's bytes as base64.</summary>
    Base64,
    /// <summary>A GUID string.</summary>
    Guid,
    /// <summary>The name alone, as a string (the value's name in the sub-field's own <see cref="BitFieldDef.Names"/>).</summary>
    Name,
    /// <summary>A nested object of <see cref="LcMember.Members"/>.</summary>
    Object,
    /// <summary>Written and read by hand (<see cref="LcMember.QuirkWrite"/>, <see cref="LcMember.QuirkRead"/>): a documented libcper quirk.</summary>
    Quirk,
    /// <summary><c>"major.minor"</c>: the field's high and low halves in decimal (libcper <c>"%u.%u"</c>; LibCperMap.Nvidia.cs).</summary>
    MajorMinor,
    /// <summary>The value's bytes, most significant first, as upper-case hex pairs joined by <c>':'</c> (libcper's PDI text; LibCperMap.Nvidia.cs).</summary>
    ColonHex,
    /// <summary><see cref="Untrusted"/> over the field's bytes the body holds, an empty string where it prints nothing (libcper <c>add_string</c> "" then <c>add_untrusted_string</c>; LibCperMap.Nvidia.cs).</summary>
    UntrustedOrEmpty,
    /// <summary>A binary-coded decimal value as a JSON number (libcper <c>bcd_to_int</c>, <c>int_to_bcd</c>; LibCperMap.Kinds.cs).</summary>
    Bcd,
    /// <summary><c>{"raw": n, "value": name}</c>, no <c>value</c> past the table (libcper <c>add_dict</c>; LibCperMap.Kinds.cs).</summary>
    Dict,
}

/// <summary>Writes a hand-written member (name and value) from the body.</summary>
internal delegate void LcQuirkWrite(LcWriter w, ReadOnlySpan<byte> body, ulong valid);

/// <summary>Reads a hand-written member back into the body; returns the validation bits it sets.</summary>
internal delegate ulong LcQuirkRead(JsonNode? node, Span<byte> body);

/// <summary>How many elements of an array member (<see cref="Lm.Array"/>) a body (one the map accepts) holds.</summary>
internal delegate int LcCount(ReadOnlySpan<byte> body);

/// <summary>True when a body (at least the map's minimum length) is one libcper renders: its counts and lengths fit.</summary>
internal delegate bool LcCheck(ReadOnlySpan<byte> body);

/// <summary>
/// Writes a section's <c>message</c> (libcper's description string) as UTF-8 into <paramref name="utf8"/>; returns its
/// length. The map writes those bytes straight into the <see cref="LcWriter"/> (no UTF-16 text in between).
/// </summary>
internal delegate int LcMessage(ReadOnlySpan<byte> body, ulong valid, Span<byte> utf8);

/// <summary>
/// A name table for <see cref="LcKind.Pair"/>: ApeiKit's own <see cref="NameTable"/> where libcper's names are the same,
/// else libcper's spellings (cited where each table is declared). Values without a name print <see cref="Fallback"/>.
/// </summary>
internal sealed class LcNames
{
    private readonly Dictionary<ulong, Entry> _names = [];
    private Entry?[] _dense = []; // values below Dense: indexed (most tables are 0, 1, 2, …)
    private readonly byte[] _fallback;
    private const int Dense = 256;

    /// <summary>One value's texts, and the same texts quoted and escaped once (<see cref="LcWriter.Encode"/>).</summary>
    private sealed class Entry(string name, string? description)
    {
        public readonly string Name = name;
        public readonly string? Description = description;
        public readonly byte[] EncodedName = LcWriter.Encode(name);
        public readonly byte[]? EncodedDescription = description is null ? null : LcWriter.Encode(description);
    }

    /// <summary>What libcper prints for a value its table does not hold.</summary>
    public string Fallback { get; }

    /// <summary>True when <see cref="Fallback"/> reads back as 0 (libcper's reader leaves a name it does not know at 0).</summary>
    public bool FallbackReadsAsZero { get; private set; }

    /// <summary>These names, with <see cref="Fallback"/> read back as 0 (<see cref="FallbackReadsAsZero"/>).</summary>
    public LcNames ReadingFallbackAsZero()
    {
        FallbackReadsAsZero = true;
        return this;
    }

    private LcNames(string fallback)
    {
        Fallback = fallback;
        _fallback = LcWriter.Encode(fallback);
    }

    /// <summary>ApeiKit's table, whose entries are libcper's.</summary>
    public static LcNames Of(NameTable table, string fallback = "Unknown (Reserved)")
    {
        var n = new LcNames(fallback);
        foreach (var (k, v) in table) n._names[k] = new(v, null);
        return n.Indexed();
    }

    /// <summary>libcper's names for 0, 1, 2, …</summary>
    public static LcNames Libcper(string[] names, string fallback = "Unknown (Reserved)")
    {
        var n = new LcNames(fallback);
        for (int i = 0; i < names.Length; i++) n._names[(ulong)i] = new(names[i], null);
        return n.Indexed();
    }

    /// <summary>libcper's names (and descriptions, printed between value and name) for the given values.</summary>
    public static LcNames Libcper(IEnumerable<(ulong Value, string Name, string? Description)> names, string fallback = "Unknown (Reserved)")
    {
        var n = new LcNames(fallback);
        foreach (var (k, v, d) in names) n._names[k] = new(v, d);
        return n.Indexed();
    }

    /// <summary>Values below <see cref="Dense"/> go into an array as well (one bounds check per lookup instead of a hash).</summary>
    private LcNames Indexed()
    {
        ulong top = 0;
        foreach (var k in _names.Keys)
            if (k < Dense) top = Math.Max(top, k + 1);
        _dense = new Entry?[top];
        foreach (var (k, e) in _names)
            if (k < top) _dense[k] = e;
        return this;
    }

    private Entry? Find(ulong value) => value < (ulong)_dense.Length ? _dense[value] : value < Dense ? null : _names.GetValueOrDefault(value);

    /// <summary>The name of <paramref name="value"/>, or null.</summary>
    public bool TryGet(ulong value, out string name, out string? description)
    {
        if (Find(value) is { } e) { name = e.Name; description = e.Description; return true; }
        name = Fallback;
        description = null;
        return false;
    }

    /// <summary>The value named <paramref name="name"/>.</summary>
    public bool TryGetValue(string? name, out ulong value)
    {
        foreach (var (k, e) in _names)
            if (e.Name == name) { value = k; return true; }
        value = 0;
        return false;
    }

    /// <summary>The name libcper prints for <paramref name="value"/>.</summary>
    public string NameOf(ulong value) => TryGet(value, out var name, out _) ? name : Fallback;

    /// <summary>The name libcper prints for <paramref name="value"/>, quoted and escaped (<see cref="LcWriter.WriteEncoded"/>).</summary>
    public byte[] EncodedNameOf(ulong value) => Find(value)?.EncodedName ?? _fallback;

    /// <summary>The encoded name and description (null when none) of <paramref name="value"/>.</summary>
    public byte[] EncodedNameOf(ulong value, out byte[]? description)
    {
        if (Find(value) is { } e)
        {
            description = e.EncodedDescription;
            return e.EncodedName;
        }
        description = null;
        return _fallback;
    }
}

/// <summary>
/// One libcper member: its name, the ApeiKit field (and bit sub-field) it comes from, and its converter. Which validation
/// bit gates it comes from the field (<see cref="FieldDef.ValidBit"/>, the sub-field's <see cref="BitFieldDef.ValidBit"/>,
/// or <see cref="FieldDef.ParentValidBit"/>), never typed again; <see cref="Always"/> and <see cref="When(FieldDef)"/> state the
/// libcper quirks where its gate is another.
/// </summary>
internal sealed class LcMember
{
    /// <summary>The gate value of a member libcper prints whatever the validation bits say.</summary>
    public const int Ungated = -1;

    public LcMember(string name, LcKind kind, FieldDef? field = null, BitFieldDef? sub = null)
    {
        Name = name;
        Encoded = JsonEncodedText.Encode(name);
        Kind = kind;
        Field = field;
        Sub = sub;
        Gate = sub is { ValidBit: >= 0 } ? sub.ValidBit : field is null ? Ungated : field.ValidBit >= 0 ? field.ValidBit : field.ParentValidBit;
        SetsGate = true;
    }

    /// <summary>libcper's member name.</summary>
    public string Name { get; }
    /// <summary><see cref="Name"/>, encoded once.</summary>
    public JsonEncodedText Encoded { get; }
    public LcKind Kind { get; }
    /// <summary>The ApeiKit field the value comes from (null for an object or a quirk over several fields).</summary>
    public FieldDef? Field { get; }
    /// <summary>The bit sub-field of <see cref="Field"/>, or null for the whole field.</summary>
    public BitFieldDef? Sub { get; }
    /// <summary>The validation bit that must be set for the member to be printed, or <see cref="Ungated"/>.</summary>
    public int Gate { get; private set; }
    /// <summary>True when reading the member back sets <see cref="Gate"/> (false where libcper's gate is another field's bit).</summary>
    public bool SetsGate { get; private set; }
    public LcNames? Names { get; init; }
    public string[]? BitNames { get; init { field = value; EncodedBitNames = value is null ? null : [.. value.Select(n => JsonEncodedText.Encode(n))]; } }
    /// <summary><see cref="BitNames"/>, encoded once.</summary>
    public JsonEncodedText[]? EncodedBitNames { get; private set; }
    public int Digits { get; init; } = 16;
    public LcMember[]? Members { get; init; }
    public LcQuirkWrite? QuirkWrite { get; init; }
    public LcQuirkRead? QuirkRead { get; init; }

    /// <summary>Gated by validation bit <paramref name="bit"/> of a part with no field of its own (a variable-length log or array).</summary>
    public LcMember GatedBy(int bit)
    {
        Gate = bit;
        return this;
    }

    /// <summary>libcper prints the member whatever the validation bits say (a documented quirk).</summary>
    public LcMember Always()
    {
        Gate = Ungated;
        SetsGate = false;
        return this;
    }

    /// <summary>libcper gates the member on <paramref name="other"/>'s validation bit (a documented quirk); reading it back sets no bit.</summary>
    public LcMember When(FieldDef other)
    {
        Gate = other.ValidBit;
        SetsGate = false;
        return this;
    }

    /// <summary>libcper gates the member on bit sub-field <paramref name="other"/>'s validation bit (a documented quirk); reading it back sets no bit.</summary>
    public LcMember When(BitFieldDef other)
    {
        Gate = other.ValidBit;
        SetsGate = false;
        return this;
    }

    /// <summary>Gated (and read back) as <paramref name="other"/> is: a nested object takes its first member's gate.</summary>
    public LcMember Like(LcMember other)
    {
        Gate = other.Gate;
        SetsGate = other.SetsGate;
        return this;
    }

    /// <summary>The number of bits the value may have.</summary>
    public int Width => Sub?.Width ?? (Field is null ? 64 : Math.Min(64, Field.Size * 8));

    /// <summary>The (sub-)field's value.</summary>
    public ulong Value(ReadOnlySpan<byte> body)
    {
        ulong v = Field!.ReadValue(body);
        return Sub is null ? v : Sub.Extract(v);
    }

    /// <summary>Stores <paramref name="value"/> into the (sub-)field.</summary>
    public void Store(Span<byte> body, ulong value)
    {
        if (Sub is null) { Field!.WriteValue(body, value); return; }
        ulong whole = Field!.ReadValue(body);
        Field.WriteValue(body, (whole & ~Sub.Mask) | ((value << Sub.Bit) & Sub.Mask));
    }
}

/// <summary>The member constructors the section maps are declared with (one line per libcper member).</summary>
internal static partial class Lm
{
    /// <summary>A number.</summary>
    public static LcMember Int(string name, FieldDef f, string? sub = null) => new(name, LcKind.Int, f, SubOf(f, sub));
    /// <summary>A signed 32-bit number (libcper <c>add_int</c>).</summary>
    public static LcMember Int32(string name, FieldDef f) => new(name, LcKind.Int32, f);
    /// <summary>A boolean (one-bit sub-field).</summary>
    public static LcMember Bool(string name, FieldDef f, string sub) => new(name, LcKind.Bool, f, SubOf(f, sub));
    /// <summary>libcper's hex string.</summary>
    public static LcMember Hex(string name, FieldDef f, int digits = 16) => new(name, LcKind.Hex, f) { Digits = digits };
    /// <summary>A readable pair.</summary>
    public static LcMember Pair(string name, FieldDef f, LcNames names, string? sub = null) => new(name, LcKind.Pair, f, SubOf(f, sub)) { Names = names };
    /// <summary>The value's name as a string, from the sub-field's own table (ApeiKit's, where libcper's names are the same).</summary>
    public static LcMember Name(string name, FieldDef f, string sub)
    {
        var b = SubOf(f, sub)!;
        return new(name, LcKind.Name, f, b) { Names = LcNames.Of(b.Names!) };
    }
    /// <summary>An object of named bits.</summary>
    public static LcMember Bits(string name, FieldDef f, string[] names) => new(name, LcKind.Bits, f) { BitNames = names };
    /// <summary>The generic error status.</summary>
    public static LcMember Status(string name, FieldDef f) => new(name, LcKind.ErrorStatus, f);
    /// <summary>An untrusted string.</summary>
    public static LcMember Untrusted(string name, FieldDef f) => new(name, LcKind.Untrusted, f);
    /// <summary>Base64 bytes.</summary>
    public static LcMember Base64(string name, FieldDef f) => new(name, LcKind.Base64, f);
    /// <summary>A GUID.</summary>
    public static LcMember Uuid(string name, FieldDef f) => new(name, LcKind.Guid, f);
    /// <summary>A nested object, gated by its first member's gate.</summary>
    public static LcMember Object(string name, params LcMember[] members) => new LcMember(name, LcKind.Object) { Members = members }.Like(members[0]);
    /// <summary>
    /// A hand-written member over the variable part after the layout, gated by the validation bit <paramref name="flag"/>
    /// names in <paramref name="layout"/>'s validation field (its flag table, so the bit is not typed again).
    /// </summary>
    public static LcMember Tail(string name, StructDef layout, string flag, LcQuirkWrite write, LcQuirkRead read)
        => Quirk(name, null, write, read).GatedBy(layout.ValidationField?.FlagNames is { } flags && flags.TryGetBit(flag, out int bit) ? bit : throw new ArgumentException($"{layout.Name} has no validation flag {flag}", nameof(flag)));

    /// <summary>
    /// An array after the layout, gated by the validation bit <paramref name="flag"/> names: <paramref name="count"/>
    /// elements of the declared <paramref name="element"/> layout one after the other, each an object of
    /// <paramref name="members"/> (over <paramref name="element"/>'s fields, with libcper's names). Read back, the elements
    /// fill the bytes after the layout in order; the map's <see cref="LibCperMap.TailLength"/> sizes them.
    /// </summary>
    public static LcMember Array(string name, StructDef layout, string flag, StructDef element, LcCount count, params LcMember[] members)
    {
        var encoded = JsonEncodedText.Encode(name); // encoded once, not per record
        return Tail(name, layout, flag, (w, body, valid) =>
        {
            int n = count(body);
            w.WriteStartArray(encoded);
            for (int i = 0; i < n; i++)
            {
                w.WriteStartObject();
                LibCperMap.WriteMembers(w, members, body.Slice(layout.Size + i * element.Size, element.Size), valid);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }, (node, body) =>
        {
            int at = layout.Size, i = 0;
            var elements = Lc.Arr(node);
            foreach (var e in elements) // a null element is refused (with its path, built only then), not read as zeros
            {
                LibCperMap.ReadMembers(e as JsonObject ?? Lc.Obj(e, $"{elements.GetPath()}[{i}]"), members, body.Slice(at, element.Size));
                at += element.Size;
                i++;
            }
            return 0;
        });
    }

    /// <summary>A hand-written member (a documented libcper quirk), gated by <paramref name="gate"/>'s bit when given.</summary>
    public static LcMember Quirk(string name, FieldDef? gate, LcQuirkWrite write, LcQuirkRead read) => new(name, LcKind.Quirk, gate) { QuirkWrite = write, QuirkRead = read };

    private static BitFieldDef? SubOf(FieldDef f, string? sub)
    {
        if (sub is null) return null;
        foreach (var b in f.BitFields ?? []) if (b.Json == sub) return b;
        throw new ArgumentException($"{f.Json} has no bit field {sub}", nameof(sub));
    }

    /// <summary>
    /// libcper's member order over a declaration's generated members (<c>LibCperMembers()</c>, in the layout's order): a
    /// string places the generated member of that name, a <see cref="LcMember"/> is a hand-written one (a quirk) placed
    /// there, and "-name" drops a generated member a hand-written one replaces. Every generated member must be placed or
    /// dropped, once.
    /// </summary>
    public static LcMember[] InOrder(LcMember[] generated, params object[] order)
    {
        var byName = generated.ToDictionary(m => m.Name);
        var result = new List<LcMember>();
        foreach (var o in order)
        {
            if (o is LcMember hand) { result.Add(hand); continue; }
            string n = (string)o;
            bool drop = n.StartsWith('-');
            if (!byName.Remove(drop ? n[1..] : n, out var m)) throw new ArgumentException($"no generated libcper member {n}, or placed twice", nameof(order));
            if (!drop) result.Add(m);
        }
        if (byName.Count > 0) throw new ArgumentException($"generated libcper members not placed: {string.Join(", ", byName.Keys)}", nameof(order));
        return [.. result];
    }

    /// <summary>The field named <paramref name="json"/> of <paramref name="layout"/> (for sections whose FieldDefs are not public statics).</summary>
    public static FieldDef F(StructDef layout, string json) => layout.Find(json) ?? throw new ArgumentException($"{layout.Name} has no field {json}", nameof(json));
}

/// <summary>
/// A libcper section family declared as a member map over an ApeiKit layout (issue #12 item 2): one engine walks the map
/// to write libcper's JSON straight into a <see cref="LcWriter"/> (names pre-encoded, nothing allocated) and to read
/// libcper's JSON back into the body bytes, which the section's codec then decodes into ApeiKit's model. Member order is
/// libcper's (its <c>sections/cper-section-*.c</c>).
/// </summary>
internal sealed partial class LibCperMap : LibCperSection
{
    private static readonly JsonEncodedText s_message = JsonEncodedText.Encode("message");

    public LibCperMap(CperSectionCodec codec, string readableName, string shortName, StructDef layout, int minimumLength, LcMember[] members)
    {
        Codec = codec;
        ReadableName = readableName;
        ShortName = shortName;
        EncodedShortName = JsonEncodedText.Encode(shortName);
        Layout = layout;
        MinimumLength = Math.Max(minimumLength, layout.Size);
        Members = members;
    }

    public CperSectionCodec Codec { get; }
    public override Guid SectionType => Codec.SectionType;
    public override string ReadableName { get; }
    public override string ShortName { get; }
    private JsonEncodedText EncodedShortName { get; }
    /// <summary>The ApeiKit layout the members' fields belong to.</summary>
    public StructDef Layout { get; }
    /// <summary>The shortest body rendered (libcper's structure size, at least the layout's); shorter ones are <c>Unknown</c>.</summary>
    public int MinimumLength { get; }
    /// <summary>The members in libcper's order.</summary>
    public LcMember[] Members { get; }
    /// <summary>A fixed <c>message</c>, or null.</summary>
    public string? Message { get; init; }
    private byte[]? _encodedMessage;
    /// <summary>A <c>message</c> built from the body (a quirk), or null.</summary>
    public LcMessage? MessageBuilder { get; init; }
    /// <summary>What else a body must satisfy to be rendered (the model's count and length checks), or null.</summary>
    public LcCheck? Accepts { get; init; }
    /// <summary>How many bytes after the layout libcper's JSON describes (a log, register pairs), or null for none.</summary>
    public Func<JsonObject, int>? TailLength { get; init; }
    /// <summary>The layout field that holds the whole body's length (set from the bytes read back), or null.</summary>
    public FieldDef? LengthField { get; init; }
    /// <summary>What reading back does after the members (a documented quirk over several fields), or null.</summary>
    public Action<JsonObject, byte[]>? AfterRead { get; init; }

    /// <inheritdoc/>
    public override bool TryWrite(LcWriter w, ReadOnlySpan<byte> body)
    {
        if (body.Length < MinimumLength || (Accepts is not null && !Accepts(body))) return false;
        ulong valid = Layout.ReadValidationBits(body);
        w.WriteStartObject();
        if (MessageBuilder is not null)
        {
            Span<byte> utf8 = stackalloc byte[256];
            w.WriteString(s_message, utf8[..MessageBuilder(body, valid, utf8)]);
        }
        else if (Message is not null) w.WriteEncoded(s_message, _encodedMessage ??= LcWriter.Encode(Message)); // a race encodes it twice, the same bytes
        w.WriteStartObject(EncodedShortName);
        WriteMembers(w, Members, body, valid);
        w.WriteEndObject();
        w.WriteEndObject();
        return true;
    }

    /// <summary>Writes <paramref name="members"/> over <paramref name="body"/>, each whose gate bit is set in <paramref name="valid"/> (or ungated).</summary>
    internal static void WriteMembers(LcWriter w, LcMember[] members, ReadOnlySpan<byte> body, ulong valid)
    {
        foreach (var m in members)
        {
            if (m.Gate >= 0 && ((valid >> m.Gate) & 1) == 0) continue;
            switch (m.Kind)
            {
                case LcKind.Int: w.WriteNumber(m.Encoded, m.Value(body)); break;
                case LcKind.Int32: w.WriteNumber(m.Encoded, unchecked((int)(uint)m.Value(body))); break;
                case LcKind.Bool: w.WriteBoolean(m.Encoded, m.Value(body) != 0); break;
                case LcKind.Hex: w.WriteHex(m.Encoded, m.Value(body), m.Digits); break;
                case LcKind.Pair: WritePair(w, m.Encoded, m.Value(body), m.Names!); break;
                case LcKind.Bits:
                {
                    ulong v = m.Value(body);
                    w.WriteStartObject(m.Encoded);
                    for (int i = 0; i < m.EncodedBitNames!.Length; i++) w.WriteBoolean(m.EncodedBitNames[i], ((v >> i) & 1) != 0);
                    w.WriteEndObject();
                    break;
                }
                case LcKind.ErrorStatus: Lc.WriteErrorStatus(w, m.Encoded, m.Value(body)); break;
                case LcKind.Name: w.WriteEncoded(m.Encoded, m.Names!.EncodedNameOf(m.Value(body))); break;
                case LcKind.Untrusted:
                    if (Lc.PrintableLength(body.Slice(m.Field!.Offset, m.Field.Size)) is int n and >= 0) w.WriteString(m.Encoded, body.Slice(m.Field.Offset, n));
                    break;
                case LcKind.Base64: w.WriteBase64String(m.Encoded, body.Slice(m.Field!.Offset, m.Field.Size)); break;
                case LcKind.Guid: w.WriteGuid(m.Encoded, body.Slice(m.Field!.Offset, 16)); break;
                case LcKind.Object:
                    w.WriteStartObject(m.Encoded);
                    WriteMembers(w, m.Members!, body, valid);
                    w.WriteEndObject();
                    break;
                case LcKind.Quirk: m.QuirkWrite!(w, body, valid); break;
                case LcKind.MajorMinor: WriteMajorMinor(w, m, body); break;
                case LcKind.ColonHex: WriteColonHex(w, m, body); break;
                case LcKind.UntrustedOrEmpty: WriteUntrustedOrEmpty(w, m, body); break;
                case LcKind.Bcd: w.WriteNumber(m.Encoded, FromBcd(m.Value(body), m.Width)); break;
                case LcKind.Dict: WriteDict(w, m.Encoded, m.Value(body), m.Names!); break;
            }
        }
    }

    /// <summary>libcper's readable pair (<c>integer_to_readable_pair</c>; with a description, <c>_with_desc</c>).</summary>
    public static void WritePair(LcWriter w, JsonEncodedText name, ulong value, LcNames names)
    {
        w.WriteStartObject(name);
        w.WriteNumber(Lc.ValueName, value);
        var text = names.EncodedNameOf(value, out var description);
        if (description is not null) w.WriteEncoded(Lc.DescriptionName, description);
        w.WriteEncoded(Lc.NameName, text);
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public override CperSectionBody FromIrBody(JsonObject ir)
    {
        var body = new byte[Layout.Size + (TailLength?.Invoke(ir) ?? 0)];
        ulong valid = ReadMembers(ir, Members, body);
        if (Layout.ValidationField is { } v) v.WriteValue(body, valid);
        LengthField?.WriteValue(body, (ulong)body.Length);
        AfterRead?.Invoke(ir, body);
        return Codec.Decode(body, 0);
    }

    /// <summary>Reads <paramref name="members"/> from <paramref name="o"/> into <paramref name="body"/>; returns the gate bits of those present.</summary>
    internal static ulong ReadMembers(JsonObject o, LcMember[] members, Span<byte> body)
    {
        ulong valid = 0;
        for (int i = 0; i < members.Length; i++)
        {
            var m = members[i];
            if (!o.TryGetPropertyValue(m.Name, out var n) || IsTwinOfPresent(o, members, i)) continue;
            switch (m.Kind)
            {
                case LcKind.Int or LcKind.Hex: m.Store(body, Lc.U(n, m.Width)); break;
                case LcKind.Int32: m.Store(body, Lc.Int32(n, m.Width)); break;
                case LcKind.Bool: m.Store(body, Lc.Bool(n) ? 1UL : 0); break;
                case LcKind.Pair: m.Store(body, Lc.PairValue(n, m.Width)); break;
                case LcKind.Bits: m.Store(body, Lc.FromBits(n, m.BitNames!)); break;
                case LcKind.ErrorStatus: m.Store(body, Lc.ErrorStatusFrom(n)); break;
                case LcKind.Name:
                    m.Store(body, m.Names!.TryGetValue(Lc.Str(n), out ulong named) ? named
                        : m.Names.FallbackReadsAsZero && Lc.Str(n) == m.Names.Fallback ? 0UL
                        : throw new CperJsonException(n!.GetPath(), $"expected one of libcper's names, found {Lc.Show(n)}"));
                    break;
                case LcKind.Untrusted or LcKind.UntrustedOrEmpty:
                {
                    // libcper prints an untrusted string only when it is printable and NUL-terminated within the field
                    // (Lc.PrintableLength): at most Size - 1 characters; more, or other characters, are refused, not cut.
                    Lc.TextInto(n, Lc.Str(n) ?? "", body.Slice(m.Field!.Offset, m.Field.Size), m.Field.Size - 1, $"the {m.Field.Size}-byte text field");
                    break;
                }
                case LcKind.Base64: Lc.B64Into(n, m.Field!, body); break; // a longer value is refused, not cut
                case LcKind.Guid: Lc.GuidFrom(n).TryWriteBytes(body.Slice(m.Field!.Offset, 16)); break;
                case LcKind.Object:
                    valid |= ReadMembers(n as JsonObject ?? Lc.Obj(n, Lc.PathOf(o, m.Name)), m.Members!, body); // null: refused with its path (built only then)
                    break;
                case LcKind.Quirk: valid |= m.QuirkRead!(n, body); break;
                case LcKind.MajorMinor: m.Store(body, ReadMajorMinor(n, m.Width)); break;
                case LcKind.ColonHex: m.Store(body, ReadColonHex(n, m.Field!.Size)); break;
                case LcKind.Bcd: m.Store(body, ReadBcd(n, m.Width)); break;
                case LcKind.Dict: m.Store(body, Lc.U(Lc.M(n, "raw"), m.Width)); break;
            }
            if (m.SetsGate && m.Gate >= 0) valid |= 1UL << m.Gate;
        }
        return valid;
    }

    /// <summary>
    /// Reads <paramref name="members"/> (the sub-fields of a structured value: IA32/X64 check information, ARM error
    /// information) into <paramref name="field"/>'s bytes of <paramref name="body"/>, then ORs the validation bits they
    /// return into the value itself (those values carry their own validation bits, bits 0-15; UEFI 2.10 N.2.4.2.2-4,
    /// N.2.4.4.1).
    /// </summary>
    internal static void ReadBitsInto(JsonObject o, LcMember[] members, Span<byte> body, FieldDef field)
    {
        ulong own = ReadMembers(o, members, body.Slice(field.Offset, field.Size)); // the sub-fields first, then their validation bits
        field.WriteValue(body, field.ReadValue(body) | own);
    }

    /// <summary>A second member over the same field (libcper's <c>…Hex</c> twins) is read only when the first is absent.</summary>
    private static bool IsTwinOfPresent(JsonObject o, LcMember[] members, int index)
    {
        var m = members[index];
        if (m.Field is null || m.Kind is LcKind.Object or LcKind.Quirk) return false;
        for (int i = 0; i < index; i++)
            if (ReferenceEquals(members[i].Field, m.Field) && ReferenceEquals(members[i].Sub, m.Sub) && o.ContainsKey(members[i].Name)) return true;
        return false;
    }

    /// <summary>
    /// What is wrong with the map's declaration: a member name used twice in one object, a field that is not one of
    /// <see cref="Layout"/>'s, a gate that is not the field's own validation bit where the member does not say it is a
    /// quirk (<see cref="LcMember.Always"/>, <see cref="LcMember.When(FieldDef)"/>). Empty for a sound map.
    /// </summary>
    public IEnumerable<string> Problems() => Problems(ShortName, Members);

    private IEnumerable<string> Problems(string path, LcMember[] members)
    {
        foreach (var twice in members.GroupBy(m => m.Name).Where(g => g.Count() > 1)) yield return $"{path}: member {twice.Key} is named {twice.Count()} times";
        foreach (var m in members)
        {
            if (m.Field is not null && !Layout.Fields.Contains(m.Field)) yield return $"{path}.{m.Name}: field {m.Field.Json} is not a field of {Layout.Name}";
            if (m.Field is not null && m.SetsGate)
            {
                int own = m.Sub is { ValidBit: >= 0 } ? m.Sub.ValidBit : m.Field.ValidBit >= 0 ? m.Field.ValidBit : m.Field.ParentValidBit;
                if (m.Gate != own) yield return $"{path}.{m.Name}: gated by bit {m.Gate}, but {m.Field.Json}'s validation bit is {own}";
            }
            if (m.Members is not null) foreach (var p in Problems($"{path}.{m.Name}", m.Members)) yield return p;
        }
    }

    /// <summary>Every member of the map, nested members included.</summary>
    public IEnumerable<LcMember> AllMembers() => Flatten(Members);

    private static IEnumerable<LcMember> Flatten(LcMember[] members)
    {
        foreach (var m in members)
        {
            yield return m;
            if (m.Members is not null) foreach (var inner in Flatten(m.Members)) yield return inner;
        }
    }
}
