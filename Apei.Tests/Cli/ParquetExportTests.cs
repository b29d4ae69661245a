using System.Text.Json;
using DuckDB.NET.Data;

namespace ApeiKit.Tests.Cli;

/// <summary>
/// <c>decode -f parquet</c> (issue #16): read back by DuckDB (DuckDB.NET.Data.Full), a count of records by severity and
/// of sections by type equals what <c>apeikit stats</c> says of the same input, and every row's body is the body
/// <c>decode -f json</c> prints.
/// </summary>
public sealed class ParquetExportTests() : TempDirectoryTests("apeikit-parquet-")
{
    private static List<object?[]> Query(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (int i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    [Fact]
    public void Counts_by_severity_and_section_type_from_DuckDB_equal_stats()
    {
        string dump = PathOf("dump.bin"), parquet = PathOf("dump.parquet");
        Assert.Equal(0, CliRunner.Run("generate", "--size", "300KB", "--seed", "11", "-o", dump).ExitCode);
        var r = CliRunner.Run("decode", "-f", "parquet", "-o", parquet, dump);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("rows", r.Error, StringComparison.Ordinal);
        using var stats = JsonDocument.Parse(CliRunner.Run("stats", "-f", "json", dump).Out);

        string p = parquet.Replace("'", "''", StringComparison.Ordinal);
        var bySeverity = Query($"SELECT severity, COUNT(*) FROM (SELECT DISTINCT file, \"offset\", severity FROM read_parquet('{p}')) GROUP BY severity")
            .ToDictionary(row => (string)row[0]!, row => Convert.ToInt64(row[1], System.Globalization.CultureInfo.InvariantCulture));
        var expected = stats.RootElement.GetProperty("severity").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("count").GetInt64());
        Assert.True(expected.Count >= 3, "the generated dump mixes severities");
        Assert.Equal(expected.OrderBy(kv => kv.Key), bySeverity.OrderBy(kv => kv.Key));

        var byType = Query($"SELECT section_type, COUNT(*) FROM read_parquet('{p}') WHERE section_type IS NOT NULL GROUP BY section_type")
            .ToDictionary(row => (string)row[0]!, row => Convert.ToInt64(row[1], System.Globalization.CultureInfo.InvariantCulture));
        var expectedTypes = stats.RootElement.GetProperty("sectionTypes").EnumerateArray().ToDictionary(e => e.GetProperty("guid").GetString()!, e => e.GetProperty("count").GetInt64());
        Assert.Equal(expectedTypes.OrderBy(kv => kv.Key), byType.OrderBy(kv => kv.Key));
        Assert.Equal(stats.RootElement.GetProperty("records").GetInt64(), Convert.ToInt64(Query($"SELECT COUNT(DISTINCT \"offset\") FROM read_parquet('{p}')")[0][0], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Every_row_holds_its_records_columns_and_the_body_decode_prints()
    {
        string a = Fixtures.Path("cper/whea/TestErrorMultiple1.bin"), b = Fixtures.Path("fleet/redfish-logentries.json"), parquet = PathOf("two.parquet");
        var r = CliRunner.Run("decode", "-f", "parquet", "-o", parquet, a, b);
        Assert.True(r.ExitCode == 0, r.Error);
        var json = new List<JsonElement>();
        foreach (var f in new[] { a, b })
        {
            using var doc = JsonDocument.Parse(CliRunner.Run("decode", "-f", "json", f).Out);
            var records = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray().ToList() : [doc.RootElement];
            json.AddRange(records.Select(x => x.Clone()));
        }
        string p = parquet.Replace("'", "''", StringComparison.Ordinal);
        var rows = Query($"SELECT file, \"offset\", section_index, body_json, severity, header_synthesised, source_entry, record_id, timestamp, section_name FROM read_parquet('{p}') ORDER BY file = '{a.Replace("'", "''", StringComparison.Ordinal)}' DESC, \"offset\", section_index");
        var expectedRows = json.SelectMany(rec => rec.GetProperty("sections").EnumerateArray().Select(s => (rec, s))).ToList();
        Assert.Equal(expectedRows.Count, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            var (rec, section) = expectedRows[i];
            using var body = JsonDocument.Parse((string)rows[i][3]!);
            Assert.Equal(section.GetProperty("body").GetRawText().Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal),
                body.RootElement.GetRawText().Replace(" ", "", StringComparison.Ordinal));
            Assert.Equal(rec.GetProperty("header").GetProperty("severity").GetProperty("name").GetString(), rows[i][4]);
            Assert.Equal(rec.GetProperty("header").GetProperty("recordId").GetUInt64(), Convert.ToUInt64(rows[i][7], System.Globalization.CultureInfo.InvariantCulture));
        }
        // The Redfish CPERSection rows say their header was synthesised and which entry they came from.
        var synthesised = rows.Where(row => (bool)row[5]!).ToList();
        Assert.Equal(2, synthesised.Count);
        Assert.All(synthesised, row => Assert.StartsWith("LogEntry ", (string)row[6]!, StringComparison.Ordinal));
        Assert.NotNull(rows[0][8]); // WHEA records carry a timestamp
    }

    [Fact]
    public void Parquet_needs_a_file_and_refuses_what_is_not_records()
    {
        var noOut = CliRunner.Run("decode", "-f", "parquet", Fixtures.Path("cper/whea/TestErrorMemory1.bin"));
        Assert.Equal(2, noOut.ExitCode);
        Assert.Contains("needs -o FILE", noOut.Error, StringComparison.Ordinal);
        var stdout = CliRunner.Run("decode", "-f", "parquet", "-o", "-", Fixtures.Path("cper/whea/TestErrorMemory1.bin"));
        Assert.Equal(2, stdout.ExitCode);
        string input = Fixtures.Path("cper/whea/TestErrorMemory1.bin");
        var same = CliRunner.Run("decode", "-f", "parquet", "-o", input, input);
        Assert.Equal(2, same.ExitCode);
        Assert.Contains("is also an input", same.Error, StringComparison.Ordinal);
        var table = CliRunner.Run("decode", "-f", "parquet", "-o", PathOf("t.parquet"), Fixtures.Path("acpidump/hest-acpidump-0001.log"));
        Assert.Equal(2, table.ExitCode);
        Assert.Contains("takes CPER records", table.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("t.parquet")));
        var textWithOutput = CliRunner.Run("decode", "-o", PathOf("x.txt"), input);
        Assert.Equal(2, textWithOutput.ExitCode);
        Assert.DoesNotContain("   at ", table.Error + stdout.Error + noOut.Error, StringComparison.Ordinal);
    }
}
