using System.Buffers;
using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Hest;

namespace ApeiKit.Tests.Apei;

public class ApeiEncodableTests
{
    public static TheoryData<string> Encodables() => new() { "cper", "gesb", "hest" };

    private static IApeiEncodable Make(string kind) => kind switch
    {
        "cper" => CperRecord.Decode(Fixtures.Binary("cper/whea/TestErrorMultiple4.bin"), out _),
        "gesb" => CperConversion.ToErrorStatusBlock(CperRecord.Decode(Fixtures.Binary("cper/whea/TestErrorMemory1.bin"), out _)),
        _ => HestPresets.X86Server().Build(0x1000).Table,
    };

    [Theory]
    [MemberData(nameof(Encodables))]
    public void Buffer_writer_and_array_encodings_are_the_same_bytes(string kind)
    {
        var value = Make(kind);
        var array = value.Encode();
        Assert.Equal(value.GetEncodedLength(), array.Length);
        var writer = new ArrayBufferWriter<byte>(1);
        writer.Write("xx"u8); // what is already in the writer stays in front
        value.Encode(writer);
        Assert.Equal([(byte)'x', (byte)'x', .. array], writer.WrittenSpan.ToArray());
    }

    [Theory]
    [MemberData(nameof(Encodables))]
    public void Too_small_a_destination_is_false_not_an_exception(string kind)
    {
        var value = Make(kind);
        var small = new byte[value.GetEncodedLength() - 1];
        Assert.False(value.TryEncode(small, out int written));
        Assert.Equal(0, written);
    }
}
