// [lc-audit E] the family base class and the shared helpers (JSON getters, text, digits, error status)
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApeiKit.Cper.Json;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// One section family in libcper's JSON ("CPER-IR", openbmc/libcper): how a section body becomes libcper's JSON
/// object and back. Field names, value encodings and validation-bit rules follow libcper's section parsers
/// (<c>sections/cper-section-*.c</c>); where libcper departs from UEFI 2.10 appendix N the departure is listed
/// in <c>docs/libcper-compat.md</c> and happens only here, never in ApeiKit's own renderings.
/// </summary>
internal abstract class LibCperSection
{
    /// <summary>The section type GUID.</summary>
    public abstract Guid SectionType { get; }
    /// <summary>libcper's readable name (descriptor <c>sectionType.type</c>).</summary>
    public abstract string ReadableName { get; }
    /// <summary><see cref="ReadableName"/> quoted and escaped once (<see cref="LcWriter.Encode"/>): the family found for a descriptor carries its name.</summary>
    public byte[] EncodedReadableName => _encodedReadableName ??= LcWriter.Encode(ReadableName); // a race writes the same bytes twice
    private byte[]? _encodedReadableName;
    /// <summary>libcper's key for the section object (e.g. <c>Memory</c>).</summary>
    public abstract string ShortName { get; }

    /// <summary>
    /// Writes the section object (<c>{"message": …, ShortName: {…}}</c>) as libcper renders it, or writes nothing and returns
    /// false when libcper would fail (then the body is shown as <c>Unknown</c> base64).
    /// </summary>
    public abstract bool TryWrite(LcWriter writer, ReadOnlySpan<byte> body);

    /// <summary>The section body libcper's JSON describes, as ApeiKit's model of the section (it encodes itself).</summary>
    public abstract CperSectionBody FromIrBody(JsonObject ir);
}

/// <summary>Small helpers shared by the libcper section writers and readers (libcper's text forms and JSON values; no byte offsets: bodies are read through ApeiKit's section declarations).</summary>
/// <remarks>Writers stream into a <see cref="LcWriter"/>; no JSON tree is built on the write path. Readers take libcper's JSON as a <see cref="JsonObject"/> (input is not the hot path).</remarks>
internal static class Lc
{
    public static readonly JsonEncodedText ValueName = JsonEncodedText.Encode("value"), NameName = JsonEncodedText.Encode("name"),
        DescriptionName = JsonEncodedText.Encode("description"), MessageName = JsonEncodedText.Encode("message");

    public static bool Bit(ulong v, int bit) => ((v >> bit) & 1) != 0;

    /// <summary><see cref="LcWriter.WriteGuid(JsonEncodedText, ReadOnlySpan{byte})"/> of a <see cref="Guid"/> (its 16 bytes in EFI_GUID order).</summary>
    public static void WriteGuid(LcWriter writer, JsonEncodedText name, Guid value)
    {
        Span<byte> raw = stackalloc byte[16];
        value.TryWriteBytes(raw);
        writer.WriteGuid(name, raw);
    }

    // libcper's messages (its description strings) are built as UTF-8 in a stack buffer and written with
    // LcWriter.WriteString(name, utf8): Put copies a text, Dec and Hex write the digits (the one place each).

    /// <summary>Copies <paramref name="s"/> (UTF-8) into <paramref name="text"/> at <paramref name="at"/> (a message built in a stack buffer); returns its length.</summary>
    public static int Put(Span<byte> text, int at, ReadOnlySpan<byte> s)
    {
        s.CopyTo(text[at..]);
        return s.Length;
    }

    /// <summary><paramref name="s"/> as UTF-8 into <paramref name="text"/> at <paramref name="at"/> (a name from a table); returns the bytes written.</summary>
    public static int Put(Span<byte> text, int at, string s) => System.Text.Encoding.UTF8.GetBytes(s, text[at..]);

    /// <summary><paramref name="v"/> in decimal (<c>%llu</c>) into <paramref name="text"/> at <paramref name="at"/>; returns the length.</summary>
    public static int Dec(Span<byte> text, int at, ulong v) => Utf8Digits.WriteDecimal(v, text[at..]);

    /// <summary>
    /// <paramref name="v"/> in upper-case hex into <paramref name="text"/> at <paramref name="at"/>, at least
    /// <paramref name="digits"/> digits (<c>%0*llX</c>; 0: as many as the value needs, <c>%llX</c>); returns the length.
    /// </summary>
    public static int Hex(Span<byte> text, int at, ulong v, int digits = 0) => Utf8Digits.WriteHexUpper(v, digits, text[at..]);

