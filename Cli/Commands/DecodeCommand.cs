using System.CommandLine;

namespace ApeiKit.Cli;

internal static class DecodeCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("files") { Description = "Files to decode ('-' for standard input).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("decode", "Decode CPER records, HEST, BERT and error status blocks.") { files };
        command.SetAction(parse => 0);
        return command;
    }
}
