using System.Buffers.Binary;
using ApeiKit.Ghes;
using ApeiKit.Hest;
using ApeiKit.Tests.Ghes;

namespace ApeiKit.Tests.Hest;

/// <summary>
/// The generated zero-copy views of the HEST structures, the error status block and entry headers and the BERT body
/// (ApeiKit.Generators, from Hest/Declarations and Ghes/Declarations) against readings they did not produce: the
/// describer's walk (the bytes it reports at each field's absolute offset, under the same JSON name), the hand-written
/// views (<see cref="HestErrorSource"/>, <see cref="ErrorStatusBlockView"/>, <see cref="ErrorDataEntryView"/>,
/// <see cref="BertTable"/>) and the editable models read by JSON name. Inputs: the real ProLiant HEST, iasl's own HEST
/// template, the BERT fixture, QEMU's virt preset and a table with every type. Each layout must be checked field by
/// field: a field added to a declaration without its line here fails.
/// </summary>
public sealed class GeneratedHestLayoutTests
{
    private static readonly HestSourceType[] s_allTypes =
    [
        HestSourceType.Ia32MachineCheck, HestSourceType.Ia32CorrectedMachineCheck, HestSourceType.Ia32Nmi, HestSourceType.PcieRootPortAer,
        HestSourceType.PcieDeviceAer, HestSourceType.PcieBridgeAer, HestSourceType.Ghes, HestSourceType.GhesV2, HestSourceType.Ia32DeferredMachineCheck,
    ];

    [Fact]
    public void Error_source_views_agree_with_the_describer_and_the_models_on_the_proliant_table()
    {
        var seen = CheckTable(HestTestData.ProLiant(), "ProLiant");
        Assert.Equal([HestSourceType.PcieRootPortAer, HestSourceType.PcieDeviceAer, HestSourceType.PcieBridgeAer], seen.Order());
    }

    [Fact]
    public void Error_source_views_agree_with_the_describer_and_the_models_for_every_type()
    {
        var table = HestTestData.AllTypes().Encode();
        var seen = CheckTable(table, "all types");
        seen.UnionWith(CheckTable(HestPresets.QemuVirtArm().Build(0x7FFF_0000).TableBytes, "QEMU virt"));
        Assert.Equal(s_allTypes.Order(), seen.Order());
        // Enabled 2 in every type that has the byte (ACPI 6.5 §18.3.2: 1 enabled, 0 disabled; other values kept as they
        // are): the hand-written reader calls it enabled, the view, the describer and the model give the 2.
        var enabled2 = HestTestData.Mutate(table, b =>
        {
            var sources = HestTable.Read(table).GetEnumerator();
            while (sources.MoveNext())
                if (sources.Current.Type != HestSourceType.Ia32Nmi) b[sources.Current.Offset + HestSourceHeaderDeclaration.Declared.EnabledOffset] = 2;
        });
        Assert.Equal(s_allTypes.Order(), CheckTable(enabled2, "all types, enabled 2").Order());
    }

    [IaslFact]
    public void Error_source_views_agree_with_the_describer_on_the_iasl_template()
    {
        using var iasl = new Iasl();
        var aml = iasl.CompileTemplate("HEST");
        var seen = CheckTable(aml, "iasl template");
        Assert.True(seen.Count >= 6, string.Join(", ", seen));
    }

    [Fact]
    public void Table_layouts_are_the_declared_ones()
    {
        Assert.Same(HardwareErrorNotificationDeclaration.LayoutDef, HestLayouts.Notification);
        Assert.Same(MachineCheckBankDeclaration.LayoutDef, HestLayouts.Bank);
        Assert.Same(GhesV2Declaration.LayoutDef, HestLayouts.Kinds[HestSourceType.GhesV2].Layout);
        // The one size Hest cannot take from a declaration: the block header is declared in Ghes, which references Hest.
        Assert.Equal(GenericErrorStatus.BlockHeaderSize, HestLayouts.GenericErrorStatusBlockHeaderSize);
        Assert.Same(ErrorStatusBlockHeaderDeclaration.LayoutDef, GenericErrorStatus.BlockLayout);
        Assert.Same(ErrorDataEntryHeaderDeclaration.LayoutDef, GenericErrorStatus.EntryLayout);
        Assert.Same(BertDeclaration.LayoutDef, BertTable.Layout);
    }

