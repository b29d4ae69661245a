namespace ApeiKit.Tests.Cper;

/// <summary>
/// A fixed section is its declaration (issue #12, "Measures"): <c>[Layout(..., SectionGuid = "&lt;guid&gt;", GuidName = "X",
/// DisplayName = "...")]</c> gives the generator the CperGuids member and entry and the built-in registration, and a GUID
/// that is no GUID (APK009), a GUID two sections declare or CperGuids already writes (APK010), a section without its
/// display name (APK011), a GuidName another section or CperGuids already takes (APK012) or a GuidName that cannot be
/// emitted (APK004) is a build error at the declaration.
/// </summary>
public sealed partial class GeneratorDiagnosticTests
{
    private const string ProbeGuid = "0f0e0d0c-0b0a-4908-8706-050403020100";

    private static string SectionProbe(string arguments, string className = "ProbeSection") => $$"""

        /// <summary>Probe.</summary>
        [Layout("Probe section", 16, "test clause, Table 1", {{arguments}})]
        public sealed partial class {{className}} : FixedSectionBody
        {
            /// <summary>Address.</summary>
            [Field(0, 8, FieldKind.Hex)] public partial ulong PhysicalAddress { get; set; }
        }

        """;

    // Probe sections beside a stand-in for ApeiKit.Cper's own CperGuids and CperSections (written parts, partial): the
    // probe compilation then gets the members, entries and registration the Cper assembly gets (block namespaces: Header's
    // file-scoped one cannot stand beside a second namespace).
    private static string WithWrittenRegistry(string sections) => """
        using System;
        using System.Collections.Generic;
        using ApeiKit;
        using ApeiKit.Cper;
        using ApeiKit.Declarations;

        namespace Probe
        {
        """ + sections + "}\n" + WrittenRegistry;

    private const string WrittenRegistry = """

        namespace ApeiKit.Cper
        {
            public static partial class CperGuids
            {
                public static readonly Guid Written = new("11111111-2222-4333-8444-555555555555");
                public static readonly Guid Notify = new("66666666-7777-4888-9999-aaaaaaaaaaaa");
                public static IReadOnlyList<CperGuidInfo> Entries => DeclaredSections();
                public static IReadOnlyList<CperGuidInfo> WrittenEntries => new CperGuidInfo[]
                {
                    new(Written, CperGuidKind.Section, "Written", "test"),
                    new(new("bbbbbbbb-cccc-4ddd-8eee-ffffffffffff"), CperGuidKind.Section, "Written in place", "test"),
                    new(Notify, CperGuidKind.Notification, "Notify", "test"),
                };
            }

            public static partial class CperSections
            {
                public static IReadOnlyList<CperSectionCodec> Codecs => DeclaredCodecs();
            }
        }

        """;

    [Fact]
    public void A_section_declaration_gets_its_CperGuids_member_entry_and_registration_generated()
    {
        var (diagnostics, compilation) = Run(WithWrittenRegistry(
            SectionProbe($"SectionGuid = \"{ProbeGuid.ToUpperInvariant()}\", GuidName = \"Probe\", DisplayName = \"Probe Display\"")
            + SectionProbe("SectionGuid = \"00000000-0000-4000-8000-000000000001\", DisplayName = \"Own\", GuidSource = \"Vendor header\"", "OwnSection")));
        Assert.Empty(diagnostics);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        string guids = Generated(compilation, "ApeiKit.Cper.CperGuids.Declared.g.cs");
        string sections = Generated(compilation, "ApeiKit.Cper.CperSections.Declared.g.cs");
        TextAssert.ContainsAll(guids,
            $"public static readonly global::System.Guid Probe = new(\"{ProbeGuid}\");", // written once, lower case
            // GUID text order: the class's own GUID (00000000-...) first; the source is the clause up to its comma.
            $"new(new global::System.Guid(\"00000000-0000-4000-8000-000000000001\"), global::ApeiKit.Cper.CperGuidKind.Section, \"Own\", \"Vendor header\"),\n"
            + $"        new(new global::System.Guid(\"{ProbeGuid}\"), global::ApeiKit.Cper.CperGuidKind.Section, \"Probe Display\", \"test clause\"),");
        Assert.DoesNotContain("OwnSection", guids, StringComparison.Ordinal); // no GuidName: no CperGuids member
        TextAssert.ContainsAll(sections, "global::Probe.OwnSection.Codec,\n        global::Probe.ProbeSection.Codec,");
        TextAssert.ContainsAll(Generated(compilation, "Probe.ProbeSection.g.cs"),
            "Codec { get; } = new(global::ApeiKit.Cper.CperGuids.Probe, \"Probe Display\", Describe",
            "SectionType => global::ApeiKit.Cper.CperGuids.Probe;");
        TextAssert.ContainsAll(Generated(compilation, "Probe.OwnSection.g.cs"),
            "public static readonly global::System.Guid SectionGuid = new(\"00000000-0000-4000-8000-000000000001\");",
            "Codec { get; } = new(SectionGuid, \"Own\", Describe");
    }

