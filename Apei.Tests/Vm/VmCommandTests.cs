using System.Buffers.Binary;
using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Tests.Cli;
using ApeiKit.Tests.Hest;

namespace ApeiKit.Tests.Vm;

/// <summary><c>apeikit bert build</c>, <c>vm build</c> and <c>vm qmp-inject</c>: files, arguments, JSON, errors. What a real kernel makes of them is <c>RealKernel/</c>.</summary>
public sealed class VmCommandTests() : TempDirectoryTests("apeikit-vmtests-")
{
    private string Encode(string fixture)
    {
        string path = PathOf(Path.ChangeExtension(fixture, ".bin"));
        var r = CliRunner.Run("encode", Fixtures.Path("vm/" + fixture), "-o", path);
        Assert.True(r.ExitCode == 0, r.Error);
        return path;
    }

    private static string Whea => Fixtures.Path("cper/whea/TestErrorMemory1.bin");

    [Fact]
    public void Bert_build_writes_a_table_and_region_that_decode_reads_back_record_for_record()
    {
        string mem = Encode("memory.json");
        var r = CliRunner.Run("bert", "build", mem, Fixtures.Path("vm/processor-generic.json"), Whea, "--region-address", "0x10010000", "-o", PathOf("BERT"), "--region-out", PathOf("region"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal("", r.Out);
        var table = File.ReadAllBytes(PathOf("BERT"));
        var region = File.ReadAllBytes(PathOf("region"));
        var view = BertTable.Read(table);
        Assert.True(view.IsChecksumValid);
        Assert.Equal(0x10010000UL, view.RegionAddress);
        Assert.Equal((uint)region.Length, view.RegionLength);
        Assert.Empty(BertValidator.Validate(table, region));
        var blocks = BootErrorRegion.Decode(region).Blocks;
        Assert.Equal(3, blocks.Count);
        Assert.Equal(CperGuids.PlatformMemory, blocks[0].Entries[0].EffectiveSectionType);
        Assert.Equal(CperGuids.ProcessorGeneric, blocks[1].Entries[0].EffectiveSectionType);
        // decode --bert-table/--bert-region reads the pair: three blocks, the Windows record's FRU text among them.
        var d = CliRunner.Run("decode", "--bert-table", PathOf("BERT"), "--bert-region", PathOf("region"));
        Assert.True(d.ExitCode == 0, d.Error);
        Assert.Contains("Slot 0=", d.Out, StringComparison.Ordinal);
        Assert.Contains("0x0000000012345000", d.Out, StringComparison.Ordinal);
        // The Windows record's binary timestamp: the warning names the year Linux prints.
        Assert.Contains(r.ErrorLines, l => l.Contains("warning:", StringComparison.Ordinal) && l.Contains("prints the year as 1419", StringComparison.Ordinal));
    }

    [IaslFact]
    public void Iasl_disassembles_the_bert_with_the_region_address_and_length()
    {
        var r = CliRunner.Run("bert", "build", Whea, "--region-address", "0x7FF00000", "-o", PathOf("BERT"), "--region-out", PathOf("region"));
        Assert.True(r.ExitCode == 0, r.Error);
        using var iasl = new Iasl();
        var fields = Iasl.Fields(iasl.Disassemble(("bert", File.ReadAllBytes(PathOf("BERT"))))[0]);
        Assert.Equal("\"BERT\"", fields.Find(f => f.Name == "Signature")!.Value.Split(' ')[0]);
        Assert.Equal((ulong)new FileInfo(PathOf("region")).Length, Iasl.HexValue(fields.Find(f => f.Name == "Boot Error Region Length")!.Value));
        Assert.Equal(0x7FF00000UL, Iasl.HexValue(fields.Find(f => f.Name == "Boot Error Region Address")!.Value));
    }

    [Fact]
    public void Bert_build_warns_about_records_linux_does_not_print()
    {
        var args = new List<string> { "bert", "build" };
        for (int i = 0; i < 6; i++) args.Add(Fixtures.Path("vm/memory.json"));
        args.Add(Fixtures.Path("vm/ia32x64-large.json"));
        args.AddRange(["--region-address", "0x10010000", "-o", PathOf("BERT"), "--region-out", PathOf("region")]);
        var r = CliRunner.Run([.. args]);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Single(r.ErrorLines, l => l.Contains("ACPI_BERT_PRINT_MAX_RECORDS", StringComparison.Ordinal) && l.Contains("BERT record 6", StringComparison.Ordinal));
        Assert.Single(r.ErrorLines, l => l.Contains("ACPI_BERT_PRINT_MAX_LEN", StringComparison.Ordinal) && l.Contains("BERT record 7 (", StringComparison.Ordinal) && l.Contains("ia32x64-large.json", StringComparison.Ordinal));
    }

    [Fact]
    public void Bert_build_refuses_an_output_that_is_an_input_and_malformed_records()
    {
        string mem = Encode("memory.json");
        var same = CliRunner.Run("bert", "build", mem, "--region-address", "0x1000", "-o", mem, "--region-out", PathOf("r"));
        Assert.Equal(2, same.ExitCode);
        Assert.Contains("is also an input", same.Error, StringComparison.Ordinal);
        File.WriteAllBytes(PathOf("junk.bin"), [1, 2, 3, 4, 5]);
        var junk = CliRunner.Run("bert", "build", PathOf("junk.bin"), "--region-address", "0x1000", "-o", PathOf("B"), "--region-out", PathOf("r"));
        Assert.Equal(1, junk.ExitCode);
        Assert.Single(junk.ErrorLines);
        Assert.False(File.Exists(PathOf("B")));
        var bad = CliRunner.Run("bert", "build", mem, "--region-address", "0xZZ", "-o", PathOf("B"), "--region-out", PathOf("r"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--region-address", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Vm_build_puts_each_record_in_its_sources_block_and_prints_the_arguments_that_load_it()
    {
        string mem = Encode("memory.json");
        var r = CliRunner.Run("vm", "build", "--preset", "x86-q35", "--record", "1=" + mem, "--record", "3=" + Fixtures.Path("vm/pcie-recoverable.json"), "--bert", Whea, "-o", Dir, "-f", "json");
        Assert.True(r.ExitCode == 0, r.Error);
        using var doc = JsonDocument.Parse(r.Out);
        var j = doc.RootElement;
        Assert.Equal("x86_64", j.GetProperty("architecture").GetString());
        string hest = PathOf("hest.aml"), region = PathOf("region.bin"), bert = PathOf("bert.aml"), bertRegion = PathOf("bert-region.bin");
        Assert.Equal(
            ["-acpitable", "file=" + hest, "-acpitable", "file=" + bert, "-device", $"loader,file={region},addr=0x10000000,force-raw=on", "-device", $"loader,file={bertRegion},addr=0x10005000,force-raw=on"],
            j.GetProperty("qemuArguments").EnumerateArray().Select(a => a.GetString()!));
        Assert.Equal(["memmap=20K$0x10000000", "memmap=4K$0x10005000"], j.GetProperty("kernelArguments").EnumerateArray().Select(a => a.GetString()!));
        // The region, read back through the HEST as decode --hest --region does: records in sources 1 and 3, read-ack pending there.
        var opened = ErrorStatusRegionFromHest.Open(File.ReadAllBytes(hest), File.ReadAllBytes(region), 0x10000000);
        Assert.Null(opened.ReadBlock(0));
        Assert.Equal(CperGuids.PlatformMemory, opened.ReadBlock(1)!.Entries[0].EffectiveSectionType);
        Assert.Equal(CperGuids.PciExpress, opened.ReadBlock(3)!.Entries[0].EffectiveSectionType);
        Assert.Equal(ReadAckState.Pending, opened.GetReadAckState(1));
        Assert.Equal(ReadAckState.Acknowledged, opened.GetReadAckState(0));
        var sources = j.GetProperty("sources");
        Assert.Equal(4, sources.GetArrayLength());
        Assert.Equal(JsonValueKind.Null, sources[0].GetProperty("record").ValueKind);
        Assert.Equal("0x10001040", sources[1].GetProperty("blockAddress").GetString());
        Assert.Equal("0x10005000", j.GetProperty("bert").GetProperty("regionAddress").GetString());
        Assert.DoesNotContain(BertValidator.Validate(File.ReadAllBytes(bert), File.ReadAllBytes(bertRegion)), f => f.Severity == FindingSeverity.Error);
        // Text: the same arguments, shell-quoted, and an example command line.
        var t = CliRunner.Run("vm", "build", "--preset", "x86-q35", "--record", "1=" + mem, "-o", Dir);
        Assert.True(t.ExitCode == 0, t.Error);
        Assert.Contains("  memmap=20K$0x10000000", t.Out, StringComparison.Ordinal);
        Assert.Contains("-append 'console=ttyS0 memmap=20K$0x10000000'", t.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("wrote", t.Out, StringComparison.Ordinal);
        var k = CliRunner.Run("vm", "build", "--preset", "x86-q35", "-o", Dir, "--kernel", "/boot/vmlinuz-6.1", "--initrd", "my initrd");
        Assert.Contains("-kernel /boot/vmlinuz-6.1 -initrd 'my initrd' -append", k.Out, StringComparison.Ordinal);
        Assert.Contains("wrote", t.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Vm_build_for_virt_keeps_qemus_layout_and_writes_the_table_upgrade_cpio()
    {
        var r = CliRunner.Run("vm", "build", "--preset", "virt", "--record", "0=" + Fixtures.Path("vm/memory.json"), "-o", Dir, "-f", "json");
        Assert.True(r.ExitCode == 0, r.Error);
        using var doc = JsonDocument.Parse(r.Out);
        var j = doc.RootElement;
        Assert.Equal("arm64", j.GetProperty("architecture").GetString());
        Assert.Equal(["acpi=force"], j.GetProperty("kernelArguments").EnumerateArray().Select(a => a.GetString()!));
        // Source 0 of QEMU's virt HEST is notified by SEA: nothing here raises one, so Linux would not read the record.
        Assert.Contains(r.ErrorLines, l => l.Contains("notified by sea: Linux reads that block only when the source is notified", StringComparison.Ordinal));
        Assert.DoesNotContain("-acpitable", j.GetProperty("qemuArguments").EnumerateArray().Select(a => a.GetString()!));
        // QEMU's etc/hardware_errors for two sources: 2 address registers, 2 read-ack registers, 2 blocks of 1 KiB.
        var region = File.ReadAllBytes(PathOf("region.bin"));
        Assert.Equal(16 * 2 + 2 * 1024, region.Length);
        Assert.Equal(0x07000000UL + 32, BinaryPrimitives.ReadUInt64LittleEndian(region));
        Assert.Equal(0x07000000UL + 32 + 1024, BinaryPrimitives.ReadUInt64LittleEndian(region.AsSpan(8)));
        var cpio = File.ReadAllBytes(PathOf("acpi-tables.cpio"));
        Assert.StartsWith("070701", System.Text.Encoding.ASCII.GetString(cpio, 0, 6), StringComparison.Ordinal);
        Assert.Contains("kernel/firmware/acpi/hest.aml", System.Text.Encoding.ASCII.GetString(cpio), StringComparison.Ordinal);
        int at = cpio.AsSpan().IndexOf("HEST"u8);
        Assert.True(cpio.AsSpan(at, 36 + 4 * 2).SequenceEqual(File.ReadAllBytes(PathOf("hest.aml")).AsSpan(0, 36 + 4 * 2)));
    }

    [Fact]
    public void Vm_build_warns_where_linux_will_not_do_what_the_spec_intends()
    {
        File.WriteAllText(PathOf("spec.json"), """
            { "sources": [
              { "type": "ghesv2", "notification": { "type": "polled", "pollInterval": 0 } },
              { "type": "ghesv2", "notification": "cmci" },
              { "type": "ghesv2", "notification": "sea" },
              { "type": "ghesv2", "notification": "polled" } ] }
            """);
        var r = CliRunner.Run("vm", "build", PathOf("spec.json"), "--record", "3=" + Fixtures.Path("vm/pcie-fatal.json"), "-o", Dir);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains(r.ErrorLines, l => l.Contains("source 0", StringComparison.Ordinal) && l.Contains("Poll interval is 0", StringComparison.Ordinal));
        Assert.Contains(r.ErrorLines, l => l.Contains("source 1", StringComparison.Ordinal) && l.Contains("CMCI is not supported", StringComparison.Ordinal));
        Assert.Contains(r.ErrorLines, l => l.Contains("source 2", StringComparison.Ordinal) && l.Contains("arm64 only", StringComparison.Ordinal));
        Assert.Contains(r.ErrorLines, l => l.Contains("pcie-fatal.json", StringComparison.Ordinal) && l.Contains("GHES: Fatal hardware error", StringComparison.Ordinal));
    }

    [Fact]
    public void Vm_build_refuses_unknown_sources_records_that_do_not_fit_and_missing_directories()
    {
        var none = CliRunner.Run("vm", "build", "--preset", "x86-q35", "--record", "9=" + Whea, "-o", Dir);
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("no GHES/GHESv2 source with Source ID 9", none.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("hest.aml")));
        var big = CliRunner.Run("vm", "build", "--preset", "virt", "--record", "0=" + Fixtures.Path("vm/ia32x64-large.json"), "-o", Dir);
        Assert.Equal(1, big.ExitCode);
        Assert.Contains("does not fit", big.Error, StringComparison.Ordinal);
        var syntax = CliRunner.Run("vm", "build", "--preset", "x86-q35", "--record", Whea, "-o", Dir);
        Assert.Equal(2, syntax.ExitCode);
        Assert.Contains("SOURCE=FILE", syntax.Error, StringComparison.Ordinal);
        var dir = CliRunner.Run("vm", "build", "--preset", "x86-q35", "-o", PathOf("nope"));
        Assert.Equal(2, dir.ExitCode);
        Assert.Contains("not a directory", dir.Error, StringComparison.Ordinal);
        var neither = CliRunner.Run("vm", "build", "-o", Dir);
        Assert.Equal(2, neither.ExitCode);
    }

    [Fact]
    public void Qmp_inject_prints_the_command_with_the_base64_error_status_block()
    {
        var r = CliRunner.Run("vm", "qmp-inject", Fixtures.Path("vm/memory.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal("inject-ghes-v2-error", doc.RootElement.GetProperty("execute").GetString());
        var bytes = Convert.FromBase64String(doc.RootElement.GetProperty("arguments").GetProperty("cper").GetString()!);
        // Generic Error Status Block + Generic Error Data Entry + section, and nothing else.
        GhesBlockValidator.Validate(bytes, (ulong)bytes.Length).ThrowIfInvalid();
        var block = ErrorStatusBlock.Decode(bytes, out int n);
        Assert.Equal(bytes.Length, n);
        Assert.Equal(CperGuids.PlatformMemory, Assert.Single(block.Entries).EffectiveSectionType);
        var big = CliRunner.Run("vm", "qmp-inject", Fixtures.Path("vm/ia32x64-large.json"));
        Assert.Equal(1, big.ExitCode);
        Assert.Contains("QEMU refuses more than 1024 bytes", big.Error, StringComparison.Ordinal);
        Assert.Equal("", big.Out);
    }

    [Fact]
    public void Hest_check_decode_and_convert_name_what_linux_will_not_do()
    {
        File.WriteAllText(PathOf("spec.json"), """{ "sources": [ { "type": "ghesv2", "notification": { "type": "polled", "pollInterval": 0 } }, { "type": "ghes", "notification": "mce" } ] }""");
        Assert.Equal(1, CliRunner.Run("hest", "build", PathOf("spec.json"), "-o", PathOf("h.bin"), "--region-base", "0x1000").ExitCode); // the check also fails the 0 interval
        var check = CliRunner.Run("hest", "check", PathOf("h.bin"));
        Assert.Contains("  linux: GHESv2 source 0: polled with poll interval 0", check.Out, StringComparison.Ordinal);
        Assert.Contains("  linux: GHES source 1: notified by MCE", check.Out, StringComparison.Ordinal);
        using (var doc = JsonDocument.Parse(CliRunner.Run("hest", "check", "-f", "json", PathOf("h.bin")).Out))
            Assert.Equal(["pollIntervalZero", "notificationRefused"], doc.RootElement[0].GetProperty("linux").EnumerateArray().Select(w => w.GetProperty("kind").GetString()!));
        var decode = CliRunner.Run("decode", PathOf("h.bin"));
        Assert.Equal(0, decode.ExitCode);
        Assert.Equal(2, decode.ErrorLines.Count(l => l.Contains(": warning: GHES", StringComparison.Ordinal)));
        var convert = CliRunner.Run("convert", "--to", "gesb", Encode("pcie-fatal.json"), "-o", PathOf("f.gesb"));
        Assert.Equal(0, convert.ExitCode);
        Assert.Single(convert.ErrorLines, l => l.Contains("warning: block 1: fatal severity", StringComparison.Ordinal));
    }
}