    [Fact]
    public void Error_status_block_and_entry_views_agree_with_the_describer_and_the_hand_written_views()
    {
        // The BERT fixture's region (a real capture's blocks) and a built block with two entries of both header revisions.
        var region = GhesTestBlocks.BertRegionBytes;
        var recorder = new FieldRecorder();
        BertDescriber.Describe(GhesTestBlocks.BertTableBytes, 0, region, 48, recorder, "BERT");
        int blocks = CheckBlocks(region, 48, recorder, "BERT fixture");
        Assert.True(blocks >= 1);

        var built = GhesTestBlocks.TwoEntryBytes();
        var r2 = new FieldRecorder();
        ErrorStatusBlockDescriber.Describe(built, 0, r2, "block");
        Assert.Equal(1, CheckBlocks(built, 0, r2, "two entries"));
    }

    [Fact]
    public void Bert_body_view_agrees_with_the_describer_and_the_hand_written_view()
    {
        var table = GhesTestBlocks.BertTableBytes;
        var recorder = new FieldRecorder();
        BertDescriber.Describe(table, 0, default, 0, recorder, "BERT");
        var t = BertTable.Read(table);
        var model = new BertDeclaration(table);
        var c = new Checker(BertDeclaration.LayoutDef, 0, table, recorder, "BERT", model.Bytes);
        c.AgreeEvery(table, ("bootErrorRegionLength", t.RegionLength), ("bootErrorRegion", t.RegionAddress));
        c.AssertEveryFieldChecked();
        Assert.Equal(model.BootErrorRegion, t.RegionAddress);
    }

