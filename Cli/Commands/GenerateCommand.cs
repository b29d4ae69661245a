using System.CommandLine;
using System.Globalization;

namespace ApeiKit.Cli;

/// <summary><c>apeikit generate</c>: a seeded dump of realistic CPER records (see <see cref="DumpGenerator"/>).</summary>
internal static class GenerateCommand
{
    public static Command Create(CliContext context)
    {
        var size = new Option<string>("--size", "-s") { Description = "How much to write, e.g. 1MB, 512KiB, 2GB (whole records: the last one may go past it).", DefaultValueFactory = _ => "1MB" };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed and size give the same bytes.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output", "-o") { Description = "File to write.", Required = true };
        var mix = new Option<string>("--mix") { Description = "Sections: mixed (memory, ARM, PCIe, processor generic) or memory (platform memory errors only).", DefaultValueFactory = _ => "mixed" };
        mix.AcceptOnlyFromAmong("mixed", "memory");
        var command = new Command("generate", "Write a seeded dump of realistic CPER records (memory, ARM, PCIe, processor generic; mixed severities) for benchmarks and load tests.") { size, seed, output, mix };
        command.SetAction(parse =>
        {
            long bytes = DumpGenerator.ParseSize(parse.GetValue(size)!);
            string path = parse.GetValue(output)!;
            long records;
            try
            {
                using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                records = DumpGenerator.Generate(fs, bytes, parse.GetValue(seed), parse.GetValue(mix) == "memory" ? DumpGenerator.Mix.Memory : DumpGenerator.Mix.Mixed);
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"apeikit: wrote {records} records, {fs.Length} bytes to {path}"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliUsageException($"{path}: cannot write: {e.Message}");
            }
            return CliApp.Ok;
        });
        return command;
    }
}
