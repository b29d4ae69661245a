using ApeiKit.Cper;
using ApeiKit.Cper.Input;
using ApeiKit.Hest;
using ApeiKit.Text;

namespace ApeiKit.Ghes;

/// <summary>How the bytes of an input are written: the outer form, before its records, blocks or tables are read.</summary>
public enum ApeiInputFormat
{
    /// <summary>Raw bytes: CPER records, error status blocks or an ACPI table as they are.</summary>
    Binary,
    /// <summary>ASCII hex (whitespace, "0x" prefixes and commas ignored), like libcper's <c>.cperhex</c>.</summary>
    Hex,
    /// <summary>Base64 (whitespace ignored).</summary>
    Base64,
    /// <summary>xxd (default output) or <c>hexdump -C</c> text: offsets checked, the ASCII column ignored, '*' lines expanded.</summary>
    HexDump,
    /// <summary>Redfish LogEntry JSON (DSP0268; <see cref="RedfishCperEntries"/>).</summary>
    Redfish,
    /// <summary>PLDM CPER event data (DSP0248 1.3 cperEvent; <see cref="PldmCperFile"/>).</summary>
    Pldm,
    /// <summary>Windows events saved as XML, each WHEA-Logger event's RawData a record (<see cref="WheaEventXml"/>).</summary>
    WheaXml,
    /// <summary>Kernel log text with <c>{N}[Hardware Error]:</c> lines, parsed back into records, lossy (<see cref="DmesgHardwareErrors"/>).</summary>
    Dmesg,
    /// <summary>One section on its own (its body, or descriptor and body) of <see cref="ApeiInputOptions.SectionType"/>, wrapped into a record (<see cref="CperSectionWrapper"/>).</summary>
    Section,
    /// <summary>acpidump text (tables in hex, <see cref="ApeiKit.AcpiDumpText"/>).</summary>
    AcpiDumpText,
}

/// <summary>What the bytes of an input hold once its text is decoded or its wrapper unwrapped.</summary>
public enum ApeiInputContent
{
    /// <summary>CPER records back to back (UEFI 2.10 N.2.1), and anything not recognised (read as bytes between records).</summary>
    CperRecords,
    /// <summary>Generic Error Status Blocks back to back (ACPI 6.5 §18.3.2.7.1).</summary>
    ErrorStatusBlocks,
    /// <summary>An ACPI table (HEST, BERT with or without its boot error region, ERST, EINJ), an ERST store, or acpidump text.</summary>
    Table,
}

/// <summary>What the bytes cannot say about an input: a form given instead of recognised, a lone section's type and severity.</summary>
public sealed record ApeiInputOptions
{
    /// <summary>The options of a call without options: everything recognised from the bytes.</summary>
    public static ApeiInputOptions Default { get; } = new();

    /// <summary>The input's format when known (null: recognised from the first bytes). With <see cref="SectionType"/>, Binary, Hex or Base64 say how the section itself is written.</summary>
    public ApeiInputFormat? Format { get; init; }

    /// <summary>Read the (decoded) bytes as Generic Error Status Blocks whatever they look like; wrappers are then not recognised by themselves.</summary>
    public bool ErrorStatusBlocks { get; init; }

    /// <summary>The type of a section given on its own: the input is read as <see cref="ApeiInputFormat.Section"/> (unless another wrapper format is given).</summary>
    public Guid? SectionType { get; init; }

    /// <summary>Error severity (0-3, UEFI 2.10 N.2.1) for a synthesised record header (a lone section body, a Redfish CPERSection entry), or null.</summary>
    public uint? Severity { get; init; }

    /// <summary>The input's name in errors about it (a file name).</summary>
    public string Name { get; init; } = "the input";

    /// <summary>How the notes of a wrapped lone section name where its type came from (the command line says <c>--section-type</c>).</summary>
    public string SectionTypeSource { get; init; } = "ApeiInputOptions.SectionType";

    /// <summary>How the notes of a wrapped lone section body name where its severity came from (the command line says <c>--severity</c>).</summary>
    public string SeveritySource { get; init; } = "ApeiInputOptions.Severity";
}

/// <summary>What a region of the recognised bytes is.</summary>
public enum ApeiInputRegionKind
{
    /// <summary>A whole CPER record (its Record Length bytes).</summary>
    CperRecord,
    /// <summary>A whole Generic Error Status Block.</summary>
    ErrorStatusBlock,
    /// <summary>An ACPI table or an ERST store (its own decoder reads it).</summary>
    Table,
    /// <summary>A BERT's boot error region saved after the table (<see cref="GhesInputDetection.TrySplitBert"/>).</summary>
    BootErrorRegion,
    /// <summary>acpidump text (<see cref="ApeiKit.AcpiDumpText.Parse(ReadOnlySpan{byte})"/> reads it).</summary>
    AcpiDumpText,
    /// <summary>Bytes that are not a whole record or block where one was expected; <see cref="ApeiInputRegion.Error"/> says why.</summary>
    Unrecognized,
}

