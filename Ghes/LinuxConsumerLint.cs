using System.Globalization;
using ApeiKit.Cper;
using ApeiKit.Hest;

namespace ApeiKit.Ghes;

/// <summary>What Linux 6.x will do differently from what the author of a record or table probably intends.</summary>
public enum LinuxLintKind
{
    /// <summary>A GHES block with fatal severity: <c>ghes_proc</c> calls <c>__ghes_panic</c> ("GHES: Fatal hardware error").</summary>
    FatalSeverity,
    /// <summary>A BERT record of <see cref="LinuxConsumerLint.BertPrintMaxLength"/> bytes or more: <c>bert_print_all</c> skips it.</summary>
    BertRecordTooLong,
    /// <summary>More BERT records than <c>bert_print_all</c> prints (<see cref="LinuxConsumerLint.BertPrintMaxRecords"/>).</summary>
    BertTooManyRecords,
    /// <summary>An ARM processor section for an x86 guest: <c>cper_print_proc_arm</c> is built for arm64 only.</summary>
    ArmSectionOnX86,
    /// <summary>A timestamp that is not BCD: <c>cper_print_tstamp</c> reads BCD, so the year comes out wrong.</summary>
    TimestampNotBcd,
    /// <summary>An error block larger than <c>GHES_ESTATUS_MAX_SIZE</c> (64 KiB).</summary>
    BlockTooLarge,
    /// <summary>A notification type <c>ghes_probe</c> refuses: the source is not registered.</summary>
    NotificationRefused,
    /// <summary>A polled source with poll interval 0: <c>ghes_add_timer</c> disables it.</summary>
    PollIntervalZero,
    /// <summary>More GHES records of one class at once than <c>ghes_print_estatus</c> prints (2 corrected and 2 uncorrected every 5 s).</summary>
    PrintRateLimited,
    /// <summary>A record preloaded into a source that is not polled: Linux reads the block only when the source is notified (SEA, GPIO, SCI, ...).</summary>
    NotNotified,
    /// <summary>
    /// An ARM error information Type an arm64 guest will not decode as intended: Linux 6.x (cper-arm.c) reads it as the
    /// UEFI 2.9A+ bit flags, so a value with none of bits 1-4 (0, 1, 0x20, ...) prints no error type and no
    /// cache/TLB/bus fields, bit 0 or bits 5-7 print "with reserved bit(s)", and 3 (micro-architectural in the UEFI 2.9
    /// numbering) reads as a cache error.
    /// </summary>
    ArmErrorTypeNotDecoded,
}

/// <summary>The guest kernel's architecture (what is compiled into Linux's GHES and CPER code differs).</summary>
public enum GuestArchitecture
{
    /// <summary>Not known: architecture-specific checks are skipped.</summary>
    Unknown,
    /// <summary>x86-64.</summary>
    X86,
    /// <summary>arm64.</summary>
    Arm64,
}

/// <summary>One warning: what Linux will do, in words that name the kernel behaviour.</summary>
/// <param name="Kind">What kind of behaviour.</param>
/// <param name="Subject">What it is about ("record 2", "source 3", "block 1 entry 0").</param>
/// <param name="Message">The kernel behaviour, in words.</param>
public sealed record LinuxLintWarning(LinuxLintKind Kind, string Subject, string Message)
{
    /// <summary>"SUBJECT: MESSAGE".</summary>
    public override string ToString() => Subject.Length == 0 ? Message : Subject + ": " + Message;
}

/// <summary>
/// Where Linux 6.x (drivers/acpi/apei/ghes.c, bert.c, drivers/firmware/efi/cper*.c) will not do what a record or table's
/// author intends. These are warnings: the bytes are valid, the kernel just treats them in a way worth knowing. Each
/// method returns the warnings for one thing; callers print them.
/// </summary>
public static class LinuxConsumerLint
{
    /// <summary>drivers/acpi/apei/bert.c ACPI_BERT_PRINT_MAX_LEN: records this long or longer are skipped.</summary>
    public const int BertPrintMaxLength = 1024;
    /// <summary>drivers/acpi/apei/bert.c ACPI_BERT_PRINT_MAX_RECORDS: only the first five records are printed.</summary>
    public const int BertPrintMaxRecords = 5;
    /// <summary>drivers/acpi/apei/ghes.c GHES_ESTATUS_MAX_SIZE.</summary>
    public const int EstatusMaxSize = 65536;
    /// <summary>drivers/acpi/apei/ghes.c ghes_print_estatus: "Not more than 2 messages every 5 seconds", per class (corrected, uncorrected).</summary>
    public const int GhesPrintBurst = 2;

