using System.Buffers.Binary;
using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

public class ArmProcessorSectionTests
{
    /// <summary>Absolute offset of the ARM body in <see cref="ArmRecord"/>: 128-byte header + one 72-byte descriptor.</summary>
    private const int Body = 200;

    // Header (40): validation 0x0F, ERR_INFO_NUM 4, CONTEXT_INFO_NUM 1, SectionLength 186, affinity level 1, reserved,
    // MPIDR 0x81000100, MIDR 0x410FD0C1, running state 1, PSCI state 0.
    private const string HeaderHex = "0F000000" + "0400" + "0100" + "BA000000" + "01" + "000000" + "0001008100000000" + "C1D00F4100000000" + "01000000" + "00000000";
    // Cache: valid 0x14 (error info, physical address), type 0x02, info 0x44D0017 (data access, data read, level 1, corrected), PA 0x80001000.
    private const string CacheHex = "00201400" + "02000000" + "17004D0400000000" + "0000000000000000" + "0010008000000000";
    // TLB: valid 0x0C (error info, virtual address), type 0x04, info 0x140007 (instruction, instruction fetch, level 0), VA 0xFFFF800000001000.
    private const string TlbHex = "00200C00" + "04000000" + "0700140000000000" + "001000000080FFFF" + "0000000000000000";
    // Bus: valid 0x04, type 0x08, info 0x0000080280050B83 (data access, generic read, originated request, timed out, device memory, normal access).
    private const string BusHex = "00200400" + "08000000" + "830B058002080000" + "0000000000000000" + "0000000000000000";
    // Micro-architectural: valid 0x07, type 0x10, multiple error 2, flags 0x04 (propagated), info 0x123456789ABCDEF0.
    private const string MicroHex = "00200700" + "10020004" + "F0DEBC9A78563412" + "0000000000000000" + "0000000000000000";
    // Context: version 0, type 3 (AArch32 secure), 8 bytes: SCTLR_S 0x00C50078, SPSR_mon 0x1D3.
    private const string ContextHex = "0000" + "0300" + "08000000" + "7800C500" + "D3010000";
    private const string VendorHex = "AABB";

    internal static ArmProcessorSection HandBuilt() => new()
    {
        Mpidr = 0x8100_0100,
        Midr = 0x410F_D0C1,
        ErrorAffinityLevel = 1,
        RunningState = 1,
        ErrorInfo =
        {
            new ArmErrorInfo(ArmErrorKind.Cache, ArmErrorInformation.Cache(transactionType: 1, operation: 3, level: 1, corrected: true), physicalFaultAddress: 0x8000_1000),
            new ArmErrorInfo(ArmErrorKind.Tlb, ArmErrorInformation.Tlb(transactionType: 0, operation: 5, level: 0), virtualFaultAddress: 0xFFFF_8000_0000_1000),
            new ArmErrorInfo(ArmErrorKind.Bus, ArmErrorInformation.Bus(transactionType: 1, operation: 1, participationType: 0, timeOut: true, addressSpace: 2, accessMode: 1)),
            new ArmErrorInfo(ArmErrorKind.MicroArchitectural, 0x1234_5678_9ABC_DEF0) { MultipleError = 2, Flags = 0x04, ValidationBits = 0x07 },
        },
        ContextInfo = { SecureContext() },
        VendorSpecificInfo = [0xAA, 0xBB],
    };

    private static ArmContextInfo SecureContext()
    {
        var c = new ArmContextInfo(ArmRegisterContextType.AArch32Secure);
        c.SetRegister("SCTLR_S", 0x00C5_0078);
        c.SetRegister("spsrMon", 0x1D3);
        return c;
    }

    /// <summary>A CPER record with the hand-built ARM section as its only section (body at offset 200).</summary>
    internal static byte[] ArmRecord()
    {
        var record = new CperRecord { Revision = 0x0210, Severity = 1, NotificationType = CperGuids.NotifySea };
        record.Sections.Add(new CperSection { Severity = 1, Flags = 1, Body = HandBuilt() });
        return record.Encode();
    }

    [Fact]
    public void Hand_built_section_with_cache_tlb_bus_microarch_and_context_encodes_to_the_spec_bytes()
    {
        var expected = HeaderHex + CacheHex + TlbHex + BusHex + MicroHex + ContextHex + VendorHex;
        Assert.Equal(186, expected.Length / 2);
        var arm = HandBuilt();
        Assert.Equal(expected, Convert.ToHexString(arm.Encode()));
        Assert.Equal(186L, arm.SectionLength);
        Assert.Equal(ArmErrorTypeEncoding.BitFlags, arm.GetTypeEncoding());
    }

