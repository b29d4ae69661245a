using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// A section body rendered to compact JSON three ways must read the same (issue #15): compiled (whole layouts through
/// <see cref="JsonRenderer"/>), field by field (the same renderer behind a forwarding visitor), and through
/// <see cref="Utf8JsonWriter"/>; and the forms of a section that test it: its entries randomised, zeroed, all ones, cut short.
/// </summary>
internal static class RenderingAgreement
{
    private sealed class PerField(StructureVisitor inner) : ForwardingVisitor(inner); // walks layouts field by field

    /// <summary>The body as <paramref name="describe"/> renders it at offset 0x100: <paramref name="how"/> 0 compiled, 1 field by field, 2 through Utf8JsonWriter.</summary>
    public static string Render(SectionDescriber describe, byte[] body, JavaScriptEncoder? encoder, int how)
    {
        var output = new ArrayBufferWriter<byte>();
        if (how == 2)
        {
            using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = encoder });
            var writer = new JsonRenderer(w);
            writer.BeginObject(null, "x", 0, body.Length);
            describe(body, 0x100, writer);
            writer.EndObject();
        }
        else
        {
            var renderer = new JsonRenderer(output, encoder);
            StructureVisitor v = how == 1 ? new PerField(renderer) : renderer;
            v.BeginObject(null, "x", 0, body.Length);
            describe(body, 0x100, v);
            v.EndObject();
            renderer.Flush();
        }
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>Asserts the three renderings of <paramref name="body"/> are the same, with the default encoder and with the relaxed one.</summary>
    public static void AssertRendersTheSameEveryWay(SectionDescriber describe, byte[] body)
    {
        foreach (var encoder in new JavaScriptEncoder?[] { null, JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
        {
            string compiled = Render(describe, body, encoder, 0);
            Assert.Equal(Render(describe, body, encoder, 1), compiled);
            Assert.Equal(Render(describe, body, encoder, 2), compiled);
        }
    }

    /// <summary>
    /// <paramref name="original"/>, and when it has <paramref name="walked"/> entries of <paramref name="entrySize"/> bytes
    /// after a <paramref name="headerSize"/>-byte header: those entries each changed by <paramref name="randomise"/>, all
    /// zero, all ones, and the section cut inside its last walked entry (at a random place).
    /// </summary>
    public static List<byte[]> Forms(byte[] original, int headerSize, int entrySize, int walked, Random random, Action<Span<byte>> randomise)
    {
        var forms = new List<byte[]> { original };
        if (walked <= 0) return forms;
        var noisy = (byte[])original.Clone();
        for (int i = 0; i < walked; i++) randomise(noisy.AsSpan(headerSize + i * entrySize, entrySize));
        forms.Add(noisy);
        var zeros = (byte[])original.Clone();
        zeros.AsSpan(headerSize, walked * entrySize).Clear();
        forms.Add(zeros);
        var ones = (byte[])original.Clone();
        ones.AsSpan(headerSize, walked * entrySize).Fill(0xFF);
        forms.Add(ones);
        forms.Add(original[..(headerSize + entrySize * walked - random.Next(1, entrySize))]);
        return forms;
    }

    /// <summary>
    /// Over each of <paramref name="bodies"/>: its <see cref="Forms"/> (<paramref name="walkedOf"/> gives how many entries
    /// it walks), each rendered the same every way by each of <paramref name="describers"/>. Returns how many forms were
    /// rendered and how many entries were changed, for the caller to hold to a minimum.
    /// </summary>
    public static (int Sections, int Entries) AssertOverForms(IEnumerable<byte[]> bodies, int headerSize, int entrySize, Func<byte[], int> walkedOf,
        Random random, Action<Span<byte>> randomise, IReadOnlyList<SectionDescriber> describers)
    {
        int sections = 0, entries = 0;
        foreach (var original in bodies)
        {
            int walked = walkedOf(original);
            if (walked > 0) entries += walked;
            foreach (var body in Forms(original, headerSize, entrySize, walked, random, randomise))
            {
                foreach (var describe in describers) AssertRendersTheSameEveryWay(describe, body);
                sections++;
            }
        }
        return (sections, entries);
    }
}
