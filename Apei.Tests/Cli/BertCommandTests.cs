namespace ApeiKit.Tests.Cli;

/// <summary><c>apeikit bert build</c>: what the conversion to error status blocks dropped is said under the file it came from (as <c>convert</c> says it), or under the command for several files.</summary>
public class BertCommandTests() : TempDirectoryTests("apeikit-bert-build-")
{
    private const string Dropped = "1 record: creator ID, notification type and record ID have no place in an error status block and were dropped";

    [Fact]
    public void The_dropped_fields_are_said_under_the_records_file()
    {
        string record = Fixtures.Path("cper/whea/TestErrorMemory1.bin");
        var r = CliRunner.Run("bert", "build", record, "--region-address", "0x10010000", "-o", PathOf("bert.bin"), "--region-out", PathOf("region.bin"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"apeikit: {record}: {Dropped}", r.Error, StringComparison.Ordinal);

        var two = CliRunner.Run("bert", "build", record, record, "--region-address", "0x10010000", "-o", PathOf("bert2.bin"), "--region-out", PathOf("region2.bin"));
        Assert.Equal(0, two.ExitCode);
        Assert.Contains("apeikit: bert build: 2 records: creator ID, notification type and record ID have no place", two.Error, StringComparison.Ordinal);
    }
}
