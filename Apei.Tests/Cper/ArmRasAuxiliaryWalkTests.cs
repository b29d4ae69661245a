using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

#if DEBUG
/// <summary>
/// The ARM RAS model and describer walk the auxiliary data once per record when it fits: the section's measure walks it,
/// and decoding and describing step the contexts by their Length from that walk's result (before, each walked it again,
/// building a list of the contexts). Debug-build walk counter, so it runs alone. Counted, not timed.
/// </summary>
[Collection(ApeiKit.Tests.Platform.BoundedCostTests.Name)]
public sealed class ArmRasAuxiliaryWalkTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    public void Decode_and_Describe_walk_fitting_auxiliary_data_once(int n)
    {
        var aux = new ArmRasAuxiliaryData { Version = 1 };
        var s = new ArmRasSection { Revision = 1, AuxiliaryData = aux };
        for (int i = 0; i < n; i++)
        {
            aux.Contexts.Add(new ArmRasContext());
            aux.Pairs.Add((new Guid(i + 1, 0, 0, new byte[8]), (ulong)i));
        }
        byte[] body = s.Encode();

        ArmRasAuxiliaryData.WalkCalls = 0;
        var decoded = ArmRasSection.Decode(body);
        Assert.Equal(1, ArmRasAuxiliaryData.WalkCalls);
        Assert.Equal(n, decoded.AuxiliaryData!.Contexts.Count);
        Assert.Equal(body, decoded.Encode());

        ArmRasAuxiliaryData.WalkCalls = 0;
        var text = new System.IO.StringWriter();
        ArmRasSection.Describe(body, 0, new TextRenderer(text));
        Assert.Equal(1, ArmRasAuxiliaryData.WalkCalls);
        for (int i = 0; i < n; i++) Assert.Contains($"Address-space context #{i}", text.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain($"Address-space context #{n}", text.ToString(), StringComparison.Ordinal);
    }
}
#endif