    [Theory]
    [InlineData("SectionGuid = \"CperGuids.PciBus\", DisplayName = \"Probe\"", "APK009", "'CperGuids.PciBus' given as SectionGuid of 'ProbeSection' is not a GUID (8-4-4-4-12 hexadecimal digits)")]
    [InlineData("SectionGuid = \"0f0e0d0c-0b0a-4908-8706-05040302010\", DisplayName = \"Probe\"", "APK009", "'0f0e0d0c-0b0a-4908-8706-05040302010' given as SectionGuid of 'ProbeSection' is not a GUID (8-4-4-4-12 hexadecimal digits)")]
    [InlineData("SectionGuid = \"0f0e0d0c-0b0a-4908-8706-05040302010g\", DisplayName = \"Probe\"", "APK009", "'0f0e0d0c-0b0a-4908-8706-05040302010g' given as SectionGuid of 'ProbeSection' is not a GUID (8-4-4-4-12 hexadecimal digits)")]
    [InlineData("SectionGuid = \"0f0e0d0c0b0a-4908-8706-050403020100-\", DisplayName = \"Probe\"", "APK009", "'0f0e0d0c0b0a-4908-8706-050403020100-' given as SectionGuid of 'ProbeSection' is not a GUID (8-4-4-4-12 hexadecimal digits)")]
    [InlineData("SectionGuid = \"" + ProbeGuid + "\"", "APK011", "'ProbeSection' gives SectionGuid but no DisplayName (the name CperGuids and the codec show)")]
    [InlineData("SectionGuid = \"" + ProbeGuid + "\", DisplayName = \"\"", "APK011", "'ProbeSection' gives SectionGuid but no DisplayName (the name CperGuids and the codec show)")]
    [InlineData("SectionGuid = \"" + ProbeGuid + "\", DisplayName = \"Probe\", GuidName = \"Probe Guid\"", "APK004", "GuidName 'Probe Guid' of 'ProbeSection' is not an identifier")]
    [InlineData("SectionGuid = \"" + ProbeGuid + "\", DisplayName = \"Probe\", GuidName = \"Probe\"", "APK004", "GuidName 'Probe' of 'ProbeSection': this assembly does not declare ApeiKit.Cper.CperGuids (leave GuidName out: the class gets its own SectionGuid)")]
    public void A_faulty_section_type_declaration_is_a_build_error_at_the_declaration(string arguments, string id, string message)
        => AssertOneError(Header + SectionProbe(arguments), id, message, "[Layout(\"Probe section\"");

