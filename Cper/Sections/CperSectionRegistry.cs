using System.Collections.Frozen;

namespace ApeiKit.Cper;

/// <summary>
/// A set of CPER section codecs (UEFI 2.10 N.2.3: a section type GUID names the body's format; vendors define their own).
/// <see cref="Default"/> holds the built-in codecs and is what decoding and rendering use unless told otherwise; a registry
/// made with <see cref="CperSectionRegistry()"/> starts with the built-ins too, takes vendor codecs with <see cref="Add"/>,
/// and is handed to a decode or describe call in its options (<see cref="CperDecodeOptions.Sections"/>); there is no
/// ambient registry (a call without options uses <see cref="Default"/>).
/// <para>
/// Safe extension: <see cref="Add"/> never replaces a codec (a GUID already present is an error; replacing needs
/// <see cref="Override"/>), and a codec that is not built in is contained: whatever it throws while describing or
/// decoding a body becomes an <see cref="ApeiContentException"/> for that section (lenient decoding keeps the body raw,
/// renderings show the error and go on with the next section), and objects it left open are closed. Registered names
/// are shown wherever a section type GUID is named (descriptor and entry lines, section labels, <c>sectionName</c>).
/// </para>
/// Lookups never lock; <see cref="Add"/> and <see cref="Override"/> are thread-safe (copy on write).
/// </summary>
public sealed class CperSectionRegistry
{
    private static readonly FrozenSet<CperSectionCodec> s_builtIn = CperSections.BuiltIn().ToFrozenSet<CperSectionCodec>(ReferenceEqualityComparer.Instance);

    private readonly object _lock = new();
    // Each codec with its name encoded once (JsonName) and whether it is built in: the record describer's one lookup per
    // section (SectionLookup, from the GUID's bytes) yields the codec, the label text, the sectionName bytes and whether to
    // contain it (no renderer cache lookup and no built-in set lookup per section, issue #15). The codecs and the lookup
    // built from them are one snapshot, replaced whole (constructor, Add, Override under the lock): a reader sees both of one set.
    private Snapshot _snapshot;

    private sealed class Snapshot(Dictionary<Guid, (CperSectionCodec Codec, JsonName Name, bool BuiltIn)> codecs)
    {
        public readonly Dictionary<Guid, (CperSectionCodec Codec, JsonName Name, bool BuiltIn)> Codecs = codecs;
        public readonly CperSectionLookup Lookup = new(codecs);
    }

    /// <summary>A registry holding the built-in codecs (independent of <see cref="Default"/>: what is added to one is not in the other).</summary>
    public CperSectionRegistry() => _snapshot = new Snapshot(s_builtIn.ToDictionary(c => c.SectionType, Entry));

    private static (CperSectionCodec Codec, JsonName Name, bool BuiltIn) Entry(CperSectionCodec codec) => (codec, new JsonName(codec.Name), IsBuiltIn(codec));

    /// <summary>The process-wide registry: the built-in codecs and what was added to it. Used when no other registry is given.</summary>
    public static CperSectionRegistry Default { get; } = new();

    /// <summary>Adds a codec for a section type no codec of this registry handles yet (adding the same codec again does nothing).</summary>
    /// <exception cref="InvalidOperationException">Another codec (built in or added) already handles that GUID: use <see cref="Override"/> to replace it on purpose.</exception>
    public CperSectionRegistry Add(CperSectionCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        lock (_lock)
        {
            if (_snapshot.Codecs.TryGetValue(codec.SectionType, out var entry))
            {
                var present = entry.Codec;
                if (ReferenceEquals(present, codec)) return this;
                throw new InvalidOperationException(
                    $"Section type {EfiGuid.ToText(codec.SectionType)} already has the {(IsBuiltIn(present) ? "built-in" : "added")} codec \"{present.Name}\"; "
                    + "call Override to replace it on purpose.");
            }
            _snapshot = new Snapshot(new Dictionary<Guid, (CperSectionCodec, JsonName, bool)>(_snapshot.Codecs) { [codec.SectionType] = Entry(codec) });
        }
        return this;
    }

