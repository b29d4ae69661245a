using ApeiKit.Cper;
using ApeiKit.Cper.Vendors;
using ApeiKit.Cper.Windows;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The generated zero-copy views (ApeiKit.Generators, from each layout's one declaration) against the readings they must
/// agree with and did not produce: <see cref="StructDef.Describe"/>'s walk through the section's codec (the raw bytes it
/// reports for each field, and whether it calls the field valid) and, for a fixed section, the editable model's field read
/// by JSON name. One table, one row per declared layout (a section, a variable section's fixed part, a block nested in a
/// section, or the record header and section descriptor, read from every fixture record); each row is run over every
/// section of its type in the fixtures (real captures and libcper's examples) and
/// over seeded random bodies, so every validation bit and trailing length occurs. A generated view's typed accessors are
/// found by each field's declaration and called through <see cref="GeneratedView"/> (a view is a ref struct, which
/// reflection cannot invoke); the test fails if a field of the layout has no HasX/X pair on the view.
/// </summary>
public sealed class GeneratedLayoutTests
{
    private delegate void ViewCheck(ReadOnlySpan<byte> body, Checker check);

    /// <summary>
    /// One declared layout: the section type whose bodies hold it, where (<paramref name="Part"/>: a byte field of the
    /// section, its block), the fewest bytes. Its generated view's typed accessors are found and read by
    /// <see cref="GeneratedView"/> (a field with no HasX/X pair fails); <paramref name="Check"/> holds what the view gives
    /// past its layout (arrays, logs, the model's text). <paramref name="Blocks"/>: byte fields the describer walks as a
    /// nested object; <paramref name="MaybeBlocks"/>: those it walks so when it knows their layout (by a format byte).
    /// <paramref name="Generated"/> false: a hand-written view, whose accessors <paramref name="Check"/> lists.
    /// <paramref name="InRecord"/>: a structure of the record itself (its header, a section descriptor), read from every
    /// fixture record and walked by its layout; <paramref name="Check"/> holds the public view's accessors to the walk.
    /// </summary>
    private sealed record Row(Guid Type, StructDef Layout, int Minimum, ViewCheck? Check = null, FieldDef? Part = null, bool InRecord = false,
        FieldDef[]? Blocks = null, FieldDef[]? MaybeBlocks = null, bool Generated = true);

    private static readonly Dictionary<string, Row> s_rows = new()
    {
        // The record header and section descriptor: each field through the public view (CperRecordHeader,
        // CperSectionDescriptor), whose accessors read through the generated view; HasX from the generated view.
        ["CPER record header"] = new(Guid.Empty, CperRecordHeader.Layout, CperRecordHeader.Size, (b, c) =>
        {
            Assert.True(CperRecordHeader.TryRead(b, out var h));
            Assert.True(CperRecordHeaderDeclarationView.TryRead(b[..CperRecordHeader.Size], out var v));
            Assert.True(h.Bytes.SequenceEqual(b[..CperRecordHeader.Size]));
            c.Validation(h.ValidationBits);
            c.AgreeBytes(CperRecordHeaderDeclaration.SignatureField, v.HasSignature, v.Signature);
            Assert.Equal(v.Signature.SequenceEqual("CPER"u8), h.HasSignature);
            c.Agree(CperRecordHeaderDeclaration.RevisionField, v.HasRevision, h.Revision);
            c.Agree(CperRecordHeaderDeclaration.SignatureEndField, v.HasSignatureEnd, h.SignatureEnd);
            c.Agree(CperRecordHeaderDeclaration.SectionCountField, v.HasSectionCount, h.SectionCount);
            c.Agree(CperRecordHeaderDeclaration.SeverityField, v.HasSeverity, h.Severity);
            c.Agree(CperRecordHeaderDeclaration.RecordLengthField, v.HasRecordLength, h.RecordLength);
            c.Agree(CperRecordHeaderDeclaration.TimestampField, v.HasTimestamp, h.Timestamp.Raw);
            c.AgreeBytes(CperRecordHeaderDeclaration.PlatformIdField, v.HasPlatformId, h.PlatformId.ToByteArray());
            c.AgreeBytes(CperRecordHeaderDeclaration.PartitionIdField, v.HasPartitionId, h.PartitionId.ToByteArray());
            c.AgreeBytes(CperRecordHeaderDeclaration.CreatorIdField, v.HasCreatorId, h.CreatorId.ToByteArray());
            Assert.Equal(h.CreatorId == CperGuids.CreatorWhea, h.IsWheaCreator);
            c.AgreeBytes(CperRecordHeaderDeclaration.NotificationTypeField, v.HasNotificationType, h.NotificationType.ToByteArray());
            c.Agree(CperRecordHeaderDeclaration.RecordIdField, v.HasRecordId, h.RecordId);
            c.Agree(CperRecordHeaderDeclaration.FlagsField, v.HasFlags, h.Flags);
            c.Agree(CperRecordHeaderDeclaration.PersistenceInformationField, v.HasPersistenceInformation, h.PersistenceInformation);
        }, InRecord: true),
        ["CPER section descriptor"] = new(Guid.Empty, CperSectionDescriptor.Layout, CperSectionDescriptor.Size, (b, c) =>
        {
            Assert.True(CperSectionDescriptor.TryRead(b, out var d));
            Assert.True(CperSectionDescriptorDeclarationView.TryRead(b[..CperSectionDescriptor.Size], out var v));
            Assert.True(d.Bytes.SequenceEqual(b[..CperSectionDescriptor.Size]));
            c.Validation(d.ValidationBits);
            c.Agree(CperSectionDescriptorDeclaration.SectionOffsetField, v.HasSectionOffset, d.SectionOffset);
            c.Agree(CperSectionDescriptorDeclaration.SectionLengthField, v.HasSectionLength, d.SectionLength);
            c.Agree(CperSectionDescriptorDeclaration.RevisionField, v.HasRevision, d.Revision);
            c.Agree(CperSectionDescriptorDeclaration.FlagsField, v.HasFlags, d.Flags);
            c.AgreeBytes(CperSectionDescriptorDeclaration.SectionTypeField, v.HasSectionType, d.SectionType.ToByteArray());
            Assert.True(d.SectionTypeBytes.SequenceEqual(d.SectionType.ToByteArray()));
            c.AgreeBytes(CperSectionDescriptorDeclaration.FruIdField, v.HasFruId, d.FruId.ToByteArray());
            c.Agree(CperSectionDescriptorDeclaration.SeverityField, v.HasSeverity, d.Severity);
            c.AgreeBytes(CperSectionDescriptorDeclaration.FruTextField, v.HasFruText, d.FruTextBytes);
            Assert.Equal(AsciiField.Decode(d.FruTextBytes), d.FruText);
        }, InRecord: true),
        // Each field of a generated view is read through its HasX/X accessors (GeneratedView) and held to the walk and the
        // model; a row's lambda checks only what lies past its layout or what the view adds.
        ["memory"] = new(CperGuids.PlatformMemory, MemoryErrorSection.LayoutDef, MemoryErrorSection.LegacySize),
        ["memory 2"] = new(CperGuids.PlatformMemory2, MemoryError2Section.LayoutDef, MemoryError2Section.Size),
        ["PCI bus"] = new(CperGuids.PciBus, PciBusErrorSection.LayoutDef, PciBusErrorSection.Size),
        ["processor generic"] = new(CperGuids.ProcessorGeneric, ProcessorGenericSection.LayoutDef, ProcessorGenericSection.Size, (b, c) =>
        {
            Assert.True(ProcessorGenericSectionView.TryRead(b, out var v));
            Assert.Equal(AsciiField.Decode(v.CpuBrandString), ((ProcessorGenericSection)c.Model!).CpuBrandString);
        }),
        ["DMAr generic"] = new(CperGuids.DmarGeneric, DmarGenericSection.LayoutDef, DmarGenericSection.Size),
        ["DMAr VT-d"] = new(CperGuids.DmarVtd, DmarVtdSection.LayoutDef, DmarVtdSection.Size),
        ["DMAr IOMMU"] = new(CperGuids.DmarIommu, DmarIommuSection.LayoutDef, DmarIommuSection.Size),
        ["Ampere"] = new(AmpereSection.SectionGuid, AmpereSection.LayoutDef, AmpereSection.Size),
        ["Windows PCIe DPC"] = new(CperGuids.WindowsPcieDpc, PcieDpcSection.LayoutDef, PcieDpcSection.Size),
        ["Windows recovery info"] = new(CperGuids.WindowsErrorRecoveryInfo, ErrorRecoveryInfoSection.LayoutDef, ErrorRecoveryInfoSection.MinimumSize, (b, c) =>
        {
            Assert.True(ErrorRecoveryInfoSectionView.TryRead(b, out var v));
            Assert.Equal(v.HasProcessName ? AsciiField.Decode(v.ProcessName) : "", ((ErrorRecoveryInfoSection)c.Model!).ProcessName);
        }),
        ["Windows Intel memory extension"] = new(CperGuids.WindowsMemoryErrorExtIntel, MemoryErrorExtIntelSection.LayoutDef, MemoryErrorExtIntelSection.Size),
        // The PCIe section's three blocks the describer walks as nested objects; each block's own fields in the rows after it.
        ["PCIe"] = new(CperGuids.PciExpress, PcieErrorSection.LayoutDef, PcieErrorSection.Size, Blocks: [PcieErrorSection.DeviceIdBlockField, PcieErrorSection.CapabilityStructureField, PcieErrorSection.AerInfoField]),
        ["PCIe device ID"] = new(CperGuids.PciExpress, PcieDeviceId.LayoutDef, PcieErrorSection.Size, Part: PcieErrorSection.DeviceIdBlockField),
        ["PCIe capability structure"] = new(CperGuids.PciExpress, PcieCapabilityStructure.LayoutDef, PcieErrorSection.Size, Part: PcieErrorSection.CapabilityStructureField),
        ["PCIe AER info"] = new(CperGuids.PciExpress, PcieAerInfo.LayoutDef, PcieErrorSection.Size, Part: PcieErrorSection.AerInfoField),
        ["PCI component"] = new(CperGuids.PciComponent, PciComponentErrorSection.LayoutDef, PciComponentErrorSection.HeaderSize, (b, c) =>
        {
            Assert.True(PciComponentErrorSectionView.TryRead(b, out var v));
            // The register pairs: as many as the describer walks, each read in place.
            int i = 0;
            foreach (var pair in v.RegisterPairs)
            {
                c.AgreeAt($"registerDataPairs.{i}.", PciComponentRegisterPair.AddressField, pair.Address);
                c.AgreeAt($"registerDataPairs.{i}.", PciComponentRegisterPair.ValueField, pair.Value);
                i++;
            }
            Assert.Equal(c.Count("registerDataPairs.", ".address"), i);
        }),
        ["CCIX PER"] = new(CperGuids.CcixPer, CcixPerSection.LayoutDef, CcixPerSection.HeaderSize, (b, c) =>
        {
            Assert.True(CcixPerSectionView.TryRead(b, out var v));
            c.AgreeData("ccixPerLog", v.PerLog);
        }),
        ["CXL protocol"] = new(CperGuids.CxlProtocol, CxlProtocolErrorSection.LayoutDef, CxlProtocolErrorSection.HeaderSize, (b, c) =>
        {
            Assert.True(CxlProtocolErrorSectionView.TryRead(b, out var v));
            c.AgreeData("cxlDvsec", v.Dvsec);
            c.AgreeData("cxlErrorLog", v.ErrorLog);
        }),
        ["CXL component"] = new(CperGuids.CxlGeneralMedia, CxlComponentEventSection.LayoutDef, CxlComponentEventSection.HeaderSize, (b, c) =>
        {
            Assert.True(CxlComponentEventSectionView.TryRead(b, out var v));
            // The event record in the log (CXL 2.0 8.2.9.1.1): its common header, and a general media record field by field,
            // where the describer walks them ("eventRecord"); the model's log is the view's.
            var model = ModelOrNull(b, body => CxlComponentEventSection.Decode(body, CperGuids.CxlGeneralMedia));
            if (model is not null) Assert.Equal(model.EventLog, v.EventLog.ToArray());
            Assert.Equal(c.Count("eventRecord.", ".eventRecordLength") == 1, v.HasEventRecordHeader);
            if (v.HasEventRecordHeader)
            {
                var h = v.EventRecordHeader;
                Assert.Equal(v.EventRecordType, h.EventRecordIdentifier);
                c.AgreeAt("eventRecord.", CxlEventRecordHeader.EventRecordLengthField, h.EventRecordLength);
                c.AgreeAt("eventRecord.", CxlEventRecordHeader.EventRecordFlagsField, h.EventRecordFlags);
                c.AgreeAt("eventRecord.", CxlEventRecordHeader.EventRecordHandleField, h.EventRecordHandle);
                c.AgreeAt("eventRecord.", CxlEventRecordHeader.RelatedEventRecordHandleField, h.RelatedEventRecordHandle);
                c.AgreeAt("eventRecord.", CxlEventRecordHeader.EventRecordTimestampField, h.EventRecordTimestamp);
                c.AgreeAt("eventRecord.", CxlEventRecordHeader.MaintenanceOperationClassField, h.MaintenanceOperationClass);
            }
            if (v.TryGetGeneralMediaEvent(out var gm))
            {
                c.AgreeAt("eventRecord.", CxlGeneralMediaEvent.PhysicalAddressField, gm.PhysicalAddress);
                c.AgreeAt("eventRecord.", CxlGeneralMediaEvent.ValidityFlagsField, gm.ValidationBits);
                c.AgreeAt("eventRecord.", CxlGeneralMediaEvent.ChannelField, gm.Channel);
                c.AgreeAt("eventRecord.", CxlGeneralMediaEvent.DeviceField, gm.Device);
            }
        }),
        // The header views; the error-information and context arrays after them are walked by the hand-written enumerators,
        // held to libcper's JSON and the model in ArmProcessorSectionViewTests and Ia32X64ProcessorSectionViewTests.
        ["ARM processor"] = new(CperGuids.ProcessorArm, ArmProcessorSection.LayoutDef, ArmProcessorSection.HeaderSize),
        ["IA32/X64 processor"] = new(CperGuids.ProcessorIa32X64, Ia32X64ProcessorSection.LayoutDef, Ia32X64ProcessorSection.HeaderSize),
        ["NVIDIA"] = new(NvidiaSection.SectionGuid, NvidiaSection.LayoutDef, NvidiaSection.HeaderSize, (b, c) =>
        {
            // No validation bits: every field the body reaches holds meaning.
            Assert.True(NvidiaSectionView.TryRead(b, out var v));
            // The register entries: as many as the describer walks, each read in place; and the model, when it takes the body.
            var model = ModelOrNull(b, body => NvidiaSection.Decode(body));
            Assert.Equal(model is not null, v.RegistersComplete);
            int i = 0;
            foreach (var r in v.Registers)
            {
                c.AgreeAt($"registers.{i}.", NvidiaRegister.AddressField, r.Address);
                c.AgreeAt($"registers.{i}.", NvidiaRegister.ValueField, r.Value);
                if (model is not null) Assert.Equal(model.Registers[i], (r.Address, r.Value));
                i++;
            }
            Assert.Equal(c.Count("registers.", ".address"), i);
            c.AgreeData("trailingBytes", v.TrailingBytes);
            if (model is not null)
            {
                Assert.Equal(model.Registers.Count, i);
                Assert.Equal(model.TrailingBytes, v.TrailingBytes.ToArray());
                Assert.Equal(model.SignatureBytes, v.Signature.ToArray());
                Assert.Equal((model.ErrorType, model.ErrorInstance, model.Severity, model.Socket, model.InstanceBase),
                    (v.ErrorType, v.ErrorInstance, v.Severity, v.Socket, v.InstanceBase));
            }
        }),
        ["ARM RAS"] = new(ArmRasSection.SectionGuid, ArmRasSection.LayoutDef, ArmRasSection.NodeSize, MaybeBlocks: [ArmRasSection.IpInstanceField, ArmRasSection.IpTypeField], Check: (b, c) =>
        {
            // The node header (no validation bits); the syndromes and auxiliary data through the hand-written enumerators,
            // held to the walk (AgreeAt) and to the model; ArmRasSectionViewTests holds them to libcper's JSON.
            Assert.True(ArmRasSectionView.TryRead(b, out var v));
            var model = ModelOrNull(b, body => ArmRasSection.Decode(body));
            Assert.Equal(model is not null, v.PartsFit);
            int i = 0;
            foreach (var d in v.Syndromes)
            {
                string at = $"errorSyndromes.{i}.";
                c.AgreeAt(at, ArmRasSyndrome.ErrorRecordIndexField, d.ErrorRecordIndex);
                c.AgreeAt(at, ArmRasSyndrome.RasExtensionField, d.RasExtension);
                c.AgreeAt(at, ArmRasSyndrome.ErrFrField, d.ErrFr);
                c.AgreeAt(at, ArmRasSyndrome.ErrCtlrField, d.ErrCtlr);
                c.AgreeAt(at, ArmRasSyndrome.ErrStatusField, d.ErrStatus);
                c.AgreeAt(at, ArmRasSyndrome.ErrAddrField, d.ErrAddr);
                c.AgreeAt(at, ArmRasSyndrome.ErrMisc0Field, d.ErrMisc0);
                c.AgreeAt(at, ArmRasSyndrome.ErrMisc1Field, d.ErrMisc1);
                c.AgreeAt(at, ArmRasSyndrome.ErrMisc2Field, d.ErrMisc2);
                c.AgreeAt(at, ArmRasSyndrome.ErrMisc3Field, d.ErrMisc3);
                var m = model!.Syndromes[i];
                Assert.Equal((m.ErrorRecordIndex, m.RasExtension, m.ErrFr, m.ErrStatus, m.ErrMisc3), (d.ErrorRecordIndex, d.RasExtension, d.ErrFr, d.ErrStatus, d.ErrMisc3));
                i++;
            }
            Assert.Equal(c.Count("errorSyndromes.", ".errorRecordIndex"), i);
            Assert.Equal(model?.Syndromes.Count ?? 0, i);
            Assert.Equal(model?.AuxiliaryData is not null, v.HasAuxiliaryData);
            if (!v.HasAuxiliaryData) return;
            var aux = v.AuxiliaryData;
            c.AgreeAt("auxiliaryData.", ArmRasAuxiliaryData.VersionField, aux.Version);
            Assert.Equal(model!.AuxiliaryData!.Version, aux.Version);
            int k = 0;
            foreach (var context in aux.Contexts)
            {
                string at = $"auxiliaryData.contexts.{k}.";
                c.AgreeAt(at, ArmRasContext.FlagsField, context.Flags);
                c.AgreeAt(at, ArmRasContext.AddressSpaceIdentifierField, context.AddressSpaceIdentifier);
                var m = model.AuxiliaryData.Contexts[k];
                Assert.Equal((m.Flags, m.AddressSpaceIdentifier), (context.Flags, context.AddressSpaceIdentifier));
                int r = 0;
                foreach (var register in context.Registers)
                {
                    c.AgreeAt($"{at}registers.{r}.", ArmRasRegister.AddressField, register.Address);
                    c.AgreeAt($"{at}registers.{r}.", ArmRasRegister.ValueField, register.Value);
                    Assert.Equal(m.Registers[r], (register.Address, register.Value));
                    r++;
                }
                Assert.Equal(m.Registers.Count, r);
                k++;
            }
            Assert.Equal(model.AuxiliaryData.Contexts.Count, k);
            int n = 0;
            foreach (var pair in aux.Pairs)
            {
                c.AgreeAt($"auxiliaryData.keyValuePairs.{n}.", ArmRasKeyValuePair.ValueField, pair.Value);
                Assert.Equal(model.AuxiliaryData.Pairs[n], (pair.Key, pair.Value));
                n++;
            }
            Assert.Equal(model.AuxiliaryData.Pairs.Count, n);
        }),
        ["firmware error record reference"] = new(CperGuids.FirmwareErrorRecordReference, FirmwareErrorRecordReferenceSection.LayoutDef, FirmwareErrorRecordReferenceSection.Size, Generated: false, Check: (b, c) =>
        {
            // Hand-written over the generated statics: the revision decides whether bytes 16-31 are the GUID or payload.
            Assert.True(FirmwareErrorRecordReferenceSectionView.TryRead(b, out var v));
            c.Agree(FirmwareErrorRecordReferenceSection.RecordTypeField, true, v.RecordType);
            c.Agree(FirmwareErrorRecordReferenceSection.RevisionField, true, v.Revision);
            c.Agree(FirmwareErrorRecordReferenceSection.RecordIdentifierField, true, v.RecordIdentifier);
            c.AgreeBytes(FirmwareErrorRecordReferenceSection.RecordIdentifierGuidField, v.HasRecordIdentifierGuid, v.HasRecordIdentifierGuid ? v.RecordIdentifierGuid.ToByteArray() : []);
            c.AgreeData("payload", v.Payload);
        }),
        // The event header view; the event information and the contexts after it are walked by the hand-written part,
        // held to libcper's JSON and the model in NvidiaEventSectionViewTests.
        ["NVIDIA event"] = new(NvidiaEventSection.SectionGuid, NvidiaEventSection.LayoutDef, NvidiaEventSection.HeaderSize + NvidiaEventSection.InfoHeaderSize),
    };

    public static TheoryData<string> Layouts => [.. s_rows.Keys];

    /// <summary>Rows whose section no fixture holds (checked over the seeded random bodies only); every other row must meet a real one.</summary>
    private static readonly HashSet<string> s_noFixtures = [];

    [Theory]
    [MemberData(nameof(Layouts))]
    public void View_agrees_with_the_describer_and_the_model(string layout)
    {
        var row = s_rows[layout];
        // The block fields are the layout's own FieldDefs (by reference: a field of another layout, or a copy, is none of them).
        foreach (var block in (row.Blocks ?? []).Concat(row.MaybeBlocks ?? []))
            Assert.True(row.Layout.Fields.Any(f => ReferenceEquals(f, block)), $"{layout}: block {block.Json} is not a field of {row.Layout.Name}");
        int fixtures = 0;
        foreach (var (where, body) in row.InRecord ? RecordStructures(row.Layout) : FixtureSections.OfType(row.Type))
        {
            if (body.Length < row.Minimum) continue;
            One(row, where, body);
            fixtures++;
        }
        var random = new Random(12);
        int size = row.Part is null ? row.Layout.Size : row.Minimum;
        for (int i = 0; i < 64; i++)
        {
            // Lengths from the shortest the section accepts to 8 bytes past the layout (trailing bytes kept).
            var body = new byte[random.Next(row.Minimum, size + 9)];
            random.NextBytes(body);
            if (i % 4 == 0) body.AsSpan(0, Math.Min(8, body.Length)).Clear(); // no validation bits at all, now and then
            One(row, $"random body {i} ({body.Length} bytes)", body);
        }
        Assert.True(fixtures > 0 || s_noFixtures.Contains(layout), $"{layout}: no fixture holds this section any more (if that is meant, name it in s_noFixtures)");
        Assert.False(fixtures > 0 && s_noFixtures.Contains(layout), $"{layout}: {fixtures} fixture sections now hold it: take it out of s_noFixtures");
    }

    [Fact]
    public void Every_declared_layout_has_its_row()
    {
        // Every [Layout] declaration in the Cper assembly (found in its metadata) is a row's layout: a new declaration
        // without a row fails here.
        var declared = LayoutDeclarations.In(typeof(CperSections).Assembly).Select(d => d.Layout.Name).Order(StringComparer.Ordinal);
        // The ARM error-information entry and context header repeat at offsets the section's counts decide, not at a field of
        // the section: ArmProcessorSectionViewTests (and Ia32X64ProcessorSectionViewTests) holds their views to libcper's JSON and to the model on every fixture.
        // The NVIDIA event context header and the structures after the event header (information header and CPU/GPU
        // information at the end the information size gives, context data by format) likewise: NvidiaEventSectionViewTests,
        // the snapshots and LibCperCompatTests (libcper's own output) hold them.
        // An NVIDIA register entry repeats after the header: the NVIDIA row holds each one to the walk (AgreeAt).
        // The ARM RAS IP instance and IP type forms are chosen by a format byte, and its syndromes, auxiliary data, contexts,
        // registers and pairs lie where counts and offsets say: the ARM RAS row holds them to the walk (AgreeAt, the IP
        // instance/type as the describer's nested object) and ArmRasSectionViewTests to libcper's JSON.
        string[] armRas = [ArmRasPeInstance.LayoutDef.Name, ArmRasSystemAddressInstance.LayoutDef.Name, ArmRasLocalAddressInstance.LayoutDef.Name,
            ArmRasPeIpType.LayoutDef.Name, ArmRasSyndrome.LayoutDef.Name, ArmRasAuxiliaryData.LayoutDef.Name, ArmRasContext.LayoutDef.Name,
            ArmRasRegister.LayoutDef.Name, ArmRasKeyValuePair.LayoutDef.Name];
        // The CXL event records lie in the component event log, not at a field of the section: the CXL component row holds
        // the header and general media record to the walk, VariableSectionViewTests every record type to CXL 2.0's offsets.
        string[] cxl = [CxlEventRecordHeader.LayoutDef.Name, CxlGeneralMediaEvent.LayoutDef.Name, CxlDramEvent.LayoutDef.Name, CxlMemoryModuleEvent.LayoutDef.Name];
        // The Windows XPF MCA section's layout depends on its version, CPU vendor and length (variants, counted arrays, the AMD
        // register view or XPF_RECOVERY_INFO where the version says): XpfMcaSectionViewTests holds its view to the model and the
        // describer's values on the real captures, every version form and every truncation.
        string[] xpf = [XpfMcaSection.LayoutDef.Name, XpfMcaSection.RecoveryInfoDef.Name, XpfMcaSection.AmdExtendedRegistersDef.Name];
        // The IA32/X64 check information is the error-information entry's CheckInfo read as its error type: the snapshots, the
        // IA32/X64 libcper examples and fixtures/libcper-walk hold its four declarations.
        string[] ia32Checks = [Ia32X64CacheCheck.LayoutDef.Name, Ia32X64TlbCheck.LayoutDef.Name, Ia32X64BusCheck.LayoutDef.Name, Ia32X64MsCheck.LayoutDef.Name];
        // The ARM cache/TLB/bus error information is an error-information entry's bytes 8-15 read by its kind:
        // ArmProcessorSection.ErrorInformationField(kind) carries its bit fields into the entry the ARM rows and snapshots
        // hold, and the libcper pairs hold its libcper members (fixtures/libcper-walk arm-bus-error and arm-bus-access-mode
        // the bus members, libcper's own output).
        string[] armInfo = [ArmCacheErrorInformation.LayoutDef.Name, ArmTlbErrorInformation.LayoutDef.Name, ArmBusErrorInformation.LayoutDef.Name];
        string[] elsewhere = [.. armRas, .. cxl, .. xpf, .. ia32Checks, .. armInfo, NvidiaRegister.LayoutDef.Name, ArmErrorInfo.LayoutDef.Name, ArmContextInfo.LayoutDef.Name, Ia32X64ErrorInfo.LayoutDef.Name, Ia32X64ContextInfo.LayoutDef.Name,
            NvidiaEventContext.LayoutDef.Name, NvidiaEventSection.InfoHeaderLayout.Name, NvidiaEventSection.CpuInfoLayout.Name, NvidiaEventSection.GpuInfoLayout.Name,
            NvidiaEventSection.GpuInitMetadataLayout.Name, NvidiaEventSection.RecommendedActionsLayout.Name, NvidiaGpuLegacyXid.LayoutDef.Name,
            .. NvidiaEventSection.ArrayElementLayouts.Select(l => l.Name),
            // libcper's reading of an NVIDIA section's entries under a FWERROR signature: only the libcper dialect reads it
            // (fixtures/libcper-walk nvidia-fwerror pairs, libcper's own output).
            NvidiaFwError.LayoutDef.Name];
        Assert.Equal(declared.Except(elsewhere), s_rows.Values.Select(r => r.Layout.Name).Where(n => n != "Register pair").Append("Register pair").Order(StringComparer.Ordinal));
    }

    // UEFI 2.10 Table N-2 (Error Record Header) and Table N-5 (Section Descriptor) as the spec lists them: each field's
    // name, byte offset and byte length, and what each validation bit says is valid.
    private static readonly Dictionary<string, ((string Name, int Offset, int Length)[] Table, string[] ValidationBits)> s_specTables = new()
    {
        ["CPER record header"] = ([
            ("Signature Start", 0, 4), ("Revision", 4, 2), ("Signature End", 6, 4), ("Section Count", 10, 2), ("Error Severity", 12, 4),
            ("Validation Bits", 16, 4), ("Record Length", 20, 4), ("Timestamp", 24, 8), ("Platform ID", 32, 16), ("Partition ID", 48, 16),
            ("Creator ID", 64, 16), ("Notification Type", 80, 16), ("Record ID", 96, 8), ("Flags", 104, 4),
            ("Persistence Information", 108, 8), ("Reserved", 116, 12)],
            // Bit 0 PlatformID Valid, bit 1 TimeStamp Valid, bit 2 PartitionID Valid.
            ["platformId", "timestamp", "partitionId"]),
        ["CPER section descriptor"] = ([
            ("Section Offset", 0, 4), ("Section Length", 4, 4), ("Revision", 8, 2), ("Validation Bits", 10, 1), ("Reserved", 11, 1),
            ("Flags", 12, 4), ("Section Type", 16, 16), ("FRU Id", 32, 16), ("Section Severity", 48, 4), ("FRU Text", 52, 20)],
            // Bit 0 FRUId Valid, bit 1 FRUString Valid.
            ["fruId", "fruText"]),
    };

    public static TheoryData<string> RecordStructureNames => [.. s_specTables.Keys];

    [Theory]
    [MemberData(nameof(RecordStructureNames))]
    public void Record_structure_layout_is_the_spec_table(string name)
    {
        var layout = s_rows[name].Layout;
        var (table, validationBits) = s_specTables[name];
        Assert.Equal(name, layout.Name);
        Assert.Equal(table[^1].Offset + table[^1].Length, layout.Size);
        Assert.Equal(table.Select(t => (t.Offset, t.Length)), layout.Fields.Select(f => (f.Offset, f.Size)));
        // The labels are the spec's names (case aside; Signature Start is shown as "Signature").
        Assert.Equal(table.Select(t => t.Name.Replace(" Start", "", StringComparison.Ordinal).ToUpperInvariant()), layout.Fields.Select(f => f.Label.ToUpperInvariant()));
        Assert.Equal("validationBits", layout.ValidationField!.Json);
        // Each validation bit validates the field it names, and the flag table names it so.
        Assert.Equal(validationBits, layout.Fields.Where(f => f.ValidBit >= 0).OrderBy(f => f.ValidBit).Select(f => f.Json));
        Assert.Equal(validationBits.Select((n, bit) => new KeyValuePair<int, string>(bit, n)), layout.ValidationField.FlagNames!);
    }

    [Fact]
    public void Record_structure_tables_are_the_shared_ones()
    {
        // The names the declarations give by reference: a descriptor's section type must be named by
        // CperSectionRegistry.GuidName itself (WithSectionTypeNames finds the field by that delegate).
        var header = CperRecordHeader.Layout;
        var descriptor = CperSectionDescriptor.Layout;
        Assert.Same(CperNames.Severity, header.Find("severity")!.Names);
        Assert.Same(CperNames.RecordFlags, header.Find("flags")!.FlagNames);
        Assert.Equal((Func<Guid, string?>)CperGuids.CreatorName, header.Find("creatorId")!.GuidNames);
        Assert.Equal((Func<Guid, string?>)CperGuids.NotificationName, header.Find("notificationType")!.GuidNames);
        Assert.Equal("bytes", header.Find("recordLength")!.Unit);
        Assert.Same(CperNames.Severity, descriptor.Find("severity")!.Names);
        Assert.Same(CperNames.SectionFlags, descriptor.Find("flags")!.FlagNames);
        Assert.Equal((Func<Guid, string?>)CperSectionRegistry.GuidName, descriptor.Find("sectionType")!.GuidNames);
        Assert.Equal("bytes", descriptor.Find("sectionLength")!.Unit);
        var registry = new CperSectionRegistry();
        Assert.Equal((Func<Guid, string?>)registry.SectionTypeName, registry.WithSectionTypeNames(descriptor).Find("sectionType")!.GuidNames);
    }

    // ---- the harness ----

    // Every record header, or every section descriptor, of the fixture records (the record read as FixtureSections reads it).
    private static IEnumerable<(string Where, byte[] Body)> RecordStructures(StructDef layout)
    {
        foreach (var rel in Fixtures.CperRecords())
        {
            var bytes = Fixtures.Binary(rel);
            if (bytes.Length < CperRecordHeader.Size || !bytes.AsSpan().StartsWith("CPER"u8)) continue;
            if (layout == CperRecordHeader.Layout)
            {
                yield return ($"{rel} header", bytes[..CperRecordHeader.Size]);
                continue;
            }
            for (int i = 0; i < DescriptorCount(bytes); i++)
                yield return ($"{rel} descriptor {i}", bytes.AsSpan(CperRecordView.DescriptorOffset(i), CperSectionDescriptor.Size).ToArray());
        }
    }

    private static int DescriptorCount(byte[] record) => CperRecordView.ReadPrefix(record, out _).DescriptorCount;

    private delegate T Decoder<T>(ReadOnlySpan<byte> body);

    /// <summary>The model <paramref name="decode"/> makes of <paramref name="body"/>, or null where it refuses it (a count or length that does not fit).</summary>
    private static T? ModelOrNull<T>(ReadOnlySpan<byte> body, Decoder<T> decode) where T : class
    {
        try { return decode(body); }
        catch (ApeiContentException) { return null; }
    }

    private static void One(Row row, string where, byte[] body)
    {
        FixedSectionBody? model = null;
        var recorder = new FieldRecorder { Body = body };
        if (row.InRecord) row.Layout.Describe(body, 0, recorder); // as CperRecordDescriber walks the header and descriptors
        else
        {
            var codec = CperSections.Find(row.Type) ?? throw new InvalidOperationException("no codec for " + row.Layout.Name);
            // A fixed section's model; a variable section's Decode refuses what its describer reports (a Length that does not fit).
            model = ModelOrNull(body, b => codec.Decode(b, 0)) as FixedSectionBody;
            codec.Describe(body, 0, recorder);
        }
        var part = row.Part is null ? body : body.AsSpan(row.Part.Offset, row.Part.Size).ToArray();
        string prefix = row.Part is null ? "" : row.Part.Json + ".";
        var c = new Checker(row.Layout, row.Part is null ? model : null, recorder, prefix, part.Length, where);
        if (row.Generated && !row.InRecord) Accessors(row, part, c, where);
        row.Check?.Invoke(part, c);
        c.AssertEveryFieldChecked();
    }

    // Every field's HasX and X of the row's generated view, and its validation bits, against the walk and the model;
    // reserved fields aside, as AssertEveryFieldChecked leaves them.
    private static void Accessors(Row row, byte[] part, Checker c, string where)
    {
        var view = GeneratedView.Read(row.Layout, part, where);
        if (view.ValidationBits is { } bits) c.Validation(bits);
        foreach (var a in view.Values)
        {
            if (a.Accessor.Reserved) continue;
            if (!a.Accessor.IsBytes) c.Agree(a.Field, a.Has, a.Number, asBool: a.Accessor.IsBool);
            else if (row.Blocks?.Any(b => ReferenceEquals(b, a.Field)) == true) c.AgreeBlock(a.Field, a.Has, a.Bytes);
            else if (row.MaybeBlocks?.Any(b => ReferenceEquals(b, a.Field)) == true) c.AgreeBytesOrBlock(a.Field, a.Has, a.Bytes);
            else c.AgreeBytes(a.Field, a.Has, a.Bytes);
        }
    }

    /// <summary>Holds one body's readings and compares a view accessor with them.</summary>
    private sealed class Checker(StructDef layout, FixedSectionBody? model, FieldRecorder described, string prefix, int length, string where)
    {
        private readonly HashSet<string> _checked = [];

        public FixedSectionBody? Model => model;

        public void Validation(ulong view)
        {
            var v = layout.ValidationField!;
            if (model is not null) Assert.True(view == model.GetField(v.Json), $"{where}: validation bits, view {view:x} model {model.GetField(v.Json):x}");
            Assert.Equal(FieldDef.ReadLittleEndian(described.Fields[prefix + v.Json].Raw), view);
        }

        /// <summary>An integer field: the view's value and HasX against the describer and, for a fixed section, the model's field read by name.</summary>
        public void Agree(FieldDef field, bool has, ulong view, bool asBool = false)
        {
            Assert.True(_checked.Add(field.Json), $"{field.Json} checked twice");
            Assert.Equal((field.Offset, field.Size), (layout.Find(field.Json)!.Offset, layout.Find(field.Json)!.Size));
            // The describer decides which fields the body holds (a 77-byte memory section is the 73-byte UEFI 2.1 form and
            // 4 bytes of padding: no rank number there, whatever the bytes say); the model reads any bytes that reach.
            bool reached = described.Fields.TryGetValue(prefix + field.Json, out var d);
            Assert.True(!reached || field.End <= length, $"{where}: {field.Json} described past the body");
            if (reached && model is not null)
            {
                ulong byName = model.GetField(field.Json);
                if (asBool) byName = byName != 0 ? 1UL : 0;
                Assert.True(view == byName, $"{where}: {field.Json} view {view} model field {byName}");
            }
            ulong describedValue = reached ? FieldDef.ReadLittleEndian(d.Raw) : 0;
            if (asBool) describedValue = describedValue != 0 ? 1UL : 0;
            Assert.True(view == describedValue, $"{where}: {field.Json} view {view} described {(reached ? Convert.ToHexString(d.Raw) : "-")}");
            // A block nested in a section (device ID, AER info) has no validation bits of its own: the describer gives each of
            // its fields the section's bit for the block, the view says only that the bytes are there.
            bool describedValid = reached && (d.Valid || prefix.Length > 0);
            Assert.True(has == describedValid, $"{where}: Has{field.Json} {has}, described valid {describedValid}");
        }

        /// <summary>A byte-range field: the view's span against the describer's and the model's bytes.</summary>
        public void AgreeBytes(FieldDef field, bool has, ReadOnlySpan<byte> view)
        {
            Assert.True(_checked.Add(field.Json), $"{field.Json} checked twice");
            Assert.Equal((field.Offset, field.Size), (layout.Find(field.Json)!.Offset, layout.Find(field.Json)!.Size));
            bool reached = described.Fields.TryGetValue(prefix + field.Json, out var d);
            Assert.True(!reached || model is null || view.SequenceEqual(model.GetFieldBytes(field.Json)), $"{where}: {field.Json} view and model bytes differ");
            Assert.True(view.SequenceEqual(reached ? d.Raw : []), $"{where}: {field.Json} view and described bytes differ");
            bool describedValid = reached && (d.Valid || prefix.Length > 0);
            Assert.True(has == describedValid, $"{where}: Has{field.Json} {has}, described valid {describedValid}");
        }

        /// <summary>A byte field the describer shows as a nested object when a layout for it is known (the ARM RAS IP instance and type, by format), else as bytes.</summary>
        public void AgreeBytesOrBlock(FieldDef field, bool has, ReadOnlySpan<byte> view)
        {
            if (described.Objects.ContainsKey(prefix + field.Json)) AgreeBlock(field, has, view);
            else AgreeBytes(field, has, view);
        }

        /// <summary>A byte field the describer walks as a nested object (the PCIe section's blocks): its bytes and whether the walk calls it valid.</summary>
        public void AgreeBlock(FieldDef field, bool has, ReadOnlySpan<byte> view)
        {
            Assert.True(_checked.Add(field.Json), $"{field.Json} checked twice");
            Assert.Equal((field.Offset, field.Size), (layout.Find(field.Json)!.Offset, layout.Find(field.Json)!.Size));
            var (offset, size, valid) = described.Objects[prefix + field.Json];
            Assert.Equal((field.Offset, field.Size), ((int)offset, (int)size));
            Assert.True(view.SequenceEqual(described.Body.AsSpan((int)offset, (int)size)), $"{where}: {field.Json} view and described bytes differ");
            Assert.True(has == valid, $"{where}: Has{field.Json} {has}, described valid {valid}");
        }

        /// <summary>A field of a structure repeated after the layout (a register pair), at <paramref name="path"/> in the walk.</summary>
        public void AgreeAt(string path, FieldDef field, ulong view)
            => Assert.True(described.Fields.TryGetValue(path + field.Json, out var d) && FieldDef.ReadLittleEndian(d.Raw) == view, $"{where}: {path}{field.Json} view {view}");

        /// <summary>Bytes the describer reports as data after the layout (a PER log, a DVSEC): the view's span is the same bytes.</summary>
        public void AgreeData(string json, ReadOnlySpan<byte> view)
            => Assert.True(view.SequenceEqual(described.DataBytes.TryGetValue(json, out var d) ? d : []), $"{where}: {json} view and described bytes differ");

        public int Count(string start, string end) => described.Fields.Keys.Count(k => k.StartsWith(start, StringComparison.Ordinal) && k.EndsWith(end, StringComparison.Ordinal));

        public void AssertEveryFieldChecked()
        {
            var expected = layout.Fields.Where(f => f.Kind != FieldKind.Reserved && f != layout.ValidationField).Select(f => f.Json).Order(StringComparer.Ordinal);
            Assert.Equal(expected, _checked.Order(StringComparer.Ordinal));
        }
    }

    /// <summary>Keeps every field the walk reports (by its path: "deviceId.vendorId", "registerDataPairs.0.address"), the objects it opens and the data it gives.</summary>
    private sealed class FieldRecorder : StructureVisitor
    {
        private readonly List<string> _path = [];
        private readonly Stack<int> _items = new();

        public byte[] Body { get; set; } = [];
        public Dictionary<string, (byte[] Raw, bool Valid)> Fields { get; } = [];
        public Dictionary<string, (long Offset, long Length, bool Valid)> Objects { get; } = [];
        public Dictionary<string, byte[]> DataBytes { get; } = [];

        public override bool ReportsZeroParts => true;

        private string Path(string json) => string.Concat(_path.Select(p => p + ".")) + json;

        public override void BeginObject(string? json, string label, long offset, long length)
        {
            if (json is null && _items.Count > 0) { json = _items.Pop().ToString(System.Globalization.CultureInfo.InvariantCulture); _items.Push(int.Parse(json, System.Globalization.CultureInfo.InvariantCulture) + 1); }
            json ??= "?";
            Objects[Path(json)] = (offset, length, !label.EndsWith("(not marked valid)", StringComparison.Ordinal));
            _path.Add(json);
        }

        public override void EndObject() => _path.RemoveAt(_path.Count - 1);

        public override void BeginArray(string json, string label, long offset, long length)
        {
            _path.Add(json);
            _items.Push(0);
        }

        public override void EndArray()
        {
            _items.Pop();
            _path.RemoveAt(_path.Count - 1);
        }

        public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
            => Fields.Add(Path(field.Json), (raw.ToArray(), valid));
        public override void Info(string json, string label, string? value) { }
        public override void Info(string json, string label, long value) { }
        public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes) => DataBytes[Path(json)] = bytes.ToArray();
        protected override void OnError(ApeiContentException error) { } // a Length that does not fit: the walk goes on, as the renderers do
    }
}
