using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>The section bodies of one type in every CPER record fixture, for tests that hold a view against its model.</summary>
internal static class FixtureSections
{
    /// <summary>
    /// Each body of sections of <paramref name="type"/> that lies within its fixture's bytes (the record read with
    /// <see cref="CperRecordView.ReadPrefix"/>, so a cut record still gives the sections it holds), with where it was found.
    /// </summary>
    public static IEnumerable<(string Where, byte[] Body)> OfType(Guid type)
    {
        foreach (var rel in Fixtures.CperRecords())
        {
            var bytes = Fixtures.Binary(rel);
            if (!bytes.AsSpan().StartsWith("CPER"u8)) continue;
            var found = new List<(string, byte[])>();
            var record = CperRecordView.ReadPrefix(bytes, out _);
            for (int i = 0; i < record.DescriptorCount; i++)
            {
                var d = record.GetDescriptor(i);
                if (d.SectionType != type || (ulong)d.SectionOffset + d.SectionLength > (ulong)bytes.Length) continue;
                found.Add(($"{rel} section {i}", bytes.AsSpan((int)d.SectionOffset, (int)d.SectionLength).ToArray()));
            }
            foreach (var section in found) yield return section;
        }
    }

    /// <summary>
    /// Each body of <see cref="OfType"/> that the editable model decodes, with the model <paramref name="decode"/> made of
    /// it (bodies it refuses with an <see cref="ApeiContentException"/> are left out: the view is held to the model only
    /// where there is one).
    /// </summary>
    public static IEnumerable<(byte[] Body, T Model)> Decodable<T>(Guid type, Func<byte[], T> decode)
    {
        foreach (var (_, body) in OfType(type))
        {
            T model;
            try { model = decode(body); }
            catch (ApeiContentException) { continue; }
            yield return (body, model);
        }
    }

    /// <summary>
    /// Runs <paramref name="check"/> on each body of <see cref="Decodable"/> with its model, and asserts there were at least
    /// <paramref name="minimum"/> of them (<paramref name="what"/> names them in the failure).
    /// </summary>
    public static void AssertEachDecodable<T>(Guid type, Func<byte[], T> decode, int minimum, string what, Action<byte[], T> check)
    {
        int seen = 0;
        foreach (var (body, model) in Decodable(type, decode))
        {
            seen++;
            check(body, model);
        }
        Assert.True(seen >= minimum, $"expected {what} sections in the fixtures, found {seen}");
    }

    /// <summary>
    /// Each body of sections of <paramref name="type"/> in <paramref name="inputs"/>, each input read as records back to
    /// back (<see cref="CperRecordView.TryRead"/>, up to the first that does not read) and only sections that lie within their record.
    /// </summary>
    public static IEnumerable<byte[]> InRecords(IEnumerable<byte[]> inputs, Guid type)
    {
        foreach (var input in inputs)
        {
            int at = 0;
            while (at < input.Length && CperRecordView.TryRead(input.AsSpan(at), out var record, out int n))
            {
                var found = new List<byte[]>();
                for (int i = 0; i < record.DescriptorCount; i++)
                {
                    var d = record.GetDescriptor(i);
                    if (d.SectionType == type && (ulong)d.SectionOffset + d.SectionLength <= (ulong)n)
                        found.Add(input.AsSpan(at + (int)d.SectionOffset, (int)d.SectionLength).ToArray());
                }
                foreach (var body in found) yield return body;
                at += n;
            }
        }
    }
}
