using System.Buffers.Binary;
using System.Text.Json;
using ApeiKit.Cper;
using static ApeiKit.Tests.LibcperExample;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The zero-copy ARM processor section view (UEFI 2.10 N.2.4.4) held against libcper's own JSON for the libcper
/// examples that carry ARM sections (fixtures/cper/libcper/arm, libcper-behaviour/arm-misc-context*: the JSON files are
/// libcper's output, not ours): header counts and length, each error-information structure's fields and validity,
/// each context's type, size and registers, the vendor bytes. And against the editable model over every ARM section
/// in the fixtures, and on hostile bodies (counts that do not fit, a context that overruns SectionLength).
/// </summary>
public sealed class ArmProcessorSectionViewTests
{
    public static TheoryData<string> LibCperArmExamples => new() { "cper/libcper/arm", "cper/libcper-behaviour/arm-misc-context", "cper/libcper-behaviour/arm-misc-context-16" };

    [Theory]
    [MemberData(nameof(LibCperArmExamples))]
    public void The_view_reads_what_libcper_reads(string example)
    {
        foreach (var (body, expected) in LibcperExample.Sections(example, CperGuids.ProcessorArm, "ArmProcessor"))
            Check(body, expected);
    }

    private static void Check(ReadOnlySpan<byte> body, JsonElement expected)
    {
        Assert.True(ArmProcessorSectionView.TryRead(body, out var view));
        Assert.Equal(expected.GetProperty("errorInfoNum").GetUInt16(), view.ErrInfoNum);
        Assert.Equal(expected.GetProperty("contextInfoNum").GetUInt16(), view.ContextInfoNum);
        Assert.Equal(expected.GetProperty("sectionLength").GetUInt32(), view.DeclaredSectionLength);
        Assert.Equal(expected.GetProperty("midrEl1").GetUInt64(), view.Midr);
        AssertMemberWhenValid(expected, "errorAffinity", view.HasErrorAffinityLevel, view.ErrorAffinityLevel, "value");
        AssertMemberWhenValid(expected, "mpidrEl1", view.HasMpidr, view.Mpidr);
        if (expected.TryGetProperty("psciState", out var psci)) Assert.Equal(psci.GetUInt32(), view.PsciState);

        // libcper writes its own Type encoding (1/2/4/8): the view reads the byte as stored.
        var infos = expected.GetProperty("errorInfo");
        int n = 0;
        foreach (var e in view.ErrorInfo)
        {
            var x = infos[n++];
            Assert.Equal(x.GetProperty("version").GetByte(), e.Version);
            Assert.Equal(x.GetProperty("length").GetByte(), e.Length);
            Assert.Equal(x.GetProperty("errorType").GetProperty("value").GetByte(), e.Type);
            AssertMemberWhenValid(x, "multipleError", e.HasMultipleError, e.MultipleError, "value");
            AssertMemberWhenValid(x, "virtualFaultAddress", e.HasVirtualFaultAddress, e.VirtualFaultAddress);
            AssertMemberWhenValid(x, "physicalFaultAddress", e.HasPhysicalFaultAddress, e.PhysicalFaultAddress);
            if (x.TryGetProperty("errorInformation", out var info) && e.HasErrorInformation)
            {
                // Tables N-18/N-19: level in bits 22-24, valid when the value's own bit 2 is set.
                foreach (var kind in info.EnumerateObject())
                    if (kind.Value.TryGetProperty("level", out var level))
                        Assert.Equal((ulong)level.GetInt32(), e.ErrorInformation >> 22 & 7);
            }
            Assert.NotEqual(ArmErrorKind.Unknown, e.KindUnder(ArmErrorTypeEncoding.LibCper));
        }
        Assert.Equal(infos.GetArrayLength(), n);

        var contexts = expected.GetProperty("contextInfo");
        int c = 0;
        var walk = view.ContextInfo;
        foreach (var context in walk)
        {
            var x = contexts[c++];
            Assert.Equal(x.GetProperty("version").GetUInt16(), context.Version);
            Assert.Equal(x.GetProperty("registerContextType").GetProperty("value").GetUInt16(), context.RegisterContextType);
            Assert.Equal(x.GetProperty("registerArraySize").GetUInt32(), context.RegisterArraySize);
            Assert.Equal((int)context.RegisterArraySize, context.RegisterArray.Length);
            var registers = x.GetProperty("registerArray");
            if (context.RegisterContextType == (ushort)ArmRegisterContextType.MiscSystemRegister)
            {
                Assert.Equal(registers.GetProperty("value").GetUInt64(), BinaryPrimitives.ReadUInt64LittleEndian(context.RegisterArray[2..]));
                continue;
            }
            var layout = ArmProcessorSection.RegisterLayout(context.RegisterContextType)!;
            int r = 0;
            foreach (var value in registers.EnumerateObject())
                Assert.Equal(value.Value.GetUInt64(), layout.Fields[r++].ReadValue(context.RegisterArray));
            Assert.Equal(layout.Fields.Length, r);
        }
        Assert.Equal(contexts.GetArrayLength(), c);
        if (expected.TryGetProperty("vendorSpecificInfo", out var vendor))
            Assert.Equal(Convert.FromBase64String(vendor.GetProperty("data").GetString()!), view.VendorSpecificInfo.ToArray());
    }

