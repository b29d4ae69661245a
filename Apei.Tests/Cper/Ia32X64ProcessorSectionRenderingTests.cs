using System.Text.Json;
using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The IA32/X64 error-information structures (UEFI 2.10 N.2.4.2.1) reach the compact JSON renderer as one whole layout
/// each (issue #15), the check information read as the entry's error type (cache, TLB, bus, MS check: its sub-fields
/// validated by the value's own bits 0-15). Whole sections must render the same compiled, field by field, and through
/// <see cref="Utf8JsonWriter"/>: over the IA32/X64 sections of the fixtures and sections built with the model, with the entries'
/// bytes randomised (error type GUIDs from the four checks and an unknown one), zeroed, all ones and cut short.
/// </summary>
public sealed class Ia32X64ProcessorSectionRenderingTests
{
    private static readonly Guid[] s_types = [CperGuids.CheckCache, CperGuids.CheckTlb, CperGuids.CheckBus, CperGuids.CheckMicroArchitecture, Guid.Empty];

    private static List<byte[]> Bodies()
    {
        var found = new List<byte[]>();
        var inputs = Fixtures.CperRecords().Select(Fixtures.Binary).ToList();
        // The generated dumps hold few IA32/X64 sections: sections built with the model add entries of every check type
        // and contexts of every register context type (their bytes are randomised by the test below).
        var random = new Random(2410);
        for (int s = 0; s < 24; s++)
        {
            var x86 = new Ia32X64ProcessorSection { LocalApicId = (ulong)s };
            for (int i = 0, n = random.Next(1, 6); i < n; i++)
                x86.ErrorInfo.Add(new Ia32X64ErrorInfo(s_types[random.Next(s_types.Length)], (ulong)random.NextInt64()) { ValidationBits = (ulong)random.Next(32) });
            for (ushort t = 0; t < 8; t++)
                if (random.Next(2) == 0) x86.ContextInfo.Add(new Ia32X64ContextInfo(t, new byte[t == 1 ? 24 : Ia32X64ProcessorSection.RegisterLayout(t)?.Size ?? 8]));
            found.Add(x86.Encode());
        }
        found.AddRange(FixtureSections.InRecords(inputs, CperGuids.ProcessorIa32X64));
        return found;
    }

    [Fact]
    public void Whole_sections_render_the_same_compiled_field_by_field_and_through_Utf8JsonWriter()
    {
        var random = new Random(1512);
        // N.2.4.2: ERROR_INFO_NUM in validation bits 2-7; the entries that fit are walked.
        var (sections, entries) = RenderingAgreement.AssertOverForms(Bodies().Where(b => b.Length >= Ia32X64ProcessorSection.HeaderSize),
            Ia32X64ProcessorSection.HeaderSize, Ia32X64ErrorInfo.Size,
            original => Math.Min((original.Length - Ia32X64ProcessorSection.HeaderSize) / Ia32X64ErrorInfo.Size, original[0] >> 2 & 0x3F),
            random, entry =>
            {
                random.NextBytes(entry);
                s_types[random.Next(s_types.Length)].TryWriteBytes(entry);
            }, [Ia32X64ProcessorSection.Describe]);
        Assert.True(sections > 40 && entries > 10, $"{sections} sections, {entries} entries");
    }
}
