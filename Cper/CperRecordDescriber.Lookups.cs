using ApeiKit.Cper.LibCper;

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
/// (<see cref="CperGuids"/>) for the types no codec reads, in the open-addressed table the libcper dialect uses
/// (<see cref="LcGuidTable{T}"/>). Built once per set of codecs (<see cref="CperSectionRegistry"/> rebuilds it when its codecs change).
/// </summary>
internal sealed class CperSectionLookup
{
    private readonly LcGuidTable<CperSectionEntry> _table;

    /// <param name="codecs">The registry's codecs by section type, their names encoded once and whether each is built in.</param>
    public CperSectionLookup(IReadOnlyDictionary<Guid, (CperSectionCodec Codec, JsonName Name, bool BuiltIn)> codecs)
    {
        Codecs = codecs;
        var entries = new Dictionary<Guid, CperSectionEntry>();
        foreach (var (guid, e) in codecs) entries[guid] = new CperSectionEntry(e.Codec, e.Name, e.BuiltIn);
        foreach (var info in CperGuids.All)
            if (info.Kind == CperGuidKind.Section && !entries.ContainsKey(info.Guid)) entries[info.Guid] = new CperSectionEntry(null, new JsonName(info.Name), false);
        _table = new LcGuidTable<CperSectionEntry>(entries);
    }

    /// <summary>The codecs this table was built from (the registry compares it with its current set).</summary>
    public object Codecs { get; }

    /// <summary>The section type whose GUID's 16 bytes are <paramref name="sectionType"/>, or null when neither a codec nor the GUID registry knows it.</summary>
    public CperSectionEntry? Find(ReadOnlySpan<byte> sectionType) => _table.Find(sectionType);
}

/// <summary>
/// The record header's creator and notification type names (UEFI 2.10 N.2.1, Creator ID and Notification Type), looked
/// up from the GUIDs' bytes (<see cref="LcGuidTable{T}"/>), each name encoded once.
/// </summary>
internal static class CperHeaderNames
{
    /// <summary>A name encoded once, as a class (the table's values are references).</summary>
    internal sealed class Entry(JsonName name)
    {
        public readonly JsonName Name = name;
    }

    public static readonly LcGuidTable<Entry> Creators = Of(CperGuidKind.Creator), Notifications = Of(CperGuidKind.Notification);

    private static LcGuidTable<Entry> Of(CperGuidKind kind)
        => new(CperGuids.All.Where(e => e.Kind == kind).Select(e => KeyValuePair.Create(e.Guid, new Entry(new JsonName(e.Name)))));
}
