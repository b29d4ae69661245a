using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ApeiKit;

/// <summary>
/// The one exception type ApeiKit throws for malformed content: bytes that are present but do not
/// form what the specification says (a length that overruns its container, a bad signature, a count
/// that cannot fit). It names the structure, the field, the absolute byte offset, and what was
/// expected versus found, so a user can go straight to the byte.
/// </summary>
public sealed class ApeiContentException : Exception
{
    /// <summary>Creates an exception with every location detail.</summary>
    public ApeiContentException(string structure, string? field, long offset, string? expected, string? found, string? detail = null)
        : base(Format(structure, field, offset, expected, found, detail))
    {
        Structure = structure;
        Field = field;
        Offset = offset;
        Expected = expected;
        Found = found;
        Detail = detail;
    }

    /// <summary>The structure being decoded, e.g. <c>"ARM error information #3"</c>.</summary>
    public string Structure { get; }

    /// <summary>The field at fault, or null when the whole structure is at fault.</summary>
    public string? Field { get; }

    /// <summary>Absolute byte offset into the input where the fault lies.</summary>
    public long Offset { get; }

    /// <summary>What the specification (or the enclosing structure) requires.</summary>
    public string? Expected { get; }

    /// <summary>What the input holds.</summary>
    public string? Found { get; }

    /// <summary>A word on the kind of fault (e.g. <c>"truncated"</c>), or null.</summary>
    public string? Detail { get; }

    /// <summary>Returns a copy of this exception with its offset moved by <paramref name="delta"/> (everything else kept), for decoders that run on a slice.</summary>
    public ApeiContentException Rebase(long delta)
        => delta == 0 ? this : new ApeiContentException(Structure, Field, Offset + delta, Expected, Found, Detail);

    /// <summary>Too few bytes for a structure or field.</summary>
    public static ApeiContentException Truncated(string structure, long offset, long needed, long available, string? field = null)
        => new(structure, field, offset, $"{needed} bytes", $"{Math.Max(0, available)} bytes", "truncated");

    /// <summary>A field's value is not allowed.</summary>
    public static ApeiContentException Invalid(string structure, string field, long offset, string expected, string found)
        => new(structure, field, offset, expected, found);

    private static string Format(string structure, string? field, long offset, string? expected, string? found, string? detail)
    {
        var s = string.Create(CultureInfo.InvariantCulture, $"{structure}");
        if (field is not null) s += $", field {field}";
        s += string.Create(CultureInfo.InvariantCulture, $", at offset {FieldFormat.Offset(offset)}");
        if (detail is not null) s += $": {detail}";
        if (expected is not null || found is not null) s += $": expected {expected ?? "?"}, found {found ?? "?"}";
        return s;
    }
}

/// <summary>Throw helpers kept out of line so that hot decoding methods stay small and inlinable.</summary>
public static class ThrowHelper
{
    /// <summary>Throws <see cref="ApeiContentException.Truncated"/>.</summary>
    [DoesNotReturn]
    public static void ThrowTruncated(string structure, long offset, long needed, long available, string? field = null)
        => throw ApeiContentException.Truncated(structure, offset, needed, available, field);

    /// <summary>Throws <see cref="ApeiContentException.Invalid"/>.</summary>
    [DoesNotReturn]
    public static void ThrowInvalid(string structure, string field, long offset, string expected, string found)
        => throw ApeiContentException.Invalid(structure, field, offset, expected, found);

    /// <summary>Throws an <see cref="ArgumentException"/> for a destination too small (an API misuse, not content).</summary>
    [DoesNotReturn]
    public static void ThrowDestinationTooSmall(string parameter, int needed, int available)
        => throw new ArgumentException($"Destination too small: {needed} bytes needed, {available} available.", parameter);

    /// <summary>Checks that <paramref name="needed"/> bytes starting at <paramref name="start"/> fit in <paramref name="available"/>, without overflow.</summary>
    public static void CheckBounds(string structure, long offset, long start, long needed, long available, string? field = null)
    {
        if (start < 0 || needed < 0 || start > available || needed > available - start)
            ThrowTruncated(structure, offset, needed, available - start, field);
    }
}
