namespace ApeiKit.Cper;

/// <summary>
/// The walk every fixed-stride array of a section view shares (ARM and IA32/X64 error information, ARM RAS syndromes,
/// registers and key/value pairs, PCI/PCI-X register pairs, NVIDIA registers): <c>count</c> elements of <c>stride</c>
/// bytes laid end to end, measured once by the view that makes the walk. Each public enumerator wraps one and reads its
/// element view over <see cref="Current"/> (a generic enumerator over the element view would need <c>allows ref struct</c>,
/// which net8.0 does not have). A <c>ref struct</c>: nothing allocated; <c>default</c> walks nothing.
/// </summary>
internal ref struct ArrayWalk
{
    private readonly ReadOnlySpan<byte> _array;
    private readonly int _stride, _count;
    private int _index;

    /// <summary>The <paramref name="count"/> elements of <paramref name="stride"/> bytes from <paramref name="start"/> (the caller checked they fit; none: any start).</summary>
    internal ArrayWalk(ReadOnlySpan<byte> body, int start, int count, int stride)
    {
        _array = count == 0 ? default : body.Slice(start, count * stride);
        _stride = stride;
        _count = count;
        _index = -1;
    }

    /// <summary>How many elements the walk gives.</summary>
    internal readonly int Count => _count;

    /// <summary>The bytes of the current element.</summary>
    internal readonly ReadOnlySpan<byte> Current => _array.Slice(_index * _stride, _stride);

    /// <summary>Moves to the next element.</summary>
    internal bool MoveNext() => ++_index < _count;

    /// <summary>
    /// Element <paramref name="index"/> of <paramref name="count"/> from <paramref name="start"/> (a view's <c>GetX(index)</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative or not below <paramref name="count"/>.</exception>
    internal static ReadOnlySpan<byte> ElementAt(ReadOnlySpan<byte> body, int start, int index, int count, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        return body.Slice(start + index * stride, stride);
    }
}

/// <summary>
/// The walk every counted chain of variable-length structures of a section view shares (ARM and IA32/X64 context
/// information, NVIDIA event contexts, ARM RAS address-space contexts): up to <c>count</c> structures, each starting where
/// the previous one (and its padding) ends. The enumerator measures the structure at <see cref="Position"/> after
/// <see cref="Next"/> says there is one to measure, then <see cref="Accept"/>s it or <see cref="Stop"/>s the walk.
/// A <c>ref struct</c>: nothing allocated; <c>default</c> walks nothing.
/// </summary>
internal ref struct ChainWalk
{
    private readonly ReadOnlySpan<byte> _body;
    private readonly int _count;
    private int _index, _pos, _length, _padding;
    private bool _done, _complete;

    /// <summary>Up to <paramref name="count"/> structures of <paramref name="body"/> from <paramref name="start"/>.</summary>
    internal ChainWalk(ReadOnlySpan<byte> body, int start, int count)
    {
        _body = body;
        _count = count;
        _pos = start;
        _index = -1;
    }

    /// <summary>The bytes walked (offsets are in these).</summary>
    internal readonly ReadOnlySpan<byte> Body => _body;

    /// <summary>Where the next structure starts (during a move), or the current one.</summary>
    internal readonly int Position => _pos;

    /// <summary>The current structure's bytes (padding excluded).</summary>
    internal readonly ReadOnlySpan<byte> Current => _body.Slice(_pos, _length);

    /// <summary>The current structure's padding.</summary>
    internal readonly int Padding => _padding;

    /// <summary>True once every counted structure has been walked (false while walking, or when one did not fit).</summary>
    internal readonly bool Complete => _complete;

    /// <summary>Offset just after the last structure walked (and its padding).</summary>
    internal readonly int End => _pos + _length + _padding;

    /// <summary>Steps past the current structure; true when another is counted (measure it at <see cref="Position"/>).</summary>
    internal bool Next()
    {
        _pos += _length + _padding;
        _length = _padding = 0;
        if (_done) return false;
        if (_index + 1 >= _count)
        {
            _done = _complete = true;
            return false;
        }
        return true;
    }

    /// <summary>The structure at <see cref="Position"/> is <paramref name="length"/> bytes and <paramref name="padding"/> more; returns true (for <c>MoveNext</c>).</summary>
    internal bool Accept(int length, int padding = 0)
    {
        _index++;
        _length = length;
        _padding = padding;
        return true;
    }

    /// <summary>The structure at <see cref="Position"/> does not fit: the walk ends incomplete; returns false (for <c>MoveNext</c>).</summary>
    internal bool Stop()
    {
        _done = true;
        return false;
    }
}
