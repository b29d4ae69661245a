using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Hest;

namespace ApeiKit.Tests.Vm;

/// <summary>The Linux-consumer warnings, one rule at a time (the real-kernel tier holds several of them against Linux itself).</summary>
public class LinuxConsumerLintTests
{
    private static ErrorStatusBlock Block(uint severity, int bodyBytes = 16, Guid? type = null, CperTimestamp timestamp = default)
    {
        var b = new ErrorStatusBlock { ErrorSeverity = severity };
        b.Entries.Add(new ErrorDataEntry
        {
            ErrorSeverity = severity, Body = new RawSectionBody(type ?? Guid.NewGuid(), new byte[bodyBytes]),
            Timestamp = timestamp, ValidationBits = (byte)(timestamp.IsZero ? 0 : 4),
        });
        return b;
    }

    [Fact]
    public void Fatal_severity_warns_that_the_guest_panics_and_only_fatal_does()
    {
        Assert.Single(LinuxConsumerLint.CheckGhesBlock(Block(1), GuestArchitecture.X86, "r"), w => w.Kind == LinuxLintKind.FatalSeverity);
        foreach (uint s in new uint[] { 0, 2, 3 }) Assert.Empty(LinuxConsumerLint.CheckGhesBlock(Block(s), GuestArchitecture.X86, "r"));
    }

    [Fact]
    public void A_block_over_64_KiB_is_named_with_ghes_estatus_max_size()
    {
        var w = Assert.Single(LinuxConsumerLint.CheckGhesBlock(Block(2, 65536), GuestArchitecture.X86, "r"));
        Assert.Equal(LinuxLintKind.BlockTooLarge, w.Kind);
        Assert.Empty(LinuxConsumerLint.CheckGhesBlock(Block(2, 65536 - 20 - 72), GuestArchitecture.X86, "r"));
    }

    [Theory]
    [InlineData(1023 - 20 - 72, 0)] // 1023 bytes: printed
    [InlineData(1024 - 20 - 72, 1)] // 1024 bytes: ACPI_BERT_PRINT_MAX_LEN, skipped
    public void Bert_records_of_1024_bytes_or_more_are_not_printed(int body, int warnings)
        => Assert.Equal(warnings, LinuxConsumerLint.CheckBertBlocks([Block(2, body)], GuestArchitecture.X86, i => "r").Count(w => w.Kind == LinuxLintKind.BertRecordTooLong));

    [Fact]
    public void Only_five_bert_records_are_printed_and_long_ones_do_not_count()
    {
        var blocks = Enumerable.Range(0, 7).Select(i => Block(2, i == 2 ? 2000 : 16)).ToList();
        var w = LinuxConsumerLint.CheckBertBlocks(blocks, GuestArchitecture.X86, i => $"r{i}");
        Assert.Equal(["r2"], w.Where(x => x.Kind == LinuxLintKind.BertRecordTooLong).Select(x => x.Subject));
        Assert.Equal(["r6"], w.Where(x => x.Kind == LinuxLintKind.BertTooManyRecords).Select(x => x.Subject));
    }

    [Fact]
    public void An_arm_section_warns_for_an_x86_guest_only()
    {
        var b = Block(2, type: CperGuids.ProcessorArm);
        Assert.Single(LinuxConsumerLint.CheckGhesBlock(b, GuestArchitecture.X86, "r"), w => w.Kind == LinuxLintKind.ArmSectionOnX86);
        Assert.Empty(LinuxConsumerLint.CheckGhesBlock(b, GuestArchitecture.Arm64, "r"));
    }