    [Fact]
    public void The_view_equals_the_model_for_every_ARM_section_in_the_fixtures()
        => FixtureSections.AssertEachDecodable(CperGuids.ProcessorArm, b => ArmProcessorSection.Decode(b), 3, "ARM", (bytes, model) =>
        {
            Assert.True(ArmProcessorSectionView.TryRead(bytes, out var view));
            Assert.Equal(model.ValidationBits, view.ValidationBits);
            Assert.Equal(model.Mpidr, view.Mpidr);
            Assert.Equal(model.RunningState, view.RunningState);
            Assert.Equal(model.GetTypeEncoding(ArmErrorTypeMode.Auto), view.GetTypeEncoding(ArmErrorTypeMode.Auto));
            int n = 0;
            foreach (var e in view.ErrorInfo)
            {
                Assert.Equal(model.ErrorInfo[n].ToArray(), e.Bytes.ToArray());
                Assert.Equal(model.ErrorInfo[n].ErrorInformation, e.ErrorInformation);
                n++;
            }
            Assert.Equal(model.ErrorInfo.Count, n);
            int c = 0;
            var contexts = view.ContextInfo;
            while (contexts.MoveNext())
            {
                var m = model.ContextInfo[c++];
                Assert.Equal(m.RegisterContextType, contexts.Current.RegisterContextType);
                Assert.Equal(m.RegisterArray, contexts.Current.RegisterArray.ToArray());
                Assert.Equal(m.PaddingLength, contexts.PaddingLength);
            }
            Assert.True(contexts.Complete);
            Assert.Equal(model.ContextInfo.Count, c);
            Assert.Equal(model.VendorSpecificInfo, view.VendorSpecificInfo.ToArray());
            Assert.Equal(model.TrailingBytes, view.TrailingBytes.ToArray());
        });

    [Fact]
    public void Counts_and_lengths_that_do_not_fit_end_the_walk_where_the_describer_stops()
    {
        var arm = new ArmProcessorSection { Mpidr = 1 };
        arm.ErrorInfo.Add(new ArmErrorInfo(ArmErrorKind.Cache, ArmErrorInformation.Cache(level: 1)));
        arm.ContextInfo.Add(new ArmContextInfo(ArmRegisterContextType.AArch64El3));
        arm.VendorSpecificInfo = [1, 2, 3];
        var body = arm.Encode();

        // ERR_INFO_NUM of 200: only the one structure that fits before SectionLength is walked, no context is trusted.
        var tooMany = (byte[])body.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(tooMany.AsSpan(4), 200);
        Assert.True(ArmProcessorSectionView.TryRead(tooMany, out var v1));
        Assert.Equal(200, v1.ErrInfoNum);
        Assert.True(v1.ErrorInfo.Count <= (tooMany.Length - 40) / 32);
        Assert.False(v1.ContextInfo.MoveNext());
        Assert.True(v1.VendorSpecificInfo.IsEmpty);

        // A register array size past SectionLength: the context walk stops, incomplete, and no vendor bytes are claimed.
        var overrun = (byte[])body.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(overrun.AsSpan(40 + 32 + 4), 10_000);
        // And the section cut shorter than the header (20 bytes): no entries, contexts or vendor bytes, and no exception.
        ProcessorWalk.AssertCutWalksStop(Parts, overrun, body);

        // The whole section: one entry, one context of 80 bytes (padded to 96), three vendor bytes.
        Assert.True(ArmProcessorSectionView.TryRead(body, out var v3));
        Assert.Equal([1, 2, 3], v3.VendorSpecificInfo.ToArray());
        foreach (var e in v3.ErrorInfo) Assert.Equal(ArmErrorKind.Cache, e.KindUnder(v3.GetTypeEncoding()));
    }

    private static ProcessorWalk Parts(ReadOnlySpan<byte> body)
    {
        if (!ArmProcessorSectionView.TryRead(body, out var v)) return default;
        var contexts = v.ContextInfo;
        bool any = contexts.MoveNext();
        if (any) while (contexts.MoveNext()) { }
        return new(true, v.ErrorInfo.Count, any, contexts.Complete, v.VendorSpecificInfo.Length);
    }

    [Fact]
    public void Walking_the_view_allocates_nothing() => ViewWalk.AssertAllocatesNothing("cper/libcper/arm.cperhex", Walk);

    private static ulong Walk(ReadOnlySpan<byte> body)
    {
        ArmProcessorSectionView.TryRead(body, out var view);
        ulong sum = view.Midr;
        var encoding = view.GetTypeEncoding(ArmErrorTypeMode.Auto);
        foreach (var e in view.ErrorInfo) sum += e.HasPhysicalFaultAddress ? e.PhysicalFaultAddress : (ulong)e.KindUnder(encoding);
        foreach (var c in view.ContextInfo) sum += c.RegisterContextType + (ulong)c.RegisterArray.Length;
        return sum + (ulong)view.VendorSpecificInfo.Length;
    }
}
