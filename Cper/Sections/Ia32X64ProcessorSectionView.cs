namespace ApeiKit.Cper;

// The hand-written part of the generated zero-copy views of the IA32/X64 processor error section (UEFI 2.10 N.2.4.2):
// the header accessors, Ia32X64ErrorInfoView and Ia32X64ContextInfoView come from the declarations; what is variable
// (the counted arrays after the header, the register arrays, the bytes after them) is walked here with the section's
// own bounds (Ia32X64ProcessorSection.Measure, TryMeasureContext), so the view and the describer agree on every count.

public readonly ref partial struct Ia32X64ProcessorSectionView
{
    /// <summary>CPUID Info (UEFI 2.10 N.2.4.2, 48 bytes from byte 16): the four CPUID.1 registers and the 32 bytes after them; empty when the body does not hold the header.</summary>
    public ReadOnlySpan<byte> CpuIdInfo => _body.Length >= Ia32X64ProcessorSection.HeaderSize
        ? _body.Slice(Ia32X64ProcessorSection.CpuIdEaxField.Offset, Ia32X64ProcessorSection.CpuIdInfoSize) : default;

    /// <summary>
    /// The error-information structures (UEFI 2.10 N.2.4.2.1) as views, in order: ERROR_INFO_NUM of them (validation
    /// bits 2-7), or as many as fit in the body when it claims more. None when the body does not hold the 64-byte
    /// header. Allocates nothing: <c>foreach (var e in view.ErrorInfo)</c>.
    /// </summary>
    public Ia32X64ErrorInfoEnumerator ErrorInfo
    {
        get
        {
            if (_body.Length < Ia32X64ProcessorSection.HeaderSize) return default;
            Ia32X64ProcessorSection.Measure(_body, out _, out int fits, out _);
            return new Ia32X64ErrorInfoEnumerator(_body, fits);
        }
    }

    /// <summary>
    /// The context-information structures (UEFI 2.10 N.2.4.2.2) as views, in order, each over its 16-byte header and
    /// register array: CONTEXT_INFO_NUM of them (validation bits 8-13). The walk ends at the first structure whose
    /// header or array does not fit in the body, or gives none when the error-information count does not fit (the
    /// describer reports both). Allocates nothing.
    /// </summary>
    public Ia32X64ContextInfoEnumerator ContextInfo
    {
        get
        {
            if (_body.Length < Ia32X64ProcessorSection.HeaderSize) return default;
            Ia32X64ProcessorSection.Measure(_body, out _, out int fits, out int contextCount);
            return new Ia32X64ContextInfoEnumerator(_body, Ia32X64ProcessorSection.HeaderSize + fits * Ia32X64ErrorInfo.Size, contextCount);
        }
    }

    /// <summary>
    /// Bytes after the last context structure (the section has no length of its own). Empty when the body has no
    /// header, or a count or context does not fit (those bytes are undecoded then, not trailing bytes).
    /// </summary>
    public ReadOnlySpan<byte> TrailingBytes
    {
        get
        {
            if (_body.Length < Ia32X64ProcessorSection.HeaderSize || !Ia32X64ProcessorSection.Measure(_body, out _, out int fits, out int contextCount)) return default;
            var contexts = new Ia32X64ContextInfoEnumerator(_body, Ia32X64ProcessorSection.HeaderSize + fits * Ia32X64ErrorInfo.Size, contextCount); // ContextInfo, measured once
            while (contexts.MoveNext()) { }
            return contexts.Complete ? _body[contexts.End..] : default;
        }
    }
}

/// <summary>Walks the error-information structures of an <see cref="Ia32X64ProcessorSectionView"/> (a <c>ref struct</c>: nothing allocated).</summary>
public ref struct Ia32X64ErrorInfoEnumerator
{
    private ArrayWalk _walk;

    internal Ia32X64ErrorInfoEnumerator(ReadOnlySpan<byte> body, int count) => _walk = new(body, Ia32X64ProcessorSection.HeaderSize, count, Ia32X64ErrorInfo.Size);

    /// <summary>How many structures the walk gives.</summary>
    public readonly int Count => _walk.Count;

    /// <summary>The structure at the current position.</summary>
    public readonly Ia32X64ErrorInfoView Current => Ia32X64ErrorInfoView.Of(_walk.Current);

    /// <summary>Moves to the next structure.</summary>
    public bool MoveNext() => _walk.MoveNext();

    /// <summary>Itself, for <c>foreach</c>.</summary>
    public readonly Ia32X64ErrorInfoEnumerator GetEnumerator() => this;
}

/// <summary>Walks the context-information structures of an <see cref="Ia32X64ProcessorSectionView"/> (a <c>ref struct</c>: nothing allocated).</summary>
public ref struct Ia32X64ContextInfoEnumerator
{
    private ChainWalk _walk;

    internal Ia32X64ContextInfoEnumerator(ReadOnlySpan<byte> body, int start, int count) => _walk = new(body, start, count);

    /// <summary>The structure at the current position (header and register array).</summary>
    public readonly Ia32X64ContextInfoView Current => Ia32X64ContextInfoView.Of(_walk.Current);

    /// <summary>True once every counted structure has been walked (false while walking, or when one did not fit).</summary>
    public readonly bool Complete => _walk.Complete;

    /// <summary>Offset in the body just after the last structure walked.</summary>
    internal readonly int End => _walk.End;

    /// <summary>Moves to the next structure; false after the last, or when the next one does not fit in the body.</summary>
    public bool MoveNext()
    {
        if (!_walk.Next()) return false;
        return Ia32X64ProcessorSection.TryMeasureContext(_walk.Body, _walk.Position, out int size) ? _walk.Accept(Ia32X64ContextInfo.HeaderSize + size) : _walk.Stop();
    }

    /// <summary>Itself, for <c>foreach</c>.</summary>
    public readonly Ia32X64ContextInfoEnumerator GetEnumerator() => this;
}

public readonly ref partial struct Ia32X64ContextInfoView
{
    /// <summary>The register array after the 16-byte header (its named registers: <see cref="Ia32X64ProcessorSection.RegisterLayout"/> of <see cref="RegisterContextType"/>).</summary>
    public ReadOnlySpan<byte> RegisterArray => _body.Length > Ia32X64ContextInfo.HeaderSize ? _body[Ia32X64ContextInfo.HeaderSize..] : default;
}
