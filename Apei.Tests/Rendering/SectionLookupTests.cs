using ApeiKit.Cper;

namespace ApeiKit.Tests.Rendering;

/// <summary>
/// The record describer's one lookup per section and per header GUID, from the GUID's bytes (issue #15:
/// <see cref="CperSectionLookup"/>, <see cref="CperGuids"/>' table per kind), against the registries they replace: every GUID the
/// section registry or the GUID registry knows is found with the codec and name they give, and a GUID with any one byte
/// changed is found only when that GUID is itself registered.
/// </summary>
public class SectionLookupTests
{
    // Every GUID with each of its 16 bytes changed in turn (one bit, then all bits).
    private static IEnumerable<Guid> Flips(Guid guid)
    {
        var raw = guid.ToByteArray();
        for (int i = 0; i < 16; i++)
        {
            foreach (byte mask in new byte[] { 0x01, 0x80, 0xFF })
            {
                var flipped = (byte[])raw.Clone();
                flipped[i] ^= mask;
                yield return new Guid(flipped);
            }
        }
    }

    private static void AssertAgrees(CperSectionRegistry registry, Guid guid)
    {
        var entry = registry.SectionLookup.Find(guid.ToByteArray());
        var codec = registry.Find(guid);
        // The name by a linear search of the GUID list, not through CperGuids.SectionName (which reads the same table as the lookup).
        string? name = codec?.Name ?? CperGuids.All.FirstOrDefault(e => e.Kind == CperGuidKind.Section && e.Guid == guid)?.Name;
        if (name is null)
        {
            Assert.Null(entry);
            return;
        }
        Assert.NotNull(entry);
        Assert.Same(codec, entry.Codec);
        Assert.Equal(name, entry.Name.Text);
        Assert.Equal(codec is not null && CperSectionRegistry.IsBuiltIn(codec), entry.BuiltIn);
    }

    [Fact]
    public void Every_section_type_is_found_with_its_codec_and_name_and_nothing_after_a_byte_flip()
    {
        var registry = CperSectionRegistry.Default;
        var known = registry.Codecs.Select(c => c.SectionType).Concat(CperGuids.All.Where(e => e.Kind == CperGuidKind.Section).Select(e => e.Guid)).Distinct().ToList();
        Assert.True(known.Count > 20, $"only {known.Count} section types");
        Assert.Contains(known, g => registry.Find(g) is null); // some are named by the GUID registry alone
        foreach (var guid in known)
        {
            AssertAgrees(registry, guid);
            foreach (var flipped in Flips(guid)) AssertAgrees(registry, flipped);
        }
        AssertAgrees(registry, Guid.Empty);
    }

    private static CperSectionCodec Vendor(Guid type, string name)
        => new(type, name, RawSectionBody.DescribeRaw, (b, _) => new RawSectionBody(type, b.ToArray()));

    [Fact]
    public void A_registry_s_lookup_follows_its_codecs_as_they_are_added_and_overridden()
    {
        var registry = new CperSectionRegistry();
        var vendorType = new Guid("6d2f3c41-98a0-4c7e-9f5b-1e2d3c4b5a69");
        var before = registry.SectionLookup;
        Assert.Null(before.Find(vendorType.ToByteArray()));
        Assert.Same(before, registry.SectionLookup); // built once per set of codecs

        var vendor = Vendor(vendorType, "Vendor telemetry");
        registry.Add(vendor);
        Assert.NotSame(before, registry.SectionLookup);
        AssertAgrees(registry, vendorType);
        Assert.False(registry.SectionLookup.Find(vendorType.ToByteArray())!.BuiltIn);

        var memory = CperGuids.All.First(e => e.Kind == CperGuidKind.Section && registry.Find(e.Guid) is not null).Guid;
        registry.Override(Vendor(memory, "Replaced"));
        AssertAgrees(registry, memory);
        Assert.Equal("Replaced", registry.SectionLookup.Find(memory.ToByteArray())!.Name.Text);
        AssertAgrees(CperSectionRegistry.Default, memory); // the default registry is untouched
    }

    [Fact]
    public void Creators_and_notification_types_are_found_from_their_bytes_and_nothing_after_a_byte_flip()
    {
        foreach (var kind in new[] { CperGuidKind.Creator, CperGuidKind.Notification })
        {
            // Held against the registry's list itself (a linear search), not against another lookup over the same table.
            string? nameOf(Guid g) => CperGuids.All.FirstOrDefault(e => e.Kind == kind && e.Guid == g)?.Name;
            var guids = CperGuids.All.Where(e => e.Kind == kind).Select(e => e.Guid).ToList();
            Assert.NotEmpty(guids);
            foreach (var guid in guids.SelectMany(g => Flips(g).Prepend(g)))
                Assert.Equal(nameOf(guid), CperGuids.Find(guid.ToByteArray(), kind)?.Name.Text);
        }
    }
}
