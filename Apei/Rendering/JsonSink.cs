using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ApeiKit;

/// <summary>
/// The writes <see cref="JsonRenderer"/> makes: property names are always pre-encoded, values are numbers, booleans,
/// null, GUIDs, pre-encoded text or text still to be escaped. Two implementations: over a <see cref="Utf8JsonWriter"/>
/// (any options, indented or not), and <see cref="CompactJsonSink"/>, which writes compact JSON straight into a buffer.
/// </summary>
internal abstract class JsonSink
{
    public abstract void StartObject();
    public abstract void StartObject(JsonEncodedText name);
    public abstract void EndObject();
    public abstract void StartArray(JsonEncodedText name);
    public abstract void EndArray();
    public abstract void Number(JsonEncodedText name, ulong value);
    public abstract void Number(JsonEncodedText name, long value);
    public abstract void Boolean(JsonEncodedText name, bool value);
    public abstract void Null(JsonEncodedText name);
    public abstract void String(JsonEncodedText name, JsonEncodedText value);
    public abstract void String(JsonEncodedText name, ReadOnlySpan<char> value);
    public abstract void String(JsonEncodedText name, Guid value);
    public abstract void StringValue(JsonEncodedText value);
    public abstract void StringValue(ReadOnlySpan<char> value);

    /// <summary>
    /// Text the renderer made itself from digits, hex digits, '-', ':', 'T', 'Z' and 'x' (timestamps, "0x..."): no
    /// encoder in use escapes those, so the compact sink copies it without the escaping check. The default is <see cref="String(JsonEncodedText, ReadOnlySpan{char})"/>.
    /// </summary>
    public virtual void SafeAscii(JsonEncodedText name, ReadOnlySpan<char> value) => String(name, value);

    /// <summary>Bytes as a lower-case hex string (<see cref="ApeiKit.Text.HexText.TryLower"/>); the compact sink writes the digits straight into its buffer.</summary>
    public virtual void LowerHex(JsonEncodedText name, ReadOnlySpan<byte> raw)
    {
        Span<char> text = raw.Length <= 256 ? stackalloc char[2 * raw.Length] : new char[2 * raw.Length];
        ApeiKit.Text.HexText.TryLower(raw, text, out int n);
        String(name, text[..n]);
    }
}

/// <summary>Writes through a <see cref="Utf8JsonWriter"/>.</summary>
internal sealed class Utf8JsonWriterSink(Utf8JsonWriter w) : JsonSink
{
    public Utf8JsonWriter Writer => w;
    public override void StartObject() => w.WriteStartObject();
    public override void StartObject(JsonEncodedText name) => w.WriteStartObject(name);
    public override void EndObject() => w.WriteEndObject();
    public override void StartArray(JsonEncodedText name) => w.WriteStartArray(name);
    public override void EndArray() => w.WriteEndArray();
    public override void Number(JsonEncodedText name, ulong value) => w.WriteNumber(name, value);
    public override void Number(JsonEncodedText name, long value) => w.WriteNumber(name, value);
    public override void Boolean(JsonEncodedText name, bool value) => w.WriteBoolean(name, value);
    public override void Null(JsonEncodedText name) => w.WriteNull(name);
    public override void String(JsonEncodedText name, JsonEncodedText value) => w.WriteString(name, value);
    public override void String(JsonEncodedText name, ReadOnlySpan<char> value) => w.WriteString(name, value);
    public override void String(JsonEncodedText name, Guid value) => w.WriteString(name, value);
    public override void StringValue(JsonEncodedText value) => w.WriteStringValue(value);
    public override void StringValue(ReadOnlySpan<char> value) => w.WriteStringValue(value);
}

