using ApeiKit.Cper;
using System.Text;
using System.Text.Json;
using ApeiKit.Tests.Cper;

namespace ApeiKit.Tests.Cli;

public class DecodeCommandTests
{
    [Fact]
    public void Decodes_a_real_capture_as_readable_text_with_exit_code_0()
    {
        var r = CliRunner.Run("decode", Fixtures.Path("cper/whea/TestErrorMemory1.bin")).AssertSucceeded(
            "Error severity: corrected (2)",
            "Timestamp: 2025-09-03 10:34:15 (binary encoding, as Windows writes)",
            "Memory error type: single-bit ECC (2)",
            "FRU text: \"Slot 0=\"");
        Assert.Equal("", r.Error);
    }

    [Fact]
    public void Json_has_the_documented_shape()
    {
        using var doc = CliRunner.Run("decode", "--format", "json", Fixtures.Path("cper/whea/TestErrorMemory1.bin")).AssertSucceededWithJson();
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind); // one record: one object, not an array
        var h = root.GetProperty("header");
        Assert.Equal(0x0210, h.GetProperty("revision").GetInt32());
        Assert.Equal(1, h.GetProperty("sectionCount").GetInt32());
        Assert.Equal(2, h.GetProperty("severity").GetProperty("value").GetInt32());
        Assert.Equal("corrected", h.GetProperty("severity").GetProperty("name").GetString());
        Assert.Equal(277, h.GetProperty("recordLength").GetInt32());
        Assert.Equal("2025-09-03T10:34:15Z", h.GetProperty("timestamp").GetString());
        Assert.Equal(JsonValueKind.Null, h.GetProperty("platformId").ValueKind); // validation bit 0 clear
        Assert.Equal(JsonValueKind.Null, h.GetProperty("partitionId").ValueKind);
        Assert.Equal("cf07c4bd-b789-4e18-b3c4-1f732cb57131", h.GetProperty("creatorId").GetString());
        Assert.Equal("3e62a467-ab40-409a-a698-f362d464b38f", h.GetProperty("notificationType").GetString());
        Assert.Equal(134012875119239524ul, h.GetProperty("recordId").GetUInt64());
        Assert.Equal(0, h.GetProperty("flags").GetProperty("value").GetInt32());
        var section = root.GetProperty("sections")[0];
        var d = section.GetProperty("descriptor");
        Assert.Equal(0xC8, d.GetProperty("sectionOffset").GetInt32());
        Assert.Equal(77, d.GetProperty("sectionLength").GetInt32());
        Assert.Equal("a5bc1114-6f64-4ede-b863-3e83ed7c83b1", d.GetProperty("sectionType").GetString());
        Assert.Equal("Platform Memory", d.GetProperty("sectionName").GetString());
        Assert.Equal("corrected", d.GetProperty("severity").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, d.GetProperty("fruId").ValueKind);
        Assert.Equal("Slot 0=", d.GetProperty("fruText").GetString());
        Assert.Equal(new[] { "primary" }, d.GetProperty("flags").GetProperty("names").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(2, section.GetProperty("body").GetProperty("memoryErrorType").GetProperty("value").GetInt32());
    }

    [Fact]
    public void Concatenated_records_give_an_array_in_json_and_one_line_each_in_ndjson()
    {
        var a = Fixtures.Binary("cper/whea/TestErrorMemory1.bin");
        var b = Fixtures.Binary("cper/whea/TestErrorMemory2.bin");
        using var temp = TempFile.Of([.. a, .. b], ".bin");
        string path = temp.Path;
        using var doc = CliRunner.Run("decode", "-f", "json", path).AssertSucceededWithJson();
        Assert.Equal(2, doc.RootElement.GetArrayLength());
        Assert.Equal(2, doc.RootElement[1].GetProperty("header").GetProperty("sectionCount").GetInt32());

        var nd = CliRunner.Run("decode", "-f", "ndjson", path);
        var lines = nd.OutLines;
        Assert.Equal(2, lines.Length);
        foreach (var line in lines) JsonDocument.Parse(line).Dispose();
    }

    [Fact]
    public void Hex_input_is_detected_for_libcper_examples()
    {
        var r = CliRunner.Run("decode", Fixtures.Path("cper/libcper/memory.cperhex")).AssertSucceeded("Platform Memory");
    }

    [Fact]
    public void Base64_on_standard_input_is_detected()
    {
        var b64 = Encoding.ASCII.GetBytes(Convert.ToBase64String(CperTestRecords.MemoryRecord()));
        var r = CliRunner.RunWithStdin(b64, "decode", "-").AssertSucceeded("Physical address: 0x0000000123456000");
    }

    [Fact]
    public void Layout_shows_offsets_lengths_and_raw_bytes()
    {
        var r = CliRunner.Run("decode", "-f", "layout", Fixtures.Path("cper/whea/TestErrorMemory1.bin")).AssertSucceeded(
            "[0014    4]     Record length",
            "| 15 01 00 00");
    }