    /// <summary>
    /// Warnings for several GHES records Linux will read at about the same time (records preloaded into polled sources are
    /// all read when the sources are probed, in table order): past <see cref="GhesPrintBurst"/> corrected (informational
    /// included) or uncorrected ones within 5 seconds, <c>ghes_print_estatus</c>'s rate limit drops the printout (the record
    /// is still handled: memory_failure, AER recovery). Measured with Linux 6.1: of 4 recoverable and 3 corrected records
    /// preloaded, the first 2 of each were printed.
    /// </summary>
    /// <param name="blocks">The records in the order Linux reads them (HEST source order), each with its subject.</param>
    public static List<LinuxLintWarning> CheckGhesBurst(IEnumerable<(ErrorStatusBlock Block, string Subject)> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var list = new List<LinuxLintWarning>();
        int corrected = 0, uncorrected = 0;
        foreach (var (block, subject) in blocks)
        {
            if (block.ErrorSeverity == 1) continue; // fatal: __ghes_panic prints it without the rate limit
            bool isCorrected = block.ErrorSeverity is 2 or 3; // ghes_severity: corrected, and informational as GHES_SEV_NO
            int n = isCorrected ? ++corrected : ++uncorrected;
            if (n > GhesPrintBurst)
                list.Add(new(LinuxLintKind.PrintRateLimited, subject, string.Create(CultureInfo.InvariantCulture,
                    $"the {Ordinal(n)} {(isCorrected ? "corrected" : "uncorrected")} record Linux reads at once: ghes_print_estatus prints at most {GhesPrintBurst} every 5 seconds (rate limit), so it is handled but not printed")));
        }
        return list;
    }

    private static string Ordinal(int n) => n switch
    {
        1 => "1st",
        2 => "2nd",
        3 => "3rd",
        _ => n.ToString(CultureInfo.InvariantCulture) + "th",
    };

    /// <summary>Warnings for an error status block a GHES source will hand to Linux (<paramref name="subject"/> names it).</summary>
    public static List<LinuxLintWarning> CheckGhesBlock(ErrorStatusBlock block, GuestArchitecture architecture, string subject)
    {
        ArgumentNullException.ThrowIfNull(block);
        var list = new List<LinuxLintWarning>();
        if (block.ErrorSeverity == 1)
            list.Add(new(LinuxLintKind.FatalSeverity, subject,
                "fatal severity: Linux panics the guest after printing the record (ghes_proc -> __ghes_panic: \"Kernel panic - not syncing: GHES: Fatal hardware error\")"));
        int length = block.GetEncodedLength();
        if (length > EstatusMaxSize)
            list.Add(new(LinuxLintKind.BlockTooLarge, subject, string.Create(CultureInfo.InvariantCulture,
                $"{length}-byte block: more than GHES_ESTATUS_MAX_SIZE ({EstatusMaxSize}); Linux cuts the source's block length to it and rejects the record")));
        CheckEntries(block, architecture, subject, list);
        return list;
    }

