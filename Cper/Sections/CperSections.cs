using ApeiKit.Cper.Windows;

namespace ApeiKit.Cper;

/// <summary>How one section type is described and decoded.</summary>
/// <param name="SectionType">The section type GUID.</param>
/// <param name="Name">Human name.</param>
/// <param name="Describe">Walks the body for rendering.</param>
/// <param name="Decode">Builds the editable model.</param>
public sealed record CperSectionCodec(Guid SectionType, string Name, SectionDescriber Describe, SectionDecoder Decode);

/// <summary>
/// The section codecs in force (<see cref="CperSectionRegistry.Current"/>: <see cref="CperSectionRegistry.Default"/> unless a
/// registry was given to the decode or describe call or put in force with <see cref="CperSectionRegistry.Use"/>). Types
/// without a codec are kept as raw bytes (named from <see cref="CperGuids"/> when known). Vendors add codecs to a
/// <see cref="CperSectionRegistry"/>.
/// </summary>
public static class CperSections
{
    // One line per built-in section codec.
    internal static IEnumerable<CperSectionCodec> BuiltIn() =>
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

    /// <summary>Adds a codec to <see cref="CperSectionRegistry.Default"/> (the same codec again does nothing).</summary>
    /// <exception cref="InvalidOperationException">Another codec already handles that GUID (this no longer replaces built-in codecs silently: use <see cref="CperSectionRegistry.Override"/>).</exception>
    [Obsolete("Register codecs on a registry instance: new CperSectionRegistry().Add(codec), passed to decode/describe calls (sections: parameter) or put in force with CperSectionRegistry.Use; CperSectionRegistry.Default.Add for the process-wide registry.")]
    public static void Register(CperSectionCodec codec) => CperSectionRegistry.Default.Add(codec);

    /// <summary>Every codec of the registry in force, ordered by section type GUID.</summary>
    public static IReadOnlyList<CperSectionCodec> Registered => CperSectionRegistry.Current.Codecs;

    /// <summary>The codec for a section type in the registry in force, or null.</summary>
    public static CperSectionCodec? Find(Guid sectionType) => CperSectionRegistry.Current.Find(sectionType);

    /// <summary>The name of a section type: the codec's, the GUID registry's, or null.</summary>
    public static string? NameOf(Guid sectionType) => CperSectionRegistry.Current.NameOf(sectionType);

    /// <summary>Describes a body with the codec in force, or as raw bytes. Content errors (and anything a vendor codec throws) propagate as <see cref="ApeiContentException"/>.</summary>
    public static void DescribeBody(Guid sectionType, ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
        => CperSectionRegistry.Current.DescribeBody(sectionType, body, baseOffset, visitor);

    /// <summary>Decodes a body with the codec in force, or keeps it raw.</summary>
    public static CperSectionBody DecodeBody(Guid sectionType, ReadOnlySpan<byte> body, long baseOffset)
        => CperSectionRegistry.Current.DecodeBody(sectionType, body, baseOffset);
}
