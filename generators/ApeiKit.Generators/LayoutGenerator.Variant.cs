using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ApeiKit.Generators;

// Layouts whose parts depend on their own values (the Windows XPF MCA section, WHEA_XPF_MCA_SECTION; docs/DESIGN.md
// "One declaration per structure", "Variants, counted arrays, inline structures"):
// - [Variant(selector, value, ...)] on a [Field]: when the field named `selector` holds `value` (to `Max`), the field reads
//   as another form (other bit table, names, label or JSON name, or reserved). Generated: `{Prop}FieldFor(value)`, and a
//   static `{Name}Field` for a variant that is given a Name (the XPF MCA section's version-1 Reserved2 at offset 68).
// - [CountedArray(name, offset, elementSize, capacity, kind, Count = ...)] on the class: `capacity` elements of
//   `elementSize` bytes from `offset`, of which the field named by Count says how many hold meaning. Generated:
//   `{Name}Elements` (one FieldDef per element, absolute offsets, "{i}" in the element's JSON name and label standing for
//   its index), `{Name}Count(body)` (the count clamped to the capacity and to the elements the body holds; never throws),
//   and Declared `{Name}Offset/ElementSize/Capacity`. Arrays are not in the flat LayoutDef (the count decides them).
// - [Field(offset, size, Nested = "T", Inline = true)]: the nested layout T's fields are listed in this layout's
//   LayoutDef at their offset plus `offset` (a structure placed inside another, its own LayoutDef kept for itself).
public sealed partial class LayoutGenerator
{
    /// <summary>APK006: a variant that cannot be generated.</summary>
    public static readonly DiagnosticDescriptor BadVariant = Error("APK006", "Unsupported field variant",
        "{0}");
    /// <summary>APK007: a counted array that cannot be generated.</summary>
    public static readonly DiagnosticDescriptor BadCountedArray = Error("APK007", "Unsupported counted array",
        "{0}");

    private const string VariantAttributeName = Attributes.Namespace + ".VariantAttribute";
    private const string CountedArrayAttributeName = Attributes.Namespace + ".CountedArrayAttribute";

    private const string VariableSource = Attributes.FileStart + """
    /// <summary>Another form of a <see cref="FieldAttribute"/> field, used when another field of the layout holds a value.</summary>
    [global::System.AttributeUsage(global::System.AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
    [global::Microsoft.CodeAnalysis.Embedded]
    internal sealed class VariantAttribute : global::System.Attribute
    {
        /// <summary>A variant.</summary>
        /// <param name="selector">The property (a field of the same layout) whose value selects the form.</param>
        /// <param name="value">The value (the lowest, with <see cref="Max"/>).</param>
        public VariantAttribute(string selector, long value) { Selector = selector; Value = value; Max = value; }
        /// <summary>The selecting field's property.</summary>
        public string Selector { get; }
        /// <summary>The selecting value.</summary>
        public long Value { get; }
        /// <summary>The highest selecting value (default: <see cref="Value"/>).</summary>
        public long Max { get; set; }
        /// <summary>A name for the form: a static <c>{Name}Field</c> is generated for it.</summary>
        public string? Name { get; set; }
        /// <summary>The form is reserved bytes.</summary>
        public bool Reserved { get; set; }
        /// <summary>JSON name (default: the field's, or the camelCase <see cref="Name"/>).</summary>
        public string? Json { get; set; }
        /// <summary>Label (default: the field's).</summary>
        public string? Label { get; set; }
        /// <summary>Name of a NameTable member.</summary>
        public string? Names { get; set; }
        /// <summary>Name of a FlagTable member.</summary>
        public string? Flags { get; set; }
        /// <summary>Name of an IReadOnlyList&lt;BitFieldDef&gt; member.</summary>
        public string? Bits { get; set; }
    }

    /// <summary>An array of fixed-size elements inside a layout, as many holding meaning as a count field says.</summary>
    [global::System.AttributeUsage(global::System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    [global::Microsoft.CodeAnalysis.Embedded]
    internal sealed class CountedArrayAttribute : global::System.Attribute
    {
        /// <summary>A counted array.</summary>
        /// <param name="name">Name (PascalCase) of the generated members.</param>
        /// <param name="offset">Byte offset of the first element.</param>
        /// <param name="elementSize">Size of one element in bytes (1-8).</param>
        /// <param name="capacity">Number of elements the layout holds.</param>
        /// <param name="kind">How an element is read and shown (UInt or Hex).</param>
        public CountedArrayAttribute(string name, int offset, int elementSize, int capacity, global::ApeiKit.FieldKind kind)
        { Name = name; Offset = offset; ElementSize = elementSize; Capacity = capacity; Kind = kind; }
        /// <summary>Name.</summary>
        public string Name { get; }
        /// <summary>Byte offset.</summary>
        public int Offset { get; }
        /// <summary>Element size.</summary>
        public int ElementSize { get; }
        /// <summary>Capacity.</summary>
        public int Capacity { get; }
        /// <summary>Kind.</summary>
        public global::ApeiKit.FieldKind Kind { get; }
        /// <summary>The property (a field of the same layout) holding the number of elements in use.</summary>
        public string? Count { get; set; }
        /// <summary>JSON name of an element; "{i}" stands for its index and is needed when there are two or more (default: the camelCase name, then the index).</summary>
        public string? ElementJson { get; set; }
        /// <summary>Label of an element; "{i}" stands for its index and is needed when there are two or more (default: the name in words, then the index).</summary>
        public string? ElementLabel { get; set; }
    }
}
""";

