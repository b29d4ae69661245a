namespace ApeiKit.Cper.Vendors;

// The hand-written part of the generated zero-copy views of the NVIDIA event section (layout as openbmc/libcper reads
// it: include/libcper/sections/cper-section-nvidia-events.h, EFI_NVIDIA_EVENT_HEADER / EFI_NVIDIA_EVENT_INFO_HEADER /
// EFI_NVIDIA_EVENT_CTX_HEADER). The header accessors and NvidiaEventContextView come from the declarations; what is
// variable (the event information's own size, the counted contexts, each context's size and data size) is walked here
// with the section's own bounds (NvidiaEventSection.TryMeasureInfo, TryWalkContext), the same walk the model, the
// describer and the libcper writer make, so every count agrees.

public readonly ref partial struct NvidiaEventSectionView
{
    /// <summary>
    /// Event information version after the event header (major in bits 8-15, minor in bits 0-7; libcper
    /// EFI_NVIDIA_EVENT_INFO_HEADER), or 0 when the body does not reach it.
    /// </summary>
    public ushort InfoVersion => _body.Length >= NvidiaEventSection.HeaderSize + NvidiaEventInfoHeader.InfoVersionField.End ? (ushort)NvidiaEventInfoHeader.InfoVersionField.ReadValue(_body[NvidiaEventSection.HeaderSize..]) : (ushort)0;

    /// <summary>
    /// The device-specific event information after its 3-byte header, up to its size byte (see
    /// <see cref="InfoLayout"/>); empty when the body does not hold both headers or the size is
    /// below 3 or beyond the body (the model's decoder refuses such a body).
    /// </summary>
    public ReadOnlySpan<byte> Info
        => NvidiaEventSection.TryMeasureInfo(_body, out int end) ? _body[(NvidiaEventSection.HeaderSize + NvidiaEventSection.InfoHeaderSize)..end] : default;

    /// <summary>
    /// The layout of <see cref="Info"/> for this section's source device type and information version (CPU 0.x, GPU 1.x),
    /// or null.
    /// </summary>
    public StructDef? InfoLayout => _body.Length >= NvidiaEventSection.HeaderSize + NvidiaEventInfoHeader.InfoVersionField.End ? NvidiaEventSection.InfoLayoutFor(SourceDeviceType, InfoVersion) : null;

    /// <summary>
    /// The event contexts as views, in order (libcper's walk: each at the previous one plus its context size): the
    /// header's context count of them, or fewer when a context's header or context size does not fit the body (the
    /// describer reports that one). None when the event information does not measure. Allocates nothing:
    /// <c>foreach (var c in view.Contexts)</c>.
    /// </summary>
    public NvidiaEventContextEnumerator Contexts
        => NvidiaEventSection.TryMeasureInfo(_body, out int end) ? new(_body, end, ContextCount, SourceDeviceType) : default;

    /// <summary>
    /// The bytes after the last whole context walked (the model's <see cref="NvidiaEventSection.TrailingBytes"/>); empty
    /// when the event information does not measure.
    /// </summary>
    public ReadOnlySpan<byte> TrailingBytes
    {
        get
        {
            if (!NvidiaEventSection.TryMeasureInfo(_body, out _)) return default;
            var contexts = Contexts;
            while (contexts.MoveNext()) { }
            return _body[contexts.End..];
        }
    }
}

/// <summary>Walks the event contexts of an <see cref="NvidiaEventSectionView"/> (a <c>ref struct</c>: nothing allocated).</summary>
public ref struct NvidiaEventContextEnumerator
{
    private readonly byte _deviceType;
    private ChainWalk _walk;

    internal NvidiaEventContextEnumerator(ReadOnlySpan<byte> body, int start, int count, byte deviceType)
    {
        _deviceType = deviceType;
        _walk = new(body, start, count);
    }

    /// <summary>The context at the current position: its header and the bytes up to its context size.</summary>
    public readonly NvidiaEventContextView Current => NvidiaEventContextView.Of(_walk.Current);

    /// <summary>
    /// The fixed layout of the current context's data for the section's source device type (GPU 0x8000 initialization
    /// metadata, 0x8002 recommended actions; see <see cref="NvidiaEventContext.FixedDataLayout"/>), or null. Its fields
    /// read <see cref="NvidiaEventContextView.Data"/> when the data is at least the layout's size.
    /// </summary>
    public readonly StructDef? DataLayout => _walk.Current.IsEmpty ? null : NvidiaEventContext.FixedDataLayout(_deviceType, Current.DataFormatType);

    /// <summary>The element layout of the current context's data when it is an array (formats 1-4, see <see cref="NvidiaEventContext.ArrayElementLayout"/>), or null.</summary>
    public readonly StructDef? ElementLayout => _walk.Current.IsEmpty ? null : NvidiaEventContext.ArrayElementLayout(_deviceType, Current.DataFormatType);

    /// <summary>Offset in the body just after the last context walked (the end of the event information before the first).</summary>
    internal readonly int End => _walk.End;

    /// <summary>Where the current context starts in the body.</summary>
    internal readonly int Offset => _walk.Position;

    /// <summary>The current context's bytes (header, data and padding, its context size).</summary>
    internal readonly ReadOnlySpan<byte> CurrentBytes => _walk.Current;

    /// <summary>True once the header's context count of contexts has been walked (false while walking, or when one did not fit).</summary>
    internal readonly bool Complete => _walk.Complete;

    /// <summary>Moves to the next context; false after the counted ones, or when the next one's header or context size does not fit.</summary>
    public bool MoveNext() => _walk.Next() && (NvidiaEventSection.TryWalkContext(_walk.Body, _walk.Position, out int size) ? _walk.Accept(size) : _walk.Stop());

    /// <summary>Itself, for <c>foreach</c>.</summary>
    public readonly NvidiaEventContextEnumerator GetEnumerator() => this;
}

public readonly ref partial struct NvidiaEventContextView
{
    /// <summary>
    /// The context's data: the <see cref="DataSize"/> bytes after the 16-byte header (libcper
    /// EFI_NVIDIA_EVENT_CTX_HEADER); empty when the data size does not fit the context (see <see cref="HasData"/>).
    /// </summary>
    public ReadOnlySpan<byte> Data => HasData ? _body.Slice(NvidiaEventSection.ContextHeaderSize, (int)DataSize) : default;

    /// <summary>True when the body holds the header and the data size fits the bytes after it.</summary>
    public bool HasData => _body.Length >= NvidiaEventSection.ContextHeaderSize && DataSize <= (uint)(_body.Length - NvidiaEventSection.ContextHeaderSize);

    /// <summary>The bytes after the data up to the context size (libcper pads each context to a multiple of 16 bytes); empty when the data does not fit.</summary>
    public ReadOnlySpan<byte> Padding => HasData ? _body[(NvidiaEventSection.ContextHeaderSize + (int)DataSize)..] : default;
}
