// [lc-audit E] converter kinds and nested members any map can name: BCD, dict, a nested layout's object, a union (PCIe, ARM RAS)
using System.Text.Json;
using System.Text.Json.Nodes;
using ApeiKit.Cper.Json;

namespace ApeiKit.Cper.LibCper;

internal sealed partial class LibCperMap
{
    /// <summary>
    /// A binary-coded decimal (<see cref="LcKind.Bcd"/>) of <paramref name="width"/> bits as the number libcper prints
    /// (<c>bcd_to_int</c>: each 4-bit digit times its power of ten, a digit above 9 taken as it is, where the layouts'
    /// <see cref="BitFieldDef.TryFromBcd"/> refuses it and ApeiKit's own rendering shows hex).
    /// </summary>
    internal static ulong FromBcd(ulong bcd, int width)
    {
        ulong value = 0, scale = 1;
        for (int bit = 0; bit < width; bit += 4, scale *= 10) value += ((bcd >> bit) & 0xF) * scale;
        return value;
    }

    /// <summary>
    /// A number read back into a <paramref name="width"/>-bit binary-coded decimal (<see cref="LcKind.Bcd"/>): at most
    /// <paramref name="width"/>/4 decimal digits. A negative number or one with more digits is refused with its path, not
    /// cut to its low digits as libcper's <c>int_to_bcd</c> does (docs/libcper-compat.md).
    /// </summary>
    /// <exception cref="CperJsonException">Not an unsigned integer, or above 10^(<paramref name="width"/>/4) - 1.</exception>
    internal static ulong ReadBcd(JsonNode? n, int width)
    {
        ulong max = 1;
        for (int d = 0; d < width / 4; d++) max *= 10;
        max--;
        ulong value = Lc.U(n); // a negative JSON number comes back as its 64-bit pattern, above any max here (at most 16 digits)
        if (value > max)
            throw new CperJsonException(n!.GetPath(), $"expected a decimal of at most {width / 4} digits (0-{max}) for the {width}-bit binary-coded decimal, found {Lc.Show(n)}");
        return BitFieldDef.ToBcd(value); // the layouts' BCD encoder: in range, it is what int_to_bcd gives
    }

    private static readonly JsonEncodedText s_raw = JsonEncodedText.Encode("raw");

    /// <summary>libcper's <c>add_dict</c> (<see cref="LcKind.Dict"/>): <c>{"raw": n, "value": name}</c>, with no <c>value</c> for a number its table does not name.</summary>
    internal static void WriteDict(LcWriter w, JsonEncodedText name, ulong value, LcNames names)
    {
        w.WriteStartObject(name);
        w.WriteNumber(s_raw, value);
        if (names.TryGet(value, out _, out _)) w.WriteEncoded(Lc.ValueName, names.EncodedNameOf(value));
        w.WriteEndObject();
    }

}

internal static partial class Lm
{
    /// <summary>A binary-coded decimal (sub-)field as a number (libcper <c>bcd_to_int</c>; read back with <c>int_to_bcd</c>).</summary>
    public static LcMember Bcd(string name, FieldDef f, string? sub = null) => new(name, LcKind.Bcd, f, SubOf(f, sub));

    /// <summary>libcper's <c>add_dict</c> over a (sub-)field: <c>{"raw": n, "value": name}</c>, read back from <c>raw</c>.</summary>
    public static LcMember Dict(string name, FieldDef f, LcNames names, string? sub = null) => new(name, LcKind.Dict, f, SubOf(f, sub)) { Names = names };

    /// <summary>
    /// An object of <paramref name="members"/> over the bytes of <paramref name="field"/> (a nested layout: the members name
    /// that layout's fields), gated by <paramref name="field"/>'s validation bit. Read back with <paramref name="read"/>
    /// (default: the same members) into those bytes; a null value reads as an empty object.
    /// </summary>
    public static LcMember Nested(string name, FieldDef field, LcMember[] members, LcMember[]? read = null)
    {
        var encoded = JsonEncodedText.Encode(name); // encoded once, not per record
        read ??= members;
        return Quirk(name, field, (w, body, valid) =>
        {
            w.WriteStartObject(encoded);
            LibCperMap.WriteMembers(w, members, body.Slice(field.Offset, field.Size), valid);
            w.WriteEndObject();
        }, (n, body) => LibCperMap.ReadMembers(Lc.Obj(n), read, body.Slice(field.Offset, field.Size)));
    }

    /// <summary>
    /// A union (libcper's ARM RAS IP instance and IP type): an object of the members <paramref name="variants"/> holds at
    /// <paramref name="selector"/>'s value, over the bytes of <paramref name="field"/>; an empty object for a value past
    /// them. Read back the same way: the selector comes first in member order, so its value is in the body by then. A
    /// member of another variant is refused with its path, not dropped: libcper's reader (<c>arm_ras_fill_node_identifiers</c>)
    /// reads every variant's keys over the union whatever the format says, so such a member would change libcper's bytes.
    /// </summary>
    public static LcMember Variant(string name, FieldDef field, FieldDef selector, params LcMember[][] variants)
    {
        var encoded = JsonEncodedText.Encode(name); // encoded once, not per record
        LcMember[] Of(ReadOnlySpan<byte> body) => selector.ReadValue(body) is var v && v < (ulong)variants.Length ? variants[v] : [];
        return Quirk(name, field, (w, body, valid) =>
        {
            w.WriteStartObject(encoded);
            LibCperMap.WriteMembers(w, Of(body), body.Slice(field.Offset, field.Size), valid);
            w.WriteEndObject();
        }, (n, body) =>
        {
            var o = Lc.Obj(n);
            var chosen = Of(body);
            foreach (var other in variants)
            {
                if (other == chosen) continue;
                foreach (var m in other)
                    if (o.ContainsKey(m.Name) && System.Array.FindIndex(chosen, c => c.Name == m.Name) < 0)
                        throw new CperJsonException(Lc.PathOf(o, m.Name),
                            $"expected only the members of {name}'s variant {selector.ReadValue(body)} ({(chosen.Length == 0 ? "none" : string.Join(", ", chosen.Select(c => c.Name)))}), found {m.Name}, a member of another variant");
            }
            return LibCperMap.ReadMembers(o, chosen, body.Slice(field.Offset, field.Size));
        });
    }
}
