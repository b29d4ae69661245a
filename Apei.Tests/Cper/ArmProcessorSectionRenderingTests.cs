using System.Text.Json;
using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The ARM error-information structures (UEFI 2.10 N.2.4.4 Table N-17) reach the compact JSON renderer as two whole
/// layouts each (issue #15): Version to Type in the section's encoding, then Multiple Error on with the Error Information
/// read as the entry's kind (its sub-fields validated by its own bits 0-15). Whole sections must render the same
/// compiled, field by field, and through <see cref="Utf8JsonWriter"/>: over the ARM sections of the fixtures and of a
/// generated dump, in every error-type reading, with the entries' bytes randomised, zeroed, all ones and cut short.
/// </summary>
public sealed class ArmProcessorSectionRenderingTests
{
    private static readonly byte[] s_types = [0, 1, 2, 3, 4, 8, 0x02, 0x10, 0x06, 0x21, 0xFF];

    private static List<byte[]> ArmBodies()
    {
        var inputs = Fixtures.CperRecords().Select(Fixtures.Binary).Append(GeneratedDump.Bytes(256 << 10, seed: 12));
        return [.. FixtureSections.InRecords(inputs, CperGuids.ProcessorArm)];
    }

    [Fact]
    public void Whole_sections_render_the_same_compiled_field_by_field_and_through_Utf8JsonWriter()
    {
        var random = new Random(1517);
        var describers = Enum.GetValues<ArmErrorTypeMode>().Select(m => new CperDecodeOptions { ArmErrorTypes = m })
            .Select(options => (SectionDescriber)((b, at, v) => ArmProcessorSection.Describe(b, at, v, options))).ToArray();
        // The entries walked: those ErrInfoNum (bytes 4-5) declares that fit. Randomised ones keep Length 32 in most and
        // take the Type byte from every encoding's values.
        var (sections, entries) = RenderingAgreement.AssertOverForms(ArmBodies(), ArmProcessorSection.HeaderSize, ArmErrorInfo.Size,
            original => Math.Min((original.Length - ArmProcessorSection.HeaderSize) / ArmErrorInfo.Size, original.Length >= 6 ? BitConverter.ToUInt16(original, 4) : 0),
            random, entry =>
            {
                random.NextBytes(entry);
                if (random.Next(4) > 0) entry[1] = ArmErrorInfo.Size;
                entry[4] = s_types[random.Next(s_types.Length)];
            }, describers);
        Assert.True(sections > 50 && entries > 100, $"{sections} sections, {entries} entries");
    }
}
