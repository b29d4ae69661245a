using System.Reflection;

namespace ApeiKit.Tests;

/// <summary>
/// Every <c>[Layout]</c> declaration of the libraries (Apei, Cper, Hest, Ghes), found in their metadata (the attribute is
/// internal to each assembly, emitted there by ApeiKit.Generators), by the <c>LayoutDef</c> the generator made of it.
/// Scanned once, on first use.
/// </summary>
internal static class LayoutDeclarations
{
    /// <summary>One declaration: its type, its <c>[Layout]</c> attribute and the layout the generator made of it.</summary>
    public sealed record Declaration(Type Type, CustomAttributeData Attribute, StructDef Layout)
    {
        /// <summary>The attribute's named argument <paramref name="name"/> (<c>SectionGuid</c>, <c>View</c>, ...), or null.</summary>
        public object? Named(string name) => Attribute.NamedArguments.FirstOrDefault(a => a.MemberName == name).TypedValue.Value;

        /// <summary>The attribute's constructor argument <paramref name="index"/> (0 the name, 1 the size, 2 the source).</summary>
        public object? Argument(int index) => Attribute.ConstructorArguments[index].Value;

        /// <summary>
        /// The declaration's <c>[Field]</c> properties by the field's JSON name (the attribute's <c>Json</c>, or the property's
        /// name in camelCase), on the class or a <c>[LayoutFragment]</c> interface it implements: where the generator finds a
        /// field's name for the view's <c>HasX</c>/<c>X</c>.
        /// </summary>
        public IReadOnlyDictionary<string, PropertyInfo> Fields => _fields ??= FieldProperties(Type);

        private IReadOnlyDictionary<string, PropertyInfo>? _fields;
    }

    private const string LayoutAttribute = "ApeiKit.Declarations.LayoutAttribute";
    private const string FieldAttribute = "ApeiKit.Declarations.FieldAttribute";

    private const BindingFlags StaticMembers = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Lazy<Dictionary<StructDef, Declaration>> s_byLayout = new(Scan);

    /// <summary>Every declaration, by layout (compared by reference).</summary>
    public static IReadOnlyDictionary<StructDef, Declaration> ByLayout => s_byLayout.Value;

    /// <summary>The declarations of <paramref name="assembly"/>.</summary>
    public static IEnumerable<Declaration> In(Assembly assembly) => s_byLayout.Value.Values.Where(d => d.Type.Assembly == assembly);

    /// <summary>The declaration whose <c>LayoutDef</c> is <paramref name="layout"/>; fails naming the layout when none is.</summary>
    public static Declaration Of(StructDef layout)
    {
        if (!s_byLayout.Value.TryGetValue(layout, out var d))
            Assert.Fail($"no [Layout] declaration in Apei, Cper, Hest or Ghes has \"{layout.Name}\" as its LayoutDef");
        return d;
    }

    private static Dictionary<string, PropertyInfo> FieldProperties(Type declaration)
    {
        var fields = new Dictionary<string, PropertyInfo>(StringComparer.Ordinal);
        foreach (var type in declaration.GetInterfaces().Append(declaration))
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
                if (p.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == FieldAttribute) is { } field)
                    fields.TryAdd(field.NamedArguments.FirstOrDefault(a => a.MemberName == "Json").TypedValue.Value as string
                        ?? ApeiKit.Generators.LayoutGenerator.Camel(p.Name), p);
        return fields;
    }

    private static Dictionary<StructDef, Declaration> Scan()
    {
        Assembly[] libraries = [typeof(StructDef).Assembly, typeof(ApeiKit.Cper.CperSections).Assembly,
            typeof(ApeiKit.Hest.HestTable).Assembly, typeof(ApeiKit.Ghes.GenericErrorStatus).Assembly];
        var map = new Dictionary<StructDef, Declaration>(ReferenceEqualityComparer.Instance);
        foreach (var type in libraries.Distinct().SelectMany(a => a.GetTypes()))
        {
            if (type.GetCustomAttributesData().SingleOrDefault(a => a.AttributeType.FullName == LayoutAttribute) is not { } attribute) continue;
            var layout = type.GetProperty("LayoutDef", StaticMembers)?.GetValue(null) as StructDef
                ?? throw new InvalidOperationException($"{type.FullName} is declared [Layout] but has no static LayoutDef");
            if (!map.TryAdd(layout, new(type, attribute, layout)))
                throw new InvalidOperationException($"{type.FullName} and {map[layout].Type.FullName} both have \"{layout.Name}\" as their LayoutDef");
        }
        return map;
    }
}