    public static TheoryData<string> HeaderSettersWithAValidationBit() =>
        [.. ArmProcessorSection.HeaderLayout.Fields.Where(f => f.ValidBit >= 0).Select(f => f.Json)];

    [Theory]
    [MemberData(nameof(HeaderSettersWithAValidationBit))]
    public void Setting_a_header_field_sets_its_validation_bit(string json)
    {
        // N.2.4.4 Table N-16: a setter writes a value meant, so it sets the bit that makes the field valid (PSCI state shares bit 2 with the running state).
        var field = ArmProcessorSection.HeaderLayout.Find(json)!;
        var property = typeof(ArmProcessorSection).GetProperty(char.ToUpperInvariant(json[0]) + json[1..])!;
        var arm = new ArmProcessorSection();
        property.SetValue(arm, Convert.ChangeType(1, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1ul << field.ValidBit, arm.ValidationBits & (1ul << field.ValidBit));
        Assert.Equal(1ul, Convert.ToUInt64(property.GetValue(arm), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Hand_built_section_decodes_back_to_the_same_values_and_bytes()
    {
        var bytes = HandBuilt().Encode();
        var arm = ArmProcessorSection.Decode(bytes);
        Assert.Equal(0xFu, arm.ValidationBits);
        Assert.Equal(0x8100_0100ul, arm.Mpidr);
        Assert.Equal(4, arm.ErrorInfo.Count);
        Assert.Equal([ArmErrorKind.Cache, ArmErrorKind.Tlb, ArmErrorKind.Bus, ArmErrorKind.MicroArchitectural], arm.ErrorInfo.Select(e => e.KindUnder(arm.GetTypeEncoding())));
        Assert.Equal(0xFFFF_8000_0000_1000ul, arm.ErrorInfo[1].VirtualFaultAddress);
        Assert.Equal(0x1D3ul, arm.ContextInfo[0].GetRegister("SPSR_MON"));
        Assert.Equal(bytes, arm.Encode());
        Assert.Equal(bytes, CperRecord.Decode(ArmRecord(), out _).Sections[0].Body.Encode());
    }

    [Theory]
    [InlineData(ArmErrorKind.Cache, ArmErrorTypeEncoding.BitFlags, 0x02)]
    [InlineData(ArmErrorKind.MicroArchitectural, ArmErrorTypeEncoding.BitFlags, 0x10)]
    [InlineData(ArmErrorKind.Tlb, ArmErrorTypeEncoding.Enumeration, 1)]
    [InlineData(ArmErrorKind.Bus, ArmErrorTypeEncoding.LibCper, 4)]
    public void Type_is_written_in_the_encoding_asked_for_and_read_back(ArmErrorKind kind, ArmErrorTypeEncoding encoding, int type)
    {
        Assert.Equal(type, ArmErrorInfo.EncodeType(kind, encoding));
        Assert.Equal(kind, ArmErrorInfo.DecodeType((byte)type, encoding));
    }

    [Theory]
    [InlineData("current spec bit flags", new byte[] { 0x02, 0x04, 0x08, 0x10 }, ArmErrorTypeEncoding.BitFlags)]
    [InlineData("cache and TLB bits together are still bit flags", new byte[] { 0x06 }, ArmErrorTypeEncoding.BitFlags)]
    [InlineData("0 only exists in the enumeration", new byte[] { 0, 2 }, ArmErrorTypeEncoding.Enumeration)]
    [InlineData("1 and 3 are not bit flags", new byte[] { 1, 3 }, ArmErrorTypeEncoding.Enumeration)]
    [InlineData("1 and 8 only fit libcper", new byte[] { 1, 8 }, ArmErrorTypeEncoding.LibCper)]
    [InlineData("nothing fits: spec default", new byte[] { 0x80 }, ArmErrorTypeEncoding.BitFlags)]
    public void Type_encoding_is_detected_per_section(string reason, byte[] types, ArmErrorTypeEncoding expected)
        => Assert.True(expected == ArmErrorInfo.DetectEncoding(types), reason);

    private static string RenderTypes(params byte[] types) => RenderTypes(CperDecodeOptions.Default, types);

    private static string RenderTypes(CperDecodeOptions options, params byte[] types)
    {
        var arm = new ArmProcessorSection { Mpidr = 0x8000_0101 };
        foreach (byte t in types)
        {
            var info = new ArmErrorInfo(ArmErrorKind.Cache, ArmErrorInformation.Cache(level: 2, corrected: true), physicalFaultAddress: 0x1000) { Type = t };
            arm.ErrorInfo.Add(info);
        }
        var sw = new StringWriter { NewLine = "\n" };
        ArmProcessorSection.Describe(arm.Encode(), 0, new TextRenderer(sw), options);
        return sw.ToString();
    }

    /// <summary>
    /// The default reading is the UEFI 2.9A+ bit flags, as Linux 6.x reads them (drivers/firmware/efi/cper-arm.c,
    /// cper_print_proc_arm: the error type is printed from the set bits, 0x02 cache, 0x04 TLB, 0x08 bus, 0x10
    /// micro-architectural, and the cache/TLB/bus error information is decoded under the one type bit set; 0 and 1 set
    /// no type bit, so nothing type-specific is printed. Measured in issue #13 with Debian's arm64 6.1.192: type 2 printed
    /// as a cache error, type 0 and 1 with no type).
    /// </summary>
    [Fact]
    public void Bit_flag_types_render_as_linux_reads_them()
    {
        string text = RenderTypes(0x02, 0x04, 0x08, 0x10);
        TextAssert.ContainsAll(text,
            "Error information #0: cache error",
            "Error information #1: TLB error",
            "Error information #2: bus error",
            "Error information #3: micro-architectural error",
            "Cache error information");
        Assert.DoesNotContain("Warning:", text, StringComparison.Ordinal);
        // A single 2 is cache here and in Linux (the old reading made it bus); no detection is involved.
        Assert.Contains("Error information #0: cache error", RenderTypes(0x02), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData((byte)0, "cache error")]
    [InlineData((byte)1, "TLB error")]
    [InlineData((byte)3, "micro-architectural error")]
    public void A_value_only_the_legacy_numbering_gives_meaning_is_reported(byte type, string legacyKind)
    {
        string text = RenderTypes(type);
        TextAssert.ContainsAll(text,
            "Error information #0: unknown error type",
            $"Warning: Type 0x{type:X2} is not a UEFI 2.9A+ bit-flag value",
            $"UEFI 2.9-and-earlier numbering ({legacyKind})");
        Assert.DoesNotContain("Cache error information", text, StringComparison.Ordinal); // shown raw, as Linux prints nothing type-specific
    }

    [Fact]
    public void A_reserved_value_is_reported_without_a_legacy_reading()
    {
        string text = RenderTypes(0x80);
        Assert.Contains("Warning: Type 0x80 names no error type as UEFI 2.9A+ bit flags", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ArmErrorTypeMode.BitFlags, "unknown error type", "cache error")]
    [InlineData(ArmErrorTypeMode.Legacy, "cache error", "bus error")]
    [InlineData(ArmErrorTypeMode.LibCper, "unknown error type", "TLB error")]
    [InlineData(ArmErrorTypeMode.Auto, "cache error", "bus error")]
    public void The_setting_chooses_the_reading(ArmErrorTypeMode mode, string kind0, string kind2)
    {
        string text = RenderTypes(new CperDecodeOptions { ArmErrorTypes = mode }, 0, 2);
        TextAssert.ContainsAll(text,
            $"Error information #0: {kind0}",
            $"Error information #1: {kind2}");
        Assert.Equal(mode == ArmErrorTypeMode.BitFlags, text.Contains("Warning: Type 0x00", StringComparison.Ordinal));
        if (mode is ArmErrorTypeMode.Legacy or ArmErrorTypeMode.LibCper) Assert.Contains("(chosen by the ARM error type setting)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Bus_error_information_puts_each_field_at_its_spec_bit()
    {
        ulong v = ArmErrorInformation.Bus(participationType: 2, memoryAttributes: 0x1FF, level: 3, processorContextCorrupt: true);
        Assert.Equal((1ul << 7 | 1ul << 10 | 1ul << 2 | 1ul << 3) | 2ul << 29 | 0x1FFul << 34 | 3ul << 22 | 1ul << 25, v);
        Assert.Throws<ArgumentOutOfRangeException>(() => ArmErrorInformation.Cache(level: 8));
    }

    [Fact]
    public void Libcper_arm_fixture_decodes_field_by_field()
    {
        // fixtures/cper/libcper/arm.cperhex, read with xxd: body at 0xC8, 323 bytes; validation 0x0A at 0xC8,
        // ERR_INFO_NUM 2 at 0xCC, CONTEXT_INFO_NUM 2 at 0xCE, SectionLength 0x143 at 0xD0, affinity level 2 at 0xD4.
        var arm = CperTestRecords.FixtureSection<ArmProcessorSection>("cper/libcper/arm.cperhex");
        Assert.Equal(0x0Au, arm.ValidationBits);
        Assert.Equal(323L, arm.SectionLength);
        Assert.Equal(2, arm.ErrorAffinityLevel);
        Assert.Equal(0x8340_66A7_7658_06B3ul, arm.Mpidr);
        Assert.Equal(0xE0A2_77B3_38F9_5FA3ul, arm.Midr);
        Assert.Equal(1u, arm.RunningState);
        Assert.Equal(2553131417u, arm.PsciState); // libcper's psciState

        Assert.Equal(2, arm.ErrorInfo.Count);
        var first = arm.ErrorInfo[0];
        Assert.Equal(32, first.Length);
        Assert.Equal(0x15, first.ValidationBits);
        Assert.Equal(2, first.Type);
        Assert.Equal(516, first.MultipleError);
        Assert.Equal(0x0000_037E_A7E4_0555ul, first.ErrorInformation);
        Assert.Equal(0x56B4_ECD1_9269_87CEul, first.PhysicalFaultAddress);
        // Types 2 and 1: libcper, which wrote them, means TLB and cache (its 1/2/4/8). Read as the UEFI 2.9A+ bit flags
        // (the default, as Linux 6.x reads them) 2 is cache and 1 names nothing; auto detection picks the 0-3
        // enumeration (every value fits it; the earlier encoding wins a tie): bus and TLB.
        Assert.Equal(ArmErrorTypeEncoding.BitFlags, arm.GetTypeEncoding());
        Assert.Equal(ArmErrorKind.Cache, first.KindUnder(arm.GetTypeEncoding()));
        Assert.Equal(ArmErrorKind.Unknown, arm.ErrorInfo[1].KindUnder(arm.GetTypeEncoding()));
        var auto = arm.GetTypeEncoding(ArmErrorTypeMode.Auto);
        Assert.Equal(ArmErrorTypeEncoding.Enumeration, auto);
        Assert.Equal(ArmErrorKind.Bus, first.KindUnder(auto));
        var libcper = arm.GetTypeEncoding(ArmErrorTypeMode.LibCper);
        Assert.Equal(ArmErrorTypeEncoding.LibCper, libcper);
        Assert.Equal(ArmErrorKind.Tlb, first.KindUnder(libcper));
        Assert.Equal(ArmErrorKind.Cache, arm.ErrorInfo[1].KindUnder(libcper));

        Assert.Equal(2, arm.ContextInfo.Count);
        Assert.Equal((ushort)ArmRegisterContextType.AArch64El2, arm.ContextInfo[0].RegisterContextType);
        Assert.Equal(120, arm.ContextInfo[0].RegisterArray.Length);
        Assert.Equal(11118887861619029372ul, arm.ContextInfo[0].GetRegister("ESR_EL2")); // libcper's esr_el2
        Assert.Equal((ushort)ArmRegisterContextType.AArch32El2, arm.ContextInfo[1].RegisterContextType);
        Assert.Equal(3855352312ul, arm.ContextInfo[1].GetRegister("DACR32_EL2"));
        Assert.Equal("56543B3E5629395E2275552974263D585A5135", Convert.ToHexString(arm.VendorSpecificInfo));
        Assert.Empty(arm.TrailingBytes);
    }

    private static ApeiContentException DecodeFails(byte[] record)
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(record.AsSpan(132));
        return Assert.Throws<ApeiContentException>(() => ArmProcessorSection.Decode(record.AsSpan(Body, length), Body));
    }

    // Each case breaks one count or length of the hand-built ARM record: the strict decoder names it (structure, field,
    // absolute offset, expected, found), the describer reports that one error and walks on, and the lenient decoder keeps the
    // section as raw bytes that encode back to the same record.
    [Theory]
    // SectionLength beyond the section: the describer walks with the body's own length.
    [InlineData(8, 4, 854_918_320u, "ARM processor error section",
        "SectionLength", "at most 186 bytes (the section body's length)", "854918320 bytes",
        "field SectionLength, at offset 0xD0 (208)", "SCTLR_S: 0x00C50078")]
    // ErrInfoNum of 46198: what fits is shown.
    [InlineData(4, 2, 46198u, "ARM processor error section",
        "ErrInfoNum", "at most 4 error-information structures of 32 bytes in the 146 bytes after the header", "46198",
        "Error information #3: micro-architectural error", "Bytes not decoded")]
    // A register array larger than the section names the context.
    [InlineData(40 + 4 * 32 + 4, 4, 0xFFFF_FFF0u, "ARM context information #0",
        "RegisterArraySize", "at most 10 bytes (left before SectionLength)", "4294967280 bytes",
        "Error information #3", "ARM context information #0, field RegisterArraySize, at offset 0x174 (372)")]
    // An error-information length other than 32 is reported in that structure.
    [InlineData(40 + 3 * 32 + 1, 1, 31u, "ARM error information #3",
        "Length", "32", "31",
        "ARM error information #3, field Length, at offset 0x151 (337)", "SPSR_MON: 0x000001D3")]
    public void A_count_or_length_that_does_not_fit_is_reported_and_the_rest_still_decodes(int at, int width, uint value,
        string structure, string field, string expected, string found, string shown, string walkedOn)
    {
        var record = ArmRecord();
        var target = record.AsSpan(Body + at, width);
        if (width == 4) BinaryPrimitives.WriteUInt32LittleEndian(target, value);
        else if (width == 2) BinaryPrimitives.WriteUInt16LittleEndian(target, (ushort)value);
        else target[0] = (byte)value;
        var e = DecodeFails(record);
        ContentError.AssertSays(e, structure, field, Body + at, expected, found);
        var (errors, text) = CperTestRecords.Describe(record);
        Assert.Equal(1, errors);
        TextAssert.ContainsAll(text, shown, walkedOn);
        CperTestRecords.AssertModelKeepsTheBytes(record);
    }

    [Fact]
    public void Section_length_claimed_in_a_67_byte_buffer_is_a_content_error()
    {
        // The 2026 Linux fix: SectionLength 854,918,320 inside a 67-byte buffer.
        var body = HandBuilt().Encode().AsSpan(0, 67).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), 854_918_320);
        var e = Assert.Throws<ApeiContentException>(() => ArmProcessorSection.Decode(body, 0x1000));
        Assert.Equal("SectionLength", e.Field);
        Assert.Equal(0x1008, e.Offset);
    }

    [Fact]
    public void Context_header_cut_off_by_section_length_is_truncated()
    {
        var record = ArmRecord();
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(Body + 8), 40 + 128 + 5); // 5 bytes left for an 8-byte header
        var e = DecodeFails(record);
        ContentError.AssertSays(e, "ARM context information #0", Body + 168, "8 bytes", "5 bytes");
    }

    [Fact]
    public void Body_shorter_than_the_header_is_truncated()
    {
        var e = Assert.Throws<ApeiContentException>(() => ArmProcessorSection.Decode(new byte[39], 500));
        Assert.Equal("ARM processor error section", e.Structure);
        Assert.Equal(500, e.Offset);
        Assert.Equal("40 bytes", e.Expected);
    }

    [Fact]
    public void Bytes_after_section_length_are_kept_and_shown()
    {
        var body = HandBuilt().Encode().Concat(new byte[] { 1, 2, 3 }).ToArray();
        var arm = ArmProcessorSection.Decode(body);
        Assert.Equal([1, 2, 3], arm.TrailingBytes);
        Assert.Equal(body, arm.Encode());
        var sw = new StringWriter();
        ArmProcessorSection.Describe(body, 0, new TextRenderer(sw));
        Assert.Contains("Bytes after SectionLength (at 0xBA, 3 bytes)", sw.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Context_structures_are_padded_to_16_bytes_and_unpadded_writers_still_round_trip()
    {
        // A miscellaneous system register context is 8 + 10 bytes: the specification pads it with 14 zeros.
        var misc = new ArmContextInfo(ArmRegisterContextType.MiscSystemRegister);
        misc.SetRegister("value", 0x1122_3344_5566_7788);
        var arm = new ArmProcessorSection { ContextInfo = { misc }, VendorSpecificInfo = [0xEE] };
        var bytes = arm.Encode();
        Assert.Equal(40 + 32 + 1, bytes.Length);
        Assert.Equal(73u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(new byte[14], bytes.AsSpan(40 + 18, 14).ToArray());
        var decoded = ArmProcessorSection.Decode(bytes);
        Assert.True(decoded.ContextInfo[0].Padded);
        Assert.Equal([0xEE], decoded.VendorSpecificInfo);
        Assert.Equal(bytes, decoded.Encode());

        // libcper writes the vendor bytes right after the register array: non-zero bytes there are not padding.
        misc.Padded = false;
        bytes = arm.Encode();
        Assert.Equal(40 + 18 + 1, bytes.Length);
        decoded = ArmProcessorSection.Decode(bytes);
        Assert.False(decoded.ContextInfo[0].Padded);
        Assert.Equal([0xEE], decoded.VendorSpecificInfo);
        Assert.Equal(bytes, decoded.Encode());
    }
}
