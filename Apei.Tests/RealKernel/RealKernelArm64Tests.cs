using System.Buffers.Binary;
using System.Text.Json;
using ApeiKit.Ghes;
using ApeiKit.Tests.Cli;
using Xunit.Abstractions;

namespace ApeiKit.Tests.RealKernel;

/// <summary>
/// The arm64 way in, as <c>apeikit vm build --preset virt</c> prints it: the HEST and BERT through the kernel's ACPI table
/// upgrade (acpi-tables.cpio in front of the initrd), the regions in the virt machine's second flash bank, Debian's arm64
/// kernel under qemu-system-aarch64 with edk2. One boot (about 10 s).
/// </summary>
public sealed class RealKernelArm64Tests(ITestOutputHelper output)
{
    [RealKernelArm64Fact]
    public void The_virt_tables_and_regions_vm_build_prints_reach_an_arm64_kernel_which_decodes_them_as_apeikit_does()
    {
        var machine = GuestMachine.Arm64;
        machine.Require();
        string dir = Directory.CreateTempSubdirectory("apeikit-vm-arm64-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "spec.json"), """{ "sources": [ { "type": "ghesv2", "notification": "polled" }, { "type": "ghesv2", "notification": "polled" } ] }""");
            string mem = Path.Combine(dir, "memory.bin"), proc = Path.Combine(dir, "proc.bin"), arm = Path.Combine(dir, "arm.bin");
            Assert.Equal(0, CliRunner.Run("encode", Fixtures.Path("vm/arm-cache.json"), "-o", arm).ExitCode);
            Assert.Equal(0, CliRunner.Run("encode", Fixtures.Path("vm/memory.json"), "-o", mem).ExitCode);
            Assert.Equal(0, CliRunner.Run("encode", Fixtures.Path("vm/processor-generic.json"), "-o", proc).ExitCode);
            var vm = CliRunner.Run("vm", "build", Path.Combine(dir, "spec.json"), "--preset", "virt", "--record", "2=" + mem, "--record", "3=" + arm, "--bert", proc, "-o", dir, "-f", "json");
            Assert.True(vm.ExitCode == 0, vm.Error);
            using var doc = JsonDocument.Parse(vm.Out);
            var launch = doc.RootElement;
            var region = launch.GetProperty("region");
            ulong regionBase = KernelExpectations.U(region.GetProperty("address"));
            var boot = Guest.Run(machine, dir,
                launch.GetProperty("qemuArguments").EnumerateArray().Select(a => a.GetString()!),
                launch.GetProperty("kernelArguments").EnumerateArray().Select(a => a.GetString()!),
                [(regionBase, region.GetProperty("size").GetInt32())],
                File.ReadAllBytes(launch.GetProperty("initrdPrepend").GetString()!));
            output.WriteLine($"arm64 boot took {boot.Elapsed.TotalSeconds:F1} s");
            string tail = string.Join('\n', boot.Console.Split('\n').TakeLast(40));
            Assert.False(boot.TimedOut, tail);
            Assert.Contains(boot.Dmesg, l => l.Contains("ACPI: Table Upgrade: install [HEST-BOCHS -BXPC    ]", StringComparison.Ordinal));
            Assert.Contains(boot.Dmesg, l => l.Contains("ACPI: Table Upgrade: install [BERT-", StringComparison.Ordinal));

            var problems = new List<string>();
            var ghes = KernelLog.Ghes(boot.Dmesg).Find(r => r.SourceId == 2);
            Assert.True(ghes is not null, "the kernel printed nothing for source 2:\n" + string.Join('\n', boot.Dmesg));
            var memJson = JsonDocument.Parse(CliRunner.Run("decode", "-f", "json", mem).Out).RootElement;
            problems.AddRange(KernelExpectations.For(memJson, File.ReadAllBytes(mem)).Compare(ghes, out int n1));
            // The ARM processor section, which only an arm64 kernel decodes (bit-flag error type 0x02: cache, as Linux reads it).
            var armPrinted = KernelLog.Ghes(boot.Dmesg).Find(r => r.SourceId == 3);
            Assert.True(armPrinted is not null, "the kernel printed nothing for source 3:\n" + string.Join('\n', boot.Dmesg));
            var armJson = JsonDocument.Parse(CliRunner.Run("decode", "-f", "json", arm).Out).RootElement;
            problems.AddRange(KernelExpectations.For(armJson, File.ReadAllBytes(arm)).Compare(armPrinted, out int n3).Select(p => "ARM: " + p));
            output.WriteLine($"ARM processor section: {n3} fields agree");
            var bert = Assert.Single(KernelLog.Bert(boot.Dmesg));
            var procJson = JsonDocument.Parse(CliRunner.Run("decode", "-f", "json", proc).Out).RootElement;
            problems.AddRange(KernelExpectations.For(procJson, File.ReadAllBytes(proc)).Compare(bert, out int n2));
            Assert.True(problems.Count == 0, string.Join('\n', problems) + "\n--- kernel:\n" + string.Join('\n', boot.Dmesg.Where(l => l.Contains("Hardware Error", StringComparison.Ordinal))));
            output.WriteLine($"{n1 + n2 + n3} fields agree");

            // What vm build's note says: the flash bank ignores the guest's writes, so the read-ack register stays pending
            // (0, as vm build left it) and the block keeps its record, although Linux handled it.
            Assert.True(boot.Memory.TryGetValue(regionBase, out var after), "QMP pmemsave did not save the region:\n" + tail);
            var opened = ErrorStatusRegionFromHest.Open(File.ReadAllBytes(launch.GetProperty("hest").GetProperty("path").GetString()!), after, regionBase);
            Assert.Equal(ReadAckState.Pending, opened.GetReadAckState(2));
            Assert.NotNull(opened.ReadBlock(2));
            Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(after.AsSpan((int)(opened.Sources[2].ReadAckRegister!.Value - regionBase))));
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
