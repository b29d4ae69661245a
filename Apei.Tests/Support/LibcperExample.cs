using System.Text.Json;
using ApeiKit.Cper;

namespace ApeiKit.Tests;

/// <summary>
/// A libcper example under fixtures/: <c>NAME.cperhex</c> (the record's bytes) and <c>NAME.json</c> (libcper's own output
/// for them, not ours). Gives the section bodies paired with the JSON libcper printed for each, so a test holds what our
/// code reads against what libcper reads.
/// </summary>
internal static class LibcperExample
{
    /// <summary>
    /// Each section of <paramref name="type"/> in example <paramref name="name"/> (its path under fixtures/ without the
    /// extension): the body and libcper's JSON for it (<paramref name="member"/> of that section's entry). Fails when the
    /// example holds no such section.
    /// </summary>
    public static List<(byte[] Body, JsonElement Expected)> Sections(string name, Guid type, string member)
    {
        var bytes = Fixtures.Binary(name + ".cperhex");
        using var json = JsonDocument.Parse(File.ReadAllText(Fixtures.Path(name + ".json")));
        var record = CperRecordView.ReadPrefix(bytes, out _);
        var found = new List<(byte[], JsonElement)>();
        for (int i = 0; i < record.DescriptorCount; i++)
        {
            var d = record.GetDescriptor(i);
            if (d.SectionType != type) continue;
            found.Add((Body(bytes, d), json.RootElement.GetProperty("sections")[i].GetProperty(member).Clone()));
        }
        Assert.True(found.Count > 0, name);
        return found;
    }

    /// <summary>The body of the example's first section and libcper's JSON for it (<paramref name="member"/> of its entry).</summary>
    public static (byte[] Body, JsonElement Expected) FirstSection(string name, string member)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Fixtures.Path(name + ".json")));
        return (FirstBody(name), json.RootElement.GetProperty("sections")[0].GetProperty(member).Clone());
    }

    /// <summary>The body of the example's first section (a copy: tests may change it).</summary>
    public static byte[] FirstBody(string name)
    {
        var bytes = Fixtures.Binary(name + ".cperhex");
        return Body(bytes, CperRecordView.ReadPrefix(bytes, out _).GetDescriptor(0));
    }

    /// <summary>
    /// libcper prints <paramref name="member"/> of <paramref name="parent"/> exactly when the field is valid
    /// (<paramref name="valid"/>: the view's HasX, from the validation bit), and then the view's <paramref name="value"/>:
    /// the member's number, or that of its <paramref name="valueMember"/> (libcper's <c>{"value": ..}</c> objects).
    /// </summary>
    public static void AssertMemberWhenValid(JsonElement parent, string member, bool valid, ulong value, string? valueMember = null)
    {
        Assert.True(parent.TryGetProperty(member, out var m) == valid, $"{member}: libcper {(valid ? "leaves it out" : "prints it")}, the view says Has = {valid}");
        if (valid) Assert.Equal((valueMember is null ? m : m.GetProperty(valueMember)).GetUInt64(), value);
    }

    private static byte[] Body(byte[] record, CperSectionDescriptor d) => record.AsSpan((int)d.SectionOffset, (int)d.SectionLength).ToArray();

    /// <summary>
    /// libcper's own document for example <paramref name="name"/> (fixtures/cper/libcper/NAME.json), changed by
    /// <paramref name="change"/>, is refused by the libcper JSON reader with a message that contains each of
    /// <paramref name="says"/> (the member's path, what was expected, what was found).
    /// </summary>
    public static void AssertDocumentRefused(string name, Action<System.Text.Json.Nodes.JsonObject> change, params string[] says)
    {
        var doc = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Fixtures.Path($"cper/libcper/{name}.json")))!.AsObject();
        change(doc);
        var e = Assert.Throws<ApeiKit.Cper.Json.CperJsonException>(() => ApeiKit.Cper.LibCper.LibCperJsonReader.Read(doc.ToJsonString()));
        foreach (var text in says) Assert.Contains(text, e.Message, StringComparison.Ordinal);
    }
}
