using ApeiKit.Cper.Windows;

namespace ApeiKit.Cper;

/// <summary>How one section type is described and decoded.</summary>
/// <param name="SectionType">The section type GUID.</param>
/// <param name="Name">Human name.</param>
/// <param name="Describe">Walks the body for rendering.</param>
/// <param name="Decode">Builds the editable model.</param>
public sealed record CperSectionCodec(Guid SectionType, string Name, SectionDescriber Describe, SectionDecoder Decode)
{
    /// <summary>When set, used instead of <see cref="Describe"/> with the options of the describe call (a codec whose reading depends on them).</summary>
    public SectionOptionsDescriber? DescribeWithOptions { get; init; }

    /// <summary>When set, used instead of <see cref="Decode"/> with the options of the decode call (a codec whose reading depends on them).</summary>
    public SectionOptionsDecoder? DecodeWithOptions { get; init; }
}

/// <summary>
/// Shortcuts to the built-in section codecs and what was added to <see cref="CperSectionRegistry.Default"/>. There is no
/// ambient registry: a decode or describe call that should use another registry is handed it
/// (<see cref="CperDecodeOptions.Sections"/>). Types without a codec are kept as raw bytes (named from
/// <see cref="CperGuids"/> when known). Vendors add codecs to a <see cref="CperSectionRegistry"/> instance.
/// </summary>
public static partial class CperSections
{
    // The built-in section codecs: those of the sections declared with [Layout(SectionGuid = ...)], registered by the
    // layout generator (DeclaredCodecs(), LayoutGenerator.Registry.cs), then one line per section whose codec is written by hand.
    internal static IEnumerable<CperSectionCodec> BuiltIn() =>
    [
        .. DeclaredCodecs(),
        ArmProcessorSection.Codec,
        PcieErrorSection.Codec,
        Ia32X64ProcessorSection.Codec,
        PciComponentErrorSection.Codec,
        CcixPerSection.Codec,
        CxlProtocolErrorSection.Codec,
        .. CxlComponentEventSection.Codecs,
        FirmwareErrorRecordReferenceSection.Codec,
        ArmRasSection.Codec,
        // Windows WHEA (non-UEFI) sections, Cper/Sections/Windows.
        XpfMcaSection.Codec,
        // Vendor sections, Cper/Sections/Vendors.
        Vendors.NvidiaSection.Codec,
        Vendors.NvidiaEventSection.Codec,
    ];

    /// <summary>Adds a codec to <see cref="CperSectionRegistry.Default"/> (the same codec again does nothing).</summary>
    /// <exception cref="InvalidOperationException">Another codec already handles that GUID (this no longer replaces built-in codecs silently: use <see cref="CperSectionRegistry.Override"/>).</exception>
    [Obsolete("Register codecs on a registry instance: new CperSectionRegistry().Add(codec), passed to decode/describe calls as new CperDecodeOptions { Sections = registry }; CperSectionRegistry.Default.Add for the process-wide registry.")]
    public static void Register(CperSectionCodec codec) => CperSectionRegistry.Default.Add(codec);

    /// <summary>Every codec of <see cref="CperSectionRegistry.Default"/>, ordered by section type GUID.</summary>
    public static IReadOnlyList<CperSectionCodec> Registered => CperSectionRegistry.Default.Codecs;

    /// <summary>The codec for a section type in <see cref="CperSectionRegistry.Default"/>, or null.</summary>
    public static CperSectionCodec? Find(Guid sectionType) => CperSectionRegistry.Default.Find(sectionType);

    /// <summary>The name of a section type: the codec's, the GUID registry's, or null.</summary>
    public static string? NameOf(Guid sectionType) => CperSectionRegistry.Default.NameOf(sectionType);

    /// <summary>Describes a body with the codec of <see cref="CperSectionRegistry.Default"/>, or as raw bytes. Content errors (and anything a vendor codec throws) propagate as <see cref="ApeiContentException"/>.</summary>
    public static void DescribeBody(Guid sectionType, ReadOnlySpan<byte> body, long baseOffset, StructureVisitor visitor)
        => CperSectionRegistry.Default.DescribeBody(sectionType, body, baseOffset, visitor);

    /// <summary>Decodes a body with the codec of <see cref="CperSectionRegistry.Default"/>, or keeps it raw.</summary>
    public static CperSectionBody DecodeBody(Guid sectionType, ReadOnlySpan<byte> body, long baseOffset)
        => CperSectionRegistry.Default.DecodeBody(sectionType, body, baseOffset);
}