/// <summary>A region of <see cref="RecognizedApeiInput.Bytes"/>.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Offset">First byte in <see cref="RecognizedApeiInput.Bytes"/>.</param>
/// <param name="Length">Bytes.</param>
/// <param name="Origin">The wrapper entry it came from (Redfish, PLDM, WHEA XML, dmesg, a lone section), or null.</param>
/// <param name="Error">For <see cref="ApeiInputRegionKind.Unrecognized"/>: why the bytes are not a record or block (offsets in <see cref="RecognizedApeiInput.Bytes"/>), else null.</param>
public sealed record ApeiInputRegion(ApeiInputRegionKind Kind, long Offset, long Length, CperRecordOrigin? Origin = null, ApeiContentException? Error = null);

/// <summary>An input recognised whole: its format, what it holds, its bytes and their regions with the origin of each.</summary>
public sealed class RecognizedApeiInput
{
    internal RecognizedApeiInput(ApeiInputFormat format, ApeiInputContent content, byte[] bytes, CperUnwrappedInput? unwrapped, string? textError)
    {
        Format = format;
        Content = content;
        Bytes = bytes;
        Origins = unwrapped?.Origins ?? [];
        var errors = new List<string>();
        if (textError is not null) errors.Add(textError);
        if (unwrapped is not null) errors.AddRange(unwrapped.Errors);
        Errors = errors;
        Notices = unwrapped?.Notices ?? [];
    }

    /// <summary>How the input was written.</summary>
    public ApeiInputFormat Format { get; }
    /// <summary>What <see cref="Bytes"/> hold.</summary>
    public ApeiInputContent Content { get; }
    /// <summary>The bytes the records, blocks or table are read from: the input itself, its decoded text, or the records unwrapped back to back.</summary>
    public byte[] Bytes { get; }
    /// <summary>Where each unwrapped record came from (empty when the input is not a wrapper).</summary>
    public IReadOnlyList<CperRecordOrigin> Origins { get; }
    /// <summary>Where the text stopped being valid hex or base64 (the bytes before it are decoded), then the wrapper's entries that gave no record.</summary>
    public IReadOnlyList<string> Errors { get; }
    /// <summary>What the wrapper says that is not an error (entries without CPER skipped, sections left out).</summary>
    public IReadOnlyList<string> Notices { get; }
    /// <summary>The regions of <see cref="Bytes"/>, in order, covering every byte.</summary>
    public IReadOnlyList<ApeiInputRegion> Regions { get; internal set; } = [];

    /// <summary>The origin of the record at <paramref name="offset"/> of <see cref="Bytes"/>, or null when the input is not a wrapper.</summary>
    public CperRecordOrigin? OriginAt(long offset) => CperUnwrappedInput.Find(Origins, offset);
}

/// <summary>
/// One entry point for input of unknown kind, as the <c>apeikit</c> command reads it: recognises the format (binary, hex,
/// base64, xxd/hexdump text, Redfish LogEntry JSON, PLDM CPER files, WHEA event XML, kernel log text, a lone section,
/// acpidump text), decodes or unwraps it, says what the bytes hold (CPER records, error status blocks, a table) and
/// splits them into regions with the origin of each. <see cref="Recognize"/> does all of it for bytes in memory
/// (<see cref="Decode"/> all but the regions, for a format already known); a
/// streaming reader calls <see cref="RecognizeFormat"/> on the first bytes, <see cref="Unwrap"/> for the wrapper formats
/// and <see cref="RecognizeContent"/> on the first decoded bytes, so both read the same input the same way. Instances
/// are immutable and may be shared between threads.
/// </summary>
public sealed class ApeiInputRecognizer
{
    /// <summary>How many first bytes <see cref="RecognizeFormat"/> looks at.</summary>
    public const int FormatHeadLength = 4096;

    /// <summary>How many first decoded bytes <see cref="RecognizeContent"/> looks at: a block header and a first entry header with its timestamp.</summary>
    public const int ContentHeadLength = GenericErrorStatus.BlockHeaderSize + GenericErrorStatus.EntryHeaderSizeWithTimestamp;

