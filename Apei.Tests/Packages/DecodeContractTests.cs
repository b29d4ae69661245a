using System.Reflection;
using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Hest;
using ApeiKit.Platform;

namespace ApeiKit.Tests.Packages;

/// <summary>
/// The decode contract of docs/DESIGN.md ("Decode contract"), enforced by reflection over the public API of the five
/// libraries, so a new entry point that breaks it fails here rather than in a user's code:
/// <list type="bullet">
/// <item>every public static <c>Decode</c>, <c>Read</c>, <c>TryRead</c>, <c>TryDecode</c> and <c>ReadPrefix</c> that reads
/// bytes takes them first, as <c>ReadOnlySpan&lt;byte&gt; source</c> (<c>body</c> for a CPER section body);</item>
/// <item>its <c>out</c> parameters (value, bytesConsumed, error) follow the source, before any input;</item>
/// <item>a position is <c>long baseOffset = 0</c> (absolute: the caller slices; never an <c>int offset</c> into the span);</item>
/// <item>options come last, as <c>options</c> (<see cref="CperDecodeOptions"/>), optional wherever the method has defaults;</item>
/// <item>nothing steers decoding from ambient state: no public static <c>Use</c> scope, no static <c>Current</c>, no
/// public static setter, no AsyncLocal, ThreadLocal or [ThreadStatic] field anywhere in the libraries.</item>
/// </list>
/// </summary>
public sealed class DecodeContractTests
{
    private static readonly Assembly[] s_libraries =
    [
        typeof(DecoderLimits).Assembly, typeof(CperRecord).Assembly, typeof(HestTable).Assembly,
        typeof(ErrorStatusBlock).Assembly, typeof(ScenarioReader).Assembly,
    ];

    private static readonly HashSet<string> s_decodeNames = ["Decode", "Read", "TryRead", "TryDecode", "ReadPrefix"];

    private static IEnumerable<Type> PublicTypes() => s_libraries.SelectMany(a => a.GetExportedTypes());

