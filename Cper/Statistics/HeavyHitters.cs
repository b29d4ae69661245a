namespace ApeiKit.Cper.Statistics;

/// <summary>
/// Counts keys in bounded memory (Misra-Gries): exact while at most <see cref="Capacity"/> distinct keys have been
/// seen; after that the keys kept include every key seen more than N/(Capacity+1) times of N, each count low by at
/// most that much, and <see cref="IsApproximate"/> is true.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
public sealed class HeavyHitters<TKey> where TKey : notnull
{
    private readonly Dictionary<TKey, long> _counts = [];
    private readonly List<TKey> _zeroed = [];

    /// <summary>Counts at most <paramref name="capacity"/> keys at once.</summary>
    public HeavyHitters(int capacity) => Capacity = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    /// <summary>Most keys held at once.</summary>
    public int Capacity { get; }
    /// <summary>True once a key had to be dropped: counts are then lower bounds.</summary>
    public bool IsApproximate { get; private set; }
    /// <summary>Keys held (the distinct keys seen, while not approximate).</summary>
    public int Count => _counts.Count;
    /// <summary>Keys and counts held.</summary>
    public IReadOnlyDictionary<TKey, long> Counts => _counts;

    /// <summary>Counts one occurrence of <paramref name="key"/>.</summary>
    public void Add(TKey key)
    {
        ref long count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_counts, key);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref count))
        {
            count++;
            return;
        }
        if (_counts.Count < Capacity)
        {
            _counts[key] = 1;
            return;
        }
        // Full: this occurrence and one of every held key cancel out (amortised O(1): each pass removes Capacity+1 counts).
        IsApproximate = true;
        foreach (var k in _counts.Keys)
        {
            ref long c = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_counts, k);
            if (--c == 0) _zeroed.Add(k);
        }
        foreach (var k in _zeroed) _counts.Remove(k);
        _zeroed.Clear();
    }
}
