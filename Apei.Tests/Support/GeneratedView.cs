using System.Reflection;
using System.Reflection.Emit;

namespace ApeiKit.Tests;

/// <summary>
/// The typed accessors of a generated zero-copy view (ApeiKit.Generators' <c>XView</c> of a <c>[Layout]</c> declaration),
/// called on any bytes. A view is a <c>ref struct</c>, which reflection cannot invoke (it would box it), so each accessor
/// is read through a method emitted for it: <c>XView.TryRead(bytes, out var v)</c>, then <c>v.HasX</c> or <c>v.X</c>, the
/// same compiled getters a caller runs. The field an accessor belongs to is found as the generator finds it: the
/// declaration's <c>[Field]</c> property of that name (its <c>Json</c>, or the property's name in camelCase), on the class
/// or a <c>[LayoutFragment]</c> interface it implements.
/// </summary>
/// <param name="ViewType">The view's type.</param>
/// <param name="TryRead"><c>TryRead</c>'s result (1 when it read the bytes).</param>
/// <param name="ValidationBits"><c>ValidationBits</c>, when the layout has a validation field.</param>
/// <param name="Accessors">An accessor pair for each field of the layout that is not reserved and not the validation field, in layout order.</param>
/// <param name="Missing">The fields (JSON names) that have no <c>HasX</c>/<c>X</c> pair on the view.</param>
internal sealed record GeneratedView(Type ViewType, GeneratedView.Number TryRead, GeneratedView.Number? ValidationBits,
    IReadOnlyList<GeneratedView.Accessor> Accessors, IReadOnlyList<string> Missing)
{
    /// <summary>Reads one accessor of the view of <paramref name="bytes"/> as a number (an unsigned integer, or a bool as 0/1).</summary>
    public delegate ulong Number(ReadOnlySpan<byte> bytes);

    /// <summary>Reads one byte-range accessor of the view of <paramref name="bytes"/> (a span, or a GUID's 16 bytes).</summary>
    public delegate ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> bytes);

    /// <summary>One field's accessors: <c>HasX</c> and <c>X</c>, read as a number or as bytes (the other null).</summary>
    public sealed record Accessor(FieldDef Field, Number Has, Number? Value, Bytes? ValueBytes, bool IsBool);

    // The assemblies that declare layouts.
    private static readonly Assembly[] s_libraries = [typeof(StructDef).Assembly, typeof(ApeiKit.Cper.CperSections).Assembly,
        typeof(ApeiKit.Hest.HestTable).Assembly, typeof(ApeiKit.Ghes.GenericErrorStatus).Assembly];

    private static readonly Dictionary<StructDef, GeneratedView> s_views = [];

    /// <summary>The view generated for <paramref name="layout"/> (a declaration's <c>LayoutDef</c>).</summary>
    public static GeneratedView Of(StructDef layout)
    {
        lock (s_views)
        {
            if (s_views.TryGetValue(layout, out var known)) return known;
            var made = Make(layout);
            s_views[layout] = made;
            return made;
        }
    }

    private static GeneratedView Make(StructDef layout)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var declaration = s_libraries.SelectMany(a => a.GetTypes()).Single(t => Attribute(t.GetCustomAttributesData(), "LayoutAttribute") is not null
            && t.GetProperty("LayoutDef", all)?.GetValue(null) == (object)layout);
        var attribute = Attribute(declaration.GetCustomAttributesData(), "LayoutAttribute")!;
        string viewName = Named(attribute, "View") ?? declaration.Name + "View";
        var view = declaration.Assembly.GetType(declaration.Namespace + "." + viewName, throwOnError: true)!;
        var tryRead = view.GetMethod("TryRead", [typeof(ReadOnlySpan<byte>), view.MakeByRefType()])!;

        // The generator's names: a [Field] property's JSON name (Json, else the name in camelCase) → the property's name.
        var props = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in declaration.GetInterfaces().Append(declaration))
            foreach (var p in type.GetProperties(all))
                if (Attribute(p.GetCustomAttributesData(), "FieldAttribute") is { } field)
                    props.TryAdd(Named(field, "Json") ?? char.ToLowerInvariant(p.Name[0]) + p.Name[1..], p.Name);

        var accessors = new List<Accessor>();
        var missing = new List<string>();
        foreach (var f in layout.Fields)
        {
            if (f.Kind == FieldKind.Reserved || f == layout.ValidationField) continue;
            var has = props.TryGetValue(f.Json, out var name) ? view.GetProperty("Has" + name) : null;
            var value = name is null ? null : view.GetProperty(name);
            if (has?.PropertyType != typeof(bool) || value is null)
            {
                missing.Add(f.Json);
                continue;
            }
            bool bytes = value.PropertyType == typeof(ReadOnlySpan<byte>) || value.PropertyType == typeof(Guid);
            accessors.Add(new(f, Emit<Number>(view, tryRead, has.GetMethod), bytes ? null : Emit<Number>(view, tryRead, value.GetMethod),
                bytes ? Emit<Bytes>(view, tryRead, value.GetMethod) : null, value.PropertyType == typeof(bool)));
        }
        var validation = layout.ValidationField is null ? null : Emit<Number>(view, tryRead, view.GetProperty("ValidationBits")!.GetMethod);
        return new(view, Emit<Number>(view, tryRead, null), validation, accessors, missing);
    }

    private static CustomAttributeData? Attribute(IEnumerable<CustomAttributeData> attributes, string name)
        => attributes.FirstOrDefault(a => a.AttributeType.FullName == "ApeiKit.Declarations." + name);

    private static string? Named(CustomAttributeData attribute, string name)
        => attribute.NamedArguments.FirstOrDefault(a => a.MemberName == name).TypedValue.Value as string;

    // TryRead(bytes, out var view); then view.Getter widened to ulong (unsigned integers and bool), or as a span (a GUID's
    // bytes); without a getter, TryRead's result as 0/1.
    private static T Emit<T>(Type view, MethodInfo tryRead, MethodInfo? getter) where T : Delegate
    {
        var type = getter?.ReturnType ?? typeof(bool);
        bool number = typeof(T) == typeof(Number);
        if (number && type != typeof(bool) && type != typeof(byte) && type != typeof(ushort) && type != typeof(uint) && type != typeof(ulong))
            throw new InvalidOperationException($"{view.Name}.{getter!.Name} returns {type.Name}, not an unsigned integer or bool");
        var method = new DynamicMethod(view.Name + "_" + (getter?.Name ?? "TryRead"), number ? typeof(ulong) : typeof(ReadOnlySpan<byte>), [typeof(ReadOnlySpan<byte>)],
            typeof(GeneratedView).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        il.DeclareLocal(view);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldloca_S, (byte)0);
        il.Emit(OpCodes.Call, tryRead);
        if (getter is not null)
        {
            il.Emit(OpCodes.Pop);
            il.Emit(OpCodes.Ldloca_S, (byte)0);
            il.Emit(OpCodes.Call, getter);
        }
        if (number) il.Emit(OpCodes.Conv_U8);
        else if (type == typeof(Guid))
        {
            il.Emit(OpCodes.Box, typeof(Guid));
            il.Emit(OpCodes.Call, typeof(GeneratedView).GetMethod(nameof(GuidBytes), BindingFlags.NonPublic | BindingFlags.Static)!);
        }
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<T>();
    }

    private static ReadOnlySpan<byte> GuidBytes(object guid) => ((Guid)guid).ToByteArray();
}
