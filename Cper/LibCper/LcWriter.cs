using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
/// the end of any other. The compact form pays one test of a flag per name, separator and container end (indented
/// writing is out of line), and a counter per container (the depth).
/// </para>
/// </remarks>
internal sealed class LcWriter
{
    private static readonly JavaScriptEncoder s_encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private IBufferWriter<byte>? _output;
    private byte[] _buffer = [];
    private int _start, _pos, _end; // _buffer[_start.._pos] written, not yet committed; room up to _end
    private byte[]? _scratch; // the output's memory is not an array: written here, copied on Flush
    private bool _comma;
    private bool _indented;
    private bool _afterName; // indented: a property name was written alone (WritePropertyName), its value follows on the line
    private int _depth; // containers open (used by the indented form)
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
        _comma = false;
        _indented = indented;
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
    public bool Indented => _indented;

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Room(int bytes)
    {
        if (_end - _pos < bytes) Grow(bytes);
        return _buffer.AsSpan(_pos, bytes);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int bytes)
    {
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

    /// <summary>',' if needed, then <c>"name":</c>; <paramref name="extra"/> more bytes of room are made for the value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Name(JsonEncodedText name, int extra)
    {
        if (_indented)
        {
            IndentedName(name, extra);
            return;
        }
        ReadOnlySpan<byte> n = name.EncodedUtf8Bytes;
        var d = Room(n.Length + 4 + extra);
        int i = 0;
        if (_comma) d[i++] = (byte)',';
        d[i] = (byte)'"';
        CopySmall(n, d[(i + 1)..]);
        i += n.Length + 1;
        d[i] = (byte)'"';
        d[i + 1] = (byte)':';
        _pos += i + 2;
        _comma = true;
    }

    /// <summary>
    /// Copies <paramref name="source"/> (a name: a few to a few dozen bytes) into <paramref name="destination"/> with at most
    /// two overlapping loads and stores, inside the source's length (a <c>CopyTo</c> of a few bytes was the profile's memmove).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopySmall(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int n = source.Length;
        if ((uint)n > (uint)destination.Length) throw new ArgumentException("destination too small", nameof(destination));
        ref byte s = ref MemoryMarshal.GetReference(source);
        ref byte d = ref MemoryMarshal.GetReference(destination);
        if (n >= 16)
        {
            if (n > 32)
            {
                source.CopyTo(destination);
                return;
            }
            Unsafe.WriteUnaligned(ref d, Unsafe.ReadUnaligned<System.Runtime.Intrinsics.Vector128<byte>>(ref s));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, n - 16), Unsafe.ReadUnaligned<System.Runtime.Intrinsics.Vector128<byte>>(ref Unsafe.Add(ref s, n - 16)));
        }
        else if (n >= 8)
        {
            Unsafe.WriteUnaligned(ref d, Unsafe.ReadUnaligned<ulong>(ref s));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, n - 8), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref s, n - 8)));
        }
        else if (n >= 4)
        {
            Unsafe.WriteUnaligned(ref d, Unsafe.ReadUnaligned<uint>(ref s));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, n - 4), Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref s, n - 4)));
        }
        else
        {
            for (int i = 0; i < n; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Separator(int extra)
    {
        if (_indented)
        {
            IndentedSeparator(extra);
            return;
        }
        var d = Room(1 + extra);
        if (_comma) d[0] = (byte)',';
        if (_comma) _pos++;
        _comma = true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Byte(byte b)
    {
        Room(1)[0] = b;
        _pos++;
    }

    public void WriteStartObject()
    {
        Separator(1);
        _buffer[_pos++] = (byte)'{';
        _comma = false;
        _depth++;
    }

    public void WriteStartObject(JsonEncodedText name)
    {
        Name(name, 1);
        _buffer[_pos++] = (byte)'{';
        _comma = false;
        _depth++;
    }

    public void WriteEndObject()
    {
        _depth--;
        if (_indented) IndentedEnd();
        Byte((byte)'}');
        _comma = true;
    }

    public void WriteStartArray()
    {
        Separator(1);
        _buffer[_pos++] = (byte)'[';
        _comma = false;
        _depth++;
    }

    public void WriteStartArray(JsonEncodedText name)
    {
        Name(name, 1);
        _buffer[_pos++] = (byte)'[';
        _comma = false;
        _depth++;
    }

    public void WriteEndArray()
    {
        _depth--;
        if (_indented) IndentedEnd();
        Byte((byte)']');
        _comma = true;
    }

    public void WritePropertyName(JsonEncodedText name)
    {
        Name(name, 0);
        _comma = false;
        _afterName = _indented;
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

    /// <summary>Indented: ',' if needed, a line break and the container's indentation, <c>"name": </c>; room for <paramref name="extra"/> more bytes.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void IndentedName(JsonEncodedText name, int extra)
    {
        ReadOnlySpan<byte> n = name.EncodedUtf8Bytes;
        int indent = _depth * 2;
        var d = Room(1 + s_newLineLength + indent + n.Length + 4 + extra);
        int i = 0;
        if (_comma) d[i++] = (byte)',';
        i += NewLine(d[i..], indent);
        d[i++] = (byte)'"';
        n.CopyTo(d[i..]);
        i += n.Length;
        d[i++] = (byte)'"';
        d[i++] = (byte)':';
        d[i++] = (byte)' ';
        _pos += i;
        _comma = true;
    }

    /// <summary>Indented, before a value: nothing after its name or at the root, else ',' if needed, a line break and the indentation.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void IndentedSeparator(int extra)
    {
        if (_afterName || (!_comma && _depth == 0))
        {
            _afterName = false;
            Room(extra);
            _comma = true;
            return;
        }
        int indent = _depth * 2;
        var d = Room(1 + s_newLineLength + indent + extra);
        int i = 0;
        if (_comma) d[i++] = (byte)',';
        i += NewLine(d[i..], indent);
        _pos += i;
        _comma = true;
    }

    /// <summary>Indented, before a container's end (<see cref="_depth"/> is the parent's): a line break and the parent's indentation unless the container is empty.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void IndentedEnd()
    {
        if (!_comma) return; // nothing since the start: "{}", "[]"
        int indent = _depth * 2;
        _pos += NewLine(Room(s_newLineLength + indent), indent);
    }

    public void WriteNumber(JsonEncodedText name, long value)
    {
        Name(name, 20);
        _pos += Utf8Digits.WriteDecimal(value, _buffer.AsSpan(_pos, 20));
    }

    public void WriteNumber(JsonEncodedText name, ulong value)
    {
        Name(name, 20);
        _pos += Utf8Digits.WriteDecimal(value, _buffer.AsSpan(_pos, 20));
    }

    public void WriteNumberValue(ulong value)
    {
        Separator(20);
        _pos += Utf8Digits.WriteDecimal(value, _buffer.AsSpan(_pos, 20));
    }

    public void WriteBoolean(JsonEncodedText name, bool value)
    {
        Name(name, 5);
        var d = _buffer.AsSpan(_pos, 5);
        if (value)
        {
            "true"u8.CopyTo(d);
            _pos += 4;
        }
        else
        {
            "false"u8.CopyTo(d);
            _pos += 5;
        }
    }

    public void WriteNullValue()
    {
        Separator(4);
        "null"u8.CopyTo(_buffer.AsSpan(_pos));
        _pos += 4;
    }

    /// <summary>A value encoded once (written as it is: <see cref="JsonEncodedText"/> holds the escaped text).</summary>
    public void WriteString(JsonEncodedText name, JsonEncodedText value)
    {
        ReadOnlySpan<byte> v = value.EncodedUtf8Bytes;
        Name(name, v.Length + 2);
        Quoted(v);
    }

    public void WriteString(JsonEncodedText name, string? value)
    {
        if (value is null)
        {
            Name(name, 4);
            "null"u8.CopyTo(_buffer.AsSpan(_pos));
            _pos += 4;
            return;
        }
        WriteString(name, value.AsSpan());
    }

    public void WriteString(JsonEncodedText name, ReadOnlySpan<char> value)
    {
        Name(name, 0);
        StringValue(value);
    }

    public void WriteStringValue(ReadOnlySpan<char> value)
    {
        Separator(0);
        StringValue(value);
    }

    /// <summary>A UTF-8 value (escaped as the relaxed encoder escapes it).</summary>
    public void WriteString(JsonEncodedText name, ReadOnlySpan<byte> utf8)
    {
        Name(name, 0);
        StringValue(utf8);
    }

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
        Name(name, encoded.Length);
        CopySmall(encoded, _buffer.AsSpan(_pos, encoded.Length));
        _pos += encoded.Length;
    }

    /// <summary>Text this library made of ASCII that never needs escaping (hex digits, "0x", digits, '-', ':', '+', 'T'): copied quoted.</summary>
    public void WriteAscii(JsonEncodedText name, ReadOnlySpan<byte> ascii)
    {
        Name(name, ascii.Length + 2);
        Quoted(ascii);
    }

    /// <summary>A GUID as <see cref="Utf8JsonWriter.WriteString(JsonEncodedText, Guid)"/> writes it: "D", lower case, from its 16 EFI_GUID bytes (UEFI 2.10 appendix A).</summary>
    public void WriteGuid(JsonEncodedText name, ReadOnlySpan<byte> raw)
    {
        Name(name, EfiGuid.Utf8Length + 2);
        var d = _buffer.AsSpan(_pos, EfiGuid.Utf8Length + 2);
        d[0] = (byte)'"';
        EfiGuid.WriteUtf8(raw, d[1..]);
        d[EfiGuid.Utf8Length + 1] = (byte)'"';
        _pos += EfiGuid.Utf8Length + 2;
    }

    /// <summary>libcper's <c>0x%0*llX</c>: "0x" and upper-case hex digits, at least <paramref name="digits"/> of them (0: as many as the value needs).</summary>
    public void WriteHex(JsonEncodedText name, ulong value, int digits)
    {
        int n = Math.Max(Math.Max(1, (64 - System.Numerics.BitOperations.LeadingZeroCount(value) + 3) / 4), digits);
        Name(name, n + 4);
        var d = _buffer.AsSpan(_pos, n + 4);
        d[0] = (byte)'"';
        d[1] = (byte)'0';
        d[2] = (byte)'x';
        Utf8Digits.WriteHexUpper(value, digits, d.Slice(3, n));
        d[n + 3] = (byte)'"';
        _pos += n + 4;
    }

    /// <summary>Base64 with padding, as <see cref="Utf8JsonWriter.WriteBase64String(JsonEncodedText, ReadOnlySpan{byte})"/> writes it (no escaping: base64 never needs it).</summary>
    public void WriteBase64String(JsonEncodedText name, ReadOnlySpan<byte> bytes)
    {
        int length = Base64.GetMaxEncodedToUtf8Length(bytes.Length);
        Name(name, length + 2);
        var d = _buffer.AsSpan(_pos, length + 2);
        d[0] = (byte)'"';
        Base64.EncodeToUtf8(bytes, d[1..], out _, out int written);
        d[written + 1] = (byte)'"';
        _pos += written + 2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Quoted(ReadOnlySpan<byte> text)
    {
        var d = _buffer.AsSpan(_pos, text.Length + 2);
        d[0] = (byte)'"';
        CopySmall(text, d[1..]);
        d[^1] = (byte)'"';
        _pos += text.Length + 2;
    }

    /// <summary>Printable ASCII other than '"' and '\': what the relaxed encoder (and so <see cref="Utf8JsonWriter"/>) leaves alone in every encoder.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Plain(uint c) => c - 0x20 < 0x5F && c != '"' && c != '\\';

    private void StringValue(ReadOnlySpan<byte> utf8)
    {
        int i = 0;
        while (i < utf8.Length && Plain(utf8[i])) i++;
        if (i == utf8.Length)
        {
            Room(utf8.Length + 2);
            Quoted(utf8);
            return;
        }
        Escaped(utf8, i);
    }

    private void StringValue(ReadOnlySpan<char> text)
    {
        // One pass: narrowed into the room while checked; the bytes count only if every character is plain.
        var d = Room(text.Length + 2);
        int i = 0;
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (!Plain(c)) break;
            d[i + 1] = (byte)c;
        }
        if (i == text.Length)
        {
            d[0] = (byte)'"';
            d[text.Length + 1] = (byte)'"';
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
            var e = Room(i + written * 3 + 2);
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
        var d = Room(most);
        d[0] = (byte)'"';
        utf8[..first].CopyTo(d[1..]);
        var status = s_encoder.EncodeUtf8(utf8[first..], d[(first + 1)..], out _, out int written, isFinalBlock: true);
        if (status != OperationStatus.Done) throw new ArgumentException("The text cannot be written as JSON (invalid UTF-8).", nameof(utf8));
        d[first + 1 + written] = (byte)'"';
        _pos += first + written + 2;
    }
}