    /// <summary>Replaces the codec of a section type (built in or added), or adds it: the explicit way to change how a known section is read.</summary>
    /// <returns>The codec replaced, or null.</returns>
    public CperSectionCodec? Override(CperSectionCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        lock (_lock)
        {
            var previous = _snapshot.Codecs.TryGetValue(codec.SectionType, out var entry) ? entry.Codec : null;
            _snapshot = new Snapshot(new Dictionary<Guid, (CperSectionCodec, JsonName, bool)>(_snapshot.Codecs) { [codec.SectionType] = Entry(codec) });
            return previous;
        }
    }

    /// <summary>Every codec, ordered by section type GUID.</summary>
    public IReadOnlyList<CperSectionCodec> Codecs => [.. _snapshot.Codecs.Values.Select(e => e.Codec).OrderBy(c => c.SectionType)];

    /// <summary>True for the codecs ApeiKit ships (their exceptions are not contained: they throw only <see cref="ApeiContentException"/>).</summary>
    public static bool IsBuiltIn(CperSectionCodec codec) => codec is not null && s_builtIn.Contains(codec);

    /// <summary>The codec for a section type, or null.</summary>
    public CperSectionCodec? Find(Guid sectionType) => _snapshot.Codecs.TryGetValue(sectionType, out var e) ? e.Codec : null;

    /// <summary>The record describer's one lookup per section, from the Section Type bytes (<see cref="CperSectionLookup"/>), built with each set of codecs.</summary>
    internal CperSectionLookup SectionLookup => _snapshot.Lookup;

    /// <summary>The name of a section type: its codec's, else the GUID registry's (<see cref="CperGuids"/>), else null.</summary>
    public string? NameOf(Guid sectionType) => Find(sectionType)?.Name ?? CperGuids.SectionName(sectionType);

    /// <summary>
    /// The name shown beside a section type GUID in a field (descriptor, entry header) of the static layouts: the GUID
    /// registry's name, else the name of a codec of <see cref="Default"/>. A describe call given another registry shows
    /// that registry's names (<see cref="WithSectionTypeNames"/>).
    /// </summary>
    public static string? GuidName(Guid sectionType) => CperGuids.SectionName(sectionType) ?? Default.Find(sectionType)?.Name;

    /// <summary>This registry's <see cref="GuidName"/>: the GUID registry's name, else the name of a codec of this registry.</summary>
    public string? SectionTypeName(Guid sectionType) => CperGuids.SectionName(sectionType) ?? Find(sectionType)?.Name;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<StructDef, StructDef> _namedLayouts = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// <paramref name="layout"/> with its section type GUID fields (those named by <see cref="GuidName"/>) named by this
    /// registry (<see cref="SectionTypeName"/>), so a vendor's GUID registered here is named in descriptor and entry
    /// lines. <see cref="Default"/> returns the layout itself; another registry makes the copy once and keeps it.
    /// </summary>
    public StructDef WithSectionTypeNames(StructDef layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (ReferenceEquals(this, Default)) return layout;
        return _namedLayouts.GetOrAdd(layout, static (l, registry) =>
        {
            Func<Guid, string?> staticNames = GuidName, names = registry.SectionTypeName;
            return new StructDef(l.Name, l.Size, [.. l.Fields.Select(f => f.GuidNames is { } n && n.Equals(staticNames) ? f with { GuidNames = names } : f)],
                l.ValidationField?.Json, l.ParentValidBit);
        }, this);
    }

    /// <summary>Describes a body with its codec, or as raw bytes. Content errors propagate as <see cref="ApeiContentException"/>; so does anything a codec that is not built in throws.</summary>
    /// <param name="sectionType">The section type GUID.</param>
    /// <param name="body">The section body.</param>
    /// <param name="baseOffset">Absolute offset of the body.</param>
    /// <param name="visitor">Receives the walk.</param>
    /// <param name="options">Limits and ARM error-type reading for the codec (its <see cref="CperDecodeOptions.Sections"/> is not consulted: this registry is); null: the defaults.</param>
    public void DescribeBody(Guid sectionType, ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor, CperDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        var codec = Find(sectionType);
        if (codec is null)
        {
            RawSectionBody.DescribeRaw(body, baseOffset, visitor);
            return;
        }
        DescribeWith(codec, body, baseOffset, visitor, options ?? CperDecodeOptions.Default);
    }