    /// <summary>
    /// libcper's <c>cper_printable_string_length</c> (<c>cper-utils.c</c>), the one rule behind <c>add_untrusted_string</c>
    /// and every text libcper bounds itself (FRU text, CPU brand string, ARM RAS user data, the NVIDIA signatures and
    /// strings): the length before the first NUL when every byte before it is printable ASCII (0x20-0x7E), else -1; -1 too
    /// when the text is empty (a NUL first) or holds no NUL at all (it fills the field). -1 means libcper prints no member.
    /// </summary>
    public static int PrintableLength(ReadOnlySpan<byte> b)
    {
        int n = 0;
        for (; n < b.Length; n++)
        {
            byte c = b[n];
            if (c == 0) break;
            if (c < 0x20 || c > 0x7E) return -1;
        }
        return n == 0 || n == b.Length ? -1 : n;
    }

    public static ulong FromBits(JsonNode? node, params string[] names)
    {
        ulong v = 0;
        for (int i = 0; i < names.Length; i++) if (Bool(Lc.M(node, names[i]))) v |= 1UL << i;
        return v;
    }

    // ---- JSON reading helpers. A missing member reads as zero, like libcper's json-c getters; a member of the wrong
    // type or a value that does not parse is a CperJsonException naming the member's JSON path, never a silent zero. ----

    /// <summary>
    /// The JSON path of member <paramref name="name"/> of <paramref name="o"/>, for a message: the member's own path
    /// when it is there, else where it would be (a missing or null member).
    /// </summary>
    public static string PathOf(JsonObject o, string name) => o[name]?.GetPath() ?? o.GetPath() + "." + name;

    /// <summary>The member <paramref name="name"/> of <paramref name="n"/> (null when either is missing).</summary>
    /// <exception cref="CperJsonException"><paramref name="n"/> is not an object.</exception>
    public static JsonNode? M(JsonNode? n, string name)
    {
        if (n is null) return null;
        if (n is JsonObject o) return o[name];
        throw new CperJsonException(n.GetPath(), $"expected an object (with \"{name}\"), found {Show(n)}");
    }

    /// <summary>
    /// <paramref name="n"/> as an object; a missing one is an empty object, or, when <paramref name="missing"/> names it
    /// (the path to report), refused.
    /// </summary>
    /// <exception cref="CperJsonException"><paramref name="n"/> is not an object (or is missing where it may not be).</exception>
    public static JsonObject Obj(JsonNode? n, string? missing = null)
        => n as JsonObject ?? (n is null && missing is null ? [] : throw new CperJsonException(n?.GetPath() ?? missing!, $"expected an object, found {Show(n)}"));

    /// <summary><paramref name="n"/> as an array; a missing one (absent or null, as libcper's reader takes it) is empty.</summary>
    /// <exception cref="CperJsonException"><paramref name="n"/> is neither null nor an array.</exception>
    public static JsonArray Arr(JsonNode? n)
        => n is null ? [] : n as JsonArray ?? throw new CperJsonException(n.GetPath(), $"expected an array, found {Show(n)}");

    /// <summary>An unsigned integer: a JSON number, a boolean (libcper's bits), or a decimal or <c>0x</c> hex string.</summary>
    /// <exception cref="CperJsonException">Anything else, or a number that is not a whole number of at most 64 bits.</exception>
    public static ulong U(JsonNode? n)
    {
        if (n is null) return 0;
        if (n is JsonValue v)
        {
            if (v.TryGetValue(out ulong u)) return u;
            if (v.TryGetValue(out long l)) return unchecked((ulong)l); // json-c writes 64-bit values above 2^63 as negative int64
            if (v.TryGetValue(out bool b)) return b ? 1UL : 0;
            if (v.TryGetValue(out string? s))
                return TryParseNumber(s, out ulong parsed) ? parsed : throw new CperJsonException(n.GetPath(), $"expected an unsigned integer (a number, or a decimal or \"0x..\" string), found {Show(n)}");
            if (v.TryGetValue(out double d))
                throw new CperJsonException(n.GetPath(), d >= 0 && d == Math.Floor(d) ? $"expected an unsigned integer of at most 64 bits, found {Show(n)}" : $"expected an unsigned integer, found {Show(n)}");
        }
        throw new CperJsonException(n.GetPath(), $"expected an unsigned integer, found {Show(n)}");
    }

    /// <summary><see cref="U(JsonNode?)"/> that must fit in <paramref name="bits"/> bits.</summary>
    /// <exception cref="CperJsonException">Not an unsigned integer, or too large.</exception>
    public static ulong U(JsonNode? n, int bits)
    {
        ulong v = U(n);
        if (bits < 64 && v >> bits != 0) throw new CperJsonException(n!.GetPath(), $"expected an unsigned integer of at most {bits} bits (at most {(1UL << bits) - 1}), found {v}");
        return v;
    }

