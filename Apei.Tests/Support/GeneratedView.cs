using System.Reflection;
using System.Reflection.Emit;

namespace ApeiKit.Tests;

/// <summary>
/// The typed accessors of a generated zero-copy view (ApeiKit.Generators' <c>XView</c> of a <c>[Layout]</c> declaration),
/// called on any bytes. A view is a <c>ref struct</c>, which reflection cannot invoke (it would box it), so the view is
/// read through one method emitted for it: <c>XView.TryRead(bytes, out var v)</c> once, then each <c>v.HasX</c> and
/// <c>v.X</c> and <c>v.ValidationBits</c>, the same compiled getters a caller runs. The field an accessor belongs to is
/// found as the generator finds it (<see cref="LayoutDeclarations.Declaration.Fields"/>).
/// </summary>
internal sealed class GeneratedView
{
    /// <summary>
    /// One field's <c>HasX</c>/<c>X</c> pair. <paramref name="Reserved"/>: a reserved field the declaration names by a
    /// <c>[Field]</c> property (GHES's flags byte), which the generator gives a pair too. <paramref name="IsBytes"/>: a byte
    /// range (a span, or a GUID read as its 16 bytes); else a number (an unsigned integer, or a bool as 0/1, <paramref name="IsBool"/>).
    /// </summary>
    public sealed record Accessor(FieldDef Field, bool Reserved, bool IsBool, bool IsBytes);

    /// <summary>One accessor's reading: <c>HasX</c>, and <c>X</c> as a number or (a byte range) as its bytes.</summary>
    public readonly record struct Value(Accessor Accessor, bool Has, ulong Number, byte[]? Bytes)
    {
        public FieldDef Field => Accessor.Field;
    }

    /// <summary>The view of some bytes: every accessor's reading, in layout order, and its validation bits (when the layout has them).</summary>
    public sealed record Reading(GeneratedView View, ulong? ValidationBits, IReadOnlyList<Value> Values);

    // TryRead(bytes, out var v); false if it refuses them; else has[i] = v.HasX, numbers[i] or bytes[i] = v.X, validation[0] = v.ValidationBits.
    private delegate bool ReadAll(ReadOnlySpan<byte> bytes, bool[] has, ulong[] numbers, byte[]?[] spans, ulong[] validation);

    private static readonly Dictionary<StructDef, GeneratedView> s_views = new(ReferenceEqualityComparer.Instance);

    private readonly ReadAll _read;

    private GeneratedView(StructDef layout, Type viewType, IReadOnlyList<Accessor> accessors, IReadOnlyList<string> missing, ReadAll read)
        => (Layout, ViewType, Accessors, Missing, _read) = (layout, viewType, accessors, missing, read);

    public StructDef Layout { get; }

    /// <summary>The view's type.</summary>
    public Type ViewType { get; }

    /// <summary>A pair for each field of the layout that has one, but the validation field; in layout order.</summary>
    public IReadOnlyList<Accessor> Accessors { get; }

    /// <summary>The fields (JSON names) that are not reserved and have no <c>HasX</c>/<c>X</c> pair on the view, and the validation field when the view has no <c>ValidationBits</c>.</summary>
    public IReadOnlyList<string> Missing { get; }

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

    /// <summary>
    /// <paramref name="bytes"/> read through the view generated for <paramref name="layout"/>: fails (naming
    /// <paramref name="where"/>) when a field has no accessor pair or the view's <c>TryRead</c> refuses the bytes.
    /// </summary>
    public static Reading Read(StructDef layout, ReadOnlySpan<byte> bytes, string where)
    {
        var view = Of(layout);
        Assert.True(view.Missing.Count == 0, $"{where}: {view.ViewType.Name}, the view of {layout.Name}, has no accessors for {string.Join(", ", view.Missing)}");
        int n = view.Accessors.Count;
        bool[] has = new bool[n];
        ulong[] numbers = new ulong[n], validation = new ulong[1];
        byte[]?[] spans = new byte[n][];
        Assert.True(view._read(bytes, has, numbers, spans, validation), $"{where}: {view.ViewType.Name}.TryRead refused {bytes.Length} bytes of {layout.Name}");
        var values = new Value[n];
        for (int i = 0; i < n; i++) values[i] = new(view.Accessors[i], has[i], numbers[i], spans[i]);
        return new(view, layout.ValidationField is null ? null : validation[0], values);
    }

