using System.Reflection;
using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The ARM RAS walks say "does not fit" with a flag and build the <see cref="ApeiContentException"/> only when one is
/// reported or thrown (no exception instance kept as a marker), and still say where: structure, field, offset, expected, found.
/// </summary>
public class ArmRasMeasureTests
{
    [Fact]
    public void No_exception_instance_is_kept_as_a_does_not_fit_marker()
    {
        const BindingFlags all = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
        foreach (var type in new[] { typeof(ArmRasSection), typeof(ArmRasAuxiliaryData) })
        {
            Assert.DoesNotContain(type.GetFields(all), f => typeof(Exception).IsAssignableFrom(f.FieldType));
            Assert.DoesNotContain(type.GetProperties(all), p => typeof(Exception).IsAssignableFrom(p.PropertyType));
        }
    }

    [Fact]
    public void A_syndrome_offset_past_the_body_is_thrown_with_its_place_and_the_view_says_it_does_not_fit()
    {
        var body = new ArmRasSection { Revision = 1 }.Encode(); // 80-byte node, no syndromes
        // Error Syndrome Array Offset: the 16-bit field at byte 12 of the node (libcper EFI_ARM_RAS_NODE).
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(12), 200);
        var e = Assert.Throws<ApeiContentException>(() => ArmRasSection.Decode(body, 0x40));
        ContentError.AssertSays(e, "ARM RAS node section", "ErrorSyndromeArrayOffset", 0x40L + 12, "80 to 80", "200");
        Assert.True(ArmRasSectionView.TryRead(body, out var view));
        Assert.False(view.PartsFit);
        Assert.Equal(0, view.SyndromeCount);
        Assert.False(view.HasAuxiliaryData);
    }

    [Fact]
    public void Walking_a_body_whose_parts_do_not_fit_allocates_nothing()
    {
        // Behaviour, not reflection: an unfit body (Error Syndrome Array Offset 200 past the 80-byte node) read through
        // the view says "does not fit" each time without building an exception (that would be bytes allocated per read).
        var body = new ArmRasSection { Revision = 1 }.Encode();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(12), 200);
        ViewWalk.AssertAllocatesNothing(() => Walk(body), unfit => unfit);

        static bool Walk(byte[] body)
        {
            if (!ArmRasSectionView.TryRead(body, out var view)) return false;
            int seen = 0;
            foreach (var _ in view.Syndromes) seen++;
            foreach (var _ in view.AuxiliaryData.Pairs) seen++;
            return !view.PartsFit && view.SyndromeCount == 0 && !view.HasAuxiliaryData && seen == 0;
        }
    }
}