    /// <summary>
    /// A number libcper printed with <c>add_int</c> (signed 32-bit) into a field of <paramref name="bits"/> bits: a negative
    /// number is its 32-bit pattern.
    /// </summary>
    /// <exception cref="CperJsonException">Not an integer, or too large for the field.</exception>
    public static ulong Int32(JsonNode? n, int bits)
    {
        ulong v = U(n);
        if (v >= 0xFFFF_FFFF_8000_0000) v &= 0xFFFF_FFFF; // -2^31 .. -1
        if (bits < 64 && v >> bits != 0) throw new CperJsonException(n!.GetPath(), $"expected an integer of at most {bits} bits, found {Show(n)}");
        return v;
    }

    /// <summary>A decimal or <c>0x</c> hex number; 0 for null or empty text (libcper's empty hex strings).</summary>
    public static ulong ParseNumber(string? s) => TryParseNumber(s, out ulong v) ? v : 0;

    private static bool TryParseNumber(string? s, out ulong value)
    {
        value = 0;
        if (s is null) return false;
        s = s.Trim();
        if (s.Length == 0) return true;
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return s.Length == 2 || ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        return ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A boolean (or a number, non-zero is true); false when missing.</summary>
    /// <exception cref="CperJsonException">Neither.</exception>
    public static bool Bool(JsonNode? n) => n is JsonValue v && v.TryGetValue(out bool b) ? b : U(n) != 0;

    /// <summary>
    /// Writes a JSON text into a fixed text field as its ASCII bytes, the rest of the field NUL: at most
    /// <paramref name="max"/> characters, each printable ASCII (0x20-0x7E, what libcper's <c>add_untrusted_string</c>
    /// prints); anything else is refused with the member's path, never cut or replaced.
    /// </summary>
    public static void TextInto(JsonNode? n, string text, Span<byte> field, int max, string what)
    {
        if (text.Length > max)
            throw new CperJsonException(n?.GetPath() ?? "$", $"expected at most {max} characters ({what}), found {text.Length}");
        if (text.AsSpan().IndexOfAnyExceptInRange(' ', '~') is var c and >= 0)
            throw new CperJsonException(n?.GetPath() ?? "$", $"expected printable ASCII (0x20-0x7E) in {what}, found U+{(int)text[c]:X4} at character {c}");
        AsciiField.Encode(field, text); // checked above: it fits and is ASCII
    }

    /// <summary>A string; null when missing.</summary>
    /// <exception cref="CperJsonException">Not a string.</exception>
    public static string? Str(JsonNode? n)
    {
        if (n is null) return null;
        if (n is JsonValue v && v.TryGetValue(out string? s)) return s;
        throw new CperJsonException(n.GetPath(), $"expected a string, found {Show(n)}");
    }

    public static ulong PairValue(JsonNode? n) => U(Lc.M(n, "value"));

    /// <summary>A pair's value that must fit in <paramref name="bits"/> bits.</summary>
    public static ulong PairValue(JsonNode? n, int bits) => U(Lc.M(n, "value"), bits);

    /// <summary>
    /// The number of bytes the base64 text <paramref name="n"/> holds (0 when missing), without decoding it: for sizing a
    /// body whose reader decodes the text once (<see cref="FromB64"/>).
    /// </summary>
    /// <exception cref="CperJsonException"><paramref name="n"/> is not a base64 string.</exception>
    public static int B64Length(JsonNode? n)
    {
        if (Str(n) is not { } s) return 0;
        return System.Buffers.Text.Base64.IsValid(s, out int length) ? length : throw new CperJsonException(n!.GetPath(), $"expected base64 data, found {Show(n)}");
    }

    /// <summary>Base64 bytes; empty when missing.</summary>
    /// <exception cref="CperJsonException">Not a base64 string.</exception>
    public static byte[] FromB64(JsonNode? n)
    {
        if (Str(n) is not { } s) return [];
        try
        {
            return Convert.FromBase64String(s);
        }
        catch (FormatException)
        {
            throw new CperJsonException(n!.GetPath(), $"expected base64 data, found {Show(n)}");
        }
    }

    /// <summary>
    /// Base64 bytes (<see cref="FromB64"/>) into <paramref name="field"/> of <paramref name="body"/>: the one read of a
    /// field libcper prints as base64 (<see cref="LcKind.Base64"/>, the PCIe register blocks). Fewer bytes fill the
    /// field's start; more are refused, not cut (libcper's reader copies all it decodes, past the field). Missing: nothing written.
    /// </summary>
    /// <exception cref="CperJsonException">Not a base64 string, or more bytes than the field holds.</exception>
    public static void B64Into(JsonNode? n, FieldDef field, Span<byte> body)
    {
        var bytes = FromB64(n);
        if (bytes.Length > field.Size)
            throw new CperJsonException(n!.GetPath(), $"expected at most {field.Size} bytes (the {field.Json} field), found {bytes.Length}");
        bytes.CopyTo(body.Slice(field.Offset, field.Size));
    }

    /// <summary>Bytes from a hex string; empty when missing.</summary>
    /// <exception cref="CperJsonException">Not a string of hex digit pairs.</exception>
    public static byte[] FromHex(JsonNode? n)
    {
        if (Str(n) is not { } s) return [];
        try
        {
            return Convert.FromHexString(s);
        }
        catch (FormatException)
        {
            throw new CperJsonException(n!.GetPath(), $"expected a hex string (pairs of hex digits), found {Show(n)}");
        }
    }

    /// <summary>A GUID string; the empty GUID when missing.</summary>
    /// <exception cref="CperJsonException">Not a GUID string.</exception>
    public static Guid GuidFrom(JsonNode? n)
    {
        if (Str(n) is not { } s) return System.Guid.Empty;
        return System.Guid.TryParse(s, out var g) ? g : throw new CperJsonException(n!.GetPath(), $"expected a GUID (\"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\"), found {Show(n)}");
    }

    /// <summary>A short rendering of a JSON value for messages.</summary>
    public static string Show(JsonNode? n)
    {
        string s = n switch
        {
            null => "null",
            JsonObject => "an object",
            JsonArray => "an array",
            _ => n.ToJsonString(),
        };
        return s.Length > 60 ? s[..57] + "..." : s;
    }

    // [lc-audit D] libcper's error status type and bit names (cper_generic_error_status_to_ir)
    /// <summary>
    /// libcper's generic error-type names and descriptions (UEFI 2.10 N "Error Status Fields", bits 8-15): libcper's own
    /// spellings (<c>CPER_GENERIC_ERROR_TYPES_KEYS/_VALUES/_DESCRIPTIONS</c>, <c>include/libcper/Cper.h:830-880</c>);
    /// <see cref="CperNames"/> keeps UEFI's.
    /// </summary>
    private static readonly LcNames s_errorTypeNames = LcNames.Libcper(
    [
        (1, "ERR_INTERNAL", "Error detected internal to the component."),
        (16, "ERR_BUS", "Error detected in the bus."),
        (4, "ERR_MEM", "Storage error in memory (DRAM)."),
        (5, "ERR_TLB", "Storage error in TLB."),
        (6, "ERR_CACHE", "Storage error in cache."),
        (7, "ERR_FUNCTION", "Error in one or more functional units."),
        (8, "ERR_SELFTEST", "Component failed self test."),
        (9, "ERR_FLOW", "Overflow or underflow of internal queue."),
        (17, "ERR_MAP", "Virtual address not found on IO-TLB or IO-PDIR."),
        (18, "ERR_IMPROPER", "Improper access error."),
        (19, "ERR_UNIMPL", "Access to a memory address which is not mapped to any component."),
        (20, "ERR_LOL", "Loss of Lockstep error."),
        (21, "ERR_RESPONSE", "Response not associated with a request."),
        (22, "ERR_PARITY", "Bus parity error (must also set the A, C, or D bits)."),
        (23, "ERR_PROTOCOL", "Detection of a protocol error."),
        (24, "ERR_ERROR", "Detection of a PATH_ERROR."),
        (25, "ERR_TIMEOUT", "Bus operation timeout."),
        (26, "ERR_POISONED", "A read was issued to data that has been poisoned."),
    ]);

    private static readonly JsonEncodedText s_errorTypeName = JsonEncodedText.Encode("errorType");
    private static readonly string[] s_statusBitNames = ["addressSignal", "controlSignal", "dataSignal", "detectedByResponder", "detectedByRequester", "firstError", "overflowDroppedLogs"];
    private static readonly JsonEncodedText[] s_statusBits = [.. s_statusBitNames.Select(n => JsonEncodedText.Encode(n))];

    // [lc-audit E] the error status converter (kind ErrorStatus)
    /// <summary>UEFI generic Error Status (64-bit) as libcper shows it (<c>cper_generic_error_status_to_ir</c>, <c>cper-utils.c</c>).</summary>
    public static void WriteErrorStatus(LcWriter w, JsonEncodedText name, ulong status)
    {
        w.WriteStartObject(name);
        LibCperMap.WritePair(w, s_errorTypeName, (status >> 8) & 0xFF, s_errorTypeNames);
        for (int i = 0; i < s_statusBits.Length; i++) w.WriteBoolean(s_statusBits[i], Bit(status, 16 + i));
        w.WriteEndObject();
    }

    public static ulong ErrorStatusFrom(JsonNode? n)
    {
        ulong v = (PairValue(Lc.M(n, "errorType")) & 0xFF) << 8;
        for (int i = 0; i < s_statusBitNames.Length; i++) if (Bool(Lc.M(n, s_statusBitNames[i]))) v |= 1UL << (16 + i);
        return v;
    }
}
