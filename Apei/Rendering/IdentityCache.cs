using System.Runtime.CompilerServices;

namespace ApeiKit;

/// <summary>
/// A small thread-safe cache keyed by string <em>instance</em> (layout and describer names are literals, so each name
/// is one instance): a two-way set-associative table of immutable entries, read without locks. A key whose two slots
/// are taken replaces one of them, so memory stays bounded whatever strings callers pass; a miss computes the value again.
/// </summary>
internal sealed class IdentityCache<T>(Func<string, T> create, int slots = 4096)
{
    private sealed class Entry(string key, T value)
    {
        public readonly string Key = key;
        public readonly T Value = value;
    }

    private readonly Entry?[] _slots = new Entry?[int.IsPow2(slots) ? slots : throw new ArgumentException("a power of two", nameof(slots))];

    /// <summary>The value for <paramref name="key"/>, computed on a miss.</summary>
    public T Get(string key)
    {
        int i = RuntimeHelpers.GetHashCode(key) & (_slots.Length - 1), j = i ^ 1;
        var a = Volatile.Read(ref _slots[i]);
        if (a is not null && ReferenceEquals(a.Key, key)) return a.Value;
        var b = Volatile.Read(ref _slots[j]);
        if (b is not null && ReferenceEquals(b.Key, key)) return b.Value;
        var value = create(key);
        Volatile.Write(ref _slots[a is null || b is not null ? i : j], new Entry(key, value));
        return value;
    }
}
