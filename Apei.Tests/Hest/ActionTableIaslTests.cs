using ApeiKit.Hest;

namespace ApeiKit.Tests.Hest;

/// <summary>
/// ERST and EINJ against ACPICA's iasl: the tables ApeiKit builds disassemble without a warning, and every numeric field
/// <c>iasl -d</c> prints is a field of ApeiKit's describer at the same offset, with the same length and value; iasl's own
/// templates (<c>iasl -T ERST</c>, <c>-T EINJ</c>) compile to tables ApeiKit decodes and re-encodes byte for byte.
/// </summary>
public class ActionTableIaslTests
{
    private static int AssertSameFields(string dsl, byte[] table) => Iasl.AssertSameFields(dsl, table, static (t, v) => ActionTableDescriber.Describe(t, 0, v));

    private static void AssertNoComplaints(Iasl iasl, string name, byte[] table)
    {
        File.WriteAllBytes(Path.Combine(iasl.Dir, name + ".aml"), table);
        var (code, output) = iasl.Run("-d", name + ".aml");
        Assert.True(code == 0, output);
        Assert.DoesNotContain("Warning", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Error ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Remark", output, StringComparison.OrdinalIgnoreCase);
        var dsl = File.ReadAllText(Path.Combine(iasl.Dir, name + ".dsl"));
        Assert.DoesNotContain("Unknown", dsl, StringComparison.OrdinalIgnoreCase);
        int compared = AssertSameFields(dsl, table);
        Assert.True(compared > 10 + table.Length / 32 * 7, $"only {compared} fields compared");
    }

    [IaslFact]
    public void Qemu_erst_disassembles_without_a_warning_and_iasl_shows_our_fields() => AssertNoComplaints(new Iasl(), "erst", ActionTableTests.QemuErst());

    [IaslFact]
    public void Default_einj_disassembles_without_a_warning_and_iasl_shows_our_fields() => AssertNoComplaints(new Iasl(), "einj", ActionTableTests.DefaultEinj());

    [IaslFact]
    public void Fwts_erst_fields_match_iasl()
    {
        using var iasl = new Iasl();
        var table = ActionTableTests.FwtsErst()[..560];
        var dsl = iasl.Disassemble(("fwts", table))[0];
        Assert.True(AssertSameFields(dsl, table) > 100);
    }

    [IaslTheory]
    [InlineData("ERST", 16, 16)]
    [InlineData("EINJ", 8, 10)] // iasl's EINJ template declares 10 entries in a 304-byte table that holds 8
    public void Iasl_templates_decode_and_encode_byte_identical(string signature, int entries, int declared)
    {
        using var iasl = new Iasl();
        var aml = iasl.CompileTemplate(signature);
        var model = ActionTableModel.Decode(aml);
        Assert.Equal(signature, model.Kind.Signature);
        Assert.Equal(entries, model.Entries.Count);
        Assert.Equal((uint)declared, model.EntryCountOverride ?? (uint)entries);
        Assert.Equal(aml, model.Encode());
        Assert.Equal(declared != entries, ActionTableValidator.Validate(aml).Any(f => f.Rule == "entry-count"));
        var dsl = iasl.Disassemble((signature.ToLowerInvariant() + "2", aml))[0];
        Assert.True(AssertSameFields(dsl, aml) > entries * 7);
    }
}

/// <summary>A theory that is skipped, with the reason, when iasl is not installed.</summary>
internal sealed class IaslTheoryAttribute : TheoryAttribute
{
    public IaslTheoryAttribute()
    {
        if (Iasl.IsMissing) Skip = Iasl.MissingReason;
    }
}
