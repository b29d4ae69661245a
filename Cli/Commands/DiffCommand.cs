using System.Buffers.Binary;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.Streaming;
using ApeiKit.Ghes;

namespace ApeiKit.Cli;

/// <summary>
/// <c>apeikit diff A B</c>: a field-level comparison of two tables or records of the same kind, read in any form decode
/// reads. The comparison is the library's (<see cref="StructureDiff"/> over the describers' walks); this command only
/// loads the two inputs, checks they are of one kind and prints. Exit code 0 same, 1 different, 2 error.
/// </summary>
internal static class DiffCommand
{
    public static Command Create(CliContext context)
    {
        var a = new Argument<string>("old") { Description = "The first (old) input: a CPER record or records, an error status block, a HEST, ERST, EINJ or BERT table, an ERST store; binary, hex, base64, xxd/hexdump text or acpidump text ('-' reads standard input)." };
        var b = new Argument<string>("new") { Description = "The second (new) input, of the same kind." };
        var format = FormatOption.TextOrJson("text (one line per difference: offset, field path, old -> new) or json.");
        var input = InputOptions.Input(gesb: true);
        var table = new Option<string?>("--table", "-t") { Description = "With acpidump text holding several tables: the one to compare (e.g. HEST), in both inputs." };
        var command = new Command("diff", "Compare two tables or records of the same kind field by field: for each differing field its absolute offset, field path and old -> new value, and the structures (sections, error sources, entries, records) only one of them has. Exit code 0 when they are the same, 1 when they differ, 2 on an error.")
            { a, b, format, input, table };
        command.SetAction(parse =>
        {
            string inputValue = parse.GetValue(input)!;
            bool gesb = inputValue == "gesb";
            var encoding = gesb ? InputEncoding.Auto : InputOptions.Parse(inputValue);
            return Run(context, parse.GetValue(a)!, parse.GetValue(b)!, parse.GetValue(format)!, encoding, gesb, parse.GetValue(table));
        });
        return command;
    }

    /// <summary>
    /// Largest input compared (after hex/base64 decoding). A diff keeps every field of both walks with its path, value and
    /// bytes: measured about 70 bytes of memory per input byte and side (two generated 4 MB dumps: 586 MB peak, 6.9 s), so
    /// 8 MiB inputs stay near a gigabyte. Tables and records are a few KiB; a larger dump is refused, not run out of memory.
    /// </summary>
    internal const int MaxInputSize = 8 << 20;

    /// <summary>
    /// One input: its name, what kind of thing it holds, its bytes and the describer of that kind; for CPER records also
    /// the describer of the records as a list (used for both inputs when either holds more than one record).
    /// </summary>
    private sealed record Side(string Name, string Kind, byte[] Bytes, BytesDescriber Describe, BytesDescriber? DescribeAsList = null);

