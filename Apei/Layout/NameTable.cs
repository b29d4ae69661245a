using System.Collections;
using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ApeiKit;

/// <summary>
/// Names of the values of an enumerated field. Unknown values stay numbers (a null name). Immutable: built once from a
/// collection expression (<c>NameTable t = [new(0, "recoverable"), new(1, "fatal")];</c>) or a sequence, then shared by
/// every thread (lookups go to a <see cref="FrozenDictionary{TKey, TValue}"/> and do not allocate).
/// </summary>
[CollectionBuilder(typeof(NameTable), nameof(Create))]
public sealed class NameTable : IEnumerable<KeyValuePair<ulong, string>>
{
    private readonly FrozenDictionary<ulong, (string Name, JsonEncodedText? Encoded)> _names;
    private readonly KeyValuePair<ulong, string>[] _ordered; // in the order given, for enumeration

    /// <summary>A table of the given names (a later duplicate value replaces an earlier one).</summary>
    /// <exception cref="ArgumentNullException">A name is null.</exception>
    public NameTable(IEnumerable<KeyValuePair<ulong, string>> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var map = new Dictionary<ulong, (string, JsonEncodedText?)>();
        var order = new List<KeyValuePair<ulong, string>>();
        foreach (var (value, name) in names)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(names));
            if (map.ContainsKey(value)) order.RemoveAll(kv => kv.Key == value);
            map[value] = (name, PreEncodedText.Of(name));
            order.Add(new(value, name));
        }
        _names = map.ToFrozenDictionary();
        _ordered = [.. order];
    }

    /// <summary>The collection-expression builder: <c>NameTable t = [new(0, "a"), new(1, "b")];</c>.</summary>
    public static NameTable Create(ReadOnlySpan<KeyValuePair<ulong, string>> names) => new(names.ToArray());

    /// <summary>The name of <paramref name="key"/>, or null when unknown.</summary>
    public string? this[ulong key] => _names.TryGetValue(key, out var e) ? e.Name : null;

    /// <summary>The name of <paramref name="key"/> and, when it has one, its pre-encoded JSON text (<see cref="PreEncodedText"/>): one lookup.</summary>
    internal string? Lookup(ulong key, out JsonEncodedText? encoded)
    {
        if (_names.TryGetValue(key, out var e))
        {
            encoded = e.Encoded;
            return e.Name;
        }
        encoded = null;
        return null;
    }

    /// <summary>Reverse lookup (case-insensitive), for JSON input.</summary>
    public bool TryGetValue(string name, out ulong value)
    {
        foreach (var kv in _ordered)
        {
            if (string.Equals(kv.Value, name, StringComparison.OrdinalIgnoreCase)) { value = kv.Key; return true; }
        }
        value = 0;
        return false;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<ulong, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<ulong, string>>)_ordered).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// Names of single-bit flags (bit number to name). Bits without a name are reported as <c>bitN</c>. Immutable: built once
/// from a collection expression (<c>FlagTable t = [new(0, "primary"), new(1, "containmentWarning")];</c>) or a sequence;
/// lookups of bits 0-63 index arrays and do not allocate.
/// </summary>
[CollectionBuilder(typeof(FlagTable), nameof(Create))]
public sealed class FlagTable : IEnumerable<KeyValuePair<int, string>>
{
    private readonly KeyValuePair<int, string>[] _sorted; // by bit number
    // By bit number, for rendering without a search per set bit (bits 0-63; names of other bits are in _sorted only).
    private readonly string?[] _byBit = new string?[64];
    private readonly JsonEncodedText?[] _encodedByBit = new JsonEncodedText?[64];

    /// <summary>A table of the given bit names (a later duplicate bit replaces an earlier one).</summary>
    /// <exception cref="ArgumentNullException">A name is null.</exception>
    public FlagTable(IEnumerable<KeyValuePair<int, string>> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var map = new SortedDictionary<int, string>();
        foreach (var (bit, name) in names)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(names));
            map[bit] = name;
        }
        _sorted = [.. map];
        ulong mask = 0;
        foreach (var (bit, name) in _sorted)
        {
            if (bit is < 0 or >= 64) continue;
            _byBit[bit] = name;
            _encodedByBit[bit] = PreEncodedText.Of(name);
            mask |= 1UL << bit;
        }
        KnownMask = mask;
    }

    /// <summary>The collection-expression builder: <c>FlagTable t = [new(0, "a"), new(1, "b")];</c>.</summary>
    public static FlagTable Create(ReadOnlySpan<KeyValuePair<int, string>> names) => new(names.ToArray());

    /// <summary>The name of bit <paramref name="bit"/>, or null.</summary>
    public string? this[int bit]
    {
        get
        {
            if (bit is >= 0 and < 64) return _byBit[bit];
            foreach (var kv in _sorted) if (kv.Key == bit) return kv.Value;
            return null;
        }
    }

    /// <summary>The name of bit <paramref name="bit"/> (0-63) and its pre-encoded JSON text, if any.</summary>
    internal string? Lookup(int bit, out JsonEncodedText? encoded)
    {
        encoded = _encodedByBit[bit];
        return _byBit[bit];
    }

    /// <summary>Mask of the bits (0-63) that have names.</summary>
    public ulong KnownMask { get; }

    /// <summary>Names of the set bits, in bit order; unnamed bits as <c>bitN</c>.</summary>
    public List<string> NamesOf(ulong value)
    {
        var list = new List<string>();
        for (int bit = 0; bit < 64 && value >> bit != 0; bit++)
        {
            if ((value >> bit & 1) != 0) list.Add(_byBit[bit] ?? $"bit{bit}");
        }
        return list;
    }

    /// <summary>Reverse lookup (case-insensitive; also <c>bitN</c>), for JSON input.</summary>
    public bool TryGetBit(string name, out int bit)
    {
        foreach (var kv in _sorted)
        {
            if (string.Equals(kv.Value, name, StringComparison.OrdinalIgnoreCase)) { bit = kv.Key; return true; }
        }
        if (name.StartsWith("bit", StringComparison.Ordinal) && int.TryParse(name.AsSpan(3), out bit) && bit is >= 0 and < 64) return true;
        bit = 0;
        return false;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<int, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<int, string>>)_sorted).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
