using System.Reflection;
using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// A fixed section is its declaration, a fixture and its snapshot (issue #12, "Measures"; docs/DESIGN.md "Adding a fixed
/// section"). For every section declared with <c>[Layout(SectionGuid = ...)]</c>, found in the Cper assembly's metadata
/// (no line here names one): what the generator made of the declaration is where the library looks for it (its CperGuids
/// entry, once, with the declared name and source; its GuidName member; its built-in codec), and a fixture holds a body of
/// it whose layout rendering shows every field of the declaration at its offset and size, held to an approved snapshot
/// (values included). A new declared section fails here until a fixture and that snapshot exist.
/// </summary>
public sealed class DeclaredSectionTests
{
    private sealed record Declared(Type Type, string Guid, string? GuidName, string DisplayName, string Source, StructDef Layout, CperSectionCodec Codec);

    private static readonly Dictionary<string, Declared> s_declared = LayoutDeclarations.In(typeof(CperSections).Assembly)
        .Where(d => d.Named("SectionGuid") is not null)
        .ToDictionary(d => d.Type.Name, d =>
        {
            string clause = (string)d.Argument(2)!;
            return new Declared(d.Type, (string)d.Named("SectionGuid")!, (string?)d.Named("GuidName"), (string)d.Named("DisplayName")!,
                (string?)d.Named("GuidSource") ?? clause.Split(',')[0], d.Layout, (CperSectionCodec)d.Type.GetProperty("Codec")!.GetValue(null)!);
        });

    public static TheoryData<string> Sections => [.. s_declared.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Sections))]
    public void The_declaration_is_the_section_s_GUID_member_registry_entry_and_built_in_codec(string name)
    {
        var d = s_declared[name];
        var guid = new Guid(d.Guid);
        Assert.Equal(guid, d.Codec.SectionType);
        Assert.Equal(d.DisplayName, d.Codec.Name);
        // The GUID's member: CperGuids.<GuidName>, or the class's own SectionGuid.
        var member = d.GuidName is null ? d.Type.GetField("SectionGuid", BindingFlags.Public | BindingFlags.Static) : typeof(CperGuids).GetField(d.GuidName, BindingFlags.Public | BindingFlags.Static);
        Assert.NotNull(member);
        Assert.True(member.IsInitOnly);
        Assert.Equal(guid, member.GetValue(null));
        // One registry entry, the declared name and source.
        var entry = Assert.Single(CperGuids.All, e => e.Guid == guid);
        Assert.Equal(new CperGuidInfo(guid, CperGuidKind.Section, d.DisplayName, d.Source), entry);
        Assert.Equal(d.DisplayName, CperGuids.SectionName(guid));
        // Registered: the built-in codec of the default registry, and of a new one.
        Assert.Same(d.Codec, CperSections.Find(guid));
        Assert.Same(d.Codec, new CperSectionRegistry().Find(guid));
        Assert.True(CperSectionRegistry.Default.SectionLookup.Find(guid.ToByteArray())!.BuiltIn);
    }

    [Fact]
    public void The_registry_lists_appendix_N_sections_in_clause_order_and_each_GUID_once()
    {
        // CperGuids places each declared section's entry among the written ones: a UEFI section by its clause.
        static int[] Clause(string source) => [.. source["UEFI 2.10 N.".Length..].Split(' ')[0].Split('.').Select(int.Parse)];
        var uefi = CperGuids.All.Where(e => e.Kind == CperGuidKind.Section && e.Source.StartsWith("UEFI 2.10 N.", StringComparison.Ordinal)).ToList();
        Assert.Contains(uefi, e => s_declared.Values.Any(d => new Guid(d.Guid) == e.Guid));
        for (int i = 1; i < uefi.Count; i++)
        {
            var (a, b) = (Clause(uefi[i - 1].Source), Clause(uefi[i].Source));
            Assert.True(a.Zip(b).Select(p => p.First.CompareTo(p.Second)).FirstOrDefault(c => c != 0) is var c && (c < 0 || c == 0 && a.Length <= b.Length),
                $"{uefi[i - 1].Name} ({uefi[i - 1].Source}) listed before {uefi[i].Name} ({uefi[i].Source})");
        }
        Assert.Equal(CperGuids.All.Count, CperGuids.All.DistinctBy(e => (e.Kind, e.Guid)).Count());
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void A_fixture_shows_every_field(string name)
    {
        var d = s_declared[name];
        // The fixture body (whole layout or more) with the most fields whose bytes are not all zero, the first in path and
        // section order among equals: its layout rendering shows every field, reserved ranges included, at its offset and
        // size with its bytes and value, and a field read from the wrong place shows as a changed value.
        var (where, body) = FixtureSections.OfType(d.Codec.SectionType).Where(s => s.Body.Length >= d.Layout.Size)
            .Select((s, i) => (s, i, Score: d.Layout.Fields.Count(f => s.Body.AsSpan(f.Offset, f.Size).ContainsAnyExcept((byte)0))))
            .OrderByDescending(x => x.Score).ThenBy(x => x.i).Select(x => x.s).FirstOrDefault();
        Assert.True(body is not null, $"{name}: no fixture holds a {d.DisplayName} section of {d.Layout.Size} bytes or more: add one to fixtures/ (docs/DESIGN.md \"Adding a fixed section\")");
        var sw = new StringWriter { NewLine = "\n" };
        d.Codec.Describe(body, 0, new LayoutRenderer(sw));
        string rendering = sw.ToString();
        var lines = rendering.Split('\n');
        var missing = d.Layout.Fields.Where(f => !lines.Any(l => l.StartsWith($"[{f.Offset:X4}{f.Size,5}]", StringComparison.Ordinal))).Select(f => f.Json).ToList();
        Assert.True(missing.Count == 0, $"{where}: the layout rendering has no line for {string.Join(", ", missing)}\n{rendering}");
        Snapshot.Verify($"{where} ({body.Length} bytes), {d.Layout.Name} ({d.Layout.Fields.Count()} fields)\n{rendering}", name);
    }
}
