using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ApeiKit.Generators;

// A fixed section is its declaration (issue #12, "Measures"): [Layout(..., SectionGuid = "<guid>", GuidName = "X",
// DisplayName = "...")] says the section type GUID, its display name and its clause once, and the generator emits what
// used to be written by hand beside it in the assembly that declares ApeiKit.Cper.CperGuids and CperSections:
// - the CperGuids member (public static readonly Guid X; without GuidName the class's own SectionGuid, emitted with the
//   scaffolding) and the section's registry entry (CperGuids.DeclaredSections(): GUID, display name, source);
// - the built-in registration (CperSections.DeclaredCodecs(), which CperSections.BuiltIn includes).
// Both lists are in GUID text order (deterministic; CperGuids places each entry among the written ones by its source,
// docs/DESIGN.md "Adding a fixed section"). A GUID that is not 8-4-4-4-12 hexadecimal digits is APK009, one declared by
// two sections or already written in CperGuids (a Section-kind entry there) APK010, a section without DisplayName APK011,
// a GuidName another section takes or CperGuids already writes APK012.
public sealed partial class LayoutGenerator
{
    /// <summary>APK009: a section type GUID that is not a GUID.</summary>
    public static readonly DiagnosticDescriptor BadSectionGuid = Error("APK009", "Malformed section type GUID",
        "'{0}' given as SectionGuid of '{1}' is not a GUID (8-4-4-4-12 hexadecimal digits)");
    /// <summary>APK010: one section type GUID, two sections.</summary>
    public static readonly DiagnosticDescriptor SectionGuidTwice = Error("APK010", "Section type GUID declared twice",
        "Section type {0} of '{1}' is already {2}");
    /// <summary>APK011: a section without its display name.</summary>
    public static readonly DiagnosticDescriptor SectionNameMissing = Error("APK011", "Section display name missing",
        "'{0}' gives SectionGuid but no DisplayName (the name CperGuids and the codec show)");

    /// <summary>APK012: one CperGuids member name, two GUIDs.</summary>
    public static readonly DiagnosticDescriptor GuidNameTwice = Error("APK012", "Section GuidName declared twice",
        "GuidName '{0}' of '{1}' is already {2}");

    private const string GuidsType = "ApeiKit.Cper.CperGuids", SectionsType = "ApeiKit.Cper.CperSections";

    /// <summary>A declared section's registry entry: what the CperGuids member, entry and registration are made from.</summary>
    private sealed class RegisteredSection : IEquatable<RegisteredSection>
    {
        public string Text = "", DisplayName = "", Source = "", Type = "", TypeName = "", LayoutName = "", Clause = "";
        public string? GuidName;
        public SourceAt At; // the same capture as a diagnostic's (Diag)

        public Location Location => At.Location;

        public bool Equals(RegisteredSection? o) => o is not null && Text == o.Text && DisplayName == o.DisplayName && Source == o.Source
            && Type == o.Type && TypeName == o.TypeName && LayoutName == o.LayoutName && Clause == o.Clause && GuidName == o.GuidName
            && At.Equals(o.At); // everything a diagnostic or the output uses
        public override bool Equals(object? obj) => Equals(obj as RegisteredSection);
        public override int GetHashCode() => Text.GetHashCode();
    }

    /// <summary>
    /// What the compilation writes by hand: whether it declares CperGuids and CperSections, the GUID texts of CperGuids'
    /// Section-kind entries (a notification or check GUID is another registry kind, not a section already written) and
    /// the member names CperGuids writes.
    /// </summary>
    private sealed class WrittenRegistry : IEquatable<WrittenRegistry>
    {
        public bool Guids, Sections;
        public ImmutableArray<string> GuidTexts = ImmutableArray<string>.Empty, Members = ImmutableArray<string>.Empty;

        public bool Equals(WrittenRegistry? o) => o is not null && Guids == o.Guids && Sections == o.Sections && GuidTexts.SequenceEqual(o.GuidTexts)
            && Members.SequenceEqual(o.Members);
        public override bool Equals(object? obj) => Equals(obj as WrittenRegistry);
        public override int GetHashCode() => GuidTexts.Length;

