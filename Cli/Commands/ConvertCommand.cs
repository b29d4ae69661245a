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
        var output = new Option<string>("--output", "-o") { Description = "Output file ('-': standard output); written to a temporary file and renamed into place.", Required = true };
        var command = new Command("convert", "Convert between CPER records and Generic Error Status Blocks.") { file, to, output };
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(to)!, parse.GetValue(output)!));
        return command;
    }

    private static int Run(CliContext context, string file, string to, string output)
    {
        CliFiles.CheckOutputs(Directory.Exists(file) ? [file, Path.Combine(file, "BERT"), Path.Combine(file, "data", "BERT")] : [file], ("--output", output));
        var loaded = Load(file);
        using var result = new MemoryStream();
        int count = 0;
        try
        {
            bool isCper = loaded.Bytes.AsSpan().StartsWith("CPER"u8);
            if (to == "gesb")
            {
                if (!isCper)
                {
                    if (LooksLikeBlocks(loaded)) throw new CliUsageException($"{CliText.Name(file)}: error status blocks, not CPER records; --to gesb needs CPER input (--to cper converts these).");
                    context.Error.WriteLine($"apeikit: {CliText.Name(file)}: not a CPER record (no \"CPER\" signature at offset 0); --to gesb needs CPER input.");
                    return CliApp.ContentError; // malformed input, as for every command
                }
                int offset = 0;
                while (offset < loaded.Bytes.Length && loaded.Bytes.AsSpan(offset).StartsWith("CPER"u8))
                {
                    var record = CperRecord.Decode(loaded.Bytes.AsSpan(offset), out int n, offset);
                    if (record.Sections.Exists(s => s.Flags > 0xFF))
                        context.Error.WriteLine($"apeikit: {CliText.Name(file)}: record at 0x{offset:X}: section flags above bit 7 do not fit a data entry and were dropped");
                    var block = CperConversion.ToErrorStatusBlock(record, dropHighFlags: true);
                    block.Encode(new StreamBufferWriter(result));
                    count++;
                    offset += n;
                }
            }
            else
            {
                if (isCper) throw new CliUsageException($"{CliText.Name(file)}: already CPER; --to cper needs an error status block or a BERT with its region.");
                var blocks = GhesInput.DecodeBlocks(loaded, out bool fromBert);
                if (blocks is null)
                {
                    context.Error.WriteLine($"apeikit: {CliText.Name(file)}: neither an error status block nor a BERT with its region.");
                    return CliApp.ContentError;
                }
                if (fromBert && loaded.Units.TrueForAll(u => u.Detail is BertUnitDetail d && d.RegionNote is not null))
                    throw new CliUsageException($"{CliText.Name(file)}: a BERT table without its boot error region; give the directory or the table followed by the region.");
                foreach (var block in blocks)
                {
                    var record = CperConversion.ToCperRecord(block, GhesInput.NotificationFor(fromBert));
                    if (block.RawData.Length > 0)
                        context.Error.WriteLine($"apeikit: {CliText.Name(file)}: {block.RawData.Length} bytes of raw data have no place in a CPER record and were dropped");
                    result.Write(record.Encode());
                    count++;
                }
            }
        }
        catch (ApeiContentException e)
        {
            context.Error.WriteLine($"apeikit: {CliText.Name(file)}: {CliText.Message(e)}");
            return CliApp.ContentError;
        }
        CliFiles.WriteAll(context, (output, result.ToArray()));
        context.Error.WriteLine($"apeikit: wrote {CliText.Count(count, to == "cper" ? "CPER record" : "error status block")} ({CliText.Count(result.Length, "byte")}) to {EncodeCommand.Target(output)}");
        return CliApp.Ok;
    }

    /// <summary>Whether the input holds error status blocks (or a BERT with its region) that decode: the other direction, a usage error.</summary>
    private static bool LooksLikeBlocks(GhesInput.Loaded loaded)
    {
        try
        {
            return loaded.Units.Count > 0 && GhesInput.DecodeBlocks(loaded, out _) is { Count: > 0 };
        }
        catch (ApeiContentException)
        {
            return false;
        }
    }

    private static GhesInput.Loaded Load(string file)
    {
        try
        {
            if (Directory.Exists(file))
            {
                string table = Path.Combine(file, "BERT"), region = Path.Combine(file, "data", "BERT");
                if (!File.Exists(table) || !File.Exists(region)) throw new CliUsageException($"{CliText.Name(file)}: a directory must hold BERT and data/BERT.");
                return GhesInput.LoadPair(table, File.ReadAllBytes(table), region, File.ReadAllBytes(region));
            }
            var bytes = InputDecoder.Decode(File.ReadAllBytes(file), InputEncoding.Auto, out _);
            if (bytes.AsSpan().StartsWith("CPER"u8)) return new GhesInput.Loaded(file, bytes, []);
            return GhesInput.TryLoad(file, bytes, forceGesb: !BertTable.HasSignature(bytes)) ?? new GhesInput.Loaded(file, bytes, []);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{CliText.Name(file)}: cannot read: {CliFiles.Reason(e, file)}");
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
