using System.Reflection;
using ApeiKit.Cper;

namespace ApeiKit.Tests.Apei;

/// <summary>
/// Name and flag tables are immutable after construction (issue #12 item 4): the static tables are shared by every
/// thread (<c>--jobs</c>), so nothing may rename a value process-wide (<c>MemoryErrorSection.MemoryErrorTypes[3] = "x"</c>
/// no longer compiles).
/// </summary>
public class NameTableImmutabilityTests
{
    [Theory]
    [InlineData(typeof(NameTable))]
    [InlineData(typeof(FlagTable))]
    public void The_indexer_has_no_setter_and_no_public_method_mutates(Type type)
    {
        var indexer = type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance).Single(p => p.GetIndexParameters().Length == 1);
        Assert.Null(indexer.SetMethod);
        Assert.DoesNotContain(type.GetMethods(BindingFlags.Public | BindingFlags.Instance), m => m.Name is "Add" or "Remove" or "Clear" or "set_Item");
        // Every field is readonly (no state can change after the constructor).
        Assert.All(type.GetFields(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance), f => Assert.True(f.IsInitOnly, $"{type.Name}.{f.Name} is not readonly"));
    }

    [Fact]
    public void Every_public_static_table_in_the_libraries_is_one_of_the_immutable_types()
    {
        // The 45 public tables (MemoryErrorSection.MemoryErrorTypes, HestNames.SourceTypes, ...) are NameTable or FlagTable
        // instances; none is a mutable collection typed as something else.
        var assemblies = new[] { typeof(NameTable).Assembly, typeof(CperRecord).Assembly, typeof(ApeiKit.Hest.HestNames).Assembly, typeof(ApeiKit.Ghes.GenericErrorStatus).Assembly };
        int tables = 0;
        foreach (var t in assemblies.SelectMany(a => a.GetExportedTypes()))
            foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Static))
                if (p.PropertyType == typeof(NameTable) || p.PropertyType == typeof(FlagTable))
                {
                    tables++;
                    Assert.Null(p.SetMethod);
                }
        Assert.True(tables >= 40, $"found {tables} public static tables");
    }

    [Fact]
    public void A_table_built_from_a_collection_expression_looks_up_names_and_values()
    {
        NameTable names = [new(0, "recoverable"), new(3, "informational")];
        Assert.Equal("informational", names[3]);
        Assert.Null(names[7]);
        Assert.True(names.TryGetValue("Recoverable", out ulong v) && v == 0);
        Assert.Equal([0UL, 3UL], names.Select(kv => kv.Key));

        FlagTable flags = [new(1, "timestamp"), new(0, "platformId"), new(70, "far")];
        Assert.Equal("platformId", flags[0]);
        Assert.Equal("far", flags[70]);
        Assert.Equal(0b11UL, flags.KnownMask);
        Assert.Equal(["platformId", "timestamp", "bit5"], flags.NamesOf(0b100011));
        Assert.Equal([0, 1, 70], flags.Select(kv => kv.Key)); // bit order
    }

    [Fact]
    public void A_table_keeps_its_own_copy_of_what_it_was_built_from()
    {
        var source = new List<KeyValuePair<ulong, string>> { new(1, "one") };
        var table = new NameTable(source);
        source[0] = new(1, "changed");
        Assert.Equal("one", table[1]);
    }

    [Fact]
    public void Lookups_do_not_allocate()
    {
        var table = MemoryErrorSection.MemoryErrorTypes;
        _ = table[3];
        _ = CperRecordHeaderFlags()[1];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            _ = table[(ulong)(i & 15)];
            _ = CperRecordHeaderFlags()[i & 63];
        }
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    private static FlagTable CperRecordHeaderFlags() => s_flags;
    private static readonly FlagTable s_flags = [new(0, "platformId"), new(1, "timestamp"), new(2, "partitionId")];
}