        public static WrittenRegistry Read(Compilation compilation, System.Threading.CancellationToken ct)
        {
            var guids = compilation.GetTypeByMetadataName(GuidsType);
            var sections = compilation.GetTypeByMetadataName(SectionsType);
            var written = new SortedSet<string>(StringComparer.Ordinal);
            var refs = guids?.DeclaringSyntaxReferences ?? ImmutableArray<SyntaxReference>.Empty;
            // The written members' GUID texts (X = new("...")), then each entry new(guid, CperGuidKind.Section, ...): its GUID
            // a literal in place or a member's.
            var members = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var r in refs)
                foreach (var v in r.GetSyntax(ct).DescendantNodes().OfType<VariableDeclaratorSyntax>())
                    if (v.Initializer is { } init && GuidLiteral(init.Value) is { } text) members[v.Identifier.ValueText] = text;
            foreach (var r in refs)
                foreach (var e in r.GetSyntax(ct).DescendantNodes().OfType<BaseObjectCreationExpressionSyntax>())
                {
                    var args = e.ArgumentList?.Arguments;
                    if (args is not { Count: >= 2 } a || a[1].Expression is not MemberAccessExpressionSyntax kind || kind.Name.Identifier.ValueText != "Section"
                        || !kind.Expression.ToString().EndsWith("CperGuidKind", StringComparison.Ordinal)) continue;
                    var guid = a[0].Expression;
                    if (GuidLiteral(guid) is { } literal) written.Add(literal);
                    else if (guid is IdentifierNameSyntax id && members.TryGetValue(id.Identifier.ValueText, out var named)) written.Add(named);
                }
            return new WrittenRegistry
            {
                Guids = guids is not null && !refs.IsEmpty,
                Sections = sections is not null && !sections.DeclaringSyntaxReferences.IsEmpty,
                GuidTexts = written.ToImmutableArray(),
                // The compilation a generator sees holds only written code: these are the members CperGuids writes by hand.
                Members = guids is null ? ImmutableArray<string>.Empty : guids.MemberNames.OrderBy(m => m, StringComparer.Ordinal).ToImmutableArray(),
            };
        }

