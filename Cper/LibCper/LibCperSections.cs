// [lc-audit E] the family registry
namespace ApeiKit.Cper.LibCper;

/// <summary>The libcper section families ApeiKit renders (libcper <c>sections/cper-section.c</c> lists the same GUIDs).</summary>
internal static class LibCperSections
{
    private static readonly Dictionary<Guid, LibCperSection> s_sections = Build();

    private static Dictionary<Guid, LibCperSection> Build()
    {
        LibCperSection[] all =
        [
            LcFixed.GenericProcessor, LcFixed.Memory, LcFixed.Memory2, LcFixed.PciBus, LcVariable.PciComponent, LcFixed.Firmware,
            LcFixed.DmarGeneric, LcDmar.Vtd, LcDmar.Iommu, LcVariable.CcixPer, LcCxlProtocol.Map, .. LcVariable.CxlComponent,
        ];
        var map = new Dictionary<Guid, LibCperSection>();
        foreach (var s in all) map[s.SectionType] = s;
        foreach (var s in Extra()) map[s.SectionType] = s;
        return map;
    }

    /// <summary>Families that live in their own files (PCIe, ARM, IA32/X64, NVIDIA, ARM RAS) once present.</summary>
    private static IEnumerable<LibCperSection> Extra() => LibCperExtraSections.All;

    public static LibCperSection? Find(Guid type) => s_sections.GetValueOrDefault(type);

    private static readonly LcGuidTable<LibCperSection> s_byBytes = new(s_sections);

    /// <summary>The family of the section type whose 16 GUID bytes are <paramref name="raw"/> (a descriptor's, as written).</summary>
    public static LibCperSection? Find(ReadOnlySpan<byte> raw) => s_byBytes.Find(raw);

    /// <summary>The families declared as member maps (one per section type).</summary>
    public static IEnumerable<LibCperMap> Maps => s_sections.Values.OfType<LibCperMap>();
}
