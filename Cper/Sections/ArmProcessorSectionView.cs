namespace ApeiKit.Cper;

// The hand-written part of the generated zero-copy views of the ARM processor error section (UEFI 2.10 N.2.4.4): the
// header accessors, ArmErrorInfoView and ArmContextInfoView come from the declarations; what is variable (the counted
// arrays after the header, the register arrays, the vendor bytes) is walked here with the section's own bounds
// (ArmProcessorSection.Measure, TryMeasureContext, ContextPadding), so the view and the describer agree on every count.

public readonly ref partial struct ArmProcessorSectionView
{
    /// <summary>
    /// The error-information structures (UEFI 2.10 Table N-17) as views, in order: ERR_INFO_NUM of them, or as many as
    /// fit before SectionLength (and <see cref="DecoderLimits.Default"/>'s limit) when it claims more. None when the body
    /// does not hold the 40-byte header. Allocates nothing: <c>foreach (var e in view.ErrorInfo)</c>.
    /// </summary>
    public ArmErrorInfoEnumerator ErrorInfo => GetErrorInfo(DecoderLimits.Default);

    /// <summary>The error-information structures under <paramref name="limits"/> (see <see cref="ErrorInfo"/>).</summary>
    /// <param name="limits">The limit on ERR_INFO_NUM.</param>
    public ArmErrorInfoEnumerator GetErrorInfo(DecoderLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (_body.Length < ArmProcessorSection.HeaderSize) return default;
        ArmProcessorSection.Measure(_body, limits, out _, out int count, out _, out _, out _);
        return new ArmErrorInfoEnumerator(_body, count);
    }

    /// <summary>
    /// The context-information structures (UEFI 2.10 Table N-21) as views, in order, each over its header and register
    /// array (padding excluded). The walk ends at the first structure whose header or array does not fit before
    /// SectionLength, or at once when a count is above <see cref="DecoderLimits.Default"/>'s limits (the describer
    /// reports those). Allocates nothing.
    /// </summary>
    public ArmContextInfoEnumerator ContextInfo => GetContextInfo(DecoderLimits.Default);

    /// <summary>The context-information structures under <paramref name="limits"/> (see <see cref="ContextInfo"/>).</summary>
    /// <param name="limits">The limits on ERR_INFO_NUM and CONTEXT_INFO_NUM.</param>
    public ArmContextInfoEnumerator GetContextInfo(DecoderLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (_body.Length < ArmProcessorSection.HeaderSize) return default;
        ArmProcessorSection.Measure(_body, limits, out int limit, out int infoCount, out int contextCount, out _, out _);
        return new ArmContextInfoEnumerator(_body, ArmProcessorSection.HeaderSize + infoCount * ArmErrorInfo.Size, limit, contextCount);
    }

    /// <summary>
    /// The vendor-specific bytes: after the last context structure (and its padding) up to SectionLength. Empty when the
    /// body has no header or a count or context does not fit (those bytes are not vendor information then).
    /// </summary>
    public ReadOnlySpan<byte> VendorSpecificInfo
    {
        get
        {
            if (_body.Length < ArmProcessorSection.HeaderSize) return default;
            ArmProcessorSection.Measure(_body, DecoderLimits.Default, out int limit, out int infoCount, out int contextCount, out _, out var countProblem);
            if (countProblem != ArmProcessorSection.CountProblem.None) return default;
            var contexts = new ArmContextInfoEnumerator(_body, ArmProcessorSection.HeaderSize + infoCount * ArmErrorInfo.Size, limit, contextCount); // ContextInfo, measured once
            while (contexts.MoveNext()) { }
            return contexts.Complete ? _body[contexts.End..limit] : default;
        }
    }

    /// <summary>Bytes of the body after SectionLength (when the descriptor's length is larger); empty otherwise.</summary>
    public ReadOnlySpan<byte> TrailingBytes
    {
        get
        {
            if (_body.Length < ArmProcessorSection.HeaderSize) return default;
            ArmProcessorSection.Measure(_body, DecoderLimits.Default, out int limit, out _, out _, out _, out _);
            return _body[limit..];
        }
    }

    /// <summary>
    /// The encoding the error-information Type bytes are read in under <paramref name="mode"/> (bit flags by default;
    /// <see cref="ArmErrorTypeMode.Auto"/> detects it from this section's values), as the describer reads them.
    /// </summary>
    /// <param name="mode">How to choose the encoding.</param>
    public ArmErrorTypeEncoding GetTypeEncoding(ArmErrorTypeMode mode = ArmErrorTypeMode.BitFlags)
    {
        if (_body.Length < ArmProcessorSection.HeaderSize) return ArmErrorTypeSetting.Resolve(mode, default);
        ArmProcessorSection.Measure(_body, DecoderLimits.Default, out _, out int count, out _, out _, out _);
        return ArmProcessorSection.DetectEncoding(_body, count, mode);
    }
}

