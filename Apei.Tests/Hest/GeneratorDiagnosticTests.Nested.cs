using Microsoft.CodeAnalysis;

namespace ApeiKit.Tests.Cper;

// The nested-structure field kind ([Field(offset, size, Nested = "Type")], generators/ApeiKit.Generators/LayoutGenerator.Nested.cs),
// as the HEST declarations use it for the GHES Generic Address Structures and the notification structure (ACPI 6.5 §18.3.2.7).
public sealed partial class GeneratorDiagnosticTests
{
    private const string NestedProbe = """
        /// <summary>A nested layout.</summary>
        [Layout("Probe inner", 8, "test clause")]
        public sealed partial class ProbeInner : FixedSectionBody
        {
            public ProbeInner() : base(LayoutDef) { }
            public override Guid SectionType => Guid.Empty;
            [Field(0, 8, FieldKind.Hex)] public partial ulong Value { get; set; }
        }

        /// <summary>Not a layout.</summary>
        public sealed class NotALayout { public const int Size = 12; }

        /// <summary>Probe.</summary>
        [Layout("Probe outer", 32, "test clause")]
        public sealed partial class ProbeOuter : FixedSectionBody
        {
            public ProbeOuter() : base(LayoutDef) { }
            public override Guid SectionType => Guid.Empty;
            [Field(0, 4, FieldKind.UInt)] public partial uint Count { get; set; }

        """;

    [Fact]
    public void A_nested_field_is_placed_by_the_declaration_and_kept_out_of_the_flat_layout()
    {
        var (diagnostics, compilation) = Run(Header + NestedProbe + """
                [Field(4, 12, Nested = "GenericAddress", Label = "Status register")] public partial byte[] StatusRegister { get; set; }
                [Field(16, 8, Nested = "ProbeInner")] public partial byte[] Inner { get; set; }
                [Field(24, 8, FieldKind.Hex)] public partial ulong After { get; set; }
            }

            public static class Use
            {
                public static int Where => ProbeOuter.StatusRegisterField.Offset + ProbeOuter.Declared.InnerOffset;
                public static int Parts => ProbeOuter.NestedParts.Length;
                public static int Span(ReadOnlySpan<byte> b) => ProbeOuterView.TryRead(b, out var v) ? v.StatusRegister.Length + v.Inner.Length : 0;
            }
            """);
        var generated = GeneratedFrom(diagnostics, compilation, "Probe.ProbeOuter.g.cs");
        TextAssert.ContainsAll(generated,
            "(4, \"statusRegister\", \"Status register\", global::ApeiKit.GenericAddress.Layout),",
            "(16, \"inner\", \"Inner\", global::Probe.ProbeInner.LayoutDef),",
            "public const int InnerOffset = 16;");
        // The flat layout holds Count and After, not the nested structures (the describers walk those as objects).
        string layout = generated[generated.IndexOf("LayoutDef = new", StringComparison.Ordinal)..];
        layout = layout[..layout.IndexOf("});", StringComparison.Ordinal)];
        TextAssert.ContainsAll(layout,
            "CountField",
            "AfterField");
        Assert.DoesNotContain("StatusRegisterField", layout, StringComparison.Ordinal);
        Assert.DoesNotContain("InnerField", layout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Field(4, 12, Nested = \"GenericAddress\")] public partial byte[] A { get; set; } [Field(12, 4, FieldKind.UInt)] public partial uint B { get; set; }",
        "APK002", "Field 'b' [12+4] overlaps field 'a' [4+12] in 'Probe outer'")]
    [InlineData("[Field(0, 12, Nested = \"GenericAddress\")] public partial byte[] A { get; set; }",
        "APK002", "Field 'a' [0+12] overlaps field 'count' [0+4] in 'Probe outer'")]
    [InlineData("[Field(24, 12, Nested = \"GenericAddress\")] public partial byte[] A { get; set; }",
        "APK001", "Field 'a' [24+12] lies outside the 32 bytes of 'Probe outer'")]
    [InlineData("[Field(4, 12, Nested = \"NotALayout\")] public partial byte[] A { get; set; }",
        "APK004", "'A': Nested type 'NotALayout' is not a layout (no [Layout], no static StructDef Layout)")]
    [InlineData("[Field(4, 12, Nested = \"NoSuchType\")] public partial byte[] A { get; set; }",
        "APK003", "'NoSuchType' named by Nested of 'A' is not a member in scope")]
    [InlineData("[Field(4, 12, Nested = \"ProbeInner\")] public partial byte[] A { get; set; }",
        "APK004", "'A': the nested 'ProbeInner' is 8 bytes, the field 12")]
    public void A_faulty_nested_field_is_a_build_error(string line, string id, string message)
    {
        AssertOneError(Header + NestedProbe + "    " + line + "\n}\n", id, message);
    }
}
