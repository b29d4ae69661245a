using ApeiKit.Cper;
using ApeiKit.Cper.Vendors;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The read-only section models whose GUID getters a reader calls per entry read the GUID in place (Guid's span
/// constructor over the model's bytes): no array per read. And the NVIDIA event structures that are declarations only
/// (their LayoutDefs are read, never an instance) have no constructor.
/// </summary>
public class SectionModelGuidTests
{
    private static readonly Guid s_key = new("bf32d4d5-b427-4025-8495-8a9e5d4030e4"); // the ARM RAS section type

    [Fact]
    public void An_arm_ras_key_value_pair_reads_its_key_without_allocating()
    {
        var bytes = new byte[ArmRasSection.PairSize];
        s_key.TryWriteBytes(bytes); // key at byte 0, 16 bytes (libcper EFI_ARM_RAS_AUX_KEY_VALUE_PAIR)
        var pair = new ArmRasKeyValuePair(bytes);
        ViewWalk.AssertAllocatesNothing(() => pair.Key, key => key == s_key);
    }

    [Fact]
    public void A_cxl_event_record_header_reads_its_record_type_without_allocating()
    {
        var bytes = new byte[CxlComponentEventSection.CommonHeaderSize];
        s_key.TryWriteBytes(bytes); // Event Record Identifier at byte 0 (CXL 2.0 Table 153)
        var header = new CxlEventRecordHeader(bytes);
        ViewWalk.AssertAllocatesNothing(() => header.EventRecordIdentifier, id => id == s_key);
    }

    [Fact]
    public void A_firmware_error_record_reference_reads_its_record_identifier_guid_without_allocating()
    {
        var section = new FirmwareErrorRecordReferenceSection { RecordIdentifierGuid = s_key }; // bytes 16-31 (UEFI 2.10 Table N-36, revision 2)
        var read = FirmwareErrorRecordReferenceSection.Decode(section.Encode());
        ViewWalk.AssertAllocatesNothing(() => read.RecordIdentifierGuid, id => id == s_key);
    }

    [Theory]
    [InlineData(typeof(NvidiaEventInfoHeader))]
    [InlineData(typeof(NvidiaCpuEventInfo))]
    [InlineData(typeof(NvidiaGpuEventInfo))]
    [InlineData(typeof(NvidiaGpuInitMetadata))]
    [InlineData(typeof(NvidiaGpuLegacyXid))]
    [InlineData(typeof(NvidiaGpuRecommendedActions))]
    [InlineData(typeof(NvidiaKeyValue64))]
    [InlineData(typeof(NvidiaKeyValue32))]
    [InlineData(typeof(NvidiaValue64))]
    [InlineData(typeof(NvidiaValue32))]
    public void The_nvidia_event_declarations_have_no_constructor_and_keep_their_layout(Type declaration)
    {
        Assert.True(declaration.IsAbstract);
        Assert.DoesNotContain(declaration.GetConstructors(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic),
            c => c.GetParameters().Length > 0);
        var layout = (StructDef)declaration.GetProperty("LayoutDef")!.GetValue(null)!;
        Assert.NotEmpty(layout.Fields);
    }
}
