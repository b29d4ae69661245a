using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ApeiKit;

/// <summary>
/// A <see cref="StructDef"/> compiled for the compact JSON renderer (issue #15, docs/DESIGN.md "Rendering fast"): one flat
/// array of entries (offset, size, what to write, validation bit, the pre-encoded <c>,"name":</c> bytes and, for
/// enumerations, flags and bit fields, tables of pre-encoded value text), so <see cref="JsonRenderer"/> writes a whole
/// layout in one loop with no per-field virtual call, cache or dictionary lookup. Built once per layout and encoder
/// (<see cref="StructDef"/> keeps it), immutable, shared by every thread.
/// </summary>
/// <remarks>
/// What each entry writes is exactly what <see cref="JsonRenderer.Field"/> writes for that field through
/// <c>CompactJsonSink</c> (Apei.Tests CompiledLayoutTests compares the two on every layout): the encoder escapes every
/// name and value text when the entry is built, as the renderer's name cache would have done per call.
/// </remarks>
internal sealed class CompiledJsonLayout
{
    /// <summary>The encoders a compiled layout exists for: index 0 the default (also used when none is given), 1 the relaxed one.</summary>
    public static readonly JavaScriptEncoder[] Encoders = [JavaScriptEncoder.Default, JavaScriptEncoder.UnsafeRelaxedJsonEscaping];

    public enum Op : byte
    {
        /// <summary>UInt, Hex: a decimal number.</summary>
        Number,
        /// <summary>Enum: <c>{"value":n,"name":..}</c>.</summary>
        Enum,
        /// <summary>Flags: <c>{"value":n,"names":[..]}</c>.</summary>
        Flags,
        /// <summary>Bits: <c>{"value":n, sub-fields}</c>.</summary>
        Bits,
        /// <summary>Guid: a lower-case "D" string; null when invalid and zero.</summary>
        Guid,
        /// <summary>Bytes: lower-case hex string.</summary>
        Hex,
        /// <summary>Reserved of 1, 2, 4 or 8 bytes: a number when non-zero.</summary>
        ReservedNumber,
        /// <summary>Reserved of another size: hex when non-zero.</summary>
        ReservedHex,
        /// <summary>Any kind added later: written by the renderer's per-field code.</summary>
        PerField,
        /// <summary>
        /// Bits whose sub-fields are validated by the value's own bits (<see cref="FieldDef.EmbeddedValidation"/>: UEFI 2.10
        /// N.2.4.4 ARM error information, bits 0-15), not the structure's: otherwise as <see cref="Bits"/>.
        /// </summary>
        BitsEmbedded,
        /// <summary>
        /// Timestamp (UEFI 2.10 N.2.1.1, "Timestamp"): the date as <c>"yyyy-MM-ddTHH:mm:ssZ"</c> or null, then
        /// <c>nameEncoding</c>, <c>namePrecise</c> and <c>nameRaw</c> (<see cref="TimestampNames"/>), as <see cref="JsonRenderer.Field"/> writes them.
        /// </summary>
        Timestamp,
        /// <summary>
        /// Ascii: printable text NUL-padded, that the encoder leaves alone, is copied quoted (what <see cref="JsonRenderer.Field"/>
        /// writes for it); anything else (non-printable bytes, bytes after the NUL, text to escape) goes through the per-field code.
        /// </summary>
        Ascii,
    }

    /// <summary>The three members a Timestamp field adds after its own, each pre-encoded as <c>,"name":</c>, and the encodings' texts.</summary>
    public sealed class TimestampNames(string json, JavaScriptEncoder encoder)
    {
        public readonly byte[] Encoding = NameBytes(json + "Encoding", encoder);
        public readonly byte[] Precise = NameBytes(json + "Precise", encoder);
        public readonly byte[] Raw = NameBytes(json + "Raw", encoder);

        /// <summary>At most this many bytes after the field's own name: the date (22), the encoding ("binary", 8), the flag (5), "0x" and 16 digits (20).</summary>
        public int MaxBytes => 22 + Encoding.Length + 8 + Precise.Length + 5 + Raw.Length + 20;
    }

