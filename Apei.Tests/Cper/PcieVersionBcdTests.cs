using System.Text;
using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The PCI Express version (UEFI 2.10 N.2.7, Table N-40: "Version: bits 7:0 minor version number, bits 15:8 major
/// version number", both BCD) is shown as the decimal number its digits spell: 0x30 reads 30, never 48 (issue #12 item 8).
/// </summary>
public class PcieVersionBcdTests
{
    private static TempFile RecordFile(uint version)
    {
        var record = new CperRecord { Severity = 2, NotificationType = CperGuids.NotifyCmc };
        record.Sections.Add(new CperSection { Severity = 2, Body = new PcieErrorSection { ValidationBits = 0x2, Version = version } });
        return TempFile.Of(record.Encode());
    }

    private static JsonElement VersionJson(string file)
    {
        var r = CliRunner.Run("decode", "--format", "json", file);
        Assert.Equal(0, r.ExitCode);
        return JsonDocument.Parse(r.Out).RootElement.GetProperty("sections")[0].GetProperty("body").GetProperty("version").Clone();
    }

    // The PCIe section's Version after the JSON is read back into a record (CperJsonReader).
    private static uint VersionReadBack(string json)
        => Assert.IsType<PcieErrorSection>(CperJsonReader.ReadRecords(Encoding.UTF8.GetBytes(json))[0].Sections[0].Body).Version;

    [Fact]
    public void A_bcd_version_reads_as_its_digits_in_text_and_json_and_reads_back()
    {
        using var temp = RecordFile(0x0130);
        string file = temp.Path;
        string text = CliRunner.Run("decode", file).Out;
        Assert.Contains("Minor (BCD): 30", text, StringComparison.Ordinal);
        Assert.Contains("Major (BCD): 1", text, StringComparison.Ordinal);
        var v = VersionJson(file);
        Assert.Equal(30, v.GetProperty("minor").GetInt32());
        Assert.Equal(1, v.GetProperty("major").GetInt32());
        Assert.Equal(0x0130u, VersionReadBack(CliRunner.Run("decode", "--format", "json", file).Out));
    }

    [Fact]
    public void Json_input_with_only_the_sub_fields_encodes_the_digits_as_bcd()
    {
        using var temp = RecordFile(0x0130);
        string file = temp.Path;
        string json = CliRunner.Run("decode", "--format", "json", file).Out.Replace("\"value\": 304,", "", StringComparison.Ordinal).Replace("\"value\":304,", "", StringComparison.Ordinal);
        Assert.DoesNotContain("304", json, StringComparison.Ordinal);
        Assert.Equal(0x0130u, VersionReadBack(json));
    }

    [Fact]
    public void A_version_that_is_not_bcd_is_shown_raw_and_survives_the_round_trip()
    {
        using var temp = RecordFile(0x013A);
        string file = temp.Path;
        Assert.Contains("Minor (BCD): 0x3A (not BCD)", CliRunner.Run("decode", file).Out, StringComparison.Ordinal);
        Assert.Equal("0x3A", VersionJson(file).GetProperty("minor").GetString());
        Assert.Equal(0x013Au, VersionReadBack(CliRunner.Run("decode", "--format", "json", file).Out));
    }

    [Theory]
    [InlineData(0x30UL, 30UL)]
    [InlineData(0x99UL, 99UL)]
    [InlineData(0x0UL, 0UL)]
    [InlineData(0x1234UL, 1234UL)]
    public void Bcd_conversions_agree(ulong bcd, ulong value)
    {
        Assert.True(BitFieldDef.TryFromBcd(bcd, out ulong d));
        Assert.Equal(value, d);
        Assert.Equal(bcd, BitFieldDef.ToBcd(value));
    }

    [Fact]
    public void A_digit_above_nine_is_not_bcd() => Assert.False(BitFieldDef.TryFromBcd(0x3A, out _));
}
