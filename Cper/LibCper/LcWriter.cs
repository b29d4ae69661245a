// [lc-audit E] the dialect's compact JSON writer, shared by every section
using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// The compact JSON writer of the libcper dialect (issue #15): the bytes a <see cref="Utf8JsonWriter"/> with
/// <c>Indented = false</c> and <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> writes for the same calls, written
/// straight into the output's own memory (<see cref="IBufferWriter{T}.GetMemory"/> once, <c>Advance</c> on
/// <see cref="Flush"/>), without the writer's per-call state checks. Names are <see cref="JsonEncodedText"/>s encoded once
/// (libcper's names are plain ASCII: every encoder writes them the same way); numbers come from the digit tables
/// (<c>Utf8Digits</c>, the bytes <c>Utf8Formatter</c> writes); strings that are plain printable ASCII are copied, any
/// other goes through the relaxed encoder (<see cref="System.Text.Encodings.Web.TextEncoder.EncodeUtf8"/>, or
/// <see cref="System.Text.Encodings.Web.TextEncoder.Encode(ReadOnlySpan{char}, Span{char}, out int, out int, bool)"/> for
/// UTF-16 text) from the first character it may escape, which is what <see cref="Utf8JsonWriter"/> does with an encoder (LcWriterTests hold it to the writer on every
/// byte and character and on invalid UTF-8).
/// </summary>
/// <remarks>
/// Commas need one bit, not a stack: a comma comes before a member or element unless it is the first of its container,
/// and once a container ends its parent has at least that member. There is no validation: the dialect's walks write
/// well-formed JSON (tests parse every rendering).
/// <para>
/// Indented (<see cref="Reset(IBufferWriter{byte}, bool)"/>): the bytes of a <see cref="Utf8JsonWriter"/> with
/// <c>Indented = true</c> and its default indentation (two spaces a level, <see cref="Environment.NewLine"/>): a line
/// break and the indentation before every member and array element but a root value and a value after its name,
/// <c>"name": value</c>, an empty container as <c>{}</c> or <c>[]</c>, a line break and the parent's indentation before
/// the end of any other. The form is a bit of the separator state (<see cref="_state"/>) that every name, value and
/// container end reads anyway for its comma: the compact methods make one comparison of that state (above 1: indented,
/// out of line), write the comma without a branch (a ',' always stored, the position advanced by the state's comma bit)
/// and keep no depth; the indented methods keep the depth. Writes go through references into the room made once per
/// call (<see cref="Room"/>), without a bounds check per byte.
/// </para>
/// </remarks>
internal sealed class LcWriter
{
    private static readonly JavaScriptEncoder s_encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private IBufferWriter<byte>? _output;
    private byte[] _buffer = [];
    private int _start, _pos, _end; // _buffer[_start.._pos] written, not yet committed; room up to _end (never past _buffer's end)
    private byte[]? _scratch; // the output's memory is not an array: written here, copied on Flush

    // The separator state: bit 0 (Comma), the next member or element is not the first of its container; bit 1 (Indent),
    // the indented form. Compact, the state is 0 or 1: the number of bytes a separator takes.
    private int _state;
    private const int Comma = 1, Indent = 2;
    private bool _afterName; // indented: a property name was written alone (WritePropertyName), its value follows on the line
    private int _depth; // containers open (kept by the indented form only)
    private readonly ArrayBufferWriter<byte> _own = new(4096); // for callers that want the bytes (the Utf8JsonWriter overloads)

    /// <summary>Scratch for the record writer: the family of each of a record's first descriptors (one lookup per section).</summary>
    public Span<LibCperSection?> Families => _families;
    private readonly LibCperSection?[] _families = new LibCperSection?[8];

    /// <summary>Starts writing into <paramref name="output"/> (nothing is taken from it until the first write), compact or <paramref name="indented"/>.</summary>
    public void Reset(IBufferWriter<byte> output, bool indented = false)
    {
        _output = output;
        _buffer = [];
        _start = _pos = _end = 0;
        _state = indented ? Indent : 0;
        _afterName = false;
        _depth = 0;
    }

