using ApeiKit.Cper;

namespace ApeiKit.Tests.Rendering;

/// <summary>Describes the CPER records of an input one after the other, for tests that render or record whole inputs.</summary>
internal static class RecordWalk
{
    /// <summary>
    /// Describes each record of <paramref name="input"/> into <paramref name="visitor"/> (offsets absolute in the input) and
    /// stops at the first that cannot be read at all.
    /// </summary>
    public static void DescribeRecords(ReadOnlySpan<byte> input, StructureVisitor visitor, string label)
    {
        long offset = 0;
        while (!input.IsEmpty)
        {
            try
            {
                CperRecordDescriber.Describe(input, offset, visitor, label, out int n);
                input = input[n..];
                offset += n;
            }
            catch (ApeiContentException)
            {
                break;
            }
        }
    }
}
