using System.CommandLine;
using ApeiKit.Platform;

namespace ApeiKit.Cli;

/// <summary>
/// <c>apeikit demo</c>: the built-in default job. Runs the virtual platform on its embedded default scenario
/// (an Arm VM whose HEST declares SEA, GPIO, GSIV, SEI and polled sources): firmware records CPER, the host
/// parses it and decides, the VMM translates the address and writes CPER where the guest's HEST says, then
/// notifies; the guest reads, acknowledges and recovers. Prints the trace, the summary, the invariant checks,
/// and then the guest's decoded view of every record it read.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var format = FormatOption.TextOrJson("text (trace, summary, guest's decoded records) or json (the machine-readable trace).");
        var command = new Command("demo", "Run the built-in demonstration: the default virtual-platform scenario, end to end, and what the guest decoded.") { format };
        command.SetAction(parse =>
        {
            string f = parse.GetValue(format)!;
            if (f == "text")
            {
                context.Out.WriteLine("apeikit demo: the virtual platform on its default scenario (apeikit simulate --print-default shows it).");
                context.Out.WriteLine("Firmware records CPER in the host's error status blocks; the host decides; the VMM translates host to guest");
                context.Out.WriteLine("addresses, writes CPER where the guest's HEST points and notifies by SEA, SEI, GSIV, GPIO or not at all (polled).");
                context.Out.WriteLine();
            }
            return SimulateCommand.Run(context, Scenario.Default, f, showRecords: f == "text");
        });
        return command;
    }
}
