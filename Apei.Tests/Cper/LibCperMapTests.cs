using System.Buffers;
using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The libcper member maps (<see cref="LibCperMap"/>, issue #12 item 2) are declarations: every member names its libcper
/// member once per object and takes its validation bit from a field of the section's own layout. The rendering itself is
/// held against libcper's output by <see cref="LibCperCompatTests"/> and <see cref="LibCperBehaviourTests"/>.
/// </summary>
public class LibCperMapTests
{
    public static TheoryData<string> Maps() => [.. LibCperSections.Maps.Select(m => m.ReadableName)];

    [Theory]
    [MemberData(nameof(Maps))]
    public void Every_map_names_each_member_once_and_takes_its_bits_from_its_own_layout(string readableName)
    {
        var map = LibCperSections.Maps.Single(m => m.ReadableName == readableName);
        Assert.Empty(map.Problems());
    }

    [Fact]
    public void The_fixed_sections_are_declared_as_maps()
    {
        // The families declared as maps so far: if one falls back to a hand-written tree this fails.
        Guid[] fixedSections =
        [
            CperGuids.ProcessorGeneric, CperGuids.PlatformMemory, CperGuids.PlatformMemory2, CperGuids.PciBus, CperGuids.PciComponent,
            CperGuids.FirmwareErrorRecordReference, CperGuids.DmarGeneric, CperGuids.DmarVtd, CperGuids.DmarIommu, CperGuids.CcixPer,
            CperGuids.CxlGeneralMedia, CperGuids.CxlDram, CperGuids.CxlMemoryModule, CperGuids.CxlPhysicalSwitch, CperGuids.CxlVirtualSwitch, CperGuids.CxlMldPort,
            ApeiKit.Cper.Vendors.AmpereSection.SectionGuid,
        ];
        Assert.All(fixedSections, g => Assert.IsType<LibCperMap>(LibCperSections.Find(g)));
    }

    [Fact]
    public void A_member_named_twice_or_a_field_of_another_layout_is_reported()
    {
        // Memory 2's layout with a member over the memory section's Rank Number (bit 15 there; bit 15 of memory 2 is Requestor ID).
        var bad = new LibCperMap(MemoryError2Section.Codec, "Platform Memory 2", "Memory2", MemoryError2Section.LayoutDef, 0,
        [
            Lm.Int("node", MemoryError2Section.NodeField),
            Lm.Int("node", MemoryError2Section.CardField),
            Lm.Int("rankNumber", MemoryErrorSection.RankNumberField),
        ]);
        var problems = bad.Problems().ToList();
        Assert.Contains(problems, p => p.Contains("member node is named 2 times", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("rankNumber: field rankNumber is not a field of", StringComparison.Ordinal));
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void A_body_shorter_than_libcpers_structure_writes_nothing()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new LcWriter();
        w.Reset(buffer);
        // libcper reads the 80-byte memory layout only; ApeiKit's model also takes the 73-byte one.
        Assert.False(LcFixed.Memory.TryWrite(w, new byte[MemoryErrorSection.LegacySize]));
        w.Flush();
        Assert.Equal(0, buffer.WrittenCount);
    }
}