    private static GeneratedView Make(StructDef layout)
    {
        var declaration = LayoutDeclarations.Of(layout);
        string viewName = declaration.Named("View") as string ?? declaration.Type.Name + "View";
        var view = declaration.Type.Assembly.GetType(declaration.Type.Namespace + "." + viewName)
            ?? throw new InvalidOperationException($"{layout.Name}: no view {viewName} next to {declaration.Type.FullName}");
        var tryRead = view.GetMethod("TryRead", [typeof(ReadOnlySpan<byte>), view.MakeByRefType()])
            ?? throw new InvalidOperationException($"{layout.Name}: {view.Name} has no TryRead(ReadOnlySpan<byte>, out {view.Name})");

        var accessors = new List<Accessor>();
        var getters = new List<(MethodInfo Has, MethodInfo Value)>();
        var missing = new List<string>();
        foreach (var f in layout.Fields)
        {
            if (f == layout.ValidationField) continue;
            bool reserved = f.Kind == FieldKind.Reserved;
            var name = declaration.Fields.TryGetValue(f.Json, out var p) ? p.Name : null;
            var has = name is null ? null : view.GetProperty("Has" + name);
            var value = name is null ? null : view.GetProperty(name);
            if (has?.PropertyType != typeof(bool) || value is null)
            {
                if (!reserved) missing.Add(f.Json);
                continue;
            }
            var type = value.PropertyType;
            bool bytes = type == typeof(ReadOnlySpan<byte>) || type == typeof(Guid);
            if (!bytes && !IsNumber(type))
                throw new InvalidOperationException($"{layout.Name}: {view.Name}.{name} returns {type.Name}, not an unsigned integer, bool, span or GUID");
            accessors.Add(new(f, reserved, type == typeof(bool), bytes));
            getters.Add((has.GetMethod!, value.GetMethod!));
        }
        var validation = layout.ValidationField is null ? null : view.GetProperty("ValidationBits")?.GetMethod;
        if (layout.ValidationField is not null && (validation is null || !IsNumber(validation.ReturnType))) missing.Add(layout.ValidationField.Json);
        return new(layout, view, accessors, missing, missing.Count > 0 ? (_, _, _, _, _) => false : Emit(view, tryRead, accessors, getters, validation));
    }

    private static bool IsNumber(Type type) => type == typeof(bool) || type == typeof(byte) || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong);

    private static ReadAll Emit(Type view, MethodInfo tryRead, List<Accessor> accessors, List<(MethodInfo Has, MethodInfo Value)> getters, MethodInfo? validation)
    {
        var method = new DynamicMethod(view.Name + "_ReadAll", typeof(bool),
            [typeof(ReadOnlySpan<byte>), typeof(bool[]), typeof(ulong[]), typeof(byte[][]), typeof(ulong[])], typeof(GeneratedView).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        var v = il.DeclareLocal(view);
        var span = il.DeclareLocal(typeof(ReadOnlySpan<byte>));
        var guid = il.DeclareLocal(typeof(Guid));
        var read = il.DefineLabel();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldloca, v);
        il.Emit(OpCodes.Call, tryRead);
        il.Emit(OpCodes.Brtrue, read);
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Ret);
        il.MarkLabel(read);
        for (int i = 0; i < accessors.Count; i++)
        {
            // has[i] = v.HasX
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldloca, v);
            il.Emit(OpCodes.Call, getters[i].Has);
            il.Emit(OpCodes.Stelem_I1);
            // numbers[i] = (ulong)v.X, or spans[i] = v.X.ToArray() (a GUID's ToByteArray, on a local: no boxing)
            il.Emit(accessors[i].IsBytes ? OpCodes.Ldarg_3 : OpCodes.Ldarg_2);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldloca, v);
            il.Emit(OpCodes.Call, getters[i].Value);
            if (!accessors[i].IsBytes)
            {
                il.Emit(OpCodes.Conv_U8);
                il.Emit(OpCodes.Stelem_I8);
                continue;
            }
            bool isGuid = getters[i].Value.ReturnType == typeof(Guid);
            il.Emit(OpCodes.Stloc, isGuid ? guid : span);
            il.Emit(OpCodes.Ldloca, isGuid ? guid : span);
            il.Emit(OpCodes.Call, isGuid ? typeof(Guid).GetMethod(nameof(Guid.ToByteArray), Type.EmptyTypes)! : typeof(ReadOnlySpan<byte>).GetMethod(nameof(ReadOnlySpan<byte>.ToArray))!);
            il.Emit(OpCodes.Stelem_Ref);
        }
        if (validation is not null)
        {
            il.Emit(OpCodes.Ldarg_S, (byte)4);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Ldloca, v);
            il.Emit(OpCodes.Call, validation);
            il.Emit(OpCodes.Conv_U8);
            il.Emit(OpCodes.Stelem_I8);
        }
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<ReadAll>();
    }
}
