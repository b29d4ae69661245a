using ApeiKit.Hest;
using ApeiKit.Tests.Hest;

namespace ApeiKit.Tests.Apei;

/// <summary>
/// The Generic Address Structure's field offsets are written once, in <see cref="GenericAddress"/> (ACPI 6.5 §5.2.3.2,
/// Table 5.1: Address Space ID at byte 0, Register Bit Width 1, Register Bit Offset 2, Access Size 3, Address 4), and
/// the validators that point at a register's sub-field use them: each finding lands on the byte that is wrong.
/// </summary>
public class GenericAddressOffsetTests
{
    [Fact]
    public void The_named_offsets_are_table_5_1_and_the_layout_uses_them()
    {
        Assert.Equal((0, 1, 2, 3, 4), (GenericAddress.AddressSpaceIdOffset, GenericAddress.BitWidthOffset, GenericAddress.BitOffsetOffset, GenericAddress.AccessSizeOffset, GenericAddress.AddressOffset));
        Assert.Equal(GenericAddress.AddressSpaceIdOffset, GenericAddress.Layout.Find("spaceId")!.Offset);
        Assert.Equal(GenericAddress.BitWidthOffset, GenericAddress.Layout.Find("bitWidth")!.Offset);
        Assert.Equal(GenericAddress.BitOffsetOffset, GenericAddress.Layout.Find("bitOffset")!.Offset);
        Assert.Equal(GenericAddress.AccessSizeOffset, GenericAddress.Layout.Find("accessSize")!.Offset);
        Assert.Equal(GenericAddress.AddressOffset, GenericAddress.Layout.Find("address")!.Offset);
    }

    [Fact]
    public void Read_and_write_put_each_field_at_its_byte()
    {
        byte[] bytes = [0x01, 0x20, 0x05, 0x03, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11];
        var gas = GenericAddress.Read(bytes);
        Assert.Equal(new GenericAddress(1, 0x20, 5, 3, 0x1122334455667788), gas);
        var written = new byte[GenericAddress.Size];
        gas.Write(written);
        Assert.Equal(bytes, written);
    }

    [Theory]
    [InlineData(1, 32, "bit width 32")] // Register Bit Width of the Error Status Address (GHES byte 20 + 1)
    [InlineData(2, 8, "bit offset 8")]
    [InlineData(3, 3, "access size 3")]
    public void Hest_validator_points_at_the_register_sub_field(int fieldByte, byte value, string says)
    {
        var t = HestTestData.AllTypes();
        var bytes = t.Encode();
        int ghes = 40 + t.Sources.Take(6).Sum(s => s.GetEncodedLength()); // source 6 is the GHES (type 9)
        Assert.Equal(9, bytes[ghes]);
        int at = ghes + 20 + fieldByte; // ACPI 6.5 Table 18.12: Error Status Address at byte 20 of a GHES structure
        bytes[at] = value;
        Checksum.Fix(bytes, AcpiTableHeader.ChecksumOffset);
        var f = Assert.Single(HestValidator.Validate(bytes));
        Assert.Equal(("register-width", (long)at), (f.Rule, f.Offset));
        Assert.StartsWith(says, f.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(53, 0x0C, "register-width")] // the first ERST entry at 48, its Register Region at 48 + 4: bit width at 53
    [InlineData(54, 0x40, "register-width")] // bit offset 64 of a 64-bit register
    [InlineData(55, 0x05, "register-access-size")] // access size 5 is reserved
    public void Action_table_validator_points_at_the_register_sub_field(int at, byte value, string rule)
    {
        var table = ActionTableTests.QemuErst();
        table[at] = value;
        Checksum.Fix(table, AcpiTableHeader.ChecksumOffset);
        Assert.Contains(ActionTableValidator.Validate(table), f => f.Rule == rule && f.Offset == at);
    }
}
