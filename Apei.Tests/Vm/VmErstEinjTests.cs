using System.Buffers.Binary;
using System.Text.Json;
using ApeiKit.Hest;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Vm;

/// <summary>
/// <c>apeikit vm erst-einj</c> without a guest: the files it writes and the arguments it prints agree with each other
/// (the real-kernel tier boots a guest with them: RealKernelErstEinjTests).
/// </summary>
public sealed class VmErstEinjTests() : TempDirectoryTests("apeikit-vm-erst-einj-")
{
    [Fact]
    public void The_tables_act_on_the_region_it_loads_and_reserves_and_the_registers_hold_the_answers()
    {
        var r = CliRunner.Run("vm", "erst-einj", "-o", Dir, "--region-base", "0x20000000", "--einj-types", "0x18", "-f", "json");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.DoesNotContain("check:", r.Error, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal(["-acpitable", "file=" + PathOf("erst.aml"), "-acpitable", "file=" + PathOf("einj.aml"),
            "-device", $"loader,file={PathOf("registers.bin")},addr=0x20000000,force-raw=on"],
            root.GetProperty("qemuArguments").EnumerateArray().Select(a => a.GetString()!));
        Assert.Equal(["memmap=64K$0x20000000"], root.GetProperty("kernelArguments").EnumerateArray().Select(a => a.GetString()!));
        Assert.Equal(["memoryCorrectable", "memoryUncorrectableNonFatal"], root.GetProperty("einj").GetProperty("errorTypeNames").EnumerateArray().Select(a => a.GetString()!));

        // Every register either table names lies in the 64 KiB region.
        foreach (var table in new[] { "erst.aml", "einj.aml" })
        {
            var model = ActionTableModel.Decode(File.ReadAllBytes(PathOf(table)));
            Assert.NotEmpty(model.Entries);
            Assert.All(model.Entries, e => Assert.InRange(e.Register.Address, 0x20000000UL, 0x2000FFFFUL));
        }
        // The static registers hold the answers the ERST's queries read: the error log range, "no record", not busy.
        var regs = File.ReadAllBytes(PathOf("registers.bin"));
        Assert.Equal(0x10000, regs.Length);
        Assert.Equal(0x20001000UL, BinaryPrimitives.ReadUInt64LittleEndian(regs.AsSpan(0x30)));
        Assert.Equal(0x2000UL, BinaryPrimitives.ReadUInt64LittleEndian(regs.AsSpan(0x38)));
        Assert.Equal(ulong.MaxValue, BinaryPrimitives.ReadUInt64LittleEndian(regs.AsSpan(0x20)));
        Assert.Equal(0U, BinaryPrimitives.ReadUInt32LittleEndian(regs.AsSpan(0x10)));
        Assert.Equal(0x18U, BinaryPrimitives.ReadUInt32LittleEndian(regs.AsSpan(0x8008)));
        // The ERST reads GET_ERROR_LOG_ADDRESS_RANGE from the register that holds it.
        var erst = ActionTableModel.Decode(File.ReadAllBytes(PathOf("erst.aml")));
        Assert.Contains(erst.Entries, e => e.Action == 0x0D && e.Instruction == 0x00 && e.Register.Address == 0x20000030);
    }

    [Theory]
    [InlineData("--region-base", "0x10000800")]
    [InlineData("--einj-types", "0x100000000")]
    public void Bad_values_are_usage_errors_without_a_stack_trace(string option, string value)
    {
        var r = CliRunner.Run("vm", "erst-einj", "-o", Dir, option, value);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(option, r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("erst.aml")));
    }
}
