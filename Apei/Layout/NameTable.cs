using System.Collections;

namespace ApeiKit;

/// <summary>Names of the values of an enumerated field. Unknown values stay numbers (a null name).</summary>
public sealed class NameTable : IEnumerable<KeyValuePair<ulong, string>>
{
    private readonly Dictionary<ulong, (string Name, System.Text.Json.JsonEncodedText? Encoded)> _names = [];

    /// <summary>The name of <paramref name="key"/>, or null when unknown. Setting adds a name.</summary>
    public string? this[ulong key]
    {
        get => _names.TryGetValue(key, out var e) ? e.Name : null;
        set => Add(key, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Adds a name.</summary>
    public void Add(ulong value, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        _names[value] = (name, PreEncodedText.Of(name));
    }

    /// <summary>The name of <paramref name="key"/> and, when it has one, its pre-encoded JSON text (<see cref="PreEncodedText"/>): one lookup.</summary>
    internal string? Lookup(ulong key, out System.Text.Json.JsonEncodedText? encoded)
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
        foreach (var kv in _names)
        {
            if (string.Equals(kv.Value.Name, name, StringComparison.OrdinalIgnoreCase)) { value = kv.Key; return true; }
        }
        value = 0;
        return false;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<ulong, string>> GetEnumerator()
    {
        foreach (var kv in _names) yield return new(kv.Key, kv.Value.Name);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Names of single-bit flags (bit number to name). Bits without a name are reported as <c>bitN</c>.</summary>
public sealed class FlagTable : IEnumerable<KeyValuePair<int, string>>
{
    private readonly SortedDictionary<int, string> _names = [];
    // By bit number, for rendering without a tree lookup per set bit (bits 0-63; names of other bits stay in _names only).
    private readonly string?[] _byBit = new string?[64];
    private readonly System.Text.Json.JsonEncodedText?[] _encodedByBit = new System.Text.Json.JsonEncodedText?[64];

    /// <summary>The name of bit <paramref name="bit"/>, or null.</summary>
    public string? this[int bit]
    {
        get => bit is >= 0 and < 64 ? _byBit[bit] : _names.GetValueOrDefault(bit);
        set => Add(bit, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Adds a name.</summary>
    public void Add(int bit, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        _names[bit] = name;
        if (bit is >= 0 and < 64)
        {
            _byBit[bit] = name;
            _encodedByBit[bit] = PreEncodedText.Of(name);
        }
    }

    /// <summary>The name of bit <paramref name="bit"/> (0-63) and its pre-encoded JSON text, if any.</summary>
    internal string? Lookup(int bit, out System.Text.Json.JsonEncodedText? encoded)
    {
        encoded = _encodedByBit[bit];
        return _byBit[bit];
    }

    /// <summary>Mask of the bits that have names.</summary>
    public ulong KnownMask
    {
        get
        {
            ulong m = 0;
            foreach (var kv in _names) m |= 1UL << kv.Key;
            return m;
        }
    }

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
        foreach (var kv in _names)
        {
            if (string.Equals(kv.Value, name, StringComparison.OrdinalIgnoreCase)) { bit = kv.Key; return true; }
        }
        if (name.StartsWith("bit", StringComparison.Ordinal) && int.TryParse(name.AsSpan(3), out bit) && bit is >= 0 and < 64) return true;
        bit = 0;
        return false;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<int, string>> GetEnumerator() => _names.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
