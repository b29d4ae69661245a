using System.Text;
using ApeiKit.Cli;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Cper.Generation;

namespace ApeiKit.Tests.Cli;

/// <summary>
/// Issue #18, round trips: what <c>generate</c> writes decodes to JSON and encodes back to the same bytes, and the
/// generated records look like a fleet's (notification types that fit severity, section and machine).
/// </summary>
public sealed class RoundTripTests() : TempDirectoryTests("apeikit-roundtrip-")
{
    /// <summary>
    /// Regression: ARM sections with UEFI 2.9A bit-flag error types (<c>"type": {"value": 4, "names": ["TLB"]}</c>) were
    /// refused by encode (<c>errorInfo[0].type.names: unknown member</c>): the builder's first walk over zeros reads the
    /// Type as the 0-3 enumeration and took only <c>name</c>.
    /// </summary>
    [Theory]
    [InlineData(1, "mixed")]
    [InlineData(2, "mixed")]
    [InlineData(7, "mixed")]
    [InlineData(3, "memory")]
    public void Generated_dump_decodes_to_ndjson_and_encodes_back_byte_identical(int seed, string mix)
    {
        string bin = PathOf("g.bin"), json = PathOf("g.ndjson"), back = PathOf("back.bin");
        Assert.Equal(0, CliRunner.Run("generate", "--size", "120KB", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--mix", mix, "-o", bin).ExitCode);
        var decoded = CliRunner.Run("decode", "-f", "ndjson", bin);
        Assert.Equal(0, decoded.ExitCode);
        File.WriteAllText(json, decoded.Out);

        var encoded = CliRunner.Run("encode", json, "-o", back);

        Assert.True(encoded.ExitCode == 0, encoded.Error);
        var original = File.ReadAllBytes(bin);
        Assert.True(original.Length > 100_000);
        Assert.Equal(Convert.ToHexString(original), Convert.ToHexString(File.ReadAllBytes(back)));
    }

    public static TheoryData<ArmErrorTypeEncoding, ArmErrorKind[]> ArmTypes()
    {
        var data = new TheoryData<ArmErrorTypeEncoding, ArmErrorKind[]>();
        ArmErrorKind[][] sets =
        [
            [ArmErrorKind.Cache], [ArmErrorKind.Tlb], [ArmErrorKind.Bus], [ArmErrorKind.MicroArchitectural],
            [ArmErrorKind.Cache, ArmErrorKind.Tlb, ArmErrorKind.Bus], [ArmErrorKind.Bus, ArmErrorKind.MicroArchitectural],
        ];
        foreach (var e in new[] { ArmErrorTypeEncoding.BitFlags, ArmErrorTypeEncoding.Enumeration, ArmErrorTypeEncoding.LibCper })
            foreach (var s in sets) data.Add(e, s);
        return data;
    }

    /// <summary>Every ARM error-type encoding, with every kind, through decode JSON and back (ambiguous ones too: the bytes are kept).</summary>
    [Theory]
    [MemberData(nameof(ArmTypes))]
    public void Arm_error_types_in_every_encoding_round_trip_through_json(ArmErrorTypeEncoding encoding, ArmErrorKind[] kinds)
    {
        var arm = new ArmProcessorSection { Mpidr = 0x8000_0101 };
        foreach (var k in kinds)
            arm.ErrorInfo.Add(new ArmErrorInfo(k, k switch
            {
                ArmErrorKind.Cache => ArmErrorInformation.Cache(level: 2, corrected: true),
                ArmErrorKind.Tlb => ArmErrorInformation.Tlb(level: 1, corrected: false),
                ArmErrorKind.Bus => ArmErrorInformation.Bus(level: 0, corrected: true),
                _ => 0x1234,
            }, physicalFaultAddress: 0x1000, encoding: encoding));
        var record = new CperRecord { Severity = 0, NotificationType = CperGuids.NotifySea };
        record.Sections.Add(new CperSection { Severity = 0, Body = arm });
        var bytes = record.Encode();
        string bin = Write("arm.bin", bytes);
        var decoded = CliRunner.Run("decode", "-f", "json", bin);

        var back = CperJsonReader.ReadRecords(Encoding.UTF8.GetBytes(decoded.Out));

        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(Assert.Single(back).Encode()));
    }

    /// <summary>
    /// Regression: generate gave memory-only records SEA (an ARM notification) and ARM records CMC/MCE (x86 ones),
    /// whatever the severity. Every record's notification type must fit its severity, first section and machine.
    /// </summary>
    [Theory]
    [InlineData(1, CperDumpGenerator.Mix.Mixed)]
    [InlineData(4, CperDumpGenerator.Mix.Mixed)]
    [InlineData(2, CperDumpGenerator.Mix.Memory)]
    public void Generated_notification_types_fit_severity_and_sections(int seed, CperDumpGenerator.Mix mix)
    {
        using var ms = new MemoryStream();
        long count = CperDumpGenerator.Generate(ms, 300_000, seed, mix);
        var bytes = ms.ToArray();
        var seen = new HashSet<Guid>();
        int offset = 0;
        for (long i = 0; i < count; i++)
        {
            var record = CperRecord.Decode(bytes.AsSpan(offset), out int n);
            var types = record.Sections.Select(s => s.EffectiveSectionType).ToList();
            bool hasArm = types.Contains(CperGuids.ProcessorArm);
            var allowed = CperDumpGenerator.AllowedNotifications(record.Severity, types[0], hasArm);
            Assert.True(allowed.Contains(record.NotificationType),
                $"record {i + 1}: severity {record.Severity}, sections {string.Join(", ", types.Select(t => CperGuids.SectionName(t)))}: notification {CperGuids.NotificationName(record.NotificationType)}");
            // The table's own promises, whatever the generator does.
            if (record.NotificationType == CperGuids.NotifySea || record.NotificationType == CperGuids.NotifySei) Assert.True(hasArm);
            if (record.NotificationType == CperGuids.NotifyCmc) Assert.True(record.Severity is 2 && !hasArm);
            if (record.NotificationType == CperGuids.NotifyMce) Assert.True(record.Severity is 0 or 1 && !hasArm);
            if (record.NotificationType == CperGuids.NotifyPcie) Assert.Equal(CperGuids.PciExpress, types[0]);
            if (types.Contains(CperGuids.ProcessorGeneric))
            {
                var generic = (ProcessorGenericSection)record.Sections[types.IndexOf(CperGuids.ProcessorGeneric)].Body;
                Assert.Equal((byte)0, generic.ProcessorType); // IA32/X64: processor generic sections come from the x86 machines
            }
            seen.Add(record.NotificationType);
            offset += n;
        }
        Assert.Equal(bytes.Length, offset);
        if (mix == CperDumpGenerator.Mix.Mixed)
            Assert.Superset(new HashSet<Guid> { CperGuids.NotifyCmc, CperGuids.NotifyCpe, CperGuids.NotifyMce, CperGuids.NotifyPcie, CperGuids.NotifySea, CperGuids.NotifySei }, seen);
        else
            Assert.DoesNotContain(CperGuids.NotifySea, seen);
    }

    /// <summary>The three ARM type encodings all occur in a mixed dump (real fleets mix edk2, Windows and libcper writers).</summary>
    [Fact]
    public void Generated_arm_sections_use_every_type_encoding()
    {
        using var ms = new MemoryStream();
        long count = CperDumpGenerator.Generate(ms, 300_000, seed: 1);
        var bytes = ms.ToArray();
        var encodings = new HashSet<ArmErrorTypeEncoding>();
        int offset = 0;
        for (long i = 0; i < count; i++)
        {
            var record = CperRecord.Decode(bytes.AsSpan(offset), out int n);
            foreach (var s in record.Sections)
                if (s.Body is ArmProcessorSection arm) encodings.Add(ArmErrorInfo.DetectEncoding(arm.ErrorInfo.Select(e => e.Type)));
            offset += n;
        }
        Assert.Equal(3, encodings.Count);
    }
}
