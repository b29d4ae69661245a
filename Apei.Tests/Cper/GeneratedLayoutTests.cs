using ApeiKit.Cper;
using ApeiKit.Cper.Vendors;
using ApeiKit.Cper.Windows;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The generated zero-copy views (ApeiKit.Generators, from each section's one declaration) against the two readings
/// they must agree with and did not produce: the editable model (the generated property, and the layout's field read by
/// JSON name) and <see cref="StructDef.Describe"/>'s walk (the raw bytes it reports for the field, and whether it calls
/// the field valid). Run over every section of the type in the fixtures (real captures and libcper's examples) and over
/// seeded random bodies, so every validation bit and trailing length occurs. Each test also proves it checked every
/// field of the layout: a field added to a declaration without its line here fails the test.
/// </summary>
public sealed class GeneratedLayoutTests
{
    private delegate void ViewCheck(ReadOnlySpan<byte> body, Checker check);

    [Fact]
    public void Memory_view_agrees_with_the_model_and_the_describer()
        => Run(CperGuids.PlatformMemory, MemoryErrorSection.LayoutDef, MemoryErrorSection.LegacySize, (body, c) =>
        {
            Assert.True(MemoryErrorSectionView.TryRead(body, out var v));
            var m = (MemoryErrorSection)c.Model;
            c.Validation(v.ValidationBits, m.ValidationBits);
            c.Agree(MemoryErrorSection.ErrorStatusField, v.HasErrorStatus, v.ErrorStatus, m.ErrorStatus);
            c.Agree(MemoryErrorSection.PhysicalAddressField, v.HasPhysicalAddress, v.PhysicalAddress, m.PhysicalAddress);
            c.Agree(MemoryErrorSection.PhysicalAddressMaskField, v.HasPhysicalAddressMask, v.PhysicalAddressMask, m.PhysicalAddressMask);
            c.Agree(MemoryErrorSection.NodeField, v.HasNode, v.Node, m.Node);
            c.Agree(MemoryErrorSection.CardField, v.HasCard, v.Card, m.Card);
            c.Agree(MemoryErrorSection.ModuleField, v.HasModule, v.Module, m.Module);
            c.Agree(MemoryErrorSection.BankField, v.HasBank, v.Bank, m.Bank);
            c.Agree(MemoryErrorSection.DeviceField, v.HasDevice, v.Device, m.Device);
            c.Agree(MemoryErrorSection.RowField, v.HasRow, v.Row, m.Row);
            c.Agree(MemoryErrorSection.ColumnField, v.HasColumn, v.Column, m.Column);
            c.Agree(MemoryErrorSection.BitPositionField, v.HasBitPosition, v.BitPosition, m.BitPosition);
            c.Agree(MemoryErrorSection.RequestorIdField, v.HasRequestorId, v.RequestorId, m.RequestorId);
            c.Agree(MemoryErrorSection.ResponderIdField, v.HasResponderId, v.ResponderId, m.ResponderId);
            c.Agree(MemoryErrorSection.TargetIdField, v.HasTargetId, v.TargetId, m.TargetId);
            c.Agree(MemoryErrorSection.MemoryErrorTypeField, v.HasMemoryErrorType, v.MemoryErrorType, m.MemoryErrorType);
            c.Agree(MemoryErrorSection.ExtendedField, v.HasExtended, v.Extended, m.Extended);
            c.Agree(MemoryErrorSection.RankNumberField, v.HasRankNumber, v.RankNumber, m.RankNumber);
            c.Agree(MemoryErrorSection.CardHandleField, v.HasCardHandle, v.CardHandle, m.CardHandle);
            c.Agree(MemoryErrorSection.ModuleHandleField, v.HasModuleHandle, v.ModuleHandle, m.ModuleHandle);
        });

    [Fact]
    public void Memory2_view_agrees_with_the_model_and_the_describer()
        => Run(CperGuids.PlatformMemory2, MemoryError2Section.LayoutDef, MemoryError2Section.Size, (body, c) =>
        {
            Assert.True(MemoryError2SectionView.TryRead(body, out var v));
            var m = (MemoryError2Section)c.Model;
            c.Validation(v.ValidationBits, m.ValidationBits);
            c.Agree(MemoryError2Section.ErrorStatusField, v.HasErrorStatus, v.ErrorStatus, m.ErrorStatus);
            c.Agree(MemoryError2Section.PhysicalAddressField, v.HasPhysicalAddress, v.PhysicalAddress, m.PhysicalAddress);
            c.Agree(MemoryError2Section.PhysicalAddressMaskField, v.HasPhysicalAddressMask, v.PhysicalAddressMask, m.PhysicalAddressMask);
            c.Agree(MemoryError2Section.NodeField, v.HasNode, v.Node, m.Node);
            c.Agree(MemoryError2Section.CardField, v.HasCard, v.Card, m.Card);
            c.Agree(MemoryError2Section.ModuleField, v.HasModule, v.Module, m.Module);
            c.Agree(MemoryError2Section.BankField, v.HasBank, v.Bank, m.Bank);
            c.Agree(MemoryError2Section.DeviceField, v.HasDevice, v.Device, m.Device);
            c.Agree(MemoryError2Section.RowField, v.HasRow, v.Row, m.Row);
            c.Agree(MemoryError2Section.ColumnField, v.HasColumn, v.Column, m.Column);
            c.Agree(MemoryError2Section.RankField, v.HasRank, v.Rank, m.Rank);
            c.Agree(MemoryError2Section.BitPositionField, v.HasBitPosition, v.BitPosition, m.BitPosition);
            c.Agree(MemoryError2Section.ChipIdField, v.HasChipId, v.ChipId, m.ChipId);
            c.Agree(MemoryError2Section.MemoryErrorTypeField, v.HasMemoryErrorType, v.MemoryErrorType, m.MemoryErrorType);
            c.Agree(MemoryError2Section.StatusField, v.HasStatus, v.Status, m.Status);
            c.Agree(MemoryError2Section.RequestorIdField, v.HasRequestorId, v.RequestorId, m.RequestorId);
            c.Agree(MemoryError2Section.ResponderIdField, v.HasResponderId, v.ResponderId, m.ResponderId);
            c.Agree(MemoryError2Section.TargetIdField, v.HasTargetId, v.TargetId, m.TargetId);
            c.Agree(MemoryError2Section.CardHandleField, v.HasCardHandle, v.CardHandle, m.CardHandle);
            c.Agree(MemoryError2Section.ModuleHandleField, v.HasModuleHandle, v.ModuleHandle, m.ModuleHandle);
        });

    [Fact]
    public void Pci_bus_view_agrees_with_the_model_and_the_describer()
        => Run(CperGuids.PciBus, PciBusErrorSection.LayoutDef, PciBusErrorSection.Size, (body, c) =>
        {
            Assert.True(PciBusErrorSectionView.TryRead(body, out var v));
            var m = (PciBusErrorSection)c.Model;
            c.Validation(v.ValidationBits, m.ValidationBits);
            c.Agree(PciBusErrorSection.ErrorStatusField, v.HasErrorStatus, v.ErrorStatus, m.ErrorStatus);
            c.Agree(PciBusErrorSection.ErrorTypeField, v.HasErrorType, v.ErrorType, m.ErrorType);
            c.Agree(PciBusErrorSection.BusIdField, v.HasBusId, v.BusId, m.BusId);
            c.Agree(PciBusErrorSection.BusAddressField, v.HasBusAddress, v.BusAddress, m.BusAddress);
            c.Agree(PciBusErrorSection.BusDataField, v.HasBusData, v.BusData, m.BusData);
            c.Agree(PciBusErrorSection.BusCommandField, v.HasBusCommand, v.BusCommand, m.BusCommand);
            c.Agree(PciBusErrorSection.RequestorIdField, v.HasRequestorId, v.RequestorId, m.RequestorId);
            c.Agree(PciBusErrorSection.CompleterIdField, v.HasCompleterId, v.CompleterId, m.CompleterId);
            c.Agree(PciBusErrorSection.TargetIdField, v.HasTargetId, v.TargetId, m.TargetId);
        });

    [Fact]
    public void Processor_generic_view_agrees_with_the_model_and_the_describer()
        => Run(CperGuids.ProcessorGeneric, ProcessorGenericSection.LayoutDef, ProcessorGenericSection.Size, (body, c) =>
        {
            Assert.True(ProcessorGenericSectionView.TryRead(body, out var v));
            var m = (ProcessorGenericSection)c.Model;
            c.Validation(v.ValidationBits, m.ValidationBits);
            c.Agree(ProcessorGenericSection.ProcessorTypeField, v.HasProcessorType, v.ProcessorType, m.ProcessorType);
            c.Agree(ProcessorGenericSection.ProcessorIsaField, v.HasProcessorIsa, v.ProcessorIsa, m.ProcessorIsa);
            c.Agree(ProcessorGenericSection.ErrorTypeField, v.HasErrorType, v.ErrorType, m.ErrorType);
            c.Agree(ProcessorGenericSection.OperationField, v.HasOperation, v.Operation, m.Operation);
            c.Agree(ProcessorGenericSection.FlagsField, v.HasFlags, v.Flags, m.Flags);
            c.Agree(ProcessorGenericSection.LevelField, v.HasLevel, v.Level, m.Level);
            c.Agree(ProcessorGenericSection.CpuVersionField, v.HasCpuVersion, v.CpuVersion, m.CpuVersion);
            c.AgreeBytes(ProcessorGenericSection.CpuBrandStringField, v.HasCpuBrandString, v.CpuBrandString, m.GetFieldBytes("cpuBrandString"));
            Assert.Equal(AsciiField.Decode(v.CpuBrandString), m.CpuBrandString);
            c.Agree(ProcessorGenericSection.ProcessorIdField, v.HasProcessorId, v.ProcessorId, m.ProcessorId);
            c.Agree(ProcessorGenericSection.TargetAddressField, v.HasTargetAddress, v.TargetAddress, m.TargetAddress);
            c.Agree(ProcessorGenericSection.RequestorIdField, v.HasRequestorId, v.RequestorId, m.RequestorId);
            c.Agree(ProcessorGenericSection.ResponderIdField, v.HasResponderId, v.ResponderId, m.ResponderId);
            c.Agree(ProcessorGenericSection.InstructionIpField, v.HasInstructionIp, v.InstructionIp, m.InstructionIp);
        });

    [Fact]
    public void Dmar_generic_view_agrees_with_the_model_and_the_describer()
        => Run(CperGuids.DmarGeneric, DmarGenericSection.LayoutDef, DmarGenericSection.Size, (body, c) =>
        {
            Assert.True(DmarGenericSectionView.TryRead(body, out var v));
            var m = (DmarGenericSection)c.Model;
            c.Agree(DmarGenericSection.RequesterIdField, v.HasRequesterId, v.RequesterId, m.RequesterId);
            c.Agree(DmarGenericSection.SegmentNumberField, v.HasSegmentNumber, v.SegmentNumber, m.SegmentNumber);
            c.Agree(DmarGenericSection.FaultReasonField, v.HasFaultReason, v.FaultReason, m.FaultReason);
            c.Agree(DmarGenericSection.AccessTypeField, v.HasAccessType, v.AccessType, m.AccessType);
            c.Agree(DmarGenericSection.AddressTypeField, v.HasAddressType, v.AddressType, m.AddressType);
            c.Agree(DmarGenericSection.ArchitectureTypeField, v.HasArchitectureType, v.ArchitectureType, m.ArchitectureType);
            c.Agree(DmarGenericSection.DeviceAddressField, v.HasDeviceAddress, v.DeviceAddress, m.DeviceAddress);
        });

    [Fact]
    public void Dmar_vtd_view_agrees_with_the_model_and_the_describer()
        => Run(CperGuids.DmarVtd, DmarVtdSection.LayoutDef, DmarVtdSection.Size, (body, c) =>
        {
            Assert.True(DmarVtdSectionView.TryRead(body, out var v));
            var m = (DmarVtdSection)c.Model;
            c.Agree(DmarVtdSection.VersionField, v.HasVersion, v.Version, m.Version);
            c.Agree(DmarVtdSection.RevisionField, v.HasRevision, v.Revision, m.Revision);
            c.AgreeBytes(DmarVtdSection.OemIdField, v.HasOemId, v.OemId, m.OemId);
            c.Agree(DmarVtdSection.CapabilityField, v.HasCapability, v.Capability, m.Capability);
            c.Agree(DmarVtdSection.ExtendedCapabilityField, v.HasExtendedCapability, v.ExtendedCapability, m.ExtendedCapability);
            c.Agree(DmarVtdSection.GlobalCommandField, v.HasGlobalCommand, v.GlobalCommand, m.GlobalCommand);
            c.Agree(DmarVtdSection.GlobalStatusField, v.HasGlobalStatus, v.GlobalStatus, m.GlobalStatus);
            c.Agree(DmarVtdSection.FaultStatusField, v.HasFaultStatus, v.FaultStatus, m.FaultStatus);
            c.AgreeBytes(DmarVtdSection.FaultRecordField, v.HasFaultRecord, v.FaultRecord, m.FaultRecord);
            c.AgreeBytes(DmarVtdSection.RootEntryField, v.HasRootEntry, v.RootEntry, m.RootEntry);
            c.AgreeBytes(DmarVtdSection.ContextEntryField, v.HasContextEntry, v.ContextEntry, m.ContextEntry);
            c.Agree(DmarVtdSection.PteLevel6Field, v.HasPteLevel6, v.PteLevel6, m.PteLevel6);
            c.Agree(DmarVtdSection.PteLevel5Field, v.HasPteLevel5, v.PteLevel5, m.PteLevel5);
            c.Agree(DmarVtdSection.PteLevel4Field, v.HasPteLevel4, v.PteLevel4, m.PteLevel4);
            c.Agree(DmarVtdSection.PteLevel3Field, v.HasPteLevel3, v.PteLevel3, m.PteLevel3);
            c.Agree(DmarVtdSection.PteLevel2Field, v.HasPteLevel2, v.PteLevel2, m.PteLevel2);
            c.Agree(DmarVtdSection.PteLevel1Field, v.HasPteLevel1, v.PteLevel1, m.PteLevel1);
        });

    [Fact]
    public void Dmar_iommu_view_agrees_with_the_model_and_the_describer()
        => Run(CperGuids.DmarIommu, DmarIommuSection.LayoutDef, DmarIommuSection.Size, (body, c) =>
        {
            Assert.True(DmarIommuSectionView.TryRead(body, out var v));
            var m = (DmarIommuSection)c.Model;
            c.Agree(DmarIommuSection.RevisionField, v.HasRevision, v.Revision, m.Revision);
            c.Agree(DmarIommuSection.ControlField, v.HasControl, v.Control, m.Control);
            c.Agree(DmarIommuSection.StatusField, v.HasStatus, v.Status, m.Status);
            c.AgreeBytes(DmarIommuSection.EventLogEntryField, v.HasEventLogEntry, v.EventLogEntry, m.EventLogEntry);
            c.AgreeBytes(DmarIommuSection.DeviceTableEntryField, v.HasDeviceTableEntry, v.DeviceTableEntry, m.DeviceTableEntry);
            c.Agree(DmarIommuSection.PteLevel6Field, v.HasPteLevel6, v.PteLevel6, m.PteLevel6);
            c.Agree(DmarIommuSection.PteLevel5Field, v.HasPteLevel5, v.PteLevel5, m.PteLevel5);
            c.Agree(DmarIommuSection.PteLevel4Field, v.HasPteLevel4, v.PteLevel4, m.PteLevel4);
            c.Agree(DmarIommuSection.PteLevel3Field, v.HasPteLevel3, v.PteLevel3, m.PteLevel3);
            c.Agree(DmarIommuSection.PteLevel2Field, v.HasPteLevel2, v.PteLevel2, m.PteLevel2);
            c.Agree(DmarIommuSection.PteLevel1Field, v.HasPteLevel1, v.PteLevel1, m.PteLevel1);
        });

    [Fact]
    public void Ampere_view_agrees_with_the_model_and_the_describer()
        => Run(AmpereSection.SectionGuid, AmpereSection.LayoutDef, AmpereSection.Size, (body, c) =>
        {
            Assert.True(AmpereSectionView.TryRead(body, out var v));
            var m = (AmpereSection)c.Model;
            c.Agree(AmpereSection.TypeIdField, v.HasTypeId, v.TypeId, m.TypeId);
            c.Agree(AmpereSection.SubtypeIdField, v.HasSubtypeId, v.SubtypeId, m.SubtypeId);
            c.Agree(AmpereSection.InstanceIdField, v.HasInstanceId, v.InstanceId, m.InstanceId);
        });

    [Fact]
    public void Windows_dpc_view_agrees_with_the_model_and_the_describer()
        => Run(CperGuids.WindowsPcieDpc, PcieDpcSection.LayoutDef, PcieDpcSection.Size, (body, c) =>
        {
            Assert.True(PcieDpcSectionView.TryRead(body, out var v));
            var m = (PcieDpcSection)c.Model;
            c.Agree(PcieDpcSection.HeaderField, v.HasHeader, v.Header, m.Header);
            c.Agree(PcieDpcSection.CapabilityField, v.HasCapability, v.Capability, m.Capability);
            c.Agree(PcieDpcSection.ControlField, v.HasControl, v.Control, m.Control);
            c.Agree(PcieDpcSection.StatusField, v.HasStatus, v.Status, m.Status);
            c.Agree(PcieDpcSection.ErrorSourceIdField, v.HasErrorSourceId, v.ErrorSourceId, m.ErrorSourceId);
            c.Agree(PcieDpcSection.RpPioStatusField, v.HasRpPioStatus, v.RpPioStatus, m.RpPioStatus);
            c.Agree(PcieDpcSection.RpPioMaskField, v.HasRpPioMask, v.RpPioMask, m.RpPioMask);
            c.Agree(PcieDpcSection.RpPioSeverityField, v.HasRpPioSeverity, v.RpPioSeverity, m.RpPioSeverity);
            c.Agree(PcieDpcSection.RpPioSysErrorField, v.HasRpPioSysError, v.RpPioSysError, m.RpPioSysError);
            c.Agree(PcieDpcSection.RpPioExceptionField, v.HasRpPioException, v.RpPioException, m.RpPioException);
            c.AgreeBytes(PcieDpcSection.RpPioHeaderLogField, v.HasRpPioHeaderLog, v.RpPioHeaderLog, m.RpPioHeaderLog);
            c.Agree(PcieDpcSection.RpPioImpSpecLogField, v.HasRpPioImpSpecLog, v.RpPioImpSpecLog, m.RpPioImpSpecLog);
            c.AgreeBytes(PcieDpcSection.RpPioTlpPrefixLogField, v.HasRpPioTlpPrefixLog, v.RpPioTlpPrefixLog, m.RpPioTlpPrefixLog);
        });

    [Fact]
    public void Windows_recovery_info_view_agrees_with_the_model_and_the_describer()
        => Run(CperGuids.WindowsErrorRecoveryInfo, ErrorRecoveryInfoSection.LayoutDef, ErrorRecoveryInfoSection.MinimumSize, (body, c) =>
        {
            Assert.True(ErrorRecoveryInfoSectionView.TryRead(body, out var v));
            var m = (ErrorRecoveryInfoSection)c.Model;
            c.Agree(ErrorRecoveryInfoSection.RecoveryKernelField, v.HasRecoveryKernel, v.RecoveryKernel ? 1UL : 0, m.RecoveryKernel ? 1UL : 0, asBool: true);
            c.Agree(ErrorRecoveryInfoSection.RecoveryActionField, v.HasRecoveryAction, v.RecoveryAction, m.RecoveryAction);
            c.Agree(ErrorRecoveryInfoSection.RecoveryTypeField, v.HasRecoveryType, v.RecoveryType, m.RecoveryType);
            c.Agree(ErrorRecoveryInfoSection.IrqlField, v.HasIrql, v.Irql, m.Irql);
            c.Agree(ErrorRecoveryInfoSection.RecoverySucceededField, v.HasRecoverySucceeded, v.RecoverySucceeded ? 1UL : 0, m.RecoverySucceeded ? 1UL : 0, asBool: true);
            c.Agree(ErrorRecoveryInfoSection.FailureReasonField, v.HasFailureReason, v.FailureReason, m.FailureReason);
            c.AgreeBytes(ErrorRecoveryInfoSection.ProcessNameField, v.HasProcessName, v.ProcessName, m.GetFieldBytes("processName"));
            Assert.Equal(v.HasProcessName ? AsciiField.Decode(v.ProcessName) : "", m.ProcessName);
        });

    [Fact]
    public void Windows_intel_memory_extension_view_agrees_with_the_model_and_the_describer()
        => Run(CperGuids.WindowsMemoryErrorExtIntel, MemoryErrorExtIntelSection.LayoutDef, MemoryErrorExtIntelSection.Size, (body, c) =>
        {
            Assert.True(MemoryErrorExtIntelSectionView.TryRead(body, out var v));
            var m = (MemoryErrorExtIntelSection)c.Model;
            c.Validation(v.ValidationBits, m.ValidBits);
            c.Agree(MemoryErrorExtIntelSection.FlagsField, v.HasFlags, v.Flags, m.Flags);
            c.Agree(MemoryErrorExtIntelSection.MemDefField, v.HasMemDef, v.MemDef, m.MemDef);
            c.Agree(MemoryErrorExtIntelSection.SystemAddressField, v.HasSystemAddress, v.SystemAddress, m.SystemAddress);
            c.Agree(MemoryErrorExtIntelSection.SpareSystemAddressField, v.HasSpareSystemAddress, v.SpareSystemAddress, m.SpareSystemAddress);
            c.Agree(MemoryErrorExtIntelSection.DevicePhysicalAddressField, v.HasDevicePhysicalAddress, v.DevicePhysicalAddress, m.DevicePhysicalAddress);
            c.Agree(MemoryErrorExtIntelSection.ChannelAddressField, v.HasChannelAddress, v.ChannelAddress, m.ChannelAddress);
            c.Agree(MemoryErrorExtIntelSection.RankAddressField, v.HasRankAddress, v.RankAddress, m.RankAddress);
            c.Agree(MemoryErrorExtIntelSection.ProcessorSocketIdField, v.HasProcessorSocketId, v.ProcessorSocketId, m.ProcessorSocketId);
            c.Agree(MemoryErrorExtIntelSection.MemoryControllerIdField, v.HasMemoryControllerId, v.MemoryControllerId, m.MemoryControllerId);
            c.Agree(MemoryErrorExtIntelSection.TargetIdField, v.HasTargetId, v.TargetId, m.TargetId);
            c.Agree(MemoryErrorExtIntelSection.LogicalChannelIdField, v.HasLogicalChannelId, v.LogicalChannelId, m.LogicalChannelId);
            c.Agree(MemoryErrorExtIntelSection.ChannelIdField, v.HasChannelId, v.ChannelId, m.ChannelId);
            c.Agree(MemoryErrorExtIntelSection.SubChannelIdField, v.HasSubChannelId, v.SubChannelId, m.SubChannelId);
            c.Agree(MemoryErrorExtIntelSection.PhysicalRankIdField, v.HasPhysicalRankId, v.PhysicalRankId, m.PhysicalRankId);
            c.Agree(MemoryErrorExtIntelSection.DimmSlotIdField, v.HasDimmSlotId, v.DimmSlotId, m.DimmSlotId);
            c.Agree(MemoryErrorExtIntelSection.DimmRankIdField, v.HasDimmRankId, v.DimmRankId, m.DimmRankId);
            c.Agree(MemoryErrorExtIntelSection.BankField, v.HasBank, v.Bank, m.Bank);
            c.Agree(MemoryErrorExtIntelSection.BankGroupField, v.HasBankGroup, v.BankGroup, m.BankGroup);
            c.Agree(MemoryErrorExtIntelSection.RowField, v.HasRow, v.Row, m.Row);
            c.Agree(MemoryErrorExtIntelSection.ColumnField, v.HasColumn, v.Column, m.Column);
            c.Agree(MemoryErrorExtIntelSection.LockStepRankField, v.HasLockStepRank, v.LockStepRank, m.LockStepRank);
            c.Agree(MemoryErrorExtIntelSection.LockStepPhysicalRankField, v.HasLockStepPhysicalRank, v.LockStepPhysicalRank, m.LockStepPhysicalRank);
            c.Agree(MemoryErrorExtIntelSection.LockStepBankField, v.HasLockStepBank, v.LockStepBank, m.LockStepBank);
            c.Agree(MemoryErrorExtIntelSection.LockStepBankGroupField, v.HasLockStepBankGroup, v.LockStepBankGroup, m.LockStepBankGroup);
            c.Agree(MemoryErrorExtIntelSection.ChipSelectField, v.HasChipSelect, v.ChipSelect, m.ChipSelect);
            c.Agree(MemoryErrorExtIntelSection.NodeField, v.HasNode, v.Node, m.Node);
            c.Agree(MemoryErrorExtIntelSection.ChipIdField, v.HasChipId, v.ChipId, m.ChipId);
        });

    // ---- the harness ----

    /// <summary>Runs <paramref name="check"/> over every fixture section of <paramref name="type"/> and 64 seeded random bodies.</summary>
    private static void Run(Guid type, StructDef layout, int minimumLength, ViewCheck check)
    {
        int fixtures = 0;
        foreach (var (where, body) in FixtureSections(type))
        {
            if (body.Length < minimumLength) continue;
            One(layout, where, body, check);
            fixtures++;
        }
        var random = new Random(12);
        for (int i = 0; i < 64; i++)
        {
            // Lengths from the shortest the section accepts to 8 bytes past the layout (trailing bytes kept).
            var body = new byte[random.Next(minimumLength, layout.Size + 9)];
            random.NextBytes(body);
            if (i % 4 == 0) body.AsSpan(0, Math.Min(8, body.Length)).Clear(); // no validation bits at all, now and then
            One(layout, $"random body {i} ({body.Length} bytes)", body, check);
        }
        Assert.True(fixtures >= 0); // the count is reported by the failure messages; random bodies cover types without fixtures
    }

    private static void One(StructDef layout, string where, byte[] body, ViewCheck check)
    {
        var codec = CperSections.Find(CodecType(layout)) ?? throw new InvalidOperationException("no codec for " + layout.Name);
        var model = (FixedSectionBody)codec.Decode(body, 0);
        var recorder = new FieldRecorder();
        codec.Describe(body, 0, recorder);
        var c = new Checker(layout, model, recorder.Fields, body.Length, where);
        check(body, c);
        c.AssertEveryFieldChecked();
    }

    private static readonly Dictionary<StructDef, Guid> s_types = new()
    {
        [MemoryErrorSection.LayoutDef] = CperGuids.PlatformMemory,
        [MemoryError2Section.LayoutDef] = CperGuids.PlatformMemory2,
        [PciBusErrorSection.LayoutDef] = CperGuids.PciBus,
        [ProcessorGenericSection.LayoutDef] = CperGuids.ProcessorGeneric,
        [DmarGenericSection.LayoutDef] = CperGuids.DmarGeneric,
        [DmarVtdSection.LayoutDef] = CperGuids.DmarVtd,
        [DmarIommuSection.LayoutDef] = CperGuids.DmarIommu,
        [AmpereSection.LayoutDef] = AmpereSection.SectionGuid,
        [PcieDpcSection.LayoutDef] = CperGuids.WindowsPcieDpc,
        [ErrorRecoveryInfoSection.LayoutDef] = CperGuids.WindowsErrorRecoveryInfo,
        [MemoryErrorExtIntelSection.LayoutDef] = CperGuids.WindowsMemoryErrorExtIntel,
    };

    private static Guid CodecType(StructDef layout) => s_types[layout];

    private static List<(string Where, byte[] Body)> FixtureSections(Guid type)
    {
        var found = new List<(string, byte[])>();
        foreach (var rel in Fixtures.CperRecords())
        {
            var bytes = Fixtures.Binary(rel);
            if (!bytes.AsSpan().StartsWith("CPER"u8)) continue;
            CperRecordView record;
            try { record = CperRecordView.ReadPrefix(bytes, out _); }
            catch (ApeiContentException) { continue; }
            for (int i = 0; i < record.DescriptorCount; i++)
            {
                var d = record.GetDescriptor(i);
                if (d.SectionType != type || (ulong)d.SectionOffset + d.SectionLength > (ulong)bytes.Length) continue;
                found.Add(($"{rel} section {i}", bytes.AsSpan((int)d.SectionOffset, (int)d.SectionLength).ToArray()));
            }
        }
        return found;
    }

    /// <summary>Holds one body's readings and compares a view accessor with them.</summary>
    private sealed class Checker(StructDef layout, FixedSectionBody model, Dictionary<string, (byte[] Raw, bool Valid)> described, int length, string where)
    {
        private readonly HashSet<string> _checked = [];

        public FixedSectionBody Model => model;

        public void Validation(ulong view, ulong modelValue)
        {
            var v = layout.ValidationField!;
            Assert.True(view == modelValue, $"{where}: validation bits, view {view:x} model {modelValue:x}");
            Assert.Equal(FieldDef.ReadLittleEndian(described[v.Json].Raw), view);
        }

        /// <summary>An integer field: the view's value and HasX against the model's property, the layout read by name and the describer.</summary>
        public void Agree(FieldDef field, bool has, ulong view, ulong property, bool asBool = false)
        {
            Assert.True(_checked.Add(field.Json), $"{field.Json} checked twice");
            // The describer decides which fields the body holds (a 77-byte memory section is the 73-byte UEFI 2.1 form and
            // 4 bytes of padding: no rank number there, whatever the bytes say); the model reads any bytes that reach.
            bool reached = described.TryGetValue(field.Json, out var d);
            Assert.True(!reached || field.End <= length, $"{where}: {field.Json} described past the body");
            if (reached)
            {
                Assert.True(view == property, $"{where}: {field.Json} view {view} model property {property}");
                ulong byName = model.GetField(field.Json);
                if (asBool) byName = byName != 0 ? 1UL : 0;
                Assert.True(view == byName, $"{where}: {field.Json} view {view} model field {byName}");
            }
            ulong describedValue = reached ? FieldDef.ReadLittleEndian(d.Raw) : 0;
            if (asBool) describedValue = describedValue != 0 ? 1UL : 0;
            Assert.True(view == describedValue, $"{where}: {field.Json} view {view} described {(reached ? Convert.ToHexString(d.Raw) : "-")}");
            Assert.True(has == (reached && d.Valid), $"{where}: Has{field.Json} {has}, described valid {reached && d.Valid}");
        }

        /// <summary>A byte-range field: the view's span against the model's bytes and the describer's.</summary>
        public void AgreeBytes(FieldDef field, bool has, ReadOnlySpan<byte> view, byte[] property)
        {
            Assert.True(_checked.Add(field.Json), $"{field.Json} checked twice");
            bool reached = described.TryGetValue(field.Json, out var d);
            Assert.True(!reached || view.SequenceEqual(property), $"{where}: {field.Json} view and model bytes differ");
            Assert.True(view.SequenceEqual(reached ? d.Raw : []), $"{where}: {field.Json} view and described bytes differ");
            Assert.True(has == (reached && d.Valid), $"{where}: Has{field.Json} {has}, described valid {reached && d.Valid}");
        }

        public void AssertEveryFieldChecked()
        {
            var expected = layout.Fields.Where(f => f.Kind != FieldKind.Reserved && f != layout.ValidationField).Select(f => f.Json).Order(StringComparer.Ordinal);
            Assert.Equal(expected, _checked.Order(StringComparer.Ordinal));
        }
    }

    /// <summary>Keeps every field the walk reports: its bytes and whether the walk called it valid.</summary>
    private sealed class FieldRecorder : StructureVisitor
    {
        public Dictionary<string, (byte[] Raw, bool Valid)> Fields { get; } = [];
        public override void BeginObject(string? json, string label, long offset, long length) { }
        public override void EndObject() { }
        public override void BeginArray(string json, string label, long offset, long length) { }
        public override void EndArray() { }
        public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
            => Fields.Add(field.Json, (raw.ToArray(), valid));
        public override void Info(string json, string label, string? value) { }
        public override void Info(string json, string label, long value) { }
        public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes) { }
        protected override void OnError(ApeiContentException error) => throw error;
    }
}
