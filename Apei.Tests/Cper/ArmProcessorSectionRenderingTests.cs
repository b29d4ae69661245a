using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.Generation;

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
        var found = new List<byte[]>();
        var inputs = Fixtures.CperRecords().Select(Fixtures.Binary).ToList();
        using (var ms = new MemoryStream())
        {
            CperDumpGenerator.Generate(ms, 256 << 10, seed: 12);
            inputs.Add(ms.ToArray());
        }
        found.AddRange(FixtureSections.InRecords(inputs, CperGuids.ProcessorArm));
        return found;
    }

    [Fact]
    public void Whole_sections_render_the_same_compiled_field_by_field_and_through_Utf8JsonWriter()
    {
        var random = new Random(1517);
        var modes = Enum.GetValues<ArmErrorTypeMode>().Select(m => new CperDecodeOptions { ArmErrorTypes = m }).ToArray();
        int sections = 0, entries = 0;
        foreach (var original in ArmBodies())
        {
            int count = (original.Length - ArmProcessorSection.HeaderSize) / ArmErrorInfo.Size;
            int walked = Math.Min(count, original.Length >= 6 ? BitConverter.ToUInt16(original, 4) : 0);
            // Entries randomised (keeping Length 32 in most), zeroed, all ones; the Type byte from every encoding's values.
            var forms = RenderingAgreement.Forms(original, ArmProcessorSection.HeaderSize, ArmErrorInfo.Size, walked, random, entry =>
            {
                random.NextBytes(entry);
                if (random.Next(4) > 0) entry[1] = ArmErrorInfo.Size;
                entry[4] = s_types[random.Next(s_types.Length)];
            });
            if (walked > 0) entries += walked;
            foreach (var body in forms)
            {
                foreach (var options in modes)
                    RenderingAgreement.AssertRendersTheSameEveryWay((b, at, v) => ArmProcessorSection.Describe(b, at, v, options), body);
                sections++;
            }
        }
        Assert.True(sections > 50 && entries > 100, $"{sections} sections, {entries} entries");
    }
}
