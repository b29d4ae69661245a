using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Platform;

namespace ApeiKit.Tests.Platform;

/// <summary>
/// The rules of <see cref="LinuxGhesPolicy"/> case by case (drivers/acpi/apei/ghes.c, 6.1); the real-kernel tier
/// (RealKernelCalibrationTests) holds the same rules against a booted guest for the records it can run.
/// </summary>
public class LinuxGhesPolicyTests
{
    private static byte[] Block(uint blockSeverity, CperSectionBody body, uint sectionSeverity, byte flags = 0)
    {
        var block = new ErrorStatusBlock { ErrorSeverity = blockSeverity };
        block.Entries.Add(new ErrorDataEntry { Body = body, ErrorSeverity = sectionSeverity, Flags = flags });
        return block.Encode();
    }

    private static MemoryErrorSection Memory(bool validPa) => new() { PhysicalAddress = 0x41234567, ValidationBits = validPa ? 0x2UL : 0 }; // setters set their bit: validation last

    private static PcieErrorSection Pcie(ulong validation) => new() { SegmentNumber = 0, PrimaryBusNumber = 3, DeviceNumber = 4, FunctionNumber = 1, ValidationBits = validation };

    [Fact]
    public void A_recoverable_memory_error_with_an_address_goes_to_memory_failure_on_its_page()
    {
        var p = Assert.Single(LinuxGhesPolicy.ForGhes(Block(0, Memory(true), 0)));
        Assert.Equal(LinuxAction.MemoryFailure, p.Action);
        Assert.Equal(0x41234UL, p.Pfn);
    }

    [Fact]
    public void Without_a_valid_physical_address_a_memory_error_is_only_printed()
        => Assert.Equal(LinuxAction.LogOnly, Assert.Single(LinuxGhesPolicy.ForGhes(Block(0, Memory(false), 0))).Action);

    [Theory]
    [InlineData(2u, 2u, 0, LinuxAction.LogOnly)]      // corrected: printed
    [InlineData(2u, 2u, 8, LinuxAction.SoftOffline)]  // corrected over threshold: soft offline
    [InlineData(0u, 2u, 0, LinuxAction.LogOnly)]      // corrected section in a recoverable block
    [InlineData(2u, 0u, 0, LinuxAction.LogOnly)]      // recoverable section in a corrected block: both must be recoverable
    [InlineData(3u, 0u, 0, LinuxAction.LogOnly)]      // informational block
    [InlineData(1u, 0u, 0, LinuxAction.Panic)]        // fatal block: panic whatever the section says
    [InlineData(7u, 2u, 0, LinuxAction.Panic)]        // a severity Linux does not know maps to GHES_SEV_PANIC
    public void Memory_errors_follow_ghes_handle_memory_failure(uint blockSeverity, uint sectionSeverity, byte flags, LinuxAction expected)
        => Assert.Equal(expected, Assert.Single(LinuxGhesPolicy.ForGhes(Block(blockSeverity, Memory(true), sectionSeverity, flags))).Action);

    [Theory]
    [InlineData(0x88UL, 2u, 0, "correctable")]
    [InlineData(0x88UL, 0u, 0, "nonfatal")]
    [InlineData(0x88UL, 0u, 4, "fatal")]       // CPER_SEC_RESET: treated as AER_FATAL
    [InlineData(0x88UL, 3u, 0, "correctable")] // cper_severity_to_aer: anything not recoverable or fatal is correctable
    [InlineData(0x08UL, 0u, 0, null)]          // no AER info: printed only
    [InlineData(0x80UL, 0u, 0, null)]          // no device id: printed only
    public void Pcie_errors_go_to_the_aer_driver_only_with_device_id_and_aer_info(ulong validation, uint sectionSeverity, byte flags, string? aer)
    {
        var p = Assert.Single(LinuxGhesPolicy.ForGhes(Block(sectionSeverity == 3 ? 3u : sectionSeverity, Pcie(validation), sectionSeverity, flags)));
        Assert.Equal(aer is null ? LinuxAction.LogOnly : LinuxAction.AerRecovery, p.Action);
        Assert.Equal(aer, p.AerSeverity);
        if (aer is not null) Assert.Equal("0000:03:04.1", p.PciDevice);
    }

    [Fact]
    public void Bert_records_are_never_acted_on()
        => Assert.Equal(LinuxAction.LogOnly, LinuxGhesPolicy.ForBert().Action);
}
