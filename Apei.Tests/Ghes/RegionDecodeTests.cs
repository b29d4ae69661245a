using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Hest;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Ghes;

/// <summary>A HEST and its error-status region: <see cref="ErrorStatusRegionFromHest"/> and <c>apeikit decode --hest --region</c>.</summary>
public sealed class RegionDecodeTests() : TempDirectoryTests("apeikit-region-")
{
    private const ulong Base = 0x7FFF_0000;

    private static ErrorStatusBlock MemoryError(ulong address)
    {
        var block = new ErrorStatusBlock { ErrorSeverity = 2 };
        block.Entries.Add(new ErrorDataEntry { ErrorSeverity = 2, Body = GhesTestBlocks.Memory(address) });
        return block;
    }

    /// <summary>The qemu-virt-arm preset at <see cref="Base"/>, with a memory error written for source 1.</summary>
    private static (byte[] Hest, byte[] Region) PresetWithRecordForSource1()
    {
        var built = HestPresets.QemuVirtArm().Build(Base);
        var region = built.RegionBytes!;
        var opened = ErrorStatusRegionFromHest.Open(built.TableBytes, region, Base);
        Assert.Equal(GhesWriteResult.Written, opened.TryWriteBlock(1, MemoryError(0x4_0000_1000)));
        return (built.TableBytes, region);
    }

    [Fact]
    public void The_adapter_reads_the_ghes_sources_registers_from_the_hest()
    {
        var built = HestPresets.QemuVirtArm().Build(Base);
        var sources = ErrorStatusRegionFromHest.ReadSources(built.TableBytes);
        Assert.Equal(2, sources.Count);
        Assert.Equal([NotificationType.Sea, NotificationType.Gpio], sources.Select(s => s.Notification));
        foreach (var e in built.Region!.Entries)
        {
            var d = sources.Single(s => s.Description.SourceId == e.SourceId).Description;
            Assert.Equal(e.ErrorBlockAddressRegister, d.ErrorBlockAddressRegister);
            Assert.Equal(e.ReadAckRegister, d.ReadAckRegister);
            Assert.Equal(1024u, d.ErrorStatusBlockLength);
            Assert.Equal(ReadAckRegister.QemuPreserve, d.ReadAckPreserve);
            Assert.Equal(ReadAckRegister.QemuWrite, d.ReadAckWrite);
        }
        Assert.Equal(Base, ErrorStatusRegionFromHest.InferBase(sources));

        var region = ErrorStatusRegionFromHest.Open(built.TableBytes, built.RegionBytes!, Base);
        Assert.Equal(GhesWriteResult.Written, region.TryWriteBlock(1, MemoryError(0x9000)));
        Assert.Null(region.ReadBlock(0));
        Assert.Equal(0x9000ul, ((MemoryErrorSection)region.ReadBlock(1)!.Entries[0].Body).PhysicalAddress);
        Assert.Equal(ReadAckState.Pending, region.GetReadAckState(1));
    }

    [Fact]
    public void Opening_a_region_too_short_for_the_hest_names_the_source_and_field()
    {
        var built = HestPresets.QemuVirtArm().Build(Base);
        var e = Assert.Throws<ApeiContentException>(() => ErrorStatusRegionFromHest.Open(built.TableBytes, built.RegionBytes![..20], Base));
        Assert.Equal("HEST GHESv2 source 0", e.Structure);
        Assert.Equal("ReadAckRegister", e.Field); // 0x7FFF0010 + 8 passes the 20 bytes
        // Registers inside, blocks outside: the register holding the block address is named.
        var e2 = Assert.Throws<ApeiContentException>(() => ErrorStatusRegionFromHest.Open(built.TableBytes, built.RegionBytes![..64], Base));
        Assert.Equal("HEST GHESv2 source 0 error block address register", e2.Structure);
        Assert.Equal("ErrorBlockAddress", e2.Field);
        // A base above the registers.
        var e3 = Assert.Throws<ApeiContentException>(() => ErrorStatusRegionFromHest.Open(built.TableBytes, built.RegionBytes!, Base + 8));
        Assert.Equal("ErrorStatusAddress", e3.Field);
    }

