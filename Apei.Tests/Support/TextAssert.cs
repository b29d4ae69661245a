namespace ApeiKit.Tests;

/// <summary>Assertions on rendered text (what a renderer or the CLI printed).</summary>
internal static class TextAssert
{
    /// <summary>Asserts <paramref name="text"/> holds each of <paramref name="expected"/> (ordinal comparison; a failure names the first one missing).</summary>
    public static void ContainsAll(string text, params string[] expected)
    {
        foreach (var e in expected) Assert.Contains(e, text, StringComparison.Ordinal);
    }
}
