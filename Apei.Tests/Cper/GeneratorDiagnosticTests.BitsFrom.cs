namespace ApeiKit.Tests.Cper;

// BitsFrom = "Type.Member" (generators/ApeiKit.Generators/LayoutGenerator.cs MergeBitsFrom): a Bits field takes the [Bit]
// lines declared once on another member, as the IA32/X64 checks (UEFI 2.10 Tables N-21..N-23) and the ARM error
// information kinds (Tables N-18..N-20) share theirs.
public sealed partial class GeneratorDiagnosticTests
{
    // The shared lines sit in a nested fragment whose Names (nameof(Kinds)) only resolve where the fragment stands.
    private const string BitsFromProbe = """
        /// <summary>Shared.</summary>
        public static class Shared
        {
            /// <summary>Kinds.</summary>
            public static NameTable Kinds { get; } = [new(1, "one")];
            /// <summary>Lines.</summary>
            [LayoutFragment]
            public interface IBits
            {
                /// <summary>Value.</summary>
                [Bit("validationBits", 0, 16)]
                [Bit("kind", 16, 2, Label = "Kind", Names = nameof(Kinds), ValidBit = 0)]
                [Bit("flag", 24, 1, ValidBit = 2)]
                ulong Value { get; }
            }
        }

        /// <summary>Probe.</summary>
        [Layout("Probe section", 16, "test clause", ValidationField = nameof(Extra))]
        public sealed partial class ProbeSection : FixedSectionBody
        {
            public ProbeSection() : base(LayoutDef) { }
            public override Guid SectionType => Guid.Empty;
            [Field(0, 8, FieldKind.Hex)] public partial ulong Address { get; set; }

        """;

    [Fact]
    public void BitsFrom_gives_the_same_generated_file_as_the_lines_written_in_place()
    {
        const string Own = "[Bit(\"level\", 18, 3, ValidBit = 1)]";
        var (fromDiagnostics, fromCompilation) = Run(Header + BitsFromProbe + $$"""
                [Field(8, 8, FieldKind.Bits, BitsFrom = "Shared.IBits.Value")]
                {{Own}}
                public partial ulong Extra { get; set; }
            }
            """);
        var (inPlaceDiagnostics, inPlaceCompilation) = Run(Header + BitsFromProbe + $$"""
                [Field(8, 8, FieldKind.Bits)]
                [Bit("validationBits", 0, 16)]
                [Bit("kind", 16, 2, Label = "Kind", Names = "Shared.Kinds", ValidBit = 0)]
                {{Own}}
                [Bit("flag", 24, 1, ValidBit = 2)]
                public partial ulong Extra { get; set; }
            }
            """);
        string from = GeneratedFrom(fromDiagnostics, fromCompilation, "Probe.ProbeSection.g.cs");
        string inPlace = GeneratedFrom(inPlaceDiagnostics, inPlaceCompilation, "Probe.ProbeSection.g.cs");
        Assert.Equal(inPlace, from);
        // In bit order, the shared table named fully qualified.
        TextAssert.ContainsAll(from,
            "new global::ApeiKit.BitFieldDef(\"validationBits\"",
            "new global::ApeiKit.BitFieldDef(\"kind\"",
            "new global::ApeiKit.BitFieldDef(\"level\"",
            "new global::ApeiKit.BitFieldDef(\"flag\"",
            "global::Probe.Shared.Kinds");
        Assert.True(from.IndexOf("\"kind\"", StringComparison.Ordinal) < from.IndexOf("\"level\"", StringComparison.Ordinal));
        Assert.True(from.IndexOf("\"level\"", StringComparison.Ordinal) < from.IndexOf("\"flag\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[Field(8, 8, FieldKind.Bits, BitsFrom = \"Shared.IBits.NoSuchMember\")]", "APK003",
        "'Shared.IBits.NoSuchMember' named by BitsFrom of 'Extra' is not a member in scope")]
    [InlineData("[Field(8, 8, FieldKind.Bits, BitsFrom = \"Shared.Kinds\")]", "APK003",
        "'Shared.Kinds' named by BitsFrom of 'Extra' is not a member in scope")]
    [InlineData("[Field(8, 8, FieldKind.Bits, BitsFrom = \"Shared.IBits.Value\")] [Bit(\"low\", 17, 4, ValidBit = 1)]", "APK008",
        "Bit field 'low' (bits 17-20) overlaps bit field 'kind' (bits 16-17) of 'Extra'")]
    public void A_BitsFrom_that_does_not_exist_or_overlaps_is_a_build_error_at_its_field(string attributes, string id, string message)
    {
        AssertOneError(Header + BitsFromProbe + "    " + attributes + " public partial ulong Extra { get; set; }\n}\n", id, message, "BitsFrom");
    }
}
