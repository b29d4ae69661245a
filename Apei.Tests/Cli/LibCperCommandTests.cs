using System.Text.Json;
using ApeiKit.Tests.Cper;

namespace ApeiKit.Tests.Cli;

public class LibCperCommandTests
{
    [Fact]
    public void Decode_with_json_style_libcper_prints_libcpers_json()
    {
        var r = CliRunner.Run("decode", "--format", "json", "--json-style", "libcper", Fixtures.Path("cper/libcper/memory.cperhex"));
        Assert.Equal(0, r.ExitCode);
        using var expected = JsonDocument.Parse(File.ReadAllText(Fixtures.Path("cper/libcper/memory.json")));
        using var actual = JsonDocument.Parse(r.Out);
        Assert.Null(JsonDiff.First(expected.RootElement, actual.RootElement, "$"));
    }

    [Fact]
    public void Json_style_libcper_honours_a_raised_record_size_limit()
    {
        // A 1.5 MiB record (a vendor section of 1.5 MiB): over the default 1 MiB limit, under --max-record-size 4MiB.
        // The libcper writer must read it with the limits the framing used, or a record the framing accepted is refused.
        var record = new ApeiKit.Cper.CperRecord();
        record.Sections.Add(new ApeiKit.Cper.CperSection { Body = new ApeiKit.Cper.RawSectionBody(new Guid("11111111-2222-3333-4444-555555555555"), new byte[3 << 19]) });
        using var bin = TempFile.Of(record.Encode());
        var refused = CliRunner.Run("decode", "-f", "ndjson", "--json-style", "libcper", bin.Path);
        Assert.Contains("the record size limit", refused.Out + refused.Error, StringComparison.Ordinal);
        var r = CliRunner.Run("decode", "-f", "ndjson", "--json-style", "libcper", "--max-record-size", "4MiB", bin.Path);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal((3 << 19) + 128 + 72, doc.RootElement.GetProperty("header").GetProperty("recordLength").GetInt64());
        Assert.Equal(3 << 19, Convert.FromBase64String(doc.RootElement.GetProperty("sections")[0].GetProperty("Unknown").GetProperty("data").GetString()!).Length);
    }

    [Fact]
    public void Json_style_libcper_needs_a_json_format()
    {
        var r = CliRunner.Run("decode", "--json-style", "libcper", Fixtures.Path("cper/libcper/memory.cperhex"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--format json", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_libcper_writes_the_record_bytes()
    {
        using var output = TempFile.Named();
        var r = CliRunner.Run("encode", "--json-style", "libcper", Fixtures.Path("cper/libcper/firmware.json"), "-o", output.Path);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(Fixtures.Binary("cper/libcper/firmware.cperhex"), File.ReadAllBytes(output.Path));
    }

    [Fact]
    public void Encode_libcper_rejects_text_that_is_not_json()
    {
        using var output = TempFile.Named();
        var r = CliRunner.RunWithStdin("not json"u8.ToArray(), "encode", "--json-style", "libcper", "-", "-o", output.Path);
        Assert.Equal(1, r.ExitCode);
        Assert.False(File.Exists(output.Path));
    }
}
