using System.Text;
using ApeiKit.Cper;
using ApeiKit.Cper.Input;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The dmesg importer: the kernel prints a section's FRU Text with <c>"%.20s"</c> (the 20-byte field, UEFI 2.10 N.2.2),
/// so a longer <c>fru_text:</c> line is not the kernel's; the rebuilt record keeps 20 characters and says so, never
/// silently. The log is fixtures/fleet/dmesg-hardware-errors.txt (constructed from the kernel's format strings).
/// </summary>
public class DmesgFruTextTests
{
    private static string Log() => File.ReadAllText(Fixtures.Path("fleet/dmesg-hardware-errors.txt"));

    [Fact]
    public void A_fru_text_as_the_kernel_prints_it_brings_no_notice()
    {
        var result = DmesgHardwareErrors.Unwrap(Encoding.ASCII.GetBytes(Log()));
        Assert.DoesNotContain(result.Notices, n => n.Contains("fru_text", StringComparison.Ordinal));
    }

    [Fact]
    public void A_fru_text_longer_than_the_field_is_said_not_cut_silently()
    {
        string log = Log().Replace("fru_text: Slot 0=", "fru_text: DIMM_A1_CHANNEL_0_SLOT_7", StringComparison.Ordinal);
        var result = DmesgHardwareErrors.Unwrap(Encoding.ASCII.GetBytes(log));
        Assert.Contains(result.Notices, n => n.Contains("DIMM_A1_CHANNEL_0_SLOT_7", StringComparison.Ordinal) && n.Contains("first 20", StringComparison.Ordinal));
    }
}
