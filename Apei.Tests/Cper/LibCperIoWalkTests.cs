using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApeiKit.Cper;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The reading-back direction of the CXL protocol, VT-d, CCIX PER and IA32/X64 pairs in <c>fixtures/libcper-walk/</c>
/// (records of the mutated corpus, each with libcper's own line; the forward direction is
/// <see cref="LibCperStreamedWriterTests.A_crafted_body_is_written_byte_for_byte_as_libcper_writes_it"/>): libcper's line
/// read back and written again in libcper mode is libcper's line.
/// </summary>
public class LibCperIoWalkTests
{
    /// <summary>The first section's body of a one-section record.</summary>
    private static byte[] Body(byte[] record) => CperRecord.Decode(record, out _).Sections[0].Body.Encode();

    [Theory]
    [InlineData("cxl-agent-reserved")]
    [InlineData("cxl-dvsec-empty")]
    [InlineData("vtd-fault-read")]
    public void Libcpers_line_reads_back_to_a_record_libcper_mode_writes_as_that_line(string name)
    {
        byte[] encoded = LibCperJsonReader.ToBinary(LibcperWalk.Line(name));
        Assert.Equal(LibcperWalk.Line(name), LibcperWalk.Write(encoded));
    }

    [Fact]
    public void Ia32x64_empty_register_array_reads_back()
    {
        // The pair's third context runs past the body (libcper shows it without registerArray, which cannot be read back):
        // the first two, the second an unknown type with "registerArray": {}, read back and written again as they were.
        var line = JsonNode.Parse(LibcperWalk.Line("ia32x64-empty-array"))!;
        var section = line["sections"]![0]!["Ia32x64Processor"]!;
        var contexts = section["processorContextInfo"]!.AsArray();
        contexts.RemoveAt(2);
        section["processorContextInfoNum"] = 2;
        Assert.Empty(contexts[1]!["registerArray"]!.AsObject());
        var again = JsonNode.Parse(LibcperWalk.Write(LibCperJsonReader.ToBinary(line.ToJsonString())))!["sections"]![0]!["Ia32x64Processor"]!["processorContextInfo"]!;
        Assert.Equal(contexts.ToJsonString(), again.ToJsonString());
    }

    [Fact]
    public void Cxl_agent_type_reads_back_as_libcpers_64_bit_value()
    {
        // include/libcper/sections/cper-section-cxl-protocol.h:56 UINT64 CxlAgentType: the type byte (UEFI 2.10 N.2.13,
        // offset 8) and the 7 reserved bytes after it come back as they were.
        var original = Body(LibcperWalk.Record("cxl-agent-reserved"));
        var read = Body(LibCperJsonReader.ToBinary(LibcperWalk.Line("cxl-agent-reserved")));
        Assert.Equal(0x10, original[15]);
        Assert.Equal(Convert.ToHexString(original.AsSpan(8, 8)), Convert.ToHexString(read.AsSpan(8, 8)));
        var agent = JsonNode.Parse(LibcperWalk.Line("cxl-agent-reserved"))!["sections"]![0]!["CxlProtocol"]!["agentType"]!;
        Assert.Equal(1UL << 60, agent["value"]!.GetValue<ulong>());
    }

    [Fact]
    public void Cxl_dvsec_of_length_0_keeps_its_validation_bit_when_read_back()
    {
        // libcper shows an empty DVSEC by dvsecLength alone (add_binary_base64 adds nothing for 0 bytes): bit 5 stays set.
        var s = (CxlProtocolErrorSection)CperRecord.Decode(LibCperJsonReader.ToBinary(LibcperWalk.Line("cxl-dvsec-empty")), out _).Sections[0].Body;
        Assert.Equal(1UL << 5, s.ValidationBits & (1UL << 5));
        Assert.Empty(s.Dvsec);
    }

    [Fact]
    public void Ccix_length_below_the_header_is_shown_and_reads_back_as_the_header_length()
    {
        // libcper renders a Length of 0 (it refuses only a Length beyond the body); the model refuses a Length below 16
        // (UEFI 2.10 N.2.12: Length covers the whole section), so reading back writes 16 (docs/libcper-compat.md).
        var line = JsonNode.Parse(LibcperWalk.Line("ccix-length-short"))!["sections"]![0]!["CcixPer"]!;
        Assert.Equal(0, line["length"]!.GetValue<int>());
        var s = (CcixPerSection)CperRecord.Decode(LibCperJsonReader.ToBinary(LibcperWalk.Line("ccix-length-short")), out _).Sections[0].Body;
        Assert.Equal(16u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(s.Encode()));
        Assert.Empty(s.PerLog);
    }
}
