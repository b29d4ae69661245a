using ApeiKit.Cper.Windows;

namespace ApeiKit.Cper;

/// <summary>How one section type is described and decoded.</summary>
/// <param name="SectionType">The section type GUID.</param>
/// <param name="Name">Human name.</param>
/// <param name="Describe">Walks the body for rendering.</param>
/// <param name="Decode">Builds the editable model.</param>
public sealed record CperSectionCodec(Guid SectionType, string Name, SectionDescriber Describe, SectionDecoder Decode);

/// <summary>
/// The section codec registry: the built-in decoders of UEFI appendix N sections, and the extension
/// point where vendors' decoders are added with <see cref="Register"/>. Types without a codec are
/// kept as raw bytes (named from <see cref="CperGuids"/> when known).
/// </summary>
public static class CperSections
{
    private static readonly object s_lock = new();
    private static Dictionary<Guid, CperSectionCodec> s_codecs = BuiltIn().ToDictionary(c => c.SectionType);

    // One line per built-in section codec.
    private static IEnumerable<CperSectionCodec> BuiltIn() =>
    [
        MemoryErrorSection.Codec,
        ProcessorGenericSection.Codec,
        ArmProcessorSection.Codec,
        PcieErrorSection.Codec,
        Ia32X64ProcessorSection.Codec,
        MemoryError2Section.Codec,
        PciBusErrorSection.Codec,
        DmarGenericSection.Codec,
        DmarVtdSection.Codec,
        DmarIommuSection.Codec,
        PciComponentErrorSection.Codec,
        CcixPerSection.Codec,
        CxlProtocolErrorSection.Codec,
        .. CxlComponentEventSection.Codecs,
        FirmwareErrorRecordReferenceSection.Codec,
        ArmRasSection.Codec,
        // Windows WHEA (non-UEFI) sections, Cper/Sections/Windows.
        XpfMcaSection.Codec,
        ErrorRecoveryInfoSection.Codec,
        MemoryErrorExtIntelSection.Codec,
        PcieDpcSection.Codec,
        // Vendor sections, Cper/Sections/Vendors.
        Vendors.NvidiaSection.Codec,
        Vendors.NvidiaEventSection.Codec,
        Vendors.AmpereSection.Codec,
    ];

    /// <summary>Adds or replaces a codec (thread-safe; lookups never lock).</summary>
    public static void Register(CperSectionCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        lock (s_lock)
        {
            var copy = new Dictionary<Guid, CperSectionCodec>(s_codecs) { [codec.SectionType] = codec };
            s_codecs = copy;
        }
    }

    /// <summary>Every registered codec (built-ins and vendors'), ordered by section type GUID.</summary>
    public static IReadOnlyList<CperSectionCodec> Registered => [.. s_codecs.Values.OrderBy(c => c.SectionType)];

    /// <summary>The codec for a section type, or null.</summary>
    public static CperSectionCodec? Find(Guid sectionType) => s_codecs.GetValueOrDefault(sectionType);

    /// <summary>The name of a section type: the codec's, the registry's, or null.</summary>
    public static string? NameOf(Guid sectionType) => Find(sectionType)?.Name ?? CperGuids.SectionName(sectionType);

    /// <summary>Describes a body with its codec, or as raw bytes. Content errors propagate as <see cref="ApeiContentException"/>.</summary>
    public static void DescribeBody(Guid sectionType, ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
    {
        if (Find(sectionType) is { } codec) codec.Describe(body, baseOffset, visitor);
        else RawSectionBody.DescribeRaw(body, baseOffset, visitor);
    }

    /// <summary>Decodes a body with its codec, or keeps it raw.</summary>
    public static CperSectionBody DecodeBody(Guid sectionType, ReadOnlySpan<byte> body, long baseOffset)
        => Find(sectionType) is { } codec ? codec.Decode(body, baseOffset) : new RawSectionBody(sectionType, body.ToArray());
}