    private static int Run(CliContext context, string oldFile, string newFile, string format, InputEncoding encoding, bool gesb, string? table)
    {
        if (oldFile == "-" && newFile == "-") throw new CliUsageException("diff reads standard input for at most one of its two inputs.");
        var sides = new[] { Load(context, oldFile, encoding, gesb, table), Load(context, newFile, encoding, gesb, table) };
        var (older, newer) = (sides[0], sides[1]);
        if (older.Kind != newer.Kind)
            throw new CliUsageException($"{CliText.Name(older.Name)} holds {older.Kind}, {CliText.Name(newer.Name)} holds {newer.Kind}: diff compares two inputs of the same kind.");
        if (older.DescribeAsList is not null && newer.DescribeAsList is not null && (older.Describe == older.DescribeAsList || newer.Describe == newer.DescribeAsList))
            (older, newer) = (older with { Describe = older.DescribeAsList }, newer with { Describe = newer.DescribeAsList });
        var oldWalk = Walk(older);
        var newWalk = Walk(newer);
        var diff = StructureDiff.Compare(oldWalk, newWalk);
        if (diff.AreEqual && !older.Bytes.AsSpan().SequenceEqual(newer.Bytes))
            diff = StructureDiff.Compare(older.Bytes, newer.Bytes, older.Describe); // the same describer: its fallback names where the bytes differ

        if (format == "json")
        {
            using var stream = new MemoryStream();
            using (var w = CliJson.Writer(stream))
            {
                w.WriteStartObject();
                w.WriteString("kind", older.Kind);
                w.WriteString("old", older.Name);
                w.WriteString("new", newer.Name);
                w.WriteBoolean("equal", diff.AreEqual);
                w.WriteNumber("changed", diff.Count(DiffChange.Changed));
                w.WriteNumber("added", diff.Count(DiffChange.Added));
                w.WriteNumber("removed", diff.Count(DiffChange.Removed));
                w.WritePropertyName("differences");
                diff.WriteJson(w);
                w.WriteEndObject();
            }
            context.Out.WriteLine(Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length));
        }
        else
        {
            context.Out.WriteLine($"--- {CliText.Clean(older.Name)} ({older.Kind})");
            context.Out.WriteLine($"+++ {CliText.Clean(newer.Name)} ({newer.Kind})");
            var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
            diff.WriteText(text);
            foreach (var line in text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)) context.Out.WriteLine(CliText.Clean(line));
        }
        return diff.AreEqual ? CliApp.Ok : CliApp.ContentError;
    }

    private static IReadOnlyList<WalkEntry> Walk(Side side)
    {
        var recorder = new WalkRecorder();
        try
        {
            side.Describe(side.Bytes, 0, recorder);
        }
        catch (ApeiContentException e)
        {
            throw new CliUsageException($"{CliText.Name(side.Name)}: {e.Message}");
        }
        return recorder.Entries;
    }

    private static Side Load(CliContext context, string file, InputEncoding encoding, bool gesb, string? tableFilter)
    {
        using var source = InputSource.Open(context, file, encoding, gesb);
        string name = source.Name;
        byte[] bytes = source.ReadAll();
        if (bytes.Length > MaxInputSize)
            throw new CliUsageException($"{CliText.Name(name)}: {bytes.Length} bytes; diff compares inputs of at most {MaxInputSize >> 20} MiB (tables and records are a few KiB: split a larger dump).");
        foreach (var error in source.Errors) throw new CliUsageException($"{CliText.Name(name)}: {error}");
        if (source.Form == InputForm.Table)
        {
            if (TableInput.Split(name, bytes, bytes, tableFilter) is { } tables)
            {
                if (tables.Count != 1)
                    throw new CliUsageException($"{CliText.Name(name)}: holds {tables.Count} tables ({string.Join(", ", tables.Select(t => t.Units[0].Label))}); pick one with --table.");
                var t = tables[0];
                var unitLabel = t.Units[0].Label;
                // acpidump text: the table is compared, its address in the dump is not part of it.
                return new Side(t.Name, KindOf(t.Bytes, unitLabel), t.Bytes,
                    (span, offset, v) => TableInput.Describe(span, new InputUnit(UnitKind.AcpiTable, (int)offset, span.Length, unitLabel), v));
            }
            if (tableFilter is not null) throw new CliUsageException($"{CliText.Name(name)}: --table applies to acpidump text or ACPI table binaries.");
            if (BertTable.HasSignature(bytes)) return new Side(name, "a BERT", bytes, DescribeBert);
            if (!GhesInputDetection.LooksLikeErrorStatusBlock(bytes)) throw new CliUsageException($"{CliText.Name(name)}: not a table ApeiKit decodes.");
            return Blocks(name, bytes);
        }
        if (tableFilter is not null) throw new CliUsageException($"{CliText.Name(name)}: --table applies to acpidump text or ACPI table binaries.");
        if (source.Form == InputForm.ErrorStatusBlocks) return Blocks(name, bytes);
        return Records(name, bytes, source.Framing);
    }

    private static string KindOf(byte[] table, string label)
        => ErstStoreView.HasMagic(table) ? "an ERST store" : (label.Length > 0 && "AEIOU".Contains(label[0], StringComparison.Ordinal) ? "an " : "a ") + label;

    private static void DescribeBert(ReadOnlySpan<byte> bytes, long offset, StructureVisitor v)
    {
        // The table's own Length says where the region starts (as decode reads a BERT file followed by its region).
        int tableLength = bytes.Length >= 8 ? (int)Math.Min(Math.Max(BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]), (uint)BertTable.Size), (uint)bytes.Length) : bytes.Length;
        BertDescriber.Describe(bytes[..tableLength], offset, bytes[tableLength..], offset + tableLength, v,
            tableLength < bytes.Length ? "BERT and boot error region" : "BERT", tableLength < bytes.Length ? null : "not in this file");
    }

    private static Side Blocks(string name, byte[] bytes)
        => new(name, "an error status block", bytes, (span, offset, v) => ErrorStatusBlockDescriber.Describe(span, offset, v, "Generic Error Status Block"));

    /// <summary>
    /// CPER records, framed as decode frames them. One record is compared as it is (paths <c>header.…</c>,
    /// <c>sections[i].…</c>); several are compared record by record under <c>records[i]</c>, so a record only one input
    /// holds is reported as added or removed.
    /// </summary>
    private static Side Records(string name, byte[] bytes, RecordFraming framing)
    {
        var units = new List<(long Offset, long Length, CperStreamItemKind Kind)>();
        var reader = CperStreamReader.Create(new MemoryStream(bytes, writable: false), framing, new CperStreamReaderOptions { MaxRecordSize = StreamInput.MaxRecordSize });
        try
        {
            // In memory: every read completes at once, so blocking on the asynchronous enumeration waits for nothing.
            foreach (var item in reader.ReadAllAsync().ToBlockingEnumerable()) units.Add((item.Offset, item.Length, item.Kind));
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        int records = units.Count(u => u.Kind == CperStreamItemKind.Record);
        if (records == 0) throw new CliUsageException($"{CliText.Name(name)}: holds no CPER record.");
        BytesDescriber list = (span, offset, v) =>
        {
            v.BeginObject(null, "Records", offset, span.Length);
            v.BeginArray("records", "Records", offset, span.Length);
            foreach (var (o, length, kind) in units)
            {
                var part = span.Slice((int)o, (int)length);
                if (kind == CperStreamItemKind.Record) CperRecordDescriber.Describe(part, offset + o, v, "CPER record", out _);
                else
                {
                    v.BeginObject(null, "Bytes that are no record", offset + o, length);
                    v.Data("skipped", "Skipped bytes", offset + o, part);
                    v.EndObject();
                }
            }
            v.EndArray();
            v.EndObject();
        };
        return new Side(name, "CPER records", bytes,
            records == 1 && units.Count == 1 ? (span, offset, v) => CperRecordDescriber.Describe(span, offset, v, "CPER record", out _) : list, list);
    }
}
