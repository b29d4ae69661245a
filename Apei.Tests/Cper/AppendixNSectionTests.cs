using System.Buffers.Binary;
using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// UEFI 2.10 appendix N sections decoded from libcper-generated and real WHEA fixtures: fields checked by hand
/// against the bytes (offsets in the comments are absolute, as <c>xxd</c> shows them), and hostile counts and
/// lengths that must give <see cref="ApeiContentException"/>, never another exception.
/// </summary>
public class AppendixNSectionTests
{
    /// <summary>Absolute offset of the first section body in the libcper fixtures (128-byte header + one descriptor).</summary>
    private const int LibcperBody = 0xC8;

    private static T Section<T>(string fixture, int index = 0) where T : CperSectionBody
        => Assert.IsType<T>(CperRecord.Decode(Fixtures.Binary(fixture), out _).Sections[index].Body);

    private static byte[] Body(string fixture, int start, int length) => Fixtures.Binary(fixture).AsSpan(start, length).ToArray();

    /// <summary>Describing must report the problem as an error, not throw, and decoding must throw ApeiContentException.</summary>
    private static ApeiContentException Hostile(SectionDecoder decode, SectionDescriber describe, byte[] body, long baseOffset)
    {
        var e = Assert.Throws<ApeiContentException>(() => decode(body, baseOffset));
        var sw = new StringWriter();
        var text = new TextRenderer(sw);
        text.BeginObject("section", "Section", baseOffset, body.Length);
        describe(body, baseOffset, text);
        text.EndObject();
        Assert.Contains(e.Field ?? "", sw.ToString(), StringComparison.Ordinal);
        return e;
    }

    // ---- IA32/X64 (N.2.4.2) ----

    [Fact]
    public void Libcper_ia32x64_header_error_info_and_contexts_match_the_bytes()
    {
        // 0xC8: validation 06 04 (0x406: CPUID valid, 1 error info, 4 contexts). 0x108: TLB check GUID b5 35 06 fc,
        // validation 0x15, check info ff 00 df 3f (0x3FDF00FF). 0x148: context 0 type 0 size 0x40.
        var x = Section<Ia32X64ProcessorSection>("cper/libcper/ia32x64.cperhex");
        Assert.Equal(0x406ul, x.ValidationBits);
        var info = Assert.Single(x.ErrorInfo);
        Assert.Equal(CperGuids.CheckTlb, info.ErrorType);
        Assert.Equal(0x15ul, info.ValidationBits);
        Assert.Equal(0x3FDF00FFul, info.CheckInfo);
        Assert.Equal(0x806E5A4C76B95FF4ul, info.RequestorId);
        Assert.Equal(4, x.ContextInfo.Count);
        Assert.Equal([0, 0, 1, 3], x.ContextInfo.Select(c => (int)c.RegisterContextType));
        Assert.Equal([64, 160, 64, 244], x.ContextInfo.Select(c => c.RegisterArray.Length));
        Assert.Equal(0xBEEFAC5Au, x.ContextInfo[2].MsrAddress);
        Assert.Equal(0xD6D3260D20BFC3EAul, x.ContextInfo[3].GetRegister("RAX"));
        Assert.Equal(0xEDDC7CE11ADC511Dul, x.ContextInfo[3].GetRegister("rip"));
        Assert.Equal(0xC167ul, x.ContextInfo[3].GetRegister("TR"));
        Assert.Empty(x.TrailingBytes);
    }

