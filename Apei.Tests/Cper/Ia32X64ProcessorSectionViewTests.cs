using System.Buffers.Binary;
using System.Text.Json;
using ApeiKit.Cper;
using static ApeiKit.Tests.LibcperExample;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The zero-copy IA32/X64 processor section view (UEFI 2.10 N.2.4.2) held against libcper's own JSON for its IA32/X64
/// example (fixtures/cper/libcper/ia32x64: the JSON file is libcper's output, not ours): the counts in the validation
/// bits, local APIC ID and CPUID info, each error-information structure's type, fields and validity, each context's
/// header, size and registers. And against the editable model over every IA32/X64 section in the fixtures (the WHEA
/// captures included), and on hostile bodies (a count that does not fit, a register array that overruns the body).
/// </summary>
public sealed class Ia32X64ProcessorSectionViewTests
{
    [Fact]
    public void The_view_reads_what_libcper_reads()
    {
        foreach (var (body, expected) in LibcperExample.Sections("cper/libcper/ia32x64", CperGuids.ProcessorIa32X64, "Ia32x64Processor"))
            Check(body, expected);
    }

    private static void Check(ReadOnlySpan<byte> body, JsonElement expected)
    {
        Assert.True(Ia32X64ProcessorSectionView.TryRead(body, out var view));
        // N.2.4.2: ERROR_INFO_NUM in validation bits 2-7, CONTEXT_INFO_NUM in bits 8-13.
        Assert.Equal(expected.GetProperty("processorErrorInfoNum").GetUInt64(), view.ValidationBits >> 2 & 0x3F);
        Assert.Equal(expected.GetProperty("processorContextInfoNum").GetUInt64(), view.ValidationBits >> 8 & 0x3F);
        AssertMemberWhenValid(expected, "localAPICID", view.HasLocalApicId, view.LocalApicId);
        Assert.Equal(expected.TryGetProperty("cpuidInfo", out var cpuid), view.HasCpuIdEax);
        if (view.HasCpuIdEax)
        {
            // libcper reads CPUID Info as four 64-bit values; the view gives the 48 bytes.
            Assert.Equal(cpuid.GetProperty("eax").GetUInt64(), BinaryPrimitives.ReadUInt64LittleEndian(view.CpuIdInfo));
            Assert.Equal(cpuid.GetProperty("edx").GetUInt64(), BinaryPrimitives.ReadUInt64LittleEndian(view.CpuIdInfo[24..]));
            Assert.Equal(48, view.CpuIdInfo.Length);
        }

        var infos = expected.GetProperty("processorErrorInfo");
        int n = 0;
        foreach (var e in view.ErrorInfo)
        {
            var x = infos[n++];
            Assert.Equal(Guid.Parse(x.GetProperty("type").GetProperty("guid").GetString()!), e.ErrorType);
            Assert.Equal(x.TryGetProperty("checkInfo", out var check), e.HasCheckInfo);
            if (e.HasCheckInfo && check.TryGetProperty("level", out var level) && (e.CheckInfo & 1UL << 2) != 0)
                Assert.Equal((ulong)level.GetInt32(), e.CheckInfo >> 22 & 7); // N.2.4.2.1: level in bits 22-24, valid with the value's own bit 2
            AssertMemberWhenValid(x, "targetAddressID", e.HasTargetId, e.TargetId);
            AssertMemberWhenValid(x, "requestorID", e.HasRequestorId, e.RequestorId);
            AssertMemberWhenValid(x, "responderID", e.HasResponderId, e.ResponderId);
            AssertMemberWhenValid(x, "instructionPointer", e.HasInstructionPointer, e.InstructionPointer);
        }
        Assert.Equal(infos.GetArrayLength(), n);

        var contexts = expected.GetProperty("processorContextInfo");
        int c = 0;
        foreach (var context in view.ContextInfo)
        {
            var x = contexts[c++];
            Assert.Equal(x.GetProperty("registerContextType").GetProperty("value").GetUInt16(), context.RegisterContextType);
            Assert.Equal(x.GetProperty("registerArraySize").GetUInt16(), context.RegisterArraySize);
            Assert.Equal(x.GetProperty("msrAddress").GetUInt32(), context.MsrAddress);
            Assert.Equal(x.GetProperty("mmRegisterAddress").GetUInt64(), context.MmRegisterAddress);
            Assert.Equal(context.RegisterArraySize, context.RegisterArray.Length);
            var registers = x.GetProperty("registerArray");
            if (registers.TryGetProperty("data", out var data))
            {
                Assert.Equal(Convert.FromBase64String(data.GetString()!), context.RegisterArray.ToArray());
                continue;
            }
            // Named registers: libcper's first one (rax/eax/dr0) is the array's first value.
            var first = registers.EnumerateObject().First();
            var layout = Ia32X64ProcessorSection.RegisterLayout(context.RegisterContextType)!;
            Assert.Equal(first.Value.GetUInt64(), layout.Fields[0].ReadValue(context.RegisterArray));
            if (registers.TryGetProperty("rsp", out var rsp)) Assert.Equal(rsp.GetUInt64(), layout.Find("rsp")!.ReadValue(context.RegisterArray));
        }
        Assert.Equal(contexts.GetArrayLength(), c);
    }

