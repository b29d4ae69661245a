using System.Buffers.Binary;
using ApeiKit.Hest;

namespace ApeiKit.Tests.Hest;

/// <summary>EINJ's run-time structures: error type bitmap, SET_ERROR_TYPE_WITH_ADDRESS (with EINJv2 and vendor extensions), trigger table.</summary>
public class EinjStructuresTests
{
    [Theory]
    [InlineData(0x00000008u, "memoryCorrectable")]
    [InlineData(0x00000010u, "memoryUncorrectableNonFatal")]
    [InlineData(0x00000040u, "pcieCorrectable")]
    [InlineData(0x00000200u, "platformCorrectable")]
    [InlineData(0x00001000u, "cxlCacheCorrectable")]
    [InlineData(0x00020000u, "cxlMemUncorrectableFatal")]
    [InlineData(0x40000000u, "einjv2")]
    [InlineData(0x80000000u, "vendorDefined")]
    [InlineData(0x00000004u, "processorUncorrectableFatal")]
    public void Error_type_bits_are_named(uint bit, string name) => Assert.Equal([name], EinjStructures.NameErrorTypes(bit));

    private static byte[] MemoryInjection(bool einjv2)
    {
        var b = new byte[einjv2 ? 36 + 8 + 2 * 32 : 36];
        BinaryPrimitives.WriteUInt32LittleEndian(b, 0x10); // memory uncorrectable non-fatal
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), einjv2 ? 0xAu : 0x2u);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(16), 0x1_2345_6000);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(24), 0xFFFF_FFFF_FFFF_F000);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(32), 0x0001_0800); // segment 0, bus 1, device 1, function 0
        if (einjv2)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(36), 8 + 2 * 32);
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(40), 1);
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(42), 2);
            b[44] = 0x11; b[60] = 0x22; b[76] = 0x33; b[92] = 0x44;
        }
        return b;
    }

    private static string Render(byte[] b)
    {
        var w = new StringWriter();
        EinjStructures.DescribeSetErrorTypeWithAddress(b, 0, new LayoutRenderer(w));
        return w.ToString();
    }

    [Fact]
    public void Set_error_type_with_address_layout() => Snapshot.Verify(Render(MemoryInjection(einjv2: false)));

    [Fact]
    public void Set_error_type_with_address_einjv2_layout() => Snapshot.Verify(Render(MemoryInjection(einjv2: true)));

    [Fact]
    public void Einjv2_component_count_past_the_bytes_is_an_error()
    {
        var b = MemoryInjection(einjv2: true);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(42), 9);
        var v = new TextRenderer(TextWriter.Null);
        EinjStructures.DescribeSetErrorTypeWithAddress(b, 0, v);
        Assert.Equal(1, v.ErrorsReported);
    }

    [Fact]
    public void Trigger_table_round_trips_and_describes_its_entries()
    {
        var entry = new InstructionEntry(0xFF, 3, 0, 0, new GenericAddress(1, 8, 0, 1, 0xB2), 0x9A, 0xFF);
        var table = EinjStructures.BuildTriggerTable([entry]);
        Assert.Equal(48, table.Length);
        var w = new StringWriter();
        var r = new TextRenderer(w);
        EinjStructures.DescribeTriggerTable(table, 0x1000, r);
        Assert.Equal(0, r.ErrorsReported);
        Assert.Contains("TRIGGER_ERROR, WRITE_REGISTER_VALUE", w.ToString(), StringComparison.Ordinal);
        Assert.Contains("write 0x9A (mask 0xFF) to the 8-bit register at 0xB2 (System I/O)", w.ToString(), StringComparison.Ordinal);
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(12), 5);
        var r2 = new TextRenderer(TextWriter.Null);
        EinjStructures.DescribeTriggerTable(table, 0, r2);
        Assert.Equal(2, r2.ErrorsReported); // table size disagrees, entries past the end
    }
}
