namespace ApeiKit.Tests.Cli;

/// <summary>
/// <c>hest check</c>, <c>erst check</c> and the record files of <c>vm</c> read their input through the library's
/// recogniser (as decode does): a table written as xxd or <c>hexdump -C</c> text reads as the table itself.
/// </summary>
public sealed class TextTableInputTests
{
    // The real HP ProLiant HEST (fixtures/README.md), and xxd's and hexdump -C's renderings of it (the tools' own output).
    private static string Hest(string extension) => Fixtures.Path("acpidump/hest-proliant." + extension);

    [Theory]
    [InlineData("xxd", "text")]
    [InlineData("hexdump", "text")]
    [InlineData("xxd", "json")]
    [InlineData("hexdump", "json")]
    public void Hest_check_of_a_hex_dump_text_says_what_it_says_of_the_binary(string extension, string format)
    {
        var binary = CliRunner.Run("hest", "check", Hest("bin"), "--format", format);
        var text = CliRunner.Run("hest", "check", Hest(extension), "--format", format);
        Assert.Equal(0, binary.ExitCode); // the ProLiant HEST passes (HestCliTests)
        Assert.Contains("hest-proliant.bin", binary.Out, StringComparison.Ordinal);
        Assert.Equal((binary.ExitCode, binary.Out.Replace("hest-proliant.bin", "hest-proliant." + extension, StringComparison.Ordinal), binary.Error), (text.ExitCode, text.Out, text.Error));
    }

    [Fact]
    public void Hest_check_of_a_hex_dump_that_goes_bad_names_the_file_and_the_line()
    {
        string[] lines = File.ReadAllLines(Hest("xxd"));
        lines[3] = "not an offset: 4845 5354";
        var r = CliRunner.RunOnFile(string.Join('\n', lines) + "\n", ".xxd", "hest", "check");
        r.AssertFailedSaying("does not start with an offset", exitCode: 2);
        Assert.Matches(@"\.xxd: HexDump input: line 4: ", r.Error);
    }

    [Fact]
    public void Hest_check_of_bad_hex_text_names_the_file()
    {
        var r = CliRunner.RunOnFile("48455354 BC000000 zz", ".hex", "hest", "check");
        r.AssertFailedSaying(" input: ", exitCode: 2);
        Assert.Matches(@"\.hex: ", r.Error);
    }
}
