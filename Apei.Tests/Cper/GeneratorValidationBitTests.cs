using ApeiKit.Cper;
using Microsoft.CodeAnalysis;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The generator features the ARM processor section's declarations (UEFI 2.10 N.2.4.4) needed: <c>[ValidationBit]</c>
/// names a validation bit that validates a variable part after the layout (the vendor-specific bytes, bit 3), and a
/// layout that is not a section body (an error-information structure) gets a view whose <c>TryRead</c> takes
/// <c>source</c>, as the decode contract says.
/// </summary>
public sealed partial class GeneratorDiagnosticTests
{
    [Theory]
    [InlineData(3, "vendorBytes")]       // the ARM section's vendor-specific bytes
    [InlineData(4, "registerDataPairs")] // the PCI component section's register pairs
    public void A_validation_bit_of_a_variable_part_is_named_in_the_generated_table_and_a_structure_view_reads_a_source(int bit, string name)
    {
        var (diagnostics, compilation) = Run(Header + $$"""
            /// <summary>Probe.</summary>
            [Layout("Probe structure", 8, "test clause", ValidationField = nameof(ValidationBits))]
            [ValidationBit({{bit}}, "{{name}}")]
            """ + ProbeEntryClass + """

            public static class Use
            {
                public static ulong Read(ReadOnlySpan<byte> source) => ProbeEntryView.TryRead(source, out var v) && v.HasValue ? v.Value : 0;
                public static StructDef Layout => ProbeEntry.LayoutDef;
            }
            """);
        var generated = GeneratedFrom(diagnostics, compilation, "Probe.ProbeEntry.g.cs");
        TextAssert.ContainsAll(generated,
            $"new(0, \"value\"),\n        new({bit}, \"{name}\"),",
            "public static bool TryRead(global::System.ReadOnlySpan<byte> source, out ProbeEntryView view)");
    }

    [Theory]
    [InlineData("[ValidationBit(0, \"other\")]", "APK005", "Validation bit 0 of 'Probe structure' is named both 'value' and 'other'")]
    [InlineData("[ValidationBit(0, \"registerDataPairs\")]", "APK005", "Validation bit 0 of 'Probe structure' is named both 'value' and 'registerDataPairs'")]
    [InlineData("[ValidationBit(64, \"far\")]", "APK004", "[ValidationBit(64, \"far\")] of 'ProbeEntry' needs a bit 0-63 and a name")]
    public void A_faulty_validation_bit_declaration_is_a_build_error(string attribute, string id, string message)
    {
        AssertOneError(Header + attribute + """

            [Layout("Probe structure", 8, "test clause", ValidationField = nameof(ValidationBits))]
            """ + ProbeEntryClass, id, message);
    }

    // The probe structure both tests declare (on a new line under the attributes each puts before it): a validation field and
    // one field with validation bit 0.
    private const string ProbeEntryClass = """

            public sealed partial class ProbeEntry
            {
                private readonly byte[] _bytes = new byte[8];
                private ulong Get(FieldDef f) => f.ReadValue(_bytes);
                private void Set(FieldDef f, ulong v) => f.WriteValue(_bytes, v);
                /// <summary>Validation.</summary>
                [Field(0, 2, FieldKind.Flags)] public partial ushort ValidationBits { get; set; }
                /// <summary>Value.</summary>
                [Field(2, 4, FieldKind.Hex, ValidBit = 0)] public partial uint Value { get; set; }
            }
            """;
}