/// <summary>
/// Compact JSON written straight into an <see cref="IBufferWriter{T}"/>: the bytes <see cref="Utf8JsonWriter"/> writes
/// with <c>Indented = false</c> and the same encoder, without its per-call state checks (the caller,
/// <see cref="JsonRenderer"/>, keeps the structure well-formed). Text is escaped by the same encoder: plain ASCII that the
/// encoder leaves alone is copied, anything else goes through <see cref="JsonEncodedText.Encode(ReadOnlySpan{char}, JavaScriptEncoder?)"/>.
/// Written into a scratch chunk and handed to the output on <see cref="Flush"/> (or when the chunk is full).
/// </summary>
internal sealed class CompactJsonSink : JsonSink
{
    private readonly JavaScriptEncoder? _encoder;
    private readonly JavaScriptEncoder _check;
    private readonly bool _plainEncoder; // the default or the relaxed encoder: neither escapes what SafeAscii is given
    private IBufferWriter<byte> _output;
    // Where bytes are written: the output's own array when its memory is an array (ArrayPoolBufferWriter, ArrayBufferWriter:
    // no copy, _direct), else a scratch chunk copied out on Flush. The window is _chunk[_start.._limit), written up to _used.
    private byte[] _chunk = [];
    private byte[]? _scratch;
    private int _start, _used, _limit;
    private bool _direct;
    private bool _comma; // a value came before: the next one needs a separator

    /// <summary>The least the output is asked for at a time (a record's JSON is a few KiB: one request per record).</summary>
    private const int Window = 16 << 10;

    public CompactJsonSink(IBufferWriter<byte> output, JavaScriptEncoder? encoder)
    {
        _output = output;
        _encoder = encoder;
        _check = encoder ?? JavaScriptEncoder.Default;
        _plainEncoder = encoder is null || ReferenceEquals(encoder, JavaScriptEncoder.Default) || ReferenceEquals(encoder, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
    }

    /// <summary>Starts writing to <paramref name="output"/>; what was written before and not flushed is dropped.</summary>
    public void Reset(IBufferWriter<byte> output)
    {
        _output = output;
        _start = _used = _limit = 0; // nothing handed over: the next write asks the new output for memory
        _comma = false;
    }

    /// <summary>Hands what was written to the output.</summary>
    public void Flush()
    {
        int n = _used - _start;
        if (n > 0)
        {
            if (!_direct) _chunk.AsSpan(_start, n).CopyTo(_output.GetSpan(n));
            _output.Advance(n);
        }
        // The output may be written by others before the next write here: ask it for memory again then.
        _start = _used = _limit = 0;
    }

    private Span<byte> Free => _chunk.AsSpan(_used, _limit - _used);

    /// <summary>Makes room for <paramref name="bytes"/> more (handing what was written to the output first when the window is full).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Room(int bytes)
    {
        if (_limit - _used < bytes) Grow(bytes);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int bytes)
    {
        Flush();
        var memory = _output.GetMemory(Math.Max(bytes, Window));
        if (MemoryMarshal.TryGetArray<byte>(memory, out var segment) && segment.Array is { } array && segment.Count >= bytes)
        {
            _chunk = array;
            _start = _used = segment.Offset;
            _limit = segment.Offset + segment.Count;
            _direct = true;
            return;
        }
        if (_scratch is null || _scratch.Length < bytes) _scratch = new byte[Math.Max(bytes, Window)];
        _chunk = _scratch;
        _start = _used = 0;
        _limit = _scratch.Length;
        _direct = false;
    }

    // [,]"name":  with room for valueBytes after it
    private void Name(ReadOnlySpan<byte> encodedName, int valueBytes)
    {
        Room(encodedName.Length + 4 + valueBytes);
        // Room made: written without bounds checks.
        ref byte s = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_chunk), _used);
        int i = 0;
        if (_comma) Unsafe.Add(ref s, i++) = (byte)',';
        Unsafe.Add(ref s, i++) = (byte)'"';
        CopySmall(ref Unsafe.Add(ref s, i), ref MemoryMarshal.GetReference(encodedName), encodedName.Length);
        i += encodedName.Length;
        Unsafe.Add(ref s, i++) = (byte)'"';
        Unsafe.Add(ref s, i++) = (byte)':';
        _used += i;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowPastBuffer() => throw new InvalidOperationException("A compiled layout entry wrote more than its MaxBytes.");