    /// <summary>One field.</summary>
    public readonly struct Entry(Op op, FieldDef field, byte[] name, int maxBytes, object? table)
    {
        public readonly Op Op = op;
        public readonly int Offset = field.Offset;
        public readonly int Size = field.Size;
        public readonly int End = field.End;
        public readonly int ValidBit = field.ValidBit;
        /// <summary>The UTF-8 bytes of <c>,"name":</c> (skip the first when no comma is due).</summary>
        public readonly byte[] Name = name;
        /// <summary>At most this many bytes are written for the field (comma included).</summary>
        public readonly int MaxBytes = maxBytes;
        /// <summary><see cref="ValueNames"/> (Enum), <see cref="FlagNames"/> (Flags), <see cref="SubField"/>[] (Bits).</summary>
        public readonly object? Table = table;
        public readonly FieldDef Field = field;
    }

    /// <summary>One sub-field of a Bits field.</summary>
    public sealed class SubField(BitFieldDef b, byte[] name, ValueNames? names)
    {
        public readonly int Bit = b.Bit;
        public readonly int Width = b.Width;
        public readonly int ValidBit = b.ValidBit;
        public readonly bool IsBcd = b.IsBcd;
        public readonly int HexSize = (b.Width + 7) / 8;
        /// <summary><c>,"name":</c> (always after the value, so always with its comma).</summary>
        public readonly byte[] Name = name;
        public readonly ValueNames? Names = names;
        public readonly BitFieldDef Def = b;

        public int MaxBytes => Name.Length + (Names is null ? 20 : 10 + 20 + Names.MaxBytes);
    }

    /// <summary>
    /// The names of an enumeration's values, each pre-encoded as the rest of the object after the number:
    /// <c>,"name":"text"}</c>, or <c>,"name":null}</c> for a value without one. Small values index an array; others a
    /// binary search of the sorted values.
    /// </summary>
    public sealed class ValueNames
    {
        private static readonly byte[] s_unknown = ",\"name\":null}"u8.ToArray();
        private readonly byte[]?[] _dense = [];
        private readonly ulong[] _keys = [];
        private readonly byte[][] _values = [];

        public ValueNames(NameTable? table, JavaScriptEncoder encoder)
        {
            int max = s_unknown.Length;
            if (table is null)
            {
                MaxBytes = max;
                return;
            }
            var all = new SortedDictionary<ulong, byte[]>();
            foreach (var (value, text) in table) // each value once (a later duplicate replaced an earlier one)
            {
                byte[] bytes = [.. ",\"name\":\""u8, .. JsonEncodedText.Encode(text, encoder).EncodedUtf8Bytes, .. "\"}"u8];
                all[value] = bytes;
                max = Math.Max(max, bytes.Length);
            }
            MaxBytes = max;
            if (all.Count > 0 && all.Keys.Max() < 1024)
            {
                _dense = new byte[]?[(int)all.Keys.Max() + 1];
                foreach (var (k, v) in all) _dense[k] = v;
            }
            else
            {
                _keys = [.. all.Keys];
                _values = [.. all.Values];
            }
        }

        /// <summary>The longest text <see cref="Of"/> gives.</summary>
        public int MaxBytes { get; }

        /// <summary><c>,"name":"text"}</c> for <paramref name="value"/>, or <c>,"name":null}</c>.</summary>
        public byte[] Of(ulong value)
        {
            var dense = _dense;
            if (value < (ulong)dense.Length) return dense[value] ?? s_unknown;
            if (_keys.Length == 0) return s_unknown;
            int i = Array.BinarySearch(_keys, value);
            return i >= 0 ? _values[i] : s_unknown;
        }
    }

    /// <summary>The name of every bit 0-63 of a flags field, pre-encoded and quoted (<c>"name"</c>, <c>"bitN"</c> for unnamed bits).</summary>
    public sealed class FlagNames
    {
        public readonly byte[][] ByBit = new byte[64][];
        public readonly int MaxBytes; // all 64 names with their commas

        public FlagNames(FlagTable table, JavaScriptEncoder encoder)
        {
            for (int bit = 0; bit < 64; bit++)
            {
                string n = table[bit] ?? "bit" + bit.ToString(System.Globalization.CultureInfo.InvariantCulture);
                ByBit[bit] = [(byte)'"', .. JsonEncodedText.Encode(n, encoder).EncodedUtf8Bytes, (byte)'"'];
                MaxBytes += ByBit[bit].Length + 1;
            }
        }
    }

