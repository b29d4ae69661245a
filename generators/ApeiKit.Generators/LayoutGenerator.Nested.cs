using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace ApeiKit.Generators;

// A nested structure as a field: [Field(20, 12, Nested = "GenericAddress")] on a byte[] property places another layout
// (a [Layout] declaration, or a type with a static StructDef Layout and a const int Size, as GenericAddress) inside this
// one. It is checked like any field (inside the size, no overlap: APK001/APK002), gets its FieldDef static, Declared
// constants, property and view accessor (its bytes), and is listed in NestedParts instead of the flat LayoutDef: the
// describers walk it as an object of its own where its offset falls (ACPI 6.5 §18.3.2.7: the GHES Error Status Address
// GAS at 20 and the notification structure at 32; HestLayouts builds its HestNestedParts from NestedParts).
public sealed partial class LayoutGenerator
{
    private static void CheckNested(SemanticModel model, int position, List<Field> fields, List<Diag> diags, Location? attrLocation)
    {
        foreach (var f in fields)
        {
            if (f.Nested is null) continue;
            var fieldModel = f.Scope is null || f.Scope == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(f.Scope);
            int at = f.Scope is null ? position : f.ScopePosition;
            var t = ResolveType(fieldModel, at, f.Nested);
            if (t is null)
            {
                diags.Add(new Diag(UnknownName, f.Location ?? attrLocation, f.Nested, "Nested", f.Prop));
                continue;
            }
            f.NestedType = t; // for an Inline part (LayoutGenerator.Variant.cs)
            string qualified = t.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            int size = -1;
            var layout = t.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == Attributes.Layout);
            if (layout is not null)
            {
                f.NestedLayout = qualified + ".LayoutDef";
                size = layout.ConstructorArguments.Length > 1 && layout.ConstructorArguments[1].Value is int s ? s : -1;
            }
            else if (t.GetMembers("Layout").OfType<IPropertySymbol>().Any(p => p.IsStatic && p.Type.ToDisplayString() == "ApeiKit.StructDef"))
            {
                f.NestedLayout = qualified + ".Layout";
                if (t.GetMembers("Size").OfType<IFieldSymbol>().FirstOrDefault(c => c.IsConst && c.ConstantValue is int) is { } c) size = (int)c.ConstantValue!;
            }
            else
            {
                diags.Add(new Diag(Unsupported, f.Location ?? attrLocation,
                    $"'{f.Prop}': Nested type '{f.Nested}' is not a layout (no [Layout], no static StructDef Layout)"));
                continue;
            }
            if (size >= 0 && size != f.Size)
                diags.Add(new Diag(Unsupported, f.Location ?? attrLocation, $"'{f.Prop}': the nested '{f.Nested}' is {size} bytes, the field {f.Size}"));
        }
    }

    private static INamedTypeSymbol? ResolveType(SemanticModel model, int position, string dotted)
    {
        var parts = dotted.Split('.');
        var found = model.LookupNamespacesAndTypes(position, name: parts[0]);
        if (found.IsEmpty) return null;
        INamespaceOrTypeSymbol current = (INamespaceOrTypeSymbol)found[0];
        for (int i = 1; i < parts.Length; i++)
        {
            var next = current.GetMembers(parts[i]).OfType<INamespaceOrTypeSymbol>().FirstOrDefault();
            if (next is null) return null;
            current = next;
        }
        return current as INamedTypeSymbol;
    }

    private static string EmitNested(INamedTypeSymbol type, string clause, List<Field> fields)
    {
        var nested = fields.Where(f => f.Nested is not null && f.InlineParts is null).ToList(); // Inline: in the LayoutDef (LayoutGenerator.Variant.cs)
        if (nested.Count == 0) return "";
        const string Part = "(int Offset, string Json, string Label, global::ApeiKit.StructDef Layout)";
        var sb = new StringBuilder();
        sb.Append("\npartial class ").Append(type.Name).Append("\n{\n");
        sb.Append("    /// <summary>The nested structures (").Append(Xml(clause))
          .Append(") in offset order: where each lies, its JSON name, label and layout. <see cref=\"LayoutDef\"/> holds the flat fields around them.</summary>\n");
        sb.Append("    internal static ").Append(Part).Append("[] NestedParts => new ").Append(Part).Append("[]\n    {\n");
        foreach (var f in nested)
            sb.Append("        (").Append(I(f.Offset)).Append(", ").Append(Lit(f.Json)).Append(", ").Append(Lit(f.Label)).Append(", ").Append(f.NestedLayout).Append("),\n");
        sb.Append("    };\n}\n");
        return sb.ToString();
    }
}