        /// <summary>The GUID text of <c>new("...")</c> / <c>new Guid("...")</c> (lower case), or null.</summary>
        private static string? GuidLiteral(ExpressionSyntax e)
            => e is BaseObjectCreationExpressionSyntax { ArgumentList.Arguments: { Count: 1 } a } && a[0].Expression is LiteralExpressionSyntax l
                && l.Token.Value is string text && IsGuidText(text) ? text.ToLowerInvariant() : null;
    }

    /// <summary>The registry's source for a layout clause: the clause up to its first comma ("UEFI 2.10 N.2.5, Table N-31": "UEFI 2.10 N.2.5").</summary>
    private static string ClauseSource(string clause)
    {
        int comma = clause.IndexOf(',');
        return comma < 0 ? clause : clause.Substring(0, comma);
    }

    /// <summary>8-4-4-4-12 hexadecimal digits, the form a GUID is written in throughout (UEFI 2.10 appendix A).</summary>
    private static bool IsGuidText(string s) => Guid.TryParseExact(s, "D", out _);

    private static void CheckSection(INamedTypeSymbol type, Section section, Location? at, List<Diag> diags)
    {
        if (!IsGuidText(section.Text)) diags.Add(new Diag(BadSectionGuid, at, section.Text, type.Name));
        if (section.DisplayName.Length == 0) diags.Add(new Diag(SectionNameMissing, at, type.Name));
        if (section.GuidName is { } member && !SyntaxFacts.IsValidIdentifier(member))
            diags.Add(new Diag(Unsupported, at, $"GuidName '{member}' of '{type.Name}' is not an identifier"));
        section.Text = section.Text.ToLowerInvariant();
        section.Guid = section.GuidName is { } g ? "global::" + GuidsType + "." + g : "SectionGuid";
    }

    private static RegisteredSection Registered(INamedTypeSymbol type, string name, string clause, Section section, Location? at)
        => new()
        {
            Text = section.Text, DisplayName = section.DisplayName, Source = section.Source, GuidName = section.GuidName,
            Type = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), TypeName = type.Name, LayoutName = name, Clause = clause,
            At = new SourceAt(at),
        };

    private static void RegisterSections(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<Result> built)
    {
        var declared = built.Where(static r => r.Registered is not null).Select(static (r, _) => r.Registered!).Collect();
        var written = context.CompilationProvider.Select(static (c, ct) => WrittenRegistry.Read(c, ct));
        context.RegisterSourceOutput(declared.Combine(written), static (spc, pair) => EmitRegistry(spc, pair.Left, pair.Right));
    }

    private static void EmitRegistry(SourceProductionContext spc, ImmutableArray<RegisteredSection> declared, WrittenRegistry written)
    {
        // GUID text order, then type name: the same lists whatever order the compiler hands the declarations over in.
        var sections = declared.OrderBy(d => d.Text, StringComparer.Ordinal).ThenBy(d => d.Type, StringComparer.Ordinal).ToList();
        var kept = new List<RegisteredSection>();
        var writtenTexts = new HashSet<string>(written.GuidTexts, StringComparer.Ordinal);
        foreach (var d in sections)
        {
            var first = kept.FirstOrDefault(k => k.Text == d.Text);
            if (first is not null)
                spc.ReportDiagnostic(Diagnostic.Create(SectionGuidTwice, d.Location, d.Text, d.TypeName, "declared by '" + first.TypeName + "'"));
            else if (writtenTexts.Contains(d.Text))
                spc.ReportDiagnostic(Diagnostic.Create(SectionGuidTwice, d.Location, d.Text, d.TypeName, "written in CperGuids"));
            else if (d.GuidName is { } name && kept.FirstOrDefault(k => k.GuidName == name) is { } named)
                spc.ReportDiagnostic(Diagnostic.Create(GuidNameTwice, d.Location, name, d.TypeName, "the member of '" + named.TypeName + "'"));
            else if (d.GuidName is { } member && written.Members.Contains(member))
                spc.ReportDiagnostic(Diagnostic.Create(GuidNameTwice, d.Location, member, d.TypeName, "a member written in CperGuids"));
            else kept.Add(d);
        }
        foreach (var d in kept.Where(d => d.GuidName is not null && !written.Guids))
            spc.ReportDiagnostic(Diagnostic.Create(Unsupported, d.Location,
                $"GuidName '{d.GuidName}' of '{d.TypeName}': this assembly does not declare {GuidsType} (leave GuidName out: the class gets its own SectionGuid)"));
        const string Banner = "// <auto-generated/>\n// Generated by ApeiKit.Generators from the [Layout(SectionGuid = ...)] declarations of this assembly; do not edit.\n#nullable enable\n";
        if (written.Guids)
        {
            var sb = new StringBuilder(Banner).Append("namespace ApeiKit.Cper;\n\nstatic partial class CperGuids\n{\n");
            foreach (var d in kept.Where(d => d.GuidName is not null))
            {
                sb.Append("    /// <summary>").Append(Xml(d.LayoutName)).Append(" (").Append(Xml(d.Clause)).Append("): the section type of <see cref=\"")
                  .Append(d.Type).Append("\"/>.</summary>\n");
                sb.Append("    public static readonly global::System.Guid ").Append(d.GuidName).Append(" = new(").Append(Lit(d.Text)).Append(");\n");
            }
            // Each GUID made from its text, not read from a member: static fields of another part of CperGuids may not be
            // initialized yet when the written part's table is built.
            sb.Append("\n    /// <summary>The entries of the sections declared with <c>[Layout(SectionGuid = ...)]</c>, in GUID order.</summary>\n");
            sb.Append("    private static global::ApeiKit.Cper.CperGuidInfo[] DeclaredSections() => new global::ApeiKit.Cper.CperGuidInfo[]\n    {\n");
            foreach (var d in kept)
                sb.Append("        new(new global::System.Guid(").Append(Lit(d.Text)).Append("), global::ApeiKit.Cper.CperGuidKind.Section, ")
                  .Append(Lit(d.DisplayName)).Append(", ").Append(Lit(d.Source)).Append("),\n");
            sb.Append("    };\n}\n");
            spc.AddSource("ApeiKit.Cper.CperGuids.Declared.g.cs", SourceText.From(sb.ToString(), Encoding.UTF8));
        }
        if (written.Sections)
        {
            var sb = new StringBuilder(Banner).Append("namespace ApeiKit.Cper;\n\nstatic partial class CperSections\n{\n");
            sb.Append("    /// <summary>The codecs of the sections declared with <c>[Layout(SectionGuid = ...)]</c>, in GUID order.</summary>\n");
            sb.Append("    private static global::ApeiKit.Cper.CperSectionCodec[] DeclaredCodecs() => new global::ApeiKit.Cper.CperSectionCodec[]\n    {\n");
            foreach (var d in kept) sb.Append("        ").Append(d.Type).Append(".Codec,\n");
            sb.Append("    };\n}\n");
            spc.AddSource("ApeiKit.Cper.CperSections.Declared.g.cs", SourceText.From(sb.ToString(), Encoding.UTF8));
        }
    }
}