    private void Put(byte b)
    {
        Room(1);
        _chunk[_used++] = b;
    }

    public override void StartObject()
    {
        if (_comma) Put((byte)',');
        Put((byte)'{');
        _comma = false;
    }

    public override void StartObject(JsonEncodedText name) => Open(name, (byte)'{');

    public override void EndObject() => Close((byte)'}');

    public override void StartArray(JsonEncodedText name) => Open(name, (byte)'[');

    public override void EndArray() => Close((byte)']');

    /// <summary>Starts an object under a member prefix encoded once (<see cref="JsonName.Member"/>: <c>,"name":</c>).</summary>
    public void StartObject(byte[] member) => Open(member, (byte)'{');

    /// <summary>Starts an array under a member prefix encoded once (<see cref="JsonName.Member"/>).</summary>
    public void StartArray(byte[] member) => Open(member, (byte)'[');

    /// <summary>A pre-encoded string value under a member prefix encoded once (<see cref="JsonName.Member"/>).</summary>
    public void String(byte[] member, JsonEncodedText value)
    {
        var v = value.EncodedUtf8Bytes;
        Member(member, v.Length + 2);
        Quoted(v);
    }

    /// <summary>null under a member prefix encoded once (<see cref="JsonName.Member"/>).</summary>
    public void Null(byte[] member)
    {
        Member(member, 4);
        "null"u8.CopyTo(Free);
        _used += 4;
        _comma = true;
    }

    private void Open(byte[] member, byte bracket)
    {
        Member(member, 1);
        _chunk[_used++] = bracket;
        _comma = false;
    }