    /// <summary>
    /// Describes a body with a codec already looked up (the record describer's one lookup per section): a built-in codec
    /// runs as it is; anything a codec that is not built in throws is reported as an <see cref="ApeiContentException"/>,
    /// with the objects it left open closed.
    /// </summary>
    internal static void DescribeWith(CperSectionCodec codec, ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor, CperDecodeOptions options)
        => DescribeWith(codec, IsBuiltIn(codec), body, baseOffset, visitor, options);

    /// <summary><see cref="DescribeWith(CperSectionCodec, ReadOnlySpan{byte}, long, StructureVisitor, CperDecodeOptions)"/> with <see cref="IsBuiltIn"/> known (the registry entry's).</summary>
    internal static void DescribeWith(CperSectionCodec codec, bool builtIn, ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor, CperDecodeOptions options)
    {
        if (builtIn)
        {
            if (codec.DescribeWithOptions is { } withOptions) withOptions(body, baseOffset, visitor, options);
            else codec.Describe(body, baseOffset, visitor);
            return;
        }
        var guard = new ContainingVisitor(visitor);
        try
        {
            if (codec.DescribeWithOptions is { } withOptions) withOptions(body, baseOffset, guard, options);
            else codec.Describe(body, baseOffset, guard);
        }
        catch (ApeiContentException)
        {
            guard.CloseOpen();
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            guard.CloseOpen();
            throw CodecFailed(codec, "describing", baseOffset, e);
        }
    }

    /// <summary>Decodes a body with its codec, or keeps it raw. A codec that is not built in and throws anything is reported as an <see cref="ApeiContentException"/>.</summary>
    /// <param name="sectionType">The section type GUID.</param>
    /// <param name="body">The section body.</param>
    /// <param name="baseOffset">Absolute offset of the body.</param>
    /// <param name="options">Limits and ARM error-type reading for the codec (its <see cref="CperDecodeOptions.Sections"/> is not consulted: this registry is); null: the defaults.</param>
    public CperSectionBody DecodeBody(Guid sectionType, ReadOnlySpan<byte> body, long baseOffset, CperDecodeOptions? options = null)
    {
        var codec = Find(sectionType);
        if (codec is null) return new RawSectionBody(sectionType, body.ToArray());
        options ??= CperDecodeOptions.Default;
        if (IsBuiltIn(codec)) return codec.DecodeWithOptions is { } builtIn ? builtIn(body, baseOffset, options) : codec.Decode(body, baseOffset);
        try
        {
            return (codec.DecodeWithOptions is { } withOptions ? withOptions(body, baseOffset, options) : codec.Decode(body, baseOffset))
                ?? throw new InvalidOperationException("the codec returned no body");
        }
        catch (ApeiContentException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw CodecFailed(codec, "decoding", baseOffset, e);
        }
    }

    private static ApeiContentException CodecFailed(CperSectionCodec codec, string what, long offset, Exception e)
        => new($"{codec.Name} section", null, offset, $"a body the \"{codec.Name}\" codec reads",
            $"the codec failed {what} it ({e.GetType().Name}: {e.Message})");

    /// <summary>Passes a third-party codec's walk on, remembering what it opened, so what it left open when it threw can be closed.</summary>
    private sealed class ContainingVisitor : ForwardingVisitor
    {
        private readonly Stack<bool> _open = new(); // true: array

        public ContainingVisitor(StructureVisitor inner) : base(inner) => PreferBinaryTimestamps = inner.PreferBinaryTimestamps;

        public override void BeginObject(string? json, string label, long offset, long length)
        {
            base.BeginObject(json, label, offset, length);
            _open.Push(false);
        }

        public override void EndObject()
        {
            if (_open.Count == 0 || _open.Peek()) return; // more ends than begins: not passed on (it would close the caller's object)
            _open.Pop();
            base.EndObject();
        }

        public override void BeginArray(string json, string label, long offset, long length)
        {
            base.BeginArray(json, label, offset, length);
            _open.Push(true);
        }

        public override void EndArray()
        {
            if (_open.Count == 0 || !_open.Peek()) return;
            _open.Pop();
            base.EndArray();
        }

        public void CloseOpen()
        {
            while (_open.TryPop(out bool isArray))
            {
                if (isArray) Inner.EndArray(); else Inner.EndObject();
            }
        }
    }
}