    [Fact]
    public void Whea_ia32x64_capture_holds_cpuid_leaf_1_as_32_bit_registers_and_a_bus_check()
    {
        // whea-edk2/whea_02.bin section 1 at 0x218: validation 07, APIC ID 0x40, CPUID f1 06 04 00 | 00 08 40 40 at 0x228
        // (EBX[31:24] = 0x40, the APIC ID again), bus check GUID b3 f8 f3 1c at 0x258, check info 9e 07 c0 e0 06 at 0x270.
        var x = Section<Ia32X64ProcessorSection>("cper/whea-edk2/whea_02.bin", 1);
        Assert.Equal(7ul, x.ValidationBits);
        Assert.Equal(0x40ul, x.LocalApicId);
        Assert.Equal(0x000406F1u, BinaryPrimitives.ReadUInt32LittleEndian(x.CpuIdInfo));
        Assert.Equal(0x40u, BinaryPrimitives.ReadUInt32LittleEndian(x.CpuIdInfo.AsSpan(4)) >> 24);
        var info = Assert.Single(x.ErrorInfo);
        Assert.Equal(CperGuids.CheckBus, info.ErrorType);
        Assert.Equal(0x6E0C0079Eul, info.CheckInfo);
        Assert.Empty(x.ContextInfo);
        var sw = new StringWriter { NewLine = "\n" };
        x.Describe(new TextRenderer(sw));
        Assert.Contains("Participation type: generic (3)", sw.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Hand_built_ia32x64_section_round_trips_and_writes_its_counts_into_the_validation_bits()
    {
        var x = new Ia32X64ProcessorSection { LocalApicId = 3 };
        x.ErrorInfo.Add(new Ia32X64ErrorInfo(CperGuids.CheckCache, 0x0000_0000_0407_0007) { InstructionPointer = 0xFFFF_8000_1000_0000 });
        var ctx = new Ia32X64ContextInfo(Ia32X64RegisterContextType.X64Context);
        ctx.SetRegister("RIP", 0xFFFF_8000_1000_0000);
        x.ContextInfo.Add(ctx);
        x.ContextInfo.Add(new Ia32X64ContextInfo(1, new byte[16]) { MsrAddress = 0x179 });
        var bytes = x.Encode();
        Assert.Equal(64 + 64 + 16 + 244 + 16 + 16, bytes.Length);
        Assert.Equal(0x1UL | 1 << 2 | 2 << 8, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        var back = Ia32X64ProcessorSection.Decode(bytes);
        Assert.Equal(bytes, back.Encode());
        Assert.Equal(0xFFFF_8000_1000_0000ul, back.ContextInfo[0].GetRegister("rip"));
    }

    [Fact]
    public void Ia32x64_error_info_count_beyond_the_section_is_a_content_error()
    {
        var body = Body("cper/libcper/ia32x64.cperhex", LibcperBody, 724);
        body[0] = 0x3E; // 15 error-information structures (960 bytes) in 724
        var e = Hostile(Ia32X64ProcessorSection.Decode, Ia32X64ProcessorSection.Describe, body, LibcperBody);
        Assert.Equal("ValidationBits.ErrorInfoNum", e.Field);
        Assert.Equal(LibcperBody, e.Offset);
    }

    [Fact]
    public void Ia32x64_register_array_size_beyond_the_section_is_a_content_error()
    {
        var body = Body("cper/libcper/ia32x64.cperhex", LibcperBody, 724);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(0x298 - LibcperBody + 2), 0x1000); // context 3 claims 4096 bytes
        var e = Hostile(Ia32X64ProcessorSection.Decode, Ia32X64ProcessorSection.Describe, body, LibcperBody);
        Assert.Equal("RegisterArraySize", e.Field);
        Assert.Equal(0x298 + 2, e.Offset);
        Assert.Throws<ApeiContentException>(() => Ia32X64ProcessorSection.Decode(body.AsSpan(0, 63), 0));
    }

    [Fact]
    public void Ia32x64_text_rendering_matches_its_snapshot()
    {
        var sw = new StringWriter { NewLine = "\n" };
        CperRecordDescriber.Describe(Fixtures.Binary("cper/libcper/ia32x64.cperhex"), 0, new TextRenderer(sw), "CPER record", out _);
        Snapshot.Verify(sw.ToString());
    }
}
