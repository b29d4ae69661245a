using ApeiKit.Cper;
using ApeiKit.Cper.Windows;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The zero-copy Windows XPF MCA section view, held to the values of real Windows captures (fixtures/cper/whea and
/// whea-edk2, read by hand with xxd in WindowsSectionTests and shown in its approved TestErrorMultiple4 snapshot), to
/// the editable model on every XPF MCA section in those fixtures, to every version form, and on every truncation of a
/// full version-4 body with hostile counts (no throw, no read past, counts clamped), allocating nothing on a walk.
/// </summary>
public sealed class XpfMcaSectionViewTests
{
    private static byte[] Section(string fixture, int index)
    {
        var bytes = Fixtures.Binary(fixture);
        var record = CperRecordView.Read(bytes, out _);
        Assert.Equal(CperGuids.WindowsXpfMca, record.GetDescriptor(index).SectionType);
        return record.GetSectionBody(index).ToArray();
    }

    /// <summary>
    /// The view of section 2 of a Windows capture, once it has read what the model reads there (AgreesWithModel): the
    /// values WindowsSectionTests reads by hand from the same bytes on the model hold for the view too.
    /// </summary>
    private static XpfMcaSectionView CaptureView(string fixture)
    {
        var body = Section(fixture, 2);
        AgreesWithModel(body);
        Assert.True(XpfMcaSectionView.TryRead(body, out var v));
        return v;
    }

    [Fact]
    public void Version_4_intel_capture_reads_as_its_bytes_and_snapshot_say()
    {
        // TestErrorMultiple4.bin section 2 (0x2F8, 1192 bytes); WindowsSectionTests' xxd reading and the approved
        // Text_rendering_of_TestErrorMultiple4 snapshot: version 4, Intel, processor 3, status 0x9400004000040150,
        // address 0x0001F807B7EF8A18, APIC ID 3, no extended registers, MCG_CAP 0, recovery info all 0, no further banks.
        var v = CaptureView("cper/whea/TestErrorMultiple4.bin");
        Assert.Equal(0, v.ExtendedRegisters.Count);
        Assert.True(v.HasApicId);
        Assert.False(v.HasAmdExtendedRegisters);
        Assert.True(v.AmdExtendedRegisters.IsEmpty);
        Assert.True(v.HasGlobalCapability);
        Assert.Equal(0ul, v.GlobalCapability);
        Assert.True(v.HasRecoveryInfo);
        Assert.Equal(0u, v.RecoveryFailureReason);
        Assert.Equal(0u, v.RecoveryAction);
        Assert.False(v.RecoveryActionRequired || v.RecoverySucceeded || v.RecoveryKernel);
        Assert.True(v.HasExBanks);
        Assert.Equal(0u, v.ExBankCount);
        Assert.Equal(0, v.ExBanks.Count);
        Assert.Equal(1192, v.DocumentedLength);
        Assert.True(v.TrailingBytes.IsEmpty);
    }

    [Fact]
    public void Version_2_amd_capture_has_the_amd_register_view()
    {
        // TestErrorMultiple2.bin section 2 (272 bytes): AMD, bank 27, status 0x982000000002080B, misc 0xD01A0FFE00000000;
        // at +0x48 IPID 0x0001002E00000500, SYND 0x5A020001, CONFIG 0x270000007D, RasCap 0x3B at +0x90.
        var v = CaptureView("cper/whea/TestErrorMultiple2.bin");
        Assert.True(v.HasApicId);
        Assert.True(v.HasGlobalCapability);
        Assert.True(v.HasAmdExtendedRegisters);
        var amd = v.AmdExtendedRegisters;
        Assert.Equal(192, amd.Length);
        var def = XpfMcaSection.AmdExtendedRegistersDef;
        Assert.Equal(0x0001002E00000500ul, def.Fields.Single(f => f.Json == "ipid").ReadValue(amd));
        Assert.Equal(0x000000005A020001ul, def.Fields.Single(f => f.Json == "synd").ReadValue(amd));
        Assert.Equal(0x000000270000007Dul, def.Fields.Single(f => f.Json == "config").ReadValue(amd));
        Assert.Equal(0x3Bul, def.Fields.Single(f => f.Json == "rasCap").ReadValue(amd));
        Assert.False(v.HasRecoveryInfo);
        Assert.Equal(0u, v.RecoveryAction);
        Assert.False(v.HasExBanks);
        Assert.Equal(0, v.ExBanks.Count);
        Assert.True(v.TrailingBytes.IsEmpty);
    }

    [Fact]
    public void Version_3_amd_capture_counts_ten_registers()
    {
        // TestErrorMultiple1.bin section 2 (292 bytes): AMD, processor 11, status 0xBAA00000000C0135 (VAL, UC, PCC),
        // count 10, APIC ID 11, register 0 0x001000B000000000, register 1 (SYND) 0x4D000014, recovery info 0.
        var v = CaptureView("cper/whea/TestErrorMultiple1.bin");
        Assert.True(v.IsValid);
        var registers = v.ExtendedRegisters;
        Assert.Equal(10, registers.Count);
        Assert.True(registers.MoveNext());
        Assert.Equal(0x001000B000000000ul, registers.Current);
        Assert.True(registers.MoveNext());
        Assert.Equal(0x4D000014ul, registers.Current);
        Assert.True(v.HasAmdExtendedRegisters);
        Assert.True(v.HasRecoveryInfo);
        Assert.Equal(0u, v.RecoveryFailureReason);
        Assert.False(v.HasExBanks);
        Assert.Equal(292, v.DocumentedLength);
    }

    [Fact]
    public void Version_3_capture_cut_at_289_bytes_reads_its_whole_fields()
    {
        // whea-edk2/whea_06.bin section 2: 289 bytes (3 short of 292): Intel, processor 16, bank 7, status
        // 0x9C00004001010092 (memory controller read, channel 2), address 0x6B3E7C00, misc 0x200805C2B0201086, APIC ID 0x12.
        var v = CaptureView("cper/whea-edk2/whea_06.bin");
        Assert.Equal(289, v.Bytes.Length);
        Assert.True(v.HasGlobalCapability);
        Assert.True(v.HasRecoveryInfo); // through RecoveryKernel (byte 282); the reserved tail is cut
        Assert.False(v.HasAmdExtendedRegisters);
        Assert.Equal(292, v.DocumentedLength);
        Assert.True(v.TrailingBytes.IsEmpty);
    }

    [Fact]
    public void The_xpf_mca_declaration_gives_each_vendor_and_version_its_form()
    {
        // WHEA_XPF_MCA_SECTION: MCi_STATUS bits by CPU vendor (Intel SDM vol. 3B 16.3.2.2; AMD APM vol. 2 9.3.2.3), offset
        // 68 reserved in version 1 (ralish/DecodeWheaRecord), the sizes the Vergilius Project publishes (0x110 for Windows 10
        // 21H2: through MCG_CAP, where XPF_RECOVERY_INFO starts in version 3; 0x4A8 for Windows 11 24H2: through MiscEx[31]),
        // and the WDK's four further-bank arrays of 32 after ExBankCount, back to back: 4-byte bank numbers, then 8-byte registers.
        Assert.Same(McaRegisters.StatusBitsIntel, XpfMcaSection.StatusFieldFor(1).BitFields);
        Assert.Same(McaRegisters.StatusBitsAmd, XpfMcaSection.StatusFieldFor(2).BitFields);
        Assert.Same(XpfMcaSection.StatusField, XpfMcaSection.StatusFieldFor(7));
        Assert.Same(XpfMcaSection.Reserved2Field, XpfMcaSection.ApicIdFieldFor(1));
        Assert.Same(XpfMcaSection.ApicIdField, XpfMcaSection.ApicIdFieldFor(2));
        Assert.Equal(("reserved2", 68, 4, FieldKind.Reserved), (XpfMcaSection.Reserved2Field.Json, XpfMcaSection.Reserved2Field.Offset,
            XpfMcaSection.Reserved2Field.Size, XpfMcaSection.Reserved2Field.Kind));
        Assert.Equal("reserved2", XpfMcaSection.HeaderLayout(1, 1).Fields[^1].Json);
        Assert.Equal(0x110, XpfMcaSection.LayoutDef.Find("failureReason")!.Offset);
        Assert.Equal(0, XpfMcaSection.RecoveryInfoDef.Find("failureReason")!.Offset);
        Assert.Equal([0x128, 0x128 + 32 * 4, 0x1A8 + 32 * 8, 0x2A8 + 32 * 8], new[] { XpfMcaSection.BankNumberExElements[0].Offset, XpfMcaSection.StatusExElements[0].Offset,
            XpfMcaSection.AddressExElements[0].Offset, XpfMcaSection.MiscExElements[0].Offset });
        Assert.Equal(0x4A8, XpfMcaSection.MiscExElements[31].End);
        Assert.Equal(("register23", 72 + 8 * 23), (XpfMcaSection.ExtendedRegistersElements[23].Json, XpfMcaSection.ExtendedRegistersElements[23].Offset));
    }

    [Theory]
    [MemberData(nameof(Fixtures.WheaRecordCases), MemberType = typeof(Fixtures))]
    public void The_view_reads_what_the_model_reads_on_every_captured_section(string fixture)
    {
        var bytes = Fixtures.Binary(fixture);
        var record = CperRecordView.Read(bytes, out _);
        for (int i = 0; i < record.DescriptorCount; i++)
        {
            if (record.GetDescriptor(i).SectionType != CperGuids.WindowsXpfMca) continue;
            AgreesWithModel(record.GetSectionBody(i));
        }
    }

    [Fact]
    public void Every_captured_form_is_in_the_fixtures()
    {
        // The theory above must meet versions 2, 3 (whole and cut) and 4, Intel and AMD: it cannot pass over nothing.
        var seen = new HashSet<(uint Version, uint Vendor, int Length)>();
        foreach (var fixture in Fixtures.WheaRecords())
        {
            var bytes = Fixtures.Binary(fixture);
            var record = CperRecordView.Read(bytes, out _);
            for (int i = 0; i < record.DescriptorCount; i++)
            {
                if (record.GetDescriptor(i).SectionType != CperGuids.WindowsXpfMca) continue;
                Assert.True(XpfMcaSectionView.TryRead(record.GetSectionBody(i), out var v));
                seen.Add((v.VersionNumber, v.CpuVendor, v.Bytes.Length));
            }
        }
        Assert.Contains((4u, 1u, 1192), seen);
        Assert.Contains((2u, 2u, 272), seen);
        Assert.Contains((3u, 2u, 292), seen);
        Assert.Contains((3u, 1u, 289), seen);
    }

    private static void AgreesWithModel(ReadOnlySpan<byte> body)
    {
        var model = XpfMcaSection.Decode(body);
        Assert.True(XpfMcaSectionView.TryRead(body, out var v));
        Assert.True(body == v.Bytes);
        Assert.Equal(model.VersionNumber, v.VersionNumber);
        Assert.Equal(model.CpuVendor, v.CpuVendor);
        Assert.Equal(model.DocumentedLength, v.DocumentedLength);
        Assert.Equal(model.Timestamp, v.Timestamp);
        Assert.Equal(model.ProcessorNumber, v.ProcessorNumber);
        Assert.Equal(model.GlobalStatus, v.GlobalStatus);
        Assert.Equal(model.InstructionPointer, v.InstructionPointer);
        Assert.Equal(model.BankNumber, v.BankNumber);
        Assert.Equal(model.Status, v.Status);
        Assert.Equal(model.IsValid, v.IsValid);
        Assert.Equal(model.IsUncorrected, v.IsUncorrected);
        Assert.Equal(model.McaErrorCode, v.McaErrorCode);
        Assert.Equal(model.Address, v.Address);
        Assert.Equal(model.Misc, v.Misc);
        Assert.Equal(model.ExtendedRegisterCount, v.ExtendedRegisterCount);
        Assert.Equal(model.ApicId, v.ApicId);
        Assert.Equal(model.VersionNumber >= 2, v.HasApicId);

        int n = 0;
        foreach (ulong register in v.ExtendedRegisters) Assert.Equal(model.GetExtendedRegister(n++), register);
        Assert.Equal((int)model.ExtendedRegisterCount, n);
        if (v.HasAmdExtendedRegisters)
        {
            Assert.Equal(2u, model.CpuVendor);
            for (int i = 0; i < 10; i++)
                Assert.Equal(model.GetExtendedRegister(i), XpfMcaSection.AmdExtendedRegistersDef.Fields[i].ReadValue(v.AmdExtendedRegisters));
        }
        else Assert.True(v.AmdExtendedRegisters.IsEmpty);

        if (v.HasGlobalCapability) Assert.Equal(model.GlobalCapability, v.GlobalCapability);
        else Assert.Equal(0ul, v.GlobalCapability);
        if (v.HasRecoveryInfo)
        {
            Assert.Equal(model.GetRecoveryInfo("failureReason"), v.RecoveryFailureReason);
            Assert.Equal(model.GetRecoveryInfo("action"), v.RecoveryAction);
            Assert.Equal(model.GetRecoveryInfo("actionRequired") != 0, v.RecoveryActionRequired);
            Assert.Equal(model.GetRecoveryInfo("recoverySucceeded") != 0, v.RecoverySucceeded);
            Assert.Equal(model.GetRecoveryInfo("recoveryKernel") != 0, v.RecoveryKernel);
        }
        if (v.HasExBanks)
        {
            Assert.Equal(model.ExBankCount, v.ExBankCount);
            int b = 0;
            foreach (var bank in v.ExBanks) Assert.Equal(model.GetExBank(b++), bank);
            Assert.Equal((int)model.ExBankCount, b);
        }
        else Assert.Equal(0, v.ExBanks.Count);
        int documented = model.DocumentedLength;
        Assert.Equal(body.Length > documented ? body[documented..].ToArray() : [], v.TrailingBytes.ToArray());
    }

    /// <summary>A section of every documented form, built with the model and cut to its version's size.</summary>
    public static TheoryData<uint, uint, int> VersionForms => new()
    {
        { 1, 1, XpfMcaSection.SizeV1 }, { 2, 1, XpfMcaSection.SizeV1 }, { 2, 2, XpfMcaSection.SizeV2 }, { 3, 1, XpfMcaSection.SizeV3 },
        { 3, 2, XpfMcaSection.SizeV3 }, { 4, 1, XpfMcaSection.SizeV4 }, { 4, 2, XpfMcaSection.SizeV4 }, { 7, 0, XpfMcaSection.SizeV1 + 8 },
    };

    private static byte[] Build(uint version, uint vendor, int size)
    {
        var mca = new XpfMcaSection
        {
            VersionNumber = version, CpuVendor = vendor, Timestamp = 0x01DBEA2C12759218L, ProcessorNumber = 5, GlobalStatus = 0x5,
            InstructionPointer = 0xFFFFF80012345678, BankNumber = 9, Status = 0xBC00000000010135, Address = 0x1234000, Misc = 0x86,
            ExtendedRegisterCount = 3, ApicId = 0x22, GlobalCapability = 0x0C0A, ExBankCount = 2,
        };
        for (int i = 0; i < XpfMcaSection.MaxExtendedRegisters; i++) mca.SetExtendedRegister(i, 0x1000ul + (ulong)i);
        mca.SetExBank(0, new XpfMcaBank(11, 0x9000000000000001, 0xA0, 0xB0));
        mca.SetExBank(1, new XpfMcaBank(12, 0xB000000000000002, 0xA1, 0xB1));
        var full = mca.Encode().ToArray();
        var body = new byte[size];
        full.AsSpan(0, Math.Min(size, full.Length)).CopyTo(body);
        if (size > full.Length) body[^1] = 0xEE; // a trailing byte past version 4's layout
        // The recovery info's bytes: failure reason overflow (bit 1), action attempted, required, succeeded.
        if (size >= XpfMcaSection.SizeV3) { body[272] = 2; body[276] = 1; body[280] = 1; body[281] = 1; }
        return body;
    }

    [Theory]
    [MemberData(nameof(VersionForms))]
    public void Every_version_form_reads_as_built(uint version, uint vendor, int size)
    {
        var body = Build(version, vendor, size);
        AgreesWithModel(body);
        Assert.True(XpfMcaSectionView.TryRead(body, out var v));
        Assert.Equal(version, v.VersionNumber);
        Assert.Equal(0x22u, v.ApicId);
        Assert.Equal(version >= 2, v.HasApicId);
        Assert.Equal(0xBC00000000010135ul, v.Status);
        Assert.Equal(0x0135, v.McaErrorCode);
        Assert.True(v.IsValid && v.IsUncorrected);
        Assert.Equal((version is 2 && size == XpfMcaSection.SizeV2) || version is 3 or 4, v.HasGlobalCapability);
        Assert.Equal(v.HasGlobalCapability ? 0x0C0Aul : 0, v.GlobalCapability);
        Assert.Equal(vendor == 2 && v.HasGlobalCapability, v.HasAmdExtendedRegisters);
        Assert.Equal(v.HasAmdExtendedRegisters ? 192 : 0, v.AmdExtendedRegisters.Length);
        Assert.Equal(3, v.ExtendedRegisters.Count);
        Assert.Equal(version is 3 or 4, v.HasRecoveryInfo);
        Assert.Equal(v.HasRecoveryInfo ? 2u : 0, v.RecoveryFailureReason);
        Assert.Equal(v.HasRecoveryInfo ? 1u : 0, v.RecoveryAction);
        Assert.Equal(v.HasRecoveryInfo, v.RecoveryActionRequired && v.RecoverySucceeded);
        Assert.False(v.RecoveryKernel);
        Assert.Equal(version == 4, v.HasExBanks);
        var banks = v.ExBanks;
        Assert.Equal(version == 4 ? 2 : 0, banks.Count);
        if (version == 4)
        {
            Assert.True(banks.MoveNext());
            Assert.Equal(new XpfMcaBank(11, 0x9000000000000001, 0xA0, 0xB0), banks.Current);
            Assert.True(banks.MoveNext());
            Assert.Equal(new XpfMcaBank(12, 0xB000000000000002, 0xA1, 0xB1), banks.Current);
            Assert.False(banks.MoveNext());
        }
        // Version 7 is undocumented: decoded through the common 264 bytes, the 8 after them (MCG_CAP's bytes) trailing.
        Assert.Equal(version == 7 ? body[XpfMcaSection.SizeV1..] : [], v.TrailingBytes.ToArray());
        if (version == 7) Assert.Equal([0x0A, 0x0C, 0, 0, 0, 0, 0, 0], v.TrailingBytes.ToArray());
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(4u)]
    public void Every_truncation_reads_without_throwing_or_reading_past_and_clamps_the_counts(uint version)
    {
        // Hostile counts: 0xFFFFFFFF extended registers and further banks; every length from 0 to 1192 + 8. The view
        // reads through spans sliced to the body, so a read past it would throw.
        var full = Build(version, 1, XpfMcaSection.SizeV4 + 8);
        full.AsSpan(64, 4).Fill(0xFF);
        full.AsSpan(292, 4).Fill(0xFF);
        for (int length = 0; length <= full.Length; length++)
        {
            var body = full.AsSpan(0, length);
            bool read = XpfMcaSectionView.TryRead(body, out var v);
            Assert.Equal(length >= XpfMcaSection.HeaderSize, read);
            if (!read) continue;
            ulong sum = Walk(body);
            var registers = v.ExtendedRegisters;
            Assert.Equal(Math.Min(24, (length - 72) / 8), registers.Count);
            int n = 0;
            foreach (ulong r in registers) Assert.Equal(0x1000ul + (ulong)n++, r);
            Assert.Equal(registers.Count, n);
            int banks = version == 4 && length >= 296 ? Math.Min(32, Math.Max(0, (length - 936) / 8)) : 0;
            Assert.Equal(banks, v.ExBanks.Count);
            Assert.Equal(version == 4 && length >= 296, v.HasExBanks);
            Assert.Equal(version == 4 && length >= 272, v.HasGlobalCapability);
            Assert.Equal(version == 4 && length >= 283, v.HasRecoveryInfo);
            Assert.Equal(Math.Max(0, length - v.DocumentedLength), v.TrailingBytes.Length);
            Assert.NotEqual(0ul, sum);
        }
        // A default view has no bytes: it reads zeros, walks nothing and does not throw.
        XpfMcaSectionView none = default;
        Assert.Equal(0u, none.VersionNumber);
        Assert.Equal(0, none.ExtendedRegisters.Count);
        Assert.Equal(0, none.ExBanks.Count);
        Assert.True(none.TrailingBytes.IsEmpty && none.AmdExtendedRegisters.IsEmpty);
    }

    [Fact]
    public void Walking_the_view_allocates_nothing()
    {
        var version4 = Section("cper/whea/TestErrorMultiple4.bin", 2);
        var amd = Section("cper/whea/TestErrorMultiple1.bin", 2);
        var built = Build(4, 2, XpfMcaSection.SizeV4);
        ulong first = Walk(version4) + Walk(amd) + Walk(built);
        Assert.NotEqual(0UL, first);
        ViewWalk.AssertAllocatesNothing(() => Walk(version4) + Walk(amd) + Walk(built), sum => sum == first);
    }

    private static ulong Walk(ReadOnlySpan<byte> body)
    {
        XpfMcaSectionView.TryRead(body, out var view);
        ulong sum = view.VersionNumber + view.CpuVendor + (ulong)view.Timestamp + view.ProcessorNumber + view.GlobalStatus + view.InstructionPointer
            + view.BankNumber + view.Status + view.Address + view.Misc + view.ExtendedRegisterCount + view.ApicId + view.McaErrorCode
            + (view.IsValid ? 1u : 0) + (view.IsUncorrected ? 1u : 0) + (view.HasApicId ? 1u : 0) + (ulong)view.DocumentedLength;
        foreach (ulong r in view.ExtendedRegisters) sum += r;
        sum += (ulong)view.AmdExtendedRegisters.Length + view.GlobalCapability + view.RecoveryFailureReason + view.RecoveryAction
            + (view.RecoveryActionRequired ? 1u : 0) + (view.RecoverySucceeded ? 1u : 0) + (view.RecoveryKernel ? 1u : 0) + view.ExBankCount;
        foreach (var bank in view.ExBanks) sum += bank.BankNumber + bank.Status + bank.Address + bank.Misc;
        return sum + (ulong)view.TrailingBytes.Length;
    }
}