    [Fact]
    public void Decode_shows_source_0_empty_and_acknowledged_and_source_1_pending_with_its_record()
    {
        var (hest, region) = PresetWithRecordForSource1();
        string hestPath = Write("HEST.bin", hest), regionPath = Write("hardware_errors.bin", region);

        var text = CliRunner.Run("decode", "--hest", hestPath, "--region", regionPath, "--region-base", "0x7FFF0000");
        Assert.Equal("", text.Error);
        Assert.Equal(0, text.ExitCode);
        var parts = text.Out.Split("HEST GHESv2 source 1", StringSplitOptions.None);
        Assert.Equal(2, parts.Length);
        Assert.Contains("Notification type: ARMv8 SEA", parts[0], StringComparison.Ordinal);
        Assert.Contains("Read ack: acknowledged", parts[0], StringComparison.Ordinal);
        Assert.Contains("State: empty (block status is 0: no error recorded)", parts[0], StringComparison.Ordinal);
        Assert.Contains("Notification type: GPIO-Signal", parts[1], StringComparison.Ordinal);
        Assert.Contains("Read ack: pending", parts[1], StringComparison.Ordinal);
        Assert.Contains("Read ack register value: 0x0", parts[1], StringComparison.Ordinal);
        Assert.Contains("Error status block address: 0x7FFF0420", parts[1], StringComparison.Ordinal);
        Assert.Contains("Entry 0: Platform Memory", parts[1], StringComparison.Ordinal);

        // Without --region-base the HEST's lowest register address is the base: same output.
        var inferred = CliRunner.Run("decode", "--hest", hestPath, "--region", regionPath);
        Assert.Equal(0, inferred.ExitCode);
        Assert.Equal(text.Out, inferred.Out);

        var layout = CliRunner.Run("decode", "-f", "layout", "--hest", hestPath, "--region", regionPath);
        Assert.Equal(0, layout.ExitCode);
        Assert.Contains("Platform Memory", layout.Out, StringComparison.Ordinal);

        using var doc = CliRunner.Run("decode", "-f", "json", "--hest", hestPath, "--region", regionPath).AssertSucceededWithJson();
        var s0 = doc.RootElement[0];
        Assert.Equal(0, s0.GetProperty("sourceId").GetInt32());
        Assert.Equal("GHESv2", s0.GetProperty("type").GetString());
        Assert.Equal("0x7FFF0000", s0.GetProperty("errorBlockAddressRegister").GetString());
        Assert.Equal("0x7FFF0010", s0.GetProperty("readAckRegister").GetString());
        Assert.Equal("acknowledged", s0.GetProperty("readAck").GetString());
        Assert.Equal("0x1", s0.GetProperty("readAckValue").GetString());
        Assert.StartsWith("empty", s0.GetProperty("record").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, s0.GetProperty("errorStatusBlock").GetProperty("header").GetProperty("blockStatus").GetProperty("value").GetInt32());

        var s1 = doc.RootElement[1];
        Assert.Equal(1, s1.GetProperty("sourceId").GetInt32());
        Assert.Equal("GPIO-Signal", s1.GetProperty("notificationType").GetString());
        Assert.Equal("pending", s1.GetProperty("readAck").GetString());
        Assert.Equal("0x7FFF0420", s1.GetProperty("blockAddress").GetString());
        Assert.Equal("present", s1.GetProperty("record").GetString());
        var entries = s1.GetProperty("errorStatusBlock").GetProperty("entries");
        Assert.Equal(1, entries.GetArrayLength());
        Assert.Equal(0x4_0000_1000L, entries[0].GetProperty("body").GetProperty("physicalAddress").GetInt64());
    }

    [Fact]
    public void A_region_too_short_for_the_hest_is_a_content_error_not_an_exception()
    {
        var (hest, region) = PresetWithRecordForSource1();
        string hestPath = Write("HEST.bin", hest), regionPath = Write("short.bin", region[..0x430]);
        var r = CliRunner.Run("decode", "--hest", hestPath, "--region", regionPath);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Read ack: acknowledged", r.Out, StringComparison.Ordinal); // source 0 still decodes
        Assert.Contains("HEST GHESv2 source 1: HEST GHESv2 source 1 error block address register", r.Error, StringComparison.Ordinal);
        Assert.Contains("ErrorBlockAddress", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", r.Error, StringComparison.Ordinal);

        var json = CliRunner.Run("decode", "-f", "json", "--hest", hestPath, "--region", Write("tiny.bin", region[..12]));
        Assert.Equal(1, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Out); // still a valid document
        Assert.Equal(2, doc.RootElement.GetArrayLength());
        Assert.Contains("ReadAckRegister", json.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_errors_exit_2()
    {
        var built = HestPresets.QemuVirtArm().Build(); // registers left 0, as QEMU leaves them for the linker
        string hestPath = Write("HEST.bin", built.TableBytes), regionPath = Write("r.bin", new byte[64]);
        var r = CliRunner.Run("decode", "--hest", hestPath, "--region", regionPath);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--region-base", r.Error, StringComparison.Ordinal);
        Assert.Equal(2, CliRunner.Run("decode", "--hest", hestPath).ExitCode);
        Assert.Equal(2, CliRunner.Run("decode", "--region", regionPath).ExitCode);
        Assert.Equal(2, CliRunner.Run("decode", "--hest", hestPath, "--region", regionPath, "--region-base", "zz").ExitCode);
        // With a base the unpatched registers are content errors.
        Assert.Equal(1, CliRunner.Run("decode", "--hest", hestPath, "--region", regionPath, "--region-base", "0x1000").ExitCode);
    }

    [Fact]
    public void Hest_build_output_decodes_end_to_end()
    {
        string hestPath = PathOf("HEST.bin"), regionPath = PathOf("hardware_errors.bin");
        var build = CliRunner.Run("hest", "build", "--preset", "qemu-virt-arm", "-o", hestPath, "--region", regionPath, "--region-base", "0x7FFF0000");
        Assert.Equal(0, build.ExitCode);

        var r = CliRunner.Run("decode", "-f", "json", "--hest", hestPath, "--region", regionPath);
        Assert.Equal("", r.Error);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(2, doc.RootElement.GetArrayLength());
        foreach (var s in doc.RootElement.EnumerateArray())
        {
            Assert.Equal("acknowledged", s.GetProperty("readAck").GetString());
            Assert.StartsWith("empty", s.GetProperty("record").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal("0x7FFF0420", doc.RootElement[1].GetProperty("blockAddress").GetString());

        // Firmware writes a record through the files; decode sees it pending.
        var region = File.ReadAllBytes(regionPath);
        var opened = ErrorStatusRegionFromHest.Open(File.ReadAllBytes(hestPath), region, Base);
        Assert.Equal(GhesWriteResult.Written, opened.TryWriteBlock(0, MemoryError(0x8000)));
        File.WriteAllBytes(regionPath, region);
        var text = CliRunner.Run("decode", "--hest", hestPath, "--region", regionPath, "--region-base", "0x7FFF0000");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("Read ack: pending", text.Out, StringComparison.Ordinal);
        Assert.Contains("Entry 0: Platform Memory", text.Out, StringComparison.Ordinal);
    }
}
