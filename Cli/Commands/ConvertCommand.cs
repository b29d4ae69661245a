using System.CommandLine;
using ApeiKit.Cper;
using ApeiKit.Ghes;
using CommunityToolkit.HighPerformance.Buffers;

namespace ApeiKit.Cli;

/// <summary>
/// <c>apeikit convert --to cper|gesb FILE -o OUT</c>: moves CPER sections between the two framings, a CPER record
/// and a Generic Error Status Block (see <see cref="CperConversion"/> for what each can carry).
/// </summary>
internal static class ConvertCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "A CPER record file (records, concatenated), or an error status block / BERT with its region / directory holding BERT and data/BERT." };
        var to = new Option<string>("--to") { Description = "Target framing: cper (one CPER record per block) or gesb (one error status block per record).", Required = true };
        to.AcceptOnlyFromAmong("cper", "gesb");
        var output = new Option<string>("--output", "-o") { Description = "Output file.", Required = true };
        var bcd = new Option<bool>("--bcd-timestamps") { Description = "With --to gesb: rewrite a binary timestamp (as Windows writes it) as BCD, the same instant, since Linux reads a data entry's timestamp as BCD." };
        var command = new Command("convert", "Convert between CPER records and Generic Error Status Blocks.") { file, to, output, bcd };
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(to)!, parse.GetValue(output)!, parse.GetValue(bcd)));
        return command;
    }

    private static int Run(CliContext context, string file, string to, string output, bool bcdTimestamps)
    {
        if (bcdTimestamps && to != "gesb") throw new CliUsageException("--bcd-timestamps applies to --to gesb (a CPER record keeps the timestamp as written).");
        CliFiles.CheckOutputs(Directory.Exists(file) ? [file, Path.Combine(file, "BERT"), Path.Combine(file, "data", "BERT")] : [file], ("--output", output));
        using var result = new MemoryStream();
        int count = 0, problems = 0;
        var losses = new ConversionLossTally(toErrorStatusBlock: to == "gesb");
        var linux = new LinuxNotes.Tally();
        var problemLines = new List<string>();
        void Problem(string line)
        {
            problems++;
            if (problemLines.Count < 100) problemLines.Add(line);
            else if (problemLines.Count == 100) problemLines.Add("apeikit: (more problems not listed; the summary below counts them)");
        }
        using var sink = new StreamBufferWriter(result);
        if (file != "-" && Directory.Exists(file))
        {
            string table = Path.Combine(file, "BERT"), region = Path.Combine(file, "data", "BERT");
            if (!File.Exists(table) || !File.Exists(region)) throw new CliUsageException($"{file}: a directory must hold BERT and data/BERT.");
            if (to == "gesb") throw new CliUsageException($"{file}: already error status blocks (a BERT region); --to gesb needs CPER input.");
            var loaded = GhesInput.LoadPair(table, CliFiles.Read(table), region, CliFiles.Read(region));
            if (!ConvertLoaded(context, loaded, sink, losses, ref count)) return CliApp.ContentError;
        }
        else
        {
            using var source = InputSource.Open(context, file, InputEncoding.Auto);
            if (source.Form == InputForm.Table)
            {
                if (to == "gesb") throw new CliUsageException($"{source.Name}: an ACPI table; --to gesb needs CPER input.");
                var bytes = source.ReadAll();
                var loaded = (Ghes.BertTable.HasSignature(bytes) ? GhesInput.TryLoad(source.Name, bytes, forceGesb: false) : null)
                    ?? throw new CliUsageException($"{source.Name}: an ACPI table that holds no error records (convert reads CPER records, error status blocks and BERT with its region).");
                if (loaded.Units.TrueForAll(u => u.Detail is BertUnitDetail d && d.RegionNote is not null))
                    throw new CliUsageException($"{source.Name}: a BERT table without its boot error region; give the directory or the table followed by the region.");
                if (!ConvertLoaded(context, loaded, sink, losses, ref count)) return CliApp.ContentError;
            }
            else
            {
                bool blocks = source.Form == InputForm.ErrorStatusBlocks;
                if (to == "gesb" && blocks) throw new CliUsageException($"{source.Name}: already error status blocks; --to gesb needs CPER input.");
                if (to == "cper" && !blocks) throw new CliUsageException($"{source.Name}: already CPER; --to cper needs error status blocks or a BERT with its region.");
                var reader = source.OpenReader(StreamInput.MaxRecordSize);
                int index = 0;
                byte[]? scratch = null;
                string noun = blocks ? "Generic Error Status Block" : "CPER record";
                while (reader.ReadAsync().AsTask().GetAwaiter().GetResult())
                {
                    var item = reader.Current;
                    if (item.Kind == Cper.Streaming.CperStreamItemKind.Skipped && item.IsAllZero) continue;
                    // The label names the item in a problem only: built when one is reported, not per record.
                    bool skipped = item.Kind == Cper.Streaming.CperStreamItemKind.Skipped;
                    int number = skipped ? 0 : ++index;
                    long offset = item.Offset;
                    string Label() => (skipped ? "unrecognised bytes" : $"{noun} #{number}") + " at offset " + FieldFormat.Offset(offset);
                    if (item.Kind != Cper.Streaming.CperStreamItemKind.Record || item.IsTruncated)
                    {
                        Problem($"apeikit: {source.Name}: {Label()}, {item.Length} bytes: {item.Problem ?? "not " + (blocks ? "an error status block" : "a CPER record")}; not converted");
                        continue;
                    }
                    var bytes = item.GetSpan(ref scratch); // the pipe's own buffer unless the record spans segments
                    try
                    {
                        if (blocks)
                        {
                            GhesBlockValidator.Validate(bytes, (ulong)bytes.Length, item.Offset).ThrowIfInvalid();
                            var block = ErrorStatusBlock.Decode(bytes, out _, item.Offset);
                            if (block.Entries.Count == 0) continue;
                            result.Write(CperConversion.ToCperRecord(block, Guid.Empty).Encode());
                            losses.Add(CperConversion.LossToCperRecord(block));
                        }
                        else
                        {
                            var record = CperRecord.Decode(bytes, out _, item.Offset);
                            var converted = CperConversion.ToErrorStatusBlock(record, dropHighFlags: true, bcdTimestamps: bcdTimestamps);
                            converted.Encode(sink);
                            // The timestamp is said by the loss report; the rest is what Linux does with the block in a GHES.
                            linux.Add(LinuxConsumerLint.CheckGhesBlock(converted, GuestArchitecture.Unknown, $"block {count + 1}").Where(w => w.Kind != LinuxLintKind.TimestampNotBcd));
                            losses.Add(CperConversion.LossToErrorStatusBlock(record, out var warning, bcdTimestamps: bcdTimestamps), warning);
                        }
                        count++;
                    }
                    catch (ApeiContentException e)
                    {
                        Problem($"apeikit: {source.Name}: {Label()}: {CliText.Message(e)}; not converted");
                    }
                }
                reader.Complete();
                if (source.TextError is { } textError) Problem($"apeikit: {source.Name}: {textError}; the bytes before it were converted");
                foreach (var error in source.WrapperErrors) Problem($"apeikit: {source.Name}: {error}");
                if (count == 0)
                {
                    // Nothing converted: one line saying why, and no output file.
                    context.Error.WriteLine(problemLines.Count > 0 ? problemLines[0] : $"apeikit: {source.Name}: no {(blocks ? "error status blocks" : "CPER records")} to convert (empty input)");
                    return CliApp.ContentError;
                }
                foreach (var line in problemLines) context.Error.WriteLine(line);
                if (reader.Accounting.HasProblems || problems > 0)
                    context.Error.WriteLine($"apeikit: {source.Name}: {reader.Accounting.Summary(blocks ? "error status block" : "CPER record")}");
            }
        }
        CliFiles.WriteAll(context, (output, result.ToArray()));
        foreach (var message in losses.Messages()) context.Error.WriteLine($"apeikit: {CliText.Name(file)}: {message}");
        if (losses.CountOf(ConversionWarning.TimestampNotBcd) > 0 && !bcdTimestamps)
            context.Error.WriteLine($"apeikit: {CliText.Name(file)}: --bcd-timestamps rewrites such a timestamp as BCD (the same instant)");
        foreach (var message in linux.Messages()) context.Error.WriteLine($"apeikit: {CliText.Name(file)}: {message}");
        context.Error.WriteLine($"apeikit: wrote {CliText.Count(count, to == "cper" ? "CPER record" : "error status block")} ({CliText.Count(result.Length, "byte")}) to {EncodeCommand.Target(output)}");
        return problems > 0 ? CliApp.ContentError : CliApp.Ok;
    }

    /// <summary>Converts a BERT's blocks (or a loaded block) to CPER records; false (reported) when a block is malformed.</summary>
    private static bool ConvertLoaded(CliContext context, GhesInput.Loaded loaded, StreamBufferWriter sink, ConversionLossTally losses, ref int count)
    {
        try
        {
            var blocks = GhesInput.DecodeBlocks(loaded, out bool fromBert) ?? throw new CliUsageException($"{loaded.Name}: neither an error status block nor a BERT with its region.");
            foreach (var block in blocks)
            {
                var record = CperConversion.ToCperRecord(block, GhesInput.NotificationFor(fromBert));
                losses.Add(CperConversion.LossToCperRecord(block));
                var bytes = record.Encode();
                sink.Write(bytes);
                count++;
            }
            return true;
        }
        catch (ApeiContentException e)
        {
            context.Error.WriteLine($"apeikit: {loaded.Name}: {CliText.Message(e)}");
            return false;
        }
    }

    /// <summary>
    /// Writes each encoded block to the output as it is advanced, through one pooled buffer
    /// (CommunityToolkit.HighPerformance's <see cref="ArrayPoolBufferWriter{T}"/>; it allocated a new array per block before).
    /// </summary>
    private sealed class StreamBufferWriter(Stream stream) : System.Buffers.IBufferWriter<byte>, IDisposable
    {
        private readonly ArrayPoolBufferWriter<byte> _buffer = new(4096);

        public void Write(byte[] bytes) => stream.Write(bytes);

        public void Advance(int count)
        {
            _buffer.Advance(count);
            stream.Write(_buffer.WrittenSpan);
            _buffer.Clear();
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => _buffer.GetSpan(sizeHint);

        public void Dispose() => _buffer.Dispose();
    }
}
