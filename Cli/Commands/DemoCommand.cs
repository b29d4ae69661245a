using System.CommandLine;

namespace ApeiKit.Cli;

/// <summary>
/// <c>apeikit demo</c>: the built-in default job. Until the virtual platform lands it decodes an
/// embedded real capture (a Windows WHEA record with five sections) exactly as <c>apeikit decode</c> would.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var format = new Option<string>("--format", "-f") { Description = "text, json, ndjson or layout.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "ndjson", "layout");
        var command = new Command("demo", "Run the built-in demonstration: decode an embedded real CPER capture.") { format };
        command.SetAction(parse =>
        {
            using var stream = typeof(DemoCommand).Assembly.GetManifestResourceStream("sample-whea-multiple4.bin")
                ?? throw new InvalidOperationException("The embedded sample is missing from the build.");
            using var ms = new MemoryStream();
            stream.CopyTo(ms);
            context.Out.WriteLine("apeikit demo: decoding an embedded real Windows WHEA capture (fixtures/cper/whea/TestErrorMultiple4.bin)");
            context.Out.WriteLine();
            return DecodeCommand.DecodeBytes(context, "sample-whea-multiple4.bin", ms.ToArray(), parse.GetValue(format)!);
        });
        return command;
    }
}