    [Fact]
    public void The_view_equals_the_model_for_every_IA32_section_in_the_fixtures()
        => FixtureSections.AssertEachDecodable(CperGuids.ProcessorIa32X64, b => Ia32X64ProcessorSection.Decode(b), 2, "IA32/X64", (bytes, model) =>
        {
            Assert.True(Ia32X64ProcessorSectionView.TryRead(bytes, out var view));
            Assert.Equal(model.ValidationBits, view.ValidationBits);
            Assert.Equal(model.LocalApicId, view.LocalApicId);
            Assert.Equal(model.CpuIdInfo, view.CpuIdInfo.ToArray());
            int n = 0;
            foreach (var e in view.ErrorInfo)
            {
                var m = model.ErrorInfo[n++];
                Assert.Equal(m.ErrorType, e.ErrorType);
                Assert.Equal(m.ValidationBits, e.ValidationBits);
                Assert.Equal(m.CheckInfo, e.CheckInfo);
                Assert.Equal(m.TargetId, e.TargetId);
                Assert.Equal(m.RequestorId, e.RequestorId);
                Assert.Equal(m.ResponderId, e.ResponderId);
                Assert.Equal(m.InstructionPointer, e.InstructionPointer);
            }
            Assert.Equal(model.ErrorInfo.Count, n);
            int c = 0;
            var contexts = view.ContextInfo;
            while (contexts.MoveNext())
            {
                var m = model.ContextInfo[c++];
                Assert.Equal(m.RegisterContextType, contexts.Current.RegisterContextType);
                Assert.Equal(m.MsrAddress, contexts.Current.MsrAddress);
                Assert.Equal(m.MmRegisterAddress, contexts.Current.MmRegisterAddress);
                Assert.Equal(m.RegisterArray, contexts.Current.RegisterArray.ToArray());
            }
            Assert.True(contexts.Complete);
            Assert.Equal(model.ContextInfo.Count, c);
            Assert.Equal(model.TrailingBytes, view.TrailingBytes.ToArray());
        });

    [Fact]
    public void Counts_and_sizes_that_do_not_fit_end_the_walk_where_the_describer_stops()
    {
        var x86 = new Ia32X64ProcessorSection { LocalApicId = 2 };
        x86.ErrorInfo.Add(new Ia32X64ErrorInfo(CperGuids.CheckCache, checkInfo: 0x0407_0006) { InstructionPointer = 0xFFFF_8000_1234_0000 });
        x86.ContextInfo.Add(new Ia32X64ContextInfo(Ia32X64RegisterContextType.Debug64));
        x86.TrailingBytes = [1, 2, 3];
        var body = x86.Encode();

        // ERROR_INFO_NUM of 63: only the structures that fit are walked, no context is trusted, no trailing bytes claimed.
        var tooMany = (byte[])body.Clone();
        tooMany[0] = (byte)(tooMany[0] | 0x3F << 2);
        Assert.True(Ia32X64ProcessorSectionView.TryRead(tooMany, out var v1));
        Assert.Equal((tooMany.Length - 64) / 64, v1.ErrorInfo.Count);
        Assert.False(v1.ContextInfo.MoveNext());
        Assert.True(v1.TrailingBytes.IsEmpty);

        // A register array size past the body: the context walk stops, incomplete, and no trailing bytes are claimed.
        var overrun = (byte[])body.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(overrun.AsSpan(64 + 64 + 2), 10_000);
        // And the section cut shorter than the header (20 bytes): no entries, contexts or trailing bytes, and no exception.
        ProcessorWalk.AssertCutWalksStop(Parts, overrun, body);

        // The whole section: one entry, one 64-byte debug-register context, three trailing bytes.
        Assert.True(Ia32X64ProcessorSectionView.TryRead(body, out var v3));
        Assert.Equal([1, 2, 3], v3.TrailingBytes.ToArray());
        foreach (var e in v3.ErrorInfo) Assert.Equal(0xFFFF_8000_1234_0000, e.InstructionPointer);
        foreach (var c in v3.ContextInfo) Assert.Equal(64, c.RegisterArray.Length);

        // Cut shorter than the header, no CPUID information is claimed either.
        Assert.True(Ia32X64ProcessorSectionView.TryRead(body.AsSpan(0, 20), out var v4));
        Assert.True(v4.CpuIdInfo.IsEmpty);
    }

    private static ProcessorWalk Parts(ReadOnlySpan<byte> body)
    {
        if (!Ia32X64ProcessorSectionView.TryRead(body, out var v)) return default;
        var contexts = v.ContextInfo;
        bool any = contexts.MoveNext();
        if (any) while (contexts.MoveNext()) { }
        return new(true, v.ErrorInfo.Count, any, contexts.Complete, v.TrailingBytes.Length);
    }

    [Fact]
    public void Walking_the_view_allocates_nothing() => ViewWalk.AssertAllocatesNothing("cper/libcper/ia32x64.cperhex", Walk);

    private static ulong Walk(ReadOnlySpan<byte> body)
    {
        Ia32X64ProcessorSectionView.TryRead(body, out var view);
        ulong sum = view.ValidationBits;
        foreach (var e in view.ErrorInfo) sum += e.HasInstructionPointer ? e.InstructionPointer : e.CheckInfo;
        foreach (var c in view.ContextInfo) sum += c.RegisterContextType + (ulong)c.RegisterArray.Length;
        return sum + (ulong)view.TrailingBytes.Length;
    }
}