    /// <summary>A recogniser with <paramref name="options"/> (<see cref="ApeiInputOptions.Default"/> when null).</summary>
    public ApeiInputRecognizer(ApeiInputOptions? options = null) => Options = options ?? ApeiInputOptions.Default;

    /// <summary>The options it was made with.</summary>
    public ApeiInputOptions Options { get; }

    /// <summary>True for the formats whose records are unwrapped from a document (<see cref="Unwrap"/>) rather than decoded as a stream.</summary>
    public static bool IsWrapper(ApeiInputFormat format)
        => format is ApeiInputFormat.Redfish or ApeiInputFormat.Pldm or ApeiInputFormat.WheaXml or ApeiInputFormat.Dmesg or ApeiInputFormat.Section;

    /// <summary>
    /// The format of an input from its first bytes (up to <see cref="FormatHeadLength"/>; fewer only at its end; four are
    /// enough when they are "CPER"). In this order: a section type given makes a lone section; a format given is taken;
    /// "CPER" is binary (UEFI 2.10 N.2.1); unless error status blocks are asked for, a PLDM CPER event header, Redfish
    /// JSON, WHEA event XML, xxd/hexdump text, a kernel log; then hex or base64 text (<see cref="CperTextForms.Guess"/>);
    /// unless error status blocks are asked for, acpidump text; else binary.
    /// </summary>
    /// <param name="head">The first bytes of the input.</param>
    public ApeiInputFormat RecognizeFormat(ReadOnlySpan<byte> head)
    {
        var given = Options.Format;
        if (Options.SectionType is not null && given is null or ApeiInputFormat.Binary or ApeiInputFormat.Hex or ApeiInputFormat.Base64) return ApeiInputFormat.Section;
        if (given is { } format) return format;
        if (head.StartsWith(CperRecordHeader.Signature)) return ApeiInputFormat.Binary;
        bool blocks = Options.ErrorStatusBlocks;
        if (!blocks)
        {
            if (PldmCperFile.LooksLikePldm(head)) return ApeiInputFormat.Pldm;
            if (RedfishCperEntries.LooksLikeRedfish(head)) return ApeiInputFormat.Redfish;
            if (WheaEventXml.LooksLikeEventXml(head)) return ApeiInputFormat.WheaXml;
            if (HexDumpTextStream.LooksLikeHexDump(head)) return ApeiInputFormat.HexDump;
            if (DmesgHardwareErrors.LooksLikeDmesg(head)) return ApeiInputFormat.Dmesg;
        }
        switch (CperTextForms.Guess(head))
        {
            case CperTextEncoding.Hex: return ApeiInputFormat.Hex;
            case CperTextEncoding.Base64: return ApeiInputFormat.Base64;
        }
        if (!blocks && AcpiDumpText.LooksLikeAcpiDump(head[..Math.Min(head.Length, 512)])) return ApeiInputFormat.AcpiDumpText;
        return ApeiInputFormat.Binary;
    }

    /// <summary>
    /// What decoded bytes hold, from their first bytes (up to <see cref="ContentHeadLength"/>): error status blocks when
    /// asked for; CPER records when they start with "CPER"; a table when they start with the BERT, HEST, ERST or EINJ
    /// signature or an ERST store's magic; error status blocks when a block plausibly starts there
    /// (<see cref="GhesInputDetection.LooksLikeErrorStatusBlockStart"/>); else CPER records (what is not a record is
    /// then bytes between records).
    /// </summary>
    /// <param name="head">The first decoded bytes.</param>
    public ApeiInputContent RecognizeContent(ReadOnlySpan<byte> head)
    {
        if (Options.ErrorStatusBlocks) return ApeiInputContent.ErrorStatusBlocks;
        if (head.StartsWith(CperRecordHeader.Signature)) return ApeiInputContent.CperRecords;
        if (BertTable.HasSignature(head) || head.StartsWith(HestTable.Signature) || ActionTableKind.Of(head) is not null || head.StartsWith(ErstStoreView.Magic))
            return ApeiInputContent.Table;
        return GhesInputDetection.LooksLikeErrorStatusBlockStart(head) ? ApeiInputContent.ErrorStatusBlocks : ApeiInputContent.CperRecords;
    }

