namespace ApeiKit;

/// <summary>
/// JSON given by a user (a CPER record or error status block to encode, a HEST/ERST/EINJ build spec, a platform
/// scenario) that does not say what it must: a wrong type, an unknown member, a value that does not fit its field.
/// <see cref="Path"/> says where (<c>$.sections[1].body.physicalAddress</c>). One base for every JSON input error of
/// the libraries, so a caller handles them in one place; it is about the user's JSON, not about table or record bytes,
/// so it is not an <see cref="ApeiContentException"/>.
/// </summary>
public abstract class ApeiJsonException : Exception
{
    /// <summary>Creates the exception for the member at <paramref name="path"/>; the message is <c>path: problem</c>.</summary>
    /// <param name="path">JSON path of the value at fault (<c>$</c> is the document).</param>
    /// <param name="problem">What is wrong, without the path.</param>
    /// <param name="inner">The exception that revealed it, if any.</param>
    protected ApeiJsonException(string path, string problem, Exception? inner = null) : base($"{path}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>JSON path of the value at fault (<c>$</c> is the document, or the document for a parse error).</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Problem { get; }
}