/// <summary>Walks the error-information structures of an <see cref="ArmProcessorSectionView"/> (a <c>ref struct</c>: nothing allocated).</summary>
public ref struct ArmErrorInfoEnumerator
{
    private ArrayWalk _walk;

    internal ArmErrorInfoEnumerator(ReadOnlySpan<byte> body, int count) => _walk = new(body, ArmProcessorSection.HeaderSize, count, ArmErrorInfo.Size);

    /// <summary>How many structures the walk gives.</summary>
    public readonly int Count => _walk.Count;

    /// <summary>The structure at the current position.</summary>
    public readonly ArmErrorInfoView Current => ArmErrorInfoView.Of(_walk.Current);

    /// <summary>Moves to the next structure.</summary>
    public bool MoveNext() => _walk.MoveNext();

    /// <summary>Itself, for <c>foreach</c>.</summary>
    public readonly ArmErrorInfoEnumerator GetEnumerator() => this;
}

/// <summary>Walks the context-information structures of an <see cref="ArmProcessorSectionView"/> (a <c>ref struct</c>: nothing allocated).</summary>
public ref struct ArmContextInfoEnumerator
{
    private readonly int _limit;
    private ChainWalk _walk;

    internal ArmContextInfoEnumerator(ReadOnlySpan<byte> body, int start, int limit, int count)
    {
        _limit = limit;
        _walk = new(body, start, count);
    }

    /// <summary>The structure at the current position (header and register array, padding excluded).</summary>
    public readonly ArmContextInfoView Current => ArmContextInfoView.Of(_walk.Current);

    /// <summary>
    /// Zero bytes after the current structure that pad it to a multiple of 16 (UEFI 2.10 N.2.4.4), or 0 when it needs
    /// none or the writer put the next bytes right after the register array.
    /// </summary>
    public readonly int PaddingLength => _walk.Padding;

    /// <summary>True once every counted structure has been walked (false while walking, or when one did not fit).</summary>
    public readonly bool Complete => _walk.Complete;

    /// <summary>Offset in the body just after the last structure walked (and its padding).</summary>
    internal readonly int End => _walk.End;

    /// <summary>Moves to the next structure; false after the last, or when the next one does not fit before SectionLength.</summary>
    public bool MoveNext()
    {
        if (!_walk.Next()) return false;
        if (!ArmProcessorSection.TryMeasureContext(_walk.Body, _walk.Position, _limit, out int size)) return _walk.Stop();
        int length = ArmContextInfo.HeaderSize + size;
        return _walk.Accept(length, Math.Max(0, ArmProcessorSection.ContextPadding(_walk.Body, _walk.Position, length, _limit)));
    }

    /// <summary>Itself, for <c>foreach</c>.</summary>
    public readonly ArmContextInfoEnumerator GetEnumerator() => this;
}

public readonly ref partial struct ArmErrorInfoView
{
    /// <summary>The kind the Type byte names under <paramref name="encoding"/> (see <see cref="ArmProcessorSectionView.GetTypeEncoding"/>).</summary>
    /// <param name="encoding">The section's Type encoding.</param>
    public ArmErrorKind KindUnder(ArmErrorTypeEncoding encoding) => ArmErrorInfo.DecodeType(Type, encoding);
}

public readonly ref partial struct ArmContextInfoView
{
    /// <summary>The register array after the 8-byte header (its named registers: <see cref="ArmProcessorSection.RegisterLayout"/> of <see cref="ArmContextInfoView.RegisterContextType"/>).</summary>
    public ReadOnlySpan<byte> RegisterArray => _body.Length > ArmContextInfo.HeaderSize ? _body[ArmContextInfo.HeaderSize..] : default;
}
