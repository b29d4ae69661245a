using ApeiKit.Cper;
using ApeiKit.Tests.Cper.Vendors;

namespace ApeiKit.Tests.Cper;

public class ArmRasSectionTests
{
    private const string Fixture = "cper/libcper/arm-ras.cperhex";

    private static byte[] Body()
    {
        var (bytes, at, length) = NvidiaEventSectionTests.Record(Fixture);
        return bytes.AsSpan(at, length).ToArray();
    }

    [Fact]
    public void Libcper_example_decodes_with_syndromes_and_auxiliary_data()
    {
        var body = Body();
        var s = Assert.IsType<ArmRasSection>(CperRecord.Decode(Fixtures.Binary(Fixture), out _).Sections[0].Body);
        Assert.Equal(1u, s.Revision);
        Assert.Equal(4, s.Syndromes.Count);
        Assert.Equal(3u, s.Syndromes[3].ErrorRecordIndex);
        Assert.NotNull(s.AuxiliaryData);
        Assert.NotEmpty(s.AuxiliaryData!.Contexts);
        Assert.Equal(body, s.Encode());
        Assert.Empty(DescribeErrors.Of(ArmRasSection.Describe, body));
    }

    [Fact]
    public void A_syndrome_count_that_lies_throws()
    {
        var body = Body();
        BitConverter.TryWriteBytes(body.AsSpan(8), 1000u);
        Assert.Throws<ApeiContentException>(() => ArmRasSection.Decode(body));
        Assert.NotEmpty(DescribeErrors.Of(ArmRasSection.Describe, body));
        // The record still decodes; the section stays raw and the record round-trips.
        var (record, at, _) = NvidiaEventSectionTests.Record(Fixture);
        body.CopyTo(record, at);
        var errors = new List<ApeiContentException>();
        var decoded = CperRecord.Decode(record, out _, errors);
        Assert.NotEmpty(errors);
        Assert.IsType<RawSectionBody>(decoded.Sections[0].Body);
        Assert.Equal(record, decoded.Encode());
    }

    [Theory]
    [InlineData("syndrome offset inside the node", 12, 40)]
    [InlineData("auxiliary data offset before the syndromes' end", 14, 100)]
    [InlineData("auxiliary data offset beyond the body", 14, 60000)]
    public void Offsets_that_lie_throw(string reason, int field, int value)
    {
        var body = Body();
        BitConverter.TryWriteBytes(body.AsSpan(field), (ushort)value);
        Assert.False(string.IsNullOrEmpty(reason));
        Assert.Throws<ApeiContentException>(() => ArmRasSection.Decode(body));
        Assert.NotEmpty(DescribeErrors.Of(ArmRasSection.Describe, body));
    }

    [Theory]
    [InlineData("context count", 2, 0xFFFF)]
    [InlineData("auxiliary data size", 4, 0x7FFFFFFF)]
    [InlineData("key/value pair offset", 8, 0x7FFFFFFF)]
    [InlineData("key/value pair count", 12, 0xFFFF)]
    public void Auxiliary_counts_that_lie_keep_the_auxiliary_data_raw(string reason, int field, int value)
    {
        var body = Body();
        int aux = BitConverter.ToUInt16(body, 14);
        if (field is 2 or 12) BitConverter.TryWriteBytes(body.AsSpan(aux + field), (ushort)value);
        else BitConverter.TryWriteBytes(body.AsSpan(aux + field), (uint)value);
        var s = KeptAndReported.Decode(b => ArmRasSection.Decode(b), ArmRasSection.Describe, body);
        Assert.False(string.IsNullOrEmpty(reason));
        Assert.Null(s.AuxiliaryData);
        Assert.NotNull(s.UndecodedAuxiliaryData);
    }

    [Fact]
    public void A_context_length_that_lies_keeps_the_auxiliary_data_raw()
    {
        var body = Body();
        int aux = BitConverter.ToUInt16(body, 14);
        BitConverter.TryWriteBytes(body.AsSpan(aux + ArmRasSection.AuxiliaryHeaderSize), 3u);
        var s = KeptAndReported.Decode(b => ArmRasSection.Decode(b), ArmRasSection.Describe, body);
        Assert.NotNull(s.UndecodedAuxiliaryData);
    }

    [Fact]
    public void Json_round_trip_keeps_a_lying_context_length()
    {
        var (record, at, _) = NvidiaEventSectionTests.Record(Fixture);
        int aux = BitConverter.ToUInt16(record, at + 14);
        BitConverter.TryWriteBytes(record.AsSpan(at + aux + ArmRasSection.AuxiliaryHeaderSize), 3u);
        NvidiaEventSectionTests.JsonRoundTrip(record);
    }

    [Fact]
    public void Node_cut_short_throws() => Assert.Throws<ApeiContentException>(() => ArmRasSection.Decode(new byte[79]));
}