    [Fact]
    public void A_binary_timestamp_names_the_year_linux_prints()
    {
        // 2025-09-03 10:34:15 in binary, as Windows writes it (fixtures/cper/whea/TestErrorMemory1.bin): Linux prints 1419-09-03 10:22:15.
        var record = CperRecord.Decode(Fixtures.Bytes("cper/whea/TestErrorMemory1.bin"), out _);
        var w = Assert.Single(LinuxConsumerLint.CheckRecord(record, GuestArchitecture.X86, "r"));
        Assert.Equal(LinuxLintKind.TimestampNotBcd, w.Kind);
        Assert.EndsWith("prints the year as 1419", w.Message, StringComparison.Ordinal);
        var bcd = CperTimestamp.FromDateTime(new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc));
        Assert.Empty(LinuxConsumerLint.CheckGhesBlock(Block(2, timestamp: bcd), GuestArchitecture.X86, "r"));
        Assert.Single(LinuxConsumerLint.CheckGhesBlock(Block(2, timestamp: record.Timestamp), GuestArchitecture.X86, "r"), x => x.Kind == LinuxLintKind.TimestampNotBcd);
    }

    [Theory]
    [InlineData(NotificationType.Cmci, GuestArchitecture.X86, true)]
    [InlineData(NotificationType.Mce, GuestArchitecture.X86, true)]
    [InlineData(NotificationType.LocalInterrupt, GuestArchitecture.Arm64, true)]
    [InlineData(NotificationType.Sei, GuestArchitecture.Arm64, true)]
    [InlineData(NotificationType.Sea, GuestArchitecture.X86, true)]
    [InlineData(NotificationType.Sea, GuestArchitecture.Arm64, false)]
    [InlineData(NotificationType.Nmi, GuestArchitecture.X86, false)]
    [InlineData(NotificationType.Nmi, GuestArchitecture.Arm64, true)]
    [InlineData(NotificationType.Polled, GuestArchitecture.X86, false)]
    [InlineData(NotificationType.Gsiv, GuestArchitecture.Arm64, false)]
    public void Notification_types_ghes_probe_refuses_are_named(NotificationType type, GuestArchitecture arch, bool refused)
    {
        var hest = new HestBuilder().AddGhesV2(0, type).Build(0x1000_0000).TableBytes;
        Assert.Equal(refused, LinuxConsumerLint.CheckHest(hest, arch).Exists(w => w.Kind == LinuxLintKind.NotificationRefused));
    }

    [Fact]
    public void A_polled_source_with_interval_0_is_named()
    {
        var hest = new HestBuilder().AddGhesV2(0, NotificationType.Polled, s => s.Notification = s.Notification with { PollInterval = 0 }).Build(0x1000_0000).TableBytes;
        Assert.Single(LinuxConsumerLint.CheckHest(hest, GuestArchitecture.X86), w => w.Kind == LinuxLintKind.PollIntervalZero);
    }

    [Fact]
    public void More_than_two_of_a_class_at_once_are_rate_limited_fatal_is_not_counted()
    {
        var blocks = new[] { Block(0), Block(2), Block(0), Block(1), Block(3), Block(0), Block(2) }.Select((b, i) => (b, $"r{i}"));
        Assert.Equal(["r5", "r6"], LinuxConsumerLint.CheckGhesBurst(blocks).Select(w => w.Subject));
    }

    [Theory]
    [InlineData((byte)0x02, false)] // cache, as Linux 6.x reads it
    [InlineData((byte)0x14, false)] // TLB + micro-architectural
    [InlineData((byte)0x00, true)]  // none of bits 1-4: no type name, no fields
    [InlineData((byte)0x01, true)]
    [InlineData((byte)0x03, true)]  // read as cache "with reserved bit(s)"
    [InlineData((byte)0x22, true)]  // bit 5: reserved
    [InlineData((byte)0x80, true)]
    public void Arm_error_types_an_arm64_guest_reads_otherwise_are_named_and_x86_guests_get_only_the_section_warning(byte type, bool warns)
    {
        var arm = new ArmProcessorSection();
        arm.ErrorInfo.Add(new ArmErrorInfo { Type = 0x02 });
        arm.ErrorInfo.Add(new ArmErrorInfo { Type = type });
        var b = new ErrorStatusBlock { ErrorSeverity = 2 };
        b.Entries.Add(new ErrorDataEntry { ErrorSeverity = 2, Body = new RawSectionBody(CperGuids.ProcessorArm, arm.Encode()) });
        var arm64 = LinuxConsumerLint.CheckGhesBlock(b, GuestArchitecture.Arm64, "r").Where(w => w.Kind == LinuxLintKind.ArmErrorTypeNotDecoded).ToList();
        Assert.Equal(warns ? 1 : 0, arm64.Count);
        if (warns) Assert.Contains("ARM error information 1: type 0x" + type.ToString("X2", System.Globalization.CultureInfo.InvariantCulture), arm64[0].Message, StringComparison.Ordinal);
        Assert.DoesNotContain(LinuxConsumerLint.CheckGhesBlock(b, GuestArchitecture.X86, "r"), w => w.Kind == LinuxLintKind.ArmErrorTypeNotDecoded);
        Assert.Equal(warns, LinuxConsumerLint.ArmTypeProblem(type) is not null);
    }
}
