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
/// over seeded random bodies, so every validation bit and trailing length occurs. A row lists its view's typed accessors
/// once; the test fails if a field of the layout is not among them.
/// </summary>
public sealed class GeneratedLayoutTests
{
    private delegate void ViewCheck(ReadOnlySpan<byte> body, Checker check);

    /// <summary>
    /// One declared layout: the section type whose bodies hold it, where (<paramref name="Part"/>: a byte field of the
    /// section, its block), the fewest bytes, and the typed accessors. <paramref name="InRecord"/>: a structure of the
    /// record itself (its header, a section descriptor), read from every fixture record and walked by its layout.
    /// </summary>
    private sealed record Row(Guid Type, StructDef Layout, int Minimum, ViewCheck Check, FieldDef? Part = null, string Prefix = "", bool InRecord = false);

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
        ["memory"] = new(CperGuids.PlatformMemory, MemoryErrorSection.LayoutDef, MemoryErrorSection.LegacySize, (b, c) =>
        {
            Assert.True(MemoryErrorSectionView.TryRead(b, out var v));
            c.Validation(v.ValidationBits);
            c.Agree(MemoryErrorSection.ErrorStatusField, v.HasErrorStatus, v.ErrorStatus);
            c.Agree(MemoryErrorSection.PhysicalAddressField, v.HasPhysicalAddress, v.PhysicalAddress);
            c.Agree(MemoryErrorSection.PhysicalAddressMaskField, v.HasPhysicalAddressMask, v.PhysicalAddressMask);
            c.Agree(MemoryErrorSection.NodeField, v.HasNode, v.Node);
            c.Agree(MemoryErrorSection.CardField, v.HasCard, v.Card);
            c.Agree(MemoryErrorSection.ModuleField, v.HasModule, v.Module);
            c.Agree(MemoryErrorSection.BankField, v.HasBank, v.Bank);
            c.Agree(MemoryErrorSection.DeviceField, v.HasDevice, v.Device);
            c.Agree(MemoryErrorSection.RowField, v.HasRow, v.Row);
            c.Agree(MemoryErrorSection.ColumnField, v.HasColumn, v.Column);
            c.Agree(MemoryErrorSection.BitPositionField, v.HasBitPosition, v.BitPosition);
            c.Agree(MemoryErrorSection.RequestorIdField, v.HasRequestorId, v.RequestorId);
            c.Agree(MemoryErrorSection.ResponderIdField, v.HasResponderId, v.ResponderId);
            c.Agree(MemoryErrorSection.TargetIdField, v.HasTargetId, v.TargetId);
            c.Agree(MemoryErrorSection.MemoryErrorTypeField, v.HasMemoryErrorType, v.MemoryErrorType);
            c.Agree(MemoryErrorSection.ExtendedField, v.HasExtended, v.Extended);
            c.Agree(MemoryErrorSection.RankNumberField, v.HasRankNumber, v.RankNumber);
            c.Agree(MemoryErrorSection.CardHandleField, v.HasCardHandle, v.CardHandle);
            c.Agree(MemoryErrorSection.ModuleHandleField, v.HasModuleHandle, v.ModuleHandle);
        }),
        ["memory 2"] = new(CperGuids.PlatformMemory2, MemoryError2Section.LayoutDef, MemoryError2Section.Size, (b, c) =>
        {
            Assert.True(MemoryError2SectionView.TryRead(b, out var v));
            c.Validation(v.ValidationBits);
            c.Agree(MemoryError2Section.ErrorStatusField, v.HasErrorStatus, v.ErrorStatus);
            c.Agree(MemoryError2Section.PhysicalAddressField, v.HasPhysicalAddress, v.PhysicalAddress);
            c.Agree(MemoryError2Section.PhysicalAddressMaskField, v.HasPhysicalAddressMask, v.PhysicalAddressMask);
            c.Agree(MemoryError2Section.NodeField, v.HasNode, v.Node);
            c.Agree(MemoryError2Section.CardField, v.HasCard, v.Card);
            c.Agree(MemoryError2Section.ModuleField, v.HasModule, v.Module);
            c.Agree(MemoryError2Section.BankField, v.HasBank, v.Bank);
            c.Agree(MemoryError2Section.DeviceField, v.HasDevice, v.Device);
            c.Agree(MemoryError2Section.RowField, v.HasRow, v.Row);
            c.Agree(MemoryError2Section.ColumnField, v.HasColumn, v.Column);
            c.Agree(MemoryError2Section.RankField, v.HasRank, v.Rank);
            c.Agree(MemoryError2Section.BitPositionField, v.HasBitPosition, v.BitPosition);
            c.Agree(MemoryError2Section.ChipIdField, v.HasChipId, v.ChipId);
            c.Agree(MemoryError2Section.MemoryErrorTypeField, v.HasMemoryErrorType, v.MemoryErrorType);
            c.Agree(MemoryError2Section.StatusField, v.HasStatus, v.Status);
            c.Agree(MemoryError2Section.RequestorIdField, v.HasRequestorId, v.RequestorId);
            c.Agree(MemoryError2Section.ResponderIdField, v.HasResponderId, v.ResponderId);
            c.Agree(MemoryError2Section.TargetIdField, v.HasTargetId, v.TargetId);
            c.Agree(MemoryError2Section.CardHandleField, v.HasCardHandle, v.CardHandle);
            c.Agree(MemoryError2Section.ModuleHandleField, v.HasModuleHandle, v.ModuleHandle);
        }),
        ["PCI bus"] = new(CperGuids.PciBus, PciBusErrorSection.LayoutDef, PciBusErrorSection.Size, (b, c) =>
        {
            Assert.True(PciBusErrorSectionView.TryRead(b, out var v));
            c.Validation(v.ValidationBits);
            c.Agree(PciBusErrorSection.ErrorStatusField, v.HasErrorStatus, v.ErrorStatus);
            c.Agree(PciBusErrorSection.ErrorTypeField, v.HasErrorType, v.ErrorType);
            c.Agree(PciBusErrorSection.BusIdField, v.HasBusId, v.BusId);
            c.Agree(PciBusErrorSection.BusAddressField, v.HasBusAddress, v.BusAddress);
            c.Agree(PciBusErrorSection.BusDataField, v.HasBusData, v.BusData);
            c.Agree(PciBusErrorSection.BusCommandField, v.HasBusCommand, v.BusCommand);
            c.Agree(PciBusErrorSection.RequestorIdField, v.HasRequestorId, v.RequestorId);
            c.Agree(PciBusErrorSection.CompleterIdField, v.HasCompleterId, v.CompleterId);
            c.Agree(PciBusErrorSection.TargetIdField, v.HasTargetId, v.TargetId);
        }),
        ["processor generic"] = new(CperGuids.ProcessorGeneric, ProcessorGenericSection.LayoutDef, ProcessorGenericSection.Size, (b, c) =>
        {
            Assert.True(ProcessorGenericSectionView.TryRead(b, out var v));
            c.Validation(v.ValidationBits);
            c.Agree(ProcessorGenericSection.ProcessorTypeField, v.HasProcessorType, v.ProcessorType);
            c.Agree(ProcessorGenericSection.ProcessorIsaField, v.HasProcessorIsa, v.ProcessorIsa);
            c.Agree(ProcessorGenericSection.ErrorTypeField, v.HasErrorType, v.ErrorType);
            c.Agree(ProcessorGenericSection.OperationField, v.HasOperation, v.Operation);
            c.Agree(ProcessorGenericSection.FlagsField, v.HasFlags, v.Flags);
            c.Agree(ProcessorGenericSection.LevelField, v.HasLevel, v.Level);
            c.Agree(ProcessorGenericSection.CpuVersionField, v.HasCpuVersion, v.CpuVersion);
            c.AgreeBytes(ProcessorGenericSection.CpuBrandStringField, v.HasCpuBrandString, v.CpuBrandString);
            Assert.Equal(AsciiField.Decode(v.CpuBrandString), ((ProcessorGenericSection)c.Model!).CpuBrandString);
            c.Agree(ProcessorGenericSection.ProcessorIdField, v.HasProcessorId, v.ProcessorId);
            c.Agree(ProcessorGenericSection.TargetAddressField, v.HasTargetAddress, v.TargetAddress);
            c.Agree(ProcessorGenericSection.RequestorIdField, v.HasRequestorId, v.RequestorId);
            c.Agree(ProcessorGenericSection.ResponderIdField, v.HasResponderId, v.ResponderId);
            c.Agree(ProcessorGenericSection.InstructionIpField, v.HasInstructionIp, v.InstructionIp);
        }),
        ["DMAr generic"] = new(CperGuids.DmarGeneric, DmarGenericSection.LayoutDef, DmarGenericSection.Size, (b, c) =>
        {
            Assert.True(DmarGenericSectionView.TryRead(b, out var v));
            c.Agree(DmarGenericSection.RequesterIdField, v.HasRequesterId, v.RequesterId);
            c.Agree(DmarGenericSection.SegmentNumberField, v.HasSegmentNumber, v.SegmentNumber);
            c.Agree(DmarGenericSection.FaultReasonField, v.HasFaultReason, v.FaultReason);
            c.Agree(DmarGenericSection.AccessTypeField, v.HasAccessType, v.AccessType);
            c.Agree(DmarGenericSection.AddressTypeField, v.HasAddressType, v.AddressType);
            c.Agree(DmarGenericSection.ArchitectureTypeField, v.HasArchitectureType, v.ArchitectureType);
            c.Agree(DmarGenericSection.DeviceAddressField, v.HasDeviceAddress, v.DeviceAddress);
        }),
        ["DMAr VT-d"] = new(CperGuids.DmarVtd, DmarVtdSection.LayoutDef, DmarVtdSection.Size, (b, c) =>
        {
            Assert.True(DmarVtdSectionView.TryRead(b, out var v));
            c.Agree(DmarVtdSection.VersionField, v.HasVersion, v.Version);
            c.Agree(DmarVtdSection.RevisionField, v.HasRevision, v.Revision);
            c.AgreeBytes(DmarVtdSection.OemIdField, v.HasOemId, v.OemId);
            c.Agree(DmarVtdSection.CapabilityField, v.HasCapability, v.Capability);
            c.Agree(DmarVtdSection.ExtendedCapabilityField, v.HasExtendedCapability, v.ExtendedCapability);
            c.Agree(DmarVtdSection.GlobalCommandField, v.HasGlobalCommand, v.GlobalCommand);
            c.Agree(DmarVtdSection.GlobalStatusField, v.HasGlobalStatus, v.GlobalStatus);
            c.Agree(DmarVtdSection.FaultStatusField, v.HasFaultStatus, v.FaultStatus);
            c.AgreeBytes(DmarVtdSection.FaultRecordField, v.HasFaultRecord, v.FaultRecord);
            c.AgreeBytes(DmarVtdSection.RootEntryField, v.HasRootEntry, v.RootEntry);
            c.AgreeBytes(DmarVtdSection.ContextEntryField, v.HasContextEntry, v.ContextEntry);
            c.Agree(DmarVtdSection.PteLevel6Field, v.HasPteLevel6, v.PteLevel6);
            c.Agree(DmarVtdSection.PteLevel5Field, v.HasPteLevel5, v.PteLevel5);
            c.Agree(DmarVtdSection.PteLevel4Field, v.HasPteLevel4, v.PteLevel4);
            c.Agree(DmarVtdSection.PteLevel3Field, v.HasPteLevel3, v.PteLevel3);
            c.Agree(DmarVtdSection.PteLevel2Field, v.HasPteLevel2, v.PteLevel2);
            c.Agree(DmarVtdSection.PteLevel1Field, v.HasPteLevel1, v.PteLevel1);
        }),
        ["DMAr IOMMU"] = new(CperGuids.DmarIommu, DmarIommuSection.LayoutDef, DmarIommuSection.Size, (b, c) =>
        {
            Assert.True(DmarIommuSectionView.TryRead(b, out var v));
            c.Agree(DmarIommuSection.RevisionField, v.HasRevision, v.Revision);
            c.Agree(DmarIommuSection.ControlField, v.HasControl, v.Control);
            c.Agree(DmarIommuSection.StatusField, v.HasStatus, v.Status);
            c.AgreeBytes(DmarIommuSection.EventLogEntryField, v.HasEventLogEntry, v.EventLogEntry);
            c.AgreeBytes(DmarIommuSection.DeviceTableEntryField, v.HasDeviceTableEntry, v.DeviceTableEntry);
            c.Agree(DmarIommuSection.PteLevel6Field, v.HasPteLevel6, v.PteLevel6);
            c.Agree(DmarIommuSection.PteLevel5Field, v.HasPteLevel5, v.PteLevel5);
            c.Agree(DmarIommuSection.PteLevel4Field, v.HasPteLevel4, v.PteLevel4);
            c.Agree(DmarIommuSection.PteLevel3Field, v.HasPteLevel3, v.PteLevel3);
            c.Agree(DmarIommuSection.PteLevel2Field, v.HasPteLevel2, v.PteLevel2);
            c.Agree(DmarIommuSection.PteLevel1Field, v.HasPteLevel1, v.PteLevel1);
        }),
        ["Ampere"] = new(AmpereSection.SectionGuid, AmpereSection.LayoutDef, AmpereSection.Size, (b, c) =>
        {
            Assert.True(AmpereSectionView.TryRead(b, out var v));
            c.Agree(AmpereSection.TypeIdField, v.HasTypeId, v.TypeId);
            c.Agree(AmpereSection.SubtypeIdField, v.HasSubtypeId, v.SubtypeId);
            c.Agree(AmpereSection.InstanceIdField, v.HasInstanceId, v.InstanceId);
        }),
        ["Windows PCIe DPC"] = new(CperGuids.WindowsPcieDpc, PcieDpcSection.LayoutDef, PcieDpcSection.Size, (b, c) =>
        {
            Assert.True(PcieDpcSectionView.TryRead(b, out var v));
            c.Agree(PcieDpcSection.HeaderField, v.HasHeader, v.Header);
            c.Agree(PcieDpcSection.CapabilityField, v.HasCapability, v.Capability);
            c.Agree(PcieDpcSection.ControlField, v.HasControl, v.Control);
            c.Agree(PcieDpcSection.StatusField, v.HasStatus, v.Status);
            c.Agree(PcieDpcSection.ErrorSourceIdField, v.HasErrorSourceId, v.ErrorSourceId);
            c.Agree(PcieDpcSection.RpPioStatusField, v.HasRpPioStatus, v.RpPioStatus);
            c.Agree(PcieDpcSection.RpPioMaskField, v.HasRpPioMask, v.RpPioMask);
            c.Agree(PcieDpcSection.RpPioSeverityField, v.HasRpPioSeverity, v.RpPioSeverity);
            c.Agree(PcieDpcSection.RpPioSysErrorField, v.HasRpPioSysError, v.RpPioSysError);
            c.Agree(PcieDpcSection.RpPioExceptionField, v.HasRpPioException, v.RpPioException);
            c.AgreeBytes(PcieDpcSection.RpPioHeaderLogField, v.HasRpPioHeaderLog, v.RpPioHeaderLog);
            c.Agree(PcieDpcSection.RpPioImpSpecLogField, v.HasRpPioImpSpecLog, v.RpPioImpSpecLog);
            c.AgreeBytes(PcieDpcSection.RpPioTlpPrefixLogField, v.HasRpPioTlpPrefixLog, v.RpPioTlpPrefixLog);
        }),
        ["Windows recovery info"] = new(CperGuids.WindowsErrorRecoveryInfo, ErrorRecoveryInfoSection.LayoutDef, ErrorRecoveryInfoSection.MinimumSize, (b, c) =>
        {
            Assert.True(ErrorRecoveryInfoSectionView.TryRead(b, out var v));
            c.Agree(ErrorRecoveryInfoSection.RecoveryKernelField, v.HasRecoveryKernel, v.RecoveryKernel ? 1UL : 0, asBool: true);
            c.Agree(ErrorRecoveryInfoSection.RecoveryActionField, v.HasRecoveryAction, v.RecoveryAction);
            c.Agree(ErrorRecoveryInfoSection.RecoveryTypeField, v.HasRecoveryType, v.RecoveryType);
            c.Agree(ErrorRecoveryInfoSection.IrqlField, v.HasIrql, v.Irql);
            c.Agree(ErrorRecoveryInfoSection.RecoverySucceededField, v.HasRecoverySucceeded, v.RecoverySucceeded ? 1UL : 0, asBool: true);
            c.Agree(ErrorRecoveryInfoSection.FailureReasonField, v.HasFailureReason, v.FailureReason);
            c.AgreeBytes(ErrorRecoveryInfoSection.ProcessNameField, v.HasProcessName, v.ProcessName);
            Assert.Equal(v.HasProcessName ? AsciiField.Decode(v.ProcessName) : "", ((ErrorRecoveryInfoSection)c.Model!).ProcessName);
        }),
        ["Windows Intel memory extension"] = new(CperGuids.WindowsMemoryErrorExtIntel, MemoryErrorExtIntelSection.LayoutDef, MemoryErrorExtIntelSection.Size, (b, c) =>
        {
            Assert.True(MemoryErrorExtIntelSectionView.TryRead(b, out var v));
            c.Validation(v.ValidationBits);
            c.Agree(MemoryErrorExtIntelSection.FlagsField, v.HasFlags, v.Flags);
            c.Agree(MemoryErrorExtIntelSection.MemDefField, v.HasMemDef, v.MemDef);
            c.Agree(MemoryErrorExtIntelSection.SystemAddressField, v.HasSystemAddress, v.SystemAddress);
            c.Agree(MemoryErrorExtIntelSection.SpareSystemAddressField, v.HasSpareSystemAddress, v.SpareSystemAddress);
            c.Agree(MemoryErrorExtIntelSection.DevicePhysicalAddressField, v.HasDevicePhysicalAddress, v.DevicePhysicalAddress);
            c.Agree(MemoryErrorExtIntelSection.ChannelAddressField, v.HasChannelAddress, v.ChannelAddress);
            c.Agree(MemoryErrorExtIntelSection.RankAddressField, v.HasRankAddress, v.RankAddress);
            c.Agree(MemoryErrorExtIntelSection.ProcessorSocketIdField, v.HasProcessorSocketId, v.ProcessorSocketId);
            c.Agree(MemoryErrorExtIntelSection.MemoryControllerIdField, v.HasMemoryControllerId, v.MemoryControllerId);
            c.Agree(MemoryErrorExtIntelSection.TargetIdField, v.HasTargetId, v.TargetId);
            c.Agree(MemoryErrorExtIntelSection.LogicalChannelIdField, v.HasLogicalChannelId, v.LogicalChannelId);
            c.Agree(MemoryErrorExtIntelSection.ChannelIdField, v.HasChannelId, v.ChannelId);
            c.Agree(MemoryErrorExtIntelSection.SubChannelIdField, v.HasSubChannelId, v.SubChannelId);
            c.Agree(MemoryErrorExtIntelSection.PhysicalRankIdField, v.HasPhysicalRankId, v.PhysicalRankId);
            c.Agree(MemoryErrorExtIntelSection.DimmSlotIdField, v.HasDimmSlotId, v.DimmSlotId);
            c.Agree(MemoryErrorExtIntelSection.DimmRankIdField, v.HasDimmRankId, v.DimmRankId);
            c.Agree(MemoryErrorExtIntelSection.BankField, v.HasBank, v.Bank);
            c.Agree(MemoryErrorExtIntelSection.BankGroupField, v.HasBankGroup, v.BankGroup);
            c.Agree(MemoryErrorExtIntelSection.RowField, v.HasRow, v.Row);
            c.Agree(MemoryErrorExtIntelSection.ColumnField, v.HasColumn, v.Column);
            c.Agree(MemoryErrorExtIntelSection.LockStepRankField, v.HasLockStepRank, v.LockStepRank);
            c.Agree(MemoryErrorExtIntelSection.LockStepPhysicalRankField, v.HasLockStepPhysicalRank, v.LockStepPhysicalRank);
            c.Agree(MemoryErrorExtIntelSection.LockStepBankField, v.HasLockStepBank, v.LockStepBank);
            c.Agree(MemoryErrorExtIntelSection.LockStepBankGroupField, v.HasLockStepBankGroup, v.LockStepBankGroup);
            c.Agree(MemoryErrorExtIntelSection.ChipSelectField, v.HasChipSelect, v.ChipSelect);
            c.Agree(MemoryErrorExtIntelSection.NodeField, v.HasNode, v.Node);
            c.Agree(MemoryErrorExtIntelSection.ChipIdField, v.HasChipId, v.ChipId);
        }),
        ["PCIe"] = new(CperGuids.PciExpress, PcieErrorSection.LayoutDef, PcieErrorSection.Size, (b, c) =>
        {
            Assert.True(PcieErrorSectionView.TryRead(b, out var v));
            c.Validation(v.ValidationBits);
            c.Agree(PcieErrorSection.PortTypeField, v.HasPortType, v.PortType);
            c.Agree(PcieErrorSection.VersionField, v.HasVersion, v.Version);
            c.Agree(PcieErrorSection.CommandField, v.HasCommand, v.Command);
            c.Agree(PcieErrorSection.StatusField, v.HasStatus, v.Status);
            c.AgreeBlock(PcieErrorSection.DeviceIdBlockField, v.HasDeviceIdBlock, v.DeviceIdBlock);
            c.Agree(PcieErrorSection.DeviceSerialNumberField, v.HasDeviceSerialNumber, v.DeviceSerialNumber);
            c.Agree(PcieErrorSection.SecondaryStatusField, v.HasSecondaryStatus, v.SecondaryStatus);
            c.Agree(PcieErrorSection.BridgeControlField, v.HasBridgeControl, v.BridgeControl);
            c.AgreeBlock(PcieErrorSection.CapabilityStructureField, v.HasCapabilityStructure, v.CapabilityStructure);
            c.AgreeBlock(PcieErrorSection.AerInfoField, v.HasAerInfo, v.AerInfo);
        }),
        ["PCIe device ID"] = new(CperGuids.PciExpress, PcieDeviceId.LayoutDef, PcieErrorSection.Size, (b, c) =>
        {
            Assert.True(PcieDeviceIdView.TryRead(b, out var v));
            c.Agree(PcieDeviceId.VendorIdField, v.HasVendorId, v.VendorId);
            c.Agree(PcieDeviceId.DeviceIdField, v.HasDeviceId, v.DeviceId);
            c.Agree(PcieDeviceId.ClassCodeField, v.HasClassCode, v.ClassCode);
            c.Agree(PcieDeviceId.FunctionNumberField, v.HasFunctionNumber, v.FunctionNumber);
            c.Agree(PcieDeviceId.DeviceNumberField, v.HasDeviceNumber, v.DeviceNumber);
            c.Agree(PcieDeviceId.SegmentNumberField, v.HasSegmentNumber, v.SegmentNumber);
            c.Agree(PcieDeviceId.PrimaryBusNumberField, v.HasPrimaryBusNumber, v.PrimaryBusNumber);
            c.Agree(PcieDeviceId.SecondaryBusNumberField, v.HasSecondaryBusNumber, v.SecondaryBusNumber);
            c.Agree(PcieDeviceId.SlotField, v.HasSlot, v.Slot);
        }, PcieErrorSection.DeviceIdBlockField),
        ["PCIe capability structure"] = new(CperGuids.PciExpress, PcieCapabilityStructure.LayoutDef, PcieErrorSection.Size, (b, c) =>
        {
            Assert.True(PcieCapabilityStructureView.TryRead(b, out var v));
            c.Agree(PcieCapabilityStructure.CapabilityIdField, v.HasCapabilityId, v.CapabilityId);
            c.Agree(PcieCapabilityStructure.NextCapabilityPointerField, v.HasNextCapabilityPointer, v.NextCapabilityPointer);
            c.Agree(PcieCapabilityStructure.PcieCapabilitiesField, v.HasPcieCapabilities, v.PcieCapabilities);
            c.Agree(PcieCapabilityStructure.DeviceCapabilitiesField, v.HasDeviceCapabilities, v.DeviceCapabilities);
            c.Agree(PcieCapabilityStructure.DeviceControlField, v.HasDeviceControl, v.DeviceControl);
            c.Agree(PcieCapabilityStructure.DeviceStatusField, v.HasDeviceStatus, v.DeviceStatus);
            c.Agree(PcieCapabilityStructure.LinkCapabilitiesField, v.HasLinkCapabilities, v.LinkCapabilities);
            c.Agree(PcieCapabilityStructure.LinkControlField, v.HasLinkControl, v.LinkControl);
            c.Agree(PcieCapabilityStructure.LinkStatusField, v.HasLinkStatus, v.LinkStatus);
            c.Agree(PcieCapabilityStructure.SlotCapabilitiesField, v.HasSlotCapabilities, v.SlotCapabilities);
            c.Agree(PcieCapabilityStructure.SlotControlField, v.HasSlotControl, v.SlotControl);
            c.Agree(PcieCapabilityStructure.SlotStatusField, v.HasSlotStatus, v.SlotStatus);
            c.Agree(PcieCapabilityStructure.RootControlField, v.HasRootControl, v.RootControl);
            c.Agree(PcieCapabilityStructure.RootCapabilitiesField, v.HasRootCapabilities, v.RootCapabilities);
            c.Agree(PcieCapabilityStructure.RootStatusField, v.HasRootStatus, v.RootStatus);
            c.Agree(PcieCapabilityStructure.DeviceCapabilities2Field, v.HasDeviceCapabilities2, v.DeviceCapabilities2);
            c.Agree(PcieCapabilityStructure.DeviceControl2Field, v.HasDeviceControl2, v.DeviceControl2);
            c.Agree(PcieCapabilityStructure.DeviceStatus2Field, v.HasDeviceStatus2, v.DeviceStatus2);
            c.Agree(PcieCapabilityStructure.LinkCapabilities2Field, v.HasLinkCapabilities2, v.LinkCapabilities2);
            c.Agree(PcieCapabilityStructure.LinkControl2Field, v.HasLinkControl2, v.LinkControl2);
            c.Agree(PcieCapabilityStructure.LinkStatus2Field, v.HasLinkStatus2, v.LinkStatus2);
            c.Agree(PcieCapabilityStructure.SlotCapabilities2Field, v.HasSlotCapabilities2, v.SlotCapabilities2);
            c.Agree(PcieCapabilityStructure.SlotControl2Field, v.HasSlotControl2, v.SlotControl2);
            c.Agree(PcieCapabilityStructure.SlotStatus2Field, v.HasSlotStatus2, v.SlotStatus2);
        }, PcieErrorSection.CapabilityStructureField),
        ["PCIe AER info"] = new(CperGuids.PciExpress, PcieAerInfo.LayoutDef, PcieErrorSection.Size, (b, c) =>
        {
            Assert.True(PcieAerInfoView.TryRead(b, out var v));
            c.Agree(PcieAerInfo.CapabilityHeaderField, v.HasCapabilityHeader, v.CapabilityHeader);
            c.Agree(PcieAerInfo.UncorrectableErrorStatusField, v.HasUncorrectableErrorStatus, v.UncorrectableErrorStatus);
            c.Agree(PcieAerInfo.UncorrectableErrorMaskField, v.HasUncorrectableErrorMask, v.UncorrectableErrorMask);
            c.Agree(PcieAerInfo.UncorrectableErrorSeverityField, v.HasUncorrectableErrorSeverity, v.UncorrectableErrorSeverity);
            c.Agree(PcieAerInfo.CorrectableErrorStatusField, v.HasCorrectableErrorStatus, v.CorrectableErrorStatus);
            c.Agree(PcieAerInfo.CorrectableErrorMaskField, v.HasCorrectableErrorMask, v.CorrectableErrorMask);
            c.Agree(PcieAerInfo.CapabilitiesControlField, v.HasCapabilitiesControl, v.CapabilitiesControl);
            c.Agree(PcieAerInfo.HeaderLog0Field, v.HasHeaderLog0, v.HeaderLog0);
            c.Agree(PcieAerInfo.HeaderLog1Field, v.HasHeaderLog1, v.HeaderLog1);
            c.Agree(PcieAerInfo.HeaderLog2Field, v.HasHeaderLog2, v.HeaderLog2);
            c.Agree(PcieAerInfo.HeaderLog3Field, v.HasHeaderLog3, v.HeaderLog3);
            c.Agree(PcieAerInfo.RootErrorCommandField, v.HasRootErrorCommand, v.RootErrorCommand);
            c.Agree(PcieAerInfo.RootErrorStatusField, v.HasRootErrorStatus, v.RootErrorStatus);
            c.Agree(PcieAerInfo.ErrorSourceIdField, v.HasErrorSourceId, v.ErrorSourceId);
            c.AgreeBytes(PcieAerInfo.TlpPrefixLogField, v.HasTlpPrefixLog, v.TlpPrefixLog);
        }, PcieErrorSection.AerInfoField),
        ["PCI component"] = new(CperGuids.PciComponent, PciComponentErrorSection.LayoutDef, PciComponentErrorSection.HeaderSize, (b, c) =>
        {
            Assert.True(PciComponentErrorSectionView.TryRead(b, out var v));
            c.Validation(v.ValidationBits);
            c.Agree(PciComponentErrorSection.ErrorStatusField, v.HasErrorStatus, v.ErrorStatus);
            c.Agree(PciComponentErrorSection.VendorIdField, v.HasVendorId, v.VendorId);
            c.Agree(PciComponentErrorSection.DeviceIdField, v.HasDeviceId, v.DeviceId);
            c.Agree(PciComponentErrorSection.ClassCodeField, v.HasClassCode, v.ClassCode);
            c.Agree(PciComponentErrorSection.FunctionNumberField, v.HasFunctionNumber, v.FunctionNumber);
            c.Agree(PciComponentErrorSection.DeviceNumberField, v.HasDeviceNumber, v.DeviceNumber);
            c.Agree(PciComponentErrorSection.BusNumberField, v.HasBusNumber, v.BusNumber);
            c.Agree(PciComponentErrorSection.SegmentNumberField, v.HasSegmentNumber, v.SegmentNumber);
            c.Agree(c.Layout.Find("memoryNumber")!, v.HasMemoryNumber, v.MemoryNumber);
            c.Agree(c.Layout.Find("ioNumber")!, v.HasIoNumber, v.IoNumber);
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
            c.Validation(v.ValidationBits);
            c.Agree(c.Layout.Find("length")!, v.HasLength, v.Length);
            c.Agree(CcixPerSection.SourceIdField, v.HasSourceId, v.SourceId);
            c.Agree(CcixPerSection.PortIdField, v.HasPortId, v.PortId);
            c.AgreeData("ccixPerLog", v.PerLog);
        }),
        ["CXL protocol"] = new(CperGuids.CxlProtocol, CxlProtocolErrorSection.LayoutDef, CxlProtocolErrorSection.HeaderSize, (b, c) =>
        {
            Assert.True(CxlProtocolErrorSectionView.TryRead(b, out var v));
            c.Validation(v.ValidationBits);
            c.Agree(CxlProtocolErrorSection.AgentTypeField, v.HasAgentType, v.AgentType);
            c.Agree(CxlProtocolErrorSection.AgentAddressField, v.HasAgentAddress, v.AgentAddress);
            c.Agree(CxlProtocolErrorSection.VendorIdField, v.HasVendorId, v.VendorId);
            c.Agree(CxlProtocolErrorSection.DeviceIdField, v.HasDeviceId, v.DeviceId);
            c.Agree(CxlProtocolErrorSection.SubsystemVendorIdField, v.HasSubsystemVendorId, v.SubsystemVendorId);
            c.Agree(CxlProtocolErrorSection.SubsystemIdField, v.HasSubsystemId, v.SubsystemId);
            c.Agree(CxlProtocolErrorSection.ClassCodeField, v.HasClassCode, v.ClassCode);
            c.Agree(CxlProtocolErrorSection.SlotField, v.HasSlot, v.Slot);
            c.Agree(CxlProtocolErrorSection.DeviceSerialNumberField, v.HasDeviceSerialNumber, v.DeviceSerialNumber);
            c.AgreeBytes(CxlProtocolErrorSection.CapabilityStructureField, v.HasCapabilityStructure, v.CapabilityStructure);
            c.Agree(c.Layout.Find("cxlDvsecLength")!, v.HasCxlDvsecLength, v.CxlDvsecLength);
            c.Agree(c.Layout.Find("cxlErrorLogLength")!, v.HasCxlErrorLogLength, v.CxlErrorLogLength);
            c.AgreeData("cxlDvsec", v.Dvsec);
            c.AgreeData("cxlErrorLog", v.ErrorLog);
        }),
        ["CXL component"] = new(CperGuids.CxlGeneralMedia, CxlComponentEventSection.LayoutDef, CxlComponentEventSection.HeaderSize, (b, c) =>
        {
            Assert.True(CxlComponentEventSectionView.TryRead(b, out var v));
            c.Validation(v.ValidationBits);
            c.Agree(c.Layout.Find("length")!, v.HasLength, v.Length);
            c.Agree(CxlComponentEventSection.VendorIdField, v.HasVendorId, v.VendorId);
            c.Agree(CxlComponentEventSection.DeviceIdField, v.HasDeviceId, v.DeviceId);
            c.Agree(CxlComponentEventSection.FunctionNumberField, v.HasFunctionNumber, v.FunctionNumber);
            c.Agree(CxlComponentEventSection.DeviceNumberField, v.HasDeviceNumber, v.DeviceNumber);
            c.Agree(CxlComponentEventSection.BusNumberField, v.HasBusNumber, v.BusNumber);
            c.Agree(CxlComponentEventSection.SegmentNumberField, v.HasSegmentNumber, v.SegmentNumber);
            c.Agree(CxlComponentEventSection.SlotField, v.HasSlot, v.Slot);
            c.Agree(CxlComponentEventSection.DeviceSerialNumberField, v.HasDeviceSerialNumber, v.DeviceSerialNumber);
            // The event record in the log (CXL 2.0 8.2.9.1.1): its common header, and a general media record field by field,
            // where the describer walks them ("eventRecord"); the model's log is the view's.
            var model = TryModel(b);
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
        ["ARM processor"] = new(CperGuids.ProcessorArm, ArmProcessorSection.LayoutDef, ArmProcessorSection.HeaderSize, (b, c) =>
        {
            // The header view; the error-information and context arrays after it are walked by the hand-written enumerators,
            // held to libcper's JSON and the model in ArmProcessorSectionViewTests.
            Assert.True(ArmProcessorSectionView.TryRead(b, out var v));
            c.Validation(v.ValidationBits);
            c.Agree(c.Layout.Find("errInfoNum")!, v.HasErrInfoNum, v.ErrInfoNum);
            c.Agree(c.Layout.Find("contextInfoNum")!, v.HasContextInfoNum, v.ContextInfoNum);
            c.Agree(c.Layout.Find("sectionLength")!, v.HasDeclaredSectionLength, v.DeclaredSectionLength);
            c.Agree(ArmProcessorSection.ErrorAffinityLevelField, v.HasErrorAffinityLevel, v.ErrorAffinityLevel);
            c.Agree(ArmProcessorSection.MpidrField, v.HasMpidr, v.Mpidr);
            c.Agree(ArmProcessorSection.MidrField, v.HasMidr, v.Midr);
            c.Agree(ArmProcessorSection.RunningStateField, v.HasRunningState, v.RunningState);
            c.Agree(ArmProcessorSection.PsciStateField, v.HasPsciState, v.PsciState);
        }),
        ["IA32/X64 processor"] = new(CperGuids.ProcessorIa32X64, Ia32X64ProcessorSection.LayoutDef, Ia32X64ProcessorSection.HeaderSize, (b, c) =>
        {
            // The header view; the error-information and context arrays after it are walked by the hand-written enumerators,
            // held to libcper's JSON and the model in Ia32X64ProcessorSectionViewTests.
            Assert.True(Ia32X64ProcessorSectionView.TryRead(b, out var v));
            c.Validation(v.ValidationBits);
            c.Agree(Ia32X64ProcessorSection.LocalApicIdField, v.HasLocalApicId, v.LocalApicId);
            c.Agree(c.Layout.Find("cpuIdEax")!, v.HasCpuIdEax, v.CpuIdEax);
            c.Agree(c.Layout.Find("cpuIdEbx")!, v.HasCpuIdEbx, v.CpuIdEbx);
            c.Agree(c.Layout.Find("cpuIdEcx")!, v.HasCpuIdEcx, v.CpuIdEcx);
            c.Agree(c.Layout.Find("cpuIdEdx")!, v.HasCpuIdEdx, v.CpuIdEdx);
            c.AgreeBytes(c.Layout.Find("cpuIdRest")!, v.HasCpuIdRest, v.CpuIdRest.ToArray());
        }),
        ["NVIDIA"] = new(NvidiaSection.SectionGuid, NvidiaSection.LayoutDef, NvidiaSection.HeaderSize, (b, c) =>
        {
            // No validation bits: every field the body reaches holds meaning.
            Assert.True(NvidiaSectionView.TryRead(b, out var v));
            c.AgreeBytes(NvidiaSection.SignatureField, v.HasSignature, v.Signature);
            c.Agree(NvidiaSection.ErrorTypeField, v.HasErrorType, v.ErrorType);
            c.Agree(NvidiaSection.ErrorInstanceField, v.HasErrorInstance, v.ErrorInstance);
            c.Agree(NvidiaSection.SeverityField, v.HasSeverity, v.Severity);
            c.Agree(NvidiaSection.SocketField, v.HasSocket, v.Socket);
            c.Agree(c.Layout.Find("registerCount")!, v.HasDeclaredRegisterCount, v.DeclaredRegisterCount);
            c.Agree(NvidiaSection.InstanceBaseField, v.HasInstanceBase, v.InstanceBase);
            // The register entries: as many as the describer walks, each read in place; and the model, when it takes the body.
            NvidiaSection? model = null;
            try { model = NvidiaSection.Decode(b); }
            catch (ApeiContentException) { }
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
        ["ARM RAS"] = new(ArmRasSection.SectionGuid, ArmRasSection.LayoutDef, ArmRasSection.NodeSize, (b, c) =>
        {
            // The node header (no validation bits); the syndromes and auxiliary data through the hand-written enumerators,
            // held to the walk (AgreeAt) and to the model; ArmRasSectionViewTests holds them to libcper's JSON.
            Assert.True(ArmRasSectionView.TryRead(b, out var v));
            c.Agree(ArmRasSection.RevisionField, v.HasRevision, v.Revision);
            c.Agree(ArmRasSection.ComponentTypeField, v.HasComponentType, v.ComponentType);
            c.Agree(c.Layout.Find("errorSyndromeCount")!, v.HasErrorSyndromeCount, v.ErrorSyndromeCount);
            c.Agree(c.Layout.Find("errorSyndromeOffset")!, v.HasErrorSyndromeOffset, v.ErrorSyndromeOffset);
            c.Agree(c.Layout.Find("auxiliaryDataOffset")!, v.HasAuxiliaryDataOffset, v.AuxiliaryDataOffset);
            c.Agree(ArmRasSection.IpInstanceFormatField, v.HasIpInstanceFormat, v.IpInstanceFormat);
            c.Agree(ArmRasSection.IpTypeFormatField, v.HasIpTypeFormat, v.IpTypeFormat);
            c.AgreeBytesOrBlock(ArmRasSection.IpInstanceField, v.HasIpInstance, v.IpInstance);
            c.AgreeBytesOrBlock(ArmRasSection.IpTypeField, v.HasIpType, v.IpType);
            c.AgreeBytes(ArmRasSection.UserDataField, v.HasUserData, v.UserData);
            ArmRasSection? model = null;
            try { model = ArmRasSection.Decode(b); }
            catch (ApeiContentException) { }
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
        ["firmware error record reference"] = new(CperGuids.FirmwareErrorRecordReference, FirmwareErrorRecordReferenceSection.LayoutDef, FirmwareErrorRecordReferenceSection.Size, (b, c) =>
        {
            // Hand-written over the generated statics: the revision decides whether bytes 16-31 are the GUID or payload.
            Assert.True(FirmwareErrorRecordReferenceSectionView.TryRead(b, out var v));
            c.Agree(FirmwareErrorRecordReferenceSection.RecordTypeField, true, v.RecordType);
            c.Agree(FirmwareErrorRecordReferenceSection.RevisionField, true, v.Revision);
            c.Agree(FirmwareErrorRecordReferenceSection.RecordIdentifierField, true, v.RecordIdentifier);
            c.AgreeBytes(FirmwareErrorRecordReferenceSection.RecordIdentifierGuidField, v.HasRecordIdentifierGuid, v.HasRecordIdentifierGuid ? v.RecordIdentifierGuid.ToByteArray() : []);
            c.AgreeData("payload", v.Payload);
        }),
        ["NVIDIA event"] = new(NvidiaEventSection.SectionGuid, NvidiaEventSection.LayoutDef, NvidiaEventSection.HeaderSize + NvidiaEventSection.InfoHeaderSize, (b, c) =>
        {
            // The event header view; the event information and the contexts after it are walked by the hand-written part,
            // held to libcper's JSON and the model in NvidiaEventSectionViewTests.
            Assert.True(NvidiaEventSectionView.TryRead(b, out var v));
            c.Agree(NvidiaEventSection.VersionField, v.HasVersion, v.Version);
            c.Agree(NvidiaEventSection.ContextCountField, v.HasContextCount, v.ContextCount);
            c.Agree(NvidiaEventSection.SourceDeviceTypeField, v.HasSourceDeviceType, v.SourceDeviceType);
            c.Agree(NvidiaEventSection.EventTypeField, v.HasEventType, v.EventType);
            c.Agree(NvidiaEventSection.EventSubtypeField, v.HasEventSubtype, v.EventSubtype);
            c.Agree(NvidiaEventSection.LinkIdField, v.HasLinkId, v.LinkId);
            c.AgreeBytes(NvidiaEventSection.SignatureBytesField, v.HasSignatureBytes, v.SignatureBytes);
        }),
    };

    public static TheoryData<string> Layouts => [.. s_rows.Keys];

    /// <summary>Rows whose section no fixture holds (checked over the seeded random bodies only); every other row must meet a real one.</summary>
    private static readonly HashSet<string> s_noFixtures = [];

    [Theory]
    [MemberData(nameof(Layouts))]
    public void View_agrees_with_the_describer_and_the_model(string layout)
    {
        var row = s_rows[layout];
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
        var declared = typeof(CperSections).Assembly.GetTypes()
            .Where(t => t.GetCustomAttributesData().Any(a => a.AttributeType.FullName == "ApeiKit.Declarations.LayoutAttribute"))
            .Select(t => ((StructDef)t.GetProperty("LayoutDef")!.GetValue(null)!).Name)
            .Order(StringComparer.Ordinal);
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

    private static CxlComponentEventSection? TryModel(ReadOnlySpan<byte> body)
    {
        try { return CxlComponentEventSection.Decode(body, CperGuids.CxlGeneralMedia); }
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
            try { model = codec.Decode(body, 0) as FixedSectionBody; }
            catch (ApeiContentException) { }
            codec.Describe(body, 0, recorder);
        }
        var part = row.Part is null ? body : body.AsSpan(row.Part.Offset, row.Part.Size).ToArray();
        string prefix = row.Part is null ? "" : row.Part.Json + ".";
        var c = new Checker(row.Layout, row.Part is null ? model : null, recorder, prefix, part.Length, where);
        row.Check(part, c);
        c.AssertEveryFieldChecked();
    }

    /// <summary>Holds one body's readings and compares a view accessor with them.</summary>
    private sealed class Checker(StructDef layout, FixedSectionBody? model, FieldRecorder described, string prefix, int length, string where)
    {
        private readonly HashSet<string> _checked = [];

        public FixedSectionBody? Model => model;

        public StructDef Layout => layout;

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
