using System.Buffers;
using System.Collections;
using ApeiKit.Ghes;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Cost;

/// <summary>Issue #19 row: a block of many bad entries costs time linear in the entries, and prints a bounded number of error lines.</summary>
public class ErrorCollectionCostTests
{
    [Fact]
    public void Error_collector_keeps_200k_distinct_errors_without_scanning_the_list()
    {
        // List.Contains per error would be 2e10 comparisons (minutes); a set is milliseconds.
        var c = new ErrorCollector(new TextRenderer(TextWriter.Null));
        c.BeginObject(null, "x", 0, 0);
        var errors = Enumerable.Range(0, 200_000).Select(i => new ApeiContentException("s", null, i, null, null)).ToList();
        foreach (var e in errors) c.Error(e);
        c.Error(errors[17]); // the same exception again is kept once
        c.EndObject();
        Assert.Equal(200_000, c.Errors.Count);
        Assert.Equal(200_001, c.ErrorsReported);
        Assert.Same(errors[^1], c.Errors[^1]);
    }

    [Fact]
    public void Json_renderer_error_sink_is_not_searched_per_error()
    {
        var sink = new CountingList();
        var r = new JsonRenderer(new ArrayBufferWriter<byte>()) { ErrorSink = sink };
        r.BeginObject(null, "x", 0, 0);
        r.BeginArray("errors", "Errors", 0, 0);
        var first = new ApeiContentException("s", null, 0, null, null);
        r.Error(first);
        for (int i = 1; i < 50_000; i++) r.Error(new ApeiContentException("s", null, i, null, null));
        r.Error(first);
        r.EndArray();
        r.EndObject();
        Assert.Equal(50_000, sink.Count);
        Assert.Equal(0, sink.ContainsCalls);
        Assert.True(sink.Enumerations <= 1, $"{sink.Enumerations} enumerations of the sink");

        sink.Clear(); // the caller empties it between records: the renderer notices
        r.Reset();
        r.BeginObject(null, "x", 0, 0);
        r.BeginArray("errors", "Errors", 0, 0);
        r.Error(first);
        r.EndArray();
        r.EndObject();
        Assert.Single(sink);
    }

    [Fact]
    public void A_block_of_50k_empty_entries_is_described_in_linear_time_and_every_error_kept()
    {
        var block = CostTestData.GesbOfEmptyEntries(50_000);
        var c = new ErrorCollector(new JsonRenderer(new ArrayBufferWriter<byte>()));
        ErrorStatusBlockDescriber.Describe(block, 0, c, "block");
        Assert.Equal(50_000, c.Errors.Count);
        Assert.Equal(50_000, c.Errors.Select(e => e.Offset).Distinct().Count());
    }

    [Fact]
    public void Repeated_identical_errors_are_listed_three_times_then_counted()
    {
        var errors = Enumerable.Range(0, 10_000).Select(i => new ApeiContentException("Platform memory error section", null, 84 + 64 * i, "73 bytes", "0 bytes", "truncated"))
            .Append(new ApeiContentException("other", "F", 1, "a", "b")).ToList();
        var lines = ErrorListing.Lines(errors);
        Assert.Equal(5, lines.Count);
        Assert.Equal(errors[0].Message, lines[0]);
        Assert.Equal(errors[^1].Message, lines[3]);
        Assert.StartsWith("... and 9997 more like this (Platform memory error section: expected 73 bytes, found 0 bytes), 10000 in all", lines[4], StringComparison.Ordinal);
        Assert.Equal(2, ErrorListing.Lines(errors.Take(2)).Count);
    }

    [Fact]
    public void Decode_of_a_block_of_20k_bad_entries_prints_a_few_error_lines()
    {
        using var temp = TempFile.Of(CostTestData.GesbOfEmptyEntries(20_000));
        var r = CliRunner.Run("decode", "-i", "gesb", "-f", "json", "--max-record-size", "2MiB", temp.Path); // 1.44 MB: above the default record size limit
        Assert.Equal(1, r.ExitCode);
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length <= 10, $"{lines.Length} error lines");
        Assert.Contains("19997 more like this", r.Error, StringComparison.Ordinal);
        using var doc = System.Text.Json.JsonDocument.Parse(r.Out);
        Assert.Equal(20_000, doc.RootElement.GetProperty("entries").GetArrayLength());
    }

    private sealed class CountingList : ICollection<ApeiContentException>
    {
        private readonly List<ApeiContentException> _items = [];
        public int ContainsCalls { get; private set; }
        public int Enumerations { get; private set; }
        public int Count => _items.Count;
        public bool IsReadOnly => false;
        public void Add(ApeiContentException item) => _items.Add(item);
        public void Clear() => _items.Clear();
        public bool Contains(ApeiContentException item)
        {
            ContainsCalls++;
            return _items.Contains(item);
        }
        public void CopyTo(ApeiContentException[] array, int arrayIndex) => _items.CopyTo(array, arrayIndex);
        public bool Remove(ApeiContentException item) => _items.Remove(item);
        public IEnumerator<ApeiContentException> GetEnumerator()
        {
            Enumerations++;
            return _items.GetEnumerator();
        }
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
