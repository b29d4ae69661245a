using System.Runtime.CompilerServices;
using ApprovalTests;
using ApprovalTests.Core;
using ApprovalTests.Reporters;

namespace ApeiKit.Tests;

/// <summary>
/// The one place snapshot testing is wired (ApprovalTests today; Verify later would change only this file).
/// Approved files live in a <c>snapshots</c> folder beside the test source file, named
/// <c>Class.Test[.name].approved.ext</c>. A mismatch fails the test and leaves a <c>.received.</c> file
/// beside it (ignored by git). To accept new output, set <c>APEIKIT_APPROVE=1</c> and run the tests again,
/// then review the diff of the approved files.
/// </summary>
public static class Snapshot
{
    /// <summary>Compares <paramref name="text"/> with the approved snapshot.</summary>
    public static void Verify(string text, string? name = null, string extension = ".txt",
        [CallerFilePath] string sourceFile = "", [CallerMemberName] string member = "")
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var dir = Path.Combine(Path.GetDirectoryName(sourceFile)!, "snapshots");
        Directory.CreateDirectory(dir);
        var fileName = Path.GetFileNameWithoutExtension(sourceFile) + "." + member + (name is null ? "" : "." + Sanitize(name));
        var writer = new ApprovalTextWriter(text, extension);
        var namer = new FixedNamer(dir, fileName);
        if (Environment.GetEnvironmentVariable("APEIKIT_APPROVE") == "1")
        {
            File.WriteAllText(writer.GetApprovalFilename(Path.Combine(dir, fileName)), text);
        }
        Approvals.Verify(writer, namer, new QuietReporter());
    }

    private static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        return new string(chars);
    }

    private sealed class FixedNamer(string sourcePath, string name) : IApprovalNamer
    {
        public string SourcePath => sourcePath;
        public string Name => name;
    }
}
