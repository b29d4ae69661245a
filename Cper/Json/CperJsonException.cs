namespace ApeiKit.Cper.Json;

/// <summary>
/// The JSON given to <see cref="CperJsonReader"/> does not describe a record: a wrong type, an unknown member, a bad
/// GUID, a value that does not fit its field. <see cref="Path"/> says where (<c>$.sections[1].body.physicalAddress</c>).
/// One of the <see cref="ApeiJsonException"/>s (the base every JSON input error of the libraries shares).
/// </summary>
public sealed class CperJsonException : ApeiJsonException
{
    /// <summary>Creates the exception for the member at <paramref name="path"/>.</summary>
    /// <param name="path">JSON path of the offending member (<c>$</c> is the record, or the document for a parse error).</param>
    /// <param name="problem">What is wrong, without the path.</param>
    /// <param name="inner">The exception that revealed it, if any.</param>
    public CperJsonException(string path, string problem, Exception? inner = null) : base(path, problem, inner)
    {
    }
}
