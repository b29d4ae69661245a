// The net8.0 side of Net8ParityTests: renders every file named on the command line (arguments alternate path, name)
// with ParityRendering and writes the result to standard output.
using ApeiKit.Tests.Net8;

Console.Out.NewLine = "\n";
var output = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
for (int i = 0; i + 1 < args.Length; i += 2) output.Write(ParityRendering.RenderFile(args[i], args[i + 1]));
output.Write("runtime " + Environment.Version.Major + "\n");
output.Flush();
