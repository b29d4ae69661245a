using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The generator feature the CPER record header and section descriptor declarations needed (UEFI 2.10 Table N-2 creator
/// ID and notification type, Table N-5 section type): <c>Guids</c> may name a static method <c>string? M(Guid)</c>
/// (CperGuids.CreatorName) as well as a <c>Func&lt;Guid, string?&gt;</c> member, so no property restates the method.
/// </summary>
public sealed partial class GeneratorDiagnosticTests
{
    private const string GuidNamesProbe = """
        using System;
        using ApeiKit;
        using ApeiKit.Declarations;
        using Probe.Names;

        namespace Probe.Names
        {
            public static class Tables
            {
                public static readonly Guid Known = new("0b8a4a1c-2d1f-4f6e-9c3b-5a7d8e9f0a1b");
                public static string? Name(Guid guid) => guid == Known ? "known" : null;
                public static string? Name(Guid guid, int unused) => null; // an overload of another shape, passed over
                public static string Wrong(int value) => "";
                public static NameTable Kinds { get; } = [new(1, "one")];
            }
        }

        namespace Probe
        {
            /// <summary>Probe.</summary>
            [Layout("Probe structure", 20, "test clause", View = "")]
            public abstract partial class ProbeStructure
            {
                [Field(0, 16, FieldKind.Guid, Guids = "GUIDS")] internal abstract Guid Id { get; }
                [Field(16, 4, FieldKind.Enum, Names = "NAMES")] internal abstract uint Kind { get; }
            }
        }
        """;

    [Fact]
    public void Guids_may_name_a_static_method_emitted_as_a_method_group()
    {
        var (diagnostics, compilation) = Run(GuidNamesProbe.Replace("GUIDS", "Tables.Name", StringComparison.Ordinal).Replace("NAMES", "Tables.Kinds", StringComparison.Ordinal));
        AssertCompiles(diagnostics, compilation);
        Assert.Contains("{ GuidNames = global::Probe.Names.Tables.Name }", Generated(compilation, "Probe.ProbeStructure.g.cs"), StringComparison.Ordinal);

        // Loaded and run: the field's GUID names are the method (a delegate equal to one made from it), naming what it names.
        using var image = new MemoryStream();
        Assert.True(compilation.Emit(image).Success);
        image.Position = 0;
        var context = new AssemblyLoadContext("guid-names-probe", isCollectible: true);
        try
        {
            var assembly = context.LoadFromStream(image);
            var layout = (StructDef)assembly.GetType("Probe.ProbeStructure")!.GetProperty("LayoutDef")!.GetValue(null)!;
            var tables = assembly.GetType("Probe.Names.Tables")!;
            var method = tables.GetMethod("Name", [typeof(Guid)])!;
            var names = layout.Find("id")!.GuidNames!;
            Assert.Equal(method.CreateDelegate<Func<Guid, string?>>(), names);
            Assert.Equal("known", names((Guid)tables.GetField("Known")!.GetValue(null)!));
            Assert.Null(names(Guid.Empty));
        }
        finally
        {
            context.Unload();
        }
    }

    [Theory]
    [InlineData("Tables.Wrong", "Tables.Kinds", "'Tables.Wrong' named by Guids of 'Id' is not a member in scope")] // not string? M(Guid)
    [InlineData("Tables.Name", "Tables.Name", "'Tables.Name' named by Names of 'Kind' is not a member in scope")]  // a method only for Guids
    public void A_method_that_cannot_name_guids_is_a_build_error(string guids, string names, string message)
    {
        var (diagnostics, _) = Run(GuidNamesProbe.Replace("GUIDS", guids, StringComparison.Ordinal).Replace("NAMES", names, StringComparison.Ordinal));
        var d = Assert.Single(diagnostics);
        Assert.Equal("APK003", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(message, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// The declarations name their GUID namers directly (<c>Guids = "CperGuids.SectionName"</c>): no static
/// <c>Func&lt;Guid, string?&gt;</c> member is declared only to restate a method for the generator.
/// </summary>
public sealed class GuidNamerMembersTests
{
    [Fact]
    public void No_declaration_wraps_a_guid_namer_in_a_delegate_member()
    {
        const System.Reflection.BindingFlags Static = System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly;
        var wrapped = new[] { typeof(ApeiKit.Cper.CperRecord).Assembly, typeof(ApeiKit.Ghes.ErrorStatusBlock).Assembly, typeof(ApeiKit.Hest.HestTable).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => !t.Name.StartsWith('<') && !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false))
            .SelectMany(t => t.GetFields(Static).Where(f => f.FieldType == typeof(Func<Guid, string?>) && !f.Name.Contains('<', StringComparison.Ordinal)).Select(f => $"{t.FullName}.{f.Name}")
                .Concat(t.GetProperties(Static).Where(p => p.PropertyType == typeof(Func<Guid, string?>)).Select(p => $"{t.FullName}.{p.Name}")))
            .ToList();
        Assert.Empty(wrapped);
        // Each declaration that named a wrapper is named by the method: the same delegate as before.
        Assert.Equal<Func<Guid, string?>>(ApeiKit.Cper.CperGuids.SectionName, ApeiKit.Cper.FirmwareErrorRecordReferenceSection.LayoutDef.Find("recordIdentifierGuid")!.GuidNames);
        Assert.Equal<Func<Guid, string?>>(ApeiKit.Cper.CperSectionRegistry.GuidName, ApeiKit.Ghes.GenericErrorStatus.EntryLayout.Find("sectionType")!.GuidNames);
        Assert.Equal<Func<Guid, string?>>(ApeiKit.Cper.CperGuids.SectionName, ApeiKit.Cper.ArmRasKeyValuePair.LayoutDef.Find("key")!.GuidNames);
        Assert.Equal<Func<Guid, string?>>(ApeiKit.Cper.CperGuids.SectionName, ApeiKit.Cper.CxlEventRecordHeader.LayoutDef.Find("eventRecordIdentifier")!.GuidNames);
        Assert.Equal<Func<Guid, string?>>(ApeiKit.Cper.CperGuids.ProcessorCheckName, ApeiKit.Cper.Ia32X64ErrorInfo.LayoutDef.Find("errorType")!.GuidNames);
    }
}