    /// <summary>
    /// The records of a wrapper format (<see cref="IsWrapper"/>), back to back with their origins. Entries that give no
    /// record are listed, not thrown.
    /// </summary>
    /// <param name="source">The whole input.</param>
    /// <param name="format">Its format.</param>
    /// <exception cref="FormatException">The document is malformed (Redfish JSON, WHEA XML), or a lone section's hex or base64 text is not valid; the message does not name the input.</exception>
    /// <exception cref="ArgumentException"><paramref name="format"/> is not a wrapper, or is a lone section without <see cref="ApeiInputOptions.SectionType"/>.</exception>
    public CperUnwrappedInput Unwrap(ReadOnlySpan<byte> source, ApeiInputFormat format) => format switch
    {
        ApeiInputFormat.Redfish => RedfishCperEntries.Unwrap(source.ToArray(), Options.Severity),
        ApeiInputFormat.Pldm => PldmCperFile.Unwrap(source),
        ApeiInputFormat.WheaXml => WheaEventXml.Unwrap(source.ToArray()),
        ApeiInputFormat.Dmesg => DmesgHardwareErrors.Unwrap(source),
        ApeiInputFormat.Section => WrapSection(source),
        _ => throw new ArgumentException($"{format} is not a wrapper format", nameof(format)),
    };

    /// <summary>A lone section (UEFI 2.10 N.2.2 descriptor and body, or the body alone) made a record; the section may be written as hex or base64 text.</summary>
    private CperUnwrappedInput WrapSection(ReadOnlySpan<byte> source)
    {
        if (Options.SectionType is not { } type) throw new ArgumentException("a lone section needs ApeiInputOptions.SectionType (the section's type)", nameof(source));
        var text = Options.Format switch
        {
            ApeiInputFormat.Binary => CperTextEncoding.Binary,
            ApeiInputFormat.Hex => CperTextEncoding.Hex,
            ApeiInputFormat.Base64 => CperTextEncoding.Base64,
            _ => CperTextForms.Guess(source),
        };
        byte[] body = text == CperTextEncoding.Binary ? source.ToArray()
            : CperTextForms.Decode(source, out string? error, text) ?? throw new FormatException($"the section's input is {error}.");
        var unwrapped = new CperUnwrappedInput();
        if (body.Length == 0) unwrapped.Errors.Add("the section is empty");
        else if (CperSectionWrapper.StartsWithDescriptor(body, type))
            unwrapped.Add(CperSectionWrapper.WrapDescribed(body, Guid.Empty, null, Options.Name), "the section", synthesised: true,
                note: $"record header synthesised by ApeiKit around the section descriptor and section given ({Options.SectionTypeSource}; severity from the descriptor)");
        else
        {
            string severity = Options.Severity is null ? $"informational: no {Options.SeveritySource} given" : $"from {Options.SeveritySource}";
            unwrapped.Add(CperSectionWrapper.WrapBody(body, type, Options.Severity ?? 3, Guid.Empty, null), "the section", synthesised: true,
                note: $"record header and section descriptor synthesised by ApeiKit around the section body given ({Options.SectionTypeSource}; severity {severity})");
        }
        return unwrapped;
    }

    /// <summary>
    /// Recognises a whole input in memory: its format (<see cref="RecognizeFormat"/>), its bytes (the text decoded up to
    /// where it stops being valid, or the wrapper unwrapped), what they hold (<see cref="RecognizeContent"/>) and their
    /// regions: each CPER record or error status block walked by its length (within each wrapper entry), a BERT split
    /// from the boot error region saved after it, a table or acpidump text whole. Bytes that are not a whole record or
    /// block are an <see cref="ApeiInputRegionKind.Unrecognized"/> region with the error, up to the end of the entry (or
    /// of the input): unlike the command's streamed framing, the walk does not look for the next record after them.
    /// </summary>
    /// <param name="source">The whole input.</param>
    /// <exception cref="FormatException">A wrapper document is malformed (see <see cref="Unwrap"/>).</exception>
    public RecognizedApeiInput Recognize(ReadOnlySpan<byte> source)
    {
        var format = RecognizeFormat(source[..Math.Min(source.Length, FormatHeadLength)]);
        // The input is copied once: as the bytes themselves, or as the text the decoding stream reads.
        var input = IsWrapper(format) ? Unwrapped(source, format) : Decoded(source.ToArray(), format);
        input.Regions = Regions(input);
        return input;
    }

    /// <summary>
    /// The bytes of a whole input whose format is known (from <see cref="RecognizeFormat"/>, or given): its text decoded
    /// up to where it stops being valid, or its wrapper unwrapped, with what they hold (<see cref="RecognizeContent"/>),
    /// the errors and the notices, as <see cref="Recognize"/> gives them, but without detecting the format again and
    /// without regions (<see cref="RecognizedApeiInput.Regions"/> is empty). A binary input or acpidump text is not
    /// copied: <see cref="RecognizedApeiInput.Bytes"/> is <paramref name="source"/> itself.
    /// </summary>
    /// <param name="source">The whole input (not modified; kept as the bytes when it is binary or acpidump text).</param>
    /// <param name="format">Its format.</param>
    /// <exception cref="FormatException">A wrapper document is malformed (see <see cref="Unwrap"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="format"/> is a lone section without <see cref="ApeiInputOptions.SectionType"/>.</exception>
    public RecognizedApeiInput Decode(byte[] source, ApeiInputFormat format)
    {
        ArgumentNullException.ThrowIfNull(source);
        return IsWrapper(format) ? Unwrapped(source, format) : Decoded(source, format);
    }