    [Fact]
    public void Malformed_input_prints_what_decoded_and_exits_1_with_the_location_on_stderr()
    {
        var bytes = CperTestRecords.MemoryRecord();
        bytes[12] = 7; // severity 7
        using var temp = TempFile.Of(bytes, ".bin");
        string path = temp.Path;
        var r = CliRunner.Run("decode", path);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Physical address: 0x0000000123456000", r.Out, StringComparison.Ordinal);
        Assert.Contains($"apeikit: {path}: CPER record #1: CPER record header, field ErrorSeverity, at offset 0xC (12)", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_between_records_is_reported_and_the_records_still_decode()
    {
        var a = CperTestRecords.MemoryRecord();
        using var temp = TempFile.Of([.. a, 1, 2, 3, 4, .. a], ".bin");
        string path = temp.Path;
        var r = CliRunner.Run("decode", "-f", "json", path);
        Assert.Equal(1, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(3, doc.RootElement.GetArrayLength());
        Assert.Contains("at offset 0x118 (280)", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_a_usage_error()
    {
        var r = CliRunner.Run("decode", "/nonexistent/record.bin");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("cannot read", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_format_is_a_usage_error()
    {
        var r = CliRunner.Run("decode", "--format", "yaml", Fixtures.Path("cper/whea/TestErrorMemory1.bin"));
        Assert.Equal(2, r.ExitCode);
    }

    [Theory]
    [InlineData("cper/whea/TestErrorMemory1.bin", "text")]
    [InlineData("cper/whea/TestErrorMemory1.bin", "layout")]
    [InlineData("cper/whea/TestErrorMemory1.bin", "json")]
    [InlineData("cper/libcper/memory.cperhex", "text")]
    [InlineData("cper/whea/TestErrorUnsupportedSection2.bin", "text")]
    public void Renderings_match_their_snapshots(string fixture, string format)
    {
        var r = CliRunner.Run("decode", "-f", format, Fixtures.Path(fixture));
        Assert.Equal(0, r.ExitCode);
        Snapshot.Verify(r.Out, $"{Path.GetFileNameWithoutExtension(fixture)}.{format}", format == "json" ? ".json" : ".txt");
    }

    /// <summary><c>--arm-error-type</c> switches the reading of ARM Type bytes; the default is the UEFI 2.9A+ bit flags (as Linux reads them).</summary>
    [Theory]
    [InlineData(null, "unknown error type", "cache error", true)]
    [InlineData("bitflags", "unknown error type", "cache error", true)]
    [InlineData("legacy", "cache error", "bus error", false)]
    [InlineData("libcper", "unknown error type", "TLB error", false)]
    [InlineData("auto", "cache error", "bus error", false)]
    public void Arm_error_type_option_chooses_the_reading(string? mode, string kind0, string kind1, bool warned)
    {
        var arm = new ArmProcessorSection { Mpidr = 0x8000_0101 };
        arm.ErrorInfo.Add(new ArmErrorInfo(ArmErrorKind.Cache, ArmErrorInformation.Cache(level: 1), encoding: ArmErrorTypeEncoding.Enumeration)); // 0
        arm.ErrorInfo.Add(new ArmErrorInfo(ArmErrorKind.Bus, ArmErrorInformation.Bus(level: 1), encoding: ArmErrorTypeEncoding.Enumeration));   // 2
        var record = new CperRecord { Severity = 2, NotificationType = CperGuids.NotifySea };
        record.Sections.Add(new CperSection { Severity = 2, Body = arm });
        using var temp = TempFile.Of(record.Encode());
        string bin = temp.Path;
        string[] args = mode is null ? ["decode", "-f", "json", bin] : ["decode", "-f", "json", "--arm-error-type", mode, bin];
        using var doc = CliRunner.Run(args).AssertSucceededWithJson();
        var body = doc.RootElement.GetProperty("sections")[0].GetProperty("body");
        var infos = body.GetProperty("errorInfo");
        Assert.Equal(kind0, infos[0].GetProperty("kind").GetString());
        Assert.Equal(kind1, infos[1].GetProperty("kind").GetString());
        Assert.Equal(warned, infos[0].TryGetProperty("typeWarning", out var w));
        if (warned) Assert.Contains("UEFI 2.9-and-earlier numbering (cache error)", w.GetString(), StringComparison.Ordinal);
        Assert.False(infos[1].TryGetProperty("typeWarning", out _));
    }

    /// <summary>
    /// With <c>--jobs</c> the records are rendered on worker threads: each is handed the options built from the flags
    /// (there is no ambient setting for them to inherit), so every record of every batch reads the Type bytes the same way.
    /// </summary>
    [Fact]
    public void Arm_error_type_option_reaches_every_worker_with_jobs()
    {
        var arm = new ArmProcessorSection { Mpidr = 0x8000_0101 };
        arm.ErrorInfo.Add(new ArmErrorInfo(ArmErrorKind.Cache, ArmErrorInformation.Cache(level: 1), encoding: ArmErrorTypeEncoding.Enumeration)); // 0
        arm.ErrorInfo.Add(new ArmErrorInfo(ArmErrorKind.Bus, ArmErrorInformation.Bus(level: 1), encoding: ArmErrorTypeEncoding.Enumeration));   // 2
        var record = new CperRecord { Severity = 2, NotificationType = CperGuids.NotifySea };
        record.Sections.Add(new CperSection { Severity = 2, Body = arm });
        byte[] one = record.Encode();
        const int Count = 400;
        using var temp = TempFile.Of([.. Enumerable.Repeat(one, Count).SelectMany(b => b)]);
        string bin = temp.Path;
        var r = CliRunner.Run("decode", "-f", "ndjson", "--jobs", "2", "--arm-error-type", "legacy", bin, bin);
        Assert.Equal(0, r.ExitCode);
        var lines = r.OutLines;
        Assert.Equal(2 * Count, lines.Length);
        foreach (string line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var infos = doc.RootElement.GetProperty("sections")[0].GetProperty("body").GetProperty("errorInfo");
            Assert.Equal("cache error", infos[0].GetProperty("kind").GetString()); // 0 in the 0-3 numbering (bit flags: unknown)
            Assert.Equal("bus error", infos[1].GetProperty("kind").GetString());   // 2 (bit flags: cache)
        }
    }

    [Fact]
    public void Arm_error_type_option_refuses_other_names()
        => Assert.NotEqual(0, CliRunner.Run("decode", "--arm-error-type", "enum", Fixtures.Path("cper/whea/TestErrorMemory1.bin")).ExitCode);
}
