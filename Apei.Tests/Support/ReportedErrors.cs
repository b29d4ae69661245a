namespace ApeiKit.Tests;

/// <summary>A visitor that keeps only the content errors a describer reports, in order (the walk goes on after each).</summary>
internal sealed class ReportedErrors : SilentVisitor
{
    public List<ApeiContentException> Seen { get; } = [];
    protected override void OnError(ApeiContentException error) => Seen.Add(error);
}
