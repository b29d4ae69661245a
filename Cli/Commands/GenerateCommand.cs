using System.CommandLine;
using System.Globalization;
using ApeiKit.Cper.Generation;

namespace ApeiKit.Cli;

/// <summary><c>apeikit generate</c>: a seeded dump of realistic CPER records (see <see cref="CperDumpGenerator"/>).</summary>
internal static class GenerateCommand
{
    public static Command Create(CliContext context)
    {
        var size = new Option<string>("--size", "-s") { Description = "How much to write, e.g. 1MB, 512KiB, 2GB (whole records: the last one may go past it).", DefaultValueFactory = _ => "1MB" };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed and size give the same bytes.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output", "-o") { Description = "File to write ('-': standard output).", Required = true };
        var mix = new Option<string>("--mix") { Description = "Sections: mixed (memory, ARM, PCIe, processor generic) or memory (platform memory errors only).", DefaultValueFactory = _ => "mixed" };
        mix.AcceptOnlyFromAmong("mixed", "memory");
        var command = new Command("generate", "Write a seeded dump of realistic CPER records (memory, ARM, PCIe, processor generic; mixed severities) for benchmarks and load tests.") { size, seed, output, mix };
        command.SetAction(parse =>
        {
            long bytes = CliText.ParseSize(parse.GetValue(size)!);
            string path = parse.GetValue(output)!;
            CliFiles.CheckOutputs([], ("--output", path));
            using var target = CliFiles.Open(context, path);
            var counted = new CountingStream(target.Stream); // a pipe or device has no length: count what was written
            long records;
            try
            {
                var buffered = new BufferedStream(counted, 1 << 16);
                records = CperDumpGenerator.Generate(buffered, bytes, parse.GetValue(seed), parse.GetValue(mix) == "memory" ? CperDumpGenerator.Mix.Memory : CperDumpGenerator.Mix.Mixed);
                buffered.Flush();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliUsageException($"{CliText.Name(path)}: cannot write: {CliFiles.Reason(e, path)}");
            }
            target.Commit();
            context.Error.WriteLine($"apeikit: wrote {CliText.Count(records, "record")}, {CliText.Count(counted.Count, "byte")} to {EncodeCommand.Target(path)}");
            return CliApp.Ok;
        });
        return command;
    }
}