    private sealed class Variant
    {
        public Field Of = null!;
        public string Selector = "";
        public long Value, Max;
        public string? Name, Json, Label, Names, Flags, Bits;
        public bool Reserved;
        public Location? Location;
    }

    private sealed class CountedArray
    {
        public string Name = "", Kind = "", Json = "", Label = "";
        public int Offset, ElementSize, Capacity;
        public Field Count = null!;
        public Location? Location;
    }

    private sealed class Variable
    {
        public List<Variant> Variants = new();
        public List<CountedArray> Arrays = new();
        public bool IsEmpty => Variants.Count == 0 && Arrays.Count == 0;
    }

    private static Variable ReadVariable(INamedTypeSymbol type, string layoutName, int size, List<Field> fields, SemanticModel model, int position,
        List<Diag> diags, Location? attrLocation, System.Threading.CancellationToken ct)
    {
        var result = new Variable();
        foreach (var f in fields.Where(x => x.Inline && x.Nested is null))
            diags.Add(new Diag(Unsupported, f.Location ?? attrLocation, $"'{f.Prop}': Inline needs Nested (the layout whose fields are listed here)"));
        // Inline nested structures: their fields, shifted.
        foreach (var f in fields.Where(x => x.Nested is not null && x.Inline))
        {
            var t = f.NestedType; // resolved by CheckNested
            if (t is null || !t.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == Attributes.Layout)) continue; // CheckNested reported it
            var parts = new List<Field>();
            ReadFields(t, parts, new List<Diag>(), ct); // the nested declaration reports its own diagnostics
            if (parts.Any(p => p.Nested is not null || p.Type == "byte[]" && !p.IsReserved))
            {
                diags.Add(new Diag(Unsupported, f.Location ?? attrLocation, $"'{f.Prop}': Inline needs a nested layout of integer and reserved fields only"));
                continue;
            }
            // The host lists the nested layout's declared fields: a variant of one would not be selected here.
            if (t.GetMembers().OfType<IPropertySymbol>().FirstOrDefault(HasVariant) is { } varied)
            {
                diags.Add(new Diag(BadVariant, f.Location ?? attrLocation, $"'{f.Prop}': Inline needs a nested layout without variants ('{t.Name}.{varied.Name}' has one)"));
                continue;
            }
            parts.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            f.InlineType = t.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            f.InlineParts = parts;
        }

        Field? FieldNamed(string prop) => fields.FirstOrDefault(x => x.Prop == prop && !x.IsReserved);
        string? Check(string? member, string what, string owner, Location? at)
        {
            if (member is null) return null;
            var symbol = Resolve(model, position, member);
            if (symbol is null)
            {
                diags.Add(new Diag(UnknownName, at ?? attrLocation, member, what, owner));
                return member;
            }
            return Qualified(symbol);
        }

