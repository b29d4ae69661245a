namespace ApeiKit.Tests;

/// <summary>What every content error must say (structure, offset, expected, found): one assertion of it.</summary>
internal static class ContentError
{
    /// <summary>Asserts <paramref name="e"/> names <paramref name="structure"/> at <paramref name="offset"/>, expecting <paramref name="expected"/> and finding <paramref name="found"/>.</summary>
    public static void AssertSays(ApeiContentException e, string structure, long offset, string expected, string found)
    {
        Assert.Equal(structure, e.Structure);
        Assert.Equal(offset, e.Offset);
        Assert.Equal(expected, e.Expected);
        Assert.Equal(found, e.Found);
    }

    /// <summary>As <see cref="AssertSays(ApeiContentException, string, long, string, string)"/>, and that the error names <paramref name="field"/>.</summary>
    public static void AssertSays(ApeiContentException e, string structure, string? field, long offset, string expected, string found)
    {
        Assert.Equal(field, e.Field);
        AssertSays(e, structure, offset, expected, found);
    }
}