    // [,]"name": from its prefix encoded once (one copy), with room for valueBytes after it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Member(byte[] member, int valueBytes)
    {
        Room(member.Length + valueBytes);
        int skip = _comma ? 0 : 1, n = member.Length - skip;
        CopySmall(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_chunk), _used), ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(member), skip), n);
        _used += n;
    }

    private void Open(JsonEncodedText name, byte bracket)
    {
        Name(name.EncodedUtf8Bytes, 1);
        _chunk[_used++] = bracket;
        _comma = false;
    }

    private void Close(byte bracket)
    {
        Put(bracket);
        _comma = true;
    }

    // Utf8Formatter: plain decimal digits (and '-'), what Utf8JsonWriter writes for an integer.
    public override void Number(JsonEncodedText name, ulong value)
    {
        Name(name.EncodedUtf8Bytes, 20);
        Committed(Utf8Digits.WriteDecimal(value, Free));
    }

    public override void Number(JsonEncodedText name, long value)
    {
        Name(name.EncodedUtf8Bytes, 20);
        Committed(Utf8Digits.WriteDecimal(value, Free));
    }

    private void Committed(int valueBytes)
    {
        _used += valueBytes;
        _comma = true;
    }

    private void Literal(JsonEncodedText name, ReadOnlySpan<byte> literal)
    {
        Name(name.EncodedUtf8Bytes, literal.Length);
        literal.CopyTo(Free);
        _used += literal.Length;
        _comma = true;
    }

    public override void Boolean(JsonEncodedText name, bool value) => Literal(name, value ? "true"u8 : "false"u8);

    public override void Null(JsonEncodedText name) => Literal(name, "null"u8);

    public override void String(JsonEncodedText name, JsonEncodedText value)
    {
        Name(name.EncodedUtf8Bytes, value.EncodedUtf8Bytes.Length + 2);
        Quoted(value.EncodedUtf8Bytes);
    }

    public override void String(JsonEncodedText name, Guid value)
    {
        Name(name.EncodedUtf8Bytes, 38);
        var s = Free;
        s[0] = (byte)'"';
        Span<byte> raw = stackalloc byte[16];
        value.TryWriteBytes(raw);
        Utf8Digits.WriteGuid(raw, s[1..]); // "D", lower case: what Utf8JsonWriter writes for a Guid
        s[37] = (byte)'"';
        _used += 38;
        _comma = true;
    }

    public override void String(JsonEncodedText name, ReadOnlySpan<char> value)
    {
        if (Ascii.IsValid(value))
        {
            // Room for all of it first, so nothing is flushed between the mark and a roll-back.
            Room(name.EncodedUtf8Bytes.Length + value.Length + 6);
            int mark = _used;
            bool comma = _comma;
            Name(name.EncodedUtf8Bytes, value.Length + 2);
            if (TryQuotedAscii(value)) return;
            _used = mark;
            _comma = comma;
        }
        String(name, JsonEncodedText.Encode(value, _encoder)); // escaped (or an exception for invalid UTF-16), as the writer would
    }

    public override void StringValue(JsonEncodedText value)
    {
        Room(value.EncodedUtf8Bytes.Length + 3);
        if (_comma) _chunk[_used++] = (byte)',';
        Quoted(value.EncodedUtf8Bytes);
    }

    public override void StringValue(ReadOnlySpan<char> value)
    {
        if (Ascii.IsValid(value))
        {
            Room(value.Length + 3);
            int mark = _used;
            bool comma = _comma;
            if (_comma) _chunk[_used++] = (byte)',';
            if (TryQuotedAscii(value)) return;
            _used = mark;
            _comma = comma;
        }
        StringValue(JsonEncodedText.Encode(value, _encoder));
    }

    public override void SafeAscii(JsonEncodedText name, ReadOnlySpan<char> value)
    {
        if (!_plainEncoder)
        {
            base.SafeAscii(name, value);
            return;
        }
        Name(name.EncodedUtf8Bytes, value.Length + 2);
        var s = Free;
        s[0] = (byte)'"';
        Ascii.FromUtf16(value, s[1..], out int n);
        s[n + 1] = (byte)'"';
        _used += n + 2;
        _comma = true;
    }

    public override void LowerHex(JsonEncodedText name, ReadOnlySpan<byte> raw)
    {
        if (!_plainEncoder)
        {
            base.LowerHex(name, raw);
            return;
        }
        Name(name.EncodedUtf8Bytes, 2 * raw.Length + 2);
        int at = _used;
        _chunk[at++] = (byte)'"';
        at += LowerHex(raw, at);
        _chunk[at++] = (byte)'"';
        Done(at);
    }

    private void Quoted(ReadOnlySpan<byte> encoded)
    {
        var s = Free;
        s[0] = (byte)'"';
        encoded.CopyTo(s[1..]);
        s[encoded.Length + 1] = (byte)'"';
        _used += encoded.Length + 2;
        _comma = true;
    }

    /// <summary>
    /// Writes the fields of one structure from its compiled layout (issue #15): one room check for the whole layout, per
    /// field the pre-encoded <c>"name":</c> and the value formatted straight into the chunk; the same bytes
    /// <see cref="JsonRenderer.Field"/> writes field by field (Ascii fields with bytes the text would lose still go through it).
    /// </summary>
    /// <param name="layout">The compiled layout.</param>
    /// <param name="structure">The structure's bytes.</param>
    /// <param name="baseOffset">Its absolute offset.</param>
    /// <param name="renderer">The renderer, for the fields written field by field.</param>
    /// <param name="forced">-1: each field valid by the layout's validation field; 0 or 1: every field invalid or valid, sub-fields against all ones (<see cref="StructureVisitor.NestedLayout"/>).</param>
    public void Layout(CompiledJsonLayout layout, ReadOnlySpan<byte> structure, long baseOffset, JsonRenderer renderer, int forced = -1)
    {
        // StructDef.ReadValidationBits: all ones without a validation field or when the bytes end before it.
        ulong valid = forced < 0 && layout.ValidationField is { } vf && vf.End <= structure.Length ? vf.ReadValue(structure) : ulong.MaxValue;
        var entries = layout.Entries;
        // Room for every entry at once (the layout's MaxBytes), then the position and the comma state stay in locals, not
        // stored and read back per field; a field written by the per-field code hands them over and takes them back.
        Room(layout.MaxBytes);
        int at = _used, skip = _comma ? 0 : 1;
        for (int k = 0; k < entries.Length; k++)
        {
            ref readonly var e = ref entries[k];
            if (e.End > structure.Length) break; // an older, shorter layout: the fields it does not reach are left out
            var raw = structure.Slice(e.Offset, e.Size);
            bool isValid = forced < 0 ? e.ValidBit < 0 || (valid >> e.ValidBit & 1) != 0 : forced != 0;
            switch (e.Op)
            {
                case CompiledJsonLayout.Op.Number:
                {
                    ulong v = CompiledJsonLayout.Read(raw);
                    if (!isValid && IsZero(v, raw)) continue; // invalid and zero: left out
                    at = Prefix(e, at, ref skip);
                    at += FormatNumber(v, at);
                    break;
                }
                case CompiledJsonLayout.Op.ReservedNumber:
                {
                    ulong v = CompiledJsonLayout.Read(raw);
                    if (v == 0) continue;
                    at = Prefix(e, at, ref skip);
                    at += FormatNumber(v, at);
                    break;
                }
                case CompiledJsonLayout.Op.Enum:
                {
                    ulong v = CompiledJsonLayout.Read(raw);
                    if (!isValid && IsZero(v, raw)) continue;
                    at = Prefix(e, at, ref skip);
                    at = NamedValue(v, (CompiledJsonLayout.ValueNames)e.Table!, at);
                    break;
                }
                case CompiledJsonLayout.Op.Flags:
                {
                    ulong v = CompiledJsonLayout.Read(raw);
                    if (!isValid && IsZero(v, raw)) continue;
                    at = Prefix(e, at, ref skip);
                    at = OpenValue(v, at);
                    at += Copy(",\"names\":["u8, at);
                    if (e.Table is CompiledJsonLayout.FlagNames names)
                    {
                        // The set bits in bit order, as FlagTable.NamesOf gives them ("bitN" for unnamed ones).
                        bool first = true;
                        for (ulong m = v; m != 0; m &= m - 1)
                        {
                            if (!first) _chunk[at++] = (byte)',';
                            first = false;
                            at += Copy(names.ByBit[System.Numerics.BitOperations.TrailingZeroCount(m)], at);
                        }
                    }
                    at += Copy("]}"u8, at);
                    break;
                }
                case CompiledJsonLayout.Op.Bits:
                case CompiledJsonLayout.Op.BitsEmbedded:
                {
                    ulong v = CompiledJsonLayout.Read(raw);
                    if (!isValid && IsZero(v, raw)) continue;
                    // The value's own bits (ARM error information) in a layout; a nested structure's sub-fields are all valid (NestedLayout).
                    ulong subValid = e.Op == CompiledJsonLayout.Op.BitsEmbedded && forced < 0 ? v : valid;
                    at = Prefix(e, at, ref skip);
                    at = OpenValue(v, at);
                    foreach (var b in (CompiledJsonLayout.SubField[])e.Table!)
                    {
                        ulong bv = b.Width >= 64 ? v >> b.Bit : (v >> b.Bit) & ((1UL << b.Width) - 1); // BitFieldDef.Extract
                        bool bitValid = b.ValidBit < 0 || (subValid >> b.ValidBit & 1) != 0;
                        if (!bitValid && bv == 0) continue;
                        at += Copy(b.Name, at);
                        if (b.Names is not null) at = NamedValue(bv, b.Names, at);
                        else if (b.Width == 1) at += Copy(bv != 0 ? "true"u8 : "false"u8, at);
                        else if (b.IsBcd && BitFieldDef.TryFromBcd(bv, out ulong d)) at += FormatNumber(d, at);
                        else if (b.IsBcd)
                        {
                            // Not BCD: the raw value as FieldFormat.Hex writes it ("0x" and upper-case digits, at least two per byte).
                            at += Copy("\"0x"u8, at);
                            at += Utf8Digits.WriteHexUpper(bv, Math.Clamp(b.HexSize * 2, 1, 16), _chunk.AsSpan(at));
                            _chunk[at++] = (byte)'"';
                        }
                        else at += FormatNumber(bv, at);
                    }
                    _chunk[at++] = (byte)'}';
                    break;
                }
                case CompiledJsonLayout.Op.Guid:
                {
                    at = Prefix(e, at, ref skip);
                    if (!isValid && FieldFormat.IsZero(raw))
                    {
                        at += Copy("null"u8, at); // text-like fields stay present (null), as JsonRenderer.Field writes them
                        break;
                    }
                    _chunk[at++] = (byte)'"';
                    Utf8Digits.WriteGuid(raw, _chunk.AsSpan(at)); // "D", lower case: EfiGuid.ToText
                    at += 36;
                    _chunk[at++] = (byte)'"';
                    break;
                }
                case CompiledJsonLayout.Op.Hex:
                case CompiledJsonLayout.Op.ReservedHex:
                {
                    if ((!isValid || e.Op == CompiledJsonLayout.Op.ReservedHex) && FieldFormat.IsZero(raw)) continue;
                    at = Prefix(e, at, ref skip);
                    _chunk[at++] = (byte)'"';
                    at += LowerHex(raw, at);
                    _chunk[at++] = (byte)'"';
                    break;
                }
                case CompiledJsonLayout.Op.Timestamp:
                {
                    ulong v = BinaryPrimitives.ReadUInt64LittleEndian(raw);
                    at = Prefix(e, at, ref skip);
                    if (!isValid && v == 0)
                    {
                        at += Copy("null"u8, at); // invalid and zero: the key alone, null
                        break;
                    }
                    at = Timestamp((CompiledJsonLayout.TimestampNames)e.Table!, v, isValid, renderer.PreferBinaryTimestamps, at);
                    break;
                }
                default:
                    // Written by the per-field code (an Ascii field only when its text alone would lose bytes): the
                    // position and comma state go back to the fields, and the room is made again after it.
                    _used = at;
                    _comma = skip == 0;
                    if (e.Op != CompiledJsonLayout.Op.Ascii || !AsciiText(e, raw, isValid)) renderer.WriteField(e.Field, baseOffset + e.Offset, raw, isValid, valid);
                    Room(layout.MaxBytes);
                    at = _used;
                    skip = _comma ? 0 : 1;
                    break;
            }
        }
        _used = at;
        _comma = skip == 0;
    }

    /// <summary>
    /// An Ascii field (a signature, FRU text) as <see cref="JsonRenderer.Field"/> writes it when its text alone keeps every
    /// byte: printable ASCII up to the first NUL, only NULs after it, nothing the encoder escapes; the text is then the
    /// bytes themselves, quoted. False, with nothing written, for any other field (the per-field code writes it, with its
    /// <c>nameRaw</c> hex when the text loses bytes).
    /// </summary>
    private bool AsciiText(in CompiledJsonLayout.Entry e, ReadOnlySpan<byte> raw, bool valid)
    {
        if (raw.Length > 256) return false;
        int n = raw.IndexOf((byte)0);
        if (n < 0) n = raw.Length;
        else if (raw[n..].IndexOfAnyExcept((byte)0) >= 0) return false;
        var text = raw[..n];
        if (n == 0 && !valid)
        {
            int nul = Prefix(e);
            Done(nul + Copy("null"u8, nul)); // invalid and zero: the key alone, null
            return true;
        }
        if (text.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) >= 0 || _check.FindFirstCharacterToEncodeUtf8(text) >= 0) return false;
        int at = Prefix(e);
        _chunk[at++] = (byte)'"';
        at += Copy(text, at);
        _chunk[at++] = (byte)'"';
        Done(at);
        return true;
    }

    /// <summary>
    /// A CPER timestamp (UEFI 2.10 N.2.1.1: seconds, minutes, hours, flags, day, month, year, century; BCD, or binary from
    /// Windows WHEA), after its name: what <see cref="JsonRenderer.Field"/> writes, the date read as
    /// <see cref="CperTimestamp.TryDecode"/> reads it (its parts, from <c>CperTimestamp.TryDecodeParts</c>) and formatted as <c>DateTime</c>'s "s" format plus 'Z', without a
    /// <c>DateTime</c> or a text buffer. Within the entry's room.
    /// </summary>
    private int Timestamp(CompiledJsonLayout.TimestampNames names, ulong v, bool valid, bool preferBinary, int at)
    {
        // CperTimestamp's one check and choice of encoding (binary first for a WHEA record, else BCD, else binary).
        if (valid && new CperTimestamp(v).TryDecodeParts(preferBinary, out int year, out int month, out int day, out int hour, out int minute, out int second, out var encoding))
        {
            ref byte s = ref MemoryMarshal.GetArrayDataReference(_chunk);
            Unsafe.Add(ref s, at) = (byte)'"';
            Two(ref Unsafe.Add(ref s, at + 1), year / 100);
            Two(ref Unsafe.Add(ref s, at + 3), year % 100);
            Unsafe.Add(ref s, at + 5) = (byte)'-';
            Two(ref Unsafe.Add(ref s, at + 6), month);
            Unsafe.Add(ref s, at + 8) = (byte)'-';
            Two(ref Unsafe.Add(ref s, at + 9), day);
            Unsafe.Add(ref s, at + 11) = (byte)'T';
            Two(ref Unsafe.Add(ref s, at + 12), hour);
            Unsafe.Add(ref s, at + 14) = (byte)':';
            Two(ref Unsafe.Add(ref s, at + 15), minute);
            Unsafe.Add(ref s, at + 17) = (byte)':';
            Two(ref Unsafe.Add(ref s, at + 18), second);
            Unsafe.Add(ref s, at + 20) = (byte)'Z';
            Unsafe.Add(ref s, at + 21) = (byte)'"';
            at += 22;
            at += Copy(names.Encoding, at);
            at += Copy(encoding == TimestampEncoding.Binary ? "\"binary\""u8 : "\"bcd\""u8, at);
        }
        else at += Copy("null"u8, at);
        at += Copy(names.Precise, at);
        at += Copy((v >> 24 & 1) != 0 ? "true"u8 : "false"u8, at); // flags byte bit 0: precise
        at += Copy(names.Raw, at);
        at += Copy("\"0x"u8, at);
        at += Utf8Digits.WriteHexUpper(v, 16, _chunk.AsSpan(at)); // "X16", as JsonRenderer.Field formats the raw value
        _chunk[at++] = (byte)'"';
        return at;
    }

    private static void Two(ref byte d, int value)
    {
        d = (byte)('0' + value / 10);
        Unsafe.Add(ref d, 1) = (byte)('0' + value % 10);
    }

    // Zero as FieldFormat.IsZero(raw) says: for 1 to 8 bytes the value read; wider fields (read as their first 8 bytes) by their bytes.
    private static bool IsZero(ulong v, ReadOnlySpan<byte> raw) => raw.Length <= 8 ? v == 0 : FieldFormat.IsZero(raw);

    // Within room already made (by Layout for the whole layout, or by the overload below): [,]"name": at at (skip 1: no
    // comma due; a comma is due after it, so skip becomes 0); where the value goes. The copy is within the window (no
    // bounds check, no call for these short names).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Prefix(in CompiledJsonLayout.Entry e, int at, ref int skip)
    {
        var name = e.Name;
        int n = name.Length - skip;
        CopySmall(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_chunk), at), ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(name), skip), n);
        skip = 0;
        return at + n;
    }

    // Makes room for the entry, writes [,]"name": and returns where the value goes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Prefix(in CompiledJsonLayout.Entry e)
    {
        Room(e.MaxBytes);
        int skip = _comma ? 0 : 1;
        return Prefix(e, _used, ref skip);
    }

    // {"value":N (the object an Enum, Flags or Bits field opens), within the room; where the next byte goes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int OpenValue(ulong v, int at)
    {
        at += Copy("{\"value\":"u8, at);
        return at + FormatNumber(v, at);
    }

    // {"value":N,"name":...} (an Enum field, or a bit field with names), within the room; where the next byte goes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int NamedValue(ulong v, CompiledJsonLayout.ValueNames names, int at)
    {
        at = OpenValue(v, at);
        return at + Copy(names.Of(v), at);
    }

    /// <summary>
    /// Copies <paramref name="length"/> bytes with at most two overlapping loads and stores up to 32 bytes (names and
    /// value texts are mostly 6-30 bytes: a call to the general copy cost more than the copy). The caller has checked both ranges.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopySmall(ref byte destination, ref byte source, int length)
    {
        if (length >= 16)
        {
            if (length <= 32)
            {
                var head = Vector128.LoadUnsafe(ref source);
                var tail = Vector128.LoadUnsafe(ref source, (nuint)(length - 16));
                head.StoreUnsafe(ref destination);
                tail.StoreUnsafe(ref destination, (nuint)(length - 16));
            }
            else Unsafe.CopyBlockUnaligned(ref destination, ref source, (uint)length);
        }
        else if (length >= 8)
        {
            ulong head = Unsafe.ReadUnaligned<ulong>(ref source), tail = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, length - 8));
            Unsafe.WriteUnaligned(ref destination, head);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, length - 8), tail);
        }
        else if (length >= 4)
        {
            uint head = Unsafe.ReadUnaligned<uint>(ref source), tail = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref source, length - 4));
            Unsafe.WriteUnaligned(ref destination, head);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, length - 4), tail);
        }
        else
        {
            for (int i = 0; i < length; i++) Unsafe.Add(ref destination, i) = Unsafe.Add(ref source, i);
        }
    }

    private void Done(int at)
    {
        _used = at;
        _comma = true;
    }

    // Within the room the entry's MaxBytes made (checked once by Prefix): a short copy, no bounds check.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Copy(ReadOnlySpan<byte> bytes, int at)
    {
        if ((uint)(at + bytes.Length) > (uint)_chunk.Length) ThrowPastBuffer(); // an entry's MaxBytes too small: a bug, never a write past the array
        CopySmall(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_chunk), at), ref MemoryMarshal.GetReference(bytes), bytes.Length);
        return bytes.Length;
    }

    // Within the entry's room. Numbers below 1000 (most flags, counts, enumeration values, bit fields) are written here
    // without a call: one digit, or one 16-bit copy of a pair from the table after the hundreds digit; larger ones by
    // Utf8Digits.WriteDecimal (the same digits).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int FormatNumber(ulong v, int at)
    {
        if (v >= 1000) return Utf8Digits.WriteDecimal(v, _chunk.AsSpan(at));
        if ((uint)(at + 3) > (uint)_chunk.Length) ThrowPastBuffer(); // an entry's MaxBytes too small: a bug, never a write past the array
        ref byte d = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_chunk), at);
        if (v < 10)
        {
            d = (byte)('0' + (uint)v);
            return 1;
        }
        if (v < 100)
        {
            Utf8Digits.WritePair(ref d, (uint)v);
            return 2;
        }
        uint hundreds = (uint)v / 100;
        d = (byte)('0' + hundreds);
        Utf8Digits.WritePair(ref Unsafe.Add(ref d, 1), (uint)v - hundreds * 100);
        return 3;
    }

    private int LowerHex(ReadOnlySpan<byte> raw, int at)
    {
        var s = _chunk.AsSpan(at, raw.Length * 2);
        ReadOnlySpan<byte> digits = "0123456789abcdef"u8;
        for (int i = 0; i < raw.Length; i++)
        {
            s[2 * i] = digits[raw[i] >> 4];
            s[2 * i + 1] = digits[raw[i] & 0xF];
        }
        return s.Length;
    }

    // ASCII the encoder leaves as it is goes in unchanged; false (nothing committed) when a character needs escaping.
    private bool TryQuotedAscii(ReadOnlySpan<char> value)
    {
        var s = Free;
        s[0] = (byte)'"';
        Ascii.FromUtf16(value, s[1..], out int n);
        if (_check.FindFirstCharacterToEncodeUtf8(s.Slice(1, n)) >= 0) return false;
        s[n + 1] = (byte)'"';
        _used += n + 2;
        _comma = true;
        return true;
    }
}