        // A fragment's fields are the same in every layout that implements it: they have no variants.
        foreach (var iface in type.Interfaces.Where(i => i.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == Attributes.Fragment)))
            foreach (var p in iface.GetMembers().OfType<IPropertySymbol>())
                foreach (var a in p.GetAttributes().Where(a => a.AttributeClass?.ToDisplayString() == VariantAttributeName))
                    diags.Add(new Diag(BadVariant, a.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation() ?? attrLocation,
                        $"[Variant] on '{p.Name}' of the fragment '{iface.Name}': a fragment's fields have no variants"));

        foreach (var p in type.GetMembers().OfType<IPropertySymbol>())
        {
            var field = fields.FirstOrDefault(x => x.Prop == p.Name && !x.IsReserved && x.Fragment is null);
            foreach (var a in p.GetAttributes())
            {
                if (a.AttributeClass?.ToDisplayString() != VariantAttributeName) continue;
                var location = a.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation() ?? attrLocation;
                if (field is null)
                {
                    diags.Add(new Diag(BadVariant, location, $"[Variant] on '{p.Name}', which is not a [Field] of '{type.Name}'"));
                    continue;
                }
                long value = a.ConstructorArguments[1].Value is long v ? v : 0;
                var variant = new Variant
                {
                    Of = field, Selector = Str(a.ConstructorArguments[0]) ?? "", Value = value,
                    Max = Named(a, "Max") is long m ? m : value, Name = Named(a, "Name") as string, Reserved = Named(a, "Reserved") is true,
                    Json = Named(a, "Json") as string, Label = Named(a, "Label") as string, Location = location,
                };
                variant.Names = Check(Named(a, "Names") as string, "Names", p.Name, location);
                variant.Flags = Check(Named(a, "Flags") as string, "Flags", p.Name, location);
                variant.Bits = Check(Named(a, "Bits") as string, "Bits", p.Name, location);
                var selector = FieldNamed(variant.Selector);
                if (selector is null) diags.Add(new Diag(UnknownName, location, variant.Selector, "Variant", p.Name));
                else if (selector == field || selector.Size > 8 || selector.Type is "byte[]" or "string" or "Guid" or "System.Guid")
                    diags.Add(new Diag(BadVariant, location, $"'{p.Name}': the selector '{variant.Selector}' must be another integer field of '{type.Name}'"));
                else if (variant.Value < 0 || variant.Max < variant.Value)
                    diags.Add(new Diag(BadVariant, location, $"'{p.Name}': variant values {variant.Value}-{variant.Max} are not a range of non-negative values"));
                else if (!variant.Reserved && variant.Json is null && variant.Label is null && variant.Names is null && variant.Flags is null && variant.Bits is null)
                    diags.Add(new Diag(BadVariant, location, $"'{p.Name}': a variant that changes nothing (give Reserved, Json, Label, Names, Flags or Bits)"));
                else if (result.Variants.FirstOrDefault(o => o.Of == field && (o.Selector != variant.Selector || o.Value <= variant.Max && variant.Value <= o.Max)) is { } clash)
                    diags.Add(new Diag(BadVariant, location, clash.Selector != variant.Selector
                        ? $"'{p.Name}': variants selected by two fields ('{clash.Selector}', '{variant.Selector}')"
                        : $"'{p.Name}': variant values {variant.Value}-{variant.Max} overlap {clash.Value}-{clash.Max}"));
                else if (variant.Name is not null && (fields.Any(x => x.Prop == variant.Name) || result.Variants.Any(o => o.Name == variant.Name)))
                    diags.Add(new Diag(BadVariant, location, $"'{p.Name}': the variant name '{variant.Name}' is taken"));
                else result.Variants.Add(variant);
            }
        }

        foreach (var a in type.GetAttributes())
        {
            if (a.AttributeClass?.ToDisplayString() != CountedArrayAttributeName) continue;
            var location = a.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation() ?? attrLocation;
            var args = a.ConstructorArguments;
            int kindValue = args[4].Value is int k ? k : 0;
            string arrayName = Str(args[0]) ?? "";
            var array = new CountedArray
            {
                Name = arrayName,
                Offset = args[1].Value is int o ? o : 0, ElementSize = args[2].Value is int e ? e : 0, Capacity = args[3].Value is int c ? c : 0,
                Kind = (args[4].Type as INamedTypeSymbol)?.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(x => x.HasConstantValue && Equals(x.ConstantValue, kindValue))?.Name ?? "",
                // Each element a name of its own: "{i}" stands for its index.
                Json = Named(a, "ElementJson") as string ?? Camel(arrayName) + "{i}",
                Label = Named(a, "ElementLabel") as string ?? Words(arrayName) + " {i}",
                Location = location,
            };
            string? countProp = Named(a, "Count") as string;
            int end = array.Offset + array.ElementSize * array.Capacity;
            var count = countProp is null ? null : FieldNamed(countProp);
            if (arrayName.Length == 0 || !SyntaxFacts.IsValidIdentifier(arrayName) || fields.Any(x => x.Prop == arrayName) || result.Arrays.Any(x => x.Name == arrayName))
                diags.Add(new Diag(BadCountedArray, location, $"Counted array '{arrayName}' of '{type.Name}' needs a name of its own"));
            else if (array.Capacity > 1 && (!array.Json.Contains("{i}") || !array.Label.Contains("{i}")))
                diags.Add(new Diag(BadCountedArray, location, $"Counted array '{arrayName}': ElementJson and ElementLabel need \"{{i}}\" (each element a name of its own)"));
            else if (countProp is null) diags.Add(new Diag(BadCountedArray, location, $"Counted array '{arrayName}' of '{type.Name}' needs Count (the field holding how many elements are in use)"));
            else if (count is null) diags.Add(new Diag(UnknownName, location, countProp, "Count", arrayName));
            else if (count.Size > 8 || count.Kind is not ("UInt" or "Hex")) diags.Add(new Diag(BadCountedArray, location, $"Counted array '{arrayName}': the count '{countProp}' must be a UInt or Hex field of at most 8 bytes"));
            else if (array.ElementSize < 1 || array.ElementSize > 8 || array.Capacity < 1 || array.Kind is not ("UInt" or "Hex"))
                diags.Add(new Diag(BadCountedArray, location, $"Counted array '{arrayName}': elements must be UInt or Hex of 1-8 bytes, at least one"));
            else if (array.Offset < 0 || end > size) diags.Add(new Diag(OutsideSize, location, arrayName, I(array.Offset), I(end - array.Offset), I(size), layoutName));
            else if (fields.FirstOrDefault(x => x.Offset < end && array.Offset < x.Offset + x.Size) is { } hit)
                diags.Add(new Diag(Overlap, location, arrayName, I(array.Offset), I(end - array.Offset), hit.Json, I(hit.Offset), I(hit.Size), layoutName));
            else if (result.Arrays.FirstOrDefault(x => x.Offset < end && array.Offset < x.Offset + x.ElementSize * x.Capacity) is { } other)
                diags.Add(new Diag(Overlap, location, arrayName, I(array.Offset), I(end - array.Offset), other.Name, I(other.Offset), I(other.ElementSize * other.Capacity), layoutName));
            else
            {
                array.Count = count;
                result.Arrays.Add(array);
            }
        }
        return result;
    }

    // A layout's fields: its fragments' first (from an interface the class implements), then the class's own properties
    // and reserved ranges. (Also an Inline part's nested layout, below.)
    private static void ReadFields(INamedTypeSymbol type, List<Field> fields, List<Diag> diags, System.Threading.CancellationToken ct)
    {
        foreach (var iface in type.Interfaces)
        {
            if (!iface.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == Attributes.Fragment)) continue;
            foreach (var p in iface.GetMembers().OfType<IPropertySymbol>()) ReadField(p, iface, fields, diags, ct);
            ReadReserved(iface, fields, ct);
        }
        foreach (var p in type.GetMembers().OfType<IPropertySymbol>())
        {
            if (!p.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == Attributes.Field)) continue;
            // A partial property gets its body generated; a property written in full keeps its hand-written accessors
            // (semantics of its own, e.g. a setter that refuses a value) and the field is still declared here.
            ReadField(p, null, fields, diags, ct);
            if (!p.IsPartialDefinition) fields[fields.Count - 1].HandWritten = true;
        }
        ReadReserved(type, fields, ct);
    }

    // An inline part as the host's LayoutDef lists it: the nested layout's field at the host's offset.
    private static string InlinePart(Field part, Field host)
    {
        int at = host.Offset + part.Offset;
        return part.IsReserved
            ? "global::ApeiKit.FieldDef.Reserved(" + Lit(part.Json) + ", " + I(at) + ", " + I(part.Size) + ")"
            : host.InlineType + "." + part.Prop + "Field with { Offset = " + I(at) + " }";
    }

    private static bool HasVariant(IPropertySymbol p) => p.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == VariantAttributeName);

    private static string VariantFieldName(Variant v, int index) => v.Name is not null ? v.Name + "Field" : "s_" + Camel(v.Of.Prop) + "Variant" + I(index);

    // Assignments the generated static constructor makes after the declared fields (variants derive from them).
    private static string VariableInit(Variable variable)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < variable.Variants.Count; i++)
        {
            var v = variable.Variants[i];
            var f = v.Of;
            sb.Append("        ").Append(VariantFieldName(v, i)).Append(" = ");
            if (v.Reserved)
            {
                sb.Append("global::ApeiKit.FieldDef.Reserved(").Append(Lit(v.Json ?? (v.Name is not null ? Camel(v.Name) : f.Json))).Append(", ")
                  .Append(I(f.Offset)).Append(", ").Append(I(f.Size)).Append(')');
                if (v.Label is not null) sb.Append(" with { Label = ").Append(Lit(v.Label)).Append(" }");
            }
            else
            {
                var inits = new List<string>();
                if (v.Json is not null) inits.Add("Json = " + Lit(v.Json));
                if (v.Label is not null) inits.Add("Label = " + Lit(v.Label));
                if (v.Names is not null) inits.Add("Names = " + v.Names);
                if (v.Flags is not null) inits.Add("FlagNames = " + v.Flags);
                if (v.Bits is not null) inits.Add("BitFields = " + v.Bits);
                sb.Append(f.Prop).Append("Field with { ").Append(string.Join(", ", inits)).Append(" }");
            }
            sb.Append(";\n");
        }
        foreach (var a in variable.Arrays)
        {
            sb.Append("        ").Append(a.Name).Append("Elements = new global::ApeiKit.FieldDef[]\n        {\n");
            for (int i = 0; i < a.Capacity; i++)
                sb.Append("            new global::ApeiKit.FieldDef(").Append(Lit(a.Json.Replace("{i}", I(i)))).Append(", ").Append(Lit(a.Label.Replace("{i}", I(i))))
                  .Append(", ").Append(I(a.Offset + i * a.ElementSize)).Append(", ").Append(I(a.ElementSize)).Append(", global::ApeiKit.FieldKind.").Append(a.Kind).Append("),\n");
            sb.Append("        };\n");
        }
        return sb.ToString();
    }

    private static string EmitVariable(INamedTypeSymbol type, string name, string clause, Variable variable)
    {
        if (variable.IsEmpty) return "";
        var sb = new StringBuilder();
        sb.Append("\npartial class ").Append(type.Name).Append("\n{\n");
        for (int i = 0; i < variable.Variants.Count; i++)
        {
            var v = variable.Variants[i];
            sb.Append("    /// <summary>").Append(Xml(v.Of.Label)).Append(" (").Append(Xml(clause)).Append(") when ").Append(Xml(v.Selector)).Append(' ').Append(Range(v))
              .Append(v.Reserved ? ": reserved" : "").Append(" (byte offset ").Append(I(v.Of.Offset)).Append(", ").Append(Bytes(v.Of.Size)).Append(").</summary>\n");
            sb.Append("    ").Append(v.Name is not null ? v.Of.Access : "private").Append(" static readonly global::ApeiKit.FieldDef ").Append(VariantFieldName(v, i)).Append(";\n");
        }
        foreach (var group in variable.Variants.Select((v, i) => (v, i)).GroupBy(x => x.v.Of))
        {
            var f = group.Key;
            string selector = group.First().v.Selector;
            string arg = Camel(selector);
            sb.Append("\n    /// <summary>The form of <see cref=\"").Append(f.Prop).Append("Field\"/> for a value of <c>").Append(Xml(selector)).Append("</c>: ");
            sb.Append(string.Join("; ", group.Select(x => Range(x.v) + " " + (x.v.Reserved ? "reserved" : "its variant")))).Append("; otherwise the declared field.</summary>\n");
            sb.Append("    /// <param name=\"").Append(arg).Append("\">The value of <c>").Append(Xml(selector)).Append("</c>.</param>\n");
            sb.Append("    internal static global::ApeiKit.FieldDef ").Append(f.Prop).Append("FieldFor(ulong ").Append(arg).Append(") =>");
            foreach (var (v, i) in group)
            {
                string test = v.Value == v.Max ? arg + " == " + v.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "UL"
                    : (v.Value > 0 ? arg + " >= " + v.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "UL && " : "")
                      + arg + " <= " + v.Max.ToString(System.Globalization.CultureInfo.InvariantCulture) + "UL";
                sb.Append("\n        ").Append(test).Append(" ? ").Append(VariantFieldName(v, i)).Append(" :");
            }
            sb.Append("\n        ").Append(f.Prop).Append("Field;\n");
        }
        foreach (var a in variable.Arrays)
        {
            int end = a.Offset + a.ElementSize * a.Capacity;
            var c = a.Count;
            sb.Append("\n    /// <summary>").Append(Xml(a.Name)).Append(" (").Append(Xml(clause)).Append("): ").Append(I(a.Capacity)).Append(" elements of ").Append(Bytes(a.ElementSize))
              .Append(" from byte offset ").Append(I(a.Offset)).Append(", as many in use as <c>").Append(Xml(c.Prop)).Append("</c> says.</summary>\n");
            sb.Append("    internal static readonly global::ApeiKit.FieldDef[] ").Append(a.Name).Append("Elements;\n");
            sb.Append("\n    /// <summary>How many ").Append(Xml(a.Name)).Append(" elements <paramref name=\"body\"/> holds: <c>").Append(Xml(c.Prop))
              .Append("</c> (0 when the body does not reach it), at most ").Append(I(a.Capacity)).Append(" and no more than lie whole inside the body. Never throws.</summary>\n");
            sb.Append("    /// <param name=\"body\">The layout's bytes (it starts at the first).</param>\n");
            sb.Append("    internal static int ").Append(a.Name).Append("Count(global::System.ReadOnlySpan<byte> body)\n    {\n");
            sb.Append("        if (body.Length < ").Append(I(c.Offset + c.Size)).Append(") return 0;\n");
            sb.Append("        ulong count = ").Append(Read(c, "ulong", "body")).Append(";\n");
            sb.Append("        int fit = body.Length > ").Append(I(a.Offset)).Append(" ? (body.Length - ").Append(I(a.Offset)).Append(") / ").Append(I(a.ElementSize)).Append(" : 0;\n");
            sb.Append("        return (int)global::System.Math.Min(global::System.Math.Min(count, ").Append(I(a.Capacity)).Append("UL), (ulong)fit);\n    }\n");
        }
        sb.Append("\n    internal static partial class Declared\n    {\n");
        foreach (var a in variable.Arrays)
        {
            sb.Append("        /// <summary>Byte offset of the first <c>").Append(Xml(a.Name)).Append("</c> element.</summary>\n");
            sb.Append("        public const int ").Append(a.Name).Append("Offset = ").Append(I(a.Offset)).Append(";\n");
            sb.Append("        /// <summary>Size of one <c>").Append(Xml(a.Name)).Append("</c> element in bytes.</summary>\n");
            sb.Append("        public const int ").Append(a.Name).Append("ElementSize = ").Append(I(a.ElementSize)).Append(";\n");
            sb.Append("        /// <summary>Number of <c>").Append(Xml(a.Name)).Append("</c> elements the layout holds.</summary>\n");
            sb.Append("        public const int ").Append(a.Name).Append("Capacity = ").Append(I(a.Capacity)).Append(";\n");
        }
        sb.Append("    }\n}\n");
        return sb.ToString();
    }

    private static string Range(Variant v) => v.Value == v.Max
        ? "is " + v.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : "is " + v.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + v.Max.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
