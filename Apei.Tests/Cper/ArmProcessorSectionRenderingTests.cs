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
    private sealed class PerField(StructureVisitor inner) : ForwardingVisitor(inner); // walks layouts field by field

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
        foreach (var input in inputs)
        {
            int at = 0;
            while (at < input.Length && CperRecordView.TryRead(input.AsSpan(at), out var record, out int n))
            {
                for (int i = 0; i < record.DescriptorCount; i++)
                {
                    var d = record.GetDescriptor(i);
                    if (d.SectionType == CperGuids.ProcessorArm && (ulong)d.SectionOffset + d.SectionLength <= (ulong)n)
                        found.Add(input.AsSpan(at + (int)d.SectionOffset, (int)d.SectionLength).ToArray());
                }
                at += n;
            }
        }
        return found;
    }

    private static string Render(byte[] body, CperDecodeOptions options, JavaScriptEncoder? encoder, int how)
    {
        var output = new ArrayBufferWriter<byte>();
        if (how == 2)
        {
            using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = encoder });
            var writer = new JsonRenderer(w);
            writer.BeginObject(null, "x", 0, body.Length);
            ArmProcessorSection.Describe(body, 0x100, writer, options);
            writer.EndObject();
        }
        else
        {
            var renderer = new JsonRenderer(output, encoder);
            StructureVisitor v = how == 1 ? new PerField(renderer) : renderer;
            v.BeginObject(null, "x", 0, body.Length);
            ArmProcessorSection.Describe(body, 0x100, v, options);
            v.EndObject();
            renderer.Flush();
        }
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void Whole_sections_render_the_same_compiled_field_by_field_and_through_Utf8JsonWriter()
    {
        var random = new Random(1517);
        var modes = Enum.GetValues<ArmErrorTypeMode>().Select(m => new CperDecodeOptions { ArmErrorTypes = m }).ToArray();
        int sections = 0, entries = 0;
        foreach (var original in ArmBodies())
        {
            var forms = new List<byte[]> { original };
            int count = (original.Length - ArmProcessorSection.HeaderSize) / ArmErrorInfo.Size;
            int walked = Math.Min(count, original.Length >= 6 ? BitConverter.ToUInt16(original, 4) : 0);
            if (walked > 0)
            {
                // Entries randomised (keeping Length 32 in most), zeroed, all ones; the Type byte from every encoding's values.
                var noisy = (byte[])original.Clone();
                for (int i = 0; i < walked; i++)
                {
                    var entry = noisy.AsSpan(ArmProcessorSection.HeaderSize + i * ArmErrorInfo.Size, ArmErrorInfo.Size);
                    random.NextBytes(entry);
                    if (random.Next(4) > 0) entry[1] = ArmErrorInfo.Size;
                    entry[4] = s_types[random.Next(s_types.Length)];
                }
                forms.Add(noisy);
                var zeros = (byte[])original.Clone();
                zeros.AsSpan(ArmProcessorSection.HeaderSize, walked * ArmErrorInfo.Size).Clear();
                forms.Add(zeros);
                var ones = (byte[])original.Clone();
                ones.AsSpan(ArmProcessorSection.HeaderSize, walked * ArmErrorInfo.Size).Fill(0xFF);
                forms.Add(ones);
                forms.Add(original[..(ArmProcessorSection.HeaderSize + ArmErrorInfo.Size * walked - random.Next(1, ArmErrorInfo.Size))]);
                entries += walked;
            }
            foreach (var body in forms)
            {
                foreach (var options in modes)
                {
                    foreach (var encoder in new JavaScriptEncoder?[] { null, JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
                    {
                        string compiled = Render(body, options, encoder, 0);
                        Assert.Equal(Render(body, options, encoder, 1), compiled);
                        Assert.Equal(Render(body, options, encoder, 2), compiled);
                    }
                }
                sections++;
            }
        }
        Assert.True(sections > 50 && entries > 100, $"{sections} sections, {entries} entries");
    }
}