    /// <summary>Warnings for the blocks of a boot error region (BERT): length and count limits of <c>bert_print_all</c>, entries.</summary>
    public static List<LinuxLintWarning> CheckBertBlocks(IReadOnlyList<ErrorStatusBlock> blocks, GuestArchitecture architecture, Func<int, string> subject)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(subject);
        var list = new List<LinuxLintWarning>();
        int printable = 0;
        for (int i = 0; i < blocks.Count; i++)
        {
            int length = blocks[i].GetEncodedLength();
            if (length >= BertPrintMaxLength)
                list.Add(new(LinuxLintKind.BertRecordTooLong, subject(i), string.Create(CultureInfo.InvariantCulture,
                    $"{length}-byte record: Linux does not print BERT records of {BertPrintMaxLength} bytes or more (ACPI_BERT_PRINT_MAX_LEN; \"Skipped N error records\")")));
            else if (++printable > BertPrintMaxRecords)
                list.Add(new(LinuxLintKind.BertTooManyRecords, subject(i), string.Create(CultureInfo.InvariantCulture,
                    $"Linux prints only the first {BertPrintMaxRecords} BERT records (ACPI_BERT_PRINT_MAX_RECORDS); this one is counted under \"Skipped N error records\"")));
            CheckEntries(blocks[i], architecture, subject(i), list);
        }
        return list;
    }

    /// <summary>Warnings for a CPER record (its timestamp and sections) as Linux would print it once framed for a GHES or BERT.</summary>
    public static List<LinuxLintWarning> CheckRecord(CperRecord record, GuestArchitecture architecture, string subject)
    {
        ArgumentNullException.ThrowIfNull(record);
        var list = new List<LinuxLintWarning>();
        if ((record.ValidationBits & 2) != 0 && !record.Timestamp.IsZero && !IsBcd(record.Timestamp, record.CreatorId == CperGuids.CreatorWhea))
            list.Add(TimestampWarning(subject, record.Timestamp));
        foreach (var s in record.Sections)
        {
            if (architecture == GuestArchitecture.X86 && s.SectionType == CperGuids.ProcessorArm)
                list.Add(ArmWarning(subject));
            if (architecture == GuestArchitecture.Arm64 && s.SectionType == CperGuids.ProcessorArm)
                CheckArmTypes(s.Body, subject, list);
        }
        return list;
    }

    /// <summary>Warnings for a HEST's generic sources: notification types <c>ghes_probe</c> refuses, poll interval 0, blocks over 64 KiB.</summary>
    /// <exception cref="ApeiContentException">The HEST cannot be walked.</exception>
    public static List<LinuxLintWarning> CheckHest(ReadOnlySpan<byte> hest, GuestArchitecture architecture)
    {
        var list = new List<LinuxLintWarning>();
        foreach (var s in ErrorStatusRegionFromHest.ReadSources(hest))
        {
            string subject = string.Create(CultureInfo.InvariantCulture, $"{s.TypeName} source {s.Description.SourceId}");
            var type = s.Notification;
            if (RefusalReason(type, architecture) is { } why)
                list.Add(new(LinuxLintKind.NotificationRefused, subject, why));
            else if (type == NotificationType.Polled && s.NotificationStructure is { PollInterval: 0 })
                list.Add(new(LinuxLintKind.PollIntervalZero, subject,
                    "polled with poll interval 0: Linux never polls it (ghes_add_timer: \"Poll interval is 0 for generic hardware error source\", disabled)"));
            if (s.Description.ErrorStatusBlockLength > EstatusMaxSize)
                list.Add(new(LinuxLintKind.BlockTooLarge, subject, string.Create(CultureInfo.InvariantCulture,
                    $"error status block length {s.Description.ErrorStatusBlockLength}: Linux cuts it to GHES_ESTATUS_MAX_SIZE ({EstatusMaxSize}) (ghes_probe: \"Error status block length is too long\")")));
        }
        return list;
    }

    /// <summary>Why <c>ghes_probe</c> (Linux 6.1) refuses a source notified by <paramref name="type"/>, or null when it takes it.</summary>
    public static string? RefusalReason(NotificationType type, GuestArchitecture architecture) => type switch
    {
        NotificationType.Cmci or NotificationType.Mce =>
            $"notified by {Name(type)}: Linux's ghes_probe refuses it (\"notified via {Name(type)} is not supported!\"), so the source is never read",
        NotificationType.LocalInterrupt =>
            "notified by local interrupt: Linux's ghes_probe refuses it (\"notified via local interrupt is not supported!\"), so the source is never read",
        NotificationType.Sei =>
            "notified by SEI: Linux's ghes_probe does not handle it (\"Unknown notification type\"), so the source is never read",
        NotificationType.Sea when architecture == GuestArchitecture.X86 =>
            "notified by SEA on an x86 guest: Linux's ghes_probe refuses it (CONFIG_ACPI_APEI_SEA is arm64 only)",
        NotificationType.Sdei when architecture == GuestArchitecture.X86 =>
            "notified by SDEI on an x86 guest: Linux's ghes_probe refuses it (SDEI is an Arm interface)",
        NotificationType.Nmi when architecture == GuestArchitecture.Arm64 =>
            "notified by NMI on an arm64 guest: Linux's ghes_probe refuses it (CONFIG_HAVE_ACPI_APEI_NMI is x86 only)",
        _ => null,
    };

    private static string Name(NotificationType type) => type switch
    {
        NotificationType.Cmci => "CMCI",
        NotificationType.Mce => "MCE",
        _ => type.ToString(),
    };

    private static void CheckEntries(ErrorStatusBlock block, GuestArchitecture architecture, string subject, List<LinuxLintWarning> list)
    {
        bool timestampWarned = false, armWarned = false;
        foreach (var e in block.Entries)
        {
            // Validation bit 2: timestamp valid (ACPI 6.5 Table 18.12), only in revision 0x300 entries.
            if (!timestampWarned && e.Revision >= GenericErrorStatus.TimestampRevision && (e.ValidationBits & 4) != 0 && !e.Timestamp.IsZero && !IsBcd(e.Timestamp, preferBinary: false))
            {
                list.Add(TimestampWarning(subject, e.Timestamp));
                timestampWarned = true;
            }
            if (!armWarned && architecture == GuestArchitecture.X86 && e.EffectiveSectionType == CperGuids.ProcessorArm)
            {
                list.Add(ArmWarning(subject));
                armWarned = true;
            }
            if (architecture == GuestArchitecture.Arm64 && e.EffectiveSectionType == CperGuids.ProcessorArm)
                CheckArmTypes(e.Body, subject, list);
        }
    }

    /// <summary>cper-arm.c CPER_ARM_ERR_TYPE_MASK: the Type bits Linux 6.x names (1 cache, 2 TLB, 3 bus, 4 micro-architectural).</summary>
    public const byte ArmTypeMask = 0x1E;

    /// <summary>What an arm64 Linux 6.x does wrong with ARM error information Type <paramref name="type"/>, or null when it decodes it (bit flags, UEFI 2.9A+).</summary>
    public static string? ArmTypeProblem(byte type)
    {
        string legacy = type switch
        {
            0 => " (in the UEFI 2.9 numbering 0 meant a cache error)",
            1 => " (in the UEFI 2.9 numbering 1 meant a TLB error)",
            3 => " (in the UEFI 2.9 numbering 3 meant a micro-architectural error)",
            _ => "",
        };
        if ((type & ArmTypeMask) == 0)
            return string.Create(CultureInfo.InvariantCulture,
                $"Linux reads the type as UEFI 2.9A+ bit flags (0x02 cache, 0x04 TLB, 0x08 bus, 0x10 micro-architectural) and 0x{type:X2} has none of them: it prints no error type name and no cache/TLB/bus fields{legacy}");
        if ((type & ~ArmTypeMask) != 0)
            return string.Create(CultureInfo.InvariantCulture,
                $"Linux reads the type as UEFI 2.9A+ bit flags: 0x{type:X2} prints \"with reserved bit(s)\"{(type == 3 ? " and as a cache error" : "")}{legacy}");
        return null;
    }

    private static void CheckArmTypes(CperSectionBody body, string subject, List<LinuxLintWarning> list)
    {
        ArmProcessorSection? arm = body as ArmProcessorSection;
        if (arm is null && body is RawSectionBody raw)
        {
            try { arm = ArmProcessorSection.Decode(raw.Data); }
            catch (ApeiContentException) { return; } // undecodable: other checks report it
        }
        if (arm is null) return;
        for (int i = 0; i < arm.ErrorInfo.Count; i++)
            if (ArmTypeProblem(arm.ErrorInfo[i].Type) is { } why)
                list.Add(new(LinuxLintKind.ArmErrorTypeNotDecoded, subject, string.Create(CultureInfo.InvariantCulture, $"ARM error information {i}: type 0x{arm.ErrorInfo[i].Type:X2}: {why}")));
    }

    private static bool IsBcd(CperTimestamp t, bool preferBinary)
        => t.TryDecode(preferBinary, out _, out var encoding) && encoding == TimestampEncoding.Bcd;

    private static LinuxLintWarning TimestampWarning(string subject, CperTimestamp t)
    {
        // What Linux prints: each byte read as BCD (bcd2bin), century then year.
        int century = Bcd2Bin((byte)(t.Raw >> 56)), year = Bcd2Bin((byte)(t.Raw >> 48));
        return new(LinuxLintKind.TimestampNotBcd, subject, string.Create(CultureInfo.InvariantCulture,
            $"timestamp is not BCD (binary, as Windows writes): Linux reads it as BCD and prints the year as {century:D2}{year:D2}"));
    }

    private static int Bcd2Bin(byte b) => (b & 0x0F) + (b >> 4) * 10;

    private static LinuxLintWarning ArmWarning(string subject)
        => new(LinuxLintKind.ArmSectionOnX86, subject,
            "ARM processor section on an x86 guest: Linux does not decode it (cper_print_proc_arm is arm64 only); it prints \"section type: unknown\" and a hex dump");
}
