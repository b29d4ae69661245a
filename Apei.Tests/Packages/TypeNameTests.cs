using System.Reflection;

namespace ApeiKit.Tests.Packages;

/// <summary>
/// No public ApeiKit type shares its simple name with a public type of a namespace a consumer commonly imports (the
/// implicit usings of a .NET console app, plus System.Diagnostics and System.Text): such a name is CS0104 in the
/// consumer's code as soon as both namespaces are imported (issue #17: Platform's Trace against System.Diagnostics.Trace).
/// </summary>
public sealed class TypeNameTests
{
    private static readonly string[] s_imported =
        ["System", "System.Collections.Generic", "System.Diagnostics", "System.IO", "System.Linq", "System.Net.Http", "System.Text", "System.Threading", "System.Threading.Tasks"];

    private static readonly Assembly[] s_libraries =
        [typeof(StructDef).Assembly, typeof(ApeiKit.Cper.CperRecord).Assembly, typeof(ApeiKit.Hest.HestTable).Assembly,
         typeof(ApeiKit.Ghes.ErrorStatusBlock).Assembly, typeof(ApeiKit.Platform.VirtualPlatform).Assembly];

    [Fact]
    public void No_public_type_name_collides_with_a_commonly_imported_system_type()
    {
        // The framework's own assemblies, loaded from the shared framework directory this test runs on.
        string dir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var systemNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(dir, "System*.dll"))
        {
            Type[] types;
            try
            {
                types = Assembly.Load(Path.GetFileNameWithoutExtension(file)).GetExportedTypes(); // by name: the framework's own copy
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException or ReflectionTypeLoadException or NotSupportedException)
            {
                continue; // native or facade-only files
            }
            foreach (var t in types)
                if (t.Namespace is { } ns && s_imported.Contains(ns) && !t.IsNested) systemNames.Add(StripArity(t.Name));
        }
        Assert.Contains("Trace", systemNames); // the check sees System.Diagnostics.Trace
        var collisions = s_libraries.SelectMany(a => a.GetExportedTypes()).Where(t => !t.IsNested && systemNames.Contains(StripArity(t.Name)))
            .Select(t => t.FullName).Order(StringComparer.Ordinal).ToList();
        Assert.Empty(collisions);
    }

    private static string StripArity(string name) => name.IndexOf('`', StringComparison.Ordinal) is int i and >= 0 ? name[..i] : name;
}
