using ApeiKit.Cper;

namespace ApeiKit.Tests;

/// <summary>What a section describer reports as content errors when it walks a body (the text it renders is dropped).</summary>
internal static class DescribeErrors
{
    /// <summary>The errors <paramref name="describe"/> reports over <paramref name="body"/>, walked as one object at offset 0.</summary>
    public static List<ApeiContentException> Of(SectionDescriber describe, byte[] body)
    {
        var errors = new ErrorCollector(new TextRenderer(new StringWriter()));
        errors.BeginObject("body", "Body", 0, body.Length);
        describe(body, 0, errors);
        errors.EndObject();
        return errors.Errors;
    }
}

/// <summary>
/// A section body whose count, size or length lies (nothing lost, nothing invented): the model decodes it, keeps what it
/// could not read so that it encodes back to the same bytes, and the describer reports the lie as a content error.
/// </summary>
internal static class KeptAndReported
{
    /// <summary>The model <paramref name="decode"/> makes of <paramref name="body"/>, after asserting that it encodes back to <paramref name="body"/> and that <paramref name="describe"/> reports an error.</summary>
    public static T Decode<T>(Func<byte[], T> decode, SectionDescriber describe, byte[] body) where T : CperSectionBody
    {
        var s = decode(body);
        Assert.Equal(body, s.Encode());
        Assert.NotEmpty(DescribeErrors.Of(describe, body));
        return s;
    }
}
