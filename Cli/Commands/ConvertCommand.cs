using System.CommandLine;
using ApeiKit.Cper;
using ApeiKit.Ghes;

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
        var command = new Command("convert", "Convert between CPER records and Generic Error Status Blocks.") { file, to, output };
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(to)!, parse.GetValue(output)!));
        return command;
    }

    private static int Run(CliContext context, string file, string to, string output)
    {
        var loaded = Load(file);
        using var result = new MemoryStream();
        int count = 0;
        var losses = new ConversionLossTally(toErrorStatusBlock: to == "gesb");
        try
        {
            bool isCper = loaded.Bytes.AsSpan().StartsWith("CPER"u8);
            if (to == "gesb")
            {
                if (!isCper) throw new CliUsageException($"{file}: not a CPER record; --to gesb needs CPER input.");
                int offset = 0;
                while (offset < loaded.Bytes.Length && loaded.Bytes.AsSpan(offset).StartsWith("CPER"u8))
                {
                    var record = CperRecord.Decode(loaded.Bytes.AsSpan(offset), out int n, offset);
                    losses.Add(CperConversion.LossToErrorStatusBlock(record, out var warning), warning);
                    var block = CperConversion.ToErrorStatusBlock(record, dropHighFlags: true);
                    block.Encode(new StreamBufferWriter(result));
                    count++;
                    offset += n;
                }
            }
            else
            {
                if (isCper) throw new CliUsageException($"{file}: already CPER; --to cper needs an error status block or a BERT with its region.");
                var blocks = GhesInput.DecodeBlocks(loaded, out bool fromBert)
                    ?? throw new CliUsageException($"{file}: neither an error status block nor a BERT with its region.");
                if (fromBert && loaded.Units.TrueForAll(u => u.Detail is BertUnitDetail d && d.RegionNote is not null))
                    throw new CliUsageException($"{file}: a BERT table without its boot error region; give the directory or the table followed by the region.");
                foreach (var block in blocks)
                {
                    var record = CperConversion.ToCperRecord(block, GhesInput.NotificationFor(fromBert));
                    losses.Add(CperConversion.LossToCperRecord(block));
                    result.Write(record.Encode());
                    count++;
                }
            }
        }
        catch (ApeiContentException e)
        {
            context.Error.WriteLine($"apeikit: {file}: {e.Message}");
            return CliApp.ContentError;
        }
        foreach (var message in losses.Messages()) context.Error.WriteLine($"apeikit: {file}: {message}");
        CliFiles.Write(output, result.ToArray());
        context.Out.WriteLine($"apeikit: wrote {count} {(to == "cper" ? "CPER record" : "error status block")}{(count == 1 ? "" : "s")} ({result.Length} bytes) to {output}");
        return CliApp.Ok;
    }

    private static GhesInput.Loaded Load(string file)
    {
        try
        {
            if (Directory.Exists(file))
            {
                string table = Path.Combine(file, "BERT"), region = Path.Combine(file, "data", "BERT");
                if (!File.Exists(table) || !File.Exists(region)) throw new CliUsageException($"{file}: a directory must hold BERT and data/BERT.");
                return GhesInput.LoadPair(table, File.ReadAllBytes(table), region, File.ReadAllBytes(region));
            }
            var bytes = InputDecoder.Decode(File.ReadAllBytes(file), InputEncoding.Auto, out _);
            if (bytes.AsSpan().StartsWith("CPER"u8)) return new GhesInput.Loaded(file, bytes, []);
            return GhesInput.TryLoad(file, bytes, forceGesb: !BertTable.HasSignature(bytes)) ?? new GhesInput.Loaded(file, bytes, []);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{file}: cannot read: {e.Message}");
        }
    }

    private sealed class StreamBufferWriter(Stream stream) : System.Buffers.IBufferWriter<byte>
    {
        private byte[] _buffer = [];

        public void Advance(int count) => stream.Write(_buffer, 0, count);

        public Memory<byte> GetMemory(int sizeHint = 0) => _buffer = new byte[Math.Max(sizeHint, 256)];

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }
}