    [Fact]
    public void Einj_structure_views_agree_with_the_describer_and_the_spec_offsets()
    {
        // SET_ERROR_TYPE_WITH_ADDRESS (ACPI 6.5 Table 18.31) with the EINJv2 extension after it and a vendor extension
        // (Table 18.32) at 0x70, written at the offsets the tables give (literals here, not the declaration's).
        var b = new byte[0x80];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b, 0x8000_0010);            // Error Type: memory UE non-fatal | vendor
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), 0x70);         // Vendor Error Type Extension Structure Offset
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), 0xF);          // Flags, bit 3 EINJv2
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), 0x17);        // APIC ID
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(16), 0x1_2345_6000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(24), 0xFFFF_FFFF_FFFF_F000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(32), 0x0001_0800); // SBDF
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(36), 8 + 32);      // EINJv2 Length
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(40), 1);           // Revision
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(42), 1);           // Component Array Count
        b[44] = 0x11; b[60] = 0x22;                                                                 // component id, syndrome
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(0x70), 16);        // vendor: Length
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(0x74), 0x0002_1000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x78), 0x8086);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x7A), 0x1234);
        b[0x7C] = 3;
        var recorder = new FieldRecorder();
        EinjStructures.DescribeSetErrorTypeWithAddress(b, 0x1000, recorder);

        var c = new Checker(EinjStructures.SetErrorTypeWithAddress, 0x1000, b.AsSpan(0, 36), recorder, "SET_ERROR_TYPE_WITH_ADDRESS", b[..36]);
        c.AgreeEvery(b.AsSpan(0, 36), ("errorType", 0x8000_0010), ("vendorErrorTypeExtensionOffset", 0x70), ("flags", 0xF), ("processorId", 0x17),
            ("memoryAddress", 0x1_2345_6000), ("memoryAddressRange", 0xFFFF_FFFF_FFFF_F000), ("pcieSbdf", 0x0001_0800));
        c.AssertEveryFieldChecked();

        c = new Checker(EinjStructures.Einjv2Header, 0x1000 + 36, b.AsSpan(36, 8), recorder, "EINJv2", b[36..44]);
        c.AgreeEvery(b.AsSpan(36, 8), ("length", 40), ("revision", 1), ("componentArrayCount", 1));
        c.AssertEveryFieldChecked();

        Assert.True(Einjv2ComponentView.TryRead(b.AsSpan(44, 32), out var k));
        c = new Checker(EinjStructures.Einjv2Component, 0x1000 + 44, b.AsSpan(44, 32), recorder, "EINJv2 component", b[44..76]);
        c.AgreeBytes(Einjv2ComponentDeclaration.ComponentIdField, k.HasComponentId, b.AsSpan(44, 16), k.ComponentId);
        c.AgreeBytes(Einjv2ComponentDeclaration.ComponentSyndromeField, k.HasComponentSyndrome, b.AsSpan(60, 16), k.ComponentSyndrome);
        c.AssertEveryFieldChecked();
        Assert.Equal(0x11, k.ComponentId[0]);
        Assert.Equal(0x22, k.ComponentSyndrome[0]);

        c = new Checker(EinjStructures.VendorExtension, 0x1070, b.AsSpan(0x70, 16), recorder, "vendor extension", b[0x70..]);
        c.AgreeEvery(b.AsSpan(0x70, 16), ("length", 16), ("sbdf", 0x0002_1000), ("vendorId", 0x8086), ("deviceId", 0x1234), ("revisionId", 3));
        c.AssertEveryFieldChecked();
    }

    [Fact]
    public void Trigger_table_header_view_agrees_with_the_describer_and_the_spec_offsets()
    {
        // Built by ApeiKit, then read back at Table 18.33's offsets (literals) as well as through the view and describer.
        var entry = new InstructionEntry { Action = 0xFF, Instruction = 0x03, Register = GenericAddress.SystemMemory64(0x1000), Value = 1, Mask = 0xFF };
        var t = EinjStructures.BuildTriggerTable([entry, entry]);
        var recorder = new FieldRecorder();
        EinjStructures.DescribeTriggerTable(t, 0, recorder);
        Assert.True(TriggerHeaderView.TryRead(t, out var h));
        var c = new Checker(EinjStructures.TriggerHeader, 0, t.AsSpan(0, 16), recorder, "trigger header", t[..16]);
        c.AgreeEvery(t.AsSpan(0, 16), ("headerSize", BinaryPrimitives.ReadUInt32LittleEndian(t)), ("revision", BinaryPrimitives.ReadUInt32LittleEndian(t.AsSpan(4))),
            ("tableSize", BinaryPrimitives.ReadUInt32LittleEndian(t.AsSpan(8))), ("entryCount", BinaryPrimitives.ReadUInt32LittleEndian(t.AsSpan(12))));
        c.AssertEveryFieldChecked();
        Assert.Equal((16u, 16u + 2 * 32u, 2u), (h.HeaderSize, h.TableSize, h.EntryCount));
    }

    [Fact]
    public void Action_table_views_agree_with_the_describer_and_the_models()
    {
        // The real ERST of fwts' regression data (Intel S5520UR), QEMU's ERST and ApeiKit's default EINJ.
        var fwts = ActionTableTests.FwtsErst();
        Assert.Equal(16, CheckActionTable(fwts, "fwts ERST"));
        Assert.True(CheckActionTable(ActionTableTests.QemuErst(), "QEMU ERST") > 0);
        Assert.True(CheckActionTable(ActionTableTests.DefaultEinj(), "default EINJ") > 0);
        // Both declarations put the header size and entry count where the spec does (ACPI 6.5 Table 18.22 for ERST,
        // Table 18.27 for EINJ): header size at 36, entry count at 44, the entries from 48.
        Assert.Equal((36, 44, 48), (ErstHeaderDeclaration.Declared.SerializationHeaderSizeOffset, ErstHeaderDeclaration.Declared.InstructionEntryCountOffset, ErstHeaderDeclaration.Declared.Size));
        Assert.Equal((36, 44, 48), (EinjHeaderDeclaration.Declared.InjectionHeaderSizeOffset, EinjHeaderDeclaration.Declared.InjectionEntryCountOffset, EinjHeaderDeclaration.Declared.Size));
        // Known entries of fwts' ERST (Intel S5520UR), read from its acpidump text: the header says 48 and 16, entry 0
        // is BEGIN_WRITE_OPERATION (0) by WRITE_REGISTER_VALUE (3) of 2 to the 64-bit system memory register at
        // 0xBF623018, mask 0xFFFF; entry 2 writes 3 there (BEGIN_CLEAR_OPERATION, 2); entry 15 is action 15 by
        // READ_REGISTER (0) of 0xBF623060 with an all-ones mask.
        var t = ActionTable.Read(fwts);
        Assert.Equal((48u, 16u), (t.HeaderSize, t.EntryCount));
        Assert.Equal((0, 3, 0, 0xBF623018UL, 2UL, 0xFFFFUL), Entry(fwts, 0));
        Assert.Equal((2, 3, 0, 0xBF623018UL, 3UL, 0xFFFFUL), Entry(fwts, 2));
        Assert.Equal((15, 0, 0, 0xBF623060UL, 0UL, ulong.MaxValue), Entry(fwts, 15));
        Assert.Equal((0, 64), ((int)fwts[48 + 4], (int)fwts[48 + 5])); // entry 0's GAS: system memory, 64 bits
    }

    [IaslTheory]
    [InlineData("ERST", 16)]
    [InlineData("EINJ", 8)] // iasl's EINJ template declares 10 entries and holds 8
    public void Action_table_views_agree_with_the_describer_on_the_iasl_templates(string signature, int entries)
    {
        using var iasl = new Iasl();
        var aml = iasl.CompileTemplate(signature);
        Assert.Equal(entries, CheckActionTable(aml, "iasl " + signature));
    }

    // Every entry's fields through InstructionEntryView, the header's through its table's view: against the describer's
    // walk, the public reader (ActionTable, InstructionEntry) and the model. Returns the entries checked.
    private static int CheckActionTable(byte[] table, string where)
    {
        var recorder = new FieldRecorder();
        ActionTableDescriber.Describe(table, 0, recorder);
        var t = ActionTable.Read(table);
        var model = ActionTableModel.Decode(table);
        var header = table.AsSpan(0, ActionTableLayouts.TableHeaderSize);
        var c = new Checker(t.Kind.HeaderLayout, 0, header, recorder, where + " header", header.ToArray());
        if (t.Kind == ActionTableKind.Erst)
            c.AgreeEvery(header, ("serializationHeaderSize", t.HeaderSize), ("instructionEntryCount", t.EntryCount));
        else
            c.AgreeEvery(header, ("injectionHeaderSize", t.HeaderSize), ("injectionFlags", t.InjectionFlags), ("injectionEntryCount", t.EntryCount));
        c.AssertEveryFieldChecked();
        int n = Math.Min(t.EntriesPresent, (int)t.EntryCount);
        for (int i = 0; i < n; i++)
        {
            var bytes = t.EntryBytes(i);
            long at = ActionTable.EntryOffset(i);
            Assert.True(InstructionEntryView.TryRead(bytes, out var v));
            var e = InstructionEntry.Read(bytes);
            var m = model.Entries[i];
            var layout = t.Kind.EntryLayout;
            var ec = new Checker(layout, at, bytes, recorder, $"{where} entry {i}", bytes.ToArray());
            ec.Agree(layout.Fields.Single(f => f.Json == "action"), v.HasAction, v.Action, m.Action);
            ec.Agree(layout.Fields.Single(f => f.Json == "instruction"), v.HasInstruction, v.Instruction, m.Instruction);
            ec.Agree(layout.Fields.Single(f => f.Json == "flags"), v.HasFlags, v.Flags, m.Flags);
            ec.Agree(layout.Fields.Single(f => f.Json == "value"), v.HasValue, v.Value, m.Value);
            ec.Agree(layout.Fields.Single(f => f.Json == "mask"), v.HasMask, v.Mask, m.Mask);
            ec.AssertEveryFieldChecked();
            // The register region: a nested GAS, described as an object at its declared offset.
            Assert.Equal(m.Register, GenericAddress.Read(v.RegisterRegion));
            Assert.Equal(e, m);
            Assert.Equal(m.Register.Address, recorder.Value(GenericAddress.Layout.Fields.Single(f => f.Json == "address"), at + InstructionEntryDeclaration.RegisterRegionField.Offset));
            // And against reads at the spec's offsets, not the declaration's (ACPI 6.5 Table 18.24 / 18.29; the register
            // region is a GAS, §5.2.3.2: space 0, bit width 1, bit offset 2, access size 3, address 4).
            var literal = Entry(table, i);
            Assert.Equal(literal, ((int)v.Action, (int)v.Instruction, (int)v.Flags, GenericAddress.Read(v.RegisterRegion).Address, v.Value, v.Mask));
            Assert.Equal((literal.Action, literal.Instruction, literal.Flags, literal.Address, literal.Value, literal.Mask),
                ((int)m.Action, (int)m.Instruction, (int)m.Flags, m.Register.Address, m.Value, m.Mask));
            Assert.Equal((table[(int)at + 4], table[(int)at + 5], table[(int)at + 6], table[(int)at + 7]),
                (m.Register.AddressSpaceId, m.Register.BitWidth, m.Register.BitOffset, m.Register.AccessSize));
        }
        return n;
    }

    /// <summary>Instruction entry <paramref name="index"/> of an ERST or EINJ read at the spec's literal offsets (ACPI 6.5
    /// Table 18.22 / 18.27: entries from 48, 32 bytes each; Table 18.24 / 18.29: action 0, instruction 1, flags 2,
    /// register region 4 with its address at +4, value 16, mask 24).</summary>
    private static (int Action, int Instruction, int Flags, ulong Address, ulong Value, ulong Mask) Entry(byte[] table, int index)
    {
        var e = table.AsSpan(48 + 32 * index, 32);
        return (e[0], e[1], e[2], BinaryPrimitives.ReadUInt64LittleEndian(e[8..]), BinaryPrimitives.ReadUInt64LittleEndian(e[16..]), BinaryPrimitives.ReadUInt64LittleEndian(e[24..]));
    }

    [Fact]
    public void Declared_models_write_what_their_views_read()
    {
        var g = new GhesV2Declaration { Type = (ushort)HestSourceType.GhesV2, SourceId = 7, ReadAckPreserve = ~1UL, ReadAckWrite = 1, ErrorStatusBlockLength = 4096 };
        Assert.True(GhesV2View.TryRead(g.Bytes, out var v));
        Assert.Equal((ushort)7, v.SourceId);
        Assert.Equal(~1UL, v.ReadAckPreserve);
        Assert.Equal(4096u, v.ErrorStatusBlockLength);
        var source = HestSource.Decode(g.Bytes, out int n);
        Assert.Equal(92, n);
        Assert.Equal(1UL, ((GhesV2Source)source).ReadAckWrite);

        // The entry header's setters set their validation bits (bit 1 for the FRU text, named fruString).
        var e = new ErrorDataEntryHeaderDeclaration { FruText = "DIMM A1" };
        Assert.Equal(2, e.ValidationBits);
        Assert.True(ErrorDataEntryHeaderView.TryRead(e.Bytes, out var ev));
        Assert.True(ev.HasFruText);
        Assert.False(ev.HasFruId);
        Assert.Equal("DIMM A1"u8.ToArray(), ev.FruText[..7].ToArray());
        Assert.Equal(["fruId", "fruString", "timestamp"], GenericErrorStatus.EntryLayout.ValidationField!.FlagNames!.NamesOf(7));
    }

    // ---- HEST ----

    private static HashSet<HestSourceType> CheckTable(byte[] table, string where)
    {
        var recorder = new FieldRecorder();
        Assert.Equal(0, HestDescriber.Describe(table, 0, recorder));
        var view = HestTable.Read(table);
        Assert.Equal(view.ErrorSourceCount, (uint)recorder.Value(HestLayouts.ErrorSourceCountField, 0));
        var seen = new HashSet<HestSourceType>();
        var e = view.GetEnumerator();
        while (e.MoveNext())
        {
            var s = e.Current;
            seen.Add(s.Type);
            CheckSource(s, recorder, $"{where} source {e.Index} ({s.Type})");
        }
        Assert.Null(e.Error);
        return seen;
    }

    private static void CheckSource(HestErrorSource s, FieldRecorder recorder, string where)
    {
        var fixedPart = s.Bytes[..s.Kind.FixedSize];
        var model = HestSource.From(s);
        var c = new Checker(s.Kind.Layout, s.Offset, fixedPart, recorder, where, model.ToArray(), model.GetField);
        // Each field's HasX and X of the type's generated view (GHES's reserved flags byte included) against the walk, the
        // model and the hand-written view.
        var view = GeneratedView.Read(s.Kind.Layout, fixedPart, where);
        foreach (var a in view.Values)
        {
            var (handWritten, asBool) = HandWritten(s, model, a.Field.Json, where);
            c.Agree(a.Field, a.Has, a.Number, handWritten, asBool: asBool || a.Accessor.IsBool);
        }
        if (model is PcieAerSource aer)
        {
            // The Bus field's bit fields: bus number and segment (ACPI 6.5 Table 18.10).
            var bus = view.Values.Single(a => a.Field.Json == "bus");
            ulong value = bus.Number;
            Assert.Equal(aer.BusNumber, (byte)bus.Field.BitFields![0].Extract(value));
            Assert.Equal(aer.Segment, (ushort)bus.Field.BitFields![1].Extract(value));
        }
        c.AssertEveryFieldChecked();
        if (s.HasNotification) CheckNotification(s, recorder, where);
        for (int i = 0; i < s.BankCount; i++) CheckBank(s, i, recorder, $"{where} bank {i}");
    }

    /// <summary>
    /// Error source field <paramref name="json"/> as the hand-written reader (<see cref="HestErrorSource"/>) or the type's
    /// model gives it, and whether it is a bool there (Enabled: any byte but 0 is enabled), to be compared as one.
    /// </summary>
    private static (ulong Value, bool AsBool) HandWritten(HestErrorSource s, HestSource m, string json, string where) => (json, m) switch
    {
        ("type", _) => ((ulong)s.Type, false),
        ("sourceId", _) => (s.SourceId, false),
        ("numberOfRecordsToPreAllocate", _) => (s.NumberOfRecordsToPreAllocate, false),
        ("maxSectionsPerRecord", _) => (s.MaxSectionsPerRecord, false),
        ("enabled", _) => (s.Enabled ? 1UL : 0, true),
        ("flags", _) => ((ulong)s.Flags, false), // the machine check and AER flags, GHES's reserved byte
        ("numberOfHardwareBanks", _) => ((ulong)s.BankCount, false),
        ("maxRawDataLength", _) => (s.MaxRawDataLength, false),
        ("relatedSourceId", _) => (s.RelatedSourceId, false),
        ("errorStatusBlockLength", _) => (s.ErrorStatusBlockLength, false),
        ("readAckPreserve", _) => (s.ReadAckPreserve, false),
        ("readAckWrite", _) => (s.ReadAckWrite, false),
        ("globalCapabilityInitData", Ia32MachineCheckSource mc) => (mc.GlobalCapabilityInitData, false),
        ("globalControlInitData", Ia32MachineCheckSource mc) => (mc.GlobalControlInitData, false),
        ("bus", PcieAerSource aer) => (aer.Bus, false),
        ("device", PcieAerSource aer) => (aer.Device, false),
        ("function", PcieAerSource aer) => (aer.Function, false),
        ("deviceControl", PcieAerSource aer) => (aer.DeviceControl, false),
        ("uncorrectableErrorMask", PcieAerSource aer) => (aer.UncorrectableErrorMask, false),
        ("uncorrectableErrorSeverity", PcieAerSource aer) => (aer.UncorrectableErrorSeverity, false),
        ("correctableErrorMask", PcieAerSource aer) => (aer.CorrectableErrorMask, false),
        ("advancedErrorCapabilitiesAndControl", PcieAerSource aer) => (aer.AdvancedErrorCapabilitiesAndControl, false),
        ("rootErrorCommand", PcieRootPortAerSource root) => (root.RootErrorCommand, false),
        ("secondaryUncorrectableErrorMask", PcieBridgeAerSource bridge) => (bridge.SecondaryUncorrectableErrorMask, false),
        ("secondaryUncorrectableErrorSeverity", PcieBridgeAerSource bridge) => (bridge.SecondaryUncorrectableErrorSeverity, false),
        ("secondaryAdvancedErrorCapabilitiesAndControl", PcieBridgeAerSource bridge) => (bridge.SecondaryAdvancedErrorCapabilitiesAndControl, false),
        _ => NoHandWritten(where, json, m),
    };

    private static (ulong, bool) NoHandWritten(string where, string json, HestSource m)
    {
        Assert.Fail($"{where}: no hand-written reading of {json} for a {m.GetType().Name}");
        return default;
    }

    private static void CheckNotification(HestErrorSource s, FieldRecorder recorder, string where)
    {
        int at = s.Kind.NotificationOffset;
        var bytes = s.Bytes.Slice(at, HestLayouts.NotificationSize);
        var n = s.Notification;
        var c = new Checker(HestLayouts.Notification, s.Offset + at, bytes, recorder, where + " notification", bytes.ToArray());
        c.AgreeEvery(bytes, ("type", (ulong)n.Type), ("length", n.Length), ("configurationWriteEnable", (ulong)n.ConfigurationWriteEnable),
            ("pollInterval", n.PollInterval), ("vector", n.Vector), ("switchToPollingThresholdValue", n.SwitchToPollingThresholdValue),
            ("switchToPollingThresholdWindow", n.SwitchToPollingThresholdWindow), ("errorThresholdValue", n.ErrorThresholdValue),
            ("errorThresholdWindow", n.ErrorThresholdWindow));
        c.AssertEveryFieldChecked();
    }

    private static void CheckBank(HestErrorSource s, int index, FieldRecorder recorder, string where)
    {
        var bytes = s.GetBank(index);
        var m = new MachineCheckBank(bytes);
        var c = new Checker(HestLayouts.Bank, s.Offset + s.Kind.FixedSize + (long)index * HestLayouts.BankSize, bytes, recorder, where, bytes.ToArray(), m.GetField);
        c.AgreeEvery(bytes, ("bankNumber", m.BankNumber), ("clearStatusOnInitialization", m.ClearStatusOnInitialization), ("statusDataFormat", m.StatusDataFormat),
            ("controlRegisterMsrAddress", m.ControlRegisterMsrAddress), ("controlInitData", m.ControlInitData), ("statusRegisterMsrAddress", m.StatusRegisterMsrAddress),
            ("addressRegisterMsrAddress", m.AddressRegisterMsrAddress), ("miscRegisterMsrAddress", m.MiscRegisterMsrAddress));
        c.AssertEveryFieldChecked();
    }

    // ---- GHES ----

    private static int CheckBlocks(byte[] region, long regionOffset, FieldRecorder recorder, string where)
    {
        int pos = 0, blocks = 0;
        while (region.Length - pos >= GenericErrorStatus.BlockHeaderSize)
        {
            if (ErrorStatusBlockView.TryRead(region.AsSpan(pos), out var block, out int used, out var error) != System.Buffers.OperationStatus.Done || block.IsEmpty) break;
            Assert.Null(error);
            var header = block.Bytes[..GenericErrorStatus.BlockHeaderSize];
            Assert.True(ErrorStatusBlockHeaderView.TryRead(header, out var v));
            var c = new Checker(GenericErrorStatus.BlockLayout, regionOffset + pos, header, recorder, $"{where} block {blocks}", header.ToArray());
            c.AgreeEvery(header, ("blockStatus", block.BlockStatus), ("rawDataOffset", block.RawDataOffset), ("rawDataLength", block.RawDataLength),
                ("dataLength", block.DataLength), ("errorSeverity", block.ErrorSeverity));
            Assert.Equal(block.DeclaredEntryCount, (int)ErrorStatusBlockHeaderDeclaration.BlockStatusField.BitFields![4].Extract(v.BlockStatus));
            c.AssertEveryFieldChecked();
            int entries = 0;
            foreach (var entry in block.Entries)
            {
                CheckEntry(entry, regionOffset + pos + entry.OffsetInBlock, recorder, $"{where} block {blocks} entry {entries}");
                entries++;
            }
            Assert.Equal(block.EntryCount, entries);
            pos += used;
            blocks++;
        }
        return blocks;
    }

    private static void CheckEntry(ErrorDataEntryView entry, long offset, FieldRecorder recorder, string where)
    {
        var header = entry.Header;
        Assert.True(ErrorDataEntryHeaderView.TryRead(header, out var v));
        var c = new Checker(GenericErrorStatus.EntryLayout, offset, header, recorder, where, header.ToArray());
        c.Validation(ErrorDataEntryHeaderDeclaration.ValidationBitsField, v.ValidationBits, entry.ValidationBits);
        c.AgreeBytes(ErrorDataEntryHeaderDeclaration.SectionTypeField, true, entry.SectionType.ToByteArray(), v.SectionType.ToByteArray());
        c.AgreeBytes(ErrorDataEntryHeaderDeclaration.FruIdField, v.HasFruId, entry.FruId.ToByteArray(), v.FruId.ToByteArray());
        c.AgreeBytes(ErrorDataEntryHeaderDeclaration.FruTextField, v.HasFruText, entry.FruTextBytes, v.FruText);
        // The timestamp is in the layout from revision 0x300 (72-byte header); a 64-byte header's view has none.
        Assert.Equal(entry.HasTimestampField, header.Length >= GenericErrorStatus.EntryHeaderSizeWithTimestamp);
        c.AgreeEvery(header, ("errorSeverity", entry.ErrorSeverity), ("revision", entry.Revision), ("flags", entry.Flags),
            ("errorDataLength", entry.ErrorDataLength), ("timestamp", entry.HasTimestampField ? entry.Timestamp.Raw : 0));
        c.AssertEveryFieldChecked();
    }

    /// <summary>One structure's readings: compares each view accessor with the describer, the structure's bytes and the model.</summary>
    private sealed class Checker(StructDef layout, long offset, ReadOnlySpan<byte> bytes, FieldRecorder recorder, string where, byte[] modelBytes,
        Func<string, ulong>? byName = null)
    {
        private readonly HashSet<string> _checked = [];
        private readonly int _length = bytes.Length;

        /// <summary>An integer field: the view's value and HasX against the hand-written reading, the model and the describer.</summary>
        public void Agree(FieldDef field, bool has, ulong view, ulong handWritten, bool asBool = false)
        {
            Assert.True(_checked.Add(field.Json), $"{where}: {field.Json} checked twice");
            Assert.Contains(field, layout.Fields);
            bool described = recorder.TryGet(offset + field.Offset, field.Json, out var d);
            // The describer reports every field the bytes reach, valid (these layouts have no validation bits but the entry's).
            Assert.True(described == field.End <= _length, $"{where}: {field.Json} described {described}, reached {field.End <= _length}");
            ulong describedValue = described ? FieldDef.ReadLittleEndian(d.Raw) : 0;
            ulong modelValue = field.End <= modelBytes.Length ? field.ReadValue(modelBytes) : 0;
            if (asBool)
            {
                view = view != 0 ? 1UL : 0;
                describedValue = describedValue != 0 ? 1UL : 0;
                modelValue = modelValue != 0 ? 1UL : 0;
            }
            Assert.True(view == describedValue, $"{where}: {field.Json} view {view} described {describedValue}");
            Assert.True(view == handWritten, $"{where}: {field.Json} view {view} hand-written {handWritten}");
            Assert.True(view == modelValue, $"{where}: {field.Json} view {view} model bytes {modelValue}");
            if (byName is not null && described)
            {
                ulong named = byName(field.Json);
                if (asBool) named = named != 0 ? 1UL : 0;
                Assert.True(view == named, $"{where}: {field.Json} view {view} model by name {named}");
            }
            Assert.True(has == (described && d.Valid), $"{where}: Has{field.Json} {has}, described valid {described && d.Valid}");
        }

        /// <summary>
        /// Every integer field of the layout through its generated view's HasX and X (<see cref="GeneratedView"/>), each
        /// held as <see cref="Agree"/> holds it, with <paramref name="handWritten"/>'s reading of it by JSON name (each one
        /// used once). Byte-range fields are the caller's (<see cref="AgreeBytes"/>); <see cref="AssertEveryFieldChecked"/> tells.
        /// </summary>
        public void AgreeEvery(ReadOnlySpan<byte> view, params (string Json, ulong Value)[] handWritten)
        {
            var reading = GeneratedView.Read(layout, view, where);
            var numbers = reading.Values.Where(a => !a.Accessor.IsBytes).ToList();
            Assert.Equal(numbers.Select(a => a.Field.Json).Order(StringComparer.Ordinal), handWritten.Select(h => h.Json).Order(StringComparer.Ordinal));
            foreach (var a in numbers)
                Agree(a.Field, a.Has, a.Number, handWritten.Single(h => h.Json == a.Field.Json).Value, asBool: a.Accessor.IsBool);
            // The byte ranges' bytes as read here (a GUID as its 16 bytes) are the described ones too.
            foreach (var a in reading.Values.Where(a => a.Accessor.IsBytes))
                Assert.True(!recorder.TryGet(offset + a.Field.Offset, a.Field.Json, out var d) || a.Bytes.AsSpan().SequenceEqual(d.Raw),
                    $"{where}: {a.Field.Json} generated view and described bytes differ");
        }

        /// <summary>A byte-range field (GUID, text): the view's bytes against the hand-written reading and the describer's.</summary>
        public void AgreeBytes(FieldDef field, bool has, ReadOnlySpan<byte> handWritten, ReadOnlySpan<byte> view)
        {
            Assert.True(_checked.Add(field.Json), $"{where}: {field.Json} checked twice");
            Assert.True(recorder.TryGet(offset + field.Offset, field.Json, out var d), $"{where}: {field.Json} not described");
            Assert.True(view.SequenceEqual(d.Raw), $"{where}: {field.Json} view and described bytes differ");
            Assert.True(view.SequenceEqual(handWritten), $"{where}: {field.Json} view and hand-written bytes differ");
            Assert.True(has == d.Valid, $"{where}: Has{field.Json} {has}, described valid {d.Valid}");
        }

        /// <summary>The validation field: the view's bits against the hand-written view's and the describer's.</summary>
        public void Validation(FieldDef field, ulong view, ulong handWritten)
        {
            Assert.Same(layout.ValidationField, field);
            Assert.True(recorder.TryGet(offset + field.Offset, field.Json, out var d));
            Assert.Equal(FieldDef.ReadLittleEndian(d.Raw), view);
            Assert.Equal(handWritten, view);
        }

        /// <summary>
        /// Every field but the validation bits was checked; of the reserved ones, those the layout's declaration names by a
        /// <c>[Field]</c> property (GHES's flags byte), which the generator gives a HasX/X pair. (A layout made from a
        /// declaration's, like an action table's entry with its kind's names, has no view of its own.)
        /// </summary>
        public void AssertEveryFieldChecked()
        {
            var declared = LayoutDeclarations.ByLayout.GetValueOrDefault(layout)?.Fields;
            var expected = layout.Fields.Where(f => f != layout.ValidationField && (f.Kind != FieldKind.Reserved || declared?.ContainsKey(f.Json) == true))
                .Select(f => f.Json).ToList();
            Assert.True(expected.Order(StringComparer.Ordinal).SequenceEqual(_checked.Order(StringComparer.Ordinal)),
                $"{where}: not checked: {string.Join(", ", expected.Except(_checked))}; checked, not expected: {string.Join(", ", _checked.Except(expected))}");
        }
    }

    /// <summary>Keeps every field the walk reports, by absolute offset and JSON name: its bytes and whether it was called valid.</summary>
    private sealed class FieldRecorder : SilentVisitor
    {
        private readonly Dictionary<(long, string), (byte[] Raw, bool Valid)> _fields = [];

        public bool TryGet(long offset, string json, out (byte[] Raw, bool Valid) field) => _fields.TryGetValue((offset, json), out field);

        public ulong Value(FieldDef field, long structureOffset)
            => TryGet(structureOffset + field.Offset, field.Json, out var f) ? FieldDef.ReadLittleEndian(f.Raw) : throw new InvalidOperationException($"{field.Json} not described");

        public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
            => _fields[(offset, field.Json)] = (raw.ToArray(), valid);
        protected override void OnError(ApeiContentException error) => throw error;
    }
}
