namespace ApeiKit.Cper.Json;

/// <summary>
/// The JSON given to <see cref="CperJsonReader"/> does not describe a record: a wrong type, an unknown member, a bad
/// GUID, a value that does not fit its field. <see cref="Path"/> says where (<c>$.sections[1].body.physicalAddress</c>).
/// This is about the user's JSON, not about record bytes, so it is not an <see cref="ApeiContentException"/>.
/// </summary>
public sealed class CperJsonException : Exception
{
    /// <summary>Creates the exception for the member at <paramref name="path"/>.</summary>
    public CperJsonException(string path, string problem, Exception? inner = null) : base($"{path}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>JSON path of the offending member (<c>$</c> is the record, or the document for a parse error).</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Problem { get; }
}
