using System.Buffers.Binary;
using System.Globalization;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Ghes;

namespace ApeiKit.Cli;

/// <summary>One record read for a table or region: the error status block it becomes and, when it came as CPER, the record.</summary>
/// <param name="Label">"FILE record N" for messages.</param>
/// <param name="Block">The error status block (CPER records converted with <see cref="CperConversion.ToErrorStatusBlock"/>).</param>
/// <param name="Record">The CPER record it came from, or null for a block.</param>
internal sealed record LoadedRecord(string Label, ErrorStatusBlock Block, CperRecord? Record);

/// <summary>A record file that cannot be read as records: the message names the file (exit 1).</summary>
internal sealed class RecordFileException(string message) : Exception(message);

/// <summary>
/// Reads the record files <c>bert build</c> and <c>vm</c> take: CPER records (binary, hex or base64; several concatenated),
/// Generic Error Status Blocks (one or several, one after another), or JSON as <c>decode --format json</c> prints either.
/// </summary>
internal static class RecordFiles
{
    /// <summary>The records of <paramref name="file"/>, each as an error status block; conversion losses are added to <paramref name="losses"/>.</summary>
    /// <exception cref="RecordFileException">The file holds no record, or a malformed one.</exception>
    /// <exception cref="CliUsageException">The file cannot be read.</exception>
    public static List<LoadedRecord> Load(CliContext context, string file, ConversionLossTally? losses = null)
    {
        string name = CliText.Name(file);
        byte[] raw = CliFiles.Read(context, file);
        var list = new List<LoadedRecord>();
        try
        {
            int start = 0;
            while (start < raw.Length && raw[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF) start++;
            if (start < raw.Length && raw[start] is (byte)'{' or (byte)'[')
            {
                if (ErrorStatusBlockJsonReader.LooksLikeBlocks(raw))
                {
                    foreach (var bytes in ErrorStatusBlockJsonReader.ReadBlocks(raw))
                        list.Add(new(Label(name, list.Count), ErrorStatusBlock.Decode(bytes, out _), null));
                }
                else
                {
                    foreach (var record in CperJsonReader.ReadRecords(raw)) list.Add(FromRecord(name, list.Count, record, losses));
                }
            }
            else
            {
                byte[] bytes = InputDecoder.Decode(raw, name, records: true, context.Error);
                if (bytes.AsSpan().StartsWith("CPER"u8)) ReadRecords(name, bytes, list, losses);
                else ReadBlocks(name, bytes, list);
            }
        }
        catch (Exception e) when (e is ApeiContentException or CperJsonException)
        {
            throw new RecordFileException($"{name}: {CliText.Message(e)}");
        }
        if (list.Count == 0) throw new RecordFileException($"{name}: no error records in it (expected CPER records, error status blocks, or their JSON)");
        return list;
    }

    private static string Label(string name, int index) => string.Create(CultureInfo.InvariantCulture, $"{name} record {index + 1}");

    private static LoadedRecord FromRecord(string name, int index, CperRecord record, ConversionLossTally? losses)
    {
        losses?.Add(CperConversion.LossToErrorStatusBlock(record, out _), ConversionWarning.None); // a timestamp that is not BCD: LinuxConsumerLint says it, with the year Linux prints
        return new(Label(name, index), CperConversion.ToErrorStatusBlock(record, dropHighFlags: true), record);
    }

    private static void ReadRecords(string name, byte[] bytes, List<LoadedRecord> list, ConversionLossTally? losses)
    {
        int pos = 0;
        while (pos < bytes.Length)
        {
            if (bytes.AsSpan(pos).IndexOfAnyExcept((byte)0) < 0) break; // zero padding at the end
            if (!bytes.AsSpan(pos).StartsWith("CPER"u8))
                throw new RecordFileException(string.Create(CultureInfo.InvariantCulture, $"{name}: offset {pos}: not a CPER record (no \"CPER\" signature) after {CliText.Count(list.Count, "record")}"));
            var record = CperRecord.Decode(bytes.AsSpan(pos), out int n, pos);
            list.Add(FromRecord(name, list.Count, record, losses));
            pos += n;
        }
    }

    private static void ReadBlocks(string name, byte[] bytes, List<LoadedRecord> list)
    {
        int pos = 0;
        while (bytes.Length - pos >= GenericErrorStatus.BlockHeaderSize && BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos)) != 0)
        {
            var check = GhesBlockValidator.Validate(bytes.AsSpan(pos), (ulong)(bytes.Length - pos), pos);
            check.ThrowIfInvalid();
            var block = ErrorStatusBlock.Decode(bytes.AsSpan(pos), out int n, pos);
            list.Add(new(Label(name, list.Count), block, null));
            pos += n;
        }
        if (list.Count == 0)
            throw new RecordFileException($"{name}: neither CPER records (no \"CPER\" signature) nor an error status block (Block Status is 0)");
        if (bytes.AsSpan(pos).IndexOfAnyExcept((byte)0) >= 0)
            throw new RecordFileException(string.Create(CultureInfo.InvariantCulture, $"{name}: offset {pos}: bytes after {CliText.Count(list.Count, "error status block")} that are not a block"));
    }

    /// <summary>Parses a number (decimal or 0x hex, '_' separators) for an option; usage error naming it otherwise.</summary>
    public static ulong ParseAddress(string option, string text)
    {
        var t = text.Replace("_", "", StringComparison.Ordinal);
        bool ok = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v)
            : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out v);
        return ok ? v : throw new CliUsageException($"{option}: '{CliText.Cut(CliText.Clean(text))}' is not a number (decimal or 0x hex).");
    }
}