    private CompiledJsonLayout(Entry[] entries, FieldDef? validation)
    {
        Entries = entries;
        ValidationField = validation;
        long max = 0;
        foreach (var e in entries) max += e.MaxBytes;
        MaxBytes = checked((int)max);
    }

    public Entry[] Entries { get; }

    /// <summary>At most this many bytes are written for all the entries together (the room the renderer makes once per structure; fields written by the per-field code make their own).</summary>
    public int MaxBytes { get; }

    /// <summary>The layout's validation field (its bits are read once per structure), or null.</summary>
    public FieldDef? ValidationField { get; }

    /// <summary>Compiles <paramref name="layout"/> for <paramref name="encoder"/>.</summary>
    public static CompiledJsonLayout Build(StructDef layout, JavaScriptEncoder encoder)
    {
        var fields = layout.Fields;
        var entries = new Entry[fields.Length];
        for (int i = 0; i < fields.Length; i++) entries[i] = Compile(fields[i], encoder);
        return new CompiledJsonLayout(entries, layout.ValidationField);
    }

    private static byte[] NameBytes(string json, JavaScriptEncoder encoder)
        => [(byte)',', (byte)'"', .. JsonEncodedText.Encode(json, encoder).EncodedUtf8Bytes, (byte)'"', (byte)':'];

    private static Entry Compile(FieldDef f, JavaScriptEncoder encoder)
    {
        var name = NameBytes(f.Json, encoder);
        const int Number = 20, ValueObject = 10; // digits of a ulong; {"value":
        switch (f.Kind)
        {
            case FieldKind.UInt:
            case FieldKind.Hex:
                return new(Op.Number, f, name, name.Length + Number, null);
            case FieldKind.Enum:
            {
                var names = new ValueNames(f.Names, encoder);
                return new(Op.Enum, f, name, name.Length + ValueObject + Number + names.MaxBytes, names);
            }
            case FieldKind.Flags:
            {
                var flags = f.FlagNames is null ? null : new FlagNames(f.FlagNames, encoder);
                return new(Op.Flags, f, name, name.Length + ValueObject + Number + 10 + (flags?.MaxBytes ?? 0) + 2, flags);
            }
            case FieldKind.Bits:
            {
                var bits = f.BitFields ?? [];
                var subs = new SubField[bits.Count];
                int max = name.Length + ValueObject + Number + 1;
                for (int i = 0; i < subs.Length; i++)
                {
                    var b = bits[i];
                    subs[i] = new SubField(b, NameBytes(b.Json, encoder), b.Names is null ? null : new ValueNames(b.Names, encoder));
                    max += subs[i].MaxBytes;
                }
                return new(f.EmbeddedValidation is null ? Op.Bits : Op.BitsEmbedded, f, name, max, subs);
            }
            case FieldKind.Guid:
                return new(Op.Guid, f, name, name.Length + 38, null);
            case FieldKind.Bytes:
                return new(Op.Hex, f, name, name.Length + 2 + 2 * f.Size, null);
            case FieldKind.Reserved:
                return f.Size is 1 or 2 or 4 or 8
                    ? new(Op.ReservedNumber, f, name, name.Length + Number, null)
                    : new(Op.ReservedHex, f, name, name.Length + 2 + 2 * f.Size, null);
            case FieldKind.Timestamp:
            {
                var names = new TimestampNames(f.Json, encoder);
                return new(Op.Timestamp, f, name, name.Length + names.MaxBytes, names);
            }
            case FieldKind.Ascii:
                return new(Op.Ascii, f, name, name.Length + 2 + f.Size, null);
            default: // any kind added later: the renderer's per-field code
                return new(Op.PerField, f, name, 0, null);
        }
    }

    /// <summary>Reads 1 to 8 little-endian bytes (<see cref="FieldDef.ReadLittleEndian"/>, whose odd sizes read the first 8).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static ulong Read(ReadOnlySpan<byte> b) => b.Length switch
    {
        1 => b[0],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(b),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(b),
        8 => BinaryPrimitives.ReadUInt64LittleEndian(b),
        _ => FieldDef.ReadLittleEndian(b),
    };
}
