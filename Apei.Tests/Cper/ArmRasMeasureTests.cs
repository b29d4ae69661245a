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

#if DEBUG
/// <summary>The ARM RAS view's indexed accessors (Debug-build walk counters, so it runs alone: no other test walks beside it).</summary>
[Collection(ApeiKit.Tests.Platform.BoundedCostTests.Name)]
public sealed class ArmRasIndexedReadCountTests
{
    /// <summary>
    /// Reading every syndrome and pair by index walks the auxiliary data a constant number of times: a syndrome needs only
    /// the node's offsets (no walk), and the auxiliary data view the section view gives keeps the walk it measured. Before,
    /// each <c>GetSyndrome(i)</c> and <c>GetPair(i)</c> walked every context again (~N² context visits). Counted, not timed.
    /// </summary>
    [Fact]
    public void Indexed_reads_walk_the_auxiliary_data_a_constant_number_of_times()
    {
        Assert.Equal(Cost(1), Cost(16));

        static int Cost(int n)
        {
            var aux = new ArmRasAuxiliaryData { Version = 1 };
            var s = new ArmRasSection { Revision = 1, AuxiliaryData = aux };
            for (int i = 0; i < n; i++)
            {
                s.Syndromes.Add(new ArmRasSyndrome { ErrorRecordIndex = (uint)i });
                aux.Contexts.Add(new ArmRasContext());
                aux.Pairs.Add((new Guid(i + 1, 0, 0, new byte[8]), (ulong)i));
            }
            byte[] body = s.Encode();
            ArmRasAuxiliaryData.WalkCalls = 0;
            Assert.True(ArmRasSectionView.TryRead(body, out var v));
            for (int i = 0; i < v.SyndromeCount; i++) Assert.Equal((uint)i, v.GetSyndrome(i).ErrorRecordIndex);
            var a = v.AuxiliaryData;
            for (int i = 0; i < a.PairCount; i++) Assert.Equal((ulong)i, a.GetPair(i).Value);
            Assert.Equal(n, v.SyndromeCount);
            Assert.Equal(n, a.PairCount);
            return ArmRasAuxiliaryData.WalkCalls;
        }
    }
}
#endif