    [Fact]
    public void One_section_type_GUID_declared_by_two_sections_is_a_build_error_at_the_second()
    {
        string source = Header + SectionProbe($"SectionGuid = \"{ProbeGuid}\", DisplayName = \"A\"", "ProbeA")
            + SectionProbe($"SectionGuid = \"{ProbeGuid.ToUpperInvariant()}\", DisplayName = \"B\"", "ProbeB");
        var (diagnostics, compilation) = Run(source);
        var d = Assert.Single(diagnostics);
        Assert.Equal("APK010", d.Id);
        Assert.Equal($"Section type {ProbeGuid} of 'ProbeB' is already declared by 'ProbeA'", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        // The second declaration's [Layout] line (the one the upper-case GUID stands on).
        Assert.Equal(Array.FindIndex(source.Split('\n'), l => l.Contains(ProbeGuid.ToUpperInvariant(), StringComparison.Ordinal)), d.Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void A_section_type_GUID_CperGuids_already_writes_is_a_build_error()
        => AssertOneError(WithWrittenRegistry(SectionProbe("SectionGuid = \"11111111-2222-4333-8444-555555555555\", GuidName = \"Again\", DisplayName = \"Again\"")),
            "APK010", "Section type 11111111-2222-4333-8444-555555555555 of 'ProbeSection' is already written in CperGuids", "[Layout(\"Probe section\"");

    [Fact]
    public void A_section_type_GUID_written_in_place_in_a_CperGuids_entry_is_a_build_error()
        => AssertOneError(WithWrittenRegistry(SectionProbe("SectionGuid = \"BBBBBBBB-CCCC-4DDD-8EEE-FFFFFFFFFFFF\", DisplayName = \"Again\"")),
            "APK010", "Section type bbbbbbbb-cccc-4ddd-8eee-ffffffffffff of 'ProbeSection' is already written in CperGuids", "[Layout(\"Probe section\"");

    [Fact]
    public void A_section_type_GUID_CperGuids_writes_only_as_another_kind_is_no_section_already_written()
    {
        // CperGuids writes 66666666-... as a notification type: a section of that GUID is another registry entry.
        var (diagnostics, compilation) = Run(WithWrittenRegistry(SectionProbe("SectionGuid = \"66666666-7777-4888-9999-aaaaaaaaaaaa\", DisplayName = \"Probe\"")));
        Assert.Empty(diagnostics);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        Assert.Contains("66666666-7777-4888-9999-aaaaaaaaaaaa", Generated(compilation, "ApeiKit.Cper.CperGuids.Declared.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void One_GuidName_for_two_section_types_is_a_build_error_at_the_second_not_CS0102()
    {
        string source = WithWrittenRegistry(
            SectionProbe($"SectionGuid = \"{ProbeGuid}\", GuidName = \"Probe\", DisplayName = \"A\"", "ProbeA")
            + SectionProbe("SectionGuid = \"ffffffff-0000-4000-8000-000000000001\", GuidName = \"Probe\", DisplayName = \"B\"", "ProbeB"));
        var (diagnostics, compilation) = Run(source);
        var d = Assert.Single(diagnostics);
        Assert.Equal("APK012", d.Id);
        Assert.Equal("GuidName 'Probe' of 'ProbeB' is already the member of 'ProbeA'", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        // At the second declaration's [Layout] line.
        Assert.Contains("ffffffff-0000-4000-8000-000000000001", source.Split('\n')[d.Location.GetLineSpan().StartLinePosition.Line], StringComparison.Ordinal);
        Assert.Empty(compilation.GetDiagnostics().Where(e => e.Id is "CS0102" or "CS0229"));
    }

    [Fact]
    public void A_GuidName_CperGuids_already_writes_is_a_build_error_not_CS0102()
    {
        var (diagnostics, compilation) = Run(WithWrittenRegistry(SectionProbe($"SectionGuid = \"{ProbeGuid}\", GuidName = \"Notify\", DisplayName = \"A\"")));
        var d = Assert.Single(diagnostics);
        Assert.Equal("APK012", d.Id);
        Assert.Equal("GuidName 'Notify' of 'ProbeSection' is already a member written in CperGuids", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(compilation.GetDiagnostics().Where(e => e.Id is "CS0102" or "CS0229"));
    }
}
