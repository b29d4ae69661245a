namespace ApeiKit.Tests.Cli;

public sealed class EncodeCommandTests() : TempDirectoryTests("apeikit-encode-")
{
    [Fact]
    public void EncodeWritesTheBytesDecodeJsonDescribes()
    {
        string json = PathOf("r.json"), bin = PathOf("r.bin");
        var decoded = CliRunner.Run("decode", "-f", "json", Fixtures.Path("cper/whea/TestErrorMultiple2.bin"));
        File.WriteAllText(json, decoded.Out);

        var r = CliRunner.Run("encode", json, "-o", bin);

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("wrote 1 CPER record", r.Error, StringComparison.Ordinal); // status lines go to stderr: stdout is data alone
        Assert.Equal(Fixtures.Bytes("cper/whea/TestErrorMultiple2.bin"), File.ReadAllBytes(bin));
    }

    [Fact]
    public void GesbFramingWritesAnErrorStatusBlockThatDecodes()
    {
        string json = PathOf("r.json"), bin = PathOf("r.gesb");
        File.WriteAllText(json, """{"header": {"severity": "corrected"}, "sections": [{"descriptor": {"sectionType": "a5bc1114-6f64-4ede-b863-3e83ed7c83b1", "severity": "corrected"}, "body": {"physicalAddress": 4096}}]}""");

        var r = CliRunner.Run("encode", json, "-o", bin, "--framing", "gesb");

        Assert.Equal(0, r.ExitCode);
        var block = ApeiKit.Ghes.ErrorStatusBlock.Decode(File.ReadAllBytes(bin), out _);
        var entry = Assert.Single(block.Entries);
        Assert.Equal(4096ul, Assert.IsType<ApeiKit.Cper.MemoryErrorSection>(entry.Body).PhysicalAddress);
    }

    [Fact]
    public void JsonErrorExitsOneWithThePath()
    {
        string json = PathOf("bad.json");
        File.WriteAllText(json, """{"sections": [{"descriptor": {"sectionType": "a5bc1114-6f64-4ede-b863-3e83ed7c83b1"}, "body": {"physicalAddress": true}}]}""");

        var r = CliRunner.Run("encode", json, "-o", PathOf("out.bin"));

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("$.sections[0].body.physicalAddress: expected an unsigned integer", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("out.bin")));
    }

    [Fact]
    public void UnreadableFileExitsTwo()
    {
        var r = CliRunner.Run("encode", PathOf("missing.json"), "-o", PathOf("out.bin"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("cannot read", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void StandardInputIsRead()
    {
        string bin = PathOf("r.bin");
        var decoded = CliRunner.Run("decode", "-f", "ndjson", Fixtures.Path("cper/whea/TestErrorMemory1.bin"));
        var r = CliRunner.RunWithStdin(System.Text.Encoding.UTF8.GetBytes(decoded.Out), "encode", "-", "-o", bin);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(Fixtures.Bytes("cper/whea/TestErrorMemory1.bin"), File.ReadAllBytes(bin));
    }
}
