using System.Buffers.Binary;
using System.Text;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// Models keep validation bits right (issue #12 item 3): a value set through a layout-backed property is a value meant,
/// so its validation bit is set, as the ARM and IA32/X64 setters always did; and encoding runs the decoder's own
/// checks (<c>CperRecordChecks</c>) on the model.
/// </summary>
public class ModelValidationBitTests
{
    [Fact]
    public void Memory_setters_set_the_fields_validation_bit()
    {
        // UEFI 2.10 N.2.5 Table N-31: bit 1 physical address, bit 3 node, bit 14 memory error type.
        var m = new MemoryErrorSection { PhysicalAddress = 0x1000, Node = 0, MemoryErrorType = 3 };
        Assert.Equal((1ul << 1) | (1ul << 3) | (1ul << 14), m.ValidationBits);
        m.SetField("card", 2); // bit 4
        Assert.Equal((1ul << 1) | (1ul << 3) | (1ul << 4) | (1ul << 14), m.ValidationBits);
        // Setting the validation bits afterwards says otherwise.
        m.ValidationBits = 1ul << 1;
        Assert.Equal(1ul << 1, BinaryPrimitives.ReadUInt64LittleEndian(m.Encode()));
    }

    [Fact]
    public void Pcie_device_id_and_aer_setters_set_bits_3_and_7()
    {
        // N.2.7 Table N-35: bit 3 device ID, bit 7 AER info, bit 0 port type.
        var p = new PcieErrorSection { VendorId = 0x8086, PortType = 4 };
        Assert.Equal((1ul << 0) | (1ul << 3), p.ValidationBits);
        p.SetAerRegister("uncorrectableErrorStatus", 16);
        Assert.Equal((1ul << 0) | (1ul << 3) | (1ul << 7), p.ValidationBits);
    }

    [Fact]
    public void Encode_refuses_a_severity_above_3_with_the_decoders_error()
    {
        var record = new CperRecord { Severity = 4 };
        record.Sections.Add(new CperSection { Body = new MemoryErrorSection() });
        var e = Assert.Throws<ApeiContentException>(() => record.Encode());
        Assert.Equal("ErrorSeverity", e.Field);
        Assert.Equal(12, e.Offset); // N.2.1: Error Severity at offset 12
        record.Severity = 2;
        record.Sections[0].Severity = 9;
        var s = Assert.Throws<ApeiContentException>(() => record.Encode());
        Assert.Equal("SectionSeverity", s.Field);
        Assert.Equal(128 + 48, s.Offset); // N.2.2: Section Severity at 48 in the first descriptor
    }

    [Fact]
    public void Encode_refuses_a_section_without_a_body()
    {
        var record = new CperRecord();
        record.Sections.Add(new CperSection { Body = null! });
        var e = Assert.Throws<ApeiContentException>(() => record.Encode());
        Assert.Equal("Body", e.Field);
        Assert.Contains("CPER section #0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_decoded_leniently_keeps_its_invalid_severity()
    {
        var bytes = CperTestRecords.MemoryRecord();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), 7);
        var errors = new List<ApeiContentException>();
        var record = CperRecord.Decode(bytes, out _, errors);
        Assert.Equal("ErrorSeverity", Assert.Single(errors).Field);
        Assert.Equal(bytes, record.Encode()); // nothing lost
    }

    [Fact]
    public void Hand_written_json_with_severity_7_is_refused_with_its_json_path()
    {
        var e = Assert.Throws<CperJsonException>(() => CperJsonReader.ReadRecords(Encoding.UTF8.GetBytes("""{"header": {"severity": 7}, "sections": []}""")));
        Assert.Equal("$.header.severity", e.Path);
        Assert.StartsWith("expected 0-3, found 7", e.Problem, StringComparison.Ordinal);
        var s = Assert.Throws<CperJsonException>(() => CperJsonReader.ReadRecords(Encoding.UTF8.GetBytes(
            """{"sections": [{"descriptor": {"sectionType": "a5bc1114-6f64-4ede-b863-3e83ed7c83b1", "severity": 4}, "body": {}}]}""")));
        Assert.Equal("$.sections[0].descriptor.severity", s.Path);
    }
}