    /// <summary>Starts writing into this writer's own buffer; <see cref="Written"/> holds the bytes after <see cref="Flush"/>.</summary>
    public void ResetOwn(bool indented = false)
    {
        _own.ResetWrittenCount();
        Reset(_own, indented);
    }

    /// <summary>Whether this writer writes indented JSON (<see cref="Reset(IBufferWriter{byte}, bool)"/>).</summary>
    public bool Indented => _state > Comma;

    /// <summary>What was written into the writer's own buffer (<see cref="ResetOwn"/>), once flushed.</summary>
    public ReadOnlySpan<byte> Written => _own.WrittenSpan;

    /// <summary>Commits what was written to the output.</summary>
    public void Flush()
    {
        int n = _pos - _start;
        if (n > 0)
        {
            if (_scratch is not null && ReferenceEquals(_buffer, _scratch)) _buffer.AsSpan(_start, n).CopyTo(_output!.GetSpan(n));
            _output!.Advance(n);
        }
        _buffer = [];
        _start = _pos = _end = 0;
    }

    /// <summary>
    /// Makes room for <paramref name="bytes"/> bytes at the position; a reference to the position. A negative count (a
    /// length that overflowed) is refused by <see cref="Grow"/>: nothing is written past the room.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref byte Room(int bytes)
    {
        if ((uint)(_end - _pos) < (uint)bytes) Grow(bytes);
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), _pos);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Flush();
        var output = _output ?? throw new InvalidOperationException("LcWriter.Reset first");
        var memory = output.GetMemory(Math.Max(bytes, 4096));
        if (MemoryMarshal.TryGetArray<byte>(memory, out var segment) && segment.Count >= bytes)
        {
            _buffer = segment.Array!;
            _start = _pos = segment.Offset;
            _end = segment.Offset + segment.Count;
            return;
        }
        if (_scratch is null || _scratch.Length < bytes) _scratch = new byte[Math.Max(bytes, 4096)];
        _buffer = _scratch;
        _start = _pos = 0;
        _end = Math.Min(_scratch.Length, Math.Max(memory.Length, bytes));
    }

    /// <summary>
    /// ',' if needed, then <c>"name":</c>, with room for <paramref name="extra"/> more bytes; a reference to where the value
    /// goes (the position). <paramref name="open"/>: the value is a container's start (its first member takes no comma).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref byte Name(JsonEncodedText name, int extra, bool open)
    {
        ReadOnlySpan<byte> n = name.EncodedUtf8Bytes;
        int s = _state;
        if (s > Comma) return ref IndentedName(n, extra, open);
        int length = n.Length;
        ref byte d = ref Room(length + 4 + extra);
        d = (byte)',';
        d = ref Unsafe.Add(ref d, s); // past the comma when there is one
        d = (byte)'"';
        Copy(ref MemoryMarshal.GetReference(n), ref Unsafe.Add(ref d, 1), length);
        Unsafe.Add(ref d, length + 1) = (byte)'"';
        Unsafe.Add(ref d, length + 2) = (byte)':';
        _pos += s + length + 3;
        _state = open ? 0 : Comma;
        return ref Unsafe.Add(ref d, length + 3);
    }

    /// <summary>',' if needed before a value with no name, with room for <paramref name="extra"/> more bytes; a reference to the position.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref byte Separator(int extra, bool open)
    {
        int s = _state;
        if (s > Comma) return ref IndentedSeparator(extra, open);
        ref byte d = ref Room(1 + extra);
        d = (byte)',';
        _pos += s;
        _state = open ? 0 : Comma;
        return ref Unsafe.Add(ref d, s);
    }

    /// <summary>A container's end, <paramref name="end"/> ('}' or ']').</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void End(byte end)
    {
        if (_state > Comma)
        {
            IndentedEnd(end);
            return;
        }
        Room(1) = end;
        _pos++;
        _state = Comma;
    }

    /// <summary>
    /// Copies <paramref name="length"/> bytes (a name: a few to a few dozen bytes; a pre-encoded value: up to a few hundred)
    /// with overlapping 4-, 8- or 16-byte loads and stores inside the length (a <c>CopyTo</c> of a few bytes was the
    /// profile's memmove). The caller made the room.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(ref byte s, ref byte d, int length)
    {
        if (length >= 16)
        {
            if (length > 32)
            {
                CopyLong(ref s, ref d, length);
                return;
            }
            Unsafe.WriteUnaligned(ref d, Unsafe.ReadUnaligned<Vector128<byte>>(ref s));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, length - 16), Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref s, length - 16)));
        }
        else if (length >= 8)
        {
            Unsafe.WriteUnaligned(ref d, Unsafe.ReadUnaligned<ulong>(ref s));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, length - 8), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref s, length - 8)));
        }
        else if (length >= 4)
        {
            Unsafe.WriteUnaligned(ref d, Unsafe.ReadUnaligned<uint>(ref s));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, length - 4), Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref s, length - 4)));
        }
        else
        {
            for (int i = 0; i < length; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i);
        }
    }

    /// <summary>More than 32 bytes: 16 at a time and the last 16 overlapping, or <c>memmove</c> from 512 on.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CopyLong(ref byte s, ref byte d, int length)
    {
        if (length >= 512)
        {
            Unsafe.CopyBlockUnaligned(ref d, ref s, (uint)length);
            return;
        }
        for (int i = 0; i < length - 16; i += 16)
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, i), Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref s, i)));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, length - 16), Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref s, length - 16)));
    }

    public void WriteStartObject()
    {
        Separator(1, open: true) = (byte)'{';
        _pos++;
    }

    public void WriteStartObject(JsonEncodedText name)
    {
        Name(name, 1, open: true) = (byte)'{';
        _pos++;
    }

    public void WriteEndObject() => End((byte)'}');

    public void WriteStartArray()
    {
        Separator(1, open: true) = (byte)'[';
        _pos++;
    }

    public void WriteStartArray(JsonEncodedText name)
    {
        Name(name, 1, open: true) = (byte)'[';
        _pos++;
    }

    public void WriteEndArray() => End((byte)']');

    public void WritePropertyName(JsonEncodedText name)
    {
        if (_state > Comma)
        {
            IndentedName(name.EncodedUtf8Bytes, 0, open: false);
            _state = Indent; // the value that follows takes no comma and stays on the line
            _afterName = true;
            return;
        }
        Name(name, 0, open: true);
    }

    // The indented form (Utf8JsonWriter with Indented = true): line breaks and indentation, out of line so the compact
    // methods stay small. s_lines is a line break and the most indentation written from the table; deeper levels are filled.
    private static readonly byte[] s_lines = [.. System.Text.Encoding.UTF8.GetBytes(Environment.NewLine), .. Enumerable.Repeat((byte)' ', 64)];
    private static readonly int s_newLineLength = s_lines.Length - 64;

    /// <summary>The line break and <paramref name="indent"/> spaces into <paramref name="d"/>; the bytes written.</summary>
    private static int NewLine(Span<byte> d, int indent)
    {
        int n = s_newLineLength + indent;
        if (n <= s_lines.Length) s_lines.AsSpan(0, n).CopyTo(d);
        else
        {
            s_lines.AsSpan(0, s_newLineLength).CopyTo(d);
            d.Slice(s_newLineLength, indent).Fill((byte)' ');
        }
        return n;
    }

    /// <summary>Indented: ',' if needed, a line break and the container's indentation, <c>"name": </c>; room for <paramref name="extra"/> more bytes; the position.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ref byte IndentedName(ReadOnlySpan<byte> n, int extra, bool open)
    {
        int indent = _depth * 2;
        int most = 1 + s_newLineLength + indent + n.Length + 4;
        var d = MemoryMarshal.CreateSpan(ref Room(most + extra), most);
        int i = 0;
        if ((_state & Comma) != 0) d[i++] = (byte)',';
        i += NewLine(d[i..], indent);
        d[i++] = (byte)'"';
        n.CopyTo(d[i..]);
        i += n.Length;
        d[i++] = (byte)'"';
        d[i++] = (byte)':';
        d[i++] = (byte)' ';
        _pos += i;
        Opened(open);
        return ref Unsafe.Add(ref MemoryMarshal.GetReference(d), i);
    }

    /// <summary>Indented, before a value: nothing after its name or at the root, else ',' if needed, a line break and the indentation; the position.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ref byte IndentedSeparator(int extra, bool open)
    {
        if (_afterName || (_state == Indent && _depth == 0))
        {
            _afterName = false;
            Opened(open);
            return ref Room(extra);
        }
        int indent = _depth * 2;
        int most = 1 + s_newLineLength + indent;
        var d = MemoryMarshal.CreateSpan(ref Room(most + extra), most);
        int i = 0;
        if ((_state & Comma) != 0) d[i++] = (byte)',';
        i += NewLine(d[i..], indent);
        _pos += i;
        Opened(open);
        return ref Unsafe.Add(ref MemoryMarshal.GetReference(d), i);
    }

    /// <summary>Indented, after a separator: a container begun (one level deeper, its first member takes no comma) or a value written.</summary>
    private void Opened(bool open)
    {
        if (open)
        {
            _state = Indent;
            _depth++;
        }
        else _state = Indent | Comma;
    }

    /// <summary>Indented, a container's end: a line break and the parent's indentation unless the container is empty, then <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void IndentedEnd(byte end)
    {
        _depth--;
        int indent = _depth * 2;
        int most = s_newLineLength + indent + 1;
        var d = MemoryMarshal.CreateSpan(ref Room(most), most);
        int i = 0;
        if ((_state & Comma) != 0) i = NewLine(d, indent); // nothing since the start: "{}", "[]"
        d[i] = end;
        _pos += i + 1;
        _state = Indent | Comma;
    }

    public void WriteNumber(JsonEncodedText name, long value)
    {
        ref byte d = ref Name(name, 20, open: false);
        if ((ulong)value < 10)
        {
            d = (byte)('0' + value);
            _pos++;
            return;
        }
        _pos += Utf8Digits.WriteDecimal(value, MemoryMarshal.CreateSpan(ref d, 20));
    }

    public void WriteNumber(JsonEncodedText name, ulong value) => Decimal(ref Name(name, 20, open: false), value);

    public void WriteNumberValue(ulong value) => Decimal(ref Separator(20, open: false), value);

    /// <summary><paramref name="value"/> in decimal at <paramref name="d"/> (room made for 20 bytes); a single digit without the call (revisions, counts, most codes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Decimal(ref byte d, ulong value)
    {
        if (value < 10)
        {
            d = (byte)('0' + value);
            _pos++;
            return;
        }
        _pos += Utf8Digits.WriteDecimal(value, MemoryMarshal.CreateSpan(ref d, 20));
    }

    public void WriteBoolean(JsonEncodedText name, bool value)
    {
        ref byte d = ref Name(name, 5, open: false);
        if (value)
        {
            d = (byte)'t';
            Unsafe.Add(ref d, 1) = (byte)'r';
            Unsafe.Add(ref d, 2) = (byte)'u';
            Unsafe.Add(ref d, 3) = (byte)'e';
            _pos += 4;
        }
        else
        {
            d = (byte)'f';
            Unsafe.Add(ref d, 1) = (byte)'a';
            Unsafe.Add(ref d, 2) = (byte)'l';
            Unsafe.Add(ref d, 3) = (byte)'s';
            Unsafe.Add(ref d, 4) = (byte)'e';
            _pos += 5;
        }
    }

    public void WriteNullValue() => Null(ref Separator(4, open: false));

    /// <summary><c>null</c> at <paramref name="d"/> (room made).</summary>
    private void Null(ref byte d)
    {
        d = (byte)'n';
        Unsafe.Add(ref d, 1) = (byte)'u';
        Unsafe.Add(ref d, 2) = (byte)'l';
        Unsafe.Add(ref d, 3) = (byte)'l';
        _pos += 4;
    }

    /// <summary>A value encoded once (written as it is: <see cref="JsonEncodedText"/> holds the escaped text).</summary>
    public void WriteString(JsonEncodedText name, JsonEncodedText value)
    {
        ReadOnlySpan<byte> v = value.EncodedUtf8Bytes;
        Quoted(ref Name(name, v.Length + 2, open: false), v);
    }

    public void WriteString(JsonEncodedText name, string? value)
    {
        if (value is null)
        {
            Null(ref Name(name, 4, open: false));
            return;
        }
        WriteString(name, value.AsSpan());
    }

    public void WriteString(JsonEncodedText name, ReadOnlySpan<char> value) => StringValue(ref Name(name, value.Length + 2, open: false), value);

    public void WriteStringValue(ReadOnlySpan<char> value) => StringValue(ref Separator(value.Length + 2, open: false), value);

    /// <summary>A UTF-8 value (escaped as the relaxed encoder escapes it).</summary>
    public void WriteString(JsonEncodedText name, ReadOnlySpan<byte> utf8) => StringValue(ref Name(name, utf8.Length + 2, open: false), utf8);

    /// <summary>
    /// <paramref name="text"/> as this writer writes it as a string value: quoted, escaped, UTF-8 (<see cref="WriteEncoded"/>
    /// copies it). For the texts of fixed tables (libcper's value names, section and notification type names), encoded once.
    /// </summary>
    public static byte[] Encode(string text)
    {
        var w = new LcWriter();
        w.ResetOwn();
        w.WriteStringValue(text);
        w.Flush();
        return w.Written.ToArray();
    }

    /// <summary>A value from <see cref="Encode"/> (quoted and escaped already): copied. In the indented form only a string (a compact object would not be indented).</summary>
    public void WriteEncoded(JsonEncodedText name, byte[] encoded)
    {
        Copy(ref MemoryMarshal.GetArrayDataReference(encoded), ref Name(name, encoded.Length, open: false), encoded.Length);
        _pos += encoded.Length;
    }

    /// <summary>Text this library made of ASCII that never needs escaping (hex digits, "0x", digits, '-', ':', '+', 'T'): copied quoted.</summary>
    public void WriteAscii(JsonEncodedText name, ReadOnlySpan<byte> ascii) => Quoted(ref Name(name, ascii.Length + 2, open: false), ascii);

    /// <summary>A GUID as <see cref="Utf8JsonWriter.WriteString(JsonEncodedText, Guid)"/> writes it: "D", lower case, from its 16 EFI_GUID bytes (UEFI 2.10 appendix A).</summary>
    public void WriteGuid(JsonEncodedText name, ReadOnlySpan<byte> raw)
    {
        ref byte d = ref Name(name, EfiGuid.Utf8Length + 2, open: false);
        d = (byte)'"';
        EfiGuid.WriteUtf8(raw, MemoryMarshal.CreateSpan(ref Unsafe.Add(ref d, 1), EfiGuid.Utf8Length));
        Unsafe.Add(ref d, EfiGuid.Utf8Length + 1) = (byte)'"';
        _pos += EfiGuid.Utf8Length + 2;
    }

    /// <summary>libcper's <c>0x%0*llX</c>: "0x" and upper-case hex digits, at least <paramref name="digits"/> of them (0: as many as the value needs).</summary>
    public void WriteHex(JsonEncodedText name, ulong value, int digits)
    {
        int n = Math.Max(Math.Max(1, (64 - System.Numerics.BitOperations.LeadingZeroCount(value) + 3) / 4), digits);
        ref byte d = ref Name(name, n + 4, open: false);
        d = (byte)'"';
        Unsafe.Add(ref d, 1) = (byte)'0';
        Unsafe.Add(ref d, 2) = (byte)'x';
        Utf8Digits.WriteHexUpper(value, digits, MemoryMarshal.CreateSpan(ref Unsafe.Add(ref d, 3), n));
        Unsafe.Add(ref d, n + 3) = (byte)'"';
        _pos += n + 4;
    }

    /// <summary>Base64 with padding, as <see cref="Utf8JsonWriter.WriteBase64String(JsonEncodedText, ReadOnlySpan{byte})"/> writes it (no escaping: base64 never needs it).</summary>
    public void WriteBase64String(JsonEncodedText name, ReadOnlySpan<byte> bytes)
    {
        int length = Base64.GetMaxEncodedToUtf8Length(bytes.Length);
        var d = MemoryMarshal.CreateSpan(ref Name(name, length + 2, open: false), length + 2);
        d[0] = (byte)'"';
        Base64.EncodeToUtf8(bytes, d[1..], out _, out int written);
        d[written + 1] = (byte)'"';
        _pos += written + 2;
    }

    /// <summary><paramref name="text"/> quoted at <paramref name="d"/> (room made for its length and the quotes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Quoted(ref byte d, ReadOnlySpan<byte> text)
    {
        int length = text.Length;
        d = (byte)'"';
        Copy(ref MemoryMarshal.GetReference(text), ref Unsafe.Add(ref d, 1), length);
        Unsafe.Add(ref d, length + 1) = (byte)'"';
        _pos += length + 2;
    }

    /// <summary>Printable ASCII other than '"' and '\': what the relaxed encoder (and so <see cref="Utf8JsonWriter"/>) leaves alone in every encoder.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Plain(uint c) => c - 0x20 < 0x5F && c != '"' && c != '\\';

    /// <summary>A UTF-8 string value at <paramref name="d"/>, the position (room made for its length and the quotes).</summary>
    private void StringValue(ref byte d, ReadOnlySpan<byte> utf8)
    {
        int i = 0;
        while (i < utf8.Length && Plain(utf8[i])) i++;
        if (i == utf8.Length)
        {
            Quoted(ref d, utf8);
            return;
        }
        Escaped(utf8, i);
    }

    /// <summary>A UTF-16 string value at <paramref name="d"/>, the position (room made for its length and the quotes).</summary>
    private void StringValue(ref byte d, ReadOnlySpan<char> text)
    {
        // One pass: narrowed into the room while checked; the bytes count only if every character is plain.
        int i = 0;
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (!Plain(c)) break;
            Unsafe.Add(ref d, i + 1) = (byte)c;
        }
        if (i == text.Length)
        {
            d = (byte)'"';
            Unsafe.Add(ref d, text.Length + 1) = (byte)'"';
            _pos += text.Length + 2;
            return;
        }
        // Anything else: the relaxed encoder's UTF-16 path from the first character it may escape (a lone surrogate becomes
        // an escaped U+FFFD there, unlike a U+FFFD in UTF-8), then to UTF-8, as Utf8JsonWriter does with an encoder.
        int most = checked((text.Length - i) * 6);
        char[]? rented = null;
        Span<char> escaped = most <= 512 ? stackalloc char[512] : (rented = ArrayPool<char>.Shared.Rent(most));
        try
        {
            var status = s_encoder.Encode(text[i..], escaped, out _, out int written, isFinalBlock: true);
            if (status != OperationStatus.Done) throw new ArgumentException("The text cannot be written as JSON.", nameof(text));
            int room = checked(i + written * 3 + 2);
            var e = MemoryMarshal.CreateSpan(ref Room(room), room);
            e[0] = (byte)'"';
            for (int k = 0; k < i; k++) e[k + 1] = (byte)text[k];
            int n = System.Text.Encoding.UTF8.GetBytes(escaped[..written], e[(i + 1)..]);
            e[i + n + 1] = (byte)'"';
            _pos += i + n + 2;
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>The value quoted, bytes from <paramref name="first"/> on through the relaxed encoder (at most 6 bytes for each byte in).</summary>
    private void Escaped(ReadOnlySpan<byte> utf8, int first)
    {
        int most = checked(utf8.Length * 6 + 2);
        var d = MemoryMarshal.CreateSpan(ref Room(most), most);
        d[0] = (byte)'"';
        utf8[..first].CopyTo(d[1..]);
        var status = s_encoder.EncodeUtf8(utf8[first..], d[(first + 1)..], out _, out int written, isFinalBlock: true);
        if (status != OperationStatus.Done) throw new ArgumentException("The text cannot be written as JSON (invalid UTF-8).", nameof(utf8));
        d[first + 1 + written] = (byte)'"';
        _pos += first + written + 2;
    }
}
