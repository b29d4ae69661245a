using System.Reflection;

namespace ApeiKit.Tests.Apei;

/// <summary>
/// The build does what Directory.Build.props says for the libraries (issue #12 item 6): an XML documentation file beside
/// each library and the trimming/AOT analysers on (IsAotCompatible sets IsTrimmable, which stamps the assembly).
/// </summary>
public class BuildPromisesTests
{
    public static TheoryData<string> Libraries() => ["ApeiKit", "ApeiKit.Cper", "ApeiKit.Hest", "ApeiKit.Ghes", "ApeiKit.Platform"];

    private static Assembly Load(string name) => Assembly.Load(new AssemblyName(name));

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Each_library_ships_its_xml_documentation(string name)
    {
        string xml = Path.ChangeExtension(Load(name).Location, ".xml");
        Assert.True(File.Exists(xml), $"{xml} is missing: GenerateDocumentationFile is not applied to {name}");
        Assert.Contains("<member name=", File.ReadAllText(xml), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Each_library_is_marked_trimmable_by_IsAotCompatible(string name)
    {
        var meta = Load(name).GetCustomAttributes<AssemblyMetadataAttribute>();
        Assert.Contains(meta, m => m.Key == "IsTrimmable" && m.Value == "True");
    }

    [Fact]
    public void The_cli_is_not_a_library()
    {
        var meta = typeof(ApeiKit.Cli.CliApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>();
        Assert.DoesNotContain(meta, m => m.Key == "IsTrimmable");
    }
}