    /// <summary>The public static decode entry points that read bytes from a span.</summary>
    private static List<MethodInfo> DecodeMethods() =>
    [
        .. PublicTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => s_decodeNames.Contains(m.Name) && m.GetParameters().Any(p => Unref(p.ParameterType) == typeof(ReadOnlySpan<byte>))),
    ];

    private static Type Unref(Type t) => t.IsByRef ? t.GetElementType()! : t;

    private static string Name(MethodInfo m) => $"{m.DeclaringType!.FullName}.{m.Name}({string.Join(", ", m.GetParameters().Select(p => $"{(p.IsOut ? "out " : "")}{Unref(p.ParameterType).Name} {p.Name}"))})";

    /// <summary>A section body's decoder names its span <c>body</c> (the descriptor's SectionLength bytes), as the fixed sections do.</summary>
    private static bool IsSectionBody(Type t) => typeof(CperSectionBody).IsAssignableFrom(t) || t.Name.EndsWith("SectionView", StringComparison.Ordinal);

    /// <summary>The contract's rules for one method; the problems found (none when it fits).</summary>
    internal static List<string> Check(MethodInfo m)
    {
        var problems = new List<string>();
        var ps = m.GetParameters();
        var first = ps[0];
        string expectedName = IsSectionBody(m.DeclaringType!) ? "body" : "source";
        if (first.ParameterType != typeof(ReadOnlySpan<byte>) || first.Name != expectedName)
            problems.Add($"the first parameter is {first.ParameterType.Name} {first.Name}, not ReadOnlySpan<byte> {expectedName}");

        int i = 1;
        while (i < ps.Length && ps[i].IsOut) i++;
        for (int j = i; j < ps.Length; j++)
            if (ps[j].IsOut) problems.Add($"out parameter '{ps[j].Name}' comes after an input (out parameters follow the source)");

        for (int j = 0; j < ps.Length; j++)
        {
            var p = ps[j];
            bool integer = Unref(p.ParameterType) is var t && (t == typeof(int) || t == typeof(long) || t == typeof(uint) || t == typeof(ulong));
            bool isOffset = p.Name!.Contains("offset", StringComparison.OrdinalIgnoreCase);
            if (integer && isOffset && !p.IsOut)
            {
                if (p.Name != "baseOffset" || p.ParameterType != typeof(long))
                    problems.Add($"'{Unref(p.ParameterType).Name} {p.Name}': a position is 'long baseOffset' (absolute; the caller slices)");
                else if (!p.HasDefaultValue || !Equals(p.DefaultValue, 0L))
                    problems.Add("baseOffset is not optional (= 0)");
                for (int k = j + 1; k < ps.Length; k++)
                    if (!ps[k].IsOptional) problems.Add($"required parameter '{ps[k].Name}' after baseOffset (only options follow it)");
            }
            if (p.ParameterType == typeof(CperDecodeOptions))
            {
                if (p.Name != "options") problems.Add($"the options parameter is called '{p.Name}', not 'options'");
                if (j != ps.Length - 1) problems.Add("the options parameter is not last");
                if (!p.IsOptional) problems.Add("the options parameter is not optional (= null)");
            }
            if (p.ParameterType == typeof(CperSectionRegistry))
                problems.Add($"'{p.Name}': a registry is passed in the options (CperDecodeOptions.Sections), not on its own");
        }
        return problems;
    }

    [Fact]
    public void The_contract_finds_the_entry_points_it_is_about()
    {
        // Guards the reflection itself: an empty or shrunken list would make the other tests pass vacuously.
        var names = DecodeMethods().Select(m => $"{m.DeclaringType!.Name}.{m.Name}").ToHashSet();
        foreach (string expected in new[]
        {
            "CperRecordView.Read", "CperRecordView.TryRead", "CperRecordView.ReadPrefix", "CperRecord.Decode",
            "HestTable.TryRead", "HestErrorSource.Read", "HestErrorSource.TryRead", "HestSource.Decode", "HardwareErrorNotification.Read",
            "ErrorStatusBlockView.TryRead", "ErrorStatusBlock.Decode", "BertTable.TryRead", "BootErrorRegion.Decode",
            "ErstStoreView.TryRead", "ActionTable.TryRead", "ArmProcessorSection.Decode", "MemoryErrorSection.Decode",
        })
            Assert.Contains(expected, names);
        Assert.True(names.Count >= 40, $"only {names.Count} decode entry points found");
    }

    [Fact]
    public void Every_public_decode_entry_point_has_the_one_shape()
    {
        var broken = DecodeMethods().Select(m => (m, Check(m))).Where(x => x.Item2.Count > 0)
            .Select(x => $"{Name(x.m)}: {string.Join("; ", x.Item2)}").ToList();
        Assert.True(broken.Count == 0, "Decode entry points that break the contract (docs/DESIGN.md, Decode contract):\n" + string.Join("\n", broken));
    }

    [Fact]
    public void Every_options_parameter_of_the_public_api_is_last_and_called_options()
    {
        var broken = new List<string>();
        foreach (var t in PublicTypes())
        {
            if (t == typeof(CperDecodeOptions)) continue; // its own Equals and operators
            foreach (var m in t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (m.IsSpecialName || m.Name is "BeginInvoke" or "EndInvoke") continue; // accessors, operators, a delegate's async pattern
                var ps = m.GetParameters();
                for (int j = 0; j < ps.Length; j++)
                {
                    if (ps[j].ParameterType != typeof(CperDecodeOptions)) continue;
                    if (ps[j].Name != "options" || j != ps.Length - 1) broken.Add(Name(m));
                }
                bool decodes = s_decodeNames.Contains(m.Name) || m.Name == "Describe" || m.Name.StartsWith("To", StringComparison.Ordinal);
                if (decodes && m.DeclaringType != typeof(CperSectionRegistry) && ps.Any(p => p.ParameterType == typeof(CperSectionRegistry)))
                    broken.Add(Name(m) + " (a registry parameter: pass CperDecodeOptions)");
            }
        }
        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }

    [Fact]
    public void No_ambient_decode_state_is_left_in_the_libraries()
    {
        var broken = new List<string>();
        foreach (var t in s_libraries.SelectMany(a => a.GetTypes()))
        {
            foreach (var f in t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var ft = f.FieldType;
                if (ft.IsGenericType && (ft.GetGenericTypeDefinition() == typeof(AsyncLocal<>) || ft.GetGenericTypeDefinition() == typeof(ThreadLocal<>)))
                    broken.Add($"{t.FullName}.{f.Name}: {ft.Name}");
                if (f.IsDefined(typeof(ThreadStaticAttribute)))
                    broken.Add($"{t.FullName}.{f.Name}: [ThreadStatic]");
            }
        }
        foreach (var t in PublicTypes())
        {
            foreach (var m in t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
                if (m.Name == "Use" || (m.ReturnType == typeof(IDisposable) && !m.IsSpecialName))
                    broken.Add($"{t.FullName}.{m.Name}: a public static scope");
            foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (p.Name == "Current") broken.Add($"{t.FullName}.Current: ambient state");
                if (p.SetMethod is { IsPublic: true }) broken.Add($"{t.FullName}.{p.Name}: a public static setter");
            }
        }
        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }

    /// <summary>
    /// Describers that take their key or two inputs first, by design (docs/DESIGN.md, "Decode contract"): the registry
    /// facade is keyed by the section type as its <c>DecodeBody</c> is, and the BERT describer walks two inputs (the table
    /// and its region), each followed by its own offset. A new exception has to be added here, deliberately.
    /// </summary>
    private static readonly HashSet<string> s_describerExceptions = ["CperSections.DescribeBody", "BertDescriber.Describe"];

    /// <summary>The public static describers: a walk of bytes to a visitor (<c>Describe*</c> taking a span and a <see cref="StructureVisitor"/>).</summary>
    private static List<MethodInfo> DescriberMethods() =>
    [
        .. PublicTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.Name.StartsWith("Describe", StringComparison.Ordinal)
                && m.GetParameters().Any(p => p.ParameterType == typeof(ReadOnlySpan<byte>))
                && m.GetParameters().Any(p => p.ParameterType == typeof(StructureVisitor))),
    ];

    /// <summary>
    /// The describer shape: <c>(ReadOnlySpan&lt;byte&gt; source, long baseOffset, StructureVisitor visitor, inputs..., out
    /// results..., CperDecodeOptions? options)</c>; the span is <c>body</c> for a CPER section body, as in the decode contract.
    /// </summary>
    internal static List<string> CheckDescriber(MethodInfo m)
    {
        var problems = new List<string>();
        var ps = m.GetParameters();
        string expectedName = IsSectionBody(m.DeclaringType!) ? "body" : "source";
        if (ps.Length < 3 || ps[0].ParameterType != typeof(ReadOnlySpan<byte>) || ps[0].Name != expectedName
            || ps[1].ParameterType != typeof(long) || ps[1].Name != "baseOffset"
            || ps[2].ParameterType != typeof(StructureVisitor) || ps[2].Name != "visitor")
            problems.Add($"does not start (ReadOnlySpan<byte> {expectedName}, long baseOffset, StructureVisitor visitor)");
        int end = ps.Length > 0 && ps[^1].ParameterType == typeof(CperDecodeOptions) ? ps.Length - 1 : ps.Length;
        bool seenOut = false;
        for (int j = 3; j < end; j++)
        {
            if (ps[j].IsOut) seenOut = true;
            else if (seenOut) problems.Add($"input '{ps[j].Name}' after an out parameter (out results come after the inputs, before options)");
        }
        return problems;
    }

    [Fact]
    public void Every_public_describer_has_the_one_shape()
    {
        var describers = DescriberMethods();
        var names = describers.Select(m => $"{m.DeclaringType!.Name}.{m.Name}").ToHashSet();
        // Guards the reflection: the list holds the describers of every library.
        foreach (string expected in new[]
        {
            "CperRecordDescriber.Describe", "MemoryErrorSection.Describe", "ArmProcessorSection.Describe", "HestDescriber.Describe",
            "ActionTableDescriber.Describe", "ActionTableDescriber.DescribeEntry", "HestLayouts.DescribeFixed",
            "EinjStructures.DescribeTriggerTable", "ErrorStatusBlockDescriber.Describe", "ErstStoreDescriber.Describe", "BertDescriber.Describe",
        })
            Assert.Contains(expected, names);
        Assert.True(s_describerExceptions.IsSubsetOf(names), "an exception names a describer that no longer exists: " + string.Join(", ", s_describerExceptions.Except(names)));
        var broken = describers.Where(m => !s_describerExceptions.Contains($"{m.DeclaringType!.Name}.{m.Name}"))
            .Select(m => (m, CheckDescriber(m))).Where(x => x.Item2.Count > 0)
            .Select(x => $"{Name(x.m)}: {string.Join("; ", x.Item2)}").ToList();
        Assert.True(broken.Count == 0, "Describers that break the contract (docs/DESIGN.md, Decode contract):\n" + string.Join("\n", broken));
    }

    /// <summary>One of the example methods below (private static members of this class), by name.</summary>
    private static MethodInfo Example(string name) => typeof(DecodeContractTests).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;

    private static void DescribeKindFirst(int kind, ReadOnlySpan<byte> source, long baseOffset, StructureVisitor visitor) => _ = (kind, source.Length, baseOffset, visitor);
    private static void DescribeInputAfterOut(ReadOnlySpan<byte> source, long baseOffset, StructureVisitor visitor, out int bytesConsumed, string label) => bytesConsumed = (int)baseOffset + source.Length + label.Length + (visitor is null ? 0 : 1);
    private static int DescribeConforming(ReadOnlySpan<byte> source, long baseOffset, StructureVisitor visitor, string label, out int bytesConsumed, CperDecodeOptions? options = null)
        => bytesConsumed = (int)baseOffset + source.Length + label.Length + (visitor is null ? 0 : 1) + (options is null ? 0 : 1);


    // The checks are able to fail: shapes the contract refuses, as methods of this class.
    private static void WithIntOffset(ReadOnlySpan<byte> source, int offset, out int bytesConsumed) => bytesConsumed = offset + source.Length;
    private static void WithRequiredBaseOffset(ReadOnlySpan<byte> source, out int bytesConsumed, long baseOffset) => bytesConsumed = (int)baseOffset + source.Length;
    private static void WithOutAfterInput(ReadOnlySpan<byte> source, List<ApeiContentException> errors, out int bytesConsumed) => bytesConsumed = errors.Count + source.Length;
    private static void WithOptionsFirst(ReadOnlySpan<byte> source, CperDecodeOptions? options = null, long baseOffset = 0) => _ = (source.Length, options, baseOffset);
    private static void WithRegistry(ReadOnlySpan<byte> source, long baseOffset = 0, CperSectionRegistry? sections = null) => _ = (source.Length, baseOffset, sections);
    private static void WithOtherName(ReadOnlySpan<byte> bytes, long baseOffset = 0) => _ = (bytes.Length, baseOffset);
    private static void Conforming(ReadOnlySpan<byte> source, out int bytesConsumed, List<ApeiContentException> errors, long baseOffset = 0, CperDecodeOptions? options = null)
        => bytesConsumed = (int)baseOffset + source.Length + errors.Count + (options is null ? 0 : 1);

    /// <summary>What the shape check (decoders) or the describer check says of one of the example methods above.</summary>
    private static List<string> Problems(bool describer, string method) => describer ? CheckDescriber(Example(method)) : Check(Example(method));

    [Theory]
    [InlineData(false, nameof(WithIntOffset), "a position is 'long baseOffset'")]
    [InlineData(false, nameof(WithRequiredBaseOffset), "baseOffset is not optional")]
    [InlineData(false, nameof(WithOutAfterInput), "comes after an input")]
    [InlineData(false, nameof(WithOptionsFirst), "the options parameter is not last")]
    [InlineData(false, nameof(WithRegistry), "a registry is passed in the options")]
    [InlineData(false, nameof(WithOtherName), "not ReadOnlySpan<byte> source")]
    [InlineData(true, nameof(DescribeKindFirst), "does not start")]
    [InlineData(true, nameof(DescribeInputAfterOut), "after an out parameter")]
    public void Each_check_refuses_what_the_contract_forbids(bool describer, string method, string problem)
        => Assert.Contains(Problems(describer, method), p => p.Contains(problem, StringComparison.Ordinal));

    [Theory]
    [InlineData(false, nameof(Conforming))]
    [InlineData(true, nameof(DescribeConforming))]
    public void Each_check_accepts_the_contract(bool describer, string method)
        => Assert.Empty(Problems(describer, method));
}