    /// <summary>A wrapper's records back to back (<see cref="Unwrap"/>).</summary>
    private RecognizedApeiInput Unwrapped(ReadOnlySpan<byte> source, ApeiInputFormat format)
    {
        var unwrapped = Unwrap(source, format);
        return new RecognizedApeiInput(format, ApeiInputContent.CperRecords, unwrapped.ToArray(), unwrapped, null);
    }

    /// <summary>An input that is not a wrapper: <paramref name="bytes"/> themselves (binary, acpidump text) or their text decoded.</summary>
    private RecognizedApeiInput Decoded(byte[] bytes, ApeiInputFormat format)
    {
        if (format == ApeiInputFormat.AcpiDumpText) return new RecognizedApeiInput(format, ApeiInputContent.Table, bytes, null, null);
        TextDecodingStream? text = format switch
        {
            ApeiInputFormat.Hex => new HexTextStream(new MemoryStream(bytes, writable: false)),
            ApeiInputFormat.Base64 => new Base64TextStream(new MemoryStream(bytes, writable: false)),
            ApeiInputFormat.HexDump => new HexDumpTextStream(new MemoryStream(bytes, writable: false)),
            _ => null,
        };
        string? error = null;
        if (text is not null)
        {
            using (text)
            {
                using var decoded = new MemoryStream();
                text.CopyTo(decoded);
                bytes = decoded.ToArray();
                error = text.Error;
            }
        }
        return new RecognizedApeiInput(format, RecognizeContent(bytes.AsSpan(0, Math.Min(bytes.Length, ContentHeadLength))), bytes, null, error);
    }

    private static List<ApeiInputRegion> Regions(RecognizedApeiInput input)
    {
        var regions = new List<ApeiInputRegion>();
        var bytes = input.Bytes;
        if (input.Format == ApeiInputFormat.AcpiDumpText)
            regions.Add(new(ApeiInputRegionKind.AcpiDumpText, 0, bytes.Length));
        else if (input.Content == ApeiInputContent.Table)
        {
            int table = GhesInputDetection.TrySplitBert(bytes, out int tableLength) ? tableLength : bytes.Length;
            regions.Add(new(ApeiInputRegionKind.Table, 0, table));
            if (table < bytes.Length) regions.Add(new(ApeiInputRegionKind.BootErrorRegion, table, bytes.Length - table));
        }
        else if (input.Origins.Count == 0) Walk(bytes, 0, bytes.Length, null, input.Content, regions);
        else
        {
            foreach (var origin in input.Origins) Walk(bytes, (int)origin.Offset, (int)origin.Length, origin, input.Content, regions);
        }
        return regions;
    }

    /// <summary>Walks records or blocks through <paramref name="bytes"/>[start..start+length] by their own lengths, the rest as one unrecognised region.</summary>
    private static void Walk(byte[] bytes, int start, int length, CperRecordOrigin? origin, ApeiInputContent content, List<ApeiInputRegion> regions)
    {
        int pos = start, end = start + length;
        while (pos < end)
        {
            var rest = bytes.AsSpan(pos, end - pos);
            ApeiContentException? error;
            int consumed;
            System.Buffers.OperationStatus status = content == ApeiInputContent.ErrorStatusBlocks
                ? ErrorStatusBlockView.TryRead(rest, out _, out consumed, out error, pos)
                : CperRecordView.TryRead(rest, out _, out consumed, out error, pos);
            if (status != System.Buffers.OperationStatus.Done || consumed <= 0)
            {
                error ??= new ApeiContentException(content == ApeiInputContent.ErrorStatusBlocks ? "Generic Error Status Block" : "CPER record", null, pos,
                    "a whole record or block", $"{end - pos} bytes");
                regions.Add(new(ApeiInputRegionKind.Unrecognized, pos, end - pos, origin, error));
                return;
            }
            regions.Add(new(content == ApeiInputContent.ErrorStatusBlocks ? ApeiInputRegionKind.ErrorStatusBlock : ApeiInputRegionKind.CperRecord, pos, consumed, origin));
            pos += consumed;
        }
    }
}
