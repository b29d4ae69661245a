namespace ApeiKit.Cper;

/// <summary>
/// What the record describer knows of a section type (UEFI 2.10 N.2.2, Section Type): its codec (null when none of the
/// registry's codecs reads it), its name encoded once (the codec's name, else the GUID registry's) and whether the codec
/// is built in. A section type in neither has no entry.
/// </summary>
internal sealed class CperSectionEntry(CperSectionCodec? codec, JsonName name, bool builtIn)
{
    public readonly CperSectionCodec? Codec = codec;
    public readonly JsonName Name = name;
    public readonly bool BuiltIn = builtIn;
}

/// <summary>
/// A registry's section types looked up from the 16 bytes of a descriptor's Section Type field (issue #15: one lookup
/// per section, no <see cref="Guid"/> made): the registry's codecs, then the GUID registry's section names
/// (<see cref="CperGuids"/>, their names encoded there once) for the types no codec reads, in an open-addressed table keyed
/// by the GUID's bytes (<see cref="LcGuidTable{T}"/>). Built once per set of codecs (<see cref="CperSectionRegistry"/> builds it where it replaces them).
/// </summary>
internal sealed class CperSectionLookup
{
    private readonly LcGuidTable<CperSectionEntry> _table;

    /// <param name="codecs">The registry's codecs by section type, their names encoded once and whether each is built in.</param>
    public CperSectionLookup(IReadOnlyDictionary<Guid, (CperSectionCodec Codec, JsonName Name, bool BuiltIn)> codecs)
    {
        var entries = new Dictionary<Guid, CperSectionEntry>();
        foreach (var (guid, e) in codecs) entries[guid] = new CperSectionEntry(e.Codec, e.Name, e.BuiltIn);
        foreach (var info in CperGuids.All)
            if (info.Kind == CperGuidKind.Section && !entries.ContainsKey(info.Guid)) entries[info.Guid] = new CperSectionEntry(null, CperGuids.EncodedName(info.Guid, info.Kind), false);
        _table = new LcGuidTable<CperSectionEntry>(entries);
    }

    /// <summary>The section type whose GUID's 16 bytes are <paramref name="sectionType"/>, or null when neither a codec nor the GUID registry knows it.</summary>
    public CperSectionEntry? Find(ReadOnlySpan<byte> sectionType) => _table.Find(sectionType);
}
